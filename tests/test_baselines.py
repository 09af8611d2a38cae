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


def test_a_fitted_pca_projects_with_any_of_its_components_without_refitting():
    data = _low_rank_data(rank=6)
    pca = baselines.fit_pca(data[:300], 6)
    for k in (1, 3, 6):
        np.testing.assert_allclose(baselines.project(pca, data[300:], k), baselines.pca_reconstruct(data[:300], data[300:], k),
                                   rtol=1e-4, atol=1e-4)
    images = data[300:].reshape(100, 4, 5)
    assert baselines.project(pca, images, 2).shape == (100, 4, 5)
    errors = baselines.projection_errors(pca, data[300:], [1, 3, 6])
    np.testing.assert_allclose(errors, baselines.pca_error_curve(data[:300], data[300:], [1, 3, 6]), rtol=1e-6)
    assert errors[-1] < 1e-8 < errors[0]


def test_projecting_asks_for_a_fitted_pca_and_components_it_has():
    data = _low_rank_data()
    pca = baselines.fit_pca(data, 3)
    with pytest.raises(ValueError, match=r"n_components must be an integer from 1 to 3 \(the components the PCA was fitted with\)"):
        baselines.project(pca, data, 4)
    from sklearn.decomposition import PCA

    with pytest.raises(ValueError, match="fitted scikit-learn PCA"):
        baselines.project(PCA(2), data, 1)
