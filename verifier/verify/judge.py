"""Judging: the verdict of a quotation from its candidate passages.

Owns the order of the judgement — first which candidate (if any) is established as the occasion
quoted, by its provenance (``verifier.verify.provenance``); then what its differences mean
(``verifier.verify.differences``) — and the verdicts of the interface: verified, minor, misquote,
misattributed, unverified, with the notes that say why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from verifier.verify.differences import Difference, SUBSTANTIVE, classify, lemma, verdict_of
from verifier.verify.match import Alignment, QuoteForm
from verifier.verify.provenance import OTHER, PHRASE_RUN, SAME, UNKNOWN, Provenance, fitted_weights
from verifier.textnorm import STOPWORDS
from verifier.verify.verdicts import MINOR, MISATTRIBUTED, MISQUOTE, UNVERIFIED, VERDICTS, VERIFIED  # noqa: F401

MATCH_THRESHOLD = 0.6  # below this share of common wording, the passage is not the quote's source
PARAPHRASE_THRESHOLD = 0.5  # content words in common for "a paraphrase in quotation marks"
CLOSEST_THRESHOLD = 0.25  # an unverified quote shows its closest passage from this score on
AS_SAID = 0.95      # an alignment this close has the quote's very words


@dataclass
class Judgement:
    """A quotation's verdict against its best source."""

    verdict: str
    score: float
    alignment: Alignment | None = None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closest: Alignment | None = None  # for unverified: the nearest passage, if any
    provenance: Provenance | None = None  # how sure the passage (source, or closest) is the occasion


@dataclass
class Candidate:
    """A passage the quote may come from: its alignment and its provenance."""

    alignment: Alignment
    provenance: Provenance

    @property
    def confidence(self) -> float:
        return self.provenance.confidence

    @property
    def speaker(self) -> str:
        return self.provenance.evidence.speaker


def judge_quote(form: QuoteForm, speaker: str | None, candidates: list[Candidate], matcher,
                speaker_guessed: bool = False) -> Judgement:
    """The verdict for a quotation given its candidates: first which passage (if any) is the
    occasion quoted, then what each difference from it means. ``speaker_guessed``: the article
    names nobody where the quote stands; its speaker is carried from a quote sentences away."""
    if not candidates:
        return Judgement(UNVERIFIED, 0.0, notes=["no passage in the archive shares these words"])
    source = _established(candidates)
    other = _misattribution(form, speaker, candidates)
    if other is not None and (source is None or _clearly_stronger(other.provenance, source.provenance)):
        return _check_who_said_it(other, speaker) if speaker_guessed else other
    if source is not None:
        return _against_source(form, speaker, source, matcher)
    return _another_occasion(candidates)


def _clearly_stronger(other, source) -> bool:
    """Another speaker's passage is the occasion rather than this speaker's own similar words
    when its evidence is clearly stronger: the same-occasion confidence is compared before the
    speaker, so a weak paraphrase by the named speaker does not hide a verbatim passage by
    someone else."""
    return other.confidence >= source.confidence + 0.15 and other.evidence.run > 2 * source.evidence.run


def _established(candidates: list[Candidate]) -> Candidate | None:
    """The candidate established as the quote's occasion: confident enough for its speaker (the
    quote's own, or an unnamed one, which is weaker evidence), the most confident, then the
    closest in wording and date. Another speaker's passage is never the occasion of this
    speaker's quote."""
    limits = fitted_weights()["thresholds"]
    sure = [c for c in candidates if c.speaker != OTHER and (c.confidence >= limits[c.speaker] or _named(c))
            and (c.speaker == SAME or c.provenance.evidence.run >= PHRASE_RUN)]
    if not sure:
        return None
    top = max(c.confidence for c in sure)
    near = [c for c in sure if c.confidence >= top - 0.05]
    same = [c for c in near if c.speaker == SAME] or near
    return min(same, key=_closest_wording_then_date)


def _closest_wording_then_date(candidate: Candidate) -> tuple:
    """Among passages equally sure to be the occasion: one with the quote's very words, then the
    one that fits the occasion the article names, then the one whose words are closest to the
    quote's, then the one dated nearest before the article (a line repeated from speech to speech
    is quoted from the latest), then the most confident."""
    e = candidate.provenance.evidence
    named = (e.occasion.differs, not e.occasion.singled_out, not e.occasion.agrees)
    days = e.days if e.days is not None else 10**6
    return (candidate.alignment.score < AS_SAID, *named, -round(candidate.alignment.score, 2), days,
            -candidate.confidence)


def _named(candidate: Candidate) -> bool:
    """The article names this very occasion — its kind and its weekday in the week before, or
    its kind and its name — and this speaker said words of the quote there."""
    e = candidate.provenance.evidence
    return candidate.speaker == SAME and e.occasion.singled_out and e.verbatim >= 3


def _against_source(form: QuoteForm, speaker: str | None, source: Candidate, matcher) -> Judgement:
    """The verdict against the established occasion: by its differences, or a paraphrase."""
    best = source.alignment
    if best.score < MATCH_THRESHOLD:
        shared = _content_overlap(form, best)
        if shared < PARAPHRASE_THRESHOLD:
            return _another_occasion([source])
        if not _sure_enough_to_flag(source, paraphrase=True):
            return _not_surely_the_occasion(source)
        text = " ".join(best.passage.text.split())
        diff = Difference(SUBSTANTIVE, "replace", form.text, text,
                          f"paraphrase in quotation marks: the source says it in other words "
                          f"({round(shared * 100)}% of the quote's content words are in it)")
        return Judgement(MISQUOTE, round(best.score, 3), best, [diff], provenance=source.provenance)
    diffs = classify(form, best)
    verdict = verdict_of(diffs)
    if verdict == MISQUOTE and not _sure_enough_to_flag(source):
        return _not_surely_the_occasion(source)
    judgement = Judgement(verdict, round(best.score, 3), best, diffs, provenance=source.provenance)
    if source.speaker == UNKNOWN and speaker:
        judgement.notes.append("the source does not say who is speaking")
    if source.provenance.evidence.quoting:
        said_by = best.speaker or "the source speaker"
        judgement.notes.append(source.provenance.evidence.quoting.replace("the source speaker", said_by))
    return judgement


def _sure_enough_to_flag(source: Candidate, paraphrase: bool = False) -> bool:
    """A misquote says the occasion is this passage and the words differ from it; a false one
    costs a call to the reporter or a failed build, so it takes more evidence of the occasion than
    a match does (words that match were said by the speaker whichever the occasion): the
    'misquote' confidence, or the article naming this very occasion. A paraphrase has no run of
    the source's words to show the occasion, so the naming must be in the quote's own sentence
    (“…,” Voss said at the Northern Grid briefing), not elsewhere in its paragraph, which may be
    about the quote before it (“…,” he told ABC. “…,” he said.)."""
    occasion = source.provenance.evidence.occasion
    if occasion.other_month:   # "when he first described the wall in December": not this October source
        return False
    if source.confidence >= fitted_weights()["thresholds"]["misquote"]:
        return True
    return _named(source) and (not paraphrase or occasion.in_sentence)


def _not_surely_the_occasion(source: Candidate) -> Judgement:
    """Unverified: the wording differs from a passage that may or may not be the occasion quoted."""
    a = source.alignment
    doc = a.passage.document
    where = _title_and_date(doc)
    return Judgement(UNVERIFIED, round(a.score, 3), closest=a, provenance=source.provenance,
                     notes=[f"the wording differs from {where}, but that may be another occasion "
                            f"(same occasion {source.confidence:.0%}): check the quote with its source"])


def _misattribution(form: QuoteForm, speaker: str | None, candidates: list[Candidate]) -> Judgement | None:
    """Words distinctive enough to belong to one occasion, said there by someone else (not
    quoting the article's speaker): misattributed. Never for a stock phrase, nor on a speaker only
    the source's title names (a reading that can be wrong keeps a passage from verifying another
    person's quote, but accuses no one)."""
    limit = fitted_weights()["thresholds"]["misattributed"]
    for c in sorted(candidates, key=lambda c: -c.confidence):
        e = c.provenance.evidence
        if c.speaker != OTHER or e.titled or e.quoting or c.provenance.confidence < limit or not e.distinctive \
                or e.occasion.other_month:
            continue
        diffs = classify(form, c.alignment)
        if verdict_of(diffs) == MISQUOTE and c.alignment.score < 0.85:
            continue
        named = speaker or "the article's speaker"
        return Judgement(MISATTRIBUTED, round(c.alignment.score, 3), c.alignment, diffs,
                         notes=[f"these words were said by {c.alignment.speaker}, not {named}"],
                         provenance=c.provenance)
    return None


def _check_who_said_it(misattributed: Judgement, speaker: str | None) -> Judgement:
    """Unverified: the words are someone else's, but the speaker the article would have got
    wrong is only carried from a quote sentences away (a live blog's headline after another
    item's quote), so verifier's reading may be what is wrong; no flag."""
    a = misattributed.alignment
    return Judgement(UNVERIFIED, misattributed.score, closest=a, provenance=misattributed.provenance,
                     notes=[f"these words were said by {a.speaker} ({_title_and_date(a.passage.document)}); "
                            f"the article names nobody where they stand, and {speaker} is read from a quote "
                            f"sentences before: check who said it"])


def _another_occasion(candidates: list[Candidate]) -> Judgement:
    """Unverified: no archived passage is the occasion quoted; the closest is shown as similar
    words said on another occasion."""
    best = max(candidates, key=lambda c: (c.confidence, c.alignment.score))
    a = best.alignment
    if a.score < CLOSEST_THRESHOLD:
        return Judgement(UNVERIFIED, round(a.score, 3), notes=["no passage in the archive is close enough to judge"],
                         provenance=best.provenance)
    doc = a.passage.document
    where = _title_and_date(doc)
    notes = [f"the source's title names {a.speaker} as its speaker, not the article's: check who said it ({where})"
             if best.provenance.evidence.titled else f"similar words on another occasion: {where}"]
    if best.provenance.evidence.after_article:
        notes.append(f"the source ({doc.get('date')}) is dated after the article: it cannot be the occasion quoted")
    return Judgement(UNVERIFIED, round(a.score, 3), closest=a, provenance=best.provenance, notes=notes)


def _title_and_date(document: dict) -> str:
    return ", ".join(str(x) for x in (document.get("title") or document.get("id"), document.get("date")) if x)


def _content_overlap(form: QuoteForm, alignment: Alignment) -> float:
    quote = {w.norm for w in form.spoken if w.norm not in STOPWORDS}
    source = {t.norm for t in alignment.source if t.norm not in STOPWORDS}
    quote_lemmas = {lemma(w) for w in quote}
    source_lemmas = {lemma(w) for w in source}
    return len(quote_lemmas & source_lemmas) / len(quote_lemmas) if len(quote_lemmas) >= 3 else 0.0
