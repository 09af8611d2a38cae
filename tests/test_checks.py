"""Each check passes a correct answer and rejects plausible wrong ones with a message that says what to fix."""

import keras
import numpy as np
import pytest
import tiny_models

from course_utils import checks, recognition, transforms


def _assert_fails(call, *phrases):
    """Run ``call()`` (a check) and assert it raises CheckFailed whose message holds every phrase."""
    with pytest.raises(checks.CheckFailed) as failure:
        call()
    message = str(failure.value)
    assert "FAILED" in message, message
    for phrase in phrases:
        assert phrase in message, message


def test_a_passed_check_prints_what_it_verified_and_a_failed_one_raises():
    result = checks.CheckResult("check_x", ("did one thing",))
    assert repr(result) == str(result) == "check_x: PASSED\n  - did one thing"
    assert issubclass(checks.CheckFailed, AssertionError)  # nbgrader scores a test cell that raises it 0


def test_check_flip():
    assert checks.check_flip(lambda x: transforms.flip(x, axis=1))
    _assert_fails(lambda: checks.check_flip(lambda x: x[:, ::-1]), "top to bottom")
    _assert_fails(lambda: checks.check_flip(lambda x: x.copy()), "left-right mirror")
    _assert_fails(lambda: checks.check_flip(lambda x: np.flip(x, axis=2).astype(np.float64)), "dtype")

    def in_place(x):
        x[:] = x[:, :, ::-1].copy()
        return x

    _assert_fails(lambda: checks.check_flip(in_place), "changed its input")


def test_check_permutation():
    assert checks.check_permutation(lambda x, seed: transforms.permute_pixels(x, seed))

    def per_image(x, seed):  # a new permutation for every image: the usual mistake
        rng = np.random.default_rng(seed)
        flat = x.reshape(len(x), -1)
        return np.stack([row[rng.permutation(row.size)] for row in flat]).reshape(x.shape)

    def shuffled_rows(x, seed):  # whole rows shuffled: every row keeps its neighbours
        return x[:, np.random.default_rng(seed).permutation(x.shape[1])]

    def shuffled_columns(x, seed):
        return x[:, :, np.random.default_rng(seed).permutation(x.shape[2])]

    def rolled(x, seed):  # np.roll by a seed-chosen offset: a fixed permutation, but neighbours stay neighbours
        return np.roll(x.reshape(len(x), -1), 5 + seed, axis=1).reshape(x.shape)

    def transposed(x, seed):  # rows become columns (the images here are not square, so reshape back)
        return np.swapaxes(x, 1, 2).reshape(x.shape).copy()

    def blocks(x, seed):  # 2x2 blocks shuffled: half of the neighbours stay together
        n, h, w = x.shape
        tiles = x.reshape(n, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4).reshape(n, -1, 2, 2)
        tiles = tiles[:, np.random.default_rng(seed).permutation(tiles.shape[1])]
        return tiles.reshape(n, h // 2, w // 2, 2, 2).transpose(0, 1, 3, 2, 4).reshape(x.shape)

    _assert_fails(lambda: checks.check_permutation(per_image), "ONE permutation")
    for wrong in (shuffled_rows, shuffled_columns, rolled, blocks):
        _assert_fails(lambda wrong=wrong: checks.check_permutation(wrong), "are still neighbours", "neighbours end up far apart")
    _assert_fails(lambda: checks.check_permutation(transposed), "still neighbours")
    _assert_fails(lambda: checks.check_permutation(lambda x, seed: x.copy()), "unchanged")
    _assert_fails(lambda: checks.check_permutation(lambda x, seed: transforms.permute_pixels(x, 0)), "seeds 7 and 8")
    unseeded = lambda x, seed: transforms.permute_pixels(x, int(np.random.default_rng().integers(1000)))  # noqa: E731
    _assert_fails(lambda: checks.check_permutation(unseeded), "same seed")
    clipped = lambda x, seed: np.clip(transforms.permute_pixels(x, seed), 0, 0.5)  # noqa: E731
    _assert_fails(lambda: checks.check_permutation(clipped), "same pixel values")


def test_check_rotation():
    assert checks.check_rotation(transforms.rotate)
    _assert_fails(lambda: checks.check_rotation(lambda x, d: transforms.rotate(x, -d)), "clockwise")
    _assert_fails(lambda: checks.check_rotation(lambda x, d: np.rot90(x, int(d // 90), axes=(1, 2)).copy()), "30 degrees")

    def no_black_border(x, degrees):  # extends the canvas by repeating the edge pixels (like fill_mode="nearest")
        padded = np.pad(x, ((0, 0), (12, 12), (12, 12)), mode="edge")
        return transforms.rotate(padded, degrees)[:, 12:-12, 12:-12]

    _assert_fails(lambda: checks.check_rotation(no_black_border), "extend the canvas")
    _assert_fails(lambda: checks.check_rotation(lambda x, d: transforms.rotate(x, d)[:, 1:-1, 1:-1]), "shape")


def _statistics(codes, labels):
    classes = np.unique(labels)
    return np.stack([codes[labels == k].mean(0) for k in classes]), np.stack([codes[labels == k].std(0) for k in classes])


def test_check_cluster_statistics():
    assert checks.check_cluster_statistics(_statistics)
    _assert_fails(lambda: checks.check_cluster_statistics(lambda c, y: (_statistics(c, y)[0].T, _statistics(c, y)[1])), "shape")
    _assert_fails(lambda: checks.check_cluster_statistics(lambda c, y: (np.stack([c[:10].mean(0)] * 4), _statistics(c, y)[1])), "mean code")
    variances = lambda c, y: (_statistics(c, y)[0], _statistics(c, y)[1] ** 2)  # noqa: E731
    _assert_fails(lambda: checks.check_cluster_statistics(variances), "standard deviation")
    _assert_fails(lambda: checks.check_cluster_statistics(lambda c, y: _statistics(c, y)[0]), "pair")


CENTROIDS = np.array([[float(d), 0.0] for d in range(10)]) * 3
SPREADS = np.full((10, 2), 0.5)


def _decoder(codes):  # a stand-in decoder: the image's brightness encodes the first code number
    return np.ones((len(codes), 28, 28)) * (np.asarray(codes)[:, :1, None] / 30)


def _recognise(images):  # a stand-in classifier: reads the digit back from the brightness
    return np.clip(np.round(np.asarray(images).reshape(len(images), -1).mean(1) * 10), 0, 9).astype(int)


RNG = np.random.default_rng(0)


def _generate(digit, n, scale=0.5, rng=RNG):
    return np.clip(_decoder(rng.normal(CENTROIDS[digit], scale * SPREADS[digit], size=(n, 2))), 0, 1)


def _check_generate(generate):
    return checks.check_generate(generate, _decoder, CENTROIDS, SPREADS, 0.5, recognise=_recognise)


def test_check_generate():
    assert "PASSED" in repr(_check_generate(_generate))
    _assert_fails(lambda: _check_generate(lambda d, n: _generate(0, n)), "reads the requested digit in", "centroids[digit]")
    _assert_fails(lambda: _check_generate(lambda d, n: _generate((d + 1) % 10, n)), "worst: digit")
    uniform = lambda d, n: np.clip(_decoder(np.random.default_rng(d).uniform(0, 27, size=(n, 2))), 0, 1)  # noqa: E731
    _assert_fails(lambda: _check_generate(uniform), "reads the requested digit")
    _assert_fails(lambda: _check_generate(lambda d, n: _generate(d, n, scale=6.0)), "reads the requested digit")
    _assert_fails(lambda: _check_generate(lambda d, n: _generate(d, n)[:1].repeat(n, 0)), "identical")
    _assert_fails(lambda: _check_generate(lambda d, n: _generate(d, n - 1)), "instead of")
    _assert_fails(lambda: _check_generate(lambda d, n: _decoder(np.tile(CENTROIDS[d], (n, 1))) * 2 + _generate(d, n)), "outside [0, 1]")
    with pytest.raises(ValueError, match="centroids"):
        checks.check_generate(_generate, _decoder, np.zeros(3), SPREADS, 0.5)
    with pytest.raises(ValueError, match="spreads"):
        checks.check_generate(_generate, _decoder, CENTROIDS, -SPREADS, 0.5)


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
        checks.recognised_digits(np.zeros((2, 14, 14)))


def _lecture01_halves(code_activation=None, code_size=2):
    encoder = keras.Sequential([
        keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(500, "relu"), keras.layers.Dense(300, "relu"),
        keras.layers.Dense(code_size, activation=code_activation),
    ])
    decoder = keras.Sequential([
        keras.Input((code_size,)), keras.layers.Dense(300, "relu"), keras.layers.Dense(500, "relu"), keras.layers.Dense(784),
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder


def test_check_encoder_decoder():
    assert "PASSED" in repr(checks.check_encoder_decoder(*_lecture01_halves()))
    _assert_fails(lambda: checks.check_encoder_decoder(*_lecture01_halves(code_activation="relu")), "linear")
    _assert_fails(lambda: checks.check_encoder_decoder(*_lecture01_halves(code_size=3)), "(3, 2)")
    encoder, _ = _lecture01_halves()
    flat_decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(300), keras.layers.Dense(500), keras.layers.Dense(784)])
    _assert_fails(lambda: checks.check_encoder_decoder(encoder, flat_decoder), "(3, 28, 28)")
    small = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(64, "relu"), keras.layers.Dense(2)])
    _assert_fails(lambda: checks.check_encoder_decoder(small, _lecture01_halves()[1]), "[500, 300, 2]")
    _assert_fails(lambda: checks.check_encoder_decoder(lambda x: x, _lecture01_halves()[1]), "keras.Model")


def test_check_interpolation():
    assert checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n))
    _assert_fails(lambda: checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n).T), "shape")
    _assert_fails(lambda: checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n + 1)[:-1]), "last end")
    _assert_fails(lambda: checks.check_interpolation(lambda a, b, n: np.linspace(a, b, n, endpoint=False)), "last end")
    _assert_fails(lambda: checks.check_interpolation(lambda a, b, n: a + np.geomspace(1, 2, n)[:, None] - 1 + 0 * b), "start")


def _add_noise(images, sigma, seed):
    noise = np.random.default_rng(seed).normal(0, sigma, size=np.shape(images))
    return np.clip(images + noise, 0, 1).astype(images.dtype)


def test_check_add_noise():
    assert checks.check_add_noise(_add_noise)

    def uniform(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).random(x.shape) * s, 0, 1).astype(x.dtype)

    def unclipped(x, s, seed):
        return (x + np.random.default_rng(seed).normal(0, s, x.shape)).astype(x.dtype)

    def one_pattern(x, s, seed):  # the same noise image added to every image
        return np.clip(x + np.random.default_rng(seed).normal(0, s, x.shape[1:]), 0, 1).astype(x.dtype)

    def one_value_per_image(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).normal(0, s, (len(x),) + (1,) * (x.ndim - 1)), 0, 1).astype(x.dtype)

    def one_value_per_row(x, s, seed):
        return np.clip(x + np.random.default_rng(seed).normal(0, s, x.shape[:2] + (1,)), 0, 1).astype(x.dtype)

    def smoothed(x, s, seed):  # neighbouring pixels share noise: each value is the mean of two neighbouring draws
        draw = np.random.default_rng(seed).normal(0, s, x.shape[:2] + (x.shape[2] + 1,))
        return np.clip(x + (draw[:, :, 1:] + draw[:, :, :-1]) / np.sqrt(2), 0, 1).astype(x.dtype)

    def variance_for_sigma(x, s, seed):
        return _add_noise(x, s**2, seed)

    _assert_fails(lambda: checks.check_add_noise(uniform), "standard deviation")
    _assert_fails(lambda: checks.check_add_noise(variance_for_sigma), "standard deviation 0.010")
    _assert_fails(lambda: checks.check_add_noise(unclipped), "clipped")
    _assert_fails(lambda: checks.check_add_noise(one_pattern), "the images share their noise")
    _assert_fails(lambda: checks.check_add_noise(one_value_per_image), "every pixel got (almost) the same noise")
    _assert_fails(lambda: checks.check_add_noise(one_value_per_row), "neighbouring pixels is correlated")
    _assert_fails(lambda: checks.check_add_noise(smoothed), "neighbouring pixels is correlated")
    _assert_fails(lambda: checks.check_add_noise(lambda x, s, seed: _add_noise(x, s, seed).astype(np.float64)), "dtype")
    _assert_fails(lambda: checks.check_add_noise(lambda x, s, seed: _add_noise(x, s, None)), "same seed")


def test_check_denoiser():
    rng = np.random.default_rng(0)
    clean = (rng.uniform(size=(20, 8, 8)) > 0.7).astype(np.float32)
    noisy = np.clip(clean + rng.normal(0, 0.4, clean.shape), 0, 1).astype(np.float32)
    assert "closer to the clean images" in repr(checks.check_denoiser(lambda x: 0.5 * x + 0.5 * clean, clean, noisy))
    _assert_fails(lambda: checks.check_denoiser(lambda x: x, clean, noisy), "NOISY images as input")  # trained noisy -> noisy
    _assert_fails(lambda: checks.check_denoiser(lambda x: np.clip(x + rng.normal(0, 0.3, x.shape), 0, 1), clean, noisy), "not closer")
    _assert_fails(lambda: checks.check_denoiser(lambda x: x[..., None], clean, noisy), "shape")
    model = keras.Sequential([keras.Input((8, 8)), keras.layers.Identity()])
    _assert_fails(lambda: checks.check_denoiser(model, clean, noisy), "not closer")
    with pytest.raises(ValueError, match="one shape"):
        checks.check_denoiser(model, clean, noisy[:5])


def _subset(labels, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == k), n // 10, replace=False) for k in range(10)])


def test_check_labelled_subset():
    assert checks.check_labelled_subset(_subset)
    def unbalanced(labels, n, seed):
        return np.random.default_rng(seed).choice(len(labels), n, replace=False)

    _assert_fails(lambda: checks.check_labelled_subset(unbalanced), "every digit")
    _assert_fails(lambda: checks.check_labelled_subset(lambda y, n, seed: _subset(y, n, 0)), "seeds 0 and 1")
    _assert_fails(lambda: checks.check_labelled_subset(lambda y, n, seed: np.arange(n)), "every digit")
    _assert_fails(lambda: checks.check_labelled_subset(lambda y, n, seed: _subset(y, n, seed).astype(float)), "integer")


def test_checks_want_a_function_and_let_unfinished_work_raise():
    with pytest.raises(ValueError, match="your function itself"):
        checks.check_flip(np.zeros(3))

    def unfinished(images):
        raise NotImplementedError("write flip_images")

    with pytest.raises(NotImplementedError, match="write flip_images"):
        checks.check_flip(unfinished)


# --------------------------------------------------------------------------- ex4: the three classifiers and their accuracies


def _small_autoencoder():
    return tiny_models.dense_autoencoder(input_shape=(28, 28), hidden_units=(16,), code_size=4)


@pytest.fixture(scope="module")
def pretrained_encoder():
    keras.utils.set_random_seed(0)
    encoder = _small_autoencoder().get_layer("encoder")
    encoder.set_weights([w + np.random.default_rng(0).normal(0, 0.1, w.shape) for w in encoder.get_weights()])  # as if trained
    return encoder


def _copy_of(encoder):
    copy = _small_autoencoder().get_layer("encoder")
    copy.set_weights(encoder.get_weights())
    return copy


def _builder(encoder, frozen=None, tuned=None, scratch=None):
    def build(variant):
        if variant == "frozen":
            return (frozen or (lambda: tiny_models.encoder_classifier(encoder, trainable_encoder=False)))()
        if variant == "fine-tuned":
            return (tuned or (lambda: tiny_models.encoder_classifier(_copy_of(encoder), trainable_encoder=True)))()
        return (scratch or (lambda: tiny_models.encoder_classifier(_small_autoencoder().get_layer("encoder"), trainable_encoder=True)))()

    return build


def test_check_classifiers(pretrained_encoder):
    enc = pretrained_encoder

    def check(**variants):
        return checks.check_classifiers(_builder(enc, **variants), enc)

    def on(encoder, trainable):
        return lambda: tiny_models.encoder_classifier(encoder(), trainable_encoder=trainable)

    assert "shares no weights" in repr(check())
    # from scratch on the pretrained encoder itself, or on a copy of its weights
    _assert_fails(lambda: check(scratch=on(lambda: enc, True)), '"scratch" classifier starts from the pretrained')
    _assert_fails(lambda: check(scratch=on(lambda: _copy_of(enc), True)), "newly built encoder")
    # fine-tuning the shared encoder object changes it for the frozen runs
    _assert_fails(lambda: check(tuned=on(lambda: enc, True)), "fine-tune a copy")
    # "fine-tuned" that is really frozen, "frozen" that trains the encoder, frozen from-scratch networks
    _assert_fails(lambda: check(tuned=on(lambda: _copy_of(enc), False)), "start from the pretrained encoder's weights and train them")
    _assert_fails(lambda: check(frozen=on(lambda: _copy_of(enc), True)), "not train them")
    fresh = lambda: _small_autoencoder().get_layer("encoder")  # noqa: E731
    _assert_fails(lambda: check(scratch=on(fresh, False)), "trains all of them")
    _assert_fails(lambda: check(frozen=on(fresh, False)), "hold the pretrained encoder")
    tiny_models.encoder_classifier(enc, trainable_encoder=False)  # leave the fixture frozen, as the notebook expects


def test_check_test_accuracies(pretrained_encoder):
    rng = np.random.default_rng(1)
    x_test, y_test = rng.uniform(size=(40, 28, 28)).astype(np.float32), rng.integers(0, 10, 40)
    x_train, y_train = rng.uniform(size=(30, 28, 28)).astype(np.float32), rng.integers(0, 10, 30)
    classifier = tiny_models.encoder_classifier(_copy_of(pretrained_encoder))
    classifier.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    on_test = float(classifier.evaluate(x_test, y_test, verbose=0)[1])
    on_train = float(classifier.evaluate(x_train, y_train, verbose=0)[1])
    assert checks.check_test_accuracies({(10, "frozen"): [(on_test, classifier)]}, x_test, y_test)
    if abs(on_train - on_test) > 0.01:
        on_train_runs = {(10, "frozen"): [(on_train, classifier)]}
        _assert_fails(lambda: checks.check_test_accuracies(on_train_runs, x_test, y_test), "not on the labelled training")
    loss = classifier.evaluate(x_test, y_test, verbose=0)
    _assert_fails(lambda: checks.check_test_accuracies({(10, "frozen"): [(loss, classifier)]}, x_test, y_test), "[loss, accuracy]")
    _assert_fails(lambda: checks.check_test_accuracies({(10, "frozen"): [(on_test * 100, classifier)]}, x_test, y_test), "between 0 and 1")


# --------------------------------------------------------------------------- ex1: the test errors of the trained autoencoders


class _Result:
    history = {"loss": [0.1, 0.05]}


def test_check_test_errors():
    rng = np.random.default_rng(2)
    test_sets = {"none": rng.uniform(size=(12, 28, 28, 1)).astype(np.float32)}
    train = rng.uniform(size=(12, 28, 28, 1)).astype(np.float32)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Rescaling(0.5)])
    on_test = float(np.mean((0.5 * test_sets["none"] - test_sets["none"]) ** 2))
    on_train = float(np.mean((0.5 * train - train) ** 2))
    assert checks.check_test_errors({("none", "dense"): (on_test, model, _Result())}, test_sets)
    _assert_fails(lambda: checks.check_test_errors({("none", "dense"): (on_train, model, _Result())}, test_sets), "not trained on")
    _assert_fails(lambda: checks.check_test_errors({("none", "dense"): (on_test, model)}, test_sets), "(test MSE, model, fit result)")
    _assert_fails(lambda: checks.check_test_errors({("none", "dense"): (on_test, model, None)}, test_sets), "no training history")


# --------------------------------------------------------------------------- ex5: variational autoencoder


def _reparameterise(mean, log_var, seed_generator):
    eps = keras.random.normal(keras.ops.shape(mean), seed=seed_generator)
    return mean + keras.ops.exp(log_var / 2) * eps


def test_check_reparameterise():
    assert "PASSED" in str(checks.check_reparameterise(_reparameterise))
    ops, random = keras.ops, keras.random

    def variance_as_std(mean, log_var, seed_generator):
        return mean + ops.exp(log_var) * random.normal(ops.shape(mean), seed=seed_generator)

    def unscaled(mean, log_var, seed_generator):
        return mean + random.normal(ops.shape(mean), seed=seed_generator)

    def fixed_seed(mean, log_var, seed_generator):  # the same noise on every call
        return mean + ops.exp(log_var / 2) * random.normal(ops.shape(mean), seed=0)

    def one_draw_per_dimension(mean, log_var, seed_generator):
        return mean + ops.exp(log_var / 2) * random.normal((ops.shape(mean)[-1],), seed=seed_generator)

    def one_draw_per_row(mean, log_var, seed_generator):
        return mean + ops.exp(log_var / 2) * random.normal((ops.shape(mean)[0], 1), seed=seed_generator)

    def no_noise(mean, log_var, seed_generator):
        return mean

    _assert_fails(lambda: checks.check_reparameterise(variance_as_std), "VARIANCE", "exp(log_var / 2)")
    _assert_fails(lambda: checks.check_reparameterise(unscaled), "standard deviation 1")
    _assert_fails(lambda: checks.check_reparameterise(fixed_seed), "fresh", "seed=seed_generator")
    _assert_fails(lambda: checks.check_reparameterise(one_draw_per_dimension), "every row got the same noise")
    _assert_fails(lambda: checks.check_reparameterise(one_draw_per_row), "share one noise value")
    _assert_fails(lambda: checks.check_reparameterise(no_noise), "do not vary")
    _assert_fails(lambda: checks.check_reparameterise(lambda m, v, s: m[:, :2]), "shape")


def _vae_loss(images, logits, mean, log_var, beta, pixel_reduce=keras.ops.sum, kl_reduce=keras.ops.sum, kl_weight=None):
    ops = keras.ops
    per_pixel = ops.softplus(logits) - images * logits
    reconstruction = pixel_reduce(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)
    kl = -0.5 * kl_reduce(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
    return ops.mean(reconstruction + (beta if kl_weight is None else kl_weight) * kl)


def test_check_vae_loss():
    assert "PASSED" in str(checks.check_vae_loss(_vae_loss))
    ops = keras.ops

    def without_kl(images, logits, mean, log_var, beta):
        return _vae_loss(images, logits, mean, log_var, beta, kl_weight=0.0)

    def summed_over_batch(images, logits, mean, log_var, beta):
        return _vae_loss(images, logits, mean, log_var, beta) * ops.cast(ops.shape(images)[0], "float32")

    def keras_crossentropy(images, logits, mean, log_var, beta):  # averages over pixels, the usual mistake
        reconstruction = keras.losses.binary_crossentropy(ops.reshape(images, (-1, 784)), ops.reshape(logits, (-1, 784)), from_logits=True)
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        return ops.mean(reconstruction + beta * kl)

    def squared_error(images, logits, mean, log_var, beta):
        reconstruction = ops.sum(ops.reshape(ops.square(images - ops.sigmoid(logits)), (-1, 784)), axis=-1)
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
        return ops.mean(reconstruction + beta * kl)

    _assert_fails(lambda: checks.check_vae_loss(lambda *a: _vae_loss(*a, pixel_reduce=ops.mean)), "averaged over the", "pixels")
    _assert_fails(lambda: checks.check_vae_loss(keras_crossentropy), "averaged over the", "pixels")
    _assert_fails(lambda: checks.check_vae_loss(without_kl), "KL term", "is missing")
    _assert_fails(lambda: checks.check_vae_loss(lambda *a: _vae_loss(*a[:4], a[4], kl_weight=1.0)), "ignores beta")
    _assert_fails(lambda: checks.check_vae_loss(lambda *a: _vae_loss(*a, kl_reduce=ops.mean)), "latent dimensions")
    _assert_fails(lambda: checks.check_vae_loss(summed_over_batch), "average over the batch")
    _assert_fails(lambda: checks.check_vae_loss(squared_error), "softplus(logits) - images * logits")
    _assert_fails(lambda: checks.check_vae_loss(lambda *a: ops.softplus(a[1])), "one number")


def test_check_beta_runs():
    good = {0.5: {"reconstruction": 90.0, "kl": 30.0, "neg_elbo": 120.0}, 1.0: {"reconstruction": 95.0, "kl": 25.0},
            4.0: {"reconstruction": 130.0, "kl": 10.0}}
    assert "PASSED" in str(checks.check_beta_runs(good, (0.5, 1, 4)))
    missing = {k: v for k, v in good.items() if k != 4.0}
    same = {beta: good[1.0] for beta in good}  # one model trained once, reported three times
    per_pixel = {beta: {"reconstruction": v["reconstruction"] / 784, "kl": v["kl"]} for beta, v in good.items()}
    swapped = {0.5: good[4.0], 1.0: good[1.0], 4.0: good[0.5]}
    _assert_fails(lambda: checks.check_beta_runs(missing, (0.5, 1, 4)), "no entry for beta = 4")
    _assert_fails(lambda: checks.check_beta_runs(same, (0.5, 1, 4)), "same numbers")
    _assert_fails(lambda: checks.check_beta_runs(per_pixel, (0.5, 1, 4)), "averaged over the pixels")
    _assert_fails(lambda: checks.check_beta_runs(swapped, (0.5, 1, 4)), "did not fall as beta rose")
    _assert_fails(lambda: checks.check_beta_runs({b: (v["reconstruction"], v["kl"]) for b, v in good.items()}, (0.5, 4)), "elbo_terms")
    with pytest.raises(ValueError, match="betas"):
        checks.check_beta_runs(good, (1,))
