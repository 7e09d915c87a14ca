#!/usr/bin/env python3
"""Fit the weights of the same-occasion confidence (verifier/verify/provenance_weights.json).

Reads judged quotes — the real ones of ``../shared/data/real-checks`` (gold.json: origin same /
coincidental / quoted-within) and the fictional ones of ``benchmarks/evalset`` (expected.json) —,
builds each set's archive with ``verifier archive add`` as the scorers do, and gathers the
provenance evidence of every candidate passage of every judged quote (``verifier.verify.check
.candidates``). A candidate is labelled 1 when it is the quote's occasion (the best-aligned
candidate not dated after the article, of a quote whose occasion is archived), 0 for every
candidate of a quote whose occasion is not archived; other candidates are left out.

A logistic regression (scikit-learn, standardised features, L2) is fitted with 5-fold
cross-validation grouped by article; for every held-out fold the verdicts of its quotes are given
with that fold's weights, so the figures printed are what unseen articles get. Then the weights
are fitted on everything and written (unless --dry-run).

    pip install -e '.[fit]'
    python benchmarks/fit_provenance.py                 # CV figures, then write the weights
    python benchmarks/fit_provenance.py --dry-run       # figures only
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier.archive.store import Archive  # noqa: E402
from verifier.article.load import load_article  # noqa: E402
from verifier.quotes.extract import STATEMENT, extract_quotes  # noqa: E402
from verifier.quotes.speakers import SpeakerMatcher  # noqa: E402
from verifier.verify import provenance  # noqa: E402
from verifier.verify.check import candidates, indirect_attribution  # noqa: E402
from verifier.verify.judge import judge_quote  # noqa: E402
from verifier.verify.match import parse_quote  # noqa: E402
from verifier.verify.occasion import occasion_around  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real-checks"
EVALSET = ROOT / "benchmarks" / "evalset"
FLAG = {"misquote", "misattributed"}
FOLDS = 5


@dataclass
class Judged:
    """One judged quote: where it is from, what it should get, and its candidates."""

    set: str
    article: str
    text: str
    speaker: str | None
    expected: str
    origin: str
    form: object
    candidates: list
    labels: list  # per candidate: 1, 0 or None (left out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", type=Path, default=REAL, help="the real-checks set (default: %(default)s)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write the weights")
    ap.add_argument("--errors", type=int, default=0, help="print this many wrong held-out verdicts per set")
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength (default 1.0)")
    args = ap.parse_args(argv)
    try:
        from sklearn.linear_model import LogisticRegression  # noqa: F401
    except ImportError:
        sys.exit("fit_provenance: scikit-learn is needed (pip install -e '.[fit]')")
    with tempfile.TemporaryDirectory() as tmp:
        judged = collect_real(args.real, Path(tmp) / "real.db") + collect_evalset(Path(tmp) / "eval.db")
    shipped = provenance.fitted_weights()
    names = sorted(judged[0].candidates[0].provenance.evidence.features()) if judged else []
    print(f"{len(judged)} judged quotes, {sum(len(j.candidates) for j in judged)} candidates, features: {', '.join(names)}")
    report("shipped weights, in-sample", judged, {j.article: shipped for j in judged})
    fold_weights = cross_validate(judged, names, args.c, shipped["thresholds"])
    report(f"held-out folds ({FOLDS}-fold, grouped by article)", judged, fold_weights, args.errors)
    weights = fit(judged, names, args.c, shipped["thresholds"])
    print(json.dumps(weights, indent=1))
    if not args.dry_run:
        provenance.WEIGHTS_FILE.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {provenance.WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


# ----------------------------------------------------------------------------- data

def build(db: Path, files: list[Path], flags: dict | None = None) -> Archive:
    plain = [f for f in files if not (flags or {}).get(f.name)]
    runs = [(plain, [])] + [([f], [x for k, v in flags[f.name].items() for x in (f"--{k}", str(v))])
                            for f in files if (flags or {}).get(f.name)]
    for paths, opts in runs:
        if paths:
            subprocess.run([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), *opts,
                            *map(str, paths)], check=True, capture_output=True)
    return Archive.open(db)


def collect_real(folder: Path, db: Path) -> list[Judged]:
    manifest = json.loads((folder / "manifest.json").read_text())
    gold = [g for g in json.loads((folder / "gold.json").read_text()) if g.get("confidence", "high") == "high"]
    files = sorted((folder / manifest["archive"]).glob("*.md"))
    archive = build(db, files, {f.name: {"speaker": manifest["speaker"]} for f in files})
    by_article = defaultdict(list)
    for g in gold:
        by_article[g["article"]].append(g)
    out = []
    for name, golds in sorted(by_article.items()):
        article = load_article(str((folder / manifest["articles"] / f"{name}.txt").resolve()))
        date = _date_in(name)
        quotes = [q for q in extract_quotes(article.text) if q.kind == STATEMENT]
        for g in golds:
            quote = max(quotes, key=lambda q: _iou((g["start"], g["end"]), (q.start, q.end)), default=None)
            if quote is None or _iou((g["start"], g["end"]), (quote.start, quote.end)) < 0.5:
                continue
            out.append(judge_one("real", name, article.text, quote, date, archive, g["expected"], g["origin"]))
    return out


def collect_evalset(db: Path) -> list[Judged]:
    flags = json.loads((EVALSET / "sources.json").read_text())
    files = sorted(p for p in (EVALSET / "archive").iterdir() if p.is_file())
    archive = build(db, files, {k: v for k, v in flags.items() if not k.startswith("_")})
    expected = json.loads((EVALSET / "expected.json").read_text())
    out = []
    for name in sorted({e["article"] for e in expected}):
        article = load_article(str(EVALSET / name))
        quotes = [q for q in extract_quotes(article.text) if q.kind == STATEMENT]
        by_text = {_norm(q.text): q for q in quotes}
        for e in (e for e in expected if e["article"] == name):
            quote = by_text.get(_norm(e["quote"]))
            if quote is None:
                continue
            origin = "coincidental" if e["verdict"] == "unverified" else "same"
            out.append(judge_one("evalset", name, article.text, quote, article.date, archive, e["verdict"], origin,
                                 e.get("source")))
    return out


def judge_one(set_name, name, text, quote, date, archive, expected, origin, source=None) -> Judged:
    matcher = SpeakerMatcher()
    form = parse_quote(quote.text)
    occasion = occasion_around(text, quote.start, quote.end, quote.speaker)
    cands = candidates(form, quote.speaker, archive, matcher, date, occasion, indirect_attribution(text, quote))
    labels: list = [0 if origin != "same" else None for _ in cands]
    if origin == "same":
        usable = [i for i, c in enumerate(cands) if not c.provenance.evidence.after_article
                  and _is_source(c, source)]
        if usable:
            labels[max(usable, key=lambda i: cands[i].alignment.score)] = 1
    return Judged(set_name, f"{set_name}:{name}", quote.text, quote.speaker, expected, origin, form, cands, labels)


def _is_source(candidate, source: dict | None) -> bool:
    if not source:
        return True
    doc = candidate.alignment.passage.document
    return (not source.get("date") or doc.get("date") == source["date"]) and (
        not source.get("speaker") or SpeakerMatcher().same(source["speaker"], candidate.alignment.speaker) is not False)


def _date_in(name: str) -> str | None:
    import re
    m = re.search(r"\d{4}-\d{2}-\d{2}", name)
    return m.group() if m else None


def _iou(a, b) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _norm(text: str) -> str:
    import re
    return " ".join(re.findall(r"[\w']+", text.replace("’", "'").lower()))


# ----------------------------------------------------------------------------- fitting

def rows(judged: list[Judged], names: list[str]):
    X, y, groups = [], [], []
    for j in judged:
        for c, label in zip(j.candidates, j.labels):
            if label is None or c.provenance.evidence.after_article:
                continue
            f = c.provenance.evidence.features()
            X.append([f[n] for n in names])
            y.append(label)
            groups.append(j.article)
    return X, y, groups


def fit(judged: list[Judged], names: list[str], c: float, thresholds: dict) -> dict:
    """Weights on the raw features (standardisation folded in), ready for provenance.py."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X, y, _ = rows(judged, names)
    scaler = StandardScaler().fit(X)
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(scaler.transform(X), y)
    coef = model.coef_[0] / scaler.scale_
    bias = float(model.intercept_[0] - (coef * scaler.mean_).sum())
    return {"bias": round(bias, 4), "weights": {n: round(float(w), 4) for n, w in zip(names, coef)},
            "thresholds": thresholds,
            "fitted_on": {"candidates": len(y), "positive": int(sum(y)),
                          "quotes": len(judged), "script": "benchmarks/fit_provenance.py"}}


def cross_validate(judged: list[Judged], names: list[str], c: float, thresholds: dict) -> dict:
    """Weights per article, each fitted on the folds that do not hold the article."""
    from sklearn.model_selection import GroupKFold

    articles = sorted({j.article for j in judged})
    out = {}
    for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(articles, groups=articles):
        train = {articles[i] for i in train_idx}
        weights = fit([j for j in judged if j.article in train], names, c, thresholds)
        out.update({articles[i]: weights for i in test_idx})
    return out


# ----------------------------------------------------------------------------- figures

def verdicts(judged: list[Judged], weights_of: dict) -> list[str]:
    out = []
    for j in judged:
        provenance.use_weights(weights_of[j.article])
        for c in j.candidates:
            c.provenance = provenance.judge_provenance(c.provenance.evidence)
        out.append(judge_quote(j.form, j.speaker, j.candidates, SpeakerMatcher()).verdict)
    provenance.use_weights(None)
    return out


def report(title: str, judged: list[Judged], weights_of: dict, errors: int = 0) -> None:
    got = verdicts(judged, weights_of)
    print(f"\n{title}")
    for set_name in ("real", "evalset"):
        pairs = [(j, g) for j, g in zip(judged, got) if j.set == set_name]
        if not pairs:
            continue
        conf = Counter((j.expected, g) for j, g in pairs)
        n = len(pairs)
        right = sum(v for (e, g), v in conf.items() if e == g)
        flagged = sum(v for (e, g), v in conf.items() if g in FLAG)
        true_flags = sum(v for (e, g), v in conf.items() if g in FLAG and e in FLAG)
        clean = sum(v for (e, g), v in conf.items() if e == "verified")
        alarms = sum(v for (e, g), v in conf.items() if e == "verified" and g in FLAG | {"minor"})
        wrong_verified = sum(v for (e, g), v in conf.items() if g == "verified" and e != "verified")
        caught = sum(v for (e, g), v in conf.items() if e == "misquote" and g == "misquote")
        misquotes = sum(v for (e, g), v in conf.items() if e == "misquote")
        print(f"  {set_name}: accuracy {right / n:.3f} ({right}/{n}); flag precision "
              f"{true_flags / flagged if flagged else 1:.3f} ({flagged - true_flags} false flags); clean flagged "
              f"{alarms}/{clean}; wrongly verified {wrong_verified}; misquotes caught {caught}/{misquotes}")
        wrong = Counter((e, g) for (e, g) in ((j.expected, g) for j, g in pairs) if e != g)
        print("    wrong: " + ", ".join(f"{e}->{g} {v}" for (e, g), v in wrong.most_common()))
        for j, g in [(j, g) for j, g in pairs if j.expected != g][:errors]:
            provenance.use_weights(weights_of[j.article])
            top = max(j.candidates, key=lambda c: c.confidence, default=None)
            why = (f"{top.confidence:.2f} {top.alignment.speaker} {top.alignment.passage.document.get('title')}: "
                   + "; ".join(top.provenance.evidence.reasons())) if top else "no candidate"
            print(f"    {j.expected}->{g} [{j.speaker}] {j.text[:70]!r} | {why}")
            provenance.use_weights(None)


if __name__ == "__main__":
    raise SystemExit(main())
