"""The article's entity table: every person and body it names, with every mention and where it stands.

Built once per article from the names ``people`` collects. An entity is a person or a body
(organisation, outlet, campaign); each of its mentions records its sentence and paragraph, whether
it opens its clause (a subject) or follows a preposition (an object), whether it is a possessive,
and whether it is the speaker of a quote. Pronouns outside quotations near an entity's mentions
count as evidence of its gender. ``resolve`` ranks these entities for a pronoun or description.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from verifier.quotes.lexicon import (DETERMINERS, PLACES, ROLE_NOUNS, SPEECH_VERBS, STANCE_VERBS, TITLES,
                                     VERB_ADVERBS)
from verifier.quotes.people import ORG_HEADS, People, clean_word, is_name_word
from verifier.quotes.sentences import Sentences, Token

PERSON, BODY, PLACE = "person", "body", "place"
# Last words of the names of bodies beyond the "X of Y" heads: outlets, parties, campaigns, firms.
BODY_WORDS = ORG_HEADS | frozenset("""campaign news times post journal network press review magazine
herald tribune gazette daily inc corp group coalition caucus senate congress parliament police
administration republicans democrats media watch project alliance institute program organization""".split())
LOCATIVES = frozenset("in at from across near outside throughout inside around".split())
PREPOSITIONS = frozenset("""by with of to for from about against at in on than like toward towards
behind over under into between among after before during""".split())
HE_WORDS, SHE_WORDS = frozenset({"he", "him", "his", "himself"}), frozenset({"she", "her", "hers", "herself"})


@dataclass(slots=True)
class Mention:
    at: int
    sentence: int
    paragraph: int
    subject: bool = False      # opens its clause: "Cruz said", "Sen. Ted Cruz, who …"
    object: bool = False       # right after a preposition: "a question from Cruz"
    possessive: bool = False   # "Cruz's campaign"
    locative: bool = False     # after "in", "at", "from": how places are mentioned
    speech: bool = False       # the subject of a speech or stance verb: "Cruz said", "said Cruz"
    early: bool = False        # among the first words of its sentence
    full: bool = False         # a name of two words or more: how a person is introduced
    speaker: bool = False      # the speaker of a quote


def _at(m: Mention) -> int:
    return m.at


@dataclass
class Entity:
    """A person or body of the article: its name, kind, gender, roles and where it is mentioned."""

    name: str
    kind: str
    gender: str | None = None
    roles: set[str] = field(default_factory=set)
    heads: set[str] = field(default_factory=set)
    positions: list[int] = field(default_factory=list)   # where it is mentioned, in order
    he: int = 0     # pronouns outside quotations right after a mention of it, by gender
    she: int = 0
    titled: bool = False   # named with a title or a known first name: surely a person
    _mentions: list[Mention] | None = field(default=None, repr=False)
    _describe: object = field(default=None, repr=False, compare=False)   # position -> Mention

    @property
    def mentions(self) -> list[Mention]:
        """Every mention with where it stands, worked out when first asked (most entities are
        never a candidate)."""
        if self._mentions is None:
            self._mentions = [self._describe(at) for at in self.positions]
        return self._mentions

    def before(self, at: int, limit: int | None = None) -> list[Mention]:
        """The mentions before ``at``, in order; with ``limit``, only that many of the last."""
        k = bisect.bisect_left(self.mentions, at, key=_at)
        return self.mentions[max(0, k - limit) if limit else 0:k]

    def last_before(self, at: int) -> Mention:
        """The last mention before ``at`` (there must be one)."""
        return self.mentions[bisect.bisect_left(self.mentions, at, key=_at) - 1]

    def mention_at(self, at: int) -> Mention | None:
        k = bisect.bisect_left(self.mentions, at, key=_at)
        return self.mentions[k] if k < len(self.mentions) and self.mentions[k].at == at else None


class EntityTable:
    """The entities of one article, in order of first mention."""

    def __init__(self, people: People, tokens: list[Token], sentences: Sentences, paragraph_starts: list[int]):
        self._tokens, self._starts = tokens, [t.start for t in tokens]
        self._sentences, self._paras = sentences, paragraph_starts
        self._breaks: list[int] | None = None   # tokens that cannot open a subject (``_opens``)
        self.entities: list[Entity] = []
        self._by_name: dict[str, Entity] = {}
        for person in people.people:
            entity = self._new(person.name, person.gender)
            entity.roles, entity.heads = set(person.roles), set(person.heads)
            entity.titled = person.gender is not None or any(r.rstrip(".") in TITLES for r in person.roles)
            entity.positions = sorted(set(person.mentions))
        self._add_lone_speakers(people)
        self._count_pronouns()

    # --- building ---------------------------------------------------------------------------
    def _new(self, name: str, gender: str | None = None) -> Entity:
        kind = body_or_person(name)
        if kind == PLACE and gender is not None:   # "Mr. Jordan": a title says it is a person
            kind = PERSON
        entity = Entity(name, kind, gender, _describe=self._mention)
        self.entities.append(entity)
        self._by_name[name] = entity
        return entity

    def get(self, name: str) -> Entity | None:
        return self._by_name.get(name)

    def note_speaker(self, name: str, at: int, pronoun: bool = False) -> Entity:
        """A quote's speaker, named (or, with ``pronoun``, referred to) at ``at``: a mention that
        counts for the pronouns after it."""
        entity = self._by_name.get(name) or self._new(name)
        mention = entity.mention_at(at)
        if mention is None:
            mention = self._mention(at, one_word=pronoun)
            bisect.insort(entity.mentions, mention, key=_at)
            bisect.insort(entity.positions, at)
        mention.speaker = True
        return entity

    def note_pronoun(self, name: str, at: int) -> None:
        """A pronoun outside quotations resolved to ``name``: a mention in the chain."""
        entity = self._by_name.get(name) or self._new(name)
        if entity.mention_at(at) is None:
            bisect.insort(entity.mentions, self._mention(at, one_word=True), key=_at)
            bisect.insort(entity.positions, at)

    def speech_pronouns(self) -> list[tuple[int, str]]:
        """Subject pronouns outside quotations that report speech ("He said on Thursday that …"),
        in order: resolved one by one, they carry a person from sentence to sentence."""
        toks = self._tokens
        return [(t.start, t.lower) for k, t in enumerate(toks)
                if t.lower in ("he", "she", "they") and _speech_verb_after(toks, k + 1)]

    def _mention(self, at: int, one_word: bool = False) -> Mention:
        i = bisect.bisect_left(self._starts, at)
        toks = self._tokens
        j = i + 1 if one_word else i
        while not one_word and j < len(toks) and toks[j].is_cap and \
                toks[j].start - (toks[j - 1].end if j > i else toks[j].start) <= 1:
            j += 1
        last = toks[j - 1] if j > i else None
        sent_start = self._sentences.bounds(at)[0]
        k = bisect.bisect_left(self._starts, sent_start)
        opens = self._opens(k, i)
        j = _past_aside(toks, j)
        nxt = toks[j] if j < len(toks) else None
        # a name before a role noun modifies it, as a possessive would: "Obama consultant Cornell
        # Belcher said" is Belcher speaking, not Obama
        modifier = nxt is not None and nxt.lower in ROLE_NOUNS
        verb_follows = nxt is not None and nxt.is_word and not nxt.is_cap and nxt.lower not in PREPOSITIONS \
            and nxt.lower not in ("and", "or") and not modifier
        after_comma = i > 0 and toks[i - 1].text == ","
        return Mention(at, self.sentence_of(at), self.paragraph_of(at),
                       subject=(opens or after_comma) and (verb_follows or (nxt is not None and nxt.text == ",")),
                       object=i > 0 and toks[i - 1].lower in PREPOSITIONS,
                       locative=i > 0 and toks[i - 1].lower in LOCATIVES,
                       speech=_speech_verb_after(toks, j) or _speech_verb_before(toks, i),
                       early=i - k <= 4, full=j - i >= 2,
                       possessive=modifier or last is not None and last.text.endswith(("’s", "'s", "’", "'")))

    def _opens(self, k: int, i: int) -> bool:
        """Whether tokens ``k`` to ``i`` (the sentence before a mention) are all capitalised,
        marks, titles or role nouns: one bisect into the tokens that are none of those, found
        once, however long the sentence."""
        if self._breaks is None:
            self._breaks = [j for j, t in enumerate(self._tokens) if not _may_open(t)]
        b = bisect.bisect_left(self._breaks, k)
        return b == len(self._breaks) or self._breaks[b] >= i

    def _count_pronouns(self) -> None:
        """A he/she outside quotations counts toward the person mentioned last before it in
        its own or the previous sentence — how an article shows a person's gender."""
        persons = [(at, self.sentence_of(at), e) for e in self.entities if e.kind == PERSON for at in e.positions]
        persons.sort(key=lambda x: x[0])
        ats = [p[0] for p in persons]
        for tok in self._tokens:
            if tok.lower not in HE_WORDS and tok.lower not in SHE_WORDS:
                continue
            k = bisect.bisect_left(ats, tok.start) - 1
            if k < 0 or self.sentence_of(tok.start) - persons[k][1] > 1:
                continue
            entity = persons[k][2]
            if tok.lower in HE_WORDS:
                entity.he += 1
            else:
                entity.she += 1

    def _add_lone_speakers(self, people: People) -> None:
        """A person the article names only by one word, as the subject of a speech verb ("Cruz
        admitted", "Carson said"): an entity too, though ``people`` wants two words or a title."""
        toks = self._tokens
        for k in [k for k in range(len(toks) - 1) if toks[k].is_cap and _may_report(toks[k + 1].lower)]:
            tok = toks[k]
            if k and toks[k - 1].is_cap:
                continue
            name = clean_word(tok.text)
            if name == tok.text and is_name_word(tok) and not people.knows_word(name) and \
                    _speech_verb_after(toks, k + 1):
                name = _named_by_kin(toks, k) or name
                entity = self._by_name.get(name) or self._new(name)
                entity.positions.append(tok.start)

    # --- positions --------------------------------------------------------------------------
    def sentence_of(self, at: int) -> int:
        return bisect.bisect_right(self._sentences.cuts, at) - 1

    def paragraph_of(self, at: int) -> int:
        return max(bisect.bisect_right(self._paras, at) - 1, 0)

    def mentioned_before(self, at: int) -> list[Entity]:
        """Entities with a mention before ``at``."""
        return [e for e in self.entities if e.positions and e.positions[0] < at]


KIN = frozenset("husband wife son daughter brother sister father mother".split())


def _named_by_kin(toks: list[Token], k: int) -> str | None:
    """A first name given in apposition to a relative: "Clinton's husband, Bill, said" -> Bill
    Clinton (the family name is the relative's)."""
    if k >= 3 and toks[k - 1].text == "," and toks[k - 2].lower in KIN and toks[k - 3].is_cap:
        family = toks[k - 3].text
        if family.endswith(("'s", "’s")):
            return f"{toks[k].text} {clean_word(family)}"
    return None


def _may_open(t: Token) -> bool:
    return t.is_cap or not t.is_word or t.lower.rstrip(".") in TITLES or t.lower in ROLE_NOUNS


def _past_aside(toks: list[Token], j: int) -> int:
    """Past a parenthesis right after a name ("Hank Johnson (D-Ga.) said")."""
    if j < len(toks) and toks[j].text == "(":
        close = next((k for k in range(j + 1, min(j + 12, len(toks))) if toks[k].text == ")"), None)
        if close is not None:
            return close + 1
    return j


def _may_report(word: str) -> bool:
    """A word that can follow a speaker's name as a report begins ("said", "also", a comma)."""
    return word in SPEECH_VERBS or word in STANCE_VERBS or word in VERB_ADVERBS or word in ",("


def _is_speech_verb(tok: Token) -> bool:
    return tok.lower in SPEECH_VERBS or tok.lower in STANCE_VERBS


def _speech_verb_after(toks: list[Token], j: int) -> bool:
    """"Cruz said", "Cruz also told", past an appositive: "James Henson, director of the project,
    said", and the name closing one: "Voss's husband, Tomas, said"."""
    if j < len(toks) and toks[j].text == ",":
        if _verb_at(toks, j + 1):
            return True
        close = next((k for k in range(j + 1, min(j + 16, len(toks))) if toks[k].text in ",.;"), None)
        if close is None or toks[close].text != ",":
            return False
        j = close + 1
    return _verb_at(toks, j)


def _verb_at(toks: list[Token], j: int) -> bool:
    """A speech verb at ``j``, maybe after adverbs ("also said")."""
    while j < len(toks) and toks[j].lower in VERB_ADVERBS:
        j += 1
    return j < len(toks) and _is_speech_verb(toks[j])


def _speech_verb_before(toks: list[Token], i: int) -> bool:
    """The inverted order of reporting: "…,” said Cruz", "explained RNC chief Katie Walsh"."""
    k = i - 1
    while k >= 0 and k > i - 5 and (toks[k].is_cap or toks[k].lower in ROLE_NOUNS or toks[k].lower in DETERMINERS):
        k -= 1
    return k >= 0 and _is_speech_verb(toks[k])


def body_or_person(name: str) -> str:
    """A place (a state, country or large city: ``PLACES``) is a place; a name of a body ends in a
    word like "Department", "Campaign", "News", is an acronym ("CNN", "NRA"), or starts with
    "The"; any other name is a person's."""
    words = [clean_word(w) for w in name.split()]
    if not words:
        return PERSON
    if " ".join(words).lower() in PLACES:
        return PLACE
    last = words[-1].lower()
    if last in BODY_WORDS or words[0].lower() in DETERMINERS or " of " in f" {name.lower()} ":
        return BODY
    if len(words) == 1 and words[0].isupper() and len(words[0]) >= 2:
        return BODY
    return PERSON
