"""What the learned summarizer knows about each candidate: one row of numbers per sentence.

Every feature is something the pipeline already has: where the sentence sits in its
article, how long it is, how many outlets state its fact, how much of the story's shared
vocabulary it carries, how close it is to the story's centre, whether it is a quote. A
second group (:data:`CANDIDATE_FEATURES`) reads each candidate against the story's other
candidates: how far it is from where its article's story starts (the first candidate:
scraped pages open with boilerplate, so the raw index misleads), its rank within the
story on length and the word features, the coverage summarizer's own first-pick value,
and its closeness to the candidates' centre.

Two rules keep the model honest across inputs:

* **No letter case.** The largest training set (Multi-News+) is lower-cased; every word
  feature works on lower-cased tokens, so full text and lower-cased text look alike.
* **Embedder-neutral similarity.** Cosines from different embedding backends live on
  different scales, so each similarity feature is also given as its rank within the
  story (0 = least similar, 1 = most), which is the same for any backend that orders
  sentences alike. Raw cosines are kept only where the scale is the backend's own
  calibrated notion (fact support, from alignment).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Sentence
from ..nlp.tokens import WORD_RE
from .candidates import MIN_CONCEPT_SHARE, Candidate, Wording, quoted_share

#: Sentence index beyond which position stops mattering (few stories put news past it).
MAX_INDEX = 40
#: The coverage summarizer's value of a line before anything is chosen, as a feature:
#: (concept weight + scale x (position prior + support prior)) / words ** exponent, with
#: :mod:`storyweave.summarize.coverage`'s constants at the time the model was trained
#: (kept here so that retuning coverage cannot silently change what the model reads).
COVERAGE_LENGTH_EXPONENT = 0.6
COVERAGE_POSITION_WEIGHT = 0.75
COVERAGE_SUPPORT_WEIGHT = 0.5

SENTENCE_FEATURES: tuple[str, ...] = (
    "index",  # 0-based position in its article, capped at MAX_INDEX
    "first",  # 1 for an article's first sentence
    "paragraph",  # 0-based paragraph index, capped at MAX_INDEX
    "words",  # length in words
    "support",  # outlets that state the sentence's fact
    "support_share",  # ... as a share of the story's outlets
    "outlets",  # outlets in the story
    "concept_sum",  # summed weight of its shared bigrams, per outlet
    "concept_density",  # ... per word
    "word_df",  # mean share of outlets using each of its content words
    "word_prob",  # mean story frequency of its content words (SumBasic), x 1,000
    "centroid_rank",  # rank of its cosine to the story centroid
    "doc_centroid_rank",  # rank of its cosine to its own article's centroid
    "doc_relevance_rank",  # rank of its article's cosine to the story centroid
    "centrality_rank",  # rank of its fact's centrality
    "degree_rank",  # rank of its mean positive cosine to every other sentence (LexRank degree)
    "echo_rank",  # rank of its highest cosine to another outlet's sentence
    "centroid_cosine",  # its cosine to the story centroid (backend's own scale)
    "degree",  # its mean positive cosine to the other outlets' sentences (backend's scale)
    "echo",  # its highest cosine to another outlet's sentence (backend's scale)
    "quote_share",  # share of its characters inside quotation marks
    "quoted",  # mostly a quote, or a guest's turn in a transcript
    "follows",  # 1 when it opens with a word pointing back at the sentence before
    "numbers",  # number tokens
    "stopword_share",  # share of function words
    "article_sentences",  # sentences in its article
)
#: Features read against the story's other candidates (:func:`candidate_features`); the
#: model reads :data:`SENTENCE_FEATURES` then these.
CANDIDATE_FEATURES: tuple[str, ...] = (
    "article_rank",  # its place among its article's candidates (0 = where the story starts)
    "from_start",  # sentences between it and its article's first candidate
    "article_share",  # share of the story's candidates that come from its article
    "index_rank",  # rank of its position (1 = earliest in its article among all candidates)
    "words_rank",  # rank of its length
    "concept_sum_rank",  # rank of concept_sum
    "concept_density_rank",  # rank of concept_density
    "word_df_rank",  # rank of word_df
    "word_prob_rank",  # rank of word_prob
    "coverage_rank",  # rank of the coverage summarizer's first-pick value (see COVERAGE_*)
    "candidate_centroid_rank",  # rank of its mean cosine to the other candidates
    "candidate_centroid",  # ... that mean cosine (backend's scale)
)
FEATURE_NAMES: tuple[str, ...] = SENTENCE_FEATURES + CANDIDATE_FEATURES


@dataclass(frozen=True, slots=True)
class StoryStats:
    """Story-level counts that every candidate's features are read against."""

    outlets: int
    concept_weights: Counter[str]
    word_sources: Counter[str]  # content stem -> outlets using it
    word_counts: Counter[str]  # content stem -> occurrences in the story
    total_words: int
    article_sentences: Counter[str]  # source id -> sentences


def story_stats(
    sentences: Sequence[Sentence], concept_weights: Counter[str], wording: Sequence[Wording]
) -> StoryStats:
    """Count what the features compare each sentence with, once per story (``wording`` is
    :func:`~storyweave.summarize.candidates.story_wording` of ``sentences``)."""
    per_source: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for sentence, worded in zip(sentences, wording):
        stems = worded.content
        counts.update(stems)
        per_source.setdefault(sentence.source_id, set()).update(stems)
    word_sources: Counter[str] = Counter()
    for found in per_source.values():
        word_sources.update(found)
    return StoryStats(
        outlets=len(per_source),
        concept_weights=concept_weights,
        word_sources=word_sources,
        word_counts=counts,
        total_words=max(sum(counts.values()), 1),
        article_sentences=Counter(s.source_id for s in sentences),
    )


def feature_matrix(
    found: Sequence[Candidate],
    sentences: Sequence[Sentence],
    similarity: np.ndarray,
    stats: StoryStats,
) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per candidate (float64).

    ``similarity`` is the cosine matrix of all ``sentences`` (rows in their order), as
    :func:`storyweave.align.similarity_matrix` computes it; an empty matrix leaves the
    similarity features at zero.
    """
    columns = {name: np.zeros(len(found)) for name in SENTENCE_FEATURES}
    if not found:
        return np.zeros((0, len(FEATURE_NAMES)))
    outlets = max(stats.outlets, 1)
    for i, cand in enumerate(found):
        sentence = cand.sentence
        content = cand.content
        concept_sum = sum(stats.concept_weights.get(c, 0) for c in cand.concepts) / outlets
        row = {
            "index": min(sentence.index, MAX_INDEX),
            "first": float(sentence.index == 0),
            "paragraph": min(sentence.paragraph, MAX_INDEX),
            "words": cand.words,
            "support": len(cand.fact.source_ids),
            "support_share": len(cand.fact.source_ids) / outlets,
            "outlets": stats.outlets,
            "concept_sum": concept_sum,
            "concept_density": concept_sum / max(cand.words, 1),
            "quote_share": quoted_share(sentence.text),
            "quoted": float(cand.quoted),
            "follows": float(cand.follows is not None),
            "numbers": _numbers(sentence.text),
            "stopword_share": (cand.words - len(content)) / max(cand.words, 1),
            "article_sentences": stats.article_sentences[sentence.source_id],
        }
        if content:
            row["word_df"] = sum(stats.word_sources[w] for w in content) / len(content) / outlets
            row["word_prob"] = (
                1000.0 * sum(stats.word_counts[w] for w in content) / len(content)
                / stats.total_words
            )
        for name, value in row.items():
            columns[name][i] = value
    similar = similarity.shape == (len(sentences), len(sentences)) and len(sentences) > 1
    if similar:
        columns.update(_similarity_features(found, sentences, similarity))
    table = np.column_stack([columns[name] for name in SENTENCE_FEATURES])
    return candidate_features(found, table, similarity if similar else None)


def candidate_concept_weights(found: Sequence[Candidate]) -> tuple[Counter[str], int]:
    """Concept -> outlets whose candidates carry it, and the number of such outlets, with
    the floor of :func:`~storyweave.summarize.candidates.concept_weights` (with three or
    more outlets a concept needs :data:`~storyweave.summarize.candidates.MIN_CONCEPT_SHARE`
    of them). Read from the candidates alone, so training records need nothing else."""
    per_source: dict[str, set[str]] = {}
    for cand in found:
        per_source.setdefault(cand.sentence.source_id, set()).update(cand.concepts)
    weights: Counter[str] = Counter()
    for concepts in per_source.values():
        weights.update(concepts)
    outlets = len(per_source)
    if outlets >= 3:
        floor = max(2, round(MIN_CONCEPT_SHARE * outlets))
        weights = Counter({c: n for c, n in weights.items() if n >= floor})
    return weights, outlets


def candidate_features(
    found: Sequence[Candidate], table: np.ndarray, similarity: np.ndarray | None
) -> np.ndarray:
    """``table`` (one row of :data:`SENTENCE_FEATURES` per candidate, as its first columns)
    with the :data:`CANDIDATE_FEATURES` appended: where each article's story starts (web
    pages open with boilerplate that is no candidate, so a sentence's index overstates how
    far into the story it is), within-story ranks of the word features, the coverage
    summarizer's own value, and closeness to the candidates' centre. ``similarity`` holds
    the cosines of the candidates' rows (``None``: no similarity, the centroid is zero)."""
    n = len(found)
    base = np.asarray(table, dtype=np.float64)[:, : len(SENTENCE_FEATURES)]
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    columns = {name: base[:, k] for k, name in enumerate(SENTENCE_FEATURES)}
    sources = [c.sentence.source_id for c in found]
    by_article = sorted(range(n), key=lambda i: (sources[i], found[i].sentence.index))
    article_rank = np.zeros(n)
    from_start = np.zeros(n)
    first_index: dict[str, int] = {}
    taken: Counter[str] = Counter()
    for i in by_article:
        source = sources[i]
        first_index.setdefault(source, found[i].sentence.index)
        article_rank[i] = min(taken[source], MAX_INDEX)
        from_start[i] = min(found[i].sentence.index - first_index[source], MAX_INDEX)
        taken[source] += 1
    weights, outlets = candidate_concept_weights(found)
    scale = max(weights.values(), default=1)
    coverage_value = np.array([
        (
            sum(weights[c] for c in cand.concepts)
            + scale * (
                COVERAGE_POSITION_WEIGHT * (1.0 - cand.relative) ** 2
                + COVERAGE_SUPPORT_WEIGHT * len(cand.fact.source_ids) / max(outlets, 1)
            )
        )
        / max(cand.words, 1) ** COVERAGE_LENGTH_EXPONENT
        for cand in found
    ])
    centroid = np.zeros(n)
    if similarity is not None and n > 1:
        rows = [c.row for c in found]
        block = np.asarray(similarity, dtype=np.float64)[np.ix_(rows, rows)]
        centroid = (block.sum(axis=1) - np.diag(block)) / (n - 1)
    extra = {
        "article_rank": article_rank,
        "from_start": from_start,
        "article_share": np.array([taken[s] / n for s in sources]),
        "index_rank": _rank(-columns["index"]),
        "words_rank": _rank(columns["words"]),
        "concept_sum_rank": _rank(columns["concept_sum"]),
        "concept_density_rank": _rank(columns["concept_density"]),
        "word_df_rank": _rank(columns["word_df"]),
        "word_prob_rank": _rank(columns["word_prob"]),
        "coverage_rank": _rank(coverage_value),
        "candidate_centroid_rank": _rank(centroid),
        "candidate_centroid": centroid,
    }
    return np.column_stack([base, *(extra[name] for name in CANDIDATE_FEATURES)])


def _numbers(text: str) -> int:
    """Word tokens that start with a digit ("52", "4.5", "2029")."""
    return sum(token[:1].isdigit() for token in WORD_RE.findall(text))


def _similarity_features(
    found: Sequence[Candidate], sentences: Sequence[Sentence], similarity: np.ndarray
) -> dict[str, np.ndarray]:
    """Centroid, degree and echo features of the candidates from the cosine matrix."""
    sim = np.asarray(similarity, dtype=np.float64)
    n = len(sentences)
    codes = np.unique([s.source_id for s in sentences], return_inverse=True)[1]
    rows = np.array([c.row for c in found])
    block = sim[rows]  # candidates x all sentences
    other = codes[None, :] != codes[rows][:, None]
    positive = np.clip(block, 0.0, None)
    # The story centroid's cosine, from the matrix alone: mean similarity to every sentence,
    # over the centroid's norm (the square root of the matrix mean).
    norm = np.sqrt(max(float(sim.mean()), 1e-12))
    to_story = block.mean(axis=1) / norm
    to_doc = np.zeros(len(found))
    relevance = np.zeros(len(found))
    for code in np.unique(codes[rows]):
        members = np.flatnonzero(codes == code)
        doc_norm = np.sqrt(max(float(sim[np.ix_(members, members)].mean()), 1e-12))
        picked = codes[rows] == code
        to_doc[picked] = block[picked][:, members].mean(axis=1) / doc_norm
        relevance[picked] = sim[members].mean() / (doc_norm * norm)
    self_positive = np.clip(sim[rows, rows], 0.0, None)
    degree_all = (positive.sum(axis=1) - self_positive) / max(n - 1, 1)
    others = other.sum(axis=1)
    degree = (positive * other).sum(axis=1) / np.maximum(others, 1)
    echo = np.where(others > 0, np.where(other, block, -1.0).max(axis=1), 0.0)
    centrality = np.array([c.fact.centrality for c in found])
    return {
        "centroid_rank": _rank(to_story),
        "doc_centroid_rank": _rank(to_doc),
        "doc_relevance_rank": _rank(relevance),
        "centrality_rank": _rank(centrality),
        "degree_rank": _rank(degree_all),
        "echo_rank": _rank(echo),
        "centroid_cosine": to_story,
        "degree": degree,
        "echo": echo,
    }


def _rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among ``values`` scaled to 0..1 (ties share their mean rank)."""
    n = len(values)
    if n < 2:
        return np.full(n, 0.5)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = np.arange(n, dtype=np.float64)
    # Equal values get the mean of their ranks, so the order of the input cannot matter.
    unique, inverse = np.unique(values, return_inverse=True)
    if len(unique) < n:
        sums = np.bincount(inverse, weights=ranks)
        counts = np.bincount(inverse)
        ranks = (sums / counts)[inverse]
    return ranks / (n - 1)
