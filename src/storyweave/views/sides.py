"""Coverage by side and blindspots, from the outlet profiles the user gave.

A *side* is the value of one label of the outlet file (``lean`` unless the file names
another): ``left``, ``centre``, ``right``, or whatever scale the user keeps. This view
counts the outlets of each side that carry the story, and for every agreed fact and every
single-source claim says which sides carry it. A claim that only one side carries, while
outlets of other sides cover the story, is a *blindspot* of those other sides. A claim
that any outlet without a side carries is never called one: nobody knows that outlet's side.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    Briefing,
    Divergence,
    Fact,
    OutletDirectory,
    SideClaim,
    SideCoverage,
    SideView,
    Source,
)
from .profiles import with_profiles

#: The usual political scale, left to right, so that coverage reads in that order whatever
#: words the file uses; other values follow in alphabetical order.
_SCALE = (
    "far left", "left", "lean left", "centre-left", "center-left", "centre left", "center left",
    "centre", "center", "centrist", "centre-right", "center-right", "centre right",
    "center right", "lean right", "right", "far right",
)


def side_order(side: str) -> tuple[int, str]:
    """Sort key that puts sides in the order of the usual political scale."""
    lowered = side.casefold()
    return (_SCALE.index(lowered), lowered) if lowered in _SCALE else (len(_SCALE), lowered)


def side_of(source: Source, key: str) -> str | None:
    """The side of ``source``'s outlet, from its profile (``None`` when it has none)."""
    return source.profile.label(key) if source.profile is not None else None


def side_view(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    divergences: Sequence[Divergence],
    key: str,
) -> SideView:
    """Coverage by side of ``key`` and the sides of each agreed fact and single-source claim.

    Example::

        view = side_view(briefing.sources, briefing.facts, briefing.divergences, "lean")
        [(c.side, len(c.outlets)) for c in view.coverage]   # [("left", 1), ("centre", 3), ...]
        view.blindspots[0].blindspot_of                     # ("centre", "right")
    """
    sides = {s.id: side_of(s, key) for s in sources}
    outlets: dict[str, dict[str, list[str]]] = {}
    for source in sources:
        side = sides[source.id]
        if side is None:
            continue
        name = source.profile.name if source.profile else source.label
        outlets.setdefault(side, {}).setdefault(name, []).append(source.id)
    coverage = tuple(
        SideCoverage(
            side=side,
            outlets=tuple(by_outlet),
            source_ids=tuple(s for ids in by_outlet.values() for s in ids),
        )
        for side, by_outlet in sorted(outlets.items(), key=lambda item: side_order(item[0]))
    )
    present = tuple(c.side for c in coverage)

    def claim(kind: str, text: str, citations: tuple[str, ...], source_ids: tuple[str, ...],
              **where: object) -> SideClaim:
        carried = sorted({side for s in source_ids if (side := sides.get(s))}, key=side_order)
        labelled = all(sides.get(s) for s in source_ids)
        blind = (
            tuple(p for p in present if p not in carried)
            if labelled and len(carried) == 1 and len(present) > 1
            else ()
        )
        return SideClaim(kind, text, citations, source_ids, tuple(carried), blind, **where)  # type: ignore[arg-type]

    claims = [
        claim("fact", f.text, f.sentence_ids, f.source_ids, fact_id=f.id)
        for f in facts
        if f.claim and len(f.source_ids) >= 2
    ]
    claims += [
        claim("single_source", d.sides[0].text, d.sides[0].citations, d.sides[0].source_ids,
              fact_id=d.fact_ids[0] if d.fact_ids else None, divergence=i)
        for i, d in enumerate(divergences)
        if d.kind == "single_source" and d.sides
    ]
    return SideView(
        key=key,
        coverage=coverage,
        unlabelled=tuple(s.id for s in sources if sides[s.id] is None),
        claims=tuple(claims),
    )


def with_outlets(briefing: Briefing, directory: OutletDirectory | None) -> Briefing:
    """``briefing`` with its sources matched to ``directory`` and its side view rebuilt;
    used for briefings made before the outlet file was given (a stored briefing)."""
    from dataclasses import replace

    if directory is None:
        return briefing
    sources = with_profiles(briefing.sources, directory)
    view = side_view(sources, briefing.facts, briefing.divergences, directory.side_key)
    settings = dict(briefing.settings) | {"outlets": directory.origin}
    return replace(briefing, sources=sources, sides=view, settings=settings)
