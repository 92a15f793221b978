"""Layout: words with boxes → text lines in reading order.

Shared by the text-layer reader (pdfplumber words) and OCR (Tesseract words):
words are grouped into rows; a stretch of rows that no word crosses at some x
in the middle of the page, with column-wide text on both sides, is read as two
columns, left then right. Right-to-left (Arabic) words read in visual order are
turned into reading order, and cells separated by wide gaps are joined with " | ".
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from typing import Optional

from .. import textnorm
from ..records import Line

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def upright(a: float, b: float, c: float, d: float) -> bool:
    """Whether text of this matrix runs upright, as pdfminer decides it (a·d > 0 and b·c <= 0), at a thousandth of
    the matrix's scale: a PDF's (or PDFium's) cos 90° of -4e-9 made a row label turned 90° upright, and it was read
    letter by letter, backwards ("e g a v e l E" for "Agriculture Elevage"). Both engines leave such text out."""
    if b == 0 and c == 0:                  # nearly every character: neither turned nor skewed
        return a * d > 0
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    a, b, c, d = (round(v / scale, 3) for v in (a, b, c, d))
    return a * d > 0 and b * c <= 0


def order_lines(words: list[dict], width: float) -> list[Line]:
    """Group words into lines in reading order.

    A stretch of consecutive rows that no word crosses at some x in the middle
    of the page, with column-wide text on both sides, is read as two columns:
    left column first, then right. Columns need not share baselines.
    """
    rows = _rows(words)
    gutters = _Gutters(rows, width)
    ordered, i = [], 0
    while i < len(rows):
        run_end, gutter = gutters.column_run(i)
        if gutter is None:
            ordered.append(make_line(rows[i], column=0))
            i += 1
            continue
        region = rows[i:run_end]
        left = [[w for w in row if w["x1"] <= gutter] for row in region]
        right = [[w for w in row if w["x0"] >= gutter] for row in region]
        ordered += [make_line(ws, column=0) for ws in left if ws]
        ordered += [make_line(ws, column=1) for ws in right if ws]
        i = run_end
    return ordered


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words clustered into visual rows by their top coordinate."""
    rows: list[list[dict]] = []
    current: list[dict] = []
    keys = [(round(w["top"], 1), w["x0"]) for w in words]
    for word in [words[i] for i in sorted(range(len(words)), key=keys.__getitem__)]:
        if current and abs(word["top"] - current[0]["top"]) > max(2.0, 0.45 * current[0]["size"]):
            rows.append(current)
            current = []
        current.append(word)
    if current:
        rows.append(current)
    _marks_to_their_baseline(rows)
    return rows


_MARKS = ",.;:"


def _marks_to_their_baseline(rows: list[list[dict]]) -> None:
    """A lone comma, full stop, semicolon or colon that stands on the baseline of the row above, not on its own row's,
    moved up to that row. A row opens at its highest top, so a tall bullet opening a row took in the small comma set
    just below the line before it: "desertification o Reduction in fisheiies & impacts , on marine" (OMN 2015 p8)."""
    for above, row in zip(rows, rows[1:]):
        marks = [word for word in row if word["text"] and not word["text"].strip(_MARKS)] if len(row) > 1 else ()
        if not marks:
            continue
        base_above = _median([word["bottom"] for word in above])
        base = _median([word["bottom"] for word in row])
        for word in marks:
            if abs(word["bottom"] - base_above) <= 1.0 < abs(word["bottom"] - base):
                row.remove(word)
                above.append(word)


#: A two-column stretch has more rows than this.
_MIN_RUN = 4


class _Gutters:
    """The two-column search of one page: where a gutter can run, and the longest stretch it runs through.

    The candidate gutters are x = 35%, 35% + 4 pt, ... up to 65% of the page width. Each row's
    free spans (x ranges no word crosses, with a gap wider than a space when words stand on
    both sides) give the candidates that fit it, as a bit mask over the candidates computed
    once per row; a stretch is the AND of its rows' masks. This finds exactly what trying
    every candidate on every row found, without the per-candidate loop.
    """

    def __init__(self, rows: list[list[dict]], width: float):
        self.rows, self.width = rows, width
        self.candidates = [float(step) for step in range(int(0.35 * width), int(0.65 * width), 4)]
        self._masks: dict[int, int] = {}
        self._edge_cache: dict[tuple[int, int], tuple[list[float], list[float]]] = {}

    def column_run(self, start: int) -> tuple[int, Optional[float]]:
        """(end index, gutter x) of the longest two-column stretch starting at ``start``, or (start, None)."""
        best_end, best_gutter = start, None
        verdicts: dict[tuple, bool] = {}
        for index, end in self._run_ends(start):    # candidates left to right, as the search always went
            if end - start <= max(best_end - start, _MIN_RUN):
                continue
            gutter = self.candidates[index]
            # Gutters that part the stretch's words the same way get the same verdict: judge each parting once.
            x0s, x1s = self._edges(start, end)
            parting = (end, bisect.bisect_right(x1s, gutter), bisect.bisect_left(x0s, gutter))
            if parting not in verdicts:
                verdicts[parting] = _columns_look_like_text(self.rows[start:end], gutter, self.width)
            if verdicts[parting]:
                best_end, best_gutter = end, gutter
        return best_end, best_gutter

    def _edges(self, start: int, end: int) -> tuple[list[float], list[float]]:
        """The sorted left and right edges of the words of rows start..end-1."""
        if (start, end) not in self._edge_cache:
            words = [w for row in self.rows[start:end] for w in row]
            self._edge_cache[(start, end)] = (sorted(w["x0"] for w in words), sorted(w["x1"] for w in words))
        return self._edge_cache[(start, end)]

    def _run_ends(self, start: int) -> list[tuple[int, int]]:
        """(candidate index, end row) of every candidate that fits more than _MIN_RUN rows from ``start``."""
        alive = self._mask(start) if start < len(self.rows) else 0
        ends = []
        end = start + 1
        while alive and end < len(self.rows):
            kept = alive & self._mask(end)
            if kept != alive and end - start > _MIN_RUN:
                ends += [(index, end) for index in _bits(alive & ~kept)]
            alive, end = kept, end + 1
            if not alive:
                break
        if alive:
            ends += [(index, len(self.rows)) for index in _bits(alive)]
        return sorted(ends)

    def _mask(self, row_index: int) -> int:
        """Bit i set when candidate i fits the row (see ``_gutter_fits``)."""
        if row_index not in self._masks:
            self._masks[row_index] = self._row_mask(self.rows[row_index])
        return self._masks[row_index]

    def _row_mask(self, row: list[dict]) -> int:
        candidates = self.candidates
        if any(w["x0"] >= w["x1"] for w in row):       # a word without width: test each candidate
            return sum(1 << i for i, gutter in enumerate(candidates) if _gutter_fits(row, gutter))
        mask = 0
        for low, high in _free_spans(row):
            first, last = bisect.bisect_left(candidates, low), bisect.bisect_right(candidates, high)
            if last > first:
                mask |= ((1 << (last - first)) - 1) << first
        return mask


def _free_spans(row: list[dict]) -> list[tuple[float, float]]:
    """Closed x ranges where a gutter fits a row of words that all have a width.

    A gutter at x fits when no word has x0 < x < x1 and, with words on both sides, the
    gap between the nearest ones is at least ``_min_gap``: the complement of the words'
    open intervals, keeping the inner spans that are wide enough.
    """
    spans: list[tuple[float, float]] = []
    words = sorted((w["x0"], w["x1"]) for w in row)
    gap = _min_gap(row)
    low, end = -math.inf, -math.inf
    for x0, x1 in words:
        if x0 < end:                                   # overlaps the words before: one covered stretch
            end = max(end, x1)
            continue
        if low == -math.inf or x0 - end >= gap:
            spans.append((low if low == -math.inf else end, x0))
        low, end = x0, x1
    spans.append((end, math.inf))
    return spans


def _min_gap(row: list) -> float:
    return max(7.0, 0.9 * row[0]["size"])


def _bits(mask: int) -> list[int]:
    found, index = [], 0
    while mask:
        if mask & 1:
            found.append(index)
        mask >>= 1
        index += 1
    return found


def _columns_look_like_text(region: list[list[dict]], gutter: float, width: float) -> bool:
    """Both sides of ``gutter`` hold text in at least 3 rows, column-wide and of similar widths."""
    left_rows = right_rows = 0
    left_x0 = right_x0 = math.inf
    left_x1 = right_x1 = -math.inf
    for row in region:                    # one pass: each side's rows and the extent of its words
        on_left = on_right = False
        for w in row:
            x0, x1 = w["x0"], w["x1"]
            if x1 <= gutter:
                on_left = True
                if x0 < left_x0:
                    left_x0 = x0
                if x1 > left_x1:
                    left_x1 = x1
            if x0 >= gutter:
                on_right = True
                if x0 < right_x0:
                    right_x0 = x0
                if x1 > right_x1:
                    right_x1 = x1
        left_rows += on_left
        right_rows += on_right
    if min(left_rows, right_rows) < 3:
        return False
    left_width = left_x1 - left_x0
    right_width = right_x1 - right_x0
    # Text columns are wide and of similar width; a table's label column is not.
    return not (min(left_width, right_width) < 0.28 * width or min(left_width, right_width) < 0.6 * max(left_width, right_width))


def _gutter_fits(row: list, gutter: float) -> bool:
    """No word crosses ``gutter``, and words on both sides leave a gap wider than a space."""
    left = [w["x1"] for w in row if w["x1"] <= gutter]
    right = [w["x0"] for w in row if w["x0"] >= gutter]
    if len(left) + len(right) != len(row):
        return False
    return not (left and right) or min(right) - max(left) >= _min_gap(row)


def make_line(words: list, column: int) -> Line:
    size = _median([w["size"] for w in words])
    texts = [w["text"] for w in words]
    # (a line without a character of Arabic script or beyond has no right-to-left word: one look at all its text)
    right_to_left = [_rtl(t) for t in texts] if max("".join(texts), default="") >= "\u0600" else [False] * len(words)
    rtl = sum(right_to_left) * 2 > len(words)
    lefts = [w["x0"] for w in words]
    order = sorted(range(len(words)), key=[-x for x in lefts].__getitem__ if rtl else lefts.__getitem__)
    parts, cells, boxes, placed = [], 0, [], []
    wide = max(18.0, 2.2 * size)
    prev = None
    normalise = textnorm.normalise
    for i in order:
        word = words[i]
        visual = right_to_left[i] and not word.get("logical")   # OCR words are in reading order
        text = textnorm.word_in_reading_order(word["text"]) if visual else word["text"]
        x0, x1 = word["x0"], word["x1"]
        shown = normalise(text)
        boxes.append((x0, x1, shown))
        placed.append((x0, word["top"], x1, word["bottom"], shown))
        if prev is not None:
            gap = (prev["x0"] - x1) if rtl else (x0 - prev["x1"])
            if gap > wide:
                parts.append(" | ")
                cells += 1
            else:
                parts.append(" ")
        parts.append(text)
        prev = word
    text = textnorm.normalise("".join(parts))
    if rtl:
        text = textnorm.clean_arabic(text)
    bold = sum(map(_bold, [w.get("fontname") or "" for w in words])) * 2 > len(words)
    return Line(text=text, x0=min(lefts), x1=max(map(_X1, words)),
                top=min(map(_TOP, words)), bottom=max(map(_BOTTOM, words)),
                size=round(size, 1), bold=bold, column=column, is_table_row=cells >= 1,
                words=() if rtl else tuple(boxes), boxes=tuple(placed))


_X1, _TOP, _BOTTOM = operator.itemgetter("x1"), operator.itemgetter("top"), operator.itemgetter("bottom")


def _median(values: list) -> float:
    """``statistics.median`` (the middle value, or the mean of the middle two), without its checks."""
    if len(values) == 1:
        return values[0]
    values = sorted(values)
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


@functools.lru_cache(maxsize=4096)
def _bold(fontname: str) -> bool:
    return _BOLD.search(fontname) is not None


def _rtl(text: str) -> bool:
    """``textnorm.is_rtl``, answered at once for the words without a character of Arabic script or beyond."""
    return bool(text) and max(text) >= "\u0600" and textnorm.is_rtl(text)
