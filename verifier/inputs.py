"""Inputs: expand the paths a user gives (files, directories, -) into the article files to read,
and open one of them (``open_regular``: regular files only, so a FIFO or a device never blocks);
the date a file's name gives (``date_in_name``: "2025-03-30-valley-row.md", as blog engines name
posts), for articles and sources alike.

Also the glob patterns of the configuration (``include``, ``exclude``, a suppression's ``path``):
POSIX-style and relative to a base directory (the configuration file's). ``*`` and ``?`` match
within one path segment, ``[...]`` a character class, ``**`` any number of directories. A pattern
without a ``/`` matches a file or directory name at any depth (as in ``.gitignore``); one with a
``/`` is anchored at the base. A pattern that matches a directory matches everything below it.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".mdown", ".html", ".htm", ".xhtml")


class Pattern:
    """One glob pattern relative to ``base``."""

    def __init__(self, pattern: str, base: str | os.PathLike):
        self.pattern = pattern
        self.base = Path(os.path.abspath(base))
        text = pattern.replace("\\", "/").strip()
        while text.startswith("./"):
            text = text[2:]
        text = text.rstrip("/")
        self.anchored = "/" in text
        self.regex = _glob_regex(text.lstrip("/"))

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r}, {str(self.base)!r})"

    def matches(self, path: str | os.PathLike) -> bool:
        """Whether ``path`` (absolute, or relative to the working directory) is matched; paths
        outside the base never are."""
        parts = relative_parts(path, self.base)
        if parts is None:
            return False
        if not self.anchored:
            return any(self.regex.fullmatch(part) for part in parts)
        return any(self.regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))


def relative_parts(path: str | os.PathLike, base: Path) -> tuple[str, ...] | None:
    """The segments of ``path`` below ``base``, or None when it is not below it."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(base)
    except ValueError:
        try:  # through symbolic links, e.g. /tmp -> /private/tmp
            rel = Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(base)))
        except ValueError:
            return None
    return rel.parts


def _glob_regex(glob: str) -> re.Pattern:
    out, i, n = [], 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**", i):
            j = i + 2
            at_start = i == 0 or glob[i - 1] == "/"
            if at_start and glob.startswith("/", j):  # "**/": any number of directories
                out.append("(?:[^/]*/)*")
                i = j + 1
                continue
            if at_start and j == n:  # trailing "**": everything below
                out.append(".*")
                i = j
                continue
            out.append("[^/]*")
            i = j
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            close = glob.find("]", i + 2 if glob.startswith(("[!", "[^"), i) else i + 1)
            if close < 0:
                out.append(re.escape(c))
                i += 1
                continue
            body = glob[i + 1:close]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out), re.S)


@dataclass
class PathFilter:
    """Which files a directory expands to (``include``, ``exclude``) and which named files are
    skipped (``exclude`` only)."""

    include: list[Pattern] = field(default_factory=list)
    exclude: list[Pattern] = field(default_factory=list)

    def excluded(self, path: str) -> bool:
        return path != "-" and any(p.matches(path) for p in self.exclude)

    def wanted(self, path: str) -> bool:
        """For a file found in a directory: included (when there are include patterns) and not
        excluded."""
        if self.include and not any(p.matches(path) for p in self.include):
            return False
        return not self.excluded(path)


def expand_paths(paths: list[str], suffixes: tuple[str, ...] = ARTICLE_SUFFIXES,
                 filters: PathFilter | None = None) -> list[str]:
    """Files as given (even with other endings), and every supported file below a directory,
    sorted, skipping hidden files and folders and README files. A directory with no such file stays as it is,
    so that reading it reports the problem.

    With ``filters``: files found in a directory must pass its include and exclude patterns, and
    a file named explicitly is dropped when an exclude pattern matches it (a directory whose files
    are all filtered out gives nothing, and no error)."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                           and not f.stem.upper().startswith("README")
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if filters is not None and found:
                kept = [f for f in found if filters.wanted(f)]
                out.extend(kept)
                continue
            out.extend(found or [path])
        elif filters is not None and filters.excluded(path):
            continue
        else:
            out.append(path)
    return out


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


_NAME_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


def date_in_name(path: str) -> str | None:
    """The first real YYYY-MM-DD date in the file name of ``path``, if any."""
    return next(filter(None, (valid_date(m.group()) for m in _NAME_DATE.finditer(Path(path).name))), None)


def valid_date(text: str) -> str | None:
    """``text`` as a YYYY-MM-DD date if it is a real one, else None."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def open_regular(path: str):
    """``(binary file object, size)`` for the regular file ``path``. Anything else is refused
    before it is opened (a directory with IsADirectoryError, a FIFO, device or socket with an
    InputError), and the open itself never waits: a FIFO swapped in meanwhile is refused too.
    Other OSErrors pass through for the caller to word."""
    _refuse_irregular(path, os.stat(path))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        _refuse_irregular(path, info)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def _refuse_irregular(path: str, info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
    raise InputError(path, f"not a regular file ({kind})")
