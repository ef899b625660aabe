"""Report section for Figure 4: representational drift along walks.

One compute function and one drawing function per panel, registered in
``PANELS``; :func:`run` computes every registered panel and draws them side
by side.
"""

import numpy as np

from ..analysis import decoder_drift
from ..datasets import make_semantic_hierarchy
from ..linear import LSSRegressor, MRNSRegressor, MWNSRegressor
from ..transformers import ManifoldWalker

TITLE = "representational drift: a fixed decoder degrades along walks"

DRIFT_REGIONS = {"lss": LSSRegressor, "mrns": MRNSRegressor, "mwns": MWNSRegressor}

# Growth of the decoder's error, relative to the variance of the targets,
# above which the decoder counts as degraded.
DEGRADED_MIN = 1e-2


def compute_panel_c(context):
    """Return the decoder error along LSS, MRNS and MWNS walks of the hierarchy task."""
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
            {
                "claim": f"a decoder fitted at step 0 degrades along the {region.upper()} walk",
                "evidence": f"MSE {errors[0]:.2e} -> {errors[-1]:.2e} "
                f"({growth:.3g} of the target variance)",
                "holds": growth > DEGRADED_MIN,
            }
        )
    return {"numbers": numbers, "claims": claims, "arrays": {"mse": mse}}


def draw_panel_c(ax, result):
    """Draw the decoder error along the walks of panel C."""
    for region, errors in result["arrays"]["mse"].items():
        ax.plot(np.arange(errors.size), errors, label=region.upper())
    ax.set_xlabel("walk step")
    ax.set_ylabel("decoder MSE")
    ax.set_title("C: decoder fitted at step 0")
    ax.legend()


# Panel letter -> (compute function taking the context, drawing function
# taking an axes and the computed result).
PANELS = {"C": (compute_panel_c, draw_panel_c)}


def run(context):
    """Compute and draw the panels of the Figure 4 section of the report."""
    results = {letter: compute(context) for letter, (compute, _) in PANELS.items()}
    numbers, claims = {}, []
    for letter, result in results.items():
        numbers[letter] = result["numbers"]
        claims.extend(result["claims"])

    figures = []
    if context.draw:
        from ._figures import _pyplot

        plt = _pyplot()
        fig, axes = plt.subplots(
            1, len(PANELS), figsize=(5 * len(PANELS), 4), squeeze=False
        )
        for ax, (letter, (_, draw)) in zip(axes[0], PANELS.items()):
            draw(ax, results[letter])
        fig.tight_layout()
        name = "figure4_drift.png"
        fig.savefig(context.out_dir / name, dpi=110)
        plt.close(fig)
        figures.append(name)
    return {"title": TITLE, "figures": figures, "numbers": numbers, "claims": claims}
