"""A small digit classifier that reads generated digits: which digit a sample shows, and how sure it is.

Lecture 05 and the exercise checks (:func:`course_utils.checks.recognised_digits`) both read digits with it; it is
:func:`course_utils.models.digit_classifier`, trained once and kept in the weight cache.
"""

from __future__ import annotations

import functools

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_number

TRAIN_IMAGES = 20_000
EPOCHS = 3  # the same in quick mode: a sample is only judged as well as the classifier reads it


@functools.cache
def trained_digit_classifier() -> keras.Model:
    """Return :func:`course_utils.models.digit_classifier` trained on the first 20,000 MNIST training digits for 3 epochs (cached)."""
    from course_utils import data, models
    from course_utils.training import fit_or_load

    (x_train, y_train), _ = data.load_mnist()
    model = models.digit_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fit_or_load(model, "digit-recogniser", x_train[:TRAIN_IMAGES], y_train[:TRAIN_IMAGES], epochs=EPOCHS, batch_size=128, verbose=0)
    return model


def read_digits(images: np.ndarray, confidence: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(digits, confident)`` for 28x28 ``images`` in [0, 1]: the digit the classifier reads in each, and
    whether its probability for that digit reaches ``confidence``."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch of 28x28 images, got shape {images.shape}.")
    check_number("confidence", confidence, 0.0, 1.0, low_open=True)
    probabilities = trained_digit_classifier().predict(images, batch_size=500, verbose=0)
    return probabilities.argmax(axis=1), probabilities.max(axis=1) >= confidence
