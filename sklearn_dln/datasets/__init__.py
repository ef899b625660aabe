"""Tasks for studying the solution manifold: synthetic and bundled real data."""

from ._digits import load_digits_regression
from ._hierarchy import make_semantic_hierarchy
from ._pictures import load_elephant

__all__ = ["load_digits_regression", "load_elephant", "make_semantic_hierarchy"]
