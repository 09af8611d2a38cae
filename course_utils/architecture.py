"""What a model's layers compute, read from their configurations: how many multiply-adds each layer costs per image,
and which pixels of the input each value of an encoder's output can see (its receptive field). Two measurements
back them: how strongly an output value responds to each pixel, and the seconds a forward and backward pass takes.

Nested models (an autoencoder made of an ``encoder`` and a ``decoder`` model) are opened, so the layers come in the
order an image passes through them. Only models that are one chain of layers are supported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_images, check_int, is_int

# 2-D layers whose every output value looks at a window of the grid below it.
_WINDOWED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D", "AveragePooling2D")
_GLOBAL = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D")
# Layers that leave every value's field unchanged: they act on each value, or on the channels at one place.
_PER_PLACE = ("InputLayer", "Activation", "ReLU", "LeakyReLU", "BatchNormalization", "LayerNormalization",
              "Dropout", "SpatialDropout2D", "GaussianNoise", "Rescaling")


def _check_model(model: object) -> keras.Model:
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}.")
    if not model.built:
        raise ValueError("model must be built (give it a keras.Input) so that its layers have shapes.")
    return model


def leaf_layers(model: keras.Model) -> list[tuple[str | None, keras.layers.Layer]]:
    """Return ``(part, layer)`` for the layers of ``model`` in order: nested models are opened (their own Input layers
    left out) and ``part`` is the name of the outermost nested model a layer belongs to (None at the top level)."""
    rows = []
    for layer in _check_model(model).layers:
        if isinstance(layer, keras.Model):
            rows += [(layer.name, inner) for _, inner in leaf_layers(layer) if type(inner).__name__ != "InputLayer"]
        else:
            rows.append((None, layer))
    return rows


def _shape(tensor: object) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor.shape[1:])


# --------------------------------------------------------------------------- multiply-adds


@dataclass(frozen=True)
class LayerCost:
    """One layer's output shape and multiply-adds per image in the forward pass; ``part`` names the nested model
    (e.g. "encoder") it belongs to, or is None."""

    part: str | None
    layer: str
    kind: str
    output_shape: tuple[int, ...]
    multiply_adds: int


def _multiply_adds(layer: keras.layers.Layer) -> int:
    kind, config = type(layer).__name__, layer.get_config()
    in_shape, out_shape = _shape(layer.input), _shape(layer.output)
    if kind == "Dense":  # every input feature times every unit, at each place of any leading axes
        return math.prod(in_shape[:-1]) * in_shape[-1] * config["units"]
    if kind in ("Conv1D", "Conv2D", "Conv3D"):  # every output value: one kernel over all input channels (of its group)
        return math.prod(out_shape) * math.prod(config["kernel_size"]) * in_shape[-1] // config.get("groups", 1)
    if kind in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):  # every input value: spread over a kernel per filter
        return math.prod(in_shape) * math.prod(config["kernel_size"]) * config["filters"]
    if layer.count_params() == 0:  # pooling, upsampling, reshaping, activations: comparisons and copies only
        return 0
    raise ValueError(f"multiply_adds counts Dense, convolution and weightless layers; layer {layer.name!r} is a {kind}.")


def multiply_adds(model: keras.Model) -> list[LayerCost]:
    """Return, for each layer of ``model``, its multiply-adds per image (forward pass; biases not counted).

    A convolution costs (output values) x (kernel height x width) x (input channels); a transposed convolution
    (input values) x (kernel) x (filters); a Dense layer (inputs) x (units). Layers without weights count 0.
    """
    return [
        LayerCost(part, layer.name, type(layer).__name__, _shape(layer.output), _multiply_adds(layer))
        for part, layer in leaf_layers(model)
        if type(layer).__name__ != "InputLayer"
    ]


# --------------------------------------------------------------------------- receptive fields


@dataclass(frozen=True)
class ReceptiveField:
    """Which input pixels the values of one layer's output see, per axis (rows, columns).

    Output value ``i`` along an axis sees input pixels ``offset + i * step`` to ``offset + i * step + size - 1``
    (before clipping to the image); ``whole_image`` means every value sees every pixel (after Flatten + Dense).
    """

    layer: str
    kind: str
    output_shape: tuple[int, ...]
    size: tuple[int, int]
    step: tuple[int, int]
    offset: tuple[int, int]
    image_shape: tuple[int, int]
    whole_image: bool = False

    def window(self, row: int, col: int) -> tuple[int, int, int, int]:
        """Return ``(top, bottom, left, right)`` of the pixels output position (row, col) sees, clipped to the image,
        as slice bounds: ``image[top:bottom, left:right]``."""
        if self.whole_image:
            return 0, self.image_shape[0], 0, self.image_shape[1]
        bounds = []
        for axis, index in enumerate((row, col)):
            check_int(("row", "col")[axis], index, 0, self.output_shape[axis] - 1, why=f" (the output of {self.layer!r} "
                      f"is {self.output_shape[0]}x{self.output_shape[1]})")
            start = self.offset[axis] + index * self.step[axis]
            bounds += [max(start, 0), min(start + self.size[axis], self.image_shape[axis])]
        return bounds[0], bounds[1], bounds[2], bounds[3]


def _window_settings(layer: keras.layers.Layer) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], str]:
    """Return (kernel, strides, dilation, padding) of a 2-D convolution or pooling layer."""
    config = layer.get_config()
    kernel = config.get("kernel_size", config.get("pool_size"))
    strides = config.get("strides") or kernel  # pooling without strides moves by its window
    dilation = config.get("dilation_rate", (1, 1))
    pairs = [(v, v) if is_int(v) else tuple(v) for v in (kernel, strides, dilation)]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"receptive_fields follows 2-D layers; layer {layer.name!r} is not 2-D.")
    return pairs[0], pairs[1], pairs[2], config["padding"]


def receptive_fields(encoder: keras.Model) -> list[ReceptiveField]:
    """Return the receptive field of every layer of ``encoder`` (a model from images (h, w[, c]) to a grid or vector).

    Follows convolutions and pooling (kernel, stride, dilation and TensorFlow's 'same' padding, which puts the
    odd extra zero at the end); Flatten or global pooling make every later value see the whole image. Layers that
    enlarge the grid (UpSampling2D, Conv2DTranspose) belong to decoders and raise a ValueError.
    """
    image_shape = _shape(_check_model(encoder).inputs[0])
    if len(image_shape) not in (2, 3):
        raise ValueError(f"encoder must take images (height, width[, channels]), its input has shape {image_shape}.")
    image_hw = (image_shape[0], image_shape[1])
    size, step, offset, whole = [1, 1], [1, 1], [0, 0], False
    fields = []
    for _, layer in leaf_layers(encoder):
        kind = type(layer).__name__
        if kind in _GLOBAL:
            whole = True
        elif kind in _WINDOWED:
            if whole:
                raise ValueError(f"layer {layer.name!r} ({kind}) comes after the grid was flattened; not a chain this follows.")
            kernel, strides, dilation, padding = _window_settings(layer)
            in_hw = _shape(layer.input)[:2]
            for axis in range(2):
                reach = (kernel[axis] - 1) * dilation[axis] + 1  # pixels a (dilated) kernel spans
                pad_before = 0
                if padding == "same":
                    out = -(-in_hw[axis] // strides[axis])
                    pad_before = max((out - 1) * strides[axis] + reach - in_hw[axis], 0) // 2
                offset[axis] -= pad_before * step[axis]
                size[axis] += (reach - 1) * step[axis]
                step[axis] *= strides[axis]
        elif kind in ("Dense", *_PER_PLACE) or (kind == "Reshape" and whole):
            pass  # a Dense layer on a grid (not flattened) mixes only the channels at each place
        else:
            raise ValueError(f"receptive_fields follows convolutions, pooling, Flatten and Dense; layer {layer.name!r} "
                             f"is a {kind}, which an encoder of this kind does not use.")
        out_shape = _shape(layer.output)
        fields.append(ReceptiveField(layer.name, kind, out_shape, (size[0], size[1]), (step[0], step[1]),
                                     (offset[0], offset[1]), image_hw, whole))
    return fields


def input_sensitivity(model: keras.Model, images: np.ndarray, index: Sequence[int]) -> np.ndarray:
    """Return the mean absolute gradient of output value ``index`` (of one image's output, e.g. (1, 1, 0) for row 1,
    column 1, channel 0) with respect to each input pixel, averaged over ``images``: shape (height, width).

    Pixels outside the value's receptive field get exactly 0; inside, the size shows how much the value responds.
    """
    import tensorflow as tf

    images = check_images(images, ndims=(3, 4), floating=True).astype(np.float32)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    out_shape = _shape(_check_model(model).outputs[0])
    index = tuple(index) if isinstance(index, Sequence) else (index,)
    if len(index) != len(out_shape) or not all(is_int(i) and 0 <= i < n for i, n in zip(index, out_shape, strict=False)):
        raise ValueError(f"index must pick one value of the model's output of shape {out_shape}, got {index!r}.")
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = model(x, training=False)[(slice(None), *index)]
    gradients = tape.gradient(value, x)  # one image's value depends only on that image
    return np.mean(np.abs(gradients.numpy()), axis=(0, 3))


# --------------------------------------------------------------------------- measured cost


@dataclass(frozen=True)
class PassTime:
    """Seconds of one forward and backward pass: CPU time (all threads of this process) and wall-clock time."""

    cpu_seconds: float
    wall_seconds: float


def pass_seconds(model: keras.Model, inputs: np.ndarray, repeats: int = 10, input_gradient: bool = False) -> PassTime:
    """Return the mean seconds of one forward and backward pass of ``model`` on the batch ``inputs``: the gradients
    of the sum of its outputs with respect to its weights (and its inputs when ``input_gradient``, as a decoder inside
    an autoencoder must pass them on), over ``repeats`` passes after one untimed pass that builds the graph."""
    import tensorflow as tf

    _check_model(model)
    repeats = check_int("repeats", repeats, 1)
    x = tf.convert_to_tensor(np.asarray(inputs, dtype=np.float32))
    if tuple(x.shape[1:]) != tuple(model.input_shape[1:]) or x.shape[0] == 0:
        raise ValueError(f"inputs must be a non-empty batch of shape (n, {', '.join(map(str, model.input_shape[1:]))}), "
                         f"got {tuple(x.shape)}.")

    @tf.function
    def forward_and_backward(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(model(x, training=True))
        return tape.gradient(total, [*model.trainable_weights, *([x] if input_gradient else [])])

    forward_and_backward(x)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        forward_and_backward(x)
    return PassTime((time.process_time() - cpu) / repeats, (time.perf_counter() - wall) / repeats)
