"""Property tests: every step of a walk keeps the function and stays in its region."""

import pytest
from hypothesis import HealthCheck, given, settings
from manifold_tasks import (
    RTOL,
    fit_region,
    regression_tasks,
    relative_change,
    residuals_of,
)

from sklearn_dln.transformers import ManifoldWalker

# Regions a walk on each region stays in (the MRNS has null_scale=0, so it is
# also a least-squares solution).
KEPT = {
    "gls": {"gls"},
    "lss": {"gls", "lss"},
    "mrns": {"gls", "lss", "mrns"},
    "mwns": {"gls", "lss", "mwns"},
}


@pytest.mark.parametrize("region", ["gls", "lss", "mrns", "mwns"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=regression_tasks())
def test_walker_every_step_keeps_function_and_region(region, case):
    """Every walked step predicts like the start (1e-9) and stays in its region."""
    estimator = fit_region(region, case)
    walker = ManifoldWalker(
        estimator, n_steps=30, record="weights", noise_scale=20.0, random_state=0
    ).fit(case["X"])
    task = estimator.decomposition_
    X = case["X"]
    reference = estimator.predict(X)
    W1T_path, W2T_path = walker.coefs_path_
    b1_path, b2_path = walker.intercepts_path_

    for step in range(walker.n_steps + 1):
        hidden = X @ W1T_path[step] + b1_path[step]
        prediction = hidden @ W2T_path[step] + b2_path[step]
        assert relative_change(prediction.reshape(reference.shape), reference) <= RTOL
        assert relative_change(walker.hidden_representations_[step], hidden) <= RTOL
        residuals = residuals_of(task, W1T_path[step].T, W2T_path[step].T)
        for name in KEPT[region]:
            assert residuals[name] <= RTOL, (step, name, residuals[name])
