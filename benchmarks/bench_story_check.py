"""The one-story check on real clusters: genuine clusters, mixes of two or three, unrelated pages.

    python benchmarks/bench_story_check.py                 # test figures (README)
    python benchmarks/bench_story_check.py --calibrate     # grid on validation clusters

Every document is cleaned, split and embedded once with the briefing's own stages; each case
(a genuine cluster, a mix of clusters, a set of unrelated pages) then runs the real
:func:`storyweave.stories.check.check_story` on its articles. Reported per case kind:

* genuine clusters (Multi-News test, DUC 2004): share with no warning at all, share with
  two or more stories found (a false split; an off-topic single article is counted apart:
  Multi-News clusters hold scraping failures and unrelated pages);
* mixes of 2 and 3 Multi-News test clusters (documents shuffled): share warned, share whose
  stories are exactly the clusters (each cluster's on-topic articles one group; a cluster's
  lone article may come out off-topic), adjusted Rand index;
* unrelated pages (4 random pages of the text-scrape set, all from different sites):
  share warned;
* the RSS items of one event: groups, share outside the largest;
* the real-news triplets of the dev sets (AllSides, NeuS, BASIL: three outlets' reports of
  one event, mostly leads of a few sentences, with headlines): genuine, and mixes of two.

Each case runs twice: articles with their headlines in their mean vectors (as briefings
compare them now) and without (before); the figures are printed as "now / before".

Calibration uses the Multi-News *validation* clusters and their mixes only.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import pickle
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from storyweave import clean as clean_stage
from storyweave.align import similarity_matrix
from storyweave.embed import Embedder, common_component, load_embedder
from storyweave.errors import InputError
from storyweave.ingest.datasets import load_dataset
from storyweave.model import Article, Sentence, Source
from storyweave.nlp import sentences as sentence_stage
from storyweave.stories import check

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
MIXES = 200  # mixes of each size
UNRELATED_SETS = 100
MIN_WORDS = 12


@dataclass
class Doc:
    cluster: str
    source: Source  # id assigned per case
    vectors: np.ndarray
    title: np.ndarray | None = None  # the headline's vector, as the briefing encodes it


CACHE: Path | None = None  # --cache: documents and vectors kept per file and model


def read_docs(path: Path, embedder: Embedder, seen: set[str] | None = None) -> list[Doc]:
    """The documents of every cluster of ``path`` not in ``seen`` (which is updated)."""
    seen = set() if seen is None else seen
    cached = CACHE / f"{path.name}.{embedder.name}.v2.pickle" if CACHE else None  # v2: titles
    if cached is not None and cached.exists():
        every = pickle.loads(cached.read_bytes())
    else:
        every = [
            d for cluster in load_dataset(path) for a in cluster.articles
            if (d := make_doc(cluster.id, a, embedder))
        ]
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(pickle.dumps(every))
    docs = [d for d in every if d.cluster not in seen]
    seen.update(d.cluster for d in every)
    return docs


def make_doc(cluster: str, article: Article, embedder: Embedder) -> Doc | None:
    try:
        cleaned = clean_stage.clean(article)
        sentences = sentence_stage.segment("s0", cleaned)
    except InputError:  # a page with no story text: the brief() path names it and skips it
        return None
    if sum(len(s.text.split()) for s in sentences) < MIN_WORDS:
        return None
    source = Source(
        id="s0", origin=article.origin, title=article.title or cleaned.title, outlet=None,
        byline=None, published=None, url=None, kind=cleaned.kind, sentences=sentences,
        removed=(),
    )
    title = embedder.encode([source.title])[0] if source.title else None
    return Doc(cluster, source, embedder.encode([s.text for s in sentences]), title)


PARAMS = check.NEURAL  # set from the model in main()
COMMON: np.ndarray | None = None  # the model's common component, set in main()
HEADLINES = True  # False: articles compared without their headlines (before they counted)


def run_case(docs: Sequence[Doc]) -> list[list[int]]:
    """The check's groups as lists of positions in ``docs``."""
    sources, vectors, titles = [], [], {}
    for k, doc in enumerate(docs, start=1):
        sid = f"s{k}"
        sentences = tuple(
            Sentence(f"{sid}.{n}", sid, s.index, s.paragraph, s.text)
            for n, s in enumerate(doc.source.sentences, start=1)
        )
        sources.append(replace(doc.source, id=sid, sentences=sentences))
        vectors.append(doc.vectors)
        if doc.title is not None and HEADLINES:
            titles[sid] = doc.title
    stacked = np.vstack(vectors)
    all_sentences = [s for source in sources for s in source.sentences]
    result = check.check_story(
        sources, all_sentences, stacked, similarity_matrix(stacked), PARAMS, COMMON, titles
    )
    return [[int(sid[1:]) - 1 for sid in g.source_ids] for g in result.groups]


def ari(truth: Sequence[str], groups: Sequence[Sequence[int]]) -> float:
    predicted = {i: g for g, members in enumerate(groups) for i in members}
    n = len(truth)
    pairs = list(itertools.combinations(range(n), 2))
    if not pairs:
        return 1.0
    same_t = np.array([truth[i] == truth[j] for i, j in pairs])
    same_p = np.array([predicted[i] == predicted[j] for i, j in pairs])
    index = float((same_t & same_p).sum())
    expected = same_t.sum() * same_p.sum() / len(pairs)
    maximum = (same_t.sum() + same_p.sum()) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def by_cluster(docs: Iterable[Doc]) -> dict[str, list[Doc]]:
    found: dict[str, list[Doc]] = {}
    for doc in docs:
        found.setdefault(doc.cluster, []).append(doc)
    return found


def genuine(clusters: dict[str, list[Doc]]) -> dict[str, float]:
    cases = [docs for docs in clusters.values() if len(docs) >= 2]
    quiet = split = off_topic = 0
    for docs in cases:
        groups = run_case(docs)
        several = [g for g in groups if len(g) > 1]
        quiet += len(groups) == 1
        split += len(several) > 1 or (not several and len(groups) > 1 and len(docs) > 2)
        off_topic += len(several) == 1 and len(groups) > 1
    n = max(1, len(cases))
    return {"cases": len(cases), "no warning": quiet / n, "false split": split / n,
            "off-topic article named": off_topic / n}


def mixes(clusters: dict[str, list[Doc]], size: int, count: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    usable = sorted(c for c, docs in clusters.items() if len(docs) >= 2)
    warned = exact = pure = 0
    scores = []
    for _ in range(count):
        chosen = rng.sample(usable, size)
        docs = [d for c in chosen for d in clusters[c]]
        rng.shuffle(docs)
        groups = run_case(docs)
        truth = [d.cluster for d in docs]
        warned += len(groups) > 1
        stories = [g for g in groups if len(g) > 1]
        # Exact: every story group is one cluster, each cluster has at most one group, and
        # every cluster is found (its lone leftovers may be named off-topic).
        labels = [{truth[i] for i in g} for g in stories]
        exact += (
            all(len(lab) == 1 for lab in labels)
            and len({next(iter(lab)) for lab in labels}) == len(labels) == size
        )
        pure += all(len({truth[i] for i in g}) == 1 for g in groups)
        scores.append(ari(truth, groups))
    return {"cases": count, "warned": warned / count, "stories exactly the clusters": exact / count,
            "no group mixes clusters": pure / count, "mean ARI": float(np.mean(scores))}


def unrelated(embedder: Embedder, count: int, seed: int) -> dict[str, float]:
    path = DATA / "text_scrapes" / "dev.jsonl.gz"
    if not path.exists():
        return {}
    pages = _pages(path, embedder)
    rng = random.Random(seed)
    warned = 0
    for _ in range(count):
        docs = []
        for doc in rng.sample(pages, len(pages)):
            if doc.cluster not in {d.cluster for d in docs}:
                docs.append(doc)
            if len(docs) == 4:
                break
        warned += len(run_case(docs)) > 1
    return {"cases": count, "warned": warned / count}


@functools.cache
def _pages(path: Path, embedder: Embedder) -> list[Doc]:
    """The text-scrape pages as documents, labelled by their site (read once per run)."""
    import gzip

    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            article = Article(text=record["text"], origin=record["id"])
            doc = make_doc(record.get("outlet_domain", record["id"]), article, embedder)
            if doc is not None:
                pages.append(doc)
    return pages


def feed_cluster(embedder: Embedder) -> dict[str, float]:
    """The RSS cluster of one event (feed items and pages, mostly a few sentences each):
    how many articles end up outside the largest group, and how many groups there are."""
    path = DATA / "blinken_xi_june2023_rss" / "blinken_xi_rss_cluster.jsonl"
    if not path.exists():
        return {}
    docs = read_docs(path, embedder)
    # As a briefing does: articles in another language than most are set aside first.
    _, others = check.other_languages([replace(d.source, id=str(k)) for k, d in enumerate(docs)])
    docs = [d for k, d in enumerate(docs) if str(k) not in others]
    groups = run_case(docs)
    return {"articles": len(docs), "set aside (language)": len(others), "groups": len(groups),
            "outside the largest group": (len(docs) - len(groups[0])) / len(docs)}


def calibrate(
    embedder: Embedder, attach: bool = False, match_cosines: Sequence[float] = (),
    scores: Sequence[float] = (),
) -> None:
    global PARAMS
    docs = read_docs(DATA / "multi_news" / "tac_sample_validation_fulltext.jsonl", embedder)
    clusters = by_cluster(docs)
    print(f"{len(docs)} validation documents in {len(clusters)} clusters", file=sys.stderr)
    rows = []
    lexical = embedder.name == "lexical"
    # TF-IDF cosines run far lower than neural ones: a lower range of scores and match cosines.
    if lexical:  # the neural point's weights; lower scores and match cosine
        grid = itertools.product((0.3,), (0.3,), (0.05, 0.1), np.arange(0.15, 0.46, 0.025))
    else:
        # A model whose cosines run on another scale gets its own ranges (--match-cosines,
        # --scores): static-learned's same-story cosines run higher than MiniLM's.
        grid = itertools.product(
            (0.0, 0.3), match_cosines or (check.NEURAL.match_cosine,), (0.0, 0.05, 0.1),
            scores or np.arange(0.30, 0.61, 0.025),
        )
    if attach:  # the shipped point, with small groups attached at these scores
        base = check.params_for(embedder.name)
        grid = ((base.entity_weight, base.match_cosine, base.match_weight, base.group_score, a)
                for a in (math.inf, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9))
    else:
        grid = ((*point, math.inf) for point in grid)
    for entity, cosine, match, score, attach_score in grid:
        PARAMS = check.CheckParams(entity, cosine, match, round(float(score), 3),
                                   attach_score=attach_score,
                                   title_weight=check.params_for(embedder.name).title_weight)
        g = genuine(clusters)
        m2 = mixes(clusters, 2, 100, seed=1)
        m3 = mixes(clusters, 3, 100, seed=2)
        rows.append((entity, cosine, match, round(float(score), 3), attach_score,
                     g["no warning"], g["false split"],
                     m2["warned"], m2["stories exactly the clusters"], m3["warned"],
                     m3["stories exactly the clusters"]))
        print(rows[-1], file=sys.stderr)
    print("entity match-cosine match score attach | genuine quiet split | mix2 warned exact | "
          "mix3 warned exact")
    for row in rows:
        print(" ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--attach", action="store_true",
                        help="with --calibrate: vary only the attach score at the shipped point")
    parser.add_argument("--match-cosines", type=float, nargs="+", default=(),
                        help="with --calibrate: match cosines to try (default: the neural one)")
    parser.add_argument("--scores", type=float, nargs="+", default=(),
                        help="with --calibrate: group scores to try (default: 0.30-0.60)")
    parser.add_argument("--model", default=None, help="embedding backend (default: the default)")
    parser.add_argument("--cache", type=Path, help="keep cleaned documents and vectors here")
    args = parser.parse_args()
    global CACHE
    CACHE = args.cache
    from storyweave.options import DEFAULT_MODEL

    global PARAMS, COMMON
    embedder = load_embedder(args.model or DEFAULT_MODEL)
    PARAMS = check.params_for(embedder.name)
    COMMON = common_component(embedder)
    flags = (" --calibrate" if args.calibrate else "") + (" --attach" if args.attach else "") + (
        f" --model {args.model}" if args.model else "")
    print(f"$ python benchmarks/bench_story_check.py{flags} (model {embedder.name})")
    if args.calibrate:
        calibrate(embedder, args.attach, args.match_cosines, args.scores)
        return
    started = time.perf_counter()
    test: list[Doc] = []
    seen: set[str] = set()  # the two files share 9 clusters
    for name in ("longbench_test_fulltext.jsonl", "tac_sample_test_fulltext.jsonl"):
        test += read_docs(DATA / "multi_news" / name, embedder, seen)
    clusters = by_cluster(test)
    duc = by_cluster(read_docs(DATA / "duc2004_task2" / "duc2004_task2.jsonl", embedder))
    triplets = {
        name: by_cluster(read_docs(DATA / "real_news" / file, embedder))
        for name, file in (("AllSides", "allsides_raw_dev.jsonl.gz"),
                           ("NeuS", "neus_dev.jsonl.gz"), ("BASIL", "basil_dev.jsonl.gz"))
        if (DATA / "real_news" / file).exists()
    }
    every_triplet = {c: docs for found in triplets.values() for c, docs in found.items()}
    global HEADLINES
    print("| case | figures: articles with their headlines (now) / without (before) |\n|---|---|")
    for HEADLINES in (True, False):
        results = {
            "Multi-News test clusters (genuine)": genuine(clusters),
            "DUC 2004 clusters (genuine)": genuine(duc),
            "mixes of 2 Multi-News test clusters": mixes(clusters, 2, MIXES, seed=11),
            "mixes of 3 Multi-News test clusters": mixes(clusters, 3, MIXES, seed=12),
            "4 unrelated pages (text scrapes)": unrelated(embedder, UNRELATED_SETS, seed=13),
            "RSS feed items of one event (genuine)": feed_cluster(embedder),
            **{f"{name} dev triplets (genuine)": genuine(found) for name, found in triplets.items()},
            "mixes of 2 real-news dev triplets": mixes(every_triplet, 2, MIXES, seed=14),
        }
        if HEADLINES:
            now = results
    for name, figures in now.items():
        shown = ", ".join(
            f"{k} {v:.3f} / {results[name][k]:.3f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in figures.items()
        )
        print(f"| {name} | {shown} |")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
