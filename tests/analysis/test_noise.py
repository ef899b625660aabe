"""Tests of the expected loss under input and parameter noise."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from sklearn.exceptions import NotFittedError
from hypothesis import strategies as st

from sklearn_dln import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.analysis import (
    LinearNetwork,
    expected_loss_input_noise,
    expected_loss_parameter_noise,
)

REFERENCE = Path(__file__).parents[1] / "data" / "paper_code_outputs.npz"
N_STANDARD_ERRORS = 4


@st.composite
def networks(draw):
    """Draw arbitrary weights, biases and data (not only solutions)."""
    n_samples = draw(st.integers(2, 10))
    n_features = draw(st.integers(1, 6))
    n_hidden = draw(st.integers(1, 6))
    n_outputs = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n_samples, n_features))
    Y = rng.normal(size=(n_samples, n_outputs))
    W1 = rng.normal(size=(n_hidden, n_features))
    W2 = rng.normal(size=(n_outputs, n_hidden))
    if draw(st.booleans()):
        b1, b2 = rng.normal(size=n_hidden), rng.normal(size=n_outputs)
        model = LinearNetwork(W1, W2, b1, b2, fit_intercept=True)
    else:
        model = (W1, W2)
    return model, X, Y, draw(st.integers(0, 2**16))


@settings(max_examples=25, deadline=None)
@given(case=networks(), sigma=st.floats(0.0, 2.0))
def test_input_noise_monte_carlo_agrees_with_closed_form(case, sigma):
    """The Monte Carlo estimate lies within 4 standard errors of the closed form."""
    model, X, Y, seed = case
    closed = expected_loss_input_noise(model, X, Y, sigma=sigma)
    estimate, error = expected_loss_input_noise(
        model, X, Y, sigma=sigma, method="monte_carlo", n_draws=400, random_state=seed
    )
    assert abs(estimate - closed) <= N_STANDARD_ERRORS * error + 1e-12 * closed


@settings(max_examples=25, deadline=None)
@given(case=networks(), sigma1=st.floats(0.0, 1.0), sigma2=st.floats(0.0, 1.0))
def test_parameter_noise_monte_carlo_agrees_with_closed_form(case, sigma1, sigma2):
    """The Monte Carlo estimate lies within 4 standard errors of the closed form."""
    model, X, Y, seed = case
    closed = expected_loss_parameter_noise(model, X, Y, sigma1=sigma1, sigma2=sigma2)
    estimate, error = expected_loss_parameter_noise(
        model,
        X,
        Y,
        sigma1=sigma1,
        sigma2=sigma2,
        method="monte_carlo",
        n_draws=400,
        random_state=seed,
    )
    assert abs(estimate - closed) <= N_STANDARD_ERRORS * error + 1e-12 * closed


def test_noise_monte_carlo_in_chunks(monkeypatch):
    """Drawing in chunks of one draw gives the same estimate as one chunk."""
    import sklearn_dln.analysis._noise as noise

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    W = (rng.normal(size=(4, 3)), rng.normal(size=(2, 4)))
    whole = expected_loss_input_noise(
        W, X, Y, sigma=0.5, method="monte_carlo", n_draws=20, random_state=1
    )
    monkeypatch.setattr(noise, "_CHUNK_ENTRIES", 1)
    chunked = expected_loss_input_noise(
        W, X, Y, sigma=0.5, method="monte_carlo", n_draws=20, random_state=1
    )
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)


@pytest.mark.parametrize("task", ["small", "tall"])
@pytest.mark.parametrize("region", ["mrns", "mwns"])
def test_noise_closed_forms_match_paper_code(task, region):
    """Both closed forms reproduce the values computed with the authors' code."""
    data = np.load(REFERENCE)
    X, Y = data[f"{task}_X"], data[f"{task}_Y"]
    weights = (data[f"{task}_{region}_W1"], data[f"{task}_{region}_W2"])
    input_loss = expected_loss_input_noise(weights, X, Y, sigma=0.3)
    parameter_loss = expected_loss_parameter_noise(
        weights,
        X,
        Y,
        sigma1=float(data[f"{task}_{region}_param_noise_sigma1"]),
        sigma2=float(data[f"{task}_{region}_param_noise_sigma2"]),
    )
    assert input_loss == pytest.approx(
        float(data[f"{task}_{region}_input_noise_sigma0.3"]), rel=1e-10
    )
    assert parameter_loss == pytest.approx(
        float(data[f"{task}_{region}_param_noise"]), rel=1e-10
    )


def test_parameter_noise_estimator_matches_paper_code():
    """A fitted MWNS estimator has the authors' parameter-noise loss."""
    data = np.load(REFERENCE)
    X, Y = data["tall_X"], data["tall_Y"]
    mwns = MWNSRegressor(n_hidden=12, fit_intercept=False, random_state=0).fit(X, Y)
    loss = expected_loss_parameter_noise(
        mwns,
        X,
        Y,
        sigma1=float(data["tall_mwns_param_noise_sigma1"]),
        sigma2=float(data["tall_mwns_param_noise_sigma2"]),
    )
    assert loss == pytest.approx(float(data["tall_mwns_param_noise"]), rel=1e-10)


def test_input_noise_every_lss_ties_and_gls_loses():
    """Input noise: all LSS have one expected loss; a GLS with a null part has more."""
    rng = np.random.default_rng(1)
    X = np.hstack([rng.normal(size=(12, 3)), np.zeros((12, 2))])
    Y = rng.normal(size=(12, 2))
    losses = {
        cls.__name__: expected_loss_input_noise(
            cls(n_hidden=4, random_state=2).fit(X, Y), X, Y, sigma=0.4
        )
        for cls in (LSSRegressor, MRNSRegressor, MWNSRegressor, GLSRegressor)
    }
    assert losses["MRNSRegressor"] == pytest.approx(losses["LSSRegressor"], rel=1e-10)
    assert losses["MWNSRegressor"] == pytest.approx(losses["LSSRegressor"], rel=1e-10)
    assert losses["GLSRegressor"] > losses["LSSRegressor"]


def test_parameter_noise_mrns_is_least_with_scaled_variances():
    """With scaled noise variances no solution type beats the MRNS."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25, 4)) * [4.0, 1.0, 0.5, 0.1]
    Y = rng.normal(size=(25, 3))
    s = 0.2
    noise = {"sigma1": s / np.linalg.norm(X), "sigma2": s / np.sqrt(3)}
    mrns = expected_loss_parameter_noise(
        MRNSRegressor(n_hidden=3, fit_intercept=False).fit(X, Y), X, Y, **noise
    )
    for cls in (GLSRegressor, LSSRegressor, MWNSRegressor):
        for seed in range(3):
            other = cls(n_hidden=3, fit_intercept=False, random_state=seed).fit(X, Y)
            assert expected_loss_parameter_noise(other, X, Y, **noise) >= mrns


def test_noise_accepts_identity_mlp():
    """A one-hidden-layer identity MLPRegressor is read through coefs_."""
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    mlp = MLPRegressor(
        hidden_layer_sizes=(4,), activation="identity", max_iter=2000, random_state=0
    )
    mlp.fit(X, y)
    W1, W2 = mlp.coefs_[0].T, mlp.coefs_[1].T
    b1, b2 = mlp.intercepts_
    residual = (X @ W1.T + b1) @ W2.T + b2 - y[:, None]
    expected = np.sum(residual**2) / 60 + 0.5**2 / 2 * np.sum((W2 @ W1) ** 2)
    assert expected_loss_input_noise(mlp, X, y, sigma=0.5) == pytest.approx(expected)


def test_noise_rejects_relu_mlp():
    """A ReLU MLPRegressor raises, since the closed forms are for linear networks."""
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    mlp = MLPRegressor(hidden_layer_sizes=(4,), max_iter=50, random_state=0)
    with pytest.warns(Warning):
        mlp.fit(X, y)
    with pytest.raises(ValueError, match="activation='relu'"):
        expected_loss_input_noise(mlp, X, y, sigma=0.1)


def test_noise_rejects_shape_mismatch():
    """Inputs whose width differs from W1's raise and name both widths."""
    W = (np.ones((3, 4)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="X has 5 features but the network's W1"):
        expected_loss_input_noise(W, np.ones((6, 5)), np.ones((6, 2)), sigma=0.1)
    with pytest.raises(ValueError, match="y has 3 outputs"):
        expected_loss_parameter_noise(
            W, np.ones((6, 4)), np.ones((6, 3)), sigma1=0.1, sigma2=0.1
        )


def test_noise_rejects_incompatible_pair():
    """A W2 whose width does not match W1's rows raises."""
    W = (np.ones((3, 4)), np.ones((2, 5)))
    with pytest.raises(ValueError, match="W2 needs one column per row of W1"):
        expected_loss_input_noise(W, np.ones((6, 4)), np.ones((6, 2)), sigma=0.1)


def test_noise_rejects_unfitted_estimator():
    """An estimator that was never fitted raises NotFittedError."""
    with pytest.raises(NotFittedError, match="MRNSRegressor instance is not fitted"):
        expected_loss_input_noise(
            MRNSRegressor(), np.ones((3, 2)), np.ones(3), sigma=1.0
        )


def test_noise_rejects_foreign_model():
    """A fitted estimator without coefs_ raises a TypeError naming the options."""
    from sklearn.linear_model import LinearRegression

    X, y = np.arange(6.0).reshape(3, 2), np.arange(3.0)
    model = LinearRegression().fit(X, y)
    with pytest.raises(TypeError, match="LinearRegression, which has no coefs_"):
        expected_loss_input_noise(model, X, y, sigma=1.0)


def test_noise_rejects_negative_sigma():
    """A negative standard deviation is an invalid parameter."""
    W = (np.ones((1, 2)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="sigma"):
        expected_loss_input_noise(W, np.ones((3, 2)), np.ones(3), sigma=-1.0)


def test_closed_form_loss_beyond_float_range_is_inf():
    """A huge noise gives an infinite expected loss, not an OverflowError."""
    from sklearn_dln import MRNSRegressor
    from sklearn_dln.analysis import (
        expected_loss_input_noise,
        expected_loss_parameter_noise,
    )

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 4)), rng.normal(size=(10, 2))
    model = MRNSRegressor().fit(X, Y)
    assert expected_loss_input_noise(model, X, Y, sigma=1e200) == np.inf
    assert expected_loss_parameter_noise(model, X, Y, sigma1=1e200, sigma2=1.0) == np.inf
