"""`python -m pytest` executes the notebooks in quick mode unless --full is given (the root conftest.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import os

def test_mode(pytestconfig):
    with open(pytestconfig.rootpath / "mode.txt", "w") as file:
        file.write(os.environ.get("COURSE_QUICK", "<unset>"))
"""


def _environment(course_quick, **extra):
    env = {k: v for k, v in os.environ.items() if k != "COURSE_QUICK"} | extra
    if course_quick is not None:
        env["COURSE_QUICK"] = course_quick
    return env


def _mode_seen_by_tests(folder: Path, course_quick, *options):
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    (folder / "test_probe.py").write_text(PROBE)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options], cwd=folder,
                         env=_environment(course_quick, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    return (folder / "mode.txt").read_text()


@pytest.mark.parametrize(
    ("course_quick", "options", "expected"),
    [
        (None, (), "1"),  # nothing set: quick mode
        (None, ("--full",), "0"),
        ("0", (), "0"),  # an explicit COURSE_QUICK is respected ...
        ("1", (), "1"),
        ("1", ("--full",), "0"),  # ... unless --full overrides it
    ],
)
def test_notebooks_run_in_quick_mode_unless_full(tmp_path, course_quick, options, expected):
    assert _mode_seen_by_tests(tmp_path, course_quick, *options) == expected


def test_the_option_works_for_a_notebook_path_alone():
    """Given only a notebook, pytest loads no tests/conftest.py; the root conftest.py still sets the mode."""
    notebook = "notebooks/00_autoencoders_and_pca.ipynb"
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider", notebook],
                         cwd=ROOT, env=_environment(None), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "notebooks: COURSE_QUICK=1 " in run.stdout
