#!/usr/bin/env python3
"""How well `verifier check` judges the quotes of the evaluation set (benchmarks/evalset/).

Builds a fresh archive in a temporary directory from benchmarks/evalset/archive (with the per-file
flags of benchmarks/evalset/sources.json), runs `verifier check --format json --fail-on never` on
every article of benchmarks/evalset/articles, matches each quote of benchmarks/evalset/expected.json
to the tool's quote by its text, and prints: accuracy, the confusion matrix, the share right per
difference category, the acceptance checks, and every mismatch.

    python benchmarks/eval_check.py                      # run python -m verifier
    python benchmarks/eval_check.py --json               # the figures as JSON
    python benchmarks/eval_check.py --verifier "verifier"   # another command
    python benchmarks/eval_check.py --from-json out.jsonl   # judge saved `check --format json` output
    python benchmarks/eval_check.py --archive-dir        # let `check` index the source directory itself

It is a report, not a test: the exit status is 0 whatever the figures are; 2 only when the tool
cannot be run (with a one-line message).
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVALSET = ROOT / "benchmarks" / "evalset"
VERDICTS = ["verified", "minor", "misquote", "misattributed", "unverified"]
NOT_EXTRACTED = "not extracted"
MUST_BE_MISQUOTE = ("negation", "number", "substitution", "splice")
TIMEOUT = 900
SKIPPED_SOURCES = {"readme", "readme.md", "readme.txt", "license", "license.md", "license.txt"}
EARLY_WORDS = ("before", "earlier", "predates", "pre-dates", "after the article", "later than",
               "not yet", "future")


class Fail(Exception):
    """The tool could not be run: one line for standard error, exit status 2."""


# ----------------------------------------------------------------------------- matching

_QUOTE_CHARS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                              "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
                              "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})
_EDGE = " \t\r\n.,;:!?\"'-()"


def norm(text: str) -> str:
    """Text for matching: NFC, straight quotes, whitespace collapsed, no edge punctuation, lower case."""
    text = unicodedata.normalize("NFC", text or "").translate(_QUOTE_CHARS)
    return " ".join(text.split()).strip(_EDGE).casefold()


def article_key(path: str) -> str:
    """'benchmarks/evalset/articles/x.md', '/abs/.../articles/x.md', 'articles/x.md' -> 'articles/x.md'."""
    p = Path(path)
    return f"{p.parent.name}/{p.name}"


def match(expected: list[dict], results: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    """Pair each expected quote with the tool's quote of the same article and text.

    Returns (rows, unexpected): one row per expected quote with the tool's quote or None (and how it
    matched: "exact" or "loose"), and the tool's statement quotes that no expected quote claimed.
    Duplicates are paired in order of appearance.
    """
    pools: dict[str, list[dict]] = {}
    for key, obj in results.items():
        pools[key] = [q for q in obj.get("quotes") or [] if q.get("kind", "statement") == "statement"]
    used: dict[str, set] = defaultdict(set)
    rows = []
    for exp in expected:
        key = article_key(exp["article"])
        pool = pools.get(key, [])
        want = norm(exp["quote"])
        found, how = None, None
        for i, q in enumerate(pool):
            if i not in used[key] and norm(q.get("text", "")) == want:
                found, how = i, "exact"
                break
        if found is None:   # a quote cut or joined differently: one text inside the other, similar length
            for i, q in enumerate(pool):
                got = norm(q.get("text", ""))
                if i in used[key] or not got:
                    continue
                if (want in got or got in want) and min(len(want), len(got)) / max(len(want), len(got)) >= 0.8:
                    found, how = i, "loose"
                    break
        if found is not None:
            used[key].add(found)
        rows.append({"expected": exp, "got": pool[found] if found is not None else None, "match": how,
                     "article_seen": key in results})
    unexpected = [{"article": key, "quote": q.get("text"), "speaker": q.get("speaker"), "verdict": q.get("verdict")}
                  for key, pool in pools.items() for i, q in enumerate(pool) if i not in used[key]]
    return rows, unexpected


# ----------------------------------------------------------------------------- figures

def verdict_of(row: dict) -> str:
    got = row["got"]
    if got is None:
        return NOT_EXTRACTED
    v = got.get("verdict")
    return v if v in VERDICTS else f"?{v}"


def notes_of(quote: dict | None) -> list[str]:
    if not quote:
        return []
    out = []
    for d in quote.get("differences") or []:
        if isinstance(d, dict):
            out.append(d.get("note") or f"{d.get('kind')} {d.get('op')}: {d.get('quote')!r} / {d.get('source')!r}")
        else:
            out.append(str(d))
    return out


def _notes(value, inside: bool = False) -> list[str]:
    """Every string under a key named note(s)/warning(s)/message(s), anywhere in ``value``."""
    if isinstance(value, str):
        return [value] if inside else []
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("source", "closest")
                for s in _notes(v, inside or k in ("note", "notes", "warning", "warnings", "message", "messages"))]
    if isinstance(value, list):
        return [s for v in value for s in _notes(v, inside)]
    return []


def says_earlier(quote: dict | None) -> bool:
    """Whether the tool's notes on a quote say that the article predates its source."""
    if not quote:
        return False
    text = " ".join(_notes(quote)).lower()
    return any(w in text for w in EARLY_WORDS) and any(w in text for w in ("date", "source", "article"))


def figures(rows: list[dict], unexpected: list[dict]) -> dict:
    n = len(rows)
    got = [verdict_of(r) for r in rows]
    right = sum(1 for r, g in zip(rows, got) if g == r["expected"]["verdict"])
    columns = VERDICTS + [NOT_EXTRACTED]
    matrix = {e: {c: 0 for c in columns} for e in VERDICTS}
    for r, g in zip(rows, got):
        row = matrix.setdefault(r["expected"]["verdict"], {c: 0 for c in columns})
        row[g] = row.get(g, 0) + 1

    categories: dict[str, dict] = {}
    for r, g in zip(rows, got):
        for cat in r["expected"].get("differences") or []:
            c = categories.setdefault(cat, {"quotes": 0, "right": 0, "got": Counter()})
            c["quotes"] += 1
            c["right"] += g == r["expected"]["verdict"]
            c["got"][g] += 1
    for c in categories.values():
        c["share"] = round(c["right"] / c["quotes"], 3) if c["quotes"] else None
        c["got"] = dict(c["got"])

    must = [(r, g) for r, g in zip(rows, got) if set(r["expected"].get("differences") or []) & set(MUST_BE_MISQUOTE)]
    missed = [r for r, g in must if g != "misquote"]
    edited_ok = [(r, g) for r, g in zip(rows, got) if r["expected"]["verdict"] == "verified"]
    false_alarms = [r for r, g in edited_ok if g == "misquote"]
    within = [(r, g) for r, g in zip(rows, got) if "quoting-within" in (r["expected"].get("differences") or [])]
    early = [r for r in rows if "earlier-than-source" in (r["expected"].get("differences") or [])]

    source_checks = []
    for r in rows:
        want = r["expected"].get("source")
        if not want:
            continue
        src = (r["got"] or {}).get("source") or {}
        source_checks.append({"quote": r["expected"]["quote"], "article": r["expected"]["article"],
                              "want": want, "got": {"date": src.get("date"), "speaker": src.get("speaker")},
                              "ok": src.get("date") == want.get("date") and src.get("speaker") == want.get("speaker")})
    speakers = [r for r in rows if r["got"] is not None and r["got"].get("speaker") != r["expected"]["speaker"]]

    mismatches = []
    for r, g in zip(rows, got):
        if g == r["expected"]["verdict"]:
            continue
        q = r["got"] or {}
        src = q.get("source") or q.get("closest") or {}
        mismatches.append({"article": r["expected"]["article"], "quote": r["expected"]["quote"],
                           "speaker": r["expected"]["speaker"], "tool_speaker": q.get("speaker"),
                           "expected": r["expected"]["verdict"], "got": g, "score": q.get("score"),
                           "categories": r["expected"].get("differences") or [],
                           "expected_note": r["expected"].get("note", ""), "notes": notes_of(q),
                           "source": {k: src.get(k) for k in ("speaker", "date", "title", "text") if src.get(k)}})
    return {
        "quotes": n,
        "extracted": sum(1 for g in got if g != NOT_EXTRACTED),
        "loose_matches": sum(1 for r in rows if r["match"] == "loose"),
        "accuracy": round(right / n, 3) if n else None,
        "right": right,
        "by_expected": {v: {"quotes": sum(1 for r in rows if r["expected"]["verdict"] == v),
                            "right": sum(1 for r, g in zip(rows, got) if r["expected"]["verdict"] == v == g)}
                        for v in VERDICTS},
        "confusion": matrix,
        "categories": dict(sorted(categories.items())),
        "checks": {
            "every negation, number, substitution and splice caught": {
                "pass": not missed, "quotes": len(must), "missed": len(missed)},
            "no verbatim or properly edited quote called a misquote": {
                "pass": not false_alarms, "quotes": len(edited_ok), "misquote": len(false_alarms)},
            "no quote of a speaker quoting another called misattributed": {
                "pass": not any(g == "misattributed" for _, g in within), "quotes": len(within),
                "misattributed": sum(1 for _, g in within if g == "misattributed")},
        },
        "earlier_than_source": {"quotes": len(early), "flagged": sum(1 for r in early if says_earlier(r["got"])),
                                "flagged_wrongly": [r["expected"]["quote"] for r in rows
                                                    if r not in early and says_earlier(r["got"])],
                                "unflagged": [r["expected"]["quote"] for r in early if r["got"] and not says_earlier(r["got"])]},
        "sources": {"checked": len(source_checks), "right": sum(1 for s in source_checks if s["ok"]),
                    "wrong": [s for s in source_checks if not s["ok"]]},
        "speaker_differences": [{"article": r["expected"]["article"], "quote": r["expected"]["quote"],
                                 "expected": r["expected"]["speaker"], "tool": r["got"].get("speaker")}
                                for r in speakers],
        "unexpected_quotes": unexpected,
        "mismatches": mismatches,
    }


# ----------------------------------------------------------------------------- report

def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "0/0"


def _short(text: str, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def print_report(f: dict, out=sys.stdout) -> None:
    w = out.write
    loose = f" ({f['loose_matches']} matched loosely)" if f["loose_matches"] else ""
    w(f"Evaluation set: {f['quotes']} expected quotes, {f['extracted']} extracted{loose}\n")
    w(f"Accuracy: {_pct(f['right'], f['quotes'])}\n\n")

    columns = VERDICTS + [NOT_EXTRACTED]
    heads = ["verified", "minor", "misquote", "misattr.", "unverif.", "not extr."]
    w("Confusion matrix (rows: expected, columns: got)\n")
    w(f"{'':15}" + "".join(f"{h:>10}" for h in heads) + f"{'total':>8}{'right':>8}\n")
    for e in VERDICTS:
        row = f["confusion"].get(e, {})
        total = sum(row.values())
        extra = {k: v for k, v in row.items() if k not in columns and v}
        w(f"{e:15}" + "".join(f"{row.get(c, 0):>10}" for c in columns) + f"{total:>8}"
          f"{(f'{100 * row.get(e, 0) / total:.0f}%' if total else '-'):>8}"
          + (f"   other: {extra}" if extra else "") + "\n")
    w("\nPer difference category (quotes with the expected verdict)\n")
    for cat, c in f["categories"].items():
        wrong = {k: v for k, v in c["got"].items() if v}
        w(f"  {cat:28} {_pct(c['right'], c['quotes']):>14}   got {wrong}\n")

    w("\nAcceptance checks\n")
    for name, c in f["checks"].items():
        detail = ", ".join(f"{k} {v}" for k, v in c.items() if k != "pass")
        w(f"  [{'PASS' if c['pass'] else 'FAIL'}] {name} ({detail})\n")
    e = f["earlier_than_source"]
    w(f"  [info] articles dated before their source: {e['flagged']} of {e['quotes']} quotes say so in a note;"
      f" {len(e['flagged_wrongly'])} other quotes say so wrongly\n")
    s = f["sources"]
    w(f"  [info] expected source (speaker and date; earliest by the same speaker): {_pct(s['right'], s['checked'])}\n")
    for x in s["wrong"]:
        w(f"         {x['article']}: {_short(x['quote'], 60)!r} want {x['want']['speaker']} {x['want']['date']},"
          f" got {x['got']['speaker']} {x['got']['date']}\n")
    if f["speaker_differences"]:
        w(f"  [info] {len(f['speaker_differences'])} quotes extracted with another speaker than expected\n")
        for x in f["speaker_differences"]:
            w(f"         {x['article']}: {_short(x['quote'], 60)!r} want {x['expected']}, got {x['tool']}\n")
    if f["unexpected_quotes"]:
        w(f"  [info] {len(f['unexpected_quotes'])} quotes extracted that expected.json does not list\n")
        for x in f["unexpected_quotes"]:
            w(f"         {x['article']}: {_short(x['quote'], 60)!r} ({x['speaker']}, {x['verdict']})\n")

    w(f"\nMismatches ({len(f['mismatches'])})\n")
    for m in f["mismatches"]:
        score = f", score {m['score']}" if m.get("score") is not None else ""
        w(f"- {m['article']}: “{_short(m['quote'])}” ({m['speaker']})\n")
        w(f"    expected {m['expected']} [{', '.join(m['categories'])}], got {m['got']}{score}\n")
        if m["expected_note"]:
            w(f"    why: {m['expected_note']}\n")
        if m["tool_speaker"] and m["tool_speaker"] != m["speaker"]:
            w(f"    tool's speaker: {m['tool_speaker']}\n")
        for note in m["notes"]:
            w(f"    tool: {_short(note, 110)}\n")
        if m["source"]:
            src = m["source"]
            w(f"    source: {src.get('speaker')} {src.get('date')} “{_short(src.get('text', ''), 80)}”\n")


# ----------------------------------------------------------------------------- running the tool

def run(cmd: list[str], what: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    except FileNotFoundError:
        raise Fail(f"cannot run {shlex.join(cmd[:1])!s}: command not found") from None
    except subprocess.TimeoutExpired:
        raise Fail(f"{what} took more than {TIMEOUT} s") from None


def _last_line(text: str) -> str:
    lines = [l for l in (text or "").strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def check_available(verifier: list[str]) -> None:
    p = run(verifier + ["check", "--help"], "verifier check --help")
    if p.returncode != 0:
        raise Fail(f"`{shlex.join(verifier)} check` is not available: {_last_line(p.stderr) or f'exit status {p.returncode}'}")


def source_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)
                  and p.name.lower() not in SKIPPED_SOURCES)


def build_archive(verifier: list[str], evalset: Path, db: Path) -> None:
    manifest_path = evalset / "sources.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    plain, flagged = [], []
    for path in source_files(evalset / "archive"):
        flags = manifest.get(path.name)
        (flagged if flags else plain).append((path, flags))
    batches = [[str(p) for p, _ in plain]] if plain else []
    commands = [verifier + ["archive", "add", "--db", str(db)] + b for b in batches]
    for path, flags in flagged:
        opts = [x for k, v in flags.items() for x in (f"--{k.replace('_', '-')}", str(v))]
        commands.append(verifier + ["archive", "add", "--db", str(db)] + opts + [str(path)])
    for cmd in commands:
        p = run(cmd, "archive add")
        if p.returncode != 0:
            raise Fail(f"archive add failed (exit status {p.returncode}): {_last_line(p.stderr) or _last_line(p.stdout)}")


def run_check(verifier: list[str], archive: str, articles: list[str]) -> str:
    cmd = verifier + ["check", "--archive", archive, "--format", "json", "--fail-on", "never"] + articles
    p = run(cmd, "verifier check")
    if p.returncode == 2 and "--fail-on" in (p.stderr or ""):   # an older check without --fail-on
        cmd = [c for c in cmd if c not in ("--fail-on", "never")]
        p = run(cmd, "verifier check")
    if p.returncode not in (0, 1):
        raise Fail(f"verifier check failed (exit status {p.returncode}): {_last_line(p.stderr) or 'no message'}")
    return p.stdout


def parse_results(text: str, origin: str) -> dict[str, dict]:
    results = {}
    stripped = text.strip()
    if stripped.startswith("["):   # a JSON list instead of JSON Lines
        objects = json.loads(stripped)
    else:
        objects = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    objects.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise Fail(f"{origin}: line {n} is not JSON ({exc.msg})") from None
    for obj in objects:
        if isinstance(obj, dict) and obj.get("path"):
            results[article_key(obj["path"])] = obj
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--verifier", default=None, help="command that runs the verifier (default: python -m verifier)")
    ap.add_argument("--from-json", metavar="FILE", help="read `verifier check --format json` output from FILE ('-': stdin)"
                    " instead of running the tool")
    ap.add_argument("--archive", metavar="DB_OR_DIR", help="use this archive instead of building a fresh one")
    ap.add_argument("--archive-dir", action="store_true", help="pass the evalset's source directory to --archive"
                    " (directory mode; the flags in sources.json are then not applied)")
    ap.add_argument("--evalset", type=Path, default=EVALSET, help=argparse.SUPPRESS)
    ap.add_argument("--save", metavar="FILE", help="also save the tool's JSON output to FILE")
    args = ap.parse_args(argv)

    expected = json.loads((args.evalset / "expected.json").read_text(encoding="utf-8"))
    articles = sorted({e["article"] for e in expected})
    try:
        if args.from_json:
            raw = sys.stdin.read() if args.from_json == "-" else Path(args.from_json).read_text(encoding="utf-8")
            origin = args.from_json
        else:
            verifier = shlex.split(args.verifier) if args.verifier else [sys.executable, "-m", "verifier"]
            check_available(verifier)
            paths = [str((args.evalset / a).resolve().relative_to(ROOT)) if (args.evalset / a).resolve().is_relative_to(ROOT)
                     else str((args.evalset / a).resolve()) for a in articles]
            with tempfile.TemporaryDirectory(prefix="evalcheck-") as tmp:
                if args.archive:
                    archive = args.archive
                elif args.archive_dir:
                    archive = str(args.evalset / "archive")
                else:
                    archive = str(Path(tmp) / "evalset.db")
                    build_archive(verifier, args.evalset, Path(archive))
                raw = run_check(verifier, archive, paths)
            origin = "verifier check"
        if args.save:
            Path(args.save).write_text(raw, encoding="utf-8")
        results = parse_results(raw, origin)
    except Fail as exc:
        print(f"eval_check: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"eval_check: {exc.filename or args.from_json}: {exc.strerror or exc}", file=sys.stderr)
        return 2

    missing_articles = [a for a in articles if article_key(a) not in results]
    rows, unexpected = match(expected, results)
    f = figures(rows, unexpected)
    f["articles"] = len(articles)
    f["articles_missing"] = missing_articles
    f["articles_failed"] = {k: v.get("error") for k, v in results.items() if v.get("error")}
    if args.json:
        print(json.dumps(f, indent=1, ensure_ascii=False))
    else:
        if missing_articles:
            print(f"Articles missing from the tool's output: {', '.join(missing_articles)}")
        for k, v in f["articles_failed"].items():
            print(f"Article failed: {k}: {v}")
        print_report(f)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:   # the report piped into head and the like
        sys.stderr.close()
        sys.exit(0)
