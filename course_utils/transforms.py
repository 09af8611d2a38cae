"""Fixed image transformations for exercise ex1 (transformations): shuffle the pixels, rotate, mirror.

Every function takes a batch of images shaped ``(n, height, width)`` or ``(n, height, width, channels)``
and returns a new array of the same shape and dtype, transforming all images at once (no Python loop
over the batch). The same arguments always give the same transformation, so a training set and a
test set transformed separately still match.
"""

from __future__ import annotations

import math

import numpy as np

from course_utils._validate import check_images, check_int, is_number


def pixel_permutation(height: int, width: int, seed: int) -> np.ndarray:
    """Return the fixed order of the ``height * width`` pixel positions that ``seed`` stands for.

    Entry ``k`` is the (row-major) position whose pixel moves to position ``k``.
    """
    height, width = check_int("height", height, 1), check_int("width", width, 1)
    seed = check_int("seed", seed, 0)
    return np.random.default_rng(seed).permutation(height * width)


def permute_pixels(images: np.ndarray, seed: int, inverse: bool = False) -> np.ndarray:
    """Return ``images`` with their pixel positions shuffled by one fixed permutation chosen by ``seed``.

    Every image (and every call with the same ``seed`` and image size) gets the same permutation; the
    channels of a pixel move together. ``inverse=True`` applies the inverse permutation, so
    ``permute_pixels(permute_pixels(x, s), s, inverse=True)`` returns ``x`` exactly.
    """
    array = check_images(images)
    if not isinstance(inverse, bool):
        raise ValueError(f"inverse must be True or False, got {inverse!r}.")
    n, height, width = array.shape[:3]
    order = pixel_permutation(height, width, seed)
    if inverse:
        order = np.argsort(order)
    flat = array.reshape(n, height * width, *array.shape[3:])
    return flat[:, order].reshape(array.shape)


def flip(images: np.ndarray, axis: int = 1) -> np.ndarray:
    """Return ``images`` mirrored about their middle: ``axis=1`` swaps left and right, ``axis=0`` top and bottom."""
    array = check_images(images)
    if isinstance(axis, bool) or axis not in (0, 1):
        raise ValueError(f"axis must be 0 (mirror top/bottom) or 1 (mirror left/right), got {axis!r}.")
    return np.flip(array, axis=1 + int(axis)).copy()


_CHUNK = 4096  # images interpolated at once: bounds the temporary memory on large data sets


def _bilinear(canvas: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample every image of ``canvas`` (n, H, W, c) at the float positions ``rows``/``cols``; outside is 0."""
    height, width = canvas.shape[1:3]
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    dr, dc = (rows - r0)[None, :, :, None], (cols - c0)[None, :, :, None]
    result = np.zeros((len(canvas), *rows.shape, canvas.shape[3]), dtype=canvas.dtype)
    for r_off, c_off, weight in ((0, 0, (1 - dr) * (1 - dc)), (0, 1, (1 - dr) * dc), (1, 0, dr * (1 - dc)), (1, 1, dr * dc)):
        r, c = r0 + r_off, c0 + c_off
        inside = ((r >= 0) & (r < height) & (c >= 0) & (c < width))[None, :, :, None]
        values = canvas[:, np.clip(r, 0, height - 1), np.clip(c, 0, width - 1)]
        result += np.where(inside, values, 0) * weight.astype(canvas.dtype)
    return result


def rotate(images: np.ndarray, degrees: float) -> np.ndarray:
    """Return ``images`` rotated counter-clockwise by ``degrees`` about their centre, at their original size.

    As exercise ex1 describes, each image is first extended with a black border wide enough to hold
    any rotation, rotated there (bilinear interpolation), then cropped back to its original size; only
    the pixels that survive the crop are computed. Multiples of 90 degrees on square images give
    exactly ``np.rot90``.
    """
    array = check_images(images)
    if not is_number(degrees):
        raise ValueError(f"degrees must be a finite number, got {degrees!r}.")
    height, width = array.shape[1:3]
    work = array[..., None] if array.ndim == 3 else array
    float_type = np.float32 if array.dtype in (np.float16, np.float32) or array.dtype.itemsize == 1 else np.float64

    # 1. extend: a black border wide enough that no rotated pixel falls off the canvas
    margin = math.ceil((math.hypot(height, width) - min(height, width)) / 2) + 1
    centre_r, centre_c = margin + (height - 1) / 2, margin + (width - 1) / 2

    # 2. rotate: each kept output pixel looks up where it came from (inverse mapping about the centre)
    angle = math.radians(float(degrees))
    cos, sin = round(math.cos(angle), 12), round(math.sin(angle), 12)  # exact 0/±1 for multiples of 90°
    # 3. crop: the output grid is the original image's area in the middle of the canvas
    out_r, out_c = np.meshgrid(np.arange(height) - (height - 1) / 2, np.arange(width) - (width - 1) / 2, indexing="ij")
    # Rows grow downwards, so undoing a counter-clockwise turn on screen reads from these positions:
    src_r = centre_r + cos * out_r + sin * out_c
    src_c = centre_c - sin * out_r + cos * out_c

    result = np.empty(array.shape, dtype=array.dtype)
    out = result[..., None] if array.ndim == 3 else result
    for start in range(0, len(work), _CHUNK):
        chunk = work[start : start + _CHUNK].astype(float_type)
        canvas = np.pad(chunk, ((0, 0), (margin, margin), (margin, margin), (0, 0)))
        rotated = _bilinear(canvas, src_r, src_c)
        if np.issubdtype(array.dtype, np.integer):
            info = np.iinfo(array.dtype)
            rotated = np.clip(np.rint(rotated), info.min, info.max)
        out[start : start + _CHUNK] = rotated
    return result
