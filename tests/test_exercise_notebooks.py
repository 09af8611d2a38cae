"""Neuromatch-style: execute every exercise notebook on a fresh kernel (quick mode) and check that it
fails exactly where the generator said it would, each time with a placeholder's NotImplementedError
message (or the NameError that follows from one), and that every placeholder's message shows up.
A placeholder that silently passes, or a cell that breaks for another reason, fails this test."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils import exercises

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _errors(cell) -> list[tuple[str, str]]:
    return [(out.ename, out.evalue) for out in cell.get("outputs", []) if out.output_type == "error"]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_exercise_fails_only_at_its_placeholders(solution, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")  # the kernel inherits it: this test checks mechanics, not results
    monkeypatch.setenv("MPLBACKEND", "Agg")
    exercise = exercises.make_exercise(nbformat.read(solution, as_version=4), f"solutions/{solution.name}")
    notebook = exercise.notebook
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(ROOT / "exercises")}}
    ).execute()

    problems, raised = [], set()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        errors, expected = _errors(cell), exercise.failures.get(index)
        where = f"{solution.name} cell {index}"
        if expected is None and errors:
            problems.append(f"{where} should run in the exercise but raised {errors[0][0]}: {errors[0][1]}")
        elif expected is not None and not errors:
            problems.append(f"{where} should fail until the student's work is done, but it ran (a placeholder passed silently?)")
        elif expected is not None and not expected.allows(*errors[0]):
            problems.append(f"{where} raised {errors[0][0]}: {errors[0][1]!r}, not a placeholder's NotImplementedError")
        raised |= {value for name, value in errors if name == "NotImplementedError"}
    tasks = {p.task for p in exercise.placeholders if p.cell_type == "code"}
    problems += [f"{solution.name}: the placeholder {task!r} never raised NotImplementedError" for task in sorted(tasks - raised)]
    assert not problems, "\n".join(problems)
