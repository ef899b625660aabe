"""Progress messages of the report command."""

import io

from sklearn_dln.report._progress import Progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redirected_writes_one_line():
    """A redirected stream gets only the finished bar, on one line."""
    stream = io.StringIO()
    progress = Progress(1, stream=stream)
    for done in range(4):
        progress.bar("walks", done, 3)
    assert stream.getvalue() == "      walks [" + "#" * 30 + "] 3/3\n"


def test_progress_bar_on_terminal_redraws_in_place():
    """On a terminal every update redraws the bar with a carriage return."""
    stream = _Terminal()
    progress = Progress(1, stream=stream)
    for done in range(4):
        progress.bar("walks", done, 3)
    output = stream.getvalue()
    assert output.count("\r") == 4
    assert output.endswith("3/3\n")


def test_progress_quiet_writes_nothing():
    """quiet=True silences steps, notes and bars."""
    stream = io.StringIO()
    progress = Progress(2, stream=stream, quiet=True)
    progress.step("fitting")
    progress.note("detail")
    progress.bar("walks", 3, 3)
    assert stream.getvalue() == ""
