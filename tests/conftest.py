"""Shared fixtures: a throwaway PostgreSQL server for the whole session (tests/pg_throwaway.py),
``archive_location``, parametrized over both backends, for the tests that must hold on each, and
``browser``, a headless Chromium for a module's page tests (tests/browser.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def pg_server():
    from pg_throwaway import Server

    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from browser import running_browser

    with running_browser() as chromium:
        yield chromium


@pytest.fixture
def pg_url(pg_server) -> str:
    """A new empty database on the session's server."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_location(request, tmp_path) -> str:
    """Where a new archive goes: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "archive.db")
    return request.getfixturevalue("pg_url")


BACKENDS = ["sqlite", "postgresql"]


def location_for(request, directory: Path) -> str:
    """A new archive's location on the backend ``request.param`` names (module fixtures)."""
    if request.param == "sqlite":
        return str(directory / "archive.db")
    return request.getfixturevalue("pg_server").new_database()
