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


class _Sampling(layers.Layer):
    """z = mean + exp(log_var / 2) * eps, eps ~ N(0, I) (the reparameterisation trick)."""

    def call(self, inputs):
        mean, log_var = inputs
        return mean + keras.ops.exp(0.5 * log_var) * keras.random.normal(keras.ops.shape(mean), dtype=mean.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


class _KLLoss(layers.Layer):
    """Adds beta * the batch mean of variational.kl_to_standard_normal to the loss; passes [mean, log_var] through."""

    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def call(self, inputs):
        from course_utils.variational import kl_to_standard_normal

        mean, log_var = inputs
        self.add_loss(self.beta * keras.ops.mean(kl_to_standard_normal(mean, log_var)))
        return mean, log_var

    def compute_output_shape(self, input_shape):
        return input_shape


def vae(input_shape=(6, 6), hidden_units=16, latent_dim=3, beta=1.0, n_classes=None) -> keras.Model:
    """Return a one-hidden-layer VAE with sub-models ``encoder`` (-> mean, log_var) and ``decoder`` (-> logits); with
    ``n_classes`` a conditional VAE whose networks also take a one-hot label."""
    size = 1
    for side in input_shape:
        size *= side

    def with_label(tensor, label):
        return tensor if label is None else layers.Concatenate()([tensor, label])

    image = keras.Input(input_shape, name="image")
    label = keras.Input((n_classes,), name="label") if n_classes else None
    h = layers.Dense(hidden_units, activation="relu")(with_label(layers.Flatten()(image), label))
    heads = [layers.Dense(latent_dim, name="mean")(h), layers.Dense(latent_dim, name="log_var")(h)]
    encoder = keras.Model(image if label is None else [image, label], heads, name="encoder")
    code = keras.Input((latent_dim,), name="code")
    code_label = keras.Input((n_classes,), name="label") if n_classes else None
    h = layers.Dense(hidden_units, activation="relu")(with_label(code, code_label))
    logits = layers.Reshape(input_shape)(layers.Dense(size)(h))
    decoder = keras.Model(code if code_label is None else [code, code_label], logits, name="decoder")

    image = keras.Input(input_shape, name="image")
    label = keras.Input((n_classes,), name="label") if n_classes else None
    mean, log_var = _KLLoss(beta)(encoder(image if label is None else [image, label]))
    z = _Sampling()([mean, log_var])
    return keras.Model(image if label is None else [image, label], decoder(z if label is None else [z, label]), name="vae")
