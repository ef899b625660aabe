"""Unit factors that bring a hidden layer's RSM close to a target RSM.

With ``c = a**2`` the squared Frobenius distance between the rescaled
layer's RSM and the target, ``c^T M c - 2 q^T c + ||R||_F^2``, is a convex
quadratic in ``c`` (see :class:`RSMTerms`). The factors minimise it over a
box that keeps every factor positive.

Large layers run the forward pass and the two products of :class:`RSMTerms`
in float32. On the 784-1024-10 network of ``benchmarks/bench_relu.py``
(1,000 samples), the three products took about 40 ms in float64 and 20 ms
in float32 on the two-core machine of the benchmarks. A float32 fit is
redone in float64 when its statistics could be inaccurate. That happens
when the RSM is a large constant or a large diagonal plus a small spread,
and when the fit is so close that rounding dominates the residual.
"""

import numpy as np
from scipy.linalg import get_blas_funcs

from ._box_qp import solve_box_qp
from ._gather import gather
from ._qp_start import guess_bound_sets
from ._rsm_terms import RSMTerms, _peak
from ._workspace import Workspace, store_result

# Bounds of the factors a_j relative to the best common factor. A factor must
# stay positive (zero would silence the unit and change the function), and
# the bounds keep the rescaled weights within six orders of magnitude of
# each other.
_FACTOR_BOUNDS = (1e-3, 1e3)

# Layers whose forward pass and products take more multiply-adds than this,
# n * n_units * (n + n_units + n_inputs), run them in float32. Below it the
# products take a few milliseconds in float64.
_SINGLE_PRECISION_WORK = 1e8

# float32 is used only when the largest magnitude of the layer input, of the
# incoming weights and of the biases lies in this range, so that no product
# or sum of the forward pass overflows or underflows.
_SINGLE_PRECISION_RANGE = (2.0**-40, 2.0**40)

# A float32 fit is redone in float64 when the squared Frobenius norm of the
# layer's RSM exceeds the variance of its strict upper triangle by more than
# the first factor. A large constant or a large diagonal plus a small spread
# does that. The rounding of the activity, about 6e-8 of its size, then
# reaches about 1e-5 of the spread that the match measures. It is also
# redone when the relative residual is below the second value, because the
# squared residual is a difference of terms the size of ||R||_F^2, whose
# float32 rounding would no longer be small beside it.
_MAX_SPREAD_RATIO = 1e4
_MIN_SINGLE_PRECISION_RESIDUAL = 1e-2


def _fits_single_precision(arrays):
    """Return whether every nonzero array's largest magnitude lies in the float32-safe range."""
    low, high = _SINGLE_PRECISION_RANGE
    for array in arrays:
        peak = _peak(array)
        if peak != 0 and not low <= peak <= high:
            return False
    return True


def _working_dtype(A_prev, W_in):
    """Return float32 for a layer whose products are large enough to gain from it."""
    n_samples, n_inputs = A_prev.shape
    n_units = W_in.shape[1]
    work = n_samples * n_units * (n_samples + n_units + n_inputs)
    return np.dtype(np.float32 if work > _SINGLE_PRECISION_WORK else np.float64)


def _make_workspace(dtype, n_samples, n_inputs, n_units):
    """Return the work arrays of a fit in ``dtype``.

    The forward pass's copies of the inputs and weights, the centred target
    triangle of :class:`RSMTerms` and the Cholesky factor of the quadratic
    program are needed one after the other, so they share memory. For a
    784-1024 layer and 1,000 samples in float32 the block takes 26 MiB
    instead of 34 MiB.
    """
    square = ((n_units, n_units), "F")
    return Workspace(
        dtype,
        [
            {
                "activity": ((n_samples, n_units), "F"),
                "product": ((n_samples, n_units), "F"),
                "gram": square,
                "gram_sq": square,
                "system": square,
            },
            (
                {
                    "inputs": ((n_samples, n_inputs), "C"),
                    "weights": ((n_inputs, n_units), "C"),
                },
                {"triangle": ((n_samples, n_samples), "C")},
                {"factor": square},
            ),
        ],
    )


def _used_inputs(A_prev):
    """Return the indices of the input columns that are nonzero on some sample, or
    None when too few are blank to be worth dropping.

    Blank columns (pixels without ink in every image, silent units of the
    layer below) add nothing to the forward product. Gathering the others
    costs about as much as a product with one sixteenth of the columns.
    """
    used = np.flatnonzero(A_prev.any(axis=0))
    n_inputs = A_prev.shape[1]
    if n_inputs - used.shape[0] < n_inputs / 16:
        return None
    # A layer whose inputs are all blank still gets one (zero) column, so
    # that the product keeps a nonempty inner dimension.
    return used if used.shape[0] else np.zeros(1, dtype=np.intp)


def _rounding_bounds(A, W, bias):
    """Return, per unit, a bound on how far float32 rounding moves any of its
    pre-activations from their float64 values.

    With ``n`` inputs, the rounding of the operands and of a sum of ``n + 1``
    terms moves ``a^T w + b`` by at most about ``(n + 3) u (|a|^T |w| + |b|)``,
    ``u = eps / 2``, and ``|a|^T |w| <= ||a|| ||w||``. The bound takes ``eps``
    in place of ``u``, which leaves a factor of two for the rounding of the
    float32 norms.
    """
    eps = float(np.finfo(np.float32).eps)
    row_norm = float(np.sqrt(np.einsum("ij,ij->i", A, A).max(initial=0.0)))
    column_norms = np.sqrt(np.einsum("ij,ij->j", W, W).astype(np.float64))
    return (A.shape[1] + 3) * eps * (row_norm * column_norms + np.abs(bias))


def _forward(A_prev, W_in, b, activation, workspace, used=None):
    """Return the layer's activity ``f(A_prev W_in + 1 b^T)``, Fortran-ordered,
    in the workspace's dtype, and an upper bound per unit on its float64
    pre-activations (None in float64).

    ``used`` lists the input columns to keep (all when None), and the
    workspace's "inputs" and "weights" have room for exactly those. Returns
    None in float32 when an input, weight or bias magnitude lies outside the
    float32-safe range (infinite after the conversion included).
    """
    A, W = workspace["inputs"], workspace["weights"]
    dtype = A.dtype
    # Magnitudes beyond float32's range become infinite and are caught below.
    with np.errstate(over="ignore"):
        if used is None:
            np.copyto(A, A_prev, casting="same_kind")
            np.copyto(W, W_in, casting="same_kind")
        else:
            gather(A_prev, used, 1, A)
            gather(W_in, used, 0, W)
        bias = b.astype(dtype)
    if dtype == np.float32 and not _fits_single_precision((A, W, bias)):
        return None

    gemm = get_blas_funcs("gemm", dtype=dtype)
    # op(A.T) op(W.T) = A W, with the transposes read as Fortran arrays.
    H = store_result(
        workspace["activity"],
        gemm(1.0, A.T, W.T, beta=0.0, c=workspace["activity"], trans_a=1, trans_b=1,
             overwrite_c=1),
    )
    H += bias
    highest = None
    if dtype == np.float32:
        highest = H.max(axis=0).astype(np.float64) + _rounding_bounds(A, W, bias)
    return activation(H), highest


def _scaled_problem(terms, active):
    """Return ``M``, ``q`` and the best common value ``s`` of the scaled fit.

    In units of ``s`` (``c = s 1`` fits best among common values) the
    bounds ``_FACTOR_BOUNDS`` on ``a / sqrt(s)`` do not depend on the scale
    of the target, and the objective is divided by ``||R||_F^2``. When no
    positive common value fits, as for a target anticorrelated with the
    layer's RSM, ``s`` makes ``||A(s 1)||_F = ||R||_F``. At least one unit
    must be active.
    """
    normaliser = terms.target.norm_sq
    ones = np.ones(active.shape[0])
    norm_sq = terms.quadratic(ones)
    common = terms.q.sum() / norm_sq if norm_sq > 0 else 1.0
    if not common > 0:
        common = np.sqrt(normaliser / norm_sq) if norm_sq > 0 else 1.0
    M = terms.gram_matrix(common**2 / normaliser)
    q = terms.q * (common / normaliser)

    # Silent units have zero rows and columns in M. A diagonal entry of the
    # size of the others keeps M positive definite and its scaling even, and
    # with q_j = 0 the solver puts them on the lower bound.
    silent = ~active
    diagonal = np.einsum("ii->i", M)
    diagonal[silent] = diagonal[active].mean()
    q[silent] = 0.0
    return M, q, common


def _active_in_float64(A_prev, W_in, b, activation, silent):
    """Return whether a unit of ``silent``, silent in the float32 forward pass, has
    nonzero activity in float64.

    Such a unit's pre-activations lie within float32's rounding of zero. The
    fit would leave it out with the factor 1 while the other units are
    rescaled, and for a target far from the layer's scale its float64
    activity could then dominate the moved RSM.
    """
    if silent.shape[0] == 0:
        return False

    # The product uses scipy's BLAS, like the rest of the fit. A numpy product
    # would wake numpy's own OpenBLAS threads, which then spin for 0.05 to
    # 0.1 s and slowed the fit's products to twice their time on two cores.
    # It is transposed so that a C-ordered A_prev needs no copy.
    gemm = get_blas_funcs("gemm", (A_prev, W_in))
    transposed = gemm(1.0, W_in[:, silent].T, A_prev.T)
    transposed += b[silent, np.newaxis]
    return bool(activation(transposed).any())


def _drop_silent_units(H, active, workspace):
    """Return the ``active`` columns of ``H``, a scratch array of their shape, and
    their indices.

    Units silent on every sample add nothing to the RSM, so dropping them
    shrinks every product and the quadratic program. When fewer than one in
    32 units is silent, the saving is at most about the cost of the copy (an
    estimate: the copy takes 0.3 ms for 1,000 x 1,024 float32 activity). The
    indices are then None, and ``H`` is returned as it is. Layers where
    every unit is silent are also kept whole.
    """
    units = np.flatnonzero(active)
    n_samples, n_units = H.shape
    if n_units - units.shape[0] < n_units / 32 or units.shape[0] == 0:
        return H, workspace["product"], None

    shape = (n_samples, units.shape[0])
    active_columns = gather(H, units, 1, workspace.view("product", shape, "F"))
    return active_columns, workspace.view("activity", shape, "F"), units


def _fit_weights(terms, active):
    """Fit ``c`` so that ``A(c)`` approaches the target, in the units of ``terms``.

    Block principal pivoting finds the minimiser over the bounds. Returns
    ``c`` and the number of pivoting steps (0 when every unit is silent).
    Silent units get weight 0: they add nothing to ``A(c)``, and a
    placeholder of 1 would set the scale at which the products round
    ``c`` to the working precision, so that tiny weights of the other units
    underflowed in float32. Their factor is set to 1 afterwards.
    """
    if not active.any():
        return np.zeros(active.shape[0]), 0

    low, high = (bound**2 for bound in _FACTOR_BOUNDS)
    M, q, common = _scaled_problem(terms, active)
    representative = terms.duplicate_groups(active)
    distinct = np.flatnonzero(representative == np.arange(representative.shape[0]))
    if distinct.shape[0] == representative.shape[0]:
        work = terms.workspace.view("factor", M.shape, "F")
        start = guess_bound_sets(M, q, low, high, np.ones(q.shape[0]))
        c, n_steps = solve_box_qp(M, q, low, high, work=work, start=start)
    else:
        # The k copies of a unit act through the sum of their weights, k t
        # with t in the bounds, and each copy gets t.
        copies = np.bincount(representative, minlength=representative.shape[0])[distinct]
        reduced = np.asfortranarray(M[np.ix_(distinct, distinct)] * np.outer(copies, copies))
        reduced_q = q[distinct] * copies
        start = guess_bound_sets(reduced, reduced_q, low, high, np.ones(distinct.shape[0]))
        t, n_steps = solve_box_qp(reduced, reduced_q, low, high, start=start)
        position = np.zeros(representative.shape[0], dtype=int)
        position[distinct] = np.arange(distinct.shape[0])
        c = t[position[representative]]

    c = c * common
    c[~active] = 0.0
    return c, n_steps


def _fit_in_dtype(A_prev, W_in, b, activation, target, dtype):
    """Fit the factors with the products in ``dtype``.

    Returns the factors, the statistics, and whether the statistics are
    accurate in that precision, or None when the layer does not fit in
    float32: an input, weight or bias magnitude lies outside its safe
    range, or a unit silent in float32 is active in float64.
    """
    used = _used_inputs(A_prev)
    n_inputs = A_prev.shape[1] if used is None else used.shape[0]
    workspace = _make_workspace(dtype, A_prev.shape[0], n_inputs, W_in.shape[1])
    forward = _forward(A_prev, W_in, b, activation, workspace, used)
    if forward is None:
        return None
    H, highest = forward
    nonzero_units = H.any(axis=0)
    # Units silent in float32 whose float64 pre-activations could still be
    # positive (or nonzero, for the identity) are checked in float64.
    if highest is not None:
        doubtful = np.flatnonzero(~nonzero_units & (highest > 0))
        if _active_in_float64(A_prev, W_in, b, activation, doubtful):
            return None
    H, scratch, units = _drop_silent_units(H, nonzero_units, workspace)
    terms = RSMTerms(H, target, workspace, scratch)
    active = terms.active_units()
    c, n_steps = _fit_weights(terms, active)

    match_before, _, ratio_before = terms.summarise(np.ones(c.shape[0]))
    match, residual, ratio = terms.summarise(c)
    stats = {
        "rsm_match_before": match_before,
        "rsm_match": match,
        "rsm_residual": residual,
        "rsm_n_iter": n_steps,
        "rsm_dtype": dtype.name,
    }
    # NOTE: this checks the statistics, not how close the factors come to the
    # float64 optimum. In a stress run, 16 of 2,257 small float32 fits, most
    # with a target of a large constant plus a small spread, ended up to 9e-4
    # (in relative residual) above it.
    accurate = (
        max(ratio_before, ratio) <= _MAX_SPREAD_RATIO
        and residual >= _MIN_SINGLE_PRECISION_RESIDUAL
    )

    # terms works with H / s and R / scale, so c_real = c * scale / s^2.
    factors = np.sqrt(c) * (np.sqrt(target.scale) / terms.scale)
    factors[~active] = 1.0
    if units is not None:
        active_factors = factors
        factors = np.ones(W_in.shape[1])
        factors[units] = active_factors
    return factors, stats, accurate


def fit_rsm_factors(A_prev, W_in, b, activation, target):
    """Fit positive unit factors so that the layer's RSM approaches ``target``.

    Parameters
    ----------
    A_prev : ndarray of shape (n_samples, n_inputs)
        The activity that feeds the layer.
    W_in : ndarray of shape (n_inputs, n_units)
        The layer's incoming weights.
    b : ndarray of shape (n_units,)
        The layer's biases.
    activation : callable
        The layer's positively homogeneous activation, applied in place.
    target : TargetRSM
        The target RSM.

    Returns
    -------
    factors : ndarray of shape (n_units,)
        ``a_j``, with ``H diag(a)^2 H^T`` closest to the target within the
        bounds. Silent units keep the factor 1.
    stats : dict
        ``rsm_match_before``, ``rsm_match``, ``rsm_residual``, ``rsm_n_iter``
        and ``rsm_dtype`` (the precision of the products).

    Raises
    ------
    ValueError
        If a factor is not a finite positive float64 number, which needs the
        activity and the target to differ in scale by about 1e300.
    """
    fitted = None
    if _working_dtype(A_prev, W_in) == np.float32:
        fitted = _fit_in_dtype(A_prev, W_in, b, activation, target, np.dtype(np.float32))
    if fitted is None or not fitted[2]:
        fitted = _fit_in_dtype(A_prev, W_in, b, activation, target, np.dtype(np.float64))
    factors, stats, _ = fitted

    if not np.all(np.isfinite(factors) & (factors > 0)):
        raise ValueError(
            "The unit factors that match the target RSM are outside the float64 "
            "range, because the target and the layer's RSM differ in scale by "
            "about 1e300 or more. Divide the target RSM by a constant closer to "
            "the scale of the layer's activity."
        )
    return factors, stats
