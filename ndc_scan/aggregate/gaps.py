"""Gap analysis: per document, what is missing on soils and land, in plain language, and a gap score.

**Gap score** (0–100, higher = larger gap): the commitment strength a document leaves out, weighted
towards soil carbon, the "4 per 1000" core::

    gap_score = 100 × Σ_c w_c × (3 − level_c) / (3 × Σ_c w_c)

with ``level_c`` the document's level for concept c (0 absent … 3 quantified target) and weights
``w`` = 3 for soil_carbon, 2 for sustainable_land_management, 1 for the eight others (Σw = 13).
0 means a quantified target for every concept; 100 means none of the 10 concepts is found. Countries
are ranked on their latest document: rank 1 = largest gap (ties share a rank). A document that
could not be read gets no score and no rank.

**Gaps** (each a 0/1 column of ``gaps.csv`` and a sentence in the brief):

=========================  ===========================================================================
``nothing_on_land``        none of the 10 concepts is found
``soil_carbon_absent``     soil carbon is absent while land or agriculture is addressed
``soil_carbon_mention``    soil carbon is mentioned only (no measure)
``soil_carbon_no_target``  soil carbon measures without a quantity
``slm_no_area_target``     land-management practices are named, but none is quantified and no area (ha or % of
                           land) is tied to them
``restoration_no_target``  restoration of degraded land is named without a quantified target or a target row
``peat_wetland_no_measure``peatlands or wetlands are mentioned without measures
``no_soc_monitoring``      no passage on soil carbon speaks of monitoring, measurement or inventory
``targets_conditional``    every land and soil target depends on international support
=========================  ===========================================================================
"""

from __future__ import annotations

import re

import pandas as pd

from ..taxonomy import CONCEPT_IDS, Taxonomy
from .coverage import NO_TEXT, counted, latest_documents, rows_by_document, tuples_by_document
from .locators import PAGELESS_FORMATS, join_labels

WEIGHTS = dict.fromkeys(CONCEPT_IDS, 1) | {"soil_carbon": 3, "sustainable_land_management": 2}
PRACTICES = ("sustainable_land_management", "agroforestry", "conservation_agriculture", "grazing_management",
             "soil_conservation", "soil_fertility")
AREA_MEASURES = ("area", "share_of_area")
RULES = ("nothing_on_land", "soil_carbon_absent", "soil_carbon_mention", "soil_carbon_no_target",
         "slm_no_area_target", "restoration_no_target", "peat_wetland_no_measure", "no_soc_monitoring",
         "targets_conditional")
#: Passages about agriculture or land use, in the six languages (for "land is addressed in N passages"); lower case,
#: matched on lower-cased text (six times faster than IGNORECASE over a corpus's passages).
LAND_SECTOR = re.compile(
    r"agricultur|agropecuari|agro-?sylvo|afolu|lulucf|utcatf|utcutf|land[- ]use|farm|cropland|livestock|pastur|"
    r"agricol|élevage|affectation des terres|utilisation des terres|terres agricoles|uso de la tierra|uso del suelo|"
    r"ganader|tierras agr|cultivo|agricultura|pecuári|uso da terra|сельск\w* хозяйств|сельскохозяйств|землепольз|"
    r"الزراع|استخدام الأراضي|الأراضي الزراعية")
#: Monitoring, measurement, reporting or inventory, near soil carbon.
MONITORING = re.compile(
    r"monitor|measur|mrv|inventor|baseline|map(?:ping)?\b|survey|assess|track|report|"
    r"suivi|surveillance|mesur|inventaire|cartograph|évaluation|monitoreo|seguimiento|medici[óo]n|inventario|"
    r"evaluaci[óo]n|mapeo|monitoramento|mediç|мониторинг|инвентаризац|оценк|измерен|رصد|قياس|جرد|تقييم",
    re.IGNORECASE)
GAP_COLUMNS = ["iso3", "country", "document", "doc_id", "kind", "year", "language", "latest", "read_status",
               "land_passages", "concept_passages", "concepts_found", "concepts_committed", "concepts_quantified",
               "land_targets", "gap_score", "rank", "n_gaps", "gaps", *RULES, "taxonomy_hash"]


def gap_score(levels: dict) -> float:
    """The weighted share of commitment strength missing (0 = every concept quantified, 100 = nothing)."""
    missing = sum(WEIGHTS[c] * (3 - int(levels.get(c, 0))) for c in CONCEPT_IDS)
    return round(100.0 * missing / (3 * sum(WEIGHTS.values())), 1)


def land_passage_counts(texts: pd.DataFrame) -> dict[str, int]:
    """doc_id → number of passages about agriculture or land use (``texts``: doc_id, text)."""
    if texts.empty:
        return {}
    hits = texts[texts["text"].str.lower().str.contains(LAND_SECTOR)]
    return hits.groupby("doc_id").size().to_dict()


def find_gaps(levels: dict, *, land_passages: int, concept_passages: int, pages: dict, targets: pd.DataFrame,
              soc_monitoring: bool, taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(rule id, plain-language statement) for each gap of one document.

    ``levels``: concept → level; ``pages``: concept → where it is found ("p. 3, 7", ``locators.join_labels``); ``targets``: the document's
    rows of the targets table.
    """
    found = [c for c in CONCEPT_IDS if levels.get(c, 0) > 0]
    name = taxonomy.concept_name
    gaps = []
    if not found:
        addressed = f", although agriculture and land use are addressed ({_n(land_passages)})" if land_passages else ""
        gaps.append(("nothing_on_land", f"The NDC says nothing about soils or land management: none of the 10 "
                                        f"concepts is found{addressed}."))
    soc = levels.get("soil_carbon", 0)
    if soc == 0 and found:
        gaps.append(("soil_carbon_absent", f"Agriculture and land use are addressed ({_n(land_passages)}), the 10 "
                                           f"soil and land concepts in {_n(concept_passages)}, but soil carbon is "
                                           "absent."))
    elif soc == 0:
        gaps.append(("soil_carbon_absent", "Soil carbon is absent."))
    elif soc == 1:
        gaps.append(("soil_carbon_mention", f"Soil carbon is mentioned ({pages['soil_carbon']}) but no measure "
                                            "commits to it."))
    elif soc == 2 and not _has_target(targets, ("soil_carbon",)):
        gaps.append(("soil_carbon_no_target", f"Soil carbon measures are planned ({pages['soil_carbon']}) but no "
                                              "quantity (tonnes, hectares) is given."))
    named = [c for c in PRACTICES if levels.get(c, 0) > 0]
    if named and not _has_target(targets, named, AREA_MEASURES) and not any(levels[c] == 3 for c in named):
        listing = ", ".join(name(c).lower() for c in named[:4]) + (" …" if len(named) > 4 else "")
        gaps.append(("slm_no_area_target", f"Land management practices are named ({listing}) but no area target "
                                           "(hectares or share of land) is given."))
    if levels.get("land_restoration", 0) in (1, 2) and not _has_target(targets, ("land_restoration",)):
        gaps.append(("restoration_no_target", f"Restoring degraded land is named ({pages['land_restoration']}) "
                                              "but no area or quantity to restore is given."))
    mentioned = [c for c in ("peatlands", "wetlands") if levels.get(c, 0) == 1]
    if mentioned:
        what = " and ".join(mentioned)
        gaps.append(("peat_wetland_no_measure", f"{what[0].upper()}{what[1:]} are mentioned "
                                                f"({'; '.join(pages[c] for c in mentioned)}) without measures."))
    if not soc_monitoring:
        gaps.append(("no_soc_monitoring", "No monitoring, measurement or inventory of soil carbon is mentioned."))
    if len(targets) and set(targets["conditional"]) == {"conditional"}:
        gaps.append(("targets_conditional", f"Every land and soil target ({len(targets)}) depends on international "
                                            "support (conditional)."))
    return gaps


def _n(count: int, noun: str = "passage") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _has_target(targets: pd.DataFrame, concepts, measures=None) -> bool:
    """True when a target of the document is tied to one of ``concepts`` (and of one of ``measures``)."""
    if targets.empty:
        return False
    rows = targets if measures is None else targets[targets["measure"].isin(measures)]
    return any(set(str(c).split(";")) & set(concepts) for c in rows["concepts"])


def gap_table(coverage: pd.DataFrame, documents: pd.DataFrame, passages: pd.DataFrame, targets: pd.DataFrame,
              land_counts: dict, taxonomy: Taxonomy, *, all_versions: bool = False) -> pd.DataFrame:
    """One row per document (the latest per country unless ``all_versions``), with gaps, score and rank."""
    latest_ids = set(latest_documents(documents)["doc_id"]) if len(documents) else set()
    chosen = documents if all_versions else documents[documents["doc_id"].isin(latest_ids)]
    soc = passages[passages["concept"] == "soil_carbon"]
    monitored = set(soc[soc["text"].str.contains(MONITORING)]["doc_id"]) if len(soc) else set()
    cells_of, kept_of = tuples_by_document(coverage), tuples_by_document(counted(passages))
    passages_of, targets_of = tuples_by_document(passages), rows_by_document(targets)
    rows = []
    for doc in chosen.itertuples(index=False):
        base = {"iso3": doc.iso3, "country": doc.country, "document": doc.document, "doc_id": doc.doc_id,
                "kind": doc.kind, "year": doc.year, "language": doc.language, "latest": doc.doc_id in latest_ids,
                "read_status": doc.read_status, "land_passages": int(land_counts.get(doc.doc_id, 0)),
                "taxonomy_hash": taxonomy.short_hash}
        if doc.read_status == NO_TEXT:
            rows.append({**base, "n_gaps": 0, "gaps": "Not assessed: the document has no readable text.",
                         **dict.fromkeys(RULES, 0)})
            continue
        cells = {row.concept: row.level for row in cells_of.get(doc.doc_id, ())}
        levels = {c: int(cells[c]) for c in CONCEPT_IDS}
        found_at: dict[str, list] = {}
        for row in sorted(kept_of.get(doc.doc_id, ()), key=lambda row: row.page):     # stable, as pandas' sort
            found_at.setdefault(row.concept, []).append(row.locator)
        pages = {c: join_labels(found_at.get(c, []), limit=3, pageless=doc.format in PAGELESS_FORMATS)
                 for c in CONCEPT_IDS}
        doc_targets = targets_of(doc.doc_id)
        n_passages = len({row.passage_id for row in passages_of.get(doc.doc_id, ())})
        gaps = find_gaps(levels, land_passages=base["land_passages"], concept_passages=n_passages, pages=pages,
                         targets=doc_targets, soc_monitoring=doc.doc_id in monitored, taxonomy=taxonomy)
        ids = {rule for rule, _ in gaps}
        rows.append({**base, "concept_passages": n_passages,
                     "concepts_found": sum(1 for v in levels.values() if v > 0),
                     "concepts_committed": sum(1 for v in levels.values() if v >= 2),
                     "concepts_quantified": sum(1 for v in levels.values() if v == 3),
                     "land_targets": len(doc_targets), "gap_score": gap_score(levels), "n_gaps": len(gaps),
                     "gaps": " | ".join(text for _, text in gaps), **{rule: int(rule in ids) for rule in RULES}})
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    ranked = frame["latest"] & frame["gap_score"].notna()
    frame["rank"] = frame["gap_score"].where(ranked).rank(ascending=False, method="min").astype("Int64")
    for column in ("year", "concept_passages", "concepts_found", "concepts_committed", "concepts_quantified",
                   "land_targets"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["rank", "country", "year"], na_position="last").reset_index(drop=True)


__all__ = ["RULES", "WEIGHTS", "find_gaps", "gap_score", "gap_table", "land_passage_counts"]
