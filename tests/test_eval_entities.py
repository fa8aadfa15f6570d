"""The CoNLL-2003 entity scorer: name matching, span figures, and floors on the real set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyweave.evaluate.extraction import entities as scorer
from storyweave.model import Entity

CONLL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real_nlp"
CONLL_FILE = CONLL / "conll2003_dev.jsonl.gz"


def test_names_are_normalised_and_short_person_forms_join_the_full_name() -> None:
    assert scorer.normalise("Vellmar 's") == "vellmar"
    assert scorer.normalise("the  HARWICK LINE") == "harwick line"
    assert scorer.normalise("Ostra Corp .") == scorer.normalise("Ostra Corp")
    units = scorer.units_from_names(
        [("Tomas Vellmar", "PER"), ("Vellmar", "PER"), ("VELMORA", "LOC"), ("Velmora", "LOC"),
         ("Oskar", "PER"), ("Syrian", "MISC")]
    )
    by_shown = {u.shown: u for u in units}
    assert by_shown["Tomas Vellmar"].forms == {"tomas vellmar", "vellmar"}
    assert "Vellmar" not in by_shown  # one person, written two ways
    assert len([u for u in units if u.type == "LOC"]) == 1  # case variants are one place
    assert "Oskar" in by_shown  # a first name alone is its own unit
    assert all(u.type != "MISC" for u in units)


def test_units_match_one_to_one_by_type_and_shared_form() -> None:
    gold = scorer.units_from_names([("Tomas Vellmar", "PER"), ("Velmora", "LOC")])
    predicted = scorer.entity_units(
        [
            Entity("Vellmar", "person", (), ("s1",), ("s1.1",)),
            Entity("Velmora", "organization", (), ("s1",), ("s1.1",)),
            Entity("Tomas Vellmar", "person", (), ("s1",), ("s1.1",), aliases=("Vellmar",)),
        ]
    )
    assert scorer.match_units(gold, predicted) == 1  # Velmora has the wrong type
    assert scorer.match_units(gold, predicted, typed=False) == 2


def test_span_figures_strict_lenient_and_any_type() -> None:
    gold = [scorer.Span(0, 13, "PER"), scorer.Span(20, 27, "LOC")]
    predicted = [scorer.Span(6, 13, "PER"), scorer.Span(20, 27, "ORG")]
    assert scorer.match_spans(gold, predicted, "strict") == 0
    assert scorer.match_spans(gold, predicted, "lenient") == 1
    assert scorer.match_spans(gold, predicted, "any") == 2


def test_mentions_of_an_entity_are_found_in_spaced_text() -> None:
    text = "Tomas Vellmar 's goal .\nVELLMAR scored again in Velmora ."
    entity = Entity("Tomas Vellmar", "person", (), ("s1",), ("s1.1",), aliases=("Vellmar",))
    spans = scorer.entity_spans(text, [entity])
    assert [text[s.start : s.end] for s in spans] == ["Tomas Vellmar"]


@pytest.mark.skipif(not CONLL_FILE.exists(), reason="../shared/data/real_nlp is not here")
def test_conll_floors_on_a_sample(tmp_path: Path) -> None:
    """Floors on the first 20 CoNLL-2003 articles (the shipped tagger was trained on this
    file, so these are fit figures that catch breakage; the held-out figures come from
    ``scripts/train_name_tagger.py``: 5-fold CV by article, name-level F1 0.83)."""
    with gzip.open(CONLL_FILE, "rt", encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(20)]
    sample = tmp_path / "sample.jsonl.gz"
    with gzip.open(sample, "wt", encoding="utf-8") as out:
        out.writelines(lines)
    report = tmp_path / "report.json"
    assert scorer.main([str(sample), "--systems", "storyweave", "--json", str(report)]) == 0
    figures = json.loads(report.read_text())["systems"]["storyweave"]
    names = figures["names"]
    assert names["all"]["f1"] >= 0.90
    assert names["LOC"]["f1"] >= 0.85
    assert names["PER"]["f1"] >= 0.90 and names["ORG"]["f1"] >= 0.85
    assert figures["spans"]["lenient"]["f1"] >= 0.85
    assert figures["ms_per_article"] < 500
