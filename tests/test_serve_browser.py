"""`verifier serve` in a real browser: the desk run as `python -m verifier serve` (uvicorn, on
127.0.0.1 and a free port) and driven in headless Chromium by Playwright.

A copy editor's round: paste an article and see every verdict highlighted, open a misquote and see
its diff and source, record decisions and find them again after a reload, search the archive,
upload a transcript and see it listed — and a hostile article (script tags, event handlers,
``javascript:`` links) that runs nothing. Each test saves screenshots of what it saw to its tmp_path.

Needs the Debian package ``chromium`` (/usr/bin/chromium; ``.ci/run`` installs it) and the
``playwright`` package (the ``test`` extra); Playwright's own browser downloads are never used. The
tests fail, not skip, when either is missing. Nothing leaves the machine: the browser resolves no
host name, and every request to anything but the desk is aborted and fails the test.

Run as a script, it saves the article view for the README instead::

    python tests/test_serve_browser.py docs/serve-screenshot.png
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import guarded_page, running_browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
VERDICTS = ("verified", "minor", "misquote", "misattributed", "unverified")

# The fixture article (verified, minor and misquote quotes of Mara Voss's briefing), and two more
# paragraphs: a quote of Voss's put in Ruben Achterberg's mouth, and one nobody said.
ARTICLE = (FIXTURES / "articles" / "estmark-energy.md").read_text(encoding="utf-8") + (
    "\nThe opposition was unmoved. “If the turbines are late, we will buy power from our neighbours for a "
    "winter or two,” said Ruben Achterberg.\n"
    "\n“We will build a bridge to the moon by Friday,” Voss added.\n")
ARTICLE_TITLE = "Voss promises the Northern Grid will not touch household bills"

# A fictional transcript with NAME: turns, for the upload.
TRANSCRIPT = """\
HARBOUR COUNCIL HEARING ON THE NORTH QUAY
Port of Lindqvist, council chamber.

CHAIR ELSA BRANDT: The hearing is open. The harbour master will speak first.

ORLA VENN (Harbour Master): Thank you, Chair. We will reopen the north quay on the first of May, \
and not one ship will be turned away. The dredging is finished and the cranes have been tested.

BRANDT: Councillor Reik, your question.

TOMAS REIK: The fishermen want to know who pays for the new fenders.

VENN: The port pays for the fenders out of its own reserve. Not a single fee will rise this year.
"""

# What a payload that runs would do: a title, an element and a global that no escaped text can
# produce (the code builds them from pieces, so the words never appear as such in the page).
RUN = ("document.title=['xss','ran'].join('-');"
       "document.documentElement.appendChild(document.createElement('xss-'+'marker'));"
       "window['xss'+'Ran']=1")
PAYLOADS = {
    "txt": f"""Tide tables <script>{RUN}</script>

“The tide tables are wrong<img src=x onerror="{RUN}"> and everyone knows it,” Piet Mossel said.

<a href="javascript:{RUN}">Read more</a> <svg onload="{RUN}"></svg> <iframe src="javascript:{RUN}"></iframe>

“The tide tables are wrong and everyone knows it,” Piet Mossel said again.
""",
    "md": f"""---
title: Tide tables <script>{RUN}</script>
---
# Tide tables <img src=x onerror="{RUN}">

“The tide tables are wrong and everyone knows it,” Piet Mossel said. <script>{RUN}</script>

[Read more](javascript:{RUN}) and <a href="javascript:{RUN}">more</a> <svg onload="{RUN}"></svg>

<details open ontoggle="{RUN}"><summary>x</summary></details>
""",
    "html": f"""<!DOCTYPE html><html><head><title>Tide tables</title><script>{RUN}</script>
<meta http-equiv="refresh" content="0; url=javascript:{RUN}"></head>
<body onload="{RUN}"><article><h1>Tide tables <img src=x onerror="{RUN}"></h1>
<p>“The tide tables are wrong and everyone knows it,” Piet Mossel said. <script>{RUN}</script></p>
<p><a href="javascript:{RUN}">Read more</a> <svg onload="{RUN}"></svg>
<iframe src="javascript:{RUN}"></iframe> “&lt;script&gt;{RUN}&lt;/script&gt; is firm,” said Ruben Achterberg.</p>
</article></body></html>""",
}
HOSTILE_SOURCE = "PIET MOSSEL: The tide tables are wrong and everyone knows it. Nobody reads them twice.\n"

PAYLOAD_RAN = "() => document.title.includes('xss-ran') || !!document.querySelector('xss-marker') || !!window.xssRan"
# Every element that could run something: scripts, frames, event-handler attributes, and any
# attribute whose value is a javascript: URL (as a browser reads it: blanks and controls dropped).
LIVE_CODE = """() => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    const tag = e.tagName.toLowerCase();
    if (['script', 'iframe', 'frame', 'object', 'embed', 'base'].includes(tag)) found.push('<' + tag + '>');
    for (const a of e.attributes) {
      if (a.name.toLowerCase().startsWith('on')) found.push('<' + tag + ' ' + a.name + '>');
      if (a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase().startsWith('javascript:'))
        found.push('<' + tag + ' ' + a.name + '=javascript:>');
    }
  }
  for (const a of document.querySelectorAll('a[href], area[href]'))
    if (a.protocol === 'javascript:') found.push('live javascript: link: ' + a.textContent);
  return found;
}"""


# --------------------------------------------------------------------------- the desk and the browser

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_desk(workdir: Path) -> tuple[subprocess.Popen, str, Path]:
    """An archive of the fixture sources and `verifier serve` on it; (process, base URL, log)."""
    env = {**os.environ, "VERIFIER_CACHE": str(workdir / "cache")}
    env.pop("VERIFIER_TOKEN", None)
    db = workdir / "desk.db"
    added = subprocess.run([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db),
                            str(FIXTURES / "archive")], capture_output=True, text=True, env=env, cwd=workdir,
                           timeout=60)
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = workdir / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "verifier", "serve", "--archive", str(db),
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            pytest.fail(f"`verifier serve` exited with {proc.returncode}:\n{log.read_text()[-3000:]}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as r:
                if r.status == 200:
                    return proc, base, log
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_desk(proc)
            pytest.fail(f"`verifier serve` did not answer at {base}:\n{log.read_text()[-3000:]}", pytrace=False)
        time.sleep(0.1)


def stop_desk(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def new_page(browser, base: str):
    """A page in a fresh context (no cookies) whose requests may only reach the desk."""
    context = browser.new_context(base_url=base, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    desk = urlsplit(base).netloc
    dialogs, console = [], []
    page = guarded_page(context, lambda url: urlsplit(url).netloc == desk)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.dialogs, page.console = dialogs, console
    return context, page


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    proc, base, _ = start_desk(tmp_path_factory.mktemp("desk"))
    yield base
    stop_desk(proc)


@pytest.fixture
def page(browser, desk):
    context, page = new_page(browser, desk)
    yield page
    context.close()
    assert not page.outside, f"the desk's pages asked for something outside the desk: {page.outside}"
    assert not page.dialogs, f"a dialog was opened: {page.dialogs}"


def shot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / "screens" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def submit(page, button):
    """Click a form's button; the response of the page it leads to. An error page fails the test,
    with what the desk said and the Origin the browser sent."""
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    if response.status >= 400:
        pytest.fail(f"the desk answered the browser's {response.request.method} {urlsplit(response.url).path} "
                    f"with {response.status} (the browser sent Origin: {response.request.header_value('origin')}): "
                    + " ".join(page.locator("main").inner_text().split())[:500], pytrace=False)
    return response


def check(page, text: str, fmt: str = "") -> str:
    """Paste ``text`` on the start page and check it; the article's content hash."""
    page.goto("/")
    page.fill("textarea[name=text]", text)
    page.select_option("select[name=format]", fmt)
    submit(page, page.get_by_role("button", name="Check the quotes"))
    page.wait_for_url("**/article/*")
    return urlsplit(page.url).path.rsplit("/", 1)[1]


def text(locator) -> str:
    """A node's text as written (``inner_text`` would apply the badges' text-transform), blanks squeezed."""
    return " ".join(locator.text_content().split())


def verdict_of(locator) -> str:
    return next(c[2:] for c in locator.get_attribute("class").split() if c.startswith("v-"))


def open_quote(page, verdict: str, index: int = 0):
    """Select a highlighted quote of ``verdict`` in the text; its detail section (shown)."""
    link = page.locator(f".article-text a.hl.v-{verdict}").nth(index)
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target}")
    detail = page.locator(f"section{target}")
    assert detail.is_visible()
    return detail


# --------------------------------------------------------------------------- the tests

def test_article_view_highlights_every_verdict(page, tmp_path):
    page.goto("/")
    assert page.title() == "Check an article — verifier desk"
    shot(page, tmp_path, "home")
    digest = check(page, ARTICLE, "md")
    shot(page, tmp_path, "article")

    assert page.title() == f"{ARTICLE_TITLE} — verifier desk"
    assert page.locator("h1").inner_text() == ARTICLE_TITLE
    record = page.request.get(f"/article/{digest}/json").json()
    quotes = record["quotes"]
    assert record["hash"] == digest and len(quotes) == 10
    assert {q["verdict"] for q in quotes} == set(VERDICTS)

    marks = page.locator(".article-text a.hl")
    assert marks.count() == len(quotes)
    backgrounds = {}
    for n in range(marks.count()):
        mark, q = marks.nth(n), quotes[n]
        assert mark.is_visible()
        assert verdict_of(mark) == q["verdict"]
        assert q["verdict"] in text(mark.locator("sup"))   # the badge says it in words
        assert mark.get_attribute("href") == f"#q{n + 1}"
        style = mark.evaluate("e => { const s = getComputedStyle(e); return [s.backgroundColor, "
                              "s.textDecorationLine, s.textDecorationColor]; }")
        assert style[0] not in ("rgba(0, 0, 0, 0)", "transparent") and "underline" in style[1], style
        backgrounds.setdefault(q["verdict"], set()).add(style[0])
    # one colour per verdict, and no two verdicts alike: the stylesheet is loaded and applied
    assert all(len(colours) == 1 for colours in backgrounds.values()), backgrounds
    assert len({c for colours in backgrounds.values() for c in colours}) == len(VERDICTS)

    totals = page.locator("ul.totals li")
    assert [verdict_of(totals.nth(i)) for i in range(totals.count())] == list(VERDICTS)
    assert [totals.nth(i).locator("strong").inner_text() for i in range(5)] == ["5", "1", "2", "1", "1"]
    rows = page.locator("main table.list tbody tr")
    assert rows.count() == len(quotes)
    assert page.locator(".panel .panel-hint").is_visible()   # nothing selected yet
    assert page.locator(".panel section.detail:visible").count() == 0


def test_misquote_shows_its_diff_and_source(page, tmp_path):
    check(page, ARTICLE, "md")
    detail = open_quote(page, "misquote")
    shot(page, tmp_path, "misquote")
    assert page.locator(".panel section.detail:visible").count() == 1
    assert not page.locator(".panel .panel-hint").is_visible()

    assert "misquote" in text(detail.locator("h3")) and "Mara Voss" in text(detail.locator("h3"))
    diff = detail.locator("blockquote.diff")
    assert diff.locator("del").inner_text() == "eleven billion"
    assert diff.locator("ins").inner_text() == "twelve billion"
    assert "will cost" in diff.inner_text() and "crowns over seven years" in diff.inner_text()
    assert "number changed" in detail.locator("ul.differences").inner_text()
    source = detail.locator("div.source")
    facts = source.locator("dl.source-facts").inner_text()
    for fact in ("Press briefing on the Northern Grid plan", "Mara Voss", "2025-03-04", "press conference"):
        assert fact in facts
    assert "will cost eleven billion crowns over seven years" in source.locator("blockquote.context mark").inner_text()

    # the other quotes' panels stay hidden; selecting another shows only that one
    other = open_quote(page, "misattributed")
    assert page.locator(".panel section.detail:visible").count() == 1 and not detail.is_visible()
    assert "Ruben Achterberg" in other.locator("h3").inner_text()
    assert "Mara Voss" in other.locator("div.source").inner_text()

    detail = open_quote(page, "misquote")
    detail.get_by_role("link", name="Open the source in the archive").click()
    page.wait_for_url("**/archive/doc/*")
    assert page.locator("h1").inner_text() == "Press briefing on the Northern Grid plan"
    row = page.locator("tr:target")
    assert row.is_visible() and "eleven billion crowns over seven years" in row.inner_text()
    shot(page, tmp_path, "source-document")


def test_decisions_are_kept_and_shown_after_a_reload(page, browser, desk, tmp_path):
    digest = check(page, ARTICLE, "md")
    decisions = [("misquote", "corrected", "Figure changed to eleven billion, as in the briefing.", "Kaisa Lind"),
                 ("misattributed", "ask-reporter", "Voss said this, not Achterberg?", None),
                 ("minor", "accepted", "", None)]
    for verdict, decision, comment, name in decisions:
        detail = open_quote(page, verdict)
        target = "#" + detail.get_attribute("id")
        form = detail.locator("form")
        if name is None:   # remembered from the first decision
            assert form.locator("input[name=reviewer]").input_value() == "Kaisa Lind"
        else:
            assert form.locator("input[name=reviewer]").input_value() == ""
            form.locator("input[name=reviewer]").fill(name)
        form.locator(f"input[name=decision][value={decision}]").check()
        form.locator("textarea[name=comment]").fill(comment)
        submit(page, form.get_by_role("button", name="Save the decision"))
        page.wait_for_url(f"**/article/{digest}?saved=1{target}")
        assert page.get_by_role("status").inner_text() == "Decision saved."
        shown = page.locator(f"section{target}")
        assert shown.is_visible()
        label = "to ask the reporter" if decision == "ask-reporter" else decision
        assert f"Decision: {label} by Kaisa Lind" in text(shown.locator(".review"))
    shot(page, tmp_path, "decisions")

    def assert_decisions(p):
        for verdict, decision, comment, _ in decisions:
            mark = p.locator(f".article-text a.hl.v-{verdict}").first
            assert mark.locator(f".decision.d-{decision}").count() == 1
            n = mark.get_attribute("href")[2:]
            row = p.locator("main table.list tbody tr").nth(int(n) - 1)
            assert row.locator(f".decision.d-{decision}").count() == 1 and "Kaisa Lind" in row.inner_text()
            detail = open_quote(p, verdict)
            assert detail.locator(f"input[name=decision][value={decision}]").is_checked()
            if comment:
                assert detail.locator(".review blockquote").inner_text() == comment
        assert p.locator(".article-text a.hl .decision").count() == len(decisions)

    page.reload()
    assert_decisions(page)
    # a colleague's browser (no cookies): the decisions are the desk's, not this browser's
    context, other = new_page(browser, desk)
    try:
        other.goto(f"/article/{digest}")
        assert_decisions(other)
        assert other.locator("input[name=reviewer]").first.input_value() == ""
        other.goto("/")
        recent = other.locator("main table.list tbody tr", has_text=ARTICLE_TITLE)
        assert recent.locator("td.num").inner_text() == "3"
        shot(other, tmp_path, "recent")
    finally:
        context.close()
    assert not other.outside and not other.dialogs


def test_archive_search(page, tmp_path):
    page.goto("/archive")
    rows = page.locator("main table.list tbody tr")
    titles = rows.locator("td:first-child").all_inner_texts()
    assert "Press briefing on the Northern Grid plan" in titles and len(titles) >= 6

    page.fill("input[name=q]", "household electricity bills")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/archive?q=household*")
    shot(page, tmp_path, "archive-search")
    results = page.locator("main section ol > li")
    assert results.count() >= 1
    assert "passages for" in page.locator("main section h2").inner_text()
    first = results.first
    assert first.locator("a").inner_text() == "Press briefing on the Northern Grid plan"
    assert "household electricity bills" in first.locator("blockquote").inner_text()
    first.locator("a").click()
    page.wait_for_url("**/archive/doc/*#s*")
    assert "household electricity bills" in page.locator("tr:target").inner_text()

    page.goto("/archive")
    page.fill("input[name=q]", "eleven billion")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/archive?q=*")
    everyone = page.locator("main section ol > li").all_inner_texts()
    assert any("Mara Voss" in t for t in everyone) and any("Ruben Achterberg" in t for t in everyone)
    page.fill("input[name=speaker]", "Ruben Achterberg")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/archive?q=*&speaker=*")
    results = page.locator("main section ol > li").all_inner_texts()
    assert results and all("Ruben Achterberg" in t for t in results), results
    assert "I have found eleven billion numbers" in results[0]


def test_upload_a_transcript_and_see_it_listed(page, tmp_path):
    page.goto("/archive/add")
    page.set_input_files("input[type=file][name=file]", files=[
        {"name": "harbour-hearing.txt", "mimeType": "text/plain", "buffer": TRANSCRIPT.encode()}])
    upload = page.locator("form[action='/archive/add']")
    upload.locator("input[name=title]").fill("Harbour council hearing on the north quay")
    upload.locator("input[name=date]").fill("2025-04-02")
    upload.locator("input[name=kind]").fill("hearing")
    submit(page, upload.get_by_role("button", name="Add to the archive"))
    status = page.get_by_role("status")
    assert "added" in status.inner_text() and "Harbour council hearing on the north quay" in status.inner_text()
    assert "6 segments" in status.inner_text()
    shot(page, tmp_path, "upload")

    status.get_by_role("link").click()
    page.wait_for_url("**/archive/doc/*")
    facts = page.locator("dl.facts").inner_text()
    for fact in ("Harbour council hearing on the north quay", "2025-04-02", "hearing", "upload:harbour-hearing.txt",
                 "Elsa Brandt, Orla Venn, Tomas Reik"):
        assert fact in facts
    speakers = page.locator("table.segments tbody td:nth-child(3)").all_inner_texts()
    assert {"Elsa Brandt", "Orla Venn", "Tomas Reik"} <= set(speakers), speakers
    shot(page, tmp_path, "uploaded-document")

    page.goto("/archive")
    row = page.locator("main table.list tbody tr", has_text="Harbour council hearing on the north quay")
    assert row.count() == 1
    assert "Elsa Brandt, Orla Venn, Tomas Reik" in row.inner_text() and "2025-04-02" in row.inner_text()
    page.fill("input[name=q]", "who pays for the new fenders")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/archive?q=*")
    assert page.locator("main section ol > li").first.locator("a").inner_text() == \
        "Harbour council hearing on the north quay"

    # and the desk checks an article against it at once
    check(page, "“We will reopen the north quay on the first of May,” Orla Venn said.\n", "txt")
    mark = page.locator(".article-text a.hl")
    assert mark.count() == 1 and verdict_of(mark) == "verified"
    assert "Harbour council hearing on the north quay" in open_quote(page, "verified").locator("div.source").inner_text()


def test_the_payload_detector_sees_a_payload_run(browser, desk):
    """The control for the test below: the same payloads, in a page without the desk's escaping or
    its Content-Security-Policy, do run, and the checks notice."""
    context, page = new_page(browser, desk)
    try:
        page.set_content(PAYLOADS["html"])
        page.wait_for_function(PAYLOAD_RAN)
        assert page.evaluate(PAYLOAD_RAN)
        found = page.evaluate(LIVE_CODE)
        assert "<script>" in found and "live javascript: link: Read more" in found, found
    finally:
        context.close()


def assert_inert(page) -> None:
    live = page.evaluate(LIVE_CODE)
    assert not live, f"markup from the article or a source is live on {page.url}: {live}"
    assert not page.evaluate(PAYLOAD_RAN), f"a payload ran on {page.url}"


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_a_hostile_article_runs_nothing(page, tmp_path, fmt):
    # a source whose title and link are hostile too, for the quotes to be matched with
    page.goto("/archive/add")
    page.set_input_files("input[type=file][name=file]", files=[
        {"name": "tides.txt", "mimeType": "text/plain", "buffer": HOSTILE_SOURCE.encode()}])
    upload = page.locator("form[action='/archive/add']")
    upload.locator("input[name=title]").fill(f"Tide <script>{RUN}</script> tables")
    upload.locator("input[name=url]").fill(f"javascript:{RUN}")
    submit(page, upload.get_by_role("button", name="Add to the archive"))
    assert page.get_by_role("status").count() == 1, page.locator("main").inner_text()

    check(page, PAYLOADS[fmt], fmt)
    page.wait_for_load_state("networkidle")
    shot(page, tmp_path, f"hostile-{fmt}")
    assert_inert(page)
    marks = page.locator(".article-text a.hl")
    assert marks.count() >= 1
    verified = page.locator(".article-text a.hl.v-verified")
    assert verified.count() >= 1, "the clean quote of the hostile source should be verified"
    # select every quote, so every detail panel (with the source's title and link) is shown
    for n in range(marks.count()):
        marks.nth(n).click()
        assert page.locator(f"section#q{n + 1}").is_visible()
    detail = open_quote(page, "verified")
    source = detail.locator("div.source")
    assert f"Tide <script>{RUN}</script> tables" in source.inner_text()   # shown as text
    link = source.locator(".url")
    assert link.inner_text() == f"javascript:{RUN}" and link.evaluate("e => e.tagName") == "SPAN"
    if fmt == "txt":   # plain text: the markup is shown, escaped, as the reporter wrote it
        assert "<script>" in page.locator(".article-text").inner_text()
        assert '<a href="javascript:' in page.locator(".article-text").inner_text()
    read_more = page.locator(".article-text").get_by_text("Read more")
    if read_more.count():
        read_more.first.click()
    page.wait_for_timeout(300)   # time for an onerror/onload to fire, if one could
    assert_inert(page)

    page.goto("/archive")
    row = page.locator("main table.list tbody tr", has_text="Tide <script>")
    assert row.count() >= 1
    row.first.locator("a").click()
    page.wait_for_url("**/archive/doc/*")
    assert page.locator("h1").inner_text() == f"Tide <script>{RUN}</script> tables"
    assert page.locator("dl.facts .url").evaluate("e => e.tagName") == "SPAN"

    for where in (page.url, "/archive", "/"):
        page.goto(where)
        page.wait_for_load_state("networkidle")
        assert_inert(page)
    assert not any("Content Security Policy" in m for m in page.console), page.console


# --------------------------------------------------------------------------- the README's picture

def save_readme_screenshot(out: Path) -> None:
    """The article view with the misquote selected, as docs/serve-screenshot.png."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        proc, base, _ = start_desk(Path(tmp))
        try:
            with running_browser() as browser:
                context, page = new_page(browser, base)
                check(page, ARTICLE, "md")
                open_quote(page, "misquote")
                page.evaluate("() => window.scrollTo(0, 0)")
                page.screenshot(path=str(out))
                context.close()
        finally:
            stop_desk(proc)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "serve-screenshot.png")
    save_readme_screenshot(target)
    print(f"saved {target}")
