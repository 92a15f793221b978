"""The country page: every document and version, levels per concept with quotes and pages, quantified targets,
gaps, changes between versions and review status, from the report tables (reviewers' decisions applied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlencode

import pandas as pd

from ..aggregate.coverage import counted, latest_documents, quote, top_labels
from ..aggregate.groups import income_of, region_of
from ..aggregate.tables import Tables
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .workbench import level_word


@dataclass(frozen=True)
class Cell:
    """A document × concept: its level and the passage that speaks for it."""

    level: Optional[int]          # None: the document could not be read
    word: str
    locators: str                 # "p. 3, 7, 12", or "“Soils” ¶ 2, 5" in a document without pages
    quote: str = ""
    where: str = ""               # where the quote is: "p. 7" or "“Soils” ¶ 2"
    passage_id: str = ""
    to_review: int = 0
    reviewed: str = ""


@dataclass
class CountryPage:
    iso3: str
    name: str
    region: str
    income: str
    documents: list[dict]                         # documents table rows, oldest first
    latest_id: str
    cells: dict[tuple[str, str], Cell]            # (doc_id, concept) → Cell
    targets: list[dict]
    gaps: Optional[dict]                          # the gaps row of the latest document
    gap_list: list[str]
    changes: list[dict]                           # versions rows where something changed
    labels: list[dict] = field(default_factory=list)   # passage labels with their review status, latest document
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def review_query(self) -> str:
        """The review queue's filters for this page: the country, or its documents when the country is not known."""
        if self.iso3 != UNKNOWN:
            return urlencode({"country": self.iso3})
        return urlencode([("document", d["document"]) for d in self.documents])


#: The page of the documents whose country is not known (``/country/unknown``).
UNKNOWN = "UNKNOWN"


def country_page(tables: Tables, iso3: str, taxonomy: Taxonomy) -> Optional[CountryPage]:
    """The page of ``iso3`` (``UNKNOWN``: the documents of no known country); None when the store has none."""
    documents = tables.documents[tables.documents["iso3"] == ("" if iso3 == UNKNOWN else iso3)]
    if documents.empty:
        return None
    ordered = documents.sort_values(["year", "kind"], kind="stable", na_position="first")
    latest_id = str(latest_documents(documents)["doc_id"].iloc[0])
    coverage = tables.coverage[tables.coverage["doc_id"].isin(documents["doc_id"])]
    passages = tables.passages[tables.passages["doc_id"].isin(documents["doc_id"])]
    best = top_labels(counted(passages))
    cells = {}
    for row in coverage.itertuples(index=False):
        top = best.get((row.doc_id, row.concept))
        level = None if pd.isna(row.level) else int(row.level)
        cells[(row.doc_id, row.concept)] = Cell(
            level=level, word=level_word(row.level), locators=row.locators or "",
            quote=quote(top["text"], top["matched_terms"]) if top is not None else "",
            where=str(top["locator"]) if top is not None else "",
            passage_id=str(top["passage_id"]) if top is not None else "", to_review=int(row.to_review),
            reviewed=row.reviewed or "")
    gaps = tables.gaps[tables.gaps["doc_id"] == latest_id]
    gap_row = gaps.iloc[0].to_dict() if len(gaps) else None
    changes = tables.versions[(tables.versions["iso3"] == iso3)
                              & ~tables.versions["change"].isin(["unchanged", "absent in both"])]
    labels = passages[passages["doc_id"] == latest_id]
    page = CountryPage(
        iso3=iso3, name="Country not known" if iso3 == UNKNOWN else str(documents["country"].iloc[0]),
        region=region_of(iso3), income=income_of(iso3),
        documents=ordered.to_dict(orient="records"), latest_id=latest_id, cells=cells,
        targets=tables.targets[tables.targets["doc_id"].isin(documents["doc_id"])].to_dict(orient="records"),
        gaps=gap_row, gap_list=[g for g in str(gap_row["gaps"]).split(" | ") if g] if gap_row else [],
        changes=changes.to_dict(orient="records"),
        labels=labels.sort_values(["page", "concept"], kind="stable").to_dict(orient="records"))
    page.counts = {
        "labels": len(labels), "flagged": int((labels["review_reason"] != "").sum()) if len(labels) else 0,
        "reviewed": int((labels["reviewed"] != "").sum()) if len(labels) else 0,
        "to_review": int(sum(c.to_review for (d, _), c in cells.items() if d == latest_id)),
        "disputed": int(labels["reviewed"].str.contains("disputed:").sum()) if len(labels) else 0,
    }
    return page


def concept_names(taxonomy: Taxonomy) -> dict[str, str]:
    return {c: taxonomy.concept_name(c) for c in CONCEPT_IDS}


__all__ = ["UNKNOWN", "Cell", "CountryPage", "concept_names", "country_page"]
