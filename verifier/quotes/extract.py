"""Quotes: every quotation in an article, as a statement with its speaker or as a term.

Owns the ``Quote`` record and ``extract_quotes``, which runs the stages: quotation marks
(``quotemarks``), sentences (``sentences``), cues and speaker mentions (``attribution``), names
(``people``), the article's entities and the ranking of who a pronoun or description stands for
(``entities``, ``resolve``) — and carries a speaker from one quote to the next (split quotes, a
quote in the paragraph after its speaker was introduced).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from verifier.budget import spend
from verifier.quotes.attribution import (Attribution, attribution_after, attribution_before, dash_attribution,
                                  participle_lead_subject, sentence_subject, speaker_who_spoke, strip_parentheticals,
                                  term_lead)
from verifier.quotes.lexicon import (ABBREVIATIONS, DETERMINERS, DOUBTING_VERBS, INDEFINITE_PRONOUNS,
                                     OBJECT_PRONOUNS, REPLY_VERBS, ROLE_NOUNS, SPEECH_VERBS, TITLES)
from verifier.quotes.entities import EntityTable
from verifier.quotes.people import People, clean_word, from_first_name, is_name_word, split_title, title_before_of
from verifier.quotes.phrases import abbreviation_dot, pronoun_of, time_phrase
from verifier.quotes.quotemarks import QuotedSpan, find_quoted_spans, paragraphs
from verifier.quotes.resolve import BODY_NOUNS, Case, Resolver
from verifier.quotes.sentences import Sentences, Token, TokenIndex, after_abbreviation, mask_quotes, tokenize

STATEMENT, TERM = "statement", "term"
AFTER_WINDOW = 240
BEFORE_WINDOW = 400
BEFORE_TOKENS = 80
SPEAKERS_LOOK_BACK = 256   # the attributed quotes before a mention that rank its candidates
CARRY_SENTENCES = 2        # a quote's speaker carries to a later quote in its paragraph this many
                           # sentences on; further, the speaker is a guess (how: "nearby")


@dataclass
class Quote:
    """One quotation; offsets index the article's plain text, without the quotation marks."""

    start: int
    end: int
    text: str
    kind: str = STATEMENT
    speaker: str | None = None
    speaker_mention: dict | None = None  # {"start", "end", "text"}
    cue: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None  # where the quoted words end in the original file
    end_column: int | None = None
    continues: bool = False  # goes on in the next paragraph
    continued: bool = False  # goes on from the previous paragraph
    how: str = field(default="", repr=False)
    # the speaker is the one person the article gave the description's role ("the mayor" after
    # "Mayor Tom Aske"), not a guess among those named before it
    role_given: bool = field(default=False, repr=False)

    @property
    def who(self) -> str:
        """For people to read: the speaker's name, else the article's description in
        parentheses ("(the Florida senator)"), else "(unknown speaker)"."""
        if self.speaker:
            return self.speaker
        mention = self.speaker_mention or {}
        description = mention.get("description") or mention.get("text")
        return f"({description})" if description else "(unknown speaker)"

    def to_json(self) -> dict:
        out = {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
               "speaker": self.speaker, "speaker_mention": self.speaker_mention, "cue": self.cue,
               "line": self.line, "column": self.column}
        if self.end_line is not None:
            out["end_line"], out["end_column"] = self.end_line, self.end_column
        if self.continues:
            out["continues"] = True
        if self.continued:
            out["continued"] = True
        return out


def extract_quotes(text: str, *, double_apostrophes: bool = False) -> list[Quote]:
    """All quotations in ``text`` in order, statements attributed, terms marked ``kind="term"``.

    ``double_apostrophes`` reads '' as a double quotation mark (see ``find_quoted_spans``).
    """
    return _Extractor(text, double_apostrophes).run()


def extract_with_resolutions(text: str, weights: dict | None = None) -> tuple[list[Quote], list[Case]]:
    """``extract_quotes``, ranking pronouns and descriptions with ``weights`` (default: the
    shipped ones), with every resolution made: its candidates and their features (for fitting
    the weights, ``benchmarks/fit_resolution.py``, and for explaining a choice)."""
    extractor = _Extractor(text, weights=weights)
    return extractor.run(), extractor.resolver.cases


def is_description(speaker: str) -> bool:
    """A phrase that describes a speaker rather than names one: it starts with a determiner and
    ends in a common noun ("the man", "the Florida senator", "a source"), or is all lower case
    ("critics"). "the Heritage Foundation" ends in a name, and stays."""
    words = speaker.replace("’", "'").split()
    head = re.sub(r"'s?$", "", words[-1]) if words else ""
    if words and words[0].lower() in DETERMINERS and _role_of_named(tokenize(speaker)):
        return True   # "the former aide to President Bush": a description ending in a name
    return bool(words) and (words[0].lower() in DETERMINERS or speaker.islower()) and head[:1].islower()


class _Extractor:
    def __init__(self, text: str, double_apostrophes: bool = False, weights: dict | None = None):
        self.text = text
        self.spans = find_quoted_spans(text, double_apostrophes=double_apostrophes)
        self.masked = mask_quotes(text, self.spans)
        self.sentences = Sentences(text, self.masked, self.spans)
        self.paragraphs = paragraphs(text)
        self._para_starts = [p[0] for p in self.paragraphs]
        self.index = TokenIndex(self.masked)
        self.people = People(self.index.tokens, self.masked)
        self.entities = EntityTable(self.people, self.index.tokens, self.sentences, self._para_starts)
        self.resolver = Resolver(self.entities, weights)
        self.quotes: list[Quote] = []
        self._mid_sentence: set[int] = set()   # quotes with words before them in their sentence
        self._role_given: set[int] = set()     # descriptions resolved to whom the article gave their role
        self._next_sentence_cue: set[int] = set()   # quotes whose cue after them was the next sentence's
        self._speakers: list[tuple[int, str]] = []   # (mention start, name) of named statements,
        self._speaker_quote_starts: list[int] = []   # and where each of their quotes starts

    def run(self) -> list[Quote]:
        para_index = 0
        for n, span in enumerate(self.spans):
            while para_index + 1 < len(self.paragraphs) and self.paragraphs[para_index][1] <= span.start:
                para_index += 1
            spend()   # the input's CPU budget, if it has one
            self.quotes.append(self._quote(n, span, para_index))
            self._note_speaker(self.quotes[-1])
        self._fill_unattributed()
        for quote in self.quotes:
            if quote.speaker and is_description(quote.speaker):
                self._keep_description(quote)
        return self.quotes

    @staticmethod
    def _keep_description(quote: Quote) -> None:
        """A description is not a name: ``speaker`` becomes None, and ``speaker_mention`` keeps
        the description — as its text, or, when the mention is a word standing for it ("One
        councillor familiar with the talks, who said …"), as its ``description``."""
        mention = dict(quote.speaker_mention or {"text": quote.speaker})
        if mention.get("text") != quote.speaker:
            mention["description"] = quote.speaker
        quote.speaker_mention, quote.speaker = mention, None

    def _fill_unattributed(self) -> None:
        """A statement nobody was found for takes the speaker of the next quote in its paragraph
        (“A.” “B,” she said.), else of the quote before it in this or the previous paragraph."""
        paras = [self._paragraph_of(q.start) for q in self.quotes]
        for n, quote in enumerate(self.quotes):
            if quote.kind != STATEMENT or quote.speaker_mention is not None:
                continue
            m, how = self._donor(n, paras, range(n + 1, len(self.quotes)), paras[n]), "next"
            if m is None and n not in self._mid_sentence:   # a quote inside a sentence that
                m, how = self._donor(n, paras, range(n - 1, -1, -1), paras[n] - 1), "nearby"   # names no one
            if m is not None:
                donor = self.quotes[m]
                quote.speaker, quote.speaker_mention, quote.cue = donor.speaker, dict(donor.speaker_mention), donor.cue
                quote.role_given = donor.role_given
                # “A.” “B,” she said. — A is hers by the article's convention; sentences apart, a guess
                near = how == "next" and donor.how != "nearby" and \
                    self._sentences_between(self.spans[n], self.spans[m]) <= CARRY_SENTENCES
                quote.how = "next" if near else "nearby"

    # --- one quote ------------------------------------------------------------------------------
    def _quote(self, n: int, span: QuotedSpan, para: int) -> Quote:
        quote = Quote(span.start, span.end, self.text[span.start:span.end],
                      continues=span.continues, continued=span.continued)
        if not any(ch.isalnum() for ch in quote.text):
            quote.kind = TERM  # only marks and punctuation: nothing was said
            return quote
        before_text, before, follows_quote = self._before(n, span, para)
        if any(t.is_word for t in before):
            self._mid_sentence.add(n)
        if term_lead(before_text):
            quote.kind = TERM
            return quote
        attr = self._cued(n, span, para, before, follows_quote)
        if attr is None:
            attr = self._inherited(n, span, para, before)
        if attr is None and (self._is_sentence_like(span) or n in self._next_sentence_cue):
            attr = self._known_subject(before) or Attribution(None, None, None, None, None, "none")
        if attr is None or self._looks_like_title(span, before_text, attr):
            quote.kind = TERM
            return quote
        self._attribute(quote, attr)
        return quote

    def _known_subject(self, before: list[Token]) -> Attribution | None:
        """With no cue, the sentence's subject if it is a pronoun or a person the article names
        ("Thirteen years earlier, …" and "Good information …" are no one)."""
        attr = sentence_subject(before)
        if attr is None or clean_word(attr.mention.split()[-1]).lower() in ROLE_NOUNS:
            return attr
        return attr if self._is_someone(attr) else None

    def _cued(self, n: int, span: QuotedSpan, para: int, before: list[Token],
              follows_quote: bool = False) -> Attribution | None:
        """A cue in the quote's own sentence: after it (“…,” X said) or before it (X said: “…”),
        or a dash line under it ("— Ilse Marten")."""
        return self._cued_in_sentence(n, span, para, before, follows_quote) or self._dash_line(span, para)

    def _is_someone(self, attr: Attribution) -> bool:
        """A pronoun, a phrase of two words or more, or a name the article gives a person."""
        words = (attr.mention or "").split()
        if attr.kind != "name" or len(words) != 1:
            return True
        name = self.people.resolve_name(clean_word(words[0]), attr.mention_start)
        return self.people.person(name) is not None

    def _dash_line(self, span: QuotedSpan, para: int) -> Attribution | None:
        if para + 1 >= len(self.paragraphs) or self.masked[span.end:self.paragraphs[para][1]].strip(" ”\"’'.,"):
            return None
        start, end = self.paragraphs[para + 1]
        return dash_attribution(self.index.between(start, min(end, start + 200)))

    def _cued_in_sentence(self, n: int, span: QuotedSpan, para: int, before: list[Token],
                          follows_quote: bool) -> Attribution | None:
        after_tokens = self._after(n, span, para)
        after = attribution_after(after_tokens)
        if after and not self._may_be_followed_by_cue(span, after_tokens, after):
            after = None
        if after and (_introduces_next(after_tokens, after) or self._leads_into_next(n, span, after_tokens)):
            after = None   # “… schools,” Trump said: “…” — the cue is the next quote's
        last = self.text[span.end - 1:span.end]
        ends_sentence = span.closed and (last == "." or last in "?!" and bool(before) and before[-1].text == ":")
        lead = participle_lead_subject(before, after_tokens)
        if lead:   # "Citing the attack as “…,” Will urged …": the quote is in the opening phrase
            return lead
        if after is not None and _reported_clause(before):
            # "Even as Aske claimed on Tuesday that “…,” one of the prosecutors said …": the quote
            # is what the verb before it reports; the clause after it is another's (not what one
            # denies or dismisses: "Veld dismissed reports that “…,” a spokesman said")
            reporter = attribution_before(before, self._is_someone)
            cue = (reporter.cue or "").lower() if reporter is not None else ""
            if cue in SPEECH_VERBS and cue not in DOUBTING_VERBS:
                return reporter
        if after is None or (ends_sentence and after.how == "after"):
            if follows_quote and after is not None and ends_sentence:
                return None  # “A,” Smith said. “B.” Jones said that …: B is still Smith's
            own = attribution_before(before, self._is_someone)
            if own is None and after is not None and last == "." and any(t.is_word for t in before) \
                    and not after_abbreviation(self.text, span.end - 1) and not _bare_cue(after_tokens):
                self._next_sentence_cue.add(n)   # … and that the vote “will be fair.” Brann said …:
                return None                      # the cue after it is the next sentence's
            return own or after
        return after

    def _leads_into_next(self, n: int, span: QuotedSpan, after: list[Token]) -> bool:
        """“Why now?” Mills then writes back, “You look cute.” — after a quote that ends its
        sentence, a clause ending in a comma right before the next quote introduces that quote;
        after a period, one whose verb is a reply (“… close.” Brann replied, “Nonsense.”), not a
        plain "said" (“The quay is finished.” Brann said, “Nonsense.” gives both to Brann)."""
        if not after or len(after) > 7 or after[-1].text != "," or n + 1 >= len(self.spans):
            return False
        last = self.text[span.end - 1:span.end]
        if last not in "?!" and not (last == "." and any(t.lower in REPLY_VERBS for t in after)):
            return False
        return self.spans[n + 1].start - after[-1].end <= 3

    def _may_be_followed_by_cue(self, span: QuotedSpan, after: list[Token], attr: Attribution) -> bool:
        """“…,” he said — but not “it gets me mad” every time he thinks: a cue after a quote wants
        punctuation at the seam, or a plain speech verb."""
        if self.text[span.end - 1:span.end] in ",.?!—–-…:;" or (after and not after[0].is_word):
            return True
        return attr.cue is not None and attr.cue.lower() in SPEECH_VERBS

    def _donor(self, n: int, paras: list[int], order: range, lowest_para: int) -> int | None:
        """The index of the first attributed statement in ``order`` within paragraphs
        [lowest_para, own]."""
        for m in order:
            if not lowest_para <= paras[m] <= paras[n]:
                return None
            q = self.quotes[m]
            if q.kind == STATEMENT and q.speaker_mention:
                return m
        return None

    def _is_sentence_like(self, span: QuotedSpan) -> bool:
        """Five words or more: speech even when no cue says whose (most such quotes are)."""
        return len(self.text[span.start:span.end].split()) >= 5

    def _before(self, n: int, span: QuotedSpan, para: int) -> tuple[str, list[Token], bool]:
        """The text and tokens of the quote's sentence before it, and whether the quote opens a
        sentence right after another quote's."""
        open_at = self.text.rfind(span.open_mark, 0, span.start) if span.start > 0 else 0
        while open_at > 0 and self.text[open_at].isspace():
            open_at -= 1
        sent_start, _ = self.sentences.bounds(max(open_at - 1, 0))
        start = max(sent_start, self.paragraphs[para][0], open_at - BEFORE_WINDOW)
        prev = self.quotes[-1] if self.quotes else None
        after_prev = prev and prev.end > start and (prev.speaker_mention or prev.kind == STATEMENT)
        if after_prev:
            start = min(open_at, prev.end)  # the quote before speaks for the words before it
        tokens = self.index.between(start, open_at)
        if after_prev and _ends_sentence(tokens):
            # “A,” Smith said, after Jones asked. “B” — B opens a sentence of its own; what ends
            # before it attributes A, not B (B is a split quote of Smith's).
            return "", [], True
        return self.masked[start:open_at], tokens[-BEFORE_TOKENS:], False

    def _after(self, n: int, span: QuotedSpan, para: int) -> list[Token]:
        close_at = self.text.find(span.close_mark, span.end) + len(span.close_mark) if span.closed else span.end
        end = min(self.paragraphs[para][1], close_at + AFTER_WINDOW)
        nxt = n + 1
        while nxt < len(self.spans) and self.spans[nxt].start <= end and self._inline_title(self.spans[nxt]):
            nxt += 1   # “…,” Bill East, wearing “Ted Cruz” pins, said: read on past the short title
        if nxt < len(self.spans):
            end = min(end, max(close_at, self.spans[nxt].start - 1))
        tokens = strip_parentheticals(self.index.between(close_at, end))
        if tokens and self.text[span.end - 1:span.end] in ".!?" and "\n" in self.text[close_at:tokens[0].start]:
            return []  # “… need.” on one line, a new sentence on the next: no cue of this quote's
        if tokens and self.text[span.end - 1:span.end] in ".!?" and (tokens[0].lower in SENTENCE_OPENERS
                                                                    or _opens_with_time(tokens)):
            return []  # “… a liar.” However, he held his fire …; “… company.” Last year, she said: a new sentence
        first_word = next((i for i, t in enumerate(tokens) if t.is_word), len(tokens))
        cut = next((i for i, t in enumerate(tokens) if i > first_word and t.text in ".!?;"
                    and not abbreviation_dot(tokens, i) and not _inside_word(tokens, i)), len(tokens))
        return tokens[:cut]

    def _inline_title(self, span: QuotedSpan) -> bool:
        """A short quotation of capitalised words inside a sentence ("“Ted Cruz” campaign pins")."""
        words = self.text[span.start:span.end].strip(" ,.").split()
        after = self.text[span.end:span.end + 3].lstrip("”\"’' ")
        return 0 < len(words) <= 3 and all(w[:1].isupper() for w in words) and after[:1].islower()

    # --- statements and terms ---------------------------------------------------------------------
    def _looks_like_title(self, span: QuotedSpan, before_text: str, attr: Attribution) -> bool:
        """CNN’s “State of the Union”: a short Title Case quote after a possessive or "on"."""
        words = re.findall(r"[\w'’]+", self.text[span.start:span.end])
        if not words or len(words) > 7:
            return False
        caps = [w for w in words if w[0].isupper() or w.lower() in ("of", "the", "and", "a", "in", "on", "to", "for")]
        if len(caps) < len(words) or not any(w[0].isupper() for w in words[1:] or words):
            return False
        tail = before_text.rstrip().rstrip(",:")[-30:].lower()
        return tail.endswith(("’s", "'s", " on", " in", " show", " program", " book", " film",
                              " documentary", " series", " column", " movie", " album", " song",
                              " podcast", " play", " called", " named", " titled", " dubbed")) \
            or attr.how in ("inherited", "nearby", "paragraph", "subject")

    def _inherited(self, n: int, span: QuotedSpan, para: int, before: list[Token]) -> Attribution | None:
        """A speaker carried over: split quotes, and a quote opening the paragraph after its speaker."""
        prev = self.quotes[-1] if self.quotes else None
        prev_span = self.spans[n - 1] if n else None
        carried = prev and prev.kind == STATEMENT and prev.speaker_mention and prev_span
        if carried and self._same_paragraph(prev_span, span):
            lead = next((i for i, t in enumerate(before) if t.is_word), len(before))
            after_comma = 0 < lead < len(before) and (before[lead - 1].text == "," or
                                                       self.text[prev_span.end - 1:prev_span.end] == ",")
            new_sentence = lead < len(before) and self.sentences.bounds(before[lead].start)[0] > prev_span.end
            own = self._known_subject(before[lead:]) if after_comma or new_sentence else None
            if own is not None and own.kind == "name" and own.mention_start == before[lead].start:
                return own   # … Mosman called “distasteful,” Santilli expressed a desire to “…”
            near = self._sentences_between(prev_span, span) <= CARRY_SENTENCES and prev.how != "nearby"
            return _carried(prev, "inherited" if near else "nearby")   # a guess carried on stays one
        if any(t.is_word for t in before):
            return None
        sentence = self._previous_sentence_cue(span, para)
        if sentence:
            return sentence
        if carried and self._paragraph_of(prev_span.start) >= para - 1:
            return _carried(prev, "nearby" if prev.how == "nearby" else "paragraph")
        return self._last_cue_in_paragraph(para - 1) if para > 0 else None

    def _sentences_between(self, a: QuotedSpan, b: QuotedSpan) -> int:
        """How many sentences start after quote ``a`` ends and before quote ``b`` starts."""
        return bisect.bisect_left(self.sentences.cuts, b.start) - bisect.bisect_right(self.sentences.cuts, a.end)

    def _previous_sentence_cue(self, span: QuotedSpan, para: int) -> Attribution | None:
        """Smith tweeted a warning. “Missouri: remember…” — a cue in the sentence just before."""
        para_start = self.paragraphs[para][0]
        sent_start, _ = self.sentences.bounds(max(span.start - 2, 0))
        if sent_start <= para_start:
            return None
        prev_start, _ = self.sentences.bounds(sent_start - 1)
        attr = attribution_before(self.index.between(max(prev_start, para_start), sent_start), self._is_someone)
        if attr and attr.kind != "description":
            attr.how = "paragraph"
            return attr
        return None

    def _last_cue_in_paragraph(self, para: int) -> Attribution | None:
        start, end = self.paragraphs[para]
        tokens = self.index.between(start, end)
        if tokens and tokens[-1].text == ":":
            attr = attribution_before(tokens, self._is_someone)
            if attr:
                attr.how = "paragraph"
                return attr
        # indirect speech right before: "Smith said the plan would fail." then “It's a disaster.”
        sent_start, _ = self.sentences.bounds(max(end - 2, start))
        last = self.index.between(max(sent_start, start), end)
        attr = attribution_before(last, self._is_someone) or speaker_who_spoke(last)
        if attr and attr.kind != "description":
            attr.how = "paragraph"
            return attr
        return None

    def _same_paragraph(self, a: QuotedSpan, b: QuotedSpan) -> bool:
        return self._paragraph_of(a.start) == self._paragraph_of(b.start)

    def _paragraph_of(self, pos: int) -> int:
        return self.entities.paragraph_of(pos)

    # --- speakers ---------------------------------------------------------------------------------
    def _attribute(self, quote: Quote, attr: Attribution) -> None:
        quote.cue = attr.cue
        quote.how = attr.how
        if attr.mention_start is None:
            return
        quote.speaker_mention = {"start": attr.mention_start, "end": attr.mention_end,
                                 "text": self.text[attr.mention_start:attr.mention_end]}
        quote.speaker = self._speaker_name(attr)
        quote.role_given = attr.mention_start in self._role_given
        if quote.speaker and not is_description(quote.speaker):
            self.entities.note_speaker(quote.speaker, attr.mention_start, attr.kind == "pronoun")

    def _speaker_name(self, attr: Attribution) -> str | None:
        if attr.speaker:
            return attr.speaker
        if attr.name_start is not None:
            tokens = tokenize(self.text, attr.name_start, attr.name_end)
        else:
            tokens = tokenize(self.text, attr.mention_start, attr.mention_end)
        words = [t for t in tokens if t.is_word]
        if len(words) == 1 and (pronoun_of(words[0]) or words[0].lower in OBJECT_PRONOUNS):
            return self._resolve_pronoun(pronoun_of(words[0]) or words[0].lower, attr.mention_start)
        body = _named_body(words) if words and words[0].lower in DETERMINERS else None
        if body:
            return body   # "the Clinton campaign", "the U.S. media": not Clinton, not the U.S.
        name = _person_in(tokens)
        if not name and len(words) == 1 and words[0].is_cap and self.people.has_surname(words[0].text):
            name = words[0].text   # "King says": Billie Jean King, though "king" is a title too
        if name:
            return " and ".join(self.people.resolve_name(part, attr.mention_start) for part in name.split(" and "))
        return self._resolve_description(words, attr.mention_start,
                                         self.text[tokens[0].start:tokens[-1].end] if tokens else None)

    def _resolve_pronoun(self, pronoun: str, at: int) -> str | None:
        if pronoun in ("i", "we", "you") or pronoun in INDEFINITE_PRONOUNS:
            return None   # the speaker's own words, or someone unnamed: no antecedent here
        return self.resolver.resolve([pronoun], at, self._speakers_before(at))

    def _note_speaker(self, q: Quote) -> None:
        if q.kind == STATEMENT and q.speaker and q.speaker_mention and not is_description(q.speaker):
            self._speakers.append((q.speaker_mention["start"], q.speaker))
            self._speaker_quote_starts.append(q.start)

    def _speakers_before(self, at: int) -> list[tuple[int, str]]:
        """(mention start, name) of the last SPEAKERS_LOOK_BACK named statements that start
        before ``at``, in order: a bounded look-back, however many quotes the article has."""
        k = bisect.bisect_left(self._speaker_quote_starts, at)
        return self._speakers[max(0, k - SPEAKERS_LOOK_BACK):k]

    def _resolve_description(self, words: list[Token], at: int, as_written: str | None = None) -> str | None:
        text = " ".join((as_written or " ".join(w.text for w in words)).split())
        keys = [w.text for w in words if w.lower not in DETERMINERS]
        if not keys or words[0].lower not in ("the", "this", "that"):
            return text or None   # "a court", "many commentators", "critics": no one met before
        if not is_description(text):
            return text   # a word of a name alone ("State"): not a description to resolve
        person = self.resolver.resolve([w.lower for w in words], at, self._speakers_before(at))
        if person and self.resolver.cases[-1].role_given:
            self._role_given.add(at)
        return person or text


def _bare_cue(after: list[Token]) -> bool:
    """“… over.” Smith said. — a period where a comma belongs: the sentence after the quote is
    its cue alone (a name or a few words and a verb, then the end)."""
    words = [t for t in after if t.is_word]   # (the tokens run to the sentence's end)
    return bool(words) and len(words) <= 4 and words[-1] is after[-1] and words[-1].lower in SPEECH_VERBS


def _named_body(words: list[Token]) -> str | None:
    """A body the description names by the person it belongs to: "the Clinton campaign" ->
    Clinton campaign, "the Cruz team" (not someone else the article named before)."""
    keys = [w for w in words if w.lower not in DETERMINERS]
    if len(keys) >= 2 and keys[-1].lower in BODY_NOUNS and all(w.is_cap for w in keys[:-1]):
        return " ".join(w.text for w in keys)
    return None


SENTENCE_OPENERS = frozenset("""however but and yet so still meanwhile also then now instead in on at
after when while if although though because since""".split())


def _reported_clause(before: list[Token]) -> bool:
    """Whether the quote opens the clause a speech verb reports: "… claimed (on Tuesday) that “…”"."""
    if len(before) < 2 or before[-1].lower != "that":
        return False
    near = before[-6:-1]
    verbs = [i for i, t in enumerate(near) if t.lower in SPEECH_VERBS]
    return bool(verbs) and not any(t.text in ",;:" for t in near[verbs[-1]:])


def _opens_with_time(tokens: list[Token]) -> bool:
    """Whether ``tokens`` open with a phrase of time closed by a comma ("Last year, …", "Two weeks
    ago, …"): the start of a sentence, not a cue following a quote."""
    comma = next((i for i, t in enumerate(tokens[:8]) if t.text == ","), None)
    return comma is not None and time_phrase(tokens[:comma])


def _introduces_next(after: list[Token], attr: Attribution) -> bool:
    """Whether the cue after a quote ends in a colon right before the next quote: it is that
    quote's cue."""
    k = next((i for i, t in enumerate(after) if t.start >= max((attr.cue_start or 0) + 1, attr.mention_end or 0)), None)
    return k is not None and k == len(after) - 1 and after[k].text == ":"   # and the next quote follows


def _inside_word(tokens: list[Token], i: int) -> bool:
    """The period of "fivethirtyeight.com": a lower-case word follows without a space."""
    return i + 1 < len(tokens) and tokens[i + 1].start == tokens[i].end and tokens[i + 1].text[:1].islower()


def _ends_sentence(tokens: list[Token]) -> bool:
    """Whether ``tokens`` end with a sentence's final mark (not an abbreviation's period)."""
    words = [i for i, t in enumerate(tokens) if t.is_word]
    if not words or words[-1] == len(tokens) - 1:
        return False
    last = tokens[words[-1]]
    marks = "".join(t.text for t in tokens[words[-1] + 1:])
    return marks.lstrip("”\"’')]")[:1] in (".", "!", "?") and len(last.text) > 1 and \
        last.lower.rstrip(".") not in ABBREVIATIONS and last.lower.rstrip(".") not in TITLES


def _carried(prev: Quote, how: str) -> Attribution:
    m = prev.speaker_mention
    return Attribution(m["start"], m["end"], m["text"], prev.cue, None, how, speaker=prev.speaker)


def _person_in(tokens: list[Token]) -> str | None:
    """The person's name in a subject phrase: "Trump campaign manager Corey Lewandowski" -> Corey
    Lewandowski; "Sen. Marco Rubio" -> Marco Rubio; None for "the Florida senator"."""
    words = [t for t in tokens if t.is_word]
    if _role_of_named(words):
        return None   # "Attorneys for Clinton", "the former top aide to President Bush": not Clinton
    for k, tok in enumerate(tokens):
        if not k or tok.lower not in ("of", "from", "at", "with", "in"):
            continue
        caps = [t for t in tokens[:k] if t.is_cap]
        if len(split_title(caps)[1]) >= 2 and not (tok.lower == "of" and title_before_of(caps)):   # "RNC Chief of Staff X"
            tokens = tokens[:k]  # "Robert Antonacci of the New York delegation"
            break
    runs, run = [], []
    for tok in tokens:
        if tok.is_word and tok.lower not in DETERMINERS and \
                (is_name_word(tok, run[-1] if run else None) or tok.text.rstrip(".").lower() in TITLES and tok.is_cap):
            run.append(tok)
            if tok.text.endswith(("’s", "'s", "’", "'")):
                runs.append(run)
                run = []
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    pair = _name_pair(tokens, runs)
    if pair:
        return pair
    best = None
    for r in runs:
        _, name = split_title(r)
        name = [t for t in name if t.text.rstrip(".").lower() not in TITLES]
        # a title word left before a name from a known first name on: "(Chief of) Staff Katie Walsh"
        name = name[len(name) - len(from_first_name([t.text for t in name])):]
        if name and (best is None or len(name) >= 2 or len(best) < 2):
            best = name
    if not best:
        return None
    last = tokens[-1]
    if best[-1] is not last and not last.is_cap and (
            best[-1].text.endswith(("’s", "'s")) and last.is_word
            or clean_word(last.text).lower() in ROLE_NOUNS):
        return None  # "Clinton’s campaign", "Clinton's introducer", "a Clinton campaign official", "Clinton aides"
    name = " ".join(clean_word(t.text) for t in best)
    k = tokens.index(best[-1])
    if k + 1 < len(tokens) and tokens[k + 1].text.isdigit() and tokens[k + 1] is last:
        name += " " + last.text   # "Article 33"
    return name


def _role_of_named(words: list[Token]) -> bool:
    """A person described by their relation to a named one: lower-case words up to a role noun,
    then "for", "of" or "to", then the name ("Lawyers for Smith", "the former aide to Sen. Veld")."""
    words = [w for w in words if w.is_word]
    r = next((k for k, w in enumerate(words) if not w.is_cap or k == 0), None)
    while r is not None and r < len(words) and clean_word(words[r].text).lower() not in ROLE_NOUNS:
        if words[r].is_cap and r > 0:
            return False
        r += 1
    if r is None or r + 2 >= len(words) or not words[r + 2].is_cap:
        return False
    # a capitalised title takes "of" as part of itself: "Secretary of State John Kerry"
    return words[r + 1].lower in (("for", "to") if words[r].is_cap else ("for", "of", "to"))


def _name_pair(tokens: list[Token], runs: list[list[Token]]) -> str | None:
    """"Frank Newport and Jim Harter" (two people named together, as the phrase ends) -> both."""
    if len(runs) < 2 or runs[-1][-1] is not tokens[-1]:
        return None
    first, second = runs[-2], runs[-1]
    names = [split_title(r)[1] for r in (first, second)]
    k = tokens.index(first[-1])
    if k + 2 >= len(tokens) or tokens[k + 1].lower != "and" or tokens[k + 2] is not second[0] or \
            any(len(n) < 2 or n[-1].text.endswith(("’s", "'s", "’", "'")) for n in names):
        return None
    return " and ".join(" ".join(clean_word(t.text) for t in n) for n in names)
