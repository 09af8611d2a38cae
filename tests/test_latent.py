import numpy as np
import pytest

import course_utils
from course_utils import latent

CODES = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32) * [1.0, 3.0] + [0.5, -1.0]


def _decoder(code_size: int = 2, output: int = 16):
    import keras

    course_utils.seed_everything(0)
    return keras.Sequential([keras.Input((code_size,)), keras.layers.Dense(output, activation="sigmoid")])


def test_code_range_covers_the_codes_with_a_margin():
    ranges = latent.code_range(CODES, margin=0.1)
    span = CODES.max(0) - CODES.min(0)
    np.testing.assert_allclose(ranges[:, 0], CODES.min(0) - 0.1 * span, rtol=1e-5)
    np.testing.assert_allclose(ranges[:, 1], CODES.max(0) + 0.1 * span, rtol=1e-5)


def test_grid_codes_run_left_to_right_and_top_to_bottom():
    codes, z1, z2 = latent.latent_grid_codes((0, 1), (-2, 2), n=3)
    np.testing.assert_allclose(z1, [0, 0.5, 1])
    np.testing.assert_allclose(z2, [2, 0, -2])  # largest z2 first: the top row of the figure
    np.testing.assert_allclose(codes[:3], [[0, 2], [0.5, 2], [1, 2]])
    np.testing.assert_allclose(codes[-1], [1, -2])


def test_grid_is_decoded_with_one_predict_call(monkeypatch):
    decoder = _decoder()
    calls = []
    original = decoder.predict

    def counting_predict(x, *args, **kwargs):
        calls.append(len(x))
        return original(x, *args, **kwargs)

    monkeypatch.setattr(decoder, "predict", counting_predict)
    images, z1, z2 = latent.decode_latent_grid(decoder, (-1, 1), (-1, 1), n=5)
    assert calls == [25]
    assert images.shape == (5, 5, 4, 4)  # flat outputs of 16 pixels become 4 x 4 images
    expected = original(np.array([[z1[3], z2[1]]], dtype=np.float32), verbose=0).reshape(4, 4)
    np.testing.assert_allclose(images[1, 3], expected, rtol=1e-5, atol=1e-6)


def test_grid_needs_a_decoder_of_two_dimensional_codes():
    with pytest.raises(ValueError, match="decoder must take 2-D codes"):
        latent.decode_latent_grid(_decoder(code_size=3), (-1, 1), (-1, 1))


def test_fitted_normal_matches_mean_and_spread():
    samples = latent.sample_fitted_normal(CODES, 20000, seed=1)
    assert samples.shape == (20000, 2) and samples.dtype == np.float32
    np.testing.assert_allclose(samples.mean(0), CODES.mean(0), atol=0.1)
    np.testing.assert_allclose(samples.std(0), CODES.std(0), rtol=0.05)
    np.testing.assert_array_equal(samples, latent.sample_fitted_normal(CODES, 20000, seed=1))


def test_full_covariance_keeps_correlations():
    t = np.random.default_rng(1).normal(size=500)
    correlated = np.stack([t, t + 0.1 * np.random.default_rng(2).normal(size=500)], axis=1)
    full = latent.sample_fitted_normal(correlated, 5000, diagonal=False)
    diagonal = latent.sample_fitted_normal(correlated, 5000, diagonal=True)
    assert np.corrcoef(full.T)[0, 1] > 0.95 and abs(np.corrcoef(diagonal.T)[0, 1]) < 0.1


def test_class_normals_sample_inside_each_cluster():
    rng = np.random.default_rng(5)
    codes = np.concatenate([rng.normal(-5, 0.5, (100, 3)), rng.normal(5, 0.5, (150, 3))])
    labels = np.array([1] * 100 + [6] * 150)
    samples, sample_labels = latent.sample_class_normals(codes, labels, 400, seed=2)
    assert samples.shape == (800, 3) and samples.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(sample_labels), [0, 400, 0, 0, 0, 0, 400])
    np.testing.assert_allclose(samples[sample_labels == 1].mean(0), -5, atol=0.15)
    np.testing.assert_allclose(samples[sample_labels == 6].std(0), 0.5, rtol=0.15)
    assert np.all(np.abs(samples) > 2)  # none falls into the empty space between the clusters
    again, _ = latent.sample_class_normals(codes, labels, 400, seed=2)
    np.testing.assert_array_equal(samples, again)


def test_nearest_distances_match_a_brute_force_search():
    rng = np.random.default_rng(6)
    codes, reference = rng.normal(size=(37, 4)), rng.normal(size=(101, 4))
    expected = np.linalg.norm(codes[:, None] - reference[None], axis=-1).min(axis=1)
    np.testing.assert_allclose(latent.nearest_distances(codes, reference, chunk=8), expected, rtol=1e-6, atol=1e-9)
    assert latent.nearest_distances(reference[:5], reference) == pytest.approx(np.zeros(5), abs=1e-6)


def test_interpolation_runs_straight_from_start_to_end():
    path = latent.interpolate_codes(np.array([0.0, 2.0]), np.array([4.0, -2.0]), steps=5)
    np.testing.assert_allclose(path, [[0, 2], [1, 1], [2, 0], [3, -1], [4, -2]])


def test_kernel_pca_embedding_subsamples_and_reports_rows():
    codes = np.random.default_rng(3).normal(size=(300, 5)).astype(np.float32)
    embedding, rows = latent.kernel_pca_embedding(codes, n_components=3, max_points=120, seed=0)
    assert embedding.shape == (120, 3) and rows.shape == (120,)
    assert np.all(np.diff(rows) > 0) and rows.max() < 300
    again, rows_again = latent.kernel_pca_embedding(codes, n_components=3, max_points=120, seed=0)
    np.testing.assert_array_equal(rows, rows_again)
    np.testing.assert_allclose(np.abs(embedding), np.abs(again), atol=1e-5)


def test_kernel_pca_separates_two_clusters():
    rng = np.random.default_rng(4)
    codes = np.concatenate([rng.normal(-3, 0.3, (50, 4)), rng.normal(3, 0.3, (50, 4))]).astype(np.float32)
    embedding, rows = latent.kernel_pca_embedding(codes, n_components=2, gamma=0.05)
    first = embedding[rows < 50, 0]
    second = embedding[rows >= 50, 0]
    assert first.max() < second.min() or second.max() < first.min()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: latent.code_range(np.zeros(5)), "codes must be a 2-D array"),
        (lambda: latent.code_range(CODES, margin=2), "margin"),
        (lambda: latent.latent_grid_codes((1, 0), (0, 1)), "z1_range"),
        (lambda: latent.latent_grid_codes((0, 1), "ab"), "z2_range"),
        (lambda: latent.latent_grid_codes((0, 1), (0, 1), n=0), "n must be"),
        (lambda: latent.sample_fitted_normal(CODES[:1], 5), "at least 2"),
        (lambda: latent.sample_fitted_normal(CODES, 0), "n must be"),
        (lambda: latent.sample_fitted_normal(np.full((3, 2), np.inf), 2), "finite"),
        (lambda: latent.kernel_pca_embedding(CODES, kernel="gauss"), "kernel must be one of"),
        (lambda: latent.sample_class_normals(CODES, np.zeros(5), 3), "labels must have one entry per code"),
        (lambda: latent.sample_class_normals(CODES, np.r_[np.zeros(199), 1], 3), "label 1.* has 1"),
        (lambda: latent.nearest_distances(CODES, np.zeros((3, 5))), "one code size"),
        (lambda: latent.interpolate_codes(np.zeros(2), np.zeros(3)), "two codes of one size"),
        (lambda: latent.interpolate_codes(np.zeros(2), np.ones(2), steps=1), "steps must be"),
        (lambda: latent.kernel_pca_embedding(CODES, max_points=0), "max_points"),
        (lambda: latent.kernel_pca_embedding(CODES, n_components=5, max_points=5), "n_components must be smaller"),
    ],
)
def test_bad_arguments_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
