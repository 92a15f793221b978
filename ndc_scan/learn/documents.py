"""Document-level evaluation: the reports of a scan against documents people read in full.

Labels follow ``shared/spec/labelling.md``: per document and concept the strongest level and every page where
the concept is present (``documents.csv`` format), optionally every quantified target (``targets.csv``: file,
concept, value, unit, year). A scan's ``Tables`` are scored the way the independent evaluation scores them:

* document level, per concept: precision, recall and F1 of "present" (level ≥ 1), macro and micro;
* page level: F1 of (document, concept, page) triples;
* level agreement (exact and within one) and the 4 × 4 level confusion matrix;
* targets: precision and recall of (document, concept, value, unit, year);
* changes between versions (added, strengthened, unchanged, weakened, dropped) where either version covers the
  concept, for countries with several labelled documents;
* each of the above per language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from ..aggregate.tables import Tables
from ..aggregate.versions import change
from ..errors import UsageError
from ..records import LEVEL_NAMES
from ..taxonomy import CONCEPT_IDS
from .scores import f1_from_counts

#: Relative tolerance when a tool's target value is compared with a hand-labelled one.
VALUE_TOLERANCE = 0.01


@dataclass(frozen=True)
class DocumentLabels:
    """Hand labels of documents read in full."""

    cells: pd.DataFrame                  # file, concept, level (0-3), pages (frozenset of 1-based pages)
    targets: Optional[pd.DataFrame]      # file, concept, value, unit, year (None: targets were not labelled)
    languages: dict[str, str]            # file → main language
    order: dict[str, tuple]              # file → (iso3, year, kind rank): versions are compared in this order


@dataclass
class DocumentScores:
    concepts: pd.DataFrame               # per concept (+ macro, micro): document and page P/R/F1, level agreement
    languages: pd.DataFrame              # per language: documents, document macro F1, page F1, level agreement
    confusion: pd.DataFrame              # gold level (rows) × tool level (columns), counts
    targets: pd.DataFrame                # per concept (+ all): target precision, recall, F1 and counts
    versions: pd.DataFrame               # per country × concept: gold change, tool change, agree
    errors: pd.DataFrame                 # every document × concept cell where presence or level differs
    summary: dict = field(default_factory=dict)


def load_document_labels(documents: str | Path | Sequence[str | Path], targets: str | Path | None = None,
                         manifest: str | Path | None = None) -> DocumentLabels:
    """Read labels files (and a targets and a manifest file); every problem is a UsageError naming the file."""
    paths = [documents] if isinstance(documents, (str, Path)) else list(documents)
    cells = pd.concat([_read(path, {"file", "concept", "level"}) for path in paths], ignore_index=True)
    doubled = sorted(set(cells[cells.duplicated(["file", "concept"])]["file"]))
    if doubled:
        raise UsageError(f"{', '.join(map(str, paths))}: {len(doubled)} document(s) labelled twice: {', '.join(doubled[:5])}",
                         remedy="give each document's labels once")
    unknown = sorted(set(cells["concept"]) - set(CONCEPT_IDS))
    if unknown:
        raise UsageError(f"{documents}: unknown concept(s) {', '.join(unknown)}",
                         remedy=f"use the concept ids of shared/spec/concepts.md ({', '.join(CONCEPT_IDS)})")
    pages = cells["pages"] if "pages" in cells.columns else pd.Series([""] * len(cells))
    cells = cells.assign(level=cells["level"].astype(int),
                         pages=[frozenset(int(p) for p in str(v).split(";") if p.strip() and p.strip() != "nan")
                                for v in pages.fillna("")])[["file", "concept", "level", "pages"]]
    target_rows = None
    if targets is not None:
        target_rows = _read(targets, {"file", "concept", "value", "unit", "year"})
        target_rows = target_rows.assign(value=target_rows["value"].astype(float))
    languages, order = {}, {}
    if manifest is not None:
        rows = _read(manifest, {"file", "language"})
        languages = dict(zip(rows["file"], rows["language"]))
        if {"iso3", "year", "kind"} <= set(rows.columns):
            order = {r.file: (r.iso3, int(r.year), _KIND_RANK.get(r.kind, 9)) for r in rows.itertuples(index=False)}
    return DocumentLabels(cells=cells, targets=target_rows, languages=languages, order=order)


_KIND_RANK = {"indc": 0, "ndc": 1, "ndc-updated": 2, "ndc2": 3, "ndc3": 4}


def _read(path: str | Path, needed: set) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UsageError(f"{path}: cannot be read as CSV ({exc})", remedy="pass a labels file in the README's format") from exc
    missing = needed - set(frame.columns)
    if missing:
        raise UsageError(f"{path}: missing column(s) {', '.join(sorted(missing))}",
                         remedy="pass a labels file in the README's format (corpora/labels/README.md)")
    return frame


def score_documents(labels: DocumentLabels, tables: Tables) -> DocumentScores:
    """Score the scan's tables against the labels (documents matched on file name)."""
    coverage = tables.coverage
    missing = sorted(set(labels.cells["file"]) - set(coverage["document"]))
    if missing:
        raise UsageError(f"the scan holds no rows for {len(missing)} labelled document(s): {', '.join(missing[:5])}",
                         remedy="scan the labelled documents into the store first")
    tool = {(r.document, r.concept): r for r in coverage.itertuples(index=False)}
    languages = labels.languages or dict(zip(tables.documents["document"], tables.documents["language"]))
    rows = []
    for cell in labels.cells.itertuples(index=False):
        found = tool[(cell.file, cell.concept)]
        level = 0 if pd.isna(found.level) else int(found.level)
        pages = frozenset(int(p) for p in str(found.pages).split(";") if p.strip())
        rows.append({"file": cell.file, "language": languages.get(cell.file, ""), "concept": cell.concept,
                     "level_gold": int(cell.level), "level_tool": level, "pages_gold": cell.pages, "pages_tool": pages,
                     "quote": found.top_quote, "quote_page": found.top_quote_page})
    cells = pd.DataFrame(rows)
    cells["gold"], cells["tool"] = cells["level_gold"] >= 1, cells["level_tool"] >= 1
    concepts = pd.DataFrame([{"concept": c, **_cell_scores(cells[cells["concept"] == c])} for c in CONCEPT_IDS])
    macro = {"concept": "macro", **{k: round(float(concepts[k].mean()), 3) for k in _MEANS}}
    concepts = pd.concat([concepts, pd.DataFrame([macro, {"concept": "micro", **_cell_scores(cells)}])],
                         ignore_index=True)
    targets = _target_scores(labels, tables)
    by_language = pd.DataFrame([_language_row(language, group)
                                for language, group in cells.groupby("language", sort=True)])
    confusion = pd.crosstab(cells["level_gold"].map(LEVEL_NAMES), cells["level_tool"].map(LEVEL_NAMES)).reindex(
        index=list(LEVEL_NAMES.values()), columns=list(LEVEL_NAMES.values()), fill_value=0)
    confusion.index.name, confusion.columns.name = "gold", "tool"
    versions = _version_scores(labels, cells)
    errors = cells[(cells["gold"] != cells["tool"]) | (cells["level_gold"] != cells["level_tool"])].assign(
        error=lambda f: [("false positive" if t and not g else "false negative" if g and not t else "level")
                         for g, t in zip(f["gold"], f["tool"])],
        pages_gold=lambda f: [";".join(map(str, sorted(p))) for p in f["pages_gold"]],
        pages_tool=lambda f: [";".join(map(str, sorted(p))) for p in f["pages_tool"]],
    )[["file", "language", "concept", "error", "level_gold", "level_tool", "pages_gold", "pages_tool", "quote_page",
       "quote"]]
    summary = {
        "documents": int(cells["file"].nunique()), "cells": len(cells),
        "document_macro_f1": float(concepts.loc[concepts["concept"] == "macro", "f1"].iloc[0]),
        "page_f1": float(concepts.loc[concepts["concept"] == "micro", "page_f1"].iloc[0]),
        "level_agreement": float(concepts.loc[concepts["concept"] == "micro", "level_exact"].iloc[0]),
        "level_within_one": float(concepts.loc[concepts["concept"] == "micro", "level_within_one"].iloc[0]),
        "targets_precision": None if targets.empty else float(targets.iloc[-1]["precision"]),
        "targets_recall": None if targets.empty else float(targets.iloc[-1]["recall"]),
        "version_changes_right": None if versions.empty else round(float(versions["agree"].mean()), 3),
        "version_pairs": len(versions),
    }
    return DocumentScores(concepts=concepts, languages=by_language, confusion=confusion, targets=targets,
                          versions=versions, errors=errors.reset_index(drop=True), summary=summary)


_MEANS = ("precision", "recall", "f1", "page_precision", "page_recall", "page_f1", "level_exact", "level_within_one")


def _cell_scores(cells: pd.DataFrame) -> dict:
    tp = int((cells["gold"] & cells["tool"]).sum())
    fp = int((~cells["gold"] & cells["tool"]).sum())
    fn = int((cells["gold"] & ~cells["tool"]).sum())
    page_tp = sum(len(g & t) for g, t in zip(cells["pages_gold"], cells["pages_tool"]))
    page_gold = sum(len(g) for g in cells["pages_gold"])
    page_tool = sum(len(t) for t in cells["pages_tool"])
    return {
        "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "f1": round(f1_from_counts(tp, fp, fn), 3),
        "page_precision": _ratio(page_tp, page_tool), "page_recall": _ratio(page_tp, page_gold),
        "page_f1": round(f1_from_counts(page_tp, page_tool - page_tp, page_gold - page_tp), 3),
        "level_exact": _ratio(int((cells["level_gold"] == cells["level_tool"]).sum()), len(cells)),
        "level_within_one": _ratio(int(((cells["level_gold"] - cells["level_tool"]).abs() <= 1).sum()), len(cells)),
        "tp": tp, "fp": fp, "fn": fn, "support": tp + fn,
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def _language_row(language: str, cells: pd.DataFrame) -> dict:
    per_concept = [_cell_scores(cells[cells["concept"] == c])["f1"] for c in CONCEPT_IDS
                   if (cells["concept"] == c).any()]
    micro = _cell_scores(cells)
    return {"language": language or "unknown", "documents": int(cells["file"].nunique()),
            "document_macro_f1": round(sum(per_concept) / len(per_concept), 3), "document_micro_f1": micro["f1"],
            "page_f1": micro["page_f1"], "level_exact": micro["level_exact"], "support": micro["support"]}


def _target_scores(labels: DocumentLabels, tables: Tables) -> pd.DataFrame:
    """Precision and recall of (document, concept, value, unit, year) per concept and overall."""
    if labels.targets is None:
        return pd.DataFrame()
    files = set(labels.cells["file"])
    gold = [(t.file, t.concept, float(t.value), _unit(t.unit), _year(t.year))
            for t in labels.targets.itertuples(index=False)]
    found = []
    for t in tables.targets.itertuples(index=False):
        if t.document not in files:
            continue
        for concept in str(t.concepts).split(";"):
            found.append((t.document, concept, float(t.norm_value), _unit(t.norm_unit), _year(t.target_year)))
    found = list(dict.fromkeys(found))                     # a target listed twice counts once
    rows = []
    for concept in (*CONCEPT_IDS, "all"):
        g = [x for x in gold if concept in ("all", x[1])]
        f = [x for x in found if concept in ("all", x[1])]
        matched_gold = sum(any(_same_target(a, b) for b in f) for a in g)
        matched_found = sum(any(_same_target(a, b) for b in g) for a in f)
        if concept != "all" and not g and not f:
            continue
        rows.append({"concept": concept, "gold": len(g), "found": len(f), "recall": _ratio(matched_gold, len(g)),
                     "precision": _ratio(matched_found, len(f)),
                     "f1": round(2 * matched_gold * matched_found / (matched_gold * len(f) + matched_found * len(g)), 3)
                     if matched_gold and matched_found else 0.0})
    return pd.DataFrame(rows)


def _year(year: object) -> Optional[int]:
    """A target year as an int, None when not stated (a DataFrame holds a missing year as NaN, and NaN != None)."""
    if isinstance(year, str):
        return int(float(year)) if year.strip() else None
    return None if year is None or pd.isna(year) else int(str(year).split(".")[0])


def _unit(unit: str) -> str:
    return str(unit).replace(" ", "").replace("CO2eq", "CO2e").lower()


def _same_target(a: tuple, b: tuple) -> bool:
    return (a[0] == b[0] and a[1] == b[1] and a[3] == b[3] and a[4] == b[4]
            and math.isclose(a[2], b[2], rel_tol=VALUE_TOLERANCE))


def _version_scores(labels: DocumentLabels, cells: pd.DataFrame) -> pd.DataFrame:
    """Gold and tool change between successive labelled versions of a country, where either version covers the concept."""
    if not labels.order:
        return pd.DataFrame(columns=["iso3", "before", "after", "concept", "gold_change", "tool_change", "agree"])
    levels = {(r.file, r.concept): (r.level_gold, r.level_tool) for r in cells.itertuples(index=False)}
    files = sorted((f for f in set(cells["file"]) if f in labels.order), key=lambda f: labels.order[f])
    rows = []
    for iso3 in sorted({labels.order[f][0] for f in files}):
        versions = [f for f in files if labels.order[f][0] == iso3]
        for before, after in zip(versions, versions[1:]):
            for concept in CONCEPT_IDS:
                (g0, t0), (g1, t1) = levels[(before, concept)], levels[(after, concept)]
                if not (g0 or g1):
                    continue
                gold, tool = change(g0, g1), change(t0, t1)
                rows.append({"iso3": iso3, "before": before, "after": after, "concept": concept,
                             "gold_change": gold, "tool_change": tool, "agree": gold == tool})
    return pd.DataFrame(rows, columns=["iso3", "before", "after", "concept", "gold_change", "tool_change", "agree"])


def write_scores(scores: DocumentScores, folder: Path, prefix: str = "") -> list[Path]:
    """Write every table of ``scores`` as CSV into ``folder`` (names start with ``prefix``)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("documents", scores.concepts), ("languages", scores.languages),
                        ("level_confusion", scores.confusion), ("targets", scores.targets),
                        ("versions", scores.versions), ("document_errors", scores.errors)):
        path = folder / f"{prefix}{name}.csv"
        frame.to_csv(path, index=name == "level_confusion")
        written.append(path)
    return written
