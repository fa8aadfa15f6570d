"""Evaluation against the field: ROUGE on public benchmarks, baselines, published systems,
speed and memory, all measured in one run (``storyweave eval summaries``).

Modules: :mod:`.data` (clusters), :mod:`.systems` (the ``System`` interface and baselines),
:mod:`.sumy_systems`, :mod:`.oracle`, :mod:`.rouge` (settings and scoring),
:mod:`.runner` (timing, memory), :mod:`.report` (table, JSON, plot), the CLI face :mod:`storyweave.cli.evaluate`.
"""

from .data import EvalCluster, detect_kind, read_clusters
from .report import plot, to_json, to_markdown, write_json
from .rouge import RougeScorer, RougeSettings, duc_settings, multi_news_settings
from .runner import EvalResult, SystemResult, evaluate
from .systems import DEFAULT_SYSTEMS, System, make_system, published_names

__all__ = [
    "DEFAULT_SYSTEMS",
    "EvalCluster",
    "EvalResult",
    "RougeScorer",
    "RougeSettings",
    "System",
    "SystemResult",
    "detect_kind",
    "duc_settings",
    "evaluate",
    "make_system",
    "multi_news_settings",
    "plot",
    "published_names",
    "read_clusters",
    "to_json",
    "to_markdown",
    "write_json",
]
