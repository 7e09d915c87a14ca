"""Articles: read a file (text, Markdown, HTML) into plain text with a map back to the original.

Owns reading (size cap, standard input), decoding (BOMs, UTF-16 without a BOM, strict UTF-8,
legacy single-byte encodings through charset-normalizer with cp1252 preferred for Western text),
format detection, and text extraction:

* plain text is the decoded file with universal newlines, exactly as ``Path.read_text`` gives it;
* Markdown is parsed with markdown-it-py (CommonMark plus tables); YAML front matter gives the
  title and date, markup is stripped and blocks are separated by a blank line;
* HTML goes through a small linear-time tokenizer of our own (the standard library's
  ``html.parser``, which BeautifulSoup's ``html.parser`` builder uses, is quadratic on some hostile
  inputs); the article body is chosen (``<article>``, ``<main>``, ``[role=main]``, ``<body>``),
  page chrome is dropped and each block becomes one paragraph.

For Markdown and HTML every character of ``Article.text`` carries the offset it came from in the
decoded original, so ``Article.position`` points into the file the user gave. Every failure is an
``InputError`` with a short reason; nothing here recurses on the input's structure.
"""
from __future__ import annotations

import bisect
import codecs
import datetime as dt
import email.utils
import html
import html.entities
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError

FORMATS = ("txt", "md", "html")
MAX_ARTICLE_BYTES = 10_000_000
MAX_BYTES_ENV = "VERIFIER_MAX_ARTICLE_BYTES"

_FORMAT_ALIASES = {"text": "txt", "markdown": "md", "htm": "html"}
_EXTENSIONS = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md", ".mdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}


@dataclass
class Article:
    """An article as plain text.

    ``text`` is what quote offsets index into. For plain text it is the file's text as Python reads
    it in text mode (universal newlines) and ``original`` is None. For Markdown and HTML it is the
    extracted text, ``original`` is the decoded file (universal newlines) and ``position`` maps an
    offset back into it.
    """

    path: str
    text: str
    format: str = "txt"
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    # For each offset into ``text``, where it came from in the original, as sorted anchors:
    # (text_offset, original_offset); between anchors offsets advance together.
    anchors: list[tuple[int, int]] = field(default_factory=list)
    original: str | None = None  # the decoded original file, when it differs from ``text``

    def original_offset(self, offset: int) -> int:
        """The offset in the original file of the character at ``offset`` in ``text``."""
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
        pos = max(0, min(self.original_offset(offset), len(source)))
        starts = self._line_starts(source)
        line = bisect.bisect_right(starts, pos)
        return line, pos - starts[line - 1] + 1

    def _line_starts(self, source: str) -> list[int]:
        cached = getattr(self, "_starts", None)
        if cached is None:
            cached = [0] + [m.end() for m in re.finditer("\n", source)]
            self._starts = cached
        return cached


# --------------------------------------------------------------------------- entry points


def load_article(path: str, fmt: str | None = None) -> Article:
    """Read ``path`` (or standard input for ``-``) into an Article; raises InputError."""
    limit = max_article_bytes()
    data = _read_stdin(limit) if path == "-" else _read_file(path, limit)
    return parse_article(data, path, fmt)


def parse_article(data: bytes, path: str, fmt: str | None = None) -> Article:
    """Turn the bytes of an article into an Article; ``path`` names it in errors and picks the
    format when ``fmt`` is None. Raises InputError."""
    fmt = _format_from_name(fmt, path)
    limit = max_article_bytes()
    if len(data) > limit:
        raise InputError(path, _too_large(len(data), limit))
    if not data:
        raise InputError(path, "empty file")
    text = _decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "empty file")
    fmt = fmt or _sniff(text)
    if fmt == "md":
        return _parse_markdown(text, path)
    if fmt == "html":
        return _parse_html(text, path)
    return Article(path=path, text=text, format="txt")


def max_article_bytes() -> int:
    """The size cap: ``VERIFIER_MAX_ARTICLE_BYTES`` if set to a positive integer, else 10 MB."""
    try:
        value = int(os.environ.get(MAX_BYTES_ENV, ""))
    except ValueError:
        return MAX_ARTICLE_BYTES
    return value if value > 0 else MAX_ARTICLE_BYTES


# --------------------------------------------------------------------------- reading


def _read_file(path: str, limit: int) -> bytes:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise InputError(path, _too_large(info.st_size, limit))
        with open(path, "rb") as fh:
            return _read_bounded(fh, path, limit)
    except OSError as exc:
        raise InputError(path, _os_reason(exc)) from None
    except ValueError:  # e.g. an embedded NUL in the path
        raise InputError(path, "invalid path") from None


def _read_stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("-", "standard input is not available")
    try:
        return _read_bounded(stream, "-", limit)
    except OSError as exc:
        raise InputError("-", _os_reason(exc)) from None


def _read_bounded(fh, path: str, limit: int) -> bytes:
    """Read at most ``limit`` bytes; one more means the input is too large."""
    chunks, size = [], 0
    while size <= limit:
        chunk = fh.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise InputError(path, f"too large (over the {_human_size(limit)} limit)")
    return b"".join(chunks)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc) or "cannot read").lower()


def _too_large(size: int, limit: int) -> str:
    return f"too large ({_human_size(size)}; the limit is {_human_size(limit)})"


def _human_size(n: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


# --------------------------------------------------------------------------- format


def _format_from_name(fmt: str | None, path: str) -> str | None:
    """The format asked for, else the one the extension implies; None means sniff the text."""
    if fmt:
        fmt = _FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if fmt not in FORMATS:
            raise InputError(path, f"unknown format {fmt!r} (use txt, md or html)")
        return fmt
    return None if path == "-" else _EXTENSIONS.get(Path(path).suffix.lower())


_HTML_SIGNS = re.compile(r"<!doctype\s+html|<(?:html|head|body|article|p)[\s>]")


def _sniff(text: str) -> str:
    """HTML if an HTML doctype or an html/head/body/article/p tag shows early on, else text."""
    return "html" if _HTML_SIGNS.search(text[:2048].lower()) else "txt"


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_WIDE_CODECS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_7"]
# Among equally plausible legacy encodings, the common Windows code pages win.
_PREFERRED = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "iso8859_15", "latin_1"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY = "binary file, not text"


def _decode(data: bytes, path: str) -> str:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec, label, path)
            break
    else:
        codec = _utf16_without_bom(data)
        if codec:
            text = _strict(data, codec, "UTF-16", path)
        elif b"\x00" in data:
            raise InputError(path, _BINARY)
        else:
            text = _decode_unmarked(data, path)
    if _looks_binary(text):
        raise InputError(path, _BINARY)
    return text


def _strict(data: bytes, codec: str, label: str, path: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"invalid {label} text at byte {exc.start}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 shows as NULs in every other byte (for mostly-Latin text)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_unmarked(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data, path)


def _decode_legacy(data: bytes, path: str) -> str:
    """A single-byte encoding chosen by charset-normalizer, cp1252 when it is as plausible."""
    from charset_normalizer import from_bytes

    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    matches = list(from_bytes(data, cp_exclusion=_WIDE_CODECS))
    if western is not None and all(western.chaos <= m.chaos for m in matches):
        return str(western)
    if not matches:
        raise InputError(path, _BINARY)
    rank = {name: i for i, name in enumerate(_PREFERRED)}
    best = min(matches, key=lambda m: (round(m.chaos, 6), rank.get(m.encoding, len(rank))))
    return str(best)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > 0.05 * max(len(sample), 1)


# --------------------------------------------------------------------------- text + map


class _TextBuilder:
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


# --------------------------------------------------------------------------- Markdown

_FRONT_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_MD_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKER_RUN = re.compile(r"[*_`~]+")
_SCAN_WINDOW = 4096  # how far to look for a character before giving up on exact mapping
_META_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "date_published")


def _parse_markdown(src: str, path: str) -> Article:
    meta, body = _front_matter(src)
    try:
        tokens = _markdown_tokens(body)
    except RecursionError:
        raise InputError(path, "could not parse Markdown") from None
    out = _TextBuilder()
    heading = _MarkdownWalker(src, out).walk(tokens)
    title = _meta_text(meta, ("title", "headline")) or heading
    date = next(filter(None, (_normalise_date(meta.get(k)) for k in _META_DATE_KEYS)), None)
    return Article(path=path, text=out.text(), format="md", title=title, date=date,
                   anchors=out.anchors, original=src)


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

    def __init__(self, src: str, out: _TextBuilder) -> None:
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
                self._skip_literal(child.content)

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


# --------------------------------------------------------------------------- HTML: tokenizer

_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_RAW_TEXT = frozenset("script style xmp iframe noembed noframes noscript textarea title".split())
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
_ATTR = re.compile(
    r"[\t\n\f\r /]*([^\t\n\f\r />][^\t\n\f\r /=>]*)"
    r"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(\"[^\"]*\"?|'[^']*'?|[^\t\n\f\r >]*))?"
)
_TAG_TAIL = re.compile(r"[\t\n\f\r /]*")
_RAW_END: dict[str, re.Pattern] = {}

# Events: ("start", name, attrs, offset), ("end", name, None, offset),
# ("text", start, stop, None) and ("raw", start, stop, name) for script/style/title contents.


def _tokenize(src: str) -> list[tuple]:
    """HTML tokens in one forward pass; unterminated constructs run to the end, as in browsers."""
    events: list[tuple] = []
    i, n = 0, len(src)
    while i < n:
        lt = src.find("<", i)
        if lt < 0:
            lt = n
        if lt > i:
            events.append(("text", i, lt, None))
        i = _markup(src, lt, events) if lt < n else n
    return events


def _markup(src: str, lt: int, events: list[tuple]) -> int:
    """Consume the markup starting with ``<`` at ``lt``; returns where text resumes."""
    nxt = src[lt + 1:lt + 2]
    if src.startswith("<!--", lt):
        return _comment_end(src, lt)
    if nxt in ("!", "?"):
        return _past(src, ">", lt + 2)
    if nxt == "/":
        return _end_tag(src, lt, events)
    name = _TAG_NAME.match(src, lt + 1)
    if not name:
        events.append(("text", lt, lt + 1, None))
        return lt + 1
    end, attrs = _attributes(src, name.end())
    if end < 0:
        return len(src)
    tag = name.group().lower()
    events.append(("start", tag, attrs, lt))
    return _raw_text(src, end, tag, events) if tag in _RAW_TEXT else end


def _end_tag(src: str, lt: int, events: list[tuple]) -> int:
    name = _TAG_NAME.match(src, lt + 2)
    if not name:
        return lt + 3 if src.startswith(">", lt + 2) else _past(src, ">", lt + 2)
    end, _ = _attributes(src, name.end())
    if end < 0:
        return len(src)
    events.append(("end", name.group().lower(), None, lt))
    return end


def _comment_end(src: str, lt: int) -> int:
    for short in ("<!-->", "<!--->"):
        if src.startswith(short, lt):
            return lt + len(short)
    return _past(src, "-->", lt + 4)


def _past(src: str, marker: str, start: int) -> int:
    found = src.find(marker, start)
    return len(src) if found < 0 else found + len(marker)


def _attributes(src: str, p: int) -> tuple[int, dict[str, str]]:
    """Parse attributes from ``p`` to the tag's ``>``: (offset after it or -1, attributes)."""
    attrs: dict[str, str] = {}
    while (m := _ATTR.match(src, p)) is not None:
        value = m.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
        attrs.setdefault(m.group(1).lower(), html.unescape(value))
        p = m.end()
    p = _TAG_TAIL.match(src, p).end()
    return (p + 1 if p < len(src) else -1), attrs


def _raw_text(src: str, start: int, tag: str, events: list[tuple]) -> int:
    pattern = _RAW_END.get(tag)
    if pattern is None:
        pattern = _RAW_END[tag] = re.compile(rf"</{tag}(?=[\t\n\f\r />]|\Z)", re.I)
    m = pattern.search(src, start)
    stop = m.start() if m else len(src)
    if stop > start:
        events.append(("raw", start, stop, tag))
    return stop


# --------------------------------------------------------------------------- HTML: structure

_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split()
)
_DROPPED = frozenset(
    "script style noscript template iframe svg math form button nav header footer aside head title "
    "select textarea object embed canvas video audio dialog".split()
)
_CHROME = re.compile(
    r"share|sharing|social|related|newsletter|comment(?!ary)|advert|(?:^|[\s_-])ads?(?:$|[\s_-])"
    r"|promo|cookie|breadcrumb|menu|subscribe",
    re.I,
)
_CHROME_ROLES = frozenset("navigation banner contentinfo complementary search menu menubar".split())
_P_CLOSERS = _BLOCKS - {"body", "html", "td", "th", "tr", "tbody", "thead", "tfoot", "caption"}
# Which open element a new start tag implicitly closes (checked against the top of the stack).
_CLOSED_BY = {
    "p": _P_CLOSERS, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
    "td": {"td", "th", "tr"}, "th": {"td", "th", "tr"}, "tr": {"tr"}, "option": {"option"},
    **{f"h{k}": {f"h{j}" for j in range(1, 7)} for k in range(1, 7)},
    "head": _BLOCKS | {"a", "b", "em", "i", "img", "span", "strong"},  # a page without <body>
}


@dataclass(slots=True)
class _Element:
    name: str
    attrs: dict
    start: int  # index of its start event
    end: int  # index of the event that closed it (exclusive)
    pos: int  # offset of its ``<`` in the source


def _elements(events: list[tuple]) -> dict[int, _Element]:
    """Every element by the index of its start event, with the index where it closes."""
    found: dict[int, _Element] = {}
    stack: list[_Element] = []
    open_count: dict[str, int] = {}
    for i, (kind, name, attrs, pos) in enumerate(events):
        if kind == "start":
            while stack and name in _CLOSED_BY.get(stack[-1].name, ()):
                _pop(stack, open_count).end = i
            el = found[i] = _Element(name, attrs, i, i + 1, pos)
            if name not in _VOID:
                stack.append(el)
                open_count[name] = open_count.get(name, 0) + 1
        elif kind == "end" and open_count.get(name):
            while (el := _pop(stack, open_count)).name != name:
                el.end = i
            el.end = i
    for el in stack:
        el.end = len(events)
    return found


def _pop(stack: list[_Element], open_count: dict[str, int]) -> _Element:
    el = stack.pop()
    open_count[el.name] -= 1
    return el


def _is_chrome(el: _Element) -> bool:
    """Hidden, or labelled (role, class, id) as navigation, sharing, ads and the like."""
    attrs = el.attrs
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return True
    if attrs.get("role", "").lower() in _CHROME_ROLES:
        return True
    label = f"{attrs.get('class', '')} {attrs.get('id', '')}"
    return bool(label.strip()) and _CHROME.search(label) is not None


# --------------------------------------------------------------------------- HTML: text

_HTML_PIECE = re.compile(
    r"[ \t\n\f\r]+|&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)|[^ \t\n\f\r&]+|&"
)
_ROOT_TESTS = (
    lambda e: e.name == "article",
    lambda e: e.name == "main",
    lambda e: e.attrs.get("role", "").lower() == "main",
    lambda e: e.name == "body",
)
_META_DATES = ("article:published_time", "date", "pubdate", "publishdate", "dc.date",
               "dc.date.issued", "dcterms.created", "og:published_time")


def _parse_html(src: str, path: str) -> Article:
    try:
        page = _HtmlPage(src)
        out = page.extract(strict=True)
        if not out.length:  # the chrome filter ate everything: keep the labelled parts
            out = page.extract(strict=False)
        title, date = page.title(), page.date()
    except RecursionError:
        raise InputError(path, "could not parse HTML") from None
    return Article(path=path, text=out.text(), format="html", title=title, date=date,
                   anchors=out.anchors, original=src)


class _HtmlPage:
    """A tokenized page: its events, its elements, the article root, its text and metadata."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.events = _tokenize(src)
        self.elements = _elements(self.events)
        self.sizes = [0]  # characters of text before each event
        for kind, a, b, _ in self.events:
            self.sizes.append(self.sizes[-1] + (b - a if kind == "text" else 0))
        self.root = self._choose_root()
        lo, hi = (self.root.start, self.root.end) if self.root else (0, len(self.events))
        self.span = (lo, hi)

    def text_size(self, el: _Element) -> int:
        return self.sizes[el.end] - self.sizes[el.start]

    def _choose_root(self) -> _Element | None:
        """The biggest <article>, else <main>, [role=main], <body>; None means the whole page."""
        for test in _ROOT_TESTS:
            candidates = [e for e in self.elements.values() if test(e)]
            if candidates:
                return max(candidates, key=self.text_size)
        return None

    def _dropped(self, el: _Element, strict: bool) -> bool:
        if el.name in _DROPPED:
            return True
        # A labelled wrapper holding most of the article is layout, not chrome.
        root_size = self.text_size(self.root) if self.root else self.sizes[-1]
        return strict and _is_chrome(el) and self.text_size(el) * 2 < root_size

    def extract(self, strict: bool) -> _TextBuilder:
        """Walk the root's events: dropped elements skipped, blocks become paragraphs."""
        out = _TextBuilder()
        open_blocks: list[tuple[int, bool]] = []  # (closing event index, is <pre>)
        pre = 0  # how many of the open blocks are <pre>
        i, stop = self.span[0] + (self.root is not None), self.span[1]
        while i < stop:
            while open_blocks and open_blocks[-1][0] <= i:
                pre -= open_blocks.pop()[1]
                out.block()
            kind, a, b, _ = self.events[i]
            if kind == "text":
                _emit_text(self.src, a, b, out, preformatted=pre > 0)
            elif kind == "start":
                el = self.elements[i]
                if self._dropped(el, strict):
                    i = max(el.end, i + 1)
                    continue
                if el.name == "br":
                    out.line_break(el.pos)
                elif el.name in _BLOCKS:
                    out.block()
                    if el.end > i + 1:
                        open_blocks.append((el.end, el.name == "pre"))
                        pre += el.name == "pre"
            i += 1
        return out

    def element_text(self, el: _Element) -> str:
        parts = []
        for kind, a, b, tag in self.events[el.start + 1:el.end]:
            if kind == "text" or (kind == "raw" and tag == "title"):
                parts.append(self.src[a:b])
        return " ".join(html.unescape("".join(parts)).split())

    def first_text(self, name: str) -> str | None:
        el = next((e for e in self.elements.values() if e.name == name), None)
        return self.element_text(el) if el else None

    def metas(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for el in self.elements.values():
            if el.name == "meta" and "content" in el.attrs:
                attrs = el.attrs
                key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
                found.setdefault(key.lower(), attrs["content"])
        return found

    def title(self) -> str | None:
        """og:title, else <title>, else the first <h1>."""
        og = self.metas().get("og:title", "")
        return " ".join(og.split()) or self.first_text("title") or self.first_text("h1") or None

    def date(self) -> str | None:
        """Published date from meta tags, a <time datetime> in the article, or JSON-LD."""
        metas = self.metas()
        for key in _META_DATES:
            date = _normalise_date(metas.get(key))
            if date:
                return date
        lo, hi = self.span
        for i, el in self.elements.items():
            date = _normalise_date(el.attrs.get("datetime")) if el.name == "time" else None
            if date and lo <= i < hi:
                return date
        return next(filter(None, map(self._json_ld_date, self.elements.values())), None)

    def _json_ld_date(self, el: _Element) -> str | None:
        if el.name != "script" or "ld+json" not in el.attrs.get("type", "").lower():
            return None
        raw = self.events[el.start + 1] if el.start + 1 < len(self.events) else None
        if not raw or raw[0] != "raw":
            return None
        try:
            data = json.loads(self.src[raw[1]:raw[2]])
        except (ValueError, RecursionError):
            return None
        return _find_key(data, "datePublished")


def _emit_text(src: str, start: int, stop: int, out: _TextBuilder, preformatted: bool) -> None:
    for m in _HTML_PIECE.finditer(src, start, stop):
        piece, pos = m.group(), m.start()
        if piece[0] in " \t\n\f\r":
            if preformatted:
                out.word(piece, pos)
            else:
                out.space(pos)
        elif piece[0] == "&":
            decoded, used = _decode_reference(piece)
            out.word(decoded, pos)
            out.word(piece[used:], pos + used)
        else:
            out.word(piece, pos)


def _decode_reference(piece: str) -> tuple[str, int]:
    """(decoded text, source characters used) for a character reference such as ``&amp;``."""
    if piece.startswith("&#"):
        return html.unescape(piece), len(piece)
    value = html.entities.html5.get(piece[1:])
    if value:
        return value, len(piece)
    for k in range(min(len(piece), 7), 1, -1):  # legacy names without ';': "&copy 2024", "&notit;"
        value = html.entities.html5.get(piece[1:k])
        if value:
            return value, k
    return piece, len(piece)


def _find_key(data, key: str) -> str | None:
    """The first normalisable value of ``key`` anywhere in parsed JSON (iteratively)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            date = _normalise_date(item.get(key))
            if date:
                return date
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![0-9])")
_COMPACT_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?:$|[T\s])")
_WRITTEN_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")


def _normalise_date(value) -> str | None:
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
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
