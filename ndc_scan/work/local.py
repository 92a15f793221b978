"""Worker processes on this machine, forked from the scan once, each doing task after task.

Forked after the scan has loaded the taxonomy and the model, every worker shares them
(copy-on-write; ``gc.freeze`` keeps those pages shared); each builds spaCy's pipelines for
the languages it meets and keeps them for the next document. The worker reads each PDF in a
child of its own (``read.reader.ReadingSession``: one child reads file after file, with a time
limit and a memory cap per file), so a PDF that crashes or hangs the reader costs only that
file. A worker that dies anyway (killed, out of memory) costs only the file it held: the file
is given to a new worker once more, and a second death makes it a ``WorkerError`` (as on a Dask
cluster). A task that takes longer than twice the reading time limit has its worker stopped
and is reported at once.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection, wait
from typing import Any, Optional

from ..errors import WorkerError
from ..read.reader import READER_GC_THRESHOLD, die_with_parent
from .tasks import Outcome, Task, WorkContext, perform

#: How many times a file goes to a new worker after the one holding it died.
RETRIES = 1
#: Seconds an idle worker has to end by itself at the end of a run before it is killed.
_GRACE = 5.0


class LocalExecutor:
    """Runs tasks in ``workers`` processes forked from this one (``--executor local``, the default)."""

    def __init__(self, context: WorkContext, workers: int = 1, *, task_limit: Optional[float] = None):
        self.context, self.workers = context, max(1, workers)
        #: Seconds one task may take before its worker is stopped (reading has its own, shorter limit).
        self.task_limit = task_limit if task_limit is not None else 2 * context.reader.timeout

    def run(self, tasks: list[Task], *, meanwhile: Optional[Callable[[], object]] = None
            ) -> Generator[tuple[Task, Outcome], None, None]:
        """Yield ``(task, outcome)`` as tasks finish; ``meanwhile`` runs here once the first tasks are sent."""
        pending = deque(tasks)
        if min(self.workers, len(tasks)) > 1:
            self.context.share_imports()
        started: list[_Worker] = []          # every worker, registered as it starts: all are stopped at the end
        idle: list[_Worker] = []
        busy: dict[Connection, tuple[_Worker, Task, float]] = {}
        deaths: dict[int, int] = {}          # task key → workers that died on it
        try:
            while pending or busy:
                while pending and (idle or len(busy) < self.workers):
                    worker = idle.pop() if idle else _Worker(self.context, started)
                    task = pending.popleft()
                    worker.connection.send(task)
                    busy[worker.connection] = (worker, task, time.monotonic() + self.task_limit)
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                nearest = min(deadline for *_, deadline in busy.values())
                ready = wait(list(busy), timeout=max(0.0, nearest - time.monotonic()))
                now = time.monotonic()
                for connection in list(busy):
                    worker, task, deadline = busy[connection]
                    if connection in ready:
                        received = worker.receive()
                        if received is None and deaths.get(task.key, 0) < RETRIES:
                            deaths[task.key] = deaths.get(task.key, 0) + 1
                            del busy[connection]
                            pending.appendleft(task)
                            continue
                        outcome = received if received is not None else WorkerError(
                            str(task.path), f"its worker process died while processing it, {RETRIES + 1} times "
                                            f"(last exit code {worker.process.exitcode})")
                    elif now >= deadline:
                        worker.stop()
                        outcome = WorkerError(str(task.path), f"processing it took longer than {self.task_limit:g} s "
                                                              "and its worker was stopped")
                    else:
                        continue
                    del busy[connection]
                    if worker.alive:
                        idle.append(worker)
                    yield task, outcome
        finally:
            # Every worker started, not only the idle and busy ones: a Ctrl-C between a worker's start and its
            # entry in ``busy`` left one waiting for a task, and the scan's exit then waited for it for ever
            # (multiprocessing joins the children that are not daemons).
            # An idle worker is told to end and given a moment to stop its reading child, so that
            # child's CPU time is accounted; a busy one (Ctrl-C, or an error here) is stopped at once.
            holding = {id(worker) for worker, _, _ in busy.values()}
            for worker in started:
                if id(worker) not in holding:
                    worker.hang_up()
            for worker in started:
                worker.stop(grace=_GRACE if id(worker) not in holding else 0)

    def close(self) -> None:
        """Nothing to release: workers live as long as one ``run``."""


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: WorkContext, started: list[_Worker]):
        self.alive = False
        self.connection, theirs = multiprocessing.Pipe()
        gc.freeze()                          # what the scan loaded stays shared with the worker, not copied
        try:
            # Not a daemon: the worker forks a child to read the PDFs, which daemons may not.
            self.process: Any = multiprocessing.get_context("fork").Process(target=_serve, args=(theirs, context))
            self.alive = True
            started.append(self)
            self.process.start()
        finally:
            gc.unfreeze()
        theirs.close()

    def receive(self) -> Optional[Outcome]:
        """The outcome the worker sends, or None when it died."""
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            self.process.join(5)
            self.stop()
            return None

    def hang_up(self) -> None:
        """Tell the worker there is no more work. (Closing the pipe would not: the workers forked after this one
        hold a copy of its end.)"""
        if self.alive:
            try:
                self.connection.send(None)
            except OSError:                  # it died: stop() reaps it
                pass

    def stop(self, grace: float = 0) -> None:
        """Stop the worker: kill it if it has not ended within ``grace`` seconds (after ``hang_up``)."""
        if self.alive:
            self.alive = False
            self.connection.close()
            if self.process.pid is None:         # stopped before it started
                return
            if grace:
                self.process.join(grace)
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)


def _serve(connection: Connection, context: WorkContext) -> None:
    """A worker's life: do each task that arrives and send back its outcome, until the scan hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the scan's to handle
    die_with_parent()
    # Labelling makes many short-lived objects (tokens, matches, records) that reference counting frees: collect
    # less often, as the reading child does.
    gc.set_threshold(READER_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):
                return
            if task is None:                 # no more work
                return
            connection.send(perform(task, context))
    finally:
        context.close()
