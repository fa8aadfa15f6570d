"""Gradient-boosted trees exported to JSON, evaluated with numpy alone.

The learned summarizer's model is trained with LightGBM (``scripts/train_summarizer.py``)
but shipped as a small JSON file of plain arrays, so that briefing needs neither
LightGBM nor pickles. Format (``"format": "storyweave-trees/1"``)::

    {"features": [names...], "base": 0.0,
     "trees": [{"feature": [...], "threshold": [...], "left": [...], "right": [...],
                "leaf": [...]}, ...], ...}

Per tree, internal node ``k`` sends a row left when ``x[feature[k]] <= threshold[k]``
(LightGBM's rule for numerical splits), to ``left[k]`` else ``right[k]``; a child ``c >= 0``
is another internal node, ``c < 0`` is leaf ``-c - 1`` with value ``leaf[-c - 1]``. A tree
that is a single leaf has empty node lists and one leaf. The raw score of a row is
``base`` plus the sum of its leaf values (log-odds for a binary objective). Leaves are
numbered left to right (depth first, left child first), which the evaluator relies on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

FORMAT = "storyweave-trees/1"


#: Leaves per tree the evaluator handles: one bit each in a 64-bit mask.
MAX_LEAVES = 64
_ALL = np.uint64(2**64 - 1)
#: Rows scored at once: the evaluator holds a rows x nodes matrix of 8-byte masks
#: (512 rows x 7,000 nodes ~ 29 MB).
ROWS_PER_BLOCK = 512


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """A loaded tree ensemble, laid out for evaluation without a loop over trees.

    Every internal node of every tree is one column: a row "fails" a node when
    ``x[feature] > threshold`` (it goes right), which rules out the leaves of the node's
    left subtree. With the leaves of a tree numbered left to right, the leaf a row reaches
    is the leftmost one that none of its failed nodes ruled out (the QuickScorer
    layout, Lucchese et al. 2015): one comparison matrix, one AND per tree, one lookup.
    """

    features: tuple[str, ...]
    base: float
    node_feature: np.ndarray  # (nodes,) int, all trees' internal nodes in tree order
    node_threshold: np.ndarray  # (nodes,) float
    node_keeps: np.ndarray  # (nodes,) uint64: leaves still possible when the row goes right
    tree_start: np.ndarray  # (trees,) first column of each tree
    leaf: np.ndarray  # (trees, MAX_LEAVES) float, leaves left to right
    meta: Mapping[str, Any]

    def predict(self, table: np.ndarray) -> np.ndarray:
        """Raw scores of the rows of ``table`` (columns in :attr:`features` order)."""
        rows = np.asarray(table, dtype=np.float64)
        if len(rows) > ROWS_PER_BLOCK:  # bound the rows x nodes working memory
            return np.concatenate(
                [self.predict(rows[i : i + ROWS_PER_BLOCK])
                 for i in range(0, len(rows), ROWS_PER_BLOCK)]
            )
        if len(rows) == 0:
            return np.zeros(0)
        goes_right = rows[:, self.node_feature] > self.node_threshold
        kept = np.where(goes_right, self.node_keeps, _ALL)
        possible = np.bitwise_and.reduceat(kept, self.tree_start, axis=1)
        lowest = possible & (~possible + np.uint64(1))  # the leftmost possible leaf's bit
        reached = np.log2(lowest.astype(np.float64)).astype(np.int64)
        trees = np.arange(len(self.tree_start))[None, :]
        return self.base + self.leaf[trees, reached].sum(axis=1)


def load_trees(path: str | Path) -> TreeEnsemble:
    """Read a model file written by :func:`export_lightgbm` (raises :class:`ModelError`)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: cannot read the summarizer model ({error})") from error
    if data.get("format") != FORMAT:
        raise ModelError(f"{path}: not a {FORMAT} model file")
    return from_dict(data)


def from_dict(data: Mapping[str, Any]) -> TreeEnsemble:
    """Lay the JSON trees out as :class:`TreeEnsemble` columns."""
    trees: Sequence[Mapping[str, Sequence[float]]] = data["trees"]
    feature: list[int] = []
    threshold: list[float] = []
    keeps: list[int] = []
    starts: list[int] = []
    leaf = np.zeros((len(trees), MAX_LEAVES))
    for i, tree in enumerate(trees):
        if len(tree["leaf"]) > MAX_LEAVES:
            raise ValueError(f"tree {i} has {len(tree['leaf'])} leaves; at most {MAX_LEAVES}")
        leaf[i, : len(tree["leaf"])] = tree["leaf"]
        starts.append(len(feature))
        if not tree["feature"]:  # a lone leaf: a node that no row ever fails
            feature.append(0)
            threshold.append(math.inf)
            keeps.append(2**64 - 1)
            continue
        left_leaves = _left_leaves(tree["left"], tree["right"])
        for k in range(len(tree["feature"])):
            feature.append(int(tree["feature"][k]))
            threshold.append(float(tree["threshold"][k]))
            keeps.append((2**64 - 1) & ~left_leaves[k])
    return TreeEnsemble(
        features=tuple(data["features"]),
        base=float(data.get("base", 0.0)),
        node_feature=np.array(feature, dtype=np.int64),
        node_threshold=np.array(threshold, dtype=np.float64),
        node_keeps=np.array(keeps, dtype=np.uint64),
        tree_start=np.array(starts, dtype=np.int64),
        leaf=leaf,
        meta={k: v for k, v in data.items() if k not in ("trees", "features", "base")},
    )


def _left_leaves(left: Sequence[float], right: Sequence[float]) -> list[int]:
    """For each internal node, the bit mask of the leaves under its left child."""

    def under(child: int) -> int:
        if child < 0:
            return 1 << (-child - 1)
        return under(int(left[child])) | under(int(right[child]))

    return [under(int(left[k])) for k in range(len(left))]


def export_lightgbm(booster: Any, features: Sequence[str], **meta: Any) -> dict[str, Any]:
    """The JSON layout of a trained LightGBM booster (numerical splits only)."""
    dumped = booster.dump_model()
    trees = []
    for info in dumped["tree_info"]:
        tree: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "left", "right")}
        tree["leaf"] = []
        _flatten(info["tree_structure"], tree)
        trees.append(tree)
    return {"format": FORMAT, **meta, "features": list(features), "base": 0.0, "trees": trees}


def _flatten(node: Mapping[str, Any], tree: dict[str, list[Any]]) -> int:
    """Append ``node`` (and below) to ``tree``; return its child code."""
    if "leaf_value" in node:
        tree["leaf"].append(float(node["leaf_value"]))
        return -len(tree["leaf"])
    if node.get("decision_type") != "<=":
        raise ValueError(f"only numerical '<=' splits can be exported, not {node!r}")
    index = len(tree["feature"])
    tree["feature"].append(int(node["split_feature"]))
    tree["threshold"].append(float(node["threshold"]))
    tree["left"].append(0)
    tree["right"].append(0)
    tree["left"][index] = _flatten(node["left_child"], tree)
    tree["right"][index] = _flatten(node["right_child"], tree)
    return index
