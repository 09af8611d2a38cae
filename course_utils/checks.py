"""Self-checks for the exercises: ``print(check_*(your_function))`` and read the verdict.

Each check runs your function (or looks at what your code produced) on inputs of its own and compares
with what the exercise asks for. When everything holds it returns a :class:`CheckResult` that prints
``PASSED`` and what was verified; at the first thing that goes wrong it raises :class:`CheckFailed`
(an ``AssertionError``) saying what to fix, so nbgrader scores the test cell 0. Errors raised by your
function (including the ``NotImplementedError`` of an unfinished exercise) are not caught, so you see
their traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from course_utils import transforms


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a passed check: its name and what it verified."""

    check: str
    details: tuple[str, ...]

    def __repr__(self) -> str:
        return "\n".join([f"{self.check}: PASSED", *(f"  - {line}" for line in self.details)])

    __str__ = __repr__


class CheckFailed(AssertionError):
    """Raised by a check that found a mistake; the message names the check and what to fix."""


class _Failed(Exception):
    """Raised inside a check to stop at the first problem found."""


def _require(condition: object, explanation: str) -> None:
    if not condition:
        raise _Failed(explanation)


def _run(name: str, steps: Callable[[list[str]], None]) -> CheckResult:
    """Run ``steps`` (which appends what it verified to a list); turn its first failure into :class:`CheckFailed`."""
    verified: list[str] = []
    try:
        steps(verified)
    except _Failed as failure:
        raise CheckFailed(f"{name}: FAILED\n  - {failure}") from None
    return CheckResult(name, tuple(verified))


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


# --------------------------------------------------------------------------- ex1: transformations


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


def _pixel_sources(images: np.ndarray, result: np.ndarray) -> np.ndarray:
    """Return, for each image and each output position, the input position its pixel came from.

    Needs images whose pixel values are all different; a value that is not in the input gives -1.
    """
    n = len(images)
    flat_in, flat_out = images.reshape(n, -1), result.reshape(n, -1)
    sources = np.full(flat_out.shape, -1)
    for k in range(n):
        order = np.argsort(flat_in[k])
        where = np.clip(np.searchsorted(flat_in[k], flat_out[k], sorter=order), 0, flat_in.shape[1] - 1)
        found = flat_in[k][order[where]] == flat_out[k]
        sources[k][found] = order[where][found]
    return sources


def _neighbours_kept(source: np.ndarray, height: int, width: int) -> float:
    """Return the share of pairs of neighbouring pixels (side by side or one above the other) that are still neighbours."""
    destination = np.empty_like(source)
    destination[source] = np.arange(source.size)
    rows, cols = np.divmod(destination.reshape(height, width), width)
    pairs = [(rows[:, :-1], cols[:, :-1], rows[:, 1:], cols[:, 1:]), (rows[:-1], cols[:-1], rows[1:], cols[1:])]
    kept = [np.abs(r1 - r2) + np.abs(c1 - c2) == 1 for r1, c1, r2, c2 in pairs]
    return float(sum(k.sum() for k in kept) / sum(k.size for k in kept))


def check_permutation(permute_images: Callable[[np.ndarray, int], np.ndarray]) -> CheckResult:
    """Check ``permute_images(images, seed)`` scatters the pixel positions with one fixed, seed-chosen permutation
    that destroys locality: pixels that were neighbours end up far apart."""
    _check_callable("check_permutation", permute_images)

    def steps(verified: list[str]) -> None:
        height, width = 20, 24
        images = np.random.default_rng(0).permutation(3 * height * width).reshape(3, height, width).astype(np.float32)
        images /= images.size
        result = _as_array(permute_images(images, 7), "permute_images(images, 7)")
        _same_shape_and_dtype(result, images, "permute_images(images, 7)")
        sources = _pixel_sources(images, result)
        _require(
            np.all(sources >= 0) and all(len(np.unique(s)) == s.size for s in sources),
            "the images do not hold the same pixel values as before; a permutation only moves pixels around.",
        )
        _require(not np.array_equal(result, images), "the images came back unchanged; shuffle the pixel positions.")
        _require(
            all(np.array_equal(sources[0], s) for s in sources[1:]),
            "different images were shuffled differently; draw ONE permutation and apply it to every image.",
        )
        verified.append("moves pixels without changing them, with the same permutation for every image")
        kept = _neighbours_kept(sources[0], height, width)
        _require(
            kept < 0.1,
            f"{kept:.0%} of the pairs of neighbouring pixels are still neighbours afterwards, so the images keep their local "
            "structure (shuffling whole rows or columns, rolling, flipping or transposing does that). Draw a random order "
            "of all height*width pixel positions, so that neighbours end up far apart.",
        )
        verified.append(f"destroys locality: only {kept:.1%} of neighbouring pixels stay neighbours")
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


# --------------------------------------------------------------------------- ex2: number generator


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


def recognised_digits(images: np.ndarray) -> np.ndarray:
    """Return the digit (0-9) that the course's digit classifier (:mod:`course_utils.recognition`) reads in each 28x28 image."""
    from course_utils import recognition

    array = np.asarray(images, dtype=np.float32)
    if array.ndim not in (3, 4) or array.shape[1:3] != (28, 28):
        raise ValueError(f"images must be a batch of 28x28 images, got shape {array.shape}.")
    return recognition.read_digits(array.reshape(-1, 28, 28))[0]


def check_encoder_decoder(encoder: object, decoder: object, code_size: int = 2) -> CheckResult:
    """Check ``encoder`` maps (n, 28, 28) images to (n, code_size) codes and ``decoder`` maps codes back to
    (n, 28, 28) images, as two separate Keras models with lecture 01's layer sizes (784-500-300-code and back)."""
    import keras

    def steps(verified: list[str]) -> None:
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            _require(isinstance(model, keras.Model), f"{name} should be a keras.Model (e.g. keras.Sequential), got {type(model).__name__}.")
        images = np.random.default_rng(0).uniform(size=(3, 28, 28)).astype(np.float32)
        codes = _as_array(_predict(encoder, images), "encoder(images)")
        _require(codes.shape == (3, code_size), f"the encoder turns 3 images into shape {codes.shape}; it should give (3, {code_size}).")
        rebuilt = _as_array(_predict(decoder, codes), "decoder(codes)")
        _require(rebuilt.shape == (3, 28, 28), f"the decoder turns 3 codes into shape {rebuilt.shape}; it should give (3, 28, 28).")
        verified.append(f"encoder: (n, 28, 28) -> (n, {code_size}); decoder: (n, {code_size}) -> (n, 28, 28)")
        shared = {id(v) for v in encoder.weights} & {id(v) for v in decoder.weights}
        _require(not shared, "the encoder and the decoder share weights; build them from separate layers.")
        dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
        _require(
            [layer.units for layer in dense] == [500, 300, code_size],
            f"the encoder's Dense layers have {[layer.units for layer in dense]} units; lecture 01's have [500, 300, {code_size}].",
        )
        _require(
            dense[-1].activation.__name__ == "linear",
            f"the code layer uses a {dense[-1].activation.__name__} activation; leave it linear, so codes can take any value.",
        )
        units = [layer.units for layer in decoder.layers if isinstance(layer, keras.layers.Dense)]
        _require(units == [300, 500, 784], f"the decoder's Dense layers have {units} units; the mirror of the encoder has [300, 500, 784].")
        verified.append(f"lecture 01's layers: 784-500-300-{code_size} (linear code) and {code_size}-300-500-784, no weights shared")

    return _run("check_encoder_decoder", steps)


def check_generate(
    generate: Callable[[int, int], np.ndarray],
    decoder: object,
    centroids: np.ndarray,
    spreads: np.ndarray,
    spread_scale: float,
    n: int = 50,
    recognise: Callable[[np.ndarray], np.ndarray] | None = None,
) -> CheckResult:
    """Check ``generate(digit, n)`` returns ``n`` different images in [0, 1] that a digit classifier reads as
    ``digit`` about as often as images decoded from codes drawn around ``centroids[digit]`` (standard deviation
    ``spread_scale * spreads[digit]``). ``recognise`` maps images to digits (default: :func:`recognised_digits`)."""
    _check_callable("check_generate", generate)
    centroids, spreads = np.asarray(centroids, dtype=np.float64), np.asarray(spreads, dtype=np.float64)
    if centroids.ndim != 2 or len(centroids) < 2:
        raise ValueError(f"centroids must be shaped (n_classes >= 2, code_size), got {centroids.shape}.")
    if spreads.shape != centroids.shape or np.any(spreads <= 0):
        raise ValueError(f"spreads must be positive and shaped like centroids {centroids.shape}, got {spreads.shape}.")
    recognise = recognised_digits if recognise is None else recognise

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(1234)
        yours, reference = [], []
        for digit in range(len(centroids)):
            images = _as_array(generate(digit, n), f"generate({digit}, {n})")
            _require(len(images) == n, f"generate({digit}, {n}) returned {len(images)} images instead of {n}.")
            _require(np.all(np.isfinite(images)), f"generate({digit}, {n}) returned NaN or infinite pixels.")
            _require(
                images.min() >= 0 and images.max() <= 1,
                f"generate({digit}, {n}) returned pixels outside [0, 1] (from {images.min():.2f} to {images.max():.2f}); "
                "the decoder's output is not limited to the range of an image, so clip it.",
            )
            spread = float(images.reshape(n, -1).std(axis=0).mean())
            _require(spread > 1e-4, f"generate({digit}, {n}) returned {n} identical images; draw a different code for every image.")
            yours.append(float(np.mean(recognise(images) == digit)))
            codes = rng.normal(centroids[digit], spread_scale * spreads[digit], size=(n, centroids.shape[1]))
            reference.append(float(np.mean(recognise(np.clip(_predict(decoder, codes), 0, 1)) == digit)))
        verified.append(f"{n} different images with pixels in [0, 1] for each of the {len(centroids)} digits")
        yours_mean, reference_mean = float(np.mean(yours)), float(np.mean(reference))
        worst = int(np.argmax(np.subtract(reference, yours)))
        _require(
            yours_mean >= reference_mean - 0.1 and reference[worst] - yours[worst] < 0.4,
            f"a digit classifier reads the requested digit in {yours_mean:.0%} of your images, but in {reference_mean:.0%} of images "
            f"decoded from codes around each digit's centroid (worst: digit {worst}, {yours[worst]:.0%} against {reference[worst]:.0%}). "
            "Draw each code near centroids[digit], with the digit's own spread, and decode it.",
        )
        verified.append(
            f"a digit classifier reads the requested digit in {yours_mean:.0%} of them "
            f"(codes drawn around the centroids and decoded: {reference_mean:.0%})"
        )

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


# --------------------------------------------------------------------------- ex3: denoising


def check_add_noise(add_noise: Callable[[np.ndarray, float, int], np.ndarray]) -> CheckResult:
    """Check ``add_noise(images, sigma, seed)`` adds Gaussian noise of standard deviation ``sigma``, drawn
    independently for every pixel of every image, and clips to [0, 1]."""
    _check_callable("check_add_noise", add_noise)

    def steps(verified: list[str]) -> None:
        gray = np.full((50, 28, 28), 0.5, dtype=np.float32)
        noisy = _as_array(add_noise(gray, 0.1, 0), "add_noise(images, 0.1, 0)")
        _require(np.array_equal(gray, np.full_like(gray, 0.5)), "add_noise changed its input; return a new array.")
        _same_shape_and_dtype(noisy, gray, "add_noise(images, 0.1, 0)")
        noise = noisy.astype(np.float64) - 0.5
        std, mean = float(noise.std()), float(noise.mean())
        _require(abs(std - 0.1) < 0.01, f"on a gray image with sigma=0.1 the noise has standard deviation {std:.3f}; it should be 0.1.")
        flat = noise.reshape(len(noise), -1)
        same_pixels = float(np.mean(flat.std(axis=1)))
        _require(
            same_pixels > 0.05,
            "within an image every pixel got (almost) the same noise value; draw one value per pixel (a draw shaped like images).",
        )
        between_images = float(np.abs(np.corrcoef(flat)[np.triu_indices(len(flat), 1)]).mean())
        _require(
            between_images < 0.2,
            f"the images share their noise (mean correlation between two images' noise: {between_images:.2f}); "
            "every image needs its own noise, so draw it for the whole batch at once, not one pattern for all.",
        )
        neighbours = float(np.corrcoef(noise[:, :, :-1].ravel(), noise[:, :, 1:].ravel())[0, 1])
        _require(
            abs(neighbours) < 0.2,
            f"the noise of neighbouring pixels is correlated ({neighbours:.2f}); each pixel's noise must be an independent draw.",
        )
        _require(abs(mean) < 0.01, f"the noise should average 0, but the gray image's mean moved from 0.5 to {0.5 + mean:.3f}.")
        verified.append("Gaussian noise with the requested standard deviation and mean 0, independent between images and pixels")
        strong = _as_array(add_noise(_test_images(), 0.8, 1), "add_noise(images, 0.8, 1)")
        _require(strong.min() >= 0 and strong.max() <= 1, "noisy pixels must be clipped to [0, 1], the range of the images.")
        verified.append("clips the result to [0, 1]")
        again = _as_array(add_noise(gray, 0.1, 0), "a second call")
        other = _as_array(add_noise(gray, 0.1, 1), "add_noise(images, 0.1, 1)")
        _require(np.array_equal(again, noisy), "two calls with the same seed gave different noise; use np.random.default_rng(seed).")
        _require(not np.array_equal(other, noisy), "seeds 0 and 1 gave the same noise; the seed should choose it.")
        verified.append("the same seed gives the same noise, another seed other noise")

    return _run("check_add_noise", steps)


def _predict(model: object, inputs: np.ndarray) -> np.ndarray:
    if hasattr(model, "predict"):
        return np.asarray(model.predict(inputs, verbose=0))
    return np.asarray(model(inputs))


def check_denoiser(denoiser: object, clean_images: np.ndarray, noisy_images: np.ndarray) -> CheckResult:
    """Check that ``denoiser`` (a model or function) brings noisy images closer to their clean originals than they were."""
    clean, noisy = np.asarray(clean_images, dtype=np.float32), np.asarray(noisy_images, dtype=np.float32)
    if clean.shape != noisy.shape or clean.ndim < 3:
        raise ValueError(f"clean_images and noisy_images must be batches of one shape, got {clean.shape} and {noisy.shape}.")

    def steps(verified: list[str]) -> None:
        denoised = _as_array(_predict(denoiser, noisy), "the denoiser's output")
        _require(denoised.shape == clean.shape, f"the denoiser's output has shape {denoised.shape}; it should be {clean.shape}.")
        _require(np.all(np.isfinite(denoised)), "the denoiser's output holds NaN or infinite values.")
        before = float(np.mean((noisy - clean) ** 2))
        after = float(np.mean((denoised - clean) ** 2))
        _require(
            after < 0.8 * before,
            f"the denoised images are not closer to the clean ones than the noisy input (MSE {after:.4f} against {before:.4f}); "
            "train with the NOISY images as input and the CLEAN images as target.",
        )
        verified.append(
            f"on {len(clean):,} test images the output is closer to the clean images than the input (MSE {after:.4f} vs {before:.4f})"
        )

    return _run("check_denoiser", steps)


# --------------------------------------------------------------------------- ex4: pretraining


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


def check_classifiers(build_classifier: Callable[[str], object], encoder: object) -> CheckResult:
    """Check ``build_classifier(variant)`` for the variants "frozen" (the pretrained ``encoder``, not trained),
    "fine-tuned" (a trainable copy of it) and "scratch" (a new encoder that shares nothing with it)."""
    _check_callable("check_classifiers", build_classifier)
    before = [np.array(w) for w in encoder.get_weights()]
    pretrained = [w for w in before if np.ptp(w) > 0]  # constant arrays (e.g. untrained biases) say nothing about their origin
    pretrained_ids = {id(v) for v in encoder.weights}

    def encoder_arrays(variables: list) -> list[np.ndarray]:
        values = [v.numpy() for v in variables]
        return [w for w in values if any(w.shape == p.shape and np.array_equal(w, p) for p in pretrained)]

    def steps(verified: list[str]) -> None:
        def build(variant: str) -> object:
            model = build_classifier(variant)
            what = f'build_classifier("{variant}")'
            _require(hasattr(model, "trainable_weights"), f"{what} should return a Keras model, got {type(model).__name__}.")
            out = _as_array(_predict(model, np.zeros((2, 28, 28), np.float32)), f"{what} on 2 images")
            _require(out.shape == (2, 10), f"{what} gives outputs shaped {out.shape} for 2 images; it should be (2, 10).")
            return model

        def frozen_holds_encoder(model: object) -> bool:
            return len(encoder_arrays(model.non_trainable_weights)) == len(pretrained) and not encoder_arrays(model.trainable_weights)

        frozen = build("frozen")
        _require(
            frozen_holds_encoder(frozen),
            'the "frozen" classifier must hold the pretrained encoder\'s weights and not train them (trainable_encoder=False).',
        )
        _require(frozen.trainable_weights, 'the "frozen" classifier has nothing to train; only its encoder should be frozen, not the head.')
        tuned, scratch = build("fine-tuned"), build("scratch")
        verified.append('"frozen": the pretrained encoder, not trainable, under a trainable head')
        _require(
            len(encoder_arrays(tuned.trainable_weights)) == len(pretrained),
            'the "fine-tuned" classifier must start from the pretrained encoder\'s weights and train them.',
        )
        _require(
            not pretrained_ids & {id(v) for v in tuned.weights},
            'the "fine-tuned" classifier trains the pretrained encoder itself, which would change it for the frozen runs too; '
            "fine-tune a copy (a new encoder of the same architecture with the pretrained weights set into it).",
        )
        verified.append('"fine-tuned": a trainable copy of the pretrained encoder (the original stays untouched)')
        _require(
            not pretrained_ids & {id(v) for v in scratch.weights} and not encoder_arrays(scratch.weights),
            'the "scratch" classifier starts from the pretrained encoder\'s weights; from scratch means a newly built encoder.',
        )
        _require(
            len(scratch.trainable_weights) == len(scratch.weights),
            'the "scratch" classifier has frozen weights; a network trained from scratch trains all of them.',
        )
        verified.append('"scratch": a new, fully trainable encoder that shares no weights with the pretrained one')
        _require(
            all(np.array_equal(a, b) for a, b in zip(before, encoder.get_weights(), strict=True)),
            "building the classifiers changed the pretrained encoder's weights.",
        )
        _require(
            frozen_holds_encoder(frozen),
            "building the other classifiers made the frozen classifier's encoder trainable again: they reuse the pretrained "
            "encoder object itself; give them their own encoder.",
        )

    return _run("check_classifiers", steps)


def check_test_accuracies(runs: Mapping[object, list], x_test: np.ndarray, y_test: np.ndarray) -> CheckResult:
    """Check that every ``(accuracy, classifier)`` in ``runs`` (lists of them, one per labelled subset) reports the
    classifier's accuracy on the test images ``x_test``, ``y_test`` (only the first of each list is recomputed)."""
    x_test, y_test = np.asarray(x_test), np.asarray(y_test)

    def steps(verified: list[str]) -> None:
        for key, results in runs.items():
            _require(len(results) > 0, f"runs[{key!r}] is empty.")
            for accuracy, _ in results:
                _require(
                    np.ndim(accuracy) == 0 and 0 <= float(accuracy) <= 1,
                    f"the accuracy of {key!r} is {accuracy!r}; return one number between 0 and 1 "
                    "(model.evaluate returns [loss, accuracy]).",
                )
            accuracy, classifier = results[0]
            actual = float(np.mean(_predict(classifier, x_test).argmax(axis=1) == y_test))
            _require(
                abs(float(accuracy) - actual) < 2e-3,
                f"for {key!r} you report an accuracy of {float(accuracy):.3f}, but the classifier classifies {actual:.3f} of the test "
                "images correctly; measure the accuracy on the test images (x_eval, y_eval), not on the labelled training images.",
            )
        verified.append(f"the {len(runs)} settings report their classifiers' accuracies on the {len(x_test):,} test images")

    return _run("check_test_accuracies", steps)


def check_test_errors(trained: Mapping[tuple[str, str], tuple], test_sets: Mapping[str, np.ndarray]) -> CheckResult:
    """Check that each ``trained[name, kind] = (error, model, fit result)`` reports the model's mean squared error
    on ``test_sets[name]``, and that the model was trained."""

    def steps(verified: list[str]) -> None:
        for (name, kind), entry in trained.items():
            _require(
                isinstance(entry, tuple) and len(entry) == 3,
                f"train_and_score should return (test MSE, model, fit result); got {entry!r:.80}.",
            )
            error, model, result = entry
            images = np.asarray(test_sets[name])
            actual = float(np.mean((_predict(model, images).reshape(images.shape) - images) ** 2))
            _require(
                np.ndim(error) == 0 and abs(float(error) - actual) <= 1e-3 * max(actual, 1e-6) + 1e-6,
                f"the {kind} model on {name!r} reports an error of {float(np.ravel(error)[0]):.5f}, but its MSE on the test images "
                f"of that set is {actual:.5f}; return the mean squared error on x_test, the images the model was not trained on.",
            )
            _require(
                hasattr(result, "history") and len(result.history.get("loss", [])) > 0,
                f"the {kind} model on {name!r} has no training history; train it with fit_or_load and return its result.",
            )
        verified.append(f"all {len(trained)} errors are the trained models' MSE on their test sets")

    return _run("check_test_errors", steps)


# --------------------------------------------------------------------------- ex5: variational autoencoder


def _to_numpy(value: object, what: str) -> np.ndarray:
    import keras

    try:
        return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
    except Exception as error:  # a student's function may return anything
        raise _Failed(f"{what} is not a tensor or an array ({type(value).__name__}: {error}).") from None


def check_reparameterise(reparameterise: Callable[[object, object, object], object]) -> CheckResult:
    """Check ``reparameterise(mean, log_var, seed_generator)`` returns ``mean + exp(log_var / 2) * eps`` with fresh
    standard normal noise ``eps`` for every entry, drawn with ``seed_generator``, on every call."""
    _check_callable("check_reparameterise", reparameterise)
    import keras

    def steps(verified: list[str]) -> None:
        n = 20_000
        centre = np.array([0.0, 2.0, -1.0, 0.5], dtype=np.float32)
        std = np.array([1.0, 2.0, 0.5, 0.1], dtype=np.float32)
        mean = np.tile(centre, (n, 1))
        log_var = np.tile(2.0 * np.log(std), (n, 1))
        generator = keras.random.SeedGenerator(7)
        what = "reparameterise(mean, log_var, seed_generator)"
        z = _to_numpy(reparameterise(keras.ops.convert_to_tensor(mean), keras.ops.convert_to_tensor(log_var), generator), what)
        _require(z.shape == mean.shape, f"{what} has shape {z.shape}; it should have the shape of mean, {mean.shape}: one code per row.")
        _require(np.all(np.isfinite(z)), f"{what} holds NaN or infinite values.")
        _require(
            float(z.std(axis=0).max()) > 1e-6 or float(np.abs(z - mean).max()) > 1e-6,
            "the codes do not vary at all: add noise, z = mean + exp(log_var / 2) * eps with eps drawn from N(0, 1).",
        )
        _require(
            float(z.std(axis=0).min()) > 1e-4,
            "every row got the same noise; draw eps with the shape of mean (keras.ops.shape(mean)), not one value per dimension.",
        )
        scaled = (z - mean) / std
        _require(
            abs(float(np.corrcoef(scaled[:, 0], scaled[:, 1])[0, 1])) < 0.1,
            "the latent dimensions of a row share one noise value; draw eps with the shape of mean, one value per entry.",
        )
        measured_mean, measured_std = z.mean(axis=0), z.std(axis=0)
        _require(
            np.all(np.abs(measured_mean - centre) < 0.05 * np.maximum(std, 0.5)),
            f"the codes average {np.round(measured_mean, 2).tolist()} for means {centre.tolist()}; "
            "the noise must be centred on mean (eps ~ N(0, 1), z = mean + std * eps).",
        )
        relative = measured_std / std
        if np.all(np.abs(measured_std / std**2 - 1) < 0.05):
            raise _Failed(
                f"the codes have standard deviations {np.round(measured_std, 3).tolist()}, which is exp(log_var), the VARIANCE; "
                "the standard deviation is exp(log_var / 2)."
            )
        if np.all(np.abs(measured_std - 1) < 0.05):
            raise _Failed(
                f"the codes have standard deviation 1 whatever log_var is (asked for {std.tolist()}); "
                "scale the noise by the standard deviation exp(log_var / 2)."
            )
        _require(
            np.all(np.abs(relative - 1) < 0.05),
            f"the codes have standard deviations {np.round(measured_std, 3).tolist()}; asked for {std.tolist()} "
            "(log_var is the log of the variance, so the standard deviation is exp(log_var / 2)).",
        )
        verified.append(f"{n:,} codes per dimension have the requested means and standard deviations exp(log_var / 2)")
        small = [keras.ops.convert_to_tensor(a[:100]) for a in (mean, log_var)]
        again = _to_numpy(reparameterise(*small, generator), what)
        third = _to_numpy(reparameterise(*small, generator), what)
        _require(
            not np.allclose(again, third),
            "two calls gave the same codes: the noise must be fresh on every call, so pass seed=seed_generator to "
            "keras.random.normal (a fixed integer seed draws the same noise every time).",
        )
        verified.append("every call draws fresh noise from the seed generator")

    return _run("check_reparameterise", steps)


def _vae_loss_parts(images: np.ndarray, logits: np.ndarray, mean: np.ndarray, log_var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return per image the Bernoulli reconstruction term summed over pixels and the KL term summed over dimensions."""
    per_pixel = np.logaddexp(0.0, logits) - images * logits
    reconstruction = per_pixel.reshape(len(images), -1).sum(axis=1)
    kl = -0.5 * np.sum(1.0 + log_var - mean**2 - np.exp(log_var), axis=-1)
    return reconstruction, kl


def check_vae_loss(vae_loss: Callable[[object, object, object, object, float], object]) -> CheckResult:
    """Check ``vae_loss(images, logits, mean, log_var, beta)`` returns the batch mean of the Bernoulli reconstruction
    term summed over pixels plus ``beta`` times the KL term summed over the latent dimensions (nats per image)."""
    _check_callable("check_vae_loss", vae_loss)
    import keras

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(3)
        images = (rng.random((6, 28, 28)) < 0.3).astype(np.float32)
        logits = (np.where(images > 0, 2.0, -2.0) + rng.normal(0.0, 1.0, images.shape)).astype(np.float32)
        mean = rng.normal(0.0, 2.0, (6, 8)).astype(np.float32)
        log_var = rng.normal(-1.0, 0.5, (6, 8)).astype(np.float32)
        rec, kl = _vae_loss_parts(images.astype(np.float64), logits.astype(np.float64), mean.astype(np.float64), log_var.astype(np.float64))
        pixels, latent = images[0].size, mean.shape[1]
        for beta in (1.0, 3.0):
            what = f"vae_loss(images, logits, mean, log_var, beta={beta:g})"
            tensors = [keras.ops.convert_to_tensor(a) for a in (images, logits, mean, log_var)]
            value = _to_numpy(vae_loss(*tensors, beta), what)
            _require(
                value.size == 1,
                f"{what} has shape {value.shape}; it should be one number, the loss averaged over the batch.",
            )
            loss = float(value.ravel()[0])
            expected = float(np.mean(rec + beta * kl))

            def close(candidate: float, loss: float = loss) -> bool:
                return abs(loss - candidate) <= 1e-4 * abs(candidate) + 1e-3

            if close(expected):
                continue
            if close(float(np.mean(rec / pixels + beta * kl))) or close(float(np.mean(rec / pixels))) or loss < np.mean(rec) / 20:
                raise _Failed(
                    f"{what} = {loss:.4g}, but -ELBO is {expected:.1f} nats: the reconstruction term looks averaged over the "
                    f"{pixels} pixels instead of summed, which makes the KL term {pixels} times too strong. Sum over the pixels."
                )
            if close(float(np.mean(rec))):
                raise _Failed(f"{what} = {loss:.1f} equals the reconstruction term alone: the KL term ({np.mean(kl):.1f} nats) is missing.")
            if close(float(np.mean(rec + kl))):
                raise _Failed(f"{what} = {loss:.1f} ignores beta: the KL term must be multiplied by beta.")
            if close(float(np.mean(rec + beta * kl / latent))):
                raise _Failed(
                    f"{what} = {loss:.1f}: the KL term looks averaged over the {latent} latent dimensions; sum it over them."
                )
            if close(float(np.sum(rec + beta * kl))):
                raise _Failed(f"{what} = {loss:.1f} is the sum over the batch of {len(images)} images; average over the batch.")
            if close(float(np.mean(rec - beta * kl))):
                raise _Failed(f"{what} = {loss:.1f}: the KL term has the wrong sign; it is added to the reconstruction term.")
            raise _Failed(
                f"{what} = {loss:.2f}, but the batch mean of reconstruction {np.mean(rec):.2f} + beta * KL "
                f"{np.mean(kl):.2f} is {expected:.2f} nats; the reconstruction term is the Bernoulli negative log-likelihood "
                "from logits, softplus(logits) - images * logits, summed over the pixels."
            )
        verified.append("reconstruction summed over pixels + beta * KL summed over latent dimensions, averaged over the batch")
        verified.append("checked for beta = 1 and beta = 3")

    return _run("check_vae_loss", steps)


def check_beta_runs(results: Mapping[float, Mapping[str, float]], betas: tuple[float, ...]) -> CheckResult:
    """Check ``results[beta] = {"reconstruction": ..., "kl": ...}`` (nats per test image, as from
    ``variational.elbo_terms``) holds one trained VAE per ``beta``, and that a larger beta bought a smaller KL term
    (rate) with a larger reconstruction term (distortion)."""
    betas = tuple(sorted(float(b) for b in betas))
    if len(betas) < 2:
        raise ValueError(f"betas must hold at least two KL weights, got {betas!r}.")

    def steps(verified: list[str]) -> None:
        _require(isinstance(results, Mapping), f"results should be a dict from beta to elbo_terms(...), got {type(results).__name__}.")
        rows = {}
        for beta in betas:
            matching = [value for key, value in results.items() if isinstance(key, (int, float)) and abs(float(key) - beta) < 1e-9]
            _require(matching, f"results has no entry for beta = {beta:g}; train one VAE per beta in BETAS and store results[beta].")
            entry = matching[0]
            _require(
                isinstance(entry, Mapping) and {"reconstruction", "kl"} <= set(entry),
                f"results[{beta:g}] should be variational.elbo_terms(...), a dict with 'reconstruction' and 'kl'; got {entry!r:.80}.",
            )
            rec, kl = float(entry["reconstruction"]), float(entry["kl"])
            _require(np.isfinite(rec) and np.isfinite(kl), f"results[{beta:g}] holds NaN or infinite values: training diverged.")
            _require(
                rec > 5.0,
                f"the reconstruction term for beta = {beta:g} is {rec:.3g} nats, far too small for a 784-pixel image: it looks "
                "averaged over the pixels; report it summed over the pixels, in nats per image (elbo_terms does this).",
            )
            _require(kl >= 0, f"the KL term for beta = {beta:g} is {kl:.3g}; a KL divergence is never negative.")
            rows[beta] = (rec, kl)
        verified.append(f"one result per beta ({', '.join(f'{b:g}' for b in betas)}), in nats per image")
        (rec_low, kl_low), (rec_high, kl_high) = rows[betas[0]], rows[betas[-1]]
        _require(
            (rec_low, kl_low) != (rec_high, kl_high),
            f"beta = {betas[0]:g} and beta = {betas[-1]:g} report the same numbers; build and train a new VAE for every beta.",
        )
        _require(
            kl_high < kl_low,
            f"the KL term did not fall as beta rose ({kl_low:.1f} nats at beta = {betas[0]:g}, {kl_high:.1f} at beta = {betas[-1]:g}); "
            "did each VAE get its own beta (build_vae(beta)) and a fresh start?",
        )
        _require(
            rec_high > rec_low,
            f"the reconstruction term did not grow as beta rose ({rec_low:.1f} nats at beta = {betas[0]:g}, {rec_high:.1f} at "
            f"beta = {betas[-1]:g}); did each VAE get its own beta and a fresh start?",
        )
        verified.append(
            f"beta {betas[0]:g} -> {betas[-1]:g}: KL {kl_low:.1f} -> {kl_high:.1f} nats, "
            f"reconstruction {rec_low:.1f} -> {rec_high:.1f} nats"
        )

    return _run("check_beta_runs", steps)
