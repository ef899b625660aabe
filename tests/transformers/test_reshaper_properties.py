"""Property tests: every linear move keeps the function and the expected regions."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from manifold_tasks import (
    RTOL,
    fit_region,
    regions_of,
    regression_tasks,
    relative_change,
    residuals_of,
)

from sklearn_dln.transformers import FunctionPreservingReshaper

# Regions each move keeps, when the starting network was in them.
KEPT = {
    "invertible": {"gls", "lss"},
    "orthogonal": {"gls", "lss", "mrns", "mwns"},
    "target": {"gls", "lss"},
    "task_specific": {"gls", "lss"},
    "input_null": {"gls", "mrns"},
    "readout_null": {"gls"},
}

# Moves that keep the end-to-end map on every input, not only on the span of
# the training inputs.
KEEP_MAP_EVERYWHERE = {"invertible", "orthogonal", "target"}

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _reshape(estimator, method, case, region=None):
    kwargs = {}
    if method == "target":
        n_samples, n_hidden = case["X"].shape[0], estimator.n_hidden_
        kwargs["target"] = case["rng"].standard_normal((n_samples, n_hidden))
    if method == "task_specific":
        kwargs["region"] = region
    with warnings.catch_warnings():
        # An infeasible random target is repaired with a UserWarning.
        warnings.simplefilter("ignore", UserWarning)
        reshaper = FunctionPreservingReshaper(
            estimator, method=method, random_state=0, **kwargs
        )
        return reshaper.fit(case["X"])


def _check_move(method, case, start_region, region=None):
    estimator = fit_region(start_region, case)
    task = estimator.decomposition_
    W1, W2 = estimator.coefs_[0].T, estimator.coefs_[1].T
    start_regions = regions_of(task, W1, W2)

    reshaper = _reshape(estimator, method, case, region)
    X = case["X"]
    assert relative_change(reshaper.predict(X), estimator.predict(X)) <= RTOL
    assert np.array_equal(reshaper.transform(X), reshaper.hidden_representation_)
    if method in KEEP_MAP_EVERYWHERE or (method, region) == ("task_specific", "mrns"):
        X_new = case["X_new"]
        assert (
            relative_change(reshaper.predict(X_new), estimator.predict(X_new)) <= RTOL
        )

    expected = KEPT[method] & start_regions
    if method == "task_specific":
        expected |= {"gls", region} | ({"lss"} if region == "mwns" else set())
    residuals = residuals_of(task, reshaper.coefs_[0].T, reshaper.coefs_[1].T)
    for name in expected:
        assert residuals[name] <= RTOL, (name, residuals[name])


@pytest.mark.parametrize(
    "method", ["invertible", "orthogonal", "target", "input_null", "readout_null"]
)
@pytest.mark.parametrize("start_region", ["gls", "lss", "mrns", "mwns"])
@PROPERTY_SETTINGS
@given(case=regression_tasks())
def test_reshaper_move_keeps_function_and_regions(method, start_region, case):
    """Each move keeps the predictions (relative 1e-9) and the regions it should."""
    _check_move(method, case, start_region)


@pytest.mark.parametrize("region", ["mrns", "mwns"])
@pytest.mark.parametrize("start_region", ["gls", "lss", "mrns", "mwns"])
@PROPERTY_SETTINGS
@given(case=regression_tasks())
def test_reshaper_task_specific_reaches_region(region, start_region, case):
    """The task-specific move lands on the MRNS or MWNS with the same predictions."""
    _check_move("task_specific", case, start_region, region)
