"""The quotes stage's own output: where each quote stands in the file, and the record and text of
`verifier quotes` for one article. Verification reports are ``verifier.report.text``'s."""
from __future__ import annotations

from verifier.article.load import Article
from verifier.quotes.extract import STATEMENT, Quote


def place(article: Article, quotes: list[Quote]) -> None:
    """Fill each quote's line and column in the article's original file."""
    for q in quotes:
        q.line, q.column = article.position(q.start)
        q.end_line, q.end_column = article.position(max(q.start, q.end - 1))


def quotes_record(article: Article, quotes: list[Quote]) -> dict:
    """The JSON object of `verifier quotes` for one article."""
    return {"path": article.path,
            "quotes": [q.to_json() for q in quotes if q.kind == STATEMENT],
            "terms": [q.to_json() for q in quotes if q.kind != STATEMENT]}


def quotes_text(article: Article, quotes: list[Quote], *, show_terms: bool = False) -> str:
    """A person's view: each statement with its speaker, cue and position."""
    statements = [q for q in quotes if q.kind == STATEMENT]
    lines = [f"{article.path}: {len(statements)} quote{'s' if len(statements) != 1 else ''}"]
    for q in quotes:
        if q.kind != STATEMENT and not show_terms:
            continue
        where = f"{q.line}:{q.column}"
        if q.kind != STATEMENT:
            lines.append(f"  {where:>8}  (term) “{shorten(q.text)}”")
            continue
        who = q.who
        mention = q.speaker_mention["text"] if q.speaker_mention else None
        via = f" — {q.cue}" if q.cue else ""
        if mention and who not in (mention, f"({mention})"):
            via += f" ({mention})"
        lines.append(f"  {where:>8}  {who}{via}")
        lines.append(f"            “{shorten(q.text, 300)}”")
    return "\n".join(lines) + "\n"


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
