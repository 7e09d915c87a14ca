"""What the CI reports (``sarif``, ``github``, ``junit``) share.

Which quotes are flagged: every checked quote whose verdict is not ``verified``, at a level set by
its verdict (``LEVELS``): misquote and misattributed are errors, unverified a warning, minor a
note. ``--fail-on`` does not change what is reported, only the exit status (and, in JUnit, which
testcases fail). A suppressed quote (``verifier: ignore`` in the article, or a configuration
entry) never fails: SARIF keeps it with a ``suppressions`` entry, GitHub annotations leave it out,
JUnit marks it skipped. Also here: a quote's one-line message, a one-line description of its
source, and the article's path as CI systems want it (relative to the current directory, forward
slashes).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from verifier.verify.check import fails, source_record
from verifier.verify.differences import MINOR_KIND, SUBSTANTIVE

# verdict -> level of its report (SARIF's names; GitHub calls "note" "notice")
LEVELS = {"misquote": "error", "misattributed": "error", "unverified": "warning", "minor": "note"}

HEADLINES = {
    "verified": "Verified quote of {speaker}",
    "minor": "Minor wording change in a quote of {speaker}",
    "misquote": "Misquote of {speaker}",
    "misattributed": "Misattributed to {speaker}",
    "unverified": "Unverified quote of {speaker}",
}


def flagged(results, with_suppressed: bool = False) -> Iterator[tuple]:
    """(article result, checked quote) for every quote worth a report, in input order; quotes
    suppressed (``verifier: ignore``, a configuration entry) only ``with_suppressed``."""
    for result in results:
        for checked in result.checked:
            if checked.judgement.verdict in LEVELS and (with_suppressed or suppressed(checked) is None):
                yield result, checked


def suppressed(checked) -> str | None:
    """Why the quote is suppressed — it then never fails the check — or None."""
    return getattr(checked, "suppressed", None)


def failing(checked, fail_on: str) -> bool:
    """Whether the quote fails the check at ``--fail-on`` (a suppressed quote never does)."""
    return suppressed(checked) is None and fails(checked.judgement.verdict, fail_on)


def clip(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def speaker_of(quote) -> str:
    return quote.speaker or "an unnamed speaker"


def problems(checked) -> list[str]:
    """What is wrong with the quote, in plain words: the notes of its minor and substantive
    differences, then the judge's notes (and, when misattributed, who really said it)."""
    j = checked.judgement
    out = [d.note for d in j.differences if d.kind in (SUBSTANTIVE, MINOR_KIND)]
    out.extend(j.notes)
    said_by = j.alignment.speaker if j.alignment is not None else None
    if j.verdict == "misattributed" and said_by and not any(said_by in p for p in out):
        out.append(f"said by {said_by}")
    return out


def message(checked, limit: int = 80) -> str:
    """One line: who, the verdict, the quote's start, and what is wrong with it."""
    q, j = checked.quote, checked.judgement
    head = HEADLINES[j.verdict].format(speaker=speaker_of(q))
    text = f"{head}: “{clip(q.text, limit)}”"
    found = problems(checked)
    return f"{text} — {'; '.join(found)}" if found else text


def source_line(alignment) -> str:
    """``Title — Speaker, 2025-03-04, speech, at 00:12:31, https://…``: where the words are."""
    s = source_record(alignment)
    where = [s["speaker"], s["date"], s["kind"], s["timecode"] and f"at {s['timecode']}", s["url"]]
    return f"{s['title'] or s['id']} — " + ", ".join(str(x) for x in where if x)


def source_text(checked) -> str | None:
    """``Source: …`` or ``Closest passage: …`` with the matched words, or None."""
    j = checked.judgement
    alignment = j.alignment or j.closest
    if alignment is None:
        return None
    label = "Source" if j.alignment is not None else "Closest passage (not close enough to judge)"
    return f"{label}: {source_line(alignment)}: “{clip(alignment.matched_text, 300)}”"


def display_path(path: str) -> str:
    """``path`` relative to the current directory when it is under it, with forward slashes;
    otherwise absolute. ``-`` (standard input) stays ``-``."""
    if path == "-":
        return path
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()

