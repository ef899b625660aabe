"""Pictures to sculpt hidden representations into."""

from importlib import resources
from numbers import Integral

import numpy as np
from scipy import ndimage

from ..utils._validation import validate_params

# Grey level of each character of the text bitmaps in ``data/``.
_GREY_LEVELS = {"#": 1.0, "+": 0.6, "o": 0.2, ".": 0.0}


def _read_bitmap(name):
    """Read a text bitmap of ``data/`` as a float array, without empty borders."""
    text = resources.files(__package__).joinpath("data", name).read_text()
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    width = max(len(line) for line in lines)
    bitmap = np.array(
        [[_GREY_LEVELS[char] for char in line.ljust(width, ".")] for line in lines]
    )
    rows = np.flatnonzero(bitmap.any(axis=1))
    cols = np.flatnonzero(bitmap.any(axis=0))
    return bitmap[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _shade(bitmap):
    """Darken the bitmap by up to 20 % with the distance from a light above the back.

    The shading is not a product of a row and a column profile, so it breaks
    the near-repetition of rows in the silhouette and keeps resampled
    pictures well conditioned.
    """
    n_rows, n_cols = bitmap.shape
    rows, cols = np.mgrid[0:n_rows, 0:n_cols]
    distance = np.hypot((rows - 5) / n_rows, (cols - 35) / n_cols)
    return bitmap * (1.0 - 0.2 * distance / 0.8)


def _resample(bitmap, shape):
    """Resample ``bitmap`` to ``shape``, sampling at the centres of the new pixels.

    Before shrinking an axis by a factor f > 1 the bitmap is smoothed with a
    Gaussian of standard deviation ``(f - 1) / 2`` pixels, which averages the
    pixels a new pixel covers; the samples are then read by linear
    interpolation.
    """
    factors = np.array(bitmap.shape) / np.array(shape)
    smoothed = ndimage.gaussian_filter(
        bitmap, sigma=np.maximum(factors - 1.0, 0.0) / 2.0, mode="nearest"
    )
    rows = (np.arange(shape[0]) + 0.5) * factors[0] - 0.5
    cols = (np.arange(shape[1]) + 0.5) * factors[1] - 0.5
    grid = np.meshgrid(rows, cols, indexing="ij")
    picture = ndimage.map_coordinates(smoothed, grid, order=1, mode="nearest")
    return np.clip(picture, 0.0, 1.0)


@validate_params({"shape": [tuple]}, prefer_skip_nested_validation=True)
def load_elephant(shape=(16, 16)):
    """Load a grey-level picture of an elephant, resampled to ``shape``.

    The picture is a silhouette facing left (1 for the body, 0.6 for the ear
    and the tusk, 0.2 for the eye, 0 for the background), drawn as a text
    bitmap of 30 x 58 pixels shipped with the package and shaded by up to
    20 % away from a light above the back. As a target for
    :class:`~sklearn_dln.transformers.FunctionPreservingReshaper` with
    ``method="target"``, rows are samples and columns hidden units: a network
    on the 16-item semantic hierarchy with 16 hidden units can reproduce the
    default 16 x 16 picture exactly (Braun, Grant & Saxe, ICML 2025,
    Figure 3).

    Parameters
    ----------
    shape : tuple of (int, int), default=(16, 16)
        Number of rows (samples) and columns (hidden units) of the picture.

    Returns
    -------
    picture : ndarray of shape ``shape``
        Grey levels in [0, 1].

    Notes
    -----
    A representation can reproduce the picture exactly only if the picture has
    full rank (see the reshaper's Notes). Every row of the bitmap differs;
    the shapes (8, 8), (16, 16), (16, 32), (20, 20), (30, 30) and (30, 58)
    give full-rank pictures (the default 16 x 16 one has condition number
    about 4e3). Shapes with more than 30 rows interpolate between bitmap rows
    and are rank-deficient.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dln.datasets import load_elephant
    >>> picture = load_elephant()
    >>> picture.shape
    (16, 16)
    >>> int(np.linalg.matrix_rank(picture))
    16
    """
    if len(shape) != 2 or not all(
        isinstance(size, Integral) and size >= 1 for size in shape
    ):
        raise ValueError(
            f"shape must be a pair of positive integers (n_rows, n_columns); "
            f"got {shape!r}."
        )
    bitmap = _shade(_read_bitmap("elephant.txt"))
    return _resample(bitmap, tuple(int(size) for size in shape))
