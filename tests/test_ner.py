"""The name tagger: tokens, word lists and typed names with offsets (invented sentences)."""

from __future__ import annotations

import pytest

from storyweave.nlp.ner import NameTagger, tokenize


@pytest.fixture(scope="module")
def tagger() -> NameTagger:
    return NameTagger.load()


def test_tokens_keep_abbreviations_and_split_possessives() -> None:
    text = "Mr. Brandt's U.S. trip, via Al-Ain."
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Mr.", "Brandt", "'s", "U.S.", "trip", ",", "via", "Al-Ain", "."]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_names_are_typed_with_offsets_into_their_sentence(tagger: NameTagger) -> None:
    sentences = [
        "Anna Berglund flew from Lisbon to Chicago on Friday.",
        "Berglund works for the Harwick Shipping Company.",
    ]
    found = {(m.sentence, m.text): m for m in tagger.tag(sentences)}
    assert found[0, "Anna Berglund"].type == "PER"
    assert found[0, "Lisbon"].type == "LOC" and found[0, "Chicago"].type == "LOC"
    assert found[1, "Berglund"].type == "PER"  # the surname alone is the same person
    assert found[1, "Harwick Shipping Company"].type == "ORG"
    for mention in found.values():
        assert sentences[mention.sentence][mention.start : mention.end] == mention.text
        assert abs(sum(mention.shares) - 1) < 0.01 and mention.confidence >= 0.5


def test_one_type_per_name_and_no_dates_or_lowercase_words(tagger: NameTagger) -> None:
    mentions = tagger.tag(
        [
            "Talks in Vienna resumed on Sept. 4 and ended on Tuesday.",
            "Officials in Vienna said little.",
        ]
    )
    assert {m.text for m in mentions} == {"Vienna"}
    assert {m.type for m in mentions} == {"LOC"}


def test_an_empty_text_has_no_names(tagger: NameTagger) -> None:
    assert tagger.tag([]) == [] and tagger.tag(["", "   "]) == []
