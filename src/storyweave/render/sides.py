"""What the Markdown and HTML views show of the coverage by side (see
:mod:`storyweave.views.sides`): the sides of each claim, and each side's blindspots."""

from __future__ import annotations

from ..model import Briefing, SideClaim, SideView

#: Blindspots listed per side in the Markdown and HTML views, claims several outlets of
#: one side carry first (the JSON has every one): a reader scans a handful.
BLINDSPOTS_PER_SIDE = 5


def side_tags(briefing: Briefing) -> dict[str, str]:
    """Fact id -> the sides that carry it (``"left, centre"``), for agreed facts and
    single-source claims; empty without an outlet file."""
    if briefing.sides is None:
        return {}
    return {
        claim.fact_id: ", ".join(claim.sides)
        for claim in briefing.sides.claims
        if claim.fact_id is not None and claim.sides
    }


def blindspots_by_side(
    view: SideView,
) -> list[tuple[str, tuple[str, ...], list[SideClaim], int]]:
    """``(side, the sides it is a blindspot of, claims shown, how many more)`` for each
    side that alone carries some claims, in the order of the coverage."""
    groups = []
    for coverage in view.coverage:
        claims = [c for c in view.blindspots if c.sides == (coverage.side,)]
        if not claims:
            continue
        # Several outlets of one side carrying a claim say more than one outlet alone.
        claims.sort(key=lambda c: (c.kind != "fact", -len(c.source_ids)))
        groups.append(
            (
                coverage.side,
                claims[0].blindspot_of,
                claims[:BLINDSPOTS_PER_SIDE],
                max(0, len(claims) - BLINDSPOTS_PER_SIDE),
            )
        )
    return groups
