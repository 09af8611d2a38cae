"""Sparse codes (lecture 05): a KL sparsity penalty that pulls each code unit's mean activation towards a target.

An L1 penalty needs nothing new: ``keras.regularizers.L1`` as a layer's ``activity_regularizer``.
"""

from __future__ import annotations

import keras
from keras import ops

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_number


def kl_sparsity(activations, target: float):
    """Return sum over units of KL(Bernoulli(target) || Bernoulli(mean activation of the unit over the batch)).

    ``activations`` lie in (0, 1) (a sigmoid code), shape ``(batch, units)``.
    """
    target = check_number("target", target, 0.0, 1.0, low_open=True, high_open=True)
    activations = ops.convert_to_tensor(activations)
    mean = ops.clip(ops.mean(activations, axis=0), 1e-7, 1.0 - 1e-7)
    kl = target * ops.log(target / mean) + (1.0 - target) * ops.log((1.0 - target) / (1.0 - mean))
    return ops.sum(kl)


@keras.saving.register_keras_serializable(package="course_utils")
class KLSparsityPenalty(keras.layers.Layer):
    """Pass a sigmoid code through unchanged and add ``weight * kl_sparsity(code, target)`` to the model's loss."""

    def __init__(self, weight: float = 5e-3, target: float = 0.1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.penalty_weight = check_number("weight", weight, 0.0)
        self.target = check_number("target", target, 0.0, 1.0, low_open=True, high_open=True)

    def call(self, code):
        self.add_loss(self.penalty_weight * kl_sparsity(code, self.target))
        return code

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": self.penalty_weight, "target": self.target}
