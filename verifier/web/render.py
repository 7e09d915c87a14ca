"""The desk's pages, built with the HTML report's pieces (``verifier.report.formats.html``): ``el`` escapes
every text child and attribute value, so article and source text can never become markup; only
``Safe`` strings pass through. Links to the outside are made by ``link_or_text`` (http(s) only).

No JavaScript: selecting a quote is a link to its detail block, which CSS (``:target``) shows beside
the article; every form is a plain form with its CSRF token.
"""
from __future__ import annotations

from urllib.parse import quote as urlquote

from verifier import __version__
from verifier.report.formats.html import (STYLE, VERDICT_INFO, _badge, _diff, _differences, _notes, _source,
                                          highlight, provenance_line)
from verifier.report.formats.markup import Safe, el, link_or_text, void
from verifier.verify.verdicts import VERDICTS
from verifier.archive.reviews import DECISIONS

ARTICLE_FORMATS = (("", "detect"), ("txt", "plain text"), ("md", "Markdown"), ("html", "HTML"))

DESK_STYLE = """
body.desk { max-width: 96rem; }
.topnav { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: baseline; border-bottom: 2px solid var(--line);
  padding-bottom: .4rem; } .topnav .brand { font-weight: 700; font-size: 1.1rem; margin-right: auto; }
.error-box { border: 2px solid var(--misquote); background: var(--misquote-bg); padding: .6rem 1rem; border-radius: 6px; }
.ok-box { border: 2px solid var(--verified); background: var(--verified-bg); padding: .6rem 1rem; border-radius: 6px; }
form.stack { display: grid; gap: .6rem; max-width: 48rem; } form.stack fieldset { border: 1px solid var(--line);
  border-radius: 6px; } label { font-weight: 600; } .hint-text { color: var(--muted); font-size: .9rem; font-weight: normal; }
textarea, input[type=text], input[type=url], input[type=search], input[type=password], select { font: inherit;
  width: 100%; padding: .3rem .4rem; border: 1px solid #8c959f; border-radius: 4px; }
textarea.article-input { min-height: 16rem; font-family: Georgia, serif; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid #1f6feb; background: #1f6feb;
  color: #fff; cursor: pointer; } button.secondary { background: #fff; color: #1f6feb; }
.desk-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
@media (max-width: 60rem) { .desk-grid { grid-template-columns: 1fr; } }
.panel { position: sticky; top: .5rem; max-height: 97vh; overflow: auto; }
.panel .detail { display: none; border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px;
  padding: .7rem 1rem; } .panel .detail:target { display: block; }
.panel:has(.detail:target) .panel-hint { display: none; }
.detail.v-verified { border-left-color: var(--verified); } .detail.v-minor { border-left-color: var(--minor); }
.detail.v-misquote { border-left-color: var(--misquote); } .detail.v-misattributed { border-left-color: var(--misattributed); }
.detail.v-unverified { border-left-color: var(--unverified); }
.decision { display: inline-block; font-size: .75rem; font-weight: 700; border-radius: 4px; padding: 0 .35rem;
  border: 1px solid currentColor; text-transform: uppercase; }
.d-accepted { color: var(--verified); } .d-corrected { color: var(--minor); } .d-ask-reporter { color: var(--unverified); }
.review { border-top: 1px solid var(--line); margin-top: .8rem; padding-top: .5rem; }
.review .choices { display: flex; flex-wrap: wrap; gap: .8rem; } .review .choices label { font-weight: normal; }
.others li { margin-bottom: .4rem; } table.list td, table.list th { vertical-align: top; }
.segments td.tc { white-space: nowrap; font-variant-numeric: tabular-nums; }
.segments tr:target { outline: 3px solid #0550ae; background: #fff8c5; }
.pager { color: var(--muted); }
"""
CSS = STYLE + DESK_STYLE


def page(title: str, *content, nav: bool = True) -> str:
    head = [Safe('<meta charset="utf-8">'), Safe('<meta name="referrer" content="same-origin">'),
            Safe('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            el("title", title, " — verifier desk"), Safe('<link rel="stylesheet" href="/static/desk.css">')]
    top = el("nav", el("span", "verifier desk", class_="brand"),
             el("a", "Check an article", href="/"), el("a", "Archive", href="/archive"),
             el("a", "Add sources", href="/archive/add"), el("a", "API", href="/openapi.json"),
             class_="topnav", aria_label="Main") if nav else None
    body = [top, el("main", content, id="main"),
            el("footer", el("p", f"verifier {__version__} — copy desk"))]
    return "<!DOCTYPE html>\n" + el("html", el("head", head), el("body", body, class_="desk"), lang="en") + "\n"


def error_page(status: int, message: str) -> str:
    return page(f"Error {status}", el("h1", f"Error {status}"), el("p", message, class_="error-box"),
                el("p", el("a", "Back to the desk", href="/")))


def _csrf(token: str) -> Safe:
    return void("input", type="hidden", name_="csrf", value=token)


def _field(label: str, control: Safe, hint: str | None = None) -> Safe:
    return el("div", el("label", label, " ", el("span", hint, class_="hint-text") if hint else None,
                        void("br"), control))


# --------------------------------------------------------------------------- login

def login_page(csrf: str, error: str | None = None) -> str:
    return page("Sign in",
                el("h1", "This desk needs its access token"),
                el("p", error, class_="error-box", role="alert") if error else None,
                el("form", _csrf(csrf),
                   _field("Access token", void("input", type="password", name_="token", required=True,
                                             autocomplete="current-password")),
                   el("div", el("button", "Sign in", type="submit")),
                   method="post", action="/login", class_="stack"), nav=False)


# --------------------------------------------------------------------------- check form

def home_page(csrf: str, recent: list[dict], error: str | None = None, text: str = "",
              fmt: str = "", url: str = "") -> str:
    options = [el("option", label, value=value, selected=value == fmt) for value, label in ARTICLE_FORMATS]
    form = el("form", _csrf(csrf),
              _field("Paste the article", el("textarea", text, name_="text", class_="article-input")),
              _field("Format", el("select", options, name_="format")),
              _field("… or upload a file", void("input", type="file", name_="file",
                                               accept=".txt,.md,.markdown,.html,.htm,.docx"),
                     "(.txt, .md, .html or .docx; read in memory, never stored as a file)"),
              _field("… or give its address", void("input", type="url", name_="url", value=url,
                                                  placeholder="https://")),
              el("div", el("button", "Check the quotes", type="submit")),
              method="post", action="/check", enctype="multipart/form-data", class_="stack")
    rows = [el("tr", el("td", el("a", a["title"] or a["name"], href=f"/article/{a['hash']}")),
               el("td", a["name"]), el("td", a["opened"]), el("td", str(a["decided"]), class_="num"))
            for a in recent]
    table = el("table", el("caption", "Recently checked articles"),
               el("thead", el("tr", el("th", "Article"), el("th", "Given as"), el("th", "Last opened"),
                              el("th", "Quotes decided"))),
               el("tbody", rows), class_="list") if rows else None
    return page("Check an article", el("h1", "Check the quotes of an article"),
                el("p", error, class_="error-box", role="alert") if error else None, form, table)


# --------------------------------------------------------------------------- the article view

def article_page(checked, decisions: dict, others: dict, csrf: str, reviewer: str,
                 message: str | None = None) -> str:
    article = checked.article
    title = article.title or checked.name
    counts = [el("li", _badge(v), " ", el("strong", str(checked.result().summary[v])),
                 class_=f"count v-{v}") for v in VERDICTS]
    flagged = [c for c in checked.checked if c.judgement.verdict != "verified"]
    open_flags = sum(1 for c in flagged if c.id not in decisions)
    header = [el("h1", title),
              el("p", f"{len(checked.checked)} quotes checked; {len(flagged)} flagged, "
                      f"{open_flags} without a decision · given as ", el("code", checked.name),
                 " · content hash ", el("code", checked.digest[:16]), class_="meta"),
              el("ul", counts, class_="totals", aria_label="Quotes per verdict"),
              el("p", el("a", "Export the HTML report", href=f"/article/{checked.digest}/report"), " · ",
                 el("a", "JSON", href=f"/article/{checked.digest}/json"), " · ",
                 el("a", "Check another article", href="/")),
              el("p", message, class_="ok-box", role="status") if message else None]
    text = el("section", el("h2", "Article", id="text-heading"),
              el("div", _highlighted(article.text, checked.checked, decisions), class_="article-text"),
              el("h2", "Quotes"), _quote_table(checked.checked, decisions),
              aria_labelledby="text-heading")
    details = [_detail(n, c, decisions.get(c.id), others.get(n, []), checked.digest, csrf, reviewer)
               for n, c in enumerate(checked.checked, 1)]
    panel = el("aside", el("p", "Select a quote to see its source, its differences and the review.",
                           class_="panel-hint meta"),
               details, class_="panel", aria_label="Selected quote")
    return page(title, header, el("div", text, panel, class_="desk-grid"))


def _highlighted(text: str, checked, decisions: dict) -> list[Safe]:
    """The article text, each quote a link to its detail, with the editor's decision if any."""
    def mark(n, c):
        verdict, decision = c.judgement.verdict, decisions.get(c.id)
        return el("a", text[c.quote.start:c.quote.end],
                  el("sup", _badge(verdict), _decision_badge(decision["decision"]) if decision else None),
                  href=f"#q{n}", id=f"t{n}", class_=f"hl v-{verdict}")

    return highlight(text, checked, mark)


def _decision_badge(decision: str) -> Safe:
    return el("span", DECISIONS.get(decision, decision), class_=f"decision d-{decision}")


def _quote_table(checked, decisions: dict) -> Safe:
    if not checked:
        return el("p", "No attributed quote found in this article.")
    rows = []
    for n, c in enumerate(checked, 1):
        d = decisions.get(c.id)
        rows.append(el("tr", el("td", el("a", str(n), href=f"#q{n}")), el("td", _badge(c.judgement.verdict)),
                       el("td", c.quote.speaker or "(unknown)"),
                       el("td", c.quote.text if len(c.quote.text) <= 90 else c.quote.text[:88] + "…"),
                       el("td", [_decision_badge(d["decision"]), " ", d["reviewer"]] if d else "—")))
    return el("table", el("thead", el("tr", el("th", "#"), el("th", "Verdict"), el("th", "Speaker"),
                                      el("th", "Quote"), el("th", "Decision"))),
              el("tbody", rows), class_="list")


def _detail(n: int, checked, decision: dict | None, others: list, digest: str, csrf: str,
            reviewer: str) -> Safe:
    q, j = checked.quote, checked.judgement
    head = el("h3", f"Quote {n} ", _badge(j.verdict), " ",
              el("span", q.who, class_="speaker"))
    facts = el("p", f"line {q.line}, column {q.column} · score {j.score:.2f} · id {checked.id} · ",
               el("a", "show in the text", href=f"#t{n}"), class_="meta")
    alignment = j.alignment or j.closest
    archive_link = None
    if alignment is not None:
        doc_id = alignment.passage.document.get("id")
        part = alignment.passage.part_at(alignment.start)
        archive_link = el("p", el("a", "Open the source in the archive",
                                  href=f"/archive/doc/{urlquote(str(doc_id))}#s{part.segment_id}"))
    return el("section", head, facts, provenance_line(j), el("blockquote", _diff(checked), class_="diff"),
              _differences(j.differences), _notes(j.notes), _source(j), archive_link,
              _others(others), _review(n, checked, decision, digest, csrf, reviewer),
              id=f"q{n}", class_=f"detail v-{j.verdict}", aria_labelledby=f"q{n}-h")


def _others(passages: list) -> Safe | None:
    if not passages:
        return None
    items = []
    for p in passages:
        doc = p.document
        where = ", ".join(x for x in (p.speaker, doc.get("date"), doc.get("kind"),
                                      p.timecode and f"at {p.timecode}") if x)
        snippet = " ".join(p.text.split())
        items.append(el("li", el("a", doc.get("title") or doc.get("id"),
                                 href=f"/archive/doc/{urlquote(str(doc.get('id')))}#s{p.segment_id}"),
                        f" — {where}" if where else None, void("br"),
                        el("span", snippet[:240] + ("…" if len(snippet) > 240 else ""), class_="meta")))
    return el("div", el("h4", "Other candidate sources"), el("ul", items, class_="others"))


def _review(n: int, checked, decision: dict | None, digest: str, csrf: str, reviewer: str) -> Safe:
    current = None
    if decision:
        current = el("div", el("p", "Decision: ", _decision_badge(decision["decision"]), " by ",
                               el("strong", decision["reviewer"]), ", ", decision["created"]),
                     el("blockquote", decision["comment"]) if decision["comment"] else None,
                     _history(decision["history"][:-1]))
    chosen = decision["decision"] if decision else None
    choices = [el("label", void("input", type="radio", name_="decision", value=value, required=True,
                              checked=value == chosen), " ", label)
               for value, label in DECISIONS.items()]
    form = el("form", _csrf(csrf), void("input", type="hidden", name_="quote_id", value=checked.id),
              void("input", type="hidden", name_="n", value=str(n)),
              el("fieldset", el("legend", "Decision"), el("div", choices, class_="choices")),
              _field("Comment", el("textarea", "", name_="comment", rows="3")),
              _field("Your name", void("input", type="text", name_="reviewer", value=reviewer, required=True,
                                     maxlength="100", autocomplete="name")),
              el("div", el("button", "Save the decision", type="submit")),
              method="post", action=f"/article/{digest}/review", class_="stack")
    flagged = checked.judgement.verdict != "verified"
    return el("div", el("h4", "Review" if flagged else "Review (verified; a decision is optional)"),
              current, form, class_="review")


def _history(rows: list) -> Safe | None:
    if not rows:
        return None
    items = [el("li", _decision_badge(r["decision"]), " ", r["reviewer"], ", ", r["created"],
                f": {r['comment']}" if r["comment"] else None) for r in reversed(rows)]
    return el("details", el("summary", f"{len(rows)} earlier decision{'s' if len(rows) != 1 else ''}"),
              el("ul", items))


# --------------------------------------------------------------------------- the archive

def archive_page(docs: list[dict], stats: dict, query: str, speaker: str, passages: list | None,
                 error: str | None = None) -> str:
    form = el("form", _field("Search the archive", void("input", type="search", name_="q", value=query)),
              _field("Speaker", void("input", type="text", name_="speaker", value=speaker), "(optional)"),
              el("div", el("button", "Search", type="submit")), method="get", action="/archive",
              class_="stack", role="search")
    results = None
    if passages is not None:
        items = [_passage_item(p) for p in passages]
        results = el("section", el("h2", f"{len(passages)} passages for ", el("q", query)),
                     el("ol", items) if items else el("p", "No passage found."))
    rows = [el("tr", el("td", el("a", d["title"] or d["id"], href=f"/archive/doc/{urlquote(d['id'])}")),
               el("td", ", ".join(d["speakers"]) or d["speaker"] or ""), el("td", d["date"] or ""),
               el("td", d["kind"] or ""), el("td", d["format"] or ""), el("td", str(d["segments"]), class_="num"),
               el("td", str(d["words"]), class_="num"), el("td", el("code", d["id"])))
            for d in docs]
    table = el("table", el("caption", f"{stats.get('documents', 0)} documents, {stats.get('segments', 0)} "
                                      f"segments, {stats.get('words', 0)} words"
                                      + (f" (showing {len(docs)})" if len(docs) < stats.get("documents", 0) else "")),
               el("thead", el("tr", *[el("th", h) for h in ("Title", "Speakers", "Date", "Kind", "Format",
                                                            "Segments", "Words", "Id")])),
               el("tbody", rows), class_="list")
    return page("Archive", el("h1", "The archive of originals"),
                el("p", error, class_="error-box", role="alert") if error else None,
                form, results, el("h2", "Sources"), el("p", el("a", "Add sources", href="/archive/add")), table)


def _passage_item(p) -> Safe:
    doc = p.document
    where = ", ".join(x for x in (p.speaker, doc.get("date"), doc.get("kind"),
                                  p.timecode and f"at {p.timecode}") if x)
    return el("li", el("a", doc.get("title") or doc.get("id"),
                       href=f"/archive/doc/{urlquote(str(doc.get('id')))}#s{p.segment_id}"),
              f" — {where}" if where else None, f" (score {p.score:.2f})",
              el("blockquote", " ".join(p.text.split())))


def document_page(doc: dict) -> str:
    facts = [("Id", doc["id"]), ("Title", doc.get("title")), ("Speaker", doc.get("speaker")),
             ("Speakers", ", ".join(doc.get("speakers") or [])), ("Date", doc.get("date")),
             ("Kind", doc.get("kind")), ("Outlet", doc.get("outlet")), ("Language", doc.get("language")),
             ("Format", doc.get("format")), ("Added", doc.get("added")),
             ("Source", doc.get("source_path"))]
    rows = [[el("dt", k), el("dd", v)] for k, v in facts if v]
    if doc.get("url"):
        rows.append([el("dt", "Link"), el("dd", link_or_text(doc["url"]))])
    for key, value in sorted((doc.get("metadata") or {}).items()):
        rows.append([el("dt", key), el("dd", value if isinstance(value, str) else repr(value))])
    segs = [el("tr", el("td", str(s["position"] + 1), class_="num"),
               el("td", _span(s.get("start_time"), s.get("end_time")), class_="tc"),
               el("td", s.get("speaker") or ""), el("td", s["text"]), id=f"s{s['id']}")
            for s in doc.get("segments", [])]
    table = el("table", el("caption", f"{len(segs)} segments"),
               el("thead", el("tr", el("th", "#"), el("th", "Time"), el("th", "Speaker"), el("th", "Text"))),
               el("tbody", segs), class_="list segments")
    return page(doc.get("title") or doc["id"], el("h1", doc.get("title") or doc["id"]),
                el("dl", rows, class_="facts"), table)


def _span(start, end) -> str:
    from verifier.archive.store import timecode

    if start is None:
        return ""
    return timecode(start) + (f"–{timecode(end)}" if end is not None else "")


def add_page(csrf: str, results: list | None = None, errors: list | None = None) -> str:
    meta = [_field(label, void("input", type="text", name_=name), hint)
            for name, label, hint in (("speaker", "Speaker", "(who speaks; overrides the file)"),
                                      ("date", "Date", "(YYYY-MM-DD)"), ("title", "Title", None),
                                      ("url", "Published at", "(URL)"),
                                      ("kind", "Kind", "(speech, statement, broadcast, interview, …)"),
                                      ("outlet", "Outlet", None), ("language", "Language", "(e.g. en)"))]
    upload = el("form", _csrf(csrf),
                _field("Source files", void("input", type="file", name_="file", multiple=True, required=True,
                                          accept=".txt,.md,.markdown,.srt,.vtt,.html,.htm,.json"),
                       "(transcripts, captions, statements, JSON transcript exports)"),
                el("fieldset", el("legend", "About the source (optional)"), meta),
                el("div", el("button", "Add to the archive", type="submit")),
                method="post", action="/archive/add", enctype="multipart/form-data", class_="stack")
    fetch = el("form", _csrf(csrf),
               _field("Address", void("input", type="url", name_="url", required=True, placeholder="https://"),
                      "(a statement page, a caption file, a TV News Archive item; private addresses are refused)"),
               el("label", void("input", type="checkbox", name_="wayback", value="1"), " ",
                  "the Wayback Machine's snapshot instead of the live page"),
               el("fieldset", el("legend", "About the source (optional)"),
                  [_field(label, void("input", type="text", name_=name))
                   for name, label in (("speaker", "Speaker"), ("date", "Date (YYYY-MM-DD)"), ("kind", "Kind"))]),
               el("div", el("button", "Fetch and add", type="submit")),
               method="post", action="/archive/fetch", class_="stack")
    outcome = []
    if errors:
        outcome.append(el("ul", [el("li", e) for e in errors], class_="error-box", role="alert"))
    if results:
        outcome.append(el("ul", [el("li", r.status, " ", el("a", r.title or r.document_id,
                                                            href=f"/archive/doc/{urlquote(r.document_id)}"),
                                    f" ({r.segments} segments, {r.words} words)") for r in results],
                          class_="ok-box", role="status"))
    return page("Add sources", el("h1", "Add sources to the archive"), outcome,
                el("h2", "Upload files"), upload, el("h2", "Fetch from the web"), fetch)


__all__ = ["CSS", "page", "error_page", "login_page", "home_page", "article_page", "archive_page",
           "document_page", "add_page", "VERDICT_INFO"]
