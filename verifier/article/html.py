"""HTML to plain text with a map back to the source, and the page's title and date.

Owns HTML conversion: a small linear-time tokenizer of our own (the standard library's
``html.parser``, which BeautifulSoup's ``html.parser`` builder uses, is quadratic on some hostile
inputs), an element tree built from its events with the usual implied end tags, the choice of
article body (``<article>``, ``<main>``, ``[role=main]``, ``<body>``), removal of page chrome
(navigation, sharing, ads, hidden elements and the like) and text extraction with one paragraph per
block and character references decoded, each character keeping its offset in the source. Also the
page metadata: title (og:title, ``<title>``, first ``<h1>``) and published date (meta tags,
``<time datetime>``, JSON-LD). Nothing here recurses on the input's structure.
"""
from __future__ import annotations

import html
import html.entities
import json
import re
from dataclasses import dataclass

from verifier.errors import InputError
from verifier.article.plaintext import Extracted, TextBuilder, normalise_date


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
# ("text", start, stop, None), ("raw", start, stop, name) for script/style/title contents and
# ("comment", start, stop, body) for comments that may be ``verifier: ignore`` markers.


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
        end = _comment_end(src, lt)
        body = src[lt + 4:end - 3] if src.startswith("-->", end - 3) and end - 3 >= lt + 4 else ""
        if "verifier" in body.lower():  # maybe a suppression marker: kept for the text walk
            events.append(("comment", lt, end, body))
        return end
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


def html_to_text(src: str, path: str) -> Extracted:
    """The article text of HTML ``src`` (universal newlines) with the page's title and date;
    ``path`` names it in errors. Raises InputError."""
    try:
        page = _HtmlPage(src)
        out = page.extract(strict=True)
        if not out.length:  # the chrome filter ate everything: keep the labelled parts
            out = page.extract(strict=False)
        title, date = page.title(), page.date()
    except RecursionError:
        raise InputError(path, "could not parse HTML") from None
    return Extracted(out.text(), out.anchors, title, date, out.markers)



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

    def extract(self, strict: bool) -> TextBuilder:
        """Walk the root's events: dropped elements skipped, blocks become paragraphs."""
        out = TextBuilder()
        open_blocks: list[tuple[int, bool]] = []  # (closing event index, is <pre>)
        pre = 0  # how many of the open blocks are <pre>
        i, stop = self.span[0] + (self.root is not None), self.span[1]
        while i < stop:
            while open_blocks and open_blocks[-1][0] <= i:
                pre -= open_blocks.pop()[1]
                out.block()
            kind, a, b, extra = self.events[i]
            if kind == "text":
                _emit_text(self.src, a, b, out, preformatted=pre > 0)
            elif kind == "comment":
                out.marker(extra, a)
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
            date = normalise_date(metas.get(key))
            if date:
                return date
        lo, hi = self.span
        for i, el in self.elements.items():
            date = normalise_date(el.attrs.get("datetime")) if el.name == "time" else None
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


def _emit_text(src: str, start: int, stop: int, out: TextBuilder, preformatted: bool) -> None:
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
            date = normalise_date(item.get(key))
            if date:
                return date
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None
