#!/usr/bin/env python3
"""Start-up: wall time of `verifier --help` and `verifier quotes` on one article, beside bare Python.

A pre-commit hook or CI job runs the command once per draft, so start-up is paid on every commit.
Each command is run ``--rounds`` times, the three interleaved so that a noisy machine slows them
alike; the medians and the ratios to `python -c pass` are printed.

    python benchmarks/bench_startup.py                  # a ~1,400-word fixture article
    python benchmarks/bench_startup.py --article PATH --rounds 30
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaldata import shared_data  # noqa: E402


def default_article() -> Path:
    """The article closest to 1,400 words: of the PolNeAR texts when they are beside the project,
    else of the fixtures."""
    folder = shared_data("polnear-train/text") or ROOT / "fixtures" / "articles"
    articles = [p for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md", ".html") and p.name != "README.md"]
    return min(articles, key=lambda p: abs(len(p.read_text(encoding="utf-8").split()) - 1400))


def wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--article", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    article = args.article or default_article()
    verifier = shutil.which("verifier") or sys.exit("verifier is not installed (pip install -e .)")
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "verifier --help": [verifier, "--help"],
                f"verifier quotes {article.name}": [verifier, "quotes", str(article)]}
    for cmd in commands.values():
        wall(cmd)   # warm the file cache and the byte-code
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            times[name].append(wall(cmd))
    words = len(article.read_text(encoding="utf-8").split())
    print(f"article: {article.relative_to(ROOT) if article.is_relative_to(ROOT) else article} ({words} words); "
          f"{args.rounds} interleaved rounds")
    base = statistics.median(times["python -c pass"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:40} median {median * 1000:6.0f} ms  p90 {sorted(values)[int(0.9 * len(values))] * 1000:6.0f} ms"
              f"  {median / base:5.1f}x bare python")


if __name__ == "__main__":
    main()
