"""Name spotting: which words of a text name a person, an organisation, a place or another
named thing (an event, a nationality), with character offsets.

A linear model over word features, read one token at a time and then made consistent over
the whole text:

1. **tokens**: words, dotted abbreviations ("U.S.", "Mr."), a possessive "'s" apart;
2. **features** of each token and its neighbours: the word, its shape ("Xx", "X.X."),
   suffix, whether it opens a sentence or sits in an all-capitals headline, whether the text
   also writes it in lowercase, and word lists: place names (GeoNames), given names and
   surnames (US census), organisation and title words;
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
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .calendar import MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS
from .tokens import wordset

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
_CONNECTORS = frozenset(
    {"of", "for", "and", "&", "de", "la", "van", "von", "al", "bin", "du", "es", "del", "da"}
)
#: Month and weekday names (a word-list feature of the tagger).
_MONTHS_DAYS = frozenset(MONTHS) | frozenset(WEEKDAYS)
#: Date words never taken into a name: full names and abbreviations, except those that are
#: also given names or words of names ("May", "Jan", "Jun", "Sun", "Sat"...).
_MONTHS_DAYS_SHORT = (
    _MONTHS_DAYS | frozenset(MONTH_ABBREVIATIONS) | frozenset(WEEKDAY_ABBREVIATIONS)
) - wordset("may jan mar jun jul mon wed sat sun")
ORG_WORDS = wordset(
    """union unions authority ministry council party agency institute alliance commission
    committee corporation corp corp. company co co. inc inc. ltd ltd. plc group bank
    association federation department office service services police army navy court
    university college foundation organisation organization board bureau league front
    movement parliament assembly government airlines airways motors industries holdings
    trust fund institution coalition congress senate club network corps guard center centre
    administration exchange bancorp securities partners systems technologies communications
    international news times post journal herald tribune press agency telegraph united
    city rovers athletic wanderers county fc"""
)
#: Words of a job title or an honorific written before a name.
TITLE_WORDS = wordset(
    """mr mr. mrs mrs. ms ms. dr dr. president minister premier chancellor senator sen sen.
    governor gov gov. mayor judge chairman chairwoman secretary spokesman spokeswoman
    ambassador general gen gen. colonel captain coach manager prince king queen pope
    bishop sheikh striker midfielder defender goalkeeper captain skipper"""
)


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


@dataclass(frozen=True, slots=True)
class Lexicons:
    """The word lists features read: multi-word place names and single-word name lists."""

    places: frozenset[tuple[str, ...]]
    place_lengths: tuple[int, ...]
    place_starts: frozenset[str]  # the first word of every place name
    countries: frozenset[tuple[str, ...]]
    first_names: frozenset[str]
    surnames: frozenset[str]
    # The first four letters of one-word countries: "German", "Zairean" and "Swede" start
    # like a country and end like a nationality.
    country_stems: frozenset[str]

    @classmethod
    def load(cls) -> Lexicons:
        """The lists shipped in ``storyweave/nlp/data``."""
        data = resources.files("storyweave.nlp") / "data"

        def rows(name: str) -> list[str]:
            text = (data / name).read_text(encoding="utf-8")
            return [line for line in text.splitlines() if line and not line.startswith("#")]

        # The lists are written lowercase with their tokens apart (see the build script).
        places = frozenset(tuple(name.split()) for name in rows("places.txt"))
        countries = frozenset(tuple(name.split()) for name in rows("countries.txt"))
        places |= countries
        lengths = tuple(sorted({len(p) for p in places if p}, reverse=True))
        starts = frozenset(p[0] for p in places if p)
        stems = frozenset(c[0][:4] for c in countries if len(c) == 1 and len(c[0]) > 4)
        return cls(places, lengths, starts, countries, frozenset(rows("first_names.txt")),
                   frozenset(rows("surnames.txt")), stems)


def _shape(word: str) -> str:
    """ "Xx", "X", "XX", "x", "d", "X.X.", "Xx-Xx"... with repeats collapsed."""
    out: list[str] = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.islower() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:6]


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass(slots=True)
class _Document:
    """What the features need to know about the whole text."""

    lower_words: set[str] = field(default_factory=set)  # words the text writes in lowercase
    inner_capitals: set[str] = field(default_factory=set)  # capitalised, not sentence-first
    # capitalised word -> the words around it anywhere in the text ("said", "Mr.", "in")
    contexts: dict[str, set[str]] = field(default_factory=dict)
    # Per-word results already worked out (a text repeats its words).
    shapes: dict[str, str] = field(default_factory=dict)
    word_tags: dict[str, str] = field(default_factory=dict)

    def shape(self, word: str) -> str:
        found = self.shapes.get(word)
        if found is None:
            found = self.shapes[word] = _shape(word)
        return found


def _is_caps_line(tokens: Sequence[Token]) -> bool:
    letters = [t.text for t in tokens if t.text[:1].isalpha()]
    return len(letters) >= 2 and all(not any(c.islower() for c in w) for w in letters)


_NATIONALITY = re.compile(r"(?:an|ans|ian|ians|ese|ish|i|is|ic|e|es|ine|ines|er|ers)$")


def _place_tags(words: list[str], lexicons: Lexicons) -> list[str]:
    """"plB"/"plI" for tokens inside the longest place-name match ("coB"/"coI" when the
    place is a country), "" elsewhere."""
    tags = [""] * len(words)
    lowered = [w.lower() for w in words]
    i = 0
    while i < len(words):
        if not _capitalised(words[i]) or lowered[i] not in lexicons.place_starts:
            i += 1
            continue
        for length in lexicons.place_lengths:
            name = tuple(lowered[i : i + length])
            if (
                i + length <= len(words)
                and name in lexicons.places
                and _capitalised(words[i + length - 1])
            ):
                kind = "co" if name in lexicons.countries else "pl"
                tags[i] = kind + "B"
                for j in range(i + 1, i + length):
                    tags[j] = kind + "I"
                i += length - 1
                break
        i += 1
    return tags


def _runs(words: list[str], caps_line: bool) -> list[tuple[int, int]]:
    """(start, end) of each token's run of capitalised words ("Velmora Dockers' Union",
    "Bank of England"); (-1, -1) outside one."""
    runs = [(-1, -1)] * len(words)
    if caps_line:
        return runs
    i = 0
    while i < len(words):
        if not _capitalised(words[i]) or not words[i][:1].isalpha():
            i += 1
            continue
        j = i + 1
        while j < len(words):
            if _capitalised(words[j]) and words[j][:1].isalpha():
                j += 1
            elif (
                words[j].lower() in _CONNECTORS
                and j + 1 < len(words)
                and _capitalised(words[j + 1])
            ):
                j += 2
            else:
                break
        for k in range(i, j):
            runs[k] = (i, j)
        i = j
    return runs


def sentence_features(
    tokens: Sequence[Token], lexicons: Lexicons, document: _Document, every: bool = True
) -> list[list[str] | None]:
    """The feature strings of each token of one sentence. Unless ``every``, only tokens that
    can be part of a name get them (capitalised ones, numbers, and a lowercase word between
    two capitalised ones: "Bank of England"); the others get None and are read as no name.
    """
    words = [t.text for t in tokens]
    lower = [w.lower() for w in words]
    n = len(words)
    read = [
        i for i, w in enumerate(words)
        if every
        or w[:1].isupper()
        or w[:1].isdigit()
        or (0 < i < n - 1 and words[i - 1][:1].isupper() and words[i + 1][:1].isupper())
    ]
    out: list[list[str] | None] = [None] * n
    caps_line = _is_caps_line(tokens)
    places = _place_tags(words, lexicons)
    runs = _runs(words, caps_line)

    def lexicon_tags(i: int) -> str:
        word = words[i]
        rest = document.word_tags.get(word)
        if rest is None:
            w = lower[i]
            tags = []
            if w in lexicons.first_names:
                tags.append("fn")
            if w in lexicons.surnames:
                tags.append("sn")
            if w in ORG_WORDS:
                tags.append("org")
            if w in TITLE_WORDS:
                tags.append("ti")
            if w in _MONTHS_DAYS:
                tags.append("tm")
            rest = document.word_tags[word] = "+".join(tags)
            if word[:1].isupper() and w[:4] in lexicons.country_stems and _NATIONALITY.search(w):
                document.word_tags[word] = "dem+" + rest if rest else "dem"
            rest = document.word_tags[word]
        if places[i]:
            # A place match replaces the nationality tag ("Syria" is not "Syrian").
            rest = rest.removeprefix("dem").lstrip("+")
            return places[i] + "+" + rest if rest else places[i]
        return rest or "-"

    # Each token's word, shape and word-list tags, padded so that i-2 .. i+2 always exist;
    # shapes and tags are worked out when read (most tokens of a sentence are not read).
    padded_words = ["<s>", "<s>", *lower, "</s>", "</s>"]
    padded_lex: list[str | None] = ["<s>", "<s>", *([None] * n), "</s>", "</s>"]

    def word(i: int) -> str:
        return padded_words[i + 2]

    def shape(i: int) -> str:
        return "<s>" if i < 0 else "</s>" if i >= n else document.shape(words[i])

    def lex(i: int) -> str:
        found = padded_lex[i + 2]
        if found is None:
            found = padded_lex[i + 2] = lexicon_tags(i)
        return found

    first = next((i for i, w in enumerate(words) if w[:1].isalnum()), 0)
    # A results or price table row: as many numbers as words.
    numbers_line = sum(w[:1].isdigit() for w in words) * 2 >= len(words) > 1
    for i in read:
        w = words[i]
        low = lower[i]
        f = [
            "b",
            "w=" + low,
            "sh=" + shape(i),
            "s3=" + low[-3:],
            "s2=" + low[-2:],
            "p2=" + low[:2],
            "lx=" + lex(i),
            "w-1=" + word(i - 1),
            "w+1=" + word(i + 1),
            "w-2=" + word(i - 2),
            "w+2=" + word(i + 2),
            "sh-1=" + shape(i - 1),
            "sh+1=" + shape(i + 1),
            "lx-1=" + lex(i - 1),
            "lx+1=" + lex(i + 1),
            "w-1w=" + word(i - 1) + "|" + low,
            "ww+1=" + low + "|" + word(i + 1),
            "sh-1sh+1=" + shape(i - 1) + "|" + shape(i) + "|" + shape(i + 1),
        ]
        if caps_line:
            f.append("caps")
            f.append("caps|lx=" + lex(i))
        if i == first:
            f.append("first")
        if numbers_line:
            f.append("numbers")
        if _capitalised(w):
            f += document.contexts.get(low, ())
        if _capitalised(w) and w[:1].isalpha():
            if low in document.lower_words:
                f.append("also-lower")
            if i != first and not caps_line:
                f.append("cap-inside")
            elif low in document.inner_capitals:
                f.append("cap-elsewhere")
        start, end = runs[i]
        if start >= 0:
            length = end - start
            position = (
                "S" if length == 1 else "B" if i == start else "E" if i == end - 1 else "I"
            )
            f += [
                f"run={min(length, 4)}{position}",
                "runlast=" + lower[end - 1],
                "runfirst=" + lower[start],
                "runlastlx=" + lex(end - 1),
                "runbefore=" + word(start - 1),
                "runafter=" + word(end),
            ]
        out[i] = f
    return out


def document_features(
    sentences: Sequence[Sequence[Token]], lexicons: Lexicons, every: bool = True
) -> list[list[list[str] | None]]:
    """The feature strings of the tokens of a text given as tokenised sentences (see
    :func:`sentence_features` for ``every``)."""
    document = _Document()
    for tokens in sentences:
        caps = _is_caps_line(tokens)
        first = next((i for i, t in enumerate(tokens) if t.text[:1].isalnum()), 0)
        for i, token in enumerate(tokens):
            text = token.text
            if text[:1].islower():
                document.lower_words.add(text)
            elif _capitalised(text) and i != first and not caps:
                document.inner_capitals.add(text.lower())
            if _capitalised(text) and text[:1].isalpha() and not caps:
                around = document.contexts.setdefault(text.lower(), set())
                if i > 0:
                    around.add("d-1=" + tokens[i - 1].text.lower())
                if i + 1 < len(tokens):
                    around.add("d+1=" + tokens[i + 1].text.lower())
    return [sentence_features(tokens, lexicons, document, every) for tokens in sentences]


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
        get = self.vocabulary.get
        unknown = len(self.vocabulary)
        rows = [[get(name, unknown) for name in token] for token in features]
        out = np.tile(self.bias, (len(features), 1))
        if not rows:
            return out
        width = max(len(r) for r in rows)
        columns = np.full((len(rows), width), unknown, dtype=np.int64)
        for n, row in enumerate(rows):
            columns[n, : len(row)] = row
        return out + self.padded_weights[columns].sum(axis=1)

    def tag(self, sentences: Sequence[str]) -> list[NameMention]:
        """The names in ``sentences`` (one text, in order), one type per name."""
        tokenised = [tokenize(s) for s in sentences]
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
    sentences: Sequence[str], tokenised: Sequence[Sequence[Token]], scores: np.ndarray
) -> list[NameMention]:
    """Mentions from token scores, then one type per name in the text.

    A name opens at a token whose best label is not ``O`` and goes on over the tokens whose
    best label is an ``I-`` label of any type ("Naoki Soma" scored B-PER then I-ORG is one
    name); its type is the one its tokens score highest.
    """
    probabilities = _softmax(scores)
    labels = probabilities.argmax(axis=1)
    kinds = len(TYPES)
    # Probability of each type per token, B- and I- together.
    typed = probabilities[:, 1 : 1 + kinds] + probabilities[:, 1 + kinds :]
    spans: list[tuple[int, int, int]] = []  # sentence, first token, end token
    row = 0
    for n, tokens in enumerate(tokenised):
        i = 0
        while i < len(tokens):
            if labels[row + i] == 0 or not tokens[i].text[:1].isalnum():
                i += 1
                continue
            j = i + 1
            while j < len(tokens) and (
                labels[row + j] > kinds
                or (  # "Cambodian People's Party": a possessive inside a name
                    tokens[j].text in ("'s", "’s")
                    and j + 1 < len(tokens)
                    and labels[row + j + 1] > kinds
                    and tokens[j + 1].text[:1].isupper()
                )
            ):
                j += 1
            while j > i + 1 and not tokens[j - 1].text[:1].isalnum() and tokens[j - 1].text != ".":
                j -= 1
            # A name opens and closes on a capitalised word or a number ("of Transport" is
            # the tail of a name whose head the scores missed).
            while i < j and (tokens[i].text[:1].islower() or _not_a_name(tokens[i].text)):
                i += 1
            while j > i and (tokens[j - 1].text[:1].islower() or _not_a_name(tokens[j - 1].text)):
                j -= 1
            if i < j:
                spans.append((n, i, j))
            i = j
        row += len(tokens)
    # One type per name: the type its mentions score highest, summed over the text.
    starts = np.cumsum([0, *[len(t) for t in tokenised]])
    votes: dict[str, np.ndarray] = {}
    keys = []
    for n, i, j in spans:
        key = " ".join(t.text for t in tokenised[n][i:j]).lower()
        keys.append(key)
        block = typed[starts[n] + i : starts[n] + j].mean(axis=0)
        votes[key] = votes.get(key, np.zeros(kinds)) + block
    person = TYPES.index("PER")
    people = {k.split()[-1] for k in votes if len(k.split()) > 1 and votes[k].argmax() == person}
    _more_mentions(tokenised, spans, keys, set(votes) | people)
    only_person = np.eye(kinds)[person]
    mentions = []
    for (n, i, j), key in sorted(zip(spans, keys, strict=True)):
        vote = votes.get(key, only_person)  # a surname found only through its full name
        kind = int(vote.argmax())
        if " " not in key and key in people:
            kind = person
        shares = vote / max(float(vote.sum()), 1e-9)
        tokens = tokenised[n]
        start, end = tokens[i].start, tokens[j - 1].end
        mentions.append(
            NameMention(
                n, start, end, sentences[n][start:end], TYPES[kind],
                tuple(round(float(x), 3) for x in shares),
            )
        )
    return mentions


def _more_mentions(
    tokenised: Sequence[Sequence[Token]],
    spans: list[tuple[int, int, int]],
    keys: list[str],
    names: set[str],
) -> None:
    """Add the mentions the scores missed of names found elsewhere in the text (a surname
    opening a sentence, a name in a list), longest name first; ``spans`` and ``keys`` grow."""
    taken = {(n, k) for n, i, j in spans for k in range(i, j)}
    lengths = sorted({len(name.split()) for name in names}, reverse=True)
    for n, tokens in enumerate(tokenised):
        i = 0
        while i < len(tokens):
            if (n, i) in taken or not tokens[i].text[:1].isupper():
                i += 1
                continue
            for length in lengths:
                words = tokens[i : i + length]
                key = " ".join(t.text for t in words).lower()
                if len(words) == length and key in names and not any(
                    (n, k) in taken for k in range(i, i + length)
                ):
                    spans.append((n, i, i + length))
                    keys.append(key)
                    i += length - 1
                    break
            i += 1


def _not_a_name(word: str) -> bool:
    """Month and weekday names and their abbreviations ("Sept.", "Oct"): dates, not names."""
    return word.lower().rstrip(".") in _MONTHS_DAYS_SHORT


def training_rows(
    sentences: Iterable[Sequence[Token]], lexicons: Lexicons
) -> list[list[str]]:
    """Feature strings of every token, flat (for the training script)."""
    return [
        f or []
        for sentence in document_features(list(sentences), lexicons)
        for f in sentence
    ]
