"""The text report of `verifier check` (#16): problems first, verified quotes one line each, lines
fitted to the terminal's width (80 and 120 columns), the source cut to a sentence or two with the
match marked, the quotation as written — run as a user runs it, through the real CLI."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from verifier.report.excerpt import excerpt

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "fixtures" / "archive"
ARTICLES = ROOT / "fixtures" / "articles"
HEAD = re.compile(r"^  (\d+):(\d+)  ([A-Z]+)  ")
ORDER = ["MISATTRIBUTED", "MISQUOTE", "MINOR", "UNVERIFIED", "VERIFIED"]
STORY = """\
---
title: Grid plan
date: 2025-03-12
---
“The date is firm,” said Ruben Achterberg.

“[The city] did not take our nerve,” Ilse Kartano said.

“If he has found a number he disagrees with, I’d be glad to hear which one,” Mara Voss said.
"""


def check(*args: str, columns: int = 100, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    out = subprocess.run([sys.executable, "-m", "verifier", "check", "--archive", str(ARCHIVE), "--fail-on",
                          "never", *args], capture_output=True, text=True, timeout=120,
                         env={**base, "COLUMNS": str(columns), "VERIFIER_CACHE": env.pop("cache"), **env})
    assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("cache"))


def blocks(report: str) -> dict[str, list[list[str]]]:
    """Each file's quotes, as the lines of each (the head line first)."""
    files: dict[str, list[list[str]]] = {}
    current = None
    for line in report.splitlines():
        if line.endswith(" checked") and not line.startswith(" "):
            current = files.setdefault(line.split(": ")[0], [])
        elif HEAD.match(line):
            current.append([line])
        elif line.startswith("  summary:") or line.startswith("total:"):
            continue
        else:
            current[-1].append(line)
    return files


@pytest.mark.parametrize("columns", [80, 120])
def test_problems_first_verified_one_line_each_lines_fit_the_width(cache, columns):
    report = check(str(ARTICLES), columns=columns, cache=cache).stdout
    lines = report.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert max(len(line) for line in lines) > columns - 12   # the width is used, not a fixed one
    files = blocks(report)
    assert len(files) == 4
    seen = set()
    for path, quotes in files.items():
        verdicts = [HEAD.match(q[0]).group(3) for q in quotes]
        seen.update(verdicts)
        assert verdicts == sorted(verdicts, key=ORDER.index), (path, verdicts)
        for q, verdict in zip(quotes, verdicts):
            if verdict == "VERIFIED":
                assert len(q) == 1 and "“" in q[0] and re.search(r"\(id [0-9a-f]{12}\)$", q[0]), q
            else:
                assert len(q) >= 3 and q[1].startswith("      “"), q   # the quotation, then details
    assert seen == set(ORDER)
    summaries = [line for line in lines if line.startswith("  summary: ")]
    assert len(summaries) == 4 and lines[-1].startswith("total: 4 files, 11 verified, 3 minor, 4 misquote")


def test_wrapped_lines_keep_their_indent_and_all_their_words(cache):
    narrow, wide = (check(str(ARTICLES / "estmark-energy.md"), columns=c, cache=cache).stdout for c in (80, 120))
    assert len(narrow.splitlines()) > len(wide.splitlines())
    for report in (narrow, wide):
        for line in report.splitlines()[1:]:
            assert line.startswith("  "), line
    # the same words, however they are wrapped (verified quotes are cut to their one line)
    def words(report):
        return [w for line in report.splitlines() if "  VERIFIED  " not in line for w in line.split()]
    assert words(narrow) == words(wide)


def test_the_source_is_cut_to_a_sentence_or_two_with_the_match_marked(cache):
    report = check(str(ARTICLES / "estmark-energy.md"), columns=200, cache=cache).stdout
    misquote = next(q for q in blocks(report)[str(ARTICLES / "estmark-energy.md")] if "MISQUOTE" in q[0])
    context = misquote[-1].strip()
    assert context == "Let me be plain about the cost. The plan «will cost eleven billion crowns over seven years»."
    assert "Grey Strait" not in report.split("MISQUOTE")[1].split("MISQUOTE")[0]   # not a 160-character window


def test_the_quotation_as_written_and_verbose(cache, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    report = check(str(story), cache=cache).stdout
    assert "“The date is firm”" in report            # no trailing comma inside the marks
    assert "“[The city] did not take our nerve”" in report   # the writer's brackets kept
    assert "“If he has found a number he disagrees with, [-I would-] {+I’d+} be glad to hear which one”" in report
    verified = [line for line in report.splitlines() if "VERIFIED  Ilse Kartano" in line]
    assert len(verified) == 1 and "source:" not in report.split(verified[0])[1].split("summary")[0]
    verbose = check("--verbose", str(story), cache=cache).stdout
    detail = verbose.split("VERIFIED  Ilse Kartano")[1]
    assert "(score 1.00, id " in detail.splitlines()[0]
    assert "· marked: writer's words in brackets: [The city] for 'It'" in detail
    assert "source: Mayor Ilse Kartano: address on the 2025 city budget" in detail
    assert "It did not take our nerve»" in detail


def test_on_a_terminal_the_match_is_bold_not_in_guillemets(cache):
    styled = check(str(ARTICLES / "estmark-energy.md"), cache=cache, FORCE_COLOR="1").stdout
    assert "«" not in styled and "\x1b[1mwill cost eleven billion crowns over seven years\x1b[0m" in styled
    plain = check(str(ARTICLES / "estmark-energy.md"), cache=cache, FORCE_COLOR="1", NO_COLOR="1").stdout
    assert "\x1b[" not in plain and "«will cost eleven billion crowns over seven years»" in plain


def test_excerpt_of_a_run_on_sentence_is_clipped_at_words():
    words = " ".join(f"word{i}" for i in range(200))
    start = words.index("word100")
    end = start + len("word100 word101")
    cut = excerpt(words, start, end)
    assert cut.match == "word100 word101"
    assert cut.before.startswith("… word") and cut.after.endswith(" …")
    assert len(cut.before) < 160 and len(cut.after) < 160
    assert re.fullmatch(r"… (word\d+ )+", cut.before) and re.fullmatch(r"( word\d+)+ …", cut.after)


def test_excerpt_adds_a_short_neighbour_sentence():
    text = "First one here. Then the match is here. And after it. " + "Long tail sentence. " * 30
    start = text.index("match")
    cut = excerpt(text, start, start + len("match"))
    assert cut.before == "First one here. Then the " and cut.after.startswith(" is here.")
    assert "Long tail" not in cut.after or cut.after.count("Long tail") <= 3


def test_excerpt_does_not_start_a_sentence_after_an_abbreviation():
    text = "The vote came late. We met Mr. Voss at 5 p.m. in the capital and he said it was fine."
    start = text.index("it was fine")
    cut = excerpt(text, start, start + len("it was fine"))
    assert cut.before == "The vote came late. We met Mr. Voss at 5 p.m. in the capital and he said "


def test_wrapping_counts_terminal_columns_not_characters():
    from rich.text import Text

    from verifier.report.text import _View

    lines = _View(40, True).wrap(Text("中文字符" * 20 + " and then some words to wrap"), 6, 2)
    assert len(lines) > 4 and all(line.cell_len <= 40 for line in lines)
    assert "".join(line.plain.strip() for line in lines).startswith("中文字符" * 20)


MAYOR = """\
---
title: Budget row
date: 2025-02-21
---
Harbour Watch President Tom Aske criticised the plan on Thursday. "This budget is a gamble," Aske said.

The mayor told reporters, "We will raise the river wall along the Quayside by ninety centimetres."
"""


def test_a_description_read_as_the_sources_speaker_is_shown_in_full(tmp_path, cache):
    """"The mayor" is read by the article as Tom Aske, the one person it names; the budget speech
    is "Mayor Ilse Kartano: …": verified, not misattributed, and shown in full — not as a
    one-line verified quote — so that the editor sees whom the words were taken for."""
    (tmp_path / "mayor.md").write_text(MAYOR, encoding="utf-8")
    quote = next(b for b in blocks(check(str(tmp_path / "mayor.md"), cache=cache).stdout)[str(tmp_path / "mayor.md")]
                 if "river wall" in b[0] + b[1])
    assert HEAD.match(quote[0]).group(3) == "VERIFIED" and "(score" in quote[0], quote
    assert "'The mayor' read as Ilse Kartano" in " ".join(" ".join(quote).split()), quote
    # the article's mayor is Aske — also with a long paragraph between his name and "the mayor"
    aside = "The harbour's history is long. " * 30
    for story in (MAYOR.replace("Harbour Watch President", "Mayor"),
                  MAYOR.replace("Harbour Watch President", "Mayor").replace("The mayor told", aside + "\n\nThe mayor told")):
        (tmp_path / "mayor.md").write_text(story, encoding="utf-8")
        quote = next(b for b in blocks(check(str(tmp_path / "mayor.md"), cache=cache).stdout)[str(tmp_path / "mayor.md")]
                     if "river wall" in b[0] + b[1])
        assert HEAD.match(quote[0]).group(3) == "MISATTRIBUTED", quote
