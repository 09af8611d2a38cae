"""Grade the exercises with nbgrader exactly as README's "Teaching with this course" says, in quick mode.

One run of README's command block, on a temporary copy, grades three students per exercise, each handing
in the release: ``solution`` with every task answered as in the solution notebook, ``blank`` untouched,
``wrong`` with one task answered wrongly (``tests/wrong_submissions.py``). The tests then read nbgrader's
gradebook, autograded notebooks and feedback: solutions get full marks on every autograded test, the blank
release 0 on every task and no error but its placeholders, each wrong submission less than full marks with
feedback that names the mistake. The same run's release is compared with the committed ``exercises/``.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from wrong_submissions import WRONG_SUBMISSIONS

from course_tools import release as exercise_tools

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))
STUDENTS = ("solution", "blank", "wrong")


def readme_commands() -> str:
    """Return the bash block of README's section "Teaching with this course"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Teaching with this course", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match, "README's 'Teaching with this course' section has no ```bash block"
    return match.group(1)


MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _submission(release: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """Return the released notebook with the cells named by grade_id answered as given (what a student hands in)."""
    notebook = nbformat.read(release, as_version=4)
    answers = dict(answers)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers.pop(grade_id)
    assert not answers, f"{release.name}: no solution cell with grade_id {sorted(answers)}"
    return notebook


def _solution_answers(exercise: str) -> dict[str, str]:
    """Return the solution's answer to every task, by grade_id, without nbgrader's markers."""
    solution = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: "\n".join(line for line in cell.source.splitlines() if line.strip() not in MARKERS)
        for cell in solution.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run README's commands in a temporary folder that holds solutions/, the nbgrader settings and the students' notebooks."""
    work = tmp_path_factory.mktemp("teaching")
    shutil.copytree(ROOT / "solutions", work / "solutions")
    (work / "course_tools").mkdir()
    shutil.copy(ROOT / "course_tools" / "nbgrader_config.py", work / "course_tools")
    for exercise in EXERCISES:
        for student in STUDENTS:
            (work / "collected" / student / exercise).mkdir(parents=True)
        release = ROOT / "exercises" / f"{exercise}.ipynb"
        shutil.copy(release, work / "collected" / "blank" / exercise)
        for student, answers in (("solution", _solution_answers(exercise)), ("wrong", WRONG_SUBMISSIONS[exercise]["answers"])):
            nbformat.write(_submission(release, answers), work / "collected" / student / exercise / f"{exercise}.ipynb")
    env = {**os.environ, "COURSE_QUICK": "1", "MPLBACKEND": "Agg"}
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_commands()], cwd=work, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"README's commands failed:\n{run.stdout[-3000:]}\n{run.stderr[-6000:]}"
    course = work / "course"
    with open(course / "grades.csv", newline="") as handle:
        grades = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    return {"course": course, "grades": grades, "log": run.stderr}


def _notebook(graded, folder: str, student: str, exercise: str) -> nbformat.NotebookNode:
    return nbformat.read(graded["course"] / folder / student / exercise / f"{exercise}.ipynb", as_version=4)


def _test_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    """Return the autograded test cells by grade_id."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")
    }


def _text(cell) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream")


def _errors(cell) -> list:
    return [out for out in cell.get("outputs", []) if out.output_type == "error"]


def test_the_release_is_the_committed_exercises(graded):
    released = graded["course"] / "release"
    flat = graded["course"] / "release-flat"
    flat.mkdir()
    for exercise in EXERCISES:
        shutil.copy(released / exercise / f"{exercise}.ipynb", flat)
    problems = exercise_tools.differences(flat, ROOT / "exercises")
    assert not problems, "\n".join(problems) + "\nrun `python -m course_tools.release`"


def _cells_with_hidden_tests() -> set[str]:
    return {
        cell.metadata["nbgrader"]["grade_id"]
        for path in (ROOT / "solutions").glob("ex*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if "### BEGIN HIDDEN TESTS" in cell.source
    }


def test_nbgrader_warns_about_nothing_of_ours(graded):
    # nbgrader's own lines look like "[AutogradeApp | WARNING] ..."; kernels' start-up chatter is not nbgrader's.
    # nbgrader stores a test cell's checksum before it removes the hidden tests, so autograde warns that every
    # cell with hidden tests "has changed" even on a fresh release (jupyter/nbgrader#1961): only those are expected.
    hidden = _cells_with_hidden_tests()
    warnings = []
    for line in graded["log"].splitlines():
        if re.search(r"App \| (WARNING|ERROR)\]", line):
            changed = re.search(r"Attribute 'checksum' for cell (\S+) has changed", line)
            if not (changed and changed.group(1) in hidden):
                warnings.append(line)
    assert not warnings, "\n".join(warnings)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_solution_gets_full_marks_and_runs_without_errors(graded, exercise):
    notebook = _notebook(graded, "autograded", "solution", exercise)
    errors = [(i, out.ename, out.evalue) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" for out in _errors(cell)]
    assert not errors, f"{exercise}: the solution raised {errors}"
    tests = _test_cells(notebook)
    assert tests, f"{exercise} has no autograded test cell"
    for grade_id, cell in tests.items():
        assert "PASSED" in "".join(out.get("text", "") for out in cell.outputs), f"{exercise}: {grade_id} printed no PASSED"
    committed = {c.id: c for c in nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4).cells}
    for cell in notebook.cells:  # what nbval would compare: cells whose output is deterministic and guarded
        if "nbval-check-output" in cell.metadata.get("tags", []):
            assert _text(cell) == _text(committed[cell.id]), f"{exercise}, cell {cell.id} prints something else now"
    row = graded["grades"][exercise, "solution"]
    manual = sum(c.metadata["nbgrader"]["points"] for c in notebook.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution"))
    assert float(row["raw_score"]) == float(row["max_score"]) - manual, row  # written answers wait for a person


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_blank_release_scores_zero_and_fails_only_at_its_placeholders(graded, exercise):
    assert float(graded["grades"][exercise, "blank"]["raw_score"]) == 0
    notebook = _notebook(graded, "autograded", "blank", exercise)
    for grade_id, cell in _test_cells(notebook).items():
        assert _errors(cell), f"{exercise}: the test {grade_id} passed on the blank release"
    solution = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
    problems = exercise_tools.placeholder_problems(notebook, exercise, solution)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_wrong_submission_loses_points_and_its_feedback_names_the_mistake(graded, exercise):
    expected = WRONG_SUBMISSIONS[exercise]
    row = graded["grades"][exercise, "wrong"]
    assert float(row["raw_score"]) < float(row["max_score"])
    notebook = _notebook(graded, "autograded", "wrong", exercise)
    failing = _test_cells(notebook)[expected["failing_test"]]
    assert [out.ename for out in _errors(failing)] == ["CheckFailed"], failing.outputs
    feedback = (graded["course"] / "feedback" / "wrong" / exercise / f"{exercise}.html").read_text()
    assert expected["feedback"] in feedback.replace("&#39;", "'").replace("&quot;", '"')
