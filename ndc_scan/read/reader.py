"""Reading one PDF safely: in a child process, with a time limit and a memory cap.

A PDF can make a parser loop for ever, exhaust memory or crash the process
(PDFium is C code). Each file is therefore read by ``formats.read_document`` in a
forked child; the parent waits at most ``timeout`` seconds, then stops the
child and reports the file, so one bad file never costs the rest of a batch.
The child may grow by at most ``max_memory`` bytes of address space
(``RLIMIT_AS``, inherited by Tesseract): a PDF that inflates a stream to
gigabytes fails fast with "uses too much memory" instead of swapping.
"""

from __future__ import annotations

import ctypes
import faulthandler
import gc
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Optional, TypeVar

from ..errors import CorruptPdfError, ExtractionTimeoutError, InputFileError, TooMuchMemoryError, UsageError
from ..records import Page
from .formats import read_document
from .ocr import OcrSettings
from .pages import prepare

DEFAULT_TIMEOUT = 600.0       # seconds per document; OCR of a long scan needs minutes
DEFAULT_MAX_MEMORY = 2 << 30  # bytes one reader may add to what it starts with (see --max-memory)

K = TypeVar("K")
#: What reading one file gives: its pages and the PDF's metadata (Title, Author, ...).
ReadResult = tuple[list[Page], dict[str, str]]


@dataclass(frozen=True)
class Reader:
    password: Optional[str] = None
    timeout: float = DEFAULT_TIMEOUT
    ocr: Optional[OcrSettings] = None
    engine: str = "pdfplumber"
    max_memory: Optional[int] = DEFAULT_MAX_MEMORY     # None: no cap

    def __post_init__(self) -> None:
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"timeout {self.timeout!r}: must be a finite number of seconds above 0",
                             remedy="pass --timeout SECONDS, e.g. --timeout 600")
        if self.max_memory is not None and self.max_memory <= 0:
            raise UsageError(f"max_memory {self.max_memory!r}: must be a number of bytes above 0, or None for no cap",
                             remedy="pass --max-memory SIZE, e.g. --max-memory 2G")

    def read(self, path: Path, doc_id: str) -> ReadResult:
        """(pages, pdf info) of ``path``; raises an InputFileError naming the file."""
        for _, outcome in self.read_many([(None, path, doc_id)]):
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        raise AssertionError("read_many yielded nothing")   # pragma: no cover

    def read_many(self, items: Iterable[tuple[K, Path, str]],
                  workers: int = 1) -> Generator[tuple[K, ReadResult | InputFileError], None, None]:
        """Read ``(key, path, doc_id)`` items with up to ``workers`` child processes at once.

        Yields ``(key, (pages, info))`` or ``(key, InputFileError)`` as each file
        finishes (not in input order). Closing the generator stops every child.
        """
        context = multiprocessing.get_context("fork")
        prepare(self.engine)                 # imported once here, not again in every file's child
        pending = list(items)[::-1]
        running: dict[Connection, tuple[K, Path, Any, float]] = {}     # receiver → (key, path, process, deadline)
        try:
            while pending or running:
                while pending and len(running) < max(1, workers):
                    key, path, doc_id = pending.pop()
                    receiver, sender = context.Pipe(duplex=False)
                    child = context.Process(target=_child, daemon=True, args=(
                        sender, path, doc_id, self.password, self.ocr, self.engine, self.max_memory))
                    child.start()
                    sender.close()
                    running[receiver] = (key, path, child, time.monotonic() + self.timeout)
                nearest = min(deadline for *_, deadline in running.values())
                ready = wait(list(running), timeout=max(0.0, nearest - time.monotonic()))
                now = time.monotonic()
                for receiver in list(running):
                    key, path, child, deadline = running[receiver]
                    if receiver in ready:
                        outcome = self._receive(receiver, path, child)
                    elif now >= deadline:
                        outcome = self._timed_out(path)
                    else:
                        continue
                    del running[receiver]
                    _stop(receiver, child)
                    yield key, outcome
        finally:
            for receiver, (_, _, child, _) in running.items():
                _stop(receiver, child)

    def _receive(self, receiver, path: Path, child):
        try:
            status, payload = receiver.recv()
        except EOFError:
            return self._crash(path, child)
        return payload

    def _timed_out(self, path: Path) -> ExtractionTimeoutError:
        """The error of a file whose reading was stopped at the time limit."""
        return ExtractionTimeoutError(
            str(path), f"reading took longer than {self.timeout:g} s and was stopped",
            remedy=f"raise --timeout (now {self.timeout:g}), or check the file: it may make the PDF reader loop")

    def _crash(self, path: Path, child) -> CorruptPdfError:
        """The error of a file whose reading child died (crashed, or killed) before it answered."""
        child.join(5)
        crash = CorruptPdfError(str(path), f"the PDF reader crashed on it (exit code {child.exitcode})")
        if self.max_memory is not None and child.exitcode in _MEMORY_SIGNALS:
            # PDFium aborts when an allocation fails; the cap is the likely cause, though not a certain one
            crash.remedy += f"; if it ran out of memory, raise --max-memory (now {_size(self.max_memory)})"
        return crash


class ReadingSession:
    """One reading child that reads file after file, for a process that reads many (a scan's worker).

    Starting a child per file (``Reader.read``) forks the whole worker each time (its taxonomy, model
    and spaCy pipelines): that cost 0.05 s of CPU a file, an eighth of a PDFium scan's CPU (8 of 66 s for
    the 178 corpus NDCs at --jobs 1, mostly the kernel's work of forking and copying). The session's child
    is forked once and kept, with the same time limit, memory cap and crash isolation per file: a file
    that crashes it or takes too long is reported as ``Reader.read`` reports it, and the next file gets a
    new child. Each file may grow the child by the whole cap from where it stands when the file arrives
    (the limit is set again per file), so what a file gives does not depend on the files before it. A
    child whose file failed, or that has kept more than a quarter of the cap, is replaced for the next
    file. The child says it has a file before reading it: one that died between files (killed) is
    replaced and the file sent again, instead of the file being blamed for a crash it did not cause.
    """

    def __init__(self) -> None:
        self._child: Any = None
        self._connection: Optional[Connection] = None
        self._cap: Optional[int] = None

    @property
    def pid(self) -> Optional[int]:
        """The process id of the child that reads the next file, if it is running."""
        return self._child.pid if self._child is not None else None

    def read(self, reader: Reader, path: Path, doc_id: str) -> ReadResult:
        """(pages, pdf info) of ``path`` read with ``reader``'s settings; raises an InputFileError naming the file."""
        deadline = time.monotonic() + reader.timeout
        connection, child = self._hand_over(reader, (path, doc_id, reader.password, reader.ocr, reader.engine), deadline)
        if not wait([connection], timeout=max(0.0, deadline - time.monotonic())):
            self.close()
            raise reader._timed_out(path)
        try:
            status, payload, keep = connection.recv()
        except (EOFError, OSError):
            error = reader._crash(path, child)
            self.close()
            raise error from None
        if not keep:
            self.close()
        if status == "error":
            raise payload
        return payload

    def _hand_over(self, reader: Reader, request: tuple, deadline: float) -> tuple[Connection, Any]:
        """Give the file to a child (pipe, process) that says it has it. A child that died between files (the
        kernel's out-of-memory killer, an operator's kill) cannot say so: a new child takes the file."""
        path = request[0]
        for attempt in range(2):
            if self._child is None or self._cap != reader.max_memory:
                self._start(reader)
            connection, child = self._connection, self._child
            assert connection is not None
            try:
                connection.send(request)
                if not wait([connection], timeout=max(0.0, deadline - time.monotonic())):
                    self.close()
                    raise reader._timed_out(path)
                connection.recv()
                return connection, child
            except (EOFError, OSError):
                if attempt:
                    error = reader._crash(path, child)
                    self.close()
                    raise error from None
                self.close()
        raise AssertionError("unreachable")     # pragma: no cover

    def _start(self, reader: Reader) -> None:
        self.close()
        prepare(reader.engine)               # imported here once, not in each child (within its memory cap)
        context = multiprocessing.get_context("fork")
        with _STARTING:                      # no other thread's child inherits this pipe (Dask runs threads)
            self._connection, theirs = context.Pipe()
            self._child = context.Process(target=_serve_reads, daemon=True, args=(theirs, reader.max_memory))
            self._child.start()
            theirs.close()
        self._cap = reader.max_memory

    def close(self) -> None:
        """Stop the child (the next ``read`` starts another)."""
        if self._child is not None:
            assert self._connection is not None
            _stop(self._connection, self._child)
        self._child = self._connection = None


def die_with_parent() -> None:
    """Ask Linux to kill this child when the scan process dies (kill -9 included)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):    # not Linux: the child ends after its file anyway
        pass


_PR_SET_PDEATHSIG = 1
#: The reading child's first collector threshold (Python's default: 700). pdfminer and the layout code allocate
#: millions of short-lived objects that reference counting frees; a collection every 700 of them cost a tenth to a
#: quarter of pdfplumber's reading time. The child lives for one file: its cyclic garbage is bounded by that file.
READER_GC_THRESHOLD = 50_000
#: Held while a session forks its child and closes the child's end of the pipe, so that no other thread's child
#: (Dask runs tasks in threads) inherits that end and keeps the pipe open after the child dies.
_STARTING = threading.Lock()
#: Exit codes of a child killed by the signals a failed allocation ends in (abort, segmentation fault, bus error).
_MEMORY_SIGNALS = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS)


def _stop(receiver, child) -> None:
    receiver.close()
    if child.is_alive():
        child.kill()
    child.join(5)


def _cap_memory(max_memory: Optional[int]) -> None:
    """Let this process's address space grow by at most ``max_memory`` bytes (Linux: RLIMIT_AS)."""
    start = _address_space()
    if max_memory is None or not start:     # not Linux: no cap
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = start + max_memory if hard == resource.RLIM_INFINITY else min(start + max_memory, hard)
    if limit < 1 << 62:                   # beyond that, no machine can run out first: no cap
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))     # the hard limit stays: it may be set again


def _too_much_memory(path, max_memory: Optional[int]) -> InputFileError:
    if max_memory is None:
        return TooMuchMemoryError(str(path), "uses more memory than this machine has",
                                  remedy="check the file: it makes the PDF reader use too much memory")
    return TooMuchMemoryError(str(path), f"uses too much memory (more than {_size(max_memory)}) and was stopped",
                              remedy=f"raise --max-memory (now {_size(max_memory)}), or check the file: "
                                     "it may hold a stream that unpacks to gigabytes")


def _out_of_memory(exc: BaseException) -> bool:
    """Whether a MemoryError lies behind ``exc`` (parsers wrap it: pdfminer in a PdfminerException)."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        if isinstance(item, MemoryError):
            return True
        seen.add(id(item))
        stack += [item.__cause__, item.__context__, *item.args]
    return False


def _size(n_bytes: int) -> str:
    return f"{n_bytes / (1 << 30):g} GB" if n_bytes >= 1 << 30 else f"{n_bytes / (1 << 20):g} MB"


def _become_reader(max_memory: Optional[int]) -> None:
    """What a reading child does first: leave Ctrl-C and crashes to its parent, die with it, cap its memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    faulthandler.disable()                          # a crash is reported by the parent, not dumped on the console
    die_with_parent()
    gc.freeze()                                     # what the worker holds is never the reading's garbage: not walked
    gc.set_threshold(READER_GC_THRESHOLD, *gc.get_threshold()[1:])
    _cap_memory(max_memory)


def _read_one(path, doc_id, password, ocr, engine, max_memory) -> tuple[str, ReadResult | InputFileError]:
    """("ok", (pages, info)) or ("error", the InputFileError that says why the file cannot be read)."""
    try:
        return "ok", read_document(path, doc_id, password=password, ocr=ocr, engine=engine)
    except InputFileError as exc:
        return "error", _too_much_memory(path, max_memory) if _out_of_memory(exc) else exc
    except MemoryError:
        return "error", _too_much_memory(path, max_memory)
    except Exception as exc:
        return "error", CorruptPdfError(str(path), f"cannot be parsed ({type(exc).__name__}: {exc})")


def _child(sender, path, doc_id, password, ocr, engine, max_memory) -> None:
    """Runs in the forked child: read the PDF and send the result or the error."""
    try:
        _become_reader(max_memory)
        _send(sender, _read_one(path, doc_id, password, ocr, engine, max_memory), path, max_memory)
    finally:
        sender.close()
        os._exit(0)


def _serve_reads(connection, max_memory: Optional[int]) -> None:
    """A session's child: for each file asked for, say it has it, read it and send (status, result, whether this
    child goes on). Each file may make the child grow by ``max_memory`` from where it stands when the file arrives."""
    try:
        _become_reader(None)
        # Grown by a quarter of its cap (by 1 GB at most, without a cap), the child is replaced after its file.
        limit = _address_space() + min(max_memory or 4 << 30, 4 << 30) // 4
        while True:
            try:
                request = connection.recv()
            except (EOFError, OSError):
                return
            connection.send(None)
            path, doc_id, password, ocr, engine = request
            _cap_memory(max_memory)
            status, payload = _read_one(path, doc_id, password, ocr, engine, max_memory)
            gc.collect()                            # the file's cycles, before measuring what the child keeps
            keep = status == "ok" and _address_space() < limit
            _send(connection, (status, payload, keep), path, max_memory)
            del payload
            if not keep:
                return
    finally:
        connection.close()
        os._exit(0)


def _send(connection, result: tuple, path, max_memory: Optional[int]) -> None:
    """Send a reading's result; one too big to pickle within the memory cap is sent as that error (not a crash)."""
    try:
        connection.send(result)
    except MemoryError:
        error: tuple = ("error", _too_much_memory(path, max_memory))
        connection.send(error + (False,) * (len(result) - len(error)))      # a session's child: not kept


def _address_space() -> int:
    """This process's address space in bytes (VmSize), 0 where /proc cannot tell."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return 0
