"""The maintainer tooling of course_tools/release.py, without a kernel: the solutions are valid nbgrader source
notebooks, placeholder_problems tells a placeholder's failure from any other, differences compares cell for
cell, and course_utils (what students import) holds no exercise tooling."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]

from course_tools import release as tools

SOLUTIONS = sorted((ROOT / "solutions").glob("ex*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solutions_are_nbgrader_source_notebooks(path):
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells]
    assert len(ids) == len(set(ids)), "grade_id must be unique"
    kinds = {"solution": 0, "test": 0, "answer": 0}
    for cell in notebook.cells:
        meta = cell.metadata["nbgrader"]
        if "### BEGIN SOLUTION" in cell.source:
            assert meta["solution"] and cell.cell_type == "code", f"{meta['grade_id']}: a solution region outside a solution cell"
            assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION") == 1
        if meta["solution"] and cell.cell_type == "code":
            kinds["solution"] += 1
            assert "### BEGIN SOLUTION" in cell.source, f"{meta['grade_id']}: mark what the student writes"
        elif meta["grade"] and cell.cell_type == "code":
            kinds["test"] += 1
            assert meta["locked"] and meta["points"] > 0
            lines = cell.source.splitlines()
            assert not lines[-1].startswith(("checks.", " ")), f"{meta['grade_id']}: a test cell must print, not show, its verdict"
        elif meta["grade"]:
            kinds["answer"] += 1
        else:
            assert meta["locked"], f"{meta['grade_id']}: every other cell is read-only"
        if "### BEGIN HIDDEN TESTS" in cell.source:
            assert meta["grade"] and not meta["solution"], "hidden tests belong in autograded test cells"
    assert kinds["test"] >= kinds["solution"] >= 2 and kinds["answer"] >= 1, kinds


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_every_graded_test_runs_the_courses_own_checks_and_some_run_them_on_other_inputs(path):
    from course_utils.checks import shipped

    guard = f"### BEGIN HIDDEN TESTS\n{shipped.PRELUDE}\n### END HIDDEN TESTS\n"
    tests = [
        c
        for c in nbformat.read(path, as_version=4).cells
        if c.metadata["nbgrader"].get("grade") and c.cell_type == "code" and not c.metadata["nbgrader"].get("solution")
    ]
    for cell in tests:
        assert cell.source.startswith(guard), (
            f"{cell.metadata['nbgrader']['grade_id']}: start with the guard of course_utils.checks.shipped"
        )
    assert any(cell.source.count("### BEGIN HIDDEN TESTS") >= 2 for cell in tests), "no hidden test beyond the guard"


def _executed(*cells):
    """Return a notebook of (source, nbgrader kind, error) cells as if it had run; error is (ename, evalue, traceback)."""
    notebook = new_notebook()
    for index, (source, solution, error) in enumerate(cells):
        cell = new_code_cell(source)
        cell.id = f"c{index}"
        cell.metadata["nbgrader"] = {"solution": solution, "grade": False, "grade_id": f"c{index}", "locked": not solution}
        if error:
            cell.outputs = [new_output("error", ename=error[0], evalue=error[1], traceback=error[2])]
        notebook.cells.append(cell)
    return notebook


STUB = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
RAISED_IN_F = ("NotImplementedError", "", ["\x1b[31mCell In[2], line 3, in f(x)\x1b[0m", "NotImplementedError: "])


def test_a_release_that_fails_only_at_its_placeholders_passes():
    notebook = _executed(
        ("import numpy as np", False, None),
        (STUB, True, None),
        ("y = f(2)\nprint(y)", False, RAISED_IN_F),
        ("print(y)", False, ("NameError", "name 'y' is not defined", [])),
        ("# YOUR CODE HERE\nraise NotImplementedError()", True, ("NotImplementedError", "", [])),
        ("print(np.pi)", False, None),
    )
    assert tools.placeholder_problems(notebook) == []


def test_other_errors_and_unreached_placeholders_are_reported():
    other = _executed((STUB, True, None), ("f(1)", False, RAISED_IN_F), ("1 / 0", False, ("ZeroDivisionError", "division by zero", [])))
    assert any("ZeroDivisionError" in p and "only placeholders" in p for p in tools.placeholder_problems(other))
    stray = _executed((STUB, True, None), ("f(1)", False, RAISED_IN_F), ("print(z)", False, ("NameError", "name 'z' is not defined", [])))
    assert any("'z', which no placeholder" in p for p in tools.placeholder_problems(stray))
    unreached = _executed((STUB, True, None), ("print(1)", False, None))
    assert any("never raised NotImplementedError" in p for p in tools.placeholder_problems(unreached))
    passed_silently = _executed((STUB, True, None), ("print(f)", False, None))  # uses f, but never calls it
    assert any("never raised NotImplementedError" in p for p in tools.placeholder_problems(passed_silently))


def test_a_placeholder_blocked_by_an_earlier_one_is_fine():
    blocked = _executed(
        ("# YOUR CODE HERE\nraise NotImplementedError()", True, ("NotImplementedError", "", [])),  # would define data
        (STUB, True, None),
        ("f(data)", False, ("NameError", "name 'data' is not defined", [])),
    )
    blocked.cells[0].source = "data = [1]\n" + blocked.cells[0].source  # the solution cell binds `data`
    assert tools.placeholder_problems(blocked) == []


def test_differences_are_reported_cell_by_cell(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    notebook = new_notebook(cells=[new_markdown_cell("one"), new_code_cell("x = 1")])
    for index, cell in enumerate(notebook.cells):
        cell.id = f"c{index}"
    nbformat.write(notebook, first / "ex9.ipynb")
    assert tools.differences(first, first) == []
    notebook.cells[1].source = "x = 2"
    nbformat.write(notebook, second / "ex9.ipynb")
    assert tools.differences(first, second) == [f"{second}/ex9.ipynb, cell 1 (c1): differs from nbgrader's release"]
    nbformat.write(notebook, second / "ex8.ipynb")
    assert f"{second}/ex8.ipynb: has no solution notebook" in tools.differences(first, second)


def test_course_utils_holds_no_exercise_tooling():
    assert not (ROOT / "course_utils" / "exercises.py").exists()
    for path in (ROOT / "course_utils").rglob("*.py"):
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert not imported & {"nbformat", "nbclient", "nbgrader"}, f"{path.name} imports {imported & {'nbformat', 'nbclient', 'nbgrader'}}"
