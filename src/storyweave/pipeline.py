"""brief(): the stage order, written down in one place.

1. **clean**     raw article -> story paragraphs + removal report      (:mod:`storyweave.clean`)
2. **sentences** paragraphs -> sentences with stable ids               (:mod:`storyweave.nlp.sentences`)
3. **embed**     sentences -> unit vectors                             (:mod:`storyweave.embed`)
4. **stories**   do the articles tell one story? their groups,
                 off-topic articles                                    (:mod:`storyweave.stories`)
5. **quotes**    sentences -> quote mentions; speakers resolved and
                 statements consolidated across the cluster            (:mod:`storyweave.nlp.quotes`)
6. **align**     vectors -> their similarity matrix -> facts with
                 their supporting sentences; sources that carry the
                 same text (wire copies) grouped                       (:mod:`storyweave.align`)
7. **diverge**   conflicts, superseded claims, single-source claims and
                 coverage gaps                                         (:mod:`storyweave.diverge`)
8. **views**     each outlet's framing (loaded labels, learned loaded words,
                 one-sided hedges, scare quotes), what it alone reports and
                 leaves out, the timeline, and with an outlet file the
                 coverage by side and each side's blindspots          (:mod:`storyweave.views`)
9. **entities**  people, organisations and places with their roles     (:mod:`storyweave.nlp.entities`)
10. **summarize** facts -> a budgeted, ordered, cited summary, leaving
                 out claims that later reports overtook and every sentence
                 that uses a term the views flag                        (:mod:`storyweave.summarize`)
11. assemble the :class:`~storyweave.model.Briefing` that every renderer reads.

Stages 1-4 run once per call (:meth:`Briefer._prepare`); 5-11 run over all the sources
(:meth:`Briefer.brief`) or over each story's (:meth:`Briefer.brief_each_story`).
Quotes, entities (5, 9) and, for one briefing, the story check feed no other stage: from a
mid-size briefing on, a forked worker finds quotes and entities while 6-8 and 10 run here,
and the check goes to whichever process is free first (:mod:`storyweave.parallel`).

One bad article fails alone: an error in cleaning or segmenting it becomes an
:class:`~storyweave.model.InputProblem` and the others are still briefed
(:mod:`storyweave.reading`; in a large briefing a forked worker reads half of them and,
with a static model, encodes their sentences too).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import align as align_stage
from . import clean as clean_stage
from . import diverge as diverge_stage
from . import parallel
from . import summarize as summarize_stage
from .embed import (
    Embedder,
    RememberingEmbedder,
    common_component,
    encode_unique,
    encodes_alone,
    load_embedder,
    remembering,
)
from .errors import Cancelled, OptionsError
from .model import (
    Article,
    Briefing,
    Entity,
    InputProblem,
    Quote,
    Sentence,
    Source,
    StoryCheck,
)
from .nlp import entities as entity_stage
from .nlp import quotes as quote_stage
from .nlp.ner import NameTagger
from .options import BriefOptions
from .reading import (
    MAX_REMOVED_LINES,
    Read,
    Share,
    in_one_language,
    numbered,
    read_articles,
    read_share,
    well_formed,
    within_sentence_budget,
    writable,
)
from .stories.check import check_story, params_for
from .views import framing as framing_stage
from .views import outlets as outlets_stage
from .views import profiles as profiles_stage
from .views import sides as sides_stage
from .views import timeline as timeline_stage
from .views.framing_model import LoadedWordModel

_log = logging.getLogger(__name__)

#: Asked between stages: True means the caller gave up (see :meth:`Briefer.brief`).
Stop = Callable[[], bool]
#: From this many sentences (and MIN_CHARS_TO_FORK) a forked worker finds quotes and entities
#: (and checks the story for brief()) when :func:`storyweave.parallel.fork_allowed`: fork,
#: join and pickling cost 20-35 ms, 0.02-0.04 s CPU. On a shared machine (load 9) the briefing
#: got slower at 41 and 79 sentences and broke even at 188; a second core free (the default
#: forks only then), static-learned, workers=2 against 1, interleaved runs of 11: d30001t
#: (188 sentences) 0.201-0.205 s against 0.264-0.283 s, Multi-News test-64 (6 articles,
#: ~150 sentences) 0.203 s against 0.253-0.263 s (`benchmarks/bench_brief.py --systems
#: storyweave-static-learned,storyweave-static-learned@1` gives the same comparison).
MIN_SENTENCES_TO_FORK = 150
#: From this many characters in all a briefing may fork a worker (for stages 4-5 and 9, from
#: MIN_SENTENCES_TO_FORK): by default the load is sampled while its articles are read.
MIN_CHARS_TO_FORK = 20_000
#: From this many characters in all, articles are read (stages 1-2) half here, half in a
#: forked worker. 7 interleaved runs, load 9: the split costs ~15 ms CPU; d30001t (28,000
#: characters) took 0.060 s CPU, split 0.038 + 0.037; 50 Multi-News articles (184,000) 0.43 s,
#: 0.21 + 0.24; 200 (834,000) 1.90 s, 0.90 + 0.81: from 100,000 (~25 articles) it pays.
MIN_CHARS_TO_SPLIT = 100_000


class Briefer:
    """Holds a loaded embedding model so that many briefings share it.

    Example::

        briefer = Briefer(BriefOptions(words=120))
        for cluster in clusters:
            print(briefer.brief(cluster).summary)
    """

    def __init__(
        self,
        options: BriefOptions | None = None,
        embedder: Embedder | None = None,
        framing_model: LoadedWordModel | None = None,
        scorer: summarize_stage.Scorer | None = None,
    ):
        self.options = options or BriefOptions()
        self._embedder = embedder
        self._tagger: NameTagger | None = None
        self._framing_model = framing_model
        self._scorer = scorer
        self.last_timings: dict[str, float] = {}

    @property
    def embedder(self) -> Embedder:
        """The embedding backend, loaded on first use. A loaded one remembers the vectors it
        gave (bounded): briefing a story again after a new article encodes only that article."""
        if self._embedder is None:
            started = time.perf_counter()
            self._embedder = remembering(
                load_embedder(self.options.model, threads=self.options.threads)
            )
            _log.info(
                "loaded the embedding model %s in %.2f s",
                self._embedder.name, time.perf_counter() - started,
            )
        return self._embedder

    @property
    def tagger(self) -> NameTagger:
        """The name tagger of the entity stage, loaded on first use."""
        if self._tagger is None:
            self._tagger = NameTagger.load()
        return self._tagger

    @property
    def framing_model(self) -> LoadedWordModel:
        """The loaded-word model of the framing stage (the shipped one unless given)."""
        if self._framing_model is None:
            self._framing_model = LoadedWordModel.load()
        return self._framing_model

    @property
    def scorer(self) -> summarize_stage.Scorer | None:
        """The learned summarizer's model for this embedder, loaded on first use (``None``
        for the coverage summarizer)."""
        if self._scorer is None and self.options.summarizer == "learned":
            self._scorer = summarize_stage.SentenceScorer.for_embedder(self.embedder.name)
        return self._scorer

    def brief(
        self,
        articles: Iterable[Article],
        problems: Sequence[InputProblem] = (),
        *,
        should_stop: Stop | None = None,
    ) -> Briefing:
        """Brief ``articles`` as one story; ``problems`` from loading are carried into the
        briefing. When the articles do not tell one story, ``briefing.story_check`` says so
        and names the groups (see :meth:`brief_each_story`).

        ``should_stop`` is asked between stages (and between articles while cleaning);
        when it answers True the work ends with :class:`~storyweave.errors.Cancelled`
        (the web server's client went away). The other ``brief_*`` methods take it too.
        """
        prepared = self._prepare(articles, problems, should_stop)
        return self._weave(prepared, prepared.sources, None, should_stop)  # checks too

    def brief_each_story(
        self,
        articles: Iterable[Article],
        problems: Sequence[InputProblem] = (),
        *,
        should_stop: Stop | None = None,
    ) -> tuple[Briefing, ...]:
        """One briefing per story the articles tell (an off-topic article gets its own).

        The articles are cleaned and embedded once; each group is then woven on its own.
        Sources keep their numbers (``s3`` stays ``s3``), so citations mean the same in
        every briefing. When the articles tell one story this is ``(brief(articles),)``.
        """
        prepared = self._prepare(articles, problems, should_stop)
        check = self._story_check(prepared)
        if check.one_story:
            return (self._weave(prepared, prepared.sources, check, should_stop),)
        return self._each_story(prepared, check, should_stop)

    def brief_with_stories(
        self,
        articles: Iterable[Article],
        problems: Sequence[InputProblem] = (),
        *,
        should_stop: Stop | None = None,
    ) -> tuple[Briefing, tuple[Briefing, ...]]:
        """The briefing of all ``articles`` and, when they tell several stories, one
        briefing per story (none when they tell one), cleaning and embedding once."""
        prepared = self._prepare(articles, problems, should_stop)
        check = self._story_check(prepared)
        whole = self._weave(prepared, prepared.sources, check, should_stop)
        if check.one_story:
            return whole, ()
        return whole, self._each_story(prepared, check, should_stop)

    def _each_story(
        self, prepared: _Prepared, check: StoryCheck, should_stop: Stop | None
    ) -> tuple[Briefing, ...]:
        by_id = {source.id: source for source in prepared.sources}
        return tuple(
            self._weave(
                prepared,
                [by_id[source_id] for source_id in group.source_ids],
                StoryCheck(groups=(group,)),
                should_stop,
            )
            for group in check.groups
        )

    def _prepare(
        self, articles: Iterable[Article], problems: Sequence[InputProblem],
        should_stop: Stop | None = None,
    ) -> _Prepared:
        """Stages 1-3 and the similarity matrix (stage 4 is :meth:`_story_check`)."""
        options = self.options
        articles = list(articles)
        if len(articles) > options.max_articles:
            raise OptionsError(
                f"{len(articles)} articles given; the limit is {options.max_articles} "
                "(raise max_articles / --max-articles to brief more at once)"
            )
        articles = [well_formed(article) for article in articles]
        timings: dict[str, float] = {}
        all_problems = [
            InputProblem(writable(p.input), writable(p.problem), p.stage) for p in problems
        ]

        started = time.perf_counter()
        chars = sum(len(a.text) for a in articles)
        cut_reports: list[str] = []
        split = chars >= MIN_CHARS_TO_SPLIT
        # Too small to split the reading: whether to fork (stages 4-5, 9) is decided after
        # embedding, by default with the load sampled meanwhile (reading alone may take a
        # few milliseconds, too short to tell).
        medium = not split and chars >= MIN_CHARS_TO_FORK
        sample = parallel.LoadSample() if medium and self.options.workers is None else None
        read, encoded, fork = self._read(articles, split, should_stop)
        kept: list[Read] = []
        for outcome in read.outcomes:
            if isinstance(outcome, InputProblem):
                all_problems.append(outcome)
                continue
            kept.append(outcome._replace(source=numbered(outcome.source, len(kept) + 1)))
            if outcome.removed > MAX_REMOVED_LINES:
                cut_reports.append(f"{kept[-1].source.label} ({outcome.removed:,})")
        sources, foreign = in_one_language(kept)
        all_problems += foreign
        sources, cut_note = within_sentence_budget(sources, options.max_sentences)
        sources = list(profiles_stage.with_profiles(sources, options.outlets))
        timings["clean+segment"] = time.perf_counter() - started - read.seconds.get("embed", 0.0)
        _checkpoint(should_stop)
        notes = [cut_note] if cut_note else []
        if cut_reports:
            notes.append(
                f"The cleaning report lists the first {MAX_REMOVED_LINES} removed lines of "
                f"each source; more were removed from {', '.join(cut_reports[:3])}"
                + (f" and {len(cut_reports) - 3} more sources." if len(cut_reports) > 3 else ".")
            )

        sentences = tuple(s for source in sources for s in source.sentences)
        started = time.perf_counter()
        vectors = encode_unique(self.embedder, [s.text for s in sentences], encoded)
        # Headlines in a call of their own, so that no sentence's vector depends on them;
        # only the story check reads them, and one article needs no check.
        titled = [source for source in sources if source.title] if len(sources) > 1 else []
        titles = self.embedder.encode([s.title or "" for s in titled]) if titled else ()
        timings["embed"] = time.perf_counter() - started + read.seconds.get("embed", 0.0)
        timings |= {k: v for k, v in read.seconds.items() if k.endswith("(worker)")}
        _checkpoint(should_stop)

        started = time.perf_counter()
        similarity = align_stage.similarity_matrix(vectors)
        timings["story check"] = time.perf_counter() - started
        self.last_timings = timings
        if medium and len(sentences) >= MIN_SENTENCES_TO_FORK:
            fork = parallel.fork_allowed(self.options.workers, sample=sample)
        return _Prepared(
            sources=tuple(sources),
            problems=tuple(all_problems),
            notes=tuple(notes),
            row={s.id: i for i, s in enumerate(sentences)},
            vectors=vectors,
            similarity=similarity,
            fork=fork,
            titles={source.id: vector for source, vector in zip(titled, titles)},
        )

    def _story_check(self, prepared: _Prepared) -> StoryCheck:
        """Stage 4: do the prepared articles tell one story? (timed with the matrix)"""
        started = time.perf_counter()
        check = self._check_task(prepared)()
        self.last_timings["story check"] += time.perf_counter() - started
        return check

    def _check_task(self, prepared: _Prepared) -> Callable[[], StoryCheck]:
        """Stage 4 over all the prepared sources, to run here or in a worker."""
        sentences = tuple(s for source in prepared.sources for s in source.sentences)
        params, common = params_for(self.embedder.name), common_component(self.embedder)
        return lambda: check_story(
            prepared.sources, sentences, prepared.vectors, prepared.similarity, params, common,
            prepared.titles,
        )

    def _read(
        self, articles: list[Article], split: bool, should_stop: Stop | None
    ) -> tuple[Share, dict[str, np.ndarray], bool]:
        """Stages 1-2: each article read, or its problem, in order, and whether this call may
        fork workers (decided here for an input large enough to ``split``, MIN_CHARS_TO_SPLIT:
        :func:`storyweave.parallel.fork_allowed`; False otherwise).

        Such an input is split when it may fork: the later half (by length) is read
        in a forked worker meanwhile (numbered again by the caller) and, with a static model
        (:func:`~storyweave.embed.base.encodes_alone`), each process encodes the sentences
        it read (stage 3): their rows come back by text. The share's seconds hold the
        worker's too ("clean+segment (worker)", "embed (worker)"). With ``workers=None``
        the load is sampled while the first articles are read here (no pause), and the
        articles left are split."""
        line_counts = clean_stage.cluster_line_counts(articles)
        lengths = [len(article.text) for article in articles]
        checkpoint = lambda: _checkpoint(should_stop)
        first: list[Read | InputProblem] = []  # read before the decision
        fork = False
        if split and self.options.workers is None:
            sample = parallel.LoadSample()
            while len(first) < len(articles) - 2 and not sample.ready():
                first += read_articles([articles[len(first)]], line_counts, _kept(first) + 1, checkpoint)
            fork = parallel.fork_allowed(None, sample=sample)
        elif split:
            fork = parallel.fork_allowed(self.options.workers)
        start = len(first)
        half = start + parallel.halfway(lengths[start:], sum(lengths[:start])) if fork else len(articles)
        encoder = self.embedder if half < len(articles) and encodes_alone(self.embedder) else None
        side = None
        if half < len(articles):
            later = articles[half:]
            side = parallel.Forked(
                lambda: read_share(later, line_counts, half + 1, encoder), "cleaning"
            )
        with side or nullcontext():  # the worker is ended on any way out
            here = read_share(
                articles[start:half], line_counts, _kept(first) + 1, encoder, checkpoint, first
            )
            if side is None:
                return here, {}, fork
            theirs = side.result(checkpoint)
        encoded: dict[str, np.ndarray] = {}
        for share in (here, theirs):
            if share.vectors is not None:
                encoded.update(zip(share.texts, share.vectors))
        if isinstance(encoder, RememberingEmbedder) and theirs.vectors is not None:
            encoder.remember(theirs.texts, theirs.vectors)  # the worker's memory is its own
        seconds = here.seconds | {f"{k} (worker)": v for k, v in theirs.seconds.items()}
        return Share(here.outcomes + theirs.outcomes, (), None, seconds), encoded, fork

    def _weave(
        self, prepared: _Prepared, sources: Sequence[Source], check: StoryCheck | None,
        should_stop: Stop | None = None,
    ) -> Briefing:
        """Stages 5-11 over ``sources`` (all prepared sources, or one story's); with
        ``check`` None, the story check of all prepared sources too."""
        sentences = tuple(s for source in sources for s in source.sentences)
        rows = [prepared.row[s.id] for s in sentences]
        if len(rows) == len(prepared.row):
            vectors, similarity = prepared.vectors, prepared.similarity
        else:
            vectors = prepared.vectors[rows]
            similarity = prepared.similarity[np.ix_(rows, rows)]

        side, claim = None, None
        if prepared.fork and len(sentences) >= MIN_SENTENCES_TO_FORK:
            tagger = self.tagger  # loaded before the fork: the worker inherits it
            # The story check (when asked) goes to whichever process is free first: the
            # worker after quotes and entities, or this one after the summary. Which one
            # finishes first changes from run to run (200 articles, two cores: either, by
            # up to 0.5 s), and the check takes ~0.3 s there.
            claim = parallel.Claim() if check is None else None
            checking = None if claim is None else _when_taken(claim, self._check_task(prepared))
            side = parallel.Forked(lambda: _side_stages(sources, tagger, checking), "side stages")
        with side or nullcontext(), claim or nullcontext():  # ended on any way out
            return self._weave_here(
                prepared, sources, check, sentences, vectors, similarity, side, claim,
                should_stop,
            )

    def _weave_here(
        self, prepared: _Prepared, sources: Sequence[Source], check: StoryCheck | None,
        sentences: tuple[Sentence, ...], vectors: np.ndarray, similarity: np.ndarray,
        side: parallel.Forked[_Side] | None, claim: parallel.Claim | None,
        should_stop: Stop | None,
    ) -> Briefing:
        """Stages 5-11 in this process (and the story check when ``check`` is None);
        quotes and entities come from ``side`` when a worker finds them, and so does the
        story check when the worker takes its ``claim`` first."""
        options = self.options
        timings = self.last_timings
        if side is None:  # the worker's task, here
            found = _side_stages(sources, self.tagger)
            quotes, entities = found.quotes, found.entities
            timings |= found.seconds
            _checkpoint(should_stop)

        started = time.perf_counter()
        threshold = options.similarity or self.embedder.default_threshold
        facts = align_stage.align(sentences, similarity, threshold=threshold)
        copies = align_stage.copy_groups(sources, facts, similarity)
        timings["align"] = time.perf_counter() - started
        _checkpoint(should_stop)

        started = time.perf_counter()
        facts, divergences = diverge_stage.find_divergences(sources, facts, sentences, similarity)
        timings["diverge"] = time.perf_counter() - started
        _checkpoint(should_stop)

        started = time.perf_counter()
        framing = framing_stage.find_framing(
            sources, facts, sentences, vectors, model=self.framing_model, similarity=similarity
        )
        outlets = outlets_stage.outlet_views(sources, facts, divergences, framing)
        timeline = timeline_stage.build_timeline(sources, facts)
        sides = (
            sides_stage.side_view(sources, facts, divergences, options.outlets.side_key)
            if options.outlets is not None
            else None
        )
        timings["framing+outlets+timeline"] = time.perf_counter() - started

        started = time.perf_counter()
        stale = diverge_stage.stale_sentence_ids(divergences)
        loaded = framing_stage.sentences_using_flagged_terms(framing, sentences)
        summary = summarize_stage.summarize(
            facts, sentences, vectors, options, exclude=stale, avoid=loaded,
            loaded_words=self.framing_model.loaded_stems(), similarity=similarity,
            scorer=self.scorer,
        )
        timings["summarize"] = time.perf_counter() - started
        if check is None and (claim is None or claim.take()):
            check = self._story_check(prepared)  # no stage reads it: last
        if side is not None:
            started = time.perf_counter()
            found = side.result(lambda: _checkpoint(should_stop))
            quotes, entities, check = found.quotes, found.entities, check or found.check
            timings |= found.seconds | {"worker wait": time.perf_counter() - started}
        assert check is not None  # given, or found here or by the worker

        notes = list(prepared.notes)
        if len(sources) < 2:
            notes.append(
                f"Only {len(sources)} usable article(s): nothing can be cross-checked, "
                "so every fact is single-source."
            )
        _log.info(
            "briefed %d source(s): %d facts, %d divergences, %d quotes",
            len(sources), len(facts), len(divergences), len(quotes),
        )
        _log.debug(
            "stage seconds: %s", ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
        )
        if options.outlets is not None:
            unmatched = [s.label for s in sources if s.profile is None]
            if unmatched:
                _log.info(
                    "not in the outlet file %s: %s", options.outlets.origin, ", ".join(unmatched)
                )
        # Timings stay out of the briefing itself so that equal input gives an equal briefing.
        settings = options.as_dict() | {"embedder": self.embedder.name, "similarity": threshold}
        del settings["threads"], settings["workers"]  # how fast, not what: the same briefing
        return Briefing(
            sources=tuple(sources),
            summary=summary,
            facts=facts,
            quotes=quotes,
            problems=prepared.problems,
            notes=tuple(notes),
            settings=settings,
            divergences=divergences,
            entities=entities,
            timeline=timeline,
            outlets=outlets,
            story_check=check,
            sides=sides,
            copies=copies,
        )


@dataclass(frozen=True)
class _Prepared:
    """What every story of one call shares: cleaned sources, their vectors."""

    sources: tuple[Source, ...]
    problems: tuple[InputProblem, ...]
    notes: tuple[str, ...]
    row: dict[str, int]  # sentence id -> row of ``vectors`` and ``similarity``
    vectors: np.ndarray
    similarity: np.ndarray
    fork: bool  # whether this call may fork workers (see parallel.fork_allowed)
    titles: dict[str, np.ndarray]  # source id -> its headline's vector (the story check)


class _Side(NamedTuple):
    """What a worker finds while the weave goes on here, and its seconds per stage."""
    check: StoryCheck | None
    quotes: tuple[Quote, ...]
    entities: tuple[Entity, ...]
    seconds: dict[str, float]


def _side_stages(
    sources: Sequence[Source],
    tagger: NameTagger,
    checking: Callable[[], StoryCheck | None] | None = None,
) -> _Side:
    """The stages no other stage reads: quotes, entities, then ``checking``, the story check
    when this process is the first to be free for it (None otherwise). A forked worker's
    task from a mid-size briefing on; run in this process otherwise (without the check)."""
    started = time.perf_counter()
    quotes = quote_stage.find_quotes(sources)
    middle = time.perf_counter()
    entities = entity_stage.find_entities(sources, quotes, tagger=tagger)
    found = time.perf_counter()
    seconds = {"quotes": middle - started, "entities": found - middle}
    check = checking() if checking is not None else None
    if check is not None:
        seconds["story check (worker)"] = time.perf_counter() - found
    return _Side(check, quotes, entities, seconds)


def _when_taken(
    claim: parallel.Claim, task: Callable[[], StoryCheck]
) -> Callable[[], StoryCheck | None]:
    """``task``, run only by the process that takes ``claim`` (None elsewhere)."""
    return lambda: task() if claim.take() else None


def _kept(outcomes: Sequence[Read | InputProblem]) -> int:
    """How many of ``outcomes`` are articles read (the others are problems)."""
    return sum(isinstance(outcome, Read) for outcome in outcomes)


def _checkpoint(should_stop: Stop | None) -> None:
    """End the work with :class:`Cancelled` when the caller has given up on it."""
    if should_stop is not None and should_stop():
        raise Cancelled("the briefing was abandoned by its caller")


def brief(articles: Iterable[Article], options: BriefOptions | None = None) -> Briefing:
    """Weave ``articles`` into one cited :class:`~storyweave.model.Briefing`.

    Example::

        >>> from storyweave import brief, load, BriefOptions
        >>> loaded = load(["examples/harbour-strike"])
        >>> briefing = brief(loaded.articles, BriefOptions(words=120))
        >>> briefing.summary[0].citations
        ('s2.1', 's1.3', ...)

    To brief many clusters with one loaded model, use :class:`Briefer`.
    """
    return Briefer(options).brief(articles)
