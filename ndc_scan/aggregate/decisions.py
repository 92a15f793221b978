"""Reviewers' decisions, resolved and applied: what counts when people have accepted, rejected or corrected labels.

Decisions (``records.Decision``) are keyed by the hash of the passage text and the concept,
so they survive re-scans, re-extraction, a changed taxonomy and retraining. Every decision
is kept in the store; per reviewer the latest counts, and across reviewers the most recent
one wins (the others are shown as a dispute). :func:`apply_decisions` and
:func:`mark_coverage` apply them to the tables every report renders; the review queue and
training read the same resolution (:func:`resolve`, :func:`outcomes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..records import LEVEL_NAMES, Decision
from ..store import Store
from .coverage import counted, sort_passages, top_labels
from .locators import Locators

#: Decisions as reports word them ("accepted by ana").
VERBS = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "ignore": "ignored"}

@dataclass(frozen=True)
class Resolution:
    """What counts for one (text_hash, concept): the winning decision and any disagreeing reviewers."""

    decision: Decision
    others: tuple[Decision, ...] = ()   # latest decisions of the other reviewers (not ignored)

    @property
    def disputed(self) -> bool:
        return any(other.outcome != self.decision.outcome for other in self.others)

    @property
    def words(self) -> str:
        text = describe(self.decision)
        if self.disputed:
            text += "; disputed: " + ", ".join(describe(o) for o in self.others if o.outcome != self.decision.outcome)
        return text


def describe(decision: Decision) -> str:
    """ "accepted by ana", "corrected by ben (level 2)", "corrected by ben (land_restoration 3)"."""
    text = f"{VERBS[decision.decision]} by {decision.reviewer}"
    if decision.decision == "correct":
        if decision.concepts == (decision.concept,):
            text += f" (level {decision.level})"
        else:
            text += " (" + ", ".join(f"{c} {decision.level}" for c in decision.concepts) + ")"
    return text


def resolve(decisions: Iterable[Decision]) -> dict[tuple[str, str], Resolution]:
    """(text_hash, concept) → Resolution: per reviewer the latest decision; the most recent reviewer's wins.

    ``decisions`` must be oldest first (as ``Store.decisions`` returns them). A reviewer
    whose latest decision is ``ignore`` has no say.
    """
    resolved = {}
    for key, by_reviewer in latest_per_reviewer(decisions).items():
        said = [d for d in by_reviewer.values() if d.decision != "ignore"]
        if said:
            resolved[key] = Resolution(decision=said[-1], others=tuple(said[:-1]))
    return resolved


def latest_per_reviewer(decisions: Iterable[Decision]) -> dict[tuple[str, str], dict[str, Decision]]:
    """(text_hash, concept) → {reviewer: that reviewer's latest decision}, the most recent reviewer last.

    ``decisions`` oldest first (as ``Store.decisions`` returns them); ``ignore`` decisions included.
    """
    latest: dict[tuple[str, str], dict[str, Decision]] = {}
    for decision in decisions:
        by_reviewer = latest.setdefault(decision.key, {})
        by_reviewer.pop(decision.reviewer, None)
        by_reviewer[decision.reviewer] = decision          # insertion order: the latest reviewer last
    return latest


def outcomes(decisions: Iterable[Decision]) -> Outcomes:
    """text_hash → {concept: (level, Resolution)}: level 0 = absent. Direct decisions beat a correction's additions."""
    direct: Outcomes = {}
    added: Outcomes = {}
    for (text_hash, concept), resolution in resolve(decisions).items():
        for target, level in resolution.decision.outcome.items():
            table = direct if target == concept else added
            table.setdefault(text_hash, {})[target] = (level, resolution)
    for text_hash, concepts in added.items():
        for concept, value in concepts.items():
            direct.setdefault(text_hash, {}).setdefault(concept, value)
    return direct


#: text_hash → {concept: (level, Resolution)}; level 0: the concept is absent.
Outcomes = dict[str, dict[str, tuple[int, Resolution]]]


def apply_decisions(db: Store, passages: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The passages table with reviewed labels applied, and a ``reviewed`` column saying by whom.

    Rejected labels are no longer counted; accepted ones are counted at the level the
    reviewer saw; corrected ones take the corrected level, or move to the corrected
    concept(s), which are added as rows (``method`` "review") when the scan has no such label.
    """
    frame = passages.copy()
    position = list(frame.columns).index("review_reason") + 1 if "review_reason" in frame.columns else len(frame.columns)
    frame.insert(position, "reviewed", "")
    decisions = db.decisions()
    if not decisions or not len(documents):
        return frame
    table = outcomes(decisions)
    for i, (text_hash, concept) in enumerate(zip(frame["text_hash"], frame["concept"])):
        hit = table.get(text_hash, {}).get(concept)
        if hit is None:
            continue
        level, resolution = hit
        frame.iat[i, frame.columns.get_loc("reviewed")] = resolution.words
        frame.iat[i, frame.columns.get_loc("counted")] = level > 0
        if level > 0:
            frame.iat[i, frame.columns.get_loc("level")] = level
            frame.iat[i, frame.columns.get_loc("level_name")] = LEVEL_NAMES[level]
    added = _added_rows(db, frame, documents, table)
    if not added:
        return frame
    frame = pd.concat([frame, pd.DataFrame(added, columns=frame.columns)], ignore_index=True)
    return sort_passages(frame, list(documents["doc_id"]))


def _added_rows(db: Store, frame: pd.DataFrame, documents: pd.DataFrame, table: Outcomes) -> list[dict]:
    """Rows for concepts reviewers say a passage has but the scan did not label."""
    hashes = {h for h, concepts in table.items() if any(level > 0 for level, _ in concepts.values())}
    if not hashes:
        return []
    found = db.tagged_passages_with_text_hashes(hashes, doc_ids=set(documents["doc_id"]))
    have = set(zip(frame["passage_id"], frame["concept"]))
    flags = {pid: (c, k) for pid, c, k in zip(frame["passage_id"], frame["conditional"], frame["component"])}
    meta = documents.set_index("doc_id")
    where = Locators.of(db, documents)
    rows = []
    for passage in found:
        for concept, (level, resolution) in sorted(table[passage.text_hash].items()):
            if level == 0 or (passage.passage_id, concept) in have:
                continue
            conditional, component = flags.get(passage.passage_id, ("", ""))
            rows.append({
                "iso3": meta.at[passage.doc_id, "iso3"], "country": meta.at[passage.doc_id, "country"],
                "document": meta.at[passage.doc_id, "document"], "doc_id": passage.doc_id,
                "page": passage.page_no, "locator": where(passage.doc_id, passage.page_no),
                "heading_path": passage.heading_path, "concept": concept, "level": level,
                "level_name": LEVEL_NAMES[level], "counted": True, "review_reason": "",
                "reviewed": f"added: {resolution.words}", "confidence": 1.0, "probability": None, "rule_level": 0,
                "conditional": conditional, "component": component, "matched_terms": "", "method": "review",
                "passage_id": passage.passage_id, "text_hash": passage.text_hash, "text": passage.text,
            })
    return rows


def mark_coverage(coverage: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """The coverage table with a ``reviewed`` column (``to_review`` already counts only undecided flags)."""
    frame = coverage.copy()
    if "reviewed" not in passages.columns or not len(passages):
        frame.insert(list(frame.columns).index("to_review") + 1, "reviewed", "")
        return frame
    totals = passages.groupby(["doc_id", "concept"]).size().to_dict()
    done = passages[passages["reviewed"] != ""].groupby(["doc_id", "concept"]).size().to_dict()
    top = {key: label["reviewed"] for key, label in top_labels(counted(passages)).items()}
    words = []
    for key in zip(frame["doc_id"], frame["concept"]):
        if not done.get(key):
            words.append("")
            continue
        text = f"{done[key]} of {totals[key]} labels reviewed"
        words.append(text + (f"; top quote {top[key]}" if top.get(key) else ""))
    frame.insert(list(frame.columns).index("to_review") + 1, "reviewed", words)
    return frame
