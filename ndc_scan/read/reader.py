"""Reading one PDF safely: in a child process, with a time limit.

A PDF can make a parser loop for ever, exhaust memory or crash the process
(PDFium is C code). Each file is therefore read by ``formats.read_document`` in a
forked child; the parent waits at most ``timeout`` seconds, then stops the
child and reports the file, so one bad file never costs the rest of a batch.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Optional, TypeVar

from ..errors import CorruptPdfError, ExtractionTimeoutError, InputFileError
from ..records import Page
from .formats import read_document
from .ocr import OcrSettings

DEFAULT_TIMEOUT = 600.0       # seconds per document; OCR of a long scan needs minutes

K = TypeVar("K")
#: What reading one file gives: its pages and the PDF's metadata (Title, Author, ...).
ReadResult = tuple[list[Page], dict[str, str]]


@dataclass(frozen=True)
class Reader:
    password: Optional[str] = None
    timeout: float = DEFAULT_TIMEOUT
    ocr: Optional[OcrSettings] = None
    engine: str = "pdfplumber"

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
        pending = list(items)[::-1]
        running: dict[Connection, tuple[K, Path, Any, float]] = {}     # receiver → (key, path, process, deadline)
        try:
            while pending or running:
                while pending and len(running) < max(1, workers):
                    key, path, doc_id = pending.pop()
                    receiver, sender = context.Pipe(duplex=False)
                    child = context.Process(target=_child, args=(sender, path, doc_id, self.password, self.ocr, self.engine),
                                            daemon=True)
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
                        outcome = ExtractionTimeoutError(
                            str(path), f"reading took longer than {self.timeout:g} s and was stopped",
                            remedy=f"raise --timeout (now {self.timeout:g}), or check the file: it may make the PDF reader loop")
                    else:
                        continue
                    del running[receiver]
                    _stop(receiver, child)
                    yield key, outcome
        finally:
            for receiver, (_, _, child, _) in running.items():
                _stop(receiver, child)

    @staticmethod
    def _receive(receiver, path: Path, child):
        try:
            status, payload = receiver.recv()
        except EOFError:
            child.join(5)
            return CorruptPdfError(str(path), f"the PDF reader crashed on it (exit code {child.exitcode})")
        return payload


def die_with_parent() -> None:
    """Ask Linux to kill this child when the scan process dies (kill -9 included)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):    # not Linux: the child ends after its file anyway
        pass


_PR_SET_PDEATHSIG = 1


def _stop(receiver, child) -> None:
    receiver.close()
    if child.is_alive():
        child.kill()
    child.join(5)


def _child(sender, path, doc_id, password, ocr, engine) -> None:
    """Runs in the forked child: read the PDF and send the result or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    die_with_parent()
    try:
        result: tuple[str, ReadResult | InputFileError] = (
            "ok", read_document(path, doc_id, password=password, ocr=ocr, engine=engine))
    except InputFileError as exc:
        result = ("error", exc)
    except MemoryError:
        result = ("error", CorruptPdfError(str(path), "needs more memory than is available to read"))
    except Exception as exc:
        result = ("error", CorruptPdfError(str(path), f"cannot be parsed ({type(exc).__name__}: {exc})"))
    try:
        sender.send(result)
    finally:
        sender.close()
        os._exit(0)
