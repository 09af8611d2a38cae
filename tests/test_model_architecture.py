"""Multiply-adds and receptive fields are read from the layers' settings; the tests hold them against what the layers
compute: counted products of an explicit convolution, and the pixels a value's gradient actually reaches."""

import keras
import numpy as np
import pytest
import tiny_models
from keras import layers

import course_utils
from course_utils import architecture

RNG = np.random.default_rng(0)


def _chain(input_shape, *stack, name="chain"):
    image = keras.Input(shape=input_shape)
    x = image
    for layer in stack:
        x = layer(x)
    return keras.Model(image, x, name=name)


# --------------------------------------------------------------------------- multiply-adds


def _products_by_running_on_ones(model):
    """Return the products a model computes, found by running it: with every weight 1, every bias 0 and an input of
    ones, each output value is the number of products that made it (no padding zeros in 'valid' layers)."""
    for weight in model.weights:
        weight.assign(np.ones(weight.shape) if "kernel" in weight.path else np.zeros(weight.shape))
    return float(np.sum(model(np.ones((1, *model.input_shape[1:]), np.float32))))


@pytest.mark.parametrize(
    "shape, layer",
    [((7, 9, 3), layers.Conv2D(5, 3)), ((8, 8, 2), layers.Conv2D(4, 3, strides=2)), ((10, 6, 1), layers.Conv2D(2, 5)),
     ((3, 4, 2), layers.Conv2DTranspose(4, 3, strides=2)), ((5, 3), layers.Dense(4)), ((6,), layers.Dense(3))],
)
def test_multiply_adds_are_the_products_the_layer_computes(shape, layer):
    model = _chain(shape, layer)
    (cost,) = architecture.multiply_adds(model)
    assert cost.multiply_adds == _products_by_running_on_ones(model)
    assert cost.kind == type(layer).__name__ and cost.output_shape == model.output_shape[1:]


def test_same_padding_computes_the_products_with_the_zero_border_too():
    same = _chain((7, 9, 3), layers.Conv2D(5, 3, padding="same"))
    padded = _chain((7, 9, 3), layers.ZeroPadding2D(1), layers.Conv2D(5, 3))
    assert architecture.multiply_adds(same)[0].multiply_adds == sum(c.multiply_adds for c in architecture.multiply_adds(padded))


def test_dense_and_transposed_convolution_multiply_adds():
    model = _chain((3, 3, 2), layers.Conv2DTranspose(4, 3, strides=2, padding="same"), layers.Flatten(), layers.Dense(5))
    transposed, flatten, dense = architecture.multiply_adds(model)
    # each of the 3*3*2 input values is spread by a 3x3 kernel into each of the 4 filters
    assert transposed.multiply_adds == 3 * 3 * 2 * 3 * 3 * 4 and transposed.output_shape == (6, 6, 4)
    assert flatten.multiply_adds == 0 and flatten.output_shape == (144,)
    assert dense.multiply_adds == 144 * 5


def test_a_transposed_convolution_costs_what_its_gradient_convolution_costs():
    # the transposed convolution computes the input-gradient of a stride-2 convolution: the same products
    down = _chain((8, 8, 4), layers.Conv2D(3, 3, strides=2, padding="same"))
    up = _chain((4, 4, 3), layers.Conv2DTranspose(4, 3, strides=2, padding="same"))
    assert architecture.multiply_adds(down)[0].multiply_adds == architecture.multiply_adds(up)[0].multiply_adds


def test_multiply_adds_open_nested_models_in_order():
    course_utils.seed_everything(0)
    model = tiny_models.dense_autoencoder(input_shape=(4, 4), hidden_units=(6,), code_size=2)
    costs = architecture.multiply_adds(model)
    assert [c.kind for c in costs] == ["Flatten", "Dense", "Dense", "Dense", "Dense", "Reshape"]
    assert [c.part for c in costs] == ["encoder"] * 3 + ["decoder"] * 3
    assert [c.multiply_adds for c in costs] == [0, 16 * 6, 6 * 2, 2 * 6, 6 * 16, 0]


def test_weightless_layers_cost_nothing_and_unknown_weighted_layers_are_refused():
    pooled = _chain((8, 8, 2), layers.MaxPooling2D(2), layers.UpSampling2D(2))
    assert [c.multiply_adds for c in architecture.multiply_adds(pooled)] == [0, 0]
    with pytest.raises(ValueError, match="BatchNormalization"):
        architecture.multiply_adds(_chain((8, 8, 2), layers.BatchNormalization()))


@pytest.mark.parametrize("model, error, message", [("not a model", TypeError, "keras.Model"),
                                                   (keras.Sequential([layers.Dense(2)]), ValueError, "built")])
def test_multiply_adds_bad_model_is_explained(model, error, message):
    with pytest.raises(error, match=message):
        architecture.multiply_adds(model)


# --------------------------------------------------------------------------- receptive fields


def _reached_pixels(model, index, shape):
    """Return the pixels whose change moves output value ``index``: where its gradient is non-zero for some input."""
    images = RNG.random((16, *shape), dtype=np.float32) + 0.1
    return architecture.input_sensitivity(model, images, index) > 0


def _window_mask(field, row, col, shape):
    top, bottom, left, right = field.window(row, col)
    mask = np.zeros(shape[:2], bool)
    mask[top:bottom, left:right] = True
    return mask


@pytest.mark.parametrize(
    "shape, stack",
    [
        ((11, 11, 1), [layers.Conv2D(2, 3, padding="same")]),
        ((12, 10, 1), [layers.Conv2D(2, 3, padding="same"), layers.AveragePooling2D(2, padding="same"),
                       layers.Conv2D(2, 3, strides=2, padding="same")]),
        ((13, 13, 2), [layers.Conv2D(3, 5, padding="valid"), layers.Conv2D(2, 3, dilation_rate=2, padding="same"),
                       layers.AveragePooling2D(3, strides=2, padding="same")]),
    ],
)
def test_every_window_is_exactly_where_the_gradient_reaches(shape, stack):
    course_utils.seed_everything(0)
    model = _chain(shape, *stack)  # no ReLU and average pooling: every weight in reach moves the value
    field = architecture.receptive_fields(model)[-1]
    out_h, out_w = field.output_shape[:2]
    for row in {0, out_h // 2, out_h - 1}:
        for col in {0, out_w // 2, out_w - 1}:
            reached = _reached_pixels(model, (row, col, 0), shape)
            np.testing.assert_array_equal(reached, _window_mask(field, row, col, shape), err_msg=f"value ({row}, {col})")


def test_the_fields_grow_and_step_as_the_textbook_rule_says():
    model = _chain((28, 28, 1), layers.Conv2D(2, 3, padding="same"), layers.MaxPooling2D(2, padding="same"),
                   layers.Conv2D(2, 3, padding="same"), layers.MaxPooling2D(2, padding="same"))
    fields = architecture.receptive_fields(model)
    # size grows by (kernel - 1) x step of the layer below; the step multiplies by each stride
    assert [f.size for f in fields] == [(1, 1), (3, 3), (4, 4), (8, 8), (10, 10)]
    assert [f.step for f in fields] == [(1, 1), (1, 1), (2, 2), (2, 2), (4, 4)]
    assert fields[-1].window(0, 0) == (0, 7, 0, 7)  # the zero border is not part of the image


def test_after_flatten_every_value_sees_the_whole_image():
    model = _chain((9, 7, 1), layers.Conv2D(2, 3, strides=2, padding="same"), layers.Flatten(), layers.Dense(3))
    field = architecture.receptive_fields(model)[-1]
    assert field.whole_image and field.window(0, 0) == (0, 9, 0, 7)
    assert _reached_pixels(model, (1,), (9, 7, 1)).all()


def test_receptive_fields_of_a_nested_encoder_follow_its_layers():
    encoder = _chain((16, 16, 1), layers.Conv2D(4, 3, padding="same"), layers.MaxPooling2D(2), name="encoder")
    outer = keras.Input(shape=(16, 16, 1))
    wrapped = keras.Model(outer, encoder(outer))
    fields = architecture.receptive_fields(wrapped)
    assert [f.kind for f in fields] == ["InputLayer", "Conv2D", "MaxPooling2D"]  # the encoder's own Input left out
    assert [f.layer for f in fields[1:]] == [layer.name for layer in encoder.layers[1:]]
    assert fields[-1] == architecture.receptive_fields(encoder)[-1]


@pytest.mark.parametrize(
    "stack, message",
    [([layers.UpSampling2D(2)], "UpSampling2D"), ([layers.Conv2DTranspose(2, 3)], "Conv2DTranspose"),
     ([layers.Flatten(), layers.Reshape((4, 4, 1)), layers.Conv2D(1, 3)], "flattened")],
)
def test_receptive_fields_refuse_decoders(stack, message):
    with pytest.raises(ValueError, match=message):
        architecture.receptive_fields(_chain((4, 4, 1), *stack))


def test_window_and_sensitivity_bad_input_is_explained():
    model = _chain((8, 8, 1), layers.Conv2D(2, 3, padding="same"))
    field = architecture.receptive_fields(model)[-1]
    with pytest.raises(ValueError, match="row must be an integer from 0 to 7"):
        field.window(8, 0)
    with pytest.raises(ValueError, match="index must pick one value"):
        architecture.input_sensitivity(model, np.zeros((2, 8, 8), np.float32), (0, 0))
    with pytest.raises(ValueError, match="images"):
        architecture.input_sensitivity(model, np.zeros((8, 8), np.float32), (0, 0, 0))


# --------------------------------------------------------------------------- measured cost


def test_pass_seconds_grow_with_the_work():
    small = _chain((16,), layers.Dense(4))
    large = _chain((1024,), layers.Dense(1024), layers.Dense(1024))
    batch = RNG.random((256, 1024), dtype=np.float32)
    cheap, costly = architecture.pass_seconds(small, batch[:, :16], repeats=3), architecture.pass_seconds(large, batch, repeats=3)
    assert 0 < cheap.cpu_seconds and 0 < cheap.wall_seconds
    assert costly.cpu_seconds > 10 * cheap.cpu_seconds  # about 2 x 256 x 2M multiply-adds against 2 x 256 x 64


def test_pass_seconds_bad_input_is_explained():
    model = _chain((4,), layers.Dense(2))
    with pytest.raises(ValueError, match=r"inputs must be a non-empty batch of shape \(n, 4\)"):
        architecture.pass_seconds(model, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="repeats"):
        architecture.pass_seconds(model, np.zeros((3, 4)), repeats=0)
