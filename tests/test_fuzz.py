"""Property tests (hypothesis) over what reads hostile input: the article loaders, quote
extraction, the caption and front-matter parsers and JSON sources. No exception but the one-line
``InputError`` escapes, every offset lies inside the input, and each example takes bounded time.
A small example budget keeps them in the normal suite."""
import json
import os
import tempfile

# hypothesis keeps caches in .hypothesis/ of the working directory: keep the checkout clean
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "verifier-hypothesis"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from verifier.archive.sources import parse_source  # noqa: E402
from verifier.article.load import parse_article  # noqa: E402
from verifier.errors import InputError  # noqa: E402
from verifier.quotes.extract import extract_quotes  # noqa: E402

FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
                database=None)

# Text made of what trips extraction up: quotation marks of every kind, sentence ends, names,
# speech verbs, pronouns, dashes, newlines and markup.
PIECES = ["“", "”", "‘", "’", '"', "'", "«", "»", "„", "‚", ". ", ", ", ": ", "? ", "! ", "\n", "\n\n",
          " — ", "-- ", "said", "says", "told", "he", "she", "they", "Mara Voss", "Voss", "the minister",
          "Sen.", "U.S.", "We win", "the ", "and ", "(", ")", "*", "#", "<p>", "</p>", "<b>", "&amp;",
          "---\n", "[verifier: ignore]", " ", "\t", "\r\n", "\ufffd", "é", "42"]
hostile_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=80).map("".join)


def loads_or_refuses(data: bytes, name: str, fmt: str | None):
    try:
        return parse_article(data, name, fmt)
    except InputError as exc:
        assert exc.reason and "\n" not in exc.reason
        return None


@FAST
@given(hostile_text, st.sampled_from(["txt", "md", "html", None]))
def test_article_loaders_give_an_article_or_one_line(text, fmt):
    article = loads_or_refuses(text.encode("utf-8"), "a.txt", fmt)
    if article is None:
        return
    source = article.original if article.original is not None else article.text
    for offset in range(0, len(article.text) + 1, max(1, len(article.text) // 7)):
        assert 0 <= article.original_offset(offset) <= len(source) + 1
        line, column = article.position(offset)
        assert line >= 1 and column >= 1


@FAST
@given(st.binary(max_size=300), st.sampled_from(["txt", "md", "html"]))
def test_article_loaders_take_any_bytes(data, fmt):
    loads_or_refuses(data, "a." + fmt, fmt)


@FAST
@given(hostile_text, st.booleans())
def test_quotes_lie_inside_the_text(text, double_apostrophes):
    for q in extract_quotes(text, double_apostrophes=double_apostrophes):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start:q.end] == q.text
        if q.speaker_mention:
            m = q.speaker_mention
            assert 0 <= m["start"] <= m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"]


def parses_or_refuses(data: bytes, name: str, fmt: str):
    try:
        doc = parse_source(data, name, fmt, {})
    except InputError as exc:
        assert exc.reason and "\n" not in exc.reason
        return None
    for seg in doc.segments:
        assert 0 <= seg.char_start <= seg.char_end <= len(doc.text)
        assert doc.text[seg.char_start:seg.char_end] == seg.text
    return doc


timecode = st.builds(lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d},{ms:03d}", st.integers(0, 99),
                     st.integers(0, 70), st.integers(0, 70), st.integers(0, 1200))


@FAST
@given(st.lists(st.tuples(st.integers(-1, 30), timecode, timecode, hostile_text), max_size=6),
       st.sampled_from(["srt", "vtt"]))
def test_caption_parsers_give_a_document_or_one_line(cues, fmt):
    blocks = [f"{n}\n{a} --> {b}\n{text}" for n, a, b, text in cues]
    if fmt == "vtt":
        blocks = ["WEBVTT"] + [b.replace(",", ".", 2) for b in blocks]
    parses_or_refuses("\n\n".join(blocks).encode("utf-8"), "c." + fmt, fmt)


yaml_text = st.lists(st.sampled_from(["key", ":", " ", "\n", "  ", "- ", "&a ", "*a", "[", "]", "{", "}",
                                      ",", "'", '"', "#", "|", ">", "!!str ", "2024-02-30", "speaker",
                                      "date", "2024-01-05", "true", "~", "<<: ", "\t", "?"]),
                     max_size=40).map("".join)


@FAST
@given(yaml_text, st.sampled_from(["md", "txt"]))
def test_front_matter_gives_a_document_or_one_line(front_matter, fmt):
    parses_or_refuses(f"---\n{front_matter}\n---\nWe will rebuild the embankment.\n".encode("utf-8"),
                      "s." + fmt, fmt)


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                          lambda children: st.lists(children, max_size=4)
                          | st.dictionaries(st.sampled_from(["text", "speaker", "start", "end", "words", "word",
                                                             "segments", "date", "title"]), children, max_size=4),
                          max_leaves=25)


@FAST
@given(json_value)
def test_json_sources_give_a_document_or_one_line(value):
    parses_or_refuses(json.dumps(value).encode("utf-8"), "t.json", "json")
