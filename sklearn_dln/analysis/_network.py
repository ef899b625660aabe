"""Weights of a two-layer linear network, read from an estimator or a weight pair.

The analysis functions take a ``model`` of one of two kinds. The first is a
fitted estimator with ``coefs_ = [W1.T, W2.T]`` and ``intercepts_ = [b1, b2]``:
the estimators of this library, or :class:`~sklearn.neural_network.MLPRegressor`
with ``activation="identity"`` and one hidden layer. The second is a pair
``(W1, W2)`` with
W1 of shape (n_hidden, n_features) and W2 of shape (n_outputs, n_hidden), the
orientation of Braun, Grant & Saxe (ICML 2025), which is a network without
biases.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "LinearNetwork",
    "check_network_data",
    "check_task_data",
    "network_weights",
]


@dataclass(frozen=True)
class _Weights:
    W1: np.ndarray
    W2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    fit_intercept: bool

    @property
    def n_features(self):
        return self.W1.shape[1]

    @property
    def n_hidden(self):
        return self.W1.shape[0]

    @property
    def n_outputs(self):
        return self.W2.shape[0]

    def hidden(self, X):
        return X @ self.W1.T + self.b1

    def predict(self, X):
        return self.hidden(X) @ self.W2.T + self.b2


def network_weights(model):
    """Return the weights and biases of ``model``, W1 as (n_hidden, n_features).

    Parameters
    ----------
    model : fitted estimator or tuple of two array-likes
        See the module docstring.

    Returns
    -------
    weights : _Weights
        ``W1`` (n_hidden, n_features), ``W2`` (n_outputs, n_hidden), biases
        ``b1`` and ``b2`` (zeros for a pair), and ``fit_intercept``: the
        estimator's attribute of that name, ``True`` for an estimator without
        it (its biases were fitted), ``False`` for a pair.
    """
    if isinstance(model, (tuple, list)):
        if len(model) != 2:
            raise ValueError(
                f"model is a sequence of {len(model)} arrays; pass the pair "
                f"(W1, W2) of a two-layer network, or a fitted estimator."
            )
        W1 = check_array(model[0], dtype=np.float64, input_name="W1")
        W2 = check_array(model[1], dtype=np.float64, input_name="W2")
        b1, b2 = np.zeros(W1.shape[0]), np.zeros(W2.shape[0])
        fit_intercept = False
    else:
        W1, W2, b1, b2 = _estimator_weights(model)
        fit_intercept = bool(getattr(model, "fit_intercept", True))

    _check_shapes(W1, W2, b1, b2)
    return _Weights(W1=W1, W2=W2, b1=b1, b2=b2, fit_intercept=fit_intercept)


def _check_shapes(W1, W2, b1, b2):
    """Raise if the weights and biases do not form one two-layer network."""
    if W2.shape[1] != W1.shape[0]:
        raise ValueError(
            f"W1 has shape {W1.shape} and W2 has shape {W2.shape}: W2 needs one "
            f"column per row of W1 (paper orientation, W1 of shape (n_hidden, "
            f"n_features), W2 of shape (n_outputs, n_hidden))."
        )
    if b1.shape[0] != W1.shape[0] or b2.shape[0] != W2.shape[0]:
        raise ValueError(
            f"The biases have lengths {b1.shape[0]} and {b2.shape[0]}, but the "
            f"network has {W1.shape[0]} hidden units and {W2.shape[0]} outputs."
        )


def _estimator_weights(model):
    """Return ``W1, W2, b1, b2`` of a fitted one-hidden-layer linear estimator."""
    if hasattr(model, "fit") and not hasattr(model, "coefs_"):
        # Raises NotFittedError for an estimator that has not been fitted.
        check_is_fitted(model)
    if not (hasattr(model, "coefs_") and hasattr(model, "intercepts_")):
        raise TypeError(
            f"model must be a fitted estimator with coefs_ and intercepts_ (for "
            f"instance an MRNSRegressor) or a pair (W1, W2) of arrays; got "
            f"{type(model).__name__}, which has no coefs_."
        )
    _reject_nonlinear(model)
    if len(model.coefs_) != 2:
        raise ValueError(
            f"model has {len(model.coefs_)} weight matrices; only two-layer "
            f"networks (one hidden layer) are supported."
        )
    W1 = check_array(model.coefs_[0], dtype=np.float64, input_name="coefs_[0]").T
    W2 = check_array(model.coefs_[1], dtype=np.float64, input_name="coefs_[1]").T
    b1 = np.asarray(model.intercepts_[0], dtype=np.float64).reshape(-1)
    b2 = np.asarray(model.intercepts_[1], dtype=np.float64).reshape(-1)
    return W1, W2, b1, b2


def _reject_nonlinear(model):
    activation = getattr(model, "activation", "identity")
    if activation != "identity":
        raise ValueError(
            f"model uses activation={activation!r}; the closed forms here hold "
            f"for linear networks only. Use activation='identity'."
        )


def check_task_data(X, y, *, x_name="X", y_name="y"):
    """Validate a task's inputs and targets.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Two-dimensional, also when ``y`` was 1-D.
    """
    X = check_array(X, dtype=np.float64, input_name=x_name)
    Y = check_array(y, dtype=np.float64, ensure_2d=False, input_name=y_name)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{x_name} has {X.shape[0]} samples but {y_name} has {Y.shape[0]}; "
            f"pass one target row per input row."
        )
    return X, Y


def check_network_data(weights, X, y):
    """Validate ``X`` and ``y`` against the network's shapes.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Two-dimensional, also when ``y`` was 1-D.
    """
    X, Y = check_task_data(X, y)
    if X.shape[1] != weights.n_features:
        raise ValueError(
            f"X has {X.shape[1]} features but the network's W1 reads "
            f"{weights.n_features}."
        )
    if Y.shape[1] != weights.n_outputs:
        raise ValueError(
            f"y has {Y.shape[1]} outputs but the network's W2 writes "
            f"{weights.n_outputs}."
        )
    return X, Y


class LinearNetwork:
    """A two-layer linear network with given weights and biases.

    It computes ``y = W2 (W1 x + b1) + b2`` and exposes the attributes the
    analysis functions read (``coefs_``, ``intercepts_``, ``fit_intercept``),
    so it can be passed wherever they take a fitted model. It is not an
    estimator: it has no ``fit``.

    Parameters
    ----------
    W1 : ndarray of shape (n_hidden, n_features)
    W2 : ndarray of shape (n_outputs, n_hidden)
    b1 : ndarray of shape (n_hidden,)
    b2 : ndarray of shape (n_outputs,)
    fit_intercept : bool
        Whether the weights solve the task on data centred with the training
        means (the biases then absorb the means).

    Attributes
    ----------
    coefs_ : list of ndarray
        ``[W1.T, W2.T]``, the layout of the estimators.
    intercepts_ : list of ndarray
        ``[b1, b2]``.
    coef_ : ndarray of shape (n_outputs, n_features)
        End-to-end map ``W2 W1``.
    intercept_ : ndarray of shape (n_outputs,)
        Offset of the end-to-end map, ``W2 b1 + b2``.
    fit_intercept : bool
    """

    def __init__(self, W1, W2, b1, b2, *, fit_intercept):
        W1 = check_array(W1, dtype=np.float64, input_name="W1", copy=True)
        W2 = check_array(W2, dtype=np.float64, input_name="W2", copy=True)
        b1 = np.array(b1, dtype=np.float64).reshape(-1)
        b2 = np.array(b2, dtype=np.float64).reshape(-1)
        _check_shapes(W1, W2, b1, b2)
        self.coefs_ = [W1.T, W2.T]
        self.intercepts_ = [b1, b2]
        self.fit_intercept = bool(fit_intercept)
        self.coef_ = self.coefs_[1].T @ self.coefs_[0].T
        self.intercept_ = self.coefs_[1].T @ self.intercepts_[0] + self.intercepts_[1]

    def transform(self, X):
        """Return the hidden activity ``X W1.T + b1``, shape (n_samples, n_hidden)."""
        X = check_array(X, dtype=np.float64)
        return X @ self.coefs_[0] + self.intercepts_[0]

    def predict(self, X):
        """Return the outputs ``X coef_.T + intercept_``.

        The result has shape (n_samples, n_outputs).
        """
        X = check_array(X, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_

    def __repr__(self):
        n_hidden, n_features = self.coefs_[0].T.shape
        return (
            f"LinearNetwork(n_features={n_features}, n_hidden={n_hidden}, "
            f"n_outputs={self.coef_.shape[0]}, fit_intercept={self.fit_intercept})"
        )
