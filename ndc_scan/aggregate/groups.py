"""Countries by World Bank region and income group, countries side by side, and quantified targets per concept.

* ``groups``     — one row per group (region or income group, and "All countries") × concept, over the latest
                   document of each country: countries assessed, at each level, share found and committed;
* ``quantified`` — one row per country × concept at level 3 ("quantified target") in its latest document,
                   with the targets tied to that concept;
* :func:`compare_table` — chosen countries side by side: one row per concept, a column per country.

The World Bank classification ships as data (``ndc_scan/data/wb_groups.csv``; source and date in
``ndc_scan/data/README.md``); a country it does not list is in the group "not classified".
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

from ..defaults import DATA_DIR
from ..records import LEVEL_NAMES
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .coverage import latest_documents, level_of, tuples_by_document

WB_GROUPS = DATA_DIR / "wb_groups.csv"
#: Where the World Bank classification comes from, for report footers.
WB_SOURCE = "World Bank country classification (regions; income groups for fiscal year 2023), as of 24 January 2023"
UNCLASSIFIED = "not classified"
ALL = "All countries"
GROUP_COLUMNS = ["grouping", "group", "concept", "concept_name", "countries", "absent", "mention", "commitment",
                 "quantified_target", "not_read", "found", "share_found", "share_committed", "mean_level"]
QUANTIFIED_COLUMNS = ["concept", "concept_name", "iso3", "country", "region", "income_group", "document", "year",
                      "pages", "locators", "targets", "top_quote", "top_quote_page", "top_quote_locator", "doc_id"]


@lru_cache(maxsize=1)
def wb_groups() -> dict[str, tuple[str, str]]:
    """ISO3 → (World Bank region, income group), from the shipped classification."""
    with open(WB_GROUPS, encoding="utf-8", newline="") as handle:
        return {row["iso3"]: (row["region"], row["income_group"]) for row in csv.DictReader(handle)}


def region_of(iso3: str) -> str:
    return wb_groups().get(iso3, (UNCLASSIFIED, UNCLASSIFIED))[0]


def income_of(iso3: str) -> str:
    return wb_groups().get(iso3, (UNCLASSIFIED, UNCLASSIFIED))[1]


def _latest_cells(coverage: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows of each country's latest document, with its region and income group."""
    latest = latest_documents(documents) if len(documents) else documents
    cells = coverage[coverage["doc_id"].isin(latest["doc_id"])] if len(coverage) else coverage
    return cells.assign(region=cells["iso3"].map(region_of), income_group=cells["iso3"].map(income_of))


def group_table(coverage: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Per group (all countries, each region, each income group) and concept: how many countries reach each level."""
    cells = list(_latest_cells(coverage, documents).itertuples(index=False))
    rows = []
    for grouping, key in (("all", lambda cell: ALL), ("region", lambda cell: cell.region),
                          ("income group", lambda cell: cell.income_group)):
        groups: dict[str, dict[str, list]] = {}         # group → concept → levels of its countries (None: not read)
        for cell in cells:
            groups.setdefault(key(cell), {}).setdefault(cell.concept, []).append(level_of(cell))
        for group in sorted(groups):
            for concept in CONCEPT_IDS:
                levels = groups[group].get(concept, [])
                read = [level for level in levels if level is not None]
                counts = {LEVEL_NAMES[level]: read.count(level) for level in range(4)}
                found = sum(1 for level in read if level > 0)
                rows.append({
                    "grouping": grouping, "group": group, "concept": concept,
                    "concept_name": taxonomy.concept_name(concept), "countries": len(levels), **counts,
                    "not_read": len(levels) - len(read), "found": found,
                    "share_found": round(found / len(read), 3) if read else None,
                    "share_committed": round(sum(1 for level in read if level >= 2) / len(read), 3) if read else None,
                    "mean_level": round(sum(read) / len(read), 2) if read else None,
                })
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def quantified_table(coverage: pd.DataFrame, documents: pd.DataFrame, targets: pd.DataFrame,
                     taxonomy: Taxonomy) -> pd.DataFrame:
    """Every country whose latest document has a quantified target for a concept, with the targets tied to it."""
    cells = _latest_cells(coverage, documents)
    cells = cells[cells["level"].fillna(0) == 3]
    targets_of = tuples_by_document(targets)
    rows = []
    for cell in cells.itertuples(index=False):
        mine = [t for t in targets_of.get(cell.doc_id, ()) if cell.concept in str(t.concepts).split(";")]
        quantities = "; ".join(dict.fromkeys(f"{t.quantity} ({t.locator})" for t in mine))
        rows.append({"concept": cell.concept, "concept_name": taxonomy.concept_name(cell.concept), "iso3": cell.iso3,
                     "country": cell.country, "region": cell.region, "income_group": cell.income_group,
                     "document": cell.document, "year": cell.year, "pages": cell.pages, "locators": cell.locators,
                     "targets": quantities, "top_quote": cell.top_quote, "top_quote_page": cell.top_quote_page,
                     "top_quote_locator": cell.top_quote_locator, "doc_id": cell.doc_id})
    frame = pd.DataFrame(rows, columns=QUANTIFIED_COLUMNS)
    order = {c: i for i, c in enumerate(CONCEPT_IDS)}
    return frame.sort_values(["concept", "country"], key=lambda s: s.map(order) if s.name == "concept" else s,
                             kind="stable").reset_index(drop=True)


def compare_table(coverage: pd.DataFrame, documents: pd.DataFrame, countries: Sequence[str],
                  taxonomy: Taxonomy) -> pd.DataFrame:
    """One row per concept, one column per country (its latest document): the level in words, with pages.

    Raises ``KeyError`` naming the countries that are not in the tables.
    """
    cells = _latest_cells(coverage, documents)
    missing = [c for c in countries if c not in set(cells["iso3"])]
    if missing:
        raise KeyError(", ".join(missing))
    by_key = cells.set_index(["iso3", "concept"])
    rows = []
    for concept in CONCEPT_IDS:
        row = {"concept": concept, "concept_name": taxonomy.concept_name(concept)}
        for iso3 in countries:
            cell = by_key.loc[(iso3, concept)]
            row[iso3] = cell["level_name"].replace("_", " ")
            row[f"{iso3}_pages"] = cell["pages"]
            row[f"{iso3}_locators"] = cell["locators"]
            row[f"{iso3}_quote"] = cell["top_quote"]
            row[f"{iso3}_quote_page"] = cell["top_quote_page"]
            row[f"{iso3}_quote_locator"] = cell["top_quote_locator"]
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["ALL", "UNCLASSIFIED", "WB_SOURCE", "compare_table", "group_table", "income_of", "quantified_table",
           "region_of", "wb_groups"]
