"""Report section for Figure 5: expanded ReLU networks and their noise robustness."""

import numpy as np

from ..analysis import compute_rsm, measure_relu_robustness
from ._solutions import compare_rsms

TITLE = "ReLU networks: same function, other representations, less robust to noise"

# Expanded networks shown beside the minimal one in the figure.
SHOWN_EXPANSIONS = ("scale", "nuisance")

# Settings of the experiment. The full run has 1,024 hidden units, as in
# Braun, Grant & Saxe (ICML 2025); the quick run is a smoke test of seconds.
FULL_SETTINGS = {"n_hidden": 1024, "max_iter": 100, "n_repeats": 20}
QUICK_SETTINGS = {
    "n_hidden": 256,
    "max_iter": 30,
    "n_repeats": 5,
    "parameter_noise": (0.0, 0.1, 0.2),
    "input_noise": (0.0, 0.4, 0.8),
}


def representations_of_test_images(result, names):
    """Return the hidden activity of the test images, sorted by digit, and its RSM."""
    order = np.argsort(result.y_test, kind="stable")
    X = result.X_test[order]
    hidden = {name: result.networks[name].transform(X) for name in names}
    return hidden, {name: compute_rsm(H) for name, H in hidden.items()}


def _draw(path, result, hidden, rsms):
    from ._figures import _pyplot

    plt = _pyplot()
    names = list(hidden)
    fig, axes = plt.subplots(len(names), 3, figsize=(13, 3.6 * len(names)))
    for row, name in enumerate(names):
        H = hidden[name]
        limit = max(np.abs(H).max(), 1e-300)
        axes[row, 0].imshow(H, aspect="auto", cmap="viridis", vmin=0, vmax=limit,
                            interpolation="nearest")
        axes[row, 0].set_ylabel(f"{name}\ntest image (by digit)")
        axes[row, 0].set_xlabel(f"hidden unit ({H.shape[1]})")
        axes[row, 1].imshow(rsms[name], cmap="viridis", interpolation="nearest")
        axes[row, 1].set_xlabel("test image (by digit)")
    axes[0, 0].set_title("hidden activity H")
    axes[0, 1].set_title("RSM = H H^T")

    for ax, noise, levels in (
        (axes[0, 2], "parameter", result.parameter_noise),
        (axes[1, 2], "input", result.input_noise),
    ):
        for name, errors in result.errors[noise].items():
            mean = errors.mean(axis=1)
            sem = errors.std(axis=1, ddof=1) / np.sqrt(errors.shape[1]) if (
                errors.shape[1] > 1
            ) else np.zeros_like(mean)
            # The minimal network is drawn dashed and on top, because curves
            # that coincide with it (input_null under parameter noise) would
            # hide it.
            style = (
                {"color": "black", "linestyle": "--", "zorder": 5}
                if name == "minimal"
                else {}
            )
            ax.errorbar(
                levels, mean, yerr=sem, marker="o", capsize=2, label=name, **style
            )
        ax.set_xlabel(f"{noise} noise (standard deviation)")
        ax.set_ylabel("test error")
        ax.set_title(f"test error under {noise} noise")
        ax.legend(fontsize=8)
    axes[1, 2].annotate(
        "all but input_null compute the same\nfunction everywhere: their curves coincide",
        xy=(0.98, 0.04), xycoords="axes fraction", fontsize=8,
        ha="right", va="bottom",
    )

    for row in range(2, len(names)):
        axes[row, 2].axis("off")
    fig.suptitle(
        "Digits, one ReLU hidden layer: the expansions compute the same function"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(context):
    """Compute and draw the Figure 5 section of the report."""
    settings = QUICK_SETTINGS if context.quick else FULL_SETTINGS
    result = measure_relu_robustness(**settings, random_state=context.random_state)
    names = ("minimal",) + SHOWN_EXPANSIONS
    hidden, rsms = representations_of_test_images(result, names)

    numbers = {
        "n_hidden": settings["n_hidden"],
        "n_repeats": settings["n_repeats"],
        "input_null_dim": result.input_null_dim,
        "nuisance_scale": result.nuisance_scale,
        "training_loss": result.training_loss,
        "clean_error": result.clean_error,
        "max_output_change": result.max_output_change,
        "parameter_noise": result.parameter_noise.tolist(),
        "input_noise": result.input_noise.tolist(),
        "mean_error": {
            noise: {name: errors.mean(axis=1).tolist() for name, errors in by_name.items()}
            for noise, by_name in result.errors.items()
        },
        "rsa_with_minimal": {
            name: compare_rsms(rsms["minimal"], rsms[name]) for name in SHOWN_EXPANSIONS
        },
    }
    figures = []
    if context.draw:
        name = "figure5_relu_robustness.png"
        _draw(context.out_dir / name, result, hidden, rsms)
        figures.append(name)
    return {
        "title": TITLE,
        "figures": figures,
        "numbers": numbers,
        "claims": result.claims,
    }
