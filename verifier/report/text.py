"""The text report of `verifier check`: a copy editor's view of each article, problems first.

Owns presentation only; every result it shows was computed by ``verifier.verify``. For each
article: the quotes that need a look (misattributed, misquote, then minor and unverified; in
article order within a verdict), each with its position, speaker, the quotation as written with
its differences marked, the differences and notes, and the source passage cut to a sentence or
two with the matched words marked (bold on a terminal, «…» in plain text); then the verified
quotes, one line each (``verbose``: in full); then a summary line. Lines are wrapped to the
console's width with a hanging indent.
"""
from __future__ import annotations

import bisect
import itertools

from verifier.report.excerpt import excerpt
from verifier.verify.check import source_record, summary
from verifier.verify.verdicts import REPORT_ORDER

VERDICT_STYLE = {"verified": "bold green", "minor": "bold cyan", "misquote": "bold red",
                 "misattributed": "bold magenta", "unverified": "bold yellow"}
DETAIL = 6      # indent of a quote's details
CONTEXT = 8     # indent of the source passage


# --- the quotation as written -------------------------------------------------------------------

def inline_diff(checked) -> list[tuple[str, str]]:
    """The quotation as (text, style) pieces, as the article writes it — brackets, ellipses and
    punctuation kept, line breaks and a trailing comma left out — with the source words it left
    out as ``[-…-]`` ("red strike") and the words it added as ``{+…+}`` ("green underline")."""
    j = checked.judgement
    text = checked.quote.text
    if j.alignment is None or j.differences and j.differences[0].note.startswith("paraphrase"):
        return [(f"“{as_written(text)}”", "")]
    pieces = _Pieces(text)
    passage = j.alignment.passage.text
    for op in j.alignment.ops:
        if op.gap:
            continue   # the ellipsis is in the quote's own text
        if op.tag == "equal" or (op.quote and any(w.bracket for w in op.quote)):
            pieces.words(op.quote, "")
            continue
        if op.source:
            if op.quote:
                pieces.lead(op.quote[0])
            pieces.left_out(" ".join(passage[op.source[0].start:op.source[-1].end].split()))
        if op.quote:
            pieces.words(op.quote, "green underline")
    return pieces.closed()


def as_written(text: str) -> str:
    """A quotation's text on one line, without the comma that ends it before the closing mark."""
    return " ".join(text.split()).rstrip(", ")


class _Pieces:
    """The (text, style) pieces of a quotation, the text between its words copied as written."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0
        self.out: list[tuple[str, str]] = [("“", "")]

    def lead(self, word) -> None:
        """The text between the last word shown and ``word``, as written."""
        if word.start > self.at:
            self._add(self.text[self.at:word.start])
            self.at = word.start
        elif word.start < self.at:
            self._add(" ")

    def words(self, words, style: str) -> None:
        if not words:
            return
        self.lead(words[0])
        said = " ".join(self.text[words[0].start:words[-1].end].split())
        self._add("{+" + said + "+}" if style else said, style)
        self.at = max(self.at, words[-1].end)

    def left_out(self, source_words: str) -> None:
        if len(self.out) > 1 and not self.out[-1][0].endswith(" "):
            self._add(" ")
        self._add("[-" + source_words + "-]", "red strike")
        if not self.text[self.at:self.at + 1].isspace():
            self._add(" ")

    def closed(self) -> list[tuple[str, str]]:
        self._add(" ".join(self.text[self.at:].split()).rstrip(", "))
        while len(self.out) > 1 and self.out[-1][1] == "" and not self.out[-1][0].strip():
            self.out.pop()
        if self.out[-1][1] == "":
            self.out[-1] = (self.out[-1][0].rstrip(), "")
        return self.out + [("”", "")]

    def _add(self, text: str, style: str = "") -> None:
        """Add a piece; whitespace in plain text becomes one space (kept at either end)."""
        if style:
            self.out.append((text, style))
            return
        squeezed = " ".join(text.split())
        if squeezed:
            squeezed = (" " if text[0].isspace() else "") + squeezed + (" " if text[-1].isspace() else "")
        elif text:
            squeezed = " "
        if squeezed.startswith(" ") and self.out[-1][0].endswith(" "):
            squeezed = squeezed[1:]
        if squeezed:
            self.out.append((squeezed, ""))


# --- the report ---------------------------------------------------------------------------------

def check_text(result, console=None, verbose: bool = False):
    """A copy editor's view of one article (an ``ArticleResult``), as rich ``Text`` lines fitted
    to ``console``'s width (80 columns without one); plain (no styles, matches in «…») when it has
    no colours."""
    from rich.text import Text

    width = console.width if console is not None else 80
    plain = console is None or console.color_system is None
    view = _View(width, plain)
    checked = result.checked
    out = [Text(f"{result.path}: {len(checked)} quote{'s' if len(checked) != 1 else ''} checked{_date_note(result)}",
                style="bold")]
    for c in sorted(checked, key=_rank):
        full = verbose or c.judgement.verdict != "verified" or c.suppressed is not None or read_as_other(c)
        out.extend(view.quote(c) if full else view.one_line(c))
    out.append(Text(f"  summary: {summary_line(result.summary, checked)}", style="bold"))
    return out


def read_as_other(c) -> bool:
    """Verified only by reading the article's "he" or "the mayor" as the source's speaker: shown
    in full, so that the editor sees whom verifier took it for."""
    provenance = c.judgement.provenance
    return provenance is not None and bool(provenance.evidence.reread)


def _date_note(result) -> str:
    """" (dated 2025-03-30 by its file name)" when the article's date is read from its name: a
    guess the copy editor should see, since it decides which sources can be the occasion."""
    if not result.dated_by_name or result.article is None:
        return ""
    return f" (dated {result.article.date} by its file name)"


def summary_line(counts: dict, checked) -> str:
    """``1 verified, 0 minor, …`` and ``(N suppressed)`` when any are."""
    quiet = sum(c.suppressed is not None for c in checked)
    return ", ".join(f"{n} {v}" for v, n in counts.items()) + (f" ({quiet} suppressed)" if quiet else "")


def totals_line(results) -> str:
    """The last line of a report on several files: the verdicts of them all."""
    checked = [c for r in results for c in r.checked]
    return f"total: {len(results)} files, {summary_line(summary(checked), checked)}"


def report_rank(c) -> tuple:
    """Where a checked quote goes in a report (text and HTML): problems first, the most serious
    first (``REPORT_ORDER``), suppressed ones after those that count."""
    verdict = c.judgement.verdict
    suppressed = verdict != "verified" and c.suppressed is not None
    return (verdict == "verified", suppressed, REPORT_ORDER.index(verdict))


def _rank(c) -> tuple:
    """``report_rank``, then in article order."""
    return (*report_rank(c), c.quote.start)


class _View:
    """Lines of the report at one width, styled or plain."""

    def __init__(self, width: int, plain: bool) -> None:
        self.width, self.plain = max(width, 40), plain

    def head(self, c):
        from rich.text import Text

        q, j = c.quote, c.judgement
        head = Text(f"  {q.line}:{q.column}  ")
        head.append(j.verdict.upper(), style=VERDICT_STYLE[j.verdict])
        head.append(f"  {q.who}")
        head.append(f"  (score {j.score:.2f}, id {c.id})", style="dim")
        if c.suppressed is not None:
            head.append("  suppressed", style="bold dim")
        return head

    def one_line(self, c) -> list:
        """A verified quote in one line: position, verdict, speaker, the start of the quotation, id."""
        from rich.text import Text

        q, j = c.quote, c.judgement
        line = Text(f"  {q.line}:{q.column}  ")
        line.append("VERIFIED", style=VERDICT_STYLE[j.verdict])
        line.append(f"  {q.who}  ")
        tail = Text(f"  (id {c.id})", style="dim")
        room = self.width - line.cell_len - tail.cell_len
        quote = Text.assemble(*inline_diff(c))
        if quote.cell_len > room:
            quote.truncate(max(room - 2, 3))
            quote.rstrip()
            quote.append("…”")
        return [line + quote + tail]

    def quote(self, c) -> list:
        from rich.text import Text

        j = c.judgement
        out = [self.head(c), *self.wrap(Text.assemble(*inline_diff(c)), DETAIL)]
        if c.suppressed is not None:  # listed, but not worth the editor's time again
            return out + self.wrap(Text(f"· suppressed: {c.suppressed}", style="dim"), DETAIL, 2)
        for d in j.differences:
            if d.kind != "ignored":
                style = "red" if d.kind == "substantive" else ""
                out += self.wrap(Text(f"· {d.kind}: {d.note}", style=style), DETAIL, 2)
        for note in j.notes:
            out += self.wrap(Text(f"· {note}", style="yellow"), DETAIL, 2)
        if getattr(j, "provenance", None) is not None:
            out += self.wrap(Text(f"· {j.provenance.line()}", style="dim"), DETAIL, 2)
        source = j.alignment or j.closest
        if source is not None:
            out += self.source(source, closest=j.alignment is None)
        return out

    def source(self, alignment, closest: bool) -> list:
        from rich.text import Text

        s = source_record(alignment)
        where = ", ".join(str(x) for x in (s["speaker"], s["date"], s["kind"],
                                           s["timecode"] and f"at {s['timecode']}") if x)
        label = "closest" if closest else "source"
        out = self.wrap(Text(f"{label}: {s['title'] or s['id']} — {where}", style="dim"), DETAIL, len(label) + 2)
        if s["url"]:
            out += self.wrap(Text(s["url"], style="dim"), CONTEXT)
        return out + self.wrap(self.passage(alignment), CONTEXT)

    def passage(self, alignment):
        """The sentence or two around the matched words, the match marked."""
        from rich.text import Text

        cut = excerpt(alignment.passage.text, alignment.start, alignment.end)
        text = Text(cut.before)
        text.append(f"«{cut.match}»" if self.plain else cut.match, style="bold")
        text.append(cut.after)
        return text

    def wrap(self, text, indent: int, hanging: int = 0) -> list:
        """``text`` in lines of the width, the first indented ``indent``, the rest ``indent +
        hanging``; a word longer than a line is split."""
        from rich.text import Text

        lines, at = [], 0
        for end, nxt in _breaks(text.plain, self.width - indent, self.width - indent - hanging):
            pad = indent if not lines else indent + hanging
            lines.append(Text(" " * pad) + text[at:end])
            at = nxt
        return lines


def _breaks(plain: str, first: int, rest: int) -> list[tuple[int, int]]:
    """(end of a line, start of the next) for greedy word wrapping: ``first`` terminal columns on
    the first line, ``rest`` on the others (a wide character takes two)."""
    from rich.cells import get_character_cell_size

    ends = list(itertools.accumulate(get_character_cell_size(ch) for ch in plain))   # columns up to each
    out, start, room = [], 0, max(first, 10)
    while ends and ends[-1] - (before := ends[start - 1] if start else 0) > room:
        fits = bisect.bisect_right(ends, before + room)   # characters that fit
        cut = plain.rfind(" ", start, fits + 1)
        if cut > start:
            out.append((cut, cut + 1))
            start = cut + 1
        else:   # no space: fold the word
            fits = max(fits, start + 1)
            out.append((fits, fits))
            start = fits
        room = max(rest, 10)
    out.append((len(plain), len(plain)))
    return out
