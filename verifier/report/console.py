"""The rich Console every terminal view is printed with (the text report, tables, progress), so
that ``NO_COLOR`` and the other conventions hold for all of them."""
from __future__ import annotations

import os


def text_console(out, **settings):
    """The rich Console writing to ``out``. ``$NO_COLOR`` (set and not empty, as no-color.org says)
    means plain text: no colour, and no bold, dim or strikethrough either (rich alone keeps those)."""
    from rich.console import Console

    if os.environ.get("NO_COLOR"):
        settings["color_system"] = None
    return Console(file=out, **{"highlight": False, "soft_wrap": True, **settings})
