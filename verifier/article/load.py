"""Articles: read a file (text, Markdown, HTML) into plain text with a map back to the original.

Owns the ``Article`` model and everything before conversion: reading (regular files only, size
cap, standard input), decoding (BOMs, UTF-16 without a BOM, UTF-8, UTF-8 with a few bad bytes
replaced and a warning (``verifier.decoding``), else legacy single-byte encodings through
charset-normalizer with cp1252 preferred for Western text) and format detection (``--format``,
the file extension, else sniffing for HTML). Plain text is the decoded file with universal
newlines, exactly as ``Path.read_text`` gives it; Markdown goes to ``verifier.article.markdown`` and
HTML to ``verifier.article.html``, which return the extracted text with anchors into the decoded
original (built with ``verifier.article.plaintext.TextBuilder``), so ``Article.position`` points into the
file the user gave. Every failure is an ``InputError`` with a short reason.
"""
from __future__ import annotations

import bisect
import codecs
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier.decoding import lenient_utf8
from verifier.errors import InputError
from verifier.inputs import date_in_name, open_regular
from verifier.article.html import html_to_text
from verifier.article.markdown import markdown_to_text
from verifier.article.plaintext import Extracted, Marker, parse_marker

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
    markers: list[Marker] = field(default_factory=list)  # ``verifier: ignore`` suppression markers

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


def publication_date(article: Article, given: str | None = None) -> str | None:
    """The article's date: its own (front matter, page metadata), else ``given`` (``--date``), else
    a YYYY-MM-DD in its file name, as blog engines name posts (``inputs.date_in_name``)."""
    return article.date or given or date_in_name(article.path)


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
        return _converted(markdown_to_text(text, path), path, "md", text)
    if fmt == "html":
        return _converted(html_to_text(text, path), path, "html", text)
    return Article(path=path, text=text, format="txt", markers=_text_markers(text))


def _converted(extracted: Extracted, path: str, fmt: str, original: str) -> Article:
    for marker in extracted.markers:
        marker.line = original.count("\n", 0, marker.origin) + 1
    return Article(path=path, text=extracted.text, format=fmt, title=extracted.title,
                   date=extracted.date, anchors=extracted.anchors, original=original,
                   markers=extracted.markers)


# A line of its own: [verifier: ignore ...] or <!-- verifier: ignore ... -->
_TEXT_MARKER = re.compile(r"^[ \t]*(?:\[([^\[\]\n]*)\]|<!--((?:(?!-->)[^\n])*)-->)[ \t]*$", re.M)


def _text_markers(text: str) -> list[Marker]:
    """The suppression markers of a plain-text article; each applies from the end of its line."""
    if "verifier" not in text.lower():
        return []
    out = []
    for m in _TEXT_MARKER.finditer(text):
        found = parse_marker(m.group(1) if m.group(1) is not None else m.group(2))
        if found:
            out.append(Marker(found[0], m.end(), found[1], m.start(), text.count("\n", 0, m.start()) + 1))
    return out


def max_article_bytes() -> int:
    """The size cap: ``VERIFIER_MAX_ARTICLE_BYTES`` if set to a positive integer, else 10 MB."""
    try:
        value = int(os.environ.get(MAX_BYTES_ENV, ""))
    except ValueError:
        return MAX_ARTICLE_BYTES
    return value if value > 0 else MAX_ARTICLE_BYTES


# --------------------------------------------------------------------------- reading


def _read_file(path: str, limit: int) -> bytes:
    """A regular file's bytes (a FIFO, device or socket is refused at once, never read)."""
    try:
        fh, size = open_regular(path)
        with fh:
            if size > limit:
                raise InputError(path, _too_large(size, limit))
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
    """UTF-8; UTF-8 with a few bad bytes replaced (and a warning); else a legacy encoding."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = lenient_utf8(data, path)
        return text if text is not None else _decode_legacy(data, path)


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
