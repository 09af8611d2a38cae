"""Lecture 02 loads lecture 01's trained model from the weight cache. That only works while lecture 02 builds,
compiles and trains it exactly as lecture 01 does (the cache key covers all of it), so the lines must agree.
Lecture 01 writes the model out layer by layer and lecture 02 calls the builder; that the two build the same model
with the same initial weights is checked by tests/test_lecture_models.py."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURE_01 = ROOT / "notebooks" / "01_dense_mnist_autoencoder.ipynb"
LECTURE_02 = ROOT / "notebooks" / "02_latent_space_and_generation.ipynb"
CACHE_NAME = '"dense_mnist_156"'


def _code(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _lines_that_shape_the_weights(cells: list[str]) -> list[str]:
    """Return the training-data line and every line of the cell that trains the cached model."""
    training_cells = [cell for cell in cells if CACHE_NAME in cell]
    assert len(training_cells) == 1, f"expected one cell training {CACHE_NAME}, found {len(training_cells)}"
    lines = [line.strip() for cell in cells for line in cell.splitlines() if line.startswith("x_train_flat =")]
    lines += [line.strip() for line in training_cells[0].splitlines() if line.strip() and not line.strip().startswith("#")]
    return lines


@pytest.mark.skipif(not LECTURE_01.exists() or not LECTURE_02.exists(), reason="needs both lecture notebooks")
def test_lecture_02_rebuilds_lecture_01_model_line_for_line():
    lecture_01 = _lines_that_shape_the_weights(_code(LECTURE_01))
    lecture_02 = "\n".join(line.strip() for cell in _code(LECTURE_02) for line in cell.splitlines())
    missing = [line for line in lecture_01 if line not in lecture_02.splitlines()]
    assert not missing, f"lecture 02 must repeat these lines of lecture 01 so the weight cache matches: {missing}"


@pytest.mark.skipif(not LECTURE_02.exists(), reason="needs lecture 02")
def test_lecture_02_builds_the_model_before_anything_random():
    # The cache key includes the initial weights, which come from the seed set in the first cell: no other model
    # may be built, and no Keras randomness used, before lecture 01's model.
    cells = _code(LECTURE_02)
    first_builder = next(i for i, cell in enumerate(cells) if "models.dense_autoencoder(" in cell)
    assert "setup(seed=42)" in cells[0]
    assert "input_shape=(784,), hidden_units=(500, 300), code_size=2" in cells[first_builder]
    assert not any("keras.random" in cell or "seed_everything" in cell for cell in cells[1:first_builder])
