"""Grading the exercises with nbgrader: the course folder, private hidden tests, the tamper report.

    python -m course_tools.grading prepare course [--private FOLDER]

builds the nbgrader course folder ``course/`` (README, "Teaching with this course"): ``course/source/<exercise>/``
holds each solution notebook as nbgrader's source notebook, with the instructor's private hidden tests added (see
:func:`apply_private_tests`), and ``course_checks.json``, the digests of the installed checks (the graded test cells
compare the files with them at autograde); ``course/nbgrader_config.py`` is the course's nbgrader settings
(``course_tools/nbgrader_config.py``), which run every kernel in the sandbox (``course_tools.sandbox``) and the
tamper report below.

Private hidden tests live OUTSIDE this public repository, in a folder laid out as ``<exercise>/<grade_id>.py``: the
code of each file is appended, as a hidden-test block, to the autograded test cell ``grade_id`` of that exercise.
``nbgrader generate_assignment`` strips hidden tests from what students get, so they exist only in ``course/source``
and the gradebook; ``course_tools.release`` (the public ``exercises/``) never sees them. ``--private`` defaults to the
environment variable ``COURSE_PRIVATE_TESTS``.

The tamper report: :class:`TamperScan` (before a submission runs) and :class:`TamperReport` (after) are nbgrader
preprocessors named in the course's ``nbgrader_config.py``. They list what :mod:`course_tools.tamper` finds, write
``tamper/<student>/<exercise>.json`` in the course folder and, for a flagged submission, put a notice at the top of
its autograded notebook, so the feedback says it too. :class:`GradesWithTamperFlags` is the ``nbgrader export``
plugin that adds the column ``tamper_flags`` to ``grades.csv``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_markdown_cell
from nbgrader.plugins import CsvExportPlugin
from traitlets import Bool

from course_tools import tamper

CONFIG = Path(__file__).with_name("nbgrader_config.py")
PRIVATE_ENV_VAR = "COURSE_PRIVATE_TESTS"
NOTICE_ID = "course-tamper-notice"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


# --------------------------------------------------------------------------- the course folder


def _test_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")
    }


def apply_private_tests(notebook: nbformat.NotebookNode, folder: Path) -> list[str]:
    """Append every ``folder/<grade_id>.py`` to the test cell ``grade_id`` of ``notebook`` as a hidden-test block;
    return the grade_ids changed. Raises ValueError for a file that names no test cell or does not parse."""
    tests = _test_cells(notebook)
    changed = []
    for path in sorted(Path(folder).glob("*.py")):
        grade_id = path.stem
        if grade_id not in tests:
            raise ValueError(f"{path}: the exercise has no autograded test cell {grade_id!r} (it has {', '.join(sorted(tests))}).")
        code = path.read_text().strip("\n")
        try:
            ast.parse(code)
        except SyntaxError as error:
            raise ValueError(f"{path}: not valid Python ({error}).") from None
        if BEGIN_HIDDEN in code or END_HIDDEN in code:
            raise ValueError(f"{path}: write the test code only; the hidden-test markers are added for you.")
        tests[grade_id].source = f"{tests[grade_id].source.rstrip()}\n{BEGIN_HIDDEN}\n# private test ({path.name})\n{code}\n{END_HIDDEN}"
        changed.append(grade_id)
    return changed


PIN_FILE = "course_checks.json"  # course_utils.checks.shipped.PIN_FILE (not imported: that would load TensorFlow)


def checks_digests() -> dict:
    """Return what the graded test cells compare the installed checks with: the SHA-256 of every file of
    ``course_utils/checks``, by path relative to ``course_utils`` (as ``course_utils.checks.shipped.file_digests``)."""
    spec = importlib.util.find_spec("course_utils")  # finds the installed package without importing it
    package = Path(spec.submodule_search_locations[0]).resolve()
    files = sorted((package / "checks").glob("*.py"))
    return {"files": {path.relative_to(package).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}}


def prepare(course: Path, solutions: Path, private: Path | None = None) -> list[str]:
    """Build the nbgrader course folder ``course`` from the solution notebooks in ``solutions`` (see the module
    docstring); return the exercise names."""
    notebooks = sorted(Path(solutions).glob("ex*.ipynb"))
    if not notebooks:
        raise ValueError(f"{solutions} holds no exercise notebooks (ex*.ipynb).")
    if private is not None and not Path(private).is_dir():
        raise ValueError(f"the private tests folder {private} does not exist.")
    if private is not None and Path(private).resolve().is_relative_to(Path(solutions).resolve().parent):
        print(f"warning: {private} lies inside the repository; keep private tests out of a public repository.", file=sys.stderr)
    digests = checks_digests()
    names = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        if private is not None and (Path(private) / path.stem).is_dir():
            apply_private_tests(notebook, Path(private) / path.stem)
        folder = Path(course) / "source" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / path.name)
        (folder / PIN_FILE).write_text(json.dumps(digests, indent=1) + "\n")
        names.append(path.stem)
    config = CONFIG.read_text()
    if private is not None:
        config += (
            "\n# Written by `course_tools.grading prepare`: student code must not see the private tests either.\n"
            f"c.SandboxedExecute.hidden = [{str(Path(private).resolve())!r}]\n"
        )
    (Path(course) / "nbgrader_config.py").write_text(config)
    return names


# --------------------------------------------------------------------------- nbgrader hooks: the tamper report


def _course_root(configurable: object) -> Path:
    owner = configurable
    while owner is not None and not hasattr(owner, "coursedir"):
        owner = getattr(owner, "parent", None)
    return Path(owner.coursedir.root if owner is not None else os.getcwd()).resolve()


class TamperScan(Preprocessor):
    """Before a submission runs: read its student code cells (:func:`course_tools.tamper.scan_notebook`)."""

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        resources["course_tamper"] = [str(flag) for flag in tamper.scan_notebook(nb)]
        return nb, resources


class TamperReport(Preprocessor):
    """After a submission ran: add what the run showed, write ``tamper/<student>/<exercise>.json`` and put a notice at
    the top of a flagged notebook (nbgrader's feedback then shows it)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        flags = list(dict.fromkeys([*resources.get("course_tamper", []), *(str(f) for f in tamper.scan_outputs(nb))]))
        info = resources.get("nbgrader", {})
        student, assignment = str(info.get("student", "unknown")), str(info.get("assignment", "unknown"))
        folder = _course_root(self) / "tamper" / student
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.json").write_text(json.dumps({"student": student, "assignment": assignment, "flags": flags}, indent=1))
        nb.cells = [cell for cell in nb.cells if cell.get("id") != NOTICE_ID]
        if flags:
            notice = new_markdown_cell(
                "**Grading notice.** While this notebook was graded, its own code was found to reach beyond the exercise:\n\n"
                + "\n".join(f"* {flag}" for flag in flags)
                + "\n\nYour instructor sees this list next to your score."
            )
            notice.id = NOTICE_ID
            nb.cells.insert(0, notice)
        return nb, resources


def read_flags(course: Path) -> dict[tuple[str, str], list[str]]:
    """Return the tamper flags of every graded submission, by (exercise, student)."""
    flags = {}
    for path in sorted((Path(course) / "tamper").glob("*/*.json")):
        record = json.loads(path.read_text())
        flags[record["assignment"], record["student"]] = list(record["flags"])
    return flags


class GradesWithTamperFlags(CsvExportPlugin):
    """nbgrader's CSV export (``grades.csv``) with one more column, ``tamper_flags``: the tamper report of each
    submission, its findings separated by " | " (empty for a submission with none)."""

    def export(self, gradebook) -> None:
        super().export(gradebook)
        destination = Path(self.to or "grades.csv")
        flags = read_flags(_course_root(self))
        with open(destination, newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = [*(rows[0].keys() if rows else []), "tamper_flags"]
        with open(destination, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "tamper_flags": " | ".join(flags.get((row["assignment"], row["student_id"]), []))})


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("prepare", help="build the nbgrader course folder from the solution notebooks")
    build.add_argument("course", type=Path, help="the course folder to build, e.g. course")
    build.add_argument("--solutions", type=Path, default=Path("solutions"), help="the solution notebooks (default: ./solutions)")
    build.add_argument(
        "--private",
        type=Path,
        default=os.environ.get(PRIVATE_ENV_VAR) or None,
        help=f"your private hidden tests, <exercise>/<grade_id>.py (default: ${PRIVATE_ENV_VAR})",
    )
    args = parser.parse_args(argv)
    try:
        names = prepare(args.course, args.solutions, args.private)
    except ValueError as error:
        print(f"course_tools.grading: {error}", file=sys.stderr)
        return 2
    print(
        f"{args.course}: {len(names)} assignments ({', '.join(names)})" + (f", private tests from {args.private}" if args.private else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["GradesWithTamperFlags", "TamperReport", "TamperScan", "apply_private_tests", "prepare", "read_flags"]
