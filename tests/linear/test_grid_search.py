"""Grid search over the penalty and the solution type on the bundled digits."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_dln import LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.analysis import task_specificity
from sklearn_dln.datasets import load_digits_regression

# One alpha range per solution type: the MRNS penalty acts on the fitted
# outputs, whose singular values grow with sqrt(n_samples), so it needs
# smaller values than the penalties on the weights.
PARAM_GRID = [
    {"model": [LSSRegressor(random_state=0)], "model__alpha": [0.0, 0.1, 1.0]},
    {"model": [MRNSRegressor(random_state=0)], "model__alpha": [0.0, 1e-4, 1e-3]},
    {"model": [MWNSRegressor(random_state=0)], "model__alpha": [0.0, 1e-2, 1e-1]},
]


@pytest.fixture(scope="module")
def digits():
    data = load_digits_regression()
    return data.data, data.target


@pytest.fixture(scope="module")
def search(digits):
    X, Y = digits
    pipeline = Pipeline([("scale", StandardScaler()), ("model", MRNSRegressor())])
    folds = KFold(3, shuffle=True, random_state=0)
    return GridSearchCV(pipeline, PARAM_GRID, cv=folds).fit(X, Y)


def test_grid_search_picks_model_and_alpha(search):
    """The search ranks every grid point and refits the best pipeline."""
    n_candidates = sum(len(grid["model__alpha"]) for grid in PARAM_GRID)
    assert len(search.cv_results_["params"]) == n_candidates
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))

    best = search.best_estimator_.named_steps["model"]
    assert type(best) in (LSSRegressor, MRNSRegressor, MWNSRegressor)
    assert best.alpha == search.best_params_["model__alpha"]
    # Held-out R^2 of a linear readout of the digit images, well above chance.
    assert 0.5 < search.best_score_ < 1.0


def test_grid_search_reports_task_specificity(search, digits):
    """The chosen model's hidden representation is scored against the task."""
    X, Y = digits
    X_scaled = search.best_estimator_.named_steps["scale"].transform(X)
    best = search.best_estimator_.named_steps["model"]
    specificity = task_specificity(best.hidden_representation_, X_scaled, Y)

    print(
        f"chosen: {type(best).__name__}(alpha={best.alpha}), "
        f"CV R^2 {search.best_score_:.3f}, task specificity "
        f"MRNS {specificity['mrns']:.3f}, MWNS {specificity['mwns']:.3f}"
    )
    for value in specificity.values():
        assert -1.0 <= value <= 1.0
    if isinstance(best, (MRNSRegressor, MWNSRegressor)) and best.alpha == 0:
        region = "mrns" if isinstance(best, MRNSRegressor) else "mwns"
        assert specificity[region] == pytest.approx(1.0, abs=1e-9)


def test_task_specificity_separates_solution_types(digits):
    """The MRNS scores 1 against itself; a random LSS scores lower."""
    X, Y = digits
    X = StandardScaler().fit_transform(X)
    mrns = MRNSRegressor(random_state=0).fit(X, Y).hidden_representation_
    lss = LSSRegressor(n_hidden=20, scale=3.0, random_state=0).fit(X, Y)
    assert task_specificity(mrns, X, Y)["mrns"] == pytest.approx(1.0, abs=1e-9)
    assert task_specificity(lss.hidden_representation_, X, Y)["mrns"] < 0.99
