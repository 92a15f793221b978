"""The scan: plan → read → label → aggregate → report, over a batch of files.

``scan()`` is the Python API behind ``ndc-scan scan``. A file that fails is
recorded with its reason and the batch carries on; unchanged files are not
re-extracted and stored passages are re-tagged only when the taxonomy or the
classifier changed.

* **plan** — find the input files, fingerprint them, and sort them into documents the
  store holds already and files to read;
* **read** — read each new file in a child process (``read.reader``), segment it and write
  it to the store (one transaction per document);
* **label** — tag and classify the passages of each document as soon as it is stored or
  found, unless its labels for this taxonomy and classifier are stored already; then make
  this taxonomy's labels the ones that count;
* **aggregate** — build every report table (``aggregate.tables``); **report** writes them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Protocol

from .aggregate.citations import load_catalogs
from .aggregate.tables import Tables, build_tables
from .classify.hybrid import DEFAULT_BAND, HybridClassifier
from .classify.label import label_document
from .classify.model import Model, load_model
from .classify.protocol import Classifier
from .classify.rules import RuleClassifier
from .defaults import DEFAULT_STORE
from .errors import InputFileError, InternalError, NdcScanError, OcrUnavailableError
from .fetch.ledger import fetched_beside
from .passages.segment import segment
from .passages.tag import Tagger
from .read import ocr as ocr_stage
from .read.files import discover, fingerprint
from .read.formats import extractor_for, format_of, front
from .read.metadata import infer_meta
from .read.ocr import OcrSettings
from .read.overrides import Overrides, apply_overrides, load_metadata_csv
from .read.reader import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Reader, ReadResult
from .records import TAGGED_KINDS, Document, DocumentMeta, Failure, Passage
from .report.files import write_all
from .report.output import check_folder
from .store import Store
from .taxonomy import Taxonomy, load_taxonomy
from .textnorm import shown_name

log = logging.getLogger(__name__)

FRONT_PAGES = 3


@dataclass(frozen=True)
class ScanOptions:
    """Everything a scan can be told; each field is an ``ndc-scan scan`` option of the same name.

    ``out`` None writes no report. ``model`` is a folder made by ``ndc-scan train`` or a
    loaded ``Model`` (None: the rules alone). ``classifier`` replaces both: any object that
    fits ``classify.protocol.Classifier``.
    """

    out: Optional[str | Path] = "reports"
    store: str | Path = DEFAULT_STORE
    metadata: Optional[str | Path] = None
    lang: Optional[str] = None
    taxonomy: str | Path | Taxonomy | None = None
    all_versions: bool = False
    password: Optional[str] = None
    strict: bool = False
    ocr: bool = True
    timeout: float = DEFAULT_TIMEOUT
    max_memory: Optional[int] = DEFAULT_MAX_MEMORY     # bytes one file's reader may add; None: no cap
    jobs: int = 1
    engine: str = "pdfplumber"
    model: str | Path | Model | None = None
    review_band: tuple[float, float] = DEFAULT_BAND
    classifier: Optional[Classifier] = None
    catalogs: tuple[str | Path, ...] = ()     # registry catalogs for citations, beside the shipped ones


class Progress(Protocol):
    """What a scan reports as it goes (the CLI draws a bar with it)."""

    def start(self, total: int) -> None:
        """The number of input files, once they are found."""

    def advance(self, name: str) -> None:
        """One more file is finished (read, reused, skipped as a copy, or failed)."""


@dataclass
class ScanResult:
    """What a scan did: the documents, the failures, the tables and the files written."""

    documents: list[Document]            # in input order
    failures: list[Failure]
    tables: Tables
    written: list[Path] = field(default_factory=list)   # report files
    extracted: int = 0                   # documents read from PDF in this run
    reused: int = 0                      # documents found unchanged in the store
    retagged: int = 0                    # documents (re-)tagged in this run
    seconds: float = 0.0
    taxonomy_hash: str = ""
    warnings: list[str] = field(default_factory=list)  # run-level problems, e.g. OCR unavailable
    classifier: str = "rules"            # the method that labelled the passages

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class _Input:
    index: int                           # position among the input files (report order)
    path: Path
    doc_id: str
    n_bytes: int
    fmt: str = "pdf"                     # read.formats.format_of: pdf, docx, html, text, convert


@dataclass
class _Plan:
    """The input files sorted by what the scan must do with them."""

    total: int
    reuse: list[_Input] = field(default_factory=list)       # held by the store, extraction current
    read: list[_Input] = field(default_factory=list)        # to read from the file
    failures: dict[int, Failure] = field(default_factory=dict)
    copies: list[Path] = field(default_factory=list)         # same bytes as an earlier input


def scan(paths: Iterable[str | Path], options: Optional[ScanOptions] = None, *,
         progress: Optional[Progress] = None, **settings: object) -> ScanResult:
    """Scan files, folders or globs and write the reports; return what was done and the tables.

    Settings come from ``options`` and/or keywords of the same names, e.g.
    ``scan(["corpora/sample"], out="reports", jobs=2)``. Each file is read in a child
    process stopped after ``timeout`` seconds, ``jobs`` at once (the store is written by
    this process only). Pages without a usable text layer are OCR'd with Tesseract when
    ``ocr`` is true and Tesseract is installed (otherwise they are reported as unread, with
    a warning). With a ``model``, labels keep the rule evidence and the model probability,
    and are flagged for review when the two disagree, when the probability lies in
    ``review_band``, or when they carry a quantified target.
    """
    started = time.perf_counter()
    options = replace(options or ScanOptions(), **settings)     # type: ignore[arg-type]  # unknown names: TypeError
    tax = options.taxonomy if isinstance(options.taxonomy, Taxonomy) else load_taxonomy(options.taxonomy)
    overrides = load_metadata_csv(options.metadata) if options.metadata else {}
    files = discover(paths)
    fetched = fetched_beside(files)
    for ledger in fetched:                                     # the fetched.csv of ndc-scan fetch: --metadata too
        overrides = {**load_metadata_csv(ledger), **overrides}
    # A bad catalog fails before any file is read; the metadata files are catalogs too (hashes, registry rows).
    catalogs = load_catalogs((*options.catalogs, *fetched, *([options.metadata] if options.metadata else [])))
    if options.out is not None:
        check_folder(Path(options.out))              # before any file is read, not after the whole scan
    classifier, classifier_warnings = (options.classifier, []) if options.classifier else \
        _classifier(options.model, options.review_band, tax)
    ocr, ocr_warnings = _ocr_settings(options.ocr, options.lang)
    reader = Reader(password=options.password, timeout=options.timeout, engine=options.engine, ocr=ocr,
                    max_memory=options.max_memory)
    if progress:
        progress.start(len(files))
    with Store(options.store) as db, db.lock():
        labeller = _Labeller(db, Tagger(tax), classifier, tax)
        scanning = _Scanning(db, options, reader, overrides, labeller, progress)
        scan_plan = scanning.plan(files)
        found = scanning.reuse(scan_plan) | scanning.read(scan_plan)
        documents = [found[i] for i in sorted(found)]
        failures = [scan_plan.failures[i] for i in sorted(scan_plan.failures)]
        db.use_labelling([d.doc_id for d in documents], tax.hash)
        tables = build_tables(db, [d.doc_id for d in documents], failures, tax, all_versions=options.all_versions,
                              catalogs=catalogs)
    result = ScanResult(documents=documents, failures=failures, tables=tables, taxonomy_hash=tax.hash,
                        warnings=classifier_warnings + ocr_warnings, extracted=scanning.extracted,
                        reused=len(scan_plan.reuse), retagged=labeller.retagged, classifier=classifier.method)
    if options.out is not None:
        result.written = write_all(tables, Path(options.out), taxonomy=tax)
    result.seconds = time.perf_counter() - started
    return result


def load_tables(store: str | Path = DEFAULT_STORE, *, taxonomy: str | Path | Taxonomy | None = None,
                catalogs: Iterable[str | Path] = (), all_versions: bool = False) -> Tables:
    """The report tables of every document a store holds, as its last scans labelled them (nothing is read again).

    What ``ndc-scan briefs`` and ``ndc-scan compare`` start from; a missing store is a ``NoStoreError``.
    """
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    found = load_catalogs(tuple(catalogs))
    with Store(store, create=False) as db:
        return build_tables(db, db.document_ids(), [], tax, all_versions=all_versions, catalogs=found)


class _Labeller:
    """The label stage: each document as soon as it is stored or found (``classify.label.label_document``)."""

    def __init__(self, db: Store, tagger: Tagger, classifier: Classifier, tax: Taxonomy):
        self.db, self.tagger, self.classifier, self.tax = db, tagger, classifier, tax
        self.retagged = 0

    def __call__(self, document: Document, passages: Optional[list[Passage]] = None) -> None:
        self.retagged += label_document(self.db, document, self.tagger, self.classifier, self.tax, passages)


class _Scanning:
    """The plan and read stages of one scan, on one open store; each document is labelled as soon as it is stored."""

    def __init__(self, db: Store, options: ScanOptions, reader: Reader, overrides: Overrides, labeller: _Labeller,
                 progress: Optional[Progress]):
        self.db, self.options, self.reader, self.overrides = db, options, reader, overrides
        self.labeller, self.progress = labeller, progress
        self.extracted = 0

    def plan(self, files: list[Path]) -> _Plan:
        """Fingerprint every file; sort them into documents to reuse and files to read."""
        result = _Plan(total=len(files))
        first: dict[str, int] = {}
        for index, path in enumerate(files):
            try:
                doc_id, n_bytes = fingerprint(path)
            except InputFileError as exc:
                self._fail(result, index, path, exc)
                self._advance(path)
                continue
            if doc_id in first:
                log.info("%s is a copy of %s; counted once", path, files[first[doc_id]])
                result.copies.append(path)
                self._advance(path)
                continue
            first[doc_id] = index
            item = _Input(index, path, doc_id, n_bytes, format_of(path))
            current = self.db.is_current(doc_id, extractor_for(item.fmt, self.options.engine),
                                         ocr=self.reader.ocr is not None)
            (result.reuse if current else result.read).append(item)
        return result

    def reuse(self, plan: _Plan) -> dict[int, Document]:
        """Documents the store holds already; their metadata is inferred again (cheap: names or --metadata may change)."""
        found = {}
        for item in plan.reuse:
            try:
                stored = self.db.document(item.doc_id)
                document = self._document(item, front(self.db.pages(item.doc_id), item.fmt, FRONT_PAGES),
                                          self.db.pdf_info(item.doc_id))
                if document != stored:
                    self.db.update_meta(document)
                self.labeller(document)
                found[item.index] = document
            except NdcScanError:
                raise
            except Exception as exc:        # a bug: that document fails, the batch carries on
                self._fail(plan, item.index, item.path, InternalError(exc, path=item.path), exc)
            self._advance(item.path)
        return found

    def read(self, plan: _Plan) -> dict[int, Document]:
        """Read the new files (in child processes), segment them and write each to the store."""
        found = {}
        by_index = {item.index: item for item in plan.read}
        outcomes = self.reader.read_many([(item.index, item.path, item.doc_id) for item in plan.read],
                                         workers=self.options.jobs)
        try:
            for index, outcome in outcomes:
                item = by_index[index]
                if isinstance(outcome, InputFileError):
                    self._fail(plan, index, item.path, outcome)
                else:
                    try:
                        found[index], passages = self._store_new(item, outcome)
                        self.labeller(found[index], [p for p in passages if p.kind in TAGGED_KINDS])
                        self.extracted += 1
                    except NdcScanError:
                        raise
                    except Exception as exc:        # a bug: this file fails, the batch carries on
                        found.pop(index, None)
                        self._fail(plan, index, item.path, InternalError(exc, path=item.path), exc)
                self._advance(item.path)
        finally:
            outcomes.close()
        return found

    def _store_new(self, item: _Input, extracted: ReadResult) -> tuple[Document, list[Passage]]:
        """Segment a freshly read document and write it to the store; return it and its passages."""
        pages, info = extracted
        document = self._document(item, front(pages, item.fmt, FRONT_PAGES), info)
        passages = list(segment(pages))
        self.db.save_document(document, pages, passages, extractor_for(item.fmt, self.reader.engine), info,
                              ocr=self.reader.ocr is not None)
        return document, passages

    def _document(self, item: _Input, front: str, info: Optional[dict[str, str]]) -> Document:
        # names as text that UTF-8 can hold and a terminal shows on one line (shown_name)
        return Document(doc_id=item.doc_id, path=shown_name(item.path), file_name=shown_name(item.path.name),
                        n_bytes=item.n_bytes,
                        meta=_meta(item.path, front, info, self.overrides, self.options.lang, item.doc_id))

    def _fail(self, plan: _Plan, index: int, path: Path, exc: InputFileError | InternalError,
              cause: Optional[Exception] = None) -> None:
        plan.failures[index] = Failure(path=shown_name(path), problem=exc.problem, remedy=exc.remedy,
                                       error=type(exc).__name__)
        self.db.save_failure(plan.failures[index])
        log.warning("%s", exc, exc_info=cause)
        if self.options.strict:
            raise exc

    def _advance(self, path: Path) -> None:
        if self.progress:
            self.progress.advance(path.name)


def _ocr_settings(wanted: bool, lang: Optional[str]) -> tuple[Optional[OcrSettings], list[str]]:
    """OCR settings for this run, or None (with a warning) when OCR cannot run."""
    if not wanted:
        return None, []
    try:
        ocr_stage.available_languages()
    except OcrUnavailableError as exc:
        return None, [f"{exc}; pages without a text layer are reported as unread"]
    try:
        return OcrSettings(ocr_stage.languages_for(lang)), []
    except OcrUnavailableError as exc:
        return OcrSettings(), [f"{exc}; OCR falls back to the languages installed"]


def _meta(path: Path, front: str, info: Optional[dict[str, str]], overrides: Overrides, lang: Optional[str],
          doc_id: str) -> DocumentMeta:
    meta = infer_meta(path.name, front, pdf_info=info, language_hint=lang)
    if overrides:
        meta = apply_overrides(meta, overrides, file_name=path.name, sha256=doc_id)
    return meta


def _classifier(model: str | Path | Model | None, band: tuple[float, float],
                tax: Taxonomy) -> tuple[Classifier, list[str]]:
    """The rules alone, or rules and a learned model (loaded and checked against its card)."""
    if model is None:
        return RuleClassifier(), []
    loaded = model if isinstance(model, Model) else load_model(model)
    warnings = []
    if loaded.card.get("taxonomy_sha256") not in (None, tax.hash):
        warnings.append(f"model {loaded.name} was trained with taxonomy {loaded.card['taxonomy_sha256'][:12]}, "
                        f"this scan uses {tax.short_hash}; retrain it (ndc-scan train) for labels that match")
    return HybridClassifier(loaded, band), warnings


__all__ = ["Progress", "ScanOptions", "ScanResult", "load_tables", "scan"]
