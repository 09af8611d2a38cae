"""Small Keras models for the unit tests: the course's own models live in the lectures that teach them."""

from __future__ import annotations

import keras
from keras import layers


def dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=3, output_activation=None) -> keras.Model:
    """Return a dense autoencoder with sub-models ``encoder`` and ``decoder`` (inputs of any shape are flattened)."""
    size = 1
    for side in input_shape:
        size *= side
    image = keras.Input(shape=input_shape)
    x = layers.Flatten()(image)
    for units in hidden_units:
        x = layers.Dense(units, activation="relu")(x)
    encoder = keras.Model(image, layers.Dense(code_size, name="code")(x), name="encoder")
    code = keras.Input(shape=(code_size,))
    y = code
    for units in reversed(hidden_units):
        y = layers.Dense(units, activation="relu")(y)
    y = layers.Reshape(input_shape)(layers.Dense(size, activation=output_activation)(y))
    decoder = keras.Model(code, y, name="decoder")
    autoencoder_input = keras.Input(shape=input_shape)
    return keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")


def conv_autoencoder(side=16) -> keras.Model:
    """Return a small convolutional autoencoder for ``(side, side, 1)`` images, ``side`` divisible by 4."""
    image = keras.Input(shape=(side, side, 1))
    x = layers.MaxPooling2D(2)(layers.Conv2D(4, 3, activation="relu", padding="same")(image))
    x = layers.MaxPooling2D(2)(layers.Conv2D(4, 3, activation="relu", padding="same")(x))
    y = layers.UpSampling2D(2)(layers.Conv2D(4, 3, activation="relu", padding="same")(x))
    y = layers.UpSampling2D(2)(layers.Conv2D(4, 3, activation="relu", padding="same")(y))
    return keras.Model(image, layers.Conv2D(1, 3, activation="sigmoid", padding="same")(y), name="autoencoder")


def encoder_classifier(encoder: keras.Model, trainable_encoder: bool = False) -> keras.Model:
    """Return exercise 4's classifier: ``encoder``, then Dense 64 (ReLU) -> Dense 10 (softmax)."""
    encoder.trainable = trainable_encoder
    image = keras.Input(shape=encoder.input_shape[1:])
    hidden = layers.Dense(64, activation="relu")(encoder(image))
    return keras.Model(image, layers.Dense(10, activation="softmax")(hidden), name="classifier")
