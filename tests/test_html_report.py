"""`verifier check --format html`: a self-contained report, every piece of text escaped, and — in a
real headless Chromium — every quote and verdict shown and no hostile payload run.

The browser tests need /usr/bin/chromium (Debian package `chromium`; `tests/browser.py` installs it when it can). They
fail, not skip, without it. Chromium is run with every background-networking feature off and a host
resolver that resolves nothing, on a fresh profile: no test touches the network.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import chromium

from verifier.report.formats.markup import el, esc, safe_url

FIXTURES = Path(__file__).parent.parent / "fixtures"
PWNED = "pwned"

TRANSCRIPT = """\
---
title: Saltmere harbour <b>briefing</b> & "Q&A"
date: 2025-04-02
kind: press conference
url: https://saltmere.example/briefing?a=1&b=<2>
---
ORLA VENN (Harbour Master): Good morning. We will reopen the north quay on the first of May, and not \
one ship will be turned away before then. The repairs cost fourteen million crowns, and we paid for \
them without a single new fee.

BRAM OSTIC (Union steward): The workers have waited long enough. We will not accept another delay.
"""
# a speaker name with markup, a title with a script, a javascript: URL
RADIO = {"title": "Radio Saltmere <script>document.title='pwned'</script>", "date": "2025-04-03",
         "url": "javascript:document.title='pwned'",
         "segments": [{"start": 1.0, "end": 6.0, "speaker": "Kit <i>Marrow</i>",
                       "text": "The tide gates will be closed every night until the autumn."}]}
TEXT_ARTICLE = """\
Saltmere harbour to reopen <script>document.title='pwned'</script>

SALTMERE — Harbour master Orla Venn said the quay would reopen. "We will reopen the north quay on the first of May," Venn said.

"We'll reopen the north quay on the first of May," Venn said again.

"The repairs cost fifteen million crowns," Venn said.

"The workers have waited long enough," Venn said.

“<img src=x onerror="document.title='pwned'"> is our new motto,” Venn said.

"The tide gates will be closed every night until the autumn," said <b>Orla</b> Venn.
"""
HTML_ARTICLE = """\
<!DOCTYPE html><html><head><title>Saltmere &lt;script&gt;document.title='pwned'&lt;/script&gt;</title>
<script>document.title='pwned'</script></head><body><article>
<h1>Quay reopens &lt;script&gt;document.title='pwned'&lt;/script&gt;</h1>
<p>“We will reopen the north quay on the first of May,” said &lt;b&gt;Orla Venn&lt;/b&gt;.</p>
<p>“&lt;img src=x onerror="document.title='pwned'"&gt; the repairs cost fourteen million crowns,” Venn said.</p>
<p><img src=x onerror="document.title='pwned'"> “The workers have waited long enough,” said Bram Ostic.</p>
</article></body></html>
"""
VERDICTS = {"verified", "minor", "misquote", "misattributed", "unverified"}


# --- helpers ------------------------------------------------------------------------------------

def run_check(archive: Path, paths: list[Path], cache: Path, fmt: str, out: Path | None = None):
    cmd = [sys.executable, "-m", "verifier", "check", "--archive", str(archive), "--fail-on", "never",
           "--format", fmt, *([] if out is None else ["-o", str(out)]), *map(str, paths)]
    env = {**os.environ, "VERIFIER_CACHE": str(cache)}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def records(archive: Path, paths: list[Path], cache: Path) -> list[dict]:
    proc = run_check(archive, paths, cache, "json")
    return [json.loads(line) for line in proc.stdout.splitlines()]


class Dom(HTMLParser):
    """Every element (tag, attributes) of a page, the text of each element with an id, its title."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "source", "wbr", "area", "base", "col", "embed"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []
        self._texts: dict[str, list[str]] = {}
        self.title = ""
        self.feed(page)
        self.close()
        self.text_by_id = {k: " ".join("".join(v).split()) for k, v in self._texts.items()}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in self.VOID:
            return
        self._open.append(attrs.get("id"))
        if attrs.get("id"):
            self._texts[attrs["id"]] = []
        if tag == "title":
            self._open[-1] = "<title>"
            self._texts["<title>"] = []

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            if key:
                self._texts[key].append(data)
        if "<title>" in self._open:
            self.title += data


def assert_nothing_injected(dom: Dom) -> None:
    """No element or attribute a payload could have made: no script, img, b, i; no on* handler;
    links only within the page or to http(s)."""
    for tag, attrs in dom.elements:
        assert tag not in ("script", "img", "b", "i", "iframe", "object", "embed"), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or href.startswith("https://"), href
        assert "src" not in attrs, (tag, attrs)
    assert PWNED not in dom.title


def norm(text: str) -> str:
    return " ".join(text.split())


# --- the small check, rendered by the real CLI --------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A tmp archive (one transcript, one JSON recording) and two hostile articles, checked to HTML."""
    root = tmp_path_factory.mktemp("html-report")
    archive = root / "archive"
    archive.mkdir()
    (archive / "saltmere-briefing.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (archive / "saltmere-radio.json").write_text(json.dumps(RADIO), encoding="utf-8")
    articles = [root / "hostile.txt", root / "hostile.html"]
    articles[0].write_text(TEXT_ARTICLE, encoding="utf-8")
    articles[1].write_text(HTML_ARTICLE, encoding="utf-8")
    missing = root / "missing.txt"
    report = root / "report.html"
    proc = run_check(archive, [*articles, missing], root / "cache", "html", report)
    assert proc.returncode == 2, proc.stderr  # the missing article
    assert "missing.txt" in proc.stderr and "Traceback" not in proc.stderr
    return {"root": root, "report": report, "page": report.read_text(encoding="utf-8"),
            "records": records(archive, articles, root / "cache")}


def test_one_self_contained_file(hostile):
    page = hostile["page"]
    assert [p.name for p in hostile["root"].glob("*.html") if p.name != "hostile.html"] == ["report.html"]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    dom = Dom(page)
    assert {"header", "main", "footer", "h1", "h2", "table"} <= {tag for tag, _ in dom.elements}


def test_every_quote_and_verdict_is_in_the_report(hostile):
    page, recs = hostile["page"], hostile["records"]
    dom = Dom(page)
    verdicts = {q["verdict"] for r in recs for q in r["quotes"]}
    assert verdicts == VERDICTS  # the fixture exercises every verdict
    for a, rec in enumerate(recs, 1):
        assert rec["quotes"]
        for n, q in enumerate(rec["quotes"], 1):
            highlight, detail = dom.text_by_id[f"t{a}-{n}"], dom.text_by_id[f"q{a}-{n}"]
            assert norm(q["text"]) in highlight and q["verdict"] in highlight
            assert q["verdict"] in detail and (q["speaker"] or "(unknown speaker)") in detail
            assert f"score {q['score']:.2f}" in detail
            for d in q["differences"]:
                assert d["note"] in detail
            for note in q.get("notes", []):
                assert note in detail
    totals = dom.text_by_id["summary"]
    for verdict in VERDICTS:
        n = sum(r["summary"][verdict] for r in recs)
        assert f"{verdict} {n}" in totals


def test_details_of_a_quote(hostile):
    dom = Dom(hostile["page"])
    recs = hostile["records"]
    text = recs[0]["quotes"]
    misquote = next(n for n, q in enumerate(text, 1) if q["verdict"] == "misquote")
    detail = dom.text_by_id[f"q1-{misquote}"]
    assert "number changed: 'fourteen million' became 'fifteen million'" in detail
    assert "Source" in detail and "Orla Venn" in detail and "2025-04-02" in detail
    assert "<b>briefing</b>" in detail  # the title, shown as text
    page = hostile["page"]
    assert '<del title="in the source, left out of the quote">fourteen million</del>' in page
    assert '<ins title="in the quote, not in the source">fifteen million</ins>' in page
    # the matched words emphasised in the source's context
    assert "<mark>The repairs cost fourteen million crowns</mark>" in page
    misattributed = next(n for n, q in enumerate(text, 1) if q["verdict"] == "misattributed"
                         and "tide" in q["text"])
    detail = dom.text_by_id[f"q1-{misattributed}"]
    assert "said by Kit <i>Marrow</i>, not Orla Venn" in detail and "00:00:01" in detail
    unverified = next(n for n, q in enumerate(recs[1]["quotes"], 1) if q["verdict"] == "unverified")
    assert "Closest passage" in dom.text_by_id[f"q2-{unverified}"]


def test_all_text_escaped(hostile):
    page = hostile["page"]
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;" in page
    assert "Kit &lt;i&gt;Marrow&lt;/i&gt;" in page
    assert_nothing_injected(Dom(page))
    # an http(s) URL is a link, escaped; a javascript: URL is only text
    assert 'href="https://saltmere.example/briefing?a=1&amp;b=&lt;2&gt;"' in page
    assert "javascript:" not in page.split("<body>")[1].replace(
        '<span class="url">javascript:document.title=&#x27;pwned&#x27;</span>', "")


def test_unreadable_articles_are_listed(hostile):
    dom = Dom(hostile["page"])
    assert "missing.txt" in dom.text_by_id["unreadable"] and "no such file" in dom.text_by_id["unreadable"]


def test_helpers_escape_text_and_attributes():
    assert el("a", "<x>", href='"><script>', class_="c") == '<a href="&quot;&gt;&lt;script&gt;" class="c">&lt;x&gt;</a>'
    assert el("p", esc("<b>"), ["&", [None, "'"]]) == "<p>&lt;b&gt;&amp;&#x27;</p>"
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x",
                "//evil.example", "https://", "https://a b", "http://x\n", None, 42):
        assert safe_url(url) is None, url


# --- in a real browser --------------------------------------------------------------------------

def browse(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Chromium, headless and offline, on ``page`` with ``args`` (e.g. --dump-dom)."""
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={profile}", *args, page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(profile)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def rendered_dom(page: Path, profile: Path) -> Dom:
    """The DOM after the page has loaded and its timers (virtual time) have run."""
    proc = browse(page, profile, "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000",
                  "--dump-dom")
    return Dom(proc.stdout)


def test_browser_harness_sees_a_script_run(tmp_path):
    """The check below would notice a payload that runs: here one does."""
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><title>safe</title><p>x</p>"
                    "<img src=x onerror=\"document.title='pwned'\">", encoding="utf-8")
    dom = rendered_dom(page, tmp_path / "profile")
    assert dom.title == PWNED


def test_report_in_browser_shows_everything_and_runs_nothing(hostile, tmp_path):
    dom = rendered_dom(hostile["report"], tmp_path / "profile")
    assert dom.title.startswith("Quote check: 3 articles, ")
    assert_nothing_injected(dom)
    for a, rec in enumerate(hostile["records"], 1):
        for n, q in enumerate(rec["quotes"], 1):
            assert norm(q["text"]) in dom.text_by_id[f"t{a}-{n}"]
            assert q["verdict"] in dom.text_by_id[f"t{a}-{n}"] and q["verdict"] in dom.text_by_id[f"q{a}-{n}"]


def test_escaping_alone_stops_the_payloads(hostile, tmp_path):
    """Defence in depth: without the Content-Security-Policy, nothing runs either."""
    page = tmp_path / "no-csp.html"
    page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", hostile["page"]),
                    encoding="utf-8")
    assert "Content-Security-Policy" not in page.read_text(encoding="utf-8")
    dom = rendered_dom(page, tmp_path / "profile")
    assert_nothing_injected(dom)
    assert dom.title.startswith("Quote check: ")


def test_screenshot_of_the_fixture_report(tmp_path):
    report = tmp_path / "fixtures.html"
    proc = run_check(FIXTURES / "archive", [FIXTURES / "articles"], tmp_path / "cache", "html", report)
    assert proc.returncode == 0, proc.stderr
    shot = tmp_path / "report.png"
    browse(report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1600",
           "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert int.from_bytes(data[16:20], "big") == 1200  # width from the IHDR chunk


def test_a_quote_verified_by_reading_a_description_stays_open(tmp_path):
    """Verified quotes are collapsed (<details>), but not one verified only by reading the
    article's "the mayor" as the source's speaker: the editor should see whom it was taken for."""
    article = tmp_path / "mayor.md"
    article.write_text("---\ntitle: Budget row\ndate: 2025-02-21\n---\nHarbour Watch President Tom Aske "
                       "criticised the plan. \"It does nothing for the harbour,\" Aske said.\n\nThe mayor told "
                       "reporters, \"We will raise the river wall along the Quayside by ninety centimetres.\"\n"
                       "\n\"Twelve months ago the Lowen burst its banks and walked into our homes,\" Mayor Ilse "
                       "Kartano said.\n", encoding="utf-8")
    out = run_check(FIXTURES / "archive", [article], tmp_path / "cache", "html", tmp_path / "r.html")
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    items = re.findall(r'<li id="q[^"]*" class="quote v-verified">(.*?)</li>', page, re.S)
    reread = [i for i in items if "river wall" in i]
    plain = [i for i in items if "Twelve months ago" in i]
    assert reread and plain, items
    assert "<details" not in reread[0] and "read as Ilse Kartano" in reread[0]
    assert "<details" in plain[0]
