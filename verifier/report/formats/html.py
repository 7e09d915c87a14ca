"""The `html` report of `verifier check`: one self-contained page for a copy editor.

Layout: a header (archive, date of the check, failing level); "Needs a look", every quote that is
not verified (the most serious first), each a link to its details; a verdict filter (radio
buttons and CSS only: it works from a file, with no script); a summary (counts per verdict, a table
per article, a legend); then each article's full text with every quote highlighted in its verdict's
colour, underline style and label, each highlight linking to a detail block: verdict, speaker,
score, the inline diff (``verifier.report.text.inline_diff``: left-out source words as ``<del>``,
added words as ``<ins>``), every difference with its note, the judge's notes, and the source
passage cut to a sentence or two (the matched words emphasised) with its title, date, speaker,
link and timecode (a link into the recording when its URL can be opened at a time) — or the
closest passage for an unverified quote. Verified quotes are collapsed (``<details>``), so a long
batch stays short. Unreadable articles are listed with their error.

Safety: the page shows hostile text (articles, transcripts, speaker names, URLs). Every element is
built by ``verifier.report.formats.markup.el``, which escapes every text child and attribute value.
A URL becomes a link only when it is http(s); anything else is shown as text. A strict
Content-Security-Policy (no scripts, no network) is the second line of defence. Inline CSS only:
nothing is fetched when the page is viewed or printed.
"""
from __future__ import annotations

from datetime import datetime

from verifier import __version__
from verifier.report.excerpt import excerpt
from verifier.report.formats.common import clip, problems
from verifier.report.formats.markup import Safe, el, esc, link_or_text, timecode, void
from verifier.report.text import inline_diff, read_as_other, report_rank
from verifier.verify.check import source_record, summary
from verifier.verify.verdicts import REPORT_ORDER, VERDICTS

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")

# verdict -> (symbol, what it means); colours and underline styles are in the stylesheet
VERDICT_INFO = {
    "verified": ("✓", "the words are in a source by the same speaker"),
    "minor": ("≈", "small unmarked wording differences that do not change the meaning"),
    "misquote": ("✗", "an unmarked substantive difference from the source"),
    "misattributed": ("⇄", "the words are in the archive, said by someone else"),
    "unverified": ("?", "no source in the archive is close enough to judge"),
}
DIFF_STYLES = {"red strike": "del", "green underline": "ins", "dim": "gap"}


# --- the page -----------------------------------------------------------------------------------

def render(results, context: dict) -> str:
    """The whole report for ``results`` (a list of ``ArticleResult``)."""
    checked = [r for r in results if r.error is None]
    failed = [r for r in results if r.error is not None]
    totals = summary([c for r in checked for c in r.checked])   # quotes per verdict
    n_quotes = sum(totals.values())
    title = f"Quote check: {_plural(len(results), 'article')}, {_plural(n_quotes, 'quote')}"
    body = [
        el("a", "Skip to the quotes that need a look", href="#look", class_="skip"),
        _header(title, context),
        el("main", _filter(totals), _needs_a_look(checked), _summary(results, totals),
           el("section", el("h2", "Articles", id="articles-heading"),
              [_article(i, r) for i, r in enumerate(checked, 1)] or el("p", "No article was read."),
              id="articles", aria_labelledby="articles-heading"),
           _unreadable(failed) if failed else None),
        el("footer", el("p", f"verifier {__version__} — quote check report")),
    ]
    head = [Safe('<meta charset="utf-8">'),
            Safe(f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'),
            Safe('<meta name="referrer" content="no-referrer">'),
            Safe('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            el("title", title), el("style", Safe(STYLE + FILTER_STYLE))]
    return "<!DOCTYPE html>\n" + el("html", el("head", head), el("body", body), lang="en") + "\n"


def _header(title: str, context: dict) -> Safe:
    when = context.get("date") or datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    facts = [("Archive", context.get("archive") or "(unknown)"), ("Checked", when)]
    fail_on = context.get("fail_on")
    if fail_on:
        facts.append(("Fails on", "never (report only)" if fail_on == "never" else f"{fail_on} or worse"))
    return el("header", el("h1", title),
              el("dl", [[el("dt", k), el("dd", str(v))] for k, v in facts], class_="facts"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- what needs a look, and the filter -----------------------------------------------------------

def flagged_quotes(checked_results) -> list[tuple[int, int, object, object]]:
    """(article number, quote number, result, checked quote) of every quote that is not verified:
    the most serious first, those that count before the suppressed, then in input order."""
    found = [(a, n, r, c) for a, r in enumerate(checked_results, 1) for n, c in enumerate(r.checked, 1)
             if c.judgement.verdict != "verified"]
    return sorted(found, key=lambda f: (*report_rank(f[3]), f[0], f[1]))


def _needs_a_look(checked_results) -> Safe:
    flagged = flagged_quotes(checked_results)
    items = [_look_item(a, n, r, c) for a, n, r, c in flagged]
    body = (el("ol", items, class_="look-list") if items
            else el("p", "Every quote is verified: nothing needs a look.", class_="all-clear"))
    return el("section", el("h2", f"Needs a look ({len(flagged)})", id="look-heading"), body,
              id="look", aria_labelledby="look-heading")


def _look_item(a: int, n: int, result, checked) -> Safe:
    q, verdict = checked.quote, checked.judgement.verdict
    why = problems(checked)
    return el("li", el("a", _badge(verdict), " ", el("span", q.who, class_="speaker"), ": “", clip(q.text, 90).rstrip(", "),
                       "”", href=f"#q{a}-{n}"),
              " ", el("span", f"{result.path} {q.line}:{q.column}", class_="where"),
              el("span", " (suppressed)", class_="suppressed") if checked.suppressed is not None else None,
              el("div", why[0], class_="why") if why else None,
              class_=f"look v-{verdict}")


def _filter(totals: dict[str, int]) -> Safe:
    """Radio buttons that show all quotes, those that need a look, or one verdict (``totals``:
    quotes per verdict); the stylesheet (``FILTER_STYLE``) hides the rest, so it works without a
    script or a server."""
    quotes = sum(totals.values())
    choices = [("all", f"all quotes ({quotes})"), ("problems", f"needs a look ({quotes - totals['verified']})"),
               *((v, f"{v} ({totals[v]})") for v in REPORT_ORDER)]
    buttons = [el("label", void("input", type="radio", name_="show", id=f"show-{key}", value=key, checked=key == "all"),
                  label, class_=f"choice v-{key}") for key, label in choices]
    return el("fieldset", el("legend", "Show"), buttons, class_="filter")


def _filter_style() -> str:
    rules = [".filter { position: sticky; top: 0; z-index: 2; background: var(--paper); border: 1px solid var(--line);"
             " border-radius: 6px; padding: .3rem .6rem; display: flex; flex-wrap: wrap; gap: .2rem .9rem;"
             " align-items: center; margin: .8rem 0; }",
             ".filter legend { float: left; font-weight: 600; padding: 0; margin-right: .3rem; }",
             ".filter label { cursor: pointer; white-space: nowrap; } .filter input { margin: 0 .3rem 0 0; }",
             "body:has(#show-problems:checked) .quote.v-verified { display: none; }",
             "body:has(#show-problems:checked) article.article:not(:has(.quote:not(.v-verified))) { display: none; }"]
    for v in VERDICTS:
        on = f"body:has(#show-{v}:checked)"
        rules.append(f"{on} .quote:not(.v-{v}), {on} .look:not(.v-{v}) {{ display: none; }}")
        rules.append(f"{on} article.article:not(:has(.quote.v-{v})) {{ display: none; }}")
    rules.append("@media print { .filter { display: none; } }")
    return "\n".join(rules) + "\n"


# --- summary ------------------------------------------------------------------------------------

def _summary(results, totals: dict[str, int]) -> Safe:
    return el("section",
              el("h2", "Summary", id="summary-heading"),
              el("ul", [el("li", _badge(v), " ", el("strong", str(totals[v])), class_=f"count v-{v}")
                        for v in VERDICTS], class_="totals", aria_label="Quotes per verdict"),
              _summary_table(results), _legend(),
              id="summary", aria_labelledby="summary-heading")


def _summary_table(results) -> Safe:
    head = el("tr", el("th", "Article", scope="col"),
              [el("th", v, scope="col") for v in VERDICTS], el("th", "Quotes", scope="col"))
    rows, index = [], 0
    for r in results:
        if r.error is not None:
            rows.append(el("tr", el("th", el("a", r.path, href="#unreadable"), scope="row"),
                           el("td", "could not be read: ", r.error, colspan=len(VERDICTS) + 1,
                              class_="error")))
            continue
        index += 1
        counts = r.summary
        cells = [el("td", str(counts[v]), class_=f"num{' hit v-' + v if counts[v] else ''}") for v in VERDICTS]
        rows.append(el("tr", el("th", el("a", r.path, href=f"#a{index}"), scope="row"), cells,
                       el("td", str(len(r.checked)), class_="num")))
    return el("table", el("caption", "Quotes per article and verdict"), el("thead", head),
              el("tbody", rows), class_="per-article")


def _legend() -> Safe:
    items = [[el("dt", el("span", "quoted words", class_=f"hl v-{v}"), " ", _badge(v)),
              el("dd", VERDICT_INFO[v][1])] for v in VERDICTS]
    return Safe(el("h3", "What the verdicts and highlights mean") + el("dl", items, class_="legend"))


def _badge(verdict: str) -> Safe:
    return el("span", el("span", VERDICT_INFO[verdict][0], aria_hidden="true"), " ", verdict,
              class_=f"badge v-{verdict}")


# --- one article --------------------------------------------------------------------------------

def _article(index: int, result) -> Safe:
    article = result.article
    counts = ", ".join(f"{n} {v}" for v, n in result.summary.items() if n) or "no quotes"
    return el("article",
              el("h3", result.path, id=f"a{index}-heading"),
              el("p", article.title, class_="article-title") if article.title else None,
              el("p", f"{_plural(len(result.checked), 'quote')} checked: {counts}", class_="meta"),
              el("h4", "Text with the quotes highlighted"),
              el("div", _highlighted_text(index, article.text, result.checked), class_="article-text"),
              el("h4", "Quotes") if result.checked else None,
              el("ol", [_quote(index, n, c) for n, c in enumerate(result.checked, 1)], class_="quotes"),
              id=f"a{index}", aria_labelledby=f"a{index}-heading", class_="article")


def highlight(text: str, checked, mark) -> list[Safe]:
    """The article's text, escaped, with each quote replaced by ``mark(n, checked_quote)`` (n counts
    from 1 in the order given; of overlapping quotes, the first)."""
    out, at = [], 0
    for n, c in sorted(enumerate(checked, 1), key=lambda item: item[1].quote.start):
        q = c.quote
        if q.start < at or q.end <= q.start:
            continue
        out.append(esc(text[at:q.start]))
        out.append(mark(n, c))
        at = q.end
    out.append(esc(text[at:]))
    return out


def _highlighted_text(index: int, text: str, checked) -> list[Safe]:
    """The article's text, each quote a link to its details."""
    def mark(n, c):
        verdict = c.judgement.verdict
        return el("a", text[c.quote.start:c.quote.end], el("sup", _badge(verdict)), href=f"#q{index}-{n}",
                  id=f"t{index}-{n}", class_=f"hl v-{verdict}")

    return highlight(text, checked, mark)


# --- one quote ----------------------------------------------------------------------------------

def _quote(index: int, n: int, checked) -> Safe:
    q, j = checked.quote, checked.judgement
    suppressed = getattr(checked, "suppressed", None)  # a quote the team has accepted (baseline)
    head = el("h5", f"Quote {n} ", _badge(j.verdict), " ",
              el("span", q.who, class_="speaker"),
              el("span", " (suppressed)", class_="suppressed") if suppressed else None)
    quote_id = getattr(checked, "id", None)
    facts = el("p", f"line {q.line}, column {q.column} · score {j.score:.2f} · ",
               f"id {quote_id} · " if quote_id else None,
               el("a", "show in the text", href=f"#t{index}-{n}"), class_="meta")
    notes = [*j.notes, *([f"suppressed, never fails the check: {suppressed}"] if suppressed else [])]
    details = [facts, provenance_line(j), el("blockquote", _diff(checked), class_="diff"),
               _differences(j.differences), _notes(notes), _source(j)]
    if j.verdict == "verified" and not read_as_other(checked):   # collapsed: a long batch stays short
        line = el("span", "“", clip(q.text, 100).rstrip(", "), "”", class_="gist")
        return el("li", el("details", el("summary", head, line), details),
                  id=f"q{index}-{n}", class_=f"quote v-{j.verdict}")
    return el("li", head, details, id=f"q{index}-{n}", class_=f"quote v-{j.verdict}")


def _diff(checked) -> list[Safe]:
    """``inline_diff``'s pieces as HTML: left-out source words <del>, added words <ins>."""
    out = []
    for text, style in inline_diff(checked):
        kind = DIFF_STYLES.get(style)
        if kind == "del":
            out.append(el("del", _unmark(text, "[-", "-]"), title="in the source, left out of the quote"))
        elif kind == "ins":
            out.append(el("ins", _unmark(text, "{+", "+}"), title="in the quote, not in the source"))
        elif kind == "gap":
            out.append(el("span", text, class_="gap", title="omission marked with an ellipsis"))
        else:
            out.append(esc(text))
    return out


def _unmark(text: str, opening: str, closing: str) -> str:
    """``text`` without the text report's [-…-] / {+…+} markers."""
    if text.startswith(opening) and text.endswith(closing):
        return text[len(opening):len(text) - len(closing)]
    return text


def _differences(differences) -> Safe | None:
    if not differences:
        return None
    items = [el("li", el("span", d.kind, class_=f"kind k-{d.kind}"), " ", d.note) for d in differences]
    return el("div", el("h6", "Differences"), el("ul", items, class_="differences"))


def provenance_line(judgement) -> Safe | None:
    """Why the passage is (or is not) taken as the occasion quoted, in one line."""
    found = getattr(judgement, "provenance", None)
    return el("p", found.line(), class_="provenance") if found is not None else None


def _notes(notes) -> Safe | None:
    if not notes:
        return None
    return el("div", el("h6", "Notes"), el("ul", [el("li", note) for note in notes], class_="notes"))


def _source(judgement) -> Safe | None:
    alignment = judgement.alignment or judgement.closest
    if alignment is None:
        return None
    closest = judgement.alignment is None
    s = source_record(alignment)
    seconds = alignment.passage.time_at(alignment.start)
    facts = [("Title", s["title"] or s["id"]), ("Speaker", s["speaker"]), ("Date", s["date"]),
             ("Kind", s["kind"]), ("Outlet", s["outlet"]),
             ("Timecode", seconds is not None and timecode(s["url"], seconds))]
    if s["url"]:
        facts.append(("Link", link_or_text(s["url"])))
    rows = [el("div", el("dt", k), el("dd", v)) for k, v in facts if v]
    label = "Closest passage (not close enough to be the source)" if closest else "Source"
    return el("div", el("h6", label), el("dl", rows, class_="source-facts"),
              el("blockquote", _context(alignment), class_="context"),
              class_="source closest" if closest else "source")


def _context(alignment) -> list[Safe]:
    """The sentence or two around the matched words, the match in <mark>."""
    cut = excerpt(alignment.passage.text, alignment.start, alignment.end)
    return [esc(cut.before), el("mark", cut.match), esc(cut.after)]


# --- unreadable articles ------------------------------------------------------------------------

def _unreadable(failed) -> Safe:
    items = [el("li", el("code", r.path), ": ", r.error) for r in failed]
    return el("section", el("h2", "Articles that could not be read", id="unreadable-heading"),
              el("ul", items, class_="unreadable"), id="unreadable", aria_labelledby="unreadable-heading")


STYLE = """
:root { --ink: #1b1f24; --muted: #4a5360; --line: #d0d7de; --paper: #ffffff;
  --verified: #1a7f37; --verified-bg: #dafbe1; --minor: #0b6b8a; --minor-bg: #dcf3fa;
  --misquote: #c21c1c; --misquote-bg: #ffe4e1; --misattributed: #7e22ce; --misattributed-bg: #f1e4fd;
  --unverified: #8a5a00; --unverified-bg: #fff1c2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.5rem 3rem; color: var(--ink);
  background: var(--paper); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.35rem; border-bottom: 2px solid var(--line);
  padding-bottom: .2rem; margin-top: 2rem; } h3 { font-size: 1.2rem; margin-top: 2rem; word-break: break-all; }
h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; } h5 { font-size: 1rem; margin: 0 0 .2rem; }
h6 { font-size: .9rem; margin: .6rem 0 .2rem; }
a { color: #0550ae; } a:focus-visible { outline: 3px solid #0550ae; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .3rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; word-break: break-all; }
.meta { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
.totals { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .6rem; }
.totals li { border: 1px solid var(--line); border-radius: 6px; padding: .3rem .6rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; }
thead th { background: #f6f8fa; } td.num { text-align: right; } td.hit { font-weight: 700; }
td.error { color: var(--misquote); } tbody th { font-weight: normal; word-break: break-all; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .35rem; font-size: .75rem; font-weight: 700;
  line-height: 1.5; letter-spacing: .03em; text-transform: uppercase; color: #fff; vertical-align: baseline;
  white-space: nowrap; }
.badge.v-verified { background: var(--verified); } .badge.v-minor { background: var(--minor); }
.badge.v-misquote { background: var(--misquote); } .badge.v-misattributed { background: var(--misattributed); }
.badge.v-unverified { background: var(--unverified); }
.legend { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
.legend dd { margin: 0; }
.article-text { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid var(--line);
  border-radius: 6px; padding: .8rem 1rem; font-family: Georgia, "Times New Roman", serif; font-size: 1.02rem; }
.hl { color: inherit; text-decoration-line: underline; text-decoration-thickness: 2px;
  text-underline-offset: 3px; border-radius: 2px; }
.hl sup { font-family: system-ui, sans-serif; margin-left: .15rem; }
.hl sup .badge { font-size: .62rem; }
.hl.v-verified { background: var(--verified-bg); text-decoration-color: var(--verified); text-decoration-style: solid; }
.hl.v-minor { background: var(--minor-bg); text-decoration-color: var(--minor); text-decoration-style: dotted; }
.hl.v-misquote { background: var(--misquote-bg); text-decoration-color: var(--misquote); text-decoration-style: wavy; }
.hl.v-misattributed { background: var(--misattributed-bg); text-decoration-color: var(--misattributed);
  text-decoration-style: double; }
.hl.v-unverified { background: var(--unverified-bg); text-decoration-color: var(--unverified);
  text-decoration-style: dashed; }
.quotes { list-style: none; padding: 0; }
.quote { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px;
  padding: .7rem 1rem; margin: 0 0 1rem; }
.quote.v-verified { border-left-color: var(--verified); } .quote.v-minor { border-left-color: var(--minor); }
.quote.v-misquote { border-left-color: var(--misquote); } .quote.v-misattributed { border-left-color: var(--misattributed); }
.quote.v-unverified { border-left-color: var(--unverified); }
.quote:target { box-shadow: 0 0 0 3px #0550ae; }
.quote, .hl, .article { scroll-margin-top: 6rem; }   /* below the sticky filter */
.speaker { font-weight: 600; } .suppressed { color: var(--muted); font-weight: normal; }
blockquote { margin: .4rem 0; padding: .4rem .8rem; background: #f6f8fa; border-radius: 4px; }
.diff { font-family: Georgia, "Times New Roman", serif; font-size: 1.05rem; }
del { color: var(--misquote); text-decoration: line-through 2px; }
ins { color: var(--verified); text-decoration: underline 2px; font-weight: 600; }
.gap { color: var(--muted); }
.differences, .notes { margin: .2rem 0; padding-left: 1.2rem; }
.provenance { margin: .2rem 0; color: #555; font-size: .9em; }
.kind { font-size: .75rem; font-weight: 700; text-transform: uppercase; border: 1px solid currentColor;
  border-radius: 3px; padding: 0 .25rem; }
.k-substantive { color: var(--misquote); } .k-minor { color: var(--minor); }
.k-marked { color: var(--verified); } .k-ignored { color: var(--muted); }
.source-facts { display: flex; flex-wrap: wrap; gap: 0 1.2rem; margin: .2rem 0; font-size: .9rem; }
.source-facts div { display: flex; gap: .35rem; min-width: 0; }
.source-facts dt { color: var(--muted); } .source-facts dt::after { content: ":"; }
.source-facts dd { margin: 0; overflow-wrap: anywhere; }
.context { font-size: .95rem; color: var(--muted); }
.context mark { background: #fff1c2; color: var(--ink); font-weight: 600; }
.closest h6 { color: var(--unverified); }
.unreadable code { overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
.look-list { padding-left: 1.6rem; margin: .4rem 0; } .look { margin: .3rem 0; }
.look a { color: inherit; text-decoration: none; } .look a:hover .speaker, .look a:focus-visible .speaker { text-decoration: underline; }
.look .where { color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
.look .why { color: var(--muted); font-size: .9rem; }
.all-clear { color: var(--verified); font-weight: 600; }
.quote details > summary { cursor: pointer; } .quote details > summary h5 { display: inline; }
.quote details[open] > summary { margin-bottom: .3rem; }
.gist { display: block; color: var(--muted); font-family: Georgia, "Times New Roman", serif; }
a.timecode { font-variant-numeric: tabular-nums; }
@media print {
  details::details-content { content-visibility: visible; }
  body { max-width: none; padding: 0; font-size: 11pt; background: #fff; color: #000; }
  .skip { display: none; }
  .badge { background: none !important; color: #000; border: 1px solid #000; }
  blockquote, thead th { background: none; border: 1px solid #999; }
  .quote { break-inside: avoid; }
  h2, h3, h4, h5 { break-after: avoid; }
  a { color: #000; }
  a[href^="http"]:not(.url)::after { content: " <" attr(href) ">"; }
  .quote:target { box-shadow: none; }
}
"""
FILTER_STYLE = _filter_style()
