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


# --------------------------------------------------------------------------- PCA and subspaces (lecture 00)


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


def _figure_and_ax(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, axes = _new_figure(width=width, height=height)
    return fig, axes[0, 0]


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
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}.")
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
    for label, values in angles.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or np.any(values < 0) or np.any(values > 90 + 1e-9):
            raise ValueError(f"angles[{label!r}] must be a 1-D array of angles between 0 and 90 degrees.")
        ax.plot(range(1, len(values) + 1), values, marker="o", ms=4, label=label)
    ax.set_xlabel("principal angle number")
    ax.set_ylabel("angle (degrees)")
    ax.set_ylim(-3, 93)
    ax.set_yticks([0, 30, 60, 90])
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- latent spaces (lecture 02)


def _labels(labels: np.ndarray, n: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have one entry per point ({n}), got shape {labels.shape}.")
    return labels


def _label_colour(label: object, order: int) -> tuple[float, ...]:
    """Return a fixed tab10 colour per integer label (digit 1 has the same colour in every figure)."""
    index = int(label) if isinstance(label, (int, np.integer)) else order
    return plt.get_cmap("tab10")(index % 10)


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
    for order, label in enumerate(np.unique(labels)):
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
    ax.legend(fontsize=8, markerscale=1.5, loc="best")
    ax.grid(alpha=0.3)
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


def snapshots_figure(originals: np.ndarray, snapshots: Mapping[int, np.ndarray]) -> Figure:
    """Return rows of reconstructions of the same images at several epochs, under a row of the originals."""
    if not snapshots:
        raise ValueError("snapshots must map at least one epoch to reconstructions (see ReconstructionSnapshots).")
    rows = {"original": originals}
    rows.update({f"epoch {epoch}": images for epoch, images in sorted(snapshots.items())})
    return image_rows(rows)


def code_histograms_figure(codes: np.ndarray, coordinates: Sequence[int] | None = None, bins: int = 40, ncols: int = 4) -> Figure:
    """Return histograms of chosen code coordinates, each with the normal density of the same mean and spread."""
    codes = np.asarray(codes, dtype=float)
    if codes.ndim != 2 or len(codes) < 2:
        raise ValueError(f"codes must have shape (n, code_size) with n >= 2, got {codes.shape}.")
    coordinates = list(range(min(8, codes.shape[1]))) if coordinates is None else list(coordinates)
    valid = [not isinstance(c, bool) and isinstance(c, (int, np.integer)) and 0 <= c < codes.shape[1] for c in coordinates]
    if not coordinates or not all(valid):
        raise ValueError(f"coordinates must be indices from 0 to {codes.shape[1] - 1}, got {coordinates!r}.")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}.")
    ncols = min(ncols, len(coordinates))
    fig, axes = _new_figure(-(-len(coordinates) // ncols), ncols, width=2.3 * ncols, height=1.9 * -(-len(coordinates) // ncols))
    for ax in axes.flat[len(coordinates) :]:
        ax.axis("off")
    for ax, c in zip(axes.flat, coordinates, strict=False):  # spare panels were switched off above
        values = codes[:, c]
        ax.hist(values, bins=bins, density=True, color="tab:blue", alpha=0.7)
        mean, std = values.mean(), max(values.std(), 1e-9)
        grid = np.linspace(values.min() - std, values.max() + std, 200)
        ax.plot(grid, np.exp(-0.5 * ((grid - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi)), color="tab:red", lw=1.2)
        ax.set_title(f"coordinate {c}", fontsize=9)
        ax.tick_params(labelsize=7)
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
        # Edge-less markers: thousands of outlined dots would double the PNG's size for no visible gain.
        ax.scatter(*embedding[chosen].T, s=6, alpha=0.6, linewidths=0, color=_label_colour(label, order), label=str(label))
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
    """Return overlaid histograms of reconstruction errors per group on log-spaced bins; each group's bars show the
    share of that group's images per bin, so groups of different sizes compare directly.

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


def history_panels(
    history: Mapping[str, Sequence[float]] | object,
    panels: Mapping[str, Sequence[str]],
    log_scale: Sequence[str] = (),
    panel_width: float = 4.2,
) -> Figure:
    """Return one panel of training curves per entry of ``panels`` (title -> metric names), side by side.

    For metrics on different scales, e.g. ``{"loss per sample": ["loss"], "code mean": ["code_mean"]}``;
    panels whose titles are in ``log_scale`` get a logarithmic y axis.
    """
    if not panels:
        raise ValueError("panels must map at least one panel title to the metrics it shows.")
    unknown = [title for title in log_scale if title not in panels]
    if unknown or isinstance(log_scale, str):
        raise ValueError(f"log_scale must name panel titles from {list(panels)}, got {log_scale!r}.")
    fig, axes = _new_figure(1, len(panels), width=panel_width * len(panels), height=3.2)
    for ax, (title, metrics) in zip(axes[0], panels.items(), strict=True):
        history_figure(history, metrics=metrics, ax=ax, log_scale=title in log_scale)
        ax.set_title(title, fontsize=10)
    return fig


# --------------------------------------------------------------------------- lecture 05: sparse and variational autoencoders


def activation_histograms_figure(codes: Mapping[str, np.ndarray], bins: int = 40) -> Figure:
    """Return one histogram per model of all its code activations (values in [0, 1], log-scaled counts), titled with
    the mean activation, so dense codes and sparse codes (most values near 0) can be told apart."""
    if not codes:
        raise ValueError("codes must map at least one model name to its code activations.")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer of at least 2, got {bins!r}.")
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


def sparsity_sweep_figure(
    sweeps: Mapping[str, Mapping[float, tuple[float, float]]], baseline: tuple[float, float] | None = None
) -> Figure:
    """Return two panels against the penalty weight (log axis): the mean code activation and the reconstruction error.

    ``sweeps`` maps a penalty name to {weight: (mean activation, error)}; ``baseline`` is the unpenalised model's
    (mean activation, error), drawn as dashed lines.
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
            ax.plot(weights, [points[w][index] for w in weights], marker="o", label=name)
        if baseline is not None:
            ax.axhline(baseline[index], color="grey", linestyle="--", label="no penalty")
        ax.set_xscale("log")
        ax.set_xlabel("penalty weight")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
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
        ax.axhline(latent_dim, color="grey", linestyle="--")
        ax.set_ylim(0, latent_dim * 1.1)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
