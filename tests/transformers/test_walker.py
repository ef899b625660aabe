"""Tests of ManifoldWalker: representations along walks, streaming and bad input."""

import itertools
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPRegressor

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.transformers import ManifoldWalker, WalkStep

ESTIMATORS = {
    "gls": GLSRegressor,
    "lss": LSSRegressor,
    "mrns": MRNSRegressor,
    "mwns": MWNSRegressor,
}


@pytest.fixture
def task():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 6))
    Y = X @ rng.standard_normal((6, 3)) + 0.1 * rng.standard_normal((12, 3))
    return X, Y


def _rsm_change(walker):
    H = walker.hidden_representations_
    first, last = H[0] @ H[0].T, H[-1] @ H[-1].T
    return np.linalg.norm(last - first) / np.linalg.norm(first)


@pytest.mark.parametrize("region", ["mrns", "mwns"])
def test_walker_task_specific_rsm_constant(task, region):
    """The RSM of MRNS and MWNS walks stays fixed while the activity drifts."""
    X, Y = task
    walker = ManifoldWalker(
        ESTIMATORS[region](n_hidden=5, random_state=0), n_steps=200, random_state=0
    ).fit(X, Y)
    H = walker.hidden_representations_
    assert _rsm_change(walker) < 1e-12
    assert np.linalg.norm(H[-1] - H[0]) > 0.1 * np.linalg.norm(H[0])


@pytest.mark.parametrize("region", ["gls", "lss"])
def test_walker_task_agnostic_rsm_drifts(task, region):
    """The RSM of GLS and LSS walks changes along the walk."""
    X, Y = task
    walker = ManifoldWalker(
        ESTIMATORS[region](n_hidden=5, random_state=0), n_steps=200, random_state=0
    ).fit(X, Y)
    assert _rsm_change(walker) > 1e-2


def test_walker_first_step_is_fitted_estimator(task):
    """Step 0 of a walk on the estimator's own region is the fitted network."""
    X, Y = task
    walker = ManifoldWalker(
        GLSRegressor(n_hidden=5, random_state=3), n_steps=5, random_state=0
    ).fit(X, Y)
    np.testing.assert_allclose(
        walker.hidden_representations_[0],
        walker.estimator_.hidden_representation_,
        rtol=1e-12,
        atol=1e-12,
    )


def test_walker_predict_transform_last_step(task):
    """predict equals the start's predictions and transform the last activity."""
    X, Y = task
    walker = ManifoldWalker(MWNSRegressor(random_state=0), n_steps=40, random_state=1)
    walker.fit(X, Y)
    np.testing.assert_allclose(
        walker.predict(X), walker.estimator_.predict(X), rtol=1e-10
    )
    np.testing.assert_allclose(
        walker.transform(X), walker.hidden_representations_[-1], rtol=1e-10, atol=1e-12
    )


def test_walker_iter_walk_matches_fit(task):
    """iter_walk yields the same steps as fit records, one at a time."""
    X, Y = task
    walker = ManifoldWalker(
        LSSRegressor(n_hidden=5, random_state=0),
        n_steps=300,
        record="weights",
        random_state=4,
    )
    steps = list(walker.iter_walk(X, Y))
    walker.fit(X, Y)
    assert len(steps) == 301
    assert all(isinstance(step, WalkStep) for step in steps)
    for step in steps[::37]:
        np.testing.assert_array_equal(
            step.hidden, walker.hidden_representations_[step.step]
        )
        np.testing.assert_array_equal(step.coefs[0], walker.coefs_path_[0][step.step])
        np.testing.assert_allclose(
            step.intercepts[0], walker.intercepts_path_[0][step.step]
        )


def test_walker_iter_walk_streams_without_storing(task):
    """iter_walk starts yielding at once, even for a walk far too long to store."""
    X, Y = task
    walker = ManifoldWalker(
        MRNSRegressor(random_state=0), n_steps=10**9, random_state=0
    )
    first = list(itertools.islice(walker.iter_walk(X, Y), 3))
    assert [step.step for step in first] == [0, 1, 2]
    assert not hasattr(walker, "hidden_representations_")


def test_walker_other_region_from_estimator(task):
    """Walking another region starts from a member of it and keeps the function."""
    X, Y = task
    walker = ManifoldWalker(
        MRNSRegressor(n_hidden=5, random_state=0),
        region="gls",
        n_steps=20,
        random_state=0,
    ).fit(X, Y)
    assert walker.region_ == "gls"
    np.testing.assert_allclose(
        walker.predict(X), walker.estimator_.predict(X), rtol=1e-9
    )


def test_walker_unit_step_size_exact(task):
    """step_size=1 (fresh noise every step) keeps every step exact."""
    X, Y = task
    walker = ManifoldWalker(
        GLSRegressor(n_hidden=5, random_state=0),
        n_steps=20,
        step_size=1.0,
        noise_scale=0.5,
        random_state=0,
    ).fit(X, Y)
    np.testing.assert_allclose(
        walker.predict(X), walker.estimator_.predict(X), rtol=1e-9
    )


def test_walker_pinned_parameters_stay_zero(task):
    """A GLS with scale=0 does not move: its free parameters stay zero."""
    X, Y = task
    walker = ManifoldWalker(
        GLSRegressor(n_hidden=5, scale=0.0, random_state=0), n_steps=10, random_state=0
    ).fit(X, Y)
    H = walker.hidden_representations_
    np.testing.assert_allclose(H[-1], H[0], atol=1e-14)


def test_walker_prefit_estimator_is_not_refitted(task):
    """A fitted estimator is walked as it is and left unchanged."""
    X, Y = task
    estimator = MWNSRegressor(random_state=0).fit(X, Y)
    coefs = [array.copy() for array in estimator.coefs_]
    walker = ManifoldWalker(estimator, n_steps=5, random_state=0).fit(X)
    assert walker.estimator_ is estimator
    np.testing.assert_array_equal(estimator.coefs_[0], coefs[0])


def test_walker_clone_and_pickle(task):
    """A fitted walker survives pickling, and clone gives an unfitted copy."""
    X, Y = task
    walker = ManifoldWalker(GLSRegressor(random_state=0), n_steps=5, random_state=0)
    walker.fit(X, Y)
    restored = pickle.loads(pickle.dumps(walker))
    np.testing.assert_array_equal(restored.predict(X), walker.predict(X))
    np.testing.assert_array_equal(
        restored.hidden_representations_, walker.hidden_representations_
    )
    copy = clone(walker)
    assert copy.get_params()["n_steps"] == 5
    assert not hasattr(copy, "hidden_representations_")


def test_walker_rejects_too_few_steps(task):
    """n_steps below 1 raises ValueError."""
    X, Y = task
    with pytest.raises(ValueError, match="n_steps"):
        ManifoldWalker(GLSRegressor(), n_steps=0).fit(X, Y)


def test_walker_rejects_unknown_region(task):
    """An unknown region raises ValueError listing the valid regions."""
    X, Y = task
    with pytest.raises(ValueError, match="'gls'.*'lss'|'lss'.*'gls'"):
        ManifoldWalker(GLSRegressor(), region="ridge").fit(X, Y)


def test_walker_rejects_narrow_network(task):
    """A width below the task's rank raises ValueError naming the width needed."""
    X, Y = task
    with pytest.raises(ValueError, match="at least 3"):
        ManifoldWalker(GLSRegressor(n_hidden=2), region="mrns").fit(X, Y)


def test_walker_rejects_unfitted_prefit(task):
    """prefit=True with an unfitted estimator raises NotFittedError."""
    X, _ = task
    with pytest.raises(NotFittedError):
        ManifoldWalker(GLSRegressor(), prefit=True).fit(X)


def test_walker_rejects_mlp(task):
    """Only the closed-form linear solutions can be walked."""
    X, Y = task
    with pytest.raises(TypeError, match="linear solutions"):
        ManifoldWalker(MLPRegressor()).fit(X, Y)


def test_walker_rejects_regularised_estimator(task):
    """An estimator with alpha > 0 is off the manifold and is rejected."""
    X, Y = task
    with pytest.raises(ValueError, match="alpha"):
        ManifoldWalker(LSSRegressor(alpha=0.1)).fit(X, Y)


def test_walker_requires_y_without_prefit(task):
    """Fitting the inner estimator needs y."""
    X, _ = task
    with pytest.raises(ValueError, match="requires y to be passed"):
        ManifoldWalker(GLSRegressor()).fit(X)


def test_walker_mrns_null_weights_walk():
    """With null_scale > 0 the MRNS walk moves its never-observed weights too."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 8)), rng.standard_normal((3, 2))
    X_new = rng.standard_normal((4, 8))
    walker = ManifoldWalker(
        MRNSRegressor(n_hidden=3, null_scale=1.0, random_state=0),
        n_steps=50,
        record="weights",
        random_state=0,
    ).fit(X, Y)
    np.testing.assert_allclose(
        walker.predict(X), walker.estimator_.predict(X), rtol=1e-9
    )
    assert not np.allclose(walker.predict(X_new), walker.estimator_.predict(X_new))
    H = walker.hidden_representations_
    np.testing.assert_allclose(H[-1] @ H[-1].T, H[0] @ H[0].T, atol=1e-12)
