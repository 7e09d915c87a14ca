"""Retrieval from the archive: the FTS5 query for a quote, ranking, and passages.

``RetrievalMixin`` gives ``Archive`` (verifier.archive.store) its queries: ``candidates`` (the segments
most likely to hold a quote, through the index only: the quote's rarest words ORed, common ones
ANDed, ranked by bm25 within a time cap, then re-ranked by how much of the quote's wording each
has), ``search`` (the same for typed words, or a raw FTS5 expression), and ``segment``/``window``
(a segment, alone or with its neighbours, as one ``Passage`` whose ``parts`` map passage offsets
back to segments, document offsets and recording times). Also ``timecode`` and
``speaker_clause`` (SQL matching a person's name, also used to list documents).
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from verifier import textnorm
from verifier.errors import VerifierError
from verifier.archive.sources import display_name
from verifier.archive.stems import fts_phrases

MAX_WORDS = 40                     # candidates: look at most at this many words of a quote,
MAX_TERMS = 8                      # ... query at most this many of them,
ROW_BUDGET = 3000                  # ... whose segments add up to at most this many,
COMMON_DF = 300                    # ... each in fewer segments than this (else: "common")
RERANK_POOL = 100                  # candidates: the best this many by bm25 are re-ranked by wording,
RERANK_STEP = 25                   # ... their texts read this many at a time, while the rows
RERANK_FLOOR = 0.5                 # ... score at least this share of the best row's bm25
WORD_FOR_WORD = 1 / RERANK_FLOOR   # ... and a segment with the whole quote word for word counts this
                                   # many times more: it outranks any kept that has it only in part
CONJUNCTION_DF = 100               # common words are ANDed until fewer segments than this have them all
QUERY_STEP_LIMIT = 1_000_000       # a query running more SQLite VM steps is cut short (about 0.1 s
                                   # on an idle 2020s core; counted in steps, not seconds, so that
                                   # the result never depends on how busy the machine is)
QUERY_TIME_LIMIT_S = 0.1           # the same limit, in seconds on an idle machine (documentation)
DOCUMENT_FIELDS = ("id", "title", "speaker", "date", "url", "kind", "outlet", "language", "metadata")


@dataclass
class PassagePart:
    """One segment inside a passage: it starts at ``offset`` in the passage text."""

    offset: int
    segment_id: int
    position: int
    speaker: str | None
    char_start: int
    char_end: int
    start: float | None
    end: float | None
    cues: list | None = None


@dataclass
class Passage:
    """A segment (or a window of neighbouring segments) with its document's metadata.

    ``char_start``/``char_end`` are offsets into the document's text; ``start``/``end`` are
    seconds into the recording (None for print sources); ``parts`` maps passage offsets back to
    segments, and ``time_at``/``document_offset`` use it.
    """

    document: dict
    segment_id: int
    text: str
    speaker: str | None
    char_start: int
    char_end: int
    start: float | None
    end: float | None
    score: float = 0.0
    parts: list[PassagePart] = field(default_factory=list)

    @property
    def timecode(self) -> str | None:
        return timecode(self.start)

    @property
    def segment_ids(self) -> list[int]:
        return [p.segment_id for p in self.parts]

    def part_at(self, offset: int) -> PassagePart:
        """The segment that passage offset ``offset`` falls in."""
        found = self.parts[0]
        for part in self.parts:
            if part.offset <= offset:
                found = part
        return found

    def document_offset(self, offset: int) -> int:
        """The document-text offset of passage offset ``offset``."""
        part = self.part_at(offset)
        return min(part.char_start + max(0, offset - part.offset), part.char_end)

    def time_at(self, offset: int) -> float | None:
        """Seconds into the recording at passage offset ``offset`` (cue or word precision)."""
        part = self.part_at(offset)
        best = part.start
        for cue_offset, seconds in part.cues or ():
            if part.offset + cue_offset <= offset:
                best = seconds
        return best

    def to_json(self) -> dict:
        return {"document": self.document, "speaker": self.speaker, "text": self.text,
                "start": self.char_start, "end": self.char_end, "timecode": self.timecode,
                "score": round(self.score, 3), "segment_id": self.segment_id,
                "segments": self.segment_ids, "start_time": self.start, "end_time": self.end}


def timecode(seconds: float | None) -> str | None:
    """``HH:MM:SS`` for a number of seconds, None for None."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class RetrievalMixin:
    """The queries of ``Archive``. The host provides ``conn`` (sqlite3), ``db`` (sqlite-utils),
    ``path``, ``_errors()`` (SQLite errors as VerifierErrors), ``_query(sql, params)`` (rows as dicts), the word-count cache
    ``_counts``/``_counts_version`` (see ``candidates``), ``_word_terms(words)`` (each word's index
    terms) and ``_term_counts(terms)`` (in how many segments each term is, from a copy of the
    index's counts; None when there is no fresh copy)."""

    rerank_step = RERANK_STEP   # texts read at a time for re-ranking (a server's round trips: more)

    def search(self, text: str, limit: int = 10, speaker: str | None = None,
               raw: bool = False) -> list[Passage]:
        """Ranked passages for ``text`` (words, as typed); ``raw``: an FTS5 query expression."""
        if not raw:
            return self.candidates(text, limit=limit, speaker=speaker)
        with self._errors():
            try:
                rows = self.conn.execute(
                    "SELECT rowid, -rank FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rank LIMIT ?",
                    (text, limit)).fetchall()
            except sqlite3.OperationalError as exc:
                raise VerifierError(f"bad search expression {text!r}: {exc}") from None
            return self._passages(rows)

    def candidates(self, quote_text: str, limit: int = 20, speaker: str | None = None,
                   copies: int | None = None) -> list[Passage]:
        """Segments most likely to contain ``quote_text``, best first, through the index only.

        The FTS5 query ORs the quote's rarest words (stopwords dropped; at most MAX_TERMS, whose
        index entries add up to at most ROW_BUDGET rows), plus pairs of the next rarest ANDed
        together; bm25 ranks, then the best RERANK_POOL are re-ranked by how much of the quote's
        wording (words, and word pairs in order) each has, reading only their texts, and only
        the best ``limit`` are read whole. (A pool that large keeps the exact passage among the
        candidates when an archive holds many near-copies of a transcript, which bm25 ranks
        alike.) ``speaker``: only passages by that person ("Voss" matches "Mara Voss"). A quote
        of stopwords only is looked up as a phrase. ``copies``: segments that score exactly alike
        (copies of one passage, for this quote) count once toward ``limit``, and at most this many
        of them are kept, so that near-copies of one transcript cannot fill every place.
        """
        with self._errors():
            version = self._data_version()
            if version != self._counts_version:  # the archive changed: word counts are stale
                self._counts, self._counts_version = {}, version
            query = self._quote_query(quote_text)
            if query is None:
                rows = self._phrase_rows(quote_text, limit, speaker)
            elif not query:
                return []
            else:
                rows = self._ranked_rows(query, RERANK_POOL, speaker)
            rows = self._reranked(rows, quote_text, limit, copies)
            return self._passages(rows[:limit] if copies is None else _distinct(rows, limit, copies))

    def _reranked(self, rows: list[tuple[int, float]], quote: str, limit: int, copies: int | None):
        """``rows`` (best bm25 first) re-ranked by wording, their texts read a few dozen at a time
        until no row left could reach the best ``limit`` (its bm25 times ``_Rerank.most``, the most
        a re-ranked score can be, is below them): the rest is never read (the answer is the same).
        A quote's check (``copies`` given) leaves out the rows below RERANK_FLOOR of the best
        (near-copies of a passage score alike); a search shows every match up to its limit."""
        rerank = _Rerank(quote)
        if not rerank.needed or len(rows) < 2:
            return rows
        least, step = (RERANK_FLOOR * rows[0][1] if copies else 0.0), self.rerank_step
        rows = [r for r in rows if r[1] >= least]
        for at in range(0, len(rows), step):
            chunk = rows[at:at + step]
            rerank.add(chunk, self._segment_texts([i for i, _ in chunk]))
            if at + step < len(rows) and rows[at + step][1] * rerank.most < rerank.bar(limit, copies):
                break
        return rerank.ranked()

    def _segment_texts(self, ids: list[int]) -> dict[int, str]:
        """The text of each of these segments."""
        if not ids:
            return {}
        return dict(self.conn.execute(f"SELECT id, text FROM segments WHERE id IN ({','.join('?' * len(ids))})",
                                      ids))

    def _data_version(self):
        """Changes by another connection (data_version) or by this one (total_changes)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def _quote_query(self, text: str) -> str | None:
        """The FTS5 query for a quote: its rare words ORed (rarest first; at most MAX_TERMS,
        together in at most ROW_BUDGET segments), and when it has fewer than two, its common
        words ANDed until few segments have them all. "" if no word of the quote is in the
        archive; None if it has only stopwords."""
        all_words = list(dict.fromkeys(t.norm for t in textnorm.words(text)))
        words = [w for w in all_words if w not in textnorm.STOPWORDS and (len(w) > 1 or w.isdigit())]
        if not words:
            return None if all_words else ""
        self._prefetch_counts([fts_string(w) for w in words[:MAX_WORDS]])
        counts = [(self._count(fts_string(w)), i, w) for i, w in enumerate(words[:MAX_WORDS])]
        singles, rows = [], 0
        for n, _, word in sorted(c for c in counts if 0 < c[0] < COMMON_DF):
            if len(singles) >= MAX_TERMS or (singles and rows + n > ROW_BUDGET):
                break
            singles.append(fts_string(word))
            rows += n
        common = [fts_string(w) for n, _, w in sorted(counts) if n >= COMMON_DF]   # the least common first
        if len(singles) < 3 and common:
            singles.append(self._conjunction(common))
        return " OR ".join(singles)

    def _prefetch_counts(self, queries: list[str]) -> None:
        """Fills ``_count``'s cache for the one-term words among ``queries`` (FTS5 strings) with one
        ``_term_counts`` lookup (counting through the index walks each word's rows: milliseconds for
        a common word)."""
        words = {query: fts_phrases(query)[0] for query in queries
                 if query not in self._counts and query.startswith('"')}
        if not words:
            return
        terms = self._word_terms(list(words.values()))
        single = {query: terms[word][0] for query, word in words.items() if len(terms[word]) == 1}
        df = self._term_counts(sorted(set(single.values()))) if single else None
        if df is not None:
            for query, term in single.items():
                self._counts[query] = min(df.get(term, 0), COMMON_DF)

    def _count(self, query: str) -> int:
        """``_count_uncached``, remembered until the archive changes (in this process or another)."""
        if query not in self._counts:
            if len(self._counts) > 100_000:
                self._counts.clear()
            self._counts[query] = self._count_uncached(query)
        return self._counts[query]

    def _count_uncached(self, query: str) -> int:
        """In how many segments ``query`` matches, counting no further than COMMON_DF."""
        return self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM segments_fts WHERE segments_fts"
                                 " MATCH ? LIMIT ?)", (query, COMMON_DF)).fetchone()[0]

    def _conjunction(self, words: list[str]) -> str:
        """Common words ANDed, the least common first, as few as make the match rarer than
        CONJUNCTION_DF segments (an archive with many copies of a transcript makes every word of
        it common: the conjunction must then narrow down to the copies of the right paragraph)."""
        conj = words[:2]
        for word in words[2:MAX_TERMS]:
            if self._count(" AND ".join(conj)) < CONJUNCTION_DF:
                break
            conj.append(word)
        return "(" + " AND ".join(conj) + ")"

    def _ranked_rows(self, query: str, k: int, speaker: str | None) -> list[tuple[int, float]]:
        """The ``k`` best (segment id, bm25 score) for ``query``; if ranking needs more than
        QUERY_STEP_LIMIT steps (a quote of very common words), the first ``k`` matches, best first."""
        clause, args = speaker_clause(speaker, "s.speaker") if speaker else ("1", [])
        sql = ("SELECT f.rowid, -f.rank FROM segments_fts f" + (" JOIN segments s ON s.id = f.rowid" if speaker else "")
               + f" WHERE segments_fts MATCH ? AND {clause} ORDER BY f.rank LIMIT ?")
        try:
            return self._within(QUERY_STEP_LIMIT, sql, [query, *args, k])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
        try:   # the first k, in the order of their bm25 (what the re-ranking's floor and early stop expect)
            rows = self._within(QUERY_STEP_LIMIT, sql.replace(" ORDER BY f.rank", ""), [query, *args, k])
            return sorted(rows, key=lambda row: -row[1])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            return []

    def _within(self, steps: int, sql: str, params) -> list[tuple]:
        """Run a query, interrupting it after about ``steps`` SQLite virtual-machine steps."""
        calls = [0]

        def over_budget() -> bool:
            calls[0] += 1
            return calls[0] * 1000 > steps

        self.conn.set_progress_handler(over_budget, 1000)
        try:
            return self.conn.execute(sql, params).fetchall()
        finally:
            self.conn.set_progress_handler(None, 0)

    def _phrase_rows(self, text: str, limit: int, speaker: str | None) -> list[tuple[int, float]]:
        """Segments holding the quote's words as a phrase (a quote of stopwords only), unranked,
        within a time cap."""
        words = [t.norm for t in textnorm.words(text)][:12]
        clause, args = speaker_clause(speaker, "s.speaker") if speaker else ("1", [])
        sql = ("SELECT f.rowid, 1.0 FROM segments_fts f" + (" JOIN segments s ON s.id = f.rowid" if speaker else "")
               + f" WHERE segments_fts MATCH ? AND {clause} LIMIT ?")
        try:
            return self._within(QUERY_STEP_LIMIT, sql, [fts_string(" ".join(words)), *args, limit])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            return []

    def _passages(self, rows: list[tuple[int, float]]) -> list[Passage]:
        """Passages for (segment id, score) rows, in the order given."""
        if not rows:
            return []
        ids = [r[0] for r in rows]
        found = {r["id"]: r for r in self._query(
            f"SELECT s.*, {', '.join('d.' + f + ' AS doc_' + f for f in DOCUMENT_FIELDS)}"
            f" FROM segments s JOIN documents d ON d.id = s.document_id"
            f" WHERE s.id IN ({','.join('?' * len(ids))})", ids)}
        return [_passage([found[i]], score) for i, score in rows if i in found]

    def segment(self, segment_id: int) -> Passage:
        """One segment as a passage."""
        return self.window(segment_id, 0, 0)

    def windows(self, segment_ids: list[int], before: int = 1, after: int = 1) -> list[Passage]:
        """``window`` of each segment, in one query (a quote's candidates are read together)."""
        if not segment_ids:
            return []
        with self._errors():
            cursor = self.conn.execute(
                f"WITH w(center) AS (VALUES {','.join(['(?)'] * len(segment_ids))})"
                f" SELECT w.center AS _center, s.*, {', '.join('d.' + f + ' AS doc_' + f for f in DOCUMENT_FIELDS)}"
                " FROM w JOIN segments c ON c.id = w.center"
                " JOIN segments s ON s.document_id = c.document_id AND s.id BETWEEN w.center - ? AND w.center + ?"
                " JOIN documents d ON d.id = s.document_id ORDER BY w.center, s.id",
                (*segment_ids, max(0, before), max(0, after)))
            names = [c[0] for c in cursor.description]
            rows = [dict(zip(names, r)) for r in cursor]
        return window_passages(rows, segment_ids, self.path)

    def window(self, segment_id: int, before: int = 1, after: int = 1) -> Passage:
        """Segment ``segment_id`` with up to ``before``/``after`` neighbours of the same document,
        joined into one passage (a space within a speaker turn, a newline between turns)."""
        return self.windows([segment_id], before, after)[0]


# ----------------------------------------------------------------------------- helpers

def fts_string(text: str) -> str:
    """An FTS5 string literal: operators, column filters and stars inside it are just words."""
    return '"' + text.replace('"', '""') + '"'


def speaker_clause(speaker: str, column: str) -> tuple[str, list[str]]:
    """SQL matching ``column`` (a name, or a JSON list of names) against a person's name, word
    by word: "Voss" and "Minister Voss" match "Mara Voss"."""
    words = display_name(" ".join(speaker.split())).lower().replace(".", "").split()
    if not words:
        return "1", []
    expr = f"(' ' || lower(replace(replace(coalesce({column}, ''), '.', ''), '\"', ' ')) || ' ')"
    return "(" + " AND ".join(f"{expr} LIKE ?" for _ in words) + ")", [f"% {w} %" for w in words]


def window_passages(rows: list[dict], segment_ids: list[int], where: str) -> list[Passage]:
    """The window of each of ``segment_ids`` from the rows of all (``_center``: whose window a
    row belongs to; in order within each)."""
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["_center"], []).append(row)
    out = []
    for segment_id in segment_ids:
        if segment_id not in grouped:
            raise VerifierError(f"no segment {segment_id} in {where}")
        out.append(_window_passage(grouped[segment_id], segment_id))
    return out


def _window_passage(rows: list[dict], segment_id: int) -> Passage:
    """A window's passage, named by its centre segment (whose speaker it takes)."""
    passage = _passage(rows, 0.0)
    passage.segment_id = segment_id
    passage.speaker = next(p.speaker for p in passage.parts if p.segment_id == segment_id)
    return passage


def _passage(rows: list[dict], score: float) -> Passage:
    """One passage from consecutive segment rows (with ``doc_*`` document columns)."""
    parts, texts, offset = [], [], 0
    for i, r in enumerate(rows):
        if i:
            sep = " " if r["turn"] == rows[i - 1]["turn"] else "\n"
            texts.append(sep)
            offset += len(sep)
        parts.append(PassagePart(offset, r["id"], r["position"], r["speaker"], r["char_start"],
                                 r["char_end"], r["start_time"], r["end_time"],
                                 json.loads(r["cues"]) if r["cues"] else None))
        texts.append(r["text"])
        offset += len(r["text"])
    first, last = rows[0], rows[-1]
    document = {f: first["doc_" + f] for f in DOCUMENT_FIELDS}
    document["metadata"] = _metadata(document["metadata"])
    return Passage(document, first["id"], "".join(texts), first["speaker"], first["char_start"],
                   last["char_end"], first["start_time"], last["end_time"], score, parts)


def _metadata(text: str | None) -> dict:
    """A document's other front-matter fields (description, location, ...), as a dict (a copy:
    the parsed form is remembered, a document's windows are read many times)."""
    return dict(_parsed_metadata(text)) if text else {}


@lru_cache(maxsize=4096)
def _parsed_metadata(text: str) -> dict:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


_STEM_RE = re.compile(r"([^\W_]{1,5})[^\W_]*")          # a word (letters, digits), its first five kept
_ASCII_STEM_RE = re.compile(r"([a-z0-9]{1,5})[a-z0-9]*")   # the same in folded ASCII text, quicker


def _stems(text: str) -> list[str]:
    """Crude stems (first five letters, folded) of every word, for re-ranking."""
    folded = textnorm.fold(text)
    return (_ASCII_STEM_RE if folded.isascii() else _STEM_RE).findall(folded)


@lru_cache(maxsize=8192)
def _stem_line(text: str) -> str:
    """A segment text's stems, each between spaces (" we will build it "): a stem, or a pair of
    consecutive stems, is in the text when it is a substring (remembered: the same segments,
    and near-copies of them, come back for quote after quote)."""
    return " " + " ".join(_stems(text)) + " "


def copy_key(score: float) -> float:
    """Passages scoring alike to this precision are copies of one text (near-duplicates score
    exactly alike, but for the last bits of the float arithmetic)."""
    return round(score, 9)


def _distinct(rows: list[tuple[int, float]], limit: int, copies: int) -> list[tuple[int, float]]:
    """The best rows with at most ``copies`` of each score and at most ``limit`` scores (``rows``
    best first: rows scoring alike are next to each other)."""
    out, last, kept, scores = [], None, 0, 0
    for row in rows:
        score = copy_key(row[1])
        if score != last:
            if scores == limit:
                break
            last, kept, scores = score, 0, scores + 1
        if kept < copies:
            out.append(row)
            kept += 1
    return out


class _Rerank:
    """Rows scored by bm25 weighted by how much of the quote each segment has: the share of its
    content words, and the share of its word pairs in the same order (phrases); a segment with
    the whole quote word for word (of three words or more) WORD_FOR_WORD times that. (A short
    quote of common words, "We don't want them in our country", has its pairs scattered over
    many segments that bm25 ranks above the one that says it.)"""

    def __init__(self, quote: str):
        quote_stems = _stems(quote)
        self.wanted = [f" {w} " for w in {w[:5] for w in textnorm.content_words(quote)}]
        self.pairs = [f" {a} {b} " for a, b in set(zip(quote_stems, quote_stems[1:]))]
        self.whole = f" {' '.join(quote_stems)} " if len(quote_stems) >= 3 else None
        self.most = WORD_FOR_WORD if self.whole else 1.0   # the most a row's bm25 is multiplied by
        self.needed = bool(self.wanted or self.pairs)
        self.scored: list[tuple[int, float]] = []

    def add(self, rows: list[tuple[int, float]], texts: dict[int, str]) -> None:
        wanted, pairs = self.wanted, self.pairs
        for segment_id, score in rows:
            if segment_id in texts:
                has = _stem_line(texts[segment_id]).__contains__
                words = sum(map(has, wanted)) / len(wanted) if wanted else 1.0
                order = sum(map(has, pairs)) / len(pairs) if pairs else 1.0
                whole = self.most if self.whole and has(self.whole) else 1.0
                self.scored.append((segment_id, score * (0.2 + 0.4 * words + 0.4 * order) * whole))

    def bar(self, limit: int, copies: int | None) -> float:
        """The score a row must beat to enter the best ``limit`` (distinct scores when ``copies``)."""
        scores = sorted({copy_key(s) for _, s in self.scored} if copies else (s for _, s in self.scored),
                        reverse=True)
        return scores[limit - 1] - 1e-9 if len(scores) >= limit else float("-inf")

    def ranked(self) -> list[tuple[int, float]]:
        return sorted(self.scored, key=lambda r: -r[1])
