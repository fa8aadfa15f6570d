"""Framing: loaded labels, one-sided hedges and scare quotes, each set against the others."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storyweave.align import align, similarity_matrix
from storyweave.embed import load_embedder
from storyweave.evaluate.basil import Span, Triplet, read_triplets
from storyweave.evaluate.framing import FramingCounts, briefing_terms, score_terms
from storyweave.model import FramingNote, Sentence, Source
from storyweave.nlp.tokens import WORD_RE, literal_prefixes, may_match_ignoring_case, words
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.views.framing import _ANY_TERM, _TERM_KEYS, find_framing, uses_term
from storyweave.views.framing_model import (
    FEATURES,
    LoadedWordModel,
    candidate_table,
    candidate_words,
    quote_masks,
)

from .builders import make_source


def _frame(
    *sources: Source, model: LoadedWordModel | None = None
) -> dict[str, tuple[FramingNote, ...]]:
    sentences = [s for source in sources for s in source.sentences]
    embedder = load_embedder("lexical")
    vectors = embedder.encode([s.text for s in sentences])
    facts = align(sentences, similarity_matrix(vectors), threshold=embedder.default_threshold)
    return find_framing(sources, facts, sentences, vectors, model=model)


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


# --- fixed-list rules on real-news shapes (invented sentences) ---------------------------


def test_a_partial_quote_attributed_anywhere_in_its_sentence_is_not_a_scare_quote() -> None:
    a = make_source(
        1,
        [
            'The minister was "deeply sorry" about the ferry delays, according to her office.',
            'The mayor railed against the "paper tigers" of the harbour board on Monday.',
            'Asked about the plan, the mayor gave a curt "No thanks." and left the hall.',
        ],
    )
    b = make_source(2, ["The ferry timetable changes on Monday, the harbour board said."])
    assert _frame(a, b)["s1"] == ()


def test_an_unattributed_short_quote_is_still_a_scare_quote() -> None:
    a = make_source(1, ['Remer\'s "triumph" came only after the postal ballots were counted.'])
    b = make_source(2, ["Remer won after the postal ballots were counted on Monday."])
    (note,) = _frame(a, b)["s1"]
    assert (note.kind, note.term) == ("scare_quote", '"triumph"')


def test_the_neutral_legal_adjective_alleged_is_not_a_hedge() -> None:
    a = make_source(1, ["The alleged thief was arrested on Church Street, police claimed."])
    b = make_source(2, ["A man was arrested on Church Street on Tuesday evening."])
    assert _frame(a, b)["s1"] == ()


def test_a_quote_that_runs_over_sentences_masks_them_all() -> None:
    source = make_source(1, ["x"])
    lines = [
        'She said: "We will not move. Nobody asked us.',
        'The council never wrote back." The hall went quiet.',
        "Residents left at nine.",
    ]
    sentences = tuple(
        Sentence(id=f"s1.{i + 1}", source_id="s1", index=i, paragraph=0, text=t)
        for i, t in enumerate(lines)
    )
    masks = quote_masks(replace(source, sentences=sentences))
    assert masks["s1.1"] == [(10, len(lines[0]))]
    assert masks["s1.2"] == [(0, lines[1].index('"') + 1)]
    assert masks["s1.3"] == []


# --- the learned loaded-word model ---------------------------------------------------------


def _model(**lexicon: tuple[int, int]) -> LoadedWordModel:
    """A model that trusts its lexicon only: the log rate decides, nothing else counts."""
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("lexicon_log_rate")] = 4.0
    return LoadedWordModel(
        lexicon=lexicon, weights=tuple(weights), bias=8.0, threshold=0.5, base_rate=0.01,
        max_per_source=2,
    )


#: Background both outlets share: the model scores whole articles only (at least
#: MIN_ARTICLE_SENTENCES sentences), never two-line excerpts.
FILLER = [
    "The plan sets out spending for the next two years.",
    "It includes money for schools, roads and the coast guard.",
    "Ministers will present the details to parliament in May.",
    "Opposition parties have asked for a longer debate.",
]
PLAIN = make_source(
    1,
    [
        "The senator criticised the budget plan in a speech on Tuesday.",
        "The vote on the budget is expected next week.",
        *FILLER,
    ],
    outlet="Harbour Wire",
)
HOSTILE = make_source(
    2,
    [
        "The senator savaged the budget plan in a scathing speech on Tuesday.",
        'Her aides called the plan "a savaged compromise" afterwards.',
        "The vote on the budget, a scathing test for the savaged plan, is next week.",
        *FILLER,
    ],
    outlet="Evening Clarion",
)


def test_words_the_model_scores_as_loaded_are_reported_with_the_others_wording() -> None:
    model = _model(savag=(9, 10), scath=(5, 10))
    notes = _frame(PLAIN, HOSTILE, model=model)
    loaded = [n for n in notes["s2"] if n.kind == "loaded"]
    # Two words apart, so two terms; each reported once (s2.3 repeats both), where first used.
    assert [(n.term, n.citation) for n in loaded] == [("savaged", "s2.1"), ("scathing", "s2.1")]
    assert "criticised the budget plan" in loaded[0].note and "Harbour Wire" in loaded[0].note
    assert notes["s1"] == ()


def test_loaded_words_respect_quotes_and_the_per_outlet_cap() -> None:
    model = _model(savag=(9, 10), scath=(5, 10), test=(3, 10))
    found = [n.term for n in _frame(PLAIN, HOSTILE, model=model)["s2"] if n.kind == "loaded"]
    assert len(found) == 2  # the cap
    # "savaged" inside the quotation in s2.2 is the aides' word, never scored.
    sentences = list(PLAIN.sentences + HOSTILE.sentences)
    candidates = candidate_words([PLAIN, HOSTILE], [], sentences, np.zeros((len(sentences), 4)))
    assert any(c.sentence.id == "s2.1" and c.word == "savaged" for c in candidates)
    assert not any(c.sentence.id == "s2.2" and c.word == "savaged" for c in candidates)
    # Excerpts too short to be articles are not scored at all.
    short = [replace(s, sentences=s.sentences[:3]) for s in (PLAIN, HOSTILE)]
    assert candidate_words(short, [], sentences, np.zeros((len(sentences), 4))) == []


def test_the_candidate_table_scores_as_the_candidates_do() -> None:
    model = _model(savag=(9, 10), scath=(5, 10))
    sentences = list(PLAIN.sentences + HOSTILE.sentences)
    vectors = np.zeros((len(sentences), 4))
    table = candidate_table([PLAIN, HOSTILE], [], sentences, vectors)
    candidates = candidate_words([PLAIN, HOSTILE], [], sentences, vectors)
    assert [table.candidate(i) for i in range(len(table))] == candidates
    assert np.array_equal(model.probabilities(table), model.probabilities(candidates))
    assert table.own_words().tolist() == [c.own_word for c in candidates]


def test_the_term_prefilter_never_hides_a_hedge_or_label() -> None:
    assert literal_prefixes([r"hard-?liners?|hard-?line", r"boss(?:es)?", "fat[- ]cats?"]) == (
        "hard", "hard", "boss", "fat",
    )
    assert literal_prefixes([r"\bfoo"]) is None
    texts = [
        "The REGIME fell.", "hardliners won", "union BOSSES", "held the port to ransom",
        "so called experts", "a fat-cat deal", "Allegedly so.",
        "The mılıtant wing", "Boſs", "the İnept plan", "No such words here.",
    ]
    for text in texts:
        if _ANY_TERM.search(text):
            assert may_match_ignoring_case(text, _TERM_KEYS), text
    assert not may_match_ignoring_case("No such words here.", _TERM_KEYS)


def test_words_lowers_the_text_once_with_the_same_tokens() -> None:
    for text in ["It’s 3.5% of US$1,000, O'Brien SAID.", "Ǆemal ÉTÉ \u212aelvin \u0130stanbul ſo"]:
        assert words(text) == [w.lower().replace("’", "'") for w in WORD_RE.findall(text)]


def test_the_shipped_model_loads_and_round_trips() -> None:
    model = LoadedWordModel.load()
    assert 0.0 < model.threshold < 1.0 and model.max_per_source >= 1
    assert model.info["trained_on"].startswith("basil_dev")  # the dev half only
    again = LoadedWordModel.from_json(json.loads(model.dumps()))
    assert again.to_json() == model.to_json()
    assert all(len(stem) < 30 and " " not in stem for stem in model.lexicon)  # words, not text


def test_a_flagged_term_is_matched_in_any_case_with_or_without_quotes() -> None:
    assert uses_term("Union boss Ilves crowed about the deal.", "crowed")
    assert not uses_term("The crowded quay emptied.", "crowed")
    assert uses_term("It promised job security until 2029.", '"job security"')
    assert uses_term("militant Union Bosses walked out.", "MILITANT union bosses")
    assert not uses_term("The union's bosses walked out.", "MILITANT union bosses")


# --- real annotations: BASIL dev, when the shared data is beside the repository ------------

BASIL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real_news" / "basil_dev.jsonl.gz"
#: The first triplets of BASIL dev, briefed with the fast lexical backend to keep the test
#: short. Floors sit well under what the shipped model scores on them (it was trained on
#: the whole dev half, these included); `storyweave eval framing` gives the cross-validated
#: figures. Measured when set: recall 0.40 (4 of 10 spans), 0.24 of the terms on a lexical
#: span, 1.75 terms per article.
BASIL_SAMPLE = 4
BASIL_MIN_RECALL = 0.25
BASIL_MIN_ON_LEXICAL = 0.10
BASIL_MAX_TERMS_PER_ARTICLE = 6.0


@pytest.mark.timeout(300)
def test_framing_terms_land_on_basil_annotations() -> None:
    if not BASIL.is_file():
        pytest.skip("shared data not found: real_news/basil_dev.jsonl.gz (../shared/data)")
    briefer = Briefer(BriefOptions(model="lexical"))
    total = FramingCounts()
    for triplet in read_triplets(BASIL, limit=BASIL_SAMPLE):
        briefing = briefer.brief(triplet.articles)
        terms, lost = briefing_terms(triplet, briefing)
        assert lost == 0, f"{triplet.id}: a reported term is not in its cited sentence"
        total.add(score_terms(triplet, terms, lost))
    figures = total.as_dict()
    assert total.recall >= BASIL_MIN_RECALL, figures
    assert total.precision >= BASIL_MIN_ON_LEXICAL, figures
    assert figures["terms_per_article"] <= BASIL_MAX_TERMS_PER_ARTICLE, figures


def test_terms_are_scored_by_overlap_with_the_annotated_spans() -> None:
    spans = (
        Span(doc=0, where="text", start=10, end=20, bias="lexical", quote=False),
        Span(doc=0, where="text", start=40, end=50, bias="lexical", quote=True),
        Span(doc=1, where="text", start=0, end=80, bias="informational", quote=False),
        Span(doc=1, where="title", start=0, end=8, bias="lexical", quote=False),
    )
    triplet = Triplet("t", (), (0, 1), ("", ""), ("", ""), spans)
    terms = [
        (0, "text", 15, 25, "loaded"),  # finds the first span
        (0, "text", 45, 47, "label"),  # on a quoted lexical span: right, but not "found"
        (1, "text", 5, 9, "loaded"),  # on an informational span only
        (1, "text", 100, 104, "hedge"),  # on nothing
    ]
    counts = score_terms(triplet, terms, unplaced=1)
    assert (counts.spans, counts.found) == (2, 1)  # non-quote lexical spans, text and title
    assert (counts.terms, counts.on_lexical, counts.on_any) == (5, 2, 3)
    assert counts.by_kind["loaded"] == [2, 1]
