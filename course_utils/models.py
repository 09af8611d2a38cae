"""Model builders. Each returns an uncompiled ``keras.Model`` whose ``encoder`` and ``decoder``
are separate named sub-models, so a notebook can encode, decode and train them apart.

Layer names are fixed, so summaries and weight-cache keys do not change from run to run.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import is_int

_ACTIVATIONS = (None, "linear", "relu", "sigmoid", "tanh", "elu", "selu", "gelu", "softplus", "leaky_relu", "swish")


def _check_activation(name: str, value: str | None) -> str | None:
    if value not in _ACTIVATIONS:
        raise ValueError(f"{name} must be one of {_ACTIVATIONS}, got {value!r}.")
    return value


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


# --------------------------------------------------------------------------- convolutional autoencoders

_UPSAMPLING_MODES = ("repeat", "transpose")
_DOWNSAMPLING_MODES = ("pool", "stride")


def _check_kernel_size(kernel_size: int) -> int:
    if not is_int(kernel_size) or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be a positive odd integer (e.g. 3), got {kernel_size!r}.")
    return int(kernel_size)


def _pooled_sides(side: int, stages: int) -> list[int]:
    """Return the side length before the first and after each 2x2 ``same`` max-pooling: 28 -> [28, 14, 7, 4]."""
    sides = [side]
    for _ in range(stages):
        sides.append(-(-sides[-1] // 2))
    return sides


def _valid_stage(sides: Sequence[int], kernel_size: int) -> int | None:
    """Return the decoder stage whose convolution uses ``valid`` padding so that upsampling ends at ``sides[0]``.

    Each decoder stage convolves and then doubles the side. With ``same`` padding everywhere the side ends
    at ``sides[-1] * 2**n``; when that overshoots, one ``valid`` convolution (which trims ``kernel_size - 1``
    pixels) is placed in the latest stage that lands exactly on the input side: the source lecture's 16 -> 14 before
    the last upsampling. Returns None when no trimming is needed.
    """
    stages, target = len(sides) - 1, sides[0]
    if sides[-1] * 2**stages == target:
        return None
    side = sides[-1]
    candidates = []
    for stage in range(stages):
        if (side - (kernel_size - 1)) * 2 ** (stages - stage) == target:
            candidates.append(stage)
        side *= 2
    if not candidates:
        raise ValueError(
            f"input_shape side {target} cannot be restored by {stages} convolution + upsampling stages with "
            f"kernel_size={kernel_size}; use upsampling='transpose', or a side such as {sides[-1] * 2**stages}."
        )
    return candidates[-1]


def conv_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (16, 8, 4),
    decoder_filters: Sequence[int] = (8, 8, 16),
    kernel_size: int = 3,
    activation: str | None = "relu",
    output_activation: str | None = "sigmoid",
    upsampling: str = "repeat",
    code_size: int | None = None,
    code_activation: str | None = None,
    downsampling: str = "pool",
) -> keras.Model:
    """Return a convolutional autoencoder with sub-models ``encoder`` and ``decoder``.

    The encoder repeats (Conv2D ``filters[i]`` -> 2x2 MaxPooling), or with ``downsampling="stride"`` one
    stride-2 Conv2D per stage (half the side at a quarter of the cost); the decoder repeats one doubling stage
    per entry of ``decoder_filters`` and ends with a Conv2D giving the input's channels. The defaults build
    the Fashion-MNIST model of lecture 03 (28x28x1 -> 4x4x4 code in the layer ``bottleneck`` -> 28x28x1,
    3,805 parameters). ``upsampling="repeat"`` doubles with Conv2D + UpSampling2D (one ``valid`` convolution
    trims 16 -> 14), ``"transpose"`` with a stride-2 Conv2DTranspose that lands on the encoder's sizes.
    ``code_size=n`` adds a Dense ``bottleneck`` of ``n`` values after the last pooling (and a Dense layer back).
    """
    input_shape = _check_shape("input_shape", input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}.")
    filters = _check_units("filters", filters)
    decoder_filters = _check_units("decoder_filters", decoder_filters)
    if not filters or len(decoder_filters) != len(filters):
        raise ValueError(
            f"filters must be non-empty and decoder_filters must have one entry per encoder stage ({len(filters)}), "
            f"got filters={filters!r} and decoder_filters={decoder_filters!r}."
        )
    kernel_size = _check_kernel_size(kernel_size)
    activation = _check_activation("activation", activation)
    output_activation = _check_activation("output_activation", output_activation)
    code_activation = _check_activation("code_activation", code_activation)
    if upsampling not in _UPSAMPLING_MODES:
        raise ValueError(f"upsampling must be one of {_UPSAMPLING_MODES}, got {upsampling!r}.")
    if downsampling not in _DOWNSAMPLING_MODES:
        raise ValueError(f"downsampling must be one of {_DOWNSAMPLING_MODES}, got {downsampling!r}.")
    if code_size is not None:
        (code_size,) = _check_units("code_size", (code_size,))

    height, width, channels = input_shape
    heights, widths = _pooled_sides(height, len(filters)), _pooled_sides(width, len(filters))
    pooled_shape = (heights[-1], widths[-1], filters[-1])

    encoder, code_shape = _conv_encoder(input_shape, filters, kernel_size, activation, code_size, code_activation, downsampling)
    decoder = _conv_decoder(
        code_shape, pooled_shape, decoder_filters, kernel_size, activation, upsampling, heights, widths, channels, output_activation
    )
    return _stack(encoder, decoder, input_shape)


def _conv_encoder(
    input_shape: tuple[int, ...],
    filters: tuple[int, ...],
    kernel_size: int,
    activation: str | None,
    code_size: int | None,
    code_activation: str | None,
    downsampling: str,
) -> tuple[keras.Model, tuple[int, ...]]:
    """Return the encoder (Conv2D -> MaxPooling or stride-2 Conv2D stages, optionally Flatten -> Dense code)
    and its code shape."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, n_filters in enumerate(filters, start=1):
        last = i == len(filters) and code_size is None
        if downsampling == "stride":
            name = "bottleneck" if last else f"encoder_conv_{i}"
            x = keras.layers.Conv2D(n_filters, kernel_size, strides=2, activation=activation, padding="same", name=name)(x)
            continue
        x = keras.layers.Conv2D(n_filters, kernel_size, activation=activation, padding="same", name=f"encoder_conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, padding="same", name="bottleneck" if last else f"pool_{i}")(x)
    if code_size is not None:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(code_size, activation=code_activation, name="bottleneck")(x)
    return keras.Model(inputs, x, name="encoder"), tuple(x.shape[1:])


def _conv_decoder(
    code_shape: tuple[int, ...],
    pooled_shape: tuple[int, int, int],
    decoder_filters: tuple[int, ...],
    kernel_size: int,
    activation: str | None,
    upsampling: str,
    heights: list[int],
    widths: list[int],
    channels: int,
    output_activation: str | None,
) -> keras.Model:
    """Return the decoder: (Dense -> Reshape when the code is flat) -> doubling stages -> output Conv2D."""
    code_input = keras.Input(shape=code_shape, name="code_input")
    y = code_input
    if len(code_shape) == 1:
        y = keras.layers.Dense(int(np.prod(pooled_shape)), activation=activation, name="decoder_dense")(y)
        y = keras.layers.Reshape(pooled_shape, name="unflatten")(y)
    if upsampling == "repeat":
        valid_h, valid_w = _valid_stage(heights, kernel_size), _valid_stage(widths, kernel_size)
        if valid_h != valid_w:
            raise ValueError(f"input_shape {heights[0]}x{widths[0]} needs trimming at different stages; use upsampling='transpose'.")
        for i, n_filters in enumerate(decoder_filters):
            padding = "valid" if i == valid_h else "same"
            y = keras.layers.Conv2D(n_filters, kernel_size, activation=activation, padding=padding, name=f"decoder_conv_{i + 1}")(y)
            y = keras.layers.UpSampling2D(2, name=f"upsample_{i + 1}")(y)
    else:
        stages = len(decoder_filters)
        for i, n_filters in enumerate(decoder_filters):
            # 'same' stride-2 transposed convolution gives 2s - 1 + output_padding pixels (odd kernels)
            target_h, target_w = heights[stages - 1 - i], widths[stages - 1 - i]
            output_padding = (target_h - 2 * heights[stages - i] + 1, target_w - 2 * widths[stages - i] + 1)
            y = keras.layers.Conv2DTranspose(
                n_filters,
                kernel_size,
                strides=2,
                padding="same",
                output_padding=output_padding,
                activation=activation,
                name=f"decoder_deconv_{i + 1}",
            )(y)
    y = keras.layers.Conv2D(channels, kernel_size, activation=output_activation, padding="same", name="reconstruction")(y)
    return keras.Model(code_input, y, name="decoder")


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


# --------------------------------------------------------------------------- the deep convolutional autoencoder (lecture 04)


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


# --------------------------------------------------------------------------- a digit classifier for the exercise checks


def digit_classifier(seed: int = 0) -> keras.Model:
    """Return a small (uncompiled) convolutional MNIST classifier: 28x28 images in, 10 softmax probabilities out.

    Two 3x3 convolutions (16 and 32 filters, each followed by 2x2 max pooling) and a softmax layer, 12,810
    weights. Its initial weights come from ``seed`` alone, so building it leaves the global random state alone.
    """
    from course_utils._validate import check_int

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
