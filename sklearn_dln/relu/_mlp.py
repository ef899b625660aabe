"""ReLU multilayer perceptrons that expose their hidden-layer activity."""

import copy

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import fit_context, validate_params
from ._activity import (
    _LAYER_CONSTRAINT,
    _validate_mlp_input,
    compute_hidden_activity,
    count_hidden_layers,
    hidden_activity,
    resolve_hidden_layer,
)

__all__ = ["ReLUMLPClassifier", "ReLUMLPRegressor", "hidden_activity"]


def _uses_stochastic_solver(estimator):
    return estimator.solver in ("sgd", "adam")


def _n_hidden_layers_from_sizes(hidden_layer_sizes):
    if np.iterable(hidden_layer_sizes):
        return len(list(hidden_layer_sizes))
    return 1


class _ReLUMLPMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """Hidden-activity transform, training representation and wrapping of fitted MLPs."""

    _sklearn_class = None

    def _check_layer_parameter(self):
        if self.layer != "all":
            n_hidden = _n_hidden_layers_from_sizes(self.hidden_layer_sizes)
            resolve_hidden_layer(self.layer, n_hidden)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network and store the hidden activity of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels for the classifier, real values for the
            regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_layer_parameter()
        super().fit(X, y, sample_weight=sample_weight)
        self.hidden_representation_ = self._training_activity(X)
        return self

    def _training_activity(self, X):
        X = _validate_mlp_input(self, X)
        return compute_hidden_activity(self, X, self.layer)

    def fit_transform(self, X, y, sample_weight=None):
        """Train the network and return the hidden activity of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        activity : ndarray of shape (n_samples, n_units)
            The activity of the layer chosen by ``layer``, equal to
            ``hidden_representation_``.
        """
        return self.fit(X, y, sample_weight=sample_weight).hidden_representation_

    def transform(self, X):
        """Return the activity of the hidden layer chosen by ``layer``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        activity : ndarray of shape (n_samples, n_units)
            Post-ReLU activity; ``n_units`` is the layer's width, or the sum of
            all hidden widths when ``layer="all"``.
        """
        check_is_fitted(self)
        X = _validate_mlp_input(self, X)
        return compute_hidden_activity(self, X, self.layer)

    @property
    def _n_features_out(self):
        widths = [coef.shape[1] for coef in self.coefs_[:-1]]
        if self.layer == "all":
            return sum(widths)
        return widths[resolve_hidden_layer(self.layer, len(widths))]

    @classmethod
    @validate_params(
        {
            "estimator": [MLPClassifier, MLPRegressor],
            "X": ["array-like", "sparse matrix", None],
            "layer": _LAYER_CONSTRAINT,
        },
        prefer_skip_nested_validation=True,
    )
    def from_estimator(cls, estimator, *, X=None, layer=-1):
        """Wrap an already fitted scikit-learn ReLU MLP without refitting it.

        Parameters
        ----------
        estimator : MLPClassifier or MLPRegressor
            A fitted network with ``activation="relu"``: an MLPClassifier for
            :class:`ReLUMLPClassifier`, an MLPRegressor for
            :class:`ReLUMLPRegressor`. It is not modified.
        X : {array-like, sparse matrix} of shape (n_samples, n_features), default=None
            The training inputs, used only to set ``hidden_representation_``.
            Without them ``hidden_representation_`` is None.
        layer : int or "all", default=-1
            The ``layer`` parameter of the new estimator.

        Returns
        -------
        wrapped : estimator of this class
            A fitted estimator with the same parameters (except
            ``activation``) and deep copies of every fitted attribute and of
            the optimizer state, so ``predict`` returns exactly what
            ``estimator.predict`` returns, and ``partial_fit`` continues the
            training where it stopped.

        Raises
        ------
        TypeError
            If ``estimator`` is not of the matching scikit-learn MLP class.
        ValueError
            If its activation is not ``"relu"``, or ``layer`` is out of range.
        sklearn.exceptions.NotFittedError
            If ``estimator`` is not fitted.
        """
        if not isinstance(estimator, cls._sklearn_class):
            raise TypeError(
                f"{cls.__name__}.from_estimator expects a fitted "
                f"{cls._sklearn_class.__name__}, got {type(estimator).__name__}."
            )
        check_is_fitted(estimator)
        if estimator.activation != "relu":
            raise ValueError(
                f"{cls.__name__} wraps ReLU networks only, but the estimator has "
                f"activation={estimator.activation!r}. Use "
                "sklearn_dln.relu.hidden_activity to read the hidden activity of "
                "networks with other activations."
            )
        params = estimator.get_params(deep=False)
        params.pop("activation", None)
        params.pop("layer", None)
        wrapped = cls(**params, layer=layer)
        if layer != "all":
            resolve_hidden_layer(layer, count_hidden_layers(estimator))

        # Everything that is not a constructor parameter is fitted state:
        # public attributes ending in "_" and the private label binarizer,
        # random state and optimizer that predict and partial_fit read. One
        # deepcopy call keeps the arrays that these attributes share shared.
        skipped = set(params) | {"activation", "layer", "loss"}
        state = {
            name: value for name, value in vars(estimator).items() if name not in skipped
        }
        for name, value in copy.deepcopy(state).items():
            setattr(wrapped, name, value)
        wrapped.hidden_representation_ = (
            None if X is None else wrapped._training_activity(X)
        )
        return wrapped

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# The parameters before and after ``loss``, which only the regressor has, so
# that each docstring lists them in the order of the signature.
_MLP_DOC_LEADING_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_hidden_layers,) or int, default=(100,)
        Width of each hidden layer, first layer first.
    layer : int or "all", default=-1
        Hidden layer returned by ``transform`` and stored in
        ``hidden_representation_``: 0 is the first hidden layer and negative
        values count back from the last one. ``"all"`` concatenates every
        hidden layer, first layer leftmost.
"""

_MLP_DOC_PARAMETERS = """\
    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        Optimizer of the weights.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not on the biases).
    batch_size : int or "auto", default="auto"
        Minibatch size of the stochastic solvers; "auto" is
        ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of the "sgd" solver.
    learning_rate_init : float, default=1e-3
        Initial step size of the "sgd" and "adam" solvers.
    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations ("lbfgs").
    shuffle : bool, default=True
        Whether the stochastic solvers shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seed of the initial weights, of shuffling and of the validation split.
    tol : float, default=1e-4
        Improvement of the loss (or validation score) below which an epoch
        counts as no progress.
    verbose : bool, default=False
        Whether to print the loss after each epoch.
    warm_start : bool, default=False
        Whether ``fit`` starts from the current weights instead of new ones.
    momentum : float, default=0.9
        Momentum of the "sgd" solver.
    nesterovs_momentum : bool, default=True
        Whether the "sgd" solver uses Nesterov's momentum.
    early_stopping : bool, default=False
        Whether to stop when a held-out validation score stops improving.
    validation_fraction : float, default=0.1
        Fraction of the training data held out when ``early_stopping`` is set.
    beta_1 : float, default=0.9
        Decay rate of the first-moment estimate of "adam".
    beta_2 : float, default=0.999
        Decay rate of the second-moment estimate of "adam".
    epsilon : float, default=1e-8
        Numerical-stability term of "adam".
    n_iter_no_change : int, default=10
        Number of epochs without progress (see ``tol``) before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of the "lbfgs" solver.
"""

_MLP_DOC_ATTRIBUTES = """
    hidden_representation_ : ndarray of shape (n_samples, n_units) or None
        Activity of the layer chosen by ``layer`` on the inputs of the last
        call to ``fit`` or ``partial_fit``. None after
        ``from_estimator`` without ``X``.
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape (width of layer i, width of layer i + 1), with
        layer 0 the input; it maps the activity of one layer to the
        pre-activations of the next.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape (width of layer i + 1,).
    n_layers_ : int
        Number of layers, input and output included: ``n_hidden_layers + 2``.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Output nonlinearity.
    loss_ : float
        Final value of the training loss.
    loss_curve_ : list of float
        Training loss after each epoch (stochastic solvers only).
    n_iter_ : int
        Number of epochs or iterations run.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Input feature names, when ``X`` had string column names.
"""


class ReLUMLPClassifier(_ReLUMLPMixin, MLPClassifier):
    __doc__ = (
        """ReLU multilayer perceptron classifier that exposes its hidden activity.

    A :class:`~sklearn.neural_network.MLPClassifier` with ``activation``
    fixed to ``"relu"``. Every other parameter has the meaning it has there.
    ``transform`` returns the activity of one hidden layer, and
    ``from_estimator`` wraps an MLPClassifier that is already fitted.

    Parameters
    ----------"""
        + _MLP_DOC_LEADING_PARAMETERS
        + _MLP_DOC_PARAMETERS
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels."""
        + _MLP_DOC_ATTRIBUTES
        + """
    See Also
    --------
    ReLUMLPRegressor : The regression counterpart.
    hidden_activity : Hidden activity of any fitted scikit-learn MLP.
    apply_relu_move : Function-preserving changes of the hidden layers.

    Notes
    -----
    With one hidden layer and inputs ``X`` of shape (n_samples, n_features),
    the network computes

    .. math::
        H = \\max(0,\\, X W_1 + 1 b_1^\\top), \\qquad
        \\hat P = \\mathrm{softmax}(H W_2 + 1 b_2^\\top),

    with ``W_1, W_2 = coefs_`` and ``b_1, b_2 = intercepts_``; ``transform``
    returns ``H``. Binary and multilabel problems use a logistic output in
    place of the softmax. Deeper networks repeat the first step once per
    hidden layer.

    The example ``examples/plot_relu_expansions.py`` trains such a network on
    handwritten digits and compares its hidden activity with that of
    function-preserving expansions.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dln.relu import ReLUMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ReLUMLPClassifier(64, max_iter=300, random_state=0).fit(X / 16, y)
    >>> clf.transform(X[:3] / 16).shape
    (3, 64)
    >>> clf.hidden_representation_.shape
    (1797, 64)
    """
    )

    _sklearn_class = MLPClassifier

    _parameter_constraints = {
        **{
            name: constraint
            for name, constraint in MLPClassifier._parameter_constraints.items()
            if name != "activation"
        },
        "layer": _LAYER_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        layer=-1,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation="relu",
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.layer = layer

    @available_if(_uses_stochastic_solver)
    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch of the stochastic solver on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Their labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.
        classes : array-like of shape (n_classes,), default=None
            Every class label; required on the first call.

        Returns
        -------
        self : object
            The updated estimator; ``hidden_representation_`` is the activity
            of this batch.
        """
        self._check_layer_parameter()
        super().partial_fit(X, y, sample_weight=sample_weight, classes=classes)
        self.hidden_representation_ = self._training_activity(X)
        return self


class ReLUMLPRegressor(_ReLUMLPMixin, MLPRegressor):
    __doc__ = (
        """ReLU multilayer perceptron regressor that exposes its hidden activity.

    A :class:`~sklearn.neural_network.MLPRegressor` with ``activation``
    fixed to ``"relu"``. Every other parameter has the meaning it has there.
    ``transform`` returns the activity of one hidden layer, and
    ``from_estimator`` wraps an MLPRegressor that is already fitted.

    Parameters
    ----------"""
        + _MLP_DOC_LEADING_PARAMETERS
        + """    loss : {"squared_error", "poisson"}, default="squared_error"
        Training loss; "poisson" uses an exponential output.
"""
        + _MLP_DOC_PARAMETERS
        + """
    Attributes
    ----------"""
        + _MLP_DOC_ATTRIBUTES
        + """
    See Also
    --------
    ReLUMLPClassifier : The classification counterpart.
    hidden_activity : Hidden activity of any fitted scikit-learn MLP.
    apply_relu_move : Function-preserving changes of the hidden layers.

    Notes
    -----
    With one hidden layer and inputs ``X`` of shape (n_samples, n_features),
    the network computes

    .. math::
        H = \\max(0,\\, X W_1 + 1 b_1^\\top), \\qquad
        \\hat Y = H W_2 + 1 b_2^\\top,

    with ``W_1, W_2 = coefs_`` and ``b_1, b_2 = intercepts_``; ``transform``
    returns ``H``. Deeper networks repeat the first step once per hidden
    layer.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_dln.datasets import load_digits_regression
    >>> from sklearn_dln.relu import ReLUMLPRegressor
    >>> digits = load_digits_regression()
    >>> pipe = make_pipeline(
    ...     StandardScaler(), ReLUMLPRegressor(32, max_iter=300, random_state=0)
    ... ).fit(digits.data, digits.target)
    >>> pipe.transform(digits.data[:2]).shape
    (2, 32)
    """
    )

    _sklearn_class = MLPRegressor

    _parameter_constraints = {
        **{
            name: constraint
            for name, constraint in MLPRegressor._parameter_constraints.items()
            if name != "activation"
        },
        "layer": _LAYER_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        layer=-1,
        loss="squared_error",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
        super().__init__(
            loss=loss,
            hidden_layer_sizes=hidden_layer_sizes,
            activation="relu",
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.layer = layer

    @available_if(_uses_stochastic_solver)
    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch of the stochastic solver on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Their targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.

        Returns
        -------
        self : object
            The updated estimator; ``hidden_representation_`` is the activity
            of this batch.
        """
        self._check_layer_parameter()
        super().partial_fit(X, y, sample_weight=sample_weight)
        self.hidden_representation_ = self._training_activity(X)
        return self
