"""Quotation-mark pairing: every style, apostrophes, nesting, paragraphs, recovery, speed."""
import time

import pytest

from verifier.quotes.quotemarks import find_quoted_spans


def texts(text, **kw):
    return [text[s.start:s.end] for s in find_quoted_spans(text, **kw)]


@pytest.mark.parametrize("text, expected", [
    ("She said “we will build it” today.", ["we will build it"]),
    ('She said "we will build it" today.', ["we will build it"]),
    ("She said ‘we will build it’ today.", ["we will build it"]),
    ("She said 'we will build it' today.", ["we will build it"]),
    ("Elle a dit «nous le construirons» hier.", ["nous le construirons"]),
    ("Elle a dit « nous le construirons » hier.", ["nous le construirons"]),
    ("Sie sagte „wir bauen es“ gestern.", ["wir bauen es"]),
    ("Sie sagte ‚wir bauen es‘ gestern.", ["wir bauen es"]),
    ("Sie sagte »wir bauen es« gestern.", ["wir bauen es"]),
    ("彼は「橋を建てる」と言った。", ["橋を建てる"]),
    ("彼は『橋を建てる』と言った。", ["橋を建てる"]),
])
def test_every_quotation_mark_style(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text", [
    "We don't know, and it's late.",
    "Back in the '90s the port was busy.",
    "The Joneses' boat and Jones' car were there.",
    "Rock 'n' roll was born here, said nobody.",
    "It was a 12' pole and a 6\" pipe.",
    "They’re sure the mayor’s plan won’t pass.",
])
def test_apostrophes_are_not_quotes(text):
    assert texts(text) == []


def test_apostrophes_inside_single_quotes():
    assert texts("He said 'we don't know the '90s rules' and left.") == [
        "we don't know the '90s rules"]


def test_nested_quotes_keep_the_outer_span_and_can_list_inner_ones():
    text = "“She told me, ‘the bridge is safe,’ and I believed her,” said Ilse Marten."
    assert texts(text) == ["She told me, ‘the bridge is safe,’ and I believed her,"]
    spans = find_quoted_spans(text, nested=True)
    assert [(text[s.start:s.end], s.depth) for s in spans] == [
        ("She told me, ‘the bridge is safe,’ and I believed her,", 0), ("the bridge is safe,", 1)]


def test_straight_double_nested_in_straight_double_closes_after_space():
    text = "\"They treat it like, 'Oh, this is important,' \" Magel said."
    assert texts(text) == ["They treat it like, 'Oh, this is important,'"]


def test_multi_paragraph_quote():
    text = ("“The first paragraph of the speech goes on.\n\n"
            "“The second one too.\n\n"
            "“And the third ends it,” said Ilse Marten.\n\nThe next paragraph.")
    spans = find_quoted_spans(text)
    assert [text[s.start:s.end] for s in spans] == [
        "The first paragraph of the speech goes on.", "The second one too.", "And the third ends it,"]
    assert [(s.continued, s.continues) for s in spans] == [(False, True), (True, True), (True, False)]


def test_unbalanced_mark_recovers_at_paragraph_end():
    text = "He said “this never closes.\n\nA second paragraph with “a real quote” in it."
    assert texts(text) == ["this never closes.", "a real quote"]


def test_marks_inside_markup_tags_are_ignored():
    text = '<tweet id="123" author="@x">“Vote early,” she wrote.</tweet>'
    assert texts(text) == ["Vote early,"]


def test_double_apostrophes_only_on_request():
    text = "Mr. Hale said ''the port will reopen'' on Friday."
    assert texts(text) == []
    assert texts(text, double_apostrophes=True) == ["the port will reopen"]


def test_three_apostrophes_after_a_word_close_the_inner_quote_first():
    """An archive's ASCII text writes double quotes as two apostrophes: in "…open,''' Hale
    recalled" the single quote ends at the first of the three, the double one with the other two
    (the quote's text keeps no apostrophes of the closing marks)."""
    text = "''I said, 'The port is open,''' Hale recalled."
    assert texts(text) == []   # a quote within a quote
    nested = find_quoted_spans(text, nested=True, double_apostrophes=True)
    assert [(text[s.start:s.end], s.depth) for s in nested] == [
        ("I said, 'The port is open,'", 0), ("The port is open,", 1)]


def test_a_quote_inside_double_apostrophes_is_nested_even_when_they_are_not_read():
    """Without ``double_apostrophes`` the '' pair is not reported, but what it encloses is still a
    quote within a quote, as ‘…’ inside “…” is: not one of the article's own quotations."""
    text = "''Barbara looked at me and said, 'You weren't in line,''' Compton recalled."
    assert texts(text) == []
    assert [text[s.start:s.end] for s in find_quoted_spans(text, nested=True)] == ["You weren't in line,"]
    # a '' left open at the paragraph's end (a quote going on in the next) is no mark after all
    text = "''I said, 'The port is open,''' Hale recalled. ''It was not."
    assert texts(text) == ["The port is open,"]
    # '' pairing with another mark is no mark: inches, a typed possessive
    assert texts("“It was a 12'' pipe,” Smith said. “Fine.”") == ["It was a 12'' pipe,", "Fine."]


def test_closing_mark_typed_as_opening_mark():
    assert texts("“It's unusual,“ said Larry Noble.") == ["It's unusual,"]


def test_only_quotation_marks_is_fast_and_safe():
    for mark in ['"', "“", "'", "«", "”"]:
        text = mark * 100_000
        t0 = time.perf_counter()
        find_quoted_spans(text)
        assert time.perf_counter() - t0 < 5
