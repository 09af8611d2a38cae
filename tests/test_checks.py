"""The exercise checks against plausible wrong answers: each check passes correct answers (written in several ways)
and rejects every class of mistake with a message that names that mistake. Hidden tests (the same checks with other
seeds or on the notebook's own data) catch answers written to pass the visible inputs only.

The wrong answers are plain functions here, run against the checks directly on tiny data; tests/wrong_submissions.py
grades some of them end to end with nbgrader."""

from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tiny_models
from scipy import ndimage

from course_utils import checks, recognition
from course_utils.checks import (
    CheckFailed,
    CheckResult,
    _oracles,
    check_add_noise,
    check_beta_runs,
    check_classifiers,
    check_cluster_statistics,
    check_denoiser,
    check_encoder_decoder,
    check_flip,
    check_generate,
    check_interpolation,
    check_labelled_subset,
    check_permutation,
    check_reparameterise,
    check_rotation,
    check_test_accuracies,
    check_test_accuracy,
    check_test_errors,
    check_train_and_score,
    check_train_denoiser,
    check_vae_loss,
    recognised_digits,
)
from course_utils.checks.ex1 import MAX_NEIGHBOURS_KEPT, MAX_SAME_LINE, locality
from course_utils.training import fit_or_load

ROOT = Path(__file__).resolve().parents[1]


def fails(call, *phrases):
    """Run ``call()`` (a check) and assert it raises CheckFailed whose message holds every phrase; return the message."""
    with pytest.raises(CheckFailed) as failure:
        call()
    message = str(failure.value)
    assert "FAILED" in message, message
    for phrase in phrases:
        assert phrase in message, message
    return message


def passes(result):
    assert isinstance(result, CheckResult) and "PASSED" in str(result), result
    return result


def test_a_passed_check_prints_what_it_verified_and_a_failed_one_raises():
    result = CheckResult("check_x", ("did one thing",))
    assert repr(result) == str(result) == "check_x: PASSED\n  - did one thing"
    assert issubclass(CheckFailed, AssertionError)  # nbgrader scores a test cell that raises it 0


def test_checks_want_a_function_and_let_unfinished_work_raise():
    with pytest.raises(ValueError, match="your function itself"):
        check_flip(np.zeros(3))

    def unfinished(images):
        raise NotImplementedError("write flip_images")

    with pytest.raises(NotImplementedError, match="write flip_images"):
        check_flip(unfinished)


# =========================================================================== ex1: flip, permutation, rotation


def flip(images):
    return images[:, :, ::-1].copy()


def test_check_flip_passes_correct_answers_on_every_shape():
    for answer in (flip, lambda x: np.flip(x, axis=2), lambda x: np.flip(x, -2 if x.ndim == 4 else -1).copy()):
        passes(check_flip(answer, data=np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)))


def test_check_flip_names_each_mistake():
    fails(lambda: check_flip(lambda x: x[:, ::-1].copy()), "top to bottom")
    fails(lambda: check_flip(lambda x: np.flip(x, axis=-1).copy()), "(n, 28, 28, 1)", "unchanged")  # flips the channel axis
    fails(lambda: check_flip(lambda x: np.flip(x, axis=2).astype(np.float64)), "dtype")

    def in_place(x):
        x[:] = x[:, :, ::-1].copy()
        return x

    fails(lambda: check_flip(in_place), "changed its input", "in place")
    fails(lambda: check_flip(lambda x: _oracles.mirror_left_right(x)), "reference implementation")


def permute(images, seed):
    n, height, width = images.shape[:3]
    order = np.random.default_rng(seed).permutation(height * width)
    return images.reshape(n, height * width, *images.shape[3:])[:, order].reshape(images.shape)


def permute_by_sorting(images, seed):  # another correct way: argsort of random keys
    n, height, width = images.shape[:3]
    order = np.argsort(np.random.default_rng(seed).random(height * width))
    flat = images.reshape(n, -1, *images.shape[3:])
    return np.take(flat, order, axis=1).reshape(images.shape)


def test_check_permutation_passes_correct_answers():
    for answer in (permute, permute_by_sorting):
        passes(check_permutation(answer, data=np.random.default_rng(1).random((5, 28, 28, 1), dtype=np.float32)))


def separable(offset):
    def shuffle(images, seed):  # rows, then columns: a permutation, but every row stays in one row
        rng = np.random.default_rng(seed + offset)
        return images[:, rng.permutation(images.shape[1])][:, :, rng.permutation(images.shape[2])].copy()

    return shuffle


@pytest.mark.parametrize("offset", range(0, 40, 3))
def test_any_row_then_column_shuffle_fails_at_every_seed(offset):
    fails(lambda: check_permutation(separable(offset)), "share a row or a column", "ONE random order")


def test_locality_limits_leave_room_for_every_random_permutation():
    worst = np.max([locality(np.random.default_rng(s).permutation(20 * 24), 20, 24) for s in range(300)], axis=0)
    assert worst[0] < MAX_NEIGHBOURS_KEPT / 2 and worst[1] < MAX_SAME_LINE / 2


def test_check_permutation_names_each_mistake():
    def per_image(x, seed):  # a new permutation for every image
        rng = np.random.default_rng(seed)
        flat = x.reshape(len(x), -1)
        return np.stack([row[rng.permutation(row.size)] for row in flat]).reshape(x.shape)

    def whole_batch(x, seed):  # one permutation of all pixels of the batch: pixels move between images
        flat = x.reshape(-1)
        return flat[np.random.default_rng(seed).permutation(flat.size)].reshape(x.shape)

    def in_place(x, seed):
        x[:] = permute(x, seed)
        return x

    def rows_only(x, seed):
        return x[:, np.random.default_rng(seed).permutation(x.shape[1])].copy()

    def rolled(x, seed):
        return np.roll(x.reshape(len(x), -1), 5 + seed, axis=1).reshape(x.shape)

    def blocks(x, seed):  # 2x2 blocks shuffled: half of the neighbours stay together
        n, h, w = x.shape[:3]
        tiles = x.reshape(n, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4).reshape(n, -1, 2, 2)
        tiles = tiles[:, np.random.default_rng(seed).permutation(tiles.shape[1])]
        return tiles.reshape(n, h // 2, w // 2, 2, 2).transpose(0, 1, 3, 2, 4).reshape(x.shape)

    def within_rows(x, seed):  # each row's pixels shuffled inside that row
        rng = np.random.default_rng(seed)
        return np.stack([x[:, r, rng.permutation(x.shape[2])] for r in range(x.shape[1])], axis=1)

    fails(lambda: check_permutation(per_image), "ONE permutation")
    fails(lambda: check_permutation(whole_batch), "from one image to another")
    fails(lambda: check_permutation(in_place), "changed its input", "in place")
    fails(lambda: check_permutation(rows_only), "share a row or a column")
    fails(lambda: check_permutation(rolled), "still neighbours")
    fails(lambda: check_permutation(blocks), "still neighbours")
    fails(lambda: check_permutation(within_rows), "within that row")
    fails(lambda: check_permutation(lambda x, seed: x.copy()), "unchanged")
    fails(lambda: check_permutation(lambda x, seed: permute(x, 0)), "seeds 7 and 8")
    fails(lambda: check_permutation(lambda x, seed: permute(x, int(np.random.default_rng().integers(1000)))), "same seed")
    fails(lambda: check_permutation(lambda x, seed: np.clip(permute(x, seed), 0, 0.5)), "not in the input")
    fails(lambda: check_permutation(lambda x, seed: permute(x, seed)[..., 0] if x.ndim == 4 else permute(x, seed)), "shape")


def strokes(n, seed=0):
    """Return n smooth, digit-like 28x28x1 images (a few blurred strokes each)."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:28, 0:28]
    images = np.zeros((n, 28, 28), np.float32)
    for image in images:
        for _ in range(3):
            r, c, angle = rng.uniform(7, 21), rng.uniform(7, 21), rng.uniform(0, np.pi)
            along = (rows - r) * np.cos(angle) + (cols - c) * np.sin(angle)
            across = -(rows - r) * np.sin(angle) + (cols - c) * np.cos(angle)
            image += np.exp(-(across**2) / 3.0) * (np.abs(along) < 6)
    return np.clip(images, 0, 1)[..., None]


def rotate(images, degrees, order=1):
    return ndimage.rotate(images, degrees, axes=(1, 2), reshape=False, order=order)


def test_check_rotation_passes_any_usual_interpolation_on_both_shapes():
    digits = strokes(3)
    for order in (0, 1, 3):
        passes(check_rotation(lambda x, d, order=order: rotate(x, d, order), data=digits))

    def pad_rotate_crop(x, d):  # the old recipe: extend the canvas, rotate, crop back (equal to rotating in place)
        pad = [(0, 0), (14, 14), (14, 14)] + [(0, 0)] * (x.ndim - 3)
        return rotate(np.pad(x, pad), d)[:, 14:-14, 14:-14]

    passes(check_rotation(pad_rotate_crop))


def test_check_rotation_names_each_mistake():
    fails(
        lambda: check_rotation(lambda x, d: ndimage.rotate(x, d, axes=(-2, -1), reshape=False, order=1)), "(n, 28, 28, 1)", "wrong plane"
    )  # right on 3-D images, all black on the notebook's 4-D ones
    fails(lambda: check_rotation(lambda x, d: rotate(x, -d)), "clockwise")
    fails(lambda: check_rotation(lambda x, d: np.rot90(x, int(d // 90), axes=(1, 2)).copy()), "differs from a correct rotation")
    fails(lambda: check_rotation(lambda x, d: ndimage.rotate(x, d, axes=(1, 2), reshape=False, order=1, mode="nearest")), "black")
    fails(lambda: check_rotation(lambda x, d: rotate(x, np.radians(d))), "quarter counter-clockwise")
    fails(lambda: check_rotation(lambda x, d: rotate(x, d)[:, 1:-1, 1:-1]), "shape")
    fails(lambda: check_rotation(lambda x, d: _oracles.rotate(x, d)), "reference implementation")


def test_hidden_tests_on_the_notebooks_data_catch_answers_written_for_the_visible_inputs():
    digits = strokes(6, seed=1)

    def special_cased(x, d):  # correct for the check's small batches, careless on larger ones
        return rotate(x, d) if len(x) <= 4 else rotate(x, d, order=1)[:, ::-1]

    passes(check_rotation(special_cased))
    fails(lambda: check_rotation(special_cased, data=digits), "notebook's own")

    def memorised_flip(x):
        return flip(x) if len(x) <= 4 else x.copy()

    passes(check_flip(memorised_flip))
    fails(lambda: check_flip(memorised_flip, data=digits), "notebook's")


# =========================================================================== ex1: train_and_score


def build_autoencoder(kind):
    """Tiny stand-ins for the notebook's two kinds, on 8x8x1 images."""
    keras.utils.set_random_seed(0)
    image = keras.Input((8, 8, 1))
    if kind == "conv":
        x = keras.layers.Conv2D(1, 3, padding="same")(keras.layers.Conv2D(2, 3, padding="same", activation="relu")(image))
        return keras.Model(image, x, name="conv")
    x = keras.layers.Dense(64)(keras.layers.Dense(4, activation="relu")(keras.layers.Flatten()(image)))
    return keras.Model(image, keras.layers.Reshape((8, 8, 1))(x), name="dense")


EPOCHS, BATCH_SIZE = 1, 16
RNG = np.random.default_rng(4)
X_FIT, X_EVAL = RNG.random((16, 8, 8, 1), dtype=np.float32), RNG.random((16, 8, 8, 1), dtype=np.float32)


def train_and_score(kind, name, x_train, x_test, mistake=None):
    model = build_autoencoder("dense" if mistake == "ignores kind" else kind)
    model.compile(optimizer="adam", loss="mse", metrics=["mse"] if mistake == "metrics" else None, run_eagerly=True)
    x = x_test if mistake == "trains on x_test" else x_train
    if mistake == "no training":
        return float(model.evaluate(x_test, x_test, verbose=0)), model, None
    epochs = 2 if mistake == "epochs" else EPOCHS
    result = fit_or_load(
        model, f"ex1-{kind}-{name}", x, x if mistake != "target" else np.zeros_like(x), epochs=epochs, batch_size=BATCH_SIZE, verbose=0
    )
    scored = x_train if mistake == "scored on x_train" else x_test
    error = model.evaluate(scored, scored, verbose=0)
    return (error if mistake == "metrics" else float(error)), model, result


def run_train_and_score(mistake=None):
    return check_train_and_score(lambda *a: train_and_score(*a, mistake=mistake), build_autoencoder, X_FIT, X_EVAL, EPOCHS, BATCH_SIZE)


def test_check_train_and_score_passes_and_names_each_mistake(cache_dir):
    passes(run_train_and_score())
    fails(lambda: run_train_and_score("trains on x_test"), "trained on x_test")
    fails(lambda: run_train_and_score("ignores kind"), 'build_autoencoder("conv")', "the kind")
    fails(lambda: run_train_and_score("metrics"), "gives a list", "one number")
    fails(lambda: run_train_and_score("no training"), "never trained")
    fails(lambda: run_train_and_score("target"), "target")
    fails(lambda: run_train_and_score("scored on x_train"), "on x_train", "return the mean squared error on x_test")
    fails(lambda: run_train_and_score("epochs"), "epochs=EPOCHS")


def test_check_test_errors(cache_dir):
    trained = {(name, kind): train_and_score(kind, name, X_FIT, X_EVAL) for name in ("none", "flipped") for kind in ("dense", "conv")}
    test_sets = {"none": X_EVAL, "flipped": X_EVAL[:, :, ::-1]}
    trained["flipped", "dense"] = train_and_score("dense", "flipped", X_FIT[:, :, ::-1], X_EVAL[:, :, ::-1])
    trained["flipped", "conv"] = train_and_score("conv", "flipped", X_FIT[:, :, ::-1], X_EVAL[:, :, ::-1])
    assert "distinct trained models" in str(passes(check_test_errors(trained, test_sets, build_autoencoder)))
    reused = {**trained, ("flipped", "dense"): (trained["none", "dense"][0], trained["none", "dense"][1], trained["none", "dense"][2])}
    fails(lambda: check_test_errors(reused, test_sets, build_autoencoder), "same model object")
    wrong_kind = {**trained, ("none", "conv"): trained["none", "dense"]}
    fails(lambda: check_test_errors(wrong_kind, test_sets, build_autoencoder), "is not a conv autoencoder")
    on_train = {**trained, ("none", "dense"): (0.5, *trained["none", "dense"][1:])}
    fails(lambda: check_test_errors(on_train, test_sets, build_autoencoder), "not trained on")
    fails(
        lambda: check_test_errors({("none", "dense"): trained["none", "dense"][:2]}, test_sets, build_autoencoder),
        "(test MSE, model, fit result)",
    )


# =========================================================================== ex2: encoder, decoder, statistics, generate


def lecture01_halves(hidden="relu", code="linear", separate_activation=False):
    def dense(units, activation):
        return (
            [keras.layers.Dense(units), keras.layers.Activation(activation)]
            if separate_activation
            else [keras.layers.Dense(units, activation=activation)]
        )

    encoder = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), *dense(500, hidden), *dense(300, hidden), *dense(2, code)])
    decoder = keras.Sequential(
        [keras.Input((2,)), *dense(300, hidden), *dense(500, hidden), keras.layers.Dense(784), keras.layers.Reshape((28, 28))]
    )
    return encoder, decoder


def test_check_encoder_decoder():
    passes(check_encoder_decoder(*lecture01_halves()))
    passes(check_encoder_decoder(*lecture01_halves(separate_activation=True)))
    fails(lambda: check_encoder_decoder(*lecture01_halves(hidden="linear")), "ReLU", "collapse into one linear map")
    fails(lambda: check_encoder_decoder(*lecture01_halves(hidden="sigmoid")), "sigmoid", "ReLU")
    fails(lambda: check_encoder_decoder(*lecture01_halves(code="relu")), "leave it linear")
    encoder, _ = lecture01_halves()
    flat = keras.Sequential([keras.Input((2,)), keras.layers.Dense(300), keras.layers.Dense(500), keras.layers.Dense(784)])
    fails(lambda: check_encoder_decoder(encoder, flat), "(3, 28, 28)")
    small = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(64, "relu"), keras.layers.Dense(2)])
    fails(lambda: check_encoder_decoder(small, lecture01_halves()[1]), "[500, 300, 2]")
    fails(lambda: check_encoder_decoder(lambda x: x, lecture01_halves()[1]), "keras.Model")


def statistics(codes, labels):
    classes = np.unique(labels)
    return np.stack([codes[labels == k].mean(0) for k in classes]), np.stack([codes[labels == k].std(0) for k in classes])


def test_check_cluster_statistics():
    for seed in (3, 11):
        passes(check_cluster_statistics(statistics, seed=seed))
    fails(lambda: check_cluster_statistics(lambda c, y: (statistics(c, y)[0].T, statistics(c, y)[1])), "shape")
    fails(lambda: check_cluster_statistics(lambda c, y: (np.stack([c[:10].mean(0)] * len(np.unique(y))), statistics(c, y)[1])), "mean code")
    fails(lambda: check_cluster_statistics(lambda c, y: (statistics(c, y)[0], statistics(c, y)[1] ** 2)), "variances")
    fails(lambda: check_cluster_statistics(lambda c, y: statistics(c, y)[0]), "pair")

    def four_labels(codes, labels):  # written for the visible check's four labels
        return tuple(
            np.stack([s[labels == k].mean(0) if i == 0 else s[labels == k].std(0) for k in range(4)]) for i, s in enumerate((codes, codes))
        )

    passes(check_cluster_statistics(four_labels))
    fails(lambda: check_cluster_statistics(four_labels, seed=11), "shape")  # the hidden test's other seed


def notebook_namespace():
    """What the notebook's generate sees: rng, centroids, spreads and decoder (stand-ins; the check replaces them)."""
    return {
        "np": np,
        "rng": np.random.default_rng(0),
        "centroids": np.zeros((10, 2)),
        "spreads": np.ones((10, 2)),
        "decoder": None,
        "SPREAD_SCALE": 0.5,
        "x_eval": np.random.default_rng(5).random((50, 28, 28), dtype=np.float32),
    }


def notebook_function(source, name="generate"):
    namespace = notebook_namespace()
    exec(source, namespace)
    return namespace[name]


GENERATE = """
def generate(digit, n):
    new_codes = rng.normal(centroids[digit], SPREAD_SCALE * spreads[digit], size=(n, 2))
    return np.clip(decoder.predict(new_codes, verbose=0), 0.0, 1.0)
"""


def test_check_generate_passes_correct_answers_written_several_ways():
    passes(check_generate(notebook_function(GENERATE), 0.5))
    other = GENERATE.replace(
        "rng.normal(centroids[digit], SPREAD_SCALE * spreads[digit], size=(n, 2))",
        "centroids[digit] + SPREAD_SCALE * spreads[digit] * rng.standard_normal((2, n)).T",
    )
    passes(
        check_generate(notebook_function(other.replace("decoder.predict(new_codes, verbose=0)", "decoder(new_codes).numpy()")), 0.5, seed=5)
    )


@pytest.mark.parametrize(
    "old, new, phrase",
    [
        (
            "return np.clip(decoder.predict(new_codes, verbose=0), 0.0, 1.0)",
            "return x_eval[rng.integers(len(x_eval), size=n)]",
            "not images made by `decoder`",
        ),
        (
            "new_codes = rng.normal(centroids[digit], SPREAD_SCALE * spreads[digit], size=(n, 2))",
            "new_codes = rng.normal(centroids[digit], 0.001, size=(n, 2))",
            "spread by",
        ),  # near-copies of the centroid
        ("SPREAD_SCALE * spreads[digit]", "SPREAD_SCALE * spreads[digit] ** 2", "the variance"),
        ("centroids[digit]", "centroids[(digit + 1) % len(centroids)]", "mixed up"),
        (
            "rng.normal(centroids[digit], SPREAD_SCALE * spreads[digit], size=(n, 2))",
            "centroids[digit] + SPREAD_SCALE * spreads[digit] * np.sqrt(3) * rng.uniform(-1, 1, size=(n, 2))",
            "not normally distributed",
        ),
        ("np.clip(decoder.predict(new_codes, verbose=0), 0.0, 1.0)", "decoder.predict(new_codes, verbose=0)", "clip it to [0, 1]"),
        ("rng.normal(", "np.random.default_rng(0).normal(", "NEW codes"),
        ("rng.normal(", "np.random.normal(", "with the notebook's `rng`"),
        ("SPREAD_SCALE * spreads[digit]", "spreads[digit]", "spread by"),
    ],
)
def test_check_generate_names_each_mistake(old, new, phrase):
    assert old in GENERATE
    fails(lambda: check_generate(notebook_function(GENERATE.replace(old, new)), 0.5), phrase)


def test_check_generate_catches_reconstructions_of_real_images():
    namespace = notebook_namespace()
    exec(
        GENERATE.replace(
            "new_codes = rng.normal(centroids[digit], SPREAD_SCALE * spreads[digit], size=(n, 2))",
            "new_codes = encoder(x_eval[rng.integers(len(x_eval), size=n)]).numpy()",
        ),
        namespace,
    )
    namespace["encoder"] = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(2)])
    fails(lambda: check_generate(namespace["generate"], 0.5), "draw the codes around centroids[digit]")


def test_check_generate_puts_the_notebooks_objects_back():
    generate = notebook_function(GENERATE)
    before = {k: generate.__globals__[k] for k in ("rng", "centroids", "spreads", "decoder")}
    check_generate(generate, 0.5)
    assert all(generate.__globals__[k] is v for k, v in before.items())


def test_check_interpolation():
    passes(check_interpolation(lambda a, b, n: np.linspace(a, b, n)))
    passes(check_interpolation(lambda a, b, n: np.linspace(a, b, n), seed=3))
    fails(lambda: check_interpolation(lambda a, b, n: np.linspace(a, b, n).T), "shape")
    fails(lambda: check_interpolation(lambda a, b, n: np.linspace(a, b, n + 1)[:-1]), "last end")
    fails(lambda: check_interpolation(lambda a, b, n: np.linspace(a, b, n, endpoint=False)), "last end")
    fails(lambda: check_interpolation(lambda a, b, n: a + np.geomspace(1, 2, n)[:, None] - 1 + 0 * b), "start")
    seven = lambda a, b, n: np.linspace(a, b, 7)  # noqa: E731  (written for the visible check's 7 steps)
    fails(lambda: check_interpolation(seven, seed=3), "shape")


def test_digit_classifier_is_small_seeded_and_leaves_the_global_random_state_alone():
    keras.utils.set_random_seed(3)
    before = np.random.random()
    keras.utils.set_random_seed(3)
    first, second = recognition.digit_classifier(), recognition.digit_classifier()
    assert np.random.random() == before  # building it drew nothing from NumPy's global generator
    assert first.count_params() == 12_810 and first.output_shape == (None, 10)
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights(), strict=True))
    assert not np.array_equal(first.get_weights()[0], recognition.digit_classifier(seed=1).get_weights()[0])
    with pytest.raises(ValueError, match="seed"):
        recognition.digit_classifier(seed=-1)
    with pytest.raises(ValueError, match="28x28"):
        recognised_digits(np.zeros((2, 14, 14)))


# =========================================================================== ex3: noise and denoiser


def add_noise(images, sigma, seed):
    noise = np.random.default_rng(seed).normal(0, sigma, size=np.shape(images))
    return np.clip(images + noise, 0, 1).astype(images.dtype)


def test_check_add_noise_passes():
    for seed in (0, 4):
        passes(check_add_noise(add_noise, seed=seed))


def test_check_add_noise_names_each_mistake():
    def uniform(x, s, seed):  # the right spread, the wrong distribution
        return np.clip(x + np.random.default_rng(seed).uniform(-np.sqrt(3) * s, np.sqrt(3) * s, x.shape), 0, 1).astype(x.dtype)

    def plus_minus(x, s, seed):  # +-sigma at random
        return np.clip(x + s * np.random.default_rng(seed).choice([-1.0, 1.0], x.shape), 0, 1).astype(x.dtype)

    def one_pattern(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).normal(0, s, x.shape[1:]), 0, 1).astype(x.dtype)

    def one_value_per_image(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).normal(0, s, (len(x),) + (1,) * (x.ndim - 1)), 0, 1).astype(x.dtype)

    def smoothed(x, s, seed):
        draw = np.random.default_rng(seed).normal(0, s, x.shape[:2] + (x.shape[2] + 1,) + x.shape[3:])
        return np.clip(x + (draw[:, :, 1:] + draw[:, :, :-1]) / np.sqrt(2), 0, 1).astype(x.dtype)

    fails(lambda: check_add_noise(uniform), "not normally distributed")
    fails(lambda: check_add_noise(plus_minus), "only 2 different values")
    fails(lambda: check_add_noise(lambda x, s, seed: add_noise(x, s**2, seed)), "sigma squared")
    fails(lambda: check_add_noise(lambda x, s, seed: (x + np.random.default_rng(seed).normal(0, s, x.shape)).astype(x.dtype)), "clipped")
    fails(lambda: check_add_noise(one_pattern), "the images share their noise")
    fails(lambda: check_add_noise(one_value_per_image), "every pixel got (almost) the same noise")
    fails(lambda: check_add_noise(smoothed), "neighbouring pixels is correlated")
    fails(lambda: check_add_noise(lambda x, s, seed: add_noise(x, s, seed).astype(np.float64)), "dtype")
    fails(lambda: check_add_noise(lambda x, s, seed: add_noise(x, s, None)), "same seed")
    memorised = lambda x, s, seed: add_noise(x, s, seed) if s == 0.1 or s == 0.8 else add_noise(x, 0.1, seed)  # noqa: E731
    passes(check_add_noise(memorised))
    fails(lambda: check_add_noise(memorised, seed=4), "standard deviation")  # the hidden test's other noise level


def tiny_denoiser():
    keras.utils.set_random_seed(0)
    image = keras.Input((8, 8, 1))
    model = keras.Model(
        image, keras.layers.Conv2D(1, 3, padding="same")(keras.layers.Conv2D(2, 3, padding="same", activation="relu")(image))
    )
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    return model


CLEAN = (np.random.default_rng(6).random((16, 8, 8, 1)) > 0.7).astype(np.float32)
NOISY = np.clip(CLEAN + np.random.default_rng(7).normal(0, 0.4, CLEAN.shape), 0, 1).astype(np.float32)


def denoiser_trainer(pairs="noisy->clean", epochs=EPOCHS, train=True):
    def train_denoiser(noisy_images, clean_images):
        model = tiny_denoiser()
        source, target = {
            "notebook's own": (NOISY[::-1].copy(), CLEAN[::-1].copy()),
            "noisy->clean": (noisy_images, clean_images),
            "clean->clean": (clean_images, clean_images),
            "noisy->noisy": (noisy_images, noisy_images),
            "clean->noisy": (clean_images, noisy_images),
        }[pairs]
        result = fit_or_load(model, "ex3-denoiser", source, target, epochs=epochs, batch_size=BATCH_SIZE, verbose=0) if train else None
        return model, result

    return train_denoiser


def test_check_train_denoiser_tells_a_denoiser_from_an_autoencoder(cache_dir):
    def check(**kwargs):
        return check_train_denoiser(denoiser_trainer(**kwargs), CLEAN, NOISY, EPOCHS, BATCH_SIZE)

    passes(check())
    fails(lambda: check(pairs="clean->clean"), "the clean images as input and the clean images as target", "ordinary autoencoder")
    fails(lambda: check(pairs="noisy->noisy"), "noisy images as input and the noisy images as target")
    fails(lambda: check(pairs="clean->noisy"), "clean images as input and the noisy images as target", "add noise")
    fails(lambda: check(pairs="notebook's own"), "other images as input", "train on its arguments")
    fails(lambda: check(train=False), "never trained")
    fails(lambda: check(epochs=3), "EPOCHS")


def test_check_denoiser_measures_the_trained_model():
    rng = np.random.default_rng(0)
    clean = (rng.uniform(size=(20, 8, 8)) > 0.7).astype(np.float32)
    noisy = np.clip(clean + rng.normal(0, 0.4, clean.shape), 0, 1).astype(np.float32)
    assert "times the noisy input's" in str(passes(check_denoiser(lambda x: 0.2 * x + 0.8 * clean, clean, noisy)))
    fails(lambda: check_denoiser(lambda x: x, clean, noisy), "1.00 times as far", "not trained enough")
    fails(lambda: check_denoiser(lambda x: 0.8 * x + 0.2 * clean, clean, noisy), "below 0.5")
    fails(lambda: check_denoiser(lambda x: x[..., None], clean, noisy), "shape")
    with pytest.raises(ValueError, match="one shape"):
        check_denoiser(lambda x: x, clean, noisy[:5])


# =========================================================================== ex4: subsets, classifiers, accuracies


def subset(labels, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == k), n // 10, replace=False) for k in range(10)])


def test_check_labelled_subset():
    passes(check_labelled_subset(subset))
    real_labels = np.random.default_rng(8).integers(0, 10, 5000)
    passes(check_labelled_subset(subset, seed=9, labels=real_labels))
    fails(lambda: check_labelled_subset(lambda y, n, seed: np.random.default_rng(seed).choice(len(y), n, replace=False)), "every digit")
    fails(lambda: check_labelled_subset(lambda y, n, seed: subset(y, n, 0)), "seeds 0 and 1")
    fails(lambda: check_labelled_subset(lambda y, n, seed: np.arange(n)), "every digit")
    fails(lambda: check_labelled_subset(lambda y, n, seed: subset(y, n, seed).astype(float)), "integer")
    first = lambda y, n, seed: np.concatenate([np.flatnonzero(y == k)[: n // 10] for k in range(10)])  # noqa: E731
    fails(lambda: check_labelled_subset(first), "first")


def test_the_hidden_subset_test_on_the_notebooks_labels_catches_an_answer_written_for_the_visible_ones():
    def for_the_check(y, n, seed):  # random on the visible check's 3,000 labels, the first images on any others
        return subset(y, n, seed) if len(y) == 3000 else np.concatenate([np.flatnonzero(y == k)[: n // 10] for k in range(10)])

    passes(check_labelled_subset(for_the_check))
    fails(lambda: check_labelled_subset(for_the_check, seed=9, labels=np.random.default_rng(8).integers(0, 10, 5000)), "first")


def small_autoencoder():
    return tiny_models.dense_autoencoder(input_shape=(28, 28), hidden_units=(16,), code_size=4)


@pytest.fixture(scope="module")
def pretrained_encoder():
    keras.utils.set_random_seed(0)
    encoder = small_autoencoder().get_layer("encoder")
    encoder.set_weights([w + np.random.default_rng(0).normal(0, 0.1, w.shape) for w in encoder.get_weights()])  # as if trained
    return encoder


def copy_of(encoder):
    copy = small_autoencoder().get_layer("encoder")
    copy.set_weights(encoder.get_weights())
    return copy


def builder(encoder, frozen=None, tuned=None, scratch=None):
    def build(variant):
        if variant == "frozen":
            return (frozen or (lambda: tiny_models.encoder_classifier(encoder, trainable_encoder=False)))()
        if variant == "fine-tuned":
            return (tuned or (lambda: tiny_models.encoder_classifier(copy_of(encoder), trainable_encoder=True)))()
        return (scratch or (lambda: tiny_models.encoder_classifier(small_autoencoder().get_layer("encoder"), trainable_encoder=True)))()

    return build


def test_check_classifiers(pretrained_encoder):
    enc = pretrained_encoder

    def check(**variants):
        return check_classifiers(builder(enc, **variants), enc)

    def on(encoder, trainable):
        return lambda: tiny_models.encoder_classifier(encoder(), trainable_encoder=trainable)

    assert "shares no weights" in str(passes(check()))
    fails(lambda: check(scratch=on(lambda: enc, True)), '"scratch" classifier starts from the pretrained')
    fails(lambda: check(scratch=on(lambda: copy_of(enc), True)), "newly built encoder")
    fails(lambda: check(tuned=on(lambda: enc, True)), "fine-tune a copy")
    fails(lambda: check(tuned=on(lambda: copy_of(enc), False)), "start from the pretrained encoder's weights and train them")
    fails(lambda: check(frozen=on(lambda: copy_of(enc), True)), "not train them")
    fresh = lambda: small_autoencoder().get_layer("encoder")  # noqa: E731
    fails(lambda: check(scratch=on(fresh, False)), "trains all of them")
    fails(lambda: check(frozen=on(fresh, False)), "hold the pretrained encoder")
    bigger = lambda: tiny_models.dense_autoencoder(input_shape=(28, 28), hidden_units=(32,), code_size=4).get_layer("encoder")  # noqa: E731
    fails(lambda: check(scratch=on(bigger, True)), "not the same network")
    tiny_models.encoder_classifier(enc, trainable_encoder=False)  # leave the fixture frozen, as the notebook expects


DIGITS = np.random.default_rng(9)
X_TRAIN = DIGITS.random((300, 28, 28), dtype=np.float32)
Y_TRAIN = np.tile(np.arange(10), 30)
X_TEST, Y_TEST = DIGITS.random((200, 28, 28), dtype=np.float32), DIGITS.integers(0, 10, 200)


def accuracy_runner(encoder, mistake=None):
    """The notebook's test_accuracy on the tiny stand-ins, with one mistake at a time."""
    build = builder(encoder)

    def test_accuracy(n_labels, variant, seed):
        keras.utils.set_random_seed(seed)
        picked = subset(Y_TRAIN, n_labels, seed)
        x, y = X_TRAIN[picked], Y_TRAIN[picked]
        if mistake == "all labels":
            x, y = X_TRAIN, Y_TRAIN
        elif mistake == "first n":
            x, y = X_TRAIN[:n_labels], Y_TRAIN[:n_labels]
        elif mistake == "test set":
            x, y = X_TEST[:n_labels], Y_TEST[:n_labels]
        elif mistake == "shuffled labels":
            y = np.roll(y, 1)
        classifier = build("frozen" if mistake == "ignores variant" else variant)
        if mistake == "unfreezes" and variant == "frozen":
            encoder.trainable = True
            classifier = tiny_models.encoder_classifier(encoder, trainable_encoder=True)
        classifier.compile(
            optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=True
        )
        if mistake != "no training":
            fit_or_load(classifier, f"ex4-{variant}-{n_labels}-{seed}", x, y, epochs=3, batch_size=32, verbose=0)
        loss, accuracy = classifier.evaluate(
            X_TEST if mistake != "train accuracy" else x, Y_TEST if mistake != "train accuracy" else y, verbose=0
        )
        return float(loss if mistake == "loss" else accuracy), classifier

    return test_accuracy


def run_accuracy_check(encoder, mistake=None):
    weights = encoder.get_weights()
    try:
        return check_test_accuracy(
            accuracy_runner(encoder, mistake), subset, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, encoder, weights, n_labels=100
        )
    finally:
        encoder.set_weights(weights)
        tiny_models.encoder_classifier(encoder, trainable_encoder=False)


@pytest.mark.parametrize(
    "mistake, phrases",
    [
        (None, ()),
        ("all labels", ("all 300 training images",)),
        ("first n", ("the first 100 training images",)),
        ("test set", ("test images",)),
        ("shuffled labels", ("labels that do not belong to the images",)),
        ("no training", ("never trained",)),
        ("ignores variant", ('"fine-tuned"', "did not train the encoder")),
        ("unfreezes", ("changed the frozen encoder's weights",)),
        ("loss", ("loss", "[loss, accuracy]")),
        ("train accuracy", ("labelled training images",)),
    ],
)
def test_check_test_accuracy_watches_every_variant_train(pretrained_encoder, cache_dir, mistake, phrases):
    if mistake is None:
        passes(run_accuracy_check(pretrained_encoder))
    else:
        fails(lambda: run_accuracy_check(pretrained_encoder, mistake), *phrases)


def test_check_test_accuracies_checks_every_run(pretrained_encoder, cache_dir):
    weights = pretrained_encoder.get_weights()
    runner = accuracy_runner(pretrained_encoder)
    runs = {(n, variant): [runner(n, variant, seed) for seed in range(2)] for n in (10, 20) for variant in ("frozen", "scratch")}
    assert "8 accuracies of 4 settings" in str(passes(check_test_accuracies(runs, X_TEST, Y_TEST, weights)))
    single = {(10, "frozen"): runs[10, "frozen"][:1]}
    assert "1 accuracy of 1 setting" in str(passes(check_test_accuracies(single, X_TEST, Y_TEST, weights)))
    later = {**runs, (20, "scratch"): [runs[20, "scratch"][0], (0.99, runs[20, "scratch"][1][1])]}  # only a later run is wrong
    fails(lambda: check_test_accuracies(later, X_TEST, Y_TEST, weights), "(20, 'scratch')")
    reused = {**runs, (20, "scratch"): [runs[10, "scratch"][0], runs[20, "scratch"][1]]}
    fails(lambda: check_test_accuracies(reused, X_TEST, Y_TEST, weights), "reuses a classifier")
    classifier = runs[20, "frozen"][1][1]
    loss = classifier.evaluate(X_TEST, Y_TEST, verbose=0)[0]
    fails(lambda: check_test_accuracies({(20, "frozen"): [(loss, classifier)]}, X_TEST, Y_TEST, weights), "loss")
    moved = [w + 0.5 for w in weights]
    fails(lambda: check_test_accuracies({(20, "frozen"): runs[20, "frozen"]}, X_TEST, Y_TEST, moved), "no longer holds the pretrained")
    fails(
        lambda: check_test_accuracies({(10, "frozen"): [(on * 100, c) for on, c in runs[10, "frozen"]]}, X_TEST, Y_TEST, weights),
        "between 0 and 1",
    )


# =========================================================================== ex5: reparameterise, loss, beta runs


def reparameterise(mean, log_var, seed_generator):
    eps = keras.random.normal(keras.ops.shape(mean), seed=seed_generator)
    return mean + keras.ops.exp(log_var / 2) * eps


def test_check_reparameterise_passes():
    passes(check_reparameterise(reparameterise))
    passes(check_reparameterise(reparameterise, seed=21))


# no_gradient_to_log_var below leaves log_var without a gradient, which Keras reports while the check trains with it.
@pytest.mark.filterwarnings("ignore:Gradients do not exist for variables:UserWarning")
def test_check_reparameterise_names_each_mistake():
    ops, random = keras.ops, keras.random

    def int_seed_per_call(mean, log_var, seed_generator):  # fresh when called directly, frozen once Keras traces it
        return mean + ops.exp(log_var / 2) * random.normal(ops.shape(mean), seed=int(np.random.randint(1_000_000)))

    def uniform(mean, log_var, seed_generator):
        return mean + ops.exp(log_var / 2) * random.uniform(ops.shape(mean), -np.sqrt(3), np.sqrt(3), seed=seed_generator)

    def with_numpy(mean, log_var, seed_generator):
        mean, log_var = np.asarray(mean), np.asarray(log_var)
        return mean + np.exp(log_var / 2) * np.random.default_rng().standard_normal(mean.shape)

    def variance_as_std(mean, log_var, seed_generator):
        return mean + ops.exp(log_var) * random.normal(ops.shape(mean), seed=seed_generator)

    def fixed_seed(mean, log_var, seed_generator):
        return mean + ops.exp(log_var / 2) * random.normal(ops.shape(mean), seed=0)

    def one_draw_per_dimension(mean, log_var, seed_generator):
        return mean + ops.exp(log_var / 2) * random.normal((ops.shape(mean)[-1],), seed=seed_generator)

    def no_gradient_to_log_var(mean, log_var, seed_generator):
        return mean + ops.stop_gradient(ops.exp(log_var / 2)) * random.normal(ops.shape(mean), seed=seed_generator)

    fails(lambda: check_reparameterise(int_seed_per_call), "inside a Keras model the noise is the same", "seed=seed_generator")
    fails(lambda: check_reparameterise(uniform), "not normally distributed")
    fails(lambda: check_reparameterise(with_numpy), "fails inside a Keras model", "not NumPy")
    fails(lambda: check_reparameterise(variance_as_std), "VARIANCE")
    fails(lambda: check_reparameterise(lambda m, v, s: m + random.normal(ops.shape(m), seed=s)), "standard deviation 1")
    fails(lambda: check_reparameterise(fixed_seed), "fresh", "seed=seed_generator")
    fails(lambda: check_reparameterise(one_draw_per_dimension), "every row got the same noise")
    fails(lambda: check_reparameterise(lambda m, v, s: m), "do not vary")
    fails(lambda: check_reparameterise(no_gradient_to_log_var), "no gradient reaches the log_var")
    fails(lambda: check_reparameterise(lambda m, v, s: m + ops.exp(v / 2) * random.normal(ops.shape(m))), "seed=seed_generator")


def vae_loss(images, logits, mean, log_var, beta, rec_weight=1.0, kl=None, pixel_reduce=keras.ops.sum):
    ops = keras.ops
    per_pixel = ops.softplus(logits) - images * logits
    reconstruction = pixel_reduce(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)
    divergence = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1) if kl is None else kl(mean, log_var)
    return ops.mean(rec_weight * reconstruction + beta * divergence)


def test_check_vae_loss_passes():
    passes(check_vae_loss(vae_loss))
    passes(check_vae_loss(vae_loss, seed=17))


def test_the_hidden_loss_test_catches_a_loss_written_for_the_visible_batch():
    def per_six(images, logits, mean, log_var, beta):  # divides by the visible check's batch size, 6, not by the batch's
        return vae_loss(images, logits, mean, log_var, beta) * keras.ops.cast(keras.ops.shape(images)[0], "float32") / 6.0

    passes(check_vae_loss(per_six))
    notebook = nbformat.read(ROOT / "solutions" / "ex5_vae.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "check_vae_loss")
    hidden = cell.source.split("### BEGIN HIDDEN TESTS")[2].split("### END HIDDEN TESTS")[0]
    for loss, failing in ((vae_loss, False), (per_six, True)):
        namespace = {"vae_loss": loss, "keras": keras, "np": np, "checks": checks}
        if failing:
            with pytest.raises(AssertionError, match="perfect code"):
                exec(hidden, namespace)
        else:
            exec(hidden, namespace)


def test_check_vae_loss_blames_the_term_that_is_wrong():
    ops = keras.ops

    def beta_on_reconstruction(images, logits, mean, log_var, beta):
        return vae_loss(images, logits, mean, log_var, 1.0, rec_weight=beta)

    def kl_without_log_var(images, logits, mean, log_var, beta):
        return vae_loss(images, logits, mean, log_var, beta, kl=lambda m, v: 0.5 * ops.sum(ops.square(m), axis=-1))

    def log_var_as_log_std(images, logits, mean, log_var, beta):
        return vae_loss(
            images, logits, mean, log_var, beta, kl=lambda m, v: -0.5 * ops.sum(1 + 2 * v - ops.square(m) - ops.exp(2 * v), axis=-1)
        )

    def kl_summed_over_batch(images, logits, mean, log_var, beta):
        reconstruction = ops.sum(ops.reshape(ops.softplus(logits) - images * logits, (ops.shape(logits)[0], -1)), axis=-1)
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        return ops.mean(reconstruction) + beta * ops.sum(kl)

    def keras_crossentropy(images, logits, mean, log_var, beta):
        reconstruction = keras.losses.binary_crossentropy(ops.reshape(images, (-1, 784)), ops.reshape(logits, (-1, 784)), from_logits=True)
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        return ops.mean(reconstruction + beta * kl)

    def squared_error(images, logits, mean, log_var, beta):
        reconstruction = ops.sum(ops.reshape(ops.square(images - ops.sigmoid(logits)), (-1, 784)), axis=-1)
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        return ops.mean(reconstruction + beta * kl)

    fails(lambda: check_vae_loss(beta_on_reconstruction), "beta multiplies the reconstruction term")
    fails(lambda: check_vae_loss(kl_without_log_var), "reconstruction term right", "ignores log_var")
    fails(lambda: check_vae_loss(log_var_as_log_std), "reconstruction term right", "log of the VARIANCE")
    fails(lambda: check_vae_loss(kl_summed_over_batch), "reconstruction term right", "summed over the batch")
    fails(lambda: check_vae_loss(keras_crossentropy), "averaged over the 784 pixels")
    fails(lambda: check_vae_loss(lambda *a: vae_loss(*a, pixel_reduce=ops.mean)), "averaged over the 784 pixels")
    fails(lambda: check_vae_loss(lambda i, z, m, v, b: vae_loss(i, z, m, v, 0.0)), "is missing")
    fails(lambda: check_vae_loss(lambda i, z, m, v, b: vae_loss(i, z, m, v, 1.0)), "ignores beta")
    fails(
        lambda: check_vae_loss(
            lambda i, z, m, v, b: vae_loss(
                i, z, m, v, b, kl=lambda mm, vv: 0.5 * ops.sum(ops.exp(vv) + ops.square(mm) - 1 - vv, axis=-1) / 8
            )
        ),
        "averaged over the 8 latent",
    )
    fails(lambda: check_vae_loss(lambda i, z, m, v, b: vae_loss(i, z, m, v, -b)), "wrong sign")
    fails(lambda: check_vae_loss(squared_error), "Bernoulli negative log-likelihood")
    fails(lambda: check_vae_loss(lambda *a: ops.softplus(a[1])), "one number")


def constant_vae(code_mean, logit, beta):
    """A VAE whose encoder gives every image the same code distribution and whose decoder the same logits."""
    image = keras.Input((28, 28))
    flat = keras.layers.Flatten()(image)
    mean = keras.layers.Dense(2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(code_mean))(flat)
    log_var = keras.layers.Dense(2, kernel_initializer="zeros", bias_initializer="zeros")(flat)
    encoder = keras.Model(image, [mean, log_var], name="encoder")
    code = keras.Input((2,))
    logits = keras.layers.Dense(784, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(logit))(code)
    decoder = keras.Model(code, keras.layers.Reshape((28, 28))(logits), name="decoder")
    vae = keras.Model(image, decoder(encoder(image)[0]), name="vae")
    vae.beta = beta
    return vae


@pytest.fixture(scope="module")
def beta_runs():
    from course_utils import variational

    images = (np.random.default_rng(10).random((20, 28, 28)) < 0.3).astype(np.float32)
    settings = {0.5: (2.0, -0.85), 1.0: (1.0, -1.4), 4.0: (0.5, -2.2)}  # code mean falls, logits move away from the data
    vaes = {beta: constant_vae(m, logit, beta) for beta, (m, logit) in settings.items()}
    results = {beta: variational.elbo_terms(vae.get_layer("encoder"), vae.get_layer("decoder"), images) for beta, vae in vaes.items()}
    return images, vaes, results


def test_check_beta_runs(beta_runs):
    images, vaes, results = beta_runs
    betas = (0.5, 1, 4)
    assert "each step up in beta" in str(passes(check_beta_runs(results, vaes, images, betas)))
    as_beta_kl = {b: {**r, "kl": b * r["kl"]} for b, r in results.items()}
    fails(lambda: check_beta_runs(as_beta_kl, vaes, images, betas), "beta times the kl term")
    same = {b: vaes[1.0] for b in vaes}
    fails(lambda: check_beta_runs({b: results[1.0] for b in results}, same, images, betas), "same model as another beta's")
    per_pixel = {b: {**r, "reconstruction": r["reconstruction"] / 784} for b, r in results.items()}
    fails(lambda: check_beta_runs(per_pixel, vaes, images, betas), "averaged over the 784 pixels")
    fails(lambda: check_beta_runs(results, vaes, images[:10], betas), "measured on the evaluation images")
    middle = {0.5: vaes[0.5], 1.0: constant_vae(3.0, -1.4, 1.0), 4.0: vaes[4.0]}  # only the middle beta breaks the trend
    from course_utils import variational

    middle_results = {b: variational.elbo_terms(v.get_layer("encoder"), v.get_layer("decoder"), images) for b, v in middle.items()}
    fails(lambda: check_beta_runs(middle_results, middle, images, betas), "did not fall from beta = 0.5 to beta = 1")
    fails(lambda: check_beta_runs({b: r for b, r in results.items() if b != 4.0}, vaes, images, betas), "no entry for beta = 4")
    wrong_beta = {**vaes, 4.0: constant_vae(0.5, -2.2, 1.0)}
    fails(lambda: check_beta_runs(results, wrong_beta, images, betas), "built with beta = 1")
    with pytest.raises(ValueError, match="betas"):
        check_beta_runs(results, vaes, images, (1,))
