"""The store's SQLite schema, and the statements that bring an older store up to it."""

from __future__ import annotations

from typing import Union

SCHEMA_VERSION = "8"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, file_name TEXT NOT NULL, n_bytes INTEGER NOT NULL,
    iso3 TEXT, country TEXT, kind TEXT, year INTEGER, language TEXT,
    meta_sources TEXT NOT NULL, meta_evidence TEXT NOT NULL, pdf_info TEXT NOT NULL,
    n_pages INTEGER NOT NULL, pages_no_text INTEGER NOT NULL, pages_low_text INTEGER NOT NULL,
    pages_ocr INTEGER NOT NULL, ocr_tried INTEGER NOT NULL,
    extractor TEXT NOT NULL, extracted_at REAL NOT NULL,
    meta_key TEXT NOT NULL DEFAULT ''
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
CREATE INDEX IF NOT EXISTS passages_text ON passages(text_hash);
CREATE TABLE IF NOT EXISTS matches (
    passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
    term TEXT NOT NULL, matched_text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, preferred INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS matches_doc ON matches(doc_id, taxonomy_hash);
CREATE TABLE IF NOT EXISTS predictions (
    passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
    level INTEGER NOT NULL, confidence REAL NOT NULL, conditional TEXT NOT NULL, component TEXT NOT NULL,
    terms TEXT NOT NULL, method TEXT NOT NULL,
    rule_level INTEGER NOT NULL DEFAULT 0, probability REAL, counted INTEGER NOT NULL DEFAULT 1,
    review TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (passage_id, taxonomy_hash, concept)
);
CREATE INDEX IF NOT EXISTS predictions_doc ON predictions(doc_id, taxonomy_hash);
CREATE TABLE IF NOT EXISTS tagged (
    doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, method TEXT NOT NULL, tagged_at REAL NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (doc_id, taxonomy_hash, method)
);
-- The terms of each taxonomy a scan labelled with (JSON rows [concept, lang, kind, term]): a scan under another
-- taxonomy keeps the labels of the documents its changed terms cannot match in (passages.reach).
CREATE TABLE IF NOT EXISTS taxonomies (taxonomy_hash TEXT PRIMARY KEY, terms TEXT NOT NULL);
-- Quantified targets tied to the concepts they count for (one row per passage x target x concept).
CREATE TABLE IF NOT EXISTS targets (
    passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, quantity TEXT NOT NULL, value REAL NOT NULL, value_max REAL,
    unit TEXT NOT NULL, measure TEXT NOT NULL, norm_value REAL NOT NULL, norm_value_max REAL, norm_unit TEXT NOT NULL,
    year INTEGER, base_year INTEGER, baseline TEXT NOT NULL, conditional TEXT NOT NULL, share_of TEXT NOT NULL,
    sentence TEXT NOT NULL, tie TEXT NOT NULL, year_from TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS targets_doc ON targets(doc_id, taxonomy_hash);
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
-- Word boxes of each page (the workbench highlights passages on the page): packed by database.pack_boxes.
CREATE TABLE IF NOT EXISTS page_boxes (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE, page_no INTEGER NOT NULL,
    width REAL NOT NULL, height REAL NOT NULL, words BLOB NOT NULL,
    PRIMARY KEY (doc_id, page_no)
);
"""

#: Tables whose rows the reports are made from: any change to them (by a scan, a reviewer, or SQL typed by hand)
#: gives ``meta.generation`` a new random value, so a scan knows when the reports it wrote earlier are still current.
#: Random, not a count: a store restored from a copy and then changed otherwise must not come back to a value
#: it had before.
REPORTED_TABLES = ("documents", "passages", "matches", "predictions", "tagged", "targets", "failures", "decisions")
SCHEMA += "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_change AFTER {event} ON {table} "
    "BEGIN UPDATE meta SET value = lower(hex(randomblob(8))) WHERE key = 'generation'; END;\n"
    for table in REPORTED_TABLES for event in ("INSERT", "UPDATE", "DELETE"))

#: Statements that take a store from schema version N to N + 1.
MIGRATIONS: dict[str, list[Step]] = {
    "1": [  # labels from a learned model: rule evidence, probability, final decision, review flags
        "ALTER TABLE predictions ADD COLUMN rule_level INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE predictions ADD COLUMN probability REAL",
        "ALTER TABLE predictions ADD COLUMN kept INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE predictions ADD COLUMN review TEXT NOT NULL DEFAULT ''",
        "UPDATE predictions SET rule_level = level WHERE method = 'rules'",
    ],
    "2": [],  # review decisions: the decisions table (created by the schema script, which runs first)
    "3": [  # one name for one idea: a label the scan counts
        ("ALTER TABLE predictions RENAME COLUMN kept TO counted", "predictions.kept", True),
    ],
    "4": [  # targets stored with the labels (the targets table is created by the schema script); the version of
        # the labelling code: labels written by older code are made again on the next scan (no PDF is read again)
        ("ALTER TABLE tagged ADD COLUMN version TEXT NOT NULL DEFAULT ''", "tagged.version", False),
    ],
    "5": [],  # word boxes (the page_boxes table, created by the schema script): a stored document without them
    # is read again by the next scan (Store.is_current), so boxes fill in; nothing else changes
    "6": [  # the key of the inputs a document's metadata was inferred from ('' : infer it again on the next scan);
        # the generation triggers and meta rows are made by the schema script and Store.__init__
        ("ALTER TABLE documents ADD COLUMN meta_key TEXT NOT NULL DEFAULT ''", "documents.meta_key", False),
    ],
    "7": [],  # the terms of each taxonomy labelled with (the taxonomies table, created by the schema script); a store
    # of version 7 has none, so its documents are labelled again in full the first time the taxonomy changes
}
#: A step is a statement, or (statement, "table.column", present): run only when the column is there (present=True)
#: or only when it is not (False: the schema script, which runs first, may have made the table with it).
Step = Union[str, tuple[str, str, bool]]
