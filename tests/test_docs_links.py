"""Every public name is discussed in a documentation page or a gallery example.

The API reference links each object to the narrative sections that
cross-reference it and to the gallery examples that use it. These tests read
the sources, without Sphinx, and fail when a public name has neither, so
that its reference page would have no link to a worked example or a guide
section.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

import sklearn_dln

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

SUBPACKAGES = ["linear", "transformers", "relu", "analysis", "datasets", "utils", "report"]

# The API reference lists every name, so it does not count as a mention; nor
# do the pages that the build generates.
EXCLUDED_DOCS = {DOCS / "api.rst"}
GENERATED_FOLDERS = {"_build", "generated", "auto_examples"}

# A Python cross-reference role and its target, such as
# :class:`~sklearn_dln.GLSRegressor` or :func:`text <sklearn_dln.analysis.rsa>`.
ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|data|obj|exc|mod):`(?:[^`<]*<)?[~!]?([\w.]+)>?`"
)


def public_names():
    """Return the public names of the package and its subpackages, qualified."""
    names = {f"sklearn_dln.{name}" for name in sklearn_dln.__all__}
    names.discard("sklearn_dln.__version__")
    for subpackage in SUBPACKAGES:
        module = importlib.import_module(f"sklearn_dln.{subpackage}")
        names |= {f"sklearn_dln.{subpackage}.{name}" for name in module.__all__}
    return sorted(names)


def narrative_pages():
    """Return the hand-written .rst pages of the documentation."""
    pages = []
    for page in sorted(DOCS.rglob("*.rst")):
        relative = page.relative_to(DOCS)
        if page in EXCLUDED_DOCS or relative.parts[0] in GENERATED_FOLDERS:
            continue
        pages.append(page)
    return pages


def referenced_names(text):
    """Return the fully qualified targets of the roles in ``text``."""
    return {target for target in ROLE.findall(text) if target.startswith("sklearn_dln")}


def imported_names(source):
    """Return the ``sklearn_dln`` names a script imports or reaches by attribute."""
    names = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sklearn_dln"
        ):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            if dotted.startswith("sklearn_dln."):
                names.add(dotted)
    return names


def same_object(name, other):
    """Return whether two qualified names denote the same object.

    ``sklearn_dln.GLSRegressor`` and ``sklearn_dln.linear.GLSRegressor`` do,
    and so does a name and one of its members, ``...GLSRegressor.fit``.
    """
    def resolve(qualified):
        module_name, _, attribute = qualified.partition(".")
        obj = importlib.import_module(module_name)
        for part in attribute.split("."):
            if not hasattr(obj, part):
                try:
                    obj = importlib.import_module(f"{obj.__name__}.{part}")
                    continue
                except (AttributeError, ImportError):
                    return None
            obj = getattr(obj, part)
        return obj

    target = resolve(name)
    if target is None:
        return False
    parts = other.split(".")
    for end in range(len(parts), 1, -1):
        candidate = resolve(".".join(parts[:end]))
        if candidate is target:
            return True
    return False


@pytest.fixture(scope="module")
def mentions():
    """Map each narrative page and example script to the names it mentions."""
    found = {}
    for page in narrative_pages():
        found[page.relative_to(ROOT)] = referenced_names(page.read_text())
    for script in sorted(EXAMPLES.glob("*.py")):
        source = script.read_text()
        found[script.relative_to(ROOT)] = imported_names(source) | referenced_names(
            source
        )
    return found


def test_docs_pages_exist():
    """The checks below read a non-empty set of pages and examples."""
    assert narrative_pages(), f"no .rst pages found under {DOCS}"
    assert list(EXAMPLES.glob("plot_*.py")), f"no gallery scripts in {EXAMPLES}"


@pytest.mark.parametrize("name", public_names())
def test_public_name_mentioned(name, mentions):
    """A public name is cross-referenced by a page or used by an example."""
    places = [
        str(path)
        for path, names in mentions.items()
        if any(same_object(name, mentioned) for mentioned in names)
    ]
    assert places, (
        f"{name} is mentioned in no docs/**/*.rst page (apart from the API "
        f"reference) and no examples/*.py script. Cross-reference it with a "
        f"role such as :func:`~{name}` in the user guide section that "
        f"explains it, or use it in a gallery example."
    )


def test_roles_find_qualified_targets():
    """The role pattern reads plain, titled and shortened targets."""
    text = (
        ":class:`~sklearn_dln.GLSRegressor`, :func:`rsa <sklearn_dln.analysis.rsa>`"
        " and :data:`sklearn_dln.relu.RELU_MOVES`"
    )
    assert referenced_names(text) == {
        "sklearn_dln.GLSRegressor",
        "sklearn_dln.analysis.rsa",
        "sklearn_dln.relu.RELU_MOVES",
    }


def test_same_object_follows_reexports():
    """A top-level re-export and its subpackage path are the same object."""
    assert same_object("sklearn_dln.linear.GLSRegressor", "sklearn_dln.GLSRegressor")
    assert same_object(
        "sklearn_dln.linear.GLSRegressor", "sklearn_dln.GLSRegressor.fit"
    )
    assert not same_object("sklearn_dln.linear.GLSRegressor", "sklearn_dln.LSSRegressor")
