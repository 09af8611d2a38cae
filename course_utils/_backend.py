"""Import Keras on the TensorFlow backend without TensorFlow's start-up chatter.

TensorFlow's C++ runtime writes log lines (CUDA probing, CPU feature notices) straight to file
descriptor 2 while it is imported. Jupyter kernels forward that descriptor into cell outputs, so
without this the first cell of every notebook would show a wall of warnings.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow turns its oneDNN kernels on by default only on some Intel CPUs; elsewhere (e.g. AMD) convolutions fall
# back to much slower generic code. Turning them on cuts the CPU time of lecture 03's conv models about threefold.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


@contextlib.contextmanager
def _stderr_fd_silenced() -> Iterator[None]:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded interpreters): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _trigger_onednn_notice(tf: object) -> None:
    """Run, once and silently, the kind of graph that makes oneDNN log "supports DT_INT32 only on platforms with
    AVX-512" on CPUs without AVX-512; TensorFlow logs that line once per process, and otherwise it would land in the
    output of the first notebook cell that trains a model with UpSampling2D (the gradient of a repeat)."""

    def gradient(t):
        with tf.GradientTape() as tape:
            tape.watch(t)
            total = tf.reduce_sum(tf.repeat(t, 2, axis=1))
        return tape.gradient(total, t)

    tf.function(gradient, input_signature=[tf.TensorSpec((None, 2), tf.float32)])(tf.zeros((1, 2)))


if "tensorflow" not in sys.modules:
    with _stderr_fd_silenced():
        import tensorflow

        # Probing for GPUs is where TensorFlow logs CUDA errors on machines without one.
        tensorflow.config.list_physical_devices("GPU")
        if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "1":
            _trigger_onednn_notice(tensorflow)

# tf.function's "retracing" notices are advice for library authors; in a notebook they would only alarm students.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

import keras  # noqa: E402

if keras.backend.backend() != "tensorflow":
    raise ImportError(
        f"course_utils needs the TensorFlow backend of Keras, but KERAS_BACKEND={keras.backend.backend()!r}. "
        "Unset KERAS_BACKEND or set it to 'tensorflow'."
    )
