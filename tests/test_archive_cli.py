"""`verifier archive ...` as a user runs it: real subprocesses on real SQLite files."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verifier.archive.store import Archive

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "archive"
BAD = Path(__file__).resolve().parent / "data" / "sources" / "bad"


def run(*args, cwd=None, env=None, check=None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "verifier", "archive", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "archive.db"
    run("add", "--db", path, FIXTURES, check=0)
    return path


def test_add_list_show_remove_stats(db):
    listed = json.loads(run("list", "--db", db, "--format", "json", check=0).stdout)
    assert len(listed) == 6
    assert run("list", "--db", db, "--limit", "2", "--format", "json", check=0).stdout.count('"id"') == 2
    text = run("list", "--db", db, check=0).stdout
    assert "Press briefing on the Northern Grid plan" in text and "\t" in text   # plain when piped
    speech = next(d for d in listed if d["kind"] == "speech")
    shown = json.loads(run("show", "--db", db, speech["id"], "--format", "json", check=0).stdout)
    assert shown["speaker"] == "Ilse Kartano" and shown["segments"][0]["text"] == "Councillors, neighbours, friends."
    assert "Ilse Kartano: Councillors, neighbours, friends." in run("show", "--db", db, speech["id"][:7], check=0).stdout
    page = next(d for d in listed if d["format"] == "html")
    lines = run("show", "--db", db, page["id"], check=0).stdout.splitlines()
    assert "speaker:     Teodor Brann" in lines and "speaker_from: title" in lines   # a long key keeps its space
    stats = json.loads(run("stats", "--db", db, "--format", "json", check=0).stdout)
    assert stats["documents"] == 6 and stats["segments"] > 50 and stats["words"] > 1000
    assert "removed " + speech["id"] in run("remove", "--db", db, speech["id"], check=0).stdout
    assert json.loads(run("stats", "--db", db, "--format", "json", check=0).stdout)["documents"] == 5
    gone = run("show", "--db", db, speech["id"], check=2)
    assert gone.stderr.strip() == f"verifier: {speech['id']}: no such document in {db}"
    assert run("check", "--db", db, check=0).stdout.strip().endswith(": ok")


def test_search_json_shape_and_ranking(db):
    out = run("search", "--db", db, "--format", "json", "--limit", "3",
              "We are not choosing between cheap power and clean power", check=0).stdout
    passages = json.loads(out)
    assert 1 <= len(passages) <= 3
    best = passages[0]
    assert set(best) >= {"document", "speaker", "text", "start", "end", "timecode", "score"}
    assert set(best["document"]) >= {"id", "title", "speaker", "date", "url", "kind"}
    assert best["speaker"] == "Mara Voss" and best["text"].startswith("We are not choosing")
    assert isinstance(best["score"], float) and isinstance(best["start"], int)
    broadcast = next(p for p in passages if p["document"]["kind"] == "broadcast")
    assert broadcast["timecode"] == "00:01:47"
    text = run("search", "--db", db, "the", "date", "is", "firm", check=0).stdout
    assert text.startswith("1. Mara Voss - Press briefing on the Northern Grid plan")
    assert run("search", "--db", db, "--format", "json", "xqzzy", check=0).stdout.strip() == "[]"


def test_default_archive_from_environment_then_cwd(tmp_path):
    env_db = tmp_path / "env.db"
    run("add", str(FIXTURES / "2025-02-20-kartano-budget-speech.md"), env={"VERIFIER_ARCHIVE": str(env_db)}, check=0)
    assert env_db.exists()
    run("add", str(FIXTURES / "2025-02-20-kartano-budget-speech.md"), cwd=tmp_path,
        env={"VERIFIER_ARCHIVE": ""}, check=0)
    assert (tmp_path / "verifier.db").exists()


def test_missing_and_foreign_archives(tmp_path):
    missing = run("list", "--db", tmp_path / "nope.db", check=2)
    assert missing.stderr.startswith("verifier: ") and "no such archive" in missing.stderr
    assert missing.stderr.count("\n") == 1 and not (tmp_path / "nope.db").exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    for action in (["list"], ["add", FIXTURES]):
        proc = run(action[0], "--db", notes, *action[1:], check=2)
        assert "not a verifier archive" in proc.stderr and proc.stderr.count("\n") == 1
    assert notes.read_text() == "hello\n"


def test_flags_override_front_matter(tmp_path):
    db = tmp_path / "a.db"
    run("add", "--db", db, "--speaker", "Nadia Quell", "--date", "2025-01-02", "--title", "Renamed",
        "--kind", "interview", "--url", "https://example.org/q", FIXTURES / "2025-02-20-kartano-budget-speech.md", check=0)
    doc = json.loads(run("list", "--db", db, "--format", "json", check=0).stdout)[0]
    assert (doc["speaker"], doc["date"], doc["title"], doc["kind"], doc["url"]) == (
        "Nadia Quell", "2025-01-02", "Renamed", "interview", "https://example.org/q")
    bad = run("add", "--db", db, "--date", "2 January", FIXTURES, check=2)
    assert "--date" in bad.stderr and "Traceback" not in bad.stderr


def test_bad_files_are_reported_and_skipped(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(FIXTURES, src)
    shutil.copytree(BAD, src / "bad")
    big = src / "huge-transcript.txt"
    big.write_text("MARA VOSS: " + "We will hold the line. " * 20000)
    db = tmp_path / "a.db"
    proc = run("add", "--db", db, src, env={"VERIFIER_MAX_SOURCE_BYTES": "100000"}, check=2)
    lines = proc.stderr.strip().splitlines()
    notes = [line for line in lines if line.startswith("verifier: note: ")]
    errors = [line for line in lines if line not in notes]
    # every fixture names its speaker; the statement page only in its title, which add says
    assert notes == ["verifier: note: 1 of 6 documents added take their speaker from their title "
                     "(water-ministry-flood-statement.html: Teodor Brann); give --speaker NAME where that reading is wrong"]
    named = sorted(Path(line.split(": ")[1]).name for line in errors)
    assert named == ["binary.txt", "broken-front-matter.md", "empty.txt", "huge-transcript.txt",
                     "malformed.srt", "malformed.vtt", "unknown-encoding.txt"]
    assert all(line.startswith("verifier: ") for line in errors)
    assert "file too large" in proc.stderr
    assert proc.stdout.count("added ") == 6 and "6 added, 7 failed" in proc.stdout
    again = run("add", "--db", db, "--format", "json", src, env={"VERIFIER_MAX_SOURCE_BYTES": "100000"}, check=2)
    lines = [json.loads(line) for line in again.stdout.splitlines()]
    assert sorted(x.get("status", "error") for x in lines).count("unchanged") == 6
    assert sum(1 for x in lines if "error" in x) == 7


def test_adding_the_same_file_twice_changes_nothing(db):
    before = run("stats", "--db", db, "--format", "json", check=0).stdout
    proc = run("add", "--db", db, FIXTURES, check=0)
    assert sum(line.startswith("unchanged ") for line in proc.stdout.splitlines()) == 6
    assert run("stats", "--db", db, "--format", "json", check=0).stdout == before


def test_standard_input(tmp_path):
    db = tmp_path / "a.db"
    proc = subprocess.run([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), "--speaker",
                           "Oona Brisk", "-"], input="Where do the five million come from?\n",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(run("search", "--db", db, "--format", "json", "five million", check=0).stdout)
    assert found[0]["speaker"] == "Oona Brisk"


def make_sources(directory: Path, files: int, words: int, tag: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = "river flood crowns budget minister harbour wind grid council bridge levy tram".split()
    for i in range(files):
        body = " ".join(f"{vocabulary[(i * 7 + j) % len(vocabulary)]}{j % 97}" for j in range(words))
        (directory / f"{tag}{i:04d}.txt").write_text(
            f"SPEAKER {tag.upper()}: {tag}{i} unique marker. {body}.\n\nOTHER VOICE: Reply {tag}{i}.\n")


def documents_in(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_ingest_killed_halfway_leaves_whole_documents_and_a_rerun_completes(tmp_path):
    src, db = tmp_path / "src", tmp_path / "a.db"
    total = 3000
    make_sources(src, total, 1500, "k")     # a few seconds of work: several commits
    cmd = [sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), "-q", str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while documents_in(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "ingest finished before it could be killed; make it bigger"
        os.killpg(proc.pid, signal.SIGKILL)      # the command and its parsing workers
    finally:
        proc.wait(timeout=30)
    with Archive.open(db) as arch:
        count = arch.stats()["documents"]
        assert 5 <= count < total
        assert arch.check() == []                  # every document whole, every segment indexed
        for doc in arch.documents(limit=50):
            assert len(arch.document(doc["id"])["segments"]) == doc["segments"]
    proc = run("add", "--db", db, "--format", "json", src, check=0)
    statuses = [json.loads(line)["status"] for line in proc.stdout.splitlines()]
    assert statuses.count("unchanged") == count and statuses.count("added") == total - count
    with Archive.open(db) as arch:
        assert arch.stats()["documents"] == total and arch.check() == []
        assert arch.candidates(f"k{total - 1} unique marker")[0].speaker == "Speaker K"


def test_two_writers_at_once_both_succeed(tmp_path):
    db = tmp_path / "shared.db"
    make_sources(tmp_path / "a", 60, 400, "a")
    make_sources(tmp_path / "b", 60, 400, "b")
    shutil.copy(FIXTURES / "2025-02-20-kartano-budget-speech.md", tmp_path / "a")
    shutil.copy(FIXTURES / "2025-02-20-kartano-budget-speech.md", tmp_path / "b")   # the same speech in both
    procs = [subprocess.Popen([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), "-q",
                               str(tmp_path / name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]
    reader_saw = []
    while any(p.poll() is None for p in procs):     # a reader is never blocked meanwhile
        reader_saw.append(documents_in(db))
        time.sleep(0.02)
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    with Archive.open(db) as arch:
        assert arch.stats()["documents"] == 121 and arch.check() == []
    assert reader_saw == sorted(reader_saw)


def test_help_lists_the_actions():
    out = run("--help", check=0).stdout
    for action in ("add", "list", "search", "show", "remove", "stats", "check"):
        assert action in out


def test_two_processes_creating_the_same_archive_both_succeed(tmp_path):
    for round_ in range(6):
        db = tmp_path / f"new{round_}.db"
        for name in "ab":
            folder = tmp_path / f"{name}{round_}"
            folder.mkdir()
            (folder / "s.txt").write_text(f"Statement {name} number {round_}. " * 40, encoding="utf-8")
        procs = [subprocess.Popen([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), "-q",
                                   str(tmp_path / f"{name}{round_}")], stderr=subprocess.PIPE, text=True)
                 for name in "ab"]
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
        with Archive.open(db) as arch:
            assert arch.stats()["documents"] == 2


def test_documents_without_a_speaker_are_named_and_counted(tmp_path):
    (tmp_path / "note.txt").write_text("The ferry will run twice a day from the first of June.\n")
    (tmp_path / "turns.txt").write_text("IDA MORN: The ferry will run twice a day.\n")
    db = tmp_path / "a.db"
    proc = run("add", "--db", db, tmp_path / "note.txt", tmp_path / "turns.txt", check=0)
    assert proc.stderr.startswith("verifier: note: 1 of 2 documents added name no speaker (note.txt)")
    assert "--speaker NAME" in proc.stderr and "front-matter" in proc.stderr and "speaker turns" in proc.stderr
    stats = json.loads(run("stats", "--db", db, "--format", "json", check=0).stdout)
    assert stats["without_speaker"] == 1 and stats["documents"] == 2
    assert "without_speaker:1" in run("stats", "--db", db, check=0).stdout.replace(" ", "")
    (tmp_path / "other.txt").write_text("We will not close the ferry.\n")
    named = run("add", "--db", db, "--speaker", "Ida Morn", tmp_path / "other.txt", check=0)
    assert "no speaker" not in named.stderr
    assert json.loads(run("stats", "--db", db, "--format", "json", check=0).stdout)["without_speaker"] == 1
