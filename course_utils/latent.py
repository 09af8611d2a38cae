"""Working in a trained autoencoder's code space: ranges, grids of codes, random codes, embeddings.

The functions return arrays; the figures that show them live in :mod:`course_utils.plotting`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from sklearn.decomposition import KernelPCA

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int


def _codes(codes: np.ndarray, name: str = "codes", min_rows: int = 1) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or codes.shape[1] == 0 or len(codes) < min_rows:
        raise ValueError(f"{name} must be a 2-D array (n, code_size) with at least {min_rows} row(s), got shape {codes.shape}.")
    if not np.all(np.isfinite(codes)):
        raise ValueError(f"{name} must hold finite numbers only.")
    return codes


def _interval(name: str, value: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers, got {value!r}.") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be a finite pair with low < high, got {value!r}.")
    return low, high


def code_range(codes: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """Return an array ``(code_size, 2)`` of each code coordinate's (min, max), widened by ``margin`` of its span."""
    codes = _codes(codes)
    if not 0.0 <= margin <= 1.0:
        raise ValueError(f"margin must be between 0 and 1, got {margin!r}.")
    low, high = codes.min(axis=0), codes.max(axis=0)
    pad = np.maximum(high - low, 1e-6) * margin
    return np.stack([low - pad, high + pad], axis=1).astype(np.float64)


def latent_grid_codes(z1_range: Sequence[float], z2_range: Sequence[float], n: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(codes, z1_values, z2_values)`` for an ``n`` x ``n`` grid over a 2-D code plane.

    ``codes`` has shape ``(n * n, 2)`` in row-major order with ``z2`` *decreasing* down the rows, so the
    decoded images can be laid out like a scatter plot (large ``z2`` at the top).
    """
    (z1_low, z1_high), (z2_low, z2_high) = _interval("z1_range", z1_range), _interval("z2_range", z2_range)
    n = check_int("n", n, 1)
    z1_values = np.linspace(z1_low, z1_high, n)
    z2_values = np.linspace(z2_high, z2_low, n)
    z2_grid, z1_grid = np.meshgrid(z2_values, z1_values, indexing="ij")
    codes = np.stack([z1_grid.ravel(), z2_grid.ravel()], axis=1).astype(np.float32)
    return codes, z1_values, z2_values


def decode_latent_grid(
    decoder: keras.Model, z1_range: Sequence[float], z2_range: Sequence[float], n: int = 20
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(images, z1_values, z2_values)``: the decoder's images for an ``n`` x ``n`` grid of 2-D codes.

    All ``n * n`` codes go through **one** batched ``decoder.predict`` call; ``images[i, j]`` is the image of
    code ``(z1_values[j], z2_values[i])``, with shape ``(n, n, height, width)`` (flat 784 outputs become 28x28).
    """
    if tuple(decoder.input_shape[1:]) != (2,):
        raise ValueError(f"decoder must take 2-D codes (input shape (None, 2)), got input shape {decoder.input_shape}.")
    codes, z1_values, z2_values = latent_grid_codes(z1_range, z2_range, n)
    decoded = np.asarray(decoder.predict(codes, batch_size=len(codes), verbose=0), dtype=np.float32)
    pixels = int(np.prod(decoded.shape[1:]))
    side = int(round(np.sqrt(pixels)))
    if decoded.ndim == 2 and side * side == pixels:
        decoded = decoded.reshape(-1, side, side)
    return decoded.reshape(len(z2_values), len(z1_values), *decoded.shape[1:]), z1_values, z2_values


def sample_fitted_normal(codes: np.ndarray, n: int, seed: int = 0, diagonal: bool = True) -> np.ndarray:
    """Return ``n`` random codes from a normal distribution fitted to ``codes`` (mean and covariance).

    ``diagonal=True`` fits each coordinate on its own (mean and standard deviation); ``False`` fits the full
    covariance matrix, so correlations between coordinates are kept.
    """
    codes = _codes(codes, min_rows=2)
    n = check_int("n", n, 1)
    rng = np.random.default_rng(seed)
    mean = codes.mean(axis=0)
    if diagonal:
        return (mean + codes.std(axis=0) * rng.standard_normal((n, codes.shape[1]))).astype(np.float32)
    covariance = np.atleast_2d(np.cov(codes, rowvar=False))
    return rng.multivariate_normal(mean, covariance, size=n, method="eigh").astype(np.float32)


def sample_class_normals(codes: np.ndarray, labels: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(samples, sample_labels)``: ``n`` random codes per label, each drawn from a normal distribution fitted
    (mean and full covariance) to the codes of that label only, so the samples stay inside the clusters."""
    codes = _codes(codes, min_rows=2)
    labels = np.asarray(labels)
    if labels.shape != (len(codes),):
        raise ValueError(f"labels must have one entry per code ({len(codes)}), got shape {labels.shape}.")
    n = check_int("n", n, 1)
    rng = np.random.default_rng(seed)
    samples, sample_labels = [], []
    for label in np.unique(labels):
        members = codes[labels == label]
        if len(members) < 2:
            raise ValueError(f"labels must give every label at least 2 codes to fit a normal to; label {label} has {len(members)}.")
        covariance = np.atleast_2d(np.cov(members, rowvar=False))
        samples.append(rng.multivariate_normal(members.mean(axis=0), covariance, size=n, method="eigh"))
        sample_labels.append(np.full(n, label))
    return np.concatenate(samples).astype(np.float32), np.concatenate(sample_labels)


def nearest_distances(codes: np.ndarray, reference: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Return, for each row of ``codes``, the Euclidean distance to the nearest row of ``reference`` (float64)."""
    codes, reference = _codes(codes), _codes(reference, "reference")
    if codes.shape[1] != reference.shape[1]:
        raise ValueError(f"codes and reference must have one code size, got {codes.shape[1]} and {reference.shape[1]}.")
    chunk = check_int("chunk", chunk, 1)
    codes, reference = codes.astype(np.float64), reference.astype(np.float64)
    reference_norms = np.sum(reference**2, axis=1)
    nearest = np.empty(len(codes))
    for start in range(0, len(codes), chunk):
        block = codes[start : start + chunk]
        squared = np.sum(block**2, axis=1)[:, None] + reference_norms[None] - 2.0 * block @ reference.T
        nearest[start : start + chunk] = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
    return nearest


def interpolate_codes(start: np.ndarray, end: np.ndarray, steps: int = 10) -> np.ndarray:
    """Return ``steps`` codes evenly spaced on the straight line from ``start`` to ``end`` (both included)."""
    start, end = _codes(np.atleast_2d(start), "start"), _codes(np.atleast_2d(end), "end")
    if start.shape != end.shape or len(start) != 1:
        raise ValueError(f"start and end must be two codes of one size, got shapes {start.shape} and {end.shape}.")
    steps = check_int("steps", steps, 2)
    fractions = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1.0 - fractions) * start + fractions * end


def kernel_pca_embedding(
    codes: np.ndarray,
    n_components: int = 2,
    max_points: int = 3000,
    kernel: str = "rbf",
    gamma: float | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(embedding, rows)``: a KernelPCA embedding of at most ``max_points`` random rows of ``codes``.

    ``rows`` are the indices of the codes used (sorted), so ``labels[rows]`` colours the embedding. The kernel
    matrix grows with the square of the number of points, hence the subsample.
    """
    codes = _codes(codes, min_rows=2)
    n_components = check_int("n_components", n_components, 1)
    max_points = check_int("max_points", max_points, 1)
    kernels = ("rbf", "poly", "sigmoid", "cosine", "linear")
    if kernel not in kernels:
        raise ValueError(f"kernel must be one of {kernels}, got {kernel!r}.")
    rows = np.arange(len(codes))
    if len(codes) > max_points:
        rows = np.sort(np.random.default_rng(seed).choice(len(codes), size=max_points, replace=False))
    if n_components >= len(rows):
        raise ValueError(f"n_components must be smaller than the number of points used ({len(rows)}), got {n_components}.")
    model = KernelPCA(n_components=n_components, kernel=kernel, gamma=gamma, random_state=seed)
    return model.fit_transform(codes[rows]).astype(np.float32), rows
