"""The archive backends a benchmark can run on: ``--backend sqlite`` (default) or ``postgresql``,
with ``--pg-url URL`` (a server of yours; each run makes a new database on it) or, without it, a
throwaway server started for the run (tests/pg_throwaway.py). Not a benchmark itself."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def add_arguments(parser) -> None:
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="also run on PostgreSQL, beside SQLite in the same run")
    parser.add_argument("--pg-url", metavar="URL", help="PostgreSQL server to use (default: a throwaway one)")


@contextlib.contextmanager
def postgres_databases(args):
    """A function giving the address of a new empty database on the server, for each call."""
    if args.pg_url:
        import psycopg

        base, counter = args.pg_url.rsplit("/", 1)[0], [0]

        def new() -> str:
            counter[0] += 1
            name = f"bench_{int(__import__('time').time())}_{counter[0]}"
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            return f"{base}/{name}"
        yield new
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_throwaway import Server

    server = Server()
    try:
        yield server.new_database
    finally:
        server.stop()
