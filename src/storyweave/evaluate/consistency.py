"""What makes a briefing consistent with itself: checked by the tests on every briefing they
make (fictional, fuzzed, real) and by ``benchmarks/bench_consistency.py`` on the real sets.

A sentence plays at most one of four parts: a member of an agreed fact, one outlet's own
claim, an overtaken claim, or a side of a conflict. Agreed facts and an outlet's own claims
state something (no questions, lead-ins or headlines). What an outlet "leaves out" was
reported before it published. A summary line never uses a term the briefing flags as
loaded. :func:`problems` names every breach.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Briefing
from ..nlp.calendar import is_later, parse_stamp
from ..views.framing import uses_term


def roles(briefing: Briefing) -> dict[str, list[str]]:
    """Sentence id -> the parts it plays."""
    found: dict[str, list[str]] = defaultdict(list)
    for fact in briefing.facts:
        if fact.claim and briefing.independent(fact.source_ids) >= 2:  # as the views list them
            for sentence_id in fact.sentence_ids:
                found[sentence_id].append(f"agreed fact {fact.id}")
    for divergence in briefing.divergences:
        if divergence.kind == "single_source":
            sides = divergence.sides[:1]
        elif divergence.kind == "superseded":
            sides = divergence.sides[:1]  # the overtaking sentences may be agreed facts
        elif divergence.kind == "conflict":
            sides = divergence.sides
        else:
            continue
        for side in sides:
            for sentence_id in side.citations:
                found[sentence_id].append(divergence.kind)
    return found


def problems(briefing: Briefing) -> list[str]:
    """Every way ``briefing`` contradicts itself (empty when it does not)."""
    found = [
        f"{sentence_id} is {' and '.join(sorted(set(parts)))}"
        for sentence_id, parts in roles(briefing).items()
        if len(set(parts)) > 1  # one side of two conflicts (65 vs 50, 65 vs 40) is no breach
    ]
    facts = {fact.id: fact for fact in briefing.facts}
    text_of = {s.id: s.text for source in briefing.sources for s in source.sentences}
    for divergence in briefing.divergences:
        if divergence.kind == "single_source":
            for sentence_id in divergence.sides[0].citations:
                text = text_of[sentence_id].rstrip()
                if text.endswith(("?", ":")):
                    found.append(f"single-source claim {sentence_id} is a question or lead-in")
    stamps = {source.id: parse_stamp(source.published) for source in briefing.sources}
    for view in briefing.outlets:
        for fact_id in view.missing:
            reporters = [stamps[s] for s in facts[fact_id].source_ids]
            if all(is_later(stamps[view.source_id], r) is True for r in reporters):
                found.append(f"{view.source_id} published before anyone reported {fact_id}")
        for fact_id in view.unique:
            if not facts[fact_id].claim and text_of[facts[fact_id].representative].endswith("?"):
                found.append(f"{view.source_id} 'only reports' a question ({fact_id})")
    flagged = sorted({note.term for view in briefing.outlets for note in view.framing})
    for line in briefing.summary:
        for term in flagged:
            if uses_term(line.text, term):
                found.append(f"summary line of {line.fact_id} uses the flagged term {term!r}")
    return found
