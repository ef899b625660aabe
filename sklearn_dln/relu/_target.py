"""The "target" move: steer a hidden layer towards a target activity or RSM.

Added units with zero outgoing weights, and positive rescaling of
positively homogeneous units, leave the network's function unchanged, so
both can shape the layer's representation freely (Braun, Grant & Saxe,
ICML 2025, Section 6).
"""

import numpy as np
import scipy.sparse
from sklearn.utils import check_array

from ._activity import _HIDDEN_ACTIVATIONS, forward_hidden_layers
from ._edits import (
    append_units,
    check_positively_homogeneous,
    layer_weights,
    rescale_units,
)
from ._linalg import least_squares
from ._rsm_fit import fit_rsm_factors
from ._rsm_terms import TargetRSM


def _parse_target(target, n_samples):
    if isinstance(target, dict):
        unknown = sorted(set(target) - {"activity", "rsm"})
        if unknown:
            raise ValueError(
                f"target has unknown keys {unknown}; the valid keys are "
                "'activity' and 'rsm'."
            )
        activity, rsm = target.get("activity"), target.get("rsm")
        if activity is None and rsm is None:
            raise ValueError("target needs an 'activity' or an 'rsm' entry, or both.")
    else:
        activity, rsm = target, None

    if activity is not None:
        activity = check_array(
            activity, ensure_2d=False, dtype=np.float64, input_name="target activity"
        )
        if activity.ndim == 1:
            activity = activity.reshape(-1, 1)
        if activity.ndim != 2 or activity.shape[0] != n_samples:
            raise ValueError(
                "the target activity must have shape (n_samples, k) with "
                f"n_samples={n_samples}, the number of rows of X; got "
                f"{activity.shape}."
            )
    if rsm is not None:
        rsm = check_array(rsm, dtype=np.float64, order="C", input_name="target rsm")
        if rsm.shape != (n_samples, n_samples):
            raise ValueError(
                f"the target RSM must have shape ({n_samples}, {n_samples}), one "
                f"row and column per row of X; got {rsm.shape}."
            )
        rsm = TargetRSM(rsm)
        if rsm.is_constant():
            raise ValueError(
                "the target RSM's upper triangle is constant or nearly so: the "
                "variance of its entries above the diagonal, from float64 sums, "
                f"is {rsm.spread_share():.1e} of their mean square, below 1e-12, "
                "so the sums cannot resolve their differences. The target "
                "needs at least two distinct similarities between different "
                "samples. If its differences are meaningful, subtract the "
                "common offset from it."
            )
    return activity, rsm


def _layer_input(mlp, X, layer):
    """Return the activity that feeds hidden layer ``layer`` (X for layer 0)."""
    if layer > 0:
        return forward_hidden_layers(mlp, X, layer)[-1]
    if scipy.sparse.issparse(X):
        # NOTE: sparse inputs are densified for the least-squares fit, which
        # needs n_samples * n_features floats of memory.
        return X.toarray()
    return X


def _fit_activity_units(activation, A_prev, T):
    """Least-squares fit of the pre-activations of new units to ``T``.

    Solves ``min ||[A_prev, 1] [W; b^T] - T||_F`` (minimum-norm solution) and
    returns ``W`` (n_in, k), ``b`` (k,) and the relative error of the
    resulting activity ``f([A_prev, 1] [W; b^T])`` against ``T``.
    """
    design = np.hstack([A_prev, np.ones((A_prev.shape[0], 1), dtype=A_prev.dtype)])
    solution = least_squares(design, T, data_dtype=A_prev.dtype)
    # The residual is that of the weights as the network stores them.
    stored = solution.astype(A_prev.dtype).astype(np.float64)
    achieved = activation(design.astype(np.float64) @ stored)
    target_norm = np.linalg.norm(T)
    error = np.linalg.norm(achieved - T)
    residual = error / target_norm if target_norm > 0 else error
    return solution[:-1], solution[-1], float(residual)


def _check_rescaled(before, after, factors):
    """Raise ValueError if rescaling overflowed or underflowed a weight.

    ``before`` and ``after`` are the ``(W_in, b, W_out)`` of the layer.
    Factors within [1e-8, 1e8] cannot do either to weights between 1e-29
    and 1e29, even in float32, so only more extreme factors are checked
    entry by entry.
    """
    if 1e-8 <= factors.min() and factors.max() <= 1e8:
        return
    for old, new in zip(before, after):
        tiny = np.finfo(new.dtype).tiny
        lost = (np.abs(new) < tiny) & (np.abs(old) >= tiny)
        if np.all(np.isfinite(new)) and not lost.any():
            continue
        raise ValueError(
            f"The unit factors that match the target RSM range from "
            f"{factors.min():.1e} to {factors.max():.1e}, and the network's "
            f"{new.dtype} weights overflow or underflow when multiplied or "
            f"divided by them. Divide the target RSM by about "
            f"{np.median(factors) ** 2:.1e}, which brings it to the scale of the "
            "layer's RSM."
        )


def fit_target_move(mlp, coefs, intercepts, layer, X, target):
    """Apply the "target" move to hidden layer ``layer``.

    Returns the new weight lists and the info dict described in
    :func:`~sklearn_dln.relu.apply_relu_move`.
    """
    activity, rsm = _parse_target(target, X.shape[0])
    if rsm is not None:
        check_positively_homogeneous(mlp, "target")
    activation = _HIDDEN_ACTIVATIONS[mlp.activation]
    A_prev = _layer_input(mlp, X, layer)
    info = {}

    if activity is not None:
        W_new, b_new, residual = _fit_activity_units(activation, A_prev, activity)
        coefs, intercepts = append_units(coefs, intercepts, layer, W_new, b_new)
        info["n_units_added"] = activity.shape[1]
        info["residual"] = residual

    if rsm is not None:
        W_in, b, _ = layer_weights(coefs, intercepts, layer)
        factors, stats = fit_rsm_factors(A_prev, W_in, b, activation, rsm)
        # Over- and underflow are caught by the check that follows.
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            rescaled = rescale_units(coefs, intercepts, layer, factors)
        _check_rescaled(layer_weights(coefs, intercepts, layer),
                        layer_weights(*rescaled, layer), factors)
        coefs, intercepts = rescaled
        info["factors"] = factors
        info.update(stats)
    return coefs, intercepts, info
