"""Every briefing is consistent with itself: on the fictional stories, on real clusters,
and on mixed inputs (the fuzz tests check random ones with the same rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import Briefer, BriefOptions, load
from storyweave.evaluate.consistency import problems, roles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
STORIES = sorted(p for p in (ROOT / "tests" / "data" / "stories").iterdir() if p.is_dir())
REAL = [
    ("duc2004_task2/duc2004_task2.jsonl", "d30001t"),
    ("duc2004_task2/duc2004_task2.jsonl", "d30006t"),
    ("multi_news/longbench_test_fulltext.jsonl", "multinews-test-82"),
]


@pytest.fixture(scope="module")
def briefer() -> Briefer:
    return Briefer(BriefOptions())


@pytest.mark.parametrize("story", [ROOT / "examples" / "harbour-strike", *STORIES], ids=lambda p: p.name)
def test_fictional_briefings_are_consistent(story: Path, briefer: Briefer) -> None:
    briefing = briefer.brief(load([str(story)]).articles)
    assert roles(briefing), "the briefing has agreed facts or divergences"
    assert problems(briefing) == []


@pytest.mark.parametrize(("path", "cluster"), REAL, ids=[c for _, c in REAL])
def test_real_briefings_are_consistent(path: str, cluster: str, briefer: Briefer) -> None:
    if not (DATA / path).exists():
        pytest.skip(f"needs {path} in the shared data folder beside the repository")
    briefing = briefer.brief(load([str(DATA / path)], cluster=cluster).articles)
    assert problems(briefing) == []
