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
from .classify import RuleClassifier
from .documents import discover, fingerprint
from .errors import InputFileError
from .extract import EXTRACTOR_VERSION, read_pdf
from .metadata import PAGE_BREAK, infer_meta
from .metadata_file import apply_overrides, load_metadata_csv
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
    classifier=None,
    progress: Optional[Callable[[str], None]] = None,
) -> ScanResult:
    """Scan files, folders or globs; write the reports to ``out`` (None: write nothing).

    ``classifier`` replaces the rules: any object with a ``method`` name and
    ``predict(passage, matches) -> [Prediction]``. ``progress`` is called with
    each file's name as it is finished.
    """
    started = time.perf_counter()
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    overrides = load_metadata_csv(metadata) if metadata else {}
    files = discover(paths)
    tagger, classifier = Tagger(tax), classifier or RuleClassifier()
    documents, failures, seen = [], [], set()
    counts = {"extracted": 0, "reused": 0, "retagged": 0}
    with Store(store) as db:
        for path in files:
            try:
                document = _ingest(db, path, overrides, lang, password, counts)
                if document.doc_id in seen:
                    log.info("%s is a copy of a document already in this batch; counted once", path)
                else:
                    seen.add(document.doc_id)
                    documents.append(document)
                    if not db.is_tagged(document.doc_id, tax.hash, classifier.method):
                        _tag(db, document, tagger, classifier, tax)
                        counts["retagged"] += 1
            except InputFileError as exc:
                failure = Failure(path=str(path), problem=exc.problem, remedy=exc.remedy, error=type(exc).__name__)
                failures.append(failure)
                db.save_failure(failure)
                log.warning("%s", exc)
                if strict:
                    raise
            if progress:
                progress(path.name)
        tables = aggregate.build_tables(db, [d.doc_id for d in documents], failures, tax, all_versions=all_versions)
    result = ScanResult(documents=documents, failures=failures, tables=tables, taxonomy_hash=tax.hash, **counts)
    if out is not None:
        result.written = report.write_all(tables, Path(out), taxonomy=tax)
    result.seconds = time.perf_counter() - started
    return result


def _ingest(db: Store, path: Path, overrides: dict, lang: Optional[str], password: Optional[str], counts: dict) -> Document:
    """Extract and segment a file into the store, unless the store has it already."""
    doc_id, n_bytes = fingerprint(path)
    if db.has_document(doc_id, EXTRACTOR_VERSION):
        stored = db.document(doc_id)
        # Metadata is inferred again (cheap): the file name, --metadata or --lang may have changed.
        front = PAGE_BREAK.join(p.text for p in db.pages(doc_id)[:FRONT_PAGES])
        meta = _meta(path, front, db.pdf_info(doc_id), overrides, lang, doc_id)
        document = Document(doc_id=doc_id, path=str(path), file_name=path.name, n_bytes=n_bytes, meta=meta)
        if document != stored:
            db.update_meta(document)
        counts["reused"] += 1
        return document
    pages, info = read_pdf(path, doc_id, password=password)
    front = PAGE_BREAK.join(p.text for p in pages[:FRONT_PAGES])
    meta = _meta(path, front, info, overrides, lang, doc_id)
    document = Document(doc_id=doc_id, path=str(path), file_name=path.name, n_bytes=n_bytes, meta=meta)
    passages = list(segment(pages))
    db.save_document(document, pages, passages, EXTRACTOR_VERSION, info)
    counts["extracted"] += 1
    return document


def _meta(path: Path, front: str, info: Optional[dict], overrides: dict, lang: Optional[str], doc_id: str):
    meta = infer_meta(path.name, front, pdf_info=info, language_hint=lang)
    if overrides:
        meta = apply_overrides(meta, overrides, file_name=path.name, sha256=doc_id)
    return meta


def _tag(db: Store, document: Document, tagger: Tagger, classifier, tax: Taxonomy) -> None:
    passages = [p for p in db.passages(document.doc_id) if p.kind in TAGGED_KINDS]
    found = tagger.tag(passages, document.meta.language)
    matches, predictions = [], []
    for passage in passages:
        passage_matches = found.get(passage.passage_id, [])
        if passage_matches:
            matches += passage_matches
            predictions += classifier.predict(passage, passage_matches)
    db.save_tags(document.doc_id, tax.hash, classifier.method, matches, predictions)


__all__ = ["scan", "ScanResult"]
