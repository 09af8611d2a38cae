import numpy as np
import pytest

from course_utils import baselines, noise


def _low_rank_data(rank: int = 3, n: int = 400, dim: int = 20) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, rank)) @ rng.normal(size=(rank, dim))).astype(np.float32)


def test_pca_recovers_low_rank_data_exactly():
    data = _low_rank_data()
    assert baselines.pca_reconstruction_error(data[:300], data[300:], 3) < 1e-8
    assert baselines.pca_reconstruction_error(data[:300], data[300:], 2) > 1e-3


def test_error_curve_matches_single_fits_and_decreases():
    data = _low_rank_data(rank=6)
    curve = baselines.projection_errors(baselines.fit_pca(data[:300], 6), data[300:], [1, 2, 4, 6])
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
        baselines.projection_errors(baselines.fit_pca(data, 2), data, [])


def test_pca_denoising_is_best_at_the_rank_of_the_clean_data():
    clean = _low_rank_data(rank=4, n=300, dim=64)
    noisy = clean + np.random.default_rng(1).normal(0.0, 0.5, clean.shape).astype(np.float32)
    components = [1, 2, 4, 8, 16, 32]
    scores = baselines.pca_denoising_psnr(clean[:200], clean[200:], noisy[200:], components)
    assert scores.shape == (len(components),)
    assert components[int(np.argmax(scores))] == 4
    assert scores[2] > noise.psnr(clean[200:], noisy[200:]).mean() + 3  # projecting removes most of the noise
    # the same number as projecting with a PCA fitted for that k alone
    projected = baselines.pca_reconstruct(clean[:200], noisy[200:], 8)
    assert scores[3] == pytest.approx(noise.psnr(clean[200:], projected).mean(), abs=1e-3)


def test_pca_projection_is_a_model_with_predict():
    images = _low_rank_data(rank=3, n=60, dim=16).reshape(60, 4, 4, 1)
    projection = baselines.PCAProjection(images[:40], 3)
    restored = projection.predict(images[40:], verbose=0)
    assert restored.shape == (20, 4, 4, 1) and restored.dtype == np.float32
    np.testing.assert_allclose(restored, images[40:], atol=1e-4)  # rank-3 data lies in the 3-D subspace
    assert projection.count_params() == 3 * 16 + 16
    assert "n_components=3" in repr(projection)
    with pytest.raises(ValueError, match="shape"):
        projection.predict(images[:, :2])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda d: baselines.pca_denoising_psnr(d, d, d, []), "components"),
        (lambda d: baselines.pca_denoising_psnr(d, d, d[:5], [2]), "clean .* noisy"),
        (lambda d: baselines.pca_denoising_psnr(d, d, d, [0, 2]), "components"),
        (lambda d: baselines.PCAProjection(d, 50), "n_components"),
    ],
)
def test_pca_denoising_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call(_low_rank_data())


def test_a_fitted_pca_projects_with_any_of_its_components_without_refitting():
    data = _low_rank_data(rank=6)
    pca = baselines.fit_pca(data[:300], 6)
    for k in (1, 3, 6):
        np.testing.assert_allclose(baselines.project(pca, data[300:], k), baselines.pca_reconstruct(data[:300], data[300:], k),
                                   rtol=1e-4, atol=1e-4)
    images = data[300:].reshape(100, 4, 5)
    assert baselines.project(pca, images, 2).shape == (100, 4, 5)
    errors = baselines.projection_errors(pca, data[300:], [1, 3, 6])
    singles = [baselines.pca_reconstruction_error(data[:300], data[300:], k) for k in (1, 3, 6)]
    np.testing.assert_allclose(errors, singles, rtol=1e-3, atol=1e-9)
    assert errors[-1] < 1e-8 < errors[0]


def test_projecting_asks_for_a_fitted_pca_and_components_it_has():
    data = _low_rank_data()
    pca = baselines.fit_pca(data, 3)
    with pytest.raises(ValueError, match=r"n_components must be an integer from 1 to 3 \(the components the PCA was fitted with\)"):
        baselines.project(pca, data, 4)
    from sklearn.decomposition import PCA

    with pytest.raises(ValueError, match="fitted scikit-learn PCA"):
        baselines.project(PCA(2), data, 1)
