"""Reading labelled scrapes for training and scoring the line cleaner.

Two sources, one shape (:class:`ScrapePage`):

- real scrapes, ``text_scrapes/*.jsonl.gz`` in the shared evaluation data: one JSON
  object per page with its lines labelled ``story`` / ``chrome`` (one line may carry
  ``"role": "headline"``) and the page's own metadata (``og:title``, ``h1``, site name,
  author, published time);
- the project's fictional scrapes in ``tests/data/clean``: every line prefixed ``K|``
  (story) or ``R|`` (boilerplate or header metadata).

Page text never leaves the data folders: these readers are for training and scoring.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cleaning_train import LabelledPage

#: Environment variable naming the shared data folder; the default is ``../shared/data``
#: beside the repository (as CI lays it out).
DATA_ENV = "STORYWEAVE_DATA"


def default_data_dir() -> Path:
    """The shared evaluation data folder: ``$STORYWEAVE_DATA``, else ``../shared/data``
    next to the repository root."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return Path(__file__).resolve().parents[4] / "shared" / "data"


@dataclass(frozen=True)
class ScrapePage:
    """One labelled scrape."""

    id: str
    lines: tuple[str, ...]  # non-blank, stripped
    labels: tuple[str, ...]  # "story" / "chrome" per line
    group: str  # the site (outlet domain), or the fictional file's name
    url: str | None = None
    roles: tuple[str | None, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)  # the page's own markup

    @property
    def text(self) -> str:
        """The scrape as a cleaner gets it: the lines joined by newlines."""
        return "\n".join(self.lines)

    def labelled(self) -> LabelledPage:
        """The page as training data."""
        return LabelledPage(
            self.lines,
            tuple(x == "story" for x in self.labels),
            self.group,
            tuple(role == "headline" for role in self.roles) if self.roles else (),
        )


def read_scrapes(path: str | Path, limit: int | None = None) -> list[ScrapePage]:
    """Pages of a ``text_scrapes`` JSONL (gzip or plain) file, in file order."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    pages = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            rows = [r for r in record["lines"] if r["text"].strip()]
            pages.append(
                ScrapePage(
                    id=record["id"],
                    lines=tuple(r["text"].strip() for r in rows),
                    labels=tuple(r["label"] for r in rows),
                    roles=tuple(r.get("role") for r in rows),
                    group=record.get("outlet_domain") or record["id"],
                    url=record.get("url"),
                    meta=dict(record.get("page_meta") or {}),
                )
            )
            if limit and len(pages) >= limit:
                break
    return pages


def read_fictional(folder: str | Path) -> Iterator[ScrapePage]:
    """The fictional ``K|`` / ``R|`` labelled scrapes of ``folder`` (tests/data/clean)."""
    for path in sorted(Path(folder).glob("*.txt")):
        lines, labels = [], []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw[:2] in ("K|", "R|") and raw[2:].strip():
                lines.append(raw[2:].strip())
                labels.append("story" if raw[0] == "K" else "chrome")
        yield ScrapePage(
            id=path.stem, lines=tuple(lines), labels=tuple(labels), group=f"fictional/{path.stem}"
        )
