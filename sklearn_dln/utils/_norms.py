"""Norms that neither overflow nor underflow for data at extreme scales."""

import numpy as np


def scaled_norm(a, axis=None):
    """Return the Euclidean (Frobenius) norm of ``a`` without overflow.

    ``numpy.linalg.norm`` squares the entries, so a vector with entries near
    1e200 has an infinite norm and one near 1e-200 a zero norm. Dividing by
    the largest magnitude first keeps every square in range.

    Parameters
    ----------
    a : array-like
    axis : int, tuple of int or None, default=None
        Axes to reduce; None reduces all of them.

    Returns
    -------
    norm : float or ndarray
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return 0.0 if axis is None else np.zeros(np.delete(a.shape, axis))
    largest = np.max(np.abs(a), axis=axis, keepdims=True)
    safe = np.where(largest > 0, largest, 1.0)
    norm = np.sqrt(np.sum((a / safe) ** 2, axis=axis, keepdims=True)) * largest
    if axis is None:
        return float(norm.reshape(()))
    return np.squeeze(norm, axis=axis)
