"""Answer keys (``answers.json``) of the test stories, and matching them to a briefing.

The format is documented in ``tests/data/stories/README.md``. Every sentence in a key is
copied verbatim from the file it names, so a key sentence is found in a briefing by
substring after :func:`normalise` (whitespace, curly/straight quotes, dashes, case).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Briefing, Sentence

KEY_FILE = "answers.json"
KEY_FORMAT = "storyweave-answers/1"
#: A briefing sentence shorter than this many characters never stands for a key sentence
#: by being *contained* in it ("He did." is inside many sentences).
MIN_CONTAINED_CHARS = 25

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def normalise(text: str) -> str:
    """Lower case, one quote style, single spaces: how key text is compared with output.

    Newswire's doubled quote marks (two backticks to open, two apostrophes to close, as
    in DUC 2004) count as a double quote.
    """
    text = text.replace("``", '"').replace("''", '"')
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def words_of(text: str) -> set[str]:
    """Normalised words of ``text`` (quotes, hyphens and punctuation dropped)."""
    return set(re.findall(r"[a-z0-9]+", normalise(text).replace("-", " ")))


def load_key(folder: str | Path) -> dict[str, Any]:
    """Read ``folder/answers.json``; raise :class:`InputError` naming the file if unusable."""
    path = Path(folder) / KEY_FILE
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no answer key here; every story folder needs one") from None
    except (OSError, ValueError) as error:
        raise InputError(str(path), f"cannot read the answer key: {error}") from None
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT:
        raise InputError(str(path), f"not an answer key (expected format {KEY_FORMAT!r})")
    return key


def source_ids_by_file(briefing: Briefing, key: dict[str, Any]) -> dict[str, str]:
    """Map each key file name to the id of the briefing source loaded from it."""
    mapping: dict[str, str] = {}
    for entry in key.get("files", []):
        name = entry["file"]
        for source in briefing.sources:
            origin = source.origin.replace("\\", "/")
            if origin == name or origin.endswith("/" + name):
                mapping[name] = source.id
                break
    return mapping


class SentenceFinder:
    """Finds the briefing sentences that carry a key sentence, per source."""

    def __init__(self, briefing: Briefing, files: dict[str, str]):
        self._files = files
        self._by_source: dict[str, list[tuple[Sentence, str]]] = {
            source.id: [(s, normalise(s.text)) for s in source.sentences]
            for source in briefing.sources
        }
        self._text = {s.id: text for sentences in self._by_source.values() for s, text in sentences}

    def source_id(self, file: str) -> str | None:
        """The briefing source id of a key file (``None`` when it was not briefed)."""
        return self._files.get(file)

    def ids(self, file: str, sentence: str) -> set[str]:
        """Ids of the briefing sentences of ``file`` that hold ``sentence`` (or part of it)."""
        source_id = self._files.get(file)
        if source_id is None:
            return set()
        wanted = normalise(sentence)
        found = set()
        for candidate, text in self._by_source.get(source_id, []):
            if wanted in text or (len(text) >= MIN_CONTAINED_CHARS and text in wanted):
                found.add(candidate.id)
        return found

    def text(self, sentence_id: str) -> str:
        """The normalised text of a briefing sentence ("" for an unknown id)."""
        return self._text.get(sentence_id, "")

    def contains(self, sentence_ids: Iterable[str], value: str) -> bool:
        """Whether any of ``sentence_ids`` contains ``value`` (normalised)."""
        wanted = normalise(value)
        return any(wanted in self.text(sid) for sid in sentence_ids)
