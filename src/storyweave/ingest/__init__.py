"""Inputs -> :class:`~storyweave.model.Article`: files, folders, stdin, URLs, datasets.

:func:`load` takes what a user typed on the command line and never fails because of
one bad input: each one that cannot be used becomes an
:class:`~storyweave.model.InputProblem` with a one-line reason, and the rest load.

* ``-`` reads stdin (once);
* ``http://`` / ``https://`` URLs are fetched (:mod:`.urls`), and only these touch
  the network;
* a folder contributes every ``.txt``, ``.md``, ``.markdown``, ``.html`` and ``.htm``
  file in it, recursively, sorted by relative path (see :func:`.files.iter_directory`
  for what is skipped);
* ``.json``, ``.jsonl``, ``.json.gz`` and ``.jsonl.gz`` files are datasets of clusters
  (:mod:`.datasets`); ``cluster`` picks one;
* any other file is one article.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import InputError
from ..model import Article, InputProblem
from ..options import BriefOptions
from .datasets import DatasetCluster, load_dataset, normalise_date
from .files import is_dataset_path, iter_directory, read_article_file, read_stream
from .urls import fetch_url

_log = logging.getLogger(__name__)

__all__ = [
    "DatasetCluster",
    "Loaded",
    "fetch_url",
    "load",
    "load_dataset",
    "normalise_date",
]

#: How many cluster ids the "choose one with --cluster" message shows.
_IDS_SHOWN = 3


@dataclass(frozen=True)
class Loaded:
    """The articles that loaded, in input order, and one problem per input that did not."""

    articles: tuple[Article, ...]
    problems: tuple[InputProblem, ...]


@dataclass
class _Collector:
    """Gathers articles and problems for one :func:`load` call."""

    max_articles: int
    articles: list[Article]
    problems: list[InputProblem]
    full: bool = False  # set once the article limit is hit; loading stops there

    def add(self, article: Article, input_name: str) -> bool:
        """Keep ``article``; False (and one problem recorded) once the limit is reached."""
        if len(self.articles) >= self.max_articles:
            if not self.full:
                self.full = True
                self.problem(
                    input_name,
                    f"more than {self.max_articles} articles; stopped loading here "
                    "(raise the limit with --max-articles)",
                )
            return False
        self.articles.append(article)
        return True

    def problem(self, input_name: str, problem: str) -> None:
        self.problems.append(InputProblem(input_name, problem))


def load(
    inputs: Sequence[str | Path],
    options: BriefOptions | None = None,
    *,
    cluster: str | None = None,
    stdin: TextIO | BinaryIO | None = None,
) -> Loaded:
    """Load every input into Articles; a bad input becomes a problem, never an exception.

    Example::

        >>> loaded = load(["reports/", "https://news.example.org/story", "-"])
        >>> [a.origin for a in loaded.articles]
        ['reports/a.txt', 'reports/b.html', 'https://news.example.org/story', '<stdin>']
        >>> loaded.problems
        (InputProblem(input='reports/scan.pdf', problem='unsupported file type .pdf; skipped', ...),)
    """
    options = options or BriefOptions()
    collector = _Collector(options.max_articles, [], [])
    stdin_used = False
    for raw in inputs:
        if collector.full:
            break
        name = str(raw)
        if name == "-" and not isinstance(raw, Path):
            if stdin_used:
                collector.problem(name, "stdin given more than once; read only the first time")
                continue
            stdin_used = True
        _load_one(name, raw, options, cluster, stdin, collector)
    _log.info(
        "loaded %d article(s) from %d input(s); %d skipped",
        len(collector.articles), len(inputs), len(collector.problems),
    )
    return Loaded(tuple(collector.articles), tuple(collector.problems))


def _load_one(
    name: str,
    raw: str | Path,
    options: BriefOptions,
    cluster: str | None,
    stdin: TextIO | BinaryIO | None,
    collector: _Collector,
) -> None:
    try:
        if name == "-" and not isinstance(raw, Path):
            stream = stdin if stdin is not None else sys.stdin
            if stream is None:  # e.g. a GUI interpreter started without a console
                collector.problem(name, "no standard input to read")
                return
            collector.add(read_stream(stream, options.max_input_bytes), name)
        elif name.lower().startswith(("http://", "https://")) and not isinstance(raw, Path):
            collector.add(fetch_url(name, options), name)
        elif "://" in name and not isinstance(raw, Path):
            scheme = name.split("://", 1)[0]
            collector.problem(name, f"refused: only http and https URLs are fetched, not {scheme}:")
        else:
            path = Path(raw)
            if path.is_dir():
                _load_directory(path, name, options, collector)
            elif is_dataset_path(path):
                _load_dataset_file(path, name, options, cluster, collector)
            else:
                collector.add(read_article_file(path, options.max_input_bytes, origin=name), name)
    except InputError as error:
        collector.problem(error.input, error.problem)


def _load_directory(path: Path, name: str, options: BriefOptions, collector: _Collector) -> None:
    count = 0
    for file_name, file_path, reason in iter_directory(path, name):
        if file_path is None:
            collector.problem(file_name, reason)
            continue
        try:
            article = read_article_file(file_path, options.max_input_bytes, origin=file_name)
        except InputError as error:
            collector.problem(error.input, error.problem)
            continue
        if not collector.add(article, file_name):
            return
        count += 1
    if count == 0:
        collector.problem(name, "no article files (.txt, .md, .html) in this folder")


def _load_dataset_file(
    path: Path, name: str, options: BriefOptions, cluster: str | None, collector: _Collector
) -> None:
    chosen: DatasetCluster | None = None
    if cluster is not None:
        selected = load_dataset(
            path, cluster=cluster, options=options, on_problem=collector.problems.append
        )
        for item in selected:  # yields at most one, then closes the file
            chosen = item
    else:
        ids: list[str] = []  # the first few, for the message
        count = 0
        every = load_dataset(path, options=options, on_problem=collector.problems.append)
        for item in every:
            # Only the first cluster is kept; later ones are counted for the message.
            count += 1
            if len(ids) < _IDS_SHOWN:
                ids.append(item.id)
            if chosen is None:
                chosen = item
        if count > 1:
            examples = ", ".join(ids)
            collector.problem(
                name,
                f"{count} clusters in this file; choose one with --cluster ID (e.g. {examples})",
            )
            return
    if chosen is None:
        collector.problem(name, "no clusters in this file")
        return
    collector.problems.extend(chosen.problems)
    for article in chosen.articles:
        if not collector.add(article, article.origin):
            return
