"""Extracted plain text: the builder that maps it back to its source, and shared date parsing.

Owns ``TextBuilder`` (accumulates the text extracted from a marked-up document together with the
anchors that map each character back to its offset in the decoded original), ``Extracted`` (what
a converter hands back: text, anchors, title, date) and ``normalise_date`` (a published date in a
common format as YYYY-MM-DD), used by both ``verifier.article.markdown`` and ``verifier.article.html``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


# A suppression marker in an article: ``<!-- verifier: ignore -->`` (Markdown, HTML, plain text)
# or ``[verifier: ignore]`` (plain text), optionally ``ignore-next-quote`` and a reason after it.
MARKER_KINDS = ("ignore", "ignore-next-quote")
_MARKER_BODY = re.compile(r"\s*verifier:\s*(ignore-next-quote|ignore)(?![\w-])\s*(?:[:\u2014\u2013-]+\s*)?(.*?)\s*",
                          re.I | re.S)


@dataclass
class Marker:
    """A ``verifier: ignore`` marker: ``offset`` is where it stands in the extracted text (what
    follows it starts there or later), ``origin`` where it is in the original file."""

    kind: str  # "ignore" (the next paragraph) or "ignore-next-quote"
    offset: int
    reason: str | None = None
    origin: int = 0
    line: int | None = None  # 1-based line of the marker in the original file


def parse_marker(body: str) -> tuple[str, str | None] | None:
    """(kind, reason) for the inside of a comment or bracket that is a marker, else None."""
    m = _MARKER_BODY.fullmatch(body)
    if not m:
        return None
    reason = " ".join(m.group(2).split()) or None
    return m.group(1).lower(), reason


@dataclass
class Extracted:
    """The result of converting a marked-up document to plain text.

    ``anchors`` are sorted (text_offset, original_offset) pairs; between anchors offsets advance
    together. ``date`` is YYYY-MM-DD. ``markers`` are the suppression markers found.
    """

    text: str
    anchors: list[tuple[int, int]] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    markers: list[Marker] = field(default_factory=list)


class TextBuilder:
    """Accumulates extracted text and the anchors that map it back to the original.

    ``word`` adds text found at an original offset; ``block`` ends a paragraph, ``space`` and
    ``line_break`` ask for a separator. Separators are written lazily, before the next word, so
    no paragraph starts or ends with one.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.anchors: list[tuple[int, int]] = []
        self.length = 0
        self._next: int | None = None  # where the next character would be if contiguous
        self._paragraph = False  # a paragraph break is due before the next word
        self._space: int | None = None  # a space is due, found at this offset
        self._newlines: tuple[int, int] | None = None  # (count, offset) of pending <br>s
        self.markers: list[Marker] = []

    def marker(self, comment: str, origin: int) -> None:
        """Record ``comment`` (the inside of an HTML comment) if it is a suppression marker."""
        found = parse_marker(comment)
        if found:
            self.markers.append(Marker(found[0], self.length, found[1], origin))

    def _add(self, s: str, origin: int) -> None:
        if origin != self._next:
            self.anchors.append((self.length, origin))
        self.parts.append(s)
        self.length += len(s)
        self._next = origin + len(s)

    def word(self, s: str, origin: int) -> None:
        if self._paragraph or not self.length:  # no paragraph starts with blanks
            stripped = s.lstrip(" \t")
            origin, s = origin + len(s) - len(stripped), stripped
        if not s:
            return
        if self.length and self._paragraph:
            self._add("\n\n", self._next)
        elif self.length and self._newlines:
            count, at = self._newlines
            self._add("\n" * count, at)
        elif self.length and self._space is not None:
            self._add(" ", self._space)
        self._paragraph, self._space, self._newlines = False, None, None
        self._add(s, origin)

    def space(self, origin: int) -> None:
        if self._space is None and not self._newlines:
            self._space = origin

    def line_break(self, origin: int) -> None:
        count, first = self._newlines or (0, origin)
        self._newlines, self._space = (min(count + 1, 2), first), None

    def block(self) -> None:
        self._paragraph, self._space, self._newlines = True, None, None

    def text(self) -> str:
        return "".join(self.parts)



# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![0-9])")
_COMPACT_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?:$|[T\s])")
_WRITTEN_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")


def normalise_date(value) -> str | None:
    """A date as YYYY-MM-DD from a date, a datetime, or a string in a common format; else None."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d") if value.year >= 1000 else None
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    m = _ISO_DATE.match(value) or _COMPACT_DATE.match(value)
    if m:
        try:
            return dt.date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    return _written_date(value.strip())


def _written_date(value: str) -> str | None:
    for fmt in _WRITTEN_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            pass
    try:
        import email.utils   # only for an RFC 2822 date, rare in articles
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
