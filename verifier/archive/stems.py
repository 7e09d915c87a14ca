"""The archive's words as its SQLite index sees them, for a backend without that index (PostgreSQL).

Both backends must give the same answers, so a PostgreSQL archive indexes the very terms SQLite's
FTS5 tokenizer (``porter unicode61 remove_diacritics 2``) makes: ``Stemmer`` runs that tokenizer
in a private in-memory SQLite database and returns each text's terms in order. ``tsvector`` writes
them as a PostgreSQL ``tsvector`` literal (with positions, so phrases and term frequencies are
exact), and ``tsquery`` turns the FTS5 queries retrieval builds (quoted strings joined by AND and
OR, in parentheses) into the equivalent ``tsquery`` literal over those terms.
"""
from __future__ import annotations

import re
import sqlite3

from verifier.errors import VerifierError

TOKENIZE = "porter unicode61 remove_diacritics 2"
MAX_POSITION = 16383               # PostgreSQL keeps positions up to this


CACHE_WORDS = 50_000   # words whose terms a Stemmer remembers before it starts afresh


class Stemmer:
    """FTS5's tokenizer, outside any archive: ``terms(texts)`` -> each text's terms in order."""

    def __init__(self, tokenize: str = TOKENIZE):
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{tokenize}')")
        self.conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        self._cache: dict[str, list[str]] = {}

    def terms(self, texts: list[str]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in texts]
        conn = self.conn
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(texts, 1))
        for doc, term in conn.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
            out[doc - 1].append(term)
        conn.execute("DELETE FROM t")
        conn.execute("COMMIT")
        return out

    def word_terms(self, word: str) -> list[str]:
        """One word's (or quoted string's) terms, remembered."""
        return self.words_terms([word])[word]

    def words_terms(self, words: list[str]) -> dict[str, list[str]]:
        """Each word's terms, remembered; those not yet known found in one pass."""
        cache = self._cache
        if len(cache) > CACHE_WORDS:   # start afresh before looking: every word asked is then found
            cache.clear()
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            cache.update(zip(missing, self.terms(missing)))
        return {w: cache[w] for w in words}

    def close(self) -> None:
        self.conn.close()


def tsvector(terms: list[str]) -> str:
    """A ``tsvector`` literal of terms at their positions (1-based)."""
    positions: dict[str, list[str]] = {}
    for i, term in enumerate(terms, 1):
        if term in positions:
            positions[term].append(str(min(i, MAX_POSITION)))
        else:
            positions[term] = [str(min(i, MAX_POSITION))]
    return " ".join([_lexeme(t) + ":" + ",".join(ps) for t, ps in positions.items()])


def _lexeme(term: str) -> str:
    if "'" in term or "\\" in term:
        term = term.replace("\\", "\\\\").replace("'", "''")
    return "'" + term + "'"


_QUERY_TOKEN = re.compile(r'"((?:[^"]|"")*)"|\s*(\(|\)|\bAND\b|\bOR\b)\s*')


def fts_phrases(query: str) -> list[str]:
    """The quoted strings of an FTS5 query, in order."""
    return [m.group(1).replace('""', '"') for m in _QUERY_TOKEN.finditer(query) if m.group(1) is not None]


def fts_tree(query: str):
    """The shape of an FTS5 query of quoted strings, AND, OR and parentheses (AND binds tighter):
    ``("phrase", i)`` for the i-th quoted string, ``("and", [...])``, ``("or", [...])``."""
    tokens = [m.group(2) or "P" for m in _QUERY_TOKEN.finditer(query)]
    pos, phrase = 0, 0

    def expr():
        nonlocal pos
        items = [term()]
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            items.append(term())
        return items[0] if len(items) == 1 else ("or", items)

    def term():
        nonlocal pos
        items = [factor()]
        while pos < len(tokens) and tokens[pos] == "AND":
            pos += 1
            items.append(factor())
        return items[0] if len(items) == 1 else ("and", items)

    def factor():
        nonlocal pos, phrase
        if pos < len(tokens) and tokens[pos] == "(":
            pos += 1
            node = expr()
            pos += 1   # ")"
            return node
        pos += 1
        phrase += 1
        return ("phrase", phrase - 1)

    return expr()


def matching_phrases(node, counts: list[int]) -> list[int] | None:
    """The phrases that count towards a row's rank, given each phrase's count in the row: FTS5
    counts a phrase only where the part of the query it is in matches (an AND all of whose
    phrases are there, any matching side of an OR). None if the node does not match."""
    kind, arg = node
    if kind == "phrase":
        return [arg] if counts[arg] else None
    found = [matching_phrases(child, counts) for child in arg]
    if kind == "and":
        return None if any(f is None for f in found) else [i for f in found for i in f]
    hits = [i for f in found if f is not None for i in f]
    return hits if any(f is not None for f in found) else None


def tsquery(query: str, stemmer: Stemmer) -> str:
    """The ``tsquery`` literal of an FTS5 query made of quoted strings, AND, OR and parentheses
    (what retrieval builds): a string is its terms in sequence (``<->``); a string without terms
    matches nothing, as in FTS5 (it becomes a term no segment has). "" for an empty query."""
    out, pos = [], 0
    for m in _QUERY_TOKEN.finditer(query):
        if query[pos:m.start()].strip():
            raise VerifierError(f"cannot translate search expression {query!r}")
        pos = m.end()
        if m.group(1) is not None:
            terms = stemmer.word_terms(m.group(1).replace('""', '"'))
            out.append("(" + " <-> ".join(map(_lexeme, terms)) + ")" if terms else "'#none#'")
        else:
            out.append({"AND": "&", "OR": "|"}.get(m.group(2), m.group(2)))
    if query[pos:].strip():
        raise VerifierError(f"cannot translate search expression {query!r}")
    return " ".join(out)
