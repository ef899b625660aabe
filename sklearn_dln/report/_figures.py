"""Figures of the report. Matplotlib is imported here only, and only on use."""

from importlib.util import find_spec

PLOT_EXTRA_HINT = "install matplotlib, e.g. pip install 'sklearn-dln[plot]'"


def matplotlib_available():
    """Return whether matplotlib can be imported."""
    return find_spec("matplotlib") is not None


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_representation_figure(path, hidden, rsm, order, title):
    """Save the hidden activity and its RSM side by side as a PNG.

    Parameters
    ----------
    path : path-like
        Output file.
    hidden : ndarray of shape (n_samples, n_hidden)
    rsm : ndarray of shape (n_samples, n_samples)
    order : ndarray of shape (n_samples,)
        Order of the samples on the figure axes.
    title : str
    """
    plt = _pyplot()
    fig, (ax_h, ax_r) = plt.subplots(
        1, 2, figsize=(9, 4), gridspec_kw={"width_ratios": [1, 1.3]}
    )
    H = hidden[order]
    limit = max(abs(H).max(), 1e-300)
    image = ax_h.imshow(H, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit,
                        interpolation="nearest")
    ax_h.set_xlabel("hidden unit")
    ax_h.set_ylabel("sample")
    ax_h.set_title("hidden activity H")
    fig.colorbar(image, ax=ax_h, fraction=0.05)

    R = rsm[order][:, order]
    limit = max(abs(R).max(), 1e-300)
    image = ax_r.imshow(R, cmap="RdBu_r", vmin=-limit, vmax=limit,
                        interpolation="nearest")
    ax_r.set_xlabel("sample")
    ax_r.set_ylabel("sample")
    ax_r.set_title("RSM = H H^T")
    fig.colorbar(image, ax=ax_r, fraction=0.05)

    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
