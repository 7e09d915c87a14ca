"""Phrases: where a noun phrase that may name a speaker starts and ends.

Owns the shape of subject phrases around a cue — names and titles ("Sen. Marco Rubio"), role nouns
and their modifiers ("a senior administration official"), possessives ("Clinton's introducer"),
appositives ("X, spokesperson for Y,", stacked, or missing a comma), places and bodies a person is
"of", and the time phrases and adverbs that stand between a subject and its verb. ``verifier.quotes.attribution`` decides which phrase speaks for a quote.
"""
from __future__ import annotations

from verifier.quotes.lexicon import (CUE_NOUNS, DETERMINERS, NAME_PARTICLES, PRONOUNS, ROLE_NOUNS, TITLES,
                              VERB_ADVERBS)
from verifier.quotes.people import clean_word, is_name_word
from verifier.quotes.sentences import Token


CLAUSE_BREAKERS = frozenset("""that which who whom whose and but or because if when while after
before since although though as where whether than so then until unless once how what why
to by with without about against of for from in on at into onto over under between among
through during including like not is was are were be been being has have had do does did will
would could should can may might must said says saying told tells telling""".split())


# Lower-case words that may sit inside a subject phrase: "a senior administration official".
SUBJECT_MODIFIERS = frozenset("""senior former top longtime chief deputy local federal state
national foreign military campaign white house press communications policy political
administration department agency party top-ranking high-ranking ranking veteran leading
prominent outgoing incoming acting interim new old young elderly retired unnamed anonymous
other own fellow longtime-friend vice executive general regional county city district
congressional legislative presidential gubernatorial security intelligence defense""".split())


# Determiners before which a cue verb's form is a noun ("the report", "his answer"); not numerals
# ("the two write").
NOUN_DETERMINERS = frozenset("the a an his her their its our my your this".split())


PREPOSITIONS = frozenset("""in on at during of for with by from to into onto over under about after
before through between among against without within""".split())


def verb_after_unclosed_appositive(tokens: list[Token], comma: int) -> int | None:
    """“…,” Katie Parr, who is chairman of Our Harbour PAC said …: the appositive's closing
    comma is missing; the speech verb after the body's name."""
    if comma + 2 >= len(tokens) or not (tokens[comma + 1].lower in ("who", "a", "an", "the")
                                         or tokens[comma + 1].lower in ROLE_NOUNS):
        return None
    for m in range(comma + 2, min(len(tokens), comma + 15)):
        if not tokens[m].is_word and tokens[m].text not in (".", "-", "’", "'", "&"):
            return None
        if tokens[m].lower in ("said", "says", "added", "told", "wrote", "tweeted") and \
                (tokens[m - 1].is_cap or any(t.lower == "who" for t in tokens[comma + 1:m])):
            return m   # (after "who …" the verb is the name's either way)
    return None


def joins_names(tokens: list[Token], j: int) -> bool:
    """"Dovere and Debenedetti wrote": "and" between two capitalised names."""
    return tokens[j].lower == "and" and 0 < j < len(tokens) - 1 and \
        tokens[j - 1].is_cap and is_name_word(tokens[j - 1]) and \
        tokens[j + 1].is_cap and is_name_word(tokens[j + 1])


def skip_appositive(tokens: list[Token], comma: int) -> int | None:
    """Index after the comma that closes an appositive opened at ``comma``, if it is short."""
    for k in range(comma + 1, min(len(tokens), comma + 30)):
        if tokens[k].text == ",":
            return k + 1
        if tokens[k].text in "“”\"‘" and (k + 1 < len(tokens) and tokens[k + 1].text in "“”\"‘"
                                          or tokens[k - 1].text in "“”\"‘"):
            continue   # a short title in the appositive, its words blanked: "wearing “Ted Cruz” pins"
        if tokens[k].text in "“”\"‘.;:!?" and not abbreviation_dot(tokens, k):
            return None
    return None


def abbreviation_dot(tokens: list[Token], k: int) -> bool:
    """"McConnell, R-Ky., said": a period closing a short abbreviation, a comma right after."""
    return tokens[k].text == "." and 0 < k < len(tokens) - 1 and tokens[k + 1].text == "," and \
        len(tokens[k - 1].text) <= 5 and tokens[k - 1].text[:1].isupper()


def whole_phrase_end(tokens: list[Token], i: int) -> int | None:
    """“…,” said the designer, who …: after a quote, "said" + a short determiner phrase that ends
    the clause names the speaker, whatever the noun. The end of that phrase, or None."""
    if i >= len(tokens) or tokens[i].lower not in ("the", "a", "an"):
        return None
    for j in range(i + 1, min(len(tokens), i + 5) + 1):
        if j == len(tokens) or tokens[j].text in ",.;":
            return j if j > i + 1 else None
        if tokens[j].text.isdigit() or tokens[j].text == "-":
            continue   # "said the 46-year-old"
        if not tokens[j].is_word or tokens[j].is_cap or tokens[j].lower in CLAUSE_BREAKERS:
            return None
    return None


def name_follows(tokens: list[Token], j: int) -> bool:
    """"said retired neurosurgeon Ben Carson": lower-case words leading up to a name."""
    for tok in tokens[j + 1:j + 5]:
        if tok.is_cap and is_name_word(tok):
            return True
        if not tok.is_word or tok.lower in CLAUSE_BREAKERS and tok.lower != "of":
            return False   # "said master of ceremonies Asab Al-Tabchi"
    return False


def role_follows(tokens: list[Token], j: int) -> bool:
    """"said the base chief", "a former law enforcement official": lower-case nouns modifying
    the role noun after them."""
    for k in range(j, min(j + 3, len(tokens) - 1)):
        if not tokens[k].is_word or tokens[k].is_cap or tokens[k].lower in CLAUSE_BREAKERS:
            return False
        if tokens[k + 1].lower in ROLE_NOUNS and not tokens[k + 1].is_cap:
            return True
    return False


WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday today yesterday "
                     "tonight".split())


TIME_NOUNS = frozenset("morning afternoon evening night week weekend month year".split())


def behind_participle_phrase(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """"Another source speaking to Fox News said": the subject is before the participle phrase
    that ends in the noun found first."""
    if start >= 2 and tokens[start - 1].lower in ("to", "with", "on", "for") and \
            tokens[start - 2].lower.endswith("ing") and not tokens[start - 2].is_cap:
        outer = subject_start(tokens, start - 2)
        if outer is not None:
            return outer, start - 2
    return start, end


def skip_time_phrase(tokens: list[Token], end: int) -> int:
    """"Beck on Wednesday called", "Smith last week said": step back over the time phrase."""
    j = end
    if j >= 3 and [t.lower for t in tokens[j - 3:j]] in (["at", "the", "time"], ["at", "the", "moment"]):
        return j - 3   # "Trump at the time said"
    if j >= 3 and tokens[j - 1].lower == "ago":   # "The department less than two weeks ago said"
        i = j - 2
        while i > 0 and j - i < 6 and (tokens[i - 1].lower in ("less", "more", "than", "about", "some", "a", "an",
                                                                 "two", "three", "few", "several", "just", "only")
                                       or tokens[i - 1].text.isdigit()):
            i -= 1
        return i
    if j > 0 and tokens[j - 1].lower in TIME_NOUNS:
        j -= 1
    if j > 0 and tokens[j - 1].text.rstrip(".").lower() in WEEKDAYS:
        j -= 1
    if j < end and j >= 2 and tokens[j - 1].lower in ("a", "the") and tokens[j - 2].lower == "during":
        return j - 2   # "Sanders during a Sunday thanked"
    if j < end and j > 0 and tokens[j - 1].lower in ("on", "last", "this", "late", "early"):
        return skip_time_phrase(tokens, j - 1) if tokens[j - 1].lower == "late" else j - 1
    return end if j == end or tokens[j].lower in TIME_NOUNS else j


def named_before_long_appositive(tokens: list[Token], comma: int) -> int | None:
    """"Michael Seaman, who lives … outside the state capital, Sacramento, said": an appositive
    with commas of its own; the comma after the name that opens it."""
    for k in range(comma - 1, max(0, comma - 40), -1):
        if tokens[k].text in "“”\"‘":
            continue   # a title in quotation marks inside the appositive: "a contestant on “The Show,”"
        if tokens[k].text in ".;:!?" and not abbreviation_dot(tokens, k):
            return None
        if tokens[k].text == "," and k > 0 and tokens[k - 1].is_cap and is_name_word(tokens[k - 1]) and \
                k + 1 < comma and (tokens[k + 1].lower in ("who", "a", "an", "the") or
                                   tokens[k + 1].is_word and not tokens[k + 1].is_cap) and \
                (k < 2 or not tokens[k - 2].lower in PREPOSITIONS):
            return k
    return None


def names_person(toks: list[Token]) -> bool:
    """A bare name, maybe after role words: "Armstrong Williams", "actress Jamie Lee Curtis",
    "Patrick Megahan and Chris Harman" (not "the senator", not "Clinton's aide")."""
    words = [t for t in toks if t.is_word]
    if any(not t.is_word and t.text not in (".", "-") for t in toks) or not 2 <= len(words) <= 8:
        return False
    i = 0
    while i < min(len(words), 3) and not words[i].is_cap and words[i].lower not in CLAUSE_BREAKERS and \
            words[i].lower not in DETERMINERS:
        i += 1
    names = words[i:]
    return len(names) >= 2 and names[-1].is_cap and not any(t.text.endswith(("’s", "'s")) for t in names) and \
        all(is_name_word(t) or t.lower == "and" and 0 < k < len(names) - 1 for k, t in enumerate(names))


def first_of_stacked(tokens: list[Token], opening: int) -> int:
    """"Mark Holden, chairman of the board of Freedom Partners, the network's funding arm, said":
    descriptions stacked after a name; the comma after the name."""
    while True:
        earlier = appositive_start(tokens, opening)
        if earlier is None or earlier < 1 or not (tokens[earlier - 1].is_cap and is_name_word(tokens[earlier - 1])):
            return opening
        first = tokens[earlier + 1]
        if first.is_cap and first.lower not in DETERMINERS:
            return opening   # "In Ohio, Clinton, at a rally, said": the part before is no name's description
        opening = earlier


# Plural nouns of people doing something: reviewers, investigators, analysts, critics, residents.
AGENT_ENDINGS = ("ers", "ors", "ists", "ians", "ants", "ents", "ics")


PEOPLE_NOUNS = frozenset("fans allies aides friends voters family staff team".split())


def name_before_of(tokens: list[Token], start: int) -> int:
    """"Archbishop Aris Shirvanian of the Armenian Patriarchate told", "Stacy Baker of Columbia,
    South Carolina says": the phrase found is what follows "of"/"from"; the subject starts at
    the name before it."""
    k = start
    if k >= 3 and tokens[k - 1].text == "," and tokens[k - 2].is_cap and tokens[k - 3].lower in ("of", "from", "in"):
        k -= 2   # ", South Carolina" finishing "of Columbia"
    if k >= 2 and tokens[k - 1].lower in ("of", "from") and tokens[k - 2].is_cap and is_name_word(tokens[k - 2]) \
            and tokens[k - 2].text.rstrip(".").lower() not in TITLES:
        outer = subject_start(tokens, k - 1)
        if outer is not None and outer < k - 1:
            return outer
    return start


def unclosed_appositive(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """"Anthony Anton, president and CEO of Washington Restaurant Association stated": an
    appositive whose closing comma is missing ends in the object of "of"; the subject is the name
    before it."""
    if start < 2 or not any(t.lower in ("of", "for", "at", "with") for t in tokens[start - 1:end]):
        return start, end
    for j in range(start - 1, max(0, start - 10), -1):
        tok = tokens[j]
        if tok.text == ",":
            if j > 0 and tokens[j - 1].is_cap and is_name_word(tokens[j - 1]) and \
                    (tokens[j + 1].lower in DETERMINERS or tokens[j + 1].lower in ROLE_NOUNS or tokens[j + 1].lower == "who"):
                outer = subject_start(tokens, j)
                if outer is not None and (outer == 0 or tokens[outer - 1].lower not in PREPOSITIONS):
                    return outer, j   # not "In Kessel, officials of the board said"
            break
        if not tok.is_word or tok.lower in CLAUSE_BREAKERS and tok.lower not in ("of", "for", "and", "at"):
            break
    return start, end


def appositive_start(tokens: list[Token], comma: int) -> int | None:
    """For “X, spokesperson for Y, said”, the index of the comma after X. X is a name, a pronoun
    or a role; any noun phrase when the appositive is a relative clause: "One attendee, who spoke
    on condition of anonymity, said" (who, whose: a person)."""
    for k in range(comma - 1, max(-1, comma - 30), -1):
        if tokens[k].text == ",":
            prev = tokens[k - 1] if k > 0 else None
            ok = prev is not None and (prev.is_cap or prev.lower in PRONOUNS or
                                       clean_word(prev.text).lower() in ROLE_NOUNS or
                                       prev.is_word and tokens[k + 1].lower in ("who", "whose"))
            return k if ok else None
        if tokens[k].text in "“”\"‘.;:!?" and not abbreviation_dot(tokens, k):
            return None
    return None


def is_place_tail(tokens: list[Token], k: int, comma: int) -> bool:
    """", Ohio," after "in Columbus": the second part of a place name, not an appositive."""
    inner = [t for t in tokens[k + 1:comma] if t.text != "."]
    return 1 <= len(inner) <= 2 and all(t.is_cap for t in inner) and k >= 2 and \
        tokens[k - 1].is_cap and tokens[k - 2].lower in ("in", "at", "from", "of", "near")


def subject_start(tokens: list[Token], end: int) -> int | None:
    """Walk back from ``end`` over one noun phrase; None when the word before is no subject."""
    head = tokens[end - 1]
    if pronoun_of(head):
        return end - 1
    if head.text.isdigit() and end >= 2 and tokens[end - 2].is_cap and is_name_word(tokens[end - 2]):
        return subject_start(tokens, end - 1)   # "Article 33 affirms", "Proposition 8 says"
    if not head.is_word:
        return None
    if not (is_name_word(head, tokens[end - 2] if end > 1 else None) or head.lower in ROLE_NOUNS
            or clean_word(head.text).lower() in ROLE_NOUNS):
        familiar = next((j for j in range(end - 2, max(0, end - 6), -1) if _familiar_with(tokens, j)), None)
        if familiar is not None and familiar > 0:
            return subject_start(tokens, familiar)   # "one Democrat familiar with the discussion, who added"
        owner = possessor(tokens, end - 1)
        if owner is not None and tokens[owner].is_cap and not head.is_cap and \
                (head.lower.endswith(AGENT_ENDINGS) or head.lower in PEOPLE_NOUNS):
            return subject_start_possessive(tokens, owner)   # "State's reviewers", "Sanders's most ardent fans"
        return determiner_phrase_start(tokens, end)
    start = end - 1
    while start > 0 and end - start < 9:
        prev = tokens[start - 1]
        low = prev.lower
        if prev.is_cap and (is_name_word(prev) or low.rstrip(".") in TITLES):
            start -= 1
        elif low in DETERMINERS:
            start -= 1
            if low == "most" and start > 0 and tokens[start - 1].is_cap and \
                    tokens[start - 1].text.endswith(("’s", "'s", "s’", "s'")):
                continue   # "Sanders's most ardent fans"
            break
        elif low in ROLE_NOUNS or low in SUBJECT_MODIFIERS or low in NAME_PARTICLES or low in ("of", "for"):
            start -= 1
        elif start >= 2 and prev.is_word and not prev.is_cap and low not in CLAUSE_BREAKERS and \
                (tokens[start - 2].lower in DETERMINERS or tokens[start - 2].is_cap) and tokens[start].lower in ROLE_NOUNS:
            start -= 1   # "another harbour source", "Republican primary voters": a noun modifier, the role noun
        elif prev.text in ("’", "'", "-"):
            start -= 1
        else:
            break
    if start >= 3 and _familiar_with(tokens, start - 2):
        outer = subject_start(tokens, start - 2)   # "Source familiar with the ad says"
        start = outer if outer is not None else start
    while start < end - 1 and (tokens[start].lower in ("of", "for") or
                               tokens[start].lower == "that" and tokens[start + 1].is_cap):
        start += 1   # "that Sanders's most ardent fans feel": "that" opens the clause
    return start if looks_like_subject(tokens[start:end], loose=True) else None


def _familiar_with(tokens: list[Token], j: int) -> bool:
    """An adjective phrase after the noun: "a source familiar with / close to the talks"."""
    return tokens[j].lower in ("familiar", "close") and j + 1 < len(tokens) and tokens[j + 1].lower in ("with", "to")


def subject_before_clause(tokens: list[Token], end: int) -> tuple[int | None, int]:
    """"A White House official who spoke anonymously to discuss strategy said", "A letter from the
    Legion obtained by the AP warns": a subject, then a clause or participle phrase without commas
    before the verb. The subject's (start, end), or (None, end)."""
    for j in range(end - 1, max(0, end - 12), -1):
        tok = tokens[j]
        if not tok.is_word:
            break
        if tok.lower == "who" or tok.lower.endswith("ed") and j + 1 < end and tokens[j + 1].lower == "by":
            start = subject_start(tokens, j)
            if start is not None:
                return start, j
            break
    return None, end


def determiner_phrase_start(tokens: list[Token], end: int) -> int | None:
    """"the report said", "those surveyed said": a short phrase opened by a determiner."""
    if tokens[end - 1].is_cap:
        return None
    for start in range(end - 1, max(-1, end - 6), -1):
        tok = tokens[start]
        if not tok.is_word or (tok.lower in CLAUSE_BREAKERS and tok.lower not in ("of", "that")):
            return None
        if tok.lower in DETERMINERS and tok.lower not in ("that", "no", "such"):
            if start == end - 1 or (start > 0 and tokens[start - 1].lower in PREPOSITIONS):
                return None  # "during a Sunday thanked": inside a phrase, not a subject
            return start
    return None


def subject_start_possessive(tokens: list[Token], k: int) -> int | None:
    """The start of the capitalised name that owns a possessive: "Sen. Tom Aske's statement"."""
    start = k
    while start > 0 and tokens[start - 1].is_cap and is_name_word(tokens[start - 1]):
        start -= 1
    return start if tokens[k].is_cap else None


def time_phrase(toks: list[Token]) -> bool:
    """"A few days later", "Two weeks ago", "Last year", "Here in Columbia": an opening phrase
    that sets the time or place, not a subject."""
    words = [t.lower for t in toks if t.is_word]
    return 0 < len(words) <= 6 and (words[-1] in ("later", "ago", "earlier", "afterward", "afterwards")
                                    or words[0] in ("here", "there", "back") and len(words) > 1
                                    or words[0] in ("last", "this", "next") and words[-1] in TIME_NOUNS)


def possessor(tokens: list[Token], k: int) -> int | None:
    """The possessive before the word at ``k``, over up to two lower-case modifiers: "Sanders’
    comments", "Podliska’s most explosive claim" (not a pronoun's "he's")."""
    for j in range(k - 1, max(-1, k - 4), -1):
        tok = tokens[j]
        if tok.text.endswith(("’s", "'s", "s’", "s'")) and tok.is_word and not pronoun_of(tok):
            return j
        if not tok.is_word or tok.lower in CLAUSE_BREAKERS or tok.lower in NOUN_DETERMINERS:
            return None
        if tok.is_cap and (tokens[k].lower not in CUE_NOUNS or tokens[k].lower == "told"):
            return None   # capitalised modifiers only before a cue noun: "Bush's Facebook post"
    return None


def pronoun_of(tok: Token) -> str | None:
    """"he", "he's", "she’d", "they've" -> the pronoun; None for other words."""
    low = tok.lower.replace("’", "'")
    base = low.split("'")[0] if "'" in low else low
    if base in PRONOUNS and (base == low or low[len(base) + 1:] in ("s", "d", "ve", "ll", "re", "m")):
        return base
    return None


def is_adverb(tok: Token) -> bool:
    """An adverb between subject and verb ("Smith also said", "Smith angrily said")."""
    if tok.is_cap:
        return False  # "Will urged": a name, not the auxiliary
    low = tok.lower
    return low in VERB_ADVERBS or (len(low) > 4 and low.endswith("ly"))


def looks_like_subject(toks: list[Token], loose: bool = False) -> bool:
    """A noun phrase that can be a speaker: a pronoun, a name, a role noun phrase, a possessed noun
    ("Clinton's introducer"), or (``loose``) a short determiner phrase ("the two")."""
    if not toks or len(toks) > 16:
        return False
    words = [t for t in toks if t.is_word]
    if not words:
        return False
    if len(words) == 1 and (pronoun_of(words[0]) or words[0].lower in ("one", "another", "both")):
        return True
    head = clean_word(words[-1].text).lower()
    if len(words) >= 2 and words[-2].text.endswith(("’s", "'s")) and words[-2].is_cap and not words[-1].is_cap:
        return True   # "Clinton's introducer", "Axelrod's memoir"
    if words[-1].is_cap:
        return is_name_word(words[-1]) or head in ROLE_NOUNS or \
            len(words) >= 2 and all(w.is_cap for w in words) and is_name_word(words[0])   # "Judicial Watch"
    if head in ROLE_NOUNS:
        return True
    if loose and len(words) >= 2 and words[0].lower in DETERMINERS and len(words) <= 5:
        return True
    # "a spokesman for the ministry": the head is the role before "for"/"of".
    for t in words:
        if t.lower in ROLE_NOUNS:
            return True
    return False
