"""Attribution: every cue pattern, speakers resolved, statements told from terms."""
import time
from pathlib import Path

import pytest

from verifier.quotes.extract import extract_quotes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


def statements(text):
    return [q for q in extract_quotes(text) if q.kind == "statement"]


def described(q):
    """Who a statement is given to: the name in ``speaker``, else the description the article
    used, which stays in ``speaker_mention`` (a description is never a ``speaker``)."""
    if q.speaker:
        return q.speaker
    mention = q.speaker_mention or {}
    return mention.get("description") or mention.get("text")


def one(text):
    found = statements(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def mention(q):
    return q.speaker_mention["text"] if q.speaker_mention else None


@pytest.mark.parametrize("text, speaker, cue", [
    ("“The harbour will reopen in May,” Ilse Marten said.", "Ilse Marten", "said"),
    ("“The harbour will reopen in May,” said Ilse Marten.", "Ilse Marten", "said"),
    ("Ilse Marten said: “The harbour will reopen in May.”", "Ilse Marten", "said"),
    ("Ilse Marten said, “The harbour will reopen in May.”", "Ilse Marten", "said"),
    ("Ilse Marten said that the port “will reopen in May, whatever the cost.”", "Ilse Marten", "said"),
    ("According to Ilse Marten, “the harbour will reopen in May.”", "Ilse Marten", "according to"),
    ("“The harbour will reopen in May,” according to Ilse Marten.", "Ilse Marten", "according to"),
    ("Ilse Marten told reporters that “the harbour will reopen in May.”", "Ilse Marten", "told"),
    ("Ilse Marten told the Coastal Gazette that the harbour “will reopen in May.”", "Ilse Marten", "told"),
    ("“The harbour will reopen in May,” Ilse Marten warned.", "Ilse Marten", "warned"),
    ("“The harbour will reopen in May,” Ilse Marten tweeted.", "Ilse Marten", "tweeted"),
    ("“The harbour will reopen in May,” Ilse Marten wrote on Tuesday.", "Ilse Marten", "wrote"),
    ("“The harbour will reopen in May,” Ilse Marten insisted.", "Ilse Marten", "insisted"),
    ("Ilse Marten emphasized that “the harbour will reopen in May.”", "Ilse Marten", "emphasized"),
    ("In a statement, Ilse Marten said “the harbour will reopen in May.”", "Ilse Marten", "said"),
    ("“The harbour will reopen in May,” Ilse Marten said in an interview with the Gazette.",
     "Ilse Marten", "said"),
])
def test_cue_patterns(text, speaker, cue):
    q = one(text)
    assert q.text.rstrip(",.") == "The harbour will reopen in May" or "reopen in May" in q.text
    assert q.speaker == speaker
    assert q.cue == cue


def test_appositive_is_skipped_and_title_kept_out_of_the_name():
    q = one("Ilse Marten, spokesperson for the Port Authority of Velden, said: “We are ready.”")
    assert q.speaker == "Ilse Marten"
    assert mention(q) == "Ilse Marten"
    q = one("“We are ready,” said Sen. Arvid Kolle.")
    assert q.speaker == "Arvid Kolle"
    q = one("Gov. Hanna Brisk (D-Velden) said, “We are ready for the storm.”")
    assert q.speaker == "Hanna Brisk"


def test_split_quote_keeps_its_speaker():
    found = statements("“We are ready,” Ilse Marten said. “The pumps are working and the walls will hold.”")
    assert [q.speaker for q in found] == ["Ilse Marten", "Ilse Marten"]


def test_quote_in_the_paragraph_after_its_speaker():
    text = ("Ilse Marten, the harbour master, spoke to reporters on Monday about the new sea wall.\n\n"
            "Ilse Marten said the wall would hold.\n\n"
            "“We tested every section twice, and the engineers signed off on all of it.”")
    assert one(text).speaker == "Ilse Marten"


def test_pronoun_and_short_name_resolve_to_the_full_name():
    text = ("Ilse Marten, the harbour master of Velden, opened the meeting.\n\n"
            "“We are ready for the storm,” she said.\n\n"
            "“The pumps are working,” Marten added.\n\n"
            "“Nobody will be left behind,” said Ms. Marten.")
    found = statements(text)
    assert [q.speaker for q in found] == ["Ilse Marten"] * 3
    assert [mention(q) for q in found] == ["she", "Marten", "Ms. Marten"]


def test_pronoun_picks_the_person_of_the_right_gender():
    text = ("Mr. Arvid Kolle and Ms. Ilse Marten met on Monday.\n\n"
            "“The wall will hold,” Mr. Kolle said.\n\n"
            "Ms. Marten disagreed with him on the costs. “It will cost twice as much,” she said.")
    found = statements(text)
    assert [q.speaker for q in found] == ["Arvid Kolle", "Ilse Marten"]


def test_description_resolves_to_the_person_the_article_tied_it_to():
    text = ("Sen. Arvid Kolle visited the harbour on Monday.\n\n"
            "“This wall is a disgrace to the whole region,” the senator said.")
    q = one(text)
    assert mention(q) == "the senator"
    assert q.speaker == "Arvid Kolle"


def test_organisation_as_speaker():
    text = ("The Ministry of Coastal Affairs published its report on Monday.\n\n"
            "“The sea wall meets every standard we have,” the ministry said.")
    q = one(text)
    assert mention(q) == "the ministry"
    assert q.speaker == "Ministry of Coastal Affairs"


@pytest.mark.parametrize("text", [
    "The so-called “Lion of Velden” was arrested in May.",
    "She was known as “the Harbour Queen” across the coast.",
    "He appeared on the radio show “Morning Tide” every week.",
    "The plan, dubbed “Operation Seawall,” cost millions.",
])
def test_terms_are_not_statements(text):
    found = extract_quotes(text)
    assert found and all(q.kind == "term" for q in found), [(q.text, q.kind) for q in found]


def test_scare_quote_without_a_speaker_is_a_term():
    found = extract_quotes("The council’s “reform” left the harbour as it was.")
    assert [q.kind for q in found] == ["term"]


def test_short_quote_with_a_cue_is_a_statement():
    q = one("Ilse Marten called the new wall “a disgrace.”")
    assert q.speaker == "Ilse Marten" and q.cue == "called"


def test_seed_article():
    text = (FIXTURES / "iraq-isis-database.txt").read_text(encoding="utf-8")
    found = extract_quotes(text)
    said = [q for q in found if q.kind == "statement"]
    assert len(said) == 2
    assert all(q.speaker == "Sabah Al-Numan" for q in said)
    assert said[0].text.startswith("a complete and detailed database")
    assert said[1].text.startswith("There are ongoing attempts by ISIS")
    assert mention(said[1]) == "Al-Numan"
    terms = [q for q in found if q.kind == "term"]
    assert [q.text.rstrip(",") for q in terms] == ["Wali of Iraq and Syria"]


def test_offsets_are_the_quoted_words_without_marks():
    text = "Intro.\n\n“Ready,” Ilse Marten said."
    q = one(text)
    assert text[q.start:q.end] == q.text == "Ready,"


def test_unbalanced_marks_do_not_swallow_the_article():
    text = "He said “this never closes.\n\n“The harbour will reopen in May,” Ilse Marten said."
    found = statements(text)
    assert found[-1].speaker == "Ilse Marten"
    assert found[-1].text.startswith("The harbour will reopen")


@pytest.mark.parametrize("mark", ['"', "“", "”", "'", "«", "‘"])
def test_many_unmatched_marks_finish_quickly(mark):
    text = ("word " + mark) * 100_000
    t0 = time.perf_counter()
    extract_quotes(text)
    assert time.perf_counter() - t0 < 20


def test_pronoun_gender_from_given_names():
    text = ("Hanna Brisk met Erik Dahl at the harbour.\n\n"
            "“The wall will hold,” Dahl said.\n\n"
            "“We will see about that,” she said.")
    assert [q.speaker for q in statements(text)] == ["Erik Dahl", "Hanna Brisk"]


def test_verb_chains_lead_back_to_the_subject():
    q = one("The memo went on to say, “The harbour will reopen in May, whatever the weather brings.”")
    assert mention(q) == "The memo"
    q = one("Ilse Marten declined to comment but later went on to say that “the harbour is safe.”")
    assert q.speaker == "Ilse Marten"


def test_split_quote_after_a_subordinate_clause_keeps_its_speaker():
    text = ("“The contracts stand,” the council spokesman Piet Harmsen told the Courier in July, after "
            "Mayor Lind asked about ending them. “They are fully binding.”")
    first, second = statements(text)
    assert first.speaker == second.speaker == "Piet Harmsen"
    assert second.how == "inherited"


def test_a_new_sentence_after_a_closed_quote_is_not_its_cue():
    text = ("“We will rebuild the pier,” Ilse Marten said. “It will take two years.” Tom Aske said that "
            "the money was not there.")
    first, second = statements(text)
    assert second.speaker == "Ilse Marten"
    text = "Marten spoke last.\n“It will take two years.”\nTom Aske said the money was not there."
    q = one(text)
    assert q.speaker != "Tom Aske"


@pytest.mark.parametrize("text, speaker_mention", [
    ("“The river has moved east,” the report said.", "the report"),
    ("“The river has moved east,” the two write.", "the two"),
    ("“The river has moved east,” Anna Veld and Piet Harmsen wrote.", "Anna Veld and Piet Harmsen"),
    ("“There was never an order to wait,” said the base chief, speaking for the first time.", "the base chief"),
])
def test_subjects_after_the_quote(text, speaker_mention):
    assert mention(one(text)) == speaker_mention


@pytest.mark.parametrize("text, speaker", [
    ("“That is not our view,” Senate Leader Anna Veld, R-Ost., said.", "Anna Veld"),
    ("Veld, during a town hall meeting in Kessel, Ostmark, said she was “not going to close the harbour.”", "Veld"),
    ("It was aimed at Harmsen, who Anna Veld on Wednesday called “a careless steward of the port.”", "Anna Veld"),
    ("Anna Veld last week said “the harbour will reopen in May, whatever the council decides.”", "Anna Veld"),
    ("“Nobody wanted the merger,” remembered Piet Harmsen, the port's former spokesman.", "Piet Harmsen"),
    ("According to his longtime personal physician, the mayor was in “astonishingly excellent” health.",
     "his longtime personal physician"),
])
def test_subjects_behind_places_time_phrases_and_abbreviations(text, speaker):
    q = one(text)
    assert speaker in (q.speaker or "") or mention(q) == speaker, (q.speaker, mention(q))


@pytest.mark.parametrize("text", [
    "Party chairman Piet Harmsen called Veld's remarks a “new low for the harbour board and the town.”",
    "Piet Harmsen denounced Veld’s repeated remarks as “hurtful and beneath the office she holds.”",
])
def test_a_possessed_cue_noun_after_a_cue_verb_is_its_object(text):
    assert one(text).speaker == "Piet Harmsen"


@pytest.mark.parametrize("text, mention_text", [
    ("Port spokesman Tom Aske said the marchers, whom he described as “peaceful and orderly throughout,” left at noon.", "he"),
    ("“It will take years,” Veld says, but she cautions that she sees “two different sides to the plan.”", "she"),
    ("When Aske suggested a delay, Veld fired back: “If they wait, the harbour will silt up for good.”", "Veld"),
    ("When Tom Aske, the port director, was asked if the pier would open, he laughed and said, “We will see soon.”", "he"),
    ("Veld said she is certain Aske will remain “a champion of the harbour and its workers.”", "Veld"),
])
def test_whose_clause_the_quote_is_in(text, mention_text):
    assert mention(statements(text)[-1]) == mention_text


@pytest.mark.parametrize("text, mention_text", [
    ("“There was wrongdoing at the port,” said a former senior harbour police official.",
     "a former senior harbour police official"),
    ("“It is hard to come back to work,” said the designer, who works for another brand.", "the designer"),
    ("“What if the pier had never been built?” the 43-year-old asked in the video.", "the 43-year-old"),
    ("As The Courier's Anna Veld puts it, “the harbour board is unmoved, and the town is uninspired.”",
     "The Courier's Anna Veld"),
    ("“Is the mayor profiling the dockworkers now?” reacted Tom Aske.", "Tom Aske"),
])
def test_more_subjects(text, mention_text):
    assert mention(one(text)) == mention_text


def test_said_with_a_clause_after_it_is_not_a_speaker():
    assert one("“We will rebuild the pier,” said the plan would fail.").speaker is None


@pytest.mark.parametrize("text, mention_text", [
    ("Port director Tom Aske released a statement saying that Veld had “misled the council twice.”",
     "Port director Tom Aske"),
    ("Before the vote, his campaign sent out a text message to supporters saying: “We won the harbour seat!”",
     "his campaign"),
    ("Like Aske, Veld also rejected the plan, arguing that there is “room for a second pier” at Kessel.", "Veld"),
    ("Another harbour source speaking to the Courier said, “The pilots are investigating the collision.”",
     "Another harbour source"),
])
def test_subjects_of_participles_and_modified_subjects(text, mention_text):
    assert mention(one(text)) == mention_text


def test_only_verbs_of_saying_put_their_subject_after_them():
    q = one("Veld, star of the council, thanked Aske for “taking these steps to make the harbour safer again.”")
    assert q.speaker != "Aske"


@pytest.mark.parametrize("text, mention_text", [
    ("“Will he be the next harbour master?” a council staffer in the room wonders.", "a council staffer"),
    ("“You know, it floods, right?” Veld went on, as if she had not heard.", "Veld"),
    ("“Would the pier be negotiable?” Aske pressed.", "Aske"),
    ("A former harbour master -- Tom Aske, who lost the 2019 election -- said the port “has no strategy at all.”",
     "A former harbour master"),
    ("“We are shocked, he was a friend to us,” one P&G Kessel employee told the Courier.", "one P&G Kessel employee"),
])
def test_subjects_with_phrases_asides_and_phrasal_cues(text, mention_text):
    assert mention(statements(text)[0]) == mention_text


def test_press_secretary_is_no_cue():
    q = one("“It is the same attack,” Veld press secretary Tom Aske said.")
    assert q.speaker == "Tom Aske"


@pytest.mark.parametrize("text, mention_text", [
    ("Tom Aske spoke last. Aske also made the point that the new pier would make the port “a second Rotterdam "
     "for the north.”", "Aske"),
    ("He anticipated that the hardest part would be “dealing with the silt the old board left behind.”", "He"),
])
def test_with_no_cue_the_subject_of_the_sentence_speaks(text, mention_text):
    q = one(text)
    assert mention(q) == mention_text and q.how == "subject"


def test_no_subject_from_a_subordinate_clause():
    q = one("When Veld finally wrapped up — “I will fight for you, and I will win for the harbour!” — the crowd cheered.")
    assert q.speaker_mention is None or mention(q) != "When Veld"


def test_a_thing_called_something_is_not_the_speaker():
    q = one("The councillors slammed the tax loophole called an “inversion of every rule we have written.”")
    assert mention(q) == "The councillors"


@pytest.mark.parametrize("text", [
    "Thirteen years earlier, the board had voted for “the perspective of a port that has seen all of it.”",
    "Good information can still drive out bad, but usually only when “the truth is sexier than the lie.”",
])
def test_a_sentence_opening_word_is_not_a_speaker(text):
    q = one(text)
    assert q.speaker is None or mention(q) == "the board"   # the subject after "Thirteen years earlier,"


@pytest.mark.parametrize("text, mention_text", [
    ("Mayor Anna Veld said she expected that voters will say “no” to the plans of the harbour board.", "Mayor Anna Veld"),
    ("Aske went to the debate because, according to Aske, the papers would call him a “coward who ran away” otherwise.",
     "Aske"),
    ("Veld would later say “I was only joking about the whole pier, believe me.”", "Veld"),
    ("According to a 2019 study by the port authority, the silt is “the single largest cost of the harbour.”",
     "a 2019 study"),
    ("The board shrugged off Aske's comments, telling reporters, “Nobody on the board has ever asked for that.”",
     "The board"),
])
def test_hypothetical_speech_and_spoken_of_nouns(text, mention_text):
    assert mention(one(text)) == mention_text


def test_parenthetical_inversion_names_the_speaker():
    q = one("The paradox of the harbour, says Carl Anthon, historian at the Kessel Library, is that it was "
            "“a port without ships for a century.”")
    assert q.speaker == "Carl Anthon"


def test_a_relative_clause_cue_nearer_the_quote_speaks():
    quotes = statements("“People are angry,” said Alderman Jason Ervin, who thinks the board “needs to be more "
                        "collaborative with the town.”")
    assert mention(quotes[1]) == "who" and quotes[1].speaker == "Jason Ervin"


@pytest.mark.parametrize("text, mention_text", [
    ("A port official later walked back the comments, saying that Veld “never meant to close the harbour.”",
     "A port official"),
    ("Instead, the statement talked about giving the town the right to “decide what the harbour is for.”",
     "the statement"),
])
def test_nouns_of_speech_after_determiners_are_not_cues(text, mention_text):
    assert mention(one(text)) == mention_text


@pytest.mark.parametrize("text, mention_text", [
    ("Mayor Anna Veld spoke next. Veld has adopted the stance common among some Liberals in Kessel: “I am for the "
     "pier in my heart, and against it in my budget.”", "Veld"),
    ("Asked which quay was his favourite, he demurred: “Whichever one I am standing on at the moment.”", "he"),
])
def test_colon_after_a_sentence_names_its_subject(text, mention_text):
    assert mention(one(text)) == mention_text


def test_a_capitalised_sentence_opener_before_a_colon_is_no_one():
    q = one("Estimates vary from one year to the next: “Nobody has counted the ships that used the old pier.”")
    assert mention(q) != "Estimates"


@pytest.mark.parametrize("text, speaker", [
    ("“The pier is an amazing thing,” said the 46-year-old.", "the 46-year-old"),
    ("Harbour master Anna Veld is questioning whether the board would have built the pier “if it were in Brann.”",
     "Anna Veld"),
    ("The ad targets a “corrupt harbour board that keeps the port closed to small boats.”", "The ad"),
])
def test_descriptions_progressives_and_described_subjects(text, speaker):
    assert described(one(text)) == speaker


@pytest.mark.parametrize("text, mention_text", [
    ("They ask the former secretary of state to make it clear “that such proposals are unacceptable to the port.”",
     "They"),
    ("Retired Capt. Tom Aske started the row when he brought up the pier and later said, “It is not just the board.”",
     "he"),
    ("Anna Veld thanked the town, and she sounded a rare note of doubt, saying, “I am not sure I deserve it.”", "she"),
    ("The ad claims “Veld is the harbour master you can trust with the port.”", "The ad"),
    ("She followed that by saying, “I am not a natural politician, in case you have not noticed.”", "She"),
])
def test_nouns_prepositions_and_coordinated_clauses(text, mention_text):
    assert mention(one(text)) == mention_text


def test_a_long_subject_after_the_quote():
    q = one("“Tritium can be made from plutonium,” port experts Anna Veld and Piet Harmsen of Kessel's Institute "
            "for Science and International Security wrote in September.")
    assert mention(q).startswith("port experts Anna Veld and Piet Harmsen") and q.speaker == "Anna Veld and Piet Harmsen"


def test_a_reporting_verb_earlier_in_the_sentence_beats_a_name_by_the_colon():
    text = ("As the Courier's Joel Pollen reported after the board left the dock in Kessel:\n\n"
            "“For example, the board has done almost nothing with the evidence.”")
    assert one(text).speaker == "Joel Pollen"


def test_with_someone_doing_the_participle():
    q = one("At a rally in Kessel, Ostmark, on Saturday, some supporters pushed a protester, with Veld reportedly "
            "yelling: “Get him out of the harbour hall!”")
    assert mention(q) == "Veld"


@pytest.mark.parametrize("text, speaker", [
    ("Speaking at a town hall in Salem, Ostmark, Anna Veld went after Aske, calling him “a total stiff at the helm.”",
     "Anna Veld"),
    ("KESSEL, Dec. 8 (UPI) — In response to the board's plan, Mayor Anna Veld rallied supporters, saying: "
     "“We have to be ready to fight for the harbour.”", "Anna Veld"),
    ("Tom Aske at the time said he’d asked his “people” to look into paying the fees of the dockworkers.", "Tom Aske"),
])
def test_datelines_opening_phrases_and_time_phrases(text, speaker):
    assert one(text).speaker == speaker


def test_a_quote_inside_a_sentence_naming_no_one_borrows_no_speaker():
    text = ("“The harbour will reopen,” Anna Veld said.\n\n"
            "Still, the fact that the pier is “a dead weight on the budget” worries the board.")
    assert statements(text)[1].speaker is None


def test_partial_quotes_in_one_sentence_share_the_speaker_named_after_them():
    q1, q2 = statements("The pier is “the ultimate public burden of our time” and “a dead weight on the budget,” Anna Veld said.")
    assert q1.speaker == q2.speaker == "Anna Veld"


@pytest.mark.parametrize("text, speaker", [
    ("Tom Aske, interviewed on the Courier's morning show, called again for Veld to resign for not calling the "
     "Kessel pier attack an act of “deliberate sabotage by the board.”", "Tom Aske"),
    ("The port authority less than two weeks ago said for the first time that “some of the records were lost.”",
     "The port authority"),
    ("The port authority has said that, at the request of the police, it has sealed 22 Veld emails as "
     "“confidential and not for release.”", "The port authority"),
])
def test_noun_phrases_ending_in_a_cue_word(text, speaker):
    assert described(one(text)) == speaker


@pytest.mark.parametrize("text, mention_text", [
    ("Veld accused Aske of stalling. Then he cut into the board, calling it “a club of tired old men.”", "he"),
    ("“People are afraid of wasting their votes,” he surmised after the meeting in Kessel.", "he"),
    ("What “fix the pier” means is left to the voters, since Veld said only bromides.", "Veld"),
])
def test_sentence_adverbs_new_cue_verbs_and_subordinate_subjects(text, mention_text):
    assert mention(statements(text)[0]) == mention_text


@pytest.mark.parametrize("text, mention_text, speaker", [
    ("Acknowledging that Aske “says a lot of silly things about the pier,” though, Veld did suggest a truce.",
     "Veld", "Veld"),
    ("“People stood in line for hours in the sun,” said Anna Veld of Harbour Watch, who observed the vote.",
     "Anna Veld", "Anna Veld"),
    ("“It is about time we had a harbour master who listens,” exhorted Veld's introducer, the actor Tom Aske.",
     "Veld's introducer", "Veld's introducer"),
])
def test_participle_openers_of_phrases_and_possessed_descriptions(text, mention_text, speaker):
    q = one(text)
    assert (mention(q), q.speaker) == (mention_text, speaker)


def test_a_cue_ending_in_a_colon_belongs_to_the_next_quote():
    q1, q2 = statements("After Aske said that the small boats might do better at “a less crowded harbour,” "
                        "Veld said: “I do not like what he said, no, I do not like it at all.”")
    assert (q1.speaker, q2.speaker) == ("Aske", "Veld")


def test_a_new_sentence_after_a_closed_quote_opening_with_however_is_no_cue():
    quotes = statements("Veld said that Aske was “a total lightweight” and “a liar and a cheat.” However, she "
                        "held her fire on the board, saying she likes them.")
    assert quotes[-1].speaker == "Veld" and mention(quotes[-1]) != "However"


@pytest.mark.parametrize("text", [
    "Speaking to “Kessel This Morning” on Monday, Veld refrained from attacking the board.",
    "Aske spoke in an interview on the Courier's talk radio program, “Harbour Hour With Tom,” on Friday.",
])
def test_show_titles_near_speech_are_terms(text):
    assert statements(text) == []


@pytest.mark.parametrize("text, speaker", [
    ("Citing last week's flood as a wake-up call for the town and its “reveries about a harbour that never "
     "floods,” Veld urged the council to act.", "Veld"),
    ("Anna Veld spoke last. Veld delivered a snappy retort: “No one is tearing this pier up. We go forward.”",
     "Anna Veld"),
    ("The new harbour master on Tuesday rejected Tom Aske's offer to make an “exception for the small boats "
     "of the north quay.”", None),
])
def test_opening_participles_noun_cues_and_offers(text, speaker):
    q = one(text)
    assert q.speaker == speaker or (speaker is None and q.speaker != "Tom Aske")


def test_a_state_is_no_cue():
    text = ("Tom Aske praised Veld's leadership after the flood and her ability to get things done in a heavily "
            "divided state.\n\n“We need someone who is going to cut through the nonsense and bring people together.”")
    assert one(text).speaker == "Tom Aske"


@pytest.mark.parametrize("text, speaker", [
    # a description, then the name in apposition: the name is the speaker
    ("Veld's business manager, Tom Aske, stated: “When I spoke with her yesterday, she was so sad about it.”",
     "Tom Aske"),
    ("“We will appeal the ruling,” said Veld's attorney, Tom Aske, after the hearing.", "Tom Aske"),
    # descriptions stacked after the name
    ("Mark Ostrow, chairman of the board of Harbour Partners, the network's funding arm, said it would act only "
     "if “a candidate were able to garner support with a positive message.”", "Mark Ostrow"),
    ("Lisa Brann, a pollster who is working with Estmark Forward, a pro-Veld group, said voters see her as "
     "“strong, smart and resilient.”", "Lisa Brann"),
    # the appositive's closing comma is missing
    ("Anton Reyes, president and CEO of Kessel Restaurant Association stated, “It's not a political problem; "
     "it's a math problem.”", "Anton Reyes"),
    # two people named together
    ("“The polls were wrong about the harbour,” wrote Frank Ostrow and Jim Harten.", "Frank Ostrow and Jim Harten"),
    ("Two military analysts, Patrick Megan and Chris Harlan, wrote that the ships were “vulnerable to attack.”",
     "Patrick Megan and Chris Harlan"),
])
def test_names_in_apposition_stacked_descriptions_and_pairs(text, speaker):
    assert one(text).speaker == speaker


def test_a_place_before_officials_of_a_body_is_no_speaker():
    q = one("In Kessel, officials of the harbour board said the pier was “unsafe for anyone.”")
    assert q.speaker != "Kessel"


def test_he_after_two_people_is_not_the_pair():
    quotes = statements("Dr. Anna Veld spoke first. “The polls were wrong,” wrote Frank Ostrow and Jim Harten. "
                        "Later Tom Aske spoke.\n\n“It will not happen again,” he said.")
    assert quotes[-1].speaker == "Tom Aske"


@pytest.mark.parametrize("text, speaker", [
    # "Veld’s comments" is a noun phrase, not a subject and its verb
    ("Aske didn’t seem impressed with Veld’s comments Tuesday, telling reporters, “A lot of people said the "
     "mayor should step down.”", "Aske"),
    # opening phrases of time and place before the main clause
    ("But a few days later, Aske reversed himself yet again, telling the Courier that the pier “is not safe "
     "and it never will be.”", "Aske"),
    ("Here in Kessel, Veld stepped up her emphasis on the harbour, saying, “We have got to reach the day "
     "when the boats come home.”", "Veld"),
])
def test_possessed_nouns_and_opening_phrases(text, speaker):
    assert one(text).speaker == speaker


def test_a_headline_in_title_case_does_not_lengthen_a_name():
    text = ("The Difference Between Anna Veld And Tom Aske.\n\nDuring the debate, Democrats Anna Veld and "
            "Mark Ostrow spoke.\n\n“I will win the harbour vote,” Veld said.")
    assert one(text).speaker == "Anna Veld"


def test_a_body_named_with_a_title_word_keeps_its_name():
    text = ('A State Department official said, "We are not going to speak to that." State has also told '
            'lawmakers that it is launching "a new probe into the matter."')
    assert [described(q) for q in statements(text)] == ["A State Department official", "State"]


def test_a_surname_that_is_also_a_title():
    text = ("Martha King won 12 titles. Members of King Solomon Baptist Church sang.\n\n"
            "King says Ali “talked the talk and walked the walk.”")
    assert one(text).speaker == "Martha King"


def test_an_indefinite_description_is_someone_new():
    text = ("The Supreme Court ruled in May.\n\n“There is no evidence of a crime,” according to a court "
            "document filed last week.")
    assert one(text).speaker != "Supreme Court"


@pytest.mark.parametrize("text, speaker", [
    # the pronoun's own sentence names its subject: that person, not the last speaker quoted
    ("“We will not back down,” said Tom Aske.\n\nMark Ostrow fired back: “As a friend of this harbour,” he wrote, "
     "“I know you are rooting for the pier too.”", "Mark Ostrow"),
    ("“The pier is safe,” Tom Aske said.\n\nWith the vote lost, Piet Cross said he is left with two options, "
     "one of which he called “the worst idea in the past 25 years.”", "Piet Cross"),
])
def test_a_pronoun_refers_to_the_subject_of_its_sentence(text, speaker):
    assert statements(text)[-1].speaker == speaker


@pytest.mark.parametrize("text, speaker", [
    # a surname that is also a common word, alone before "said"
    ('"We believe this is a great deal for the harbour," From said. "In this case, people point the finger."',
     "From"),
    ('"We have assessed the risk," Read said.', "Read"),
    # bodies whose names end in a word that is mostly something else
    ("“The email contains the mayor's private address,” Harbour Watch added.", "Harbour Watch"),
    ("Harbour Watch stated in a release Tuesday that the filing “suggests the email was found in 2014.”",
     "Harbour Watch"),
    ("“The new material shows the council kept dossiers,” according to Harbour Watch.", "Harbour Watch"),
    # "as X said" after the quote; a role with "of" before the name
    ("Still, the fact that the race “is a dead heat right now,” as Veld said on the radio, matters.", "Veld"),
    ('"Thanks, Kessel, for welcoming these sailors," said master of ceremonies Asab Tabari, an engineer.',
     "Asab Tabari"),
])
def test_unusual_names_and_inverted_cues(text, speaker):
    assert statements(text)[0].speaker == speaker


@pytest.mark.parametrize("text, speaker", [
    # a clause between the quote and "said X", then an appositive
    ('"Many would consider that an embarrassment for Anna Veld" if she did not win by more than that, said '
     'David Brann, an elections analyst at the non-partisan Kessel Political Report.', "David Brann"),
    # the appositive's closing comma is missing after the quote
    ('"The mayor says different things to different audiences," Katie Parr, who is chairman of Our Harbour '
     'Pac said in a statement.', "Katie Parr"),
])
def test_cues_after_a_clause_or_an_unclosed_appositive(text, speaker):
    assert one(text).speaker == speaker


@pytest.mark.parametrize("text, speaker", [
    ("Stacy Bern of Kessel, South Estmark says she really thinks Veld can pull off a win if she keeps “doing "
     "what she is doing.”", "Stacy Bern"),
    ("However, as Archbishop Aris Tavan of the Harbour Patriarchate of Kessel told the Courier, “We have "
     "suffered the same fate, and we will not forget it.”", "Aris Tavan"),
    ("“In the debates she pooh-poohed this bankruptcy as normal business,” said Sen. Jim Wheel who represents "
     "Kessel City and served as its mayor.", "Jim Wheel"),
    ('"It is about time that we had a woman running this harbour," exhorted Veld\'s introducer, actress Jamie '
     'Lee Cort.', "Jamie Lee Cort"),
    ('"By December, Kessel stuck out as a place to compete," Veld\'s campaign manager, Jeff Waver, said in an '
     'interview.', "Jeff Waver"),
])
def test_the_person_not_the_place_or_body_they_are_of(text, speaker):
    assert one(text).speaker == speaker


@pytest.mark.parametrize("text, speakers", [
    ("Michael Sear, who lives in an area outside of the state capital, Kessel, said he still “prays that Veld "
     "ends up the nominee at the convention.”", ["Michael Sear"]),
    ('"Both of them scare me," Harry Bend, 30, of Kessel, N.C., who was among those polled, said in an '
     'interview.', ["Harry Bend"]),
    ("The new plans “will not solve this challenge, but are steps in the right direction,” Anne Rich, assistant "
     "secretary for ports, harbours, and shipping, said on Monday.", ["Anne Rich"]),
    ("The meeting was heated. Aske’s “excesses” are sickening, Tom Holl said Tuesday in Kessel, noting the "
     "harm done.", ["Tom Holl"]),
    ("Former prosecutor and Kessel Mayor Rudy Gant, who backs Veld, trashed Aske on the radio, calling it a "
     "“no-brainer” to prosecute.", ["Rudy Gant"]),
    ("Veld responds to Aske with, “Why now? That was on my way to Kessel?” Aske then writes back, “You look "
     "cute.”", ["Veld", "Aske"]),
    ("But Veld would not comment on an executive order signed by the governor “to protect privacy and "
     "equality for all state workers.”", ["Veld"]),
])
def test_long_appositives_participles_and_replies(text, speakers):
    assert [q.speaker for q in statements(text)] == speakers


@pytest.mark.parametrize("text, mentions", [
    # a quote that ends its sentence; the next sentence opens with a phrase of time
    ('Anna Veld often calls herself a "change warrior" who "saved the company." Last year, at a conference, '
     'she said that "people matter."', ["Anna Veld", "Anna Veld", "she"]),
    # after a period, "X said," before the next quote is still this quote's cue too
    ("“The quay is finished.” Brann said, “Nonsense, it will reopen.”", ["Brann", "Brann"]),
    # the quote is what the verb before it reports; the clause after it is another's
    ("But even as Aske claimed on Tuesday that “the harbour got in trouble for far less,” one of the former "
     "prosecutors said the two cases were quite different.", ["Aske"]),
    ("Even as Anna Veld stressed on Tuesday that “the quay will close for good,” Oskar Brann said the "
     "harbour would survive.", ["Anna Veld"]),
    # after a period, a reply's cue is the next quote's
    ("Anna Veld spoke first. “The quay will close for good this year.” Oskar Brann replied, “Nonsense, it "
     "stays open.”", ["Anna Veld", "Oskar Brann"]),
    # ... but not what a verb before it denies or dismisses
    ("Jones denied claims that “we lied to the council,” Anna Veld told reporters.", ["Anna Veld"]),
    ("Asked whether she agreed that “the quay will close for good,” Anna Veld said no.", ["Anna Veld"]),
])
def test_which_sentence_and_clause_a_cue_belongs_to(text, mentions):
    assert [mention(q) for q in statements(text)] == mentions


def test_a_speaker_carried_sentences_on_is_a_guess():
    text = ('“We will rebuild the quay,” Anna Veld said. Critics were not convinced. The council met on '
            'Monday. Funding remains unclear. “Not one crown will be wasted.” Reporters waited. “Nor two.”')
    found = extract_quotes(text)
    assert [(q.speaker, q.how) for q in found] == [("Anna Veld", "after"), ("Anna Veld", "nearby"),
                                                   ("Anna Veld", "nearby")]   # a guess carried on stays one
    # “A.” “B,” she said. — A is hers by the article's convention: no guess; sentences apart, a guess
    found = extract_quotes("“Our members voted on Monday.” “The crews are tired,” Anna Veld said.")
    assert [(q.speaker, q.how) for q in found] == [("Anna Veld", "next"), ("Anna Veld", "after")]
    found = extract_quotes("“The quay will close for good after the summer.” The mayor left early. Several "
                           "members walked out. The vote was postponed. “Nonsense, it stays open,” Oskar Brann said.")
    assert [(q.speaker, q.how) for q in found] == [("Oskar Brann", "nearby"), ("Oskar Brann", "after")]


def test_a_participle_after_an_opening_adverb_and_phrase_of_time():
    q = one("Later on Sunday, Veld shared a syllabus on her page, writing “Allow me also to do the research.”")
    assert (q.speaker, mention(q)) == ("Veld", "Veld")


@pytest.mark.parametrize("text, who", [
    ('One attendee, who like others spoke on the condition of anonymity to discuss the meeting, said the '
     'message was that "this is not going to be over in February."', "One attendee"),
    ("A harbour official, whose office drafted the plan, said it would “pay for itself within ten years.”",
     "A harbour official"),
    ("Anna Veld, who chairs the board, said the plan was that “nobody will lose a wage.”", "Anna Veld"),
])
def test_a_relative_clause_between_any_subject_and_its_cue(text, who):
    q = one(text)
    assert (mention(q), described(q)) == (who, who)


@pytest.mark.parametrize("text, speakers", [
    ("“Look at all these supporters here,” Tom Paris said with a smirk.\n\n“They’re all here because she is "
     "promising free stuff,” Ben Bent shot back with a laugh.", ["Tom Paris", "Ben Bent"]),
    ("“Not us but can’t argue with it!” Mike Murf, the head of Harbour Forward, Tweeted on Friday.",
     ["Mike Murf"]),
    ("“Veld needs a strategy for the [north quay] voters,” Nate Salver, the polling guru who founded "
     "harbourpolls.com tweeted on Wednesday.", ["Nate Salver"]),
    ("“They have to decide whether to feed themselves,” Fight for $15 organizing director Kendall Fell told "
     "the Courier.", ["Kendall Fell"]),
    ('Pete Santo spoke often. In a clip that Judge Mary Moss called "distasteful," Santo expressed a desire '
     'to "try, convict and shoot the mayor."', ["Mary Moss", "Pete Santo"]),
])
def test_replies_mistakes_and_a_second_subject(text, speakers):
    assert [q.speaker for q in statements(text)] == speakers


@pytest.mark.parametrize("text, speaker", [
    ("Harbour safety experts have discounted Aske's claims, but have speculated that the pier might be able "
     "to carry its “full design load” through other means.", "Harbour safety experts"),
    ("When Tom Aske criticized Veld during a debate, Anna shot back, “I suppose I could have stayed home and "
     "baked cookies.”", "Anna"),
    ("“OK, for a start, his wife has explained that she chose not to speak,” Oliver barked.", "Oliver"),
    ("Veld aides said the mayor “will not sign anything before the vote.”", "Veld aides"),
])
def test_described_groups_and_retorts(text, speaker):
    assert one(text).speaker == speaker


@pytest.mark.parametrize("text, speaker", [
    ('Dora Dean, the chairwoman of the Kessel Harbour Party, is supporting Veld and in a statement credited '
     'her for "an exciting and inspiring campaign."', "Dora Dean"),
    ("Source familiar with the ad says the group is spending “substantial” funds to air it.",
     "Source familiar with the ad"),
    ("State's reviewers had said more than 1,300 Veld emails contained secrets, but most were just "
     "\"confidential,\" a lower level.", "State's reviewers"),
    ('Veld, exasperated, famously responded: "What difference - at this point, what difference does it '
     'make?" Her critics cited it as evidence that she did not care.', "Veld"),
    ('"We won a smaller share of the harbour vote than any party has ever won," said Al From, who helped '
     'found the club.', "Al From"),
])
def test_phrases_around_subjects(text, speaker):
    assert one(text).speaker == speaker


def test_she_skips_an_earlier_speaker_of_unknown_gender_for_a_woman_named_since():
    text = ("“We will build it,” Aske said.\n\nAs Anna Veld told the Courier, the tax relief is given in "
            "exchange for jobs. There was, she said, “an implicit bargain.”")
    assert statements(text)[-1].speaker == "Anna Veld"


@pytest.mark.parametrize("text, speaker", [
    ('However, Tom Aske met with Veld in December and declared in an interview that he found her to be '
     '"very charming."', "Tom Aske"),
    ("The break was complete when Aske in his opening speech called the harbour board “thieves” and worse.",
     "Aske"),
    ("It has become such a presence that Veld during a Sunday thanked its members “for their support in my "
     "campaign” and more.", "Veld"),
    ("Hastily reacting to the flood in Kessel, Aske cast the blame on his rivals, and emphasized the threat "
     "that “harbour neglect” poses to the town.", "Aske"),
])
def test_openers_and_phrases_between_subject_and_cue(text, speaker):
    assert one(text).speaker == speaker


@pytest.mark.parametrize("text, speaker", [
    ('Former secretary of state Anna Maria Veld:"We learned that from the harbour board and their analysis."',
     "Anna Maria Veld"),
    ("WHAT MATTERS IN A CANDIDATE? - Frank Newport and Jim Harten: “Overall, the conclusion is that the softer "
     "ratings matter.”", "Frank Newport and Jim Harten"),
])
def test_a_name_phrase_before_a_colon(text, speaker):
    assert one(text).speaker == speaker


@pytest.mark.parametrize("text, speakers", [
    ("But Podlis’s most explosive claim is that the harbour committee is a “witch hunt” launched to “get” the "
     "mayor.", ["Podlis", "Podlis"]),
    ("The crowd showed the mistrust that Veld's most ardent fans feel about Aske and their \"rigged\" system.",
     ["Veld's most ardent fans"]),
    ("“We are out of the race,” Tom Kass said. Sen. Susan Cole (Maine) joined the group this week, "
     "publishing an op-ed in the Courier hammering his “unsuitability for office.”", ["Tom Kass", "Susan Cole"]),
    ("“We will meet on Thursday,” Ryan’s office said in a statement.", ["Ryan’s office"]),
])
def test_possessives_over_modifiers_and_a_new_sentence_subject(text, speakers):
    assert [q.speaker for q in statements(text)] == speakers


@pytest.mark.parametrize("text, speaker", [
    ("From Veld's Facebook post: \"For the sake of our harbour, we must move to overcome the divisiveness.\"",
     "Veld"),
    ("“In foreign policy, there are interests and there are values,” the Harbour Party’s Nachman Shay told "
     "the Courier.", "Nachman Shay"),
])
def test_possessed_posts(text, speaker):
    assert described(one(text)) == speaker


@pytest.mark.parametrize("text, speaker", [
    ('"He just stopped and said, \'We have got to win Kessel. How do we win Kessel?\'" Will Estro, the chairman '
     'for the northern exurb, said of the encounter.', "Will Estro"),
    ("Lawyers for Veld said the pier was “never the city's property.”", "Lawyers for Veld"),
    ('Attorneys for Veld appeared to oppose the effort, saying in court files that her account was private and '
     '"has never been the property of the city."', "Attorneys for Veld"),
])
def test_first_names_that_are_words_and_people_acting_for_someone(text, speaker):
    assert one(text).speaker == speaker


def test_bare_quote_paragraphs_after_someone_spoke():
    text = ("What it means is left to the voters, since Veld spoke only in evasive phrases during the interview."
            "\n\n“We have to do something and it is the only way you stop it.”\n\n“We have to be a lot tougher. "
            "We are playing with a different set of rules.”")
    assert [q.speaker for q in statements(text)] == ["Veld", "Veld"]


def test_a_numbered_article_as_speaker():
    text = "The treaty is clear. Article 33 affirms: “No state shall expel or return a refugee in any manner.”"
    assert one(text).speaker == "Article 33"


def test_a_title_case_headline_adds_no_names():
    text = ("Anna Veld Reportedly Caught In Another Harbour Scandal\n\nFormer mayor Veld, 51, was unable to "
            "stay away from the pier.\n\n“I did nothing wrong,” she said.")
    assert "Reportedly" not in (one(text).speaker or "")


def test_a_headline_run_into_a_live_blog_adds_no_names():
    """A copied live blog runs each item's time and title-case headline into the text before it."""
    text = ("The debate was held at the college in Kessel.ShareLike February 6, 2025 9:26PMAnna Veld Booed After "
            "Telling Oskar Brann To Pipe Down\nThe audience booed when Veld told Brann to be quiet.\n"
            "“They're booing because I don't want their money,” she said.")
    assert one(text).speaker == "Veld"   # not "Anna Veld Booed": the headline names no one


def test_an_appositive_role_is_not_part_of_the_name():
    text = ("Mark J. Petter, president of the Kessel Harbour Institute, tied those scores to the new pier, saying "
            "it helped “thousands of boats that would have gone elsewhere.”")
    assert one(text).speaker == "Mark J. Petter"


@pytest.mark.parametrize("text, speakers", [
    ('A harbour board official who spoke anonymously to discuss internal strategy said Wednesday, "Certainly '
     'there are talks between the board and the campaign." The aide added more.', ["A harbour board official"]),
    ('It was tense. One councillor familiar with the talks, who asked not to be named, added that the board '
     'seemed "rattled" and "frustrated."',
     ["One councillor familiar with the talks", "One councillor familiar with the talks"]),
    ("A Feb. 1 letter from the Harbour Legion obtained by the Courier warns that “any further communication "
     "will be through our attorney.”", ["Harbour Legion"]),
])
def test_clauses_between_a_subject_and_its_verb(text, speakers):
    assert [described(q) for q in statements(text)] == speakers


def test_a_short_title_inside_an_appositive():
    text = ("Sam Solo, a contestant on Aske's reality TV show, \"The Harbour,\" who went on to work alongside Aske, "
            "said his boss was \"always kind and generous and charming.\"")
    assert one(text).speaker == "Sam Solo"
    quotes = extract_quotes("“We have had more successful conventions than this one,” Texas delegate Bill East, "
                            "wearing a cowboy hat and “Ted Cruz” campaign pins, said matter-of-factly.")
    assert [(q.kind, q.speaker) for q in quotes] == [("statement", "Bill East"), ("term", None)]


@pytest.mark.parametrize("text, speaker", [
    # roles tied to a name in an appositive or before it resolve a later description
    ("Anna Veld, the harbour commissioner, met Tom Aske on Monday.\n\n“We will rebuild the pier,” the "
     "commissioner said.", "Anna Veld"),
    ("Harbour Party presidential nominee Tom Aske spoke first. Anna Veld spoke later.\n\n“We will win,” the "
     "nominee said.", "Tom Aske"),
    # … but only by the role's head: a campaign manager is not "the campaign"
    ("Harbour campaign manager Tom Aske spoke.\n\n“We will win,” the harbour campaign said.",
     "the harbour campaign"),
])
def test_descriptions_resolve_to_the_person_the_article_gave_that_role(text, speaker):
    assert described(one(text)) == speaker


@pytest.mark.parametrize("text, description", [
    ("“We will reopen the quay,” the man said.", "the man"),
    ("“The figures are wrong,” a source said.", "a source"),
    ("“It is a disgrace,” the Florida senator said.", "the Florida senator"),
    ("“Nobody asked us,” critics said.", "critics"),
])
def test_a_description_is_never_the_speaker(text, description):
    q = one(text)
    assert q.speaker is None and q.speaker_mention["text"] == description


def test_a_body_named_after_its_article_stays_the_speaker():
    assert one("“The report is flawed,” the Heritage Foundation said.").speaker == "Heritage Foundation"


def test_a_clock_time_glued_to_a_name_is_not_part_of_it():
    # Live blogs copied from a page lose the break between an entry's time and its heading.
    q = one("February 6, 2016 11:19PMIlse Marten spoke at the port on Friday.\n\n“The harbour will "
            "reopen in May,” Marten said.")
    assert q.speaker == "Ilse Marten"
    from verifier.quotes.sentences import tokenize
    assert [t.text for t in tokenize("at 11:19PMIlse and 9:05amVoss")] == \
        ["at", "11:19", "PM", "Ilse", "and", "9:05", "am", "Voss"]


def test_leftover_double_apostrophes_are_not_part_of_the_speaker():
    """Where '' is no quotation mark, the two apostrophes after a closing single quote are left
    in the text: the speaker after them is still "Mr. Hale", and the quote ends at its own mark."""
    text = "''I said, 'The port is open,''' Mr. Hale recalled. ''It was not."   # '' left open: no mark
    [quote] = [q for q in extract_quotes(text) if q.kind == "statement"]
    assert quote.text == "The port is open,"
    assert quote.speaker_mention["text"] == "Mr. Hale" and quote.speaker == "Hale"


@pytest.mark.parametrize("text, who", [
    ("Alongside union calls for action, even a senior party strategist said Veld would have to choose, "
     "saying, “At some point she is going to have to say where she stands.”", "a senior party strategist"),
    ("Over the weekend, Anna Veld told the council the plan would “pay for itself within ten years.”", "Anna Veld"),
    ("Through a spokesman, Anna Veld said the vote was “a disgrace to the harbour.”", "Anna Veld"),
])
def test_an_opening_prepositional_phrase_is_not_the_subject(text, who):
    """A phrase opened by a preposition and closed by a comma stands before the subject."""
    assert mention(one(text)) == who


@pytest.mark.parametrize("text, who", [
    ('Veld proposed a harbour debate on April 4 - but the Brann campaign rejected the idea as "ludicrous" '
     "because of the final.", "the Brann campaign"),
    ("Veld praised the plan, but the union dismissed it as “a gift to the shipowners.”", "the union"),
])
def test_a_contrasting_clause_with_its_own_subject_has_the_quote(text, who):
    """", but" or "- but" and a new subject: its cue is the quote's, even a weaker one (a verb of
    stance) than the speech verb before it."""
    assert mention(one(text)) == who


@pytest.mark.parametrize("text, who", [
    ("Veld says people may not like the answer, but insists Brann is mounting a “phony attack.”", "Veld"),
    ("Veld did not name Brann, but told the council that the harbour should be run by those "
     "“who put the port ahead of their own business.”", "Veld"),
])
def test_a_contrasting_clause_without_its_own_subject_keeps_the_first(text, who):
    assert mention(one(text)) == who


@pytest.mark.parametrize("text, who", [
    ("For example, Veld's recent assertion that “thousands” of workers had left was never backed up.", "Veld"),
    ("Priebus called Veld's remarks a “new low.”", "Priebus"),
    ("Aske called Voss's claim that the quay was finished “a fairy tale.”", "Aske"),
    ("Aske dismissed Voss's remarks about the budget as “nonsense.”", "Aske"),
    ("Aske questioned Voss's claim that the quay was finished, saying it was “pure fiction.”", "Aske"),
])
def test_a_possessed_claim_is_the_possessors_only_where_nothing_else_speaks(text, who):
    """"Veld's assertion that “…”" quotes the assertion, whose speaker is its possessor; after a
    verb of speech the possessed claim is what the verb's subject speaks of ("called Veld's
    remarks a “new low”", "called Voss's claim that … “a fairy tale”")."""
    assert one(text).speaker == who


@pytest.mark.parametrize("text, speaker", [
    ("RNC Chief of Staff Katie Walsh said the spending was “by design.”", "Katie Walsh"),
    ("White House Chief of Staff Denis McDonough said it was “fine.”", "Denis McDonough"),
    ("Bank of America Chief Executive Brian Moynihan said it was “fine.”", "Brian Moynihan"),
    ("Journalist Jorge Ramos said it was “a shame.”", "Jorge Ramos"),
    ("Post Editor-in-Chief Martin Baron said it was “fine.”", "Martin Baron"),
    ("Secretary of State John Kerry said it was “a good deal.”", "John Kerry"),
    ("J. Gerald Hebert said it was “fine.”", "J. Gerald Hebert"),
    ("Former Secretary of State Madeleine Albright said it was “fine.”", "Madeleine Albright"),
    ("Rep. Peter King of New York said it was “fine.”", "Peter King"),   # a surname that is a title word
    ("Rep. Rob Bishop of Utah said it was “fine.”", "Rob Bishop"),
    ("Howard Dean of Vermont said it was “fine.”", "Howard Dean"),
    ("Post Malone said it was “fine.”", "Post Malone"),   # a role noun opening a two-word name
    ("Mother Teresa said it was “fine.”", "Mother Teresa"),
])
def test_a_title_of_role_nouns_is_no_part_of_the_name(text, speaker):
    """Role nouns after the titles ("Chief Executive", "Journalist", "Editor-in-Chief") and a
    title with "of" ("Chief of Staff") stand before the name; "RNC Chief" is no person."""
    assert one(text).speaker == speaker


def test_a_cue_in_the_next_sentence_is_not_the_cue_of_a_quote_ending_its_own():
    """“will be fair.” ends a sentence that began before the quote: "Brann said he was pleased"
    is the next sentence's; the quote is Veld's, as its sentence's first quote is. A quote with no
    cue of its own then stays a statement of no one named, not a term (nor Brann's)."""
    found = statements("Veld, who chairs the board, said that the plan “is an open process” and that "
                       "the vote “will be fair.” Brann said he was pleased.")
    assert [(q.text, q.speaker) for q in found] == [("is an open process", "Veld"), ("will be fair.", "Veld")]
    [alone] = statements("The board acted under rules that cover “a decision of that kind.” Brann said he was pleased.")
    assert alone.speaker is None and alone.kind == "statement"
    # a period of an abbreviation does not end the sentence: the cue after it is the quote's
    assert one("The plan is to “build a better U.S.” Smith said.").speaker == "Smith"
    # nor do the article's first names stop at a word of the public records' list
    assert one("“He had so many projects,” his friend Mahamat Saleh Oumar told the website.").speaker == \
        "Mahamat Saleh Oumar"


def test_a_period_for_a_comma_before_a_bare_cue_keeps_the_cue():
    """“… over.” Smith said. — the sentence after the quote is its cue alone: Smith's."""
    assert one("The deal is “over.” Smith said.").speaker == "Smith"


@pytest.mark.parametrize("text, who", [
    ("Sen. Anna Veld responded first.\n\n\"I have warned about this harbour for years,\" the Florida senator "
     "and Republican presidential candidate said.", "the Florida senator and Republican presidential candidate"),
    ("Brann spoke.\n\n\"There are invertebrates with more spine than Veld,\" reads a Wednesday editorial in "
     "The Harbour Register.", "a Wednesday editorial"),
])
def test_descriptions_after_the_quote(text, who):
    """Two roles of one speaker joined by "and"; a weekday inside a noun phrase ("a Wednesday
    editorial") is not the time of the saying."""
    assert mention(one(text)) == who


@pytest.mark.parametrize("text, speaker", [
    ("Brann spoke first. The summit was held in Kessel because, in Veld’s words, “they are the most "
     "entrepreneurial places.”", "Veld"),
    ("Brann spoke first. In the words of Anna Veld, “they are the best.”", "Anna Veld"),
    ("In other words, “the plan is dead,” Brann said.", "Brann"),
    ("Brann spoke first. To quote Anna Veld, “the harbour is ours.”", "Anna Veld"),
])
def test_in_the_words_of(text, speaker):
    """"in Veld's words, “…”" and "In the words of Anna Veld, “…”" say whose words the quote is."""
    assert one(text).speaker == speaker
