import json
import os

import keras
import numpy as np
import pytest
import tiny_models

import course_utils
from course_utils import training

X = np.random.default_rng(0).random((64, 12), dtype=np.float32)


def _model(seed: int = 0, code_size: int = 3):
    course_utils.seed_everything(seed)
    model = tiny_models.dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=code_size)
    model.compile(optimizer="adam", loss="mse")
    return model


def _entries(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_miss_trains_and_hit_loads_the_same_weights(cache_dir):
    trained = _model()
    first = training.fit_or_load(trained, "tiny", X, X, epochs=2, batch_size=16)
    assert not first.from_cache and len(first.history["loss"]) == 2
    assert len(_entries(cache_dir)) == 2  # weights + record, nothing else left behind

    loaded = _model()
    second = training.fit_or_load(loaded, "tiny", X, X, epochs=2, batch_size=16)
    assert second.from_cache and second.history == first.history
    assert "Loaded cached weights" in second.describe() and "Trained 2 epochs" in first.describe()
    np.testing.assert_allclose(loaded.predict(X, verbose=0), trained.predict(X, verbose=0), rtol=1e-6)
    assert not np.allclose(_model().predict(X, verbose=0), trained.predict(X, verbose=0))


def test_cpu_seconds_are_recorded_with_the_weights_and_returned_on_a_hit(cache_dir):
    first = training.fit_or_load(_model(), "tiny", X, X, epochs=2, batch_size=4)
    assert first.cpu_seconds is not None and 0 < first.cpu_seconds
    second = training.fit_or_load(_model(), "tiny", X, X, epochs=2, batch_size=4)
    assert second.from_cache and second.cpu_seconds == pytest.approx(first.cpu_seconds)
    assert second.train_seconds == pytest.approx(first.train_seconds)


def test_an_entry_cached_before_cpu_seconds_were_recorded_still_loads(cache_dir):
    first = training.fit_or_load(_model(), "tiny", X, X, epochs=1, batch_size=16)
    record_path = first.path.with_name(first.path.name.removesuffix(".weights.h5") + ".json")
    record = json.loads(record_path.read_text())
    del record["train_cpu_seconds"]
    record_path.write_text(json.dumps(record))
    again = training.fit_or_load(_model(), "tiny", X, X, epochs=1, batch_size=16)
    assert again.from_cache and again.cpu_seconds is None


@pytest.mark.parametrize(
    "change",
    [
        lambda: dict(model=_model(code_size=4)),  # architecture
        lambda: dict(model=_model(seed=1)),  # initial weights
        lambda: dict(x=X * 0.5, y=X * 0.5),  # data
        lambda: dict(epochs=3),  # training settings
        lambda: dict(batch_size=32),
    ],
    ids=["architecture", "initial-weights", "data", "epochs", "batch-size"],
)
def test_key_changes_with_what_shapes_the_weights(cache_dir, change):
    base = dict(model=_model(), x=X, y=X, epochs=2, batch_size=16)
    changed = {**base, **change()}
    if "model" not in change():
        changed["model"] = _model()
    key_base = training.cache_key(base.pop("model"), base.pop("x"), base.pop("y"), **base)
    key_changed = training.cache_key(changed.pop("model"), changed.pop("x"), changed.pop("y"), **changed)
    assert key_base != key_changed


def test_key_ignores_verbosity_and_auto_numbered_names():
    assert training.cache_key(_model(), X, X, epochs=2, verbose=0) == training.cache_key(_model(), X, X, epochs=2, verbose=2)


def test_key_changes_with_optimizer_settings():
    import keras

    other = _model()
    other.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    assert training.cache_key(_model(), X, X, epochs=2) != training.cache_key(other, X, X, epochs=2)


def test_quick_and_full_mode_never_share_entries(cache_dir, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    quick_key = training.cache_key(_model(), X, X, epochs=1)
    monkeypatch.setenv("COURSE_QUICK", "0")
    assert training.cache_key(_model(), X, X, epochs=1) != quick_key


def test_corrupt_entry_is_discarded_with_a_warning(cache_dir):
    training.fit_or_load(_model(), "tiny", X, X, epochs=1)
    weights = next(cache_dir.glob("*.weights.h5"))
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.warns(UserWarning, match="unreadable"):
        result = training.fit_or_load(_model(), "tiny", X, X, epochs=1)
    assert not result.from_cache
    assert training.fit_or_load(_model(), "tiny", X, X, epochs=1).from_cache  # the retrained entry is good


def test_entry_missing_its_record_is_retrained(cache_dir):
    training.fit_or_load(_model(), "tiny", X, X, epochs=1)
    next(cache_dir.glob("*.json")).unlink()
    with pytest.warns(UserWarning, match="Incomplete"):
        assert not training.fit_or_load(_model(), "tiny", X, X, epochs=1).from_cache


def test_interrupted_write_leaves_no_entry(cache_dir, monkeypatch):
    model = _model()

    def crash_while_writing(path, *args, **kwargs):
        with open(path, "wb") as half:
            half.write(b"half a weights file")
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "save_weights", crash_while_writing)
    with pytest.raises(KeyboardInterrupt):
        training.fit_or_load(model, "tiny", X, X, epochs=1)
    assert _entries(cache_dir) == []  # neither the temp file nor a final name survives
    assert not training.fit_or_load(_model(), "tiny", X, X, epochs=1).from_cache


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "c"))
    assert training.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("COURSE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert training.cache_dir() == tmp_path / "xdg" / "course_utils"


@pytest.mark.parametrize("name", ["", "../escape", "a b", "x" * 81, 3])
def test_bad_names_are_rejected(cache_dir, name):
    with pytest.raises(ValueError, match="name"):
        training.fit_or_load(_model(), name, X, X, epochs=1)


def test_uncompiled_model_is_rejected(cache_dir):
    model = tiny_models.dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=3)
    with pytest.raises(ValueError, match="compiled"):
        training.fit_or_load(model, "tiny", X, X, epochs=1)
    assert not os.path.exists(cache_dir)


def test_callback_state_is_stored_and_restored_on_a_hit(cache_dir):
    from course_utils.callbacks import ReconstructionSnapshots

    trained_with = ReconstructionSnapshots(X[:3], at_epochs=(0, 1, 2))
    first = training.fit_or_load(_model(), "tiny", X, X, epochs=2, callbacks=[trained_with])
    assert not first.from_cache and list(trained_with.snapshots) == [0, 1, 2]
    assert len(_entries(cache_dir)) == 3  # weights, record and the callback state

    restored = ReconstructionSnapshots(X[:3], at_epochs=(0, 1, 2))
    second = training.fit_or_load(_model(), "tiny", X, X, epochs=2, callbacks=[restored])
    assert second.from_cache
    for epoch in (0, 1, 2):
        np.testing.assert_array_equal(restored.snapshots[epoch], trained_with.snapshots[epoch])


def test_callback_with_other_images_is_a_miss(cache_dir):
    from course_utils.callbacks import ReconstructionSnapshots

    training.fit_or_load(_model(), "tiny", X, X, epochs=1, callbacks=[ReconstructionSnapshots(X[:3], at_epochs=(1,))])
    other = ReconstructionSnapshots(X[3:6], at_epochs=(1,))
    assert not training.fit_or_load(_model(), "tiny", X, X, epochs=1, callbacks=[other]).from_cache
    assert list(other.snapshots) == [1]


def test_missing_callback_state_means_retraining(cache_dir):
    from course_utils.callbacks import ReconstructionSnapshots

    training.fit_or_load(_model(), "tiny", X, X, epochs=1, callbacks=[ReconstructionSnapshots(X[:3], at_epochs=(1,))])
    next(cache_dir.glob("*.callbacks.npz")).unlink()
    again = ReconstructionSnapshots(X[:3], at_epochs=(1,))
    with pytest.warns(UserWarning, match="unreadable"):
        result = training.fit_or_load(_model(), "tiny", X, X, epochs=1, callbacks=[again])
    assert not result.from_cache and list(again.snapshots) == [1]
    assert len(_entries(cache_dir)) == 3


def test_cosine_decay_adam_reaches_zero_after_the_last_batch():
    optimizer = training.cosine_decay_adam(3e-3, epochs=2, n_samples=101, batch_size=50)  # 3 batches per epoch
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(3e-3)
    assert float(schedule(3)) == pytest.approx(1.5e-3, rel=1e-5)  # halfway: cos(pi/2)
    assert float(schedule(6)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "kwargs, argument",
    [({"epochs": 0}, "epochs"), ({"batch_size": 2.5}, "batch_size"), ({"n_samples": -1}, "n_samples"), ({"peak_learning_rate": 0}, "peak")],
)
def test_cosine_decay_adam_validates(kwargs, argument):
    arguments = {"peak_learning_rate": 1e-3, "epochs": 2, "n_samples": 10, "batch_size": 5, **kwargs}
    with pytest.raises(ValueError, match=argument):
        training.cosine_decay_adam(**arguments)


def test_cosine_decay_adam_can_end_above_zero():
    optimizer = training.cosine_decay_adam(1e-3, epochs=2, n_samples=100, batch_size=50, final_fraction=0.01)
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert float(schedule(4)) == pytest.approx(1e-5, rel=1e-4)
    with pytest.raises(ValueError, match="final_fraction"):
        training.cosine_decay_adam(1e-3, epochs=2, n_samples=100, batch_size=50, final_fraction=1.5)


def test_cosine_decay_adam_can_warm_up_linearly_first():
    optimizer = training.cosine_decay_adam(2e-3, epochs=3, n_samples=100, batch_size=50, warmup_epochs=1)  # 2 batches per epoch
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert float(schedule(0)) == pytest.approx(0.0, abs=1e-12)
    assert float(schedule(1)) == pytest.approx(1e-3, rel=1e-5)  # halfway up
    assert float(schedule(2)) == pytest.approx(2e-3, rel=1e-5)  # the peak after the warm-up epoch
    assert float(schedule(4)) == pytest.approx(1e-3, rel=1e-5)  # halfway down the cosine over the other 2 epochs
    assert float(schedule(6)) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="warmup_epochs must be an integer from 0 to 2"):
        training.cosine_decay_adam(2e-3, epochs=3, n_samples=100, batch_size=50, warmup_epochs=3)


def _trained_weights(optimizer, steps=6):
    course_utils.seed_everything(0)
    model = tiny_models.dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=3)
    model.compile(optimizer=optimizer, loss="mse")
    x = np.random.default_rng(1).random((4 * steps, 12)).astype("float32")
    model.fit(x, x, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model.get_weights()


def test_fused_adam_makes_the_same_updates_as_adam():
    plain = _trained_weights(training.cosine_decay_adam(1e-2, epochs=1, n_samples=24, batch_size=4))
    fused = _trained_weights(training.cosine_decay_adam(1e-2, epochs=1, n_samples=24, batch_size=4, fused=True))
    untrained = _trained_weights(keras.optimizers.SGD(0.0))
    for before, a, b in zip(untrained, plain, fused, strict=True):
        assert not np.allclose(a, before)  # the six steps moved every weight
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_cosine_decay_adam_fused_flag():
    assert type(training.cosine_decay_adam(1e-3, epochs=2, n_samples=10, batch_size=5)) is keras.optimizers.Adam
    fused = training.cosine_decay_adam(1e-3, epochs=2, n_samples=10, batch_size=5, fused=True)
    assert isinstance(fused, training.FusedAdam)
    assert type(keras.optimizers.deserialize(keras.optimizers.serialize(fused))) is training.FusedAdam
    with pytest.raises(TypeError, match="fused must be True or False, got 'yes'"):
        training.cosine_decay_adam(1e-3, epochs=2, n_samples=10, batch_size=5, fused="yes")


def test_seconds_per_step_times_training_steps():
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    x = np.random.default_rng(0).random((8, 12)).astype("float32")
    seconds = training.seconds_per_step(model, x, batch_size=4, steps=3)
    assert 0 < seconds < 5
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))  # it trained
    with pytest.raises(ValueError, match="compiled"):
        training.seconds_per_step(tiny_models.dense_autoencoder(input_shape=(12,), hidden_units=(8,), code_size=3), x)
    with pytest.raises(ValueError, match="steps"):
        training.seconds_per_step(model, x, steps=0)


def test_first_epoch_reaching():
    history = {"loss": [3.0, 1.0, 0.5, 0.6, 0.4]}
    assert training.first_epoch_reaching(history, "loss", 0.5) == 3
    assert training.first_epoch_reaching(history, "loss", 0.1) is None
    with pytest.raises(ValueError, match="metric"):
        training.first_epoch_reaching(history, "val_loss", 0.5)


def test_progress_display_leaves_the_cache_key_alone(cache_dir, monkeypatch):
    """Entries cached before the progress display existed must still hit: the entry is the same with it on and off,
    and its name comes from cache_key() of exactly the caller's arguments."""
    from course_utils import progress

    class Line:
        shown = 0

        def show(self, text):
            Line.shown += 1

        def close(self):
            pass

    monkeypatch.setattr(progress, "default_line", Line)
    from course_utils.callbacks import WallClock

    callback = WallClock()
    settings = dict(epochs=2, batch_size=16, shuffle=False, callbacks=[callback])
    with_progress = training.fit_or_load(_model(), "tiny", X, X, **settings)
    assert Line.shown > 0 and not with_progress.from_cache
    assert with_progress.path.name == f"tiny-{training.cache_key(_model(), X, X, **settings)[:20]}.weights.h5"
    assert settings["callbacks"] == [callback]  # the caller's list is not changed
    without_progress = training.fit_or_load(_model(), "tiny", X, X, progress=False, **settings)
    assert without_progress.from_cache and without_progress.path == with_progress.path
