"""A meta-estimator that walks a network along a region of its solution manifold."""

import copy
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from ..linear._regions import REGIONS
from ..utils._validation import HasMethods, Interval, StrOptions, fit_context
from ._inner import LINEAR_ESTIMATORS, check_on_manifold, estimator_kind, fitted_inner
from ._walk import RegionWalk, noise_factors, start_parameters, walk_generator


class WalkStep(NamedTuple):
    """One step of a walk on the solution manifold.

    Attributes
    ----------
    step : int
        Index of the step; 0 is the starting network.
    coefs : list of ndarray
        ``[W1.T, W2.T]`` of shapes (n_features, n_hidden) and
        (n_hidden, n_outputs).
    intercepts : list of ndarray
        ``[b1, b2]`` of shapes (n_hidden,) and (n_outputs,).
    hidden : ndarray of shape (n_samples, n_hidden)
        Hidden activity of the walked inputs.
    """

    step: int
    coefs: list
    intercepts: list
    hidden: np.ndarray


class ManifoldWalker(
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
    MetaEstimatorMixin,
    BaseEstimator,
):
    """Random walk of a two-layer linear network on a region of its solution manifold.

    Fits (or takes) a closed-form solution and walks its free parameters
    with an Ornstein-Uhlenbeck process. Every step is mapped through the
    region's constructive formula, so every step is exactly a member of the
    region and implements the same function on the training data; there is no
    gradient descent and no re-projection. Weights and hidden activity drift;
    for the minimum representation-norm and minimum weight-norm solutions the
    representational similarity matrix stays fixed, for general and
    least-squares solutions it drifts too.

    Parameters
    ----------
    estimator : estimator object
        A :class:`~sklearn_dln.GLSRegressor`, :class:`~sklearn_dln.LSSRegressor`,
        :class:`~sklearn_dln.MRNSRegressor` or
        :class:`~sklearn_dln.MWNSRegressor`. It is never modified.
    region : {"gls", "lss", "mrns", "mwns"}, default=None
        Region to walk; None walks the estimator's own region, starting from
        the fitted network. Another region starts from a random member of it,
        drawn with ``random_state`` and the estimator's scales.
    n_steps : int, default=100
        Number of steps after the starting network.
    step_size : float, default=5e-3
        The constant a of the update ``theta <- (1 - a) theta + a s xi``.
    noise_scale : float, default=5.0
        The constant s of the update. The stationary standard deviation of
        every free parameter is ``s * sqrt(a / (2 - a))`` times its factor
        (see Notes).
    record : {"hidden", "weights"}, default="hidden"
        ``"hidden"`` stores the hidden activity of the training inputs at
        every step; ``"weights"`` also stores the weights and biases.
    prefit : "auto" or bool, default="auto"
        ``True``: walk ``estimator`` as it is (it must be fitted, otherwise
        :class:`~sklearn.exceptions.NotFittedError`); ``False``: fit a clone on
        ``(X, y)``; ``"auto"``: ``True`` when ``estimator`` is fitted. With a
        prefit estimator, ``X`` must be its training inputs.
    random_state : int, RandomState instance or None, default=None
        Seed of the walk noise, read only in :meth:`fit` and
        :meth:`iter_walk`.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted starting network (the inner estimator).
    region_ : str
        The region walked.
    hidden_representations_ : ndarray of shape (n_steps + 1, n_samples, n_hidden)
        Hidden activity of the training inputs at every step; index 0 is the
        starting network.
    coefs_path_ : list of ndarray
        ``record="weights"`` only: ``[W1.T, W2.T]`` at every step, of shapes
        (n_steps + 1, n_features, n_hidden) and (n_steps + 1, n_hidden,
        n_outputs).
    intercepts_path_ : list of ndarray
        ``record="weights"`` only: ``[b1, b2]`` at every step, of shapes
        (n_steps + 1, n_hidden) and (n_steps + 1, n_outputs).
    coefs_ : list of ndarray
        ``[W1.T, W2.T]`` of the last step.
    intercepts_ : list of ndarray
        ``[b1, b2]`` of the last step.
    coef_ : ndarray of shape (n_outputs, n_features) or (n_features,)
        End-to-end map ``W2 W1`` of the last step.
    intercept_ : ndarray of shape (n_outputs,) or float
        Output offset of the last step.
    free_parameters_ : dict of str to ndarray
        Free parameters of the last step.
    n_hidden_ : int
        Width of the hidden layer.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names.

    See Also
    --------
    FunctionPreservingReshaper : A single function-preserving move.
    sklearn_dln.analysis.decoder_drift : Error of a fixed readout along a walk.

    Notes
    -----
    Samples are rows; every step t is a network

    .. math::

        \\hat Y = (X W_1^{(t)\\top} + 1 b_1^{(t)\\top}) W_2^{(t)\\top} + 1 b_2^\\top,
        \\qquad b_1^{(t)} = -W_1^{(t)} \\bar x,

    with :math:`(W_1^{(t)}, W_2^{(t)}) = \\phi(\\theta^{(t)})`, the constructive
    formula of the region applied to the free parameters, and

    .. math::

        \\theta^{(t)} = (1 - a)\\, \\theta^{(t-1)} + a\\, s\\, f\\, \\xi^{(t)},
        \\qquad \\xi^{(t)} \\sim \\mathcal N(0, I),

    where f is the estimator's scale of that parameter: ``scale`` for the
    parameters of general and least-squares solutions, ``null_scale`` for the
    never-observed weights of an MRNS, and 1 for the rotations of the MRNS and
    MWNS (mapped through their polar factor). A parameter the estimator pins to
    zero therefore stays zero. The predictions on inputs in the span of the
    training inputs are the same at every step; a general solution's
    predictions on never-observed input directions drift with the walk.

    Steps are generated and mapped in blocks of up to 256 with stacked
    linear algebra, and each block of general or least-squares steps is
    checked against the fitted outputs (relative tolerance 1e-8). For
    networks of at most 256 hidden units the walk runs BLAS on one thread.
    When a walk has several blocks of many free parameters, a worker thread
    draws the noise of the next blocks while the current one is mapped; the
    steps are the same either way.

    References
    ----------
    .. [1] L. Braun, E. Grant and A. M. Saxe, "Not all solutions are created
       equal: An analytical dissociation of functional and representational
       similarity in deep linear neural networks", Proceedings of the 42nd
       International Conference on Machine Learning (ICML), PMLR 267, 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor
    >>> from sklearn_dln.transformers import ManifoldWalker
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(3, 8)), rng.normal(size=(3, 3))
    >>> walker = ManifoldWalker(MRNSRegressor(n_hidden=4, random_state=0),
    ...                         n_steps=50, random_state=0).fit(X, Y)
    >>> walker.hidden_representations_.shape
    (51, 3, 4)
    >>> H0, H1 = walker.hidden_representations_[[0, -1]]
    >>> bool(np.allclose(H0 @ H0.T, H1 @ H1.T)), bool(np.allclose(H0, H1))
    (True, False)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "region": [StrOptions(set(REGIONS)), None],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "step_size": [Interval(Real, 0, 1, closed="both")],
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "record": [StrOptions({"hidden", "weights"})],
        "prefit": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        region=None,
        n_steps=100,
        step_size=5e-3,
        noise_scale=5.0,
        record="hidden",
        prefit="auto",
        random_state=None,
    ):
        self.estimator = estimator
        self.region = region
        self.n_steps = n_steps
        self.step_size = step_size
        self.noise_scale = noise_scale
        self.record = record
        self.prefit = prefit
        self.random_state = random_state

    def _start(self, X, y, sample_weight):
        """Fit or take the inner estimator and set up the walk."""
        if estimator_kind(self.estimator) != "linear":
            raise TypeError(
                f"ManifoldWalker walks the closed-form linear solutions only "
                f"({LINEAR_ESTIMATORS}); got {type(self.estimator).__name__}."
            )
        check_on_manifold(self.estimator)
        estimator = fitted_inner(self.estimator, self.prefit, X, y, sample_weight)
        X_checked = np.asarray(
            validate_data(self, X, dtype=[np.float64, np.float32]), dtype=np.float64
        )
        if X_checked.shape[1] != estimator.n_features_in_:
            raise ValueError(
                f"X has {X_checked.shape[1]} features, but the prefit "
                f"{type(estimator).__name__} was fitted on "
                f"{estimator.n_features_in_}."
            )
        task = estimator.decomposition_
        region = estimator._region if self.region is None else self.region
        n_hidden = estimator.n_hidden_
        needed = task.fit_singular_values.shape[0] if region == "mrns" else task.rank
        if n_hidden < needed:
            raise ValueError(
                f"Region {region!r} of this task needs at least {needed} hidden "
                f"units, but the estimator has n_hidden={n_hidden}. Set "
                f"n_hidden to at least {needed}."
            )

        rng = walk_generator(self.random_state)
        theta = start_parameters(estimator, region, task, n_hidden, rng)
        walk = RegionWalk(
            task,
            region,
            theta,
            noise_factors(estimator, region, task, n_hidden),
            self.step_size,
            self.noise_scale,
            X_checked - task.x_mean,
            rng,
        )
        return estimator, region, walk

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Fit the starting network when needed and walk its region.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Training targets; needed only when the inner estimator is fitted
            here.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the inner estimator's ``fit``; not allowed with a
            prefit estimator.

        Returns
        -------
        self : object
            The fitted walker.
        """
        estimator, region, walk = self._start(X, y, sample_weight)
        task = estimator.decomposition_
        n_hidden, n_samples = estimator.n_hidden_, walk.Xc.shape[0]
        n_states = self.n_steps + 1

        hidden = np.empty((n_states, n_samples, n_hidden))
        if self.record == "weights":
            W1_path = np.empty((n_states, task.n_features, n_hidden))
            W2_path = np.empty((n_states, n_hidden, task.n_outputs))
        for first, W1, W2, H in walk.blocks(self.n_steps, n_hidden, hidden_out=hidden):
            stop = first + H.shape[0]
            if self.record == "weights":
                W1_path[first:stop] = np.swapaxes(W1, -1, -2)
                W2_path[first:stop] = np.swapaxes(W2, -1, -2)

        self.estimator_ = estimator
        self.region_ = region
        self.n_hidden_ = n_hidden
        self.hidden_representations_ = hidden
        self.free_parameters_ = walk.theta
        if self.record == "weights":
            b1_path = -(W1_path.swapaxes(-1, -2) @ task.x_mean)
            b2_path = np.broadcast_to(task.y_mean, (n_states, task.n_outputs)).copy()
            self.coefs_path_ = [W1_path, W2_path]
            self.intercepts_path_ = [b1_path, b2_path]
        self._set_last_step(task, W1[-1], W2[-1], np.ndim(estimator.coef_) == 1)
        return self

    def _set_last_step(self, task, W1, W2, y_is_1d):
        b1 = -(W1 @ task.x_mean)
        b2 = task.y_mean.copy()
        self.coefs_ = [np.ascontiguousarray(W1.T), np.ascontiguousarray(W2.T)]
        self.intercepts_ = [b1, b2]
        coef = W2 @ W1
        intercept = W2 @ b1 + b2
        if y_is_1d:
            self.coef_ = coef[0]
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = coef
            self.intercept_ = intercept

    def iter_walk(self, X, y=None, sample_weight=None):
        """Walk like :meth:`fit` and yield the steps one at a time.

        Only one block of steps is held in memory at a time, so memory does
        not grow with ``n_steps``. With the same ``random_state`` the steps
        equal those :meth:`fit` records. The walker itself is not modified.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Training targets; needed only when the inner estimator is fitted
            here.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the inner estimator's ``fit``.

        Yields
        ------
        step : WalkStep
            Step index, ``[W1.T, W2.T]``, ``[b1, b2]`` and the hidden activity
            of ``X``, for steps 0 to ``n_steps``.
        """
        self._validate_params()
        # A shallow copy takes the feature checks, so the walker stays as it was.
        estimator, _, walk = copy.copy(self)._start(X, y, sample_weight)
        task = estimator.decomposition_
        b2 = task.y_mean
        n_hidden = estimator.n_hidden_
        for first, W1, W2, H in walk.blocks(self.n_steps, n_hidden):
            for offset in range(H.shape[0]):
                W1_step = W1[offset]
                yield WalkStep(
                    step=first + offset,
                    coefs=[W1_step.T, W2[offset].T],
                    intercepts=[-(W1_step @ task.x_mean), b2.copy()],
                    hidden=H[offset],
                )

    def predict(self, X):
        """Predict with the last step, the same function as every step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coef_.T + self.intercept_

    def transform(self, X):
        """Return the hidden activity of the last step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, `n_hidden_`)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coefs_[0] + self.intercepts_[0]

    def fit_transform(self, X, y=None, sample_weight=None):
        """Walk and return the last step's hidden activity of the training inputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        H : ndarray of shape (n_samples, `n_hidden_`)
        """
        return self.fit(X, y, sample_weight=sample_weight).hidden_representations_[-1]

    @property
    def _n_features_out(self):
        return self.n_hidden_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = False
        return tags
