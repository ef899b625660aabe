"""Data-determined pieces of a two-layer linear regression task.

Everything the four solution regions need is computed here from a triangular
factor of the centred, weighted data, never from an n_samples x n_samples
matrix and never from ``X.T @ X`` (which squares the condition number).

Orientation: arrays of samples are rows, as in scikit-learn. The maps below
are in the paper's orientation (outputs x inputs), as in Braun, Grant & Saxe,
"Not all solutions are created equal", ICML 2025: the least-squares map has
the shape of ``LinearRegression.coef_``.
"""

from dataclasses import dataclass, replace

import numpy as np
from scipy.linalg import svd
from sklearn.utils.extmath import svd_flip

from ..utils._norms import scaled_norm
from ._streaming import SufficientStatistics

__all__ = [
    "TaskDecomposition",
    "decompose_factor",
    "decompose_statistics",
    "decompose_task",
    "replace_fitted_outputs",
]


@dataclass(frozen=True)
class TaskDecomposition:
    """Data-determined pieces of a linear regression task.

    Let ``Xc`` (n_samples, n_features) and ``Yc`` (n_samples, n_outputs) be the
    centred inputs and targets with each row multiplied by the square root of
    its sample weight, and let ``Xc = C diag(s) A.T`` be the compact SVD of
    ``Xc`` (C is never formed). The attributes below are exact functions of
    ``Xc.T @ Xc``, ``Xc.T @ Yc`` and ``Yc.T @ Yc``.

    Attributes
    ----------
    n_features, n_outputs : int
        Shape of the task.
    n_samples : int
        Number of rows with positive weight.
    weight_sum : float
        Sum of the sample weights; plays the role of the number of samples P in
        the loss ``1/(2P) ||Y - Yhat||^2``.
    x_mean, y_mean : ndarray of shape (n_features,), (n_outputs,)
        Weighted means used for centring (zeros without an intercept).
    input_basis : ndarray of shape (n_features, k)
        Orthonormal basis A of the observed input directions; k = rank of Xc.
    input_singular_values : ndarray of shape (k,)
        Nonzero singular values s of Xc, in decreasing order.
    sample_targets : ndarray of shape (k, n_outputs)
        ``F = C.T @ Yc``, the targets in the sample basis C. The fitted
        outputs are ``Yhat = C @ F``.
    residual_sum_squares : float
        ``||Yc - Yhat||_F^2``, twice the weight sum times the irreducible loss;
        ``inf`` when it exceeds the float64 range (targets beyond about 1e154).
    ls_map : ndarray of shape (n_outputs, n_features)
        Least-squares map ``M_ls = Yc.T @ pinv(Xc).T``, zero on input
        directions never observed in training.
    ls_left, ls_singular_values, ls_right : ndarrays
        Compact SVD ``M_ls = U diag(S) V.T``; U is (n_outputs, r), S is (r,),
        V is (n_features, r), r = rank of ``M_ls``.
    fit_left, fit_singular_values, fit_sample : ndarrays
        Compact SVD of the fitted outputs in sample coordinates,
        ``F = P diag(N) M.T``: M is (n_outputs, r_fit) (output directions),
        N is (r_fit,), P is (k, r_fit). The sample-space singular vectors of
        Yhat are ``O = C @ P``.
    """

    n_features: int
    n_outputs: int
    n_samples: int
    weight_sum: float
    x_mean: np.ndarray
    y_mean: np.ndarray
    input_basis: np.ndarray
    input_singular_values: np.ndarray
    sample_targets: np.ndarray
    residual_sum_squares: float
    ls_map: np.ndarray
    ls_left: np.ndarray
    ls_singular_values: np.ndarray
    ls_right: np.ndarray
    fit_left: np.ndarray
    fit_singular_values: np.ndarray
    fit_sample: np.ndarray

    @property
    def rank(self):
        """Rank r of the least-squares map, the width a solution needs."""
        return self.ls_singular_values.shape[0]

    @property
    def input_rank(self):
        """Rank k of the centred, weighted inputs."""
        return self.input_singular_values.shape[0]

    def project_unobserved(self, W):
        """Return ``W @ P_u``, with P_u the projector onto never-observed inputs.

        ``W`` may carry leading batch axes; its last axis has n_features.
        """
        A = self.input_basis
        return W - (W @ A) @ A.T

    def fitted_nuclear_norm(self):
        """Return the nuclear norm of the fitted outputs Yhat."""
        return float(np.sum(self.fit_singular_values))

    def ls_nuclear_norm(self):
        """Return the nuclear norm of the least-squares map M_ls."""
        return float(np.sum(self.ls_singular_values))


def _numerical_rank(singular_values, n_rows, n_cols, reference):
    """Count singular values above ``max(n_rows, n_cols) * eps * reference``."""
    if reference <= 0 or singular_values.size == 0:
        return 0
    tol = max(n_rows, n_cols) * np.finfo(np.float64).eps * reference
    return int(np.count_nonzero(singular_values > tol))


def decompose_task(X, Y, *, sample_weight=None, fit_intercept=True):
    """Compute the data-determined pieces of a regression task.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated inputs.
    Y : ndarray of shape (n_samples, n_outputs)
        Validated two-dimensional targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights; rows with zero weight are dropped.
    fit_intercept : bool
        Whether to centre X and Y with their weighted means.

    Returns
    -------
    task : TaskDecomposition
    """
    statistics = SufficientStatistics.from_arrays(
        X, Y, sample_weight, centred=fit_intercept
    )
    return decompose_statistics(statistics)


def decompose_statistics(statistics):
    """Compute the task pieces from the sufficient statistics of the data.

    Parameters
    ----------
    statistics : SufficientStatistics
        Statistics of one chunk or of several merged chunks. Centred
        statistics give the task with an intercept, uncentred ones the task
        without.

    Returns
    -------
    task : TaskDecomposition
    """
    n_features = statistics.n_features
    weight_sum = statistics.weight_sum
    if statistics.centred:
        x_mean, y_mean = statistics.x_mean, statistics.y_mean
    else:
        x_mean = np.zeros(n_features)
        y_mean = np.zeros(statistics.n_outputs)

    # Rounding in the subtraction of a mean leaves noise of order
    # eps * sqrt(weight_sum) * ||mean||, so ranks are judged against that too.
    x_offset = np.sqrt(weight_sum) * scaled_norm(x_mean)
    y_offset = np.sqrt(weight_sum) * scaled_norm(y_mean)

    R = statistics.factor
    return decompose_factor(
        R[:, :n_features],
        R[:, n_features:],
        n_samples=statistics.n_samples,
        weight_sum=weight_sum,
        x_mean=x_mean,
        y_mean=y_mean,
        x_offset=x_offset,
        y_offset=y_offset,
    )


def decompose_factor(
    Rx,
    Ry,
    *,
    n_samples,
    weight_sum,
    x_mean,
    y_mean,
    x_offset=0.0,
    y_offset=0.0,
):
    """Compute the task pieces from a factor of the centred, weighted data.

    Any ``(Rx, Ry)`` with ``[Rx, Ry].T @ [Rx, Ry] = [Xc, Yc].T @ [Xc, Yc]``
    works: the R of a QR decomposition (most accurate), or a square root of
    accumulated cross-products (for streamed data).

    Parameters
    ----------
    Rx : ndarray of shape (m, n_features)
    Ry : ndarray of shape (m, n_outputs)
    n_samples : int
        Rows with positive weight; sets the rank tolerance.
    weight_sum : float
    x_mean, y_mean : ndarray
    x_offset, y_offset : float, default=0.0
        Norms of the subtracted means (times the root of the weight sum); the
        rank tolerances are relative to the larger of these and the data's
        largest singular value.

    Returns
    -------
    task : TaskDecomposition
    """
    n_features, n_outputs = Rx.shape[1], Ry.shape[1]

    # Xc = C diag(s) A.T with C = Q @ u (Q of the QR factorisation, never formed).
    u, s, vt = svd(Rx, full_matrices=False, check_finite=False)
    u, vt = svd_flip(u, vt, u_based_decision=False)
    k = _numerical_rank(
        s, n_samples, n_features, max(s[0] if s.size else 0.0, x_offset)
    )
    A, s = vt[:k].T, s[:k]
    F = u[:, :k].T @ Ry
    residual = Ry - u[:, :k] @ F
    # The sum of squares is the only quantity of the fit that squares the
    # targets. Beyond about 1e154 it exceeds the float64 range and becomes inf.
    with np.errstate(over="ignore"):
        residual_sum_squares = float(np.float64(scaled_norm(residual)) ** 2)

    y_scale = svd(Ry, compute_uv=False, check_finite=False)
    y_reference = max(y_scale[0] if y_scale.size else 0.0, y_offset)
    fit_sample, fit_values, fit_left = _truncated_svd(
        F, _rank_tol(n_samples, n_outputs, y_reference)
    )

    U, S, V, ls_map = _map_pieces(F, A, s, n_samples)

    return TaskDecomposition(
        n_features=n_features,
        n_outputs=n_outputs,
        n_samples=n_samples,
        weight_sum=weight_sum,
        x_mean=x_mean,
        y_mean=y_mean,
        input_basis=A,
        input_singular_values=s,
        sample_targets=F,
        residual_sum_squares=residual_sum_squares,
        ls_map=ls_map,
        ls_left=U,
        ls_singular_values=S,
        ls_right=V,
        fit_left=fit_left,
        fit_singular_values=fit_values,
        fit_sample=fit_sample,
    )


def replace_fitted_outputs(task, outputs):
    """Return ``task`` with its map and fitted outputs replaced by ``outputs``.

    A regularised solution fits the training data with outputs
    ``Yhat' = C @ outputs`` that differ from the least-squares ones. In the
    returned decomposition the ``ls_*`` fields describe the end-to-end map
    ``M' = outputs.T @ diag(1/s) @ A.T``, which is zero on never-observed
    inputs, and the ``fit_*`` fields are the compact SVD of ``outputs``. The
    input pieces, means, ``sample_targets`` and ``residual_sum_squares`` stay
    those of the data. The constructive formulas of the regions then build
    networks with end-to-end map M'.

    Parameters
    ----------
    task : TaskDecomposition
    outputs : ndarray of shape (task.input_rank, task.n_outputs)
        Fitted outputs in the sample basis C of the inputs.

    Returns
    -------
    task : TaskDecomposition
    """
    A, s = task.input_basis, task.input_singular_values
    fit_sample, fit_values, fit_left = _truncated_svd(
        outputs, None, n_rows=task.n_samples, n_cols=task.n_outputs
    )
    U, S, V, ls_map = _map_pieces(outputs, A, s, task.n_samples)
    return replace(
        task,
        ls_map=ls_map,
        ls_left=U,
        ls_singular_values=S,
        ls_right=V,
        fit_left=fit_left,
        fit_singular_values=fit_values,
        fit_sample=fit_sample,
    )


def _map_pieces(F, A, s, n_samples):
    """Return the compact SVD ``(U, S, V)`` and the map ``(A diag(1/s) F).T``."""
    # M = (A diag(1/s) F).T; with G = diag(1/s) F = Pg diag(S) U.T the
    # right singular vectors of M are V = A @ Pg.
    G = F / s[:, np.newaxis] if s.size else F
    Pg, S, U = _truncated_svd(G, None, n_rows=n_samples, n_cols=A.shape[0])
    V = A @ Pg
    ls_map = (U * S) @ V.T
    return U, S, V, ls_map


def _rank_tol(n_rows, n_cols, reference):
    return max(n_rows, n_cols) * np.finfo(np.float64).eps * reference


def _truncated_svd(F, tol, *, n_rows=0, n_cols=0):
    """Return ``(P, N, M)`` with ``F ~= P diag(N) M.T`` keeping values above tol.

    With ``tol=None`` the tolerance is relative to the largest singular value,
    ``max(n_rows, n_cols) * eps * N[0]``. Signs follow the output side M: the
    entry of largest magnitude in each column of M is positive.
    """
    k, n_outputs = F.shape
    if k == 0 or n_outputs == 0:
        return np.zeros((k, 0)), np.zeros(0), np.zeros((n_outputs, 0))
    p, values, mt = svd(F, full_matrices=False, check_finite=False)
    p, mt = svd_flip(p, mt, u_based_decision=False)
    if tol is None:
        tol = _rank_tol(max(n_rows, k), max(n_cols, n_outputs), values[0])
    r = int(np.count_nonzero(values > tol))
    return p[:, :r], values[:r], mt[:r].T
