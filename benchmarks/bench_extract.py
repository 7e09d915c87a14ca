#!/usr/bin/env python3
"""Articles per second of quote extraction in one process, on one core.

Reads the PolNeAR training texts (found by ``evaldata.shared_data``: beside the project, above the
working directory, or in $VERIFIER_SHARED_DATA); without them it stops and says so, unless
--fixtures asks for the articles in fixtures/articles/. Loading the files is not timed;
extraction (quotes, speakers) is.

    python benchmarks/bench_extract.py [--rounds 3] [DIR | --fixtures]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaldata import shared_data  # noqa: E402
from verifier.article.load import load_article  # noqa: E402
from verifier.quotes.extract import extract_quotes  # noqa: E402


def corpus(directory: Path | None, fixtures: bool = False) -> tuple[str, list[str]]:
    if fixtures:
        directory = ROOT / "fixtures" / "articles"
    if directory is None:
        directory = shared_data("polnear-train/text")
        if directory is None:
            sys.exit("bench_extract: the PolNeAR texts (shared/data/polnear-train/text) are not beside the "
                     "project nor above the working directory; give their folder, set "
                     "$VERIFIER_SHARED_DATA, or time the fixtures with --fixtures")
    paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".html"))
    return str(directory), [load_article(str(p)).text for p in paths]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", type=Path)
    ap.add_argument("--fixtures", action="store_true", help="time the fixture articles instead")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    where, texts = corpus(args.directory, args.fixtures)
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
