import keras
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


# --------------------------------------------------------------------------- convolutional autoencoder


def _layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers[1:]]


def test_default_conv_autoencoder_is_the_source_lecture_model():
    model = models.conv_autoencoder()
    assert model.count_params() == 3_805
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 28, 28, 1)
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert encoder.get_layer("bottleneck").output.shape[1:] == (4, 4, 4)
    assert encoder.output_shape == (None, 4, 4, 4) and decoder.input_shape == (None, 4, 4, 4)
    assert _layer_kinds(encoder) == ["Conv2D", "MaxPooling2D"] * 3
    assert [layer.filters for layer in encoder.layers if hasattr(layer, "filters")] == [16, 8, 4]
    assert _layer_kinds(decoder) == ["Conv2D", "UpSampling2D"] * 3 + ["Conv2D"]
    assert [layer.filters for layer in decoder.layers if hasattr(layer, "filters")] == [8, 8, 16, 1]
    assert [layer.padding for layer in decoder.layers if hasattr(layer, "padding") and hasattr(layer, "filters")] == [
        "same", "same", "valid", "same"
    ]
    assert decoder.get_layer("decoder_conv_3").output.shape[1:] == (14, 14, 16)  # the valid convolution trims 16 -> 14
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"


def test_every_conv_layer_has_a_fixed_name():
    names = [layer.name for part in ("encoder", "decoder") for layer in models.conv_autoencoder().get_layer(part).layers]
    assert names == [
        "image", "encoder_conv_1", "pool_1", "encoder_conv_2", "pool_2", "encoder_conv_3", "bottleneck",
        "code_input", "decoder_conv_1", "upsample_1", "decoder_conv_2", "upsample_2", "decoder_conv_3", "upsample_3",
        "reconstruction",
    ]  # fmt: skip


def test_transposed_variant_lands_on_the_encoder_sizes():
    model = models.conv_autoencoder(upsampling="transpose")
    decoder = model.get_layer("decoder")
    assert _layer_kinds(decoder) == ["Conv2DTranspose"] * 3 + ["Conv2D"]
    assert [decoder.get_layer(f"decoder_deconv_{i}").output.shape[1] for i in (1, 2, 3)] == [7, 14, 28]
    assert model.output_shape == (None, 28, 28, 1)
    # same kernels and filters as the seed, so the same number of weights
    assert model.count_params() == models.conv_autoencoder().count_params()


def test_dense_bottleneck_and_wider_filters():
    model = models.conv_autoencoder(filters=(32, 64), decoder_filters=(64, 32), code_size=64, upsampling="transpose")
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert encoder.output_shape == (None, 64) and encoder.get_layer("bottleneck").units == 64
    assert encoder.get_layer("pool_2").output.shape[1:] == (7, 7, 64)
    assert decoder.get_layer("decoder_dense").units == 7 * 7 * 64
    assert decoder.get_layer("unflatten").output.shape[1:] == (7, 7, 64)
    assert model.output_shape == (None, 28, 28, 1)


@pytest.mark.parametrize("upsampling", ["repeat", "transpose"])
@pytest.mark.parametrize("input_shape", [(32, 32, 3), (28, 28, 1), (16, 16, 2)])
def test_output_shape_matches_input_shape(input_shape, upsampling):
    model = models.conv_autoencoder(input_shape=input_shape, upsampling=upsampling)
    assert model.output_shape == (None, *input_shape)


def test_sizes_the_repeat_decoder_cannot_restore_are_refused():
    with pytest.raises(ValueError, match="upsampling='transpose'"):
        models.conv_autoencoder(input_shape=(30, 30, 1))
    assert models.conv_autoencoder(input_shape=(30, 30, 1), upsampling="transpose").output_shape == (None, 30, 30, 1)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"input_shape": (28, 28)}, "input_shape"),
        ({"filters": ()}, "filters"),
        ({"filters": (16, 0, 4)}, "filters"),
        ({"decoder_filters": (8, 16)}, "decoder_filters"),
        ({"kernel_size": 2}, "kernel_size"),
        ({"kernel_size": 3.0}, "kernel_size"),
        ({"upsampling": "bilinear"}, "upsampling"),
        ({"code_size": 0}, "code_size"),
        ({"activation": "relux"}, "activation"),
        ({"output_activation": "sigmoidx"}, "output_activation"),
        ({"code_activation": "tanhh"}, "code_activation"),
    ],
)
def test_conv_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.conv_autoencoder(**kwargs)


def test_conv_autoencoder_learns_in_a_few_steps():
    course_utils.seed_everything(0)
    images = np.zeros((128, 28, 28, 1), dtype=np.float32)
    images[:, 8:20, 8:20] = np.random.default_rng(0).uniform(0.5, 1.0, (128, 1, 1, 1))  # bright squares
    model = models.conv_autoencoder(filters=(8, 8, 4), decoder_filters=(8, 8, 8), upsampling="transpose")
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    before = model.evaluate(images, images, verbose=0)
    model.fit(images, images, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(images, images, verbose=0) < 0.75 * before


# ----- deep_conv_autoencoder (lecture 04)


def test_default_deep_conv_autoencoder_is_the_source_lecture_model():
    model = models.deep_conv_autoencoder()
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert model.input_shape == (None, 32, 32, 1) and model.output_shape == (None, 32, 32, 1)
    assert encoder.output_shape == (None, 256)
    assert encoder.get_layer("code").activation.__name__ == "sigmoid"
    assert [layer.filters for layer in encoder.layers if isinstance(layer, keras.layers.Conv2D)] == [16, 32, 64, 128]
    assert [layer.strides for layer in encoder.layers if isinstance(layer, keras.layers.Conv2D)] == [(2, 2)] + [(1, 1)] * 3
    deconvs = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [(layer.filters, layer.strides) for layer in deconvs] == [(128, (2, 2)), (64, (1, 1)), (32, (1, 1)), (1, (1, 1))]
    assert decoder.get_layer("code_as_image").output.shape == (None, 16, 16, 1)
    assert deconvs[-1].activation.__name__ == "sigmoid"
    # convs 160 + 4,640 + 18,496 + 73,856; code 32,768*256 + 256; deconvs 1,280 + 73,792 + 18,464 + 289
    assert encoder.count_params() == 8_486_016
    assert model.count_params() == 8_579_841


def test_deep_conv_pixel_standardisation_centres_the_training_images():
    images = np.random.default_rng(0).uniform(0.2, 0.9, size=(20, 32, 32)).astype("float32")
    model = models.deep_conv_autoencoder(normalization_images=images)
    encoder = model.get_layer("encoder")
    standardise = keras.Model(encoder.input, encoder.get_layer("pixel_standardisation").output)
    standardised = standardise.predict(images[..., None], verbose=0)
    assert np.allclose(standardised.mean(axis=0), 0.0, atol=1e-4)
    assert np.allclose(standardised.std(axis=0), 1.0, atol=1e-3)
    assert model.count_params() == models.deep_conv_autoencoder().count_params()  # mean and variance are not trained


def test_deep_conv_other_sizes_and_code_lengths():
    model = models.deep_conv_autoencoder(input_shape=(64, 64, 1), code_size=2048, encoder_filters=(8, 8), decoder_filters=(8,))
    assert model.output_shape == (None, 64, 64, 1)
    assert model.get_layer("decoder").get_layer("code_as_image").output.shape == (None, 32, 32, 2)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"input_shape": (32, 32)}, "input_shape"),
        ({"input_shape": (31, 32, 1)}, "input_shape"),
        ({"code_size": 100}, "code_size"),
        ({"encoder_filters": ()}, "encoder_filters"),
        ({"decoder_filters": (0,)}, "decoder_filters"),
        ({"kernel_size": 2}, "kernel_size"),
        ({"normalization_images": np.zeros((5, 28, 28))}, "normalization_images"),
    ],
)
def test_deep_conv_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.deep_conv_autoencoder(**kwargs)


# ----- encoder_classifier (exercise ex4)


def _dense_encoder():
    return models.dense_autoencoder(input_shape=(28, 28), hidden_units=(16,), code_size=4).get_layer("encoder")


def test_frozen_encoder_classifier_trains_only_the_head():
    course_utils.seed_everything(0)
    encoder = _dense_encoder()
    frozen_weights = [w.numpy().copy() for w in encoder.weights]
    classifier = models.encoder_classifier(encoder, n_classes=3, hidden_units=(8,))
    assert classifier.output_shape == (None, 3)
    assert classifier.get_layer("encoder") is encoder and classifier.get_layer("head").output_shape == (None, 3)
    assert len(classifier.trainable_weights) == 4  # head: two Dense layers
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((32, 28, 28), dtype=np.float32)
    y = np.arange(32) % 3
    classifier.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(frozen_weights, encoder.weights, strict=True))
    assert np.allclose(classifier.predict(x[:4], verbose=0).sum(axis=1), 1.0, atol=1e-5)


def test_trainable_encoder_classifier_learns_everything():
    classifier = models.encoder_classifier(_dense_encoder(), hidden_units=(), trainable_encoder=True)
    assert len(classifier.trainable_weights) == 4 + 2  # encoder: two Dense layers; head: one
    assert classifier.get_layer("head").count_params() == 4 * 10 + 10


def test_encoder_classifier_flattens_convolutional_codes():
    inputs = keras.Input((8, 8, 1))
    encoder = keras.Model(inputs, keras.layers.Conv2D(2, 3, padding="same")(inputs), name="encoder")
    assert models.encoder_classifier(encoder, n_classes=4).output_shape == (None, 4)


@pytest.mark.parametrize(
    "kwargs, argument",
    [({"n_classes": 1}, "n_classes"), ({"hidden_units": (0,)}, "hidden_units"), ({"activation": "nope"}, "activation"),
     ({"trainable_encoder": "yes"}, "trainable_encoder")],
)
def test_encoder_classifier_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.encoder_classifier(_dense_encoder(), **kwargs)
    with pytest.raises(ValueError, match="encoder must be a keras.Model"):
        models.encoder_classifier(lambda x: x)
