"""Run the report: fit, compare, draw and summarise every task."""

from pathlib import Path

from ._figures import PLOT_EXTRA_HINT, matplotlib_available, save_representation_figure
from ._solutions import SOLUTION_TYPES, run_solutions_section
from ._summary import write_json, write_markdown


def run_report(tasks, out_dir, *, n_hidden=None, random_state=0, progress):
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
        "settings": {"random_state": random_state, "n_hidden": n_hidden},
        "notices": [],
        "tasks": {},
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
