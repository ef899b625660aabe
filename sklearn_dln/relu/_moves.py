"""Function-preserving moves of the hidden layers of scikit-learn MLPs.

Each move maps a fitted MLP to a deep copy with other weights, and usually
other hidden widths, that computes the same function. Permutation, positive
rescaling, nuisance units and duplication keep it exactly for every input.
Input-null weights keep it on the span of the training inputs (Braun, Grant
& Saxe, ICML 2025, Section 6).
"""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import check_random_state

from ..utils._validation import Interval, StrOptions, validate_params
from ._activity import (
    _validate_mlp_input,
    check_fitted_mlp,
    compute_hidden_activity,
    count_hidden_layers,
    resolve_hidden_layer,
)
from ._edits import (
    append_units,
    check_positively_homogeneous,
    copy_with_weights,
    layer_weights,
    replace_layer,
    rescale_units,
)
from ._linalg import input_null_space
from ._target import fit_target_move

__all__ = ["RELU_MOVES", "apply_relu_move"]

RELU_MOVES = ("permute", "scale", "nuisance", "duplicate", "input_null", "target")


def _unit_indices(units, n_units, method):
    """Validate ``units`` as distinct unit indices and make them non-negative."""
    indices = np.asarray(units)
    if (
        indices.ndim != 1
        or indices.size == 0
        or not np.issubdtype(indices.dtype, np.integer)
        or indices.min() < -n_units
        or indices.max() >= n_units
    ):
        raise ValueError(
            "units must be a non-empty 1-D array of unit indices from "
            f"{-n_units} to {n_units - 1} for method={method!r}, got {units!r}."
        )
    indices = indices % n_units
    if np.unique(indices).size != indices.size:
        raise ValueError(f"units must not repeat an index, got {units!r}.")
    return indices


def _permute_units(coefs, intercepts, layer, units, rng):
    # Rows of W1 and b1 and columns of W2 in the paper's orientation; here the
    # columns of W_in, entries of b and rows of W_out.
    W_in, b, W_out = layer_weights(coefs, intercepts, layer)
    n_units = b.shape[0]
    if units is None:
        permutation = rng.permutation(n_units)
    else:
        permutation = _unit_indices(units, n_units, "permute")
        if permutation.size != n_units:
            raise ValueError(
                f"units must be a permutation of 0..{n_units - 1} for "
                f"method='permute' on a layer of {n_units} units, got {units!r}."
            )
    coefs, intercepts = replace_layer(
        coefs, intercepts, layer, W_in[:, permutation], b[permutation], W_out[permutation]
    )
    return coefs, intercepts, {"permutation": permutation}


def _draw_scale_factors(scale, n_units, rng):
    if np.ndim(scale) == 0:
        # Log-normal factors: log a ~ N(0, scale^2), so a > 0 and 1/a has the
        # same distribution as a.
        return np.exp(float(scale) * rng.standard_normal(n_units))
    factors = np.asarray(scale, dtype=np.float64)
    if factors.shape != (n_units,):
        raise ValueError(
            f"scale must be a number or an array of shape ({n_units},) with one "
            f"factor per unit for method='scale', got shape {factors.shape}."
        )
    if not (np.all(np.isfinite(factors)) and np.all(factors > 0)):
        raise ValueError(
            "the rescaling factors in scale must be finite and positive: a zero "
            "or negative factor changes the function of a ReLU network."
        )
    return factors


def _scale_units(coefs, intercepts, layer, scale, rng):
    factors = _draw_scale_factors(scale, intercepts[layer].shape[0], rng)
    coefs, intercepts = rescale_units(coefs, intercepts, layer, factors)
    return coefs, intercepts, {"factors": factors}


def _add_nuisance_units(coefs, intercepts, layer, n_units, scale, rng):
    n_in = coefs[layer].shape[0]
    if n_units is None:
        n_units = intercepts[layer].shape[0]
    W_new = float(scale) * rng.standard_normal((n_in, n_units))
    b_new = float(scale) * rng.standard_normal(n_units)
    coefs, intercepts = append_units(coefs, intercepts, layer, W_new, b_new)
    return coefs, intercepts, {"n_units_added": n_units}


def _duplicate_units(coefs, intercepts, layer, units, n_copies):
    W_in, b, W_out = layer_weights(coefs, intercepts, layer)
    n_units = b.shape[0]
    if units is None:
        units = np.arange(n_units)
    else:
        units = _unit_indices(units, n_units, "duplicate")

    # Each chosen unit keeps its place and 1/n_copies of its outgoing weights.
    # Its n_copies - 1 copies are appended, copy by copy, with the same
    # incoming weights and bias and the other shares, so the copies' outgoing
    # weights sum to the original ones.
    share = W_out[units] / n_copies
    W_out = W_out.copy()
    W_out[units] = share
    n_extra = n_copies - 1
    coefs, intercepts = replace_layer(coefs, intercepts, layer, W_in, b, W_out)
    coefs, intercepts = append_units(
        coefs,
        intercepts,
        layer,
        np.tile(W_in[:, units], n_extra),
        np.tile(b[units], n_extra),
        np.tile(share, (n_extra, 1)),
    )
    return coefs, intercepts, {"units": units, "n_copies": n_copies}


def _add_input_null_weights(coefs, intercepts, X, scale, rng):
    if scipy.sparse.issparse(X):
        # NOTE: sparse inputs are densified here, which needs
        # n_samples * n_features floats of memory.
        X = X.toarray()
    null_space = input_null_space(X)
    if null_space.dim == 0:
        warnings.warn(
            f"The training inputs span all {X.shape[1]} input dimensions, so "
            "method='input_null' has no direction to add weights along and "
            "returns an unchanged copy of the network.",
            UserWarning,
        )
    W = coefs[0]
    # W1 -> W1 + G P_u in the paper's orientation, with P_u the projector onto
    # the complement of the training inputs' span. Here W += P_u G, drawn as
    # N C with N the orthonormal null-space basis and C Gaussian, which has
    # the distribution of P_u G for Gaussian G; X N is zero up to rounding.
    coordinates = float(scale) * rng.standard_normal((null_space.dim, W.shape[1]))
    added = null_space.combine(coordinates).astype(W.dtype, copy=False)
    coefs = list(coefs)
    coefs[0] = W + added
    info = {"rank": null_space.rank, "null_space_dim": null_space.dim}
    return coefs, list(intercepts), info


@validate_params(
    {
        "mlp": [MLPClassifier, MLPRegressor],
        "method": [StrOptions(set(RELU_MOVES))],
        "X": ["array-like", "sparse matrix"],
        "layer": [Interval(Integral, None, None, closed="neither")],
        "scale": [Interval(Real, 0, None, closed="left"), "array-like"],
        "n_units": [Interval(Integral, 1, None, closed="left"), None],
        "n_copies": [Interval(Integral, 1, None, closed="left")],
        "units": ["array-like", None],
        "target": ["array-like", dict, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def apply_relu_move(
    mlp,
    method,
    *,
    X,
    layer=-1,
    scale=1.0,
    n_units=None,
    n_copies=2,
    units=None,
    target=None,
    random_state=None,
):
    """Change the hidden weights of a fitted MLP without changing its function.

    Parameters
    ----------
    mlp : MLPClassifier or MLPRegressor
        A fitted scikit-learn MLP, or a subclass such as
        :class:`ReLUMLPClassifier`. It is not modified.
    method : {"permute", "scale", "nuisance", "duplicate", "input_null", "target"}
        The move:

        - ``"permute"``: reorder the units of the layer, by a random
          permutation or by ``units``.
        - ``"scale"``: multiply each unit's incoming weights and bias by a
          factor ``a > 0`` and divide its outgoing weights by ``a``.
        - ``"nuisance"``: append ``n_units`` units with Gaussian incoming
          weights and biases and zero outgoing weights.
        - ``"duplicate"``: replace each unit in ``units`` by ``n_copies``
          copies with its incoming weights and bias and ``1/n_copies`` of its
          outgoing weights each.
        - ``"input_null"``: add Gaussian weights orthogonal to every training
          input to the first layer's incoming weights.
        - ``"target"``: append units whose activity approximates a target
          pattern, and/or rescale the layer's units so that its RSM
          approaches a target RSM (see Notes).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The training inputs. ``"input_null"`` takes its null space from them
        and ``"target"`` fits its targets on them; for an estimator with a
        ``hidden_representation_`` attribute, such as
        :class:`ReLUMLPClassifier`, the attribute is recomputed on them.
    layer : int, default=-1
        Index of the hidden layer to change: 0 is the first hidden layer and
        negative values count back from the last one. ``"input_null"`` always
        changes the first layer's incoming weights, because they are the only
        weights that see the inputs. For it ``layer`` is checked to be in
        range and otherwise not used.
    scale : float or array-like of shape (n_units,), default=1.0
        For ``"scale"``, a number ``s`` draws log-normal factors with
        ``log a ~ N(0, s^2)``, and an array gives the positive factors, one
        per unit. For ``"nuisance"`` and ``"input_null"``, the standard
        deviation of the random weights added. Not used by the other moves.
    n_units : int, default=None
        Number of nuisance units for ``"nuisance"``; None adds as many as the
        layer has.
    n_copies : int, default=2
        Number of copies of each unit for ``"duplicate"`` (1 leaves the
        network unchanged).
    units : array-like of int, default=None
        For ``"duplicate"``, the indices of the units to duplicate (None: all
        of them). For ``"permute"``, a permutation of the layer's units (None:
        a random one); unit ``units[j]`` moves to position ``j``.
    target : array-like or dict, default=None
        Required by ``"target"``. An array of shape (n_samples, k) is a target
        activity pattern. A dict may hold ``"activity"`` (such an array),
        ``"rsm"`` (a target RSM of shape (n_samples, n_samples), finite
        everywhere, of which only the upper triangle and diagonal are
        used), or both.
    random_state : int, RandomState instance or None, default=None
        Seed of the random permutation, factors and weights.

    Returns
    -------
    moved : MLPClassifier or MLPRegressor
        A fitted deep copy of ``mlp``, of the same class, with new
        ``coefs_``, ``intercepts_`` and ``hidden_layer_sizes``.
    info : dict
        ``"method"`` and ``"layer"`` (the non-negative index changed), plus
        per method: ``"permutation"``; ``"factors"``; ``"n_units_added"``;
        ``"units"`` and ``"n_copies"``; ``"rank"`` of ``X`` and
        ``"null_space_dim"``; for ``"target"``, see Notes.

    Raises
    ------
    ValueError
        If ``layer`` is out of range (the message gives the number of hidden
        layers), if ``"scale"``, or ``"target"`` with an RSM target, is asked
        of an MLP whose activation is neither ``"relu"`` nor ``"identity"``,
        if ``units``, ``scale`` or ``target`` do not fit the layer, if the
        strict upper triangle of an RSM target is constant or nearly so
        (its variance below 1e-12 of its mean square), or if the
        factors of an RSM target would overflow or underflow the network's
        weights (the message gives the factor to divide the target by).
    sklearn.exceptions.NotFittedError
        If ``mlp`` is not fitted.

    See Also
    --------
    hidden_activity : The activity that the moves change.

    Notes
    -----
    Write hidden layer ``l`` as ``H_l = f(H_{l-1} W_l + 1 b_l^\\top)`` with
    ``H_0 = X`` (samples as rows), ``W_l = coefs_[l - 1]``,
    ``b_l = intercepts_[l - 1]`` and ``f`` the activation; ``W_{l+1}`` reads
    it out, and ``layer=l - 1`` selects it. Then, for every input:

    - a permutation ``Pi`` gives ``H_l Pi`` and ``Pi^\\top W_{l+1}``;
    - factors ``D = diag(a)``, ``a > 0``, give ``f(H_{l-1} W_l D + 1 b_l^\\top D)
      = H_l D`` for a positively homogeneous ``f``, read out by
      ``D^{-1} W_{l+1}``;
    - nuisance units and copies add columns to ``H_l`` whose rows of
      ``W_{l+1}`` are zero, or whose shares sum to the original row;
    - input-null weights give ``W_1 + P_u G`` with ``P_u`` the projector onto
      the orthogonal complement of the row space of the training inputs, so
      ``x (W_1 + P_u G) = x W_1`` for every ``x`` in their span, and the
      outputs change for inputs with a component outside it.

    Permutation, nuisance units, duplication and input-null weights keep the
    function for every activation; rescaling needs ``f(a z) = a f(z)`` for
    ``a > 0``, which holds for ReLU and the identity. All moves are exact up
    to floating-point rounding: the tests require outputs to agree to 1e-10
    of the largest output in float64, and typical differences are about
    1e-15.

    ``"target"`` acts on layer ``l`` in two steps, each optional:

    1. activity target ``T`` of shape (n_samples, k): append ``k`` units whose
       pre-activations are the least-squares fit of ``T`` by an affine map
       of ``H_{l-1}``, with zero outgoing weights. ``info["residual"]`` is
       ``||f(pre-activations) - T||_F / ||T||_F``, and
       ``info["n_units_added"]`` is ``k``.
    2. RSM target ``R`` of shape (n_samples, n_samples): rescale every unit
       of the layer (the added ones included) by ``a_j`` so that the
       uncentred RSM ``H_l diag(a)^2 H_l^\\top`` is closest to ``R`` in
       Frobenius norm, with ``a_j`` confined to [1e-3, 1e3] times the best
       common factor of all units. With ``c = a**2`` the squared distance is
       a convex quadratic in ``c``, and block principal pivoting finds its
       minimiser over these bounds (``info["rsm_n_iter"]`` pivoting steps).
       On layers with 128 or more distinct active units, projected gradient
       steps first guess which units end at a bound, which spares most
       pivoting steps when many do. Copies of a unit share one weight, and
       where pivoting stalls on a nearly singular system, scipy's
       bounded-variable least squares takes over. The match is reported as ``info["rsm_match"]``, the Pearson
       correlation of the strict upper triangles of the achieved and target
       RSMs (``info["rsm_match_before"]`` before rescaling; None where a
       triangle is constant and the correlation undefined), and
       ``info["rsm_residual"]``, the relative Frobenius error, whose
       rounding is about 1e-7 (up to 2e-6 with float32 products). The fitted
       factors are ``info["factors"]``.
       Units that are zero on every row of ``X`` add nothing to the RSM and
       keep the factor 1.

       Layers where ``n_samples * n_units * (n_samples + n_units +
       n_inputs)`` exceeds 1e8 run the forward pass and the products of the
       fit in float32 (``info["rsm_dtype"]``). On a 784-1024 layer with
       1,000 samples, the match then agreed with a direct float64
       computation to 3e-9. On 2,257 small layers forced into float32 in a
       stress run, it agreed to 3e-5 at worst and 7e-7 in 99 cases of 100.
       The fit switches to float64 when the RSM is a large constant, or a
       large diagonal, plus a small spread, when the residual falls below
       1e-2, when inputs or weights lie beyond float32's safe range, or when
       a unit that float32 rounding silences is active in float64. The
       network itself is rescaled in its own dtype, so the function is kept
       up to that dtype's rounding.

       numpy and scipy each bundle an OpenBLAS with its own threads. Right
       after a large numpy matrix product, such as the one that computes the
       target, numpy's threads keep spinning for about 0.1 s and compete with
       this function's scipy products. On two cores the RSM fit of a
       784-1024 layer then took 75 to 100 ms instead of about 45 ms
       (``benchmarks/bench_relu.py``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dln.relu import ReLUMLPClassifier, apply_relu_move
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> clf = ReLUMLPClassifier(32, max_iter=300, random_state=0).fit(X, y)
    >>> wider, info = apply_relu_move(clf, "duplicate", X=X, n_copies=3)
    >>> wider.hidden_layer_sizes
    (96,)
    >>> bool(np.abs(wider.predict_proba(X) - clf.predict_proba(X)).max() < 1e-12)
    True
    """
    check_fitted_mlp(mlp)
    layer = resolve_hidden_layer(layer, count_hidden_layers(mlp))
    if method == "scale":
        check_positively_homogeneous(mlp, method)
    if method == "target" and target is None:
        raise ValueError(
            "method='target' needs target: an activity array of shape "
            "(n_samples, k) or a dict with 'activity' and/or 'rsm'."
        )
    if np.ndim(scale) != 0 and method != "scale":
        raise ValueError(
            f"scale must be a number for method={method!r}; arrays of factors "
            "are accepted by method='scale' only."
        )
    X = _validate_mlp_input(mlp, X)
    rng = check_random_state(random_state)

    coefs, intercepts = mlp.coefs_, mlp.intercepts_
    if method == "permute":
        coefs, intercepts, info = _permute_units(coefs, intercepts, layer, units, rng)
    elif method == "scale":
        coefs, intercepts, info = _scale_units(coefs, intercepts, layer, scale, rng)
    elif method == "nuisance":
        coefs, intercepts, info = _add_nuisance_units(
            coefs, intercepts, layer, n_units, scale, rng
        )
    elif method == "duplicate":
        coefs, intercepts, info = _duplicate_units(
            coefs, intercepts, layer, units, n_copies
        )
    elif method == "input_null":
        coefs, intercepts, info = _add_input_null_weights(
            coefs, intercepts, X, scale, rng
        )
        layer = 0
    else:
        coefs, intercepts, info = fit_target_move(
            mlp, coefs, intercepts, layer, X, target
        )

    moved = copy_with_weights(mlp, coefs, intercepts)
    if hasattr(mlp, "hidden_representation_"):
        moved.hidden_representation_ = compute_hidden_activity(moved, X, moved.layer)
    return moved, {"method": method, "layer": layer, **info}
