"""A small digit classifier that reads generated digits: which digit a sample shows, and how sure it is.

Lecture 05 and the exercise checks (:func:`course_utils.checks.recognised_digits`) both read digits with it; it is
:func:`digit_classifier`, trained once and kept in the weight cache. It is a measuring instrument, not a model any
lecture teaches, so it lives here.
"""

from __future__ import annotations

import functools

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int, check_number

TRAIN_IMAGES = 20_000
EPOCHS = 3  # the same in quick mode: a sample is only judged as well as the classifier reads it


def digit_classifier(seed: int = 0) -> keras.Model:
    """Return a small (uncompiled) convolutional MNIST classifier: 28x28 images in, 10 softmax probabilities out.

    Two 3x3 convolutions (16 and 32 filters, each followed by 2x2 max pooling) and a softmax layer, 12,810
    weights. Its initial weights come from ``seed`` alone, so building it leaves the global random state alone.
    """
    seed = check_int("seed", seed, 0)
    init = keras.initializers.GlorotUniform
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28), name="image"),
            keras.layers.Reshape((28, 28, 1), name="add_channel"),
            keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer=init(seed), name="conv_1"),
            keras.layers.MaxPooling2D(2, name="pool_1"),
            keras.layers.Conv2D(32, 3, activation="relu", kernel_initializer=init(seed + 1), name="conv_2"),
            keras.layers.MaxPooling2D(2, name="pool_2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", kernel_initializer=init(seed + 2), name="digit_probabilities"),
        ],
        name="digit_classifier",
    )


@functools.cache
def trained_digit_classifier() -> keras.Model:
    """Return :func:`digit_classifier` trained on the first 20,000 MNIST training digits for 3 epochs (cached)."""
    from course_utils import data
    from course_utils.training import fit_or_load

    (x_train, y_train), _ = data.load_mnist()
    model = digit_classifier()
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
