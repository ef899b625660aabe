"""
=====================================================
A hidden layer that draws an elephant
=====================================================

A two-layer linear network trained on the 16-item semantic hierarchy can
reach a global minimum with almost any hidden representation. Here a general
solution (GLS) is reshaped, without changing its function, until the hidden
activity of the 16 items is a picture of an elephant. The minimum
representation-norm (MRNS) and minimum weight-norm (MWNS) solutions of the
same task compute the same function, but their representations are fixed by
the task (Braun, Grant & Saxe, ICML 2025, Figure 3).
"""

# %%
# The task and the picture
# ------------------------
#
# Sixteen items with Gaussian inputs, each mapped to the nodes of a binary
# tree on its path from the root. The network has no biases, as in the
# paper, and 16 hidden units, so the hidden activity is a 16 x 16 image.

import numpy as np

from sklearn_dln.datasets import load_elephant, make_semantic_hierarchy

hierarchy = make_semantic_hierarchy(random_state=0)
X, Y = hierarchy.data, hierarchy.target
picture = load_elephant((16, 16))

# %%
# Sculpting the GLS
# -----------------
#
# ``method="target"`` projects the picture onto the representations the
# network can reach and rebuilds the readout so that the end-to-end map does
# not change. With 16 items, 16 independent inputs and 16 hidden units every
# full-rank picture is reachable, so the representation is the picture.

from sklearn_dln import GLSRegressor, MRNSRegressor, MWNSRegressor
from sklearn_dln.transformers import FunctionPreservingReshaper

common = {"n_hidden": 16, "fit_intercept": False, "random_state": 0}
gls = GLSRegressor(**common).fit(X, Y)
elephant = FunctionPreservingReshaper(gls, method="target", target=picture).fit(X)
mrns = MRNSRegressor(**common).fit(X, Y)
mwns = MWNSRegressor(**common).fit(X, Y)

print(f"distance to the picture: {elephant.residual_:.1e} (relative)")
change = np.abs(elephant.predict(X) - gls.predict(X)).max()
print(f"largest change of any output: {change:.1e}")

# %%
# Three representations of one function
# -------------------------------------
#
# Each row shows the hidden activity, its representational similarity matrix
# (RSM) and a two-dimensional classical MDS of the RSM, which places items
# with similar hidden activity close together.

import matplotlib.pyplot as plt


from sklearn.decomposition import KernelPCA


def classical_mds(rsm):
    """Return 2-D classical MDS coordinates of the items of an RSM.

    Classical MDS of the distances between activity patterns is kernel PCA
    of their Gram matrix, the RSM.
    """
    return KernelPCA(n_components=2, kernel="precomputed").fit_transform(rsm)


representations = {
    "GLS (sculpted)": elephant.hidden_representation_,
    "MRNS": mrns.hidden_representation_,
    "MWNS": mwns.hidden_representation_,
}
fig, axes = plt.subplots(3, 3, figsize=(10, 10))
for row, (name, H) in enumerate(representations.items()):
    rsm = H @ H.T
    if row == 0:
        # The bitmap is about twice as wide as tall; wide pixels restore it.
        axes[row, 0].imshow(H, cmap="Greys", aspect=0.5)
    else:
        axes[row, 0].imshow(H, cmap="RdBu_r")
    axes[row, 0].set_ylabel(f"{name}\nitem")
    # A diverging map centred at zero, so blue means negative similarity.
    limit = np.abs(rsm).max()
    image = axes[row, 1].imshow(rsm, cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=axes[row, 1], fraction=0.046)
    coordinates = classical_mds(rsm)
    axes[row, 2].scatter(*coordinates.T, c=np.arange(16), cmap="viridis")
axes[0, 0].set_title("hidden activity")
axes[0, 1].set_title("RSM")
axes[0, 2].set_title("MDS of the RSM")
fig.tight_layout()
plt.show()

# %%
# What this shows, and its limits
# -------------------------------
#
# The three networks give identical outputs on every input, yet the GLS
# representation is a picture unrelated to the task, while the MRNS RSM
# shows the block structure of the hierarchy. Representational similarity
# therefore reflects where a network sits on its solution manifold, not which
# function it computes. The picture is held exactly only because the task
# has as many independent inputs as items and the network as many hidden
# units. With fewer, the reshaper reaches the closest feasible part of the
# picture and reports the rest in ``residual_``.
