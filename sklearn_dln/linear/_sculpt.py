"""Sculpting the hidden representation of a two-layer linear network.

Given a network on the solution manifold, its training inputs X and a target
hidden representation T (n_samples, n_hidden), build a network with the same
end-to-end map whose hidden activity on X is as close to T as the task
allows (Braun, Grant & Saxe, ICML 2025, Section 3: the hidden layer of a
general solution can take almost any representation).

Samples are rows. With Xc the centred inputs, A their observed basis and
``Z = Xc A`` (n_samples, k) the coordinates of the samples, every reachable
centred activity is ``Z G`` for a coefficient matrix G (k, n_hidden), and the
first-layer weights on observed inputs are ``W1 = G.T A.T``. A readout exists
exactly when the centred fitted outputs ``Z (W A).T`` lie in the column space
of ``Z G``; the readout is then ``W2 = (Z G)^+ Z (W A).T``, transposed.
"""

import numpy as np

from ._moves import TwoLayerWeights, column_basis, with_biases

__all__ = ["sculpt_representation"]

# Relative size below which a relevant sample direction counts as already
# contained in the sculpted representation. Roundoff leaves about 1e-15; a real
# gap is of order one.
_MISSING_TOL = 1e-11

# Relative tolerance on the end-to-end map of the sculpted network.
_MAP_RTOL = 1e-8

# Relative tolerance on the part of X outside the observed input directions.
_SPAN_RTOL = 1e-8


def _check_training_inputs(Xc, A, k_rank):
    """Raise unless the centred rows of X span exactly the observed directions."""
    scale = np.linalg.norm(Xc)
    outside = np.linalg.norm(Xc - (Xc @ A) @ A.T)
    if scale > 0 and outside > _SPAN_RTOL * scale:
        raise ValueError(
            f"X has a relative component of {outside / scale:.2e} outside the "
            f"input directions the estimator was fitted on; method='target' "
            f"needs X to be the estimator's training inputs."
        )
    if k_rank < A.shape[1]:
        raise ValueError(
            f"The centred rows of X span {k_rank} of the {A.shape[1]} input "
            f"directions the estimator was fitted on; method='target' needs X "
            f"to be the estimator's training inputs."
        )


def _truncate_irrelevant(irrelevant, n_keep, reference):
    """Keep the best rank-``n_keep`` approximation (Eckart-Young), or all of it.

    Singular values below ``max(shape) * eps * reference`` count as zero;
    ``reference`` is the largest singular value of the whole target, because
    an irrelevant part made of roundoff alone must not count as a rank.
    """
    if n_keep >= min(irrelevant.shape):
        return irrelevant, None
    u, values, vt = np.linalg.svd(irrelevant, full_matrices=False)
    tol = max(irrelevant.shape) * np.finfo(np.float64).eps * reference
    if np.count_nonzero(values > tol) <= n_keep:
        return irrelevant, None
    return (u[:, :n_keep] * values[:n_keep]) @ vt[:n_keep], n_keep


def _complete_relevant(B0, relevant_basis, n_hidden, fallback_amplitude):
    """Make the representation ``B`` (k, n_hidden) contain every relevant direction.

    Returns the repaired ``B`` and a dict describing the repair. The repair
    rule has two steps:

    1. When n_hidden is smaller than k, the irrelevant part of the target
       (orthogonal to the fitted outputs) is truncated to its best rank
       ``n_hidden - r`` approximation, leaving room for the r relevant
       directions.
    2. Each relevant direction still missing from the column space of ``B``
       is added along a hidden direction the representation does not use,
       with the amplitude of the smallest nonzero singular value of ``B`` (or
       ``fallback_amplitude`` when ``B`` is zero).
    """
    O = relevant_basis
    r = O.shape[1]
    relevant = O @ (O.T @ B0)
    reference = np.linalg.norm(B0, ord=2) if B0.size else 0.0
    irrelevant, truncated_rank = _truncate_irrelevant(
        B0 - relevant, n_hidden - r, reference
    )
    B = relevant + irrelevant

    u, values, vt = np.linalg.svd(B, full_matrices=True)
    tol = max(B.shape) * np.finfo(np.float64).eps * (values[0] if values.size else 0)
    rank = int(np.count_nonzero(values > tol)) if values.size else 0
    missing = O - u[:, :rank] @ (u[:, :rank].T @ O)
    missing_u, missing_values, _ = np.linalg.svd(missing, full_matrices=False)
    n_missing = int(np.count_nonzero(missing_values > _MISSING_TOL))

    amplitude = None
    if n_missing:
        if rank + n_missing > n_hidden:
            raise RuntimeError(
                f"The repaired representation needs {rank + n_missing} hidden "
                f"units but the network has {n_hidden}."
            )
        amplitude = float(values[rank - 1]) if rank else float(fallback_amplitude)
        free_directions = vt[rank : rank + n_missing]
        B = B + amplitude * missing_u[:, :n_missing] @ free_directions
    repair = {
        "truncated_rank": truncated_rank,
        "added_directions": n_missing,
        "amplitude": amplitude,
    }
    return B, repair


def sculpt_representation(network, task, X, target, *, fit_intercept):
    """Build a network with the same end-to-end map and hidden activity near ``target``.

    Parameters
    ----------
    network : TwoLayerWeights
        A global minimum of the task (any region).
    task : TaskDecomposition
        The task the network was fitted on.
    X : ndarray of shape (n_samples, n_features)
        The training inputs.
    target : ndarray of shape (n_samples, n_hidden)
        Requested hidden activity of X.
    fit_intercept : bool
        Whether the hidden bias may carry the column means of the target.
        With ``False`` the hidden offset is zero and the whole target is
        sculpted through the weights.

    Returns
    -------
    network : TwoLayerWeights
        The sculpted network: ``W2' W1' = W2 W1`` and ``W2' b1' + b2'`` equals
        the old offset, so it computes the same function everywhere.
    info : dict
        ``"hidden"`` (the new hidden activity of X), ``"residual"``
        (``||hidden - target||_F / ||target||_F``, infinite for a zero target
        that cannot be reproduced), and the repair record of
        :func:`_complete_relevant` (``"truncated_rank"``,
        ``"added_directions"``, ``"amplitude"``).
    """
    W1, W2 = network.W1, network.W2
    n_hidden = W1.shape[0]
    A, x_mean = task.input_basis, task.x_mean
    W = W2 @ W1
    observed_map = W @ A

    Xc = X - x_mean
    Z = Xc @ A
    # NOTE: the target is centred with plain column means even when the
    # network was fitted with sample weights, so with unequal weights the
    # projection is the closest in the unweighted Frobenius norm only.
    if fit_intercept:
        z_mean, t_mean = Z.mean(axis=0), target.mean(axis=0)
    else:
        z_mean, t_mean = np.zeros(Z.shape[1]), np.zeros(n_hidden)
    Z0, T0 = Z - z_mean, target - t_mean

    q_z, sig, vt_z = np.linalg.svd(Z0, full_matrices=False)
    tol = max(Z0.shape) * np.finfo(np.float64).eps * (sig[0] if sig.size else 0.0)
    _check_training_inputs(Xc, A, int(np.count_nonzero(sig > tol)))

    # In the orthonormal sample basis q_z: the reachable part of the target,
    # the centred fitted outputs and the current hidden activity.
    B0 = q_z.T @ T0
    fitted = (sig[:, np.newaxis] * vt_z) @ observed_map.T
    current = (sig[:, np.newaxis] * vt_z) @ (W1 @ A).T
    fallback = np.linalg.norm(current) / np.sqrt(max(fitted.shape[1], 1))
    B, repair = _complete_relevant(B0, column_basis(fitted), n_hidden, fallback)

    coefficients = vt_z.T @ (B / sig[:, np.newaxis])
    new_W2 = np.linalg.lstsq(B, fitted, rcond=None)[0].T
    new_W1 = coefficients.T @ A.T
    # Keep the map on never-observed inputs: its columns lie in the column
    # space of the new readout, so W2'^+ W P_u is mapped back onto W P_u.
    unobserved_map = task.project_unobserved(W)
    new_W1 = new_W1 + task.project_unobserved(np.linalg.pinv(new_W2) @ unobserved_map)

    map_error = np.linalg.norm(new_W2 @ new_W1 - W)
    map_scale = np.linalg.norm(W)
    if map_scale > 0 and map_error > _MAP_RTOL * map_scale:
        raise ValueError(
            f"The sculpted network misses the end-to-end map by a relative "
            f"{map_error / map_scale:.2e}: the estimator's weights are not a "
            f"global minimum of its training task."
        )

    hidden_offset = t_mean - coefficients.T @ z_mean
    sculpted = with_biases(network, new_W1, new_W2, hidden_offset, x_mean)
    hidden = X @ sculpted.W1.T + sculpted.b1
    target_norm = np.linalg.norm(target)
    distance = np.linalg.norm(hidden - target)
    if target_norm > 0:
        residual = float(distance / target_norm)
    else:
        residual = 0.0 if distance == 0 else float("inf")
    info = {"hidden": hidden, "residual": residual, **repair}
    return TwoLayerWeights(*sculpted), info
