"""Each check passes a correct answer and catches typical wrong ones with an explanation."""

import numpy as np
import pytest

from course_utils import checks, transforms


def _assert_fails(result, *phrases):
    assert not result and "FAILED" in repr(result), repr(result)
    for phrase in phrases:
        assert phrase in repr(result), repr(result)


def test_result_repr_and_truth():
    result = checks.CheckResult("check_x", True, ("did one thing",))
    assert bool(result) and repr(result) == "check_x: PASSED\n  - did one thing"
    assert not checks.CheckResult("check_x", False, ("wrong",))


def test_check_flip():
    assert checks.check_flip(lambda x: transforms.flip(x, axis=1))
    _assert_fails(checks.check_flip(lambda x: x[:, ::-1]), "top to bottom")
    _assert_fails(checks.check_flip(lambda x: x.copy()), "left-right mirror")
    _assert_fails(checks.check_flip(lambda x: np.flip(x, axis=2).astype(np.float64)), "dtype")

    def in_place(x):
        x[:] = x[:, :, ::-1].copy()
        return x

    _assert_fails(checks.check_flip(in_place), "changed its input")


def test_check_permutation():
    assert checks.check_permutation(lambda x, seed: transforms.permute_pixels(x, seed))

    def per_image(x, seed):  # a new permutation for every image: the usual mistake
        rng = np.random.default_rng(seed)
        flat = x.reshape(len(x), -1)
        return np.stack([row[rng.permutation(row.size)] for row in flat]).reshape(x.shape)

    _assert_fails(checks.check_permutation(per_image), "ONE permutation")
    _assert_fails(checks.check_permutation(lambda x, seed: x.copy()), "unchanged")
    _assert_fails(checks.check_permutation(lambda x, seed: transforms.permute_pixels(x, 0)), "seeds 7 and 8")
    unseeded = lambda x, seed: transforms.permute_pixels(x, int(np.random.default_rng().integers(1000)))  # noqa: E731
    _assert_fails(checks.check_permutation(unseeded), "same seed")
    _assert_fails(checks.check_permutation(lambda x, seed: np.clip(transforms.permute_pixels(x, seed), 0, 0.5)), "same pixel values")


def test_check_rotation():
    assert checks.check_rotation(transforms.rotate)
    _assert_fails(checks.check_rotation(lambda x, d: transforms.rotate(x, -d)), "clockwise")
    _assert_fails(checks.check_rotation(lambda x, d: np.rot90(x, int(d // 90), axes=(1, 2)).copy()), "30 degrees")

    def no_black_border(x, degrees):  # extends the canvas by repeating the edge pixels (like fill_mode="nearest")
        padded = np.pad(x, ((0, 0), (12, 12), (12, 12)), mode="edge")
        return transforms.rotate(padded, degrees)[:, 12:-12, 12:-12]

    _assert_fails(checks.check_rotation(no_black_border), "extend the canvas")
    _assert_fails(checks.check_rotation(lambda x, d: transforms.rotate(x, d)[:, 1:-1, 1:-1]), "shape")


def _statistics(codes, labels):
    classes = np.unique(labels)
    return np.stack([codes[labels == k].mean(0) for k in classes]), np.stack([codes[labels == k].std(0) for k in classes])


def test_check_cluster_statistics():
    assert checks.check_cluster_statistics(_statistics)
    _assert_fails(checks.check_cluster_statistics(lambda c, y: (_statistics(c, y)[0].T, _statistics(c, y)[1])), "shape")
    _assert_fails(checks.check_cluster_statistics(lambda c, y: (np.stack([c[:10].mean(0)] * 4), _statistics(c, y)[1])), "mean code")
    _assert_fails(checks.check_cluster_statistics(lambda c, y: (_statistics(c, y)[0], _statistics(c, y)[1] ** 2)), "standard deviation")
    _assert_fails(checks.check_cluster_statistics(lambda c, y: _statistics(c, y)[0]), "pair")


CENTROIDS = np.array([[float(d), 0.0] for d in range(10)]) * 3
SPREADS = np.full((10, 2), 0.5)


def _encoder(images):  # a stand-in encoder: the code is (mean brightness * 30, 0)
    return np.stack([images.reshape(len(images), -1).mean(1) * 30, np.zeros(len(images))], axis=1)


def _generate(digit, n):  # images whose stand-in code lands near the digit's centroid, with a little variety
    brightness = CENTROIDS[digit, 0] / 30 + np.random.default_rng(digit).normal(0, 0.003, size=n)
    return np.ones((n, 28, 28)) * brightness[:, None, None]


def test_check_generate():
    assert checks.check_generate(_generate, _encoder, CENTROIDS, SPREADS)
    _assert_fails(checks.check_generate(lambda d, n: _generate(0, n), _encoder, CENTROIDS, SPREADS), "near their digit's centroid")
    _assert_fails(checks.check_generate(lambda d, n: _generate((d + 1) % 10, n), _encoder, CENTROIDS, SPREADS), "Missed: [0, 1")
    _assert_fails(checks.check_generate(lambda d, n: _generate(d, n)[:1].repeat(n, 0), _encoder, CENTROIDS, SPREADS), "identical")
    _assert_fails(checks.check_generate(lambda d, n: _generate(d, n - 1), _encoder, CENTROIDS, SPREADS), "instead of")
    with pytest.raises(ValueError, match="centroids"):
        checks.check_generate(_generate, _encoder, np.zeros(3), SPREADS)
    with pytest.raises(ValueError, match="spreads"):
        checks.check_generate(_generate, _encoder, CENTROIDS, -SPREADS)


def test_check_interpolation():
    assert checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n))
    _assert_fails(checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n).T), "shape")
    _assert_fails(checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n + 1)[:-1]), "last end")
    _assert_fails(checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n, endpoint=False)), "last end")
    _assert_fails(checks.check_interpolation(lambda a, b, n: a + np.geomspace(1, 2, n)[:, None] - 1 + 0 * b), "start")


def _add_noise(images, sigma, seed):
    noise = np.random.default_rng(seed).normal(0, sigma, size=np.shape(images))
    return np.clip(images + noise, 0, 1).astype(images.dtype)


def test_check_add_noise():
    assert checks.check_add_noise(_add_noise)
    def uniform(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).random(x.shape) * s, 0, 1).astype(x.dtype)

    def unclipped(x, s, seed):
        return (x + np.random.default_rng(seed).normal(0, s, x.shape)).astype(x.dtype)

    _assert_fails(checks.check_add_noise(uniform), "standard deviation")
    _assert_fails(checks.check_add_noise(unclipped), "clipped")
    _assert_fails(checks.check_add_noise(lambda x, s, seed: _add_noise(x, s, seed).astype(np.float64)), "dtype")
    _assert_fails(checks.check_add_noise(lambda x, s, seed: _add_noise(x, s, None)), "same seed")


def _subset(labels, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == k), n // 10, replace=False) for k in range(10)])


def test_check_labelled_subset():
    assert checks.check_labelled_subset(_subset)
    def unbalanced(labels, n, seed):
        return np.random.default_rng(seed).choice(len(labels), n, replace=False)

    _assert_fails(checks.check_labelled_subset(unbalanced), "every digit")
    _assert_fails(checks.check_labelled_subset(lambda y, n, seed: _subset(y, n, 0)), "seeds 0 and 1")
    _assert_fails(checks.check_labelled_subset(lambda y, n, seed: np.arange(n)), "every digit")
    _assert_fails(checks.check_labelled_subset(lambda y, n, seed: _subset(y, n, seed).astype(float)), "integer")


def test_checks_want_a_function_and_let_unfinished_work_raise():
    with pytest.raises(ValueError, match="your function itself"):
        checks.check_flip(np.zeros(3))

    def unfinished(images):
        raise NotImplementedError("write flip_images")

    with pytest.raises(NotImplementedError, match="write flip_images"):
        checks.check_flip(unfinished)
