"""Full-text search over the stored passages (SQLite FTS5), for the workbench (``ndc-scan serve``).

The index is a table of its own, ``passage_search`` (passage id and text; the ``unicode61``
tokenizer folds case and accents, so "degradees" finds "dégradées" and "SOLS" finds "sols"). It is
built on demand, not by a store migration: a scan never pays for it, and an index is never half
up to date. ``meta.search_index`` holds the state of the passages it was built from (the number of
documents and the time of their extraction: passages change only when a document is read again);
:func:`is_fresh` compares that with the store, :func:`build` makes it again (a few seconds for the
178-NDC corpus). The index keeps its own copy of the text, so a stale index (while a scan rewrites
the store) can only miss passages or name ones that are gone, which the join with ``passages``
drops; it never points at the wrong passage.

Queries (:func:`fts_query`): words must all occur (any order); ``"a phrase"`` in double quotes;
``word*`` for any ending; ``OR`` between two words or phrases for either.
"""

from __future__ import annotations

import re
import sqlite3

from ..errors import StoreError
from .database import Row, Store

#: Passage kinds that are searched: everything but tables of contents.
SEARCH_KINDS = ("paragraph", "table", "heading", "reference")
#: Marks around the words that matched in a snippet (private-use characters: never in stored text, which
#: ``textnorm.normalise`` turns into bullets); a renderer escapes the snippet, then replaces them.
MARK_START, MARK_END = "\ue000", "\ue001"
_TOKEN = re.compile(r'"([^"]*)"(\*?)|(\S+)')
_TABLE = "passage_search"


def _state(db: Store) -> str:
    count, extracted = db.db.execute("SELECT COUNT(*), TOTAL(extracted_at) FROM documents").fetchone()
    return f"{count}:{extracted!r}"


def exists(db: Store) -> bool:
    """Whether the index was ever built in this store."""
    return db.db.execute(f"SELECT 1 FROM sqlite_master WHERE name='{_TABLE}'").fetchone() is not None


def is_fresh(db: Store) -> bool:
    """Whether the index exists and was built from the passages the store holds now."""
    row = db.db.execute("SELECT value FROM meta WHERE key='search_index'").fetchone()
    return row is not None and row["value"] == _state(db)


def build(db: Store) -> int:
    """(Re)build the index from every passage of SEARCH_KINDS in one transaction; return how many were indexed."""
    kinds = ",".join("?" * len(SEARCH_KINDS))
    try:
        with db.db:
            db.db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TABLE} USING fts5("
                          "passage_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2')")
            db.db.execute(f"DELETE FROM {_TABLE}")
            cursor = db.db.execute(f"INSERT INTO {_TABLE} (passage_id, text) SELECT passage_id, text FROM passages "
                                   f"WHERE kind IN ({kinds})", SEARCH_KINDS)
            db.db.execute("INSERT OR REPLACE INTO meta VALUES ('search_index', ?)", (_state(db),))
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc):
            raise StoreError(f"{db.path}: this Python's SQLite has no full-text search (FTS5)",
                             remedy="use a Python whose sqlite3 module is built with FTS5 (python.org and Debian's are)") from exc
        raise
    return cursor.rowcount


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: each word or "phrase" quoted (so no character is FTS5 syntax), ANDed;
    a ``*`` after a word or phrase makes it a prefix; ``OR`` between two of them stays an operator. "" when empty."""
    parts: list[str] = []
    for phrase, star, word in _TOKEN.findall(text):
        if word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        prefix = star or ("*" if word.endswith("*") else "")
        body = phrase if not word else word.rstrip("*")
        if not re.search(r"\w", body):
            continue
        parts.append('"' + body.replace('"', '""') + '"' + prefix)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def search(db: Store, text: str, *, limit: int = 500) -> list[Row]:
    """Passages matching ``text`` (see :func:`fts_query`), best first: passage, document and country fields, the
    ``snippet`` (matched words between MARK_START and MARK_END) and ``rank`` (bm25, lower is better)."""
    query = fts_query(text)
    if not query:
        return []
    return db._rows(
        f"""SELECT s.passage_id, snippet({_TABLE}, 1, ?, ?, '…', 40) AS snippet, bm25({_TABLE}) AS rank,
                   p.doc_id, p.page_no, p.heading_path, p.kind, p.text_hash, d.file_name, d.iso3, d.country,
                   d.language, d.kind AS doc_kind, d.year
            FROM {_TABLE} s JOIN passages p ON p.passage_id = s.passage_id JOIN documents d ON d.doc_id = p.doc_id
            WHERE {_TABLE} MATCH ? ORDER BY rank LIMIT ?""", (MARK_START, MARK_END, query, limit))


__all__ = ["MARK_END", "MARK_START", "SEARCH_KINDS", "build", "exists", "fts_query", "is_fresh", "search"]
