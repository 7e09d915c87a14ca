"""Provenance: each piece of evidence that a passage is (or is not) the occasion a quote comes
from, on a real SQLite archive of fictional sources — IDF bits from the FTS5 vocabulary, dates,
the occasion the article names, speakers, a pronoun read as the source's speaker — and what it
does to the verdict and to the JSON and text views."""
import math

import pytest
from conftest import BACKENDS, location_for

from verifier.archive.store import Archive
from verifier.quotes.extract import Quote, extract_quotes
from verifier.quotes.speakers import SpeakerMatcher
from verifier.verify.check import CheckedQuote, check_quote, indirect_attribution, quote_record
from verifier.verify.occasion import compare, occasion_around
from verifier.verify.provenance import Indirect

BRIEFING = """---
title: Harbour briefing
date: 2025-04-02
kind: press conference
---
ILSE MARTEN (Harbour Master): Good morning. The repairs cost fourteen million crowns. We really need the \
dredgers before the herring season opens in the bay. Let us see what happens with the vote.

ARVID KOLLE (Union steward): We will not accept another delay. The workers have waited long enough.

MARTEN: I thank Senator Oskar Vega for his patience with the harbour dredging plan.
"""
# Many other segments, so that "we will" is common and "dredgers" is rare in this archive.
FILLER = "\n\n".join(f"TOMAS REIK: We will talk about item {n} of the agenda now." for n in range(40))
COUNCIL = f"""---
title: Council minutes
date: 2025-03-20
kind: meeting
---
{FILLER}

TOMAS REIK: The harbour fees will be frozen until the new terminal opens in the spring, said the chair.
"""


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory):
    """The provenance fixtures' archive, on each backend."""
    d = tmp_path_factory.mktemp("prov")
    (d / "briefing.md").write_text(BRIEFING, encoding="utf-8")
    (d / "council.md").write_text(COUNCIL, encoding="utf-8")
    arc = Archive.open(location_for(request, d), create=True)
    for name in ("briefing.md", "council.md"):
        arc.add_file(str(d / name))
    return arc


def check(archive, text, speaker="Ilse Marten", date="2025-04-05", context=None, indirect=None):
    article = context.replace("QUOTE", text) if context else text
    start = article.index(text)
    quote = Quote(start, start + len(text), text, speaker=speaker)
    occasion = occasion_around(article, quote.start, quote.end, speaker) if context else None
    return check_quote(quote, archive, SpeakerMatcher(), date, occasion, indirect)


def test_word_bits_come_from_the_archive_vocabulary_with_its_stemming(archive):
    bits = archive.word_bits(["dredgers", "dredger", "we", "will", "absentword"])
    assert bits["dredgers"] > bits["we"] and bits["dredgers"] > bits["will"]
    assert bits["dredger"] == bits["dredgers"]  # the archive's porter stemmer makes them one word
    assert bits["absentword"] >= bits["dredgers"]  # a word the archive never has is rarest of all


def test_rare_words_are_counted_in_the_reasons(archive):
    j = check(archive, "We really need the dredgers before the herring season opens in the bay")
    assert j.verdict == "verified"
    assert j.provenance.reasons[0].startswith("13 of 13 words verbatim, ")
    assert "rare in the archive" in j.provenance.reasons[0]
    assert "the source is dated 3 days before the article" in j.provenance.reasons


def test_a_stock_phrase_is_said_to_be_common_and_never_misattributed(archive):
    j = check(archive, "We will talk about it now", speaker="Ilse Marten")
    assert j.verdict == "unverified"
    assert "(common words in this archive)" in j.provenance.reasons[0]
    assert any(n.startswith("similar words on another occasion: Council minutes") for n in j.notes)


def test_distinctive_words_of_another_speaker_are_misattributed(archive):
    j = check(archive, "The harbour fees will be frozen until the new terminal opens in the spring")
    assert j.verdict == "misattributed"
    assert j.notes == ["these words were said by Tomas Reik, not Ilse Marten"]
    assert "said by Tomas Reik, not the article's speaker" in j.provenance.reasons


def test_a_changed_short_quote_is_a_misquote_only_when_the_occasion_is_established(archive):
    alone = check(archive, "The repairs cost forty million crowns")
    assert alone.verdict == "unverified"
    assert "may be another occasion" in alone.notes[0] and "Harbour briefing" in alone.notes[0]
    named = check(archive, "The repairs cost forty million crowns",
                  context="“QUOTE,” Marten said at Wednesday's press conference on the harbour.")
    assert named.verdict == "misquote"
    assert any("the article names this occasion" in r for r in named.provenance.reasons)


def test_a_month_the_quotes_sentence_dates_it_to_keeps_another_months_source_from_a_flag(archive):
    """The briefing is from April; "when she first promised it in January" is another occasion,
    however close the words: no misquote, and the reasons say why."""
    context = "When she first promised it in January, Marten said “QUOTE” to the council."
    january = check(archive, "The repairs cost forty million crowns", context=context)
    assert january.verdict == "unverified" and "may be another occasion" in january.notes[0]
    assert any("dates the occasion to January" in r for r in january.provenance.reasons)
    april = check(archive, "The repairs cost forty million crowns", context=context.replace("January", "April")
                  + " She spoke at Wednesday's press conference on the harbour.")
    assert april.verdict == "misquote"


def test_a_source_dated_after_the_article_is_never_its_occasion(archive):
    j = check(archive, "We really need the dredgers before the herring season opens in the bay", date="2025-03-01")
    assert j.verdict == "unverified" and j.provenance.confidence == 0.0
    assert j.provenance.reasons[0] == "the source is dated after the article"


def test_the_occasion_the_article_names_agrees_differs_or_singles_out():
    text = "At a rally in Wilmington on Tuesday, Marten spoke.\n\n“We will go on,” she said."
    start = text.index("We will")
    occasion = occasion_around(text, start, start + 10, "Ilse Marten")
    assert occasion.kinds == {"speech"} and occasion.weekday == 1 and "wilmington" in occasion.names
    rally = {"title": "Rally in Wilmington", "kind": "speech", "date": "2025-04-01"}  # a Tuesday
    assert compare(occasion, rally, "2025-04-03").singled_out
    debate = {"title": "Debate", "kind": "debate", "date": "2025-03-31"}
    match = compare(occasion, debate, "2025-04-03")
    assert match.differs and not match.agrees and not match.singled_out
    months_ago = {"title": "Speech", "kind": "speech", "date": "2024-11-01"}
    assert not compare(occasion, months_ago, "2025-04-03").agrees  # a kind counts only that week


def test_the_quotes_own_sentence_is_read_apart():
    text = ("At Tuesday's rally in Wilmington, Marten spoke for an hour. “We will go on,” she said. "
            "“The quay reopens in May,” Marten said at the rally in Wilmington.")
    rally = {"title": "Rally in Wilmington", "kind": "speech", "date": "2025-04-01"}  # a Tuesday
    first, second = text.index("We will"), text.index("The quay")
    near = compare(occasion_around(text, first, first + 10, "Ilse Marten"), rally, "2025-04-03")
    own = compare(occasion_around(text, second, second + 22, "Ilse Marten"), rally, "2025-04-03")
    assert near.singled_out and not near.in_sentence   # named in the sentence before
    assert own.singled_out and own.in_sentence
    # a quote that ends its sentence, its cue before it, does not take the next one's naming; with
    # its cue after it, the sentence runs on; a title's period is no end
    text = "Marten was asked about the quay. “We will go on.” She told Tuesday's rally in Wilmington so."
    start = text.index("We will")
    assert not compare(occasion_around(text, start, start + 14, "Ilse Marten", cue_after=False), rally,
                       "2025-04-03").in_sentence
    text = "“Will the quay reopen in May?” Marten asked at Tuesday's rally in Wilmington."
    assert compare(occasion_around(text, 1, 30, "Ilse Marten", cue_after=True), rally, "2025-04-03").in_sentence
    text = "At Tuesday's rally in Wilmington, Sen. Ilse Marten said “we will go on.”"
    start = text.index("we will")
    assert compare(occasion_around(text, start, start + 14, "Ilse Marten"), rally, "2025-04-03").in_sentence


@pytest.mark.parametrize("sentence, month", [
    ("When he first described the wall in December, he said, “QUOTE”", 12),
    ("On Dec. 7, he said “QUOTE”", 12), ("He said on May 5 “QUOTE”", 5), ("Last March he said “QUOTE”", 3),
    ("He may say “QUOTE”", None), ("In Mayfield, he said “QUOTE”", None),
    ("The march on Washington went on, and he said “QUOTE”", None),
    ("It was June. Then he said “QUOTE”", None),   # another sentence
    ("Asked by April Ryan, he said “QUOTE”", None), ("At the Jan. 6 hearing he said “QUOTE”", None),
    ("Until March he said “QUOTE”", None), ("At the Fourth of July parade he said “QUOTE”", None),
    ("The vote in March went 7 to 2. Marten said, “QUOTE”", None), ("King Jr. In May he said “QUOTE”", 5),
])
def test_the_month_a_quotes_own_sentence_dates_it_to(sentence, month):
    start = sentence.index("QUOTE")
    assert occasion_around(sentence, start, start + 5).in_sentence.month == month


@pytest.mark.parametrize("sentence, month", [
    ("“QUOTE,” Marten told reporters in December.", 12), ("“QUOTE,” Marten said on Fox News last March.", 3),
    ("“QUOTE,” Marten said, adding that the quay opens in March.", None),   # the quay's month
    ("“QUOTE,” Marten said of the harbour plan due in March.", None),
    ("“QUOTE,” Marten said he would retire in March.", None), ("“QUOTE,” Marten said sales fell in March.", None),
    ("“QUOTE,” Marten said after his arrest in March.", None),
    ("“QUOTE,” Marten said in an interview in March.", 3), ("“QUOTE,” Marten said in March.", 3),
    ("“QUOTE,” the harbour master said. In March the quay opens.", None),   # another sentence
])
def test_the_month_a_cue_after_the_quote_dates_it_to(sentence, month):
    start = sentence.index("QUOTE")
    assert occasion_around(sentence, start, start + 6, cue_after=True).in_sentence.month == month


def test_a_month_after_the_quote_keeps_another_months_source_from_a_flag(archive):
    january = check(archive, "The repairs cost forty million crowns",
                    context="“QUOTE,” Marten told the council in January.")
    assert january.verdict == "unverified" and "may be another occasion" in january.notes[0]


def test_a_weekday_counts_only_when_the_article_is_dated():
    """"On Tuesday" is a day of the article's week: without the article's date every Tuesday's
    source would agree (one in seven), so the weekday then neither agrees nor singles out."""
    text = "At a rally on Tuesday, Marten spoke.\n\n“We will go on,” she said."
    start = text.index("We will")
    occasion = occasion_around(text, start, start + 10, "Ilse Marten")
    tuesday = {"title": "Rally", "kind": "speech", "date": "2025-04-01"}
    dated = compare(occasion, tuesday, "2025-04-03")
    assert "tuesday" in dated.agrees and dated.singled_out
    undated = compare(occasion, tuesday, None)
    assert "tuesday" not in undated.agrees and not undated.singled_out
    assert "speech" in undated.agrees   # the kind still counts where the week cannot be checked


def test_a_pronoun_is_read_as_the_source_speaker_named_just_before():
    indirect = Indirect("he", "Arvid Kolle, the union steward, spoke after the harbour master. ")
    assert indirect.reread("Arvid Kolle").startswith("the article's 'he' read as Arvid Kolle")
    assert indirect.reread("Tomas Reik") is None


MAYOR_SPEECH = {"title": "Mayor Ilse Kartano: address on the city budget", "speaker": "Ilse Kartano"}


def test_a_description_is_read_as_the_speaker_the_source_gives_that_role():
    """"The mayor said" — read by the article as Tom Aske, the last person it named — may as well
    mean the speaker of a source titled "Mayor Ilse Kartano: …" (or whose speaker line says so)."""
    indirect = Indirect("The mayor", "Harbour Watch President Tom Aske spoke first. The mayor")
    assert indirect.reread("Ilse Kartano", MAYOR_SPEECH) == \
        "the article's 'The mayor' read as Ilse Kartano, 'Mayor Ilse Kartano: address on the city budget' in the source"
    for line in ("Mayor Kartano on the budget", "Ilse Kartano, mayor of Varenholm", "Remarks by MAYOR Ilse Kartano"):
        assert "read as Ilse Kartano" in indirect.reread("Ilse Kartano", {"title": line}), line
    assert "read as Ilse Kartano" in Indirect("the senator", "").reread(
        "Ilse Kartano", {"title": "Sen. Ilse Kartano: floor remarks"})   # the title abbreviated


@pytest.mark.parametrize("line", [
    "Budget address",                                   # no role
    "Mayor Arvid Kolle visits; Kartano replies",        # the role is another's
    "Mayor Kolle Thanks Kartano",
    "Deputy Mayor Ilse Kartano: address",               # a lesser or former holder
    "Former Mayor Ilse Kartano: address",
    "Ilse Kartano, mayor-elect, on the budget",
    "Ilse Kartano, the mayor's spokeswoman",            # the mayor's, not the mayor
])
def test_a_source_line_that_does_not_make_the_speaker_the_mayor(line):
    indirect = Indirect("The mayor", "Tom Aske spoke first. The mayor")
    assert indirect.reread("Ilse Kartano", {"title": line, "speaker": "Ilse Kartano"}) is None


@pytest.mark.parametrize("mention", ["the deputy mayor", "the former mayor", "the Florida senator", "he"])
def test_only_a_plain_role_is_read_through_the_sources_title(mention):
    """A modifier may make the role another's ("the deputy mayor" is not "Mayor Ilse Kartano");
    a pronoun is read only through the names just before it."""
    titles = {"title": "Mayor Ilse Kartano: address", "speaker": "Ilse Kartano"}
    assert Indirect(mention, "Tom Aske spoke first.").reread("Ilse Kartano", titles) is None


@pytest.mark.parametrize("text, given", [
    ("Mayor Tom Aske spoke first. The mayor told reporters, “We will raise the river wall.”", True),
    ("Tom Aske, the mayor of Kessel, spoke first. The mayor told reporters, “We will raise the river wall.”", True),
    ("Harbour Watch President Tom Aske criticised the mayor's plan. The mayor told reporters, "
     "“We will raise the river wall.”", False),
])
def test_the_extraction_says_whether_the_article_gave_its_reading_the_role(text, given):
    """The article that calls Aske the mayor means him by "the mayor": words by another mayor are
    then a misattribution to flag, not a reading to change (``Quote.role_given``)."""
    [quote] = [q for q in extract_quotes(text) if q.kind == "statement"]
    assert quote.speaker == "Tom Aske" and quote.role_given is given
    indirect = indirect_attribution(text, quote)
    assert (indirect.reread("Ilse Kartano", MAYOR_SPEECH) is None) is given


def test_a_pronoun_reread_verifies_instead_of_misattributing(archive):
    text = "We will not accept another delay. The workers have waited long enough"
    before = "Arvid Kolle, the steward, stood up after Marten had spoken. "
    j = check(archive, text, speaker="Ilse Marten", indirect=Indirect("he", before))
    assert j.verdict == "verified", (j.verdict, j.provenance.reasons)
    assert any("read as Arvid Kolle" in r for r in j.provenance.reasons)


def test_a_word_or_two_is_no_ground_to_reread_a_pronoun(archive):
    """"delay" and "the workers" are anyone's words: the article's 'he' stays its reading."""
    before = "Arvid Kolle, the steward, stood up after Marten had spoken. "
    for text in ("delay", "the workers"):
        j = check(archive, text, speaker="Ilse Marten", indirect=Indirect("he", before))
        assert j.verdict == "unverified", (text, j.verdict, j.provenance.reasons)
        assert not any("read as Arvid Kolle" in r for r in j.provenance.reasons)


def test_without_a_speaker_a_word_or_two_establishes_no_occasion(archive):
    """The article does not say who is speaking: two words found in the archive are no source
    ("15%!", "radical Islam"); a phrase of the passage is."""
    short = check(archive, "another delay", speaker=None)
    assert short.verdict == "unverified", (short.verdict, short.provenance.reasons)
    phrase = check(archive, "We really need the dredgers before the herring season", speaker=None)
    assert phrase.verdict == "verified", (phrase.verdict, phrase.provenance.reasons)


def test_provenance_in_the_json_and_in_one_text_line(archive):
    text = "We really need the dredgers before the herring season opens in the bay"
    j = check(archive, text)
    record = quote_record(CheckedQuote(Quote(0, len(text), text, speaker="Ilse Marten"), j))
    assert set(record["provenance"]) == {"confidence", "reasons"}
    assert 0.9 <= record["provenance"]["confidence"] <= 1.0
    assert record["provenance"]["reasons"] == j.provenance.reasons
    assert j.provenance.line().startswith("same occasion ") and "; " in j.provenance.line()


def test_dropped_spoken_emphasis_and_a_phrase_said_twice_are_minor(archive):
    j = check(archive, "We need the dredgers before the herring season opens in the bay")
    assert j.verdict == "minor" and "dropped spoken emphasis: 'really'" in [d.note for d in j.differences]
    twice = check(archive, "The repairs cost fourteen million crowns. We really need the dredgers before the "
                           "herring season opens in the bay. Let us see what happens. Let us see what happens")
    assert twice.verdict == "minor", [d.note for d in twice.differences]
    assert any(d.note.startswith("repeated in the quote") for d in twice.differences)


def test_word_bits_follow_the_archive_when_it_changes(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\nMARA VOSS: The dredgers arrive in May. We will talk.\n")
    arc = Archive.open(tmp_path / "a.db", create=True)
    arc.add_file(str(tmp_path / "a.md"))
    before = arc.word_bits(["dredgers", "talk"])
    assert arc.word_bits(["dredgers", "talk"]) == before  # cached while nothing changes
    more = "\n\n".join(f"MARA VOSS: We will talk about the harbour, part {n}." for n in range(15))
    (tmp_path / "b.md").write_text(f"---\ntitle: B\n---\n{more}\n")
    arc.add_file(str(tmp_path / "b.md"))
    after = arc.word_bits(["dredgers", "talk"])
    assert after["dredgers"] > before["dredgers"]  # more segments, still in one of them: rarer
    assert after["talk"] < after["dredgers"]


def test_a_title_abbreviated_before_a_name_is_the_same_word(archive):
    j = check(archive, "I thank Sen. Oskar Vega for his patience with the harbour dredging plan")
    assert j.verdict == "verified", [d.note for d in j.differences]


def test_word_counts_are_copied_on_close_and_a_stale_copy_is_not_used(tmp_path):
    (tmp_path / "a.md").write_text("MARA VOSS: The dredgers arrive in May.\n\nMARA VOSS: We will talk.\n")
    db = tmp_path / "a.db"
    with Archive.open(db, create=True) as arc:
        arc.add_file(str(tmp_path / "a.md"))
    with Archive.open(db) as arc:
        bits = arc.word_bits(["dredgers", "talk"])
        assert arc._counts_table == "term_df"  # the copy written when the adding connection closed
    (tmp_path / "b.md").write_text("MARA VOSS: More dredgers in June.\n")
    arc = Archive.open(db)
    arc.add_file(str(tmp_path / "b.md"))
    arc.close(refresh=False)  # as if the process had been killed before copying the counts
    with Archive.open(db) as arc:
        stale = arc.word_bits(["dredgers", "talk"])
        assert arc._counts_table != "term_df"  # the copy is stale: counts come from the index itself
        assert bits["dredgers"] == pytest.approx(math.log2(2 / 1))  # 2 segments, 1 with the word
        assert stale["dredgers"] == pytest.approx(math.log2(3 / 2))  # 3 segments, 2 with the word
