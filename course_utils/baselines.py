"""PCA baselines: how well a linear projection onto ``k`` principal components reconstructs images."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import PCA

from course_utils._validate import check_int, is_int


def _flat(name: str, images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, dtype=np.float32)
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"{name} must be a non-empty array of images (n, ...), got shape {images.shape}.")
    return images.reshape(len(images), -1)


def _check_components(n_components: int, x_train: np.ndarray) -> int:
    return check_int("n_components", n_components, 1, min(x_train.shape), why=" for this data")


def fit_pca(x_train: np.ndarray, n_components: int, seed: int = 0) -> PCA:
    """Return a scikit-learn ``PCA`` with ``n_components`` fitted on the flattened training images."""
    flat = _flat("x_train", x_train)
    return PCA(n_components=_check_components(n_components, flat), random_state=seed).fit(flat)


def pca_reconstruct(x_train: np.ndarray, x_test: np.ndarray, n_components: int) -> np.ndarray:
    """Return ``x_test`` projected onto the first ``n_components`` principal components of ``x_train`` and back."""
    pca = fit_pca(x_train, n_components)
    flat = _flat("x_test", x_test)
    return pca.inverse_transform(pca.transform(flat)).reshape(np.shape(x_test)).astype(np.float32)


def pca_reconstruction_error(x_train: np.ndarray, x_test: np.ndarray, n_components: int) -> float:
    """Return the mean squared error per pixel of the PCA reconstruction of ``x_test``."""
    reconstruction = pca_reconstruct(x_train, x_test, n_components)
    return float(np.mean((reconstruction - np.asarray(x_test, dtype=np.float32)) ** 2))


def _fitted(pca: PCA, n_components: int) -> int:
    if not hasattr(pca, "components_"):
        raise ValueError("pca must be a fitted scikit-learn PCA, e.g. from fit_pca(x_train, n_components).")
    return check_int("n_components", n_components, 1, len(pca.components_), why=" (the components the PCA was fitted with)")


def project(pca: PCA, images: np.ndarray, n_components: int) -> np.ndarray:
    """Return ``images`` reconstructed from their first ``n_components`` coordinates of the fitted ``pca``
    (same shape as ``images``), without refitting."""
    k = _fitted(pca, n_components)
    centred = _flat("images", images) - pca.mean_
    basis = pca.components_[:k]
    return ((centred @ basis.T) @ basis + pca.mean_).reshape(np.shape(images)).astype(np.float32)


def projection_errors(pca: PCA, x_test: np.ndarray, components: Sequence[int]) -> np.ndarray:
    """Return the test MSE per pixel of the fitted ``pca``'s reconstruction of ``x_test`` with each number of
    components in ``components``."""
    components = list(components)
    if not components or any(not is_int(k) or k < 1 for k in components):
        raise ValueError(f"components must be a non-empty sequence of positive integers, got {components!r}.")
    flat = _flat("x_test", x_test)
    return np.asarray([float(np.mean((project(pca, flat, k) - flat) ** 2)) for k in components])


def pca_error_curve(x_train: np.ndarray, x_test: np.ndarray, components: Sequence[int]) -> np.ndarray:
    """Return the test MSE for each number of components in ``components``, fitting PCA only once."""
    components = list(components)
    if not components or any(not is_int(k) or k < 1 for k in components):
        raise ValueError(f"components must be a non-empty sequence of positive integers, got {components!r}.")
    return projection_errors(fit_pca(x_train, max(components)), x_test, components)
