"""Matching: the passages of the archive a quote may come from, aligned with it word by word.

Owns reading a quotation's editing marks (an ellipsis splits it into fragments, [brackets] mark the
writer's words, [sic] is dropped), retrieving candidate passages through the archive's full-text
index (never a scan), and aligning each fragment against a candidate and its neighbouring
segments with rapidfuzz, so that a quote spanning several segments or caption cues is found
whole. What the differences mean is for ``verifier.verify.judge``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from verifier.archive.retrieval import copy_key
from verifier.archive.store import Archive, Passage
from verifier.textnorm import STOPWORDS, Token, canonical_spans, canonical_words, spelled_number, words

ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")
BRACKET = re.compile(r"\[([^\[\]]{0,80})\]")
WILDCARD = "\ue000"  # stands for a bracketed insertion; matches no source word
CANDIDATES = 6   # passages a quote is aligned with: the best this many that differ, ...
COPIES = 2       # ... each with at most this many copies (segments that score alike)
FRAGMENT_CANDIDATES = 6   # a quote with an ellipsis: each fragment's own best segments, ...
FRAGMENT_SPAN = 150       # ... joined by a stretch of a document of at most this many segments


@dataclass
class QuoteWord:
    """A word of the quotation; ``start``/``end`` index the quote text."""

    norm: str
    start: int
    end: int
    bracket: bool = False  # inside [square brackets]: the writer's words, not the speaker's


@dataclass
class QuoteForm:
    """A quotation read for matching: fragments between ellipses, and its editing marks."""

    text: str
    fragments: list[list[QuoteWord]]
    sic: list[tuple[int, int]] = field(default_factory=list)

    @property
    def words(self) -> list[QuoteWord]:
        return [w for frag in self.fragments for w in frag]

    @property
    def spoken(self) -> list[QuoteWord]:
        return [w for w in self.words if not w.bracket]

    @property
    def search_text(self) -> str:
        """The spoken words as written (the index knows words, not canonical forms), then the
        other spelling of each number: "4" also as "four", "fourteen" also as "14" (after the
        words, which stay as the quote has them: the re-ranking looks for them word for word)."""
        return self.search_text_of(self.spoken)

    def search_text_of(self, spoken: list[QuoteWord]) -> str:
        """``search_text`` of some of the quote's spoken words (a fragment's)."""
        out, numbers, last = [], [], None
        for w in spoken:
            if (w.start, w.end) == last:   # a contraction's second word ("do", "n't" of "don't")
                continue
            last = (w.start, w.end)
            written = self.text[w.start:w.end]
            out.append(written)
            if w.norm.isdigit():
                numbers.append(w.norm if not written[:1].isdigit() else spelled_number(int(w.norm)) or "")
        return " ".join(x for x in out + numbers if x)


def parse_quote(text: str) -> QuoteForm:
    """Split at ellipses; mark bracketed words; drop [sic]."""
    sic = [m.span() for m in BRACKET.finditer(text) if m.group(1).strip().lower() == "sic"]
    brackets = [m.span() for m in BRACKET.finditer(text) if m.group(1).strip().lower() != "sic"]
    fragments: list[list[QuoteWord]] = []
    pos = 0
    for cut in [*ELLIPSIS.finditer(text), None]:
        end = cut.start() if cut else len(text)
        frag = _fragment_words(text, pos, end, brackets, sic)
        if frag:
            fragments.append(frag)
        pos = cut.end() if cut else len(text)
    return QuoteForm(text, fragments, sic)


def _fragment_words(text: str, start: int, end: int, brackets, sic) -> list[QuoteWord]:
    out: list[QuoteWord] = []
    for tok in canonical_words(words(text[start:end])):
        s, e = tok.start + start, tok.end + start
        if any(a <= s < b for a, b in sic):
            continue
        out.append(QuoteWord(tok.norm, s, e, any(a <= s < b for a, b in brackets)))
    return out


@dataclass
class Op:
    """One step of an alignment: ``tag`` is equal, replace, insert (words only in the quote) or
    delete (words only in the source); ``quote`` and ``source`` are the words involved."""

    tag: str
    quote: list[QuoteWord]
    source: list[Token]
    fragment: int = 0
    gap: bool = False  # source words skipped at an ellipsis between two fragments


@dataclass
class Alignment:
    """A quotation aligned with one passage."""

    passage: Passage
    source: list[Token]  # canonical words of the passage text, stage directions left out
    ops: list[Op]
    score: float  # 0..1: how much of the wording is shared
    start: int  # passage-text offsets of the matched region
    end: int

    @property
    def matched_text(self) -> str:
        return self.passage.text[self.start:self.end]

    @property
    def speaker(self) -> str | None:
        """Who says the matched words: the speaker of the segment they start in."""
        return self.passage.part_at(self.start).speaker if self.passage.parts else self.passage.speaker


def find_alignments(archive: Archive, form: QuoteForm, limit: int = CANDIDATES) -> list[Alignment]:
    """The best alignment of the quote in each candidate passage, best first. A quote with an
    ellipsis that no candidate aligns exactly is aligned again across its fragments' own places
    (``_align_across_fragments``): a reporter's "…" can leave out minutes of a speech. (Only exactly:
    waiting for a fragment to go unplaced let near-copies of a transcript keep more false flags.)"""
    if not form.spoken:
        return []
    found_in = archive.candidates(form.search_text, limit=limit, copies=COPIES)
    out = _aligned_in_windows(archive, form, found_in, 2 if len(form.fragments) > 1 or len(form.words) > 40 else 1)
    if len(form.fragments) > 1 and max((a.score for a in out.values()), default=0.0) < 1.0:
        _align_across_fragments(archive, form, found_in, out)
    return sorted(out.values(), key=lambda a: -a.score)


def _align_across_fragments(archive: Archive, form: QuoteForm, found_in: list[Passage],
                            out: dict[tuple, Alignment]) -> None:
    """A quote with an ellipsis aligned in the stretches of a document that join its fragments'
    own best segments (``_stretches``), however much the reporter left out between them, when
    one speaker says every fragment there. Fragments of fewer than three words are not looked up
    on their own (too common to place); they are aligned in the stretch, which reaches two
    segments beyond the places found."""
    segments: dict[str, list[int]] = {}
    for frag in form.fragments:
        spoken = [w for w in frag if not w.bracket]
        if len(spoken) < 3:
            continue
        for cand in archive.candidates(form.search_text_of(spoken), limit=FRAGMENT_CANDIDATES, copies=COPIES):
            segments.setdefault(cand.document.get("id"), []).append(cand.segment_id)
    for cand in found_in:
        segments.setdefault(cand.document.get("id"), []).append(cand.segment_id)
    for ids in segments.values():
        for first, last in _stretches(ids):
            # ids grow with the position in a document: the stretch holds every segment between
            passage = archive.window(first, 2, last - first + 2)
            found = align(form, passage)
            if found and _one_speaker(found):
                _keep_best(out, found, passage)


def _stretches(ids: list[int]) -> list[tuple[int, int]]:
    """Spans of one document's segment ids that join two or more of them, each from one id to the
    furthest within FRAGMENT_SPAN after it, none inside another: a line the speaker repeats an
    hour later does not stretch the span past reach."""
    ids = sorted(set(ids))
    out: list[tuple[int, int]] = []
    for k, first in enumerate(ids):
        last = max(i for i in ids[k:] if i - first <= FRAGMENT_SPAN)
        if last > first and (not out or last > out[-1][1]):
            out.append((first, last))
    return out


def _one_speaker(found: Alignment) -> bool:
    """Whether one speaker says every fragment the alignment places (a debate's turns are not
    joined into one quote); passages with no speakers named pass."""
    if not found.passage.parts:
        return True
    speakers = {found.passage.part_at(op.source[0].start).speaker
                for op in found.ops if op.tag == "equal" and op.source}
    return len(speakers - {None}) <= 1


def _keep_best(out: dict[tuple, Alignment], found: Alignment, passage: Passage) -> None:
    """``found`` (in ``passage``) kept by where it starts (document, offset), unless a better one
    starts there: the same words found from two candidates count once."""
    found = replace(found, passage=passage)
    place = (passage.document.get("id"), passage.document_offset(found.start))
    if place not in out or found.score > out[place].score:
        out[place] = found


def _aligned_in_windows(archive: Archive, form: QuoteForm, found_in: list[Passage], spread: int) -> dict[tuple, Alignment]:
    """The quote aligned in each candidate with ``spread`` segments either side (``_keep_best``)."""
    out: dict[tuple, Alignment] = {}
    # A copy (a passage scoring exactly as the one before it) is aligned in its own segment only:
    # where the words are is known from the first, and the copy is there for its other source.
    leaders = [c.segment_id for c, before in zip(found_in, [None, *found_in]) if not _same_score(c, before)]
    windows = dict(zip(leaders, archive.windows(leaders, spread, spread)))
    aligned: dict[tuple, list] = {}   # a window already aligned (the same text) is not aligned again
    for cand in found_in:
        passage = windows.get(cand.segment_id, cand)
        own = next((p.offset for p in passage.parts if p.segment_id == cand.segment_id), 0)
        key = (passage.text, own, tuple(p.offset for p in passage.parts))
        if key not in aligned:
            aligned[key] = _align_window(form, passage, own)
        for found in aligned[key]:
            if found:
                _keep_best(out, found, passage)
    return out


def _same_score(passage: Passage, other: Passage | None) -> bool:
    return other is not None and copy_key(passage.score) == copy_key(other.score)


def _align_window(form: QuoteForm, passage: Passage, own: int) -> list[Alignment | None]:
    """The quote aligned in a candidate's window: its best place, and also its place in the
    candidate's own segment (``own``: where it starts) when the best lies before it."""
    source = SourceWords(passage_words(passage))
    found = align(form, passage, source=source)
    if found is None or found.start < own:
        return [found, align(form, passage, own, source)]
    return [found]


def passage_words(passage: Passage) -> list[Token]:
    """The canonical words of a passage, stage directions left out (segment by segment, so that
    neighbouring candidates share the work)."""
    if not passage.parts:
        return _shifted(_text_words(passage.text), 0)
    out: list[Token] = []
    for n, part in enumerate(passage.parts):
        end = passage.parts[n + 1].offset - 1 if n + 1 < len(passage.parts) else len(passage.text)
        out.extend(_shifted(_text_words(passage.text[part.offset:end]), part.offset))
    return out


def _shifted(words: tuple[tuple, ...], shift: int) -> list[Token]:
    new = tuple.__new__
    return [new(Token, (norm, start + shift, end + shift)) for norm, start, end in words]


@lru_cache(maxsize=4096)
def _text_words(text: str) -> tuple[tuple, ...]:
    """A segment's canonical words as plain (norm, start, end) tuples: remembered as plain tuples,
    which the garbage collector stops tracking (Token objects, a tuple subclass, it would walk at
    every full collection: 80 ms with a few thousand segments remembered)."""
    return tuple(canonical_spans(text))


class SourceWords:
    """A passage's words, and the same as a string of one character per distinct word (what
    rapidfuzz aligns); the quote's words are mapped through the same ``vocab``."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        norms = [t.norm for t in tokens]
        # a character per distinct word, in order of first use: what _char gives them one by one
        self.vocab: dict[str, str] = dict(zip(dict.fromkeys(norms), map(_code, range(len(norms)))))
        self.chars = "".join(map(self.vocab.__getitem__, norms))


def align(form: QuoteForm, passage: Passage, start_at: int = 0,
          source: SourceWords | None = None) -> Alignment | None:
    """Align every fragment of ``form`` in ``passage``, in order; the first one is looked for
    from passage offset ``start_at`` on. ``source``: the passage's words, if already known."""
    prepared = SourceWords(passage_words(passage)) if source is None else source
    source, src = prepared.tokens, prepared.chars
    vocab = dict(prepared.vocab)
    if not source:
        return None
    first_word = next((i for i, t in enumerate(source) if t.start >= start_at), len(source))
    if first_word == len(source):
        return None
    ops: list[Op] = []
    pos = 0
    regions: list[tuple[int, int]] = []
    for n, frag in enumerate(form.fragments):
        start = pos if n else first_word
        frag_ops, first, last = _align_fragment(frag, n, source, src, vocab, start)
        repeat = _trailing_repeat(frag)
        placed = {id(w) for op in frag_ops if op.tag == "equal" for w in op.quote} if repeat else set()
        if repeat and not all(id(w) in placed for w in frag[-repeat:]):  # the source says it once
            frag_ops, first, last = _align_fragment(frag[:-repeat], n, source, src, vocab, start)
            frag_ops.append(Op("insert", frag[-repeat:], [], n))
        if regions and first is not None and first > regions[-1][1]:
            ops.append(Op("delete", [], source[regions[-1][1]:first], n, gap=True))
        ops.extend(frag_ops)
        if first is not None:
            regions.append((first, last))
            pos = last
    if not regions:
        return None
    score = _score(ops)
    start, end = source[regions[0][0]].start, source[regions[-1][1] - 1].end
    return Alignment(passage, source, ops, score, start, end)


def _align_fragment(frag, n: int, source, src: str, vocab: dict, start: int):
    """The best ops of one fragment in the source from word ``start`` on, and where they lie."""
    q = "".join(WILDCARD if w.bracket else _char(vocab, w.norm) for w in frag)
    # most content words placed, then the quote's first word placed ("We will [not, under any
    # circumstances,] raise …": "we will" placed, not turned into the "all" before "raise"),
    # then the best score
    return max((_fragment_ops(frag, q, source, src, lo, hi, n) for lo, hi in _windows(q, src, start)),
               key=lambda found: (_equal(found[0]), _opens_placed(found[0]), _score(found[0])))


def _trailing_repeat(frag: list) -> int:
    """How many words at the end of a fragment repeat the words just before them ("Let's see
    what happens. Let's see what happens"): where the transcript gives the phrase once, the
    repeat is a quote-only insert rather than matched to unrelated words after it."""
    norms = [w.norm for w in frag]
    for k in range(len(norms) // 2, 1, -1):
        if norms[-k:] == norms[-2 * k:-k] and not any(w.bracket for w in frag[-k:]):
            return k
    return 0


def _char(vocab: dict[str, str], word: str) -> str:
    if word not in vocab:
        vocab[word] = _code(len(vocab))
    return vocab[word]


def _code(n: int) -> str:
    """The character standing for the ``n``-th distinct word of an alignment."""
    return chr(0x4E00 + n) if n < 0x5000 else chr(0x10000 + n)


def _windows(q: str, src: str, pos: int) -> list[tuple[int, int]]:
    """Stretches of ``src`` (from ``pos`` on) to align ``q`` with: the one it fits best, and that
    one with slack on either side or both (the alignment keeps whichever scores best)."""
    hay = src[pos:]
    if len(q) >= len(hay):
        return [(pos, len(src))]
    found = fuzz.partial_ratio_alignment(q, hay)
    start, end = pos + found.dest_start, pos + found.dest_end
    pad = len(q) // 2 + 4
    # the quote words the fit leaves out lie beyond it when the source has more words in between
    # ("…first of May, and not one ship will be turned away before then. The repairs cost …")
    lo, hi = max(pos, start - pad), min(len(src), end + pad + max(0, len(q) - (end - start)))
    snug = max(pos, start - 1), min(len(src), end + 1)
    return [snug, (start, end), (lo, hi)]


def _fragment_ops(frag, q, source, src, lo, hi, n) -> tuple[list[Op], int | None, int | None]:
    """Ops of one fragment against src[lo:hi], without the source words beyond its two ends."""
    raw = [(o.tag, o.src_start, o.src_end, o.dest_start + lo, o.dest_end + lo)
           for o in Indel.opcodes(q, src[lo:hi])]
    head = tail = None
    while raw and raw[0][0] == "insert":  # Indel: "insert" = only in src (the source)
        head = raw.pop(0)
    while raw and raw[-1][0] == "insert":
        tail = raw.pop()
    _tighten_edges(raw, q, src)
    _edge_replacements(raw, head, tail, len(src))
    if not any(tag == "equal" for tag, *_ in raw):
        return [Op("insert", list(frag), [], n)], None, None
    ops = []
    for tag, qs, qe, ss, se in raw:
        kind = {"equal": "equal", "delete": "insert", "insert": "delete"}[tag]
        ops.append(Op(kind, frag[qs:qe], source[ss:se], n))
    first, last = raw[0][3], raw[-1][4]
    return _pair_replacements(ops), first, last


def _tighten_edges(raw: list, q: str, src: str) -> None:
    """A quote's first (or last) words matched to an earlier (later) use of the same words, with
    source words skipped before the rest matches, are moved to stand next to the rest: "And if
    there is …" against "… mistreated and misunderstood, and if there is …" starts at the second
    "and", not at the first with "misunderstood, and" left out."""
    while len(raw) >= 3 and raw[0][0] == "equal" and raw[1][0] == "insert":
        _, qs, qe, ss, se = raw[0]
        rest = raw[1][4]
        if src[rest - (qe - qs):rest] != q[qs:qe]:
            break
        raw[:2] = [("equal", qs, qe, rest - (qe - qs), rest)]
    while len(raw) >= 3 and raw[-1][0] == "equal" and raw[-2][0] == "insert":
        _, qs, qe, ss, se = raw[-1]
        rest = raw[-2][3]
        if src[rest:rest + (qe - qs)] != q[qs:qe]:
            break
        raw[-2:] = [("equal", qs, qe, rest, rest + (qe - qs))]


def _edge_replacements(raw: list, head, tail, src_len: int) -> None:
    """Words only in the quote at either end stand for the source words next to them: "sell the
    family silver twice" against "… silver once. After …" replaces "once" with "twice"."""
    if raw and tail and raw[-1][0] == "delete":
        tag, qs, qe, ss, se = raw[-1]
        raw[-1] = ("delete", qs, qe, ss, se)
        raw.append(("insert", qe, qe, se, min(se + (qe - qs), tail[4])))
    if raw and head and raw[0][0] == "delete":
        tag, qs, qe, ss, se = raw[0]
        raw.insert(0, ("insert", qs, qs, max(ss - (qe - qs), head[3]), ss))


def _pair_replacements(ops: list[Op]) -> list[Op]:
    """An insertion next to a deletion is one replacement."""
    out: list[Op] = []
    for op in ops:
        prev = out[-1] if out else None
        if prev and {prev.tag, op.tag} == {"insert", "delete"}:
            out[-1] = Op("replace", prev.quote + op.quote, prev.source + op.source, op.fragment)
        else:
            out.append(op)
    return out


def _opens_placed(ops: list[Op]) -> bool:
    """Whether the alignment places the quote's first word."""
    return next((o.tag == "equal" for o in ops if o.quote), False)


def _equal(ops: list[Op]) -> int:
    """Content words of the quote the alignment places (stopwords match anywhere)."""
    return sum(1 for o in ops if o.tag == "equal" for w in o.quote if w.norm not in STOPWORDS)


def _score(ops: list[Op]) -> float:
    """Share of words in common: 2·equal / (quote words + source words in the matched region);
    source words skipped at an ellipsis and bracketed words do not count."""
    equal = sum(len(o.quote) for o in ops if o.tag == "equal")
    quote = sum(len([w for w in o.quote if not w.bracket]) for o in ops)
    # words only in the quote count on both sides, as if they replaced source words: otherwise a
    # changed last word would score better left unpaired than paired with the word it replaced
    source = sum(len(o.source) if o.tag != "insert" else len(o.quote)
                 for o in ops if not o.gap and not any(w.bracket for w in o.quote))
    return 2 * equal / (quote + source) if quote + source else 0.0
