"""JSON of the core schema -> :class:`~storyweave.model.Briefing`, so a stored briefing
can be rendered again as a page.

The inverse of :func:`storyweave.render.json.to_dict`: derived fields of the JSON
(source labels, quote variants, the fact texts repeated in outlet views) are rebuilt by
the renderers and ignored here. Optional keys may be missing (a briefing stored by an
older schema version still loads). ``tests/test_server.py`` checks the round trip.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    Briefing,
    Divergence,
    Entity,
    Fact,
    FramingNote,
    InputProblem,
    OutletView,
    Quote,
    QuoteMention,
    RemovedLine,
    Sentence,
    Side,
    Source,
    SummarySentence,
    TimelineEvent,
)


def briefing_from_dict(data: dict[str, Any]) -> Briefing:
    """Rebuild a Briefing from :func:`~storyweave.render.json.to_dict` output."""
    sources = tuple(_source(s) for s in data["sources"])
    text_of = {s.id: s.text for source in sources for s in source.sentences}
    return Briefing(
        sources=sources,
        summary=tuple(
            SummarySentence(
                text=line["text"],
                fact_id=line.get("fact", ""),
                citations=tuple(line["citations"]),
                source_ids=tuple(line["sources"]),
            )
            for line in data.get("summary", [])
        ),
        facts=tuple(
            Fact(
                id=f["id"],
                text=f["text"],
                representative=_representative(f, text_of),
                sentence_ids=tuple(f["citations"]),
                source_ids=tuple(f["sources"]),
                centrality=float(f.get("centrality", 0.0)),
            )
            for f in data.get("facts", [])
        ),
        quotes=tuple(_quote(q) for q in data.get("quotes", [])),
        problems=tuple(
            InputProblem(p["input"], p["problem"], p.get("stage", "load"))
            for p in data.get("problems", [])
        ),
        notes=tuple(data.get("notes", [])),
        settings=dict(data.get("settings", {})),
        divergences=tuple(_divergence(d) for d in data.get("divergences", [])),
        entities=tuple(
            Entity(
                name=x["name"],
                type=x["type"],
                roles=tuple(x.get("roles", [])),
                source_ids=tuple(x.get("sources", [])),
                citations=tuple(x.get("citations", [])),
                aliases=tuple(x.get("aliases", [])),
            )
            for x in data.get("entities", [])
        ),
        timeline=tuple(
            TimelineEvent(
                when=t["when"],
                date=t.get("date"),
                text=t["text"],
                citations=tuple(t.get("citations", [])),
                source_ids=tuple(t.get("sources", [])),
            )
            for t in data.get("timeline", [])
        ),
        outlets=tuple(_outlet(o) for o in data.get("outlets", [])),
    )


def _representative(fact: dict[str, Any], text_of: dict[str, str]) -> str:
    """The cited sentence whose text the fact shows (the JSON does not name it)."""
    for sentence_id in fact["citations"]:
        if text_of.get(sentence_id) == fact["text"]:
            return str(sentence_id)
    return str(fact["citations"][0]) if fact["citations"] else ""


def _source(data: dict[str, Any]) -> Source:
    source_id = data["id"]
    return Source(
        id=source_id,
        origin=data["origin"],
        title=data.get("title"),
        outlet=data.get("outlet"),
        byline=data.get("byline"),
        published=data.get("published"),
        url=data.get("url"),
        kind=data.get("kind", "article"),
        sentences=tuple(
            Sentence(
                id=s["id"],
                source_id=source_id,
                index=i,
                paragraph=int(s.get("paragraph", i)),
                text=s["text"],
                turn_speaker=s.get("speaker"),
            )
            for i, s in enumerate(data.get("sentences", []))
        ),
        removed=tuple(
            RemovedLine(int(r["line"]), r["text"], r["reason"]) for r in data.get("removed", [])
        ),
    )


def _quote(data: dict[str, Any]) -> Quote:
    return Quote(
        speaker=data.get("speaker"),
        text=data["text"],
        sentence_ids=tuple(data["citations"]),
        source_ids=tuple(data["sources"]),
        mentions=tuple(
            QuoteMention(
                text=m["text"],
                speaker_as_written=m.get("speaker_as_written"),
                source_id=m["source"],
                sentence_ids=tuple(m["citations"]),
                kind=m.get("kind", "quoted"),
            )
            for m in data.get("mentions", [])
        ),
    )


def _divergence(data: dict[str, Any]) -> Divergence:
    return Divergence(
        kind=data["kind"],
        summary=data["summary"],
        sides=tuple(
            Side(
                text=s["text"],
                citations=tuple(s["citations"]),
                source_ids=tuple(s["sources"]),
                value=s.get("value"),
            )
            for s in data.get("sides", [])
        ),
        fact_ids=tuple(data.get("facts", [])),
        score=float(data.get("score", 0.0)),
        missing_source_ids=tuple(data.get("missing_sources", [])),
    )


def _outlet(data: dict[str, Any]) -> OutletView:
    return OutletView(
        source_id=data["source"],
        unique=tuple(ref["fact"] for ref in data.get("unique", [])),
        missing=tuple(ref["fact"] for ref in data.get("missing", [])),
        framing=tuple(
            FramingNote(term=n["term"], kind=n["kind"], citation=n["citation"], note=n["note"])
            for n in data.get("framing", [])
        ),
    )
