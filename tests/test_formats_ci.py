"""The CI reports of `verifier check` — sarif, github, junit — run through the real CLI.

Everything runs against a small fictional archive (one hearing transcript) and three drafts of the
same fictional article in .txt, .md and .html, written to a temporary directory; the subprocess
runs there, so article paths are relative ("articles/harbour.txt"), as they are in CI.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from verifier.verify.check import ArticleResult, CheckedQuote, fails
from verifier.report.formats import github, junit, sarif
from verifier.verify.judge import Judgement
from verifier.quotes.extract import Quote

# The official OASIS SARIF 2.1.0 JSON schema (the errata01 OASIS Standard, "id":
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
# copied verbatim from the public repository oasis-tcs/sarif-spec, file
# Schemata/sarif-schema-2.1.0.json at commit 0a8091f7d4057e57b6d8d9b56129e5f918747b34
# (112,768 characters), read through the stored copy of public GitHub repositories.
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"

TRANSCRIPT = """\
---
title: Harbour committee hearing
date: 2025-05-02
kind: public meeting
url: https://harbour.example/hearings/2025-05-02
---
HARBOUR COMMITTEE OF SKELDA: PUBLIC HEARING

MAREN HOLT (Harbour Master): The new breakwater will cost forty million crowns, and it will be finished by the autumn of 2026.

HOLT: We will not close the fish market while the work goes on, and every trader keeps a stall.

HOLT: Nobody on the quay will lose a mooring because of this plan.

TOMAS REYVIK (Councillor): I have read every page of this plan, and I still cannot find the money for the dredging.

REYVIK: The harbour belongs to the people who work in it, not to the people who own it.
"""

# Quotes the tests locate in the original files (each in every draft, with no markup inside):
AFTER_EMOJI = "We will not close the fish market while the work goes on, and every trader keeps a free stall."
SECOND_PARAGRAPH = "The harbour belongs to the people who live in it, not to the people who own it."

ARTICLES = {
    "harbour.txt": f"""\
Skelda harbour plan passes its first hearing

Café owners — and fishermen 🐟 too — cheered when Maren Holt said: "{AFTER_EMOJI}"

"The new breakwater will cost fifty million crowns," Holt told the committee.

"The harbour belongs to the people who work in it, not to the people who own it," Holt added.

"Nobody on the quay will lose a mooring because of the plan," Holt promised.

"We expect the cruise ships to come back by next summer," Holt said.

Tomas Reyvik, a councillor, said: "I have read every page of this plan, and I still cannot find the money for the dredging.

"{SECOND_PARAGRAPH}"
""",
    "harbour.md": f"""\
# Skelda harbour plan passes its first hearing

**Café** owners _and_ fishermen 🐟 cheered when [Maren Holt](https://harbour.example/holt) said: “{AFTER_EMOJI}”

“The new breakwater will cost *fifty* million crowns,” Holt told the committee.

Tomas Reyvik, a councillor, said: “I have read every page of this plan, and I still cannot find the money for the dredging.

“{SECOND_PARAGRAPH}”
""",
    "harbour.html": f"""\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Skelda harbour plan passes its first hearing</title></head>
<body>
<article>
<h1>Skelda harbour plan passes its first hearing</h1>
<p>Caf&eacute; owners, the crème of the quay, &amp; fishermen 🐟 cheered when <a href="https://harbour.example/holt">Maren Holt</a> said: &ldquo;{AFTER_EMOJI}&rdquo;</p>
<p>&ldquo;The new breakwater will cost fifty million crowns,&rdquo; Holt told the committee.</p>
<p>Tomas Reyvik, a councillor, said: “I have read every page of this plan, and I still cannot find the money for the dredging.</p>
<p>“{SECOND_PARAGRAPH}”</p>
</article>
</body>
</html>
""",
}

# A file name and a quote full of what GitHub's workflow commands must escape; the quote runs
# over a line break, and nobody in the archive said it.
ESCAPE_NAME = "draft, v2: 100%.txt"
ESCAPE_ARTICLE = """\
Harbour fees

"Fees will rise by 40% for traders: every stall, every mooring,
every crate," Holt said.
"""
CONTROL_ARTICLE = ('Holt said: "We expect <cruise> ships & ferries\x01 to come back\x0b by next summer, '
                   'and soon."\n')

ALL = ["articles/harbour.txt", "articles/harbour.md", "articles/harbour.html"]
MISSING = "articles/missing.txt"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("ci")
    (root / "archive").mkdir()
    (root / "archive" / "2025-05-02-harbour-hearing.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (root / "articles").mkdir()
    for name, text in ARTICLES.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    (root / "odd").mkdir()
    (root / "odd" / ESCAPE_NAME).write_text(ESCAPE_ARTICLE, encoding="utf-8")
    (root / "odd" / "control.txt").write_text(CONTROL_ARTICLE, encoding="utf-8")
    return root


def run(work, fmt, *paths, fail_on=None, expect=(0, 1)):
    env = {**os.environ, "VERIFIER_CACHE": str(work / "cache"), "PYTHONIOENCODING": "utf-8"}
    env.pop("VERIFIER_ARCHIVE", None)
    args = [sys.executable, "-m", "verifier", "check", "--archive", "archive", "--format", fmt]
    if fail_on:
        args += ["--fail-on", fail_on]
    proc = subprocess.run([*args, *paths], cwd=work, env=env, capture_output=True, timeout=300)
    assert proc.returncode in expect, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    return proc.returncode, proc.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def verdicts(work):
    """path -> [(verdict, quote text)] from the JSON report, to compare the CI reports with."""
    _, out = run(work, "json", *ALL, "odd/" + ESCAPE_NAME, fail_on="never")
    return {rec["path"]: [(q["verdict"], q["text"]) for q in rec["quotes"]]
            for rec in map(json.loads, out.splitlines())}


def position(path: Path, needle: str, last: bool = False) -> tuple[int, int]:
    """1-based line and column (code points) in the original file of the first (or, with
    ``last``, the last) character of ``needle``, which must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, needle
    i = text.index(needle) + (len(needle) - 1 if last else 0)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def test_the_drafts_have_the_verdicts_the_tests_rely_on(verdicts):
    txt = dict((text, v) for v, text in verdicts["articles/harbour.txt"])
    assert txt[AFTER_EMOJI] == "misquote"
    assert txt[SECOND_PARAGRAPH] == "misquote"
    assert txt["The new breakwater will cost fifty million crowns,"] == "misquote"
    misattributed = "The harbour belongs to the people who work in it, not to the people who own it,"
    assert txt[misattributed] == "misattributed"
    assert txt["Nobody on the quay will lose a mooring because of the plan,"] == "minor"
    assert txt["We expect the cruise ships to come back by next summer,"] == "unverified"
    assert sorted(v for v, _ in verdicts["articles/harbour.txt"]) == sorted(
        ["misquote", "misquote", "misquote", "misattributed", "minor", "unverified", "verified"])
    for path in ("articles/harbour.md", "articles/harbour.html"):
        assert [v for v, _ in verdicts[path]] == ["misquote", "misquote", "verified", "misquote"]


# --- SARIF ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_log(work):
    code, out = run(work, "sarif", *ALL, MISSING, expect=(2,))
    return json.loads(out)


def test_sarif_validates_against_the_official_schema(sarif_log):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(sarif_log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    assert sarif_log["version"] == "2.1.0"
    assert len(sarif_log["runs"]) == 1


def test_sarif_tool_and_rules(sarif_log):
    import verifier

    driver = sarif_log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "verifier" and driver["version"] == verifier.__version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert {rid: r["defaultConfiguration"]["level"] for rid, r in rules.items()} == {
        "verifier/misquote": "error", "verifier/misattributed": "error",
        "verifier/unverified": "warning", "verifier/minor": "note"}
    for r in rules.values():
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    for result in sarif_log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_has_one_result_per_quote_that_is_not_verified(sarif_log, verdicts):
    results = sarif_log["runs"][0]["results"]
    expected = [(path, v) for path in ALL for v, _ in verdicts[path] if v != "verified"]
    got = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["properties"]["verdict"])
           for r in results]
    assert got == expected
    levels = {"misquote": "error", "misattributed": "error", "unverified": "warning", "minor": "note"}
    for r in results:
        assert r["level"] == levels[r["properties"]["verdict"]]
        assert r["ruleId"] == "verifier/" + r["properties"]["verdict"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert sarif_log["runs"][0]["columnKind"] == "unicodeCodePoints"


@pytest.mark.parametrize("name", list(ARTICLES))
def test_sarif_regions_point_at_the_quoted_words(work, sarif_log, name):
    results = [r for r in sarif_log["runs"][0]["results"]
               if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"articles/{name}"]
    for quote in (AFTER_EMOJI, SECOND_PARAGRAPH):
        [r] = [r for r in results if r["properties"]["quote"] == quote]
        line, col = position(work / "articles" / name, quote)
        end_line, end_col = position(work / "articles" / name, quote, last=True)
        assert r["locations"][0]["physicalLocation"]["region"] == {
            "startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col + 1}


def test_sarif_messages_sources_and_properties(sarif_log):
    results = [r for r in sarif_log["runs"][0]["results"]
               if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "articles/harbour.txt"]
    by_verdict = {}
    for r in results:
        by_verdict.setdefault(r["properties"]["verdict"], []).append(r)
    number = next(r for r in by_verdict["misquote"] if "fifty" in r["properties"]["quote"])
    text = number["message"]["text"]
    assert "Maren Holt" in text and "Misquote" in text and "'forty million' became 'fifty million'" in text
    [related] = number["relatedLocations"]
    hearing = "https://harbour.example/hearings/2025-05-02"
    assert related["physicalLocation"]["artifactLocation"] == {"uri": hearing}
    assert "Harbour committee hearing" in related["message"]["text"]
    assert "forty million crowns" in related["message"]["text"]
    props = number["properties"]
    assert props["speaker"] == "Maren Holt" and 0 < props["score"] <= 1
    assert props["source"]["title"] == "Harbour committee hearing" and props["source"]["date"] == "2025-05-02"
    assert props["differences"][0]["kind"] == "substantive"

    [wrong] = by_verdict["misattributed"]
    assert "Misattributed" in wrong["message"]["text"] and "Maren Holt" in wrong["message"]["text"]
    assert "Tomas Reyvik" in wrong["message"]["text"]  # who really said it
    assert wrong["properties"]["source"]["speaker"] == "Tomas Reyvik"

    [unverified] = by_verdict["unverified"]
    assert unverified["level"] == "warning" and "Unverified" in unverified["message"]["text"]
    [minor] = by_verdict["minor"]
    assert minor["level"] == "note" and "'this' became 'the'" in minor["message"]["text"]


def test_sarif_archive_document_without_url_is_an_archive_uri():
    from verifier.report.formats.sarif import _source_location

    class Passage:
        document = {"id": "doc 1/2", "title": "T", "date": "2025-01-01", "url": None, "kind": "speech"}
        text = "the words said"

        def time_at(self, offset):
            return None

        def document_offset(self, offset):
            return 100 + offset

    class Alignment:
        passage, speaker, start, end, matched_text = Passage(), "A Speaker", 4, 9, "words"

    loc = _source_location(Alignment(), closest=False)
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "verifier-archive:///doc%201%2F2"
    assert loc["physicalLocation"]["region"] == {"charOffset": 104, "charLength": 5}


def test_sarif_unreadable_articles_are_notifications(sarif_log):
    [invocation] = sarif_log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and MISSING in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == MISSING


def test_sarif_fingerprints_survive_moved_lines(work):
    moving = work / "moving"
    moving.mkdir()
    article = moving / "harbour.txt"
    article.write_text(ARTICLES["harbour.txt"], encoding="utf-8")
    before = json.loads(run(work, "sarif", "moving/harbour.txt")[1])["runs"][0]["results"]
    article.write_text("Updated at noon.\n\n" + ARTICLES["harbour.txt"], encoding="utf-8")
    after = json.loads(run(work, "sarif", "moving/harbour.txt")[1])["runs"][0]["results"]
    fingerprints = [r["partialFingerprints"]["verifierQuote/v1"] for r in before]
    assert len(set(fingerprints)) == len(fingerprints)
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before]


def test_sarif_path_outside_the_current_directory_is_a_file_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sarif.artifact("articles/a b.txt") == {"uri": "articles/a%20b.txt", "uriBaseId": "%SRCROOT%"}
    outside = Path(os.path.abspath(os.sep)) / "elsewhere" / "a.txt"
    assert sarif.artifact(str(outside)) == {"uri": outside.as_uri()}


# --- GitHub workflow commands --------------------------------------------------------------------

def unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def parse_command(line: str) -> tuple[str, dict, str]:
    """(command, properties, message) of one workflow command line, unescaped."""
    assert line.startswith("::")
    head, sep, message = line[2:].partition("::")
    assert sep
    name, _, props = head.partition(" ")
    properties = {}
    for prop in filter(None, props.split(",")):
        key, eq, value = prop.partition("=")
        assert eq, prop
        properties[key] = unescape(value)
    return name, properties, unescape(message)


@pytest.fixture(scope="module")
def annotations(work):
    code, out = run(work, "github", *ALL)
    assert code == 1
    return [parse_command(line) for line in out.splitlines()]


@pytest.mark.parametrize("name", list(ARTICLES))
@pytest.mark.parametrize("quote", [AFTER_EMOJI, SECOND_PARAGRAPH], ids=["after-emoji", "second-paragraph"])
def test_github_annotations_point_at_the_quote(work, annotations, name, quote):
    path = work / "articles" / name
    line, col = position(path, quote)
    end_line, end_col = position(path, quote, last=True)
    assert end_line == line
    found = [props for cmd, props, message in annotations
             if props.get("file") == f"articles/{name}" and props.get("line") == str(line)]
    assert len(found) == 1, annotations
    assert found[0]["col"] == str(col)
    assert found[0]["endLine"] == str(end_line) and found[0]["endColumn"] == str(end_col)
    line_text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    assert line_text[col - 1:].startswith(quote[:30])
    if quote is AFTER_EMOJI:  # the multi-byte characters are on the same line, before the quote
        assert "🐟" in line_text[:col - 1] and len(line_text[:col - 1].encode("utf-8")) > col - 1
    else:  # the paragraph before holds the quote's opening
        before = [t for t in path.read_text(encoding="utf-8").split("\n")[:line - 1] if t.strip()]
        assert "I have read every page" in before[-1]


def test_github_levels_titles_messages_and_summary(annotations, verdicts):
    *quotes, summary = annotations
    expected = [v for path in ALL for v, _ in verdicts[path] if v != "verified"]
    assert len(quotes) == len(expected)
    level = {"misquote": "error", "misattributed": "error", "unverified": "warning", "minor": "notice"}
    assert [cmd for cmd, _, _ in quotes] == [level[v] for v in expected]
    txt = [(cmd, props, message) for cmd, props, message in quotes if props["file"] == "articles/harbour.txt"]
    titles = {props["title"] for _, props, _ in txt}
    assert {"Misquote (Maren Holt)", "Misattributed quote (Maren Holt)", "Unverified quote (Maren Holt)",
            "Minor change in a quote (Maren Holt)", "Misquote (Tomas Reyvik)"} == titles
    misattributed = next(m for _, p, m in txt if p["title"].startswith("Misattributed"))
    first, source = misattributed.split("\n")
    assert "said by Tomas Reyvik, not Maren Holt" in first
    assert source.startswith("Source: Harbour committee hearing — Tomas Reyvik, 2025-05-02")
    assert summary[0] == "notice" and summary[1] == {}
    assert summary[2].startswith("verifier: 15 quotes in 3 articles: 3 verified, 1 minor, 9 misquote, "
                                 "1 misattributed, 1 unverified")
    assert "10 at or above --fail-on misquote" in summary[2]


def test_github_escapes_file_names_and_messages(work):
    code, out = run(work, "github", "odd/" + ESCAPE_NAME, MISSING, expect=(2,))
    lines = out.splitlines()
    assert len(lines) == 3  # the quote, the unreadable article, the summary: no raw line breaks
    raw = lines[0]
    assert lines[1].startswith("::error file=articles/missing.txt::")
    assert raw.startswith("::warning file=odd/draft%2C v2%3A 100%25.txt,line=3,endLine=4,title=")
    # in a message, ':' and ',' stay as they are
    assert "40%25 for traders: every stall, every mooring, every crate," in raw
    assert "\r" not in out
    cmd, props, message = parse_command(raw)
    assert props["file"] == "odd/" + ESCAPE_NAME
    assert "col" not in props and "endColumn" not in props  # GitHub drops columns across lines
    assert (props["line"], props["endLine"]) == ("3", "4")
    assert "Fees will rise by 40% for traders: every stall, every mooring, every crate," in message


def test_github_escaping_round_trips_hostile_speakers():
    assert github.escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert github.escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"
    speaker = "Holt, Maren: 50%\nof it"
    quote = Quote(0, 20, "Half of it: 50%,\nno more", speaker=speaker, line=2, column=5, end_line=2,
                  end_column=28)
    judgement = Judgement("unverified", 0.0, notes=["no passage in the archive shares these words"])
    result = ArticleResult("a,b:c%.txt", None, [CheckedQuote(quote, judgement)])
    lines = github.render([result], {"fail_on": "misquote", "archive": "x"}).splitlines()
    assert len(lines) == 2
    cmd, props, message = parse_command(lines[0])
    assert cmd == "warning"
    assert props == {"file": "a,b:c%.txt", "line": "2", "col": "5", "endLine": "2", "endColumn": "28",
                     "title": f"Unverified quote ({speaker})"}
    assert message.startswith(f"Unverified quote of {speaker}: “Half of it: 50%, no more”")


# --- suppressed quotes (``verifier: ignore``, configuration entries) ------------------------------

def test_suppressed_quotes_never_fail_in_any_format():
    def checked(verdict, text, reason=None):
        c = CheckedQuote(Quote(0, len(text), text, speaker="Maren Holt", line=1, column=2, end_line=1,
                               end_column=len(text) + 1), Judgement(verdict, 0.9))
        c.suppressed = reason
        return c

    result = ArticleResult("a.txt", None, [
        checked("misquote", "The words we changed on purpose", "agreed with her"),
        checked("misquote", "The words we changed by mistake")])
    context = {"fail_on": "misquote", "archive": "x"}

    log = json.loads(sarif.render([result], context))
    first, second = log["runs"][0]["results"]
    assert first["suppressions"] == [{"kind": "external", "justification": "agreed with her"}]
    assert "suppressions" not in second

    *lines, summary = github.render([result], context).splitlines()
    assert len(lines) == 1 and "changed by mistake" in lines[0]
    assert "(1 suppressed); 1 at or above --fail-on misquote" in summary

    [suite] = ET.fromstring(junit.render([result], context)).findall("testsuite")
    skipped, failed = suite.findall("testcase")
    assert skipped.find("skipped").get("message") == "misquote, suppressed: agreed with her"
    assert skipped.find("failure") is None and failed.find("failure") is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "1")


# --- JUnit ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fail_on", ["misquote", "unverified", "minor", "never"])
def test_junit_counts_add_up(work, verdicts, fail_on):
    code, out = run(work, "junit", *ALL, MISSING, fail_on=fail_on, expect=(2,))
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [*ALL, MISSING]
    for suite, path in zip(suites, ALL):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == len(verdicts[path])
        expected = [fails(v, fail_on) for v, _ in verdicts[path]]
        assert [case.find("failure") is not None for case in cases] == expected
        assert int(suite.get("failures")) == sum(expected)
        assert suite.get("errors") == "0" and not suite.findall("testcase/error")
        for case, (verdict, text) in zip(cases, verdicts[path]):
            assert case.get("classname") == path
            failure = case.find("failure")
            if failure is not None:
                assert failure.get("type") == verdict
                assert failure.get("message") and verdict in failure.text
    broken = suites[-1]
    assert (broken.get("tests"), broken.get("failures"), broken.get("errors")) == ("1", "0", "1")
    [error] = broken.findall("testcase/error")
    assert error.get("message")
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
    assert int(root.get("failures")) == sum(fails(v, fail_on) for p in ALL for v, _ in verdicts[p])


def test_junit_names_and_failure_details(work):
    _, out = run(work, "junit", "articles/harbour.txt")
    [suite] = ET.fromstring(out.encode("utf-8")).findall("testsuite")
    line, col = position(work / "articles" / "harbour.txt", AFTER_EMOJI)
    names = [c.get("name") for c in suite.findall("testcase")]
    prefix = f"{line}:{col} Maren Holt: We will not close the fish market"
    assert any(n.startswith(prefix) and n.endswith("…") for n in names), names
    case = next(c for c in suite.findall("testcase") if "fifty million" in c.get("name"))
    failure = case.find("failure")
    assert failure.get("type") == "misquote"
    assert "number changed: 'forty million' became 'fifty million'" in failure.get("message")
    assert "Source: Harbour committee hearing — Maren Holt, 2025-05-02" in failure.text
    assert "“The new breakwater will cost forty million crowns”" in failure.text


def test_junit_escapes_markup_and_strips_control_characters(work):
    _, out = run(work, "junit", "odd/control.txt", fail_on="unverified")
    assert "\x01" not in out and "\x0b" not in out
    root = ET.fromstring(out.encode("utf-8"))  # well-formed XML 1.0
    [case] = root.iter("testcase")
    assert "<cruise> ships & ferries" in case.get("name")
    failure = case.find("failure")
    assert failure.get("type") == "unverified"
    assert "We expect <cruise> ships & ferries to come back by next summer" in failure.get("message")
    assert "<cruise> ships & ferries to come back" in failure.text
    assert junit.xml_text("a\x00b\x1bc\ud800d\ufffee\tf\ng") == "abcde\tf\ng"
