"""Every summarizer in an evaluation, behind one interface.

A :class:`System` has a ``name`` and ``summarize(cluster, budget) -> str``: it returns at
most about ``budget`` words, one sentence per line. The scorer cuts every output to the
same budget anyway, so no system gains from overshooting.

Names: ``storyweave`` (the default briefing, concept-coverage summarizer) and
``storyweave-learned`` (the same briefing with the learned summarizer;
``storyweave-coverage`` names the coverage one explicitly); our baselines carry a prefix
or suffix that no published system uses (``lead-3``, ``lead-rr``, ``random``, ``oracle``, ``sumy-LexRank`` ...); the DUC 2004
published systems keep their SumRepo names exactly (``ICSISumm``, ``LexRank`` ...).
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from ..embed.base import common_component
from ..errors import OptionsError
from ..options import SUMMARIZERS
from .data import EvalCluster
from .rouge import Measure
from .text import document_sentences, fill_budget

if TYPE_CHECKING:
    from ..embed import Embedder
    from ..pipeline import Briefer

#: Baselines that every run can include, in table order.
BASELINE_NAMES = (
    "lead-3",
    "lead-rr",
    "random",
    "sumy-LexRank",
    "sumy-TextRank",
    "sumy-LSA",
    "sumy-SumBasic",
    "sumy-Luhn",
    "oracle",
)
#: storyweave's own summarizers: the default (learned) and the concept-coverage one.
STORYWEAVE_NAMES = ("storyweave", "storyweave-learned")
DEFAULT_SYSTEMS = (*STORYWEAVE_NAMES, *BASELINE_NAMES)


@runtime_checkable
class System(Protocol):
    """A summarizer under evaluation."""

    name: str

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """A summary of ``cluster`` of about ``budget`` words, one sentence per line."""
        ...


class StoryweaveSystem:
    """storyweave's summary, taken from the same :class:`Briefing` the CLI prints.

    Its time is the whole briefing (cleaning, quotes, embedding, alignment, selection),
    not just the selection step. ``words`` overrides the budget it is asked for;
    ``summarizer`` picks the summarizer (``None``: the default, named ``storyweave``;
    ``"learned"`` is named ``storyweave-learned``, ``"coverage"`` ``storyweave-coverage``).
    """

    def __init__(
        self,
        words: int | None = None,
        model: str | None = None,
        summarizer: str | None = None,
        vector_cache: str | None = None,
    ) -> None:
        self.words = words
        self.model = model
        self.summarizer = summarizer
        self.vector_cache = vector_cache
        self.name = f"storyweave-{summarizer}" if summarizer else "storyweave"
        self._briefers: dict[int, Briefer] = {}

    def _briefer(self, words: int) -> Briefer:
        # One Briefer per budget, so the embedding model is loaded once and reused.
        if words not in self._briefers:
            from ..options import BriefOptions
            from ..pipeline import Briefer

            chosen: dict[str, str] = {}
            if self.model:
                chosen["model"] = self.model
            if self.summarizer:
                chosen["summarizer"] = self.summarizer
            options = BriefOptions(words=words, **chosen)  # type: ignore[arg-type]
            embedder = None
            if self.vector_cache:
                from ..embed import load_embedder

                embedder = CachedEmbedder(
                    load_embedder(options.model, threads=options.threads), self.vector_cache
                )
            self._briefers[words] = Briefer(options, embedder=embedder)
        return self._briefers[words]

    def prepare(self, budget: int) -> None:
        """Load the embedding model (and the summarizer's) before the timed clusters (the
        runner times this apart)."""
        briefer = self._briefer(self.words or budget)
        briefer.scorer  # noqa: B018 - the property loads the embedder and the model

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """The briefing's summary sentences, one per line."""
        briefer = self._briefer(self.words or budget)
        briefing = briefer.brief(cluster.articles)
        return "\n".join(s.text for s in briefing.summary)


class CachedEmbedder:
    """An embedder that keeps the vectors of every call in ``folder`` (one ``.npy`` file
    per call, named by a hash of the backend's name and the texts: no text is stored).

    ``storyweave eval summaries --vector-cache DIR`` gives it to every storyweave system,
    so that the second of them (``storyweave-coverage`` after ``storyweave``) and later
    runs over the same data skip the embedding, which is most of a briefing's time. The
    vectors are the backend's own, so the summaries are the same as without the cache;
    only the time per cluster of a system that found its vectors cached leaves the
    embedding out.
    """

    def __init__(self, inner: Embedder, folder: str | Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.default_threshold = inner.default_threshold
        self.common = common_component(inner)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The backend's vectors of ``texts``, from the cache when it has them."""
        digest = hashlib.sha256("\x00".join([self.name, *texts]).encode("utf-8")).hexdigest()
        path = self.folder / f"{digest}.npy"
        if path.is_file():
            return np.load(path)
        vectors = self.inner.encode(texts)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            np.save(handle, vectors)
        partial.replace(path)
        return vectors


class LeadSystem:
    """First sentences of each document, taken round robin (doc 1 s1, doc 2 s1, ..., doc 1 s2).

    ``per_document`` caps how many sentences a document contributes (3 for ``lead-3``);
    ``None`` keeps going round robin until the budget is full (``lead-rr``).
    """

    def __init__(self, per_document: int | None) -> None:
        self.per_document = per_document
        self.name = f"lead-{per_document}" if per_document else "lead-rr"

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """Round-robin lead sentences up to the budget."""
        docs = [document_sentences(text) for text in cluster.documents]
        depth = max((len(d) for d in docs), default=0)
        if self.per_document is not None:
            depth = min(depth, self.per_document)
        order = [d[i] for i in range(depth) for d in docs if i < len(d)]
        return fill_budget(order, budget)


class RandomSystem:
    """Random sentences of the cluster; the seed depends only on the cluster id."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """Shuffled sentences up to the budget, deterministic per cluster."""
        sentences = [s for text in cluster.documents for s in document_sentences(text)]
        digest = hashlib.sha256(f"{self.seed}:{cluster.id}".encode()).digest()
        random.Random(int.from_bytes(digest[:8], "big")).shuffle(sentences)
        return fill_budget(sentences, budget)


class PublishedSystem:
    """A published system's stored output for the cluster (DUC 2004, from SumRepo)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def summarize(self, cluster: EvalCluster, budget: int) -> str:
        """The stored output; an empty summary when this cluster has none."""
        return cluster.system_summaries.get(self.name, "")


def published_names(clusters: list[EvalCluster]) -> list[str]:
    """Names of the published systems stored with the clusters, sorted."""
    return sorted({name for c in clusters for name in c.system_summaries})


def make_system(
    name: str,
    *,
    words: int | None = None,
    model: str | None = None,
    measure: Measure = "f1",
    vector_cache: str | None = None,
) -> System:
    """Build one of our systems by name (published systems: :class:`PublishedSystem`);
    ``vector_cache`` is a folder for :class:`CachedEmbedder` (storyweave systems only)."""
    if name == "storyweave":
        return StoryweaveSystem(words=words, model=model, vector_cache=vector_cache)
    if name.startswith("storyweave-") and name[len("storyweave-"):] in SUMMARIZERS:
        return StoryweaveSystem(
            words=words, model=model, summarizer=name[len("storyweave-"):],
            vector_cache=vector_cache,
        )
    if name == "lead-rr":
        return LeadSystem(None)
    if name.startswith("lead-") and name[5:].isdigit() and int(name[5:]) > 0:
        return LeadSystem(int(name[5:]))
    if name == "random":
        return RandomSystem()
    if name == "oracle":
        from .oracle import OracleSystem

        return OracleSystem(measure)
    if name.startswith("sumy-"):
        from .sumy_systems import SumySystem

        return SumySystem(name[5:])
    raise OptionsError(
        f"unknown system {name!r}; choose from {', '.join(DEFAULT_SYSTEMS)}, lead-K, "
        "or a published system stored with the dataset"
    )
