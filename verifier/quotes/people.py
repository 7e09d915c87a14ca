"""People and bodies named in an article, and resolving a mention to the fullest name.

Owns the article-wide index of names ("Sabah Al-Numan", "Sen. Marco Rubio", "the Ministry of
Interior"), the roles the article ties to them ("spokesperson", "senator", "Republican nominee"),
and the rules that turn a short name, a title or an acronym into the fullest mention of the same
person or body. Pronouns and descriptions are ``resolve``'s, over the ``entities`` built from these.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from verifier.quotes.lexicon import (DETERMINERS, FEMALE_NAMES, INDEFINITE_PRONOUNS, MALE_NAMES, NAME_PARTICLES,
                              NAME_SUFFIXES, PLACES, ROLE_NOUNS, TITLES, recorded_gender)
from verifier.quotes.sentences import Token

# Capitalised words that start sentences or name times, never people.
NOT_NAMES = frozenset("""the a an but and in on at for with this that these those it he she they we
i as if when while after before since because so yet or nor not no yes what who why how where which
there here still also then now meanwhile however asked speaking according said says told during
despite though although until unless whether both either neither each every many most some such
its his her their our my your one two three four five six seven eight nine ten first last next
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december today yesterday tomorrow tonight earlier later
mr mrs ms dr sen rep gov president by from to of over under into about than like just even only
instead indeed perhaps maybe well oh ok okay please thanks thank let let's don't i'm it's that's
breaking update updated read watch video photo advertisement related share click follow
alongside among amid amidst beyond besides within without throughout toward towards upon via unlike
across behind below beneath inside outside against around through except""".split()) | INDEFINITE_PRONOUNS
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "lady", "queen", "princess", "dame",
                 "congresswoman", "chairwoman", "spokeswoman", "councilwoman", "businesswoman"}
MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince", "congressman", "chairman", "spokesman",
               "councilman", "businessman"}


# Heads of organisation names that take "of": Ministry of Interior, Bank of Velden.
ORG_HEADS = frozenset("""ministry department bank university office secretary council committee board
institute center centre bureau agency authority court house chamber association union federation
league party church college school museum republic kingdom states commission academy society
foundation fund corporation company army navy ministers secretariat embassy""".split())


@dataclass
class Person:
    """One person or body the article names; ``name`` is the fullest form seen."""

    name: str
    first_at: int
    words: set[str] = field(default_factory=set)  # lower-case name words
    roles: set[str] = field(default_factory=set)  # lower-case role words tied to the name
    heads: set[str] = field(default_factory=set)  # the head words of those roles ("senator")
    mentions: list[int] = field(default_factory=list)
    gender: str | None = None  # "m", "f" or None

    @property
    def surname(self) -> str:
        return self.name.split()[-1].lower()


def clean_word(word: str) -> str:
    """A name word without a possessive ending: Trump’s -> Trump, Jones’ -> Jones."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word[:-1] if word.endswith(("'", "’")) else word


def is_name_word(tok: Token, prev: Token | None = None) -> bool:
    """A capitalised word that can be part of a name; with ``prev``, the name word before it,
    also a word that ends names of bodies ("Judicial Watch")."""
    word = clean_word(tok.text)
    if prev is not None and tok.is_cap and word.lower() in NAME_ENDINGS and is_name_word(prev):
        return True
    if prev is not None and tok.is_cap and clean_word(prev.text).lower() in FIRST_NAMES and \
            word.lower() in SURNAME_WORDS:
        return True   # "Al From", "Ivan Read"
    return bool(word) and word[0].isupper() and word.lower().rstrip(".") not in NOT_NAMES


# Words in NOT_NAMES that also end names of bodies: Judicial Watch, Human Rights Watch.
NAME_ENDINGS = frozenset({"watch"})
# Words in NOT_NAMES that are also family names, after a first name: Al From, Ivan Read.
SURNAME_WORDS = frozenset("from read well still king may early".split())
FIRST_NAMES = MALE_NAMES | FEMALE_NAMES


class People:
    """The names of an article, collected in one pass over its tokens."""

    def __init__(self, tokens: list[Token], text: str | None = None):
        self.people: list[Person] = []
        self._by_word: dict[str, list[Person]] = {}
        self._headlines = _title_case_lines(text) if text is not None else []
        self._collect(tokens)

    # --- collecting -------------------------------------------------------------------------
    def _collect(self, tokens: list[Token]) -> None:
        i, n = 0, len(tokens)
        while i < n:
            if not (tokens[i].is_cap or tokens[i].lower in NAME_PARTICLES):
                i += 1
                continue
            j = i
            while j < n and _continues_name(tokens, i, j):
                j += 1
            if j > i:
                if not self._in_headline(tokens[i].start):
                    person = self._add_run(tokens, i, j)
                    for phrase in _described_as(tokens, i, j) if person is not None else []:
                        person.roles.update(phrase)
                        person.heads.add(role_head(phrase))
                i = j
            else:
                i += 1

    def _in_headline(self, at: int) -> bool:
        return any(a <= at < b for a, b in self._headlines)

    def _add_run(self, tokens: list[Token], i: int, j: int) -> Person | None:
        titles, name_toks = split_title(tokens[i:j])
        if not name_toks or len(name_toks) > 5:
            return None
        if j + 1 < len(tokens) and tokens[j].lower == "of" and tokens[j + 1].is_cap and title_before_of(tokens[i:j]):
            return None   # "RNC Chief (of Staff …)": a title, not a name
        words = from_first_name([clean_word(t.text) for t in name_toks])
        if len(words) == 1 and not titles:
            self._note_mention(words[0], tokens[i].start)
            return None
        person = self.add(" ".join(words), tokens[i].start, titles)
        if person is not None and i > 0:
            prev = tokens[i - 1]
            if prev.lower in FEMALE_TITLES or (titles and titles[-1].lower() in FEMALE_TITLES):
                person.gender = person.gender or "f"
            if prev.lower in MALE_TITLES or (titles and titles[-1].lower() in MALE_TITLES):
                person.gender = person.gender or "m"
        return person

    def add(self, name: str, at: int, titles: list[str] | None = None) -> Person | None:
        """Record a full name (two words or more, or one word with a title) seen at ``at``."""
        words = name.split()
        key = words[-1].lower()
        roles = [t.lower().rstrip(".") for t in titles or []]
        heads = {role_stem(roles[-1])} if roles else set()   # "Florida Sen." -> senator
        for person in self._by_word.get(key, []):
            if _same_person(person, words):
                if len(words) > len(person.name.split()):
                    person.name = name
                person.words.update(w.lower() for w in words)
                person.roles.update(roles)
                person.heads.update(heads)
                person.mentions.append(at)
                return person
        person = Person(name, at, {w.lower() for w in words}, set(roles), heads, [at], _name_gender(words))
        for title in titles or []:
            t = title.lower()
            person.gender = "f" if t in FEMALE_TITLES else "m" if t in MALE_TITLES else person.gender
        self.people.append(person)
        for w in words:
            self._by_word.setdefault(w.lower(), []).append(person)
        return person

    def _note_mention(self, word: str, at: int) -> None:
        for person in self._by_word.get(word.lower(), []):
            person.mentions.append(at)

    # --- resolving --------------------------------------------------------------------------
    def resolve_name(self, name: str, at: int) -> str:
        """The fullest form of ``name`` in the article: Al-Numan -> Sabah Al-Numan."""
        words = [clean_word(w) for w in name.split()]
        if not words:
            return name
        candidates = [p for p in self._by_word.get(words[-1].lower(), []) if _same_person(p, words)]
        if not candidates and len(words) == 1:
            candidates = [p for p in self._by_word.get(words[0].lower(), [])
                          if p.name.split()[0].lower() == words[0].lower()]
        if not candidates:
            return (len(words) == 1 and self.expand_acronym(words[0])) or " ".join(words)
        best = candidates[0] if len(candidates) == 1 else \
            max(candidates, key=lambda p: (p.first_at <= at, _count_before(p, at), -p.first_at))
        return best.name if len(best.name.split()) >= len(words) else " ".join(words)

    def knows_word(self, word: str) -> bool:
        """Whether ``word`` is a word of a name collected."""
        return clean_word(word).lower() in self._by_word

    def expand_acronym(self, word: str) -> str | None:
        """The body an acronym stands for, when the article names it in full: "DNC" ->
        "Democratic National Committee" (the initials of its capitalised words)."""
        if not (2 <= len(word) <= 6 and word.isupper() and word.isalpha()):
            return None
        for p in self.people:
            initials = "".join(w[0] for w in p.name.split() if w[:1].isupper() and w.lower() not in DETERMINERS)
            if initials == word and len(p.name.split()) >= 2:
                return p.name
        return None

    def has_surname(self, word: str) -> bool:
        return any(p.surname == clean_word(word).lower() and len(p.name.split()) > 1
                   for p in self._by_word.get(clean_word(word).lower(), []))

    def person(self, name: str) -> Person | None:
        for p in self._by_word.get(name.split()[-1].lower(), []) if name else []:
            if p.name == name:
                return p
        return None


SMALL_TITLE_WORDS = frozenset("and the for but nor yet with from into over".split())


ROLE_WORDS = ROLE_NOUNS | TITLES


def _described_as(tokens: list[Token], i: int, j: int) -> list[list[str]]:
    """Role phrases the article ties to the name at tokens[i:j]: before it ("Republican presidential
    nominee Donald Trump") or in an appositive after it ("Marco Rubio, the Florida senator,")."""
    phrases = []
    k = i
    if k > 0 and tokens[k - 1].lower in ROLE_WORDS:
        while k > 0 and i - k < 4 and tokens[k - 1].is_word and (tokens[k - 1].lower in ROLE_WORDS or (
                tokens[k - 1].lower not in NOT_NAMES and not tokens[k - 1].text.endswith(("’s", "'s")))):
            k -= 1
        phrases.append(tokens[k:i])
    if j + 2 < len(tokens) and tokens[j].text == "," and tokens[j + 1].lower in ("the", "a", "an"):
        end = next((m for m in range(j + 2, min(len(tokens), j + 10)) if not tokens[m].is_word), None)
        if end is not None and tokens[end].text in ",." and any(t.lower in ROLE_WORDS for t in tokens[j + 2:end]):
            phrases.append(tokens[j + 2:end])
    return [[t.lower.rstrip(".") for t in phrase if t.lower not in DETERMINERS] for phrase in phrases]


def role_head(words: list[str]) -> str:
    """The head of a role phrase: "former secretary of state" -> secretary; "Florida senator" -> senator."""
    cut = next((n for n, w in enumerate(words) if n and w in ("of", "for", "from", "at", "in", "to")), len(words))
    return words[cut - 1] if cut else ""


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Lines written in title case ("Anthony Weiner Reportedly Caught Sexting Again"): headlines,
    whose capitalised runs are not names ("Weiner Reportedly Caught"); and headlines run into
    other text, as a copied live blog's items are ("…10:01PM Donald Trump Booed By The Crowd"):
    five capitalised words or more with a small word capitalised among them ("By", "To", "Of")."""
    spans, at = [], 0
    for line in text.split("\n"):
        if not _LOWER_WORD.search(line) and len(_CAP_WORD.findall(line)) >= 5:
            spans.append((at, at + len(line)))
        else:
            spans += [(at + m.start(), at + m.end()) for m in _TITLE_RUN.finditer(line)
                      if _HEADLINE_SMALL.search(m.group(), 1)]
        at += len(line) + 1
    return spans


_LOWER_WORD = re.compile(r"\b(?!(?:%s)\b)[a-z]{3,}" % "|".join(sorted(SMALL_TITLE_WORDS)))
_CAP_WORD = re.compile(r"\b[A-Z][\w'’-]{2,}")
_TITLE_RUN = re.compile(r"(?<![A-Za-z'’-])[A-Z][\w'’-]*(?:[ '‘’\"“”]+[A-Z][\w'’-]*){4,}")   # "9:26PMDonald …" too
# small words a headline capitalises and running text does not (not "A" or "I": they open sentences)
_HEADLINE_SMALL = re.compile(r"[ '‘’\"“”](?:By|To|Of|On|In|At|For|With|From|Than|Into|Over|And|The)(?=[ '‘’\"“”])")


def _continues_name(tokens: list[Token], i: int, j: int) -> bool:
    tok = tokens[j]
    if j > i and tokens[j - 1].end < tok.start - 1:
        return False  # a gap of more than one space (line break, double space)
    if j > i and tokens[j - 1].text.endswith(("’s", "'s", "’", "'")):
        return False  # Trump’s campaign: the possessive ends the name
    if is_name_word(tok, tokens[j - 1] if j > i else None) or tok.text.rstrip(".").lower() in TITLES and tok.is_cap:
        return True
    if tok.lower in NAME_PARTICLES and j > i and j + 1 < len(tokens) and tokens[j + 1].is_cap:
        return True
    if tok.lower == "of" and j > i and tokens[j - 1].lower in ORG_HEADS and j + 1 < len(tokens) \
            and tokens[j + 1].is_cap:
        return True  # Ministry of Coastal Affairs
    return j > i and tok.lower.rstrip(".") in NAME_SUFFIXES


def split_title(tokens: list[Token]) -> tuple[list[str], list[Token]]:
    """Titles and the name proper: [Florida, Sen., Marco, Rubio] -> ([Florida, Sen.], [Marco, Rubio]);
    a body keeps its whole name: [State, Department], [House, Committee]. A capitalised role noun
    right after the titles (or first) is a title too when two name words follow it ("Chief
    Executive Brian Moynihan", "Journalist Jorge Ramos"; not "Post Malone"); a hyphenated title
    counts by its last part ("Editor-in-Chief")."""
    k = 0
    for i, tok in enumerate(tokens[:-1]):
        low = tok.text.rstrip(".").lower().split("-")[-1]
        if low in TITLES or i == k and tok.is_cap and low in ROLE_NOUNS and low not in ORG_HEADS \
                and len(tokens) - i > 2:
            k = i + 1
    if k and tokens[-1].lower in ORG_HEADS and all(t.text.rstrip(".").lower() not in _PERSONAL_TITLES for t in tokens[:k]):
        k = 0   # a body has no title: "Democratic National Committee", "House Committee"
    return [t.text for t in tokens[:k]], tokens[k:]


_PERSONAL_TITLES = frozenset("mr mrs ms miss dr sen rep gov prof rev".split())


def title_before_of(tokens: list[Token]) -> bool:
    """Whether a capitalised run before "of" is the start of a title ("RNC Chief (of Staff)",
    "White House Chief (of Staff)"), not a name ("Rep. Peter King (of New York)", "Howard Dean (of
    Vermont)"): it ends in a title word and has nothing before that but titles and acronyms
    ("Former Secretary (of State)")."""
    titles, rest = split_title(tokens)
    if not rest or rest[-1].text.rstrip(".").lower() not in TITLES:
        return False
    if any(t.rstrip(".").lower() in _PERSONAL_TITLES for t in titles):
        return False
    return all(t.text.isupper() or t.text.rstrip(".").lower() in TITLES for t in rest[:-1])


def from_first_name(words: list[str]) -> list[str]:
    """A capitalised run read from a headline or a list: "Difference Between Bernie Sanders",
    "Democrats Hillary Clinton" -> the name from its first name on."""
    if len(words) < 3 or _is_first_name(words[0]) or len(words[0].rstrip(".")) == 1:
        return words   # (an initial opens a name: "J. Gerald Hebert")
    k = next((i for i in range(1, len(words) - 1) if _is_first_name(words[i])), None)
    return words[k:] if k is not None else words


def _is_first_name(word: str) -> bool:
    return word.lower() in FIRST_NAMES


def _same_person(person: Person, words: list[str]) -> bool:
    """"Trump" matches "Donald Trump"; "Ivanka Trump" does not match "Donald Trump"."""
    pw = person.name.split()
    low = [w.lower() for w in words]
    if low[-1] != pw[-1].lower():
        return False
    if len(words) == 1 or len(pw) == 1:
        return True
    return low[0] == pw[0].lower() or low[0] in person.words or len(low[0]) <= 2


def _count_before(person: Person, at: int) -> int:
    return sum(1 for m in person.mentions if m < at)


# Titles and nouns that stand for another role noun.
ROLE_STEMS = {"sen": "senator", "gov": "governor", "rep": "representative", "pres": "president",
              "sec": "secretary", "congressman": "representative", "congresswoman": "representative",
              "lawmaker": "representative"}


def role_stem(word: str) -> str:
    """The role a title or noun stands for: "sen" -> senator, "congresswoman" -> representative."""
    return ROLE_STEMS.get(word, word)


def _name_gender(words: list[str]) -> str | None:
    """The gender a full name's first name implies: the lists of common first names, then the
    public records' (not for a place: "West Virginia", "Sierra Leone")."""
    if len(words) < 2:
        return None
    first = words[0].lower()
    if first in FEMALE_NAMES or first in MALE_NAMES:
        return "f" if first in FEMALE_NAMES else "m"
    if first in PLACES or " ".join(words).lower() in PLACES:
        return None
    return recorded_gender(first)

