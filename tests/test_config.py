"""Configuration files, `verifier config`, suppressions and --fail-on, through real subprocesses.

A small fictional archive (one council meeting, two speakers) and articles in tmp_path; each run
has its working directory in tmp_path and its own VERIFIER_CACHE.
"""
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from verifier.archive.store import Archive

TRANSCRIPT = """---
title: Port council meeting
date: 2025-05-12
kind: meeting
---
LENA HOLT (Port Director): We will open the new ferry terminal in September. The dredging will \
cost nine million crowns. I want the night buses to run every half hour.

OSKAR VEGA (Councillor): The harbour fees will not rise this year. Our fishermen deserve a fair deal on the herring quota \
before the autumn season opens.
"""

# One quote of each verdict, one paragraph each.
QUOTES = {
    "verified": "“We will open the new ferry terminal in September,” Lena Holt said.",
    "minor": "“I want night buses to run every half hour,” Holt added.",
    "misquote": "“The harbour fees will rise this year,” Oskar Vega said.",
    "misattributed": "“Our fishermen deserve a fair deal on the herring quota before the autumn season opens,” Lena Holt said.",
    "unverified": "“We will build a bridge to the island by spring,” Oskar Vega said.",
}
LEVELS = ("verified", "minor", "unverified", "misquote", "misattributed")  # by severity


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("archive")
    (d / "meeting.txt").write_text(TRANSCRIPT, encoding="utf-8")
    db = d / "port.db"
    with Archive.open(db, create=True) as arc:
        arc.add_file(str(d / "meeting.txt"))
    return db


@pytest.fixture
def project(tmp_path, archive_db):
    """A project folder holding a copy of the archive and the all-verdicts article."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "port.db").write_bytes(archive_db.read_bytes())
    (root / "story.md").write_text("# Port news\n\n" + "\n\n".join(QUOTES.values()) + "\n", encoding="utf-8")
    return root


def run(*args, cwd, input=None, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    environ["VERIFIER_CACHE"] = str(Path(cwd).parent / "cache")
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], cwd=cwd, env=environ,
                          capture_output=True, text=True, input=input, timeout=120)


def records(proc):
    return [json.loads(line) for line in proc.stdout.splitlines()]


def config_json(cwd, *args):
    proc = run("config", "--format", "json", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def one_line_error(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


# --- finding the file ---------------------------------------------------------------------------

def test_found_walking_up_and_relative_archive(project):
    (project / "verifier.toml").write_text('archive = "port.db"\nfail-on = "never"\n', encoding="utf-8")
    deep = project / "drafts" / "2025"
    deep.mkdir(parents=True)
    cfg = config_json(deep)
    assert cfg["config_file"] == str(project / "verifier.toml")
    assert cfg["archive"] == str(project / "port.db")  # relative to the file, not the cwd
    assert cfg["origins"]["fail-on"] == str(project / "verifier.toml")
    proc = run("check", "--format", "json", "../../story.md", cwd=deep)
    assert proc.returncode == 0, proc.stderr  # misquotes, but fail-on = never
    [rec] = records(proc)
    assert [q["verdict"] for q in rec["quotes"]] == list(QUOTES)


def test_verifier_toml_wins_and_pyproject_without_table_is_skipped(project):
    (project / "verifier.toml").write_text('fail-on = "minor"\n', encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.verifier]\nfail-on = "never"\n', encoding="utf-8")
    assert config_json(project)["fail-on"] == "minor"
    plain = project / "plain"
    plain.mkdir()
    (plain / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.other]\nverifier = 1\n', encoding="utf-8")
    cfg = config_json(plain)
    assert cfg["config_file"] == str(project / "verifier.toml") and cfg["fail-on"] == "minor"
    tooled = project / "tooled"
    tooled.mkdir()
    (tooled / "pyproject.toml").write_text('[project]\nname = "y"\n\n[tool.verifier]\nfail-on = "never"\n'
                                           'jobs = 3\n', encoding="utf-8")
    cfg = config_json(tooled)
    assert cfg["config_file"] == str(tooled / "pyproject.toml")
    assert (cfg["fail-on"], cfg["jobs"]) == ("never", 3)
    # --config picks a file, --no-config ignores them all
    assert config_json(plain, "--config", tooled / "pyproject.toml")["fail-on"] == "never"
    cfg = config_json(tooled, "--no-config")
    assert cfg["config_file"] is None and cfg["fail-on"] == "misquote"
    assert cfg["origins"]["fail-on"] == "default"


# --- flag > file > default --------------------------------------------------------------------

def test_flags_override_the_file_which_overrides_defaults(project, archive_db):
    story = "story.md"
    # defaults: no archive given and no ./verifier.db
    proc = run("check", "--no-config", story, cwd=project)
    one_line_error(proc, "verifier.db")
    (project / "verifier.toml").write_text(
        'archive = "port.db"\nfail-on = "never"\nformat = "json"\njobs = 2\n', encoding="utf-8")
    proc = run("check", story, cwd=project)
    assert proc.returncode == 0, proc.stderr
    [rec] = records(proc)  # format = "json" from the file
    assert rec["summary"]["misquote"] == 1
    # flags win
    proc = run("check", "--format", "text", "--fail-on", "misquote", story, cwd=project)
    assert proc.returncode == 1 and "MISQUOTE" in proc.stdout and not proc.stdout.startswith("{")
    one_line_error(run("check", "--archive", "elsewhere.db", story, cwd=project), "elsewhere.db")
    assert run("check", "--archive", archive_db, story, cwd=project).returncode == 0
    # $VERIFIER_ARCHIVE comes between the flag and the file
    env_run = run("check", story, cwd=project, env={"VERIFIER_ARCHIVE": str(project / "missing.db")})
    one_line_error(env_run, "missing.db")
    cfg = config_json(project)
    assert cfg["jobs"] == 2 and cfg["origins"]["jobs"] == str(project / "verifier.toml")
    assert config_json(project, "--no-config")["jobs"] == (len(os.sched_getaffinity(0))
                                                          if hasattr(os, "sched_getaffinity") else os.cpu_count())


def test_settings_precedence_in_process(project, monkeypatch):
    from verifier.cli import build_parser
    from verifier.config import settings

    (project / "verifier.toml").write_text(
        'archive = "port.db"\nfail-on = "minor"\nformat = "json"\njobs = 3\n'
        '[aliases]\n"Harbour Chief" = "Lena Holt"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.delenv("VERIFIER_ARCHIVE", raising=False)
    parse = build_parser().parse_args
    s = settings(parse(["check", "x.md"]))
    assert (s.archive, s.fail_on, s.format, s.jobs) == (str(project / "port.db"), "minor", "json", 3)
    assert s.aliases == {"Harbour Chief": "Lena Holt"}
    s = settings(parse(["check", "--archive", "a.db", "--fail-on", "never", "--format", "text", "--jobs", "1",
                        "--alias", "Fish King=Oskar Vega", "--alias", "Harbour Chief=Oskar Vega", "x.md"]))
    assert (s.archive, s.fail_on, s.format, s.jobs) == ("a.db", "never", "text", 1)
    assert s.aliases == {"Harbour Chief": "Oskar Vega", "Fish King": "Oskar Vega"}
    assert s.origins["jobs"] == "command line"
    s = settings(parse(["check", "--no-config", "x.md"]))
    assert (s.archive, s.fail_on, s.format) == ("verifier.db", "misquote", "text") and s.aliases == {}


def write_alias_article(project, alias: str, second: str) -> None:
    """A configuration naming Lena Holt by ``alias``, and an article quoting her and ``second``."""
    (project / "verifier.toml").write_text(f'archive = "port.db"\n[aliases]\n"{alias}" = "Lena Holt"\n',
                                           encoding="utf-8")
    (project / "alias.txt").write_text(
        f"“We will open the new ferry terminal in September,” the Harbour Chief said.\n\n{second}\n", encoding="utf-8")


def test_aliases_from_the_file_and_the_command_line(project):
    write_alias_article(project, "Harbour Chief", "“Our fishermen deserve a fair deal on the herring quota before "
                                                  "the autumn season opens,” said Fish King.")
    verdicts = lambda proc: [q["verdict"] for q in records(proc)[0]["quotes"]]  # noqa: E731
    assert verdicts(run("check", "--format", "json", "alias.txt", cwd=project)) == ["verified", "misattributed"]
    both = run("check", "--format", "json", "--alias", "Fish King=Oskar Vega", "alias.txt", cwd=project)
    assert verdicts(both) == ["verified", "verified"] and both.returncode == 0


# --- include / exclude --------------------------------------------------------------------------

def test_include_and_exclude(project):
    (project / "verifier.toml").write_text(
        'archive = "port.db"\ninclude = ["drafts/**"]\nexclude = ["drafts/old", "*.tmp.md"]\n', encoding="utf-8")
    for name in ("drafts/a.md", "drafts/sub/b.txt", "drafts/old/c.md", "drafts/d.tmp.md", "notes/e.md"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("Nobody said anything today.\n", encoding="utf-8")
    paths = lambda proc: [r["path"] for r in records(proc)]  # noqa: E731
    proc = run("check", "--format", "json", ".", cwd=project)
    assert paths(proc) == ["drafts/a.md", "drafts/sub/b.txt"], proc.stderr
    # from a subdirectory the patterns still count from the file's directory
    proc = run("check", "--format", "json", ".", cwd=project / "drafts")
    assert paths(proc) == ["a.md", "sub/b.txt"]
    # files named explicitly: exclude applies, include does not
    proc = run("check", "--format", "json", "drafts/old/c.md", "notes/e.md", "drafts/d.tmp.md", cwd=project)
    assert proc.returncode == 0 and paths(proc) == ["notes/e.md"]
    # a directory that is all excluded gives nothing, not an error
    proc = run("check", "--format", "json", "drafts/old", cwd=project)
    assert proc.returncode == 0 and proc.stdout == ""
    proc = run("check", "--no-config", "--archive", "port.db", "--format", "json", "drafts", cwd=project)
    assert len(paths(proc)) == 4


# --- bad configuration --------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, words", [
    ("verifier.toml", 'fail_on = "minor"\n', ["verifier.toml", "'fail_on'", "fail-on"]),
    ("verifier.toml", 'jobs = "two"\n', ["verifier.toml", "'jobs'", "positive integer"]),
    ("verifier.toml", "jobs = 0\n", ["'jobs'"]),
    ("verifier.toml", 'fail-on = "sometimes"\n', ["'fail-on'", "misquote"]),
    ("verifier.toml", 'format = "pdf"\n', ["'format'"]),
    ("verifier.toml", "archive = 3\n", ["'archive'"]),
    ("verifier.toml", 'exclude = "drafts"\n', ["'exclude'", "list"]),
    ("verifier.toml", "[aliases]\nX = 1\n", ["'aliases'"]),
    ("verifier.toml", '[[suppress]]\nhash = "0123456789ab"\n', ["'suppress[1]'", "reason"]),
    ("verifier.toml", '[[suppress]]\nhash = "xyz"\nreason = "r"\n', ["'suppress[1].hash'"]),
    ("verifier.toml", '[[suppress]]\nquote = "We"\nreason = "r"\n', ["'suppress[1]'"]),
    ("verifier.toml", '[[suppress]]\npath = "a.md"\nwhy = "r"\n', ["'suppress[1].why'"]),
    ("verifier.toml", "fail-on = \n", ["verifier.toml", "invalid TOML"]),
    ("pyproject.toml", '[tool.verifier]\nfail-on = "minor"\ncolour = true\n', ["pyproject.toml", "'tool.verifier.colour'"]),
    ("pyproject.toml", '[tool.verifier\nfail-on = "minor"\n', ["pyproject.toml", "invalid TOML"]),
])
def test_bad_configuration_is_one_line_and_exit_2(project, name, text, words):
    (project / name).write_text(text, encoding="utf-8")
    one_line_error(run("check", "--archive", "port.db", "story.md", cwd=project), *words)
    one_line_error(run("config", cwd=project), *words)


def test_missing_config_file_and_conflicting_flags(project):
    one_line_error(run("check", "--config", "nope.toml", "story.md", cwd=project), "nope.toml")
    proc = run("check", "--config", "x.toml", "--no-config", "story.md", cwd=project)
    assert proc.returncode == 2 and "not allowed with" in proc.stderr


# --- `verifier config` ------------------------------------------------------------------------

def test_config_command_prints_toml_with_origins(project):
    (project / "verifier.toml").write_text(
        'archive = "port.db"\nexclude = ["old/**"]\n[aliases]\n"the Iron Lady" = "Mara Voss"\n'
        '[[suppress]]\nhash = "0123456789ab"\nreason = "phone interview"\n', encoding="utf-8")
    proc = run("config", cwd=project)
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("#") and str(project / "verifier.toml") in first
    assert "# default" in proc.stdout and f"# {project / 'verifier.toml'}" in proc.stdout
    parsed = tomllib.loads(proc.stdout)  # it is TOML a verifier.toml would accept
    assert parsed["archive"] == str(project / "port.db") and parsed["fail-on"] == "misquote"
    assert parsed["aliases"] == {"the Iron Lady": "Mara Voss"} and parsed["exclude"] == ["old/**"]
    assert parsed["suppress"] == [{"hash": "0123456789ab", "reason": "phone interview"}]
    copy = project / "copy"
    copy.mkdir()
    (copy / "verifier.toml").write_text(proc.stdout, encoding="utf-8")
    assert config_json(copy)["aliases"] == {"the Iron Lady": "Mara Voss"}
    cfg = config_json(project)
    assert cfg["suppress"][0]["reason"] == "phone interview" and cfg["origins"]["format"] == "default"


# --- suppressions -------------------------------------------------------------------------------

def quotes_of(proc):
    [rec] = records(proc)
    return [(q["verdict"], q.get("suppressed")) for q in rec["quotes"]]


@pytest.mark.parametrize("name, text", [
    ("a.md", "# News\n\n{ok}\n\n<!-- verifier: ignore — Vega confirmed it by phone -->\n{bad}\n\n{wrong}\n"),
    ("a.html", "<html><body><article><h1>News</h1><p>{ok}</p>\n<!-- verifier: ignore — Vega confirmed it by phone -->"
               "\n<p>{bad}</p><p>{wrong}</p></article></body></html>"),
    ("a.txt", "{ok}\n\n[verifier: ignore — Vega confirmed it by phone]\n{bad}\n\n{wrong}\n"),
])
def test_inline_ignore_suppresses_the_next_paragraph(project, name, text):
    body = text.format(ok=QUOTES["verified"], bad=QUOTES["misquote"], wrong=QUOTES["misattributed"])
    (project / name).write_text(body, encoding="utf-8")
    proc = run("check", "--archive", "port.db", "--format", "json", name, cwd=project)
    assert quotes_of(proc) == [("verified", None), ("misquote", "Vega confirmed it by phone"),
                               ("misattributed", None)]
    assert proc.returncode == 1  # the misattribution still fails
    (project / name).write_text(body.replace(QUOTES["misattributed"], QUOTES["verified"]), encoding="utf-8")
    proc = run("check", "--archive", "port.db", name, cwd=project)
    assert proc.returncode == 0, proc.stdout  # the suppressed misquote does not
    assert "suppressed" in proc.stdout and "Vega confirmed it by phone" in proc.stdout


def test_ignore_next_quote_and_default_reason(project):
    (project / "b.md").write_text(
        "<!-- verifier: ignore-next-quote -->\n"
        f"{QUOTES['misquote']} {QUOTES['misattributed']}\n", encoding="utf-8")
    proc = run("check", "--archive", "port.db", "--format", "json", "b.md", cwd=project)
    [(v1, s1), (v2, s2)] = quotes_of(proc)
    assert (v1, v2, s2) == ("misquote", "misattributed", None) and "line 1" in s1
    (project / "c.txt").write_text(f"<!-- verifier: ignore -->\n{QUOTES['misquote']}\n", encoding="utf-8")
    proc = run("check", "--archive", "port.db", "--format", "json", "c.txt", cwd=project)
    assert proc.returncode == 0 and quotes_of(proc)[0][1] == "`verifier: ignore` at line 1 in the article"


def test_quote_ids_and_suppression_by_hash_and_by_path(project):
    proc = run("check", "--archive", "port.db", "--format", "json", "story.md", cwd=project)
    [rec] = records(proc)
    ids = {q["verdict"]: q["id"] for q in rec["quotes"]}
    assert all(len(i) == 12 and int(i, 16) >= 0 for i in ids.values()) and len(set(ids.values())) == 5
    text = run("check", "--archive", "port.db", "story.md", cwd=project).stdout
    assert f"id {ids['misquote']}" in text  # shown for editors to copy
    # the id survives punctuation, case and quotation-mark changes, and moving the quote
    (project / "moved.md").write_text("Intro.\n\n\"the HARBOUR fees will rise, this year\" said Oskar Vega.\n",
                                      encoding="utf-8")
    moved = run("check", "--archive", "port.db", "--format", "json", "moved.md", cwd=project)
    assert records(moved)[0]["quotes"][0]["id"] == ids["misquote"]

    (project / "verifier.toml").write_text(
        f'archive = "port.db"\nfail-on = "unverified"\n'
        f'[[suppress]]\nhash = "{ids["misquote"].upper()}"\nreason = "the council corrected the minutes"\n'
        f'[[suppress]]\npath = "*.md"\nquote = "OUR fishermen deserve"\nreason = "Holt repeated it on radio"\n'
        f'[[suppress]]\npath = "other/story.md"\nreason = "never matches here"\n', encoding="utf-8")
    proc = run("check", "--format", "json", "story.md", cwd=project)
    assert quotes_of(proc) == [("verified", None), ("minor", None),
                               ("misquote", "the council corrected the minutes"),
                               ("misattributed", "Holt repeated it on radio"), ("unverified", None)]
    assert proc.returncode == 1  # unverified still fails at this level
    (project / "verifier.toml").write_text(
        (project / "verifier.toml").read_text(encoding="utf-8")
        + f'[[suppress]]\nhash = "{ids["unverified"]}"\nreason = "new statement, not archived yet"\n',
        encoding="utf-8")
    assert run("check", "story.md", cwd=project).returncode == 0


# --- --fail-on, every level, from the file and from the flag -----------------------------------

def test_every_fail_on_level(project):
    for verdict, quote in QUOTES.items():
        (project / f"{verdict}.md").write_text(quote + "\n", encoding="utf-8")
    (project / "none.md").write_text("Nobody said anything today.\n", encoding="utf-8")
    proc = run("check", "--archive", "port.db", "--format", "json", *(f"{v}.md" for v in QUOTES), cwd=project)
    assert [r["quotes"][0]["verdict"] for r in records(proc)] == list(QUOTES)
    for n, level in enumerate(LEVELS):
        below = f"{LEVELS[n - 1]}.md" if n else "none.md"
        (project / "verifier.toml").write_text(f'archive = "port.db"\nfail-on = "{level}"\n', encoding="utf-8")
        assert run("check", f"{level}.md", cwd=project).returncode == 1, level
        assert run("check", below, cwd=project).returncode == 0, level
        assert run("check", "story.md", cwd=project).returncode == 1, level
    (project / "verifier.toml").write_text('archive = "port.db"\nfail-on = "never"\n', encoding="utf-8")
    assert run("check", "story.md", cwd=project).returncode == 0
    assert run("check", "--fail-on", "misattributed", "misquote.md", cwd=project).returncode == 0
    assert run("check", "--fail-on", "misattributed", "misattributed.md", cwd=project).returncode == 1
    assert run("check", "--fail-on", "verified", "verified.md", cwd=project).returncode == 1
    (project / "verifier.toml").unlink()
    assert run("check", "--archive", "port.db", "misquote.md", cwd=project).returncode == 1  # default
    assert run("check", "--archive", "port.db", "unverified.md", cwd=project).returncode == 0


def test_aliases_with_an_article_or_a_title_name_the_person_in_the_report(project):
    write_alias_article(project, "the Harbour Chief", "“The harbour fees will not rise this year,” said Dr. Fish King.")
    proc = run("check", "--format", "json", "--alias", "Fish King=Oskar Vega", "alias.txt", cwd=project)
    quotes = records(proc)[0]["quotes"]
    assert [(q["speaker"], q["verdict"]) for q in quotes] == [("Lena Holt", "verified"), ("Oskar Vega", "verified")]
    assert quotes[0]["speaker_mention"]["text"] == "the Harbour Chief"
    text = run("check", "--alias", "Fish King=Oskar Vega", "alias.txt", cwd=project).stdout
    assert "VERIFIED  Lena Holt" in text and "VERIFIED  Oskar Vega" in text and "Harbour Chief" not in text
