"""``storyweave eval framing``: framing measured on real annotations.

**BASIL** (HuffPost / NYT / Fox News triplets, every loaded word annotated as a
lexical-bias span with character offsets). Each triplet is briefed with the real
pipeline; every framing term the briefing reports (loaded labels, hedges, scare quotes,
learned loaded words; body and headline) is mapped back to its character offsets in the
document's text or title and scored:

- **recall**: share of the lexical spans *outside quotes* (text and title) that a
  reported term overlaps;
- **on lexical**: share of reported terms that overlap a lexical span, in or out of
  quotes (a term that cannot be placed counts as off every span);
- **on any span**: the same with informational spans counted too (those cover whole
  clauses, so this is the more lenient figure);
- **terms / article**.

The learned loaded-word model is scored by *cross-validation grouped by triplet*: the
triplets are dealt into folds (sorted ids, round robin), a model is trained on the other
folds only (:mod:`.framing_train`) and the held-out triplets are briefed with it. The
same table shows the fixed lists alone, a VADER-lexicon baseline (the most intense
VADER words outside quotes, as many per outlet as the model may report) and the shipped
model scored in-sample (trained on all of BASIL dev: not a prediction for new stories).

**NeuS and AllSides** (three outlets' excerpts, a human neutral summary). storyweave
briefs each cluster at the length of its neutral summary; the same-length lead baseline
takes documents' first sentences round robin up to as many words as storyweave's
summary has. Loaded-word rate = words whose stem is in the loaded-word list derived from
BASIL dev (lexicon stems marked as loaded in at least
:data:`~storyweave.views.framing_model.LOADED_MIN_RATE` of their occurrences) / all words,
pooled over clusters; ROUGE F1 (rouge-score, stemmed) against
the neutral summary.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OptionsError
from ..model import Briefing
from ..nlp.tokens import STOPWORDS, stem, words
from ..views.framing_model import LOADED_MIN_RATE, LoadedWordModel, candidate_words
from .basil import Triplet, overlaps, placed_terms, read_triplets, sentence_offsets

#: Where the shared data lives unless ``STORYWEAVE_DATA`` says otherwise (relative to the
#: current directory: the repository root, with shared/ beside it).
DEFAULT_DATA = "../shared/data"
BASIL_FILE = "real_news/basil_dev.jsonl.gz"
NEUS_FILE = "real_news/neus_dev.jsonl.gz"
ALLSIDES_FILE = "real_news/allsides_raw_dev.jsonl.gz"
#: Folds of the grouped cross-validation (the issue's protocol).
DEFAULT_FOLDS = 5
#: VADER valence (-4..4) from which the baseline reports a word: VADER's own guide calls
#: |valence| >= 2 clearly positive or negative.
VADER_MIN_VALENCE = 2.0
#: ROUGE budget for the summary comparison: never binding, lengths are matched by design.
_NO_CUT = 100_000

@dataclass
class FramingCounts:
    """Counts of one system over some triplets."""

    articles: int = 0
    spans: int = 0  # non-quote lexical spans (text and title)
    found: int = 0
    terms: int = 0
    on_lexical: int = 0
    on_any: int = 0
    unplaced: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [terms, on lexical]

    def add(self, other: FramingCounts) -> None:
        """Add ``other`` into this one."""
        for name in ("articles", "spans", "found", "terms", "on_lexical", "on_any", "unplaced"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, (terms, right) in other.by_kind.items():
            mine = self.by_kind.setdefault(kind, [0, 0])
            mine[0] += terms
            mine[1] += right

    @property
    def recall(self) -> float:
        """Share of non-quote lexical spans a reported term overlaps."""
        return self.found / self.spans if self.spans else 0.0

    @property
    def precision(self) -> float:
        """Share of reported terms on a lexical span (in or out of quotes)."""
        return self.on_lexical / self.terms if self.terms else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready counts and rates."""
        return {
            "articles": self.articles,
            "nonquote_lexical_spans": self.spans,
            "spans_found": self.found,
            "recall": self.recall,
            "terms": self.terms,
            "terms_on_lexical_span": self.on_lexical,
            "share_on_lexical_span": self.precision,
            "terms_on_any_span": self.on_any,
            "share_on_any_span": self.on_any / self.terms if self.terms else 0.0,
            "terms_per_article": self.terms / self.articles if self.articles else 0.0,
            "unplaced_terms": self.unplaced,
            "by_kind": {
                k: {"terms": t, "on_lexical": r, "share": r / t if t else 0.0}
                for k, (t, r) in sorted(self.by_kind.items())
            },
        }


# (document index, "text"/"title", start, end, kind) of one reported term
Term = tuple[int, str, int, int, str]


def score_terms(triplet: Triplet, terms: Iterable[Term], unplaced: int = 0) -> FramingCounts:
    """Score reported terms of one triplet against its annotated spans."""
    counts = FramingCounts(articles=len(triplet.articles), unplaced=unplaced)
    terms = list(terms)
    targets = [
        (i, s) for i, s in enumerate(triplet.spans) if s.bias == "lexical" and not s.quote
    ]
    counts.spans = len(targets)
    counts.found = sum(
        any(d == s.doc and w == s.where and a < s.end and s.start < b for d, w, a, b, _ in terms)
        for _, s in targets
    )
    counts.terms = len(terms) + unplaced
    for doc, where, start, end, kind in terms:
        here = [s for s in triplet.spans if s.doc == doc and s.where == where]
        lexical = overlaps(start, end, [s for s in here if s.bias == "lexical"])
        counts.on_lexical += lexical
        counts.on_any += overlaps(start, end, here)
        entry = counts.by_kind.setdefault(kind, [0, 0])
        entry[0] += 1
        entry[1] += lexical
    if unplaced:
        counts.by_kind.setdefault("unplaced", [0, 0])[0] += unplaced
    return counts


def briefing_terms(triplet: Triplet, briefing: Briefing) -> tuple[list[Term], int]:
    """The briefing's framing terms at their document offsets, and how many were lost."""
    terms: list[Term] = []
    lost = 0
    for source, doc in zip(briefing.sources, _doc_indices(triplet, briefing)):
        placed, missing = placed_terms(
            briefing, source, triplet.texts[doc], triplet.titles[doc]
        )
        lost += missing
        terms += [(doc, p.where, p.start, p.end, p.note.kind) for p in placed]
    return terms, lost


def _doc_indices(triplet: Triplet, briefing: Briefing) -> list[int]:
    """Document index of each briefed source (sources follow the articles that survived)."""
    by_origin = {a.origin: i for a, i in zip(triplet.articles, triplet.doc_index)}
    return [by_origin[s.origin] for s in briefing.sources]


def vader_terms(
    triplet: Triplet, briefing: Briefing, vectors: np.ndarray, lexicon: dict[str, float],
    per_source: int,
) -> list[Term]:
    """The baseline: per outlet, the ``per_source`` words outside quotes with the highest
    VADER |valence| (at least :data:`VADER_MIN_VALENCE`), each word once."""
    sentences = [s for source in briefing.sources for s in source.sentences]
    found = candidate_words(briefing.sources, briefing.facts, sentences, vectors)
    docs = dict(zip((s.id for s in briefing.sources), _doc_indices(triplet, briefing)))
    offsets = {
        s.id: sentence_offsets(s, triplet.texts[docs[s.id]]) for s in briefing.sources
    }
    terms: list[Term] = []
    for source in briefing.sources:
        scored = [
            (abs(lexicon.get(c.word.lower(), 0.0)), i, c)
            for i, c in enumerate(found)
            if c.sentence.source_id == source.id
        ]
        scored = [x for x in scored if x[0] >= VADER_MIN_VALENCE]
        scored.sort(key=lambda x: (-x[0], x[1]))
        seen: set[str] = set()
        for _, _, c in scored:
            at = offsets[source.id].get(c.sentence.id)
            if at is None or c.word.lower() in seen:
                continue
            seen.add(c.word.lower())
            terms.append((docs[source.id], "text", at + c.start, at + c.end, "vader"))
            if len(seen) >= per_source:
                break
    return terms


def _vader_lexicon() -> dict[str, float] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return dict(SentimentIntensityAnalyzer().lexicon)


def evaluate_basil(
    path: str | Path,
    *,
    folds: int = DEFAULT_FOLDS,
    limit: int | None = None,
    model: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Every framing system on BASIL (see the module docstring); counts per system."""
    from ..embed import load_embedder, remembering
    from ..options import BriefOptions
    from ..pipeline import Briefer
    from .framing_train import examples_of, fit, grouped_folds

    triplets = list(read_triplets(path, limit=limit))
    if len(triplets) < max(folds, 2):
        raise OptionsError(f"{path}: {len(triplets)} triplets; cross-validation needs {folds}")
    options = BriefOptions(model=model) if model else BriefOptions()
    embedder = remembering(load_embedder(options.model, threads=options.threads))
    fixed = Briefer(options, embedder=embedder, framing_model=LoadedWordModel.off())
    vader = _vader_lexicon()
    shipped = LoadedWordModel.load()
    systems: dict[str, FramingCounts] = {
        "storyweave (cross-validated)": FramingCounts(),
        "fixed lists only": FramingCounts(),
    }
    if vader is not None:
        systems["VADER baseline"] = FramingCounts()
    systems["storyweave (shipped model, in-sample)"] = FramingCounts()
    examples: dict[str, list[Any]] = {}
    for i, triplet in enumerate(triplets):
        _tick(progress, "brief", i, len(triplets))
        briefing = fixed.brief(triplet.articles)
        sentences = [s for source in briefing.sources for s in source.sentences]
        vectors = embedder.encode([s.text for s in sentences])
        examples[triplet.id] = examples_of(triplet, briefing, vectors)
        terms, lost = briefing_terms(triplet, briefing)
        systems["fixed lists only"].add(score_terms(triplet, terms, lost))
        if vader is not None:
            systems["VADER baseline"].add(
                score_terms(
                    triplet, vader_terms(triplet, briefing, vectors, vader, shipped.max_per_source)
                )
            )
    fold_thresholds = []
    for number, held_out in enumerate(grouped_folds([t.id for t in triplets], folds)):
        _tick(progress, "cross-validate", number, folds)
        held = set(held_out)
        train = [e for tid, rows in examples.items() if tid not in held for e in rows]
        fold_model = fit(train)
        fold_thresholds.append(fold_model.threshold)
        briefer = Briefer(options, embedder=embedder, framing_model=fold_model)
        for triplet in triplets:
            if triplet.id in held:
                terms, lost = briefing_terms(triplet, briefer.brief(triplet.articles))
                systems["storyweave (cross-validated)"].add(score_terms(triplet, terms, lost))
    briefer = Briefer(options, embedder=embedder, framing_model=shipped)
    for triplet in triplets:
        terms, lost = briefing_terms(triplet, briefer.brief(triplet.articles))
        systems["storyweave (shipped model, in-sample)"].add(score_terms(triplet, terms, lost))
    _tick(progress, "done", 1, 1)
    return {
        "dataset": str(path).replace("\\", "/").split("/")[-1],
        "triplets": len(triplets),
        "folds": folds,
        "fold_thresholds": fold_thresholds,
        "systems": systems,
    }


@dataclass
class SummaryCounts:
    """Words, loaded words and ROUGE of one summary system over one dataset."""

    words: int = 0
    loaded: int = 0
    rouge: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Loaded words per 100 words."""
        return 100.0 * self.loaded / self.words if self.words else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures (ROUGE as the mean over clusters, in percent)."""
        return {
            "words": self.words,
            "loaded_words": self.loaded,
            "loaded_per_100_words": self.rate,
            **{k: float(np.mean(v)) for k, v in sorted(self.rouge.items())},
        }


def loaded_count(text: str, loaded: frozenset[str]) -> tuple[int, int]:
    """(words, words whose stem is in ``loaded``) of a text."""
    tokens = words(text)
    return len(tokens), sum(1 for w in tokens if w not in STOPWORDS and stem(w) in loaded)


def evaluate_summaries(
    path: str | Path,
    *,
    limit: int | None = None,
    model: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """storyweave, the same-length lead and the human neutral summary on one dataset."""
    from ..embed import load_embedder
    from ..options import BriefOptions
    from ..pipeline import Briefer
    from .data import read_clusters
    from .rouge import RougeScorer, RougeSettings
    from .systems import LeadSystem
    from .text import word_count

    clusters = list(read_clusters(path, limit=limit))
    if not clusters:
        raise OptionsError(f"{path}: no clusters with a neutral summary")
    base = BriefOptions(model=model) if model else BriefOptions()
    embedder = load_embedder(base.model, threads=base.threads)
    framing_model = LoadedWordModel.load()
    loaded = framing_model.loaded_stems(LOADED_MIN_RATE)
    scorer = RougeScorer(RougeSettings(measure="f1", budget=_NO_CUT))
    lead = LeadSystem(None)
    systems = {name: SummaryCounts() for name in ("storyweave", "lead (same length)", "human neutral")}
    for i, cluster in enumerate(clusters):
        _tick(progress, Path(path).name, i, len(clusters))
        reference = cluster.references[0]
        budget = max(10, word_count(reference))
        options = BriefOptions(words=budget, model=base.model)
        briefing = Briefer(options, embedder=embedder, framing_model=framing_model).brief(
            cluster.articles
        )
        ours = "\n".join(s.text for s in briefing.summary)
        outputs = {
            "storyweave": ours,
            "lead (same length)": lead.summarize(cluster, max(1, word_count(ours))),
            "human neutral": reference,
        }
        for name, text in outputs.items():
            n, k = loaded_count(text, loaded)
            systems[name].words += n
            systems[name].loaded += k
            if name != "human neutral":
                for metric, value in scorer.score(text, [reference]).items():
                    systems[name].rouge.setdefault(metric, []).append(value)
    _tick(progress, "done", 1, 1)
    return {
        "dataset": str(path).replace("\\", "/").split("/")[-1],
        "clusters": len(clusters),
        "loaded_word_list": len(loaded),
        "systems": systems,
    }


def _tick(progress: bool, what: str, done: int, total: int) -> None:
    if progress:
        sys.stderr.write(f"\r{what}: {done}/{total}   ")
        if what == "done":
            sys.stderr.write("\n")
        sys.stderr.flush()


def to_json(basil: dict[str, Any] | None, summaries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The whole result as plain JSON values."""
    out: dict[str, Any] = {"format": "storyweave-eval-framing/1"}
    if basil is not None:
        out["basil"] = {k: v for k, v in basil.items() if k != "systems"} | {
            "systems": {name: c.as_dict() for name, c in basil["systems"].items()}
        }
    out["summaries"] = [
        {k: v for k, v in s.items() if k != "systems"}
        | {"systems": {name: c.as_dict() for name, c in s["systems"].items()}}
        for s in summaries
    ]
    return out


def to_markdown(basil: dict[str, Any] | None, summaries: Sequence[dict[str, Any]]) -> str:
    """One table for BASIL, one for the summaries, with what each column means."""
    lines: list[str] = []
    if basil is not None:
        lines += [
            (
                f"Framing on {basil['dataset']} ({basil['triplets']} triplets; learned model "
                f"scored by {basil['folds']}-fold cross-validation grouped by triplet)"
            ),
            "",
            (
                "| system | recall (non-quote lexical spans) | terms on a lexical span | "
                "terms on any span | terms | terms/article |"
            ),
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, c in basil["systems"].items():
            d = c.as_dict()
            lines.append(
                f"| {name} | {d['recall']:.3f} ({c.found}/{c.spans}) | "
                f"{d['share_on_lexical_span']:.3f} | {d['share_on_any_span']:.3f} | {c.terms} | "
                f"{d['terms_per_article']:.2f} |"
            )
        cv = basil["systems"]["storyweave (cross-validated)"]
        kinds = ", ".join(
            f"{k} {t} ({r / t:.2f} on lexical)" if t else f"{k} 0"
            for k, (t, r) in sorted(cv.by_kind.items())
        )
        lines += [
            "",
            (
                f"Cross-validated terms by kind: {kinds}. Lexical spans count in or out of "
                "quotes; 'any span' adds informational spans (whole clauses)."
            ),
        ]
    for result in summaries:
        lines += [
            "",
            (
                f"Summaries on {result['dataset']} ({result['clusters']} clusters; loaded-word "
                f"list: {result['loaded_word_list']} stems from BASIL dev)"
            ),
            "",
            "| summary | words | loaded words / 100 | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, s in result["systems"].items():
            d = s.as_dict()
            rouge = [f"{d[m]:.2f}" if m in d else "–" for m in ("rouge1", "rouge2", "rougeLsum")]
            lines.append(f"| {name} | {s.words} | {s.rate:.2f} | {' | '.join(rouge)} |")
    return "\n".join(lines)


def data_file(name: str) -> str:
    """A shared-data file: under ``$STORYWEAVE_DATA``, else :data:`DEFAULT_DATA`."""
    root = os.environ.get("STORYWEAVE_DATA", DEFAULT_DATA)
    return str(Path(root) / name)
