"""Progress of a long command (`check` of many articles, `archive add` of many files, `archive
fetch` of many URLs) on standard error: rich's progress display with the items done of the total,
the rate and the time left.

Shown only when standard error is a terminal, never with ``--quiet``, and gone when the command
ends (transient). Nothing of it reaches standard output: a report written there is byte for byte
the same with or without it. Lines the command prints while the display is up go through
``Progress.write``, which takes the display down for them when they go to the same terminal.
"""
from __future__ import annotations

import sys
from typing import IO


class Progress:
    """``with Progress(total, "checking", "files") as progress: ... progress.advance()``."""

    def __init__(self, total: int, description: str, unit: str, quiet: bool = False) -> None:
        self.stream = sys.stderr
        self.total, self.description, self.unit = total, description, unit
        self.shown = not quiet and total > 1 and _is_terminal(self.stream)
        self._display = None
        self._task = None

    def __enter__(self) -> "Progress":
        if self.shown:
            self._display = _display(self.stream, self.unit)
            self._task = self._display.add_task(self.description, total=self.total)
            self._display.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._display is not None:
            self._display.stop()
            self._display = None

    def advance(self) -> None:
        if self._display is not None:
            self._display.advance(self._task, 1)

    def error(self, message: str) -> None:
        """``verifier: message`` on standard error, through the display."""
        self.write(f"verifier: {message}\n", sys.stderr)

    def write(self, text: str, out: IO[str] | None = None) -> None:
        """Write ``text`` to ``out`` (standard output by default) without tearing the display:
        when ``out`` is a terminal too, the display is taken down for it and drawn again below."""
        out = out if out is not None else sys.stdout
        if self._display is None or not _is_terminal(out):
            out.write(text)
            return
        self._display.stop()   # transient: the display's lines are erased
        out.write(text)
        out.flush()
        self._display.start()


def open_archive(location: str | None, quiet: bool = False):
    """``verify.check.open_archive``; a directory of sources is indexed (or its index brought up
    to date) under a progress display of its files, files that cannot be read reported through it."""
    import os

    from verifier.archive.store import default_path
    from verifier.verify.check import open_archive as open_plain

    directory = location or default_path()
    if not os.path.isdir(directory):
        return open_plain(location)
    from verifier.archive.sources import iter_source_files
    from verifier.errors import InputError

    files = list(iter_source_files([directory]))   # listed once: counted here, indexed by open_plain
    with Progress(len(files), "indexing", "files", quiet=quiet) as progress:
        def indexed(outcome) -> None:
            if isinstance(outcome, InputError):
                progress.error(str(outcome))
            progress.advance()

        return open_plain(directory, on_file=indexed, files=files)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # a closed or unusual stream
        return False


def _display(stream, unit: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, ProgressColumn, \
        TextColumn, TimeRemainingColumn
    from rich.text import Text

    from verifier.report.console import text_console

    class RateColumn(ProgressColumn):
        """Items a second, once there is a rate to show."""

        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} {unit}/s" if speed else f"– {unit}/s", style="progress.data.speed")

    return RichProgress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TextColumn(unit), RateColumn(), TextColumn("ETA"),
                        TimeRemainingColumn(), console=text_console(stream), transient=True,
                        redirect_stdout=False, redirect_stderr=False)
