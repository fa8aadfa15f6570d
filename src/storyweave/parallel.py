"""The second core: one side task of a briefing runs in a forked process.

A large briefing spends most of its time in pure-Python stages, so threads would share
one core. :class:`Forked` runs a function in a child made with ``os.fork`` while the
caller goes on with other stages, and hands back the child's (pickled) result;
:func:`fork_allowed` says whether this call may fork at all.

Why forking here is safe (the conditions :func:`fork_allowed` checks):

* **No other Python thread is alive** and the caller is the main thread: no lock of
  logging, of the import system or of our own objects (the embedder's memory) can be
  held by a thread that the child lacks. The web server briefs in worker threads and
  Dask runs tasks in its worker threads, so both always brief in one process; so does
  a process whose URL loading left a resolver thread behind.
* **Native thread pools** (ONNX Runtime's intra-op threads, OpenBLAS) may exist but sit
  idle between calls, and the child never calls into them: it only runs the side
  task's Python and numpy code. glibc's malloc and OpenBLAS reset their locks in a
  forked child. The child leaves with ``os._exit``: no destructor (say, ONNX's, which
  would join threads the child does not have), no ``atexit`` hook and no flush of
  inherited stdio buffers runs in it.
* **Linux only** (``sys.platform``): macOS system libraries are not fork-safe, Windows
  has no fork.

Cancellation and failures: the caller asks ``should_stop`` while it waits; on
cancellation, an error of its own, Ctrl-C or garbage collection the child is killed
and reaped (:meth:`Forked.close`). The child ignores SIGINT (the parent ends it) and,
on Linux, dies with its parent (``PR_SET_PDEATHSIG``), so a ``kill -9`` leaves no
orphan at work. An exception in the child is raised again in the parent with the
child's traceback as a note; a child that dies without an answer (killed, out of
memory) raises :class:`~storyweave.errors.WorkerFailed`, never a hang.

While a child lives, the cyclic garbage collector rests in both processes: the heap is
frozen before the fork (``gc.freeze``, as Python's documentation advises for a fork without
exec) and collection is off until the child is reaped. A briefing makes almost no reference
cycles (a collection after a 200-article briefing finds ~80 objects), but each collection
visits the live objects, and in a forked pair it writes to their headers, copying the
pages the two processes share. At 200 articles the main process spent 0.22 s collecting
with the heap frozen alone, and 0.02 s with collection off too (gc callbacks).
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from .errors import WorkerFailed

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations are never evaluated here

T = TypeVar("T")

#: Seconds between two ``should_stop`` questions while the parent waits for its child.
POLL_SECONDS = 0.1
#: Bytes read from the child's pipe at once.
_CHUNK = 1 << 20
#: ``prctl`` option that sends the child a signal when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """CPU cores this process may run on (its affinity mask, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def fork_allowed(workers: int | None, *, sample: LoadSample | None = None) -> bool:
    """Whether a briefing with ``BriefOptions.workers == workers`` may fork a worker now:
    more than one worker asked for, at least two cores, Linux, no other Python thread alive
    (see the module docstring), and with ``workers=None`` a second core free now (measured
    by ``sample`` when given, else over a pause of ``embed.LOAD_SAMPLE`` seconds).

    A worker that has to share a busy core costs more than it gives: at 200 articles on the
    shared 2-core machine (static-learned, interleaved) it cut the parent's CPU from 10.6 to
    7.7 s but added 21% CPU in all and the briefing took 13.2 s instead of 11.0 at load 3
    (19.9 vs 19.1 s at load 8). So the default forks only when :func:`spare_core`."""
    wanted = cores() if workers is None else workers
    return (
        wanted >= 2
        and cores() >= 2
        and sys.platform == "linux"
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
        and (workers is not None or spare_core(sample))
    )


def spare_core(sample: LoadSample | None = None) -> bool:
    """Whether other processes leave two cores free now, one for this process and one for
    its worker: measured by ``sample``, else over ``embed.LOAD_SAMPLE`` seconds (as the
    MiniLM threads are). A sample too short to tell (no clock tick yet: a small input read
    in a few milliseconds) means no: a pause to measure would cost more than the worker
    saves."""
    from .embed import busy_cores

    machine = os.cpu_count() or 1
    if sample is not None:
        busy = sample.busy_cores(machine)
        if busy is None:
            return False
    else:
        busy = busy_cores(machine)
    return machine - int(busy + 0.5) >= 2


class LoadSample:
    """How busy other processes keep the machine, measured from now while this process
    works (a briefing reads its first articles, or a smaller one all of them and their
    embedding, meanwhile) instead of over a pause:
    the machine's busy time from ``/proc/stat`` less this process's own CPU time."""

    def __init__(self) -> None:
        from .embed import cpu_times

        self._read = cpu_times
        self._started = time.perf_counter()
        self._own = time.process_time()
        self._first = cpu_times()

    def ready(self) -> bool:
        """Whether the sample spans ``embed.LOAD_SAMPLE`` seconds, as a pause would."""
        from .embed import LOAD_SAMPLE

        return time.perf_counter() - self._started >= LOAD_SAMPLE

    def busy_cores(self, cores: int) -> float | None:
        """Cores that other processes kept busy since the sample began (None off Linux,
        or when no clock tick has passed)."""
        second = self._read()
        elapsed = time.perf_counter() - self._started
        if self._first is None or second is None or second[0] <= self._first[0] or elapsed <= 0:
            return None
        total, idle = second[0] - self._first[0], second[1] - self._first[1]
        own = (time.process_time() - self._own) / elapsed  # cores this process kept busy
        return max(0.0, cores * (total - idle) / total - own)


def halfway(weights: Sequence[int], head: int = 0) -> int:
    """The index that splits ``weights`` into two runs of about equal sums (the first run
    is ``weights[:index]``; both non-empty when there are two or more). ``head`` is weight
    the first run already carries (articles read before the split), so that both finish
    together."""
    total, running = sum(weights) + head, head
    for index, weight in enumerate(weights):
        if 2 * (running + weight) > total:  # this item would take the first run past half
            return max(1, min(index + (2 * running + weight <= total), len(weights) - 1))
        running += weight
    return max(1, len(weights) - 1)


class Claim:
    """A task that whichever of two processes is free first takes: a one-byte token in a
    pipe made before the fork. Reading a pipe is atomic, so exactly one :meth:`take`
    returns True, in the parent or in the forked child; the others see the pipe empty.
    Make it before the :class:`Forked` whose child may take it; the fork shares it."""

    def __init__(self) -> None:
        read_end, write_end = os.pipe()
        os.write(write_end, b"x")
        os.close(write_end)  # once the token is read, every read sees the end of the pipe
        self._pipe: int | None = read_end

    def take(self) -> bool:
        """Whether this process takes the task (True at most once, in one process)."""
        if self._pipe is None:
            return False
        taken = os.read(self._pipe, 1) == b"x"
        self.close()
        return taken

    def close(self) -> None:
        """Close this process's end (idempotent)."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


class Forked(Generic[T]):
    """``work()`` running in a forked child; :meth:`result` waits for its value.

    Use as a context manager, so that the child is ended whatever happens to the caller::

        with Forked(lambda: find_entities(sources, quotes), "entities") as side:
            ...  # the caller's own stages
            entities = side.result(checkpoint)

    ``what`` names the task in error messages. The value must pickle. A fork that the
    system refuses (no memory, too many processes) raises
    :class:`~storyweave.errors.WorkerFailed`.
    """

    def __init__(self, work: Callable[[], T], what: str) -> None:
        self.what = what
        parent = os.getpid()
        read_end, write_end = os.pipe()
        # Not when the caller froze the heap or stopped collection: that is theirs to undo.
        self._frozen = gc.get_freeze_count() == 0 and gc.isenabled()
        if self._frozen:
            gc.freeze()
            gc.disable()
        with warnings.catch_warnings():  # one Python thread (fork_allowed): no race here
            # Python 3.12+ warns on a fork of any process with several OS threads; ours
            # are the idle native pools the module docstring shows to be safe.
            warnings.filterwarnings("ignore", ".*fork.*", DeprecationWarning)
            try:
                self._pid = os.fork()
            except OSError as error:
                os.close(read_end)
                os.close(write_end)
                self._thaw()
                raise WorkerFailed(what, f"it could not be started ({error})") from error
        if self._pid == 0:  # the child: never returns
            os.close(read_end)
            _run_child(work, write_end, parent)
        os.close(write_end)
        self._parent = parent
        self._pipe: int | None = read_end

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def result(self, checkpoint: Callable[[], None] = lambda: None) -> T:
        """The child's value; its exception raised again here. While waiting,
        ``checkpoint`` is called every :data:`POLL_SECONDS`: when it raises (the caller
        gave up), the child is ended by :meth:`close` on leaving the ``with`` block."""
        if self._pipe is None:
            raise RuntimeError(f"the {self.what} worker's result was already taken")
        chunks: list[bytes] = []
        while True:
            ready, _, _ = select.select([self._pipe], [], [], POLL_SECONDS)
            if not ready:
                checkpoint()
                continue
            chunk = os.read(self._pipe, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
        status = self._reap()
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - nothing or half an answer: the child died
            raise WorkerFailed(self.what, _describe(status)) from None
        if kind == "value":
            return value
        if kind == "error":
            error, text = value
            error.add_note(f"raised in the {self.what} worker process:\n{text}")
            raise error
        failure, text = value
        error = WorkerFailed(self.what, f"it raised {failure}")
        error.add_note(text)
        raise error

    def close(self) -> None:
        """End the child if it still runs, reap it and close the pipe (idempotent; only in
        the process that forked it, never in a later fork's copy of this object)."""
        if getattr(self, "_pipe", None) is None or os.getpid() != self._parent:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _thaw(self) -> None:
        """Give the objects frozen at the fork back to the garbage collector, and collection
        back on (once)."""
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
            gc.enable()

    def _reap(self) -> int:
        """Close the pipe and wait for the child; its wait status."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
            self._thaw()
        while True:
            try:
                return os.waitpid(self._pid, 0)[1]
            except InterruptedError:
                continue
            except ChildProcessError:  # already reaped (e.g. by a SIGCHLD handler)
                return 0


def _run_child(work: Callable[[], object], pipe: int, parent: int) -> None:
    """In the forked child: run ``work``, write its pickled value (or its exception) to
    ``pipe``, and leave with ``os._exit`` whatever happens."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent ends the child
        _die_with_parent(parent)
        try:
            payload = pickle.dumps(("value", work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
            code = 1
            text = traceback.format_exc()
            try:  # an exception whose __init__ differs from its args does not load again
                payload = pickle.dumps(("error", (error, text)), protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(payload)
            except Exception:  # noqa: BLE001 - any failure to pickle or load is the same
                payload = pickle.dumps(("failed", (f"{type(error).__name__}: {error}", text)))
        view = memoryview(payload)
        while view:
            view = view[os.write(pipe, view):]
    except BaseException:  # noqa: BLE001 - the parent went away (broken pipe): nobody to tell
        code = 1
    finally:
        os._exit(code)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this child when its parent dies (a ``kill -9`` of the CLI); leave
    at once if the parent died before the request took effect."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _describe(status: int) -> str:
    """A child's wait status in words."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        hint = " (out of memory?)" if number == signal.SIGKILL else ""
        return f"its process was killed by {name}{hint}"
    if os.WIFEXITED(status):
        return f"its process ended with exit code {os.WEXITSTATUS(status)} without an answer"
    return f"its process ended without an answer (status {status})"

