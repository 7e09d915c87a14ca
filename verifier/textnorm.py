"""Words: the one tokeniser shared by archive queries and quote alignment.

Owns what counts as a word and how it is normalised for comparison (lower case, curly quotes and
dashes unified, diacritics folded, surrounding punctuation dropped), the stopword list, and what
counts as a stage direction in a transcript ("[applause]", "(inaudible)", "(CROSSTALK)") — words
that are in a source's stored text but were never spoken, so they are kept out of the index and
the alignment can skip them.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple


class Token(NamedTuple):
    """One word: ``norm`` is its comparable form; ``text[start:end]`` is the word as written."""

    norm: str
    start: int
    end: int


# One-for-one replacements, so offsets survive: curly/prime quotes, dashes and odd spaces.
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
# Letters that NFKD does not decompose.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                       "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"})

# A number (1,200 / 3.5 / 10:30 / 40%) or a word with inner apostrophes ("don't", "O'Brien").
WORD_RE = re.compile(r"\d+(?:[.,:]\d+)*%?|[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")

_DIRECTION_WORDS = (
    "applause|laughter|laughs|laughing|chuckles|chuckling|inaudible|unintelligible|indistinct|"
    "crosstalk|cross-talk|overlapping|music|pause|pauses|sighs|coughs|cheers|cheering|booing|boos|"
    "silence|off-mic|off mic|interruption|interrupted|audio|video|break|end|begin|commercial"
)
DIRECTION_RE = re.compile(
    r"\[[^\[\]\n]{0,80}\]"                                  # [applause], [inaudible 00:12:03]
    r"|\((?i:" + _DIRECTION_WORDS + r")\b[^()\n]{0,40}\)"   # (inaudible), (laughs)
    r"|\([A-Z][A-Z'\u2019.-]*(?: [A-Z][A-Z'\u2019.-]*)+\)"  # (END VIDEO CLIP)
    r"|\u266a[^\u266a\n]*\u266a?"                            # ♪ music ♪
)

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't
it it's its itself just let's me more most mustn't my myself no nor not of off on once only or other
ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some
such than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
were weren't what what's when when's where where's which while who who's whom why why's will with
won't would wouldn't you you'd you'll you're you've your yours yourself yourselves though although
""".split())


def unify(text: str) -> str:
    """Curly quotes, primes and dashes replaced by their ASCII forms; same length as ``text``."""
    return text.translate(_PUNCT)


def fold(word: str) -> str:
    """Lower case without diacritics: "Élan" -> "elan", "Straße" -> "strasse"."""
    word = word.lower()
    if word.isascii():
        return word
    word = unicodedata.normalize("NFKD", word.translate(_FOLD))
    # Combining marks are never ASCII: only the other characters are looked at (a long text with
    # a few curly quotes is not walked character by character).
    return _NON_ASCII_RE.sub(_drop_combining, word)


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(match: re.Match) -> str:
    return "".join(ch for ch in match.group() if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def normalize(word: str) -> str:
    """The comparable form of one word as written."""
    word = fold(unify(word))
    if word[:1].isdigit():
        word = word.replace(",", "")
    return word


def has_directions(text: str) -> bool:
    """Whether ``text`` has a stage direction: ``DIRECTION_RE.search`` without running the regex
    over every character (each kind of direction opens with "[", "(" or "\u266a", and those are
    few: str.find skips to them)."""
    for opener in "[(\u266a":
        at = text.find(opener)
        while at != -1:
            if DIRECTION_RE.match(text, at):
                return True
            at = text.find(opener, at + 1)
    return False


def directions(text: str) -> list[tuple[int, int]]:
    """Spans of stage directions ("[applause]", "(inaudible)", "(CROSSTALK)") in ``text``."""
    return [m.span() for m in DIRECTION_RE.finditer(text)]


def strip_directions(text: str) -> str:
    """``text`` with each stage direction replaced by one space (what gets indexed)."""
    return DIRECTION_RE.sub(" ", text)


def words(text: str, skip_directions: bool = False) -> list[Token]:
    """The words of ``text`` with their offsets; optionally leaving out stage directions."""
    new = tuple.__new__   # what Token(...) calls, without its Python-level constructor
    tokens = [new(Token, (normalize(m.group()), *m.span())) for m in WORD_RE.finditer(text)]
    if skip_directions and tokens:
        spans = directions(text)
        if spans:
            tokens = [t for t in tokens if not any(s <= t.start < e for s, e in spans)]
    return tokens


def count_words(text: str) -> int:
    """How many words ``text`` has (fast; no normalisation)."""
    return len(text.split())


def content_words(text: str) -> list[str]:
    """Normalised words of ``text`` that are not stopwords, in order, repeats kept."""
    return [t.norm for t in words(text) if t.norm not in STOPWORDS]


# --- canonical forms for alignment: spelled numbers, spelling variants -----------------------------

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_ORDINALS = {"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
             "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th"}
# One spelling for words English writes two ways (US/UK and informal variants).
_VARIANTS = {
    "okay": "ok", "o.k": "ok", "alright": "all right", "grey": "gray", "programme": "program",
    "programmes": "programs", "defence": "defense", "offence": "offense", "licence": "license",
    "practise": "practice", "practised": "practiced", "cheque": "check", "tyre": "tire",
    "aluminium": "aluminum", "kerb": "curb", "storey": "story", "plough": "plow", "mum": "mom",
    "towards": "toward", "afterwards": "afterward", "amongst": "among", "whilst": "while",
    "percent": "%",
    # titles that house styles abbreviate before a name ("Sen. John McCain" for "Senator John McCain")
    "sen": "senator", "sens": "senators", "gov": "governor", "govs": "governors", "rep": "representative",
    "reps": "representatives", "gen": "general", "lt": "lieutenant", "col": "colonel", "sgt": "sergeant",
    "dr": "doctor", "prof": "professor", "pres": "president", "atty": "attorney", "supt": "superintendent",
}
_OUR_EXCEPTIONS = frozenset("four hour your our pour tour flour sour dour detour devour contour "
                            "yours hours tours pours ours fours".split())
_RE_WORDS = frozenset("centre theatre metre litre fibre calibre sabre spectre lustre meagre sombre "
                      "manoeuvre".split())
_ISE_KEEP = frozenset("rise wise arise guise noise poise raise praise cruise bruise".split())


def canonical(norm: str) -> str:
    """One spelling for a normalised word: UK/US and informal variants, spelled small numbers."""
    if norm in _VARIANTS:
        return _VARIANTS[norm]
    if norm in _UNITS:
        return str(_UNITS[norm])
    if norm in _TENS:
        return str(_TENS[norm])
    if norm in _ORDINALS:
        return _ORDINALS[norm]
    return _spelling(norm)


@lru_cache(maxsize=50_000)
def _spelling(word: str) -> str:
    if len(word) > 5 and word not in _OUR_EXCEPTIONS and \
            re.search(r"[^aeouy]our(s|ed|ing|ite|ites|able|hood|hoods|al|er|ers|less|ful)?$", word):
        return re.sub(r"our(?=(s|ed|ing|ite|ites|able|hood|hoods|al|er|ers|less|ful)?$)", "or", word)  # colour
    if word in _RE_WORDS or (word[:-1] in _RE_WORDS and word.endswith("s")):
        return word.replace("re", "er", 1) if word.endswith("re") else word[:-3] + "ers"
    if len(word) > 6 and re.search(r"[^aeiou]is(e|es|ed|ing|ation|ations)$", word) and word not in _ISE_KEEP:
        return re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", word)  # organise -> organize
    if word.endswith(("yse", "ysed", "yses", "ysing")):
        return re.sub(r"ys(e|ed|es|ing)$", r"yz\1", word)  # analyse -> analyze
    if re.search(r"[aeiou]ll(ed|ing|er|ers)$", word) and len(word) > 7:
        return re.sub(r"ll(ed|ing|er|ers)$", r"l\1", word)  # travelled -> traveled
    if word.endswith(("ogue", "ogues")) and len(word) > 6:
        return word.replace("ogue", "og")  # catalogue -> catalog
    return word


def canonical_words(tokens: list[Token]) -> list[Token]:
    """Tokens with canonical ``norm``; a spelled number of several words becomes one token
    ("twenty five" -> "25", "three hundred" -> "300"), and "per cent" becomes "%"."""
    norms = [t.norm for t in tokens]
    plain = list(map(_plain_canonical, norms))
    new = tuple.__new__
    return [new(Token, t) for t in _canonical_runs(norms, plain, [t.start for t in tokens], [t.end for t in tokens])]


def canonical_spans(text: str) -> list[tuple[str, int, int]]:
    """``canonical_words(words(text, skip_directions=True))`` as plain (norm, start, end) tuples,
    made a list at a time (the matching tokenises every candidate passage: a Python step per
    word was a fifth of a check)."""
    matches = list(WORD_RE.finditer(text))
    if has_directions(text):
        spans = directions(text)
        matches = [m for m in matches if not any(s <= m.start() < e for s, e in spans)]
    written = list(map(re.Match.group, matches))
    plain = list(map(_plain_written, written))
    starts, ends = list(map(re.Match.start, matches)), list(map(re.Match.end, matches))
    if None not in plain:   # the usual passage: each word stands for itself
        return list(zip(plain, starts, ends))
    norms = [p if p is not None else normalize(w) for p, w in zip(plain, written)]
    return _canonical_runs(norms, plain, starts, ends)


@lru_cache(maxsize=200_000)
def _plain_written(word: str) -> str | None:
    """``_plain_canonical`` of a word as written."""
    return _plain_canonical(normalize(word))


def _canonical_runs(norms: list[str], plain: list, starts: list[int], ends: list[int]) -> list[tuple]:
    """(canonical norm, start, end) for each word; ``plain[i]``: word i's canonical form when it
    stands for itself alone (``_plain_canonical``), else None. Only the other words are looked at
    one by one, with their neighbours."""
    out: list[tuple] = []
    done = 0   # the words before this one are in out
    for i in [i for i, p in enumerate(plain) if p is None]:
        if i < done:   # taken by the number before it
            continue
        out.extend(zip(plain[done:i], starts[done:i], ends[done:i]))
        done = _special(norms, starts, ends, i, out)
    out.extend(zip(plain[done:], starts[done:], ends[done:]))
    return out


def _special(norms: list[str], starts: list[int], ends: list[int], i: int, out: list) -> int:
    """Word ``i``, one that may be part of a number, a contraction or a percentage, and what
    belongs with it, added to ``out`` in canonical form; returns the index after them."""
    j, value = _number_run(norms, i)
    if j > i + 1 or (j == i + 1 and value is not None and norms[i] in _SCALES):
        out.append((str(value), starts[i], ends[j - 1]))
        return j
    norm = norms[i]
    if norm == "per" and i + 1 < len(norms) and norms[i + 1] == "cent":
        out.append(("%", starts[i], ends[i + 1]))
        return i + 2
    expanded = _expand_contraction(norm)
    if expanded:  # "wasn't" aligns with "was not"; judging tells the two apart again
        out.extend((w, starts[i], ends[i]) for w in expanded)
    elif norm.endswith("%") and len(norm) > 1:  # "40%" reads as "40 per cent"
        out.append((norm[:-1], starts[i], ends[i] - 1))
        out.append(("%", ends[i] - 1, ends[i]))
    else:
        out.append((canonical(norm), starts[i], ends[i]))
    return i + 1


_SPECIAL = frozenset([*_UNITS, *_TENS, *_SCALES, "per", "cannot"])


@lru_cache(maxsize=200_000)
def _plain_canonical(norm: str) -> str | None:
    """``canonical(norm)`` for a word that stands for itself alone; None for one that may be part
    of a number, a contraction or a percentage (``canonical_words`` looks at its neighbours)."""
    if norm in _SPECIAL or "'" in norm or norm[-1:] == "%" or norm[:1].isdigit():
        return None
    return canonical(norm)   # remembered here, for the words that stand alone
_CONTRACTED = {"won't": ("will", "not"), "can't": ("can", "not"), "shan't": ("shall", "not"),
               "ain't": ("am", "not"), "cannot": ("can", "not"), "let's": ("let", "us")}
_SUFFIXES = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am"}


def _expand_contraction(word: str) -> tuple[str, ...] | None:
    """The full form of a contraction ("wasn't" -> was not), None for other words. "'s" and "'d"
    are left alone: is/has/possessive and had/would cannot be told apart."""
    if "'" not in word and word != "cannot":
        return None
    if word in _CONTRACTED:
        return _CONTRACTED[word]
    for suffix, full in _SUFFIXES.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)], full
    return None


def is_contraction(written: str) -> bool:
    return _expand_contraction(normalize(written)) is not None


def spelled_number(n: int) -> str | None:
    """The word for a small or round number: 4 -> "four", 30 -> "thirty"; None otherwise."""
    for table in (_UNITS, _TENS):
        for word, value in table.items():
            if value == n:
                return word
    return None


def _number_run(norms: list[str], i: int) -> tuple[int, int | None]:
    """The end of a run of number words (or digits followed by scale words) starting at ``i`` (the words normalised)."""
    total, current, j = 0, None, i
    while j < len(norms):
        w = norms[j]
        if w in _UNITS or w in _TENS:
            current = (current or 0) + (_UNITS.get(w) or _TENS.get(w) or 0)
        elif w.isdigit() and j == i:
            current = int(w)
        elif w in _SCALES and current is not None:
            if _SCALES[w] == 100:
                current *= 100
            else:
                total += current * _SCALES[w]
                current = 0
        elif w == "and" and current is not None and j + 1 < len(norms) and \
                (norms[j + 1] in _UNITS or norms[j + 1] in _TENS) and current >= 100:
            pass
        else:
            break
        j += 1
    if current is None:
        return i, None
    return j, total + current
