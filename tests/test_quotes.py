"""Quotes: attribution in each source, speakers resolved and statements merged across sources."""

from __future__ import annotations

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
    assert [m.speaker_as_written for m in mentions] == [
        "Omar Haddad, a dock worker",
        "Omar Haddad, a dock worker",
    ]


def test_follow_on_quote_keeps_speaker() -> None:
    mentions = extract_mentions(
        make_source(1, '"We are ready," said Ida Holm. "The crews have waited long enough."')
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
    # Not Ada Lund, the last person named in full: "he" is the one who just conceded.
    assert [m.speaker_as_written for m in extract_mentions(source)] == ["Carlsen"]
    assert [q.speaker for q in find_quotes([source])] == ["Erik Carlsen"]
