"""Tables: the lines of a table block → its rows, each cell's wrapped lines joined in reading order.

A PDF table's cells often wrap over several lines. Read line by line, the words of the cells of one row
interleave ("Promote | Continue 10,000ha annual | National Forest" / "Sustainable | reforestation of
degraded | Policy."), so a phrase of a cell is broken by the neighbouring cells' words and a number loses
its row. Here the columns are found from the block's own words (the cells of its multi-cell lines, parted at
gaps as wide as a cell border, or at narrower ones where the next word starts at a left edge that words of
several lines start at after a wide gap: a column whose gutter is narrow), every word is put in its column,
and consecutive lines are joined into one row until a cell starts a new entry: a bullet, a number, or a
capital after a cell that ended a sentence or is a header in capitals. Each row comes out as its cells
joined with " | ", one row per line of the block's text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from ..records import Line

#: A cell that starts a new entry: a bullet, a dash, a number or a letter item.
_BULLET = re.compile(r"[•●▪■◦○►▶➢✓\-–*\u2022\uf0b7]")
_NEW_ENTRY = re.compile(r"^\s*(?:[•●▪■◦○►▶➢✓\-–*\u2022\uf0b7]|\(cid:\d+\)|\d+[.)]\s|\(?[a-z][.)]\s)")
_NUMBER = re.compile(r"^\s*[-+–]?\(?\d[\d\s.,%]*\)?\s*$")
_ENDS_ENTRY = (".", ":", ";", "!", "?")
MIN_GUTTER = 6.0          # points between two columns' words, at least


def table_rows(lines: Sequence[Line], join: Callable[[str, str], str]) -> list[str]:
    """The rows of a table block as text (cells joined with " | "); the lines as they are when no columns are found.

    ``join`` joins two pieces of one cell (``pages.join_lines``: a word hyphenated across the break is mended).
    """
    columns = _columns(lines)
    if len(columns) < 2 or any(not line.words for line in lines):
        return [line.text for line in lines]
    rows: list[list[str]] = []
    previous: list[str] = []
    for line in lines:
        cells = _cells(line, columns)
        if rows and _continues(cells, previous):
            rows[-1] = [join(a, b) if a and b else a or b for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
        previous = [b or a for a, b in zip(previous or [""] * len(cells), cells)]
    return [" | ".join(cell for cell in row if cell) for row in rows]


def _columns(lines: Sequence[Line]) -> list[tuple[float, float]]:
    """Column x-ranges: the cells of the block's multi-cell lines (runs of words without a gap as wide as
    a cell border, or a narrower gap before a column's left edge: ``_stops``), merged where they overlap. A range
    found on one line only (the wide spaces of one justified line) joins its neighbour, so justified prose has one
    column."""
    merged: list[list] = []          # [x0, x1, set of line numbers]
    stops = _stops(lines)
    spans = sorted((x0, x1, n) for n, line in enumerate(lines) if line.is_table_row
                   for x0, x1 in _cell_spans(line, stops))
    for x0, x1, number in spans:
        if merged and x0 < merged[-1][1] + MIN_GUTTER:
            merged[-1][1] = max(merged[-1][1], x1)
            merged[-1][2].add(number)
        else:
            merged.append([x0, x1, {number}])
    columns: list[list] = []
    for stretch in merged:
        if columns and (len(stretch[2]) < 2 or len(columns[-1][2]) < 2):
            columns[-1] = [columns[-1][0], stretch[1], columns[-1][2] | stretch[2]]
        else:
            columns.append(stretch)
    return [(x0, x1) for x0, x1, _ in columns]


def _cell_spans(line: Line, stops: Sequence[float] = ()) -> list[tuple[float, float]]:
    """The x-ranges of a line's cells: runs of words without a gap wider than a cell border, or wider than two spaces
    before one of the block's column ``stops``."""
    spans: list[tuple[float, float]] = []
    limit = max(18.0, 2.2 * line.size)
    for x0, x1, _ in _boxes(line):
        gap = x0 - spans[-1][1] if spans else 0.0
        if spans and (gap <= limit and not (gap >= max(MIN_GUTTER, AT_STOP_GAP * line.size) and _at_stop(x0, stops))):
            spans[-1] = (spans[-1][0], max(spans[-1][1], x1))
        else:
            spans.append((x0, x1))
    return spans


#: A gap at least this many times the font size makes the left edge of the word after it a column's, where words of
#: STOP_LINES lines start there after such a gap (``_stops``).
STOP_GAP = 1.2
#: At a column's left edge, a gap of this many times the font size (and MIN_GUTTER points) parts two cells, although
#: narrower than a cell border: a long line of one column comes close to the next ("No regulation specific under
#: Strengthen and develop", TON 2020 p96: 10.8 pt).
AT_STOP_GAP = 0.5
#: Lines whose words start at one left edge after such a gap: that many make the edge a column's.
STOP_LINES = 3


def _stops(lines: Sequence[Line]) -> list[float]:
    """Left edges of columns whose gutter may be narrower than a cell border: an x (to a point) where words of at least
    STOP_LINES lines start after a gap wider than STOP_GAP × the font size. CIV 2015 p12's first column ("Renforcer
    les productions agricoles…") stands 15 pt from the second, whose lines all start at x = 99.3, and was read into
    it line by line ("Renforcer Réduire la vulnérabilité… les - Développer l'approche…")."""
    starts: list[float] = []
    for line in lines:
        boxes = _boxes(line)
        starts += sorted({round(b[0], 1) for a, b in zip(boxes, boxes[1:]) if b[0] - a[1] >= STOP_GAP * line.size})
    starts.sort()
    stops: list[float] = []
    for x in starts:
        near = bisect.bisect_right(starts, x + 1.0) - bisect.bisect_left(starts, x - 1.0)     # starts sorted
        if (not stops or x - stops[-1] > 1.0) and near >= STOP_LINES:
            stops.append(x)
    return stops


def _at_stop(x: float, stops: Sequence[float]) -> bool:
    return any(abs(x - stop) <= 1.0 for stop in stops)


def _boxes(line: Line) -> list[tuple[float, float, str]]:
    """The line's words, a bullet joined to the word after it (a bullet is not a column of its own)."""
    boxes: list[tuple[float, float, str]] = []
    for x0, x1, text in line.words:
        if boxes and _BULLET.fullmatch(boxes[-1][2]):
            boxes[-1] = (boxes[-1][0], x1, f"{boxes[-1][2]} {text}")
        else:
            boxes.append((x0, x1, text))
    return boxes


def _cells(line: Line, columns: list[tuple[float, float]]) -> list[str]:
    """The line's text per column: each word in the column its centre falls in (or the nearest)."""
    parts: list[list[str]] = [[] for _ in columns]
    for x0, x1, text in _boxes(line):
        centre = (x0 + x1) / 2
        index = min(range(len(columns)),
                    key=lambda i: 0.0 if columns[i][0] <= centre <= columns[i][1]
                    else min(abs(centre - columns[i][0]), abs(centre - columns[i][1])))
        parts[index].append(text)
    return [" ".join(words) for words in parts]


def _continues(cells: list[str], previous: list[str]) -> bool:
    """Whether a line carries on the row above: some cell goes on in lower case, or the line fills only
    columns whose text above had not ended; never when a cell starts a new entry or is a number."""
    filled = [(cell, above) for cell, above in zip(cells, previous) if cell]
    for cell, above in filled:
        if _NEW_ENTRY.match(cell) or _NUMBER.match(cell):
            return False
        if cell[:1].isupper() and (not above or above.rstrip().endswith(_ENDS_ENTRY) or _is_header(above)):
            return False
    if any(cell[:1].islower() for cell, _ in filled):
        return True
    return len(filled) < len(cells) and all(above and not above.rstrip().endswith(_ENDS_ENTRY) for _, above in filled)


def _is_header(cell: str) -> bool:
    """A header cell: its letters are all capitals ("MTP SECTOR"), so the line under it is a row of its own."""
    letters = [c for c in cell if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


__all__ = ["table_rows"]
