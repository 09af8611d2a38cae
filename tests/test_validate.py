"""course_utils._validate: the argument checks every helper shares."""

import numpy as np
import pytest

from course_utils._validate import check_int, is_int, is_number


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
