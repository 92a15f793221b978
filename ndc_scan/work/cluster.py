"""Scale-out on Dask: each file's read + label work as a task on a ``dask.distributed`` cluster.

``--executor dask --scheduler tcp://HOST:8786`` (or ``NDC_SCAN_SCHEDULER``) sends the tasks
to the workers of a running cluster; without a scheduler address a ``LocalCluster`` of
``--jobs`` worker processes is started for the scan. The scan's ``WorkContext`` (taxonomy,
classifier and model, reader settings) is sent to every worker once, as a worker plugin, so that
a worker that joins or replaces a dead one during the scan gets it too; each worker keeps its
spaCy pipelines between tasks, reads PDFs in a child process of its own (time limit, memory
cap, crash isolation per file, as on one machine) and returns finished records: the store is written by
this process only, so results are the same as a local scan's.

A worker that dies while it holds a file (killed, out of memory, its machine gone) costs only
that file: Dask gives it to another worker once (``distributed.scheduler.allowed-failures``,
set to 1 for the clusters started here), and a second death makes it a failure row.

Workers need: the same version of ndc-scan (and its dependencies, Tesseract for OCR) as this
machine; the input files at the same paths (a shared file system); and to run as non-daemon
processes (``DASK_DISTRIBUTED__WORKER__DAEMON=False``), since they start a reading child.
"""

from __future__ import annotations

import functools
import itertools
import logging
import multiprocessing
import socket
import uuid
from collections.abc import Callable, Generator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Optional

from ..classify.label import labels_version
from ..errors import UnreadableFileError, UsageError, WorkerError
from .tasks import Outcome, ReadTask, Task, WorkContext, perform

log = logging.getLogger(__name__)

#: How many times Dask runs a task again after the worker running it died (clusters started here).
ALLOWED_FAILURES = 1
#: Tasks sent ahead per worker thread: enough to keep every worker busy, few enough to keep memory flat.
TASKS_AHEAD = 4


class DaskExecutor:
    """Runs tasks on a Dask cluster (``--executor dask``): the one at ``scheduler``, or a LocalCluster of ``workers``."""

    def __init__(self, context: WorkContext, *, scheduler: Optional[str] = None, workers: int = 2):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise UsageError("--executor dask needs Dask, which is not installed",
                             remedy="install it: pip install 'dask[distributed]' (or pip install 'ndc-scan[dask]')") from exc
        self.context = context
        self._cluster: Any = None
        # Workers start a child process for each PDF, which daemon processes may not do.
        self._config = dask.config.set({"distributed.worker.daemon": False})
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
            else:
                self._cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR,
                                             scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES})
                self.client = Client(self._cluster)
            self.address = str(scheduler or self._cluster.scheduler_address)
        except OSError as exc:
            self._config.__exit__(None, None, None)
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler} ({exc})",
                             remedy="check the address (tcp://HOST:8786) and that the scheduler is running") from exc
        try:
            self._check_workers()
            self._plugin = _plugin_class()(context)
            self.client.register_plugin(self._plugin)
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        """Every worker has this ndc-scan and may start child processes; say clearly what to fix otherwise."""
        where = self.address
        try:
            found = self.client.run(_worker_facts)
        except (ImportError, AttributeError) as exc:
            raise UsageError(f"the Dask workers of {where} cannot run ndc-scan ({type(exc).__name__}: {exc})",
                             remedy="install the same ndc-scan on every worker (pip install ndc-scan)") from exc
        if not found:
            raise UsageError(f"the Dask cluster at {where} has no workers", remedy="start workers: dask worker " + where)
        ours = _worker_facts()
        for address, facts in sorted(found.items()):
            if (facts["version"], facts["labels"]) != (ours["version"], ours["labels"]):
                raise UsageError(f"Dask worker {address} has ndc-scan {facts['version']} (labelling code {facts['labels']}), "
                                 f"this machine {ours['version']} ({ours['labels']})",
                                 remedy="install the same ndc-scan, from the same checkout or wheel, on every worker")
            if facts["daemon"]:
                raise UsageError(f"Dask worker {address} runs as a daemon process, which may not start the child "
                                 "process ndc-scan reads each PDF in",
                                 remedy="start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their "
                                        "environment (or dask worker --no-nanny)")

    def run(self, tasks: list[Task], *, meanwhile: Optional[Callable[[], object]] = None
            ) -> Generator[tuple[Task, Outcome], None, None]:
        """Yield ``(task, outcome)`` as tasks finish; ``meanwhile`` runs here once the first tasks are submitted."""
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        queue = iter(tasks)
        submitted: dict[str, Task] = {}

        def submit(n: int) -> list:
            futures = []
            for task in itertools.islice(queue, n):
                key = f"ndc-scan-{task.key}-{uuid.uuid4().hex[:12]}"
                futures.append(self.client.submit(_perform_on_worker, self._plugin.token, task, key=key, pure=False))
                submitted[key] = task
            return futures

        running = as_completed(submit(TASKS_AHEAD * threads), with_results=True, raise_errors=False)
        if meanwhile is not None:
            meanwhile()
        try:
            for future, result in running:
                task = submitted.pop(future.key)
                running.update(submit(1))
                yield task, _outcome(task, future.status, result)
        finally:
            if submitted:
                self.client.cancel(list(running.futures))

    def close(self) -> None:
        try:
            if getattr(self, "_plugin", None) is not None and self._cluster is None:
                try:                        # a cluster of others: do not leave the model in its workers' memory
                    self.client.unregister_worker_plugin(self._plugin.name)
                except Exception:           # closing anyway; the workers drop it when they stop
                    log.debug("unregistering the worker plugin failed", exc_info=True)
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
            self._config.__exit__(None, None, None)


def _outcome(task: Task, status: str, result: Any) -> Outcome:
    """What came back for a task: perform()'s outcome, or the error that stopped it on the cluster.

    For an erred task, ``as_completed(raise_errors=False)`` gives ``(type, exception, traceback)``;
    for a cancelled one, the ``CancelledError``.
    """
    if status == "finished":
        return result
    error = result[1] if isinstance(result, tuple) else result
    if type(error).__name__ == "KilledWorker":       # the scheduler's allowed-failures + 1 workers died on it
        deaths = getattr(error, "allowed_failures", ALLOWED_FAILURES) + 1
        return WorkerError(str(task.path), f"the Dask workers processing it died {deaths} times")
    return WorkerError(str(task.path), f"failed on the Dask cluster ({type(error).__name__}: {error})")


#: The scans' contexts on this worker, by token (set up by _ContextPlugin).
_CONTEXTS: dict[str, WorkContext] = {}


class _ContextSetup:
    """Puts a scan's WorkContext on every worker of the cluster, those that start later included.

    (A context scattered as data is lost with the worker that held it; a plugin is set up again on each new worker.)
    The plugin Dask runs is ``_ContextPlugin``: this class with Dask's ``WorkerPlugin``, made on first use
    (``_plugin_class``), so that a scan without Dask never imports it (0.2 s of every command).
    """

    def __init__(self, context: WorkContext):
        self.token = uuid.uuid4().hex
        self.name = f"ndc-scan-context-{self.token}"
        self.context = context

    def setup(self, worker: Any) -> None:
        _CONTEXTS[self.token] = self.context

    def teardown(self, worker: Any) -> None:
        context = _CONTEXTS.pop(self.token, None)
        if context is not None:
            context.close()


@functools.cache
def _plugin_class() -> type:
    """``_ContextPlugin``: ``_ContextSetup`` as a Dask ``WorkerPlugin`` (one class per process, made on first use)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    return type("_ContextPlugin", (_ContextSetup, WorkerPlugin),
                {"__module__": __name__, "__qualname__": "_ContextPlugin", "__doc__": _ContextSetup.__doc__})


def __getattr__(name: str) -> Any:
    """Workers unpickle the plugin by its name, ``ndc_scan.work.cluster._ContextPlugin``."""
    if name == "_ContextPlugin":
        return _plugin_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _perform_on_worker(token: str, task: Task) -> Outcome:
    """A Dask task: one file's work on a worker (the context is the same object for every task of the worker)."""
    context = _CONTEXTS.get(token)
    if context is None:
        return WorkerError(str(task.path), f"the Dask worker on {socket.gethostname()} did not get this scan's settings",
                           remedy="run the scan again; if it happens again, restart the Dask workers")
    if isinstance(task, ReadTask) and not Path(task.path).exists():
        return UnreadableFileError(str(task.path), f"is not found on the Dask worker on {socket.gethostname()}",
                                   remedy="workers must see the input files at the same path as the scan's "
                                          "machine: put them on a shared file system")
    return perform(task, context)


def _worker_facts() -> dict[str, Any]:
    try:
        installed = version("ndc-scan")
    except PackageNotFoundError:
        installed = "not installed"
    return {"version": installed, "labels": labels_version(), "daemon": bool(multiprocessing.current_process().daemon)}
