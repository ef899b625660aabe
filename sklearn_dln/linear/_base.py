"""Shared machinery of the closed-form two-layer linear network estimators."""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._validation import Interval, check_sample_weight, fit_context
from ._decomposition import decompose_task
from ._regions import draw_free_parameters, weights_from_free_parameters

# Relative tolerance on the training-data residual of a constructed solution.
# Exact arithmetic gives zero; a larger value means the drawn free parameters
# were so ill-conditioned that roundoff leaked into the network's function.
_CONSTRUCTION_RTOL = 1e-8


class _BaseLinearSolution(
    RegressorMixin, TransformerMixin, ClassNamePrefixFeaturesOutMixin, BaseEstimator
):
    """Two-layer linear network ``y = W2 (W1 x + b1) + b2`` fitted in closed form.

    Subclasses set ``_region`` and may add parameters that scale the free
    parameters of their region.
    """

    _region = None

    _parameter_constraints = {
        "n_hidden": [Interval(Integral, 1, None, closed="left"), None],
        "fit_intercept": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_hidden=None, *, fit_intercept=True, random_state=None):
        self.n_hidden = n_hidden
        self.fit_intercept = fit_intercept
        self.random_state = random_state

    def _free_parameter_scales(self):
        return {}

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network in closed form.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, as in
            :class:`~sklearn.linear_model.LinearRegression`.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, Y, sample_weight, y_is_1d = self._validate_training_data(
            X, y, sample_weight
        )
        task = decompose_task(
            X, Y, sample_weight=sample_weight, fit_intercept=self.fit_intercept
        )
        n_hidden = self._resolve_n_hidden(task)

        rng = check_random_state(self.random_state)
        theta = draw_free_parameters(
            self._region, task, n_hidden, rng, **self._free_parameter_scales()
        )
        W1, W2 = weights_from_free_parameters(self._region, task, theta)
        check_construction(task, W1, W2)

        self.free_parameters_ = theta
        self._set_weights(task, W1, W2, y_is_1d)
        self.hidden_representation_ = self._hidden_activity(X)
        return self

    def _validate_training_data(self, X, y, sample_weight):
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=True,
            dtype=[np.float64, np.float32],
        )
        y = np.asarray(y)
        y_is_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y_is_1d else y
        Y = Y.astype(np.float64, copy=False)
        sample_weight = check_sample_weight(sample_weight, X)
        return X, Y, sample_weight, y_is_1d

    def _resolve_n_hidden(self, task):
        n_hidden = self.n_hidden
        if n_hidden is None:
            n_hidden = min(task.n_features, task.n_outputs)
        if n_hidden < task.rank:
            raise ValueError(
                f"n_hidden={n_hidden} is smaller than the rank of the task, "
                f"{task.rank}: no network this narrow reaches a global minimum. "
                f"Set n_hidden to at least {task.rank}, or to None."
            )
        return n_hidden

    def _set_weights(self, task, W1, W2, y_is_1d):
        """Store weights and biases in the MLP and LinearRegression layouts."""
        b1 = -(W1 @ task.x_mean)
        b2 = task.y_mean.copy()
        coef = W2 @ W1

        self.decomposition_ = task
        self.n_hidden_ = W1.shape[0]
        self.n_outputs_ = W2.shape[0]
        self.rank_ = task.rank
        self.coefs_ = [W1.T.copy(), W2.T.copy()]
        self.intercepts_ = [b1, b2]
        intercept = b2 - coef @ task.x_mean
        if y_is_1d:
            self.coef_ = coef[0].copy()
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = coef
            self.intercept_ = intercept

    def predict(self, X):
        """Predict with the end-to-end map ``W2 W1`` and the biases.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One-dimensional when the network was fitted on a 1-D target.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coef_.T + self.intercept_

    def transform(self, X):
        """Return the hidden-layer activity ``X W1.T + b1``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden_)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._hidden_activity(X)

    def _hidden_activity(self, X):
        return X @ self.coefs_[0] + self.intercepts_[0]

    def fit_transform(self, X, y, sample_weight=None):
        """Fit the network and return the hidden activity of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        H : ndarray of shape (n_samples, n_hidden_)
        """
        return self.fit(X, y, sample_weight=sample_weight).hidden_representation_

    @property
    def _n_features_out(self):
        return self.n_hidden_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = False
        return tags


def check_construction(task, W1, W2):
    """Raise if the network misses the fitted outputs beyond roundoff.

    Checks ``W2 W1 A = M_ls A`` on the observed input directions A, relative to
    the size of ``M_ls A``, which is the defining property of a global minimum.
    """
    A = task.input_basis
    target = task.ls_map @ A
    reached = (W2 @ W1) @ A
    scale = max(np.linalg.norm(target), np.finfo(np.float64).tiny)
    residual = np.linalg.norm(reached - target) / scale
    if np.linalg.norm(target) > 0 and residual > _CONSTRUCTION_RTOL:
        raise ValueError(
            f"The constructed network misses the least-squares fit by a relative "
            f"{residual:.2e}, more than {_CONSTRUCTION_RTOL:.0e}: the drawn free "
            f"parameters are too ill-conditioned. Lower the scale of the free "
            f"parameters or change random_state."
        )
