"""course_utils._validate: the argument checks every helper shares."""

import numpy as np
import pytest

from course_utils._validate import check_int, check_number, is_int, is_number


@pytest.mark.parametrize("value", [0, 7, -3, np.int64(5), np.uint8(2)])
def test_integers_are_integers(value):
    assert is_int(value) and check_int("n", value) == int(value) and type(check_int("n", value)) is int


@pytest.mark.parametrize("value", [True, 2.0, "3", None, np.float32(1)])
def test_other_values_are_not_integers(value):
    assert not is_int(value)
    with pytest.raises(ValueError, match=r"^n must be an integer, got"):
        check_int("n", value)


@pytest.mark.parametrize(
    ("minimum", "maximum", "value", "message"),
    [
        (1, None, 0, "n must be a positive integer, got 0."),
        (0, None, -1, "n must be a non-negative integer, got -1."),
        (3, None, 2, "n must be an integer >= 3, got 2."),
        (None, 9, 10, "n must be an integer <= 9, got 10."),
        (1, 64, 65, "n must be an integer from 1 to 64 (why), got 65."),
    ],
)
def test_range_errors_say_what_is_allowed(minimum, maximum, value, message):
    with pytest.raises(ValueError) as raised:
        check_int("n", value, minimum, maximum, why=" (why)" if maximum == 64 else "")
    assert str(raised.value) == message
    assert check_int("n", maximum if maximum is not None else minimum, minimum, maximum) in (minimum, maximum)


def test_numbers_are_finite_reals_but_not_bools():
    assert all(is_number(v) for v in (0, -2.5, np.float32(0.1), np.int16(3)))
    assert not any(is_number(v) for v in (True, float("nan"), float("inf"), "1", None, 1j))


@pytest.mark.parametrize(
    ("bounds", "value", "message"),
    [
        ({"low": 0.0}, -0.5, "x must be a number >= 0.0, got -0.5."),
        ({"low": 0.0, "low_open": True}, 0.0, "x must be a number > 0.0, got 0.0."),
        ({"high": 1.0, "high_open": True}, 1.0, "x must be a number < 1.0, got 1.0."),
        ({"low": 0.0, "high": 1.0, "low_open": True}, 1.5, "x must be a number in (0.0, 1.0], got 1.5."),
        ({"low": 0.0, "high": 1.0, "low_open": True, "high_open": True}, 1.0, "x must be a number in (0.0, 1.0), got 1.0."),
        ({}, True, "x must be a number, got True."),
        ({}, float("nan"), "x must be a number, got nan."),
    ],
)
def test_number_errors_say_what_is_allowed(bounds, value, message):
    with pytest.raises(ValueError) as raised:
        check_number("x", value, **bounds)
    assert str(raised.value) == message


def test_numbers_inside_their_bounds_come_back_as_floats():
    assert check_number("x", np.int16(1), 0.0, 1.0) == 1.0 and isinstance(check_number("x", 1, 0.0), float)
    assert check_number("x", 0.5, 0.0, 1.0, low_open=True, high_open=True) == 0.5


def test_check_images_names_the_argument_and_what_is_allowed():
    from course_utils._validate import check_images

    images = np.zeros((2, 4, 4), dtype=np.float32)
    assert check_images(images) is not None and check_images(images[..., None]).shape == (2, 4, 4, 1)
    with pytest.raises(ValueError, match=r"faces must be a non-empty batch of images \(3-D or 4-D.*got shape \(4, 4\)"):
        check_images(images[0], name="faces")
    with pytest.raises(ValueError, match="non-empty"):
        check_images(np.zeros((0, 4, 4)))
    with pytest.raises(ValueError, match="integers or floats, got dtype bool"):
        check_images(images > 0)
    with pytest.raises(ValueError, match="floating-point pixel values, got dtype uint8"):
        check_images(images.astype(np.uint8), floating=True)
