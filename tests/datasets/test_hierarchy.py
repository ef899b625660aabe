"""The semantic hierarchy task and the digits regression loader."""

import numpy as np
import pytest

from sklearn_dln.datasets import load_digits_regression, make_semantic_hierarchy


def test_hierarchy_default_shape_and_paths():
    """Four levels give 16 items, 31 nodes and five nodes on each path."""
    task = make_semantic_hierarchy(random_state=0)
    assert task.data.shape == (16, 16)
    assert task.target.shape == (16, 31)
    np.testing.assert_array_equal(task.target.sum(axis=1), np.full(16, 5))
    np.testing.assert_array_equal(task.target[:, 0], np.ones(16))
    assert len(task.item_names) == 16
    assert len(task.node_names) == 31
    assert task.node_names[0] == "root"


def test_hierarchy_targets_follow_the_tree():
    """Each node is shared by exactly the items below it, 2**(depth-level) of them."""
    n_levels = 3
    target = make_semantic_hierarchy(n_levels, input_type="one_hot").target
    for level in range(n_levels + 1):
        start, stop = 2**level - 1, 2 ** (level + 1) - 1
        counts = target[:, start:stop].sum(axis=0)
        np.testing.assert_array_equal(counts, np.full(2**level, 2 ** (n_levels - level)))
    # The item node (last level) is the identity: each item is its own leaf.
    np.testing.assert_array_equal(target[:, -8:], np.eye(8))


def test_hierarchy_items_in_same_subtree_share_ancestors():
    """Items 0 and 1 share all but their leaf; items 0 and 15 share only the root."""
    target = make_semantic_hierarchy(random_state=0).target
    assert target[0] @ target[1] == 4
    assert target[0] @ target[15] == 1


def test_hierarchy_one_hot_inputs_are_identity():
    """One-hot inputs give one input unit per item."""
    task = make_semantic_hierarchy(input_type="one_hot")
    np.testing.assert_array_equal(task.data, np.eye(16))


def test_hierarchy_gaussian_inputs_are_seeded_and_scaled():
    """Gaussian inputs repeat with the seed and have variance 1/n_items."""
    a = make_semantic_hierarchy(6, n_features=200, random_state=3).data
    b = make_semantic_hierarchy(6, n_features=200, random_state=3).data
    np.testing.assert_array_equal(a, b)
    assert a.var() == pytest.approx(1 / 64, rel=0.05)


def test_hierarchy_rejects_bad_parameters():
    """Invalid levels, input types and one-hot widths raise clear errors."""
    with pytest.raises(ValueError, match="n_levels"):
        make_semantic_hierarchy(0)
    with pytest.raises(ValueError, match="input_type"):
        make_semantic_hierarchy(input_type="binary")
    with pytest.raises(ValueError, match="n_features must be None or 16"):
        make_semantic_hierarchy(input_type="one_hot", n_features=8)


def test_digits_regression_is_one_hot():
    """The bundled digits come as [0, 1] pixels and one-hot targets."""
    digits = load_digits_regression()
    assert digits.data.shape == (1797, 64)
    assert digits.target.shape == (1797, 10)
    assert digits.data.min() == 0.0
    assert digits.data.max() == 1.0
    np.testing.assert_array_equal(digits.target.sum(axis=1), np.ones(1797))
    np.testing.assert_array_equal(digits.target.argmax(axis=1), digits.labels)
    assert len(digits.feature_names) == 64
