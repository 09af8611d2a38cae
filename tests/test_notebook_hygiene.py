"""What nbval cannot see: committed notebooks must come from one clean, full run on a fresh kernel,
hold no machine paths, warnings or errors, stay small, and be listed in the README."""

import re
from pathlib import Path

import nbformat
import pytest

from course_tools import launch_links

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
EXERCISES = sorted(ROOT.glob("exercises/*.ipynb"))
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/home/|/root/|/Users/|C:\\\\)")
MAX_BYTES = 1_000_000


def _colab_snippet() -> str:
    """The Colab-only install lines that course_tools/launch_links.py writes: the one install a notebook may hold."""
    return launch_links.colab_snippet()


COLAB_SNIPPET = _colab_snippet()


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _code_cells(path: Path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_there_are_lecture_notebooks():
    assert any(p.parent.name == "notebooks" for p in EXECUTED)


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_executed_once_top_to_bottom(path):
    counts = [cell.execution_count for cell in _code_cells(path) if cell.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execute it top to bottom on a fresh kernel"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_outputs_are_clean(path):
    for index, cell in enumerate(_code_cells(path)):
        for output in cell.get("outputs", []):
            where = f"{path.name}, code cell {index + 1}"
            assert output.output_type != "error", f"{where} has an error output"
            assert not (output.output_type == "stream" and output.name == "stderr"), f"{where} writes to stderr"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not MACHINE_PATH.search(text), f"{where} shows a machine path"
            assert "Warning" not in text, f"{where} shows a warning"
        assert "execution" not in cell.metadata, f"{path.name}: cell {index + 1} keeps execution timestamps"


@pytest.mark.parametrize("path", EXECUTED + EXERCISES, ids=_ids(EXECUTED + EXERCISES))
def test_small_and_free_of_path_hacks(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is over {MAX_BYTES} bytes; lower the figure dpi"
    cells = nbformat.read(path, as_version=4).cells
    sources = [cell.source for cell in cells]
    first_code = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), None)
    if first_code is not None:  # the Colab-only install is allowed once, at the top of the first code cell
        sources[first_code] = sources[first_code].removeprefix(COLAB_SNIPPET)
    source = "\n".join(sources)
    assert "sys.path" not in source and "tf.compat.v1" not in source
    assert not re.search(r"pip install|%pip|!pip|\"pip\", \"install\"", source), f"{path.name} installs packages"


@pytest.mark.parametrize("path", EXERCISES, ids=_ids(EXERCISES))
def test_exercises_are_committed_without_outputs(path):
    for cell in _code_cells(path):
        assert not cell.outputs and cell.execution_count is None, f"{path.name} must be committed without outputs"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_first_code_cell_sets_up_the_course(path):
    first = _code_cells(path)[0].source
    assert "import course_utils" in first and "setup(" in first


@pytest.mark.parametrize("path", [*EXECUTED, *EXERCISES], ids=_ids([*EXECUTED, *EXERCISES]))
def test_readme_lists_every_notebook(path):
    assert f"{path.parent.name}/{path.name}" in (ROOT / "README.md").read_text(), f"add {path.name} to the README's tables"
