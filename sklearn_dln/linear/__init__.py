"""Closed-form solutions of two-layer linear networks and their task pieces."""

from ._decomposition import TaskDecomposition, decompose_task
from ._regions import REGIONS
from ._solutions import GLSRegressor, LSSRegressor, MRNSRegressor, MWNSRegressor
from ._streaming import SufficientStatistics

__all__ = [
    "REGIONS",
    "GLSRegressor",
    "LSSRegressor",
    "MRNSRegressor",
    "MWNSRegressor",
    "SufficientStatistics",
    "TaskDecomposition",
    "decompose_task",
]
