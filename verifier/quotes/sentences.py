"""Tokens and sentences of an article's text, with quoted words masked out.

Owns the light-weight text structure the attribution rules need: word tokens with offsets, and
sentence boundaries found in a copy of the text where the insides of quotations are blanked, so
that a full stop inside “It is bad. Very bad,” he said. does not end the sentence.
"""
from __future__ import annotations

import bisect
import re

from verifier.quotes.lexicon import ABBREVIATIONS
from verifier.quotes.quotemarks import QuotedSpan

TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"                          # U.S., D.C.
    r"|(?<=\d)(?:[AP]M|[ap]m)(?=[A-Z])"          # a clock's AM/PM glued to what follows: 10:01PMDonald
    r"|[^\W\d_](?:[\w'’\-]*[^\W_])?(?:['’]s?)?"  # words, Al-Numan, O’Rourke, Jones’, Trump’s
    r"|\d[\d,.:]*\d|\d"                          # numbers
    r"|[^\w\s]"                                  # punctuation, one character each
)
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")


class Token:
    """A word or a mark with its offsets; ``lower``, ``is_cap`` and ``is_word`` are worked out once
    (the attribution rules ask them millions of times)."""

    __slots__ = ("text", "start", "end", "lower", "is_cap", "is_word")

    def __init__(self, text: str, start: int, end: int, lower: str = ""):
        self.text, self.start, self.end = text, start, end
        self.lower = lower or text.lower()
        first = text[:1]
        self.is_cap, self.is_word = first.isupper(), first.isalpha()

    def __eq__(self, other) -> bool:
        return isinstance(other, Token) and (self.start, self.end, self.text) == (other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text))

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``; abbreviations keep their dot."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    for m in TOKEN.finditer(text, start, end):
        tok = m.group()
        if tok == "." and tokens and tokens[-1].end == m.start() and _is_abbreviation(tokens[-1].text):
            prev = tokens.pop()
            tokens.append(Token(prev.text + ".", prev.start, m.end()))
            continue
        tokens.append(Token(tok, m.start(), m.end()))
    return tokens


def _is_abbreviation(word: str) -> bool:
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


class TokenIndex:
    """All tokens of a text, tokenised once; ``between(a, b)`` gives those inside [a, b)."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.starts = [t.start for t in self.tokens]

    def between(self, start: int, end: int) -> list[Token]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        while j > i and self.tokens[j - 1].end > end:
            j -= 1
        return self.tokens[i:j]


def mask_quotes(text: str, spans: list[QuotedSpan]) -> str:
    """``text`` with the words inside each quotation replaced by spaces (marks and length kept)."""
    parts, pos = [], 0
    for s in spans:
        if s.start < pos:
            continue
        parts.append(text[pos:s.start])
        parts.append(re.sub(r"[^\n]", " ", text[s.start:s.end]))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


class Sentences:
    """Sentence boundaries: ``bounds(i)`` gives the (start, end) of the sentence around offset ``i``.

    Boundaries are found in ``masked`` (quotations blanked); a quotation whose own words end with
    . ! or ? and which is followed by a capitalised word also ends its sentence.
    """

    def __init__(self, text: str, masked: str, spans: list[QuotedSpan]):
        cuts = {0, len(text)}
        for m in SENTENCE_END.finditer(masked):
            if not after_abbreviation(masked, m.start()):
                cuts.add(m.end())
        for s in spans:
            if s.closed and s.end > s.start and text[s.end - 1] in ".!?":
                nxt = s.end + 1
                while nxt < len(text) and text[nxt] in " \t":
                    nxt += 1
                if nxt > s.end + 1 and nxt < len(text) and (text[nxt].isupper() or text[nxt] in "“\"‘"):
                    cuts.add(nxt)
        self.cuts = sorted(cuts)

    def bounds(self, i: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.cuts, i)
        return self.cuts[max(k - 1, 0)], self.cuts[min(k, len(self.cuts) - 1)]


def sentence_ends(text: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Where sentences end in ``text[lo:hi]`` (where the next starts), by the extraction's rule:
    not at a title's or an initial's period ("Sen. Voss", "George W. Bush"; the text past ``hi``
    is seen, to tell what starts the next sentence)."""
    hi = len(text) if hi is None else hi
    ends = []
    for m in SENTENCE_END.finditer(text, lo):
        if m.start() >= hi:
            break
        if not after_abbreviation(text, m.start()):
            ends.append(m.end())
    return ends


def after_abbreviation(text: str, dot: int) -> bool:
    """Whether the mark at ``dot`` is an abbreviation's or an initial's period ("Sen.", "W.")."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot]
    return _is_abbreviation(word) or bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))
