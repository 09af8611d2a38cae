"""Comparing linear subspaces: do two sets of vectors span the same directions?

Lecture 00 uses this to show that a linear autoencoder's decoder spans the subspace of the first
principal components even though its vectors are neither orthogonal nor ordered. Vectors are given
as rows, like scikit-learn's ``PCA.components_`` or a ``Dense`` kernel of shape ``(code, pixels)``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import subspace_angles


def _check_vectors(name: str, vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as a float array after checking it holds linearly independent, finite row vectors."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or 0 in vectors.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array of row vectors (k, dim), got shape {vectors.shape}.")
    if not np.all(np.isfinite(vectors)):
        raise ValueError(f"{name} must hold finite numbers only.")
    rank = np.linalg.matrix_rank(vectors)
    if rank < vectors.shape[0]:
        raise ValueError(f"{name} must hold linearly independent rows; its {vectors.shape[0]} rows have rank {rank}.")
    return vectors


def principal_angles(a: np.ndarray, b: np.ndarray, degrees: bool = True) -> np.ndarray:
    """Return the principal angles between the spans of the rows of ``a`` and of ``b``, smallest first.

    There are ``min(len(a), len(b))`` angles; all zero means one span contains the other, 90 degrees
    means a direction of the smaller span is orthogonal to the whole larger span. SciPy computes them.
    """
    a, b = _check_vectors("a", a), _check_vectors("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must hold vectors of one length, got {a.shape[1]} and {b.shape[1]}.")
    angles = np.sort(subspace_angles(a.T, b.T))
    return np.degrees(angles) if degrees else angles


def principal_vectors(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(angles, vectors_a, vectors_b)``: the principal angles in degrees, smallest first, and for each angle
    the unit vector of span(``a``) and the unit vector of span(``b``) (rows) that enclose it.

    The last pair shows *which* direction of ``a`` lies furthest from ``b``. ``a`` and ``b`` must have the same number
    of rows, so that every direction of each span is paired.
    """
    a, b = _check_vectors("a", a), _check_vectors("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have one shape (the same number of vectors of one length), got {a.shape} and {b.shape}.")
    basis_a, basis_b = np.linalg.qr(a.T)[0], np.linalg.qr(b.T)[0]
    left, _, right_t = np.linalg.svd(basis_a.T @ basis_b)  # cosines of the angles, largest (smallest angle) first
    return principal_angles(a, b), (basis_a @ left).T, (basis_b @ right_t.T).T


def subspace_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Return the mean squared cosine of the principal angles: 1.0 for the same span, 0.0 for orthogonal spans."""
    return float(np.mean(np.cos(principal_angles(a, b, degrees=False)) ** 2))
