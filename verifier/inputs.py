"""Inputs: expand the paths a user gives (files, directories, -) into the article files to read."""
from __future__ import annotations

from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".mdown", ".html", ".htm", ".xhtml")


def expand_paths(paths: list[str], suffixes: tuple[str, ...] = ARTICLE_SUFFIXES) -> list[str]:
    """Files as given (even with other endings), and every supported file below a directory,
    sorted, skipping hidden files and folders and README files. A directory with no such file stays as it is,
    so that reading it reports the problem."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                           and not f.stem.upper().startswith("README")
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            out.extend(found or [path])
        else:
            out.append(path)
    return out
