"""Losses that are not in Keras."""

from __future__ import annotations

import keras

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)


@keras.saving.register_keras_serializable(package="course_utils")
def half_sum_squared_error(y_true, y_pred):
    """Return, per sample, half the sum of squared differences over all its values: ``0.5 * sum((y_pred - y_true)**2)``.

    TensorFlow's ``tf.nn.l2_loss`` of source lecture 001 is the same sum over a whole batch; Keras averages this loss over
    the batch, so the reported loss is the source lecture's "average loss per sample".
    """
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    squared = keras.ops.square(y_pred - y_true)
    axes = tuple(range(1, len(squared.shape)))
    return 0.5 * keras.ops.sum(squared, axis=axes)
