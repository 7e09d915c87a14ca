"""Sources: turn an original (transcript, captions, speech, statement page, JSON export) into a
Document made of Segments.

Owns reading and decoding source files (size cap, binary and encoding checks), format detection,
YAML front matter, speaker turns and speaker identity within a document, caption roll-up collapse
and cue timing, and walking directories. Knows nothing about the database (see verifier.archive).

Every problem with a file is raised as InputError naming the file, with a one-line reason.
"""
from __future__ import annotations

import codecs
import datetime as dt
import functools
import html
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier import textnorm
from verifier.errors import InputError, VerifierError

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".srt": "srt",
           ".vtt": "vtt", ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_BYTES_ENV = "VERIFIER_MAX_SOURCE_BYTES"
SKIPPED_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.md", "license.txt"}
OVERRIDES = ("speaker", "date", "title", "url", "kind", "outlet", "language")
DEFAULT_KINDS = {"srt": "broadcast", "vtt": "broadcast", "json": "transcript", "html": "statement"}

PARAGRAPH_WORDS = 120   # a paragraph longer than this is cut at sentence ends ...
CHUNK_WORDS = 60        # ... into pieces of about this many words
CAPTION_WORDS = 25      # captions: close a segment at a sentence end once it has this many words
CAPTION_MAX_WORDS = 70  # ... and anywhere once it has this many


@dataclass
class Segment:
    """A passage of a document: one speaker turn, paragraph or group of caption cues.

    ``text`` is ``document.text[char_start:char_end]``. ``start``/``end`` are seconds into the
    recording (None for print sources); ``cues`` lists ``(offset in text, seconds)`` where each
    caption cue or timed word begins, for precise timecodes. ``turn`` numbers speaker turns
    (None when the document has no turns).
    """

    text: str
    char_start: int
    char_end: int
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    turn: int | None = None
    cues: list[tuple[int, float]] | None = None
    position: int = 0
    id: int | None = None


@dataclass
class Document:
    """A source with its metadata, its plain ``text`` and the segments that cover it."""

    text: str
    segments: list[Segment]
    format: str = "txt"
    title: str | None = None
    speaker: str | None = None
    speakers: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    kind: str | None = None
    outlet: str | None = None
    language: str | None = None
    metadata: dict = field(default_factory=dict)
    source_path: str | None = None
    content_hash: str | None = None
    id: str | None = None
    added: str | None = None


# ----------------------------------------------------------------------------- files

def max_source_bytes() -> int:
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        return max(1, int(value))
    except ValueError:
        raise VerifierError(f"{MAX_BYTES_ENV}={value!r} is not a number of bytes") from None


def read_bytes(path: str) -> bytes:
    """The bytes of ``path`` (``-`` for standard input), refusing empty and oversize files."""
    limit = max_source_bytes()
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            if os.path.getsize(path) > limit:
                raise InputError(path, f"file too large ({_size(os.path.getsize(path))}; limit "
                                       f"{_size(limit)}, set {MAX_BYTES_ENV} to raise it)")
            data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise InputError(path, f"input too large (limit {_size(limit)}, set {MAX_BYTES_ENV})")
    if not data.strip():
        raise InputError(path, "empty file")
    return data


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n} bytes"


def iter_source_files(paths: list[str]):
    """Yield the files to read: files as given, directories walked (sorted, recursively),
    skipping hidden entries, READMEs and unsupported extensions inside directories."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            yield from _walk(path)
        else:
            yield path


def _walk(directory: str):
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.lower() in SKIPPED_NAMES:
                continue
            if Path(name).suffix.lower() in FORMATS:
                yield os.path.join(root, name)


def detect_format(path: str, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise VerifierError(f"unknown source format {fmt!r} (one of: txt, md, srt, vtt, html, json)")
        return fmt
    if path == "-":
        return "txt"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(path, f"unsupported file type {suffix or '(no extension)'!r} "
                               "(txt, md, srt, vtt, html, json)")
    return FORMATS[suffix]


def decode_text(data: bytes, path: str) -> str:
    """Text from bytes: BOMs, UTF-8, then a detected legacy encoding; newlines made ``\\n``."""
    text = _decode_bom(data)
    if text is None:
        if b"\x00" in data[:4096]:
            raise InputError(path, "binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_guess(data, path)
    if _looks_binary(text):
        raise InputError(path, "binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bom(data: bytes) -> str | None:
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode_guess(data: bytes, path: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    if best is None:
        raise InputError(path, "unknown text encoding (not UTF-8, and no other encoding fits)")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(path, f"unknown text encoding (not UTF-8 or {best.encoding})") from None


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return "\x00" in sample or len(_CONTROL_RE.findall(sample)) > max(2, len(sample) // 100)


# ----------------------------------------------------------------------------- documents

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
        raise InputError(path, f"cannot read as {fmt}: {_one_line(exc)}") from None
    if path != "-":
        doc.source_path = os.path.abspath(path)
    apply_metadata(doc, {k: v for k, v in (overrides or {}).items() if v is not None}, path, "")
    return finish_document(doc, path)


def check_overrides(overrides: dict) -> None:
    unknown = set(overrides) - set(OVERRIDES)
    if unknown:
        raise VerifierError(f"unknown document field(s): {', '.join(sorted(unknown))}")
    if overrides.get("date") is not None:
        iso_date(overrides["date"], None, "--date")


def finish_document(doc: Document, path: str) -> Document:
    """Defaults (title, kind, speaker), segment positions and the speaker list."""
    if not any(_indexable(s.text) for s in doc.segments):
        raise InputError(path, "no text to index")
    if doc.title is None and path != "-":
        doc.title = Path(path).stem.replace("_", " ")
    if doc.date is None and path != "-":
        m = re.search(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)", Path(path).name)
        doc.date = _valid_date(m.group(1)) if m else None
    has_turns = any(s.turn is not None for s in doc.segments)
    doc.kind = doc.kind or DEFAULT_KINDS.get(doc.format) or ("transcript" if has_turns else "statement")
    turn_speakers = _unique(s.speaker for s in doc.segments if s.speaker)
    if doc.speaker is None and len(turn_speakers) == 1 and not doc.speakers:
        doc.speaker = turn_speakers[0]
    for position, seg in enumerate(doc.segments):
        seg.position = position
        if not has_turns and seg.speaker is None:
            seg.speaker = doc.speaker
    doc.speakers = _unique([*doc.speakers, *([doc.speaker] if doc.speaker else []), *turn_speakers])
    return doc


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


# ----------------------------------------------------------------------------- metadata

FIELD_ALIASES = {"speaker": "speaker", "speakers": "speakers", "title": "title", "date": "date",
                 "url": "url", "kind": "kind", "type": "kind", "outlet": "outlet",
                 "channel": "outlet", "language": "language", "lang": "language"}


def apply_metadata(doc: Document, meta: dict, path: str, where: str) -> None:
    """Set document fields from ``meta`` (front matter, JSON, flags); other keys go to metadata."""
    for key, value in meta.items():
        name = FIELD_ALIASES.get(str(key).lower())
        if name is None:
            doc.metadata[str(key)] = _jsonable(value)
        elif value is None or value == "":
            continue
        elif name == "date":
            doc.date = iso_date(value, path, where or "--date")
        elif name in ("speaker", "speakers") and isinstance(value, list):
            doc.speakers = [str(v).strip() for v in value if str(v).strip()]
            doc.speaker = doc.speakers[0] if len(doc.speakers) == 1 else doc.speaker
        elif name == "speakers":
            doc.speakers = [str(value).strip()]
        elif name == "kind":
            doc.kind = normalize_kind(str(value))
        else:
            setattr(doc, name, " ".join(str(value).split()))


def normalize_kind(kind: str) -> str:
    """"Press_Release" -> "press release"."""
    return " ".join(kind.replace("_", " ").replace("-", " ").lower().split())


def iso_date(value, path: str | None, where: str) -> str:
    """``YYYY-MM-DD`` from a date, datetime or string; InputError (or VerifierError) if not one."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = str(value).strip()
    date = _valid_date(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}(?:$|[T ])", text) else None
    if date is None:
        message = f"{where}: date {text!r} is not YYYY-MM-DD" if where else f"date {text!r} is not YYYY-MM-DD"
        raise InputError(path, message) if path else VerifierError(message)
    return date


def _valid_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    """(front matter mapping, body) for text that may start with a ``---`` YAML block."""
    if not re.match(r"---[ \t]*\n", text):
        return {}, text
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if end is None:
        raise InputError(path, "front matter: no closing '---' line")
    import yaml

    try:
        meta = yaml.safe_load(text[4:4 + end.start()])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or _one_line(exc)
        raise InputError(path, f"front matter: {problem}{where}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(path, "front matter: not a list of 'key: value' lines")
    return meta, text[4 + end.end():].lstrip("\n")


# ----------------------------------------------------------------------------- plain text

_GAP_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")   # one or more blank lines
_SENTENCE_END_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")


def _parse_text(data: bytes, path: str) -> Document:
    meta, body = split_front_matter(decode_text(data, path), path)
    doc = Document(text=body, segments=text_segments(body), format="txt")
    apply_metadata(doc, meta, path, "front matter")
    return doc


def _parse_markdown(data: bytes, path: str) -> Document:
    meta, body = split_front_matter(decode_text(data, path), path)
    text, headings = markdown_text(body)
    doc = Document(text=text, segments=text_segments(text, skip=set(headings)), format="md")
    if headings and not meta.get("title"):
        doc.title = text[headings[0][0]:headings[0][1]]
    apply_metadata(doc, meta, path, "front matter")
    return doc


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs (runs of non-blank lines, trimmed) in ``text[start:end]``,
    long ones cut at sentence ends."""
    end = len(text) if end is None else end
    spans, pos = [], start
    for gap in _GAP_RE.finditer(text, start, end):
        _add_paragraph(text, pos, gap.start(), spans)
        pos = gap.end()
    _add_paragraph(text, pos, end, spans)
    return spans


def _add_paragraph(text: str, s: int, e: int, spans: list) -> None:
    block = text[s:e]
    stripped = block.strip()
    if stripped:
        s += len(block) - len(block.lstrip())
        spans.extend(_cut_long(text, s, s + len(stripped)))


def _words(text: str) -> int:
    """Roughly how many words (whitespace-separated); enough to decide where to cut."""
    return len(text.split())


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    if text.count(" ", s, e) + text.count("\n", s, e) < PARAGRAPH_WORDS:   # the usual case, fast
        return [(s, e)]
    pieces, piece_start = [], s
    for m in _SENTENCE_END_RE.finditer(text, s, e):
        if _words(text[piece_start:m.start(1)]) >= CHUNK_WORDS:
            pieces.append((piece_start, m.start(1)))
            piece_start = m.end(1)
    pieces.append((piece_start, e))
    if len(pieces) > 1 and _words(text[pieces[-1][0]:e]) < CHUNK_WORDS // 3:
        pieces[-2:] = [(pieces[-2][0], e)]
    return [cut for a, b in pieces for cut in _cut_words(text, a, b)]


def _cut_words(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A piece with no sentence ends to cut at is cut every CHUNK_WORDS words."""
    if _words(text[s:e]) <= 2 * PARAGRAPH_WORDS:
        return [(s, e)]
    gaps = [m.start() for m in re.finditer(r"\s+", text[s:e])][CHUNK_WORDS - 1::CHUNK_WORDS]
    bounds = [s] + [s + g for g in gaps] + [e]
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in zip(bounds, bounds[1:])
            if text[a:b].strip()]


def _indexable(text: str, directions: bool = True) -> bool:
    """Whether ``text`` has a word outside stage directions (``directions``: it may have some)."""
    if directions and textnorm.DIRECTION_RE.search(text):
        text = textnorm.strip_directions(text)
    return textnorm.WORD_RE.search(text) is not None


def text_segments(text: str, skip: set | None = None) -> list[Segment]:
    """Segments of a text: speaker turns if it is a transcript, else paragraphs."""
    skip_starts = {s for s, _ in (skip or ())}
    directions = textnorm.DIRECTION_RE.search(text) is not None
    turns = find_turns(text)
    names = resolve_speakers([t.name for t in turns if t.name])
    regions = [(0, turns[0].label_start if turns else len(text), None, None)]
    regions += [(t.start, t.end, names.get(t.name) if t.name else None, n) for n, t in enumerate(turns)]
    return [Segment(text[s:e], s, e, speaker, turn=number)
            for start, end, speaker, number in regions
            for s, e in paragraphs(text, start, end)
            if s not in skip_starts and _indexable(text[s:e], directions)]


# ----------------------------------------------------------------------------- speakers

_LABEL_RE = re.compile(
    r"^[ \t]*+(?:>>[ \t]*+)?(?P<name>[^\W\d_][^:\n()\[\]]{0,60}+)"
    r"(?:\((?P<role>[^()\n]{1,80}+)\)[ \t]*+)?:(?=\s|$)", re.M)
PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le",
             "al", "el", "bin", "ibn", "ben", "of", "the", "y", "zu", "ter", "ten"}
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "minister", "deputy",
          "prime", "president", "vice", "mayor", "senator", "sen", "rep", "representative",
          "governor", "gov", "secretary", "chancellor", "councillor", "councilor", "commissioner",
          "chief", "general", "gen", "judge", "justice", "ambassador", "sir", "dame", "lord",
          "lady", "rev", "reverend", "captain", "capt", "colonel", "col", "lieutenant", "sergeant",
          "sgt", "inspector", "superintendent", "director", "chair", "chairman", "chairwoman",
          "chairperson", "mp", "mep", "hon", "honourable", "honorable", "the", "of", "state",
          "foreign", "finance", "energy", "interior", "health", "city", "council", "member",
          "spokesperson", "spokesman", "spokeswoman", "premier", "agent", "officer", "anchor",
          "correspondent", "host"}
META_LABELS = {"note", "notes", "nb", "source", "sources", "update", "updated", "editor",
               "editor's", "transcript", "date", "time", "location", "place", "venue", "subject",
               "title", "re", "fwd", "attn", "contact", "media", "summary", "background",
               "warning", "correction", "photo", "caption", "credit", "credits", "video", "audio",
               "length", "duration", "topic", "agenda", "keywords", "tags", "headline", "dateline",
               "embargo", "embargoed", "release", "read", "see", "related", "ps", "important",
               "example", "step", "chapter", "part", "section", "figure", "table", "translation",
               "original", "via", "from", "to", "cc", "sent", "http", "https", "www", "for",
               "issued", "published", "posted", "recorded", "broadcast", "event", "speakers",
               "participants", "present", "attendees", "ends", "end", "start", "begin", "q&a",
               "tel", "phone", "email", "fax", "web", "website", "address", "copyright", "please",
               "thanks", "question", "answer", "quote", "total", "result", "results", "status",
               "press", "briefing", "statement", "interview", "remarks", "speech", "hearing",
               "session", "meeting", "conference", "news", "breaking", "live", "programme",
               "program", "episode", "segment", "transcription", "minutes", "item", "motion"}


@dataclass
class Turn:
    name: str | None     # display name as written (Title Case, titles stripped); None if unnamed
    role: str | None
    label_start: int     # where the label starts
    start: int           # where the turn's words start (after the label)
    end: int             # where the next label starts


def find_turns(text: str) -> list[Turn]:
    """Speaker turns in a transcript, or [] when ``text`` does not read as one."""
    labels = [(m, parse_label(m.group("name"), m.group("role"))) for m in _LABEL_RE.finditer(text)]
    labels = [(m, lab) for m, lab in labels if lab is not None]
    if sum(1 for m, _ in labels if m.group("name").isupper()) >= 2:
        labels = [(m, lab) for m, lab in labels if m.group("name").isupper()]
    if not labels or (len(labels) == 1 and text[:labels[0][0].start()].strip()):
        return []
    turns = []
    for i, (m, (name, role)) in enumerate(labels):
        end = labels[i + 1][0].start() if i + 1 < len(labels) else len(text)
        turns.append(Turn(name, role, m.start(), m.end(), end))
    return turns


@functools.lru_cache(maxsize=4096)
def parse_label(raw: str, role: str | None) -> tuple[str, str | None] | None:
    """(display name, role) if ``raw`` reads as a speaker's name (1–5 capitalised words), else None."""
    raw = raw.strip()
    words = raw.split()
    if not words or len(words) > 7 or sum(ch.isalpha() for ch in raw) < 2:
        return None
    if words[0].lower().rstrip(".") in META_LABELS or raw.lower() in META_LABELS:
        return None
    for i, word in enumerate(words):
        if word.lower() in PARTICLES and 0 < i < len(words) - 1:
            continue
        if not (word[0].isupper() and re.fullmatch(r"[^\W\d_][^\W\d_.'\u2019-]*\.?", word)):
            return None
    if sum(1 for w in words if w.lower() not in PARTICLES) > 5:
        return None
    return display_name(raw), (" ".join(role.split()) if role else None)


def display_name(raw: str) -> str:
    """"MINISTER MARA VOSS" -> "Mara Voss": Title Case for capitals, leading titles dropped."""
    words = raw.split()
    if raw.isupper():
        words = [_title_word(w) for w in words]
    first_name = 0
    while first_name < len(words) - 1 and words[first_name].lower().rstrip(".") in TITLES:
        first_name += 1
    if first_name == len(words) - 1 and words[-1].lower().rstrip(".") in TITLES:
        first_name = 0
    return " ".join(words[first_name:])


def _title_word(word: str) -> str:
    if word.lower() in PARTICLES:
        return word.lower()
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word)


def resolve_speakers(names: list[str]) -> dict[str, str]:
    """Map each name to the fullest name of the same person in ``names``: "Voss" and
    "Mara Voss" -> "Mara Voss", when only one fuller name with that surname fits."""
    keys = {n: n.lower().replace(".", "").split() for n in dict.fromkeys(names)}
    resolved = {}
    for name, ws in keys.items():
        fits = [m for m, mws in keys.items() if mws[-1] == ws[-1] and set(ws) <= set(mws)]
        fullest = [m for m in fits if not any(set(keys[m]) < set(keys[o]) for o in fits)]
        resolved[name] = fullest[0] if len(fullest) == 1 else name
    return resolved


# ----------------------------------------------------------------------------- markdown

_MD_INLINE = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),
]
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_MD_DROP = re.compile(r"^ {0,3}(?:([-*_])(?:[ \t]*\1){2,}[ \t]*|\[[^\]]+\]:[ \t]+\S.*)$")
_MD_PREFIX = re.compile(r"^ {0,3}(?:>[ \t]?)*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?")


def markdown_text(body: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain text of a Markdown body and the spans of its headings (which are not speech)."""
    out, headings, length, fenced = [], [], 0, False
    for line in body.split("\n"):
        if re.match(r" {0,3}(```|~~~)", line):
            fenced = not fenced
            continue
        if fenced or _MD_DROP.match(line):
            continue
        heading = _MD_HEADING.match(line)
        line = _md_inline(heading.group(1) if heading else _MD_PREFIX.sub("", line, count=1))
        if heading:
            headings.append((length, length + len(line)))
            line += "\n"
        out.append(line)
        length += len(line) + 1
    return "\n".join(out), headings


def _md_inline(line: str) -> str:
    for pattern, repl in _MD_INLINE:
        line = pattern.sub(repl, line)
    return line


# ----------------------------------------------------------------------------- HTML

def _parse_html(data: bytes, path: str) -> Document:
    article = _html_article(data, path)
    segments = text_segments(article.text)
    headings = []
    while segments and _is_heading(segments[0].text):   # headline, dateline: not the statement
        headings.append(" ".join(segments.pop(0).text.split()))
    title = headings[0] if headings else " ".join((article.title or "").split()) or None
    doc = Document(text=article.text, segments=segments, format="html", title=title)
    if article.title and article.title != title:
        doc.metadata["page_title"] = " ".join(article.title.split())
    if article.date:
        doc.date = _valid_date(str(article.date)[:10])
        if doc.date is None:
            doc.metadata["date_text"] = str(article.date)
    return doc


def _is_heading(text: str) -> bool:
    return len(text.split()) <= 20 and not re.search(r"[.!?:;,][\"'\u201d\u2019)]*$", text)


def _html_article(data: bytes, path: str):
    from verifier.article import parse_article   # the one HTML extractor: page chrome stays out

    return parse_article(data, path, "html")


# ----------------------------------------------------------------------------- JSON

def _parse_json(data: bytes, path: str) -> Document:
    try:
        obj = json.loads(decode_text(data, path))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    meta = {}
    if isinstance(obj, dict):
        meta = {k: v for k, v in obj.items() if k not in ("segments", "text")}
        obj = obj.get("segments")
    if not isinstance(obj, list) or not obj:
        raise InputError(path, "JSON: expected a list of segments or an object with \"segments\"")
    builder = _Builder()
    for i, item in enumerate(obj):
        builder.add_json(item, i, path)
    doc = builder.document("json")
    apply_metadata(doc, meta, path, "JSON")
    return doc


_UNNAMED_RE = re.compile(r"(?i)(?:speaker|spk|unknown)[ _-]?\d*|\?+|unknown")


class _Builder:
    """Appends segment texts (one per line) into a document text, tracking turns by speaker."""

    def __init__(self):
        self.parts, self.segments, self.length = [], [], 0
        self.turn, self.last_speaker = -1, object()

    def add(self, text: str, speaker, start=None, end=None, cues=None, new_turn=False) -> None:
        if new_turn or speaker != self.last_speaker:
            self.turn += 1
            self.last_speaker = speaker
        seg = Segment(text=text, char_start=self.length, char_end=self.length + len(text),
                      speaker=speaker, start=start, end=end, turn=self.turn, cues=cues)
        self.parts.append(text)
        self.segments.append(seg)
        self.length += len(text) + 1

    def add_json(self, item, i: int, path: str) -> None:
        where = f"JSON segment {i + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(path, f"{where}: expected an object with a \"text\" string")
        text = " ".join(item["text"].split())
        raw = item.get("speaker")
        raw = " ".join(str(raw).split()) if raw not in (None, "") else None
        unnamed = raw is not None and _UNNAMED_RE.fullmatch(raw) is not None
        new_turn = unnamed and raw != getattr(self, "last_raw", None)
        self.last_raw = raw
        if text:
            start, end = seconds(item.get("start"), path, where), seconds(item.get("end"), path, where)
            speaker = None if unnamed or raw is None else display_name(raw)
            self.add(text, speaker, start, end, _word_cues(item.get("words"), text), new_turn)

    def document(self, fmt: str) -> Document:
        segments = [s for s in self.segments if _indexable(s.text)]
        named = {s.speaker for s in segments if s.speaker}
        names = resolve_speakers(sorted(named))
        for s in segments:
            s.speaker = names.get(s.speaker, s.speaker) if s.speaker else None
        if not any(s.speaker for s in segments) and len({s.turn for s in segments}) <= 1:
            for s in segments:
                s.turn = None
        return Document(text="\n".join(self.parts), segments=segments, format=fmt)


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


def seconds(value, path: str, where: str) -> float | None:
    """Seconds from a number or a timecode string ("01:02:03.5", "02:03,500")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(path, f"{where}: time {value!r} is not a number of seconds")
    if isinstance(value, (int, float)):
        return float(value)
    m = re.fullmatch(r"\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d+)?)\s*", str(value))
    if not m:
        raise InputError(path, f"{where}: time {value!r} is not seconds or HH:MM:SS")
    parts = [float(p.replace(",", ".")) if p else 0.0 for p in m.groups()]
    if m.group(2) is None:   # MM:SS
        return parts[0] * 60 + parts[2]
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


# ----------------------------------------------------------------------------- captions

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


def _parse_srt(data: bytes, path: str) -> Document:
    import srt

    text = decode_text(data, path)
    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise InputError(path, f"not a valid SubRip file ({_one_line(exc)[:80]})") from None
    for sub in subs:   # srt keeps what it cannot read as part of the cue before
        junk = re.search(r"\n[ \t]*\n[ \t]*(\S[^\n]*)|^[^\n]*-->[^\n]*$", sub.content, re.M)
        if junk:
            line = (junk.group(1) or junk.group()).strip()[:40]
            raise InputError(path, f"not a valid SubRip file (after cue {sub.index}: cannot read {line!r})")
    cues = [Cue(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs]
    return caption_document(_valid_cues(cues, path, "SubRip"), "srt")


def _parse_vtt(data: bytes, path: str) -> Document:
    import webvtt
    from webvtt.errors import MalformedFileError

    text = decode_text(data, path)
    try:
        captions = webvtt.from_string(text).captions
        cues = [Cue(seconds(c.start, path, "cue"), seconds(c.end, path, "cue"),
                    html.unescape(c.text), c.voice) for c in captions]
    except (MalformedFileError, ValueError, AttributeError) as exc:
        raise InputError(path, f"not a valid WebVTT file ({_one_line(exc)[:80]})") from None
    return caption_document(_valid_cues(cues, path, "WebVTT"), "vtt")


def _valid_cues(cues: list[Cue], path: str, kind: str) -> list[Cue]:
    if not any(c.text.strip() for c in cues):
        raise InputError(path, f"not a valid {kind} file (no captions found)")
    for c in cues:
        if c.end < c.start:
            raise InputError(path, f"not a valid {kind} file (a cue ends before it starts at {c.start:.3f}s)")
    return cues


@dataclass
class _Word:
    text: str                     # "" for a speaker-change marker
    cue: int = -1
    marker: tuple | None = None   # (name or None, role) on a marker


def caption_document(cues: list[Cue], fmt: str) -> Document:
    """A Document from caption cues: roll-up repeats collapsed, speakers and timing kept."""
    words = collapse_rollup(_cues_lines(cues))
    has_markers = any(w.marker for w in words)
    builder, chunk, speaker, new_turn = _Builder(), [], None, False
    for w in words:
        if w.marker:
            if chunk:
                _add_caption_segment(builder, chunk, cues, speaker, new_turn)
            chunk, speaker, new_turn = [], w.marker[0], True
            continue
        chunk.append(w)
        if _caption_break(chunk):
            _add_caption_segment(builder, chunk, cues, speaker, new_turn)
            chunk, new_turn = [], False
    if chunk:
        _add_caption_segment(builder, chunk, cues, speaker, new_turn)
    if not has_markers:
        for seg in builder.segments:
            seg.speaker = None
    return builder.document(fmt)


def _caption_break(chunk: list[_Word]) -> bool:
    ends = re.search(r"[.!?][\"')\]]*$", chunk[-1].text) is not None
    return len(chunk) >= CAPTION_MAX_WORDS or (ends and len(chunk) >= CAPTION_WORDS)


def _add_caption_segment(builder: _Builder, chunk, cues, speaker, new_turn) -> None:
    text, timing, last_cue = "", [], None
    for w in chunk:
        if w.cue != last_cue:
            timing.append((len(text) + (1 if text else 0), cues[w.cue].start))
            last_cue = w.cue
        text = f"{text} {w.text}" if text else w.text
    builder.add(text, speaker, cues[chunk[0].cue].start, cues[chunk[-1].cue].end, timing, new_turn)


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


_PARSERS = {"txt": _parse_text, "md": _parse_markdown, "html": _parse_html, "json": _parse_json,
            "srt": _parse_srt, "vtt": _parse_vtt}
