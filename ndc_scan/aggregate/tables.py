"""Aggregate once, render many: every table the reports show, built in one place.

:func:`build_tables` reads the labels that count from the store, applies the reviewers'
decisions, and returns a :class:`Tables`: one tidy pandas DataFrame per report table.
Renderers (``report/``) only format these frames.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Optional

import pandas as pd

from ..records import Failure
from ..store import Store
from ..taxonomy import Taxonomy
from . import advocacy
from .citations import Catalogs, citation_table
from .coverage import countries_table, coverage_table, documents_table, passages_table
from .decisions import apply_decisions, mark_coverage
from .groups import group_table, quantified_table

FAILURE_COLUMNS = ["path", "error", "problem", "remedy"]


@dataclass(frozen=True)
class Tables:
    """What aggregation hands to every report: one DataFrame per table (columns in the README).

    * ``documents`` — one row per document: metadata, read status, which fields were inferred;
    * ``coverage``  — one row per document × concept: the strongest level and its evidence;
    * ``countries`` — one row per country (latest document, or every document), a column per concept;
    * ``passages``  — one row per passage × concept found (reviewers' decisions applied);
    * ``failures``  — files that could not be read, with the reason and the remedy;
    * ``targets``, ``gaps``, ``versions``, ``progress`` — the advocacy tables (``advocacy.py``);
    * ``groups``, ``quantified`` — levels by World Bank region and income group, and every country with a
      quantified target per concept (``groups.py``).
    """

    documents: pd.DataFrame
    coverage: pd.DataFrame
    countries: pd.DataFrame
    passages: pd.DataFrame
    failures: pd.DataFrame
    targets: pd.DataFrame
    gaps: pd.DataFrame
    versions: pd.DataFrame
    progress: pd.DataFrame
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    quantified: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getitem__(self, name: str) -> pd.DataFrame:
        """``tables["coverage"]``: a table by its name (the CSV file's stem)."""
        if name not in self.names():
            raise KeyError(name)
        return getattr(self, name)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def items(self) -> Iterator[tuple[str, pd.DataFrame]]:
        return ((name, getattr(self, name)) for name in self.names())


def build_tables(db: Store, doc_ids: Sequence[str], failures: Sequence[Failure], taxonomy: Taxonomy, *,
                 all_versions: bool = False, catalogs: Optional[Catalogs] = None) -> Tables:
    """Every report table for the documents ``doc_ids`` (in that order) and the failed files.

    ``catalogs``: registry catalogs for citation details (default: the shipped ones, ``citations.py``).
    """
    documents = citation_table(db, documents_table(db, doc_ids, taxonomy), catalogs)
    passages = apply_decisions(db, passages_table(db, doc_ids, documents), documents)   # reviewers' decisions win
    stored = db.targets_of_labels(list(documents["doc_id"])) if len(documents) else []
    coverage = mark_coverage(coverage_table(documents, passages, failures, taxonomy, stored), passages)
    advocacy_tables = advocacy.build(db, documents, coverage, passages, taxonomy, stored, all_versions=all_versions)
    return Tables(
        documents=documents,
        coverage=coverage,
        countries=countries_table(coverage, documents, all_versions=all_versions),
        passages=passages,
        failures=pd.DataFrame([f.__dict__ for f in failures], columns=FAILURE_COLUMNS),
        targets=advocacy_tables.targets,
        gaps=advocacy_tables.gaps,
        versions=advocacy_tables.versions,
        progress=advocacy_tables.progress,
        groups=group_table(coverage, documents, taxonomy),
        quantified=quantified_table(coverage, documents, advocacy_tables.targets, taxonomy),
    )
