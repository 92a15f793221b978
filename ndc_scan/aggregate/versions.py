"""Version comparison: what changed, concept by concept, between a country's successive NDCs.

Versions are ordered like ``aggregate.latest_documents``: by year, then kind (INDC → first NDC →
updated NDC → second NDC → NDC 3.0), then file name. Each pair of successive versions gets one
row per concept with both levels, the change and a quote from each version:

* ``added``         — absent before, found now (any level);
* ``dropped``       — found before, absent now;
* ``strengthened``  — a higher level now (mention → commitment → quantified target);
* ``weakened``      — a lower level now;
* ``unchanged``     — the same level, found in both;
* ``absent in both``;
* ``not comparable`` — one of the two documents could not be read.

Two documents of the same kind and year (a submission and its translation, e.g. Algeria's INDC in
English and French) are compared too, with ``relation`` = ``same submission (translation)``: their
differences measure the tool, not the country. The corpus-wide ``progress`` table compares each
country's first and latest versions (translations excluded).
"""

from __future__ import annotations

import pandas as pd

from ..records import LEVEL_NAMES
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .coverage import KIND_ORDER

CHANGES = ("added", "strengthened", "unchanged", "weakened", "dropped", "absent in both", "not comparable")
NEXT = "next submission"
TRANSLATION = "same submission (translation)"
VERSION_COLUMNS = [
    "iso3", "country", "concept", "concept_name", "step", "relation",
    "from_document", "from_kind", "from_year", "from_language", "from_level", "from_level_name",
    "to_document", "to_kind", "to_year", "to_language", "to_level", "to_level_name", "change",
    "from_quote", "from_page", "from_locator", "to_quote", "to_page", "to_locator", "from_doc_id", "to_doc_id",
]


def ordered(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents sorted oldest first within each country (year, kind, file name)."""
    return documents.assign(
        _year=documents["year"].fillna(0).astype(int), _kind=documents["kind"].map(KIND_ORDER).fillna(-1),
    ).sort_values(["iso3", "_year", "_kind", "document"]).drop(columns=["_year", "_kind"])


def change(before, after) -> str:
    """The change between two document levels (None: the document could not be read)."""
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return "not comparable"
    before, after = int(before), int(after)
    if before == after:
        return "absent in both" if before == 0 else "unchanged"
    if before == 0:
        return "added"
    if after == 0:
        return "dropped"
    return "strengthened" if after > before else "weakened"


def version_table(coverage: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """One row per country × successive pair of versions × concept (countries with several documents)."""
    known = documents[documents["iso3"] != ""]
    several = known.groupby("iso3")["doc_id"].transform("count") > 1
    cells = {(row.doc_id, row.concept): row for row in coverage.itertuples(index=False)}
    rows = []
    for iso3, group in ordered(known[several]).groupby("iso3", sort=True):
        docs = list(group.itertuples(index=False))
        for step, (old, new) in enumerate(zip(docs, docs[1:]), start=1):
            relation = TRANSLATION if (old.kind, old.year) == (new.kind, new.year) and old.kind else NEXT
            for concept in CONCEPT_IDS:
                a, b = cells[(old.doc_id, concept)], cells[(new.doc_id, concept)]
                rows.append({
                    "iso3": iso3, "country": new.country, "concept": concept,
                    "concept_name": taxonomy.concept_name(concept), "step": step, "relation": relation,
                    "from_document": old.document, "from_kind": old.kind, "from_year": old.year,
                    "from_language": old.language, "from_level": a.level, "from_level_name": a.level_name,
                    "to_document": new.document, "to_kind": new.kind, "to_year": new.year,
                    "to_language": new.language, "to_level": b.level, "to_level_name": b.level_name,
                    "change": change(a.level, b.level),
                    "from_quote": a.top_quote, "from_page": a.top_quote_page,
                    "from_locator": a.top_quote_locator,
                    "to_quote": b.top_quote, "to_page": b.top_quote_page, "to_locator": b.top_quote_locator,
                    "from_doc_id": old.doc_id, "to_doc_id": new.doc_id,
                })
    frame = pd.DataFrame(rows, columns=VERSION_COLUMNS)
    for column in ("from_year", "to_year", "from_level", "to_level", "from_page", "to_page", "step"):
        frame[column] = frame[column].astype("Int64")
    return frame


def progress_table(coverage: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Per concept: how the first and the latest version of each country compare, corpus-wide."""
    known = documents[documents["iso3"] != ""]
    levels = dict(zip(zip(coverage["doc_id"], coverage["concept"]), coverage["level"]))
    pairs = []
    for iso3, group in ordered(known).groupby("iso3", sort=True):
        if len(group) < 2:
            continue
        first, last = group.iloc[0], group.iloc[-1]
        if (first["kind"], first["year"]) == (last["kind"], last["year"]):
            continue                                       # a translation, not a later pledge
        pairs.append((iso3, first["doc_id"], last["doc_id"]))
    rows = []
    for concept in CONCEPT_IDS:
        counts = dict.fromkeys(CHANGES, 0)
        before, after = [], []
        for _, old, new in pairs:
            a, b = levels.get((old, concept)), levels.get((new, concept))
            counts[change(a, b)] += 1
            if not (a is None or b is None or pd.isna(a) or pd.isna(b)):
                before.append(int(a))
                after.append(int(b))
        rows.append({"concept": concept, "concept_name": taxonomy.concept_name(concept), "countries": len(pairs),
                     "first_mean_level": round(sum(before) / len(before), 2) if before else None,
                     "latest_mean_level": round(sum(after) / len(after), 2) if after else None,
                     "first_found": sum(1 for x in before if x > 0), "latest_found": sum(1 for x in after if x > 0),
                     "first_quantified": sum(1 for x in before if x == 3),
                     "latest_quantified": sum(1 for x in after if x == 3),
                     **{c.replace(" ", "_"): n for c, n in counts.items()}})
    return pd.DataFrame(rows)


__all__ = ["CHANGES", "LEVEL_NAMES", "change", "ordered", "progress_table", "version_table"]
