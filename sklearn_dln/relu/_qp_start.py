"""A guess of the coordinates that end at a bound, to start block principal pivoting.

Pivoting from an empty bound set factorises the whole matrix first and then
binds coordinates a batch at a time. For an RSM target unrelated to the
layer most units end at a bound, and accelerated projected gradient steps
(FISTA) find most of them at the cost of one matrix-vector product each.
On the random RSM target of ``benchmarks/bench_relu.py``, 40 steps put 666
coordinates at a bound, all of them correctly, of the 704 that end there.
The guess took 1.8 ms, and pivoting from it 1.9 ms instead of 15.5 ms. When
few coordinates reach a bound in the first steps, the guess is dropped. For
the label RSM target of the same script, pivoting from a small partial
guess lost the factorisation of the whole matrix that later steps reuse,
and took 13 ms instead of 11.6 ms.
"""

import numpy as np
from scipy.linalg import get_blas_funcs

# Power steps before the Collatz-Wielandt bound on the largest eigenvalue.
_POWER_STEPS = 3
# Programs with fewer coordinates get no guess, because factorising their
# whole matrix takes well under a millisecond. In a stress run of small RSM
# fits with exactly reachable targets, pivoting from the guess also stopped
# short of the optimum more often (78 of 1,593 fits) than from no guess (54).
_MIN_COORDINATES = 128

# After _CHECK_STEPS projected gradient steps, the guess is dropped when
# fewer than _MIN_BOUND_SHARE of the coordinates are at a bound. Otherwise
# the steps go on to _MAX_STEPS.
_CHECK_STEPS = 10
_MIN_BOUND_SHARE = 1 / 8
_MAX_STEPS = 40


class _ScaledMatrix:
    """Products with ``D^{-1} M D^{-1}``, ``D = diag(sqrt(M_jj))``, whose diagonal is one."""

    def __init__(self, M, root):
        self.M, self.root = M, root
        self._symv = get_blas_funcs("symv", (M,))

    def dot(self, vector):
        scaled = (vector / self.root).astype(self.M.dtype)
        product = self._symv(1.0, self.M, scaled, lower=0)
        return product.astype(np.float64) / self.root


def _largest_eigenvalue_bound(matrix, n):
    """Return an upper bound on the largest eigenvalue of a nonnegative matrix.

    For a nonnegative matrix ``A`` and a positive vector ``v``, the largest
    eigenvalue is at most ``max_i (A v)_i / v_i`` (Collatz-Wielandt). A few
    power steps from the ones vector bring ``v`` close to the Perron vector,
    where the bound is tight. The diagonal of ``A`` is one, so ``A v >= v``
    keeps ``v`` positive.
    """
    vector = np.ones(n)
    for _ in range(_POWER_STEPS):
        product = matrix.dot(vector)
        vector = product / product.max()
    return float(np.max(matrix.dot(vector) / vector))


def _no_guess(n):
    """Return two empty masks of ``n`` coordinates."""
    return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)


def guess_bound_sets(M, q, low, high, start):
    """Return masks of the coordinates guessed to end at ``low`` and at ``high``.

    Parameters
    ----------
    M : ndarray of shape (n, n), Fortran-ordered
        The matrix of ``min x^T M x - 2 q^T x`` over ``[low, high]^n``. Only
        its upper triangle is read. Its entries must be nonnegative and its
        diagonal positive, as for the elementwise square of a Gram matrix.
    q : ndarray of shape (n,)
        The linear term.
    low, high : float
        The bounds.
    start : ndarray of shape (n,)
        The point that the projected gradient steps start from.

    Returns
    -------
    lower, upper : ndarray of bool of shape (n,)
        The guess. Both are empty for fewer than 128 coordinates, and when
        fewer than one in eight coordinates reached a bound after 10 steps.

    Notes
    -----
    In the variables ``y = D x`` the matrix ``A = D^{-1} M D^{-1}`` has a
    unit diagonal, and the steps are ``y <- clip(z - (A z - D^{-1} q) / L)``
    with FISTA's momentum ``z``. ``L`` bounds the largest eigenvalue of
    ``A`` from above, so ``1 / L`` is a step length for which FISTA
    converges (though not monotonically).
    """
    n = q.shape[0]
    if n < _MIN_COORDINATES:
        return _no_guess(n)
    root = np.sqrt(np.einsum("ii->i", M).astype(np.float64))
    if not np.all(np.isfinite(root) & (root > 0)):
        return _no_guess(n)

    matrix = _ScaledMatrix(M, root)
    step = 1.0 / _largest_eigenvalue_bound(matrix, n)
    linear = q / root
    lowest, highest = low * root, high * root

    y = np.clip(start * root, lowest, highest)
    z, momentum = y.copy(), 1.0
    for iteration in range(1, _MAX_STEPS + 1):
        y_next = np.clip(z - step * (matrix.dot(z) - linear), lowest, highest)
        momentum_next = (1.0 + np.sqrt(1.0 + 4.0 * momentum**2)) / 2.0
        z = y_next + ((momentum - 1.0) / momentum_next) * (y_next - y)
        y, momentum = y_next, momentum_next

        if iteration == _CHECK_STEPS:
            at_bound = np.count_nonzero(y <= lowest) + np.count_nonzero(y >= highest)
            if at_bound < _MIN_BOUND_SHARE * n:
                return _no_guess(n)
    return y <= lowest, y >= highest
