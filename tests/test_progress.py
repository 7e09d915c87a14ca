"""Progress on standard error (#16): drawn when standard error is a terminal — a real pseudo-terminal
here — for `check`, `archive add` and `archive fetch`; absent when it is piped and with --quiet;
standard output byte for byte the same either way."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "fetch"))
from fakeweb import FakeWeb, data_file, html  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "fixtures" / "archive"
ARTICLES = ROOT / "fixtures" / "articles"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def environment(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "TERM": "xterm", "COLUMNS": "100", "VERIFIER_CACHE": str(tmp_path / "cache"), **extra}


def run(args: list[str], env: dict, terminal: str = "") -> tuple[int, bytes, bytes]:
    """Run the CLI with standard error (``terminal="stderr"``), or both standard output and
    standard error (``"both"``), on a new pseudo-terminal; (status, stdout, stderr) as bytes."""
    cmd = [sys.executable, "-m", "verifier", *args]
    if not terminal:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = os.openpty()
    stdout = slave if terminal == "both" else subprocess.PIPE
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks: list[bytes] = []

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:   # the other end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    out = proc.stdout.read() if proc.stdout is not None else b""
    proc.wait(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    return proc.returncode, out, b"".join(chunks)


def drawn(stream: bytes, what: str, total: int, unit: str) -> bool:
    text = ANSI.sub("", stream.decode("utf-8", "replace"))
    return (what in text and f"0/{total} {unit}" in text and f"{total}/{total} {unit}" in text
            and f"{unit}/s" in text and "ETA" in text)


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_check_draws_progress_on_a_terminal_and_stdout_is_unchanged(tmp_path, fmt):
    env = environment(tmp_path)
    args = ["check", "--archive", str(ARCHIVE), "--fail-on", "never", "--format", fmt, str(ARTICLES)]
    status, piped_out, piped_err = run(args, env)
    assert status == 0 and piped_err == b""                      # piped: no progress at all
    status, out, err = run(args, env, terminal="stderr")
    assert status == 0 and drawn(err, "checking", 4, "files"), err[-500:]
    if fmt != "sarif":   # SARIF records when it ran; the rest is the same bytes
        assert out == piped_out
    else:
        assert re.sub(rb'"(start|end)TimeUtc": "[^"]*"', b"", out) == re.sub(rb'"(start|end)TimeUtc": "[^"]*"', b"", piped_out)
    assert "\x1b" not in out.decode()
    status, out, err = run([*args[:1], "--quiet", *args[1:]], env, terminal="stderr")
    assert status == 0 and b"checking" not in err and b"files/s" not in err


def test_the_report_on_the_same_terminal_is_not_torn_by_the_progress(tmp_path):
    env = environment(tmp_path, NO_COLOR="1")
    args = ["check", "--archive", str(ARCHIVE), "--fail-on", "never", "--jobs", "1", str(ARTICLES)]
    _, piped, _ = run(args, env)
    status, _, screen = run(args, env, terminal="both")
    assert status == 0 and drawn(screen, "checking", 4, "files")
    shown = ANSI.sub("", screen.decode("utf-8")).replace("\r\n", "\n")
    lines = [line.split("\r")[-1] for line in shown.split("\n")]
    for line in piped.decode("utf-8").splitlines():   # every line of the report, whole
        assert line in lines, line


def test_archive_add_draws_progress_and_prints_the_same_lines(tmp_path):
    env = environment(tmp_path)
    sources = tmp_path / "sources"
    shutil.copytree(ARCHIVE, sources)
    status, piped_out, piped_err = run(["archive", "add", "--db", str(tmp_path / "a.db"), str(sources)], env)
    assert status == 0 and b"adding" not in piped_err
    status, out, err = run(["archive", "add", "--force", "--db", str(tmp_path / "b.db"), str(sources)], env,
                           terminal="stderr")
    assert status == 0 and drawn(err, "adding", 6, "files"), err[-500:]
    assert out == piped_out and len(out.splitlines()) == 7
    status, out, err = run(["archive", "add", "-q", "--db", str(tmp_path / "c.db"), str(sources)], env,
                           terminal="stderr")
    assert status == 0 and b"adding" not in err and b"files/s" not in err


def test_archive_fetch_draws_progress(tmp_path):
    with FakeWeb() as web:
        for n in (1, 2, 3):
            web.routes[f"/news/{n}"] = html(data_file("statement.html").replace(b"2029", str(2029 + n).encode()))
        urls = [web.url(f"/news/{n}") for n in (1, 2, 3)]
        env = environment(tmp_path, VERIFIER_FETCH_INTERVAL="0")
        args = ["archive", "fetch", "--allow-private", "--no-wayback", "--offline"]
        status, piped_out, _ = run([*args[:-1], "--db", str(tmp_path / "a.db"), *urls], env)
        assert status == 0, piped_out
        status, out, err = run([*args, "--db", str(tmp_path / "b.db"), *urls], env, terminal="stderr")
    assert status == 0 and drawn(err, "fetching", 3, "URLs"), err[-500:]
    assert out.replace(b"; from the cache", b"") == piped_out and out.count(b"from the cache") == 3


def test_check_draws_progress_while_it_indexes_a_directory_archive(tmp_path):
    """A directory given as the archive is indexed before the articles are checked: that too is
    shown, file by file, the first time and when the index is brought up to date."""
    from verifier.archive.sources import iter_source_files

    env = environment(tmp_path)
    sources = sum(1 for _ in iter_source_files([str(ARCHIVE)]))
    args = ["check", "--archive", str(ARCHIVE), "--fail-on", "never", "--format", "json", str(ARTICLES / "estmark-energy.md")]
    status, out, err = run(args, env, terminal="stderr")
    assert status == 0 and drawn(err, "indexing", sources, "files"), err[-500:]
    by_variable = [a for a in args if a not in ("--archive", str(ARCHIVE))]   # $VERIFIER_ARCHIVE names it
    status, again, err = run(by_variable, {**env, "VERIFIER_ARCHIVE": str(ARCHIVE)}, terminal="stderr")
    assert status == 0 and again == out and drawn(err, "indexing", sources, "files"), err[-500:]
    status, _, err = run([*args, "--quiet"], env, terminal="stderr")
    assert status == 0 and b"indexing" not in err


def test_a_source_that_cannot_be_read_is_reported_on_its_own_line_while_indexing(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in ARCHIVE.iterdir():
        if path.is_file():
            shutil.copy(path, sources / path.name)
    (sources / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    env = environment(tmp_path)
    args = ["check", "--archive", str(sources), "--fail-on", "never", "--format", "json", str(ARTICLES / "estmark-energy.md")]
    status, out, err = run(args, env, terminal="stderr")
    text = ANSI.sub("", err.decode("utf-8", "replace")).replace("\r", "\n")
    assert status == 0 and json.loads(out)["quotes"]
    assert any(line.startswith("verifier: ") and "broken.txt" in line and "binary" in line
               for line in text.splitlines()), text[-800:]


def test_a_directory_archive_is_listed_once_for_its_progress_and_its_index(tmp_path, monkeypatch):
    """The files counted for the progress display are the files indexed: the directory is walked
    once (a walk of years of transcripts is not free)."""
    import verifier.archive.sources as sources_package
    import verifier.archive.store as store_module
    from verifier.cli.progress import open_archive

    walks = []
    real = sources_package.iter_source_files

    def counted(paths):
        walks.append(paths)
        return real(paths)

    monkeypatch.setattr(sources_package, "iter_source_files", counted)
    monkeypatch.setattr(store_module, "iter_source_files", counted)
    monkeypatch.setenv("VERIFIER_CACHE", str(tmp_path / "cache"))
    with open_archive(str(ARCHIVE), quiet=True) as archive:
        assert archive.stats()["documents"] == 6
    assert walks == [[str(ARCHIVE)]]
