"""Registry of the report's figure sections.

A figure section is a function ``run(context) -> dict`` that computes its
numbers, draws its figure when ``context.draw`` is true, and returns a
JSON-ready dict with the keys

- ``"title"``: one line naming the figure of Braun, Grant & Saxe (ICML
  2025) it reproduces;
- ``"figures"``: list of PNG file names written into ``context.out_dir``;
- ``"numbers"``: dict of the measured values (JSON types only);
- ``"claims"``: list of ``{"claim": str, "evidence": str, "holds": bool}``,
  each verdict computed from the numbers in ``"evidence"``.

Add a section by writing a module with such a function and listing it in
:func:`available_sections`.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ReportContext:
    """Settings shared by all figure sections.

    Attributes
    ----------
    out_dir : Path
        Folder the figures are written to.
    random_state : int
        Base seed; sections derive their own seeds from it.
    quick : bool
        Use small sizes and few repeats (for tests and smoke runs).
    draw : bool
        Whether matplotlib is available and figures should be drawn.
    progress : Progress
        Progress reporter writing to standard error.
    """

    out_dir: Path
    random_state: int
    quick: bool
    draw: bool
    progress: object


def available_sections():
    """Return the figure sections built so far, as ``{key: (title, run)}``.

    Keys are the paper's figure numbers as strings, in report order.
    """
    from . import _figure1, _figure3, _figure4, _figure5

    sections = {}
    sections["1"] = (_figure1.TITLE, _figure1.run)
    sections["3"] = (_figure3.TITLE, _figure3.run)
    sections["4"] = (_figure4.TITLE, _figure4.run)
    sections["5"] = (_figure5.TITLE, _figure5.run)
    return sections
