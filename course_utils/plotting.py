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
