"""HTML to plain text with a map back to the source, and the page's title and date.

Parsing is beautifulsoup4's, on the lxml parser. This module chooses the article body
(``<article>``, ``<main>``, ``[role=main]``, ``<body>``), leaves page chrome out (navigation,
sharing, ads, hidden elements and the like) and walks the text: one paragraph per block, ``<br>``
a line break, ``<pre>`` as written, ``verifier: ignore`` comments kept as markers. Each character
keeps its offset in the source: ``verifier.article.sourcemap`` finds the parser's text there. Also
the page's metadata: title (og:title, ``<title>``, the first ``<h1>``), published date (meta tags,
``<time datetime>`` in the article, JSON-LD), and ``page_facts`` (meta tags, JSON-LD) for the
statement pages that `archive fetch` reads.

Hostile pages: the size cap is the loader's. A page nested deeper than any page needs
(``MAX_DEPTH``) is read as its text alone, its markup blanked (libxml2's end-tag handling turns
quadratic on such a page; the parse stops as soon as the depth is passed); scripts and styles are
never text; nothing here recurses on the page's structure.
"""
from __future__ import annotations

import functools
import json
import re
import warnings

from verifier.article.plaintext import Extracted, TextBuilder, normalise_date
from verifier.article.sourcemap import SourceMap, without_markup
from verifier.errors import InputError

MAX_DEPTH = 200   # elements nested deeper than this: the page is read as text alone

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
_ROOTS = ("article", "main", "role=main", "body")   # the article body, in order of preference
_META_DATES = ("article:published_time", "date", "pubdate", "publishdate", "dc.date",
               "dc.date.issued", "dcterms.created", "og:published_time")
# words joined by single spaces (they map to the source as one run), or other blanks
_RUNS = re.compile(r"[^ \t\n\f\r]+(?: [^ \t\n\f\r]+)*|[ \t\n\f\r]+")


def html_to_text(src: str, path: str) -> Extracted:
    """The article text of HTML ``src`` (universal newlines) with the page's title and date;
    ``path`` names it in errors. Raises InputError."""
    try:
        page = _Page(src)
        out = page.extract(strict=True)
        if not out.length:  # the chrome filter ate everything: keep the labelled parts
            out = page.extract(strict=False)
        title, date = page.title(), page.date()
    except RecursionError:
        raise InputError(path, "could not parse HTML") from None
    return Extracted(out.text(), out.anchors, title, date, out.markers)


def page_facts(src: str) -> tuple[dict[str, str], list[str]]:
    """A page's ``<meta>`` tags (``_metas``) and the text of its JSON-LD blocks."""
    soup = _soup(src)[0]
    return _metas(soup.find_all("meta")), [_script_text(s) for s in soup.find_all("script") if _is_json_ld(s)]


def _metas(tags) -> dict[str, str]:
    """``<meta>`` tags by property, name or itemprop (lower-cased; the first of each): their
    content, blanks squeezed."""
    found: dict[str, str] = {}
    for meta in tags:
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key and meta.has_attr("content"):
            found.setdefault(key, " ".join(meta["content"].split()))
    return found


def _soup(src: str):
    """(the parsed page, the text it was parsed from: ``src``, or ``src`` with its markup blanked
    — the same offsets — when elements nest deeper than MAX_DEPTH)."""
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():   # e.g. "looks like a file name": an article is what it is
        warnings.simplefilter("ignore")
        try:
            return BeautifulSoup(src, builder=_builder()), src
        except _TooDeep:
            text = without_markup(src)
            return BeautifulSoup(text, builder=_builder()), text


class _TooDeep(Exception):
    """Elements nest deeper than MAX_DEPTH."""


def _builder():
    """beautifulsoup4's lxml tree builder, stopping the parse when elements nest deeper than
    MAX_DEPTH: libxml2's handling of end tags is quadratic in the depth (a page of 100,000 unclosed
    elements and as many stray end tags takes minutes), and no page needs that depth."""
    return _depth_limited()(multi_valued_attributes=None)


@functools.cache
def _depth_limited():
    from bs4.builder import LXMLTreeBuilder

    class DepthLimited(LXMLTreeBuilder):
        def start(self, name, attrs, nsmap={}):
            if len(self.soup.tagStack) > MAX_DEPTH:
                raise _TooDeep
            return super().start(name, attrs, nsmap)

    return DepthLimited


def _is_json_ld(tag) -> bool:
    return "ld+json" in (tag.get("type") or "").lower()


def _script_text(tag) -> str:
    return "".join(tag.strings)


def _is_chrome(tag) -> bool:
    """Hidden, or labelled (role, class, id) as navigation, sharing, ads and the like."""
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if str(attrs.get("role", "")).lower() in _CHROME_ROLES:
        return True
    label = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return bool(label.strip()) and _CHROME.search(label) is not None


class _Page:
    """A parsed page: where its text came from, its article body, its text and metadata."""

    def __init__(self, src: str) -> None:
        from bs4 import NavigableString, Script, Stylesheet, Tag
        from bs4.element import PreformattedString

        self.soup, src = _soup(src)
        self.pieces: dict[int, list] = {}   # id(text node) -> its (piece, offset, reference) pieces
        self.offset: dict[int, int] = {}    # id(comment or <br>) -> its offset in the source
        self.found: dict[str, list] = {name: [] for name in (*_ROOTS, "meta", "time", "title", "h1", "ld")}
        self._sizes: dict[int, int] = {}
        where = SourceMap(src)
        locate, pieces, note = where.locate, self.pieces, self._note
        for node in self.soup.descendants:   # in document order, as the source has them
            kind = type(node)
            if kind is NavigableString:
                pieces[id(node)] = locate(node)
            elif kind is Tag:
                note(node, where)
            elif kind is Script or kind is Stylesheet:
                locate(node, raw=True)
            elif isinstance(node, PreformattedString):   # a comment, doctype, declaration
                self.offset[id(node)] = where.skip_declaration()
        self.root = self._choose_root()

    def _note(self, tag, where: SourceMap) -> None:
        name = tag.name
        if name == "br":
            self.offset[id(tag)] = where.at
        elif name in self.found:
            self.found[name].append(tag)
        elif name == "script" and _is_json_ld(tag):
            self.found["ld"].append(tag)
        role = tag.attrs.get("role") if tag.attrs else None
        if role is not None and str(role).lower() == "main":
            self.found["role=main"].append(tag)

    def text_size(self, tag) -> int:
        size = self._sizes.get(id(tag))
        if size is None:
            size = self._sizes[id(tag)] = len(tag.get_text())
        return size

    def _choose_root(self):
        """The biggest <article>, else <main>, [role=main], <body>; None means the whole page."""
        for kind in _ROOTS:
            if self.found[kind]:
                return max(self.found[kind], key=self.text_size)
        return None

    def _chrome(self, tag) -> bool:
        """Labelled as page chrome, and not a wrapper holding most of the article (layout)."""
        return _is_chrome(tag) and self.text_size(tag) * 2 < self.text_size(self.root or self.soup)

    def extract(self, strict: bool) -> TextBuilder:
        """Walk the article body: dropped elements skipped, blocks become paragraphs."""
        from bs4 import Comment, NavigableString, Tag

        out = TextBuilder()
        frames = [(iter((self.root or self.soup).contents), False, False)]   # (children, block, pre)
        pre = 0
        while frames:
            node = next(frames[-1][0], None)
            kind = type(node)
            if node is None:
                _, block, is_pre = frames.pop()
                pre -= is_pre
                if block:
                    out.block()
            elif kind is NavigableString:
                self._emit(node, out, pre > 0)
            elif kind is Tag:
                if node.name in _DROPPED or strict and self._chrome(node):
                    continue
                if node.name == "br":
                    out.line_break(self.offset[id(node)])
                    continue
                block, is_pre = node.name in _BLOCKS, node.name == "pre"
                if block:
                    out.block()
                pre += is_pre
                frames.append((iter(node.contents), block, is_pre))
            elif kind is Comment and self.offset.get(id(node)) is not None:
                out.marker(str(node), self.offset[id(node)])
        return out

    def _emit(self, node, out: TextBuilder, preformatted: bool) -> None:
        for piece, at, reference in self.pieces[id(node)]:
            if reference or preformatted:   # a character reference, or text kept as it is
                out.word(piece, at)
                continue
            for m in _RUNS.finditer(piece):
                if m.group()[0] not in " \t\n\f\r":
                    out.word(m.group(), at + m.start())
                else:
                    out.space(at + m.start())

    # --- metadata

    @functools.cached_property
    def metas(self) -> dict[str, str]:
        """The page's ``<meta>`` tags (``_metas``), read once for its title and its date."""
        return _metas(self.found["meta"])

    def title(self) -> str | None:
        """og:title, else <title>, else the first <h1>."""
        return self.metas.get("og:title") or self._first_text("title") or self._first_text("h1") or None

    def _first_text(self, name: str) -> str | None:
        tags = self.found[name]
        return " ".join(tags[0].get_text().split()) if tags else None

    def date(self) -> str | None:
        """Published date from meta tags, a <time datetime> in the article, or JSON-LD."""
        for key in _META_DATES:
            date = normalise_date(self.metas.get(key))
            if date:
                return date
        for tag in self.found["time"]:
            date = normalise_date(tag.get("datetime"))
            if date and self._in_root(tag):
                return date
        return next(filter(None, (_json_ld_date(_script_text(t)) for t in self.found["ld"])), None)

    def _in_root(self, tag) -> bool:
        return self.root is None or any(parent is self.root for parent in tag.parents)


def _json_ld_date(text: str) -> str | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return _find_key(data, "datePublished")


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
