"""Self-checks for the exercises: call ``check_*(your_function)`` and read the verdict.

Each check runs your function on small inputs of its own, compares with what the exercise asks for,
and returns a :class:`CheckResult`; leave it as the last line of a cell and the notebook shows
``PASSED`` with what was verified, or ``FAILED`` with the first thing that went wrong. The result is
truthy only when the check passed. Errors raised by your function (including the
``NotImplementedError`` of an unfinished exercise) are not caught, so you see their traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_utils import transforms


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: its name, whether it passed, and why (what was checked or what failed)."""

    check: str
    passed: bool
    details: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        return "\n".join([f"{self.check}: {verdict}", *(f"  - {line}" for line in self.details)])


class _Failed(Exception):
    """Raised inside a check to stop at the first problem found."""


def _require(condition: object, explanation: str) -> None:
    if not condition:
        raise _Failed(explanation)


def _run(name: str, steps: Callable[[list[str]], None]) -> CheckResult:
    """Run ``steps`` (which appends what it verified to a list) and turn its first failure into a result."""
    verified: list[str] = []
    try:
        steps(verified)
    except _Failed as failure:
        return CheckResult(name, False, (str(failure),))
    return CheckResult(name, True, tuple(verified))


def _check_callable(name: str, function: object) -> None:
    if not callable(function):
        raise ValueError(f"{name} expects your function itself (e.g. {name}(my_function)), got {function!r}.")


def _as_array(value: object, what: str) -> np.ndarray:
    try:
        return np.asarray(value)
    except Exception as error:  # a student's function may return anything
        raise _Failed(f"{what} is not an array ({type(value).__name__}: {error}).") from None


def _same_shape_and_dtype(result: np.ndarray, expected: np.ndarray, what: str) -> None:
    _require(result.shape == expected.shape, f"{what} has shape {result.shape}; it should keep the input's shape {expected.shape}.")
    _require(result.dtype == expected.dtype, f"{what} has dtype {result.dtype}; it should keep the input's dtype {expected.dtype}.")


def _test_images(seed: int = 0) -> np.ndarray:
    """Return a batch of 3 non-square float32 images with all-different pixel values."""
    return np.random.default_rng(seed).permutation(3 * 6 * 8).reshape(3, 6, 8).astype(np.float32) / (3 * 6 * 8)


# --------------------------------------------------------------------------- Exercise 9.1: transformations


def check_flip(flip_images: Callable[[np.ndarray], np.ndarray]) -> CheckResult:
    """Check ``flip_images(images)`` mirrors every image left-right, keeping shape and dtype."""
    _check_callable("check_flip", flip_images)

    def steps(verified: list[str]) -> None:
        images = _test_images()
        original = images.copy()
        result = _as_array(flip_images(images), "flip_images(images)")
        _require(np.array_equal(images, original), "flip_images changed its input; return a new array instead.")
        _same_shape_and_dtype(result, images, "flip_images(images)")
        if np.array_equal(result, transforms.flip(images, axis=0)):
            raise _Failed("the images are mirrored top to bottom; mirror them left to right (reverse the columns).")
        _require(
            np.array_equal(result, transforms.flip(images, axis=1)),
            "the result is not the left-right mirror image (column j should become column width-1-j).",
        )
        verified.append("mirrors a batch of 3 non-square 6x8 images left to right, exactly")
        channels = (images[..., None] * 255).astype(np.uint8)
        result = _as_array(flip_images(channels), "flip_images(uint8 images with a channel axis)")
        _same_shape_and_dtype(result, channels, "flip_images on (n, h, w, 1) uint8 images")
        _require(np.array_equal(result, transforms.flip(channels, axis=1)), "images shaped (n, h, w, 1) are not mirrored left to right.")
        verified.append("works on (n, height, width, 1) uint8 images too and leaves the input unchanged")

    return _run("check_flip", steps)


def check_permutation(permute_images: Callable[[np.ndarray, int], np.ndarray]) -> CheckResult:
    """Check ``permute_images(images, seed)`` shuffles pixel positions with one fixed, seed-chosen permutation."""
    _check_callable("check_permutation", permute_images)

    def steps(verified: list[str]) -> None:
        images = _test_images()
        result = _as_array(permute_images(images, 7), "permute_images(images, 7)")
        _same_shape_and_dtype(result, images, "permute_images(images, 7)")
        for k in range(len(images)):
            _require(
                np.array_equal(np.sort(result[k].ravel()), np.sort(images[k].ravel())),
                f"image {k} does not hold the same pixel values as before; a permutation only moves pixels around.",
            )
        _require(not np.array_equal(result, images), "the images came back unchanged; shuffle the pixel positions.")
        # where each pixel of each image went: the same for all images when one permutation is used
        moves = [np.argsort(result[k].ravel())[np.argsort(np.argsort(images[k].ravel()))] for k in range(len(images))]
        _require(
            all(np.array_equal(moves[0], m) for m in moves[1:]),
            "different images were shuffled differently; draw ONE permutation and apply it to every image.",
        )
        verified.append("moves pixels without changing them, with the same permutation for every image")
        again = _as_array(permute_images(images[::-1].copy(), 7), "a second call")[::-1]
        _require(
            np.array_equal(again, result),
            "a second call with the same seed shuffled differently; the permutation must depend only on the seed "
            "(use np.random.default_rng(seed)), so training and test images get the same one.",
        )
        other = _as_array(permute_images(images, 8), "permute_images(images, 8)")
        _require(not np.array_equal(other, result), "seeds 7 and 8 gave the same shuffle; the seed should choose the permutation.")
        verified.append("the same seed gives the same permutation on another call; another seed gives another one")

    return _run("check_permutation", steps)


def _blob(size: int = 28) -> np.ndarray:
    """Return one smooth off-centre blob image, so different interpolation methods agree closely."""
    rows, cols = np.mgrid[0:size, 0:size]
    return np.exp(-((rows - size * 0.3) ** 2 + (cols - size * 0.62) ** 2) / (2 * (size / 9) ** 2)).astype(np.float32)


def check_rotation(rotate_images: Callable[[np.ndarray, float], np.ndarray]) -> CheckResult:
    """Check ``rotate_images(images, degrees)`` turns images counter-clockwise about their centre at the same size,
    with black (0) where nothing of the original lands."""
    _check_callable("check_rotation", rotate_images)

    def steps(verified: list[str]) -> None:
        square = np.stack([_blob(), _blob()[::-1]])
        result = _as_array(rotate_images(square, 90), "rotate_images(images, 90)")
        _same_shape_and_dtype(result, square, "rotate_images(images, 90)")
        if np.allclose(result, np.rot90(square, -1, axes=(1, 2)), atol=1e-3):
            raise _Failed("90 degrees turned the images clockwise; positive angles turn counter-clockwise.")
        _require(
            np.allclose(result, np.rot90(square, 1, axes=(1, 2)), atol=1e-3),
            "rotating by 90 degrees does not give the image turned a quarter counter-clockwise (np.rot90).",
        )
        verified.append("90 degrees turns a quarter counter-clockwise, keeping shape and dtype")
        result = _as_array(rotate_images(square, 30), "rotate_images(images, 30)")
        _same_shape_and_dtype(result, square, "rotate_images(images, 30)")
        error = float(np.abs(result - transforms.rotate(square, 30)).max())
        _require(error < 0.1, f"at 30 degrees the images differ from a correct rotation by up to {error:.2f} (allowed: 0.1).")
        verified.append("30 degrees matches a correct rotation (any reasonable interpolation passes)")
        ones = np.ones((1, 28, 28), dtype=np.float32)
        turned = _as_array(rotate_images(ones, 45), "rotate_images(white image, 45)")
        corners = turned[0, [0, 0, -1, -1], [0, -1, 0, -1]]
        _require(
            np.all(corners < 0.1) and turned[0, 14, 14] > 0.9,
            "a white image turned by 45 degrees should be a white diamond on black: the corners come from outside "
            f"the original, so extend the canvas with zeros first (corners: {np.round(corners, 2).tolist()}).",
        )
        verified.append("the canvas is extended with black, so the corners of a turned white image are 0")

    return _run("check_rotation", steps)


# --------------------------------------------------------------------------- Exercise 9.2: number generator


def check_cluster_statistics(cluster_statistics: Callable[[np.ndarray, np.ndarray], tuple]) -> CheckResult:
    """Check ``cluster_statistics(codes, labels)`` returns per-class ``(centroids, spreads)``: mean and
    standard deviation of the codes of each label 0, 1, …, shaped (n_classes, code_size)."""
    _check_callable("check_cluster_statistics", cluster_statistics)

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(3)
        means = rng.normal(0, 5, size=(4, 2))
        stds = rng.uniform(0.2, 2.0, size=(4, 2))
        labels = rng.permutation(np.repeat(np.arange(4), [300, 200, 250, 400]))
        codes = (means[labels] + stds[labels] * rng.normal(size=(len(labels), 2))).astype(np.float32)
        answer = cluster_statistics(codes, labels)
        _require(isinstance(answer, tuple) and len(answer) == 2, "return a pair (centroids, spreads).")
        centroids, spreads = _as_array(answer[0], "centroids"), _as_array(answer[1], "spreads")
        for name, value in (("centroids", centroids), ("spreads", spreads)):
            _require(value.shape == (4, 2), f"{name} has shape {value.shape}; for 4 labels and 2-D codes it should be (4, 2).")
        true_means = np.stack([codes[labels == k].mean(axis=0) for k in range(4)])
        true_stds = np.stack([codes[labels == k].std(axis=0) for k in range(4)])
        _require(np.allclose(centroids, true_means, atol=1e-4), "centroids[k] should be the mean code of the images labelled k.")
        verified.append("centroids are the mean code of each label (labels shuffled, classes of different sizes)")
        _require(
            np.allclose(spreads, true_stds, rtol=0.01, atol=1e-4),
            "spreads[k] should be the standard deviation of each code dimension over the images labelled k.",
        )
        verified.append("spreads are the per-dimension standard deviation of each label's codes")

    return _run("check_cluster_statistics", steps)


def _codes_of(encoder: object, images: np.ndarray) -> np.ndarray:
    if hasattr(encoder, "predict"):
        return np.asarray(encoder.predict(images, verbose=0))
    return np.asarray(encoder(images))


def check_generate(
    generate: Callable[[int, int], np.ndarray],
    encoder: object,
    centroids: np.ndarray,
    spreads: np.ndarray,
    digits: tuple[int, ...] = tuple(range(10)),
) -> CheckResult:
    """Check ``generate(digit, n)`` returns ``n`` different images whose codes (by ``encoder``) lie near
    ``centroids[digit]``: their mean within 0.75 ``spreads[digit]`` of it, for almost every digit."""
    _check_callable("check_generate", generate)
    centroids, spreads = np.asarray(centroids, dtype=np.float64), np.asarray(spreads, dtype=np.float64)
    if centroids.ndim != 2 or len(centroids) < 2:
        raise ValueError(f"centroids must be shaped (n_classes >= 2, code_size), got {centroids.shape}.")
    if spreads.shape != centroids.shape or np.any(spreads <= 0):
        raise ValueError(f"spreads must be positive and shaped like centroids {centroids.shape}, got {spreads.shape}.")

    def steps(verified: list[str]) -> None:
        near, n = [], 12
        for digit in digits:
            images = _as_array(generate(digit, n), f"generate({digit}, {n})")
            _require(len(images) == n, f"generate({digit}, {n}) returned {len(images)} images instead of {n}.")
            _require(np.all(np.isfinite(images)), f"generate({digit}, {n}) returned NaN or infinite pixels.")
            spread = float(images.reshape(n, -1).std(axis=0).mean())
            _require(spread > 1e-4, f"generate({digit}, {n}) returned {n} identical images; draw different codes near the centroid.")
            codes = _codes_of(encoder, images).reshape(n, -1)
            _require(
                codes.shape[1] == centroids.shape[1],
                f"the encoder gives {codes.shape[1]}-D codes but centroids are {centroids.shape[1]}-D.",
            )
            # distance of the codes' mean from the centroid, in units of the digit's spread (root mean square over dimensions)
            near.append(float(np.sqrt(np.mean(((codes.mean(axis=0) - centroids[digit]) / spreads[digit]) ** 2))) < 0.75)
        needed = len(digits) - len(digits) // 5  # the decoder-encoder round trip is not exact, so allow a few misses
        _require(
            sum(near) >= needed,
            f"the generated images of only {sum(near)} of {len(digits)} digits encode back near their digit's centroid "
            f"(needed: {needed}); decode codes drawn around centroids[digit] with spread spreads[digit], "
            f"e.g. rng.normal(centroids[digit], spreads[digit], size=(n, 2)). "
            f"Missed: {[d for d, hit in zip(digits, near, strict=True) if not hit]}.",
        )
        verified.append(f"{n} different images per digit; for {sum(near)} of {len(digits)} digits they encode back near its centroid")

    return _run("check_generate", steps)


def check_interpolation(interpolate: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> CheckResult:
    """Check ``interpolate(start, end, steps)`` returns ``steps`` evenly spaced codes from ``start`` to ``end``, both included."""
    _check_callable("check_interpolation", interpolate)

    def steps(verified: list[str]) -> None:
        start, end = np.array([1.0, -2.0]), np.array([4.0, 2.0])
        result = _as_array(interpolate(start, end, 7), "interpolate(start, end, 7)")
        _require(result.shape == (7, 2), f"interpolate(start, end, 7) has shape {result.shape}; it should be (7, 2): 7 codes.")
        _require(np.allclose(result[0], start) and np.allclose(result[-1], end), "the first code should be start and the last end.")
        expected = start + np.linspace(0, 1, 7)[:, None] * (end - start)
        _require(np.allclose(result, expected), "the codes between start and end should be evenly spaced on the straight line.")
        verified.append("7 evenly spaced codes on the line from start to end, both included")
        three = _as_array(interpolate(np.zeros(3), np.ones(3), 2), "interpolate(zeros(3), ones(3), 2)")
        _require(
            three.shape == (2, 3) and np.allclose(three, [[0, 0, 0], [1, 1, 1]]), "with steps=2 return just [start, end] (any code size)."
        )
        verified.append("works for other code sizes and steps=2")

    return _run("check_interpolation", steps)


# --------------------------------------------------------------------------- denoising


def check_add_noise(add_noise: Callable[[np.ndarray, float, int], np.ndarray]) -> CheckResult:
    """Check ``add_noise(images, sigma, seed)`` adds Gaussian noise of standard deviation ``sigma`` and clips to [0, 1]."""
    _check_callable("check_add_noise", add_noise)

    def steps(verified: list[str]) -> None:
        gray = np.full((50, 28, 28), 0.5, dtype=np.float32)
        noisy = _as_array(add_noise(gray, 0.1, 0), "add_noise(images, 0.1, 0)")
        _require(np.array_equal(gray, np.full_like(gray, 0.5)), "add_noise changed its input; return a new array.")
        _same_shape_and_dtype(noisy, gray, "add_noise(images, 0.1, 0)")
        std, mean = float(noisy.std()), float(noisy.mean())
        _require(abs(std - 0.1) < 0.01, f"on a gray image with sigma=0.1 the noise has standard deviation {std:.3f}; it should be 0.1.")
        _require(abs(mean - 0.5) < 0.01, f"the noise should average 0, but the gray image's mean moved from 0.5 to {mean:.3f}.")
        verified.append("Gaussian noise with the requested standard deviation and mean 0")
        strong = _as_array(add_noise(_test_images(), 0.8, 1), "add_noise(images, 0.8, 1)")
        _require(strong.min() >= 0 and strong.max() <= 1, "noisy pixels must be clipped to [0, 1], the range of the images.")
        verified.append("clips the result to [0, 1]")
        again = _as_array(add_noise(gray, 0.1, 0), "a second call")
        other = _as_array(add_noise(gray, 0.1, 1), "add_noise(images, 0.1, 1)")
        _require(np.array_equal(again, noisy), "two calls with the same seed gave different noise; use np.random.default_rng(seed).")
        _require(not np.array_equal(other, noisy), "seeds 0 and 1 gave the same noise; the seed should choose it.")
        verified.append("the same seed gives the same noise, another seed other noise")

    return _run("check_add_noise", steps)


# --------------------------------------------------------------------------- pretraining


def check_labelled_subset(labelled_subset: Callable[[np.ndarray, int, int], np.ndarray]) -> CheckResult:
    """Check ``labelled_subset(labels, n, seed)`` returns ``n`` distinct indices, ``n / n_classes`` of each class."""
    _check_callable("check_labelled_subset", labelled_subset)

    def steps(verified: list[str]) -> None:
        labels = np.random.default_rng(5).choice(10, size=3000, p=np.linspace(1, 3, 10) / np.linspace(1, 3, 10).sum())
        for n in (10, 100, 1000):
            picked = _as_array(labelled_subset(labels, n, 0), f"labelled_subset(labels, {n}, 0)")
            _require(picked.shape == (n,), f"labelled_subset(labels, {n}, 0) returned shape {picked.shape}; it should be ({n},): indices.")
            _require(np.issubdtype(picked.dtype, np.integer), f"return integer indices into labels, got dtype {picked.dtype}.")
            _require(picked.min() >= 0 and picked.max() < len(labels), "some indices fall outside the labels array.")
            _require(len(np.unique(picked)) == n, f"the {n} indices are not all different; pick each image at most once.")
            counts = np.bincount(labels[picked], minlength=10)
            _require(np.all(counts == n // 10), f"with n={n} every digit should appear {n // 10} times, got counts {counts.tolist()}.")
        verified.append("n distinct valid indices with exactly n/10 images of every digit, for n = 10, 100, 1000 on unbalanced labels")
        first = _as_array(labelled_subset(labels, 100, 0), "a second call")
        other = _as_array(labelled_subset(labels, 100, 1), "labelled_subset(labels, 100, 1)")
        third = _as_array(labelled_subset(labels, 100, 0), "a third call")
        _require(np.array_equal(first, third), "the same seed must give the same indices.")
        _require(not np.array_equal(np.sort(first), np.sort(other)), "seeds 0 and 1 picked the same images; the seed should choose them.")
        verified.append("the same seed picks the same images, another seed others")

    return _run("check_labelled_subset", steps)
