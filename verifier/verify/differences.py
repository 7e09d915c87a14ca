"""Differences: what each difference between a quotation and its aligned source means.

Owns the classification of every aligned difference (ignored, marked, minor, substantive) with a
plain-language note — substitutions, insertions, omissions, negations, numbers, reordering,
splices, function words, contractions, inflections, fillers, spoken emphasis, repetitions — and
the verdict the differences alone give (``verdict_of``). Whether the passage is the occasion
quoted at all is for ``verifier.verify.provenance``; the verdict is given by ``verifier.verify.judge``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from verifier.quotes.sentences import Sentences
from verifier.verify.match import Alignment, Op, QuoteForm, align
from verifier.textnorm import STOPWORDS, is_contraction
from verifier.verify.verdicts import MINOR, MISQUOTE, VERIFIED

IGNORED, MARKED, MINOR_KIND, SUBSTANTIVE = "ignored", "marked", "minor", "substantive"

SPLICE_GAP = 6  # source words left out without an ellipsis that make two passages, not one

NEGATIONS = frozenset("""not no never nobody nothing none nowhere neither nor without cannot
n't""".split())
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
    if op.tag == "delete" and len(sn) >= SPLICE_GAP and _whole_sentences(op.source, alignment):
        return _joined(source, sn)   # a sentence left out, whatever "not" it holds: no negation dropped
    if _negation(qn) != _negation(sn):
        added = _negation(qn) > _negation(sn)
        return Difference(SUBSTANTIVE, op.tag, quote, source,
                          f"negation {'added' if added else 'removed'}: {_change(op.tag, quote, source)}")
    if _numbers(_no_pronoun_one(qn, before)) != _numbers(_no_pronoun_one(sn, before)):
        return Difference(SUBSTANTIVE, op.tag, quote, source, f"number changed: {_change(op.tag, quote, source)}")
    if _asks(op, quote_text) and not set(_expand(sn)) & QUESTION_WORDS \
            and not _source_asks(op, before, alignment):
        return Difference(SUBSTANTIVE, op.tag, quote, source,
                          f"a question where the source makes a statement: {_change(op.tag, quote, source)}")
    if _expand(qn) == _expand(sn):
        return Difference(MINOR_KIND, op.tag, quote, source, f"contraction: '{source}' became '{quote}'")
    moved = _found_elsewhere(op, alignment)
    if moved is not None:
        return Difference(SUBSTANTIVE, "splice", quote, moved,
                          f"passages joined without an ellipsis: '{_clip(quote)}' is from elsewhere in the "
                          f"source: '{_clip(moved)}'")
    if op.tag == "delete" and len(sn) >= SPLICE_GAP:
        return _joined(source, sn)
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


def _whole_sentences(tokens, alignment: Alignment) -> bool:
    """Whether source words left out start or end at a sentence end: "… of May, [and not one ship
    will be turned away before then.] The repairs …", not "we will [not, under any
    circumstances,] raise …"."""
    text = alignment.passage.text
    return bool(re.search(r"(?<!\.)[.!?][\"”’)]*\s*$", text[:tokens[0].start])) or \
        bool(re.match(r"[\"”’)]*[.!?](?!\.)", text[tokens[-1].end:]))   # not a trailing-off "..."


def _joined(source: str, sn: list[str]) -> Difference:
    return Difference(SUBSTANTIVE, "splice", "", source,
                      f"passages joined without an ellipsis: {len(sn)} words left out: '{_clip(source)}'")


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


QUESTION_WORDS = frozenset("who whom whose what which when where why how".split())


def _asks(op: Op, quote_text: str) -> bool:
    """Whether the quote's words of ``op`` open a question the quote asks — a question word first
    in its sentence, which ends with "?" — the construction "Who's going to pay for it?" aligned
    with "they're going to pay for it": a statement made a question is a change of meaning, not a
    function word."""
    if not op.quote or _expand([op.quote[0].norm])[0] not in QUESTION_WORDS:   # "who's": "who"
        return False
    lead = quote_text[:op.quote[0].start].rstrip(" \"'“‘")
    if lead and lead[-1] not in ".!?…":
        return False
    return _sentence_end(quote_text, op.quote[0].end) == "?"


def _source_asks(op: Op, before: Op | None, alignment: Alignment) -> bool:
    """Whether the source's sentence where ``op`` stands is a question too."""
    if op.source:
        at = op.source[-1].end
    else:
        at = before.source[-1].end if before is not None and before.source else alignment.start
    return _sentence_end(alignment.passage.text, at) == "?"


def _sentence_end(text: str, at: int) -> str | None:
    """The mark that ends the sentence going on at ``at`` — ".", "!", "?" or None — by the sentence
    splitter extraction uses (an abbreviation's dots end no sentence)."""
    lo, hi = Sentences(text, text, []).bounds(at)
    mark = text[lo:hi].rstrip().rstrip("\"'\u201d\u2019)]")[-1:]
    return mark if mark in (".", "!", "?") else None


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
