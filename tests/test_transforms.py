import numpy as np
import pytest

from course_utils import transforms

RNG = np.random.default_rng(0)
BATCH = RNG.random((4, 6, 6), dtype=np.float32)


def test_permutation_is_fixed_and_exactly_invertible():
    permuted = transforms.permute_pixels(BATCH, seed=3)
    assert permuted.shape == BATCH.shape and permuted.dtype == BATCH.dtype
    assert not np.array_equal(permuted, BATCH)
    order = transforms.pixel_permutation(6, 6, seed=3)
    assert np.array_equal(permuted.reshape(4, 36), BATCH.reshape(4, 36)[:, order])  # one order for every image
    assert np.array_equal(transforms.permute_pixels(BATCH[:1], seed=3), permuted[:1])  # same seed, same order
    assert np.array_equal(transforms.permute_pixels(permuted, seed=3, inverse=True), BATCH)
    assert not np.array_equal(transforms.permute_pixels(BATCH, seed=4), permuted)


def test_permutation_moves_channels_together():
    images = np.arange(2 * 3 * 3 * 2, dtype=np.uint8).reshape(2, 3, 3, 2)
    permuted = transforms.permute_pixels(images, seed=1)
    assert permuted.dtype == np.uint8
    assert np.array_equal(permuted[..., 1] - permuted[..., 0], np.ones((2, 3, 3), dtype=np.uint8))
    assert np.array_equal(transforms.permute_pixels(permuted, seed=1, inverse=True), images)


def test_flip_known_case_and_inverse():
    image = np.array([[[1, 2, 3], [4, 5, 6]]])
    assert transforms.flip(image).tolist() == [[[3, 2, 1], [6, 5, 4]]]
    assert transforms.flip(image, axis=0).tolist() == [[[4, 5, 6], [1, 2, 3]]]
    assert np.array_equal(transforms.flip(transforms.flip(BATCH)), BATCH)
    images = BATCH[..., None].copy()
    flipped = transforms.flip(images, axis=1)
    flipped[:] = 0  # a new array: writing to it leaves the input alone
    assert flipped.shape == (4, 6, 6, 1) and np.array_equal(images[..., 0], BATCH)


@pytest.mark.parametrize("quarter_turns", [1, 2, 3, -1, 4])
def test_rotation_by_right_angles_is_rot90_exactly(quarter_turns):
    assert np.array_equal(transforms.rotate(BATCH, 90 * quarter_turns), np.rot90(BATCH, quarter_turns, axes=(1, 2)))


def test_rotation_direction_and_non_square_half_turn():
    image = np.zeros((1, 5, 5), dtype=np.float32)
    image[0, 2, 4] = 1.0  # right of the centre
    turned = transforms.rotate(image, 90)
    assert turned[0, 0, 2] == 1.0 and turned.sum() == 1.0  # counter-clockwise: right goes to the top
    wide = RNG.random((2, 4, 7))
    assert np.allclose(transforms.rotate(wide, 180), wide[:, ::-1, ::-1])


def test_rotation_extends_the_canvas_with_black_and_keeps_dtype():
    ones = np.ones((2, 28, 28, 1), dtype=np.float32)
    turned = transforms.rotate(ones, 45)
    assert turned.shape == ones.shape and turned.dtype == np.float32
    assert np.all(turned[:, [0, 0, -1, -1], [0, -1, 0, -1]] == 0)  # corners came from outside the image
    assert np.allclose(turned[:, 8:20, 8:20], 1.0)
    ints = transforms.rotate((ones * 200).astype(np.uint8), 30)
    assert ints.dtype == np.uint8 and ints.max() == 200 and ints.min() == 0
    assert np.array_equal(transforms.rotate(BATCH, 0), BATCH)


def test_rotation_there_and_back_restores_the_middle():
    rows, cols = np.mgrid[0:28, 0:28]
    blob = np.exp(-((rows - 12) ** 2 + (cols - 15) ** 2) / 18.0)[None].astype(np.float32)
    back = transforms.rotate(transforms.rotate(blob, 25), -25)
    assert np.abs(back - blob).max() < 0.05


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: transforms.permute_pixels(np.zeros((28, 28)), 0), "images must be a non-empty batch"),
        (lambda: transforms.permute_pixels(BATCH, -1), "seed"),
        (lambda: transforms.permute_pixels(BATCH, 1.5), "seed"),
        (lambda: transforms.permute_pixels(BATCH, 1, inverse="yes"), "inverse"),
        (lambda: transforms.flip(BATCH, axis=2), "axis must be 0"),
        (lambda: transforms.flip(BATCH.astype(bool)), "dtype"),
        (lambda: transforms.rotate(BATCH, float("nan")), "degrees"),
        (lambda: transforms.rotate(BATCH, "90"), "degrees"),
        (lambda: transforms.rotate(np.zeros((3, 784)), 10), "images must be a non-empty batch"),
    ],
)
def test_bad_arguments_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
