"""Quick mode and seeding: the two switches every notebook sets in its first cell.

Quick mode is on when the environment variable ``COURSE_QUICK`` is ``1`` (CI sets it). It shrinks
epochs and data so a notebook runs in a minute or two; notebook code is identical in both modes
because it always asks :func:`epochs` and :func:`sample` for the sizes.
"""

from __future__ import annotations

import os
import random

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int

QUICK_ENV_VAR = "COURSE_QUICK"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def is_quick() -> bool:
    """Return True when quick mode is on (``COURSE_QUICK=1``)."""
    value = os.environ.get(QUICK_ENV_VAR, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{QUICK_ENV_VAR}={value!r} is not understood; use 1 (quick mode) or 0 (full mode).")


def _full_or_quick(full: int, quick: int) -> int:
    """Return ``full`` normally and ``min(quick, full)`` in quick mode, after checking both are positive integers."""
    full = check_int("full", full, 1)
    quick = check_int("quick", quick, 1)
    return min(quick, full) if is_quick() else full


def epochs(full: int, quick: int = 1) -> int:
    """Return ``full`` epochs normally and ``min(quick, full)`` in quick mode."""
    return _full_or_quick(full, quick)


def sample_size(full: int, quick: int = 1000) -> int:
    """Return ``full`` normally and ``min(quick, full)`` in quick mode."""
    return _full_or_quick(full, quick)


def sample(*arrays: np.ndarray, quick: int = 1000, seed: int = 0) -> tuple[np.ndarray, ...] | np.ndarray:
    """Return the arrays unchanged normally; in quick mode the same ``quick`` random rows of each.

    Rows stay aligned across arrays (images and their labels keep matching) and keep their order. Like
    ``numpy.atleast_1d``, one array in gives one array back (``x = sample(x)``) and several give a tuple
    (``x, y = sample(x, y)``), so the result unpacks the way the call reads.
    """
    if not arrays:
        raise ValueError("sample() needs at least one array.")
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"sample() needs arrays of one length, got lengths {sorted(lengths)}.")
    n = lengths.pop()
    if is_quick() and n > check_int("quick", quick, 1):
        rows = np.sort(np.random.default_rng(seed).choice(n, size=quick, replace=False))
        arrays = tuple(a[rows] for a in arrays)
    return arrays if len(arrays) > 1 else arrays[0]


def seed_everything(seed: int = 42, deterministic_ops: bool = False) -> None:
    """Seed Python, NumPy, Keras and TensorFlow; optionally make TensorFlow ops deterministic.

    Deterministic ops make reruns bit-identical at some cost in speed, so they are off by default.
    """
    check_int("seed", seed, 0)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(int(seed))
    if deterministic_ops:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def compute_device() -> str:
    """Return ``"GPU"`` when TensorFlow sees a GPU, else ``"CPU"``."""
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def mode_banner() -> str:
    """Return a one-line description of the current mode and device, for a notebook's setup cell."""
    if is_quick():
        mode = (
            f"Quick mode is ON ({QUICK_ENV_VAR}=1): fewer epochs and images, so numbers and figures "
            "are rough. Unset it for the real results."
        )
    else:
        mode = f"Full mode: real epochs and data (set {QUICK_ENV_VAR}=1 for a fast smoke run)."
    return f"{mode} Training on the {compute_device()}."


def setup(seed: int = 42) -> str:
    """Seed everything and return the mode banner; call it in a notebook's first cell."""
    seed_everything(seed)
    return mode_banner()
