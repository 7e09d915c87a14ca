"""The canonical words the alignment compares: numbers, contractions, percentages, spellings,
stage directions, and the same words with the same offsets by both ways of computing them."""
import pytest

from verifier import textnorm

CASES = {
    "twenty five people": ["25", "people"],
    "three hundred and five votes": ["305", "votes"],
    "two hundred thousand and twelve": ["200000", "and", "12"],
    "a hundred people": ["a", "hundred", "people"],   # a scale word alone is a word
    "1,200 million": ["1200000000"],
    "forty per cent of them": ["40", "%", "of", "them"],
    "40% said so": ["40", "%", "said", "so"],
    "I wasn't there and can't stay": ["i", "was", "not", "there", "and", "can", "not", "stay"],
    "it's the first one": ["it's", "the", "1st", "1"],
    "the colour of the programme": ["the", "color", "of", "the", "program"],
    "Sen. Voss spoke [applause] at 10:30 (laughs) again": ["senator", "voss", "spoke", "at", "10:30", "again"],
    "per": ["per"],
    "one": ["1"],
}


@pytest.mark.parametrize("text", CASES)
def test_canonical_spans_give_each_construction_its_canonical_words(text):
    spans = textnorm.canonical_spans(text)
    assert [norm for norm, _, _ in spans] == CASES[text]
    assert all(0 <= start < end <= len(text) for _, start, end in spans)


@pytest.mark.parametrize("text", [*CASES, "Nobody said it.", "", "(CROSSTALK) yes [inaudible 00:12:03]",
                                  "He said twenty, then thirty five hundred, then per cent per"])
def test_canonical_spans_are_canonical_words_of_the_words_as_plain_tuples(text):
    expected = [tuple(t) for t in textnorm.canonical_words(textnorm.words(text, skip_directions=True))]
    assert textnorm.canonical_spans(text) == expected


def test_a_spelled_number_keeps_the_span_of_all_its_words():
    text = "about twenty five thousand people"
    norm, start, end = textnorm.canonical_spans(text)[1]
    assert (norm, text[start:end]) == ("25000", "twenty five thousand")
