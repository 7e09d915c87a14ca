"""The text report of `verifier check`: a copy editor's view of each checked quote as rich
renderables — verdict, inline difference, notes and the source passage.

Owns presentation only; every result it prints was computed by ``verifier.verify``.
"""
from __future__ import annotations

from verifier.quotes.listing import shorten
from verifier.verify.check import source_record

# --- verification -------------------------------------------------------------------------------

VERDICT_STYLE = {"verified": "bold green", "minor": "bold cyan", "misquote": "bold red",
                 "misattributed": "bold magenta", "unverified": "bold yellow"}


def inline_diff(checked) -> list[tuple[str, str]]:
    """The quotation as (text, style) pieces: source words it left out as [-…-], words it
    added as {+…+}, an ellipsis where it skips words with one."""
    j = checked.judgement
    quote_text = checked.quote.text
    if j.alignment is None or j.differences and j.differences[0].note.startswith("paraphrase"):
        return [(f"“{' '.join(quote_text.split())}”", "")]
    pieces: list[tuple[str, str]] = [("“", "")]
    passage = j.alignment.passage.text
    for op in j.alignment.ops:
        if op.tag == "equal" or (op.quote and any(w.bracket for w in op.quote)):
            pieces.append((_words_text(quote_text, op.quote) + " ", ""))
            continue
        if op.gap:
            pieces.append(("… ", "dim"))
            continue
        if op.source:
            left_out = " ".join(passage[op.source[0].start:op.source[-1].end].split())
            pieces.append(("[-" + left_out + "-]", "red strike"))
            pieces.append((" ", ""))
        if op.quote:
            pieces.append(("{+" + _words_text(quote_text, op.quote) + "+}", "green underline"))
            pieces.append((" ", ""))
    if pieces[-1][0].endswith(" "):
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
    pieces.append(("”", ""))
    return pieces


def _words_text(text: str, words) -> str:
    """The quote's words as written, on one line (a quote may run over a line break)."""
    return " ".join(text[words[0].start:words[-1].end].split()) if words else ""


def check_text(path: str, checked: list, summary_counts: dict):
    """A copy editor's view of one article, as rich renderables."""
    from rich.text import Text

    out = [Text(f"{path}: {len(checked)} quote{'s' if len(checked) != 1 else ''} checked", style="bold")]
    for c in checked:
        q, j = c.quote, c.judgement
        head = Text(f"  {q.line}:{q.column}  ")
        head.append(j.verdict.upper(), style=VERDICT_STYLE[j.verdict])
        head.append(f"  {q.who}")
        head.append(f"  (score {j.score:.2f}, id {c.id})", style="dim")
        suppressed = getattr(c, "suppressed", None)
        if suppressed is not None:
            head.append("  suppressed", style="bold dim")
        out.append(head)
        diff = Text("      ")
        for piece, style in inline_diff(c):
            diff.append(piece, style=style)
        out.append(diff)
        if suppressed is not None:  # listed, but not worth the editor's time again
            out.append(Text(f"      · suppressed: {suppressed}", style="dim"))
            continue
        for d in j.differences:
            if d.kind != "ignored":
                out.append(Text(f"      · {d.kind}: {d.note}", style="red" if d.kind == "substantive" else ""))
        for note in j.notes:
            out.append(Text(f"      · {note}", style="yellow"))
        if getattr(j, "provenance", None) is not None:
            out.append(Text(f"      · {j.provenance.line()}", style="dim"))
        source = j.alignment or j.closest
        if source is not None:
            out.extend(_source_lines(source, closest=j.alignment is None))
    counts = ", ".join(f"{n} {v}" for v, n in summary_counts.items())
    quiet = sum(getattr(c, "suppressed", None) is not None for c in checked)
    out.append(Text(f"  summary: {counts}" + (f" ({quiet} suppressed)" if quiet else ""), style="bold"))
    return out


def _source_lines(alignment, closest: bool) -> list:
    from rich.text import Text

    s = source_record(alignment)
    where = ", ".join(str(x) for x in (s["speaker"], s["date"], s["kind"], s["timecode"] and f"at {s['timecode']}")
                      if x)
    lines = [Text(f"      {'closest' if closest else 'source'}: {s['title'] or s['id']} — {where}", style="dim")]
    if s["url"]:
        lines.append(Text(f"        {s['url']}", style="dim"))
    lines.append(Text(f"        {shorten(s['context'], 400)}", style="dim"))
    return lines
