"""Benchmark `verifier check DIR` on a folder of drafts: one process (--jobs 1) against workers.

    python benchmarks/bench_batch.py [--drafts 200] [--jobs 2] [--repeat 2] [--seed 11] [--keep DIR]

Builds an archive database from ``fixtures/archive`` (the fictional originals), then writes
``--drafts`` fictional drafts (Markdown, plain text and HTML in turn) of 400-800 words each: news
prose around four to seven quotes drawn from the archive's segments with their speakers, varied
(verbatim, a word changed, words dropped, the wrong speaker, a sentence nobody said) and
attributed in several styles. Then it times ``verifier check --archive DB --format json --fail-on
never DIR`` as a subprocess with ``--jobs 1`` and ``--jobs N`` (wall clock, best of ``--repeat``),
checks that both give the same report, and prints the speed-up. Target: at least 1.6x with 2 jobs
on 2 cores. The machine's load (``os.getloadavg``) is printed before and after, as other work on
it skews the figure. Not a pytest test.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from verifier.archive.store import Archive  # noqa: E402

TARGET = 1.6
CUES = ("said", "told reporters", "added", "said on Tuesday", "insisted", "warned", "told the council")
PLACES = ("Varenholm", "the Quayside", "Harrowmere", "the Lowen valley", "the Grey Strait", "Estmark")
SUBJECTS = ("The council", "Residents", "The ministry", "Engineers", "Local traders", "The opposition",
            "Union officials", "Analysts", "The harbour board", "Volunteers")
VERBS = ("met on", "published figures on", "raised concerns about", "returned to", "debated",
         "set out plans for", "asked questions about", "reviewed", "welcomed", "criticised")
OBJECTS = ("the flood reserve", "the northern grid plan", "the city budget", "bus routes",
           "the river wall", "library hours", "offshore wind contracts", "household bills",
           "the repair schedule", "the school building programme")
TAILS = ("after a week of heavy rain", "before the next session", "in a report seen by this paper",
         "according to documents released on Monday", "for the third time this year",
         "as the deadline approached", "without a vote", "amid growing pressure", "", "")
INVENTED = ("We will build a bridge to the island by spring",
            "Every household will receive a new meter before the winter",
            "The tram line will reach the old harbour within two years",
            "Nobody in this building knew about the report until last night",
            "We have asked the auditors to look again at every contract")


def build_archive(path: Path) -> None:
    with Archive.open(path, create=True) as archive:
        results, errors = archive.add_paths([str(ROOT / "fixtures" / "archive")])
        assert not errors, errors


def quotable(db: Path) -> list[tuple[str, str]]:
    """(speaker, sentence) pairs of 8-30 words from the archive's named speakers."""
    conn = sqlite3.connect(db)
    out = []
    for speaker, text in conn.execute("SELECT speaker, text FROM segments WHERE speaker IS NOT NULL"
                                      " AND speaker NOT IN ('Reporter', '')"):
        text = re.sub(r"\[[^\]]*\]|\([A-Z ]+\)|>>", " ", text)
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            words = sentence.rstrip(".!?").split()
            if 8 <= len(words) <= 30 and '"' not in sentence and "“" not in sentence:
                out.append((speaker, " ".join(words)))
    conn.close()
    return out


def vary(rng: random.Random, speaker: str, words: list[str], speakers: list[str]) -> tuple[str, str]:
    """A quote drawn from ``words`` and who the draft says said it."""
    roll = rng.random()
    words = list(words)
    if len(words) > 14 and rng.random() < 0.5:  # a partial quote
        start = rng.randint(0, len(words) - 10)
        words = words[start:start + rng.randint(9, len(words) - start)]
    if roll < 0.5:
        pass  # verbatim
    elif roll < 0.65:
        i = rng.randrange(len(words))
        words[i] = rng.choice(("never", "twelve", "always", "quickly", "the", "rebuild"))
    elif roll < 0.75 and len(words) > 9:
        del words[rng.randrange(1, len(words) - 1)]
    elif roll < 0.88:
        speaker = rng.choice([s for s in speakers if s != speaker] or [speaker])
    else:
        words = rng.choice(INVENTED).split()
    return " ".join(words), speaker


def prose(rng: random.Random, n_words: int) -> str:
    out, count = [], 0
    while count < n_words:
        sentence = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in "
                    f"{rng.choice(PLACES)} {rng.choice(TAILS)}").strip() + "."
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def attributed(rng: random.Random, quote: str, speaker: str) -> str:
    surname = speaker.split()[-1]
    style = rng.randrange(4)
    if style == 0:
        return f"“{quote},” {speaker} {rng.choice(CUES)}."
    if style == 1:
        return f"“{quote},” said {speaker}."
    if style == 2:
        return f"{speaker} {rng.choice(CUES)}: “{quote}.”"
    return f"“{quote},” {surname} {rng.choice(CUES)}."


def write_drafts(folder: Path, n: int, pairs: list[tuple[str, str]], rng: random.Random) -> tuple[int, int]:
    speakers = sorted({s for s, _ in pairs})
    total_words = total_quotes = 0
    for i in range(n):
        target = rng.randint(400, 800)
        paragraphs, words = [], 0
        quotes = rng.randint(4, 7)
        slots = set(rng.sample(range(1, 12), quotes))
        for k in range(12):
            if k in slots:
                speaker, sentence = rng.choice(pairs)
                quote, named = vary(rng, speaker, sentence.split(), speakers)
                # introduce the speaker by full name so short names resolve
                paragraphs.append(attributed(rng, quote, named) + " " + prose(rng, rng.randint(15, 40)))
            else:
                paragraphs.append(prose(rng, max(20, (target - words) // max(1, 12 - k))))
            words += len(paragraphs[-1].split())
        title = f"{rng.choice(SUBJECTS)} and {rng.choice(OBJECTS)}"
        kind = ("md", "txt", "html")[i % 3]
        if kind == "md":
            body = f"---\ntitle: {title}\ndate: 2025-03-{1 + i % 28:02d}\n---\n# {title}\n\n" + "\n\n".join(paragraphs)
        elif kind == "txt":
            body = title + "\n\n" + "\n\n".join(paragraphs)
        else:
            body = (f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
                    f"<nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
                    + "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in paragraphs)
                    + "</article><footer>© The Varenholm Courier</footer></body></html>")
        (folder / f"draft-{i:03d}.{kind}").write_text(body + "\n", encoding="utf-8")
        total_words += words
        total_quotes += quotes
    return total_words, total_quotes


def timed(db: Path, folder: Path, jobs: int, env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "verifier", "check", "--no-config", "--archive", str(db),
                           "--format", "json", "--fail-on", "never", "--jobs", str(jobs), str(folder)],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"verifier check --jobs {jobs} failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed, proc.stdout


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--drafts", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", metavar="DIR", help="write the archive and drafts here and keep them")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        db = tmp / "archive.db"
        if not db.exists():
            build_archive(db)
        folder = tmp / "drafts"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        words, quotes = write_drafts(folder, args.drafts, quotable(db), rng)
        print(f"{args.drafts} drafts, {words:,} words, {quotes} quotes; cores: {os.cpu_count()}, "
              f"load before: {load()}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
        env["VERIFIER_CACHE"] = str(tmp / "cache")
        best: dict[int, float] = {}
        reports: dict[int, str] = {}
        for _ in range(args.repeat):
            for jobs in (1, args.jobs):
                elapsed, report = timed(db, folder, jobs, env)
                best[jobs] = min(best.get(jobs, elapsed), elapsed)
                reports[jobs] = report
        same = reports[1] == reports[args.jobs]
        speedup = best[1] / best[args.jobs]
        print(f"--jobs 1: {best[1]:.2f}s   --jobs {args.jobs}: {best[args.jobs]:.2f}s   (best of {args.repeat})")
        print(f"speed-up: {speedup:.2f}x (target {TARGET}x)   same report: {same}   load after: {load()}")
        return 0 if same else 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
