"""``storyweave eval analysis``: score the cross-source analysis against answer keys.

Each story folder holds raw article files and an ``answers.json`` key (format in
``tests/data/stories/README.md``). The folder is briefed with the real pipeline and every
planted item is looked for in the briefing. Per kind:

- **recall** = planted items found / planted items;
- **precision** = reported items that are right / reported items, where "right" is
  judged as far as a key can judge it (keys list what was planted, not everything true):

  - ``conflict``: found when one conflict divergence has two sides citing sentences that
    hold two different planted values; a reported conflict is right when it matches a
    planted one (those matching a ``compatible`` pair are also counted apart).
  - ``superseded``: found when a superseded divergence cites the stale sentence on its
    first side and an overtaking sentence on another; right when it matches a planted one.
  - ``single_source``: found when a single-source divergence cites the planted sentence;
    a reported one is wrong only when it cites a sentence the key shows in several
    outlets (a side of a conflict, compatible pair, superseded item, multi-outlet quote
    or timeline event): keys list the planted claims, not every single-source one.
  - ``quote``: found when a quote resolved to the planted speaker carries at least two of
    the variants' outlets (one if only one was planted); a quote whose words match a
    planted statement is right when its speaker is the planted one.
  - ``entity``: found when an entity with the planted name (or alias) has a planted role
    (or, when the sources give it none and the key lists none, by its name alone);
    precision is the same test over the reported entities whose name is planted.
  - ``framing``: found when a note of that outlet, at the planted sentence (or marked "In
    the headline" for a title term), has a term sharing a word with the planted term; a
    note is right when it sits in a sentence (or headline) the key marks as framed there.
  - ``timeline``: found when a timeline event cites one of the event's sentences;
    precision is the pairwise order accuracy of the found events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OptionsError
from ..model import Briefing, Entity
from .answer_keys import SentenceFinder, load_key, normalise, source_ids_by_file, words_of

KINDS = ("conflict", "superseded", "single_source", "quote", "entity", "framing", "timeline")
#: Default story folders, relative to the current directory (the repository root).
DEFAULT_STORIES = ("examples/harbour-strike", "tests/data/stories")
#: Words that say nothing about which role or term is meant.
_GENERIC = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "in",
        "on",
        "at",
        "for",
        "to",
        "s",
        "its",
        "his",
        "her",
        "their",
    ]
)

ANALYSIS_EXAMPLES = """\
examples:
  storyweave eval analysis                       # examples/harbour-strike + tests/data/stories/*
  storyweave eval analysis tests/data/stories/summit-orlen --verbose
  storyweave eval analysis --json analysis.json
"""


@dataclass
class KindScore:
    """Counts for one kind over one story (or summed over many)."""

    planted: int = 0
    found: int = 0
    reported: int = 0
    reported_right: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)  # kind-specific counters

    @property
    def recall(self) -> float | None:
        """Planted items found / planted items (``None`` when nothing was planted)."""
        return self.found / self.planted if self.planted else None

    @property
    def precision(self) -> float | None:
        """Right reported items / reported items (``None`` when nothing was reported)."""
        return self.reported_right / self.reported if self.reported else None

    def add(self, other: KindScore) -> None:
        """Add ``other``'s counts into this one."""
        self.planted += other.planted
        self.found += other.found
        self.reported += other.reported
        self.reported_right += other.reported_right
        self.missed += other.missed
        self.wrong += other.wrong
        for name, count in other.extra.items():
            self.extra[name] = self.extra.get(name, 0) + count

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready counts, rates and the missed/wrong items."""
        return {
            "planted": self.planted,
            "found": self.found,
            "reported": self.reported,
            "reported_right": self.reported_right,
            "tp": self.found,
            "fp": self.reported - self.reported_right,
            "fn": self.planted - self.found,
            "precision": self.precision,
            "recall": self.recall,
            "missed": self.missed,
            "wrong": self.wrong,
            **self.extra,
        }


def score_story(briefing: Briefing, key: dict[str, Any]) -> dict[str, KindScore]:
    """Score one briefing against its answer key, per kind (see the module docstring)."""
    finder = SentenceFinder(briefing, source_ids_by_file(briefing, key))
    return {
        "conflict": _score_conflicts(briefing, key, finder),
        "superseded": _score_superseded(briefing, key, finder),
        "single_source": _score_single(briefing, key, finder),
        "quote": score_quotes(briefing, key, finder),
        "entity": _score_entities(briefing, key),
        "framing": _score_framing(briefing, key, finder),
        "timeline": _score_timeline(briefing, key, finder),
    }


def _sides_cover(
    divergence_sides: Sequence[Any], planted: dict[str, Any], finder: SentenceFinder
) -> bool:
    """Whether two different sides cite sentences holding two different planted values."""
    covered: list[set[str]] = []  # per divergence side: the planted values it holds
    for side in divergence_sides:
        values = set()
        for planted_side in planted["sides"]:
            source_id = finder.source_id(planted_side["file"])
            cited = [c for c in side.citations if c.split(".")[0] == source_id]
            if cited and (
                finder.contains(cited, planted_side["value"])
                or set(cited) & finder.ids(planted_side["file"], planted_side["sentence"])
            ):
                values.add(normalise(planted_side["value"]))
        covered.append(values)
    for i, first in enumerate(covered):
        for second in covered[i + 1 :]:
            if any(a != b for a in first for b in second):
                return True
    return False


def _score_conflicts(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    score = KindScore(extra={"compatible_flagged": 0})
    flagged = [d for d in briefing.divergences if d.kind == "conflict"]
    planted = key.get("conflicts", [])
    score.planted = len(planted)
    for item in planted:
        if any(_sides_cover(d.sides, item, finder) for d in flagged):
            score.found += 1
        else:
            score.missed.append(item["what"])
    score.reported = len(flagged)
    for divergence in flagged:
        if any(_sides_cover(divergence.sides, item, finder) for item in planted):
            score.reported_right += 1
            continue
        score.wrong.append(divergence.summary)
        if any(_sides_cover(divergence.sides, c, finder) for c in key.get("compatible", [])):
            score.extra["compatible_flagged"] += 1
    return score


def _superseded_match(divergence: Any, item: dict[str, Any], finder: SentenceFinder) -> bool:
    if len(divergence.sides) < 2:
        return False
    stale = finder.ids(item["stale"]["file"], item["stale"]["sentence"])
    if not stale & set(divergence.sides[0].citations):
        return False
    later = set().union(*(finder.ids(o["file"], o["sentence"]) for o in item["overtaken_by"]))
    return any(later & set(side.citations) for side in divergence.sides[1:])


def _score_superseded(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    score = KindScore()
    flagged = [d for d in briefing.divergences if d.kind == "superseded"]
    planted = key.get("superseded", [])
    score.planted, score.reported = len(planted), len(flagged)
    for item in planted:
        if any(_superseded_match(d, item, finder) for d in flagged):
            score.found += 1
        else:
            score.missed.append(item["what"])
    for divergence in flagged:
        if any(_superseded_match(divergence, item, finder) for item in planted):
            score.reported_right += 1
        else:
            score.wrong.append(divergence.summary)
    return score


def _multi_outlet_sentences(key: dict[str, Any], finder: SentenceFinder) -> set[str]:
    """Sentence ids the key shows as one outlet's version of something several report."""
    groups: list[list[tuple[str, str]]] = []
    for entry in key.get("conflicts", []) + key.get("compatible", []):
        groups.append([(s["file"], s["sentence"]) for s in entry["sides"]])
    for entry in key.get("superseded", []):
        groups.append(
            [(entry["stale"]["file"], entry["stale"]["sentence"])]
            + [(o["file"], o["sentence"]) for o in entry["overtaken_by"]]
        )
    for entry in key.get("quotes", []):
        groups.append([(v["file"], v["text"]) for v in entry["variants"]])
    for entry in key.get("timeline", []):
        groups.append([(s["file"], s["sentence"]) for s in entry["sources"]])
    ids: set[str] = set()
    for group in groups:
        if len({file for file, _ in group}) >= 2:
            for file, sentence in group:
                ids |= finder.ids(file, sentence)
    return ids


def _score_single(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    score = KindScore()
    flagged = [d for d in briefing.divergences if d.kind == "single_source"]
    planted = key.get("single_source", [])
    score.planted, score.reported = len(planted), len(flagged)
    cited = [{c for side in d.sides for c in side.citations} for d in flagged]
    for item in planted:
        wanted = finder.ids(item["file"], item["sentence"])
        if any(wanted & ids for ids in cited):
            score.found += 1
        else:
            score.missed.append(item["what"])
    shared = _multi_outlet_sentences(key, finder)
    for divergence, ids in zip(flagged, cited):
        if ids & shared:
            score.wrong.append(divergence.summary)
        else:
            score.reported_right += 1
    return score


def _same_words(a: str, b: str) -> bool:
    """Whether two wordings of a quote are the same statement (one holds most of the other)."""
    wa, wb = words_of(a), words_of(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6  # "now open" vs the full sentence


def score_quotes(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    """Quote recall and precision (rule in the module docstring); used by the real keys too.

    A planted speaker may list ``aliases``: other spellings the sources themselves use.
    """
    score = KindScore()
    planted = key.get("quotes", [])
    score.planted = len(planted)
    for item in planted:
        files = {finder.source_id(v["file"]) for v in item["variants"]} - {None}
        need = min(2, len(files))
        ok = any(
            quote.speaker
            and normalise(quote.speaker) in _speaker_names(item)
            and len(files & set(quote.source_ids)) >= need
            and any(
                _same_words(m.text, v["text"]) for m in quote.mentions for v in item["variants"]
            )
            for quote in briefing.quotes
        )
        if ok:
            score.found += 1
        else:
            score.missed.append(f"{item['speaker']}: {item['statement']}")
    for quote in briefing.quotes:
        for item in planted:
            if any(
                _same_words(m.text, v["text"]) for m in quote.mentions for v in item["variants"]
            ):
                score.reported += 1
                if quote.speaker and normalise(quote.speaker) in _speaker_names(item):
                    score.reported_right += 1
                else:
                    score.wrong.append(f"{quote.speaker or '(no speaker)'}: {quote.text[:60]}")
                break
    return score


def _speaker_names(item: dict[str, Any]) -> set[str]:
    """The planted speaker and its aliases, normalised."""
    return {normalise(name) for name in (item["speaker"], *item.get("aliases", ()))}


def _role_match(found: str, planted: str) -> bool:
    """Whether a reported role is a planted one: containment after normalising."""
    a = normalise(found.split("(")[0]).strip(" ,.")
    b = normalise(planted.split("(")[0]).strip(" ,.")
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa = {w.rstrip("s") for w in words_of(a) - _GENERIC}
    wb = {w.rstrip("s") for w in words_of(b) - _GENERIC}
    # Keys paraphrase roles ("cafe owner by the ferry terminal" for "runs a cafe opposite
    # the ferry terminal"): half the words of the shorter one in common is the same role.
    return bool(wa and wb) and len(wa & wb) >= min(len(wa), len(wb)) / 2


def _score_entities(briefing: Briefing, key: dict[str, Any]) -> KindScore:
    score = KindScore()
    planted = key.get("entities", [])
    score.planted = len(planted)
    by_name: dict[str, Entity] = {}
    for entity in briefing.entities:
        for name in (entity.name, *entity.aliases):
            by_name.setdefault(normalise(name), entity)
    for item in planted:
        found = by_name.get(normalise(item["name"]))
        if found is None:
            score.missed.append(f"{item['name']} (not found)")
            continue
        entity = found
        score.reported += 1
        # An entity the sources name without giving it any role is found by its name.
        if not item["roles"] or any(
            _role_match(r, p) for r in entity.roles for p in item["roles"]
        ):
            score.found += 1
            score.reported_right += 1
        else:
            score.missed.append(f"{item['name']} (roles {list(entity.roles)})")
            score.wrong.append(f"{entity.name}: {', '.join(entity.roles) or '(no role)'}")
    return score


def _term_match(found: str, planted: str) -> bool:
    """Whether a reported framing term is the planted one: a shared word or containment."""
    a, b = normalise(found).strip("\"' "), normalise(planted).strip("\"' ")
    return a in b or b in a or bool((words_of(a) & words_of(b)) - _GENERIC)


def _score_framing(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    score = KindScore()
    planted = key.get("framing", [])
    score.planted = len(planted)
    views = {view.source_id: view for view in briefing.outlets}
    first_ids = {s.id: s.sentences[0].id for s in briefing.sources if s.sentences}
    marked: dict[str, set[str]] = {}  # source id -> sentence ids the key marks as framed
    headline: set[str] = set()  # source ids with a planted headline term
    for item in planted:
        source_id = finder.source_id(item["file"])
        if source_id is None:
            score.missed.append(f"{item['file']}: {item['term']} (file not briefed)")
            continue
        title = item.get("in") == "title"
        if title:
            headline.add(source_id)
        else:
            marked.setdefault(source_id, set()).update(finder.ids(item["file"], item["sentence"]))
        notes = views[source_id].framing if source_id in views else ()
        hit = any(
            _term_match(n.term, item["term"])
            and (
                (
                    title
                    and n.note.startswith("In the headline")
                    and n.citation == first_ids.get(source_id)
                )
                or (not title and n.citation in finder.ids(item["file"], item["sentence"]))
            )
            for n in notes
        )
        if hit:
            score.found += 1
        else:
            score.missed.append(f"{item['file']}: {item['term']}")
    for view in briefing.outlets:
        for note in view.framing:
            score.reported += 1
            in_headline = note.note.startswith("In the headline")
            if (in_headline and view.source_id in headline) or (
                not in_headline and note.citation in marked.get(view.source_id, set())
            ):
                score.reported_right += 1
            else:
                score.wrong.append(f"{view.source_id}: {note.term} ({note.citation})")
    return score


def _score_timeline(briefing: Briefing, key: dict[str, Any], finder: SentenceFinder) -> KindScore:
    score = KindScore(extra={"pairs": 0, "pairs_in_order": 0})
    planted = key.get("timeline", [])
    score.planted = len(planted)
    positions: list[int] = []
    for item in planted:
        wanted = set().union(*(finder.ids(s["file"], s["sentence"]) for s in item["sources"]))
        where = [i for i, e in enumerate(briefing.timeline) if wanted & set(e.citations)]
        if where:
            score.found += 1
            positions.append(where[0])
        else:
            score.missed.append(f"{item['event']} ({item['when']})")
    for i, first in enumerate(positions):
        for second in positions[i + 1 :]:
            score.extra["pairs"] += 1
            score.extra["pairs_in_order"] += first < second
    # Precision for the timeline is the share of found event pairs in the right order.
    score.reported = score.extra["pairs"]
    score.reported_right = score.extra["pairs_in_order"]
    return score


def story_folders(paths: Sequence[str]) -> list[Path]:
    """Expand the arguments into story folders: a folder with a key, or a folder of them."""
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise OptionsError(
                f"{raw}: no such folder; give story folders (each with answers.json), or run "
                "from the repository root to use the defaults " + ", ".join(DEFAULT_STORIES)
            )
        if (path / "answers.json").is_file():
            folders.append(path)
            continue
        inner = sorted(p for p in path.iterdir() if (p / "answers.json").is_file())
        if not inner:
            raise OptionsError(f"{raw}: no answers.json in it or in its sub-folders")
        folders += inner
    return folders


def evaluate_stories(
    folders: Iterable[Path], model: str | None = None
) -> tuple[dict[str, KindScore], dict[str, dict[str, KindScore]]]:
    """Brief each story folder with the real pipeline; return total and per-story scores."""
    from ..ingest import load
    from ..options import BriefOptions
    from ..pipeline import Briefer

    options = BriefOptions(model=model) if model else BriefOptions()
    briefer = Briefer(options)
    totals = {kind: KindScore() for kind in KINDS}
    per_story: dict[str, dict[str, KindScore]] = {}
    for folder in folders:
        key = load_key(folder)
        loaded = load([str(folder)])
        briefing = briefer.brief(loaded.articles, loaded.problems)
        scores = score_story(briefing, key)
        per_story[key.get("story", folder.name)] = scores
        for kind, score in scores.items():
            totals[kind].add(score)
    return totals, per_story


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def to_markdown(
    totals: dict[str, KindScore], per_story: dict[str, dict[str, KindScore]], verbose: bool = False
) -> str:
    """The per-kind table over all stories, then (``verbose``) each story's misses."""
    lines = [
        f"Analysis against {len(per_story)} answer keys ({', '.join(per_story)})",
        "",
        "| kind | planted | found (TP) | FN | reported | FP | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        s = totals[kind]
        lines.append(
            f"| {kind} | {s.planted} | {s.found} | {s.planted - s.found} | {s.reported} | "
            f"{s.reported - s.reported_right} | {_rate(s.precision)} | {_rate(s.recall)} |"
        )
    conflict = totals["conflict"].extra.get("compatible_flagged", 0)
    lines += [
        "",
        (
            f"Compatible pairs wrongly flagged as conflicts: {conflict}. Timeline precision is "
            "the share of found event pairs in the right order; single-source precision counts "
            "a claim wrong only when the key shows it in several outlets."
        ),
    ]
    if verbose:
        for story, scores in per_story.items():
            lines += ["", f"## {story}", ""]
            for kind in KINDS:
                s = scores[kind]
                lines.append(
                    f"- **{kind}**: found {s.found}/{s.planted}, "
                    f"right {s.reported_right}/{s.reported}"
                )
                lines += [f"  - missed: {m}" for m in s.missed]
                lines += [f"  - wrong: {w}" for w in s.wrong]
    return "\n".join(lines)


def to_json(
    totals: dict[str, KindScore], per_story: dict[str, dict[str, KindScore]]
) -> dict[str, Any]:
    """The whole result as plain JSON values."""
    return {
        "format": "storyweave-eval-analysis/1",
        "kinds": {kind: totals[kind].as_dict() for kind in KINDS},
        "stories": {
            story: {kind: score.as_dict() for kind, score in scores.items()}
            for story, scores in per_story.items()
        },
    }
