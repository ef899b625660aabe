"""Tests of the bundled elephant picture."""

import numpy as np
import pytest

from sklearn_dln.datasets import load_elephant


@pytest.mark.parametrize(
    "shape", [(8, 8), (16, 16), (16, 32), (20, 20), (30, 30), (30, 58)]
)
def test_load_elephant_shapes_have_full_rank(shape):
    """The picture has the requested shape, grey levels in [0, 1] and full rank."""
    picture = load_elephant(shape)
    assert picture.shape == shape
    assert picture.min() >= 0.0
    assert picture.max() <= 1.0
    assert np.linalg.matrix_rank(picture) == min(shape)


def test_load_elephant_default_is_16_by_16():
    """The default picture is 16 x 16 and deterministic."""
    np.testing.assert_array_equal(load_elephant(), load_elephant((16, 16)))


def test_load_elephant_keeps_silhouette():
    """At the bitmap's own size the silhouette and the background are kept."""
    picture = load_elephant((30, 58))
    assert np.mean(picture > 0.5) > 0.3
    assert np.mean(picture == 0.0) > 0.2


@pytest.mark.parametrize("shape", [(16,), (0, 4), (4, 2.5), (3, 4, 5)])
def test_load_elephant_rejects_bad_shape(shape):
    """A shape that is not two positive integers raises ValueError."""
    with pytest.raises(ValueError, match="pair of positive integers"):
        load_elephant(shape)


def test_load_elephant_rejects_non_tuple():
    """A list is not accepted as a shape."""
    with pytest.raises(ValueError, match="shape"):
        load_elephant([16, 16])
