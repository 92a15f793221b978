"""The overview: the country × concept matrix filtered and sorted as the analyst asks, and its downloads.

A :class:`View` is read from the page's query string (every value checked against what it may be; anything
else is dropped and named in ``View.dropped``), applied to the overview frame of a snapshot
(``workbench.overview_frame``), and written back into links, so that a view can be bookmarked, shared on the
machine, downloaded as CSV or XLSX, or sorted by another column.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pandas as pd

from ..records import DOCUMENT_KINDS
from ..report import excel
from ..report.files import neutralised
from ..report.output import excel_cell, map_text
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .workbench import ROW_COLUMNS, level_word

#: Level filter values → words; "none" is a document that could not be read.
LEVEL_CHOICES = {"3": "quantified target", "2": "commitment", "1": "mention", "0": "absent", "none": "not read"}
#: Columns a view can be sorted by, besides the concepts.
SORT_COLUMNS = ("country", "iso3", "year", "kind", "language", "region", "income", "found", "to_review", "reviewed")


@dataclass(frozen=True)
class View:
    """What the overview shows: concept columns, filters on rows, sort order and the concept the map shows."""

    concepts: tuple = CONCEPT_IDS     # the concept columns shown (and the ones the level filter looks at)
    levels: tuple = ()                # LEVEL_CHOICES keys: rows where a shown concept has one of these levels
    languages: tuple = ()
    kinds: tuple = ()                 # DOCUMENT_KINDS keys
    regions: tuple = ()               # World Bank regions
    incomes: tuple = ()               # World Bank income groups
    versions: bool = False            # every document, not only each country's latest
    sort: str = "country"
    descending: bool = False
    map_concept: str = "soil_carbon"
    dropped: tuple = field(default=(), compare=False)     # "name=value" pairs of the query that were not understood

    @classmethod
    def from_query(cls, params: Mapping[str, Sequence[str]], frame: pd.DataFrame) -> View:
        """The view a query string asks for (``params``: name → values); values that cannot be are dropped."""
        dropped: list[str] = []

        def pick(name: str, allowed) -> tuple:
            values = [v for v in params.get(name, ()) if v != ""]
            dropped.extend(f"{name}={v}" for v in values if v not in allowed)
            return tuple(dict.fromkeys(v for v in values if v in allowed))

        concepts = pick("concept", CONCEPT_IDS)
        ordered = tuple(c for c in CONCEPT_IDS if c in concepts) or CONCEPT_IDS
        sort = (params.get("sort") or ["country"])[-1]
        if sort not in SORT_COLUMNS + CONCEPT_IDS:
            dropped.append(f"sort={sort}")
            sort = "country"
        map_concept = (params.get("map") or [ordered[0]])[-1]
        if map_concept not in CONCEPT_IDS:
            dropped.append(f"map={map_concept}")
            map_concept = ordered[0]
        return cls(concepts=ordered, levels=pick("level", LEVEL_CHOICES),
                   languages=pick("language", set(frame["language"]) if len(frame) else set()),
                   kinds=pick("kind", DOCUMENT_KINDS), regions=pick("region", set(frame["region"]) if len(frame) else set()),
                   incomes=pick("income", set(frame["income"]) if len(frame) else set()),
                   versions=(params.get("versions") or [""])[-1] == "all",
                   sort=sort, descending=(params.get("dir") or ["asc"])[-1] == "desc", map_concept=map_concept,
                   dropped=tuple(dropped))

    def query(self, **changes) -> str:
        """The query string of this view, with ``changes`` (field name → value) applied."""
        view = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if view.concepts != CONCEPT_IDS:
            pairs += [("concept", c) for c in view.concepts]
        pairs += [("level", v) for v in view.levels] + [("language", v) for v in view.languages]
        pairs += [("kind", v) for v in view.kinds] + [("region", v) for v in view.regions]
        pairs += [("income", v) for v in view.incomes]
        if view.versions:
            pairs.append(("versions", "all"))
        if view.sort != "country" or view.descending:
            pairs += [("sort", view.sort), ("dir", "desc" if view.descending else "asc")]
        if view.map_concept != view.concepts[0]:
            pairs.append(("map", view.map_concept))
        return urlencode(pairs)

    def sort_query(self, column: str) -> str:
        """The query that sorts by ``column``: ascending first (levels: strongest first), again to reverse."""
        if column == self.sort:
            return self.query(descending=not self.descending)
        return self.query(sort=column, descending=column in CONCEPT_IDS + ("found", "to_review", "reviewed"))


def apply(view: View, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (an overview frame) the view keeps, in its order."""
    keep = pd.Series(True, index=frame.index)
    for column, chosen in (("language", view.languages), ("kind", view.kinds), ("region", view.regions),
                           ("income", view.incomes)):
        if chosen:
            keep &= frame[column].isin(chosen)
    if view.levels:
        hit = pd.Series(False, index=frame.index)
        for concept in view.concepts:
            levels = frame[concept]
            for choice in view.levels:
                hit |= levels.isna() if choice == "none" else (levels == int(choice)).fillna(False).astype(bool)
        keep &= hit
    rows = frame[keep]
    if view.sort in CONCEPT_IDS:
        key = rows[view.sort].astype("Float64").fillna(-1)
    elif view.sort == "year":
        key = rows["year"].astype("Float64").fillna(0)
    else:
        key = rows[view.sort].astype(str).str.casefold() if rows[view.sort].dtype == object else rows[view.sort]
    order = key.sort_values(ascending=not view.descending, kind="stable").index
    return rows.loc[order]


def download_frame(view: View, rows: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """The view as a table to download: levels in words, the concept columns shown, ids last."""
    shown = rows[[c for c in ROW_COLUMNS if c not in ("kind", "doc_id")] + list(view.concepts)
                 + ["found", "to_review", "reviewed", "doc_id"]].copy()
    for concept in view.concepts:
        shown[concept] = shown[concept].map(level_word)
    shown = shown.rename(columns={"kind_name": "kind", "income": "income_group"})
    return shown.reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so that Excel reads the accents); formula-like cells neutralised."""
    return neutralised(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, *, sheet: str = "overview") -> bytes:
    """An Excel workbook of one sheet laid out like report.xlsx (levels coloured, header frozen, filters)."""
    buffer = io.BytesIO()
    laid_out = excel.sheet_frame(frame)
    excel.write_book(buffer, {sheet: map_text(neutralised(laid_out), excel_cell)})
    return buffer.getvalue()


__all__ = ["LEVEL_CHOICES", "SORT_COLUMNS", "View", "apply", "download_frame", "to_csv", "to_xlsx"]
