"""Incremental story clustering: each new article joins the best open story or starts one.

An article is reduced to :class:`Features`: a unit vector of its lead (title and first
~200 words, through the briefing's own embedder), the names it mentions most
(capitalised phrases and acronyms), the time it happened (published date, else the
time it was ingested), its language (stopword ratios) and a MinHash signature of its
word shingles. :class:`StoryIndex` holds the open stories (centroid, entity counts,
time span, members' signatures) and decides, for each article in arrival order:

1. **duplicate** if its signature nearly equals a member of one of the best-matching
   stories (estimated Jaccard of word 4-shingles >= :data:`DUPLICATE_JACCARD`);
2. **join** the story with the highest ``cosine(lead, centroid) + ENTITY_WEIGHT *
   entity overlap`` if that passes :data:`JOIN_THRESHOLD`, the languages agree and the
   article falls within :data:`WINDOW_DAYS` of the story's time span;
3. otherwise a **new** story.

After an article joins, the story is compared with the other open stories: when two
centroids come within :data:`MERGE_THRESHOLD` they are one story told twice, and the
smaller goes into the larger.

The thresholds were calibrated on the Multi-News *validation* clusters
(``tac_sample_validation_fulltext.jsonl``, 250 clusters, documents shuffled) with
``benchmarks/bench_stories.py --calibrate``; test-cluster scores are in the README.
Nothing here touches the database: :mod:`storyweave.monitor.store` persists the decisions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..embed import Embedder, model_option
from ..model import Article, CleanedText
from ..nlp.calendar import MONTHS, WEEKDAYS, epoch_seconds
from ..nlp.tokens import wordset
from .terms import term_vector

# --- calibrated on Multi-News validation (see module docstring) ------------------------
#: Join when ``cosine + ENTITY_WEIGHT * overlap`` reaches this. Grid 0.35-0.75 by 0.05
#: x weight x merge (180 runs) on 655 shuffled validation documents (MiniLM vectors);
#: best B-cubed F1 0.859 (P 0.923, R 0.804, ARI 0.666) at 0.60 / 0.3; 0.55 and 0.65
#: lose 1-3 points of F1 (too many merges of neighbouring stories / too many splits).
JOIN_THRESHOLD = 0.60
#: Weight of the entity overlap (share of the article's top names the story has).
#: Grid 0, 0.1, 0.2, 0.3, 0.4: best F1 0.847, 0.854, 0.854, 0.859, 0.857.
ENTITY_WEIGHT = 0.30
#: Two open stories whose centroids come this close merge. The grid 0.80-0.95 made no
#: difference on validation (merges are rare once joins are calibrated); 0.85 keeps a
#: margin above the join threshold so that merges stay conservative.
MERGE_THRESHOLD = 0.85
# --- fixed by reasoning, not tuned ------------------------------------------------------
#: An article joins only stories within this many days of it: news stories rarely run
#: longer without a new angle, and reusing an old story for a new event is the worse error.
WINDOW_DAYS = 7.0
#: Estimated Jaccard of word 4-shingles at which two texts are the same article (wire
#: copies with a changed byline or a trimmed last paragraph still score above 0.8).
DUPLICATE_JACCARD = 0.8
#: Words of the lead that are embedded: about the model's 256-token window.
LEAD_WORDS = 200
#: Names kept per article and per story for the overlap.
ARTICLE_ENTITIES = 15
STORY_ENTITIES = 40
#: MinHash permutations: the Jaccard estimate's standard error is ~0.05 at 64.
SIGNATURE_SIZE = 64
#: Best-scoring stories whose members are checked for near-duplicates.
DUPLICATE_CANDIDATES = 3
#: Fewer words than this cannot show a language; such items are "und" and join any story.
MIN_LANGUAGE_WORDS = 8
#: Below this share of its stopwords, a text is not in that language (English news prose
#: runs at 0.35-0.50; a German or Polish text scores under 0.05 on the English list).
MIN_STOPWORD_SHARE = 0.12

_DAY = 86400.0
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+", re.UNICODE)
_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,6})"
    r"(?:\s+(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,6}))*"
)
_LANGUAGE_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in a is that for on with was as by at from it his said".split()),
    "de": frozenset("der die und das ist nicht mit den von zu ein im sich auf dem des".split()),
    "fr": frozenset("le la les et des est une du dans pour que qui pas sur au avec".split()),
    "es": frozenset("el la los las del que en y es por con una para se no su al".split()),
    "it": frozenset("il di che la per non una del con sono della nel gli le alla".split()),
    "pt": frozenset("o a os as de que em um uma do da para com não no na se".split()),
    "nl": frozenset("de het een van en is dat niet op te zijn met voor die aan".split()),
    "pl": frozenset("i w na z się nie do że to jest o jak po przez od za dla".split()),
}
#: The names of the languages :func:`detect_language` tells apart.
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish",
}
#: Capitalised words that start sentences or are calendar words, not names.
_NOT_NAMES = wordset(
    """The A An In On At But And Or If When While After Before He She It They We I You His Her
    Their Its This That These Those There Here What Who Why How Mr Mrs Ms Dr Yesterday Today
    Tomorrow According As For From By With Of To Also More Most Some Many One Two Three Photo
    AP CNN"""
) | frozenset(word.capitalize() for word in WEEKDAYS + MONTHS)


@dataclass(frozen=True)
class ClusterParams:
    """The clustering thresholds (defaults are the calibrated constants above)."""

    join_threshold: float = JOIN_THRESHOLD
    entity_weight: float = ENTITY_WEIGHT
    merge_threshold: float = MERGE_THRESHOLD
    window_days: float = WINDOW_DAYS
    duplicate_jaccard: float = DUPLICATE_JACCARD
    #: Share of the cosine given to the article's content-word vector
    #: (:func:`storyweave.stories.terms.term_vector`); 0 compares lead vectors only.
    term_share: float = 0.0

    @property
    def story_vectors(self) -> str:
        """What the stored vectors hold: ``"lead"`` or ``"lead+terms"`` (they do not compare)."""
        return "lead+terms" if self.term_share > 0 else "lead"


#: static-learned's lead vectors alone (stores made before term vectors, which keep them):
#: its lead vectors of different stories sit closer than MiniLM's, so it needs a higher
#: join score. `bench_stories.py --calibrate --model static-learned --joins 0.65 0.7 0.75
#: 0.8 0.85 0.9` (the same validation documents and weights x merges): best B-cubed F1
#: 0.822 at 0.80 / 0.4 (ARI 0.50) and 0.820 at 0.80 / 0.3 (P 0.929, R 0.733, ARI 0.57);
#: the MiniLM point scores 0.859 (ARI 0.666). 0.3 keeps MiniLM's weight for a higher ARI
#: at 0.002 of F1; merge 0.90 stays above the join score. Test: F1 0.802, ARI 0.458.
STATIC_LEARNED_LEAD = ClusterParams(join_threshold=0.80, entity_weight=0.30, merge_threshold=0.90)
#: static-learned with content-word TF-IDF vectors beside the lead vector (a static model
#: averages a lead into its topic; the rarer words two reports share tell two storms apart).
#: Calibrated on the 655 validation documents in memory (``article_features`` with the
#: shipped ``stories/term_df.npz``, learned from those documents' words): term share 0.5 /
#: 0.7 / 0.8 / 0.9 / 1.0 x join 0.30-0.55 (weight 0.3, merge 0.9), then weight 0.2 / 0.4
#: and merge 0.85 at the best: share 0.9, join 0.35 gives F1 0.848 (P 0.948, R 0.768,
#: ARI 0.647); join 0.30 0.851 but ARI 0.615, share 0.8 / 0.40 0.845 (ARI 0.617), terms
#: alone 0.842 (ARI 0.651); lead-only 0.820 (ARI 0.574), MiniLM 0.858 (ARI 0.662).
STATIC_LEARNED = ClusterParams(
    join_threshold=0.35, entity_weight=0.30, merge_threshold=0.90, term_share=0.90
)


def params_for(embedder_name: str, story_vectors: str | None = None) -> ClusterParams:
    """The clustering thresholds for an embedding backend (by its recorded name).

    ``story_vectors`` is what an existing store's vectors hold (``ClusterParams.story_vectors``;
    ``None`` for a new store): a static-learned store made with lead vectors only keeps them.
    """
    if model_option(embedder_name) != "static-learned":
        return ClusterParams()
    return STATIC_LEARNED_LEAD if story_vectors == "lead" else STATIC_LEARNED


@dataclass(frozen=True)
class Features:
    """What clustering needs to know about one article."""

    vector: np.ndarray  # float32 unit vector of the lead (and content words: term_share)
    entities: tuple[str, ...]  # most-mentioned names, lower-cased, most frequent first
    time: float  # epoch seconds: published, else ingested
    language: str  # "en", "de", ... or "und"
    signature: np.ndarray  # uint64 MinHash of word 4-shingles


def cleaned_body(cleaned: CleanedText) -> str:
    """The story text of a cleaned article, paragraphs separated by blank lines."""
    return "\n\n".join(cleaned.paragraphs)


def content_hash(text: str) -> str:
    """SHA-256 of the text's words, lower-cased: equal for the same words however spaced."""
    words = _WORD.findall(text.lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def event_time(published: str | None, fallback: float) -> float:
    """Epoch seconds of an ISO 8601 ``published`` value, else ``fallback``."""
    return epoch_seconds(published, fallback)


def detect_language(text: str) -> str:
    """A cheap language guess from stopword shares: ``"en"``, ``"de"``, ... or ``"und"``."""
    words = [w.lower() for w in _WORD.findall(text[:5000]) if not w.isdigit()]
    if len(words) < MIN_LANGUAGE_WORDS:
        return "und"
    counts = Counter(words)  # each distinct word looked up once per language
    shares = {
        language: sum(counts[word] for word in stopwords if word in counts) / len(words)
        for language, stopwords in _LANGUAGE_STOPWORDS.items()
    }
    best = max(sorted(shares), key=lambda language: shares[language])
    return best if shares[best] >= MIN_STOPWORD_SHARE else "und"


def top_entities(text: str, limit: int = ARTICLE_ENTITIES) -> tuple[str, ...]:
    """The names a text mentions most (capitalised phrases and acronyms), lower-cased."""
    counts: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w not in _NOT_NAMES]
        if words:
            counts[" ".join(words).lower()] += 1
            if len(words) > 1:  # "Xi Jinping" also counts for "Jinping", as later mentions read
                counts[words[-1].lower()] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(name for name, _ in ranked[:limit])


def minhash(text: str, size: int = SIGNATURE_SIZE) -> np.ndarray:
    """MinHash signature of the word 4-shingles of ``text`` (deterministic across runs)."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))}
    hashes = np.array(
        sorted(
            int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
            for s in shingles
        ),
        dtype=np.uint64,
    )
    # Fixed seed: signatures stored by one run must compare with those of the next.
    rng = np.random.default_rng(20240611)
    a = rng.integers(0, 2**63, size=size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=size, dtype=np.uint64)
    # Multiply-add modulo 2**64 (numpy arrays wrap), then fold the well-mixed high bits
    # down: one cheap pseudo-random permutation of the 64-bit hashes per row.
    values = hashes[:, None] * a[None, :] + b[None, :]
    values ^= values >> np.uint64(29)
    signature: np.ndarray = values.min(axis=0)
    return signature


def article_features(
    article: Article,
    cleaned: CleanedText,
    embedder: Embedder,
    ingested_at: float,
    params: ClusterParams | None = None,
) -> Features:
    """Compute the clustering features of one cleaned article.

    With ``params.term_share`` > 0 the vector is the lead vector and the content-word
    vector side by side, weighted so that a cosine is ``(1 - share) x lead cosine +
    share x term cosine``.
    """
    body = cleaned_body(cleaned)
    title = article.title or cleaned.title or ""
    lead = " ".join(f"{title}\n{body}".split()[:LEAD_WORDS])
    # One text per call: the lexical backend's IDF is per call, so a batch would make one
    # article's vector depend on which others came with it.
    vector = np.asarray(embedder.encode([lead])[0], dtype=np.float32)
    share = (params or ClusterParams()).term_share
    if share > 0:
        terms = term_vector(f"{title}\n{body}")
        vector = np.concatenate([np.sqrt(1.0 - share) * vector, np.sqrt(share) * terms])
        norm = float(np.linalg.norm(vector))  # 0: no known piece and no content word
        vector = (vector / norm if norm else vector).astype(np.float32)
    return Features(
        vector=vector,
        entities=top_entities(f"{title}\n{body}"),
        time=event_time(article.published or cleaned.published, ingested_at),
        language=detect_language(body),
        signature=minhash(body),
    )


def languages_agree(a: str, b: str) -> bool:
    """True when an article of language ``a`` may share a story of language ``b``."""
    return a == b or "und" in (a, b)


@dataclass
class StoryState:
    """One open story as the index keeps it."""

    id: int
    vector_sum: np.ndarray
    entities: Counter[str]
    first_time: float
    last_time: float
    language: str
    size: int
    members: list[tuple[int, np.ndarray]] = field(default_factory=list)  # (article id, signature)
    # Derived values, recomputed only after the story changes (see :meth:`changed`).
    _centroid: np.ndarray | None = field(default=None, repr=False)
    _top: frozenset[str] | None = field(default=None, repr=False)

    def changed(self) -> None:
        """Forget derived values after the members changed."""
        self._centroid = None
        self._top = None

    def centroid(self) -> np.ndarray:
        """The unit mean of the members' vectors."""
        if self._centroid is None:
            norm = float(np.linalg.norm(self.vector_sum))
            self._centroid = self.vector_sum / norm if norm > 0 else self.vector_sum
        return self._centroid

    def top_entities(self) -> frozenset[str]:
        """The story's most-mentioned names (ties broken alphabetically)."""
        if self._top is None:
            ranked = sorted(self.entities.items(), key=lambda item: (-item[1], item[0]))
            self._top = frozenset(name for name, _ in ranked[:STORY_ENTITIES])
        return self._top


@dataclass(frozen=True)
class Decision:
    """What to do with one article."""

    kind: Literal["duplicate", "join", "new"]
    story_id: int | None = None  # the story joined, or the duplicate's story
    duplicate_of: int | None = None  # article id
    score: float = 0.0


class StoryIndex:
    """The open stories, in memory, with the clustering rules (see module docstring).

    Example::

        index = StoryIndex()
        decision = index.decide(features)
        if decision.kind == "new":
            index.add_story(next_story_id, article_id, features)
        elif decision.kind == "join":
            index.add_article(decision.story_id, article_id, features)
            merge = index.merge_candidate(decision.story_id)
    """

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.params = params or ClusterParams()
        self.stories: dict[int, StoryState] = {}

    def _scores(self, features: Features) -> list[tuple[float, float, int]]:
        """``(score, cosine, story id)`` for every eligible story, best first."""
        window = self.params.window_days * _DAY
        eligible = [
            story
            for story in self.stories.values()
            if languages_agree(features.language, story.language)
            and story.first_time - window <= features.time <= story.last_time + window
        ]
        if not eligible:
            return []
        centroids = np.stack([story.centroid() for story in eligible])
        cosines = centroids @ features.vector
        names = set(features.entities)
        scored = []
        for story, cosine in zip(eligible, cosines, strict=True):
            overlap = len(names & story.top_entities()) / len(names) if names else 0.0
            score = float(cosine) + self.params.entity_weight * overlap
            scored.append((score, float(cosine), story.id))
        scored.sort(key=lambda item: (-item[0], item[2]))
        return scored

    def decide(self, features: Features) -> Decision:
        """Duplicate, join or new (pure: the index is not changed)."""
        scored = self._scores(features)
        for _, _, story_id in scored[:DUPLICATE_CANDIDATES]:
            for article_id, signature in self.stories[story_id].members:
                if similarity(signature, features.signature) >= self.params.duplicate_jaccard:
                    return Decision("duplicate", story_id, article_id)
        if scored and scored[0][0] >= self.params.join_threshold:
            return Decision("join", scored[0][2], score=scored[0][0])
        return Decision("new")

    def add_story(self, story_id: int, article_id: int, features: Features) -> StoryState:
        """Start a story with one article."""
        story = StoryState(
            id=story_id,
            vector_sum=features.vector.astype(np.float32).copy(),
            entities=Counter(features.entities),
            first_time=features.time,
            last_time=features.time,
            language=features.language,
            size=1,
            members=[(article_id, features.signature)],
        )
        self.stories[story_id] = story
        return story

    def add_article(self, story_id: int, article_id: int, features: Features) -> StoryState:
        """Add an article to a story: centroid, names, time span and members grow."""
        story = self.stories[story_id]
        story.vector_sum = story.vector_sum + features.vector
        story.entities.update(features.entities)
        story.first_time = min(story.first_time, features.time)
        story.last_time = max(story.last_time, features.time)
        if story.language == "und":
            story.language = features.language
        story.size += 1
        story.members.append((article_id, features.signature))
        story.changed()
        return story

    def merge_candidate(self, story_id: int) -> tuple[int, int] | None:
        """``(keep, absorbed)`` when another open story is the same as ``story_id``."""
        story = self.stories[story_id]
        window = self.params.window_days * _DAY
        centroid = story.centroid()
        best: tuple[float, int] | None = None
        for other in self.stories.values():
            if other.id == story_id or not languages_agree(story.language, other.language):
                continue
            if other.first_time - window > story.last_time or story.first_time - window > other.last_time:
                continue
            cosine = float(centroid @ other.centroid())
            if cosine >= self.params.merge_threshold and (best is None or cosine > best[0]):
                best = (cosine, other.id)
        if best is None:
            return None
        other = self.stories[best[1]]
        # The bigger (then older) story keeps its id, so links to it stay valid.
        if (other.size, -other.id) > (story.size, -story.id):
            return other.id, story.id
        return story.id, other.id

    def merge(self, keep: int, absorbed: int) -> StoryState:
        """Fold story ``absorbed`` into ``keep``."""
        target, gone = self.stories[keep], self.stories.pop(absorbed)
        target.vector_sum = target.vector_sum + gone.vector_sum
        target.entities.update(gone.entities)
        target.first_time = min(target.first_time, gone.first_time)
        target.last_time = max(target.last_time, gone.last_time)
        if target.language == "und":
            target.language = gone.language
        target.size += gone.size
        target.members.extend(gone.members)
        target.changed()
        return target


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    return float(np.mean(a == b))


def cluster_in_memory(
    features: Sequence[Features], params: ClusterParams | None = None
) -> list[int]:
    """Story label of each article, clustering them in order without a store.

    Duplicates get the story of the article they duplicate. Used for calibration;
    :class:`~storyweave.monitor.store.Store` runs the same rules with persistence.
    """
    index = StoryIndex(params)
    story_of: dict[int, int] = {}  # article id -> story id at the time
    merged_into: dict[int, int] = {}
    next_story = 1
    for article_id, item in enumerate(features):
        decision = index.decide(item)
        if decision.kind == "duplicate":
            assert decision.story_id is not None
            story_of[article_id] = decision.story_id
            continue
        if decision.kind == "new":
            index.add_story(next_story, article_id, item)
            story_of[article_id] = next_story
            next_story += 1
            continue
        assert decision.story_id is not None
        index.add_article(decision.story_id, article_id, item)
        story_of[article_id] = decision.story_id
        merge = index.merge_candidate(decision.story_id)
        if merge is not None:
            index.merge(*merge)
            merged_into[merge[1]] = merge[0]
    return [_final(story_of[i], merged_into) for i in range(len(features))]


def _final(story_id: int, merged_into: dict[int, int]) -> int:
    while story_id in merged_into:
        story_id = merged_into[story_id]
    return story_id

