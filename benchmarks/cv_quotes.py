"""Cross-validate the quote stage's tuned thresholds on PolNeAR, grouped by publisher.

Two settings of :mod:`storyweave.nlp.quotes` were chosen by measuring on PolNeAR:
``MIN_OWN_WORDS`` (how many quoted words a report that names nobody needs to be kept) and
``DESCRIBED_SPEAKER`` (how far back a re-mention such as "the Texas senator" may find the
speaker it means; -1 turns it off). This script picks them on six publishers and scores the
seventh (leave-one-publisher-out), so the pooled held-out figures predict unseen outlets;
it also prints the pooled figures of the shipped settings. The rest of the quote stage is
rules without thresholds fitted to the data (they were written while reading PolNeAR's
errors, so the dev figures are somewhat optimistic for other text).

Run from the repository root (about ten minutes on two cores)::

    PYTHONPATH=src python benchmarks/cv_quotes.py [FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyweave.evaluate.extraction import quotes as scorer
from storyweave.nlp import quotes as quote_stage

GRID = {
    "MIN_OWN_WORDS": (1, 2, 3, 4),
    "DESCRIBED_SPEAKER": (-1, 1, 2, 3),
}


@contextmanager
def settings(values: dict[str, int]) -> Iterator[None]:
    """The quote stage with these module settings, restored afterwards (evaluation only)."""
    saved = {name: getattr(quote_stage, name) for name in values}
    try:
        for name, value in values.items():
            setattr(quote_stage, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(quote_stage, name, value)


def _score(tally: scorer.Tally) -> tuple[float, float]:
    figures = tally.figures()
    return figures["target_right_speaker"], figures["target_found"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="PolNeAR JSONL(.gz) (default: shared data)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    args = parser.parse_args(argv)
    records = scorer.read_articles(Path(args.file) if args.file else scorer.default_path(),
                                   args.limit)
    combos = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    # Per combo, per article: one tally (the quote stage runs once per article and combo).
    tallies: list[list[scorer.Tally]] = []
    for combo in combos:
        with settings(combo):
            tallies.append([scorer.score_article(r, scorer.storyweave_quotes(r)) for r in records])
        print(f"measured {combo}", file=sys.stderr)
    groups = sorted({str(r.get("publisher")) for r in records})
    held_out = scorer.Tally()
    rows: list[tuple[str, dict[str, Any], dict[str, float]]] = []
    for group in groups:
        inside = [i for i, r in enumerate(records) if str(r.get("publisher")) != group]
        outside = [i for i, r in enumerate(records) if str(r.get("publisher")) == group]

        def pooled(c: int, members: list[int]) -> scorer.Tally:
            total = scorer.Tally()
            for i in members:
                total.add(tallies[c][i])
            return total

        best = max(range(len(combos)), key=lambda c: _score(pooled(c, inside)))
        test = pooled(best, outside)
        held_out.add(test)
        rows.append((group, combos[best], test.figures()))
    print(f"{'held-out publisher':<20}{'chosen':<42}{'found':>8}{'+speaker':>10}{'P':>8}")
    for group, combo, figures in rows:
        chosen = ", ".join(f"{k}={v}" for k, v in combo.items())
        print(f"{group:<20}{chosen:<42}{100 * figures['target_found']:>7.1f}%"
              f"{100 * figures['target_right_speaker']:>9.1f}%{100 * figures['precision']:>7.1f}%")
    shipped = {name: getattr(quote_stage, name) for name in GRID}
    fixed = scorer.Tally()
    for i in range(len(records)):
        fixed.add(tallies[combos.index(shipped)][i])
    figures = fixed.figures()
    print(
        f"\nshipped settings {shipped}: found {100 * figures['target_found']:.1f}%, with the "
        f"right speaker {100 * figures['target_right_speaker']:.1f}%, precision "
        f"{100 * figures['precision']:.1f}%"
    )
    figures = held_out.figures()
    print(
        f"\npooled held-out ({len(records)} articles, {held_out.target} target quotes): "
        f"found {100 * figures['target_found']:.1f}%, with the right speaker "
        f"{100 * figures['target_right_speaker']:.1f}%, precision {100 * figures['precision']:.1f}%, "
        f"recall d+m {100 * figures['recall_marked']:.1f}%, speakers not names "
        f"{100 * figures['speakers_not_names']:.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
