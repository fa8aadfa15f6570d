"""Scoring one cleaner's output on one labelled text scrape.

The rules are those of the shared reference scorer for text scrapes (its README and
``scrape_clean_eval.py``), written here from that description so that the figures of
``storyweave eval cleaning`` and the reference agree:

- words are ``\\w+`` runs after NFKC, lower-casing and folding curly quotes and dashes;
- the scrape's lines, in order, are aligned to the kept text with one monotone word
  alignment; a line counts as kept when at least 80% of its words are aligned;
- lines with the same words form one group: one kept copy serves every story copy, and
  kept copies beyond the story copies count as chrome;
- the title matches the page's ``<h1>`` exactly, or nearly (character ratio or word F1
  at least 0.8).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .scrapes import ScrapePage

#: A line is kept when this share of its words is aligned to the kept text.
KEEP_SHARE = 0.8
#: Character ratio or word F1 from which two titles count as the same ("near").
NEAR = 0.8

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2013\u2014\u2010\u2011\u2212", "-"),
        "\u00a0": " ",
        **dict.fromkeys("\u200b\u200c\u200d\ufeff\u00ad", ""),
    }
)
_TOKEN = re.compile(r"\w+")


def fold(text: str | None) -> str:
    """NFKC, quotes and dashes folded, lower case, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").translate(_FOLD).lower()
    return " ".join(text.split())


def words(text: str | None) -> list[str]:
    """The scorer's words of ``text``."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Output:
    """What a cleaner gave for one page."""

    kept: tuple[str, ...]  # the kept text, in order (paragraphs, or one block)
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class PageScore:
    """One page's counts and header checks."""

    id: str
    counts: Counter[str] = field(default_factory=Counter)
    chrome_left: list[tuple[int, str | None]] = field(default_factory=list)  # (line, role)
    title: str | None = None  # "exact" / "near" / "miss"; None when the page has no <h1>
    outlet: str | None = None  # same, against the page's site name
    outlet_site: bool | None = None  # the outlet names the site (site name or domain)
    byline: bool | None = None
    date: bool | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def chrome_free(self) -> bool:
        """No chrome line kept."""
        return not self.chrome_left

    @property
    def chrome_free_but_headline(self) -> bool:
        """No chrome line kept except the page's headline."""
        return all(role == "headline" for _, role in self.chrome_left)


def kept_shares(lines: Sequence[str], kept_text: str) -> list[float | None]:
    """For each line, the share of its words aligned (monotone) to ``kept_text``."""
    sequence: list[str] = []
    owner: list[int] = []
    for i, line in enumerate(lines):
        for word in words(line):
            sequence.append(word)
            owner.append(i)
    hits = [0] * len(lines)
    kept = words(kept_text)
    if sequence and kept:
        matcher = SequenceMatcher(None, sequence, kept, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.a, block.a + block.size):
                hits[owner[k]] += 1
    sizes = [len(words(line)) for line in lines]
    return [hits[i] / n if n else None for i, n in enumerate(sizes)]


def title_match(found: str | None, expected: str | None) -> str:
    """``"exact"``, ``"near"`` or ``"miss"``."""
    a, b = fold(found), fold(expected)
    if not a or not b:
        return "miss"
    if a == b:
        return "exact"
    wa, wb = Counter(_TOKEN.findall(a)), Counter(_TOKEN.findall(b))
    common = sum((wa & wb).values())
    f1 = 2 * common / (sum(wa.values()) + sum(wb.values())) if common else 0.0
    return "near" if SequenceMatcher(None, a, b).ratio() >= NEAR or f1 >= NEAR else "miss"


def _compact(text: str | None) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def names_site(outlet: str | None, page: ScrapePage) -> bool:
    """The outlet is the page's site name (exact or near), or its domain's name."""
    if not outlet:
        return False
    if page.meta.get("site_name") and title_match(outlet, page.meta["site_name"]) != "miss":
        return True
    domain = (page.url or "").split("/")[2] if page.url and "//" in page.url else ""
    stem = domain.removeprefix("www.").split(".")[0] if domain else ""
    found = _compact(outlet)
    return bool(stem) and (found == _compact(domain.removeprefix("www.")) or found == stem)


def score_page(page: ScrapePage, output: Output) -> PageScore:
    """Score ``output`` against ``page``'s labels and metadata."""
    result = PageScore(id=page.id, error=output.error, seconds=output.seconds)
    shares = kept_shares(page.lines, "\n".join(output.kept))
    groups: dict[str, list[int]] = {}
    for i, (label, share) in enumerate(zip(page.labels, shares)):
        if share is not None and label in ("story", "chrome"):
            groups.setdefault(" ".join(words(page.lines[i])), []).append(i)
    roles = page.roles or tuple(None for _ in page.lines)
    c = result.counts
    for key, members in groups.items():
        size = len(key.split())
        story = [i for i in members if page.labels[i] == "story"]
        kept = [i for i in members if (shares[i] or 0.0) >= KEEP_SHARE]
        chrome_count = len(members) - len(story)
        tp = len(story) if kept else 0
        fp = min(max(0, len(kept) - len(story)), chrome_count)
        for name, value in (("tp", tp), ("fn", len(story) - tp), ("fp", fp), ("tn", chrome_count - fp)):
            c[name] += value
            c[f"{name}_w"] += value * size
        kept_chrome = [i for i in kept if page.labels[i] == "chrome"]
        kept_story = [i for i in kept if page.labels[i] == "story"]
        result.chrome_left.extend((i, roles[i]) for i in (kept_chrome + kept_story)[:fp])
    meta = page.meta
    if meta.get("h1"):
        result.title = title_match(output.title, meta["h1"])
    if meta.get("site_name"):
        result.outlet = title_match(output.outlet, meta["site_name"])
        result.outlet_site = names_site(output.outlet, page)
    author = meta.get("author", "")
    if author and not author.startswith(("http://", "https://")):
        found, expected = fold(output.byline), fold(author)
        result.byline = bool(found) and (expected in found or found in expected)
    if meta.get("published"):
        found_date = output.published or ""
        result.date = bool(found_date) and found_date[:10] == meta["published"][:10]
    return result


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall and F1."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def summarise(scores: Sequence[PageScore]) -> dict[str, float | int | None]:
    """The figures of one system over all pages."""
    total: Counter[str] = Counter()
    for score in scores:
        total.update(score.counts)
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    pw, rw, fw = prf(total["tp_w"], total["fp_w"], total["fn_w"])

    def share(values: Sequence[bool | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    titles = [s.title for s in scores if s.title is not None]
    outlets = [s.outlet for s in scores if s.outlet is not None]
    seconds = sorted(s.seconds for s in scores)
    return {
        "pages": len(scores),
        "failed": sum(1 for s in scores if s.error),
        "emptied": sum(1 for s in scores if not s.counts["tp"] and not s.counts["fp"]),
        "line_precision": p,
        "line_recall": r,
        "line_f1": f,
        "word_precision": pw,
        "word_recall": rw,
        "word_f1": fw,
        "chrome_free": share([s.chrome_free for s in scores]),
        "chrome_free_but_headline": share([s.chrome_free_but_headline for s in scores]),
        "title_exact": share([t == "exact" for t in titles]),
        "title_exact_or_near": share([t != "miss" for t in titles]),
        "title_pages": len(titles),
        "outlet_exact_or_near": share([o != "miss" for o in outlets]),
        "outlet_names_site": share([s.outlet_site for s in scores]),
        "outlet_pages": len(outlets),
        "byline": share([s.byline for s in scores]),
        "byline_pages": sum(1 for s in scores if s.byline is not None),
        "date": share([s.date for s in scores]),
        "date_pages": sum(1 for s in scores if s.date is not None),
        "median_ms": 1000 * seconds[len(seconds) // 2] if seconds else None,
    }
