"""Constructive parameterisation of the four regions of the solution manifold.

Each region maps dimensionless free parameters (a dict of arrays, possibly
with leading batch axes) to weights ``W1`` (n_hidden, n_features) and ``W2``
(n_outputs, n_hidden) in the paper's orientation. Every parameter value gives
a member of the region, so sampling and random walks never leave it.

Symbols follow :class:`~sklearn_dln.linear.TaskDecomposition`: the
least-squares map ``M_ls = U diag(S) V.T``, the fitted outputs
``Yhat = C P diag(N) M.T`` and the observed-input basis A with singular values
s. ``P_u = I - A A.T`` projects onto never-observed input directions.

General and least-squares solutions (GLS, LSS; Braun, Grant & Saxe, 2025,
Theorem 3.1 and Proposition 3.3), with m = min(n_hidden - r, n_features - r)
rows of free input weights and e = n_hidden - r - m hidden units that mix
the first r + m::

    K  = [V.T + E P_u ; Z]                 (r + m, n_features), E = 0 for LSS
    W1 = [T K ; C K]
    W2 = [([U diag(S), 0] - G3 C) T^-1, G3]

so that ``W2 W1 = U diag(S) (V.T + E P_u)`` for every invertible T and every
C and G3: the end-to-end map equals M_ls on observed inputs (GLS) and
everywhere when E = 0 (LSS). G3 spans the readout weights on the directions
the hidden layer never uses, which is the ``G3 (I - H H^+)`` freedom of the
theorem. A full n_hidden x n_hidden mixing matrix in place of
``[[T, 0], [C, I]]`` would add nothing: its extra block is absorbed by C and
G3. Only T is inverted, so a step costs an (r + m)-sized solve.

Minimum representation-norm solution (MRNS, Theorem 3.5)::

    W1 = R diag(N)^(1/2) P.T diag(s)^-1 A.T + G2 P_u,  W2 = M diag(N)^(1/2) R.T

Minimum weight-norm solution (MWNS, Theorem 3.7)::

    W1 = R diag(S)^(1/2) V.T,  W2 = U diag(S)^(1/2) R.T

with R the polar factor (orthonormal columns) of a free Gaussian matrix.
"""

import numpy as np

from ..utils._norms import scaled_norm

__all__ = [
    "REGIONS",
    "free_parameter_shapes",
    "draw_free_parameters",
    "weights_from_free_parameters",
]

REGIONS = ("gls", "lss", "mrns", "mwns")


def _extra_rows(task, n_hidden):
    r, n_features = task.rank, task.n_features
    m = max(min(n_hidden - r, n_features - r), 0)
    return m, n_hidden - r - m


def free_parameter_shapes(region, task, n_hidden):
    """Return the shape of every free parameter of ``region``.

    Parameters
    ----------
    region : {"gls", "lss", "mrns", "mwns"}
    task : TaskDecomposition
    n_hidden : int
        Width of the hidden layer, at least ``task.rank``.

    Returns
    -------
    shapes : dict of str to tuple of int
    """
    r, p, q = task.rank, task.n_features, task.n_outputs
    if region in ("gls", "lss"):
        m, e = _extra_rows(task, n_hidden)
        shapes = {
            "T": (r + m, r + m),
            "Z": (m, p),
            "C": (e, r + m),
            "G3": (q, e),
        }
        if region == "gls":
            shapes["E"] = (r, p)
        return shapes
    if region == "mrns":
        return {"R": (n_hidden, task.fit_singular_values.shape[0]), "G2": (n_hidden, p)}
    if region == "mwns":
        return {"R": (n_hidden, r)}
    raise ValueError(f"Unknown region {region!r}; valid regions are {REGIONS}.")


def draw_free_parameters(region, task, n_hidden, rng, *, scale=1.0, null_scale=0.0):
    """Draw free parameters for one member of ``region``.

    Gaussian entries with standard deviation ``scale`` for GLS and LSS. For
    MRNS and MWNS the rotation R is drawn at unit scale (its polar factor does
    not depend on the scale) and the never-observed component G2 of the MRNS
    has standard deviation ``null_scale``.

    The draws happen in a fixed order whose shapes do not depend on the
    number of samples, so two fits with the same generator seed agree.
    """
    shapes = free_parameter_shapes(region, task, n_hidden)
    theta = {}
    for name in sorted(shapes):
        draw = rng.standard_normal(shapes[name])
        if name == "R":
            theta[name] = draw
        elif name == "G2":
            theta[name] = null_scale * draw
        else:
            theta[name] = scale * draw
    return theta


def weights_from_free_parameters(region, task, theta):
    """Map free parameters to the weights of a member of ``region``.

    Parameters
    ----------
    region : {"gls", "lss", "mrns", "mwns"}
    task : TaskDecomposition
    theta : dict of str to ndarray
        Free parameters with the shapes of :func:`free_parameter_shapes`,
        optionally with the same leading batch axes on every entry.

    Returns
    -------
    W1 : ndarray of shape (..., n_hidden, n_features)
    W2 : ndarray of shape (..., n_outputs, n_hidden)
    """
    if region in ("gls", "lss"):
        return _general_weights(task, theta, with_unobserved=region == "gls")
    if region == "mrns":
        return _mrns_weights(task, theta)
    if region == "mwns":
        return _mwns_weights(task, theta)
    raise ValueError(f"Unknown region {region!r}; valid regions are {REGIONS}.")


def polar_factor(G):
    """Return the polar factor ``U @ Vt`` of ``G`` (orthonormal columns)."""
    if G.shape[-1] == 0:
        return np.zeros(G.shape)
    u, _, vt = np.linalg.svd(G, full_matrices=False)
    return u @ vt


def _general_weights(task, theta, *, with_unobserved):
    T_free, Z, C, G3 = theta["T"], theta["Z"], theta["C"], theta["G3"]
    batch = T_free.shape[:-2]
    n_rows = T_free.shape[-1]
    n_hidden = n_rows + C.shape[-2]
    r, p, q = task.rank, task.n_features, task.n_outputs
    U, S, V = task.ls_left, task.ls_singular_values, task.ls_right

    # Dimensionless parameters are put in the units of the solution. Rows of
    # Z and E scale like the unit rows of V.T and G3 like the readout
    # U diag(S). T perturbs the identity, so its spectrum stays near 1.
    T = T_free * (0.5 / np.sqrt(max(n_rows, 1)))
    diagonal = np.arange(n_rows)
    T[..., diagonal, diagonal] += 1.0
    C = C / np.sqrt(max(n_rows, 1))
    readout_unit = scaled_norm(S) / np.sqrt(r) if r else 0.0
    G3 = G3 * (readout_unit / np.sqrt(n_hidden))

    K = np.empty(batch + (n_rows, p))
    K[..., :r, :] = V.T
    if with_unobserved:
        K[..., :r, :] += task.project_unobserved(theta["E"] / np.sqrt(p))
    K[..., r:, :] = Z / np.sqrt(p)

    W1 = np.empty(batch + (n_hidden, p))
    W1[..., :n_rows, :] = T @ K
    W1[..., n_rows:, :] = C @ K

    readout = -(G3 @ C)
    readout[..., :r] += U * S
    W2 = np.empty(batch + (q, n_hidden))
    W2[..., :n_rows] = np.swapaxes(
        np.linalg.solve(np.swapaxes(T, -1, -2), np.swapaxes(readout, -1, -2)), -1, -2
    )
    W2[..., n_rows:] = G3
    return W1, W2


def _mrns_weights(task, theta):
    R = polar_factor(theta["R"])
    N, M, P = task.fit_singular_values, task.fit_left, task.fit_sample
    A, s = task.input_basis, task.input_singular_values
    root_n = np.sqrt(N)

    # W1 X = R diag(N)^(1/2) O.T with O = C P, so W1 = R diag(N)^(1/2) P.T
    # diag(1/s) A.T on observed inputs (Theorem 3.5 without P x P objects).
    readin = (root_n[:, np.newaxis] * P.T / s[np.newaxis, :]) @ A.T
    W1 = R @ readin
    W2 = (M * root_n) @ np.swapaxes(R, -1, -2)

    if not np.any(theta["G2"]):
        return W1, W2
    rows = max(N.shape[0], 1)
    unit = scaled_norm(readin) / np.sqrt(rows)
    G2 = theta["G2"] * (unit / np.sqrt(task.n_features))
    W1 = W1 + task.project_unobserved(G2)
    return W1, W2


def _mwns_weights(task, theta):
    R = polar_factor(theta["R"])
    U, S, V = task.ls_left, task.ls_singular_values, task.ls_right
    root_s = np.sqrt(S)
    W1 = R @ (root_s[:, np.newaxis] * V.T)
    W2 = (U * root_s) @ np.swapaxes(R, -1, -2)
    return W1, W2
