"""The learned part of the framing stage: which words of an outlet's own text are loaded.

:mod:`storyweave.views.framing` finds loaded labels, hedges and scare quotes from fixed lists.
Real news loads far more words than any fixed list holds ("excoriated", "unabashedly",
"a do-nothing Congress"), so this module scores every content word an outlet writes
outside quotation marks with a small logistic regression over word features:

- a **lexicon**: word stems with how often annotators marked them as loaded wording and
  how often they were seen (BASIL dev: lexical-bias spans of HuffPost / NYT / Fox News
  triplets; stems marked at least once or seen at least twice); single stems and counts
  only, no text. A word seen often and never marked is as telling as a marked one;
- the word's **shape**: adverb, adjective and verb-form suffixes ("-ly", "-ous", "-ed"...),
  length, hyphenation, whether it opens the sentence;
- the **word-choice contrast** with the other outlets: how many of them use the word at
  all, and whether the sentence that states the same fact in another outlet (its aligned
  counterpart, else the most similar sentence) uses it too;
- where it sits: how far into the article, whether the sentence has a counterpart at all.

The model file (``framing_model.json`` beside this module) holds the lexicon, one weight
per feature, the decision threshold and a per-outlet cap. It is written by
``scripts/train_framing_model.py`` (deterministic, from the dev half of BASIL only) and
read here with no third-party code: scoring is a dot product and a logistic function.

Example::

    model = LoadedWordModel.load()
    words = candidate_words(sources, facts, sentences, vectors)
    scores = model.probabilities(words)
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Fact, Sentence, Source
from ..nlp.tokens import STOPWORDS, stem, words

#: The model file shipped inside the package.
MODEL_FILE = "framing_model.json"
MODEL_FORMAT = "storyweave-framing-model/1"

#: A word token: letters, inner apostrophes and hyphens ("do-nothing", "Trump's").
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
#: Quotation marks that open or close a quotation (single quotes are left alone: in news
#: copy they are mostly apostrophes).
_QUOTE_MARK = re.compile(r"[“”\"]")
#: Words shorter than this are function words or abbreviations.
MIN_WORD_LENGTH = 3
#: Suffixes whose presence is a feature: adverbs of manner ("-ly": "vigorously"), evaluative
#: adjectives ("-ous", "-ful", "-less", "-ive", "-ic", "-able"), past forms of verbs of
#: saying and attacking ("-ed": "excoriated"), "-ing" forms, "-ist"/"-ism" labels.
SUFFIXES = ("ly", "ous", "ful", "less", "ive", "ic", "able", "ible", "al", "ed", "ing", "ist",
            "ism", "ent", "ant", "est", "y")
#: Names of the context features, in the order of :attr:`Candidate.context`.
CONTEXT_FEATURES: tuple[str, ...] = (
    *(f"suffix_{s}" for s in SUFFIXES),
    "length",
    "hyphen",
    "sentence_start",
    "other_outlets_use",
    "counterpart_uses",
    "has_counterpart",
    "counterpart_cosine",
    "position",
)
_SHARE = CONTEXT_FEATURES.index("other_outlets_use")
#: Each suffix's column, and the lengths the suffixes come in.
_SUFFIX_AT = {suffix: n for n, suffix in enumerate(SUFFIXES)}
_SUFFIX_SIZES = tuple(sorted({len(suffix) for suffix in SUFFIXES}))
#: Names of the lexicon features, computed from a lexicon entry (annotated, seen).
LEXICON_FEATURES: tuple[str, ...] = ("lexicon_log_rate", "lexicon_known", "lexicon_seen")
FEATURES: tuple[str, ...] = LEXICON_FEATURES + CONTEXT_FEATURES
#: Smoothing of the lexicon rate: a stem seen N times and marked K times scores
#: log((K + SMOOTHING * base_rate) / (N + SMOOTHING)).
SMOOTHING = 1.0
#: The model scores the words of articles of at least this many sentences: it was trained
#: on whole articles (BASIL dev: 6 to 80 sentences), and its position and contrast features
#: say little about an excerpt of two or three sentences (NeuS and AllSides excerpts).
MIN_ARTICLE_SENTENCES = 6
#: A lexicon stem is a "loaded word" (:meth:`LoadedWordModel.loaded_stems`) when annotators
#: marked it in at least this share of the times BASIL dev uses it: a word marked once in a
#: hundred uses ("president" inside "a do-nothing president") is not loaded by itself.
LOADED_MIN_RATE = 0.2
#: Cosine over which another outlet's sentence counts as saying the same thing when no
#: aligned fact ties them (the framing stage's own neutral-note threshold).
COUNTERPART_COSINE = 0.4


@dataclass(frozen=True, slots=True)
class Candidate:
    """One content word an outlet wrote outside quotation marks, with its features.

    ``start``/``end`` are character offsets into ``sentence.text``.
    """

    sentence: Sentence
    start: int
    end: int
    word: str
    stem: str
    context: tuple[float, ...]

    @property
    def own_word(self) -> bool:
        """Whether no other outlet uses the word anywhere: only then can it be reported
        (a word every outlet uses is not one outlet's framing). On BASIL dev, 1.3% of such
        words are marked against 0.4% and 0.15% of those one or both others use."""
        return self.context[_SHARE] == 0.0


@dataclass(frozen=True)
class CandidateTable:
    """The words of :func:`candidate_words` as columns, row ``i`` one word.

    The framing stage scores tens of thousands of words and reports a few hundred: it reads
    the columns and builds a :class:`Candidate` (:meth:`candidate`) only for those.
    ``contexts`` holds one row of :data:`CONTEXT_FEATURES` per word.
    """

    sentences: list[Sentence]
    starts: list[int]
    ends: list[int]
    words: list[str]
    stems: list[str]
    contexts: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def candidate(self, i: int) -> Candidate:
        """Row ``i`` as a :class:`Candidate`."""
        return Candidate(
            self.sentences[i], self.starts[i], self.ends[i], self.words[i], self.stems[i],
            tuple(self.contexts[i].tolist()),
        )

    def own_words(self) -> np.ndarray:
        """Per row, :attr:`Candidate.own_word`."""
        return self.contexts[:, _SHARE] == 0.0


@dataclass(frozen=True)
class LoadedWordModel:
    """A lexicon plus a logistic regression over :data:`FEATURES`.

    ``lexicon`` maps a stem to ``(annotated, seen)`` counts; ``threshold`` is the
    probability from which a word is reported; ``max_per_source`` caps how many learned
    terms one outlet gets (the most probable first).
    """

    lexicon: Mapping[str, tuple[int, int]]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    base_rate: float
    max_per_source: int
    info: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(
                f"framing model has {len(self.weights)} weights; {len(FEATURES)} features expected"
            )

    @classmethod
    def off(cls) -> LoadedWordModel:
        """A model that reports nothing (for runs that need the fixed lists only)."""
        return cls({}, (0.0,) * len(FEATURES), 0.0, threshold=2.0, base_rate=0.01,
                   max_per_source=0)

    @classmethod
    def load(cls, path: str | Path | None = None) -> LoadedWordModel:
        """Read a model file; without ``path``, the one shipped in the package."""
        if path is None:
            text = importlib.resources.files("storyweave.views").joinpath(MODEL_FILE).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LoadedWordModel:
        """The model from its JSON form (see :meth:`to_json`)."""
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} file (format {data.get('format')!r})")
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError("framing model features do not match this version of storyweave")
        return cls(
            lexicon={k: (int(v[0]), int(v[1])) for k, v in data["lexicon"].items()},
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            base_rate=float(data["base_rate"]),
            max_per_source=int(data["max_per_source"]),
            info=dict(data.get("info", {})),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; lexicon keys sorted, so equal models write equal files."""
        return {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "base_rate": round(self.base_rate, 8),
            "max_per_source": self.max_per_source,
            "info": dict(self.info),
            "lexicon": {k: list(self.lexicon[k]) for k in sorted(self.lexicon)},
        }

    def dumps(self) -> str:
        """The JSON text of the model file: settings first, then one lexicon stem a line."""
        data = self.to_json()
        lexicon = data.pop("lexicon")
        head = json.dumps(data, indent=1)[: -len("\n}")]
        rows = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in lexicon.items())
        return f'{head},\n "lexicon": {{\n{rows}\n }}\n}}\n'

    def lexicon_features(self, word_stem: str, leave_out: tuple[int, int] = (0, 0)) -> list[float]:
        """The :data:`LEXICON_FEATURES` of a stem; ``leave_out`` counts are subtracted
        (training uses it so that a story never vouches for its own words)."""
        annotated, seen = self.lexicon.get(word_stem, (0, 0))
        annotated -= leave_out[0]
        seen -= leave_out[1]
        return lexicon_features(annotated, seen, self.base_rate)

    def probabilities(self, candidates: Sequence[Candidate] | CandidateTable) -> np.ndarray:
        """The probability that each candidate is loaded wording."""
        if not len(candidates):
            return np.zeros(0)
        if isinstance(candidates, CandidateTable):
            stems, contexts = candidates.stems, candidates.contexts
        else:
            stems = [c.stem for c in candidates]
            contexts = np.array([c.context for c in candidates], dtype=float)
        lexical = {s: self.lexicon_features(s) for s in set(stems)}  # once per stem
        rows = np.hstack([np.array([lexical[s] for s in stems], dtype=float), contexts])
        return logistic(rows @ np.array(self.weights) + self.bias)

    def loaded_stems(
        self, min_rate: float = LOADED_MIN_RATE, min_annotated: int = 1
    ) -> frozenset[str]:
        """Stems of the lexicon marked at least ``min_annotated`` times and in at least
        ``min_rate`` of the times they were seen: the loaded-word list of the summary check."""
        return frozenset(
            s
            for s, (annotated, seen) in self.lexicon.items()
            if annotated >= min_annotated and seen and annotated / seen >= min_rate
        )


def lexicon_features(annotated: int, seen: int, base_rate: float) -> list[float]:
    """log-rate, marked at all, log(1 + seen) for the counts of one stem (a stem the
    lexicon does not list has (0, 0): unknown, as rare words are)."""
    annotated, seen = max(annotated, 0), max(seen, 0)
    rate = (annotated + SMOOTHING * base_rate) / (seen + SMOOTHING)
    return [math.log(rate), float(annotated > 0), math.log1p(seen)]


def logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), without overflow warnings for large negative x."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


def quote_masks(source: Source) -> dict[str, list[tuple[int, int]]]:
    """Per sentence id, the character spans inside quotation marks.

    A quotation may run over several sentences of a paragraph: an opening mark with no
    closing one keeps the following sentences of the same paragraph inside it.
    """
    masks: dict[str, list[tuple[int, int]]] = {}
    inside = False
    paragraph = -1
    for sentence in source.sentences:
        if sentence.paragraph != paragraph:
            inside, paragraph = False, sentence.paragraph
        spans: list[tuple[int, int]] = []
        opened = 0 if inside else -1
        for match in _QUOTE_MARK.finditer(sentence.text):
            mark = match.group()
            opening = mark == "“" or (mark == '"' and not inside)
            if opening and not inside:
                inside, opened = True, match.start()
            elif not opening and inside:
                spans.append((opened, match.end()))
                inside, opened = False, -1
        if inside:
            spans.append((max(opened, 0), len(sentence.text)))
        masks[sentence.id] = spans
    return masks


def candidate_words(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    similarity: np.ndarray | None = None,
) -> list[Candidate]:
    """Every content word each source writes outside quotation marks, with its features
    (the rows of :func:`candidate_table`, which says which words)."""
    table = candidate_table(sources, facts, sentences, vectors, similarity)
    return [table.candidate(i) for i in range(len(table))]


def candidate_table(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    similarity: np.ndarray | None = None,
) -> CandidateTable:
    """Every content word each source writes outside quotation marks, with its features.

    Skipped: function words, words under :data:`MIN_WORD_LENGTH` letters, capitalised
    words inside a sentence (names), and sources shorter than
    :data:`MIN_ARTICLE_SENTENCES`. With fewer than two sources there is nothing to
    contrast, and no candidates.

    ``similarity`` is the cosine matrix of ``vectors`` when the caller has it
    (:func:`storyweave.align.similarity_matrix`); it only narrows the search for each
    sentence's closest other-outlet sentence, whose cosine is then read from ``vectors``.
    """
    if len(sources) < 2:
        return _table(_Rows(), [])
    memo: dict[str, str] = {}  # word -> stem, for this call only
    text_stems: dict[str, frozenset[str]] = {}  # text -> stems of its words, for this call only

    def stems_in(text: str) -> frozenset[str]:
        found = text_stems.get(text)
        if found is None:
            found = text_stems[text] = frozenset(_stems(set(words(text)), memo))
        return found

    # A source's stems are those of its headline and of each sentence (each sentence is
    # split into words once: its stems serve again when it is another's counterpart).
    stems_of = {
        s.id: stems_in(s.title or "").union(*(stems_in(line.text) for line in s.sentences))
        for s in sources
    }
    # How many sources use each stem: a word's share of the *other* outlets is this count,
    # less one when its own source uses it, over their number.
    outlets_using: dict[str, int] = {}
    for found in stems_of.values():
        for word_stem in found:
            outlets_using[word_stem] = outlets_using.get(word_stem, 0) + 1
    fact_of = {sid: fact for fact in facts for sid in fact.sentence_ids}
    row_of = {s.id: i for i, s in enumerate(sentences)}
    closest = _closest_other_rows(sentences, vectors, similarity)

    def stems_of_row(row: int) -> frozenset[str]:
        return stems_in(sentences[row].text)

    # Per distinct token: its number, stem and whether it is capitalised; None for a token
    # that is never a candidate (short, or a function word). Per number, the features of
    # the token's own letters.
    tokens: dict[str, tuple[int, str, bool] | None] = {}
    shapes: list[tuple[float, ...]] = []

    rows = _Rows()
    for source in sources:
        if len(source.sentences) < MIN_ARTICLE_SENTENCES:
            continue
        own_stems = stems_of[source.id]
        others = len(sources) - 1
        masks = quote_masks(source)
        total = max(len(source.sentences), 1)
        for sentence in source.sentences:
            counterpart, cosine = _counterpart(sentence, fact_of, row_of, closest, stems_of_row)
            counted = len(rows.starts)
            quoted = masks.get(sentence.id, [])
            text = sentence.text
            # A word is the sentence's first when only quote marks, brackets and dashes
            # come before it.
            lead = len(text) - len(text.lstrip(" \"'“‘(—–-"))
            for match in _WORD.finditer(text):
                word = match.group()
                token = tokens.get(word, _UNSEEN)
                if token is _UNSEEN:
                    token = tokens[word] = _token(word, memo, shapes)
                if token is None:
                    continue
                number, word_stem, capitalised = token
                start = match.start()
                first = start <= lead
                if capitalised and not first:
                    continue
                if quoted and any(a <= start < b for a, b in quoted):
                    continue
                used = outlets_using.get(word_stem, 0) - (word_stem in own_stems)
                rows.add(start, match.end(), word, word_stem, number, first, used / others,
                         counterpart is not None and word_stem in counterpart)
            if len(rows.starts) > counted:
                rows.sentences.append(sentence)
                rows.counts.append(len(rows.starts) - counted)
                position = sentence.index / total
                rows.sentence_values.append((float(counterpart is not None), cosine, position))
    return _table(rows, shapes)


#: Marks a token :func:`candidate_table` has not met yet.
_UNSEEN = (-1, "", False)


@dataclass
class _Rows:
    """The rows of a :class:`CandidateTable` as :func:`candidate_table` collects them, one
    list per column: per word its offsets, word, stem, token number (the row of its shape
    features), whether it opens the sentence, the share of other outlets that use it and
    whether the counterpart uses it; per sentence that has words, the sentence, how many
    and its has-counterpart, cosine and position features."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    firsts: list[bool] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    uses: list[bool] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    sentence_values: list[tuple[float, float, float]] = field(default_factory=list)

    def add(self, start: int, end: int, word: str, word_stem: str, number: int, first: bool,
            share: float, used: bool) -> None:
        """One word's columns."""
        self.starts.append(start)
        self.ends.append(end)
        self.words.append(word)
        self.stems.append(word_stem)
        self.numbers.append(number)
        self.firsts.append(first)
        self.shares.append(share)
        self.uses.append(used)


def _table(rows: _Rows, shapes: list[tuple[float, ...]]) -> CandidateTable:
    """The table of ``rows``: per word, the token's own ``shapes[number]`` then the context
    features in :data:`CONTEXT_FEATURES` order."""
    if not rows.starts:
        return CandidateTable([], [], [], [], [], np.zeros((0, len(CONTEXT_FEATURES))))
    per_sentence = np.repeat(np.array(rows.sentence_values, dtype=float), rows.counts, axis=0)
    contexts = np.column_stack([
        np.array(shapes)[rows.numbers],
        np.array(rows.firsts, dtype=float),
        np.array(rows.shares, dtype=float),
        np.array(rows.uses, dtype=float),
        per_sentence,
    ])
    sentences = [s for s, n in zip(rows.sentences, rows.counts, strict=True) for _ in range(n)]
    return CandidateTable(sentences, rows.starts, rows.ends, rows.words, rows.stems, contexts)


def _stems(distinct_words: set[str], memo: dict[str, str]) -> set[str]:
    """The stems of ``distinct_words``, through (and into) ``memo`` (word -> stem)."""
    found: set[str] = set()
    for word in distinct_words:
        word_stem = memo.get(word)
        if word_stem is None:
            word_stem = memo[word] = stem(word)
        found.add(word_stem)
    return found


def _token(
    word: str, memo: dict[str, str], shapes: list[tuple[float, ...]]
) -> tuple[int, str, bool] | None:
    """A word token's number, stem (through ``memo``) and whether it is capitalised; the
    features of its own letters (suffixes, length, hyphen) go to ``shapes[number]``. None
    when it is never a candidate: under :data:`MIN_WORD_LENGTH` letters, or a function word."""
    lower = word.lower().replace("’", "'")
    if len(lower) < MIN_WORD_LENGTH or lower in STOPWORDS:
        return None
    word_stem = memo.get(lower)
    if word_stem is None:
        word_stem = memo[lower] = stem(lower)
    # The suffixes it ends with, found by its last one to four letters (every suffix is one
    # to four letters long) instead of by testing each suffix.
    shape = [0.0] * (len(SUFFIXES) + 2)
    for size in _SUFFIX_SIZES:
        at = _SUFFIX_AT.get(lower[-size:])
        if at is not None:
            shape[at] = 1.0
    shape[-2] = len(lower) / 10.0
    shape[-1] = float("-" in lower)
    shapes.append(tuple(shape))
    return len(shapes) - 1, word_stem, word[0].isupper()


#: Two cosines of one sentence pair, one read from the similarity matrix (a matrix product)
#: and one from a dot product of the two vectors, differ by float32 rounding only (~1e-6 for
#: unit vectors); a matrix entry this far under a row's highest can never be its maximum.
ROUNDING_MARGIN = 1e-4
#: Rows of the similarity matrix handled at once when looking for each sentence's closest
#: other-outlet sentence: bounds the temporary copy to ROW_CHUNK x n floats.
ROW_CHUNK = 512


def _closest_other_rows(
    sentences: Sequence[Sentence], vectors: np.ndarray, similarity: np.ndarray | None
) -> dict[int, tuple[int, float]]:
    """Per row of ``vectors``, the first row of another source with the highest cosine, and
    that cosine (the dot product of the two vectors). Rows with no other-source row are left
    out. The matrix (given, else computed here) narrows each row's search to the entries
    within :data:`ROUNDING_MARGIN` of its highest; the dot products decide among those, so
    the answer is the one a scan of every other-source row would give.
    """
    usable = min(len(sentences), len(vectors))
    if usable == 0:
        return {}
    matrix = np.asarray(vectors[:usable], dtype=np.float32)
    if similarity is None or similarity.shape[0] < usable:
        similarity = matrix @ matrix.T
    _, source_code = np.unique(
        np.array([s.source_id for s in sentences[:usable]]), return_inverse=True
    )
    result: dict[int, tuple[int, float]] = {}
    for start in range(0, usable, ROW_CHUNK):
        stop = min(start + ROW_CHUNK, usable)
        block = np.array(similarity[start:stop, :usable], dtype=np.float32)
        block[source_code[start:stop, None] == source_code[None, :]] = -np.inf
        highest = block.max(axis=1)
        for offset, top in enumerate(highest.tolist()):
            if top == -np.inf:
                continue  # every row is its own source's
            row = start + offset
            near = np.flatnonzero(block[offset] >= top - ROUNDING_MARGIN)
            cosines = vectors[near] @ vectors[row]
            at = int(np.argmax(cosines))
            result[row] = (int(near[at]), max(float(cosines[at]), 0.0))
    return result


def _counterpart(
    sentence: Sentence,
    fact_of: Mapping[str, Fact],
    row_of: Mapping[str, int],
    closest: Mapping[int, tuple[int, float]],
    stems_of_row: Callable[[int], frozenset[str]],
) -> tuple[AbstractSet[str] | None, float]:
    """Stems of what the other outlets wrote for the same fact, and how close it is.

    The aligned sentences of other outlets when the fact has some; else the most similar
    other-outlet sentence (``closest``, from :func:`_closest_other_rows`) if its cosine
    reaches :data:`COUNTERPART_COSINE`; else none.
    """
    row = row_of.get(sentence.id)
    best_cosine = 0.0
    best_row: int | None = None
    if row is not None and row in closest:
        best_row, best_cosine = closest[row]
    fact = fact_of.get(sentence.id)
    own = sentence.source_id + "."
    aligned = [sid for sid in (fact.sentence_ids if fact else ()) if not sid.startswith(own)]
    if aligned:
        return set().union(*(stems_of_row(row_of[sid]) for sid in aligned if sid in row_of)), best_cosine
    if best_row is not None and best_cosine >= COUNTERPART_COSINE:
        return stems_of_row(best_row), best_cosine
    return None, best_cosine
