"""Every figure helper returns a detached Figure with the panels, labels and scales it promises, and explains bad
input. Sections follow course_utils/plotting.py: one per kind of figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_utils import plotting

IMAGES = np.random.default_rng(0).random((7, 28, 28), dtype=np.float32)
RNG = np.random.default_rng(0)


# --------------------------------------------------------------------------- image grids and rows


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


def test_image_rows_labels_do_not_overprint_each_other():
    rows = {"original": IMAGES[:4], "homoscedastic noise": IMAGES[:4], "heteroscedastic noise": IMAGES[:4]}
    fig = plotting.image_rows(rows)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # labels take their final places while drawing
    renderer = canvas.get_renderer()
    boxes = [ax.yaxis.label.get_window_extent(renderer) for ax in fig.axes[::4]]
    assert [ax.get_ylabel().replace("\n", " ") for ax in fig.axes[::4]] == list(rows)
    for upper, lower in zip(boxes[:-1], boxes[1:], strict=True):
        assert lower.y1 <= upper.y0, "row labels overlap"
    assert min(box.x0 for box in boxes) >= 0, "a row label is cut off at the left edge"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.image_grid(np.zeros((0, 28, 28))), "at least one"),
        (lambda: plotting.image_grid(np.zeros((2, 5))), "images must have shape"),
        (lambda: plotting.image_grid(IMAGES, ncols=0), "ncols"),
        (lambda: plotting.image_grid(IMAGES, titles=["a"]), "titles"),
        (lambda: plotting.reconstruction_figure(IMAGES, IMAGES[:3]), "must match"),
        (lambda: plotting.image_rows({"a": IMAGES, "b": IMAGES[:2]}), "same"),
        (lambda: plotting.snapshots_figure(IMAGES, {}), "snapshots"),
    ],
)
def test_image_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- training curves


def test_history_figure_from_dict_and_on_given_axes():
    history = {"loss": [0.3, 0.2, 0.1], "val_loss": [0.35, 0.25, 0.2]}
    fig = plotting.history_figure(history)
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss", "val_loss"]
    assert fig.axes[0].get_ylabel() == "loss"
    assert plotting.history_figure(history, ylabel="MSE per pixel").axes[0].get_ylabel() == "MSE per pixel"
    fig2, ax = plt.subplots()
    assert plotting.history_figure(history, metrics=["loss"], ax=ax) is fig2
    plt.close(fig2)


def test_histories_figure_draws_one_curve_per_run():
    runs = {"constant": {"loss": [0.3, 0.25, 0.24]}, "cosine": {"loss": [0.3, 0.2, 0.1], "val_loss": [0.4, 0.3, 0.2]}}
    fig = plotting.histories_figure(runs, log_scale=True, ylabel="MSE per pixel")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["constant", "cosine"]
    assert list(ax.lines[1].get_ydata()) == [0.3, 0.2, 0.1] and ax.get_yscale() == "log"
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle(), "runs differ by line style, not colour alone"
    with pytest.raises(ValueError, match="'val_loss' is missing from \\['constant'\\]"):
        plotting.histories_figure(runs, metric="val_loss")
    with pytest.raises(ValueError, match="at least one run"):
        plotting.histories_figure({})


def test_history_panels_one_panel_per_group():
    history = {"loss": [3.0, 1.0, 0.5], "val_loss": [3.5, 2.0, 1.5], "code_mean": [0.5, 0.45, 0.42]}
    fig = plotting.history_panels(history, {"loss": ["loss", "val_loss"], "code": ["code_mean"]}, log_scale=["loss"])
    assert [ax.get_title() for ax in fig.axes] == ["loss", "code"]
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "code"], "each panel's y axis says what it measures"
    assert [line.get_label() for line in fig.axes[1].lines] == ["code_mean"]
    assert (fig.axes[0].get_yscale(), fig.axes[1].get_yscale()) == ("log", "linear")
    with pytest.raises(ValueError, match="log_scale"):
        plotting.history_panels(history, {"loss": ["loss"]}, log_scale=["code"])
    with pytest.raises(ValueError, match="metrics"):
        plotting.history_panels(history, {"loss": ["accuracy"]})


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.history_figure({}), "history"),
        (lambda: plotting.history_figure({"loss": [1.0]}, metrics=["acc"]), "metrics"),
    ],
)
def test_training_curve_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- PCA and subspaces


def test_pca_error_curve_with_marked_models():
    fig = plotting.pca_error_curve_figure([1, 2, 4], [0.05, 0.04, 0.03], marks={"linear AE": (2, 0.041), "deep AE": (2, 0.02)})
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["PCA", "linear AE", "deep AE"] and fig.axes[0].get_yscale() == "log"


def test_component_images_use_a_symmetric_colour_scale():
    vectors = np.random.default_rng(1).normal(size=(5, 784))
    fig = plotting.component_images_figure(vectors, ncols=3, titles=list("abcde"))
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 6 and len(shown) == 5 and shown[1].get_title() == "b"
    low, high = shown[0].images[0].get_clim()
    assert low == pytest.approx(-high) and high == pytest.approx(np.abs(vectors[0]).max())


def test_principal_angles_figure_draws_one_line_per_pair():
    fig = plotting.principal_angles_figure({"AE vs PCA": np.array([0.1, 2.0]), "random": np.array([80.0, 89.0])})
    assert [line.get_label() for line in fig.axes[0].lines] == ["AE vs PCA", "random"]
    first, second = fig.axes[0].lines
    assert (first.get_linestyle(), first.get_marker()) != (second.get_linestyle(), second.get_marker()), "not told apart by colour alone"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.pca_error_curve_figure([1, 2], [0.1]), "components and errors"),
        (lambda: plotting.component_images_figure(np.zeros((2, 10))), "vectors must have shape"),
        (lambda: plotting.component_images_figure(np.zeros((2, 784)), titles=["a"]), "titles"),
        (lambda: plotting.principal_angles_figure({}), "at least one"),
        (lambda: plotting.principal_angles_figure({"x": np.array([100.0])}), "between 0 and 90"),
    ],
)
def test_pca_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- latent spaces and embeddings


def test_latent_scatter_colours_by_label_and_marks_a_point():
    codes = np.random.default_rng(2).normal(size=(30, 2))
    labels = np.repeat([1, 5, 6], 10)
    fig = plotting.latent_scatter_figure(codes, labels, point=(0.5, -0.5))
    ax = fig.axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["1", "5", "6", "chosen code"]
    np.testing.assert_allclose(ax.collections[-1].get_offsets(), [[0.5, -0.5]])
    two = plotting.decoded_point_figure(codes, labels, (0.5, -0.5), IMAGES[0])
    assert len(two.axes) == 2 and two.axes[1].images


def test_latent_scatter_puts_a_long_legend_beside_the_codes_and_a_short_one_inside():
    codes = np.random.default_rng(2).normal(size=(100, 2))
    for labels, inside in ((np.repeat([1, 5, 6, 7], 25), True), (np.tile(np.arange(10), 10), False)):
        fig = plotting.latent_scatter_figure(codes, labels, point=(0.0, 0.0))
        fig.canvas.draw()
        ax = fig.axes[0]
        legend_box, axes_box = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert (legend_box.x0 < axes_box.x1) == inside, f"{len(np.unique(labels))} labels: legend inside is {not inside}"
        assert legend_box.x1 <= fig.bbox.x1 + 1, "the legend must fit in the figure"


def test_latent_grid_figure_places_the_mosaic_at_the_codes():
    images = np.random.default_rng(3).random((3, 4, 5, 5))
    fig = plotting.latent_grid_figure(images, z1_values=[0, 1, 2, 3], z2_values=[2, 1, 0])
    shown = fig.axes[0].images[0]
    assert shown.get_array().shape == (15, 20)
    np.testing.assert_allclose(shown.get_extent(), [-0.5, 3.5, -0.5, 2.5])
    np.testing.assert_allclose(shown.get_array()[5:10, 15:20], images[1, 3])  # row 1, column 3


def test_snapshots_histograms_and_embeddings():
    fig = plotting.snapshots_figure(IMAGES[:3], {5: IMAGES[:3], 0: IMAGES[:3]})
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["original", "epoch 0", "epoch 5"]
    codes = np.random.default_rng(4).normal(size=(100, 6))
    hist = plotting.code_histograms_figure(codes, coordinates=[0, 2, 5], ncols=2)
    assert [ax.get_title() for ax in hist.axes if ax.axison] == ["coordinate 0", "coordinate 2", "coordinate 5"]
    assert all(ax.get_xlabel() == "code value" and ax.get_ylabel() == "density" for ax in hist.axes if ax.axison)
    labels = np.repeat([1, 5], 50)
    flat = plotting.embedding_figure(codes[:, :2], labels, title="2-D")
    cube = plotting.embedding_figure(codes[:, :3], labels)
    assert flat.axes[0].name == "rectilinear" and cube.axes[0].name == "3d"
    assert len(cube.axes[0].collections) == 2


def test_embedding_views_figure_draws_one_labelled_panel_per_pair():
    embedding = np.random.default_rng(5).normal(size=(60, 3))
    labels = np.repeat([1, 5, 6], 20)
    fig = plotting.embedding_views_figure(embedding, labels, pairs=[(0, 2), (1, 2)], title="side views")
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes] == [("component 1", "component 3"), ("component 2", "component 3")]
    assert [len(ax.collections) for ax in fig.axes] == [3, 3]
    np.testing.assert_allclose(fig.axes[1].collections[0].get_offsets(), embedding[:20][:, [1, 2]])
    assert [text.get_text() for text in fig.axes[0].get_legend().get_texts()] == ["1", "5", "6"]
    assert not plt.get_fignums()


@pytest.mark.parametrize(
    "pairs, message",
    [([], "pairs"), ([(0, 3)], "pairs"), ([(1, 1)], "pairs"), ([(0, 1, 2)], "pairs"), ([(True, 1)], "pairs")],
)
def test_embedding_views_figure_explains_bad_pairs(pairs, message):
    with pytest.raises(ValueError, match=message):
        plotting.embedding_views_figure(np.zeros((4, 3)), np.zeros(4), pairs=pairs)
    with pytest.raises(ValueError, match="embedding must have shape"):
        plotting.embedding_views_figure(np.zeros((4, 1)), np.zeros(4))


def test_latent_clusters_figure_marks_centroids_and_spreads():
    codes, labels = RNG.normal(size=(300, 2)), np.repeat(np.arange(3), 100)
    centroids, spreads = np.zeros((3, 2)), np.ones((3, 2))
    fig = plotting.latent_clusters_figure(codes, labels, centroids, spreads)
    ax = fig.axes[0]
    assert len(ax.collections) == 3 and len(ax.patches) == 3 and [t.get_text() for t in ax.texts] == ["0", "1", "2"]
    assert plotting.latent_clusters_figure(codes, labels, max_points=50).axes[0].collections[0].get_offsets().shape[0] < 50


def test_latent_scatter_pair_and_rate_distortion():
    rng = np.random.default_rng(0)
    panels = {"a": (rng.normal(size=(20, 2)), np.arange(20) % 3), "b": (rng.normal(size=(9, 2)), np.zeros(9, int))}
    fig = plotting.latent_scatter_pair_figure(panels)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    fig = plotting.rate_distortion_figure({"beta = 1": (25.0, 70.0, 20), "beta = 4": (10.0, 95.0, 6)}, latent_dim=32)
    assert fig.axes[0].get_xlabel().startswith("rate") and [p.get_height() for p in fig.axes[1].patches] == [20, 6]
    assert [text.get_text() for text in fig.axes[1].get_legend().get_texts()] == ["latent size (32)"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.latent_scatter_figure(np.zeros((4, 3)), np.zeros(4)), "codes must have shape"),
        (lambda: plotting.latent_scatter_figure(np.zeros((4, 2)), np.zeros(3)), "labels"),
        (lambda: plotting.latent_scatter_figure(np.zeros((4, 2)), np.zeros(4), point=(1, 2, 3)), "point"),
        (lambda: plotting.latent_grid_figure(np.zeros((2, 2, 3, 3)), [0, 1, 2], [0, 1]), "images must have shape"),
        (lambda: plotting.embedding_figure(np.zeros((5, 4)), np.zeros(5)), "embedding must have shape"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 3)), np.zeros(5)), "codes must be 2-D"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 2)), np.zeros(4)), "labels must hold"),
        (lambda: plotting.latent_clusters_figure(np.zeros((5, 2)), np.zeros(5), centroids=np.zeros((2, 2))), "centroids must be"),
        (lambda: plotting.latent_scatter_pair_figure({"a": (np.zeros((3, 3)), np.zeros(3))}), "codes"),
    ],
)
def test_latent_space_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- codes and activation histograms


def test_code_figure_gives_each_channel_a_row_and_a_colour_bar():
    codes = np.random.default_rng(1).random((7, 4, 4, 4), dtype=np.float32)
    codes[0, 0, 0, 0] = 0.0
    fig = plotting.code_figure(IMAGES, codes, n=5, label="filter response")
    assert len(fig.axes) == 5 * 5 + 1  # an image row, four channel rows, one colour bar
    np.testing.assert_allclose(fig.axes[2 * 5].images[0].get_array(), codes[0, :, :, 1])  # row 2 = channel 2
    assert [fig.axes[row * 5].get_ylabel() for row in range(5)] == ["image", "channel 1", "channel 2", "channel 3", "channel 4"]
    colour_bar = fig.axes[-1]
    assert colour_bar.get_ylabel() == "filter response"
    limits = {fig.axes[i].images[0].get_clim() for i in range(5, 25)}
    assert limits == {(0.0, float(codes[:5].max()))}  # one shared scale, black at zero
    assert not plt.get_fignums()


def test_code_figure_flat_codes_become_squares_or_strips():
    fig = plotting.code_figure(IMAGES, np.ones((7, 64)), n=3)
    assert fig.axes[3].images[0].get_array().shape == (8, 8) and fig.axes[3].get_ylabel() == "code"
    fig = plotting.code_figure(IMAGES, np.ones((7, 10)), n=3)
    assert fig.axes[3].images[0].get_array().shape == (1, 10)


def test_code_figure_centres_signed_codes_on_zero():
    codes = np.linspace(-1.0, 3.0, 7 * 64).reshape(7, 64)
    fig = plotting.code_figure(IMAGES, codes, n=7)
    image = fig.axes[7].images[0]
    assert image.get_clim() == (-3.0, 3.0) and image.get_cmap().name == "RdBu_r"


def test_receptive_field_figure_outlines_each_window_on_its_map_and_all_on_the_image():
    maps = {"value (0, 0)": RNG.random((28, 28)), "value (1, 1)": RNG.random((28, 28))}
    windows = {"value (0, 0)": (0, 15, 0, 15), "value (1, 1)": (1, 23, 1, 23)}
    fig = plotting.receptive_field_figure(maps, windows, image=IMAGES[0])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["image", "value (0, 0)", "value (1, 1)"]
    assert len(panels[0].patches) == 2 and len(panels[1].patches) == 1
    rectangle = panels[2].patches[0]  # pixels 1..22 span from 0.5 to 22.5 in image coordinates
    assert (rectangle.get_x(), rectangle.get_y(), rectangle.get_width(), rectangle.get_height()) == (0.5, 0.5, 22, 22)
    assert panels[1].patches[0].get_edgecolor() != panels[2].patches[0].get_edgecolor()
    assert panels[1].images[0].get_clim() == (0.0, maps["value (0, 0)"].max())  # each map on its own scale from 0


def test_error_maps_figure_shows_input_reconstruction_and_error_on_one_scale():
    reconstructions = IMAGES[:4] * 0.5
    fig = plotting.error_maps_figure(IMAGES[:4], reconstructions, titles=["a", "b", "c", "d"])
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 12 and len(fig.axes) == 13  # 3 rows of 4 and the colour bar
    assert [image_axes[i].get_ylabel() for i in (0, 4, 8)] == ["input", "reconstruction", "squared error"]
    assert image_axes[1].get_title() == "b"
    error = image_axes[9].images[0]
    np.testing.assert_allclose(error.get_array(), (IMAGES[1] * 0.5) ** 2, rtol=1e-6)
    assert error.get_clim() == image_axes[11].images[0].get_clim() == (0.0, pytest.approx(float(((IMAGES[:4] * 0.5) ** 2).max())))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.receptive_field_figure({}), "at least one"),
        (lambda: plotting.receptive_field_figure({"a": np.ones((3, 3)), "b": np.ones((4, 4))}), "one shape"),
        (lambda: plotting.receptive_field_figure({"a": -np.ones((3, 3))}), ">= 0"),
        (lambda: plotting.receptive_field_figure({"a": np.ones((3, 3))}, {"b": (0, 1, 0, 1)}), "titled like maps"),
        (lambda: plotting.receptive_field_figure({"a": np.ones((3, 3))}, {"a": (2, 1, 0, 1)}), "top < bottom"),
        (lambda: plotting.error_maps_figure(IMAGES[:2], IMAGES[:3]), "same non-empty"),
        (lambda: plotting.error_maps_figure(IMAGES[:2], IMAGES[:2], titles=["x"]), "one entry per image"),
    ],
)
def test_receptive_field_and_error_maps_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_activation_histogram_shows_shares_and_the_mean():
    values = np.concatenate([np.full(30, 0.05), np.full(70, 0.95)])
    fig = plotting.activation_histogram_figure(values, bins=10)
    ax = fig.axes[0]
    heights = ax.patches[0].get_data()[0]
    assert heights.sum() == pytest.approx(1.0) and heights[0] == pytest.approx(0.3) and heights[-1] == pytest.approx(0.7)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(0.68)
    assert ax.get_xlabel() == "code activation" and ax.get_ylabel()
    fig2, ax2 = plt.subplots()
    assert plotting.activation_histogram_figure(values, ax=ax2) is fig2
    plt.close(fig2)


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
    assert not left.collections and not left.patches  # no spreads given: no error bars, no band


def test_sparsity_sweep_draws_spreads_over_seeds_as_error_bars_and_a_band():
    sweeps = {"L1": {1e-5: ((0.3, 0.02), (0.010, 0.001)), 1e-4: ((0.1, 0.01), 0.012)}}
    fig = plotting.sparsity_sweep_figure(sweeps, baseline=((0.45, 0.03), (0.009, 0.0005)))
    left, right = fig.axes
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(), [0.3, 0.1])
    segments = left.collections[0].get_segments()  # one vertical error bar per weight
    np.testing.assert_allclose([seg[:, 1] for seg in segments], [[0.28, 0.32], [0.09, 0.11]])
    np.testing.assert_allclose(right.collections[0].get_segments()[1][:, 1], [0.012, 0.012])  # a plain number: no spread
    band = left.patches[0].get_extents().transformed(left.transData.inverted())
    assert band.y0 == pytest.approx(0.42) and band.y1 == pytest.approx(0.48)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.code_histograms_figure(np.zeros((5, 3)), coordinates=[3]), "coordinates"),
        (lambda: plotting.code_histograms_figure(np.zeros((5, 3)), bins=1), "bins"),
        (lambda: plotting.code_figure(IMAGES, np.ones((3, 64))), "one row each"),
        (lambda: plotting.code_figure(IMAGES, np.ones((7, 2, 2, 2, 2))), "codes must have shape"),
        (lambda: plotting.code_figure(IMAGES, np.ones((7, 64)), n=0), "n must"),
        (lambda: plotting.activation_histogram_figure(np.array([0.5, 1.5])), "values"),
        (lambda: plotting.activation_histogram_figure(np.array([0.5]), bins=1), "bins"),
        (lambda: plotting.activation_histograms_figure({}), "codes"),
        (lambda: plotting.activation_histograms_figure({"a": np.ones(3)}, bins=1), "bins"),
        (lambda: plotting.sparsity_sweep_figure({"L1": {0.0: (0.1, 0.1)}}), "positive"),
        (lambda: plotting.sparsity_sweep_figure({}), "sweeps"),
        (lambda: plotting.sparsity_sweep_figure({"L1": {1e-3: ((0.1, -0.1), 0.1)}}), "spread"),
        (lambda: plotting.sparsity_sweep_figure({"L1": {1e-3: (0.1, 0.1)}}, baseline=("a", 0.1)), "baseline"),
    ],
)
def test_code_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- model diagrams


def _small_autoencoder():
    import keras

    image = keras.Input((8, 8, 1))
    code = keras.layers.MaxPooling2D(2, name="bottleneck")(keras.layers.Conv2D(2, 3, padding="same", activation="relu")(image))
    encoder = keras.Model(image, code, name="encoder")
    code_input = keras.Input((4, 4, 2))
    output = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(code_input)
    decoder = keras.Model(code_input, output, name="decoder")
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, decoder(encoder(inputs)), name="tiny")


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def test_model_diagram_draws_one_box_per_layer_with_shapes_and_the_code_outlined():
    fig = plotting.model_diagram(_small_autoencoder())
    assert isinstance(fig, Figure) and not plt.get_fignums()
    ax = fig.axes[0]
    texts = _texts(ax)
    # input, two encoder layers, one decoder layer (the sub-models' own inputs are not repeated); 20 + 19 weights
    for expected in ("Input", "Conv2D 2 filters 3×3, relu", "MaxPooling2D 2×2",
                     "Conv2DTranspose 1 filter 3×3 stride 2, sigmoid", "8×8×1", "4×4×2   ← code", "total 39 weights"):
        assert expected in texts, expected
    assert "encoder" in texts and "decoder" in texts and ax.get_title() == "tiny"
    boxes = [patch for patch in ax.patches if patch.get_width() > 0.5]
    assert len(boxes) == 4
    outlined = [box for box in boxes if box.get_linewidth() > 1]
    assert len(outlined) == 1 and outlined[0].get_y() == pytest.approx(-3.42)  # the third row: the code
    assert boxes[1].get_facecolor() != boxes[3].get_facecolor()  # encoder and decoder coloured apart


def test_model_diagram_of_a_plain_model_and_on_given_axes():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="plain")
    fig, ax = plt.subplots()
    assert plotting.model_diagram(model, ax=ax, title="a line") is fig
    assert "Dense 2 units, no activation" in _texts(ax) and "8" in _texts(ax) and ax.get_title() == "a line"
    assert not any(patch.get_linewidth() > 1 for patch in ax.patches)  # no encoder, so no code to outline
    plt.close(fig)


def test_model_diagrams_puts_models_side_by_side_on_one_scale():
    import keras

    short = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    fig = plotting.model_diagrams({"tiny": _small_autoencoder(), "short": short})
    assert [ax.get_title() for ax in fig.axes] == ["tiny", "short"]
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.model_diagram("not a model"), "keras.Model"),
        (lambda: plotting.model_diagrams({}), "one or more titles"),
        (lambda: plotting.model_diagrams({"a": "not a model"}), "keras.Model"),
    ],
)
def test_model_diagram_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- anomaly scores and ROC


def test_error_histogram_figure_draws_each_group_and_the_threshold():
    rng = np.random.default_rng(0)
    errors = {"normal": rng.uniform(0.001, 0.01, 200), "held out": rng.uniform(0.005, 0.05, 50)}
    fig = plotting.error_histogram_figure(errors, threshold=0.02)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["normal: 200 images", "held out: 50 images", "threshold 0.0200"]
    shares = [patch.get_data().values for patch in ax.patches]
    assert len(shares) == 2 and all(np.isclose(values.sum(), 1.0) for values in shares)  # each group sums to 1
    fig2, ax2 = plt.subplots()
    assert plotting.error_histogram_figure(errors, ax=ax2) is fig2
    plt.close(fig2)


def test_roc_figure_has_curve_diagonal_and_operating_point():
    fig = plotting.roc_figure([0.0, 0.1, 1.0], [0.0, 0.8, 1.0], auc=0.85, operating_point=(0.1, 0.8))
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels[0] == "autoencoder (AUC = 0.850)" and labels[1].startswith("chance")
    assert "FPR 0.10, TPR 0.80" in labels[2]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.error_histogram_figure({}), "at least one"),
        (lambda: plotting.error_histogram_figure({"a": np.array([0.0, 0.1])}), "positive"),
        (lambda: plotting.error_histogram_figure({"a": np.array([0.1, 0.2])}, bins=1), "bins"),
        (lambda: plotting.roc_figure([0, 1], [0, 0.5, 1]), "one length"),
        (lambda: plotting.roc_figure([0, 2], [0, 1]), r"\[0, 1\]"),
    ],
)
def test_anomaly_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- denoising: PSNR against noise level


def test_psnr_curves_one_panel_per_noise_kind_with_a_shared_axis():
    sigmas = [0.0, 0.1, 0.2]
    panels = {
        "homoscedastic": {"noisy input": [40.0, 20.0, 14.0], "denoiser": [22.0, 21.0, 20.0]},
        "heteroscedastic": {"noisy input": [40.0, 19.0, 13.0], "denoiser": [22.0, 20.5, 19.0]},
    }
    fig = plotting.psnr_curves_figure(sigmas, panels, marks={"homoscedastic": (0.2, "training noise")})
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == ["noisy input", "denoiser", "training noise"]
    assert [line.get_label() for line in right.lines] == ["noisy input", "denoiser"]
    assert left.get_title() == "homoscedastic" and left.get_xlabel() and left.get_ylabel() == "PSNR (dB)"
    assert left.get_ylim() == right.get_ylim()
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["noisy input", "denoiser"]


def test_psnr_curves_of_several_runs_show_their_spread_and_a_row_relative_to_a_baseline():
    sigmas = [0.1, 0.2, 0.3]
    runs = [[24.0, 23.0, 22.0], [24.5, 23.5, 22.5], [25.0, 24.0, 23.0]]  # three training runs of one model
    panels = {"ramp": {"noisy input": [20.0, 14.0, 11.0], "PCA": [23.0, 22.0, 21.0], "denoiser": runs}}
    fig = plotting.psnr_curves_figure(sigmas, panels, relative_to="PCA", ylim=(18.0, 26.0))
    top, bottom = fig.axes
    denoiser = next(line for line in top.lines if line.get_label() == "denoiser")
    np.testing.assert_allclose(denoiser.get_ydata(), np.mean(runs, axis=0))
    assert len(top.collections) == 1  # one band, for the one curve with several runs
    band = top.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(22.0) and band.max() == pytest.approx(25.0)
    # the lower row: each curve minus PCA (the baseline itself is left out), with a zero line
    differences = [line.get_ydata() for line in bottom.lines if line.get_linestyle() != "-" or line.get_color() != "black"]
    np.testing.assert_allclose(differences[-1], np.mean(runs, axis=0) - [23.0, 22.0, 21.0])
    assert bottom.get_ylabel() == "dB above PCA" and top.get_ylim() == (18.0, 26.0)
    colours = {line.get_label(): line.get_color() for line in top.lines}
    assert len(set(colours.values())) == 3 and colours["noisy input"] not in plotting.COLOUR_BLIND_SAFE


def test_history_references_are_drawn_as_labelled_lines():
    history = {"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 3.2, 3.1]}
    fig = plotting.history_panels(history, {"loss per face": ["loss", "val_loss"]}, references={"loss per face": {"PCA-16": 3.48}})
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["loss", "val_loss", "PCA-16"]
    assert list(fig.axes[0].lines[-1].get_ydata()) == [3.48, 3.48]
    with pytest.raises(ValueError, match="references"):
        plotting.history_panels(history, {"loss": ["loss"]}, references={"code": {"x": 1.0}})
    with pytest.raises(ValueError, match="references"):
        plotting.history_figure(history, references={"PCA": "high"})


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.psnr_curves_figure([0.1], {"a": {"b": [1.0]}}), "sigmas"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {"a": {"b": [1.0]}}), r"panels\['a'\]\['b'\]"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {}), "panels"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {"a": {"b": [1.0, 2.0]}}, marks={"c": (0.1, "x")}), "marks"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {"a": {"b": [[1.0, 2.0, 3.0]]}}), r"panels\['a'\]\['b'\]"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {"a": {"b": [1.0, 2.0]}}, relative_to="PCA"), "relative_to"),
        (lambda: plotting.psnr_curves_figure([0.1, 0.2], {"a": {"b": [1.0, 2.0]}}, ylim=(3.0, 1.0)), "ylim"),
    ],
)
def test_psnr_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- generative models: rate and distortion


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.rate_distortion_figure({}), "results"),
    ],
)
def test_generative_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- accuracy and bar charts


def test_grouped_bar_figure_draws_one_bar_per_group_and_series():
    fig = plotting.grouped_bar_figure({"none": {"dense": 0.03, "conv": 0.01}, "permuted": {"dense": 0.03, "conv": 0.05}})
    assert isinstance(fig, Figure) and not plt.get_fignums()
    ax = fig.axes[0]
    assert len(ax.patches) == 4 and [t.get_text() for t in ax.get_xticklabels()] == ["none", "permuted"]
    assert sorted(round(p.get_height(), 3) for p in ax.patches) == [0.01, 0.03, 0.03, 0.05]


def test_spread_bars_show_the_mean_the_runs_and_their_range():
    fig = plotting.spread_bars_figure({"real digits": [0.98], "fitted normal": [0.5, 0.6, 0.7]}, ylabel="recognised")
    ax = fig.axes[0]
    assert [round(p.get_height(), 6) for p in ax.patches] == [0.98, 0.6]
    assert [t.get_text() for t in ax.texts] == ["98%", "60%"]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(dots) == 1 and sorted(dots[0].get_ydata()) == [0.5, 0.6, 0.7]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["real digits", "fitted normal"]
    plain = plotting.spread_bars_figure({"a": [2.0, 4.0]}, ylabel="MSE", percent=False)
    assert plain.axes[0].texts[0].get_text() == "3"
    with pytest.raises(ValueError, match="at least one finite result"):
        plotting.spread_bars_figure({"a": []}, ylabel="x")


def test_distance_histograms_compare_shares_of_groups_of_any_size():
    fig = plotting.distance_histograms_figure({"test codes": RNG.random(500), "samples": 2 + RNG.random(50)}, threshold=1.5, bins=10)
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    for patch, expected in zip(ax.patches, [500, 50], strict=True):
        assert patch.get_label().endswith(f"({expected:,})")
    heights = [patch.get_data()[0] for patch in ax.patches]
    assert all(h.sum() == pytest.approx(1.0) for h in heights), "each group's bars are shares of that group"
    assert any(line.get_linestyle() == "--" for line in ax.lines)  # the threshold
    with pytest.raises(ValueError, match="non-negative"):
        plotting.distance_histograms_figure({"a": np.array([-1.0])})


def test_accuracy_vs_labels_figure_uses_a_log_axis():
    fig = plotting.accuracy_vs_labels_figure([100, 1000, 10000], {"pretrained": [0.8, 0.9, 0.95], "scratch": [0.7, 0.88, 0.96]})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and [line.get_label() for line in ax.lines] == ["pretrained", "scratch"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plotting.grouped_bar_figure({}), "at least one group"),
        (lambda: plotting.grouped_bar_figure({"a": {"x": 1}, "b": {"y": 2}}), "same series"),
        (lambda: plotting.accuracy_vs_labels_figure([0, 10], {"a": [1, 2]}), "label_counts"),
        (lambda: plotting.accuracy_vs_labels_figure([10, 100], {"a": [1.0]}), "one accuracy per label count"),
    ],
)
def test_accuracy_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
