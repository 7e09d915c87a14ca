"""The Chromium the browser tests drive: the system's (Debian package ``chromium``).

When it is missing and the tests run as root on a Debian-like machine (CI, a fresh development
machine), it is installed from the distribution's packages first, so that the README's test command
works on a fresh clone; otherwise the tests fail with a message saying how to install it.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

CHROMIUM = "/usr/bin/chromium"


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
