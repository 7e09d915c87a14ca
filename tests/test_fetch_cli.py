"""`verifier archive fetch` as a user runs it: real subprocesses, a real archive, and the fake web
on 127.0.0.1 (hence --allow-private), with the Internet Archive's endpoints pointed at it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "fetch"))
from fakeweb import FakeWeb, Reply, cdx_json, data_file, html  # noqa: E402

from verifier.archive.store import Archive  # noqa: E402

TV_ID = "ENT_20250311_190000_Evening_News"


@pytest.fixture
def web():
    with FakeWeb() as fake:
        yield fake


@pytest.fixture
def env(web, tmp_path):
    return {**os.environ, "VERIFIER_CACHE": str(tmp_path / "cache"), "VERIFIER_FETCH_INTERVAL": "0",
            "VERIFIER_FETCH_RETRIES": "1", "VERIFIER_ARCHIVE": str(tmp_path / "default.db"),
            "VERIFIER_WAYBACK_URL": web.url("/web"), "VERIFIER_CDX_URL": web.url("/cdx/search/cdx"),
            "VERIFIER_ARCHIVE_ORG_URL": web.origin}


def fetch(env, db, *args, check=None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "verifier", "archive", "fetch", "--db", str(db),
                           "--allow-private", *map(str, args)], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def documents(db) -> list[dict]:
    with Archive.open(db) as archive:
        return [archive.document(d["id"], segments=False) for d in archive.documents()]


def test_fetch_a_statement_then_again_from_the_cache(web, env, tmp_path):
    web.routes["/news/grid-timetable"] = html(data_file("statement.html"))
    url, db = web.url("/news/grid-timetable"), tmp_path / "a.db"
    first = fetch(env, db, url, check=0)
    line, summary = first.stdout.splitlines()
    assert line.startswith("added ") and line.endswith(f"  {url}  (2 segments, 48 words; live page)")
    assert summary == "1 added" and first.stderr == ""
    again = fetch(env, db, url, check=0)
    assert again.stdout.splitlines()[0].endswith("(2 segments, 48 words; live page; from the cache)")
    assert again.stdout.startswith("unchanged") and web.count("/news/grid-timetable") == 1
    [doc] = documents(db)
    assert (doc["url"], doc["source_path"], doc["speaker"], doc["date"]) == (url, url, "Mara Voss", "2025-03-04")
    assert set(doc["metadata"]) >= {"retrieved", "final_url", "content_type", "author", "origin"}
    offline = fetch(env, db, "--offline", "--format", "json", url, check=0)
    assert json.loads(offline.stdout)["from_cache"] is True and web.count("/news/grid-timetable") == 1


def test_errors_are_one_line_each_and_the_others_are_still_added(web, env, tmp_path):
    web.routes["/ok"] = html(data_file("statement.html"))
    web.routes["/deleted"] = Reply(410)
    web.routes["/logo.png"] = Reply(200, b"\x89PNG\r\n", {"Content-Type": "image/png"})
    web.routes["/down"] = Reply(503)
    db = tmp_path / "a.db"
    proc = fetch(env, db, web.url("/deleted"), web.url("/ok"), web.url("/logo.png"), web.url("/down"),
                 "file:///etc/passwd", "--no-wayback", check=2)
    assert proc.stderr.splitlines() == [
        f"verifier: {web.url('/deleted')}: gone (410); try --wayback",
        f"verifier: {web.url('/logo.png')}: not a text document (content type image/png); "
        "only HTML, text, captions (.srt, .vtt) and JSON are fetched",
        f"verifier: {web.url('/down')}: server error (503) after 2 attempts; try again later",
        "verifier: file:///etc/passwd: file: URLs are not fetched (only http and https); give an http(s) URL"]
    assert proc.stdout.splitlines()[-1] == "1 added, 4 failed"
    assert [d["url"] for d in documents(db)] == [web.url("/ok")]


def test_a_fetched_page_that_names_no_speaker_is_noted(web, env, tmp_path):
    web.routes["/notice"] = html(b"<html><head><title>Ferry notice</title></head><body><article>"
                                 b"<p>The ferry will run twice a day from the first of June.</p></article></body></html>")
    proc = fetch(env, tmp_path / "a.db", web.url("/notice"), check=0)
    assert proc.stderr.startswith("verifier: note: 1 of 1 documents added name no speaker (notice)")
    named = fetch(env, tmp_path / "b.db", "--speaker", "Ida Morn", web.url("/notice"), check=0)
    assert named.stderr == ""


def test_offline_miss_is_one_line(web, env, tmp_path):
    url = web.url("/never-fetched")
    proc = fetch(env, tmp_path / "a.db", "--offline", url, check=2)
    assert proc.stderr == f"verifier: {url}: not in the cache (offline); fetch it once without --offline\n"
    assert web.requests == []


def test_fetch_a_wayback_snapshot_of_a_deleted_page(web, env, tmp_path):
    url = "http://campaign.example/pledges/trees"
    web.routes["/cdx/search/cdx"] = cdx_json(("20250116093000", url))
    web.routes[f"/web/20250116093000id_/{url}"] = html(data_file("snapshot-2025-01.html"))
    db = tmp_path / "a.db"
    proc = fetch(env, db, "--wayback", "--date", "2025-01-15", "--kind", "campaign pledge", url, check=0)
    assert proc.stdout.splitlines()[0].endswith("; Wayback snapshot 2025-01-16T09:30:00Z)")
    [doc] = documents(db)
    assert doc["url"] == web.url(f"/web/20250116093000/{url}") and doc["kind"] == "campaign pledge"
    assert doc["metadata"]["original_url"] == url and doc["metadata"]["wayback_timestamp"] == "20250116093000"


def test_fetch_a_broadcast_from_the_tv_news_archive(web, env, tmp_path):
    web.routes[f"/metadata/{TV_ID}"] = Reply(200, data_file("tv-metadata.json"), {"Content-Type": "application/json"})
    web.routes[f"/download/{TV_ID}/{TV_ID}.cc5.srt"] = Reply(200, data_file(f"{TV_ID}.cc5.srt"),
                                                             {"Content-Type": "text/plain"})
    db = tmp_path / "a.db"
    proc = fetch(env, db, "--format", "json", TV_ID, check=0)
    out = json.loads(proc.stdout)
    assert out["status"] == "added" and out["origin"] == "tv" and out["url"] == web.url(f"/details/{TV_ID}")
    search = subprocess.run([sys.executable, "-m", "verifier", "archive", "search", "--db", str(db), "--format",
                             "json", "not choosing between cheap power and clean power"],
                            capture_output=True, text=True, env=env, timeout=60)
    best = json.loads(search.stdout)[0]
    assert best["document"]["kind"] == "broadcast" and best["document"]["outlet"] == "ENT"
    assert best["timecode"] == "00:01:47" and best["speaker"] == "Mara Voss"


def test_a_fetch_killed_mid_download_stores_nothing_and_a_rerun_completes(web, env, tmp_path):
    release = threading.Event()
    body = data_file("statement.html")
    web.routes["/first"] = html(body.replace(b"Northern Grid", b"Southern Grid"))
    web.routes["/stall"] = [Reply(200, body, {"Content-Type": "text/html"}, stall=release), html(body)]
    db = tmp_path / "a.db"
    fetch(env, db, web.url("/first"), check=0)
    before = documents(db)
    cmd = [sys.executable, "-m", "verifier", "archive", "fetch", "--db", str(db), "--allow-private", web.url("/stall")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        assert web.stalled.wait(60), "the download never started"
        time.sleep(0.2)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        release.set()
    assert documents(db) == before
    with Archive.open(db) as archive:
        assert archive.check() == []
    rerun = fetch(env, db, web.url("/stall"), check=0)
    assert rerun.stdout.startswith("added") and "from the cache" not in rerun.stdout
    assert len(documents(db)) == 2 and web.count("/stall") == 2
