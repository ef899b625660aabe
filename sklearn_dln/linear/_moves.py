"""Function-preserving moves of a two-layer linear network.

A network is ``y = W2 (W1 x + b1) + b2`` with ``W1`` (n_hidden, n_features) and
``W2`` (n_outputs, n_hidden), the paper's orientation. Every move below keeps
the end-to-end map ``W2 W1`` and the offset ``W2 b1 + b2``, either everywhere
or on the span of the training inputs, as stated per move (Braun, Grant &
Saxe, ICML 2025, Section 3). Symbols follow
:class:`~sklearn_dln.linear.TaskDecomposition`: the observed input basis A
with singular values s, the least-squares map ``M_ls = U diag(S) V.T``, the
fitted outputs in sample coordinates ``F = P diag(N) M.T``, and
``P_u = I - A A.T``, the projector onto input directions never observed in
training.

Biases are handled through the hidden offset ``c = b1 + W1 x_mean``: the
hidden activity of an input is ``W1 (x - x_mean) + c``. A move that replaces
``(W1, W2, c)`` by ``(W1', W2', c')`` sets ``b1' = c' - W1' x_mean`` and
``b2' = b2 + W2 c - W2' c'``, which keeps the output of every input whose
centred part the two end-to-end maps agree on.
"""

from typing import NamedTuple

import numpy as np

from ._regions import polar_factor, weights_from_free_parameters

__all__ = [
    "LINEAR_MOVES",
    "TwoLayerWeights",
    "add_input_null",
    "add_readout_null",
    "change_hidden_basis",
    "column_basis",
    "move_to_task_specific",
    "random_invertible",
    "random_orthogonal",
    "region_residuals",
    "with_biases",
]

LINEAR_MOVES = (
    "invertible",
    "orthogonal",
    "target",
    "task_specific",
    "input_null",
    "readout_null",
)

TASK_SPECIFIC_REGIONS = ("mrns", "mwns")


class TwoLayerWeights(NamedTuple):
    """Weights and biases of a two-layer linear network, paper orientation."""

    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray


def with_biases(network, W1, W2, hidden_offset, x_mean):
    """Return ``TwoLayerWeights(W1, W2, b1', b2')`` with the output offset kept.

    ``hidden_offset`` is the new ``c'``. The output bias absorbs the change of
    ``W2 c``, so inputs on which ``W2 W1`` and the new map agree keep their
    outputs.
    """
    old_offset = network.b1 + network.W1 @ x_mean
    b1 = hidden_offset - W1 @ x_mean
    b2 = network.b2 + network.W2 @ old_offset - W2 @ hidden_offset
    return TwoLayerWeights(W1, W2, b1, b2)


def _rms(W):
    return float(np.sqrt(np.mean(W**2))) if W.size else 0.0


def column_basis(K):
    """Return an orthonormal basis of the column space of ``K``.

    The numerical rank uses the tolerance ``max(K.shape) * eps * s_max``,
    relative to the largest singular value.
    """
    if K.size == 0:
        return np.zeros((K.shape[0], 0))
    u, values, _ = np.linalg.svd(K, full_matrices=False)
    tol = max(K.shape) * np.finfo(np.float64).eps * values[0]
    return u[:, : int(np.count_nonzero(values > tol))]


def random_orthogonal(n, rng):
    """Draw an ``n x n`` orthogonal matrix from the Haar distribution.

    The QR factor of a Gaussian matrix, with the signs of its columns fixed
    by the diagonal of R so that the distribution is uniform.
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


def random_invertible(n, rng, scale):
    """Draw a well-conditioned invertible ``n x n`` matrix and its inverse.

    ``Q = U diag(d) V.T`` with U and V Haar-distributed orthogonal matrices
    and ``log d`` uniform on ``[-scale, scale]``, so the condition number of Q
    is at most ``exp(2 scale)``. The inverse ``V diag(1/d) U.T`` is formed
    from the factors, without solving a linear system.
    """
    left = random_orthogonal(n, rng)
    right = random_orthogonal(n, rng)
    d = np.exp(rng.uniform(-scale, scale, size=n))
    return (left * d) @ right.T, (right / d) @ left.T


def change_hidden_basis(network, Q, Q_inverse):
    """Apply ``W1 -> Q W1``, ``W2 -> W2 Q^-1``, ``b1 -> Q b1``.

    Keeps the whole network function. An orthogonal Q keeps a minimum
    representation-norm or minimum weight-norm solution in its region.
    """
    W1, W2, b1, b2 = network
    return TwoLayerWeights(Q @ W1, W2 @ Q_inverse, Q @ b1, b2.copy())


def add_input_null(network, task, rng, scale):
    """Add ``G P_u`` to ``W1``, G Gaussian with ``scale`` times the RMS entry of W1.

    The outputs and the hidden activity of every input in the span of the
    training inputs stay the same; inputs with a never-observed component
    change. The hidden offset is kept.
    """
    W1 = network.W1
    G = (scale * _rms(W1)) * rng.standard_normal(W1.shape)
    new_W1 = W1 + task.project_unobserved(G)
    offset = network.b1 + W1 @ task.x_mean
    return with_biases(network, new_W1, network.W2.copy(), offset, task.x_mean)


def add_readout_null(network, task, rng, scale):
    """Add ``G3 (I - Pi_H)`` to ``W2``, with ``Pi_H`` the projector onto used hidden directions.

    The hidden directions used by the training inputs are the column space of
    ``W1 A``. G3 is Gaussian with ``scale`` times the RMS entry of W2. The
    outputs of every input in the span of the training inputs stay the same.
    The move changes nothing when the training inputs use every hidden
    direction.
    """
    W1, W2 = network.W1, network.W2
    used = column_basis(W1 @ task.input_basis)
    G3 = (scale * _rms(W2)) * rng.standard_normal(W2.shape)
    G3 = G3 - (G3 @ used) @ used.T
    offset = network.b1 + W1 @ task.x_mean
    return with_biases(network, W1.copy(), W2 + G3, offset, task.x_mean)


def move_to_task_specific(network, task, region):
    """Return the MRNS or MWNS closest to ``network`` with its end-to-end map.

    The rotation R of the target region (Braun, Grant & Saxe, 2025, Theorems
    3.5 and 3.7) solves an orthogonal Procrustes problem. For the MWNS it
    minimises ``||R S^(1/2) V.T - W1||_F``. For the MRNS it minimises the
    distance between the new and the old hidden activity of the training
    inputs. The MRNS also
    keeps the end-to-end map on never-observed inputs, through the minimum
    norm ``G2 P_u``; the MWNS always has the least-squares map there.
    The hidden offset is reset to zero (centred hidden activity).
    """
    W1, W2 = network.W1, network.W2
    n_hidden = W1.shape[0]
    if region == "mwns":
        S, V = task.ls_singular_values, task.ls_right
        R = polar_factor((W1 @ V) * np.sqrt(S))
        new_W1, new_W2 = weights_from_free_parameters("mwns", task, {"R": R})
    elif region == "mrns":
        N, M, P = task.fit_singular_values, task.fit_left, task.fit_sample
        A, s = task.input_basis, task.input_singular_values
        # Old hidden activity in sample coordinates is (W1 A) diag(s) C.T, the
        # new one R diag(N)^(1/2) P.T C.T; their inner product fixes R.
        R = polar_factor(((W1 @ A) * s) @ P * np.sqrt(N))
        zero_null = np.zeros((n_hidden, task.n_features))
        new_W1, new_W2 = weights_from_free_parameters(
            "mrns", task, {"R": R, "G2": zero_null}
        )
        # W2' G2 = W P_u with G2 = R diag(N)^(-1/2) M.T W P_u, because the
        # columns of W P_u lie in the span of M for every global minimum.
        unobserved_map = task.project_unobserved(W2 @ W1)
        G2 = R @ ((M.T @ unobserved_map) / np.sqrt(N)[:, np.newaxis])
        new_W1 = new_W1 + task.project_unobserved(G2)
    else:
        raise ValueError(
            f"Unknown task-specific region {region!r}; valid regions are "
            f"{TASK_SPECIFIC_REGIONS}."
        )
    return with_biases(network, new_W1, new_W2, np.zeros(n_hidden), task.x_mean)


def _ratio(numerator, denominator):
    """Divide, treating a zero denominator as one (an absolute residual)."""
    return numerator / denominator if denominator > 0 else numerator


def _excess(value, minimum):
    """Return ``value / minimum - 1``, or ``value`` itself when the minimum is zero."""
    return value / minimum - 1 if minimum > 0 else value


def region_residuals(task, W1, W2):
    """Compute the residuals and excess norms that are zero on each region.

    With ``Yhat`` the fitted outputs and ``X`` the centred training inputs
    (paper orientation):

    - ``"gls"``: ``||W2 W1 X - Yhat||_F / ||Yhat||_F``;
    - ``"lss"``: ``||W2 W1 - M_ls||_F / ||M_ls||_F``;
    - ``"mrns"``: ``(||W1 X||_F^2 + ||W2||_F^2) / (2 ||Yhat||_*) - 1``;
    - ``"mwns"``: ``(||W1||_F^2 + ||W2||_F^2) / (2 ||M_ls||_*) - 1``.

    The excess norms are non-negative on the set of global minima and zero
    exactly on the MRNS and MWNS. A zero denominator (a task whose fitted
    outputs are zero) gives the numerator itself, an absolute residual.

    Parameters
    ----------
    task : TaskDecomposition
    W1 : ndarray of shape (..., n_hidden, n_features)
    W2 : ndarray of shape (..., n_outputs, n_hidden)

    Returns
    -------
    residuals : dict of str to float or ndarray of shape (...)
    """
    A, s = task.input_basis, task.input_singular_values
    W = W2 @ W1
    # ||Z X||_F = ||Z A diag(s)||_F because X = A diag(s) C.T with C.T C = I.
    fitted = (task.ls_map @ A) * s
    gls = _ratio(
        np.linalg.norm((W @ A) * s - fitted, axis=(-2, -1)),
        float(np.linalg.norm(fitted)),
    )
    lss = _ratio(
        np.linalg.norm(W - task.ls_map, axis=(-2, -1)),
        float(np.linalg.norm(task.ls_map)),
    )
    representation = (
        np.linalg.norm((W1 @ A) * s, axis=(-2, -1)) ** 2
        + np.linalg.norm(W2, axis=(-2, -1)) ** 2
    )
    weights = (
        np.linalg.norm(W1, axis=(-2, -1)) ** 2 + np.linalg.norm(W2, axis=(-2, -1)) ** 2
    )
    return {
        "gls": gls,
        "lss": lss,
        "mrns": _excess(representation, 2 * task.fitted_nuclear_norm()),
        "mwns": _excess(weights, 2 * task.ls_nuclear_norm()),
    }
