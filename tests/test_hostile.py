"""Hostile and broken input (issue #17), through the real command line: what is not a regular
file, honest decoding, front matter that cannot explode, sizes in the units they name."""
import json
import os
import socket
import subprocess
import sqlite3
import sys
import time
from pathlib import Path

import pytest

QUOTE = "“We win,” he said.\n"


def verifier(*args, cwd=None, timeout=30, env=None):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env=env)
    proc.seconds = time.monotonic() - started
    return proc


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --------------------------------------------------------------------------- only regular files


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "piped.txt"
    os.mkfifo(path)
    return path


def test_quotes_refuses_a_fifo_at_once_and_reads_the_other_files(tmp_path, fifo):
    good = tmp_path / "good.txt"
    good.write_text(QUOTE, encoding="utf-8")
    proc = verifier("quotes", fifo, good, timeout=10)
    assert proc.seconds < 5  # the process start included; the refusal itself takes no waiting
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"verifier: {fifo}: not a regular file (a named pipe)"
    assert "We win" in proc.stdout


def test_a_fifo_is_refused_in_under_a_second(fifo):
    from verifier.article.load import load_article
    from verifier.errors import InputError

    started = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        load_article(str(fifo))
    assert time.monotonic() - started < 1


def test_archive_add_refuses_a_fifo_and_adds_the_rest(tmp_path, fifo):
    good = tmp_path / "speech.txt"
    good.write_text("We will rebuild the embankment before the winter.\n", encoding="utf-8")
    proc = verifier("archive", "add", "--db", tmp_path / "a.db", "--speaker", "Mara Voss", fifo, good,
                    timeout=20)
    assert proc.returncode == 2
    assert f"{fifo}: not a regular file (a named pipe)" in proc.stderr
    assert "1 added, 1 failed" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_archive_add_refuses_a_fifo_found_in_a_directory(tmp_path, fifo):
    (tmp_path / "speech.txt").write_text("We will rebuild the embankment.\n", encoding="utf-8")
    proc = verifier("archive", "add", "--db", tmp_path / "a.db", "--speaker", "Mara Voss", tmp_path,
                    timeout=20)
    assert proc.returncode == 2
    assert "not a regular file (a named pipe)" in proc.stderr


def test_devices_and_sockets_are_refused(tmp_path):
    from verifier.archive.sources import read_bytes
    from verifier.errors import InputError

    with pytest.raises(InputError, match=r"not a regular file \(a character device\)"):
        read_bytes(os.devnull)
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(InputError, match=r"not a regular file \(a socket\)"):
            read_bytes(str(path))


def test_a_fifo_as_configuration_is_refused(tmp_path):
    config = tmp_path / "verifier.toml"
    os.mkfifo(config)
    article = tmp_path / "a.txt"
    article.write_text(QUOTE, encoding="utf-8")
    proc = verifier("check", "--config", config, "--archive", tmp_path / "none.db", article, timeout=10)
    assert proc.returncode == 2
    assert one_line(proc.stderr).endswith("cannot read the configuration: not a regular file (a named pipe)")


def test_standard_input_may_still_be_a_pipe():
    proc = subprocess.run([sys.executable, "-m", "verifier", "quotes", "-"], input=QUOTE,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "We win" in proc.stdout


# --------------------------------------------------------------------------- messages


def test_source_sizes_are_given_in_mebibytes_and_never_read_the_same(tmp_path):
    from verifier.archive.sources import read_bytes
    from verifier.errors import InputError

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(InputError) as excinfo:
        read_bytes(str(big))
    assert excinfo.value.reason.startswith("file too large (52,428,801 bytes; limit 50.0 MiB")


# --------------------------------------------------------------------------- honest decoding

ARTICLE = ("The minister spoke on Tuesday.\n"
           "“We will rebuild the embankment,” said Mara Voss. “The river will not win.”\n"
           "Officials said the work would start in March.\n")


def broken_utf8(text: str, line: int) -> bytes:
    """``text`` as UTF-8 with two stray bytes (a cut-off character, a lone continuation byte)
    at the start of ``line`` (1-based)."""
    lines = text.encode("utf-8").split(b"\n")
    lines[line - 1] = b"\xe2\x80 \x9d" + lines[line - 1]
    return b"\n".join(lines)


def test_utf8_with_a_few_bad_bytes_keeps_its_curly_quotes(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(broken_utf8(ARTICLE, 3))
    proc = verifier("quotes", "--format", "json", path)
    assert proc.returncode == 0
    assert one_line(proc.stderr) == (f"verifier: warning: {path}: 2 invalid UTF-8 sequences "
                                     "replaced with \ufffd (the first on line 3)")
    quotes = json.loads(proc.stdout)["quotes"]
    assert [q["text"] for q in quotes] == ["We will rebuild the embankment,", "The river will not win."]
    assert all(q["speaker"] == "Mara Voss" for q in quotes)
    text = path.read_bytes().decode("utf-8", "replace")
    assert [text[q["start"] - 1] + text[q["end"]] for q in quotes] == ["“”", "“”"]
    assert "â€" not in proc.stdout


def test_a_source_with_a_few_bad_bytes_is_stored_with_its_curly_quotes(tmp_path):
    path = tmp_path / "speech.md"
    path.write_bytes(b"---\nspeaker: Mara Voss\n---\n" + broken_utf8("“We will rebuild,” she said.\n", 1))
    db = tmp_path / "a.db"
    proc = verifier("archive", "add", "--db", db, path)
    assert proc.returncode == 0, proc.stderr
    assert f"verifier: warning: {path}: 2 invalid UTF-8 sequences replaced" in proc.stderr
    assert "(the first on line 4)" in proc.stderr
    [text] = [row[0] for row in sqlite3.connect(db).execute("SELECT text FROM segments")]
    assert "“We will rebuild,”" in text and "â€" not in text


def test_a_legacy_code_page_is_still_read_as_one(tmp_path):
    from verifier.article.load import load_article

    path = tmp_path / "cp1252.txt"
    path.write_bytes("“Ça ira,” said the café owner. “Très bien.”\n".encode("cp1252"))
    article = load_article(str(path))
    assert article.text.startswith("“Ça ira,” said the café owner.")


def test_one_stray_byte_in_ascii_text_is_a_code_page_not_a_replacement(tmp_path, capsys):
    from verifier.article.load import load_article

    path = tmp_path / "one.txt"
    path.write_bytes(b"It\x92s late, he said.\n")
    assert load_article(str(path)).text == "It’s late, he said.\n"
    assert capsys.readouterr().err == ""


def test_lenient_decoding_counts_sequences_not_the_files_own_replacement_characters():
    from verifier.decoding import lenient_utf8

    data = "“a” \ufffd “b” “c”\r\nnext\rthird ".encode("utf-8") + b"\xff"
    assert lenient_utf8(data, "x") == "“a” \ufffd “b” “c”\r\nnext\rthird \ufffd"
    assert lenient_utf8("“valid”".encode("utf-8"), "x") is None
