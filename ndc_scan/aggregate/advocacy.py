"""Aggregate, part two: the advocacy tables built on the coverage tables.

``build(db, documents, coverage, passages, taxonomy)`` makes, beside the coverage tables:

* ``targets``  — one row per quantified target tied to a counted label (``classify.targets.tie_targets``);
* ``gaps``     — one row per document (latest per country unless ``all_versions``): gaps, score, rank;
* ``versions`` — one row per country × successive pair of versions × concept: levels and change;
* ``progress`` — one row per concept: first against latest version, corpus-wide.

Levels come from the ``coverage`` table, so reviewed labels, once the review loop writes them into
the store, flow into every table here without change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..store import Row, Store
from ..taxonomy import CONCEPT_IDS, Taxonomy
from . import gaps as gaps_stage
from . import versions as versions_stage
from .coverage import counted

TARGET_COLUMNS = [
    "iso3", "country", "document", "doc_id", "doc_kind", "doc_year", "page", "locator", "concepts", "tie", "quantity",
    "value", "value_max", "unit", "measure", "norm_value", "norm_value_max", "norm_unit", "target_year", "year_from",
    "base_year", "baseline", "conditional", "share_of", "level", "also_on_pages", "quote", "passage_id",
    "taxonomy_hash",
]


@dataclass(frozen=True)
class AdvocacyTables:
    targets: pd.DataFrame
    gaps: pd.DataFrame
    versions: pd.DataFrame
    progress: pd.DataFrame


def build(db: Store, documents: pd.DataFrame, coverage: pd.DataFrame, passages: pd.DataFrame, taxonomy: Taxonomy,
          stored: Sequence[Row], *, all_versions: bool = False) -> AdvocacyTables:
    """The advocacy tables of the documents, from their coverage, passage labels and ``stored`` targets
    (``Store.targets_of_labels``)."""
    passages = counted(passages)                # labels the model overruled or a reviewer rejected do not count
    doc_ids = list(documents["doc_id"])
    targets = targets_table(stored, passages, documents, taxonomy)
    texts = db.tagged_texts(doc_ids)
    land_counts = gaps_stage.land_passage_counts(pd.DataFrame(texts, columns=["doc_id", "text"]))
    translated = versions_stage.translations(documents, texts)
    return AdvocacyTables(
        targets=targets,
        gaps=gaps_stage.gap_table(coverage, documents, passages, targets, land_counts, taxonomy,
                                  all_versions=all_versions),
        versions=versions_stage.version_table(coverage, documents, taxonomy, translated),
        progress=versions_stage.progress_table(coverage, documents, taxonomy, translated),
    )


def targets_table(stored: Sequence[Row], passages: pd.DataFrame, documents: pd.DataFrame,
                  taxonomy: Taxonomy) -> pd.DataFrame:
    """The quantified targets of the labels that count, one row per target, each listed once per document.

    ``stored`` are the targets the classify stage tied to concepts (``Store.targets_of_labels``); a target
    counts for the concepts whose label counts in ``passages`` (not overruled by the model, not rejected by a
    reviewer). The same target (value, unit, year, for a concept it shares) stated on several pages of a document is
    listed once, on its first page, with the other pages in ``also_on_pages`` and the concepts it is tied to on any of
    them. Figures that only look alike are not merged: "100% of households by 2030" for agroforestry and "100% … by
    2030" for compost (soil fertility) are two targets, and so are shares of different wholes ("100% of the
    households … by 2030" and "100% of arable land by 2030", both agroforestry: RWA 2015).
    """
    if passages.empty or not stored:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    levels = {(r.passage_id, r.concept): int(r.level) for r in passages.itertuples(index=False)}
    locators = dict(zip(passages["passage_id"], passages["locator"])) if "locator" in passages else {}
    meta = documents.set_index("doc_id")
    order = {c: i for i, c in enumerate(CONCEPT_IDS)}
    grouped: dict[tuple, dict] = {}
    for row in stored:
        if (row["passage_id"], row["concept"]) not in levels:
            continue
        key = (row["passage_id"], row["start"])
        found = grouped.setdefault(key, {**row, "concepts": []})
        found["concepts"].append(row["concept"])
    rows: list[dict] = []
    first_page: dict[tuple, list[dict]] = {}
    for found in grouped.values():
        concepts = sorted(found["concepts"], key=order.__getitem__)
        doc = meta.loc[found["doc_id"]]
        same = (found["doc_id"], found["norm_value"], found["norm_unit"], found["year"], _whole(found["share_of"]))
        sharing = [row for row in first_page.get(same, ()) if set(row["concepts"]) & set(concepts)]
        if sharing:
            listed = sharing[0]           # the first page's row; rows this one joins to it are folded into it
            for other in sharing[1:]:
                listed["also_on_pages"] |= other["also_on_pages"] | {int(other["page"])}
                listed["concepts"] = sorted(set(listed["concepts"]) | set(other["concepts"]), key=order.__getitem__)
                listed["level"] = max(listed["level"], other["level"])
                first_page[same].remove(other)
                rows.remove(other)
            listed["also_on_pages"].add(int(found["page_no"]))
            listed["concepts"] = sorted(set(listed["concepts"]) | set(concepts), key=order.__getitem__)
            listed["level"] = max(listed["level"], *(levels[(found["passage_id"], c)] for c in concepts))
            continue
        row = {
            "iso3": doc["iso3"], "country": doc["country"], "document": doc["document"], "doc_id": found["doc_id"],
            "doc_kind": doc["kind"], "doc_year": doc["year"], "page": found["page_no"],
            "locator": locators.get(found["passage_id"], ""), "concepts": concepts,
            "tie": found["tie"], "quantity": found["quantity"], "value": found["value"], "value_max": found["value_max"],
            "unit": found["unit"], "measure": found["measure"], "norm_value": found["norm_value"],
            "norm_value_max": found["norm_value_max"], "norm_unit": found["norm_unit"], "target_year": found["year"],
            "year_from": found["year_from"] or ("sentence" if found["year"] is not None else ""),
            "base_year": found["base_year"], "baseline": found["baseline"], "conditional": found["conditional"],
            "share_of": found["share_of"], "level": max(levels[(found["passage_id"], c)] for c in concepts),
            "also_on_pages": set(), "quote": found["sentence"], "passage_id": found["passage_id"],
            "taxonomy_hash": taxonomy.short_hash,
        }
        first_page.setdefault(same, []).append(row)
        rows.append(row)
    for row in rows:
        row["also_on_pages"] = ";".join(str(p) for p in sorted(row["also_on_pages"] - {row["page"]}))
        row["concepts"] = ";".join(row["concepts"])
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    for column in ("doc_year", "page", "target_year", "base_year", "level"):
        frame[column] = frame[column].astype("Int64")
    return frame


_ARTICLES = frozenset("the a an all of its their our les la le l des de du d ses leurs nos los las el del lo su sus "
                      "nuestros nuestras da do das dos seus suas".split())


def _whole(share_of: str) -> str:
    """What a share is a share of, by its first word (no article or possessive, no plural s): "households", "arable";
    "" for none."""
    words = [w for w in re.findall(r"\w+", (share_of or "").lower()) if w not in _ARTICLES]
    return words[0].rstrip("s") if words else ""


__all__ = ["TARGET_COLUMNS", "build", "targets_table"]
