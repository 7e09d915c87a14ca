"""Sources: turn an original (transcript, captions, speech, statement page, JSON export) into a
Document made of Segments.

This package dispatches to the format readers (``read_source``, ``parse_source``); ``document`` owns the data model (``Document``, ``Segment``), reading and decoding source files
(size cap, binary and encoding checks), walking directories, format detection and dispatch
(``read_source``, ``parse_source``), document metadata (flags, front matter and JSON fields, dates,
kinds), speaker names (``display_name``, ``resolve_speakers``) and the pieces the format readers
share (``SegmentBuilder``, ``seconds``, ``indexable``). One module per kind of source reads it:

- ``verifier.archive.sources.text``: plain text and Markdown, YAML front matter, paragraphs, speaker turns;
- ``verifier.archive.sources.captions``: SubRip and WebVTT captions, roll-up collapse, cue timing;
- ``verifier.archive.sources.html``: statement pages (through ``verifier.article.load.parse_article``);
- ``verifier.archive.sources.json``: Whisper-style JSON segment lists.

Knows nothing about the database (see verifier.archive.store). Every problem with a file is raised as
InputError naming the file, with a one-line reason.
"""
from __future__ import annotations

import os

from verifier.archive.sources.captions import parse_srt, parse_vtt
from verifier.archive.sources.document import (  # noqa: F401  (the package's public names)
    FORMATS, DEFAULT_MAX_BYTES, MAX_BYTES_ENV, SKIPPED_NAMES, OVERRIDES, DEFAULT_KINDS, Segment,
    Document, max_source_bytes, read_bytes, iter_source_files, detect_format, decode_text,
    check_overrides, finish_document, one_line, FIELD_ALIASES, apply_metadata, normalize_kind,
    iso_date, valid_date, PARTICLES, TITLES, display_name, resolve_speakers, indexable,
    SegmentBuilder, seconds)
from verifier.archive.sources.html import parse_html
from verifier.archive.sources.json import parse_json
from verifier.archive.sources.text import parse_markdown, parse_text
from verifier.errors import InputError, VerifierError

_PARSERS = {"txt": parse_text, "md": parse_markdown, "html": parse_html, "json": parse_json,
            "srt": parse_srt, "vtt": parse_vtt}


def read_source(path: str, fmt: str | None = None, **overrides) -> Document:
    """Read one file into a Document (``overrides`` are metadata flags; they win)."""
    return parse_source(read_bytes(path), path, detect_format(path, fmt), overrides)


def parse_source(data: bytes, path: str, fmt: str, overrides: dict | None = None) -> Document:
    """A Document from ``data`` in format ``fmt``; raises InputError naming ``path``."""
    check_overrides(overrides or {})
    try:
        doc = _PARSERS[fmt](data, path)
    except VerifierError:
        raise
    except Exception as exc:  # a parser tripping over odd input must not end the whole run
        raise InputError(path, f"cannot read as {fmt}: {one_line(exc)}") from None
    if path != "-":
        doc.source_path = os.path.abspath(path)
    apply_metadata(doc, {k: v for k, v in (overrides or {}).items() if v is not None}, path, "")
    return finish_document(doc, path)
