"""Write intersphinx inventories of other projects from the installed packages.

The documentation links to the online references of Python, NumPy, SciPy,
scikit-learn, matplotlib and pandas. intersphinx needs each project's
``objects.inv`` for that, and the build host of this project reaches the
Python package index only, so it cannot download them. NumPy, SciPy,
scikit-learn, matplotlib and pandas document their public objects with
Sphinx autosummary, one page per object, at a URL that follows from the
object's name, and Python documents its built-ins as anchors of a few
pages. This extension imports each
package, lists the public objects of the namespaces whose URL pattern is
known, writes a Sphinx version-2 inventory per project into the doctree
folder of the build (``.doctrees`` inside the output folder of
``sphinx -b html``), and points ``intersphinx_mapping`` at those files.

A reference to an object outside these namespaces stays unresolved, which
fails a build with ``nitpicky = True``. The objects are listed from the
installed version of each package while the URLs lead to the latest stable
documentation online, so an object that exists in one and not the other,
or that a project leaves out of its reference, gets a link that does not
resolve. ``python -m sphinx -b linkcheck docs docs/_build/linkcheck``
checks every external link of the pages on a machine with network access.
"""

import importlib
import importlib.util
import inspect
import sys
import zlib
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _public_names(module):
    """Return the public names of ``module``.

    These are the names of ``__all__`` without a leading underscore or, for
    a module without ``__all__``, the public names of the objects that the
    module defines itself (imported helpers have no page under its path).
    """
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, obj in vars(module).items()
            if getattr(obj, "__module__", None) == module.__name__
        ]
    return sorted(name for name in set(names) if not name.startswith("_"))


def _is_routine(obj, name):
    """Return whether ``obj`` is a function (or ufunc) defined under ``name``.

    Aliases such as ``numpy.abs`` (whose ``__name__`` is ``absolute``) get no
    page of their own in the projects' references, so they are left out.
    """
    if inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
        return False
    return getattr(obj, "__name__", None) == name


def _is_class(obj, name):
    """Return whether ``obj`` is a class whose own name is ``name``."""
    return inspect.isclass(obj) and obj.__name__ == name


def _autosummary_entries(module_names, page_pattern, with_classes, with_methods):
    """List inventory entries of the public routines and classes of modules.

    ``page_pattern`` is formatted with the fully qualified ``name`` of each
    object to give its page, relative to the project's documentation root.
    Methods of classes, when requested, are anchors on the class page.
    """
    entries = []
    for module_name in module_names:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            try:
                obj = getattr(module, name, None)
            except ImportError:
                # Experimental scikit-learn objects refuse to load unless
                # enabled first; they stay unlinked.
                continue
            full_name = f"{module_name}.{name}"
            page = page_pattern.format(name=full_name)
            if _is_routine(obj, name):
                entries.append((full_name, "py:function", f"{page}#{full_name}"))
            elif with_classes and _is_class(obj, name):
                role = "py:exception" if issubclass(obj, BaseException) else "py:class"
                entries.append((full_name, role, f"{page}#{full_name}"))
                if with_methods:
                    for method in _public_methods(obj):
                        method_name = f"{full_name}.{method}"
                        entries.append((method_name, "py:method", f"{page}#{method_name}"))
    return entries


def _public_methods(cls):
    """Return the public methods of ``cls``, inherited ones included."""
    return [
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.isroutine(member)
    ]


def _numpy_entries():
    """List NumPy's functions, classes, constants and random number generators.

    NumPy documents the functions of the ``numpy`` and ``numpy.linalg``
    namespaces and the ``ndarray`` and ``dtype`` classes each on a page named
    after the object under ``reference/generated/``. The constants, the
    random number generators and the glossary term ``array_like`` are
    anchors on topic pages, listed one by one.
    """
    entries = _autosummary_entries(
        ["numpy", "numpy.linalg"],
        "reference/generated/{name}.html",
        with_classes=False,
        with_methods=False,
    )
    for name in ("ndarray", "dtype"):
        full_name = f"numpy.{name}"
        entries.append(
            (full_name, "py:class", f"reference/generated/{full_name}.html#{full_name}")
        )
    for name in ("inf", "nan", "pi", "e"):
        full_name = f"numpy.{name}"
        entries.append(
            (full_name, "py:data", f"reference/constants.html#{full_name}")
        )
    # The glossary term that numpydoc links "array-like" to.
    entries.append(("array_like", "std:term", "glossary.html#term-array_like"))
    entries += [
        (
            "numpy.random.Generator",
            "py:class",
            "reference/random/generator.html#numpy.random.Generator",
        ),
        (
            "numpy.random.default_rng",
            "py:function",
            "reference/random/generator.html#numpy.random.default_rng",
        ),
        (
            "numpy.random.RandomState",
            "py:class",
            "reference/random/legacy.html#numpy.random.RandomState",
        ),
    ]
    return entries


def _scipy_entries():
    """List the functions and classes of the SciPy subpackages used here.

    SciPy documents each of them on ``reference/generated/<name>.html``.
    """
    return _autosummary_entries(
        [
            "scipy.linalg",
            "scipy.optimize",
            "scipy.sparse",
            "scipy.sparse.linalg",
            "scipy.spatial",
            "scipy.spatial.distance",
            "scipy.stats",
        ],
        "reference/generated/{name}.html",
        with_classes=True,
        with_methods=False,
    )


def _sklearn_entries():
    """List the classes and functions of scikit-learn's public modules.

    scikit-learn documents each of them on ``modules/generated/<name>.html``,
    with one anchor per method on the page of a class.
    """
    import sklearn

    module_names = [
        f"sklearn.{name}"
        for name in _public_names(sklearn)
        if inspect.ismodule(getattr(sklearn, name, None))
        or importlib.util.find_spec(f"sklearn.{name}") is not None
    ]
    # Modules that sklearn.__all__ leaves out but the reference documents.
    module_names += [
        "sklearn.base",
        "sklearn.utils",
        "sklearn.metrics.pairwise",
        "sklearn.utils.validation",
    ]
    # Neither has pages of its own objects in the reference.
    module_names = [
        name
        for name in module_names
        if name not in ("sklearn.experimental", "sklearn.externals")
    ]
    entries = _autosummary_entries(
        module_names,
        "modules/generated/{name}.html",
        with_classes=True,
        with_methods=True,
    )
    # The configuration functions are documented at the top level.
    for name in ("config_context", "get_config", "set_config", "show_versions"):
        full_name = f"sklearn.{name}"
        page = f"modules/generated/{full_name}.html"
        entries.append((full_name, "py:function", f"{page}#{full_name}"))
    return entries


def _matplotlib_entries():
    """List the ``pyplot`` functions and the plotting methods of ``Axes``.

    Matplotlib documents both on ``api/_as_gen/<name>.html``. The methods
    listed are those defined by ``Axes`` and its base class; the methods it
    inherits from ``Artist`` are documented elsewhere and left out.
    """
    import matplotlib.axes
    import matplotlib.pyplot as plt
    from matplotlib.axes._base import _AxesBase

    entries = []
    for name in _public_names(plt):
        obj = getattr(plt, name)
        if _is_routine(obj, name) and getattr(obj, "__module__", "") == plt.__name__:
            full_name = f"matplotlib.pyplot.{name}"
            page = f"api/_as_gen/{full_name}.html"
            entries.append((full_name, "py:function", f"{page}#{full_name}"))
    own_methods = set(vars(matplotlib.axes.Axes)) | set(vars(_AxesBase))
    for name in sorted(own_methods):
        if name.startswith("_") or not inspect.isroutine(
            getattr(matplotlib.axes.Axes, name)
        ):
            continue
        full_name = f"matplotlib.axes.Axes.{name}"
        page = f"api/_as_gen/{full_name}.html"
        entries.append((full_name, "py:method", f"{page}#{full_name}"))
    return entries


def _python_entries():
    """List the built-in types, constants, exceptions and glossary terms.

    These are the targets that numpydoc links the words of type
    descriptions to (``int``, ``None``, ``iterable``), and the exceptions
    of Raises sections. Python documents the numeric, boolean and object
    types with the built-in functions, the sequence, set and mapping types
    on the page of the standard types, and the rest on one page each.
    """
    import builtins

    entries = []
    for name in ("bool", "float", "int", "object", "slice", "type"):
        entries.append((name, "py:class", f"library/functions.html#{name}"))
    for name in ("bytes", "dict", "frozenset", "list", "range", "set", "str", "tuple"):
        entries.append((name, "py:class", f"library/stdtypes.html#{name}"))
    for name in ("callable", "isinstance", "len"):
        entries.append((name, "py:function", f"library/functions.html#{name}"))
    for name in ("None", "True", "False", "NotImplemented", "Ellipsis"):
        entries.append((name, "py:data", f"library/constants.html#{name}"))
    for name in dir(builtins):
        obj = getattr(builtins, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            entries.append((name, "py:exception", f"library/exceptions.html#{name}"))
    for term in ("iterable", "sequence", "generator", "mapping"):
        entries.append((term, "std:term", f"glossary.html#term-{term}"))
    entries += [
        (
            "contextlib.contextmanager",
            "py:function",
            "library/contextlib.html#contextlib.contextmanager",
        ),
        (
            "collections.namedtuple",
            "py:function",
            "library/collections.html#collections.namedtuple",
        ),
    ]
    return entries


def _pandas_entries():
    """List the two pandas classes that the docstrings name as return types.

    pandas documents each class on ``reference/api/<name>.html``. pandas is
    not needed to build the documentation, so it is not imported.
    """
    return [
        (name, "py:class", f"reference/api/{name}.html#{name}")
        for name in ("pandas.DataFrame", "pandas.Series")
    ]


def _installed_version(module_name):
    """Return a function that returns the version of an installed package."""

    def get_version():
        try:
            return importlib.import_module(module_name).__version__
        except ImportError:
            return "not installed"

    return get_version


def _python_version():
    return ".".join(str(part) for part in sys.version_info[:3])


# name: (documentation root, function giving the version, function giving
# the entries)
PROJECTS = {
    "python": ("https://docs.python.org/3/", _python_version, _python_entries),
    "numpy": (
        "https://numpy.org/doc/stable/",
        _installed_version("numpy"),
        _numpy_entries,
    ),
    "scipy": (
        "https://docs.scipy.org/doc/scipy/",
        _installed_version("scipy"),
        _scipy_entries,
    ),
    "sklearn": (
        "https://scikit-learn.org/stable/",
        _installed_version("sklearn"),
        _sklearn_entries,
    ),
    "matplotlib": (
        "https://matplotlib.org/stable/",
        _installed_version("matplotlib"),
        _matplotlib_entries,
    ),
    "pandas": (
        "https://pandas.pydata.org/docs/",
        _installed_version("pandas"),
        _pandas_entries,
    ),
}


def write_inventory(path, project, version, entries):
    """Write ``entries`` as a Sphinx version-2 inventory file at ``path``.

    Each entry is ``(name, "domain:role", uri)`` with ``uri`` relative to the
    project's documentation root.
    """
    lines = []
    for name, role, uri in sorted(set(entries)):
        # Every entry has the default priority 1 and shows its own name.
        lines.append(f"{name} {role} 1 {uri} -")
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = zlib.compress("\n".join(lines).encode() + b"\n")
    Path(path).write_bytes(header.encode() + body)


def _write_inventories(app, config):
    """Write one inventory per project and register it with intersphinx."""
    folder = Path(app.doctreedir) / "offline_inventories"
    folder.mkdir(parents=True, exist_ok=True)
    for name in config.offline_inventories:
        if name not in PROJECTS:
            raise ValueError(
                f"offline_inventories lists {name!r}, which has no URL scheme; "
                f"choose among {sorted(PROJECTS)}."
            )
        url, get_version, list_entries = PROJECTS[name]
        version = get_version()
        entries = list_entries()
        path = folder / f"{name}.inv"
        write_inventory(path, name, version, entries)
        config.intersphinx_mapping[name] = (url, str(path))
        logger.info(
            "offline inventory for %s %s: %d objects in %s", name, version,
            len(entries), path,
        )


def setup(app):
    app.add_config_value("offline_inventories", [], "env", types=frozenset({list}))
    # intersphinx validates its mapping at priority 800 of the same event,
    # so the inventories must be registered before that.
    app.connect("config-inited", _write_inventories, priority=700)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
