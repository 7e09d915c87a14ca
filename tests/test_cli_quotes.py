"""`verifier quotes` run as a real subprocess: JSON Lines, text, stdin, formats, bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "articles" / "iraq-isis-database.txt"


def run(*args, input=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "verifier", "quotes", *map(str, args)],
                          capture_output=True, input=input, timeout=timeout)


def records(proc):
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]


def test_json_lines_follow_the_interface():
    proc = run("--format", "json", SEED)
    assert proc.returncode == 0, proc.stderr
    [rec] = records(proc)
    assert rec["path"] == str(SEED)
    text = SEED.read_text(encoding="utf-8")
    assert len(rec["quotes"]) == 2
    for q in rec["quotes"]:
        assert set(q) >= {"start", "end", "text", "speaker", "speaker_mention", "cue", "line", "column"}
        assert text[q["start"]:q["end"]] == q["text"]
        assert q["speaker"] == "Sabah Al-Numan"
        m = q["speaker_mention"]
        assert text[m["start"]:m["end"]] == m["text"]
        line = text.split("\n")[q["line"] - 1]
        assert line[q["column"] - 1:].startswith(q["text"][:20])
    assert [t["text"].rstrip(",") for t in rec["terms"]] == ["Wali of Iraq and Syria"]


def test_text_format_names_speaker_cue_and_position():
    proc = run(SEED)
    out = proc.stdout.decode()
    assert proc.returncode == 0
    assert "2 quotes" in out
    assert "Sabah Al-Numan — said (Al-Numan)" in out
    assert "6:2" in out  # line 6, column 2: right after the opening mark


def test_standard_input_and_many_files_in_order(tmp_path):
    other = tmp_path / "b.txt"
    other.write_text("“The pumps work,” said Ilse Marten.", encoding="utf-8")
    proc = run("--format", "json", other, "-", input="“Ready,” Arvid Kolle said.".encode())
    recs = records(proc)
    assert [r["path"] for r in recs] == [str(other), "-"]
    assert recs[0]["quotes"][0]["speaker"] == "Ilse Marten"
    assert recs[1]["quotes"][0]["speaker"] == "Arvid Kolle"


def test_markdown_and_html_positions_point_into_the_original(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("# Flood\n\nThe **mayor** spoke.\n\n“We are *ready*,” said Ilse Marten.\n", encoding="utf-8")
    html = tmp_path / "a.html"
    html.write_text("<html><body><nav>“Menu item,” said Nav Bar.</nav><article>\n<p>Intro.</p>\n"
                    "<p>“We are ready,” said Ilse Marten.</p></article></body></html>", encoding="utf-8")
    recs = records(run("--format", "json", md, html))
    q_md, q_html = recs[0]["quotes"][0], recs[1]["quotes"][0]
    assert (q_md["speaker"], q_md["line"], q_md["column"]) == ("Ilse Marten", 5, 2)
    assert (q_html["speaker"], q_html["line"], q_html["column"]) == ("Ilse Marten", 3, 5)
    assert len(recs[1]["quotes"]) == 1  # the navigation is not the article


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
])
def test_bad_files_give_one_line_and_status_2(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("“Ready,” said Ilse Marten.", encoding="utf-8")
    proc = run("--format", "json", bad, good)
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and str(bad) in err and reason in err
    assert "Traceback" not in err
    recs = records(proc)
    assert recs[0]["error"] and recs[0]["quotes"] == []
    assert recs[1]["quotes"][0]["speaker"] == "Ilse Marten"


def test_missing_path_and_empty_directory(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run(tmp_path / "nope.txt", empty)
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 2 and "no such file" in lines[0] and "directory" in lines[1]


def test_a_directory_lists_every_article_below_it(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("“Ready,” said Ilse Marten.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("“Set,” said Arvid Kolle.", encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    recs = records(run("--format", "json", tmp_path))
    assert [Path(r["path"]).name for r in recs] == ["a.txt", "b.md"]


def test_double_apostrophes_option(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("''We are ready,'' said Ilse Marten.", encoding="utf-8")
    assert records(run("--format", "json", f))[0]["quotes"] == []
    [q] = records(run("--format", "json", "--double-apostrophes", f))[0]["quotes"]
    assert q["speaker"] == "Ilse Marten" and q["text"] == "We are ready,"


def test_invalid_utf8_is_read_as_a_legacy_encoding(tmp_path):
    f = tmp_path / "cp1252.txt"
    f.write_bytes("\u201cWe are ready,\u201d said Ren\u00e9 Achterberg.".encode("cp1252"))
    proc = run("--format", "json", f)
    assert proc.returncode == 0, proc.stderr
    assert records(proc)[0]["quotes"][0]["speaker"] == "René Achterberg"


def test_only_quotation_marks_and_a_large_file(tmp_path):
    marks = tmp_path / "marks.txt"
    marks.write_text("\"" * 100_000, encoding="utf-8")
    proc = run("--format", "json", marks, timeout=60)
    assert proc.returncode == 0
    assert records(proc)[0]["quotes"] == []
    big = tmp_path / "big.txt"
    big.write_bytes(b"The harbour is calm. " * 2_600_000)  # about 55 MB
    proc = run(big, timeout=60)
    assert proc.returncode == 2
    assert "too large" in proc.stderr.decode()
