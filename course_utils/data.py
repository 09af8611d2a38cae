"""Data loaders for MNIST, Fashion-MNIST and the Olivetti faces.

Every loader looks for its files in this order and uses the first place that has them:

1. the folder named by the environment variable ``COURSE_DATA_DIR`` (layout: ``mnist.npz``,
   ``fashion-mnist/*-ubyte.gz``, ``scikit_learn_data/olivetti_py3.pkz`` or ``olivettifaces.mat``);
2. the frameworks' own caches (``~/.keras/datasets`` or ``$KERAS_HOME/datasets``; scikit-learn's
   ``~/scikit_learn_data`` or ``$SCIKIT_LEARN_DATA``);
3. a download through Keras or scikit-learn (skipped when ``COURSE_OFFLINE=1``).

If all of them fail, :class:`DatasetUnavailableError` says where it looked and how to fix it. Files
are checked (shapes, dtypes, labels, image counts) and read once per process.
"""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from course_utils import _backend  # noqa: F401  (TensorFlow imported quietly first)
from course_utils._validate import check_int, is_int

DATA_DIR_ENV_VAR = "COURSE_DATA_DIR"
OFFLINE_ENV_VAR = "COURSE_OFFLINE"

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_MNIST_SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
_FASHION_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
_OLIVETTI_COUNT, _OLIVETTI_SIDE, _OLIVETTI_PEOPLE = 400, 64, 40
_OLIVETTI_SHUFFLE_SEED = 1000  # the source lecture shuffles with random_state=1000

RawSplits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_raw_cache: dict[tuple[str, str], object] = {}


class DatasetError(Exception):
    """Base class of the data-loading errors of this course."""


class DatasetUnavailableError(DatasetError):
    """No source (data folder, framework cache, download) could provide a data set."""


class DatasetCorruptError(DatasetError, ValueError):
    """A data file exists but is truncated, malformed or holds unexpected arrays."""


def clear_cache() -> None:
    """Forget the data sets read so far, so the next load reads the files again."""
    _raw_cache.clear()


# --------------------------------------------------------------------------- where files may be


def _course_data_dir() -> Path | None:
    value = os.environ.get(DATA_DIR_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def _keras_cache_dir() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser() / "datasets"


def _sklearn_cache_dir() -> Path:
    return Path(os.environ.get("SCIKIT_LEARN_DATA", Path.home() / "scikit_learn_data")).expanduser()


def _downloads_allowed() -> bool:
    return os.environ.get(OFFLINE_ENV_VAR, "").strip().lower() not in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------- the search itself


def _first_available(
    name: str,
    candidates: list[tuple[Path, Callable[[Path], object]]],
    download: Callable[[], object],
) -> object:
    """Read the first candidate file that exists, else download; cache the result per source."""
    data_dir = _course_data_dir()
    looked: list[str] = []
    if data_dir is not None and not data_dir.is_dir():
        looked.append(f"{DATA_DIR_ENV_VAR}={data_dir} (not a folder)")
    for path, reader in candidates:
        if path.is_file():
            key = (name, str(path.resolve()))
            if key not in _raw_cache:
                _raw_cache[key] = reader(path)
            return _raw_cache[key]
        looked.append(str(path))
    if not _downloads_allowed():
        looked.append(f"download (skipped because {OFFLINE_ENV_VAR} is set)")
    else:
        key = (name, "download")
        if key in _raw_cache:
            return _raw_cache[key]
        try:
            _raw_cache[key] = download()
            return _raw_cache[key]
        except DatasetError:
            raise
        except Exception as error:  # any network, SSL or HTTP failure becomes one clear message
            looked.append(f"download ({type(error).__name__}: {error})")
    places = "\n  - ".join(looked)
    raise DatasetUnavailableError(
        f"Could not find the {name} data set. Looked in:\n  - {places}\n"
        f"Fix: connect to the internet so Keras/scikit-learn can download it, or set {DATA_DIR_ENV_VAR} "
        "to a folder holding the course data (mnist.npz, fashion-mnist/, scikit_learn_data/ or "
        "olivettifaces.mat), for example `export COURSE_DATA_DIR=../shared/datasets`."
    ) from None


def _corrupt(path: Path, what: str) -> DatasetCorruptError:
    return DatasetCorruptError(f"{path} is not a usable data file: {what}. Delete or replace it and load again.")


# --------------------------------------------------------------------------- checks


def _check_splits(source: str | Path, arrays: dict[str, np.ndarray], shapes: dict[str, tuple[int, ...]]) -> RawSplits:
    for key, shape in shapes.items():
        array = arrays[key]
        if array.shape != shape:
            raise _corrupt(Path(source), f"{key} has shape {array.shape}, expected {shape}")
        if array.dtype != np.uint8:
            raise _corrupt(Path(source), f"{key} has dtype {array.dtype}, expected uint8")
        if key.startswith("y") and array.size and array.max() > 9:
            raise _corrupt(Path(source), f"{key} holds label {int(array.max())}, expected labels 0-9")
    return arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"]


# --------------------------------------------------------------------------- MNIST


def _read_mnist_npz(path: Path) -> RawSplits:
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = set(_MNIST_SHAPES) - set(archive.files)
            if missing:
                raise _corrupt(path, f"arrays {sorted(missing)} are missing")
            arrays = {key: archive[key] for key in _MNIST_SHAPES}
    except DatasetCorruptError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise _corrupt(path, f"cannot be read as .npz ({type(error).__name__}: {error})") from None
    return _check_splits(path, arrays, _MNIST_SHAPES)


def _keras_download(dataset: str, source: str) -> RawSplits:
    """Return the splits of ``keras.datasets.<dataset>`` (downloaded by Keras), checked like a file named ``source``."""
    import keras

    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, dataset).load_data()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return _check_splits(source, arrays, _MNIST_SHAPES)


def _download_mnist() -> RawSplits:
    return _keras_download("mnist", "keras download of mnist.npz")


def _mnist_raw() -> RawSplits:
    candidates = []
    data_dir = _course_data_dir()
    if data_dir is not None:
        candidates.append((data_dir / "mnist.npz", _read_mnist_npz))
    candidates.append((_keras_cache_dir() / "mnist.npz", _read_mnist_npz))
    return _first_available("MNIST", candidates, lambda: _download_mnist())


def _check_labels(name: str, labels: Iterable[int] | None) -> tuple[int, ...] | None:
    """Return the chosen labels 0-9 (argument ``name``: ``digits`` or ``classes``) sorted and unique, or None for all."""
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        raise ValueError(f"{name} must be None or a collection of integers 0-9, got {labels!r}.")
    chosen = tuple(labels)
    if not chosen:
        raise ValueError(f"{name} must name at least one label 0-9, got an empty collection.")
    for label in chosen:
        if not is_int(label) or not 0 <= label <= 9:
            raise ValueError(f"{name} must hold integers 0-9, got {label!r} in {labels!r}.")
    return tuple(sorted({int(label) for label in chosen}))


def _to_float_images(raw: np.ndarray) -> np.ndarray:
    return raw.astype(np.float32) / np.float32(255.0)


def _select(raw: RawSplits, labels: tuple[int, ...] | None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    x_train, y_train, x_test, y_test = raw
    splits = []
    for images, targets in ((x_train, y_train), (x_test, y_test)):
        if labels is not None:
            keep = np.isin(targets, labels)
            images, targets = images[keep], targets[keep]
        splits.append((_to_float_images(images), targets.astype(np.int64)))
    return splits[0], splits[1]


def load_mnist(
    digits: Iterable[int] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Images are ``float32`` in ``[0, 1]`` with shape ``(n, 28, 28)``; labels are ``int64``.
    ``digits=(1, 5, 6)`` keeps only those digits (18,081 training and 2,985 test images).
    """
    chosen = _check_labels("digits", digits)  # before any data is read
    return _select(_mnist_raw(), chosen)


# --------------------------------------------------------------------------- Fashion-MNIST


def _read_idx_gz(path: Path, expected_ndim: int) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as stream:
            content = stream.read()
    except (OSError, EOFError, zlib.error) as error:
        raise _corrupt(path, f"cannot be decompressed ({type(error).__name__}: {error})") from None
    if len(content) < 4 + 4 * expected_ndim:
        raise _corrupt(path, f"holds only {len(content)} bytes, too few for an IDX header")
    zero, dtype_code, ndim = content[0:2], content[2], content[3]
    if zero != b"\x00\x00" or dtype_code != 0x08 or ndim != expected_ndim:
        raise _corrupt(path, f"has no IDX header for {expected_ndim}-D unsigned bytes")
    shape = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise _corrupt(path, f"header promises {int(np.prod(shape))} values of shape {shape} but holds {body.size}")
    return body.reshape(shape)


def _read_fashion_dir(folder: Path) -> RawSplits:
    arrays = {key: _read_idx_gz(folder / name, 3 if key.startswith("x") else 1) for key, name in _FASHION_FILES.items()}
    return _check_splits(folder, arrays, _MNIST_SHAPES)


def _download_fashion_mnist() -> RawSplits:
    return _keras_download("fashion_mnist", "keras download of fashion-mnist")


def _fashion_raw() -> RawSplits:
    folders = []
    data_dir = _course_data_dir()
    if data_dir is not None:
        folders.append(data_dir / "fashion-mnist")
    folders.append(_keras_cache_dir() / "fashion-mnist")
    # The first file stands for the folder; a folder with some files missing is reported by the reader.
    candidates = [(folder / _FASHION_FILES["x_train"], lambda path: _read_fashion_dir(path.parent)) for folder in folders]
    return _first_available("Fashion-MNIST", candidates, lambda: _download_fashion_mnist())


def load_fashion_mnist(
    classes: Iterable[int] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, like :func:`load_mnist`.

    ``classes`` optionally keeps only those class indices; their names are ``FASHION_MNIST_CLASSES``.
    """
    chosen = _check_labels("classes", classes)  # before any data is read
    return _select(_fashion_raw(), chosen)


# --------------------------------------------------------------------------- Olivetti faces


def _check_faces(path: Path, faces: np.ndarray) -> np.ndarray:
    if faces.shape != (_OLIVETTI_COUNT, _OLIVETTI_SIDE * _OLIVETTI_SIDE):
        raise _corrupt(path, f"holds faces of shape {faces.shape}, expected (400, 4096)")
    if not np.issubdtype(faces.dtype, np.number) or not np.all(np.isfinite(faces)):
        raise _corrupt(path, "holds non-numeric or non-finite pixels")
    if faces.max() == faces.min():
        raise _corrupt(path, "holds constant pixels")
    return faces


def _read_olivetti_pkz(path: Path) -> np.ndarray:
    import joblib

    try:
        faces = np.asarray(joblib.load(path))
    except Exception as error:  # joblib raises many types for a damaged pickle
        raise _corrupt(path, f"cannot be unpickled ({type(error).__name__}: {error})") from None
    return _check_faces(path, faces)


def _read_olivetti_mat(path: Path) -> np.ndarray:
    from scipy.io import loadmat

    try:
        content = loadmat(path)
    except Exception as error:  # scipy raises several types for a damaged .mat file
        raise _corrupt(path, f"cannot be read as a MATLAB file ({type(error).__name__}: {error})") from None
    if "faces" not in content:
        raise _corrupt(path, "has no array named 'faces'")
    return _check_faces(path, np.asarray(content["faces"]).T)


def _download_olivetti() -> np.ndarray:
    from sklearn.datasets import fetch_olivetti_faces

    fetch_olivetti_faces(data_home=str(_sklearn_cache_dir()), download_if_missing=True)
    return _read_olivetti_pkz(_sklearn_cache_dir() / "olivetti_py3.pkz")


def _olivetti_raw() -> np.ndarray:
    candidates: list[tuple[Path, Callable[[Path], object]]] = []
    data_dir = _course_data_dir()
    if data_dir is not None:
        candidates.append((data_dir / "scikit_learn_data" / "olivetti_py3.pkz", _read_olivetti_pkz))
        candidates.append((data_dir / "olivettifaces.mat", _read_olivetti_mat))
    candidates.append((_sklearn_cache_dir() / "olivetti_py3.pkz", _read_olivetti_pkz))
    return _first_available("Olivetti faces", candidates, lambda: _download_olivetti())


def resize_images(images: np.ndarray, size: int) -> np.ndarray:
    """Return ``images`` (n, h, w) resized to ``(n, size, size)`` with bicubic interpolation, clipped to [0, 1]."""
    import keras

    size = check_int("size", size, 1)
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, height, width), got shape {images.shape}.")
    if images.shape[1:] == (size, size):
        return images.copy()
    resized = keras.ops.image.resize(images[..., None], (size, size), interpolation="bicubic")
    # Bicubic interpolation overshoots at sharp edges; pixels must stay valid intensities.
    return np.clip(keras.ops.convert_to_numpy(resized)[..., 0], 0.0, 1.0).astype(np.float32)


def load_olivetti(size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(faces, person_ids)``: 400 faces ``float32`` in ``[0, 1]`` of shape ``(400, size, size)``.

    Pixels are scaled as scikit-learn does (minus the minimum, over the maximum), shuffled with
    ``random_state=1000`` as in the source lecture, and resized from 64x64 with bicubic interpolation.
    ``person_ids`` (0-39) says whose face each image is.
    """
    size = check_int("size", size, 1, _OLIVETTI_SIDE, why=" (the faces are 64x64)")
    faces = np.asarray(_olivetti_raw(), dtype=np.float32)
    faces = faces - faces.min()
    faces /= faces.max()
    # The .mat file stores each face column-major; transposing gives upright faces.
    faces = faces.reshape(_OLIVETTI_COUNT, _OLIVETTI_SIDE, _OLIVETTI_SIDE).transpose(0, 2, 1)
    person_ids = np.repeat(np.arange(_OLIVETTI_PEOPLE, dtype=np.int64), _OLIVETTI_COUNT // _OLIVETTI_PEOPLE)
    order = np.random.RandomState(_OLIVETTI_SHUFFLE_SEED).permutation(_OLIVETTI_COUNT)
    return resize_images(faces[order], size), person_ids[order]


def split_by_person(person_ids: np.ndarray, n_test_people: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(train_indices, test_indices)`` that put all faces of ``n_test_people`` randomly chosen people in the
    test set, so a model is tested on people it has never seen. Indices keep the order of ``person_ids``."""
    person_ids = np.asarray(person_ids)
    if person_ids.ndim != 1 or len(person_ids) == 0:
        raise ValueError(f"person_ids must be a non-empty 1-D array, got shape {person_ids.shape}.")
    people = np.unique(person_ids)
    n_test_people = check_int("n_test_people", n_test_people, 1, len(people) - 1, why=f" (there are {len(people)} people)")
    test_people = np.random.default_rng(check_int("seed", seed, 0)).choice(people, size=n_test_people, replace=False)
    is_test = np.isin(person_ids, test_people)
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)
