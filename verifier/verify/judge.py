"""Judging: what each difference between a quotation and its source means, and the verdict.

Owns the classification of every aligned difference (ignored, marked, minor, substantive) with a
plain-language note — substitutions, insertions, omissions, negations, numbers, reordering,
splices, function words, contractions, inflections, fillers, repetitions — and the verdicts of the
interface: verified, minor, misquote, misattributed, unverified — each only against a passage whose
provenance (``verifier.verify.provenance``) establishes it as the occasion quoted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from verifier.verify.match import Alignment, Op, QuoteForm, align
from verifier.verify.provenance import OTHER, SAME, UNKNOWN, Provenance, fitted_weights
from verifier.textnorm import STOPWORDS, is_contraction
from verifier.verify.verdicts import MINOR, MISATTRIBUTED, MISQUOTE, UNVERIFIED, VERDICTS, VERIFIED  # noqa: F401

IGNORED, MARKED, MINOR_KIND, SUBSTANTIVE = "ignored", "marked", "minor", "substantive"

MATCH_THRESHOLD = 0.6  # below this share of common wording, the passage is not the quote's source
PARAPHRASE_THRESHOLD = 0.5  # content words in common for "a paraphrase in quotation marks"
CLOSEST_THRESHOLD = 0.25  # an unverified quote shows its closest passage from this score on
SPLICE_GAP = 6  # source words left out without an ellipsis that make two passages, not one

NEGATIONS = frozenset("""not no never nobody nothing none nowhere neither nor without cannot
n't""".split())
AS_SAID = 0.95      # an alignment this close has the quote's very words
FILLERS = frozenset("uh um er erm ah eh hmm mm mhm uhm".split())
# Words of spoken emphasis that a transcript keeps and a reporter's cleaned-up quote may drop
# ("you should really take very strong action" -> "you should take very strong action"); only
# ever when dropped, never when added.
SPOKEN_EMPHASIS = frozenset("really actually basically literally totally honestly frankly okay ok".split())
FILLER_PHRASES = (("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of"))
CONTRACTIONS = {
    "n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am", "'s": "is",
}
IRREGULAR = {"can't": "can not", "won't": "will not", "shan't": "shall not", "ain't": "am not",
             "cannot": "can not", "let's": "let us"}
IRREGULAR_FORMS = {}
for _base, _forms in {
    "be": "is are was were been being am", "have": "has had having", "do": "does did done doing",
    "say": "says said saying", "go": "goes went gone going", "make": "makes made making",
    "build": "builds built building", "take": "takes took taken taking", "give": "gives gave given",
    "get": "gets got gotten getting", "come": "comes came coming", "see": "sees saw seen seeing",
    "know": "knows knew known", "think": "thinks thought thinking", "tell": "tells told telling",
    "find": "finds found finding", "leave": "leaves left leaving", "pay": "pays paid paying",
    "buy": "buys bought", "bring": "brings brought", "keep": "keeps kept", "hold": "holds held",
    "lose": "loses lost losing", "win": "wins won winning", "run": "runs ran running",
    "meet": "meets met", "spend": "spends spent", "send": "sends sent", "sell": "sells sold",
    "fall": "falls fell fallen", "rise": "rises rose risen", "write": "writes wrote written",
}.items():
    for _f in _forms.split():
        IRREGULAR_FORMS[_f] = _base


@dataclass
class Difference:
    kind: str  # ignored, marked, minor, substantive
    op: str  # replace, insert, delete, reorder, splice
    quote: str
    source: str
    note: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "op": self.op, "quote": self.quote, "source": self.source,
                "note": self.note}


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


def classify(form: QuoteForm, alignment: Alignment) -> list[Difference]:
    """Every difference between the quote and its aligned source, in order."""
    diffs: list[Difference] = []
    ops = alignment.ops
    for i, op in enumerate(ops):
        if op.tag == "equal":
            continue
        before = ops[i - 1] if i else None
        after = ops[i + 1] if i + 1 < len(ops) else None
        diffs.append(_difference(op, before, after, alignment, form.text))
    diffs.extend(_written_forms(form, alignment))
    return _find_reorders(diffs)


def _difference(op: Op, before: Op | None, after: Op | None, alignment: Alignment,
                quote_text: str) -> Difference:
    quote = " ".join(quote_text[op.quote[0].start:op.quote[-1].end].split()) if op.quote else ""
    source = _source_text(alignment, op.source)
    qn = [w.norm for w in op.quote]
    sn = [t.norm for t in op.source]
    if op.gap:
        return Difference(MARKED, "delete", "…", source, f"omission marked with an ellipsis: {_clip(source)}")
    if any(w.bracket for w in op.quote):
        source = _source_text(alignment, _same_sentence(op.source, alignment, leading=before is None))
        return Difference(MARKED, op.tag, quote, source,
                          f"writer's words in brackets: [{quote}]" + (f" for '{source}'" if source else ""))
    if "".join(qn) == "".join(sn):
        return Difference(IGNORED, op.tag, quote, source, f"spacing or hyphenation: '{source}' / '{quote}'")
    if op.tag == "delete" and _is_filler(sn):
        return Difference(MINOR_KIND, "delete", "", source, f"dropped filler: '{source}'")
    if op.tag == "delete" and sn and all(w in SPOKEN_EMPHASIS for w in sn):
        return Difference(MINOR_KIND, "delete", "", source, f"dropped spoken emphasis: '{source}'")
    if op.tag == "insert" and before is not None and [w.norm for w in before.quote[-len(qn):]] == qn:
        return Difference(MINOR_KIND, "insert", quote, "", f"repeated in the quote, said once in the source: '{quote}'")
    if op.tag == "delete" and _is_repetition(op, before, after):
        return Difference(MINOR_KIND, "delete", "", source, f"dropped repetition or false start: '{source}'")
    if _negation(qn) != _negation(sn):
        added = _negation(qn) > _negation(sn)
        return Difference(SUBSTANTIVE, op.tag, quote, source,
                          f"negation {'added' if added else 'removed'}: {_change(op.tag, quote, source)}")
    if _numbers(_no_pronoun_one(qn, before)) != _numbers(_no_pronoun_one(sn, before)):
        return Difference(SUBSTANTIVE, op.tag, quote, source, f"number changed: {_change(op.tag, quote, source)}")
    if _expand(qn) == _expand(sn):
        return Difference(MINOR_KIND, op.tag, quote, source, f"contraction: '{source}' became '{quote}'")
    moved = _found_elsewhere(op, alignment)
    if moved is not None:
        return Difference(SUBSTANTIVE, "splice", quote, moved,
                          f"passages joined without an ellipsis: '{_clip(quote)}' is from elsewhere in the "
                          f"source: '{_clip(moved)}'")
    if op.tag == "delete" and len(sn) >= SPLICE_GAP:
        return Difference(SUBSTANTIVE, "splice", "", source,
                          f"passages joined without an ellipsis: {len(sn)} words left out: '{_clip(source)}'")
    if op.tag == "replace" and len(qn) == len(sn) and all(map(_same_lemma, qn, sn)):
        return Difference(MINOR_KIND, "replace", quote, source, f"inflection: '{source}' became '{quote}'")
    if all(w in STOPWORDS for w in _no_pronoun_one(qn, before) + _no_pronoun_one(sn, before)):
        what = {"replace": f"'{source}' became '{quote}'", "insert": f"'{quote}' added",
                "delete": f"'{source}' left out"}[op.tag]
        return Difference(MINOR_KIND, op.tag, quote, source, f"function word: {what}")
    note = {"replace": f"unmarked change of wording: '{source}' became '{quote}'",
            "insert": f"words added that the source does not have: '{quote}'",
            "delete": f"words of the source left out without an ellipsis: '{source}'"}[op.tag]
    return Difference(SUBSTANTIVE, op.tag, quote, source, note)


def _same_sentence(tokens, alignment: Alignment, leading: bool):
    """The source words a bracket stands for, without those across a sentence end: "[The city]
    did not…" stands for "It", not for "shops. It"."""
    text = alignment.passage.text
    for i in range(1, len(tokens)):
        if re.search(r"[.!?]", text[tokens[i - 1].end:tokens[i].start]):
            return tokens[i:] if leading else tokens[:i]
    return tokens


def _found_elsewhere(op: Op, alignment: Alignment) -> str | None:
    """Quote words the alignment could not place here that stand verbatim elsewhere in the
    passage: two passages joined without an ellipsis."""
    if op.tag not in ("insert", "replace") or len(op.quote) < 3 or len(op.quote) <= len(op.source) + 1:
        return None
    found = align(QuoteForm(alignment.passage.text, [op.quote]), alignment.passage)
    if found is None or found.score < 0.8 or alignment.start <= found.start < alignment.end:
        return None
    return " ".join(found.matched_text.split())


def _change(tag: str, quote: str, source: str) -> str:
    return {"replace": f"'{source}' became '{quote}'", "insert": f"'{quote}' added",
            "delete": f"'{source}' left out"}.get(tag, f"'{source}' / '{quote}'")


def _source_text(alignment: Alignment, tokens) -> str:
    if not tokens:
        return ""
    return " ".join(alignment.passage.text[tokens[0].start:tokens[-1].end].split())


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _negation(norms: list[str]) -> int:
    return sum(1 for w in norms if w in NEGATIONS or w.endswith(("n't", "n’t")))


def _numbers(norms: list[str]) -> list[str]:
    return sorted(w for w in norms if w[:1].isdigit())


DETERMINERS = frozenset("this that the every any each no which another".split())


def _no_pronoun_one(norms: list[str], before: Op | None) -> list[str]:
    """"one" after a determiner ("this one", "the one") is a pronoun, not a number."""
    if norms[:1] in (["1"], ["one"]) and before and before.quote and before.quote[-1].norm in DETERMINERS:
        return norms[1:]
    return norms


def _expand(norms: list[str]) -> list[str]:
    out: list[str] = []
    for w in norms:
        w = w.replace("’", "'")
        if w in IRREGULAR:
            out.extend(IRREGULAR[w].split())
            continue
        for suffix, full in CONTRACTIONS.items():
            if w.endswith(suffix) and len(w) > len(suffix):
                out.extend([w[: -len(suffix)], full])
                break
        else:
            out.append(w)
    return out


def _is_filler(norms: list[str]) -> bool:
    i = 0
    while i < len(norms):
        if norms[i] in FILLERS:
            i += 1
        elif tuple(norms[i:i + 2]) in FILLER_PHRASES:
            i += 2
        else:
            return False
    return bool(norms)


def _is_repetition(op: Op, before: Op | None, after: Op | None) -> bool:
    """"we, we will" -> "we will": the left-out words repeat the words next to them."""
    sn = [t.norm for t in op.source]
    nxt = [t.norm for t in after.source[:len(sn)]] if after and after.tag == "equal" else []
    prv = [t.norm for t in before.source[-len(sn):]] if before and before.tag == "equal" else []
    restart = len(sn) >= 3 and len(prv) == len(sn) and sn[1:] == prv[1:]  # "Jeb wants to be — he wants to be"
    return sn == nxt or sn == prv or restart or (len(sn) <= 3 and bool(nxt) and sn[0] == nxt[0])


def lemma(word: str) -> str:
    word = word.replace("’", "'")
    if word in IRREGULAR_FORMS:
        return IRREGULAR_FORMS[word]
    for suffix, repl in (("'s", ""), ("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""),
                         ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt" and suffix in ("ing", "ed"):
                stem = stem[:-1]  # planned -> plan (but filled -> fill)
            return stem.rstrip("e")
    return word.rstrip("e") if len(word) > 3 else word


def _same_lemma(a: str, b: str) -> bool:
    return a != b and lemma(a) == lemma(b)


def _written_forms(form: QuoteForm, alignment: Alignment) -> list[Difference]:
    """Equal words written differently in a way worth telling: a contraction for the full form
    (minor), numerals for spelled numbers (ignored)."""
    out, seen = [], set()
    for op in alignment.ops:
        if op.tag != "equal":
            continue
        for w, t in zip(op.quote, op.source):
            if (w.start, t.start) in seen:
                continue
            seen.add((w.start, t.start))
            q = form.text[w.start:w.end]
            s = alignment.passage.text[t.start:t.end]
            if is_contraction(q) != is_contraction(s):
                full, short = (s, q) if is_contraction(q) else (q, s)
                s_text = _source_text(alignment, [x for x in op.source if x.start >= t.start][:2])
                out.append(Difference(MINOR_KIND, "replace", q, s_text if not is_contraction(s) else s,
                                      f"contraction: '{short}' for '{full if is_contraction(s) else s_text}'"))
            elif q.lower() != s.lower() and (q[:1].isdigit() != s[:1].isdigit()):
                out.append(Difference(IGNORED, "replace", q, s, f"numeral vs words: '{s}' / '{q}'"))
    return out


def _find_reorders(diffs: list[Difference]) -> list[Difference]:
    """Words left out in one place and added in another are words moved: one reorder."""
    out, merged = list(diffs), set()
    for i, d in enumerate(diffs):
        words_left = _content(d.source) if d.op == "delete" and d.kind == SUBSTANTIVE else []
        partner = next((j for j, e in enumerate(diffs) if words_left and j != i and j not in merged
                        and e.op in ("insert", "replace") and e.kind == SUBSTANTIVE
                        and _content(e.quote) == words_left), None)
        if partner is not None:
            out[i] = Difference(SUBSTANTIVE, "reorder", diffs[partner].quote, d.source,
                                f"words reordered: '{d.source}' moved")
            merged.add(partner)
    return [d for j, d in enumerate(out) if j not in merged]


def _content(text: str) -> list[str]:
    return sorted(w for w in re.findall(r"[\w']+", text.lower()) if w not in STOPWORDS)


def verdict_of(differences: list[Difference]) -> str:
    kinds = {d.kind for d in differences}
    if SUBSTANTIVE in kinds:
        return MISQUOTE
    if MINOR_KIND in kinds:
        return MINOR
    return VERIFIED


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


def judge_quote(form: QuoteForm, speaker: str | None, candidates: list[Candidate], matcher) -> Judgement:
    """The verdict for a quotation given its candidates: first which passage (if any) is the
    occasion quoted, then what each difference from it means."""
    if not candidates:
        return Judgement(UNVERIFIED, 0.0, notes=["no passage in the archive shares these words"])
    source = _established(candidates)
    other = _misattribution(form, speaker, candidates)
    if other is not None and (source is None or _clearly_stronger(other.provenance, source.provenance)):
        return other
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
    closest in wording and date. Another speaker's passage is never the occasion of this speaker's quote."""
    limits = fitted_weights()["thresholds"]
    sure = [c for c in candidates if c.speaker != OTHER and (c.confidence >= limits[c.speaker] or _named(c))]
    if not sure:
        return None
    top = max(c.confidence for c in sure)
    near = [c for c in sure if c.confidence >= top - 0.05]
    same = [c for c in near if c.speaker == SAME] or near
    return min(same, key=_closest_wording_then_date)


def _closest_wording_then_date(candidate: Candidate) -> tuple:
    """Among passages equally sure to be the occasion: one with the quote's very words, then the
    one that fits the occasion the article names, then the one whose words are closest to the quote's, then the one dated nearest before
    the article (a line repeated from speech to speech
    is quoted from the latest), then the most confident."""
    e = candidate.provenance.evidence
    named = (e.occasion.differs, not e.occasion.singled_out, not e.occasion.agrees)
    return (candidate.alignment.score < AS_SAID, *named, -round(candidate.alignment.score, 2), e.days if e.days is not None else 10**6,
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
        if not _sure_enough_to_flag(source):
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


def _sure_enough_to_flag(source: Candidate) -> bool:
    """A misquote says the occasion is this passage and the words differ from it; a false one
    costs a call to the reporter or a failed build, so it takes more evidence of the occasion than
    a match does (words that match were said by the speaker whichever the occasion): the
    'misquote' confidence, or the article naming this very occasion."""
    return source.confidence >= fitted_weights()["thresholds"]["misquote"] or _named(source)


def _not_surely_the_occasion(source: Candidate) -> Judgement:
    """Unverified: the wording differs from a passage that may or may not be the occasion quoted."""
    a = source.alignment
    doc = a.passage.document
    where = ", ".join(str(x) for x in (doc.get("title") or doc.get("id"), doc.get("date")) if x)
    return Judgement(UNVERIFIED, round(a.score, 3), closest=a, provenance=source.provenance,
                     notes=[f"the wording differs from {where}, but that may be another occasion "
                            f"(same occasion {source.confidence:.0%}): check the quote with its source"])


def _misattribution(form: QuoteForm, speaker: str | None, candidates: list[Candidate]) -> Judgement | None:
    """Words distinctive enough to belong to one occasion, said there by someone else (not
    quoting the article's speaker): misattributed. Never for a stock phrase."""
    limit = fitted_weights()["thresholds"]["misattributed"]
    for c in sorted(candidates, key=lambda c: -c.confidence):
        e = c.provenance.evidence
        if c.speaker != OTHER or e.quoting or c.provenance.confidence < limit or not e.distinctive:
            continue
        diffs = classify(form, c.alignment)
        if verdict_of(diffs) == MISQUOTE and c.alignment.score < 0.85:
            continue
        named = speaker or "the article's speaker"
        return Judgement(MISATTRIBUTED, round(c.alignment.score, 3), c.alignment, diffs,
                         notes=[f"these words were said by {c.alignment.speaker}, not {named}"],
                         provenance=c.provenance)
    return None


def _another_occasion(candidates: list[Candidate]) -> Judgement:
    """Unverified: no archived passage is the occasion quoted; the closest is shown as similar
    words said on another occasion."""
    best = max(candidates, key=lambda c: (c.confidence, c.alignment.score))
    a = best.alignment
    if a.score < CLOSEST_THRESHOLD:
        return Judgement(UNVERIFIED, round(a.score, 3), notes=["no passage in the archive is close enough to judge"],
                         provenance=best.provenance)
    doc = a.passage.document
    where = ", ".join(str(x) for x in (doc.get("title") or doc.get("id"), doc.get("date")) if x)
    notes = [f"similar words on another occasion: {where}"]
    if best.provenance.evidence.after_article:
        notes.append(f"the source ({doc.get('date')}) is dated after the article: it cannot be the occasion quoted")
    return Judgement(UNVERIFIED, round(a.score, 3), closest=a, provenance=best.provenance, notes=notes)


def _content_overlap(form: QuoteForm, alignment: Alignment) -> float:
    quote = {w.norm for w in form.spoken if w.norm not in STOPWORDS}
    source = {t.norm for t in alignment.source if t.norm not in STOPWORDS}
    quote_lemmas = {lemma(w) for w in quote}
    source_lemmas = {lemma(w) for w in source}
    return len(quote_lemmas & source_lemmas) / len(quote_lemmas) if len(quote_lemmas) >= 3 else 0.0
