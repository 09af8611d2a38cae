"""benchmarks/lecture04.py fills the weight cache for notebook 04, which then loads instead of training. That only
works while both build, compile and train the models with the same names and settings (the cache key covers all of it)."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_olivetti_denoising.ipynb"
BENCHMARK = ROOT / "benchmarks" / "lecture04.py"
pytestmark = pytest.mark.skipif(not NOTEBOOK.exists(), reason="needs notebook 04")

CONSTANTS = ("EPOCHS", "BATCH_SIZE", "PEAK_LEARNING_RATE", "FINAL_LR_FRACTION", "DENOISE_EPOCHS", "DENOISE_PEAK_LEARNING_RATE", "SIGMA")
# Calls whose source text must be the same in both: data split, noise, models, optimisers, training.
CALLS = (
    "data.split_by_person", "noise.sigma_ramp", "noise.add_gaussian_noise", "noise.add_heteroscedastic_noise",
    "noise.ClippedGaussianNoise", "models.deep_conv_autoencoder", "training.cosine_decay_adam", "fit_or_load",
    "course_utils.seed_everything",
)


def _notebook() -> ast.Module:
    return ast.parse("\n\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"))


def _benchmark() -> ast.Module:
    return ast.parse(BENCHMARK.read_text())


def _constants(tree: ast.Module) -> dict[str, str]:
    """Return NAME -> source of the value for ``NAME = ...`` and ``A, B = x, y`` anywhere in ``tree``."""
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            pairs = zip(target.elts, value.elts, strict=True)
        else:
            pairs = [(target, value)]
        for name, item in pairs:
            if isinstance(name, ast.Name):
                found[name.id] = ast.unparse(item)
    return found


def _calls(tree: ast.Module, function: str) -> set[str]:
    return {ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == function}


def test_training_constants_agree():
    notebook, benchmark = _constants(_notebook()), _constants(_benchmark())
    for name in CONSTANTS:
        assert notebook[name] == benchmark[name], name


@pytest.mark.parametrize("function", CALLS)
def test_every_notebook_call_is_made_the_same_way_in_the_benchmark(function):
    in_notebook = _calls(_notebook(), function)
    assert in_notebook, f"the notebook no longer calls {function}; update this test"
    assert in_notebook <= _calls(_benchmark(), function), f"{function}: {in_notebook - _calls(_benchmark(), function)}"
