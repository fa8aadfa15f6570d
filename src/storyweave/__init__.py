"""storyweave: many news reports of one event, woven into one cited briefing."""

from .errors import (
    DatasetError,
    FetchError,
    InputError,
    InputNotFound,
    InputTooLarge,
    InputUnreadable,
    MissingDependency,
    ModelError,
    OptionsError,
    StoreError,
    StoryweaveError,
)
from .ingest import Loaded, load
from .model import (
    Article,
    Briefing,
    CleanedText,
    Fact,
    InputProblem,
    Quote,
    QuoteMention,
    RemovedLine,
    Sentence,
    Source,
    SummarySentence,
)
from .options import BriefOptions
from .pipeline import Briefer, brief
from .version import __version__

__all__ = [
    "Article",
    "BriefOptions",
    "Briefer",
    "Briefing",
    "CleanedText",
    "DatasetError",
    "Fact",
    "FetchError",
    "InputError",
    "InputNotFound",
    "InputProblem",
    "InputTooLarge",
    "InputUnreadable",
    "Loaded",
    "MissingDependency",
    "ModelError",
    "OptionsError",
    "Quote",
    "QuoteMention",
    "RemovedLine",
    "Sentence",
    "Source",
    "StoreError",
    "StoryweaveError",
    "SummarySentence",
    "__version__",
    "brief",
    "load",
]
