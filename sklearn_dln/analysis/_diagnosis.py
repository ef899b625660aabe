"""Region tests for a network's weights, and the task specificity of a representation.

Region tests and the two task-specific representational similarity matrices
of Braun, Grant & Saxe (ICML 2025, Theorems 3.1, 3.5 and 3.7).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from sklearn.utils import check_array

from ..linear import decompose_task
from ..utils._validation import Interval, StrOptions, validate_params
from ._network import check_network_data, check_task_data, network_weights
from ._rsa import COMPARISONS, rsa

__all__ = [
    "SolutionDiagnosis",
    "compute_task_rsm",
    "diagnose_solution",
    "task_specificity",
]

_TASK_SPECIFIC_REGIONS = ("mrns", "mwns")

# RDM metrics that do not change when the hidden units are rotated, so that
# every MRNS (and every MWNS) of a task has the same RDM.
_ROTATION_INVARIANT_METRICS = ("euclidean", "sqeuclidean", "cosine")


@dataclass(frozen=True)
class SolutionDiagnosis:
    """Distances of a network's weights from the four regions of its task.

    Attributes
    ----------
    regions : tuple of str
        The regions, among ``("gls", "lss", "mrns", "mwns")``, whose test
        passes at tolerance ``tol``.
    gls_residual : float
        ``||f(X) - Yhat|| / ||Yhat_c||``: distance of the network's
        predictions f(X) from the least-squares fit on the data, relative to
        the centred fit. Zero exactly on the general linear solutions (GLS).
    lss_residual : float
        ``||W2 W1 - M|| / ||M||`` with M the least-squares map; zero exactly
        when the end-to-end map is the least-squares one (LSS, given GLS).
    representation_excess : float
        ``(||H_c||^2 + ||W2||^2) / (2 ||Yhat_c||_*) - 1`` with
        ``H_c = X_c W1.T``; zero exactly on the MRNS (given GLS).
    weight_excess : float
        ``(||W1||^2 + ||W2||^2) / (2 ||M||_*) - 1``; zero exactly on the MWNS
        (given GLS).
    tol : float
        Relative tolerance of the region tests.
    fit_intercept : bool
        Whether the data were centred with their means before the tests.
    """

    regions: tuple
    gls_residual: float
    lss_residual: float
    representation_excess: float
    weight_excess: float
    tol: float
    fit_intercept: bool


def _decompose(X, Y, fit_intercept):
    task = decompose_task(X, Y, fit_intercept=fit_intercept)
    if task.rank == 0:
        raise ValueError(
            "The least-squares fit of y on X is zero (y has no component that "
            "is linear in X), so every network that outputs the mean is a "
            "solution and the regions coincide. Use a task whose targets "
            "depend on the inputs."
        )
    return task


def _task_representation(task, X, region):
    """Return G (n_samples, r) with ``G @ G.T`` the region's RSM for the task.

    MRNS: ``G = O N^(1/2) = Yhat M N^(-1/2)`` with ``Yhat = X_c M_ls.T`` the
    centred fitted outputs and ``Yhat = O N M.T`` their SVD (Theorem 3.5).
    MWNS: ``G = X_c V S^(1/2)`` from ``M_ls = U S V.T`` (Theorem 3.7).
    Neither route forms an n_samples x n_samples matrix.
    """
    Xc = X - task.x_mean
    if region == "mrns":
        fitted = Xc @ task.ls_map.T
        return (fitted @ task.fit_left) / np.sqrt(task.fit_singular_values)
    return (Xc @ task.ls_right) * np.sqrt(task.ls_singular_values)


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "region": [StrOptions(set(_TASK_SPECIFIC_REGIONS))],
        "fit_intercept": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compute_task_rsm(X, y, *, region="mrns", fit_intercept=True):
    """Compute the representational similarity matrix that a task fixes.

    The minimum representation-norm solution (MRNS) and the minimum
    weight-norm solution (MWNS) of a two-layer linear network each have one
    hidden representation up to a rotation of the hidden units, so one Gram
    RSM ``H @ H.T`` per task.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training inputs of the task.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training targets.
    region : {"mrns", "mwns"}, default="mrns"
        Which task-specific solution.
    fit_intercept : bool, default=True
        Centre X and y with their means first, as the estimators do; the RSM
        is then that of the centred hidden activity.

    Returns
    -------
    rsm : ndarray of shape (n_samples, n_samples)
        Equal to ``H @ H.T`` for the ``hidden_representation_`` of every
        MRNS (or MWNS) estimator fitted to ``(X, y)`` with the same
        ``fit_intercept``.

    See Also
    --------
    task_specificity : Compare any representation with these RSMs.

    Notes
    -----
    With samples as rows, centred inputs :math:`X` and targets :math:`Y`,
    fitted outputs :math:`\\hat Y = O N M^\\top` (compact SVD) and
    least-squares map :math:`M_{ls} = U S V^\\top`,

    .. math::

        \\mathrm{RSM}_{\\mathrm{MRNS}} = O N O^\\top, \\qquad
        \\mathrm{RSM}_{\\mathrm{MWNS}} = X V S V^\\top X^\\top.

    Both are computed from an n_samples x rank factor; the returned matrix
    is the only n_samples x n_samples array formed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MWNSRegressor
    >>> from sklearn_dln.analysis import compute_task_rsm
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> H = MWNSRegressor(random_state=3).fit(X, Y).hidden_representation_
    >>> bool(np.allclose(compute_task_rsm(X, Y, region="mwns"), H @ H.T))
    True
    """
    X, Y = check_task_data(X, y)
    G = _task_representation(_decompose(X, Y, fit_intercept), X, region)
    return G @ G.T


def _relative(value, reference):
    return float(value / reference)


@validate_params(
    {
        "model": "no_validation",
        "X": ["array-like"],
        "y": ["array-like"],
        "tol": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def diagnose_solution(model, X, y, *, tol=1e-6):
    """Test which regions of the solution manifold a network's weights are in.

    Parameters
    ----------
    model : fitted estimator or tuple of (ndarray, ndarray)
        A fitted estimator with ``coefs_ = [W1.T, W2.T]`` and
        ``intercepts_`` (the estimators of this library, or a
        one-hidden-layer :class:`~sklearn.neural_network.MLPRegressor` with
        ``activation="identity"``), or a pair ``(W1, W2)`` in the paper's
        orientation for a network without biases.
    X : array-like of shape (n_samples, n_features)
        Training inputs of the task the network should solve.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training targets.
    tol : float, default=1e-6
        Relative tolerance of every test.

    Returns
    -------
    diagnosis : SolutionDiagnosis
        ``regions`` lists the regions whose test passes; the residuals and
        excess norms give the distances.

    Raises
    ------
    ValueError
        If the least-squares fit of y on X is zero, where the regions are not
        distinguished, or if the shapes of X, y and the weights disagree.

    See Also
    --------
    compute_task_rsm : The RSM a task fixes for the MRNS and MWNS.

    Notes
    -----
    With samples as rows, the network :math:`f(X) = (X W_1^\\top +
    1 b_1^\\top) W_2^\\top + 1 b_2^\\top`, least-squares map :math:`M`, centred
    data :math:`X_c, Y_c` (the data themselves without an intercept) and
    centred fit :math:`\\hat Y_c = X_c M^\\top`, the tests are

    .. math::

        \\frac{\\lVert f(X) - \\hat Y_c - 1 \\bar y^\\top \\rVert_F}
             {\\lVert \\hat Y_c \\rVert_F} \\le \\mathrm{tol} \\;(\\mathrm{GLS}),
        \\qquad
        \\frac{\\lVert W_2 W_1 - M \\rVert_F}{\\lVert M \\rVert_F} \\le
        \\mathrm{tol} \\;(\\mathrm{LSS}),

    .. math::

        \\Big| \\frac{\\lVert X_c W_1^\\top \\rVert_F^2 + \\lVert W_2 \\rVert_F^2}
        {2 \\lVert \\hat Y_c \\rVert_*} - 1 \\Big| \\le \\mathrm{tol}
        \\;(\\mathrm{MRNS}),
        \\qquad
        \\Big| \\frac{\\lVert W_1 \\rVert_F^2 + \\lVert W_2 \\rVert_F^2}
        {2 \\lVert M \\rVert_*} - 1 \\Big| \\le \\mathrm{tol} \\;(\\mathrm{MWNS}),

    the last three only for networks that pass the GLS test, since the
    minimum norms are taken over the general solutions (Braun, Grant & Saxe,
    2025, Theorems 3.5 and 3.7; MWNS within LSS within GLS, MRNS within
    GLS). The GLS test includes the biases: a network whose offset misses
    the mean of y is not a solution.

    The centring uses the unweighted means of X and y when the model was
    fitted with an intercept (``fit_intercept=True``, or any estimator
    without that attribute) and no centring for a weight pair. Networks
    fitted with sample weights are tested against the unweighted task, so
    they generally fail.

    The excess norms are zero at the minimum and grow quadratically with the
    distance from it along the manifold: a general solution at a relative
    distance d from the MRNS has an excess of order d**2. The default
    ``tol=1e-6`` therefore accepts such solutions up to about d = 1e-3, but
    rejects a perturbation of the same size that changes the function.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MWNSRegressor
    >>> from sklearn_dln.analysis import diagnose_solution
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> mwns = MWNSRegressor(random_state=0).fit(X, Y)
    >>> diagnose_solution(mwns, X, Y).regions
    ('gls', 'lss', 'mwns')
    """
    weights = network_weights(model)
    X, Y = check_network_data(weights, X, y)
    # NOTE: there is no sample_weight parameter, so a network fitted with
    # sample weights is tested against the unweighted task and generally fails.
    task = _decompose(X, Y, weights.fit_intercept)
    W1, W2 = weights.W1, weights.W2
    Xc = X - task.x_mean

    fitted = Xc @ task.ls_map.T
    fitted_norm = float(np.sqrt(np.sum(task.fit_singular_values**2)))
    gls_residual = _relative(
        np.linalg.norm(weights.predict(X) - fitted - task.y_mean), fitted_norm
    )
    lss_residual = _relative(
        np.linalg.norm(W2 @ W1 - task.ls_map), np.linalg.norm(task.ls_map)
    )
    representation_norm = np.sum((Xc @ W1.T) ** 2) + np.sum(W2**2)
    representation_excess = representation_norm / (2 * task.fitted_nuclear_norm()) - 1
    weight_norm = np.sum(W1**2) + np.sum(W2**2)
    weight_excess = weight_norm / (2 * task.ls_nuclear_norm()) - 1

    regions = []
    if gls_residual <= tol:
        regions.append("gls")
        if lss_residual <= tol:
            regions.append("lss")
        if abs(representation_excess) <= tol:
            regions.append("mrns")
        if abs(weight_excess) <= tol:
            regions.append("mwns")
    return SolutionDiagnosis(
        regions=tuple(regions),
        gls_residual=gls_residual,
        lss_residual=lss_residual,
        representation_excess=float(representation_excess),
        weight_excess=float(weight_excess),
        tol=float(tol),
        fit_intercept=weights.fit_intercept,
    )


@validate_params(
    {
        "H": ["array-like"],
        "X": ["array-like"],
        "y": ["array-like"],
        "rdm_metric": [StrOptions(set(_ROTATION_INVARIANT_METRICS))],
        "compare": [StrOptions(set(COMPARISONS))],
        "fit_intercept": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def task_specificity(
    H, X, y, *, rdm_metric="euclidean", compare="pearson", fit_intercept=True
):
    """Compare a representation with the two representations a task fixes.

    The MRNS and MWNS of a two-layer linear network each have one RSM per
    task; every other solution type can have almost any representation. The
    RSA between a representation (of a network, or recorded neural activity
    for the task's stimuli) and these two shows whether it carries that task
    structure.

    Parameters
    ----------
    H : array-like of shape (n_samples, n_units)
        Representation of the task's stimuli, rows in the order of ``X``.
    X : array-like of shape (n_samples, n_features)
        Inputs of the task.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets of the task.
    rdm_metric : {"euclidean", "sqeuclidean", "cosine"}, default="euclidean"
        RDM metric; only metrics that ignore rotations of the units are
        allowed, because the task fixes the MRNS and MWNS representations
        only up to such a rotation.
    compare : {"pearson", "spearman", "kendall", "cosine"}, default="pearson"
        Comparison of the two RDMs; see :func:`rsa`. The default, Euclidean
        RDMs compared with Pearson r, is the setting of the paper's Figure 4.
    fit_intercept : bool, default=True
        Centre X and y with their means before computing the task's
        representations, as the estimators do, and centre the columns of H
        too (no change for Euclidean distances).

    Returns
    -------
    specificity : dict
        ``{"mrns": float, "mwns": float}``, the RSA with the MRNS and the
        MWNS representation of the task.

    See Also
    --------
    compute_task_rsm : The two RSMs themselves.
    rsa : The comparison used.

    Notes
    -----
    Both values are 1 for the hidden representation of any MRNS or MWNS
    estimator fitted to ``(X, y)`` with the same ``fit_intercept`` (up to
    roundoff). The MRNS and MWNS representations of one task differ unless
    the inputs are whitened, so a representation scores 1 on at most one of
    the two in general. A low value does not mean that the representation
    belongs to a network that solves the task less well: general and
    least-squares solutions solve it exactly with almost any representation
    (Braun, Grant & Saxe, 2025).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor
    >>> from sklearn_dln.analysis import task_specificity
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> H = MRNSRegressor(random_state=0).fit(X, Y).hidden_representation_
    >>> round(task_specificity(H, X, Y)["mrns"], 6)
    1.0
    """
    H = check_array(H, dtype=np.float64, input_name="H")
    X, Y = check_task_data(X, y)
    if H.shape[0] != X.shape[0]:
        raise ValueError(
            f"H describes {H.shape[0]} stimuli and X {X.shape[0]}; pass one row "
            f"per stimulus of the task in each."
        )
    task = _decompose(X, Y, fit_intercept)
    if fit_intercept:
        H = H - H.mean(axis=0)
    return {
        region: rsa(
            H,
            _task_representation(task, X, region),
            rdm_metric=rdm_metric,
            compare=compare,
        )
        for region in _TASK_SPECIFIC_REGIONS
    }
