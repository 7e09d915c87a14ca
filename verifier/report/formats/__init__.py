"""Output formats of `verifier check` beyond text and JSON Lines, one module each.

Each module exposes ``render(results: list[ArticleResult], context: dict) -> str``; ``context``
carries what a format may need besides the results (the archive path, the failing level, the
tool's version).
"""
from __future__ import annotations

import importlib

# format name -> module under verifier.report.formats
FORMATS = {"sarif": "sarif", "github": "github", "junit": "junit", "html": "html"}


def available() -> tuple[str, ...]:
    return ("text", "json", *FORMATS)


def render(name: str, results, context: dict) -> str:
    return importlib.import_module(f"verifier.report.formats.{FORMATS[name]}").render(results, context)
