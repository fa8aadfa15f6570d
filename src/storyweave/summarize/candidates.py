"""What both summarizers share: which sentences may stand in a summary, and how a chosen
line is ordered, guarded against paraphrase and cited.

A *candidate* is a source sentence that can stand alone as a summary line: not a fragment,
not a question, not half of a split quotation, not starting with a word that needs the
sentence before it, and not a claim the caller excluded (overtaken by later reports, or
worded with a label the briefing flags as loaded).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Fact, Sentence, SummarySentence
from ..nlp.names import is_narrator
from ..nlp.sentences import unbalanced_quotes
from ..nlp.tokens import STOPWORDS, stem, stem_concepts, words

#: Sentences shorter than this read as fragments (headlines, "He declined to comment.").
MIN_WORDS = 7
#: Longer sentences crowd out the budget; DUC/Multi-News oracle picks are mostly 15-35 words.
MAX_WORDS = 55
#: A candidate this similar (cosine) to an already chosen line is a paraphrase of it.
PARAPHRASE_COSINE = 0.78
#: With three or more sources, a concept counts only when at least this share of the
#: sources (and at least two) mention it. Calibrated for the coverage summarizer (see
#: :mod:`storyweave.summarize.coverage`): 0.2 and 0.5/0.6 each lost 0.3 ROUGE-2.
MIN_CONCEPT_SHARE = 0.4
#: A line that uses a word of the loaded-word list (stems BASIL annotators usually mark as
#: loaded, :meth:`~storyweave.views.framing_model.LoadedWordModel.loaded_stems`) keeps this
#: share of its value (coverage) or probability (learned), so that a neutral wording wins
#: when one says as much. Calibrated for the coverage summarizer on NeuS and AllSides dev
#: (`storyweave eval framing`): 0.8 brings the summaries' loaded words per 100 (0.22, 0.19)
#: under the human neutral summaries' (0.32, 0.25); 0.9 left NeuS at 0.36.
LOADED_DISCOUNT = 0.8
#: A span inside straight, curly or LaTeX-style quotation marks.
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|``.*?\'\'')
#: Opening words that point back at the sentence before (a pronoun, a demonstrative, a
#: conjunction, a spoken interjection): such a line reads only right after that sentence.
NEEDS_ANTECEDENT = frozenset(
    ["he", "she", "it", "they", "his", "her", "its", "their", "this", "that", "these", "those", "but", "and", "or", "so", "look", "well", "yes", "no"]
)
#: Connectives and expletives that read fine on their own in a summary ("There were ...",
#: "However, the union said ..."). The coverage summarizer still leaves them out.
CONNECTIVE_STARTS = frozenset(
    ["also", "however", "meanwhile", "instead", "still", "yet", "then", "there", "here"]
)
#: Opening words the coverage summarizer never takes.
DANGLING_STARTS = NEEDS_ANTECEDENT | CONNECTIVE_STARTS
#: A quote attributed to a bare pronoun ('..., he said.') needs the sentence that names
#: the speaker just as much.
_PRONOUN_SPEAKER = re.compile(
    r"\b(?:he|she|they)\s+(?:said|says|told|added|explained|noted|wrote|argued|continued)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Wording:
    """One sentence's words, as the summarizers compare them (lower-cased)."""

    words: tuple[str, ...]
    content: tuple[str, ...]  # stems of the content words, in order
    concepts: frozenset[str]  # stemmed bigrams with a content word


def story_wording(sentences: Sequence[Sentence]) -> list[Wording]:
    """The :class:`Wording` of every sentence, stemming each distinct word once."""
    split = [words(sentence.text) for sentence in sentences]
    stems = {word: stem(word) for word in set(itertools.chain.from_iterable(split))}
    wording = []
    for raw in split:
        stemmed = [stems[w] for w in raw]
        content = [w not in STOPWORDS for w in raw]
        wording.append(
            Wording(
                words=tuple(raw),
                content=tuple(s for s, kept in zip(stemmed, content) if kept),
                concepts=stem_concepts(stemmed, content),
            )
        )
    return wording


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may become a summary line, with what selection needs to know."""

    sentence: Sentence
    fact: Fact
    words: int
    concepts: frozenset[str]
    content: tuple[str, ...]  # stems of its content words
    relative: float  # position in its article, 0 = first sentence, 1 = last
    quoted: bool  # mostly a direct quote, or a guest's turn in a transcript
    row: int  # the sentence's row (and column) in the similarity matrix
    follows: str | None = None  # a line that reads only after this sentence id (see chained)
    loaded: bool = False  # uses a word of the loaded-word list (see LOADED_DISCOUNT)


def find_candidates(
    sentences: Sequence[Sentence],
    facts: Sequence[Fact],
    *,
    exclude: frozenset[str] = frozenset(),
    avoid: frozenset[str] = frozenset(),
    loaded_words: frozenset[str] = frozenset(),
    chained: bool = False,
    wording: Sequence[Wording] | None = None,
) -> list[Candidate]:
    """The sentences that can stand in a summary, in input order.

    Without ``chained`` every sentence opening with one of :data:`DANGLING_STARTS` is left
    out. With ``chained``, openings in :data:`CONNECTIVE_STARTS` are fine, and a sentence
    opening with one of :data:`NEEDS_ANTECEDENT` (or quoting a bare "he said") stays a
    candidate whose ``follows`` names the sentence before it in its article: selection may take it only together with, or
    after, that sentence, and the summary then prints it right after it.

    Sentences in ``avoid`` (they use a term the briefing flags as loaded) are never
    candidates. Falls back to every sentence outside ``exclude`` (and then to every
    sentence not avoided) when nothing passes the filters, so that any non-empty story
    gets a summary. A candidate with a content word whose stem is in ``loaded_words`` is
    marked ``loaded``. ``wording`` is :func:`story_wording` of ``sentences`` when the
    caller has it.
    """
    wording = wording if wording is not None else story_wording(sentences)
    fact_of = {sid: fact for fact in facts for sid in fact.sentence_ids}
    rows = [(i, s) for i, s in enumerate(sentences) if s.id not in avoid]
    usable = [(i, s) for i, s in rows if s.id not in exclude] or rows
    # Relative positions count the usable sentences of each source (as the coverage
    # summarizer always has; its constants were tuned that way).
    lengths: Counter[str] = Counter(s.source_id for _, s in usable)
    previous = {(s.source_id, s.index): s.id for s in sentences}
    for strict in (True, False):
        found = []
        for row, sentence in usable:
            n = len(wording[row].words)
            opening = first_word(sentence.text)
            follows = None
            if chained and strict and (
                opening in NEEDS_ANTECEDENT or _PRONOUN_SPEAKER.search(sentence.text)
            ):
                follows = previous.get((sentence.source_id, sentence.index - 1))
                if follows is None:
                    continue
            starts = frozenset() if chained else DANGLING_STARTS
            if n == 0 or (strict and not readable(sentence.text, n, starts)):
                continue
            found.append(
                Candidate(
                    sentence=sentence,
                    fact=fact_of[sentence.id],
                    words=n,
                    concepts=wording[row].concepts,
                    content=wording[row].content,
                    relative=sentence.index / max(lengths[sentence.source_id], 1),
                    quoted=quoted_share(sentence.text) > 0.5 or guest_turn(sentence),
                    row=row,
                    follows=follows,
                    loaded=bool(loaded_words.intersection(wording[row].content)),
                )
            )
        if found:
            return found
    return []


def concept_weights(
    sentences: Sequence[Sentence], wording: Sequence[Wording] | None = None
) -> Counter[str]:
    """Concept -> number of sources mentioning it; with three or more sources, concepts
    fewer than :data:`MIN_CONCEPT_SHARE` of the sources mention are dropped."""
    wording = wording if wording is not None else story_wording(sentences)
    per_source: dict[str, set[str]] = {}
    for sentence, worded in zip(sentences, wording):
        per_source.setdefault(sentence.source_id, set()).update(worded.concepts)
    weights: Counter[str] = Counter()
    for found in per_source.values():
        weights.update(found)
    source_count = len(per_source)
    if source_count >= 3:
        # A bigram in one source only is noise at cluster level (ICSI's df >= 3 on 10 docs).
        floor = max(2, round(MIN_CONCEPT_SHARE * source_count))
        weights = Counter({c: n for c, n in weights.items() if n >= floor})  # same order
    return weights


def readable(
    text: str, n_words: int, dangling: frozenset[str] = DANGLING_STARTS
) -> bool:
    """Whether a sentence can stand in a summary: not a fragment, question or half of a
    quotation, and not opening with one of ``dangling`` unless ``dangling`` is empty."""
    if not MIN_WORDS <= n_words <= MAX_WORDS:
        return False
    if text.rstrip().endswith("?") or text[:1].islower():
        return False
    if unbalanced_quotes(text):  # half of a quote split across sentences
        return False
    return first_word(text) not in dangling


def first_word(text: str) -> str:
    """The opening word, lower-cased, without quotes or punctuation around it."""
    parts = text.split(maxsplit=1)
    return parts[0].strip("\"'“‘`(,;:.!").lower() if parts else ""


def guest_turn(sentence: Sentence) -> bool:
    """A transcript sentence spoken by a guest (not the host or a reporter) is a quote."""
    return bool(sentence.turn_speaker) and not is_narrator(sentence.turn_speaker)


def quoted_share(text: str) -> float:
    """Share of the characters of ``text`` inside quotation marks."""
    inside = sum(len(m) for m in _QUOTED.findall(text))
    return inside / max(len(text), 1)


def paraphrase(cand: Candidate, chosen: Sequence[Candidate], similarity: np.ndarray) -> bool:
    """Whether ``cand`` says again what a chosen line says: a cosine of at least
    :data:`PARAPHRASE_COSINE` in ``similarity``, the cosine matrix of the sentences."""
    if not chosen or len(similarity) == 0:
        return False
    return bool(np.max(similarity[cand.row, [c.row for c in chosen]]) >= PARAPHRASE_COSINE)


def reading_order(cand: Candidate) -> tuple[float, int, int]:
    """Order lines as the stories tell them: by relative position in their article.

    News puts the event first, then reactions and background; ordering by where each
    line sits in its own article keeps that arc across outlets.
    """
    sentence = cand.sentence
    digits = sentence.source_id[1:]
    return (round(cand.relative, 1), int(digits) if digits.isdigit() else 0, sentence.index)


def summary_lines(chosen: Sequence[Candidate]) -> tuple[SummarySentence, ...]:
    """The chosen candidates in reading order, each citing itself first, then every other
    sentence of its fact (the other outlets that state it).

    A line that reads only after the sentence before it (``follows``) comes right after
    that sentence's line.
    """
    ids = {c.sentence.id for c in chosen}
    after: dict[str, list[Candidate]] = {}
    for cand in sorted(chosen, key=reading_order):
        if cand.follows in ids:
            after.setdefault(cand.follows, []).append(cand)
    ordered: list[Candidate] = []

    def place(cand: Candidate) -> None:
        ordered.append(cand)
        for follower in after.get(cand.sentence.id, ()):
            place(follower)

    for cand in sorted(chosen, key=reading_order):
        if cand.follows not in ids:
            place(cand)
    return tuple(
        SummarySentence(
            text=c.sentence.text,
            fact_id=c.fact.id,
            citations=(c.sentence.id,)
            + tuple(i for i in c.fact.sentence_ids if i != c.sentence.id),
            source_ids=c.fact.source_ids,
        )
        for c in ordered
    )
