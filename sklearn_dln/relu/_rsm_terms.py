"""Statistics of a rescaled layer's RSM against a target RSM, from three products.

Rescaling unit ``j`` of a positively homogeneous layer by ``a_j > 0`` turns
its activity ``H`` (n_samples x n_units) into ``H diag(a)``, so the
uncentred RSM becomes ``A(c) = H diag(c) H^T`` with ``c = a**2``. For every
``c`` its Frobenius distance and Pearson correlation to a target ``R``
follow from

    ||A(c)||_F^2 = c^T M c,   M = (H^T H) * (H^T H)   (elementwise square),
    <A(c), R>_F  = q^T c,     q_j = h_j^T R h_j,

plus sums of ``H * H`` and ``R``. No n_samples x n_samples product is formed.

The products run on the centred activity ``H_c = H - 1 m^T`` (column means
``m``), and on ``S``, which is ``R`` minus the mean of its strict upper
triangle off the diagonal and zero on it. The parts that the means and the
diagonal contribute are added back in float64. ReLU activity has a large
common component, and without this split it would dominate ``H^T H``, so
that single-precision products would lose the spread that the correlation
measures. A large mean or diagonal of ``R`` would do the same to ``R H``.
With it, the products can run in float32, where they take half the time.
The covariance of the two strict upper triangles is ``c^T q_S / 2`` with
``q_S_j = h_j^T S h_j``, so it needs no difference of large terms.
"""

import numpy as np
from scipy.linalg import get_blas_funcs, get_lapack_funcs

from ._workspace import store_result


# Norms of the upper triangle outside this range have squares that over- or
# underflow in float64, so the target is first divided by a power of two.
_SAFE_NORM = (1e-100, 1e100)

# When the squares of the diagonal exceed those of the strict upper triangle
# by more than this factor, the sums of the strict upper triangle come from a
# copy of it. Subtracting the diagonal from sums that include it would lose
# their digits.
_MAX_DIAGONAL_SHARE = 1e4

# Rows of the target that one numpy call centres. Blocks of rows write the
# upper triangle with few calls, and keep the temporary copy of a block
# divided by a power of two small.
_ROW_BLOCK = 64

# Activity, or a float32 target, whose magnitude lies outside this range is
# divided by a power of two, so that (H^T H) * (H^T H) and the products with
# the target stay within float32's range.
_SAFE_PEAK = (2.0**-10, 2.0**10)


def _power_of_two_scale(peak):
    """Return the power of two nearest above ``peak`` (1.0 for zero), an exact divisor."""
    if peak == 0:
        return 1.0
    # 2^1024 overflows, so near float64's maximum the divisor is 2^1023.
    return float(np.ldexp(1.0, min(int(np.frexp(peak)[1]), 1023)))


def _peak(array):
    """Return the largest magnitude of ``array`` without a temporary array."""
    if array.size == 0:
        return 0.0
    return max(float(array.max()), -float(array.min()))


def _upper_norm(rsm):
    """Return the Frobenius norm of the upper triangle of ``rsm``, diagonal included."""
    lantr = get_lapack_funcs("lantr", (rsm,))
    # The transpose of a C-ordered matrix is Fortran-ordered, and its lower
    # triangle is the upper triangle of the matrix.
    return float(lantr("F", rsm.T, uplo="L", diag="N"))


class TargetRSM:
    """Sums of a target RSM, read from its upper triangle and diagonal only.

    Parameters
    ----------
    rsm : ndarray of shape (n_samples, n_samples)
        The target, validated as finite, C-ordered float64. Entries below the
        diagonal are not read: the target is the symmetric matrix with this
        upper triangle.

    Attributes
    ----------
    scale : float
        A power of two that the target was divided by, 1.0 unless its
        squares would over- or underflow in float64. Every other attribute
        refers to the divided target. The match and the relative residual do
        not depend on it.
    """

    def __init__(self, rsm):
        n_samples = rsm.shape[0]
        self.scale = 1.0
        norm = _upper_norm(rsm)
        if norm > 0 and not _SAFE_NORM[0] <= norm <= _SAFE_NORM[1]:
            # The norm is infinite for entries near float64's maximum, so the
            # scale comes from the largest entry.
            upper = np.triu(rsm)
            self.scale = _power_of_two_scale(_peak(upper))
            rsm = upper / self.scale
            norm = _upper_norm(rsm)
        self._source = rsm

        diag = np.diag(rsm).copy()
        diag_sq = float(diag @ diag)
        pair_sum_sq = max(norm**2 - diag_sq, 0.0)
        if diag_sq <= _MAX_DIAGONAL_SHARE * pair_sum_sq:
            # The symmetric product with ones gives the row sums of the
            # symmetric target, diagonal included, in one pass.
            symv = get_blas_funcs("symv", (rsm,))
            row_sums = symv(1.0, rsm.T, np.ones(n_samples), lower=1) - diag
        else:
            upper = np.triu(rsm, 1)
            row_sums = upper.sum(axis=1) + upper.sum(axis=0)
            pair_sum_sq = float(np.einsum("ij,ij->", upper, upper))

        self.n_samples = n_samples
        self.n_pairs = n_samples * (n_samples - 1) / 2.0
        self.diag = diag
        # Each pair appears in the row sums twice.
        self.pair_sum = float(row_sums.sum()) / 2.0
        self.pair_sum_sq = pair_sum_sq
        self.pair_mean = self.pair_sum / self.n_pairs if self.n_pairs else 0.0
        # Row sums of the symmetric target without its diagonal.
        self.off_diagonal_row_sums = row_sums
        self.norm_sq = 2.0 * pair_sum_sq + diag_sq

    def _pair_spread(self):
        """Return ``sum_{i<k} (R_ik - mu)^2`` as the sum of squares minus the squared
        sum over the number of pairs, in float64."""
        return self.pair_sum_sq - self.pair_sum**2 / self.n_pairs

    def spread_share(self):
        """Return the variance of the strict upper triangle over its mean square
        (0 without pairs, or when every entry is zero)."""
        if self.n_pairs == 0 or self.pair_sum_sq == 0:
            return 0.0
        return max(self._pair_spread(), 0.0) / self.pair_sum_sq

    def is_constant(self):
        """Return whether the strict upper triangle is constant to a relative 1e-12."""
        return self.spread_share() <= 1e-12

    def centred_triangle(self, out):
        """Write ``T`` into ``out`` and return ``unit``, with ``unit (T + T^T) = S``.

        ``S`` is ``R - mu`` off the diagonal and zero on it, ``mu`` the mean
        of the strict upper triangle, and ``unit`` a power of two that keeps
        ``T`` within float32's range. Only the upper triangle of the
        C-ordered array ``out``, diagonal included, is meaningful. With it,
        ``h^T S h = 2 unit h^T T h`` costs a triangular product, and
        ``sum_{i<k} A_ik (R_ik - mu) = c^T q_S / 2`` with ``q_S_j = h_j^T S h_j``
        is the covariance of the two strict upper triangles, free of the
        diagonal and of ``mu``, which would otherwise cancel.
        """
        unit = 1.0
        magnitude = np.sqrt(self.norm_sq)
        if out.dtype == np.float32 and not _SAFE_PEAK[0] <= magnitude <= _SAFE_PEAK[1]:
            unit = _power_of_two_scale(magnitude)

        # Only the upper triangle is written, a block of rows at a time. The
        # mean is subtracted in float64, before any rounding to float32, and
        # dividing by a power of two first rounds the same way as after.
        mean = self.pair_mean / unit
        with np.errstate(under="ignore"):
            for start in range(0, self.n_samples, _ROW_BLOCK):
                rows = slice(start, start + _ROW_BLOCK)
                source = self._source[rows, start:]
                if unit != 1.0:
                    source = source / unit
                np.subtract(source, mean, out=out[rows, start:], casting="same_kind")
        np.einsum("ii->i", out)[:] = 0.0
        return unit

    def pair_variance(self, precision):
        """Return ``sum_{i<k} (R_ik - mu)^2`` from the float64 sums, or None when
        their relative error could exceed ``precision``.

        The rounding of the two sums is taken to be at most ``n_samples * eps``
        of ``||R||_F^2`` in float64, the worst case of sequential summation.
        A variance too small for that must come from the centred triangle
        instead.
        """
        if self.n_pairs == 0:
            return 0.0
        variance = self._pair_spread()
        error = self.n_samples * np.finfo(np.float64).eps * self.norm_sq
        return variance if error <= precision * variance else None

    def centred_row_sums(self):
        """Return ``S 1``, the row sums of ``R - mu`` off the diagonal (they sum to zero)."""
        return self.off_diagonal_row_sums - self.pair_mean * (self.n_samples - 1)


class RSMTerms:
    """Inner products that give the RSM ``A(c) = H diag(c) H^T`` of any weights ``c``.

    Parameters
    ----------
    H : ndarray of shape (n_samples, n_units), float32 or float64
        The layer's activity, Fortran-ordered. It is overwritten. Its dtype
        sets the precision of the products.
    target : TargetRSM
        The target.
    workspace : Workspace
        Contains the arrays "triangle" (n_samples, n_samples), and "gram",
        "gram_sq" and "system" with room for (n_units, n_units) entries, all
        of ``H``'s dtype. It is kept as ``workspace``.
    scratch : ndarray of shape (n_samples, n_units)
        A Fortran-ordered array of ``H``'s dtype that shares no memory with
        ``H``. It ends up holding ``H_c * H_c``.

    Notes
    -----
    Write ``H / s = H_c + 1 m^T``, with ``m`` the column means computed in
    ``H``'s dtype, ``H_c`` the centred activity rounded to ``H``'s dtype,
    and ``s`` 1, or a power of two that brings the largest entry of ``H``
    into [0.5, 1) when it lies outside [2^-10, 2^10]. Let ``o = H_c^T 1``
    (small, because ``m`` is close to the means), ``G_c = H_c^T H_c`` and
    ``p = o + (n / 2) m``. Then
    ``H^T H / s^2 = G_c + m p^T + p m^T``, and with ``v = c * m`` and
    ``w = c * p``,

        c^T M c / s^4 = c^T (G_c * G_c) c + 4 v^T G_c w
                        + 2 (v^T p)^2 + 2 (v^T m)(w^T p).

    The first two terms measure the spread of the activity and take the
    products in ``H``'s dtype. The last two come from the means alone and
    are exact in float64.
    """

    def __init__(self, H, target, workspace, scratch):
        dtype = H.dtype
        symv, gemv, syrk, trmm = get_blas_funcs(("symv", "gemv", "syrk", "trmm"), (H,))
        self._symv, self._gemv = symv, gemv
        self.workspace = workspace
        n_samples, n_units = H.shape
        self._square_shape = (n_units, n_units)

        peak = _peak(H)
        self.scale = 1.0
        if peak != 0 and not _SAFE_PEAK[0] <= peak <= _SAFE_PEAK[1]:
            self.scale = _power_of_two_scale(peak)
            H *= dtype.type(1.0 / self.scale)
        # The centring needs only an approximate mean, because the offsets
        # below are summed from the centred columns in float64. A product in
        # H's dtype takes a tenth of the time of a float64 mean.
        mean = gemv(1.0, H, np.full(n_samples, 1.0 / n_samples, dtype=dtype), trans=1)
        H -= mean
        self.centred = H
        self.dtype = dtype
        self.mean = mean.astype(np.float64)
        self.offsets = H.sum(axis=0, dtype=np.float64)
        self.shift = self.offsets + n_samples / 2.0 * self.mean

        # Upper triangles of G_c and of its elementwise square. syrk leaves
        # the lower triangle as it finds it, and zeros there keep the
        # squares below finite.
        gram = workspace.view("gram", self._square_shape, "F")
        gram.fill(0.0)
        gram = store_result(
            gram, syrk(1.0, H, beta=0.0, c=gram, trans=1, lower=0, overwrite_c=1)
        )
        self.gram = gram
        # Squares below float32's smallest normal number flush harmlessly.
        with np.errstate(under="ignore"):
            self.gram_sq = np.multiply(
                gram, gram, out=workspace.view("gram_sq", self._square_shape, "F")
            )
        self.gram_diag = np.diag(gram).astype(np.float64)

        # q_S_j = h_j^T S h_j, from the centred columns: with h = h_c + m 1
        # and 1^T S 1 = 0, h^T S h = h_c^T S h_c + 2 m (S 1)^T h_c.
        triangle = workspace["triangle"]
        unit = target.centred_triangle(triangle)
        product = scratch
        product[...] = H
        product = store_result(
            product,
            trmm(1.0, triangle.T, product, side=0, lower=1, trans_a=1, overwrite_b=1),
        )
        product *= H
        self.q_centred = 2.0 * unit * product.sum(axis=0, dtype=np.float64)
        self.q_centred += 2.0 * self.mean * self._dot_columns(
            H, self.offsets, target.centred_row_sums(), unit
        )
        # sum_{i<k} (R_ik - mu)^2, from the float64 sums when they are as
        # accurate as the centred triangle in H's dtype. Otherwise the triangle
        # gives it without subtracting the squared mean from the sum of squares.
        self.target_variance = target.pair_variance(float(np.finfo(dtype).eps))
        if self.target_variance is None:
            self.target_variance = (unit * _upper_norm(triangle)) ** 2

        self.squares = np.multiply(H, H, out=product)
        self.column_sums = self.offsets + n_samples * self.mean
        self.norms_sq = self.gram_diag + 2.0 * self.mean * self.offsets + n_samples * self.mean**2
        self.target = target
        self.n_samples = n_samples

        # q_j = h_j^T R h_j = q_S_j + mu ((1^T h_j)^2 - ||h_j||^2) + sum_i d_i H_ij^2.
        diag_dot = self._dot_columns(self.squares, self.gram_diag, target.diag, unit)
        diag_dot += 2.0 * self.mean * self._dot_columns(H, self.offsets, target.diag, unit)
        diag_dot += self.mean**2 * target.diag.sum()
        self.q = (
            self.q_centred
            + target.pair_mean * (self.column_sums**2 - self.norms_sq)
            + diag_dot
        )

    def _dot_columns(self, matrix, column_sums, vector, unit):
        """Return ``matrix^T vector`` in float64, with the product in ``matrix``'s dtype.

        ``vector`` is divided by ``unit`` to stay within float32's range.
        Its mean is taken out first and added back through ``column_sums``,
        so that the product does not have to cancel it.
        """
        mean = float(vector.mean())
        scaled = ((vector - mean) / unit).astype(self.dtype)
        product = self._gemv(1.0, matrix, scaled, trans=1).astype(np.float64)
        return unit * product + mean * column_sums

    def _product(self, matrix, vector, symmetric):
        """Return ``matrix @ vector`` in float64, with the product in ``matrix``'s dtype.

        A symmetric matrix is stored as its upper triangle. ``vector`` is
        divided by a power of two near its largest entry first, so that it
        fits float32 at any scale of the weights ``c``.
        """
        scale = _power_of_two_scale(_peak(vector))
        scaled = (vector / scale).astype(self.dtype)
        if symmetric:
            result = self._symv(1.0, matrix, scaled, lower=0)
        else:
            result = self._gemv(1.0, matrix, scaled)
        return scale * result.astype(np.float64)

    def quadratic(self, c):
        """Return ``||A(c)||_F^2 = c^T M c`` in the scaled units."""
        v = c * self.mean
        w = c * self.shift
        gram_v = self._product(self.gram, v, symmetric=True)
        centred = c @ self._product(self.gram_sq, c, symmetric=True)
        cross = 4.0 * (w @ gram_v)
        mean_part = 2.0 * (v @ self.shift) ** 2 + 2.0 * (v @ self.mean) * (w @ self.shift)
        return centred + cross + mean_part

    def diagonal(self, c):
        """Return the diagonal of ``A(c)``: ``sum_j c_j H_ij^2`` in the scaled units."""
        v = c * self.mean
        squares = self._product(self.squares, c, symmetric=False)
        linear = self._product(self.centred, v, symmetric=False)
        return squares + 2.0 * linear + v @ self.mean

    def gram_matrix(self, factor=1.0):
        """Return the upper triangle of ``factor * M``, with ``M = (H^T H) * (H^T H)``
        in the scaled units.

        The array is the workspace's "system", Fortran-ordered, and its
        lower triangle is not meaningful. Silent units have zero rows and
        columns. ``H^T H`` is multiplied by ``sqrt(factor)`` before the
        square, which spares a pass over the matrix.
        """
        root = np.sqrt(factor)
        syr2 = get_blas_funcs("syr2", dtype=self.dtype)
        system = self.workspace.view("system", self._square_shape, "F")
        np.multiply(self.gram, self.dtype.type(root), out=system)
        system = store_result(
            system,
            syr2(
                root, self.mean.astype(self.dtype), self.shift.astype(self.dtype),
                a=system, lower=0, overwrite_a=1,
            ),
        )
        with np.errstate(under="ignore"):
            system *= system
        return system

    def active_units(self):
        """Return the mask of the units with nonzero activity on some sample."""
        return self.norms_sq > 0

    def duplicate_groups(self, active):
        """Return, for each unit, the first active unit with the same activity column.

        Silent units, outside ``active``, are their own representatives.

        Copies made by duplicating units have identical columns. Their RSM
        depends only on the sum of their weights ``c``, which leaves the
        quadratic program a flat direction per copy. Candidates share a
        random projection of the centred column and are then compared entry
        by entry.
        """
        probe = np.random.default_rng(0).standard_normal(self.n_samples)
        projection = self._gemv(1.0, self.centred, probe.astype(self.dtype), trans=1)
        index = np.flatnonzero(active)
        _, first, inverse = np.unique(
            projection[index], return_index=True, return_inverse=True
        )
        representative = np.arange(projection.shape[0])
        representative[index] = index[first[inverse]]
        for unit in np.flatnonzero(representative != np.arange(representative.shape[0])):
            same = np.array_equal(self.centred[:, unit], self.centred[:, representative[unit]])
            if not same or self.mean[unit] != self.mean[representative[unit]]:
                representative[unit] = unit
        return representative

    def summarise(self, c):
        """Return the match, the relative residual and the spread ratio of ``A(c)``.

        The match is the Pearson correlation of the strict upper triangles of
        ``A(c)`` and ``R``. It is None when the variance of the triangle of
        ``A(c)`` is below 1e-12 of ``||A(c)||_F^2``, or that of ``R`` below
        1e-12 of the sum of squares of its triangle. The relative
        residual is ``||A(c) - R||_F / ||R||_F``. The spread ratio is
        ``||A(c)||_F^2`` over the variance of the strict upper triangle. A
        large ratio means an RSM that is a large constant or a large diagonal
        plus a small spread. Such an RSM magnifies rounding errors of the
        activity into the match.
        """
        target = self.target
        n_pairs = target.n_pairs
        diag = self.diagonal(c)
        norm_sq = self.quadratic(c)
        total, trace = c @ self.column_sums**2, c @ self.norms_sq

        sum_a = (total - trace) / 2.0
        sum_sq_a = (norm_sq - diag @ diag) / 2.0
        # NOTE: var_a is a difference of terms the size of ||A||^2, so the
        # match loses digits when the spread is tiny beside them. In a
        # float64 stress run, a spread of 2e-11 of ||A||^2 put the match
        # 3e-6 off.
        var_a = sum_sq_a - sum_a**2 / n_pairs
        var_r = self.target_variance
        covariance = (c @ self.q_centred) / 2.0

        match = None
        if var_a > 1e-12 * norm_sq and var_r > 1e-12 * target.pair_sum_sq:
            r = covariance / np.sqrt(var_a) / np.sqrt(var_r)
            match = float(np.clip(r, -1.0, 1.0))
        inner = c @ self.q_centred + target.pair_mean * (total - trace) + diag @ target.diag
        distance_sq = norm_sq - 2.0 * inner + target.norm_sq
        residual = float(np.sqrt(max(distance_sq, 0.0) / target.norm_sq))
        spread_ratio = norm_sq / var_a if var_a > 0 else np.inf
        return match, residual, spread_ratio
