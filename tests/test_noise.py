import keras
import numpy as np
import pytest

import course_utils
from course_utils import noise

IMAGES = np.random.default_rng(0).uniform(size=(50, 16, 16, 1)).astype("float32")


def test_gaussian_noise_is_seeded_clipped_and_has_the_asked_sigma():
    mid_grey = np.full((200, 16, 16), 0.5, dtype="float32")
    noisy = noise.add_gaussian_noise(mid_grey, 0.1, seed=3)
    assert noisy.shape == mid_grey.shape and noisy.dtype == np.float32
    assert np.array_equal(noisy, noise.add_gaussian_noise(mid_grey, 0.1, seed=3))
    assert not np.array_equal(noisy, noise.add_gaussian_noise(mid_grey, 0.1, seed=4))
    assert (noisy - 0.5).std() == pytest.approx(0.1, rel=0.02)  # 0.5 +- 5 sigma is never clipped
    loud = noise.add_gaussian_noise(IMAGES, 2.0, seed=0)
    assert loud.min() == 0.0 and loud.max() == 1.0
    assert np.array_equal(noise.add_gaussian_noise(IMAGES, 0.0), IMAGES)


def test_heteroscedastic_noise_follows_the_sigma_map():
    mid_grey = np.full((400, 8, 10), 0.5, dtype="float32")
    sigma_map = noise.sigma_ramp(8, 10, low=0.0, high=0.1)
    assert sigma_map.shape == (8, 10) and sigma_map[0, 0] == 0.0 and sigma_map[-1, -1] == pytest.approx(0.1)
    noisy = noise.add_heteroscedastic_noise(mid_grey, sigma_map, seed=0)
    spread = (noisy - 0.5).std(axis=0)
    np.testing.assert_allclose(spread, sigma_map, atol=0.012)
    assert np.all(noisy[:, :, 0] == 0.5)  # sigma 0 on the left edge: untouched
    with_channel = noise.add_heteroscedastic_noise(mid_grey[..., None], sigma_map, seed=0)
    np.testing.assert_array_equal(with_channel[..., 0], noisy)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: noise.add_gaussian_noise(IMAGES, -0.1), "sigma"),
        (lambda: noise.add_gaussian_noise(IMAGES, float("nan")), "sigma"),
        (lambda: noise.add_gaussian_noise(IMAGES[0, ..., 0], 0.1), "images"),
        (lambda: noise.add_gaussian_noise((IMAGES * 255).astype("uint8"), 0.1), "images"),
        (lambda: noise.add_gaussian_noise(IMAGES, 0.1, seed=-1), "seed"),
        (lambda: noise.add_heteroscedastic_noise(IMAGES, np.full((8, 8), 0.1)), "sigma_map"),
        (lambda: noise.add_heteroscedastic_noise(IMAGES, np.full((16, 16), -0.1)), "sigma_map"),
        (lambda: noise.sigma_ramp(0, 4, 0.1, 0.2), "height"),
        (lambda: noise.sigma_ramp(4, 4, -0.1, 0.2), "sigma"),
        (lambda: noise.ClippedGaussianNoise(-1.0), "sigma"),
        (lambda: noise.ClippedGaussianNoise(np.ones((2, 2, 2))), "sigma"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_psnr_of_known_errors():
    reference = np.zeros((2, 4, 4))
    images = np.stack([np.full((4, 4), 0.1), np.full((4, 4), 1.0)])
    np.testing.assert_allclose(noise.psnr(reference, images), [20.0, 0.0])
    with pytest.raises(ValueError, match="same shape"):
        noise.psnr(reference, images[:1])


def test_noise_layer_adds_fresh_clipped_noise_only_while_training():
    course_utils.seed_everything(0)
    layer = noise.ClippedGaussianNoise(0.3, seed=1)
    first = keras.ops.convert_to_numpy(layer(IMAGES, training=True))
    second = keras.ops.convert_to_numpy(layer(IMAGES, training=True))
    assert first.min() >= 0.0 and first.max() <= 1.0
    assert not np.array_equal(first, second)  # a new draw every call
    assert np.array_equal(keras.ops.convert_to_numpy(layer(IMAGES, training=False)), IMAGES)


def test_noise_layer_with_a_sigma_map_and_its_config():
    sigma_map = noise.sigma_ramp(16, 16, 0.0, 0.2)
    layer = noise.ClippedGaussianNoise(sigma_map, seed=1)
    grey = np.full((300, 16, 16, 1), 0.5, dtype="float32")
    spread = keras.ops.convert_to_numpy(layer(grey, training=True))[..., 0].std(axis=0)
    np.testing.assert_allclose(spread, sigma_map, atol=0.03)
    clone = noise.ClippedGaussianNoise.from_config(layer.get_config())
    np.testing.assert_allclose(clone.sigma, sigma_map)


