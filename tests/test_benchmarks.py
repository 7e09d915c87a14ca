"""The benchmark scripts find their data and run (their figures are not asserted: timing is noisy)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaldata import shared_data  # noqa: E402


def test_shared_data_is_found_through_the_environment(tmp_path, monkeypatch):
    (tmp_path / "data" / "polnear-train" / "text").mkdir(parents=True)
    monkeypatch.setenv("VERIFIER_SHARED_DATA", str(tmp_path / "data"))
    assert shared_data("polnear-train/text") == tmp_path / "data" / "polnear-train" / "text"


def test_shared_data_is_found_above_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "shared" / "data" / "real-checks").mkdir(parents=True)
    (tmp_path / "clone" / "deep").mkdir(parents=True)
    monkeypatch.delenv("VERIFIER_SHARED_DATA", raising=False)
    monkeypatch.chdir(tmp_path / "clone" / "deep")
    assert shared_data("real-checks") == tmp_path / "shared" / "data" / "real-checks"


def run(script: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_bench_extract_times_the_fixtures_when_asked():
    out = run("bench_extract.py", "--fixtures", "--rounds", "1")
    assert out.returncode == 0, out.stderr
    assert "fixtures/articles" in out.stdout and "articles/s" in out.stdout


def test_bench_extract_reads_the_folder_given(tmp_path):
    (tmp_path / "a.txt").write_text("“We will rebuild the pier,” Mayor Ilse Marten said.\n", encoding="utf-8")
    out = run("bench_extract.py", str(tmp_path), "--rounds", "1")
    assert out.returncode == 0, out.stderr
    assert "(1 articles, 9 words, 1 quotations)" in out.stdout


def test_bench_startup_prints_each_command_beside_bare_python():
    out = run("bench_startup.py", "--rounds", "1", "--article", str(ROOT / "fixtures" / "articles" / "opposition-reply.txt"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split(" median")[0].strip() for line in lines[1:]] == [
        "python -c pass", "verifier --help", "verifier quotes opposition-reply.txt"]
    assert all("x bare python" in line for line in lines[1:])


def test_bench_concurrency_counts_every_distinct_file_once(pg_server):
    out = run("bench_concurrency.py", "--writers", "3", "--files", "12", "--checkers", "2", "--seconds", "4",
              "--pg-url", pg_server.url())
    assert out.returncode == 0, out.stdout + out.stderr
    summary = out.stdout.splitlines()[-1]
    assert "distinct=18 documents=18" in summary and "failed=0 OK" in summary


def test_bench_archive_runs_on_postgresql_beside_sqlite(pg_server):
    out = run("bench_archive.py", "--words", "20000", "--rounds", "1", "--queries", "20",
              "--backend", "postgresql", "--pg-url", pg_server.url())
    assert out.returncode == 0, out.stderr
    assert "postgresql ingest:" in out.stdout and "x SQLite's" in out.stdout
    assert "the same candidates as SQLite for 20 of 20 queries" in out.stdout


def test_build_given_names_keeps_names_of_a_usual_gender(tmp_path):
    """From public-record files (``Name,F|M,count``): a name given to one sex at least 95 % of the
    time and often enough is kept with that sex; a name given to both, or too rarely, is not."""
    (tmp_path / "yob1970.txt").write_text("name,gender,frequency\nDianne,F,976\nTodd,M,14428\nTodd,F,48\n"
                                          "Jordan,M,600\nJordan,F,400\nZyx,M,3\n", encoding="utf-8")
    (tmp_path / "yob2015.txt").write_text("Dianne,F,26\nJordan,F,300\n", encoding="utf-8")
    out_file = tmp_path / "names.txt"
    out = run("build_given_names.py", str(tmp_path / "yob1970.txt"), str(tmp_path / "yob2015.txt"),
              "--out", str(out_file))
    assert out.returncode == 0, out.stderr
    assert out_file.read_text(encoding="utf-8") == "dianne f\ntodd m\n"
    assert "2 names (1 f, 1 m)" in out.stdout
