"""Train the framing stage's loaded-word model and write it into the package.

    python scripts/train_framing_model.py [BASIL_FILE] [--out src/storyweave/views/framing_model.json]

BASIL_FILE defaults to ``$STORYWEAVE_DATA/real_news/basil_dev.jsonl.gz`` (``STORYWEAVE_DATA``
defaults to ``../shared/data``). Only the dev half of BASIL is read. Each triplet is briefed
with the real pipeline (the learned model switched off, so the candidates do not depend on
an earlier model), every candidate word is labelled against the lexical-bias spans, and
:func:`storyweave.evaluate.framing_train.fit` trains on all of them. Deterministic: the same
data and versions write the same file. The script also prints word-level figures of a
5-fold cross-validation grouped by triplet; the figures of the briefing itself come from
``storyweave eval framing``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyweave.embed import load_embedder
from storyweave.evaluate.basil import read_triplets
from storyweave.evaluate.framing_train import (
    MAX_PER_SOURCE,
    REGULARISATION_C,
    examples_of,
    fit,
    out_of_fold,
    word_level_scores,
)
from storyweave.options import BriefOptions
from storyweave.pipeline import Briefer
from storyweave.views.framing_model import MODEL_FILE, LoadedWordModel


def main() -> int:
    data = Path(os.environ.get("STORYWEAVE_DATA", REPO / ".." / "shared" / "data"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("basil", nargs="?", default=str(data / "real_news" / "basil_dev.jsonl.gz"))
    parser.add_argument("--out", default=str(REPO / "src" / "storyweave" / "views" / MODEL_FILE))
    args = parser.parse_args()

    options = BriefOptions()
    embedder = load_embedder(options.model)
    briefer = Briefer(options, embedder=embedder, framing_model=LoadedWordModel.off())
    examples = []
    triplets = list(read_triplets(args.basil))
    for i, triplet in enumerate(triplets, 1):
        briefing = briefer.brief(triplet.articles)
        sentences = [s for source in briefing.sources for s in source.sentences]
        vectors = embedder.encode([s.text for s in sentences])
        examples += examples_of(triplet, briefing, vectors)
        print(f"\rbriefed {i}/{len(triplets)}", end="", file=sys.stderr)
    print(file=sys.stderr)

    probabilities = out_of_fold(examples, 5)
    model = fit(
        examples,
        info={
            "trained_on": Path(args.basil).name,
            "triplets": len(triplets),
            "candidate_words": len(examples),
            "marked_words": sum(e.label for e in examples),
            "regularisation_c": REGULARISATION_C,
            "script": "scripts/train_framing_model.py",
        },
    )
    recall, precision, reported = word_level_scores(
        examples, probabilities, model.threshold, MAX_PER_SOURCE
    )
    print(
        f"{len(triplets)} triplets, {len(examples)} candidate words, "
        f"{sum(e.label for e in examples)} on a lexical span; threshold {model.threshold}; "
        f"lexicon {len(model.lexicon)} stems"
    )
    print(
        f"word level, 5-fold CV grouped by triplet, at that threshold: span recall "
        f"{recall:.3f}, words on a lexical span {precision:.3f}, {reported} words"
    )
    Path(args.out).write_text(model.dumps(), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
