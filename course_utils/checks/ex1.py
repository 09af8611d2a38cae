"""Checks of exercise 1 (transformations): flip, pixel permutation, rotation, and training on transformed images."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from course_utils.checks import _oracles
from course_utils.checks._core import (
    CheckResult,
    Problem,
    TrainingSpy,
    architecture,
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

# Locality limits for a permutation, measured on 20x24 images: over 2,000 random permutations at most 2.1 % of the
# neighbouring pairs stay neighbours and at most 11.8 % still share a row or a column; a row-then-column shuffle
# keeps every pair in one row or column (100 %), one that shuffles columns row by row keeps at least 51 %.
MAX_NEIGHBOURS_KEPT = 0.05
MAX_SAME_LINE = 0.3


def _distinct_images(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Return float32 images of ``shape`` whose pixel values are all different, across the whole batch."""
    size = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(size).reshape(shape).astype(np.float32) + 1) / (size + 1)


def _reversed_axes(result: np.ndarray, images: np.ndarray) -> list[int]:
    """Return the axes (of 1, 2, 3) whose reversal turns ``images`` into ``result``."""
    return [axis for axis in range(1, images.ndim) if np.array_equal(result, np.flip(images, axis=axis))]


def _transformed(function: Callable, name: str, images: np.ndarray, *args: object, what: str, in_place: str = "") -> np.ndarray:
    """Call the student's transformation ``name`` on ``images``; require it to leave them unchanged and to return an
    array of their shape and dtype. ``in_place`` says how it would have changed them, for the message."""
    original = images.copy()
    result = as_array(call_student(function, images, *args, what=what), what)
    require(np.array_equal(images, original), f"{name} changed its input{in_place}; return a new array instead.")
    same_shape_and_dtype(result, images, what)
    return result


def check_flip(flip_images: Callable[[np.ndarray], np.ndarray], data: np.ndarray | None = None) -> CheckResult:
    """Check ``flip_images(images)`` mirrors every image left-right, keeping shape and dtype, on 3-D and 4-D batches
    (and on ``data``, e.g. the notebook's own images, when given)."""
    check_callable("check_flip", flip_images)

    def one(images: np.ndarray, what: str) -> None:
        result = _transformed(flip_images, "flip_images", images, what=f"flip_images({what})", in_place=" (it flipped in place)")
        if np.array_equal(result, np.flip(images, axis=1)):
            raise Problem("the images are mirrored top to bottom; mirror them left to right (reverse the columns).")
        if np.array_equal(result, images):
            raise Problem(f"flip_images({what}) returned the images unchanged (on this shape the axis you reversed has length 1).")
        if not np.array_equal(result, _oracles.mirror_left_right(images)):
            axes = _reversed_axes(result, images)
            where = f" it reversed axis {axes[0]} instead of axis 2, the columns" if axes else ""
            raise Problem(f"flip_images({what}) is not the left-right mirror image (column j should become column width-1-j);{where}.")

    def steps(verified: list[str]) -> None:
        one(_distinct_images((3, 6, 8)), "3 images of 6x8")
        verified.append("mirrors a batch of non-square 6x8 images left to right, exactly, and leaves the input unchanged")
        one(_distinct_images((4, 28, 28, 1)), "images shaped (n, 28, 28, 1) like the notebook's")
        one((_distinct_images((2, 6, 8, 1)) * 255).astype(np.uint8), "uint8 images with a channel axis")
        verified.append("works on (n, 28, 28, 1) float images, the notebook's shape, and on uint8 images")
        if data is not None:
            one(np.array(data), f"the notebook's {len(data)} images")
            verified.append(f"mirrors the notebook's own {len(data)} images")

    return run("check_flip", steps)


# --------------------------------------------------------------------------- permutation


def _pixel_sources(images: np.ndarray, result: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each image and output position, the image and the position its value came from (-1: not found).

    Needs a batch whose pixel values are all different (also between images)."""
    n = len(images)
    flat_in, flat_out = images.reshape(-1), result.reshape(n, -1)
    order = np.argsort(flat_in, kind="stable")
    where = np.clip(np.searchsorted(flat_in, flat_out, sorter=order), 0, flat_in.size - 1)
    found = flat_in[order[where]] == flat_out
    source = np.where(found, order[where], -1)
    per_image = flat_out.shape[1]
    return np.where(found, source // per_image, -1), np.where(found, source % per_image, -1)


def locality(source: np.ndarray, height: int, width: int) -> tuple[float, float]:
    """Return, for one permutation (``source[k]`` = input position of output position ``k``), the share of pairs of
    neighbouring pixels that are still neighbours, and the share that still share a row or a column."""
    destination = np.empty_like(source)
    destination[source] = np.arange(source.size)
    rows, cols = np.divmod(destination.reshape(height, width), width)
    pairs = [(rows[:, :-1], cols[:, :-1], rows[:, 1:], cols[:, 1:]), (rows[:-1], cols[:-1], rows[1:], cols[1:])]
    total = sum(r1.size for r1, *_ in pairs)
    kept = sum(int((np.abs(r1 - r2) + np.abs(c1 - c2) == 1).sum()) for r1, c1, r2, c2 in pairs)
    line = sum(int(((r1 == r2) | (c1 == c2)).sum()) for r1, c1, r2, c2 in pairs)
    return kept / total, line / total


def _locality_problem(kept: float, line: float) -> str:
    """Return the message for a rearrangement that keeps too much locality, naming the likely way it was made."""
    if line >= 0.99:
        return (
            f"{line:.0%} of the pairs of neighbouring pixels still share a row or a column afterwards: whole rows and columns "
            "were moved (shuffled separately, one after the other, or only one of them), so every row of an image stays "
            "together in one row or column. Draw ONE random order of all height*width pixel positions at once."
        )
    if kept >= 0.25 or line < MAX_SAME_LINE:
        return (
            f"{kept:.0%} of the pairs of neighbouring pixels are still neighbours afterwards, so the images keep their local "
            "structure (rolling, flipping, transposing or shuffling small blocks does that). Draw a random order of all "
            "height*width pixel positions, so that neighbours end up far apart."
        )
    return (
        f"{line:.0%} of the pairs of neighbouring pixels still share a row or a column afterwards: the pixels of a row were "
        "shuffled within that row (or a column within its column). Draw ONE random order of all height*width pixel "
        "positions at once."
    )


def check_permutation(permute_images: Callable[[np.ndarray, int], np.ndarray], data: np.ndarray | None = None) -> CheckResult:
    """Check ``permute_images(images, seed)`` moves the pixels of every image by one fixed, seed-chosen permutation
    that destroys locality: neighbours end up far apart, in other rows and columns."""
    check_callable("check_permutation", permute_images)

    def permuted(images: np.ndarray, seed: int, what: str) -> np.ndarray:
        return _transformed(permute_images, "permute_images", images, seed, what=what, in_place=" (it shuffled in place)")

    def steps(verified: list[str]) -> None:
        height, width = 20, 24
        images = _distinct_images((3, height, width))
        result = permuted(images, 7, "permute_images(images, 7)")
        from_image, source = _pixel_sources(images, result)
        require(
            np.all(source >= 0),
            "the result holds values that were not in the input; a permutation only moves pixels, it does not change them.",
        )
        require(
            np.all(from_image == np.arange(len(images))[:, None]),
            "pixels moved from one image to another: shuffle the positions within each image (the same way for every "
            "image), not across the whole batch.",
        )
        require(
            all(len(np.unique(s)) == s.size for s in source),
            "some pixels appear twice and others not at all; use a permutation, which puts every position exactly once.",
        )
        require(not np.array_equal(result, images), "the images came back unchanged; shuffle the pixel positions.")
        require(
            all(np.array_equal(source[0], s) for s in source[1:]),
            "different images were shuffled differently; draw ONE permutation and apply it to every image.",
        )
        verified.append("moves pixels within each image without changing them, with the same permutation for every image")
        kept, line = locality(source[0], height, width)
        require(kept < MAX_NEIGHBOURS_KEPT and line < MAX_SAME_LINE, _locality_problem(kept, line))
        verified.append(
            f"destroys locality: {kept:.1%} of neighbouring pixels stay neighbours, {line:.1%} share a row or column "
            f"(limits {MAX_NEIGHBOURS_KEPT:.0%} and {MAX_SAME_LINE:.0%})"
        )
        again = permuted(images[::-1].copy(), 7, "a second call with seed 7")[::-1]
        require(
            np.array_equal(again, result),
            "a second call with the same seed shuffled differently; the permutation must depend only on the seed "
            "(use np.random.default_rng(seed)), so training and test images get the same one.",
        )
        other = permuted(images, 8, "permute_images(images, 8)")
        require(not np.array_equal(other, result), "seeds 7 and 8 gave the same shuffle; the seed should choose the permutation.")
        verified.append("the same seed gives the same permutation on another call; another seed gives another one")
        square = _distinct_images((3, 28, 28))
        with_channel = permuted(square[..., None], 5, "permute_images on (n, 28, 28, 1) images, the notebook's shape")
        require(
            np.array_equal(with_channel[..., 0], permuted(square, 5, "permute_images on (n, 28, 28) images")),
            "images shaped (n, 28, 28, 1) are not shuffled like the same images shaped (n, 28, 28); with a channel axis "
            "the permutation must still move whole pixels (reshape to (n, height*width, channels)).",
        )
        verified.append("moves the pixels of (n, 28, 28, 1) images, the notebook's shape, the same way")
        if data is not None:
            own = np.array(data)
            shuffled = permuted(own, 0, f"permute_images on the notebook's {len(own)} images")
            flat, moved = own.reshape(len(own), -1), shuffled.reshape(len(own), -1)
            order = permuted(np.arange(1, flat.shape[1] + 1, dtype=np.float32).reshape(1, *own.shape[1:]), 0, "a numbered image")
            order = order.reshape(-1).astype(int) - 1
            require(
                np.array_equal(moved, flat[:, order]),
                "on the notebook's own images the pixels do not move the way they move in a numbered image of the same "
                "shape: the same seed must give the same permutation whatever the images hold.",
            )
            verified.append(f"shuffles the notebook's own {len(own)} images with the same permutation")

    return run("check_permutation", steps)


# --------------------------------------------------------------------------- rotation


def _test_pictures() -> np.ndarray:
    """Return two smooth 28x28 test pictures (an off-centre blob and a bar), so any reasonable interpolation agrees."""
    rows, cols = np.mgrid[0:28, 0:28].astype(np.float64)
    blob = np.exp(-((rows - 8.4) ** 2 + (cols - 17.4) ** 2) / (2 * 3.1**2))
    bar = np.exp(-(((rows - 14) * 0.9 + (cols - 10) * 0.4) ** 2) / 8.0) * (np.abs(cols - 13.5) < 9)
    return np.stack([blob, bar]).astype(np.float32)


def _rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)))


def check_rotation(rotate_images: Callable[[np.ndarray, float], np.ndarray], data: np.ndarray | None = None) -> CheckResult:
    """Check ``rotate_images(images, degrees)`` turns images counter-clockwise about their centre at the same size,
    black (0) where nothing of the original lands, on (n, 28, 28) and (n, 28, 28, 1) batches."""
    check_callable("check_rotation", rotate_images)

    def turned(images: np.ndarray, degrees: float, what: str) -> np.ndarray:
        result = _transformed(rotate_images, "rotate_images", images, degrees, what=what)
        require(np.all(np.isfinite(result)), f"{what} holds NaN or infinite values.")
        return result

    def close_to_a_rotation(result: np.ndarray, images: np.ndarray, degrees: float, what: str) -> float:
        """Require ``result`` to be as close to the oracle's bilinear rotation as another interpolation would be."""
        reference = _oracles.rotate(images, degrees, order=1)
        allowed = 2 * max(_rms(_oracles.rotate(images, degrees, order=k), reference) for k in (0, 3)) + 0.005
        error = _rms(result, reference)
        if error > allowed:
            blank = float(np.abs(result).max()) < 1e-6
            clockwise = _rms(result, _oracles.rotate(images, -degrees, order=1)) <= allowed
            hint = (
                " It is black everywhere: the rotation happened in the wrong plane (a batch (n, 28, 28, 1) has its "
                "image plane in axes 1 and 2; axis 3 is the channel)."
                if blank
                else " It is turned clockwise; positive angles turn counter-clockwise."
                if clockwise
                else ""
            )
            raise Problem(
                f"{what} differs from a correct rotation by {error:.3f} (root mean square over the pixels; any usual "
                f"interpolation stays within {allowed:.3f}).{hint}"
            )
        return error

    def steps(verified: list[str]) -> None:
        pictures = _test_pictures()
        quarter = turned(pictures, 90, "rotate_images(images, 90)")
        if np.allclose(quarter, np.rot90(pictures, -1, axes=(1, 2)), atol=1e-3):
            raise Problem("90 degrees turned the images clockwise; positive angles turn counter-clockwise.")
        require(
            np.allclose(quarter, np.rot90(pictures, 1, axes=(1, 2)), atol=1e-3),
            "rotating by 90 degrees does not give the images turned a quarter counter-clockwise about their centre (np.rot90).",
        )
        verified.append("90 degrees turns a quarter counter-clockwise about the centre, keeping shape and dtype")
        errors = [
            close_to_a_rotation(turned(pictures, d, f"rotate_images(images, {d})"), pictures, d, f"rotate_images(images, {d})")
            for d in (30, -50)
        ]
        stacked = pictures[..., None]
        errors.append(
            close_to_a_rotation(
                turned(stacked, 45, "rotate_images on (n, 28, 28, 1) images"),
                stacked,
                45,
                "rotate_images(images, 45) on images shaped (n, 28, 28, 1), the notebook's shape",
            )
        )
        verified.append(
            f"30, -50 and 45 degrees (also on (n, 28, 28, 1) images) match a correct rotation within {max(errors):.3f} RMS; "
            "any usual interpolation (nearest, bilinear, cubic) passes"
        )
        white = turned(np.ones((1, 28, 28), dtype=np.float32), 45, "rotate_images(white image, 45)")
        corners = white[0, [0, 0, -1, -1], [0, -1, 0, -1]]
        require(
            np.all(corners < 0.1) and white[0, 14, 14] > 0.9,
            "a white image turned by 45 degrees should be a white diamond on black: its corners come from outside the "
            f"original, so they must be black (0), not copies of the edge (corners: {np.round(corners, 2).tolist()}).",
        )
        verified.append("fills with black (0) what comes from outside the original: a turned white image has black corners")
        if data is not None:
            own = np.array(data)
            error = close_to_a_rotation(
                turned(own, 45, "rotate_images on the notebook's images"),
                own,
                45,
                f"rotate_images(x, 45) on the notebook's own {len(own)} images",
            )
            verified.append(f"turns the notebook's own {len(own)} images by 45 degrees correctly (RMS {error:.3f})")

    return run("check_rotation", steps)


# --------------------------------------------------------------------------- training on transformed images


def _describe_error(value: object) -> str:
    try:
        return f"{float(value):.5f}"
    except (TypeError, ValueError):
        return repr(value)[:80]


def _mse(model: object, images: np.ndarray) -> float:
    return float(np.mean((predict(model, images).reshape(images.shape).astype(np.float64) - images) ** 2))


def _require_one_number(error: object, subject: str) -> None:
    """Raise a Problem when the reported ``error`` is a list, as ``model.evaluate`` returns for a model with metrics."""
    if isinstance(error, (list, tuple)) or np.ndim(error) > 0:
        raise Problem(
            f"{subject} {_describe_error(error)} as the error: model.evaluate gives a list (the loss, then each "
            "metric) when the model was compiled with metrics; return one number, the mean squared error on x_test."
        )


def check_train_and_score(
    train_and_score: Callable,
    build_autoencoder: Callable[[str], object],
    x_train: np.ndarray,
    x_test: np.ndarray,
    epochs: int,
    batch_size: int,
) -> CheckResult:
    """Check ``train_and_score(kind, name, x_train, x_test)`` on a few images the check chooses: it must build the
    ``kind`` of autoencoder asked for, train it with ``x_train`` as input and target for ``epochs`` epochs, and return
    ``(the model's MSE on x_test, the trained model, the fit result)``."""
    check_callable("check_train_and_score", train_and_score)
    x_train, x_test = np.asarray(x_train, dtype=np.float32), np.asarray(x_test, dtype=np.float32)
    if x_train.shape[1:] != x_test.shape[1:] or np.array_equal(x_train, x_test):
        raise ValueError("x_train and x_test must be two different sets of images of one shape.")

    def steps(verified: list[str]) -> None:
        for kind in ("dense", "conv"):
            what = f'train_and_score("{kind}", "check", x_train, x_test)'
            with private_weight_cache(), TrainingSpy() as spy:
                answer = call_student(train_and_score, kind, "check", x_train, x_test, what=what)
            require(
                isinstance(answer, tuple) and len(answer) == 3,
                f"{what} should return (test MSE, model, fit result); got {type(answer).__name__} {answer!r:.80}.",
            )
            error, model, _ = answer
            require(hasattr(model, "count_params"), f"{what} returned {type(model).__name__} where the trained Keras model belongs.")
            expected = architecture(build_autoencoder(kind))
            found = architecture(model)
            require(
                found == expected,
                f"{what} returned a model with {found[0]:,} weights ({', '.join(dict.fromkeys(found[1]))}), but "
                f'build_autoencoder("{kind}") has {expected[0]:,} ({", ".join(dict.fromkeys(expected[1]))}): build the kind of '
                "autoencoder it is asked for.",
            )
            require(spy.calls, f"{what} never trained the model (no call of fit, directly or through fit_or_load).")
            call = spy.calls[-1]
            require(call.model is model, f"{what} returned a different model from the one it trained.")
            if np.shape(call.x) == x_test.shape and np.array_equal(np.asarray(call.x), x_test):
                raise Problem(f"{what} trained on x_test, the images it should only be scored on; train on x_train.")
            require(
                np.shape(call.x) == x_train.shape and np.array_equal(np.asarray(call.x), x_train),
                f"{what} did not train on the images x_train it was given (as input).",
            )
            require(
                call.y is not None and np.shape(call.y) == x_train.shape and np.array_equal(np.asarray(call.y), x_train),
                f"{what} did not use x_train as the target too: an autoencoder learns to give back its input.",
            )
            require(
                call.kwargs.get("epochs", 1) == epochs and call.kwargs.get("batch_size", 32) == batch_size,
                f"{what} trained with epochs={call.kwargs.get('epochs', 1)}, batch_size={call.kwargs.get('batch_size', 32)}; "
                f"every model here trains the same way: epochs=EPOCHS ({epochs}), batch_size=BATCH_SIZE ({batch_size}).",
            )
            actual = _mse(model, x_test)
            _require_one_number(error, f"{what} returned")
            require(
                abs(float(error) - actual) <= 1e-3 * max(actual, 1e-6) + 1e-6,
                f"{what} reports an error of {_describe_error(error)}, but the returned model's mean squared error on x_test is "
                f"{actual:.5f}"
                + (f" and on x_train {_mse(model, x_train):.5f}" if abs(float(error) - _mse(model, x_train)) < 1e-4 else "")
                + "; return the mean squared error on x_test (compile with the mean squared error as the loss).",
            )
        verified.append(
            f"on {len(x_train)} training and {len(x_test)} test images chosen by the check: builds the kind asked for, "
            f"trains it on x_train -> x_train ({plural(epochs, 'epoch')}, batch {batch_size}) and returns its MSE on x_test"
        )

    return run("check_train_and_score", steps)


def check_test_errors(
    trained: Mapping[tuple[str, str], tuple], test_sets: Mapping[str, np.ndarray], build_autoencoder: Callable[[str], object]
) -> CheckResult:
    """Check that each ``trained[name, kind] = (error, model, fit result)`` holds a trained model of that kind, its
    own, and reports its mean squared error on ``test_sets[name]``."""

    def steps(verified: list[str]) -> None:
        architectures = {kind: architecture(build_autoencoder(kind)) for kind in {kind for _, kind in trained}}
        seen: dict[int, tuple[str, str]] = {}
        for (name, kind), entry in trained.items():
            where = f"the {kind} model on {name!r}"
            require(
                isinstance(entry, tuple) and len(entry) == 3,
                f"train_and_score should return (test MSE, model, fit result); got {entry!r:.80}.",
            )
            error, model, result = entry
            require(architecture(model) == architectures[kind], f"{where} is not a {kind} autoencoder (build_autoencoder({kind!r})).")
            require(
                id(model) not in seen, f"{where} is the same model object as the one of {seen.get(id(model))}; build a new one each time."
            )
            seen[id(model)] = (name, kind)
            require(
                hasattr(result, "history") and len(result.history.get("loss", [])) > 0,
                f"{where} has no training history; train it with fit_or_load and return its result.",
            )
            images = np.asarray(test_sets[name], dtype=np.float32)
            actual = _mse(model, images)
            _require_one_number(error, f"{where} reports")
            require(
                abs(float(error) - actual) <= 1e-3 * max(actual, 1e-6) + 1e-6,
                f"{where} reports an error of {_describe_error(error)}, but its MSE on the test images of that set is "
                f"{actual:.5f}; return the mean squared error on x_test, the images the model was not trained on.",
            )
        verified.append(f"all {plural(len(trained), 'error')} are the MSE of distinct trained models of the right kind on their test sets")

    return run("check_test_errors", steps)
