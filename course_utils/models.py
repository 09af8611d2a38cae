"""Model builders that lecture 04 still shares with tests and a benchmark (it moves into its lecture).

Every other model lives in the lecture that teaches it, and later notebooks reuse it through
``course_utils.lectures`` (generated from the lecture's cells marked ``#@save``).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import is_int


def _check_units(name: str, values: Sequence[int]) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a sequence of positive integers, got {values!r}.")
    for units in values:
        if not is_int(units) or units < 1:
            raise ValueError(f"{name} must hold positive integers, got {units!r} in {values!r}.")
    return tuple(int(u) for u in values)


def _check_shape(name: str, shape: Sequence[int]) -> tuple[int, ...]:
    shape = _check_units(name, shape)
    if not shape:
        raise ValueError(f"{name} must name at least one dimension, got {shape!r}.")
    return shape


def _stack(encoder: keras.Model, decoder: keras.Model, input_shape: Sequence[int]) -> keras.Model:
    """Return ``decoder(encoder(x))`` as one model named ``autoencoder``."""
    inputs = keras.Input(shape=tuple(input_shape), name="autoencoder_input")
    return keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")


# --------------------------------------------------------------------------- the deep convolutional autoencoder (lecture 04)


def _check_kernel_size(kernel_size: int) -> int:
    if not is_int(kernel_size) or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be a positive odd integer (e.g. 3), got {kernel_size!r}.")
    return int(kernel_size)



def _check_filters(name: str, values: Sequence[int]) -> tuple[int, ...]:
    values = _check_units(name, values)
    if not values:
        raise ValueError(f"{name} must hold at least one number of filters, got {values!r}.")
    return values


def _pixel_standardisation(images: np.ndarray, input_shape: tuple[int, ...]) -> keras.layers.Normalization:
    """Return a layer subtracting each pixel's mean over ``images`` and dividing by its standard deviation."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == len(input_shape):  # (n, h, w) for a (h, w, 1) input
        images = images[..., None]
    if images.ndim != len(input_shape) + 1 or images.shape[1:] != input_shape or len(images) < 2:
        raise ValueError(
            f"normalization_images must be at least two images of shape {input_shape}, got an array of shape {np.shape(images)}."
        )
    # A floor on the variance: a pixel that never changes would otherwise be divided by zero.
    variance = np.maximum(images.var(axis=0), 1e-4)
    return keras.layers.Normalization(
        axis=(1, 2, 3), mean=images.mean(axis=0), variance=variance, name="pixel_standardisation"
    )


def deep_conv_autoencoder(
    input_shape: Sequence[int] = (32, 32, 1),
    encoder_filters: Sequence[int] = (16, 32, 64, 128),
    code_size: int = 256,
    decoder_filters: Sequence[int] = (128, 64, 32),
    kernel_size: int = 3,
    normalization_images: np.ndarray | None = None,
) -> keras.Model:
    """Return the deep convolutional autoencoder of lecture 04 (a Keras port of the Olivetti model of source lecture 001).

    Encoder: Conv2D ``encoder_filters`` (ReLU, ``same``; the first with stride 2, the rest stride 1), flatten,
    Dense ``code_size`` with a sigmoid (layer ``code``). Decoder: the code reshaped to half the input's side
    (256 values -> 16x16x1), Conv2DTranspose ``decoder_filters`` (ReLU, the first with stride 2), then a
    Conv2DTranspose to the input's channels with a sigmoid. The defaults build the source lecture's model on 32x32x1 faces.

    ``normalization_images`` (e.g. the training faces) adds a first encoder layer that standardises each pixel by
    its mean and standard deviation over those images; targets and outputs stay in [0, 1].
    """
    input_shape = _check_shape("input_shape", input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}.")
    height, width, channels = input_shape
    if height % 2 or width % 2:
        raise ValueError(f"input_shape must have an even height and width (the first layer halves them), got {input_shape!r}.")
    encoder_filters = _check_filters("encoder_filters", encoder_filters)
    decoder_filters = _check_filters("decoder_filters", decoder_filters)
    (code_size,) = _check_units("code_size", (code_size,))
    kernel_size = _check_kernel_size(kernel_size)
    half_pixels = (height // 2) * (width // 2)
    if code_size % half_pixels:
        raise ValueError(
            f"code_size must be a multiple of {half_pixels} (the decoder reshapes the code to "
            f"{height // 2}x{width // 2}xk), got {code_size}."
        )

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs if normalization_images is None else _pixel_standardisation(normalization_images, input_shape)(inputs)
    for i, filters in enumerate(encoder_filters, start=1):
        strides = 2 if i == 1 else 1
        x = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding="same", activation="relu", name=f"encoder_conv_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    code = keras.layers.Dense(code_size, activation="sigmoid", name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_input")
    y = keras.layers.Reshape((height // 2, width // 2, code_size // half_pixels), name="code_as_image")(code_input)
    for i, filters in enumerate(decoder_filters, start=1):
        strides = 2 if i == 1 else 1
        y = keras.layers.Conv2DTranspose(
            filters, kernel_size, strides=strides, padding="same", activation="relu", name=f"decoder_deconv_{i}"
        )(y)
    y = keras.layers.Conv2DTranspose(channels, kernel_size, padding="same", activation="sigmoid", name="reconstruction")(y)
    decoder = keras.Model(code_input, y, name="decoder")

    return _stack(encoder, decoder, input_shape)
