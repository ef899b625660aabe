"""Run the report: fit, compare, draw and summarise every task."""

from pathlib import Path

from ._figures import PLOT_EXTRA_HINT, matplotlib_available, save_representation_figure
from ._sections import ReportContext, available_sections
from ._solutions import SOLUTION_TYPES, run_solutions_section
from ._summary import write_json, write_markdown


def run_report(
    tasks,
    out_dir,
    *,
    n_hidden=None,
    random_state=0,
    figures=(),
    quick=False,
    progress,
):
    """Run the report on ``tasks`` and write it to ``out_dir``.

    Parameters
    ----------
    tasks : list of ReportTask
    out_dir : path-like
        Created if missing; existing report files in it are overwritten.
    n_hidden : int or None, default=None
        Hidden width of every network; None uses each estimator's default.
    random_state : int, default=0
        Seed of the free parameters; the across-seed comparison also uses
        ``random_state + 1``.
    figures : sequence of str, default=()
        Keys of the figure sections to run (see
        :func:`~sklearn_dln.report._sections.available_sections`).
    quick : bool, default=False
        Small sizes and few repeats in the figure sections.
    progress : Progress

    Returns
    -------
    report : dict
        The JSON-ready report (also written to ``summary.json``).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    draw = matplotlib_available()
    report = {
        "settings": {
            "random_state": random_state,
            "n_hidden": n_hidden,
            "figures": list(figures),
            "quick": quick,
        },
        "notices": [],
        "tasks": {},
        "sections": {},
    }
    if not draw:
        report["notices"].append(f"Figures were skipped: {PLOT_EXTRA_HINT}.")
        progress.note(f"matplotlib is not installed, so no figures: {PLOT_EXTRA_HINT}")

    for task in tasks:
        progress.step(f"{task.name}: fitting the four solution types")
        result = run_solutions_section(
            task, n_hidden=n_hidden, random_state=random_state, progress=progress
        )
        if draw:
            result["figures"] = _draw_solutions(task, result, out_dir)
        report["tasks"][task.name] = result
        if result["rank"] == 0:
            report["notices"].append(
                f"Task '{task.name}': the fitted outputs are constant (rank 0). "
                f"The MRNS and MWNS hidden activity is zero, so their RSA is "
                f"undefined; GLS and LSS keep random hidden activity that their "
                f"readout ignores."
            )

    context = ReportContext(
        out_dir=out_dir,
        random_state=random_state,
        quick=quick,
        draw=draw,
        progress=progress,
    )
    sections = available_sections()
    for key in figures:
        title, run = sections[key]
        progress.step(f"figure {key}: {title}")
        report["sections"][key] = run(context)

    progress.step("writing summary.md and summary.json")
    write_markdown(out_dir / "summary.md", report)
    write_json(out_dir / "summary.json", report)
    return report


def _draw_solutions(task, result, out_dir):
    files = []
    for region in SOLUTION_TYPES:
        name = f"{task.name}_{region}.png"
        save_representation_figure(
            out_dir / name,
            result["_arrays"]["hidden"][region],
            result["_arrays"]["rsm"][region],
            task.order,
            f"{task.name}: {region.upper()} hidden representation and RSM",
        )
        files.append(name)
    return files
