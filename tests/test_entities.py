"""People, organisations and places with their roles, merged across a cluster's outlets."""

from __future__ import annotations

import dataclasses

from storyweave.model import Quote, QuoteMention
from storyweave.nlp.entities import find_entities
from storyweave.nlp.ner import TYPES, NameMention
from tests.builders import make_source


def _by_name(entities: tuple) -> dict:
    return {e.name: e for e in entities}


def test_name_variants_merge_into_one_person_with_roles() -> None:
    s1 = make_source(
        1,
        [
            "Transport Minister Oskar Brandt called both sides back on Saturday.",
            "Marta Ilves, general secretary of the Velmora Dockers' Union, welcomed the deal.",
        ],
    )
    s2 = make_source(
        2,
        [
            "Brandt, the transport minister, said the port would reopen.",
            "The union's general secretary, Marta Ilves, left the ministry at dawn.",
        ],
    )
    s3 = make_source(3, ["Mr. Brandt declined to comment."])
    found = _by_name(find_entities([s1, s2, s3], []))
    brandt = found["Oskar Brandt"]
    assert brandt.type == "person"
    assert brandt.source_ids == ("s1", "s2", "s3")
    assert brandt.roles == ("transport minister",)  # "the minister" forms are one role
    assert "Brandt" in brandt.aliases
    ilves = found["Marta Ilves"]
    assert "general secretary of the Velmora Dockers' Union" in ilves.roles
    union = found["Velmora Dockers' Union"]
    assert union.type == "organization"
    assert union.source_ids == ("s1", "s2") or union.source_ids == ("s1",)


def test_transcript_labels_and_quote_speakers_count_as_mentions() -> None:
    s1 = make_source(1, ["Irena Castell met her counterpart in Orlen."])
    s2 = make_source(2, ["The door is now open."], kind="transcript")
    s2 = dataclasses.replace(
        s2,
        sentences=(dataclasses.replace(s2.sentences[0], turn_speaker="IRENA CASTELL"),),
    )
    mention = QuoteMention("The door is now open.", "IRENA CASTELL", "s2", ("s2.1",), "transcript")
    quote = Quote("Irena Castell", "The door is now open.", ("s2.1",), ("s2",), (mention,))
    # Orlen is listed too, as a place (places were not listed before issue 12).
    (castell,) = [e for e in find_entities([s1, s2], [quote]) if e.type == "person"]
    assert castell.name == "Irena Castell"
    assert castell.source_ids == ("s1", "s2")
    assert castell.citations == ("s1.1", "s2.1")


def test_places_are_places_and_weekdays_outlets_and_journalists_are_not_entities() -> None:
    s1 = make_source(
        1,
        [
            "On Sunday the ships waited in Port Lavel near the Grey Sea.",
            "But Ostwind officials said little, the Velmora Courier reported.",
            "Our correspondent Emil Sander was in Orlen.",
            "Dora Venn, 67, spent the night in her car.",
        ],
        outlet="Velmora Courier",
    )
    found = find_entities([s1], [])
    # Places are listed as places since issue 12; before, this list was just ["Dora Venn"].
    assert [e.name for e in found if e.type == "person"] == ["Dora Venn"]
    assert {e.name for e in found if e.type == "place"} == {"Port Lavel", "Grey Sea", "Orlen"}
    assert {e.type for e in found} == {"person", "place"}  # no Sunday, outlet or journalist


def test_organisations_found_by_apposition_and_which_clause() -> None:
    s1 = make_source(
        1,
        [
            "His company, Aske Structural, inspected the bridge.",
            "Hallvik Home, which makes the kettle, said it had no plans to recall it.",
            "The Ministry of Transport and the Ostrevian Institute of Geophysics (OIG) agreed.",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert {
        "Aske Structural",
        "Hallvik Home",
        "Ministry of Transport",
        "Ostrevian Institute of Geophysics",
    } <= set(found)
    assert all(found[n].type == "organization" for n in found)
    assert "OIG" in found["Ostrevian Institute of Geophysics"].aliases


def test_surname_inside_a_company_name_is_not_the_person() -> None:
    s1 = make_source(
        1,
        [
            "Konrad Aske, the company director, denied the charge.",
            "His company, Aske Structural, inspected the bridge.",
        ],
    )
    s2 = make_source(2, ["Aske Structural was fined 2 million crowns."])
    found = _by_name(find_entities([s1, s2], []))
    assert found["Konrad Aske"].source_ids == ("s1",)
    assert found["Aske Structural"].source_ids == ("s1", "s2")
    assert found["Konrad Aske"].roles == ("company director",)


def test_most_widely_reported_first_and_list_is_capped() -> None:
    many = [f"Spokesman Karl Name{i} said it was over." for i in range(40)]
    s1 = make_source(1, ["Judge Helena Voss read the verdict.", *many])
    s2 = make_source(2, ["Voss said the court had heard enough."])
    entities = find_entities([s1, s2], [])
    assert entities[0].name == "Helena Voss"
    assert len(entities) == 25


def test_organisation_roles_come_from_which_clauses_and_party_candidates() -> None:
    s1 = make_source(
        1,
        [
            "Pellow Foods, which makes the Crunchbar snack, said sales had fallen.",
            "The Grain Workers' Union, which represents about 2,400 mill hands, called a vote.",
            "Lise Arn, the Green Alliance candidate, conceded on Sunday.",
            "The Green Alliance lost ground to the Farmers' Party in the north.",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert found["Pellow Foods"].roles == ("maker of the Crunchbar snack",)
    assert found["Grain Workers' Union"].roles == ("represents about 2,400 mill hands",)
    assert "political party" in found["Farmers' Party"].roles
    assert found["Green Alliance"].type == "organization"
    assert "political party" in found["Green Alliance"].roles


def test_age_affiliation_and_occupation_roles_of_people() -> None:
    s1 = make_source(
        1,
        [
            "Wilma Ostby, 72, said the water reached her kitchen.",
            "Mayor Piet Sandahl of the Coast League said the dykes held.",
            (
                "The river will crest on Monday, said Jonas Brek, a hydrologist with the "
                "Rhenvald Water Board, who has studied it for years."
            ),
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert found["Wilma Ostby"].roles == ("aged 72",)
    assert found["Piet Sandahl"].roles == ("mayor", "Coast League")
    assert found["Jonas Brek"].roles == ("hydrologist with the Rhenvald Water Board",)


def test_roles_that_belong_to_someone_else_are_not_given() -> None:
    s1 = make_source(
        1,
        [
            "The deal left Anton Vey as sole premier, Queen Mira Solvik announced.",
            "In a statement issued by Kasper Lode, his Berlin-based adviser, Emil Rask denied it.",
            "The queen wrote to her son, Prince Orrin Solvik, on Monday.",
            "Anton Vey and Orrin Solvik, co-premiers in an earlier coalition, often clashed.",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert "sole premier" not in " ".join(found["Mira Solvik"].roles)
    assert found["Mira Solvik"].roles == ("queen",)
    assert found["Kasper Lode"].roles == ("Berlin-based adviser",)
    assert "Emil Rask" not in found or found["Emil Rask"].roles == ()
    assert found["Orrin Solvik"].roles == ("prince",)  # not "son", not "co-premiers"


def test_titles_ranks_and_abbreviations_are_written_out() -> None:
    s1 = make_source(
        1,
        [
            "Opposition leader Prince Tamas Holt said the vote was rigged.",
            "Later, Ostmark Gov. Ilse Varga (R) declared an emergency.",
            (
                "Elin Maar, a spokeswoman for the Coastal Defence Office at the Old Arsenal, "
                "said the barriers held."
            ),
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert set(found["Tamas Holt"].roles) == {"opposition leader", "prince"}
    assert found["Ilse Varga"].roles == ("Ostmark governor",)
    assert found["Elin Maar"].roles == (
        "spokeswoman for the Coastal Defence Office at the Old Arsenal",
    )


def test_groups_places_and_credit_lines_are_not_people() -> None:
    s1 = make_source(
        1,
        [
            "The Red Hand was blamed for the attack, and former Red Hand fighters fled.",
            "Police said the Red Hand had no leader left.",
            "Tove Lind of Port Askel, who was visiting her aunt, said the storm was loud.",
            "Black Sand Brotherhood, an Ostmark-based group, denied any role.",
            "Staff writers Anna Berg and Olof Tamm contributed to this report.",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert found["Red Hand"].type == "organization"
    assert found["Port Askel"].type == "place"  # a place, not a person (listed since issue 12)
    assert found["Black Sand Brotherhood"].type == "organization"
    assert found["Black Sand Brotherhood"].roles == ("Ostmark-based group",)
    assert "Anna Berg" not in found and "Olof Tamm" not in found


# -- issue 12: places, typing by the name tagger, tables, headlines ---------------------------


def test_people_organisations_and_places_are_typed() -> None:
    s1 = make_source(
        1,
        [
            "The delegation flew from Oslo to Nairobi on Tuesday.",
            (
                "In Nairobi, Health Minister Amina Odhiambo met aid workers from the Norwegian "
                "Refugee Council."
            ),
            "Odhiambo said the camps near Lake Turkana needed clean water.",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert found["Amina Odhiambo"].type == "person"
    assert found["Amina Odhiambo"].roles == ("health minister",)
    assert "Odhiambo" in found["Amina Odhiambo"].aliases  # one person, not two
    assert found["Norwegian Refugee Council"].type == "organization"
    assert {n for n, e in found.items() if e.type == "place"} == {"Oslo", "Nairobi", "Lake Turkana"}


def test_results_table_rows_yield_their_names() -> None:
    s1 = make_source(
        1,
        [
            "Kestrel Rovers 2 Hallam Athletic 1",
            "Scorers: Tomas Vellmar 12, Andrej Koslov 77",
            "Dunmore City 0 Port Ellis United 3",
        ],
    )
    found = _by_name(find_entities([s1], []))
    assert {"Tomas Vellmar", "Andrej Koslov"} <= {n for n, e in found.items() if e.type == "person"}
    clubs = {"Kestrel Rovers", "Hallam Athletic", "Dunmore City", "Port Ellis United"}
    assert clubs <= {n for n, e in found.items() if e.type == "organization"}


def test_a_headline_in_capitals_and_dates_are_not_entities() -> None:
    s1 = make_source(
        1,
        [
            "HARBOUR BOARD APPROVES NEW TERMINAL PLAN",
            "The harbour board approved a new terminal on Thursday, its chairman Piet Dorn said.",
            "Talks resumed on Sept. 4 and ended in Oct., officials said.",
        ],
    )
    names = [e.name for e in find_entities([s1], [])]
    assert names == ["Piet Dorn"]


class _FixedTagger:
    """Stands in for the name tagger: finds the given names with the given type shares."""

    def __init__(self, found: dict[str, dict[str, float]]) -> None:
        self.found = found

    def tag(self, sentences: list[str]) -> list[NameMention]:
        mentions = []
        for n, text in enumerate(sentences):
            for name, shares in self.found.items():
                at = text.find(name)
                if at >= 0:
                    kind = max(shares, key=shares.__getitem__)
                    vector = tuple(shares.get(t, 0.0) for t in TYPES)
                    mentions.append(NameMention(n, at, at + len(name), name, kind, vector))
        return mentions


def test_what_the_sources_say_outweighs_an_unsure_tagger() -> None:
    s1 = make_source(
        1,
        [
            "Opposition leader Tove Lind said the count was flawed.",
            "Tove Lind told reporters she would appeal.",
            "The Relief Crescent said on Monday that 40 families had left Marsk.",
        ],
    )
    tagger = _FixedTagger(
        {
            "Tove Lind": {"ORG": 0.5, "PER": 0.4, "LOC": 0.1},  # unsure, and wrong
            "Relief Crescent": {"ORG": 0.6, "PER": 0.4},  # "said" is no proof of a person
            "Marsk": {"LOC": 0.9, "PER": 0.1},
        }
    )
    found = _by_name(find_entities([s1], [], tagger=tagger))  # type: ignore[arg-type]
    assert found["Tove Lind"].type == "person"
    assert found["Tove Lind"].roles == ("opposition leader",)
    assert found["Relief Crescent"].type == "organization"
    assert found["Marsk"].type == "place"


def test_titles_fragments_and_common_words_are_not_organisations_or_places() -> None:
    s1 = make_source(
        1,
        [
            "On Monday, King Edvard Solm opened the session of the Assembly.",
            "Solm asked the party leaders to meet in Brask.",
            "The Party will meet again in March.",
        ],
    )
    tagger = _FixedTagger(
        {
            "King Edvard Solm": {"ORG": 0.7, "PER": 0.3},
            "Solm": {"LOC": 0.6, "PER": 0.4},
            "Brask": {"LOC": 0.9, "ORG": 0.1},
            "Party": {"ORG": 0.9, "PER": 0.1},
        }
    )
    found = _by_name(find_entities([s1], [], tagger=tagger))  # type: ignore[arg-type]
    assert found["Edvard Solm"].type == "person"
    assert found["Edvard Solm"].roles == ("king",)
    assert "Solm" not in found  # the king's surname, not a place
    assert "Party" not in found  # the sources also write "party" in lowercase
    assert found["Brask"].type == "place"


def test_possessive_stripping_matches_the_pattern() -> None:
    import itertools

    from storyweave.nlp import names

    for size in range(5):
        for letters in itertools.product("sS'’a .", repeat=size):
            word = "".join(letters)
            assert names.strip_possessive(word) == names.POSSESSIVE.sub("", word), word


def test_chrome_and_credit_pretests_pass_every_matching_line() -> None:
    import itertools

    from storyweave.nlp import entities

    parts = [
        "Transcript", "TRANſCRIPT", "provided by", "©", "COPYRIGHT", "contributed to this story",
        "Staff writer", "ſtaff writers", "Additional reporting by", "Editing by", "compiled by",
        "said", "-",
    ]
    checks = [
        (entities._CHROME, entities._may_be_chrome),
        (entities._CHROME_LINE, entities._may_be_chrome),
        (entities._CREDIT, entities._may_be_credit),
    ]
    for words in itertools.product(parts, repeat=3):
        line = " ".join(words)
        for pattern, pretest in checks:
            assert not pattern.search(line) or pretest(line.lower()), line
