"""Tests of the gather that copies runs of consecutive indices as slices."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from sklearn_dln.relu._gather import gather


@settings(max_examples=80, deadline=None)
@given(
    mask=st.lists(st.booleans(), min_size=1, max_size=60),
    n_other=st.integers(1, 5),
    axis=st.sampled_from([0, 1]),
    order=st.sampled_from(["C", "F"]),
    out_dtype=st.sampled_from([np.float64, np.float32]),
)
def test_gather_matches_take(mask, n_other, axis, order, out_dtype):
    """Every subset of indices, short runs and long ones, gives np.take's result."""
    index = np.flatnonzero(mask)
    shape = (len(mask), n_other) if axis == 0 else (n_other, len(mask))
    source = np.asarray(
        np.random.default_rng(len(mask)).standard_normal(shape), order=order
    )
    out_shape = list(shape)
    out_shape[axis] = index.shape[0]
    out = np.full(out_shape, np.nan, dtype=out_dtype, order=order)

    result = gather(source, index, axis, out)

    assert result is out
    expected = np.take(source, index, axis=axis).astype(out_dtype)
    assert_array_equal(out, expected)


def test_gather_long_runs_copy_slices():
    """Indices in two long runs give the same columns as np.take."""
    source = np.asfortranarray(np.arange(40.0).reshape(4, 10))
    index = np.array([0, 1, 2, 3, 6, 7, 8, 9])
    out = np.empty((4, 8), order="F")

    gather(source, index, 1, out)

    assert_array_equal(out, source[:, index])


def test_gather_empty_index_leaves_out():
    """An empty index writes nothing."""
    out = np.empty((3, 0))

    result = gather(np.ones((3, 4)), np.array([], dtype=np.intp), 1, out)

    assert result.shape == (3, 0)
