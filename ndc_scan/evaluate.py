"""Document-level evaluation against hand labels (documents read in full).

Labels file: ``file,concept,level,...`` (see corpora/labels/README.md). A
concept is "present" in a document when its level is ≥ 1. Documents are
matched on file name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import UsageError
from .taxonomy import CONCEPT_IDS


@dataclass
class Evaluation:
    table: pd.DataFrame       # one row per concept plus "macro" and "micro"
    errors: pd.DataFrame      # false positives and negatives, with the tool's quote
    summary: str


def evaluate_documents(labels_path, coverage_path) -> Evaluation:
    labels = pd.read_csv(labels_path)
    coverage = pd.read_csv(coverage_path)
    for frame, name, needed in ((labels, labels_path, {"file", "concept", "level"}),
                                (coverage, coverage_path, {"document", "concept", "level"})):
        missing = needed - set(frame.columns)
        if missing:
            raise UsageError(f"{name}: missing column(s) {', '.join(sorted(missing))}",
                             remedy="pass a labels file and a coverage.csv written by 'ndc-scan scan'")
    merged = labels[["file", "concept", "level"]].merge(
        coverage[["document", "concept", "level", "top_quote", "top_quote_page", "pages"]],
        left_on=["file", "concept"], right_on=["document", "concept"], how="left", suffixes=("_gold", "_tool"))
    missing_docs = sorted(merged[merged["document"].isna()]["file"].unique())
    if missing_docs:
        raise UsageError(f"{coverage_path}: no rows for {len(missing_docs)} labelled document(s): {', '.join(missing_docs[:5])}",
                         remedy="scan the labelled documents first, then evaluate their coverage.csv")
    merged["gold"] = merged["level_gold"] >= 1
    merged["tool"] = merged["level_tool"].fillna(0) >= 1
    rows = []
    for concept in CONCEPT_IDS:
        part = merged[merged["concept"] == concept]
        rows.append({"concept": concept, **_scores(part)})
    table = pd.DataFrame(rows)
    macro = {"concept": "macro", **{k: round(table[k].mean(), 3) for k in ("precision", "recall", "f1", "level_agreement")},
             **{k: int(table[k].sum()) for k in ("tp", "fp", "fn", "tn")}}
    micro = {"concept": "micro", **_scores(merged)}
    table = pd.concat([table, pd.DataFrame([macro, micro])], ignore_index=True)
    errors = merged[merged["gold"] != merged["tool"]].assign(
        error=lambda f: f["tool"].map({True: "false positive", False: "false negative"}))
    summary = (f"{merged['file'].nunique()} documents, {len(merged)} document x concept cells; "
               f"macro F1 {macro['f1']:.3f}, micro F1 {micro['f1']:.3f}, exact level agreement {micro['level_agreement']:.3f}")
    return Evaluation(table=table, errors=errors[["file", "concept", "level_gold", "level_tool", "error",
                                                 "top_quote_page", "top_quote"]], summary=summary)


def _scores(part: pd.DataFrame) -> dict:
    tp = int((part["gold"] & part["tool"]).sum())
    fp = int((~part["gold"] & part["tool"]).sum())
    fn = int((part["gold"] & ~part["tool"]).sum())
    tn = int((~part["gold"] & ~part["tool"]).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    agreement = float((part["level_gold"] == part["level_tool"].fillna(0)).mean()) if len(part) else 1.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "level_agreement": round(agreement, 3), "tp": tp, "fp": fp, "fn": fn, "tn": tn}
