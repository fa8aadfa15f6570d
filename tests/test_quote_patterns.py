"""The quote stage's faster-written patterns match exactly what their plain forms match.

Name and reporting-verb patterns test their look-behind after the first letter, and a
capitalised word's capital is factored out of its two branches, so that the regex
engine can skip to candidate letters; the matches must stay the same.
"""

from __future__ import annotations

import random
import re

from storyweave.nlp import cues, speakers
from storyweave.nlp.cues import ALL_VERBS
from storyweave.nlp.reporting import word_pattern

_PLAIN_CAP = r"(?:[A-Z](?:[\w.-]|['’](?=\w))*|[A-Z]\.)"
SENTENCES = [
    "Foreign Minister Jane Smith said on Tuesday that talks would go on.",
    '"We will rebuild," said Mayor Ann-Marie O’Neil of Port Lavel, in a statement.',
    "The U.S. envoy, J. R. de Souza, told reporters: 'no'. Smith's aide disagreed.",
    "Cambodian leader Hun Sen wrote to van der Berg, according to AFP.",
    "It was re-said, unsaid and mis-told; O'Brien-Smith's X. replied.",
    "ÉMILE said (Reuters) -- Dr. Lee's team pointed out that 3.5 percent rose.",
]


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = ["said", "says", "told", "A", "Ann", "O", "’", "'", "-", ".", " ", "  ", "x", "É",
              "de", "van", "\n", "1", "_", "Said", "added", "J.", "s"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(count)]


def _spans(pattern: re.Pattern[str], texts: list[str]) -> list[list[tuple[tuple[int, int], tuple]]]:
    return [[(m.span(), m.groups()) for m in pattern.finditer(text)] for text in texts]


def test_name_pattern_matches_its_plain_form() -> None:
    texts = SENTENCES + _random_texts(20000, 1)
    plain = re.compile(speakers._NAME_TEXT.replace(speakers._CAP, _PLAIN_CAP))
    assert _spans(speakers._NAME, texts) == _spans(plain, texts)


def test_patterns_built_on_a_capitalised_word_match_their_plain_forms() -> None:
    texts = SENTENCES + _random_texts(5000, 2)
    for module, name in ((speakers, "_ISSUER"), (speakers, "_TWO_NAMES"), (cues, "NAME_RUN"),
                         (cues, "NAME_RUN_END")):
        pattern = getattr(module, name)
        plain = re.compile(pattern.pattern.replace(module._CAP, _PLAIN_CAP), pattern.flags)
        assert plain.pattern != pattern.pattern
        assert _spans(pattern, texts) == _spans(plain, texts), name


def test_verb_pattern_matches_its_plain_form() -> None:
    plain = re.compile(r"(?<![\w’'-])" + word_pattern(ALL_VERBS) + r"(?![\w’'-])")
    texts = SENTENCES + _random_texts(20000, 3)
    assert _spans(cues._VERB_RE, texts) == _spans(plain, texts)


def test_name_then_title_pattern_matches_its_plain_form() -> None:
    from storyweave.nlp import sentences

    plain = re.compile(r"(?<![\w.])([A-Z][a-z]+)\s+([A-Z][a-z]{1,4})(?=[\s,;:'’]|$)(?!\.)")
    texts = SENTENCES + ["They met Hun Sen. Hun Sen left.", "x.Hun Sen", "A Sen, Ab Sena"]
    texts += _random_texts(20000, 4)
    assert _spans(sentences._NAME_THEN_TITLE, texts) == _spans(plain, texts)
