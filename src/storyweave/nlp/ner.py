"""Name spotting: which words of a text name a person, an organisation, a place or another
named thing (an event, a nationality), with character offsets.

A linear model over word features, read one token at a time and then made consistent over
the whole text:

1. **tokens**: words, dotted abbreviations ("U.S.", "Mr."), a possessive "'s" apart;
2. **features** of each token and its neighbours: the word, its shape ("Xx", "X.X."),
   suffix, whether it opens a sentence or sits in an all-capitals headline, whether the text
   also writes it in lowercase, and word lists: place names (GeoNames), given names and
   surnames (US census), organisation and title words (:mod:`storyweave.nlp.ner_features`);
3. **scores**: one weight per feature and label (``O``, or ``B-``/``I-`` for opening or
   continuing a ``PER``, ``ORG``, ``LOC`` or ``MISC`` name), summed; a name opens at a
   ``B-`` or ``I-`` token and runs over the ``I-`` tokens after it; only capitalised words,
   numbers and the small words between capitalised ones are scored (the rest is no name);
4. **one type per name**: every mention of a name takes the type its mentions score
   highest overall, a surname alone is the person named in full elsewhere in the text, and
   later mentions of a found name are found too.

The weights are trained by ``scripts/train_name_tagger.py`` (scikit-learn, on annotated
news, cross-validated by article) and ship as ``data/name_tagger.json.gz``; reading them
needs only numpy. Load a :class:`NameTagger` once and reuse it: it holds no state between
texts.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .calendar import MONTH_ABBREVIATIONS, WEEKDAY_ABBREVIATIONS
from .ner_features import MONTHS_DAYS, Lexicons, document_features, first_character
from .tokens import wordset

__all__ = [
    "LABELS", "MODEL_FILE", "TYPES", "Lexicons", "NameMention", "NameTagger", "Token",
    "decode", "document_features", "tokenize", "training_rows",
]

#: The types a name can take.
TYPES = ("PER", "ORG", "LOC", "MISC")
#: The labels a token can take: ``O`` is "not part of a name", ``B-`` opens a name and
#: ``I-`` continues one.
LABELS = ("O", *(f"B-{t}" for t in TYPES), *(f"I-{t}" for t in TYPES))
MODEL_FILE = "name_tagger.json.gz"

_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., U.N.
    r"|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Gov|Rep|Lt|Col|Capt|Sgt|Prof|Rev|Mt|Ft|Co|Corp|Inc|"
    r"Ltd|Bros|Messrs|No|Nos|Adm|Cmdr|Maj|Supt|Det|Ave|Blvd)\.(?=\s|$)"
    r"|\w+(?:[-&]\w+|['’](?![sS]\b)\w+)*(?:(?<=s)['’](?!\w))?"  # O'Brien, AT&T, Dockers'
    r"|['’][sS]\b"  # a possessive apart
    r"|\S"
)
#: Date words never taken into a name: full names and abbreviations, except those that are
#: also given names or words of names ("May", "Jan", "Jun", "Sun", "Sat"...).
_MONTHS_DAYS_SHORT = (
    MONTHS_DAYS | frozenset(MONTH_ABBREVIATIONS) | frozenset(WEEKDAY_ABBREVIATIONS)
) - wordset("may jan mar jun jul mon wed sat sun")


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a sentence: its text and character offsets in that sentence."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NameMention:
    """A name found in one sentence: offsets into that sentence's text and its type."""

    sentence: int  # index into the sentences given
    start: int
    end: int
    text: str
    type: str  # "PER", "ORG", "LOC" or "MISC"
    # How surely the text's mentions of this name are of each type, in :data:`TYPES` order
    # (mean probabilities over them, summing to 1): the entity stage weighs them against
    # what the rules read around the name.
    shares: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        """The share of :attr:`type` (1.0 when no shares are given)."""
        return self.shares[TYPES.index(self.type)] if self.shares else 1.0


def tokenize(text: str) -> list[Token]:
    """Words, dotted abbreviations and punctuation, with offsets.

    >>> [t.text for t in tokenize("Mr. Brandt's U.S. trip.")]
    ['Mr.', 'Brandt', "'s", 'U.S.', 'trip', '.']
    """
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class NameTagger:
    """The trained weights and word lists; :meth:`tag` finds the names of one text.

    >>> tagger = NameTagger.load()
    >>> [(m.text, m.type) for m in tagger.tag(["Anna Berg flew from Paris to Oslo ."])]
    [('Anna Berg', 'PER'), ('Paris', 'LOC'), ('Oslo', 'LOC')]
    """

    vocabulary: dict[str, int]
    padded_weights: np.ndarray  # (features + 1, labels); the last row is all zeros
    bias: np.ndarray  # (labels,)
    lexicons: Lexicons

    @classmethod
    def load(cls, path: str | Path | None = None, lexicons: Lexicons | None = None
             ) -> NameTagger:
        """The shipped model (or the one at ``path``)."""
        if path is None:
            raw = (resources.files("storyweave.nlp") / "data" / MODEL_FILE).read_bytes()
        else:
            raw = Path(path).read_bytes()
        return cls.from_dict(json.loads(gzip.decompress(raw)), lexicons or Lexicons.load())

    @classmethod
    def from_dict(cls, data: dict[str, Any], lexicons: Lexicons) -> NameTagger:
        """A tagger from weights as the training script writes them."""
        if tuple(data["labels"]) != LABELS:
            raise ValueError(f"model labels {data['labels']} are not {LABELS}")
        scale = float(data.get("scale", 1.0))
        features = data["features"]
        weights = np.asarray(data["weights"], dtype=np.float32).reshape(len(features), -1)
        weights = np.vstack([weights * scale, np.zeros((1, weights.shape[1]), np.float32)])
        return cls(
            vocabulary={name: n for n, name in enumerate(features)},
            padded_weights=weights,
            bias=np.asarray(data["bias"], dtype=np.float32),
            lexicons=lexicons,
        )

    def scores(self, features: Sequence[Sequence[str]]) -> np.ndarray:
        """Per-token label scores (tokens, labels) from feature strings."""
        # One zero row at the end of the weights stands for unknown features, so every
        # token has as many columns as features and the sums are one reshape away.
        unknown = len(self.vocabulary)
        out = np.tile(self.bias, (len(features), 1))
        if not features:
            return out
        # Every feature name looked up in one pass (map calls the dict's own get), then
        # placed in its token's row.
        names = list(itertools.chain.from_iterable(features))
        found = np.fromiter(
            map(self.vocabulary.get, names, itertools.repeat(unknown)), np.int64, len(names)
        )
        lengths = np.fromiter(map(len, features), np.int64, len(features))
        rows = np.repeat(np.arange(len(features)), lengths)
        places = np.arange(len(names)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        columns = np.full((len(features), int(lengths.max())), unknown, dtype=np.int64)
        columns[rows, places] = found
        return out + self.padded_weights[columns].sum(axis=1)

    def tag(self, sentences: Sequence[str]) -> list[NameMention]:
        """The names in ``sentences`` (one text, in order), one type per name."""
        # Token texts only: the offsets of the few tokens that open or close a name are
        # found when the mentions are written.
        tokenised = [_TOKEN.findall(s) for s in sentences]
        features = document_features(tokenised, self.lexicons, every=False)
        flat = [f for sentence in features for f in sentence]
        read = [n for n, f in enumerate(flat) if f is not None]
        if not read:
            return []
        # Tokens that cannot be part of a name (lowercase words) are "O" for sure.
        scores = np.full((len(flat), len(LABELS)), -50.0, dtype=np.float32)
        scores[:, 0] = 0.0
        scores[read] = self.scores([flat[n] for n in read])  # type: ignore[misc]
        return decode(sentences, tokenised, scores)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def decode(
    sentences: Sequence[str], tokenised: Sequence[Sequence[str]], scores: np.ndarray
) -> list[NameMention]:
    """Mentions from token scores (tokens given by their texts, one list per sentence), then
    one type per name in the text.

    A name opens at a token whose best label is not ``O`` and goes on over the tokens whose
    best label is an ``I-`` label of any type ("Naoki Soma" scored B-PER then I-ORG is one
    name); its type is the one its tokens score highest.
    """
    probabilities = _softmax(scores)
    labels = probabilities.argmax(axis=1)
    kinds = len(TYPES)
    # Probability of each type per token, B- and I- together.
    typed = probabilities[:, 1 : 1 + kinds] + probabilities[:, 1 + kinds :]
    spans = _spans(tokenised, labels)
    # One type per name: the type its mentions score highest, summed over the text.
    starts = np.cumsum([0, *[len(t) for t in tokenised]]).tolist()
    blocks = _mean_rows(typed, [starts[n] + i for n, i, _ in spans], [j - i for _, i, j in spans])
    # Summed in Python floats: the same double additions as float64 arrays, without an
    # array per mention.
    sums: dict[str, list[float]] = {}
    keys = []
    for (n, i, j), block in zip(spans, blocks.tolist(), strict=True):
        key = " ".join(tokenised[n][i:j]).lower()
        keys.append(key)
        total = sums.get(key)
        sums[key] = block if total is None else [a + b for a, b in zip(total, block)]
    votes = {key: np.asarray(total) for key, total in sums.items()}
    person = TYPES.index("PER")
    people = {k.split()[-1] for k in votes if len(k.split()) > 1 and votes[k].argmax() == person}
    _more_mentions(tokenised, spans, keys, set(votes) | people)
    only_person = np.eye(kinds)[person]
    typing: dict[str, tuple[str, tuple[float, ...]]] = {}  # key -> type and shares
    # The offsets of a sentence's tokens, as far as its last name goes.
    ends: dict[int, int] = {}
    for n, _, j in spans:
        ends[n] = max(ends.get(n, 0), j)
    offsets: dict[int, list[int]] = {}
    mentions = []
    for (n, i, j), key in sorted(zip(spans, keys, strict=True)):
        if key not in typing:
            vote = votes.get(key, only_person)  # a surname found only through its full name
            kind = int(vote.argmax())
            if " " not in key and key in people:
                kind = person
            shares = vote / max(float(vote.sum()), 1e-9)
            typing[key] = TYPES[kind], tuple(round(float(x), 3) for x in shares)
        if n not in offsets:
            offsets[n] = _starts(sentences[n], tokenised[n][: ends[n]])
        start, end = offsets[n][i], offsets[n][j - 1] + len(tokenised[n][j - 1])
        mentions.append(NameMention(n, start, end, sentences[n][start:end], *typing[key]))
    return mentions


def _starts(text: str, tokens: Sequence[str]) -> list[int]:
    """Where each of ``tokens``, the first tokens of ``text`` in order, starts. Only
    whitespace lies between two tokens (any other character is a token of its own), so each
    token starts where it is next found."""
    found = []
    at = 0
    for token in tokens:
        at = text.find(token, at)
        found.append(at)
        at += len(token)
    return found


def _spans(
    tokenised: Sequence[Sequence[str]], labels: np.ndarray
) -> list[tuple[int, int, int]]:
    """(sentence, first token, end token) of each name the labels mark (see :func:`decode`).
    Only tokens whose best label is not ``O`` can open one: the walk jumps between them."""
    kinds = len(TYPES)
    flat = labels.tolist()
    opening = np.flatnonzero(labels).tolist()
    spans: list[tuple[int, int, int]] = []
    row = next_open = 0
    for n, tokens in enumerate(tokenised):
        size = len(tokens)
        i = 0
        while next_open < len(opening) and opening[next_open] < row + size:
            at = opening[next_open] - row
            next_open += 1
            if at < i or not tokens[at][:1].isalnum():
                continue
            i = at
            j = i + 1
            while j < size and (
                flat[row + j] > kinds
                or (  # "Cambodian People's Party": a possessive inside a name
                    tokens[j] in ("'s", "’s")
                    and j + 1 < size
                    and flat[row + j + 1] > kinds
                    and tokens[j + 1][:1].isupper()
                )
            ):
                j += 1
            while j > i + 1 and not tokens[j - 1][:1].isalnum() and tokens[j - 1] != ".":
                j -= 1
            # A name opens and closes on a capitalised word or a number ("of Transport" is
            # the tail of a name whose head the scores missed).
            while i < j and (tokens[i][:1].islower() or _not_a_name(tokens[i])):
                i += 1
            while j > i and (tokens[j - 1][:1].islower() or _not_a_name(tokens[j - 1])):
                j -= 1
            if i < j:
                spans.append((n, i, j))
            i = j
        row += size
    return spans


def _mean_rows(values: np.ndarray, starts: list[int], lengths: list[int]) -> np.ndarray:
    """The mean of ``values[start : start + length]`` for each start and length, as
    ``values[start : start + length].mean(axis=0)`` gives it bit for bit: the rows added in
    order in the values' type, then divided by the count."""
    if not starts:
        return np.zeros((0, values.shape[1]), values.dtype)
    first = np.asarray(starts)
    counts = np.asarray(lengths)
    total = values[first].copy()
    for step in range(1, int(counts.max())):
        longer = counts > step
        total[longer] += values[first[longer] + step]
    return total / counts[:, None].astype(values.dtype)


def _more_mentions(
    tokenised: Sequence[Sequence[str]],
    spans: list[tuple[int, int, int]],
    keys: list[str],
    names: set[str],
) -> None:
    """Add the mentions the scores missed of names found elsewhere in the text (a surname
    opening a sentence, a name in a list), longest name first; ``spans`` and ``keys`` grow."""
    # Tokens inside a name, as (sentence, token) pairs written n * width + token.
    width = max(map(len, tokenised), default=0) + 1
    taken = {n * width + k for n, i, j in spans for k in range(i, j)}
    lengths = sorted({len(name.split()) for name in names}, reverse=True)
    # The lowercase first word of every name: a token that is none of them opens none.
    heads = {name.split(" ")[0] for name in names}
    for n, tokens in enumerate(tokenised):
        free = 0  # tokens before this one are inside a name found here already
        initials = map(first_character, tokens)
        capitals = itertools.compress(range(len(tokens)), map(str.isupper, initials))
        for i in capitals:
            if i < free or tokens[i].lower() not in heads or n * width + i in taken:
                continue
            for length in lengths:
                words = tokens[i : i + length]
                key = " ".join(words).lower()
                if len(words) == length and key in names and not any(
                    n * width + k in taken for k in range(i, i + length)
                ):
                    spans.append((n, i, i + length))
                    keys.append(key)
                    free = i + length
                    break


def _not_a_name(word: str) -> bool:
    """Month and weekday names and their abbreviations ("Sept.", "Oct"): dates, not names."""
    return word.lower().rstrip(".") in _MONTHS_DAYS_SHORT


def training_rows(
    sentences: Iterable[Sequence[Token]], lexicons: Lexicons
) -> list[list[str]]:
    """Feature strings of every token, flat (for the training script)."""
    return [
        f or []
        for sentence in document_features([[t.text for t in s] for s in sentences], lexicons)
        for f in sentence
    ]
