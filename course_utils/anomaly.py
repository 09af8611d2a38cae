"""Anomaly detection by reconstruction error: an autoencoder trained on normal images only reconstructs
unfamiliar images worse, so the per-image error is an anomaly score.

The functions here split a labelled data set into normal and held-out classes, score images, and
measure how well a score separates the two (ROC curve, AUC, threshold chosen on normal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import keras
import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int, is_int, is_number


def _check_classes(held_out: int | Iterable[int], labels: np.ndarray) -> tuple[int, ...]:
    classes = (held_out,) if is_int(held_out) else held_out
    try:
        classes = tuple(classes)
    except TypeError:
        raise ValueError(f"held_out must be a class label or a sequence of labels, got {held_out!r}.") from None
    present = set(np.unique(labels).tolist())
    if not classes or any(not is_int(c) or c not in present for c in classes):
        raise ValueError(f"held_out must name labels present in the data {sorted(present)}, got {held_out!r}.")
    if set(classes) >= present:
        raise ValueError(f"held_out {held_out!r} leaves no normal class to train on.")
    return tuple(int(c) for c in classes)


def split_by_class(
    images: np.ndarray, labels: np.ndarray, held_out: int | Iterable[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(normal_images, held_out_images)``: the rows whose label is not / is in ``held_out``.

    Row order is kept, so the split of the training set is the same every time.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if len(images) != len(labels):
        raise ValueError(f"images and labels must have one row each, got {len(images)} images and {len(labels)} labels.")
    anomalous = np.isin(labels, _check_classes(held_out, labels))
    return images[~anomalous], images[anomalous]


def reconstruction_errors(model: keras.Model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Return the mean squared error per pixel of each image's reconstruction by ``model``, shape ``(n,)``."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"images must be a non-empty batch (n, ...), got shape {images.shape}.")
    batch_size = check_int("batch_size", batch_size, 1)
    reconstructions = np.asarray(model.predict(images, batch_size=batch_size, verbose=0), dtype=np.float32)
    if reconstructions.shape != images.shape:
        raise ValueError(f"model returns shape {reconstructions.shape} for images of shape {images.shape}; they must match.")
    return np.mean((reconstructions - images) ** 2, axis=tuple(range(1, images.ndim)))


def _check_scores(scores: np.ndarray, is_anomaly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores, is_anomaly = np.asarray(scores, dtype=np.float64).ravel(), np.asarray(is_anomaly).ravel()
    if scores.shape != is_anomaly.shape:
        raise ValueError(f"scores and is_anomaly must have one entry per image, got {scores.size} and {is_anomaly.size}.")
    if not np.isin(is_anomaly, (0, 1)).all():
        raise ValueError("is_anomaly must hold booleans (or 0/1).")
    is_anomaly = is_anomaly.astype(bool)
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError("is_anomaly must mark at least one normal and one anomalous image.")
    return scores, is_anomaly


@dataclass(frozen=True)
class RocCurve:
    """A ROC curve: false and true positive rates at each threshold (flag images whose score >= threshold)."""

    false_positive_rate: np.ndarray
    true_positive_rate: np.ndarray
    thresholds: np.ndarray
    auc: float


def roc(scores: np.ndarray, is_anomaly: np.ndarray) -> RocCurve:
    """Return the ROC curve and its area (AUC) for anomaly ``scores`` against the truth ``is_anomaly``."""
    scores, is_anomaly = _check_scores(scores, is_anomaly)
    fpr, tpr, thresholds = roc_curve(is_anomaly, scores)
    return RocCurve(fpr, tpr, thresholds, float(roc_auc_score(is_anomaly, scores)))


def threshold_for_false_alarms(normal_scores: np.ndarray, rate: float) -> float:
    """Return the score above which a fraction ``rate`` of ``normal_scores`` lies (e.g. 0.05: the 95th percentile).

    Computed on normal images only, as in practice: anomalies are what we have no examples of.
    """
    normal_scores = np.asarray(normal_scores, dtype=np.float64).ravel()
    if normal_scores.size == 0:
        raise ValueError("normal_scores must hold at least one score.")
    if not is_number(rate) or not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be a fraction strictly between 0 and 1, got {rate!r}.")
    return float(np.quantile(normal_scores, 1.0 - rate))


def detection_rates(scores: np.ndarray, is_anomaly: np.ndarray, threshold: float) -> tuple[float, float]:
    """Return ``(true_positive_rate, false_positive_rate)`` when images with ``score >= threshold`` are flagged."""
    scores, is_anomaly = _check_scores(scores, is_anomaly)
    flagged = scores >= threshold
    return float(flagged[is_anomaly].mean()), float(flagged[~is_anomaly].mean())
