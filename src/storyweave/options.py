"""One options object for every entry point (Python API, CLI, server, batch).

Defaults live here as named constants, each with a note on how it was chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from .errors import OptionsError
from .model import OutletDirectory

#: Summary length in words. About the length of a wire-service brief; Multi-News
#: references average ~260 words, DUC 2004 references 100 words.
DEFAULT_WORDS = 150
#: Shortest and longest summary budget in words that any face accepts: under 10 words no
#: news sentence fits; 2,000 is longer than any reference summary in the evaluation data.
MIN_WORDS = 10
MAX_WORDS = 2000
#: Per-input size limit. Far above any real article (a long feature is ~100 KB of HTML
#: text), low enough that a mistaken multi-GB file is refused at once.
DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024
#: Default embedding backend: all-MiniLM-L6-v2 as int8 ONNX, shipped by a PyPI package.
#: ``"static-learned"`` briefs ~5x faster and matches it on the real answer keys, but tells
#: apart fewer sentences that share their words but not their meaning (the hand-written
#: pairs) and separates mixed stories less well (README "Embedding models").
DEFAULT_MODEL = "minilm"
#: How summary lines are chosen: "coverage" (greedy concept coverage with hand-tuned
#: weights) or "learned" (a sentence scorer trained on Multi-News references,
#: storyweave.summarize.learned). Coverage stays the default: on the Multi-News full-text
#: test clusters the learned one is ahead (R-1/R-2 F1 +0.7/+0.7 on the 190 TAC-sample
#: clusters), but on DUC 2004 newswire it falls far behind (R-2 recall 6.70 vs 9.50).
SUMMARIZERS = ("learned", "coverage")
DEFAULT_SUMMARIZER = "coverage"
#: Sentences read per briefing. Alignment keeps an n x n similarity matrix (float32 plus
#: masks, ~7 bytes per pair): 8,000 sentences ~ 450 MB, whatever the size of the inputs.
#: 200 typical articles have ~4,000 sentences.
DEFAULT_MAX_SENTENCES = 8_000
#: Seconds to wait for one URL.
DEFAULT_URL_TIMEOUT = 15.0
#: More articles than this in one briefing is refused; a story rarely has more than a
#: few dozen reports, and alignment is quadratic in the number of sentences.
DEFAULT_MAX_ARTICLES = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class BriefOptions:
    """How to brief. Validated once, on construction.

    Example::

        BriefOptions(words=100)              # a 100-word summary
        BriefOptions(sentences=5)            # five sentences, whatever their length
        BriefOptions(model="lexical")        # no neural model at all
        BriefOptions(model="/models/my-st")  # a sentence-transformers model on disk
        BriefOptions(outlets=load_outlets("outlets.json"))  # coverage by side, blindspots
    """

    words: int | None = DEFAULT_WORDS
    sentences: int | None = None  # when set, the budget is a sentence count instead of words
    model: str = DEFAULT_MODEL  # "static-learned", "minilm", "static", "lexical", a folder or an ST name
    similarity: float | None = None  # alignment threshold; None = the backend's calibrated one
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_articles: int = DEFAULT_MAX_ARTICLES
    max_sentences: int = DEFAULT_MAX_SENTENCES
    url_timeout: float = DEFAULT_URL_TIMEOUT
    allow_private_urls: bool = False  # fetch loopback/private/link-local addresses only if True
    threads: int | None = None  # CPU threads for the embedding model; None = the backend's default
    workers: int | None = None  # processes for a large briefing; None = 2 if a core is free, 1 = one
    outlets: OutletDirectory | None = None  # the user's outlet profiles (views.profiles)
    summarizer: str = DEFAULT_SUMMARIZER  # "coverage" or "learned" (see SUMMARIZERS)

    def __post_init__(self) -> None:
        if self.sentences is not None and self.sentences < 1:
            raise OptionsError(f"sentences must be at least 1, got {self.sentences}")
        if self.sentences is None and (self.words is None or self.words < MIN_WORDS):
            raise OptionsError(f"words must be at least {MIN_WORDS}, got {self.words}")
        if self.similarity is not None and not 0.0 < self.similarity < 1.0:  # also refuses nan
            raise OptionsError(f"similarity must be between 0 and 1, got {self.similarity}")
        if self.max_input_bytes < 1:
            raise OptionsError(f"max_input_bytes must be positive, got {self.max_input_bytes}")
        if self.max_sentences < 10:
            raise OptionsError(f"max_sentences must be at least 10, got {self.max_sentences}")
        if self.max_articles < 1:
            raise OptionsError(f"max_articles must be positive, got {self.max_articles}")
        if not math.isfinite(self.url_timeout) or self.url_timeout <= 0:
            raise OptionsError(f"url_timeout must be a positive number of seconds, got {self.url_timeout}")
        if self.threads is not None and self.threads < 1:
            raise OptionsError(f"threads must be at least 1, got {self.threads}")
        if self.workers is not None and self.workers < 1:
            raise OptionsError(f"workers must be at least 1, got {self.workers}")
        if not self.model:
            raise OptionsError("model must name a backend, a model name or a path")
        if self.summarizer not in SUMMARIZERS:
            raise OptionsError(
                f"summarizer must be one of {', '.join(SUMMARIZERS)}, got {self.summarizer!r}"
            )

    def as_dict(self) -> dict[str, object]:
        """The options as plain values (recorded in the briefing's ``settings``); the outlet
        file, when there is one, is recorded by its name."""
        values: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        del values["outlets"]
        if self.outlets is not None:
            values["outlets"] = self.outlets.origin
        return values
