"""The workbench's hold on a store: the report tables (kept, and made again after a change), scan status, PDFs.

Every request opens its own connection (:meth:`Workbench.store`): SQLite in WAL mode lets pages be
read while a scan writes. The report tables (``pipeline.load_tables``: reviewers' decisions applied)
take seconds to build for a corpus, so they are kept in a :class:`Snapshot` and built again in a
background thread when the store changes (a decision, a scan); pages show the last snapshot and
say when a newer one is being made. While a scan holds the store (``Store.lock``) the workbench is
read-only: it keeps the last snapshot, refuses decisions and says so on every page.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd

from ..aggregate.citations import load_catalogs
from ..aggregate.coverage import latest_documents
from ..aggregate.groups import income_of, region_of
from ..aggregate.locators import Locators, format_of_extractor
from ..aggregate.tables import Tables
from ..errors import InputFileError, NdcScanError
from ..pipeline import load_tables
from ..read.files import fingerprint
from ..records import LEVEL_NAMES
from ..store import Store, scan_in_progress
from ..store import search as search_index
from ..taxonomy import CONCEPT_IDS, Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

#: Columns of the overview frame before the concept columns.
ROW_COLUMNS = ["iso3", "country", "document", "doc_id", "kind", "kind_name", "year", "language", "region", "income",
               "read_status"]


@dataclass(frozen=True)
class Snapshot:
    """The report tables as the store held them at ``stamp`` (``Store.generation``)."""

    tables: Tables
    latest: pd.DataFrame          # the overview rows: each country's latest document (see overview_frame)
    versions: pd.DataFrame        # the same for every document
    stamp: tuple
    built_at: float               # time.time() when it was made
    seconds: float                # how long it took


class Workbench:
    """A store opened for the web app. ``pdf_folders``: where to look for a PDF that is no longer at its stored path."""

    def __init__(self, store: str | Path, *, taxonomy: str | Path | Taxonomy | None = None,
                 catalogs: Sequence[str | Path] = (), pdf_folders: Sequence[str | Path] = ()):
        self.path = Path(store)
        with Store(self.path, create=False):
            pass                                  # a missing or foreign store fails here, before serving
        self.taxonomy = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
        self.catalogs = tuple(catalogs)
        load_catalogs(self.catalogs)              # a bad catalog fails now, not in a page
        self.pdf_folders = tuple(Path(folder) for folder in pdf_folders)
        self.render_lock = threading.Lock()       # PDFium may be used by one thread at a time
        self._lock = threading.Lock()
        self._snapshot: Optional[Snapshot] = None
        self._building: Optional[threading.Thread] = None
        self._pdfs: dict[str, Optional[Path]] = {}

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A connection of its own (one per request and thread)."""
        with Store(self.path, create=False) as db:
            yield db

    # ------------------------------------------------------------------ state

    def scan_pid(self) -> Optional[int]:
        """The process id of a scan writing the store now, else None (-1 when it cannot be told)."""
        return scan_in_progress(self.path)

    def stamp(self) -> tuple:
        """The store's generation: any change the reports read moves it (metadata and failures too)."""
        with self.store() as db:
            return db.generation()

    def snapshot(self) -> Snapshot:
        """The latest tables: built now the first time, else the kept ones (a newer build starts in the background
        when the store changed and no scan is writing it)."""
        with self._lock:
            kept = self._snapshot
        if kept is None:
            return self.refresh()
        if self.stale(kept) and self.scan_pid() is None:
            self._rebuild_in_background()
        return kept

    def stale(self, snapshot: Snapshot) -> bool:
        return snapshot.stamp != self.stamp()

    def refresh(self) -> Snapshot:
        """Build the tables now (and keep them)."""
        started = time.perf_counter()
        stamp = self.stamp()
        tables = load_tables(self.path, taxonomy=self.taxonomy, catalogs=self.catalogs)
        made = Snapshot(tables=tables, latest=overview_frame(tables, all_versions=False),
                        versions=overview_frame(tables, all_versions=True), stamp=stamp, built_at=time.time(),
                        seconds=time.perf_counter() - started)
        with self._lock:
            if self._snapshot is None or self._snapshot.built_at < made.built_at:
                self._snapshot = made
        return made

    def building(self) -> bool:
        return self._building is not None and self._building.is_alive()

    def _rebuild_in_background(self) -> None:
        with self._lock:
            if self.building():
                return
            self._building = threading.Thread(target=self._rebuild, name="ndc-scan-tables", daemon=True)
            self._building.start()

    def _rebuild(self) -> None:
        try:
            self.refresh()
        except (NdcScanError, OSError, sqlite3.Error) as exc:     # e.g. a scan started meanwhile
            log.warning("the tables could not be made again (%s); the previous ones are shown", exc)

    # ------------------------------------------------------------------ search

    def search(self, text: str, *, limit: int = 500) -> tuple[list[dict], bool]:
        """(hits, index_fresh): the index is made again first when the passages changed and no scan is writing.
        Each hit has ``where`` ("p. 7", or "“Soils” ¶ 2" in a document without pages)."""
        with self.store() as db:
            fresh = search_index.is_fresh(db)
            # While a scan writes, an index that exists is used as it is (it misses what the scan adds); a store
            # without one gets one of the documents stored so far.
            if not fresh and (self.scan_pid() is None or not search_index.exists(db)):
                with self._lock:                           # one build at a time
                    if not search_index.is_fresh(db):
                        search_index.build(db)
                fresh = search_index.is_fresh(db)
            hits = search_index.search(db, text, limit=limit)
            where = Locators.for_store(db, sorted({hit["doc_id"] for hit in hits}))
            return [{**hit, "where": where(hit["doc_id"], hit["page_no"])} for hit in hits], fresh

    # ------------------------------------------------------------------ PDFs

    def pdf_path(self, doc_id: str) -> Optional[Path]:
        """The document's PDF: its stored path, else a file of the same name in ``pdf_folders``; only a file whose
        SHA-256 is the document id (so highlights are never drawn on another file). None when none is found, and
        for a Word, HTML or text NDC (it has no pages to show)."""
        if doc_id in self._pdfs:
            return self._pdfs[doc_id]
        with self.store() as db:
            document = db.document(doc_id)
            rows = db.document_rows([doc_id])
        found = None
        if document is not None and format_of_extractor(rows[doc_id]["extractor"]) == "pdf":
            candidates = [Path(document.path), *(folder / document.file_name for folder in self.pdf_folders)]
            found = next((path for path in candidates if _is_document(path, doc_id, document.n_bytes)), None)
        self._pdfs[doc_id] = found
        return found

    def scanned_folders(self) -> list[str]:
        """The folders the stored documents were scanned from (for the command that refreshes the reports); read
        from the store, so that asking never starts a rebuild of the tables."""
        with self.store() as db:
            rows = db.document_rows(db.document_ids())
        return sorted({str(Path(row["path"]).parent) for row in rows.values()})


def _is_document(path: Path, doc_id: str, n_bytes: int) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != n_bytes:
            return False
        return fingerprint(path)[0] == doc_id
    except (OSError, InputFileError):
        return False


def overview_frame(tables: Tables, *, all_versions: bool) -> pd.DataFrame:
    """One row per country (its latest document) or per document: metadata, World Bank groups, the level of each
    concept (0–3; NA: not read), concepts found, labels still to review and labels reviewed."""
    documents = tables.documents
    columns = ROW_COLUMNS + list(CONCEPT_IDS) + ["found", "to_review", "reviewed"]
    if documents.empty:
        return pd.DataFrame(columns=columns)
    chosen = documents if all_versions else latest_documents(documents)
    cells = tables.coverage[tables.coverage["doc_id"].isin(chosen["doc_id"])]
    levels = cells.pivot(index="doc_id", columns="concept", values="level").reindex(columns=list(CONCEPT_IDS))
    passages = tables.passages
    reviewed = (passages[passages["reviewed"] != ""].groupby("doc_id").size() if len(passages)
                else pd.Series(dtype="int64"))
    frame = chosen.assign(income=chosen["iso3"].map(income_of), region=chosen["iso3"].map(region_of))
    frame = frame[ROW_COLUMNS].join(levels, on="doc_id")
    frame["found"] = (frame[list(CONCEPT_IDS)].fillna(0) > 0).sum(axis=1)
    frame["to_review"] = frame["doc_id"].map(cells.groupby("doc_id")["to_review"].sum()).fillna(0).astype(int)
    frame["reviewed"] = frame["doc_id"].map(reviewed).fillna(0).astype(int)
    for concept in CONCEPT_IDS:
        frame[concept] = frame[concept].astype("Int64")
    return frame.sort_values(["country", "year"], kind="stable").reset_index(drop=True)[columns]


def level_word(level) -> str:
    """A level as the reports say it ("quantified target"), "not read" for a missing one."""
    if level is None or pd.isna(level):
        return "not read"
    return LEVEL_NAMES[int(level)].replace("_", " ")


__all__ = ["ROW_COLUMNS", "Snapshot", "Workbench", "level_word", "overview_frame"]
