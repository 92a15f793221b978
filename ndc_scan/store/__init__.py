"""The SQLite store: schema (``schema.py``) and the ``Store`` with a named method for every query (``database.py``)."""

from .database import MatchSpans, Row, Store

__all__ = ["MatchSpans", "Row", "Store"]
