"""The cleaning stage's shortcuts give exactly what the slower forms they replace give.

The literal pre-test of :mod:`storyweave.clean.literals` skips only searches that cannot
match; the counting shortcuts of :mod:`storyweave.clean.rules`, ``header`` and
``formats`` count the same as a character loop.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from storyweave.clean import features as F
from storyweave.clean import rules as R
from storyweave.clean.formats import _LETTERS
from storyweave.clean.header import _MENU_ITEM, _MENU_SPLIT, MENU_ITEM_CHARS, is_menu
from storyweave.clean.literals import FOLDS_TO_ASCII, Needles, Screen, lowered_text
from storyweave.clean.model import LineModel, Trees
from storyweave.clean.rules import Rules, _in_capitals, _terminal

LABELLED = Path(__file__).resolve().parent / "data" / "clean"


def _lines() -> list[str]:
    """The labelled test pages' lines, and variants in other cases and with characters
    that Unicode case folding treats specially."""
    lines = [
        line.strip()
        for path in sorted(LABELLED.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    crafted = [
        "All Rights Reserved", "ALL RIGHTS RESERVED 2026", "© 2026 The Ledger", "Photo: Ann Lee/AP",
        "(AP Photo/Jane Doe)", "We use cookies", "WE USE COOKIES", "Cookie Policy",
        "Share this article", "Tweet Location", "Image caption Flood water", "Listen live",
        "Click to share on X (Opens in new window)", "Rush Transcript", "Ad", "Advertisement",
        "jane@example.com wrote:", "Smith said :", "He said.", "COMMENTED:", "Oskar Brandt says",
        "Contributed reporting: Ann Lee", "She is a staff Reporter", "Getty Images",
        "World  |  Business  |  Markets", "Companies > Retail", "A" * 30 + " | B",
        "\u212aelvin cookies", "coo\u212aie policy", "all rights re\u017ferved", "\u0130mage caption",
        "ph\u014dto: x", "\u00bd of the ² letters", "日本語のテキスト", "ÉCOLE PARIS", "Ⓐ ABC",
    ]
    return lines + crafted + [line.upper() for line in lines[:200]] + [line.lower() for line in lines[:200]]


def _patterns() -> list[re.Pattern[str]]:
    rules = Rules()
    return [
        *(pattern for pattern, _ in rules.strong_patterns),
        *(pattern for pattern, _ in rules.weak_patterns),
        F._URLISH, F._CREDIT, F._EMAIL, F._CONTRIBUTED, F._SAYS, F._LINK_PREFIX,
    ]


def test_needles_are_read_off_the_pattern() -> None:
    assert Needles.of(re.compile(r"\ball rights reserved\b", re.IGNORECASE)).needles == ("all rights reserved",)
    assert Needles.of(re.compile(r"\bcookie (?:policy|settings)\b", re.IGNORECASE)).needles == ("cookie ",)
    assert Needles.of(re.compile(r"(?:Getty|AP) photo|Reuters", re.IGNORECASE)).needles == (" photo", "reuters")
    # Nothing required: an optional word, a class, a case change inside the pattern.
    assert Needles.of(re.compile(r"(?:photo)?\d+", re.IGNORECASE)).needles == ()
    assert Needles.of(re.compile(r"(?-i:ABC)x", re.IGNORECASE)).needles == ("x",)
    assert Needles.of(re.compile(r"Photo [A-Z]")).needles == ("Photo ",)


def test_needles_never_rule_out_a_match() -> None:
    lines = _lines()
    patterns = _patterns()
    screen = Screen.of(patterns)
    skipped = 0
    for line in lines:
        lowered = lowered_text(line)
        chosen = set(screen.candidates(line))
        for k, pattern in enumerate(patterns):
            needles = Needles.of(pattern)
            matched = pattern.search(line) is not None
            assert needles.may_match(line, lowered) or not matched, (pattern.pattern, line)
            assert (needles.search(line, lowered) is not None) == matched
            assert k in chosen or not matched, (pattern.pattern, line)
            skipped += k not in chosen
    assert skipped > len(lines)  # the screen does rule patterns out


def test_folds_to_ascii_lists_every_character_that_matches_an_ascii_letter() -> None:
    letter = re.compile(r"[a-z]", re.IGNORECASE)
    found = [
        chr(code)
        for code in range(128, sys.maxunicode + 1)
        if letter.search(chr(code)) or any(c.isascii() and c.isalpha() for c in chr(code).lower())
    ]
    assert "".join(found) == FOLDS_TO_ASCII


def test_capitals_count_as_a_character_loop_counts_them() -> None:
    for line in _lines() + ["", "abc", "ABC def GHI", "Ⓐ Ⓑ", "ǅ Ǆ", "Ⅻ IV"]:
        letters = [c for c in line if c.isalpha()]
        expected = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.9
        assert _in_capitals(line) == expected, line


def test_menu_shortcut_gives_what_splitting_gives() -> None:
    def slow(line: str) -> bool:
        items = [item for item in _MENU_SPLIT.split(line) if item]
        return len(items) >= 2 and all(
            len(item) <= MENU_ITEM_CHARS and bool(_MENU_ITEM.fullmatch(item)) for item in items
        )

    samples = _lines() + [
        "x" * n + sep + "World"
        for n in range(20, 30)
        for sep in ("  ", " | ", "|", " \t ", " > ", "\u00a0\u00a0")
    ]
    for line in samples:
        assert is_menu(line) == slow(line), line


def _walk_each_tree(trees: Trees, x: np.ndarray) -> np.ndarray:
    """P(story) by walking every tree for every row, one at a time (the plain way)."""
    raw = np.zeros((trees.feature.shape[0], len(x)))
    for t in range(trees.feature.shape[0]):
        for r, row in enumerate(x):
            node = 0
            while node >= 0:
                go_left = row[trees.feature[t, node]] <= trees.threshold[t, node]
                node = int(trees.left[t, node] if go_left else trees.right[t, node])
            raw[t, r] = trees.leaf[t, -1 - node]
    return np.asarray(1.0 / (1.0 + np.exp(-(raw.sum(axis=0) + trees.base))))


def test_tree_walk_of_all_trees_at_once_gives_the_plain_walk() -> None:
    model = LineModel.shipped()
    rng = np.random.default_rng(7)
    for trees in (model.second, model.title):
        assert trees is not None
        x = rng.normal(size=(23, int(trees.feature.max()) + 1))
        x[rng.random(x.shape) < 0.3] = 0.0  # ties with thresholds at 0 go left
        x[3, :] = np.nan  # NaN goes right, as in the plain walk
        np.testing.assert_array_equal(trees.predict(x), _walk_each_tree(trees, x))


def test_readability_counts_letters_and_visible_characters_as_one_match_each() -> None:
    text = "½ of the ² letters\u00a0and 42 digits_under\tscore É ß\n" * 3
    assert sum(map(len, _LETTERS.findall(text))) == len(re.findall(r"[^\W\d_]", text))
    assert sum(map(len, text.split())) == len(re.findall(r"\S", text))


def test_line_end_and_number_shortcuts_give_what_the_plain_patterns_give() -> None:
    terminal = re.compile(r"[.!?…:;。！？]['\"”’)\]」』]*$|[\"”]$")
    number = re.compile(r"(?<![\w.])\d[\d.,:/-]*(?![\w])")
    pieces = ["a", "1", "2.5", ".", "!", "?", ":", "…", "。", '"', "”", "’", ")", "]", "」", "\n", " ", "x1", "1,000", "-"]
    samples = _lines() + ["".join(pieces[(k * 7 + j * 3) % len(pieces)] for j in range(k % 6)) for k in range(3000)]
    for line in samples:
        assert _terminal(line) == bool(terminal.search(line)), repr(line)
        assert R._NUMBER.findall(line) == number.findall(line), repr(line)
