#!/usr/bin/env python3
"""Build verifier/quotes/given_names.txt: given names with a usual gender, from public records.

The source is the US Social Security Administration's national baby-name files ("Popular Baby
Names", https://www.ssa.gov/oact/babynames/limits.html; a US government work in the public domain):
one file per year of birth, ``yobYYYY.txt``, lines ``Name,F|M,count`` (a header line is skipped).
Give several years, so that the names of people of every age in the news are in; a name is kept
when it is given at least ``--min-count`` times in them all, and to one sex in at least
``--share`` of those. The output has one name per line, lower case, with its gender:

    dianne f
    todd m

The shipped file was built from the years 1970, 1987, 1991 and 2015:

    python benchmarks/build_given_names.py yob1970.txt yob1987.txt yob1991.txt yob2015.txt

``verifier.quotes.lexicon`` reads it (with its own short lists of names the records lack, such as
the fictional fixtures' and some non-US ones) to tell "he" from "she" (#13).
"""
from __future__ import annotations

import argparse
import collections
import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "verifier" / "quotes" / "given_names.txt"


def counts(paths: list[Path]) -> dict[str, collections.Counter]:
    """For each lower-case name, how often each sex was given it in these files."""
    out: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for path in paths:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                if len(row) != 3 or row[1] not in ("F", "M") or not row[2].isdigit():
                    continue   # the header, a blank line
                out[row[0].lower()][row[1].lower()] += int(row[2])
    return out


def usual_gender(by_sex: collections.Counter, share: float, min_count: int) -> str | None:
    total = sum(by_sex.values())
    if total < min_count:
        return None
    sex, n = by_sex.most_common(1)[0]
    return sex if n / total >= share else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", type=Path, nargs="+", help="SSA yobYYYY.txt files")
    ap.add_argument("--share", type=float, default=0.95, help="least share of one sex (default 0.95)")
    ap.add_argument("--min-count", type=int, default=50, help="least times given in all files (default 50)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    names = {name: usual_gender(by_sex, args.share, args.min_count) for name, by_sex in counts(args.files).items()}
    kept = sorted((name, sex) for name, sex in names.items() if sex)
    args.out.write_text("".join(f"{name} {sex}\n" for name, sex in kept), encoding="utf-8")
    print(f"{len(kept)} names ({sum(s == 'f' for _, s in kept)} f, {sum(s == 'm' for _, s in kept)} m) "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
