"""The Chromium the browser tests drive: the system's (Debian package ``chromium``).

When it is missing and the tests run as root on a Debian-like machine (CI, a fresh development
machine), it is installed from the distribution's packages first, so that the README's test command
works on a fresh clone; otherwise the tests fail with a message saying how to install it.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

CHROMIUM = "/usr/bin/chromium"
# headless and offline: no background networking, and no host name resolves (but the desk's address)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def chromium() -> str:
    path = _find()
    if not path and _can_install():
        subprocess.run("apt-get update -qq && apt-get install -y -qq chromium", shell=True,
                       capture_output=True, timeout=900)
        path = _find()
    if not path:
        pytest.fail("the browser tests need Chromium at /usr/bin/chromium: apt-get install -y chromium",
                    pytrace=False)
    return path


def _find() -> str | None:
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def _can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


@contextlib.contextmanager
def running_browser():
    """``with running_browser() as browser:`` the system Chromium, headless, driven by Playwright
    (whose own browser downloads are never used); closed, and Playwright stopped, after."""
    pw, browser = _start_browser()
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


def _start_browser():
    path = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright for Python: pip install -e '.[test]' "
                    "(never `playwright install`: they use the system Chromium)", pytrace=False)
    pw = sync_playwright().start()
    try:
        return pw, pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        pytest.fail(f"Chromium ({path}) would not start under Playwright: {exc}", pytrace=False)


def guarded_page(context, allowed):
    """A new page in ``context`` whose requests fail unless ``allowed(url)``; the refused addresses
    are collected in ``page.outside`` (a test asserts it stays empty)."""
    outside: list[str] = []

    def guard(route):
        if allowed(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside = outside
    return page
