"""Training the learned line classifier (:mod:`storyweave.clean.model`) on labelled scrapes.

Used by ``scripts/train_line_classifier.py`` (the shipped model) and by
``storyweave eval cleaning`` (the same recipe cross-validated by site). Needs the
``eval`` extra: scikit-learn for the logistic regression, LightGBM for the trees. Both
are deterministic here: the regression's solver is exact and the trees are grown on one
thread with fixed seeds, so the same pages give the same model file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..clean.features import first_pass_features, neighbour_features
from ..clean.model import Decoding, LineModel, Logistic, Trees
from ..clean.title import title_candidates, title_features

#: Folds of the inner, site-grouped cross-validation that gives the second pass its
#: training inputs: first-pass probabilities of pages the first pass did not see, as at
#: prediction time.
INNER_FOLDS = 5
#: Regularisation of the first pass (scikit-learn's C). 0.1, 1 and 10 gave the same
#: cross-validated line F1 within 0.01 on the labelled scrapes; 1 is the default.
FIRST_C = 1.0
#: The second pass's trees. 200 trees of 15 leaves at rate 0.05 was the first setting
#: tried; it beat the logistic regression as second pass by 0.02 line F1 (cross-validated
#: by site), mostly on lists inside stories, which need feature interactions.
TREE_SETTINGS: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 40,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.5,
    "random_state": 0,
    "n_jobs": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
#: The title ranker's trees: fewer and smaller, as it learns from about 4,000 candidate
#: lines of 110 pages. On the labelled scrapes (site-grouped cross-validation, story
#: found by the first pass) these trees picked the <h1> on 0.77 of pages, a logistic
#: regression on 0.73, LightGBM's lambdarank objective on 0.74.
TITLE_TREE_SETTINGS: dict[str, Any] = {
    **TREE_SETTINGS,
    "n_estimators": 150,
    "num_leaves": 7,
    "min_child_samples": 10,
    "colsample_bytree": 0.7,
}
#: Decoding settings, chosen by the site-grouped cross-validation on the labelled
#: scrapes among switch costs 0, 1, 2, 4 and story biases 0, 0.4: 1 and 0.4 gave the best
#: line F1 with word-weighted F1 within 0.005 of the best.
DECODING = Decoding(switch_cost=1.0, story_bias=0.4)


@dataclass(frozen=True)
class LabelledPage:
    """One labelled scrape: its non-blank lines, which are story, and its site."""

    lines: tuple[str, ...]
    story: tuple[bool, ...]
    group: str  # the site; cross-validation never splits a site
    headline: tuple[bool, ...] = ()  # the page's headline line(s), where known


#: Header lines kept above the first story line in the "copied article" variant of a page:
#: a reader who selects just the article takes the headline, byline and date with it.
COPIED_HEADER_LINES = 3
#: Lines of page chrome kept on each side of the story in the "short page" variant: a
#: page with a small header and footer (a personal site, a press release, a partial
#: selection). Without it the model had seen only long pages with their chrome and
#: rated the story of a 20-line page as chrome; 10 is about one menu and one footer.
SHORT_PAGE_MARGIN = 10


def augmented(page: LabelledPage) -> list[LabelledPage]:
    """``page`` and four variants a user may paste instead of a whole page.

    - the story alone (text copied from a reader view or an extractor): every line story;
    - the article's body as selected on the page: the first through the last story line,
      with the chrome in between (captions, advertisements, in-body links);
    - the same with the few lines above it (headline, byline, date);
    - the story with only the nearest :data:`SHORT_PAGE_MARGIN` lines of chrome around it.

    Whole-page scrapes alone teach the model that every page is mostly chrome, and it
    then strips clean text; these variants come from the same page, so a site's pages
    stay in one cross-validation fold.
    """
    story = [i for i, is_story in enumerate(page.story) if is_story]
    if not story:
        return [page]
    alone = LabelledPage(
        tuple(page.lines[i] for i in story), tuple(True for _ in story), page.group
    )
    variants = [page, alone]
    end = story[-1] + 1
    for start in (story[0], max(story[0] - COPIED_HEADER_LINES, 0)):
        variants.append(
            LabelledPage(
                page.lines[start:end], page.story[start:end], page.group, page.headline[start:end]
            )
        )
    start = max(story[0] - SHORT_PAGE_MARGIN, 0)
    end = min(end + SHORT_PAGE_MARGIN, len(page.lines))
    variants.append(
        LabelledPage(
            page.lines[start:end], page.story[start:end], page.group, page.headline[start:end]
        )
    )
    return variants


@dataclass(frozen=True)
class _Prepared:
    """A page's first-pass matrix and labels, computed once."""

    page: LabelledPage
    x: np.ndarray
    y: np.ndarray
    kinds: list[str | None]


def prepare(
    pages: Sequence[LabelledPage], rule_kinds: Callable[[Sequence[str]], list[str | None]]
) -> list[_Prepared]:
    """First-pass features of every page; ``rule_kinds`` gives the rule cleaner's verdicts."""
    prepared = []
    for page in pages:
        kinds = rule_kinds(page.lines)
        x = first_pass_features(page.lines, kinds)
        prepared.append(_Prepared(page, x, np.array(page.story, dtype=float), kinds))
    return prepared


def fit(prepared: Sequence[_Prepared], decoding: Decoding = DECODING) -> LineModel:
    """Train both passes on ``prepared`` pages."""
    x = np.vstack([p.x for p in prepared])
    y = np.concatenate([p.y for p in prepared])
    first = _fit_logistic(x, y)
    # The second pass learns from first-pass probabilities of pages that pass did not see.
    out_of_fold = [np.zeros(len(p.y)) for p in prepared]
    for train, held in group_folds([p.page.group for p in prepared], INNER_FOLDS):
        inner = _fit_logistic(
            np.vstack([prepared[i].x for i in train]), np.concatenate([prepared[i].y for i in train])
        )
        for i in held:
            out_of_fold[i] = inner.predict(prepared[i].x)
    second_x = np.vstack(
        [
            np.hstack([p.x, neighbour_features(story, p.x, p.page.lines)])
            for p, story in zip(prepared, out_of_fold)
        ]
    )
    return LineModel(
        first=first,
        second=_fit_trees(second_x, y),
        decoding=decoding,
        title=_fit_title(prepared, out_of_fold),
    )


def _fit_title(prepared: Sequence[_Prepared], story: Sequence[np.ndarray]) -> Trees | None:
    """The title ranker, on the candidates of every page whose headline is among them.

    The story's extent and probabilities come from the first pass out of fold, decoded
    as at prediction time (over the lines no rule removed), so the ranker learns from the
    story starts the cleaner will find, errors included.
    """
    rows: list[np.ndarray] = []
    labels: list[float] = []
    for p, probability in zip(prepared, story):
        if not p.page.headline:
            continue
        open_at = np.array([kind is None for kind in p.kinds])
        keep = np.zeros(len(probability), dtype=bool)
        keep[open_at] = DECODING.keep(probability[open_at])
        if not keep.any():
            continue
        candidates = title_candidates(int(np.flatnonzero(keep)[0]), len(p.page.lines))
        if not any(p.page.headline[i] for i in candidates):
            continue
        rows.append(title_features(p.page.lines, p.kinds, probability, keep, candidates, p.x))
        labels.extend(float(p.page.headline[i]) for i in candidates)
    if not rows:
        return None
    return _fit_trees(np.vstack(rows), np.array(labels), TITLE_TREE_SETTINGS)


def group_folds(groups: Sequence[str], folds: int) -> list[tuple[list[int], list[int]]]:
    """Deterministic k-fold split of item indices that keeps each group in one fold.

    Groups are dealt largest first to the fold with the fewest items so far (ties to
    the lowest fold, then by group name), as scikit-learn's ``GroupKFold`` does.
    """
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        k = min(range(folds), key=lambda f: (load[f], f))
        fold_of[group] = k
        load[k] += sizes[group]
    result = []
    for k in range(folds):
        held = [i for i, g in enumerate(groups) if fold_of[g] == k]
        train = [i for i, g in enumerate(groups) if fold_of[g] != k]
        result.append((train, held))
    return result


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=FIRST_C, max_iter=5000).fit((x - mean) / scale, y)
    return Logistic(mean=mean, scale=scale, weights=model.coef_[0], bias=float(model.intercept_[0]))


def _fit_trees(x: np.ndarray, y: np.ndarray, settings: dict[str, Any] = TREE_SETTINGS) -> Trees:
    import lightgbm

    booster = lightgbm.LGBMClassifier(**settings).fit(x, y).booster_
    return trees_from_lightgbm(booster.dump_model())


def trees_from_lightgbm(dump: dict[str, Any]) -> Trees:
    """Flatten a LightGBM binary model's ``dump_model()`` into :class:`Trees`."""
    flat = []
    for info in dump["tree_info"]:
        nodes: list[tuple[int, float, int, int]] = []
        leaves: list[float] = []
        root = _flatten(info["tree_structure"], nodes, leaves)
        if root < 0:  # a tree that is one leaf: a split that sends everything to it
            nodes.append((0, np.inf, root, root))
        flat.append((nodes, leaves))
    n_nodes = max(len(nodes) for nodes, _ in flat)
    n_leaves = max(len(leaves) for _, leaves in flat)
    shape = (len(flat), n_nodes)
    feature, threshold = np.zeros(shape, dtype=int), np.zeros(shape)
    left, right = np.full(shape, -1, dtype=int), np.full(shape, -1, dtype=int)
    leaf = np.zeros((len(flat), n_leaves))
    for t, (nodes, leaves) in enumerate(flat):
        for k, (f, th, lo, hi) in enumerate(nodes):
            feature[t, k], threshold[t, k], left[t, k], right[t, k] = f, th, lo, hi
        leaf[t, : len(leaves)] = leaves
    return Trees(feature, threshold, left, right, leaf, depth=_depth(left, right))


def _flatten(
    node: dict[str, Any], nodes: list[tuple[int, float, int, int]], leaves: list[float]
) -> int:
    """Add a dumped tree ``node`` (and its subtree) to ``nodes`` / ``leaves``; return its
    reference (>= 0 inner node, < 0 leaf)."""
    if "leaf_value" in node:
        leaves.append(float(node["leaf_value"]))
        return -len(leaves)
    if node.get("decision_type", "<=") != "<=":
        raise ValueError("only numerical '<=' splits are supported")
    index = len(nodes)
    nodes.append((0, 0.0, 0, 0))
    left = _flatten(node["left_child"], nodes, leaves)
    right = _flatten(node["right_child"], nodes, leaves)
    nodes[index] = (int(node["split_feature"]), float(node["threshold"]), left, right)
    return index


def _depth(left: np.ndarray, right: np.ndarray) -> int:
    """The longest root-to-leaf path over all trees."""
    deepest = 0
    for t in range(left.shape[0]):
        stack = [(0, 1)]
        while stack:
            node, depth = stack.pop()
            deepest = max(deepest, depth)
            for child in (left[t, node], right[t, node]):
                if child >= 0:
                    stack.append((child, depth + 1))
    return deepest


def fold_models(
    prepared: Sequence[_Prepared],
    folds: int = 5,
    extra: Sequence[_Prepared] = (),
    decoding: Decoding = DECODING,
) -> list[tuple[list[int], LineModel]]:
    """For each of ``folds`` site-grouped folds: the held-out page indices and a model
    trained on the other folds' pages (plus ``extra`` pages, which are never held out)."""
    result = []
    for train, held in group_folds([p.page.group for p in prepared], folds):
        result.append((held, fit([*(prepared[i] for i in train), *extra], decoding)))
    return result
