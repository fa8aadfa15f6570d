"""Learn the document frequencies of story clustering's term vectors from a development set.

    python scripts/term_weights.py                      # Multi-News validation -> stories/term_df.npz
    python scripts/term_weights.py --data DIR --out FILE

Every article of the given record-format files (distinct clusters once each) is cleaned as
the store cleans it, and each hashed content word of its title and story text counts once
per article (:func:`storyweave.stories.terms.document_frequencies`). The output holds the
bucket counts and the number of articles only: no words, no text. A second run writes the same
numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from storyweave import clean as clean_stage
from storyweave.errors import InputError
from storyweave.ingest import load_dataset
from storyweave.stories.clustering import cleaned_body
from storyweave.stories.terms import TABLE_FILE, document_frequencies, save_weights

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYWEAVE_DATA", REPO.parent / "shared" / "data"))
#: The Multi-News validation clusters: the split story clustering is calibrated on.
DEFAULT_FILES = ("multi_news/tac_sample_validation_fulltext.jsonl",)


def corpus_texts(data: Path, files: Sequence[str]) -> list[str]:
    """Title and cleaned story text of every article, in file order."""
    texts: list[str] = []
    seen: set[str] = set()
    for name in files:
        for cluster in load_dataset(data / name):
            if cluster.id in seen:
                continue
            seen.add(cluster.id)
            for article in cluster.articles:
                try:
                    cleaned = clean_stage.clean(article)
                except InputError:
                    continue
                texts.append(f"{article.title or cleaned.title or ''}\n{cleaned_body(cleaned)}")
    return texts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the data folder")
    parser.add_argument("--files", nargs="+", default=list(DEFAULT_FILES),
                        help="record-format files under --data")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "storyweave" / "stories" / TABLE_FILE)
    args = parser.parse_args(argv)
    texts = corpus_texts(args.data, args.files)
    if not texts:
        print(f"no articles in {args.files} under {args.data}", file=sys.stderr)
        return 1
    weights = document_frequencies(texts)
    save_weights(weights, args.out)
    print(f"{weights.documents} articles, {int((weights.document_frequency > 0).sum())} buckets used"
          f" -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
