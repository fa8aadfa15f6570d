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


def test_tagging_path_matches_the_training_features_and_offsets() -> None:
    """The tagger reads token texts (findall) and finds offsets itself: the same tokens,
    offsets and feature strings as tokenize() and training_rows() (what the model was
    trained on)."""
    from storyweave.nlp import ner

    text = "  Mr. Brandt's  U.S. trip, via Al-Ain\u00a0(AT&T) — “Dockers'” 3.5%."
    tokens = tokenize(text)
    words = ner._TOKEN.findall(text)
    assert words == [t.text for t in tokens]
    assert ner._starts(text, words) == [t.start for t in tokens]
    lexicons = ner.Lexicons.load()
    sentences = [text, "BRANDT SEES TALKS END", "Talks in Vienna ended ; Brandt left ."]
    every = ner.document_features([ner._TOKEN.findall(s) for s in sentences], lexicons)
    rows = ner.training_rows([tokenize(s) for s in sentences], lexicons)
    assert [f for sentence in every for f in sentence] == rows
    some = ner.document_features(
        [ner._TOKEN.findall(s) for s in sentences], lexicons, every=False
    )
    for full, read in zip(every, some, strict=True):
        assert all(r is None or r == f for f, r in zip(full, read, strict=True))


def test_span_means_are_numpy_means_bit_for_bit() -> None:
    import numpy as np

    from storyweave.nlp.ner import _mean_rows

    rng = np.random.default_rng(7)
    values = (rng.random((400, 4)) * rng.choice([1e-6, 1.0, 1e3], (400, 1))).astype(np.float32)
    starts = [int(x) for x in rng.integers(0, 380, 300)]
    lengths = [int(x) for x in rng.integers(1, 20, 300)]
    means = _mean_rows(values, starts, lengths)
    for row, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        assert np.array_equal(means[row], values[start : start + length].mean(axis=0))


def test_scores_do_not_depend_on_the_string_hash_seed() -> None:
    # A capitalised word's neighbours elsewhere in the text are features of it; they must
    # come in one order, or the float32 sum of their weights moves in the last bits from
    # one run to the next (Python salts string hashes per process).
    import os
    import subprocess
    import sys

    script = (
        "import hashlib\n"
        "from storyweave.nlp.ner import NameTagger, _TOKEN\n"
        "from storyweave.nlp.ner_features import document_features\n"
        "t = NameTagger.load()\n"
        "text = ['Brandt said in Velmora that Ilves met Brandt.', 'Mr. Brandt told Ilves in "
        "Dorvik.', 'Ilves and Saal of the Velmora Port Authority met Brandt on Monday.', "
        "'In Velmora, Saal said Brandt and Ilves agreed.', 'Brandt, Saal and Ilves signed.']\n"
        "f = document_features([_TOKEN.findall(s) for s in text], t.lexicons, every=False)\n"
        "rows = [x for s in f for x in s if x is not None]\n"
        "print(hashlib.sha1(t.scores(rows).tobytes()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(4)
    }
    assert len(digests) == 1
