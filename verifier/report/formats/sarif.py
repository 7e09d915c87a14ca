"""The `sarif` report of `verifier check`: SARIF 2.1.0 for GitHub code scanning and other viewers.

One run. ``tool.driver`` names the verifier and its version and has one rule per verdict that is
reported (``verifier/misquote``, ``verifier/misattributed`` — level error; ``verifier/unverified``
— warning; ``verifier/minor`` — note). Every quote that is not verified is a result (see
``verifier.report.formats.common``) with:

- ``locations[0]``: the article (path relative to the current directory, ``%SRCROOT%``) and the
  quoted words' region — 1-based lines and columns in Unicode code points (``run.columnKind``) in
  the original file, ``endColumn`` one past the last character;
- ``message.text``: who, the verdict, the quote's start and the differences' notes;
- ``relatedLocations``: the source passage (or the closest one, for an unverified quote) — its URL
  when it has one, else ``verifier-archive:///DOCUMENT-ID`` with the passage's character offsets;
- ``partialFingerprints["verifierQuote/v1"]``: a hash of (path, speaker, quote words) and the
  occurrence number, so an alert keeps its identity when lines move between commits;
- ``properties``: verdict, score, speaker, the quote, the source record, differences and notes;
- ``suppressions`` when the quote is suppressed (``verifier: ignore``, a configuration entry), with
  its reason as the justification: code scanning then shows the alert as dismissed.

Articles that could not be read are ``toolExecutionNotifications`` of ``invocations[0]``, whose
``executionSuccessful`` is then false.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote as percent, urlsplit

from verifier import __version__
from verifier.verify.check import source_record
from verifier.report.formats.common import LEVELS, display_path, flagged, message, suppressed

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "verifierQuote/v1"

# verdict -> (name, short description, full description, help)
RULES = {
    "misquote": (
        "Misquote",
        "A quotation differs substantively from its source.",
        "The quoted words differ from the archived source in a way that changes what was said: content "
        "words substituted, inserted or omitted, a negation added or removed, a number changed, words "
        "reordered, passages joined without an ellipsis, or a paraphrase presented in quotation marks.",
        "Compare the quote with the source passage (the related location). Restore the speaker's exact "
        "words, mark the changes (an ellipsis for left-out words, [square brackets] for inserted or "
        "replaced ones), or paraphrase without quotation marks."),
    "misattributed": (
        "Misattributed",
        "A quotation is attributed to someone who did not say it.",
        "The quoted words are in the archive, but spoken by someone other than the person the article "
        "names, and not as that person quoting the named speaker.",
        "Check who said the words (the related location names the source's speaker) and correct the "
        "attribution, or remove the quote."),
    "unverified": (
        "Unverified",
        "A quotation could not be verified against the archive.",
        "No source in the archive is close enough to judge the quote. It may come from a recording or "
        "statement the archive does not hold, or it may be invented or loosely paraphrased.",
        "Find the original recording, transcript or statement and add it to the archive "
        "(verifier archive add), or confirm the words with the speaker."),
    "minor": (
        "MinorChange",
        "A quotation has small unmarked wording differences.",
        "The quote differs from its source only in ways that do not change the meaning: a function "
        "word, a contraction, an inflection, a dropped filler, false start or repetition.",
        "House style may allow these changes; otherwise restore the speaker's exact words."),
}
UNREADABLE = ("verifier/unreadable-article", "An article could not be read.")


def render(results, context: dict) -> str:
    rule_ids = list(RULES)
    out, seen = [], {}
    for result, checked in flagged(results, with_suppressed=True):
        out.append(_result(result.path, checked, rule_ids, seen))
    errors = [r for r in results if r.error is not None]
    invocation = {"executionSuccessful": not errors,
                  "toolExecutionNotifications": [_notification(r.path, r.error) for r in errors],
                  "properties": {"failOn": context.get("fail_on"),
                                 "archive": str(context.get("archive") or "")}}
    run = {
        "tool": {"driver": {
            "name": "verifier",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_rule(v) for v in rule_ids],
            "notifications": [{"id": UNREADABLE[0], "shortDescription": {"text": UNREADABLE[1]},
                               "defaultConfiguration": {"level": "error"}}],
        }},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "results": out,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(verdict: str) -> dict:
    name, short, full, help_text = RULES[verdict]
    return {"id": f"verifier/{verdict}", "name": name,
            "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": help_text}, "defaultConfiguration": {"level": LEVELS[verdict]},
            "properties": {"tags": ["quotes", "accuracy"]}}


def _result(path: str, checked, rule_ids: list[str], seen: dict) -> dict:
    q, j = checked.quote, checked.judgement
    physical: dict = {"artifactLocation": artifact(path)}
    if q.line is not None and q.column is not None:
        physical["region"] = {"startLine": q.line, "startColumn": q.column,
                              "endLine": q.end_line or q.line,
                              "endColumn": (q.end_column if q.end_column is not None else q.column) + 1}
    out = {
        "ruleId": f"verifier/{j.verdict}",
        "ruleIndex": rule_ids.index(j.verdict),
        "level": LEVELS[j.verdict],
        "message": {"text": message(checked, limit=120)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT: _fingerprint(path, q, seen)},
        "properties": _properties(checked),
    }
    source = j.alignment or j.closest
    if source is not None:
        out["relatedLocations"] = [_source_location(source, closest=j.alignment is None)]
    reason = suppressed(checked)
    if reason is not None:
        out["suppressions"] = [{"kind": "external", "justification": reason}]
    return out


def artifact(path: str) -> dict:
    """The artifactLocation of an article: relative to %SRCROOT% (the current directory) when it
    is under it, else an absolute file URI."""
    shown = display_path(path)
    if shown == "-":
        return {"uri": "stdin"}
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": percent(shown, safe="/"), "uriBaseId": SRCROOT}


def _fingerprint(path: str, quote, seen: dict) -> str:
    key = "\0".join((display_path(path), quote.speaker or "", " ".join(quote.text.split()).lower()))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}:{seen[digest]}"


def _source_location(alignment, closest: bool) -> dict:
    s = source_record(alignment)
    url = s.get("url") or ""
    if urlsplit(url).scheme in ("http", "https"):
        physical = {"artifactLocation": {"uri": url}}
    else:
        physical = {"artifactLocation": {"uri": "verifier-archive:///" + percent(str(s["id"]), safe="")}}
        if s["start"] is not None and s["end"] is not None:
            physical["region"] = {"charOffset": s["start"], "charLength": max(0, s["end"] - s["start"])}
    about = ", ".join(str(x) for x in (s["speaker"], s["date"], s["timecode"] and f"at {s['timecode']}") if x)
    label = "Closest passage (not close enough to judge)" if closest else "Source"
    text = f"{label}: {s['title'] or s['id']}" + (f" ({about})" if about else "") + f": “{s['text']}”"
    return {"id": 1, "physicalLocation": physical, "message": {"text": text}}


def _properties(checked) -> dict:
    q, j = checked.quote, checked.judgement
    props = {"verdict": j.verdict, "score": j.score, "speaker": q.speaker, "quote": q.text,
             "differences": [d.to_json() for d in j.differences], "notes": list(j.notes)}
    if j.alignment is not None:
        props["source"] = source_record(j.alignment)
    elif j.closest is not None:
        props["closest"] = source_record(j.closest)
    if q.continued or q.continues:
        props["paragraph"] = {"continued": q.continued, "continues": q.continues}
    return props


def _notification(path: str, reason: str) -> dict:
    return {"level": "error", "message": {"text": f"{display_path(path)}: {reason}"},
            "descriptor": {"id": UNREADABLE[0]},
            "locations": [{"physicalLocation": {"artifactLocation": artifact(path)}}]}
