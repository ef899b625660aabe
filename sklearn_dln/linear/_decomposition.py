"""Data-determined pieces of a two-layer linear regression task.

Everything the four solution regions need is computed here from a triangular
factor of the centred, weighted data, never from an n_samples x n_samples
matrix and never from ``X.T @ X`` (which squares the condition number).

Orientation: arrays of samples are rows, as in scikit-learn. The maps below
are in the paper's orientation (outputs x inputs), as in Braun, Grant & Saxe,
"Not all solutions are created equal", ICML 2025: the least-squares map has
the shape of ``LinearRegression.coef_``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack, svd
from sklearn.utils.extmath import svd_flip

__all__ = ["TaskDecomposition", "decompose_task", "decompose_factor"]


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
        ``||Yc - Yhat||_F^2``, twice the weight sum times the irreducible loss.
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


def _triangular_factor(D):
    """Return R of the QR decomposition of ``D`` (overwritten), without Q."""
    n_rows, n_cols = D.shape
    _, _, work, info = lapack.dgeqrf(D[: min(n_rows, 64)], lwork=-1)
    lwork = max(int(work[0].real), 64 * n_cols)
    qr, _, _, info = lapack.dgeqrf(D, lwork=lwork, overwrite_a=True)
    if info != 0:
        raise RuntimeError(f"LAPACK dgeqrf failed with info={info}.")
    return np.triu(qr[: min(n_rows, n_cols)])


def _centred_weighted_block(X, Y, sample_weight, fit_intercept):
    """Build the Fortran-ordered block ``sqrt(w) * [X - x_mean, Y - y_mean]``."""
    keep = sample_weight > 0
    if not np.all(keep):
        X, Y, sample_weight = X[keep], Y[keep], sample_weight[keep]
    weight_sum = float(np.sum(sample_weight))
    n_features = X.shape[1]

    if fit_intercept:
        x_mean = np.average(X, axis=0, weights=sample_weight).astype(np.float64)
        y_mean = np.average(Y, axis=0, weights=sample_weight).astype(np.float64)
    else:
        x_mean = np.zeros(n_features)
        y_mean = np.zeros(Y.shape[1])

    D = np.empty((X.shape[0], n_features + Y.shape[1]), order="F")
    np.subtract(X, x_mean, out=D[:, :n_features])
    np.subtract(Y, y_mean, out=D[:, n_features:])
    if np.any(sample_weight != 1.0):
        D *= np.sqrt(sample_weight)[:, np.newaxis]
    return D, x_mean, y_mean, weight_sum


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
    if sample_weight is None:
        sample_weight = np.ones(X.shape[0])
    D, x_mean, y_mean, weight_sum = _centred_weighted_block(
        X, Y, sample_weight, fit_intercept
    )
    n_samples, n_features = D.shape[0], X.shape[1]

    # Rounding in the subtraction of a mean leaves noise of order
    # eps * sqrt(weight_sum) * ||mean||, so ranks are judged against that too.
    x_offset = np.sqrt(weight_sum) * np.linalg.norm(x_mean)
    y_offset = np.sqrt(weight_sum) * np.linalg.norm(y_mean)

    R = _triangular_factor(D)
    return decompose_factor(
        R[:, :n_features],
        R[:, n_features:],
        n_samples=n_samples,
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
    residual_sum_squares = float(np.sum(residual**2))

    y_scale = svd(Ry, compute_uv=False, check_finite=False)
    y_reference = max(y_scale[0] if y_scale.size else 0.0, y_offset)
    fit_sample, fit_values, fit_left = _truncated_svd(
        F, _rank_tol(n_samples, n_outputs, y_reference)
    )

    # M_ls = (A diag(1/s) F).T; with G = diag(1/s) F = Pg diag(S) U.T the
    # right singular vectors of M_ls are V = A @ Pg.
    G = F / s[:, np.newaxis] if k else F
    Pg, S, U = _truncated_svd(G, None, n_rows=n_samples, n_cols=n_features)
    V = A @ Pg
    ls_map = (U * S) @ V.T

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
