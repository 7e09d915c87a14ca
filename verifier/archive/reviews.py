"""Editors' decisions on checked quotes, kept in the archive database (for `verifier serve`).

A copy editor marks each flagged quote of an article as ``accepted``, ``corrected`` or
``ask-reporter``, with a comment; the decision records who (a name) and when. Decisions are keyed
by the article's content hash (``article_hash``: the SHA-256 of the article's plain text as checked)
and the quote's id (``verifier.verify.check.quote_id``), so they are shown again whenever the same article
is opened, however it was given (pasted, uploaded, fetched).

Two tables in the archive database, created with CREATE TABLE IF NOT EXISTS (the archive's own
schema and version are left alone):

- ``review_articles``: one row per article checked on the desk — its hash, a name, the format and
  the text to check again (the decoded original for Markdown and HTML), title, first and last seen.
- ``review_decisions``: every decision ever made (append-only; the latest per quote is the
  current one): article hash, quote id, decision, comment, reviewer, the verdict and quote text at
  the time, and when.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3

from verifier.errors import VerifierError

DECISIONS = {
    "accepted": "accepted",
    "corrected": "corrected",
    "ask-reporter": "to ask the reporter",
}
MAX_NAME = 100
MAX_COMMENT = 4000
QUOTE_ID_RE = re.compile(r"[0-9a-f]{12}")
HASH_RE = re.compile(r"[0-9a-f]{64}")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS review_articles (
        hash TEXT PRIMARY KEY, name TEXT NOT NULL, format TEXT NOT NULL, text TEXT NOT NULL,
        title TEXT, created TEXT NOT NULL, opened TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS review_decisions (
        id INTEGER PRIMARY KEY, article_hash TEXT NOT NULL, quote_id TEXT NOT NULL,
        decision TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL,
        verdict TEXT, quote TEXT, created TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS review_decisions_article ON review_decisions (article_hash, quote_id, id)",
    "CREATE INDEX IF NOT EXISTS review_articles_opened ON review_articles (opened)",
)


def article_hash(text: str) -> str:
    """The content hash of an article: SHA-256 of its plain text as checked."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Reviews:
    """Decisions stored through an open archive's connection (``Archive.conn``)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def ensure(self) -> "Reviews":
        """Create the tables if they are not there yet."""
        try:
            for statement in _SCHEMA:
                self.conn.execute(statement)
        except sqlite3.Error as exc:
            raise VerifierError(f"cannot create the review tables ({exc})") from None
        return self

    # --------------------------------------------------------------------------- articles

    def save_article(self, digest: str, name: str, fmt: str, text: str, title: str | None) -> None:
        """Remember an article (so it can be opened again by its hash)."""
        now = _now()
        self.conn.execute(
            "INSERT INTO review_articles (hash, name, format, text, title, created, opened)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(hash) DO UPDATE SET name = excluded.name,"
            " format = excluded.format, text = excluded.text, title = excluded.title,"
            " opened = excluded.opened", (digest, name[:200], fmt, text, title, now, now))

    def article(self, digest: str) -> dict | None:
        cur = self.conn.execute("SELECT hash, name, format, text, title, created, opened"
                                " FROM review_articles WHERE hash = ?", (digest,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def recent_articles(self, limit: int = 20) -> list[dict]:
        """The latest articles opened, with how many quotes have a decision."""
        cur = self.conn.execute(
            "SELECT a.hash, a.name, a.title, a.format, a.opened,"
            " (SELECT COUNT(DISTINCT d.quote_id) FROM review_decisions d WHERE d.article_hash = a.hash)"
            " AS decided FROM review_articles a ORDER BY a.opened DESC LIMIT ?", (limit,))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # --------------------------------------------------------------------------- decisions

    def record(self, digest: str, quote_id: str, decision: str, reviewer: str, comment: str = "",
               verdict: str | None = None, quote: str | None = None) -> dict:
        """Store one decision; raises VerifierError on a bad value."""
        reviewer = " ".join((reviewer or "").split())
        comment = (comment or "").strip()
        if not HASH_RE.fullmatch(digest or ""):
            raise VerifierError("bad article hash")
        if not QUOTE_ID_RE.fullmatch(quote_id or ""):
            raise VerifierError("bad quote id")
        if decision not in DECISIONS:
            raise VerifierError(f"unknown decision {decision!r} (one of: {', '.join(DECISIONS)})")
        if not reviewer:
            raise VerifierError("give your name, so the desk knows who decided")
        if len(reviewer) > MAX_NAME:
            raise VerifierError(f"the name is too long (at most {MAX_NAME} characters)")
        if len(comment) > MAX_COMMENT:
            raise VerifierError(f"the comment is too long (at most {MAX_COMMENT} characters)")
        row = {"article_hash": digest, "quote_id": quote_id, "decision": decision, "comment": comment,
               "reviewer": reviewer, "verdict": verdict, "quote": quote, "created": _now()}
        cur = self.conn.execute(
            "INSERT INTO review_decisions (article_hash, quote_id, decision, comment, reviewer,"
            " verdict, quote, created) VALUES (:article_hash, :quote_id, :decision, :comment,"
            " :reviewer, :verdict, :quote, :created)", row)
        return {"id": cur.lastrowid, **row}

    def history(self, digest: str) -> list[dict]:
        """Every decision on the article, oldest first."""
        cur = self.conn.execute(
            "SELECT id, article_hash, quote_id, decision, comment, reviewer, verdict, quote, created"
            " FROM review_decisions WHERE article_hash = ? ORDER BY id", (digest,))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def decisions(self, digest: str) -> dict[str, dict]:
        """The current (latest) decision per quote id, each with its ``history`` (oldest first)."""
        out: dict[str, dict] = {}
        for row in self.history(digest):
            earlier = out.get(row["quote_id"], {}).get("history", [])
            out[row["quote_id"]] = {**row, "history": [*earlier, row]}
        return out
