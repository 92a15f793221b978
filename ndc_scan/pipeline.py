"""The scan: run every stage over a batch of files and write the reports.

``scan()`` is the Python API behind ``ndc-scan scan``. A file that fails is
recorded with its reason and the batch carries on; unchanged files are not
re-extracted and stored passages are re-tagged only when the taxonomy changed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import aggregate, report
from . import ocr as ocr_stage
from .classify import DEFAULT_BAND, HybridClassifier, RuleClassifier
from .documents import discover, fingerprint
from .errors import InputFileError, OcrUnavailableError
from .extract import extractor_id
from .metadata import PAGE_BREAK, infer_meta
from .metadata_file import apply_overrides, load_metadata_csv
from .ocr import OcrSettings
from .reader import DEFAULT_TIMEOUT, Reader
from .records import Document, Failure
from .segment import segment
from .store import DEFAULT_STORE, Store
from .tag import Tagger
from .taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

FRONT_PAGES = 3
TAGGED_KINDS = ("paragraph", "table")


@dataclass
class ScanResult:
    """What a scan did: the documents, the failures, the tables and the files written."""

    documents: list                      # list[Document], in input order
    failures: list                       # list[Failure]
    tables: dict                         # name → pandas DataFrame (see aggregate.build_tables)
    written: list = field(default_factory=list)   # report files
    extracted: int = 0                   # documents read from PDF in this run
    reused: int = 0                      # documents found unchanged in the store
    retagged: int = 0                    # documents (re-)tagged in this run
    seconds: float = 0.0
    taxonomy_hash: str = ""
    warnings: list = field(default_factory=list)  # run-level problems, e.g. OCR unavailable

    @property
    def ok(self) -> bool:
        return not self.failures


def scan(
    paths: Iterable[str | Path],
    *,
    out: str | Path | None = "reports",
    store: str | Path = DEFAULT_STORE,
    metadata: str | Path | None = None,
    lang: Optional[str] = None,
    taxonomy: str | Path | Taxonomy | None = None,
    all_versions: bool = False,
    password: Optional[str] = None,
    strict: bool = False,
    ocr: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 1,
    engine: str = "pdfplumber",
    model=None,
    review_band: tuple = DEFAULT_BAND,
    classifier=None,
    progress: Optional[Callable[[str], None]] = None,
) -> ScanResult:
    """Scan files, folders or globs; write the reports to ``out`` (None: write nothing).

    Each file is read in a child process that is stopped after ``timeout``
    seconds; ``jobs`` files are read at once (the store is written by this
    process only). ``engine`` is ``pdfplumber`` (reference) or ``pdfium`` (faster). Pages without a usable text layer are OCR'd with Tesseract when
    ``ocr`` is true and Tesseract is installed (otherwise they are reported as
    unread, with a warning). ``classifier`` replaces the rules: any object with
    a ``method`` name and ``predict_many(passages, matches) -> [Prediction]``.
    ``model`` (a folder made by ``ndc-scan train``, or a loaded ``Model``) adds
    the learned classifier to the rules (``HybridClassifier``): labels keep the
    rule evidence and the model probability, and are flagged for review when the
    two disagree, when the probability lies in ``review_band``, or when they
    carry a quantified target.
    ``progress`` is called with each file's name as it is finished.
    """
    started = time.perf_counter()
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    overrides = load_metadata_csv(metadata) if metadata else {}
    files = discover(paths)
    warnings: list = []
    tagger, classifier = Tagger(tax), classifier or _classifier(model, review_band, tax, warnings)
    counts = {"extracted": 0, "reused": 0, "retagged": 0}
    reader = Reader(password=password, timeout=timeout, ocr=_ocr_settings(ocr, lang, warnings), engine=engine)
    with Store(store) as db, db.lock():
        found: dict = {}          # input index → Document
        failed: dict = {}         # input index → Failure
        to_read, first_index = [], {}

        def fail(index: int, path: Path, exc: InputFileError) -> None:
            failed[index] = Failure(path=str(path), problem=exc.problem, remedy=exc.remedy, error=type(exc).__name__)
            db.save_failure(failed[index])
            log.warning("%s", exc)
            if strict:
                raise exc

        def finish(index: int, document: Document) -> None:
            found[index] = document
            if not db.is_tagged(document.doc_id, tax.hash, classifier.method):
                _tag(db, document, tagger, classifier, tax)
                counts["retagged"] += 1

        for index, path in enumerate(files):
            try:
                doc_id, n_bytes = fingerprint(path)
            except InputFileError as exc:
                fail(index, path, exc)
                _report(progress, path)
                continue
            if doc_id in first_index:
                log.info("%s is a copy of %s; counted once", path, files[first_index[doc_id]])
                _report(progress, path)
                continue
            first_index[doc_id] = index
            if db.is_current(doc_id, extractor_id(engine), ocr=reader.ocr is not None):
                finish(index, _reuse(db, path, doc_id, n_bytes, overrides, lang))
                counts["reused"] += 1
                _report(progress, path)
            else:
                to_read.append((index, path, doc_id, n_bytes))
        by_index = {index: (path, doc_id, n_bytes) for index, path, doc_id, n_bytes in to_read}
        outcomes = reader.read_many([(i, path, doc_id) for i, path, doc_id, _ in to_read], workers=jobs)
        try:
            for index, outcome in outcomes:
                path, doc_id, n_bytes = by_index[index]
                if isinstance(outcome, InputFileError):
                    fail(index, path, outcome)
                else:
                    finish(index, _store_new(db, path, doc_id, n_bytes, outcome, overrides, lang, reader))
                    counts["extracted"] += 1
                _report(progress, path)
        finally:
            outcomes.close()
        documents = [found[i] for i in sorted(found)]
        failures = [failed[i] for i in sorted(failed)]
        tables = aggregate.build_tables(db, [d.doc_id for d in documents], failures, tax, all_versions=all_versions)
    result = ScanResult(documents=documents, failures=failures, tables=tables, taxonomy_hash=tax.hash,
                        warnings=warnings, **counts)
    if out is not None:
        result.written = report.write_all(tables, Path(out), taxonomy=tax)
    result.seconds = time.perf_counter() - started
    return result


def _report(progress: Optional[Callable[[str], None]], path: Path) -> None:
    if progress:
        progress(path.name)


def _reuse(db: Store, path: Path, doc_id: str, n_bytes: int, overrides: dict, lang: Optional[str]) -> Document:
    """A document the store holds already; its metadata is inferred again (cheap: names or --metadata may change)."""
    stored = db.document(doc_id)
    front = PAGE_BREAK.join(p.text for p in db.pages(doc_id)[:FRONT_PAGES])
    meta = _meta(path, front, db.pdf_info(doc_id), overrides, lang, doc_id)
    document = Document(doc_id=doc_id, path=str(path), file_name=path.name, n_bytes=n_bytes, meta=meta)
    if document != stored:
        db.update_meta(document)
    return document


def _store_new(db: Store, path: Path, doc_id: str, n_bytes: int, extracted: tuple, overrides: dict,
               lang: Optional[str], reader: Reader) -> Document:
    """Segment a freshly read document and write it to the store."""
    pages, info = extracted
    front = PAGE_BREAK.join(p.text for p in pages[:FRONT_PAGES])
    meta = _meta(path, front, info, overrides, lang, doc_id)
    document = Document(doc_id=doc_id, path=str(path), file_name=path.name, n_bytes=n_bytes, meta=meta)
    db.save_document(document, pages, list(segment(pages)), extractor_id(reader.engine), info, ocr=reader.ocr is not None)
    return document


def _ocr_settings(wanted: bool, lang: Optional[str], warnings: list) -> Optional[OcrSettings]:
    """OCR settings for this run, or None (with a warning) when OCR cannot run."""
    if not wanted:
        return None
    try:
        ocr_stage.available_languages()
    except OcrUnavailableError as exc:
        warnings.append(f"{exc}; pages without a text layer are reported as unread")
        return None
    try:
        return OcrSettings(ocr_stage.languages_for(lang))
    except OcrUnavailableError as exc:
        warnings.append(f"{exc}; OCR falls back to the languages installed")
        return OcrSettings()


def _meta(path: Path, front: str, info: Optional[dict], overrides: dict, lang: Optional[str], doc_id: str):
    meta = infer_meta(path.name, front, pdf_info=info, language_hint=lang)
    if overrides:
        meta = apply_overrides(meta, overrides, file_name=path.name, sha256=doc_id)
    return meta


def _classifier(model, band: tuple, tax: Taxonomy, warnings: list):
    """The rules alone, or rules and a learned model (loaded and checked against its card)."""
    if model is None:
        return RuleClassifier()
    from .model import Model, load_model

    loaded = model if isinstance(model, Model) else load_model(model)
    if loaded.card.get("taxonomy_sha256") not in (None, tax.hash):
        warnings.append(f"model {loaded.name} was trained with taxonomy {loaded.card['taxonomy_sha256'][:12]}, "
                        f"this scan uses {tax.short_hash}; retrain it (ndc-scan train) for labels that match")
    return HybridClassifier(loaded, band)


def _tag(db: Store, document: Document, tagger: Tagger, classifier, tax: Taxonomy) -> None:
    passages = [p for p in db.passages(document.doc_id) if p.kind in TAGGED_KINDS]
    found = tagger.tag(passages, document.meta.language)
    matches = [match for passage in passages for match in found.get(passage.passage_id, [])]
    predictions = classifier.predict_many(passages, found)
    db.save_tags(document.doc_id, tax.hash, classifier.method, matches, predictions)


__all__ = ["scan", "ScanResult"]
