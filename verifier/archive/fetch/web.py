"""Originals from the web as Documents: statement pages and caption files fetched live, their
Wayback Machine snapshots, and broadcast captions from the Internet Archive's TV News Archive.

Fetching is verifier.archive.fetch.client's (the careful HTTP client); reading is verifier.archive.sources' (its HTML
reader, which goes through verifier.article.load, and its SRT, WebVTT, JSON and text readers); a
page's author and site name come from its meta tags and JSON-LD, read by verifier.article.html. This
module decides what to fetch — the live page, the snapshot closest to a date (CDX API, then the
raw ``id_`` capture), an item's caption file — which reader fits a response, and what a fetched
document records: its ``url``, and ``metadata`` such as ``retrieved``, ``final_url``,
``content_type``, ``author`` and, for snapshots and broadcasts, where and when they come from.

A document's ``source_path`` is its URL (the live URL, the snapshot's Wayback URL, the item's
details page), so fetching a changed live page again replaces the earlier live version, while
each snapshot is kept as its own document.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from verifier.errors import InputError
from verifier.archive.fetch.client import FetchError, Fetched, Fetcher, Gone, Guard, Refused, check_scheme
from verifier.archive.sources import FORMATS, Document, decode_text, parse_source

CDX_FIELDS = ("timestamp", "original", "statuscode", "mimetype")
SNAPSHOTS = 3                      # snapshots asked of the CDX API (the next is tried if one fails)
TYPE_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "md",
                "text/x-markdown": "md", "text/vtt": "vtt", "application/x-subrip": "srt",
                "text/srt": "srt", "application/srt": "srt", "text/x-srt": "srt",
                "application/json": "json", "text/json": "json"}
ARCHIVE_HOSTS = {"archive.org", "www.archive.org"}
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,99}")
_SRT_RE = re.compile(rb"\A\s*\d+\s*\r?\n\s*\d\d:\d\d:\d\d[,.]\d+\s*-->")


@dataclass
class Endpoints:
    """Where the Internet Archive's services are; ``from_env`` reads VERIFIER_WAYBACK_URL,
    VERIFIER_CDX_URL and VERIFIER_ARCHIVE_ORG_URL (for mirrors, and for tests)."""

    wayback: str = "https://web.archive.org/web"
    cdx: str = "https://web.archive.org/cdx/search/cdx"
    archive_org: str = "https://archive.org"

    @classmethod
    def from_env(cls) -> "Endpoints":
        default = cls()
        return cls(*(os.environ.get(f"VERIFIER_{name.upper()}_URL", "").strip().rstrip("/") or getattr(default, name)
                     for name in ("wayback", "cdx", "archive_org")))


@dataclass
class Snapshot:
    """One capture listed by the CDX API: a 14-digit ``timestamp`` and the ``original`` URL."""

    timestamp: str
    original: str
    mimetype: str = ""

    def raw_url(self, endpoints: Endpoints) -> str:
        """The capture as archived, without the Wayback Machine's banner (``id_``)."""
        return f"{endpoints.wayback}/{self.timestamp}id_/{self.original}"

    def view_url(self, endpoints: Endpoints) -> str:
        return f"{endpoints.wayback}/{self.timestamp}/{self.original}"

    @property
    def captured(self) -> str:
        """The capture time as ``YYYY-MM-DDTHH:MM:SSZ``."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


@dataclass
class Source:
    """A fetched original, ready to add: ``origin`` is ``live``, ``wayback`` or ``tv``."""

    target: str
    document: Document
    origin: str
    from_cache: bool = False
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A short note for output: where the document comes from."""
        meta = self.document.metadata
        where = {"live": "live page", "tv": f"TV News Archive {meta.get('caption_file', '')}".strip(),
                 "wayback": f"Wayback snapshot {meta.get('wayback_captured', '')}".strip()}[self.origin]
        return "; ".join([where, *self.notes, *(["from the cache"] if self.from_cache else [])])

    def to_json(self) -> dict:
        return {"target": self.target, "origin": self.origin, "from_cache": self.from_cache,
                "notes": self.notes, "url": self.document.url, "metadata": self.document.metadata}


# ----------------------------------------------------------------------------- the entry point

def fetch_source(fetcher: Fetcher, target: str, overrides: dict | None = None, *, wayback: bool = False,
                 auto_wayback: bool = True, fmt: str | None = None,
                 endpoints: Endpoints | None = None) -> Source:
    """Fetch ``target`` (a URL, a TV News Archive identifier or details URL) as a Document.

    ``overrides`` are the metadata flags (speaker, date, title, url, kind, outlet, language); they
    win over what the page says. ``wayback``: the snapshot closest to ``overrides["date"]`` (or the
    latest) instead of the live page. ``auto_wayback``: when a date is given, look for the
    snapshot of that date first, and when the live page is gone (404, 410) fall back to the
    closest snapshot — only for hosts that are public (an intranet URL is not sent to the
    Wayback Machine unless ``wayback``). ``fmt`` forces a reader (txt, md, html, srt, vtt, json).
    """
    endpoints = endpoints or Endpoints.from_env()
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    identifier = tv_identifier(target, endpoints)
    if identifier:
        return fetch_tv_item(fetcher, identifier, overrides, endpoints, target)
    check_scheme(target)
    date = overrides.get("date")
    if wayback:
        return fetch_snapshot(fetcher, target, date, overrides, fmt, endpoints)
    auto = auto_wayback and _may_ask_wayback(fetcher, target)
    if date and auto:
        source = _snapshot_or_none(fetcher, target, date, overrides, fmt, endpoints)
        if source:
            return source
    try:
        source = fetch_page(fetcher, target, overrides, fmt)
    except Gone as gone:
        if not auto:
            raise
        return _after_gone(fetcher, target, gone, date, overrides, fmt, endpoints, tried=bool(date))
    if date and auto:
        source.notes.append(f"no Wayback snapshot of {date} found")
    return source


def _may_ask_wayback(fetcher: Fetcher, url: str) -> bool:
    """Whether ``url`` may be sent to the Wayback Machine unasked: its host is public (or does
    not resolve any more, as deleted sites' hosts often do). Offline nothing is sent anywhere."""
    if fetcher.config.offline:
        return True
    try:
        Guard(resolver=fetcher.guard.resolver).check_url(url)
    except Refused:
        return False
    except FetchError:
        return True
    return True


def _snapshot_or_none(fetcher, target, date, overrides, fmt, endpoints) -> Source | None:
    """The snapshot of ``date``; None when there is none, or it cannot be had or read."""
    try:
        return fetch_snapshot(fetcher, target, date, overrides, fmt, endpoints)
    except (FetchError, InputError):
        return None


def _after_gone(fetcher, target, gone: Gone, date, overrides, fmt, endpoints, tried: bool) -> Source:
    if tried:
        raise FetchError(target, f"{gone.reason}, and the Wayback Machine has no snapshot of it"
                         + (f" near {date}" if date else ""), "check the address") from None
    try:
        source = fetch_snapshot(fetcher, target, date, overrides, fmt, endpoints)
    except _NoSnapshot:
        raise FetchError(target, f"{gone.reason}, and the Wayback Machine has no snapshot of it",
                         "check the address") from None
    source.notes.append(f"live page {gone.reason}")
    return source


# ----------------------------------------------------------------------------- live pages

def fetch_page(fetcher: Fetcher, url: str, overrides: dict | None = None, fmt: str | None = None) -> Source:
    """The live page (or caption or transcript file) at ``url`` as a Document."""
    fetched = fetcher.get(url)
    doc = fetched_document(fetched, url, fmt, {"url": url}, overrides or {})
    doc.metadata.update(origin="live")
    return Source(url, doc, "live", fetched.from_cache)


def fetched_document(fetched: Fetched, path: str, fmt: str | None, defaults: dict, overrides: dict,
                     source_path: str | None = None) -> Document:
    """Read a download with the reader its type calls for; ``defaults`` (from the page or the
    archive's metadata) give way to ``overrides``. Records url, retrieved, final_url, content_type."""
    fmt = fmt or source_format(fetched)
    page = page_meta(fetched.body, path) if fmt == "html" else {}
    meta_defaults = {**{k: v for k, v in page.items() if k in ("speaker", "outlet")}, **defaults}
    doc = parse_source(fetched.body, path, fmt, {**meta_defaults, **overrides})
    doc.source_path = source_path or path
    doc.metadata.update({k: v for k, v in page.items() if k == "author"})
    doc.metadata.update(retrieved=fetched.retrieved, final_url=fetched.final_url,
                        content_type=fetched.content_type or None)
    return doc


def source_format(fetched: Fetched) -> str:
    """The reader for a download: by content type, else by the URL's extension, else by a look
    at the content (WebVTT and SubRip captions are often served as text/plain), else text."""
    media = fetched.media_type
    fmt = TYPE_FORMATS.get(media) or ("json" if media.endswith("+json") else None)
    if fmt:
        return fmt
    suffix = os.path.splitext(urllib.parse.urlsplit(fetched.final_url).path)[1].lower()
    if FORMATS.get(suffix, "txt") != "txt":
        return FORMATS[suffix]
    head = fetched.body[:512].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"WEBVTT"):
        return "vtt"
    return "srt" if _SRT_RE.match(head) else "txt"


def page_meta(data: bytes, path: str) -> dict:
    """What a statement page says about itself beyond title and date: ``author`` (meta author,
    article:author, JSON-LD author; a list when several) as ``speaker``, and the site's name
    (og:site_name, JSON-LD publisher) as ``outlet``."""
    from verifier.article.html import page_facts   # the one HTML reader: beautifulsoup4 on lxml

    try:
        metas, blocks = page_facts(decode_text(data, path))
    except InputError:
        return {}
    ld = [_json(block) for block in blocks]
    authors = _meta_authors(metas) or _names(_find(ld, "author"))
    outlet = metas.get("og:site_name") or next(iter(_names(_find(ld, "publisher"))), None)
    found = {"speaker": authors[0] if len(authors) == 1 else authors or None, "outlet": outlet}
    if authors:
        found["author"] = ", ".join(authors)
    return {k: v for k, v in found.items() if v}


def _meta_authors(meta: dict) -> list[str]:
    value = meta.get("author") or meta.get("article:author") or meta.get("dc.creator") or ""
    return [] if not value or "://" in value else [value]


def _json(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _find(data, key: str):
    """The first value of ``key`` anywhere in parsed JSON (breadth first, iteratively)."""
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, dict):
            if item.get(key):
                return item[key]
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return None


def _names(value) -> list[str]:
    """Names from a JSON-LD value: "Name", {"name": ...}, or a list of those."""
    items = value if isinstance(value, list) else [value]
    names = [i.get("name") if isinstance(i, dict) else i for i in items]
    return [" ".join(n.split()) for n in names if isinstance(n, str) and n.strip() and "://" not in n]


# ----------------------------------------------------------------------------- Wayback Machine

class _NoSnapshot(FetchError):
    """The Wayback Machine has no (usable) snapshot of a URL."""


def closest_snapshots(fetcher: Fetcher, url: str, date: str | None, endpoints: Endpoints,
                      limit: int = SNAPSHOTS) -> list[Snapshot]:
    """The captures of ``url`` closest to ``date`` (YYYY-MM-DD; default today) with status 200,
    closest first, through the CDX API."""
    when = (date or dt.date.today().isoformat()).replace("-", "")
    query = urllib.parse.urlencode({"url": url, "output": "json", "fl": ",".join(CDX_FIELDS),
                                    "filter": "statuscode:200", "closest": when, "sort": "closest",
                                    "limit": limit})
    try:
        fetched = fetcher.get(f"{endpoints.cdx}?{query}")
    except FetchError as exc:
        raise FetchError(url, f"Wayback lookup failed ({exc.reason})", exc.hint or "try again later") from None
    return parse_cdx(fetched.body, url)


def parse_cdx(body: bytes, url: str) -> list[Snapshot]:
    """Snapshots from a CDX ``output=json`` answer: a header row, then one row per capture."""
    rows = _json(body.decode("utf-8", "replace"))
    if not isinstance(rows, list):
        raise FetchError(url, "Wayback lookup failed (the CDX answer is not JSON)", "try again later")
    rows = [r for r in rows if isinstance(r, list) and r]
    header = rows.pop(0) if rows and "timestamp" in rows[0] else list(CDX_FIELDS)
    found = []
    for row in rows:
        item = dict(zip(header, map(str, row)))
        if re.fullmatch(r"\d{4,14}", item.get("timestamp", "")) and item.get("original") and _text_like(item):
            found.append(Snapshot(item["timestamp"], item["original"], item.get("mimetype", "")))
    return found


def _text_like(item: dict) -> bool:
    mime = item.get("mimetype", "").lower()
    return not mime or mime == "warc/revisit" or mime in TYPE_FORMATS or mime.startswith("text/")


def fetch_snapshot(fetcher: Fetcher, url: str, date: str | None, overrides: dict, fmt: str | None,
                   endpoints: Endpoints) -> Source:
    """The Wayback Machine's capture of ``url`` closest to ``date``, as archived."""
    snapshots = closest_snapshots(fetcher, url, date, endpoints)
    error = None
    for snap in snapshots:
        try:
            return _snapshot_source(fetcher, url, snap, overrides, fmt, endpoints)
        except FetchError as exc:
            error = FetchError(url, f"Wayback snapshot {snap.timestamp}: {exc.reason}", exc.hint)
        except InputError as exc:
            error = exc
    if error is not None:
        raise error
    near = f" near {date}" if date else ""
    raise _NoSnapshot(url, f"the Wayback Machine has no snapshot of it{near}", "check the address")


def _snapshot_source(fetcher, url, snap: Snapshot, overrides, fmt, endpoints) -> Source:
    fetched = fetcher.get(snap.raw_url(endpoints), immutable=True)
    view = snap.view_url(endpoints)
    doc = fetched_document(fetched, url, fmt, {"url": view}, overrides, source_path=view)
    doc.metadata.update(origin="wayback", original_url=url, wayback_url=view,
                        wayback_timestamp=snap.timestamp, wayback_captured=snap.captured)
    return Source(url, doc, "wayback", fetched.from_cache)


# ----------------------------------------------------------------------------- TV News Archive

def tv_identifier(target: str, endpoints: Endpoints) -> str | None:
    """The Internet Archive item a target names: a bare identifier (letters, digits, ``_``, ``-``;
    no dots or slashes), or a ``…/details/IDENTIFIER`` URL on archive.org or the configured mirror."""
    if "://" not in target:
        return target if IDENTIFIER_RE.fullmatch(target) else None
    parts = urllib.parse.urlsplit(target)
    hosts = ARCHIVE_HOSTS | {urllib.parse.urlsplit(endpoints.archive_org).netloc.lower()}
    m = re.match(r"/details/([^/?#]+)", parts.path)
    return urllib.parse.unquote(m.group(1)) if m and parts.netloc.lower() in hosts else None


def fetch_tv_item(fetcher: Fetcher, identifier: str, overrides: dict, endpoints: Endpoints,
                  target: str | None = None) -> Source:
    """A TV News Archive broadcast: the item's metadata, then its caption file, read with
    timecodes (SubRip or WebVTT preferred over the plain ``.cc5.txt``)."""
    target = target or identifier
    item = _item_metadata(fetcher, identifier, endpoints, target)
    name = pick_caption(item.get("files") or [])
    if name is None:
        raise FetchError(target, f"item {identifier} has no caption file (.srt, .vtt or .cc5.txt)",
                         "check that it is a TV News Archive broadcast")
    base, item_id = endpoints.archive_org, urllib.parse.quote(identifier)
    caption_url = f"{base}/download/{item_id}/{urllib.parse.quote(name)}"
    details = f"{base}/details/{item_id}"
    fetched = fetcher.get(caption_url, immutable=True)
    fmt = {".srt": "srt", ".vtt": "vtt"}.get(os.path.splitext(name.lower())[1]) or source_format(fetched)
    doc = fetched_document(fetched, caption_url, fmt, tv_defaults(item, details), overrides, source_path=details)
    doc.metadata.update(origin="tv", identifier=identifier, caption_file=name, caption_url=caption_url,
                        **{k: v for k, v in _tv_extras(item).items() if v})
    return Source(target, doc, "tv", fetched.from_cache)


def _item_metadata(fetcher: Fetcher, identifier: str, endpoints: Endpoints, target: str) -> dict:
    url = f"{endpoints.archive_org}/metadata/{urllib.parse.quote(identifier)}"
    try:
        item = _json(decode_text(fetcher.get(url).body, url))
    except Gone:
        item = None
    except FetchError as exc:
        raise FetchError(target, f"Internet Archive metadata: {exc.reason}", exc.hint) from None
    if not isinstance(item, dict) or not isinstance(item.get("metadata"), dict):
        raise FetchError(target, f"no item {identifier} in the Internet Archive", "check the identifier")
    return item


def pick_caption(files: list) -> str | None:
    """The best caption file of an item's ``files``: ``.cc5.srt``, other SubRip, WebVTT, then
    closed-caption text."""
    ranked = []
    for f in files:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or str(f.get("private")) == "true":
            continue
        rank = _caption_rank(f["name"].lower(), str(f.get("format", "")).lower())
        if rank is not None:
            ranked.append((rank, f["name"]))
    return min(ranked)[1] if ranked else None


def _caption_rank(name: str, fmt: str) -> int | None:
    if name.endswith(".cc5.srt"):
        return 0
    if name.endswith(".srt") or fmt == "subrip":
        return 1
    if name.endswith(".vtt") or fmt in ("webvtt", "web video text tracks"):
        return 2
    if name.endswith(".cc5.txt") or fmt == "closed caption text":
        return 3
    return None


def tv_defaults(item: dict, details_url: str) -> dict:
    """Document fields from an item's metadata: title, channel (``creator``) as outlet, air date."""
    meta = item.get("metadata", {})
    aired = next((d for d in map(_first, (meta.get("start_localtime"), meta.get("date"), meta.get("start_time")))
                  if d and re.match(r"\d{4}-\d{2}-\d{2}(?:$|[T ])", d)), None)
    return {k: v for k, v in {"title": _first(meta.get("title")), "outlet": _first(meta.get("creator")),
                              "date": aired, "url": details_url, "kind": "broadcast"}.items() if v}


def _tv_extras(item: dict) -> dict:
    meta = item.get("metadata", {})
    return {"channel": _first(meta.get("creator")), "program": _first(meta.get("program")),
            "aired": _first(meta.get("start_time")) or _first(meta.get("date"))}


def _first(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return " ".join(str(value).split()) or None if value is not None else None
