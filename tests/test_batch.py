"""`verifier check` on a folder in worker processes: the same report as in one process, in input
order, with unreadable files and failing workers reported per file."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "fixtures" / "archive"
ARTICLES = ROOT / "fixtures" / "articles"


def run(*args, cwd, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    environ["VERIFIER_CACHE"] = str(Path(cwd) / "cache")
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def drafts(tmp_path):
    """Ten drafts (the sample articles and variants of them) and a binary file in the middle."""
    d = tmp_path / "drafts"
    d.mkdir()
    sources = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".md", ".txt", ".html") and p.stem != "README")
    n = 0
    for round_ in range(3):
        for src in sources:
            if n == 10:
                break
            text = src.read_text(encoding="utf-8")
            if round_ == 1:
                text = text.replace("eleven", "twelve").replace("not ", "")
            elif round_ == 2:
                text = text.replace("will", "shall")
            (d / f"{n:02d}-{src.stem}{src.suffix}").write_text(text, encoding="utf-8")
            n += 1
    (d / "04b-broken.md").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    (d / "sub").mkdir()
    shutil.copy(sources[0], d / "sub" / f"99-{sources[0].name}")
    return d


def test_jobs_2_matches_jobs_1_in_input_order(tmp_path, drafts):
    one = run("check", "--no-config", "--archive", ARCHIVE, "--format", "json", "--jobs", "1", "drafts", cwd=tmp_path)
    two = run("check", "--no-config", "--archive", ARCHIVE, "--format", "json", "--jobs", "2", "drafts", cwd=tmp_path)
    assert one.returncode == two.returncode == 2, (one.stderr, two.stderr)  # the unreadable file
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr == "verifier: drafts/04b-broken.md: binary file, not text\n"
    recs = [json.loads(line) for line in two.stdout.splitlines()]
    paths = [r["path"] for r in recs]
    assert len(recs) == 12 and paths == sorted(paths) and paths[-1].startswith("drafts/sub/")
    broken = recs[paths.index("drafts/04b-broken.md")]
    assert broken == {"path": "drafts/04b-broken.md", "error": "binary file, not text", "quotes": []}
    assert sum(len(r["quotes"]) for r in recs) > 40
    verdicts = {q["verdict"] for r in recs for q in r["quotes"]}
    assert {"verified", "misquote", "misattributed"} <= verdicts
    # text reports agree too, totals included
    text1 = run("check", "--no-config", "--archive", ARCHIVE, "-j", "1", "--fail-on", "never", "drafts", cwd=tmp_path)
    text2 = run("check", "--no-config", "--archive", ARCHIVE, "-j", "2", "--fail-on", "never", "drafts", cwd=tmp_path)
    assert text1.stdout == text2.stdout and text1.returncode == text2.returncode == 2
    assert "total: 12 files" in text2.stdout


def test_jobs_from_the_config_and_standard_input(tmp_path, drafts):
    (tmp_path / "verifier.toml").write_text(f'archive = "{ARCHIVE}"\njobs = 2\nformat = "json"\n', encoding="utf-8")
    first, second = sorted(drafts.glob("01-*"))[0], sorted(drafts.glob("00-*"))[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    proc = subprocess.run([sys.executable, "-m", "verifier", "check", "--fail-on", "never",
                           f"drafts/{second.name}", "-", str(first)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, input=first.read_text(encoding="utf-8"),
                          env={**env, "VERIFIER_CACHE": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["path"] for r in recs] == [f"drafts/{second.name}", "-", str(first)]
    same = [[(q["id"], q["verdict"], q["line"]) for q in r["quotes"]] for r in recs[1:]]
    assert same[0] == same[1] != []  # standard input (read as text) and the file itself


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers inherit the patch through fork")
def test_a_failing_or_dying_worker_costs_only_its_file(tmp_path, drafts, monkeypatch):
    import verifier.report.batch as batch
    from verifier.verify.check import open_archive

    monkeypatch.setenv("VERIFIER_CACHE", str(tmp_path / "cache"))
    archive = open_archive(str(ARCHIVE))
    real = batch.check_article

    def flaky(article, *args, **kwargs):
        if "02-" in article.path:
            raise ValueError("boom")
        if "06-" in article.path:
            os._exit(9)  # as if killed
        return real(article, *args, **kwargs)

    monkeypatch.setattr(batch, "check_article", flaky)
    paths = sorted(str(p) for p in drafts.glob("*.*"))
    results = [result for result, _ in batch.check_paths(paths, batch.Options(archive.path), 2, archive)]
    assert [r.path for r in results] == paths
    errors = {Path(r.path).name[:3]: r.error for r in results if r.error}
    assert set(errors) == {"02-", "04b", "06-"}
    assert "ValueError: boom" in errors["02-"] and "stopped unexpectedly" in errors["06-"]
    assert sum(len(r.checked) for r in results) > 30  # the others were checked
