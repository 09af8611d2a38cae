"""Lecture 05's sparsity penalties: the KL sparsity formula, the penalty layer and the sparse autoencoder builder."""

import keras
import numpy as np
import pytest

from course_utils import models, sparsity


def test_kl_sparsity_is_zero_at_the_target_and_matches_the_formula():
    at_target = np.full((8, 5), 0.1, dtype=np.float32)
    assert float(keras.ops.convert_to_numpy(sparsity.kl_sparsity(at_target, 0.1))) == pytest.approx(0.0, abs=1e-6)
    activations = np.array([[0.2, 0.5], [0.4, 0.7]], dtype=np.float32)
    p = activations.mean(axis=0)
    expected = np.sum(0.1 * np.log(0.1 / p) + 0.9 * np.log(0.9 / (1 - p)))
    assert float(keras.ops.convert_to_numpy(sparsity.kl_sparsity(activations, 0.1))) == pytest.approx(expected, rel=1e-5)


def test_penalty_layer_adds_its_weighted_loss_and_passes_the_code_through():
    layer = sparsity.KLSparsityPenalty(weight=0.5, target=0.1)
    code = np.full((4, 3), 0.3, dtype=np.float32)
    out = keras.ops.convert_to_numpy(layer(code))
    np.testing.assert_array_equal(out, code)
    expected = 0.5 * 3 * (0.1 * np.log(0.1 / 0.3) + 0.9 * np.log(0.9 / 0.7))
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)


def test_sparse_autoencoder_carries_the_penalty_it_was_asked_for():
    plain = models.sparse_autoencoder()
    assert plain.count_params() == (784 * 100 + 100) + (100 * 300 + 300) + (300 * 100 + 100) + (100 * 784 + 784)
    l1 = models.sparse_autoencoder(l1=1e-4).get_layer("encoder")
    assert l1.layers[-1].activity_regularizer.get_config()["l1"] == pytest.approx(1e-4)
    kl = models.sparse_autoencoder(kl_weight=5e-3, kl_target=0.05).get_layer("encoder")
    assert isinstance(kl.layers[-1], sparsity.KLSparsityPenalty) and kl.layers[-1].target == 0.05
    x = np.random.default_rng(0).random((8, 28, 28)).astype(np.float32)
    model = models.sparse_autoencoder(kl_weight=1.0)
    model(x)
    assert len(model.losses) == 1 and float(keras.ops.convert_to_numpy(model.losses[0])) > 0


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: sparsity.KLSparsityPenalty(target=0.0), "target"),
        (lambda: sparsity.KLSparsityPenalty(weight=-1.0), "weight"),
        (lambda: sparsity.kl_sparsity(np.zeros((2, 2)), 1.0), "target"),
        (lambda: models.sparse_autoencoder(l1=-0.1), "l1"),
        (lambda: models.sparse_autoencoder(code_size=0), "code_size"),
    ],
)
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()
