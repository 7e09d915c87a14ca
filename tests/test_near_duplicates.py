"""Retrieval when the archive holds many near-copies of one transcript (#14): every word is then
common, and the quote's own paragraph must still be found."""
from __future__ import annotations

import random
import re
import sqlite3

import pytest
from conftest import BACKENDS, location_for

from verifier.archive.store import Archive
from verifier.quotes.extract import Quote
from verifier.quotes.speakers import SpeakerMatcher
from verifier.verify.check import check_quote

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
WORDS = sorted({"".join(random.Random(k).choices(SYLLABLES, k=3)) for k in range(800)})
FILLER = WORDS[:60]   # the words every paragraph is made of: each of them common


def paragraph(rng: random.Random, topic: str) -> str:
    return " ".join(" ".join(rng.choice(FILLER) for _ in range(rng.randint(8, 14))).capitalize() + f" {topic}."
                    for _ in range(4))


TOPICS = WORDS[300:310]


@pytest.fixture(scope="module", params=BACKENDS)
def crowded(request, tmp_path_factory):
    """40 copies of a 30-paragraph speech, every copy but the first with 3% of its words changed."""
    rng = random.Random(5)
    original = [paragraph(rng, TOPICS[i % len(TOPICS)]) for i in range(30)]
    folder = tmp_path_factory.mktemp("copies")
    for n in range(40):
        paras = original if n == 0 else [" ".join(rng.choice(FILLER) if rng.random() < 0.03 else w
                                                   for w in p.split()) for p in original]
        (folder / f"copy{n:02d}.md").write_text(f"---\ntitle: Speech, copy {n}\nspeaker: Mara Voss\n"
                                                f"date: 2025-03-{1 + n % 28:02d}\n---\n\n" + "\n\n".join(paras),
                                                encoding="utf-8")
    archive = Archive.open(location_for(request, folder), create=True)
    archive.add_paths([str(folder)])
    yield archive, original
    archive.close()


def test_the_quotes_own_paragraph_is_among_the_candidates(crowded):
    archive, original = crowded
    found = 0
    for para in original:
        quote = " ".join(para.split()[3:25])
        found += any(quote in p.text for p in archive.candidates(quote, limit=20))
    assert found >= 0.8 * len(original)   # 24 of 30 (19 before the conjunction was ordered)


def test_common_words_are_anded_least_common_first(crowded):
    """Every word of the copies is common; the conjunction starts from the least common of the
    quote's words and goes on until few segments have them all."""
    archive, original = crowded
    quote = " ".join(original[7].split()[3:25])
    conjunction = re.search(r"\(([^()]*)\)", archive._quote_query(quote)).group(1)
    counts = [archive._count(w) for w in conjunction.split(" AND ")]
    assert len(counts) >= 2 and counts == sorted(counts)
    assert archive._count(conjunction) < 100 or len(counts) == 8


def test_a_verbatim_quote_is_verified_against_the_exact_copy(crowded):
    archive, original = crowded
    quote = " ".join(original[12].split()[2:22])
    judgement = check_quote(Quote(start=0, end=len(quote), text=quote, speaker="Mara Voss"), archive,
                            SpeakerMatcher())
    assert judgement.verdict == "verified"


def test_copies_do_not_fill_every_place(crowded):
    """Passages that score exactly alike for a quote (copies of one paragraph) count once: the
    few candidates a quote is aligned with hold the quote's own paragraph, not six of its copies."""
    archive, original = crowded
    found = 0
    for para in original:
        quote = " ".join(para.split()[3:25])
        passages = archive.candidates(quote, limit=6, copies=2)
        scores = [round(p.score, 9) for p in passages]
        assert all(scores.count(s) <= 2 for s in scores) and len(set(scores)) <= 6
        found += any(quote in p.text for p in passages)
    assert found >= 0.9 * len(original)


def test_a_verbatim_quote_of_every_paragraph_is_verified(crowded):
    archive, original = crowded
    matcher = SpeakerMatcher()
    verdicts = [check_quote(Quote(start=0, end=len(q), text=q, speaker="Mara Voss"), archive, matcher).verdict
                for q in (" ".join(p.split()[2:22]) for p in original)]
    assert verdicts.count("verified") >= 0.9 * len(original)


def test_word_counts_come_from_the_vocabulary_copy_and_agree_with_the_index(crowded):
    """The counts that decide which words are rare are read for all of a quote's words at once
    (from the archive's copy of the index's statistics), and are what the index itself counts."""
    archive, original = crowded
    words = sorted(set(original[3].split()[:12]))
    queries = ['"' + w.strip(".") + '"' for w in words]
    archive._counts.clear()
    archive._prefetch_counts(queries)
    if archive.backend == "sqlite":
        assert all(q in archive._counts for q in queries)
    prefetched = {q: archive._counts[q] for q in queries if q in archive._counts}
    assert prefetched and all(archive._count_uncached(q) == n for q, n in prefetched.items())


# --- a short quote of common words: the segment that says it word for word ---------------------

def filler(rng: random.Random, sentences: int) -> str:
    """Sentences of nine filler words each."""
    return " ".join(" ".join(rng.choice(FILLER) for _ in range(9)).capitalize() + "." for _ in range(sentences))


SCATTERED = "We don't forget them in our towns, and we want them to say our country is theirs and want"


@pytest.fixture(scope="module", params=BACKENDS)
def scattered(request, tmp_path_factory):
    """Six rallies with a paragraph that has every word of the quote, most of its word pairs and
    two of each of its rarer words (bm25 ranks it first), one address that says the quote once,
    and forty speeches about other things."""
    rng = random.Random(8)
    folder = tmp_path_factory.mktemp("scattered")

    def speech(name: str, title: str, day: int, text: str) -> None:
        (folder / name).write_text(f"---\ntitle: {title}\nspeaker: Mara Voss\ndate: 2025-04-{day:02d}\n---\n\n"
                                   f"{text}\n", encoding="utf-8")

    for n in range(40):
        speech(f"other{n:02d}.md", f"Speech {n}", 1 + n % 28, filler(rng, 4))
    for n in range(6):
        speech(f"rally{n}.md", f"Rally {n}", 1 + n, f"{filler(rng, 2)} {SCATTERED}.")
    speech("address.md", "Address at the port", 20, f"{filler(rng, 5)} We don't want them in our country.")
    archive = Archive.open(location_for(request, folder), create=True)
    archive.add_paths([str(folder)])
    yield archive
    archive.close()


def test_the_segment_with_the_whole_quote_word_for_word_comes_first(scattered):
    quote = "We don't want them in our country,"
    passages = scattered.candidates(quote, limit=6, copies=2)
    assert passages[0].document["title"] == "Address at the port"
    judgement = check_quote(Quote(start=0, end=len(quote), text=quote, speaker="Mara Voss"), scattered,
                            SpeakerMatcher())
    assert judgement.verdict == "verified" and judgement.alignment.passage.document["title"] == "Address at the port"


def test_a_contraction_is_searched_for_once():
    from verifier.verify.match import parse_quote

    assert parse_quote("We don't want them, and they won't go 4 times").search_text == \
        "We don't want them and they won't go 4 times four"   # the other spelling after the words


def test_the_word_for_word_segment_is_read_however_far_down_bm25_puts_it(tmp_path):
    """Thirty rallies, each ranked by bm25 above the address that says the quote: the address is
    past the first texts read for re-ranking, and is still read, because a word-for-word segment
    may score up to twice its bm25 (the early stop counts that)."""
    from verifier.archive import retrieval

    rng = random.Random(9)

    for n in range(40):
        (tmp_path / f"other{n:02d}.md").write_text(f"---\ntitle: Speech {n}\n---\n\n{filler(rng, 4)}\n", encoding="utf-8")
    for n in range(30):
        words = " ".join(rng.choice(FILLER) for _ in range(n))   # a different length, a different bm25
        (tmp_path / f"rally{n:02d}.md").write_text(f"---\ntitle: Rally {n}\n---\n\n{words} {SCATTERED}.\n",
                                                    encoding="utf-8")
    (tmp_path / "address.md").write_text("---\ntitle: Address at the port\n---\n\n"
                                         f"{filler(rng, 5)} We don't want them in our country.\n", encoding="utf-8")
    archive = Archive.open(str(tmp_path / "archive.db"), create=True)
    archive.add_paths([str(tmp_path)])
    quote = "We don't want them in our country"
    rows = archive._ranked_rows(archive._quote_query(quote), retrieval.RERANK_POOL, None)
    address = archive.conn.execute("SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id"
                                   " WHERE d.title = 'Address at the port' AND s.text LIKE '%our country%'").fetchone()[0]
    place = [i for i, _ in rows].index(address)
    assert place >= retrieval.RERANK_STEP and rows[place][1] >= retrieval.RERANK_FLOOR * rows[0][1]   # as meant
    assert archive.candidates(quote, limit=6, copies=2)[0].document["title"] == "Address at the port"
    archive.close()


def test_matches_taken_unranked_when_ranking_runs_too_long_come_best_first(tmp_path, monkeypatch):
    """A query whose ranking is cut short gives its first matches, sorted by their bm25: the
    re-ranking's floor and early stop read them as best first."""
    rng = random.Random(4)
    for n in range(30):
        (tmp_path / f"s{n:02d}.md").write_text(f"---\ntitle: Speech {n}\n---\n\n" + paragraph(rng, TOPICS[n % 3]) + "\n",
                                               encoding="utf-8")
    archive = Archive.open(str(tmp_path / "archive.db"), create=True)
    archive.add_paths([str(tmp_path)])
    within = archive._within

    def interrupted_when_ranked(steps, sql, params):
        if "ORDER BY" in sql:
            raise sqlite3.OperationalError("interrupted")
        return within(steps, sql, params)

    monkeypatch.setattr(archive, "_within", interrupted_when_ranked)
    rows = archive._ranked_rows(f"{TOPICS[0]} OR {TOPICS[1]}", 100, None)
    assert len(rows) == 20 and [s for _, s in rows] == sorted((s for _, s in rows), reverse=True)
    archive.close()
