import numpy as np
import pytest
from scipy.linalg import subspace_angles

from course_utils import subspace

RNG = np.random.default_rng(0)


def test_same_span_in_another_basis_has_zero_angles():
    basis = RNG.standard_normal((4, 30))
    mixed = RNG.standard_normal((4, 4)) @ basis  # same span, vectors neither orthogonal nor ordered
    np.testing.assert_allclose(subspace.principal_angles(mixed, basis), 0.0, atol=1e-6)
    assert subspace.subspace_similarity(mixed, basis) == pytest.approx(1.0)


def test_orthogonal_spans_are_at_ninety_degrees():
    eye = np.eye(6)
    np.testing.assert_allclose(subspace.principal_angles(eye[:2], eye[2:5]), [90.0, 90.0])
    assert subspace.subspace_similarity(eye[:2], eye[2:5]) == pytest.approx(0.0, abs=1e-12)


def test_known_angles_in_three_dimensions():
    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    b = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])  # tilted 45 degrees out of the x-y plane
    np.testing.assert_allclose(subspace.principal_angles(a, b), [0.0, 45.0], atol=1e-9)
    np.testing.assert_allclose(subspace.principal_angles(a, b, degrees=False), [0.0, np.pi / 4], atol=1e-12)
    assert subspace.subspace_similarity(a, b) == pytest.approx((1.0 + 0.5) / 2)


def test_matches_scipy_for_random_subspaces_of_different_sizes():
    a, b = RNG.standard_normal((3, 20)), RNG.standard_normal((5, 20))
    expected = np.sort(np.degrees(subspace_angles(a.T, b.T)))
    np.testing.assert_allclose(subspace.principal_angles(a, b), expected, atol=1e-8)
    np.testing.assert_allclose(subspace.principal_angles(b, a), expected, atol=1e-8)


def test_tiny_angles_stay_accurate():
    a = np.array([[1.0, 0.0, 0.0]])
    b = np.array([[1.0, 1e-9, 0.0]])
    assert subspace.principal_angles(a, b, degrees=False)[0] == pytest.approx(1e-9, rel=1e-6)


@pytest.mark.parametrize(
    "a, b, message",
    [
        (np.zeros(5), np.eye(5)[:2], "a must be a non-empty 2-D"),
        (np.eye(5)[:2], np.eye(4)[:2], "one length"),
        (np.ones((2, 5)), np.eye(5)[:2], "linearly independent"),
        (np.eye(5)[:2], np.full((2, 5), np.nan), "finite"),
        (np.random.default_rng(0).random((4, 3)), np.eye(3)[:2], "4 rows have rank 3"),
    ],
)
def test_bad_input_is_explained(a, b, message):
    with pytest.raises(ValueError, match=message):
        subspace.principal_angles(a, b)


def test_principal_vectors_name_the_directions_that_enclose_each_angle():
    a = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])  # the x-y plane, not an orthonormal basis
    b = np.array([[0.0, 0.0, 1.0], [3.0, 0.0, 0.0]]) + np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])  # x and y+z
    angles, vectors_a, vectors_b = subspace.principal_vectors(a, b)
    np.testing.assert_allclose(angles, [0.0, 45.0], atol=1e-9)
    np.testing.assert_allclose(np.abs(vectors_a[0]), [1.0, 0.0, 0.0], atol=1e-12)  # x lies in both planes
    np.testing.assert_allclose(np.abs(vectors_a[1]), [0.0, 1.0, 0.0], atol=1e-12)  # y is the tilted direction of a
    np.testing.assert_allclose(np.abs(vectors_b[1]), [0.0, np.sqrt(0.5), np.sqrt(0.5)], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(vectors_a, axis=1), 1.0)
    for angle, u, v in zip(angles, vectors_a, vectors_b, strict=True):
        assert np.degrees(np.arccos(min(1.0, abs(u @ v)))) == pytest.approx(angle, abs=1e-5)


def test_each_pair_of_principal_vectors_encloses_its_angle():
    a, b = RNG.standard_normal((4, 25)), RNG.standard_normal((4, 25))
    b[:2] = a[:2] + 0.1 * RNG.standard_normal((2, 25))  # two nearly shared directions
    angles, vectors_a, vectors_b = subspace.principal_vectors(a, b)
    np.testing.assert_allclose(angles, subspace.principal_angles(a, b))
    enclosed = np.degrees(np.arccos(np.clip(np.abs(np.sum(vectors_a * vectors_b, axis=1)), 0, 1)))
    np.testing.assert_allclose(enclosed, angles, atol=1e-6)
    np.testing.assert_allclose(vectors_a @ vectors_a.T, np.eye(4), atol=1e-12)  # an orthonormal basis of span(a)
    assert subspace.principal_angles(vectors_a, a).max() < 1e-6


def test_principal_vectors_need_spans_of_one_size():
    with pytest.raises(ValueError, match="one shape"):
        subspace.principal_vectors(np.eye(5)[:2], np.eye(5)[:3])
