"""What the learned summarizer knows about each candidate: one row of numbers per sentence.

Every feature is something the pipeline already has: where the sentence sits in its
article, how long it is, how many outlets state its fact, how much of the story's shared
vocabulary it carries, how close it is to the story's centre, whether it is a quote.

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
from .candidates import Candidate, Wording, quoted_share

#: Sentence index beyond which position stops mattering (few stories put news past it).
MAX_INDEX = 40

FEATURE_NAMES: tuple[str, ...] = (
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
    columns = {name: np.zeros(len(found)) for name in FEATURE_NAMES}
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
    if similarity.shape == (len(sentences), len(sentences)) and len(sentences) > 1:
        columns.update(_similarity_features(found, sentences, similarity))
    return np.column_stack([columns[name] for name in FEATURE_NAMES])


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
