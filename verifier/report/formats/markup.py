"""Building HTML safely, for the HTML report and the desk: every element is made by ``el``, which
escapes every text child and every attribute value; only ``Safe`` strings (made by ``el`` or
``esc``) pass through unescaped. A URL becomes a link only when it is http(s) (``safe_url``); a
timecode links into the recording when its URL can seek (``timecode_href``).
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from verifier.archive.retrieval import timecode as hms

# recordings a browser opens at a time given as a media fragment (#t=SECONDS)
MEDIA_EXTENSIONS = frozenset(".mp3 .mp4 .m4a .m4v .aac .oga .ogg .ogv .opus .wav .flac .webm .mov .m3u8".split())
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"})


class Safe(str):
    """HTML that is already escaped (made by ``esc`` or ``el``)."""


def esc(text) -> Safe:
    """``text`` as HTML text or attribute value; ``Safe`` HTML is left as it is."""
    return text if isinstance(text, Safe) else Safe(html.escape(str(text), quote=True))


def join(parts) -> Safe:
    """``parts`` (text, ``Safe`` HTML, None to skip, nested lists) as one piece of HTML."""
    return Safe("".join(join(p) if isinstance(p, (list, tuple)) else esc(p) for p in parts if p is not None))


def el(name: str, *children, **attrs) -> Safe:
    """An element: text children and attribute values escaped; ``class_`` for ``class``;
    an attribute that is None or False is left out, True gives a bare attribute."""
    return Safe(f"<{name}{_attrs(attrs)}>{join(children)}</{name}>")


def void(name: str, /, **attrs) -> Safe:
    """A void element (input, br): attribute values escaped as ``el`` does, no closing tag."""
    return Safe(f"<{name}{_attrs(attrs)}>")


def _attrs(attrs: dict) -> str:
    """Attributes but those that are None or False."""
    return "".join(attr(k, v) for k, v in attrs.items() if v is not None and v is not False)


def attr(key: str, value) -> str:
    key = key.rstrip("_").replace("_", "-")
    return f" {key}" if value is True else f' {key}="{esc(value)}"'


def safe_url(url) -> str | None:
    """``url`` if it may be a link: http(s) with a host, no spaces or control characters."""
    if not isinstance(url, str) or re.search(r"[\x00-\x20\x7f]", url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link_or_text(url) -> Safe:
    href = safe_url(url)
    if href is None:
        return el("span", url, class_="url")
    return el("a", url, href=href, rel="noopener noreferrer", class_="url")


def timecode_href(url, seconds: float | None) -> str | None:
    """A link to ``seconds`` into the recording at ``url``: a media file opened at a media
    fragment (``URL#t=SECONDS``), a YouTube video at ``t=SECONDSs``; None for a page that cannot
    be opened at a time, or no time."""
    href = safe_url(url)
    if href is None or seconds is None:
        return None
    parts = urlsplit(href)
    whole = int(seconds)
    if any(parts.path.lower().endswith(ext) for ext in MEDIA_EXTENSIONS):
        return urlunsplit(parts._replace(fragment=f"t={whole}"))
    if parts.hostname in YOUTUBE_HOSTS:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        return urlunsplit(parts._replace(query=urlencode([*query, ("t", f"{whole}s")])))
    return None


def timecode(url, seconds: float) -> Safe:
    """``seconds`` as HH:MM:SS, a link into the recording when ``url`` can be opened at a time."""
    text, href = hms(seconds), timecode_href(url, seconds)
    if href is None:
        return el("span", text, class_="timecode")
    return el("a", text, href=href, rel="noopener noreferrer", class_="timecode",
              title="play the recording from here")
