"""Quality gate: storyweave's ROUGE on a small fixed subset must not drop below the floors
pinned in ``tests/data/eval_baseline.json``.

The subsets are the first clusters (file order) of shared datasets, scored exactly as
``storyweave eval summaries`` scores them. A floor is raised when the summarizer improves
and never lowered quietly: lowering one needs a commit that says why (see the file's
``policy``). The test skips, saying so, when the shared data is not next to the repo.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyweave.evaluate import duc_settings, evaluate, multi_news_settings, read_clusters

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "tests" / "data" / "eval_baseline.json"
SHARED = REPO / ".." / "shared" / "data"


def _gates() -> list[dict[str, Any]]:
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    gates: list[dict[str, Any]] = data["gates"]
    return gates


def test_baseline_file_documents_its_policy() -> None:
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert "never lowered" in data["policy"]
    for gate in _gates():
        for metric, floor in gate["floors"].items():
            assert floor <= gate["measured"][metric], f"{gate['name']}: floor above measurement"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("gate", _gates(), ids=lambda gate: gate["name"])
def test_storyweave_stays_above_its_floors(gate: dict[str, Any]) -> None:
    path = SHARED / gate["dataset"]
    if not path.is_file():
        pytest.skip(
            f"shared evaluation data not found: {gate['dataset']} (expected in "
            "../shared/data next to the repository)"
        )
    clusters = list(read_clusters(path, limit=gate["clusters"]))
    assert [c.id for c in clusters] == gate["cluster_ids"], "the subset is fixed; data changed?"
    settings = duc_settings() if gate["settings"] == "duc" else multi_news_settings()
    assert settings.budget == gate["budget"]
    row = evaluate(clusters, ["storyweave"], settings, isolate=False).system("storyweave")
    for metric, floor in gate["floors"].items():
        value = getattr(row, metric)
        assert value >= floor, (
            f"{gate['name']}: storyweave {metric} {value:.2f} fell below its floor {floor:.2f}"
        )
