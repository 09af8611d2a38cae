"""Model builders. Each returns an uncompiled ``keras.Model`` whose ``encoder`` and ``decoder``
are separate named sub-models, so a notebook can encode, decode and train them apart.

Layer names are fixed, so summaries and weight-cache keys do not change from run to run.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)

_ACTIVATIONS = (None, "linear", "relu", "sigmoid", "tanh", "elu", "selu", "gelu", "softplus", "leaky_relu", "swish")


def _check_activation(name: str, value: str | None) -> str | None:
    if value not in _ACTIVATIONS:
        raise ValueError(f"{name} must be one of {_ACTIVATIONS}, got {value!r}.")
    return value


def _check_units(name: str, values: Sequence[int]) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a sequence of positive integers, got {values!r}.")
    for units in values:
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"{name} must hold positive integers, got {units!r} in {values!r}.")
    return tuple(int(u) for u in values)


def _check_shape(name: str, shape: Sequence[int]) -> tuple[int, ...]:
    shape = _check_units(name, shape)
    if not shape:
        raise ValueError(f"{name} must name at least one dimension, got {shape!r}.")
    return shape


def dense_autoencoder(
    input_shape: Sequence[int] = (784,),
    hidden_units: Sequence[int] = (500, 300),
    code_size: int = 2,
    activation: str | None = "relu",
    code_activation: str | None = None,
    output_activation: str | None = None,
    decoder_hidden_units: Sequence[int] | None = None,
) -> keras.Model:
    """Return a fully connected autoencoder with sub-models ``encoder`` and ``decoder``.

    The defaults build the dense MNIST model of lecture 01: 784 -> 500 -> 300 -> 2 -> 300 -> 500 -> 784,
    ReLU hidden layers, a linear code and a linear output (1,087,586 parameters). The decoder mirrors
    ``hidden_units`` unless ``decoder_hidden_units`` is given; ``hidden_units=()`` and ``activation=None``
    give a purely linear autoencoder. Inputs with more than one dimension (e.g. ``(28, 28)``) are
    flattened by the encoder and reshaped back by the decoder.
    """
    input_shape = _check_shape("input_shape", input_shape)
    hidden_units = _check_units("hidden_units", hidden_units)
    (code_size,) = _check_units("code_size", (code_size,))
    decoder_units = hidden_units[::-1] if decoder_hidden_units is None else _check_units("decoder_hidden_units", decoder_hidden_units)
    activation = _check_activation("activation", activation)
    code_activation = _check_activation("code_activation", code_activation)
    output_activation = _check_activation("output_activation", output_activation)
    n_inputs = int(np.prod(input_shape))

    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"encoder_dense_{i}")(x)
    code = keras.layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_input")
    y = code_input
    for i, units in enumerate(decoder_units, start=1):
        y = keras.layers.Dense(units, activation=activation, name=f"decoder_dense_{i}")(y)
    y = keras.layers.Dense(n_inputs, activation=output_activation, name="reconstruction")(y)
    if len(input_shape) > 1:
        y = keras.layers.Reshape(input_shape, name="unflatten")(y)
    decoder = keras.Model(code_input, y, name="decoder")

    return _stack(encoder, decoder, input_shape)


def _stack(encoder: keras.Model, decoder: keras.Model, input_shape: Sequence[int]) -> keras.Model:
    """Return ``decoder(encoder(x))`` as one model named ``autoencoder``."""
    inputs = keras.Input(shape=tuple(input_shape), name="autoencoder_input")
    return keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")


def encoder_classifier(
    encoder: keras.Model,
    n_classes: int = 10,
    hidden_units: Sequence[int] = (64,),
    activation: str | None = "relu",
    trainable_encoder: bool = False,
) -> keras.Model:
    """Return a classifier ``encoder -> head`` with sub-models ``encoder`` and ``head``.

    The head is Dense ``hidden_units`` (``activation``) then a softmax over ``n_classes``. With
    ``trainable_encoder=False`` the encoder is frozen (its ``trainable`` flag is switched off), so
    training changes only the head: the way to reuse a pretrained encoder. Pass a freshly built,
    trainable encoder for the same classifier trained from scratch.
    """
    if not isinstance(encoder, keras.Model):
        raise ValueError(f"encoder must be a keras.Model (e.g. autoencoder.get_layer('encoder')), got {type(encoder).__name__}.")
    (n_classes,) = _check_units("n_classes", (n_classes,))
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}.")
    hidden_units = _check_units("hidden_units", hidden_units)
    activation = _check_activation("activation", activation)
    if not isinstance(trainable_encoder, bool):
        raise ValueError(f"trainable_encoder must be True or False, got {trainable_encoder!r}.")
    encoder.trainable = trainable_encoder

    code_shape = tuple(encoder.output_shape[1:])
    code_input = keras.Input(shape=code_shape, name="code_input")
    x = keras.layers.Flatten(name="flatten_code")(code_input) if len(code_shape) > 1 else code_input
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"head_dense_{i}")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="class_probabilities")(x)
    head = keras.Model(code_input, outputs, name="head")

    inputs = keras.Input(shape=tuple(encoder.input_shape[1:]), name="classifier_input")
    return keras.Model(inputs, head(encoder(inputs)), name="classifier")
