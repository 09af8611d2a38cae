"""The lectures are the one home of their models: ``course_utils.lectures`` is generated from their cells marked
``#@save`` (``python -m course_tools.export``), and a lecture that continues another loads its saved model."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from course_tools import export
from course_utils import training
from course_utils.lectures import lecture01, lecture03, lecture05


def test_the_generated_modules_match_the_lectures():
    stale = export.stale(export.generate())
    assert not stale, f"out of date: {[p.name for p in stale]}; run `python -m course_tools.export`"


def test_lecture01_builds_the_784_500_300_2_model():
    model = lecture01.build_autoencoder()
    assert model.count_params() == 1_087_586
    assert model.get_layer("encoder").output_shape == (None, 2) and model.get_layer("decoder").output_shape == (None, 784)


def test_lecture03_wide_model_has_a_64_value_code():
    model = lecture03.autoencoder(lecture03.wide_conv_encoder(), lecture03.wide_conv_decoder())
    assert model.input_shape == model.output_shape == (None, 28, 28, 1)
    assert model.get_layer("encoder").output_shape == (None, 64)


def test_lecture05_vae_networks_mirror_each_other_and_can_take_a_label():
    encoder, decoder = lecture05.vae_networks(3, hidden_units=(16, 8))
    assert [tuple(t.shape) for t in encoder.outputs] == [(None, 3), (None, 3)]
    assert decoder.input_shape == (None, 3) and decoder.output_shape == (None, 28, 28)
    assert [layer.units for layer in encoder.layers if hasattr(layer, "units")][:2] == [16, 8]
    assert [layer.units for layer in decoder.layers if hasattr(layer, "units")] == [8, 16, 784]
    encoder, decoder = lecture05.vae_networks(2, hidden_units=(8,), n_classes=4)
    assert [tuple(t.shape) for t in encoder.inputs] == [(None, 28, 28), (None, 4)]
    assert [tuple(t.shape) for t in decoder.inputs] == [(None, 2), (None, 4)]
    mean, log_var = encoder.predict([np.zeros((5, 28, 28)), np.eye(5, 4)], verbose=0)
    assert mean.shape == log_var.shape == (5, 2)


def test_train_autoencoder_starts_from_its_own_seed(cache_dir, quick_mode):
    images = np.random.default_rng(0).random((40, 784), dtype=np.float32)
    first, first_fit = lecture01.train_autoencoder(images)
    second, second_fit = lecture01.train_autoencoder(images)  # same seed, same initial weights: a cache hit
    assert not first_fit.from_cache and second_fit.from_cache
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])


def test_export_copies_marked_cells_with_the_imports_they_use(tmp_path):
    setup = "import course_utils\nimport keras\nimport numpy as np\nfrom keras import layers\n\nprint(course_utils.setup())"
    marked = "#@save\ndef build():\n    return keras.Sequential([layers.Dense(2)])"
    path = tmp_path / "07_example.ipynb"
    nbformat.write(_notebook(setup, marked, "model = build()"), path)
    text = export.module_text(path)
    assert "def build():" in text and "\n#@save" not in text and "model = build()" not in text
    assert "import keras\nfrom keras import layers\n" in text and "numpy" not in text and "print(" not in text
    assert export.module_name(path) == "lecture07"


def test_export_refuses_a_marked_cell_that_does_more_than_define(tmp_path):
    path = tmp_path / "08_example.ipynb"
    nbformat.write(_notebook("import keras", "#@save\nmodel = keras.Sequential()\nmodel.summary()"), path)
    with pytest.raises(export.ExportError, match=r"08_example.ipynb, cell 1: .*line 2"):
        export.module_text(path)


def test_a_saved_model_is_loaded_by_name(cache_dir, quick_mode):
    model = lecture01.build_autoencoder()
    path = training.save_model(model, "example_model")
    assert path.name == "example_model.keras" and "quick" in path.parts
    loaded = training.load_model("example_model", otherwise=lambda: pytest.fail("a saved model must not be retrained"))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_missing_model_is_trained_once_on_demand(cache_dir, full_mode):
    with pytest.raises(FileNotFoundError, match="'never_saved'.*run the lecture that saves it"):
        training.load_model("never_saved")
    calls = []

    def train():
        calls.append(1)
        return lecture01.build_autoencoder()

    training.load_model("on_demand", otherwise=train)
    training.load_model("on_demand", otherwise=train)
    assert calls == [1]


def test_a_damaged_saved_model_is_discarded_and_retrained(cache_dir, quick_mode):
    path = training.saved_model_path("damaged")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a keras file")
    with pytest.warns(UserWarning, match="unreadable"):
        model = training.load_model("damaged", otherwise=lecture01.build_autoencoder)
    assert model.count_params() == 1_087_586 and path.exists()


def test_save_model_checks_its_arguments(cache_dir):
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        training.save_model("not a model", "name")
    with pytest.raises(ValueError, match="name must be"):
        training.save_model(lecture01.build_autoencoder(), "../escape")
