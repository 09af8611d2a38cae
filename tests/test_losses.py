"""course_utils.losses: the per-sample loss of lecture 04, as Keras reports and saves it."""

import keras
import numpy as np
import pytest
import tiny_models

import course_utils
from course_utils import losses


def test_half_sum_squared_error_is_half_the_sum_per_sample():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.uniform(size=(3, 4, 4, 1)), rng.uniform(size=(3, 4, 4, 1))
    loss = keras.ops.convert_to_numpy(losses.half_sum_squared_error(y_true.astype("float32"), y_pred.astype("float32")))
    expected = 0.5 * ((y_pred - y_true) ** 2).sum(axis=(1, 2, 3))
    assert loss.shape == (3,)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_keras_reports_the_loss_per_sample():
    """compile() averages the per-sample loss over the batch: the source lecture's "average loss per sample"."""
    course_utils.seed_everything(0)
    model = tiny_models.conv_autoencoder(side=8)
    model.compile(optimizer="adam", loss=losses.half_sum_squared_error)
    images = np.random.default_rng(2).uniform(size=(6, 8, 8, 1)).astype("float32")
    reported = model.evaluate(images, images, batch_size=6, verbose=0)
    reconstructions = model.predict(images, verbose=0)
    assert reported == pytest.approx(0.5 * ((reconstructions - images) ** 2).sum() / 6, rel=1e-4)


def test_the_loss_survives_saving(tmp_path):
    model = tiny_models.conv_autoencoder(side=8)
    model.compile(optimizer="adam", loss=losses.half_sum_squared_error)
    images = np.zeros((2, 8, 8, 1), dtype="float32")
    model.fit(images, images, epochs=1, verbose=0)  # builds the optimizer, so its state is saved and restored
    model.save(tmp_path / "model.keras")
    restored = keras.saving.load_model(tmp_path / "model.keras")
    assert restored.loss is losses.half_sum_squared_error
