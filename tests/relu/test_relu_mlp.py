"""Tests of the ReLU MLP wrappers and of hidden_activity."""

import warnings

import numpy as np
import pytest
import scipy.sparse
from numpy.testing import assert_allclose, assert_array_equal
from relu_networks import build_random_mlp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_dln import ReLUMLPClassifier, ReLUMLPRegressor, hidden_activity


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def classification_data(rng):
    X = rng.standard_normal((60, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def _manual_relu_layers(mlp, X):
    layers = []
    A = X
    for coef, intercept in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1]):
        A = np.maximum(A @ coef + intercept, 0.0)
        layers.append(A)
    return layers


def test_relu_mlp_classifier_transform_matches_forward_pass(classification_data):
    """transform returns relu(X W1 + b1) for a one-hidden-layer classifier."""
    X, y = classification_data
    clf = _fit_quietly(ReLUMLPClassifier(7, max_iter=50, random_state=0), X, y)
    expected = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0.0)
    assert_allclose(clf.transform(X), expected, rtol=1e-12, atol=1e-12)
    assert clf.transform(X).shape == (60, 7)


def test_relu_mlp_transform_layer_choices(classification_data):
    """Every layer index, negative ones and "all" select the right activity."""
    X, y = classification_data
    reg = _fit_quietly(
        ReLUMLPRegressor((6, 4, 3), max_iter=20, random_state=0), X, y.astype(float)
    )
    layers = _manual_relu_layers(reg, X)
    for index in range(3):
        reg.set_params(layer=index)
        assert_allclose(reg.transform(X), layers[index], atol=1e-12)
        reg.set_params(layer=index - 3)
        assert_allclose(reg.transform(X), layers[index], atol=1e-12)
    reg.set_params(layer="all")
    assert_allclose(reg.transform(X), np.hstack(layers), atol=1e-12)
    assert reg.get_feature_names_out().shape == (13,)


def test_relu_mlp_hidden_representation_is_training_activity(classification_data):
    """hidden_representation_ is the transform of the training inputs."""
    X, y = classification_data
    clf = _fit_quietly(ReLUMLPClassifier((5, 4), max_iter=30, random_state=0), X, y)
    assert_array_equal(clf.hidden_representation_, clf.transform(X))
    assert clf.hidden_representation_.shape == (60, 4)
    hidden = ReLUMLPClassifier((5, 4), layer=0, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        activity = hidden.fit_transform(X, y)
    assert activity.shape == (60, 5)


def test_relu_mlp_predictions_equal_sklearn_mlp(classification_data):
    """The wrappers train exactly like scikit-learn's ReLU MLPs."""
    X, y = classification_data
    params = {"hidden_layer_sizes": (8,), "max_iter": 40, "random_state": 3}
    ours = _fit_quietly(ReLUMLPClassifier(**params), X, y)
    theirs = _fit_quietly(MLPClassifier(activation="relu", **params), X, y)
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))

    target = X @ np.array([1.0, -2.0, 0.5, 0.0, 1.0])
    ours = _fit_quietly(ReLUMLPRegressor(**params), X, target)
    theirs = _fit_quietly(MLPRegressor(activation="relu", **params), X, target)
    assert_array_equal(ours.predict(X), theirs.predict(X))


def test_relu_mlp_activation_is_not_a_parameter():
    """activation is fixed to relu and cannot be set."""
    clf = ReLUMLPClassifier()
    assert clf.activation == "relu"
    assert "activation" not in clf.get_params()
    with pytest.raises(ValueError, match="activation"):
        clf.set_params(activation="tanh")


def test_relu_mlp_works_in_pipelines(classification_data):
    """The wrappers work as the last step and as a transformer step."""
    X, y = classification_data
    pipe = make_pipeline(StandardScaler(), ReLUMLPClassifier(6, max_iter=50, random_state=0))
    _fit_quietly(pipe, X, y)
    assert pipe.predict(X).shape == (60,)
    assert pipe.transform(X).shape == (60, 6)

    features = make_pipeline(
        ReLUMLPRegressor(6, max_iter=50, random_state=0), LogisticRegression()
    )
    _fit_quietly(features, X, y)
    assert features.score(X, y) > 0.5
    assert_array_equal(
        features[:-1].get_feature_names_out(),
        [f"relumlpregressor{i}" for i in range(6)],
    )


def test_relu_mlp_set_output_pandas(classification_data):
    """transform returns a DataFrame with unit names under set_output."""
    pytest.importorskip("pandas")
    X, y = classification_data
    clf = _fit_quietly(ReLUMLPClassifier(3, max_iter=10, random_state=0), X, y)
    frame = clf.set_output(transform="pandas").transform(X)
    assert list(frame.columns) == [f"relumlpclassifier{i}" for i in range(3)]


def test_relu_mlp_from_estimator_does_not_refit(classification_data):
    """from_estimator copies the fitted state and training history unchanged."""
    X, y = classification_data
    mlp = _fit_quietly(MLPClassifier((5, 3), max_iter=30, random_state=0), X, y)
    wrapped = ReLUMLPClassifier.from_estimator(mlp, X=X, layer=0)

    assert isinstance(wrapped, ReLUMLPClassifier)
    assert_array_equal(wrapped.predict_proba(X), mlp.predict_proba(X))
    assert_array_equal(wrapped.classes_, mlp.classes_)
    assert wrapped.n_iter_ == mlp.n_iter_
    assert wrapped.loss_curve_ == mlp.loss_curve_
    assert wrapped.get_params()["hidden_layer_sizes"] == (5, 3)
    assert wrapped.hidden_representation_.shape == (60, 5)

    wrapped.coefs_[0][:] = 0.0
    assert np.any(mlp.coefs_[0] != 0.0)
    assert ReLUMLPClassifier.from_estimator(mlp).hidden_representation_ is None

    rewrapped = ReLUMLPClassifier.from_estimator(
        ReLUMLPClassifier.from_estimator(mlp, layer=0), layer=1
    )
    assert rewrapped.layer == 1
    assert_array_equal(rewrapped.predict_proba(X), mlp.predict_proba(X))


def test_relu_mlp_from_estimator_continues_training(classification_data):
    """partial_fit on a wrapped network continues from the wrapped weights."""
    X, y = classification_data
    mlp = _fit_quietly(MLPRegressor(hidden_layer_sizes=4, max_iter=20, random_state=0), X, y.astype(float))
    wrapped = ReLUMLPRegressor.from_estimator(mlp)
    mlp.partial_fit(X, y.astype(float))
    wrapped.partial_fit(X, y.astype(float))
    assert_allclose(wrapped.predict(X), mlp.predict(X), rtol=1e-12)
    assert wrapped.hidden_representation_.shape == (60, 4)


def test_relu_mlp_from_estimator_rejects_bad_input(classification_data):
    """Wrong class, non-ReLU activation and unfitted networks are rejected."""
    X, y = classification_data
    regressor = _fit_quietly(MLPRegressor(hidden_layer_sizes=3, max_iter=5), X, y.astype(float))
    with pytest.raises(TypeError, match="expects a fitted MLPClassifier"):
        ReLUMLPClassifier.from_estimator(regressor)

    tanh = _fit_quietly(MLPClassifier(3, activation="tanh", max_iter=5), X, y)
    with pytest.raises(ValueError, match="activation='tanh'"):
        ReLUMLPClassifier.from_estimator(tanh)

    with pytest.raises(NotFittedError):
        ReLUMLPRegressor.from_estimator(MLPRegressor())

    relu = _fit_quietly(MLPClassifier(3, max_iter=5), X, y)
    with pytest.raises(ValueError, match="1 hidden layer,"):
        ReLUMLPClassifier.from_estimator(relu, layer=1)


def test_relu_mlp_layer_out_of_range_raises(classification_data):
    """A layer beyond the network's depth raises before training."""
    X, y = classification_data
    clf = ReLUMLPClassifier((4, 4), layer=2, max_iter=5)
    with pytest.raises(ValueError, match="has 2 hidden layers"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")

    clf = _fit_quietly(ReLUMLPClassifier((4, 4), max_iter=5), X, y)
    clf.set_params(layer=-3)
    with pytest.raises(ValueError, match="from -2 to 1"):
        clf.transform(X)


def test_relu_mlp_partial_fit_sets_batch_representation(classification_data):
    """partial_fit stores the activity of the batch it was given."""
    X, y = classification_data
    clf = ReLUMLPClassifier(5, random_state=0)
    clf.partial_fit(X[:20], y[:20], classes=np.unique(y))
    assert clf.hidden_representation_.shape == (20, 5)
    assert not hasattr(ReLUMLPClassifier(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_hidden_activity_any_activation(activation):
    """hidden_activity matches a hand-written forward pass for every activation."""
    functions = {
        "relu": lambda z: np.maximum(z, 0.0),
        "tanh": np.tanh,
        "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "identity": lambda z: z,
    }
    mlp, X = build_random_mlp("regressor", (4, 3), activation=activation, seed=1)
    first = functions[activation](X @ mlp.coefs_[0] + mlp.intercepts_[0])
    second = functions[activation](first @ mlp.coefs_[1] + mlp.intercepts_[1])
    assert_allclose(hidden_activity(mlp, X, layer=0), first, atol=1e-12)
    assert_allclose(hidden_activity(mlp, X), second, atol=1e-12)
    assert_allclose(
        hidden_activity(mlp, X, layer="all"), np.hstack([first, second]), atol=1e-12
    )


def test_hidden_activity_sparse_input_equals_dense():
    """Sparse and dense inputs give the same activity."""
    mlp, X = build_random_mlp("classifier", (5,), seed=2)
    X[np.abs(X) < 0.5] = 0.0
    assert_allclose(
        hidden_activity(mlp, scipy.sparse.csr_matrix(X)), hidden_activity(mlp, X)
    )


def test_hidden_activity_rejects_bad_input():
    """Unfitted networks, bad layers and wrong feature counts raise."""
    with pytest.raises(NotFittedError):
        hidden_activity(MLPClassifier(), np.zeros((2, 3)))
    mlp, X = build_random_mlp("regressor", (3, 3, 3), seed=3)
    with pytest.raises(ValueError, match="has 3 hidden layers"):
        hidden_activity(mlp, X, layer=3)
    with pytest.raises(ValueError, match="features"):
        hidden_activity(mlp, X[:, :2])
    with pytest.raises(TypeError):
        hidden_activity(LogisticRegression(), X)


def test_relu_mlp_partial_fit_validates_layer(classification_data):
    """partial_fit rejects an invalid layer before training."""
    X, y = classification_data
    clf = ReLUMLPClassifier(5, layer="last")
    with pytest.raises(ValueError, match="layer"):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert not hasattr(clf, "coefs_")
