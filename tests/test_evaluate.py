"""Tests for storyweave.evaluate: ROUGE settings, the systems interface, the oracle, output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave.cli.evaluate import add_parser, run
from storyweave.evaluate import (
    DEFAULT_SYSTEMS,
    EvalCluster,
    RougeScorer,
    RougeSettings,
    System,
    duc_settings,
    evaluate,
    make_system,
    multi_news_settings,
    read_clusters,
    to_json,
    to_markdown,
)
from storyweave.evaluate.text import fill_budget, truncate_words
from storyweave.model import Article

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DUC = SHARED / "duc2004_task2" / "duc2004_task2.jsonl"

DOC_A = (
    "The city council approved a new budget on Monday after a long debate. "
    "The budget raises spending on schools and roads by ten percent. "
    "Critics said the plan would force higher property taxes next year."
)
DOC_B = (
    "Weather was sunny across the region during the weekend. "
    "Council members voted seven to two to approve the city budget. "
    "The mayor said the budget puts schools first."
)
REFERENCE = (
    "The city council approved a budget that raises spending on schools and roads. "
    "The mayor said the budget puts schools first."
)


def cluster(
    references: tuple[str, ...] = (REFERENCE,), published: dict[str, str] | None = None
) -> EvalCluster:
    """A two-document cluster about a council budget."""
    return EvalCluster(
        id="toy-1",
        dataset="toy",
        articles=(Article(text=DOC_A, origin="a"), Article(text=DOC_B, origin="b")),
        references=references,
        system_summaries=published or {},
    )


def test_truncate_words_keeps_first_words_and_lines() -> None:
    assert truncate_words("one two\nthree four five", 3) == "one two\nthree"
    assert fill_budget(["a b c", "d e f", "g h"], 4) == "a b c\nd"


def test_duc_recall_only_counts_the_first_100_words() -> None:
    scorer = RougeScorer(duc_settings())
    filler = " ".join(["zebra"] * 100)
    late = scorer.score(filler + " " + REFERENCE, [REFERENCE])
    early = scorer.score(REFERENCE + " " + filler, [REFERENCE])
    assert late["rouge1"] == 0.0 and late["rouge2"] == 0.0
    assert early["rouge1"] == pytest.approx(100.0)


def test_duc_references_are_cut_to_the_budget_as_rouge155_does() -> None:
    settings = duc_settings(budget=10)
    assert settings.truncate_references and settings.measure == "recall"
    reference = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    # The first 10 words of the reference are all found: recall is complete.
    assert RougeScorer(settings).score(reference, [reference])["rouge1"] == pytest.approx(100.0)


def test_pooled_recall_sums_counts_over_references() -> None:
    scorer = RougeScorer(RougeSettings(measure="recall", budget=100))
    # Unigrams: ref 1 has 2 of which 2 match, ref 2 has 4 of which 1 matches -> 3/6.
    scores = scorer.score("storm hits", ["storm hits", "storm floods the valley"])
    assert scores["rouge1"] == pytest.approx(50.0)
    mean = RougeScorer(RougeSettings(measure="recall", budget=100, aggregate="mean"))
    assert mean.score("storm hits", ["storm hits", "storm floods the valley"])[
        "rouge1"
    ] == pytest.approx(62.5)


def test_f1_settings_penalise_padding() -> None:
    scorer = RougeScorer(multi_news_settings(budget=300))
    exact = scorer.score(REFERENCE, [REFERENCE])["rouge1"]
    padded = scorer.score(REFERENCE + " " + DOC_A, [REFERENCE])["rouge1"]
    assert exact == pytest.approx(100.0) and padded < 90.0


def test_stemming_is_on() -> None:
    scorer = RougeScorer(multi_news_settings())
    assert scorer.score("councils approving budgets", ["council approved budget"])[
        "rouge1"
    ] == pytest.approx(100.0)


@pytest.mark.parametrize("name", [n for n in DEFAULT_SYSTEMS if not n.startswith("storyweave")])
def test_every_baseline_follows_the_interface_and_budget(name: str) -> None:
    system = make_system(name)
    assert isinstance(system, System) and system.name == name
    summary = system.summarize(cluster(), 20)
    assert 0 < len(summary.split()) <= 20
    for line in summary.splitlines():  # every line comes from a source document
        assert line in DOC_A or line in DOC_B


def test_both_storyweave_summarizers_are_systems_side_by_side() -> None:
    assert DEFAULT_SYSTEMS[:2] == ("storyweave", "storyweave-learned")
    default, learned = make_system("storyweave", words=50), make_system("storyweave-learned")
    coverage = make_system("storyweave-coverage")
    assert (default.name, learned.name) == ("storyweave", "storyweave-learned")
    assert default._briefer(50).options.summarizer == "coverage"  # type: ignore[attr-defined]
    assert learned._briefer(50).options.summarizer == "learned"  # type: ignore[attr-defined]
    assert coverage._briefer(50).options.summarizer == "coverage"  # type: ignore[attr-defined]


def test_unknown_system_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown system 'lexrank'"):
        make_system("lexrank")


def test_random_is_deterministic_per_cluster() -> None:
    system = make_system("random")
    assert system.summarize(cluster(), 15) == system.summarize(cluster(), 15)


def test_oracle_scores_at_least_lead() -> None:
    settings = RougeSettings(measure="recall", budget=20)
    result = evaluate([cluster()], ["lead-3", "oracle"], settings, isolate=False)
    assert result.system("oracle").rouge2 >= result.system("lead-3").rouge2
    assert result.system("oracle").rouge1 >= result.system("lead-3").rouge1


@pytest.mark.skipif(not DUC.is_file(), reason="shared DUC 2004 data not found next to the repo")
def test_oracle_beats_lead_and_published_lead_on_real_duc() -> None:
    clusters = list(read_clusters(DUC, limit=2))
    result = evaluate(clusters, ["oracle", "lead-3", "Lead"], duc_settings(), isolate=False)
    assert result.system("oracle").rouge2 > result.system("lead-3").rouge2
    assert result.system("oracle").rouge2 > result.system("Lead").rouge2
    assert result.system("Lead").kind == "published"


def test_published_systems_keep_their_exact_names() -> None:
    toy = cluster(published={"ICSISumm": "The city council approved a new budget on Monday."})
    result = evaluate([toy], ["ICSISumm", "lead-3"], duc_settings(), isolate=False)
    row = result.system("ICSISumm")
    assert row.kind == "published" and row.seconds_per_cluster is None and row.rouge1 > 0


def test_json_holds_the_documented_keys() -> None:
    result = evaluate(
        [cluster()], ["lead-3", "oracle"], multi_news_settings(), dataset="toy", isolate=False
    )
    data = json.loads(json.dumps(to_json(result)))
    assert {"dataset", "clusters", "settings", "systems", "machine"} <= data.keys()
    assert data["dataset"] == "toy" and data["clusters"] == 1
    assert data["settings"]["measure"] == "f1" and data["settings"]["budget"] == 300
    for row in data["systems"]:
        assert {"name", "rouge1", "rouge2", "rougeLsum", "seconds_per_cluster", "peak_mb"} <= (
            row.keys()
        )
    assert "| lead-3 |" in to_markdown(result)


def test_isolated_run_measures_peak_memory() -> None:
    result = evaluate([cluster()], ["lead-3"], multi_news_settings(), isolate=True)
    row = result.system("lead-3")
    assert row.peak_mb is not None and row.peak_mb > 10
    assert row.seconds_per_cluster is not None


def test_cli_writes_table_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    record = {
        "id": "toy-1",
        "dataset": "multi_news",
        "documents": [{"text": DOC_A}, {"text": DOC_B}],
        "summary": REFERENCE,
    }
    data_file = tmp_path / "toy.jsonl"
    data_file.write_text(json.dumps(record) + "\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "eval",
            "summaries",
            str(data_file),
            "--systems",
            "lead-3,oracle",
            "--in-process",
            "--no-progress",
            "--budget",
            "30",
            "--json",
            str(tmp_path / "out.json"),
            "--plot",
            str(tmp_path / "out.png"),
        ]
    )
    assert run(args) == 0
    assert "| oracle |" in capsys.readouterr().out
    saved = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in saved["systems"]] == ["lead-3", "oracle"]
    assert saved["settings"]["budget"] == 30
    assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"
