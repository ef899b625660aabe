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

from ._activity import _HIDDEN_ACTIVATIONS, forward_hidden_layers
from ..utils._threads import single_blas_thread
from ._edits import (
    append_units,
    check_positively_homogeneous,
    layer_weights,
    rescale_units,
)
from ._linalg import least_squares

# Bounds of the rescaling factors a_j fitted to an RSM target, relative to
# the best common factor. A factor must stay positive (zero would silence the
# unit and change the function), and the bounds keep the rescaled weights
# within six orders of magnitude of each other.
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
        # Only the upper triangle and the diagonal are read.
        upper = np.triu(rsm, k=1)
        rsm = upper + upper.T + np.diag(np.diag(rsm))
        pairs = rsm[np.triu_indices(n_samples, k=1)]
        if pairs.size == 0 or np.ptp(pairs) <= 1e-12 * np.abs(pairs).max():
            raise ValueError(
                "the target RSM has a constant upper triangle, so it has no "
                "similarity structure to match; it needs at least two distinct "
                "similarities between different samples."
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
    solution = least_squares(design, T)
    achieved = activation(design @ solution)
    target_norm = np.linalg.norm(T)
    error = np.linalg.norm(achieved - T)
    residual = error / target_norm if target_norm > 0 else error
    return solution[:-1], solution[-1], float(residual)


class _RSMTerms:
    """Inner products that give the RSM ``A = H diag(c) H^T`` of any weights ``c``.

    The statistics of ``A`` used here are its Frobenius distance to the
    target ``R`` and the Pearson correlation of their strict upper triangles.
    Both follow from these terms in O(n_samples * n_units + n_units^2)
    operations, so no further n_samples x n_samples product is formed.
    """

    def __init__(self, H, R):
        gram = H.T @ H
        self.M = gram * gram  # <h_j h_j^T, h_k h_k^T>
        self.q = np.einsum("ij,ij->j", R @ H, H)  # <h_j h_j^T, R>
        self.column_sums_sq = H.sum(axis=0) ** 2  # sum of the entries of h_j h_j^T
        self.squares = H * H  # column j: the diagonal of h_j h_j^T
        self.n_samples = H.shape[0]
        self.R_diag = np.diag(R).copy()
        self.R_total = float(R.sum())
        self.R_norm_sq = float(np.sum(R * R))

    def _upper_moments(self, total, trace, norm_sq, diag_sq):
        """Return the sum and sum of squares of a symmetric matrix's strict upper triangle."""
        return (total - trace) / 2.0, (norm_sq - diag_sq) / 2.0

    def target_upper_moments(self):
        return self._upper_moments(
            self.R_total, self.R_diag.sum(), self.R_norm_sq, self.R_diag @ self.R_diag
        )

    def match(self, c):
        """Return the Pearson correlation of the strict upper triangles of ``A`` and
        ``R``, or None when either triangle is constant (to a relative 1e-12)."""
        diag = self.squares @ c
        sum_a, sum_sq_a = self._upper_moments(
            c @ self.column_sums_sq, diag.sum(), c @ self.M @ c, diag @ diag
        )
        sum_r, sum_sq_r = self.target_upper_moments()
        cross = (c @ self.q - diag @ self.R_diag) / 2.0
        n_pairs = self.n_samples * (self.n_samples - 1) / 2.0
        var_a = sum_sq_a - sum_a**2 / n_pairs
        var_r = sum_sq_r - sum_r**2 / n_pairs
        if var_a <= 1e-12 * sum_sq_a or var_r <= 1e-12 * sum_sq_r:
            return None
        r = (cross - sum_a * sum_r / n_pairs) / np.sqrt(var_a * var_r)
        return float(np.clip(r, -1.0, 1.0))

    def relative_residual(self, c):
        """Return ``||A - R||_F / ||R||_F``."""
        distance_sq = c @ self.M @ c - 2.0 * (c @ self.q) + self.R_norm_sq
        return float(np.sqrt(max(distance_sq, 0.0) / self.R_norm_sq))


def _solve_unconstrained(M, q):
    """Return the solution of ``M c = q`` by Cholesky, or None if ``M`` is
    numerically singular (the residual check catches a factorisation that
    succeeds on a singular matrix)."""
    try:
        c = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), q)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(c)):
        return None
    if np.linalg.norm(M @ c - q) > 1e-8 * np.linalg.norm(q):
        return None
    return c


def _solve_box(M, q, start, low, high):
    """Minimise ``c^T M c - 2 q^T c`` over the box ``[low, high]^n`` by L-BFGS-B."""

    def objective(c):
        Mc = M @ c
        return c @ Mc - 2.0 * q @ c, 2.0 * (Mc - q)

    result = scipy.optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=scipy.optimize.Bounds(low, high),
        options={"maxiter": _MAX_ITER_RSM, "ftol": 1e-10, "gtol": 1e-6},
    )
    if result.status == 1:
        warnings.warn(
            f"Fitting the unit factors to the target RSM stopped after "
            f"{_MAX_ITER_RSM} iterations without converging; the factors "
            "found are used and info['rsm_match'] reports the match reached.",
            ConvergenceWarning,
        )
    return result.x, int(result.nit)


def _fit_rsm_factors(terms):
    """Fit factors ``a`` so that ``H diag(a)^2 H^T`` approaches the target ``R``.

    With ``c = a**2``, ``||H diag(c) H^T - R||_F^2 = c^T M c - 2 q^T c +
    ||R||_F^2``: a convex quadratic in ``c``. It is solved in units of ``s``,
    the best common value ``c = s 1``, so that the bounds ``_FACTOR_BOUNDS``
    on ``a / sqrt(s)`` do not depend on the scale of ``R``. The unconstrained
    minimiser is used when it is unique and inside the bounds; otherwise
    L-BFGS-B minimises over the bounds. Units that are silent on every sample
    do not enter the RSM and keep the factor 1.

    Returns the factors and the number of L-BFGS-B iterations (0 when the
    unconstrained minimiser was used).
    """
    active = np.diag(terms.M) > 0
    M = terms.M[np.ix_(active, active)]
    q = terms.q[active]
    common = q.sum() / M.sum() if M.size else 1.0
    if not common > 0:
        common = 1.0
    # Dimensionless problem in c / common, with the objective divided by
    # ||R||_F^2, so the L-BFGS-B tolerances are relative.
    normaliser = max(terms.R_norm_sq, np.finfo(np.float64).tiny)
    M = M * (common**2 / normaliser)
    q = q * (common / normaliser)

    low, high = (bound**2 for bound in _FACTOR_BOUNDS)
    n_iter = 0
    # Matrix-vector products of this size run faster on one thread.
    with single_blas_thread():
        c = _solve_unconstrained(M, q)
        if c is None or np.any(c < low) or np.any(c > high):
            start = np.ones(q.shape[0]) if c is None else np.clip(c, low, high)
            c, n_iter = _solve_box(M, q, start, low, high)

    factors = np.ones(active.shape[0])
    factors[active] = np.sqrt(c * common)
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
        terms = _RSMTerms(H, rsm)
        info["rsm_match_before"] = terms.match(np.ones(H.shape[1]))
        factors, n_iter = _fit_rsm_factors(terms)
        coefs, intercepts = rescale_units(coefs, intercepts, layer, factors)

        # relu(a z) = a relu(z) for a > 0, so the rescaled activity is H * a
        # and its RSM is H diag(a^2) H^T.
        info["factors"] = factors
        info["rsm_match"] = terms.match(factors**2)
        info["rsm_residual"] = terms.relative_residual(factors**2)
        info["rsm_n_iter"] = n_iter
    return coefs, intercepts, info
