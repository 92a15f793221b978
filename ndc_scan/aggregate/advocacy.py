"""Aggregate, part two: the advocacy tables built on the coverage tables.

``build(db, documents, coverage, passages, taxonomy)`` makes, beside the coverage tables:

* ``targets``  — one row per quantified target found in a passage with a concept (``targets.extract``);
* ``gaps``     — one row per document (latest per country unless ``all_versions``): gaps, score, rank;
* ``versions`` — one row per country × successive pair of versions × concept: levels and change;
* ``progress`` — one row per concept: first against latest version, corpus-wide.

Levels come from the ``coverage`` table, so reviewed labels, once the review loop writes them into
the store, flow into every table here without change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..classify import targets as targets_stage
from ..store import MatchSpans, Store
from ..taxonomy import CONCEPT_IDS, Taxonomy
from . import gaps as gaps_stage
from . import versions as versions_stage
from .coverage import counted

#: Targets of these measures count when the passage has a concept, even if no term is in their sentence.
LAND_MEASURES = ("area", "share_of_area", "carbon")
TARGET_COLUMNS = [
    "iso3", "country", "document", "doc_id", "doc_kind", "doc_year", "page", "locator", "concepts", "tie", "quantity",
    "value", "value_max", "unit", "measure", "norm_value", "norm_value_max", "norm_unit", "target_year",
    "base_year", "baseline", "conditional", "share_of", "level", "quote", "passage_id", "taxonomy_hash",
]


@dataclass(frozen=True)
class AdvocacyTables:
    targets: pd.DataFrame
    gaps: pd.DataFrame
    versions: pd.DataFrame
    progress: pd.DataFrame


def build(db: Store, documents: pd.DataFrame, coverage: pd.DataFrame, passages: pd.DataFrame, taxonomy: Taxonomy,
          *, all_versions: bool = False) -> AdvocacyTables:
    """The advocacy tables of the documents, from their coverage and passage labels."""
    passages = counted(passages)                # labels the model overruled or a reviewer rejected do not count
    doc_ids = list(documents["doc_id"])
    matches = db.match_spans(doc_ids)
    targets = targets_table(passages, documents, matches, taxonomy)
    land_counts = gaps_stage.land_passage_counts(pd.DataFrame(db.tagged_texts(doc_ids), columns=["doc_id", "text"]))
    return AdvocacyTables(
        targets=targets,
        gaps=gaps_stage.gap_table(coverage, documents, passages, targets, land_counts, taxonomy,
                                  all_versions=all_versions),
        versions=versions_stage.version_table(coverage, documents, taxonomy),
        progress=versions_stage.progress_table(coverage, documents, taxonomy),
    )


def targets_table(passages: pd.DataFrame, documents: pd.DataFrame, matches: MatchSpans,
                  taxonomy: Taxonomy) -> pd.DataFrame:
    """Quantified targets of the passages with a concept, tied to the concepts of their sentence.

    A target counts when a term of a concept stands in its sentence (``tie`` = ``sentence``), or, for
    areas, shares of land and carbon, when the passage has a concept (``tie`` = ``passage``).
    """
    rows = []
    if passages.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    meta = documents.set_index("doc_id")
    order = {c: i for i, c in enumerate(CONCEPT_IDS)}
    by_order = order.__getitem__
    for passage_id, group in passages.groupby("passage_id", sort=False):
        first = group.iloc[0]
        doc = meta.loc[first["doc_id"]]
        flags = [f for f in group["conditional"] if f]
        found = targets_stage.extract(first["text"], lang=doc["language"] or "en",
                                      conditional=flags[0] if flags else "")
        if not found:
            continue
        bounds = targets_stage.sentence_bounds(first["text"])
        passage_concepts = sorted(set(group["concept"]), key=by_order)
        for target in found:
            s_start, s_end = next(((a, b) for a, b in bounds if a <= target.start < b), (0, len(first["text"])))
            in_sentence = sorted({c for start, _, c in matches.get(passage_id, []) if s_start <= start < s_end},
                                 key=by_order)
            if in_sentence:
                concepts, tie = in_sentence, "sentence"
            elif target.measure in LAND_MEASURES:
                concepts, tie = passage_concepts, "passage"
            else:
                continue
            rows.append({
                "iso3": first["iso3"], "country": first["country"], "document": first["document"],
                "doc_id": first["doc_id"], "doc_kind": doc["kind"], "doc_year": doc["year"], "page": first["page"],
                "locator": first["locator"],
                "concepts": ";".join(concepts), "tie": tie, "quantity": target.quantity, "value": target.value,
                "value_max": target.value_max, "unit": target.unit, "measure": target.measure,
                "norm_value": target.norm_value, "norm_value_max": target.norm_value_max,
                "norm_unit": target.norm_unit, "target_year": target.year, "base_year": target.base_year,
                "baseline": target.baseline, "conditional": target.conditional, "share_of": target.share_of,
                "level": int(group[group["concept"].isin(concepts)]["level"].max()), "quote": target.sentence,
                "passage_id": passage_id, "taxonomy_hash": taxonomy.short_hash,
            })
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    for column in ("doc_year", "page", "target_year", "base_year", "level"):
        frame[column] = frame[column].astype("Int64")
    return frame


__all__ = ["TARGET_COLUMNS", "build", "targets_table"]
