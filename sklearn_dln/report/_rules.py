"""Verdict rules of the report's claims.

Each rule turns measured numbers into a yes/no verdict with thresholds that
the caller names. The rules are plain functions of arrays so that they can be
tested on numbers that violate them.
"""

import numpy as np


def make_claim(claim, evidence, holds, *, panel=None, note=None):
    """Return a claim entry of a report section.

    Parameters
    ----------
    claim : str
        The statement checked, in words.
    evidence : str
        The measured numbers and the rule applied to them.
    holds : bool
        The verdict of the rule.
    panel : str or None, default=None
        Panel letter of the figure the claim belongs to.
    note : str or None, default=None
        What the verdict depends on, shown under the claims table.
    """
    entry = {"claim": claim, "evidence": evidence, "holds": bool(holds)}
    if panel is not None:
        entry["panel"] = panel
    if note is not None:
        entry["note"] = note
    return entry


def peak_to_peak(values):
    """Return the range (maximum minus minimum) of ``values``."""
    values = np.asarray(values, dtype=np.float64)
    return float(np.ptp(values))


def is_constant(values, atol):
    """Return whether ``values`` vary by at most ``atol`` (their range)."""
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.ptp(values) <= atol)


def fluctuates(values, min_range):
    """Return whether the range of ``values`` is at least ``min_range``."""
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.ptp(values) >= min_range)


def relative_excess(values, minimum):
    """Return ``(values - minimum) / |minimum|`` elementwise.

    Raises
    ------
    ValueError
        If ``minimum`` is zero, where a relative excess is undefined.
    """
    if minimum == 0:
        raise ValueError("the minimum is zero, so the relative excess is undefined")
    return (np.asarray(values, dtype=np.float64) - minimum) / abs(minimum)


def variance_shares(table):
    """Split the variance of a two-way table into its row and column effects.

    ``table[i, j]`` is one value per level i of the first factor (for
    instance the source/target type pair) and level j of the second (for
    instance same versus different function). The total sum of squares
    around the grand mean splits into the row effect
    ``n_columns * sum_i (row_mean_i - grand)^2``, the column effect
    ``n_rows * sum_j (column_mean_j - grand)^2`` and the interaction, as in a
    two-way analysis of variance with one value per cell.

    Returns
    -------
    row_share, column_share : float
        Each effect divided by the total sum of squares; NaN when all values
        are equal (up to roundoff), where the shares are undefined.
    """
    table = np.asarray(table, dtype=np.float64)
    if table.ndim != 2 or min(table.shape) < 2:
        raise ValueError(
            f"variance_shares needs a 2-D table with at least 2 rows and 2 "
            f"columns; got shape {table.shape}"
        )
    grand = table.mean()
    total = np.sum((table - grand) ** 2)
    # The mean of equal values can differ from them by roundoff, so a total
    # at roundoff level counts as zero.
    roundoff = (
        table.size
        * (table.size * np.finfo(np.float64).eps * np.max(np.abs(table))) ** 2
    )
    if total <= roundoff:
        return float("nan"), float("nan")
    rows = table.shape[1] * np.sum((table.mean(axis=1) - grand) ** 2)
    columns = table.shape[0] * np.sum((table.mean(axis=0) - grand) ** 2)
    return float(rows / total), float(columns / total)


def depends_mostly_on_rows(table, min_share):
    """Return whether the row effect explains at least ``min_share`` of the variance."""
    row_share, _ = variance_shares(table)
    return bool(np.isfinite(row_share) and row_share >= min_share)


def all_at_least(values, minimum):
    """Return whether every value is finite and at least ``minimum``."""
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(values >= minimum))


def all_at_most(values, maximum):
    """Return whether every value is finite and at most ``maximum``."""
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(values <= maximum))


def exceeds_by(first, second, min_gap):
    """Return whether every ``first`` value exceeds its ``second`` value by ``min_gap``.

    ``first`` and ``second`` are matched elementwise, for instance scores at
    the same walk steps.
    """
    first = np.asarray(first, dtype=np.float64)
    second = np.asarray(second, dtype=np.float64)
    if first.shape != second.shape:
        raise ValueError(
            f"the two sets of values must have the same shape; got "
            f"{first.shape} and {second.shape}"
        )
    return all_at_least(first - second, min_gap)


def standardised_errors(estimates, standard_errors, exact):
    """Return ``|estimate - exact| / standard_error`` elementwise.

    A zero standard error gives 0 when the estimate equals the exact value
    and infinity otherwise.
    """
    estimates = np.asarray(estimates, dtype=np.float64)
    standard_errors = np.asarray(standard_errors, dtype=np.float64)
    difference = np.abs(estimates - np.asarray(exact, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = difference / standard_errors
    ratio = np.where(standard_errors > 0, ratio, np.where(difference == 0, 0.0, np.inf))
    return ratio


def within_standard_errors(estimates, standard_errors, exact, n_errors):
    """Return whether every estimate is within ``n_errors`` standard errors of ``exact``."""
    ratio = standardised_errors(estimates, standard_errors, exact)
    return bool(np.all(ratio <= n_errors))
