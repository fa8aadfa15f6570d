"""Train the learned line classifier of the cleaning stage and write the model file.

usage: python scripts/train_line_classifier.py [SCRAPES.jsonl.gz] [--out FILE] [--no-fictional]

Trains on every page of the labelled real scrapes (default:
``$STORYWEAVE_DATA/text_scrapes/dev.jsonl.gz``, else ``../shared/data/...`` beside the
repository) plus the project's fictional labelled scrapes in ``tests/data/clean``, and
writes ``src/storyweave/clean/line_model.json``. Deterministic: the same data gives the
same file. Needs scikit-learn and LightGBM (``pip install -e '.[eval]'``).

The shipped model has seen every dev page, so its figures on them are in-sample; the
figures that predict unseen sites come from ``storyweave eval cleaning``, which trains
the same recipe on four folds of sites and scores the fifth.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.clean.lines import rule_kinds
from storyweave.clean.model import MODEL_FILE
from storyweave.evaluate.cleaning_train import augmented, fit, prepare
from storyweave.evaluate.scrapes import default_data_dir, read_fictional, read_scrapes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scrapes",
        nargs="?",
        default=str(default_data_dir() / "text_scrapes" / "dev.jsonl.gz"),
        help="labelled text scrapes (JSONL.gz)",
    )
    parser.add_argument("--out", default=str(ROOT / "src" / "storyweave" / "clean" / MODEL_FILE))
    parser.add_argument(
        "--no-fictional", action="store_true", help="leave out tests/data/clean's fictional pages"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    pages = [p.labelled() for p in read_scrapes(args.scrapes)]
    if not args.no_fictional:
        pages += [p.labelled() for p in read_fictional(ROOT / "tests" / "data" / "clean")]
    model = fit(prepare([v for page in pages for v in augmented(page)], rule_kinds))
    Path(args.out).write_text(
        json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8"
    )
    lines = sum(len(p.lines) for p in pages)
    print(
        f"trained on {len(pages)} pages ({lines} lines) in {time.perf_counter() - started:.0f} s;"
        f" wrote {args.out} ({Path(args.out).stat().st_size // 1024} KB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
