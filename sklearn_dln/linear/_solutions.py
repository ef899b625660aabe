"""The four closed-form solution estimators of a two-layer linear network."""

from numbers import Real

from ..utils._validation import Interval
from ._base import _BaseLinearSolution

_COMMON_PARAMETERS = """
    n_hidden : int or None, default=None
        Width of the hidden layer. ``None`` uses
        ``min(n_features, n_outputs)``, which is never smaller than the rank r
        of the least-squares map, the narrowest width that reaches a global
        minimum. A width below r raises ``ValueError`` in :meth:`fit`."""

_COMMON_ATTRIBUTES = """
    coefs_ : list of ndarray
        ``[W1.T, W2.T]`` with shapes (n_features, n_hidden_) and
        (n_hidden_, n_outputs_), the layout of
        :class:`~sklearn.neural_network.MLPRegressor`.
    intercepts_ : list of ndarray
        ``[b1, b2]`` of shapes (n_hidden_,) and (n_outputs_,). With
        ``fit_intercept=True``, ``b1 = -W1 x_mean`` so the hidden activity of
        the training data has (weighted) mean zero, and ``b2 = y_mean``.
    coef_ : ndarray of shape (n_outputs_, n_features) or (n_features,)
        End-to-end map ``W2 W1``, one-dimensional when ``y`` was 1-D, as in
        :class:`~sklearn.linear_model.LinearRegression`.
    intercept_ : ndarray of shape (n_outputs_,) or float
        Offset of the end-to-end map.
    hidden_representation_ : ndarray of shape (n_samples, n_hidden_)
        Hidden activity of the training inputs, ``transform(X)``. Its Gram
        matrix is the representational similarity matrix (RSM); with
        ``fit_intercept=True`` it is the RSM of the centred activity.
    rank_ : int
        Rank r of the least-squares map (numerical rank with a tolerance
        relative to the largest singular value).
    n_hidden_ : int
        Width of the hidden layer used.
    n_outputs_ : int
        Number of outputs.
    free_parameters_ : dict of str to ndarray
        The dimensionless free parameters that were drawn; passing them
        through the region's constructive formula gives these weights.
    decomposition_ : TaskDecomposition
        Data-determined pieces of the task (least-squares map, its SVD, the
        SVD of the fitted outputs, the observed input directions).
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
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
    outputs as :math:`\\hat Y = O N M_Y^\\top` (compact SVDs, rank r)."""

_REFERENCES = """
    .. [1] L. Braun, E. Grant and A. M. Saxe, "Not all solutions are created
       equal: An analytical dissociation of functional and representational
       similarity in deep linear neural networks", Proceedings of the 42nd
       International Conference on Machine Learning (ICML), PMLR 267, 2025."""


def _document(cls):
    cls.__doc__ = (
        cls.__doc__.replace("{parameters}", _COMMON_PARAMETERS)
        .replace("{attributes}", _COMMON_ATTRIBUTES)
        .replace("{notes}", _COMMON_NOTES)
        .replace("{references}", _REFERENCES)
    )
    return cls


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
        has no biases, as in the paper.
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

        W_1 = T \\begin{bmatrix} I \\\\ C \\end{bmatrix}
              \\begin{bmatrix} V^\\top + E P_u \\\\ Z \\end{bmatrix},
        \\qquad
        W_2 = \\begin{bmatrix} U S - G_3 C & G_3 \\end{bmatrix} T^{-1},

    where :math:`P_u` projects onto input directions never observed in
    training, T is invertible, and Z, C, E, G3 are arbitrary. Then
    :math:`W_2 W_1 = U S (V^\\top + E P_u)`: exact on observed inputs and
    free (through E) elsewhere. The dimensionless draws are put in the units
    of the solution: rows of Z and E like the unit rows of :math:`V^\\top`,
    G3 like the readout :math:`U S`, and
    :math:`T = I + \\Theta_T / (2\\sqrt{n_{hidden}})`.

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
    unconstrained as that of a general solution (task-agnostic).

    Parameters
    ----------{parameters}
    scale : float, default=1.0
        Standard deviation of the dimensionless free parameters T, Z, C and G3
        (see Notes). ``scale=0`` gives the solution whose first r hidden units
        read the relevant input directions and whose other units are silent.
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means; see ``intercepts_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the free parameters, read only in :meth:`fit`.

    Attributes
    ----------{attributes}

    See Also
    --------
    GLSRegressor : Any global minimum.
    MWNSRegressor : The LSS of minimum weight norm.

    Notes
    -----{notes}

    An LSS satisfies :math:`W_2 W_1 = M` exactly. The constructive form is
    that of :class:`GLSRegressor` with :math:`E = 0`:

    .. math::

        W_1 = T \\begin{bmatrix} I \\\\ C \\end{bmatrix}
              \\begin{bmatrix} V^\\top \\\\ Z \\end{bmatrix},
        \\qquad
        W_2 = \\begin{bmatrix} U S - G_3 C & G_3 \\end{bmatrix} T^{-1}.

    Z may point in any input direction, observed or not, which is what makes
    the representation :math:`H = X W_1^\\top` task-agnostic.

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


@_document
class MRNSRegressor(_BaseLinearSolution):
    """Minimum representation-norm solution of a two-layer linear network.

    Among all global minima, the one minimising
    ``||H||_F^2 + ||W2||_F^2`` with H the hidden activity of the training
    inputs. Its representational similarity matrix is fixed by the task
    (task-specific): every member has the same RSM, whatever ``random_state``.
    It is also the network least sensitive to (scaled) parameter noise.

    Parameters
    ----------{parameters}
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
    ----------{attributes}

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
        "null_scale": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self, n_hidden=None, *, null_scale=0.0, fit_intercept=True, random_state=None
    ):
        super().__init__(
            n_hidden, fit_intercept=fit_intercept, random_state=random_state
        )
        self.null_scale = null_scale

    def _free_parameter_scales(self):
        return {"null_scale": self.null_scale}


@_document
class MWNSRegressor(_BaseLinearSolution):
    """Minimum weight-norm solution of a two-layer linear network.

    Among all global minima, the one minimising ``||W1||_F^2 + ||W2||_F^2``,
    the solution that gradient descent from small initial weights finds. Its
    weights are balanced and its RSM is fixed by the task (task-specific).

    Parameters
    ----------{parameters}
    fit_intercept : bool, default=True
        Centre X and y with their (weighted) means; see ``intercepts_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the rotation R of the hidden units, read only in :meth:`fit`.

    Attributes
    ----------{attributes}

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
    :math:`2 \\lVert M \\rVert_*`. Every MWNS is a least-squares solution; when
    the inputs are whitened it coincides with the MRNS.

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
