"""The briefing as JSON, both ways: a versioned, documented schema (``briefing.schema.json``
beside this file), written by :func:`to_dict` and read back by :func:`briefing_from_dict`.

Bump :data:`SCHEMA_VERSION` on any change to the shape: the minor number for additions,
the major number for removals or renames.

Reading back rebuilds a :class:`~storyweave.model.Briefing` so that a stored briefing can be
rendered again as a page. Derived fields of the JSON (source labels, quote variants, the
fact texts repeated in outlet views) are rebuilt by the renderers and ignored there.
Optional keys may be missing (a briefing stored by an older schema version still loads).
``tests/test_server.py`` checks the round trip.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources
from typing import Any

from ..model import (
    Briefing,
    CopyGroup,
    CopyLink,
    Divergence,
    Entity,
    Fact,
    FramingNote,
    InputProblem,
    OutletProfile,
    OutletView,
    Quote,
    QuoteMention,
    RemovedLine,
    Sentence,
    Side,
    Source,
    StoryCheck,
    StoryGroup,
    SummarySentence,
    TimelineEvent,
)
from ..version import __version__
from .common import fact_index, quote_variants
from .outline import sections, top_card

#: 1.1: divergences, entities, timeline, outlets, quote variants; 1.2: story_check, fact claim;
#: 1.3: framing kind "loaded"; 1.4: top (the top card), sections, sides (coverage by side,
#: blindspots), source profiles; 1.5: copies (sources that carry the same text), facts'
#: and the top card's independent reports.
SCHEMA_VERSION = "1.5"


def to_dict(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain JSON-ready values, in the documented schema."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"storyweave {__version__}",
        "settings": dict(briefing.settings),
        "notes": list(briefing.notes),
        "story_check": {
            "one_story": briefing.story_check.one_story,
            "groups": [
                {"sources": list(g.source_ids), "title": g.title}
                for g in briefing.story_check.groups
            ],
            "off_topic": list(briefing.story_check.off_topic),
        },
        "problems": [
            {"input": p.input, "problem": p.problem, "stage": p.stage} for p in briefing.problems
        ],
        "sources": [_source(s) for s in briefing.sources],
        "copies": [
            {
                "sources": list(group.source_ids),
                "links": [
                    {"source": k.source_id, "of": k.of, "shared": k.shared, "sentences": k.sentences}
                    for k in group.links
                ],
            }
            for group in briefing.copies
        ],
        "summary": [
            {
                "text": line.text,
                "fact": line.fact_id,
                "citations": list(line.citations),
                "sources": list(line.source_ids),
            }
            for line in briefing.summary
        ],
        "facts": [
            {
                "id": fact.id,
                "text": fact.text,
                "citations": list(fact.sentence_ids),
                "sources": list(fact.source_ids),
                "centrality": round(fact.centrality, 4),
                "claim": fact.claim,
                "independent": briefing.independent(fact.source_ids),
            }
            for fact in briefing.facts
        ],
        "quotes": [_quote(q) for q in briefing.quotes],
        "divergences": [_divergence(d) for d in briefing.divergences],
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "roles": list(e.roles),
                "aliases": list(e.aliases),
                "sources": list(e.source_ids),
                "citations": list(e.citations),
            }
            for e in briefing.entities
        ],
        "timeline": [
            {
                "when": t.when,
                "date": t.date,
                "text": t.text,
                "citations": list(t.citations),
                "sources": list(t.source_ids),
            }
            for t in briefing.timeline
        ],
        "outlets": [_outlet(view, briefing) for view in briefing.outlets],
        "top": _top(briefing),
        "sections": [{"key": s.key, "title": s.title} for s in sections(briefing)],
        "sides": _sides(briefing),
    }


def _top(briefing: Briefing) -> dict[str, Any]:
    """The top card: what every format shows first (see :mod:`.outline`)."""
    card = top_card(briefing)
    return {
        "headline": card.headline,
        "lede": [
            {"text": line.text, "citations": list(line.citations), "sources": list(line.source_ids)}
            for line in card.lede
        ],
        "reports": card.reports,
        "outlets": card.outlets,
        "independent": card.independent,
        "agreement": {
            "agreed": card.agreed,
            "conflicts": card.conflicts,
            "overtaken": card.overtaken,
            "single_source": card.single_source,
            "share": card.agreement,
        },
        "sides": [{"side": c.side, "outlets": len(c.outlets)} for c in card.sides],
        "divergences": [
            {"divergence": h.index, "kind": h.kind, "text": h.text} for h in card.headlines
        ],
    }


def _sides(briefing: Briefing) -> dict[str, Any] | None:
    view = briefing.sides
    if view is None:
        return None
    return {
        "key": view.key,
        "coverage": [
            {"side": c.side, "outlets": list(c.outlets), "sources": list(c.source_ids)}
            for c in view.coverage
        ],
        "unlabelled": list(view.unlabelled),
        "claims": [
            {
                "kind": c.kind,
                "fact": c.fact_id,
                "divergence": c.divergence,
                "text": c.text,
                "citations": list(c.citations),
                "sources": list(c.source_ids),
                "sides": list(c.sides),
                "blindspot_of": list(c.blindspot_of),
            }
            for c in view.claims
        ],
    }


def render_json(briefing: Briefing, *, indent: int | None = 2) -> str:
    """The briefing as a JSON document (UTF-8 text, keys in schema order)."""
    return json.dumps(to_dict(briefing), ensure_ascii=False, indent=indent) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that :func:`to_dict` output satisfies."""
    text = resources.files(__package__).joinpath("briefing.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _source(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "label": source.label,
        "title": source.title,
        "outlet": source.outlet,
        "byline": source.byline,
        "origin": source.origin,
        "url": source.url,
        "published": source.published,
        "kind": source.kind,
        "sentences": [
            {"id": s.id, "text": s.text, "paragraph": s.paragraph, "speaker": s.turn_speaker}
            for s in source.sentences
        ],
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in source.removed],
        "profile": (
            {"name": source.profile.name, "labels": dict(source.profile.labels)}
            if source.profile is not None
            else None
        ),
    }


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "speaker": quote.speaker,
        "kind": quote.kind,
        "text": quote.text,
        "citations": list(quote.sentence_ids),
        "sources": list(quote.source_ids),
        "variants": [
            {"text": v.text, "sources": list(v.source_ids), "citations": list(v.citations)}
            for v in quote_variants(quote)
        ],
        "mentions": [
            {
                "source": m.source_id,
                "speaker_as_written": m.speaker_as_written,
                "text": m.text,
                "citations": list(m.sentence_ids),
                "kind": m.kind,
            }
            for m in quote.mentions
        ],
    }


def _divergence(divergence: Divergence) -> dict[str, Any]:
    return {
        "kind": divergence.kind,
        "summary": divergence.summary,
        "sides": [
            {
                "text": side.text,
                "value": side.value,
                "citations": list(side.citations),
                "sources": list(side.source_ids),
            }
            for side in divergence.sides
        ],
        "facts": list(divergence.fact_ids),
        "missing_sources": list(divergence.missing_source_ids),
        "score": round(divergence.score, 4),
    }


def _outlet(view: OutletView, briefing: Briefing) -> dict[str, Any]:
    facts = fact_index(briefing)

    def fact_ref(fact_id: str) -> dict[str, Any]:
        fact = facts[fact_id]
        return {
            "fact": fact.id,
            "text": fact.text,
            "citations": list(fact.sentence_ids),
            "sources": list(fact.source_ids),
        }

    return {
        "source": view.source_id,
        "unique": [fact_ref(f) for f in view.unique],
        "missing": [fact_ref(f) for f in view.missing],
        "framing": [
            {"term": n.term, "kind": n.kind, "citation": n.citation, "note": n.note}
            for n in view.framing
        ],
    }


# --------------------------------------------------------------------- reading back


def briefing_from_dict(data: dict[str, Any]) -> Briefing:
    """Rebuild a Briefing from :func:`~storyweave.render.json.to_dict` output.

    The document may come from a file or a store that someone edited: ids that do not
    have the schema's shape (``s1``, ``s1.2``, ``f3``), or citations of sentences and
    sources it does not hold, raise ``ValueError`` (renderers put ids into attributes).
    """
    sources = tuple(_source_from(s) for s in data["sources"])
    text_of = {s.id: s.text for source in sources for s in source.sentences}
    briefing = _briefing_from(data, sources, text_of)
    _check_ids(briefing)
    return briefing


_SOURCE_ID = re.compile(r"s[0-9]{1,9}")
_SENTENCE_ID = re.compile(r"s[0-9]{1,9}\.[0-9]{1,9}")
_FACT_ID = re.compile(r"f[0-9]{1,9}")


def _check_ids(briefing: Briefing) -> None:
    """Every id has the schema's shape and every reference points into the briefing."""
    sources = {source.id for source in briefing.sources}
    sentences = set()
    for source in briefing.sources:
        if not _SOURCE_ID.fullmatch(source.id):
            raise ValueError(f"source id {source.id[:40]!r} is not of the form s1")
        for sentence in source.sentences:
            if not (_SENTENCE_ID.fullmatch(sentence.id)
                    and sentence.id.split(".", 1)[0] == source.id):
                raise ValueError(f"sentence id {sentence.id[:40]!r} is not of the form {source.id}.1")
            sentences.add(sentence.id)
    cited = [c for line in briefing.summary for c in line.citations]
    cited += [c for fact in briefing.facts for c in fact.sentence_ids]
    cited += [c for quote in briefing.quotes for c in quote.sentence_ids]
    cited += [c for q in briefing.quotes for m in q.mentions for c in m.sentence_ids]
    cited += [c for d in briefing.divergences for side in d.sides for c in side.citations]
    cited += [c for entity in briefing.entities for c in entity.citations]
    cited += [c for event in briefing.timeline for c in event.citations]
    cited += [note.citation for view in briefing.outlets for note in view.framing]
    named = [s for line in briefing.summary for s in line.source_ids]
    named += [s for fact in briefing.facts for s in fact.source_ids]
    named += [s for quote in briefing.quotes for s in quote.source_ids]
    named += [m.source_id for quote in briefing.quotes for m in quote.mentions]
    named += [s for d in briefing.divergences for side in d.sides for s in side.source_ids]
    named += [s for d in briefing.divergences for s in d.missing_source_ids]
    named += [s for entity in briefing.entities for s in entity.source_ids]
    named += [s for event in briefing.timeline for s in event.source_ids]
    named += [view.source_id for view in briefing.outlets]
    named += [s for group in briefing.story_check.groups for s in group.source_ids]
    named += [s for group in briefing.copies for s in group.source_ids]
    named += [s for group in briefing.copies for k in group.links for s in (k.source_id, k.of)]
    unknown = next((c for c in cited if c not in sentences), None)
    if unknown is not None:
        raise ValueError(f"citation {str(unknown)[:40]!r} names no sentence of the briefing")
    unknown = next((s for s in named if s not in sources), None)
    if unknown is not None:
        raise ValueError(f"source {str(unknown)[:40]!r} is not one of the briefing's")
    for fact_id in [f.id for f in briefing.facts] + [
        i for d in briefing.divergences for i in d.fact_ids
    ] + [i for view in briefing.outlets for i in (*view.unique, *view.missing)]:
        if not _FACT_ID.fullmatch(fact_id):
            raise ValueError(f"fact id {fact_id[:40]!r} is not of the form f1")


def _briefing_from(
    data: dict[str, Any], sources: tuple[Source, ...], text_of: dict[str, str]
) -> Briefing:
    check = data.get("story_check") or {}
    briefing = Briefing(
        story_check=StoryCheck(
            groups=tuple(
                StoryGroup(tuple(g["sources"]), g.get("title", "")) for g in check.get("groups", ())
            )
        ),
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
                claim=bool(f.get("claim", True)),
            )
            for f in data.get("facts", [])
        ),
        quotes=tuple(_quote_from(q) for q in data.get("quotes", [])),
        problems=tuple(
            InputProblem(p["input"], p["problem"], p.get("stage", "load"))
            for p in data.get("problems", [])
        ),
        notes=tuple(data.get("notes", [])),
        settings=dict(data.get("settings", {})),
        divergences=tuple(_divergence_from(d) for d in data.get("divergences", [])),
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
        outlets=tuple(_outlet_from(o) for o in data.get("outlets", [])),
        copies=tuple(
            CopyGroup(
                tuple(group["sources"]),
                tuple(
                    CopyLink(k["source"], k["of"], int(k["shared"]), int(k["sentences"]))
                    for k in group.get("links", [])
                ),
            )
            for group in data.get("copies", [])
        ),
    )
    # The side view is derived: rebuilt from the sources' profiles, as the pipeline made it.
    sides = data.get("sides")
    if isinstance(sides, dict) and isinstance(sides.get("key"), str):
        from ..views.sides import side_view

        view = side_view(briefing.sources, briefing.facts, briefing.divergences, sides["key"])
        briefing = replace(briefing, sides=view)
    return briefing


def _representative(fact: dict[str, Any], text_of: dict[str, str]) -> str:
    """The cited sentence whose text the fact shows (the JSON does not name it)."""
    for sentence_id in fact["citations"]:
        if text_of.get(sentence_id) == fact["text"]:
            return str(sentence_id)
    return str(fact["citations"][0]) if fact["citations"] else ""


def _source_from(data: dict[str, Any]) -> Source:
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
        profile=_profile_from(data.get("profile")),
    )


def _profile_from(data: Any) -> OutletProfile | None:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    labels = data.get("labels") or {}
    return OutletProfile(
        name=data["name"],
        labels=tuple((str(k), str(v)) for k, v in labels.items()) if isinstance(labels, dict) else (),
    )


def _quote_from(data: dict[str, Any]) -> Quote:
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
        kind=data.get("kind", "quoted"),  # absent in briefings written before it existed
    )


def _divergence_from(data: dict[str, Any]) -> Divergence:
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


def _outlet_from(data: dict[str, Any]) -> OutletView:
    return OutletView(
        source_id=data["source"],
        unique=tuple(ref["fact"] for ref in data.get("unique", [])),
        missing=tuple(ref["fact"] for ref in data.get("missing", [])),
        framing=tuple(
            FramingNote(term=n["term"], kind=n["kind"], citation=n["citation"], note=n["note"])
            for n in data.get("framing", [])
        ),
    )
