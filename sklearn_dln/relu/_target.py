"""The "target" move: steer a hidden layer towards a target activity or RSM.

Added units with zero outgoing weights, and positive rescaling of
positively homogeneous units, leave the network's function unchanged, so
both can shape the layer's representation freely (Braun, Grant & Saxe,
ICML 2025, Section 6).
"""

import warnings

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array

from ._blas import blas_threads_for
from ._edits import (
    append_units,
    check_positively_homogeneous,
    layer_weights,
    rescale_units,
)
from ._activity import _HIDDEN_ACTIVATIONS, forward_hidden_layers

# Bounds of the rescaling factors a_j fitted to an RSM target. A factor must
# stay positive (zero would silence the unit and change the function), and
# the bounds keep the rescaled weights within six orders of magnitude.
_FACTOR_BOUNDS = (1e-3, 1e3)
_MAX_ITER_RSM = 1000


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
        rsm = check_array(rsm, dtype=np.float64, input_name="target rsm")
        if rsm.shape != (n_samples, n_samples):
            raise ValueError(
                f"the target RSM must have shape ({n_samples}, {n_samples}), one "
                f"row and column per row of X; got {rsm.shape}."
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
    # gelsy (complete orthogonal factorisation) handles rank-deficient inputs,
    # such as pixels that are zero in every image, and is faster than gelsd.
    with blas_threads_for(design.shape):
        solution, *_ = scipy.linalg.lstsq(
            design, T, lapack_driver="gelsy", check_finite=False
        )
    achieved = activation(design @ solution)
    target_norm = np.linalg.norm(T)
    error = np.linalg.norm(achieved - T)
    residual = error / target_norm if target_norm > 0 else error
    return solution[:-1], solution[-1], float(residual)


def _upper_triangle_correlation(A, B):
    """Return the Pearson correlation of the strict upper triangles of A and B,
    or None when either triangle is constant (the correlation is undefined)."""
    rows, cols = np.triu_indices(A.shape[0], k=1)
    a = A[rows, cols]
    b = B[rows, cols]
    a = a - a.mean()
    b = b - b.mean()
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return None
    return float(np.clip(a @ b / norm, -1.0, 1.0))


def _solve_unconstrained(M, q):
    """Return the solution of ``M c = q`` by Cholesky, or None if ``M`` is
    numerically singular (the residual check catches a factorisation that
    succeeds on a singular matrix)."""
    try:
        c = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), q)
    except scipy.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(c)):
        return None
    if np.linalg.norm(M @ c - q) > 1e-8 * np.linalg.norm(q):
        return None
    return c


def _solve_box(M, q, start, normaliser):
    """Minimise ``c^T M c - 2 q^T c`` over the box of squared factor bounds."""

    def objective(c):
        Mc = M @ c
        value = (c @ Mc - 2.0 * q @ c) / normaliser
        gradient = 2.0 * (Mc - q) / normaliser
        return value, gradient

    low, high = _FACTOR_BOUNDS
    result = scipy.optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=scipy.optimize.Bounds(low**2, high**2),
        options={"maxiter": _MAX_ITER_RSM, "ftol": 1e-15, "gtol": 1e-12},
    )
    if result.status == 1:
        warnings.warn(
            f"Fitting the unit factors to the target RSM stopped after "
            f"{_MAX_ITER_RSM} iterations without converging; the factors "
            "found are used and info['rsm_match'] reports the match reached.",
            ConvergenceWarning,
        )
    return result.x, int(result.nit)


def _fit_rsm_factors(H, R):
    """Fit factors ``a`` so that ``H diag(a)^2 H^T`` approaches ``R``.

    With ``c = a**2``, ``||H diag(c) H^T - R||_F^2 = c^T M c - 2 q^T c +
    ||R||_F^2`` where ``M = (H^T H) * (H^T H)`` (elementwise) and
    ``q_j = h_j^T R h_j``: a convex quadratic in ``c``. Its unconstrained
    minimiser, when unique and inside the box of ``_FACTOR_BOUNDS``, is the
    answer; otherwise L-BFGS-B minimises it over the box. Units that are silent
    on every sample do not enter the RSM and keep the factor 1.

    Returns the factors and the number of L-BFGS-B iterations (0 when the
    unconstrained minimiser was used).
    """
    gram = H.T @ H
    M = gram * gram
    q = np.einsum("ij,ij->j", R @ H, H)
    active = np.diag(M) > 0
    M = M[np.ix_(active, active)]
    q = q[active]

    low, high = _FACTOR_BOUNDS
    c = _solve_unconstrained(M, q)
    n_iter = 0
    if c is None or np.any(c < low**2) or np.any(c > high**2):
        start = np.ones(q.shape[0]) if c is None else np.clip(c, low**2, high**2)
        normaliser = max(float(np.sum(R * R)), np.finfo(np.float64).tiny)
        c, n_iter = _solve_box(M, q, start, normaliser)

    factors = np.ones(H.shape[1])
    factors[active] = np.sqrt(c)
    return factors, n_iter


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
        H = activation(A_prev @ W_in + b)
        target_match = _upper_triangle_correlation(rsm, rsm)
        if target_match is None:
            raise ValueError(
                "the target RSM has a constant upper triangle, so it has no "
                "similarity structure to match."
            )
        factors, n_iter = _fit_rsm_factors(H, rsm)
        coefs, intercepts = rescale_units(coefs, intercepts, layer, factors)

        # relu(a z) = a relu(z) for a > 0, so the rescaled activity is H * a.
        achieved = (H * factors**2) @ H.T
        info["factors"] = factors
        info["rsm_match_before"] = _upper_triangle_correlation(H @ H.T, rsm)
        info["rsm_match"] = _upper_triangle_correlation(achieved, rsm)
        info["rsm_residual"] = float(
            np.linalg.norm(achieved - rsm) / np.linalg.norm(rsm)
        )
        info["rsm_n_iter"] = n_iter
    return coefs, intercepts, info
