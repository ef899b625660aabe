"""Validation helpers, and the only import point for scikit-learn's private API.

scikit-learn keeps its parameter-constraint machinery, ``_fit_context`` and
``_check_sample_weight`` in private modules. Importing them here, and nowhere
else, keeps a future scikit-learn rename to a one-file change.
"""

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "check_sample_weight",
    "fit_context",
    "validate_params",
]

fit_context = _fit_context


def check_sample_weight(sample_weight, X, *, allow_all_zero=False):
    """Validate sample weights and return them as a float64 array.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative weights. ``None`` gives every sample weight one.
    X : ndarray of shape (n_samples, n_features)
        The validated input, used for its length.
    allow_all_zero : bool, default=False
        Accept weights that are all zero, as a chunk of streamed data may
        have; otherwise they raise ``ValueError``.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        Float64 weights, with at least one positive entry unless
        ``allow_all_zero`` is true.
    """
    if allow_all_zero and sample_weight is not None:
        weights = np.asarray(sample_weight)
        if weights.shape == (X.shape[0],) and np.all(weights == 0):
            return np.zeros(X.shape[0])
    # scikit-learn 1.9 rejects all-zero weights here, hence the early return.
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    return sample_weight
