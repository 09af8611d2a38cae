import numpy as np
import pytest

import course_utils
from course_utils import models


def _encoder():
    return models.dense_autoencoder(input_shape=(28, 28), hidden_units=(16,), code_size=4).get_layer("encoder")


def test_frozen_encoder_classifier_trains_only_the_head():
    course_utils.seed_everything(0)
    encoder = _encoder()
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
    classifier = models.encoder_classifier(_encoder(), hidden_units=(), trainable_encoder=True)
    assert len(classifier.trainable_weights) == 4 + 2  # encoder: two Dense layers; head: one
    assert classifier.get_layer("head").count_params() == 4 * 10 + 10


def test_convolutional_codes_are_flattened():
    import keras

    inputs = keras.Input((8, 8, 1))
    encoder = keras.Model(inputs, keras.layers.Conv2D(2, 3, padding="same")(inputs), name="encoder")
    assert models.encoder_classifier(encoder, n_classes=4).output_shape == (None, 4)


@pytest.mark.parametrize(
    "kwargs, argument",
    [({"n_classes": 1}, "n_classes"), ({"hidden_units": (0,)}, "hidden_units"), ({"activation": "nope"}, "activation"),
     ({"trainable_encoder": "yes"}, "trainable_encoder")],
)
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.encoder_classifier(_encoder(), **kwargs)
    with pytest.raises(ValueError, match="encoder must be a keras.Model"):
        models.encoder_classifier(lambda x: x)
