"""Argument checks shared by the helpers: each raises a ValueError that names the argument and what is allowed."""

from __future__ import annotations

import math

import numpy as np


def is_int(value: object) -> bool:
    """Return True for a Python or NumPy integer that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """Return True for a finite Python or NumPy real number that is not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and math.isfinite(value)


def _integers_allowed(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer from {minimum} to {maximum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")


def _numbers_allowed(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(high):
        return f"a number {'>' if low_open else '>='} {low}" if not math.isinf(low) else "a finite number"
    if math.isinf(low):
        return f"a number {'<' if high_open else '<='} {high}"
    return f"a number in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def check_number(
    name: str, value: object, low: float = -math.inf, high: float = math.inf, low_open: bool = False, high_open: bool = False
) -> float:
    """Return ``value`` as a ``float`` if it is a finite number (not a bool) between ``low`` and ``high``; else raise
    ValueError. ``low_open``/``high_open`` exclude the bound itself."""
    if not is_number(value):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    if value < low or value > high or (low_open and value == low) or (high_open and value == high):
        raise ValueError(f"{name} must be {_numbers_allowed(low, high, low_open, high_open)}, got {value!r}.")
    return float(value)


def check_int(name: str, value: object, minimum: int | None = None, maximum: int | None = None, why: str = "") -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a bool) from ``minimum`` to ``maximum``; else raise ValueError.

    ``why`` is added to the message after what is allowed, e.g. ``" (the faces are 64x64)"``.
    """
    if not is_int(value) or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {_integers_allowed(minimum, maximum)}{why}, got {value!r}.")
    return int(value)


def check_images(images: object, name: str = "images", ndims: tuple[int, ...] = (3, 4), floating: bool = False) -> np.ndarray:
    """Return ``images`` as an array if it is a non-empty batch of numeric images with one of ``ndims`` dimensions
    ((n, height, width) or (n, height, width, channels) by default); ``floating`` demands float pixels."""
    array = np.asarray(images)
    if array.ndim not in ndims or array.size == 0:
        shapes = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be a non-empty batch of images ({shapes}: (n, height, width[, channels])), got shape {array.shape}.")
    numeric = np.issubdtype(array.dtype, np.floating) or (np.issubdtype(array.dtype, np.integer) and not floating)
    if not numeric or array.dtype == bool:
        kind = "floating-point pixel values" if floating else "integers or floats"
        raise ValueError(f"{name} must hold {kind}, got dtype {array.dtype}.")
    return array
