"""Ruled tables: the lines a PDF draws around table cells, and the grid of columns and rows they make.

A table drawn with rules is read by its rules, as a reader sees it: a word belongs to the column between
the vertical rules around it and to the row between the horizontal rules around it. Only tables of short
cells are read so: a form laid out in ruled boxes whose cells hold paragraphs and lists (an annex on
clarity, transparency and understanding) is read as prose, cell by cell (``cell_lines``). Narrow ruled tables
(MNG_indc_2015 pp. 8–9: six columns of a word or two per line) have gaps between their columns no wider
than the spaces between words, so their words alone cannot tell the columns apart (``tables.py`` reads
tables without rules from the words' positions).

Rules come from the page's path objects: PDFium's (``from_pdfium``) or pdfplumber's lines and rectangles
(``from_plumber``); both give segments in PDF points from the top of the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any, Optional

from ..records import Line
from .pdfium import path_bounds

THIN = 3.0          # points: a path this thin in one direction is a rule
MIN_RULE = 6.0      # points: shorter paths are glyph parts or bullets, not rules
SAME = 2.5          # points: rules this close are one
MIN_COLUMN = 10.0   # points: narrower strips between rules are double rules, not columns
#: characters: a longer cell holds prose, and its table is read as prose (``grid_rows``).
MAX_CELL = 500
#: points: a filled rectangle no taller than this behind text is a line's highlight, not a cell (``from_plumber``).
HIGHLIGHT = 24.0
#: ``Line.column`` of the lines of a prose cell (``cell_lines``): this, plus 100 × its row, plus its column.
CELL_COLUMN = 1000
#: A bullet glyph: it belongs to the word after it.
BULLET = re.compile(r"[•●▪■◦○►▶➢✓\u2022\uf0b7]")
#: A horizontal rule divides rows when it spans at least this share of the table's width.
ROW_RULE_SHARE = 0.5


@dataclass(frozen=True)
class Rulings:
    """A page's rules: vertical (x, top, bottom) and horizontal (y, x0, x1) segments."""

    verticals: tuple[tuple[float, float, float], ...] = ()
    horizontals: tuple[tuple[float, float, float], ...] = ()


@dataclass(frozen=True)
class Grid:
    """A ruled table: its columns (x0, x1) and, when rules divide them, its rows (top, bottom)."""

    x0: float
    x1: float
    top: float
    bottom: float
    columns: tuple[tuple[float, float], ...]
    rows: tuple[tuple[float, float], ...] = ()
    #: every vertical rule of the table: (x, its stretches (top, bottom)); a row's columns are the rules across it
    rules: tuple[tuple[float, tuple[tuple[float, float], ...]], ...] = ()

    def columns_of_row(self, top: float, bottom: float) -> tuple[tuple[float, float], ...]:
        """The columns of one row: between the rules that cross most of its height (a merged cell has no rule
        inside it; a column split in two lower down has one)."""
        xs = [x for x, stretches in self.rules if _covered(list(stretches), top, bottom) >= 0.5 * (bottom - top)]
        columns = tuple((a, b) for a, b in zip(xs, xs[1:]))
        return columns or self.columns

    def holds(self, line: Line) -> bool:
        """Whether a line stands inside the table: its middle within the table's height, most of its words
        within its width (a bullet may stand on the border)."""
        middle = (line.top + line.bottom) / 2
        if not self.top <= middle <= self.bottom:
            return False
        boxes = line.boxes or ((line.x0, line.top, line.x1, line.bottom, line.text),)
        inside = sum(self.x0 - SAME <= (x0 + x1) / 2 <= self.x1 + SAME for x0, _, x1, _, _ in boxes)
        return 2 * inside > len(boxes)


def from_segments(segments: Sequence[tuple[float, float, float, float]]) -> Rulings:
    """Rules among boxes (x0, top, x1, bottom): the thin ones long enough; a thin rectangle counts as its line."""
    verticals, horizontals = [], []
    for x0, top, x1, bottom in segments:
        width, height = x1 - x0, bottom - top
        if width <= THIN and height >= MIN_RULE:
            verticals.append((round((x0 + x1) / 2, 2), round(top, 2), round(bottom, 2)))
        elif height <= THIN and width >= MIN_RULE:
            horizontals.append((round((top + bottom) / 2, 2), round(x0, 2), round(x1, 2)))
    return Rulings(tuple(sorted(verticals)), tuple(sorted(horizontals)))


def from_pdfium(page: Any, height: float) -> Rulings:
    """The rules of a pypdfium2 page: its path objects (in form objects too, 3 deep) that are thin lines."""
    return from_segments([(left, height - top, right, height - bottom)
                          for left, bottom, right, top in path_bounds(page, depth=3)])


def from_plumber(page: Any) -> Rulings:
    """The rules of a pdfplumber page: its lines, the edges of its curves and rectangles, but not of a filled band no
    taller than a line of text that draws no stroke: a highlight behind a line (RWA_indc_2015 p5 shades each text
    line of a cell; the edges of those shadings are not row rules), where a shaded cell (GHA_indc_2015 p14's header
    row) does end a row."""
    from pdfplumber.utils import rect_to_edges

    drawn = [*page.lines, *page.curve_edges,
             *(edge for rect in page.rects if not _highlight(rect) for edge in rect_to_edges(rect))]
    return from_segments([(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"])) for e in drawn])


def _highlight(rect: dict) -> bool:
    width, height = float(rect["x1"]) - float(rect["x0"]), float(rect["bottom"]) - float(rect["top"])
    return bool(rect.get("fill")) and not rect.get("stroke") and width > THIN and THIN < height <= HIGHLIGHT


def grids(rulings: Rulings) -> list[Grid]:
    """The ruled tables of a page: the stretches of the page crossed by three vertical rules or more (two columns
    or more), with the horizontal rules across them.

    Rules closer than a column (a double rule) count as one. A frame around the whole page or a text box is
    two rules: the prose inside it is not a table; where the rules of a table join the frame's, the table is.
    """
    spans = _vertical_spans(rulings)
    found = []
    for top, bottom in _stretches(spans):
        middle_height = bottom - top
        xs = [x for x, intervals in spans.items() if _covered(intervals, top, bottom) >= 0.5 * middle_height]
        columns = tuple((a, b) for a, b in zip(xs, xs[1:]))
        if len(columns) < 2:
            continue
        x0, x1 = xs[0], xs[-1]
        rules = tuple((x, tuple(intervals)) for x, intervals in spans.items()
                      if x0 - SAME <= x <= x1 + SAME and _covered(intervals, top, bottom) > 0)
        found.append(Grid(x0, x1, top, bottom, columns, _rows(rulings, x0, x1, top, bottom), rules))
    return found


def _vertical_spans(rulings: Rulings) -> dict[float, list[tuple[float, float]]]:
    """Vertical rules by x (rules less than a column apart merged), each with the union of its segments."""
    spans: dict[float, list[tuple[float, float]]] = {}
    for x, top, bottom in sorted(rulings.verticals):
        key = next((k for k in spans if abs(k - x) < MIN_COLUMN), x)
        spans.setdefault(key, []).append((top, bottom))
    return {x: _union(intervals) for x, intervals in sorted(spans.items())}


def _union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for top, bottom in sorted(intervals):
        if out and top <= out[-1][1] + SAME:
            out[-1] = (out[-1][0], max(out[-1][1], bottom))
        else:
            out.append((top, bottom))
    return out


def _covered(intervals: list[tuple[float, float]], top: float, bottom: float) -> float:
    return sum(max(0.0, min(b, bottom) - max(a, top)) for a, b in intervals)


def _stretches(spans: dict[float, list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """The heights of the page where three vertical rules or more stand side by side."""
    events = sorted({y for intervals in spans.values() for interval in intervals for y in interval})
    out: list[tuple[float, float]] = []
    for top, bottom in zip(events, events[1:]):
        middle = (top + bottom) / 2
        if not _three_stand(spans, middle):
            continue
        if out and top <= out[-1][1] + SAME:
            out[-1] = (out[-1][0], bottom)
        else:
            out.append((top, bottom))
    return [(top, bottom) for top, bottom in out if bottom - top >= MIN_RULE * 3]


def _three_stand(spans: dict[float, list[tuple[float, float]]], at: float) -> bool:
    """Whether three vertical rules or more cross the height ``at`` (counting stops at the third)."""
    standing = 0
    for intervals in spans.values():
        for a, b in intervals:
            if a <= at <= b:
                standing += 1
                break
        if standing >= 3:
            return True
    return False


def _merged(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in values:
        if out and value - out[-1] <= SAME:
            continue
        out.append(value)
    return out


def _rows(rulings: Rulings, x0: float, x1: float, top: float, bottom: float) -> tuple[tuple[float, float], ...]:
    """The rows between the horizontal rules that cross the table (most of its width), top and bottom included."""
    covered: dict[float, float] = {}
    for y, a, b in rulings.horizontals:
        if top - SAME <= y <= bottom + SAME:
            overlap = min(b, x1) - max(a, x0)
            if overlap > 0:
                key = next((k for k in covered if abs(k - y) <= SAME), y)
                covered[key] = covered.get(key, 0.0) + overlap
    ys = sorted(y for y, length in covered.items() if length >= ROW_RULE_SHARE * (x1 - x0))
    ys = _merged(sorted({top, bottom, *ys}))
    rows = tuple((a, b) for a, b in zip(ys, ys[1:]) if b - a > SAME)
    return rows if len(rows) >= 2 else ()


def grid_rows(lines: Sequence[Line], grid: Grid, join: Callable[[str, str], str]) -> Optional[list[str]]:
    """The table's rows as text, cells joined with " | " (the words of a cell in reading order, its lines joined
    by ``join``); None when the rules do not make a table to read by them: they divide no rows, or a cell holds
    prose (a form laid out in boxes, such as a clarity-and-transparency annex, whose cells hold headings, lists
    and paragraphs: its cells are read as prose, ``cell_lines``, where passages follow its paragraphs and list
    items)."""
    if not grid.rows:
        return None
    columns = [grid.columns_of_row(top, bottom) for top, bottom in grid.rows]
    cells: dict[tuple[int, int], list[tuple[float, int, int, str]]] = {}
    for line_no, line in enumerate(lines):
        for word_no, (x0, top, x1, bottom, text) in enumerate(_bullets_joined(line.boxes)):
            row = _index(grid.rows, (top + bottom) / 2)
            column = _index(columns[row], (x0 + x1) / 2)
            cells.setdefault((row, column), []).append((line.top, line_no, word_no, text))
    out = []
    for row in range(len(grid.rows)):
        parts = [_cell_text(cells.get((row, column), []), join) for column in range(len(columns[row]))]
        if any(len(part) > MAX_CELL for part in parts):
            return None
        if any(parts):
            out.append(" | ".join(part for part in parts if part))
    return out


def cell_lines(lines: Sequence[Line], grid: Grid) -> Optional[list[Line]]:
    """The lines of a ruled table whose cells hold prose (``grid_rows`` gives None), as a reader reads them: row by
    row, in each row cell by cell from the left, each cell's lines from the top. A line that crosses a column rule
    is cut there ("90% of Rwanda's crop land is on slopes" | "Reduced GHG" on one text line are two cells); each
    cell's lines get their own ``column`` number (``CELL_COLUMN`` and up), so no paragraph runs from one cell into
    the next and no cell's line is taken for a heading. None when the rules divide no rows or a line is
    right-to-left (its words are not in left-to-right order)."""
    if not grid.rows or any(line.boxes and not line.words for line in lines):
        return None
    columns = [grid.columns_of_row(top, bottom) for top, bottom in grid.rows]
    placed: list[tuple[tuple[int, int, float, int], Line]] = []
    for line_no, line in enumerate(lines):
        if not line.boxes:
            continue
        cells: dict[tuple[int, int], list[int]] = {}
        owner: Optional[tuple[int, int]] = None
        for index in reversed(range(len(line.boxes))):       # a bullet goes with the word after it
            x0, top, x1, bottom, text = line.boxes[index]
            if not (BULLET.fullmatch(text) and owner is not None):
                row = _index(grid.rows, (top + bottom) / 2)
                owner = (row, _index(columns[row], (x0 + x1) / 2))
            cells.setdefault(owner, []).insert(0, index)
        for (row, column), indexes in cells.items():
            part = replace(_part(line, indexes), column=CELL_COLUMN + row * 100 + column, is_table_row=False)
            placed.append(((row, column, part.top, line_no), part))
    if len({key[:2] for key, _ in placed}) < 2:
        return None
    return [part for _, part in sorted(placed, key=lambda item: item[0])]


def _part(line: Line, indexes: list[int]) -> Line:
    """The words ``indexes`` of a line as a line of their own, its words joined by spaces (a wide gap of justified
    text inside a cell is no cell border: the rules are)."""
    boxes = tuple(line.boxes[i] for i in indexes)
    words = tuple(line.words[i] for i in indexes) if len(line.words) == len(line.boxes) else ()
    return replace(line, text=" ".join(box[4] for box in boxes), x0=min(b[0] for b in boxes),
                   x1=max(b[2] for b in boxes), top=min(b[1] for b in boxes), bottom=max(b[3] for b in boxes),
                   words=words, boxes=boxes)


def _bullets_joined(boxes: Sequence[tuple]) -> list[tuple]:
    """A line's word boxes, a bullet given to the word after it (its glyph may stand left of the cell's rule)."""
    out: list[tuple] = []
    pending = ""
    for x0, top, x1, bottom, text in boxes:
        if BULLET.fullmatch(text):
            pending = f"{pending} {text}".strip()
            continue
        out.append((x0, top, x1, bottom, f"{pending} {text}" if pending else text))
        pending = ""
    if pending and out:
        x0, top, x1, bottom, text = out[-1]
        out[-1] = (x0, top, x1, bottom, f"{text} {pending}")
    elif pending:
        out.extend(box for box in boxes)
    return out


def _index(spans: Sequence[tuple[float, float]], at: float) -> int:
    """The span ``at`` falls in, or the nearest (the first of the nearest, as ``min`` picks it)."""
    if not spans:
        raise ValueError("_index() of no spans")
    best, distance = 0, 0.0
    for index, (low, high) in enumerate(spans):
        this = 0.0 if low <= at <= high else min(abs(at - low), abs(at - high))
        if not index or this < distance:
            best, distance = index, this
            if distance == 0.0:               # nothing is nearer than inside
                break
    return best


def _cell_text(words: list[tuple[float, int, int, str]], join: Callable[[str, str], str]) -> str:
    """A cell's words, line by line from the top (each line's words in its own reading order), lines joined."""
    text = ""
    for _, group in groupby(sorted(words), key=lambda word: word[1]):
        piece = " ".join(word[3] for word in group)
        text = join(text, piece) if text else piece
    return " ".join(text.split())


__all__ = ["CELL_COLUMN", "Grid", "Rulings", "cell_lines", "from_pdfium", "from_plumber", "from_segments", "grid_rows",
           "grids"]
