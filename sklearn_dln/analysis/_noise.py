"""Expected loss of a two-layer linear network under input or parameter noise.

Closed forms of Braun, Grant & Saxe (ICML 2025, Theorems 5.2, 5.4 and 5.6),
which hold for any weights, and Monte Carlo estimates that simulate the noisy
network directly, as an independent check.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._validation import Interval, StrOptions, validate_params
from ._network import check_network_data, network_weights

__all__ = ["expected_loss_input_noise", "expected_loss_parameter_noise"]

# Upper bound on the float64 entries that one chunk of Monte Carlo draws keeps
# in memory at a time (2**23 entries are 64 MiB). A chunk has at least one draw, so a
# single draw larger than this is still computed.
_CHUNK_ENTRIES = 2**23

_NOISE_CONSTRAINTS = {
    "model": "no_validation",
    "X": ["array-like"],
    "y": ["array-like"],
    "method": [StrOptions({"closed_form", "monte_carlo"})],
    "n_draws": [Interval(Integral, 2, None, closed="left")],
    "random_state": ["random_state"],
}

_MODEL_DOC = """model : fitted estimator or tuple of (ndarray, ndarray)
        A fitted estimator with ``coefs_ = [W1.T, W2.T]`` and
        ``intercepts_ = [b1, b2]`` (the estimators of this library, or a
        one-hidden-layer :class:`~sklearn.neural_network.MLPRegressor` with
        ``activation="identity"``), or a pair ``(W1, W2)`` in the paper's
        orientation, W1 of shape (n_hidden, n_features) and W2 of shape
        (n_outputs, n_hidden), for a network without biases."""


def _draw_chunks(n_draws, entries_per_draw):
    per_chunk = max(1, _CHUNK_ENTRIES // max(entries_per_draw, 1))
    start = 0
    while start < n_draws:
        stop = min(start + per_chunk, n_draws)
        yield stop - start
        start = stop


def _mean_and_standard_error(losses):
    losses = np.asarray(losses)
    return float(losses.mean()), float(losses.std(ddof=1) / np.sqrt(losses.shape[0]))


def _losses(outputs, Y):
    """Return the loss ``1/(2P) ||outputs - Y||^2`` of each draw (leading axis)."""
    return np.sum((outputs - Y) ** 2, axis=(-2, -1)) / (2.0 * Y.shape[0])


@validate_params(
    {**_NOISE_CONSTRAINTS, "sigma": [Interval(Real, 0, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def expected_loss_input_noise(
    model, X, y, *, sigma, method="closed_form", n_draws=1000, random_state=None
):
    """Compute the expected loss of a network whose inputs carry Gaussian noise.

    Every input entry gets independent noise of mean zero and standard
    deviation ``sigma``; the loss is half the mean squared error over samples.

    Parameters
    ----------
    {model}
    X : array-like of shape (n_samples, n_features)
        Inputs, without noise.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    sigma : float
        Standard deviation of the input noise, in the units of X.
    method : {"closed_form", "monte_carlo"}, default="closed_form"
        ``"closed_form"`` returns the exact expectation. ``"monte_carlo"``
        adds ``n_draws`` independent noise draws to X, runs the network on
        each, and returns the mean loss with its standard error.
    n_draws : int, default=1000
        Number of Monte Carlo draws; ignored by the closed form.
    random_state : int, RandomState instance or None, default=None
        Seed of the Monte Carlo draws.

    Returns
    -------
    loss : float
        With ``method="closed_form"``.
    (estimate, standard_error) : tuple of float
        With ``method="monte_carlo"``: the mean loss over the draws and the
        standard deviation of the per-draw losses divided by
        ``sqrt(n_draws)``.

    See Also
    --------
    expected_loss_parameter_noise : The same for noise on the weights.

    Notes
    -----
    With samples as rows, :math:`P` samples, the network's predictions
    :math:`\\hat Y = (X W_1^\\top + 1 b_1^\\top) W_2^\\top + 1 b_2^\\top` and
    noise :math:`\\Xi` with i.i.d. :math:`\\mathcal N(0, \\sigma^2)` entries,

    .. math::

        \\mathbb E\\, \\frac{1}{2P} \\lVert (\\hat Y + \\Xi W_1^\\top W_2^\\top)
        - Y \\rVert_F^2 = \\frac{1}{2P} \\lVert \\hat Y - Y \\rVert_F^2
        + \\frac{\\sigma^2}{2} \\lVert W_2 W_1 \\rVert_F^2,

    exact for any weights and biases (Braun, Grant & Saxe, 2025, Theorem
    5.2). Biases are not perturbed. On the solution manifold the first term
    is the irreducible error, so every least-squares solution minimises the
    expected loss, whatever its hidden representation.

    Monte Carlo draws are generated in chunks of at most 2**23 float64
    entries (64 MiB), or one draw when a single draw is larger.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor
    >>> from sklearn_dln.analysis import expected_loss_input_noise
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(30, 4)), rng.normal(size=(30, 2))
    >>> mrns = MRNSRegressor(random_state=0).fit(X, Y)
    >>> closed = expected_loss_input_noise(mrns, X, Y, sigma=0.5)
    >>> estimate, error = expected_loss_input_noise(
    ...     mrns, X, Y, sigma=0.5, method="monte_carlo", random_state=0)
    >>> bool(abs(estimate - closed) < 4 * error)
    True
    """
    weights = network_weights(model)
    X, Y = check_network_data(weights, X, y)
    if method == "closed_form":
        residual = weights.predict(X) - Y
        end_to_end = weights.W2 @ weights.W1
        # A loss beyond the float64 range is returned as inf, not raised.
        with np.errstate(over="ignore"):
            return float(
                np.sum(residual**2) / (2.0 * X.shape[0])
                + np.float64(sigma) ** 2 / 2.0 * np.sum(end_to_end**2)
            )

    rng = check_random_state(random_state)
    n_samples, n_features = X.shape
    width = max(n_features, weights.n_hidden, weights.n_outputs)
    losses = []
    for size in _draw_chunks(n_draws, 2 * n_samples * width):
        noisy = X + sigma * rng.standard_normal((size, n_samples, n_features))
        losses.append(_losses(weights.predict(noisy), Y))
    return _mean_and_standard_error(np.concatenate(losses))


@validate_params(
    {
        **_NOISE_CONSTRAINTS,
        "sigma1": [Interval(Real, 0, None, closed="left")],
        "sigma2": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def expected_loss_parameter_noise(
    model,
    X,
    y,
    *,
    sigma1,
    sigma2,
    method="closed_form",
    n_draws=1000,
    random_state=None,
):
    """Compute the expected loss of a network whose weights carry Gaussian noise.

    Every entry of W1 gets independent noise of standard deviation
    ``sigma1`` and every entry of W2 independent noise of standard deviation
    ``sigma2``. One draw perturbs the weights for the whole data set, and the
    loss is half the mean squared error over samples.

    Parameters
    ----------
    {model}
    X : array-like of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    sigma1 : float
        Standard deviation of the noise on each entry of W1.
    sigma2 : float
        Standard deviation of the noise on each entry of W2.
    method : {"closed_form", "monte_carlo"}, default="closed_form"
        ``"closed_form"`` returns the exact expectation. ``"monte_carlo"``
        draws ``n_draws`` noisy copies of the weights, runs each on X, and
        returns the mean loss with its standard error.
    n_draws : int, default=1000
        Number of Monte Carlo draws; ignored by the closed form.
    random_state : int, RandomState instance or None, default=None
        Seed of the Monte Carlo draws.

    Returns
    -------
    loss : float
        With ``method="closed_form"``.
    (estimate, standard_error) : tuple of float
        With ``method="monte_carlo"``.

    See Also
    --------
    expected_loss_input_noise : The same for noise on the inputs.

    Notes
    -----
    With samples as rows, :math:`P` samples, :math:`N_o` outputs,
    :math:`N_h` hidden units, hidden activity
    :math:`H = X W_1^\\top + 1 b_1^\\top` and predictions :math:`\\hat Y`,

    .. math::

        \\mathbb E[L] = \\frac{1}{2P} \\Big( \\lVert \\hat Y - Y \\rVert_F^2
        + \\sigma_1^2 \\lVert X \\rVert_F^2 \\lVert W_2 \\rVert_F^2
        + \\sigma_2^2 N_o \\lVert H \\rVert_F^2
        + \\sigma_1^2 \\sigma_2^2 N_o N_h \\lVert X \\rVert_F^2 \\Big),

    exact for any weights (Braun, Grant & Saxe, 2025, Theorem 5.4). Biases
    are not perturbed; X enters uncentred because the noise on W1 multiplies
    the raw input. With :math:`\\sigma_1^2 = s^2 / \\lVert X \\rVert_F^2` and
    :math:`\\sigma_2^2 = s^2 / N_o` the weight-dependent part is
    :math:`s^2 (\\lVert H \\rVert_F^2 + \\lVert W_2 \\rVert_F^2) / (2P)`, so on
    the solution manifold the minimum representation-norm solution (MRNS)
    minimises the expected loss.

    Monte Carlo draws are generated in chunks of at most 2**23 float64
    entries (64 MiB), or one draw when a single draw is larger.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln import MRNSRegressor, MWNSRegressor
    >>> from sklearn_dln.analysis import expected_loss_parameter_noise
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 4)) * [3.0, 1.0, 0.3, 0.1]
    >>> Y = rng.normal(size=(30, 2))
    >>> s = 0.1
    >>> noise = dict(sigma1=s / np.linalg.norm(X), sigma2=s / np.sqrt(2))
    >>> mrns = MRNSRegressor(fit_intercept=False).fit(X, Y)
    >>> mwns = MWNSRegressor(fit_intercept=False).fit(X, Y)
    >>> bool(expected_loss_parameter_noise(mrns, X, Y, **noise)
    ...      <= expected_loss_parameter_noise(mwns, X, Y, **noise))
    True
    """
    weights = network_weights(model)
    X, Y = check_network_data(weights, X, y)
    W1, W2 = weights.W1, weights.W2
    n_samples, n_features = X.shape
    n_outputs, n_hidden = W2.shape

    if method == "closed_form":
        hidden = weights.hidden(X)
        residual = hidden @ W2.T + weights.b2 - Y
        x_norm2 = np.sum(X**2)
        # A loss beyond the float64 range is returned as inf, not raised.
        with np.errstate(over="ignore"):
            var1, var2 = np.float64(sigma1) ** 2, np.float64(sigma2) ** 2
            total = (
                np.sum(residual**2)
                + var1 * x_norm2 * np.sum(W2**2)
                + var2 * n_outputs * np.sum(hidden**2)
                + var1 * var2 * n_outputs * n_hidden * x_norm2
            )
            return float(total / (2.0 * n_samples))

    rng = check_random_state(random_state)
    entries_per_draw = W1.size + W2.size + n_samples * (n_hidden + 2 * n_outputs)
    losses = []
    for size in _draw_chunks(n_draws, entries_per_draw):
        noisy_W1 = W1 + sigma1 * rng.standard_normal((size,) + W1.shape)
        noisy_W2 = W2 + sigma2 * rng.standard_normal((size,) + W2.shape)
        hidden = X @ np.swapaxes(noisy_W1, -1, -2) + weights.b1
        outputs = hidden @ np.swapaxes(noisy_W2, -1, -2) + weights.b2
        losses.append(_losses(outputs, Y))
    return _mean_and_standard_error(np.concatenate(losses))


for _function in (expected_loss_input_noise, expected_loss_parameter_noise):
    _function.__doc__ = _function.__doc__.replace("{model}", _MODEL_DOC)
