"""Real answer keys (``tests/data/real_keys``) and ``storyweave eval analysis --real``.

The keys mark sentences of real clusters by offsets; the texts stay in the shared data
folder (``$STORYWEAVE_DATA`` or ``../shared/data`` beside the repository). Tests that need
the texts are skipped when that folder is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from storyweave.cli import main
from storyweave.evaluate.real_analysis import REAL_KINDS, score_cluster
from storyweave.evaluate.real_keys import (
    REAL_KEY_FORMAT,
    RealCluster,
    data_root,
    key_paths,
    load_real_key,
    locate,
    read_cluster,
    resolve,
    span_problems,
)
from storyweave.model import Article, Briefing, Divergence, Side

from .builders import make_source

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "tests" / "data" / "real_keys"
SMALL = KEYS / "multinews-test-1635.json"
#: Longest run of words a key's labels may share with the texts it marks (labels, not copies).
MAX_SHARED_WORDS = 8

needs_data = pytest.mark.skipif(
    not (data_root() / "duc2004_task2").is_dir(), reason="shared data folder absent"
)


def _strings(value: Any) -> list[str]:
    """Every string a key holds outside its identifying fields."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            s
            for k, v in value.items()
            if k not in ("format", "dataset", "cluster", "documents")
            for s in _strings(v)
        ]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_at_least_twelve_real_keys_load() -> None:
    paths = key_paths([KEYS])
    assert len(paths) >= 12
    for path in paths:
        key = load_real_key(path)
        assert key["format"] == REAL_KEY_FORMAT
        assert all(entry.get("what") for entry in key.get("conflicts", []))


@needs_data
@pytest.mark.parametrize("path", key_paths([KEYS]), ids=lambda p: p.stem)
def test_every_span_is_a_non_empty_stretch_of_its_document(path: Path) -> None:
    key = load_real_key(path)
    cluster = read_cluster(key)
    assert span_problems(key, cluster) == []


@needs_data
@pytest.mark.parametrize("path", key_paths([KEYS]), ids=lambda p: p.stem)
def test_keys_hold_labels_not_copied_text(path: Path) -> None:
    key = load_real_key(path)
    cluster = read_cluster(key)
    words = re.compile(r"[a-z0-9]+")
    text = (
        " "
        + " ".join(
            words.findall(
                " ".join(
                    f"{d.get('text') or ''} {d.get('title') or ''}" for d in cluster.documents
                ).lower()
            )
        )
        + " "
    )
    n = MAX_SHARED_WORDS + 1
    for label in _strings(key):
        run = words.findall(label.lower())
        for i in range(len(run) - n + 1):
            assert " " + " ".join(run[i : i + n]) + " " not in text, label


def test_locate_tolerates_joined_lines_and_quote_styles() -> None:
    text = "Intro line.\nThe mayor said ``we are\n ready'' on Monday. Next."
    start, end = locate('The mayor said "we are ready" on Monday.', text) or (0, 0)
    assert text[start:end].startswith("The mayor said") and text[start:end].endswith("Monday.")
    assert locate("Not in the text at all.", text) is None


def _toy() -> tuple[RealCluster, dict[str, Any], Briefing]:
    """A made-up two-document cluster, its key and a briefing with one item of each verdict."""
    one = "Ten boats sank on Monday. The port stays shut. A cafe owner saw it."
    two = "Twelve boats sank on Monday. The port stays shut. Divers found a wreck."
    cluster = RealCluster(
        "toy",
        (Article(text=one, origin="toy.jsonl#toy/0"), Article(text=two, origin="toy.jsonl#toy/1")),
        ({"text": one}, {"text": two}),
        {0: "toy.jsonl#toy/0", 1: "toy.jsonl#toy/1"},
    )

    def span(doc: int, sentence: str, value: str | None = None) -> dict[str, Any]:
        text = (one, two)[doc]
        start = text.index(sentence)
        out: dict[str, Any] = {"doc": doc, "start": start, "end": start + len(sentence)}
        if value:
            out["value"] = [text.index(value), text.index(value) + len(value)]
        return out

    key = {
        "format": REAL_KEY_FORMAT,
        "dataset": "toy.jsonl",
        "cluster": "toy",
        "conflicts": [
            {
                "what": "boats",
                "sides": [
                    span(0, "Ten boats sank on Monday.", "Ten"),
                    span(1, "Twelve boats sank on Monday.", "Twelve"),
                ],
            }
        ],
        "single_source": [{"what": "wreck", **span(1, "Divers found a wreck.")}],
        "shared": [span(0, "The port stays shut."), span(1, "The port stays shut.")],
        "judged": [
            {
                "kind": "single_source",
                **span(0, "A cafe owner saw it."),
                "right": False,
                "why": "trivial",
            }
        ],
    }
    s1 = make_source(1, one.replace(". ", ".|").split("|"), origin="toy.jsonl#toy/0")
    s2 = make_source(2, two.replace(". ", ".|").split("|"), origin="toy.jsonl#toy/1")

    def single(citation: str) -> Divergence:
        return Divergence("single_source", "only one", (Side("x", (citation,), ("s1",)),))

    divergences = (
        Divergence(
            "conflict", "boats", (Side("a", ("s1.1",), ("s1",)), Side("b", ("s2.1",), ("s2",)))
        ),
        single("s2.3"),  # planted: right
        single("s1.3"),  # judged wrong
        single("s1.2"),  # a shared sentence: wrong
        Divergence(
            "superseded", "x", (Side("a", ("s1.2",), ("s1",)), Side("b", ("s2.2",), ("s2",)))
        ),
    )
    briefing = Briefing(sources=(s1, s2), summary=(), facts=(), quotes=(), divergences=divergences)
    return cluster, key, briefing


def test_scoring_counts_planted_judged_and_unjudged_items() -> None:
    cluster, key, briefing = _toy()
    assert span_problems(key, cluster) == []
    result = score_cluster(briefing, resolve(key, cluster), cluster)
    conflict, single = result.scores["conflict"], result.scores["single_source"]
    assert (conflict.found, conflict.planted, conflict.reported_right, conflict.reported) == (
        1,
        1,
        1,
        1,
    )
    assert (single.found, single.planted) == (1, 1)
    assert (single.reported_right, single.reported) == (1, 3)
    superseded = result.scores["superseded"]
    assert superseded.reported == 0 and superseded.extra["unjudged"] == 1
    (unjudged,) = result.unjudged
    assert unjudged["kind"] == "superseded"
    assert unjudged["sides"][0][0] == {"doc": 0, "start": 26, "end": 46}


def test_a_sentence_in_agreeing_sides_is_not_a_conflict() -> None:
    cluster, key, briefing = _toy()
    for side in key["conflicts"][0]["sides"]:
        side["set"] = "same"
    result = score_cluster(briefing, resolve(key, cluster), cluster)
    assert result.scores["conflict"].found == 0
    assert result.scores["conflict"].extra["unjudged"] == 1


@needs_data
def test_real_analysis_end_to_end_on_one_small_cluster(tmp_path: Path) -> None:
    out = tmp_path / "real.json"
    assert main(["eval", "analysis", "--real", str(SMALL), "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    key = load_real_key(SMALL)
    cluster = result["clusters"][key["cluster"]]
    assert set(cluster["kinds"]) == set(REAL_KINDS)
    assert cluster["kinds"]["single_source"]["planted"] == len(key["single_source"])
    assert cluster["kinds"]["quote"]["planted"] == len(key["quotes"])
    for kind in REAL_KINDS:
        for rate in ("precision", "recall"):
            value = cluster["kinds"][kind][rate]
            assert value is None or 0.0 <= value <= 1.0
    # Every item the system reported was judged when the key was written.
    assert all(
        cluster["kinds"][k].get("unjudged", 0)
        == len([u for u in cluster["unjudged"] if u["kind"] == k])
        for k in REAL_KINDS[:3]
    )


def test_a_missing_data_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["eval", "analysis", "--real", str(SMALL), "--data", str(tmp_path)])
    assert code != 0
    assert "not found" in capsys.readouterr().err
