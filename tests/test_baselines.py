import numpy as np
import pytest

from course_utils import baselines


def _low_rank_data(rank: int = 3, n: int = 400, dim: int = 20) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, rank)) @ rng.normal(size=(rank, dim))).astype(np.float32)


def test_pca_recovers_low_rank_data_exactly():
    data = _low_rank_data()
    assert baselines.pca_reconstruction_error(data[:300], data[300:], 3) < 1e-8
    assert baselines.pca_reconstruction_error(data[:300], data[300:], 2) > 1e-3


def test_error_curve_matches_single_fits_and_decreases():
    data = _low_rank_data(rank=6)
    curve = baselines.pca_error_curve(data[:300], data[300:], [1, 2, 4, 6])
    singles = [baselines.pca_reconstruction_error(data[:300], data[300:], k) for k in (1, 2, 4, 6)]
    np.testing.assert_allclose(curve, singles, rtol=1e-3, atol=1e-9)
    assert np.all(np.diff(curve) < 0)


def test_pca2_on_the_lecture_subset(mnist_156):
    (x_train, _), (x_test, _) = mnist_156
    assert baselines.pca_reconstruction_error(x_train, x_test, 2) == pytest.approx(0.0430, abs=5e-4)


@pytest.mark.parametrize("k", [0, 21, 2.5, True])
def test_bad_component_counts(k):
    data = _low_rank_data()
    with pytest.raises(ValueError, match="n_components"):
        baselines.pca_reconstruction_error(data, data, k)


def test_bad_curve_components():
    data = _low_rank_data()
    with pytest.raises(ValueError, match="components"):
        baselines.pca_error_curve(data, data, [])
