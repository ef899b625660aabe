"""Noise robustness of a trained ReLU network and of its function-preserving expansions.

Braun, Grant & Saxe (ICML 2025, Section 6) train a ReLU network on
handwritten digits from small initial weights and expand it by moves that
keep its function. The expanded networks have the same test error, yet the
rescaled, nuisance and duplicated ones lose accuracy faster under noise on
the parameters, and the one with input-null weights loses accuracy faster
under noise on the inputs only.
"""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch, check_random_state

from ..datasets import load_digits_regression
from ..relu import ReLUMLPClassifier, apply_relu_move
from ..utils._threads import single_blas_thread
from ..utils._validation import Interval, validate_params

__all__ = ["ROBUSTNESS_VARIANTS", "measure_relu_robustness"]

ROBUSTNESS_VARIANTS = ("minimal", "scale", "nuisance", "duplicate", "input_null")

# Stream numbers of the two noise types in the seed of every draw. Every
# network gets the same draw at a given level and repeat wherever the shapes
# agree, and these common random numbers make the comparisons sharper.
_PARAMETER_STREAM = 0
_INPUT_STREAM = 1


def _train_from_small_weights(X, y, *, n_hidden, init_scale, max_iter,
                              learning_rate_init, seed):
    """Train a one-hidden-layer ReLU classifier from small Gaussian weights.

    scikit-learn draws its own (Glorot) initial weights, so a first ``fit``
    with ``max_iter=1`` lets it allocate every fitted attribute, then the
    weights are replaced by N(0, init_scale^2) draws and the biases by zeros,
    and a warm-started ``fit`` trains from there. Early stopping is disabled
    (``n_iter_no_change=max_iter``): its reference loss comes from the
    discarded first epoch, so it would otherwise stop the run while the
    small-weight network is still on its initial plateau.
    """
    clf = ReLUMLPClassifier(
        n_hidden,
        solver="sgd",
        learning_rate_init=learning_rate_init,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=1,
        n_iter_no_change=max_iter,
        warm_start=True,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        # Both fits stop at max_iter on purpose: the first after one epoch,
        # the second after the fixed training budget.
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        for i, coef in enumerate(clf.coefs_):
            clf.coefs_[i] = init_scale * rng.standard_normal(coef.shape)
            clf.intercepts_[i] = np.zeros(coef.shape[1])
        clf.set_params(max_iter=max_iter)
        clf.fit(X, y)
    return clf


def _expand(minimal, X_train, *, scale_spread, nuisance_scale, null_scale,
            n_copies, seed):
    """Return the minimal network and its four function-preserving expansions,
    and the info of the input-null move."""
    input_null, null_info = apply_relu_move(
        minimal, "input_null", X=X_train, scale=null_scale, random_state=seed + 2
    )
    networks = {
        "minimal": minimal,
        "scale": apply_relu_move(
            minimal, "scale", X=X_train, scale=scale_spread, random_state=seed
        )[0],
        "nuisance": apply_relu_move(
            minimal, "nuisance", X=X_train, scale=nuisance_scale, random_state=seed + 1
        )[0],
        "duplicate": apply_relu_move(
            minimal, "duplicate", X=X_train, n_copies=n_copies
        )[0],
        "input_null": input_null,
    }
    return networks, null_info


def _error(network, X, y):
    return float(np.mean(network.predict(X) != y))


def _parameter_noise_errors(network, X, y, levels, n_repeats, seed):
    """Test error with i.i.d. N(0, level^2) noise added to every weight and bias."""
    errors = np.empty((len(levels), n_repeats))
    noisy = copy.copy(network)
    for i, level in enumerate(levels):
        for r in range(n_repeats):
            rng = np.random.default_rng([seed, _PARAMETER_STREAM, i, r])
            noisy.coefs_ = [w + level * rng.standard_normal(w.shape) for w in network.coefs_]
            noisy.intercepts_ = [
                b + level * rng.standard_normal(b.shape) for b in network.intercepts_
            ]
            errors[i, r] = _error(noisy, X, y)
    return errors


def _input_noise_errors(network, X, y, levels, n_repeats, seed):
    """Test error with i.i.d. N(0, level^2) noise added to every input pixel."""
    errors = np.empty((len(levels), n_repeats))
    for i, level in enumerate(levels):
        for r in range(n_repeats):
            rng = np.random.default_rng([seed, _INPUT_STREAM, i, r])
            errors[i, r] = _error(network, X + level * rng.standard_normal(X.shape), y)
    return errors


def _curve_table(errors, levels, as_frame):
    """Flatten the error arrays into one row per noise type, level and variant."""
    columns = {name: [] for name in (
        "noise", "noise_level", "variant", "error_mean", "error_sem", "n_repeats"
    )}
    for noise, by_variant in errors.items():
        for variant, values in by_variant.items():
            n_repeats = values.shape[1]
            for level, row in zip(levels[noise], values):
                columns["noise"].append(noise)
                columns["noise_level"].append(float(level))
                columns["variant"].append(variant)
                columns["error_mean"].append(float(row.mean()))
                sem = row.std(ddof=1) / np.sqrt(n_repeats) if n_repeats > 1 else 0.0
                columns["error_sem"].append(float(sem))
                columns["n_repeats"].append(n_repeats)
    if as_frame:
        import pandas as pd

        return pd.DataFrame(columns)
    return {name: np.asarray(values) for name, values in columns.items()}


def _mean_and_sem(values):
    n = values.shape[0]
    sem = values.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
    return float(values.mean()), float(sem)


def _compare_at_top(errors, variant, reference="minimal"):
    """Return the mean errors of ``variant`` and ``reference`` at the largest
    noise level and twice the standard error of their difference."""
    mean_v, sem_v = _mean_and_sem(errors[variant][-1])
    mean_r, sem_r = _mean_and_sem(errors[reference][-1])
    return mean_v, mean_r, 2.0 * np.hypot(sem_v, sem_r)


def _check_claims(clean_errors, errors, levels):
    """Compute the verdict on each claim of the paper from the measured errors."""
    claims = []

    differences = {
        name: clean_errors[name] - clean_errors["minimal"] for name in clean_errors
    }
    claims.append({
        "claim": "no move changes the test error without noise",
        "evidence": "test error without noise: " + ", ".join(
            f"{name} {value:.4f}" for name, value in clean_errors.items()
        ),
        "holds": bool(all(d == 0 for d in differences.values())),
    })

    top = levels["parameter"][-1]
    parts, holds = [], True
    for name in ("scale", "nuisance", "duplicate"):
        mean_v, mean_m, margin = _compare_at_top(errors["parameter"], name)
        holds = holds and mean_v - mean_m > margin
        parts.append(f"{name} {mean_v:.4f}")
    claims.append({
        "claim": "rescaled, nuisance and duplicated networks lose accuracy faster "
        "than the minimal network under parameter noise",
        "evidence": f"test error at parameter noise {top:g}: minimal "
        f"{_mean_and_sem(errors['parameter']['minimal'][-1])[0]:.4f}, "
        + ", ".join(parts) + " (each must exceed minimal by two standard errors)",
        "holds": bool(holds),
    })

    dup = _mean_and_sem(errors["parameter"]["duplicate"][-1])[0]
    others = {
        name: _mean_and_sem(errors["parameter"][name][-1])[0]
        for name in ("scale", "nuisance")
    }
    claims.append({
        "claim": "duplicated networks lose less accuracy under parameter noise "
        "than rescaled and nuisance networks, since the copies average their "
        "incoming noise",
        "evidence": f"test error at parameter noise {top:g}: duplicate {dup:.4f}, "
        + ", ".join(f"{name} {value:.4f}" for name, value in others.items()),
        "holds": bool(all(dup < value for value in others.values())),
        "note": "How much the copies gain from averaging depends on the number "
        "of copies and, for the comparison, on the size of the nuisance units' "
        "incoming weights; the ReLU guide page shows both.",
    })

    mean_null_in, mean_min_in, margin_in = _compare_at_top(errors["input"], "input_null")
    mean_null_par, mean_min_par, margin_par = _compare_at_top(
        errors["parameter"], "input_null"
    )
    claims.append({
        "claim": "the input-null network loses accuracy faster than the minimal "
        "network under input noise, and not under parameter noise",
        "evidence": f"at input noise {levels['input'][-1]:g}: input_null "
        f"{mean_null_in:.4f} vs minimal {mean_min_in:.4f}; at parameter noise "
        f"{top:g}: input_null {mean_null_par:.4f} vs minimal {mean_min_par:.4f} "
        "(differences compared with two standard errors)",
        "holds": bool(
            mean_null_in - mean_min_in > margin_in
            and abs(mean_null_par - mean_min_par) <= margin_par
        ),
    })
    return claims


def _run_experiment(X_train, y_train, X_test, y_test, *, levels, n_hidden,
                    init_scale, max_iter, learning_rate_init, n_repeats,
                    scale_spread, nuisance_scale, null_scale, n_copies, seed):
    """Train the minimal network, expand it and measure every noise curve."""
    minimal = _train_from_small_weights(
        X_train,
        y_train,
        n_hidden=n_hidden,
        init_scale=init_scale,
        max_iter=max_iter,
        learning_rate_init=learning_rate_init,
        seed=seed,
    )
    if nuisance_scale is None:
        nuisance_scale = float(minimal.coefs_[0].std())
    networks, null_info = _expand(
        minimal,
        X_train,
        scale_spread=scale_spread,
        nuisance_scale=nuisance_scale,
        null_scale=null_scale,
        n_copies=n_copies,
        seed=seed,
    )

    errors = {"parameter": {}, "input": {}}
    for name, network in networks.items():
        errors["parameter"][name] = _parameter_noise_errors(
            network, X_test, y_test, levels["parameter"], n_repeats, seed
        )
        errors["input"][name] = _input_noise_errors(
            network, X_test, y_test, levels["input"], n_repeats, seed
        )
    return networks, null_info, errors, nuisance_scale


def _max_output_change(networks, X):
    """Largest change of the class probabilities on ``X`` relative to the minimal network."""
    reference = networks["minimal"].predict_proba(X)
    return {
        name: float(np.abs(network.predict_proba(X) - reference).max())
        for name, network in networks.items()
    }


def _check_levels(levels, name):
    levels = np.asarray(levels, dtype=np.float64)
    if levels.ndim != 1 or levels.size == 0 or np.any(~np.isfinite(levels)) or np.any(
        levels < 0
    ):
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of finite noise standard "
            f"deviations >= 0, got {levels!r}."
        )
    return np.sort(levels)


@validate_params(
    {
        "n_hidden": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "init_scale": [Interval(Real, 0, None, closed="left")],
        "test_size": [Interval(Real, 0, 1, closed="neither")],
        "parameter_noise": ["array-like"],
        "input_noise": ["array-like"],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "scale_spread": [Interval(Real, 0, None, closed="left")],
        "nuisance_scale": [Interval(Real, 0, None, closed="left"), None],
        "null_scale": [Interval(Real, 0, None, closed="left")],
        "n_copies": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def measure_relu_robustness(
    *,
    n_hidden=1024,
    max_iter=100,
    learning_rate_init=0.1,
    init_scale=1e-3,
    test_size=0.25,
    parameter_noise=(0.0, 0.05, 0.1, 0.15, 0.2),
    input_noise=(0.0, 0.2, 0.4, 0.6, 0.8),
    n_repeats=20,
    scale_spread=1.0,
    nuisance_scale=None,
    null_scale=1.0,
    n_copies=2,
    random_state=0,
    as_frame=False,
):
    """Measure how function-preserving expansions of a ReLU network tolerate noise.

    Trains a one-hidden-layer ReLU classifier from small initial weights on
    scikit-learn's bundled handwritten digits (8x8 pixels scaled to [0, 1]).
    Four expansions then compute the same function: random positive
    rescaling, nuisance units, duplicated units and input-null weights. The
    test error of all five networks is measured under Gaussian noise on the
    parameters and, separately, on the inputs.

    Parameters
    ----------
    n_hidden : int, default=1024
        Hidden width of the trained (minimal) network.
    max_iter : int, default=100
        Number of training epochs.
    learning_rate_init : float, default=0.1
        Step size of the SGD training (constant, Nesterov momentum 0.9,
        minibatches of 200, scikit-learn's default L2 penalty alpha=1e-4).
    init_scale : float, default=1e-3
        Standard deviation of the i.i.d. Gaussian initial weights (biases start
        at zero). scikit-learn's default Glorot initialisation has standard
        deviation ``sqrt(2 / (fan_in + fan_out))``, about 0.043 for a 64-1024
        layer, so the default is about 40 times smaller.
    test_size : float, default=0.25
        Fraction of the 1,797 images held out for testing (stratified split).
    parameter_noise : array-like of float, default=(0.0, 0.05, 0.1, 0.15, 0.2)
        Standard deviations of the noise added to every weight and bias.
    input_noise : array-like of float, default=(0.0, 0.2, 0.4, 0.6, 0.8)
        Standard deviations of the noise added to every pixel of the test
        images (pixel values lie in [0, 1]; the noisy values are not clipped).
    n_repeats : int, default=20
        Monte Carlo draws of the noise per level and network.
    scale_spread : float, default=1.0
        The rescaled network multiplies each unit's incoming weights and bias
        by ``a`` and divides its outgoing weights by ``a``, with
        ``log a ~ N(0, scale_spread^2)``.
    nuisance_scale : float, default=None
        Standard deviation of the incoming weights and biases of the
        ``n_hidden`` nuisance units. None uses the standard deviation of the
        trained first-layer weights, so the nuisance units are as active as
        the trained ones.
    null_scale : float, default=1.0
        Standard deviation of the weights added along the input directions
        that no training image has (see Notes).
    n_copies : int, default=2
        Copies of every unit in the duplicated network.
    random_state : int, RandomState instance or None, default=0
        Seed of the split, the initial weights, the training, the moves and
        the noise.
    as_frame : bool, default=False
        Return ``table`` as a pandas DataFrame (pandas must be installed).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With the fields

        table : dict of ndarray or pandas.DataFrame
            One row per noise type (``"parameter"`` or ``"input"``), noise
            level and network: columns ``noise``, ``noise_level``,
            ``variant``, ``error_mean``, ``error_sem`` (standard error of the
            mean over the repeats) and ``n_repeats``.
        errors : dict
            ``errors[noise][variant]`` is an ndarray of shape
            (n_levels, n_repeats) of test errors.
        parameter_noise, input_noise : ndarray
            The noise levels, sorted.
        clean_error : dict of float
            Test error of each network without noise.
        max_output_change : dict of float
            Largest absolute change of the predicted class probabilities on
            the test images, relative to the minimal network.
        claims : list of dict
            ``{"claim", "evidence", "holds"}`` per claim of the paper, each
            verdict computed from the errors quoted in ``evidence``.
        networks : dict of ReLUMLPClassifier
            The minimal network and its expansions, keyed by variant.
        X_train, X_test, y_train, y_test : ndarray
            The split of the digits.
        input_null_dim : int
            Number of input directions orthogonal to every training image.
        nuisance_scale : float
            Standard deviation of the nuisance units' incoming weights and
            biases, as used.
        training_loss : float
            Final training loss of the minimal network.

    See Also
    --------
    sklearn_dln.relu.apply_relu_move : The moves that build the expansions.

    Notes
    -----
    The minimal network computes ``softmax(max(0, X W_1 + 1 b_1^T) W_2 + 1
    b_2^T)`` with ``X`` of shape (n_samples, 64). Test error is the fraction
    of misclassified test images, averaged over ``n_repeats`` noise draws;
    the same draws are used for every network wherever the shapes agree.

    The input-null weights lie in the orthogonal complement of the span of
    the training images. On the digits that complement is small (the pixels
    that are zero in every training image, three to four directions), and a
    test image with ink on such a pixel leaves the span, so the input-null
    network may differ from the minimal one there even without noise:
    ``max_output_change`` reports by how much.

    A claim holds when every difference it asserts exceeds twice the
    standard error of the difference of the two means at the largest noise
    level, and a claim of no difference holds when the difference is within
    that margin. The claims are those of Braun, Grant & Saxe (ICML 2025,
    Section 6 and Figure 5).

    Examples
    --------
    >>> from sklearn_dln.analysis import measure_relu_robustness
    >>> result = measure_relu_robustness(
    ...     n_hidden=64, max_iter=10, parameter_noise=[0, 0.2],
    ...     input_noise=[0, 0.5], n_repeats=2,
    ... )
    >>> sorted(result.clean_error)
    ['duplicate', 'input_null', 'minimal', 'nuisance', 'scale']
    >>> len(result.table["variant"])
    20
    """
    levels = {
        "parameter": _check_levels(parameter_noise, "parameter_noise"),
        "input": _check_levels(input_noise, "input_noise"),
    }
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    digits = load_digits_regression()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data,
        digits.labels,
        test_size=test_size,
        stratify=digits.labels,
        random_state=seed,
    )

    # Minibatches of 200 images through a 64-1024 layer are small matrix
    # products: on a busy two-core machine, 20 epochs of a 64-512 network took
    # 0.6 s on one BLAS thread and 4 to 6 s on two.
    with single_blas_thread():
        networks, null_info, errors, nuisance_scale = _run_experiment(
            X_train, y_train, X_test, y_test, levels=levels, n_hidden=n_hidden,
            init_scale=init_scale, max_iter=max_iter,
            learning_rate_init=learning_rate_init, n_repeats=n_repeats,
            scale_spread=scale_spread, nuisance_scale=nuisance_scale,
            null_scale=null_scale, n_copies=n_copies, seed=seed,
        )
    clean_error = {name: _error(network, X_test, y_test) for name, network in networks.items()}

    return Bunch(
        table=_curve_table(errors, levels, as_frame),
        errors=errors,
        parameter_noise=levels["parameter"],
        input_noise=levels["input"],
        clean_error=clean_error,
        max_output_change=_max_output_change(networks, X_test),
        claims=_check_claims(clean_error, errors, levels),
        networks=networks,
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        input_null_dim=int(null_info["null_space_dim"]),
        nuisance_scale=nuisance_scale,
        training_loss=float(networks["minimal"].loss_),
    )
