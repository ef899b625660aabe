"""Cross-links between the API reference and the narrative pages.

These additions are made to the build:

* every name that ``sklearn_dln`` re-exports at the top level (such as
  ``sklearn_dln.GLSRegressor``) becomes an alias of the object documented
  under its subpackage (``sklearn_dln.linear.GLSRegressor``), so that both
  spellings resolve in roles and in the code of gallery examples;
* the directive ``.. guide-mentions:: NAME`` on an API page is replaced by
  links to every section of a narrative page (user guide, quick start,
  tutorials) that cross-references ``NAME`` or one of its members;
* class pages document only the members that ``sklearn_dln`` defines, and
  the directive ``.. inherited-methods:: NAME`` lists the methods that the
  class inherits from scikit-learn, each linked to scikit-learn's own
  documentation. Their docstrings use scikit-learn's glossary and labels,
  which only scikit-learn's documentation defines.

Constants such as ``REGIONS`` are tuples, whose inherited ``tuple``
docstring is dropped; the API reference describes them itself.
"""

import importlib
import inspect

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

# Narrative pages are all pages except the API reference (its index and the
# generated object pages) and the gallery.
NON_NARRATIVE_DOCNAMES = ("api",)
NON_NARRATIVE_PREFIXES = ("generated/", "auto_examples/")


def _top_level_aliases(package_name):
    """Map each top-level re-export to its subpackage path.

    For ``sklearn_dln.GLSRegressor`` this returns
    ``{"sklearn_dln.GLSRegressor": "sklearn_dln.linear.GLSRegressor"}``.
    """
    package = importlib.import_module(package_name)
    aliases = {}
    for name in package.__all__:
        obj = getattr(package, name)
        for attribute in dir(package):
            submodule = getattr(package, attribute)
            if not hasattr(submodule, "__all__") or submodule is package:
                continue
            if not getattr(submodule, "__name__", "").startswith(package_name + "."):
                continue
            if name in submodule.__all__ and getattr(submodule, name) is obj:
                aliases[f"{package_name}.{name}"] = f"{submodule.__name__}.{name}"
    return aliases


def _documented_name(app, target):
    """Return the documented name of ``target``, following top-level aliases."""
    for alias, documented in app.config.api_links_aliases.items():
        if target == alias or target.startswith(alias + "."):
            return documented + target[len(alias) :]
    return target


def _register_aliases(app, env):
    """Add the top-level spellings of re-exported objects to the py domain."""
    domain = env.domains["py"]
    documented_objects = list(domain.objects.items())
    for alias, documented in app.config.api_links_aliases.items():
        for name, entry in documented_objects:
            if name != documented and not name.startswith(documented + "."):
                continue
            alias_name = alias + name[len(documented) :]
            if alias_name in domain.objects:
                continue
            domain.objects[alias_name] = entry._replace(aliased=True)


def _set_aliases(app, config):
    """Compute the top-level aliases once the configuration is read."""
    config.api_links_aliases = _top_level_aliases(config.api_links_package)


class GuideMentions(nodes.General, nodes.Element):
    """Placeholder for the links to the narrative sections that cite a name."""


class GuideMentionsDirective(SphinxDirective):
    """Insert links to the narrative sections that cross-reference a name."""

    required_arguments = 1

    def run(self):
        return [GuideMentions(target=self.arguments[0])]


def _collect_mentions(app, doctree):
    """Record, for this page, which sections cross-reference which objects."""
    env = app.env
    docname = env.docname
    if docname in NON_NARRATIVE_DOCNAMES or docname.startswith(NON_NARRATIVE_PREFIXES):
        return
    mentions = getattr(env, "api_links_mentions", {})
    for xref in doctree.findall(addnodes.pending_xref):
        if xref.get("refdomain") != "py":
            continue
        target = xref["reftarget"]
        module = xref.get("py:module")
        if module and not target.startswith(app.config.api_links_package):
            target = f"{module}.{target}"
        if not target.startswith(app.config.api_links_package + "."):
            continue
        section = _enclosing_section(xref)
        if section is None or not section["ids"]:
            continue
        title = section.next_node(nodes.title).astext()
        mention = (docname, section["ids"][0], title)
        found = mentions.setdefault(_documented_name(app, target), [])
        if mention not in found:
            found.append(mention)
    env.api_links_mentions = mentions


def _enclosing_section(node):
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    return node


def _purge_mentions(app, env, docname):
    """Forget the mentions of a page that is about to be read again."""
    mentions = getattr(env, "api_links_mentions", {})
    for target in list(mentions):
        mentions[target] = [m for m in mentions[target] if m[0] != docname]
        if not mentions[target]:
            del mentions[target]


def _merge_mentions(app, env, docnames, other):
    """Merge the mentions that parallel readers collected into ``env``."""
    mentions = getattr(env, "api_links_mentions", {})
    for target, found in getattr(other, "api_links_mentions", {}).items():
        for mention in found:
            if mention[0] in docnames and mention not in mentions.setdefault(target, []):
                mentions[target].append(mention)
    env.api_links_mentions = mentions


def _reading_order(env):
    """Return the position of each page in a depth-first walk of the toctrees."""
    order = {}
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in order:
            continue
        order[docname] = len(order)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    return order


def _fill_mentions(app, doctree, fromdocname):
    """Replace each placeholder by a paragraph of links, or drop it."""
    mentions = getattr(app.env, "api_links_mentions", {})
    order = _reading_order(app.env)
    for placeholder in list(doctree.findall(GuideMentions)):
        target = placeholder["target"]
        found = []
        for name, sections in sorted(mentions.items()):
            if name == target or name.startswith(target + "."):
                found += [s for s in sections if s not in found]
        if not found:
            placeholder.parent.remove(placeholder)
            continue
        paragraph = nodes.paragraph()
        paragraph += nodes.strong(text="Read more: ")
        found.sort(key=lambda mention: order.get(mention[0], len(order)))
        for index, (docname, section_id, title) in enumerate(found):
            if index:
                paragraph += nodes.Text(", ")
            page_title = app.env.titles[docname].astext()
            text = title if title == page_title else f"{page_title}: {title}"
            uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + section_id
            paragraph += nodes.reference("", text, internal=True, refuri=uri)
        paragraph += nodes.Text(".")
        placeholder.replace_self(paragraph)


def _defining_module(member):
    """Return the module that defines a class member, or None if unknown."""
    if isinstance(member, property):
        member = member.fget
    return getattr(member, "__module__", None)


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Skip class members defined outside the documented package."""
    if what != "class":
        return None
    module = _defining_module(obj)
    if module is None or not module.startswith(app.config.api_links_package):
        return True
    return None


def _drop_builtin_docstrings(app, what, name, obj, options, lines):
    """Drop the docstring that a constant inherits from its built-in type.

    A tuple constant such as ``REGIONS`` has no docstring of its own, so
    autodoc would show the documentation of ``tuple``. The API reference
    describes such constants in the content of their directive instead.
    """
    if what == "data" and type(obj).__module__ == "builtins":
        if inspect.getdoc(obj) == inspect.getdoc(type(obj)):
            lines.clear()


def _public_path(cls):
    """Return the documented path of a class, or None for a private class.

    ``sklearn.neural_network._multilayer_perceptron.MLPClassifier`` is
    documented as ``sklearn.neural_network.MLPClassifier``.
    """
    if cls.__name__.startswith("_"):
        return None
    parts = [part for part in cls.__module__.split(".") if not part.startswith("_")]
    return ".".join(parts + [cls.__name__])


class InheritedMethodsDirective(SphinxDirective):
    """List the public methods a class inherits from outside the package."""

    required_arguments = 1

    def run(self):
        module_name, _, class_name = self.arguments[0].rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        linked, unlinked = [], []
        for name in sorted(dir(cls)):
            if name.startswith("_") or not callable(getattr(cls, name, None)):
                continue
            module = _defining_module(getattr(cls, name)) or ""
            if not module.startswith("sklearn."):
                # Defined by this package (documented on the page) or by
                # Python itself, such as the methods of a named tuple.
                continue
            owner = next(
                (
                    _public_path(base)
                    for base in cls.__mro__[1:]
                    if base.__module__.startswith("sklearn.")
                    and _public_path(base) is not None
                    and hasattr(base, name)
                ),
                None,
            )
            if owner is None:
                unlinked.append(f"``{name}``")
            else:
                linked.append(f":meth:`{name} <{owner}.{name}>`")
        if not linked and not unlinked:
            return []
        text = "**Inherited from scikit-learn:** " + ", ".join(linked + unlinked)
        text += "."
        if any(name.startswith("``set_") and name.endswith("_request``")
               for name in unlinked):
            text += (
                " The ``set_*_request`` methods configure scikit-learn's "
                "metadata routing."
            )
        return self.parse_text_to_nodes(text)


def setup(app):
    app.add_config_value("api_links_package", "", "env", types=frozenset({str}))
    app.add_config_value("api_links_aliases", {}, "env", types=frozenset({dict}))
    app.add_node(GuideMentions)
    app.add_directive("guide-mentions", GuideMentionsDirective)
    app.add_directive("inherited-methods", InheritedMethodsDirective)
    app.connect("autodoc-skip-member", _skip_foreign_members)
    app.connect("autodoc-process-docstring", _drop_builtin_docstrings)
    app.connect("config-inited", _set_aliases)
    app.connect("doctree-read", _collect_mentions)
    app.connect("env-purge-doc", _purge_mentions)
    app.connect("env-merge-info", _merge_mentions)
    app.connect("env-updated", _register_aliases)
    app.connect("doctree-resolved", _fill_mentions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
