"""Outlet profiles, coverage by side and blindspots (issue 16, item 5)."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from storyweave.cli import main
from storyweave.errors import OutletsError
from storyweave.model import OutletDirectory, OutletProfile
from storyweave.render import render_html, render_json, render_markdown, schema
from storyweave.render.json import briefing_from_dict
from storyweave.views.profiles import load_outlets, match_profile, name_key
from storyweave.views.sides import with_outlets

from .builders import make_briefing, make_source

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "harbour-strike"
REAL_NEWS = Path(os.environ.get("STORYWEAVE_DATA") or ROOT / ".." / "shared" / "data") / "real_news"


def _write(path: Path, outlets: object) -> Path:
    path.write_text(json.dumps(outlets), encoding="utf-8")
    return path


def test_the_file_gives_names_domains_and_any_labels(tmp_path: Path) -> None:
    directory = load_outlets(_write(tmp_path / "o.json", {
        "format": "storyweave-outlets/1",
        "outlets": [{"name": "Velmora Ledger", "domains": ["https://www.Ledger.example/news"],
                     "lean": "right", "country": "Ardania", "owner": "Ledger Holdings",
                     "founded": 1901}],
    }))
    profile = directory.profiles[0]
    assert profile.domains == ("ledger.example",)
    assert profile.labels == (("lean", "right"), ("country", "Ardania"),
                              ("owner", "Ledger Holdings"), ("founded", "1901"))
    assert directory.side_key == "lean"
    csv = tmp_path / "o.csv"
    csv.write_text("name,domains,lean,country\nCoast Radio,coast.example; radio.example,left,Ardania\n",
                   encoding="utf-8")
    assert load_outlets(csv).profiles[0] == OutletProfile(
        "Coast Radio", ("coast.example", "radio.example"), (), (("lean", "left"), ("country", "Ardania"))
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"outlets": [{"domains": ["a.example"]}]}', "entry 1: has no \"name\""),
        ('[{"name": "A"}, {"name": "the a"}]', "'A' is listed twice"),
        ('[{"name": "A", "domains": "x.example"}, {"name": "B", "domains": ["x.example"]}]',
         "domain 'x.example' is given for both 'A' (entry 1) and 'B' (entry 2)"),
        ('[{"name": "A", "lean": {"x": 1}}]', "label 'lean' must be a word or number"),
        ('{"format": "other/2", "outlets": []}', "is not 'storyweave-outlets/1'"),
    ],
)
def test_a_bad_file_is_refused_naming_the_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "outlets.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OutletsError, match="outlet file .*outlets.json") as error:
        load_outlets(path)
    assert message in str(error.value)


def test_sources_match_by_url_host_then_by_name() -> None:
    ledger = OutletProfile("The Velmora Ledger", ("ledger.example",), ("Ledger",), (("lean", "right"),))
    radio = OutletProfile("Coast Radio", (), (), (("lean", "left"),))
    directory = OutletDirectory((ledger, radio))
    by_host = make_source(1, ["x"], url="https://news.ledger.example/a", outlet="Someone Else")
    by_name = make_source(2, ["x"], outlet="COAST RADIO")
    by_alias = make_source(3, ["x"], outlet="Ledger")
    unknown = make_source(4, ["x"], outlet="Harbour Times", url="https://ledger.example.org/a")
    assert match_profile(directory, by_host) is ledger
    assert match_profile(directory, by_name) is radio
    assert match_profile(directory, by_alias) is ledger
    assert match_profile(directory, unknown) is None
    assert name_key("The Ardanian Ledger") == name_key("ARDANIAN LEDGER!")


def _sided(briefing, left: str = "left", right: str = "right"):  # type: ignore[no-untyped-def]
    directory = OutletDirectory((
        OutletProfile("Velmora Ledger", ("ledger.example",), (), (("lean", right),)),
        OutletProfile("Coast Radio", (), (), (("lean", left),)),
    ), origin="outlets.json")
    return with_outlets(briefing, directory)


def test_coverage_by_side_and_claims_only_one_side_carries() -> None:
    briefing = _sided(make_briefing())
    view = briefing.sides
    assert view is not None
    assert [(c.side, c.outlets) for c in view.coverage] == [("left", ("Coast Radio",)),
                                                            ("right", ("Velmora Ledger",))]
    fact = next(c for c in view.claims if c.fact_id == "f1")
    assert fact.sides == ("left", "right") and fact.blindspot_of == ()
    single = next(c for c in view.claims if c.kind == "single_source")
    assert single.sides == ("left",) and single.blindspot_of == ("right",)
    assert single.divergence == 1 and view.blindspots == (single,)
    # One side only: nothing is anyone's blindspot.
    assert _sided(make_briefing(), right="left").sides.blindspots == ()  # type: ignore[union-attr]


def test_an_outlet_without_a_side_never_makes_a_blindspot() -> None:
    briefing = make_briefing()
    directory = OutletDirectory((OutletProfile("Velmora Ledger", ("ledger.example",), (),
                                               (("lean", "right"),)),))
    view = with_outlets(briefing, directory).sides
    assert view is not None and view.unlabelled == ("s2",)
    assert view.blindspots == ()


def test_all_three_formats_show_sides_and_json_reads_them_back() -> None:
    briefing = _sided(make_briefing())
    text = render_markdown(briefing)
    assert "> **By lean:** left 1 · right 1" in text
    assert "## Coverage by side" in text and "(a blindspot for right)" in text
    assert "*reported by 2 sources: Velmora Ledger, Coast Radio — left, right*" in text
    page = render_html(briefing)
    assert 'id="h-sides"' in page and 'href="#h-sides"' in page
    assert "a blindspot for right" in page
    data = json.loads(render_json(briefing))
    jsonschema.validate(data, schema())
    assert data["sources"][0]["profile"] == {"name": "Velmora Ledger", "labels": {"lean": "right"}}
    assert data["sides"]["coverage"][0] == {"side": "left", "outlets": ["Coast Radio"],
                                            "sources": ["s2"]}
    assert data["top"]["sides"] == [{"side": "left", "outlets": 1}, {"side": "right", "outlets": 1}]
    assert data["settings"]["outlets"] == "outlets.json"
    again = briefing_from_dict(json.loads(json.dumps(data)))
    assert again.sides == briefing.sides
    assert render_markdown(again) == text


def test_the_example_story_ships_a_profile_of_its_fictional_outlets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outlets = load_outlets(EXAMPLE / "outlets.json")
    assert len(outlets.profiles) == 6
    out = tmp_path / "b.json"
    code = main(["brief", str(EXAMPLE), "--model", "lexical", "--outlets",
                 str(EXAMPLE / "outlets.json"), "-f", "json", "-o", str(out), "-q"])
    assert code == 0
    data = json.loads(out.read_text("utf-8"))
    assert all(source["profile"] is not None for source in data["sources"])
    assert {c["side"]: len(c["outlets"]) for c in data["sides"]["coverage"]} == {
        "left": 1, "centre": 3, "right": 2}
    assert any(c["blindspot_of"] for c in data["sides"]["claims"])


def test_the_outlet_file_comes_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STORYWEAVE_OUTLETS", str(tmp_path / "missing.json"))
    code = main(["brief", str(EXAMPLE), "--model", "lexical", "-q"])
    assert code == 1
    assert "missing.json: no such file (the file STORYWEAVE_OUTLETS names)" in capsys.readouterr().err
    monkeypatch.setenv("STORYWEAVE_OUTLETS", str(EXAMPLE / "outlets.json"))
    assert main(["brief", str(EXAMPLE), "--model", "lexical", "-q", "-o",
                 str(tmp_path / "b.md")]) == 0
    assert "## Coverage by side" in (tmp_path / "b.md").read_text("utf-8")


@pytest.mark.skipif(not (REAL_NEWS / "basil_dev.jsonl.gz").is_file(), reason="shared data absent")
def test_real_left_centre_right_triplets_get_their_sides(tmp_path: Path) -> None:
    """BASIL: each event told by HuffPost, The New York Times and Fox News, with the side
    the dataset gives each. The profile file is written from the dataset here (the ratings
    are the dataset's, not the project's), matched by the articles' URL hosts."""
    from storyweave.ingest.datasets import load_dataset
    from storyweave.options import BriefOptions
    from storyweave.pipeline import Briefer
    from storyweave.views.profiles import host_of

    with gzip.open(REAL_NEWS / "basil_dev.jsonl.gz", "rt") as handle:
        records = [json.loads(line) for _, line in zip(range(3), handle)]
    hosts: dict[str, tuple[str, str]] = {}
    for record in records:
        for doc in record["documents"]:
            hosts[host_of(doc["url"]) or ""] = (doc["source"], doc["side"])
    profiles = [{"name": f"outlet {i}", "domains": [host], "lean": side}
                for i, (host, (_, side)) in enumerate(sorted(hosts.items()))]
    directory = load_outlets(_write(tmp_path / "sides.json", profiles))
    briefer = Briefer(BriefOptions(model="lexical", outlets=directory))
    for record in records:
        cluster = next(load_dataset(REAL_NEWS / "basil_dev.jsonl.gz", cluster=record["id"]))
        briefing = briefer.brief(cluster.articles)
        view = briefing.sides
        assert view is not None and view.unlabelled == ()
        expected = {doc["side"] for doc in record["documents"]}
        assert {c.side for c in view.coverage} == expected
        assert [c.side for c in view.coverage] == ["left", "center", "right"]
        for claim in view.claims:
            carried = {doc["side"] for i, doc in enumerate(record["documents"])
                       if f"s{i + 1}" in claim.source_ids}
            assert set(claim.sides) == carried
            if len(carried) == 1:
                assert set(claim.blindspot_of) == expected - carried
        assert view.blindspots, "three outlets of three sides: single-source claims are blindspots"
        jsonschema.validate(json.loads(render_json(briefing)), schema())


def test_a_stored_briefing_gets_the_profiles_of_a_later_outlet_file() -> None:
    plain = make_briefing()
    assert plain.sides is None
    sided = _sided(replace(plain))
    assert sided.sources[0].profile is not None and sided.sides is not None
