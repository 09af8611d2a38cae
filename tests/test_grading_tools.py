"""The grading tools without nbgrader's full run: the tamper report's reading of student code, private hidden tests
added to the course folder, and the sandbox the kernels run in."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_tools import grading, sandbox, tamper

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = tamper.imported_names(
    [
        "import numpy as np\nimport course_utils\nfrom course_utils import checks, data\n"
        "from course_utils.training import fit_or_load\nimport keras"
    ]
)


@pytest.mark.parametrize(
    "source, phrase",
    [
        (
            "checks.check_add_noise = lambda function: 'PASSED'",
            "assigns to `checks.check_add_noise`, an attribute of the course's own module",
        ),
        ("checks.ex3.MAX_DENOISED_TO_NOISY = 1", "course's own module"),
        ("import types\nchecks = types.SimpleNamespace()", "rebinds the name `checks`"),
        ("def checks():\n    pass", "rebinds the name `checks`"),
        ("from course_utils import data as checks", "rebinds the name `checks`"),
        ("import sys\nsys.modules['course_utils.checks'] = object()", "sys.modules"),
        ("import sys\nsys.path.insert(0, '/tmp/fake')", "sys.path"),
        ("import importlib\nimportlib.reload(checks)", "imports importlib"),
        ("import builtins\nbuiltins.print = None", "imports builtins"),
        ("setattr(checks, 'check_flip', None)", "setattr"),
        ("exec('x = 1')", "exec"),
        ("f.__code__ = g.__code__", "internals"),
        ("np.array_equal = lambda a, b: True", "an attribute of module numpy"),
        ("open('/root/secret.txt').read()", "reads a file outside its folder ('/root/secret.txt')"),
        ("open('../../gradebook.db', 'wb')", "writes a file outside its folder"),
        ("open(checks.ex3.__file__, 'a').write('x')", "writes a file whose path this report cannot read"),
        ("import os\nos.remove('/etc/passwd')", "writes, moves or deletes files outside its folder"),
        ("import socket\nsocket.create_connection(('1.2.3.4', 80))", "imports socket"),
        ("import urllib.request", "imports urllib.request"),
        ("import subprocess\nsubprocess.run(['ls'])", "runs other programs"),
        ("import os\nos.system('ls')", "runs other programs (os.system)"),
        ("import sqlite3", "opens databases"),
        ("!curl example.org", "runs shell commands"),
        ("%%bash\nls", "runs shell commands"),
        ("from pathlib import Path\nPath.home()", "home folder"),
    ],
)
def test_the_tamper_report_names_code_that_reaches_beyond_the_task(source, phrase):
    found = tamper.scan_cell(source, IMPORTS)
    assert any(phrase in line for line in found), found


def test_honest_answers_raise_no_flag():
    for path in sorted((ROOT / "solutions").glob("ex*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert tamper.scan_notebook(notebook) == [], path.name
    honest = [
        "def add_noise(images, sigma, seed):\n    noise = np.random.default_rng(seed).normal(0.0, sigma, size=images.shape)\n"
        "    return np.clip(images + noise, 0.0, 1.0).astype(images.dtype)",
        "from course_utils import checks\nimport numpy as np\nfrom scipy import ndimage",
        "np.save('codes.npy', codes)\nresult = images.copy()\nmodel.save_weights('mine.weights.h5')\nopen('notes.txt', 'w').write('x')",
        "x = images.reshape(len(images), -1)\nsorted_codes = np.sort(codes)\nkeras.utils.set_random_seed(0)",
    ]
    for source in honest:
        assert tamper.scan_cell(source, IMPORTS) == [], source


def _graded_cell(source, grade_id, locked, solution, error=None):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "locked": locked, "solution": solution, "grade": not solution and locked}
    if error:
        cell.outputs = [new_output("error", ename=error[0], evalue=error[1], traceback=[])]
    return cell


def test_the_report_reads_answers_and_added_cells_only_and_what_the_run_showed():
    notebook = new_notebook(
        cells=[
            _graded_cell("import sys\nfrom course_utils import checks", "imports", True, False),  # the instructor's cell
            _graded_cell("def f():\n    return 1\nchecks.check_f = f", "answer", False, True),
            new_code_cell("open('/home/teacher/notes.txt').read()"),  # added by the student
            _graded_cell("print(checks.check_f(f))", "check_f", True, False, ("ChecksReplaced", "checks.check_f was replaced")),
            _graded_cell("def g():\n    pass", "answer_2", False, True, ("OSError", "[Errno 30] Read-only file system: '/x'")),
        ]
    )
    notebook.cells[2].id = "added"
    static = [str(flag) for flag in tamper.scan_notebook(notebook)]
    assert static == [
        "cell answer: assigns to `checks.check_f`, an attribute of the course's own module course_utils.checks",
        "cell added: reads a file outside its folder ('/home/teacher/notes.txt')",
    ]
    run = [str(flag) for flag in tamper.scan_outputs(notebook)]
    assert len(run) == 2 and "found the course's checks changed" in run[0] and "Read-only file system" in run[1]


def test_private_tests_are_appended_as_hidden_blocks(tmp_path):
    private = tmp_path / "private"
    (private / "ex3_denoising").mkdir(parents=True)
    (private / "ex3_denoising" / "check_add_noise.py").write_text("assert True  # mine\n")
    names = grading.prepare(tmp_path / "course", ROOT / "solutions", private)
    assert names == sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))
    source = nbformat.read(tmp_path / "course" / "source" / "ex3_denoising" / "ex3_denoising.ipynb", as_version=4)
    cell = next(c for c in source.cells if c.metadata["nbgrader"]["grade_id"] == "check_add_noise")
    assert cell.source.endswith("### BEGIN HIDDEN TESTS\n# private test (check_add_noise.py)\nassert True  # mine\n### END HIDDEN TESTS")
    pins = json.loads((tmp_path / "course" / "source" / "ex3_denoising" / "course_checks.json").read_text())
    assert "checks/ex3.py" in pins["files"]
    assert str(private.resolve()) in (tmp_path / "course" / "nbgrader_config.py").read_text()  # hidden from the sandbox
    untouched = nbformat.read(tmp_path / "course" / "source" / "ex1_transformations" / "ex1_transformations.ipynb", as_version=4)
    assert "private test" not in json.dumps(untouched)


@pytest.mark.parametrize(
    "name, code, message",
    [
        ("no_such_test.py", "assert True", "no autograded test cell 'no_such_test'"),
        ("check_add_noise.py", "assert (", "not valid Python"),
        ("check_add_noise.py", "### BEGIN HIDDEN TESTS\nassert True", "markers are added for you"),
    ],
)
def test_private_tests_that_cannot_apply_are_refused(tmp_path, name, code, message):
    (tmp_path / name).write_text(code)
    notebook = nbformat.read(ROOT / "solutions" / "ex3_denoising.ipynb", as_version=4)
    with pytest.raises(ValueError, match=message):
        grading.apply_private_tests(notebook, tmp_path)


def test_the_command_line_builds_the_course_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(grading.PRIVATE_ENV_VAR, raising=False)
    assert grading.main(["prepare", str(tmp_path / "course")]) == 0
    assert (tmp_path / "course" / "nbgrader_config.py").read_text() == grading.CONFIG.read_text()
    assert grading.main(["prepare", str(tmp_path / "other"), "--private", str(tmp_path / "missing")]) == 2


def test_the_pins_are_the_digests_the_graded_tests_compute():
    from course_utils.checks import shipped

    assert grading.PIN_FILE == shipped.PIN_FILE
    assert grading.checks_digests()["files"] == shipped.file_digests(Path(shipped.__file__).resolve().parent)


def test_the_nbgrader_hooks_write_the_report_and_put_a_notice_into_the_feedback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no converter around: the course folder is the working folder, as for nbgrader
    notebook = new_notebook(
        cells=[
            _graded_cell("from course_utils import checks", "imports", True, False),
            _graded_cell("checks.check_f = print", "answer", False, True),
        ]
    )
    resources = {"nbgrader": {"student": "amy", "assignment": "ex3"}}
    notebook, resources = grading.TamperScan()(notebook, resources)  # __call__ runs only enabled preprocessors
    notebook, resources = grading.TamperReport()(notebook, resources)
    assert notebook.cells[0].id == grading.NOTICE_ID and "checks.check_f" in notebook.cells[0].source
    assert grading.read_flags(tmp_path)[("ex3", "amy")] == [str(f) for f in tamper.scan_notebook(notebook)]
    honest = new_notebook(cells=[_graded_cell("x = 1", "answer", False, True)])
    honest, _ = grading.TamperReport()(*grading.TamperScan()(honest, {"nbgrader": {"student": "bo", "assignment": "ex3"}}))
    assert len(honest.cells) == 1 and grading.read_flags(tmp_path)[("ex3", "bo")] == []


def test_flags_become_a_column_of_the_grades(tmp_path):
    (tmp_path / "tamper" / "amy").mkdir(parents=True)
    (tmp_path / "tamper" / "amy" / "ex3.json").write_text(json.dumps({"student": "amy", "assignment": "ex3", "flags": ["a", "b"]}))
    assert grading.read_flags(tmp_path) == {("ex3", "amy"): ["a", "b"]}


# --------------------------------------------------------------------------- the sandbox


def test_the_kernel_environment_keeps_only_the_courses_variables(tmp_path):
    env = sandbox.kernel_environment(
        tmp_path,
        {
            "PATH": "/usr/bin",
            "COURSE_QUICK": "1",
            "GITHUB_TOKEN": "secret",
            "HOME": "/root",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "TF_CLI_CONFIG_FILE": "/root/.terraformrc",
        },
    )
    assert env["COURSE_QUICK"] == "1" and env["HOME"] == str(tmp_path / "home") and env["COURSE_CACHE_DIR"] == str(tmp_path / "weights")
    assert "GITHUB_TOKEN" not in env and "TF_CLI_CONFIG_FILE" not in env and env["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_the_kernel_is_given_the_data_folder_at_the_real_path_the_sandbox_binds(tmp_path):
    real = tmp_path / "shared" / "datasets"
    real.mkdir(parents=True)
    (tmp_path / "linked").symlink_to(tmp_path / "shared")
    env = sandbox.kernel_environment(tmp_path / "scratch", {"COURSE_DATA_DIR": str(tmp_path / "linked" / "datasets")})
    assert env["COURSE_DATA_DIR"] == str(real.resolve())
    command = sandbox.bwrap_command(["true"], tmp_path / "scratch", tmp_path / "scratch" / "work", [tmp_path / "linked" / "datasets"])
    assert str(real.resolve()) in command


def test_the_sandbox_is_on_unless_switched_off():
    assert sandbox.sandbox_enabled({}) and sandbox.sandbox_enabled({"COURSE_GRADING_SANDBOX": "on"})
    assert not sandbox.sandbox_enabled({"COURSE_GRADING_SANDBOX": "off"})


def test_a_missing_bubblewrap_is_explained(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.bwrap_path()


PROBE = r"""
import os, socket, sys
from pathlib import Path
results = {}
def attempt(name, action):
    try:
        action()
        results[name] = "done"
    except OSError as error:
        results[name] = type(error).__name__
attempt("write the course installation", lambda: open(sys.argv[1], "a").write("#"))
attempt("write the scratch folder", lambda: Path("note.txt").write_text("mine"))
attempt("read the hidden folder", lambda: open(sys.argv[2]).read())
attempt("connect to the host", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[3])), timeout=3))
def new_user_namespace():
    import ctypes
    if ctypes.CDLL(None, use_errno=True).unshare(0x10000000) != 0:  # CLONE_NEWUSER
        raise OSError(ctypes.get_errno(), "unshare")
attempt("create a user namespace", new_user_namespace)
results["home"] = os.environ["HOME"]
results["uid"] = os.getuid()
results["token"] = os.environ.get("GITHUB_TOKEN")
print(repr(results))
"""


@pytest.mark.skipif(
    shutil.which("bwrap") is None and os.environ.get("CI", "").lower() != "true", reason="needs bubblewrap (apt-get install bubblewrap)"
)
def test_the_sandbox_keeps_student_code_in_its_scratch_folder(tmp_path, monkeypatch):
    scratch, hidden = tmp_path / "scratch", tmp_path / "course"
    (scratch / "work").mkdir(parents=True)
    hidden.mkdir()
    (hidden / "gradebook.db").write_text("grades")
    server = socket.create_server(("127.0.0.1", 0))
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    target = ROOT / "course_utils" / "checks" / "ex3.py"
    before = target.read_bytes()
    command = sandbox.bwrap_command(
        [sys.executable, "-c", PROBE, str(target), str(hidden / "gradebook.db"), str(server.getsockname()[1])],
        scratch,
        scratch / "work",
        hidden=[hidden],
    )
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        server.close()
    assert finished.returncode == 0, finished.stderr
    results = eval(finished.stdout)  # noqa: S307 (our own probe's repr)
    assert target.read_bytes() == before
    assert results["write the course installation"] == "OSError"  # read-only file system
    assert results["write the scratch folder"] == "done" and (scratch / "work" / "note.txt").read_text() == "mine"
    assert results["read the hidden folder"] == "FileNotFoundError"
    assert results["connect to the host"] in {"ConnectionRefusedError", "OSError"}
    assert results["create a user namespace"] != "done"
    assert results["uid"] != 0 and results["home"] == str(scratch.resolve() / "home") and results["token"] is None
