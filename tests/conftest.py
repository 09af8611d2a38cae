"""Shared fixtures: the data sets (never skipped when COURSE_DATA_DIR is set or under CI), a private
weight cache, and switches for quick mode."""

from __future__ import annotations

import os

import pytest

from course_utils import data


def _data_must_exist() -> bool:
    return bool(os.environ.get(data.DATA_DIR_ENV_VAR)) or os.environ.get("CI", "").lower() == "true"


def _load_or_skip(loader):
    try:
        return loader()
    except data.DatasetUnavailableError as error:
        if _data_must_exist():
            raise  # with COURSE_DATA_DIR set (as in CI) a missing data set is a failure, not a skip
        pytest.skip(f"data set not available and COURSE_DATA_DIR is unset: {error}")


@pytest.fixture(scope="session")
def mnist_156():
    """MNIST digits 1, 5 and 6 as returned by load_mnist((1, 5, 6))."""
    return _load_or_skip(lambda: data.load_mnist(digits=(1, 5, 6)))


@pytest.fixture(scope="session")
def fashion_mnist():
    return _load_or_skip(data.load_fashion_mnist)


@pytest.fixture(scope="session")
def olivetti_64():
    return _load_or_skip(lambda: data.load_olivetti(size=64))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A private, empty weight cache for one test."""
    folder = tmp_path / "weights"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def quick_mode(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")


@pytest.fixture
def full_mode(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "0")


@pytest.fixture
def isolated_sources(tmp_path, monkeypatch):
    """Point every data source at empty temporary folders and make downloads fail."""
    empty = tmp_path / "empty_data_dir"
    empty.mkdir()
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(empty))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn_home"))
    monkeypatch.delenv(data.OFFLINE_ENV_VAR, raising=False)

    def fail_download():
        import urllib.error

        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    for name in ("_download_mnist", "_download_fashion_mnist", "_download_olivetti"):
        monkeypatch.setattr(data, name, fail_download)
    data.clear_cache()
    yield empty
    data.clear_cache()
