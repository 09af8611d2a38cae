"""The guard of graded test cells (course_utils.checks.shipped): it re-imports the checks past whatever a notebook did to
them, finds every way the notebook's `checks` differs, and puts the notebook's modules back."""

import json
import sys
import types

import pytest

import course_utils.checks as notebook_checks
from course_utils.checks import shipped


def run_prelude(namespace):
    """Run the two hidden lines a graded test cell starts with, in ``namespace`` (a notebook's globals)."""
    exec(shipped.PRELUDE, namespace)
    return namespace["checks"]


def replaced(namespace):
    """Run the prelude, expecting it to raise ChecksReplaced (the fresh import's own class); return the message."""
    with pytest.raises(AssertionError) as failure:  # nbgrader scores a test cell that raises it 0
        run_prelude(namespace)
    assert type(failure.value).__name__ == "ChecksReplaced", failure.value
    return str(failure.value)


@pytest.fixture
def notebook():
    """A notebook namespace that imported the checks as the exercises do; sys.modules is restored afterwards."""
    before = dict(sys.modules)
    yield {"checks": notebook_checks}
    for name in [n for n in sys.modules if n.split(".")[0] == "course_utils"]:
        sys.modules.pop(name)
    sys.modules.update({n: m for n, m in before.items() if n.split(".")[0] == "course_utils"})


def test_honest_notebooks_get_the_fresh_checks_and_keep_their_modules(notebook):
    modules = {n: m for n, m in sys.modules.items() if n.split(".")[0] == "course_utils"}
    fresh = run_prelude(notebook)
    assert fresh is not notebook_checks and fresh.check_flip.__code__ == notebook_checks.check_flip.__code__
    assert {n: m for n, m in sys.modules.items() if n.split(".")[0] == "course_utils"} == modules
    assert run_prelude(notebook) is not fresh  # a second test cell: the first one's fresh checks are genuine too


def private_copy():
    """Return a fresh import of the checks that no other test shares (sys.modules is left as it was)."""
    saved = {n: sys.modules.pop(n) for n in [*sys.modules] if n.split(".")[0] == "course_utils"}
    try:
        import course_utils.checks as copy
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "course_utils"]:
            sys.modules.pop(name)
        sys.modules.update(saved)
    return copy


def test_reloading_the_checks_in_the_notebook_is_not_tampering(notebook):
    import importlib

    importlib.reload(notebook_checks.ex3)  # in place: the same code again
    run_prelude(notebook)


@pytest.mark.parametrize(
    "tamper, phrase",
    [
        (lambda ns: setattr(ns["checks"], "check_add_noise", lambda f: "PASSED"), "checks.check_add_noise was replaced"),
        (lambda ns: setattr(ns["checks"].ex3, "MAX_DENOISED_TO_NOISY", 1.0), "MAX_DENOISED_TO_NOISY was changed"),
        (lambda ns: setattr(ns["checks"]._core, "require", lambda *a: None), "_core.require was replaced"),
        (lambda ns: delattr(ns["checks"], "check_denoiser"), "check_denoiser was deleted"),
        (lambda ns: ns.update(checks=types.SimpleNamespace(check_add_noise=lambda f: "PASSED")), "checks is not the module"),
        (lambda ns: ns.update(checks=types.ModuleType("course_utils.checks")), "was deleted"),
    ],
)
def test_changed_checks_fail_with_a_message_naming_the_change(notebook, tamper, phrase):
    notebook["checks"] = private_copy()  # a copy to spoil
    tamper(notebook)
    message = replaced(notebook)
    assert "changed in this notebook" in message and phrase in message


def test_a_fake_module_in_sys_modules_is_bypassed(notebook):
    fake = types.ModuleType("course_utils.checks")
    fake.check_add_noise = lambda function: "PASSED"
    sys.modules["course_utils.checks"] = fake
    fresh = run_prelude(notebook)  # the notebook's own `checks` is still the real one
    assert fresh is not fake and fresh.check_add_noise.__module__ == "course_utils.checks.ex3"
    assert sys.modules["course_utils.checks"] is fake  # put back: the guard changes nothing else
    notebook["checks"] = fake
    sys.modules["course_utils.checks"] = fake
    replaced(notebook)


def test_files_that_differ_from_the_release_pins_fail(notebook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    package = notebook_checks.__file__.rsplit("/", 1)[0]
    from pathlib import Path

    pins = shipped.file_digests(Path(package))
    (tmp_path / shipped.PIN_FILE).write_text(json.dumps({"files": pins}))
    run_prelude(notebook)  # the installed files are the pinned ones
    pins["checks/ex3.py"] = "0" * 64
    (tmp_path / shipped.PIN_FILE).write_text(json.dumps({"files": pins}))
    assert "checks/ex3.py differs from the file released" in replaced(notebook)


def test_the_guard_refuses_to_run_without_the_prelude(notebook):
    with pytest.raises(ValueError, match="taken out of sys.modules"):
        shipped.genuine(notebook_checks, {})
