"""Benchmark for lecture 03: convolutional autoencoders on Fashion-MNIST and anomaly detection.

    COURSE_CACHE_DIR=... python benchmarks/lecture03.py

Runs in full mode whatever COURSE_QUICK says. Trains, in one run, every model of
notebooks/03_convolutional_fashion_mnist.ipynb with the notebook's exact settings (Adam, MSE, 25 epochs, batch 128,
validation on the test set) through the weight cache, so a later full run of the notebook with the same
COURSE_CACHE_DIR loads the weights instead of training. Keep the settings below in step with the notebook.

Prints, per model: weights, seconds per epoch (training plus the validation pass, as recorded when the model was
trained; a model loaded from the cache is marked so) and test MSE after 25 epochs, next to PCA-64; then the AUC of
the anomaly detector trained without one class. Goals (issue 5): a convolutional autoencoder with a 64-value code
below PCA-64 and below the dense-64 model in the same run; AUC >= 0.85 on the held-out class.
"""

from __future__ import annotations

import os
import platform
import time

os.environ["COURSE_QUICK"] = "0"

import course_utils  # first: imports TensorFlow quietly and with its oneDNN kernels on

# isort: split
import keras
import numpy as np

from course_utils import anomaly, baselines, data, models
from course_utils.reporting import markdown_table
from course_utils.training import FitResult, fit_or_load

EPOCHS, BATCH_SIZE, SEED = 25, 128, 42
ANOMALY_EPOCHS, HELD_OUT, FALSE_ALARM_RATE = 10, 8, 0.05
WIDE = dict(filters=(16, 32), decoder_filters=(32, 16), downsampling="stride", upsampling="transpose", code_size=64)

# cache name -> how the notebook builds the model (the seed is reset before each build, as in the notebook)
MODELS = {
    "lecture03-dense-64": ("dense-64", lambda: models.dense_autoencoder(
        input_shape=(28, 28, 1), hidden_units=(), code_size=64, code_activation="relu", output_activation="sigmoid")),
    "lecture03-conv-small": ("conv small (seed)", lambda: models.conv_autoencoder()),
    "lecture03-conv-transpose": ("conv small, Conv2DTranspose", lambda: models.conv_autoencoder(upsampling="transpose")),
    "lecture03-conv-wide": ("conv wide, dense code", lambda: models.conv_autoencoder(**WIDE)),
}


def build(factory) -> keras.Model:
    course_utils.seed_everything(SEED)
    model = factory()
    model.compile(optimizer="adam", loss="mse")
    return model


def per_epoch(result: FitResult) -> float:
    return result.train_seconds / len(result.history["loss"])


def main() -> None:
    course_utils.seed_everything(SEED)
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    x_train, x_test = x_train[..., np.newaxis], x_test[..., np.newaxis]
    fit_settings = dict(epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True, validation_data=(x_test, x_test))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, device {course_utils.config.compute_device()}, "
          f"keras {keras.__version__}, TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS')}, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    start = time.perf_counter()
    pca_mse = baselines.pca_reconstruction_error(x_train, x_test, 64)
    rows = [["PCA-64", 64, None, None, pca_mse, f"fit in {time.perf_counter() - start:.0f} s"]]
    total_training = 0.0
    for name, (label, factory) in MODELS.items():
        model = build(factory)
        result = fit_or_load(model, name, x_train, x_train, **fit_settings)
        test_mse = float(np.mean(anomaly.reconstruction_errors(model, x_test)))
        total_training += result.train_seconds
        rows.append([label, 64, model.count_params(), per_epoch(result), test_mse, "cached" if result.from_cache else "trained now"])
        print(f"{label}: {result.describe()} test MSE {test_mse:.4f}", flush=True)

    normal_train, _ = anomaly.split_by_class(x_train, y_train, HELD_OUT)
    normal_test, _ = anomaly.split_by_class(x_test, y_test, HELD_OUT)
    detector = build(lambda: models.conv_autoencoder(**WIDE))
    detector_fit = fit_or_load(
        detector, f"lecture03-detector-without-{HELD_OUT}", normal_train, normal_train,
        epochs=ANOMALY_EPOCHS, batch_size=BATCH_SIZE, shuffle=True, validation_data=(normal_test, normal_test),
    )
    total_training += detector_fit.train_seconds
    scores = anomaly.reconstruction_errors(detector, x_test)
    is_anomaly = y_test == HELD_OUT
    auc = anomaly.roc(scores, is_anomaly).auc
    threshold = anomaly.threshold_for_false_alarms(anomaly.reconstruction_errors(detector, normal_train), FALSE_ALARM_RATE)
    caught, false_alarms = anomaly.detection_rates(scores, is_anomaly, threshold)

    print()
    headers = ["model", "code size", "weights", "s/epoch", f"test MSE after {EPOCHS} epochs", "training"]
    print(markdown_table(headers, rows, {"s/epoch": "{:.1f}", f"test MSE after {EPOCHS} epochs": "{:.4f}"}))
    best = min(rows[2:], key=lambda row: row[4])
    dense_mse = rows[1][4]
    reached = best[4] < pca_mse and best[4] < dense_mse
    print(f"\ngoal (64-value conv AE below PCA-64 {pca_mse:.4f} and dense-64 {dense_mse:.4f}): "
          f"{'reached' if reached else 'NOT reached'} by '{best[0]}' with {best[4]:.4f}")
    held_name = data.FASHION_MNIST_CLASSES[HELD_OUT]
    print(f"\nanomaly detector (conv wide, {ANOMALY_EPOCHS} epochs on the 9 other classes, {per_epoch(detector_fit):.1f} s/epoch, "
          f"{'cached' if detector_fit.from_cache else 'trained now'}): held-out class {HELD_OUT} ({held_name}), "
          f"AUC {auc:.3f} (goal >= 0.85: {'reached' if auc >= 0.85 else 'NOT reached'}); threshold at {FALSE_ALARM_RATE:.0%} "
          f"false alarms on normal training images catches {caught:.1%} of {held_name} test images, flags {false_alarms:.1%} "
          f"of normal test images")
    print(f"\nsum of training times (the notebook's cold-cache training cost): {total_training / 60:.1f} min; "
          f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
