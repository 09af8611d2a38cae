import numpy as np
import pytest

import course_utils
from course_utils import models


def test_default_dense_autoencoder_is_the_lecture_model():
    model = models.dense_autoencoder()
    assert model.count_params() == 1_087_586
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert encoder.output_shape == (None, 2) and decoder.output_shape == (None, 784)
    assert [layer.units for layer in encoder.layers[1:]] == [500, 300, 2]
    assert [layer.units for layer in decoder.layers[1:]] == [300, 500, 784]
    assert encoder.get_layer("code").activation.__name__ == "linear"
    assert encoder.get_layer("encoder_dense_1").activation.__name__ == "relu"


def test_image_input_is_flattened_and_restored():
    model = models.dense_autoencoder(input_shape=(28, 28), hidden_units=(), code_size=16, activation=None)
    assert model.output_shape == (None, 28, 28)
    assert model.count_params() == 784 * 16 + 16 + 16 * 784 + 784
    dense_layers = [layer for name in ("encoder", "decoder") for layer in model.get_layer(name).layers if hasattr(layer, "units")]
    assert [layer.activation.__name__ for layer in dense_layers] == ["linear", "linear"]


def test_asymmetric_decoder():
    model = models.dense_autoencoder(hidden_units=(100,), code_size=32, decoder_hidden_units=(100, 300))
    assert [layer.units for layer in model.get_layer("decoder").layers[1:]] == [100, 300, 784]


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"code_size": 0}, "code_size"),
        ({"hidden_units": (500, -3)}, "hidden_units"),
        ({"hidden_units": 500}, "hidden_units"),
        ({"activation": "relu6x"}, "activation"),
        ({"input_shape": ()}, "input_shape"),
        ({"output_activation": "softmaxx"}, "output_activation"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.dense_autoencoder(**kwargs)


def test_a_few_steps_lower_the_loss():
    course_utils.seed_everything(0)
    images = np.random.default_rng(0).random((256, 784), dtype=np.float32) * 0.2
    images[:, :100] += 0.6  # shared structure the model can learn quickly
    model = models.dense_autoencoder(hidden_units=(64,), code_size=4)
    model.compile(optimizer="adam", loss="mse")
    before = model.evaluate(images, images, verbose=0)
    model.fit(images, images, epochs=5, batch_size=32, verbose=0)
    assert model.evaluate(images, images, verbose=0) < 0.5 * before
