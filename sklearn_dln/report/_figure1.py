"""Report section for Figure 1: an exact random walk on the MRNS of a tiny task."""

import numpy as np

from ..linear import MRNSRegressor
from ..transformers import ManifoldWalker

TITLE = "weights and hidden activity drift along an MRNS walk while outputs stay fixed"

# Shape of the network and task of Figure 1 of Braun, Grant & Saxe (ICML
# 2025): 8 inputs, 4 hidden units, 3 outputs and 3 training samples.
N_FEATURES, N_HIDDEN, N_OUTPUTS, N_SAMPLES = 8, 4, 3, 3

# Relative change below which a quantity counts as constant along the walk,
# and above which it counts as drifting.
CONSTANT_RTOL = 1e-9
DRIFT_MIN = 0.05


def _relative_change(path):
    """Return the largest change from step 0, relative to the size at step 0."""
    first = path[0]
    flat_changes = (path - first).reshape(path.shape[0], -1)
    scale = max(np.linalg.norm(first), np.finfo(np.float64).tiny)
    return float(np.max(np.linalg.norm(flat_changes, axis=1)) / scale)


def compute_walk(random_state, n_steps):
    """Walk the MRNS of a random 8-4-3 task and return the recorded paths."""
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    Y = rng.standard_normal((N_SAMPLES, N_OUTPUTS))
    walker = ManifoldWalker(
        MRNSRegressor(
            n_hidden=N_HIDDEN, fit_intercept=False, random_state=random_state
        ),
        n_steps=n_steps,
        record="weights",
        random_state=random_state,
    ).fit(X, Y)
    W1T, W2T = walker.coefs_path_
    hidden = walker.hidden_representations_
    outputs = hidden @ W2T
    loss = 0.5 * np.mean(np.sum((outputs - Y) ** 2, axis=2), axis=1)
    # The least-squares fit of 3 samples is exact, so the loss is zero up to
    # roundoff. Its change is measured against the loss of zero outputs.
    null_loss = 0.5 * np.mean(np.sum(Y**2, axis=1))
    return {
        "loss_change": float(np.max(np.abs(loss - loss[0])) / null_loss),
        "W1": np.swapaxes(W1T, 1, 2),
        "W2": np.swapaxes(W2T, 1, 2),
        "map": np.swapaxes(W1T @ W2T, 1, 2),
        "hidden": hidden,
        "rsm": hidden @ np.swapaxes(hidden, 1, 2),
        "outputs": outputs,
        "loss": loss,
    }


def _draw(path, paths):
    from ._figures import _pyplot

    plt = _pyplot()
    panels = [
        ("W1", "first-layer weights W1"),
        ("W2", "readout weights W2"),
        ("map", "end-to-end map W2 W1"),
        ("hidden", "hidden activity H"),
        ("outputs", "outputs"),
        ("loss", "training loss"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), sharex=True)
    steps = np.arange(paths["loss"].shape[0])
    for ax, (key, title) in zip(axes.ravel(), panels):
        values = paths[key].reshape(steps.size, -1)
        ax.plot(steps, values, linewidth=0.8)
        ax.set_title(title)
    for ax in axes[1]:
        ax.set_xlabel("walk step")
    fig.suptitle("Random walk on the MRNS of an 8-4-3 network with 3 samples")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(context):
    """Compute and draw the Figure 1 section of the report."""
    n_steps = 300 if context.quick else 3000
    paths = compute_walk(context.random_state, n_steps)
    numbers = {
        "n_steps": n_steps,
        "weight_change_W1": _relative_change(paths["W1"]),
        "weight_change_W2": _relative_change(paths["W2"]),
        "hidden_change": _relative_change(paths["hidden"]),
        "map_change": _relative_change(paths["map"]),
        "rsm_change": _relative_change(paths["rsm"]),
        "output_change": _relative_change(paths["outputs"]),
        "loss_change": paths["loss_change"],
    }
    largest_constant = max(
        numbers[key]
        for key in ("output_change", "loss_change", "map_change", "rsm_change")
    )
    claims = [
        {
            "claim": "weights drift along the walk",
            "evidence": f"relative change of W1 {numbers['weight_change_W1']:.3g}, "
            f"of W2 {numbers['weight_change_W2']:.3g} (rule: both > {DRIFT_MIN:g})",
            "holds": min(numbers["weight_change_W1"], numbers["weight_change_W2"])
            > DRIFT_MIN,
        },
        {
            "claim": "hidden activity drifts along the walk",
            "evidence": f"relative change {numbers['hidden_change']:.3g} "
            f"(rule: > {DRIFT_MIN:g})",
            "holds": numbers["hidden_change"] > DRIFT_MIN,
        },
        {
            "claim": "outputs, loss, end-to-end map and RSM stay fixed",
            "evidence": f"largest relative change {largest_constant:.1e} "
            f"(rule: <= {CONSTANT_RTOL:.0e})",
            "holds": largest_constant <= CONSTANT_RTOL,
        },
    ]
    figures = []
    if context.draw:
        name = "figure1_mrns_walk.png"
        _draw(context.out_dir / name, paths)
        figures.append(name)
    return {"title": TITLE, "figures": figures, "numbers": numbers, "claims": claims}
