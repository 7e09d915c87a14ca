"""Retrieval from a PostgreSQL archive: the same candidates, ranks and passages as SQLite's.

``PgQueriesMixin`` gives ``PgArchive`` what verifier.archive.retrieval's ``RetrievalMixin``
leaves to the database: counting the segments a query matches, ranking them, phrase lookups,
reading passages and windows, and the word statistics of ``word_bits``. The query itself (which
words, ANDed or ORed) is planned by the shared ``RetrievalMixin`` as an FTS5 expression and
translated to a ``tsquery`` over the same terms (verifier.archive.stems); the ranking is FTS5's
bm25 (k1 1.2, b 0.75), computed here from the positions the ``tsvector`` holds, the segment's
length and the archive's document frequencies (``term_df``), so both backends rank alike.
"""
from __future__ import annotations

import math
import re
import time

from verifier import textnorm
from verifier.archive.retrieval import COMMON_DF, DOCUMENT_FIELDS, _passage, speaker_clause, window_passages
from verifier.archive.stems import fts_phrases, fts_tree, matching_phrases, tsquery

BM25_K1, BM25_B = 1.2, 0.75
VERSION_TTL_S = 0.5                # how stale another process's writes may be seen (caches)
RANK_ROW_CAP = 20_000              # a query matching more segments is not ranked (FTS5: step limit)
_SEGMENT_COLUMNS = ("s.id, s.document_id, s.position, s.speaker, s.turn, s.start_time, s.end_time,"
                    " s.char_start, s.char_end, s.text, s.cues")
_DOC_COLUMNS = ", ".join(f"d.{f} AS doc_{f}" for f in DOCUMENT_FIELDS)


def pg_clause(clause: str) -> str:
    """An SQLite-style clause (``?`` parameters) for psycopg (``%s``)."""
    return clause.replace("%", "%%").replace("?", "%s")


class PgQueriesMixin:
    """The host provides ``_rows(sql, params)`` (dicts), ``_value(sql, params)``, ``stemmer``,
    ``_errors()`` and ``path``."""

    # ----------------------------------------------------------------------- counting

    def _data_version(self):
        """The archive's count of committed writes: read again at most every VERSION_TTL_S (so a
        check's many lookups cost one round trip), and at once after this archive wrote."""
        now = time.monotonic()
        if self._version_read is None or now - self._version_read[0] > VERSION_TTL_S:
            self._version_read = (now, self._value("SELECT value FROM meta WHERE key = 'changes'"))
        return self._version_read[1]

    def _fresh_cache(self) -> dict:
        """The per-archive cache, emptied when the archive changed."""
        version = self._data_version()
        if self._cache_version != version:
            self._cache, self._cache_version = {}, version
        elif len(self._cache) > 200_000:
            self._cache.clear()
        return self._cache

    def _cached(self, key, compute):
        """``compute()``, remembered until the archive changes."""
        cache = self._fresh_cache()
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def _count_uncached(self, query: str) -> int:
        """(One-word queries are counted from ``term_df`` beforehand: RetrievalMixin._prefetch_counts.)"""
        return self._value("SELECT count(*) FROM (SELECT 1 FROM segments WHERE tsv @@ %s::tsquery LIMIT %s) m",
                           (tsquery(query, self.stemmer), COMMON_DF))

    def _word_terms(self, words: list[str]) -> dict[str, list[str]]:
        return self.stemmer.words_terms(words)

    def _term_df(self, terms: list[str]) -> dict[str, int]:
        """In how many segments each term occurs (0: none), remembered until the archive changes."""
        cache = self._fresh_cache()
        missing = [t for t in dict.fromkeys(terms) if ("df", t) not in cache]
        if missing:
            found = {r["term"]: r["doc"] for r in self._rows(
                "SELECT term, doc FROM term_df WHERE term = ANY(%s)", (missing,))}
            cache.update({("df", t): found.get(t, 0) for t in missing})
        return {t: cache[("df", t)] for t in terms}

    _term_counts = _term_df   # the RetrievalMixin hook: document frequencies, remembered

    # ----------------------------------------------------------------------- ranking

    def _ranked_rows(self, query: str, k: int, speaker: str | None) -> list[tuple[int, float]]:
        """The ``k`` best (segment id, bm25) for ``query``, as FTS5 ranks them; unranked (the
        first ``k`` by id) when more than RANK_ROW_CAP segments match."""
        clause, args = self._speaker(speaker)
        wanted = sorted({t for terms, _ in self._phrase_stats(query) for t in terms})
        # Only the query's terms, with their positions: marked (setweight) and kept (ts_filter)
        # in C, five times faster than unnesting every segment's vector.
        found = self._rows(
            f"SELECT s.id, s.terms, ts_filter(setweight(s.tsv, 'A', %s), '{{a}}')::text AS hits FROM segments s"
            f" WHERE s.tsv @@ %s::tsquery AND {clause} ORDER BY s.id LIMIT %s",
            (wanted, tsquery(query, self.stemmer), *args, RANK_ROW_CAP + 1))
        if len(found) > RANK_ROW_CAP:
            return [(i, 0.0) for i in sorted(r["id"] for r in found)[:k]]
        bm25 = self._bm25_of(query)
        scored = [(r["id"], bm25(r["terms"], _positions(r["hits"]))) for r in found]
        scored.sort(key=lambda r: (-r[1], r[0]))
        return scored[:k]

    def _bm25_of(self, query: str):
        """FTS5's bm25 of a row for ``query`` — over the phrases of the parts of the query that
        match in it — as a function of the row's length in terms and its terms' positions; what
        is the same for every row (the query's shape, each phrase's idf) worked out once."""
        n_rows, avg = self._index_totals()
        stats = self._phrase_stats(query)
        tree = fts_tree(query)
        idfs = []
        for _, hits in stats:
            idf = math.log((n_rows - hits + 0.5) / (hits + 0.5))
            idfs.append(idf if idf > 0 else 1e-6)

        counted: dict[tuple, list[int]] = {}   # which phrases count, by which are there (rows share it)

        def bm25(length: int, positions: dict[str, list[int]]) -> float:
            counts = [_phrase_count(terms, positions) for terms, _ in stats]
            there = tuple(c > 0 for c in counts)
            if there not in counted:
                counted[there] = matching_phrases(tree, counts) or []
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length / avg)
            return sum(idfs[i] * counts[i] * (BM25_K1 + 1) / (counts[i] + norm) for i in counted[there])
        return bm25

    def _phrase_stats(self, query: str) -> list[tuple[list[str], int]]:
        """Each phrase of the query: its terms and how many segments have it (bm25's idf)."""
        return self._cached(("phrases", query), lambda: [self._phrase_stat(p) for p in fts_phrases(query)])

    def _phrase_stat(self, phrase: str) -> tuple[list[str], int]:
        terms = self.stemmer.word_terms(phrase)
        if len(terms) == 1:
            return terms, self._term_df(terms)[terms[0]]
        if not terms:
            return terms, 0
        return terms, self._value("SELECT count(*) FROM segments WHERE tsv @@ %s::tsquery",
                                  (tsquery('"' + phrase.replace('"', '""') + '"', self.stemmer),))

    def _index_totals(self) -> tuple[int, float]:
        """Segments in the index and their mean length in terms (bm25's N and avgdl)."""
        def totals():
            row = self._rows("SELECT count(*) AS n, COALESCE(sum(terms), 0) AS t FROM segments")[0]
            n = max(row["n"], 1)
            return n, max(row["t"] / n, 1e-9)
        return self._cached("totals", totals)

    def _phrase_rows(self, text: str, limit: int, speaker: str | None) -> list[tuple[int, float]]:
        words = [t.norm for t in textnorm.words(text)][:12]
        clause, args = self._speaker(speaker)
        query = tsquery('"' + " ".join(words).replace('"', '""') + '"', self.stemmer)
        rows = self._rows(f"SELECT s.id FROM segments s WHERE s.tsv @@ %s::tsquery AND {clause}"
                          f" ORDER BY s.id LIMIT %s", (query, *args, limit))
        return [(r["id"], 1.0) for r in rows]

    def _speaker(self, speaker: str | None) -> tuple[str, list]:
        if not speaker:
            return "TRUE", []
        clause, args = speaker_clause(speaker, "s.speaker")
        return pg_clause(clause), args

    def search(self, text: str, limit: int = 10, speaker: str | None = None, raw: bool = False):
        """As ``Archive.search``; ``raw`` takes a PostgreSQL ``websearch_to_tsquery`` expression
        (quotes for phrases, ``or``, ``-`` to exclude), ranked by ``ts_rank_cd``."""
        if not raw:
            return self.candidates(text, limit=limit, speaker=speaker)
        with self._errors():
            rows = self._rows("SELECT s.id, ts_rank_cd(s.tsv, q) AS score FROM segments s,"
                              " websearch_to_tsquery('simple', %s) q WHERE s.tsv @@ q"
                              " ORDER BY score DESC, s.id LIMIT %s", (_stemmed_websearch(text, self.stemmer), limit))
            return self._passages([(r["id"], r["score"]) for r in rows])

    # ----------------------------------------------------------------------- passages

    def _segment_texts(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        return {r["id"]: r["text"] for r in self._rows("SELECT id, text FROM segments WHERE id = ANY(%s)",
                                                       (list(ids),))}

    def _passages(self, rows: list[tuple[int, float]]) -> list:
        if not rows:
            return []
        found = {r["id"]: r for r in self._rows(
            f"SELECT {_SEGMENT_COLUMNS}, {_DOC_COLUMNS} FROM segments s JOIN documents d ON d.id = s.document_id"
            f" WHERE s.id = ANY(%s)", ([r[0] for r in rows],))}
        return [_passage([found[i]], score) for i, score in rows if i in found]

    def windows(self, segment_ids: list[int], before: int = 1, after: int = 1) -> list:
        """As ``Archive.windows``: neighbours by position within the segment's document."""
        if not segment_ids:
            return []
        with self._errors():
            rows = self._rows(
                f"SELECT w.center AS _center, {_SEGMENT_COLUMNS}, {_DOC_COLUMNS}"
                " FROM unnest(%s::bigint[]) AS w(center) JOIN segments c ON c.id = w.center"
                " JOIN segments s ON s.document_id = c.document_id"
                " AND s.position BETWEEN c.position - %s AND c.position + %s"
                " JOIN documents d ON d.id = s.document_id ORDER BY w.center, s.position",
                (list(segment_ids), max(0, before), max(0, after)))
        return window_passages(rows, segment_ids, self.path)

    def segment(self, segment_id: int):
        return self.windows([segment_id], 0, 0)[0]

    def window(self, segment_id: int, before: int = 1, after: int = 1):
        return self.windows([segment_id], before, after)[0]

    # ----------------------------------------------------------------------- word statistics

    def word_bits(self, words: list[str]) -> dict[str, float]:
        """As ``Archive.word_bits``: log2(N / df) over the same terms, from ``term_df``."""
        with self._errors():
            n = self.segment_total()
            stems = self.stemmer.words_terms(words)   # the words not yet known stemmed in one pass
            df = self._term_df(sorted({t for ts in stems.values() for t in ts}))
        out = {}
        for word in words:
            seen = min((c for c in (df.get(t, 0) for t in stems[word]) if c), default=0)
            out[word] = math.log2(max(n, 1) / seen) if seen else math.log2(max(n, 1) + 1)
        return out

    def segment_total(self) -> int:
        with self._errors():
            return self._cached("segments", lambda: self._value("SELECT COALESCE(sum(segments), 0) FROM documents"))


_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)':([0-9A-D,]+)")


def _positions(text: str) -> dict[str, list[int]]:
    """Term -> positions, from a ``tsvector``'s text form (``'term':1A,4A 'other':2A``)."""
    return {_unescape(lexeme) if "'" in lexeme or "\\" in lexeme else lexeme:
            [int(p.rstrip("ABCD")) for p in pos.split(",")] for lexeme, pos in _LEXEME.findall(text)}


def _unescape(lexeme: str) -> str:
    return re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", lexeme)


def _phrase_count(terms: list[str], positions: dict[str, list[int]]) -> int:
    """How many times the terms occur in sequence (FTS5's phrase frequency)."""
    if len(terms) == 1:   # a word: its positions
        return len(positions.get(terms[0], ()))
    if not terms:
        return 0
    starts = positions.get(terms[0], [])
    for offset, term in enumerate(terms[1:], 1):
        have = set(positions.get(term, []))
        starts = [p for p in starts if p + offset in have]
    return len(starts)


def _stemmed_websearch(text: str, stemmer) -> str:
    """A websearch expression with its words replaced by the index's terms (operators kept)."""
    out = []
    for token in text.replace('"', ' " ').split():
        if token in ('"', "or", "OR") or token.startswith("-") and len(token) == 1:
            out.append(token)
            continue
        neg = "-" if token.startswith("-") else ""
        terms = stemmer.word_terms(token.lstrip("-"))
        out.append(neg + " ".join(terms) if terms else "")
    return " ".join(t for t in out if t)
