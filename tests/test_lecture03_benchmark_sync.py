"""benchmarks/lecture03.py fills the weight cache for notebook 03, which then loads instead of training. That only
works while both build and train the models with the same names and settings (the cache key covers all of it)."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_convolutional_fashion_mnist.ipynb"
BENCHMARK = ROOT / "benchmarks" / "lecture03.py"
pytestmark = pytest.mark.skipif(not NOTEBOOK.exists(), reason="needs notebook 03")


def _notebook() -> ast.Module:
    return ast.parse("\n\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"))


def _benchmark() -> ast.Module:
    return ast.parse(BENCHMARK.read_text())


def _numbers(tree: ast.Module) -> dict[str, object]:
    """Return NAME -> value for module-level ``NAME = 25``, ``A, B = 25, 128`` and ``NAME = course_utils.epochs(25)``."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if isinstance(value, ast.Call) and ast.unparse(value.func) == "course_utils.epochs":
            value = value.args[0]
        if isinstance(target, ast.Tuple):
            if not isinstance(value, ast.Tuple) or len(value.elts) != len(target.elts):
                continue
            pairs = zip(target.elts, value.elts, strict=True)
        else:
            pairs = [(target, value)]
        for name, item in pairs:
            if isinstance(name, ast.Name) and isinstance(item, ast.Constant):
                found[name.id] = item.value
    return found


def _keyword_sets(tree: ast.Module, function: str) -> list[dict[str, object]]:
    """Return the literal keyword arguments of every call to ``function`` (and of every ``NAME = dict(...)``)."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) in (function, "dict")]
    found = []
    for call in calls:
        try:
            found.append({kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg})
        except ValueError:  # e.g. dict(epochs=EPOCHS, ...): not a builder's arguments
            continue
    return found


def test_training_constants_agree():
    notebook, benchmark = _numbers(_notebook()), _numbers(_benchmark())
    for name in ("EPOCHS", "BATCH_SIZE", "ANOMALY_EPOCHS", "HELD_OUT"):
        assert notebook[name] == benchmark[name], name


def test_every_notebook_model_is_built_the_same_way_in_the_benchmark():
    for function in ("models.conv_autoencoder", "models.dense_autoencoder"):
        in_notebook = _keyword_sets(_notebook(), function)
        in_benchmark = _keyword_sets(_benchmark(), function)
        for arguments in in_notebook:
            assert arguments in in_benchmark, f"{function}({arguments}) is not built by the benchmark"


def test_cache_names_and_seed_agree():
    notebook_source, benchmark_source = ast.unparse(_notebook()), BENCHMARK.read_text()
    for name in ("lecture03-conv-small", "lecture03-dense-64", "lecture03-conv-transpose", "lecture03-conv-wide",
                 "lecture03-detector-without-"):
        assert name in notebook_source and name in benchmark_source, name
    assert notebook_source.count("course_utils.seed_everything(42)") == 5  # once before each model is built
    assert _numbers(_benchmark())["SEED"] == 42
