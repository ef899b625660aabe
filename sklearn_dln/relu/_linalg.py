"""Null spaces and least squares of training inputs, with a fast path for blank features.

Image data often has features that are zero in every sample (pixels that no
image inks). Their unit vectors are exact null directions of the inputs.
When the other features have full column rank, checked by a condition
estimate of the Cholesky factor of their Gram matrix, the null space is
known without an SVD and least squares reduce to the normal equations.
Otherwise the rank-revealing LAPACK routines (SVD, pivoted QR) run.

Everything here runs BLAS and LAPACK on one thread. On a busy two-core
machine, two threads made the QR factorisation of a 1,000 x 576 matrix 3 to
10 times slower than one thread (30 ms). They made the SVD of the
1,347 x 64 digits training set about 300 times slower.
"""

import numpy as np
import scipy.linalg
from scipy.linalg.lapack import dtrcon

from ..utils._threads import single_blas_thread

# Reciprocal condition number (1-norm estimate) of the inked features above
# which they count as full rank. The rank tolerance of the SVD is about
# max(shape) * eps, far below, so the SVD would find full rank too.
_FULL_RANK_RCOND = 1e-6

# The normal equations lose about cond(A)^2 * eps of relative accuracy, so
# they are used only for cond(A) below about 1e4 (an error near 1e-8).
_NORMAL_EQUATIONS_RCOND = 1e-4


def _used_columns(A):
    """Return the mask of the columns of ``A`` with at least one nonzero entry."""
    return np.any(A != 0, axis=0)


def _cholesky_of_gram(A, min_rcond):
    """Return the Cholesky factor of ``A^T A`` if ``A`` is well conditioned, else None.

    The upper factor ``U`` has the singular values of ``A``, so the 1-norm
    condition estimate of ``U`` (LAPACK ``dtrcon``) measures that of ``A``.
    """
    if A.shape[1] == 0:
        return None
    try:
        upper, lower = scipy.linalg.cho_factor(A.T @ A, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    rcond, info = dtrcon(np.asfortranarray(np.triu(upper)), norm="1", uplo="U")
    if info != 0 or not rcond > min_rcond:
        return None
    return upper, lower


class InputNullSpace:
    """The inputs orthogonal to every training input, with an orthonormal basis.

    Attributes
    ----------
    rank : int
        Numerical rank of the training inputs: singular values above
        ``max(X.shape) * eps * s_max`` count, as in
        ``numpy.linalg.matrix_rank``.
    dim : int
        Dimension of the null space, ``n_features - rank``.
    """

    def __init__(self, n_features, rank, *, basis=None, blank_features=None):
        self.n_features = n_features
        self.rank = rank
        self.dim = n_features - rank
        self._basis = basis
        self._blank_features = blank_features

    @property
    def basis(self):
        """Orthonormal basis, an ndarray of shape (n_features, dim)."""
        if self._basis is None:
            return np.eye(self.n_features)[:, self._blank_features]
        return self._basis

    def combine(self, coordinates):
        """Return ``basis @ coordinates`` for coordinates of shape (dim, k)."""
        if self._basis is None:
            # The basis vectors are the unit vectors of the blank features.
            combined = np.zeros((self.n_features, coordinates.shape[1]))
            combined[self._blank_features] = coordinates
            return combined
        return self._basis @ coordinates


def _svd_null_space(X):
    n_samples, n_features = X.shape
    # Right singular vectors spanning all of R^n_features: the economy SVD
    # has them when n_samples >= n_features, the full one otherwise (whose
    # left factor is then only n_samples x n_samples).
    _, s, Vt = scipy.linalg.svd(
        X, full_matrices=n_samples < n_features, check_finite=False
    )
    tolerance = max(X.shape) * np.finfo(np.float64).eps * (s[0] if s.size else 0.0)
    rank = int(np.count_nonzero(s > tolerance))
    return InputNullSpace(n_features, rank, basis=Vt[rank:].T)


def input_null_space(X):
    """Return the null space of the dense training inputs ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    null_space : InputNullSpace
        The orthogonal complement of the row space of ``X``.
    """
    X = np.asarray(X, dtype=np.float64)
    n_samples, n_features = X.shape
    used = _used_columns(X)
    with single_blas_thread():
        if _cholesky_of_gram(X[:, used], _FULL_RANK_RCOND) is not None:
            return InputNullSpace(
                n_features, int(used.sum()), blank_features=np.flatnonzero(~used)
            )
        return _svd_null_space(X)


def least_squares(A, B, data_dtype=np.float64):
    """Return the minimum-norm solution ``Z`` of ``min ||A Z - B||_F`` in float64.

    Blank columns of ``A`` get zero rows in ``Z``. When the other columns are
    well conditioned the normal equations give the unique solution;
    otherwise LAPACK's ``gelsy`` (QR with column pivoting) does, with
    singular values below ``max(A.shape)`` times the machine epsilon of
    ``data_dtype`` counted as zero. Data that was rounded to float32 has
    singular values of about 1e-7 of the largest that are rounding, which
    would otherwise give weights of 1e7 and more.
    """
    A = np.asarray(A, dtype=np.float64)
    used = _used_columns(A)
    A_used = A[:, used]
    with single_blas_thread():
        factor = _cholesky_of_gram(A_used, _NORMAL_EQUATIONS_RCOND)
        if factor is not None:
            Z = np.zeros((A.shape[1], B.shape[1]))
            Z[used] = scipy.linalg.cho_solve(factor, A_used.T @ B, check_finite=False)
            return Z
        cutoff = max(A.shape) * np.finfo(data_dtype).eps
        Z, *_ = scipy.linalg.lstsq(
            A, B, cond=cutoff, lapack_driver="gelsy", check_finite=False
        )
    return Z
