"""The briefing as JSON: a versioned, documented schema (``briefing.schema.json`` beside this file).

Bump :data:`SCHEMA_VERSION` on any change to the shape: the minor number for additions,
the major number for removals or renames.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..model import Briefing, Divergence, OutletView, Quote, Source
from .common import fact_index, quote_variants

SCHEMA_VERSION = "1.1"  # 1.1: divergences, entities, timeline, outlets, quote variants


def to_dict(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain JSON-ready values, in the documented schema."""
    from .. import __version__

    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"storyweave {__version__}",
        "settings": dict(briefing.settings),
        "notes": list(briefing.notes),
        "problems": [
            {"input": p.input, "problem": p.problem, "stage": p.stage} for p in briefing.problems
        ],
        "sources": [_source(s) for s in briefing.sources],
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
    }


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "speaker": quote.speaker,
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
