"""Collection rules for the test suite and the doctests of the package.

``pytest`` runs the docstring examples of ``sklearn_dln`` (``--doctest-modules``
in pyproject.toml), which imports every module of the package. A module
that needs an optional dependency raises ImportError without it, so it is
left out of the collection when that dependency is missing.
"""

import importlib.util

# Module (relative to this folder) -> the optional package it imports.
OPTIONAL_MODULES = {
    "sklearn_dln/linear/_dask.py": "dask",
}

collect_ignore = [
    path
    for path, package in OPTIONAL_MODULES.items()
    if importlib.util.find_spec(package) is None
]
