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


def check_sample_weight(sample_weight, X):
    """Validate sample weights and return them as a float64 array.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative weights. ``None`` gives every sample weight one.
    X : ndarray of shape (n_samples, n_features)
        The validated input, used for its length.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        Float64 weights with at least one positive entry.
    """
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    return sample_weight
