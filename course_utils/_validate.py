"""Argument checks shared by the helpers: each raises a ValueError that names the argument and what is allowed."""

from __future__ import annotations

import numpy as np


def check_int(name: str, value: object, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a bool) of at least ``minimum``; else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or (minimum is not None and value < minimum):
        allowed = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
        raise ValueError(f"{name} must be {allowed}, got {value!r}.")
    return int(value)
