"""Benchmark quote verification: ``check_quote`` per quote against the naive scan of every document.

    python benchmarks/bench_check.py [--words 1000000,10000000] [--quotes 200] [--naive-quotes 20]
                                     [--keep DIR] [--seed 7] [--profile K]
    python benchmarks/bench_check.py --real --words 10000000 --backend postgresql [--pg-url URL]

For each size it builds a synthetic archive with the text generator of ``bench_archive``
(``write_corpus``, then ``Archive.add_paths``) in a temporary directory — or, with ``--keep DIR``,
keeps it there and reuses it on the next run. Then it draws quote-length passages (10-40 words) from
a random sample of the archive's own segments (read with SQL) and makes a fixed-seed mix of quotes:
about 50% verbatim, 25% with one word changed, 15% with one to three words dropped, 10% made of
random vocabulary words (a sequence that appears nowhere). Each quote is checked with
``verifier.check.check_quote`` (after a warm-up on 5 other quotes) and timed with perf_counter:
median, 95th percentile and max in ms, and the verdicts per kind of quote ("recall of verbatim
quotes": how many verbatim quotes were found at all, i.e. not judged unverified).

The naive approach, timed in the same run on the first ``--naive-quotes`` of the same quotes:
``rapidfuzz.fuzz.partial_ratio_alignment(quote, text)`` against the full text of every document
(all read into memory once, before timing), keeping the best. Speed-up = naive median / indexed
median. Targets (the issue): under 50 ms per quote at 10M words, and at least 100x the naive speed.
``--backend postgresql``: the archive is then copied into a new PostgreSQL database (``archive
copy``; a throwaway server unless ``--pg-url``) and the same quotes are checked there, their p95
printed beside SQLite's (target: at most 2x) with how many verdicts agree.
``--profile K`` re-runs the K slowest quotes under cProfile and prints where the time goes.
Not a pytest test.
"""
from __future__ import annotations

import argparse
import cProfile
import collections
import io
import os
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_archive import TextGenerator, percentile, write_corpus  # noqa: E402  (puts the repo on sys.path)
from rapidfuzz import fuzz  # noqa: E402

import backends  # noqa: E402

from benchmarks.evaldata import shared_data  # noqa: E402
from verifier import textnorm  # noqa: E402
from verifier.archive.store import Archive  # noqa: E402
from verifier.verify.check import check_quote  # noqa: E402
from verifier.verify.judge import VERDICTS  # noqa: E402
from verifier.quotes.extract import Quote  # noqa: E402
from verifier.quotes.speakers import SpeakerMatcher  # noqa: E402

MIX = (("verbatim", 0.50), ("one changed", 0.25), ("dropped", 0.15), ("nowhere", 0.10))
MIN_WORDS, MAX_WORDS = 10, 40
WARMUP = 5
JOINERS = ("-", "\u2010", "\u2011", "/")  # a quote may not begin or end next to one
TARGET_MS = 50.0
TARGET_SPEEDUP = 100.0


@dataclass
class BenchQuote:
    kind: str
    text: str
    speaker: str | None
    segment_id: int | None  # the segment it was drawn from (None: random words)


@dataclass
class Result:
    quote: BenchQuote
    ms: float
    verdict: str
    at_source: bool  # the judgement's passage includes the segment the quote was drawn from


# ----------------------------------------------------------------------------- archive

def size_label(words: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if words >= unit and words % (unit // 10) == 0:
            return f"{words / unit:g}{name}"
    return str(words)


def write_real_corpus(directory: Path, total_words: int, seed: int, real: Path) -> tuple[int, list]:
    """Copies of the real transcripts in ``real`` up to ``total_words`` words: the first copy as it
    is, every later one with about 3% of its content words replaced by other words of the
    transcripts (so each copy is a near-duplicate of the others, as re-published transcripts are)."""
    rng = random.Random(seed)
    sources = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(real.glob("*.md"))]
    vocab = sorted({w for _, t in sources for w in re.findall(r"[a-z]{4,}", t)})
    words, n = 0, 0
    while words < total_words:
        for name, text in sources:
            if words >= total_words:
                break
            head, sep, body = text.partition("\n---\n")
            if n:
                body = re.sub(r"\b[a-z]{4,}\b", lambda m: rng.choice(vocab) if rng.random() < 0.03 else m.group(), body)
            (directory / f"copy{n:03d}_{name}").write_text(f"{head}\ncopy: {n}{sep}{body}", encoding="utf-8")
            words += len(body.split())
        n += 1
    return words, []


def build_archive(path: Path, total_words: int, seed: int, real: Path | None = None) -> None:
    """The bench_archive corpus of ``total_words`` words (or copies of the real transcripts in
    ``real``), ingested into a new archive at ``path``."""
    with tempfile.TemporaryDirectory(prefix="bench_check_src_") as tmp:
        src = Path(tmp)
        t0 = time.perf_counter()
        words, _ = write_real_corpus(src, total_words, seed, real) if real else write_corpus(src, total_words, seed)
        t1 = time.perf_counter()
        archive = Archive.open(path, create=True)
        results, errors = archive.add_paths([str(src)])
        archive.close()
        assert not errors, errors
        print(f"built: {words:,} words in {len(results)} files, generated in {t1 - t0:.0f}s, "
              f"ingested in {time.perf_counter() - t1:.0f}s")


def open_archive(total_words: int, args, tmp: Path) -> Archive:
    """The archive for this size: reused from --keep DIR if there, else built (into DIR or tmp)."""
    if args.keep:
        directory = Path(args.keep)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"bench_check_{'real_' if args.real else ''}{total_words}w_seed{args.seed}.db"
        if path.exists():
            print(f"reusing {path}")
            return Archive.open(path)
        partial = path.with_name(path.name + ".building")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        build_archive(partial, total_words, args.seed, args.real)
        os.replace(partial, path)  # only a complete archive gets the name that is reused
    else:
        path = tmp / "archive.db"
        build_archive(path, total_words, args.seed, args.real)
    return Archive.open(path)


# ----------------------------------------------------------------------------- quotes

def draw_quotes(conn: sqlite3.Connection, n: int, vocab: list[str], rng: random.Random) -> list[BenchQuote]:
    """``n`` quotes in the MIX proportions, shuffled; passages from a random sample of segments."""
    counts = [round(n * share) for _, share in MIX]
    counts[0] += n - sum(counts)
    kinds = [kind for (kind, _), c in zip(MIX, counts) for _ in range(c)]
    rng.shuffle(kinds)
    passages = sample_passages(conn, sum(k != "nowhere" for k in kinds), rng)
    speakers = [p[1] for p in passages] or [None]
    out = []
    for kind in kinds:
        if kind == "nowhere":
            length = rng.randint(MIN_WORDS, MAX_WORDS)
            text = " ".join(rng.choice(vocab) for _ in range(length)).capitalize() + "."
            out.append(BenchQuote(kind, text, rng.choice(speakers), None))
            continue
        segment_id, speaker, text, tokens = passages.pop()
        if kind == "one changed":
            content = [t for t in tokens if t.norm not in textnorm.STOPWORDS] or tokens
            tok = rng.choice(content)
            new = rng.choice(vocab)
            while new == tok.norm:
                new = rng.choice(vocab)
            text = text[:tok.start] + new + text[tok.end:]
        elif kind == "dropped":
            k = rng.randint(1, 3)
            at = rng.randint(1, len(tokens) - 1 - k)  # interior words: the quote keeps its ends
            text = text[:tokens[at].start] + text[tokens[at + k].start:]
        out.append(BenchQuote(kind, text, speaker, segment_id))
    return out


def sample_passages(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[tuple]:
    """``n`` runs of 10-40 words, each from a different random segment:
    (segment id, speaker, passage text, its word tokens)."""
    lo, hi = conn.execute("SELECT MIN(id), MAX(id) FROM segments").fetchone()
    out: list[tuple] = []
    tried: set[int] = set()
    while len(out) < n:
        ids = [i for i in rng.sample(range(lo, hi + 1), min(4 * (n - len(out)) + 8, hi - lo + 1)) if i not in tried]
        if not ids:
            raise SystemExit(f"only {len(out)} segments long enough for a {MIN_WORDS}-word quote")
        tried.update(ids)
        rows = {i: (s, t) for i, s, t in conn.execute(
            f"SELECT id, speaker, text FROM segments WHERE id IN ({','.join('?' * len(ids))})", ids)}
        for segment_id in ids:  # in the drawn order, not the database's
            if segment_id not in rows or len(out) == n:
                continue
            speaker, text = rows[segment_id]
            tokens = textnorm.words(text)
            length = rng.randint(MIN_WORDS, MAX_WORDS)
            if len(tokens) < length or textnorm.directions(text):
                continue
            at = rng.randint(0, len(tokens) - length)
            start, end = tokens[at].start, tokens[at + length - 1].end
            if text[start - 1:start] in JOINERS or text[end:end + 1] in JOINERS:
                continue  # not inside "sixty-two": "sixty" alone would be a number changed
            passage = text[start:end]
            out.append((segment_id, speaker, passage,
                        [t._replace(start=t.start - start, end=t.end - start) for t in tokens[at:at + length]]))
    return out


# ----------------------------------------------------------------------------- timing

def check(q: BenchQuote, archive: Archive, matcher: SpeakerMatcher):
    return check_quote(Quote(start=0, end=len(q.text), text=q.text, speaker=q.speaker), archive, matcher)


def time_indexed(quotes: list[BenchQuote], archive: Archive, matcher: SpeakerMatcher) -> list[Result]:
    out = []
    for q in quotes:
        start = time.perf_counter()
        j = check(q, archive, matcher)
        ms = (time.perf_counter() - start) * 1000
        at_source = bool(j.alignment and q.segment_id in j.alignment.passage.segment_ids)
        out.append(Result(q, ms, j.verdict, at_source))
    return out


def time_naive(quotes: list[BenchQuote], documents: list[str]) -> tuple[list[float], int]:
    """Per-quote ms of partial_ratio_alignment against every document, and how many of the
    verbatim quotes it found at score 100."""
    times, exact = [], 0
    for q in quotes:
        start = time.perf_counter()
        best = None
        for text in documents:
            found = fuzz.partial_ratio_alignment(q.text, text)
            if best is None or found.score > best.score:
                best = found
        times.append((time.perf_counter() - start) * 1000)
        exact += q.kind == "verbatim" and best is not None and best.score == 100
    return times, exact


def profile(results: list[Result], k: int, archive: Archive, matcher: SpeakerMatcher) -> None:
    slow = sorted(results, key=lambda r: -r.ms)[:k]
    shown = ", ".join(f"{r.quote.kind} {r.ms:.0f} ms" for r in slow[:5]) + (", ..." if len(slow) > 5 else "")
    print(f"\nprofile of the {len(slow)} slowest quotes ({shown}):")
    prof = cProfile.Profile()
    prof.enable()
    for r in slow:
        check(r.quote, archive, matcher)
    prof.disable()
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order).print_stats(18)
        lines = buf.getvalue().splitlines()
        head = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print(f"-- by {order}:")
        print("\n".join(line for line in lines[head:] if line.strip()))


# ----------------------------------------------------------------------------- report

def stats_ms(times: list[float]) -> tuple[float, float, float]:
    return statistics.median(times), percentile(times, 0.95), max(times)


def print_table(results: list[Result]) -> None:
    short = {"verified": "verif", "minor": "minor", "misquote": "misq", "misattributed": "misattr",
             "unverified": "unverif"}
    print(f"{'quotes':12} {'n':>4} {'median':>8} {'p95':>8} {'max':>8}   "
          + " ".join(f"{short[v]:>7}" for v in VERDICTS))
    groups = [(kind, [r for r in results if r.quote.kind == kind]) for kind, _ in MIX] + [("all", results)]
    for name, rows in groups:
        if not rows:
            continue
        med, p95, top = stats_ms([r.ms for r in rows])
        verdicts = collections.Counter(r.verdict for r in rows)
        print(f"{name:12} {len(rows):>4} {med:>6.1f}ms {p95:>6.1f}ms {top:>6.1f}ms   "
              + " ".join(f"{verdicts[v]:>7}" for v in VERDICTS))


def run(total_words: int, args, matcher: SpeakerMatcher, vocab: list[str]) -> str:
    label = size_label(total_words)
    print(f"\n== {label} words ({total_words:,}); load average {load()}")
    with tempfile.TemporaryDirectory(prefix="bench_check_") as tmp:
        archive = open_archive(total_words, args, Path(tmp))
        stats = archive.stats()
        print(f"archive: {stats.get('documents', 0):,} documents, {stats.get('segments', 0):,} segments, "
              f"{stats.get('words', 0):,} words, {stats.get('bytes', 0) / 1e6:.0f} MB")
        rng = random.Random(args.seed)
        quotes = draw_quotes(archive.conn, args.quotes + WARMUP, vocab, rng)
        warmup, quotes = quotes[:WARMUP], quotes[WARMUP:]
        time_indexed(warmup, archive, matcher)
        results = time_indexed(quotes, archive, matcher)
        med, p95, top = stats_ms([r.ms for r in results])

        print(f"\ncheck_quote, {len(results)} quotes (after {WARMUP} warm-up quotes):")
        print_table(results)
        verbatim = [r for r in results if r.quote.kind == "verbatim"]
        if verbatim:
            found = sum(r.verdict != "unverified" for r in verbatim)
            ok = sum(r.verdict in ("verified", "minor", "misattributed") for r in verbatim)
            print(f"recall of verbatim quotes: {found}/{len(verbatim)} found ({found / len(verbatim):.0%}); "
                  f"{ok} verified/minor/misattributed; {sum(r.at_source for r in verbatim)} "
                  f"matched at the segment they were drawn from")

        naive_quotes = quotes[:args.naive_quotes]
        naive_line = ""
        if naive_quotes:
            documents = [row[0] for row in archive.conn.execute("SELECT text FROM documents")]
            chars = sum(map(len, documents))
            naive, exact = time_naive(naive_quotes, documents)
            n_med, n_p95, n_max = stats_ms(naive)
            same = statistics.median([r.ms for r in results[:len(naive_quotes)]])
            speedup = n_med / med
            n_verbatim = sum(q.kind == "verbatim" for q in naive_quotes)
            print(f"\nnaive (partial_ratio_alignment against all {len(documents):,} documents, "
                  f"{chars / 1e6:.0f}M chars), {len(naive)} of the same quotes:")
            print(f"  median {n_med:.0f} ms, p95 {n_p95:.0f} ms, max {n_max:.0f} ms "
                  f"(indexed on the same quotes: median {same:.1f} ms); "
                  f"verbatim found at 100: {exact}/{n_verbatim}")
            print(f"  speed-up (naive median / indexed median): {speedup:.0f}x (target >= {TARGET_SPEEDUP:.0f}x)")
            naive_line = f", naive {n_med:.0f} ms, speed-up {speedup:.0f}x"
        print(f"target: < {TARGET_MS:.0f} ms per quote — median {'meets' if med < TARGET_MS else 'MISSES'} it, "
              f"p95 {'meets' if p95 < TARGET_MS else 'MISSES'} it")
        if args.backend == "postgresql":
            pg_line = run_postgres(archive, warmup, quotes, results, matcher, args)
            naive_line += pg_line
        if args.profile:
            profile(results, args.profile, archive, matcher)
        archive.close()
    return f"SUMMARY {label} words: median {med:.1f} ms, p95 {p95:.1f} ms{naive_line}"


def run_postgres(archive, warmup, quotes, sqlite_results, matcher, args) -> str:
    """The same archive copied into a new PostgreSQL database (``archive copy``), and the same
    quotes checked there: per-quote times beside SQLite's, and whether the verdicts agree."""
    from backends import postgres_databases
    from verifier.archive.copy import copy_archive

    with postgres_databases(args) as new_database, Archive.open(new_database(), create=True) as pg:
        start = time.perf_counter()
        counts = copy_archive(archive, pg)
        words = archive.stats()["words"]
        elapsed = time.perf_counter() - start
        print(f"\npostgresql: copied {counts['copied']:,} documents in {elapsed:.0f}s ({words / elapsed:,.0f} words/s)")
        time_indexed(warmup, pg, matcher)
        results = time_indexed(quotes, pg, matcher)
        med, p95, top = stats_ms([r.ms for r in results])
        s_med, s_p95, _ = stats_ms([r.ms for r in sqlite_results])
        same = sum(a.verdict == b.verdict for a, b in zip(results, sqlite_results))
        print(f"postgresql check_quote: median {med:.1f} ms, p95 {p95:.1f} ms, max {top:.1f} ms; SQLite in this run: "
              f"median {s_med:.1f} ms, p95 {s_p95:.1f} ms; p95 ratio {p95 / s_p95:.2f} (target <= 2); "
              f"the same verdict for {same} of {len(results)} quotes")
    return f", postgresql median {med:.1f} ms, p95 {p95:.1f} ms ({p95 / s_p95:.2f}x)"


def load() -> str:
    return "%.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", default="1000000,10000000",
                        help="comma-separated archive sizes in words (default 1000000,10000000)")
    parser.add_argument("--quotes", type=int, default=200, help="quotes to time check_quote on (default 200)")
    parser.add_argument("--naive-quotes", type=int, default=20,
                        help="of those, how many to time the naive approach on (default 20)")
    parser.add_argument("--keep", metavar="DIR", help="keep the archives in DIR and reuse them on later runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--real", type=Path, nargs="?", const=True, default=None, metavar="DIR",
                        help="archives of copies of real transcripts (default: the shared real-checks/archive), "
                             "each later copy with about 3%% of its words changed")
    backends.add_arguments(parser)
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="cProfile the K slowest quotes of each size (default 0: no profile)")
    args = parser.parse_args()
    if args.quotes < 1:
        parser.error("--quotes must be at least 1")
    if args.real is True:
        args.real = shared_data("real-checks/archive") or sys.exit("bench_check: no real transcripts found; give --real DIR")
    print(f"{os.cpu_count()} CPUs, load average {load()}; SQLite {sqlite3.sqlite_version}; "
          f"Python {sys.version.split()[0]}")
    # The same vocabulary the corpus is made of: TextGenerator(seed) draws it first from its rng.
    vocab = TextGenerator(args.seed).vocab
    matcher = SpeakerMatcher()
    summaries = [run(int(float(size)), args, matcher, vocab) for size in args.words.split(",")]
    print()
    print("\n".join(summaries))


if __name__ == "__main__":
    main()
