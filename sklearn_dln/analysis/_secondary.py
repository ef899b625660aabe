"""Solutions of a primary task that minimise the error on a secondary data set.

Consider all global minima of a two-layer linear network on a primary task.
The end-to-end maps among them that minimise the squared error on secondary
data differ from the least-squares map only on input directions the primary
data never reached (Braun, Grant & Saxe, ICML 2025, Theorem 5.1).
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy.linalg import null_space, svd
from sklearn.utils import check_random_state

from ..linear import decompose_task
from ..utils._validation import Interval, validate_params
from ._network import LinearNetwork, check_task_data

__all__ = ["SecondaryErrorSolution", "minimize_secondary_error"]


@dataclass(frozen=True)
class SecondaryErrorSolution:
    """End-to-end maps of primary-task solutions with least secondary error.

    Attributes
    ----------
    coef : ndarray of shape (n_outputs, n_features)
        The minimiser of least Frobenius norm, ``M_ls + Z P_u`` with
        ``G = 0`` (see :func:`minimize_secondary_error`).
    intercept : ndarray of shape (n_outputs,)
        Offset of the end-to-end map, ``y_mean - coef @ x_mean`` (zeros
        without an intercept).
    free_directions : ndarray of shape (n_features, n_free)
        Orthonormal basis of the input directions that neither the primary
        nor the secondary inputs reach. Every minimiser is
        ``coef + G @ free_directions.T`` for some G of shape
        (n_outputs, n_free), and all of them have the same primary and
        secondary losses.
    primary_loss : float
        ``1/(2P) ||Y - Yhat||^2`` of ``coef`` on the primary data: the
        least-squares loss, since every minimiser solves the primary task.
    secondary_loss : float
        The same on the secondary data, the least any primary solution
        reaches.
    network : LinearNetwork
        A two-layer network realising ``coef``: its minimum weight-norm
        factorisation ``W1 = R S^(1/2) V.T``, ``W2 = U S^(1/2) R.T`` from the
        SVD ``coef = U S V.T``, with biases ``b1 = -W1 x_mean`` and
        ``b2 = y_mean``.
    """

    coef: np.ndarray
    intercept: np.ndarray
    free_directions: np.ndarray
    primary_loss: float
    secondary_loss: float
    network: LinearNetwork

    def end_to_end_map(self, G):
        """Return the minimiser ``coef + G @ free_directions.T``.

        Parameters
        ----------
        G : array-like of shape (n_outputs, n_free)

        Returns
        -------
        coef : ndarray of shape (n_outputs, n_features)
        """
        G = np.asarray(G, dtype=np.float64)
        expected = (self.coef.shape[0], self.free_directions.shape[1])
        if G.shape != expected:
            raise ValueError(f"G has shape {G.shape}; expected {expected}.")
        return self.coef + G @ self.free_directions.T


def _complement_basis(basis, n_features):
    """Return an orthonormal basis of the complement of the columns of ``basis``."""
    if basis.shape[1] == 0:
        return np.eye(n_features)
    return null_space(basis.T)


def _balanced_network(coef, x_mean, y_mean, n_hidden, rng, fit_intercept):
    """Factor ``coef`` as ``W2 W1`` with ``W1 W1.T = W2.T W2`` (minimum weight norm)."""
    U, S, Vt = svd(coef, full_matrices=False)
    tol = max(coef.shape) * np.finfo(np.float64).eps * (S[0] if S.size else 0.0)
    rank = int(np.count_nonzero(S > tol))
    if n_hidden is None:
        n_hidden = max(rank, 1)
    if n_hidden < rank:
        raise ValueError(
            f"n_hidden={n_hidden} is smaller than the rank of the minimising "
            f"end-to-end map, {rank}, so no network of that width realises it. "
            f"Set n_hidden to at least {rank}, or to None."
        )
    # R: an n_hidden x rank matrix with orthonormal columns (polar factor of a
    # Gaussian draw), the rotation freedom of the hidden units.
    draw = rng.standard_normal((n_hidden, rank))
    left, _, right = np.linalg.svd(draw, full_matrices=False)
    R = left @ right
    root = np.sqrt(S[:rank])
    W1 = R @ (root[:, np.newaxis] * Vt[:rank])
    W2 = (U[:, :rank] * root) @ R.T
    b1 = -(W1 @ x_mean)
    return LinearNetwork(W1, W2, b1, y_mean.copy(), fit_intercept=fit_intercept)


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "X_secondary": ["array-like"],
        "y_secondary": ["array-like"],
        "n_hidden": [Interval(Integral, 1, None, closed="left"), None],
        "fit_intercept": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def minimize_secondary_error(
    X,
    y,
    X_secondary,
    y_secondary,
    *,
    n_hidden=None,
    fit_intercept=True,
    random_state=None,
):
    """Find the primary-task solutions with the least error on secondary data.

    Among all global minima of a two-layer linear network trained on the
    primary task ``(X, y)``, returns the end-to-end maps that minimise the
    squared error on ``(X_secondary, y_secondary)``, and a network that
    realises one of them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Primary inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Primary targets.
    X_secondary : array-like of shape (n_secondary, n_features)
        Secondary inputs, for instance a test set.
    y_secondary : array-like of shape (n_secondary,) or (n_secondary, n_outputs)
        Secondary targets.
    n_hidden : int or None, default=None
        Width of the returned network; None uses the rank of the minimising
        map (at least 1).
    fit_intercept : bool, default=True
        Centre both data sets with the means of the primary data, as the
        estimators of this library do; the network's biases then absorb the
        means.
    random_state : int, RandomState instance or None, default=None
        Seed of the rotation of the network's hidden units.

    Returns
    -------
    solution : SecondaryErrorSolution
        The minimum-norm minimiser ``coef``, the basis ``free_directions`` of
        the remaining freedom, both losses and the ``network``.

    Raises
    ------
    ValueError
        If the data sets disagree in their numbers of features or outputs,
        or if ``n_hidden`` is below the rank of the minimising map.

    See Also
    --------
    diagnose_solution : Which regions of the solution manifold a network is in.

    Notes
    -----
    With samples as rows, let :math:`M` be the least-squares map of the
    (centred) primary task, :math:`P_u` the projector onto input directions
    the primary inputs never reach, and :math:`X_s, Y_s` the centred
    secondary data. Every primary solution has an end-to-end map
    :math:`W = M + Z P_u`. The secondary loss
    :math:`\\frac{1}{2 P_s} \\lVert Y_s - X_s W^\\top \\rVert_F^2` is minimised by
    (Braun, Grant & Saxe, 2025, Theorem 5.1)

    .. math::

        Z P_u = (Y_s - X_s M^\\top)^\\top (X_s P_u)^{+\\top}
                + G\\, (I - \\Pi_s) P_u,

    where :math:`\\Pi_s` projects onto the span of the rows of
    :math:`X_s P_u` and G is arbitrary; ``coef`` is the member with
    :math:`G = 0`. The minimisers differ from the least-squares map only on
    directions never seen in the primary data, so they leave the hidden
    representation of the primary inputs unconstrained: better
    generalisation does not require a task-specific representation.

    Directions count as unobserved in the secondary data when their singular
    value in :math:`X_s P_u` is below
    ``max(n_secondary, n_features) * eps`` times the largest singular value
    of :math:`X_s`, the size of the roundoff left by the projection.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.analysis import minimize_secondary_error
    >>> rng = np.random.default_rng(0)
    >>> X = np.hstack([rng.normal(size=(20, 3)), np.zeros((20, 2))])
    >>> true_map = rng.normal(size=(2, 5))
    >>> X_test = rng.normal(size=(30, 5))
    >>> solution = minimize_secondary_error(
    ...     X, X @ true_map.T, X_test, X_test @ true_map.T, fit_intercept=False)
    >>> bool(np.allclose(solution.coef, true_map))
    True
    """
    X, Y = check_task_data(X, y)
    Xs, Ys = check_task_data(
        X_secondary, y_secondary, x_name="X_secondary", y_name="y_secondary"
    )
    if Xs.shape[1] != X.shape[1] or Ys.shape[1] != Y.shape[1]:
        raise ValueError(
            f"The primary data have {X.shape[1]} features and {Y.shape[1]} "
            f"outputs, the secondary data {Xs.shape[1]} and {Ys.shape[1]}; "
            f"both must describe the same inputs and outputs."
        )

    task = decompose_task(X, Y, fit_intercept=fit_intercept)
    M = task.ls_map
    Xs_c = Xs - task.x_mean
    Ys_c = Ys - task.y_mean

    # Secondary residual of the least-squares map, and the secondary inputs in
    # an orthonormal basis N of the never-observed directions, X_s N. Working
    # in that basis, rather than subtracting the observed part from X_s,
    # leaves no roundoff on directions the primary data did observe.
    residual = Ys_c - Xs_c @ M.T
    unobserved_basis = _complement_basis(task.input_basis, X.shape[1])
    u, s, vt = svd(Xs_c @ unobserved_basis, full_matrices=True)
    scale = np.linalg.norm(Xs_c, ord=2) if Xs_c.size else 0.0
    tol = max(Xs.shape) * np.finfo(np.float64).eps * scale
    q = int(np.count_nonzero(s > tol))

    # Z P_u = residual.T (X_s P_u)^+.T, from the SVD X_s N = u s vt.
    reached = unobserved_basis @ vt[:q].T
    correction = ((u[:, :q].T @ residual) / s[:q, np.newaxis]).T @ reached.T
    coef = M + correction
    free_directions = unobserved_basis @ vt[q:].T

    primary_loss = np.sum((Y - task.y_mean - (X - task.x_mean) @ coef.T) ** 2)
    secondary_loss = np.sum((Ys_c - Xs_c @ coef.T) ** 2)
    network = _balanced_network(
        coef,
        task.x_mean,
        task.y_mean,
        n_hidden,
        check_random_state(random_state),
        fit_intercept,
    )
    return SecondaryErrorSolution(
        coef=coef,
        intercept=task.y_mean - coef @ task.x_mean,
        free_directions=free_directions,
        primary_loss=float(primary_loss / (2.0 * X.shape[0])),
        secondary_loss=float(secondary_loss / (2.0 * Xs.shape[0])),
        network=network,
    )
