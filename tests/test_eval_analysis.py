"""``storyweave eval analysis``: scoring a briefing's cross-source analysis against a key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyweave.cli import main
from storyweave.evaluate.analysis import KINDS, score_story, story_folders
from storyweave.model import (
    Briefing,
    Divergence,
    Entity,
    FramingNote,
    OutletView,
    Quote,
    QuoteMention,
    Side,
    TimelineEvent,
)

from .builders import make_source

ROOT = Path(__file__).resolve().parent.parent

S1 = make_source(
    1,
    [
        "About 40 ships waited offshore on Sunday.",
        '"We won," said union chief Marta Ilves.',
        "Talks are unlikely to resume before next week.",
    ],
    origin="stories/a/one.txt",
)
S2 = make_source(
    2,
    [
        "At least 52 ships were at anchor on Sunday.",
        "The regime allegedly paid the strikers.",
        "A deal was signed on Sunday after talks resumed.",
        "The meeting lasted more than two hours.",
    ],
    origin="stories/a/two.txt",
    title="Bosses cave",
)
S3 = make_source(
    3,
    ["The meeting lasted two and a half hours.", 'Ilves said: "We won."'],
    origin="stories/a/three.txt",
)


def _side(file: str, value: str, sentence: str) -> dict[str, str]:
    return {"file": file, "value": value, "sentence": sentence}


KEY: dict[str, Any] = {
    "format": "storyweave-answers/1",
    "story": "synthetic",
    "files": [{"file": "one.txt"}, {"file": "two.txt"}, {"file": "three.txt"}],
    "conflicts": [
        {
            "what": "ships",
            "sides": [
                _side("one.txt", "About 40 ships", "About 40 ships waited offshore on Sunday."),
                _side(
                    "two.txt", "At least 52 ships", "At least 52 ships were at anchor on Sunday."
                ),
            ],
        }
    ],
    "compatible": [
        {
            "what": "meeting",
            "sides": [
                _side("two.txt", "more than two hours", "The meeting lasted more than two hours."),
                _side(
                    "three.txt", "two and a half hours", "The meeting lasted two and a half hours."
                ),
            ],
        }
    ],
    "superseded": [
        {
            "what": "deal",
            "stale": {
                "file": "one.txt",
                "sentence": "Talks are unlikely to resume before next week.",
            },
            "overtaken_by": [
                {"file": "two.txt", "sentence": "A deal was signed on Sunday after talks resumed."}
            ],
        }
    ],
    "single_source": [
        {
            "what": "payment",
            "file": "two.txt",
            "sentence": "The regime allegedly paid the strikers.",
        },
        {
            "what": "missed one",
            "file": "one.txt",
            "sentence": "About 40 ships waited offshore on Sunday.",
        },
    ],
    "quotes": [
        {
            "speaker": "Marta Ilves",
            "statement": "we won",
            "variants": [
                {"file": "one.txt", "text": "We won,"},
                {"file": "three.txt", "text": "We won."},
            ],
        }
    ],
    "entities": [
        {"name": "Marta Ilves", "roles": ["union chief"]},
        {"name": "Oskar Brandt", "roles": ["transport minister"]},
    ],
    "framing": [
        {
            "file": "two.txt",
            "term": "regime",
            "sentence": "The regime allegedly paid the strikers.",
        },
        {"file": "two.txt", "term": "cave", "sentence": "", "in": "title"},
        {"file": "one.txt", "term": '"victory"', "sentence": "About 40 ships"},
    ],
    "timeline": [
        {
            "event": "talks",
            "sources": [{"file": "one.txt", "sentence": "Talks are unlikely"}],
            "when": "x",
        },
        {
            "event": "deal",
            "sources": [{"file": "two.txt", "sentence": "A deal was signed"}],
            "when": "y",
        },
        {
            "event": "vote",
            "sources": [{"file": "three.txt", "sentence": "never in output"}],
            "when": "z",
        },
    ],
}


def _briefing() -> Briefing:
    ships = Divergence(
        "conflict",
        "ships differ",
        (
            Side("40", ("s1.1",), ("s1",), "About 40 ships"),
            Side("52", ("s2.1",), ("s2",), "at least 52 ships"),
        ),
    )
    compatible = Divergence(
        "conflict",
        "meeting length differs",
        (Side("2+", ("s2.4",), ("s2",)), Side("2.5", ("s3.1",), ("s3",))),
    )
    stale = Divergence(
        "superseded", "overtaken", (Side("", ("s1.3",), ("s1",)), Side("", ("s2.3",), ("s2",)))
    )
    single = Divergence("single_source", "only two", (Side("", ("s2.2",), ("s2",)),))
    wrong_single = Divergence("single_source", "only three", (Side("", ("s3.1",), ("s3",)),))
    quote = Quote(
        "Marta Ilves",
        "We won",
        ("s1.2", "s3.2"),
        ("s1", "s3"),
        (
            QuoteMention("We won,", "Marta Ilves", "s1", ("s1.2",)),
            QuoteMention("We won.", "Ilves", "s3", ("s3.2",)),
        ),
    )
    notes = (
        FramingNote("regime", "label", "s2.2", "Others: ..."),
        FramingNote("allegedly", "hedge", "s2.2", "No other outlet reports this."),
        FramingNote("Bosses cave", "label", "s2.1", "In the headline. Other headlines: ..."),
        FramingNote("ships", "label", "s2.1", "Others: ..."),  # not marked by the key
    )
    return Briefing(
        sources=(S1, S2, S3),
        summary=(),
        facts=(),
        quotes=(quote,),
        divergences=(ships, compatible, stale, single, wrong_single),
        entities=(
            Entity(
                "Marta Ilves", "person", ("general secretary", "union chief"), ("s1",), ("s1.2",)
            ),
            Entity("Oskar Brandt", "person", ("mayor",), ("s1",), ("s1.2",)),
        ),
        timeline=(
            TimelineEvent("y", None, "", ("s2.3",), ("s2",)),
            TimelineEvent("x", None, "", ("s1.3",), ("s1",)),
        ),
        outlets=(
            OutletView("s1", (), (), ()),
            OutletView("s2", (), (), notes),
            OutletView("s3", (), (), ()),
        ),
    )


def test_scores_match_what_was_planted_and_what_was_reported() -> None:
    scores = score_story(_briefing(), KEY)
    got = {k: (s.found, s.planted, s.reported_right, s.reported) for k, s in scores.items()}
    assert got["conflict"] == (1, 1, 1, 2)
    assert scores["conflict"].extra["compatible_flagged"] == 1
    assert got["superseded"] == (1, 1, 1, 1)
    # The planted sentence s1.1 is not flagged; s3.1 is a side of a compatible pair,
    # which the key shows in two outlets, so flagging it as single-source is wrong.
    assert got["single_source"] == (1, 2, 1, 2)
    assert got["quote"] == (1, 1, 1, 1)
    assert got["entity"] == (1, 2, 1, 2)  # Brandt found by name, but with a wrong role
    assert got["framing"] == (2, 3, 3, 4)
    # Two of three events found, in the wrong order: pairwise order accuracy 0 of 1.
    assert got["timeline"] == (2, 3, 0, 1)
    assert scores["framing"].precision == 0.75 and scores["timeline"].recall == 2 / 3


def test_a_wrong_speaker_costs_quote_recall_and_precision() -> None:
    briefing = _briefing()
    quote = briefing.quotes[0]
    wrong = Quote("Oskar Brandt", quote.text, quote.sentence_ids, quote.source_ids, quote.mentions)
    scores = score_story(Briefing(briefing.sources, (), (), (wrong,)), KEY)
    assert (scores["quote"].found, scores["quote"].precision) == (0, 0.0)


def test_missing_default_folders_give_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["eval", "analysis"]) != 0
    assert "examples/harbour-strike" in capsys.readouterr().err


def test_end_to_end_on_the_bundled_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folders = story_folders([str(ROOT / "examples" / "harbour-strike")])
    out = tmp_path / "analysis.json"
    assert main(["eval", "analysis", str(folders[0]), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert all(f"| {kind} |" in table for kind in KINDS)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["kinds"]) == set(KINDS)
    assert result["kinds"]["framing"]["planted"] == 6
    assert result["stories"]["harbour-strike"]["quote"]["planted"] == 3
