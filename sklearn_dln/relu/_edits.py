"""Edits of the weight lists of a scikit-learn MLP, shared by the moves.

In scikit-learn's layout hidden layer ``l`` has incoming weights
``coefs_[l]`` of shape (n_in, n_units), bias ``intercepts_[l]`` of shape
(n_units,) and outgoing weights ``coefs_[l + 1]`` of shape (n_units, n_next).
A unit is a column of the first, an entry of the second and a row of the
third.
"""

import copy

import numpy as np

# Activations f with f(a z) = a f(z) for every a > 0: multiplying a unit's
# incoming weights and bias by a and dividing its outgoing weights by a keeps
# the function.
POSITIVELY_HOMOGENEOUS = ("relu", "identity")

# State the moved network must not share with the original. The weights are
# rebuilt by the move. The optimizer state (Adam moments, momentum) has the
# old shapes and references the old weight arrays, so it is dropped, and the
# next partial_fit starts a new optimizer.
_REBUILT_ATTRIBUTES = (
    "coefs_",
    "intercepts_",
    "_best_coefs",
    "_best_intercepts",
    "_optimizer",
    "hidden_representation_",
)


def layer_weights(coefs, intercepts, layer):
    """Return ``(W_in, b, W_out)`` of hidden layer ``layer``."""
    return coefs[layer], intercepts[layer], coefs[layer + 1]


def replace_layer(coefs, intercepts, layer, W_in, b, W_out):
    """Return new weight lists with hidden layer ``layer`` replaced."""
    coefs = list(coefs)
    intercepts = list(intercepts)
    coefs[layer] = W_in
    intercepts[layer] = b
    coefs[layer + 1] = W_out
    return coefs, intercepts


def rescale_units(coefs, intercepts, layer, factors):
    """Multiply each unit's incoming weights and bias by its factor and divide
    its outgoing weights by it."""
    W_in, b, W_out = layer_weights(coefs, intercepts, layer)
    factors = np.asarray(factors).astype(W_in.dtype, copy=False)
    return replace_layer(
        coefs,
        intercepts,
        layer,
        W_in * factors,
        b * factors,
        W_out / factors[:, np.newaxis],
    )


def append_units(coefs, intercepts, layer, W_new, b_new, W_out_new=None):
    """Append units to hidden layer ``layer``.

    The new units have incoming weights ``W_new`` (n_in, k), biases ``b_new``
    (k,) and outgoing weights ``W_out_new`` (k, n_next), zero when None.
    """
    W_in, b, W_out = layer_weights(coefs, intercepts, layer)
    dtype = W_in.dtype
    if W_out_new is None:
        W_out_new = np.zeros((b_new.shape[0], W_out.shape[1]), dtype=dtype)
    return replace_layer(
        coefs,
        intercepts,
        layer,
        np.hstack([W_in, W_new.astype(dtype, copy=False)]),
        np.concatenate([b, b_new.astype(dtype, copy=False)]),
        np.vstack([W_out, W_out_new.astype(dtype, copy=False)]),
    )


def check_positively_homogeneous(mlp, method):
    """Raise ValueError unless rescaling units keeps the function of ``mlp``."""
    if mlp.activation not in POSITIVELY_HOMOGENEOUS:
        raise ValueError(
            f"method={method!r} rescales hidden units, which preserves the "
            "network's function only for a positively homogeneous activation "
            f"('relu' or 'identity'); this MLP has activation={mlp.activation!r}. "
            "The methods 'permute', 'nuisance', 'duplicate', 'input_null', and "
            "'target' with an activity target only, accept every activation."
        )


def _own_array(array, originals):
    """Return ``array`` as a C-contiguous array sharing no memory with ``originals``.

    Layers a move leaves untouched are the original arrays; copying them keeps
    the moved network from writing into the original one.
    """
    if any(np.may_share_memory(array, original) for original in originals):
        return array.copy(order="C")
    return np.ascontiguousarray(array)


def copy_with_weights(mlp, coefs, intercepts):
    """Return a deep copy of ``mlp`` that uses ``coefs`` and ``intercepts``.

    ``hidden_layer_sizes`` becomes the tuple of the new widths. The optimizer
    state is left out, and ``_best_coefs``/``_best_intercepts``, where
    present, become copies of the new weights.
    """
    new = copy.copy(mlp)
    for name, value in vars(mlp).items():
        if name not in _REBUILT_ATTRIBUTES:
            setattr(new, name, copy.deepcopy(value))
    if hasattr(new, "_optimizer"):
        del new._optimizer
    originals = mlp.coefs_ + mlp.intercepts_
    new.coefs_ = [_own_array(coef, originals) for coef in coefs]
    new.intercepts_ = [_own_array(intercept, originals) for intercept in intercepts]
    new.hidden_layer_sizes = tuple(int(coef.shape[1]) for coef in coefs[:-1])
    if hasattr(mlp, "_best_coefs"):
        new._best_coefs = [coef.copy() for coef in new.coefs_]
        new._best_intercepts = [intercept.copy() for intercept in new.intercepts_]
    return new
