"""The second core: a briefing whose quotes and entities come from a forked worker is the
same briefing, byte for byte; a worker that fails or dies is an error, never a hang; a
cancelled briefing ends its worker."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from storyweave import Article, Briefer, BriefOptions, load, pipeline
from storyweave.embed import RememberingEmbedder, remembering
from storyweave.errors import Cancelled, InputError, OptionsError, WorkerFailed
from storyweave.parallel import Claim, Forked, fork_allowed
from storyweave.render import render

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike"
QUAKE = Path(__file__).resolve().parent / "data" / "stories" / "quake-tarsin"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


@pytest.fixture
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork whatever the briefing's size, the cores of the test machine, and the threads
    that earlier tests in this process left behind (fork_allowed is tested on its own)."""
    monkeypatch.setattr(pipeline, "MIN_SENTENCES_TO_FORK", 0)
    monkeypatch.setattr(pipeline, "MIN_CHARS_TO_FORK", 0)
    monkeypatch.setattr(pipeline, "MIN_CHARS_TO_SPLIT", 0)
    monkeypatch.setattr(pipeline.parallel, "fork_allowed", lambda workers, **_: workers != 1)


@pytest.mark.parametrize("model", ["lexical", "static-learned"])
def test_a_briefing_with_a_worker_is_the_same_briefing(
    always_fork: None, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks: list[str] = []
    real = pipeline.parallel.Forked

    def counted(work: object, what: str) -> Forked[object]:
        tasks.append(what)
        return real(work, what)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.parallel, "Forked", counted)
    articles = load([str(EXAMPLE)]).articles
    serial = Briefer(BriefOptions(model=model, workers=1))
    forked = Briefer(BriefOptions(model=model, workers=2), embedder=serial.embedder)
    one = serial.brief(articles)
    two = forked.brief(articles)
    assert tasks == ["cleaning", "side stages"]
    assert "worker wait" in forked.last_timings and "worker wait" not in serial.last_timings
    assert one == two
    for fmt in ("json", "md", "html"):
        assert render(one, fmt) == render(two, fmt)
    # Each story of a mixed input is woven with its own worker, and still the same; articles
    # too short to brief, in the half read here and in the worker's, are the same problems
    # and the sources after them keep their numbers.
    short = [Article(text="Too short to brief.", origin=f"short{n}.txt") for n in (1, 2)]
    mixed = [short[0], *articles, *load([str(QUAKE)]).articles, short[1]]
    whole, stories = serial.brief_with_stories(mixed)
    assert [p.input for p in whole.problems] == ["short1.txt", "short2.txt"]
    assert (whole, stories) == forked.brief_with_stories(mixed)


@pytest.mark.parametrize("taker", ["here", "worker"])
def test_the_story_check_is_the_same_whichever_process_takes_it(
    always_fork: None, taker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()

    class Fixed(Claim):
        """Taken by the chosen process only (the real one: by whichever asks first)."""

        def take(self) -> bool:
            return (os.getpid() == parent) == (taker == "here") and super().take()

    monkeypatch.setattr(pipeline.parallel, "Claim", Fixed)
    mixed = [*load([str(EXAMPLE)]).articles, *load([str(QUAKE)]).articles]
    serial = Briefer(BriefOptions(model="lexical", workers=1))
    forked = Briefer(BriefOptions(model="lexical", workers=2))
    one, two = serial.brief(mixed), forked.brief(mixed)
    assert not two.story_check.one_story and one == two
    assert ("story check (worker)" in forked.last_timings) is (taker == "worker")


def test_a_claim_is_taken_once_by_whichever_process_asks_first() -> None:
    first = Claim()
    with Forked(first.take, "test") as side:
        assert side.result()  # the child asked first
    assert not first.take()
    second = Claim()
    assert second.take()  # this process asked first
    with Forked(second.take, "test") as side:
        assert not side.result()
    assert not second.take()


def test_with_a_static_model_the_reading_worker_encodes_its_half(always_fork: None) -> None:
    from storyweave.embed import encodes_alone, load_embedder
    from storyweave.embed.lexical import LexicalEmbedder

    static = load_embedder("static-learned")
    assert encodes_alone(static) and encodes_alone(remembering(static))
    assert not encodes_alone(LexicalEmbedder())  # its rows depend on the batch
    articles = load([str(EXAMPLE)]).articles
    briefer = Briefer(BriefOptions(model="static-learned", workers=2))
    briefing = briefer.brief(articles)
    assert "embed (worker)" in briefer.last_timings
    # The worker's rows are remembered here too: briefing the story again encodes nothing.
    memory = briefer.embedder
    assert isinstance(memory, RememberingEmbedder)
    texts = {s.text for source in briefing.sources for s in source.sentences}
    assert texts <= set(memory._rows)
    lexical = Briefer(BriefOptions(model="lexical", workers=2))
    lexical.brief(articles)
    assert "clean+segment (worker)" in lexical.last_timings
    assert "embed (worker)" not in lexical.last_timings


def test_workers_is_validated_and_left_out_of_the_settings(always_fork: None) -> None:
    with pytest.raises(OptionsError, match="workers"):
        BriefOptions(workers=0)
    briefing = Briefer(BriefOptions(model="lexical", workers=2)).brief(load([str(EXAMPLE)]).articles)
    assert "workers" not in briefing.settings


def test_one_worker_or_other_threads_mean_no_fork() -> None:
    assert not fork_allowed(1)
    started = threading.Event()
    done = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), done.wait(5)))
    thread.start()
    started.wait()
    try:
        assert not fork_allowed(2)  # a web server's or Dask's threads: brief in one process
    finally:
        done.set()
        thread.join()


def test_an_exception_in_the_worker_is_raised_here_with_its_traceback() -> None:
    def fails() -> None:
        raise OptionsError("words must be at least 10, got 3")

    with Forked(fails, "test") as side, pytest.raises(OptionsError, match="at least 10") as caught:
        side.result()
    assert any("raised in the test worker process" in note for note in caught.value.__notes__)


def test_an_exception_that_cannot_travel_is_a_worker_failure() -> None:
    def fails() -> None:
        # A lock cannot be pickled, whatever pickling of exceptions is in force (a library
        # imported by an earlier test, such as Dask's traceback support, can make an
        # exception whose __init__ differs from its args travel).
        error = InputError("a.txt", "unreadable")
        error.lock = threading.Lock()  # type: ignore[attr-defined]
        raise error

    with Forked(fails, "test") as side, pytest.raises(WorkerFailed, match="InputError"):
        side.result()


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def dies() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with Forked(dies, "test") as side, pytest.raises(WorkerFailed, match="SIGKILL"):
        side.result()


def test_a_cancelled_wait_ends_the_worker() -> None:
    def slow() -> int:
        time.sleep(60)
        return 1

    def gone() -> None:
        raise Cancelled("the briefing was abandoned by its caller")

    started = time.perf_counter()
    with pytest.raises(Cancelled), Forked(slow, "test") as side:
        pid = side._pid
        side.result(gone)
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and reaped


def test_a_cancelled_briefing_ends_its_worker(always_fork: None, monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[Forked[object]] = []
    real = pipeline.parallel.Forked

    def remembered(*args: object) -> Forked[object]:
        forks.append(real(*args))  # type: ignore[arg-type]
        return forks[-1]

    monkeypatch.setattr(pipeline.parallel, "Forked", remembered)
    asked = 0

    def stop() -> bool:  # give up once the worker is running
        nonlocal asked
        asked += 1
        return bool(forks)

    with pytest.raises(Cancelled):
        Briefer(BriefOptions(model="lexical", workers=2)).brief(
            load([str(EXAMPLE)]).articles, should_stop=stop
        )
    assert len(forks) == 1 and forks[0]._pipe is None  # closed: killed and reaped


def _collecting() -> tuple[bool, bool]:
    return gc.get_freeze_count() == 0, gc.isenabled()


@pytest.mark.parametrize("callers", ["default", "frozen", "disabled"])
def test_the_collector_rests_while_a_worker_lives(callers: str) -> None:
    # Neither process's collector walks (and, in the child, copies) the objects that
    # existed at the fork; afterwards collection is as the caller had it.
    if callers == "frozen":
        gc.freeze()
    if callers == "disabled":
        gc.disable()
    before = _collecting()
    try:
        with Forked(_collecting, "test") as side:
            during = _collecting()
            assert side.result() == during  # the child's, as the fork left it
        assert during == ((False, False) if callers == "default" else before)
        assert _collecting() == before
        with pytest.raises(WorkerFailed), Forked(lambda: os.kill(os.getpid(), signal.SIGKILL), "test") as dead:
            dead.result()
        assert _collecting() == before
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_fork_the_system_refuses_is_a_worker_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with pytest.raises(WorkerFailed, match="could not be started"):
        Forked(lambda: 1, "test")
    assert _collecting() == (True, True)  # given back to the collector


def test_by_default_a_worker_needs_a_free_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyweave import embed

    monkeypatch.setattr(pipeline.parallel, "cores", lambda: 2)
    monkeypatch.setattr(pipeline.parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline.parallel.threading, "active_count", lambda: 1)
    monkeypatch.setattr(embed, "busy_cores", lambda cores: 0.7)  # another process at work
    assert not fork_allowed(None)
    assert fork_allowed(2)  # asked for: forks all the same
    monkeypatch.setattr(embed, "busy_cores", lambda cores: 0.2)
    assert fork_allowed(None)


@pytest.mark.parametrize("busy", [0.2, 0.7])
@pytest.mark.parametrize("split", [True, False])
def test_by_default_the_load_is_sampled_while_the_articles_are_read(
    busy: float, split: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no pause: a large input decides after its first articles and splits the rest;
    one too small to split (below MIN_CHARS_TO_SPLIT) reads here and decides after
    embedding. The side stages fork when a core is free."""
    from storyweave import embed

    monkeypatch.setattr(pipeline, "MIN_SENTENCES_TO_FORK", 0)
    monkeypatch.setattr(pipeline, "MIN_CHARS_TO_FORK", 0)
    monkeypatch.setattr(pipeline, "MIN_CHARS_TO_SPLIT", 0 if split else 10**9)
    monkeypatch.setattr(pipeline.parallel, "cores", lambda: 2)
    monkeypatch.setattr(pipeline.parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(pipeline.parallel.threading, "active_count", lambda: 1)
    paused: list[int] = []
    monkeypatch.setattr(embed, "busy_cores", lambda cores: paused.append(cores) or busy)
    monkeypatch.setattr(embed, "LOAD_SAMPLE", 0.0)  # decided after the first article
    monkeypatch.setattr(pipeline.parallel.LoadSample, "busy_cores", lambda self, cores: busy)
    articles = [*load([str(EXAMPLE)]).articles, *load([str(QUAKE)]).articles]
    default = Briefer(BriefOptions(model="static-learned"))
    serial = Briefer(BriefOptions(model="static-learned", workers=1), embedder=default.embedder)
    assert default.brief(articles) == serial.brief(articles)
    free = busy < 0.5
    assert ("worker wait" in default.last_timings) == free  # a core free: forked
    assert ("clean+segment (worker)" in default.last_timings) == (free and split)
    assert not paused  # no pause to measure the load


def test_a_load_sample_leaves_out_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyweave import embed
    from storyweave.parallel import LoadSample

    # Over 0.1 s both cores were busy (20 ticks, none idle) and this process used 0.1 s.
    readings = iter([(1000, 600), (1020, 600)])
    clocks = iter([5.0, 5.1])
    monkeypatch.setattr(embed, "cpu_times", lambda: next(readings))
    monkeypatch.setattr(pipeline.parallel.time, "perf_counter", lambda: next(clocks))
    own = iter([2.0, 2.1])
    monkeypatch.setattr(pipeline.parallel.time, "process_time", lambda: next(own))
    sample = LoadSample()
    assert sample.busy_cores(2) == pytest.approx(1.0)  # the other core: another process


def test_the_split_gives_the_worker_the_larger_part_when_this_process_has_read_some() -> None:
    from storyweave.parallel import halfway

    assert halfway([10, 10, 10, 10]) == 2
    # 20 already read here: of the 40 left, 10 more here and 30 in the worker.
    assert halfway([10, 10, 10, 10], head=20) == 1
    assert halfway([10, 10], head=100) == 1  # both runs keep an article


def test_a_load_sample_too_short_to_tell_means_no_worker_and_no_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storyweave import embed
    from storyweave.parallel import LoadSample, spare_core

    paused: list[int] = []
    monkeypatch.setattr(embed, "busy_cores", lambda cores: paused.append(cores) or 0.0)
    monkeypatch.setattr(LoadSample, "busy_cores", lambda self, cores: None)  # no tick yet
    assert not spare_core(LoadSample())
    assert not paused
    assert spare_core()  # without a sample: measured over a pause (idle here)
    assert paused
