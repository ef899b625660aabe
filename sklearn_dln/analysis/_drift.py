"""Drift of a fixed linear readout along a walk on the solution manifold."""

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.utils import check_array
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ..utils._validation import HasMethods, validate_params

__all__ = ["decoder_drift"]

# Relative tolerance used to recognise the walker's training inputs.
_SAME_INPUTS_RTOL = 1e-8


def _walker_hidden_path(walker, X):
    """Return the hidden activity of ``X`` at every step of a fitted walker."""
    check_is_fitted(walker, "hidden_representations_")
    if X is None:
        raise ValueError(
            "X is required with a walker: pass the inputs whose hidden "
            "activity the readout decodes."
        )
    X = check_array(X, dtype=np.float64)
    if hasattr(walker, "coefs_path_"):
        W1T_path, b1_path = walker.coefs_path_[0], walker.intercepts_path_[0]
        return X @ W1T_path + b1_path[:, np.newaxis, :]

    path = walker.hidden_representations_
    last = walker.transform(X)
    scale = max(np.linalg.norm(path[-1]), np.finfo(np.float64).tiny)
    if last.shape != path[-1].shape or (
        np.linalg.norm(last - path[-1]) > _SAME_INPUTS_RTOL * scale
    ):
        raise ValueError(
            "The walker recorded the hidden activity of its training inputs "
            "only, and X is not those inputs. Walk with record='weights' to "
            "decode other inputs."
        )
    return path


@validate_params(
    {
        "walk": [HasMethods(["fit", "transform"]), "array-like"],
        "X": ["array-like", None],
        "y": ["array-like"],
        "readout": [HasMethods(["fit", "predict"]), None],
    },
    prefer_skip_nested_validation=True,
)
def decoder_drift(walk, X, y, *, readout=None):
    """Compute the error of a readout fitted at step 0 along a walk.

    A readout (by default least-squares regression) is fitted to map the
    hidden activity of the first step onto ``y``, then kept fixed and applied
    to the hidden activity of every later step. Along a walk on the solution
    manifold the network's own output is constant, but the hidden activity
    drifts, so the fixed readout's error grows: a model of representational
    drift (Braun, Grant & Saxe, ICML 2025, Figure 4C).

    Parameters
    ----------
    walk : fitted ManifoldWalker or array-like of shape (n_steps + 1, n_samples, n_hidden)
        A fitted :class:`~sklearn_dln.transformers.ManifoldWalker`, or the
        hidden activity of the samples at every step.
    X : array-like of shape (n_samples, n_features) or None
        With a walker: the inputs whose hidden activity is decoded. A walker
        fitted with ``record="weights"`` accepts any inputs; with
        ``record="hidden"`` only its training inputs (checked against the
        last step). Must be None with an array ``walk``.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The values the readout decodes.
    readout : regressor, default=None
        The readout, cloned before fitting; None uses
        :class:`~sklearn.linear_model.LinearRegression`.

    Returns
    -------
    mse : ndarray of shape (n_steps + 1,)
        Mean squared error of the fixed readout at every step, averaged over
        samples and outputs. Entry 0 is the training error of the readout.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor
    >>> from sklearn_dln.analysis import decoder_drift
    >>> from sklearn_dln.transformers import ManifoldWalker
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(20, 6)), rng.normal(size=(20, 3))
    >>> walker = ManifoldWalker(MRNSRegressor(random_state=0), n_steps=200,
    ...                         random_state=0).fit(X, Y)
    >>> mse = decoder_drift(walker, X, Y)
    >>> bool(mse[-1] > mse[0])
    True
    """
    if hasattr(walk, "fit"):
        path = _walker_hidden_path(walk, X)
    else:
        if X is not None:
            raise ValueError(
                "X must be None when walk is an array of hidden activity; "
                "pass a fitted ManifoldWalker to decode the activity of X."
            )
        path = np.asarray(walk, dtype=np.float64)
        if path.ndim != 3:
            raise ValueError(
                f"walk must have shape (n_steps + 1, n_samples, n_hidden); got "
                f"an array of shape {path.shape}."
            )
    y = check_array(y, ensure_2d=False, dtype=np.float64)
    check_consistent_length(path[0], y)

    decoder = LinearRegression() if readout is None else clone(readout)
    decoder.fit(path[0], y)
    mse = np.empty(path.shape[0])
    for step, hidden in enumerate(path):
        mse[step] = np.mean((decoder.predict(hidden) - y) ** 2)
    return mse
