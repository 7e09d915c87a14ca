"""How informative a word is in this archive: inverse document frequency from the index itself.

``VocabularyMixin`` gives ``Archive`` ``word_bits``: for each word, log2(segments / segments
holding it), read from FTS5's own statistics (an ``fts5vocab`` table over the segment index), so
a stock phrase of this archive counts little and a rare word much. Words are stemmed exactly as
the index stems them (by a scratch FTS5 table with the same tokenizer), so "winning" is looked up
as the index holds it. Nothing is scanned: one vocabulary lookup per distinct stem, cached until
the archive changes.
"""
from __future__ import annotations

import math

DEFAULT_TOKENIZE = "porter unicode61 remove_diacritics 2"  # what archives without a record use
_SETUP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.verifier_vocab USING fts5vocab(main, segments_fts, row)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.verifier_stems USING fts5(word, tokenize='{tokenize}')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.verifier_stems_i USING fts5vocab(temp, verifier_stems, instance)",
)


class VocabularyMixin:
    """``word_bits`` for ``Archive``. The host provides ``conn`` and ``_errors()``."""

    _bits: dict[str, float]
    _bits_version: tuple | None = None
    _segments: int = 0

    def word_bits(self, words: list[str]) -> dict[str, float]:
        """Bits of information of each word: log2(N / df), N segments in the archive, df those
        holding the word's stem; a word the archive never has gets log2(N + 1)."""
        with self._errors():
            self._fresh_vocabulary()
            missing = [w for w in dict.fromkeys(words) if w not in self._bits]
            if missing:
                self._bits.update(self._lookup(missing))
                self._bits_version = self._version()  # the scratch table's writes change nothing
        return {w: self._bits[w] for w in words}

    def segment_total(self) -> int:
        """How many segments the archive has (the N of ``word_bits``)."""
        with self._errors():
            self._fresh_vocabulary()
        return self._segments

    def _fresh_vocabulary(self) -> None:
        if self._version() == self._bits_version:
            return
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'fts_tokenize'").fetchone()
        tokenize = (row[0] if row else DEFAULT_TOKENIZE).replace("'", "")
        for sql in _SETUP:
            self.conn.execute(sql.format(tokenize=tokenize))
        self._bits = {}
        self._segments = self.conn.execute("SELECT count(*) FROM segments").fetchone()[0]
        self._bits_version = self._version()

    def _version(self) -> tuple:
        """Changes by another connection (data_version) or by this one (total_changes)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def _lookup(self, words: list[str]) -> dict[str, float]:
        stems = self._stems(words)
        wanted = sorted({s for ss in stems.values() for s in ss})
        df: dict[str, int] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            df.update(self.conn.execute(
                f"SELECT term, doc FROM temp.verifier_vocab WHERE term IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        n = max(self._segments, 1)
        out = {}
        for word in words:
            counts = [df.get(s, 0) for s in stems.get(word, [])]
            # a word the tokenizer splits ("state-run") is as rare as its rarest part
            seen = min((c for c in counts if c), default=0)
            out[word] = math.log2(n / seen) if seen else math.log2(n + 1)
        return out

    def _stems(self, words: list[str]) -> dict[str, list[str]]:
        """Each word's stems as the index's tokenizer makes them."""
        conn = self.conn
        conn.execute("DELETE FROM temp.verifier_stems")
        conn.executemany("INSERT INTO temp.verifier_stems(rowid, word) VALUES (?, ?)",
                         list(enumerate(words, 1)))
        stems: dict[str, list[str]] = {}
        for row, term in conn.execute("SELECT doc, term FROM temp.verifier_stems_i ORDER BY doc, offset"):
            stems.setdefault(words[row - 1], []).append(term)
        conn.execute("DELETE FROM temp.verifier_stems")
        return stems
