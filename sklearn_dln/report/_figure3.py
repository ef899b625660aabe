"""Report section for Figure 3: a hidden layer that draws an elephant."""

import numpy as np
from sklearn.decomposition import KernelPCA

from ..datasets import load_elephant, make_semantic_hierarchy
from ..linear import GLSRegressor, MRNSRegressor, MWNSRegressor
from ..transformers import FunctionPreservingReshaper
from ._solutions import compare_rsms

TITLE = "one function, very different representations: a GLS that draws an elephant"

# The sculpted representation must equal the picture, and the function stay
# the same, to this relative tolerance.
EXACT_RTOL = 1e-10

# RSA below which two RSMs count as different.
DIFFERENT_RSA_MAX = 0.9


def classical_mds(rsm, n_components=2):
    """Return classical (Torgerson) MDS coordinates of the samples of an RSM.

    Classical MDS of the Euclidean distances between hidden activity patterns
    is kernel PCA of their Gram matrix, the RSM ``H H.T``, which
    :class:`~sklearn.decomposition.KernelPCA` computes.
    """
    return KernelPCA(n_components=n_components, kernel="precomputed").fit_transform(rsm)


def compute_representations(random_state):
    """Fit the GLS sculpted into the elephant, the MRNS and the MWNS."""
    hierarchy = make_semantic_hierarchy(random_state=random_state)
    X, Y = hierarchy.data, hierarchy.target
    n_items = X.shape[0]
    picture = load_elephant((n_items, n_items))
    common = {"n_hidden": n_items, "fit_intercept": False, "random_state": random_state}

    gls = GLSRegressor(**common).fit(X, Y)
    reshaper = FunctionPreservingReshaper(gls, method="target", target=picture).fit(X)
    hidden = {
        "gls": reshaper.hidden_representation_,
        "mrns": MRNSRegressor(**common).fit(X, Y).hidden_representation_,
        "mwns": MWNSRegressor(**common).fit(X, Y).hidden_representation_,
    }
    reference = gls.predict(X)
    output_change = np.linalg.norm(reshaper.predict(X) - reference) / np.linalg.norm(
        reference
    )
    return {
        "picture": picture,
        "hidden": hidden,
        "rsm": {name: H @ H.T for name, H in hidden.items()},
        "residual": reshaper.residual_,
        "output_change": float(output_change),
    }


def _draw(path, result):
    from ._figures import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(3, 3, figsize=(10, 10))
    for row, name in enumerate(("gls", "mrns", "mwns")):
        H, rsm = result["hidden"][name], result["rsm"][name]
        if name == "gls":
            # The bitmap is about twice as wide as tall; wide pixels restore it.
            axes[row, 0].imshow(H, cmap="Greys", aspect=0.5)
        else:
            axes[row, 0].imshow(H, cmap="RdBu_r")
        axes[row, 0].set_ylabel(f"{name.upper()}\nitem")
        # A diverging map centred at zero, so blue means negative similarity.
        limit = np.abs(rsm).max()
        image = axes[row, 1].imshow(rsm, cmap="RdBu_r", vmin=-limit, vmax=limit)
        fig.colorbar(image, ax=axes[row, 1], fraction=0.046)
        coordinates = classical_mds(rsm)
        axes[row, 2].scatter(coordinates[:, 0], coordinates[:, 1], c=np.arange(len(H)))
        for item, (x, y) in enumerate(coordinates):
            axes[row, 2].annotate(str(item), (x, y), fontsize=7)
    for column, title in enumerate(
        ("hidden activity H", "RSM = H H^T", "MDS of the RSM")
    ):
        axes[0, column].set_title(title)
    fig.suptitle(
        "Semantic hierarchy, 16 hidden units: same function, three representations"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(context):
    """Compute and draw the Figure 3 section of the report."""
    result = compute_representations(context.random_state)
    rsm = result["rsm"]
    numbers = {
        "sculpt_residual": result["residual"],
        "output_change": result["output_change"],
        "rsa_gls_mrns": compare_rsms(rsm["gls"], rsm["mrns"]),
        "rsa_gls_mwns": compare_rsms(rsm["gls"], rsm["mwns"]),
        "rsa_mrns_mwns": compare_rsms(rsm["mrns"], rsm["mwns"]),
    }
    claims = [
        {
            "claim": "a GLS hidden layer reproduces the elephant picture exactly",
            "evidence": f"relative distance to the picture "
            f"{numbers['sculpt_residual']:.1e} (rule: <= {EXACT_RTOL:.0e})",
            "holds": numbers["sculpt_residual"] <= EXACT_RTOL,
        },
        {
            "claim": "the sculpted network computes the same function",
            "evidence": f"relative change of the outputs "
            f"{numbers['output_change']:.1e} (rule: <= {EXACT_RTOL:.0e})",
            "holds": numbers["output_change"] <= EXACT_RTOL,
        },
        {
            "claim": "the elephant's RSM differs from the task-specific RSMs",
            "evidence": f"RSA with MRNS {numbers['rsa_gls_mrns']:.3f}, "
            f"with MWNS {numbers['rsa_gls_mwns']:.3f} "
            f"(rule: both < {DIFFERENT_RSA_MAX:g})",
            "holds": max(numbers["rsa_gls_mrns"], numbers["rsa_gls_mwns"])
            < DIFFERENT_RSA_MAX,
        },
    ]
    figures = []
    if context.draw:
        name = "figure3_elephant.png"
        _draw(context.out_dir / name, result)
        figures.append(name)
    return {"title": TITLE, "figures": figures, "numbers": numbers, "claims": claims}
