"""Random small fitted MLPs shared by the ReLU tests (imported by them, not collected)."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_dln.relu import ReLUMLPClassifier, ReLUMLPRegressor

_CLASSES = {
    ("classifier", False): MLPClassifier,
    ("classifier", True): ReLUMLPClassifier,
    ("regressor", False): MLPRegressor,
    ("regressor", True): ReLUMLPRegressor,
}


def build_random_mlp(
    kind,
    widths,
    *,
    n_features=4,
    n_outputs=3,
    X=None,
    seed=0,
    wrapped=False,
    activation="relu",
    n_samples=20,
):
    """Return a fitted MLP with random weights, and its training inputs.

    The network is fitted for one iteration so that scikit-learn sets every
    fitted attribute. Then its weights are replaced by Gaussian ones with
    variance 2 / fan_in and its biases by N(0, 0.25) draws, which keep a good
    share of the ReLU units active at every depth. ``n_outputs`` is the number
    of classes of a classifier.
    """
    rng = np.random.default_rng(seed)
    if X is None:
        X = rng.standard_normal((n_samples, n_features))
    n_samples = X.shape[0]
    if kind == "classifier":
        y = np.arange(n_samples) % n_outputs
    else:
        y = rng.standard_normal((n_samples, n_outputs))
        if n_outputs == 1:
            y = y.ravel()
    cls = _CLASSES[(kind, wrapped)]
    params = {"hidden_layer_sizes": tuple(widths), "max_iter": 1, "random_state": 0}
    if not wrapped:
        params["activation"] = activation
    mlp = cls(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    for i, coef in enumerate(mlp.coefs_):
        fan_in = coef.shape[0]
        mlp.coefs_[i] = rng.standard_normal(coef.shape) * np.sqrt(2.0 / fan_in)
        mlp.intercepts_[i] = 0.5 * rng.standard_normal(coef.shape[1])
    if wrapped:
        mlp.hidden_representation_ = mlp.transform(X)
    return mlp, X


def network_outputs(mlp, X):
    """Return the real-valued outputs: class probabilities or regression values."""
    if hasattr(mlp, "predict_proba"):
        return mlp.predict_proba(X)
    return mlp.predict(X)

