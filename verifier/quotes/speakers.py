"""Speakers as people: "Merkel", "Ms. Merkel" and "Angela Dorothea Merkel" are one person.

Owns comparing an article's speaker with a source's speaker (titles, possessives, diacritics,
middle names and initials set aside; a configurable alias list for the rest), and telling when a
source speaker is only quoting the article's speaker ("as the minister said, …").
"""
from __future__ import annotations

import re
from functools import lru_cache

from verifier.quotes.lexicon import TITLES
from verifier.textnorm import fold

ARTICLES = frozenset(("the", "a", "an"))


def name_words(name: str) -> list[str]:
    """Lower-case name words without titles or possessives: "Sen. Arvid Kolle’s" -> [arvid, kolle]."""
    return list(_name_words(name))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    words = [fold(re.sub(r"['’]s?$", "", w)).strip(".,") for w in name.split()]
    words = [w for w in words if w]
    while len(words) > 1 and (words[0].rstrip(".") in TITLES or words[0] in ARTICLES):
        words.pop(0)  # "Minister Mara Voss", "the Iron Lady"
    return tuple(words)


def is_person_name(name: str | None) -> bool:
    """A name, not a description ("the ministry") or nothing."""
    return bool(name) and name.split()[0][:1].isupper() and name.split()[0].lower() not in ("the", "a", "an")


class SpeakerMatcher:
    """Compares speakers, with ``aliases`` mapping other names to a canonical one."""

    def __init__(self, aliases: dict[str, str] | None = None):
        self.aliases = {" ".join(name_words(k)): v for k, v in (aliases or {}).items()}

    def canonical(self, name: str) -> list[str]:
        words = name_words(name)
        target = self.aliases.get(" ".join(words))
        return name_words(target) if target else words

    def person(self, name: str | None) -> str | None:
        """The person an alias names ("the Iron Lady" -> "Mara Voss"), None if ``name`` is none."""
        return self.aliases.get(" ".join(name_words(name))) if name else None

    def same(self, a: str | None, b: str | None) -> bool | None:
        """True or False for two names; None when either is unknown or not a person's name.
        "Ada Kolle and Ivo Brandt" (two people named together) is either of them."""
        if a and b and (" and " in a or " and " in b):
            found = [self.same(x, y) for x in a.split(" and ") for y in b.split(" and ")]
            return True if True in found else False if False in found else None
        a, b = self.person(a) or a, self.person(b) or b  # an alias may be a description
        if not is_person_name(a) or not is_person_name(b):
            return None
        x, y = self.canonical(a), self.canonical(b)
        if not x or not y:
            return None
        if x == y:
            return True
        if x[-1] != y[-1]:
            return False
        if len(x) == 1 or len(y) == 1:
            return True  # "Merkel" and "Angela Merkel"
        return x[0] == y[0] or x[0][0] == y[0][0] and (len(x[0]) == 1 or len(y[0]) == 1)


def quoting(passage_text: str, start: int, speaker: str | None, matcher: SpeakerMatcher) -> str | None:
    """How the source's speaker introduces the matched words as someone else's, if they do: the
    words stand in quotation marks, or after "as X said" naming the article's speaker."""
    lead = passage_text[max(0, start - 160):start]
    sentence = re.split(r"(?<=[.!?])\s+", lead)[-1] if lead else ""
    if _opens_quote(lead):
        return "the source speaker is quoting these words"
    if re.search(r"\b(?:as|like|what)\b[^.!?]{0,60}\b(?:said|says|put it|told|wrote|called)\b", sentence, re.I):
        for word in name_words(speaker or "")[-1:]:
            if word and re.search(rf"\b{re.escape(word)}\b", fold(sentence)):
                return f"the source speaker is quoting {speaker}"
        if not speaker:
            return "the source speaker is quoting someone else"
        if re.search(r"\b(?:the|your|our) (?:minister|mayor|president|chancellor|senator|governor|"
                     r"secretary|leader|chair|treasurer|councillor|spokes\w+)\b", sentence, re.I):
            return "the source speaker is quoting someone else"
    return None


def _opens_quote(lead: str) -> bool:
    """Is there an unclosed quotation mark in the words just before?"""
    tail = lead[-60:]
    opened = tail.count("“") + tail.count("«") + tail.count("„")
    closed = tail.count("”") + tail.count("»")
    straight = len(re.findall(r'(?:^|\s)"', tail)) - len(re.findall(r'"(?:\s|$)', tail))
    return opened > closed or straight > 0 or bool(re.search(r"[:,]\s*[“\"‘']$", tail.rstrip()))
