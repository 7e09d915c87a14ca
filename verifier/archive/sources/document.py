"""The source data model and what every format reader shares: ``Document`` and ``Segment``; reading
and decoding source files (size cap, binary and encoding checks); walking directories and format
detection; document metadata (flags, front matter and JSON fields, dates, kinds); speaker names
(``display_name``, ``resolve_speakers``); and the readers' helpers (``SegmentBuilder``,
``seconds``, ``indexable``). Knows no format and no database."""
from __future__ import annotations

import codecs
import datetime as dt
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier import textnorm
from verifier.decoding import lenient_utf8
from verifier.errors import InputError, VerifierError
from verifier.inputs import date_in_name, open_regular, valid_date  # noqa: F401  (valid_date: the sources' name too)

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".srt": "srt",
           ".vtt": "vtt", ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_BYTES_ENV = "VERIFIER_MAX_SOURCE_BYTES"
SKIPPED_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.md", "license.txt"}
OVERRIDES = ("speaker", "date", "title", "url", "kind", "outlet", "language")
DEFAULT_KINDS = {"srt": "broadcast", "vtt": "broadcast", "json": "transcript", "html": "statement"}


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
    words: int | None = None   # how many whitespace-separated words the segments have, if counted
    replaces: list[str] = field(default_factory=list)   # ids the same file had when older readers read it


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
    data = _read_capped(path, limit)
    if len(data) > limit:
        raise InputError(path, f"input too large (limit {_size(limit)}, set {MAX_BYTES_ENV})")
    if not data.strip():
        raise InputError(path, "empty file")
    return data


def _read_capped(path: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of standard input, or a regular file no larger than ``limit``
    (a FIFO, device or socket is refused at once, never read)."""
    try:
        if path == "-":
            return sys.stdin.buffer.read(limit + 1)
        fh, size = open_regular(path)
        with fh:
            if size > limit:
                raise InputError(path, f"file too large ({_size(size, limit)}; limit "
                                       f"{_size(limit)}, set {MAX_BYTES_ENV} to raise it)")
            return fh.read(limit + 1)
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None


def _size(n: int, beside: int | None = None) -> str:
    """``n`` bytes in MiB (the unit of the limit), or exact when it would read the same as the
    size ``beside`` it (52428801 bytes against a 50.0 MiB limit)."""
    if n < 1048576 or (beside is not None and _size(beside) == _size(n)):
        return f"{n:,} bytes"
    return f"{n / 1048576:.1f} MiB"


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
    """Text from bytes: BOMs, UTF-8, UTF-8 with a few bad bytes replaced (and a warning), then a
    detected legacy encoding; newlines made ``\\n``."""
    text = _decode_bom(data)
    if text is None:
        if b"\x00" in data[:4096]:
            raise InputError(path, "binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = lenient_utf8(data, path)
            text = text if text is not None else _decode_guess(data, path)
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


_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _looks_binary(text: str) -> bool:
    """Whether more than 1% of the first 64 Ki characters are control characters (a NUL: at once)."""
    sample = text[:65536]
    if "\x00" in sample:
        return True
    # Counted as bytes of the UTF-8 form, where a control character is its own single byte
    # (a byte translate is many times quicker than a regex over the characters).
    encoded = sample.encode("utf-8", "surrogatepass")
    return len(encoded.translate(None, _NOT_CONTROL_BYTES)) > max(2, len(sample) // 100)


# ----------------------------------------------------------------------------- documents

def check_overrides(overrides: dict) -> None:
    unknown = set(overrides) - set(OVERRIDES)
    if unknown:
        raise VerifierError(f"unknown document field(s): {', '.join(sorted(unknown))}")
    if overrides.get("date") is not None:
        iso_date(overrides["date"], None, "--date")


def finish_document(doc: Document, path: str) -> Document:
    """Defaults (title, date, kind, speaker), segment positions and the speaker list."""
    if not any(indexable(s.text) for s in doc.segments):
        raise InputError(path, "no text to index")
    has_turns = any(s.turn is not None for s in doc.segments)
    if doc.speaker is None and not doc.speakers and not has_turns:   # one voice, unnamed
        _speaker_from_title(doc)   # (the document's own title, not one made from the file name)
    if path != "-":
        _defaults_from_path(doc, path)
    doc.kind = doc.kind or DEFAULT_KINDS.get(doc.format) or ("transcript" if has_turns else "statement")
    for position, seg in enumerate(doc.segments):
        seg.position = position
    _assign_speakers(doc, has_turns)
    return doc


# Bumped when the readers make more of the same file (2: the speaker a title names). It is part of
# a document's id (verifier.archive.ingest.document_id), so adding a file again after an upgrade
# replaces what an older version read; a directory archive's cache (verifier.verify.check) is
# rebuilt for a new version.
READER_VERSION = 2

# A title that says who delivers the text: "Statement by Deputy Minister Teodor Brann on the Lowen
# flood response", "Remarks from Mara Voss at the port", "Prepared text of the address by ...". Only
# kinds of text one person delivers: where others speak too (an interview, a debate, a press
# conference or gaggle, a town hall, remarks "with reporters") a document without turns cannot say
# which words are whose. What the title names is a reading, not proof: the checks let it confirm a
# quote's speaker (then the passage is that speaker's, as with a flag) or keep a passage from
# verifying another person's quote, but never call a quote misattributed on it.
_DELIVERED_BY = re.compile(
    r"(?:(?:full|prepared|official|opening|closing)\s+)?(?:(?:text|transcript)\s+of\s+)?(?:the\s+|an?\s+)?"
    r"(?:(?:statement|remarks|address|speech|testimony|message|keynote|lecture|sermon|eulogy|op-ed|letter)"
    r"\s+(?:by|from)|testimony\s+of)\s+(?P<who>[^,:;()|\u2013\u2014]+)", re.I)
_MANY_VOICES = re.compile(r"\b(?:press\s+(?:conference|gaggle|briefing|availability)|gaggle|briefing|q\s*&\s*a"
                          r"|town\s+hall|conversation|interview|debate|panel|roundtable|discussion|fireside"
                          r"|meeting|availability|doorstop|scrum|listening\s+session|question\s+time|departure"
                          r"|introducing|with\s+(?:reporters|the\s+press)|exchange\s+with)\b", re.I)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[.'\u2019-][^\W\d_]+)*\.?")   # "O'Brien-Smith", "J."; no digits


def _speaker_from_title(doc: Document) -> None:
    """The speaker a document's title names (``_DELIVERED_BY``), for a document that names none;
    ``metadata["speaker_from"]`` says so."""
    title = doc.title or ""
    m = _DELIVERED_BY.match(title)
    name = _person(m.group("who")) if m and not _MANY_VOICES.search(title) else None
    if name:
        doc.speaker = name
        doc.metadata["speaker_from"] = "title"


def _person(words: str) -> str | None:
    """The one person a title names at the start of ``words``, after any titles ("Deputy Minister
    Teodor Brann on ..." -> "Teodor Brann"; "President Marten" -> "Marten"): two or three
    capitalised words (particles aside), or one after a title; the name ends at one of the title
    lexicon's name-ending words or a participle ("Hochul Announcing Funding"). None when in doubt:
    for a body or a place (the extraction's ``body_or_person``), a role alone ("the Editor", "the
    King"), a role "of" something ("Minister of Water ...": the name may be the portfolio's), two
    people, a possessive ("Brann's spokesperson"), a word with digits ("G7 Leaders")."""
    from verifier.quotes.entities import PERSON, body_or_person

    titles, _, after_name = _title_lexicon()
    tokens = [_title_word(w) for w in words.split()] if words.isupper() else words.split()

    def is_title(at: int) -> bool:   # "Deputy", "Secretary-General", "NSC" before "Spokesperson"
        word = tokens[at].rstrip(".").lower()
        return all(part in titles for part in word.split("-")) or \
            tokens[at].isupper() and len(word) > 1 and at + 1 < len(tokens) and is_title(at + 1)

    k = 0
    while k < len(tokens) and is_title(k):
        k += 1
    if any(t.lower() == "of" for t in tokens[:k]):
        return None
    particles = PARTICLES - {"the", "of"}   # inside a name: "von der Leyen"
    titled = any(t.lower() != "the" for t in tokens[:k])   # "the" is no title
    name: list[str] = []
    for at, word in enumerate(tokens[k:], k):
        low = word.lower()
        if low in particles and word.islower() and name:
            name.append(word)   # "von der Leyen": a particle inside a name
        elif low in after_name or not _capitalised(word) or name and _participle(tokens, at):
            break
        else:
            name.append(word)
    rest = tokens[k + len(name):]
    if rest and not (rest[0].lower() in after_name or _participle(tokens, k + len(name))):
        return None   # the name runs on into words that are not a name's ("Brann's", "G7")
    while name and name[-1].lower() in particles and name[-1].islower():
        rest.insert(0, name.pop())
    proper = [w for w in name if not (w.islower() and w.lower() in particles)]
    if not (2 <= len(proper) <= 3 or titled and len(proper) == 1) or rest[:1] in (["and"], ["&"]):
        return None
    person = " ".join(name)
    if proper[-1].rstrip(".").lower() in titles or \
            body_or_person(" ".join(w.rstrip(".") for w in name)) != PERSON:   # "Apple Inc."
        return None
    return person


@functools.cache
def _title_lexicon() -> tuple[frozenset, frozenset, frozenset]:
    """(titles before a name, prepositions, the words that end a name in a title whatever their
    case: "Harris Upon Arrival", "Voss On The Grid", "Brann Tonight") — the extraction's lists and
    the sources' own, read when a title is first read."""
    from verifier.quotes.entities import PREPOSITIONS
    from verifier.quotes.lexicon import TITLES as ROLE_TITLES

    prepositions = PREPOSITIONS | frozenset("""regarding concerning following as upon via ahead
aboard amid per re""".split())
    days = frozenset("today tonight yesterday monday tuesday wednesday thursday friday saturday sunday".split())
    return frozenset(ROLE_TITLES | TITLES), prepositions, prepositions | days | {"and", "the", "a", "an"}


def _capitalised(word: str) -> bool:
    """A capitalised word a name can have: no digits, not a possessive ("Brann's")."""
    return word[0].isupper() and _NAME_WORD.fullmatch(word) is not None and not re.search(r"['\u2019]s$", word)


def _participle(tokens: list[str], at: int) -> bool:
    """A participle that begins the rest of a title: "Announcing New Actions", "Honoring the
    Fallen" (not the end of a name: "Peyton Manning on ...", "... Peyton Manning")."""
    return at + 1 < len(tokens) and len(tokens[at]) >= 6 and tokens[at].lower().endswith("ing") \
        and tokens[at + 1].lower() not in _title_lexicon()[1]


def _defaults_from_path(doc: Document, path: str) -> None:
    """A missing title from the file name, a missing date from a YYYY-MM-DD in it."""
    if doc.title is None:
        doc.title = Path(path).stem.replace("_", " ")
    if doc.date is None:
        doc.date = date_in_name(path)


def _assign_speakers(doc: Document, has_turns: bool) -> None:
    """The document speaker (the only turn speaker, if none was given), the speaker of segments
    outside turns, and the list of everyone who speaks."""
    turn_speakers = _unique(s.speaker for s in doc.segments if s.speaker)
    if doc.speaker is None and len(turn_speakers) == 1 and not doc.speakers:
        doc.speaker = turn_speakers[0]
    if not has_turns:
        for seg in doc.segments:
            if seg.speaker is None:
                seg.speaker = doc.speaker
    doc.speakers = _unique([*doc.speakers, *([doc.speaker] if doc.speaker else []), *turn_speakers])


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message on one line, at most ``limit`` characters, never cut mid-word."""
    return shorten(" ".join(str(exc).split()) or type(exc).__name__, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at the last space before that with
    "…" (a single word longer than the limit is cut)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > 0 else limit - 1].rstrip(" ,;:(") + "…"


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
        elif value is not None and value != "":
            _set_field(doc, name, value, path, where)


def _set_field(doc: Document, name: str, value, path: str, where: str) -> None:
    if name == "date":
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
    date = valid_date(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}(?:$|[T ])", text) else None
    if date is None:
        message = f"{where}: date {text!r} is not YYYY-MM-DD" if where else f"date {text!r} is not YYYY-MM-DD"
        raise InputError(path, message) if path else VerifierError(message)
    return date


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


# ----------------------------------------------------------------------------- speaker names

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


# ----------------------------------------------------------------------------- shared by readers

def indexable(text: str, directions: bool = True) -> bool:
    """Whether ``text`` has a word outside stage directions (``directions``: it may have some)."""
    if directions and textnorm.has_directions(text):
        text = textnorm.strip_directions(text)
    return textnorm.WORD_RE.search(text) is not None


class SegmentBuilder:
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

    def document(self, fmt: str) -> Document:
        """The Document: unindexable segments dropped, speaker names resolved, and no turns
        when nobody is named and there was only one."""
        segments = [s for s in self.segments if indexable(s.text)]
        names = resolve_speakers(sorted({s.speaker for s in segments if s.speaker}))
        for s in segments:
            s.speaker = names.get(s.speaker, s.speaker) if s.speaker else None
        if not any(s.speaker for s in segments) and len({s.turn for s in segments}) <= 1:
            for s in segments:
                s.turn = None
        return Document(text="\n".join(self.parts), segments=segments, format=fmt)


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
