"""Hidden-layer activity of fitted scikit-learn MLPs."""

from numbers import Integral

import numpy as np
from scipy.special import expit
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._validation import Interval, StrOptions, validate_params

__all__ = ["hidden_activity"]


def _relu(Z):
    return np.maximum(Z, 0, out=Z)


def _tanh(Z):
    return np.tanh(Z, out=Z)


def _logistic(Z):
    return expit(Z, out=Z)


def _identity(Z):
    return Z


# The hidden-layer nonlinearities of scikit-learn's MLPs, applied in place on
# the pre-activations exactly as MLPClassifier and MLPRegressor apply them, so
# the activity returned here is the one their forward pass computes.
_HIDDEN_ACTIVATIONS = {
    "relu": _relu,
    "tanh": _tanh,
    "logistic": _logistic,
    "identity": _identity,
}

_LAYER_CONSTRAINT = [Interval(Integral, None, None, closed="neither"), StrOptions({"all"})]


def count_hidden_layers(mlp):
    """Return the number of hidden layers of a fitted scikit-learn MLP."""
    return len(mlp.coefs_) - 1


def resolve_hidden_layer(layer, n_hidden_layers):
    """Turn a possibly negative hidden-layer index into one in ``[0, n_hidden_layers)``.

    Raises
    ------
    ValueError
        If ``layer`` is outside ``[-n_hidden_layers, n_hidden_layers - 1]``.
    """
    if not -n_hidden_layers <= layer < n_hidden_layers:
        noun = "hidden layer" if n_hidden_layers == 1 else "hidden layers"
        raise ValueError(
            f"layer={layer} is out of range: the MLP has {n_hidden_layers} {noun}, "
            f"so layer must be an integer from {-n_hidden_layers} to "
            f"{n_hidden_layers - 1}."
        )
    return layer % n_hidden_layers


def check_fitted_mlp(mlp):
    """Raise unless ``mlp`` is a fitted MLPClassifier or MLPRegressor.

    Raises
    ------
    TypeError
        If ``mlp`` is not a scikit-learn MLP (or a subclass of one).
    sklearn.exceptions.NotFittedError
        If ``mlp`` has not been fitted.
    """
    if not isinstance(mlp, (MLPClassifier, MLPRegressor)):
        raise TypeError(
            "expected a fitted MLPClassifier or MLPRegressor (or one of their "
            f"subclasses), got {type(mlp).__name__}."
        )
    check_is_fitted(mlp)


def forward_hidden_layers(mlp, X, n_layers):
    """Return the activity of the first ``n_layers`` hidden layers of ``mlp``.

    ``X`` must already be validated. The layers are computed as scikit-learn's
    forward pass computes them: ``A_{i+1} = f(A_i @ coefs_[i] + intercepts_[i])``
    with ``A_0 = X`` and ``f`` the MLP's ``activation``.
    """
    activation = _HIDDEN_ACTIVATIONS[mlp.activation]
    activities = []
    A = X
    for i in range(n_layers):
        Z = A @ mlp.coefs_[i]
        Z += mlp.intercepts_[i]
        A = activation(Z)
        activities.append(A)
    return activities


def compute_hidden_activity(mlp, X, layer):
    """Return the activity of hidden layer ``layer`` (or ``"all"``) on validated ``X``."""
    n_hidden_layers = count_hidden_layers(mlp)
    if layer == "all":
        return np.hstack(forward_hidden_layers(mlp, X, n_hidden_layers))
    index = resolve_hidden_layer(layer, n_hidden_layers)
    return forward_hidden_layers(mlp, X, index + 1)[index]


def _validate_mlp_input(mlp, X):
    return validate_data(
        mlp, X, reset=False, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
    )


@validate_params(
    {
        "mlp": [MLPClassifier, MLPRegressor],
        "X": ["array-like", "sparse matrix"],
        "layer": _LAYER_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def hidden_activity(mlp, X, layer=-1):
    """Compute the hidden-layer activity of a fitted scikit-learn MLP.

    Works for :class:`~sklearn.neural_network.MLPClassifier`,
    :class:`~sklearn.neural_network.MLPRegressor` and their subclasses, with
    any hidden ``activation``.

    Parameters
    ----------
    mlp : MLPClassifier or MLPRegressor
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Inputs, with the features the network was fitted on.
    layer : int or "all", default=-1
        Index of the hidden layer: 0 is the first hidden layer and negative
        values count back from the last one, as in Python indexing. ``"all"``
        concatenates every hidden layer, first layer leftmost.

    Returns
    -------
    activity : ndarray of shape (n_samples, n_units)
        Post-activation values of the chosen layer, where ``n_units`` is its
        width, or the sum of all hidden widths for ``layer="all"``.

    Raises
    ------
    ValueError
        If ``layer`` is out of range for the network; the message gives the
        number of hidden layers.
    sklearn.exceptions.NotFittedError
        If ``mlp`` is not fitted.

    Notes
    -----
    With ``A_0 = X``, hidden layer ``i`` (0-based) computes

    .. math::
        A_{i+1} = f(A_i W_i + 1 b_i^\\top),

    where ``W_i = mlp.coefs_[i]`` has shape (width of ``A_i``, width of layer
    ``i``), ``b_i = mlp.intercepts_[i]`` and ``f`` is ``mlp.activation``
    applied elementwise. The output layer is not a hidden layer.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sklearn_dln.relu import hidden_activity
    >>> X, y = load_digits(return_X_y=True)
    >>> mlp = MLPClassifier((32, 16), max_iter=300, random_state=0).fit(X / 16, y)
    >>> hidden_activity(mlp, X[:5] / 16).shape
    (5, 16)
    >>> hidden_activity(mlp, X[:5] / 16, layer="all").shape
    (5, 48)
    """
    check_is_fitted(mlp)
    X = _validate_mlp_input(mlp, X)
    return compute_hidden_activity(mlp, X, layer)
