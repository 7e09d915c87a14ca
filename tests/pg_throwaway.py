"""A throwaway PostgreSQL server for the tests and benchmarks: ``initdb`` + ``pg_ctl`` in a
temporary directory, on a free loopback port, as an unprivileged user (PostgreSQL refuses to run
as root; when the tests run as root, the server runs as ``nobody``). fsync is off: the data is
thrown away. The server programs: the system's, or those of the ``pgserver`` wheel.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    """Where initdb and pg_ctl are: $PG_BINDIR, the system's PostgreSQL (Debian's package), or the
    server programs that the ``pgserver`` wheel (in the test extra) carries, so that the tests need
    nothing but Python."""
    candidates = [os.environ.get("PG_BINDIR")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    spec = importlib.util.find_spec("pgserver")   # located, not imported
    if spec and spec.origin:
        candidates.append(str(Path(spec.origin).parent / "pginstall" / "bin"))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
                       "pip install -e '.[test]' (Linux x86-64, macOS) or apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running throwaway server; ``url(dbname)`` addresses a database on it."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="verifier-pg-"))
        self.bindir = _bindir()
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "nobody")
        self.data = self.root / "data"
        self._run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"])
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F -c max_connections=200 -c shared_buffers=64MB"
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                   "-o", options, "-w", "-t", "60", "start"])
        self._created = 0

    def _run(self, cmd: list[str]) -> None:
        out = subprocess.run(self.as_user + cmd, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {out.stderr.strip() or out.stdout.strip()}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database; its address."""
        import psycopg

        self._created += 1
        name = f"{prefix}{os.getpid()}_{self._created}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(self.as_user + [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                       "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
