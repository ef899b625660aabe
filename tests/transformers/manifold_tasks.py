"""Random regression tasks and region checks shared by the reshaper and walker tests."""

import numpy as np
from hypothesis import strategies as st

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.linear._moves import region_residuals

ESTIMATORS = {
    "gls": GLSRegressor,
    "lss": LSSRegressor,
    "mrns": MRNSRegressor,
    "mwns": MWNSRegressor,
}

# Largest relative change of predictions, and largest residual or excess norm
# of a region the network is meant to be in.
RTOL = 1e-9


@st.composite
def regression_tasks(draw):
    """Draw a task: possibly rank-deficient, wide (n_samples < n_features), rescaled."""
    n_samples = draw(st.integers(2, 8))
    n_features = draw(st.integers(1, 9))
    n_outputs = draw(st.integers(1, 4))
    input_rank = draw(st.integers(1, min(n_samples, n_features)))
    x_exponent = draw(st.sampled_from([-6, -3, 0, 3, 6]))
    y_exponent = draw(st.sampled_from([-6, 0, 6]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, input_rank)) @ rng.standard_normal(
        (input_rank, n_features)
    )
    X *= 10.0**x_exponent
    Y = rng.standard_normal((n_samples, n_outputs)) * 10.0**y_exponent
    return {
        "X": X,
        "Y": Y,
        "X_new": rng.standard_normal((5, n_features)) * 10.0**x_exponent,
        "n_hidden": min(n_features, n_outputs) + draw(st.integers(0, 3)),
        "fit_intercept": draw(st.booleans()),
        "seed": seed,
        "rng": rng,
    }


def fit_region(region, case):
    """Fit the closed-form estimator of ``region`` to a drawn task."""
    estimator = ESTIMATORS[region](
        n_hidden=case["n_hidden"],
        fit_intercept=case["fit_intercept"],
        random_state=case["seed"] % 1000,
    )
    return estimator.fit(case["X"], case["Y"])


def relative_change(new, old):
    """Return ``||new - old|| / ||old||`` (the absolute change when old is zero)."""
    scale = np.linalg.norm(old)
    change = np.linalg.norm(np.asarray(new) - np.asarray(old))
    return change / scale if scale > 0 else change


def regions_of(task, W1, W2):
    """Return the set of regions the weights belong to, within RTOL."""
    residuals = region_residuals(task, W1, W2)
    return {name for name, value in residuals.items() if abs(value) <= RTOL}


def residuals_of(task, W1, W2):
    """Return the absolute residual or excess norm of every region."""
    return {name: abs(value) for name, value in region_residuals(task, W1, W2).items()}
