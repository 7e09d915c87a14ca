"""Honest decoding of text that is UTF-8 apart from a few invalid bytes.

Such a file (a truncated character, a stray byte pasted in) is still UTF-8: read as a legacy code
page instead, every curly quote would turn into ``â€œ``-style mojibake. ``lenient_utf8`` decodes
it as UTF-8 with each bad sequence replaced by U+FFFD and warns on standard error, naming the
file, the count and the line of the first bad byte. Bytes that are not plausibly UTF-8 at all
(fewer valid multi-byte characters than bad sequences: a cp1252 or Latin-1 file) get
None, and the caller tries the legacy encodings.
"""
from __future__ import annotations

import sys

GENUINE = "\ufffd".encode("utf-8")  # a replacement character the file itself holds
MIN_VALID_PER_BAD = 1


def lenient_utf8(data: bytes, path: str) -> str | None:
    """``data`` as UTF-8 with the bad sequences replaced, and a warning, when it is plausibly
    UTF-8 with a few invalid bytes; else None (also for valid UTF-8: decode that strictly)."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(GENUINE)
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if bad <= 0 or valid < MIN_VALID_PER_BAD * bad:
        return None
    noun = "sequence" if bad == 1 else "sequences"
    warn(f"{path}: {bad} invalid UTF-8 {noun} replaced with \ufffd "
         f"(the first on line {_line_number(data, first_bad)})")
    return text


def _line_number(data: bytes, offset: int) -> int:
    """1-based line of byte ``offset`` with universal newlines (\\n, \\r\\n or \\r ends a line)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def warn(message: str) -> None:
    """One line on standard error, as the command line words its warnings."""
    print(f"verifier: warning: {message}", file=sys.stderr, flush=True)
