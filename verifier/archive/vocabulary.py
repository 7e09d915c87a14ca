"""How informative a word is in this archive: inverse document frequency from the index itself.

``VocabularyMixin`` gives ``Archive`` ``word_bits``: for each word, log2(segments / segments
holding it), read from FTS5's own statistics (an ``fts5vocab`` table over the segment index), so
a stock phrase of this archive counts little and a rare word much. Words are stemmed exactly as
the index stems them (by the same tokenizer in a private in-memory database: verifier.archive.stems,
so that looking words up writes nothing to the archive's connection), so "winning" is looked up as
the index holds it. ``_term_counts`` answers ``candidates`` how many segments hold each of a
quote's words from the same counts.

FTS5 counts a term's documents by walking its whole list of rows, which for a common word in a
large archive takes milliseconds; so the counts are copied once into a plain table
(``term_df``) after the archive changes (``refresh_vocabulary``, one pass over the vocabulary, run
when a connection that wrote closes), and looked up there — a B-tree lookup per word, cached
until the archive changes. An archive whose copy is missing or stale (an older archive, an
interrupted add) is answered from FTS5 directly: slower, never wrong.
"""
from __future__ import annotations

import math

from verifier.archive.stems import TOKENIZE, Stemmer   # TOKENIZE: what archives without a record use

_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.verifier_vocab USING fts5vocab(main, segments_fts, row)"


class VocabularyMixin:
    """``word_bits`` for ``Archive``. The host provides ``conn`` and ``_errors()``."""

    _bits: dict[str, float]
    _bits_version: tuple | None = None
    _segments: int = 0
    _counts_table: str = "temp.verifier_vocab"

    _wrote: bool = False   # set by the host when this connection changes documents

    def refresh_vocabulary(self) -> None:
        """Copy the index's document counts per term into ``term_df`` and stamp them."""
        with self._errors():
            self._setup_vocabulary()
            with self._transaction():
                self.conn.execute("CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY,"
                                  " doc INTEGER NOT NULL) WITHOUT ROWID")
                self.conn.execute("DELETE FROM term_df")
                self.conn.execute("INSERT INTO term_df SELECT term, doc FROM temp.verifier_vocab")
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('term_df_stamp', ?)",
                                  (self._stamp(),))
        self._wrote = False
        self._bits_version = None

    def word_bits(self, words: list[str]) -> dict[str, float]:
        """Bits of information of each word: log2(N / df), N segments in the archive, df those
        holding the word's stem; a word the archive never has gets log2(N + 1)."""
        with self._errors():
            self._fresh_vocabulary()
            missing = [w for w in dict.fromkeys(words) if w not in self._bits]
            if missing:
                self._bits.update(self._lookup(missing))
        return {w: self._bits[w] for w in words}

    def _word_terms(self, words: list[str]) -> dict[str, list[str]]:
        return self._stemmer().words_terms(words)

    def _term_counts(self, terms: list[str]) -> dict[str, int] | None:
        """For ``candidates``: segments holding each term, from ``term_df`` when that copy is fresh."""
        with self._errors():
            self._fresh_vocabulary()
            return self._read_counts(terms) if self._counts_table == "term_df" else None

    def _stemmer(self) -> Stemmer:
        """The index's tokenizer in a private database (the archive's own connection unchanged)."""
        if self._word_stemmer is None:
            self._word_stemmer = Stemmer((self.meta("fts_tokenize") or TOKENIZE).replace("'", ""))
        return self._word_stemmer

    def segment_total(self) -> int:
        """How many segments the archive has (the N of ``word_bits``)."""
        with self._errors():
            self._fresh_vocabulary()
        return self._segments

    def _fresh_vocabulary(self) -> None:
        if self._wrote:
            self.refresh_vocabulary()
        if self._data_version() == self._bits_version:
            return
        self._setup_vocabulary()
        self._bits = {}
        self._segments = self.conn.execute("SELECT COALESCE(SUM(segments), 0) FROM documents").fetchone()[0]
        stamp = self.conn.execute("SELECT value FROM meta WHERE key = 'term_df_stamp'").fetchone()
        self._counts_table = "term_df" if stamp and stamp[0] == self._stamp() else "temp.verifier_vocab"
        self._bits_version = self._data_version()

    def _setup_vocabulary(self) -> None:
        self.conn.execute(_VOCABULARY)

    def _stamp(self) -> str:
        """What the archive holds, cheaply: the last segment id, the documents and their segments."""
        last, docs, segments = self.conn.execute(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM segments), COUNT(*), COALESCE(SUM(segments), 0)"
            " FROM documents").fetchone()
        return f"{last}:{docs}:{segments}"

    def _lookup(self, words: list[str]) -> dict[str, float]:
        stems = self._stemmer().words_terms(words)
        df = self._read_counts(sorted({s for ss in stems.values() for s in ss}))
        n = max(self._segments, 1)
        out = {}
        for word in words:
            counts = [df.get(s, 0) for s in stems.get(word, [])]
            # a word the tokenizer splits ("state-run") is as rare as its rarest part
            seen = min((c for c in counts if c), default=0)
            out[word] = math.log2(n / seen) if seen else math.log2(n + 1)
        return out

    def _read_counts(self, terms: list[str]) -> dict[str, int]:
        """Segments holding each term (those in none left out), from the current copy of the counts."""
        df: dict[str, int] = {}
        for i in range(0, len(terms), 500):
            chunk = terms[i:i + 500]
            df.update(self.conn.execute(
                f"SELECT term, doc FROM {self._counts_table} WHERE term IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        return df
