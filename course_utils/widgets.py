"""Interactive explorers built from plain ipywidgets (no ipympl or other front-end extensions needed).

Figures are rendered to PNG bytes and shown in ``ipywidgets.Image``, so the explorers work the same in
JupyterLab 4 and the classic notebook. Each explorer keeps its parts as attributes, so tests (and curious
students) can drive the sliders from Python and read back what is shown.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils.latent import code_range
from course_utils.plotting import latent_scatter_figure

# Each decoded pixel becomes a PIXEL_SCALE x PIXEL_SCALE block, so the image stays sharp in any browser.
PIXEL_SCALE = 7


def figure_png(fig: Figure) -> bytes:
    """Return ``fig`` rendered as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def image_png(image: np.ndarray, scale: int = PIXEL_SCALE) -> bytes:
    """Return a grey-scale image with values in [0, 1] as PNG bytes, each pixel enlarged to ``scale`` x ``scale``."""
    image = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (height, width), got shape {image.shape}.")
    enlarged = np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    plt.imsave(buffer, enlarged, cmap="gray", vmin=0.0, vmax=1.0, format="png")
    return buffer.getvalue()


def _as_square_image(decoded: np.ndarray) -> np.ndarray:
    """Return one decoder output as a 2-D image (a flat vector of n*n pixels becomes n x n)."""
    decoded = np.asarray(decoded, dtype=np.float32)
    if decoded.ndim == 3 and decoded.shape[-1] == 1:
        decoded = decoded[..., 0]
    if decoded.ndim == 1:
        side = int(round(np.sqrt(decoded.size)))
        if side * side != decoded.size:
            raise ValueError(f"the decoder's output of {decoded.size} values is not a square image.")
        decoded = decoded.reshape(side, side)
    if decoded.ndim != 2:
        raise ValueError(f"the decoder must output grey-scale images, got one output of shape {decoded.shape}.")
    return decoded


class LatentExplorer(widgets.VBox):
    """Two sliders pick a 2-D code; the panel shows where it lies among the data's codes and what it decodes to.

    Parts: ``z1_slider`` and ``z2_slider`` (``FloatSlider``, descriptions ``"z1"``/``"z2"``), ``scatter_image``
    and ``decoded_image`` (``ipywidgets.Image`` holding PNG bytes), and ``decoded``, the decoder's last output as a
    2-D array. Moving a slider calls :meth:`update`, which runs ``decoder.predict`` on the new code.
    """

    def __init__(self, decoder: keras.Model, codes: np.ndarray, labels: np.ndarray, margin: float = 0.05, steps: int = 200):
        self.decoder = decoder
        self.codes = np.asarray(codes, dtype=np.float32)
        self.labels = np.asarray(labels)
        (z1_low, z1_high), (z2_low, z2_high) = code_range(self.codes, margin=margin)
        start = np.median(self.codes, axis=0)
        self.z1_slider = self._slider("z1", z1_low, z1_high, float(start[0]), steps)
        self.z2_slider = self._slider("z2", z2_low, z2_high, float(start[1]), steps)
        self.scatter_image = widgets.Image(format="png", layout=widgets.Layout(width="380px"))
        self.scatter_image.add_class("latent-explorer-scatter")
        self.decoded_image = widgets.Image(format="png", layout=widgets.Layout(width="196px", height="196px"))
        self.decoded_image.add_class("latent-explorer-decoded")
        self.code_label = widgets.Label()
        self.code_label.add_class("latent-explorer-code")
        self.decoded = np.zeros((0, 0), dtype=np.float32)
        # The scatter is drawn once; each update only moves the marker (its last collection) and re-renders.
        self._scatter_figure = latent_scatter_figure(self.codes, self.labels, point=start, title="codes")
        self._marker = self._scatter_figure.axes[0].collections[-1]
        decoded_panel = widgets.VBox([widgets.Label("decoded image"), self.decoded_image, self.code_label])
        super().__init__([widgets.HBox([self.scatter_image, decoded_panel]), self.z1_slider, self.z2_slider])
        self.add_class("latent-explorer")
        self.z1_slider.observe(self._on_slider, names="value")
        self.z2_slider.observe(self._on_slider, names="value")
        self.update()

    @staticmethod
    def _slider(name: str, low: float, high: float, value: float, steps: int) -> widgets.FloatSlider:
        slider = widgets.FloatSlider(
            value=value, min=low, max=high, step=(high - low) / steps, description=name, readout_format=".2f", continuous_update=True
        )
        slider.add_class(f"latent-explorer-{name}")
        return slider

    def __repr__(self) -> str:
        # What a page without a live kernel (e.g. the notebook on GitHub) shows instead of the panel.
        return "LatentExplorer: sliders z1 and z2, the code scatter and the decoded image (run the notebook to use it)"

    @property
    def point(self) -> np.ndarray:
        """Return the code the sliders point at, shape ``(2,)``."""
        return np.array([self.z1_slider.value, self.z2_slider.value], dtype=np.float32)

    def _on_slider(self, change: dict) -> None:
        self.update()

    def update(self) -> None:
        """Decode the sliders' code and redraw both images (errors are not hidden: a failure shows in the notebook)."""
        point = self.point
        self.decoded = _as_square_image(self.decoder.predict(point[None, :], verbose=0)[0])
        self.decoded_image.value = image_png(self.decoded)
        self._marker.set_offsets(point[None, :])
        self.scatter_image.value = figure_png(self._scatter_figure)
        self.code_label.value = f"code = ({point[0]:.2f}, {point[1]:.2f})"


def latent_explorer(decoder: keras.Model, codes: np.ndarray, labels: np.ndarray) -> LatentExplorer:
    """Return an interactive panel for a decoder with 2-D codes: sliders spanning the range of ``codes``, the scatter
    of ``codes`` coloured by ``labels`` with a marker at the sliders' code, and the image decoded from it."""
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) < 2:
        raise ValueError(f"codes must have shape (n, 2) with n >= 2, got {codes.shape}.")
    if np.shape(labels) != (len(codes),):
        raise ValueError(f"labels must have one entry per code ({len(codes)}), got shape {np.shape(labels)}.")
    input_shape = getattr(decoder, "input_shape", None)
    if input_shape is None or tuple(input_shape[1:]) != (2,):
        raise ValueError(f"decoder must be a Keras model taking 2-D codes (input shape (None, 2)), got input shape {input_shape}.")
    return LatentExplorer(decoder, codes, labels)
