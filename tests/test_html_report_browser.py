"""The HTML report as an editor uses it (#16), in headless Chromium driven by Playwright, opened from
a file with nothing else reachable: the "needs a look" list leads to each flagged quote, the
verdict filter shows one verdict (with no script: the page's policy forbids them), a timecode is a
link into the recording, and verified quotes are collapsed until opened.

Run as a script, it saves the README's picture of the report instead::

    python tests/test_html_report_browser.py docs/html-report.png
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import guarded_page, running_browser  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ORDER = ["misattributed", "misquote", "minor", "unverified"]
# a council meeting's recording, published as a media file: its timecodes can be links into it
RECORDING = {"title": "Saltmere harbour council", "date": "2025-04-02", "kind": "public meeting",
             "url": "https://media.saltmere.example/council/2025-04-02.mp4",
             "segments": [{"start": 0.0, "end": 4.0, "speaker": "Orla Venn", "text": "Good evening, councillors."},
                          {"start": 95.5, "end": 101.0, "speaker": "Orla Venn",
                           "text": "The north quay will reopen on the first of May, and every berth will be free."}]}
ARTICLE = "“The north quay will reopen on the first of May,” harbour master Orla Venn told the council.\n"


def report(out: Path, archive: Path, *articles: Path, cache: Path, cwd: Path | None = None) -> Path:
    proc = subprocess.run([sys.executable, "-m", "verifier", "check", "--archive", str(archive), "--fail-on",
                           "never", "--format", "html", "-o", str(out), *map(str, articles)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "VERIFIER_CACHE": str(cache)})
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("report")
    page = report(root / "report.html", FIXTURES / "archive", FIXTURES / "articles", cache=root / "cache")
    proc = subprocess.run([sys.executable, "-m", "verifier", "check", "--archive", str(FIXTURES / "archive"),
                           "--fail-on", "never", "--format", "json", str(FIXTURES / "articles")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VERIFIER_CACHE": str(root / "cache")})
    return page, [json.loads(line) for line in proc.stdout.splitlines()]


def open_page(browser, path: Path):
    """The report in a fresh page; any request for something other than the file fails the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = guarded_page(context, lambda url: url.startswith("file://"))
    page.goto(path.as_uri())
    return context, page


@pytest.fixture
def open_report(browser):
    """``open_report(path)``: the report in a fresh page; after the test every page is closed, and
    none may have asked for anything but the file."""
    opened = []

    def open_(path: Path):
        opened.append(open_page(browser, path))
        return opened[-1][1]

    yield open_
    for context, _ in opened:
        context.close()
    for _, page in opened:
        assert not page.outside, f"the report asked for something outside the file: {page.outside}"


def visible_verdicts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.checkVisibility()).map(e => [...e.classList].find(c => c.startsWith('v-')).slice(2))")


def test_needs_a_look_lists_every_flagged_quote_first_and_links_to_it(open_report, fixture_report):
    path, records = fixture_report
    page = open_report(path)
    flagged = [q for r in records for q in r["quotes"] if q["verdict"] != "verified"]
    items = page.locator("#look li.look")
    assert items.count() == len(flagged) == 13
    verdicts = visible_verdicts(page, "#look li.look")
    assert verdicts == sorted(verdicts, key=ORDER.index) and verdicts[0] == "misattributed"
    # the list comes before the summary and the articles
    assert page.evaluate("document.querySelector('#look').compareDocumentPosition(document.querySelector('#summary'))") & 4
    for i in range(items.count()):
        target = items.nth(i).locator("a").get_attribute("href")
        assert page.locator(f"li.quote{target}").count() == 1, target
    first = items.nth(0).locator("a")
    target = first.get_attribute("href")
    first.click()
    assert page.url.endswith(target)
    quote = page.locator(f"li.quote{target}")
    assert quote.is_visible() and "misattributed" in quote.get_attribute("class")
    top = page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
    below = page.evaluate("document.querySelector('.filter').getBoundingClientRect().bottom")
    assert below <= top < 900   # scrolled into view, below the sticky filter


def test_the_verdict_filter_works_without_a_script(open_report, fixture_report):
    path, records = fixture_report
    assert "<script" not in path.read_text(encoding="utf-8")
    page = open_report(path)
    quotes = [q for r in records for q in r["quotes"]]
    assert len(visible_verdicts(page, "li.quote")) == len(quotes) == 24
    page.get_by_role("radio", name="misquote (4)").check()
    assert visible_verdicts(page, "li.quote") == ["misquote"] * 4
    assert visible_verdicts(page, "#look li.look") == ["misquote"] * 4
    shown = page.eval_on_selector_all("article.article", "els => els.filter(e => e.checkVisibility()).map(e => e.id)")
    assert len(shown) == sum(1 for r in records if any(q["verdict"] == "misquote" for q in r["quotes"])) == 3
    page.get_by_role("radio", name="needs a look (13)").check()
    assert sorted(set(visible_verdicts(page, "li.quote"))) == sorted(ORDER)
    assert len(visible_verdicts(page, "li.quote")) == 13
    page.get_by_role("radio", name="all quotes (24)").check()
    assert len(visible_verdicts(page, "li.quote")) == 24


def test_verified_quotes_are_collapsed_until_opened(open_report, fixture_report):
    path, _ = fixture_report
    page = open_report(path)
    verified = page.locator("li.quote.v-verified").first
    assert verified.locator("summary").is_visible()
    assert "“" in verified.locator("summary").text_content()
    assert not verified.locator("blockquote.diff").is_visible()
    verified.locator("summary").click()
    assert verified.locator("blockquote.diff").is_visible()
    misquote = page.locator("li.quote.v-misquote").first
    assert misquote.locator("details").count() == 0 and misquote.locator("blockquote.diff").is_visible()


def test_printed_every_detail_shows_and_the_filter_does_not(open_report, fixture_report):
    path, _ = fixture_report
    page = open_report(path)
    page.emulate_media(media="print")
    verified = page.locator("li.quote.v-verified").first
    assert verified.locator("blockquote.diff").is_visible() and verified.locator(".source").is_visible()
    assert not page.locator(".filter").is_visible()


def test_a_timecode_is_a_link_into_the_recording(open_report, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "council.json").write_text(json.dumps(RECORDING), encoding="utf-8")
    article = tmp_path / "quay.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    path = report(tmp_path / "report.html", archive, article, cache=tmp_path / "cache")
    page = open_report(path)
    link = page.locator("li.quote .source a.timecode")
    assert link.count() == 1 and not link.is_visible()   # the quote is verified: collapsed
    page.locator("li.quote summary").click()
    assert link.is_visible()
    assert link.text_content() == "00:01:35"
    assert link.get_attribute("href") == "https://media.saltmere.example/council/2025-04-02.mp4#t=95"


def save_readme_screenshot(out: Path) -> None:
    """The fixture articles' report, its top (the list of quotes that need a look and the filter)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = report(Path(tmp) / "report.html", Path("fixtures/archive"), Path("fixtures/articles"),
                      cache=Path(tmp) / "cache", cwd=ROOT)
        with running_browser() as chromium:
            context, page = open_page(chromium, path)
            page.set_viewport_size({"width": 1200, "height": 1500})
            page.screenshot(path=str(out))
            context.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "html-report.png")
    save_readme_screenshot(target)
    print(f"saved {target}")
