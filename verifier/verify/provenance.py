"""Provenance: is a candidate passage the occasion a quote comes from, or similar words said elsewhere?

Owns the evidence a reader would accept, gathered for each candidate before any difference is
judged — the longest verbatim run and how much of the quote it covers, how informative the shared
words are in this archive (``Archive.word_bits``: a stock phrase counts little, a rare phrase
much), the quote's length, whether the passage's speaker is the quote's, someone else or unknown,
the dates (a source dated after the article is never its origin), and the occasion the article
names (``verifier.verify.occasion``) — and one same-occasion confidence made of it with the
weights in ``provenance_weights.json`` (fitted by ``benchmarks/fit_provenance.py``), with the
reasons in plain language.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from verifier.quotes.lexicon import DETERMINERS, ROLE_NOUNS
from verifier.quotes.people import ROLE_STEMS
from verifier.quotes.speakers import quoting
from verifier.verify.match import Alignment, QuoteForm
from verifier.verify.occasion import Occasion, OccasionMatch, compare, days_before

WEIGHTS_FILE = Path(__file__).with_name("provenance_weights.json")
RARE_BITS = 7.0          # a word in at most 1 of 128 segments is rare in the archive ...
RARE_SMALL_ARCHIVE = 2   # ... and in an archive too small for that, one in at most 2 segments
STOCK_BITS = 12.0        # verbatim words carrying fewer bits than this in all are a stock phrase
DISTINCTIVE_BITS = 24.0  # an unbroken stretch carrying this many bits belongs to one occasion,
DISTINCTIVE_RUN = 10     # ... and so does one this many words long (in an archive too small to say)
PHRASE_RUN = 3          # a phrase, not a word or two: the unbroken stretch that lets a pronoun be read
                        # as the source's speaker, or a passage no one is named for be the occasion
SAME, OTHER, UNKNOWN = "same", "other", "unknown"


@dataclass
class Evidence:
    """What one candidate passage has in common with a quote, and what speaks for or against it
    being the quote's occasion."""

    words: int                 # spoken words of the quote
    verbatim: int              # of them, found word for word in the passage
    run: int                   # the longest stretch of the quote found without a break
    run_bits: float            # information of the most informative unbroken stretch
    shared_bits: float         # information of all the words found verbatim
    missing_bits: float        # information of the quote's words the passage does not have
    rare: int                  # verbatim words rare in this archive
    speaker: str               # same, other, unknown
    said_by: str | None = None
    days: int | None = None    # days from the source to the article; negative: source is later
    occasion: OccasionMatch = field(default_factory=OccasionMatch)
    quoting: str | None = None  # the source speaker gives the words as someone else's
    reread: str | None = None   # the article's pronoun or description taken as the source's speaker
    titled: bool = False        # said_by, not the article's speaker, is only what the source's title names

    @property
    def distinctive(self) -> bool:
        """Words that belong to one occasion: an unbroken stretch too informative to recur by
        chance (a stock phrase of the archive never is)."""
        return self.run_bits >= DISTINCTIVE_BITS or self.run >= DISTINCTIVE_RUN

    @property
    def after_article(self) -> bool:
        return self.days is not None and self.days < 0

    def features(self) -> dict[str, float]:
        """The numbers the confidence is made of (see FEATURES)."""
        words = max(self.words, 1)
        return {
            "words": math.log2(1 + self.words),
            "coverage": self.verbatim / words,
            "run_share": self.run / words,
            "run_bits": self.run_bits / 10,
            "shared_bits": self.shared_bits / 10,
            "missing_bits": self.missing_bits / 10,
            "days": math.log2(2 + self.days) if self.days is not None and self.days >= 0 else 0.0,
            "occasion_agrees": float(bool(self.occasion.agrees)),
            "quoting": float(bool(self.quoting) and self.speaker != SAME),
        }

    def reasons(self) -> list[str]:
        """The evidence in plain language, strongest first."""
        out = [self._wording()]
        if self.after_article:
            out.insert(0, "the source is dated after the article")
        elif self.days is not None:
            out.append("the source is from the article's day" if self.days == 0 else
                       f"the source is dated {_days(self.days)} before the article")
        if self.speaker == OTHER:
            out.append(f"said by {self.said_by}, not the article's speaker"
                       + (" (as the source's title has it)" if self.titled else ""))
        elif self.speaker == UNKNOWN:
            out.append("the source does not say who is speaking" if not self.said_by else
                       "the article does not say who is speaking")
        if self.reread:
            out.append(self.reread)
        if self.quoting:
            out.append(self.quoting)
        if self.occasion.agrees:
            out.append("the article names this occasion (" + ", ".join(self.occasion.agrees) + ")")
        elif self.occasion.differs:
            out.append("the article names another occasion")
        if self.occasion.other_month:
            out.append(f"the article dates the occasion to {self.occasion.other_month}, the source is not from it")
        return out

    def _wording(self) -> str:
        if not self.verbatim:
            return "no words verbatim"
        rare = f", {self.rare} of them rare in the archive" if self.rare else ""
        run = "" if self.run == self.verbatim else f"; the longest unbroken stretch is {self.run}"
        stock = " (common words in this archive)" if not self.rare and self.shared_bits < STOCK_BITS else ""
        return f"{self.verbatim} of {self.words} words verbatim{rare}{run}{stock}"


@dataclass
class Provenance:
    """How sure verifier is that a passage is the occasion the quote comes from, and why."""

    confidence: float
    evidence: Evidence

    @property
    def reasons(self) -> list[str]:
        """The evidence in plain language (worded only when shown: most candidates never are)."""
        return self.evidence.reasons()

    def to_json(self) -> dict:
        return {"confidence": round(self.confidence, 3), "reasons": self.reasons}

    def line(self) -> str:
        """The evidence in one line, for the text, HTML and desk views."""
        return f"same occasion {self.confidence:.0%}: " + "; ".join(self.reasons)


def gather(form: QuoteForm, alignment: Alignment, speaker: str | None, matcher, bits: dict[str, float],
           article_date: str | None = None, occasion: Occasion | None = None,
           archive_segments: int = 0, indirect: Indirect | None = None) -> Evidence:
    """The evidence that ``alignment``'s passage is the occasion ``form`` was said on.
    ``indirect``: the article named the speaker only by a pronoun or a description."""
    spoken = form.spoken
    equal = [w for op in alignment.ops if op.tag == "equal" for w in op.quote if not w.bracket]
    placed = {id(w) for w in equal}
    runs = _runs(alignment)
    rare_bits = _rare_bits(archive_segments)
    said_by = alignment.speaker
    same = matcher.same(speaker, said_by)
    # the words stand as someone else's in the source: the article's speaker, if another's passage
    how = quoting(alignment.passage.text, alignment.start, speaker if same is False else None, matcher)
    run = max((len(r) for r in runs), default=0)
    run_bits = max((sum(bits.get(w.norm, 0.0) for w in r) for r in runs), default=0.0)
    # the article's "he" may as well mean the source's speaker, named just before — when a phrase
    # of the quote is theirs (not a word or two: "unhinged", "single-payer" anyone says)
    reread = indirect.reread(said_by, alignment.passage.document) if indirect and same is False and run >= PHRASE_RUN else None
    if reread:
        same = True
    doc = alignment.passage.document
    # another speaker only as the source's title has it ("Statement by …", read by the sources): the
    # passage is not this quote's occasion, but a title's reading is no ground for a flag (judge)
    titled = same is False and (doc.get("metadata") or {}).get("speaker_from") == "title"
    return Evidence(
        words=len(spoken), verbatim=len(equal), run=run, run_bits=run_bits,
        shared_bits=sum(bits.get(w.norm, 0.0) for w in equal),
        missing_bits=sum(bits.get(w.norm, 0.0) for w in spoken if id(w) not in placed),
        rare=sum(1 for w in equal if bits.get(w.norm, 0.0) >= rare_bits),
        speaker=UNKNOWN if same is None else SAME if same else OTHER, said_by=said_by,
        days=days_before(doc.get("date"), article_date),
        occasion=compare(occasion, doc, article_date) if occasion else OccasionMatch(),
        quoting=how,
        reread=reread,
        titled=titled,
    )


@dataclass
class Indirect:
    """An attribution by pronoun or description ("he said", "the mayor said"): which person it
    means is the article's reading, and the people it named just before are the alternatives —
    as is the person a source describes so ("Mayor Ilse Kartano: address on the budget")."""

    mention: str        # the pronoun or description, as written
    before: str         # the article's text before the quote (the people it could mean)
    role_given: bool = False   # the article gave the description's role to its reading ("Mayor Tom Aske")

    def reread(self, said_by: str | None, document: dict | None = None) -> str | None:
        """When the source's speaker is named in the article just before the quote, or the
        source gives its speaker the description's role (and the article gave it to no one), the
        article's words may as well mean them: read them so, and say so."""
        names = said_by.split() if said_by else []
        if not names:
            return None
        if re.search(rf"\b{re.escape(names[-1])}\b", self.before):
            return f"the article's '{self.mention}' read as {said_by}, who says these words in the source"
        role = None if self.role_given else _description_role(self.mention)
        line = _line_giving_role(document or {}, names, role) if role else None
        if line:
            return f"the article's '{self.mention}' read as {said_by}, '{line}' in the source"
        return None


def _description_role(mention: str) -> str | None:
    """The role a plain description names ("the mayor", "the city's mayor" -> mayor); None for
    a pronoun, a name, or a role with a modifier that may make it another's ("the deputy mayor",
    "the former senator", "the Florida senator")."""
    words = [w.lower().strip(".,") for w in mention.split()]
    if len(words) < 2 or words[0] not in DETERMINERS and not words[0].endswith(("'s", "’s")):
        return None
    if any(w not in DETERMINERS and not w.endswith(("'s", "’s")) for w in words[1:-1]):
        return None
    return words[-1] if words[-1] in ROLE_NOUNS else None


_LESSER = r"(?<!deputy )(?<!vice )(?<!vice-)(?<!former )(?<!ex-)(?<!acting )(?<!assistant )(?<!associate )"


def _line_giving_role(document: dict, names: list[str], role: str) -> str | None:
    """The source's speaker line or title when it gives the speaker (``names``: given names and
    surname) that role as a title before the name or an apposition after it ("Mayor Ilse
    Kartano: address …", "Sen. Kartano", "Ilse Kartano, mayor of Varenholm") — not a deputy's,
    a former one's or the role's possessive ("the mayor's spokesman")."""
    forms = "|".join(re.escape(f) for f in [role, *(t for t, r in ROLE_STEMS.items() if r == role)])
    given = "".join(rf"(?:{re.escape(n)}\s+)?" for n in names[:-1])
    surname = re.escape(names[-1])
    titled = re.compile(rf"(?i:{_LESSER}\b(?:{forms}))\.?\s+{given}{surname}\b"
                        rf"|\b{surname},?\s+(?i:(?:the\s+)?{_LESSER}(?:{forms}))(?![-'’\w])")
    return next((line for line in (document.get("speaker"), document.get("title")) if line and titled.search(line)),
                None)


def judge_provenance(evidence: Evidence) -> Provenance:
    """One same-occasion confidence from the evidence; a source dated after the article has none."""
    if evidence.after_article:
        return Provenance(0.0, evidence)
    weights = fitted_weights()
    z = weights["bias"] + sum(weights["weights"].get(k, 0.0) * v for k, v in evidence.features().items())
    return Provenance(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), evidence)


_chosen: list[dict | None] = [None]


def fitted_weights() -> dict:
    """The weights in use: {"bias", "weights": {feature: w}, "thresholds": {"same", "unknown",
    "misattributed"}} — the shipped ones (see benchmarks/fit_provenance.py) unless ``use_weights``."""
    return _chosen[0] or _shipped_weights()


def use_weights(weights: dict | None) -> None:
    """Judge with other weights (fitting, cross-validation); None: the shipped ones again."""
    _chosen[0] = weights


@lru_cache(maxsize=1)
def _shipped_weights() -> dict:
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def _runs(alignment: Alignment) -> list[list]:
    """The quote's stretches found verbatim without a break, as lists of quote words."""
    runs, current = [], []
    for op in alignment.ops:
        if op.tag == "equal":
            current.extend(w for w in op.quote if not w.bracket)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _rare_bits(segments: int) -> float:
    return min(RARE_BITS, math.log2(max(segments, 2) / RARE_SMALL_ARCHIVE))


def _days(days: int) -> str:
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"
