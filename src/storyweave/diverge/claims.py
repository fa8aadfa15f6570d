"""Candidate single-source claims, what describes each one, and the learned scorer.

:func:`candidates` picks the sentences that can be one outlet's own claim (statements, not
questions, lead-ins or headlines; not a quotation or quoted statement; not a transcript
guest; not already a side of a conflict or superseded claim). :func:`claim_features` describes each by what
the divergence stage already holds (:class:`~.context.StoryContext`): how close the other
outlets come to it, which of its figures, names and rare words no other outlet gives, the
fact alignment put it in, where it stands in its article, its quotation share, hedges and
opinion cues, and whether later reports cover its topic without it.

:class:`ClaimModel` is a logistic regression over those features, trained on real answer
keys by ``scripts/train_single_source.py`` and shipped as ``single_source_model.json``
beside this module (weights only, no text). Scoring is numpy only and deterministic.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..model import Fact, Sentence
from ..nlp.calendar import is_later
from ..nlp.names import is_narrator
from ..nlp.sentences import is_claim
from .context import StoryContext

MODEL_FILE = Path(__file__).with_name("single_source_model.json")
MODEL_FORMAT = "storyweave-single-source-model/1"

#: A source "covers the topic" of a claim when one of its sentences is this close to it,
#: and says "nearly the same" when one is this close. Calibrated on the fictional answer
#: keys: single-source claims have topic neighbours at 0.35-0.55 in the other outlets;
#: paraphrases that alignment split sit at 0.55+.
TOPIC_COSINE = 0.35
CLOSE_COSINE = 0.55
#: A word used in at most this many sentences of the whole story is rare, hence specific.
RARE_SENTENCES = 2
#: Counts of own figures, names and rare words are capped here: past four a sentence is a
#: list, and more of them says nothing more.
MAX_DETAIL = 4
#: Quoted share above which a sentence is a quotation, not the outlet's own claim.
QUOTED_SHARE = 0.6
#: A quoted span this long is a statement (the quotes stage's business), not a scare quote.
STATEMENT_WORDS = 6


def _caseless(source: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A case-insensitive pattern written in lower case: compiled case-insensitive, and
    as is for texts already lower-cased by :func:`_lowered` (the faster of the two)."""
    return re.compile(source, re.IGNORECASE), re.compile(source)


#: Characters that match an ASCII letter case-insensitively while their lower case is
#: not that letter (Python's re documents these four: İ ı ſ and the Kelvin sign).
_CASE_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")


def _lowered(text: str) -> str | None:
    """``text`` lower-cased, where a lower-case pattern matched case-sensitively in it
    finds what the case-insensitive pattern finds in ``text`` (same spans); ``None``
    where a character of :data:`_CASE_TRAPS` makes that unsure."""
    return None if _CASE_TRAPS.search(text) else text.lower()


def _search(pattern: tuple[re.Pattern[str], re.Pattern[str]], text: str, lower: str | None) -> bool:
    """Whether a :func:`_caseless` pattern occurs in ``text`` (``lower``: its
    :func:`_lowered` form)."""
    return bool(pattern[0].search(text) if lower is None else pattern[1].search(lower))


_NUMBER = _caseless(
    r"\b(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|dozen)\b"
)
_NAME = re.compile(r"(?<=\s)[A-Z][a-z][\w'’-]*")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|``.*?\'\'')
_HEDGE = _caseless(
    r"\b(?:allegedly|reportedly|purportedly|alleged|claimed|unconfirmed|apparently|"
    r"believed to|appears? to|may have|might have|could have)\b"
)
#: The writer's own voice: first person, judgement and advice.
_OPINION = re.compile(
    r"\b(?:I|I'm|I've|we|we're|our|us|my|me)\b|\b(?:should|ought|must|perhaps|surely|"
    r"clearly|obviously|arguably|seems?|seemed|remarkabl[ey]|unfortunately|hopefully)\b",
)
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to|stated|announced|reported)\b")
#: Photo captions and credits: "Thursday, Dec. 20, 2012", "(AP Photo/...)", "contributed".
_CAPTION = _caseless(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day, [a-z][a-z]{2,8}\.? \d{1,2}, \d{4}\b|"
    r"\bphoto\b|\bpictured\b|\bcontributed to this report\b|\bshows? the scene\b"
)
#: Hand-overs between presenters: "Kaja, the talks ...", "Our correspondent ... was in Orlen."
_HOST_CHATTER = re.compile(
    r"^[A-Z][a-z]+, |\bcorrespondent\b|\bjoins us\b|\breports from\b|\bthanks? (?:you|for)\b"
)
#: A sentence that leans on the one before it ("He added ...", "But it ...").
_BACKGROUND = _caseless(
    r"\b(?:in|since|of) (?:1[89]\d\d|20[0-2]\d)\b|\b(?:until now|previously|in the past|"
    r"last year|years ago|earlier this year|history|first time since)\b"
)
_ANAPHORA = re.compile(r"^(?:He|She|It|They|This|That|These|Those|But|And|So|The latter)\b")

FEATURES = (
    "max_other",  # highest cosine to another outlet's sentence
    "topic_share",  # share of the other outlets with a sentence on its topic
    "close_share",  # share of the other outlets with a sentence nearly the same
    "novelty",  # share of its content stems no other outlet uses
    "local_novelty",  # share not used by the other outlets' sentences on its topic
    "own_figures",  # figures no other outlet gives
    "own_names",  # capitalised names no other outlet gives
    "own_rare",  # rare stems no other outlet uses
    "has_figure",
    "figures_echoed",  # every figure it gives is in other outlets' sentences on its topic
    "shared_specific",  # share of its specific words in the other members of its fact
    "fact_outlets",  # share of the other outlets in its fact
    "fact_centrality",  # its fact's centrality over the story's highest
    "centrality",  # its own mean cosine to the story, over the story's highest
    "position",  # relative position in its article (0 first, 1 last)
    "log_words",
    "quote_share",
    "hedge",
    "opinion",
    "attribution",
    "caption",
    "alone_in_paragraph",
    "anaphora",
    "later_topic_share",  # share of later-published outlets that cover its topic
    "same_outlet_max",  # highest cosine to another sentence of its own outlet
    "outlet_on_topic",  # its outlet's mean max_other: an off-topic page scores low
    "log_outlets",
    "best_cover",  # most of its content stems one other outlet's sentence holds
    "specific_elsewhere",  # share of its figures, names and rare words other outlets use
    "background",  # an earlier year or a look back ("in 1961", "until now", "previously")
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that can be one outlet's own claim, with the fact it belongs to."""

    index: int  # position in ``StoryContext.sentences``
    fact: Fact


@dataclass(frozen=True)
class ClaimModel:
    """Logistic regression over standardised :data:`FEATURES`, with its listing rule.

    ``threshold`` is the probability a claim needs to be listed and ``per_outlet`` how many
    one outlet may have listed (both chosen by leave-one-cluster-out cross-validation).
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    per_outlet: int

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(a claim a reader wants flagged) for each row of ``features``."""
        if features.size == 0:
            return np.zeros(len(features))
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def as_dict(self) -> dict[str, object]:
        return {
            "format": MODEL_FORMAT,
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "per_outlet": self.per_outlet,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ClaimModel:
        if data.get("format") != MODEL_FORMAT or tuple(data["features"]) != FEATURES:  # type: ignore[arg-type]
            raise ValueError("the single-source model does not match this version's features")
        return cls(
            features=FEATURES,
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            weights=np.asarray(data["weights"], dtype=float),
            bias=float(data["bias"]),  # type: ignore[arg-type]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            per_outlet=int(data["per_outlet"]),  # type: ignore[call-overload]
        )


@cache
def load_model(path: Path = MODEL_FILE) -> ClaimModel:
    """The shipped model (read once per process: it never changes while running)."""
    return ClaimModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


def candidates(
    story: StoryContext, facts: Sequence[Fact], excluded: frozenset[str]
) -> list[Candidate]:
    """Every sentence that can be its outlet's own claim, in story order."""
    found = []
    for index, sentence in enumerate(story.sentences):
        fact = story.fact_of[index]
        if fact is None or not fact.claim or sentence.id in excluded:
            continue
        if is_own_claim(sentence, story.kinds.get(sentence.source_id, "article")):
            found.append(Candidate(index, fact))
    return found


def is_own_claim(sentence: Sentence, kind: str) -> bool:
    """Whether a sentence can be an outlet's own claim: a statement (not a question, lead-in,
    headline or teaser), not mostly quotation nor a quoted statement, not a transcript guest
    or hand-over."""
    text = sentence.text.strip()
    if not is_claim(text):
        return False
    if quote_share(text) > QUOTED_SHARE:
        return False
    if any(len(m.group().split()) >= STATEMENT_WORDS for m in _QUOTED.finditer(text)):
        return False  # a quoted statement: the quotes stage consolidates it across outlets
    if kind == "transcript" and sentence.turn_speaker:
        if not is_narrator(sentence.turn_speaker):
            return False  # a guest's words are a quote, consolidated by the quotes stage
        if _HOST_CHATTER.search(text):
            return False
    return True


def quote_share(text: str) -> float:
    """Share of the characters of ``text`` inside quotation marks."""
    if '"' not in text and "“" not in text and "`" not in text:
        return 0.0  # no quotation mark (most sentences): nothing for _QUOTED to find
    spans = [m.group() for m in _QUOTED.finditer(text)]
    return sum(len(span) for span in spans) / max(1, len(text))


def figures(text: str) -> frozenset[str]:
    """The numbers of a text as written, lower-cased ("52", "two", "dozen")."""
    lower = _lowered(text)
    if lower is None:
        return frozenset(m.group().lower().rstrip(".,") for m in _NUMBER[0].finditer(text))
    return frozenset(m.group().rstrip(".,") for m in _NUMBER[1].finditer(lower))


def names(text: str) -> frozenset[str]:
    """Capitalised words inside the sentence (not its first word), lower-cased."""
    return frozenset(m.group().lower() for m in _NAME.finditer(text))


#: Rows of the similarity matrix read at once for the per-sentence maxima: bounds the
#: temporary float64 copy to ROW_CHUNK x n values, whatever the story's size.
ROW_CHUNK = 512


def claim_features(story: StoryContext, found: Sequence[Candidate]) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate.

    Cost: the similarity matrix is read a chunk of rows at a time, once: each row's sum,
    its highest cosine to each outlet (one segmented maximum) and, for the candidates in
    the chunk, which sentences are their topic neighbours. What those neighbours share with
    a candidate is counted through an index from each word to the sentences that use it
    (work proportional to how often its words occur, not to the story's size).
    """
    if not found:
        return np.zeros((0, len(FEATURES)))
    n = len(story.sentences)
    outlets = story.source_ids
    source_of = np.array([outlets.index(s.source_id) for s in story.sentences])
    frequency: dict[str, int] = defaultdict(int)
    vocabulary: dict[int, set[str]] = defaultdict(set)
    numbers: dict[int, set[str]] = defaultdict(set)
    capitals: dict[int, set[str]] = defaultdict(set)
    sentence_figures = [figures(s.text) for s in story.sentences]
    sentence_names = [names(s.text) for s in story.sentences]
    for k, sentence in enumerate(story.sentences):
        vocabulary[source_of[k]].update(story.stems[k])
        numbers[source_of[k]].update(sentence_figures[k])
        capitals[source_of[k]].update(sentence_names[k])
        for word in story.stems[k]:
            frequency[word] += 1
    stem_rows = _postings(story.stems)
    figure_rows = _postings(sentence_figures)
    present = set(source_of.tolist())
    later_of = {
        o: {i for i in range(len(outlets)) if i != o and is_later(story.stamps.get(outlets[o]), story.stamps.get(outlets[i]))}
        for o in present
    }
    later = np.zeros((len(outlets), len(outlets)), dtype=bool)  # [o, i]: i published later
    for o, later_ones in later_of.items():
        later[o, list(later_ones)] = True
    near = _neighbourhoods(story, source_of, later, found, stem_rows, sentence_figures, figure_rows)
    max_other, same_max = near.max_other, near.same_max
    if n <= 1:
        max_other = np.zeros(n)
    on_topic = {o: float(np.mean(max_other[source_of == o])) for o in set(source_of.tolist())}
    row_mean = (near.row_sum - np.diag(story.similarity)) / max(1, n - 1)
    top_centrality = max(float(row_mean.max()), 1e-9)
    top_fact = max((c.fact.centrality for c in found), default=0.0) or 1e-9
    paragraph_size: dict[tuple[str, int], int] = defaultdict(int)
    article_size: dict[str, int] = defaultdict(int)
    for sentence in story.sentences:
        paragraph_size[(sentence.source_id, sentence.paragraph)] += 1
        article_size[sentence.source_id] += 1
    others_count = max(1, len(outlets) - 1)
    # A word, figure or name is used "elsewhere" (by another outlet than ``o``) when more
    # outlets use it than ``o`` itself accounts for.
    stem_outlets = _outlet_counts(vocabulary.values())
    number_outlets = _outlet_counts(numbers.values())
    name_outlets = _outlet_counts(capitals.values())

    def elsewhere(counts: Mapping[str, int], own: set[str], item: str) -> bool:
        return counts.get(item, 0) - (item in own) > 0

    # What the other outlets' members of a fact say, per (fact, outlet): candidates of one
    # outlet in one fact share it.
    theirs_of: dict[tuple[int, int], set[str]] = {}
    rows = []
    for position, candidate in enumerate(found):
        k = candidate.index
        sentence = story.sentences[k]
        me = source_of[k]
        text = sentence.text
        lower = _lowered(text)
        stems = story.stems[k]
        mine, my_numbers, my_names = vocabulary[me], numbers[me], capitals[me]
        # Its own words, figures and names are its outlet's: another outlet uses one when
        # two outlets or more do (what ``elsewhere`` says of them).
        own_stems = {w for w in stems if stem_outlets.get(w, 0) < 2}
        own_figures = {f for f in sentence_figures[k] if number_outlets.get(f, 0) < 2}
        own_names = {m for m in sentence_names[k] if name_outlets.get(m, 0) < 2}
        own_rare = {w for w in own_stems if frequency[w] <= RARE_SENTENCES}
        fact = candidate.fact
        theirs = theirs_of.get((id(fact), me))
        if theirs is None:
            theirs = theirs_of[(id(fact), me)] = set()
            for j in (story.position[s] for s in fact.sentence_ids):
                if source_of[j] != me:
                    theirs |= story.stems[j] | sentence_figures[j] | sentence_names[j]
        specific = sentence_figures[k] | sentence_names[k] | {w for w in stems if frequency[w] <= RARE_SENTENCES}
        shared_specific = len(specific & theirs) / len(specific) if specific else 0.0
        later_count = len(later_of[me])
        later_share = near.later_outlets[position] / later_count if later_count else 0.0
        size = article_size[sentence.source_id]
        rows.append(
            [
                float(max_other[k]),
                near.near_outlets[position] / others_count,
                near.close_outlets[position] / others_count,
                len(own_stems) / max(1, len(stems)),
                (len(stems) - near.near_stems[position]) / max(1, len(stems)),
                min(len(own_figures), MAX_DETAIL),
                min(len(own_names), MAX_DETAIL),
                min(len(own_rare), MAX_DETAIL),
                float(bool(sentence_figures[k])),
                float(near.figures_echoed[position]),
                shared_specific,
                (len(fact.source_ids) - 1) / others_count,
                fact.centrality / top_fact,
                float(row_mean[k]) / top_centrality,
                sentence.index / max(1, size - 1),
                math.log(len(text.split())),
                quote_share(text),
                float(_search(_HEDGE, text, lower)),
                float(bool(_OPINION.search(text))),
                float(bool(_ATTRIBUTION.search(text))),
                float(_search(_CAPTION, text, lower)),
                float(paragraph_size[(sentence.source_id, sentence.paragraph)] == 1),
                float(bool(_ANAPHORA.match(text))),
                later_share,
                float(same_max[k]) if n > 1 else 0.0,
                on_topic[me],
                math.log(len(outlets)),
                near.best_cover[position],
                sum(
                    1
                    for x in specific
                    if elsewhere(stem_outlets, mine, x)
                    or elsewhere(number_outlets, my_numbers, x)
                    or elsewhere(name_outlets, my_names, x)
                )
                / len(specific)
                if specific
                else 0.0,
                float(_search(_BACKGROUND, text, lower)),
            ]
        )
    return np.asarray(rows, dtype=float)


@dataclass(frozen=True, slots=True)
class _Neighbourhoods:
    """What the similarity matrix says of each sentence and of each candidate's topic
    neighbours (the other outlets' sentences at TOPIC_COSINE or more)."""

    row_sum: np.ndarray  # per sentence: sum of its row
    max_other: np.ndarray  # per sentence: highest cosine to another outlet's sentence, or -1
    same_max: np.ndarray  # per sentence: highest cosine to another of its outlet's, or -1
    near_outlets: list[int]  # per candidate: how many outlets have a topic neighbour
    later_outlets: list[int]  # per candidate: how many of those published later than its own
    close_outlets: list[int]  # per candidate: how many outlets have a sentence at CLOSE_COSINE+
    near_stems: list[int]  # per candidate: how many of its stems a topic neighbour uses
    figures_echoed: list[bool]  # per candidate: it gives figures, each used by a neighbour
    best_cover: list[float]  # per candidate: most of its stems one neighbour holds, as a share


def _neighbourhoods(
    story: StoryContext,
    source_of: np.ndarray,
    later: np.ndarray,
    found: Sequence[Candidate],
    stem_rows: Mapping[str, np.ndarray],
    sentence_figures: Sequence[frozenset[str]],
    figure_rows: Mapping[str, np.ndarray],
) -> _Neighbourhoods:
    """Read the similarity matrix ROW_CHUNK rows at a time (as float64): row sums, each
    row's maximum per outlet (one segmented maximum over the columns, grouped by outlet),
    and the topic neighbours of the candidates whose rows the chunk holds."""
    similarity = story.similarity
    n = len(source_of)
    # Columns grouped by outlet (sentences come in source order: usually no reordering).
    sort = np.argsort(source_of, kind="stable")
    order = None if np.array_equal(sort, np.arange(n)) else sort
    grouped = source_of if order is None else source_of[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if n else np.zeros(0, int)
    column_outlet = grouped[starts]  # the outlet of each segment
    column_of = np.full(len(story.source_ids), -1, dtype=np.int64)
    column_of[column_outlet] = np.arange(len(column_outlet))
    in_chunk: dict[int, list[int]] = defaultdict(list)
    for position, candidate in enumerate(found):
        in_chunk[candidate.index // ROW_CHUNK].append(position)
    row_sum, max_other, same_max = np.zeros(n), np.zeros(n), np.zeros(n)
    near_outlets = [0] * len(found)
    later_outlets = [0] * len(found)
    close_outlets = [0] * len(found)
    near_stems = [0] * len(found)
    figures_echoed = [False] * len(found)
    best_cover = [0.0] * len(found)
    for start in range(0, n, ROW_CHUNK):
        block = np.asarray(similarity[start : start + ROW_CHUNK], dtype=float)
        block_rows = np.arange(start, start + len(block))
        local = block_rows - start
        row_sum[block_rows] = block.sum(axis=1)
        block[local, block_rows] = -1.0  # a sentence is not its own neighbour
        by_outlet = np.maximum.reduceat(block if order is None else block[:, order], starts, axis=1)
        own = column_of[source_of[block_rows]]
        same_max[block_rows] = by_outlet[local, own]
        by_outlet[local, own] = -1.0
        max_other[block_rows] = by_outlet.max(axis=1)
        chunk = in_chunk.get(start // ROW_CHUNK)
        if not chunk:
            continue
        ks = np.array([found[position].index for position in chunk], dtype=np.int64)
        # Each candidate's topic neighbours: other outlets' sentences at TOPIC_COSINE+.
        other_outlet = source_of[None, :] != source_of[ks, None]
        near_mask = (block[ks - start] >= TOPIC_COSINE) & other_outlet
        row_outlets = by_outlet[ks - start]
        close = np.count_nonzero(row_outlets >= CLOSE_COSINE, axis=1).tolist()
        on_topic = row_outlets >= TOPIC_COSINE
        outlet_count = np.count_nonzero(on_topic, axis=1).tolist()
        later_near = np.count_nonzero(
            on_topic & later[source_of[ks]][:, column_outlet], axis=1
        ).tolist()
        stems_near, stems_owner, covered = _items_near(
            near_mask, [[stem_rows[w] for w in story.stems[k]] for k in ks.tolist()]
        )
        near_count = np.bincount(stems_owner[stems_near], minlength=len(chunk)).tolist()
        best = np.zeros(len(chunk), dtype=np.int64)
        if len(covered):
            # How many of its stems each neighbour holds: the count of each (candidate, row).
            keys, counts = np.unique(covered, return_counts=True)
            np.maximum.at(best, keys // n, counts)
        figures_near, figures_owner, _ = _items_near(
            near_mask, [[figure_rows[f] for f in sentence_figures[k]] for k in ks.tolist()]
        )
        figure_count = np.bincount(figures_owner, minlength=len(chunk))
        echoed = (figure_count > 0) & (
            np.bincount(figures_owner[figures_near], minlength=len(chunk)) == figure_count
        )
        for c, position in enumerate(chunk):
            k = found[position].index
            near_outlets[position] = outlet_count[c]
            later_outlets[position] = later_near[c]
            close_outlets[position] = close[c]
            near_stems[position] = near_count[c]
            if best[c]:
                best_cover[position] = int(best[c]) / len(story.stems[k])
            figures_echoed[position] = bool(echoed[c])
    return _Neighbourhoods(
        row_sum,
        max_other,
        same_max,
        near_outlets,
        later_outlets,
        close_outlets,
        near_stems,
        figures_echoed,
        best_cover,
    )


def _items_near(
    near_mask: np.ndarray, postings: Sequence[Sequence[np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For candidates (rows of ``near_mask``, which marks each one's topic neighbours) and
    the postings of their items (the sentences using each word or figure): whether a
    neighbour uses each item (items flattened in order), the candidate of each item, and
    ``candidate * n + sentence`` for every neighbour use of an item."""
    n = near_mask.shape[1]
    counts = [len(items) for items in postings]
    lengths = [len(rows) for items in postings for rows in items]
    item_owner = np.repeat(np.arange(len(postings)), counts)
    if not lengths:
        return np.zeros(0, dtype=bool), item_owner, np.zeros(0, dtype=np.int64)
    rows = np.concatenate([rows for items in postings for rows in items])
    sizes = np.array(lengths, dtype=np.int64)
    owner = np.repeat(item_owner, sizes)
    hit = near_mask[owner, rows]
    starts = np.cumsum(sizes) - sizes
    return np.logical_or.reduceat(hit, starts), item_owner, owner[hit] * n + rows[hit]


def _postings(sets: Sequence[frozenset[str]]) -> dict[str, np.ndarray]:
    """For each item, the indices of the sets (sentences) that hold it."""
    found: dict[str, list[int]] = defaultdict(list)
    for index, items in enumerate(sets):
        for item in items:
            found[item].append(index)
    return {item: np.array(indices, dtype=np.int64) for item, indices in found.items()}


def _outlet_counts(per_outlet: Iterable[set[str]]) -> dict[str, int]:
    """How many outlets use each item."""
    counts: dict[str, int] = defaultdict(int)
    for items in per_outlet:
        for item in items:
            counts[item] += 1
    return counts
