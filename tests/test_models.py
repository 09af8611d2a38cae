import keras
import numpy as np
import pytest

from course_utils import models

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
