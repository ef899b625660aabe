"""Meta-estimators that move or walk a network along its solution manifold."""

from ._reshaper import FunctionPreservingReshaper
from ._walker import ManifoldWalker, WalkStep

__all__ = ["FunctionPreservingReshaper", "ManifoldWalker", "WalkStep"]
