"""The learned line classifier of the cleaning stage: the model file and its predictions.

A plain-text scrape of a news page (the page's text selected and copied, or a scraper's
``innerText``) holds the story's paragraphs among menus, prompts, captions, share
widgets, related headlines and footers, one block per line. The rules of
:mod:`storyweave.clean.rules` catch the furniture that reads the same on every site; the
rest is told apart by shape and place, which this model learns from labelled scrapes of
real pages (``scripts/train_line_classifier.py``, features in
:mod:`storyweave.clean.features`):

1. a logistic regression over each line's own and neighbourhood features, the rule kind
   that fired on it among them, gives a first story probability;
2. gradient-boosted trees over the same features plus the first pass's probabilities
   around the line give the second;
3. a two-state (story / chrome) Viterbi pass over the page smooths the second pass's
   probabilities, so that a lone doubtful line between paragraphs follows them;
4. a second, smaller set of trees ranks the lines near the story's start as its title
   (features in :mod:`storyweave.clean.title`).

The model file (``line_model.json``, beside this module) holds the feature names,
the regression's standardisation and weights, the trees' splits and leaf values, and the
decoding settings: numbers only, no page text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .features import FIRST_NAMES, NEIGHBOUR_NAMES, first_pass_features, neighbour_features
from .rules import LineShape
from .title import TITLE_NAMES

#: The model file shipped inside the package.
MODEL_FILE = "line_model.json"
#: Format version of the model file; bumped when the layout (not the weights) changes.
FORMAT = 1


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: ``sigmoid(((x - mean) / scale) @ weights + bias)``."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(story) for each row of ``x``."""
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def to_json(self) -> dict[str, Any]:
        """The regression as plain lists, for the model file."""
        return {
            "mean": _rounded(self.mean),
            "scale": _rounded(self.scale),
            "weights": _rounded(self.weights),
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        """Read what :meth:`to_json` wrote."""
        return cls(
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            weights=np.asarray(data["weights"], dtype=float),
            bias=float(data["bias"]),
        )


@dataclass(frozen=True)
class Trees:
    """A binary gradient-boosted tree ensemble, evaluated with numpy.

    Every tree is stored flat: for node ``k``, ``feature[k]`` and ``threshold[k]`` (go
    left when ``x[feature] <= threshold``), and ``left[k]`` / ``right[k]``, where a
    negative child ``-1 - j`` is leaf ``j`` of that tree. All trees are padded to the
    same node and leaf counts so one array operation walks them all at once.
    """

    feature: np.ndarray  # (trees, nodes) int
    threshold: np.ndarray  # (trees, nodes) float
    left: np.ndarray  # (trees, nodes) int
    right: np.ndarray  # (trees, nodes) int
    leaf: np.ndarray  # (trees, leaves) float
    depth: int
    base: float = 0.0

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(story) for each row of ``x``."""
        walk = self._walk
        n_trees, n_rows = len(walk.roots), x.shape[0]
        # Flat gathers: x[row, f] is at f * n_rows + row.
        values = np.ascontiguousarray(x.T).ravel()
        rows = np.tile(np.arange(n_rows), n_trees)
        node = np.repeat(walk.roots, n_rows)
        # A leaf leads to itself, so every walk can take ``depth`` steps without masks.
        for _ in range(self.depth):
            go_left = values[walk.feature[node] * n_rows + rows] <= walk.threshold[node]
            node = np.where(go_left, walk.left[node], walk.right[node])
        raw = walk.value[node].reshape(n_trees, n_rows).sum(axis=0) + self.base
        return np.asarray(1.0 / (1.0 + np.exp(-raw)))

    @cached_property
    def _walk(self) -> _Walk:
        """The ensemble as one flat node table (built once per model)."""
        return _Walk.of(self)

    def to_json(self) -> dict[str, Any]:
        """The ensemble as plain lists, for the model file."""
        return {
            "feature": self.feature.tolist(),
            "threshold": [_rounded(row, 7) for row in self.threshold],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "leaf": [_rounded(row, 7) for row in self.leaf],
            "depth": self.depth,
            "base": round(self.base, 7),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        """Read what :meth:`to_json` wrote."""
        return cls(
            feature=np.asarray(data["feature"], dtype=int),
            threshold=np.asarray(data["threshold"], dtype=float),
            left=np.asarray(data["left"], dtype=int),
            right=np.asarray(data["right"], dtype=int),
            leaf=np.asarray(data["leaf"], dtype=float),
            depth=int(data["depth"]),
            base=float(data.get("base", 0.0)),
        )


@dataclass(frozen=True)
class _Walk:
    """A :class:`Trees` ensemble laid out for walking all trees at once: tree ``t``'s node
    ``k`` is slot ``t * (nodes + leaves) + k`` and its leaf ``j`` slot
    ``t * (nodes + leaves) + nodes + j``. A leaf slot's children are itself (its
    threshold is +inf), so a walk that reaches a leaf stays there; ``value`` holds the
    leaf values (0 at inner nodes)."""

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, trees: Trees) -> _Walk:
        """Lay ``trees`` out flat."""
        n_trees, n_nodes = trees.feature.shape
        slots = n_nodes + trees.leaf.shape[1]
        start = (np.arange(n_trees) * slots)[:, None]
        own = np.arange(n_trees * slots).reshape(n_trees, slots)
        feature = np.zeros((n_trees, slots), dtype=np.intp)
        feature[:, :n_nodes] = trees.feature
        threshold = np.full((n_trees, slots), np.inf)
        threshold[:, :n_nodes] = trees.threshold
        left, right = own.copy(), own.copy()
        # A negative child -1 - j is leaf j.
        left[:, :n_nodes] = start + np.where(trees.left >= 0, trees.left, n_nodes - 1 - trees.left)
        right[:, :n_nodes] = start + np.where(trees.right >= 0, trees.right, n_nodes - 1 - trees.right)
        value = np.zeros((n_trees, slots))
        value[:, n_nodes:] = trees.leaf
        return cls(
            roots=start.ravel(),
            feature=feature.ravel(),
            threshold=threshold.ravel(),
            left=left.ravel(),
            right=right.ravel(),
            value=value.ravel(),
        )


@dataclass(frozen=True)
class Decoding:
    """How the second pass's probabilities become keep/drop decisions.

    The Viterbi pass scores a page's labelling by each line's log-probability of its
    label, plus ``story_bias`` per story line, minus ``switch_cost`` per change of label
    between neighbouring lines. Both are calibrated by the training script's
    cross-validation (grouped by site) on the labelled scrapes.
    """

    switch_cost: float
    story_bias: float

    def keep(self, story: np.ndarray) -> np.ndarray:
        """The labelling (True = story) with the best score."""
        n = len(story)
        if n == 0:
            return np.zeros(0, dtype=bool)
        p = np.clip(story, 1e-6, 1 - 1e-6)
        gain_story = np.log(p) + self.story_bias
        gain_chrome = np.log(1 - p)
        back = np.zeros((n, 2), dtype=bool)  # back[i, s]: the previous line was story
        chrome_score, story_score = gain_chrome[0], gain_story[0]
        for i in range(1, n):
            stay_chrome, from_story = chrome_score, story_score - self.switch_cost
            stay_story, from_chrome = story_score, chrome_score - self.switch_cost
            back[i, 0] = from_story > stay_chrome
            back[i, 1] = stay_story >= from_chrome
            chrome_score = max(stay_chrome, from_story) + gain_chrome[i]
            story_score = max(stay_story, from_chrome) + gain_story[i]
        labels = np.zeros(n, dtype=bool)
        state = bool(story_score >= chrome_score)
        for i in range(n - 1, -1, -1):
            labels[i] = state
            state = bool(back[i, int(state)])
        return labels


@dataclass(frozen=True)
class LineModel:
    """The two-pass line classifier. Load it once with :meth:`load` and reuse it.

    Example::

        >>> model = LineModel.load()
        >>> keep = model.keep(lines, rule_kinds)  # one bool per line
    """

    first: Logistic
    second: Trees
    decoding: Decoding
    title: Trees | None = None  # the title ranker (see storyweave.clean.title)

    @staticmethod
    @cache
    def shipped() -> LineModel:
        """The model file shipped inside the package, read once per process (the model is
        immutable, so sharing it is safe)."""
        return LineModel.load()

    @classmethod
    def load(cls, path: str | Path | None = None) -> LineModel:
        """Read the model file: ``path``, or the one shipped inside the package."""
        if path is None:
            text = resources.files("storyweave.clean").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        """Build the model from the model file's content; refuse a file for other features."""
        if (
            data.get("format") != FORMAT
            or tuple(data.get("first_names", ())) != FIRST_NAMES
            or tuple(data.get("neighbour_names", ())) != NEIGHBOUR_NAMES
            or tuple(data.get("title_names", ())) != TITLE_NAMES
        ):
            raise ValueError(
                f"{MODEL_FILE} was trained for other features than this code computes; "
                "retrain it with scripts/train_line_classifier.py"
            )
        return cls(
            first=Logistic.from_json(data["first"]),
            second=Trees.from_json(data["second"]),
            decoding=Decoding(**data["decoding"]),
            title=Trees.from_json(data["title"]) if data.get("title") else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The model file's content."""
        return {
            "format": FORMAT,
            "first_names": list(FIRST_NAMES),
            "neighbour_names": list(NEIGHBOUR_NAMES),
            "title_names": list(TITLE_NAMES),
            "first": self.first.to_json(),
            "second": self.second.to_json(),
            "decoding": {
                "switch_cost": self.decoding.switch_cost,
                "story_bias": self.decoding.story_bias,
            },
            "title": self.title.to_json() if self.title else None,
        }

    def story_probability(
        self,
        lines: Sequence[str],
        rule_kinds: Sequence[str | None],
        shapes: Sequence[LineShape] | None = None,
    ) -> np.ndarray:
        """The second pass's P(story) for each line (non-blank, stripped)."""
        return self.predict(lines, rule_kinds, shapes)[1]

    def predict(
        self,
        lines: Sequence[str],
        rule_kinds: Sequence[str | None],
        shapes: Sequence[LineShape] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first-pass feature matrix and the second pass's P(story) for each line."""
        x = first_pass_features(lines, rule_kinds, shapes)
        if not len(x):
            return x, np.zeros(0)
        first = self.first.predict(x)
        return x, self.second.predict(np.hstack([x, neighbour_features(first, x, lines)]))

    def keep(
        self,
        lines: Sequence[str],
        rule_kinds: Sequence[str | None],
        shapes: Sequence[LineShape] | None = None,
    ) -> np.ndarray:
        """One bool per line: True for a story line, after smoothing."""
        return self.decoding.keep(self.story_probability(lines, rule_kinds, shapes))


def _rounded(values: Any, digits: int = 6) -> list[float]:
    return [round(float(v), digits) for v in values]
