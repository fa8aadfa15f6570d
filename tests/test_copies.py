"""Wire copies: sources that carry the same text count as one report, not as confirmation."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace

import jsonschema
import numpy as np

from storyweave import Article, Briefer, BriefOptions
from storyweave.align import align, copy_groups, similarity_matrix
from storyweave.model import CopyGroup, CopyLink, Fact, Source, independent_reports
from storyweave.render import render_html, render_json, render_markdown, schema
from storyweave.render.common import agreed_facts
from storyweave.render.json import briefing_from_dict
from storyweave.render.outline import top_card

from .builders import make_briefing, make_source

# A made-up wire story (no real article text).
WIRE = [
    "The ferry Nordlys ran aground off the island of Kestrel early on Tuesday morning.",
    "All 212 passengers were taken ashore by lifeboats before noon, the coast guard said.",
    "Divers found a long tear in the hull below the waterline of the old ferry.",
    "The operator said the ship had passed its safety inspection only last month.",
    "Investigators from the maritime board are expected on the island on Wednesday.",
    "Ferry traffic to the island will run on a smaller boat until further notice.",
]


def groups_of(sources: Sequence[Source]) -> tuple[CopyGroup, ...]:
    """:func:`copy_groups` over word-count vectors of the sources' sentences (lower case),
    with the facts alignment makes of them."""
    texts = [s.text for source in sources for s in source.sentences]
    vocabulary = {w: i for i, w in enumerate(sorted({w for t in texts for w in re.findall(r"\w+", t.lower())}))}
    vectors = np.zeros((len(texts), len(vocabulary)))
    for row, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            vectors[row, vocabulary[word]] += 1
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = similarity_matrix(vectors)
    facts = align([s for source in sources for s in source.sentences], similarity, threshold=0.6)
    return copy_groups(sources, facts, similarity)


def test_a_wire_copy_with_other_case_and_punctuation_is_found() -> None:
    original = make_source(1, WIRE)
    copy = make_source(2, [s.upper().replace(",", "") for s in WIRE[:5]] + ["Ok."])
    other = make_source(3, [WIRE[0], "The harbour of Kestrel was closed to yachts on Tuesday."])
    groups = groups_of([original, copy, other])
    assert groups == (CopyGroup(("s1", "s2"), (CopyLink("s2", "s1", 5, 5),)),)


def test_a_version_with_a_word_added_to_each_sentence_is_a_copy() -> None:
    edited = [s.replace(" the ", " the old ", 1) if " the " in s else s + " Update." for s in WIRE]
    assert sum(a != b for a, b in zip(edited, WIRE, strict=True)) == len(WIRE)
    groups = groups_of([make_source(1, WIRE), make_source(2, edited)])
    assert [g.source_ids for g in groups] == [("s1", "s2")]


def test_a_short_or_partial_overlap_makes_no_copy() -> None:
    more = [f"Line number {n} of the long report tells something else about the island." for n in range(8)]
    one = make_source(1, WIRE + more[:4])
    # Half of its sentences are the wire's, but only two: a pair of stock lines.
    short = make_source(2, WIRE[:2] + ["A crowd gathered at the quay to watch the rescue.",
                                      "Local shops offered blankets and hot soup to them."])
    # Three sentences in common: under half of either report.
    partial = make_source(3, WIRE[:3] + more[4:] + ["The mayor of the island spoke to the crew."])
    assert groups_of([one, short, partial]) == ()


def test_versions_of_one_story_chain_into_one_group() -> None:
    first = make_source(1, WIRE[:4])
    update = make_source(2, WIRE[:5])  # the first version plus a line
    last = make_source(3, WIRE[1:6])  # the update, its lead rewritten
    groups = groups_of([first, update, last])
    assert [g.source_ids for g in groups] == [("s1", "s2", "s3")]
    assert independent_reports(["s1", "s2", "s3"], groups) == 1
    assert independent_reports(["s1", "s4"], groups) == 2


def _copied_briefing(hostile: str = ""):
    """The two-source builder briefing plus s3, a wire copy of s1 whose outlet is hostile."""
    base = make_briefing(hostile)
    s1 = base.sources[0]
    s3 = make_source(3, [s.text for s in s1.sentences], outlet=f"Wire Mirror{hostile}")
    copied = Fact(id="f5", text=s1.sentences[2].text, representative="s1.3",
                  sentence_ids=("s1.3", "s3.3"), source_ids=("s1", "s3"), centrality=0.8)
    everyone = replace(base.facts[0], sentence_ids=("s1.1", "s2.1", "s3.1"),
                       source_ids=("s1", "s2", "s3"))
    copies = (CopyGroup(("s1", "s3"), (CopyLink("s3", "s1", 3, 3),)),)
    return replace(base, sources=(*base.sources, s3), facts=(everyone, copied, *base.facts[1:]),
                   copies=copies)


def test_a_fact_only_a_source_and_its_copy_carry_is_not_agreed() -> None:
    briefing = _copied_briefing()
    assert [f.id for f in agreed_facts(briefing)] == ["f1"]
    card = top_card(briefing)
    assert (card.reports, card.independent) == (3, 2)
    assert card.agreement_line().startswith("3 outlets, 2 independent")


def test_every_format_says_which_sources_carry_the_same_text() -> None:
    briefing = _copied_briefing()
    text = render_markdown(briefing)
    assert "[3] Wire Mirror carries the same text as [1] Velmora Ledger (3 of 3 sentences)" in text
    assert "reported by 3 sources, 2 independent" in text
    page = render_html(briefing)
    assert "carries the same text as" in page and "(3 of 3 sentences)" in page
    assert "reported by 3, 2 independent" in page
    data = json.loads(render_json(briefing))
    jsonschema.validate(data, schema())
    assert data["copies"] == [{"sources": ["s1", "s3"],
                               "links": [{"source": "s3", "of": "s1", "shared": 3, "sentences": 3}]}]
    assert data["facts"][0]["independent"] == 2 and data["top"]["independent"] == 2
    assert briefing_from_dict(data).copies == briefing.copies


def test_the_copies_list_escapes_source_text() -> None:
    hostile = '<script>alert(1)</script>'
    page = render_html(_copied_briefing(hostile))
    assert "<script>" not in page and "Wire Mirror&lt;script&gt;" in page
    assert "<script>" not in render_markdown(_copied_briefing(hostile))


def test_a_briefing_counts_a_wire_copy_once() -> None:
    """Through the whole pipeline: before copy groups, the copy confirmed every line of the
    wire story and the first screen spoke of three independent outlets."""
    independent = (
        "Kestrel's ferry Nordlys hit rocks on Tuesday and its passengers were brought ashore. "
        "The island's mayor asked the operator to explain why the old ferry was still in use. "
        "Fishing boats helped the lifeboats bring the last passengers to the harbour."
    )
    articles = [
        Article(text="\n\n".join(WIRE), origin="wire.txt", outlet="Wire One"),
        Article(text="\n\n".join(WIRE), origin="copy.txt", outlet="Daily Copy"),
        Article(text=independent, origin="own.txt", outlet="Island Radio"),
    ]
    briefing = Briefer(BriefOptions(model="lexical")).brief(articles)
    assert [g.source_ids for g in briefing.copies] == [("s1", "s2")]
    assert all(briefing.independent(f.source_ids) >= 2 for f in agreed_facts(briefing))
    assert "3 outlets, 2 independent" in render_markdown(briefing)
