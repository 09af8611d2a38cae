"""Corrupting images with Gaussian noise, for denoising autoencoders (lecture 04 and exercise 3).

Homoscedastic noise has one standard deviation for every pixel; heteroscedastic noise gives each pixel its
own (a ``sigma_map``). Every function is seeded and returns pixel values clipped to [0, 1].
:class:`ClippedGaussianNoise` is the same corruption as a Keras layer, drawing fresh noise at every training
step, so a denoiser never sees the same noisy copy twice.
"""

from __future__ import annotations

import keras
import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_images, check_int, is_number


def _check_images(images: np.ndarray) -> np.ndarray:
    return check_images(images, floating=True)


def _check_sigma(sigma: float) -> float:
    if not is_number(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}.")
    return float(sigma)


def _is_valid_sigma_map(sigma_map: np.ndarray) -> bool:
    """Whether ``sigma_map`` is a 2-D array of finite standard deviations >= 0."""
    return sigma_map.ndim == 2 and bool(np.all(np.isfinite(sigma_map))) and not np.any(sigma_map < 0)


def _check_sigma_map(sigma_map: np.ndarray, image_shape: tuple[int, ...]) -> np.ndarray:
    sigma_map = np.asarray(sigma_map, dtype=np.float32)
    if sigma_map.shape != image_shape[:2]:
        raise ValueError(f"sigma_map must have the images' height and width {image_shape[:2]}, got shape {sigma_map.shape}.")
    if not _is_valid_sigma_map(sigma_map):
        raise ValueError("sigma_map must hold finite standard deviations >= 0.")
    return sigma_map[..., None] if len(image_shape) == 3 else sigma_map


def _noisy(images: np.ndarray, sigma: float | np.ndarray, seed: int) -> np.ndarray:
    noise = np.random.default_rng(check_int("seed", seed, 0)).standard_normal(images.shape).astype(np.float32)
    return np.clip(images.astype(np.float32) + sigma * noise, 0.0, 1.0).astype(images.dtype)


def add_gaussian_noise(images: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Return ``images`` plus Gaussian noise N(0, sigma^2), the same ``sigma`` for every pixel, clipped to [0, 1]."""
    return _noisy(_check_images(images), _check_sigma(sigma), seed)


def add_heteroscedastic_noise(images: np.ndarray, sigma_map: np.ndarray, seed: int = 0) -> np.ndarray:
    """Return ``images`` plus Gaussian noise whose standard deviation at each pixel is ``sigma_map[y, x]``, clipped to [0, 1]."""
    images = _check_images(images)
    return _noisy(images, _check_sigma_map(sigma_map, images.shape[1:]), seed)


def sigma_ramp(height: int, width: int, low: float, high: float) -> np.ndarray:
    """Return a ``(height, width)`` map of standard deviations rising linearly from ``low`` (left) to ``high`` (right)."""
    height, width = check_int("height", height, 1), check_int("width", width, 1)
    low, high = _check_sigma(low), _check_sigma(high)
    return np.tile(np.linspace(low, high, width, dtype=np.float32), (height, 1))


def psnr(reference: np.ndarray, images: np.ndarray) -> np.ndarray:
    """Return the peak signal-to-noise ratio in dB of each image against its ``reference`` (pixels in [0, 1])."""
    reference, images = np.asarray(reference, dtype=np.float64), np.asarray(images, dtype=np.float64)
    if reference.shape != images.shape or reference.ndim < 2:
        raise ValueError(f"reference {reference.shape} and images {images.shape} must be batches of the same shape.")
    mse = np.mean((reference - images) ** 2, axis=tuple(range(1, reference.ndim)))
    # A perfect copy has infinite PSNR; a tiny floor keeps averages finite.
    return 10.0 * np.log10(1.0 / np.maximum(mse, 1e-10))


@keras.saving.register_keras_serializable(package="course_utils")
class ClippedGaussianNoise(keras.layers.Layer):
    """While training, add fresh Gaussian noise (``sigma``: one number, or a ``(height, width)`` map) and clip to [0, 1].

    At inference the layer passes its input through unchanged, like ``keras.layers.GaussianNoise``, which does not clip.
    """

    def __init__(self, sigma: float | list, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if np.ndim(sigma) == 0:
            self.sigma = _check_sigma(sigma)
            self._sigma = np.float32(self.sigma)
        else:
            sigma_map = np.asarray(sigma, dtype=np.float32)
            if not _is_valid_sigma_map(sigma_map):
                raise ValueError(f"sigma must be a number >= 0 or a (height, width) map of them, got shape {sigma_map.shape}.")
            self.sigma = sigma_map.tolist()  # for get_config
            self._sigma = sigma_map
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training:
            return inputs
        noise = keras.random.normal(keras.ops.shape(inputs), seed=self.seed_generator, dtype=inputs.dtype)
        # A (height, width) map needs a channel axis to broadcast over (n, height, width, channels) images.
        sigma = self._sigma[..., None] if self._sigma.ndim == 2 and len(inputs.shape) == 4 else self._sigma
        return keras.ops.clip(inputs + keras.ops.cast(sigma, inputs.dtype) * noise, 0.0, 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "sigma": self.sigma, "seed": self.seed}
