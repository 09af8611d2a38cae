"""Neuromatch-style: execute every exercise notebook on a fresh kernel (quick mode) and check that it
fails exactly where the generator said it would, each time with a placeholder's NotImplementedError
message (or the NameError that follows from one), and that every placeholder's message shows up.
A placeholder that silently passes, or a cell that breaks for another reason, fails this test."""

import copy
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_utils import exercises

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_exercise_fails_only_at_its_placeholders(solution, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")  # the kernel inherits it: this test checks mechanics, not results
    monkeypatch.setenv("MPLBACKEND", "Agg")
    exercise = exercises.make_exercise(nbformat.read(solution, as_version=4), f"solutions/{solution.name}")
    executed = copy.deepcopy(exercise.notebook)
    NotebookClient(
        executed, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(ROOT / "exercises")}}
    ).execute()
    problems = exercises.execution_problems(exercise, executed, solution.name)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the verdict itself, without a kernel

SOLUTION = new_notebook(cells=[
    new_code_cell("def f():\n    ### BEGIN SOLUTION: write f\n    return 1\n    ### END SOLUTION"),
    new_code_cell("value = f()"),
    new_code_cell("print(value)"),
    new_code_cell("print('fine')"),
])
for _index, _cell in enumerate(SOLUTION.cells):
    _cell.id = f"s{_index}"


def _executed(errors: dict[int, tuple[str, str]]):
    """Return the exercise of SOLUTION and a copy whose code cells carry the given (ename, evalue) errors."""
    exercise = exercises.make_exercise(SOLUTION, "s.ipynb")
    executed = copy.deepcopy(exercise.notebook)
    for index, (ename, evalue) in errors.items():
        executed.cells[index].outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[])]
    return exercise, executed


GOOD = {2: ("NotImplementedError", "write f"), 3: ("NameError", "name 'value' is not defined")}


def test_failing_exactly_as_predicted_is_fine():
    assert exercises.execution_problems(*_executed(GOOD)) == []


def test_a_placeholder_that_passes_silently_is_caught():
    problems = exercises.execution_problems(*_executed({}))
    assert any("cell 2 should fail" in p and "passed silently" in p for p in problems)
    assert any("'write f' never raised NotImplementedError" in p for p in problems)


def test_wrong_or_unexpected_errors_are_caught():
    wrong = {**GOOD, 2: ("NotImplementedError", "some other message")}
    assert any("not a placeholder's NotImplementedError" in p for p in exercises.execution_problems(*_executed(wrong)))
    broken = {**GOOD, 4: ("ValueError", "bug")}
    assert any("cell 4 should run in the exercise but raised ValueError" in p for p in exercises.execution_problems(*_executed(broken)))
