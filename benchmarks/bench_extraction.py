"""Measure the cleaning stage.

1. HTML: body-text precision/recall/F1 on the article-extraction benchmark (181 pages with
   hand-annotated bodies), for trafilatura alone (default settings) and for storyweave's
   HTML path (``clean()`` on an ``Article(format="html")``). Scores use bags of word
   3-shingles (upstream scores word shingles of the body); each page's P/R/F1 is computed
   and the table shows means over pages.
2. Plain text: line-level precision/recall of *removal* on the labelled scrapes in
   ``tests/data/clean`` for our cleaner and two naive baselines, plus how many story lines
   each one wrongly drops.
3. Timing: cleaning a 10-article text cluster, and the HTML path per page.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_extraction.py [--pages N] [--show-multinews K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.clean import clean, cluster_line_counts
from storyweave.errors import InputUnreadable
from storyweave.model import Article

DATA = ROOT / ".." / "shared" / "data"
LABELLED = ROOT / "tests" / "data" / "clean"
_TOKEN = re.compile(r"\w+")


# -- labelled plain text -----------------------------------------------------------------
@dataclass(frozen=True)
class Labelled:
    """One labelled scrape: raw text and, per line, True (keep) / False (remove) / None."""

    name: str
    text: str
    keep: tuple[bool | None, ...]


def load_labelled(folder: Path = LABELLED) -> list[Labelled]:
    """Read the ``K|``/``R|`` files described in the folder's README."""
    items = []
    for path in sorted(folder.glob("*.txt")):
        lines, keep = [], []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw[:2] in ("K|", "R|"):
                lines.append(raw[2:])
                keep.append(raw[0] == "K")
            else:
                lines.append(raw)
                keep.append(None)
        items.append(Labelled(path.stem, "\n".join(lines), tuple(keep)))
    return items


def _format(item: Labelled) -> str:
    # The one markdown scrape in the set opens with a "# " heading.
    return "markdown" if item.text.startswith("# ") else "text"


def ours(items: list[Labelled]) -> list[set[int]]:
    """0-based indices of the lines our cleaner removes, per item (one cluster)."""
    articles = [Article(text=i.text, origin=i.name, format=_format(i)) for i in items]  # type: ignore[arg-type]
    counts = cluster_line_counts(articles)
    result = []
    for item, article in zip(items, articles, strict=True):
        raw = [line.strip() for line in item.text.splitlines()]
        cleaned = clean(article, cluster_lines=counts)
        result.append({r.line - 1 for r in cleaned.removed if r.text == raw[r.line - 1]})
    return result


def keep_all(items: list[Labelled]) -> list[set[int]]:
    """Baseline: remove nothing."""
    return [set() for _ in items]


def drop_short(items: list[Labelled], words: int = 8) -> list[set[int]]:
    """Baseline: remove every line shorter than ``words`` words."""
    return [
        {n for n, line in enumerate(i.text.splitlines()) if 0 < len(line.split()) < words}
        for i in items
    ]


def removal_scores(items: list[Labelled], removed: list[set[int]]) -> dict[str, float]:
    """Precision/recall of removal over all labelled lines, and story lines dropped."""
    tp = fp = fn = 0
    for item, gone in zip(items, removed, strict=True):
        for n, keep in enumerate(item.keep):
            if keep is None:
                continue
            if n in gone:
                tp += not keep
                fp += keep
            else:
                fn += not keep
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "story_lines_dropped": fp,
        "boilerplate_lines": tp + fn,
    }


# -- HTML ----------------------------------------------------------------------------------
def shingles(text: str, n: int = 3) -> Counter[tuple[str, ...]]:
    """Bag of lower-cased word n-grams."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Shingle-bag precision, recall, F1 of ``predicted`` against ``truth``."""
    p, t = shingles(predicted), shingles(truth)
    overlap = sum((p & t).values())
    precision = overlap / sum(p.values()) if p else (1.0 if not t else 0.0)
    recall = overlap / sum(t.values()) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def html_bench(pages: int | None) -> dict[str, dict[str, float]]:
    """Mean P/R/F1 over pages for trafilatura alone and for our HTML path."""
    import trafilatura

    folder = DATA / "article_extraction_benchmark"
    records = [json.loads(line) for line in (folder / "ground_truth.jsonl").open()]
    records = records[:pages] if pages else records
    systems: dict[str, Callable[[str, str], str]] = {
        "trafilatura (default)": lambda html, _: trafilatura.extract(html) or "",
        "storyweave clean()": _ours_html,
    }
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in systems}
    seconds: dict[str, float] = dict.fromkeys(systems, 0.0)
    for record in records:
        html = gzip.decompress((folder / record["html_file"]).read_bytes()).decode("utf-8")
        for name, system in systems.items():
            started = time.perf_counter()
            text = system(html, record["id"])
            seconds[name] += time.perf_counter() - started
            scores[name].append(prf(text, record["article_body"]))
    return {
        name: {
            "precision": statistics.fmean(s[0] for s in values),
            "recall": statistics.fmean(s[1] for s in values),
            "f1": statistics.fmean(s[2] for s in values),
            "ms_per_page": 1000 * seconds[name] / len(values),
            "pages": len(values),
        }
        for name, values in scores.items()
    }


def _ours_html(html: str, page_id: str) -> str:
    try:
        cleaned = clean(Article(text=html, origin=page_id, format="html"))
    except InputUnreadable:
        return ""
    return "\n\n".join(cleaned.paragraphs)


# -- speed and eyeballing ------------------------------------------------------------------
def text_cluster_ms(items: list[Labelled], repeat: int = 20) -> float:
    """Milliseconds to clean a 10-article text cluster (counts included)."""
    articles = [Article(text=i.text, origin=i.name, format=_format(i)) for i in items][:10]  # type: ignore[arg-type]
    started = time.perf_counter()
    for _ in range(repeat):
        counts = cluster_line_counts(articles)
        for article in articles:
            clean(article, cluster_lines=counts)
    return 1000 * (time.perf_counter() - started) / repeat


def show_multinews(clusters: int) -> None:
    """Print what the cleaner removes from the first Multi-News clusters."""
    path = DATA / "multi_news" / "longbench_test_fulltext.jsonl"
    with path.open(encoding="utf-8") as handle:
        for _, line in zip(range(clusters), handle, strict=False):
            record = json.loads(line)
            articles = [
                Article(text=d["text"], origin=f"{record['id']}/{n}")
                for n, d in enumerate(record["documents"])
            ]
            counts = cluster_line_counts(articles)
            for article in articles:
                try:
                    cleaned = clean(article, cluster_lines=counts)
                except InputUnreadable as error:
                    print(f"{article.origin}: UNREADABLE {error.problem}")
                    continue
                for r in cleaned.removed:
                    print(f"{article.origin}:{r.line} [{r.reason}] {r.text[:110]}")


def main() -> None:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N HTML pages")
    parser.add_argument(
        "--show-multinews",
        type=int,
        default=0,
        metavar="K",
        help="print removals for the first K Multi-News clusters",
    )
    args = parser.parse_args()

    items = load_labelled()
    print(
        f"Plain text: {len(items)} labelled scrapes in tests/data/clean "
        "(line-level scores of removal)"
    )
    print(f"{'system':28} {'precision':>9} {'recall':>7} {'story lines dropped':>20}")
    for name, removed in (
        ("storyweave clean()", ours(items)),
        ("keep everything", keep_all(items)),
        ("drop lines < 8 words", drop_short(items)),
    ):
        s = removal_scores(items, removed)
        print(
            f"{name:28} {s['precision']:9.3f} {s['recall']:7.3f} "
            f"{int(s['story_lines_dropped']):>20}"
        )
    print(
        f"(boilerplate lines in the set: {int(removal_scores(items, keep_all(items))['boilerplate_lines'])})"
    )
    print(f"\nSpeed: 10-article text cluster cleaned in {text_cluster_ms(items):.1f} ms")

    if (DATA / "article_extraction_benchmark").is_dir():
        results = html_bench(args.pages)
        pages = next(iter(results.values()))["pages"]
        print(
            f"\nHTML: article_extraction_benchmark, {pages:.0f} pages, "
            "word-3-shingle bags, means over pages"
        )
        print(f"{'system':28} {'precision':>9} {'recall':>7} {'F1':>6} {'ms/page':>8}")
        for name, s in results.items():
            print(
                f"{name:28} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
                f"{s['ms_per_page']:8.1f}"
            )
    else:
        print("\nHTML: skipped (../shared/data/article_extraction_benchmark not found)")
    if args.show_multinews:
        show_multinews(args.show_multinews)
    print("\nReproduce: PYTHONPATH=src python benchmarks/bench_extraction.py")


if __name__ == "__main__":
    main()
