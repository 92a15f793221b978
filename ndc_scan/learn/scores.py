"""Scores: precision, recall, F1 and level agreement, one definition for training and evaluation.

F1 is ``2·tp / (2·tp + fp + fn)``, 1.0 when there is nothing to find and nothing found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..taxonomy import CONCEPT_IDS


def f1_from_counts(tp: int, fp: int, fn: int) -> float:
    """F1 of the counts (unrounded); 1.0 when there is nothing to find and nothing was found."""
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else 1.0


def f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of two boolean vectors (unrounded)."""
    tp = int((gold & predicted).sum())
    return f1_from_counts(tp, int((~gold & predicted).sum()), int((gold & ~predicted).sum()))


def score_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Document × concept cells (``gold``, ``tool``, levels) → one row per concept, then macro and micro."""
    frame = pd.DataFrame([{"concept": c, **_scores(cells[cells["concept"] == c])} for c in CONCEPT_IDS])
    macro = {"concept": "macro", **{k: round(float(frame[k].mean()), 3) for k in ("precision", "recall", "f1", "level_agreement")},
             **{k: int(frame[k].sum()) for k in ("tp", "fp", "fn", "tn")}}
    return pd.concat([frame, pd.DataFrame([macro, {"concept": "micro", **_scores(cells)}])], ignore_index=True)


def _scores(part: pd.DataFrame) -> dict[str, float]:
    found = counts_scores(part["gold"].to_numpy(bool), part["tool"].to_numpy(bool))
    agreement = float((part["level_gold"] == part["level_tool"].fillna(0)).mean()) if len(part) else 1.0
    return {**{k: found[k] for k in ("precision", "recall", "f1")}, "level_agreement": round(agreement, 3),
            **{k: found[k] for k in ("tp", "fp", "fn")}, "tn": int((~part["gold"] & ~part["tool"]).sum())}


def passage_scores(gold: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Per-concept precision, recall and F1 of boolean (passages × CONCEPT_IDS) matrices, with macro and micro rows."""
    gold, predicted = np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool)
    rows = []
    for j, concept in enumerate(CONCEPT_IDS):
        rows.append({"concept": concept, **counts_scores(gold[:, j], predicted[:, j])})
    table = pd.DataFrame(rows)
    macro = {"concept": "macro", **{k: round(float(table[k].mean()), 3) for k in ("precision", "recall", "f1")},
             **{k: int(table[k].sum()) for k in ("tp", "fp", "fn", "support")}}
    micro = {"concept": "micro", **counts_scores(gold.ravel(), predicted.ravel())}
    return pd.concat([table, pd.DataFrame([macro, micro])], ignore_index=True)


def counts_scores(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 (rounded to 3 places) with the counts, of two boolean vectors."""
    tp, fp, fn = int((gold & predicted).sum()), int((~gold & predicted).sum()), int((gold & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1_from_counts(tp, fp, fn), 3),
            "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}
