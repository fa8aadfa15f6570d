"""Framing: loaded labels, one-sided hedges and scare quotes, each set against the others."""

from __future__ import annotations

from storyweave.align import align, similarity_matrix
from storyweave.embed import load_embedder
from storyweave.model import FramingNote, Source
from storyweave.views.framing import find_framing

from .builders import make_source


def _frame(*sources: Source) -> dict[str, tuple[FramingNote, ...]]:
    sentences = [s for source in sources for s in source.sentences]
    embedder = load_embedder("lexical")
    vectors = embedder.encode([s.text for s in sentences])
    facts = align(sentences, similarity_matrix(vectors), threshold=embedder.default_threshold)
    return find_framing(sources, facts, sentences, vectors)


NEUTRAL = make_source(
    1,
    [
        "Union leaders said the dockers would return to work on Monday after the pay deal.",
        "The union paid striking members from its strike fund during the walkout.",
        "Marta Ilves said the deal protects every job on the waterfront.",
    ],
    outlet="Velmora Courier",
    title="Dockers' strike ends as union and port agree deal",
)
TABLOID = make_source(
    2,
    [
        "MILITANT union bosses said the dockers would return to work on Monday after the pay deal.",
        'Strikers were paid from the union\'s so-called "solidarity fund" during the walkout.',
        "Pickets allegedly blocked lorries from leaving the port.",
        'The deal hands the union a promise of "job security" until 2029.',
        '"This deal protects every job on the waterfront," said Marta Ilves.',
    ],
    outlet="Morning Bulletin",
    title="Strike bosses pocket bonanza after holding port to ransom",
)


def test_loaded_label_is_reported_with_how_others_say_it() -> None:
    notes = _frame(NEUTRAL, TABLOID)
    label = next(
        n
        for n in notes["s2"]
        if n.kind == "label" and n.citation == "s2.1" and not n.note.startswith("In the headline")
    )
    assert label.term == "MILITANT union bosses"
    assert "Union leaders said" in label.note and "Velmora Courier" in label.note
    assert notes["s1"] == ()  # the neutral outlet has no framing


def test_hedges_and_scare_quotes_are_found_but_real_quotes_are_not() -> None:
    notes = _frame(NEUTRAL, TABLOID)["s2"]
    terms = {(n.kind, n.term) for n in notes}
    assert ("hedge", 'so-called "solidarity fund"') in terms
    assert ("hedge", "allegedly") in terms
    assert ("scare_quote", '"job security"') in terms
    # The attributed quotation is Ilves's words, not the outlet's framing.
    assert not any(n.citation == "s2.5" for n in notes)


def test_headline_terms_cite_the_first_sentence_and_say_so() -> None:
    notes = _frame(NEUTRAL, TABLOID)["s2"]
    headline = [n for n in notes if n.note.startswith("In the headline")]
    assert [n.term for n in headline] == ["bonanza after holding port to ransom"]
    assert headline[0].citation == "s2.1"
    assert "Dockers' strike ends" in headline[0].note
    # "bosses" is in the headline too, but it is reported once, at the body sentence.
    assert sum("boss" in n.term.lower() for n in notes) == 1


def test_a_term_every_outlet_uses_is_not_framing() -> None:
    a = make_source(1, ["The regime expelled two diplomats in March, officials said."])
    b = make_source(2, ["The Sudmark regime expelled two diplomats in March."])
    notes = _frame(a, b)
    assert notes == {"s1": (), "s2": ()}


def test_a_hedge_with_no_counterpart_says_nobody_else_reports_it() -> None:
    a = make_source(1, ["Looters allegedly targeted shops on Church Street overnight."])
    b = make_source(2, ["The earthquake struck the mountain town at nine in the evening."])
    (note,) = _frame(a, b)["s1"]
    assert note.kind == "hedge" and note.note == "No other outlet reports this."


def test_a_single_source_cluster_has_no_framing() -> None:
    assert _frame(TABLOID) == {"s2": ()}
