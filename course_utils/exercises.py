"""Generate the exercise notebooks in ``exercises/`` from the solution notebooks in ``solutions/``.

    python -m course_utils.exercises build   # (re)write exercises/ from solutions/
    python -m course_utils.exercises check   # exit 1, naming the files, if exercises/ is out of date

Markers, in code cells and markdown cells of a solution notebook (one marker per line)::

    ### BEGIN SOLUTION: <task: what the student must write>
    ### HINT: <optional hint; any number of these lines, anywhere inside the block>
    ...the solution...
    ### END SOLUTION

In a code cell the whole block becomes, at the indentation of its BEGIN line::

    # TODO: <task>
    # HINT: <hint>
    raise NotImplementedError("<task>")

so a block inside a function body turns the function into a stub that raises when called. In a
markdown cell the block becomes ``**TODO:** <task>`` (and ``*Hint:* <hint>``); there a marker may be
wrapped in an HTML comment (``<!-- ### BEGIN SOLUTION: ... -->``) so it does not render. Every block
needs a task, and tasks are unique within a notebook, so each placeholder's error names its exercise.
Unclosed or nested blocks, stray END or HINT lines raise :class:`MarkerError` naming notebook and cell.

The generated notebook has no outputs, execution counts or timing metadata, starts with a note
saying where it comes from, and tags ``raises-exception`` every code cell that will fail until the
student has done the work: cells that reach a placeholder, call a stub (directly or through other
functions), or use a name that only a failing cell would have defined (:func:`expected_failures`
works this out from the code). nbval then accepts those errors; ``tests/test_exercise_notebooks.py`` executes
each exercise notebook and checks that exactly these cells fail, each with one of the notebook's
``NotImplementedError`` messages (or the ``NameError`` that follows from one), and that every
placeholder's message shows up, so a placeholder that silently passes fails CI.

Writing solution notebooks with this in mind: let the statement that calls the student's code bind the
names later cells use (``results = {k: f(k) for k in keys}``, not ``results = {}`` followed by a loop that
fills it), so that in the exercise those names are missing (a ``NameError``) rather than half-built (a
``KeyError`` the test cannot tell from a bug). The execution test names any cell that fails unexpectedly.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

RAISES_TAG = "raises-exception"
NOTE_CELL_ID = "exercise-note"
_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)(?:<!--\s*)?###[ \t]*(?P<kind>BEGIN SOLUTION|END SOLUTION|HINT)\b(?P<rest>.*?)\s*(?:-->)?\s*$"
)


class MarkerError(ValueError):
    """A solution notebook's markers are malformed (unclosed, nested, stray, or missing a task)."""


@dataclass(frozen=True)
class Placeholder:
    """One solution block: where it was and what the student is asked to write."""

    cell_index: int
    cell_type: str
    task: str
    hints: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedFailure:
    """How a generated code cell is expected to fail: a placeholder's message or a missing name."""

    messages: frozenset[str] = frozenset()
    missing_names: frozenset[str] = frozenset()

    def allows(self, ename: str, evalue: str) -> bool:
        """Return True when an error ``ename: evalue`` is one this cell may raise."""
        if ename == "NotImplementedError":
            return evalue in self.messages
        if ename == "NameError":
            found = re.search(r"name '([^']+)' is not defined", evalue)
            return bool(found) and found.group(1) in self.missing_names
        return False


@dataclass
class Exercise:
    """A generated exercise notebook with what it needs for checking."""

    notebook: nbformat.NotebookNode
    placeholders: list[Placeholder] = field(default_factory=list)
    failures: dict[int, ExpectedFailure] = field(default_factory=dict)

    def text(self) -> str:
        """Return the notebook as the exact text written to disk."""
        return notebook_text(self.notebook)


# --------------------------------------------------------------------------- markers


def _task_from(rest: str, where: str) -> str:
    task = rest.strip()
    if not task.startswith(":") or not task[1:].strip():
        raise MarkerError(f"{where}: BEGIN SOLUTION needs a task after a colon, e.g. '### BEGIN SOLUTION: write f(x)'.")
    task = task[1:].strip()
    if "\n" in task or '"' in task or "\\" in task:
        raise MarkerError(f"{where}: a task may not contain double quotes or backslashes, got {task!r}.")
    return task


def _replace_blocks(source: str, cell_type: str, where: str) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """Return ``source`` with its solution blocks replaced, and the (task, hints) of each block."""
    out: list[str] = []
    blocks: list[tuple[str, tuple[str, ...]]] = []
    open_block: dict | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        found = _MARKER.match(line)
        here = f"{where}, line {number}"
        kind = found.group("kind") if found else None
        if kind == "BEGIN SOLUTION":
            if open_block is not None:
                raise MarkerError(f"{here}: BEGIN SOLUTION inside the block opened on line {open_block['line']} (nested).")
            open_block = {"line": number, "indent": found.group("indent"), "task": _task_from(found.group("rest"), here)}
            open_block["hints"] = []
        elif kind == "HINT":
            if open_block is None:
                raise MarkerError(f"{here}: HINT outside a solution block; put it between BEGIN and END SOLUTION.")
            hint = found.group("rest").strip().lstrip(":").strip()
            if not hint:
                raise MarkerError(f"{here}: HINT needs text after a colon, e.g. '### HINT: use np.mean'.")
            open_block["hints"].append(hint)
        elif kind == "END SOLUTION":
            if open_block is None:
                raise MarkerError(f"{here}: END SOLUTION without a BEGIN SOLUTION before it.")
            if found.group("rest").strip():
                raise MarkerError(f"{here}: END SOLUTION takes no text, got {found.group('rest').strip()!r}.")
            indent, task, hints = open_block["indent"], open_block["task"], tuple(open_block["hints"])
            if cell_type == "code":
                out.append(f"{indent}# TODO: {task}")
                out.extend(f"{indent}# HINT: {hint}" for hint in hints)
                out.append(f'{indent}raise NotImplementedError("{task}")')
            else:
                out.append(f"**TODO:** {task}")
                out.extend(["", *(f"*Hint:* {hint}" for hint in hints)] if hints else [])
            blocks.append((task, hints))
            open_block = None
        elif open_block is None:
            out.append(line)
    if open_block is not None:
        raise MarkerError(f"{where}, line {open_block['line']}: BEGIN SOLUTION is never closed by END SOLUTION.")
    return "\n".join(out), blocks


# --------------------------------------------------------------------------- which cells will fail


def _executed_nodes(node: ast.AST) -> Iterable[ast.AST]:
    """Yield ``node`` and what runs when it runs: not function or lambda bodies (they run when called)."""
    yield node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        children: list[ast.AST] = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
    elif isinstance(node, ast.Lambda):
        children = [*node.args.defaults, *node.args.kw_defaults]
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        if child is not None:
            yield from _executed_nodes(child)


def _bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _placeholder_message(node: ast.AST) -> str | None:
    """Return the message of ``raise NotImplementedError("...")``, else None."""
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        call = node.exc
        if isinstance(call.func, ast.Name) and call.func.id == "NotImplementedError" and len(call.args) == 1:
            if isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
                return call.args[0].value
    return None


class _FailurePredictor:
    """Follows a notebook's code cells in order, remembering stub functions and names left undefined."""

    def __init__(self) -> None:
        self.stubs: dict[str, ExpectedFailure] = {}
        self.defined: set[str] = set()
        self.missing: set[str] = set()

    def _effect(self, nodes: Iterable[ast.AST], local: set[str] = frozenset()) -> ExpectedFailure:
        messages: set[str] = set()
        names: set[str] = set()
        for node in nodes:
            message = _placeholder_message(node)
            if message is not None:
                messages.add(message)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local:
                if node.id in self.stubs:
                    messages |= self.stubs[node.id].messages
                    names |= self.stubs[node.id].missing_names
                elif node.id in self.missing:
                    names.add(node.id)
        return ExpectedFailure(frozenset(messages), frozenset(names))

    def _define_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        body = [n for statement in node.body for n in ast.walk(statement)]
        effect = self._effect(body, local=_bound_names(body) | _bound_names(ast.walk(node.args)))
        if effect.messages or effect.missing_names:
            self.stubs[node.name] = effect
        else:
            self.stubs.pop(node.name, None)

    def cell(self, source: str, solution_source: str | None = None) -> ExpectedFailure | None:
        """Return how a cell with ``source`` will fail, or None when it will run; update the state.

        ``solution_source`` is the cell before its solution blocks were replaced: what it would have
        defined is missing after it fails.
        """
        statements = list(ast.parse(source).body)
        would_bind = set()
        if solution_source is not None:
            would_bind = _bound_names(n for s in ast.parse(solution_source).body for n in _executed_nodes(s))
        for position, statement in enumerate(statements):
            effect = self._effect(_executed_nodes(statement))
            if effect.messages or effect.missing_names:
                unbound = _bound_names(n for s in statements[position:] for n in _executed_nodes(s))
                unbound = (unbound | would_bind) - self.defined
                self.missing |= unbound
                for name in unbound:
                    self.stubs.pop(name, None)
                return effect
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._define_function(statement)
            bound = _bound_names(_executed_nodes(statement))
            self.defined |= bound
            self.missing -= bound
            for name in bound:
                if not (isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and name == statement.name):
                    self.stubs.pop(name, None)
        return None


def expected_failures(
    notebook: nbformat.NotebookNode, name: str = "notebook", solution_sources: dict[int, str] | None = None
) -> dict[int, ExpectedFailure]:
    """Return, for each code cell of an exercise notebook that will fail, how it may fail (by cell index).

    ``solution_sources`` maps cell indices to the solution's code, so that the names a replaced block
    would have defined count as missing after its cell fails.
    """
    predictor = _FailurePredictor()
    failures: dict[int, ExpectedFailure] = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        try:
            failure = predictor.cell(cell.source, (solution_sources or {}).get(index))
        except SyntaxError as error:
            raise MarkerError(f"{name}, cell {index}: the code does not parse ({error.msg}, line {error.lineno}).") from None
        if failure is not None:
            failures[index] = failure
    return failures


# --------------------------------------------------------------------------- notebooks


def _note_cell(name: str) -> nbformat.NotebookNode:
    solution_name = Path(name).name
    cell = nbformat.v4.new_markdown_cell(
        "> **Exercise notebook.** Wherever a cell says `# TODO:`, replace the `raise NotImplementedError(...)` "
        "below it with your code, then run the cells that follow; the `course_utils.checks` calls tell you "
        "whether your answer is right. Written questions say **TODO:** in a text cell. "
        f"The complete answers are in `solutions/{solution_name}`.\n>\n"
        f"> *Instructors:* this file is generated from `solutions/{solution_name}` by "
        "`python -m course_utils.exercises build`; edit the solution notebook, never this file."
    )
    cell.id = NOTE_CELL_ID
    return cell


def make_exercise(solution: nbformat.NotebookNode, name: str = "notebook.ipynb") -> Exercise:
    """Return the exercise generated from a solution notebook (which is left unchanged).

    Raises :class:`MarkerError` naming ``name`` and the cell when a marker is malformed, a task is
    repeated, or the notebook holds no solution block at all.
    """
    notebook = copy.deepcopy(solution)
    seen_ids: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        if "id" not in cell:
            if notebook.get("nbformat_minor", 0) < 5:  # before nbformat 4.5 cells have no ids
                continue
            cell.id = f"cell-{index}"
        if cell.id in seen_ids:  # nbformat would swap in a random id, and the output would change on every build
            raise MarkerError(f"{name}: cell {index} has the id {cell.id!r} of an earlier cell; give it a unique id.")
        seen_ids.add(cell.id)
    placeholders: list[Placeholder] = []
    solution_sources = {i: cell.source for i, cell in enumerate(solution.cells) if cell.cell_type == "code"}
    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index} ({cell.cell_type})"
        if cell.cell_type in ("code", "markdown"):
            cell.source, blocks = _replace_blocks(cell.source, cell.cell_type, where)
            placeholders.extend(Placeholder(index, cell.cell_type, task, hints) for task, hints in blocks)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        tags = [tag for tag in cell.metadata.get("tags", []) if tag != RAISES_TAG]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    if not placeholders:
        raise MarkerError(f"{name}: no '### BEGIN SOLUTION: <task>' block, so there is nothing for a student to do.")
    tasks = [p.task for p in placeholders]
    repeated = sorted({t for t in tasks if tasks.count(t) > 1})
    if repeated:
        raise MarkerError(f"{name}: each task must be unique so its error names one exercise; repeated: {repeated}.")

    failures = expected_failures(notebook, name, solution_sources)
    for index in failures:
        notebook.cells[index].metadata["tags"] = [*notebook.cells[index].metadata.get("tags", []), RAISES_TAG]
    note = _note_cell(name)
    if notebook.get("nbformat_minor", 0) < 5:
        del note["id"]
    notebook.cells.insert(0, note)
    placeholders = [Placeholder(p.cell_index + 1, p.cell_type, p.task, p.hints) for p in placeholders]
    return Exercise(notebook, placeholders, {index + 1: failure for index, failure in failures.items()})


def execution_problems(exercise: Exercise, executed: nbformat.NotebookNode, name: str = "notebook") -> list[str]:
    """Return what is wrong with an executed exercise notebook (empty when it failed exactly as expected).

    ``executed`` is ``exercise.notebook`` after running it with errors allowed (e.g. nbclient's
    ``allow_errors=True``). Every cell in ``exercise.failures`` must fail, with an error it allows; every
    other code cell must run; and every code placeholder's task must be raised as a NotImplementedError.
    """
    if len(executed.cells) != len(exercise.notebook.cells):
        return [f"{name}: the executed notebook has {len(executed.cells)} cells, the exercise {len(exercise.notebook.cells)}"]
    problems, raised = [], set()
    for index, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        errors = [(out.ename, out.evalue) for out in cell.get("outputs", []) if out.output_type == "error"]
        expected, where = exercise.failures.get(index), f"{name} cell {index}"
        if expected is None and errors:
            problems.append(f"{where} should run in the exercise but raised {errors[0][0]}: {errors[0][1]}")
        elif expected is not None and not errors:
            problems.append(f"{where} should fail until the student's work is done, but it ran (a placeholder passed silently?)")
        elif expected is not None and not expected.allows(*errors[0]):
            problems.append(f"{where} raised {errors[0][0]}: {errors[0][1]!r}, not a placeholder's NotImplementedError")
        raised |= {value for ename, value in errors if ename == "NotImplementedError"}
    tasks = {p.task for p in exercise.placeholders if p.cell_type == "code"}
    problems += [f"{name}: the placeholder {task!r} never raised NotImplementedError" for task in sorted(tasks - raised)]
    return problems


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """Return ``notebook`` serialised exactly as :func:`build` writes it (nbformat's JSON, final newline)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def generate(solutions: Path, exercises: Path) -> dict[Path, str]:
    """Return ``{exercise path: text}`` for every ``*.ipynb`` in ``solutions``."""
    solutions, exercises = Path(solutions), Path(exercises)
    if not solutions.is_dir():
        raise FileNotFoundError(f"No solutions folder at {solutions}; run from the project root or pass --solutions.")
    paths = sorted(solutions.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"{solutions} holds no solution notebooks (*.ipynb).")
    generated = {}
    for path in paths:
        solution = nbformat.read(path, as_version=4)
        generated[exercises / path.name] = make_exercise(solution, f"{solutions.name}/{path.name}").text()
    return generated


def differences(solutions: Path, exercises: Path) -> list[str]:
    """Return one line per exercise file that is missing, differs from its solution's output, or has no solution."""
    generated = generate(solutions, exercises)
    problems = []
    for path, text in generated.items():
        if not path.exists():
            problems.append(f"{path}: missing (generate it)")
        elif path.read_bytes() != text.encode("utf-8"):
            problems.append(f"{path}: differs from what {Path(solutions) / path.name} generates (edited by hand?)")
    for path in sorted(Path(exercises).glob("*.ipynb")):
        if path not in generated:
            problems.append(f"{path}: has no solution notebook in {solutions}")
    return problems


def build(solutions: Path, exercises: Path) -> list[Path]:
    """Write every exercise notebook, delete exercise notebooks without a solution, and return what changed."""
    generated = generate(solutions, exercises)
    Path(exercises).mkdir(parents=True, exist_ok=True)
    changed = []
    for path, text in generated.items():
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            path.write_bytes(text.encode("utf-8"))
            changed.append(path)
    for path in sorted(Path(exercises).glob("*.ipynb")):
        if path not in generated:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.exercises", description="Generate exercises/ from solutions/ (see the module docstring)."
    )
    parser.add_argument("command", choices=["build", "check"], help="build: write exercises/; check: fail if out of date")
    parser.add_argument("--solutions", type=Path, default=Path("solutions"), help="folder of solution notebooks")
    parser.add_argument("--exercises", type=Path, default=Path("exercises"), help="folder of generated exercise notebooks")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            changed = build(args.solutions, args.exercises)
            for path in changed:
                print(f"wrote {path}" if path.exists() else f"removed {path} (no solution notebook)")
            print(f"{len(changed)} exercise notebook(s) changed.")
            return 0
        problems = differences(args.solutions, args.exercises)
    except (MarkerError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("exercises/ is out of date: run `python -m course_utils.exercises build`.", file=sys.stderr)
        return 1
    print("exercises/ matches solutions/.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
