"""Handwritten digits as a regression task, from the copy bundled with scikit-learn."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import Bunch


def load_digits_regression():
    """Load scikit-learn's bundled handwritten digits with one-hot targets.

    The 1,797 8x8 images ship with scikit-learn, so nothing is downloaded.
    Pixel intensities (integers 0 to 16) are divided by 16 to lie in [0, 1],
    and each label becomes a one-hot row, so a linear network regresses the
    images onto ten outputs.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        data : ndarray of shape (1797, 64)
            Pixel intensities in [0, 1], one image per row.
        target : ndarray of shape (1797, 10)
            One-hot encoding of the digit.
        labels : ndarray of shape (1797,)
            The digit, 0 to 9.
        images : ndarray of shape (1797, 8, 8)
            The scaled images.
        feature_names : list of str
            ``"pixel_<row>_<column>"`` for each of the 64 pixels.
        target_names : list of str
            ``"digit_0"`` to ``"digit_9"``.

    Examples
    --------
    >>> from sklearn_dln.datasets import load_digits_regression
    >>> digits = load_digits_regression()
    >>> digits.data.shape, digits.target.shape
    ((1797, 64), (1797, 10))
    """
    digits = load_digits()
    X = digits.data / 16.0
    labels = digits.target.astype(np.int64)
    Y = np.zeros((labels.shape[0], 10))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Bunch(
        data=X,
        target=Y,
        labels=labels,
        images=digits.images / 16.0,
        feature_names=[f"pixel_{i // 8}_{i % 8}" for i in range(64)],
        target_names=[f"digit_{d}" for d in range(10)],
    )
