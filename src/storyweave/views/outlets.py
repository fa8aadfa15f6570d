"""Per-outlet view: what each outlet alone reports, what it leaves out, how it frames things.

Built from the aligned facts (a fact lists every source that states it), so "only this
outlet" and "most others" mean the same here as everywhere else in the briefing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Divergence, Fact, FramingNote, OutletView, Source
from ..nlp.calendar import could_have_reported, parse_stamp

#: A unique fact must have at least this many words: "Thank you, Nils." or "And it is."
#: are unique to a transcript but are not reporting. Set on the bundled transcripts, where
#: host chatter runs to five words and the shortest real statements to seven.
MIN_UNIQUE_WORDS = 7
#: At most this many unique and missing facts per outlet: a reader scans the view, and
#: the rest are in the divergences and the fact list.
MAX_LISTED = 8
#: A fact is "missing" from an outlet when at least this share of the *other* outlets
#: report it (and at least :data:`MIN_MISSING_SUPPORT` of them): half, so that an outlet
#: is not blamed for leaving out what most others also skipped.
MISSING_SHARE = 0.5
MIN_MISSING_SUPPORT = 2


def outlet_views(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    divergences: Sequence[Divergence],
    framing: Mapping[str, Sequence[FramingNote]],
) -> tuple[OutletView, ...]:
    """One :class:`OutletView` per source, in source order.

    ``unique``: facts only this source states, most central first (short or question-only
    sentences, such as a host's "And the government?", are skipped). ``missing``: facts at
    least half of the other sources (and two or more) state and this one does not, most
    widely reported first. ``framing``: this source's notes from :func:`find_framing`.
    ``divergences`` are accepted so that a single-source claim the divergence stage
    flagged is always listed as unique, even if it is short.

    Example::

        views = outlet_views(briefing.sources, briefing.facts, briefing.divergences, notes)
        views[0].unique  # ("f31", "f40")
    """
    flagged = {
        fact_id
        for divergence in divergences
        if divergence.kind == "single_source"
        for fact_id in divergence.fact_ids
    }
    # A side of a conflict or an overtaken claim is shown there, not as what the outlet
    # alone reports.
    fact_of = {sentence_id: fact.id for fact in facts for sentence_id in fact.sentence_ids}
    disputed = {
        fact_of[sentence_id]
        for divergence in divergences
        if divergence.kind in ("conflict", "superseded")
        for side in (divergence.sides if divergence.kind == "conflict" else divergence.sides[:1])
        for sentence_id in side.citations
        if sentence_id in fact_of
    } - flagged
    stamps = {source.id: parse_stamp(source.published) for source in sources}
    others = len(sources) - 1
    needed = max(MIN_MISSING_SUPPORT, others * MISSING_SHARE)
    # Facts are read once, not once per outlet: each one-source fact under its source, and
    # the facts wide enough to be missed.
    alone: dict[str, list[Fact]] = {}
    for fact in facts:
        if len(fact.source_ids) == 1:
            alone.setdefault(fact.source_ids[0], []).append(fact)
    wide = [fact for fact in facts if len(fact.source_ids) >= needed] if others else []
    views = []
    for source in sources:
        unique = [
            fact
            for fact in alone.get(source.id, ())
            if fact.id not in disputed
            and (fact.id in flagged or (fact.claim and _reports(fact.text)))
        ]
        unique.sort(key=lambda f: (-f.centrality, _order(f.id)))
        missing = [
            fact
            for fact in wide
            if source.id not in fact.source_ids
            # Not "left out" by an outlet that published before anyone reported it.
            and could_have_reported((stamps[s] for s in fact.source_ids), stamps[source.id])
        ]
        missing.sort(key=lambda f: (-len(f.source_ids), -f.centrality, _order(f.id)))
        views.append(
            OutletView(
                source_id=source.id,
                unique=tuple(f.id for f in unique[:MAX_LISTED]),
                missing=tuple(f.id for f in missing[:MAX_LISTED]),
                framing=tuple(framing.get(source.id, ())),
            )
        )
    return tuple(views)


def _reports(text: str) -> bool:
    """Whether a sentence reports something (not a question, greeting or sign-off)."""
    return len(text.split()) >= MIN_UNIQUE_WORDS and not text.rstrip().endswith("?")


def _order(fact_id: str) -> tuple[int, str]:
    """Sort key for fact ids: "f2" before "f10"."""
    digits = fact_id.lstrip("f")
    return (int(digits), fact_id) if digits.isdigit() else (0, fact_id)
