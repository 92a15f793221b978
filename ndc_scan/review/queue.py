"""The review queue: which labels a person should look at, in which order, and storing their decision.

A queue item is one stored label (a passage × concept) of the documents in the store,
from each document's latest labelling. By default the queue holds the labels flagged
for review (``Prediction.review``); ``all_labels`` adds every label that matches the
filters (e.g. every soil-carbon passage). Items this reviewer decided already are left
out; the same passage text found in two documents (two versions of an NDC) is one item.
Priority: quantified targets and soil carbon first, then the most uncertain.

Decisions (``records.Decision``) are stored one by one in the store (:func:`decide`);
how they are resolved and applied to the reports is ``aggregate.decisions``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Optional

from ..aggregate.locators import Locators
from ..records import PASSAGE_KINDS, Decision
from ..store import Row, Store

#: Passages shown as neighbours: running text, not headings or tables of contents.
NEIGHBOUR_KINDS = tuple(kind for kind in PASSAGE_KINDS if kind not in ("toc", "heading"))


@dataclass(frozen=True)
class Filters:
    """Which labels a queue (or an exported sheet) holds. Empty tuples: no restriction."""

    countries: tuple = ()        # ISO3 codes
    concepts: tuple = ()         # concept ids
    documents: tuple = ()        # file names, paths or doc_id prefixes
    reasons: tuple = ()          # review codes: disagree, uncertain, target
    all_labels: bool = False     # every label, not only the flagged ones
    undecided: bool = False      # leave out what any reviewer decided (not only this reviewer)


NO_FILTERS = Filters()


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
    locator: str = ""            # where it is in words: "p. 7", or "“Soils” ¶ 2" (aggregate.locators)

    @property
    def key(self) -> tuple[str, str]:
        return (self.text_hash, self.concept)

    @property
    def priority(self) -> tuple[int, float, bool]:
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


def names_document(name: str, row: Row) -> bool:
    """Whether a --document value names the document of ``row`` (its file name, path or the start of its SHA-256)."""
    return name in (row["file_name"], row["path"]) or row["doc_id"].startswith(name.lower())


def unknown_documents(db: Store, documents: tuple) -> list[str]:
    """The --document values that name no stored document: a typo said only "Nothing to review"."""
    if not documents:
        return []
    rows = db.document_rows(db.document_ids()).values()
    return [name for name in documents if not any(names_document(name, row) for row in rows)]


def _selected(row: Row, filters: Filters) -> bool:
    codes = [c for c in row["review"].split(";") if c]
    if filters.countries and (row["iso3"] or "") not in filters.countries:
        return False
    if filters.concepts and row["concept"] not in filters.concepts:
        return False
    if filters.documents and not any(names_document(d, row) for d in filters.documents):
        return False
    if filters.reasons:
        return any(code in filters.reasons for code in codes)
    return bool(codes) or filters.all_labels


def load_queue(db: Store, reviewer: Optional[str], filters: Filters = NO_FILTERS) -> list[ReviewItem]:
    """The items ``reviewer`` has still to decide, in priority order (see the module docstring).

    ``reviewer`` None: leave nothing out for a reviewer (an export for someone outside the team).
    """
    rows = db.labels_that_count()
    by_passage: dict[str, list[Row]] = {}
    for row in rows:
        by_passage.setdefault(row["passage_id"], []).append(row)
    decided = ({d.key for d in db.decisions()} if filters.undecided else
               {d.key for d in db.decisions(reviewer=reviewer)} if reviewer is not None else set())
    chosen = [r for r in rows if _selected(r, filters) and (r["text_hash"], r["concept"]) not in decided]
    spans = db.match_spans(sorted({r["doc_id"] for r in chosen})) if chosen else {}
    where = Locators.for_store(db, [r["doc_id"] for r in chosen])
    items = []
    for row in chosen:
        others = tuple((o["concept"], o["level"], bool(o["counted"])) for o in by_passage[row["passage_id"]]
                       if o["concept"] != row["concept"])
        items.append(ReviewItem(
            text_hash=row["text_hash"], concept=row["concept"], passage_id=row["passage_id"], doc_id=row["doc_id"],
            document=row["file_name"], iso3=row["iso3"] or "", country=row["country"] or "unknown",
            page=row["page_no"], start=row["start"], heading_path=row["heading_path"], text=row["text"],
            level=row["level"], counted=bool(row["counted"]), review=row["review"], probability=row["probability"],
            rule_level=row["rule_level"], terms=tuple(t for t in row["terms"].split(";") if t),
            spans=tuple(spans.get(row["passage_id"], ())), other_labels=others,
            locator=where(row["doc_id"], row["page_no"])))
    items.sort(key=lambda item: item.priority)         # stable: document, page, offset within a priority
    queue: list[ReviewItem] = []
    first: dict[tuple[str, str], int] = {}
    for item in items:
        if item.key in first:                          # the same text in another document: one decision
            kept = queue[first[item.key]]
            queue[first[item.key]] = _also(kept, f"{item.document} {item.locator}")
            continue
        first[item.key] = len(queue)
        queue.append(item)
    return queue


def _also(item: ReviewItem, where: str) -> ReviewItem:
    return replace(item, also_in=item.also_in + (where,))


Neighbour = Optional[tuple[int, str, str]]       # (page, heading path, text), or None at either end


def neighbours(db: Store, item: ReviewItem) -> tuple[Neighbour, Neighbour]:
    """(previous passage, next passage) of the item's document, as (page, heading, text) or None."""
    passages = db.passages(item.doc_id, NEIGHBOUR_KINDS)
    position = next((i for i, p in enumerate(passages) if (p.page_no, p.start) == (item.page, item.start)), None)
    if position is None:
        return None, None

    def pick(i: int) -> Neighbour:
        return (passages[i].page_no, passages[i].heading_path, passages[i].text) if 0 <= i < len(passages) else None

    return pick(position - 1), pick(position + 1)


def decide(db: Store, item: ReviewItem, decision: str, reviewer: str, *, level: Optional[int] = None,
           concepts: tuple[str, ...] = (), note: str = "", source: str = "session") -> tuple[int, Decision]:
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
