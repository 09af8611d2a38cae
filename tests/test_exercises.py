"""The exercise generator: marker handling, strict errors, deterministic output, the CLI, and the
committed exercises/ being exactly what solutions/ generates."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils import exercises

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _notebook(*cells):
    notebook = new_notebook(cells=list(cells))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"c{index}"
    return notebook


FUNCTION_CELL = """def double(x):
    checked = float(x)
    ### BEGIN SOLUTION: return twice x
    ### HINT: multiply by 2
    result = 2 * checked
    ### END SOLUTION
    return result"""


def test_code_block_becomes_todo_and_placeholder_with_indentation_kept():
    solution = _notebook(new_code_cell("import math"), new_code_cell(FUNCTION_CELL))
    exercise = exercises.make_exercise(solution, "demo.ipynb")
    assert exercise.notebook.cells[2].source == (
        "def double(x):\n"
        "    checked = float(x)\n"
        "    # TODO: return twice x\n"
        "    # HINT: multiply by 2\n"
        '    raise NotImplementedError("return twice x")\n'
        "    return result"
    )
    assert exercise.notebook.cells[1].source == "import math"
    assert exercise.placeholders == [exercises.Placeholder(2, "code", "return twice x", ("multiply by 2",))]
    assert solution.cells[1].source == FUNCTION_CELL  # the solution is left alone


def test_markdown_block_becomes_todo_and_comment_wrapped_markers_work():
    solution = _notebook(
        new_markdown_cell("Why?\n\n<!-- ### BEGIN SOLUTION: explain why -->\nBecause.\n<!-- ### END SOLUTION -->\nEnd."),
        new_markdown_cell("### BEGIN SOLUTION: say more\n### HINT: think of filters\nText.\n### END SOLUTION"),
    )
    cells = exercises.make_exercise(solution).notebook.cells
    assert cells[1].source == "Why?\n\n**TODO:** explain why\nEnd."
    assert cells[2].source == "**TODO:** say more\n\n*Hint:* think of filters"


def test_outputs_counts_and_timing_are_cleared_and_a_note_leads():
    cell = new_code_cell("### BEGIN SOLUTION: set x\nx = 1\n### END SOLUTION", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    cell.metadata.update({"execution": {"iopub.execute_input": "2024"}, "tags": ["nbval-check-output"]})
    notebook = exercises.make_exercise(_notebook(cell), "solutions/x.ipynb").notebook
    note, generated = notebook.cells
    assert note.id == exercises.NOTE_CELL_ID and "`solutions/x.ipynb`" in note.source and "solutions/solutions" not in note.source
    assert generated.outputs == [] and generated.execution_count is None
    assert "execution" not in generated.metadata
    assert generated.metadata["tags"] == ["nbval-check-output", "raises-exception"]


def test_output_is_deterministic():
    solution = _notebook(new_code_cell(FUNCTION_CELL), new_code_cell("print(double(2))"))
    assert exercises.make_exercise(solution).text() == exercises.make_exercise(solution).text()
    assert exercises.make_exercise(solution).text().endswith("}\n")


def test_cells_that_will_fail_are_predicted_and_tagged():
    solution = _notebook(
        new_code_cell(FUNCTION_CELL),  # defines a stub: runs
        new_code_cell("def quadruple(x):\n    return double(double(x))"),  # calls a stub: a stub too
        new_code_cell("value = quadruple(3)"),  # fails with the placeholder's message
        new_code_cell("print(value)"),  # value was never assigned
        new_code_cell("### BEGIN SOLUTION: make the table\ntable = {1: 2}\n### END SOLUTION"),
        new_code_cell("rows = len(table)"),  # the solution would have defined table
        new_code_cell("value = 3\nprint(value + 1)"),  # defines value again: runs
        new_code_cell("def uses_table():\n    return table"),
        new_code_cell("uses_table()"),
    )
    exercise = exercises.make_exercise(solution)
    failures = {index - 1: failure for index, failure in exercise.failures.items()}  # without the note cell
    assert sorted(failures) == [2, 3, 4, 5, 8]
    assert failures[2] == exercises.ExpectedFailure(frozenset({"return twice x"}))
    assert failures[3] == exercises.ExpectedFailure(missing_names=frozenset({"value"}))
    assert failures[4].messages == {"make the table"} and failures[5].missing_names == {"table"}
    assert failures[8].missing_names == {"table"}
    tagged = [i - 1 for i, cell in enumerate(exercise.notebook.cells) if "raises-exception" in cell.metadata.get("tags", [])]
    assert tagged == [2, 3, 4, 5, 8]
    assert failures[2].allows("NotImplementedError", "return twice x")
    assert not failures[2].allows("NotImplementedError", "something else") and not failures[2].allows("ValueError", "x")
    assert failures[3].allows("NameError", "name 'value' is not defined")


def test_a_local_name_does_not_count_as_missing():
    solution = _notebook(
        new_code_cell("### BEGIN SOLUTION: make z\nz = 1\n### END SOLUTION"),
        new_code_cell("def f(z):\n    return z + 1\n\nprint(f(2))"),
    )
    assert sorted(exercises.make_exercise(solution).failures) == [1]


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION: a\nx = 1", "cell 0 \\(code\\), line 1: BEGIN SOLUTION is never closed"),
        ("### BEGIN SOLUTION: a\n### BEGIN SOLUTION: b\n### END SOLUTION", "line 2: BEGIN SOLUTION inside the block opened on line 1"),
        ("x = 1\n### END SOLUTION", "line 2: END SOLUTION without a BEGIN"),
        ("### HINT: psst\nx = 1", "HINT outside a solution block"),
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "needs a task"),
        ('### BEGIN SOLUTION: say "hi"\nx = 1\n### END SOLUTION', "double quotes"),
        ("### BEGIN SOLUTION: a\n### HINT\n### END SOLUTION", "HINT needs text"),
        ("### BEGIN SOLUTION: a\n### END SOLUTION now", "END SOLUTION takes no text"),
        ("x = 1", "no '### BEGIN SOLUTION"),
    ],
)
def test_marker_errors_name_notebook_and_cell(source, message):
    with pytest.raises(exercises.MarkerError, match=f"broken.ipynb.*{message}"):
        exercises.make_exercise(_notebook(new_code_cell(source)), "broken.ipynb")


def test_markdown_marker_errors_and_repeated_tasks():
    with pytest.raises(exercises.MarkerError, match="cell 1 \\(markdown\\), line 2: END SOLUTION without"):
        exercises.make_exercise(_notebook(new_code_cell("x = 1"), new_markdown_cell("a\n### END SOLUTION")), "m.ipynb")
    twice = [new_code_cell("### BEGIN SOLUTION: same\nx = 1\n### END SOLUTION") for _ in range(2)]
    with pytest.raises(exercises.MarkerError, match="repeated: \\['same'\\]"):
        exercises.make_exercise(_notebook(*twice), "m.ipynb")
    clash = _notebook(new_code_cell("### BEGIN SOLUTION: a\nx = 1\n### END SOLUTION"), new_code_cell("y = 2"))
    clash.cells[1].id = clash.cells[0].id  # nbformat would replace it with a random id: output not reproducible
    with pytest.raises(exercises.MarkerError, match="cell 1 has the id 'c0' of an earlier cell"):
        exercises.make_exercise(clash, "m.ipynb")


def test_cli_build_then_check_and_hand_edits_are_named(tmp_path, capsys):
    solutions, generated = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(_notebook(new_code_cell(FUNCTION_CELL)), solutions / "ex9.ipynb")
    args = ["--solutions", str(solutions), "--exercises", str(generated)]
    assert exercises.main(["check", *args]) == 1
    assert "ex9.ipynb: missing" in capsys.readouterr().err
    assert exercises.main(["build", *args]) == 0
    first = (generated / "ex9.ipynb").read_bytes()
    assert exercises.main(["build", *args]) == 0 and (generated / "ex9.ipynb").read_bytes() == first
    assert "0 exercise notebook(s) changed" in capsys.readouterr().out
    assert exercises.main(["check", *args]) == 0

    (generated / "ex9.ipynb").write_text((generated / "ex9.ipynb").read_text().replace("return twice x", "return 3x", 1))
    (generated / "old.ipynb").write_bytes(first)
    assert exercises.main(["check", *args]) == 1
    err = capsys.readouterr().err
    assert "ex9.ipynb: differs" in err and "old.ipynb: has no solution notebook" in err
    assert exercises.main(["build", *args]) == 0 and not (generated / "old.ipynb").exists()
    assert (generated / "ex9.ipynb").read_bytes() == first


def test_cli_reports_marker_errors_with_exit_code_2(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    nbformat.write(_notebook(new_code_cell("### BEGIN SOLUTION: a\nx = 1")), tmp_path / "solutions" / "bad.ipynb")
    assert exercises.main(["build", "--solutions", str(tmp_path / "solutions"), "--exercises", str(tmp_path / "e")]) == 2
    assert "solutions/bad.ipynb, cell 0" in capsys.readouterr().err
    assert exercises.main(["check", "--solutions", str(tmp_path / "nowhere")]) == 2


def test_there_are_solution_notebooks():
    assert len(SOLUTIONS) >= 4


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_committed_exercise_is_what_the_solution_generates(solution):
    """nbdev-style: regenerate in memory and compare bytes, so a hand edit to exercises/ fails CI."""
    committed = ROOT / "exercises" / solution.name
    assert committed.exists(), f"exercises/{solution.name} is missing: run python -m course_utils.exercises build"
    generated = exercises.make_exercise(nbformat.read(solution, as_version=4), f"solutions/{solution.name}").text()
    assert committed.read_text(encoding="utf-8") == generated, (
        f"exercises/{solution.name} differs from what solutions/{solution.name} generates; "
        "edit the solution and run python -m course_utils.exercises build"
    )


def test_no_exercise_without_a_solution():
    stale = {p.name for p in (ROOT / "exercises").glob("*.ipynb")} - {p.name for p in SOLUTIONS}
    assert not stale, f"exercises without a solution notebook: {sorted(stale)}"
