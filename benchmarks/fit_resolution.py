#!/usr/bin/env python3
"""Fit the weights that rank who a pronoun or description stands for (verifier/quotes/resolution_weights.json).

Reads the hand labels of ``speakers.json`` in a PolNeAR split (which person or body "he", "she",
"the senator", "the statement" stands for, by gold quote) and the split's gold quotes. Each
labelled article is extracted; every resolution the extractor makes (``extract_with_resolutions``)
is matched to the gold quote it attributes, and each of its candidate entities is labelled 1 when
its name holds the label's family name (as ``score_extraction.py`` scores it), else 0.

A logistic regression (scikit-learn, L2) is fitted with 5-fold cross-validation grouped by
article; every held-out fold is extracted again with that fold's weights and scored as
``score_extraction.py`` scores ``resolved=``, so the figure printed is what unseen articles get.
The features of a resolution depend on the resolutions before it, so fitting runs in rounds, each
extracting with the previous round's weights. Then the weights are fitted on everything and written
(unless --dry-run).

    pip install -e '.[fit]'
    python benchmarks/fit_resolution.py ../shared/data/polnear-train
    python benchmarks/fit_resolution.py ../shared/data/polnear-train --dry-run
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))

from verifier.quotes import resolve  # noqa: E402
from verifier.quotes.extract import STATEMENT, extract_with_resolutions  # noqa: E402

FOLDS = 5
ROUNDS = 2
FLOORS = (0.0, 0.05, 0.1, 0.2, 0.3)
WEIGHTS = ROOT / "verifier" / "quotes" / "resolution_weights.json"


@dataclass
class Labelled:
    """A gold quote whose source is a pronoun or description, and the name it stands for."""

    article: str
    start: int
    end: int
    target: str | None   # the family name ``score_extraction.py`` looks for; None: never named


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split", type=Path, help="a PolNeAR split with speakers.json")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    ap.add_argument("--C", type=float, default=0.1, help="inverse L2 strength")
    ap.add_argument("--floor", type=float, default=0.1, help="least probability to name anyone")
    args = ap.parse_args()
    from polnear import load_split
    articles = {a.name: a for a in load_split(args.split)}
    labelled = load_labels(args.split / "speakers.json", articles)
    names = sorted({x.article for x in labelled})
    print(f"{len(labelled)} labelled quotes in {len(names)} articles")
    weights = resolve.shipped_weights()
    print(f"shipped weights: resolved {score(articles, labelled, names, weights):.3f}")
    folds = article_folds(names)
    for round_ in range(ROUNDS):
        held = {floor: [0, 0, 0] for floor in FLOORS}   # right, wrong name, no name
        for test in folds:
            fold_weights = fit(articles, labelled, [n for n in names if n not in test], weights, args.C)
            for floor in FLOORS:
                counts = score_counts(articles, labelled, test, {**fold_weights, "min_probability": floor})
                held[floor] = [a + b for a, b in zip(held[floor], counts)]
        weights = {**fit(articles, labelled, names, weights, args.C), "min_probability": args.floor}
        print(f"round {round_ + 1}: fitted on all: resolved {score(articles, labelled, names, weights):.3f}; "
              "cross-validated, by the least probability to name anyone:")
        for floor, (ok, wrong, none) in held.items():
            n = ok + wrong + none
            print(f"    {floor:.2f}: resolved {ok / max(n, 1):.3f} ({ok}/{n}), wrong name {wrong}, no name {none}")
    if not args.dry_run:
        WEIGHTS.write_text(json.dumps(weights, indent=1) + "\n")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")


def load_labels(path: Path, articles: dict) -> list[Labelled]:
    """The labels that ``score_extraction.py`` scores: a named target, a gold source that is a
    pronoun or a description (no family name of its own)."""
    from score_extraction import PRONOUNS, surname
    out = []
    for row in json.loads(path.read_text()):
        name, start, end = row["id"].rsplit(":", 2)
        gold = next((g for g in articles[name].quotes if (g.start, g.end) == (int(start), int(end))), None)
        if gold is None or (surname(gold.source_text) and gold.source_text.strip().lower() not in PRONOUNS):
            continue
        target = (surname(row["speaker"]) or row["speaker"].split()[-1].lower()) if row.get("speaker") else None
        out.append(Labelled(name, int(start), int(end), target))
    return out


def article_folds(names: list[str]) -> list[set[str]]:
    return [set(names[k::FOLDS]) for k in range(FOLDS)]


def gather(articles: dict, labelled: list[Labelled], names: list[str], weights: dict):
    """Feature rows and 0/1 labels of every candidate of every labelled resolution in ``names``."""
    from score_extraction import iou
    rows, labels = [], []   # one group of candidates per resolution
    wanted = set(names)
    for name in sorted(wanted):
        quotes, cases = extract_with_resolutions(articles[name].text, weights)
        by_at = {c.at: c for c in cases}
        pairs = matches(articles[name], quotes, iou)
        seen = set()
        for lab in (x for x in labelled if x.article == name):
            quote = pairs.get((lab.start, lab.end))
            case = by_at.get((quote.speaker_mention or {}).get("start")) if quote else None
            if case is None or id(case) in seen:
                continue
            seen.add(id(case))
            marks = [int(lab.target is not None and lab.target in e.name.lower().replace("’", "'"))
                     for e in case.candidates]
            if lab.target is not None and not any(marks):
                continue   # the entity meant is not among the candidates: nothing to learn here
            rows.append([resolve.NOBODY, *case.features])
            labels.append([int(lab.target is None), *marks])   # nobody: the article never names it
    return rows, labels


def matches(article, quotes, iou) -> dict[tuple[int, int], object]:
    """Gold quote (start, end) -> the system quote ``score_extraction.py`` pairs it with: in gold
    order, the unused system quote of the highest overlap, if it is at least one half."""
    quotes = [q for q in quotes if q.kind == STATEMENT]   # what `verifier quotes` lists
    used, out = set(), {}
    for g in article.quotes:
        best, bj = 0.0, None
        for j, q in enumerate(quotes):
            if j not in used:
                v = iou((g.start, g.end), (q.start, q.end))
                if v > best:
                    best, bj = v, j
        if best >= 0.5:
            used.add(bj)
            out[(g.start, g.end)] = quotes[bj]
    return out


def fit(articles: dict, labelled: list[Labelled], names: list[str], weights: dict, C: float) -> dict:
    """Weights fitted on the resolutions of ``names``, extracted with ``weights``."""
    groups, labels = gather(articles, labelled, names, weights)
    coef = pairwise_fit(groups, labels, C)
    return {"features": list(resolve.FEATURES), "coef": coef,
            "fitted_on": f"{len(set(names))} articles, {len(groups)} resolutions"}


def pairwise_fit(groups: list[list[list[float]]], labels: list[list[int]], C: float) -> list[float]:
    """A pairwise ranking fit: in every group (the candidates of one resolution), the feature
    differences (right - wrong) of each pair are a positive example and their negation a negative
    one; a logistic regression without intercept on them scores candidates so that the right one
    ranks first (the resolver turns the scores into a softmax over the candidates)."""
    from sklearn.linear_model import LogisticRegression
    pairs, sides = [], []
    for features, marks in zip(groups, labels):
        for right in (f for f, m in zip(features, marks) if m):
            for wrong in (f for f, m in zip(features, marks) if not m):
                diff = [a - b for a, b in zip(right, wrong)]
                pairs += [diff, [-d for d in diff]]
                sides += [1, 0]
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=5000)
    model.fit(pairs, sides)
    return [round(float(c), 4) for c in model.coef_[0]]


def score_counts(articles: dict, labelled: list[Labelled], names, weights: dict) -> tuple[int, int, int]:
    """Right, wrong and unnamed speakers, as ``score_extraction.py`` counts ``resolved=`` on these
    articles (a wrong or missing name is a miss there)."""
    from score_extraction import iou
    ok = wrong = none = 0
    for name in sorted(set(names)):
        quotes, _ = extract_with_resolutions(articles[name].text, weights)
        pairs = matches(articles[name], quotes, iou)
        for lab in (x for x in labelled if x.article == name and x.target):
            quote = pairs.get((lab.start, lab.end))
            if quote is None:
                continue
            right = lab.target in (quote.speaker or "").lower().replace("’", "'")
            ok, wrong, none = ok + right, wrong + (not right and bool(quote.speaker)), none + (not quote.speaker)
    return ok, wrong, none


def score(articles, labelled, names, weights) -> float:
    ok, wrong, none = score_counts(articles, labelled, names, weights)
    return ok / max(ok + wrong + none, 1)


if __name__ == "__main__":
    main()
