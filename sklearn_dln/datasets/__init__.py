"""Tasks for studying the solution manifold: synthetic and bundled real data."""

from ._digits import load_digits_regression
from ._hierarchy import make_semantic_hierarchy

__all__ = ["load_digits_regression", "make_semantic_hierarchy"]
