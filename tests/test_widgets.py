import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import matplotlib.image as mpimg
import numpy as np
import pytest

import course_utils
from course_utils import widgets

CODES = np.random.default_rng(0).normal(size=(60, 2)).astype(np.float32) * [2.0, 1.0]
LABELS = np.repeat([1, 5, 6], 20)


def _decoder():
    import keras

    course_utils.seed_everything(0)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(64, activation="sigmoid")])  # 8 x 8 images


def _png_pixels(png: bytes, scale: int = widgets.PIXEL_SCALE) -> np.ndarray:
    """Return the grey values of a PNG written by image_png, shrunk back to one value per decoded pixel."""
    rgba = mpimg.imread(io.BytesIO(png), format="png")
    return rgba[::scale, ::scale, 0]


def test_sliders_span_the_code_range_and_have_stable_names():
    explorer = widgets.latent_explorer(_decoder(), CODES, LABELS)
    assert isinstance(explorer, ipywidgets.VBox)
    assert (explorer.z1_slider.description, explorer.z2_slider.description) == ("z1", "z2")
    assert explorer.z1_slider.min < CODES[:, 0].min() and explorer.z1_slider.max > CODES[:, 0].max()
    assert explorer.z2_slider.min < CODES[:, 1].min() and explorer.z2_slider.max > CODES[:, 1].max()
    assert "latent-explorer-decoded" in explorer.decoded_image._dom_classes
    assert "latent-explorer-z1" in explorer.z1_slider._dom_classes


def test_moving_a_slider_decodes_the_new_code():
    decoder = _decoder()
    explorer = widgets.latent_explorer(decoder, CODES, LABELS)
    before_png, before_scatter = explorer.decoded_image.value, explorer.scatter_image.value

    explorer.z1_slider.value = float(explorer.z1_slider.min)
    explorer.z2_slider.value = float(explorer.z2_slider.max)

    point = np.array([[explorer.z1_slider.value, explorer.z2_slider.value]], dtype=np.float32)
    expected = decoder.predict(point, verbose=0).reshape(8, 8)
    np.testing.assert_allclose(explorer.decoded, expected, rtol=1e-5, atol=1e-6)
    assert explorer.decoded_image.value != before_png and explorer.scatter_image.value != before_scatter
    np.testing.assert_allclose(_png_pixels(explorer.decoded_image.value), expected, atol=2 / 255)
    assert explorer.code_label.value == f"code = ({point[0, 0]:.2f}, {point[0, 1]:.2f})"


def test_image_png_round_trips_grey_values():
    image = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(_png_pixels(widgets.image_png(image, scale=3), scale=3), image, atol=2 / 255)
    with pytest.raises(ValueError, match="image must be 2-D"):
        widgets.image_png(np.zeros(4))


def test_a_failing_decoder_is_not_hidden(monkeypatch):
    decoder = _decoder()
    explorer = widgets.latent_explorer(decoder, CODES, LABELS)

    def broken(*args, **kwargs):
        raise RuntimeError("decoder broke")

    monkeypatch.setattr(decoder, "predict", broken)
    with pytest.raises(RuntimeError, match="decoder broke"):
        explorer.z1_slider.value = float(explorer.z1_slider.max)


@pytest.mark.parametrize(
    "args, message",
    [
        ((CODES[:, :1], LABELS), "codes must have shape"),
        ((CODES, LABELS[:5]), "labels must have one entry"),
    ],
)
def test_bad_arguments_are_explained(args, message):
    with pytest.raises(ValueError, match=message):
        widgets.latent_explorer(_decoder(), *args)


def test_decoder_of_other_code_size_is_rejected():
    import keras

    three_d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="decoder must be a Keras model taking 2-D codes"):
        widgets.latent_explorer(three_d, CODES, LABELS)


def test_static_pages_get_a_readable_placeholder():
    explorer = widgets.latent_explorer(_decoder(), CODES, LABELS)
    text = explorer._repr_mimebundle_()["text/plain"] if hasattr(explorer, "_repr_mimebundle_") else repr(explorer)
    assert text.startswith("LatentExplorer:") and "PNG" not in text


def test_the_marker_follows_the_sliders():
    explorer = widgets.latent_explorer(_decoder(), CODES, LABELS)
    explorer.z1_slider.value, explorer.z2_slider.value = 0.5, -0.25
    np.testing.assert_allclose(explorer._marker.get_offsets(), [[0.5, -0.25]], atol=explorer.z1_slider.step)


def _identity_model(shape=(8, 8, 1)):
    import keras

    return keras.Sequential([keras.Input(shape), keras.layers.Identity()])


def test_denoise_explorer_shows_noise_that_grows_with_sigma():
    images = np.full((3, 8, 8, 1), 0.5, dtype=np.float32)
    explorer = widgets.denoise_explorer(_identity_model(), images)
    assert (explorer.sigma_slider.description, explorer.image_picker.description) == ("sigma", "image")
    assert explorer.image_picker.max == 2 and explorer.sigma_slider.value == pytest.approx(0.2)
    assert "denoise-explorer-denoised" in explorer.denoised_image._dom_classes
    explorer.sigma_slider.value = 0.0
    assert np.array_equal(explorer.noisy, images[0, ..., 0]) and "inf" not in explorer.psnr_label.value
    explorer.sigma_slider.value = 0.1
    small = np.abs(explorer.noisy - 0.5).mean()
    explorer.sigma_slider.value = 0.3
    assert np.abs(explorer.noisy - 0.5).mean() > 2 * small
    np.testing.assert_array_equal(explorer.denoised, explorer.noisy)  # the identity "denoiser" returns its input
    np.testing.assert_allclose(_png_pixels(explorer.noisy_image.value, scale=5), explorer.noisy, atol=0.02)
    assert "PSNR" in explorer.psnr_label.value


def test_denoise_explorer_takes_a_fully_convolutional_model_of_any_image_size():
    images = np.full((2, 8, 8, 1), 0.5, dtype=np.float32)
    explorer = widgets.denoise_explorer(_identity_model((None, None, 1)), images)
    assert explorer.denoised.shape == (8, 8)
    with pytest.raises(ValueError, match="model"):
        widgets.denoise_explorer(_identity_model((None, None, 3)), images)  # one grey channel, not three


def test_denoise_explorer_bad_arguments():
    with pytest.raises(ValueError, match="model"):
        widgets.denoise_explorer(_identity_model((4, 4, 1)), np.zeros((2, 8, 8, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="images"):
        widgets.denoise_explorer(_identity_model(), np.zeros((0, 8, 8, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="max_sigma"):
        widgets.denoise_explorer(_identity_model(), np.zeros((2, 8, 8, 1), dtype=np.float32), max_sigma=0)
