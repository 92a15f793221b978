"""The workspace store: one SQLite database holding every stage's output, and every query on it.

Documents are keyed by the SHA-256 of their bytes, so an unchanged file is
never extracted twice; tags and labels are keyed by the taxonomy hash, so a
changed taxonomy re-tags stored passages without re-reading any PDF. Each
document is written in one transaction (WAL journal): an interrupted scan
leaves whole documents or nothing. Review decisions are keyed by passage text
hash and concept, committed one by one, and never touched by a re-scan.

Other modules never write SQL: they call the named methods here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sqlite3
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, TypeVar

from ..defaults import DEFAULT_STORE
from ..errors import NoStoreError, StoreError
from ..read.pages import ENGINES as PDF_ENGINES
from ..records import (
    PAGE_GARBAGE,
    PAGE_LOW_TEXT,
    PAGE_NO_TEXT,
    PASSAGE_KINDS,
    TAGGED_KINDS,
    Decision,
    Document,
    DocumentMeta,
    Failure,
    Labelling,
    Match,
    Page,
    PageBoxes,
    Passage,
    Prediction,
    ScannedDocument,
    loose_text,
)
from ..textnorm import shown_name
from .boxes import pack_boxes, unpack_boxes
from .schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

T = TypeVar("T")
#: Seconds between two labellings' stamps when the clock is behind the store (``Store._label_stamp``).
STAMP_STEP = 0.001


class Store:
    """A connection to the workspace database. Use as a context manager.

    ``create=False`` opens an existing store only (readers: review, training, evaluation):
    a missing file is a ``StoreError`` instead of a new empty store.
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, *, create: bool = True):
        self.path = Path(path)
        #: Passages with review decisions that documents read again kept (moved to their re-read twin) and lost (no
        #: twin): ``_carry_decisions``.
        self.carried_decisions = self.unmatched_decisions = 0
        if not create and not self.path.is_file():
            raise NoStoreError(f"{shown_name(self.path)}: no such store",
                               remedy=f"scan first (ndc-scan scan PATHS --store {shown_name(self.path)}), "
                                      "or pass --store with the store of your scan")
        if self.path.exists() and not self.path.is_file():
            # e.g. /dev/null: SQLite would make /dev/null-journal beside it, and "delete this file" is bad advice
            raise StoreError(f"{shown_name(self.path)}: is not a regular file, so it cannot hold a store",
                             remedy="pass --store with the path of a file, e.g. --store .ndc_scan/store.sqlite")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, factory=_Connection)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{shown_name(self.path)}: cannot open the store ({exc})",
                             remedy="pass --store with a writable path") from exc
        self.db.path = self.path
        self.db.row_factory = sqlite3.Row
        try:
            self._refuse_a_database_of_another_program()
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except StoreError:          # not a store, damaged, or on a full disk: the error says which
            self.db.close()
            raise
        if found is None:
            with self.db:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found["value"] in MIGRATIONS:
            self._migrate(found["value"])
        elif found["value"] != SCHEMA_VERSION:
            self.db.close()
            newer = found["value"].isdigit() and int(found["value"]) > int(SCHEMA_VERSION)
            raise StoreError(
                f"{self.path}: store schema {found['value']} is not {SCHEMA_VERSION}"
                + (" (the store was written by a newer ndc_scan)" if newer else ""),
                remedy=("use that newer ndc_scan with it (pip install --upgrade ndc-scan), or keep its review decisions "
                        "first: with the newer version, ndc-scan review export decisions.jsonl, then here, "
                        "ndc-scan review import decisions.jsonl --store NEW.sqlite after a scan into NEW.sqlite")
                if newer else "pass --store with a new path (results will be recomputed; keep review decisions "
                              "first with the version that wrote the store: ndc-scan review export decisions.jsonl)")
        # Rows made once (a store of an older version gets them here): read first, so that a reader opening a
        # store a scan is writing never waits for the write lock.
        if len(self.db.execute("SELECT key FROM meta WHERE key IN ('generation', 'store_id')").fetchall()) < 2:
            with self.db:
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', lower(hex(randomblob(16))))")

    def _refuse_a_database_of_another_program(self) -> None:
        """An SQLite file with tables but no ndc_scan schema row is another program's database: left as it is (it
        would have got this store's tables and WAL mode, or failed half-way on a table of the same name)."""
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                     "AND name NOT LIKE 'sqlite%'")}
        if not tables:
            return                                  # a new, empty file
        meta_ours = "meta" not in tables or self._column_order("meta") == ["key", "value"]
        has_schema = meta_ours and "meta" in tables and \
            self.db.execute("SELECT 1 FROM meta WHERE key='schema'").fetchone() is not None
        # Without its schema row, a store whose first scan stopped early (a full disk) has only this store's tables.
        if not (meta_ours and (has_schema or tables <= _TABLES)):
            raise StoreError(f"{shown_name(self.path)}: is an SQLite database of another program, not an ndc_scan "
                             "store (it is left as it is)", remedy="pass --store with another path")

    def _migrate(self, version: str) -> None:
        """Bring an older store up to SCHEMA_VERSION in one transaction; nothing stored is lost."""
        with self.db:
            while version != SCHEMA_VERSION:
                for step in MIGRATIONS[version]:
                    if isinstance(step, str):
                        self.db.execute(step)
                        continue
                    statement, where, present = step
                    table, column = where.split(".")
                    if (column in self._columns(table)) == present:
                        self.db.execute(statement)
                version = str(int(version) + 1)
            self.db.execute("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))

    def backup_to(self, path: str | Path) -> None:
        """Copy the whole store to a new file at ``path`` (SQLite's online backup: consistent while open)."""
        target = sqlite3.connect(path)
        try:
            self.db.backup(target)
        finally:
            target.close()

    def _columns(self, table: str) -> set[str]:
        return set(self._column_order(table))

    def _column_order(self, table: str) -> list[str]:
        return [row[1] for row in self.db.execute(f"PRAGMA table_info({table})")]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ documents

    def is_current(self, doc_id: str, extractor: str, *, ocr: bool) -> bool:
        """True when the stored extraction can be reused: same extractor, the word boxes of a PDF stored (schema 6;
        Word, HTML and text documents have none), and no unread page that OCR could now read."""
        row = self.db.execute("SELECT extractor, pages_no_text, ocr_tried, "
                              "EXISTS (SELECT 1 FROM page_boxes b WHERE b.doc_id = d.doc_id) AS boxed "
                              "FROM documents d WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None or row["extractor"] != extractor:
            return False
        if not row["boxed"] and extractor.split("-")[0] in PDF_ENGINES:
            return False
        return not (ocr and row["pages_no_text"] and not row["ocr_tried"])

    @contextlib.contextmanager
    def lock(self) -> Iterator[Store]:
        """Hold the store for one scan; a second scan on the same store is refused."""
        path = lock_path(self.path)
        try:
            handle = path.open("a+")
        except OSError as exc:
            raise StoreError(f"{shown_name(path)}: the store's lock file cannot be made ({exc.strerror})",
                             remedy="pass --store with a path in a folder you may write") from exc
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
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
        except OSError:         # a full disk: the lock holds all the same; only the pid shown to others is missing
            pass
        try:
            yield self
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)
            handle.close()

    def generation(self) -> tuple[str, str]:
        """(this store's id, a random value that every change to the tables the reports read replaces)."""
        rows = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'store_id')").fetchall())
        return str(rows.get("store_id", "")), str(rows.get("generation", ""))

    def labelling_stamp(self) -> tuple:
        """A value that changes when a scan adds, reads again or labels again a document (not with a reviewer's
        decision: a review queue keeps its order while its reviewer works through it). Every other change:
        ``generation``."""
        row = self.db.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT TOTAL(extracted_at) FROM documents), "
            "(SELECT TOTAL(tagged_at) FROM tagged)").fetchone()
        return tuple(row)

    def save_document(self, document: Document, pages: Sequence[Page], passages: Sequence[Passage], extractor: str,
                      pdf_info: Mapping[str, str], *, ocr: bool = False) -> None:
        """Write a document with its pages and passages in one transaction (replacing older rows)."""
        with self.db:
            self._write_document(document, pages, passages, extractor, pdf_info, ocr=ocr)

    def save_scanned(self, scanned: ScannedDocument, *, meta_key: str = "") -> None:
        """Write a document read by a worker with its pages, passages and labels, in one transaction.

        ``meta_key``: the key of the inputs its metadata was inferred from (``meta_key``)."""
        counts = self.carried_decisions, self.unmatched_decisions
        try:
            with self.db:
                self._write_document(scanned.document, scanned.pages, scanned.passages, scanned.extractor,
                                     scanned.pdf_info, ocr=scanned.ocr_tried, meta_key=meta_key)
                self._write_labels(scanned.labelling)
        except BaseException:
            self.carried_decisions, self.unmatched_decisions = counts     # rolled back: nothing was carried
            raise

    def _write_document(self, document: Document, pages: Sequence[Page], passages: Sequence[Passage], extractor: str,
                        pdf_info: Mapping[str, str], *, ocr: bool, meta_key: str = "") -> None:
        meta = document.meta
        before = self.db.execute("SELECT passage_id, text, text_hash FROM passages WHERE doc_id=?",
                                 (document.doc_id,)).fetchall()
        self.db.execute("DELETE FROM documents WHERE doc_id=?", (document.doc_id,))
        for table in ("matches", "predictions", "tagged"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (document.doc_id,))
        self.db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (document.doc_id, document.path, document.file_name, document.n_bytes, meta.iso3, meta.country,
             meta.kind, meta.year, meta.language, json.dumps(meta.sources), json.dumps(meta.evidence),
             json.dumps(pdf_info),
             len(pages), sum(p.quality in (PAGE_NO_TEXT, PAGE_GARBAGE) for p in pages),
             sum(p.quality == PAGE_LOW_TEXT for p in pages), sum(p.ocr for p in pages), int(ocr),
             extractor, time.time(), meta_key))
        self.db.executemany(
            "INSERT INTO pages VALUES (?,?,?,?,?,?,?)",
            [(p.doc_id, p.page_no, p.text, p.n_chars, p.quality, int(p.ocr), p.ocr_confidence) for p in pages])
        self.db.executemany(
            "INSERT OR REPLACE INTO passages VALUES (?,?,?,?,?,?,?,?,?)",
            [(p.passage_id, p.doc_id, p.page_no, p.start, p.end, p.text, p.heading_path, p.kind, p.text_hash)
             for p in passages])
        self.db.executemany("INSERT INTO page_boxes VALUES (?,?,?,?,?)",
                            [(p.doc_id, p.page_no, p.boxes.width, p.boxes.height, pack_boxes(p.boxes))
                             for p in pages if p.boxes is not None])
        self.db.execute("DELETE FROM failures WHERE path=?", (document.path,))
        if before:
            self._carry_decisions(before, passages, document.file_name)

    def _carry_decisions(self, before: Sequence[sqlite3.Row], passages: Sequence[Passage], file_name: str) -> None:
        """Keep the review decisions of a document read again: a decision on a passage as it was read ``before`` whose
        text is not among the new ``passages`` is moved to the new passage with the same letters and digits
        (``records.loose_text``: a re-read that changed spacing, hyphens or punctuation, e.g. a new engine or
        version), or copied there when another document still holds the old text (decisions are keyed by text, for
        every document that has it). A decision whose passage has no such twin stays as it is, counted in
        ``unmatched_decisions`` (``review stats`` counts it; ``review export`` keeps it)."""
        now = {p.text_hash for p in passages}
        gone = {row["text_hash"]: row for row in before if row["text_hash"] not in now}
        if not gone:
            return
        hashes, decided = sorted(gone), []
        for i in range(0, len(hashes), _CHUNK):
            chunk = hashes[i:i + _CHUNK]
            decided += [row["text_hash"] for row in self.db.execute(
                f"SELECT DISTINCT text_hash FROM decisions WHERE text_hash IN ({_marks(chunk)})", chunk)]
        if not decided:
            return
        twins: dict[str, list[Passage]] = {}
        for passage in passages:
            twins.setdefault(loose_text(passage.text), []).append(passage)
        for old_hash in decided:
            found = {p.text_hash: p for p in twins.get(loose_text(gone[old_hash]["text"]), [])}
            if len(found) != 1:              # none, or two different texts: which one the decision meant is unknown
                self.unmatched_decisions += 1
                continue
            new = next(iter(found.values()))
            here = (new.text_hash, new.passage_id, file_name, new.page_no)
            # a decision already at the new text (carried before: a reading switched back and forth) is not doubled
            twin = ("EXISTS (SELECT 1 FROM decisions t WHERE t.text_hash=? AND t.concept=d.concept AND "
                    "t.reviewer=d.reviewer AND t.decided_at=d.decided_at AND t.decision=d.decision)")
            if self.db.execute("SELECT 1 FROM passages WHERE text_hash=? LIMIT 1", (old_hash,)).fetchone():
                self.db.execute(
                    "INSERT INTO decisions (text_hash, concept, decision, level, concepts, reviewer, decided_at, "
                    "passage_id, document, page, note, source) SELECT ?, concept, decision, level, concepts, reviewer, "
                    f"decided_at, ?, ?, ?, note, source FROM decisions d WHERE text_hash=? AND NOT {twin} ORDER BY id",
                    (*here, old_hash, new.text_hash))
            else:
                self.db.execute(f"DELETE FROM decisions AS d WHERE text_hash=? AND {twin}", (old_hash, new.text_hash))
                self.db.execute("UPDATE decisions SET text_hash=?, passage_id=?, document=?, page=? WHERE text_hash=?",
                                (*here, old_hash))
            self.carried_decisions += 1

    def update_meta(self, document: Document, meta_key: Optional[str] = None) -> None:
        """Rewrite a stored document's path and metadata (e.g. a new --metadata file); ``meta_key``: the key of the
        inputs that metadata was inferred from (None: keep the stored one). A new language drops the document's labels
        (the terms and cues of another language made them): the scan labels it again."""
        meta = document.meta
        before = self.db.execute("SELECT language FROM documents WHERE doc_id=?", (document.doc_id,)).fetchone()
        with self.db:
            if before is not None and before["language"] != meta.language:
                for table in ("matches", "predictions", "targets", "tagged"):
                    self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (document.doc_id,))
            self.db.execute(
                "UPDATE documents SET path=?, file_name=?, iso3=?, country=?, kind=?, year=?, language=?, "
                "meta_sources=?, meta_evidence=?, meta_key=COALESCE(?, meta_key) WHERE doc_id=?",
                (document.path, document.file_name, meta.iso3, meta.country, meta.kind, meta.year, meta.language,
                 json.dumps(meta.sources), json.dumps(meta.evidence), meta_key, document.doc_id))
            self.db.execute("DELETE FROM failures WHERE path=?", (document.path,))

    def meta_key(self, doc_id: str) -> str:
        """The key of the inputs the stored metadata was inferred from ('' when unknown: infer it again)."""
        row = self.db.execute("SELECT meta_key FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row["meta_key"] if row else ""

    def document(self, doc_id: str) -> Optional[Document]:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        meta = DocumentMeta(iso3=row["iso3"], country=row["country"], kind=row["kind"], year=row["year"],
                            language=row["language"], sources=json.loads(row["meta_sources"]),
                            evidence=json.loads(row["meta_evidence"]))
        return Document(doc_id=row["doc_id"], path=row["path"], file_name=row["file_name"],
                        n_bytes=row["n_bytes"], meta=meta)

    def pdf_info(self, doc_id: str) -> dict[str, str]:
        row = self.db.execute("SELECT pdf_info FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return json.loads(row["pdf_info"]) if row else {}

    def pages(self, doc_id: str) -> list[Page]:
        rows = self.db.execute("SELECT * FROM pages WHERE doc_id=? ORDER BY page_no", (doc_id,))
        return [Page(doc_id=r["doc_id"], page_no=r["page_no"], text=r["text"], n_chars=r["n_chars"],
                     quality=r["quality"], ocr=bool(r["ocr"]), ocr_confidence=r["ocr_confidence"]) for r in rows]

    def page_boxes(self, doc_id: str, page_no: int) -> Optional[PageBoxes]:
        """The word boxes of a page; None when the store has none (scanned before schema 6: scan again)."""
        row = self.db.execute("SELECT width, height, words FROM page_boxes WHERE doc_id=? AND page_no=?",
                              (doc_id, page_no)).fetchone()
        return None if row is None else unpack_boxes(row["width"], row["height"], row["words"])

    def passages(self, doc_id: str, kinds: Sequence[str] = PASSAGE_KINDS) -> list[Passage]:
        """The passages of a document of the given kinds, in reading order."""
        rows = self.db.execute(f"SELECT * FROM passages WHERE doc_id=? AND kind IN ({_marks(kinds)}) "
                               "ORDER BY page_no, start", (doc_id, *kinds))
        return [_passage(r) for r in rows]

    def passage(self, passage_id: str) -> Optional[Passage]:
        row = self.db.execute("SELECT * FROM passages WHERE passage_id=?", (passage_id,)).fetchone()
        return None if row is None else _passage(row)

    def passages_around(self, passage: Passage, kinds: Sequence[str]) -> tuple[Optional[Passage], Optional[Passage]]:
        """The passages of ``kinds`` just before and just after ``passage`` in its document's reading order."""
        found = []
        for comparison, order in (("<", "DESC"), (">", "")):
            row = self.db.execute(
                f"SELECT * FROM passages WHERE doc_id=? AND kind IN ({_marks(kinds)}) AND (page_no {comparison} ? OR "
                f"(page_no = ? AND start {comparison} ?)) ORDER BY page_no {order}, start {order} LIMIT 1",
                (passage.doc_id, *kinds, passage.page_no, passage.page_no, passage.start)).fetchone()
            found.append(None if row is None else _passage(row))
        return found[0], found[1]

    def tagged_passages(self, doc_id: str) -> list[Passage]:
        """The passages that are tagged and classified (``records.TAGGED_KINDS``), in reading order."""
        return self.passages(doc_id, TAGGED_KINDS)

    # ------------------------------------------------------------------ tags and labels

    def is_tagged(self, doc_id: str, taxonomy_hash: str, method: str, version: str = "") -> bool:
        """Whether the document's labels for this taxonomy, method and labelling-code version are stored."""
        return self.db.execute("SELECT 1 FROM tagged WHERE doc_id=? AND taxonomy_hash=? AND method=? AND version=?",
                               (doc_id, taxonomy_hash, method, version)).fetchone() is not None

    def save_tags(self, doc_id: str, taxonomy_hash: str, method: str,
                  matches: Iterable[Match], predictions: Iterable[Prediction], version: str = "") -> None:
        """Replace the document's matches, labels and targets for this taxonomy, in one transaction."""
        self.save_labelling(Labelling(doc_id, taxonomy_hash, method, tuple(matches), tuple(predictions), version))

    def save_labelling(self, labelling: Labelling) -> None:
        """Write a document's labels under one taxonomy (replacing that taxonomy's older ones) in one transaction."""
        with self.db:
            self._write_labels(labelling)

    def _write_labels(self, labelling: Labelling) -> None:
        doc_id, taxonomy_hash, predictions = labelling.doc_id, labelling.taxonomy_hash, labelling.predictions
        for table in ("matches", "predictions", "targets"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
        # One set of labels per document and taxonomy: the method that wrote them last.
        self.db.execute("DELETE FROM tagged WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
        self.db.executemany(
            "INSERT INTO matches VALUES (?,?,?,?,?,?,?,?,?)",
            [(m.passage_id, doc_id, taxonomy_hash, m.concept, m.term, m.matched_text, m.start, m.end,
              int(m.preferred)) for m in labelling.matches])
        self.db.executemany(
            "INSERT INTO predictions (passage_id, doc_id, taxonomy_hash, concept, level, confidence, conditional, "
            "component, terms, method, rule_level, probability, counted, review) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(p.passage_id, doc_id, taxonomy_hash, p.concept, p.level, p.confidence, p.conditional,
              p.component, ";".join(p.terms), p.method, p.rule_level, p.probability, int(p.counted), p.review)
             for p in predictions])
        self.db.executemany(
            f"INSERT INTO targets VALUES ({_marks(range(22))})",
            [(p.passage_id, doc_id, taxonomy_hash, p.concept, t.start, t.end, t.quantity, t.value, t.value_max,
              t.unit, t.measure, t.norm_value, t.norm_value_max, t.norm_unit, t.year, t.base_year, t.baseline,
              t.conditional, t.share_of, t.sentence, t.tie, t.year_from) for p in predictions for t in p.targets])
        self.db.execute("INSERT OR REPLACE INTO tagged (doc_id, taxonomy_hash, method, tagged_at, version) "
                        "VALUES (?,?,?,?,?)", (doc_id, taxonomy_hash, labelling.method, self._label_stamp(),
                                               labelling.version))

    def _label_stamp(self) -> float:
        """``tagged.tagged_at`` for labels written or used now: the clock, or just after the store's latest stamp where
        the clock is behind it (set back, or another machine's clock on a shared store). The latest labelling a scan
        wrote or used is the one that counts, whatever the clocks say."""
        latest = self.db.execute("SELECT MAX(tagged_at) FROM tagged").fetchone()[0]
        return time.time() if latest is None else max(time.time(), latest + STAMP_STEP)

    def save_taxonomy(self, taxonomy_hash: str, terms: Iterable[tuple[str, str, str, str]]) -> None:
        """Keep the (concept, lang, kind, term) rows of a taxonomy a scan labels with (once per taxonomy)."""
        if self.db.execute("SELECT 1 FROM taxonomies WHERE taxonomy_hash=?", (taxonomy_hash,)).fetchone() is None:
            with self.db:
                self.db.execute("INSERT OR IGNORE INTO taxonomies VALUES (?,?)",
                                (taxonomy_hash, json.dumps([list(term) for term in terms], ensure_ascii=False)))

    def taxonomy_terms(self, taxonomy_hash: str) -> Optional[list[tuple[str, str, str, str]]]:
        """The rows of a taxonomy kept by ``save_taxonomy``; None when this store does not have them."""
        row = self.db.execute("SELECT terms FROM taxonomies WHERE taxonomy_hash=?", (taxonomy_hash,)).fetchone()
        return None if row is None else [tuple(term) for term in json.loads(row["terms"])]

    def earlier_labelling(self, doc_id: str, method: str, version: str) -> Optional[str]:
        """The taxonomy hash of the document's latest labels by this method and labelling code under a taxonomy whose
        terms are kept; None when there are none."""
        row = self.db.execute("SELECT t.taxonomy_hash FROM tagged t JOIN taxonomies x USING (taxonomy_hash) "
                              "WHERE t.doc_id=? AND t.method=? AND t.version=? ORDER BY t.tagged_at DESC LIMIT 1",
                              (doc_id, method, version)).fetchone()
        return None if row is None else str(row["taxonomy_hash"])

    def matches(self, doc_id: str, taxonomy_hash: str) -> tuple[Match, ...]:
        """The document's matches under ``taxonomy_hash``, in the order its labelling wrote them."""
        return tuple(Match(passage_id=row["passage_id"], concept=row["concept"], term=row["term"],
                           matched_text=row["matched_text"], start=row["start"], end=row["end"],
                           preferred=bool(row["preferred"])) for row in self.db.execute(
            'SELECT passage_id, concept, term, matched_text, start, "end", preferred FROM matches '
            "WHERE doc_id=? AND taxonomy_hash=? ORDER BY rowid", (doc_id, taxonomy_hash)))

    def copy_labellings(self, sources: Sequence[tuple[str, str]], taxonomy_hash: str) -> None:
        """Store, for each (doc_id, earlier taxonomy hash), that labelling again as the one of ``taxonomy_hash``: the
        same matches, labels and targets (what labelling it again would give when no changed term can match in it).
        One transaction."""
        # Every column but the taxonomy's, as the tables have them (a column added later is copied too).
        copies = {table: ", ".join(f'"{name}"' for name in self._column_order(table) if name != "taxonomy_hash")
                  for table in ("matches", "predictions", "targets")}
        with self.db:
            now = self._label_stamp()
            for doc_id, earlier in sources:
                for table, columns in copies.items():
                    self.db.execute(f"DELETE FROM {table} WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
                    self.db.execute(f"INSERT INTO {table} (taxonomy_hash, {columns}) SELECT ?, {columns} FROM {table} "
                                    "WHERE doc_id=? AND taxonomy_hash=? ORDER BY rowid", (taxonomy_hash, doc_id, earlier))
                self.db.execute("DELETE FROM tagged WHERE doc_id=? AND taxonomy_hash=?", (doc_id, taxonomy_hash))
                self.db.execute("INSERT INTO tagged (doc_id, taxonomy_hash, method, tagged_at, version) "
                                "SELECT doc_id, ?, method, ?, version FROM tagged WHERE doc_id=? AND taxonomy_hash=?",
                                (taxonomy_hash, now, doc_id, earlier))

    # ------------------------------------------------------------------ failures

    def save_failure(self, failure: Failure) -> None:
        """Record why a file failed (the same failure again leaves the store as it was)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO failures SELECT ?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM failures "
                            "WHERE path=? AND error=? AND problem=? AND remedy=?)",
                            (failure.path, failure.error, failure.problem, failure.remedy, time.time(),
                             failure.path, failure.error, failure.problem, failure.remedy))

    # ------------------------------------------------------------------ review decisions

    @contextlib.contextmanager
    def immediate(self) -> Iterator[Store]:
        """Hold the store's write lock (BEGIN IMMEDIATE) over a read-then-write that no other writer may split (two
        browsers deciding the same label); committed at the end, rolled back on an error."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.db.in_transaction:
                self.db.rollback()
            raise
        if self.db.in_transaction:
            self.db.commit()

    def save_decision(self, decision: Decision, *, source: str = "") -> int:
        """Store one decision in its own transaction (a crash loses nothing already decided); return its id."""
        with self.db:
            cursor = self.db.execute(_INSERT_DECISION, _decision_row(decision, source))
        return int(cursor.lastrowid or 0)

    def save_decisions(self, decisions: Sequence[Decision], *, source: str = "") -> None:
        """Store decisions in one transaction: all of them or, if anything fails, none (an import)."""
        with self.db:
            self.db.executemany(_INSERT_DECISION, [_decision_row(decision, source) for decision in decisions])

    def decisions_of_source(self, source: str) -> list[Row]:
        """Every stored decision imported from a file of this name (``source`` as ``save_decisions`` got it)."""
        return self._rows("SELECT text_hash, concept, decision, level, concepts, note, reviewer FROM decisions "
                          "WHERE source=? ORDER BY id", (source,))

    def rename_reviewer(self, old: str, new: str) -> int:
        """Give every decision of reviewer ``old`` the name ``new``, in one transaction; return how many."""
        with self.db:
            return self.db.execute("UPDATE decisions SET reviewer=? WHERE reviewer=?", (new, old)).rowcount

    def reviewers(self) -> list[str]:
        """The names of the reviewers with stored decisions."""
        return [row["reviewer"] for row in self._rows("SELECT DISTINCT reviewer FROM decisions ORDER BY reviewer", ())]

    def unmatched_decision_count(self) -> int:
        """Decisions on a text no stored passage holds (its documents were read again with other text, or removed):
        they count in no report."""
        row = self.db.execute("SELECT COUNT(*) AS n FROM decisions WHERE text_hash NOT IN "
                              "(SELECT text_hash FROM passages)").fetchone()
        return int(row["n"])

    def delete_decision(self, decision_id: int) -> None:
        """Withdraw a decision (undo in a review session)."""
        with self.db:
            self.db.execute("DELETE FROM decisions WHERE id=?", (decision_id,))

    def decisions(self, *, reviewer: Optional[str] = None) -> list[Decision]:
        """Every stored decision (of one reviewer, or all), oldest first."""
        where, params = ("WHERE reviewer=?", (reviewer,)) if reviewer is not None else ("", ())
        rows = self.db.execute(f"SELECT * FROM decisions {where} ORDER BY decided_at, id", params)
        return [Decision(text_hash=r["text_hash"], concept=r["concept"], decision=r["decision"], reviewer=r["reviewer"],
                         decided_at=r["decided_at"], level=r["level"],
                         concepts=tuple(c for c in r["concepts"].split(";") if c), passage_id=r["passage_id"],
                         document=r["document"], page=r["page"], note=r["note"]) for r in rows]

    # ------------------------------------------------------------------ labels that count

    def use_labelling(self, doc_ids: Sequence[str], taxonomy_hash: str) -> None:
        """Make the labels of ``taxonomy_hash`` the ones that count for these documents (a scan just used them)."""
        with self.db:         # only where another taxonomy's labels count now: a scan that changes nothing writes nothing
            now = self._label_stamp()
            self.db.executemany("UPDATE tagged SET tagged_at=? WHERE doc_id=? AND taxonomy_hash=? AND tagged_at <= "
                                "(SELECT MAX(t.tagged_at) FROM tagged t WHERE t.doc_id=tagged.doc_id "
                                "AND t.taxonomy_hash != tagged.taxonomy_hash)",
                                [(now, doc_id, taxonomy_hash) for doc_id in doc_ids])

    def labels_that_count(self, doc_ids: Optional[Sequence[str]] = None) -> list[Row]:
        """Every stored label of each document's current labelling, with its passage and document fields.

        The one definition of which labels count: per document, the labelling (taxonomy and
        method) that the latest scan of it used (``use_labelling``). Ordered by file name,
        page and offset. ``doc_ids`` None: every document in the store.
        """
        where, params = ("AND t.doc_id IN (" + _marks(doc_ids) + ")", tuple(doc_ids)) if doc_ids is not None else ("", ())
        return self._rows(f"""
            WITH current AS (
                SELECT t.doc_id, t.taxonomy_hash FROM tagged t
                WHERE t.tagged_at = (SELECT MAX(t2.tagged_at) FROM tagged t2 WHERE t2.doc_id = t.doc_id) {where})
            SELECT l.passage_id, l.doc_id, l.taxonomy_hash, l.concept, l.level, l.confidence, l.conditional,
                   l.component, l.terms, l.method, l.rule_level, l.probability, l.counted, l.review,
                   p.page_no, p.start, p.heading_path, p.text, p.text_hash,
                   d.file_name, d.path, d.iso3, d.country
            FROM predictions l JOIN current ON current.doc_id = l.doc_id AND current.taxonomy_hash = l.taxonomy_hash
            JOIN passages p ON p.passage_id = l.passage_id JOIN documents d ON d.doc_id = l.doc_id
            ORDER BY d.file_name, p.page_no, p.start, l.doc_id, l.concept""", params)

    def match_spans(self, doc_ids: Optional[Sequence[str]] = None) -> MatchSpans:
        """passage_id → sorted ``(start, end, concept)`` of the taxonomy terms matched in it (current labelling)."""
        where, params = ("AND t.doc_id IN (" + _marks(doc_ids) + ")", tuple(doc_ids)) if doc_ids is not None else ("", ())
        found: dict[str, set[tuple[int, int, str]]] = {}
        for row in self.db.execute(f"""
                WITH current AS (
                    SELECT t.doc_id, t.taxonomy_hash FROM tagged t
                    WHERE t.tagged_at = (SELECT MAX(t2.tagged_at) FROM tagged t2 WHERE t2.doc_id = t.doc_id) {where})
                SELECT m.passage_id, m.concept, m.start, m."end" FROM matches m
                JOIN current ON current.doc_id = m.doc_id AND current.taxonomy_hash = m.taxonomy_hash""", params):
            found.setdefault(row["passage_id"], set()).add((row["start"], row["end"], row["concept"]))
        return {passage_id: sorted(spans) for passage_id, spans in found.items()}

    def targets_of_labels(self, doc_ids: Sequence[str]) -> list[Row]:
        """Stored targets of each document's current labelling, with their passage's page and offset."""
        return self._rows(f"""
            WITH current AS (
                SELECT t.doc_id, t.taxonomy_hash FROM tagged t
                WHERE t.tagged_at = (SELECT MAX(t2.tagged_at) FROM tagged t2 WHERE t2.doc_id = t.doc_id)
                AND t.doc_id IN ({_marks(doc_ids)}))
            SELECT g.*, p.page_no, p.start AS passage_start FROM targets g
            JOIN current ON current.doc_id = g.doc_id AND current.taxonomy_hash = g.taxonomy_hash
            JOIN passages p ON p.passage_id = g.passage_id
            ORDER BY g.doc_id, p.page_no, p.start, g.start, g.concept""", tuple(doc_ids))

    # ------------------------------------------------------------------ reading for reports, review and training

    def document_ids(self) -> list[str]:
        """Every stored document's id, by file name."""
        return [row["doc_id"] for row in self.db.execute("SELECT doc_id FROM documents ORDER BY file_name, doc_id")]

    def document_rows(self, doc_ids: Sequence[str]) -> dict[str, Row]:
        """doc_id → the stored document row (every column of ``documents``)."""
        rows = self._rows(f"SELECT * FROM documents WHERE doc_id IN ({_marks(doc_ids)})", tuple(doc_ids))
        return {row["doc_id"]: row for row in rows}

    def ocr_confidence(self, doc_ids: Sequence[str]) -> dict[str, float]:
        """doc_id → mean Tesseract confidence of its OCR'd pages (documents with none are left out)."""
        rows = self._rows(f"SELECT doc_id, AVG(ocr_confidence) AS mean FROM pages WHERE ocr=1 AND doc_id IN "
                          f"({_marks(doc_ids)}) GROUP BY doc_id", tuple(doc_ids))
        return {row["doc_id"]: row["mean"] for row in rows}

    def documents_named(self, file_name: str) -> list[Row]:
        """``doc_id`` and ``language`` of the stored documents with this file name."""
        return self._rows("SELECT doc_id, language FROM documents WHERE file_name=?", (file_name,))

    def tagged_texts(self, doc_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(doc_id, text) of every tagged passage of these documents."""
        rows = self.db.execute(f"SELECT doc_id, text FROM passages WHERE kind IN ({_marks(TAGGED_KINDS)}) "
                               f"AND doc_id IN ({_marks(doc_ids)})", (*TAGGED_KINDS, *doc_ids))
        return [(row["doc_id"], row["text"]) for row in rows]

    def tagged_passages_with_text_hashes(self, text_hashes: Iterable[str], *,
                                         doc_ids: Optional[set[str]] = None) -> list[Passage]:
        """Tagged passages whose text has one of these hashes (of ``doc_ids`` only, when given), by page and offset."""
        ordered, found = sorted(set(text_hashes)), []
        for i in range(0, len(ordered), _CHUNK):
            chunk = ordered[i:i + _CHUNK]
            found += [_passage(r) for r in self.db.execute(
                f"SELECT * FROM passages WHERE text_hash IN ({_marks(chunk)}) AND kind IN ({_marks(TAGGED_KINDS)})",
                (*chunk, *TAGGED_KINDS)) if doc_ids is None or r["doc_id"] in doc_ids]
        return sorted(found, key=lambda p: (p.page_no, p.start, p.doc_id, p.passage_id))

    def passage_rows(self, passage_ids: Iterable[str]) -> dict[str, Row]:
        """passage_id → text, text_hash, doc_id, page_no and the document's file_name, for these passages."""
        ordered, found = sorted(set(passage_ids)), {}
        for i in range(0, len(ordered), _CHUNK):
            chunk = ordered[i:i + _CHUNK]
            for row in self._rows(f"SELECT p.passage_id, p.text, p.text_hash, p.doc_id, p.page_no, d.file_name "
                                  f"FROM passages p JOIN documents d ON d.doc_id = p.doc_id "
                                  f"WHERE p.passage_id IN ({_marks(chunk)})", tuple(chunk)):
                found[row["passage_id"]] = row
        return found

    def passage_rows_with_text_hashes(self, text_hashes: Iterable[str]) -> dict[str, list[Row]]:
        """text_hash → the passages with that text (as ``passage_rows`` gives them), by document and page."""
        ordered, found = sorted(set(text_hashes)), {}  # type: tuple[list[str], dict[str, list[Row]]]
        for i in range(0, len(ordered), _CHUNK):
            chunk = ordered[i:i + _CHUNK]
            for row in self._rows(f"SELECT p.passage_id, p.text, p.text_hash, p.doc_id, p.page_no, d.file_name "
                                  f"FROM passages p JOIN documents d ON d.doc_id = p.doc_id "
                                  f"WHERE p.text_hash IN ({_marks(chunk)}) ORDER BY d.file_name, p.page_no, p.start",
                                  tuple(chunk)):
                found.setdefault(row["text_hash"], []).append(row)
        return found

    def passage_rows_of_files(self, file_names: Iterable[str]) -> list[Row]:
        """The tagged passages (as ``passage_rows`` gives them) of the documents with these file names."""
        names = sorted(set(file_names))
        return [row for i in range(0, len(names), _CHUNK) for row in self._rows(
            f"SELECT p.passage_id, p.text, p.text_hash, p.doc_id, p.page_no, d.file_name FROM passages p JOIN documents d "
            f"ON d.doc_id = p.doc_id WHERE d.file_name IN ({_marks(names[i:i + _CHUNK])}) AND p.kind IN "
            f"({_marks(TAGGED_KINDS)}) ORDER BY d.file_name, p.page_no, p.start", (*names[i:i + _CHUNK], *TAGGED_KINDS))]

    def tagged_passages_with_documents(self) -> list[Row]:
        """Every tagged passage with its document's file name, ISO3 and language, by file, page and offset."""
        return self._rows(
            "SELECT p.passage_id, p.page_no, p.heading_path, p.text, p.text_hash, d.file_name, d.iso3, d.language "
            f"FROM passages p JOIN documents d ON d.doc_id = p.doc_id WHERE p.kind IN ({_marks(TAGGED_KINDS)}) "
            "ORDER BY d.file_name, p.page_no, p.start", TAGGED_KINDS)

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return [dict(row) for row in self.db.execute(sql, tuple(params))]


def lock_path(store: Path) -> Path:
    """The lock file of a store: beside the file it really is, so that a symbolic link to it takes the same lock."""
    real = store.resolve()
    return real.with_name(real.name + ".lock")


def scan_in_progress(path: str | Path) -> Optional[int]:
    """The process id of the scan holding the store at ``path`` (``Store.lock``), or None when no scan does.

    Tested with F_GETLK, which takes no lock itself, so a scan that starts at that moment is never refused.
    """
    held = lock_path(Path(path))
    try:
        handle = held.open("rb")
    except OSError:
        return None                            # no lock file: no scan has ever held this store
    with handle:
        if sys.platform.startswith("linux"):  # struct flock: short type, whence; off_t start, len; pid_t pid
            query = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
            kind, _, _, _, pid = _FLOCK.unpack(fcntl.fcntl(handle.fileno(), fcntl.F_GETLK, query))
            return pid if kind != fcntl.F_UNLCK else None
        try:                                   # elsewhere: a shared lock taken and given back at once
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return -1
        fcntl.lockf(handle, fcntl.LOCK_UN)
        return None


_FLOCK = struct.Struct("hhqqi4x")

#: The tables of a store (SCHEMA's own names).
_TABLES = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
#: A result row: column name → value.
Row = dict[str, Any]
_INSERT_DECISION = ("INSERT INTO decisions (text_hash, concept, decision, level, concepts, reviewer, decided_at, "
                    "passage_id, document, page, note, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")


def _decision_row(decision: Decision, source: str) -> tuple:
    return (decision.text_hash, decision.concept, decision.decision, decision.level, ";".join(decision.concepts),
            decision.reviewer, decision.decided_at, decision.passage_id, decision.document, decision.page,
            decision.note, source)


#: SQLite's names for what goes wrong with the file under a store, and what the user can do about it.
_PROBLEMS = {
    "SQLITE_FULL": ("the disk is full", "free some space on that disk (or pass --store with a path on another "
                                         "disk) and run the same command again: what is stored is kept"),
    "SQLITE_CORRUPT": ("is damaged", "restore it from a backup, or move it away and scan again (every PDF is read "
                                     "again; back up review decisions first if you can: ndc-scan review export "
                                     "decisions.jsonl)"),
    "SQLITE_NOTADB": ("is not an ndc_scan store", "pass --store with another path (or move this file away to start "
                                                  "afresh)"),
    "SQLITE_READONLY": ("cannot be written (read-only)", "pass --store with a path you may write, or check the "
                                                         "file's permissions"),
    "SQLITE_CANTOPEN": ("cannot be opened", "pass --store with a path you may write"),
    "SQLITE_BUSY": ("is busy (in use by another program)", "wait for it to finish, or pass --store with another path"),
    "SQLITE_LOCKED": ("is busy (in use by another program)", "wait for it to finish, or pass --store with another path"),
    "SQLITE_IOERR": ("cannot be read or written (input/output error)", "check the disk it is on (full? removed?) and "
                                                                       "run the same command again"),
    "SQLITE_PERM": ("may not be written", "check the file's permissions, or pass --store with another path"),
}


def _store_error(path: Path, exc: sqlite3.Error) -> Optional[StoreError]:
    """The StoreError for a problem of the store's file (full disk, damage, …); None for a programming error."""
    name = "_".join((getattr(exc, "sqlite_errorname", "") or "").split("_")[:2])    # SQLITE_IOERR_WRITE → SQLITE_IOERR
    problem = _PROBLEMS.get(name) or (_PROBLEMS["SQLITE_FULL"] if "disk is full" in str(exc) else None)
    if problem is None:
        return None
    what, remedy = problem
    return StoreError(f"{shown_name(path)}: {what} ({exc})", remedy=remedy)


def _guarded(path: Path, call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except sqlite3.Error as exc:
        error = _store_error(path, exc)
        if error is None:
            raise
        raise error from exc


class _Connection(sqlite3.Connection):
    """A connection whose failures of the file (disk full, damaged pages, I/O) are ``StoreError``s naming it.

    A damaged page shows only when a query reaches it, so every statement, commit and fetched row
    is guarded; errors in the SQL itself stay as they are (bugs).
    """

    path: Path = Path("store")

    def _cursor(self) -> _Cursor:
        cursor = self.cursor(_Cursor)
        cursor.path = self.path
        return cursor

    def execute(self, *args: Any) -> sqlite3.Cursor:
        return _guarded(self.path, self._cursor().execute, *args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        return _guarded(self.path, self._cursor().executemany, *args)

    def executescript(self, *args: Any) -> sqlite3.Cursor:
        return _guarded(self.path, self._cursor().executescript, *args)

    def commit(self) -> None:
        _guarded(self.path, super().commit)

    def __exit__(self, *exc: Any) -> Any:
        return _guarded(self.path, super().__exit__, *exc)


class _Cursor(sqlite3.Cursor):
    """Rows fetched one by one, guarded as ``_Connection`` guards statements."""

    path: Path = Path("store")

    def __next__(self) -> Any:
        return _guarded(self.path, super().__next__)

    def fetchone(self) -> Any:
        return _guarded(self.path, super().fetchone)


#: passage_id → sorted (start, end, concept) of the taxonomy terms matched in the passage.
MatchSpans = dict[str, list[tuple[int, int, str]]]
_CHUNK = 500         # SQL parameters per IN (...) list


def _marks(items: Sequence[object]) -> str:
    return ",".join("?" * len(items))


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(passage_id=row["passage_id"], doc_id=row["doc_id"], page_no=row["page_no"], start=row["start"],
                   end=row["end"], text=row["text"], heading_path=row["heading_path"], kind=row["kind"])
