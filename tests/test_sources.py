"""Reading source files into Documents and Segments (verifier.sources), format by format."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier import textnorm
from verifier.errors import InputError, VerifierError
from verifier.archive.sources import iter_source_files, read_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "archive"
BAD = Path(__file__).resolve().parent / "data" / "sources" / "bad"


def write(tmp_path: Path, name: str, content, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return str(path)


def spans_hold(doc) -> None:
    for seg in doc.segments:
        assert doc.text[seg.char_start:seg.char_end] == seg.text


# ----------------------------------------------------------------------------- text and Markdown

def test_plain_statement_is_paragraph_segments_of_one_speaker(tmp_path):
    path = write(tmp_path, "statement.txt", "First paragraph, one sentence.\n\n  Second paragraph\nover two lines.  \n\n\n")
    doc = read_source(path, speaker="Ilse Kartano")
    assert [s.text for s in doc.segments] == ["First paragraph, one sentence.", "Second paragraph\nover two lines."]
    assert {s.speaker for s in doc.segments} == {"Ilse Kartano"}
    assert doc.speaker == "Ilse Kartano" and doc.kind == "statement" and doc.title == "statement"
    spans_hold(doc)


def test_front_matter_sets_metadata_and_keeps_other_keys(tmp_path):
    path = write(tmp_path, "s.md", "---\nspeaker: Mara Voss\ndate: 2025-03-04\ntitle: Grid remarks\n"
                                   "url: https://example.org/x\nkind: Press_Release\noutlet: Ministry\n"
                                   "language: en\nevent: Harbour summit\n---\nWe will build it.\n")
    doc = read_source(path)
    assert (doc.speaker, doc.date, doc.title, doc.url, doc.kind, doc.outlet, doc.language) == (
        "Mara Voss", "2025-03-04", "Grid remarks", "https://example.org/x", "press release", "Ministry", "en")
    assert doc.metadata == {"event": "Harbour summit"}
    assert doc.segments[0].text == "We will build it." and doc.segments[0].speaker == "Mara Voss"


def test_flags_override_front_matter(tmp_path):
    path = write(tmp_path, "s.md", "---\nspeaker: Mara Voss\ndate: 2025-03-04\ntitle: Old\nkind: speech\n---\nText here.\n")
    doc = read_source(path, speaker="Teodor Brann", date="2025-01-02", title="New", kind="interview",
                      url="https://example.org/new")
    assert (doc.speaker, doc.date, doc.title, doc.kind, doc.url) == (
        "Teodor Brann", "2025-01-02", "New", "interview", "https://example.org/new")
    assert doc.segments[0].speaker == "Teodor Brann"


def test_markdown_fixture_strips_markup_and_headings():
    doc = read_source(str(FIXTURES / "2025-02-20-kartano-budget-speech.md"))
    texts = [s.text for s in doc.segments]
    assert not any(t.startswith("#") or "**" in t for t in texts)
    assert "What we will spend" not in " ".join(texts)          # headings are not speech
    assert any("one hundred and forty million crowns on flood defences" in t for t in texts)
    assert doc.metadata["event"] == "Budget session of the Varenholm City Council"
    spans_hold(doc)


def test_date_from_file_name(tmp_path):
    doc = read_source(write(tmp_path, "2024-12-31-remarks.txt", "Happy new year.\n"))
    assert doc.date == "2024-12-31"


# ----------------------------------------------------------------------------- transcripts

def test_transcript_turns_and_speaker_identity():
    doc = read_source(str(FIXTURES / "2025-03-04-northern-grid-briefing.txt"))
    by_speaker = {}
    for seg in doc.segments:
        by_speaker.setdefault(seg.speaker, []).append(seg.text)
    # "MINISTER MARA VOSS (Minister of Energy):" and later "VOSS:" are one person, in Title Case
    assert "Mara Voss" in by_speaker and "Voss" not in by_speaker
    assert any(t.startswith("The date is firm.") for t in by_speaker["Mara Voss"])
    assert any(t.startswith("One at a time") for t in by_speaker["Jonas Pell"])
    # "Note:" and a time are not speakers; the header has no speaker
    assert not any(s and (s.startswith("Note") or "10" in s) for s in by_speaker)
    assert any("Note: This transcript" in t for t in by_speaker[None])
    # a long turn is split into its paragraphs, all with the same speaker and turn
    voss_turn = [s for s in doc.segments if s.text.startswith(("Thank you, Jonas", "Let me be plain"))]
    assert len(voss_turn) == 2 and voss_turn[0].turn == voss_turn[1].turn
    assert doc.kind == "press conference" and doc.metadata["location"] == "Parliament Press Room, Varenholm"
    spans_hold(doc)


def test_turn_labels_are_strict(tmp_path):
    text = ("Note: this is not a speaker.\nThe meeting opened at 10:30: on time.\n"
            "Here is the thing: it works.\nMARA VOSS: We will act.\nVOSS: Today.\nSource: ministry\n")
    doc = read_source(write(tmp_path, "t.txt", text))
    speakers = [s.speaker for s in doc.segments]
    assert "Mara Voss" in speakers
    assert not {"Note", "Here Is The Thing", "Source", "The Meeting Opened At 10"} & set(speakers)


def test_title_case_and_role(tmp_path):
    text = "DR. LENA ORTH (Chief Hydrologist): The river is falling.\nMODERATOR: Thank you.\nORTH: Slowly.\n"
    doc = read_source(write(tmp_path, "t.txt", text))
    assert [s.speaker for s in doc.segments] == ["Lena Orth", "Moderator", "Lena Orth"]


def test_stage_directions_stay_in_text_but_not_in_index_words():
    doc = read_source(str(FIXTURES / "2025-03-04-northern-grid-briefing.txt"))
    seg = next(s for s in doc.segments if "[applause]" in s.text)
    assert "applause" not in {t.norm for t in textnorm.words(seg.text, skip_directions=True)}
    assert "applause" not in textnorm.strip_directions(seg.text)
    assert textnorm.strip_directions("Yes. (CROSSTALK) No (inaudible) way [laughter].").split() == ["Yes.", "No", "way", "."]


# ----------------------------------------------------------------------------- captions

def rollup_srt(lines: list[str], start: float = 1.0) -> str:
    """Live-TV roll-up captions: each cue shows the previous line again and adds one."""
    def tc(t):
        return f"00:{int(t // 60):02d}:{t % 60:06.3f}".replace(".", ",")
    cues = []
    for i, line in enumerate(lines):
        text = line if i == 0 else lines[i - 1] + "\n" + line
        cues.append(f"{i + 1}\n{tc(start + 2 * i)} --> {tc(start + 2 * i + 2)}\n{text}\n")
    return "\n".join(cues)


def test_rollup_captions_store_each_word_once(tmp_path):
    words = [f"w{i:03d}" for i in range(120)]
    lines = [" ".join(words[i:i + 4]) + ("." if i % 16 == 12 else "") for i in range(0, 120, 4)]
    doc = read_source(write(tmp_path, "live.srt", rollup_srt(lines)))
    stored = [w.strip(".") for s in doc.segments for w in s.text.split()]
    assert stored == words                      # every word once, in order
    assert doc.kind == "broadcast" and doc.format == "srt"
    first = doc.segments[0]
    assert first.start == 1.0 and first.cues[0] == (0, 1.0)
    spans_hold(doc)


def test_rollup_fixture_has_no_repeated_passage_and_speakers():
    doc = read_source(str(FIXTURES / "2025-03-11-ent-evening-news.srt"))
    words = [w for s in doc.segments for w in s.text.split()]
    trigrams = list(zip(words, words[1:], words[2:]))
    assert len(trigrams) == len(set(trigrams))           # nothing shown twice was stored twice
    speakers = [s.speaker for s in doc.segments]
    assert speakers[0] == "Helga Sorenstam"
    assert "Teodor Brann" in speakers and "Ludo Fernham" in speakers and "Mara Voss" in speakers
    resident = next(s for s in doc.segments if s.text.startswith("FOUR THOUSAND WILL NOT"))
    assert resident.speaker is None                       # ">>" alone: a new, unnamed speaker
    assert resident.turn != doc.segments[doc.segments.index(resident) - 1].turn
    # "FERNHAM:" later is the same person as ">> LUDO FERNHAM:"
    assert sum(1 for s in speakers if s == "Ludo Fernham") >= 2 and "Fernham" not in speakers
    brann = next(s for s in doc.segments if s.speaker == "Teodor Brann")
    assert brann.start is not None and brann.end > brann.start and len(brann.cues) > 1


def test_srt_speaker_markers(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:03,000\n>> ANNA RIIS: Good evening.\n\n"
           "2\n00:00:03,000 --> 00:00:05,000\n>> It rained all day.\n\n"
           "3\n00:00:05,000 --> 00:00:07,000\n- RIIS: Thank you.\n")
    doc = read_source(write(tmp_path, "m.srt", srt))
    assert [(s.speaker, s.text) for s in doc.segments] == [
        ("Anna Riis", "Good evening."), (None, "It rained all day."), ("Anna Riis", "Thank you.")]
    assert len({s.turn for s in doc.segments}) == 3


def test_vtt_interview_voices_and_timing():
    doc = read_source(str(FIXTURES / "2025-03-06-achterberg-interview.vtt"), kind="interview")
    assert doc.kind == "interview" and doc.format == "vtt"
    assert doc.speakers == ["Piet Oduya", "Ruben Achterberg"]
    seg = next(s for s in doc.segments if "family silver" in s.text)
    assert seg.speaker == "Ruben Achterberg" and seg.start == 18.0 and seg.end == 22.6
    assert "laughs" not in textnorm.strip_directions(doc.segments[-1].text)


# ----------------------------------------------------------------------------- JSON and HTML

def test_json_object_with_metadata_and_word_timing():
    doc = read_source(str(FIXTURES / "2025-02-27-council-flood-reserve.json"))
    assert (doc.title, doc.date, doc.kind, doc.outlet, doc.language) == (
        "Varenholm City Council public session: the flood reserve", "2025-02-27", "public meeting",
        "Varenholm City Council", "en")
    assert doc.metadata == {"recorded_by": "council livestream"}
    assert doc.speakers == ["Sorrel Amadi-Hart", "Nadia Quell", "Oona Brisk"]
    timed = next(s for s in doc.segments if s.cues)
    assert timed.speaker == "Nadia Quell" and len(timed.cues) == len(timed.text.split())
    spans_hold(doc)


def test_json_list_of_segments(tmp_path):
    data = [{"text": " We will hold the line. ", "speaker": "SPEAKER_00", "start": 0, "end": 2.5},
            {"text": "Will you?", "speaker": "SPEAKER_01", "start": "00:00:02.500", "end": 4},
            {"text": "Yes.", "speaker": "SPEAKER_00", "start": 4, "end": 5}]
    doc = read_source(write(tmp_path, "w.json", json.dumps(data)), speaker="Mara Voss")
    assert [s.text for s in doc.segments] == ["We will hold the line.", "Will you?", "Yes."]
    assert [s.speaker for s in doc.segments] == [None, None, None]   # diarisation labels are not names
    assert len({s.turn for s in doc.segments}) == 3
    assert doc.segments[1].start == 2.5 and doc.speaker == "Mara Voss"


def test_html_statement_text_title_and_date():
    doc = read_source(str(FIXTURES / "water-ministry-flood-statement.html"), speaker="Teodor Brann")
    assert doc.title.startswith("Statement by Deputy Minister Teodor Brann")
    assert doc.date == "2025-03-10" and doc.kind == "statement"
    text = " ".join(s.text for s in doc.segments)
    assert "embankment at Kessel Bend failed" in text
    for chrome in ("Contact us", "Search the ministry", "All rights reserved", "Privacy", "analytics"):
        assert chrome not in text
    assert {s.speaker for s in doc.segments} == {"Teodor Brann"}


# ----------------------------------------------------------------------------- encodings

def test_legacy_and_utf16_encodings(tmp_path):
    text = "Le ministre a déclaré : « nous ne céderons pas ». C’est clair, dit Élodie Brückner.\n"
    for name, data in (("cp1252.txt", text.encode("cp1252")), ("utf16.txt", text.encode("utf-16")),
                       ("bom.txt", b"\xef\xbb\xbf" + text.encode())):
        doc = read_source(write(tmp_path, name, data))
        assert "déclaré" in doc.segments[0].text and "Élodie" in doc.segments[0].text, name


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty file"),
    ("binary.txt", "binary file"),
    ("malformed.srt", "not a valid SubRip file"),
    ("malformed.vtt", "not a valid WebVTT file"),
    ("broken-front-matter.md", "front matter"),
    ("unknown-encoding.txt", "unknown text encoding"),
])
def test_bad_input_is_one_line_error_naming_the_file(name, reason):
    with pytest.raises(InputError) as info:
        read_source(str(BAD / name))
    message = str(info.value)
    assert message.startswith(str(BAD / name)) and reason in message and "\n" not in message


@pytest.mark.parametrize("name, content, reason", [
    ("nofm.md", "---\ntitle: x\nno closing line\n", "no closing"),
    ("list.md", "---\n- a\n- b\n---\ntext\n", "front matter"),
    ("date.md", "---\ndate: March 4\n---\ntext\n", "not YYYY-MM-DD"),
    ("bad.json", "{not json", "not valid JSON"),
    ("shape.json", '{"segments": 3}', "expected a list"),
    ("seg.json", '[{"speaker": "A"}]', "JSON segment 1"),
    ("time.json", '[{"text": "hi", "start": "soon"}]', "time"),
    ("only.txt", "[applause]\n\n(inaudible)\n", "no text"),
    ("x.docx", "whatever", "unsupported file type"),
])
def test_more_bad_input(tmp_path, name, content, reason):
    with pytest.raises(InputError, match=reason):
        read_source(write(tmp_path, name, content))


def test_size_cap_from_environment(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", "word " * 1000)
    monkeypatch.setenv("VERIFIER_MAX_SOURCE_BYTES", "1000")
    with pytest.raises(InputError, match="file too large .*VERIFIER_MAX_SOURCE_BYTES"):
        read_source(path)
    monkeypatch.setenv("VERIFIER_MAX_SOURCE_BYTES", "lots")
    with pytest.raises(VerifierError, match="not a number"):
        read_source(path)


def test_bad_date_flag(tmp_path):
    with pytest.raises(VerifierError, match="--date"):
        read_source(write(tmp_path, "a.txt", "Text.\n"), date="04/03/2025")


def test_directory_walk_skips_hidden_readme_and_unknown(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("a.txt", "sub/b.srt", "sub/c.pdf", ".d.txt", ".hidden/e.txt", "README.md"):
        (tmp_path / name).write_text("x")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in iter_source_files([str(tmp_path)])]
    assert found == ["a.txt", "sub/b.srt"]


# --- the fast path for plain front matter (#14) ---------------------------------------------------

import pytest  # noqa: E402
import yaml  # noqa: E402

from verifier.archive.sources.text import CHUNK_CHARS, _simple_front_matter, paragraphs  # noqa: E402


@pytest.mark.parametrize("block", [
    "title: Press briefing on the Northern Grid plan\ndate: 2025-03-04\nkind: press conference",
    "title: \"Mayor Ilse Kartano: address on the 2025 city budget\"\nurl: https://varenholm.example/a/b",
    "speaker: 'Mara O''Neill'\nlanguage: en\n\nevent:",
    "outlet: Ministry of Energy, Republic of Estmark\nlocation: Parliament Press Room, Varenholm",
])
def test_plain_front_matter_is_read_as_yaml_reads_it(block):
    fast = _simple_front_matter(block)
    assert fast is not None and fast == yaml.safe_load(block)


@pytest.mark.parametrize("block", [
    "words: 1200", "live: yes", "speakers:\n  - Mara Voss\n  - Ilse Kartano", "title: a: b",
    "note: shown # a comment", 'title: "escaped \\u00e9"', "tags: [a, b]", "date: 2025-13-01", "ratio: .5",
])
def test_anything_else_is_left_to_yaml(block):
    assert _simple_front_matter(block) is None


def test_a_long_unbroken_transcript_is_cut_in_one_pass_at_sentence_ends():
    sentence = "The harbour will reopen when the pier is safe and the council agrees."
    text = " ".join([sentence] * 3000)   # 39,000 words, no blank line
    spans = paragraphs(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(text[e:s2].strip() == "" for (_, e), (s2, _) in zip(spans, spans[1:]))   # nothing lost
    sizes = [b - a for a, b in spans]   # the first sentence end CHUNK_CHARS or more characters in
    assert all(CHUNK_CHARS <= n < CHUNK_CHARS + len(sentence) + 1 for n in sizes[:-1])
    assert all(text[a:b].endswith(".") for a, b in spans)
    assert counted_segments(text)[1] == 39_000   # the words counted from the spaces of single-spaced prose


def test_each_piece_ends_at_the_first_sentence_end_past_the_chunk_and_a_short_tail_joins_the_last():
    """Sentences of uneven length: a piece is cut at the first sentence end CHUNK_CHARS or more
    characters into it (not before, not at a later one), and a last piece shorter than a third of
    that joins the one before it, so that nothing is lost at the end."""
    rng = random.Random(3)
    sentences = [" ".join(rng.choice(["river", "we", "a", "harbour", "council", "extraordinary", "it"])
                          for _ in range(rng.randint(2, 30))).capitalize() + "." for _ in range(400)]
    text = " ".join(sentences + ["It ends."])   # a short last sentence
    spans = paragraphs(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(text[e:s2] == " " for (_, e), (s2, _) in zip(spans, spans[1:]))
    for a, b in spans[:-1]:
        assert b - a >= CHUNK_CHARS
        assert text.rfind(". ", a, b - 1) < a + CHUNK_CHARS   # no earlier sentence end past the chunk
    assert text[spans[-1][0]:spans[-1][1]].endswith("It ends.")
    even = " ".join(["The harbour will reopen when the pier is safe and the council agrees."] * 50 + ["It ends."])
    spans = paragraphs(even)   # ten pieces of five sentences (349 characters), and then "It ends."
    assert len(spans) == 10 and spans[-1][1] == len(even) and even[spans[-1][0]:spans[-1][1]].count(".") == 6


@pytest.mark.parametrize("block", [
    "description: Remarks at a Rally at the Convention Center\n  in Pittsburgh, Pennsylvania\ndate: '2016-10-10'",
    "title: A long\n  title\n   over three lines\nkind: speech",
])
def test_folded_plain_values_are_read_as_yaml_reads_them(block):
    fast = _simple_front_matter(block)
    assert fast is not None and fast == yaml.safe_load(block)


@pytest.mark.parametrize("block", [
    "title: 'quoted\n  over two lines'", "title: a\n\n  b", "title:\n  - a", "title: a\n  b: c", "  title: a", "title: a\n\tb",
])
def test_folded_values_yaml_reads_otherwise_are_left_to_yaml(block):
    assert _simple_front_matter(block) is None


# --- cheaper parsing of long transcripts (#14) -----------------------------------------------------

import random  # noqa: E402

from verifier import textnorm  # noqa: E402
from verifier.archive.sources.text import counted_segments, find_turns, markdown_text  # noqa: E402

_PIECES = ("the river rose again and we said no. Mara Voss said: yes! (inaudible) [applause] **bold** "
           "_it_ `code` <b>x</b> [link](http://x) [a][b] 1. - > # dr. Smith 3.5% don't “quoted.” "
           "(END VIDEO CLIP) Q: MARA VOSS: Teodor Brann (mayor): ? !").split(" ")
_GAPS = [" "] * 6 + ["  ", "\n", "\n\n", " \n", "\t", "\u00a0", "\n   ", "\n> ", "\n- ", "\n```\n", "\n---\n"]


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) + (rng.choice(_GAPS) if rng.random() < 0.3 else " ")
                   for _ in range(rng.choice((5, 60, 150, 400, 1500))))


def test_segment_word_counts_are_the_words_of_the_segments():
    """The count made while cutting long paragraphs is what splitting the segments gives."""
    rng = random.Random(14)
    for _ in range(200):
        text = _random_text(rng)
        segments, words = counted_segments(text)
        assert words == textnorm.count_words(" ".join(s.text for s in segments))


def test_labels_are_found_at_line_starts_only():
    text = "MARA VOSS: We will build it.\nnot a label: here\nTEODOR BRANN: No.\n  ILSE KARTANO: Yes."
    assert [(t.name, text[t.label_start:t.start]) for t in find_turns(text)] == [
        ("Mara Voss", "MARA VOSS:"), ("Teodor Brann", "TEODOR BRANN:"), ("Ilse Kartano", "  ILSE KARTANO:")]


def test_plain_lines_pass_through_markdown_untouched_and_marked_ones_do_not():
    body = "Plain prose, kept as it is.\n## A heading\nA [link](http://x) and **bold** text.\n    indented"
    text, headings = markdown_text(body)
    assert text.split("\n") == ["Plain prose, kept as it is.", "A heading", "", "A link and bold text.",
                                " indented"]   # at most three spaces of indent go
    assert [text[a:b] for a, b in headings] == ["A heading"]


def test_text_with_other_white_space_is_not_taken_for_single_spaced():
    from verifier.archive.sources import text as text_module

    for space in ["  ", "\n", "\t", "\u00a0", "\u2009", "\u3000"]:
        assert not text_module._single_spaced(f"one{space}two three", 0, 13)


def test_other_spaces_are_every_white_space_the_regex_knows_but_the_space():
    import re
    import sys
    from verifier.archive.sources import text as text_module

    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if re.match(r"\s", c)} - {" "}
    assert spaces == set(text_module._OTHER_SPACES)


@pytest.mark.parametrize("title, speaker", [
    ("Statement by Deputy Minister Teodor Brann on the Lowen flood response", "Teodor Brann"),
    ("Remarks from Mara Voss at the port opening", "Mara Voss"),
    ("Prepared text of the address by Ilse Kartano, mayor of Varenholm", "Ilse Kartano"),
    ("Letter From Oona Brisk To The Council", "Oona Brisk"),
    ("STATEMENT BY MINISTER TEODOR BRANN ON FLOODS", "Teodor Brann"),
    ("Remarks by President Marten at the port", "Marten"),
    ("Remarks by Deputy Minister Marten Announcing New Funding for Tessel", "Marten"),  # a participle ends it
    ("Remarks by Deputy Minister Brann Upon Arrival in Tessel", "Brann"),
    ("Statement by Oona Manning on her retirement", "Oona Manning"),              # an -ing name
    ("Remarks by ENA Spokesperson Jonas Pell at the port", "Jonas Pell"),
    ("Remarks by Commissioner Hanne von der Lind at the plenary", "Hanne von der Lind"),
    ("Speech by Émile Rask on the budget", "Émile Rask"),
    ("Statement by Dr. Ada O'Brien-Rask on the port", "Ada O'Brien-Rask"),
    ("Statement by Teodor Brann Re: the floods", "Teodor Brann"),
    ("Statement by Teodor Brann Tonight", "Teodor Brann"),
    ("Remarks by Mayor Kartano Honoring the Fallen", "Kartano"),
    ("Statement by the Minister of Water on the floods", None),     # a role "of" a portfolio
    ("Remarks by Secretary of Water Teodor Brann", None),           # (when in doubt, nobody)
    ("Statement by Teodor Brann’s spokesperson", None),              # a possessive
    ("Statement by E7 Leaders", None),                               # digits
    ("Statement by Harbour Works Inc.", None),
    ("Statement from the Ministry of Water on the floods", None),    # a body, not a person
    ("Statement of Ferry Policy", None),
    ("Remarks by the President at a rally", None),                   # a role alone
    ("Letter from the Editor", None),
    ("Address by the King", None),
    ("Message from the CEO", None),
    ("Remarks by Ilse Kartano and Mara Voss at the opening", None),  # two people
    ("Interview with Mara Voss", None),                              # others speak in it too
    ("Press conference by Mara Voss on the grid", None),
    ("Remarks by Minister Voss in a Press Gaggle", None),
    ("Remarks by Minister Voss With Reporters", None),
    ("Remarks by Mayor Kartano in a Town Hall", None),
    ("Remarks at a rally in Tessel", None),
    ("Remarks by Minister Voss Before Departure to Tessel", None),
    ("Remarks by Minister Voss at a Meeting with Port Workers", None),
    ("Testimony of Ada Rask before the Harbour Committee", "Ada Rask"),
    ("Opening Statement by Minister Mara Voss", "Mara Voss"),
    ("Transcript of Remarks by Mayor Ilse Kartano at the opening", "Ilse Kartano"),
])
def test_a_title_that_says_who_delivers_the_text_names_its_speaker(tmp_path, title, speaker):
    doc = read_source(write(tmp_path, "page.md", f"# {title}\n\nThe harbour will reopen in May.\n"))
    assert doc.speaker == speaker
    assert [s.speaker for s in doc.segments] == [speaker]
    assert doc.metadata.get("speaker_from") == ("title" if speaker else None)


def test_a_speaker_named_elsewhere_wins_over_the_title(tmp_path):
    body = "# Statement by Teodor Brann on the floods\n\nThe harbour will reopen in May.\n"
    assert read_source(write(tmp_path, "a.md", body), speaker="Mara Voss").speaker == "Mara Voss"
    turns = read_source(write(tmp_path, "b.md", body + "\nMARA VOSS: It will.\n\nJONAS PELL: When?\n"))
    assert {s.speaker for s in turns.segments} == {None, "Mara Voss", "Jonas Pell"}
    assert turns.speaker is None and "speaker_from" not in turns.metadata
    # several voices, none named: the title cannot say which words are whose
    voices = json.dumps({"title": "Remarks by Mara Voss at the port", "segments": [
        {"text": "The harbour will reopen.", "speaker": "SPEAKER_00"}, {"text": "When?", "speaker": "SPEAKER_01"}]})
    recording = read_source(write(tmp_path, "c.json", voices))
    assert recording.speaker is None and [s.speaker for s in recording.segments] == [None, None]
    # a title made from the file name is not the document's own
    assert read_source(write(tmp_path, "Statement by Teodor Brann.txt", "The harbour will reopen.\n")).speaker is None


def test_the_sample_statement_page_names_its_speaker_in_its_title():
    doc = read_source(str(FIXTURES / "water-ministry-flood-statement.html"))
    assert doc.speaker == "Teodor Brann" and doc.metadata["speaker_from"] == "title"
