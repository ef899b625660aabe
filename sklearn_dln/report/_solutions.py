"""Report section: the four solution types fitted to one task and compared."""

import time

import numpy as np
from sklearn.metrics import mean_squared_error

from ..analysis import rsa
from ..linear import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor

SOLUTION_TYPES = {
    "gls": GLSRegressor,
    "lss": LSSRegressor,
    "mrns": MRNSRegressor,
    "mwns": MWNSRegressor,
}


def compare_rsms(rsm_a, rsm_b):
    """Return the Pearson r between the strict upper triangles of two RSMs.

    Returns None when either triangle is constant (to a relative 1e-12),
    where r is undefined.
    """
    if _is_constant_triangle(rsm_a) or _is_constant_triangle(rsm_b):
        return None
    return rsa(rsm_a, rsm_b, rdm_metric="precomputed", compare="pearson")


def _is_constant_triangle(rsm):
    triangle = rsm[np.triu_indices(rsm.shape[0], k=1)]
    return np.ptp(triangle) <= 1e-12 * np.max(np.abs(triangle))


def _fit_timed(cls, task, n_hidden, random_state):
    model = cls(n_hidden=n_hidden, random_state=random_state)
    start = time.perf_counter()
    model.fit(task.X, task.Y)
    return model, time.perf_counter() - start


def run_solutions_section(task, *, n_hidden, random_state, progress):
    """Fit the four solution types to ``task`` and compare their representations.

    Returns
    -------
    result : dict
        JSON-ready numbers (``mse``, ``fit_seconds``, ``rsa``,
        ``rsa_across_seeds``, ``rank``, ``n_hidden``) and, under the private
        key ``"_arrays"``, the hidden representations and RSMs for the figures.
    """
    models, seconds, rsms, hidden = {}, {}, {}, {}
    for region, cls in SOLUTION_TYPES.items():
        progress.note(f"{task.name}: fitting {region.upper()}")
        model, elapsed = _fit_timed(cls, task, n_hidden, random_state)
        models[region], seconds[region] = model, elapsed
        hidden[region] = model.hidden_representation_
        rsms[region] = hidden[region] @ hidden[region].T

    mse = {
        region: float(mean_squared_error(task.Y, model.predict(task.X)))
        for region, model in models.items()
    }
    rsa = {
        a: {b: compare_rsms(rsms[a], rsms[b]) for b in SOLUTION_TYPES}
        for a in SOLUTION_TYPES
    }

    across_seeds = {}
    for region, cls in SOLUTION_TYPES.items():
        other, _ = _fit_timed(cls, task, n_hidden, random_state + 1)
        H = other.hidden_representation_
        across_seeds[region] = compare_rsms(rsms[region], H @ H.T)

    any_model = models["mrns"]
    return {
        "title": task.title,
        "n_samples": int(task.X.shape[0]),
        "n_features": int(task.X.shape[1]),
        "n_outputs": int(task.Y.shape[1]),
        "rank": int(any_model.rank_),
        "n_hidden": int(any_model.n_hidden_),
        "mse": mse,
        "fit_seconds": seconds,
        "rsa": rsa,
        "rsa_across_seeds": across_seeds,
        "_arrays": {"hidden": hidden, "rsm": rsms},
    }
