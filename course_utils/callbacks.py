"""Keras callbacks that record what a model does while it trains."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import is_int


def _fingerprint(images: np.ndarray, described: object) -> str:
    """Return a short hash of ``images`` and ``repr(described)``: a string the weight cache's key can see."""
    return hashlib.blake2b(images.tobytes() + repr(described).encode(), digest_size=8).hexdigest()


class ReconstructionSnapshots(keras.callbacks.Callback):
    """Record the model's reconstructions of a few fixed images before training and after chosen epochs.

    ``snapshots`` maps an epoch number (0 = before training, 1 = after the first epoch, ...) to the
    reconstructions at that point. The last epoch is always recorded, so a shortened run (quick mode)
    still ends with a snapshot. :func:`course_utils.training.fit_or_load` stores the snapshots with the
    weights and restores them on a cache hit (through :meth:`get_cache_state` / :meth:`set_cache_state`).
    """

    def __init__(self, images: np.ndarray, at_epochs: Iterable[int] = (1, 5, 10, 25, 50)) -> None:
        super().__init__()
        images = np.asarray(images, dtype=np.float32)
        if images.ndim < 2 or not 1 <= len(images) <= 100:
            raise ValueError(f"images must be an array of 1 to 100 images, got shape {images.shape}.")
        epochs = sorted(set(at_epochs))
        if not epochs or any(not is_int(e) or e < 0 for e in epochs):
            raise ValueError(f"at_epochs must be non-negative integers, got {at_epochs!r}.")
        self.images = images
        self.at_epochs = tuple(int(e) for e in epochs)
        self.snapshots: dict[int, np.ndarray] = {}
        # A string, so the weight cache's key sees which images and epochs this callback records.
        self.fingerprint = _fingerprint(images, (images.shape, self.at_epochs))

    def _record(self, epoch: int) -> None:
        # A direct call, not predict(): cheaper for a few images and no new tf.function per snapshot.
        outputs = self.model(keras.ops.convert_to_tensor(self.images), training=False)
        self.snapshots[epoch] = np.asarray(keras.ops.convert_to_numpy(outputs), dtype=np.float32)

    def on_train_begin(self, logs: Mapping | None = None) -> None:
        self.snapshots = {}
        self._last_epoch = 0
        if 0 in self.at_epochs:
            self._record(0)

    def on_epoch_end(self, epoch: int, logs: Mapping | None = None) -> None:
        self._last_epoch = epoch + 1
        if epoch + 1 in self.at_epochs:
            self._record(epoch + 1)

    def on_train_end(self, logs: Mapping | None = None) -> None:
        if self._last_epoch not in self.snapshots:
            self._record(self._last_epoch)

    def get_cache_state(self) -> dict[str, np.ndarray]:
        """Return the snapshots as named arrays, for the weight cache."""
        return {f"epoch_{epoch}": images for epoch, images in self.snapshots.items()}

    def set_cache_state(self, state: Mapping[str, np.ndarray]) -> None:
        """Restore snapshots saved by :meth:`get_cache_state`."""
        snapshots = {}
        for name, images in state.items():
            if not name.startswith("epoch_") or np.shape(images) != self.images.shape:
                raise ValueError(f"not a snapshot of these images: {name!r} with shape {np.shape(images)}")
            snapshots[int(name.removeprefix("epoch_"))] = np.asarray(images, dtype=np.float32)
        self.snapshots = dict(sorted(snapshots.items()))


def code_mean(encoder: keras.Model, images: np.ndarray, batch_size: int = 256) -> float:
    """Return the mean activation of ``encoder``'s codes of ``images`` (source lecture 001's "code mean")."""
    if not isinstance(encoder, keras.Model):
        raise ValueError(f"encoder must be a keras.Model (e.g. autoencoder.get_layer('encoder')), got {type(encoder).__name__}.")
    images = np.asarray(images, dtype=np.float32)
    if len(images) == 0:
        raise ValueError("images must hold at least one image.")
    codes = encoder.predict(images, batch_size=batch_size, verbose=0)
    return float(np.mean(codes))


class CodeMean(keras.callbacks.Callback):
    """After each epoch, log the mean code activation of the sub-model ``encoder_name`` on fixed ``images``.

    The value goes into the epoch's logs as ``log_name`` and so into the ``History`` (and the weight cache)
    beside the loss. A mean near 0.5 for sigmoid codes says the code is dense; near 0 it would be sparse.
    """

    def __init__(self, images: np.ndarray, encoder_name: str = "encoder", log_name: str = "code_mean") -> None:
        super().__init__()
        images = np.asarray(images, dtype=np.float32)
        if images.ndim < 2 or len(images) == 0:
            raise ValueError(f"images must be a non-empty array of images, got shape {images.shape}.")
        for name, value in (("encoder_name", encoder_name), ("log_name", log_name)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string, got {value!r}.")
        self.images = images
        self.encoder_name = encoder_name
        self.log_name = log_name
        # A string, so the weight cache's key sees which images are measured.
        self.fingerprint = _fingerprint(images, images.shape)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        try:
            encoder = self.model.get_layer(self.encoder_name)
        except ValueError as error:
            names = [layer.name for layer in self.model.layers]
            raise ValueError(f"CodeMean: the model has no sub-model {self.encoder_name!r}; its layers are {names}.") from error
        if logs is not None:
            logs[self.log_name] = code_mean(encoder, self.images)


class WallClock(keras.callbacks.Callback):
    """Log ``wall_seconds``, the seconds since training began, at the end of each epoch."""

    def on_train_begin(self, logs: Mapping | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["wall_seconds"] = time.perf_counter() - self._start
