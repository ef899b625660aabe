"""Progress messages of the report command, written to standard error."""

import sys
import time


class Progress:
    """Write numbered progress lines and elapsed times to a text stream.

    Parameters
    ----------
    n_steps : int
        Total number of steps announced with :meth:`step`.
    stream : file-like, default=None
        Where to write; ``None`` means ``sys.stderr``. ``quiet=True`` writes
        nothing.
    quiet : bool, default=False
    """

    def __init__(self, n_steps, *, stream=None, quiet=False):
        self.n_steps = n_steps
        self.stream = sys.stderr if stream is None else stream
        self.quiet = quiet
        self._done = 0
        self._start = time.perf_counter()

    def step(self, message):
        """Announce the next step."""
        self._done += 1
        self._write(f"[{self._done}/{self.n_steps}] {message}")

    def note(self, message):
        """Write a message that is not a step."""
        self._write(f"      {message}")

    def bar(self, label, done, total, width=30):
        """Draw a one-line progress bar.

        On a terminal the bar redraws in place. A redirected stream gets only
        the finished bar, so logs hold one line per bar.
        """
        if self.quiet:
            return
        interactive = getattr(self.stream, "isatty", lambda: False)()
        if not interactive and done < total:
            return
        filled = int(width * done / max(total, 1))
        line = f"      {label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stream.write(f"\r{line}" if interactive else line)
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()

    def finish(self, message):
        """Write the closing line with the total elapsed time."""
        elapsed = time.perf_counter() - self._start
        self._write(f"{message} ({elapsed:.1f} s)")

    def _write(self, text):
        if not self.quiet:
            print(text, file=self.stream, flush=True)
