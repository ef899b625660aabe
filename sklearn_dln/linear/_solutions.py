"""The four closed-form solution estimators of a two-layer linear network."""

import warnings
from numbers import Integral, Real

from sklearn.exceptions import ConvergenceWarning

from ..utils._validation import Interval
from ._base import _BaseLinearSolution
from ._decomposition import replace_fitted_outputs
from ._solvers import _solve_nuclear_norm, _solve_ridge, _solve_soft_threshold

_COMMON_PARAMETERS = """
    n_hidden : int or None, default=None
        Width of the hidden layer. ``None`` uses
        ``min(n_features, n_outputs)``, which is never smaller than the rank r
        of the least-squares map, the narrowest width that reaches a global
        minimum. A width below r raises ``ValueError`` in :meth:`fit`."""

_COMMON_ATTRIBUTES = """
    coefs_ : list of ndarray
        ``[W1.T, W2.T]`` with shapes (n_features, `n_hidden_`) and
        (`n_hidden_`, `n_outputs_`), the layout of
        :class:`~sklearn.neural_network.MLPRegressor`.
    intercepts_ : list of ndarray
        ``[b1, b2]`` of shapes (`n_hidden_`,) and (`n_outputs_`,). With
        ``fit_intercept=True``, ``b1 = -W1 x_mean`` so the hidden activity of
        the training data has (weighted) mean zero, and ``b2 = y_mean``.
    coef_ : ndarray of shape (`n_outputs_`, n_features) or (n_features,)
        End-to-end map ``W2 W1``, one-dimensional when ``y`` was 1-D, as in
        :class:`~sklearn.linear_model.LinearRegression`.
    intercept_ : ndarray of shape (`n_outputs_`,) or float
        Offset of the end-to-end map.
    hidden_representation_ : ndarray of shape (n_samples, `n_hidden_`)
        Hidden activity of the training inputs, ``transform(X)``. Its Gram
        matrix is the representational similarity matrix (RSM); with
        ``fit_intercept=True`` it is the RSM of the centred activity. Set by
        :meth:`fit` only: after :meth:`partial_fit` the attribute is absent
        (reading it raises an ``AttributeError`` that says so), and after a
        fit on a dask array it is a lazy dask array.
    rank_ : int
        Rank r of the end-to-end map the network implements: the
        least-squares map, or the regularised map when ``alpha > 0``
        (numerical rank with a tolerance relative to the largest singular
        value). It is the narrowest hidden layer that reaches the minimum.
    n_hidden_ : int
        Width of the hidden layer used.
    n_outputs_ : int
        Number of outputs.
    free_parameters_ : dict of str to ndarray
        The dimensionless free parameters that were drawn; passing them
        through the region's constructive formula gives these weights.
    decomposition_ : TaskDecomposition
        Data-determined pieces of the task (least-squares map, its SVD, the
        SVD of the fitted outputs, the observed input directions). They do not
        depend on any penalty.
    statistics_ : SufficientStatistics
        Float64 sufficient statistics of all training data seen (count,
        weight sum, means and a triangular factor of the scatter matrix of
        ``[X, y]``); :meth:`partial_fit` adds to them.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names."""

_COMMON_NOTES = """
    Orientation: X has shape (n_samples, n_features), Y has shape
    (n_samples, n_outputs); the network computes

    .. math::

        \\hat Y = (X W_1^\\top + 1 b_1^\\top) W_2^\\top + 1 b_2^\\top,

    with hidden activity :math:`H = X W_1^\\top + 1 b_1^\\top`. The loss is
    :math:`\\frac{1}{2P}\\lVert \\hat Y - Y \\rVert_F^2` with :math:`P` the
    sum of the sample weights. All four regions implement the least-squares
    fit on the training data, so their predictions there equal those of
    :class:`~sklearn.linear_model.LinearRegression`.

    The fit is exact and non-iterative. It takes one QR decomposition of the
    centred, weighted block ``[X, Y]`` and SVDs of matrices with at most
    ``n_features + n_outputs`` rows, so it never forms an
    ``n_samples x n_samples`` matrix nor ``X.T @ X``, whose condition number
    is the square of that of X. Numerical ranks use a tolerance relative to
    the largest singular value (``max(n_samples, n_features) * eps * s_max``),
    so the fit is equivariant under rescaling of X and y.

    Write the least-squares map as :math:`M = U S V^\\top` and the fitted
    outputs as :math:`\\hat Y = O N M_Y^\\top` (compact SVDs, rank r).

    :meth:`partial_fit` and fits on dask arrays reduce the data to the same
    sufficient statistics chunk by chunk: the weight sum, the weighted means
    and the triangular factor R of the centred weighted block
    ``[X - x_mean, Y - y_mean]`` (R of its QR decomposition), merged across
    chunks with the pairwise update of a centred scatter matrix. R carries
    the information of the cross-products :math:`X^\\top X`,
    :math:`X^\\top Y`, :math:`Y^\\top Y` without squaring the condition
    number, so the streamed network equals the one-shot fit to roundoff."""

_ALPHA_ATTRIBUTES = """
    regularized_decomposition_ : TaskDecomposition
        The decomposition the weights are built from. With ``alpha=0`` it is
        ``decomposition_`` itself. With ``alpha > 0`` its ``ls_*`` fields
        describe the regularised end-to-end map and its ``fit_*`` fields the
        regularised fitted outputs (see Notes); the other fields are those of
        the data. Passing ``free_parameters_`` through the region's
        constructive formula with this decomposition gives these weights."""

_ALPHA_LOSS = """
    With ``alpha > 0`` the network minimises the penalised loss

    .. math::

        \\frac{1}{2P} \\lVert X W_1^\\top W_2^\\top - Y \\rVert_F^2
        + \\frac{\\alpha}{2}\\, \\Omega(W_1, W_2)

    on the centred data (with ``fit_intercept=True``; the biases are not
    penalised), where :math:`P` is the sum of the sample weights, which is
    n_samples without weights, and each row of X and Y counts with its
    weight. ``alpha=0`` gives exactly the unpenalised solution above.
"""


_REFERENCES = """
    .. [1] L. Braun, E. Grant and A. M. Saxe, "Not all solutions are created
       equal: An analytical dissociation of functional and representational
       similarity in deep linear neural networks", Proceedings of the 42nd
       International Conference on Machine Learning (ICML), PMLR 267, 2025."""


def _document(cls):
    cls.__doc__ = (
        cls.__doc__.replace("{parameters}", _COMMON_PARAMETERS)
        .replace("{attributes}", _COMMON_ATTRIBUTES)
        .replace("{alpha_attributes}", _ALPHA_ATTRIBUTES)
        .replace("{notes}", _COMMON_NOTES)
        .replace("{alpha_loss}", _ALPHA_LOSS)
        .replace("{references}", _REFERENCES)
    )
    return cls


_ALPHA_CONSTRAINT = {"alpha": [Interval(Real, 0, None, closed="left")]}


class _ScaledFreeParameters(_BaseLinearSolution):
    _parameter_constraints = {
        **_BaseLinearSolution._parameter_constraints,
        "scale": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self, n_hidden=None, *, scale=1.0, fit_intercept=True, random_state=None
    ):
        super().__init__(
            n_hidden, fit_intercept=fit_intercept, random_state=random_state
        )
        self.scale = scale

    def _free_parameter_scales(self):
        return {"scale": self.scale}


@_document
class GLSRegressor(_ScaledFreeParameters):
    """General linear solution: any global minimum of a two-layer linear network.

    Draws a random member of the set of all weights ``(W1, W2)`` whose network
    fits the training data as well as least squares. Its hidden representation
    is task-agnostic: the free parameters can give it almost any shape, and
    the end-to-end map is free on input directions never seen in training.

    Parameters
    ----------{parameters}
    scale : float, default=1.0
        Standard deviation of the dimensionless free parameters T, E, Z, C
        and G3 (see Notes). ``scale=0`` gives the solution whose first r
        hidden units read the relevant input directions and whose other units
        are silent; larger values make the representation more random and so
        more task-agnostic.
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means, so that the network has
        the biases described under ``intercepts_``. With ``False`` the network
        has no biases, as in Braun, Grant & Saxe (2025).
    random_state : int, RandomState instance or None, default=None
        Seed of the free parameters. It is only read in :meth:`fit`, so two
        fits with the same integer seed give identical networks.

    Attributes
    ----------{attributes}

    See Also
    --------
    LSSRegressor : Global minimum whose end-to-end map is the least-squares map.
    MRNSRegressor : Minimum representation-norm solution.
    MWNSRegressor : Minimum weight-norm solution.

    Notes
    -----{notes}

    A GLS satisfies :math:`X W_1^\\top W_2^\\top = \\hat Y` on the (centred)
    training inputs. The constructive form used here is

    .. math::

        W_1 = \\begin{bmatrix} T \\\\ C \\end{bmatrix}
              \\begin{bmatrix} V^\\top + E P_u \\\\ Z \\end{bmatrix},
        \\qquad
        W_2 = \\begin{bmatrix} ([U S,\\ 0] - G_3 C)\\, T^{-1} & G_3
              \\end{bmatrix},

    where :math:`P_u` projects onto input directions never observed in
    training, Z has :math:`m = \\min(n_{hidden} - r, n_{features} - r)` rows,
    T is an invertible :math:`(r + m) \\times (r + m)` matrix, and Z, C, E
    and G3 are arbitrary. Then :math:`W_2 W_1 = U S (V^\\top + E P_u)`: exact
    on observed inputs and free (through E) elsewhere. The last
    :math:`n_{hidden} - r - m` hidden units mix the first ones through C, and
    G3 is their readout. The dimensionless draws are put in the units of the
    solution: rows of Z and E like the unit rows of :math:`V^\\top`, G3 like
    the readout :math:`U S`, and :math:`T = I + \\Theta_T / (2\\sqrt{r + m})`.

    References
    ----------{references}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import GLSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> gls = GLSRegressor(n_hidden=4, random_state=0).fit(X, Y)
    >>> gls.hidden_representation_.shape
    (20, 4)
    >>> gls.rank_
    3
    """

    _region = "gls"


@_document
class LSSRegressor(_ScaledFreeParameters):
    """Least-squares solution: a global minimum with the least-squares end-to-end map.

    Draws a random member of the set of global minima whose end-to-end map
    ``W2 W1`` equals the minimum-norm least-squares map, which is zero on input
    directions never seen in training. Its hidden representation is as
    unconstrained as that of a general solution (task-agnostic). With
    ``alpha > 0`` the end-to-end map is the ridge regression map instead.

    Parameters
    ----------{parameters}
    alpha : float, default=0.0
        Strength of the penalty ``alpha/2 ||W2 W1||_F^2`` on the end-to-end
        map (see Notes). ``LSSRegressor(alpha=a, fit_intercept=False)`` has
        the end-to-end map of ``Ridge(alpha=P * a, fit_intercept=False)``,
        with P the number of samples (the sum of the sample weights when
        weights are given). Must be non-negative.
    scale : float, default=1.0
        Standard deviation of the dimensionless free parameters T, Z, C and G3
        (see Notes). ``scale=0`` gives the solution whose first r hidden units
        read the relevant input directions and whose other units are silent.
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means; see ``intercepts_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the free parameters, read only in :meth:`fit`.

    Attributes
    ----------{attributes}{alpha_attributes}

    See Also
    --------
    GLSRegressor : Any global minimum.
    MWNSRegressor : The LSS of minimum weight norm.

    Notes
    -----{notes}

    An LSS satisfies :math:`W_2 W_1 = M` exactly. The constructive form is
    that of :class:`GLSRegressor` with :math:`E = 0`:

    .. math::

        W_1 = \\begin{bmatrix} T \\\\ C \\end{bmatrix}
              \\begin{bmatrix} V^\\top \\\\ Z \\end{bmatrix},
        \\qquad
        W_2 = \\begin{bmatrix} ([U S,\\ 0] - G_3 C)\\, T^{-1} & G_3
              \\end{bmatrix}.

    Z may point in any input direction, observed or not, which is what makes
    the representation :math:`H = X W_1^\\top` task-agnostic.
{alpha_loss}
    Here :math:`\\Omega = \\lVert W_2 W_1 \\rVert_F^2`, so the end-to-end map
    is the ridge map :math:`M_\\alpha = Y^\\top X (X^\\top X + P \\alpha
    I)^{-1}`, of the same rank r as M in exact arithmetic. The weights are
    any factorisation of it: the constructive form above with
    :math:`U S V^\\top` the compact SVD of :math:`M_\\alpha`. The free
    parameters have the same shapes as with ``alpha=0``, so the same
    ``random_state`` draws the same values.

    References
    ----------{references}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn_dln import LSSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> lss = LSSRegressor(random_state=0).fit(X, Y)
    >>> bool(np.allclose(lss.coef_, LinearRegression().fit(X, Y).coef_))
    True
    """

    _region = "lss"

    _parameter_constraints = {
        **_ScaledFreeParameters._parameter_constraints,
        **_ALPHA_CONSTRAINT,
    }

    def __init__(
        self,
        n_hidden=None,
        *,
        alpha=0.0,
        scale=1.0,
        fit_intercept=True,
        random_state=None,
    ):
        super().__init__(
            n_hidden,
            scale=scale,
            fit_intercept=fit_intercept,
            random_state=random_state,
        )
        self.alpha = alpha

    def _regularize(self, task):
        if self.alpha > 0:
            task = replace_fitted_outputs(task, _solve_ridge(task, self.alpha))
        self.regularized_decomposition_ = task
        return task


@_document
class MRNSRegressor(_BaseLinearSolution):
    """Minimum representation-norm solution of a two-layer linear network.

    Among all global minima, the one minimising
    ``||H||_F^2 + ||W2||_F^2`` with H the hidden activity of the training
    inputs. Its representational similarity matrix is fixed by the task
    (task-specific): every member has the same RSM, whatever ``random_state``.
    It is also the network least sensitive to (scaled) parameter noise. With
    ``alpha > 0`` it minimises the expected loss under parameter noise of
    variance ``P * alpha`` (see Notes).

    Parameters
    ----------{parameters}
    alpha : float, default=0.0
        Strength of the penalty ``alpha/2 (||H||_F^2 + ||W2||_F^2)`` on the
        hidden activity of the training inputs and the readout weights. The
        singular values of the fitted outputs are soft-thresholded at
        ``P * alpha``, with P the number of samples (the sum of the sample
        weights when weights are given). Must be non-negative.
    null_scale : float, default=0.0
        Standard deviation of the dimensionless free parameter G2, which adds
        first-layer weights on input directions never observed in training.
        They change nothing on the training data (the solution stays an MRNS)
        but change predictions on inputs with such components. ``0`` gives the
        MRNS that is also a least-squares solution.
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means; see ``intercepts_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the rotation R of the hidden units and of G2, read only in
        :meth:`fit`.

    Attributes
    ----------{attributes}{alpha_attributes}

    See Also
    --------
    MWNSRegressor : Minimum weight-norm solution.
    GLSRegressor : Any global minimum.

    Notes
    -----{notes}

    The MRNS (Braun, Grant & Saxe, 2025, Theorem 3.5) is

    .. math::

        H = O N^{1/2} R^\\top, \\qquad W_2 = M_Y N^{1/2} R^\\top,
        \\qquad W_1 = R N^{1/2} O^\\top X^{+\\top} + G_2 P_u,

    with R any matrix with orthonormal columns. Its RSM is
    :math:`H H^\\top = O N O^\\top` and its objective value is
    :math:`\\lVert H \\rVert_F^2 + \\lVert W_2 \\rVert_F^2 = 2 \\lVert \\hat Y
    \\rVert_*`. It is computed without the pseudo-inverse of X through
    :math:`O^\\top X^{+\\top} = N^{-1} M_Y^\\top M`.

    The representation norm is a sum over samples, so sample weights act as
    repetitions of rows. Multiplying all weights by c keeps the function and
    the shape of the RSM but scales the hidden activity by :math:`c^{-1/4}`
    and the readout by :math:`c^{1/4}`.
{alpha_loss}
    Here :math:`\\Omega = \\lVert X W_1^\\top \\rVert_F^2 + \\lVert W_2
    \\rVert_F^2`. Its minimum over the factorisations of given network
    outputs Z is :math:`2 \\lVert Z \\rVert_*`, so the outputs solve
    :math:`\\min_Z \\frac{1}{2P} \\lVert Z - \\hat Y \\rVert_F^2 + \\alpha
    \\lVert Z \\rVert_*`, whose solution soft-thresholds the singular values
    of the fitted outputs: :math:`N_\\alpha = \\max(N - P \\alpha, 0)`. The
    network is the formula above with :math:`N_\\alpha` in place of N, keeping
    only the columns of O and :math:`M_Y` with :math:`N_\\alpha > 0`. Its RSM
    is :math:`O N_\\alpha O^\\top`. ``rank_`` is the number of singular
    values left after thresholding, and ``n_hidden`` must be at least that
    number. R has ``rank_`` columns, so ``free_parameters_`` can have fewer
    columns than with ``alpha=0``. Once ``P * alpha`` reaches the largest
    singular value, the network is zero and ``rank_`` is 0.

    The penalty is the one that parameter noise adds (Braun, Grant & Saxe,
    2025, Section 5). For a network without biases and i.i.d. Gaussian noise
    of variance :math:`\\sigma_1^2` on every entry of :math:`W_1` and
    :math:`\\sigma_2^2` on every entry of :math:`W_2`, the expected loss is

    .. math::

        \\frac{1}{2P} \\Big( \\lVert X W_1^\\top W_2^\\top - Y \\rVert_F^2
        + \\sigma_1^2 \\lVert X \\rVert_F^2 \\lVert W_2 \\rVert_F^2
        + \\sigma_2^2 n_{out} \\lVert X W_1^\\top \\rVert_F^2
        + \\sigma_1^2 \\sigma_2^2 n_{out} n_{hidden} \\lVert X \\rVert_F^2
        \\Big).

    With the scaled variances :math:`\\sigma_1^2 = s^2 / \\lVert X
    \\rVert_F^2` and :math:`\\sigma_2^2 = s^2 / n_{out}` this is the
    penalised loss above with :math:`\\alpha = s^2 / P` plus a constant, so
    ``MRNSRegressor(alpha=s**2 / n_samples, fit_intercept=False)`` is the exact
    minimiser of the expected loss under parameter noise of size
    :math:`s^2`. The test suite checks this expectation by Monte Carlo.

    References
    ----------{references}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> H0 = MRNSRegressor(random_state=0).fit(X, Y).hidden_representation_
    >>> H1 = MRNSRegressor(random_state=1).fit(X, Y).hidden_representation_
    >>> bool(np.allclose(H0 @ H0.T, H1 @ H1.T))
    True
    """

    _region = "mrns"

    _parameter_constraints = {
        **_BaseLinearSolution._parameter_constraints,
        **_ALPHA_CONSTRAINT,
        "null_scale": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_hidden=None,
        *,
        alpha=0.0,
        null_scale=0.0,
        fit_intercept=True,
        random_state=None,
    ):
        super().__init__(
            n_hidden, fit_intercept=fit_intercept, random_state=random_state
        )
        self.alpha = alpha
        self.null_scale = null_scale

    def _free_parameter_scales(self):
        return {"null_scale": self.null_scale}

    def _regularize(self, task):
        if self.alpha > 0:
            outputs = _solve_soft_threshold(task, self.alpha)
            task = replace_fitted_outputs(task, outputs)
        self.regularized_decomposition_ = task
        return task


@_document
class MWNSRegressor(_BaseLinearSolution):
    """Minimum weight-norm solution of a two-layer linear network.

    Among all global minima, the one minimising ``||W1||_F^2 + ||W2||_F^2``,
    the solution that gradient descent from small initial weights finds. Its
    weights are balanced and its RSM is fixed by the task (task-specific).
    With ``alpha > 0`` it is the weight-decay solution, found by nuclear-norm
    regularised regression.

    Parameters
    ----------{parameters}
    alpha : float, default=0.0
        Strength of the weight decay ``alpha/2 (||W1||_F^2 + ||W2||_F^2)``
        (see Notes). ``alpha > 0`` runs an iterative solver; ``alpha=0`` is
        the closed form. Must be non-negative.
    tol : float, default=1e-6
        Stopping tolerance of the solver for ``alpha > 0``: it stops when a
        proximal gradient step moves the end-to-end map by at most ``tol``
        times its norm (Frobenius norms). Unused when ``alpha=0``.
    max_iter : int, default=5000
        Maximum number of solver iterations for ``alpha > 0``. Unused when
        ``alpha=0``.
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means; see ``intercepts_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the rotation R of the hidden units, read only in :meth:`fit`.

    Attributes
    ----------{attributes}{alpha_attributes}
    n_iter_ : int
        Number of solver iterations; 0 when ``alpha=0``.

    See Also
    --------
    MRNSRegressor : Minimum representation-norm solution.
    LSSRegressor : Any global minimum with the least-squares end-to-end map.

    Notes
    -----{notes}

    The MWNS (Braun, Grant & Saxe, 2025, Theorem 3.7) is

    .. math::

        W_1 = R S^{1/2} V^\\top, \\qquad W_2 = U S^{1/2} R^\\top,

    with R any matrix with orthonormal columns, so its RSM is
    :math:`X V S V^\\top X^\\top` and its objective value is
    :math:`2 \\lVert M \\rVert_*`. Every MWNS is a least-squares solution. When
    :math:`X^\\top X = I` it coincides with the MRNS. With covariance-whitened
    inputs, :math:`X^\\top X = P I`, the two have proportional RSMs but
    different weights, because the MRNS representation norm is a sum over
    the P samples.
{alpha_loss}
    Here :math:`\\Omega = \\lVert W_1 \\rVert_F^2 + \\lVert W_2
    \\rVert_F^2`. Its minimum over the factorisations of a map
    :math:`M' = W_2 W_1` is :math:`2 \\lVert M' \\rVert_*`, so the end-to-end
    map solves the convex nuclear-norm regularised regression

    .. math::

        \\min_{M'} \\frac{1}{2P} \\lVert X M'^\\top - Y \\rVert_F^2
        + \\alpha \\lVert M' \\rVert_*.

    It is solved by accelerated proximal gradient with singular value
    soft-thresholding, in the coordinates :math:`A^\\top M'^\\top` of the
    observed input directions (rank k), so each iteration costs an SVD of a
    k x n_outputs matrix and never touches the samples. The weights are then
    the balanced factorisation above with :math:`U S V^\\top` the compact
    SVD of :math:`M'`; ``rank_`` is its rank. When the solver stops at
    ``max_iter`` it emits a ``ConvergenceWarning`` and the network is built
    from the last iterate. The number of iterations grows with the
    condition number of the centred inputs, so standardising X helps. Unlike
    the MRNS there is no closed form unless :math:`X^\\top X = P I`, where
    :math:`M'` soft-thresholds the singular values of M at alpha.

    References
    ----------{references}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MWNSRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    >>> mwns = MWNSRegressor(random_state=0).fit(X, Y)
    >>> W1, W2 = mwns.coefs_[0].T, mwns.coefs_[1].T
    >>> bool(np.allclose(W1 @ W1.T, W2.T @ W2))
    True
    """

    _region = "mwns"

    _parameter_constraints = {
        **_BaseLinearSolution._parameter_constraints,
        **_ALPHA_CONSTRAINT,
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_hidden=None,
        *,
        alpha=0.0,
        tol=1e-6,
        max_iter=5000,
        fit_intercept=True,
        random_state=None,
    ):
        super().__init__(
            n_hidden, fit_intercept=fit_intercept, random_state=random_state
        )
        self.alpha = alpha
        self.tol = tol
        self.max_iter = max_iter

    def _regularize(self, task):
        self.n_iter_ = 0
        if self.alpha > 0:
            outputs, self.n_iter_, converged = _solve_nuclear_norm(
                task, self.alpha, tol=self.tol, max_iter=self.max_iter
            )
            if not converged:
                warnings.warn(
                    f"The nuclear-norm solver of MWNSRegressor stopped at "
                    f"max_iter={self.max_iter} iterations before reaching "
                    f"tol={self.tol}; the network is built from the last "
                    f"iterate. Increase max_iter, increase tol, or standardise "
                    f"X (the iterations grow with its condition number).",
                    ConvergenceWarning,
                )
            task = replace_fitted_outputs(task, outputs)
        self.regularized_decomposition_ = task
        return task
