"""Conventions every command keeps (issue 16, item 4): a licence, -v/-q with standard
logging, settings from the environment, and error messages that say what works."""

from __future__ import annotations

import argparse
import json
import logging
import re
from pathlib import Path

import pytest

from storyweave.cli import build_parser, main
from storyweave.cli.flags import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "examples" / "harbour-strike"


def test_the_licence_file_matches_the_package_metadata() -> None:
    licence = (ROOT / "LICENSE").read_text("utf-8")
    assert licence.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in licence
    assert re.search(r'^license = "MIT"$', (ROOT / "pyproject.toml").read_text("utf-8"), re.MULTILINE)


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:  # argparse offers no public walk of sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands(sub, (*path, name))
    return found or {" ".join(path): parser}


def test_every_command_takes_verbose_and_quiet() -> None:
    commands = _commands(build_parser())
    assert {"brief", "schema", "ingest", "stories", "batch", "serve", "eval summaries",
            "eval analysis", "eval extraction"} <= set(commands)
    for name, parser in commands.items():
        options = {o for action in parser._actions for o in action.option_strings}
        assert {"-v", "--verbose", "-q", "--quiet"} <= options, name


def test_verbose_logs_what_each_stage_does_and_quiet_silences_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.md"
    assert main(["brief", str(STORY), "--model", "lexical", "-o", str(out), "-v"]) == 0
    err = capsys.readouterr().err
    assert "storyweave: INFO: loaded 6 article(s) from 1 input(s); 0 skipped" in err
    assert "INFO: briefed 6 source(s)" in err
    assert main(["brief", str(STORY), "--model", "lexical", "-o", str(out), "-vv"]) == 0
    assert "DEBUG: storyweave.pipeline: stage seconds: clean+segment" in capsys.readouterr().err
    assert main(["brief", str(STORY), "--model", "lexical", "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert logging.getLogger("storyweave").level == logging.ERROR


def test_settings_come_from_the_environment_and_a_flag_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert set(ENVIRONMENT) == {"STORYWEAVE_DB", "STORYWEAVE_MODEL", "STORYWEAVE_OUTLETS",
                                "STORYWEAVE_DATA"}
    monkeypatch.setenv("STORYWEAVE_MODEL", "lexical")
    monkeypatch.setenv("STORYWEAVE_DB", str(tmp_path / "env.db"))
    args = build_parser().parse_args(["brief", "x.txt"])
    assert (args.model, args.db) == ("lexical", str(tmp_path / "env.db"))
    assert build_parser().parse_args(["ingest", "x", "--model", "static"]).model == "static"
    assert build_parser().parse_args(["stories"]).db == str(tmp_path / "env.db")
    assert "STORYWEAVE_OUTLETS" in build_parser().format_help()
    out = tmp_path / "b.json"
    assert main(["brief", str(STORY), "-f", "json", "-o", str(out), "-q"]) == 0
    assert json.loads(out.read_text("utf-8"))["settings"]["model"] == "lexical"
    monkeypatch.setenv("STORYWEAVE_DATA", str(tmp_path / "data"))
    from storyweave.evaluate.real_keys import data_root

    assert data_root() == tmp_path / "data"


def test_the_model_a_store_names_is_one_the_model_flag_accepts() -> None:
    from storyweave.embed import load_embedder, model_option

    minilm = load_embedder("minilm")
    assert model_option(minilm.name) == "minilm"
    assert load_embedder(minilm.name).name == minilm.name  # "minilm-int8-onnx" loads too
    assert model_option(load_embedder("static").name) == "static"
    assert model_option("lexical") == "lexical"


def test_batch_given_a_text_file_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.jsonl"
    text.write_text("".join(f"line {i} of plain text\n" for i in range(200)), encoding="utf-8")
    code = main(["batch", str(text), "--out", str(tmp_path / "out.jsonl"), "-q", "--model", "lexical"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "not a JSON Lines dataset: its first 3 lines are not JSON objects" in err[0]


def test_one_damaged_line_in_a_dataset_is_still_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storyweave.ingest.datasets import load_dataset

    docs = [{"text": "The port reopened on Monday after the strike ended, officials said."}]
    data = tmp_path / "d.jsonl"
    data.write_text("{broken\n" + json.dumps({"id": "a", "documents": docs}) + "\n", encoding="utf-8")
    problems: list[object] = []
    assert [c.id for c in load_dataset(data, on_problem=problems.append)] == ["a"]
    assert len(problems) == 1


def test_failed_batch_clusters_are_tried_again_on_resume_in_input_order(tmp_path: Path) -> None:
    from storyweave.batch import run_batch
    from storyweave.options import BriefOptions

    docs = [
        {"text": "Dock workers in Velmora ended their strike on Sunday after talks, the union said.",
         "source": "A"},
        {"text": "The strike at the port of Velmora ended on Sunday after overnight talks, officials said.",
         "source": "B"},
    ]
    rows = [{"id": "c1", "documents": docs}, {"id": "c2", "documents": []}, {"id": "c3", "documents": docs}]
    data, out = tmp_path / "d.jsonl", tmp_path / "out.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    options = BriefOptions(model="lexical")
    first = run_batch(data, out, options)
    assert (first.written, first.failed) == (3, 1)
    rows[1]["documents"] = docs  # the input was fixed
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    second = run_batch(data, out, options)
    assert (second.written, second.failed, second.skipped, second.retried) == (1, 0, 2, 1)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["c1", "c2", "c3"]
    assert all("briefing" in r for r in records)
    third = run_batch(data, out, options)
    assert (third.written, third.skipped, third.retried) == (0, 3, 0)
