"""Figures for the course. Each helper returns a ``matplotlib.figure.Figure`` (or draws on ``ax=``)
and never shows or prints anything; a notebook displays the figure by leaving it as the cell's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

DEFAULT_DPI = 90


def _new_figure(nrows: int = 1, ncols: int = 1, panel_size: float = 1.2, **kwargs) -> tuple[Figure, np.ndarray]:
    """Return a figure and a 2-D array of axes; the figure is detached from pyplot so it shows once."""
    width = kwargs.pop("width", ncols * panel_size)
    height = kwargs.pop("height", nrows * panel_size)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), dpi=DEFAULT_DPI, squeeze=False, **kwargs)
    plt.close(fig)
    return fig, axes


def _as_images(images: np.ndarray, name: str = "images") -> np.ndarray:
    """Return images as (n, h, w) or (n, h, w, 3); flat 784-vectors become 28x28."""
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        return images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[-1] == 1:
        return images[..., 0]
    if images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3):
        return images
    raise ValueError(f"{name} must have shape (n, h, w), (n, h, w, 1), (n, h, w, 3) or (n, 784); got {images.shape}.")


def _show_image(ax: Axes, image: np.ndarray, title: str | None = None) -> None:
    ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=8)


def image_grid(
    images: np.ndarray,
    ncols: int = 10,
    titles: Sequence[str] | None = None,
    panel_size: float = 1.0,
    suptitle: str | None = None,
) -> Figure:
    """Return a figure showing ``images`` (pixel values in [0, 1]) in a grid of ``ncols`` columns."""
    images = _as_images(images)
    if len(images) == 0:
        raise ValueError("images must hold at least one image.")
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image ({len(images)}), got {len(titles)}.")
    ncols = min(int(ncols), len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = _new_figure(nrows, ncols, panel_size=panel_size)
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            _show_image(ax, images[i], None if titles is None else titles[i])
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def image_rows(rows: Mapping[str, np.ndarray], panel_size: float = 1.0) -> Figure:
    """Return a figure with one labelled row per entry of ``rows`` (e.g. original / noisy / denoised)."""
    if not rows:
        raise ValueError("rows must hold at least one labelled set of images.")
    arrays = {label: _as_images(images, name=f"rows[{label!r}]") for label, images in rows.items()}
    counts = {len(images) for images in arrays.values()}
    if len(counts) != 1 or 0 in counts:
        raise ValueError(f"every row must hold the same, non-zero number of images; got {sorted(counts)}.")
    ncols = counts.pop()
    fig, axes = _new_figure(len(arrays), ncols, panel_size=panel_size)
    for row, (label, images) in zip(axes, arrays.items(), strict=True):
        for ax, image in zip(row, images, strict=True):
            _show_image(ax, image)
        row[0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    return fig


def reconstruction_figure(originals: np.ndarray, reconstructions: np.ndarray, n: int = 10) -> Figure:
    """Return a two-row figure: the first ``n`` originals above their reconstructions."""
    originals, reconstructions = _as_images(originals, "originals"), _as_images(reconstructions, "reconstructions")
    if originals.shape != reconstructions.shape:
        raise ValueError(f"originals {originals.shape} and reconstructions {reconstructions.shape} must match in shape.")
    return image_rows({"original": originals[:n], "reconstruction": reconstructions[:n]})


def history_figure(
    history: Mapping[str, Sequence[float]] | object,
    metrics: Sequence[str] | None = None,
    ax: Axes | None = None,
    log_scale: bool = False,
) -> Figure:
    """Return a figure of training curves (loss and, when present, ``val_loss``) against the epoch.

    ``history`` is a ``keras.callbacks.History`` or its ``.history`` dict.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError("history must be a keras History or a non-empty dict of metric name -> values per epoch.")
    metrics = list(metrics) if metrics is not None else [k for k in ("loss", "val_loss") if k in logs]
    unknown = [m for m in metrics if m not in logs]
    if unknown or not metrics:
        raise ValueError(f"metrics must be names in the history {sorted(logs)}, got {metrics!r}.")
    if ax is None:
        fig, axes = _new_figure(width=5.0, height=3.2)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    for metric in metrics:
        values = list(logs[metric])
        ax.plot(range(1, len(values) + 1), values, marker="o" if len(values) < 30 else None, ms=3, label=metric)
    ax.set_xlabel("epoch")
    ax.set_ylabel("value")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- lecture 03: codes, diagrams, anomalies

PLOT_MODEL_HINT = (
    "The layer diagram needs the `pydot` package and the Graphviz `dot` program. Install them with "
    "`python -m pip install pydot` and your system's package manager (`apt install graphviz`, "
    "`brew install graphviz`, or `conda install graphviz`), then rerun this cell. The summary above "
    "lists the same layers and shapes."
)


def model_diagram(model: object, show_shapes: bool = True, dpi: int = DEFAULT_DPI) -> object:
    """Return ``keras.utils.plot_model``'s diagram of ``model`` as an ``IPython.display.Image``.

    When pydot or Graphviz is missing (or drawing fails) return an ``IPython.display.Markdown`` note saying
    how to install them instead of raising, so a notebook goes on without the picture.
    """
    import importlib.util
    import shutil
    import tempfile
    from pathlib import Path

    import keras
    from IPython.display import Image, Markdown

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got {type(model).__name__}.")
    if importlib.util.find_spec("pydot") is None or shutil.which("dot") is None:
        return Markdown(PLOT_MODEL_HINT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.png"
        try:
            keras.utils.plot_model(model, to_file=str(path), show_shapes=show_shapes, show_layer_names=True, dpi=dpi)
            return Image(data=path.read_bytes(), format="png")
        except Exception as error:  # pydot and Graphviz report failures with their own exception types
            return Markdown(f"The diagram could not be drawn ({type(error).__name__}). {PLOT_MODEL_HINT}")


def _code_tiles(codes: np.ndarray) -> np.ndarray:
    """Return codes as 2-D tiles: (n, h, w, c) side by side per channel, flat codes as squares when possible."""
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim == 4:
        n, h, w, c = codes.shape
        return codes.transpose(0, 1, 3, 2).reshape(n, h, c * w)  # channel k occupies columns k*w .. (k+1)*w
    if codes.ndim == 2:
        side = int(round(np.sqrt(codes.shape[1])))
        return codes.reshape(len(codes), side, side) if side * side == codes.shape[1] else codes[:, None, :]
    if codes.ndim == 3:
        return codes
    raise ValueError(f"codes must have shape (n, size), (n, h, w) or (n, h, w, channels), got {codes.shape}.")


def code_figure(images: np.ndarray, codes: np.ndarray, n: int = 10, panel_size: float = 1.1) -> Figure:
    """Return a figure with ``n`` images above their codes, drawn as small heat maps on one shared colour scale.

    A code of shape (h, w, c) is shown as its c channels side by side; a flat code of 64 values as 8x8.
    """
    images, tiles = _as_images(images), _code_tiles(codes)
    if len(images) != len(tiles):
        raise ValueError(f"images and codes must have one row each, got {len(images)} and {len(tiles)}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}.")
    n = min(int(n), len(images))
    tiles = tiles[:n]
    fig, axes = _new_figure(2, n, panel_size=panel_size)
    low, high = float(tiles.min()), float(tiles.max())
    for i in range(n):
        _show_image(axes[0, i], images[i])
        axes[1, i].imshow(tiles[i], cmap="magma", vmin=low, vmax=high if high > low else low + 1.0, interpolation="nearest")
        axes[1, i].set_xticks([])
        axes[1, i].set_yticks([])
        if codes.ndim == 4:
            for k in range(1, codes.shape[-1]):  # thin white lines between the channels
                axes[1, i].axvline(k * codes.shape[2] - 0.5, color="white", lw=0.8)
    axes[0, 0].set_ylabel("image", fontsize=9)
    axes[1, 0].set_ylabel("code", fontsize=9)
    fig.tight_layout()
    return fig


def error_histogram_figure(
    errors: Mapping[str, np.ndarray],
    threshold: float | None = None,
    bins: int = 60,
    ax: Axes | None = None,
) -> Figure:
    """Return overlaid histograms (each normalised to area 1, log-spaced bins) of reconstruction errors per group.

    ``errors`` maps a label (e.g. "normal classes") to per-image errors; ``threshold`` draws a vertical line.
    """
    if not errors:
        raise ValueError("errors must map at least one label to an array of per-image errors.")
    arrays = {label: np.asarray(values, dtype=np.float64).ravel() for label, values in errors.items()}
    if any(values.size == 0 or (values <= 0).any() for values in arrays.values()):
        raise ValueError("errors must hold non-empty arrays of positive values (log-spaced bins need them).")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}.")
    everything = np.concatenate(list(arrays.values()))
    edges = np.geomspace(everything.min(), everything.max(), int(bins) + 1)
    if ax is None:
        fig, axes = _new_figure(width=6.0, height=3.4)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    for label, values in arrays.items():
        ax.hist(values, bins=edges, density=True, histtype="stepfilled", alpha=0.45, label=f"{label} ({values.size})")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:.4f}")
    ax.set_xscale("log")
    ax.set_xlabel("reconstruction error (MSE per pixel, log scale)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def roc_figure(
    false_positive_rate: np.ndarray,
    true_positive_rate: np.ndarray,
    auc: float | None = None,
    operating_point: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Return a ROC curve (true against false positive rate) with the chance diagonal and, optionally, the AUC
    in the legend and an ``operating_point`` ``(false_positive_rate, true_positive_rate)`` marked."""
    fpr, tpr = np.asarray(false_positive_rate, dtype=np.float64), np.asarray(true_positive_rate, dtype=np.float64)
    if fpr.ndim != 1 or fpr.shape != tpr.shape or fpr.size < 2:
        raise ValueError(f"false_positive_rate and true_positive_rate must be 1-D of one length >= 2, got {fpr.shape} and {tpr.shape}.")
    if ((fpr < 0) | (fpr > 1) | (tpr < 0) | (tpr > 1)).any():
        raise ValueError("false_positive_rate and true_positive_rate must lie in [0, 1].")
    if ax is None:
        fig, axes = _new_figure(width=4.0, height=4.0)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    ax.plot(fpr, tpr, lw=2, label="autoencoder" if auc is None else f"autoencoder (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="chance (AUC = 0.5)")
    if operating_point is not None:
        ax.plot(*operating_point, "o", color="black", ms=6, label=f"threshold: FPR {operating_point[0]:.2f}, TPR {operating_point[1]:.2f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate (normal images flagged)")
    ax.set_ylabel("true positive rate (anomalies caught)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- exercises: transformations, generator, pretraining


def grouped_bar_figure(
    values: Mapping[str, Mapping[str, float]], ylabel: str = "test MSE", ax: Axes | None = None
) -> Figure:
    """Return a bar chart with one group of bars per outer key and one bar colour per inner key.

    ``values`` maps group -> {series: value}, e.g. transform -> {model: test MSE}; every group must
    name the same series.
    """
    if not values:
        raise ValueError("values must map at least one group to {series: value}.")
    series = list(next(iter(values.values())))
    if not series or any(list(group) != series for group in values.values()):
        raise ValueError(f"every group of values must name the same series in the same order, e.g. {series}.")
    if ax is None:
        fig, axes = _new_figure(width=max(4.0, 1.1 * len(values) + 1.5), height=3.2)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    width = 0.8 / len(series)
    positions = np.arange(len(values))
    for i, name in enumerate(series):
        heights = [float(group[name]) for group in values.values()]
        ax.bar(positions + (i - (len(series) - 1) / 2) * width, heights, width=width, label=name)
    ax.set_xticks(positions, list(values), fontsize=8)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def latent_clusters_figure(
    codes: np.ndarray,
    labels: np.ndarray,
    centroids: np.ndarray | None = None,
    spreads: np.ndarray | None = None,
    ax: Axes | None = None,
    max_points: int = 5000,
) -> Figure:
    """Return a scatter plot of 2-D ``codes`` coloured by label, with each label's centroid (its number)
    and, when ``spreads`` is given, an ellipse reaching one spread (standard deviation) along each axis."""
    codes, labels = np.asarray(codes), np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must be 2-D points shaped (n, 2), got {codes.shape}.")
    if labels.shape != (len(codes),):
        raise ValueError(f"labels must hold one label per code ({len(codes)}), got shape {labels.shape}.")
    classes = np.unique(labels)
    for name, array in (("centroids", centroids), ("spreads", spreads)):
        if array is not None and np.shape(array) != (len(classes), 2):
            raise ValueError(f"{name} must be shaped ({len(classes)}, 2), one row per label, got {np.shape(array)}.")
    if ax is None:
        fig, axes = _new_figure(width=5.5, height=4.8)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    shown = np.random.default_rng(0).permutation(len(codes))[:max_points]
    colours = plt.get_cmap("tab10")
    for i, label in enumerate(classes):
        mine = shown[labels[shown] == label]
        ax.scatter(codes[mine, 0], codes[mine, 1], s=3, alpha=0.4, color=colours(i % 10), label=str(label))
    if centroids is not None:
        for i, label in enumerate(classes):
            x, y = np.asarray(centroids)[i]
            ax.text(x, y, str(label), fontsize=11, weight="bold", ha="center", va="center",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": colours(i % 10)})
            if spreads is not None:
                sx, sy = np.asarray(spreads)[i]
                ax.add_patch(Ellipse((x, y), 2 * sx, 2 * sy, fill=False, lw=1.2, color=colours(i % 10)))
    ax.set_xlabel("code dimension 1")
    ax.set_ylabel("code dimension 2")
    ax.legend(markerscale=4, fontsize=7, ncols=2, loc="best")
    fig.tight_layout()
    return fig


def accuracy_vs_labels_figure(
    label_counts: Sequence[int], accuracies: Mapping[str, Sequence[float]], ax: Axes | None = None
) -> Figure:
    """Return test accuracy against the number of labelled training images (log scale), one line per method."""
    counts = list(label_counts)
    if not counts or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in counts):
        raise ValueError(f"label_counts must be positive integers, got {label_counts!r}.")
    if not accuracies or any(len(values) != len(counts) for values in accuracies.values()):
        raise ValueError(f"accuracies must map each method to one accuracy per label count ({len(counts)}).")
    if ax is None:
        fig, axes = _new_figure(width=5.0, height=3.4)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    for name, values in accuracies.items():
        ax.plot(counts, values, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xticks(counts, [f"{n:,}" for n in counts])
    ax.set_xlabel("labelled training images")
    ax.set_ylabel("test accuracy")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
