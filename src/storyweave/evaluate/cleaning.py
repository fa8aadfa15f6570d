"""``storyweave eval cleaning``: the line cleaner and header reader on labelled text scrapes.

Every system cleans the same pages in the same run and is scored the same way
(:mod:`storyweave.evaluate.scrape_score`, the reference scorer's rules):

- ``keep-all``: the scrape as it is (the floor for recall, the ceiling for chrome);
- ``drop-short``: lines of fewer than :data:`SHORT_WORDS` words dropped;
- ``rules``: storyweave's rule cleaner alone (the cleaner before the learned model);
- ``storyweave-cv``: the learned cleaner, cross-validated by site: the model is trained
  on the pages of four folds of sites and scores the fifth (the figure that predicts
  pages from sites it has never seen);
- ``storyweave``: the shipped model; on the set it was trained on this is in-sample;
- ``trafilatura-html``: trafilatura on the same pages' HTML (when the HTML folder is
  there), with its own title, site name, author and date;
- ``storyweave-html``: storyweave's HTML route (trafilatura, then the rules).
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..clean.lines import clean, rule_kinds
from ..clean.model import LineModel
from ..errors import InputError, OptionsError
from ..model import Article
from .scrape_score import Output, PageScore, score_page, summarise
from .scrapes import ScrapePage, read_fictional, read_scrapes

#: The "drop short lines" baseline drops lines of fewer words than this: 10 is where
#: prose starts on the labelled scrapes (median story line 33 words, chrome line 3).
SHORT_WORDS = 10
#: Folds of the site-grouped cross-validation.
FOLDS = 5
SYSTEMS = (
    "keep-all",
    "drop-short",
    "rules",
    "storyweave-cv",
    "storyweave",
    "trafilatura-html",
    "storyweave-html",
)
DEFAULT_SYSTEMS = SYSTEMS

def default_html_dir(scrapes: str) -> Path:
    """Where the HTML of the scraped pages lies when not given: the extraction benchmark's
    ``html`` folder beside the scrapes' folder."""
    return Path(scrapes).resolve().parent.parent / "article_extraction_benchmark" / "html"


def fictional_pages() -> list[ScrapePage]:
    """The project's fictional labelled scrapes (tests/data/clean), when the repository
    is there: extra training pages, never scored."""
    folder = Path(__file__).resolve().parents[3] / "tests" / "data" / "clean"
    return list(read_fictional(folder)) if folder.is_dir() else []


def evaluate(
    pages: Sequence[ScrapePage],
    names: Sequence[str],
    *,
    html_dir: Path | None = None,
    folds: int = FOLDS,
    extra: Sequence[ScrapePage] = (),
) -> dict[str, list[PageScore]]:
    """System name -> one score per page, in page order."""
    results: dict[str, list[PageScore]] = {}
    for name in names:
        outputs = _run(name, pages, html_dir=html_dir, folds=folds, extra=extra)
        results[name] = [score_page(page, out) for page, out in zip(pages, outputs)]
    return results


def _run(
    name: str,
    pages: Sequence[ScrapePage],
    *,
    html_dir: Path | None,
    folds: int,
    extra: Sequence[ScrapePage],
) -> list[Output]:
    if name == "keep-all":
        return [Output(kept=(page.text,)) for page in pages]
    if name == "drop-short":
        return [
            Output(kept=tuple(line for line in page.lines if len(line.split()) >= SHORT_WORDS))
            for page in pages
        ]
    if name == "rules":
        return [_storyweave(page, learned=False) for page in pages]
    if name == "storyweave":
        model = LineModel.load()
        return [_storyweave(page, model=model) for page in pages]
    if name == "storyweave-cv":
        return _cross_validated(pages, folds, extra)
    if name == "trafilatura-html":
        return [_trafilatura(page, html_dir) for page in pages]
    if name == "storyweave-html":
        return [_storyweave_html(page, html_dir) for page in pages]
    raise OptionsError(f"unknown system {name!r}")


def _timed(work: Callable[[], Output]) -> Output:
    started = time.perf_counter()
    output = work()
    return Output(
        kept=output.kept,
        title=output.title,
        outlet=output.outlet,
        byline=output.byline,
        published=output.published,
        error=output.error,
        seconds=time.perf_counter() - started,
    )


def _storyweave(
    page: ScrapePage, *, model: LineModel | None = None, learned: bool = True
) -> Output:
    """storyweave's cleaner on the scrape's text, as ``storyweave brief page.txt`` runs it."""

    article = Article(text=page.text, origin=f"{page.id}.txt")
    return _timed(lambda: _cleaned(article, line_model=model, learned=learned))


def _cleaned(article: Article, **settings: Any) -> Output:
    """What storyweave's cleaner keeps of ``article`` and reads from its header."""
    try:
        cleaned = clean(article, **settings)
    except InputError as error:
        return Output(kept=(), error=error.problem)
    return Output(
        kept=cleaned.paragraphs,
        title=cleaned.title,
        outlet=cleaned.outlet,
        byline=cleaned.byline,
        published=cleaned.published,
    )


def _cross_validated(
    pages: Sequence[ScrapePage], folds: int, extra: Sequence[ScrapePage]
) -> list[Output]:
    """Each page cleaned by a model trained on the other folds' sites (and ``extra``)."""
    from .cleaning_train import augmented, fit, group_folds, prepare

    variants = [prepare(augmented(page.labelled()), rule_kinds) for page in pages]
    extra_variants = [v for page in extra for v in prepare(augmented(page.labelled()), rule_kinds)]
    outputs: list[Output] = [Output(kept=())] * len(pages)
    for train, held in group_folds([page.group for page in pages], folds):
        model = fit([v for i in train for v in variants[i]] + extra_variants)
        for i in held:
            outputs[i] = _storyweave(pages[i], model=model)
    return outputs


def _html(page: ScrapePage, html_dir: Path | None) -> str | None:
    path = (html_dir or Path()) / f"{page.id}.html.gz"
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _trafilatura(page: ScrapePage, html_dir: Path | None) -> Output:
    """trafilatura on the page's HTML, as storyweave calls it (favour recall)."""
    import trafilatura
    from trafilatura.settings import Document

    html = _html(page, html_dir)
    if html is None:
        return Output(kept=(), error="no HTML")

    def work() -> Output:
        document = trafilatura.bare_extraction(
            html, url=page.url, with_metadata=True, favor_recall=True, include_comments=False
        )
        if not isinstance(document, Document) or not document.text:
            return Output(kept=(), error="nothing extracted")
        return Output(
            kept=(str(document.text),),
            title=document.title,
            outlet=document.sitename,
            byline=document.author,
            published=document.date,
        )

    return _timed(work)


def _storyweave_html(page: ScrapePage, html_dir: Path | None) -> Output:
    """storyweave's own HTML route on the page's HTML."""
    html = _html(page, html_dir)
    if html is None:
        return Output(kept=(), error="no HTML")

    article = Article(text=html, origin=f"{page.id}.html", format="html", url=page.url)
    return _timed(lambda: _cleaned(article))


_ROWS = (
    ("pages (failed / emptied)", lambda s: f"{s['pages']} ({s['failed']} / {s['emptied']})"),
    ("line precision", lambda s: _f(s["line_precision"])),
    ("line recall", lambda s: _f(s["line_recall"])),
    ("line F1", lambda s: _f(s["line_f1"])),
    ("word-weighted precision", lambda s: _f(s["word_precision"])),
    ("word-weighted recall", lambda s: _f(s["word_recall"])),
    ("word-weighted F1", lambda s: _f(s["word_f1"])),
    ("pages with no chrome kept", lambda s: _f(s["chrome_free"])),
    ("... headline allowed", lambda s: _f(s["chrome_free_but_headline"])),
    ("title = <h1>, exact", lambda s: _f(s["title_exact"])),
    ("title = <h1>, exact or near", lambda s: _f(s["title_exact_or_near"])),
    ("outlet = site name (exact or near)", lambda s: _f(s["outlet_exact_or_near"])),
    ("outlet names the site (name or domain)", lambda s: _f(s["outlet_names_site"])),
    ("byline matches author", lambda s: _f(s["byline"])),
    ("date matches published", lambda s: _f(s["date"])),
    ("ms per page (median)", lambda s: "-" if s["median_ms"] is None else f"{s['median_ms']:.1f}"),
)


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def to_markdown(results: dict[str, list[PageScore]], source: str, *, verbose: bool = False) -> str:
    """One table: a row per figure, a column per system; then the worst pages by id."""
    summaries = {name: summarise(scores) for name, scores in results.items()}
    names = list(summaries)
    out = [f"Cleaning on {source}", "", "| figure | " + " | ".join(names) + " |"]
    out.append("|---|" + "---|" * len(names))
    for label, cell in _ROWS:
        out.append(f"| {label} | " + " | ".join(cell(summaries[n]) for n in names) + " |")
    any_summary = next(iter(summaries.values()), None)
    if any_summary:
        out.append(
            f"\nHeader figures over pages whose markup has the field: <h1> "
            f"{any_summary['title_pages']}, site name {any_summary['outlet_pages']}, author "
            f"(not a URL) {any_summary['byline_pages']}, published {any_summary['date_pages']}."
        )
    focus = "storyweave-cv" if "storyweave-cv" in results else names[-1] if names else None
    if verbose and focus:
        out.append(f"\nWorst pages for {focus} (id: story lines lost, chrome lines kept, title):")
        worst = sorted(
            results[focus], key=lambda s: -(s.counts["fn"] + len(s.chrome_left))
        )[:15]
        for s in worst:
            out.append(f"- {s.id[:12]}: {s.counts['fn']} lost, {len(s.chrome_left)} kept, {s.title}")
        misses = [s.id[:12] for s in results[focus] if s.title == "miss"]
        out.append(f"\nTitle misses ({len(misses)}): {', '.join(misses)}")
    return "\n".join(out)


def to_json(results: dict[str, list[PageScore]]) -> dict[str, Any]:
    """Summaries and per-page figures, for ``--json``."""
    return {
        name: {
            "summary": summarise(scores),
            "pages": [
                {
                    "id": s.id,
                    "counts": dict(s.counts),
                    "chrome_left": len(s.chrome_left),
                    "title": s.title,
                    "outlet": s.outlet,
                    "byline": s.byline,
                    "date": s.date,
                    "error": s.error,
                }
                for s in scores
            ],
        }
        for name, scores in results.items()
    }


def run(
    scrapes: str | Path,
    names: Sequence[str] | None = None,
    *,
    limit: int | None = None,
    html_dir: str | Path | None = None,
    folds: int = FOLDS,
    fictional: bool = True,
) -> tuple[dict[str, list[PageScore]], Path]:
    """Read the scrapes, clean them with every system in ``names`` (default: all) and score
    them; return the scores and the HTML folder used. The HTML systems are left out when
    that folder is missing."""
    names = list(names or DEFAULT_SYSTEMS)
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise OptionsError(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    if limit is not None and limit < 1:
        raise OptionsError(f"--limit must be at least 1, got {limit}")
    if folds < 2:
        raise OptionsError(f"--folds must be at least 2, got {folds}")
    if not Path(scrapes).exists():
        raise OptionsError(f"{scrapes}: no such file")
    pages = read_scrapes(scrapes, limit=limit)
    html = Path(html_dir) if html_dir else default_html_dir(str(scrapes))
    if not html.is_dir():
        names = [n for n in names if not n.endswith("-html")]
    extra = fictional_pages() if fictional else []
    return evaluate(pages, names, html_dir=html, folds=folds, extra=extra), html
