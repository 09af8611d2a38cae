"""Comparing linear subspaces: do two sets of vectors span the same directions?

Lecture 00 uses this to show that a linear autoencoder's decoder spans the subspace of the first
principal components even though its vectors are neither orthogonal nor ordered. Vectors are given
as rows, like scikit-learn's ``PCA.components_`` or a ``Dense`` kernel of shape ``(code, pixels)``.
"""

from __future__ import annotations

import numpy as np


def _orthonormal_basis(name: str, vectors: np.ndarray) -> np.ndarray:
    """Return an orthonormal basis (as columns) of the span of the rows of ``vectors``."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or 0 in vectors.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array of row vectors (k, dim), got shape {vectors.shape}.")
    if not np.all(np.isfinite(vectors)):
        raise ValueError(f"{name} must hold finite numbers only.")
    if vectors.shape[0] > vectors.shape[1]:
        raise ValueError(f"{name} has more vectors ({vectors.shape[0]}) than dimensions ({vectors.shape[1]}).")
    basis, singular_values, _ = np.linalg.svd(vectors.T, full_matrices=False)
    tolerance = singular_values[0] * max(vectors.shape) * np.finfo(np.float64).eps
    if singular_values[-1] <= tolerance:
        rank = int(np.sum(singular_values > tolerance))
        raise ValueError(f"{name} must hold linearly independent rows; its {vectors.shape[0]} rows have rank {rank}.")
    return basis


def principal_angles(a: np.ndarray, b: np.ndarray, degrees: bool = True) -> np.ndarray:
    """Return the principal angles between the spans of the rows of ``a`` and of ``b``, smallest first.

    There are ``min(len(a), len(b))`` angles; all zero means one span contains the other, 90 degrees
    means a direction of the smaller span is orthogonal to the whole larger span.
    """
    basis_a, basis_b = _orthonormal_basis("a", a), _orthonormal_basis("b", b)
    if basis_a.shape[0] != basis_b.shape[0]:
        raise ValueError(f"a and b must hold vectors of one length, got {basis_a.shape[0]} and {basis_b.shape[0]}.")
    cosines = np.linalg.svd(basis_a.T @ basis_b, compute_uv=False)
    # Sines measured directly stay accurate for tiny angles, where arccos of a cosine near 1 does not.
    small, large = (basis_a, basis_b) if basis_a.shape[1] <= basis_b.shape[1] else (basis_b, basis_a)
    residual = small - large @ (large.T @ small)
    sines = np.sort(np.linalg.svd(residual, compute_uv=False))
    angles = np.where(cosines > np.sqrt(0.5), np.arcsin(np.clip(sines, 0.0, 1.0)), np.arccos(np.clip(cosines, 0.0, 1.0)))
    angles = np.sort(angles)
    return np.degrees(angles) if degrees else angles


def subspace_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Return the mean squared cosine of the principal angles: 1.0 for the same span, 0.0 for orthogonal spans."""
    return float(np.mean(np.cos(principal_angles(a, b, degrees=False)) ** 2))
