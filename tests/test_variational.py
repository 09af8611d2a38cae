"""Lecture 05's VAE helpers on tiny data: the two terms of the loss, the importance-weighted bound, active units,
wrong losses detected, binarisation and argument errors. (The lecture writes the VAE's layers itself; the tests
use a tiny VAE from tests/tiny_models.py.)"""

import keras
import numpy as np
import pytest
import tiny_models

from course_utils import recognition, variational


@pytest.fixture(scope="module")
def images():
    grey = np.random.default_rng(0).random((24, 6, 6)).astype(np.float32)
    return variational.binarise(grey, seed=1)


def _tiny_vae(**kwargs):
    keras.utils.set_random_seed(0)
    vae = tiny_models.vae(**kwargs)
    vae.compile(optimizer="adam", loss=variational.bernoulli_reconstruction_loss)
    return vae


def _shift_means(vae, offset=3.0):
    """Make q(z|x) far from N(0, I), so the KL term is large enough to notice."""
    mean_layer = vae.get_layer("encoder").get_layer("mean")
    kernel, bias = mean_layer.get_weights()
    mean_layer.set_weights([kernel, bias + offset])


def test_kl_matches_a_monte_carlo_estimate_and_is_zero_only_at_the_prior():
    mean = np.array([[0.0, 1.0], [2.0, -1.0]], dtype=np.float32)
    log_var = np.array([[0.0, np.log(4.0)], [np.log(0.25), 0.0]], dtype=np.float32)
    got = keras.ops.convert_to_numpy(variational.kl_to_standard_normal(mean, log_var))
    # An independent oracle: KL = E_q[log q(z) - log p(z)], estimated from samples of q.
    rng = np.random.default_rng(0)
    std = np.exp(0.5 * log_var)
    eps = rng.standard_normal((400_000, *mean.shape))
    z = mean + std * eps
    log_q = np.sum(-0.5 * eps**2 - np.log(std), axis=-1)
    log_p = np.sum(-0.5 * z**2, axis=-1)
    np.testing.assert_allclose(got, (log_q - log_p).mean(axis=0), rtol=0.02)
    assert got.shape == (2,) and np.all(got > 0)
    at_prior = keras.ops.convert_to_numpy(variational.kl_to_standard_normal(np.zeros((1, 3)), np.zeros((1, 3))))
    assert at_prior[0] == pytest.approx(0.0, abs=1e-7)


def test_reconstruction_loss_is_summed_over_pixels_not_averaged(images):
    logits = np.random.default_rng(1).normal(size=images.shape).astype(np.float32)
    summed = keras.ops.convert_to_numpy(variational.bernoulli_reconstruction_loss(images, logits))
    flat_images, flat_logits = images.reshape(24, -1), logits.reshape(24, -1)
    averaged = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(flat_images, flat_logits, from_logits=True))
    assert summed.shape == (24,)
    np.testing.assert_allclose(summed, 36 * averaged, rtol=1e-4)
    probabilities = 1 / (1 + np.exp(-flat_logits.astype(np.float64)))
    by_hand = -np.sum(flat_images * np.log(probabilities) + (1 - flat_images) * np.log(1 - probabilities), axis=1)
    np.testing.assert_allclose(summed, by_hand, rtol=1e-4)


def test_model_loss_is_reconstruction_plus_kl_and_matches_minus_elbo(images):
    vae = _tiny_vae()
    _shift_means(vae)
    terms = variational.elbo_terms(vae.get_layer("encoder"), vae.get_layer("decoder"), images)
    assert terms["kl"] > 5
    assert terms["neg_elbo"] == pytest.approx(terms["reconstruction"] + terms["kl"])
    assert variational.loss_mismatch(vae, images) is None


def test_a_loss_averaged_over_pixels_is_detected(images):
    vae = _tiny_vae()
    vae.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    message = variational.loss_mismatch(vae, images)
    assert message is not None and "averaged over the 36 pixels" in message


def test_a_missing_kl_term_is_detected(images):
    vae = _tiny_vae(beta=0.0)
    _shift_means(vae)
    message = variational.loss_mismatch(vae, images)
    assert message is not None and "KL term" in message and "missing" in message


def test_importance_weighted_bound_tightens_with_k_and_stays_below_the_elbo(images):
    vae = _tiny_vae()
    vae.fit(images, images, epochs=3, batch_size=8, verbose=0)
    encoder, decoder = vae.get_layer("encoder"), vae.get_layer("decoder")
    neg_elbo = np.mean([variational.elbo_terms(encoder, decoder, images, seed=s)["neg_elbo"] for s in range(5)])
    by_k = {k: variational.importance_weighted_nll(encoder, decoder, images, k=k, batch_size=5).mean() for k in (1, 8, 64)}
    assert by_k[64] <= neg_elbo + 1e-6
    assert by_k[64] < by_k[8] < by_k[1]
    one_sample = np.mean([variational.importance_weighted_nll(encoder, decoder, images, k=1, seed=s).mean() for s in range(20)])
    assert one_sample == pytest.approx(neg_elbo, rel=0.02)  # k = 1 is a one-sample -ELBO
    nll = variational.importance_weighted_nll(encoder, decoder, images, k=64, batch_size=5)
    assert nll.shape == (24,) and np.all(np.isfinite(nll))


def test_conditional_vae_takes_a_label_everywhere(images):
    vae = _tiny_vae(latent_dim=2, n_classes=4)
    labels = keras.utils.to_categorical(np.arange(24) % 4, 4)
    assert [tuple(t.shape) for t in vae.inputs] == [(None, 6, 6), (None, 4)]
    vae.fit(variational.DynamicBinarisation(images, 8, 0, labels), epochs=2, verbose=0)
    encoder, decoder = vae.get_layer("encoder"), vae.get_layer("decoder")
    iw = variational.importance_weighted_nll(encoder, decoder, images, k=8, condition=labels)
    assert iw.shape == (24,)
    assert variational.elbo_terms(encoder, decoder, images, condition=labels)["kl"] >= 0
    assert variational.loss_mismatch(vae, images, condition=labels) is None


def test_active_units_count_dimensions_whose_mean_varies():
    rng = np.random.default_rng(0)
    means = np.column_stack([rng.normal(size=200), 0.001 * rng.normal(size=200), rng.normal(size=200), np.full(200, 3.0)])
    assert variational.active_units(means) == 2
    assert variational.active_units(means, threshold=1e-9) == 3


def test_binarise_is_fixed_by_its_seed_and_follows_intensities():
    grey = np.full((200, 10, 10), 0.3, dtype=np.float32)
    first, again, other = variational.binarise(grey, seed=3), variational.binarise(grey, seed=3), variational.binarise(grey, seed=4)
    assert set(np.unique(first)) == {0.0, 1.0} and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.mean() == pytest.approx(0.3, abs=0.01)


def test_dynamic_binarisation_draws_new_pixels_each_epoch_and_is_keyed_by_content():
    grey = np.full((10, 4, 4), 0.5, dtype=np.float32)
    dataset = variational.DynamicBinarisation(grey, batch_size=4, seed=0)
    assert len(dataset) == 3
    x, y = dataset[0]
    assert x.shape == (4, 4, 4) and x.dtype == np.float32 and np.array_equal(x, y) and set(np.unique(x)) <= {0.0, 1.0}
    first_epoch = np.concatenate([dataset[i][0] for i in range(3)])
    assert len(first_epoch) == 10
    dataset.on_epoch_end()
    assert not np.array_equal(first_epoch, np.concatenate([dataset[i][0] for i in range(3)]))
    ramp = np.linspace(0, 1, 4000, dtype=np.float32).reshape(1000, 2, 2)
    drawn = np.concatenate([b[0] for b in variational.DynamicBinarisation(ramp, batch_size=100, seed=1)])
    assert drawn.mean() == pytest.approx(0.5, abs=0.02) and drawn.shape == ramp.shape
    assert repr(dataset) == repr(variational.DynamicBinarisation(grey, batch_size=4, seed=0))
    assert repr(dataset) != repr(variational.DynamicBinarisation(grey * 0.5, batch_size=4, seed=0))
    labels = np.eye(10, 3, dtype=np.float32)
    (x, condition), y = variational.DynamicBinarisation(grey, batch_size=4, seed=0, condition=labels)[1]
    assert np.array_equal(x, y) and condition.shape == (4, 3)
    assert repr(variational.DynamicBinarisation(grey, 4, 0, labels)) != repr(dataset)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: variational.binarise(np.full((2, 3), 1.5, dtype=np.float32)), "images"),
        (lambda: variational.binarise(np.zeros((2, 3), dtype=np.uint8)), "images"),
        (lambda: variational.binarise(np.zeros((2, 3), dtype=np.float32), seed=-1), "seed"),
        (lambda: variational.active_units(np.zeros(5)), "means"),
        (lambda: variational.active_units(np.zeros((5, 2)), threshold=0), "threshold"),
        (lambda: variational.DynamicBinarisation(np.zeros((4, 2), dtype=np.float32), batch_size=0), "batch_size"),
        (lambda: variational.DynamicBinarisation(np.full((4, 2), 2.0, dtype=np.float32)), "images"),
        (lambda: variational.DynamicBinarisation(np.zeros((4, 2), dtype=np.float32), condition=np.zeros((3, 2))), "condition"),
    ],
)
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_evaluation_rejects_bad_inputs(images):
    vae = _tiny_vae()
    encoder, decoder = vae.get_layer("encoder"), vae.get_layer("decoder")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        variational.importance_weighted_nll(encoder, decoder, images, k=0)
    with pytest.raises(ValueError, match="condition must have one row per image"):
        variational.elbo_terms(encoder, decoder, images, condition=np.zeros((3, 4)))
    with pytest.raises(ValueError, match="images must be a non-empty batch"):
        variational.elbo_terms(encoder, decoder, np.zeros(5))


def test_digit_classifier_has_its_weights_and_read_digits_checks_its_input():
    model = recognition.digit_classifier()
    assert model.count_params() == 12_810 and model.output_shape == (None, 10)
    with pytest.raises(ValueError, match="images must be a non-empty batch of 28x28"):
        recognition.read_digits(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="confidence"):
        recognition.read_digits(np.zeros((2, 28, 28)), confidence=0)
