"""Handling of the inner estimator shared by the reshaper and the walker."""

import copy

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.validation import check_is_fitted

from ..linear._base import _BaseLinearSolution
from ..linear._moves import TwoLayerWeights

LINEAR_ESTIMATORS = "GLSRegressor, LSSRegressor, MRNSRegressor or MWNSRegressor"


def estimator_kind(estimator):
    """Return ``"linear"`` for the closed-form solutions, ``"mlp"`` for MLPs.

    Raises
    ------
    TypeError
        For any other estimator.
    """
    if isinstance(estimator, _BaseLinearSolution):
        return "linear"
    if isinstance(estimator, (MLPClassifier, MLPRegressor)):
        return "mlp"
    raise TypeError(
        f"estimator must be a {LINEAR_ESTIMATORS}, or a scikit-learn "
        f"MLPClassifier or MLPRegressor (or a subclass); got "
        f"{type(estimator).__name__}."
    )


def check_on_manifold(estimator):
    """Raise if a linear estimator is set to a regularised (``alpha > 0``) fit.

    Function-preserving moves and walks are defined on the manifold of global
    minima of the unregularised loss, which a regularised solution is not on.
    """
    alpha = getattr(estimator, "alpha", 0)
    if alpha is not None and alpha > 0:
        raise ValueError(
            f"{type(estimator).__name__} has alpha={alpha!r}, a regularised "
            f"solution off the manifold of global minima; moves and walks are "
            f"defined on that manifold only. Set alpha=0."
        )


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def fitted_inner(estimator, prefit, X, y, sample_weight):
    """Return the fitted estimator that a meta-estimator moves or walks.

    ``prefit=True`` uses ``estimator`` as it is and raises ``NotFittedError``
    when it is not fitted; ``prefit=False`` fits a clone on ``(X, y)``;
    ``prefit="auto"`` does the former for a fitted estimator and the latter
    otherwise. The estimator passed in is never modified.
    """
    if prefit == "auto":
        prefit = _is_fitted(estimator)
    if prefit:
        check_is_fitted(estimator)
        if sample_weight is not None:
            raise ValueError(
                "sample_weight cannot be used with a prefit estimator, which "
                "is not refitted; fit the estimator with the weights first."
            )
        return estimator
    if y is None:
        raise ValueError(
            f"Fitting the inner {type(estimator).__name__} requires y to be "
            f"passed, but the target y is None. Pass the targets, or pass a "
            f"fitted estimator."
        )
    fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
    return clone(estimator).fit(X, y, **fit_params)


def linear_network(estimator):
    """Return the weights of a fitted linear solution.

    W1 has shape (n_hidden, n_features) and W2 (n_outputs, n_hidden), the
    orientation of the moves in :mod:`sklearn_dln.linear._moves`.
    """
    return TwoLayerWeights(
        W1=estimator.coefs_[0].T,
        W2=estimator.coefs_[1].T,
        b1=estimator.intercepts_[0],
        b2=estimator.intercepts_[1],
    )


def with_network(estimator, network, X):
    """Return a copy of a fitted linear solution carrying other weights.

    The copy's ``coefs_``, ``intercepts_``, ``coef_``, ``intercept_`` and
    ``hidden_representation_`` (the hidden activity of ``X``) describe
    ``network``. Its ``free_parameters_`` attribute is removed, because the
    moved weights need not come from the region's constructive formula.
    """
    W1, W2, b1, b2 = network
    moved = copy.deepcopy(estimator)
    moved.coefs_ = [np.ascontiguousarray(W1.T), np.ascontiguousarray(W2.T)]
    moved.intercepts_ = [
        np.asarray(b1, dtype=np.float64),
        np.asarray(b2, dtype=np.float64),
    ]
    coef = W2 @ W1
    intercept = W2 @ b1 + b2
    if np.ndim(estimator.coef_) == 1:
        moved.coef_ = coef[0]
        moved.intercept_ = float(intercept[0])
    else:
        moved.coef_ = coef
        moved.intercept_ = intercept
    moved.hidden_representation_ = X @ moved.coefs_[0] + moved.intercepts_[0]
    if hasattr(moved, "free_parameters_"):
        del moved.free_parameters_
    return moved
