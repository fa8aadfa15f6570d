"""``storyweave eval analysis --real``: the cross-source analysis scored on real clusters.

Each real key (:mod:`.real_keys`) names a cluster of the shared data; the cluster is
briefed with the real pipeline and scored per kind with the rules of the fictional keys
(:mod:`.analysis`), with three differences that real text needs:

- **conflict**: a reported conflict covers a planted one when two of its sides cite
  sentences of two planted sides with different values (sides in one ``set`` agree);
  the sentence must match, a value string found elsewhere in the source does not count.
- **precision counts only judged items.** A reported item is right when it matches a
  planted item or a ``judged`` entry marked right; wrong when a ``judged`` entry marks it
  wrong, when a conflict only covers a ``compatible`` pair, or when a single-source claim
  cites a sentence the key shows in several outlets (a side of a multi-outlet conflict,
  compatible pair or superseded item, a multi-outlet quote, a ``shared`` sentence).
  Anything else is **unjudged**: counted apart and listed with its document offsets, so
  that a reader can judge it and record the judgment in the key.
- **quote**: as for the fictional keys (speaker and wording of the planted variants).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Briefing, Divergence
from .analysis import KindScore, score_quotes
from .answer_keys import SentenceFinder, source_ids_by_file
from .real_keys import (
    RealCluster,
    load_real_key,
    locate_in_cluster,
    read_cluster,
    resolve,
)

REAL_KINDS = ("conflict", "superseded", "single_source", "quote")
#: The issue-13 targets for the real keys (conflict, superseded, single-source claims).
TARGET_PRECISION = 0.8
TARGET_RECALL = 0.7

REAL_EXAMPLES = """\
examples:
  storyweave eval analysis --real tests/data/real_keys
  storyweave eval analysis --real tests/data/real_keys/d31022t.json --verbose
  storyweave eval analysis --real tests/data/real_keys --fictional --json real.json
"""


@dataclass
class ClusterResult:
    """One cluster's scores, the reported items judged wrong or not judged, and its timing.

    ``wrong`` and ``unjudged`` hold ``{"kind", "summary", "sides"}`` (``sides``: document
    offsets of every sentence each side cites); ``wrong`` adds ``"why"``.
    """

    scores: dict[str, KindScore]
    unjudged: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class RealResult:
    """Scores per cluster and summed over all clusters."""

    totals: dict[str, KindScore]
    clusters: dict[str, ClusterResult]


def _ids(finder: SentenceFinder, place: dict[str, Any]) -> set[str]:
    return finder.ids(place["file"], place["sentence"])


def _set_of(side: dict[str, Any]) -> str:
    return str(side.get("set") or side.get("value", "")).strip().lower()


def _covers(divergence: Divergence, planted: dict[str, Any], finder: SentenceFinder) -> bool:
    """Whether two sides of the divergence cite planted sides with different values."""
    held: list[set[str]] = []
    for side in divergence.sides:
        cited = set(side.citations)
        held.append({_set_of(p) for p in planted["sides"] if cited & _ids(finder, p)})
    return any(
        a != b
        for i, first in enumerate(held)
        for second in held[i + 1 :]
        for a in first
        for b in second
    )


def _superseded_match(
    divergence: Divergence,
    stale: dict[str, Any],
    later: Sequence[dict[str, Any]],
    finder: SentenceFinder,
) -> bool:
    if len(divergence.sides) < 2 or not _ids(finder, stale) & set(divergence.sides[0].citations):
        return False
    overtaking = set().union(*(_ids(finder, o) for o in later)) if later else set()
    return any(overtaking & set(side.citations) for side in divergence.sides[1:])


def _judged_conflict(divergence: Divergence, entry: dict[str, Any], finder: SentenceFinder) -> bool:
    """Whether the divergence is the conflict a judged entry describes (side by side)."""
    where = [
        {i for i, side in enumerate(divergence.sides) if set(side.citations) & _ids(finder, s)}
        for s in entry.get("sides", [])
    ]
    if len(where) < 2 or not all(where):
        return False
    return any(
        a != b
        for i, first in enumerate(where)
        for second in where[i + 1 :]
        for a in first
        for b in second
    )


def _judgment(
    divergence: Divergence, key: dict[str, Any], finder: SentenceFinder
) -> dict[str, Any] | None:
    """The judged entry that describes this reported item, if any."""
    cited = {c for side in divergence.sides for c in side.citations}
    for entry in key.get("judged", []):
        if entry["kind"] != divergence.kind:
            continue
        if entry["kind"] == "single_source" and cited & _ids(finder, entry):
            return entry
        if entry["kind"] == "conflict" and _judged_conflict(divergence, entry, finder):
            return entry
        if entry["kind"] == "superseded" and _superseded_match(
            divergence, entry["stale"], entry["overtaken_by"], finder
        ):
            return entry
    return None


def _multi_outlet(key: dict[str, Any], finder: SentenceFinder) -> set[str]:
    """Briefing sentence ids the key shows as one outlet's part of a multi-outlet report."""
    groups: list[list[dict[str, Any]]] = []
    groups += [e["sides"] for e in key["conflicts"] + key["compatible"]]
    groups += [[e["stale"], *e["overtaken_by"]] for e in key["superseded"]]
    groups += [[dict(v, sentence=v["text"]) for v in e["variants"]] for e in key["quotes"]]
    ids: set[str] = set()
    for group in groups:
        if len({place["file"] for place in group}) >= 2:
            for place in group:
                ids |= _ids(finder, place)
    for place in key["shared"]:
        ids |= _ids(finder, place)
    return ids


def _classify(
    divergence: Divergence, key: dict[str, Any], finder: SentenceFinder, shared: set[str]
) -> tuple[str, str]:
    """``("right"|"wrong"|"unjudged", reason)`` for one reported divergence."""
    cited = {c for side in divergence.sides for c in side.citations}
    if divergence.kind == "conflict":
        if any(_covers(divergence, item, finder) for item in key["conflicts"]):
            return "right", "planted"
    elif divergence.kind == "superseded":
        if any(
            _superseded_match(divergence, i["stale"], i["overtaken_by"], finder)
            for i in key["superseded"]
        ):
            return "right", "planted"
    elif any(cited & _ids(finder, item) for item in key["single_source"]):
        return "right", "planted"
    judged = _judgment(divergence, key, finder)
    if judged is not None:
        return ("right" if judged["right"] else "wrong"), judged.get("why", "judged")
    if divergence.kind == "conflict" and any(
        _covers(divergence, item, finder) for item in key["compatible"]
    ):
        return "wrong", "compatible pair"
    if divergence.kind == "single_source" and cited & shared:
        return "wrong", "reported by several outlets (key)"
    return "unjudged", ""


def _found(
    item: dict[str, Any], kind: str, flagged: list[Divergence], finder: SentenceFinder
) -> bool:
    if kind == "conflict":
        return any(_covers(d, item, finder) for d in flagged)
    if kind == "superseded":
        return any(
            _superseded_match(d, item["stale"], item["overtaken_by"], finder) for d in flagged
        )
    wanted = _ids(finder, item)
    return any(wanted & {c for side in d.sides for c in side.citations} for d in flagged)


def _where(divergence: Divergence, briefing: Briefing, cluster: RealCluster) -> list[list[Any]]:
    """Document offsets of every sentence each side cites (for judging by hand)."""
    text = {s.id: (src.origin, s.text) for src in briefing.sources for s in src.sentences}
    out = []
    for side in divergence.sides:
        spans = []
        for citation in side.citations:
            origin, sentence = text.get(citation, ("", ""))
            spans.append(locate_in_cluster(cluster, origin, sentence) or {"citation": citation})
        out.append(spans)
    return out


def score_cluster(briefing: Briefing, key: dict[str, Any], cluster: RealCluster) -> ClusterResult:
    """Score one briefing against one resolved real key (see the module docstring)."""
    finder = SentenceFinder(briefing, source_ids_by_file(briefing, key))
    shared = _multi_outlet(key, finder)
    result = ClusterResult(scores={})
    planted_lists = {
        "conflict": "conflicts",
        "superseded": "superseded",
        "single_source": "single_source",
    }
    for kind, list_name in planted_lists.items():
        score = KindScore(extra={"unjudged": 0})
        flagged = [d for d in briefing.divergences if d.kind == kind]
        planted = key[list_name]
        score.planted = len(planted)
        for item in planted:
            if _found(item, kind, flagged, finder):
                score.found += 1
            else:
                score.missed.append(item.get("what", ""))
        for divergence in flagged:
            verdict, why = _classify(divergence, key, finder, shared)
            if verdict == "right":
                score.reported += 1
                score.reported_right += 1
                continue
            item = {
                "kind": kind,
                "summary": divergence.summary,
                "sides": _where(divergence, briefing, cluster),
            }
            if verdict == "unjudged":
                score.extra["unjudged"] += 1
                result.unjudged.append(item)
                continue
            score.reported += 1
            score.wrong.append(f"{divergence.summary} [{why}]")
            result.wrong.append(dict(item, why=why))
            if why == "compatible pair":
                score.extra["compatible_flagged"] = score.extra.get("compatible_flagged", 0) + 1
        result.scores[kind] = score
    result.scores["quote"] = score_quotes(briefing, key, finder)
    return result


def evaluate_real(
    paths: Sequence[Path], root: str | Path | None = None, model: str | None = None
) -> RealResult:
    """Brief every cluster the keys name with the real pipeline and score it."""
    from ..options import BriefOptions
    from ..pipeline import Briefer

    briefer = Briefer(BriefOptions(model=model) if model else BriefOptions())
    totals = {kind: KindScore(extra={"unjudged": 0}) for kind in REAL_KINDS}
    clusters: dict[str, ClusterResult] = {}
    for path in paths:
        key = load_real_key(path)
        cluster = read_cluster(key, root)
        started = time.perf_counter()
        briefing = briefer.brief(cluster.articles)
        result = score_cluster(briefing, resolve(key, cluster), cluster)
        result.seconds = time.perf_counter() - started
        clusters[key["cluster"]] = result
        for kind, score in result.scores.items():
            totals[kind].add(score)
    return RealResult(totals, clusters)


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _cell(score: KindScore) -> str:
    unjudged = score.extra.get("unjudged", 0)
    mark = f" +{unjudged}?" if unjudged else ""
    return f"{_rate(score.precision)} / {_rate(score.recall)}{mark}"


def to_markdown(result: RealResult, verbose: bool = False) -> str:
    """P / R per kind per cluster and overall; ``verbose`` adds misses, errors, unjudged."""
    header = "| cluster | " + " | ".join(f"{k} P / R" for k in REAL_KINDS) + " |"
    lines = [
        f"Cross-source analysis against {len(result.clusters)} real answer keys",
        "",
        header,
        "|---|" + "---:|" * len(REAL_KINDS),
    ]
    for name, cluster in result.clusters.items():
        lines.append(
            f"| {name} | " + " | ".join(_cell(cluster.scores[k]) for k in REAL_KINDS) + " |"
        )
    lines.append("| **all** | " + " | ".join(_cell(result.totals[k]) for k in REAL_KINDS) + " |")
    lines += [
        "",
        "| kind | planted | found | reported (judged) | right | unjudged | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in REAL_KINDS:
        s = result.totals[kind]
        lines.append(
            f"| {kind} | {s.planted} | {s.found} | {s.reported} | {s.reported_right} | "
            f"{s.extra.get('unjudged', 0)} | {_rate(s.precision)} | {_rate(s.recall)} |"
        )
    lines += [
        "",
        (
            "Precision counts judged items only; '+N?' marks reported items no key entry "
            f"judges yet. Targets: precision >= {TARGET_PRECISION}, recall >= "
            f"{TARGET_RECALL} for conflict, superseded and single_source."
        ),
    ]
    if verbose:
        for name, cluster in result.clusters.items():
            lines += ["", f"## {name} ({cluster.seconds:.1f} s)", ""]
            for kind in REAL_KINDS:
                s = cluster.scores[kind]
                lines.append(
                    f"- **{kind}**: found {s.found}/{s.planted}, "
                    f"right {s.reported_right}/{s.reported}"
                )
                lines += [f"  - missed: {m}" for m in s.missed]
                lines += [f"  - wrong: {w}" for w in s.wrong]
            for item in cluster.unjudged:
                lines.append(f"- unjudged {item['kind']}: {item['summary']} {item['sides']}")
    return "\n".join(lines)


def side_by_side(real: dict[str, KindScore], fictional: dict[str, KindScore]) -> str:
    """One table: precision and recall per kind on the real and on the fictional keys."""
    lines = [
        "| kind | real P | real R | fictional P | fictional R |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in REAL_KINDS:
        r, f = real[kind], fictional[kind]
        lines.append(
            f"| {kind} | {_rate(r.precision)} | {_rate(r.recall)} | "
            f"{_rate(f.precision)} | {_rate(f.recall)} |"
        )
    return "\n".join(lines)


def to_json(result: RealResult, fictional: dict[str, KindScore] | None = None) -> dict[str, Any]:
    """The whole result as plain JSON values (with the fictional totals when given)."""
    out: dict[str, Any] = {
        "format": "storyweave-eval-real-analysis/1",
        "kinds": {kind: result.totals[kind].as_dict() for kind in REAL_KINDS},
        "clusters": {
            name: {
                "seconds": round(cluster.seconds, 2),
                "kinds": {kind: cluster.scores[kind].as_dict() for kind in REAL_KINDS},
                "unjudged": cluster.unjudged,
                "wrong": cluster.wrong,
            }
            for name, cluster in result.clusters.items()
        },
    }
    if fictional is not None:
        out["fictional"] = {kind: fictional[kind].as_dict() for kind in REAL_KINDS}
    return out
