"""One file's work, done in a worker: read → describe → segment → tag → classify; or label stored passages.

A worker (a process forked from the scan, or a Dask worker) receives the scan's
``WorkContext`` once — taxonomy, classifier (with its model), reader settings — and
then ``Task`` after ``Task``; it returns finished records (``ScannedDocument``,
``Labelling``) or the ``InputFileError`` that says why a file could not be read. The
scan process only writes what comes back to the store, one transaction per document,
so results do not depend on how many workers there are or where they run.

The PDF itself is read in a child of the worker (``read.reader.ReadingSession``: time limit,
memory cap and crash isolation per file; one child reads file after file); spaCy's pipelines
are built in the worker the first time a document of their language arrives, and kept for the
next ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Protocol, Union

from ..classify.label import labelling, ordered_matches
from ..classify.protocol import Classifier
from ..errors import InputFileError, InternalError
from ..fingerprints import key, package_hash
from ..passages.segment import segment
from ..passages.tag import SPACY_LANGS, Tagger
from ..read.formats import extractor_for, front
from ..read.metadata import infer_meta
from ..read.ocr import installed_languages_for
from ..read.overrides import Overrides, apply_overrides
from ..read.reader import Reader, ReadingSession, ReadResult
from ..records import TAGGED_KINDS, Document, DocumentMeta, KeptLabelling, Labelling, Passage, ScannedDocument
from ..taxonomy import Taxonomy
from ..textnorm import shown_name

log = logging.getLogger(__name__)

#: Pages whose text metadata inference reads (the title page and the next ones).
FRONT_PAGES = 3


@dataclass(frozen=True)
class ReadTask:
    """Read a file and label it."""

    key: int                     # the input's position among the scan's files (report order)
    path: Path
    doc_id: str                  # SHA-256 of the file
    n_bytes: int
    fmt: str = "pdf"             # read.formats.format_of: pdf, docx, html, text, convert


@dataclass(frozen=True)
class LabelTask:
    """Label a stored document's passages under this scan's taxonomy and classifier.

    ``earlier``: (taxonomy hash, its matches, ``Store.matches``) of a labelling the document keeps when tagging it
    again finds exactly those matches: then nothing is classified (no model loaded).
    """

    key: int
    document: Document
    passages: tuple              # tuple[Passage, ...]: its tagged passages, in reading order
    earlier: Optional[tuple[str, tuple]] = None

    @property
    def path(self) -> Path:
        return Path(self.document.path)


Task = Union[ReadTask, LabelTask]
Outcome = Union[ScannedDocument, Labelling, KeptLabelling, InputFileError, InternalError]


class Executor(Protocol):
    """Runs tasks in workers and hands back each one's outcome as it finishes (in any order)."""

    def run(self, tasks: list[Task], *, meanwhile: Optional[Callable[[], object]] = None):
        """Yield ``(task, outcome)`` pairs; closing the generator stops the work still under way. ``meanwhile``
        runs in this process once the first tasks are under way (work of its own while it waits)."""

    def close(self) -> None:
        """Release the workers."""


class WorkContext:
    """What every task of one scan needs; sent to (or inherited by) each worker once.

    The tagger and its spaCy pipelines are built in the worker, lazily per language, and
    are never sent: a context crosses to a worker before any pipeline is built.
    """

    def __init__(self, taxonomy: Taxonomy, classifier: Classifier, reader: Reader, *,
                 overrides: Optional[Overrides] = None, lang: Optional[str] = None):
        self.taxonomy, self.classifier, self.reader = taxonomy, classifier, reader
        self.overrides, self.lang = overrides or {}, lang
        self._tagger: Optional[Tagger] = None
        self._sessions = threading.local()   # each worker thread's reading child (read.reader.ReadingSession)
        self._opened: list[ReadingSession] = []
        #: What a document's metadata is inferred from besides its name and stored text (``meta_key``).
        self._meta_inputs = key(package_hash(), self.overrides, lang)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_tagger": None, "_sessions": None, "_opened": []}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _sessions=threading.local())

    def read(self, path: Path, doc_id: str) -> ReadResult:
        """(pages, pdf info) of a file, read in this thread's long-lived reading child."""
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = self._sessions.session = ReadingSession()
            self._opened.append(session)
        return session.read(self.reader_for(path, doc_id), path, doc_id)

    def close(self) -> None:
        """Stop the reading children of this process's threads (a worker's last act)."""
        for session in self._opened:
            session.close()

    @property
    def tagger(self) -> Tagger:
        if self._tagger is None:
            self._tagger = Tagger(self.taxonomy)
        return self._tagger

    def share_imports(self) -> None:
        """Import now what every worker would import for its first documents, in the process that forks them (shared
        copy-on-write, imported once instead of once per worker): spaCy's language classes (French's tokenizer rules
        take 2.3 s of CPU to compile) and langdetect's language profiles (0.4 s). Each worker still builds the
        pipelines of the languages it meets."""
        from langdetect import detector_factory
        from spacy.util import get_lang_class

        for lang in (*SPACY_LANGS, "xx"):
            get_lang_class(lang)
        detector_factory.init_factory()

    def label(self, document: Document, passages: list[Passage]) -> Labelling:
        """Tag and classify a document's tagged passages."""
        return labelling(document, passages, self.tagger, self.classifier, self.taxonomy)

    def label_again(self, document: Document, passages: list[Passage],
                    earlier: Optional[tuple[str, tuple]]) -> Labelling | KeptLabelling:
        """A stored document's labels under this scan's taxonomy; with ``earlier`` (``LabelTask``), that labelling
        is kept when tagging finds the same matches (the labels would be the same: nothing is classified)."""
        found = self.tagger.tag(passages, document.meta.language)
        if earlier is not None and ordered_matches(passages, found) == earlier[1]:
            return KeptLabelling(document.doc_id, earlier[0])
        return labelling(document, passages, self.tagger, self.classifier, self.taxonomy, found)

    def reader_for(self, path: Path, doc_id: str) -> Reader:
        """The reader, told to OCR in the file's language when the --metadata file gives it (and --lang does not)."""
        ocr = self.reader.ocr
        if ocr is None or ocr.languages or not self.overrides:
            return self.reader
        given = apply_overrides(DocumentMeta(None, None, None, None, None), self.overrides, file_name=path.name,
                                sha256=doc_id).language
        languages = installed_languages_for(given)
        return replace(self.reader, ocr=replace(ocr, languages=languages)) if languages else self.reader

    def describe(self, path: Path, doc_id: str, n_bytes: int, front: str, info: Optional[dict[str, str]]) -> Document:
        """The document record of a file: metadata inferred from its name, front pages and PDF info, then --metadata."""
        meta = infer_meta(path.name, front, pdf_info=info, language_hint=self.lang)
        if self.overrides:
            meta = apply_overrides(meta, self.overrides, file_name=path.name, sha256=doc_id)
        return self.document(path, doc_id, n_bytes, meta)

    @staticmethod
    def document(path: Path, doc_id: str, n_bytes: int, meta: DocumentMeta) -> Document:
        """The document record of a file found at ``path``, with this metadata."""
        # names as text that UTF-8 can hold and a terminal shows on one line (shown_name)
        return Document(doc_id=doc_id, path=shown_name(path), file_name=shown_name(path.name), n_bytes=n_bytes,
                        meta=meta)

    def meta_key(self, path: Path) -> str:
        """The key of everything ``describe`` reads for the file at ``path`` besides its own bytes (which the
        document id names): its name, --lang, the --metadata rows and this code. A stored document with this
        key keeps its stored metadata; another key infers it again."""
        return key(self._meta_inputs, path.name)


def perform(task: Task, context: WorkContext) -> Outcome:
    """Do one task; an input file that cannot be processed comes back as its error, never raised."""
    try:
        if isinstance(task, LabelTask):
            return context.label_again(task.document, list(task.passages), task.earlier)
        return _read_and_label(task, context)
    except InputFileError as exc:
        return exc
    except Exception as exc:             # a bug: the batch carries on without this file, and says so
        log.debug("processing %s failed", task.path, exc_info=True)
        return InternalError(exc, path=task.path)     # its stage and line cross to the scan, which records it


def _read_and_label(task: ReadTask, context: WorkContext) -> ScannedDocument:
    pages, info = context.read(task.path, task.doc_id)
    document = context.describe(task.path, task.doc_id, task.n_bytes, front(pages, task.fmt, FRONT_PAGES), info)
    passages = tuple(segment(pages))
    labelling = context.label(document, [p for p in passages if p.kind in TAGGED_KINDS])
    return ScannedDocument(document=document, pages=tuple(pages), passages=passages, pdf_info=info,
                           extractor=extractor_for(task.fmt, context.reader.engine), ocr_tried=context.reader.ocr is not None,
                           labelling=labelling)

