import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plotting

RNG = np.random.default_rng(0)


def test_grouped_bar_figure_draws_one_bar_per_group_and_series():
    fig = plotting.grouped_bar_figure({"none": {"dense": 0.03, "conv": 0.01}, "permuted": {"dense": 0.03, "conv": 0.05}})
    assert isinstance(fig, Figure) and not plt.get_fignums()
    ax = fig.axes[0]
    assert len(ax.patches) == 4 and [t.get_text() for t in ax.get_xticklabels()] == ["none", "permuted"]
    assert sorted(round(p.get_height(), 3) for p in ax.patches) == [0.01, 0.03, 0.03, 0.05]


def test_latent_clusters_figure_marks_centroids_and_spreads():
    codes, labels = RNG.normal(size=(300, 2)), np.repeat(np.arange(3), 100)
    centroids, spreads = np.zeros((3, 2)), np.ones((3, 2))
    fig = plotting.latent_clusters_figure(codes, labels, centroids, spreads)
    ax = fig.axes[0]
    assert len(ax.collections) == 3 and len(ax.patches) == 3 and [t.get_text() for t in ax.texts] == ["0", "1", "2"]
    assert plotting.latent_clusters_figure(codes, labels, max_points=50).axes[0].collections[0].get_offsets().shape[0] < 50


def test_accuracy_vs_labels_figure_uses_a_log_axis():
    fig = plotting.accuracy_vs_labels_figure([100, 1000, 10000], {"pretrained": [0.8, 0.9, 0.95], "scratch": [0.7, 0.88, 0.96]})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and [line.get_label() for line in ax.lines] == ["pretrained", "scratch"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.grouped_bar_figure({}), "at least one group"),
        (lambda: plotting.grouped_bar_figure({"a": {"x": 1}, "b": {"y": 2}}), "same series"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 3)), np.zeros(5)), "codes must be 2-D"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 2)), np.zeros(4)), "labels must hold"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 2)), np.zeros(5), centroids=np.zeros((2, 2))), "centroids must be"),
        (lambda: plotting.accuracy_vs_labels_figure([0, 10], {"a": [1, 2]}), "label_counts"),
        (lambda: plotting.accuracy_vs_labels_figure([10, 100], {"a": [1.0]}), "one accuracy per label count"),
    ],
)
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
