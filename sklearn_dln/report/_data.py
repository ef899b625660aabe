"""Tasks the report runs on: the bundled data sets or a user's .npz file."""

from dataclasses import dataclass, field
from pathlib import Path
import zipfile

import numpy as np

from ..datasets import load_digits_regression, make_semantic_hierarchy


class ReportInputError(Exception):
    """A report input that cannot be used; the message is one line for the user."""


@dataclass
class ReportTask:
    """One regression task of the report.

    Attributes
    ----------
    name : str
        Short name used in file names and tables.
    title : str
        Human-readable description.
    X, Y : ndarray
        Inputs (n_samples, n_features) and targets (n_samples, n_outputs).
    order : ndarray of shape (n_samples,)
        Sample order used in figures (digits sorted by label, so class blocks
        show in the RSM).
    group_labels : ndarray or None
        One label per sample, for figure annotations.
    """

    name: str
    title: str
    X: np.ndarray
    Y: np.ndarray
    order: np.ndarray
    group_labels: np.ndarray = field(default=None)


def bundled_tasks(random_state=0):
    """Return the bundled digits and the 16-item semantic hierarchy."""
    digits = load_digits_regression()
    order = np.argsort(digits.labels, kind="stable")
    hierarchy = make_semantic_hierarchy(random_state=random_state)
    n_items = hierarchy.data.shape[0]
    return [
        ReportTask(
            name="digits",
            title="scikit-learn's bundled handwritten digits (1,797 x 64, one-hot targets)",
            X=digits.data,
            Y=digits.target,
            order=order,
            group_labels=digits.labels,
        ),
        ReportTask(
            name="hierarchy",
            title="semantic hierarchy (16 items, 31 nodes, Gaussian inputs)",
            X=hierarchy.data,
            Y=hierarchy.target,
            order=np.arange(n_items),
        ),
    ]


def load_npz_task(path):
    """Load a task from an ``.npz`` file with arrays ``X`` and ``Y``.

    Raises
    ------
    ReportInputError
        If the file is missing, unreadable, lacks ``X`` or ``Y``, or contains
        arrays that are not finite real matrices of matching length.
    """
    path = Path(path)
    if path.is_dir():
        raise ReportInputError(f"{path} is a directory; pass an .npz file")
    if not path.is_file():
        raise ReportInputError(f"data file not found: {path}")
    if not zipfile.is_zipfile(path):
        raise ReportInputError(
            f"{path} is not an .npz archive; save the arrays with "
            f"numpy.savez(path, X=X, Y=Y)"
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in ("X", "Y") if key not in archive.files]
            if missing:
                raise ReportInputError(
                    f"{path} has no array named {' or '.join(missing)}; "
                    f"expected arrays 'X' (n_samples, n_features) and 'Y' "
                    f"(n_samples,) or (n_samples, n_outputs), found {archive.files}"
                )
            X, Y = archive["X"], archive["Y"]
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ReportInputError(f"cannot read {path} as a .npz file: {error}") from None

    X = _as_matrix(X, "X", path)
    Y = _as_matrix(Y.reshape(-1, 1) if np.ndim(Y) == 1 else Y, "Y", path)
    if X.shape[0] != Y.shape[0]:
        raise ReportInputError(
            f"{path}: X has {X.shape[0]} samples but Y has {Y.shape[0]}; "
            f"they must have one row per sample each"
        )
    if X.shape[0] < 2:
        raise ReportInputError(f"{path}: at least 2 samples are needed, got {X.shape[0]}")
    return ReportTask(
        name=path.stem,
        title=f"{path.name} ({X.shape[0]} x {X.shape[1]}, {Y.shape[1]} outputs)",
        X=X,
        Y=Y,
        order=np.arange(X.shape[0]),
    )


def _as_matrix(array, name, path):
    if array.ndim != 2:
        raise ReportInputError(
            f"{path}: {name} must be a 2-D array, got shape {array.shape}"
        )
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ReportInputError(
            f"{path}: {name} must hold real numbers, got dtype {array.dtype}"
        )
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ReportInputError(f"{path}: {name} contains NaN or infinite values")
    if min(array.shape) == 0:
        raise ReportInputError(f"{path}: {name} is empty, shape {array.shape}")
    return array
