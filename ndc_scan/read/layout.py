"""Layout: words with boxes → text lines in reading order.

Shared by the text-layer reader (pdfplumber words) and OCR (Tesseract words):
words are grouped into rows; a stretch of rows that no word crosses at some x
in the middle of the page, with column-wide text on both sides, is read as two
columns, left then right. Right-to-left (Arabic) words read in visual order are
turned into reading order, and cells separated by wide gaps are joined with " | ".
"""

from __future__ import annotations

import re
import statistics
from typing import Optional

from .. import textnorm
from ..records import Line

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def order_lines(words: list[dict], width: float) -> list[Line]:
    """Group words into lines in reading order.

    A stretch of consecutive rows that no word crosses at some x in the middle
    of the page, with column-wide text on both sides, is read as two columns:
    left column first, then right. Columns need not share baselines.
    """
    rows = _rows(words)
    ordered, i = [], 0
    while i < len(rows):
        run_end, gutter = _column_run(rows, i, width)
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
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if current and abs(word["top"] - current[0]["top"]) > max(2.0, 0.45 * current[0]["size"]):
            rows.append(current)
            current = []
        current.append(word)
    if current:
        rows.append(current)
    return rows


def _column_run(rows: list[list[dict]], start: int, width: float) -> tuple[int, Optional[float]]:
    """(end index, gutter x) of the longest two-column stretch starting at ``start``, or (start, None)."""
    best_end, best_gutter = start, None
    for step in range(int(0.35 * width), int(0.65 * width), 4):
        gutter = float(step)
        end, left, right = start, [], []
        while end < len(rows) and _gutter_fits(rows[end], gutter):
            left += [w for w in rows[end] if w["x1"] <= gutter]
            right += [w for w in rows[end] if w["x0"] >= gutter]
            end += 1
        if end - start <= max(best_end - start, 4):
            continue
        left_rows = sum(1 for row in rows[start:end] if any(w["x1"] <= gutter for w in row))
        right_rows = sum(1 for row in rows[start:end] if any(w["x0"] >= gutter for w in row))
        if min(left_rows, right_rows) < 3:
            continue
        left_width = max(w["x1"] for w in left) - min(w["x0"] for w in left)
        right_width = max(w["x1"] for w in right) - min(w["x0"] for w in right)
        # Text columns are wide and of similar width; a table's label column is not.
        if min(left_width, right_width) < 0.28 * width or min(left_width, right_width) < 0.6 * max(left_width, right_width):
            continue
        best_end, best_gutter = end, gutter
    return best_end, best_gutter


def _gutter_fits(row: list, gutter: float) -> bool:
    """No word crosses ``gutter``, and words on both sides leave a gap wider than a space."""
    left = [w["x1"] for w in row if w["x1"] <= gutter]
    right = [w["x0"] for w in row if w["x0"] >= gutter]
    if len(left) + len(right) != len(row):
        return False
    return not (left and right) or min(right) - max(left) >= max(7.0, 0.9 * row[0]["size"])


def make_line(words: list, column: int) -> Line:
    sizes = [w["size"] for w in words]
    size = statistics.median(sizes)
    rtl = sum(1 for w in words if textnorm.is_rtl(w["text"])) * 2 > len(words)
    ordered = sorted(words, key=lambda w: -w["x0"] if rtl else w["x0"])
    parts, cells, boxes, placed = [], 0, [], []
    for i, word in enumerate(ordered):
        visual = textnorm.is_rtl(word["text"]) and not word.get("logical")   # OCR words are in reading order
        text = textnorm.word_in_reading_order(word["text"]) if visual else word["text"]
        boxes.append((word["x0"], word["x1"], textnorm.normalise(text)))
        placed.append((word["x0"], word["top"], word["x1"], word["bottom"], boxes[-1][2]))
        if i:
            prev = ordered[i - 1]
            gap = (prev["x0"] - word["x1"]) if rtl else (word["x0"] - prev["x1"])
            if gap > max(18.0, 2.2 * size):
                parts.append(" | ")
                cells += 1
            else:
                parts.append(" ")
        parts.append(text)
    text = textnorm.normalise("".join(parts))
    if rtl:
        text = textnorm.clean_arabic(text)
    bold = sum(1 for w in words if _BOLD.search(w.get("fontname") or "")) * 2 > len(words)
    return Line(text=text, x0=min(w["x0"] for w in words), x1=max(w["x1"] for w in words),
                top=min(w["top"] for w in words), bottom=max(w["bottom"] for w in words),
                size=round(size, 1), bold=bold, column=column, is_table_row=cells >= 1,
                words=() if rtl else tuple(boxes), boxes=tuple(placed))
