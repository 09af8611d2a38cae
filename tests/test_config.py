import numpy as np
import pytest

import course_utils
from course_utils import config


def test_full_mode_keeps_sizes(full_mode):
    assert not config.is_quick()
    assert config.epochs(25) == 25 and config.sample_size(60000) == 60000
    x, y = np.arange(5000), np.arange(5000) * 2
    xs, ys = config.sample(x, y)
    assert xs is x and ys is y


def test_quick_mode_shrinks_sizes(quick_mode):
    assert config.is_quick()
    assert config.epochs(25) == 1 and config.epochs(25, quick=3) == 3 and config.epochs(2, quick=5) == 2
    assert config.sample_size(60000, quick=500) == 500
    x = np.arange(5000)
    xs, ys = config.sample(x, x * 2, quick=300)
    assert len(xs) == 300 and np.all(ys == xs * 2)  # rows stay aligned
    assert np.all(np.diff(xs) > 0)  # and keep their order
    assert len(config.sample(x[:100], quick=300)) == 100


def test_quick_mode_value_is_validated(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="COURSE_QUICK"):
        config.is_quick()


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True])
def test_epochs_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="full"):
        config.epochs(bad)


def test_sample_rejects_misaligned_arrays():
    with pytest.raises(ValueError, match="one length"):
        config.sample(np.zeros(3), np.zeros(4))


def test_banner_names_the_mode(quick_mode, monkeypatch):
    assert "Quick mode is ON" in course_utils.mode_banner()
    monkeypatch.setenv("COURSE_QUICK", "0")
    banner = course_utils.mode_banner()
    assert banner.startswith("Full mode") and ("on the CPU" in banner or "on the GPU" in banner)


def test_seed_everything_repeats_numpy_and_keras():
    import keras

    course_utils.seed_everything(7)
    first = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    course_utils.seed_everything(7)
    second = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="seed"):
        course_utils.seed_everything(-1)


def test_sample_returns_one_array_for_one_array_and_a_tuple_for_several(quick_mode):
    x = np.arange(2000)
    one = config.sample(x, quick=10)
    assert isinstance(one, np.ndarray) and one.shape == (10,)
    several = config.sample(x, x, quick=10)
    assert isinstance(several, tuple) and len(several) == 2
