"""Sphinx configuration of the sklearn_dln documentation.

Build with warnings as errors from the repository root::

    pip install '.[docs]'
    python -m sphinx -W --keep-going -b html docs docs/_build/html

``docs/README.md`` explains the layout and how links to other projects work
without network access.
"""

import importlib
import os
import sys
from pathlib import Path

import sklearn_dln

DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR / "sphinxext"))

# The gallery scripts draw with matplotlib but never show a window.
os.environ.setdefault("MPLBACKEND", "Agg")

# -- Project ----------------------------------------------------------------

project = "sklearn_dln"
author = "sklearn_dln developers"
copyright = "2025, sklearn_dln developers"
release = sklearn_dln.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions ---------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Local extensions, in docs/sphinxext.
    "offline_inventories",
    "api_links",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "README.md",
    "sphinxext",
    # sphinx-gallery writes these next to the generated pages.
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.codeobj.json",
    "auto_examples/*.md5",
    "sg_execution_times.rst",
]
root_doc = "index"
default_role = "literal"

# Every cross-reference must resolve: a typo in a role fails the build
# instead of rendering as plain text.
nitpicky = True

# -- Autodoc, autosummary and numpydoc -----------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"
# Members are listed by the class template, not by numpydoc.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Turn the words of Parameters and Returns types that name an object into
# links. Other words (shape, of, default) stay plain text.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    # numpydoc links bool to a section label of the Python documentation;
    # the class is a target that the offline inventory holds.
    "bool": ":class:`python:bool`",
    "boolean": ":class:`python:bool`",
    "Bunch": "sklearn.utils.Bunch",
    "Generator": "numpy.random.Generator",
    "MLPClassifier": "sklearn.neural_network.MLPClassifier",
    "MLPRegressor": "sklearn.neural_network.MLPRegressor",
    "DataFrame": "pandas.DataFrame",
}
# Every public name of the subpackages, as written in a type description.
for _subpackage in ("linear", "transformers", "relu", "analysis", "datasets", "utils"):
    _module = importlib.import_module(f"sklearn_dln.{_subpackage}")
    for _name in _module.__all__:
        numpydoc_xref_aliases.setdefault(_name, f"sklearn_dln.{_subpackage}.{_name}")

# numpydoc checks each docstring it renders; a failed check is a warning,
# so it fails the build too.
numpydoc_validation_checks = {
    "GL06",  # unknown section
    "GL07",  # sections in the wrong order
    "PR02",  # a documented parameter that the signature lacks
    "PR03",  # parameters documented in another order than the signature
    "PR10",  # parameter name followed by a colon without a space
    "SS01",  # no summary line
    "RT05",  # return description ends without a period
}
numpydoc_validation_exclude = {
    # Docstrings that scikit-learn writes for every estimator.
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
}

# -- Links to other projects (offline) -----------------------------------------

# intersphinx needs each project's objects.inv, which the build host cannot
# download because it reaches the Python package index only. The local
# extension offline_inventories writes these inventories from the installed
# packages at the start of each build and points intersphinx_mapping at them.
# Its module docstring and docs/README.md give the URL schemes and limits.
intersphinx_mapping = {}
offline_inventories = ["python", "numpy", "scipy", "sklearn", "matplotlib", "pandas"]

api_links_package = "sklearn_dln"

# -- Gallery ------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.ReadingOrder",
    # Links from API pages to the examples that use each object.
    "doc_module": ("sklearn_dln",),
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_signature": False,
}

# -- HTML output ----------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_dln {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False
