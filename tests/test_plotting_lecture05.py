"""Figures of lecture 05: each returns a Figure with the panels and labels it promises, and rejects bad input."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plotting


def test_activation_histograms_one_panel_per_model_with_mean_in_title():
    rng = np.random.default_rng(0)
    fig = plotting.activation_histograms_figure({"plain": rng.random((50, 8)), "sparse": np.full((50, 8), 0.05)})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "0.050" in fig.axes[1].get_title() and fig.axes[0].get_yscale() == "log"


def test_sparsity_sweep_draws_each_penalty_and_the_baseline():
    sweeps = {"L1": {1e-5: (0.3, 0.010), 1e-4: (0.1, 0.012)}, "KL": {1e-3: (0.2, 0.011)}}
    fig = plotting.sparsity_sweep_figure(sweeps, baseline=(0.45, 0.009))
    left, right = fig.axes
    assert left.get_xscale() == "log" and len(left.get_lines()) == 3
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [0.010, 0.012])


def test_latent_scatter_pair_and_rate_distortion():
    rng = np.random.default_rng(0)
    panels = {"a": (rng.normal(size=(20, 2)), np.arange(20) % 3), "b": (rng.normal(size=(9, 2)), np.zeros(9, int))}
    fig = plotting.latent_scatter_pair_figure(panels)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    fig = plotting.rate_distortion_figure({"beta = 1": (25.0, 70.0, 20), "beta = 4": (10.0, 95.0, 6)}, latent_dim=32)
    assert fig.axes[0].get_xlabel().startswith("rate") and [p.get_height() for p in fig.axes[1].patches] == [20, 6]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.activation_histograms_figure({}), "codes"),
        (lambda: plotting.activation_histograms_figure({"a": np.ones(3)}, bins=1), "bins"),
        (lambda: plotting.sparsity_sweep_figure({"L1": {0.0: (0.1, 0.1)}}), "positive"),
        (lambda: plotting.sparsity_sweep_figure({}), "sweeps"),
        (lambda: plotting.rate_distortion_figure({}), "results"),
        (lambda: plotting.latent_scatter_pair_figure({"a": (np.zeros((3, 3)), np.zeros(3))}), "codes"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
