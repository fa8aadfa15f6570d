"""Per-outlet views: what each outlet alone reports, what it leaves out, its framing."""

from __future__ import annotations

from storyweave.model import Fact, FramingNote
from storyweave.views.outlets import outlet_views

from .builders import make_source


def _fact(fid: str, sources: tuple[str, ...], centrality: float, text: str = "") -> Fact:
    text = text or f"A full sentence of reporting about fact {fid} with enough words."
    ids = tuple(f"{s}.{fid[1:]}" for s in sources)
    return Fact(
        id=fid,
        text=text,
        representative=ids[0],
        sentence_ids=ids,
        source_ids=sources,
        centrality=centrality,
    )


SOURCES = tuple(make_source(n, []) for n in (1, 2, 3, 4))
FACTS = (
    _fact("f1", ("s1", "s2", "s3"), 0.9),  # most report it; s4 leaves it out
    _fact("f2", ("s2", "s3"), 0.8),  # two of three others: missing from s1 and s4
    _fact("f3", ("s4",), 0.2),
    _fact("f4", ("s4",), 0.6),
    _fact("f5", ("s4",), 0.9, text="Thank you, Nils."),  # host chatter, not reporting
)


def test_unique_facts_are_most_central_first_and_skip_chatter() -> None:
    views = outlet_views(SOURCES, FACTS, (), {})
    assert [v.source_id for v in views] == ["s1", "s2", "s3", "s4"]
    assert views[3].unique == ("f4", "f3")
    assert views[0].unique == ()


def test_missing_facts_are_those_most_others_report() -> None:
    views = outlet_views(SOURCES, FACTS, (), {})
    assert views[3].missing == ("f1", "f2")
    assert views[0].missing == ("f2",)
    assert views[1].missing == ()


def test_framing_notes_are_carried_per_source() -> None:
    note = FramingNote(term="regime", kind="label", citation="s2.1", note="Others: ...")
    views = outlet_views(SOURCES, FACTS, (), {"s2": (note,)})
    assert views[1].framing == (note,)
    assert views[0].framing == ()
