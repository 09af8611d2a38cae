"""Grade the exercises with nbgrader exactly as README's "Teaching with this course" says, in quick mode, sandboxed.

One run of README's command block, on a temporary copy, grades per exercise: ``solution``, the solution notebook
itself handed in (so every solution notebook runs once per test run, here and not again under nbval), ``blank``, the
release untouched, and ``wrong``, a submission with several tasks answered wrongly (``tests/wrong_submissions.py``);
for exercise 3 also hostile submissions that try to switch the checks off, write the gradebook, edit the installed
checks, open a socket and read the instructor's home. Private hidden tests are added from a folder outside the
course (``COURSE_PRIVATE_TESTS``). The hostile students' names sort first, so they are graded before everybody else.

The tests read nbgrader's gradebook export, autograded notebooks, feedback and the tamper report: solutions get full
marks on every autograded test with no flag and print what the committed notebooks print in their guarded cells; the
blank release scores 0 and fails only at its placeholders; each wrong answer loses its test with feedback naming the
mistake; each hostile submission scores below full marks or is refused, is flagged, and changes nothing outside its
sandbox; the private tests run at autograde and are absent from the release.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from wrong_submissions import HOSTILE_SUBMISSIONS, WRONG_SUBMISSIONS

from course_tools import release as exercise_tools
from course_tools import sandbox

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))
HOSTILE_EXERCISE = "ex3_denoising"
PRIVATE_MARKER = "private hidden test of the instructor ran"
PRIVATE_TEST = f'''_private = add_noise(np.full((8, 28, 28, 1), 0.5, np.float32), 0.05, 2024)
assert abs(float(_private.std()) - 0.05) < 0.01, "private test: the noise level must follow sigma"
print("{PRIVATE_MARKER}")'''
SANDBOXED = shutil.which("bwrap") is not None and sandbox.sandbox_enabled()


def readme_commands() -> str:
    """Return the bash block of README's section "Teaching with this course"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Teaching with this course", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.S)
    assert match, "README's 'Teaching with this course' section has no ```bash block"
    return match.group(1)


def _submission(release: Path, answers: dict[str, str], added: list[str] = ()) -> nbformat.NotebookNode:
    """Return the released notebook with the cells named by grade_id answered as given, and ``added`` cells inserted
    after the first code cell (what a student hands in)."""
    notebook = nbformat.read(release, as_version=4)
    answers = dict(answers)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers.pop(grade_id)
    assert not answers, f"{release.name}: no solution cell with grade_id {sorted(answers)}"
    first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    for offset, source in enumerate(added, start=1):
        notebook.cells.insert(first_code + offset, new_code_cell(source))
    return notebook


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.py"))}


class _Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.server.settimeout(0.5)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run README's commands in a temporary folder holding solutions/ and the students' notebooks."""
    if not SANDBOXED and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI grades in the bubblewrap sandbox: install it (apt-get install bubblewrap).")
    work = tmp_path_factory.mktemp("teaching")
    (work / "solutions").mkdir()
    for exercise in EXERCISES:
        shutil.copy(ROOT / "solutions" / f"{exercise}.ipynb", work / "solutions")
    private = work.parent / "course-private"
    (private / HOSTILE_EXERCISE).mkdir(parents=True)
    (private / HOSTILE_EXERCISE / "check_add_noise.py").write_text(PRIVATE_TEST)
    home = work.parent / "instructor-home"
    home.mkdir()
    secret = secrets.token_hex(16)
    (home / "secret.txt").write_text(secret)
    listener = _Listener()
    course = work / "course"
    placeholders = {"gradebook": str(course / "gradebook.db"), "port": listener.port, "secret": str(home / "secret.txt")}

    for exercise in EXERCISES:
        release = ROOT / "exercises" / f"{exercise}.ipynb"
        students = {
            "solution": nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4),
            "blank": nbformat.read(release, as_version=4),
            "wrong": _submission(release, WRONG_SUBMISSIONS[exercise]["answers"]),
        }
        if exercise == HOSTILE_EXERCISE and SANDBOXED:  # without the sandbox these would really do what they try
            for student, hostile in HOSTILE_SUBMISSIONS.items():
                added = [source.format(**placeholders) for source in hostile["added"]]
                students[student] = _submission(release, hostile["answers"], added)
        for student, notebook in students.items():
            (work / "collected" / student / exercise).mkdir(parents=True)
            nbformat.write(notebook, work / "collected" / student / exercise / f"{exercise}.ipynb")

    installed = _digests(ROOT / "course_utils")
    env = {**os.environ, "COURSE_QUICK": "1", "MPLBACKEND": "Agg", "HOME": str(home), "COURSE_PRIVATE_TESTS": str(private)}
    try:
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_commands()], cwd=work, env=env, capture_output=True, text=True)
    finally:
        listener.close()
    assert run.returncode == 0, f"README's commands failed:\n{run.stdout[-3000:]}\n{run.stderr[-6000:]}"
    with open(course / "grades.csv", newline="") as handle:
        grades = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    return {
        "course": course,
        "grades": grades,
        "log": run.stderr,
        "installed": installed,
        "connections": listener.connections,
        "secret": secret,
        "private": private,
    }


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


def _feedback(graded, student: str, exercise: str) -> str:
    html = (graded["course"] / "feedback" / student / exercise / f"{exercise}.html").read_text()
    return html.replace("&#39;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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
def test_the_solution_gets_full_marks_runs_without_errors_and_prints_what_is_committed(graded, exercise):
    notebook = _notebook(graded, "autograded", "solution", exercise)
    errors = [(i, out.ename, out.evalue) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" for out in _errors(cell)]
    assert not errors, f"{exercise}: the solution raised {errors}"
    tests = _test_cells(notebook)
    assert tests, f"{exercise} has no autograded test cell"
    for grade_id, cell in tests.items():
        assert "PASSED" in _text(cell), f"{exercise}: {grade_id} printed no PASSED"
    committed = {c.id: c for c in nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4).cells}
    for cell in notebook.cells:  # what nbval would compare: cells whose output is deterministic and guarded
        if "nbval-check-output" in cell.metadata.get("tags", []):
            assert _text(cell) == _text(committed[cell.id]), f"{exercise}, cell {cell.id} prints something else now"
    row = graded["grades"][exercise, "solution"]
    manual = sum(
        c.metadata["nbgrader"]["points"]
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")
    )
    assert float(row["raw_score"]) == float(row["max_score"]) - manual, row  # written answers wait for a person
    assert row["tamper_flags"] == "", row


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_blank_release_scores_zero_and_fails_only_at_its_placeholders(graded, exercise):
    assert float(graded["grades"][exercise, "blank"]["raw_score"]) == 0
    assert graded["grades"][exercise, "blank"]["tamper_flags"] == ""
    notebook = _notebook(graded, "autograded", "blank", exercise)
    for grade_id, cell in _test_cells(notebook).items():
        assert _errors(cell), f"{exercise}: the test {grade_id} passed on the blank release"
    solution = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
    problems = exercise_tools.placeholder_problems(notebook, exercise, solution)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_wrong_answer_loses_its_test_with_feedback_naming_the_mistake(graded, exercise):
    expected = WRONG_SUBMISSIONS[exercise]["expect"]
    row = graded["grades"][exercise, "wrong"]
    assert float(row["raw_score"]) < float(row["max_score"]) and row["tamper_flags"] == "", row
    tests = _test_cells(_notebook(graded, "autograded", "wrong", exercise))
    feedback = _feedback(graded, "wrong", exercise)
    for grade_id, phrase in expected.items():
        assert [out.ename for out in _errors(tests[grade_id])] == ["CheckFailed"], (grade_id, tests[grade_id].outputs)
        assert phrase in "".join(out.evalue for out in _errors(tests[grade_id])), (grade_id, _errors(tests[grade_id]))
        assert phrase in feedback, (grade_id, phrase)


def test_private_hidden_tests_run_at_autograde_and_are_absent_from_the_release(graded):
    course, exercise = graded["course"], HOSTILE_EXERCISE
    solution_tests = _test_cells(_notebook(graded, "autograded", "solution", exercise))
    assert PRIVATE_MARKER in _text(solution_tests["check_add_noise"])
    wrong_tests = _test_cells(_notebook(graded, "autograded", "wrong", exercise))
    assert PRIVATE_MARKER not in _text(wrong_tests["check_add_noise"])  # it failed before (the public check) or at it
    assert "private test" in (course / "source" / exercise / f"{exercise}.ipynb").read_text()
    for released in [*(course / "release").rglob("*.ipynb"), *(ROOT / "exercises").glob("*.ipynb")]:
        assert PRIVATE_MARKER not in released.read_text() and "private test" not in released.read_text(), released


def _hostile(graded):
    if not SANDBOXED:
        pytest.skip("the hostile submissions are graded only inside the bubblewrap sandbox (apt-get install bubblewrap)")
    return {student: graded["grades"][HOSTILE_EXERCISE, student] for student in HOSTILE_SUBMISSIONS}


def test_hostile_submissions_score_below_full_marks_and_are_flagged(graded):
    for student, row in _hostile(graded).items():
        assert float(row["raw_score"]) < float(row["max_score"]) - 2, row  # 2 points are the written answer
        for phrase in HOSTILE_SUBMISSIONS[student]["flags"]:
            assert phrase in row["tamper_flags"], (student, phrase, row["tamper_flags"])
        notice = re.sub(r"<[^>]+>", "", _feedback(graded, student, HOSTILE_EXERCISE))  # the page's text: `code` is markup there
        assert "Grading notice" in notice and HOSTILE_SUBMISSIONS[student]["flags"][0].replace("`", "") in notice, student


def test_switched_off_checks_score_zero_on_every_test(graded):
    rows = _hostile(graded)
    for student in ("aa-rebound", "aa-shadowed"):
        assert float(rows[student]["raw_score"]) == 0, rows[student]
        tests = _test_cells(_notebook(graded, "autograded", student, HOSTILE_EXERCISE))
        for grade_id, cell in tests.items():
            assert [out.ename for out in _errors(cell)] == ["ChecksReplaced"], (student, grade_id, _errors(cell))


def test_the_sandbox_refused_the_intruder_and_nothing_outside_changed(graded):
    _hostile(graded)
    notebook = _notebook(graded, "autograded", "aa-intruder", HOSTILE_EXERCISE)
    added = [cell for cell in notebook.cells if cell.cell_type == "code" and "nbgrader" not in cell.metadata]
    assert len(added) == 4 and all(_errors(cell) for cell in added), [cell.get("outputs") for cell in added]
    assert _digests(ROOT / "course_utils") == graded["installed"], "the installed course_utils changed during grading"
    assert graded["connections"] == 0, "a submission connected to a server on the grading machine"
    assert not any(graded["secret"] in p.read_text(errors="ignore") for p in graded["course"].rglob("*") if p.is_file())
    rows = graded["grades"]
    for exercise in EXERCISES:  # graded after the intruder: nobody got the intruder's full marks
        assert float(rows[exercise, "blank"]["raw_score"]) == 0
        assert float(rows[exercise, "wrong"]["raw_score"]) < float(rows[exercise, "solution"]["raw_score"])
