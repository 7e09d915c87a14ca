"""Benchmark the archive: ingest speed against a raw FTS5 bulk insert, and query latency.

    python benchmarks/bench_archive.py --words 1000000,10000000
    python benchmarks/bench_archive.py --real [DIR]     # the 74 real transcripts (shared/data/real-checks)
    python benchmarks/bench_archive.py --backend postgresql [--pg-url URL]   # PostgreSQL beside SQLite

For each size it writes transcript files (speaker turns, paragraphs) into a temporary directory,
ingests them with ``Archive.add_paths`` (read, decode, parse, store with segments and index;
a document never spans transactions), and inserts the same paragraphs into a plain FTS5 table in
one transaction; both three times, interleaved (the medians: the machine may be busy);
then it times ``candidates`` and ``search`` for 200 quote-length (15-30 words) queries drawn from
the text, and says how often the segment a query came from ranks first.

The text: sentences of the fixtures in fixtures/archive, shuffled, with most content words
replaced by words drawn from a Zipf-Mandelbrot distribution over a synthetic vocabulary of
200,000 words, and a few topic words per document, so that term frequencies have the long tail
(and the bursts) of real text; function words stay as the sentences have them.
Not a pytest test.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaldata import shared_data  # noqa: E402
sys.path.insert(0, str(ROOT / "benchmarks"))
import backends  # noqa: E402
from verifier import textnorm  # noqa: E402
from verifier.archive.store import FTS_TOKENIZE, Archive  # noqa: E402
from verifier.archive.sources import iter_source_files, read_source  # noqa: E402

VOCABULARY = 200_000
ZIPF_S = 1.05
ZIPF_OFFSET = 50
DOC_WORDS = 5000
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "is", "ol")]


def fixture_sentences() -> list[list[str]]:
    sentences = []
    for path in iter_source_files([str(ROOT / "fixtures" / "archive")]):
        for seg in read_source(path).segments:
            for sentence in re.split(r"(?<=[.!?])\s+", textnorm.strip_directions(seg.text)):
                words = sentence.split()
                if len(words) >= 4:
                    sentences.append([w.lower() if w.isupper() else w for w in words])
    return sentences


def synthetic_vocabulary(rng: random.Random) -> list[str]:
    words, seen = [], set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class TextGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sentences = fixture_sentences()
        self.vocab = synthetic_vocabulary(self.rng)
        # Zipf over content words: the head of English is stopwords (kept from the sentences),
        # so the commonest content word is made about 0.3% of content words, not 8%.
        weights = [1 / ((rank + ZIPF_OFFSET) ** ZIPF_S) for rank in range(1, VOCABULARY + 1)]
        self.cum = list(itertools.accumulate(weights))
        self.pool: list[str] = []

    def zipf_word(self) -> str:
        if not self.pool:
            self.pool = self.rng.choices(self.vocab, cum_weights=self.cum, k=100_000)
        return self.pool.pop()

    def sentence(self, topic: list[str]) -> str:
        out = []
        for word in self.rng.choice(self.sentences):
            core = word.strip(".,!?;:\"'()")
            if core.lower() in textnorm.STOPWORDS or not core.isalpha():
                out.append(word)
                continue
            r = self.rng.random()
            new = self.rng.choice(topic) if r < 0.12 else self.zipf_word() if r < 0.8 else core
            out.append(word.replace(core, new.capitalize() if core[:1].isupper() else new, 1))
        return " ".join(out)

    def document(self, n_words: int) -> str:
        topic = [self.zipf_word() for _ in range(5)] + self.rng.sample(self.vocab[2000:], 25)
        names = [f"{self.rng.choice(self.vocab).upper()} {self.rng.choice(self.vocab).upper()}" for _ in range(3)]
        lines, words = [], 0
        while words < n_words:
            paragraphs = []
            for _ in range(self.rng.randint(1, 3)):
                para = " ".join(self.sentence(topic) for _ in range(self.rng.randint(2, 5)))
                words += len(para.split())
                paragraphs.append(para)
            lines.append(f"{self.rng.choice(names)}: " + "\n\n".join(paragraphs))
        return "\n\n".join(lines) + "\n"


def write_corpus(directory: Path, total_words: int, seed: int) -> tuple[int, list[str]]:
    """Transcript files of DOC_WORDS words each; returns (words written, paragraphs)."""
    gen = TextGenerator(seed)
    words, paragraphs, n = 0, [], 0
    while words < total_words:
        text = gen.document(min(DOC_WORDS, total_words - words))
        (directory / f"doc{n:05d}.txt").write_text(text)
        words += len(text.split())
        paragraphs += [p for p in text.split("\n\n") if p.strip()]
        n += 1
    return words, paragraphs


def raw_fts_rate(db_path: Path, paragraphs: list[str], words: int) -> float:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{FTS_TOKENIZE}')")
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t(text) VALUES (?)", ((p,) for p in paragraphs))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return words / elapsed


def draw_queries(archive: Archive, n: int, rng: random.Random) -> list[tuple[str, set[int]]]:
    """Quote-length word runs from random segments, with the segment ids they come from."""
    max_id = archive.conn.execute("SELECT MAX(id) FROM segments").fetchone()[0]
    queries = []
    while len(queries) < n:
        passage = archive.window(rng.randint(1, max_id), 0, 1)
        tokens = textnorm.words(passage.text)
        length = rng.randint(15, 30)
        if len(tokens) < length + 1:
            continue
        at = rng.randint(0, min(len(tokens) - length, 40))
        start, end = tokens[at].start, tokens[at + length - 1].end
        ids = {p.segment_id for p in passage.parts
               if p.offset < end and p.offset + (p.char_end - p.char_start) > start}
        queries.append((passage.text[start:end], ids))
    return queries


def time_queries(fn, queries) -> tuple[list[float], float, float]:
    times, top1, top20 = [], 0, 0
    for text, ids in queries:
        start = time.perf_counter()
        result = fn(text)
        times.append((time.perf_counter() - start) * 1000)
        got = [p.segment_id for p in result]
        top1 += bool(got and got[0] in ids)
        top20 += bool(ids & set(got))
    return times, top1 / len(queries), top20 / len(queries)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(total_words: int, args) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_archive_") as tmp:
        tmp = Path(tmp)
        (tmp / "src").mkdir()
        t0 = time.perf_counter()
        words, paragraphs = write_corpus(tmp / "src", total_words, args.seed)
        print(f"\n== {words:,} words in {len(list((tmp / 'src').iterdir()))} files "
              f"(generated in {time.perf_counter() - t0:.1f}s)")
        rates, raws = [], []
        for n in range(args.rounds):   # interleaved, so that both see the same load
            raws.append(raw_fts_rate(tmp / f"raw{n}.db", paragraphs, words))
            archive = Archive.open(tmp / f"archive{n}.db", create=True)
            start = time.perf_counter()
            results, errors = archive.add_paths([str(tmp / "src")])
            rates.append(words / (time.perf_counter() - start))
            assert not errors, errors
            if n + 1 < args.rounds:
                archive.close()
        stats = archive.stats()
        stored = stats["words"]
        rate, raw = statistics.median(rates), statistics.median(raws)
        print(f"ingest: {rate:,.0f} words/s ({words / rate:.1f}s, {stored:,} words indexed); raw FTS5 bulk "
              f"insert: {raw:,.0f} words/s (medians of {args.rounds} interleaved rounds; ingest "
              f"{min(rates):,.0f}-{max(rates):,.0f}, raw {min(raws):,.0f}-{max(raws):,.0f}); "
              f"ratio {rate / raw:.2f} (target >= 0.5)")
        print(f"archive size: {stats['bytes'] / 1e6:.0f} MB (with its write-ahead log); "
              f"raw FTS5 table: {os.path.getsize(tmp / 'raw0.db') / 1e6:.0f} MB")
        queries = draw_queries(archive, args.queries, random.Random(args.seed))
        time_candidates(archive, queries, "sqlite")
        if args.backend == "postgresql":
            run_postgres(tmp / "src", words, rate, archive, queries, args)
        archive.close()


def time_candidates(archive, queries, label: str) -> None:
    for name, fn in (("candidates", lambda q: archive.candidates(q, limit=20)),
                     ("search", lambda q: archive.search(q, limit=10))):
        fn(queries[0][0])
        times, top1, top20 = time_queries(fn, queries)
        print(f"{label:10} {name:10}: median {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
              f"max {max(times):.2f} ms over {len(times)} queries (target < 20 ms); "
              f"source segment first {top1:.0%}, in results {top20:.0%}")


def run_postgres(src: Path, words: int, sqlite_rate: float, sqlite_archive, queries, args) -> None:
    """The same files into a new PostgreSQL database (one round), and the same queries, whose
    answers are compared with SQLite's by (document, position)."""
    from backends import postgres_databases

    with postgres_databases(args) as new_database, Archive.open(new_database(), create=True) as pg:
        start = time.perf_counter()
        _, errors = pg.add_paths([str(src)])
        rate = words / (time.perf_counter() - start)
        assert not errors, errors
        print(f"postgresql ingest: {rate:,.0f} words/s ({words / rate:.1f}s), {rate / sqlite_rate:.2f}x SQLite's "
              f"{sqlite_rate:,.0f} words/s in this run; {pg.stats()['bytes'] / 1e6:.0f} MB")
        pg_queries = [(q, {_id_at(pg, place) for place in places}) for q, places in
                      [(q, {_place(sqlite_archive, i) for i in ids}) for q, ids in queries]]
        time_candidates(pg, pg_queries, "postgresql")
        same = sum(_places(sqlite_archive, q) == _places(pg, q) for q, _ in queries[:50])
        print(f"postgresql answers: the same candidates as SQLite for {same} of {min(50, len(queries))} queries")


def _place(archive, segment_id: int) -> tuple:
    p = archive.segment(segment_id)
    return p.document["id"], p.parts[0].position


def _id_at(archive, place: tuple) -> int:
    doc = archive.document(place[0])
    return next(s["id"] for s in doc["segments"] if s["position"] == place[1])


def _places(archive, query: str) -> list:
    return [(p.document["id"], p.parts[0].position) for p in archive.candidates(query, limit=20)]


def run_real(directory: Path, args) -> None:
    """Ingest of real transcripts against a raw FTS5 insert of the same paragraphs (the segments
    the archive makes of them, read once beforehand and not timed), interleaved rounds."""
    files = sorted(str(p) for p in iter_source_files([str(directory)]))
    paragraphs = [seg.text for path in files for seg in read_source(path).segments]
    words = sum(len(p.split()) for p in paragraphs)
    print(f"\n== real transcripts: {directory} ({len(files)} files, {words:,} words, {len(paragraphs):,} segments)")
    with tempfile.TemporaryDirectory(prefix="bench_archive_") as tmp:
        rates, raws = [], []
        for n in range(args.rounds):
            raws.append(raw_fts_rate(Path(tmp) / f"raw{n}.db", paragraphs, words))
            with Archive.open(Path(tmp) / f"archive{n}.db", create=True) as archive:
                start = time.perf_counter()
                _, errors = archive.add_paths(files)
                rates.append(words / (time.perf_counter() - start))
            assert not errors, errors
    rate, raw = statistics.median(rates), statistics.median(raws)
    print(f"ingest: {rate:,.0f} words/s; raw FTS5 insert: {raw:,.0f} words/s (medians of {args.rounds} "
          f"interleaved rounds); ratio {rate / raw:.2f} (target >= 0.6)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", default="1000000,10000000",
                        help="comma-separated archive sizes in words (default 1000000,10000000)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="ingest and raw runs per size (medians)")
    parser.add_argument("--real", type=Path, nargs="?", const=True, default=None, metavar="DIR",
                        help="time the ingest of real transcripts instead (default: the shared "
                             "real-checks/archive)")
    backends.add_arguments(parser)
    args = parser.parse_args()
    if args.real is not None:
        real = shared_data("real-checks/archive") if args.real is True else args.real
        if real is None:
            sys.exit("bench_archive: no real transcripts found; give --real DIR")
        run_real(real, args)
        return
    load = ", load average %.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    print(f"{os.cpu_count()} CPUs{load}; SQLite {sqlite3.sqlite_version}")
    for size in args.words.split(","):
        run(int(float(size)), args)


if __name__ == "__main__":
    main()
