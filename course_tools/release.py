"""Maintainer tooling for the exercises: release them with nbgrader and prove the release fails only where it should.

    python -m course_tools.release    # regenerate exercises/ from solutions/ with `nbgrader generate_assignment`
    python -m course_tools.release --check      # fail if exercises/ differs from what nbgrader releases now

``solutions/`` are nbgrader source notebooks (one assignment per exercise, named like the notebook);
``exercises/`` is exactly nbgrader's release of them. What nbgrader does not do lives here too:
:func:`placeholder_problems` reads a blank release after it ran (e.g. autograded) and reports every
error that is not a placeholder's ``NotImplementedError`` or a consequence of one, and every solution
cell whose placeholder was never reached.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from course_tools.paths import EXERCISES, SOLUTIONS

CONFIG = Path(__file__).with_name("nbgrader_config.py")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def make_course(solutions: Path, course: Path) -> list[str]:
    """Lay out ``course`` as an nbgrader course folder whose ``source/`` holds the solutions; return the exercise names."""
    names = []
    for notebook in sorted(Path(solutions).glob("ex*.ipynb")):
        (course / "source" / notebook.stem).mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, course / "source" / notebook.stem / notebook.name)
        names.append(notebook.stem)
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    return names


def release(solutions: Path, exercises: Path) -> list[Path]:
    """Write nbgrader's release of every solution notebook into ``exercises`` and return the paths written."""
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as folder:
        course = Path(folder)
        written = []
        for name in make_course(solutions, course):
            subprocess.run(
                ["nbgrader", "generate_assignment", name, "--force", "--no-db", "--log-level=WARN"], cwd=course, check=True
            )
            Path(exercises).mkdir(parents=True, exist_ok=True)
            target = Path(exercises) / f"{name}.ipynb"
            shutil.copy(course / "release" / name / f"{name}.ipynb", target)
            written.append(target)
    return written


def _cells(path: Path) -> list[dict]:
    notebook = nbformat.read(path, as_version=4)
    return [{k: cell.get(k) for k in ("id", "cell_type", "source", "metadata", "outputs")} for cell in notebook.cells]


def differences(released: Path, committed: Path) -> list[str]:
    """Return one line per notebook (and cell) where the folder ``committed`` differs from nbgrader's release in ``released``."""
    problems = []
    new, old = {p.name: p for p in Path(released).glob("*.ipynb")}, {p.name: p for p in Path(committed).glob("*.ipynb")}
    problems += [f"{committed}/{name}: missing" for name in sorted(new.keys() - old.keys())]
    problems += [f"{committed}/{name}: has no solution notebook" for name in sorted(old.keys() - new.keys())]
    for name in sorted(new.keys() & old.keys()):
        a, b = _cells(new[name]), _cells(old[name])
        if len(a) != len(b):
            problems.append(f"{committed}/{name}: {len(b)} cells, nbgrader releases {len(a)}")
            continue
        changed = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        problems += [f"{committed}/{name}, cell {i} ({a[i]['id']}): differs from nbgrader's release" for i in changed]
    return problems


# --------------------------------------------------------------------------- what a blank release may raise


def _bound_names(source: str) -> set[str]:
    """Return the names a cell's code binds anywhere (assignments, definitions, imports, loop variables)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _defined_functions(source: str) -> set[str]:
    try:
        return {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}
    except SyntaxError:
        return set()


def _is_solution(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def placeholder_problems(
    executed: nbformat.NotebookNode, name: str = "notebook", solution: nbformat.NotebookNode | None = None
) -> list[str]:
    """Return what is wrong with a blank release after it ran with errors allowed (empty when all is well).

    Allowed errors are ``NotImplementedError`` and its consequences: a ``NameError`` for a name that a
    solution cell of ``solution`` (the source notebook) or an earlier failed cell would have bound.
    Every solution code cell must be reached: it raises ``NotImplementedError`` itself, a traceback that
    ends in ``NotImplementedError`` passes through a function it defines, or every later cell that uses
    its functions failed first (blocked by an earlier placeholder).
    """
    problems, unfinished, tracebacks = [], set(), []
    cells = executed.cells
    for cell in [*cells, *(solution.cells if solution is not None else [])]:
        if cell.cell_type == "code" and _is_solution(cell):
            unfinished |= _bound_names(cell.source)  # the solution's own code says what a placeholder leaves undefined
    raised_in: set[int] = set()
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        errors = [out for out in cell.get("outputs", []) if out.output_type == "error"]
        if not errors:
            continue
        error = errors[0]
        where = f"{name}, cell {index} ({cell.get('id')})"
        if error.ename == "NotImplementedError":
            raised_in.add(index)
            tracebacks.append(_ANSI.sub("", "\n".join(error.traceback)))
        elif error.ename == "NameError" and (match := re.search(r"name '(\w+)' is not defined", error.evalue)):
            if match.group(1) not in unfinished:
                problems.append(f"{where}: NameError for {match.group(1)!r}, which no placeholder leaves undefined")
        else:
            problems.append(f"{where}: raised {error.ename}: {error.evalue}; only placeholders may fail")
        unfinished |= _bound_names(cell.source)  # what a failed cell would have defined is missing later
    failed = {i for i, cell in enumerate(cells) if any(out.output_type == "error" for out in cell.get("outputs", []))}
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or not _is_solution(cell) or index in raised_in:
            continue
        functions = _defined_functions(cell.source)
        if any(f", in {function}(" in text for text in tracebacks for function in functions):
            continue  # a later cell called one of its functions and met the placeholder
        later = enumerate(cells[index + 1 :], start=index + 1)
        callers = [i for i, other in later if other.cell_type == "code" and functions & _used_names(other.source)]
        if not callers or not set(callers) <= failed:
            problems.append(f"{name}, cell {index} ({cell.get('id')}): its placeholder never raised NotImplementedError")
        # else every cell that uses it failed first at an earlier placeholder: it is blocked, not silently passing
    return problems


def _used_names(source: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    except SyntaxError:
        return set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if exercises/ is out of date")
    parser.add_argument("--solutions", type=Path, default=SOLUTIONS)
    parser.add_argument("--exercises", type=Path, default=EXERCISES)
    args = parser.parse_args(argv)
    if not args.check:
        for path in release(args.solutions, args.exercises):
            print(f"wrote {path}")
        return 0
    with tempfile.TemporaryDirectory(prefix="released-") as folder:
        release(args.solutions, Path(folder))
        problems = differences(Path(folder), args.exercises)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("exercises/ is out of date: run `python -m course_tools.release`.", file=sys.stderr)
        return 1
    print("exercises/ is exactly nbgrader's release of solutions/.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
