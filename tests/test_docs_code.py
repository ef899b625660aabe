"""The code of the documentation pages that form whole scripts runs as shown.

The quick start, the Figure 3 tutorial and the noise page each show a
complete script, split into Python code blocks, some followed by a text
block with the output. These tests run the blocks of each page in order in
one namespace and compare what they print with the text blocks.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"

# Pages whose Python blocks, run in order, form one script.
SCRIPT_PAGES = [
    "quick_start.rst",
    "figure3.rst",
    "user_guide/noise_and_generalization.rst",
]

BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:(?:    .*)?\n)+)", re.MULTILINE)


def read_blocks(page):
    """Return the (language, code) pairs of the code blocks of ``page``."""
    blocks = []
    for language, body in BLOCK.findall(page.read_text()):
        lines = [line[4:] for line in body.rstrip().splitlines()]
        blocks.append((language, "\n".join(lines) + "\n"))
    return blocks


def normalise(text):
    """Strip trailing spaces of every line and blank lines at both ends."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@pytest.mark.parametrize("page_name", SCRIPT_PAGES)
def test_docs_page_runs_as_shown(page_name, tmp_path, monkeypatch):
    """Each Python block runs, and prints the text block that follows it."""
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # Files the scripts save, such as figure3.png, go to a temporary folder.
    monkeypatch.chdir(tmp_path)

    blocks = read_blocks(DOCS / page_name)
    assert any(language == "python" for language, _ in blocks), (
        f"{page_name} has no Python code block"
    )
    namespace = {"__name__": "__main__"}
    printed = None
    for index, (language, code) in enumerate(blocks):
        if language == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{page_name}, block {index}", "exec"), namespace)
            printed = output.getvalue()
        elif language == "text" and printed is not None:
            assert normalise(printed) == normalise(code), (
                f"{page_name}, block {index}: the code prints\n{printed}\n"
                f"but the page shows\n{code}"
            )
            printed = None

    import matplotlib.pyplot as plt

    plt.close("all")
