"""Solvers of the regularised two-layer linear network problems.

Each solver returns the regularised fitted outputs in the sample basis of the
inputs: an array ``F'`` of shape (k, n_outputs) such that the network's
fitted outputs are ``Yhat' = C F'``. :func:`replace_fitted_outputs` turns it
into the decomposition that the constructive formulas of the regions read.

Notation of :class:`TaskDecomposition`: the centred, weighted inputs are
``Xc = C diag(s) A.T`` (k = rank), the targets in the sample basis are
``F = C.T Yc`` and ``lam = P * alpha`` with P the sum of the sample weights.
Every regularised end-to-end map lies in the span of the observed inputs,
because a component on never-observed inputs leaves the data term unchanged
and only increases the penalty, so it is ``M' = F'.T diag(1/s) A.T``.
"""

import numpy as np
from scipy.linalg import svd


def _solve_ridge(task, alpha):
    # Ridge map M' = Yc.T Xc (Xc.T Xc + lam I)^-1, the minimiser of
    # 1/(2P) ||Xc M.T - Yc||^2 + alpha/2 ||M||^2; in the sample basis its
    # outputs are diag(s^2 / (s^2 + lam)) F.
    s = task.input_singular_values
    lam = task.weight_sum * alpha
    shrink = s**2 / (s**2 + lam)
    return shrink[:, np.newaxis] * task.sample_targets


def _solve_soft_threshold(task, alpha):
    # Minimiser Z of 1/(2P) ||Z - Yc||^2 + alpha ||Z||_* over outputs Z in the
    # row space of Xc: the singular values N of Yhat soft-thresholded at lam.
    lam = task.weight_sum * alpha
    values = np.maximum(task.fit_singular_values - lam, 0.0)
    return (task.fit_sample * values) @ task.fit_left.T


def _solve_nuclear_norm(task, alpha, *, tol, max_iter):
    # Nuclear-norm regularised regression, min over M of
    # 1/(2P) ||Xc M.T - Yc||^2 + alpha ||M||_*, in the coordinates G = A.T M.T
    # (k x n_outputs): min 1/2 ||diag(s) G - F||^2 + lam ||G||_*. Accelerated
    # proximal gradient (FISTA) with step 1 / s_max^2, singular value
    # soft-thresholding as the proximal map, and a momentum restart whenever
    # the step turns against the last move. It stops when the proximal
    # gradient step is at most tol times the norm of the iterate.
    s, F = task.input_singular_values, task.sample_targets
    lam = task.weight_sum * alpha
    G = np.zeros_like(F)
    if s.size == 0 or F.size == 0:
        return G, 0, True

    step = 1.0 / s[0] ** 2
    column = s[:, np.newaxis]
    momentum_point, t = G, 1.0
    converged, n_iter = False, 0
    for n_iter in range(1, max_iter + 1):
        gradient = column * (column * momentum_point - F)
        G_next = _shrink_singular_values(momentum_point - step * gradient, step * lam)

        move = np.linalg.norm(G_next - momentum_point)
        if np.vdot(momentum_point - G_next, G_next - G) > 0:
            t = 1.0
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        momentum_point = G_next + ((t - 1.0) / t_next) * (G_next - G)
        G, t = G_next, t_next

        # NOTE: a small step can also mean slow progress along input
        # directions with tiny singular values; no duality gap is checked.
        if move <= tol * np.linalg.norm(G):
            converged = True
            break
    return column * G, n_iter, converged


def _shrink_singular_values(B, threshold):
    """Return ``B`` with its singular values soft-thresholded at ``threshold``."""
    u, values, vt = svd(B, full_matrices=False, check_finite=False)
    values = np.maximum(values - threshold, 0.0)
    keep = values > 0
    return (u[:, keep] * values[keep]) @ vt[keep]
