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

import math
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import groupby
from typing import Any, Optional

from ..records import Line
from .pdfium import PATH_FILLED_RECT, PATH_OTHER, path_bounds

THIN = 3.0          # points: a path this thin in one direction is a rule
MIN_RULE = 6.0      # points: shorter paths are glyph parts or bullets, not rules
SAME = 2.5          # points: rules this close are one
TOUCH = 0.25        # points: fills this close touch (Word leaves 0.5-1.5 points between one row's fill and the next)
MAX_FILLS = 2000    # fills of one colour on a page beyond which they are not joined into areas (``_fills``)
MIN_COLUMN = 10.0   # points: narrower strips between rules are double rules, not columns
#: characters: a longer cell holds prose, and its table is read as prose (``grid_rows``).
MAX_CELL = 500
#: points: a filled rectangle no taller than this behind text is a line's highlight, not a cell (``from_plumber``).
HIGHLIGHT = 24.0
#: ``Line.column`` of the lines of a prose cell (``cell_lines``): this, plus 100 × its row, plus its column.
CELL_COLUMN = 1000
#: A bullet glyph: it belongs to the word after it.
BULLET = re.compile(r"[•●▪■◦○►▶➢✓\u2022\uf0b7]")
#: A horizontal rule divides rows when it spans at least this share of the table's width, or closes a column.
ROW_RULE_SHARE = 0.5
#: A rule closes a cell when it covers this share of its width (and so divides rows though it crosses few columns);
#: a cell is open to the cell above, one cell spanning both rows, when the rule between covers less than OPEN of it
#: (a rule across the table that stops short of a frame drawn around it leaves the outer cells closed, VEN 2021 p92).
CLOSED = 0.8
OPEN = 0.2
#: points: rules closer than this make no row between them (a border drawn as a strip, a cell's padding: BDI_indc_2015
#: p8, IDN_ndc_2016 p18), no line of text fits.
MIN_ROW = 5.0
#: A rectangle this much of the page's width and height is the page's background, not a table's.
BACKGROUND = 0.9


@dataclass(frozen=True)
class Rulings:
    """A page's rules: vertical (x, top, bottom) and horizontal (y, x0, x1) segments; ``shaded``: the top and bottom
    sides (y, x0, x1) of shadings, rectangles filled and not stroked (they end rows across a table, not cells, and
    make no columns)."""

    verticals: tuple[tuple[float, float, float], ...] = ()
    horizontals: tuple[tuple[float, float, float], ...] = ()
    shaded: tuple[tuple[float, float, float], ...] = ()


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
    #: the horizontal rules at each row's top: (y, their stretches (x0, x1)); a cell they leave open continues the
    #: cell above it (a cell spanning rows, JPN_indc_2015 p17's "Measures")
    dividers: tuple[tuple[float, tuple[tuple[float, float], ...]], ...] = ()

    def columns_of_row(self, top: float, bottom: float) -> tuple[tuple[float, float], ...]:
        """The columns of one row: between the rules that cross most of its height (a merged cell has no rule
        inside it; a column split in two lower down has one)."""
        xs = [x for x, stretches in self.rules if _covered(list(stretches), top, bottom) >= 0.5 * (bottom - top)]
        columns = tuple((a, b) for a, b in zip(xs, xs[1:]))
        return columns or self.columns

    @cached_property
    def owners(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each cell (row, column of that row) mapped to the cell it belongs to: itself, or, where the rules between
        leave it open to the cell above (``OPEN``: a cell spanning rows), that cell's owner."""
        columns = [self.columns_of_row(top, bottom) for top, bottom in self.rows]
        stretches = {round(y, 2): spans for y, spans in self.dividers}
        owners: dict[tuple[int, int], tuple[int, int]] = {}
        for row, (top, _) in enumerate(self.rows):
            rules = stretches.get(round(top, 2))
            for column, (a, b) in enumerate(columns[row]):
                owners[(row, column)] = (row, column)
                if row and rules is not None and _covered(list(rules), a, b) < OPEN * (b - a):
                    above = max(range(len(columns[row - 1])),
                                key=lambda c: min(b, columns[row - 1][c][1]) - max(a, columns[row - 1][c][0]))
                    owners[(row, column)] = owners[(row - 1, above)]
        return owners

    def holds(self, line: Line) -> bool:
        """Whether a line stands inside the table: its middle within the table's height, most of its words
        within its width (a bullet may stand on the border)."""
        middle = (line.top + line.bottom) / 2
        if not self.top <= middle <= self.bottom:
            return False
        boxes = line.boxes or ((line.x0, line.top, line.x1, line.bottom, line.text),)
        inside = sum(self.x0 - SAME <= (x0 + x1) / 2 <= self.x1 + SAME for x0, _, x1, _, _ in boxes)
        return 2 * inside > len(boxes)


def from_segments(segments: Sequence[tuple[float, float, float, float]],
                  shadings: Sequence[tuple[float, float, float, float, Hashable]] = ()) -> Rulings:
    """Rules among boxes (x0, top, x1, bottom): the thin ones long enough; a thin rectangle counts as its line, and
    a thin piece too short for a rule where it continues one (GMB_ndc2_2021 p13 draws its column rules row by row,
    joined by 4-point pieces). ``shadings`` (filled rectangles (x0, top, x1, bottom, colour), no rules themselves)
    give the top and bottom sides of each area of one colour they make (``_fills``) as ``Rulings.shaded`` (they may
    end rows), not columns: Word shades a cell in pieces whose sides are no borders (TON_ndc2_2020 p80)."""
    verticals: list[tuple[float, float, float]] = []
    horizontals: list[tuple[float, float, float]] = []
    pieces: list[tuple[float, float, float]] = []
    for x0, top, x1, bottom in segments:
        width, height = x1 - x0, bottom - top
        if width <= THIN and height >= MIN_RULE:
            verticals.append((round((x0 + x1) / 2, 2), round(top, 2), round(bottom, 2)))
        elif height <= THIN and width >= MIN_RULE:
            horizontals.append((round((top + bottom) / 2, 2), round(x0, 2), round(x1, 2)))
        elif width <= THIN and THIN < height:
            pieces.append((round((x0 + x1) / 2, 2), round(top, 2), round(bottom, 2)))
    verticals.extend(_continuing(pieces, verticals))
    shaded = [(round(y, 2), round(x0, 2), round(x1, 2)) for x0, top, x1, bottom in _fills(shadings)
              if x1 - x0 >= MIN_RULE and bottom - top > HIGHLIGHT for y in (top, bottom)]
    return Rulings(tuple(sorted(verticals)), tuple(sorted(horizontals)), tuple(sorted(shaded)))


def _fills(shadings: Sequence[tuple[float, float, float, float, Hashable]]) -> list[tuple[float, float, float, float]]:
    """The areas of one colour that the fills make, each as its bounding box: fills of one colour that touch or
    overlap (``TOUCH``) are one area. Word fills a shaded cell in pieces: a strip per line of text, margins beside
    the text, strips above and below (MMR_indc_2015 p6, BFA_indc_2015 p24), or strips inside a fill of the whole
    cell (PSE_ndc_2017 p9); only where the colour stops does the shading end a row. Word leaves 0.5-1.5 points between
    one row's fills and the next, so rows of one colour stay apart; rows that alternate colours keep their sides. An
    area no taller than a line of text (``HIGHLIGHT``) is a highlight behind a line, no shading (``from_segments``
    drops it); a colour with more than ``MAX_FILLS`` fills on the page (a chart, a map) keeps its fills apart, and so
    does white, the page's own colour: Word draws white strips behind the lines of plain paragraphs (ECU_ndc_2019 p30,
    NPL_ndc2_2020 p12), whose joined areas cut paragraphs, while a white cell fill alone may be all that marks a row
    (PSE_ndc_2017 p12, SUR_ndc2_2019 p38)."""
    by_colour: dict[Hashable, list[tuple[float, float, float, float]]] = {}
    for x0, top, x1, bottom, colour in shadings:
        by_colour.setdefault(colour, []).append((x0, top, x1, bottom))
    areas: list[tuple[float, float, float, float]] = []
    for colour, boxes in by_colour.items():
        if colour == WHITE or len(boxes) > MAX_FILLS:
            areas.extend(boxes)
            continue
        boxes.sort(key=lambda b: b[1])
        parent = list(range(len(boxes)))
        for i, (x0, _, x1, bottom) in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                a0, a_top, a1, _ = boxes[j]
                if a_top > bottom + TOUCH:
                    break                                  # sorted by top: no later box reaches this one
                if a0 <= x1 + TOUCH and x0 <= a1 + TOUCH:
                    parent[_root(parent, j)] = _root(parent, i)
        groups: dict[int, list[tuple[float, float, float, float]]] = {}
        for i, box in enumerate(boxes):
            groups.setdefault(_root(parent, i), []).append(box)
        areas.extend((min(b[0] for b in group), min(b[1] for b in group), max(b[2] for b in group),
                      max(b[3] for b in group)) for group in groups.values())
    return areas


def _root(parent: list[int], i: int) -> int:
    """The root of ``i`` in a union-find forest (``_fills``), halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _continuing(pieces: list[tuple[float, float, float]],
                rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """The pieces, in order, that continue a vertical rule or a piece taken before them: at most ``SAME`` from it
    across, one's end ``SAME`` from the other's start. Rules are looked up by their x in bins ``SAME`` wide (a page
    of many short pieces, MDV_indc_2015 p1, compared each with every rule: 1.7 s)."""
    bins: dict[int, list[tuple[float, float, float]]] = {}
    for rule in rules:
        if math.isfinite(rule[0]):       # (a rule or piece at x NaN or infinity continues nothing)
            bins.setdefault(math.floor(rule[0] / SAME), []).append(rule)
    kept = []
    for piece in pieces:
        x0, top0, bottom0 = piece
        if not math.isfinite(x0):
            continue
        column = math.floor(x0 / SAME)
        if any(abs(x - x0) <= SAME and (abs(top - bottom0) <= SAME or abs(bottom - top0) <= SAME)
               for near in range(column - 2, column + 3) for x, top, bottom in bins.get(near, ())):
            kept.append(piece)
            bins.setdefault(column, []).append(piece)
    return kept


def from_pdfium(page: Any, height: float) -> Rulings:
    """The rules of a pypdfium2 page: its path objects (in form objects too, 3 deep) that are thin lines, and its
    rectangles as ``_role`` tells, as ``from_plumber`` reads pdfplumber's (PSE_ndc_2017 p8 shades its rows and rules
    only its columns)."""
    segments, shadings = [], []
    width = page.get_width()
    for left, bottom, right, top, shape, fill in path_bounds(page, depth=3, thin=THIN):
        box = (left, height - top, right, height - bottom)
        if shape == PATH_OTHER:
            segments.append(box)                  # a rule when thin, else nothing (``from_segments``)
            continue
        role = _role(box, shape == PATH_FILLED_RECT, width, height)
        if role == FILLED:
            shadings.append((*box, _rgba_colour(fill)))
        elif role == SIDES:
            segments.extend(_sides(*box))
    return from_segments(segments, shadings)


def _sides(x0: float, top: float, x1: float, bottom: float) -> list[tuple[float, float, float, float]]:
    """A rectangle's top, bottom, left and right sides."""
    return [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)]


def from_plumber(page: Any) -> Rulings:
    """The rules of a pdfplumber page: its lines, the edges of its curves, and its rectangles as ``_role`` tells."""
    from pdfplumber.utils import rect_to_edges

    def box(item: dict) -> tuple[float, float, float, float]:
        return float(item["x0"]), float(item["top"]), float(item["x1"]), float(item["bottom"])

    width, height = float(page.width), float(page.height)
    roles = [(rect, _role(box(rect), bool(rect.get("fill")) and not rect.get("stroke"), width, height))
             for rect in page.rects]
    drawn = [*page.lines, *page.curve_edges, *(edge for rect, role in roles if role == SIDES for edge in rect_to_edges(rect))]
    return from_segments([box(edge) for edge in drawn],
                         [(*box(rect), _colour(rect.get("non_stroking_color"))) for rect, role in roles if role == FILLED])


def _rgba_colour(fill: int) -> Hashable:
    """PDFium's fill colour (RGBA in one int, -1 unknown, ``path_bounds``) as a key: ``WHITE`` for white."""
    return WHITE if fill >= 0 and fill >> 8 == 0xFFFFFF else fill


def _colour(colour: Any) -> Hashable:
    """pdfplumber's fill colour as a key: ``WHITE`` for grey 1, RGB 1 1 1 or CMYK 0 0 0 0."""
    values = tuple(colour) if isinstance(colour, (tuple, list)) else (colour,)
    if values and all(isinstance(v, (int, float)) for v in values) and (
            all(v == 0 for v in values) if len(values) == 4 else all(v >= 0.999 for v in values)):
        return WHITE
    return repr(colour)


#: What a rectangle is to a table (``_role``).
SIDES, FILLED, SKIP = "sides", "filled", "skip"
#: The colour key of a white fill (``_fills`` keeps white fills apart).
WHITE = "white"


def _role(box: tuple[float, float, float, float], filled_only: bool, width: float, height: float) -> str:
    """What a rectangle is to a table, for both engines: nothing (``SKIP``) when it covers the page or runs off it
    (``_background``); a fill (``FILLED``: part of a shaded area or a highlight, ``_fills``) when filled, not stroked,
    wider and taller than a rule; else its four sides are rules (``SIDES``)."""
    x0, top, x1, bottom = box
    if _background(box, width, height):
        return SKIP
    if filled_only and x1 - x0 > THIN and bottom - top > THIN:
        return FILLED
    return SIDES


def _background(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    """Whether a rectangle covers the page (``BACKGROUND``) or runs off it: its sides are no table's rules
    (VEN_indc_2015 p9: with the page's white background, the white band behind a heading made a table;
    MDV_ndc-updated_2020 p12: a shape running off the page's bottom right cut a cell in four)."""
    x0, top, x1, bottom = box
    return ((x1 - x0 >= BACKGROUND * width and bottom - top >= BACKGROUND * height)
            or x0 < -SAME or top < -SAME or x1 > width + SAME or bottom > height + SAME)


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
        rows, dividers = _rows(rulings, x0, x1, top, bottom, columns)
        found.append(Grid(x0, x1, top, bottom, columns, rows, rules, dividers))
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


def _merged(values: list[float], within: float = SAME) -> list[float]:
    """Sorted values, each closer than ``within`` to the one kept before it left out."""
    out: list[float] = []
    for value in values:
        if out and value - out[-1] <= within:
            continue
        out.append(value)
    return out


def _rows(rulings: Rulings, x0: float, x1: float, top: float, bottom: float, columns: Sequence[tuple[float, float]]
          ) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, tuple[tuple[float, float], ...]], ...]]:
    """The rows between the horizontal rules that cross the table (most of its width) or close one of its columns
    (a rule under some cells only, where a cell beside them spans rows), top and bottom included, and the rules at
    each row's top (``Grid.dividers``). No rows when no rule divides the table, unless rules close it at its top
    and its bottom: then it is one row (the last row of RWA_ndc-updated_2020 p61, below a band that heads it;
    ``grid_rows`` reads such a row as one only when no cell of it holds lines far apart, ``_one_row``)."""
    stretches: dict[float, list[tuple[float, float]]] = {}
    ruled: dict[float, list[tuple[float, float]]] = {}
    for y, a, b, shaded in [*((*rule, False) for rule in rulings.horizontals), *((*side, True) for side in rulings.shaded)]:
        if top - SAME <= y <= bottom + SAME and min(b, x1) > max(a, x0):
            key = next((k for k in stretches if abs(k - y) <= SAME), y)
            stretches.setdefault(key, []).append((max(a, x0), min(b, x1)))
            if not shaded:
                ruled.setdefault(key, []).append((max(a, x0), min(b, x1)))
    merged = {y: _union(spans) for y, spans in stretches.items()}
    # a shading's side ends a row across the table, not a cell (Word shades a cell in pieces, PRK_indc_2016 p13)
    ys = sorted(y for y, spans in merged.items()
                if _covered(spans, x0, x1) >= ROW_RULE_SHARE * (x1 - x0)
                or any(_covered(_union(ruled.get(y, [])), a, b) >= CLOSED * (b - a) for a, b in columns))
    closed = any(abs(y - top) <= SAME for y in ys) and any(abs(y - bottom) <= SAME for y in ys)
    ys = _merged(sorted({top, bottom, *ys}), MIN_ROW)
    rows = tuple((a, b) for a, b in zip(ys, ys[1:]))
    if not (len(rows) >= 2 or (closed and len(rows) == 1)):
        return (), ()
    dividers = []
    for row_top, _ in rows[1:]:
        spans = [span for y, found in merged.items() if 0 <= y - row_top < MIN_ROW for span in found]
        dividers.append((round(row_top, 2), tuple(_union(spans))))
    return rows, tuple(dividers)


def grid_rows(lines: Sequence[Line], grid: Grid, join: Callable[[str, str], str]) -> Optional[list[str]]:
    """The table's rows as text, cells joined with " | " (the words of a cell in reading order, its lines joined
    by ``join``); None when the rules do not make a table to read by them: they divide no rows, or a cell holds
    prose (a form laid out in boxes, such as a clarity-and-transparency annex, whose cells hold headings, lists
    and paragraphs: its cells are read as prose, ``cell_lines``, where passages follow its paragraphs and list
    items)."""
    if not grid.rows or not _one_row(lines, grid):
        return None
    columns = [grid.columns_of_row(top, bottom) for top, bottom in grid.rows]
    owners = grid.owners
    cells: dict[tuple[int, int], list[tuple[float, int, int, str]]] = {}
    for line_no, line in enumerate(lines):
        for word_no, (x0, top, x1, bottom, text) in enumerate(_bullets_joined(line.boxes)):
            row = _index(grid.rows, (top + bottom) / 2)
            column = _index(columns[row], (x0 + x1) / 2)
            cells.setdefault(owners[(row, column)], []).append((line.top, line_no, word_no, text))
    out = []
    for row in range(len(grid.rows)):
        parts = [_cell_text(cells.get((row, column), []), join) for column in range(len(columns[row]))
                 if owners[(row, column)] == (row, column)]
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
    the next and no cell's line is taken for a heading. None when the rules divide the table in fewer than two rows
    (a row closed by rules alone is read as a row of cells or not at all, ``grid_rows``) or a line is right-to-left
    (its words are not in left-to-right order)."""
    if len(grid.rows) < 2 or any(line.boxes and not line.words for line in lines):
        return None
    columns = [grid.columns_of_row(top, bottom) for top, bottom in grid.rows]
    owners = grid.owners
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
                owner = owners[(row, _index(columns[row], (x0 + x1) / 2))]
            cells.setdefault(owner, []).insert(0, index)
        for (row, column), indexes in cells.items():
            part = replace(_part(line, indexes), column=CELL_COLUMN + row * 100 + column, is_table_row=False)
            placed.append(((row, column, part.top, line_no), part))
    if len({key[:2] for key, _ in placed}) < 2:
        return None
    return [part for _, part in sorted(placed, key=lambda item: item[0])]


def _one_row(lines: Sequence[Line], grid: Grid) -> bool:
    """Whether a table closed by rules with none between (one row, ``_rows``) is one: no column holds two lines
    further apart than a line's height (a table ruled only around and between its columns holds rows apart, and
    read as one row its cells would run together). A table of several rows is."""
    if len(grid.rows) != 1:
        return True
    by_column: dict[int, list[tuple[float, float]]] = {}
    for line in lines:
        for x0, top, x1, bottom, _ in line.boxes:
            by_column.setdefault(_index(grid.columns, (x0 + x1) / 2), []).append((top, bottom))
    for spans in by_column.values():
        lowest = None
        for top, bottom in sorted(spans):
            if lowest is not None and top - lowest > bottom - top:
                return False
            lowest = bottom if lowest is None else max(lowest, bottom)
    return True


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
