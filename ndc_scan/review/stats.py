"""Review statistics: decisions per concept and reviewer, and agreement between reviewers (Cohen's kappa)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from ..aggregate.decisions import VERBS, latest_per_reviewer
from ..store import Store
from ..taxonomy import CONCEPT_IDS


@dataclass
class Stats:
    """``ndc-scan review stats``: decisions per concept and agreement between reviewers."""

    concepts: pd.DataFrame       # one row per concept and one "all"
    reviewers: pd.DataFrame      # one row per reviewer
    notes: list[str] = field(default_factory=list)


def review_stats(db: Store) -> Stats:
    """Counts of current decisions (the latest per reviewer and label) and Cohen's kappa per concept.

    Agreement is on whether the concept is present (accept, or a correction that keeps it)
    or absent (reject, or a correction that moves it), over every pair of reviewers who
    both decided a label; kappa is None (n/a) where it is undefined (no such pairs, or
    both reviewers always gave the same answer).
    """
    from sklearn.metrics import cohen_kappa_score

    stored = db.decisions()
    current = [decision for by_reviewer in latest_per_reviewer(stored).values() for decision in by_reviewer.values()]
    by_key: dict = {}
    for decision in current:
        if decision.decision != "ignore":
            by_key.setdefault(decision.key, []).append(decision)
    rows = []
    for concept in [*CONCEPT_IDS, "all"]:
        mine = [d for d in current if concept in ("all", d.concept)]
        pairs = []
        for key, said in by_key.items():
            if concept not in ("all", key[1]):
                continue
            for a, b in combinations(sorted(said, key=lambda d: d.reviewer), 2):
                pairs.append((a.outcome.get(key[1], 0) > 0, b.outcome.get(key[1], 0) > 0))
        kappa = None
        if pairs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs], labels=[False, True])
            kappa = None if pd.isna(value) else round(float(value), 3)
        rows.append({
            "concept": concept, "decisions": len(mine),
            **{name: sum(d.decision == name for d in mine) for name in VERBS},
            "reviewers": len({d.reviewer for d in mine}), "labels": len({d.key for d in mine}),
            "labels_2_reviewers": sum(1 for key, said in by_key.items() if concept in ("all", key[1]) and len(said) > 1),
            "pairs": len(pairs), "agreement": round(sum(a == b for a, b in pairs) / len(pairs), 3) if pairs else None,
            "kappa": kappa,
        })
    reviewers = pd.DataFrame([{
        "reviewer": name, "decisions": sum(d.reviewer == name for d in current),
        **{verb: sum(d.reviewer == name and d.decision == verb for d in current) for verb in VERBS},
        "first": min(d.decided_at for d in current if d.reviewer == name),
        "last": max(d.decided_at for d in current if d.reviewer == name),
    } for name in sorted({d.reviewer for d in current})],
        columns=["reviewer", "decisions", *VERBS, "first", "last"])
    notes = [f"{len(stored)} decisions stored, {len(current)} current (the latest per reviewer and label)"]
    if unmatched := db.unmatched_decision_count():
        notes.append(f"{unmatched} of the stored decisions are on a passage text no scanned document holds now (read "
                     "again with other text, or not scanned into this store): they count in no report; "
                     "ndc-scan review export decisions.jsonl keeps them")
    return Stats(concepts=pd.DataFrame(rows), reviewers=reviewers, notes=notes)
