#!/usr/bin/env python3
"""Articles per second of quote extraction in one process, on one core.

Reads the PolNeAR training texts when ../shared/data/polnear-train is there, else the articles in
fixtures/articles/. Loading the files is not timed; extraction (quotes, speakers) is.

    python benchmarks/bench_extract.py [--rounds 3] [DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier.article.load import load_article  # noqa: E402
from verifier.quotes.extract import extract_quotes  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "data" / "polnear-train" / "text"


def corpus(directory: Path | None) -> tuple[str, list[str]]:
    if directory is None:
        directory = POLNEAR if POLNEAR.is_dir() else ROOT / "fixtures" / "articles"
    paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".html"))
    return str(directory), [load_article(str(p)).text for p in paths]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    where, texts = corpus(args.directory)
    words = sum(len(t.split()) for t in texts)
    rates, quotes = [], 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        quotes = sum(len(extract_quotes(t)) for t in texts)
        rates.append(len(texts) / (time.perf_counter() - t0))
    print(f"corpus: {where} ({len(texts)} articles, {words} words, {quotes} quotations)")
    print(f"extraction: {statistics.median(rates):.0f} articles/s median of {args.rounds} rounds "
          f"(best {max(rates):.0f}, {statistics.median(rates) * words / len(texts):.0f} words/s)")


if __name__ == "__main__":
    main()
