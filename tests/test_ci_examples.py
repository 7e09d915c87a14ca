"""The README's pre-commit and GitHub Actions examples work as written (#16), run against a scratch
newsroom repository: drafts, an archive directory of sources, ``[tool.verifier]`` in pyproject.toml.

pre-commit runs for real: it clones the hook's repository (a git commit of this checkout, on a
branch named ``main`` as the example's ``rev``), builds the hook's virtualenv and pip-installs the
project into it, then runs the hook on a commit. Offline: pip gets no index, no find-links and no
configuration file (``PIP_NO_INDEX``, ``PIP_CONFIG_FILE``), and every proxy points at a closed
port; the project's dependencies are found installed, on ``PYTHONPATH`` (this test environment's
site-packages). The GitHub Actions workflow cannot run here: its ``run:`` steps do, in bash as the
runner runs them, with the ``${{ ... }}`` expressions of a push filled in (the install step is
this environment's own installation).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLEAN = "“Today the government is publishing the Northern Grid plan,” Mara Voss said.\n"
MISQUOTE = "“We are choosing between cheap power and clean power,” Mara Voss said.\n"
BUDGET = "“It did not take our nerve,” Ilse Kartano said.\n"
GIT = ["git", "-c", "user.name=Desk", "-c", "user.email=desk@newsroom.example", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main"]


def readme_yaml(heading: str) -> str:
    """The first ```yaml block after ``heading`` in the README."""
    section = README.split(f"\n{heading}\n", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit_files(repo: Path, files: dict[str, str]) -> str:
    """Commits ``files`` (path: text) in ``repo``; the commit before it (a push's ``before``)."""
    before = git(repo, "rev-parse", "HEAD")
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edit " + ", ".join(files))
    return before


def offline_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUALENV_", "PRE_COMMIT")) and k.lower() not in ("no_proxy",)}
    dead = "http://127.0.0.1:9"   # any download attempt fails at once
    return {**env, "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_BUILD_ISOLATION": "0",   # pip reads "no-" options backwards: this turns isolation off
            "PYTHONPATH": sysconfig.get_paths()["purelib"], "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
            "VIRTUALENV_OVERRIDE_APP_DATA": str(tmp_path / "virtualenv"),
            "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "VERIFIER_CACHE": str(tmp_path / "cache")}


@pytest.fixture
def newsroom(tmp_path) -> Path:
    """A newsroom's repository: an archive directory of sources, a clean draft, the configuration."""
    repo = tmp_path / "newsroom"
    shutil.copytree(ROOT / "fixtures" / "archive", repo / "archive")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "grid.md").write_text(CLEAN, encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.verifier]\narchive = "archive"\nexclude = ["drafts/notes-*"]\n',
                                         encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "archive and a first draft")
    return repo


def project_checkout(tmp_path: Path) -> Path:
    """This project's files (as they are now) committed to a repository on a branch ``main``."""
    src = tmp_path / "verifier-src"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "verifier")
    return src


def test_the_pre_commit_example_passes_clean_drafts_and_fails_a_misquote(newsroom, tmp_path):
    config = readme_yaml("### pre-commit")
    assert "repo: https://github.com/OWNER/verifier" in config and "rev: main" in config
    hook = project_checkout(tmp_path)
    config = config.replace("https://github.com/OWNER/verifier", str(hook))
    # verbose: the hook's output is shown when it passes too, so the test sees what was checked
    config = config.replace("- id: verifier-check", "- id: verifier-check\n        verbose: true")
    (newsroom / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    env = offline_env(tmp_path)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=newsroom, env=env, check=True,
                   capture_output=True, timeout=120)

    def commit(message: str) -> subprocess.CompletedProcess:
        git(newsroom, "add", "-A")
        return subprocess.run([*GIT, "commit", "-m", message], cwd=newsroom, env=env, capture_output=True,
                              text=True, timeout=600)

    # a clean draft, and a change to the archive's own transcript (an original, never a draft)
    (newsroom / "drafts" / "budget.md").write_text("“It did not take our nerve,” Ilse Kartano said.\n", encoding="utf-8")
    with open(newsroom / "archive" / "2025-03-04-northern-grid-briefing.txt", "a", encoding="utf-8") as f:
        f.write("\nREPORTER: Thank you, Minister.\n")
    (newsroom / "drafts" / "notes-phone.md").write_text(MISQUOTE, encoding="utf-8")   # excluded
    passed = commit("clean drafts")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    output = hook_output(passed)
    assert re.search(r"verify quotes\.+Passed", output)
    assert "drafts/budget.md: 1 quote checked" in output and "VERIFIED  Ilse Kartano" in output
    assert "archive/" not in output and "notes-phone" not in output   # originals and exclusions

    (newsroom / "drafts" / "grid.md").write_text(CLEAN + "\n" + MISQUOTE, encoding="utf-8")
    failed = commit("a misquote")
    output = hook_output(failed)
    assert failed.returncode != 0 and re.search(r"verify quotes\.+Failed", output), output
    assert "drafts/grid.md: 2 quotes checked" in output and "MISQUOTE  Mara Voss" in output
    assert "archive/" not in output
    assert git(newsroom, "log", "--format=%s") == "clean drafts\narchive and a first draft"


def hook_output(proc: subprocess.CompletedProcess) -> str:
    """What pre-commit printed for the hook (not git's own summary of the commit)."""
    text = proc.stdout + proc.stderr
    start = text.index("verify quotes")
    end = text.find("\n[main ", start)
    return text[start:] if end < 0 else text[start:end]


def workflow_steps() -> list[dict]:
    workflow = yaml.safe_load(readme_yaml("### GitHub Actions"))
    return workflow["jobs"]["verify"]["steps"]


def run_step(step: dict, repo: Path, env: dict, expressions: dict) -> subprocess.CompletedProcess:
    """A ``run:`` step as the runner runs it: bash -eo pipefail, expressions filled in."""
    script = re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: expressions[m.group(1)], step["run"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


def run_workflow(repo: Path, before: str, tmp_path: Path) -> dict[str, subprocess.CompletedProcess]:
    """The workflow's steps on a push from ``before`` to HEAD: {step name: outcome} of those run."""
    output = tmp_path / "github-output"
    output.write_text("")
    env = {**offline_env(tmp_path), "GITHUB_OUTPUT": str(output)}
    expressions = {"github.event_name": "push", "github.event.before": before, "github.sha": git(repo, "rev-parse", "HEAD"),
                   "github.event.pull_request.base.sha": ""}
    outcomes: dict[str, subprocess.CompletedProcess] = {}
    for step in workflow_steps():
        if "run" not in step or "pip install" in step["run"]:
            continue   # actions (checkout, setup-python, cache, upload) and the install: done here already
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        condition = step.get("if", "")
        if "steps.changed.outputs.count != '0'" in condition and outputs.get("count") == "0":
            continue
        if "always()" not in condition and any(o.returncode for o in outcomes.values()):
            continue
        outcomes[step.get("name", step["run"][:20])] = run_step(step, repo, env, expressions)
    return outcomes


def test_the_github_actions_steps_annotate_a_misquote_and_write_sarif(newsroom, tmp_path):
    steps = workflow_steps()
    assert any("verifier @ git+https://github.com/OWNER/verifier@main" in s.get("run", "") for s in steps)
    base = commit_files(newsroom, {"drafts/grid.md": CLEAN + "\n" + MISQUOTE, "drafts/budget.md": BUDGET})
    outcomes = run_workflow(newsroom, base, tmp_path)
    assert outcomes["Drafts changed"].returncode == 0, outcomes["Drafts changed"].stderr
    check = outcomes["Check quotes"]
    assert check.returncode == 1, check.stderr
    assert check.stdout.startswith("::error file=drafts/grid.md,line=3,col=2,")
    assert "title=Misquote (Mara Voss)" in check.stdout and "budget.md" not in check.stdout.split("::notice::")[0]
    sarif = outcomes["SARIF report"]
    assert sarif.returncode == 0, sarif.stderr
    assert '"ruleId": "verifier/misquote"' in (newsroom / "verifier.sarif").read_text(encoding="utf-8")


def test_the_github_actions_steps_pass_clean_drafts_and_skip_when_none_changed(newsroom, tmp_path):
    base = commit_files(newsroom, {"drafts/budget.md": BUDGET})
    outcomes = run_workflow(newsroom, base, tmp_path)
    assert outcomes["Check quotes"].returncode == 0, outcomes["Check quotes"].stdout
    assert "::notice::verifier: 1 quote in 1 article: 1 verified" in outcomes["Check quotes"].stdout
    # a push that changes no draft: the check steps do not run
    head = commit_files(newsroom, {"budget.csv": "year,crowns\n2025,11\n"})
    outcomes = run_workflow(newsroom, head, tmp_path)
    assert list(outcomes) == ["Drafts changed"]
