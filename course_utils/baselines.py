"""PCA baselines: how well a linear projection onto ``k`` principal components reconstructs images, or denoises them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import PCA

from course_utils._validate import check_int, is_int
from course_utils.noise import psnr


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
    return PCAProjection(x_train, n_components).predict(x_test)


class PCAProjection:
    """PCA as an images-in, images-out model: ``predict`` projects images onto the first ``n_components`` principal
    components of ``x_train`` and back, so PCA can stand beside Keras models wherever those are called with ``predict``."""

    def __init__(self, x_train: np.ndarray, n_components: int) -> None:
        self.pca = fit_pca(x_train, n_components)
        self.n_components = self.pca.n_components_
        self.image_shape = np.shape(x_train)[1:]

    def __repr__(self) -> str:
        return f"PCAProjection(n_components={self.n_components})"

    def count_params(self) -> int:
        """Return the numbers the projection stores: the mean image and one image per component."""
        return int(self.pca.components_.size + self.pca.mean_.size)

    def predict(self, images: np.ndarray, verbose: int = 0, batch_size: int | None = None) -> np.ndarray:
        """Return ``images`` projected and reconstructed, as float32 of the same shape (``verbose``, ``batch_size``: ignored,
        as Keras' ``predict`` takes them)."""
        if np.shape(images)[1:] != self.image_shape:
            raise ValueError(f"images must have the training images' shape {self.image_shape} after the batch axis, "
                             f"got {np.shape(images)}.")
        return project(self.pca, images, self.n_components)


def pca_reconstruction_error(x_train: np.ndarray, x_test: np.ndarray, n_components: int) -> float:
    """Return the mean squared error per pixel of the PCA reconstruction of ``x_test``."""
    reconstruction = pca_reconstruct(x_train, x_test, n_components)
    return float(np.mean((reconstruction - np.asarray(x_test, dtype=np.float32)) ** 2))


def _check_component_list(components: Sequence[int]) -> list[int]:
    components = list(components)
    if not components or any(not is_int(k) or k < 1 for k in components):
        raise ValueError(f"components must be a non-empty sequence of positive integers, got {components!r}.")
    return components


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
    components = _check_component_list(components)
    flat = _flat("x_test", x_test)
    return np.asarray([float(np.mean((project(pca, flat, k) - flat) ** 2)) for k in components])


def pca_denoising_psnr(x_fit: np.ndarray, clean: np.ndarray, noisy: np.ndarray, components: Sequence[int]) -> np.ndarray:
    """Return, for each k in ``components``, the mean PSNR (dB) against ``clean`` of the ``noisy`` images projected onto
    the first k principal components of the clean images ``x_fit``: PCA used as a linear denoiser, fitted only once."""
    components = _check_component_list(components)
    if np.shape(clean) != np.shape(noisy):
        raise ValueError(f"clean {np.shape(clean)} and noisy {np.shape(noisy)} must be images of one shape.")
    pca = fit_pca(x_fit, max(components))
    flat_clean, flat_noisy = _flat("clean", clean), _flat("noisy", noisy)
    return np.asarray([float(np.mean(psnr(flat_clean, project(pca, flat_noisy, k)))) for k in components])
