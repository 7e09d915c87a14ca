"""Plain-text and Markdown sources (``txt``, ``md``): speeches, statements and transcripts.

Reads an optional YAML front matter block (``---`` ... ``---``; no aliases, size and depth capped)
into document metadata, turns a Markdown body into plain text (headings kept in the text but not
indexed, the first one a default title), and cuts the text into segments: one per paragraph (long paragraphs cut at sentence ends,
or every ``CHUNK_WORDS`` words), within speaker turns when the text reads as a transcript
(``NAME:`` or ``Name (role):`` labels, which ``parse_label`` tells from "Note:"-style headers).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from verifier import textnorm
from verifier.errors import InputError
from verifier.archive.sources.document import (PARTICLES, Document, Segment, apply_metadata, decode_text,
                              display_name, indexable, one_line, resolve_speakers)

PARAGRAPH_WORDS = 120   # a paragraph longer than this is cut at sentence ends ...
CHUNK_CHARS = 330       # ... into pieces of at least this many characters (about 60 words) ...
CHUNK_WORDS = 60        # ... or, with no sentence end to cut at, of this many words

_GAP_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")   # one or more blank lines
_SENTENCE_END_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")
# Every character ``\s`` matches but the space (what str.isspace says too, up to U+3000).
_OTHER_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b))) + \
    "\u2028\u2029\u202f\u205f\u3000"


def parse_text(data: bytes, path: str) -> Document:
    meta, body = split_front_matter(decode_text(data, path), path)
    segments, words = counted_segments(body)
    doc = Document(text=body, segments=segments, format="txt", words=words)
    apply_metadata(doc, meta, path, "front matter")
    return doc


def parse_markdown(data: bytes, path: str) -> Document:
    meta, body = split_front_matter(decode_text(data, path), path)
    text, headings = markdown_text(body)
    segments, words = counted_segments(text, skip=set(headings))
    doc = Document(text=text, segments=segments, format="md", words=words)
    if headings and not meta.get("title"):
        doc.title = text[headings[0][0]:headings[0][1]]
    apply_metadata(doc, meta, path, "front matter")
    return doc


# ----------------------------------------------------------------------------- front matter

def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    """(front matter mapping, body) for text that may start with a ``---`` YAML block."""
    if not re.match(r"---[ \t]*\n", text):
        return {}, text
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if end is None:
        raise InputError(path, "front matter: no closing '---' line")
    meta = _load_yaml(text[4:4 + end.start()], path)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(path, "front matter: not a list of 'key: value' lines")
    return meta, text[4 + end.end():].lstrip("\n")


def _load_yaml(block: str, path: str):
    simple = _simple_front_matter(block)
    if simple is not None:
        return simple
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise InputError(path, f"front matter: longer than {MAX_FRONT_MATTER_CHARS:,} characters")
    import yaml

    try:
        return yaml.load(block, Loader=_bounded_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or one_line(exc)
        raise InputError(path, f"front matter: {problem}{where}") from None
    except (ValueError, TypeError, OverflowError) as exc:   # e.g. a date such as 2024-02-30
        raise InputError(path, f"front matter: {one_line(exc)}") from None


MAX_FRONT_MATTER_CHARS = 65536   # YAML front matter longer than this is refused unread
MAX_FRONT_MATTER_DEPTH = 20      # and so is nesting deeper than this


@functools.cache
def _bounded_loader():
    """A SafeLoader that cannot explode: an alias (``*name``, the "billion laughs" of nested
    aliases) or nesting deeper than MAX_FRONT_MATTER_DEPTH stops it while composing, before
    any object is built or copied."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                                  self.peek_event().start_mark)
            if self.depth >= MAX_FRONT_MATTER_DEPTH:
                raise yaml.composer.ComposerError(None, None, "nested too deeply",
                                                  self.peek_event().start_mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return BoundedLoader


_FM_LINE = re.compile(r"([A-Za-z_][\w -]*?)[ \t]*:(?:[ \t]+(.*?))?[ \t]*")
_FM_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_FM_SPECIAL_START = tuple("-?:,[]{}#&*!|>%@`")
_FM_YAML_WORDS = frozenset("y n yes no true false on off null ~".split())


def _simple_front_matter(block: str) -> dict | None:
    """Front matter of plain ``key: value`` lines, read without PyYAML (about 7 ms a file) — with
    the values YAML would give: quoted and plain strings, and dates as ``datetime.date``. None for
    anything else (numbers, booleans, lists, nesting, escapes, comments), which YAML reads."""
    pairs = _front_matter_pairs(block)
    if pairs is None:
        return None
    out = {}
    for key, raw in pairs:
        value = _simple_scalar(raw)
        if value is _NOT_SIMPLE:
            return None
        out[key] = value
    return out


def _front_matter_pairs(block: str) -> list[tuple[str, str]] | None:
    """(key, raw value) of each ``key: value`` line, an indented line continuing the plain value
    before it (a folded plain scalar: YAML joins the lines with one space). None for any other
    line, and for a folded value with a blank line in it (a newline in YAML)."""
    pairs: list[list[str]] = []
    blank = False
    for line in block.split("\n"):
        if not line.strip():
            blank = True
            continue
        if line[0] in " \t":
            if line[0] == "\t" or blank or not pairs or not pairs[-1][1] or pairs[-1][1][0] in "'\"":
                return None
            pairs[-1][1] += " " + line.strip()
            continue
        blank = False
        m = _FM_LINE.fullmatch(line)
        if m is None:
            return None
        pairs.append([m.group(1), m.group(2) or ""])
    return [(k, v) for k, v in pairs]


_NOT_SIMPLE = object()


def _simple_scalar(raw: str):
    if not raw:
        return None   # "key:" is null in YAML
    if raw[0] == "'" :
        inner = raw[1:-1]
        return inner.replace("''", "'") if len(raw) > 1 and raw[-1] == "'" and "'" not in inner.replace("''", "") \
            else _NOT_SIMPLE
    if raw[0] == '"':
        inner = raw[1:-1]
        return inner if len(raw) > 1 and raw[-1] == '"' and '"' not in inner and "\\" not in inner else _NOT_SIMPLE
    date = _FM_DATE.fullmatch(raw)
    if date:
        import datetime
        try:
            return datetime.date(*map(int, date.groups()))
        except ValueError:
            return _NOT_SIMPLE
    if raw.startswith(_FM_SPECIAL_START) or raw[0] in "+.0123456789" or raw.lower() in _FM_YAML_WORDS \
            or ": " in raw or raw.endswith(":") or " #" in raw or "\t" in raw:
        return _NOT_SIMPLE
    return raw


# ----------------------------------------------------------------------------- segments

def text_segments(text: str, skip: set | None = None) -> list[Segment]:
    """Segments of a text: speaker turns if it is a transcript, else paragraphs."""
    return counted_segments(text, skip)[0]


def counted_segments(text: str, skip: set | None = None) -> tuple[list[Segment], int]:
    """``text_segments``, and how many whitespace-separated words the segments have (what the
    index counts when the text has no stage directions; counted as a by-product of cutting long
    paragraphs, which has counted most of them)."""
    skip_starts = {s for s, _ in (skip or ())}
    directions = textnorm.has_directions(text)
    turns = find_turns(text)
    names = resolve_speakers([t.name for t in turns if t.name])
    regions = [(0, turns[0].label_start if turns else len(text), None, None)]
    regions += [(t.start, t.end, names.get(t.name) if t.name else None, n) for n, t in enumerate(turns)]
    segments, words = [], 0
    for start, end, speaker, number in regions:
        for s, e, n in _pieces(text, start, end):
            piece = text[s:e]
            if s not in skip_starts and indexable(piece, directions):
                segments.append(Segment(piece, s, e, speaker, turn=number))
                words += textnorm.count_words(piece) if n is None else n
    return segments, words


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs (runs of non-blank lines, trimmed) in ``text[start:end]``,
    long ones cut at sentence ends."""
    return [(s, e) for s, e, _ in _pieces(text, start, end)]


def _pieces(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, int | None]]:
    """``paragraphs`` as (start, end, words), the words counted where a cut counted them (else None)."""
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


def _gaps_fewer_than(text: str, s: int, e: int, n: int) -> bool:
    """Whether ``text[s:e]`` has fewer than ``n`` spaces and newlines (a long paragraph is told
    from its beginning, not counted to its end)."""
    head = min(e, s + 40 * n)
    found = text.count(" ", s, head) + text.count("\n", s, head)
    return found < n and found + text.count(" ", head, e) + text.count("\n", head, e) < n


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int, int | None]]:
    if _gaps_fewer_than(text, s, e, PARAGRAPH_WORDS):   # the usual case, fast
        return [(s, e, None)]
    # A piece ends at the first sentence end CHUNK_CHARS or more characters after it starts: one
    # regex search per piece, started that far ahead (counting words to jump over them, or a
    # Python step per sentence, was most of the ingest of unbroken transcripts).
    bounds, start, search = [], s, _SENTENCE_END_RE.search
    while (m := search(text, start + CHUNK_CHARS, e)) is not None:
        bounds.append((start, m.start(1)))
        start = m.end(1)
    bounds.append((start, e))
    if len(bounds) > 1 and e - start < CHUNK_CHARS // 3:   # a short tail joins the piece before
        bounds[-2:] = [(bounds[-2][0], e)]
    pieces = _counted(text, s, e, bounds)
    return [cut for piece in pieces for cut in _cut_words(text, *piece)]


def _counted(text: str, s: int, e: int, bounds: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """The pieces of ``text[s:e]`` with their words: in single-spaced prose one more than their
    spaces (a C-speed count, not a split into a list)."""
    if _single_spaced(text, s, e):
        count = text.count
        return [(a, b, count(" ", a, b) + 1) for a, b in bounds]
    return [(a, b, textnorm.count_words(text[a:b])) for a, b in bounds]


def _single_spaced(text: str, s: int, e: int) -> bool:
    """Whether the only white space in ``text[s:e]`` is single spaces (as in most prose)."""
    part = text[s:e]
    return "  " not in part and not any(c in part for c in _OTHER_SPACES)


def _cut_words(text: str, s: int, e: int, words: int) -> list[tuple[int, int, int | None]]:
    """A piece (of ``words`` words) with no sentence ends to cut at is cut every CHUNK_WORDS words."""
    if words <= 2 * PARAGRAPH_WORDS:
        return [(s, e, words)]
    gaps = [m.start() for m in re.finditer(r"\s+", text[s:e])][CHUNK_WORDS - 1::CHUNK_WORDS]
    bounds = [s] + [s + g for g in gaps] + [e]
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b, None) for a, b in zip(bounds, bounds[1:])
            if text[a:b].strip()]


# ----------------------------------------------------------------------------- speaker turns

_LABEL = (r"(?P<label>[ \t]*+(?:>>[ \t]*+)?(?P<name>[^\W\d_][^:\n()\[\]]{0,60}+)"
          r"(?:\((?P<role>[^()\n]{1,80}+)\)[ \t]*+)?:(?=\s|$))")
# A label opens a line. Searched for as "a newline, then a label" (the regex engine skips to each
# newline; "^" in multiline mode tries every character) and, apart, at the very start.
_LABEL_RE = re.compile(_LABEL, re.M)
_LABEL_AFTER_NEWLINE_RE = re.compile(r"\n" + _LABEL, re.M)
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
    labels = [(m, parse_label(m.group("name"), m.group("role"))) for m in _label_matches(text)]
    labels = [(m, lab) for m, lab in labels if lab is not None]
    if sum(1 for m, _ in labels if m.group("name").isupper()) >= 2:
        labels = [(m, lab) for m, lab in labels if m.group("name").isupper()]
    if not labels or (len(labels) == 1 and text[:labels[0][0].start("label")].strip()):
        return []
    turns = []
    for i, (m, (name, role)) in enumerate(labels):
        end = labels[i + 1][0].start("label") if i + 1 < len(labels) else len(text)
        turns.append(Turn(name, role, m.start("label"), m.end(), end))
    return turns


def _label_matches(text: str):
    """Matches of a speaker label at the start of each line (the label is the "label" group)."""
    first = _LABEL_RE.match(text)
    if first:
        yield first
    yield from _LABEL_AFTER_NEWLINE_RE.finditer(text)


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


# ----------------------------------------------------------------------------- markdown

_MD_MARKS = "<![*_`"   # what every inline pattern needs one of: most lines have none
_MD_INLINE = [   # (marks the pattern needs all of, in one of these sets; pattern; replacement)
    (("<!",), re.compile(r"<!--.*?-->", re.S), ""),
    (("![",), re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (("[",), re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),
    (("[",), re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),
    (("*", "_"), re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (("*",), re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),
    (("_",), re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (("`",), re.compile(r"`([^`\n]+)`"), r"\1"),
    (("<",), re.compile(r"</?[A-Za-z][^>\n]*>"), ""),
]
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_MD_DROP = re.compile(r"^ {0,3}(?:([-*_])(?:[ \t]*\1){2,}[ \t]*|\[[^\]]+\]:[ \t]+\S.*)$")
_MD_PREFIX = re.compile(r"^ {0,3}(?:>[ \t]?)*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?")
# What a line that a block rule (fence, rule, heading, list, quote, indent, link definition) can
# change starts with; an empty line is kept as it is too.
_MD_BLOCK_STARTS = frozenset(" \t>#-*+_[`~0123456789")


def markdown_text(body: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain text of a Markdown body and the spans of its headings (which are not speech)."""
    out, headings, length, fenced = [], [], 0, False
    for line in body.split("\n"):
        if not fenced and line[:1] not in _MD_BLOCK_STARTS and not _has_marks(line):
            out.append(line)   # a line of plain prose (most of a transcript): kept as it is
            length += len(line) + 1
            continue
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


def _has_marks(line: str) -> bool:
    """Whether ``line`` has a character that every inline pattern needs (most lines have none;
    str's "in" is many times quicker than a regex character class here)."""
    return "<" in line or "!" in line or "[" in line or "*" in line or "_" in line or "`" in line


def _md_inline(line: str) -> str:
    # Which marks the line has, found once (one quick scan each): a pattern runs only when the
    # marks it needs are there (the text it changes keeps the marks of the later patterns).
    marks = {mark for mark in _MD_MARKS if mark in line}
    if not marks:
        return line
    for needs, pattern, repl in _MD_INLINE:
        if any(marks.issuperset(need) for need in needs):
            line = pattern.sub(repl, line)
    return line
