"""Where a parsed page's text came from: each text node that the HTML parser (beautifulsoup4 on
lxml) made, found in the original source, character for character.

The parser gives the text of a page, not where it stood. ``SourceMap.locate`` takes the page's
text nodes in document order and finds each in the source, after the previous one: between two
nodes there is markup (tags, comments, declarations; skipped with ``MARKUP``) or text the parser
left out (whitespace, stray characters); inside a node, a character may be written as a
character reference (``&amp;``, ``&#8220;``, ``&copy`` without its semicolon), and the parser may
have joined text around markup it ignored (a stray end tag). The result is, for each node, pieces
of its text with the offset each starts at (a reference's character at its ``&``).

Also ``without_markup``: the source with its markup (and script and style contents) blanked to
spaces, offsets unchanged — what a page nested too deeply to parse safely is read as.
Everything here is linear in the source: no backtracking regular expression, no recursion.
"""
from __future__ import annotations

import html.entities
import re

# One piece of markup at a '<': a comment (unterminated: to the end), a declaration or doctype,
# a processing instruction, or a start or end tag with its attributes (an unterminated quoted
# value runs to the end). It never fails after the tag name, so it cannot backtrack.
MARKUP = re.compile(
    r"<!--(?:>|->|.*?-->|.*\Z)"
    r"|<![^>]*>?"
    r"|<\?[^>]*>?"
    r"|</?[A-Za-z][^\t\n\f\r />]*"
    r"(?:[\t\n\f\r /]*[^\t\n\f\r />][^\t\n\f\r /=>]*"
    r"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"[^\"]*\"?|'[^']*'?|[^\t\n\f\r >]*))?)*"
    r"[\t\n\f\r /]*>?",
    re.S,
)
_RAW_TEXT = re.compile(r"<(script|style)(?=[\t\n\f\r />])[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_SPECIAL = re.compile(r"[&<]")
_DECLARATION = re.compile(r"<[!?]|</(?![A-Za-z])")
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SEARCH_WINDOW = 1 << 20   # characters past the cursor a node is looked for before giving up


class SourceMap:
    """Finds text nodes in ``src``, in document order."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.at = 0   # where the previous node ended

    def locate(self, text: str, raw: bool = False) -> list[tuple[str, int, bool]]:
        """``text`` as (piece, offset in the source, written as a reference) pieces, found after
        the previous node; ``raw``: script or style text (no references). A node not found is
        mapped, as one piece, to where the search began."""
        src, start = self.src, self.at
        if not text.strip(" \t\n\f\r"):
            return self._blanks(text, raw)
        c, limit = start, min(len(src), start + SEARCH_WINDOW)
        first = text[:1]
        while c <= limit:
            if src.startswith(text, c) and (raw or not _SPECIAL.search(src, c, c + len(text))):
                self.at = c + len(text)   # written as it reads: one piece
                return [(text, c, False)]
            here = src[c:c + 1]
            if here == "<" and first != "<":
                m = MARKUP.match(src, c)
                if m is not None and m.end() > c:
                    c = m.end()
                    continue
            if here != first and here not in "&<":   # not here: on to where it may start
                c = self._next_try(c, first)
                continue
            found = self._match(text, c, raw)
            if found is not None:
                pieces, self.at = found
                return pieces
            c = self._next_try(c, first)
        return [(text, start, False)]

    def _blanks(self, text: str, raw: bool) -> list[tuple[str, int, bool]]:
        """Blanks: found right after the markup at the cursor, or else left where we are (the
        parser may have moved or dropped blanks; they only ever become a space)."""
        c = self.at
        while (m := MARKUP.match(self.src, c)) is not None and m.end() > c:
            c = m.end()
        found = self._match(text, c, raw)
        if found is None:
            return [(text, self.at, False)]
        pieces, self.at = found
        return pieces

    def _next_try(self, c: int, first: str) -> int:
        """Past text the parser left out: the next place the node may start (its first character,
        a reference, or markup)."""
        src = self.src
        found = [k for k in (src.find(first, c + 1) if first else -1, src.find("&", c + 1), src.find("<", c + 1))
                 if k >= 0]
        return min(found) if found else len(src) + 1

    def skip_declaration(self) -> int | None:
        """Past the next comment, doctype, declaration or processing instruction (what the parser
        keeps as a comment or declaration: ``<!--…-->``, ``<!x>``, ``<?x>``, ``</ x>``); its
        offset, or None if there is none near."""
        m = _DECLARATION.search(self.src, self.at, self.at + SEARCH_WINDOW)
        if m is None:
            return None
        at = m.start()
        markup = MARKUP.match(self.src, at)
        if markup is not None and markup.end() > at + 1:
            self.at = markup.end()
        else:
            end = self.src.find(">", at)
            self.at = len(self.src) if end < 0 else end + 1
        return at

    def _match(self, text: str, c: int, raw: bool):
        """(pieces, end) when ``text`` is written at ``c``; else None."""
        src, n = self.src, len(text)
        pieces: list[tuple[str, int, bool]] = []
        i = 0
        while i < n:
            special = _SPECIAL.search(src, c, c + n - i) if not raw else None
            stop = special.start() if special is not None else c + n - i
            if stop > c:
                run = stop - c
                if not src.startswith(text[i:i + run], c):
                    same = _common_prefix(src, c, text, i, run)
                    if i + same == 0 or not _CONTROL.match(src, c + same):
                        return None
                    pieces.append((text[i:i + same], c, False))
                    i, c = i + same, c + same + 1   # a control character the parser dropped
                    continue
                pieces.append((text[i:i + run], c, False))
                i, c = i + run, stop
                continue
            step = self._special(text, i, c, pieces)
            if step is None:
                return None
            i, c = step
        return [p for p in pieces if p[0]], c

    def _special(self, text: str, i: int, c: int, pieces: list):
        """Past the ``&`` or ``<`` at ``c`` where ``text[i]`` is expected: (i, c) after it."""
        src = self.src
        if src[c] == "&":
            ref = _REFERENCE.match(src, c)
            decoded, used = decode_reference(ref.group()) if ref else ("&", 1)
            if decoded != src[c:c + used] and text.startswith(decoded, i):
                pieces.append((decoded, c, True))
                return i + len(decoded), c + used
        if src[c] == "<":   # markup the parser ignored, inside the node's text (a stray end tag)
            m = MARKUP.match(src, c)
            if m is not None and m.end() > c + 1:
                return (i, m.end()) if i > 0 else None
        if src[c] == text[i]:
            pieces.append((text[i], c, False))
            return i + 1, c + 1
        return None


def _common_prefix(src: str, c: int, text: str, i: int, run: int) -> int:
    """How many characters of ``src[c:c+run]`` and ``text[i:i+run]`` agree from the start."""
    lo, hi = 0, run
    while lo < hi:   # binary search on slices: C speed
        mid = (lo + hi + 1) // 2
        if src.startswith(text[i:i + mid], c):
            lo = mid
        else:
            hi = mid - 1
    return lo


def decode_reference(piece: str) -> tuple[str, int]:
    """(decoded text, source characters used) for a character reference such as ``&amp;``;
    names without their semicolon are read as browsers read them (``&copy 2024``, ``&notit;``)."""
    if piece.startswith("&#"):
        return html.unescape(piece), len(piece)
    value = html.entities.html5.get(piece[1:])
    if value:
        return value, len(piece)
    for k in range(min(len(piece), 7), 1, -1):
        value = html.entities.html5.get(piece[1:k])
        if value:
            return value, k
    return piece, len(piece)


def without_markup(src: str) -> str:
    """``src`` with every piece of markup, and the contents of scripts and styles, replaced by
    spaces (newlines kept): the same offsets, only the text left."""
    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    return MARKUP.sub(blank, _RAW_TEXT.sub(blank, src))
