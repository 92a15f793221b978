"""Review: people accept, reject or correct the labels the scan flagged; their decisions override it.

A queue item is one stored label (a passage × concept) of the documents in the store,
from each document's latest labelling. By default the queue holds the labels flagged
for review (``Prediction.review``); ``all_labels`` adds every label that matches the
filters (e.g. every soil-carbon passage). Items this reviewer decided already are left
out; the same passage text found in two documents (two versions of an NDC) is one item.
Priority: quantified targets and soil carbon first, then the most uncertain.

Decisions (``records.Decision``) are stored one by one in the store, keyed by the hash
of the passage text and the concept, so they survive re-scans, re-extraction, a changed
taxonomy and retraining. Every decision is kept; per reviewer the latest counts, and
across reviewers the most recent one wins (the others are shown as a dispute). The
tables every report renders apply them (:func:`apply_decisions`, :func:`mark_coverage`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .errors import UsageError
from .records import LEVEL_NAMES, Decision
from .taxonomy import CONCEPT_IDS

REASONS = ("disagree", "uncertain", "target")
CONFIG_NAME = "config.toml"
VERBS = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "ignore": "ignored"}


@dataclass(frozen=True)
class Filters:
    """Which labels a queue (or an exported sheet) holds. Empty tuples: no restriction."""

    countries: tuple = ()        # ISO3 codes
    concepts: tuple = ()         # concept ids
    documents: tuple = ()        # file names, paths or doc_id prefixes
    reasons: tuple = ()          # review codes: disagree, uncertain, target
    all_labels: bool = False     # every label, not only the flagged ones
    undecided: bool = False      # leave out what any reviewer decided (not only this reviewer)


@dataclass(frozen=True)
class ReviewItem:
    """A label to review: one concept of one passage, with what the scan knows about it."""

    text_hash: str
    concept: str
    passage_id: str
    doc_id: str
    document: str                # file name
    iso3: str
    country: str
    page: int                    # 1-based
    start: int                   # offset of the passage on its page
    heading_path: str
    text: str
    level: int                   # 1..3, the scan's level
    counted: bool                # the scan counts the label (False: the model overruled the rules)
    review: str                  # review codes joined by ";", "" when not flagged
    probability: Optional[float]
    rule_level: int
    terms: tuple                 # matched taxonomy terms of this concept
    spans: tuple = ()            # (start, end, concept) of every term matched in the passage
    other_labels: tuple = ()     # (concept, level, counted) of the passage's other labels
    also_in: tuple = ()          # "FILE p. N" of other documents with the same passage text

    @property
    def key(self) -> tuple:
        return (self.text_hash, self.concept)

    @property
    def priority(self) -> tuple:
        codes = self.review.split(";")
        target = "target" in codes or (self.counted and self.level == 3)
        soil = self.concept == "soil_carbon"
        tier = 0 if target and soil else 1 if target else 2 if soil else 3
        uncertainty = abs(self.probability - 0.5) if self.probability is not None else 0.5
        return (tier, round(uncertainty, 4), "disagree" not in codes)


def now() -> str:
    """The current time as stored in decisions: ISO 8601, UTC, seconds."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------- queue


def latest_labels(db) -> list:
    """Stored labels of each document's latest labelling, with passage and document fields (dict rows)."""
    return db.query("""
        WITH latest AS (
            SELECT t.doc_id, t.taxonomy_hash FROM tagged t
            WHERE t.tagged_at = (SELECT MAX(t2.tagged_at) FROM tagged t2 WHERE t2.doc_id = t.doc_id))
        SELECT l.passage_id, l.doc_id, l.taxonomy_hash, l.concept, l.level, l.terms, l.rule_level, l.probability,
               l.kept, l.review, p.page_no, p.start, p.heading_path, p.text, p.text_hash,
               d.file_name, d.path, d.iso3, d.country
        FROM predictions l JOIN latest ON latest.doc_id = l.doc_id AND latest.taxonomy_hash = l.taxonomy_hash
        JOIN passages p ON p.passage_id = l.passage_id JOIN documents d ON d.doc_id = l.doc_id
        ORDER BY d.file_name, p.page_no, p.start""")


def _selected(row: dict, filters: Filters) -> bool:
    codes = [c for c in row["review"].split(";") if c]
    if filters.countries and (row["iso3"] or "") not in filters.countries:
        return False
    if filters.concepts and row["concept"] not in filters.concepts:
        return False
    if filters.documents and not any(d in (row["file_name"], row["path"]) or row["doc_id"].startswith(d.lower())
                                     for d in filters.documents):
        return False
    if filters.reasons:
        return any(code in filters.reasons for code in codes)
    return bool(codes) or filters.all_labels


def load_queue(db, reviewer: Optional[str], filters: Filters = Filters()) -> list:
    """The items ``reviewer`` has still to decide, in priority order (see the module docstring).

    ``reviewer`` None: leave nothing out for a reviewer (an export for someone outside the team).
    """
    rows = latest_labels(db)
    by_passage: dict = {}
    for row in rows:
        by_passage.setdefault(row["passage_id"], []).append(row)
    decided = ({d.key for d in db.decisions()} if filters.undecided else
               {d.key for d in db.decisions(reviewer=reviewer)} if reviewer is not None else set())
    chosen = [r for r in rows if _selected(r, filters) and (r["text_hash"], r["concept"]) not in decided]
    spans = _spans(db, {(r["doc_id"], r["taxonomy_hash"]) for r in chosen}, {r["passage_id"] for r in chosen})
    items = []
    for row in chosen:
        others = tuple((o["concept"], o["level"], bool(o["kept"])) for o in by_passage[row["passage_id"]]
                       if o["concept"] != row["concept"])
        items.append(ReviewItem(
            text_hash=row["text_hash"], concept=row["concept"], passage_id=row["passage_id"], doc_id=row["doc_id"],
            document=row["file_name"], iso3=row["iso3"] or "", country=row["country"] or "unknown",
            page=row["page_no"], start=row["start"], heading_path=row["heading_path"], text=row["text"],
            level=row["level"], counted=bool(row["kept"]), review=row["review"], probability=row["probability"],
            rule_level=row["rule_level"], terms=tuple(t for t in row["terms"].split(";") if t),
            spans=tuple(spans.get(row["passage_id"], ())), other_labels=others))
    items.sort(key=lambda item: item.priority)         # stable: document, page, offset within a priority
    queue, first = [], {}
    for item in items:
        if item.key in first:                          # the same text in another document: one decision
            kept = queue[first[item.key]]
            queue[first[item.key]] = _also(kept, f"{item.document} p. {item.page}")
            continue
        first[item.key] = len(queue)
        queue.append(item)
    return queue


def _also(item: ReviewItem, where: str) -> ReviewItem:
    from dataclasses import replace

    return replace(item, also_in=item.also_in + (where,))


def _spans(db, labellings: set, passage_ids: set) -> dict:
    """passage_id → sorted (start, end, concept) of the taxonomy terms matched in it."""
    found: dict = {}
    for doc_id, taxonomy_hash in labellings:
        for m in db.query('SELECT passage_id, concept, start, "end" FROM matches WHERE doc_id=? AND taxonomy_hash=?',
                          (doc_id, taxonomy_hash)):
            if m["passage_id"] in passage_ids:
                found.setdefault(m["passage_id"], set()).add((m["start"], m["end"], m["concept"]))
    return {pid: sorted(spans) for pid, spans in found.items()}


def neighbours(db, item: ReviewItem) -> tuple:
    """(previous passage, next passage) of the item's document, as (page, heading, text) or None."""
    rows = db.query("SELECT page_no, start, heading_path, text, kind FROM passages WHERE doc_id=? "
                    "AND kind NOT IN ('toc', 'heading') ORDER BY page_no, start", (item.doc_id,))
    position = next((i for i, r in enumerate(rows) if (r["page_no"], r["start"]) == (item.page, item.start)), None)
    if position is None:
        return None, None
    pick = lambda i: (rows[i]["page_no"], rows[i]["heading_path"], rows[i]["text"]) if 0 <= i < len(rows) else None  # noqa: E731
    return pick(position - 1), pick(position + 1)


def decide(db, item: ReviewItem, decision: str, reviewer: str, *, level: Optional[int] = None,
           concepts: tuple = (), note: str = "", source: str = "session") -> tuple:
    """Store a decision about ``item`` (committed at once); return (id, Decision).

    ``accept`` keeps the item's level unless ``level`` is given; ``correct`` needs a new
    level and/or ``concepts`` (default: the item's concept, i.e. a level correction).
    """
    if decision == "accept":
        level = level or item.level
    elif decision == "correct":
        concepts = tuple(concepts) or (item.concept,)
        level = level or item.level
    made = Decision(text_hash=item.text_hash, concept=item.concept, decision=decision, reviewer=reviewer,
                    decided_at=now(), level=level if decision in ("accept", "correct") else None,
                    concepts=tuple(concepts) if decision == "correct" else (), passage_id=item.passage_id,
                    document=item.document, page=item.page, note=note)
    return db.save_decision(made, source=source), made


# ---------------------------------------------------------------------------------------------- who reviews


def config_files() -> list:
    """Where the reviewer's name may be set: the workspace, then the user's config folder."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path(".ndc_scan") / CONFIG_NAME, home / "ndc-scan" / CONFIG_NAME]


def reviewer_name(explicit: Optional[str] = None) -> str:
    """The reviewer: ``explicit`` (--reviewer), else ``reviewer = "..."`` in the first config file that sets it."""
    if explicit is not None:
        name = explicit.strip()
        if not name or len(name) > 80 or not name.isprintable():
            raise UsageError(f"--reviewer {explicit!r}: not a usable name", remedy="give 1 to 80 printable characters")
        return name
    import tomllib

    for path in config_files():
        if not path.is_file():
            continue
        try:
            name = tomllib.loads(path.read_text(encoding="utf-8")).get("reviewer")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: cannot be read as TOML ({exc})",
                             remedy='write one line: reviewer = "Your Name"') from exc
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise UsageError(f"{path}: reviewer must be a non-empty string", remedy='write: reviewer = "Your Name"')
            return reviewer_name(name)
    places = " or ".join(str(p) for p in config_files())
    raise UsageError("no reviewer name: decisions are stored with who made them",
                     remedy=f'pass --reviewer NAME, or put reviewer = "NAME" in {places}')


# ---------------------------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Resolution:
    """What counts for one (text_hash, concept): the winning decision and any disagreeing reviewers."""

    decision: Decision
    others: tuple = ()           # latest decisions of the other reviewers (not ignored)

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


def resolve(decisions: list) -> dict:
    """(text_hash, concept) → Resolution: per reviewer the latest decision; the most recent reviewer's wins.

    ``decisions`` must be oldest first (as ``Store.decisions`` returns them). A reviewer
    whose latest decision is ``ignore`` has no say.
    """
    latest: dict = {}
    for decision in decisions:
        by_reviewer = latest.setdefault(decision.key, {})
        by_reviewer.pop(decision.reviewer, None)
        by_reviewer[decision.reviewer] = decision          # insertion order: the latest reviewer last
    resolved = {}
    for key, by_reviewer in latest.items():
        said = [d for d in by_reviewer.values() if d.decision != "ignore"]
        if said:
            resolved[key] = Resolution(decision=said[-1], others=tuple(said[:-1]))
    return resolved


def outcomes(decisions: list) -> dict:
    """text_hash → {concept: (level, Resolution)}: level 0 = absent. Direct decisions beat a correction's additions."""
    direct, added = {}, {}
    for (text_hash, concept), resolution in resolve(decisions).items():
        for target, level in resolution.decision.outcome.items():
            table = direct if target == concept else added
            table.setdefault(text_hash, {})[target] = (level, resolution)
    for text_hash, concepts in added.items():
        for concept, value in concepts.items():
            direct.setdefault(text_hash, {}).setdefault(concept, value)
    return direct


# ---------------------------------------------------------------------------------------------- reports


def apply_decisions(db, passages, documents):
    """The passages table with reviewed labels applied, and a ``reviewed`` column saying by whom.

    Rejected labels are no longer counted; accepted ones are counted at the level the
    reviewer saw; corrected ones take the corrected level, or move to the corrected
    concept(s), which are added as rows (``method`` "review") when the scan has no such label.
    """
    import pandas as pd

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
    doc_order = {d: i for i, d in enumerate(documents["doc_id"])}
    concept_order = {c: i for i, c in enumerate(CONCEPT_IDS)}
    return frame.sort_values(
        by=["doc_id", "page", "concept"], kind="stable",
        key=lambda s: s.map(doc_order) if s.name == "doc_id" else s.map(concept_order) if s.name == "concept" else s,
    ).reset_index(drop=True)


def _added_rows(db, frame, documents, table: dict) -> list:
    """Rows for concepts reviewers say a passage has but the scan did not label."""
    doc_ids = list(documents["doc_id"])
    hashes = {h for h, concepts in table.items() if any(level > 0 for level, _ in concepts.values())}
    if not hashes:
        return []
    wanted, found = set(doc_ids), []
    ordered = sorted(hashes)
    for i in range(0, len(ordered), 500):                  # the reviewed passages only, in chunks of SQL parameters
        chunk = ordered[i:i + 500]
        found += [r for r in db.query(
            f"SELECT passage_id, doc_id, page_no, start, heading_path, text, text_hash FROM passages "
            f"WHERE text_hash IN ({','.join('?' * len(chunk))}) AND kind IN ('paragraph', 'table')", tuple(chunk))
            if r["doc_id"] in wanted]
    found.sort(key=lambda r: (r["page_no"], r["start"]))
    have = set(zip(frame["passage_id"], frame["concept"]))
    flags = {pid: (c, k) for pid, c, k in zip(frame["passage_id"], frame["conditional"], frame["component"])}
    meta = documents.set_index("doc_id")
    rows = []
    for passage in found:
        for concept, (level, resolution) in sorted(table[passage["text_hash"]].items()):
            if level == 0 or (passage["passage_id"], concept) in have:
                continue
            conditional, component = flags.get(passage["passage_id"], ("", ""))
            rows.append({
                "iso3": meta.at[passage["doc_id"], "iso3"], "country": meta.at[passage["doc_id"], "country"],
                "document": meta.at[passage["doc_id"], "document"], "doc_id": passage["doc_id"],
                "page": passage["page_no"], "heading_path": passage["heading_path"], "concept": concept, "level": level,
                "level_name": LEVEL_NAMES[level], "counted": True, "review_reason": "",
                "reviewed": f"added: {resolution.words}", "confidence": 1.0, "probability": None, "rule_level": 0,
                "conditional": conditional, "component": component, "matched_terms": "", "method": "review",
                "passage_id": passage["passage_id"], "text_hash": passage["text_hash"], "text": passage["text"],
            })
    return rows


def mark_coverage(coverage, passages):
    """The coverage table with a ``reviewed`` column (``to_review`` already counts only undecided flags)."""
    frame = coverage.copy()
    if "reviewed" not in passages.columns or not len(passages):
        frame.insert(list(frame.columns).index("to_review") + 1, "reviewed", "")
        return frame
    totals = passages.groupby(["doc_id", "concept"]).size().to_dict()
    done = passages[passages["reviewed"] != ""].groupby(["doc_id", "concept"]).size().to_dict()
    from .aggregate import counted              # aggregate imports this module

    kept = counted(passages)
    top = {key: group.sort_values(["level", "confidence", "page"], ascending=[False, False, True]).iloc[0]["reviewed"]
           for key, group in kept.groupby(["doc_id", "concept"])} if len(kept) else {}
    words = []
    for key in zip(frame["doc_id"], frame["concept"]):
        if not done.get(key):
            words.append("")
            continue
        text = f"{done[key]} of {totals[key]} labels reviewed"
        words.append(text + (f"; top quote {top[key]}" if top.get(key) else ""))
    frame.insert(list(frame.columns).index("to_review") + 1, "reviewed", words)
    return frame
