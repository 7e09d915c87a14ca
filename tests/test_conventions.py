"""Small command-line conventions (#16): ``-V``, a bare ``verifier`` shows help, ``NO_COLOR`` is
plain text."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from verifier import __version__

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "verifier", *args], capture_output=True, text=True,
                          env={**environment, **env}, timeout=120)


def test_dash_capital_v_prints_the_version():
    for flag in ("-V", "--version"):
        out = cli(flag)
        assert out.returncode == 0 and out.stdout.strip() == f"verifier {__version__}"


def test_a_bare_verifier_prints_help_and_exits_0():
    out = cli()
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.startswith("usage: verifier") and "check" in out.stdout and "archive" in out.stdout


def test_no_color_means_plain_text_even_on_a_forced_terminal():
    args = ("check", "--archive", str(ROOT / "fixtures" / "archive"), "--fail-on", "never",
            str(ROOT / "fixtures" / "articles" / "estmark-energy.md"))
    styled = cli(*args, FORCE_COLOR="1")
    plain = cli(*args, FORCE_COLOR="1", NO_COLOR="1")
    assert styled.returncode == plain.returncode == 0
    assert "\x1b[" in styled.stdout and "\x1b[" not in plain.stdout
    assert "misquote" in plain.stdout
    assert cli(*args, FORCE_COLOR="1", NO_COLOR="").stdout == styled.stdout   # empty: not set


def test_the_archive_directory_own_sources_are_not_checked_as_drafts(tmp_path):
    """A hook passes every changed file, transcripts in the repository's archive directory
    included: those are originals, not drafts (#16)."""
    import shutil

    repo = tmp_path / "newsroom"
    shutil.copytree(ROOT / "fixtures" / "archive", repo / "archive")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "clean.md").write_text(
        "“Today the government is publishing the Northern Grid plan,” Mara Voss said.\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.verifier]\narchive = "archive"\nexclude = ["drafts/skip-*"]\n',
                                         encoding="utf-8")
    (repo / "drafts" / "skip-me.md").write_text("“We never said that,” Mara Voss said.\n", encoding="utf-8")
    changed = [str(p.relative_to(repo)) for p in sorted(repo.rglob("*")) if p.is_file() and p.suffix in (".md", ".txt", ".html")]
    assert any(c.startswith("archive/") for c in changed)
    out = subprocess.run([sys.executable, "-m", "verifier", "check", "--format", "json", *changed], cwd=repo,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    checked = [__import__("json").loads(line)["path"] for line in out.stdout.splitlines() if line.strip()]
    assert checked == ["drafts/clean.md"]
