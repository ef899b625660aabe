"""Linear predictivity: R^2 of a ridge regression between two representations."""

from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import check_cv
from sklearn.utils import check_array

from ..utils._validation import Interval, StrOptions, validate_params

__all__ = ["linear_predictivity"]


@validate_params(
    {
        "source": ["array-like"],
        "target": ["array-like"],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "cv": ["cv_object"],
        "in_sample": ["boolean"],
        "multioutput": [
            StrOptions({"uniform_average", "raw_values", "variance_weighted"})
        ],
    },
    prefer_skip_nested_validation=True,
)
def linear_predictivity(
    source,
    target,
    *,
    alpha=1.0,
    cv=5,
    in_sample=False,
    multioutput="uniform_average",
):
    """Score how well a ridge regression from ``source`` predicts ``target``.

    Fits :class:`~sklearn.linear_model.Ridge` (with an intercept) from the
    source representation to the target representation of the same stimuli
    and returns the coefficient of determination R^2 on held-out stimuli, or
    on the training stimuli with ``in_sample=True``.

    Parameters
    ----------
    source : array-like of shape (n_stimuli, n_source_units)
        Predicting representation, one stimulus per row.
    target : array-like of shape (n_stimuli, n_target_units) or (n_stimuli,)
        Predicted representation, rows in the same stimulus order.
    alpha : float, default=1.0
        Ridge penalty, in the squared units of ``source`` (the source is not
        standardised). ``0`` requests ordinary least squares, which
        :class:`~sklearn.linear_model.Ridge` may fail to solve when a fold
        has fewer training stimuli than source units; use a small positive
        value there.
    cv : int, cross-validation generator or iterable, default=5
        Folds for cross-validated R^2, as in
        :func:`~sklearn.model_selection.cross_val_score`: an int gives
        :class:`~sklearn.model_selection.KFold` without shuffling. Pass
        ``KFold(5, shuffle=True, random_state=0)`` when the stimulus order is
        not random. Ignored with ``in_sample=True``.
    in_sample : bool, default=False
        Fit and score on all stimuli, the setting of the paper's Figure 4
        (``alpha=1``, ``multioutput="uniform_average"``). In-sample R^2
        rewards overfitting: with at least as many source units as stimuli
        and ``alpha=0`` it is 1 for any target.
    multioutput : {"uniform_average", "raw_values", "variance_weighted"}, \
default="uniform_average"
        How to combine the R^2 of the target units, as in
        :func:`~sklearn.metrics.r2_score`.

    Returns
    -------
    score : float or ndarray of shape (n_target_units,)
        R^2, averaged over folds (each fold scored on its test stimuli);
        an array with ``multioutput="raw_values"``.

    See Also
    --------
    rsa : Compare representations through their dissimilarity matrices.

    Notes
    -----
    For each split into training stimuli :math:`\\mathcal T` and test
    stimuli :math:`\\mathcal S`, ridge regression finds

    .. math::

        \\min_{B, c}\\; \\lVert T_{\\mathcal T} - S_{\\mathcal T} B - 1 c^\\top
        \\rVert_F^2 + \\alpha \\lVert B \\rVert_F^2,

    with S the source and T the target, and the fold's score is the R^2 of
    the predictions on :math:`\\mathcal S`. The result is the mean over
    folds, which equals
    ``cross_val_score(Ridge(alpha=alpha), source, target, cv=cv).mean()``
    for ``multioutput="uniform_average"``.

    A target unit that is constant on the scored stimuli has an undefined
    R^2; :func:`~sklearn.metrics.r2_score` then counts it as 1 if it is
    predicted exactly and 0 otherwise.

    Predictivity is asymmetric, and Braun, Grant & Saxe (2025) find that it
    depends mostly on the type of solution. Representations of task-agnostic
    solutions (general and least-squares) predict those of task-specific ones
    (MRNS, MWNS) well, but not the reverse, even for networks that compute the
    same function. How much the function matters as well depends on how
    different the compared tasks are.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.analysis import linear_predictivity
    >>> rng = np.random.default_rng(0)
    >>> source = rng.normal(size=(100, 5))
    >>> target = source @ rng.normal(size=(5, 3))
    >>> round(linear_predictivity(source, target, alpha=1e-6), 4)
    1.0

    For predictivity between the four solution types of one task, see
    :ref:`sphx_glr_auto_examples_plot_rsa_and_predictivity.py`.
    """
    source = check_array(source, dtype=np.float64, input_name="source")
    target = check_array(target, dtype=np.float64, ensure_2d=False, input_name="target")
    if target.shape[0] != source.shape[0]:
        raise ValueError(
            f"source describes {source.shape[0]} stimuli and target describes "
            f"{target.shape[0]}; pass rows for the same stimuli, in the same "
            f"order, in both."
        )
    ridge = Ridge(alpha=alpha)
    if in_sample:
        prediction = ridge.fit(source, target).predict(source)
        return _as_score(r2_score(target, prediction, multioutput=multioutput))

    splitter = check_cv(cv, target, classifier=False)
    fold_scores = []
    for train, test in splitter.split(source, target):
        if test.shape[0] < 2:
            raise ValueError(
                f"A cross-validation fold has {test.shape[0]} test stimulus; R^2 "
                f"needs at least two. Use fewer folds than "
                f"{source.shape[0] // 2 + 1} or more stimuli."
            )
        model = clone(ridge).fit(source[train], target[train])
        fold_scores.append(
            r2_score(target[test], model.predict(source[test]), multioutput=multioutput)
        )
    return _as_score(np.mean(fold_scores, axis=0))


def _as_score(value):
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value
