"""Sufficient statistics of a linear regression task, mergeable across chunks.

The four closed-form solutions depend on the data only through the sample
count, the weighted means and the weighted scatter matrix of ``[X, Y]``. This
module keeps the scatter matrix as a triangular factor R with
``R.T @ R = sum_i w_i (z_i - c) (z_i - c).T`` (``z_i`` a row of ``[X, Y]``, c
the weighted mean, or zero without an intercept) instead of the
cross-products ``X.T @ X``, ``X.T @ Y`` and ``Y.T @ Y``. Both carry the same
information (:meth:`SufficientStatistics.cross_products` returns the
cross-products), but the factor keeps the condition number of the data where
the cross-products square it, so a streamed fit matches the one-shot QR fit
to roundoff.

Merging two chunks A and B with weight sums ``w_A``, ``w_B`` and means
``m_A``, ``m_B`` uses the pairwise update of the centred scatter matrix,

    S = S_A + S_B + w_A w_B / (w_A + w_B) (m_A - m_B) (m_A - m_B).T,

in factored form: R is the triangular factor of the QR decomposition of
``[R_A ; R_B ; sqrt(w_A w_B / (w_A + w_B)) (m_A - m_B).T]``.
"""

from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack
from threadpoolctl import threadpool_limits

__all__ = ["SufficientStatistics"]

# Reference LAPACK's dgeqrf factors matrices with fewer columns than this
# with its unblocked, level-2 algorithm (the crossover NX of ilaenv).
_BLOCKED_QR_MIN_COLUMNS = 128


@dataclass(frozen=True)
class SufficientStatistics:
    """Float64 sufficient statistics of weighted regression data ``[X, Y]``.

    Attributes
    ----------
    n_features, n_outputs : int
        Number of input and output columns.
    n_samples : int
        Number of rows with positive weight seen so far.
    weight_sum : float
        Sum of the sample weights.
    x_mean, y_mean : ndarray of shape (n_features,), (n_outputs,)
        Weighted means of the inputs and targets.
    factor : ndarray of shape (m, n_features + n_outputs)
        Upper-triangular R with ``m <= n_features + n_outputs``. When
        ``centred`` is true, ``R.T @ R`` is the centred weighted scatter
        matrix ``sum_i w_i (z_i - mean) (z_i - mean).T`` of the rows
        ``z_i = [x_i, y_i]``; otherwise it is the uncentred
        ``sum_i w_i z_i z_i.T``.
    centred : bool
        Whether ``factor`` is centred, which is what ``fit_intercept=True``
        needs.
    """

    n_features: int
    n_outputs: int
    n_samples: int
    weight_sum: float
    x_mean: np.ndarray
    y_mean: np.ndarray
    factor: np.ndarray
    centred: bool

    @classmethod
    def from_arrays(
        cls, X, Y, sample_weight=None, *, centred=True, single_thread=False
    ):
        """Compute the statistics of one chunk of data.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Validated inputs (float64 or float32).
        Y : ndarray of shape (n_samples, n_outputs)
            Validated two-dimensional targets.
        sample_weight : ndarray of shape (n_samples,) or None
            Non-negative weights; rows with zero weight are dropped.
        centred : bool, default=True
            Whether to factor the centred scatter matrix.
        single_thread : bool, default=False
            Run the QR decomposition on one BLAS thread, as suits the small
            chunks of a stream and tasks that dask already runs in parallel.
            With ``False`` one thread is still used below 128 columns.

        Returns
        -------
        statistics : SufficientStatistics
        """
        if sample_weight is None:
            sample_weight = np.ones(X.shape[0])
        D, x_mean, y_mean, weight_sum, n_samples = _weighted_block(
            X, Y, sample_weight, centred
        )
        return cls(
            n_features=X.shape[1],
            n_outputs=Y.shape[1],
            n_samples=n_samples,
            weight_sum=weight_sum,
            x_mean=x_mean,
            y_mean=y_mean,
            factor=triangular_factor(D, single_thread=single_thread),
            centred=centred,
        )

    def merge(self, other):
        """Return the statistics of the union of two chunks.

        Raises
        ------
        ValueError
            If the chunks differ in their number of columns or in centring.
        """
        if (self.n_features, self.n_outputs) != (other.n_features, other.n_outputs):
            raise ValueError(
                f"Cannot merge statistics of data with {other.n_features} features "
                f"and {other.n_outputs} outputs into statistics of data with "
                f"{self.n_features} features and {self.n_outputs} outputs."
            )
        if self.centred != other.centred:
            raise ValueError(
                "Cannot merge centred and uncentred statistics: fit_intercept "
                "changed between chunks. Keep fit_intercept fixed, or call fit."
            )

        weight_sum = self.weight_sum + other.weight_sum
        share = other.weight_sum / weight_sum
        mean_self = np.concatenate([self.x_mean, self.y_mean])
        mean_other = np.concatenate([other.x_mean, other.y_mean])
        mean = mean_self + share * (mean_other - mean_self)

        blocks = [self.factor, other.factor]
        if self.centred:
            # The pairwise update: the scatter about the merged mean gains
            # w_A w_B / (w_A + w_B) times the outer product of the mean gap.
            gap = np.sqrt(self.weight_sum * share) * (mean_other - mean_self)
            blocks.append(gap[np.newaxis, :])
        stacked = np.asfortranarray(np.concatenate(blocks, axis=0))

        return SufficientStatistics(
            n_features=self.n_features,
            n_outputs=self.n_outputs,
            n_samples=self.n_samples + other.n_samples,
            weight_sum=weight_sum,
            x_mean=mean[: self.n_features],
            y_mean=mean[self.n_features :],
            factor=triangular_factor(stacked, single_thread=True),
            centred=self.centred,
        )

    def cross_products(self):
        """Return the weighted, uncentred cross-products of the data.

        Returns
        -------
        xx : ndarray of shape (n_features, n_features)
            ``X.T @ diag(w) @ X``.
        xy : ndarray of shape (n_features, n_outputs)
            ``X.T @ diag(w) @ Y``.
        yy : ndarray of shape (n_outputs, n_outputs)
            ``Y.T @ diag(w) @ Y``.
        """
        scatter = self.factor.T @ self.factor
        if self.centred:
            mean = np.concatenate([self.x_mean, self.y_mean])
            scatter = scatter + self.weight_sum * np.outer(mean, mean)
        p = self.n_features
        return scatter[:p, :p], scatter[:p, p:], scatter[p:, p:]


def triangular_factor(D, *, single_thread=False):
    """Return R of the QR decomposition of ``D`` (overwritten), without Q.

    The unblocked QR of a tall, narrow matrix makes many small BLAS calls.
    Splitting each of them over threads costs more than it gains, so such a
    matrix is factored on one thread, as is every matrix when
    ``single_thread=True``.
    """
    # NOTE: the split is not tuned beyond one 2-core machine shared with
    # other jobs. There, one thread was 5 to 100 times faster for 1,200 x 74
    # and 10,000 x 210 blocks, and about 1.4 times slower for 60,000 x 794.
    n_rows, n_cols = D.shape
    limit_threads = single_thread or n_cols < _BLOCKED_QR_MIN_COLUMNS
    threads = threadpool_limits(1, "blas") if limit_threads else nullcontext()
    with threads:
        _, _, work, info = lapack.dgeqrf(D[: min(n_rows, 64)], lwork=-1)
        lwork = max(int(work[0].real), 64 * n_cols)
        qr, _, _, info = lapack.dgeqrf(D, lwork=lwork, overwrite_a=True)
    if info != 0:
        raise RuntimeError(f"LAPACK dgeqrf failed with info={info}.")
    return np.triu(qr[: min(n_rows, n_cols)])


def _weighted_block(X, Y, sample_weight, centred):
    """Build the Fortran-ordered block ``sqrt(w) * [X - x_mean, Y - y_mean]``.

    Without centring the block is ``sqrt(w) * [X, Y]``; the means are still
    returned, as part of the statistics.
    """
    keep = sample_weight > 0
    if not np.all(keep):
        X, Y, sample_weight = X[keep], Y[keep], sample_weight[keep]
    weight_sum = float(np.sum(sample_weight))
    n_features = X.shape[1]

    x_mean = np.average(X, axis=0, weights=sample_weight).astype(np.float64)
    y_mean = np.average(Y, axis=0, weights=sample_weight).astype(np.float64)

    D = np.empty((X.shape[0], n_features + Y.shape[1]), order="F")
    if centred:
        np.subtract(X, x_mean, out=D[:, :n_features])
        np.subtract(Y, y_mean, out=D[:, n_features:])
    else:
        D[:, :n_features] = X
        D[:, n_features:] = Y
    if np.any(sample_weight != 1.0):
        D *= np.sqrt(sample_weight)[:, np.newaxis]
    return D, x_mean, y_mean, weight_sum, X.shape[0]
