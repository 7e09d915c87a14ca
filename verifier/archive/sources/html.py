"""HTML sources (``html``): statement and press-release pages.

The page is read by ``verifier.article.load.parse_article`` (the project's one HTML extractor, which
keeps navigation and other page chrome out) and its text cut into paragraph segments like plain
text (``verifier.archive.sources.text.text_segments``). Short unpunctuated leading paragraphs (headline,
dateline) are not indexed: the first becomes the title (else the page's own title does, which is
kept as ``page_title`` metadata when it differs), and a published date found on the page becomes
the date (kept as ``date_text`` metadata when it is not a YYYY-MM-DD date).
"""
from __future__ import annotations

import re

from verifier.archive.sources.document import Document, valid_date
from verifier.archive.sources.text import text_segments


def parse_html(data: bytes, path: str) -> Document:
    article = _html_article(data, path)
    segments = text_segments(article.text)
    headings = []
    while segments and _is_heading(segments[0].text):   # headline, dateline: not the statement
        headings.append(" ".join(segments.pop(0).text.split()))
    title = headings[0] if headings else " ".join((article.title or "").split()) or None
    doc = Document(text=article.text, segments=segments, format="html", title=title)
    if article.title and article.title != title:
        doc.metadata["page_title"] = " ".join(article.title.split())
    if article.date:
        doc.date = valid_date(str(article.date)[:10])
        if doc.date is None:
            doc.metadata["date_text"] = str(article.date)
    return doc


def _is_heading(text: str) -> bool:
    return len(text.split()) <= 20 and not re.search(r"[.!?:;,][\"'\u201d\u2019)]*$", text)


def _html_article(data: bytes, path: str):
    from verifier.article.load import parse_article   # the one HTML extractor: page chrome stays out

    return parse_article(data, path, "html")
