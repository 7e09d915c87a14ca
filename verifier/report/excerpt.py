"""The source passage around a match, as a reader wants it: a sentence or two, not a window of
characters.

``excerpt`` cuts a passage's text to the sentences holding the matched words, adds the sentence
before (or after) when they are short, and clips a sentence that runs on (captions without
punctuation) at a word boundary with an ellipsis. Whitespace is squeezed. Used by the text and
HTML reports; the JSON record's ``context`` stays as ``verifier.verify.check`` gives it.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from verifier.quotes.sentences import Sentences

SHORT = 120     # characters: a sentence this short gets a neighbour
LIMIT = 320     # characters: the most an excerpt shows besides the match itself
SIDE = 140      # characters on each side of the match when a sentence runs on


class Excerpt(NamedTuple):
    """``before`` + ``match`` + ``after`` is the excerpt (the spaces between them included); an
    ellipsis marks a cut mid-sentence."""

    before: str
    match: str
    after: str


def excerpt(text: str, start: int, end: int) -> Excerpt:
    """The sentence(s) of ``text`` holding ``text[start:end]``, with a short neighbour when they
    are short, clipped at word boundaries when a sentence runs on."""
    starts = sentence_starts(text)
    lo, hi = _containing(starts, text, start, end)
    lo, hi = _with_neighbour(starts, text, lo, hi, end - start)
    lo_cut, hi_cut = max(lo, start - SIDE), min(hi, end + SIDE)
    lo_cut = lo if lo_cut == lo else _word_start(text, lo_cut, start)
    hi_cut = hi if hi_cut == hi else _word_end(text, hi_cut, end)
    before = _squeeze(text[lo_cut:start]).lstrip()
    after = _squeeze(text[end:hi_cut]).rstrip()
    if lo_cut > lo:
        before = "… " + before
    if hi_cut < hi:
        after = after + " …"
    return Excerpt(before, _squeeze(text[start:end]), after)


def sentence_starts(text: str) -> list[int]:
    """Where each sentence of ``text`` starts (the first is 0), by the sentence splitter that
    extraction uses (an abbreviation's dot ends no sentence: "Mr. Smith", "the U.S. capital")."""
    return [cut for cut in Sentences(text, text, []).cuts if cut < len(text)] or [0]


def _containing(starts: list[int], text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(s for s in starts if s <= start)
    later = [s for s in starts if s >= max(end, start + 1)]
    return lo, (later[0] if later else len(text))


def _with_neighbour(starts: list[int], text: str, lo: int, hi: int, matched: int) -> tuple[int, int]:
    """One sentence more when the excerpt is short: the one before, else the one after."""
    if hi - lo >= SHORT:
        return lo, hi
    before = [s for s in starts if s < lo]
    if before and hi - before[-1] <= LIMIT + matched:
        return before[-1], hi
    after = [s for s in starts if s > hi]
    nxt = after[0] if after else len(text)
    if hi < len(text) and nxt - lo <= LIMIT + matched:
        return lo, nxt
    return lo, hi


def _word_start(text: str, at: int, limit: int) -> int:
    """``at`` moved forward to the start of a word, not past ``limit``."""
    while at < limit and not text[at - 1].isspace():
        at += 1
    return at


def _word_end(text: str, at: int, limit: int) -> int:
    """``at`` moved back to the end of a word, not before ``limit``."""
    while at > limit and at < len(text) and not text[at].isspace():
        at -= 1
    return at


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)
