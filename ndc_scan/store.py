"""The workspace store: one SQLite database holding every stage's output.

Documents are keyed by the SHA-256 of their bytes, so an unchanged file is
never extracted twice; tags and labels are keyed by the taxonomy hash, so a
changed taxonomy re-tags stored passages without re-reading any PDF. Each
document is written in one transaction (WAL journal): an interrupted scan
leaves whole documents or nothing. Review decisions are keyed by passage text
hash and concept, committed one by one, and never touched by a re-scan.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Optional

from .errors import StoreError
from .records import (
    PAGE_GARBAGE,
    PAGE_LOW_TEXT,
    PAGE_NO_TEXT,
    Document,
    DocumentMeta,
    Failure,
    Match,
    Page,
    Decision,
    Passage,
    Prediction,
)

SCHEMA_VERSION = "3"
DEFAULT_STORE = ".ndc_scan/store.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, file_name TEXT NOT NULL, n_bytes INTEGER NOT NULL,
    iso3 TEXT, country TEXT, kind TEXT, year INTEGER, language TEXT,
    meta_sources TEXT NOT NULL, meta_evidence TEXT NOT NULL, pdf_info TEXT NOT NULL,
    n_pages INTEGER NOT NULL, pages_no_text INTEGER NOT NULL, pages_low_text INTEGER NOT NULL,
    pages_ocr INTEGER NOT NULL, ocr_tried INTEGER NOT NULL,
    extractor TEXT NOT NULL, extracted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE, page_no INTEGER NOT NULL,
    text TEXT NOT NULL, n_chars INTEGER NOT NULL, quality TEXT NOT NULL,
    ocr INTEGER NOT NULL DEFAULT 0, ocr_confidence REAL,
    PRIMARY KEY (doc_id, page_no)
);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page_no INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, heading_path TEXT NOT NULL, kind TEXT NOT NULL, text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, page_no);
CREATE TABLE IF NOT EXISTS matches (
    passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
    term TEXT NOT NULL, matched_text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, preferred INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS matches_doc ON matches(doc_id, taxonomy_hash);
CREATE TABLE IF NOT EXISTS predictions (
    passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
    level INTEGER NOT NULL, confidence REAL NOT NULL, conditional TEXT NOT NULL, component TEXT NOT NULL,
    terms TEXT NOT NULL, method TEXT NOT NULL,
    rule_level INTEGER NOT NULL DEFAULT 0, probability REAL, kept INTEGER NOT NULL DEFAULT 1,
    review TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (passage_id, taxonomy_hash, concept)
);
CREATE INDEX IF NOT EXISTS predictions_doc ON predictions(doc_id, taxonomy_hash);
CREATE TABLE IF NOT EXISTS tagged (
    doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, method TEXT NOT NULL, tagged_at REAL NOT NULL,
    PRIMARY KEY (doc_id, taxonomy_hash, method)
);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY, error TEXT NOT NULL, problem TEXT NOT NULL, remedy TEXT NOT NULL, failed_at REAL NOT NULL
);
-- Review decisions: keyed by passage text hash and concept, never deleted by a re-scan; every decision is kept.
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, text_hash TEXT NOT NULL, concept TEXT NOT NULL, decision TEXT NOT NULL,
    level INTEGER, concepts TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL, decided_at TEXT NOT NULL,
    passage_id TEXT NOT NULL DEFAULT '', document TEXT NOT NULL DEFAULT '', page INTEGER,
    note TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions(text_hash, concept);
"""

#: Statements that take a store from schema version N to N + 1.
_MIGRATIONS = {
    "1": [  # labels from a learned model: rule evidence, probability, final decision, review flags
        "ALTER TABLE predictions ADD COLUMN rule_level INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE predictions ADD COLUMN probability REAL",
        "ALTER TABLE predictions ADD COLUMN kept INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE predictions ADD COLUMN review TEXT NOT NULL DEFAULT ''",
        "UPDATE predictions SET rule_level = level WHERE method = 'rules'",
    ],
    "2": [],  # review decisions: the decisions table (created by the schema script, which runs first)
}


class Store:
    """A connection to the workspace database. Use as a context manager."""

    def __init__(self, path: str | Path = DEFAULT_STORE):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})",
                             remedy="pass --store with a writable path") from exc
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(_SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: is not an ndc_scan store ({exc})",
                             remedy="pass --store with another path, or delete this file to start afresh") from exc
        if found is None:
            with self.db:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found["value"] in _MIGRATIONS:
            self._migrate(found["value"])
        elif found["value"] != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {found['value']} is not {SCHEMA_VERSION}",
                             remedy="pass --store with a new path (results will be recomputed)")

    def _migrate(self, version: str) -> None:
        """Bring an older store up to SCHEMA_VERSION in one transaction; nothing stored is lost."""
        with self.db:
            while version != SCHEMA_VERSION:
                for statement in _MIGRATIONS[version]:
                    self.db.execute(statement)
                version = str(int(version) + 1)
            self.db.execute("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ documents

    def is_current(self, doc_id: str, extractor: str, *, ocr: bool) -> bool:
        """True when the stored extraction can be reused: same extractor, and no unread page that OCR could now read."""
        row = self.db.execute("SELECT extractor, pages_no_text, ocr_tried FROM documents WHERE doc_id=?",
                              (doc_id,)).fetchone()
        if row is None or row["extractor"] != extractor:
            return False
        return not (ocr and row["pages_no_text"] and not row["ocr_tried"])

    @contextlib.contextmanager
    def lock(self):
        """Hold the store for one scan; a second scan on the same store is refused."""
        path = self.path.with_name(self.path.name + ".lock")
        handle = path.open("a+")
        try:
            # A POSIX record lock: released when this process dies (even by kill -9) and,
            # unlike flock, not inherited by the child processes that read PDFs.
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise StoreError(f"{self.path}: is in use by another scan ({owner})",
                             remedy="wait for it to finish, or pass --store with another path") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield self
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)
            handle.close()

    def save_document(self, document: Document, pages: list, passages: list, extractor: str, pdf_info: dict,
                      *, ocr: bool = False) -> None:
        """Write a document with its pages and passages in one transaction (replacing older rows)."""
        meta = document.meta
        with self.db:
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (document.doc_id,))
            for table in ("matches", "predictions", "tagged"):
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (document.doc_id,))
            self.db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (document.doc_id, document.path, document.file_name, document.n_bytes, meta.iso3, meta.country,
                 meta.kind, meta.year, meta.language, json.dumps(meta.sources), json.dumps(meta.evidence),
                 json.dumps(pdf_info),
                 len(pages), sum(p.quality in (PAGE_NO_TEXT, PAGE_GARBAGE) for p in pages),
                 sum(p.quality == PAGE_LOW_TEXT for p in pages), sum(p.ocr for p in pages), int(ocr),
                 extractor, time.time()))
            self.db.executemany(
                "INSERT INTO pages VALUES (?,?,?,?,?,?,?)",
                [(p.doc_id, p.page_no, p.text, p.n_chars, p.quality, int(p.ocr), p.ocr_confidence) for p in pages])
            self.db.executemany(
                "INSERT OR REPLACE INTO passages VALUES (?,?,?,?,?,?,?,?,?)",
                [(p.passage_id, p.doc_id, p.page_no, p.start, p.end, p.text, p.heading_path, p.kind, p.text_hash)
                 for p in passages])
            self.db.execute("DELETE FROM failures WHERE path=?", (document.path,))

    def update_meta(self, document: Document) -> None:
        """Rewrite a stored document's path and metadata (e.g. a new --metadata file)."""
        meta = document.meta
        with self.db:
            self.db.execute(
                "UPDATE documents SET path=?, file_name=?, iso3=?, country=?, kind=?, year=?, language=?, "
                "meta_sources=?, meta_evidence=? WHERE doc_id=?",
                (document.path, document.file_name, meta.iso3, meta.country, meta.kind, meta.year, meta.language,
                 json.dumps(meta.sources), json.dumps(meta.evidence), document.doc_id))
            self.db.execute("DELETE FROM failures WHERE path=?", (document.path,))

    def document(self, doc_id: str) -> Optional[Document]:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        meta = DocumentMeta(iso3=row["iso3"], country=row["country"], kind=row["kind"], year=row["year"],
                            language=row["language"], sources=json.loads(row["meta_sources"]),
                            evidence=json.loads(row["meta_evidence"]))
        return Document(doc_id=row["doc_id"], path=row["path"], file_name=row["file_name"],
                        n_bytes=row["n_bytes"], meta=meta)

    def pdf_info(self, doc_id: str) -> dict:
        row = self.db.execute("SELECT pdf_info FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return json.loads(row["pdf_info"]) if row else {}

    def pages(self, doc_id: str) -> list:
        rows = self.db.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY page_no", (doc_id,))
        return [Page(doc_id=r["doc_id"], page_no=r["page_no"], text=r["text"], n_chars=r["n_chars"],
                     quality=r["quality"], ocr=bool(r["ocr"]), ocr_confidence=r["ocr_confidence"]) for r in rows]

    def passages(self, doc_id: str) -> list:
        rows = self.db.execute('SELECT * FROM passages WHERE doc_id=? ORDER BY page_no, start', (doc_id,))
        return [Passage(passage_id=r["passage_id"], doc_id=r["doc_id"], page_no=r["page_no"], start=r["start"],
                        end=r["end"], text=r["text"], heading_path=r["heading_path"], kind=r["kind"]) for r in rows]

    # ------------------------------------------------------------------ tags and labels

    def is_tagged(self, doc_id: str, taxonomy_hash: str, method: str) -> bool:
        return self.db.execute("SELECT 1 FROM tagged WHERE doc_id=? AND taxonomy_hash=? AND method=?",
                               (doc_id, taxonomy_hash, method)).fetchone() is not None

    def save_tags(self, doc_id: str, taxonomy_hash: str, method: str,
                  matches: Iterable[Match], predictions: Iterable[Prediction]) -> None:
        with self.db:
            self.db.execute("DELETE FROM matches WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
            self.db.execute("DELETE FROM predictions WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
            # One set of labels per document and taxonomy: the method that wrote them last.
            self.db.execute("DELETE FROM tagged WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
            self.db.executemany(
                "INSERT INTO matches VALUES (?,?,?,?,?,?,?,?,?)",
                [(m.passage_id, doc_id, taxonomy_hash, m.concept, m.term, m.matched_text, m.start, m.end,
                  int(m.preferred)) for m in matches])
            self.db.executemany(
                "INSERT INTO predictions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(p.passage_id, doc_id, taxonomy_hash, p.concept, p.level, p.confidence, p.conditional,
                  p.component, ";".join(p.terms), p.method, p.rule_level, p.probability, int(p.kept), p.review)
                 for p in predictions])
            self.db.execute("INSERT OR REPLACE INTO tagged VALUES (?,?,?,?)", (doc_id, taxonomy_hash, method, time.time()))

    # ------------------------------------------------------------------ failures

    def save_failure(self, failure: Failure) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO failures VALUES (?,?,?,?,?)",
                            (failure.path, failure.error, failure.problem, failure.remedy, time.time()))

    # ------------------------------------------------------------------ review decisions

    def save_decision(self, decision: Decision, *, source: str = "") -> int:
        """Store one decision in its own transaction (a crash loses nothing already decided); return its id."""
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO decisions (text_hash, concept, decision, level, concepts, reviewer, decided_at, passage_id, "
                "document, page, note, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (decision.text_hash, decision.concept, decision.decision, decision.level, ";".join(decision.concepts),
                 decision.reviewer, decision.decided_at, decision.passage_id, decision.document, decision.page,
                 decision.note, source))
        return int(cursor.lastrowid)

    def delete_decision(self, decision_id: int) -> None:
        """Withdraw a decision (undo in a review session)."""
        with self.db:
            self.db.execute("DELETE FROM decisions WHERE id=?", (decision_id,))

    def decisions(self, *, reviewer: Optional[str] = None) -> list:
        """Every stored decision (of one reviewer, or all), oldest first."""
        where, params = ("WHERE reviewer=?", (reviewer,)) if reviewer is not None else ("", ())
        rows = self.db.execute(f"SELECT * FROM decisions {where} ORDER BY decided_at, id", params)
        return [Decision(text_hash=r["text_hash"], concept=r["concept"], decision=r["decision"], reviewer=r["reviewer"],
                         decided_at=r["decided_at"], level=r["level"],
                         concepts=tuple(c for c in r["concepts"].split(";") if c), passage_id=r["passage_id"],
                         document=r["document"], page=r["page"], note=r["note"]) for r in rows]

    # ------------------------------------------------------------------ queries for aggregate

    def query(self, sql: str, params: tuple = ()) -> list:
        return [dict(row) for row in self.db.execute(sql, params)]
