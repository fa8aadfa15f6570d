"""Quotes: attribution in each source, speakers resolved and statements merged across sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.evaluate.extraction import quotes as polnear
from storyweave.model import CleanedText, Quote, QuoteMention, Source
from storyweave.nlp.names import SpeakerResolver, split_label, split_name, strip_epithet
from storyweave.nlp.quotes import extract_mentions, find_quotes
from storyweave.nlp.sentences import segment


def make_source(number: int, *paragraphs: str, kind: str = "article") -> Source:
    """A source built the way the pipeline builds it, from paragraphs."""
    source_id = f"s{number}"
    cleaned = CleanedText(tuple(paragraphs), (), kind=kind)  # type: ignore[arg-type]
    return Source(
        id=source_id,
        origin=f"{source_id}.txt",
        title=None,
        outlet=f"Outlet {number}",
        byline=None,
        published=None,
        url=None,
        kind=cleaned.kind,
        sentences=segment(source_id, cleaned),
        removed=(),
    )


def only_mention(*paragraphs: str) -> QuoteMention:
    mentions = extract_mentions(make_source(1, *paragraphs))
    assert len(mentions) == 1, mentions
    return mentions[0]


def test_speaker_after_the_quote() -> None:
    mention = only_mention('"The harbour will reopen by spring," the minister said.')
    assert mention.text == "The harbour will reopen by spring"
    assert mention.speaker_as_written == "the minister"
    assert mention.sentence_ids == ("s1.1",)


def test_verb_before_the_speaker() -> None:
    mention = only_mention('"The harbour will reopen by spring," said Jane Smith.')
    assert mention.speaker_as_written == "Jane Smith"


def test_speaker_with_appositive() -> None:
    mention = only_mention(
        '"The harbour will reopen by spring," Smith, the foreign minister, said on Monday.'
    )
    assert mention.speaker_as_written == "Smith, the foreign minister"


def test_speaker_before_the_quote() -> None:
    mention = only_mention('Smith told reporters: "The harbour will reopen by spring."')
    assert mention.speaker_as_written == "Smith"
    assert mention.text == "The harbour will reopen by spring."


def test_according_to() -> None:
    mention = only_mention('According to Omar Haddad, "the cranes have not moved in weeks."')
    assert mention.speaker_as_written == "Omar Haddad"


def test_curly_and_newswire_quotes() -> None:
    curly = only_mention("“Nobody should fear the inspectors,” Smith added.")
    duc = only_mention("``Nobody should fear the inspectors,'' Smith added.")
    assert curly.text == duc.text == "Nobody should fear the inspectors"
    assert curly.speaker_as_written == duc.speaker_as_written == "Smith"


def test_quote_over_several_sentences_is_one_mention() -> None:
    mention = only_mention(
        '"The harbour will reopen by spring. Every worker will be paid," Smith said.'
    )
    assert mention.text == "The harbour will reopen by spring. Every worker will be paid"
    assert mention.sentence_ids == ("s1.1", "s1.2")
    assert mention.speaker_as_written == "Smith"


def test_quote_running_into_next_paragraph_is_one_mention() -> None:
    mention = only_mention(
        'Smith said: "The harbour will reopen by spring.',
        '"Every worker will be paid in full."',
    )
    assert mention.sentence_ids == ("s1.1", "s1.2")
    assert mention.text.endswith("Every worker will be paid in full.")
    assert mention.speaker_as_written == "Smith"


def test_pronoun_resolves_to_person_named_before() -> None:
    mention = only_mention(
        "Foreign Minister Jane Smith arrived in Port Lavel on Monday.",
        '"We will not abandon the people of this city," she said.',
    )
    assert mention.speaker_as_written == "Jane Smith"


def test_pronoun_resolves_to_previous_speaker() -> None:
    mentions = extract_mentions(
        make_source(
            1,
            '"The cranes have not moved in weeks," said Omar Haddad, a dock worker.',
            "Crews gathered at the gate.",
            '"Nobody has paid us since March," he added.',
        )
    )
    # The pronoun shows the name it means ("he" -> Omar Haddad), not the phrase that
    # introduced him: what a source wrote is kept only where it wrote a name.
    assert [m.speaker_as_written for m in mentions] == [
        "Omar Haddad, a dock worker",
        "Omar Haddad",
    ]


def test_follow_on_quote_keeps_speaker() -> None:
    # A quote that goes on right after its attribution is one statement (as PolNeAR's
    # annotators mark it), so the second sentence joins the first with its speaker.
    mention = only_mention('"We are ready," said Ida Holm. "The crews have waited long enough."')
    assert mention.speaker_as_written == "Ida Holm"
    assert mention.text == "We are ready. The crews have waited long enough."
    assert mention.sentence_ids == ("s1.1", "s1.2")


def test_follow_on_quote_in_a_later_sentence_keeps_speaker() -> None:
    mentions = extract_mentions(
        make_source(
            1,
            '"We are ready," said Ida Holm. Crews waited at the gate all night.',
            '"The crews have waited long enough for this."',
        )
    )
    assert [m.speaker_as_written for m in mentions] == ["Ida Holm", "Ida Holm"]


def test_scare_quotes_are_not_quotes() -> None:
    source = make_source(
        1,
        'The so-called "reform" drew protests from what critics call the "old guard".',
        'Officials called the plan "bold" on Tuesday.',
    )
    assert extract_mentions(source) == []


def test_short_quote_with_direct_attribution_counts() -> None:
    mention = only_mention('"No comment," a ministry spokesperson said.')
    assert mention.text == "No comment"
    assert mention.speaker_as_written == "a ministry spokesperson"


def test_unattributed_long_quote_has_no_speaker() -> None:
    mention = only_mention('The banner read "we will not be moved by threats" in red.')
    assert mention.speaker_as_written is None


def test_transcript_turns_are_mentions() -> None:
    source = make_source(
        1,
        "NINA PARK, HOST: Minister, when will the harbour reopen?",
        "JANE SMITH: The harbour will reopen by spring. Every worker will be paid.",
        "(SOUNDBITE OF CROWD CHANTING)",
        "PARK: Thank you.",
        kind="transcript",
    )
    mentions = extract_mentions(source)
    # The host (and "PARK:" later, the same person) narrates: only the guest is quoted.
    assert [(m.speaker_as_written, m.kind) for m in mentions] == [("JANE SMITH", "transcript")]
    assert mentions[0].sentence_ids == ("s1.2", "s1.3")
    assert mentions[0].text == "The harbour will reopen by spring. Every worker will be paid."


def test_label_and_name_helpers() -> None:
    assert split_label("JANE SMITH, HOST") == ("JANE SMITH", "host")
    assert split_label("SMITH") == ("SMITH", "")
    assert split_name("Foreign Minister Jane Smith") == ("Jane Smith", "foreign minister")
    assert split_name("Ms. Smith") == ("Smith", "")


def test_resolver_picks_fullest_properly_cased_name() -> None:
    resolver = SpeakerResolver.from_texts(
        ["Foreign Minister Jane Smith arrived.", "Smith, the foreign minister, spoke."]
    )
    for written in ("Smith", "SMITH", "JANE SMITH", "Ms. Smith", "Smith, the minister"):
        assert resolver.resolve(written) == "Jane Smith"
    assert resolver.resolve("the minister") == "Jane Smith"
    assert resolver.resolve("a ministry spokesperson") == "a ministry spokesperson"
    assert resolver.resolve("TOM REED") == "Tom Reed"  # never written in lower case


def test_role_tied_to_two_people_stays_a_role() -> None:
    resolver = SpeakerResolver.from_texts(
        ["Finance Minister Ola Berg met Foreign Minister Jane Smith."]
    )
    assert resolver.resolve("the minister") == "the minister"
    assert resolver.resolve("the foreign minister") == "Jane Smith"


def cluster() -> list[Source]:
    return [
        make_source(
            1,
            "Foreign Minister Jane Smith arrived in Port Lavel on Monday.",
            '"We will not abandon the people of this city," she said.',
            '"The harbour will reopen by spring, and every worker will be paid," Smith said.',
            '"Our inspectors will report by Friday," Smith added.',
        ),
        make_source(
            2,
            '"We will never abandon the people of this town," the minister said.',
            '"The harbour will reopen by spring," said Ms. Smith.',
        ),
        make_source(
            3,
            "NINA PARK, HOST: Minister, when will the harbour reopen?",
            "JANE SMITH, FOREIGN MINISTER: The harbour will reopen by spring.",
            kind="transcript",
        ),
    ]


def by_text(quotes: tuple[Quote, ...], start: str) -> Quote:
    return next(q for q in quotes if q.text.startswith(start))


def test_find_quotes_resolves_and_consolidates_across_sources() -> None:
    quotes = find_quotes(cluster())
    harbour = by_text(quotes, "The harbour will reopen")
    assert harbour.speaker == "Jane Smith"
    assert harbour.source_ids == ("s1", "s2", "s3")
    assert harbour.text == "The harbour will reopen by spring, and every worker will be paid"
    assert len(harbour.mentions) == 3
    assert set(harbour.sentence_ids) == {"s1.3", "s2.2", "s3.2"}
    assert quotes[0] is harbour  # carried by the most sources


def test_differently_worded_versions_consolidate() -> None:
    quotes = find_quotes(cluster())
    abandon = by_text(quotes, "We will")
    assert abandon.speaker == "Jane Smith"
    assert abandon.source_ids == ("s1", "s2")
    assert {m.text for m in abandon.mentions} == {
        "We will not abandon the people of this city",
        "We will never abandon the people of this town",
    }


def test_different_statements_stay_apart() -> None:
    quotes = find_quotes(cluster())
    texts = [q.text for q in quotes]
    assert "Our inspectors will report by Friday" in texts
    assert len([q for q in quotes if q.speaker == "Jane Smith"]) == 3
    assert not [q for q in quotes if q.text.startswith("Minister, when")]  # the host asks


def test_quotes_from_different_speakers_stay_apart() -> None:
    quotes = find_quotes(
        [
            make_source(1, '"The harbour must reopen before winter," said Ida Holm.'),
            make_source(2, '"The harbour must reopen before winter," said Omar Haddad.'),
        ]
    )
    assert [q.speaker for q in quotes] == ["Ida Holm", "Omar Haddad"]


def test_order_and_determinism() -> None:
    first = find_quotes(cluster())
    assert first == find_quotes(cluster())
    counts = [len(q.source_ids) for q in first]
    assert counts == sorted(counts, reverse=True)


def test_no_quotes() -> None:
    assert find_quotes([make_source(1, "The port shut on Monday.")]) == ()
    assert find_quotes([]) == ()


# --- speaker resolution: epithets, possessives, "whose", lone surnames -------------------


def test_epithets_and_possessives_are_stripped_from_speakers() -> None:
    assert strip_epithet("Boss Pia Lindqvist") == "Pia Lindqvist"
    assert strip_epithet("Norlund's Aron Vale") == "Aron Vale"
    # "Judge" is a title: split_name turns it into the role.
    assert strip_epithet("the podium as Judge Ilse Brandmark") == "Judge Ilse Brandmark"
    resolver = SpeakerResolver.from_texts(["Judge Ilse Brandmark read the sentence."])
    assert resolver.resolve("the podium as Judge Ilse Brandmark") == "Ilse Brandmark"
    # Titles stay for split_name to turn into a role; a role alone is left alone.
    assert strip_epithet("Finance Minister Ola Berg") == "Finance Minister Ola Berg"
    assert strip_epithet("the harbour master") == "the harbour master"


def test_tabloid_epithet_and_possessive_resolve_to_the_person() -> None:
    quotes = find_quotes(
        [
            make_source(1, 'Boss Pia Lindqvist said: "Passenger safety comes first, always."'),
            make_source(2, '"Passenger safety comes first, always," said Pia Lindqvist.'),
            make_source(3, 'Norlund\'s Aron Vale said: "The ferry link is open again today."'),
            make_source(4, '"The ferry link is open again today," Aron Vale said.'),
        ]
    )
    speakers = {q.speaker: q.source_ids for q in quotes}
    assert speakers["Pia Lindqvist"] == ("s1", "s2")
    assert speakers["Aron Vale"] == ("s3", "s4")


def test_whose_clause_names_the_owner_not_the_relative() -> None:
    mention = only_mention(
        'Greta Holm, whose brother Nils, 34, died in the fire, said: "We only wanted answers."'
    )
    assert mention.speaker_as_written == "Greta Holm"


def test_pronoun_after_a_lone_surname_the_source_named_in_full() -> None:
    source = make_source(
        1,
        "Ada Lund beat the incumbent, Erik Carlsen, by 900 votes.",
        "Carlsen conceded on Monday.",
        '"We lost fair and square tonight," he said.',
    )
    # Not Ada Lund, the last person named in full: "he" is the one who just conceded
    # (shown with the full name the source gave him).
    assert [m.speaker_as_written for m in extract_mentions(source)] == ["Erik Carlsen"]
    assert [q.speaker for q in find_quotes([source])] == ["Erik Carlsen"]


# --- quotation styles, reporting cues, titles -----------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "''Nobody should fear the inspectors,'' Smith insisted.",  # NYT style
        "«Nobody should fear the inspectors», Smith insisted.",
        "„Nobody should fear the inspectors“, Smith insisted.",
        "‘Nobody should fear the inspectors,’ Smith insisted.",
    ],
)
def test_every_quotation_style(paragraph: str) -> None:
    mention = only_mention(paragraph)
    assert mention.text == "Nobody should fear the inspectors"
    assert mention.speaker_as_written == "Smith"


@pytest.mark.parametrize("verb", ["demanded", "insisted", "tweeted", "argued", "wrote", "fumed"])
def test_broad_reporting_verbs(verb: str) -> None:
    mention = only_mention(f'"Open the gates of the port right now," Tomas Berg {verb}.')
    assert mention.speaker_as_written == "Tomas Berg"


def test_nested_single_quotes_in_nyt_style() -> None:
    mention = only_mention(
        "''They told us: 'Go home and wait for the call,''' Mr. Okafor said of the union."
    )
    assert mention.speaker_as_written == "Mr. Okafor"
    assert mention.text.startswith("They told us")


def test_titles_and_scare_quotes_are_not_statements() -> None:
    source = make_source(
        1,
        'The mayor gave the "State of the Harbour" address and praised the "Clean Quays Act".',
        'Critics called the budget "reckless" on Friday.',
    )
    assert extract_mentions(source) == []
    assert find_quotes([source]) == ()


def test_split_quote_is_one_statement() -> None:
    mention = only_mention('"We will rebuild the quay," she said, "and we will do it fast."')
    assert mention.text == "We will rebuild the quay, and we will do it fast."


# --- speakers are names, or nobody -------------------------------------------------------


def test_speaker_that_is_not_a_name_is_unattributed() -> None:
    quotes = find_quotes(
        [make_source(1, '"The appeal has no merit and is dismissed in full," the ruling said.')]
    )
    assert [q.speaker for q in quotes] == [None]


def test_pronoun_means_the_person_of_that_gender() -> None:
    source = make_source(
        1,
        "Maria Lund met Tom Aalders at the ferry office on Monday.",
        '"We finally have a deal on the timetable," he said.',
    )
    assert [q.speaker for q in find_quotes([source])] == ["Tom Aalders"]


def test_description_means_the_person_with_that_title() -> None:
    source = make_source(
        1,
        "Sen. Tom Reed toured the bridge with Ada Lund, a farmer from the valley.",
        "The crowd listened in the rain.",
        '"We need the new bridge before the winter floods," the senator said.',
    )
    assert [q.speaker for q in find_quotes([source])] == ["Tom Reed"]


def test_description_picks_the_holder_of_that_role() -> None:
    source = make_source(
        1,
        "Prime Minister Vera Holt met opposition leader Sam Ekberg on Friday.",
        '"Nobody should be arrested for their politics," the opposition leader said.',
    )
    assert [q.speaker for q in find_quotes([source])] == ["Sam Ekberg"]


def test_a_statement_speaks_for_whoever_issued_it() -> None:
    source = make_source(
        1,
        "The Lund Party, in a statement released Friday, rejected the plan.",
        "``The plan is unfair to every farmer in the valley,'' said the statement.",
    )
    assert [q.speaker for q in find_quotes([source])] == ["Lund Party"]


def test_title_like_last_name_is_not_cut() -> None:
    source = make_source(
        1,
        "Cambodian leader Hun Sen rejected the demand on Friday.",
        "``We will not hold any talks abroad,'' Hun Sen told reporters.",
    )
    assert [q.speaker for q in find_quotes([source])] == ["Hun Sen"]


def test_no_speaker_is_ever_a_non_name() -> None:
    source = make_source(
        1,
        '"The harbour will stay shut until the spring," a young woman who works there said.',
        '"Shipping will suffer for many months to come," the report said.',
        '"We will appeal this decision at once," Officials said.',
        '"The fees will rise again next year," the agency said.',
    )
    quotes = find_quotes([source])
    assert len(quotes) == 4
    assert all(quote.speaker is None for quote in quotes)


# --- indirect reports ---------------------------------------------------------------------


def test_said_that_is_an_indirect_quote() -> None:
    (quote,) = find_quotes([make_source(1, "Ida Holm said that the ferry would run again by March.")])
    assert (quote.kind, quote.speaker, quote.text) == (
        "indirect", "Ida Holm", "the ferry would run again by March",
    )


def test_trailing_attribution_is_an_indirect_quote() -> None:
    (quote,) = find_quotes([make_source(1, "The ferry will run again by March, Ida Holm said.")])
    assert (quote.kind, quote.speaker, quote.text) == (
        "indirect", "Ida Holm", "The ferry will run again by March",
    )


def test_partly_quoted_report_keeps_the_quoted_words() -> None:
    (quote,) = find_quotes(
        [make_source(1, 'Ida Holm said the delay was "a disgrace to the whole valley."')]
    )
    assert (quote.kind, quote.speaker) == ("indirect", "Ida Holm")
    assert quote.text == 'the delay was "a disgrace to the whole valley."'


def test_report_that_names_nobody_is_dropped() -> None:
    assert find_quotes([make_source(1, "Officials said the ferry would run again by March.")]) == ()


def test_a_verbatim_quote_wins_over_a_paraphrase() -> None:
    (quote,) = find_quotes(
        [
            make_source(1, '"The ferry will run again by March," Ida Holm said.'),
            make_source(2, "Ida Holm said the ferry will run again by March."),
        ]
    )
    assert (quote.kind, quote.source_ids) == ("quoted", ("s1", "s2"))
    assert quote.text == "The ferry will run again by March"


# --- real data: PolNeAR -------------------------------------------------------------------

POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real_nlp"
#: Floors on the first 80 articles (measured: found 84.3%, found with the right speaker
#: 75.1%, precision 84.8%); a change that drops below them has broken something.
POLNEAR_FLOORS = {"target_found": 0.80, "target_right_speaker": 0.70, "precision": 0.80}


def test_polnear_sample_stays_above_its_floors() -> None:
    path = POLNEAR / "polnear_dev.jsonl.gz"
    if not path.is_file():
        pytest.skip("shared data real_nlp/polnear_dev.jsonl.gz is not available")
    records = polnear.read_articles(path, limit=80)
    figures = polnear.evaluate(records, {"storyweave": polnear.storyweave_quotes})
    measured = figures["storyweave"]["all"].figures()
    for name, floor in POLNEAR_FLOORS.items():
        assert measured[name] >= floor, f"{name} {measured[name]:.3f} fell below {floor}"
    assert measured["speakers_not_names"] == 0.0
