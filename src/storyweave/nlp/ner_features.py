"""The name tagger's features (see :mod:`storyweave.nlp.ner`): the word lists it reads and
the feature strings of each token of a text.

Each token gets its word, its shape ("Xx", "X.X."), suffix and prefix, the same for its
neighbours, whether it opens a sentence or sits in an all-capitals headline, whether the
text also writes it in lowercase or capitalised inside a sentence, the words written around
it anywhere in the text, its run of capitalised words ("Bank of England"), and word-list
tags: place names (GeoNames), given names and surnames (US census), organisation and title
words.

Tokens come as their texts, one list per sentence. A text repeats its words and most of its
tokens are lowercase words that are never scored, so each sentence is read once into the
flags every pass needs, the passes visit only its capitalised words, and shapes and
word-list tags are worked out once per distinct word of the text.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import compress

from .calendar import MONTHS, WEEKDAYS
from .tokens import wordset

_CONNECTORS = frozenset(
    {"of", "for", "and", "&", "de", "la", "van", "von", "al", "bin", "du", "es", "del", "da"}
)
#: Month and weekday names (a word-list feature of the tagger).
MONTHS_DAYS = frozenset(MONTHS) | frozenset(WEEKDAYS)
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
_NATIONALITY = re.compile(r"(?:an|ans|ian|ians|ese|ish|i|is|ic|e|es|ine|ines|er|ers)$")
#: A word's first character ("" for an empty word): ``word[:1]`` as a function, so that the
#: per-token passes below run as ``map`` and ``compress`` without a Python loop.
first_character = operator.itemgetter(slice(None, 1))


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
    if word.isascii() and word.isalnum():
        # The usual shapes at once: an ASCII letter is upper or lower case, nothing else.
        if word.islower() and word.isalpha():
            return "x"
        if word.isupper() and word.isalpha():
            return "X"
        if word[0].isupper() and word[1:].islower() and word.isalpha():
            return "Xx"
        if word.isdigit():
            return "d"
    out: list[str] = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.islower() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:6]


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence's tokens and what every pass over them reads."""

    words: Sequence[str]
    initials: list[str]  # each token's first character
    lower: list[str]
    capital: list[bool]  # the token opens with a capital letter
    capitals: list[int]  # the indices of those tokens, in order
    digits: list[int]  # the indices of the tokens that open with a digit
    caps_line: bool  # an all-capitals headline: no case to read names by
    first: int  # the first token that opens with a letter or a digit (0 when none)

    @classmethod
    def read(cls, words: Sequence[str]) -> _Sentence:
        initials = list(map(first_character, words))
        capital = list(map(str.isupper, initials))
        every = range(len(words))
        return cls(
            words,
            initials,
            list(map(str.lower, words)),
            capital,
            list(compress(every, capital)),
            list(compress(every, map(str.isdigit, initials))),
            _is_caps_line(words),
            next(compress(every, map(str.isalnum, initials)), 0),
        )


@dataclass(slots=True)
class _Document:
    """What the features need to know about the whole text."""

    lower_words: set[str] = field(default_factory=set)  # words the text writes in lowercase
    inner_capitals: set[str] = field(default_factory=set)  # capitalised, not sentence-first
    # capitalised word -> the words around it anywhere in the text ("said", "Mr.", "in"),
    # in the order first seen: a dict, not a set, so that a token's features (and so the
    # float32 sum of their weights) come in the same order whatever the string hash seed.
    contexts: dict[str, dict[str, None]] = field(default_factory=dict)
    # Per-word results already worked out (a text repeats its words).
    shapes: dict[str, str] = field(default_factory=dict)
    word_tags: dict[str, str] = field(default_factory=dict)

    def shape(self, word: str) -> str:
        found = self.shapes.get(word)
        if found is None:
            found = self.shapes[word] = _shape(word)
        return found

    def add(self, sentence: _Sentence) -> None:
        """Note the lowercase words, inner capitals and capitals' neighbours of a sentence."""
        words, lower = sentence.words, sentence.lower
        self.lower_words.update(compress(words, map(str.islower, sentence.initials)))
        if sentence.caps_line:
            return
        last = len(words) - 1
        for i in sentence.capitals:
            if i != sentence.first:
                self.inner_capitals.add(lower[i])
            if words[i][:1].isalpha():
                around = self.contexts.setdefault(lower[i], {})
                if i > 0:
                    around["d-1=" + lower[i - 1]] = None
                if i < last:
                    around["d+1=" + lower[i + 1]] = None

    def word_tag(self, word: str, lower: str, lexicons: Lexicons) -> str:
        """The word-list tags of a word ("fn+sn", "dem", ""), worked out once per word."""
        found = self.word_tags.get(word)
        if found is None:
            tags = []
            if lower in lexicons.first_names:
                tags.append("fn")
            if lower in lexicons.surnames:
                tags.append("sn")
            if lower in ORG_WORDS:
                tags.append("org")
            if lower in TITLE_WORDS:
                tags.append("ti")
            if lower in MONTHS_DAYS:
                tags.append("tm")
            found = "+".join(tags)
            if (
                word[:1].isupper()
                and lower[:4] in lexicons.country_stems
                and _NATIONALITY.search(lower)
            ):
                found = "dem+" + found if found else "dem"
            self.word_tags[word] = found
        return found


def _is_caps_line(words: Sequence[str]) -> bool:
    """At least two words opening with a letter, none of them with a lowercase letter."""
    letters = 0
    for word in words:
        if word[:1].isalpha():
            if any(c.islower() for c in word):
                return False
            letters += 1
    return letters >= 2


def _place_tags(sentence: _Sentence, lexicons: Lexicons) -> list[str]:
    """"plB"/"plI" for tokens inside the longest place-name match ("coB"/"coI" when the
    place is a country), "" elsewhere."""
    lower, capital = sentence.lower, sentence.capital
    n = len(lower)
    tags = [""] * n
    free = 0  # tokens before this one are inside a place already
    for i in sentence.capitals:
        if i < free or lower[i] not in lexicons.place_starts:
            continue
        for length in lexicons.place_lengths:
            if i + length > n or not capital[i + length - 1]:
                continue
            name = tuple(lower[i : i + length])
            if name in lexicons.places:
                kind = "co" if name in lexicons.countries else "pl"
                tags[i] = kind + "B"
                for j in range(i + 1, i + length):
                    tags[j] = kind + "I"
                free = i + length
                break
    return tags


def _runs(sentence: _Sentence) -> list[tuple[int, int]]:
    """(start, end) of each token's run of capitalised words ("Velmora Dockers' Union",
    "Bank of England"); (-1, -1) outside one."""
    words, lower, capital = sentence.words, sentence.lower, sentence.capital
    n = len(words)
    runs = [(-1, -1)] * n
    if sentence.caps_line:
        return runs
    free = 0  # tokens before this one are inside a run already
    for i in sentence.capitals:
        if i < free or not words[i][:1].isalpha():
            continue
        j = i + 1
        while j < n:
            if capital[j] and words[j][:1].isalpha():
                j += 1
            elif lower[j] in _CONNECTORS and j + 1 < n and capital[j + 1]:
                j += 2
            else:
                break
        for k in range(i, j):
            runs[k] = (i, j)
        free = j
    return runs


def _read_tokens(sentence: _Sentence, every: bool) -> list[int]:
    """The tokens that get features: all of them, or (unless ``every``) those that can be
    part of a name: capitalised ones, numbers, and a word between two capitalised ones."""
    words, capital, capitals = sentence.words, sentence.capital, sentence.capitals
    n = len(words)
    if every:
        return list(range(n))
    between = [i + 1 for i in capitals if i + 2 < n and capital[i + 2]]
    return sorted({*capitals, *sentence.digits, *between})


def sentence_features(
    sentence: _Sentence, lexicons: Lexicons, document: _Document, every: bool = True
) -> list[list[str] | None]:
    """The feature strings of each token of one sentence. Unless ``every``, only tokens that
    can be part of a name get them (capitalised ones, numbers, and a lowercase word between
    two capitalised ones: "Bank of England"); the others get None and are read as no name.
    """
    words, lower, capital = sentence.words, sentence.lower, sentence.capital
    caps_line, first = sentence.caps_line, sentence.first
    n = len(words)
    out: list[list[str] | None] = [None] * n
    read = _read_tokens(sentence, every)
    if not read:
        return out
    places = _place_tags(sentence, lexicons)
    runs = _runs(sentence)

    # Each token's word, shape and word-list tags, padded so that i-2 .. i+2 always exist
    # (index i + 2); shapes and tags are worked out when read (most tokens are not read).
    padded_words = ["<s>", "<s>", *lower, "</s>", "</s>"]
    padded_shapes: list[str | None] = ["<s>", "<s>", *([None] * n), "</s>", "</s>"]
    padded_lex: list[str | None] = ["<s>", "<s>", *([None] * n), "</s>", "</s>"]

    def shape(i: int) -> str:
        found = padded_shapes[i + 2]
        if found is None:
            found = padded_shapes[i + 2] = document.shape(words[i])
        return found

    def lex(i: int) -> str:
        found = padded_lex[i + 2]
        if found is None:
            rest = document.word_tag(words[i], lower[i], lexicons)
            place = places[i]
            if place:
                # A place match replaces the nationality tag ("Syria" is not "Syrian").
                rest = rest.removeprefix("dem").lstrip("+")
                found = place + "+" + rest if rest else place
            else:
                found = rest or "-"
            padded_lex[i + 2] = found
        return found

    # A results or price table row: as many numbers as words.
    numbers_line = len(sentence.digits) * 2 >= n > 1
    for i in read:
        low = lower[i]
        before, after = padded_words[i + 1], padded_words[i + 3]
        shape_here, shape_before, shape_after = shape(i), shape(i - 1), shape(i + 1)
        lex_here = lex(i)
        f = [
            "b",
            "w=" + low,
            "sh=" + shape_here,
            "s3=" + low[-3:],
            "s2=" + low[-2:],
            "p2=" + low[:2],
            "lx=" + lex_here,
            "w-1=" + before,
            "w+1=" + after,
            "w-2=" + padded_words[i],
            "w+2=" + padded_words[i + 4],
            "sh-1=" + shape_before,
            "sh+1=" + shape_after,
            "lx-1=" + lex(i - 1),
            "lx+1=" + lex(i + 1),
            "w-1w=" + before + "|" + low,
            "ww+1=" + low + "|" + after,
            "sh-1sh+1=" + shape_before + "|" + shape_here + "|" + shape_after,
        ]
        if caps_line:
            f.append("caps")
            f.append("caps|lx=" + lex_here)
        if i == first:
            f.append("first")
        if numbers_line:
            f.append("numbers")
        if capital[i]:
            f += document.contexts.get(low, ())
            if words[i][:1].isalpha():
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
                "runbefore=" + padded_words[start + 1],
                "runafter=" + padded_words[end + 2],
            ]
        out[i] = f
    return out


def document_features(
    sentences: Sequence[Sequence[str]], lexicons: Lexicons, every: bool = True
) -> list[list[list[str] | None]]:
    """The feature strings of the tokens of a text given as sentences of token texts (see
    :func:`sentence_features` for ``every``)."""
    document = _Document()
    read = [_Sentence.read(words) for words in sentences]
    for sentence in read:
        document.add(sentence)
    return [sentence_features(sentence, lexicons, document, every) for sentence in read]
