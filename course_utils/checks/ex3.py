"""Checks of exercise 3 (denoising): the noise, the training pairs of the denoiser, and what the trained denoiser does."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from course_utils.checks._core import (
    CheckResult,
    TrainingSpy,
    as_array,
    call_student,
    check_callable,
    plural,
    predict,
    private_weight_cache,
    require,
    run,
    same_shape_and_dtype,
)

# The trained denoiser must bring the noisy test images at least this much closer to the clean ones (MSE ratio).
MAX_DENOISED_TO_NOISY = 0.5


def check_add_noise(add_noise: Callable[[np.ndarray, float, int], np.ndarray], seed: int = 0) -> CheckResult:
    """Check ``add_noise(images, sigma, seed)`` adds Gaussian noise of standard deviation ``sigma``, drawn
    independently for every pixel of every image from ``np.random.default_rng(seed)``, and clips to [0, 1].
    ``seed`` varies the check's own images and noise levels."""
    check_callable("check_add_noise", add_noise)

    def noisy(images: np.ndarray, sigma: float, noise_seed: int, what: str) -> np.ndarray:
        original = images.copy()
        result = as_array(call_student(add_noise, images, sigma, noise_seed, what=what), what)
        require(np.array_equal(images, original), "add_noise changed its input; return a new array.")
        same_shape_and_dtype(result, images, what)
        return result

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(seed)
        level = 0.5 if seed == 0 else round(float(rng.uniform(0.4, 0.6)), 3)
        sigma = 0.1 if seed == 0 else round(float(rng.uniform(0.06, 0.1)), 3)
        gray = np.full((50, 28, 28, 1), level, dtype=np.float32)  # the notebook's shape; far from 0 and 1, so no clipping
        what = f"add_noise(gray images, {sigma:g}, {seed})"
        result = noisy(gray, sigma, seed, what)
        noise = result.astype(np.float64) - level
        std, mean = float(noise.std()), float(noise.mean())
        require(
            abs(std - sigma) < 0.1 * sigma,
            f"on gray images shaped (n, 28, 28, 1) with sigma={sigma:g} the noise has standard deviation {std:.4f}; it should be "
            f"{sigma:g}"
            + (
                " (that is sigma squared: sigma is the standard deviation, not the variance)"
                if abs(std - sigma**2) < 0.1 * sigma**2
                else ""
            )
            + ".",
        )
        flat = noise.reshape(len(noise), -1)
        require(
            float(np.mean(flat.std(axis=1))) > 0.5 * sigma,
            "within an image every pixel got (almost) the same noise value; draw one value per pixel (a draw shaped like images).",
        )
        between_images = float(np.abs(np.corrcoef(flat)[np.triu_indices(len(flat), 1)]).mean())
        require(
            between_images < 0.2,
            f"the images share their noise (mean correlation between two images' noise: {between_images:.2f}); "
            "every image needs its own noise, so draw it for the whole batch at once, not one pattern for all.",
        )
        neighbours = float(np.corrcoef(noise[:, :, :-1].ravel(), noise[:, :, 1:].ravel())[0, 1])
        require(
            abs(neighbours) < 0.2,
            f"the noise of neighbouring pixels is correlated ({neighbours:.2f}); each pixel's noise must be an independent draw.",
        )
        require(
            abs(mean) < 0.1 * sigma, f"the noise should average 0, but the gray images' mean moved from {level:.3f} to {level + mean:.3f}."
        )
        values = len(np.unique(np.round(noise, 6)))
        require(
            values > 100,
            f"the noise takes only {values} different values; Gaussian noise takes a new real value at every pixel (rng.normal).",
        )
        distance = float(stats.kstest(flat.ravel() / sigma, "norm").statistic)
        require(
            distance < 0.02,
            f"the noise has the right mean and standard deviation but is not normally distributed (Kolmogorov-Smirnov "
            f"distance {distance:.3f} from a normal distribution over {flat.size:,} pixels); draw it from a normal "
            "(Gaussian) distribution.",
        )
        verified.append(
            f"Gaussian noise with standard deviation {sigma:g} (measured {std:.4f}, allowed within 10 %) and mean 0, "
            f"normally distributed (Kolmogorov-Smirnov distance {distance:.4f}, allowed 0.02), independent between images "
            "and pixels, on images shaped (n, 28, 28, 1)"
        )
        strong = noisy(np.linspace(0, 1, 3 * 6 * 8, dtype=np.float32).reshape(3, 6, 8), 0.8, seed + 1, "add_noise(images, 0.8, seed)")
        require(strong.min() >= 0 and strong.max() <= 1, "noisy pixels must be clipped to [0, 1], the range of the images.")
        verified.append("clips the result to [0, 1]")
        again = noisy(gray, sigma, seed, "a second call")
        other = noisy(gray, sigma, seed + 1, f"add_noise(images, {sigma:g}, {seed + 1})")
        require(np.array_equal(again, result), "two calls with the same seed gave different noise; use np.random.default_rng(seed).")
        require(not np.array_equal(other, result), f"seeds {seed} and {seed + 1} gave the same noise; the seed should choose it.")
        verified.append("the same seed gives the same noise, another seed other noise")

    return run("check_add_noise", steps)


def check_train_denoiser(
    train_denoiser: Callable[[np.ndarray, np.ndarray], tuple],
    clean_images: np.ndarray,
    noisy_images: np.ndarray,
    epochs: int,
    batch_size: int,
) -> CheckResult:
    """Check ``train_denoiser(noisy, clean)`` on a few images the check hands it: it must train a model with the
    NOISY images as input and the CLEAN images as target for ``epochs`` epochs, and return ``(model, fit result)``."""
    check_callable("check_train_denoiser", train_denoiser)
    clean, noisy = np.asarray(clean_images, dtype=np.float32), np.asarray(noisy_images, dtype=np.float32)
    if clean.shape != noisy.shape or np.array_equal(clean, noisy):
        raise ValueError("clean_images and noisy_images must be two different batches of one shape.")

    def same(a: object, b: np.ndarray) -> bool:
        return a is not None and np.shape(a) == b.shape and np.array_equal(np.asarray(a), b)

    def steps(verified: list[str]) -> None:
        what = f"train_denoiser(noisy, clean) on {len(clean)} images"
        with private_weight_cache(), TrainingSpy() as spy:
            answer = call_student(train_denoiser, noisy, clean, what=what)
        require(
            isinstance(answer, tuple) and len(answer) == 2 and hasattr(answer[0], "predict"),
            f"{what} should return (model, fit result); got {type(answer).__name__} {answer!r:.80}.",
        )
        model = answer[0]
        require(spy.calls, f"{what} never trained the model (no call of fit, directly or through fit_or_load).")
        call = spy.calls[-1]
        require(call.model is model, f"{what} returned a different model from the one it trained.")

        def kind(array: object) -> str:
            return "the noisy images" if same(array, noisy) else "the clean images" if same(array, clean) else "other images"

        source, target = kind(call.x), kind(call.y)
        meaning = {
            ("the clean images", "the clean images"): "that is an ordinary autoencoder, which never sees noise",
            ("the noisy images", "the noisy images"): "it learns to give back the noise too",
            ("the clean images", "the noisy images"): "it learns to add noise",
        }.get((source, target), "not the pair of images it was handed: train on its arguments, not on the notebook's data")
        right = (source, target) == ("the noisy images", "the clean images")
        wrong = None if right else f"{source} as input and {target} as target ({meaning})"
        require(wrong is None, f"{what} trained with {wrong}. A denoiser learns from pairs: NOISY images in, CLEAN images out.")
        require(
            call.kwargs.get("epochs", 1) == epochs and call.kwargs.get("batch_size", 32) == batch_size,
            f"{what} trained with epochs={call.kwargs.get('epochs', 1)}, batch_size={call.kwargs.get('batch_size', 32)}; "
            f"use EPOCHS ({epochs}) and BATCH_SIZE ({batch_size}).",
        )
        verified.append(
            f"trains on the pairs it is given, NOISY images in and CLEAN images out ({plural(epochs, 'epoch')}, batch {batch_size})"
        )

    return run("check_train_denoiser", steps)


def check_denoiser(denoiser: object, clean_images: np.ndarray, noisy_images: np.ndarray) -> CheckResult:
    """Check that the trained ``denoiser`` (a model or function) brings noisy images much closer to their clean
    originals: its output's MSE must be at most ``MAX_DENOISED_TO_NOISY`` times the noisy images' MSE."""
    clean, noisy = np.asarray(clean_images, dtype=np.float32), np.asarray(noisy_images, dtype=np.float32)
    if clean.shape != noisy.shape or clean.ndim < 3:
        raise ValueError(f"clean_images and noisy_images must be batches of one shape, got {clean.shape} and {noisy.shape}.")

    def steps(verified: list[str]) -> None:
        denoised = as_array(predict(denoiser, noisy), "the denoiser's output")
        require(denoised.shape == clean.shape, f"the denoiser's output has shape {denoised.shape}; it should be {clean.shape}.")
        require(np.all(np.isfinite(denoised)), "the denoiser's output holds NaN or infinite values.")
        before = float(np.mean((noisy.astype(np.float64) - clean) ** 2))
        after = float(np.mean((denoised.astype(np.float64) - clean) ** 2))
        require(
            after <= MAX_DENOISED_TO_NOISY * before,
            f"on the noisy test images the output is {after / before:.2f} times as far from the clean images as the noisy input "
            f"(MSE {after:.4f} against {before:.4f}); a trained denoiser gets below {MAX_DENOISED_TO_NOISY}. If train_denoiser "
            "passed its check, the model is not trained enough: train it with EPOCHS epochs on all of x_fit.",
        )
        verified.append(
            f"on {len(clean):,} test images the output's MSE is {after / before:.2f} times the noisy input's ({after:.4f} vs "
            f"{before:.4f}; at most {MAX_DENOISED_TO_NOISY})"
        )

    return run("check_denoiser", steps)
