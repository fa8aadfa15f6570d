"""The plain records the store hands out: stories with their articles, stored briefings,
and the counts of an ingest run (:mod:`storyweave.monitor.store`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Briefing, InputProblem

#: The store used when ``--db`` is not given (here, not in :mod:`.store`, so that the
#: command line can name it without SQLAlchemy, which only the ``monitor`` extra installs).
DEFAULT_DB = "storyweave.db"


@dataclass(frozen=True)
class StoredArticle:
    """An article as a story lists it."""

    id: int
    origins: tuple[str, ...]
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str


@dataclass(frozen=True)
class StoryRecord:
    """One story with its articles, newest story first in listings."""

    id: int
    title: str | None
    language: str
    first_time: float
    last_time: float
    articles: tuple[StoredArticle, ...]
    briefing: str  # "current", "stale" or "none"


@dataclass(frozen=True)
class BriefingRecord:
    """A stored briefing: its JSON and the article ids it covers."""

    story_id: int
    article_ids: tuple[int, ...]
    json: str
    created_at: str
    rebuilt: bool
    briefing: Briefing | None = None  # the object itself when it was just rebuilt


@dataclass
class IngestSummary:
    """Counts of one ingest run, with one problem per failed input."""

    run_id: int
    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    stories: set[int] = field(default_factory=set)  # stories that gained articles

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (
            f"ingested {self.ingested}, skipped {self.duplicates} as duplicates, "
            f"failed {self.failed}; {len(self.stories)} stories updated"
        )
