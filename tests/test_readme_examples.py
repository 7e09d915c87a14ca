"""Every ```console block of the README is run, and its output compared with what the README shows
(#16), so the documentation cannot drift from the program.

Each block runs in a scratch directory holding a copy of ``fixtures/`` and of the evaluation
archive (``benchmarks/evalset/archive``), or, when the README puts ``<!-- continues the example
above -->`` before it, in the directory of the block before. Each ``$ `` line runs in bash there,
standard error merged with standard output as a terminal shows them (unbuffered), 100 columns wide,
no colour. ``$ cat FILE`` of a file that is not there writes the README's text into it first (the
example shows what to put in it). ``verifier serve`` is left running for the blocks that continue
it, on a free port (shown as 8000). `archive fetch` gets the examples' fictional web from a stand-in
(``tests/data/readme/sitecustomize.py``). Compared after normalising what legitimately varies: the
scratch directory (shown as ``/home/desk/story-repo``), times of day (``added``, ``retrieved``), the
number of cores (``jobs``, the desk's workers); a README line ``…`` stands for any number of lines.

    python tests/test_readme_examples.py --update   # write the real output into the README
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve_browser import free_port, stop_desk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
STANDIN = Path(__file__).resolve().parent / "data" / "readme"
CONTINUES = "<!-- continues the example above -->"
BLOCK = re.compile(r"(" + re.escape(CONTINUES) + r"\n)?```console\n(.*?)```", re.S)
SHOWN_ROOT = "/home/desk/story-repo"
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


@dataclass
class Command:
    line: str                  # as the README writes it (continuation lines joined with "\\\n")
    shown: list[str]           # the output the README shows


@dataclass
class Block:
    start: int                 # offset of the block's body in the README
    end: int
    line: int                  # its line number
    continues: bool
    commands: list[Command] = field(default_factory=list)


def read_blocks(text: str) -> list[Block]:
    blocks = []
    for m in BLOCK.finditer(text):
        block = Block(m.start(2), m.end(2), text.count("\n", 0, m.start(2)) + 1, bool(m.group(1)))
        lines = m.group(2).splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), f"README line {block.line + i}: output before any command"
            command = lines[i][2:]
            while command.endswith("\\"):
                i += 1
                command += "\n" + lines[i]
            i += 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            block.commands.append(Command(command, shown))
        blocks.append(block)
    return blocks


def sessions(blocks: list[Block]) -> list[list[Block]]:
    """Blocks grouped into runs that share a directory."""
    runs: list[list[Block]] = []
    for block in blocks:
        if block.continues and runs:
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


class Session:
    """A scratch directory where the README's commands run one after another."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(ROOT / "fixtures", root / "fixtures")
        shutil.copytree(ROOT / "benchmarks" / "evalset" / "archive", root / "benchmarks" / "evalset" / "archive")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("VERIFIER_") and k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}
        self.env = {**env, "COLUMNS": "100", "LINES": "40", "TERM": "dumb", "PYTHONUNBUFFERED": "1",
                    "VERIFIER_CACHE": str(root / ".cache"), "VERIFIER_FETCH_INTERVAL": "0",
                    "VERIFIER_README_STANDIN": "1",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(STANDIN), env.get("PYTHONPATH")])),
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
        self.port: int | None = None
        self.server: subprocess.Popen | None = None

    def run(self, command: Command) -> list[str]:
        line = command.line
        cat = re.fullmatch(r"cat (\S+)", line)
        if cat and not (self.root / cat.group(1)).exists():
            (self.root / cat.group(1)).write_text("\n".join(command.shown) + "\n", encoding="utf-8")
        cd = re.match(r"cd (\S+) &&", line)
        if cd:
            (self.root / cd.group(1)).mkdir(parents=True, exist_ok=True)
        if line.startswith("verifier serve"):
            return self._serve(line)
        if self.port is not None:
            line = line.replace("localhost:8000", f"localhost:{self.port}")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-c", line], cwd=self.root, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              text=True, timeout=300)
        return proc.stdout.splitlines()

    def _serve(self, line: str) -> list[str]:
        """Start the desk in the background; what it says until it is up."""
        self.port = free_port()
        self.server = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", f"exec {line} --port {self.port}"],
                                       cwd=self.root, env=self.env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.server.poll() is None:
            try:   # up: what it said on starting is in the pipe (read now, it cannot block)
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return [self.server.stdout.readline().rstrip("\n")]
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"`{line}` did not answer (exit status {self.server.poll()})")

    def close(self) -> None:
        if self.server is not None:
            stop_desk(self.server)

    def normalise(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            line = line.replace(str(self.root), SHOWN_ROOT)
            if self.port is not None:
                line = line.replace(f":{self.port}/", ":8000/")
            out.append(normalise_shown(line))
        return out


def normalise_shown(line: str) -> str:
    line = TIME.sub("<time>", line)
    line = re.sub(r", \d+ workers$", ", N workers", line)   # one per core
    return re.sub(r"^jobs = \d+  # default$", "jobs = N  # default", line)


def matches(shown: list[str], actual: list[str]) -> bool:
    """``shown`` (a line ``…`` standing for any lines) against ``actual``."""
    if not shown:
        return not actual
    if shown[0] == "…":
        return any(matches(shown[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and shown[0] == actual[0] and matches(shown[1:], actual[1:])


def run_session(blocks: list[Block], root: Path) -> list[tuple[Block, Command, list[str]]]:
    session = Session(root)
    try:
        return [(block, command, session.normalise(session.run(command)))
                for block in blocks for command in block.commands]
    finally:
        session.close()


ALL = sessions(read_blocks(README.read_text(encoding="utf-8")))


def test_the_readme_has_console_examples_of_every_command():
    commands = " ".join(c.line for run in ALL for b in run for c in b.commands)
    for name in ("verifier quotes", "verifier check", "verifier archive add", "verifier archive search",
                 "verifier archive fetch", "verifier archive show", "verifier archive stats", "verifier serve",
                 "verifier config"):
        assert name in commands, name


@pytest.mark.parametrize("blocks", ALL, ids=[f"README-line-{run[0].line}" for run in ALL])
def test_console_block_output_is_what_the_readme_shows(blocks, tmp_path):
    for block, command, actual in run_session(blocks, tmp_path):
        shown = [normalise_shown(line) for line in command.shown]
        assert matches(shown, actual), (
            f"README line {block.line}: `$ {command.line}` printed\n" + "\n".join(actual)
            + "\n--- the README shows ---\n" + "\n".join(command.shown))


def update_readme() -> None:
    """Write each command's real output into the README (keeping a final ``…`` where there is one)."""
    text = README.read_text(encoding="utf-8")
    replaced = []
    for run in sessions(read_blocks(text)):
        with tempfile.TemporaryDirectory() as tmp:
            outcomes = run_session(run, Path(tmp))
        for block in run:
            body = []
            for command in block.commands:
                actual = next(a for b, c, a in outcomes if c is command)
                as_shown = {normalise_shown(line): line for line in command.shown}
                actual = [as_shown.get(line, _shown_again(line)) for line in actual]
                if command.shown and command.shown[-1] == "…":
                    keep = len(command.shown) - 1
                    actual = actual[:keep] + ["…"] if len(actual) > keep else actual
                body += ["$ " + command.line, *actual]
            replaced.append((block.start, block.end, "\n".join(body) + "\n"))
    for start, end, body in sorted(replaced, reverse=True):
        text = text[:start] + body + text[end:]
    README.write_text(text, encoding="utf-8")


def _shown_again(line: str) -> str:
    """A normalised line as the README shows it."""
    return line.replace("<time>", "2026-11-25T16:41:42+00:00").replace("jobs = N  # default", "jobs = 8  # default")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    update_readme()
