"""Articles: read a file (text, Markdown, HTML) into plain text with a map back to the original.

Owns decoding (BOMs, UTF-16, legacy single-byte encodings), format detection and the
offset -> (line, column) map that lets every quote point into the file the user gave.
"""
from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError

FORMATS = ("txt", "md", "html")


@dataclass
class Article:
    """An article as plain text.

    ``text`` is what quote offsets index into. For plain text it is the file's text as Python reads
    it in text mode (universal newlines). For Markdown and HTML it is the extracted text, and
    ``position`` maps an offset back to the original file.
    """

    path: str
    text: str
    format: str = "txt"
    title: str | None = None
    date: str | None = None
    # For each offset into ``text``, where it came from in the original, as sorted anchors:
    # (text_offset, original_offset); between anchors offsets advance together.
    anchors: list[tuple[int, int]] = field(default_factory=list)
    original: str | None = None  # the decoded original file, when it differs from ``text``

    def original_offset(self, offset: int) -> int:
        if not self.anchors:
            return offset
        i = bisect.bisect_right(self.anchors, (offset, float("inf"))) - 1
        if i < 0:
            return offset
        t, o = self.anchors[i]
        return o + (offset - t)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column (in code points) of ``offset`` in the original file."""
        source = self.original if self.original is not None else self.text
        pos = min(self.original_offset(offset), len(source))
        starts = self._line_starts(source)
        line = bisect.bisect_right(starts, pos)
        return line, pos - starts[line - 1] + 1

    def _line_starts(self, source: str) -> list[int]:
        cached = getattr(self, "_starts", None)
        if cached is None:
            cached = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
            self._starts = cached
        return cached


def load_article(path: str, fmt: str | None = None) -> Article:
    """Read ``path`` (or standard input for ``-``) into an Article; raises InputError."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Article(path=path, text=text, format=fmt or "txt")
