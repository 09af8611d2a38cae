"""Model builders that lecture 05 still shares with tests and a benchmark (they move into their lectures).

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


# --------------------------------------------------------------------------- lecture 05: sparse and variational autoencoders


def sparse_autoencoder(
    input_shape: Sequence[int] = (28, 28),
    hidden_units: int = 100,
    code_size: int = 300,
    l1: float = 0.0,
    kl_weight: float = 0.0,
    kl_target: float = 0.1,
) -> keras.Model:
    """Return lecture 05's sparse autoencoder: 784 -> 100 (SELU) -> 300 (sigmoid code) -> 100 (SELU) -> 784 (sigmoid).

    ``l1 > 0`` puts ``keras.regularizers.L1(l1)`` on the code as an activity penalty; ``kl_weight > 0`` adds a
    :class:`course_utils.sparsity.KLSparsityPenalty` (mean activation pulled to ``kl_target``) after the code.
    """
    from course_utils._validate import check_number
    from course_utils.sparsity import KLSparsityPenalty

    input_shape = _check_shape("input_shape", input_shape)
    (hidden_units, code_size) = _check_units("hidden_units and code_size", (hidden_units, code_size))
    l1 = check_number("l1", l1, 0.0)
    kl_weight = check_number("kl_weight", kl_weight, 0.0)
    size = int(np.prod(input_shape))
    encoder_layers = [
        keras.Input(input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_units, activation="selu"),
        keras.layers.Dense(code_size, activation="sigmoid", activity_regularizer=keras.regularizers.L1(l1) if l1 else None),
    ]
    if kl_weight:
        encoder_layers.append(KLSparsityPenalty(kl_weight, kl_target))
    encoder = keras.Sequential(encoder_layers, name="encoder")
    decoder = keras.Sequential(
        [
            keras.Input((code_size,)),
            keras.layers.Dense(hidden_units, activation="selu"),
            keras.layers.Dense(size, activation="sigmoid"),
            keras.layers.Reshape(input_shape),
        ],
        name="decoder",
    )
    return _stack(encoder, decoder, input_shape)


def variational_autoencoder(
    input_shape: Sequence[int] = (28, 28),
    hidden_units: Sequence[int] = (512, 256),
    latent_dim: int = 2,
    beta: float = 1.0,
    n_classes: int | None = None,
) -> keras.Model:
    """Return lecture 05's VAE: a ReLU MLP encoder giving the mean and log-variance of a ``latent_dim`` Gaussian code,
    a :class:`~course_utils.variational.KLDivergenceLoss` (weight ``beta``), :class:`~course_utils.variational.Sampling`
    and a mirror decoder giving Bernoulli logits. Compile it with ``bernoulli_reconstruction_loss`` and fit it on
    ``(x, x)``. With ``n_classes`` it is a conditional VAE: the model, ``encoder`` and ``decoder`` take a one-hot label
    as a second input, concatenated to the image and to the code.
    """
    from course_utils.variational import KLDivergenceLoss, Sampling

    input_shape = _check_shape("input_shape", input_shape)
    hidden_units = _check_units("hidden_units", hidden_units)
    (latent_dim,) = _check_units("latent_dim", (latent_dim,))
    if n_classes is not None:
        (n_classes,) = _check_units("n_classes", (n_classes,))
    size = int(np.prod(input_shape))

    image = keras.Input(input_shape, name="image")
    label = keras.Input((n_classes,), name="label") if n_classes else None
    h = keras.layers.Flatten()(image)
    if label is not None:
        h = keras.layers.Concatenate()([h, label])
    for units in hidden_units:
        h = keras.layers.Dense(units, activation="relu")(h)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    encoder = keras.Model([image, label] if label is not None else image, [mean, log_var], name="encoder")

    code = keras.Input((latent_dim,), name="code")
    decoder_label = keras.Input((n_classes,), name="label") if n_classes else None
    h = code if decoder_label is None else keras.layers.Concatenate()([code, decoder_label])
    for units in reversed(hidden_units):
        h = keras.layers.Dense(units, activation="relu")(h)
    logits = keras.layers.Reshape(input_shape)(keras.layers.Dense(size)(h))
    decoder = keras.Model([code, decoder_label] if decoder_label is not None else code, logits, name="decoder")

    image = keras.Input(input_shape, name="image")
    label = keras.Input((n_classes,), name="label") if n_classes else None
    mean, log_var = encoder([image, label] if label is not None else image)
    mean, log_var = KLDivergenceLoss(beta)([mean, log_var])
    z = Sampling()([mean, log_var])
    logits = decoder([z, label] if label is not None else z)
    return keras.Model([image, label] if label is not None else image, logits, name="vae")
