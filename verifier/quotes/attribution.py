"""Attribution: who said a quotation, through which cue, and whether it is speech at all.

Owns the rules that read the words around a quoted span — “…,” X said; said X; X said: “…”;
X said that … “…”; according to X; X, spokesperson for Y, said; split quotes; a quote in the
paragraph after its speaker was introduced — and the test that tells a statement from a term
(scare quotes, titles, nicknames). Where a subject phrase starts and ends is ``verifier.quotes.phrases``;
names are resolved by ``verifier.quotes.people``.
"""
from __future__ import annotations

from dataclasses import dataclass

from verifier.quotes.lexicon import (CUE_NOUNS, DETERMINERS, NAME_PARTICLES, OBJECT_PRONOUNS, PRONOUNS,
                              ROLE_NOUNS, SPEECH_VERBS, STANCE_VERBS, TERM_LEADS, TITLES)
from verifier.quotes.people import clean_word, is_name_word
from verifier.quotes.phrases import (CLAUSE_BREAKERS, subject_before_clause, NOUN_DETERMINERS, PREPOSITIONS, SUBJECT_MODIFIERS,
                              WEEKDAYS, appositive_start, behind_participle_phrase,
                              first_of_stacked, is_adverb, is_place_tail, joins_names,
                              looks_like_subject, name_before_of, name_follows,
                              named_before_long_appositive, names_person, possessor, pronoun_of,
                              role_follows, skip_appositive, skip_time_phrase,
                              subject_start, subject_start_possessive, time_phrase,
                              unclosed_appositive, verb_after_unclosed_appositive, whole_phrase_end)
from verifier.quotes.quotemarks import CLOSERS, OPENERS
from verifier.quotes.sentences import Token

CUE_WORDS = SPEECH_VERBS | STANCE_VERBS | CUE_NOUNS | {"put", "puts", "said", "says", "according"}
# Cue words that are just as often nouns ("a rare note", "his latest comments").
NOUNABLE = frozenset(f for w in """note comment remark claim call answer reply promise pledge vow report
tweet post message text quote charge question order demand request offer joke quip boast attack
warning statement state email e-mail retort rebuke lecture praise gripe rant taunt jeer sneer""".split()
                   for f in (w, w + "s", w + "es"))
MODALS = frozenset("will would could might may should can must".split())
# Plural and other noun forms of speech that are the topic when something is done to them.
SPOKEN_NOUNS = frozenset("""comments remarks statements words calls claims attacks criticism assertion
assertions comment remark statement claim call attack tweets tweet proposal proposals offer offers
promise promises pledge pledges vow vows suggestion suggestions""".split())
# Verbs that do nothing but report speech: a cue inside their clause is part of what was said.
REPORTING_VERBS = frozenset("""said says say told tells added adds wrote writes argued argues claimed
claims insisted insists warned warns noted notes explained explains stated states announced
announces declared declares suggested suggests predicted predicts acknowledged acknowledges
conceded concedes admitted admits asserted asserts contended contends maintained maintains
recalled recalls replied replies responded responds tweeted tweets""".split())
# Verbs that come before their subject after a quote or a colon: "Said Smith: …", "…,” added Smith".
INVERTING_VERBS = REPORTING_VERBS | frozenset("""asked asks answered answers reacted remembered
continued continues concluded concludes quipped wondered shouted yelled exclaimed countered
retorted""".split())
# Verbs of a parenthetical attribution inside a sentence: "The paradox, says Carl Anthony, is …".
PARENTHETICAL_VERBS = frozenset("""said says added adds wrote writes noted notes explained explains
argued argues recalled recalls continued continues asked asks""".split())
PUBLISHING_VERBS = frozenset("""issued issues released releases posted posts put puts sent sends
gave gives published publishes made makes delivered delivers""".split())
LOCATIVES = frozenset("in at from with on".split())   # "a staffer in the room said"
PARTICIPLE_CUES = frozenset(w for w in SPEECH_VERBS | STANCE_VERBS if w.endswith("ing"))


@dataclass
class Attribution:
    """The speaker mention and cue found for a quote (offsets into the article text)."""

    mention_start: int | None
    mention_end: int | None
    mention: str | None
    cue: str | None
    cue_start: int | None = None
    how: str = ""  # "after", "before", "colon", "according", "inherited", "paragraph"
    name_start: int | None = None  # where the name stands when the mention is "who"
    name_end: int | None = None
    speaker: str | None = None  # already resolved, for a speaker carried over from an earlier quote

    @property
    def kind(self) -> str:
        """"pronoun", "name" or "description" for the mention."""
        if not self.mention:
            return "none"
        low = self.mention.lower()
        if self.name_start is not None:
            return "name"
        if low in PRONOUNS or low in OBJECT_PRONOUNS:
            return "pronoun"
        first = low.split()[0]
        if first in DETERMINERS or not any(w[:1].isupper() for w in self.mention.split()):
            return "description"
        return "name"


# --- after the quote: “…,” X said / “…,” said X / “…,” according to X ---------------------------

def participle_lead_subject(before: list[Token], after: list[Token]) -> Attribution | None:
    """"Acknowledging that Trump “says a lot,” though, Allen did suggest …": a quote inside an
    opening participle phrase belongs to the subject of the main clause after it."""
    words = [t for t in before if t.is_word]
    if not words or words[0] is not before[0] or words[0].lower not in PARTICIPLE_CUES:
        return None
    for j, tok in enumerate(after[:8]):
        if (j == 0 or after[j - 1].text == ",") and (pronoun_of(tok) or tok.is_cap and is_name_word(tok)):
            end = j + 1
            while end < len(after) and after[end].is_cap and is_name_word(after[end]):
                end += 1
            if end < len(after) and after[end].is_word:
                return _make(after, j, end, words[0], "before")
    return None


_LEADING_MARKS = frozenset(",.;:!?—–-…'\"")


def attribution_after(tokens: list[Token]) -> Attribution | None:
    """Tokens right after a closing mark, up to the end of the sentence or the next quote."""
    tokens = strip_parentheticals(tokens)
    i = 0
    while i < len(tokens) and i < 3 and tokens[i].text in _LEADING_MARKS:
        i += 1   # (an apostrophe: what is left of a closing '' where '' is no quotation mark)
    if i >= len(tokens):
        return None
    if tokens[i].lower == "according" and i + 1 < len(tokens) and tokens[i + 1].lower == "to":
        return _subject_forward(tokens, i + 2, "according to", tokens[i].start, "according")
    if _is_cue_verb(tokens[i]) and tokens[i].lower not in PARTICIPLE_CUES:
        return _subject_forward(tokens, i + 1, tokens[i].text, tokens[i].start, "after")
    if tokens[i].lower == "as" and i + 2 < len(tokens) and tokens[i + 1].is_word:
        sub = _subject_then_verb(tokens, i + 1)   # “…,” as Cruz said on Monday
        return sub if sub and sub.kind != "description" else None
    return _lone_word_subject(tokens, i) or _subject_then_verb(tokens, i) or _sentence_final_cue(tokens, i)


def _lone_word_subject(tokens: list[Token], i: int) -> Attribution | None:
    """“…,” From said. / “…,” Read said.: one capitalised word right before "said" is a name,
    even a word that is mostly something else."""
    if i + 1 < len(tokens) and tokens[i].is_cap and tokens[i].is_word and tokens[i + 1].lower in ("said", "says") \
            and not pronoun_of(tokens[i]) and tokens[i].lower not in LONE_NON_NAMES:
        return _make(tokens, i, i + 1, tokens[i + 1], "after")
    return None


LONE_NON_NAMES = frozenset("the a an and but or so then it this that there here also he she they we i".split())


def _sentence_final_cue(tokens: list[Token], i: int) -> Attribution | None:
    """… with a "good" job, he said. — a cue closing the sentence speaks for all of it."""
    for k in range(len(tokens) - 1, i, -1):
        if tokens[k].text == ",":
            nxt = k + 1
            if nxt < len(tokens) and tokens[nxt].lower in PARTICIPLE_CUES:
                continue   # ", noting the harm": a participle, its subject is not after it
            if nxt < len(tokens) and _is_cue_verb(tokens[nxt]) and tokens[nxt].lower in SPEECH_VERBS:
                attr = _subject_forward(tokens, nxt + 1, tokens[nxt].text, tokens[nxt].start, "after")
            else:
                attr = _subject_then_verb(tokens, nxt)
            if attr and _rest_is_adjunct(tokens, attr):
                return attr
    return None


def _rest_is_adjunct(tokens: list[Token], attr: Attribution) -> bool:
    """After "he said" only a short adjunct or an appositive may follow."""
    rest = [t for t in tokens if t.start >= max((attr.cue_start or 0) + 1, attr.mention_end or 0)]
    return len(rest) <= 8 or rest[0].text == ","


def dash_attribution(tokens: list[Token]) -> Attribution | None:
    """A line under a quote that names its speaker: "— Ilse Marten, at the council meeting"."""
    if len(tokens) < 2 or tokens[0].text not in ("-", "—", "–", "―"):
        return None
    sub = _subject_forward(tokens, 1, None, None, "dash")
    return sub if sub and sub.kind == "name" else None


def _subject_then_verb(tokens: list[Token], i: int) -> Attribution | None:
    """“…,” the Florida senator said — a short subject, maybe an appositive, then a cue verb."""
    j, pp_start = i, None
    limit = min(len(tokens), i + 18)
    while j < limit and not _is_verb_here(tokens, j):
        tok = tokens[j]
        if tok.text == ",":
            k = skip_appositive(tokens, j)
            if k is None:
                verb = verb_after_unclosed_appositive(tokens, j)
                if verb is not None and looks_like_subject(tokens[i:j]):
                    return _make(tokens, i, j, tokens[verb], "after")
                return None
            head_end = j
            if not looks_like_subject(tokens[i:head_end]):
                return None   # "“…” are sickening, Hollande said": no subject before the comma
            j = _skip_adverbs(tokens, k)
            while j < len(tokens) and not _is_cue_verb(tokens[j]) and not _capitalised_cue(tokens[j]) \
                    and k - head_end < 30:
                k = skip_appositive(tokens, k - 1)   # "Harry Bond, 30, of Raleigh, N.C., who …, said"
                if k is None:
                    return None
                j = _skip_adverbs(tokens, k)
            if j < len(tokens) and (_is_cue_verb(tokens[j]) or _capitalised_cue(tokens[j])):
                if not tokens[head_end - 1].is_cap and names_person(tokens[head_end + 1:k - 1]):
                    return _make(tokens, head_end + 1, k - 1, tokens[j], "after")   # "…’s manager, Jeff Weaver, said"
                return _make(tokens, i, head_end, tokens[j], "after")
            return None
        if not tok.is_word and tok.text not in ("’", "'", "-", ".", "&", "$") and not tok.text.isdigit():
            return None
        first_name = tok.is_cap and j + 1 < len(tokens) and tokens[j + 1].is_cap and is_name_word(tokens[j + 1])
        # "the Florida senator and Republican presidential candidate said": two roles of one speaker
        joins_roles = tok.lower == "and" and j > i and clean_word(tokens[j - 1].text).lower() in ROLE_NOUNS
        if tok.lower in CLAUSE_BREAKERS and tok.lower not in ("of", "for") and not joins_names(tokens, j) \
                and not first_name and not joins_roles:   # "Will Estrada, the chairman …, said"
            if is_adverb(tok):
                j += 1
                continue
            if tok.lower in LOCATIVES and pp_start is None and j > i and j + 1 < len(tokens) and \
                    (tokens[j + 1].lower in DETERMINERS or tokens[j + 1].is_cap):
                pp_start = j   # "a staffer in the room wonders", "a voice-over in the ad states"
                j += 1
                continue
            return None
        j += 1
    if j >= len(tokens) or j == i or not _is_verb_here(tokens, j):
        return None
    end = j if pp_start is None else pp_start
    while end > i and is_adverb(tokens[end - 1]):
        end -= 1
    while i < end and tokens[i].lower in CLAUSE_BREAKERS and is_adverb(tokens[i]) and not tokens[i].is_cap:
        i += 1   # ", since Trump spoke": the subject is Trump
    loose = tokens[j].lower in SPEECH_VERBS and end - i <= 4  # “…,” the two write.
    if end == i or not looks_like_subject(tokens[i:end], loose=loose):
        return None
    return _make(tokens, i, end, tokens[j], "after")


def _shot_back(tokens: list[Token], j: int) -> bool:
    """A phrasal cue verb, verb + particle: "…,” Bennett shot back."""
    return tokens[j].lower in ("shot", "shoots") and j + 1 < len(tokens) and tokens[j + 1].lower == "back"


def _capitalised_cue(tok: Token) -> bool:
    """"Murphy, the head of the group, Tweeted on Friday": a speech verb capitalised by mistake."""
    return tok.is_cap and tok.lower.endswith("ed") and tok.lower in SPEECH_VERBS and tok.text[1:].islower()


def _subject_forward(tokens: list[Token], i: int, cue: str | None, cue_start: int | None,
                     how: str) -> Attribution | None:
    """said Steve Duprey, a Republican member... -> Steve Duprey (the words before a comma)."""
    j = i
    while j < len(tokens) and j < i + 9:
        tok = tokens[j]
        if not tok.is_word and tok.text not in (".", "-", "’", "'") and not tok.text.isdigit():
            break
        if tok.is_word and not tok.is_cap and tok.lower not in DETERMINERS and \
                tok.lower not in ROLE_NOUNS and tok.lower not in SUBJECT_MODIFIERS and \
                tok.lower not in NAME_PARTICLES and tok.lower not in ("of", "for") and \
                not name_follows(tokens, j) and not role_follows(tokens, j):
            break
        if tok.lower in ("on", "in", "at", "during", "after", "before", "when", "who", "which", "whose"):
            break
        if j > i and tok.text.rstrip(".").lower() in WEEKDAYS and tokens[j - 1].lower not in DETERMINERS:
            break   # "said Smith Wednesday" (not "reads a Wednesday editorial")
        j += 1
    while j > i and tokens[j - 1].lower in ("of", "for", "the", "a", "an"):
        j -= 1
    if i < j < len(tokens) and tokens[j - 1].text.endswith(("’s", "'s")) and tokens[j].is_word and not tokens[j].is_cap:
        j += 1   # "exhorted Clinton's introducer": the introducer, not Clinton
    if j > i and not looks_like_subject(tokens[i:j]):   # "said Meenakshi Ganguly of Human Rights Watch"
        cut = next((m for m in range(i + 1, j) if tokens[m].lower in ("of", "at", "with", "for")), None)
        if cut is not None and looks_like_subject(tokens[i:cut]) and any(t.is_cap for t in tokens[i:cut]):
            j = cut
    if how == "after" and (j == i or not looks_like_subject(tokens[i:j])):
        j = whole_phrase_end(tokens, i) or j
    if j == i or not (looks_like_subject(tokens[i:j]) or how == "after" and whole_phrase_end(tokens, i) == j):
        return None
    if j < len(tokens) and tokens[j].text == "," and not tokens[j - 1].is_cap:
        close = next((m for m in range(j + 1, min(len(tokens), j + 10)) if tokens[m].text in ",.;"), len(tokens))
        if (close - j <= 9) and names_person(tokens[j + 1:close]):
            i, j = j + 1, close   # "said Santilli's attorney, Thomas Coan, …": the name in apposition
    return Attribution(tokens[i].start, tokens[j - 1].end, _span_text(tokens[i:j]), cue, cue_start, how)


# --- before the quote: X said: “…” / X said that … “…” / according to X, “…” ---------------------

def attribution_before(tokens: list[Token], is_someone=None) -> Attribution | None:
    """Tokens from the start of the sentence to the opening mark of the quote. ``is_someone``
    tells whether an Attribution names a person the article knows (it helps with colons)."""
    tokens = strip_parentheticals(tokens)
    if not tokens:
        return None
    colon = _colon_lead(tokens, is_someone)
    if colon:
        return colon
    in_words = _in_the_words_of(tokens)
    if in_words:
        return in_words
    attr = _first_cue(tokens)
    return attr and (_contrasting_clause(tokens, attr) or _outer_report(tokens, attr) or attr)


CUE_TIERS = ("speech", "speech-modal", "noun", "stance")   # tried in this order (_nearest_cue_before)


def _first_cue(tokens: list[Token]) -> Attribution | None:
    """The nearest cue with a subject in the first tier that has one."""
    return next((attr for tier in CUE_TIERS if (attr := _nearest_cue_before(tokens, tier))), None)


def _in_the_words_of(tokens: list[Token]) -> Attribution | None:
    """"…, in Veld's words, “…”", "In the words of Anna Veld, “…”", "To quote Anna Veld, “…”":
    whose words the quote is, in the phrase right before it."""
    end = len(tokens) - (1 if tokens and tokens[-1].text in (",", ":") else 0)
    q = next((j for j in range(end - 2, max(-1, end - 8), -1) if tokens[j].lower == "quote"), None)
    if q is not None and q > 0 and tokens[q - 1].lower == "to" and looks_like_subject(tokens[q + 1:end]) \
            and any(t.is_cap for t in tokens[q + 1:end]):
        return _make(tokens, q + 1, end, tokens[q], "before")
    k = next((j for j in range(end - 1, max(-1, end - 9), -1) if tokens[j].lower == "words"), None)
    if k is None or k < 2:
        return None
    if tokens[k - 2].lower == "in" and tokens[k - 1].text.endswith(("’s", "'s", "s’", "s'")) and k + 1 == end:
        start = subject_start_possessive(tokens, k - 1)   # in Veld's words
        return _make(tokens, start, k, tokens[k], "before") if start is not None else None
    if tokens[k - 2].lower == "in" and tokens[k - 1].lower == "the" and k + 2 < end and tokens[k + 1].lower == "of" \
            and looks_like_subject(tokens[k + 2:end]):   # in the words of Anna Veld
        return _make(tokens, k + 2, end, tokens[k], "before")
    return None


def _contrasting_clause(tokens: list[Token], earlier: Attribution) -> Attribution | None:
    """"Voss proposed a debate - but the Brann campaign rejected the idea as “…”": a clause set
    against the one before it (", but", "- but", ", whereas") that opens with its own subject and
    has a cue of any kind is the quote's, not a stronger cue (a speech verb) before it."""
    start = next((j + 1 for j in range(len(tokens) - 2, 0, -1)
                  if tokens[j].lower in ("but", "whereas") and tokens[j - 1].text in (",", "—", "–", "-")), None)
    if start is None or earlier.mention_start is None or earlier.mention_start >= tokens[start].start:
        return None
    attr = _first_cue(tokens[start:])
    return attr if attr is not None and attr.mention_start == tokens[start].start else None


def _outer_report(tokens: list[Token], inner: Attribution) -> Attribution | None:
    """"Cruz said he's certain Rubio will continue to be “…”": a plain reporting verb earlier in
    the sentence governs a cue inside its clause, unless that cue is a reporting verb too."""
    k = next((i for i, t in enumerate(tokens) if t.start == inner.cue_start), None)
    if (inner.cue or "").lower() in REPORTING_VERBS or inner.how != "before" \
            or inner.cue_start is None:
        return None
    if k is None or _own_clause(tokens, inner):
        return None
    for j in range(k - 1, -1, -1):
        tok = tokens[j]
        if tok.text in (";", ":"):
            return None
        if tok.lower in REPORTING_VERBS and not tok.is_cap and not _reads_as_noun(tokens, j) \
                and not _object_of_verb(tokens, j):
            outer = _verb_subject(tokens[:k], j)
            if outer and outer.kind in ("name", "pronoun"):
                return outer
    return None


CLAUSE_OPENERS = frozenset("whom which who but as while whereas although though".split())
SUBORDINATORS = frozenset("when after as while if although though because since before once".split())


def _own_clause(tokens: list[Token], inner: Attribution) -> bool:
    """Whether the inner cue's subject opens a clause of its own, not one a reporting verb
    governs: "whom he described as", "Stevens says, but she cautions", "When Trump suggested …,
    Rubio fired back"."""
    m = next((i for i, t in enumerate(tokens) if t.start == inner.mention_start), None)
    if not m:
        return False
    if tokens[m].lower == "who":
        return True   # "said Jason Ervin, who thinks Emanuel “…”"
    opener = tokens[m - 1]
    if opener.lower in CLAUSE_OPENERS:
        return True
    return opener.text == "," and tokens[0].lower in SUBORDINATORS


def _nearest_cue_before(tokens: list[Token], tier: str) -> Attribution | None:
    """The cue nearest the quote that has a subject. Tiers are tried in turn: speech verbs and
    "according to" (first without speech that only might happen: "the media would call him"),
    then cue nouns ("in a statement"), then verbs of stance (think, want)."""
    modal = tier == "speech-modal"
    tier = "speech" if modal else tier
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        if tok.lower not in CUE_WORDS and not _shot_back(tokens, k):
            continue   # (fast path: most words are no cue)
        if tier == "speech" and not modal and k > 0 and tokens[k - 1].lower in MODALS:
            continue
        if tier == "speech" and tok.lower == "according" and k + 1 < len(tokens) and tokens[k + 1].lower == "to":
            sub = _subject_forward(tokens, k + 2, "according to", tok.start, "according")
            if sub:
                return sub
        if _object_of_verb(tokens, k) or _naming_participle(tokens, k) or \
                (_reads_as_noun(tokens, k) and not _is_cue_noun(tokens, k)):
            continue
        speech = tok.lower in SPEECH_VERBS or _shot_back(tokens, k)
        if tier == "speech" and not speech and _is_cue_verb(tok) and _after_relative_who(tokens, k):
            speech = True   # "said Jason Ervin, who thinks Emanuel “…”": the nearer clause's
        is_verb = (_is_cue_verb(tok) or _shot_back(tokens, k)) and speech == (tier == "speech")
        if is_verb and tier != "noun":
            attr = _verb_subject(tokens, k)
        elif tier == "noun" and _is_cue_noun(tokens, k):
            attr = _subject_before(tokens, k)
        else:
            continue
        if attr:
            return attr
    return None


def _after_relative_who(tokens: list[Token], k: int) -> bool:
    """A cue verb in a non-restrictive relative clause: "X, who (also) thinks …"."""
    j = k
    while j > 0 and is_adverb(tokens[j - 1]):
        j -= 1
    return j > 1 and tokens[j - 1].lower == "who" and tokens[j - 2].text == ","


def _parenthetical_inversion(tokens: list[Token], k: int) -> Attribution | None:
    """"The paradox of Nancy, says Carl Anthony, a historian, is that she was “…”"."""
    if not (0 < k < len(tokens) - 1 and tokens[k - 1].text == "," and tokens[k].lower in PARENTHETICAL_VERBS):
        return None
    sub = _subject_forward(tokens, k + 1, tokens[k].text, tokens[k].start, "before")
    if sub is None or sub.kind != "name" or not all(
            t.is_cap or not t.is_word or t.lower in NAME_PARTICLES
            for t in tokens[k + 1:] if t.start < sub.mention_end):
        return None
    after = next((i for i, t in enumerate(tokens) if t.start >= sub.mention_end), len(tokens))
    return sub if after < len(tokens) and tokens[after].text == "," else None


def _naming_participle(tokens: list[Token], k: int) -> bool:
    """"a short film called “…”", "the tax loophole called an “…”": a noun named, not a speaker."""
    if tokens[k].lower not in ("called", "dubbed", "labeled", "labelled", "named", "titled", "entitled"):
        return False
    if k < 2 or not tokens[k - 1].is_word or tokens[k - 1].is_cap or pronoun_of(tokens[k - 1]) or \
            is_adverb(tokens[k - 1]) or tokens[k - 1].lower in CLAUSE_BREAKERS:
        return False
    if any(t.is_word and t.lower not in DETERMINERS for t in tokens[k + 1:]):
        return False   # "the prince called for …", "commentators called him …": a verb
    return tokens[k - 1].lower not in ROLE_NOUNS and any(t.lower in DETERMINERS for t in tokens[max(0, k - 4):k - 1])


def _noun_phrase_head(tokens: list[Token], k: int) -> bool:
    """Whether the cue word at ``k`` ends a noun phrase opened by an article or a number one to
    three words before it, none of them a person ("the ad claims" is a subject and its verb), or
    by a preposition and one modifier."""
    if k >= 2 and tokens[k - 2].lower in PREPOSITIONS and tokens[k - 1].is_word and not tokens[k - 1].is_cap \
            and not pronoun_of(tokens[k - 1]):
        return True   # "by executive order", "the use of executive orders": a preposition's object
    for opener in range(k - 2, max(-1, k - 4), -1):
        between = tokens[opener + 1:k]
        if tokens[opener].lower in ("a", "an", "the") or tokens[opener].text.isdigit():
            return all(t.is_word and not pronoun_of(t) and clean_word(t.text).lower() not in ROLE_NOUNS
                       and (not is_adverb(t) or t.lower.endswith("ly") and t is not between[-1])
                       for t in between)   # "a heavily Democratic state"
    return False


QUOTE_MARKS = frozenset(OPENERS) | frozenset(CLOSERS) | {'"', "'"}


def _leads_into_quote(tokens: list[Token], k: int) -> bool:
    """Whether the noun at ``k`` introduces the quote that follows: "his claim that …", "her
    statement about …", "the memo:" (or the quote follows it at once) — with no other quote
    between them ("Fitton called Clinton's assertion of a “…” over her emails “…”": the second
    is Fitton's)."""
    rest = tokens[k + 1:]
    if any(t.text in QUOTE_MARKS for t in rest):
        return False
    return not rest or rest[0].lower in ("that", "about", "of") or rest[0].text == ":"


def _object_of_verb(tokens: list[Token], k: int) -> bool:
    """"Priebus called Clinton's remarks a “new low”": a possessed cue noun right after a cue verb
    is what the verb's subject speaks of, not a cue of its own."""
    def possessive(tok: Token) -> bool:
        return tok.text.endswith(("’s", "'s")) or tok.lower in ("his", "her", "their")

    j = k - 1
    if j > 1 and not possessive(tokens[j]) and tokens[j].is_word and not tokens[j].is_cap:
        j -= 1   # "Trump's repeated calls"
    if j < 1 or not possessive(tokens[j]):
        return False
    while j > 0 and tokens[j - 1].is_cap and is_name_word(tokens[j - 1]) and k - j < 5:
        j -= 1
    if j > 0 and _is_cue_verb(tokens[j - 1]):
        return True   # (also "Aske called Voss's claim that the quay was finished “a fairy tale”")
    # "Ryan's campaign shrugged off Trump's comments, telling reporters": a possessed noun of
    # speech inside the sentence (not "In Trump's words, …") is spoken of, not speaking.
    return j > 0 and tokens[k].lower in SPOKEN_NOUNS and tokens[j - 1].is_word and not tokens[j - 1].is_cap \
        and tokens[j - 1].lower != "in" and not _leads_into_quote(tokens, k)


def _verb_subject(tokens: list[Token], k: int) -> Attribution | None:
    """The subject of the cue verb at ``k``: before it, or the sentence's for participles and
    coordinated verbs, or after it ("said Smith")."""
    tok = tokens[k]
    # "Trump is questioning whether …": a progressive verb, not a participle phrase
    participle = tok.lower in PARTICIPLE_CUES and not (
        k > 0 and tokens[k - 1].lower in ("is", "was", "are", "were") and tok.lower in SPEECH_VERBS)
    inverted = _parenthetical_inversion(tokens, k)
    if inverted:
        return inverted
    sub = None if participle else _subject_before(tokens, k)
    if sub:
        return sub
    if participle:
        published = _publisher(tokens, k) or _with_absolute(tokens, k)
        if published:   # "Smith released a statement saying …", "… with Trump reportedly yelling"
            return published
        earlier = _nearest_cue_before(tokens[:k], "speech")  # "…, Nefzi said, adding, “…”"
        nearer = _clause_pronoun(tokens, k)   # "X thanked them, and he sounded a note, saying"
        if nearer and (earlier is None or earlier.cue_start is None or nearer.mention_start > earlier.cue_start):
            nearer.cue, nearer.cue_start = tok.text, tok.start
            return nearer
        if earlier and earlier.kind != "description":
            return Attribution(earlier.mention_start, earlier.mention_end, earlier.mention,
                               tok.text, tok.start, "before", earlier.name_start, earlier.name_end)
    if not participle and _after_conjunction(tokens, k):
        sub = _coordinated_subject(tokens, k)   # "… , he laughed and said"
        if sub:
            return sub
    if participle or _after_conjunction(tokens, k):
        lead = _sentence_subject(tokens, k)
        if lead:
            return lead
    if k + 1 < len(tokens) and not participle and tok.lower in INVERTING_VERBS and \
            (k == 0 or not tokens[k - 1].is_word or tokens[k - 1].lower == "as"):
        sub = _subject_forward(tokens, k + 1, tok.text, tok.start, "before")
        if sub and sub.kind == "name":
            return sub  # "Said Smith: …" / "as said Smith, …"
    return None


def _with_absolute(tokens: list[Token], k: int) -> Attribution | None:
    """"…, with Trump reportedly yelling: “…”", "with many marchers chanting “…”": the noun
    phrase after "with" does the participle."""
    end = k
    while end > 0 and is_adverb(tokens[end - 1]):
        end -= 1
    for w in range(end - 1, max(-1, end - 7), -1):
        if tokens[w].lower == "with":
            if w + 1 < end and looks_like_subject(tokens[w + 1:end], loose=True):
                return _make(tokens, w + 1, end, tokens[k], "before")
            return None
        if not tokens[w].is_word or tokens[w].lower in CLAUSE_BREAKERS and tokens[w].lower not in ("of",):
            return None
    return None


def _publisher(tokens: list[Token], k: int) -> Attribution | None:
    """"X released a statement saying", "his campaign sent out a text message to supporters
    saying": the subject of the verb of publishing a few words before the participle."""
    for j in range(k - 1, max(-1, k - 8), -1):
        tok = tokens[j]
        if tok.text in (",", ";", ":") or (tok.lower in CLAUSE_BREAKERS and tok.lower not in ("to", "out", "on")):
            return None
        if tok.lower in PUBLISHING_VERBS and not tok.is_cap:
            sub = _subject_before(tokens, j)
            if sub:
                sub.cue, sub.cue_start = tokens[k].text, tokens[k].start
            return sub
    return None


def _coordinated_subject(tokens: list[Token], k: int) -> Attribution | None:
    """The subject of the verb just before "and" in "X laughed and said" (one word, a verb), or
    the pronoun opening the clause "and" ends: "… when he brought up the bombing and later said"."""
    j = k
    while j > 0 and is_adverb(tokens[j - 1]):
        j -= 1
    conj, verb = j - 1, j - 2
    sub = None
    if verb >= 1 and tokens[verb].is_word and not tokens[verb].is_cap and tokens[verb].lower not in CLAUSE_BREAKERS \
            and tokens[verb].lower.endswith(("ed", "s")):   # a verb in the past or present
        sub = _subject_before(tokens, verb)
    if sub is None or sub.kind not in ("pronoun", "name"):
        sub = _clause_pronoun(tokens, conj)
    if sub is None:
        return None
    sub.cue, sub.cue_start = tokens[k].text, tokens[k].start
    return sub


def _clause_pronoun(tokens: list[Token], end: int) -> Attribution | None:
    """The personal pronoun that opens the nearest clause before ``end``: ", and he …", "when she …"."""
    for j in range(end - 1, max(-1, end - 15), -1):
        tok = tokens[j]
        if tok.text in (";", ":") or tok.text in ("“", "”", "\""):
            return None
        if pronoun_of(tok) in ("he", "she", "they") and \
                (j == 0 or tokens[j - 1].text == "," or tokens[j - 1].lower in ("when", "as", "and", "but")):
            return Attribution(tok.start, tok.end, tok.text, None, None, "before")
    return None


def _after_conjunction(tokens: list[Token], k: int) -> bool:
    """"Smith arrived late and acknowledged that …": the subject is the sentence's."""
    j = k
    while j > 0 and is_adverb(tokens[j - 1]):
        j -= 1
    return j > 0 and tokens[j - 1].lower in ("and", "but", "then")


def _colon_lead(tokens: list[Token], is_someone=None) -> Attribution | None:
    """Trump on Twitter: “…” — a colon right before the quote with a name shortly before it."""
    if tokens[-1].text != ":" or len(tokens) < 2:
        return None
    base = max(0, len(tokens) - 9)
    window = tokens[base: len(tokens) - 1]
    if any(_is_cue_verb(t) and not _reads_as_noun(tokens, i) and (i >= base or t.lower in SPEECH_VERBS)
           for i, t in enumerate(tokens[:-1])):
        return None  # the verb rule handles it ("As Pollak reported after …, in San Bernardino:")
    whole = subject_start(tokens, len(tokens) - 1) if tokens[-2].is_cap else None
    if whole == 0 and len(tokens) > 3:   # "Former secretary of state Hillary Rodham Clinton: “…”"
        return _make(tokens, 0, len(tokens) - 1, tokens[-1], "colon")
    owners = [k for k, t in enumerate(window) if t.text.endswith(("’s", "'s")) and is_name_word(t)]
    if not owners:   # "Sanders responded with a phrase that could have come from Trump: “…”"
        lead = _sentence_subject(tokens, len(tokens) - 1)
        if lead and (lead.kind == "pronoun" or lead.kind == "name" and is_someone and is_someone(lead)):
            lead.cue, lead.how = ":", "colon"
            return lead
    order = owners + list(range(len(window) - 1, -1, -1))  # "From Bush's Facebook post:" -> Bush
    for k in order:
        if window[k].is_cap and is_name_word(window[k]) and window[k].text.rstrip(".").lower() not in TITLES:
            start = k
            while start > 0 and (window[start - 1].is_cap and is_name_word(window[start - 1])
                                 or joins_names(window, start - 1)):
                start -= 1   # "Frank Newport and Jim Harter:"
            found = Attribution(window[start].start, window[k].end, _span_text(window[start:k + 1]),
                                ":", tokens[-1].start, "colon")
            if window[start] is tokens[0] and start == k and len(window) > 3 and is_someone and not is_someone(found):
                continue   # "Estimates vary …:": a capital only because the sentence starts there
            return found
    lead = _sentence_subject(tokens, len(tokens) - 1)  # "…, then leaned in and boomed: “…”"
    if lead and lead.kind == "name" and is_someone and not is_someone(lead):
        return None   # "Estimates vary …: “…”"
    if lead:
        lead.cue, lead.how = ":", "colon"
    return lead


def _subject_before(tokens: list[Token], k: int) -> Attribution | None:
    """The subject of the cue verb at ``k``, walking back over adverbs and an appositive."""
    cue = tokens[k]
    end = k
    if _is_cue_noun(tokens, k):
        if _issued(tokens, k):
            return _subject_before(tokens, k - 2)
        return _cue_noun_subject(tokens, k)
    while end > 0 and is_adverb(tokens[end - 1]):
        end -= 1
    end = skip_time_phrase(tokens, end)
    if end == 0:
        return None
    relative = None
    if tokens[end - 1].lower == "who" and end > 1:
        relative = tokens[end - 1]  # "a candidate who has called for …", "Smith, who said …"
        end -= 1
        if tokens[end - 1].text == ",":
            end -= 1
        if end == 0:
            return None
    if tokens[end - 1].text == ",":
        opening = appositive_start(tokens, end - 1)
        if opening is None:
            opening = named_before_long_appositive(tokens, end - 1)
        if opening is None and end > 1 and is_name_word(tokens[end - 2]):
            opening = end - 1  # "Gov. John Kasich, said"
        if opening is None:
            return None
        if opening < end - 1 and not tokens[opening - 1].is_cap and names_person(tokens[opening + 1:end - 1]):
            return _make(tokens, opening + 1, end - 1, cue, "before")   # "Carson's manager, Armstrong Williams, said"
        end = first_of_stacked(tokens, opening)
    start = subject_start(tokens, end)
    if start is None or (start > 1 and tokens[start - 1].lower == "by" and tokens[start - 2].lower.endswith("ed")):
        outer, outer_end = subject_before_clause(tokens, end)
        if outer is None and start is None:
            return None
        if outer is not None:
            start, end = outer, outer_end
    if start > 1 and tokens[start - 1].lower in ("in", "on", "at", "during") and not tokens[start].is_cap:
        # "… and in a statement credited him", "Trump in his announcement speech called": a phrase
        # of place or manner, not the subject; the subject stands before it
        if tokens[start - 2].lower in ("and", "but", "then"):
            return _sentence_subject(tokens, k)
        end = start - 1
        start = subject_start(tokens, end)
        if start is None or not (tokens[end - 1].is_cap or pronoun_of(tokens[end - 1])):
            return None
    start, end = unclosed_appositive(tokens, start, end)
    start = name_before_of(tokens, start)
    start, end = behind_participle_phrase(tokens, start, end)
    attr = _make(tokens, start, end, cue, "before")
    if relative is not None:  # the mention is "who"; the name it stands for is the speaker
        attr.name_start, attr.name_end = attr.mention_start, attr.mention_end
        attr.mention_start, attr.mention_end, attr.mention = relative.start, relative.end, relative.text
    return attr


def _cue_noun_subject(tokens: list[Token], k: int) -> Attribution | None:
    """X said in a statement / in an interview with X / X's statement."""
    owner = possessor(tokens, k)
    if owner is not None and (owner == k - 1 or tokens[k].lower in NOUNABLE or tokens[k].lower in CUE_NOUNS):
        start = subject_start_possessive(tokens, owner)
        if start is not None:
            return _make(tokens, start, owner + 1, tokens[k], "before")   # "Podliska’s most explosive claim"
    return None


# Words that open a phrase before a sentence's subject ("Alongside the union's calls, Voss said"):
# conjunctions, prepositions, sentence adverbs and participles ("Speaking in Salem, …").
LEADING_WORDS = frozenset("""in at on after before during while when since although though as because
if with without for from by despite following asked speaking last earlier later in addition
meanwhile still yet instead now then also like unlike amid amidst under however moreover indeed
alongside among across around against behind beyond beside besides between through throughout
toward towards upon within over until via regarding concerning""".split())


def _sentence_subject(tokens: list[Token], k: int) -> Attribution | None:
    """The subject of the sentence's main clause, for “…, adding that …” and "X came and said"."""
    i = _main_clause_start(tokens, k)
    while i < k and tokens[i].lower in ("but", "and", "yet", "so", "then", "now", "still"):
        i += 1
    if i >= k:
        return None
    tok = tokens[i]
    if tok.lower in LEADING_WORDS or tok.lower in CLAUSE_BREAKERS or tok.lower in ("given", "unlike", "it", "there"):
        return None   # "When Trump finally wrapped up — “…”": no main clause before the quote
    if pronoun_of(tok) and tok.lower != "it":
        return Attribution(tok.start, tok.end, tok.text, tokens[k].text, tokens[k].start, "before")
    if not (tok.is_cap and is_name_word(tok) or tok.lower in DETERMINERS or tok.is_cap):
        return None
    j = i
    while j < k and (tokens[j].is_cap or tokens[j].lower in DETERMINERS or tokens[j].lower in NAME_PARTICLES
                     or clean_word(tokens[j].text).lower() in ROLE_NOUNS or tokens[j].lower in SUBJECT_MODIFIERS
                     or (j > i and (tokens[j - 1].lower in DETERMINERS or tokens[j - 1].text.endswith(("’s", "'s")))
                         and role_follows(tokens, j))
                     or (j > i and tokens[j - 1].is_cap and j + 1 < k and tokens[j].is_word and not tokens[j].is_cap
                         and tokens[j + 1].lower in ROLE_NOUNS and not tokens[j].lower.endswith("ed")
                         and not _is_cue_verb(tokens[j]))):   # "Clinton campaign chairman", not "Veld says people"
        j += 1
    if j > i and j + 1 < k and tokens[j].lower in ("for", "of") and clean_word(tokens[j - 1].text).lower() in ROLE_NOUNS \
            and tokens[j + 1].is_cap and is_name_word(tokens[j + 1]):
        j += 1   # "Attorneys for Clinton appeared to oppose it, saying"
        while j < k and tokens[j].is_cap and is_name_word(tokens[j]):
            j += 1
    if j > i and j < k and looks_like_subject(tokens[i:j]) and (tokens[j].is_word or tokens[j].text == ","):
        return _make(tokens, i, j, tokens[k], "before")
    return None


def speaker_who_spoke(tokens: list[Token]) -> Attribution | None:
    """"… since Trump spoke only in evasive bromides during the interview." — the subject of
    "spoke" in the sentence before paragraphs of bare quotes ("spoke" is no cue inside a sentence:
    "spoke to “Kessel This Morning”" names a show)."""
    k = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].lower in ("spoke", "speaks")), None)
    if k is None:
        return None
    sub = _subject_before(tokens, k)
    if sub is None or sub.kind not in ("name", "pronoun"):
        return None
    sub.cue, sub.cue_start = tokens[k].text, tokens[k].start
    return sub


def sentence_subject(tokens: list[Token]) -> Attribution | None:
    """"Gorka also made the point that … “…”": with no cue at all, the subject of the sentence
    that leads up to the quote (a name or a pronoun), as the speaker."""
    tokens = strip_parentheticals(tokens)
    if len(tokens) < 3:
        return None
    attr = _sentence_subject(tokens, len(tokens) - 1)
    if attr is None or attr.kind not in ("name", "pronoun") and \
            clean_word(attr.mention.split()[-1]).lower() not in ROLE_NOUNS:
        return None   # a person, or a described one: "The ad targets a “…”"
    attr.cue, attr.cue_start, attr.how = None, None, "subject"
    return attr


def _main_clause_start(tokens: list[Token], k: int) -> int:
    """Skip a dateline ("WASHINGTON, Dec. 8 (UPI) — …") and opening phrases ("In a statement
    released Thursday, …", "Speaking in Salem, New Hampshire, …") up to their commas."""
    start = _after_dateline(tokens, k)
    while start < k:
        first = tokens[start]
        if first.lower in ("but", "and", "so", "yet") and start + 1 < k and tokens[start + 1].text != ",":
            first = tokens[start + 1]
        if first.lower in SENTENCE_ADVERBS and start + 1 < k and tokens[start + 1].text != "," \
                and tokens[start + 1].lower not in LEADING_WORDS:
            return start + 1   # "Then he cut into Bush, calling him …" (not "Later on Sunday, …")
        comma = next((j for j in range(start + 1, k) if tokens[j].text == ","), None)
        adverb_participle = first.lower.endswith("ly") and start + 1 < k and tokens[start + 1].lower.endswith("ing")
        if not (first.lower in LEADING_WORDS or first.lower.endswith("ing") or adverb_participle
                or time_phrase(tokens[start:comma or k])):
            return start
        while comma is not None and _place_follows(tokens, comma, k):
            comma = next((j for j in range(comma + 1, k) if tokens[j].text == ","), None)
        if comma is None:
            return start
        start = comma + 1
    return start


SENTENCE_ADVERBS = frozenset("then now still yet meanwhile instead also later earlier first finally".split())


def _after_dateline(tokens: list[Token], k: int) -> int:
    """A dateline in capitals closed by a dash ("KESSEL, Dec. 8 (UPI) — …"): where the sentence starts."""
    if not tokens or not tokens[0].text.isupper() or len(tokens[0].text) < 3:
        return 0
    dash = next((j for j in range(1, min(k, 14)) if tokens[j].text in ("—", "–")), None)
    return dash + 1 if dash is not None else 0


def _place_follows(tokens: list[Token], comma: int, k: int) -> bool:
    """"in Salem, New Hampshire, …": the words after this comma finish a place name."""
    nxt = next((j for j in range(comma + 1, min(k, comma + 4)) if tokens[j].text == ","), None)
    return nxt is not None and is_place_tail(tokens, comma, nxt)


def strip_parentheticals(tokens: list[Token]) -> list[Token]:
    """Drop short (...) asides: "Sen. Ted Cruz (R-Tex.) said" reads as "Sen. Ted Cruz said"; and
    dashed ones before a cue verb: "A former candidate -- John McCain, who lost in 2008 -- said"."""
    tokens = _strip_dashed_aside(tokens)
    if not any(t.text == "(" for t in tokens):
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if tokens[i].text == "(":
            close = next((j for j in range(i + 1, min(len(tokens), i + 10)) if tokens[j].text == ")"), None)
            if close is not None:
                i = close + 1
                continue
        out.append(tokens[i])
        i += 1
    return out


def _dash_at(tokens: list[Token], i: int) -> int:
    """How many tokens the dash at ``i`` takes ("—", "–" or "--"), 0 if none."""
    if tokens[i].text in ("—", "–"):
        return 1
    if tokens[i].text == "-" and i + 1 < len(tokens) and tokens[i + 1].text == "-" and \
            tokens[i].end == tokens[i + 1].start:
        return 2
    return 0


def _strip_dashed_aside(tokens: list[Token]) -> list[Token]:
    """A parenthesis between dashes right before a cue verb: "A candidate -- X, who lost -- said"."""
    if not any(t.text in ("—", "–", "-") for t in tokens):
        return tokens
    for i in range(1, len(tokens)):
        width = _dash_at(tokens, i)
        if not width or not tokens[i - 1].is_word:
            continue
        for j in range(i + width, min(len(tokens), i + width + 25)):
            close = _dash_at(tokens, j)
            if close:
                after = _skip_adverbs(tokens, j + close)
                if after < len(tokens) and _is_cue_verb(tokens[after]) and j > i + width:
                    return tokens[:i] + tokens[j + close:]
                break
    return tokens


# --- shared -----------------------------------------------------------------------------------

def _is_cue_verb(tok: Token) -> bool:
    """A verb of speech or stance in lower case (a capital is a name: "Will", "Price"); said/says always."""
    low = tok.lower
    return (low in SPEECH_VERBS or low in STANCE_VERBS or low in ("put", "puts")) and not tok.is_cap \
        or low in ("said", "says")


def _is_verb_here(tokens: list[Token], j: int) -> bool:
    """A cue verb at ``j``, unless it reads as a noun here ("the report", "his answer"); or
    "went on" closing the clause ("…,” Trump went on, as if …)."""
    if tokens[j].lower in ("went", "goes") and j + 1 < len(tokens) and tokens[j + 1].lower == "on" and \
            (j + 2 == len(tokens) or not tokens[j + 2].is_word):
        return True
    if _shot_back(tokens, j):
        return True   # “…,” Bennett shot back
    return _is_cue_verb(tokens[j]) and not _reads_as_noun(tokens, j, in_phrase=False)


def _reads_as_noun(tokens: list[Token], k: int, in_phrase: bool = True) -> bool:
    """Whether the cue word at ``k`` is a noun or a particle here, not a verb: after a determiner
    ("the report", "walked back the comments"), after a preposition ("the secretary of state";
    "by saying" is a cue), the particle of "walked back", or (``in_phrase``) ending a noun phrase
    ("a rare note of", "22 Clinton emails"). Right after a quote, "the Saudis state" is a subject
    and its verb, so there ``in_phrase`` is off."""
    tok, prev = tokens[k], tokens[k - 1].lower if k > 0 else ""
    owner = possessor(tokens, k)
    if owner is not None and owner < k - 1 and tok.lower not in NOUNABLE and tok.lower not in CUE_NOUNS:
        owner = None   # "Ryan’s office said": the possessive is the subject's, "said" a verb
    possessed = owner is not None and (owner < k - 1 or not tok.lower.endswith(("ed", "id", "ld")) or
                                       tokens[owner].lower.endswith(("s’", "s'"))) \
        and not (k + 1 < len(tokens) and tokens[k + 1].lower in ("that", ":"))   # "Trump's claim that “…”" is a cue
    return prev in NOUN_DETERMINERS or possessed and not pronoun_of(tokens[k - 1]) \
        or (prev in PREPOSITIONS and prev != "to" and not tok.lower.endswith("ing")) \
        or (in_phrase and tok.lower in NOUNABLE and _noun_phrase_head(tokens, k))


def _is_cue_noun(tokens: list[Token], k: int) -> bool:
    """"in a statement", "in an interview", "Smith's statement"."""
    low = tokens[k].lower
    if low not in CUE_NOUNS or low == "told":
        return False
    prev = [t.lower for t in tokens[max(0, k - 4):k]]
    return "in" in prev or possessor(tokens, k) is not None or _issued(tokens, k)   # (low is a noun here)


def _issued(tokens: list[Token], k: int) -> bool:
    """"Smith issued a statement, “…”": a verb of publishing, a determiner, the cue noun."""
    return k >= 2 and tokens[k - 1].lower in DETERMINERS and tokens[k - 2].lower in PUBLISHING_VERBS


def _skip_adverbs(tokens: list[Token], j: int) -> int:
    while j < len(tokens) and is_adverb(tokens[j]):
        j += 1
    return j


def _make(tokens: list[Token], start: int, end: int, cue: Token, how: str) -> Attribution:
    toks = tokens[start:end]
    return Attribution(toks[0].start, toks[-1].end, _span_text(toks), cue.text, cue.start, how)


def _span_text(toks: list[Token]) -> str:
    out = ""
    for i, t in enumerate(toks):
        if i and t.start > toks[i - 1].end:
            out += " "
        out += t.text
    return out


def term_lead(before_text: str) -> bool:
    """Is the quote introduced as a name or label (so-called “…”, known as “…”)?"""
    tail = before_text[-40:].lower().rstrip(" \u00a0")
    return any(tail.endswith(lead) for lead in TERM_LEADS)
