"""Reading order of the gallery examples."""

# The elephant (Figure 3 of Braun, Grant & Saxe, ICML 2025) comes first,
# because the Figure 3 tutorial leads readers to it. The rest follow the
# order of the paper's figures, then the grid search.
ORDER = [
    "plot_elephant_representation.py",
    "plot_random_walk.py",
    "plot_rsa_and_predictivity.py",
    "plot_representational_drift.py",
    "plot_relu_expansions.py",
    "plot_grid_search_regularizers.py",
]


class ReadingOrder:
    """Sort key of sphinx-gallery: listed scripts first, then by file name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = filename.rsplit("/", 1)[-1]
        if name in ORDER:
            return (0, ORDER.index(name), name)
        return (1, 0, name)

    def __repr__(self):
        return f"{self.__class__.__name__}()"
