"""Train once, reuse everywhere: a weight cache for ``model.fit``, and models saved for later lectures.

:func:`fit_or_load` trains a compiled model and stores its weights and history under a cache folder,
or loads them when an entry for the same architecture, initial weights, compile settings, data and
fit settings exists. The folder is ``COURSE_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/course_utils``
or ``~/.cache/course_utils``. Quick mode and full mode never share entries.

Callbacks do not run on a cache hit. A callback that records something worth keeping (e.g.
:class:`course_utils.callbacks.ReconstructionSnapshots`) can offer ``get_cache_state()`` (a dict of
name -> array) and ``set_cache_state(state)``: its state is then stored next to the weights and
restored on a hit.

:func:`save_model` and :func:`load_model` keep whole trained models under a name (``lecture01_autoencoder``) in
the same folder, so a lecture that continues an earlier one loads its model in one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int, is_number
from course_utils.config import is_quick
from course_utils.progress import TrainingProgress

CACHE_DIR_ENV_VAR = "COURSE_CACHE_DIR"
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# fit() arguments that change how results are shown, never what is learned.
_KEY_IGNORED_FIT_ARGS = {"verbose"}


@dataclass
class FitResult:
    """What :func:`fit_or_load` did: the per-epoch history, whether it came from the cache, and where.

    ``train_seconds`` is the wall-clock time of training, ``cpu_seconds`` the CPU time of this process while it
    trained (all its threads; None for entries cached before it was recorded). Both are from the run that trained.
    """

    history: dict[str, list[float]]
    from_cache: bool
    path: Path
    train_seconds: float
    cpu_seconds: float | None = None

    def describe(self) -> str:
        """Return one line saying whether the model was trained now or loaded, and how long training took."""
        epochs = len(next(iter(self.history.values()), []))
        if self.from_cache:
            return f"Loaded cached weights ({epochs} epochs, trained earlier in {self.train_seconds:.0f} s)."
        return f"Trained {epochs} epochs in {self.train_seconds:.0f} s; weights cached for the next run."


def cache_dir() -> Path:
    """Return the folder where :func:`fit_or_load` keeps its entries (created on first write)."""
    configured = os.environ.get(CACHE_DIR_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base).expanduser() / "course_utils"


@keras.saving.register_keras_serializable(package="course_utils")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose update of each weight runs as one TensorFlow kernel (``ResourceApplyAdam``).

    The arithmetic is Adam's, term for term; only rounding differs. Keras 3 updates a weight with about ten separate
    element-wise operations, each a pass over the weight and its two moments in memory. For a layer of millions of
    weights trained in small batches those passes cost as much as the forward and backward pass on a CPU; one fused
    pass costs a fraction. On another backend, or with ``amsgrad``, it is plain Adam.
    """

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        if self.amsgrad or keras.backend.backend() != "tensorflow":
            return super().update_step(gradient, variable, learning_rate)
        import tensorflow as tf

        dtype = variable.dtype
        index = self._get_variable_index(variable)
        first_moment, second_moment = self._momentums[index], self._velocities[index]
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        handle = variable.value.handle if isinstance(variable, keras.Variable) else variable.handle
        tf.raw_ops.ResourceApplyAdam(
            var=handle, m=first_moment.value.handle, v=second_moment.value.handle,
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step), lr=tf.cast(learning_rate, dtype),
            beta1=beta_1, beta2=beta_2, epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
        )
        return None


def cosine_decay_adam(
    peak_learning_rate: float,
    epochs: int,
    n_samples: int,
    batch_size: int,
    final_fraction: float = 0.0,
    warmup_epochs: int = 0,
    fused: bool = False,
) -> keras.optimizers.Adam:
    """Return Adam whose learning rate falls from ``peak_learning_rate`` along a cosine over ``epochs`` to
    ``final_fraction * peak_learning_rate`` (0 by default). With ``warmup_epochs`` the rate first rises linearly from
    0 to the peak over that many epochs and then falls along the cosine over the remaining ones. With ``fused=True``
    it is a :class:`FusedAdam`: the same updates, faster for models with a very large layer."""
    epochs = check_int("epochs", epochs, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    warmup_epochs = check_int("warmup_epochs", warmup_epochs, 0, epochs - 1, why=f" (fewer than the {epochs} epochs)")
    if not is_number(peak_learning_rate) or not 0 < peak_learning_rate < 1:
        raise ValueError(f"peak_learning_rate must be a number between 0 and 1, got {peak_learning_rate!r}.")
    if not is_number(final_fraction) or not 0 <= final_fraction <= 1:
        raise ValueError(f"final_fraction must be a number from 0 to 1, got {final_fraction!r}.")
    if not isinstance(fused, bool):
        raise TypeError(f"fused must be True or False, got {fused!r}.")
    batches = -(-n_samples // batch_size)  # batches per epoch, rounded up
    steps, warmup_steps = epochs * batches, warmup_epochs * batches
    if not warmup_steps:
        schedule = keras.optimizers.schedules.CosineDecay(float(peak_learning_rate), decay_steps=steps, alpha=float(final_fraction))
    else:
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0, decay_steps=steps - warmup_steps, alpha=float(final_fraction),
            warmup_target=float(peak_learning_rate), warmup_steps=warmup_steps,
        )
    return (FusedAdam if fused else keras.optimizers.Adam)(schedule)


def seconds_per_step(model: keras.Model, x: Any, y: Any = None, batch_size: int = 32, steps: int = 10) -> float:
    """Return the median wall-clock seconds of one training step of a compiled ``model`` on the first ``batch_size``
    samples of ``x`` (and ``y``, else ``x`` is the target), after one untimed step. It trains: the weights change."""
    if not isinstance(model, keras.Model) or not model.compiled:
        raise ValueError("model must be a compiled keras.Model (model.compile(...)) so it has a loss and an optimizer.")
    batch_size = check_int("batch_size", batch_size, 1)
    steps = check_int("steps", steps, 1)
    inputs = x[:batch_size]
    targets = inputs if y is None else y[:batch_size]
    model.train_on_batch(inputs, targets)  # the first step also builds the training function
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(inputs, targets)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def first_epoch_reaching(history: dict[str, list[float]], metric: str, threshold: float) -> int | None:
    """Return the first epoch (counting from 1) whose ``metric`` is at or below ``threshold``, or None if none is."""
    if metric not in history:
        raise ValueError(f"metric must be one of the history's metrics {sorted(history)}, got {metric!r}.")
    for epoch, value in enumerate(history[metric], start=1):
        if value <= threshold:
            return epoch
    return None


# --------------------------------------------------------------------------- the key


def _hash_array(digest: hashlib._Hash, array: Any) -> None:
    array = np.ascontiguousarray(np.asarray(array))
    digest.update(f"{array.dtype.str}{array.shape}".encode())
    digest.update(memoryview(array).cast("B"))


def _describe(value: Any, digest: hashlib._Hash) -> Any:
    """Return a JSON-able description of a fit argument; arrays go into ``digest`` by content."""
    if isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype") and hasattr(value, "numpy")):
        _hash_array(digest, value)
        return f"array{tuple(np.shape(value))}"
    if isinstance(value, (list, tuple)):
        return [_describe(v, digest) for v in value]
    if isinstance(value, dict):
        return {str(k): _describe(v, digest) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, keras.callbacks.Callback):
        settings = {k: v for k, v in vars(value).items() if not k.startswith("_") and isinstance(v, (bool, int, float, str))}
        return [type(value).__qualname__, settings]
    return _ADDRESS.sub("", repr(value))


def _without_names(config: Any) -> Any:
    """Return ``config`` with every ``name`` entry dropped: Keras numbers names per session."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, (list, tuple)):
        return [_without_names(v) for v in config]
    return config


def _layer_signature(model: keras.Model) -> list[Any]:
    """Return each leaf layer's class and config without its name, so auto-numbered names do not matter."""
    signature = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            signature.append(_layer_signature(layer))
            continue
        signature.append([type(layer).__qualname__, _without_names(layer.get_config())])
    return signature


def cache_key(model: keras.Model, x: Any, y: Any = None, **fit_kwargs: Any) -> str:
    """Return the cache key of training ``model`` on ``(x, y)`` with ``fit_kwargs`` in the current mode."""
    if not model.compiled:
        raise ValueError("model must be compiled (model.compile(...)) before fit_or_load, so its loss and optimizer are known.")
    digest = hashlib.blake2b(digest_size=16)
    described = {
        "mode": "quick" if is_quick() else "full",
        "layers": _layer_signature(model),
        "compile": _without_names(model.get_compile_config()),
        "fit": {k: _describe(v, digest) for k, v in sorted(fit_kwargs.items()) if k not in _KEY_IGNORED_FIT_ARGS},
        "x": _describe(x, digest),
        "y": _describe(y, digest),
    }
    for weight in model.weights:  # initial weights stand for the seed and the initialisers
        _hash_array(digest, weight.numpy())
    digest.update(_ADDRESS.sub("", json.dumps(described, sort_keys=True, default=repr)).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- storing and loading


def _atomic_write(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``, so a crash never leaves a half-written entry."""
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp.{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _entry_paths(name: str, key: str) -> tuple[Path, Path]:
    stem = cache_dir() / f"{name}-{key[:20]}"
    return stem.with_name(stem.name + ".weights.h5"), stem.with_name(stem.name + ".json")


def _state_path(weights_path: Path) -> Path:
    return weights_path.with_name(weights_path.name.removesuffix(".weights.h5") + ".callbacks.npz")


def _stateful_callbacks(fit_kwargs: dict[str, Any]) -> list[Any]:
    """Return the callbacks of ``fit_kwargs`` whose state the cache keeps (see the module docstring)."""
    callbacks = fit_kwargs.get("callbacks") or []
    return [cb for cb in callbacks if hasattr(cb, "get_cache_state") and hasattr(cb, "set_cache_state")]


def _save_callback_states(path: Path, callbacks: list[Any]) -> None:
    arrays = {f"cb{i}__{name}": np.asarray(value) for i, cb in enumerate(callbacks) for name, value in cb.get_cache_state().items()}
    with open(path, "wb") as file:  # an open file, so numpy does not append ".npz" to the temp name
        np.savez(file, **arrays)


def _restore_callback_states(path: Path, callbacks: list[Any]) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    for i, callback in enumerate(callbacks):
        prefix = f"cb{i}__"
        callback.set_cache_state({k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)})


def _discard(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _load_entry(
    model: keras.Model, weights_path: Path, record_path: Path, callbacks: list[Any] | None = None
) -> dict[str, Any] | None:
    """Return the stored record after loading its weights into ``model``, or None when the entry is unusable."""
    state_path = _state_path(weights_path)
    if not weights_path.exists() or not record_path.exists():
        if weights_path.exists() or record_path.exists() or state_path.exists():
            warnings.warn(f"Incomplete cache entry {weights_path.name}: discarding it and training again.", stacklevel=3)
            _discard(weights_path, record_path, state_path)
        return None
    try:
        record = json.loads(record_path.read_text())
        # Weights files hold the optimizer state too; an unbuilt optimizer would skip it with a warning.
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        model.load_weights(weights_path)
        if not isinstance(record.get("history"), dict):
            raise ValueError("the record holds no history")
        if callbacks:
            if not record.get("callback_state"):
                raise ValueError("the record holds no callback state")
            _restore_callback_states(state_path, callbacks)
        return record
    except Exception as error:  # h5py, JSON and Keras each raise their own types for a damaged file
        warnings.warn(
            f"Cache entry {weights_path.name} is unreadable ({type(error).__name__}: {error}); "
            "discarding it and training again.",
            stacklevel=3,
        )
        _discard(weights_path, record_path, state_path)
        return None


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        raise ValueError(f"name must be 1-80 letters, digits, '_', '.' or '-' (starting with a letter or digit), got {name!r}.")
    return name


def fit_or_load(model: keras.Model, name: str, x: Any, y: Any = None, *, progress: bool = True, **fit_kwargs: Any) -> FitResult:
    """Train ``model`` with ``model.fit(x, y, **fit_kwargs)`` and cache the result, or load a cached result.

    ``name`` labels the entry (letters, digits, ``_ . -``). On a cache hit the weights are loaded into
    ``model`` and callbacks are not run; callbacks with ``get_cache_state``/``set_cache_state`` get their
    stored state back instead. While training, a progress line (epoch, loss, elapsed and estimated time
    left; see :mod:`course_utils.progress`) is updated in place and removed at the end, unless ``progress``
    is False or ``verbose`` asks for Keras' own progress bar. Neither enters the cache key. Returns a
    :class:`FitResult` with the per-epoch history.
    """
    _check_name(name)
    key = cache_key(model, x, y, **fit_kwargs)
    weights_path, record_path = _entry_paths(name, key)
    stateful = _stateful_callbacks(fit_kwargs)
    record = _load_entry(model, weights_path, record_path, stateful)
    if record is not None:
        cpu = record.get("train_cpu_seconds")
        return FitResult(record["history"], True, weights_path, float(record.get("train_seconds", 0.0)),
                         None if cpu is None else float(cpu))

    fit_kwargs.setdefault("verbose", 0)
    callbacks = list(fit_kwargs.pop("callbacks", None) or [])
    if progress and not fit_kwargs["verbose"]:
        callbacks.append(TrainingProgress(name))
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(x, y, callbacks=callbacks, **fit_kwargs).history
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    history = {k: [float(v) for v in values] for k, values in history.items()}

    weights_path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(weights_path, lambda tmp: model.save_weights(tmp))
    record = {"history": history, "train_seconds": seconds, "train_cpu_seconds": cpu_seconds,
              "keras_version": keras.__version__, "quick_mode": is_quick()}
    if stateful:
        _atomic_write(_state_path(weights_path), lambda tmp: _save_callback_states(tmp, stateful))
        record["callback_state"] = _state_path(weights_path).name
    # The record is written last: an entry counts only once both files exist.
    _atomic_write(record_path, lambda tmp: tmp.write_text(json.dumps(record)))
    return FitResult(history, False, weights_path, seconds, cpu_seconds)


# --------------------------------------------------------------------------- models saved for later lectures


def saved_model_path(name: str) -> Path:
    """Return the file :func:`save_model` writes for ``name`` in the current mode (quick and full mode keep apart)."""
    return cache_dir() / "models" / ("quick" if is_quick() else "full") / f"{_check_name(name)}.keras"


def save_model(model: keras.Model, name: str) -> Path:
    """Save ``model`` (layers and weights) under ``name`` for later lectures, replacing an earlier one; return the file."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}.")
    path = saved_model_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, lambda tmp: model.save(tmp))
    return path


def load_model(name: str, otherwise: Callable[[], keras.Model] | None = None) -> keras.Model:
    """Return the model saved as ``name`` (uncompiled). Without one, train it with ``otherwise()``, save it, return it."""
    path = saved_model_path(name)
    if path.exists():
        try:
            return keras.saving.load_model(path, compile=False)
        except Exception as error:  # a damaged file: zipfile, h5py and Keras each raise their own types
            warnings.warn(f"Saved model {path.name} is unreadable ({type(error).__name__}: {error}); discarding it.", stacklevel=2)
            path.unlink(missing_ok=True)
    if otherwise is None:
        raise FileNotFoundError(
            f"No model saved as {name!r} in {path.parent}: run the lecture that saves it first, "
            "or pass otherwise=, a function that trains it."
        )
    model = otherwise()
    save_model(model, name)
    return model
