import numpy as np
import pytest
import tiny_models

import course_utils
from course_utils import anomaly

LABELS = np.array([0, 1, 2, 1, 0, 2, 2, 1])
IMAGES = np.arange(len(LABELS) * 4, dtype=np.float32).reshape(len(LABELS), 2, 2)


def test_split_by_class_keeps_order_and_rows():
    normal, held_out = anomaly.split_by_class(IMAGES, LABELS, held_out=2)
    np.testing.assert_array_equal(normal, IMAGES[[0, 1, 3, 4, 7]])
    np.testing.assert_array_equal(held_out, IMAGES[[2, 5, 6]])
    normal, held_out = anomaly.split_by_class(IMAGES, LABELS, held_out=(0, 1))
    assert len(normal) == 3 and len(held_out) == 5


@pytest.mark.parametrize(
    "held_out, message",
    [(7, "present in the data"), ((0, 1, 2), "no normal class"), ("shoe", "present in the data"), (1.5, "class label"), ((), "present")],
)
def test_split_by_class_rejects_bad_classes(held_out, message):
    with pytest.raises(ValueError, match=message):
        anomaly.split_by_class(IMAGES, LABELS, held_out=held_out)


def test_split_by_class_needs_one_label_per_image():
    with pytest.raises(ValueError, match="one row each"):
        anomaly.split_by_class(IMAGES, LABELS[:3], held_out=1)


class _Halve:
    """A stand-in model whose reconstruction is half the input, so each error is known exactly."""

    def predict(self, images, batch_size=None, verbose=0):
        return images * 0.5


def test_reconstruction_errors_are_per_image_means():
    images = np.stack([np.full((3, 3, 1), v, np.float32) for v in (0.0, 0.2, 1.0)])
    errors = anomaly.reconstruction_errors(_Halve(), images)
    np.testing.assert_allclose(errors, [0.0, 0.01, 0.25], rtol=1e-6)


def test_reconstruction_errors_with_a_keras_model():
    course_utils.seed_everything(0)
    model = tiny_models.conv_autoencoder(16)
    images = np.random.default_rng(0).random((5, 16, 16, 1), dtype=np.float32)
    errors = anomaly.reconstruction_errors(model, images, batch_size=2)
    expected = ((model.predict(images, verbose=0) - images) ** 2).mean(axis=(1, 2, 3))
    assert errors.shape == (5,)
    np.testing.assert_allclose(errors, expected, rtol=1e-5)


@pytest.mark.parametrize(
    "images, batch_size, message",
    [(np.zeros((0, 4, 4)), 8, "non-empty"), (np.zeros(5), 8, "non-empty"), (np.zeros((2, 4, 4)), 0, "batch_size")],
)
def test_reconstruction_errors_bad_input(images, batch_size, message):
    with pytest.raises(ValueError, match=message):
        anomaly.reconstruction_errors(_Halve(), images, batch_size=batch_size)


def test_reconstruction_errors_checks_the_model_output_shape():
    class Flat:
        def predict(self, images, batch_size=None, verbose=0):
            return images.reshape(len(images), -1)

    with pytest.raises(ValueError, match="must match"):
        anomaly.reconstruction_errors(Flat(), np.zeros((2, 4, 4), np.float32))


def test_roc_of_perfect_random_and_inverted_scores():
    truth = np.array([0, 0, 0, 1, 1, 1], dtype=bool)
    assert anomaly.roc([1, 2, 3, 4, 5, 6], truth).auc == 1.0
    assert anomaly.roc([6, 5, 4, 3, 2, 1], truth).auc == 0.0
    assert anomaly.roc([1, 2, 3, 1, 2, 3], truth).auc == 0.5
    curve = anomaly.roc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    assert curve.auc == pytest.approx(0.75)
    assert curve.false_positive_rate[0] == 0 and curve.true_positive_rate[-1] == 1
    assert len(curve.thresholds) == len(curve.false_positive_rate)


@pytest.mark.parametrize(
    "scores, truth, message",
    [([1, 2], [0, 0], "at least one normal and one anomalous"), ([1, 2, 3], [0, 1], "one entry per image"), ([1, 2], [0, 2], "booleans")],
)
def test_roc_bad_input(scores, truth, message):
    with pytest.raises(ValueError, match=message):
        anomaly.roc(scores, truth)


def test_threshold_for_false_alarms_is_a_quantile_of_normal_scores():
    normal = np.arange(1, 101, dtype=float)  # 1 .. 100
    threshold = anomaly.threshold_for_false_alarms(normal, rate=0.05)
    assert 95 < threshold < 96
    assert np.mean(normal >= threshold) == pytest.approx(0.05)


@pytest.mark.parametrize("rate", [0, 1, 1.5, -0.1, True, "5%"])
def test_threshold_rate_must_be_a_fraction(rate):
    with pytest.raises(ValueError, match="rate"):
        anomaly.threshold_for_false_alarms([1.0, 2.0], rate=rate)


def test_threshold_needs_scores():
    with pytest.raises(ValueError, match="at least one"):
        anomaly.threshold_for_false_alarms([], rate=0.1)


def test_detection_rates_count_flagged_images():
    scores = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    truth = np.array([0, 0, 1, 0, 1, 1], dtype=bool)
    tpr, fpr = anomaly.detection_rates(scores, truth, threshold=0.3)
    assert tpr == 1.0 and fpr == pytest.approx(1 / 3)
    assert anomaly.detection_rates(scores, truth, threshold=0.55) == (pytest.approx(1 / 3), 0.0)
