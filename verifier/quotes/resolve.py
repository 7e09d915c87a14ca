"""Who "he", "she", "they", "the senator" or "the ministry" is: ranking the article's entities.

Owns the features of a (mention, entity) pair and the learned weights that score them. A pronoun or
description is resolved to the best-scoring compatible entity mentioned before it; with no entity
scoring above ``MIN_PROBABILITY`` it stays unresolved (a wrong name is worse than none: it turns a
quote into a misattribution). The weights are a logistic regression fitted on hand-labelled
articles by ``benchmarks/fit_resolution.py`` and shipped in ``resolution_weights.json``. The
features read a candidate's latest ``MENTIONS_LOOK_BACK`` mentions, so that a mention costs the
same however often the article has named someone before.
"""
from __future__ import annotations

import collections
import json
import math
import operator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from verifier.quotes.entities import BODY, PERSON, Entity, EntityTable, Mention
from verifier.quotes.lexicon import DETERMINERS, ROLE_NOUNS
from verifier.quotes.people import role_head

MIN_PROBABILITY = 0.2  # below this, no entity is named
POOL = 10              # candidates ranked per mention
MENTIONS_LOOK_BACK = 64   # a candidate's mentions the features read: the latest this many

# Pronoun -> what it can stand for: gender ("m", "f"), a group or body ("p"), a thing or body ("n").
PRONOUN_SENSE = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "they": "p", "them": "p",
                 "their": "p", "it": "n", "its": "n", "who": "?"}
# Heads of descriptions that stand for bodies or documents rather than people.
BODY_NOUNS = frozenset("""campaign ministry department agency office government committee commission
court administration party newspaper paper network magazine website outlet group organization company
firm team publication station channel council board union coalition caucus media""".split())
DOCUMENT_NOUNS = frozenset("""statement report study poll survey memo letter filing complaint lawsuit
ruling order release ad advertisement video tweet message email e-mail column editorial article story
indictment post book footnote document analysis""".split())


def _plural(noun: str) -> bool:
    """"senators", not "witness" nor "chairman's"."""
    return noun.endswith("s") and not noun.endswith(("ss", "us", "'s", "’s"))


# Role nouns that are no person: what they head describes a body, a group, a document or a thing.
_NOT_PERSONS = BODY_NOUNS | DOCUMENT_NOUNS | frozenset("""people police white house military army army's navy
speech photo image sign poster banner billboard flyer mailer headline caption staff family families
audience crowd regime fund bank association alliance foundation institute center centre
ministry's""".split())
# Heads of descriptions that stand for one person: "the senator", "the billionaire business mogul"
# (plurals, "the authors", may stand for the body they write for).
PERSON_NOUNS = frozenset(w for w in ROLE_NOUNS if w not in _NOT_PERSONS and not _plural(w))

FEATURES = ("nobody", "bias", "gender_agrees", "gender_clashes", "gender_evidence", "body_for_group", "same_sentence", "sentence_distance", "same_paragraph",
            "previous_paragraph", "recency", "last_speaker", "speaker_recency", "last_subject",
            "last_object", "last_possessive", "salience", "lead_entity", "subject_here",
            "subject_previous_sentence", "nearest_compatible", "role_match", "role_words",
            "description_body", "description_document", "description_person", "titled", "spoke_before",
            "place_like", "last_speech", "speech_recent", "speech_previous_sentence", "introduced_here",
            "introduced_before", "last_early", "last_full", "latest_subject", "latest_speech")


# The features of the candidate "none of the entities before": the speaker is not named (yet).
NOBODY = [1.0] + [0.0] * (len(FEATURES) - 1)


@dataclass
class Case:
    """One pronoun or description to resolve, with its candidates and their features."""

    at: int
    words: list[str]
    candidates: list[Entity]
    features: list[list[float]]
    chosen: str | None = None
    role_given: bool = False   # the candidates are those the article gave the description's role


class Resolver:
    """Ranks the entities of ``table`` for the pronouns and descriptions of one article."""

    def __init__(self, table: EntityTable, weights: dict | None = None):
        self.table = table
        self.weights = weights if weights is not None else shipped_weights()
        self.cases: list[Case] = []   # every resolution made, for fitting and explaining
        self._pending = collections.deque(table.speech_pronouns())   # pronouns outside quotes, resolved as reached
        self._done: set[int] = set()

    def resolve(self, words: list[str], at: int, speakers: list[tuple[int, str]]) -> str | None:
        """The entity a pronoun or description (lower-case ``words``) at ``at`` stands for;
        ``speakers`` are the (mention position, name) of the quotes before it, in order."""
        self._catch_up(at, speakers)
        self._done.add(at)
        return self._choose(self.case(words, at, speakers))

    def _catch_up(self, at: int, speakers: list[tuple[int, str]]) -> None:
        """Resolve the pronouns outside quotations before ``at`` that are not yet, in order, and
        add each to its entity's mentions."""
        while self._pending and self._pending[0][0] < at:
            pos, pronoun = self._pending.popleft()
            if pos in self._done:
                continue
            self._done.add(pos)
            name = self._choose(self.case([pronoun], pos, [s for s in speakers if s[0] < pos]))
            if name:
                self.table.note_pronoun(name, pos)

    def _choose(self, case: Case) -> str | None:
        """The best-scoring candidate, unless "nobody the article names before" scores higher or
        the best one's share of the softmax over all (nobody included) is under the floor."""
        scores = [self.score(f) for f in case.features]
        nobody = self.score(NOBODY)
        if not scores or (max(scores) <= nobody and not case.role_given):
            return None
        best = max(range(len(scores)), key=scores.__getitem__)
        top = scores[best]
        probability = 1 / (sum(math.exp(s - top) for s in scores) + (0 if case.role_given else math.exp(nobody - top)))
        floor = self.weights.get("min_probability", MIN_PROBABILITY)
        case.chosen = case.candidates[best].name if probability >= floor else None
        return case.chosen

    def score(self, features: list[float]) -> float:
        return sum(map(operator.mul, self.weights["coef"], features))

    def case(self, words: list[str], at: int, speakers: list[tuple[int, str]]) -> Case:
        sense = PRONOUN_SENSE.get(words[0]) if len(words) == 1 else None
        pool = [e for e in self.table.mentioned_before(at) if _compatible(e, sense, words)]
        if len(pool) > POOL:   # the most recently mentioned: an antecedent further back is rare
            pool = sorted(pool, key=lambda e: e.last_before(at).at)[-POOL:]
        if sense is None:
            head = role_head(words)
            given = [e for e in pool if head in e.heads]
            pool = given or pool   # "the nominee": whom the article called the nominee, if anyone
        context = _Context(self.table, at, speakers, pool, sense, words)
        case = Case(at, words, pool, [context.features(e) for e in pool], role_given=sense is None and bool(given))
        self.cases.append(case)
        return case


class _Context:
    """What is shared by all candidates of one mention: its sentence, paragraph, the order of
    recent mentions and speakers."""

    def __init__(self, table: EntityTable, at: int, speakers: list[tuple[int, str]], pool: list[Entity],
                 sense: str | None, words: list[str]):
        self.at, self.sense = at, sense
        self.description = sense is None
        self.head = role_head(words) if self.description else ""
        self.keys = [w for w in words if w not in DETERMINERS]
        self.sentence, self.paragraph = table.sentence_of(at), table.paragraph_of(at)
        self.before = {id(e): e.before(at, MENTIONS_LOOK_BACK) for e in pool}
        last = {k: b[-1].at for k, b in self.before.items()}
        self.recency = {k: r for r, k in enumerate(sorted(last, key=last.get, reverse=True))}
        order = []
        for _, name in reversed(speakers):
            if name not in order:
                order.append(name)
        self.speaker_rank = {name: r for r, name in enumerate(order)}
        self.compatible_order = [id(e) for e in sorted(pool, key=lambda e: last[id(e)], reverse=True)
                                 if sense not in ("m", "f") or e.gender in (None, sense)]
        self.lead = {id(e) for e in pool if e.mentions and e.mentions[0].paragraph <= 1}
        self.latest_subject = self._latest(lambda m: m.subject or m.early)
        self.latest_speech = self._latest(lambda m: m.speech)

    def _latest(self, kind) -> int | None:
        """The id of the candidate with the latest mention of ``kind``."""
        best, best_at = None, -1
        for key, before in self.before.items():
            at = next((m.at for m in reversed(before) if kind(m)), -1)
            if at > best_at:
                best, best_at = key, at
        return best

    def features(self, e: Entity) -> list[float]:
        before = self.before[id(e)]
        last: Mention = before[-1]
        sense = self.sense
        gender_known = sense in ("m", "f") and e.gender is not None
        evidence = 0.0
        if sense in ("m", "f") and e.he + e.she:
            same = e.he if sense == "m" else e.she
            evidence = (2 * same - e.he - e.she) / (e.he + e.she + 1)
        here = [m for m in before if m.sentence == self.sentence]
        prev = [m for m in before if m.sentence == self.sentence - 1]
        rank = self.speaker_rank.get(e.name)
        description, head, keys = self.description, self.head, self.keys
        roles = {w for r in e.roles for w in r.split()} | e.roles
        values = {
            "nobody": 0.0,
            "bias": 1.0,
            "gender_agrees": float(gender_known and e.gender == sense),
            "gender_clashes": float(gender_known and e.gender != sense),
            "gender_evidence": evidence,
            "body_for_group": float(sense == "p" and e.kind == BODY),
            "same_sentence": float(bool(here)),
            "sentence_distance": min(math.log1p(self.sentence - last.sentence), 3.0),
            "same_paragraph": float(last.paragraph == self.paragraph),
            "previous_paragraph": float(last.paragraph == self.paragraph - 1),
            "recency": 1 / (1 + self.recency[id(e)]),
            "last_speaker": float(rank == 0),
            "speaker_recency": 0.0 if rank is None else 1 / (1 + rank),
            "last_subject": float(last.subject),
            "last_object": float(last.object),
            "last_possessive": float(last.possessive),
            "salience": min(math.log1p(len(before)), 3.0),
            "lead_entity": float(id(e) in self.lead),
            "subject_here": float(any(m.subject for m in here)),
            "subject_previous_sentence": float(any(m.subject for m in prev)),
            "nearest_compatible": float(bool(self.compatible_order) and self.compatible_order[0] == id(e)),
            "role_match": float(description and bool(head) and head in e.heads),
            "role_words": (sum(k in roles for k in keys) / len(keys)) if description and keys else 0.0,
            "description_body": float(description and head in BODY_NOUNS and e.kind == BODY),
            "description_document": float(description and head in DOCUMENT_NOUNS),
            "description_person": float(description and head not in BODY_NOUNS and head not in DOCUMENT_NOUNS
                                        and e.kind == PERSON),
            "titled": float(e.titled),
            "spoke_before": float(rank is not None),
            "place_like": sum(m.locative for m in before) / len(before),   # "in X", "from X": a place
            "last_speech": float(last.speech),
            "latest_subject": float(self.latest_subject == id(e)),
            "latest_speech": float(self.latest_speech == id(e)),
            "introduced_here": float(e.mentions[0].paragraph == self.paragraph),
            "introduced_before": float(e.mentions[0].paragraph == self.paragraph - 1),
            "last_early": float(last.early),
            "last_full": float(last.full),
            "speech_recent": float(any(m.speech and self.sentence - m.sentence <= 3 for m in before)),
            "speech_previous_sentence": float(any(m.speech for m in prev + here)),
        }
        return [values[name] for name in FEATURES]


def _compatible(e: Entity, sense: str | None, words: list[str]) -> bool:
    """Hard agreement: "he"/"she" is a person not known to be of the other gender; "it" is not a
    person; a description of a body ("the ministry") is a body."""
    if sense in ("m", "f"):
        return e.kind == PERSON and e.gender in (None, sense)
    if sense == "n":
        return e.kind == BODY
    head = role_head(words) if sense is None and words else None
    if head in BODY_NOUNS:
        return e.kind == BODY
    if head in PERSON_NOUNS:
        return e.kind == PERSON   # "the billionaire business mogul" is no network
    return True


@cache
def shipped_weights() -> dict:
    data = json.loads(resources.files("verifier.quotes").joinpath("resolution_weights.json").read_text())
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("resolution_weights.json does not match the resolver's features; "
                           "re-run benchmarks/fit_resolution.py")
    return data
