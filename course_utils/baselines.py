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


def pca_error_curve(x_train: np.ndarray, x_test: np.ndarray, components: Sequence[int]) -> np.ndarray:
    """Return the test MSE for each number of components in ``components``, fitting PCA only once."""
    components = list(components)
    if not components or any(not is_int(k) or k < 1 for k in components):
        raise ValueError(f"components must be a non-empty sequence of positive integers, got {components!r}.")
    pca = fit_pca(x_train, max(components))
    centred = _flat("x_test", x_test) - pca.mean_
    errors = []
    for k in components:
        basis = pca.components_[:k]
        residual = centred - (centred @ basis.T) @ basis
        errors.append(float(np.mean(residual**2)))
    return np.asarray(errors)
