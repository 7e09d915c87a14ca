"""The archive on PostgreSQL (#15): the same answers as SQLite, through the CLI too, under
concurrent writers and readers, and copied between the backends. A real throwaway server
(tests/pg_throwaway.py); the archive, check and provenance suites also run on it (``archive``
fixtures parametrized over both backends in tests/test_archive.py, test_check.py, ...)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from verifier.archive.stems import Stemmer, fts_tree, matching_phrases, tsquery, tsvector
from verifier.archive.store import Archive
from verifier.errors import VerifierError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT / "benchmarks"))


def cli(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verifier", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=300)


# --------------------------------------------------------------------------- the index's terms

def test_terms_and_queries_are_fts5s():
    stemmer = Stemmer()
    assert stemmer.terms(["The winning run, state-run café!"]) == [["the", "win", "run", "state", "run", "cafe"]]
    assert tsvector(["we", "win", "we"]) == "'we':1,3 'win':2"
    assert tsvector(["it's"]) == "'it''s':1"
    assert tsquery('"winning" OR ("state-run" AND "the")', stemmer) == "('win') | ( ('state' <-> 'run') & ('the') )"
    assert tsquery('"!!"', stemmer) == "'#none#'"


def test_the_stemmers_memory_starts_afresh_without_forgetting_the_words_asked(monkeypatch):
    import verifier.archive.stems as stems
    monkeypatch.setattr(stems, "CACHE_WORDS", 3)
    stemmer = Stemmer()
    assert stemmer.words_terms(["winning", "runs", "cafés", "states"]) == {
        "winning": ["win"], "runs": ["run"], "cafés": ["cafe"], "states": ["state"]}
    # the memory is full: a call mixing a remembered word with a new one still answers both
    assert stemmer.words_terms(["runs", "voted"]) == {"runs": ["run"], "voted": ["vote"]}
    assert stemmer.words_terms(["voted", "!!"]) == {"voted": ["vote"], "!!": []}


def test_rank_counts_only_the_parts_of_the_query_that_match():
    tree = fts_tree('"a" OR ("b" AND "c")')
    assert matching_phrases(tree, [1, 1, 0]) == [0]       # the AND does not match: b does not count
    assert matching_phrases(tree, [1, 1, 2]) == [0, 1, 2]
    assert matching_phrases(tree, [0, 1, 0]) is None


# --------------------------------------------------------------------------- same answers

def test_both_backends_rank_every_candidate_alike(tmp_path, pg_url):
    """Every quote of the evaluation set: the same candidates (by document and position), the same
    bm25 scores, the same word statistics."""
    expected = json.loads((ROOT / "benchmarks" / "evalset" / "expected.json").read_text(encoding="utf-8"))
    quotes = [q["quote"] for q in expected][:150]
    assert len(quotes) > 50
    archives = [Archive.open(tmp_path / "a.db", create=True), Archive.open(pg_url, create=True)]
    try:
        for archive in archives:
            _, errors = archive.add_paths([str(ROOT / "benchmarks" / "evalset" / "archive")])
            assert not errors

        def answers(archive):
            found = [[(p.document["id"], p.parts[0].position, round(p.score, 6))
                      for p in archive.candidates(quote, limit=8)] for quote in quotes]
            words = sorted({w for q in quotes for w in q.lower().split()})
            return found, {w: round(b, 9) for w, b in archive.word_bits(words).items()}

        sqlite_answers, pg_answers = answers(archives[0]), answers(archives[1])
        assert sum(map(len, sqlite_answers[0])) > 300
        assert sqlite_answers[1] == pg_answers[1]
        assert sqlite_answers[0] == pg_answers[0]
        assert archives[0].segment_total() == archives[1].segment_total()
    finally:
        for archive in archives:
            archive.close()


def test_the_evaluation_set_gets_identical_verdicts_on_both(tmp_path, pg_url):
    import eval_check

    verifier = [sys.executable, "-m", "verifier"]
    outputs = []
    for location in (str(tmp_path / "eval.db"), pg_url):
        eval_check.build_archive(verifier, ROOT / "benchmarks" / "evalset", location)
        articles = sorted(str(p) for p in (ROOT / "benchmarks" / "evalset" / "articles").iterdir())
        outputs.append([json.loads(line) for line in eval_check.run_check(verifier, location, articles).splitlines()
                        if line.strip()])
    sqlite_out, pg_out = outputs
    assert len(sqlite_out) == len(pg_out) > 10
    verdicts = [[(q["text"], q["verdict"]) for q in a["quotes"]] for a in sqlite_out]
    assert sum(len(v) for v in verdicts) > 100
    assert verdicts == [[(q["text"], q["verdict"]) for q in a["quotes"]] for a in pg_out]
    assert sqlite_out == pg_out   # the whole records: sources, differences, scores


# --------------------------------------------------------------------------- the command line

def test_every_archive_command_takes_a_postgresql_url(tmp_path, pg_url):
    added = cli("archive", "add", "--db", pg_url, str(FIXTURES / "archive"))
    assert added.returncode == 0 and "6 added" in added.stdout, added.stderr
    again = cli("archive", "add", "--db", pg_url, str(FIXTURES / "archive"), "--format", "json")
    assert again.returncode == 0 and {json.loads(x)["status"] for x in again.stdout.splitlines()} == {"unchanged"}
    stats = json.loads(cli("archive", "stats", "--db", pg_url, "--format", "json").stdout)
    assert stats["documents"] == 6 and stats["backend"] == "postgresql" and stats["segments"] == 59
    assert cli("archive", "check", "--db", pg_url).returncode == 0
    hits = cli("archive", "search", "--db", pg_url, "Northern Grid plan")
    assert hits.returncode == 0 and "Press briefing on the Northern Grid plan" in hits.stdout
    article = FIXTURES / "articles" / "estmark-energy.md"
    on_pg = cli("check", "--archive", pg_url, "--format", "json", str(article))
    assert on_pg.returncode == 1, on_pg.stderr   # the fixture article has misquotes
    by_env = cli("check", "--format", "json", str(article), env={"VERIFIER_ARCHIVE": pg_url})
    local = tmp_path / "local.db"
    assert cli("archive", "add", "--db", str(local), str(FIXTURES / "archive")).returncode == 0
    on_sqlite = cli("check", "--archive", str(local), "--format", "json", str(article))
    assert on_pg.stdout == by_env.stdout == on_sqlite.stdout
    listing = json.loads(cli("archive", "list", "--db", pg_url, "--format", "json").stdout)
    doc = listing[0]["id"]
    shown = cli("archive", "show", "--db", pg_url, doc[:6])
    assert shown.returncode == 0 and doc in shown.stdout
    assert cli("archive", "remove", "--db", pg_url, doc).returncode == 0
    assert json.loads(cli("archive", "stats", "--db", pg_url, "--format", "json").stdout)["documents"] == 5
    assert cli("archive", "check", "--db", pg_url).returncode == 0


def test_a_server_that_is_not_there_is_one_line_and_exit_2(tmp_path):
    gone = "postgresql://postgres@127.0.0.1:9/none"
    for args in (["archive", "stats", "--db", gone], ["check", "--archive", gone, str(FIXTURES / "articles")]):
        out = cli(*args, env={"VERIFIER_PG_CONNECT_TIMEOUT": "2"})
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "cannot connect" in out.stderr


def test_no_archive_in_the_database_and_a_newer_schema(pg_url):
    with pytest.raises(VerifierError, match="no archive in this database"):
        Archive.open(pg_url)
    with Archive.open(pg_url, create=True) as archive:
        archive.conn.execute("INSERT INTO verifier_schema (version) VALUES (99)")
    with pytest.raises(VerifierError, match="newer than this verifier"):
        Archive.open(pg_url)


# --------------------------------------------------------------------------- copying

def test_copy_between_backends_both_ways_and_resumed(tmp_path, pg_url, pg_server):
    local = tmp_path / "local.db"
    assert cli("archive", "add", "--db", str(local), str(FIXTURES / "archive")).returncode == 0
    first = cli("archive", "copy", str(local), pg_url, "--format", "json")
    assert first.returncode == 0 and json.loads(first.stdout) == {"copied": 6, "present": 0}
    with Archive.open(pg_url) as archive:   # an interrupted copy: one document lost on the way
        archive.remove(archive.documents()[0]["id"])
    resumed = cli("archive", "copy", str(local), pg_url, "--format", "json")
    assert json.loads(resumed.stdout) == {"copied": 1, "present": 5}
    back = tmp_path / "back.db"
    assert cli("archive", "copy", pg_url, str(back)).returncode == 0
    with Archive.open(local) as a, Archive.open(back) as b, Archive.open(pg_url) as c:
        docs = [sorted((d["id"], d["title"], d["words"]) for d in x.documents()) for x in (a, b, c)]
        assert docs[0] == docs[1] == docs[2]
        for doc_id, _, _ in docs[0]:
            want = a.document(doc_id)
            for other in (b, c):
                got = other.document(doc_id)
                assert got["text"] == want["text"] and got["metadata"] == want["metadata"]
                assert [(s["speaker"], s["char_start"], s["start_time"], s["cues"]) for s in got["segments"]] == \
                       [(s["speaker"], s["char_start"], s["start_time"], s["cues"]) for s in want["segments"]]
        assert b.check() == [] and c.check() == []


# --------------------------------------------------------------------------- concurrency

def test_concurrent_writers_and_checkers(tmp_path, pg_url):
    """4 writers add overlapping sets of files while checkers check: every distinct file once, no
    check fails, and the index statistics end exact (``check``)."""
    src = tmp_path / "src"
    src.mkdir()
    files = []
    for i in range(60):
        path = src / f"t{i:03d}.txt"
        path.write_text(f"MARA VOSS: Statement {i} on the harbour levy and ferry number {i * 7}.\n\n"
                        f"TEODOR BRANN: Reply {i}: the levy {i} stays until the pier is safe.\n", encoding="utf-8")
        files.append(str(path))
    with Archive.open(pg_url, create=True) as archive:   # a check of an empty archive is an error
        archive.add_file(files[0])                          # by design: one file is there first
    sets = [files[k * 12:k * 12 + 36] for k in range(4)]   # overlapping thirds
    article = tmp_path / "story.md"
    article.write_text("“The levy 3 stays until the pier is safe,” Teodor Brann said.\n", encoding="utf-8")
    writers = [subprocess.Popen([sys.executable, "-m", "verifier", "archive", "add", "--db", pg_url, *s],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for s in sets]
    deadline, checks = time.monotonic() + 60, []

    def checker():
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            out = cli("check", "--archive", pg_url, "--format", "json", "--fail-on", "never", str(article))
            checks.append((out.returncode, out.stderr))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: checker(), range(4)))
    for w in writers:
        assert w.wait(120) == 0, w.stderr.read().decode()
    assert checks and all(rc == 0 for rc, _ in checks), checks[:3]
    with Archive.open(pg_url) as archive:
        assert archive.stats()["documents"] == len(set(f for s in sets for f in s))
        assert archive.check() == []


def test_forward_migrations_run_once_in_order(pg_url, monkeypatch):
    from verifier.archive.postgres import store as pg_store

    Archive.open(pg_url, create=True).close()
    monkeypatch.setattr(pg_store, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(pg_store, "MIGRATIONS", {
        2: ["CREATE TABLE notes (id integer)"],
        3: ["INSERT INTO notes (id) SELECT max(version) FROM verifier_schema"]})
    for _ in range(2):   # the second open finds nothing to do
        with Archive.open(pg_url) as archive:
            assert archive._value("SELECT max(version) FROM verifier_schema") == 3
            assert [r["id"] for r in archive._rows("SELECT id FROM notes")] == [2]
    monkeypatch.setattr(pg_store, "SCHEMA_VERSION", 4)
    with pytest.raises(VerifierError, match="no migration from archive schema 3"):
        Archive.open(pg_url)
