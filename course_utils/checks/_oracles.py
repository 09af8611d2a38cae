"""The checks' reference implementations ("oracles").

A check's oracle is an independent implementation on purpose: it shares no code with the solution notebooks, so
the checks compare a student's answer with a second, separately written answer rather than with a copy of the
solution. The oracles are not part of what students use: a student function that calls one of them while a check
runs fails that check (see :func:`course_utils.checks._core.oracle`).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from course_utils.checks._core import oracle


@oracle
def mirror_left_right(images: np.ndarray) -> np.ndarray:
    """Return a batch ``(n, height, width[, channels])`` mirrored left to right."""
    return np.flip(images, axis=2).copy()


@oracle
def rotate(images: np.ndarray, degrees: float, order: int = 1) -> np.ndarray:
    """Return a batch ``(n, height, width[, channels])`` turned counter-clockwise by ``degrees`` about the centre of
    each image, at the same size, black (0) where nothing of the original lands; spline interpolation of ``order``."""
    array = np.asarray(images, dtype=np.float64)
    turned = ndimage.rotate(array, degrees, axes=(1, 2), reshape=False, order=order, mode="constant", cval=0.0)
    return turned.astype(np.asarray(images).dtype)


@oracle
def bernoulli_nll(images: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Return, per image, the Bernoulli negative log-likelihood of binary ``images`` under ``logits``, summed over pixels."""
    images, logits = np.asarray(images, dtype=np.float64), np.asarray(logits, dtype=np.float64)
    per_pixel = np.logaddexp(0.0, logits) - images * logits  # -log sigmoid(l) for a 1, -log(1 - sigmoid(l)) for a 0
    return per_pixel.reshape(len(images), -1).sum(axis=1)


@oracle
def gaussian_kl(mean: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """Return, per row, KL(N(mean, exp(log_var)) || N(0, I)) summed over the latent dimensions."""
    mean, log_var = np.asarray(mean, dtype=np.float64), np.asarray(log_var, dtype=np.float64)
    variance = np.exp(log_var)
    return 0.5 * np.sum(variance + mean**2 - 1.0 - log_var, axis=-1)
