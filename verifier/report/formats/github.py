"""The `github` report of `verifier check`: GitHub Actions workflow commands (annotations).

One line per quote that is not verified and not suppressed (see ``verifier.report.formats.common``)::

    ::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=TITLE::MESSAGE

``error`` for a misquote or a misattributed quote, ``warning`` for an unverified one, ``notice``
for a minor change. PATH is relative to the current directory (run from the repository's root);
lines and columns are 1-based, in Unicode code points, in the original file; ``endColumn`` is the
column of the quote's last character. A quote that spans lines gets ``line`` and ``endLine`` only:
the runner rejects an annotation with columns whose lines differ. The message is the quote's
one-line message, then its source on a second line. An unreadable article is
``::error file=PATH::REASON``; a final ``::notice::`` line sums up.

Escaping is GitHub's: in the message ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``; in property
values also ``:`` → ``%3A`` and ``,`` → ``%2C``.
"""
from __future__ import annotations

from verifier.report.formats.common import LEVELS, display_path, failing, flagged, message, source_text, suppressed

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
TITLES = {"misquote": "Misquote", "misattributed": "Misattributed quote", "unverified": "Unverified quote",
          "minor": "Minor change in a quote"}


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, text: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(text)}"


def render(results, context: dict) -> str:
    lines = []
    for result in results:  # in input order
        if result.error is not None:
            lines.append(command("error", result.error, file=display_path(result.path)))
        lines.extend(_annotation(result.path, checked) for _, checked in flagged([result]))
    lines.append(command("notice", _summary(results, context.get("fail_on", "misquote"))))
    return "\n".join(lines) + "\n"


def _annotation(path: str, checked) -> str:
    q, j = checked.quote, checked.judgement
    text = message(checked)
    source = source_text(checked)
    if source:
        text += "\n" + source
    title = TITLES[j.verdict] + (f" ({q.speaker})" if q.speaker else "")
    end_line = q.end_line or q.line
    # GitHub drops an annotation with columns that spans lines: then it gets lines only
    one_line = end_line == q.line and q.column is not None and (q.end_column or 0) >= q.column
    return command(COMMANDS[LEVELS[j.verdict]], text, file=display_path(path), line=q.line,
                   col=q.column if one_line else None, endLine=end_line,
                   endColumn=q.end_column if one_line else None, title=title)


def _summary(results, fail_on: str) -> str:
    totals: dict[str, int] = {}
    for result in results:
        for verdict, n in result.summary.items():
            totals[verdict] = totals.get(verdict, 0) + n
    quotes = sum(totals.values())
    read = [r for r in results if r.error is None]
    text = (f"verifier: {quotes} quote{'s' if quotes != 1 else ''} in {len(read)} "
            f"article{'s' if len(read) != 1 else ''}")
    if quotes:
        text += ": " + ", ".join(f"{n} {v}" for v, n in totals.items())
    quiet = sum(suppressed(c) is not None for r in read for c in r.checked)
    if quiet:
        text += f" ({quiet} suppressed)"
    if fail_on != "never":
        n = sum(failing(c, fail_on) for r in read for c in r.checked)
        text += f"; {n} at or above --fail-on {fail_on}"
    unreadable = len(results) - len(read)
    if unreadable:
        text += f"; {unreadable} article{'s' if unreadable != 1 else ''} could not be read"
    return text
