"""Reports: render extraction (and later verification) results as text for people or JSON Lines.

Owns presentation only; every result it prints was computed elsewhere.
"""
from __future__ import annotations

import json
from typing import IO

from verifier.article import Article
from verifier.quotes import STATEMENT, Quote


def place(article: Article, quotes: list[Quote]) -> None:
    """Fill each quote's line and column in the article's original file."""
    for q in quotes:
        q.line, q.column = article.position(q.start)


def quotes_record(article: Article, quotes: list[Quote]) -> dict:
    """The JSON object of `verifier quotes` for one article."""
    return {"path": article.path,
            "quotes": [q.to_json() for q in quotes if q.kind == STATEMENT],
            "terms": [q.to_json() for q in quotes if q.kind != STATEMENT]}


def error_record(path: str, message: str) -> dict:
    return {"path": path, "error": message, "quotes": []}


def write_json_line(record: dict, out: IO[str]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def quotes_text(article: Article, quotes: list[Quote], *, show_terms: bool = False) -> str:
    """A person's view: each statement with its speaker, cue and position."""
    statements = [q for q in quotes if q.kind == STATEMENT]
    lines = [f"{article.path}: {len(statements)} quote{'s' if len(statements) != 1 else ''}"]
    for q in quotes:
        if q.kind != STATEMENT and not show_terms:
            continue
        where = f"{q.line}:{q.column}"
        if q.kind != STATEMENT:
            lines.append(f"  {where:>8}  (term) “{_short(q.text)}”")
            continue
        who = q.speaker or "(unknown speaker)"
        mention = q.speaker_mention["text"] if q.speaker_mention else None
        via = f" — {q.cue}" if q.cue else ""
        if mention and mention != who:
            via += f" ({mention})"
        lines.append(f"  {where:>8}  {who}{via}")
        lines.append(f"            “{_short(q.text, 300)}”")
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
