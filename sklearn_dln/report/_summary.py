"""Markdown and JSON summaries of the report."""

import json


def _fmt(value, digits=4):
    if value is None:
        return "undefined"
    return f"{value:.{digits}f}"


def _table_cell(text):
    """Escape the pipes of ``text`` (as in ``|x - y|``) for a Markdown table cell."""
    return text.replace("|", "\\|")


def _public(result):
    """Drop the private array entries (keys starting with an underscore)."""
    if isinstance(result, dict):
        return {k: _public(v) for k, v in result.items() if not str(k).startswith("_")}
    if isinstance(result, list):
        return [_public(v) for v in result]
    return result


def write_json(path, report):
    """Write the JSON-ready part of ``report`` to ``path``."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(_public(report), handle, indent=2, sort_keys=False)
        handle.write("\n")


def solutions_markdown(name, result):
    """Return the Markdown section of one task's solution comparison."""
    regions = list(result["mse"])
    lines = [
        f"## {name}: {result['title']}",
        "",
        f"Rank of the least-squares map r = {result['rank']}, "
        f"hidden width = {result['n_hidden']}.",
        "",
        "| solution | training MSE | fit time (s) | RSA with another random_state |",
        "| --- | --- | --- | --- |",
    ]
    for region in regions:
        lines.append(
            f"| {region.upper()} | {result['mse'][region]:.10g} | "
            f"{result['fit_seconds'][region]:.4f} | "
            f"{_fmt(result['rsa_across_seeds'][region])} |"
        )
    lines += [
        "",
        "Pairwise RSA (Pearson r between the strict upper triangles of the RSMs):",
        "",
        "| | " + " | ".join(r.upper() for r in regions) + " |",
        "| --- " * (len(regions) + 1) + "|",
    ]
    for a in regions:
        row = " | ".join(_fmt(result["rsa"][a][b]) for b in regions)
        lines.append(f"| {a.upper()} | {row} |")
    if result.get("figures"):
        lines += ["", "Figures: " + ", ".join(f"[{f}]({f})" for f in result["figures"])]
    lines.append("")
    return "\n".join(lines)


def claims_markdown(sections):
    """Return the table of every claim checked by the figure sections."""
    lines = [
        "## Claims of the paper, checked",
        "",
        "| figure | claim | measured | holds |",
        "| --- | --- | --- | --- |",
    ]
    for key, section in sections.items():
        for claim in section.get("claims", []):
            verdict = "yes" if claim["holds"] else "**no**"
            figure = key + claim.get("panel", "")
            cells = [figure, claim["claim"], claim["evidence"], verdict]
            lines.append("| " + " | ".join(_table_cell(c) for c in cells) + " |")
    lines += [
        "",
        "Each verdict applies the rule written in its row to the numbers of this "
        "run; the thresholds are constants of the report, fixed before any run. "
        "A **no** means that this run's numbers miss the rule at these settings. "
        "It is a finding of the reproduction, not a fault of the library, whose "
        "exactness (unchanged outputs, membership of each region) the rows "
        "above and the test suite check separately.",
        "",
    ]
    notes = [
        (key + claim.get("panel", ""), claim)
        for key, section in sections.items()
        for claim in section.get("claims", [])
        if claim.get("note")
    ]
    for figure, claim in notes:
        verdict = "holds" if claim["holds"] else "does not hold"
        lines.append(f"- {figure}, {claim['claim']} ({verdict}): {claim['note']}")
    if notes:
        lines.append("")
    return "\n".join(lines)


def section_markdown(key, section):
    """Return the Markdown part of one figure section."""
    lines = [f"## Figure {key}: {section['title']}", ""]
    if section.get("description"):
        lines += [section["description"], ""]
    for name in section.get("figures", []):
        lines.append(f"![figure {key}]({name})")
    lines.append("")
    return "\n".join(lines)


def _width(n_hidden):
    if n_hidden is None:
        return "min(n_features, n_outputs) of each task (the default)"
    return str(n_hidden)


def write_markdown(path, report):
    """Write the Markdown summary of ``report`` to ``path``."""
    lines = [
        "# sklearn-dln report",
        "",
        "Two-layer linear networks fitted in closed form to each task: the general "
        "(GLS), least-squares (LSS), minimum representation-norm (MRNS) and "
        "minimum weight-norm (MWNS) solutions. All four implement the same "
        "function on the training data, so their training errors agree up to "
        "rounding, yet only MRNS and MWNS have a representation fixed by the "
        "task: their RSA across random states is 1, while GLS and LSS change "
        "with the random state. (RSA is undefined when the fitted outputs are "
        "constant, for instance when the targets do not depend on the inputs.)",
        "",
        f"Settings: random_state={report['settings']['random_state']}, "
        f"n_hidden={_width(report['settings']['n_hidden'])}.",
        "",
    ]
    if report.get("notices"):
        lines += [f"- {notice}" for notice in report["notices"]] + [""]
    for name, result in report["tasks"].items():
        lines.append(solutions_markdown(name, result))
    if report.get("sections"):
        lines.append(claims_markdown(report["sections"]))
        for key, section in report["sections"].items():
            lines.append(section_markdown(key, section))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
