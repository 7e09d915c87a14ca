"""JSON sources (``json``): speech-to-text exports such as Whisper's, and similar segment lists.

Accepts a list of segments or an object with a ``"segments"`` list (its other keys, except
``"text"``, are document metadata). Each segment is an object with a ``"text"`` string and
optionally ``"speaker"``, ``"start"``/``"end"`` (seconds or timecodes) and Whisper-style
``"words"`` ([{word, start}, ...]) kept as per-word cues. A change of speaker starts a new turn;
diarisation labels such as "SPEAKER_01" or "unknown" name nobody, but a change between them
still starts one. A document in which nobody is named and all is one turn gets no turns.
Nesting deeper than ``MAX_DEPTH`` is refused before parsing; the size cap is the sources' own.
"""
from __future__ import annotations

import json
import re

from verifier.errors import InputError
from verifier.archive.sources.document import Document, SegmentBuilder, apply_metadata, decode_text, display_name, seconds

_UNNAMED_RE = re.compile(r"(?i)(?:speaker|spk|unknown)[ _-]?\d*|\?+|unknown")


MAX_DEPTH = 20   # nesting deeper than this (a transcript needs about four levels) is refused


def parse_json(data: bytes, path: str) -> Document:
    text = decode_text(data, path)
    _check_depth(text, path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    meta = {}
    if isinstance(obj, dict):
        meta = {k: v for k, v in obj.items() if k not in ("segments", "text")}
        obj = obj.get("segments")
    if not isinstance(obj, list) or not obj:
        raise InputError(path, "JSON: expected a list of segments or an object with \"segments\"")
    doc = _segments_document(obj, path)
    apply_metadata(doc, meta, path, "JSON")
    return doc


_BRACKETS_RE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _check_depth(text: str, path: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before parsing (strings skipped), so that no
    structure is built or copied; unbalanced brackets are left to the parser to report."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in _BRACKETS_RE.finditer(text):
        mark = m.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise InputError(path, f"JSON: nested more than {MAX_DEPTH} deep (line {line})")
        elif mark in "]}":
            depth -= 1


def _segments_document(items: list, path: str) -> Document:
    builder, last_raw = SegmentBuilder(), None
    for i, item in enumerate(items):
        last_raw = _add_item(builder, item, i, path, last_raw)
    return builder.document("json")


def _add_item(builder: SegmentBuilder, item, i: int, path: str, last_raw: str | None) -> str | None:
    """Add JSON segment ``i`` (if it has text); returns its raw speaker label for the next one."""
    where = f"JSON segment {i + 1}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InputError(path, f"{where}: expected an object with a \"text\" string")
    text = " ".join(item["text"].split())
    raw = item.get("speaker")
    raw = " ".join(str(raw).split()) if raw not in (None, "") else None
    unnamed = raw is not None and _UNNAMED_RE.fullmatch(raw) is not None
    if text:
        start, end = seconds(item.get("start"), path, where), seconds(item.get("end"), path, where)
        speaker = None if unnamed or raw is None else display_name(raw)
        new_turn = unnamed and raw != last_raw
        builder.add(text, speaker, start, end, _word_cues(item.get("words"), text), new_turn)
    return raw


def _word_cues(words, text: str) -> list[tuple[int, float]] | None:
    """Per-word timing from Whisper-style ``words`` [{word, start}, ...], as (offset, seconds)."""
    if not isinstance(words, list):
        return None
    cues, pos = [], 0
    for w in words:
        if not isinstance(w, dict) or not isinstance(w.get("word"), str):
            continue
        word = w["word"].strip()
        at = text.find(word, pos) if word else -1
        if at >= 0 and isinstance(w.get("start"), (int, float)):
            cues.append((at, float(w["start"])))
            pos = at + len(word)
    return cues or None
