"""The SQLite store: schema (``schema.py``) and the ``Store`` with a named method for every query (``database.py``);
word boxes packed for it (``boxes.py``); full-text search over its passages (``search.py``, used by the workbench)."""

from .database import MatchSpans, Row, Store, scan_in_progress

__all__ = ["MatchSpans", "Row", "Store", "scan_in_progress"]
