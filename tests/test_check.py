"""Verification against a real archive: every verdict and every kind of difference."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BACKENDS, location_for

from verifier.archive.store import Archive
from verifier.verify.check import check_article, check_quote, fails, quote_record
from verifier.article.load import Article
from verifier.quotes.extract import Quote
from verifier.quotes.speakers import SpeakerMatcher
from verifier.verify.occasion import occasion_around

DATA = Path(__file__).parent / "data" / "check"


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory):
    """The check fixtures' archive, on each backend."""
    arc = Archive.open(location_for(request, tmp_path_factory.mktemp("archive")), create=True)
    arc.add_file(str(DATA / "briefing.txt"))
    arc.add_file(str(DATA / "rollup.srt"), date="2025-04-03", title="Evening news")
    return arc


def judge(archive, text, speaker="Ilse Marten", aliases=None, date=None):
    quote = Quote(0, len(text), text, speaker=speaker)
    return check_quote(quote, archive, SpeakerMatcher(aliases), date)


def notes(j):
    return " | ".join(d.note for d in j.differences)


@pytest.mark.parametrize("text", [
    "We will reopen the north quay on the first of May",  # partial, verbatim
    "we will REOPEN the north-quay on the 1st of May!",  # case, punctuation, hyphenation, numeral
    "The repairs cost 14 million crowns",  # numerals vs spelled numbers
    "I want to be clear about the color of the new cranes",  # spelling variant
    "Good morning. We will reopen the north quay",  # across a stage direction? no: plain
    "and not one ship will be turned away before then. The repairs cost fourteen million crowns",
    "We will reopen the north quay ... and we paid for them without a single new fee",  # ellipsis
    "[The harbour] will reopen the north quay on the first of May",  # brackets
    "The repairs cost fourteen million crowns, and we paid for them without a single new fee [sic]",
])
def test_verified(archive, text):
    j = judge(archive, text)
    assert j.verdict == "verified", (j.verdict, notes(j))
    assert j.alignment.passage.speaker == "Ilse Marten"
    assert j.alignment.passage.document["title"] == "Harbour briefing"


def test_stage_directions_are_skipped(archive):
    j = judge(archive, "not one ship will be turned away before then. The repairs cost fourteen million")
    assert j.verdict == "verified", notes(j)


def test_quote_across_roll_up_caption_cues_with_timecode(archive):
    j = judge(archive, "The river wall will be finished before the autumn storms.", speaker="Hanna Brisk")
    assert j.verdict == "verified", notes(j)
    record = quote_record_for(j, "The river wall will be finished before the autumn storms.")
    assert record["source"]["timecode"] == "00:00:01"
    assert record["source"]["date"] == "2025-04-03"


def quote_record_for(j, text):
    from verifier.verify.check import CheckedQuote

    return quote_record(CheckedQuote(Quote(0, len(text), text, speaker="x"), j))


@pytest.mark.parametrize("text, note", [
    ("We will reopen a north quay on the first of May", "function word"),
    ("The workers have waited long enough. We won't accept another delay", None),
    ("The crews have been patient with us", "filler"),
    ("The workers have waited long enough. We will not accept another delay", "repetition"),
    ("They deserved a harbour that works", "inflection"),
])
def test_minor(archive, text, note):
    speaker = "Arvid Kolle" if "workers" in text else "Ilse Marten"
    j = judge(archive, text, speaker=speaker)
    assert j.verdict == "minor", (j.verdict, notes(j))
    assert all(d.kind in ("minor", "ignored", "marked") for d in j.differences)
    if note:
        assert note in notes(j)


@pytest.mark.parametrize("text, note", [
    ("We will reopen the south quay on the first of May", "change of wording"),  # substitution
    ("We will quickly reopen the north quay on the first of May", "added"),  # insertion
    ("The repairs cost fourteen million crowns, and we paid for them without a fee", "left out"),
    ("We will not reopen the north quay on the first of May", "negation added"),
    ("and one ship will be turned away before then", "negation removed"),
    ("and not one ship will be turned away before then. The repairs cost forty million crowns", "number changed"),
    ("and not one ship will be turned away before then. The repairs cost 15 million crowns", "number changed"),
    ("We will reopen on the first of May the north quay", "reorder"),
    ("Who will reopen the north quay on the first of May?", "a question where the source makes a statement"),
    ("We will reopen the north quay on the first of May. They will be green.", "splice"),
])
def test_misquote(archive, text, note):
    j = judge(archive, text)
    assert j.verdict == "misquote", (j.verdict, notes(j))
    assert note in notes(j) or any(d.op == note for d in j.differences)
    assert any(d.kind == "substantive" for d in j.differences)


def test_a_stretch_left_out_is_joined_passages_even_when_it_holds_a_not(archive):
    j = judge(archive, "We will reopen the north quay on the first of May. The repairs cost fourteen million crowns")
    assert j.verdict == "misquote"
    assert notes(j) == ("passages joined without an ellipsis: 10 words left out: "
                        "'and not one ship will be turned away before then'")


@pytest.mark.parametrize("will", ["We will", "We will..."])   # a speaker trailing off is no sentence end
def test_a_negation_dropped_with_the_words_around_it_is_a_misquote_not_a_function_word(tmp_path, will):
    """"We will [not, under any circumstances at all,] raise the fees": the quote's "we will" is
    the source's, six words before "raise" — not a stand-in for the "all" right before it."""
    src = tmp_path / "s.md"
    src.write_text(f"---\nspeaker: Ilse Marten\ndate: 2025-04-02\n---\nGood morning to all of you here. {will} "
                   "not, under any circumstances at all, raise the harbour fees this year. That is a promise.\n")
    with Archive.open(tmp_path / "a.db", create=True) as arc:
        arc.add_file(str(src))
        j = judge(arc, "We will raise the harbour fees this year")
    assert j.verdict == "misquote"
    assert notes(j) == "negation removed: 'not, under any circumstances at all' left out"


PARAPHRASE = "The new cranes at the harbour are going to be painted green, I want to make that clear"


def test_paraphrase_in_quotation_marks_against_the_occasion_the_article_names(archive):
    # the briefing is dated Wednesday 2025-04-02; the article the day after
    text = f'"{PARAPHRASE}," Marten said at Wednesday\'s press conference on the harbour.'
    quote = Quote(1, 1 + len(PARAPHRASE), PARAPHRASE, speaker="Ilse Marten")
    occasion = occasion_around(text, quote.start, quote.end, quote.speaker)
    j = check_quote(quote, archive, SpeakerMatcher(), "2025-04-03", occasion)
    assert j.verdict == "misquote", (j.verdict, notes(j), j.provenance.reasons)
    assert "paraphrase" in notes(j)
    assert any("names this occasion" in r for r in j.provenance.reasons)


def test_a_paraphrase_is_flagged_only_when_its_own_sentence_names_the_occasion(archive):
    """The paragraph names the press conference, but the quote's sentence follows a quote told
    to a newspaper: with no run of the source's words to show the occasion, a paraphrase is then
    not called a misquote of the press conference."""
    text = (f'Marten spoke at Wednesday\'s press conference on the harbour. "We will paint them," she told '
            f'the Courier later. "{PARAPHRASE}," she said.')
    start = text.index(PARAPHRASE)
    quote = Quote(start, start + len(PARAPHRASE), PARAPHRASE, speaker="Ilse Marten")
    occasion = occasion_around(text, quote.start, quote.end, quote.speaker)
    j = check_quote(quote, archive, SpeakerMatcher(), "2025-04-03", occasion)
    assert j.verdict == "unverified", (j.verdict, notes(j), j.provenance.reasons)
    assert any("may be another occasion" in n for n in j.notes)
    assert any("names this occasion" in r for r in j.provenance.reasons)


def test_paraphrase_without_an_established_occasion_is_unverified(archive):
    j = judge(archive, PARAPHRASE)
    assert j.verdict == "unverified", (j.verdict, j.provenance.reasons)
    assert j.closest is not None and any("similar words on another occasion" in n for n in j.notes)


def test_misattributed_names_who_said_it(archive):
    j = judge(archive, "Our members voted on Monday to accept the new shift plan", speaker="Ilse Marten")
    assert j.verdict == "misattributed"
    assert any("Arvid Kolle" in n for n in j.notes)


def test_a_speaker_carried_from_a_quote_sentences_away_is_never_called_wrong(archive):
    """The same words given to Ilse Marten only because her quote came sentences before them:
    verifier's reading may be what is wrong, so no flag — unverified, naming who said them."""
    text = "Our members voted on Monday to accept the new shift plan"
    j = check_quote(Quote(0, len(text), text, speaker="Ilse Marten", how="nearby"), archive, SpeakerMatcher())
    assert j.verdict == "unverified" and j.closest is not None
    assert any("said by Arvid Kolle" in n and "check who said it" in n for n in j.notes)


def test_same_words_by_the_named_speaker_win_and_quoting_is_not_misattribution(archive):
    # Kolle said it first; Marten repeats it "As Arvid said": attributed to Kolle -> verified.
    j = judge(archive, "The workers have waited long enough.", speaker="Arvid Kolle")
    assert j.verdict == "verified"
    assert j.alignment.passage.speaker == "Arvid Kolle"
    # Attributed to Marten: she did say them, but quoting Kolle, and the check says so.
    j = judge(archive, "The workers have waited long enough.", speaker="Ilse Marten")
    assert j.verdict == "verified"
    assert any("Ilse Marten is quoting" in n for n in j.notes), j.notes


def test_speakers_match_as_people_and_by_alias(archive):
    assert judge(archive, "Our members voted on Monday", speaker="Kolle").verdict == "verified"
    assert judge(archive, "Our members voted on Monday", speaker="Mr. Arvid Kolle").verdict == "verified"
    assert judge(archive, "Our members voted on Monday", speaker="The steward").verdict == "verified"
    # a description names nobody: a word or two is no source
    assert judge(archive, "Our members", speaker="The steward").verdict == "unverified"
    j = judge(archive, "Our members voted on Monday", speaker="Red Arvid",
              aliases={"Red Arvid": "Arvid Kolle"})
    assert j.verdict == "verified"
    # five common words are no proof of whose they are; the whole sentence is
    assert judge(archive, "Our members voted on Monday", speaker="Hanna Brisk").verdict == "unverified"
    assert judge(archive, LONG_KOLLE, speaker="Hanna Brisk").verdict == "misattributed"


LONG_KOLLE = "Our members voted on Monday to accept the new shift plan"


def test_words_of_two_people_named_together_belong_to_either(archive):
    assert judge(archive, "Our members voted on Monday", speaker="Hanna Brisk and Arvid Kolle").verdict == "verified"
    assert judge(archive, LONG_KOLLE, speaker="Hanna Brisk and Arvid Kolle").verdict == "verified"
    assert judge(archive, LONG_KOLLE, speaker="Hanna Brisk and Tom Aske").verdict == "misattributed"


def test_unverified_with_closest(archive):
    j = judge(archive, "The ferry timetable will be published next week by the port office")
    assert j.verdict == "unverified"
    j = judge(archive, "Completely unrelated words about astronomy and telescopes")
    assert j.verdict == "unverified" and j.alignment is None


def test_a_source_dated_after_the_article_is_never_its_origin(archive):
    j = judge(archive, "We will reopen the north quay on the first of May", date="2025-03-01")
    assert j.verdict == "unverified" and j.alignment is None and j.closest is not None
    assert any("dated after the article" in n for n in j.notes), j.notes
    assert j.provenance.confidence == 0.0
    assert j.provenance.reasons[0] == "the source is dated after the article"


def test_check_article_and_fail_levels(archive):
    text = ("“We will reopen the north quay on the first of May,” Ilse Marten said.\n\n"
            "“We will reopen the south quay on the first of May,” Marten said.\n\n"
            "The so-called “Harbour Queen” was not there.")
    checked = check_article(Article("a.txt", text), archive)
    assert [c.judgement.verdict for c in checked] == ["verified", "misquote"]
    rec = quote_record(checked[1])
    assert rec["source"]["url"] == "https://example.org/harbour-briefing"
    assert rec["differences"][0]["op"] == "replace" and rec["differences"][0]["kind"] == "substantive"
    assert fails("misquote", "misquote") and fails("misattributed", "misquote")
    assert not fails("unverified", "misquote") and fails("unverified", "unverified")
    assert not fails("misattributed", "never") and fails("verified", "verified")


# --- the command ---------------------------------------------------------------------------------

def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def sources(tmp_path):
    d = tmp_path / "sources"
    d.mkdir()
    (d / "briefing.txt").write_text((DATA / "briefing.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return d


def test_cli_json_and_exit_status(tmp_path, sources):
    art = tmp_path / "story.md"
    art.write_text("---\ndate: 2025-04-05\n---\n“We will reopen the north quay on the first of May,” "
                   "Ilse Marten said.\n\n“We will reopen the south quay,” Marten said at Wednesday's press conference.\n", encoding="utf-8")
    env = {"VERIFIER_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    proc = run("check", "--archive", sources, "--format", "json", art, env=env)
    assert proc.returncode == 1, proc.stderr
    [rec] = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [q["verdict"] for q in rec["quotes"]] == ["verified", "misquote"]
    assert rec["summary"]["verified"] == 1 and rec["summary"]["misquote"] == 1
    src = rec["quotes"][0]["source"]
    assert src["speaker"] == "Ilse Marten" and src["date"] == "2025-04-02" and "context" in src
    assert run("check", "--archive", sources, "--fail-on", "never", art, env=env).returncode == 0
    text = run("check", "--archive", sources, art, env=env).stdout
    assert "MISQUOTE" in text and "[-north-]" in text and "{+south+}" in text and "summary" in text


def test_an_article_without_a_date_of_its_own_is_dated_by_its_file_name(tmp_path, sources):
    """As blog engines name posts: "2025-03-01-quay.md" is dated 2025-03-01, so a source of
    2025-04-02 cannot be its occasion; --date, then the article's own date, win over the name."""
    env = {"VERIFIER_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    quote = "“We will reopen the north quay on the first of May,” Ilse Marten said.\n"

    def verdict(name, *flags, front=""):
        art = tmp_path / name
        art.write_text(front + quote, encoding="utf-8")
        proc = run("check", "--archive", sources, "--format", "json", "--fail-on", "never", *flags, art, env=env)
        record = json.loads(proc.stdout)
        [q] = record["quotes"]
        dates.append(record["date"])
        return q["verdict"], q.get("notes", [])

    dates = []
    early, notes = verdict("2025-03-01-quay.md")
    assert early == "unverified" and any("dated after the article" in n for n in notes), notes
    assert verdict("quay.md")[0] == "verified"
    assert dates == ["2025-03-01", None]   # the JSON says which date the article was checked with
    assert verdict("2025-03-01-quay.md", "--date", "2025-04-05")[0] == "verified"
    assert verdict("2025-03-01-quay.md", front="---\ndate: 2025-04-05\n---\n")[0] == "verified"
    assert verdict("2025-03-01-quay.md", "--date", "2025-03-01", front="---\ndate: 2025-04-05\n---\n")[0] == \
        "verified"   # (the article's own date wins over --date, as before)
    # the text report shows a date read from the file name (a guess), and only that one
    (tmp_path / "2025-03-01-quay.md").write_text(quote, encoding="utf-8")
    header = run("check", "--archive", sources, "--fail-on", "never", tmp_path / "2025-03-01-quay.md",
                 env=env).stdout.splitlines()[0]
    assert header.endswith("2025-03-01-quay.md: 1 quote checked (dated 2025-03-01 by its file name)"), header
    header = run("check", "--archive", sources, "--fail-on", "never", "--date", "2025-04-05",
                 tmp_path / "2025-03-01-quay.md", env=env).stdout.splitlines()[0]
    assert header.endswith("2025-03-01-quay.md: 1 quote checked"), header


def test_cli_bad_archives_and_articles(tmp_path, sources):
    env = {"VERIFIER_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    art = tmp_path / "story.txt"
    art.write_text("“Ready,” said Ilse Marten.", encoding="utf-8")
    for bad in (tmp_path / "missing.db", art):
        proc = run("check", "--archive", bad, art, env=env)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    empty_db = tmp_path / "empty.db"
    Archive.open(empty_db, create=True).conn.close()
    proc = run("check", "--archive", empty_db, art, env=env)
    assert proc.returncode == 2 and "archive is empty" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run("check", "--archive", empty, art, env=env)
    assert proc.returncode == 2 and "no source files" in proc.stderr
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("Nobody said anything today.", encoding="utf-8")
    proc = run("check", "--archive", sources, "--format", "json", quiet, env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["quotes"] == []


def test_segment_words_are_remembered_as_plain_tuples_the_collector_lets_go():
    """A check remembers the words of thousands of segments; as Token objects (a tuple subclass)
    every full garbage collection would walk them all (80 ms at 10M words); as plain tuples of
    strings and numbers it stops tracking them."""
    import gc

    from verifier.verify.match import _text_words

    words = _text_words("We will rebuild the Kessel Bend embankment, said Mara Voss. (applause)")
    assert [w[0] for w in words][:3] == ["we", "will", "rebuild"] and "applause" not in [w[0] for w in words]
    gc.collect()
    assert type(words) is tuple and not any(gc.is_tracked(w) for w in words)


# --- an ellipsis that leaves out minutes of a speech -----------------------------------------------

FILLER = ("The council met again on {day} to hear the harbour reports, read the minutes of the last "
          "session and take questions from the floor about the timetable for the works on pier {n}.")
FAR_FIRST = "Our harbour will stay open to every ship that keeps to the rules of the port."
FAR_LAST = "Nobody in this town will pay a new fee for the repairs to the old sea wall."


ASKED = "Once the quay reopens, who pays for the new cranes?"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@pytest.fixture(scope="module", params=BACKENDS)
def long_speech(request, tmp_path_factory):
    """A speech whose two quoted sentences stand fifteen paragraphs (about 450 words) apart, and
    whose first sentence comes again 160 paragraphs later, in its closing words."""
    folder = tmp_path_factory.mktemp("speech")
    fillers = [FILLER.format(day=DAYS[n % 5], n=n) for n in range(175)]
    paragraphs = [FAR_FIRST, *fillers[:15], FAR_LAST, ASKED, *fillers[15:], FAR_FIRST]
    (folder / "address.txt").write_text("\n\n".join(paragraphs) + "\n")
    arc = Archive.open(location_for(request, tmp_path_factory.mktemp("archive")), create=True)
    arc.add_file(str(folder / "address.txt"), speaker="Ilse Marten", date="2025-05-02", title="Harbour address")
    return arc


@pytest.fixture(scope="module")
def long_meeting(tmp_path_factory):
    """A meeting transcript: Marten's sentence, twenty turns of others' business, Kolle's sentence."""
    folder = tmp_path_factory.mktemp("meeting")
    turns = [f"ILSE MARTEN: {FAR_FIRST}"]
    turns += [f"{'ILSE MARTEN' if n % 2 else 'ARVID KOLLE'}: {FILLER.format(day=DAYS[n % 5], n=n)}" for n in range(20)]
    turns.append(f"ARVID KOLLE: {FAR_LAST}")
    (folder / "meeting.txt").write_text("\n\n".join(turns) + "\n")
    arc = Archive.open(str(tmp_path_factory.mktemp("archive") / "meeting.db"), create=True)
    arc.add_file(str(folder / "meeting.txt"), date="2025-05-02", title="Harbour meeting")
    return arc


def test_an_ellipsis_may_leave_out_many_paragraphs(long_speech):
    j = judge(long_speech, f"{FAR_FIRST[:-1]} … {FAR_LAST}")
    assert j.verdict == "verified", (j.verdict, notes(j))
    assert any(d.kind == "marked" for d in j.differences)   # the omission is shown, as marked


def test_a_changed_word_after_a_long_ellipsis_is_still_a_misquote(long_speech):
    j = judge(long_speech, f"{FAR_FIRST[:-1]} … {FAR_LAST.replace('old sea wall', 'new sea wall')}")
    assert j.verdict == "misquote", (j.verdict, notes(j))
    assert "'old' became 'new'" in notes(j)


def test_an_ellipsis_is_joined_near_its_fragments_though_a_line_comes_again_later(long_speech):
    """The speech repeats its first sentence 160 paragraphs on: the quote is still found where
    both of its sentences stand together."""
    j = judge(long_speech, f"{FAR_FIRST[:-1]} … {FAR_LAST}")
    assert j.verdict == "verified", (j.verdict, notes(j))
    assert j.alignment.matched_text.startswith(FAR_FIRST[:20]) and j.alignment.matched_text.endswith("sea wall")


def test_fragments_said_by_two_speakers_are_not_joined_into_one_quote(long_meeting):
    text = f"{FAR_FIRST[:-1]} … {FAR_LAST}"
    for speaker in ("Ilse Marten", "Arvid Kolle"):
        j = judge(long_meeting, text, speaker=speaker)
        assert j.verdict not in ("verified", "misattributed"), (speaker, j.verdict, notes(j))


def test_a_question_the_source_asks_too_is_not_made_a_statement(long_speech):
    j = judge(long_speech, "When the quay reopens, who pays for the new cranes?")
    assert "a question where the source makes a statement" not in notes(j)
    assert j.verdict == "minor", (j.verdict, notes(j))


@pytest.mark.parametrize("text, mark", [
    ("Who says the U.S. will pay for it?", "?"),        # the dots of an abbreviation go on
    ("Who will pay... and when will they pay?", "?"),  # so does an ellipsis
    ("Who pays? Nobody. They all wait.", "?"),
    ("We pay. Who else would?", "."),
])
def test_the_sentence_a_question_word_opens_ends_where_the_sentence_does(text, mark):
    from verifier.verify.differences import _sentence_end

    assert _sentence_end(text, 3) == mark


# --- a speaker read from a source's title ----------------------------------------------------------

STATEMENT = Path(__file__).resolve().parent.parent / "fixtures" / "archive" / "water-ministry-flood-statement.html"
EMBANKMENT = "the embankment at Kessel Bend failed because it was built for a river we no longer have"


@pytest.fixture(scope="module", params=BACKENDS)
def statement_archives(request, tmp_path_factory):
    """The statement page alone: as added (its speaker from its title), with --speaker, and under a
    title whose reading is wrong ("Statement by Lowen Valley Recovery" read as a person)."""
    def archive(name, **flags):
        arc = Archive.open(location_for(request, tmp_path_factory.mktemp(name)), create=True)
        arc.add_file(str(STATEMENT), **flags)
        return arc

    misread = tmp_path_factory.mktemp("misread") / "statement.html"
    misread.write_text(STATEMENT.read_text(encoding="utf-8").replace(
        "Statement by Deputy Minister Teodor Brann on the Lowen flood response",
        "Statement by Lowen Valley Recovery"), encoding="utf-8")
    wrong = Archive.open(location_for(request, tmp_path_factory.mktemp("wrong")), create=True)
    wrong.add_file(str(misread))
    return archive("titled"), archive("flagged", speaker="Teodor Brann"), wrong


def test_a_speaker_only_a_title_names_keeps_a_passage_from_another_quote_but_accuses_no_one(statement_archives):
    """The statement page names Teodor Brann only in its title. His words attributed to him are
    verified; attributed to someone else they are not — and not misattributed either, as they are
    when a flag names him: a title's reading can be wrong. Read wrong, it costs his own quotes a
    look (unverified, saying why), never a flag."""
    titled, flagged, wrong = statement_archives
    own = judge(titled, EMBANKMENT, speaker="Teodor Brann")
    assert own.verdict == "verified" and own.provenance.evidence.speaker == "same"
    other = judge(titled, EMBANKMENT, speaker="Ilse Marten")
    assert other.verdict == "unverified" and other.provenance.evidence.speaker == "other"
    assert "said by Teodor Brann, not the article's speaker (as the source's title has it)" in \
        other.provenance.reasons
    assert other.notes[0].startswith("the source's title names Teodor Brann as its speaker, not the article's: "
                                     "check who said it"), other.notes
    assert judge(flagged, EMBANKMENT, speaker="Ilse Marten").verdict == "misattributed"
    assert wrong.document(wrong.documents()[0]["id"], segments=False)["speaker"] == "Lowen Valley Recovery"
    misread = judge(wrong, EMBANKMENT, speaker="Teodor Brann")
    assert misread.verdict == "unverified" and "Lowen Valley Recovery" in misread.notes[0]


def test_a_new_version_of_the_readers_indexes_a_directory_archive_afresh(tmp_path, sources, monkeypatch):
    """A directory given as the archive is cached; readers that make more of the same files (a
    speaker from a title) read them again into a new cache, not an old one that says "unchanged"."""
    from verifier.verify import check as check_module

    cache = tmp_path / "cache"
    monkeypatch.setenv("VERIFIER_CACHE", str(cache))
    with check_module.open_archive(str(sources)) as first:
        cached = first.path
    unnamed = Path(cached.replace(f"-r{check_module.READER_VERSION}.db", ".db"))   # as caches were named
    unnamed.write_bytes(Path(cached).read_bytes())
    other = cache / "elsewhere-0123456789abcdef-r1.db"   # another directory's
    other.write_bytes(b"")
    monkeypatch.setattr(check_module, "READER_VERSION", check_module.READER_VERSION + 1)
    with check_module.open_archive(str(sources)) as second:
        assert second.path != cached and second.stats()["documents"] == 1
    with check_module.open_archive(str(sources)) as third:
        assert third.path == second.path
    assert sorted(p.name for p in cache.glob("*.db")) == sorted([Path(second.path).name, other.name])
