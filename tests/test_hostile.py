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


# --------------------------------------------------------------------------- structured sources

def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs": each level a list of nine aliases of the one before (9**9 strings)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nWe will rebuild the embankment.\n"


def peak_rss_mb(*args) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI in a child of a fresh interpreter and return its peak RSS in MB (Linux
    reports ru_maxrss in KiB), so that nothing this test process ran before counts."""
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, "
             "text=True, timeout=60); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
             "sys.stderr.write(p.stderr); sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "verifier", *map(str, args)],
                          capture_output=True, text=True, timeout=90)
    return proc, int(proc.stdout.split()[-1]) / 1024


def test_an_alias_bomb_in_front_matter_is_refused_quickly_in_little_memory(tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(alias_bomb(), encoding="utf-8")
    assert len(path.read_bytes()) < 500
    started = time.monotonic()
    proc, rss = peak_rss_mb("archive", "add", "--db", tmp_path / "a.db", path)
    assert time.monotonic() - started < 5   # two interpreter starts; the refusal itself:
    assert proc.returncode == 2
    assert f"{path}: front matter: aliases (*name) are not allowed (line 3)" in proc.stderr
    assert rss < 100


def test_the_alias_refusal_itself_takes_well_under_a_second():
    from verifier.archive.sources import parse_source
    from verifier.errors import InputError

    started = time.monotonic()
    with pytest.raises(InputError, match="aliases"):
        parse_source(alias_bomb(12).encode(), "bomb.md", "md", {})
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("front_matter, reason", [
    ("x: " + "[" * 500 + "]" * 500, "front matter: nested too deeply (line 2)"),
    ("title: x\nnotes: |\n" + "  word word word\n" * 6000, "front matter: longer than 65,536 characters"),
    ("date: 2024-02-30\nviews: 3", "front matter: day is out of range for month"),
    ("base: &b {k: 1}\nother:\n  <<: *b", "front matter: aliases (*name) are not allowed (line 4)"),
])
def test_front_matter_that_yaml_would_blow_up_on_is_one_line(front_matter, reason):
    from verifier.archive.sources import parse_source
    from verifier.errors import InputError

    with pytest.raises(InputError) as excinfo:
        parse_source(f"---\n{front_matter}\n---\nWe will rebuild.\n".encode(), "s.md", "md", {})
    assert excinfo.value.reason == reason


def test_front_matter_with_anchors_but_no_aliases_and_nesting_still_reads():
    from verifier.archive.sources import parse_source

    doc = parse_source(b"---\nspeaker: &s Mara Voss\ntags: [a, {b: [1, 2]}]\n---\nWe will rebuild.\n",
                       "s.md", "md", {})
    assert doc.speaker == "Mara Voss" and doc.metadata["tags"] == ["a", {"b": [1, 2]}]


def test_json_nested_too_deep_is_refused_before_parsing(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"segments": [{"text": "Hello [{", "x": ' + "[" * 200_000 + "]" * 200_000 + "}]}")
    proc = verifier("archive", "add", "--db", tmp_path / "a.db", path)
    assert proc.returncode == 2
    assert f"{path}: JSON: nested more than 20 deep (line 1)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_json_brackets_inside_strings_do_not_count_as_nesting():
    from verifier.archive.sources import parse_source

    text = "We [[[[[[ {{{{{{ " * 10 + 'win \\" [[[['
    doc = parse_source(json.dumps({"segments": [{"text": text, "speaker": "Mara Voss"}]}).encode(),
                       "t.json", "json", {})
    assert doc.segments[0].text == " ".join(text.split())


# --------------------------------------------------------------------------- messages, continued

def test_a_subrip_parser_error_is_never_cut_mid_word(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:0x,000 --> "
                    + "garbage " * 12 + "\nWorld\n", encoding="utf-8")
    proc = verifier("archive", "add", "--db", tmp_path / "a.db", path)
    assert proc.returncode == 2
    [message] = [line for line in proc.stderr.splitlines() if "SubRip" in line]
    reason = message.split("not a valid SubRip file (", 1)[1]
    assert reason.endswith("…)")
    import srt
    with pytest.raises(srt.SRTParseError) as excinfo:
        list(srt.parse(path.read_text(encoding="utf-8")))
    full = " ".join(str(excinfo.value).split())
    kept = reason[:-2]
    assert kept and full.startswith(kept) and full[len(kept)] in " ,;:("


@pytest.mark.parametrize("text, limit, expected", [
    ("short enough", 20, "short enough"),
    ("one two three four", 12, "one two…"),
    ("one two, three", 9, "one two…"),
    ("unbreakable", 6, "unbre…"),
])
def test_shorten_cuts_at_a_space(text, limit, expected):
    from verifier.archive.sources.document import shorten

    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


# --------------------------------------------------------------------------- linear extraction

def _seconds(text: str) -> float:
    from verifier.quotes.extract import extract_quotes

    started = time.perf_counter()
    extract_quotes(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("unit", [
    "Officials from Kessel Bend, Dorn and Halloway met Mara Voss and Ilse Marten. “Fine,” the mayor said. ",
    "The minister, Mara Voss, spoke in Kessel Bend. “We will rebuild,” she said. The mayor agreed. ",
])
def test_extraction_time_grows_linearly_with_the_quotes(unit):
    small = unit * (20_000 // len(unit))
    large = unit * (4 * 20_000 // len(unit))
    # the best of a few runs each, so that a busy moment of a shared machine does not decide it
    ratio = min(_seconds(large) for _ in range(2)) / min(_seconds(small) for _ in range(3))
    assert ratio < 7, ratio   # 4 when linear; these were 8 to 14 when quadratic


def test_only_the_latest_speakers_rank_a_pronoun():
    from verifier.quotes import extract

    extractor = extract._Extractor("“We win,” Mara Voss said. " * (extract.SPEAKERS_LOOK_BACK + 50))
    extractor.run()
    before = extractor._speakers_before(len(extractor.text))
    assert len(before) == extract.SPEAKERS_LOOK_BACK
    assert before[-1][0] == extractor.quotes[-1].speaker_mention["start"]
    assert extractor._speakers_before(0) == []


def test_a_candidates_features_read_a_bounded_number_of_mentions():
    from verifier.quotes.entities import Entity, Mention

    entity = Entity("Mara Voss", "person", _mentions=[Mention(at, 0, 0) for at in range(0, 1000, 10)])
    assert [m.at for m in entity.before(55)] == [0, 10, 20, 30, 40, 50]
    assert [m.at for m in entity.before(55, 2)] == [40, 50]
    assert entity.last_before(55).at == 50
    assert entity.mention_at(50).at == 50 and entity.mention_at(55) is None


def test_bench_hostile_prints_the_times_and_the_ratio():
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_hostile.py"), "--pairs", "50", "200",
                           "--line-mb", "0.01"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "200 quote pairs" in proc.stdout and "0.01 MB single line" in proc.stdout
    assert "ratio 200/50 pairs:" in proc.stdout


# --------------------------------------------------------------------------- a budget per input

HOSTILE = "“We win,” he said. " * 16_000


def test_quotes_stops_an_input_over_its_budget_and_goes_on_with_the_others(tmp_path):
    hostile, good = tmp_path / "hostile.txt", tmp_path / "good.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    good.write_text(QUOTE, encoding="utf-8")
    proc = verifier("quotes", "--format", "json", hostile, good, timeout=60,
                    env={**os.environ, "VERIFIER_CPU_BUDGET": "0.5"})
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (f"verifier: {hostile}: took more than 0.5 s of CPU, the budget for "
                                     "one input (set VERIFIER_CPU_BUDGET to change it)")
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert records[0]["path"] == str(hostile) and "budget" in records[0]["error"]
    assert records[1]["path"] == str(good) and records[1]["quotes"][0]["text"] == "We win,"
    assert proc.seconds < 10


def test_check_stops_an_input_over_its_budget_and_checks_the_others(tmp_path):
    db = tmp_path / "a.db"
    speech = tmp_path / "speech.txt"
    speech.write_text("We win, and we will rebuild the embankment.\n", encoding="utf-8")
    assert verifier("archive", "add", "--db", db, "--speaker", "Mara Voss", speech).returncode == 0
    hostile, good = tmp_path / "hostile.txt", tmp_path / "good.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    good.write_text("“We will rebuild the embankment,” Mara Voss said.\n", encoding="utf-8")
    proc = verifier("check", "--no-config", "--archive", db, "--format", "json", hostile, good, timeout=60,
                    env={**os.environ, "VERIFIER_CPU_BUDGET": "0.5"})
    assert proc.returncode == 2, proc.stderr
    assert f"{hostile}: took more than 0.5 s of CPU" in proc.stderr and "Traceback" not in proc.stderr
    assert str(good) in proc.stdout and "verified" in proc.stdout


def test_the_budget_is_per_thread_cpu_and_a_bad_setting_is_one_line(monkeypatch):
    from verifier import budget
    from verifier.errors import VerifierError

    with budget.budget("slow.txt", 0.05):
        time.sleep(0.1)       # waiting costs no CPU
        budget.spend()
        with pytest.raises(budget.OverBudget, match="slow.txt: took more than 0.05 s"):
            while True:
                budget.spend()
    budget.spend()            # outside a budget: nothing
    monkeypatch.setenv(budget.ENV, "soon")
    with pytest.raises(VerifierError, match="VERIFIER_CPU_BUDGET='soon' is not a number"):
        budget.budget_seconds()


def test_the_desk_answers_422_for_an_article_over_budget_and_others_meanwhile(tmp_path, monkeypatch):
    import threading
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from verifier.archive.store import Archive
    from verifier.web import create_app

    monkeypatch.setenv("VERIFIER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("VERIFIER_TOKEN", raising=False)
    monkeypatch.setenv("VERIFIER_CPU_BUDGET", "1")
    db = str(tmp_path / "desk.db")
    Archive.open(db, create=True).close()
    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
        answers = {}
        hostile = threading.Thread(target=lambda: answers.update(
            hostile=client.post("/api/check", json={"text": HOSTILE})))
        hostile.start()
        time.sleep(0.2)
        started = time.monotonic()
        other = client.post("/api/check", json={"text": QUOTE})
        other_seconds = time.monotonic() - started
        hostile.join(30)
        assert answers["hostile"].status_code == 422
        assert "took more than 1 s of CPU" in answers["hostile"].json()["error"]
        assert other.status_code == 200 and other_seconds < 1, other_seconds
        assert client.post("/api/check", json={"text": QUOTE}).status_code == 200   # the worker is free


# --------------------------------------------------------------------------- clean shutdown

def test_serve_stops_on_sigterm_within_seconds_even_mid_check(tmp_path):
    import signal
    import threading
    import urllib.request

    sys.path.insert(0, str(Path(__file__).parent))
    from test_serve_browser import free_port

    env = {**os.environ, "VERIFIER_CACHE": str(tmp_path / "cache"), "VERIFIER_CPU_BUDGET": "600"}
    env.pop("VERIFIER_TOKEN", None)
    db = tmp_path / "desk.db"
    speech = tmp_path / "speech.txt"
    speech.write_text("We win, and we will rebuild the embankment.\n", encoding="utf-8")
    assert verifier("archive", "add", "--db", db, "--speaker", "Mara Voss", speech).returncode == 0
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "verifier", "serve", "--archive", str(db), "--port", str(port),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the desk did not start"
                time.sleep(0.1)
        body = json.dumps({"text": "“We win,” he said. " * 40_000}).encode()
        request = urllib.request.Request(base + "/api/check", data=body, headers={"Content-Type": "application/json"})
        threading.Thread(target=lambda: _ignore_errors(urllib.request.urlopen, request, timeout=60),
                         daemon=True).start()
        time.sleep(1.5)   # the check is under way
        assert proc.poll() is None
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _ignore_errors(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except OSError:
        pass


def test_the_desk_refuses_an_alias_bomb_upload_at_once(tmp_path, monkeypatch):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from verifier.archive.store import Archive
    from verifier.web import create_app

    monkeypatch.setenv("VERIFIER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("VERIFIER_TOKEN", raising=False)
    db = str(tmp_path / "desk.db")
    Archive.open(db, create=True).close()
    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
        started = time.monotonic()
        r = client.post("/api/archive/add", files={"file": ("bomb.md", alias_bomb(12).encode(), "text/markdown")})
        assert time.monotonic() - started < 1
        assert r.status_code == 400 and "aliases (*name) are not allowed" in r.json()["error"]
        assert client.post("/api/check", json={"text": QUOTE}).status_code == 200


def test_four_thousand_quote_pairs_are_listed_in_seconds(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("“We win,” he said. " * 4_000, encoding="utf-8")
    proc = verifier("quotes", "--format", "json", path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["quotes"]) == 4_000
    assert proc.seconds < 10   # 41 s when extraction was quadratic


def test_a_five_megabyte_single_line_ends_in_seconds_with_one_line(tmp_path):
    unit = ("The minister, Mara Voss, spoke in Kessel Bend on Tuesday. “We will rebuild the embankment,” "
            "she said. The mayor agreed, and the council met. ")
    path = tmp_path / "line.txt"
    path.write_text((unit * (5_000_000 // len(unit) + 1))[:5_000_000], encoding="utf-8")
    proc = verifier("quotes", path, timeout=120, env={**os.environ, "VERIFIER_CPU_BUDGET": "3"})
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (f"verifier: {path}: took more than 3 s of CPU, the budget for one input "
                                     "(set VERIFIER_CPU_BUDGET to change it)")
    assert proc.seconds < 20
