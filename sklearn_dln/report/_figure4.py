"""Report section for Figure 4: representations along walks on the solution manifold.

One compute function and one drawing function per panel, registered in
``PANELS``; :func:`run` computes every registered panel and draws them all
into one PNG. Panels A, B and D share the walks of
:mod:`~sklearn_dln.report._figure4_walks`; panel C walks the semantic
hierarchy.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..analysis import decoder_drift
from ..datasets import make_semantic_hierarchy
from ..linear import LSSRegressor, MRNSRegressor, MWNSRegressor
from ..transformers import ManifoldWalker
from ._figure4_noise import compute_panel_d, draw_panel_d
from ._figure4_similarity import (
    compute_panel_a,
    compute_panel_b,
    draw_panel_a,
    draw_panel_b,
)
from ._figure4_walks import compute_walks, describe_tasks
from ._rules import make_claim

TITLE = "representations along walks: predictivity, RSA, decoder drift and noise"

FIGURE_NAME = "figure4_walks.png"

DRIFT_REGIONS = {"lss": LSSRegressor, "mrns": MRNSRegressor, "mwns": MWNSRegressor}

# Growth of the decoder's error, relative to the variance of the targets,
# above which the decoder counts as degraded.
DEGRADED_MIN = 1e-2


def compute_panel_c(context, walks):
    """Return the decoder error along LSS, MRNS and MWNS walks of the hierarchy task.

    ``walks`` is not used: this panel walks the 16-item semantic hierarchy.
    """
    n_steps = 300 if context.quick else 3000
    hierarchy = make_semantic_hierarchy(random_state=context.random_state)
    X, Y = hierarchy.data, hierarchy.target
    target_variance = float(np.mean((Y - Y.mean(axis=0)) ** 2))
    mse = {}
    for region, cls in DRIFT_REGIONS.items():
        walker = ManifoldWalker(
            cls(random_state=context.random_state),
            n_steps=n_steps,
            random_state=context.random_state,
        ).fit(X, Y)
        mse[region] = decoder_drift(walker, X, Y)

    numbers = {"n_steps": n_steps, "target_variance": target_variance}
    claims = []
    for region, errors in mse.items():
        growth = float(errors[-1] - errors[0]) / target_variance
        numbers[f"{region}_mse_first"] = float(errors[0])
        numbers[f"{region}_mse_last"] = float(errors[-1])
        claims.append(
            make_claim(
                f"a decoder fitted at step 0 degrades along the {region.upper()} walk",
                f"MSE {errors[0]:.2e} -> {errors[-1]:.2e} "
                f"(growth {growth:.3g} times the target variance; rule: "
                f"growth > {DEGRADED_MIN:g} times the target variance)",
                growth > DEGRADED_MIN,
                panel="C",
            )
        )
    return {"numbers": numbers, "claims": claims, "arrays": {"mse": mse}}


def draw_panel_c(axes, result, walks):
    """Draw the decoder error along the walks of panel C."""
    (ax,) = axes
    for region, errors in result["arrays"]["mse"].items():
        ax.plot(np.arange(errors.size), errors, label=region.upper())
    ax.set_xlabel("walk step")
    ax.set_ylabel("decoder MSE")
    ax.set_title("C: decoder fitted at step 0")
    ax.legend()


class Panel(NamedTuple):
    """A panel of Figure 4.

    ``compute(context, walks)`` returns a dict with JSON-ready ``"numbers"``,
    a list of ``"claims"`` and the ``"arrays"`` to draw; ``draw(axes,
    result, walks)`` draws the result into ``n_axes`` matplotlib axes.
    """

    compute: Callable
    draw: Callable
    n_axes: int


PANELS = {
    "A": Panel(compute_panel_a, draw_panel_a, 3),
    "B": Panel(compute_panel_b, draw_panel_b, 2),
    "C": Panel(compute_panel_c, draw_panel_c, 1),
    "D": Panel(compute_panel_d, draw_panel_d, 2),
}

# Columns of the figure's grid of axes; panels fill it row by row.
N_COLUMNS = 4

DESCRIPTION = (
    "Panels A, B and D use two random linear regression tasks with the same "
    "{n_samples} inputs of {n_features} features spanning a "
    "{input_rank}-dimensional subspace (standard deviations {std_high:g} to "
    "{std_low:g} along its principal directions), {n_outputs} outputs each and "
    "networks of {n_hidden} hidden units without biases: sizes chosen so that "
    "a GLS has never-observed input directions, an LSS has more hidden units "
    "than the rank of its map, and the MRNS differs from the MWNS. Each "
    "solution type is "
    "walked for {n_steps} steps with the paper's step size a = {step_size:g} and "
    "a noise scale s = {noise_scale:.1f} that starts the walk in its stationary "
    "distribution; A and B compare the walks on the first task "
    "with independent walks on the same task (within a function) and on the "
    "second task (across functions) every {eval_stride} steps. A: in-sample "
    "ridge R^2 (alpha = 1, uniform average). B: RSA with Euclidean RDMs and "
    "Pearson r. C: a least-squares readout fitted at step 0 along walks of "
    "the 16-item semantic hierarchy. D: expected loss under input noise and "
    "under scaled parameter noise, closed form every {noise_stride} steps "
    "(lines) and Monte Carlo with {n_draws} draws at {n_mc_steps} steps "
    "(points, +- 1 standard error). All panels are in one PNG."
)


def _describe(settings):
    task = describe_tasks(settings)
    return DESCRIPTION.format(
        std_high=task["input_stds"][0], std_low=task["input_stds"][1], **task
    )


def _draw(path, results, walks):
    from ._figures import _pyplot

    plt = _pyplot()
    n_axes = sum(panel.n_axes for panel in PANELS.values())
    n_rows = -(-n_axes // N_COLUMNS)
    fig, grid = plt.subplots(
        n_rows, N_COLUMNS, figsize=(4.6 * N_COLUMNS, 4.2 * n_rows), squeeze=False
    )
    axes = list(grid.ravel())
    start = 0
    for letter, panel in PANELS.items():
        panel.draw(axes[start : start + panel.n_axes], results[letter], walks)
        start += panel.n_axes
    for ax in axes[start:]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(context):
    """Compute and draw the panels of the Figure 4 section of the report."""
    walks = compute_walks(context)
    results = {}
    for letter, panel in PANELS.items():
        context.progress.note(f"figure 4, panel {letter}")
        results[letter] = panel.compute(context, walks)
    numbers = {"task": describe_tasks(walks.settings)}
    claims = []
    for letter, result in results.items():
        numbers[letter] = result["numbers"]
        claims.extend(result["claims"])

    figures = []
    if context.draw:
        _draw(context.out_dir / FIGURE_NAME, results, walks)
        figures.append(FIGURE_NAME)
    return {
        "title": TITLE,
        "description": _describe(walks.settings),
        "figures": figures,
        "numbers": numbers,
        "claims": claims,
    }
