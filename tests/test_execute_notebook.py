"""course_tools/execute.py: refuses a non-inline MPLBACKEND, saves a clean run, keeps no progress leftovers."""

import copy
from pathlib import Path

import nbformat
import pytest

from course_tools import execute as execute_notebook

ROOT = Path(__file__).resolve().parents[1]

TRAINING = """\
import numpy as np

import course_utils
import keras
from course_utils.training import fit_or_load

course_utils.seed_everything(0)
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3), keras.layers.Dense(12)])
model.compile(optimizer="adam", loss="mse")
x = np.random.default_rng(0).random((64, 12), dtype=np.float32)
fit = fit_or_load(model, "tiny", x, x, epochs=2, batch_size=16)
print(fit.describe())"""


@pytest.mark.parametrize("backend", ["", "inline", "module://matplotlib_inline.backend_inline"])
def test_inline_or_unset_backend_is_fine(backend):
    assert execute_notebook.backend_problem({"MPLBACKEND": backend}) is None
    assert execute_notebook.backend_problem({}) is None


@pytest.mark.parametrize("backend", ["Agg", "agg", "pdf", "TkAgg"])
def test_other_backends_are_refused_before_any_kernel_starts(tmp_path, monkeypatch, capsys, backend):
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), path)
    before = path.read_text()
    monkeypatch.setenv("MPLBACKEND", backend)
    monkeypatch.setattr(execute_notebook, "run", lambda *args: pytest.fail("no kernel may start"))
    assert execute_notebook.main([str(path)]) == 2
    error = capsys.readouterr().err
    assert f"MPLBACKEND={backend} is set" in error and "as text" in error and "env -u MPLBACKEND" in error
    assert path.read_text() == before


def test_saved_run_keeps_one_summary_line_per_training(tmp_path, monkeypatch, cache_dir):
    """The progress display is updated in the kernel while training, then vanishes from the saved notebook."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    path = tmp_path / "training.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TRAINING)]), path)
    as_run = []
    real_run = execute_notebook.run

    def run_and_keep(notebook, folder, timeout):
        seconds = real_run(notebook, folder, timeout)
        as_run.append(copy.deepcopy(notebook))
        return seconds

    monkeypatch.setattr(execute_notebook, "run", run_and_keep)
    assert execute_notebook.main([str(path)]) == 0
    raw_outputs = as_run[0].cells[0].outputs
    assert [o.output_type for o in raw_outputs] == ["display_data", "stream"]  # the progress display, emptied at the end
    saved = nbformat.read(path, as_version=4).cells[0]
    assert saved.execution_count == 1 and "execution" not in saved.metadata
    assert [(o.output_type, o.name) for o in saved.outputs] == [("stream", "stdout")]
    assert saved.outputs[0].text.startswith("Trained 2 epochs in ") and saved.outputs[0].text.count("\n") == 1


def _png(figure_pixels) -> str:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(figure_pixels).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_figures_are_stored_with_a_palette_and_look_the_same():
    import base64
    import io

    import matplotlib
    import numpy as np
    from PIL import Image

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=90)
    ax.plot(np.sin(np.linspace(0, 9, 200)), color="tab:blue")
    ax.plot(np.cos(np.linspace(0, 9, 200)), color="tab:orange")
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba()).copy()
    plt.close(fig)
    original = _png(pixels)
    stored = execute_notebook.palette_png(original)
    assert len(stored) < 0.8 * len(original)
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(stored))).convert("RGBA"), dtype=float)
    assert decoded.shape == pixels.shape
    assert np.abs(decoded - pixels).mean() < 1.0  # mean difference per channel value, out of 255

