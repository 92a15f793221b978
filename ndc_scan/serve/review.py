"""Review in the browser: the terminal session's queue, filters, priority and decisions, for one browser at a time.

The queue is ``review.queue.load_queue`` with the same ``Filters``; each decision is made by
``review.queue.decide`` (the same ``Decision`` record the terminal and the spreadsheet store, committed at
once), undo deletes the decision as the terminal's ``u`` does, and a skip is kept by the browser session
only (the item comes back in a new session). A browser session (:class:`BrowserSession`, kept in memory,
found by its cookie) remembers its queue, its skips and what it decided, so that two browsers, one reviewer
in two tabs or two reviewers at once, never lose or repeat a decision: the next item is always the first of
the queue that the store does not hold a decision of this reviewer for (of anyone, with ``undecided``).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlencode

from ..errors import UsageError
from ..read.countries import resolve_country
from ..records import REVIEW_REASONS, Decision
from ..review.queue import Filters, ReviewItem, decide, load_queue
from ..store import Store
from ..taxonomy import CONCEPT_IDS

#: The keys of a decision, as the page shows them (the same letters as ``ndc-scan review``).
KEYS = (("a", "accept", "the concept and the level are right"),
        ("r", "reject", "the passage does not speak about this concept"),
        ("l", "level", "correct the level: then 1 mention, 2 commitment, 3 quantified target"),
        ("c", "concepts", "correct the concepts: 0–9 to tick the concepts it has instead, Enter, then its level"),
        ("i", "ignore", "cannot be judged (garbled, unclear): answered, changes nothing"),
        ("s", "skip", "decide later (not stored; back in your next session)"),
        ("u", "undo", "take back your last decision or skip of this session"),
        ("n", "neighbours", "show the passages before and after"),
        ("?", "help", "show these keys"))
SOURCE = "workbench"          # ``decisions.source`` of what is decided in the browser
MAX_SESSIONS = 500


@dataclass
class BrowserSession:
    """One browser's review state (found by its cookie); ``csrf`` must come back with every form it sends."""

    id: str
    csrf: str
    history: list = field(default_factory=list)        # (decision id or None for a skip, item key, what was done)
    skipped: set = field(default_factory=set)           # item keys skipped in this session
    queues: dict = field(default_factory=dict)          # (reviewer, filters) → (store state, [ReviewItem])
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sessions:
    """The browser sessions of this server, in memory (decisions are in the store; skips end with the server)."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, BrowserSession] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: Optional[str]) -> Optional[BrowserSession]:
        with self._lock:
            found = self._sessions.get(session_id or "")
            if found is not None:
                self._sessions.move_to_end(found.id)
            return found

    def new(self) -> BrowserSession:
        made = BrowserSession(id=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(24))
        with self._lock:
            self._sessions[made.id] = made
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return made


# ---------------------------------------------------------------------------------------------- filters


def parse_filters(params: Mapping[str, Sequence[str]]) -> Filters:
    """The queue filters of a query string (the options of ``ndc-scan review``). Raises UsageError for a
    country that is not one, naming the nearest; other unknown values are left out."""
    def values(name: str) -> list[str]:
        return [v.strip() for v in params.get(name, ()) if v.strip()]

    countries = tuple(dict.fromkeys(resolve_country(c, given_as="country") for c in values("country")))
    return Filters(countries=countries,
                   concepts=tuple(c for c in CONCEPT_IDS if c in values("concept")),
                   documents=tuple(values("document")),
                   reasons=tuple(r for r in REVIEW_REASONS if r in values("reason")),
                   all_labels=bool(values("all")), undecided=bool(values("undecided")))


def filters_query(filters: Filters) -> str:
    """The query string that gives ``filters`` back (for links and the forms' return address)."""
    pairs = ([("country", c) for c in filters.countries] + [("concept", c) for c in filters.concepts]
             + [("document", d) for d in filters.documents] + [("reason", r) for r in filters.reasons])
    if filters.all_labels:
        pairs.append(("all", "1"))
    if filters.undecided:
        pairs.append(("undecided", "1"))
    return urlencode(pairs)


# ---------------------------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class Position:
    """Where a browser session stands in its queue."""

    item: Optional[ReviewItem]    # the next item to decide; None when the queue is done
    queue: int                    # items in the queue when it was loaded
    left: int                     # items neither decided nor skipped
    decided: int                  # decisions this session made (after undos)
    skipped: int


def position(db: Store, session: BrowserSession, reviewer: str, filters: Filters) -> Position:
    """The next item of ``reviewer``'s queue for ``filters`` in this browser session."""
    queue = _queue(db, session, reviewer, filters)
    decided = {d.key for d in (db.decisions() if filters.undecided else db.decisions(reviewer=reviewer))}
    with session.lock:
        open_items = [item for item in queue if item.key not in decided and item.key not in session.skipped]
        done = sum(1 for decision_id, _, _ in session.history if decision_id is not None)
        return Position(item=open_items[0] if open_items else None, queue=len(queue), left=len(open_items),
                        decided=done, skipped=len(session.skipped))


def _queue(db: Store, session: BrowserSession, reviewer: str, filters: Filters) -> list[ReviewItem]:
    """The session's queue for (reviewer, filters), loaded again when a scan changed the labels."""
    state = db.labelling_stamp()
    key = (reviewer, filters)
    with session.lock:
        kept = session.queues.get(key)
    if kept is not None and kept[0] == state:
        return kept[1]
    queue = load_queue(db, reviewer, filters)
    with session.lock:
        session.queues[key] = (state, queue)
    return queue


def find(db: Store, session: BrowserSession, reviewer: str, filters: Filters, key: tuple[str, str]) -> Optional[ReviewItem]:
    """The item of the session's queue with this (text_hash, concept) key."""
    return next((item for item in _queue(db, session, reviewer, filters) if item.key == key), None)


def record(db: Store, session: BrowserSession, item: ReviewItem, action: str, reviewer: str, *,
           level: Optional[int] = None, concepts: tuple[str, ...] = ()) -> Optional[Decision]:
    """Store the reviewer's decision on ``item`` as the terminal session does; return it (None: already decided by
    this reviewer, e.g. a key pressed twice, and nothing is stored again).

    ``action``: accept, reject, ignore; ``level`` (a level: accept when it is the item's, else a correction); or
    ``correct`` (``concepts`` instead of the item's concept, at ``level``, default the item's; the item's own
    concept at its own level is an accept).
    """
    with db.immediate():            # "already decided?" and storing it are one step, whatever else writes the store
        return _record(db, session, item, action, reviewer, level, concepts)


def _record(db: Store, session: BrowserSession, item: ReviewItem, action: str, reviewer: str, level: Optional[int],
            concepts: tuple[str, ...]) -> Optional[Decision]:
    if item.key in {d.key for d in db.decisions(reviewer=reviewer)}:
        return None
    if action == "level":
        if level not in (1, 2, 3):
            raise UsageError(f"level {level!r} is not 1, 2 or 3", remedy="press l, then 1, 2 or 3")
        decision, level = ("accept", None) if level == item.level else ("correct", level)
    elif action == "correct":
        chosen = tuple(c for c in CONCEPT_IDS if c in concepts)
        if not chosen:
            raise UsageError("no concept chosen for the correction", remedy="tick the concepts the passage has (0–9)")
        level = level or item.level
        decision = "accept" if chosen == (item.concept,) and level == item.level else "correct"
        concepts = chosen if decision == "correct" else ()
    elif action in ("accept", "reject", "ignore"):
        decision, level, concepts = action, None, ()
    else:
        raise UsageError(f"unknown decision {action!r}", remedy="use the keys shown on the page")
    decision_id, made = decide(db, item, decision, reviewer, level=level, concepts=concepts, source=SOURCE)
    with session.lock:
        session.history.append((decision_id, item.key, decision))
    return made


def skip(session: BrowserSession, item: ReviewItem) -> None:
    with session.lock:
        session.skipped.add(item.key)
        session.history.append((None, item.key, "skip"))


def undo(db: Store, session: BrowserSession) -> Optional[str]:
    """Take back the session's last decision (deleted from the store) or skip; return what was undone."""
    with session.lock:
        if not session.history:
            return None
        decision_id, key, done = session.history.pop()
        if decision_id is None:
            session.skipped.discard(key)
    if decision_id is not None:
        db.delete_decision(decision_id)
    return done


__all__ = ["KEYS", "SOURCE", "BrowserSession", "Position", "Sessions", "filters_query", "find", "parse_filters",
           "position", "record", "skip", "undo"]
