"""The scan: plan → read → label → aggregate → report, over a batch of files.

``scan()`` is the Python API behind ``ndc-scan scan``. A file that fails is
recorded with its reason and the batch carries on; unchanged files are not
re-extracted and stored passages are re-tagged only when the taxonomy or the
classifier changed.

* **plan** — find the input files, fingerprint them, and sort them into documents the
  store holds already and files to read;
* **read and label** — in worker processes (``work``: on this machine, or on a Dask cluster
  with ``executor="dask"``): each new file is read (in a child of the worker, with a time
  limit), described, segmented, tagged and classified; each stored document whose labels for
  this taxonomy and classifier are missing is tagged and classified again, unless it was labelled
  under an earlier taxonomy whose added or removed terms cannot match in it (``passages.reach``):
  those labels are kept. This process only writes what the workers send back, one transaction per
  document, then makes this taxonomy's labels the ones that count;
* **aggregate** — build every report table (``aggregate.tables``); **report** writes them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Protocol

from .aggregate.citations import Catalogs, load_catalogs
from .aggregate.tables import Tables, build_tables
from .classify.hybrid import DEFAULT_BAND, HybridClassifier
from .classify.label import labels_version
from .classify.model import Model, load_model
from .classify.protocol import Classifier, prepare
from .classify.rules import RuleClassifier
from .defaults import DEFAULT_STORE
from .errors import InputFileError, InternalError, NdcScanError, OcrUnavailableError, UsageError
from .fetch.ledger import fetched_beside
from .fingerprints import files_hash, key, package_hash
from .passages.reach import Reach, changed_terms
from .read import ocr as ocr_stage
from .read.files import discover, fingerprint
from .read.formats import extractor_for, format_of, front
from .read.ocr import OcrSettings
from .read.overrides import load_metadata_csv
from .read.pages import DEFAULT_ENGINE
from .read.reader import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Reader
from .records import Document, Failure, KeptLabelling, ScannedDocument
from .report import manifest
from .report.files import prepare_reports, write_all
from .report.output import check_folder
from .store import Store
from .taxonomy import Taxonomy, Term, load_taxonomy
from .textnorm import shown_name
from .work.cluster import DaskExecutor
from .work.local import LocalExecutor
from .work.tasks import FRONT_PAGES, Executor, LabelTask, ReadTask, Task, WorkContext

log = logging.getLogger(__name__)

#: Where the read and label work runs (``ScanOptions.executor``, ``--executor``).
EXECUTORS = ("local", "dask")


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
    engine: str = DEFAULT_ENGINE
    model: str | Path | Model | None = None
    review_band: tuple[float, float] = DEFAULT_BAND
    classifier: Optional[Classifier] = None
    catalogs: tuple[str | Path, ...] = ()     # registry catalogs for citations, beside the shipped ones
    executor: str = "local"
    scheduler: Optional[str] = None


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
    written: list[Path] = field(default_factory=list)   # report files (none when the folder's were current)
    extracted: int = 0                   # documents read from PDF in this run
    reused: int = 0                      # documents found unchanged in the store
    retagged: int = 0                    # documents (re-)tagged in this run
    carried: int = 0                     # documents whose labels of an earlier taxonomy were kept: no changed term
    #                                      can match in them, or tagging them again found the same matches
    seconds: float = 0.0
    taxonomy_hash: str = ""
    warnings: list[str] = field(default_factory=list)  # run-level problems, e.g. OCR unavailable
    classifier: str = "rules"            # the method that labelled the passages
    summary: dict = field(default_factory=dict)        # report.manifest.summarise: what the command prints
    reports_current: bool = False        # the --out folder held the reports of this very state: nothing written
    _tables: Optional[Tables] = field(default=None, repr=False)
    _make_tables: Optional[Callable[[], Tables]] = field(default=None, repr=False, compare=False)

    @property
    def tables(self) -> Tables:
        """The report tables (``tables.coverage``...); built from the store when first asked for, if the scan
        found its reports current and did not need them."""
        if self._tables is None:
            if self._make_tables is None:
                raise ValueError("this scan result holds no tables")
            self._tables = self._make_tables()
        return self._tables

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
    ``scan(["corpora/sample"], out="reports", jobs=2)``. Files are read and labelled by
    ``jobs`` worker processes (``executor="dask"``: by the workers of the Dask cluster at
    ``scheduler``, or of a local Dask cluster of ``jobs`` workers when it is None); each PDF
    is read in a child process stopped after ``timeout`` seconds; the store is written by
    this process only. Pages without a usable text layer are OCR'd with Tesseract when
    ``ocr`` is true and Tesseract is installed (otherwise they are reported as unread, with
    a warning). With a ``model``, labels keep the rule evidence and the model probability,
    and are flagged for review when the two disagree, when the probability lies in
    ``review_band``, or when they carry a quantified target.
    """
    started = time.perf_counter()
    options = replace(options or ScanOptions(), **settings)     # type: ignore[arg-type]  # unknown names: TypeError
    if options.executor not in EXECUTORS:
        raise UsageError(f"executor {options.executor!r}: not one of {', '.join(EXECUTORS)}",
                         remedy="pass --executor local (this machine) or --executor dask")
    tax = options.taxonomy if isinstance(options.taxonomy, Taxonomy) else load_taxonomy(options.taxonomy)
    overrides = load_metadata_csv(options.metadata) if options.metadata else {}
    given = set(overrides)                                     # the --metadata file's own rows (not fetched.csv's)
    files = discover(paths)
    fetched = fetched_beside(files)
    for ledger in fetched:                                     # the fetched.csv of ndc-scan fetch: --metadata too
        overrides = {**load_metadata_csv(ledger), **overrides}
    # A bad catalog fails before any file is read; the metadata files are catalogs too (hashes, registry rows).
    catalog_files = (*options.catalogs, *fetched, *([options.metadata] if options.metadata else []))
    catalogs = load_catalogs(catalog_files)
    if options.out is not None:
        check_folder(Path(options.out), keep=False)  # before any file is read, not after the whole scan
    classifier, classifier_warnings = (options.classifier, []) if options.classifier else \
        _classifier(options.model, options.review_band, tax)
    ocr, ocr_warnings = _ocr_settings(options.ocr, options.lang, options.jobs if options.executor == "local" else 1)
    reader = Reader(password=options.password, timeout=options.timeout, engine=options.engine, ocr=ocr,
                    max_memory=options.max_memory)
    context = WorkContext(tax, classifier, reader, overrides=overrides, lang=options.lang)
    if progress:
        progress.start(len(files))
    with Store(options.store) as db, db.lock():
        db.save_taxonomy(tax.hash, ((t.concept, t.lang, t.kind, t.term) for t in tax.terms))
        scanning = _Scanning(db, options, context, progress)
        scan_plan = scanning.plan(files)
        found = scanning.run(scan_plan)
        documents = [found[i] for i in sorted(found)]
        failures = [scan_plan.failures[i] for i in sorted(scan_plan.failures)]
        decision_warnings = _decision_warnings(db)
        metadata_warnings = _unmatched_metadata(options.metadata, given, files) if given else []
        doc_ids = [d.doc_id for d in documents]
        db.use_labelling(doc_ids, tax.hash)
        # What the reports are made from: when the folder's manifest has this key, they are current already.
        # (the folder's own place too: its reports link to the PDFs by relative paths)
        report_key = key(package_hash(), db.generation(), str(Path(options.store).resolve()),
                         str(Path(options.out).resolve()) if options.out is not None else "", doc_ids,
                         [(f.path, f.error, f.problem, f.remedy) for f in failures], tax.hash, str(tax.path), options.all_versions,
                         files_hash(catalog_files), classifier.method)
        reports = manifest.current(Path(options.out), report_key) if options.out is not None else None
        tables = build_tables(db, doc_ids, failures, tax, all_versions=options.all_versions,
                              catalogs=catalogs) if reports is None else None
    result = ScanResult(documents=documents, failures=failures, taxonomy_hash=tax.hash,
                        warnings=classifier_warnings + ocr_warnings + decision_warnings + metadata_warnings,
                        extracted=scanning.extracted,
                        reused=len(scan_plan.reuse), retagged=scanning.labelled, carried=scanning.carried,
                        classifier=classifier.method,
                        _tables=tables, _make_tables=lambda: _stored_tables(options.store, doc_ids, failures, tax,
                                                                            options.all_versions, catalogs))
    if reports is not None:
        result.summary, result.reports_current = reports["summary"], True
    elif tables is not None:
        result.summary = manifest.summarise(tables)
        if options.out is not None:
            out = Path(options.out)
            result.written = write_all(tables, out, taxonomy=tax)
            manifest.record(out, report_key, result.written, result.summary)
    result.seconds = time.perf_counter() - started
    return result


def _unmatched_metadata(metadata, given: set[str], files: list[Path]) -> list[str]:
    """A warning naming the rows of the --metadata file that name a scanned file with other spacing ("TJK_indc_2015
    .pdf"): their values were not used (names match exactly, but for case). Rows of files this scan does not hold are
    not named: a registry catalog or the corpus's MANIFEST lists many more files than a scan reads."""
    names = {path.name.casefold() for path in files}
    squeezed = {"".join(name.split()) for name in names}
    near = sorted(key for key in given if not key.startswith("sha256:") and key.casefold() not in names
                  and "".join(key.casefold().split()) in squeezed)
    if not near:
        return []
    shown = ", ".join(repr(key) for key in near[:3]) + (" …" if len(near) > 3 else "")
    return [f"{len(near)} row(s) of {shown_name(Path(metadata))} name a scanned file with other spacing ({shown}): "
            "their values were not used; correct the file names in it"]


def _decision_warnings(db: Store) -> list[str]:
    """What reading documents again did to review decisions on their passages (``Store._carry_decisions``)."""
    found = []
    if db.carried_decisions:
        found.append(f"the review decisions on {db.carried_decisions} passage(s) of documents read again were moved to "
                     "the passage as read now (only its spacing, hyphens or punctuation changed)")
    if db.unmatched_decisions:
        found.append(f"the review decisions on {db.unmatched_decisions} passage(s) of documents read again match no "
                     "passage now (their text changed): they no longer count; ndc-scan review stats counts them, "
                     "ndc-scan review export decisions.jsonl keeps them")
    return found


def _stored_tables(store: str | Path, doc_ids: list[str], failures: list[Failure], tax: Taxonomy, all_versions: bool,
                   catalogs: Catalogs) -> Tables:
    """The report tables of a finished scan, built from its store when first asked for (its reports were current)."""
    with Store(store, create=False) as db:
        return build_tables(db, doc_ids, failures, tax, all_versions=all_versions, catalogs=catalogs)


def load_tables(store: str | Path = DEFAULT_STORE, *, taxonomy: str | Path | Taxonomy | None = None,
                catalogs: Iterable[str | Path] = (), all_versions: bool = False) -> Tables:
    """The report tables of every document a store holds, as its last scans labelled them (nothing is read again).

    What ``ndc-scan briefs`` and ``ndc-scan compare`` start from; a missing store is a ``NoStoreError``.
    """
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    found = load_catalogs(tuple(catalogs))
    with Store(store, create=False) as db:
        return build_tables(db, db.document_ids(), [], tax, all_versions=all_versions, catalogs=found)


class _Scanning:
    """The plan, read and label stages of one scan, on one open store; this process writes what workers return."""

    def __init__(self, db: Store, options: ScanOptions, context: WorkContext, progress: Optional[Progress]):
        self.db, self.options, self.context, self.progress = db, options, context, progress
        self.extracted = 0                   # documents read from PDF
        self.labelled = 0                    # documents tagged and classified (read ones included)
        self.carried = 0                     # documents whose earlier taxonomy's labels were kept

    def plan(self, files: list[Path]) -> _Plan:
        """Fingerprint every file; sort them into documents to reuse and files to read."""
        result = _Plan(total=len(files))
        first: dict[str, int] = {}
        reader = self.context.reader
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
            current = self.db.is_current(doc_id, extractor_for(item.fmt, reader.engine), ocr=reader.ocr is not None)
            (result.reuse if current else result.read).append(item)
        return result

    def run(self, plan: _Plan) -> dict[int, Document]:
        """Have the workers read the new files and label what needs it; write each outcome as it comes back."""
        found, tasks = self._reuse(plan)
        # Largest files first, so that no long one is left to run alone at the end.
        tasks += [ReadTask(item.index, item.path, item.doc_id, item.n_bytes, item.fmt)
                  for item in sorted(plan.read, key=lambda item: (-item.n_bytes, item.index))]
        if not tasks:
            return found
        if any(not isinstance(task, LabelTask) or task.earlier is None for task in tasks):
            prepare(self.context.classifier)    # before the workers start: they share what it loads
        # (else each label task may keep its document's labels: a worker loads the model only if one needs it)
        executor = self._executor()
        # While the workers read and label, this process loads what the reports will need (a scan with workers
        # has tasks: its reports are written again)
        outcomes = executor.run(tasks, meanwhile=prepare_reports if self.options.out is not None else None)
        try:
            for task, outcome in outcomes:
                if isinstance(outcome, (InputFileError, InternalError)):
                    found.pop(task.key, None)        # a stored document without this scan's labels is not reported
                    self._fail(plan, task.key, task.path, outcome)
                else:
                    try:
                        if isinstance(outcome, ScannedDocument):
                            self.db.save_scanned(outcome, meta_key=self.context.meta_key(task.path))
                            found[task.key] = outcome.document
                            self.extracted += 1
                            self.labelled += 1
                        elif isinstance(outcome, KeptLabelling):       # tagged again: the same matches
                            self.db.copy_labellings([(outcome.doc_id, outcome.earlier)], self.context.taxonomy.hash)
                            self.carried += 1
                        else:
                            self.db.save_labelling(outcome)
                            self.labelled += 1
                    except NdcScanError:
                        raise
                    except Exception as exc:        # a bug: this file fails, the batch carries on
                        found.pop(task.key, None)
                        self._fail(plan, task.key, task.path, InternalError(exc, path=task.path), exc)
                self._advance(task.path)
        finally:
            outcomes.close()
            executor.close()
        return found

    def _reuse(self, plan: _Plan) -> tuple[dict[int, Document], list[Task]]:
        """Documents the store holds already, and the label tasks of those whose labels for this taxonomy and
        classifier are missing. Metadata is inferred again when its inputs changed (``WorkContext.meta_key``: the
        file's name, --lang, --metadata, this code); otherwise the stored metadata stands."""
        found: dict[int, Document] = {}
        tasks: list[Task] = []
        stale: dict[str, list[tuple[_Input, Document]]] = {}    # earlier taxonomy hash → documents labelled under it
        method, taxonomy_hash = self.context.classifier.method, self.context.taxonomy.hash
        for item in plan.reuse:
            try:
                stored = self.db.document(item.doc_id)
                meta_key, stored_key = self.context.meta_key(item.path), self.db.meta_key(item.doc_id)
                if stored is not None and stored_key == meta_key:
                    document = self.context.document(item.path, item.doc_id, item.n_bytes, stored.meta)
                else:
                    document = self.context.describe(item.path, item.doc_id, item.n_bytes,
                                                     front(self.db.pages(item.doc_id), item.fmt, FRONT_PAGES),
                                                     self.db.pdf_info(item.doc_id))
                if document != stored or stored_key != meta_key:
                    self.db.update_meta(document, meta_key)
                tagged = self.db.is_tagged(item.doc_id, taxonomy_hash, method, labels_version())
                earlier = None if tagged else self.db.earlier_labelling(item.doc_id, method, labels_version())
                passages = () if tagged or earlier else tuple(self.db.tagged_passages(item.doc_id))
            except NdcScanError:
                raise
            except Exception as exc:        # a bug: that document fails, the batch carries on
                self._fail(plan, item.index, item.path, InternalError(exc, path=item.path), exc)
                self._advance(item.path)
                continue
            found[item.index] = document
            if tagged:
                self._advance(item.path)
            elif earlier is None:
                tasks.append(LabelTask(item.index, document, passages))
            else:
                stale.setdefault(earlier, []).append((item, document))
        for earlier, documents in stale.items():
            for item, document in self._carry_over(earlier, documents):
                try:       # a changed term may match here: the worker tags it again, and keeps these labels if not
                    tasks.append(LabelTask(item.index, document, tuple(self.db.tagged_passages(item.doc_id)),
                                           (earlier, self.db.matches(item.doc_id, earlier))))
                except NdcScanError:
                    raise
                except Exception as exc:        # a bug: that document fails, the batch carries on
                    found.pop(item.index)
                    self._fail(plan, item.index, item.path, InternalError(exc, path=item.path), exc)
                    self._advance(item.path)
        return found, tasks

    def _carry_over(self, earlier: str, documents: list[tuple[_Input, Document]]) -> list[tuple[_Input, Document]]:
        """Keep the labels of taxonomy ``earlier`` for the documents where no term added or removed since can match
        (``passages.reach``); return the others, to label again."""
        taxonomy = self.context.taxonomy
        try:
            changed = changed_terms((Term(*row) for row in self.db.taxonomy_terms(earlier) or ()), taxonomy.terms)
            reach = Reach(changed)
            texts: dict[str, list[str]] = {}
            for doc_id, text in self.db.tagged_texts([item.doc_id for item, _ in documents]):
                texts.setdefault(doc_id, []).append(text)
            touched = {item.index for item, _ in documents if reach.touches(texts.get(item.doc_id, ()))}
            kept = [item for item, _ in documents if item.index not in touched]
            self.db.copy_labellings([(item.doc_id, earlier) for item in kept], taxonomy.hash)
        except NdcScanError:
            raise
        except Exception as exc:           # a bug: these documents are labelled again in full, the batch carries on
            log.warning("the labels of taxonomy %s are not kept: %d documents are labelled again (%s)", earlier[:12],
                        len(documents), exc, exc_info=exc)
            return documents
        log.info("taxonomy %s -> %s, %d terms added or removed: %d documents keep their labels, %d are labelled again",
                 earlier[:12], taxonomy.short_hash, len(changed), len(kept), len(touched))
        self.carried += len(kept)
        for item in kept:
            self._advance(item.path)
        return [(item, document) for item, document in documents if item.index in touched]

    def _executor(self) -> Executor:
        if self.options.executor == "dask":
            return DaskExecutor(self.context, scheduler=self.options.scheduler, workers=self.options.jobs)
        return LocalExecutor(self.context, self.options.jobs)

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


def _ocr_settings(wanted: bool, lang: Optional[str], threads: int) -> tuple[Optional[OcrSettings], list[str]]:
    """OCR settings for this run, or None (with a warning) when OCR cannot run.

    ``threads``: pages of one document OCR'd at once (a scan's other workers may be idle when it
    reaches a long scanned document; Tesseract itself runs single-threaded).
    """
    if not wanted:
        return None, []
    try:
        ocr_stage.available_languages()
    except OcrUnavailableError as exc:
        return None, [f"{exc}; pages without a text layer are reported as unread"]
    try:
        return OcrSettings(ocr_stage.languages_for(lang), threads=threads), []
    except OcrUnavailableError as exc:
        return OcrSettings(threads=threads), [f"{exc}; OCR falls back to the languages installed"]


def _classifier(model: str | Path | Model | None, band: tuple[float, float],
                tax: Taxonomy) -> tuple[Classifier, list[str]]:
    """The rules alone, or rules and a learned model (loaded and checked against its card)."""
    if model is None:
        return RuleClassifier(), []
    loaded = model if isinstance(model, Model) else load_model(model, lazy=True)    # deserialised if a file needs it
    warnings = []
    if loaded.card.get("taxonomy_sha256") not in (None, tax.hash):
        warnings.append(f"model {loaded.name} was trained with taxonomy {loaded.card['taxonomy_sha256'][:12]}, "
                        f"this scan uses {tax.short_hash}; retrain it (ndc-scan train) for labels that match")
    return HybridClassifier(loaded, band), warnings


__all__ = ["Progress", "ScanOptions", "ScanResult", "load_tables", "scan"]
