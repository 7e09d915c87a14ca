"""Concurrent writers and readers on one PostgreSQL archive (the acceptance run of issue #15).

    python benchmarks/bench_concurrency.py [--writers 4] [--files 200] [--checkers 8] [--seconds 60]
                                           [--pg-url URL]

Writes ``--files * 1.5`` small transcripts (fictional speakers) into a temporary directory; then
``--writers`` processes run ``verifier archive add`` on overlapping sets of ``--files`` files each
(every file is in two or three sets), while ``--checkers`` processes run ``verifier check`` on a
short article quoting those transcripts, in a loop, for ``--seconds`` (the archive holds the first
file before they start). At the end: the archive's
document count against the number of distinct files, ``archive check``, how many checks ran and
how many failed (exit status other than 0 or 1, or output that is not JSON), and each writer's
status. Exit status 0 when all is as it should be. A throwaway server unless ``--pg-url``.
Not a pytest test.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import backends  # noqa: E402

NAMES = ["Mara Voss", "Teodor Brann", "Ilse Kartano", "Ruben Achterberg", "Helga Sorenstam"]


def write_files(directory: Path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        a, b = NAMES[i % 5], NAMES[(i + 2) % 5]
        text = (f"{a.upper()}: On the harbour levy, item {i}: the ferry {i * 7} runs until the pier "
                f"at berth {i % 40} is safe, and the council votes on the reserve in week {i % 52}.\n\n"
                f"{b.upper()}: Reply {i}. We will not raise fares on line {i % 30} before the audit.\n")
        path = directory / f"t{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def run(args, url: str) -> int:
    with tempfile.TemporaryDirectory(prefix="bench_concurrency_") as tmp:
        tmp = Path(tmp)
        (tmp / "src").mkdir()
        files = write_files(tmp / "src", args.files * 3 // 2)
        step = (len(files) - args.files) // max(1, args.writers - 1)
        sets = [files[k * step:k * step + args.files] for k in range(args.writers)]
        distinct = len({f for s in sets for f in s})
        article = tmp / "story.md"
        article.write_text("“We will not raise fares on line 3 before the audit,” Teodor Brann said.\n\n"
                           "“The ferry 21 runs until the pier at berth 3 is safe,” Ruben Achterberg said.\n",
                           encoding="utf-8")
        cli = [sys.executable, "-m", "verifier"]
        # The archive holds one of the files before the load starts (a check of an empty archive
        # is an error by design); the writers add it again, as "unchanged".
        subprocess.run(cli + ["archive", "add", "--db", url, files[0]], capture_output=True, check=True)
        start = time.monotonic()
        writers = [subprocess.Popen(cli + ["archive", "add", "--db", url, "--format", "json", *s],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for s in sets]
        checks, failures = [0], []

        def checker():
            while time.monotonic() - start < args.seconds:
                out = subprocess.run(cli + ["check", "--archive", url, "--format", "json", "--fail-on", "never",
                                            str(article)], capture_output=True, text=True)
                checks[0] += 1
                try:
                    ok = out.returncode in (0, 1) and json.loads(out.stdout.splitlines()[0])["quotes"] is not None
                except (ValueError, IndexError, KeyError):
                    ok = False
                if not ok:
                    failures.append((out.returncode, out.stderr.strip()[-300:]))

        with ThreadPoolExecutor(args.checkers) as pool:
            list(pool.map(lambda _: checker(), range(args.checkers)))
        statuses = [w.wait() for w in writers]
        writers_done = time.monotonic() - start
        counted = json.loads(subprocess.run(cli + ["archive", "stats", "--db", url, "--format", "json"],
                                            capture_output=True, text=True).stdout)["documents"]
        sound = subprocess.run(cli + ["archive", "check", "--db", url], capture_output=True, text=True)
    print(f"{args.writers} writers x {args.files} files ({distinct} distinct), {args.checkers} checkers for "
          f"{args.seconds}s: writers' exit statuses {statuses} (all done within {writers_done:.0f}s)")
    print(f"documents in the archive: {counted} (distinct files: {distinct}); archive check: "
          f"{sound.stdout.strip() or sound.stderr.strip()}")
    print(f"checks: {checks[0]} run, {len(failures)} failed" + (f"; first: {failures[0]}" if failures else ""))
    good = counted == distinct and not failures and all(s == 0 for s in statuses) and sound.returncode == 0
    print(f"SUMMARY writers={args.writers} files={args.files} distinct={distinct} documents={counted} "
          f"checks={checks[0]} failed={len(failures)} {'OK' if good else 'PROBLEM'}")
    return 0 if good else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--files", type=int, default=200, help="files per writer (default 200)")
    parser.add_argument("--checkers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pg-url", metavar="URL", help="PostgreSQL server to use (default: a throwaway one)")
    args = parser.parse_args()
    args.backend = "postgresql"
    with backends.postgres_databases(args) as new_database:
        sys.exit(run(args, new_database()))


if __name__ == "__main__":
    main()
