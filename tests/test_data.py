import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

_configured = os.environ.get(data.DATA_DIR_ENV_VAR)
REAL_DATA_DIR = Path(_configured) if _configured else None


def test_mnist_subset_has_the_lecture_counts(mnist_156):
    (x_train, y_train), (x_test, y_test) = mnist_156
    assert x_train.shape == (18081, 28, 28) and x_test.shape == (2985, 28, 28)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert set(np.unique(y_train)) == {1, 5, 6} and set(np.unique(y_test)) == {1, 5, 6}
    assert len(y_train) == len(x_train) and len(y_test) == len(x_test)


def test_full_mnist_and_digit_order_do_not_matter(mnist_156):
    (x_all, y_all), (x_test_all, _) = data.load_mnist()
    assert x_all.shape == (60000, 28, 28) and x_test_all.shape == (10000, 28, 28)
    (x_shuffled_digits, _), _ = data.load_mnist(digits=[6, 1, 5, 5])
    np.testing.assert_array_equal(x_shuffled_digits, mnist_156[0][0])


def test_fashion_mnist_contract(fashion_mnist):
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.float32 and x_train.min() >= 0.0 and x_train.max() <= 1.0
    assert sorted(np.unique(y_test)) == list(range(10))
    assert len(data.FASHION_MNIST_CLASSES) == 10 and data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    (_, y_some), _ = data.load_fashion_mnist(classes=(0, 9))
    assert set(np.unique(y_some)) == {0, 9}


def test_olivetti_matches_scikit_learn_scaling(olivetti_64):
    faces, person_ids = olivetti_64
    assert faces.shape == (400, 64, 64) and faces.dtype == np.float32
    assert faces.mean() == pytest.approx(0.5470, abs=5e-4)
    assert np.bincount(person_ids).tolist() == [10] * 40


def test_olivetti_resized_keeps_order_and_range(olivetti_64):
    faces32, ids32 = data.load_olivetti(size=32)
    assert faces32.shape == (400, 32, 32) and faces32.dtype == np.float32
    assert faces32.min() >= 0.0 and faces32.max() <= 1.0
    np.testing.assert_array_equal(ids32, olivetti_64[1])
    # A bicubic 2x reduction keeps each face close to the mean of its 2x2 blocks.
    pooled = olivetti_64[0].reshape(400, 32, 2, 32, 2).mean(axis=(2, 4))
    assert np.mean(np.abs(pooled - faces32)) < 0.03


def test_second_load_does_not_read_files_again(mnist_156, monkeypatch):
    def refuse(path):
        raise AssertionError(f"{path} was read a second time")

    monkeypatch.setattr(data, "_read_mnist_npz", refuse)
    (x_train, _), _ = data.load_mnist(digits=(1, 5, 6))
    assert x_train.shape == (18081, 28, 28)
    x_train[:] = 0  # callers get their own arrays: spoiling one must not spoil the next load
    (again, _), _ = data.load_mnist(digits=(1, 5, 6))
    assert again.max() == 1.0


@pytest.mark.parametrize(
    "loader",
    [data.load_mnist, data.load_fashion_mnist, data.load_olivetti],
    ids=["mnist", "fashion", "olivetti"],
)
def test_no_source_gives_guidance(isolated_sources, loader):
    with pytest.raises(data.DatasetUnavailableError) as caught:
        loader()
    message = str(caught.value)
    assert str(isolated_sources) in message  # where it looked
    assert "download (URLError" in message  # what the download said, without a traceback
    assert "COURSE_DATA_DIR" in message and "connect" in message  # how to fix it
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_offline_switch_skips_download(isolated_sources, monkeypatch):
    monkeypatch.setenv(data.OFFLINE_ENV_VAR, "1")
    monkeypatch.setattr(data, "_download_mnist", lambda: pytest.fail("download attempted while offline"))
    with pytest.raises(data.DatasetUnavailableError, match="skipped because COURSE_OFFLINE"):
        data.load_mnist()


def _real_file(relative: str) -> Path:
    """A file from the real course data folder (captured before any test changed the environment)."""
    if REAL_DATA_DIR is None or not (REAL_DATA_DIR / relative).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{relative} must exist in COURSE_DATA_DIR under CI")
        pytest.skip("needs COURSE_DATA_DIR to copy a real file from")
    return REAL_DATA_DIR / relative


def test_framework_cache_is_used_after_data_dir(isolated_sources, tmp_path):
    keras_cache = tmp_path / "keras_home" / "datasets"
    keras_cache.mkdir(parents=True)
    shutil.copy(_real_file("mnist.npz"), keras_cache / "mnist.npz")
    (x_train, _), _ = data.load_mnist(digits=(1, 5, 6))
    assert x_train.shape == (18081, 28, 28)


def test_olivetti_mat_file_gives_the_same_faces(isolated_sources, olivetti_64):
    shutil.copy(_real_file("olivettifaces.mat"), isolated_sources / "olivettifaces.mat")
    faces, ids = data.load_olivetti(size=64)
    np.testing.assert_array_equal(faces, olivetti_64[0])
    np.testing.assert_array_equal(ids, olivetti_64[1])


def _truncate(source: Path, target: Path, keep: float = 0.5) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    content = source.read_bytes()
    target.write_bytes(content[: int(len(content) * keep)])


def test_truncated_mnist_names_the_file(isolated_sources):
    broken = isolated_sources / "mnist.npz"
    _truncate(_real_file("mnist.npz"), broken)
    with pytest.raises(data.DatasetCorruptError, match="mnist.npz is not a usable data file"):
        data.load_mnist()


def test_truncated_fashion_file_names_the_file(isolated_sources):
    folder = isolated_sources / "fashion-mnist"
    folder.mkdir()
    for name in data._FASHION_FILES.values():
        shutil.copy(_real_file(f"fashion-mnist/{name}"), folder / name)
    _truncate(_real_file("fashion-mnist/t10k-images-idx3-ubyte.gz"), folder / "t10k-images-idx3-ubyte.gz", keep=0.9)
    with pytest.raises(data.DatasetCorruptError, match="t10k-images-idx3-ubyte.gz"):
        data.load_fashion_mnist()


def test_fashion_file_with_wrong_count_is_reported(isolated_sources):
    folder = isolated_sources / "fashion-mnist"
    folder.mkdir()
    for name in data._FASHION_FILES.values():
        shutil.copy(_real_file(f"fashion-mnist/{name}"), folder / name)
    header = (0x0801).to_bytes(4, "big") + (5).to_bytes(4, "big")
    with gzip.open(folder / "train-labels-idx1-ubyte.gz", "wb") as stream:
        stream.write(header + bytes([1, 2, 3, 4, 5]))
    with pytest.raises(data.DatasetCorruptError, match=r"y_train has shape \(5,\)"):
        data.load_fashion_mnist()


def test_mnist_with_bad_labels_is_reported(isolated_sources):
    arrays = {
        "x_train": np.zeros((60000, 28, 28), np.uint8),
        "y_train": np.full(60000, 12, np.uint8),
        "x_test": np.zeros((10000, 28, 28), np.uint8),
        "y_test": np.zeros(10000, np.uint8),
    }
    np.savez(isolated_sources / "mnist.npz", **arrays)
    with pytest.raises(data.DatasetCorruptError, match="label 12"):
        data.load_mnist()


def test_damaged_olivetti_pickle_is_reported(isolated_sources):
    folder = isolated_sources / "scikit_learn_data"
    _truncate(_real_file("scikit_learn_data/olivetti_py3.pkz"), folder / "olivetti_py3.pkz")
    with pytest.raises(data.DatasetCorruptError, match="olivetti_py3.pkz"):
        data.load_olivetti()


@pytest.mark.parametrize("digits", [(11,), (-1,), (1.5,), ("1",), "156", (), 3, (True,)])
def test_bad_digits_are_rejected(digits):
    with pytest.raises(ValueError, match="digits"):
        data.load_mnist(digits=digits)


@pytest.mark.parametrize("classes", [(10,), (), "08", (0.5,)])
def test_bad_fashion_classes_are_reported_as_classes(classes):
    with pytest.raises(ValueError, match=r"^classes must") as raised:
        data.load_fashion_mnist(classes=classes)
    assert "digit" not in str(raised.value)


@pytest.mark.parametrize("size", [0, -4, 65, 2.0, "32", None, True])
def test_bad_olivetti_size_is_rejected(size):
    with pytest.raises(ValueError, match="size"):
        data.load_olivetti(size=size)


def test_resize_images_validates_and_resizes():
    images = np.random.default_rng(0).random((3, 8, 8), dtype=np.float32)
    assert data.resize_images(images, 4).shape == (3, 4, 4)
    with pytest.raises(ValueError, match="images"):
        data.resize_images(images[0], 4)
    with pytest.raises(ValueError, match="size"):
        data.resize_images(images, 0)


def test_split_by_person_keeps_people_apart(olivetti_64):
    _, person_ids = olivetti_64
    train, test = data.split_by_person(person_ids, n_test_people=5, seed=0)
    assert len(train) == 350 and len(test) == 50
    assert not set(person_ids[train]) & set(person_ids[test])
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(400))
    again, _ = data.split_by_person(person_ids, n_test_people=5, seed=0)
    np.testing.assert_array_equal(train, again)
    other, _ = data.split_by_person(person_ids, n_test_people=5, seed=1)
    assert not np.array_equal(train, other)


@pytest.mark.parametrize(("kwargs", "argument"), [({"n_test_people": 0}, "n_test_people"), ({"n_test_people": 3}, "n_test_people"),
                                                  ({"seed": -1}, "seed")])
def test_split_by_person_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        data.split_by_person(np.repeat([0, 1, 2], 4), **{"n_test_people": 1, **kwargs})
