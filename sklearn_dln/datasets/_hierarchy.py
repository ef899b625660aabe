"""The hierarchical items task of semantic-development studies."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils._validation import Interval, StrOptions, validate_params


def _node_names(n_levels):
    """Name the nodes of a complete binary tree, breadth first from the root."""
    names = ["root"]
    for level in range(1, n_levels + 1):
        for index in range(2**level):
            path = format(index, f"0{level}b")
            names.append(f"n{path}" if level < n_levels else f"item{index}")
    return names


def _path_targets(n_levels):
    """Return the (n_items, n_nodes) 0/1 matrix of nodes on each root-item path."""
    n_items = 2**n_levels
    n_nodes = 2 ** (n_levels + 1) - 1
    targets = np.zeros((n_items, n_nodes))
    for item in range(n_items):
        # Breadth-first index of the ancestor at `level` is 2**level - 1 plus
        # the item's index shifted down to that level.
        for level in range(n_levels + 1):
            node = 2**level - 1 + (item >> (n_levels - level))
            targets[item, node] = 1.0
    return targets


@validate_params(
    {
        "n_levels": [Interval(Integral, 1, 12, closed="both")],
        "input_type": [StrOptions({"gaussian", "one_hot"})],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_semantic_hierarchy(
    n_levels=4, *, input_type="gaussian", n_features=None, random_state=None
):
    """Generate the hierarchical items task (a binary tree of categories).

    The items are the leaves of a complete binary tree with ``n_levels``
    levels below the root, so there are ``2**n_levels`` items and
    ``2**(n_levels + 1) - 1`` nodes. The target of an item marks with a one
    every node on the path from the root to the item, the root and the item
    included; all other entries are zero. This is the task used to study
    progressive differentiation in semantic development and, in Braun, Grant
    & Saxe (ICML 2025), to show that a hidden layer can hold any picture.

    Parameters
    ----------
    n_levels : int, default=4
        Levels of the tree below the root; 4 gives 16 items and 31 nodes.
    input_type : {"gaussian", "one_hot"}, default="gaussian"
        ``"gaussian"``: independent standard normal inputs divided by
        ``sqrt(n_items)``, so each input has expected squared norm
        ``n_features / n_items``. ``"one_hot"``: the identity matrix, one input
        unit per item (``n_features`` must then be None or ``n_items``).
    n_features : int or None, default=None
        Number of input features; ``None`` uses ``n_items``.
    random_state : int, RandomState instance or None, default=None
        Seed of the Gaussian inputs.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        data : ndarray of shape (n_items, n_features)
            Inputs, one row per item.
        target : ndarray of shape (n_items, n_nodes)
            Node-membership targets, one row per item.
        item_names : list of str
            Name of each item (a leaf node).
        node_names : list of str
            Name of each node, breadth first: ``"root"``, then ``"n0"``,
            ``"n1"``, ``"n00"``, ... (the binary path from the root).
        n_levels : int
            The depth of the tree.

    Examples
    --------
    >>> from sklearn_dln.datasets import make_semantic_hierarchy
    >>> task = make_semantic_hierarchy(random_state=0)
    >>> task.data.shape, task.target.shape
    ((16, 16), (16, 31))
    >>> int(task.target[0].sum())
    5
    """
    n_items = 2**n_levels
    if n_features is None:
        n_features = n_items

    if input_type == "one_hot":
        if n_features != n_items:
            raise ValueError(
                f"input_type='one_hot' needs one feature per item, so n_features "
                f"must be None or {n_items}; got n_features={n_features}."
            )
        X = np.eye(n_items)
    else:
        rng = check_random_state(random_state)
        X = rng.standard_normal((n_items, n_features)) / np.sqrt(n_items)

    names = _node_names(n_levels)
    return Bunch(
        data=X,
        target=_path_targets(n_levels),
        item_names=names[-n_items:],
        node_names=names,
        n_levels=n_levels,
    )
