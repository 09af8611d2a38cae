"""Figures for the course. Each helper returns a ``matplotlib.figure.Figure`` (or draws on ``ax=``)
and never shows or prints anything; a notebook displays the figure by leaving it as the cell's value.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from matplotlib.ticker import MaxNLocator

from course_utils._validate import check_int, is_number

if TYPE_CHECKING:
    import keras


# --------------------------------------------------------------------------- figures and panels


DEFAULT_DPI = 90


def _new_figure(nrows: int = 1, ncols: int = 1, panel_size: float = 1.2, **kwargs) -> tuple[Figure, np.ndarray]:
    """Return a figure and a 2-D array of axes; the figure is detached from pyplot so it shows once."""
    width = kwargs.pop("width", ncols * panel_size)
    height = kwargs.pop("height", nrows * panel_size)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), dpi=DEFAULT_DPI, squeeze=False, **kwargs)
    plt.close(fig)
    return fig, axes


def _figure_and_ax(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, axes = _new_figure(width=width, height=height)
    return fig, axes[0, 0]


def _legend_and_grid(fig: Figure, ax: Axes) -> Figure:
    """Finish a line plot: legend, light grid, tight layout; return ``fig``."""
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- image grids and rows


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
    ncols = check_int("ncols", ncols, 1)
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
        # Written across, left of the row and wrapped: a long label rotated upright would run into its neighbours.
        wrapped = textwrap.fill(label, width=14, break_long_words=False, break_on_hyphens=False)
        row[0].set_ylabel(wrapped, fontsize=9, rotation=0, ha="right", va="center", labelpad=4)
    fig.tight_layout()
    return fig


def reconstruction_figure(originals: np.ndarray, reconstructions: np.ndarray, n: int = 10) -> Figure:
    """Return a two-row figure: the first ``n`` originals above their reconstructions."""
    originals, reconstructions = _as_images(originals, "originals"), _as_images(reconstructions, "reconstructions")
    if originals.shape != reconstructions.shape:
        raise ValueError(f"originals {originals.shape} and reconstructions {reconstructions.shape} must match in shape.")
    return image_rows({"original": originals[:n], "reconstruction": reconstructions[:n]})


def snapshots_figure(originals: np.ndarray, snapshots: Mapping[int, np.ndarray]) -> Figure:
    """Return rows of reconstructions of the same images at several epochs, under a row of the originals."""
    if not snapshots:
        raise ValueError("snapshots must map at least one epoch to reconstructions (see ReconstructionSnapshots).")
    rows = {"original": originals}
    rows.update({f"epoch {epoch}": images for epoch, images in sorted(snapshots.items())})
    return image_rows(rows)


# --------------------------------------------------------------------------- training curves


def _check_references(references: Mapping[str, float] | None) -> dict[str, float]:
    references = dict(references or {})
    bad = {label: value for label, value in references.items() if not isinstance(label, str) or not is_number(value)}
    if bad:
        raise ValueError(f"references must map labels to finite numbers, got {bad!r}.")
    return {label: float(value) for label, value in references.items()}


def history_figure(
    history: Mapping[str, Sequence[float]] | object,
    metrics: Sequence[str] | None = None,
    ax: Axes | None = None,
    log_scale: bool = False,
    ylabel: str = "loss",
    references: Mapping[str, float] | None = None,
) -> Figure:
    """Return a figure of training curves (loss and, when present, ``val_loss``) against the epoch.

    ``history`` is a ``keras.callbacks.History`` or its ``.history`` dict; ``ylabel`` names what the loss measures.
    ``references`` maps a label to a value drawn as a dashed horizontal line (e.g. a baseline's loss).
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError("history must be a keras History or a non-empty dict of metric name -> values per epoch.")
    metrics = list(metrics) if metrics is not None else [k for k in ("loss", "val_loss") if k in logs]
    unknown = [m for m in metrics if m not in logs]
    if unknown or not metrics:
        raise ValueError(f"metrics must be names in the history {sorted(logs)}, got {metrics!r}.")
    fig, ax = _figure_and_ax(ax, width=5.0, height=3.2)
    for metric in metrics:
        values = list(logs[metric])
        ax.plot(range(1, len(values) + 1), values, marker="o" if len(values) < 30 else None, ms=3, label=metric)
    for i, (label, value) in enumerate(_check_references(references).items()):
        ax.axhline(value, color="0.2", ls=("--", ":", "-.")[i % 3], lw=1.0, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log_scale:
        ax.set_yscale("log")
    return _legend_and_grid(fig, ax)


def histories_figure(
    histories: Mapping[str, Mapping[str, Sequence[float]] | object],
    metric: str = "loss",
    ax: Axes | None = None,
    log_scale: bool = False,
    ylabel: str = "loss",
) -> Figure:
    """Return one curve of ``metric`` against the epoch per training run, e.g. ``{"constant 1e-3": history, ...}``.

    Each value is a ``keras.callbacks.History`` or its ``.history`` dict, so runs with different settings compare
    on one axis.
    """
    if not histories:
        raise ValueError("histories must map at least one run name to a keras History or its .history dict.")
    logs = {name: getattr(history, "history", history) for name, history in histories.items()}
    missing = [name for name, log in logs.items() if not isinstance(log, Mapping) or metric not in log or not len(log[metric])]
    if missing:
        raise ValueError(f"metric must be recorded in every run's history; {metric!r} is missing from {missing}.")
    fig, ax = _figure_and_ax(ax, width=5.0, height=3.2)
    for (name, log), style in zip(logs.items(), ["-", "--", ":", "-."] * len(logs), strict=False):
        values = list(log[metric])
        ax.plot(range(1, len(values) + 1), values, ls=style, marker="o" if len(values) < 30 else None, ms=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if log_scale:
        ax.set_yscale("log")
    return _legend_and_grid(fig, ax)


def history_panels(
    history: Mapping[str, Sequence[float]] | object,
    panels: Mapping[str, Sequence[str]],
    log_scale: Sequence[str] = (),
    panel_width: float = 4.2,
    references: Mapping[str, Mapping[str, float]] | None = None,
) -> Figure:
    """Return one panel of training curves per entry of ``panels`` (title -> metric names), side by side.

    For metrics on different scales, e.g. ``{"loss per sample": ["loss"], "code mean": ["code_mean"]}``;
    each title also labels its panel's y axis; panels whose titles are in ``log_scale`` get a logarithmic y axis.
    ``references`` maps a panel title to ``{label: value}``, drawn there as dashed horizontal lines.
    """
    if not panels:
        raise ValueError("panels must map at least one panel title to the metrics it shows.")
    unknown = [title for title in log_scale if title not in panels]
    if unknown or isinstance(log_scale, str):
        raise ValueError(f"log_scale must name panel titles from {list(panels)}, got {log_scale!r}.")
    references = dict(references or {})
    unknown = [title for title in references if title not in panels]
    if unknown:
        raise ValueError(f"references must be keyed by panel titles from {list(panels)}, got {unknown!r}.")
    fig, axes = _new_figure(1, len(panels), width=panel_width * len(panels), height=3.2)
    for ax, (title, metrics) in zip(axes[0], panels.items(), strict=True):
        history_figure(history, metrics=metrics, ax=ax, log_scale=title in log_scale, ylabel=title, references=references.get(title))
        ax.set_title(title, fontsize=10)
    return fig


# --------------------------------------------------------------------------- PCA and subspaces


def pca_error_curve_figure(
    components: Sequence[int],
    errors: Sequence[float],
    marks: Mapping[str, tuple[int, float]] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Return a figure of PCA reconstruction error against the number of components.

    ``marks`` adds labelled points, e.g. ``{"linear AE": (16, 0.019)}``, to compare other models at their code size.
    """
    components, errors = np.asarray(components), np.asarray(errors, dtype=float)
    if components.ndim != 1 or len(components) == 0 or components.shape != errors.shape:
        raise ValueError(f"components and errors must be 1-D and of one non-zero length, got {components.shape} and {errors.shape}.")
    fig, ax = _figure_and_ax(ax, width=5.5, height=3.5)
    ax.plot(components, errors, marker="o", ms=3, color="0.3", label="PCA")
    for i, (label, (k, error)) in enumerate((marks or {}).items()):
        ax.plot([k], [error], marker="s^Dv*P"[i % 6], ms=8, linestyle="none", label=label)
    ax.set_xlabel("number of components (code size)")
    ax.set_ylabel("test MSE per pixel")
    ax.set_xscale("log", base=2)
    ax.set_xticks(components, [str(k) for k in components])
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


def component_images_figure(
    vectors: np.ndarray, ncols: int = 8, titles: Sequence[str] | None = None, image_shape: tuple[int, int] = (28, 28)
) -> Figure:
    """Return a grid of vectors (e.g. principal components) drawn as images: red positive, blue negative, white zero.

    Each image gets its own symmetric colour scale, since only the pattern, not the length, of a direction matters.
    """
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2 or len(vectors) == 0 or vectors.shape[1] != int(np.prod(image_shape)):
        raise ValueError(f"vectors must have shape (n, {int(np.prod(image_shape))}) for image_shape {image_shape}, got {vectors.shape}.")
    if titles is not None and len(titles) != len(vectors):
        raise ValueError(f"titles must have one entry per vector ({len(vectors)}), got {len(titles)}.")
    ncols = check_int("ncols", ncols, 1)
    ncols = min(int(ncols), len(vectors))
    fig, axes = _new_figure(-(-len(vectors) // ncols), ncols, panel_size=1.0)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(vectors):
            scale = max(float(np.abs(vectors[i]).max()), 1e-12)
            ax.imshow(vectors[i].reshape(image_shape), cmap="RdBu_r", vmin=-scale, vmax=scale, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig


def principal_angles_figure(angles: Mapping[str, np.ndarray], ax: Axes | None = None) -> Figure:
    """Return a figure of principal angles (degrees, smallest first) for each labelled pair of subspaces."""
    if not angles:
        raise ValueError("angles must map at least one label to an array of principal angles in degrees.")
    fig, ax = _figure_and_ax(ax, width=5.5, height=3.2)
    styles = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")] * len(angles)  # told apart without colour, too
    for (label, values), (style, marker) in zip(angles.items(), styles, strict=False):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or np.any(values < 0) or np.any(values > 90 + 1e-9):
            raise ValueError(f"angles[{label!r}] must be a 1-D array of angles between 0 and 90 degrees.")
        ax.plot(range(1, len(values) + 1), values, ls=style, marker=marker, ms=4, label=label)
    ax.set_xlabel("principal angle number")
    ax.set_ylabel("angle (degrees)")
    ax.set_ylim(-3, 93)
    ax.set_yticks([0, 30, 60, 90])
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- latent spaces and embeddings


def _labels(labels: np.ndarray, n: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have one entry per point ({n}), got shape {labels.shape}.")
    return labels


def _label_colour(label: object, order: int) -> tuple[float, ...]:
    """Return a fixed tab10 colour per integer label (digit 1 has the same colour in every figure)."""
    index = int(label) if isinstance(label, (int, np.integer)) else order
    return plt.get_cmap("tab10")(index % 10)


LEGEND_INSIDE_MAX_CLASSES = 4  # latent_scatter_figure: up to this many labels the legend fits inside the axes


def latent_scatter_figure(
    codes: np.ndarray,
    labels: np.ndarray,
    point: Sequence[float] | None = None,
    ax: Axes | None = None,
    title: str | None = "2-D codes of test images",
) -> Figure:
    """Return a scatter of 2-D ``codes`` coloured by label; ``point`` adds a black marker (e.g. a code to decode)."""
    codes = np.asarray(codes, dtype=float)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) == 0:
        raise ValueError(f"codes must have shape (n, 2), got {codes.shape}.")
    labels = _labels(labels, len(codes))
    fig, ax = _figure_and_ax(ax, width=4.5, height=4.2)
    classes = np.unique(labels)
    for order, label in enumerate(classes):
        chosen = labels == label
        ax.scatter(codes[chosen, 0], codes[chosen, 1], s=9, alpha=0.7, linewidths=0, color=_label_colour(label, order), label=str(label))
    if point is not None:
        point = np.asarray(point, dtype=float)
        if point.shape != (2,):
            raise ValueError(f"point must be two numbers (z1, z2), got {point.tolist()!r}.")
        ax.scatter([point[0]], [point[1]], s=120, color="black", marker="X", label="chosen code")
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    if title:
        ax.set_title(title, fontsize=10)
    if len(classes) <= LEGEND_INSIDE_MAX_CLASSES:
        ax.legend(fontsize=8, markerscale=1.5, loc="best")
    else:  # a tall legend inside would hide codes wherever it goes: put it beside the axes
        ax.legend(fontsize=8, markerscale=1.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def latent_scatter_pair_figure(panels: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> Figure:
    """Return the 2-D code scatters of several models side by side; ``panels`` maps a title to ``(codes, labels)``."""
    if not panels:
        raise ValueError("panels must map at least one title to (codes, labels).")
    fig, axes = _new_figure(1, len(panels), width=4.4 * len(panels), height=4.2)
    for ax, (title, (codes, labels)) in zip(axes[0], panels.items(), strict=True):
        latent_scatter_figure(codes, labels, ax=ax, title=title)
    fig.tight_layout()
    return fig


def decoded_point_figure(codes: np.ndarray, labels: np.ndarray, point: Sequence[float], image: np.ndarray) -> Figure:
    """Return two panels: the code scatter with ``point`` marked, and ``image``, the decoder's output for it."""
    (image,) = _as_images(np.asarray(image)[None], name="image")
    fig, axes = _new_figure(1, 2, width=7.5, height=3.6, gridspec_kw={"width_ratios": [1.3, 1]})
    latent_scatter_figure(codes, labels, point=point, ax=axes[0, 0], title="code space")
    _show_image(axes[0, 1], image, f"decoded from ({point[0]:.1f}, {point[1]:.1f})")
    fig.tight_layout()
    return fig


def latent_grid_figure(images: np.ndarray, z1_values: Sequence[float], z2_values: Sequence[float], ax: Axes | None = None) -> Figure:
    """Return the decoded images of a code grid as one mosaic placed at their codes (as from ``decode_latent_grid``).

    ``images`` has shape ``(rows, cols, h, w)``; row ``i`` belongs to ``z2_values[i]`` (top row = largest z2),
    column ``j`` to ``z1_values[j]``.
    """
    images = np.asarray(images, dtype=float)
    z1_values, z2_values = np.asarray(z1_values, dtype=float), np.asarray(z2_values, dtype=float)
    if images.ndim != 4 or images.shape[:2] != (len(z2_values), len(z1_values)) or min(images.shape) == 0:
        raise ValueError(
            f"images must have shape (len(z2_values), len(z1_values), h, w) = ({len(z2_values)}, {len(z1_values)}, h, w), "
            f"got {images.shape}."
        )
    rows, cols, height, width = images.shape
    mosaic = images.transpose(0, 2, 1, 3).reshape(rows * height, cols * width)
    half_z1 = (z1_values[-1] - z1_values[0]) / max(cols - 1, 1) / 2
    half_z2 = (z2_values[0] - z2_values[-1]) / max(rows - 1, 1) / 2
    extent = (z1_values[0] - half_z1, z1_values[-1] + half_z1, z2_values[-1] - half_z2, z2_values[0] + half_z2)
    fig, ax = _figure_and_ax(ax, width=7.0, height=7.0)
    # 32 grey levels look the same at this size and hide the decoder's faint background noise, which would
    # otherwise make the PNG (and the committed notebook) several times larger.
    grey = plt.get_cmap("gray", 32)
    ax.imshow(mosaic, cmap=grey, vmin=0.0, vmax=1.0, extent=extent, aspect="auto", interpolation="nearest")
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax.set_title(f"decoded {rows} x {cols} grid of codes", fontsize=10)
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
    fig, ax = _figure_and_ax(ax, width=5.5, height=4.8)
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


def embedding_figure(embedding: np.ndarray, labels: np.ndarray, title: str | None = None) -> Figure:
    """Return a 2-D or 3-D scatter of an embedding (e.g. KernelPCA of codes) coloured by label."""
    embedding = np.asarray(embedding, dtype=float)
    if embedding.ndim != 2 or embedding.shape[1] not in (2, 3) or len(embedding) == 0:
        raise ValueError(f"embedding must have shape (n, 2) or (n, 3), got {embedding.shape}.")
    labels = _labels(labels, len(embedding))
    three_d = embedding.shape[1] == 3
    fig, axes = _new_figure(width=5.5, height=4.8, subplot_kw={"projection": "3d"} if three_d else None)
    ax = axes[0, 0]
    for order, label in enumerate(np.unique(labels)):
        chosen = labels == label
        # Small edge-less markers: thousands of outlined or larger dots would swell the PNG for no visible gain.
        ax.scatter(*embedding[chosen].T, s=4, alpha=0.6, linewidths=0, color=_label_colour(label, order), label=str(label))
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    if three_d:
        ax.set_zlabel("component 3")
        ax.view_init(elev=25, azim=-60)
        ax.set_box_aspect(None, zoom=0.85)  # leave room for the axis labels
        ax.tick_params(labelsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig


def embedding_views_figure(
    embedding: np.ndarray,
    labels: np.ndarray,
    pairs: Sequence[tuple[int, int]] = ((0, 1), (0, 2), (1, 2)),
    title: str | None = None,
) -> Figure:
    """Return side-by-side 2-D scatters of an embedding's component ``pairs`` (0-based), coloured by label.

    Flat views of a 3-D embedding (e.g. KernelPCA of codes) read better than one 3-D scatter: each panel is the
    cloud seen along the one component it leaves out.
    """
    embedding = np.asarray(embedding, dtype=float)
    if embedding.ndim != 2 or embedding.shape[1] < 2 or len(embedding) == 0:
        raise ValueError(f"embedding must have shape (n, k) with k >= 2, got {embedding.shape}.")
    labels = _labels(labels, len(embedding))
    pairs = [tuple(pair) for pair in pairs]
    valid = [
        len(pair) == 2 and pair[0] != pair[1]
        and all(not isinstance(i, bool) and isinstance(i, (int, np.integer)) and 0 <= i < embedding.shape[1] for i in pair)
        for pair in pairs
    ]
    if not pairs or not all(valid):
        raise ValueError(f"pairs must hold pairs of different component indices from 0 to {embedding.shape[1] - 1}, got {pairs!r}.")
    fig, axes = _new_figure(1, len(pairs), width=3.6 * len(pairs), height=3.5)
    for ax, (first, second) in zip(axes[0], pairs, strict=True):
        for order, label in enumerate(np.unique(labels)):
            chosen = labels == label
            ax.scatter(embedding[chosen, first], embedding[chosen, second], s=3.5, alpha=0.5, linewidths=0,
                       color=_label_colour(label, order), label=str(label))
        ax.set_xlabel(f"component {first + 1}")
        ax.set_ylabel(f"component {second + 1}")
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0, 0].legend(fontsize=8, markerscale=3)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- codes and activation histograms


def code_histograms_figure(codes: np.ndarray, coordinates: Sequence[int] | None = None, bins: int = 40, ncols: int = 4) -> Figure:
    """Return histograms of chosen code coordinates, each with the normal density of the same mean and spread."""
    codes = np.asarray(codes, dtype=float)
    if codes.ndim != 2 or len(codes) < 2:
        raise ValueError(f"codes must have shape (n, code_size) with n >= 2, got {codes.shape}.")
    coordinates = list(range(min(8, codes.shape[1]))) if coordinates is None else list(coordinates)
    valid = [not isinstance(c, bool) and isinstance(c, (int, np.integer)) and 0 <= c < codes.shape[1] for c in coordinates]
    if not coordinates or not all(valid):
        raise ValueError(f"coordinates must be indices from 0 to {codes.shape[1] - 1}, got {coordinates!r}.")
    bins = check_int("bins", bins, 2)
    ncols = min(ncols, len(coordinates))
    fig, axes = _new_figure(-(-len(coordinates) // ncols), ncols, width=2.4 * ncols, height=2.1 * -(-len(coordinates) // ncols))
    for ax in axes.flat[len(coordinates) :]:
        ax.axis("off")
    for ax, c in zip(axes.flat, coordinates, strict=False):  # spare panels were switched off above
        values = codes[:, c]
        ax.hist(values, bins=bins, density=True, color="tab:blue", alpha=0.7)
        mean, std = values.mean(), max(values.std(), 1e-9)
        grid = np.linspace(values.min() - std, values.max() + std, 200)
        ax.plot(grid, np.exp(-0.5 * ((grid - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi)), color="tab:red", lw=1.2)
        ax.set_title(f"coordinate {c}", fontsize=9)
        ax.set_xlabel("code value", fontsize=8)
        ax.set_ylabel("density", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))  # a nearly constant coordinate gets long tick labels
    fig.tight_layout()
    return fig


def _code_tiles(codes: np.ndarray) -> np.ndarray:
    """Return flat codes (n, size) as squares when possible, else as strips; (n, h, w) codes unchanged."""
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim == 2:
        side = int(round(np.sqrt(codes.shape[1])))
        return codes.reshape(len(codes), side, side) if side * side == codes.shape[1] else codes[:, None, :]
    if codes.ndim == 3:
        return codes
    raise ValueError(f"codes must have shape (n, size), (n, h, w) or (n, h, w, channels), got {codes.shape}.")


def code_figure(
    images: np.ndarray, codes: np.ndarray, n: int = 10, panel_size: float = 1.0, label: str = "code value"
) -> Figure:
    """Return a figure with ``n`` images above their codes, as heat maps on one colour scale with a colour bar.

    A code of shape (h, w, c) gets one row per channel; a flat code of 64 values is drawn as one 8x8 square.
    Codes that are never negative use a dark-is-zero scale; signed codes a blue-white-red scale with 0 white.
    """
    images = _as_images(images)
    codes = np.asarray(codes, dtype=np.float32)
    channels = np.moveaxis(codes, -1, 0) if codes.ndim == 4 else _code_tiles(codes)[None]  # (rows, n, h, w)
    if len(images) != codes.shape[0]:
        raise ValueError(f"images and codes must have one row each, got {len(images)} and {codes.shape[0]}.")
    n = min(check_int("n", n, 1), len(images))
    channels = channels[:, :n]
    low, high = float(channels.min()), float(channels.max())
    if low < 0 < high:
        limit = max(-low, high)
        scale = dict(cmap="RdBu_r", vmin=-limit, vmax=limit)
    else:
        low = min(low, 0.0)  # codes that are never negative: black means zero
        scale = dict(cmap="magma", vmin=low, vmax=high if high > low else low + 1.0)
    fig, axes = _new_figure(1 + len(channels), n, panel_size=panel_size, width=n * panel_size + 1.2, layout="constrained")
    for i in range(n):
        _show_image(axes[0, i], images[i])
        for row, maps in enumerate(channels, start=1):
            picture = axes[row, i].imshow(maps[i], interpolation="nearest", **scale)
            axes[row, i].set_xticks([])
            axes[row, i].set_yticks([])
    axes[0, 0].set_ylabel("image", fontsize=9)
    for row in range(1, len(channels) + 1):
        axes[row, 0].set_ylabel(f"channel {row}" if codes.ndim == 4 else "code", fontsize=9)
    fig.colorbar(picture, ax=axes[1:, :].ravel().tolist(), label=label, aspect=8 * len(channels))
    return fig


_WINDOW_COLOURS = ("#56b4e9", "#e69f00", "#009e73", "#f0e442", "#cc79a7", "#d55e00")  # Okabe-Ito: colour-blind safe


def _outline(ax: Axes, window: Sequence[int], colour: str) -> None:
    """Draw ``window`` = (top, bottom, left, right), slice bounds in pixels, as a rectangle around those pixels."""
    if len(window) != 4 or not window[0] < window[1] or not window[2] < window[3]:
        raise ValueError(f"a window must be (top, bottom, left, right) with top < bottom and left < right, got {tuple(window)}.")
    top, bottom, left, right = window
    ax.add_patch(plt.Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False, edgecolor=colour, lw=2))


def receptive_field_figure(
    maps: Mapping[str, np.ndarray],
    windows: Mapping[str, Sequence[int]] | None = None,
    image: np.ndarray | None = None,
    panel_size: float = 2.2,
) -> Figure:
    """Return one heat map per entry of ``maps`` (title -> (h, w) array, e.g. how strongly one code value responds to
    each pixel), each on its own scale from 0, with the window of the same title outlined; ``windows`` maps titles to
    (top, bottom, left, right) slice bounds. With ``image``, a first panel shows it with every window outlined."""
    if not maps:
        raise ValueError("maps must hold at least one titled (height, width) map.")
    arrays = {title: np.asarray(values, dtype=np.float64) for title, values in maps.items()}
    shapes = {values.shape for values in arrays.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2 or not all(np.isfinite(v).all() and (v >= 0).all() for v in arrays.values()):
        raise ValueError(f"maps must be (height, width) arrays of one shape with values >= 0, got shapes {sorted(shapes)}.")
    windows = dict(windows or {})
    unknown = [title for title in windows if title not in arrays]
    if unknown:
        raise ValueError(f"windows must be titled like maps {list(arrays)}, got {unknown}.")
    panels = len(arrays) + (image is not None)
    fig, axes = _new_figure(1, panels, panel_size=panel_size, layout="constrained")
    axes = list(axes[0])
    colours = {title: _WINDOW_COLOURS[i % len(_WINDOW_COLOURS)] for i, title in enumerate(windows)}
    if image is not None:
        ax = axes.pop(0)
        _show_image(ax, _as_images(np.asarray(image)[np.newaxis], "image")[0], "image")
        for title, window in windows.items():
            _outline(ax, window, colours[title])
    for ax, (title, values) in zip(axes, arrays.items(), strict=True):
        picture = ax.imshow(values, cmap="magma", vmin=0.0, vmax=values.max() if values.max() > 0 else 1.0, interpolation="nearest")
        if title in windows:
            _outline(ax, windows[title], colours[title])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=8)
    fig.colorbar(picture, ax=axes, shrink=0.8, label="response (each map\nscaled to its largest)", ticks=[0])
    return fig


def error_maps_figure(
    images: np.ndarray, reconstructions: np.ndarray, titles: Sequence[str] | None = None, panel_size: float = 1.2
) -> Figure:
    """Return three rows: the images, their reconstructions and the squared error of every pixel, the error maps on
    one shared scale with a colour bar, so where an image is hard to redraw can be seen and compared."""
    images, reconstructions = _as_images(images), _as_images(reconstructions, "reconstructions")
    if images.shape != reconstructions.shape or images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images {images.shape} and reconstructions {reconstructions.shape} must be the same non-empty grey batch.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image ({len(images)}), got {len(titles)}.")
    errors = (images - reconstructions) ** 2
    n = len(images)
    fig, axes = _new_figure(3, n, panel_size=panel_size, width=n * panel_size + 1.0, layout="constrained")
    for i in range(n):
        _show_image(axes[0, i], images[i], None if titles is None else titles[i])
        _show_image(axes[1, i], reconstructions[i])
        picture = axes[2, i].imshow(errors[i], cmap="magma", vmin=0.0, vmax=max(float(errors.max()), 1e-12), interpolation="nearest")
        axes[2, i].set_xticks([])
        axes[2, i].set_yticks([])
    for row, label in enumerate(("input", "reconstruction", "squared error")):
        axes[row, 0].set_ylabel(label, fontsize=9)
    fig.colorbar(picture, ax=axes[2, :].ravel().tolist(), label="squared error", shrink=0.9)
    return fig


def activation_histogram_figure(
    values: np.ndarray, bins: int = 50, ax: Axes | None = None, xlabel: str = "code activation"
) -> Figure:
    """Return a histogram of ``values`` in [0, 1] (e.g. every code value of every image) as shares of all values,
    with their mean marked: it tells a code of middling values from a mix of values near 0 and near 1."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
        raise ValueError(f"values must be a non-empty array of numbers in [0, 1], got {values.size} values.")
    bins = check_int("bins", bins, 2)
    fig, ax = _figure_and_ax(ax, 5.0, 3.2)
    edges = np.linspace(0.0, 1.0, bins + 1)
    shares = np.histogram(values, bins=edges)[0] / values.size
    ax.stairs(shares, edges, fill=True, alpha=0.6, label=f"{values.size:,} values")
    ax.axvline(values.mean(), color="black", ls="--", lw=1, label=f"mean {values.mean():.2f}")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of all values")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def activation_histograms_figure(codes: Mapping[str, np.ndarray], bins: int = 40) -> Figure:
    """Return one histogram per model of all its code activations (values in [0, 1], log-scaled counts), titled with
    the mean activation, so dense codes and sparse codes (most values near 0) can be told apart."""
    if not codes:
        raise ValueError("codes must map at least one model name to its code activations.")
    bins = check_int("bins", bins, 2)
    fig, axes = _new_figure(1, len(codes), width=3.2 * len(codes), height=2.8, sharey=True)
    for ax, (name, values) in zip(axes[0], codes.items(), strict=True):
        values = np.asarray(values, dtype=float).ravel()
        if values.size == 0:
            raise ValueError(f"codes[{name!r}] holds no activations.")
        ax.hist(values, bins=bins, range=(0.0, 1.0), color="tab:blue", log=True)
        ax.set_title(f"{name}\nmean activation {values.mean():.3f}", fontsize=9)
        ax.set_xlabel("activation")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("count (log scale)")
    fig.tight_layout()
    return fig


def _value_and_spread(value: object, name: str) -> tuple[float, float]:
    """Return ``(value, 0.0)`` for a number and ``(mean, spread)`` for a pair such as the mean and spread over seeds."""
    if is_number(value):
        return float(value), 0.0
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(is_number(v) for v in value) and value[1] >= 0:
        return float(value[0]), float(value[1])
    raise ValueError(f"{name} must be a number or a pair (mean, spread >= 0), got {value!r}.")


def sparsity_sweep_figure(
    sweeps: Mapping[str, Mapping[float, tuple[object, object]]], baseline: tuple[object, object] | None = None
) -> Figure:
    """Return two panels against the penalty weight (log axis): the mean code activation and the reconstruction error.

    ``sweeps`` maps a penalty name to {weight: (mean activation, error)}; ``baseline`` is the unpenalised model's
    (mean activation, error), drawn as dashed lines. Each activation or error is a number or a pair (mean, spread),
    e.g. over seeds: spreads are drawn as error bars (as a band around the baseline).
    """
    if not sweeps or any(not points for points in sweeps.values()):
        raise ValueError("sweeps must map each penalty name to at least one {weight: (mean activation, error)} entry.")
    fig, axes = _new_figure(1, 2, width=8.4, height=3.2)
    for column, (ylabel, index) in enumerate((("mean code activation", 0), ("test reconstruction MSE", 1))):
        ax = axes[0, column]
        for name, points in sweeps.items():
            weights = sorted(points)
            if any(w <= 0 for w in weights):
                raise ValueError(f"penalty weights must be positive for a log axis, got {weights} for {name!r}.")
            values = [_value_and_spread(points[w][index], f"sweeps[{name!r}][{w!r}][{index}]") for w in weights]
            (line,) = ax.plot(weights, [v for v, _ in values], marker="o", label=name)
            if any(spread for _, spread in values):
                ax.errorbar(weights, [v for v, _ in values], yerr=[e for _, e in values], fmt="none", ecolor=line.get_color(), capsize=3)
        if baseline is not None:
            value, spread = _value_and_spread(baseline[index], f"baseline[{index}]")
            ax.axhline(value, color="grey", linestyle="--", label="no penalty")
            if spread:
                ax.axhspan(value - spread, value + spread, color="grey", alpha=0.2, linewidth=0)
        ax.set_xscale("log")
        ax.set_xlabel("penalty weight")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- model diagrams


_DIAGRAM_COLOURS = {"encoder": "#d4e4f7", "decoder": "#fde3c8"}
_DIAGRAM_OTHER_COLOUR = "#e8e8e8"
_CODE_EDGE_COLOUR = "#c0392b"


def _diagram_rows(model: keras.Model, group: str | None = None) -> list[tuple[str | None, keras.layers.Layer]]:
    """Return ``(sub-model name, layer)`` for each layer to draw, opening nested models (whose own Input layers
    only repeat the previous output and are skipped)."""
    import keras

    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            rows += [row for row in _diagram_rows(layer, group or layer.name) if type(row[1]).__name__ != "InputLayer"]
        else:
            rows.append((group, layer))
    return rows


def _times(values: object) -> str:
    return "×".join("?" if v is None else str(v) for v in (values if isinstance(values, (tuple, list)) else (values,)))


def _layer_description(layer: keras.layers.Layer) -> str:
    """Return e.g. "Conv2D 16 filters 3×3, relu" or "MaxPooling2D 2×2" for one layer."""
    kind, config = type(layer).__name__, layer.get_config()
    if kind == "InputLayer":
        return "Input"
    words = [kind]
    if "filters" in config:
        words.append(f"{config['filters']} filter{'s' if config['filters'] != 1 else ''} {_times(config['kernel_size'])}")
        strides = set(config.get("strides", (1,)))
        if strides != {1}:
            words.append(f"stride {strides.pop() if len(strides) == 1 else _times(config['strides'])}")
        if config.get("padding") == "valid":
            words.append("'valid'")
    elif "units" in config:
        words.append(f"{config['units']} units")
    elif "pool_size" in config:
        words.append(_times(config["pool_size"]))
    elif kind.startswith("UpSampling"):
        words.append(_times(config["size"]))
    text = " ".join(words)
    if "activation" not in config:
        return text
    return f"{text}, no activation" if config["activation"] in (None, "linear") else f"{text}, {config['activation']}"


def model_diagram(model: keras.Model, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Return a diagram of ``model``: one box per layer, top to bottom, with its output shape and weights.

    Layers of the sub-models ``encoder`` and ``decoder`` are coloured apart and the encoder's last layer (the
    code) is outlined in red. Drawn with matplotlib alone, so no Graphviz is needed.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got {type(model).__name__}.")
    if not model.built:
        raise ValueError("model must be built (give it a keras.Input) so that its layers have output shapes.")
    rows = _diagram_rows(model)
    code_row = max((i for i, (group, _) in enumerate(rows) if group == "encoder"), default=None)
    fig, ax = _figure_and_ax(ax, 6.4, 0.34 * (len(rows) + 2.5))
    for x, label, align in ((0.09, "layer", "left"), (0.66, "output shape", "left"), (0.97, "weights", "right")):
        ax.text(x, 0, label, ha=align, va="center", fontsize=8, color="dimgrey", style="italic")
    for i, (group, layer) in enumerate(rows, start=1):
        is_code = i - 1 == code_row
        ax.add_patch(plt.Rectangle(
            (0.07, -i - 0.42), 0.91, 0.84, facecolor=_DIAGRAM_COLOURS.get(group, _DIAGRAM_OTHER_COLOUR),
            edgecolor=_CODE_EDGE_COLOUR if is_code else "grey", lw=2.2 if is_code else 0.6,
        ))
        shape = _times(tuple(layer.output.shape[1:]))
        ax.text(0.09, -i, _layer_description(layer), va="center", fontsize=8.5)
        ax.text(0.66, -i, f"{shape}   ← code" if is_code else shape, va="center", fontsize=8.5,
                color=_CODE_EDGE_COLOUR if is_code else "black", fontweight="bold" if is_code else "normal")
        ax.text(0.97, -i, f"{layer.count_params():,}", ha="right", va="center", fontsize=8.5)
    for group in dict.fromkeys(g for g, _ in rows if g is not None):  # one labelled bar per sub-model
        first = min(i for i, (g, _) in enumerate(rows, start=1) if g == group)
        last = max(i for i, (g, _) in enumerate(rows, start=1) if g == group)
        ax.add_patch(plt.Rectangle((0.0, -last - 0.42), 0.05, last - first + 0.84,
                                   facecolor=_DIAGRAM_COLOURS.get(group, _DIAGRAM_OTHER_COLOUR), edgecolor="grey", lw=0.6))
        ax.text(0.025, -(first + last) / 2, group, rotation=90, ha="center", va="center", fontsize=8.5)
    ax.text(0.97, -len(rows) - 1, f"total {model.count_params():,} weights", ha="right", va="center", fontsize=8.5)
    ax.set_xlim(0, 1)
    ax.set_ylim(-len(rows) - 1.5, 0.6)
    ax.axis("off")
    ax.set_title(model.name if title is None else title, fontsize=10)
    fig.tight_layout()
    return fig


def model_diagrams(named_models: Mapping[str, keras.Model]) -> Figure:
    """Return the ``model_diagram`` of each model side by side, titled by its key, to compare architectures."""
    import keras

    if not named_models or not all(isinstance(m, keras.Model) for m in named_models.values()):
        given = {title: type(m).__name__ for title, m in named_models.items()}
        raise ValueError(f"named_models must map one or more titles to keras.Model objects, got {given}.")
    heights = [len(_diagram_rows(m)) for m in named_models.values()]
    fig, axes = _new_figure(1, len(named_models), width=6.4 * len(named_models), height=0.34 * (max(heights, default=1) + 2.5))
    for ax, (title, model) in zip(axes[0], named_models.items(), strict=True):
        model_diagram(model, ax=ax, title=title)
        ax.set_ylim(-max(heights) - 1.5, 0.6)  # rows of the same height in every panel
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- anomaly scores and ROC


def error_histogram_figure(
    errors: Mapping[str, np.ndarray],
    threshold: float | None = None,
    bins: int = 60,
    ax: Axes | None = None,
) -> Figure:
    """Return overlaid histograms of reconstruction errors per group on log-spaced bins; each group's bars show the
    share of that group's images per bin, so groups of different sizes compare directly.

    ``errors`` maps a label (e.g. "normal classes") to per-image errors; ``threshold`` draws a vertical line.
    """
    if not errors:
        raise ValueError("errors must map at least one label to an array of per-image errors.")
    arrays = {label: np.asarray(values, dtype=np.float64).ravel() for label, values in errors.items()}
    if any(values.size == 0 or (values <= 0).any() for values in arrays.values()):
        raise ValueError("errors must hold non-empty arrays of positive values (log-spaced bins need them).")
    bins = check_int("bins", bins, 2)
    everything = np.concatenate(list(arrays.values()))
    edges = np.geomspace(everything.min(), everything.max(), int(bins) + 1)
    fig, ax = _figure_and_ax(ax, width=6.0, height=3.4)
    for label, values in arrays.items():
        shares = np.histogram(values, bins=edges)[0] / values.size
        ax.stairs(shares, edges, fill=True, alpha=0.45, label=f"{label}: {values.size:,} images")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:.4f}")
    ax.set_xscale("log")
    ax.set_xlabel("reconstruction error (MSE per pixel, log scale)")
    ax.set_ylabel("share of the group's images")
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
    fig, ax = _figure_and_ax(ax, width=4.0, height=4.0)
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


# --------------------------------------------------------------------------- denoising: PSNR against noise level


# Okabe and Ito's palette, which readers with any common colour-vision deficiency can tell apart; black is left out
# so that it can mark a reference, and every curve also gets its own marker.
COLOUR_BLIND_SAFE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
CURVE_MARKERS = "os^DvPX"


def _curve_style(index: int, label: str, reference: str | None) -> dict:
    """Return plot settings for curve number ``index``: grey and dashed for ``reference`` (e.g. the noisy input)."""
    if label == reference:
        return {"color": "0.45", "ls": "--", "marker": ".", "lw": 1.2}
    return {"color": COLOUR_BLIND_SAFE[index % len(COLOUR_BLIND_SAFE)], "marker": CURVE_MARKERS[index % len(CURVE_MARKERS)], "lw": 1.6}


def _runs(values: Sequence[float] | np.ndarray, n: int, where: str) -> np.ndarray:
    """Return ``values`` as a (runs, n) array: one curve (n,) or one row per run (runs, n)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != n or len(array) == 0:
        raise ValueError(f"{where} must hold one PSNR per sigma ({n}), or one such row per training run, got shape {np.shape(values)}.")
    return array


def psnr_curves_figure(
    sigmas: Sequence[float],
    panels: Mapping[str, Mapping[str, Sequence[float]]],
    marks: Mapping[str, tuple[float, str]] | None = None,
    xlabel: str = "noise level σ",
    ylabel: str = "PSNR (dB)",
    panel_width: float = 4.2,
    relative_to: str | None = None,
    reference: str | None = "noisy input",
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Return one panel per entry of ``panels`` (title -> {curve label -> PSNR in dB at each of ``sigmas``}),
    side by side with a shared y axis. ``marks`` maps a panel title to ``(x, label)``, drawn as a dotted line.

    A curve given as one row per training run (runs, sigmas) is drawn as its mean with a band from the lowest to the
    highest run. ``relative_to`` names a curve: a second row of panels then shows every other curve minus that one, so
    that differences of a fraction of a decibel stay visible. The ``reference`` curve is drawn grey and dashed;
    ``ylim`` fixes the PSNR axis (curves beyond it run off the panel).
    """
    sigmas = np.asarray(sigmas, dtype=np.float64)
    if sigmas.ndim != 1 or sigmas.size < 2:
        raise ValueError(f"sigmas must be a 1-D sequence of at least two noise levels, got shape {sigmas.shape}.")
    if not panels or any(not curves for curves in panels.values()):
        raise ValueError("panels must map at least one panel title to a non-empty {curve label: PSNR values} mapping.")
    runs = {
        title: {label: _runs(values, sigmas.size, f"panels[{title!r}][{label!r}]") for label, values in curves.items()}
        for title, curves in panels.items()
    }
    marks = dict(marks or {})
    unknown = [title for title in marks if title not in panels]
    if unknown:
        raise ValueError(f"marks must name panel titles from {list(panels)}, got {unknown!r}.")
    missing = [title for title, curves in panels.items() if relative_to is not None and relative_to not in curves]
    if missing:
        raise ValueError(f"relative_to must name a curve of every panel, got {relative_to!r}, which {missing!r} lack.")
    if ylim is not None and (len(ylim) != 2 or not all(np.isfinite(ylim)) or ylim[0] >= ylim[1]):
        raise ValueError(f"ylim must be (low, high) with low < high, got {ylim!r}.")
    nrows = 1 if relative_to is None else 2
    fig, axes = _new_figure(nrows, len(panels), width=panel_width * len(panels), height=3.0 * nrows + 0.6, sharey="row", sharex=True)
    labels = list(dict.fromkeys(label for curves in panels.values() for label in curves))
    for column, (title, curves) in enumerate(runs.items()):
        ax = axes[0, column]
        for label, values in curves.items():
            style = _curve_style(labels.index(label), label, reference)
            ax.plot(sigmas, values.mean(axis=0), ms=3.5, label=label, **style)
            if len(values) > 1:
                ax.fill_between(sigmas, values.min(axis=0), values.max(axis=0), color=style["color"], alpha=0.25, lw=0)
            if relative_to is not None and label != relative_to:
                difference = values - curves[relative_to].mean(axis=0)
                lower = axes[1, column]
                lower.plot(sigmas, difference.mean(axis=0), ms=3.5, **style)
                if len(values) > 1:
                    lower.fill_between(sigmas, difference.min(axis=0), difference.max(axis=0), color=style["color"], alpha=0.25, lw=0)
        for row in range(nrows):
            if title in marks:
                x, mark_label = marks[title]
                axes[row, column].axvline(x, color="grey", ls=":", lw=1.2, label=mark_label if row == 0 else None)
                if row == 0:
                    axes[row, column].annotate(mark_label, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                                               textcoords="offset points", ha="left", va="top", fontsize=8, color="dimgrey")
            axes[row, column].grid(alpha=0.3)
        ax.set_title(title, fontsize=10)
        axes[-1, column].set_xlabel(xlabel)
        if relative_to is not None:
            axes[1, column].axhline(0.0, color="black", lw=1.0)
    axes[0, 0].set_ylabel(ylabel)
    if ylim is not None:
        axes[0, 0].set_ylim(*ylim)
    if relative_to is not None:
        axes[1, 0].set_ylabel(f"dB above {relative_to}")
    # One legend for all panels, below them, so it hides no curve.
    handles = {label: handle for ax in axes[0] for handle, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    keep = [label for label in labels if label in handles]
    fig.legend([handles[label] for label in keep], keep, loc="lower center", ncol=min(len(keep), 4), fontsize=8, frameon=False)
    legend_rows = -(-len(keep) // 4)
    fig.tight_layout(rect=(0, 0.05 * legend_rows / nrows + 0.03, 1, 1))
    return fig


# --------------------------------------------------------------------------- generative models: rate and distortion


def rate_distortion_figure(results: Mapping[str, tuple[float, float, int]], latent_dim: int | None = None) -> Figure:
    """Return two panels for VAEs trained with different KL weights: reconstruction term (distortion) against KL term
    (rate), one labelled point per model, and the number of active latent units per model.

    ``results`` maps a label (e.g. "beta = 4") to (KL in nats, reconstruction in nats, active units).
    """
    if not results:
        raise ValueError("results must map at least one label to (KL, reconstruction, active units).")
    fig, axes = _new_figure(1, 2, width=9.0, height=3.4, gridspec_kw={"width_ratios": [1.4, 1]})
    ax = axes[0, 0]
    kls = [float(v[0]) for v in results.values()]
    recs = [float(v[1]) for v in results.values()]
    by_rate = np.argsort(kls)
    ax.plot(np.asarray(kls)[by_rate], np.asarray(recs)[by_rate], color="lightgrey", zorder=1)
    for label, kl, rec in zip(results, kls, recs, strict=True):
        ax.scatter([kl], [rec], zorder=2)
        ax.annotate(label, (kl, rec), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xlabel("rate: KL term (nats)")
    ax.set_ylabel("distortion: reconstruction term (nats)")
    ax.grid(alpha=0.3)
    ax = axes[0, 1]
    ax.bar(range(len(results)), [int(v[2]) for v in results.values()], color="tab:green")
    ax.set_xticks(range(len(results)), list(results), fontsize=8, rotation=20)
    ax.set_ylabel("active latent units")
    if latent_dim is not None:
        ax.axhline(latent_dim, color="grey", linestyle="--", label=f"latent size ({latent_dim})")
        ax.set_ylim(0, latent_dim * 1.3)  # room above the line for its legend
        ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- accuracy and bar charts


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
    fig, ax = _figure_and_ax(ax, width=max(4.0, 1.1 * len(values) + 1.5), height=3.2)
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


def spread_bars_figure(
    values: Mapping[str, Sequence[float]], ylabel: str, ax: Axes | None = None, percent: bool = True
) -> Figure:
    """Return one bar per entry of ``values`` (name -> the results of several runs): the bar is the mean, the dots
    the single runs and the whisker their range, with the mean written above the bar (as a percentage if
    ``percent``, for shares between 0 and 1)."""
    if not values:
        raise ValueError("values must map at least one name to the results of its runs.")
    runs = {name: np.asarray(v, dtype=np.float64).ravel() for name, v in values.items()}
    if any(v.size == 0 or not np.all(np.isfinite(v)) for v in runs.values()):
        raise ValueError("values must give every name at least one finite result.")
    fig, ax = _figure_and_ax(ax, width=max(4.0, 1.2 * len(runs) + 1.0), height=3.4)
    for position, results in enumerate(runs.values()):
        mean = results.mean()
        ax.bar(position, mean, width=0.6, color="tab:blue", alpha=0.55)
        if results.size > 1:
            ax.errorbar(position, mean, yerr=[[mean - results.min()], [results.max() - mean]], color="black", capsize=4, lw=1)
            ax.plot(np.full(results.size, position), results, "o", color="black", ms=3)
        ax.annotate(f"{mean:.0%}" if percent else f"{mean:.3g}", (position, results.max()), xytext=(0, 4),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(range(len(runs)), [textwrap.fill(name, 14) for name in runs], fontsize=8)
    ax.set_ylabel(ylabel)
    if percent:
        ax.set_ylim(0, 1.1)
        ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def distance_histograms_figure(
    distances: Mapping[str, np.ndarray],
    threshold: float | None = None,
    bins: int = 50,
    ax: Axes | None = None,
    xlabel: str = "distance to the nearest training code",
) -> Figure:
    """Return one outlined histogram per group of distances (label -> values), each bar the share of its group, so
    groups of different sizes compare directly; ``threshold`` draws a dashed vertical line."""
    if not distances:
        raise ValueError("distances must map at least one label to an array of distances.")
    arrays = {label: np.asarray(v, dtype=np.float64).ravel() for label, v in distances.items()}
    if any(v.size == 0 or not np.all(np.isfinite(v)) or (v < 0).any() for v in arrays.values()):
        raise ValueError("distances must hold non-empty arrays of finite, non-negative values.")
    bins = check_int("bins", bins, 2)
    edges = np.linspace(0.0, max(float(v.max()) for v in arrays.values()) * 1.001 + 1e-12, bins + 1)
    fig, ax = _figure_and_ax(ax, width=6.0, height=3.4)
    for (label, values), style in zip(arrays.items(), ["-", "--", ":", "-."] * len(arrays), strict=False):
        ax.stairs(np.histogram(values, bins=edges)[0] / values.size, edges, ls=style, lw=1.6, label=f"{label} ({values.size:,})")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"threshold {threshold:.2f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of the group")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
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
    fig, ax = _figure_and_ax(ax, width=5.0, height=3.4)
    for name, values in accuracies.items():
        ax.plot(counts, values, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xticks(counts, [f"{n:,}" for n in counts])
    ax.set_xlabel("labelled training images")
    ax.set_ylabel("test accuracy")
    return _legend_and_grid(fig, ax)
