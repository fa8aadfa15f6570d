"""Evaluation clusters: documents, human references and (for DUC 2004) published outputs.

Reads any dataset in the shared record format through storyweave's own dataset loader
(``.jsonl``, ``.jsonl.gz``, ``.json``): ``documents``, ``references`` or ``summary``, and
optionally ``system_summaries`` (published systems' outputs, DUC 2004). Clusters come in
file order, so ``--limit N`` always means the same N clusters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import DatasetError
from ..ingest.datasets import DatasetCluster, load_dataset
from ..model import Article

DatasetKind = Literal["duc2004", "multi_news", "generic"]


@dataclass(frozen=True, slots=True)
class EvalCluster:
    """One cluster to summarise and score."""

    id: str
    dataset: str
    articles: tuple[Article, ...]
    references: tuple[str, ...]
    system_summaries: dict[str, str] = field(default_factory=dict)

    @property
    def documents(self) -> tuple[str, ...]:
        """The raw text of each article, in input order."""
        return tuple(article.text for article in self.articles)


def from_dataset_cluster(item: DatasetCluster) -> EvalCluster:
    """An :class:`EvalCluster` from what :func:`storyweave.ingest.load_dataset` yields."""
    if not item.references:
        raise DatasetError(item.id, "cluster has no 'references' or 'summary' to score against")
    published = item.extra.get("system_summaries") or {}
    if not isinstance(published, dict):
        raise DatasetError(item.id, "'system_summaries' must map system names to summaries")
    return EvalCluster(
        id=item.id,
        dataset=str(item.extra.get("dataset", "")),
        articles=item.articles,
        references=item.references,
        system_summaries={str(k): str(v) for k, v in published.items()},
    )


def read_clusters(path: str | Path, *, limit: int | None = None) -> Iterator[EvalCluster]:
    """Yield the clusters of a dataset file in file order, at most ``limit`` of them.

    Empty documents are skipped (as when briefing); a cluster without references is an
    error, since it cannot be scored.

    Example::

        for cluster in read_clusters("duc2004_task2.jsonl", limit=3):
            print(cluster.id, len(cluster.articles), len(cluster.references))
    """
    for item in load_dataset(path, limit=limit):
        yield from_dataset_cluster(item)


def detect_kind(clusters: list[EvalCluster]) -> DatasetKind:
    """DUC 2004 (recall at 100 words), Multi-News (F1 at a budget) or generic (F1)."""
    if any(c.dataset.startswith("duc2004") or c.system_summaries for c in clusters):
        return "duc2004"
    if any(c.dataset == "multi_news" for c in clusters):
        return "multi_news"
    return "generic"


#: The Multi-News test files whose documents make the large synthetic inputs, in order.
MULTI_NEWS_TEST_FILES = ("longbench_test_fulltext.jsonl", "tac_sample_test_fulltext.jsonl")


def first_multi_news_articles(data: Path, count: int) -> tuple[Article, ...]:
    """The first ``count`` Multi-News test documents of 50 words or more, in file order:
    many stories at once, the large input the speed benchmarks and the before/after
    snapshots brief (``data`` is the shared data folder)."""
    found: list[Article] = []
    for name in MULTI_NEWS_TEST_FILES:
        with (data / "multi_news" / name).open(encoding="utf-8") as lines:
            for line in lines:
                for n, document in enumerate(json.loads(line)["documents"]):
                    if len(document["text"].split()) >= 50:
                        found.append(Article(text=document["text"], origin=f"mn{len(found)}-{n}"))
                    if len(found) == count:
                        return tuple(found)
    return tuple(found)
