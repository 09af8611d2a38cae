"""A lecture that teaches a model writes its layers out in a code cell; later notebooks call the
``course_utils.models`` builder. These tests run the lecture's model cells and check that the builder
gives the same model, so the two cannot drift apart.

A model cell carries the tag ``model-definition``. It may use ``keras``, ``layers`` (``keras.layers``)
and ``np``, and names defined by earlier model cells of the same notebook, nothing else, so that it can be
run here without data or training.
"""

from __future__ import annotations

from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest

from course_utils import models
from course_utils.training import _layer_signature

ROOT = Path(__file__).resolve().parents[1]
MODEL_CELL_TAG = "model-definition"
LECTURES_THAT_BUILD_MODELS = (
    "01_dense_mnist_autoencoder.ipynb",
    "02_latent_space_and_generation.ipynb",
    "03_convolutional_fashion_mnist.ipynb",
    "04_olivetti_denoising.ipynb",
    "05_sparse_and_variational_autoencoders.ipynb",
)

# (lecture, expression evaluated after the lecture's model cells, the builder call later notebooks use)
CASES = [
    ("00_autoencoders_and_pca.ipynb", "build_linear_autoencoder()",
     lambda: models.dense_autoencoder(input_shape=(784,), hidden_units=(), code_size=16, activation=None)),
    ("01_dense_mnist_autoencoder.ipynb", "build_autoencoder()",
     lambda: models.dense_autoencoder(input_shape=(784,), hidden_units=(500, 300), code_size=2)),
    ("02_latent_space_and_generation.ipynb", "build_asymmetric_autoencoder()",
     lambda: models.dense_autoencoder(input_shape=(28, 28), hidden_units=(256,), code_size=32, code_activation="tanh",
                                      decoder_hidden_units=(256, 512), output_activation="sigmoid")),
    ("03_convolutional_fashion_mnist.ipynb", "autoencoder(small_conv_encoder(), small_conv_decoder())",
     lambda: models.conv_autoencoder()),
    ("03_convolutional_fashion_mnist.ipynb", "autoencoder(small_conv_encoder(), transpose_conv_decoder())",
     lambda: models.conv_autoencoder(upsampling="transpose")),
    ("03_convolutional_fashion_mnist.ipynb", "autoencoder(wide_conv_encoder(), wide_conv_decoder())",
     lambda: models.conv_autoencoder(filters=(16, 32), decoder_filters=(32, 16), downsampling="stride",
                                     upsampling="transpose", code_size=64)),
    # lecture 04 standardises with the training faces; six random images stand in for them
    ("04_olivetti_denoising.ipynb", "build_autoencoder(np.random.default_rng(0).random((6, 32, 32, 1), dtype='float32'))",
     lambda: models.deep_conv_autoencoder(normalization_images=np.random.default_rng(0).random((6, 32, 32, 1), dtype="float32"))),
    ("05_sparse_and_variational_autoencoders.ipynb", "sparse_autoencoder()", lambda: models.sparse_autoencoder()),
    ("05_sparse_and_variational_autoencoders.ipynb", "sparse_autoencoder(l1=1e-4)", lambda: models.sparse_autoencoder(l1=1e-4)),
    (
        "05_sparse_and_variational_autoencoders.ipynb",
        "sparse_autoencoder(kl_weight=5e-3)",
        lambda: models.sparse_autoencoder(kl_weight=5e-3),
    ),
    ("05_sparse_and_variational_autoencoders.ipynb", "build_vae(2)", lambda: models.variational_autoencoder(latent_dim=2)),
    (
        "05_sparse_and_variational_autoencoders.ipynb",
        "build_vae(32, beta=4.0)",
        lambda: models.variational_autoencoder(latent_dim=32, beta=4.0),
    ),
    ("05_sparse_and_variational_autoencoders.ipynb", "build_cvae(2)", lambda: models.variational_autoencoder(latent_dim=2, n_classes=10)),
]


def model_cells(notebook_name: str) -> list[str]:
    notebook = nbformat.read(ROOT / "notebooks" / notebook_name, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code" and MODEL_CELL_TAG in cell.metadata.get("tags", [])]


def run_model_cells(notebook_name: str) -> dict:
    namespace = {"keras": keras, "layers": keras.layers, "np": np}
    for source in model_cells(notebook_name):
        exec(compile(source, f"{notebook_name}[{MODEL_CELL_TAG}]", "exec"), namespace)
    return namespace


def _submodel_names(model: keras.Model) -> list[str]:
    return [layer.name for layer in model.layers if isinstance(layer, keras.Model)]


@pytest.mark.parametrize("notebook_name", LECTURES_THAT_BUILD_MODELS)
def test_lecture_writes_its_models_as_keras_layers(notebook_name):
    cells = model_cells(notebook_name)
    assert cells, f"{notebook_name} has no code cell tagged {MODEL_CELL_TAG!r}"
    assert any("layers." in source for source in cells), f"{notebook_name}: the model cells build no Keras layers"


@pytest.mark.parametrize("notebook_name", LECTURES_THAT_BUILD_MODELS)
def test_every_lecture_model_is_compared_with_its_builder(notebook_name):
    assert any(case[0] == notebook_name for case in CASES), f"add {notebook_name}'s models to CASES"


@pytest.mark.parametrize("notebook_name, expression, build", CASES, ids=[f"{c[0][:2]}:{c[1]}" for c in CASES])
def test_lecture_model_equals_builder(notebook_name, expression, build):
    namespace = run_model_cells(notebook_name)
    keras.utils.set_random_seed(0)
    written = eval(expression, namespace)
    keras.utils.set_random_seed(0)
    built = build()
    assert _layer_signature(written) == _layer_signature(built), f"{notebook_name}: {expression} differs from its builder"
    assert written.count_params() == built.count_params()
    assert _submodel_names(written) == _submodel_names(built)
    # Same seed, same initial weights: the notebook's model and the builder's share weight-cache entries.
    for mine, theirs in zip(written.weights, built.weights, strict=True):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_lecture05_vae_has_the_benchmarks_cache_key():
    """Lecture 05 trains its written-out VAE; benchmarks/lecture05.py trains the builder's. Same key, one training."""
    from course_utils import training, variational

    namespace = run_model_cells("05_sparse_and_variational_autoencoders.ipynb")
    images = np.random.default_rng(0).random((16, 28, 28)).astype(np.float32)
    keys = []
    for build in (lambda: namespace["build_vae"](2), lambda: models.variational_autoencoder(latent_dim=2)):
        keras.utils.set_random_seed(42)
        vae = build()
        vae.compile(optimizer=training.cosine_decay_adam(1e-3, 3, 16, 8), loss=variational.bernoulli_reconstruction_loss)
        keys.append(training.cache_key(vae, variational.DynamicBinarisation(images, 8, seed=0), None, epochs=3, callbacks=[]))
    assert keys[0] == keys[1]
