"""Markdown to plain text with a map back to the source.

Owns Markdown conversion: YAML front matter (title and date, blanked out so line numbers hold),
parsing with markdown-it-py (CommonMark plus tables, nesting capped), and a walk over its inline
tokens that strips markup, separates blocks with a blank line and finds each piece of text in the
source, through escapes and entities, so every character of the result carries its original
offset. The title falls back to the first level-1 heading.
"""
from __future__ import annotations

import html
import re

from verifier.errors import InputError
from verifier.article.plaintext import Extracted, TextBuilder, normalise_date


_FRONT_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_MD_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKER_RUN = re.compile(r"[*_`~]+")
_SCAN_WINDOW = 4096  # how far to look for a character before giving up on exact mapping
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_META_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "date_published")


def markdown_to_text(src: str, path: str) -> Extracted:
    """The text of Markdown ``src`` (universal newlines) with its title and date; ``path`` names
    it in errors. Raises InputError."""
    meta, body = _front_matter(src)
    try:
        tokens = _markdown_tokens(body)
    except RecursionError:
        raise InputError(path, "could not parse Markdown") from None
    out = TextBuilder()
    heading = _MarkdownWalker(src, out).walk(tokens)
    title = _meta_text(meta, ("title", "headline")) or heading
    date = next(filter(None, (normalise_date(meta.get(k)) for k in _META_DATE_KEYS)), None)
    return Extracted(out.text(), out.anchors, title, date, out.markers)


def _markdown_tokens(body: str):
    from markdown_it import MarkdownIt

    # Deeper nesting than this (hostile input) is dropped by markdown-it, not recursed into.
    return MarkdownIt("commonmark", {"maxNesting": 64}).enable("table").parse(body)


def _front_matter(src: str) -> tuple[dict, str]:
    """(metadata, body) where body has the front matter blanked out, keeping line numbers."""
    opening = _FRONT_OPEN.match(src)
    closing = _FRONT_CLOSE.search(src, opening.end()) if opening else None
    if not closing:
        return {}, src
    import yaml

    try:
        meta = yaml.safe_load(src[opening.end():closing.start()])
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}, src
    if meta is not None and not isinstance(meta, dict):
        return {}, src
    end = closing.end() + 1 if src.startswith("\n", closing.end()) else closing.end()
    return {str(k).lower(): v for k, v in (meta or {}).items()}, "\n" * src.count("\n", 0, end) + src[end:]


def _meta_text(meta: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            return " ".join(str(value).split())
    return None


class _MarkdownWalker:
    """Emits the text of markdown-it tokens, finding each piece in the source lines of its block."""

    def __init__(self, src: str, out: TextBuilder) -> None:
        self.src, self.out = src, out
        self.starts = [0] + [m.end() for m in re.finditer("\n", src)]
        self.cursor = 0
        self.end = 0

    def walk(self, tokens) -> str | None:
        """Emit every inline block; returns the text of the first level-1 heading."""
        heading, in_h1 = None, False
        for tok in tokens:
            if tok.type == "heading_open":
                in_h1 = tok.tag == "h1"
            elif tok.type == "html_block" and tok.map and "<!--" in tok.content:
                self._comments(tok.content, self.starts[min(tok.map[0], len(self.starts) - 1)])
            elif tok.type == "inline" and tok.map:
                if in_h1 and heading is None:
                    heading = " ".join(_plain_inline(tok.children or []).split()) or None
                self._block(tok)
                in_h1 = False
        return heading

    def _block(self, tok) -> None:
        first, last = tok.map
        self.end = self.starts[last] if last < len(self.starts) else len(self.src)
        self.cursor = max(self.cursor, self.starts[min(first, len(self.starts) - 1)])
        self.out.block()
        autolink = False
        for child in tok.children or []:
            kind = child.type
            if kind == "text":
                self._text(child.content)
            elif kind == "code_inline":
                self._slow(child.content)
            elif kind in ("softbreak", "hardbreak"):
                self._line_break()
            elif kind == "link_open":
                autolink = child.markup == "autolink"
            elif kind == "link_close":
                self._after_link(autolink)
            elif kind == "image":
                self._skip_image()
            elif kind == "html_inline":
                if child.content.startswith("<!--"):
                    self._comments(child.content, self.cursor)
                self._skip_literal(child.content)

    def _comments(self, raw: str, origin: int) -> None:
        """Record the suppression markers among the HTML comments of ``raw`` (found near ``origin``)."""
        for m in _COMMENT.finditer(raw):
            found = self.src.find(m.group(), origin, origin + len(raw) + _SCAN_WINDOW)
            self.out.marker(m.group(1), found if found >= 0 else origin)

    def _window(self, extra: int = 0) -> int:
        """Searches stop here, so a piece that cannot be found costs a bounded amount."""
        return min(self.end, self.cursor + _SCAN_WINDOW + extra)

    def _text(self, content: str) -> None:
        if not content:
            return
        src, cursor = self.src, self.cursor
        markers = _MARKER_RUN.match(src, cursor, self.end)  # emphasis/code delimiters, however long
        if markers and src[cursor] != content[0]:
            cursor = self.cursor = markers.end()
        found = src.find(content, cursor, self._window(len(content)))
        if found >= 0 and not _has_escapes(src, cursor, found):
            self.out.word(content, found)
            self.cursor = found + len(content)
        else:
            self._slow(content)

    def _slow(self, content: str) -> None:
        """Map ``content`` character by character, through escapes, entities and line breaks."""
        i, p = 0, self.cursor
        while i < len(content):
            hit = _locate(content, i, self.src, p, min(self.end, p + _SCAN_WINDOW))
            if hit is None:  # give up on exactness: the rest runs on from here
                self.out.word(content[i:], p)
                break
            at, used, produced = hit
            self.out.word(content[i:i + produced], at)
            i, p = i + produced, at + used
        self.cursor = p

    def _line_break(self) -> None:
        newline = self.src.find("\n", self.cursor, self.end)
        if newline < 0:
            self.out.space(self.cursor)
            return
        self.out.line_break(newline)
        self.cursor = newline + 1

    def _after_link(self, autolink: bool) -> None:
        src, end = self.src, self.end
        if autolink:
            close = src.find(">", self.cursor, end)
            self.cursor = close + 1 if close >= 0 else self.cursor
            return
        close = _find_unescaped(src, "]", self.cursor, end)
        if close >= 0:
            self.cursor = _skip_destination(src, close + 1, end)

    def _skip_image(self) -> None:
        start = self.src.find("![", self.cursor, self._window())
        if start < 0:
            return
        close = _matching_bracket(self.src, start + 1, self.end)
        if close >= 0:
            self.cursor = _skip_destination(self.src, close + 1, self.end)

    def _skip_literal(self, raw: str) -> None:
        found = self.src.find(raw, self.cursor, self._window(len(raw))) if raw else -1
        if found >= 0:
            self.cursor = found + len(raw)


def _plain_inline(children) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline"))


def _has_escapes(src: str, start: int, stop: int) -> bool:
    return src.find("\\", start, stop) >= 0 or src.find("&", start, stop) >= 0


def _locate(content: str, i: int, src: str, p: int, limit: int) -> tuple[int, int, int] | None:
    """Where ``content[i:]`` starts at or after ``p``: (offset, source chars used, chars produced)."""
    ch = content[i]
    for q in range(p, limit):
        c = src[q]
        if c == ch:
            run = 1
            while i + run < len(content) and q + run < limit and src[q + run] == content[i + run]:
                run += 1
            return q, run, run
        if c == "\\" and ch in _ASCII_PUNCT and q + 1 < limit and src[q + 1] == ch:
            return q, 2, 1
        if c == "&":
            m = _MD_ENTITY.match(src, q, limit)
            decoded = html.unescape(m.group()) if m else ""
            if decoded and content.startswith(decoded, i):
                return q, m.end() - q, len(decoded)
        if ch == " " and c in "\n\t":  # line breaks inside code spans become spaces
            return q, 1, 1
    return None


def _find_unescaped(src: str, ch: str, start: int, end: int) -> int:
    pos = src.find(ch, start, end)
    while pos > 0 and src[pos - 1] == "\\":
        pos = src.find(ch, pos + 1, end)
    return pos


def _matching_bracket(src: str, open_pos: int, end: int) -> int:
    """The ``]`` that closes the ``[`` at ``open_pos`` (nesting and escapes honoured), or -1."""
    depth, q = 0, open_pos
    while q < end:
        c = src[q]
        if c == "\\":
            q += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return q
        q += 1
    return -1


def _skip_destination(src: str, p: int, end: int) -> int:
    """Past a link's ``(url "title")`` or ``[label]`` starting at ``p``; ``p`` if neither."""
    if src.startswith("[", p):
        close = src.find("]", p, end)
        return close + 1 if close >= 0 else p
    if not src.startswith("(", p):
        return p
    depth, quote, q = 0, None, p
    while q < end:
        c = src[q]
        if c == "\\":
            q += 2
            continue
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return q + 1
        q += 1
    return p

