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
from course_utils._validate import is_number
from course_utils.latent import code_range
from course_utils.noise import add_gaussian_noise, psnr
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


class DenoiseExplorer(widgets.VBox):
    """A sigma slider and an image picker; the panel shows the clean image, a noisy copy and the model's denoised output.

    Parts: ``sigma_slider`` (``FloatSlider``, description ``"sigma"``), ``image_picker`` (``IntSlider``, description
    ``"image"``), ``original_image``, ``noisy_image`` and ``denoised_image`` (``ipywidgets.Image`` holding PNG bytes),
    ``psnr_label``, and the arrays ``noisy`` and ``denoised`` last shown. The noise for a given image and sigma is
    always the same (seeded), so moving the slider shows the same noise growing, not new noise each time.
    """

    def __init__(self, model: keras.Model, images: np.ndarray, max_sigma: float = 0.5, sigma: float = 0.2, seed: int = 0):
        self.model = model
        self.images = images
        self.seed = seed
        self.sigma_slider = widgets.FloatSlider(
            value=sigma, min=0.0, max=max_sigma, step=0.01, description="sigma", readout_format=".2f", continuous_update=False
        )
        self.sigma_slider.add_class("denoise-explorer-sigma")
        self.image_picker = widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image", continuous_update=False)
        self.image_picker.add_class("denoise-explorer-image")
        panels = []
        for name in ("original", "noisy", "denoised"):
            image = widgets.Image(format="png", layout=widgets.Layout(width="160px", height="160px"))
            image.add_class(f"denoise-explorer-{name}")
            setattr(self, f"{name}_image", image)
            panels.append(widgets.VBox([widgets.Label(name), image]))
        self.psnr_label = widgets.Label()
        self.psnr_label.add_class("denoise-explorer-psnr")
        self.noisy = np.zeros((0, 0), dtype=np.float32)
        self.denoised = np.zeros((0, 0), dtype=np.float32)
        super().__init__([widgets.HBox(panels), self.psnr_label, self.sigma_slider, self.image_picker])
        self.add_class("denoise-explorer")
        self.sigma_slider.observe(self._on_change, names="value")
        self.image_picker.observe(self._on_change, names="value")
        self.update()

    def __repr__(self) -> str:
        return "DenoiseExplorer: a sigma slider, an image picker and the clean, noisy and denoised images (run the notebook to use it)"

    def _on_change(self, change: dict) -> None:
        self.update()

    def update(self) -> None:
        """Corrupt the picked image with the slider's sigma, denoise it and redraw the three images."""
        index, sigma = int(self.image_picker.value), float(self.sigma_slider.value)
        clean = self.images[index : index + 1]
        noisy = add_gaussian_noise(clean, sigma, seed=self.seed + index)
        denoised = self.model.predict(noisy, verbose=0)
        self.noisy, self.denoised = _as_square_image(noisy[0]), _as_square_image(denoised[0])
        self.original_image.value = image_png(_as_square_image(clean[0]), scale=5)
        self.noisy_image.value = image_png(self.noisy, scale=5)
        self.denoised_image.value = image_png(self.denoised, scale=5)
        noisy_db, denoised_db = psnr(clean, noisy)[0], psnr(clean, denoised)[0]
        self.psnr_label.value = f"PSNR against the original: noisy {noisy_db:.1f} dB, denoised {denoised_db:.1f} dB"


def _takes(input_shape: tuple, image_shape: tuple) -> bool:
    """Whether a model with ``input_shape`` (None: any size, as in a fully convolutional model) takes ``image_shape``."""
    return len(input_shape) == len(image_shape) and all(d is None or d == n for d, n in zip(input_shape, image_shape, strict=True))


def denoise_explorer(model: keras.Model, images: np.ndarray, max_sigma: float = 0.5) -> DenoiseExplorer:
    """Return an interactive panel: pick one of ``images`` and a noise level sigma; see the noisy copy and what the
    denoising ``model`` (images in, images out) makes of it, with the PSNR of both."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must be a non-empty array of shape (n, height, width[, 1]), got {images.shape}.")
    input_shape = getattr(model, "input_shape", None)
    if not isinstance(model, keras.Model) or input_shape is None or not _takes(tuple(input_shape[1:]), images.shape[1:]):
        raise ValueError(f"model must be a Keras model taking images of shape {images.shape[1:]}, got input shape {input_shape}.")
    if not is_number(max_sigma) or not 0 < max_sigma <= 1:
        raise ValueError(f"max_sigma must be a number in (0, 1], got {max_sigma!r}.")
    return DenoiseExplorer(model, images, max_sigma=float(max_sigma), sigma=min(0.2, float(max_sigma)))
