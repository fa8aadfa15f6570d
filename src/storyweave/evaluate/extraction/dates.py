"""Dates scored on TempEval-3 (TimeBank + AQUAINT, and the platinum test set).

Scoring follows ``shared/data/real_nlp/README.md``:

* **Value accuracy (main)**: over the gold DATE timexes whose value is a calendar value
  (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), a gold timex is right when a predicted
  expression overlaps its span with the same value; a missed one is wrong.
* **Value accuracy (lenient)**: the same, with the prediction cut to the gold granularity
  first (a predicted ``2013-03-21`` against gold ``2013-03`` counts).
* **Detection**: precision, recall and F1 over all TIMEX3 (every type), strict (same span)
  and relaxed (any overlap), as in TempEval-3: a prediction is correct when it matches some
  gold timex, a gold timex is found when some prediction matches it.

Two systems run side by side on the same articles: storyweave's date finder
(:func:`storyweave.nlp.dates.find_times`, per sentence of the project's splitter, anchored
to the creation date) and ``dateparser`` (``search_dates`` with ``RELATIVE_BASE`` = the
creation date). TimeML leaves a leading preposition out of the timex ("on Monday" is marked
"Monday"), so both systems' spans lose one before the strict comparison; dateparser's spans
also lose the trailing punctuation and joining words it sometimes takes in ("Friday, and").

    python -m storyweave.evaluate.extraction.dates [FILE ...] [--limit N] [--json OUT]

Without FILE both files are scored, read from ``$STORYWEAVE_DATA/real_nlp`` (default
``../shared/data`` next to the repository). ``--half a|b`` keeps one of two fixed halves of
the articles (grouped by article id), the split used to tune the rules on one half and check
them on the other.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import json
import os
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...nlp.dates import find_times
from ...nlp.sentences import split_sentences

REPO = Path(__file__).resolve().parents[4]
#: The two dev files, under the data folder's ``real_nlp``.
DEFAULT_FILES = ("tbaq_dev.jsonl.gz", "te3_platinum_dev.jsonl.gz")
#: dateparser's PREFER_DATES_FROM. Measured on the TBAQ half "a" (79 articles, 308 calendar
#: values): "current_period" (its default) 183 right (59.4%), "past" 144 (46.8%), "future"
#: 99 (32.1%): "past" sends a weekday or month of the publication's own week or month back
#: a week or a year.
DATEPARSER_PREFER = "current_period"

_CALENDAR = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_LEADING_WORDS = re.compile(
    r"^(?:(?:on|in|at|from|since|until|till|to|by|before|after|during|between|and|of|for|"
    r"as of|through)\s+)+",
    re.IGNORECASE,
)
_TRAILING_JUNK = re.compile(r"(?:[\s,.;:!?)(\"'’”]|\b(?:and|or|the|of|at|in|on|a)\b)+$")


@dataclass(frozen=True, slots=True)
class Timex:
    """One gold TIMEX3: its span in the text, its type and its TimeML value."""

    start: int
    end: int
    text: str
    type: str
    value: str

    @property
    def calendar(self) -> bool:
        """A DATE with a full or partial calendar value: the set value accuracy is over."""
        return self.type == "DATE" and bool(_CALENDAR.fullmatch(self.value))


@dataclass(frozen=True, slots=True)
class TimexDocument:
    """One annotated article: its text, creation date and gold timexes."""

    id: str
    dct: dt.date
    text: str
    timexes: tuple[Timex, ...]


@dataclass(frozen=True, slots=True)
class Found:
    """One predicted expression: its span (TimeML extent) and calendar value, if any."""

    start: int
    end: int
    value: str | None


@dataclass(slots=True)
class Score:
    """One system's counts on one file, with the figures derived from them."""

    system: str
    articles: int = 0
    calendar: int = 0
    value_right: int = 0
    value_lenient: int = 0
    gold: int = 0
    predicted: int = 0
    strict_predicted_right: int = 0
    strict_gold_found: int = 0
    relaxed_predicted_right: int = 0
    relaxed_gold_found: int = 0
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        """Percentages (0-100) and ms per article."""
        strict = _prf(
            self.strict_predicted_right, self.predicted, self.strict_gold_found, self.gold
        )
        relaxed = _prf(
            self.relaxed_predicted_right, self.predicted, self.relaxed_gold_found, self.gold
        )
        return {
            "value_accuracy": _pct(self.value_right, self.calendar),
            "value_accuracy_lenient": _pct(self.value_lenient, self.calendar),
            "strict_precision": strict[0],
            "strict_recall": strict[1],
            "strict_f1": strict[2],
            "relaxed_precision": relaxed[0],
            "relaxed_recall": relaxed[1],
            "relaxed_f1": relaxed[2],
            "ms_per_article": 1000 * self.seconds / self.articles if self.articles else 0.0,
        }


System = Callable[[TimexDocument], list[Found]]


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _prf(right: int, predicted: int, found: int, gold: int) -> tuple[float, float, float]:
    precision, recall = _pct(right, predicted), _pct(found, gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def data_dir() -> Path:
    """The shared data folder: ``$STORYWEAVE_DATA`` or ``../shared/data`` beside the repo."""
    return Path(os.environ.get("STORYWEAVE_DATA") or REPO / ".." / "shared" / "data")


def in_half(doc_id: str, half: str) -> bool:
    """Whether an article falls in half "a" or "b" (a fixed split by a hash of its id)."""
    return "ab"[zlib.crc32(doc_id.encode("utf-8")) % 2] == half


def read_documents(
    path: Path, limit: int | None = None, half: str | None = None
) -> list[TimexDocument]:
    """The articles of one TempEval-3 JSONL file (gzipped or not), in file order."""
    opener = gzip.open if path.suffix == ".gz" else open
    documents = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if half and not in_half(record["id"], half):
                continue
            timexes = tuple(
                Timex(t["start"], t["end"], t["text"], t["type"], t["value"])
                for t in record["timexes"]
            )
            documents.append(
                TimexDocument(
                    record["id"], dt.date.fromisoformat(record["dct"]), record["text"], timexes
                )
            )
            if limit is not None and len(documents) >= limit:
                break
    return documents


class _Collapsed:
    """``text`` with its whitespace runs collapsed to one space (as the sentence splitter
    leaves it), mapping offsets back to ``text``."""

    def __init__(self, text: str) -> None:
        self.words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self.starts: list[int] = []  # where each word starts in the collapsed text
        position = 0
        for start, end in self.words:
            self.starts.append(position)
            position += end - start + 1

    def offset(self, index: int) -> int:
        """The offset in the original text of the collapsed text's character ``index``."""
        word = bisect.bisect_right(self.starts, index) - 1
        start, end = self.words[word]
        return min(start + index - self.starts[word], end)


def sentence_spans(text: str) -> Iterator[tuple[int, str]]:
    """(offset in the whitespace-collapsed text, sentence) for each sentence of the
    project's splitter, which collapses whitespace."""
    collapsed = " ".join(text.split())
    position = 0
    for sentence in split_sentences(text):
        found = collapsed.find(sentence, position)
        if found < 0:
            continue
        position = found + len(sentence)
        yield found, sentence


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The TimeML extent of a span: no leading preposition, no trailing punctuation."""
    piece = text[start:end]
    lead = _LEADING_WORDS.match(piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
        piece = piece[lead.end() :]
    tail = _TRAILING_JUNK.search(piece)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


def storyweave_system(document: TimexDocument) -> list[Found]:
    """storyweave's date finder, one sentence at a time, anchored to the creation date."""
    found = []
    collapsed = _Collapsed(document.text)
    for offset, sentence in sentence_spans(document.text):
        for mention in find_times(sentence, document.dct):
            start = collapsed.offset(offset + mention.start)
            end = collapsed.offset(offset + mention.end - 1) + 1
            start, end = _trim(document.text, start, end)
            found.append(Found(start, end, mention.date))
    return found


def dateparser_system(prefer: str = DATEPARSER_PREFER) -> System:
    """``dateparser.search.search_dates`` with the creation date as the relative base.

    The value keeps the granularity dateparser reports for the expression (its ``period``):
    a day, a month or a year.
    """
    try:
        from dateparser.date import DateDataParser
        from dateparser.search import search_dates
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise SystemExit("the dateparser baseline needs: pip install dateparser") from error

    def run(document: TimexDocument) -> list[Found]:
        settings = {
            "RELATIVE_BASE": dt.datetime.combine(document.dct, dt.time()),
            "PREFER_DATES_FROM": prefer,
        }
        hits = search_dates(document.text, languages=["en"], settings=settings) or []
        parser = DateDataParser(languages=["en"], settings=settings)
        found = []
        position = 0
        for written, when in hits:
            start = document.text.find(written, position)
            if start < 0:
                start = document.text.find(written)
                if start < 0:
                    continue
            else:
                position = start + len(written)
            start, end = _trim(document.text, start, start + len(written))
            period = parser.get_date_data(document.text[start:end]).period or "day"
            width = {"year": 4, "month": 7}.get(period, 10)
            found.append(Found(start, end, when.date().isoformat()[:width]))
        return found

    return run


def score(system_name: str, system: System, documents: Sequence[TimexDocument]) -> Score:
    """Run ``system`` over ``documents`` and count the README's figures."""
    result = Score(system_name, articles=len(documents))
    for document in documents:
        began = time.perf_counter()
        predictions = system(document)
        result.seconds += time.perf_counter() - began
        result.gold += len(document.timexes)
        result.predicted += len(predictions)
        spans = [(t.start, t.end) for t in document.timexes]
        for p in predictions:
            if (p.start, p.end) in spans:
                result.strict_predicted_right += 1
            if any(p.start < end and start < p.end for start, end in spans):
                result.relaxed_predicted_right += 1
        for timex in document.timexes:
            overlapping = [p for p in predictions if p.start < timex.end and timex.start < p.end]
            result.strict_gold_found += any(
                (p.start, p.end) == (timex.start, timex.end) for p in overlapping
            )
            result.relaxed_gold_found += bool(overlapping)
            if not timex.calendar:
                continue
            result.calendar += 1
            values = [p.value for p in overlapping if p.value]
            right = timex.value in values
            lenient = any(
                len(v) >= len(timex.value) and v[: len(timex.value)] == timex.value for v in values
            )
            result.value_right += right
            result.value_lenient += lenient
            if not right:
                result.errors.append(
                    {
                        "id": document.id,
                        "dct": document.dct.isoformat(),
                        "start": timex.start,
                        "end": timex.end,
                        "gold": timex.value,
                        "predicted": values,
                    }
                )
    return result


def table(name: str, scores: Sequence[Score]) -> str:
    """One file's results as a plain-text table, counts beside percentages."""
    first = scores[0]
    title = (
        f"{name}: {first.articles} articles, {first.calendar} calendar DATE values, "
        f"{first.gold} TIMEX3"
    )
    header = (
        f"{'system':<12} {'value (main)':>17} {'value (lenient)':>17} "
        f"{'strict P / R / F1':>22} {'relaxed P / R / F1':>22} {'ms/article':>10}"
    )
    lines = [title, header]
    for s in scores:
        f = s.figures()
        lines.append(
            f"{s.system:<12} {s.value_right:>5}/{s.calendar:<4} {f['value_accuracy']:5.1f}% "
            f"{s.value_lenient:>5}/{s.calendar:<4} {f['value_accuracy_lenient']:5.1f}% "
            f"{f['strict_precision']:6.1f} {f['strict_recall']:6.1f} {f['strict_f1']:6.1f}  "
            f"{f['relaxed_precision']:6.1f} {f['relaxed_recall']:6.1f} {f['relaxed_f1']:6.1f}  "
            f"{f['ms_per_article']:10.2f}"
        )
        lines.append(
            f"{'':<12} strict: {s.strict_predicted_right}/{s.predicted} predicted right, "
            f"{s.strict_gold_found}/{s.gold} gold found; relaxed: "
            f"{s.relaxed_predicted_right}/{s.predicted}, {s.relaxed_gold_found}/{s.gold}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score storyweave and dateparser on the TempEval-3 files; print one table per file."""
    parser = argparse.ArgumentParser(
        prog="python -m storyweave.evaluate.extraction.dates",
        description="Dates on TempEval-3: value accuracy and TIMEX3 detection, storyweave "
        "and dateparser side by side.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="TempEval-3 JSONL(.gz) files")
    parser.add_argument("--limit", type=int, help="only the first N articles of each file")
    parser.add_argument("--half", choices=("a", "b"), help="only one fixed half of the articles")
    parser.add_argument("--json", metavar="OUT", help="also write counts, figures and misses")
    parser.add_argument(
        "--systems", default="storyweave,dateparser", help="comma-separated (default: both)"
    )
    parser.add_argument(
        "--prefer",
        default=DATEPARSER_PREFER,
        choices=("past", "current_period", "future"),
        help="dateparser's PREFER_DATES_FROM",
    )
    args = parser.parse_args(argv)
    files = args.files or [data_dir() / "real_nlp" / name for name in DEFAULT_FILES]
    systems: dict[str, Callable[[], System]] = {
        "storyweave": lambda: storyweave_system,
        "dateparser": lambda: dateparser_system(args.prefer),
    }
    chosen = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in systems]
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}")
    report: dict[str, Any] = {}
    for path in files:
        if not path.is_file():
            print(f"skipped {path.name}: not found", file=sys.stderr)
            continue
        documents = read_documents(path, args.limit, args.half)
        scores = [score(name, systems[name](), documents) for name in chosen]
        print(table(path.name + (f" (half {args.half})" if args.half else ""), scores))
        print()
        report[path.name] = {
            s.system: {**{k: v for k, v in asdict(s).items()}, "figures": s.figures()}
            for s in scores
        }
    if args.json:
        text = json.dumps(report, indent=1)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if report else 1


if __name__ == "__main__":
    sys.exit(main())
