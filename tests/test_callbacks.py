import numpy as np
import pytest
import tiny_models

import course_utils
from course_utils import callbacks

X = np.random.default_rng(0).random((64, 12), dtype=np.float32)


def _model():
    course_utils.seed_everything(0)
    model = tiny_models.dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=3)
    model.compile(optimizer="adam", loss="mse")
    return model


def test_snapshots_at_chosen_epochs_and_the_last_one():
    model = _model()
    snapshots = callbacks.ReconstructionSnapshots(X[:4], at_epochs=(0, 2, 10))
    model.fit(X, X, epochs=3, batch_size=16, verbose=0, callbacks=[snapshots])
    assert list(snapshots.snapshots) == [0, 2, 3]  # epoch 10 never came; the last epoch (3) is added
    np.testing.assert_allclose(snapshots.snapshots[3], model.predict(X[:4], verbose=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(snapshots.snapshots[0], snapshots.snapshots[3])


def test_cache_state_round_trip():
    model = _model()
    recorder = callbacks.ReconstructionSnapshots(X[:2], at_epochs=(1,))
    model.fit(X, X, epochs=1, verbose=0, callbacks=[recorder])
    restored = callbacks.ReconstructionSnapshots(X[:2], at_epochs=(1,))
    restored.set_cache_state(recorder.get_cache_state())
    assert list(restored.snapshots) == [1]
    np.testing.assert_array_equal(restored.snapshots[1], recorder.snapshots[1])
    with pytest.raises(ValueError, match="not a snapshot"):
        restored.set_cache_state({"epoch_1": np.zeros((5, 12))})


def test_fingerprint_follows_images_and_epochs():
    a = callbacks.ReconstructionSnapshots(X[:2], at_epochs=(1, 5))
    assert a.fingerprint == callbacks.ReconstructionSnapshots(X[:2].copy(), at_epochs=(5, 1)).fingerprint
    assert a.fingerprint != callbacks.ReconstructionSnapshots(X[2:4], at_epochs=(1, 5)).fingerprint
    assert a.fingerprint != callbacks.ReconstructionSnapshots(X[:2], at_epochs=(1, 6)).fingerprint


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(images=np.zeros(5)), "images"),
        (dict(images=np.zeros((101, 4))), "images"),
        (dict(images=X[:2], at_epochs=()), "at_epochs"),
        (dict(images=X[:2], at_epochs=(-1,)), "at_epochs"),
        (dict(images=X[:2], at_epochs=(1.5,)), "at_epochs"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        callbacks.ReconstructionSnapshots(**kwargs)


def test_code_mean_of_a_known_encoder():
    import keras

    constant = keras.Sequential([keras.Input((12,)), keras.layers.Dense(4, activation="sigmoid", kernel_initializer="zeros",
                                                                         bias_initializer=keras.initializers.Constant(0.0))])
    assert callbacks.code_mean(constant, X) == pytest.approx(0.5)  # sigmoid(0) everywhere


def test_code_mean_and_wall_clock_go_into_the_history():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    encoder = model.get_layer("encoder")
    history = model.fit(X, X, epochs=3, batch_size=16, verbose=0, callbacks=[callbacks.CodeMean(X), callbacks.WallClock()]).history
    assert len(history["code_mean"]) == 3 and len(history["wall_seconds"]) == 3
    assert history["code_mean"][-1] == pytest.approx(float(np.mean(encoder.predict(X, verbose=0))), rel=1e-5)
    assert 0 < history["wall_seconds"][0] < history["wall_seconds"][1] < history["wall_seconds"][2]


def test_code_mean_bad_arguments():
    with pytest.raises(ValueError, match="images"):
        callbacks.CodeMean(np.zeros((0, 12)))
    with pytest.raises(ValueError, match="encoder_name"):
        callbacks.CodeMean(X, encoder_name="")
    with pytest.raises(ValueError, match="encoder"):
        callbacks.code_mean("not a model", X)
    model = _model()
    with pytest.raises(ValueError, match="no sub-model 'coder'"):
        model.fit(X, X, epochs=1, verbose=0, callbacks=[callbacks.CodeMean(X, encoder_name="coder")])
