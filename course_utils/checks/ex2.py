"""Checks of exercise 2 (a number generator from a 2-D code): encoder and decoder, cluster statistics, generate,
interpolation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from course_utils.checks._core import CheckResult, Problem, as_array, call_student, check_callable, predict, require, run


def recognised_digits(images: np.ndarray) -> np.ndarray:
    """Return the digit (0-9) that the course's digit classifier (:mod:`course_utils.recognition`) reads in each 28x28 image."""
    from course_utils import recognition

    array = np.asarray(images, dtype=np.float32)
    if array.ndim not in (3, 4) or array.shape[1:3] != (28, 28):
        raise ValueError(f"images must be a batch of 28x28 images, got shape {array.shape}.")
    return recognition.read_digits(array.reshape(-1, 28, 28))[0]


# --------------------------------------------------------------------------- encoder and decoder


def _dense_layers(model: object) -> list[tuple[int, str]]:
    """Return ``(units, activation)`` of each Dense layer in order; an Activation or ReLU layer right after a linear
    Dense layer counts as that layer's activation."""
    import keras

    layers: list[tuple[int, str]] = []

    def walk(layer: object) -> None:
        if isinstance(layer, keras.Model):
            for inner in layer.layers:
                walk(inner)
        elif isinstance(layer, keras.layers.Dense):
            layers.append((layer.units, layer.activation.__name__))
        elif layers and layers[-1][1] == "linear" and isinstance(layer, (keras.layers.Activation, keras.layers.ReLU)):
            name = "relu" if isinstance(layer, keras.layers.ReLU) else layer.activation.__name__
            layers[-1] = (layers[-1][0], name)

    walk(model)
    return layers


def _is_affine(model: object, shape: tuple[int, ...], seed: int = 0) -> bool:
    """True when ``model`` behaves like an affine map on random inputs: f(a) + f(b) == f(a + b) + f(0)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, (2, 4, *shape)).astype(np.float32)
    outputs = [predict(model, x).astype(np.float64) for x in (a, b, a + b, np.zeros_like(a))]
    difference = outputs[0] + outputs[1] - outputs[2] - outputs[3]
    return float(np.abs(difference).max()) <= 1e-4 * (float(np.abs(outputs[2]).max()) + 1e-6)


def check_encoder_decoder(encoder: object, decoder: object, code_size: int = 2) -> CheckResult:
    """Check ``encoder`` maps (n, 28, 28) images to (n, code_size) codes and ``decoder`` maps codes back to
    (n, 28, 28) images, as two separate Keras models with lecture 01's layers: 784-500-300-code with ReLU hidden
    layers and a linear code, and the mirror image back with a linear output."""
    import keras

    def steps(verified: list[str]) -> None:
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            require(isinstance(model, keras.Model), f"{name} should be a keras.Model (e.g. keras.Sequential), got {type(model).__name__}.")
        images = np.random.default_rng(0).uniform(size=(3, 28, 28)).astype(np.float32)
        codes = as_array(predict(encoder, images), "encoder(images)")
        require(codes.shape == (3, code_size), f"the encoder turns 3 images into shape {codes.shape}; it should give (3, {code_size}).")
        rebuilt = as_array(predict(decoder, codes), "decoder(codes)")
        require(rebuilt.shape == (3, 28, 28), f"the decoder turns 3 codes into shape {rebuilt.shape}; it should give (3, 28, 28).")
        verified.append(f"encoder: (n, 28, 28) -> (n, {code_size}); decoder: (n, {code_size}) -> (n, 28, 28)")
        shared = {id(v) for v in encoder.weights} & {id(v) for v in decoder.weights}
        require(not shared, "the encoder and the decoder share weights; build them from separate layers.")
        for name, model, units, activations in (
            ("encoder", encoder, [500, 300, code_size], ["relu", "relu", "linear"]),
            ("decoder", decoder, [300, 500, 784], ["relu", "relu", "linear"]),
        ):
            found = _dense_layers(model)
            require(
                [u for u, _ in found] == units,
                f"the {name}'s Dense layers have {[u for u, _ in found]} units; lecture 01's {name} has {units}.",
            )
            for index, ((size, activation), wanted) in enumerate(zip(found, activations, strict=True)):
                if wanted == "relu":
                    require(
                        activation == "relu",
                        f"the {name}'s Dense layer {index + 1} ({size} units) uses a {activation} activation; lecture 01's hidden "
                        'layers use ReLU (activation="relu"). Without a nonlinearity the layers collapse into one linear map.',
                    )
                else:
                    what = "code layer" if name == "encoder" else "output layer"
                    require(
                        activation == "linear",
                        f"the {name}'s {what} uses a {activation} activation; leave it linear (no activation), "
                        + ("so codes can take any value." if name == "encoder" else "as in lecture 01."),
                    )
        require(not _is_affine(encoder, (28, 28)), "the encoder is a linear map of its input; its hidden layers need their ReLU.")
        require(not _is_affine(decoder, (code_size,)), "the decoder is a linear map of the code; its hidden layers need their ReLU.")
        verified.append(
            f"lecture 01's layers: 784-500-300-{code_size} (ReLU, ReLU, linear code) and {code_size}-300-500-784 (ReLU, ReLU, "
            "linear), no weights shared, and neither half is a linear map"
        )

    return run("check_encoder_decoder", steps)


# --------------------------------------------------------------------------- cluster statistics


def check_cluster_statistics(cluster_statistics: Callable[[np.ndarray, np.ndarray], tuple], seed: int = 3) -> CheckResult:
    """Check ``cluster_statistics(codes, labels)`` returns per-class ``(centroids, spreads)``: mean and standard
    deviation of the codes of each label 0, 1, ..., shaped (n_classes, code_size). ``seed`` chooses the made-up codes."""
    check_callable("check_cluster_statistics", cluster_statistics)

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(seed)
        classes = 4 + seed % 3
        means = rng.normal(0, 5, size=(classes, 2))
        stds = rng.uniform(0.2, 2.0, size=(classes, 2))
        labels = rng.permutation(np.repeat(np.arange(classes), rng.integers(150, 450, size=classes)))
        codes = (means[labels] + stds[labels] * rng.normal(size=(len(labels), 2))).astype(np.float32)
        answer = call_student(cluster_statistics, codes, labels, what="cluster_statistics(codes, labels)")
        require(isinstance(answer, tuple) and len(answer) == 2, "return a pair (centroids, spreads).")
        centroids, spreads = as_array(answer[0], "centroids"), as_array(answer[1], "spreads")
        for name, value in (("centroids", centroids), ("spreads", spreads)):
            require(
                value.shape == (classes, 2),
                f"{name} has shape {value.shape}; for {classes} labels and 2-D codes it should be ({classes}, 2): one row per label.",
            )
        true_means = np.stack([codes[labels == k].mean(axis=0) for k in range(classes)])
        true_stds = np.stack([codes[labels == k].std(axis=0) for k in range(classes)])
        require(np.allclose(centroids, true_means, atol=1e-4), "centroids[k] should be the mean code of the images labelled k.")
        verified.append(f"centroids are the mean code of each of {classes} labels (labels shuffled, classes of different sizes)")
        if np.allclose(spreads, true_stds**2, rtol=0.01, atol=1e-4):
            raise Problem("spreads holds the variances; the spread is the standard deviation, the square root of the variance.")
        require(
            np.allclose(spreads, true_stds, rtol=0.01, atol=1e-4),
            "spreads[k] should be the standard deviation of each code dimension over the images labelled k.",
        )
        verified.append("spreads are the per-dimension standard deviation of each label's codes")

    return run("check_cluster_statistics", steps)


# --------------------------------------------------------------------------- generate

# The check's own decoder reads a code straight off its image: pixels 0-195 show 0.5 + 0.01 * code[0], pixels 196-391
# 0.5 + 0.01 * code[1]; pixels 392-783 are 1.5 or -0.5 whatever the code is, so they show whether the output was clipped.
_CODE_PIXELS, _SCALE, _CENTRE = 196, 0.01, 0.5
# Normal codes drawn 4,000 at a time stay below this distance from a normal distribution except with probability
# 1e-5; uniform codes with the right spread are about 0.057 away, codes of +-1 spread about 0.34.
MAX_KS_DISTANCE = 0.04


class _Images(np.ndarray):
    """A batch of images as the readable decoder returns it: an array that also answers ``.numpy()`` like a tensor."""

    def numpy(self) -> np.ndarray:
        return np.asarray(self)


class _ReadableDecoder:
    """Stands in for a Keras decoder (2 -> 28x28): ``decoder(codes)``, ``decoder.predict(codes)`` and
    ``decoder.predict_on_batch(codes)`` return images that reveal the code they were decoded from (see above)."""

    name = "decoder"
    input_shape, output_shape = (None, 2), (None, 28, 28)

    def __init__(self) -> None:
        self.kernel = np.zeros((2, 784), dtype=np.float32)
        self.kernel[0, :_CODE_PIXELS], self.kernel[1, _CODE_PIXELS : 2 * _CODE_PIXELS] = _SCALE, _SCALE
        self.bias = np.full(784, _CENTRE, dtype=np.float32)
        self.bias[2 * _CODE_PIXELS :] = np.where(np.arange(784 - 2 * _CODE_PIXELS) % 2 == 0, 1.5, -0.5)

    def __call__(self, codes: object, *args: object, **kwargs: object) -> _Images:
        import keras

        array = np.asarray(keras.ops.convert_to_numpy(codes), dtype=np.float32).reshape(-1, 2)
        return (array @ self.kernel + self.bias).reshape(-1, 28, 28).view(_Images)

    def predict(self, codes: object, *args: object, **kwargs: object) -> np.ndarray:
        return np.asarray(self(codes))

    predict_on_batch = predict


def _codes_from(images: np.ndarray, what: str) -> np.ndarray:
    """Return the codes that :func:`_readable_decoder` images were decoded from, or stop: they were not."""
    flat = images.reshape(len(images), -1).astype(np.float64)
    first, second = flat[:, :_CODE_PIXELS], flat[:, _CODE_PIXELS : 2 * _CODE_PIXELS]
    rest = flat[:, 2 * _CODE_PIXELS :]
    decoded = np.all(np.ptp(first, axis=1) < 1e-4) and np.all(np.ptp(second, axis=1) < 1e-4) and np.all(np.ptp(rest, axis=0) < 1e-4)
    require(
        decoded,
        f"{what} are not images made by `decoder`: generate must decode new codes with the notebook's decoder "
        "(not return or rebuild existing images).",
    )
    clipped = np.where(np.arange(rest.shape[1]) % 2 == 0, 1.0, 0.0)
    require(
        np.allclose(rest, clipped, atol=1e-5),
        f"{what} hold pixels outside [0, 1] (from {flat.min():.2f} to {flat.max():.2f}); the decoder's output is not limited "
        "to the range of an image, so clip it to [0, 1].",
    )
    return (np.stack([first.mean(axis=1), second.mean(axis=1)], axis=1) - _CENTRE) / _SCALE


def check_generate(generate: Callable[[int, int], np.ndarray], spread_scale: float, seed: int = 0) -> CheckResult:
    """Check ``generate(digit, n)`` on a distribution the check defines: for the duration of the check the notebook's
    ``rng``, ``centroids``, ``spreads`` and ``decoder`` are replaced by the check's own, and ``generate`` must draw new
    codes from N(centroids[digit], (spread_scale * spreads[digit])^2) with ``rng``, decode them with ``decoder`` and
    clip the images to [0, 1]."""
    check_callable("check_generate", generate)
    names = ("rng", "centroids", "spreads", "decoder")
    namespace = getattr(generate, "__globals__", None)
    if namespace is None:
        raise ValueError("check_generate needs the notebook's generate function (a function defined with def).")

    def steps(verified: list[str]) -> None:
        setup = np.random.default_rng(1000 + seed)
        classes, n = 4, 4000
        centroids = np.round(setup.uniform(-12, 12, size=(classes, 2)), 2)
        spreads = np.round(setup.choice([0.4, 0.6, 1.5, 2.5, 3.0], size=(classes, 2)), 2)
        saved = {name: namespace[name] for name in names if name in namespace}
        namespace.update(centroids=centroids, spreads=spreads, decoder=_ReadableDecoder(), rng=np.random.default_rng(seed))
        try:

            def draw(digit: int, count: int, what: str) -> np.ndarray:
                images = as_array(call_student(generate, digit, count, what=what), what)
                require(images.shape == (count, 28, 28), f"{what} has shape {images.shape}; it should be ({count}, 28, 28).")
                require(np.all(np.isfinite(images)), f"{what} holds NaN or infinite pixels.")
                return _codes_from(images, f"the images of {what}")

            codes = {digit: draw(digit, n, f"generate({digit}, {n})") for digit in range(classes)}
            repeated = draw(0, n, f"a second generate(0, {n})")
            namespace["rng"] = np.random.default_rng(seed)
            replay = draw(0, 50, "generate(0, 50) with a freshly seeded rng")
            namespace["rng"] = np.random.default_rng(seed)
            replay_again = draw(0, 50, "generate(0, 50) with rng seeded the same way again")
        finally:
            for name in names:
                namespace.pop(name, None)
            namespace.update(saved)
        verified.append(f"returns {n:,} images of shape (28, 28) per digit, decoded by decoder and clipped to [0, 1]")
        require(not np.allclose(repeated, codes[0]), "two calls of generate(0, n) gave the same images; every call must draw NEW codes.")
        require(
            np.allclose(replay, replay_again),
            "with rng seeded the same way, generate gave different images: draw the codes with the notebook's `rng`, "
            "so the notebook gives the same images every time it runs.",
        )
        verified.append("draws new codes on every call, with the notebook's rng")
        worst = {"centre": 0.0, "spread": 0.0, "shape": 0.0}
        for digit, drawn in codes.items():
            centre, wanted = centroids[digit], spread_scale * spreads[digit]
            mean, spread = drawn.mean(axis=0), drawn.std(axis=0)
            nearest = int(np.argmin(np.linalg.norm(centroids - mean, axis=1)))
            require(
                np.all(np.abs(mean - centre) < 0.1 * wanted + 0.02),
                f"the codes of generate({digit}, n) centre on {np.round(mean, 2).tolist()}, but centroids[{digit}] is "
                f"{centre.tolist()}"
                + (f" (they centre on centroids[{nearest}]: the digits are mixed up)" if nearest != digit else "")
                + "; draw the codes around centroids[digit].",
            )
            ratio = spread / wanted
            if np.all(np.abs(spread / (spread_scale * spreads[digit] ** 2) - 1) < 0.08) and not np.allclose(spreads[digit], 1):
                raise Problem(
                    f"the codes of generate({digit}, n) spread by {np.round(spread, 3).tolist()}, which is SPREAD_SCALE times the "
                    f"variance spreads[{digit}]**2; spreads already holds standard deviations: use SPREAD_SCALE * spreads[digit]."
                )
            require(
                np.all(np.abs(ratio - 1) < 0.08),
                f"the codes of generate({digit}, n) spread by {np.round(spread, 3).tolist()} around their centre; the task asks for "
                f"standard deviations SPREAD_SCALE * spreads[{digit}] = {np.round(wanted, 3).tolist()}.",
            )
            standardised = (drawn - centre) / wanted
            distance = max(stats.kstest(standardised[:, k], "norm").statistic for k in range(2))
            require(
                distance < MAX_KS_DISTANCE,
                f"the codes of generate({digit}, n) have the right centre and spread but are not normally distributed "
                f"(Kolmogorov-Smirnov distance {distance:.3f} from a normal distribution); draw them with rng.normal.",
            )
            require(
                len(np.unique(np.round(drawn, 5), axis=0)) > 0.99 * n,
                f"generate({digit}, n) decodes the same code more than once; draw a new code for every image.",
            )
            correlation = abs(float(np.corrcoef(standardised.T)[0, 1]))
            require(
                correlation < 0.1,
                f"the two numbers of each code of generate({digit}, n) are correlated ({correlation:.2f}); draw them independently.",
            )
            worst["centre"] = max(worst["centre"], float(np.max(np.abs(mean - centre) / wanted)))
            worst["spread"] = max(worst["spread"], float(np.max(np.abs(ratio - 1))))
            worst["shape"] = max(worst["shape"], distance)
        verified.append(
            f"the codes of each of {classes} test digits are normal around centroids[digit] with standard deviation "
            f"{spread_scale:g} * spreads[digit], independent, {n:,} per digit (worst digit: centre off by "
            f"{worst['centre']:.3f} standard deviations, spread by {worst['spread']:.1%}, Kolmogorov-Smirnov distance "
            f"{worst['shape']:.3f}; allowed 0.1, 8 % and {MAX_KS_DISTANCE})"
        )

    return run("check_generate", steps)


# --------------------------------------------------------------------------- interpolation


def check_interpolation(interpolate: Callable[[np.ndarray, np.ndarray, int], np.ndarray], seed: int = 0) -> CheckResult:
    """Check ``interpolate(start, end, steps)`` returns ``steps`` evenly spaced codes from ``start`` to ``end``, both included."""
    check_callable("check_interpolation", interpolate)

    def steps(verified: list[str]) -> None:
        rng = np.random.default_rng(seed)
        start, end = (np.array([1.0, -2.0]), np.array([4.0, 2.0])) if seed == 0 else np.round(rng.uniform(-5, 5, (2, 2)), 2)
        count = 7 if seed == 0 else int(rng.integers(4, 12))
        what = f"interpolate(start, end, {count})"
        result = as_array(call_student(interpolate, start, end, count, what=what), what)
        require(result.shape == (count, 2), f"{what} has shape {result.shape}; it should be ({count}, 2): {count} codes, one per row.")
        require(np.allclose(result[0], start) and np.allclose(result[-1], end), "the first code should be start and the last end.")
        expected = start + np.linspace(0, 1, count)[:, None] * (end - start)
        require(np.allclose(result, expected), "the codes between start and end should be evenly spaced on the straight line.")
        verified.append(f"{count} evenly spaced codes on the line from start to end, both included")
        three = as_array(
            call_student(interpolate, np.zeros(3), np.ones(3), 2, what="interpolate(zeros(3), ones(3), 2)"),
            "interpolate(zeros(3), ones(3), 2)",
        )
        require(
            three.shape == (2, 3) and np.allclose(three, [[0, 0, 0], [1, 1, 1]]), "with steps=2 return just [start, end] (any code size)."
        )
        verified.append("works for other code sizes and steps=2")

    return run("check_interpolation", steps)
