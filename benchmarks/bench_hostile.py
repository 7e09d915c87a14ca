#!/usr/bin/env python3
"""Quote extraction on hostile input: does its time grow linearly with the input?

Times ``extract_quotes`` (what `verifier quotes` and `verifier check` run on every article) on one
paragraph of N short quotes (``“We win,” he said.`` repeated, N = 1k, 4k, 16k by default) and on
one single line of prose of 1 MB and 5 MB, then prints the ratio of the largest to the smallest
quote count's time: about its size ratio (16) when extraction is linear, want at most 20.

    python benchmarks/bench_hostile.py [--pairs 1000 4000 16000] [--line-mb 1 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier.quotes.extract import extract_quotes  # noqa: E402

PAIR = "“We win,” he said. "
LINE = ("The minister, Mara Voss, spoke in Kessel Bend on Tuesday. “We will rebuild the embankment,” "
        "she said. The mayor agreed, and the council met. ")


def quote_pairs(n: int) -> str:
    return PAIR * n


def single_line(megabytes: float) -> str:
    size = int(megabytes * 1_000_000)
    return (LINE * (size // len(LINE) + 1))[:size]


def timed(text: str) -> tuple[float, int]:
    started = time.perf_counter()
    quotes = extract_quotes(text)
    return time.perf_counter() - started, len(quotes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--line-mb", type=float, nargs="+", default=[1, 5])
    args = parser.parse_args()
    times = {}
    for n in args.pairs:
        text = quote_pairs(n)
        times[n], found = timed(text)
        print(f"{n:>7,} quote pairs ({len(text.encode()) / 1000:,.0f} kB): {times[n]:8.2f} s  "
              f"({found:,} quotes)")
    for mb in args.line_mb:
        seconds, found = timed(single_line(mb))
        print(f"{mb:>7g} MB single line:            {seconds:8.2f} s  ({found:,} quotes)")
    small, large = min(args.pairs), max(args.pairs)
    if large > small:
        ratio = times[large] / max(times[small], 1e-9)
        print(f"ratio {large:,}/{small:,} pairs: {ratio:.1f} (size ratio {large / small:g}; "
              f"linear is about that, want at most {20 * large / small / 16:g})")


if __name__ == "__main__":
    main()
