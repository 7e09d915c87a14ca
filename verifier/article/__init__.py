"""Stage 1, the article: load a file (plain text, Markdown, HTML; any encoding) into text.

Takes a path or bytes; hands on an ``Article``: the text that quotes are found in, its metadata
(title, date, byline), and a map from each character back to its line and column in the file as
read.
Imports nothing of the later stages.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "Article": "load",
    "load_article": "load",
    "parse_article": "load",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
