import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plotting

IMAGES = np.random.default_rng(0).random((7, 28, 28), dtype=np.float32)


def test_image_grid_lays_out_rows_and_columns():
    fig = plotting.image_grid(IMAGES, ncols=3, titles=[str(i) for i in range(7)])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 9 and sum(ax.axison for ax in fig.axes) == 7
    assert fig.axes[2].get_title() == "2"
    assert not plt.get_fignums()  # detached from pyplot, so a notebook shows it once


def test_image_grid_accepts_flat_and_channel_images():
    assert len(plotting.image_grid(IMAGES.reshape(7, 784)).axes) == 7
    assert len(plotting.image_grid(IMAGES[..., None], ncols=7).axes) == 7


def test_reconstruction_figure_has_two_labelled_rows():
    fig = plotting.reconstruction_figure(IMAGES, IMAGES * 0.5, n=5)
    assert len(fig.axes) == 10
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[5].get_ylabel() == "reconstruction"


def test_history_figure_from_dict_and_on_given_axes():
    history = {"loss": [0.3, 0.2, 0.1], "val_loss": [0.35, 0.25, 0.2]}
    fig = plotting.history_figure(history)
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss", "val_loss"]
    fig2, ax = plt.subplots()
    assert plotting.history_figure(history, metrics=["loss"], ax=ax) is fig2
    plt.close(fig2)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.image_grid(np.zeros((0, 28, 28))), "at least one"),
        (lambda: plotting.image_grid(np.zeros((2, 5))), "images must have shape"),
        (lambda: plotting.image_grid(IMAGES, ncols=0), "ncols"),
        (lambda: plotting.image_grid(IMAGES, titles=["a"]), "titles"),
        (lambda: plotting.reconstruction_figure(IMAGES, IMAGES[:3]), "must match"),
        (lambda: plotting.history_figure({}), "history"),
        (lambda: plotting.history_figure({"loss": [1.0]}, metrics=["acc"]), "metrics"),
        (lambda: plotting.image_rows({"a": IMAGES, "b": IMAGES[:2]}), "same"),
    ],
)
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
