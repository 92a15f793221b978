"""The terminal review session: one label at a time, one key per decision, every decision stored at once.

Plain lines (no full-screen drawing), so it works over SSH, in any terminal and in a
pipe. Keys: a accept, r reject, c correct the concepts, l correct the level, i ignore,
s skip, u undo, n neighbouring text, ? help, q quit (Ctrl-C and Ctrl-D quit too). Matched
terms are highlighted with ANSI colours when standard output is a terminal and NO_COLOR
is not set, else marked **like this**.
"""

from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

from ..aggregate.locators import Locators
from ..records import LEVEL_NAMES, review_words
from ..taxonomy import CONCEPT_IDS
from .queue import ReviewItem, decide, neighbours

KEYS = (("a", "accept"), ("r", "reject"), ("c", "correct concepts"), ("l", "level"), ("i", "ignore"),
        ("s", "skip"), ("u", "undo"), ("n", "neighbours"), ("?", "help"), ("q", "quit"))
HELP = """\
  a  accept: the concept and the level are right
  r  reject: the passage does not speak about this concept (spec: shared/spec/concepts.md)
  c  correct the concepts: type the concepts the passage has instead (numbers or ids), then its level
  l  correct the level: 1 mention, 2 commitment, 3 quantified target
  i  ignore: cannot be judged (garbled text, unclear); counts as answered and changes nothing
  s  skip: decide later (not stored; it comes back in the next session)
  u  undo the last decision (or skip) of this session
  n  show the passages before and after this one
  q  quit (every decision so far is already stored)"""
_MARK = {"own": ("\ue000", "\ue001"), "other": ("\ue002", "\ue003")}
MAX_WIDTH = 100
NEIGHBOUR_CHARS = 700


@dataclass
class SessionSummary:
    """What a session did; ``left`` items of the queue were neither decided nor skipped."""

    reviewer: str
    decided: Counter = field(default_factory=Counter)    # decision → count (after undos)
    skipped: int = 0
    undone: int = 0
    left: int = 0
    queue: int = 0

    @property
    def total(self) -> int:
        return sum(self.decided.values())

    def text(self) -> str:
        counts = ", ".join(f"{name} {self.decided.get(name, 0)}" for name in ("accept", "reject", "correct", "ignore"))
        return (f"Review session of {self.reviewer}: {self.total} decision{'s' if self.total != 1 else ''} stored "
                f"({counts}); {self.skipped} skipped, {self.undone} undone; {self.left} of {self.queue} left in this queue.")


class Session:
    """A review session over ``queue``.

    ``read_key()`` returns one key, ``read_line(prompt)`` one line, ``write(text, newline=True)`` prints.

    Each decision is written to the store as it is made (``decide``), so quitting or a
    crash keeps everything decided so far.
    """

    def __init__(self, db, queue: list, reviewer: str, *, read_key: Callable[[], str],
                 read_line: Callable[[str], str], write: Callable[..., None], color: bool = False,
                 width: Optional[int] = None, concept_names: Optional[dict] = None):
        self.db, self.queue, self.reviewer = db, list(queue), reviewer
        self.read_key, self.read_line, self.write, self.color = read_key, read_line, write, color
        self.width = width or min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns)
        self.names = concept_names or {}
        self.summary = SessionSummary(reviewer=reviewer, queue=len(self.queue))
        self.history: list = []            # (index, decision id or None for a skip, decision name)

    # ------------------------------------------------------------------ the loop

    def run(self) -> SessionSummary:
        index: Optional[int] = 0
        try:
            while index is not None and index < len(self.queue):
                self._show(index)
                index = self._act(index)
        except (KeyboardInterrupt, EOFError):
            self.write("")
        self.summary.left = len(self.queue) - len({i for i, _, _ in self.history})
        if index is not None and index >= len(self.queue):
            self.write("The queue is done.")
        self.write(self.summary.text())
        return self.summary

    def _act(self, index: int) -> Optional[int]:
        """Read keys until one moves on; return the next index, or None to quit."""
        item = self.queue[index]
        while True:
            key = self._key("decision> ")
            if key == "q":
                return None
            if key == "?":
                self.write(HELP)
            elif key == "n":
                self._neighbours(item)
            elif key == "a":
                return self._store(index, "accept")
            elif key == "r":
                return self._store(index, "reject")
            elif key == "i":
                return self._store(index, "ignore")
            elif key == "l":
                level = self._level(item)
                if level is not None:
                    return self._store(index, "accept" if level == item.level else "correct", level=level)
            elif key == "c":
                corrected = self._concepts(item)
                if corrected is not None:
                    concepts, level = corrected
                    if concepts == (item.concept,) and level == item.level:
                        return self._store(index, "accept")
                    return self._store(index, "correct", level=level, concepts=concepts)
            elif key == "s":
                self.history.append((index, None, "skip"))
                self.summary.skipped += 1
                return index + 1
            elif key == "u":
                if not self.history:
                    self.write("Nothing to undo in this session.")
                    continue
                back, decision_id, name = self.history.pop()
                if decision_id is None:
                    self.summary.skipped -= 1
                else:
                    self.db.delete_decision(decision_id)
                    self.summary.decided[name] -= 1
                self.summary.undone += 1
                self.write(f"Undone: {name} of item {back + 1}.")
                return back
            else:
                self.write(f"Unknown key {key!r}: " + " ".join(f"{k} {v}" for k, v in KEYS))

    def _key(self, prompt: str) -> str:
        self.write(prompt, newline=False)
        while True:
            key = self.read_key()
            if key in ("\x03",):
                raise KeyboardInterrupt
            if key in ("\x04", ""):
                raise EOFError
            if key.strip():
                self.write(key if key.isprintable() else "")
                return key.lower()

    def _store(self, index: int, decision: str, *, level: Optional[int] = None, concepts: tuple = ()) -> int:
        decision_id, _ = decide(self.db, self.queue[index], decision, self.reviewer, level=level, concepts=concepts)
        self.history.append((index, decision_id, decision))
        self.summary.decided[decision] += 1
        return index + 1

    # ------------------------------------------------------------------ corrections

    def _level(self, item: ReviewItem) -> Optional[int]:
        self.write(f"Level of {item.concept}: 1 mention, 2 commitment, 3 quantified target (now {item.level}; "
                   "other key: cancel)")
        key = self._key("level> ")
        if key in ("1", "2", "3"):
            return int(key)
        self.write("Cancelled.")
        return None

    def _concepts(self, item: ReviewItem) -> Optional[tuple]:
        self.write("Concepts: " + "  ".join(f"{i} {c}" for i, c in enumerate(CONCEPT_IDS)))
        line = self.read_line(f"Concepts of this passage instead of {item.concept} (numbers or ids, e.g. 7 or 0,7; "
                              "empty: cancel)").strip()
        if not line:
            self.write("Cancelled.")
            return None
        concepts = _parse_concepts(line)
        if concepts is None:
            self.write(f"Not understood: {line!r}; give numbers 0-9 or concept ids. Cancelled.")
            return None
        self.write(f"Level of {', '.join(concepts)}: 1 mention, 2 commitment, 3 quantified target "
                   f"(Enter: keep {item.level})")
        key = self._key("level> ")
        level = int(key) if key in ("1", "2", "3") else item.level
        if concepts == (item.concept,) and level == item.level:
            self.write("Same concept and level: stored as accept.")
        return concepts, level

    # ------------------------------------------------------------------ display

    def _show(self, index: int) -> None:
        item = self.queue[index]
        done = sum(self.summary.decided.values())
        progress = (f" {index + 1}/{len(self.queue)} · decided {done} · skipped {self.summary.skipped} · "
                    f"left {len(self.queue) - index} ")
        self.write("")
        self.write(progress.center(self.width, "─"))
        place = f"{item.country} ({item.iso3 or '?'}) · {item.document} · {_in_words(item.locator)}"
        if item.also_in:
            place += " · same text in " + "; ".join(item.also_in)
        self.write(place)
        if item.heading_path:
            self.write(f"Section: {item.heading_path}")
        name = self.names.get(item.concept, "")
        self.write(f"Label:   {self._bold(item.concept)}{f' ({name})' if name else ''} · level {item.level} "
                   f"{LEVEL_NAMES[item.level]} · {'counted' if item.counted else 'NOT counted (the model overruled the rules)'}")
        self.write(f"Flagged: {review_words(item.review) or 'not flagged (reviewing every label)'}")
        evidence = (f"rules matched {', '.join(repr(t) for t in item.terms)} (level {item.rule_level})" if item.terms
                    else "no taxonomy term matched (label from the model)")
        if item.probability is not None:
            evidence += f" · model probability {item.probability:.2f}"
        self.write(f"Why:     {evidence}")
        if item.other_labels:
            self.write("Also:    " + ", ".join(f"{c} {lvl}{'' if counted else ' (not counted)'}"
                                              for c, lvl, counted in item.other_labels))
        self.write("")
        for line in self._passage(item):
            self.write(line)
        self.write("")
        self.write(" ".join(f"[{k}]{v[1:]}" if v.startswith(k) else f"[{k}] {v}" for k, v in KEYS))

    def _passage(self, item: ReviewItem) -> list[str]:
        text = _marked(item.text, item.spans, item.concept)
        lines = []
        for raw in text.splitlines() or [""]:
            lines += textwrap.wrap(raw, width=self.width - 2, initial_indent="  ", subsequent_indent="  ",
                                   break_on_hyphens=False) or [""]
        painted, open_mark = [], ""
        for line in lines:                  # a mark wrapped over two lines is closed and opened again
            indent = len(line) - len(line.lstrip(" "))
            line = line[:indent] + open_mark + line[indent:]
            for start, end in _MARK.values():
                if line.rfind(start) > line.rfind(end):
                    open_mark = start
                    line += end
                    break
            else:
                open_mark = ""
            painted.append(self._paint(line))
        return painted

    def _paint(self, line: str) -> str:
        if self.color:
            return (line.replace(_MARK["own"][0], "\x1b[1;33m").replace(_MARK["own"][1], "\x1b[0m")
                    .replace(_MARK["other"][0], "\x1b[4m").replace(_MARK["other"][1], "\x1b[0m"))
        return (line.replace(_MARK["own"][0], "**").replace(_MARK["own"][1], "**")
                .replace(_MARK["other"][0], "").replace(_MARK["other"][1], ""))

    def _bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def _neighbours(self, item: ReviewItem) -> None:
        before, after = neighbours(self.db, item)
        for label, found in (("Before", before), ("After", after)):
            if found is None:
                self.write(f"{label}: (none)")
                continue
            page, heading, text = found
            text = " ".join(text.split())
            if len(text) > NEIGHBOUR_CHARS:
                text = text[:NEIGHBOUR_CHARS] + "…"
            where = _in_words(Locators.for_store(self.db, [item.doc_id])(item.doc_id, page))
            self.write(f"{label} ({where}{f' · {heading}' if heading else ''}):")
            for line in textwrap.wrap(text, width=self.width - 4, initial_indent="    ", subsequent_indent="    "):
                self.write(f"\x1b[2m{line}\x1b[0m" if self.color else line)


def _in_words(locator: str) -> str:
    """"page 7" for a PDF's "p. 7"; a section and paragraph as they are."""
    return "page " + locator.removeprefix("p. ") if locator.startswith("p. ") else locator


def _marked(text: str, spans: tuple, concept: str) -> str:
    """The text with invisible marks around matched terms (the item's concept, and the others)."""
    out, position = [], 0
    for start, end, span_concept in sorted(spans):
        if start < position:            # overlapping matches: keep the first
            continue
        kind = "own" if span_concept == concept else "other"
        out += [text[position:start], _MARK[kind][0], text[start:end], _MARK[kind][1]]
        position = end
    out.append(text[position:])
    return "".join(out)


def _parse_concepts(line: str) -> Optional[tuple]:
    """"7", "0,7", "0 7", "07" or concept ids → concept ids (in the spec's order); None when not understood."""
    tokens = [t for t in line.replace(",", " ").replace(";", " ").split() if t]
    found = []
    for token in tokens:
        if token in CONCEPT_IDS:
            found.append(token)
        elif token.isdigit():
            found += [CONCEPT_IDS[int(d)] for d in token]
        else:
            return None
    return tuple(c for c in CONCEPT_IDS if c in found) or None

