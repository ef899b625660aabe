"""Command line of sklearn_dln: ``sklearn-dln report``."""

import argparse
import sys

from .. import __version__
from ..linear import decompose_task
from ._data import ReportInputError, bundled_tasks, load_npz_task
from ._progress import Progress
from ._runner import run_report
from ._sections import available_sections


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def build_parser():
    """Return the argument parser of the ``sklearn-dln`` command."""
    parser = argparse.ArgumentParser(
        prog="sklearn-dln",
        description="Solution manifolds and hidden representations of two-layer networks.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )

    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser(
        "report",
        help="reproduce the figures of Braun, Grant & Saxe (ICML 2025) and check their claims",
        description=(
            "Fit the GLS, LSS, MRNS and MWNS solutions of a two-layer linear network "
            "in closed form, compare their hidden representations, reproduce "
            "Figures 1, 3, 4 and 5 of Braun, Grant & Saxe (ICML 2025), and write "
            "one PNG per figure and a summary (Markdown and JSON) with a table of "
            "the paper's claims, their measured numbers and whether each holds. "
            "Without --data the solution comparison runs on scikit-learn's bundled "
            "digits and on the 16-item semantic hierarchy; the figures always use "
            "their own tasks."
        ),
    )

    report.add_argument(
        "--out", default="dln-report", metavar="DIR",
        help="folder for the report files (default: ./dln-report)",
    )

    report.add_argument(
        "--data", metavar="FILE.npz",
        help="run on this .npz file with arrays X (n_samples, n_features) "
        "and Y (n_samples,) or (n_samples, n_outputs) instead of the bundled tasks",
    )

    report.add_argument(
        "--n-hidden", type=_positive_int, default=None, metavar="K",
        help="hidden width of the networks of the solution comparison, at least "
        "the rank of each task (default: min(n_features, n_outputs) per task); "
        "the figures use their own widths",
    )

    report.add_argument(
        "--random-state", type=_non_negative_int, default=0, metavar="S",
        help="seed of the solution comparison's free parameters and of the "
        "figures' tasks, walks and noise draws (default: 0)",
    )

    report.add_argument(
        "--figures", default=None, metavar="LIST",
        help="comma-separated paper figures to reproduce, out of 1,3,4,5 "
        "(default: all four; 'none' for the solution comparison only)",
    )

    report.add_argument(
        "--quick", action="store_true",
        help="small sizes, short walks and few Monte Carlo draws, for a check "
        "of well under a minute",
    )

    report.add_argument(
        "--quiet", action="store_true", help="write no progress messages",
    )
    return parser


def parse_figures(text):
    """Turn the ``--figures`` value into a list of available section keys."""
    sections = available_sections()
    if text is None:
        return list(sections)
    if not text.strip():
        raise ReportInputError(
            "--figures is empty; pass a list such as 1,3 or the word none"
        )
    if text.strip().lower() == "none":
        return []
    keys = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [key for key in keys if key not in sections]
    if unknown:
        valid = ", ".join(sections) or "none yet"
        raise ReportInputError(
            f"unknown figure {', '.join(unknown)} in --figures; available: {valid}"
        )
    return [key for key in sections if key in keys]


def check_n_hidden(n_hidden, tasks):
    """Raise before any fit if ``--n-hidden`` is below the rank of a task."""
    if n_hidden is None:
        return
    ranks = {task.name: decompose_task(task.X, task.Y).rank for task in tasks}
    too_narrow = {name: rank for name, rank in ranks.items() if rank > n_hidden}
    if too_narrow:
        listed = ", ".join(f"'{name}' has rank {rank}" for name, rank in too_narrow.items())
        raise ReportInputError(
            f"--n-hidden {n_hidden} is narrower than a task needs: {listed}. "
            f"Use --n-hidden {max(ranks.values())} or more, or omit the option."
        )


def main(argv=None):
    """Run the command line; return the exit status (0 success, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        figures = parse_figures(args.figures)
        tasks = [load_npz_task(args.data)] if args.data else bundled_tasks()
        check_n_hidden(args.n_hidden, tasks)
        progress = Progress(len(tasks) + len(figures) + 1, quiet=args.quiet)
        run_report(
            tasks,
            args.out,
            n_hidden=args.n_hidden,
            random_state=args.random_state,
            figures=figures,
            quick=args.quick,
            progress=progress,
        )
    except ReportInputError as error:
        print(f"sklearn-dln report: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"sklearn-dln report: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"sklearn-dln report: error: cannot write the report: {error}", file=sys.stderr)
        return 2
    progress.finish(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
