"""Shared machinery of the closed-form two-layer linear network estimators."""

from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._norms import scaled_norm
from ..utils._validation import Interval, check_sample_weight, fit_context
from ._decomposition import decompose_statistics
from ._regions import draw_free_parameters, weights_from_free_parameters
from ._streaming import SufficientStatistics

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

    def _regularize(self, task):
        """Return the decomposition the weights are built from.

        Estimators with a penalty replace the least-squares pieces of ``task``
        by those of the regularised solution; without one it is ``task``.
        """
        return task

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network in closed form.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Training inputs. A dask array is reduced chunk by chunk to the
            sufficient statistics, without loading it whole (needs the
            optional dependency ``dask``).
        y : array-like or dask array of shape (n_samples,) or \
                (n_samples, n_outputs)
            Training targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, as in
            :class:`~sklearn.linear_model.LinearRegression`.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if _is_dask_collection(X):
            from ._dask import dask_statistics

            statistics, y_is_1d = dask_statistics(
                self, X, y, sample_weight, centred=self.fit_intercept, reset=True
            )
            if statistics is None:
                raise ValueError(
                    "Every sample weight is zero: at least one sample needs a "
                    "positive weight."
                )
            self._fit_statistics(statistics, y_is_1d)
            self.hidden_representation_ = self.transform(X)
            return self

        X, Y, sample_weight, y_is_1d = self._validate_training_data(
            X, y, sample_weight, reset=True
        )
        statistics = SufficientStatistics.from_arrays(
            X, Y, sample_weight, centred=self.fit_intercept
        )
        self._fit_statistics(statistics, y_is_1d)
        self.hidden_representation_ = self._hidden_activity(X)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of training data and refit the network.

        The estimator keeps float64 sufficient statistics of every chunk seen
        (see ``statistics_``); after each call it is the network that
        :meth:`fit` gives on all chunks so far, up to roundoff, with the same
        ``random_state``. A call after :meth:`fit` adds to the data of that
        fit. ``hidden_representation_`` is not stored, because the earlier
        chunks are gone; call :meth:`transform` on the training inputs
        instead.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            A chunk of training inputs, with the features of earlier chunks.
        y : array-like or dask array of shape (n_samples,) or \
                (n_samples, n_outputs)
            Targets of the chunk, with the outputs of earlier chunks.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the rows of the chunk. A chunk whose
            weights are all zero changes nothing, except as the first chunk,
            where it raises ``ValueError``.

        Returns
        -------
        self : object
            The updated estimator.

        Raises
        ------
        ValueError
            If the chunk has a different number of features or outputs than
            earlier chunks, or ``fit_intercept`` changed since the first chunk.
        """
        first_chunk = not hasattr(self, "statistics_")
        if _is_dask_collection(X):
            from ._dask import dask_statistics

            chunk, y_is_1d = dask_statistics(
                self,
                X,
                y,
                sample_weight,
                centred=self.fit_intercept,
                reset=first_chunk,
            )
        else:
            X, Y, sample_weight, y_is_1d = self._validate_training_data(
                X, y, sample_weight, reset=first_chunk, allow_all_zero=True
            )
            chunk = None
            if np.any(sample_weight > 0):
                chunk = SufficientStatistics.from_arrays(
                    X, Y, sample_weight, centred=self.fit_intercept
                )

        if chunk is None:
            if first_chunk:
                raise ValueError(
                    "Every sample weight of the first chunk is zero: at least "
                    "one sample needs a positive weight."
                )
            return self
        if first_chunk:
            statistics = chunk
        else:
            if chunk.n_outputs != self.statistics_.n_outputs:
                raise ValueError(
                    f"y has {chunk.n_outputs} outputs, but earlier chunks had "
                    f"{self.statistics_.n_outputs}. Pass targets with the same "
                    f"outputs in every chunk, or call fit to start over."
                )
            statistics = self.statistics_.merge(chunk)

        self._fit_statistics(statistics, y_is_1d)
        self.__dict__.pop("hidden_representation_", None)
        return self

    def _fit_statistics(self, statistics, y_is_1d):
        """Build the network from the sufficient statistics of the data."""
        task = decompose_statistics(statistics)
        solution_task = self._regularize(task)
        n_hidden = self._resolve_n_hidden(solution_task)

        rng = check_random_state(self.random_state)
        theta = draw_free_parameters(
            self._region, solution_task, n_hidden, rng, **self._free_parameter_scales()
        )
        W1, W2 = weights_from_free_parameters(self._region, solution_task, theta)
        check_construction(solution_task, W1, W2)

        self.statistics_ = statistics
        self.free_parameters_ = theta
        self._set_weights(task, W1, W2, y_is_1d)
        self.rank_ = solution_task.rank

    def _validate_training_data(
        self, X, y, sample_weight, *, reset, allow_all_zero=False
    ):
        if sparse.issparse(y):
            raise TypeError(
                "A sparse target y was passed, but dense data is required. "
                "Use y.toarray() to convert it to a dense numpy array."
            )
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            multi_output=True,
            y_numeric=True,
            dtype=[np.float64, np.float32],
        )
        y = np.asarray(y)
        y_is_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y_is_1d else y
        Y = Y.astype(np.float64, copy=False)
        sample_weight = check_sample_weight(
            sample_weight, X, allow_all_zero=allow_all_zero
        )
        return X, Y, sample_weight, y_is_1d

    def _resolve_n_hidden(self, task):
        n_hidden = self.n_hidden
        if n_hidden is None:
            n_hidden = min(task.n_features, task.n_outputs)
        if n_hidden < task.rank:
            raise ValueError(
                f"n_hidden={n_hidden} is smaller than the rank of the task, "
                f"{task.rank} (the rank of the fitted end-to-end map): no network "
                f"this narrow reaches the minimum of the loss. Set n_hidden to at "
                f"least {task.rank}, or to None."
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
        X : array-like or dask array of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One-dimensional when the network was fitted on a 1-D target. For a
            dask array ``X``, a lazy dask array with the row chunks of X.
        """
        check_is_fitted(self)
        if _is_dask_collection(X):
            from ._dask import apply_affine_map

            return apply_affine_map(self, X, self.coef_.T, self.intercept_)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coef_.T + self.intercept_

    def transform(self, X):
        """Return the hidden-layer activity ``X W1.T + b1``.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, `n_hidden_`)
            For a dask array ``X``, a lazy dask array with the row chunks of X.
        """
        check_is_fitted(self)
        if _is_dask_collection(X):
            from ._dask import apply_affine_map

            return apply_affine_map(self, X, self.coefs_[0], self.intercepts_[0])
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
        H : ndarray of shape (n_samples, `n_hidden_`)
        """
        return self.fit(X, y, sample_weight=sample_weight).hidden_representation_

    @property
    def _n_features_out(self):
        return self.n_hidden_

    def __getattr__(self, name):
        # Only reached when normal lookup fails: explain the one fitted
        # attribute that partial_fit cannot provide.
        if name == "hidden_representation_" and "statistics_" in self.__dict__:
            raise AttributeError(
                "hidden_representation_ is not available after partial_fit, "
                "because the estimator keeps only sufficient statistics of the "
                "chunks. Call transform on the training inputs instead."
            )
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

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
    target_norm = scaled_norm(target)
    residual = scaled_norm(reached - target) / max(target_norm, np.finfo(np.float64).tiny)
    if target_norm > 0 and residual > _CONSTRUCTION_RTOL:
        raise ValueError(
            f"The constructed network misses the least-squares fit by a relative "
            f"{residual:.2e}, more than {_CONSTRUCTION_RTOL:.0e}: the drawn free "
            f"parameters are too ill-conditioned. Lower the scale of the free "
            f"parameters or change random_state."
        )


def _is_dask_collection(X):
    """Return whether X is a dask collection, without importing dask."""
    return callable(getattr(X, "__dask_graph__", None))
