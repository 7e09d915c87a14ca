"""Caption sources (``srt``, ``vtt``): SubRip and WebVTT files of broadcasts and interviews.

Reads the cues (through the ``srt`` and ``webvtt`` libraries, refusing files they only half
understand), strips styling tags, and collapses roll-up and paint-on captions so each spoken word
appears once (``collapse_rollup``). Speaker changes come from WebVTT voices and from ``>>``,
``>> NAME:``, ``- NAME:`` and bare ``NAME:`` markers. The words are grouped into segments that end
at a speaker change, at a sentence end once long enough (``CAPTION_WORDS``), or anywhere once too
long (``CAPTION_MAX_WORDS``); each segment keeps its start and end time and where each cue begins.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from verifier.errors import InputError
from verifier.archive.sources.document import (Document, SegmentBuilder, decode_text, display_name,
                                               one_line, seconds, shorten)
from verifier.archive.sources.text import parse_label

CAPTION_WORDS = 25      # close a segment at a sentence end once it has this many words
CAPTION_MAX_WORDS = 70  # ... and anywhere once it has this many


@dataclass
class Cue:
    start: float
    end: float
    text: str
    voice: str | None = None


_TAG_RE = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")
_ARROWS_RE = re.compile(r"\s*>>+\s*")
_CAPTION_LABEL_RE = re.compile(
    r"(?P<name>[^\W\d_][^:\n()\[\]]{0,60}+)(?:\((?P<role>[^()\n]{1,80}+)\)\s*+)?:(?=\s|$)\s*")


# ----------------------------------------------------------------------------- files

def parse_srt(data: bytes, path: str) -> Document:
    import srt

    text = decode_text(data, path)
    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise InputError(path, f"not a valid SubRip file ({one_line(exc, 80)})") from None
    _check_leftovers(subs, path)
    cues = [Cue(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs]
    return caption_document(_valid_cues(cues, path, "SubRip"), "srt")


def _check_leftovers(subs, path: str) -> None:
    """srt keeps what it cannot read as part of the cue before: refuse such files."""
    for sub in subs:
        junk = re.search(r"\n[ \t]*\n[ \t]*(\S[^\n]*)|^[^\n]*-->[^\n]*$", sub.content, re.M)
        if junk:
            line = shorten((junk.group(1) or junk.group()).strip(), 40)
            raise InputError(path, f"not a valid SubRip file (after cue {sub.index}: cannot read {line!r})")


def parse_vtt(data: bytes, path: str) -> Document:
    import webvtt
    from webvtt.errors import MalformedFileError

    text = decode_text(data, path)
    try:
        captions = webvtt.from_string(text).captions
        cues = [Cue(seconds(c.start, path, "cue"), seconds(c.end, path, "cue"),
                    html.unescape(c.text), c.voice) for c in captions]
    except (MalformedFileError, ValueError, AttributeError) as exc:
        raise InputError(path, f"not a valid WebVTT file ({one_line(exc, 80)})") from None
    return caption_document(_valid_cues(cues, path, "WebVTT"), "vtt")


def _valid_cues(cues: list[Cue], path: str, kind: str) -> list[Cue]:
    if not any(c.text.strip() for c in cues):
        raise InputError(path, f"not a valid {kind} file (no captions found)")
    for c in cues:
        if c.end < c.start:
            raise InputError(path, f"not a valid {kind} file (a cue ends before it starts at {c.start:.3f}s)")
    return cues


# ----------------------------------------------------------------------------- segments

@dataclass
class _Word:
    text: str                     # "" for a speaker-change marker
    cue: int = -1
    marker: tuple | None = None   # (name or None, role) on a marker


def caption_document(cues: list[Cue], fmt: str) -> Document:
    """A Document from caption cues: roll-up repeats collapsed, speakers and timing kept."""
    words = collapse_rollup(_cues_lines(cues))
    builder = SegmentBuilder()
    for chunk, speaker, new_turn in _caption_chunks(words):
        _add_caption_segment(builder, chunk, cues, speaker, new_turn)
    if not any(w.marker for w in words):
        for seg in builder.segments:
            seg.speaker = None
    return builder.document(fmt)


def _caption_chunks(words: list[_Word]):
    """Yield (words, speaker, starts a turn) for each segment: cut at speaker markers and where
    ``_caption_break`` says."""
    chunk, speaker, new_turn = [], None, False
    for w in words:
        if w.marker:
            if chunk:
                yield chunk, speaker, new_turn
            chunk, speaker, new_turn = [], w.marker[0], True
            continue
        chunk.append(w)
        if _caption_break(chunk):
            yield chunk, speaker, new_turn
            chunk, new_turn = [], False
    if chunk:
        yield chunk, speaker, new_turn


def _caption_break(chunk: list[_Word]) -> bool:
    ends = re.search(r"[.!?][\"')\]]*$", chunk[-1].text) is not None
    return len(chunk) >= CAPTION_MAX_WORDS or (ends and len(chunk) >= CAPTION_WORDS)


def _add_caption_segment(builder: SegmentBuilder, chunk, cues, speaker, new_turn) -> None:
    text, timing, last_cue = "", [], None
    for w in chunk:
        if w.cue != last_cue:
            timing.append((len(text) + (1 if text else 0), cues[w.cue].start))
            last_cue = w.cue
        text = f"{text} {w.text}" if text else w.text
    builder.add(text, speaker, cues[chunk[0].cue].start, cues[chunk[-1].cue].end, timing, new_turn)


# ----------------------------------------------------------------------------- cue words

def _cues_lines(cues: list[Cue]) -> list[list[list[_Word]]]:
    """For each cue, the words of each of its lines, speaker changes as marker words."""
    out, voice = [], None
    for cue in cues:
        lines = []
        if cue.voice and cue.voice != voice:
            lines.append([_Word("", marker=(display_name(" ".join(cue.voice.split())), None))])
        voice = cue.voice or voice
        for line in _TAG_RE.sub("", cue.text).split("\n"):
            words = _line_words(html.unescape(line))
            if words:
                lines.append(words)
        out.append(lines)
    return out


def _line_words(line: str) -> list[_Word]:
    """Words of one caption line; ">>", ">> NAME:", "- NAME:" and "NAME:" become markers."""
    words: list[_Word] = []
    dash = re.match(r"\s*-\s+", line)
    parts = _ARROWS_RE.split(line[dash.end():] if dash else line)
    for i, part in enumerate(parts):
        marked = i > 0 or dash is not None
        label = _CAPTION_LABEL_RE.match(part)
        parsed = parse_label(label.group("name"), label.group("role")) if label else None
        bare_ok = label is not None and label.group("name").isupper() and len(label.group("name").split()) <= 3
        if parsed and (marked or bare_ok):
            words.append(_Word("", marker=parsed))
            part = part[label.end():]
        elif marked:
            words.append(_Word("", marker=(None, None)))
        words.extend(_Word(w) for w in part.split())
    return words


# ----------------------------------------------------------------------------- roll-up

def collapse_rollup(cue_lines: list[list[list[_Word]]]) -> list[_Word]:
    """Words of all cues in order, each spoken word once: a cue that repeats the end of the
    previous one (roll-up or paint-on captions) contributes only its new words."""
    out: list[_Word] = []
    previous: list[list[_Word]] = []
    for index, lines in enumerate(cue_lines):
        flat = [w for line in lines for w in line]
        for w in flat:
            w.cue = index
        out.extend(flat[_overlap(previous, flat, out):])
        previous = lines or previous
    return out


def _key(w: _Word) -> str:
    if w.marker:
        return "\x00" + (w.marker[0] or "")
    return w.text.lower().strip(".,!?;:\"'\u201c\u201d\u2018\u2019")


def _overlap(previous: list[list[_Word]], flat: list[_Word], out: list[_Word]) -> int:
    """How many leading words of ``flat`` repeat what was already shown."""
    keys = [_key(w) for w in flat]
    best = 0
    for j in range(1, len(previous) + 1):      # whole trailing lines of the previous cue
        suffix = [_key(w) for line in previous[-j:] for w in line]
        if len(suffix) <= len(keys) and keys[:len(suffix)] == suffix:
            best = max(best, len(suffix))
    tail = [_key(w) for w in out[-80:]]
    for k in range(min(len(keys), len(tail)), 2, -1):   # or 3+ words of reflowed text
        if tail[-k:] == keys[:k]:
            return max(best, k)
    return best
