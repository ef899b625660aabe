"""Discovery of the public estimators of sklearn_dln."""

import inspect
import pkgutil
from importlib import import_module

from sklearn.base import BaseEstimator


def all_estimators():
    """List the public estimator classes defined in sklearn_dln.

    Walks every module of the package except test modules, and keeps the
    classes that derive from :class:`~sklearn.base.BaseEstimator`, are not
    abstract, do not start with an underscore, and are defined inside
    sklearn_dln.

    Returns
    -------
    estimators : list of (str, type)
        Pairs of class name and class, sorted by name, without duplicates.
    """
    import sklearn_dln

    found = {}
    prefix = sklearn_dln.__name__ + "."
    for module_info in pkgutil.walk_packages(sklearn_dln.__path__, prefix):
        if ".tests" in module_info.name or module_info.name.endswith("__main__"):
            continue
        # The dask module raises ImportError when the optional dependency dask
        # is missing, and it defines no estimator.
        if module_info.name.endswith("._dask"):
            continue
        module = import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if name.startswith("_") or inspect.isabstract(cls):
                continue
            if not issubclass(cls, BaseEstimator):
                continue
            if not cls.__module__.startswith(prefix):
                continue
            found[name] = cls
    return sorted(found.items())
