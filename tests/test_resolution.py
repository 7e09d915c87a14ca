"""Who a pronoun or description stands for: the entity table and the learned ranking (#13)."""
from __future__ import annotations

import json
from importlib import resources

from verifier.quotes import extract_quotes
from verifier.quotes.entities import BODY, PERSON, PLACE, body_or_person
from verifier.quotes.extract import _Extractor, extract_with_resolutions
from verifier.quotes.resolve import FEATURES, NOBODY, shipped_weights


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text) if q.kind == "statement"]


def table(text: str):
    return _Extractor(text).entities


# --- the entity table ---------------------------------------------------------------------------

def test_every_mention_of_a_person_is_in_the_table_with_where_it_stands():
    text = ("Mayor Ilse Marten opened the harbour on Monday. A crowd waited for Marten at the quay.\n\n"
            "Later Marten said the pier would be rebuilt.")
    marten = table(text).get("Ilse Marten")
    assert marten is not None and marten.kind == PERSON
    assert [text[m.at:m.at + 6] for m in marten.mentions] == ["Mayor ", "Marten", "Marten"]
    assert [m.paragraph for m in marten.mentions] == [0, 0, 1]
    assert marten.mentions[0].subject and marten.mentions[1].object and marten.mentions[2].speech


def test_roles_from_apposition_and_titles_and_gender_from_pronouns():
    text = ("Tomas Reyes, the harbour commissioner, arrived late. He apologised. He said the tide was high.\n\n"
            "Ms. Oda Lind, a port engineer, disagreed.")
    entities = table(text)
    reyes, lind = entities.get("Tomas Reyes"), entities.get("Oda Lind")
    assert "commissioner" in reyes.heads and reyes.he == 1 and reyes.she == 0   # two sentences on: too far
    assert lind.gender == "f" and lind.titled


def test_bodies_and_people_are_told_apart_by_the_shape_of_the_name():
    assert body_or_person("Harbour Department") == BODY
    assert body_or_person("Velden Daily News") == BODY
    assert body_or_person("NRB") == BODY
    assert body_or_person("Ministry of Coastal Affairs") == BODY
    assert body_or_person("Ilse Marten") == PERSON


def test_a_person_named_only_by_surname_as_a_speaker_is_an_entity():
    text = ("Brandt admitted that the vote was close. “We will recount,” he said.")
    assert table(text).get("Brandt") is not None
    assert speakers(text) == ["Brandt"]


def test_an_acronym_is_the_body_the_article_named_in_full():
    text = ("The Velden Harbour Authority met on Monday. Later, the VHA said: “The quay stays shut.”")
    assert speakers(text) == ["Velden Harbour Authority"]


# --- ranking ------------------------------------------------------------------------------------

def test_a_new_speaker_introduced_before_the_quote_beats_the_last_speaker():
    text = ("“The harbour will reopen,” Mayor Ilse Marten said.\n\n"
            "Harbour consultant Tomas Reyes, a former pilot, picked up the thread at the meeting. "
            "“Nobody has checked the pilings,” he said.")
    assert speakers(text) == ["Ilse Marten", "Tomas Reyes"]


def test_gender_decides_between_two_people():
    text = ("Anna Veld and Tom Aske met the fishermen on Tuesday. “We will not close the quay,” she said. "
            "“The quay is safe,” he said.")
    assert speakers(text) == ["Anna Veld", "Tom Aske"]


def test_a_pronoun_chain_carries_the_person_across_sentences():
    text = ("“I will run again,” Tom Aske said.\n\n"
            "It was a partial reversal for the Velden councillor Oda Lind, who had backed him. "
            "Ms. Lind later praised the plan. She said on Thursday that the vote was close.\n\n"
            "“We are not there yet,” she said.")
    assert speakers(text)[-1] == "Oda Lind"


def test_the_description_goes_to_whom_the_article_gave_that_role():
    text = ("Harbour Party nominee Tom Aske spoke first. Anna Veld spoke later.\n\n"
            "“We will win,” the nominee said.")
    assert speakers(text) == ["Tom Aske"]


def test_no_compatible_entity_leaves_the_pronoun_unresolved():
    quotes = extract_quotes("The Harbour Department met on Monday. “We will not close the quay,” she said.")
    assert quotes[0].speaker is None and quotes[0].speaker_mention["text"] == "she"


def test_every_resolution_is_recorded_with_its_candidates_and_features():
    text = "Anna Veld and Tom Aske met the fishermen. “We will not close the quay,” she said."
    _, cases = extract_with_resolutions(text)
    case = next(c for c in cases if c.words == ["she"])
    assert [e.name for e in case.candidates] == ["Anna Veld"]   # Tom Aske is male: not compatible
    assert len(case.features[0]) == len(FEATURES) and case.chosen == "Anna Veld"


def test_other_weights_change_the_choice():
    text = ("“The harbour will reopen,” Mayor Ilse Marten said.\n\n"
            "Harbour consultant Tomas Reyes picked up the thread. “Nobody checked,” she said.")
    always_nobody = {"features": list(FEATURES), "coef": [50.0] + [0.0] * (len(FEATURES) - 1)}
    quotes, _ = extract_with_resolutions(text, always_nobody)
    assert quotes[-1].speaker is None
    quotes, _ = extract_with_resolutions(text)
    assert quotes[-1].speaker == "Ilse Marten"   # the one female candidate


def test_the_shipped_weights_are_inside_the_package_and_match_the_features():
    data = json.loads(resources.files("verifier.quotes").joinpath("resolution_weights.json").read_text())
    assert data["features"] == list(FEATURES) and len(data["coef"]) == len(FEATURES)
    assert shipped_weights()["coef"] == data["coef"]
    assert NOBODY == [1.0] + [0.0] * (len(FEATURES) - 1)


def test_a_state_country_or_city_is_a_place_never_he_or_she():
    assert body_or_person("South Carolina") == PLACE and body_or_person("Mexico City") == PLACE
    assert body_or_person("Carolina Reyes") == PERSON   # a person named like a place stays a person
    text = ("Harbour consultant Tomas Reyes spoke on Monday.\n\n"
            "South Carolina, he said, was “where we have a chance to win.”")
    assert speakers(text) == ["Tomas Reyes"]


def test_a_person_called_by_a_place_name_alone_stays_a_person():
    """Places that are also given names are not listed; a listed place with a title is a person."""
    text = "“I am here,” Charlotte said on the quay. Later she added: “We will rebuild it.”"
    assert speakers(text) == ["Charlotte", "Charlotte"]
    text = "Ms. Orlando spoke first. “I am here,” Orlando said. Later she added: “We will rebuild it.”"
    assert speakers(text) == ["Orlando", "Orlando"]


def test_an_indefinite_pronoun_is_a_speaker_the_article_does_not_name():
    """"Someone called it …", "Nobody asked …": a statement whose speaker is unnamed, never a
    person called "Someone" nor the last person mentioned."""
    quotes = extract_quotes("Mara Voss left early. Someone called it a “quiet revolution,” and I agree.")
    assert quotes[0].kind == "statement" and quotes[0].speaker is None
    assert quotes[0].speaker_mention["text"] == "Someone"
    text = "Nobody asked Mara Voss about the quay. She raised it herself. “We will not close it,” she said."
    assert speakers(text) == ["Mara Voss"] and all(e.name != "Nobody" for e in table(text).entities)


def test_a_name_before_a_role_noun_modifies_it_and_is_not_the_subject():
    """"Obama consultant Cornell Belcher picked up the thread": Belcher is the subject; Obama only
    says whose consultant he is, as "Obama's consultant" would."""
    text = "Senator Mara Voss spoke first. Voss consultant Tomas Reyes picked up the thread on Monday."
    t = table(text)
    at = text.index("Voss consultant")
    mention = t.get("Mara Voss").mention_at(at)
    assert mention is not None and not mention.subject and mention.possessive
    assert t.get("Tomas Reyes").mention_at(text.index("Tomas")).subject


def test_a_description_of_one_person_is_never_a_body():
    from verifier.quotes.entities import Entity
    from verifier.quotes.resolve import _compatible

    network, host = Entity("HBN", BODY), Entity("Tom Aske", PERSON)
    mogul = ["the", "billionaire", "business", "mogul"]
    assert not _compatible(network, None, mogul) and _compatible(host, None, mogul)
    assert _compatible(network, None, ["the", "authors"])   # a plural may stand for the body
    assert not _compatible(network, None, ["the", "witness"])   # "-ss" is no plural
    text = ("Tom Aske hosted the show for years. HBN aired it again on Saturday, and HBN said it "
            "was proud of the ratings. “My guilty pleasure,” the billionaire business mogul told the magazine.")
    assert speakers(text)[-1] == "Tom Aske"


def test_a_description_naming_whose_body_it_is_names_that_body():
    text = ("The State Department released the emails on Friday. “We have nothing to hide,” the Voss "
            "campaign said in a statement.")
    assert speakers(text) == ["Voss campaign"]
    text = "The U.S. media has always claimed to be “an unbiased review of the news,” but it is not."
    assert speakers(text) == ["U.S. media"]   # not the United States


def test_a_first_name_in_apposition_to_a_relative_takes_the_family_name():
    text = ("Mara Voss campaigned in the north on Monday.\n\nVoss's husband, Tomas, defended her in a speech "
            "on Sunday, accusing her rivals of sexism. “The hotter this race gets, the more I worry,” he said.")
    assert speakers(text) == ["Tomas Voss"]
    text = ("Mara Voss campaigned in the north on Monday.\n\nVoss's husband, Tomas, said the crowd was large. "
            "“The hotter this race gets, the more I worry,” he said.")
    assert speakers(text) == ["Tomas Voss"]


def test_given_names_from_public_records_tell_he_from_she():
    """The gender of a first name the hand lists lack comes from the public records'
    (``given_names.txt``): "she" is Dianne Kolle, not Jamal Reyes, who was named last."""
    from verifier.quotes.lexicon import recorded_gender
    assert recorded_gender("dianne") == "f" and recorded_gender("jamal") == "m" and recorded_gender("jordan") is None
    text = ("Dianne Kolle chairs the harbour board. Jamal Reyes runs the union.\n\n"
            "“We will not sign this,” she said.")
    [quote] = [q for q in extract_quotes(text) if q.kind == "statement"]
    assert quote.speaker == "Dianne Kolle"


def test_recorded_given_names_neither_make_names_nor_gender_places():
    """The public records' names only tell the gender of someone already read as a person: "West
    Virginia" is a place, not a man (West is a recorded given name); "In Houston Hillary Clinton
    said" is Hillary Clinton; "the Georgia May 24 primary" makes no person "Georgia May"."""
    text = ("Voters in West Virginia go to the polls on Tuesday. Senator Joe Manchin is not on the ballot.\n\n"
            "The race in West Virginia is close. “It will be a long night,” he said.")
    [quote] = [q for q in extract_quotes(text) if q.kind == "statement"]
    assert quote.speaker == "Joe Manchin"
    [quote] = [q for q in extract_quotes("In Houston Hillary Clinton said: “We are ready.”") if q.kind == "statement"]
    assert quote.speaker == "Hillary Clinton"
    found = [q for q in extract_quotes("Brian Kemp won the Georgia May 24 primary easily.\n\n“We are ready,” she said.")
             if q.kind == "statement"]
    assert [q.speaker for q in found] == [None]
