"""The occasion an article names for a quote, and whether an archived document is that occasion.

Owns reading the words around a quotation (its paragraph, the quoted words left out) for what they
say about where the words were said — the kind of occasion ("in Thursday's debate", "at a rally",
"told Fox News", "in a statement"), the names that go with it ("in Green Bay", "on CNN") and a
weekday; the same read from the quote's own sentence alone, with the month it dates the saying to
("when he first described the wall in December, he said") — and comparing that with a document's
title, kind, outlet, description, place and date.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from verifier.quotes.lexicon import PRONOUNS, SPEECH_VERBS
from verifier.quotes.sentences import sentence_ends
from verifier.textnorm import STOPWORDS, fold

# The kinds of occasion, by the words an article uses for them; a document matches a kind when
# its kind, title or description uses one of the same words.
KINDS = {
    "debate": "debate debates debated",
    "speech": "rally rallies speech speeches address crowd crowds audience event "
              "convention campaign stop",
    "interview": "interview interviews interviewed host hosted anchor show program programme podcast radio broadcast aired",
    "statement": "statement release press-release tweet tweeted tweets posted wrote letter email",
    "conference": "conference briefing briefed",
    "hearing": "hearing testified testimony committee",
}
KIND_OF = {w: kind for kind, ws in KINDS.items() for w in ws.split()}
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTHS = "january february march april may june july august september october november december".split()
# A month named as the time of the saying, before the quote in its sentence: "in December",
# "last March", "early-June", "on Dec. 7" — not "may" the verb, "march" the noun, "until March",
# "the Jan. 6 riot", "Fourth of July" or "by April Ryan".
_MONTH_NAME = "(?:" + "|".join(m.capitalize() for m in MONTHS) + r")\b"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
_MONTH = re.compile(r"\b(?i:in|last|this|early|late|mid)[\s-]+(?P<a>" + _MONTH_NAME + ")"
                    r"|\b(?i:on)\s+(?P<b>" + _MONTH_NAME + "|" + _MONTH_ABBR + r")\s+\d{1,2}\b")
CONTEXT_CHARS = 240   # of the quote's paragraph, this much on either side is read
RECENT_DAYS = 8       # a weekday named by an article means a day within this many before it
LABEL_WORDS = 4       # names this near a kind word name that occasion ("a speech in Salt Lake City")
SCENE_CHARS = 600     # how far before the quote's paragraph an occasion named earlier still holds

_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’.-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\n\"“”‘’]\s*)$")


@dataclass
class Occasion:
    """What the article says around a quote about where it was said."""

    kinds: set[str] = field(default_factory=set)     # debate, speech, interview, statement, ...
    cues: list[str] = field(default_factory=list)    # the words that said so, as written
    names: set[str] = field(default_factory=set)     # folded capitalised words near the quote
    weekday: int | None = None                       # 0 = Monday
    labels: list[tuple[str, set[str]]] = field(default_factory=list)  # each kind with the names
    #   next to it: "the AIPAC conference" -> ("conference", {"aipac"})
    in_sentence: "Occasion | None" = None   # what the quote's own sentence names, of all this
    month: int | None = None                       # 1-12: "when he first described the wall in December"

    @property
    def named(self) -> bool:
        return bool(self.kinds or self.weekday is not None)


def occasion_around(text: str, start: int, end: int, speaker: str | None = None,
                    cue_after: bool = True) -> Occasion:
    """The occasion named in the quote's paragraph, within CONTEXT_CHARS of the quoted words; when
    the paragraph names none, the scene set by the paragraphs just before it (a story names the
    interview or the rally once, then quotes from it paragraph by paragraph). ``cue_after``: the
    quote's cue may follow it (“… May?” Marten asked at the rally): its own sentence then runs on
    to the next sentence end even when the quote ends in a final mark."""
    lo = max(text.rfind("\n", 0, start) + 1, start - CONTEXT_CHARS)
    nl = text.find("\n", end)
    hi = min(nl if nl >= 0 else len(text), end + CONTEXT_CHARS)
    found = _read(text[lo:start] + " … " + text[end:hi], speaker)
    first = max(sentence_ends(text, lo, start), default=lo)
    # a quote that ends its sentence ("… today.”) and has its cue before it ends it there
    ends = not cue_after and text[end - 1:end] in ".!?"
    last = end if ends else min(sentence_ends(text, end, hi), default=hi)
    found.in_sentence = _read(text[first:start] + " … " + text[end:last], speaker)
    found.in_sentence.month = _month(text[first:start]) or (_month_after_cue(text[end:last]) if cue_after else None)
    if not found.named:
        scene = _read(text[max(0, lo - SCENE_CHARS):lo], speaker)
        found.kinds, found.weekday = scene.kinds, scene.weekday
        found.cues += scene.cues
        found.names |= scene.names
        found.labels = scene.labels
    return found


def _read(around: str, speaker: str | None) -> Occasion:
    """The kinds, weekday and names a stretch of the article's text gives for an occasion."""
    found = Occasion()
    own = {fold(w) for w in re.findall(r"[\w'’-]+", speaker or "")}
    for m in re.finditer(r"[\w'’-]+", around):
        word = fold(m.group()).removesuffix("'s").removesuffix("’s")
        if word in KIND_OF:
            found.kinds.add(KIND_OF[word])
            found.cues.append(m.group())
        elif word in WEEKDAYS and found.weekday is None:
            found.weekday = WEEKDAYS.index(word)
            found.cues.append(m.group())
    for m in _NAME.finditer(around):
        if _SENTENCE_START.search(around[:m.start()]) and " " not in m.group():
            continue  # a capital only because a sentence starts here
        for word in re.findall(r"[\w'’-]+", m.group()):
            w = fold(word).removesuffix("'s").removesuffix("’s")
            if w not in STOPWORDS and w not in own and w not in WEEKDAYS and len(w) > 1:
                found.names.add(w)
    words = [fold(w).removesuffix("'s").removesuffix("’s") for w in re.findall(r"[\w'’-]+", around)]
    for i, w in enumerate(words):
        if w in KIND_OF:
            near = set(words[max(0, i - LABEL_WORDS):i + LABEL_WORDS + 1]) & found.names
            found.labels.append((KIND_OF[w], near - {w}))
    return found


def _month(before: str) -> int | None:
    """The month (1-12) the words before a quote in its sentence date its saying to, if any."""
    dated = _MONTH.search(before)
    if not dated:
        return None
    name = (dated.group("a") or dated.group("b")).lower().rstrip(".")
    return next(n for n, month in enumerate(MONTHS, 1) if month.startswith(name))


SETTING_WORDS = 3   # “…,” Voss said on Fox News in December: words of a setting between the cue and its month
_SETTING_OPENERS = frozenset("on in at during to".split())


def _month_after_cue(after: str) -> int | None:
    """The month a cue after the quote dates its saying to: "“…,” Voss told reporters in
    December.", "… said on Fox News in December." — right after the verb, its addressee (after
    "told") or a setting ("on Fox News", "in an interview") between them; not a month of what was
    said ("said he would retire in March", "said of the vote in March", "…, adding that …")."""
    clause = re.split(r"[,;:]", after, maxsplit=1)[0]
    verb = next((m for m in re.finditer(r"[\w'’]+", clause) if m.group().lower() in SPEECH_VERBS), None)
    dated = _MONTH.search(clause, verb.end()) if verb else None
    if not dated:
        return None
    gap = clause[verb.end():dated.start()].lower().split()
    addressee = verb.group().lower() in ("told", "tells") and len(gap) <= 2 and not any(
        w in _NOT_ADDRESSEE for w in gap)
    setting = gap and gap[0] in _SETTING_OPENERS and len(gap) <= SETTING_WORDS
    return _month(dated.group()) if not gap or addressee or setting else None


_NOT_ADDRESSEE = PRONOUNS | {"that", "of", "about"}   # "told him that …", "told of …"


def document_words(document: dict) -> set[str]:
    """The folded words a document's title, kind, outlet, description and place are made of."""
    meta = document.get("metadata") or {}
    parts = [document.get("title"), document.get("kind"), document.get("outlet"),
             *(str(meta.get(k) or "") for k in ("description", "location", "place", "event", "venue", "show"))]
    return {fold(w) for w in re.findall(r"[\w'’-]+", " ".join(p for p in parts if p))}


@dataclass
class OccasionMatch:
    """How a document compares with the occasion the article names."""

    agrees: list[str] = field(default_factory=list)    # what matches: "debate", "Green Bay", "Thursday"
    differs: bool = False                             # the article names an occasion; this is not it
    singled_out: bool = False                         # by a kind and a day, or a kind and a name
    in_sentence: bool = False                         # singled out by the quote's own sentence
    other_month: str | None = None                    # the month the quote's sentence names, not the source's


def compare(occasion: Occasion, document: dict, article_date: str | None) -> OccasionMatch:
    """Which of the article's occasion cues single this document out: a name of its place,
    venue or outlet; the weekday of its date in the week before the article; or its kind when it
    is from that week. A kind the article names that the document is not, or a weekday of that
    week that is not the document's, makes it differ. A document whose kind the article gives
    together with its name ("at the Northern Grid briefing") is singled out too. Where either date
    is unknown the week cannot be checked: the kind counts as given, the weekday not at all (every
    seventh source would agree)."""
    result = OccasionMatch()
    if not (occasion.named or occasion.names):
        return result
    words = document_words(document)
    doc_kinds = {KIND_OF[w] for w in words if w in KIND_OF}
    day = days_before(document.get("date"), article_date)
    recent = day is not None and 0 <= day <= RECENT_DAYS
    recent_or_unknown = recent or day is None  # an undated article or source: the kind still counts
    result.agrees += sorted(n for n in occasion.names if n in words and n not in KIND_OF)
    if recent_or_unknown:
        result.agrees += sorted(occasion.kinds & doc_kinds)
    day_named = recent and occasion.weekday is not None   # a weekday means a day only in the week before
    same_day = day_named and _weekday(document.get("date")) == occasion.weekday
    if same_day:
        result.agrees.append(WEEKDAYS[occasion.weekday])
        result.singled_out = bool(occasion.kinds & doc_kinds)
    other_day = day_named and not same_day
    if recent_or_unknown and any(kind in doc_kinds and names & words for kind, names in occasion.labels):
        result.singled_out = True  # "at the Northern Grid briefing": its kind and its name together
    other_kind = bool(occasion.kinds and doc_kinds) and not occasion.kinds & doc_kinds
    result.differs = not result.agrees and (other_kind or other_day)
    if result.singled_out and occasion.in_sentence is not None:
        result.in_sentence = compare(occasion.in_sentence, document, article_date).singled_out
    month = occasion.in_sentence.month if occasion.in_sentence is not None else None
    source = _date(document.get("date"))
    if month and source and source.month != month:
        result.other_month = MONTHS[month - 1].capitalize()
    return result


def days_before(source_date: str | None, article_date: str | None) -> int | None:
    """Days from the source to the article (negative: the source is later), None if undated."""
    a, s = _date(article_date), _date(source_date)
    return (a - s).days if a and s else None


def _weekday(date: str | None) -> int | None:
    d = _date(date)
    return d.weekday() if d else None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None
