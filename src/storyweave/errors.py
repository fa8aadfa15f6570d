"""The exception tree. Every error storyweave raises on purpose derives from
:class:`StoryweaveError`, carries the input or stage it concerns, and says what to do.

::

    StoryweaveError
    ├── OptionsError            an option value is out of range or inconsistent
    │   └── OutletsError        the outlet file cannot be read (names the file and entry)
    ├── InputError              one input cannot be used (the others still are)
    │   ├── InputNotFound       missing path
    │   ├── InputTooLarge       over ``BriefOptions.max_input_bytes`` (refused before reading)
    │   ├── InputUnreadable     binary, undecodable, empty, or not an article
    │   ├── DatasetError        a JSON/JSONL line that does not parse, an unknown cluster id
    │   └── FetchError          a URL that could not be fetched or is not allowed
    ├── ModelError              the embedding or summarizer model cannot be found or loaded
    ├── StoreError              the store cannot be opened or used as asked
    ├── OutputError             the output file cannot be written
    ├── Cancelled               the caller gave up on a briefing (a client that went away)
    ├── WorkerFailed            a briefing's worker process died or its task failed
    └── MissingDependency       an optional extra is not installed

The CLI maps these to exit codes (see :mod:`storyweave.cli`).
"""

from __future__ import annotations


class StoryweaveError(Exception):
    """Base of every error storyweave raises on purpose."""


class OptionsError(StoryweaveError, ValueError):
    """An option has a value out of range or inconsistent with another."""


class OutletsError(OptionsError):
    """The outlet file (``--outlets``) is missing or malformed; the message names the file,
    the entry and what to fix."""


class InputError(StoryweaveError):
    """One input cannot be used. ``input`` names it; ``problem`` says why in one line."""

    def __init__(self, input: str, problem: str) -> None:
        super().__init__(f"{input}: {problem}")
        self.input = input
        self.problem = problem


class InputNotFound(InputError):
    """The path does not exist."""


class InputTooLarge(InputError):
    """The input is bigger than the configured limit; it was not read."""


class InputUnreadable(InputError):
    """Binary, undecodable, empty, or not a news article."""


class DatasetError(InputError):
    """A dataset file has a line that does not parse, or the cluster id is unknown."""


class FetchError(InputError):
    """A URL could not be fetched, or is not allowed (scheme, private address)."""


class ModelError(StoryweaveError):
    """The embedding model (or the summarizer's model file) could not be found or loaded."""


class StoreError(StoryweaveError):
    """The store cannot be opened or used as asked (wrong model, unknown story, ...)."""


class OutputError(StoryweaveError):
    """The output path cannot be written (a folder, a missing folder, no permission)."""


class Cancelled(StoryweaveError):
    """The caller asked to stop (a web client disconnected); the briefing was not made."""


class WorkerFailed(StoryweaveError):
    """A worker process of a briefing on two cores (:mod:`storyweave.parallel`) died
    without an answer (killed, out of memory) or its task raised an exception that could
    not be sent back. ``what`` names the task; ``problem`` says what happened."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(
            f"the {what} worker process failed: {problem}; "
            "brief with workers=1 (--workers 1) to use one process"
        )
        self.what = what
        self.problem = problem


class MissingDependency(StoryweaveError, ImportError):
    """A dependency is missing; the message gives the install command.

    ``extra`` names the storyweave extra that brings it; a core dependency (``extra=None``)
    is reinstalled by name.
    """

    def __init__(self, package: str, extra: str | None) -> None:
        command = f"pip install 'storyweave[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{package} is needed for this; install it with: {command}")
        self.package = package
        self.extra = extra
