"""A meta-estimator that changes a network's weights but not its function."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MetaEstimatorMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ..linear._moves import (
    LINEAR_MOVES,
    TASK_SPECIFIC_REGIONS,
    add_input_null,
    add_readout_null,
    change_hidden_basis,
    move_to_task_specific,
    random_invertible,
    random_orthogonal,
)
from ..linear._sculpt import sculpt_representation
from ..utils._validation import HasMethods, Interval, StrOptions, fit_context
from ._inner import (
    check_on_manifold,
    estimator_kind,
    fitted_inner,
    linear_network,
    with_network,
)

MLP_MOVES = ("permute", "scale", "nuisance", "duplicate", "input_null", "target")

_MOVES_BY_KIND = {"linear": LINEAR_MOVES, "mlp": MLP_MOVES}


def _inner_has(name):
    """Return a check for ``available_if``: the inner estimator has ``name``."""

    def check(self):
        inner = getattr(self, "estimator_", self.estimator)
        return hasattr(inner, name)

    return check


class FunctionPreservingReshaper(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, MetaEstimatorMixin, BaseEstimator
):
    """Change the weights and hidden representation of a network, not its function.

    Wraps a two-layer linear solution (:class:`~sklearn_dln.GLSRegressor`,
    :class:`~sklearn_dln.LSSRegressor`, :class:`~sklearn_dln.MRNSRegressor`,
    :class:`~sklearn_dln.MWNSRegressor`) or a scikit-learn multilayer
    perceptron, applies one function-preserving move to its weights, and
    exposes the moved network: ``predict`` gives the inner estimator's
    predictions, ``transform`` the new hidden activity. As a Pipeline step it
    turns a network into features, for instance for a
    :class:`~sklearn.linear_model.Ridge` readout.

    Parameters
    ----------
    estimator : estimator object
        The network to move: one of the four linear solutions, or an
        :class:`~sklearn.neural_network.MLPRegressor` or
        :class:`~sklearn.neural_network.MLPClassifier` (or a subclass, such
        as the ReLU wrappers of ``sklearn_dln``). Fitted or not, see
        ``prefit``. It is never modified.
    method : str
        The move. For the linear solutions:

        - ``"invertible"``: ``W1 -> Q W1``, ``W2 -> W2 Q^-1`` with a random
          invertible Q whose condition number is at most ``exp(2 scale)``;
        - ``"orthogonal"``: the same with a Haar-distributed orthogonal Q,
          which keeps an MRNS or MWNS in its region (``scale`` is unused);
        - ``"target"``: sculpt the hidden activity of the training inputs
          towards ``target`` (see Notes);
        - ``"task_specific"``: move to the MRNS or MWNS (``region``) closest to
          the network that has its end-to-end map on the training data;
        - ``"input_null"``: add random first-layer weights on input directions
          never observed in training;
        - ``"readout_null"``: add random readout weights on hidden directions
          the training inputs never use.

        For MLPs: ``"permute"``, ``"scale"``, ``"nuisance"``, ``"duplicate"``,
        ``"input_null"`` and ``"target"`` (permutation, positive rescaling,
        silent added units, duplicated units, first-layer weights on
        never-observed inputs, and sculpting by these moves).
    target : array-like of shape (n_samples, n_hidden) or dict, default=None
        Requested hidden activity of the training inputs, for
        ``method="target"``; for instance a picture
        (:func:`~sklearn_dln.datasets.load_elephant`). For MLPs the array may
        have any number of columns, and a dict with ``"activity"`` and/or
        ``"rsm"`` is accepted too (see
        :func:`~sklearn_dln.relu.apply_relu_move`).
    region : {"mrns", "mwns"}, default=None
        Destination of ``method="task_specific"``; unused by other methods.
    scale : float or array-like, default=1.0
        Size of the random part of a move. Linear ``"input_null"`` and
        ``"readout_null"``: standard deviation of the added weights, relative
        to the root-mean-square entry of W1 and W2 respectively (so the move
        is equivariant under rescaling of the data); linear ``"invertible"``:
        the singular values of Q are ``exp(u)`` with ``u`` uniform on
        ``[-scale, scale]``. MLP ``"input_null"`` and ``"nuisance"``: standard
        deviation of the added weights; MLP ``"scale"``: the spread of the
        random positive factors, or an array of the factors themselves.
    layer : int, default=-1
        MLPs only: index of the hidden layer to move, as in a Python list of
        the hidden layers (-1 is the last one).
    n_units : int, default=None
        MLPs only: number of nuisance units to add for ``"nuisance"``.
    n_copies : int, default=2
        MLPs only: number of copies of each duplicated unit for
        ``"duplicate"``.
    units : array-like of int, default=None
        MLPs only: indices of the units to duplicate; None duplicates all.
    prefit : "auto" or bool, default="auto"
        ``True``: use ``estimator`` as it is; it must be fitted (otherwise
        :class:`~sklearn.exceptions.NotFittedError`), and ``X`` passed to
        :meth:`fit` must be its training inputs. ``False``: fit a clone of
        ``estimator`` on ``(X, y)``. ``"auto"``: ``True`` when ``estimator``
        is fitted, ``False`` otherwise; so a fitted estimator is not refitted
        when the reshaper is fitted again, even on other data.
    random_state : int, RandomState instance or None, default=None
        Seed of the random part of the move, read only in :meth:`fit`.

    Attributes
    ----------
    estimator_ : estimator object
        A copy of the fitted inner estimator carrying the moved weights. For a
        linear solution, the copy has no ``free_parameters_`` attribute,
        because the moved weights need not come from the region's
        constructive formula.
    coefs_ : list of ndarray
        ``[W1.T, W2.T]`` (for an MLP, one array per layer) after the move.
    intercepts_ : list of ndarray
        Biases after the move.
    coef_ : ndarray of shape (n_outputs, n_features) or (n_features,)
        Linear solutions only: the end-to-end map ``W2 W1`` after the move.
    hidden_representation_ : ndarray of shape (n_samples, n_hidden)
        Hidden activity of the training inputs after the move.
    residual_ : float
        ``method="target"`` only: ``||H - T||_F / ||T||_F`` between the new
        hidden activity H of the training inputs and the target T (infinite
        for an all-zero target that cannot be reproduced). For MLPs, the value the
        ReLU move reports for its activity target.
    rsm_match_ : float
        MLP ``method="target"`` with an RSM target only: the Pearson
        correlation between the reached and the requested RSM.
    repair_ : dict
        Linear ``method="target"`` only: ``"truncated_rank"`` (int or None),
        ``"added_directions"`` (int) and ``"amplitude"`` (float or None), the
        record of the repair rule in Notes.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names.

    See Also
    --------
    ManifoldWalker : Random walk on a region of the solution manifold.

    Notes
    -----
    Samples are rows: X has shape (n_samples, n_features) and the network
    computes

    .. math::

        \\hat Y = (X W_1^\\top + 1 b_1^\\top) W_2^\\top + 1 b_2^\\top,
        \\qquad H = X W_1^\\top + 1 b_1^\\top.

    Write :math:`X_c` for the centred training inputs,
    :math:`P_u` for the projector onto input directions they never reach, and
    :math:`\\Pi_H` for the projector onto the hidden directions their hidden
    activity uses. The linear moves are

    .. math::

        \\text{invertible, orthogonal:}\\quad
        (W_1, W_2, b_1) \\to (Q W_1,\\, W_2 Q^{-1},\\, Q b_1),

        \\text{input\\_null:}\\quad W_1 \\to W_1 + G P_u,
        \\qquad
        \\text{readout\\_null:}\\quad W_2 \\to W_2 + G_3 (I - \\Pi_H).

    The first two keep the function everywhere; the null moves keep it on the
    span of the training inputs only, and change the outputs of inputs with a
    never-observed component (which makes the network sensitive to input
    noise there). The output bias absorbs every change of the hidden offset.

    **Sculpting** (``method="target"``). Every reachable hidden activity is
    :math:`H = X_c W_1^\\top + 1 c^\\top` with the rows of :math:`W_1` in the
    observed input directions, and a readout with the same end-to-end map
    exists exactly when the column space of :math:`X_c W_1^\\top` contains
    that of the centred fitted outputs :math:`\\hat Y_c`. The target T is
    first projected onto the reachable set: with ``fit_intercept=True`` its
    column means go into the hidden offset c (so the hidden bias is
    :math:`b_1 = c - W_1 \\bar x`) and its centred part is projected onto the
    column space of :math:`X_c`; with ``fit_intercept=False`` c is zero.
    When the projection does not contain every direction of :math:`\\hat Y_c`
    it is repaired: if ``n_hidden`` is smaller than the rank k of
    :math:`X_c`, its part orthogonal to :math:`\\hat Y_c` is truncated to its
    best rank ``n_hidden - r`` approximation (r the rank of the task), and
    each missing direction of :math:`\\hat Y_c` is added along an unused
    hidden direction, with the amplitude of the smallest nonzero singular
    value of the projection. A repair issues a ``UserWarning`` and is
    recorded in ``repair_``. Then :math:`W_2` is the minimum-norm readout
    and :math:`W_2 W_1` equals the old end-to-end map everywhere, so the
    sculpted network is a least-squares solution when the old map was the
    least-squares map and a general solution otherwise.

    When ``n_hidden`` is at least k and the projection of T has rank k, no
    repair is needed and the hidden activity is exactly that projection. On
    the 16-item semantic hierarchy with 16 Gaussian inputs and 16 hidden units
    the projection of a full-rank picture is the picture itself, with or
    without an intercept, so the hidden layer reproduces it exactly.

    .. warning::
        The moved estimator keeps the task of the original one; refitting
        ``estimator_`` draws a new network and undoes the move.

    References
    ----------
    .. [1] L. Braun, E. Grant and A. M. Saxe, "Not all solutions are created
       equal: An analytical dissociation of functional and representational
       similarity in deep linear neural networks", Proceedings of the 42nd
       International Conference on Machine Learning (ICML), PMLR 267, 2025.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import GLSRegressor
    >>> from sklearn_dln.transformers import FunctionPreservingReshaper
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(8, 8)), rng.normal(size=(8, 3))
    >>> picture = rng.normal(size=(8, 8))
    >>> reshaper = FunctionPreservingReshaper(
    ...     GLSRegressor(n_hidden=8, random_state=0), method="target",
    ...     target=picture, random_state=0).fit(X, Y)
    >>> bool(np.allclose(reshaper.transform(X), picture))
    True
    >>> gls = GLSRegressor(n_hidden=8, random_state=0).fit(X, Y)
    >>> bool(np.allclose(reshaper.predict(X), gls.predict(X)))
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "method": [str],
        "target": ["array-like", dict, None],
        "region": [StrOptions(set(TASK_SPECIFIC_REGIONS)), None],
        "scale": [Interval(Real, 0, None, closed="left"), "array-like"],
        "layer": [Integral],
        "n_units": [Interval(Integral, 1, None, closed="left"), None],
        "n_copies": [Interval(Integral, 1, None, closed="left")],
        "units": ["array-like", None],
        "prefit": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        method,
        target=None,
        region=None,
        scale=1.0,
        layer=-1,
        n_units=None,
        n_copies=2,
        units=None,
        prefit="auto",
        random_state=None,
    ):
        self.estimator = estimator
        self.method = method
        self.target = target
        self.region = region
        self.scale = scale
        self.layer = layer
        self.n_units = n_units
        self.n_copies = n_copies
        self.units = units
        self.prefit = prefit
        self.random_state = random_state

    def _check_method(self, kind):
        valid = _MOVES_BY_KIND[kind]
        if self.method not in valid:
            raise ValueError(
                f"Unknown method {self.method!r} for a {kind} estimator "
                f"({type(self.estimator).__name__}); valid methods are "
                f"{', '.join(repr(name) for name in valid)}."
            )
        if self.method == "task_specific" and self.region is None:
            raise ValueError(
                f"method='task_specific' needs region set to one of "
                f"{', '.join(repr(name) for name in TASK_SPECIFIC_REGIONS)}."
            )
        if self.method == "target" and self.target is None:
            raise ValueError(
                "method='target' needs target, an array of shape "
                "(n_samples, n_hidden) with the requested hidden activity."
            )
        if kind == "linear" and not isinstance(self.scale, Real):
            raise ValueError(
                f"scale must be a non-negative number for a linear estimator; "
                f"got an array of shape {np.shape(self.scale)}."
            )

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, sample_weight=None):
        """Fit the inner estimator when needed and apply the move.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs. With a prefit estimator, they must be the
            inputs it was fitted on: ``method="target"`` sculpts their hidden
            activity.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Training targets; needed only when the inner estimator is fitted
            here.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the inner estimator's ``fit``; not allowed with a
            prefit estimator.

        Returns
        -------
        self : object
            The fitted reshaper.
        """
        kind = estimator_kind(self.estimator)
        self._check_method(kind)
        if kind == "linear":
            check_on_manifold(self.estimator)
        estimator = fitted_inner(self.estimator, self.prefit, X, y, sample_weight)
        X_checked = validate_data(self, X, dtype=[np.float64, np.float32])
        if X_checked.shape[1] != estimator.n_features_in_:
            raise ValueError(
                f"X has {X_checked.shape[1]} features, but the prefit "
                f"{type(estimator).__name__} was fitted on "
                f"{estimator.n_features_in_}."
            )
        rng = check_random_state(self.random_state)
        if kind == "linear":
            self._move_linear(estimator, X_checked.astype(np.float64), rng)
        else:
            # The MLP validates X itself; the original X keeps the column
            # names it was fitted with, so no feature-name warning is raised.
            self._move_mlp(estimator, X, rng)
        return self

    def _checked_target(self, n_samples, n_hidden):
        if isinstance(self.target, dict):
            raise ValueError(
                "A dict target (activity and RSM) is for MLPs only; for a "
                "linear estimator pass an array of shape (n_samples, n_hidden)."
            )
        target = check_array(self.target, dtype=np.float64)
        expected = (n_samples, n_hidden)
        if target.shape != expected:
            raise ValueError(
                f"target must have shape (n_samples, n_hidden) = {expected}; "
                f"got {target.shape}."
            )
        return target

    def _move_linear(self, estimator, X, rng):
        task = estimator.decomposition_
        network = linear_network(estimator)
        n_hidden = network.W1.shape[0]
        method = self.method

        if method == "invertible":
            Q, Q_inverse = random_invertible(n_hidden, rng, self.scale)
            moved = change_hidden_basis(network, Q, Q_inverse)
        elif method == "orthogonal":
            Q = random_orthogonal(n_hidden, rng)
            moved = change_hidden_basis(network, Q, Q.T)
        elif method == "input_null":
            moved = add_input_null(network, task, rng, self.scale)
        elif method == "readout_null":
            moved = add_readout_null(network, task, rng, self.scale)
        elif method == "task_specific":
            moved = move_to_task_specific(network, task, self.region)
        else:
            target = self._checked_target(X.shape[0], n_hidden)
            moved, info = sculpt_representation(
                network, task, X, target, fit_intercept=estimator.fit_intercept
            )
            self.residual_ = info["residual"]
            self.repair_ = {
                key: info[key]
                for key in ("truncated_rank", "added_directions", "amplitude")
            }
            self._warn_repair()

        self.estimator_ = with_network(estimator, moved, X)
        self.coefs_ = self.estimator_.coefs_
        self.intercepts_ = self.estimator_.intercepts_
        self.coef_ = self.estimator_.coef_
        self.hidden_representation_ = self.estimator_.hidden_representation_

    def _warn_repair(self):
        repair = self.repair_
        if repair["truncated_rank"] is None and not repair["added_directions"]:
            return
        parts = []
        if repair["truncated_rank"] is not None:
            parts.append(
                f"its part orthogonal to the fitted outputs was truncated to "
                f"rank {repair['truncated_rank']}"
            )
        if repair["added_directions"]:
            parts.append(
                f"{repair['added_directions']} direction(s) of the fitted "
                f"outputs were added with amplitude {repair['amplitude']:.3g}"
            )
        warnings.warn(
            f"The target representation cannot carry the network's function: "
            f"{' and '.join(parts)}. Relative distance to the target: "
            f"residual_={self.residual_:.3g}.",
            UserWarning,
            stacklevel=3,
        )

    def _move_mlp(self, estimator, X, rng):
        # The ReLU moves live in their own subpackage, imported only when needed.
        from ..relu import apply_relu_move, hidden_activity

        target = self.target if self.method == "target" else None
        moved, info = apply_relu_move(
            estimator,
            self.method,
            X=X,
            layer=self.layer,
            scale=self.scale,
            n_units=self.n_units,
            n_copies=self.n_copies,
            units=self.units,
            target=target,
            random_state=rng,
        )
        self.estimator_ = moved
        self.coefs_ = moved.coefs_
        self.intercepts_ = moved.intercepts_
        self.hidden_representation_ = hidden_activity(moved, X, layer=self.layer)
        if "residual" in info:
            self.residual_ = info["residual"]
        if "rsm_match" in info:
            self.rsm_match_ = info["rsm_match"]

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def predict(self, X):
        """Predict with the moved network, the same function as the original.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        self._validated(X)
        return self.estimator_.predict(X)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """Return the class probabilities of the moved network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        self._validated(X)
        return self.estimator_.predict_proba(X)

    def score(self, X, y, sample_weight=None):
        """Return the inner estimator's score of the moved network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
            :math:`R^2` for regressors, accuracy for classifiers.
        """
        self._validated(X)
        return self.estimator_.score(X, y, sample_weight=sample_weight)

    def transform(self, X):
        """Return the hidden activity of the moved network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden)
        """
        X_checked = self._validated(X)
        if estimator_kind(self.estimator_) == "linear":
            return X_checked @ self.coefs_[0] + self.intercepts_[0]
        from ..relu import hidden_activity

        return hidden_activity(self.estimator_, X, layer=self.layer)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, move, and return the hidden activity of the training inputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden)
        """
        return self.fit(X, y, sample_weight=sample_weight).hidden_representation_

    @property
    def classes_(self):
        """Class labels of a fitted inner classifier."""
        return self.estimator_.classes_

    @property
    def _n_features_out(self):
        return self.hidden_representation_.shape[1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.target_tags = inner.target_tags
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.input_tags.sparse = False
        return tags
