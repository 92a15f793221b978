"""Charts of the gap report as inline SVG written by hand: no file, no network, no plotting library.

Each function takes aggregate tables and returns an ``<svg>`` element as text. Text stays text (it
can be searched, copied and printed sharply), every cell and bar has a ``<title>`` that browsers show
on hover, and the same tables give the same bytes. Text widths come from DejaVu Sans's advance
widths (``_text_width``) to leave room for labels; the drawing scales to the page (``viewBox`` and
CSS ``max-width: 100%``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from html import escape as _escape

import pandas as pd

from ..aggregate.coverage import level_of
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .output import XML_CONTROL
from .worldmap import LEVEL_WORDS

LEVEL_COLOURS = ["#f4f4f4", "#f2d36b", "#6cc070", "#1a7f37"]          # 0 absent … 3 quantified target
LEVEL_LABELS = ["0 absent", "1 mention", "2 commitment", "3 quantified target"]
UNREAD_COLOUR = "#c9c9c9"
CHANGE_COLOURS = {"added": "#1a7f37", "strengthened": "#6cc070", "unchanged": "#d0d7de", "weakened": "#f2a65a",
                  "dropped": "#cf222e"}
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK, GRID, EDGE = "#1f2328", "#d0d7de", "#999999"
_SIN, _COS = math.sin(math.radians(40)), math.cos(math.radians(40))


def short_names(taxonomy: Taxonomy) -> list[str]:
    return [taxonomy.concept_name(c) for c in CONCEPT_IDS]


def heatmap(latest: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """Countries (rows, latest document) × concepts (columns), coloured by level."""
    latest = latest.sort_values("country", kind="stable")
    levels = {(cell.doc_id, cell.concept): level_of(cell) for cell in coverage.itertuples(index=False)}
    grid = [[levels.get((d, c)) for c in CONCEPT_IDS] for d in latest["doc_id"]]
    names = short_names(taxonomy)
    labels = [f"{c} ({i})" if i else str(c) for c, i in zip(latest["country"], latest["iso3"])]
    cell_w, cell_h, label_size, head_size = 48, 18, 10, 9
    left = 8 + max([_text_width(label, label_size) for label in labels] or [0])
    head = max(_text_width(name, head_size) for name in names)
    top = 12 + head * _SIN
    right = 8 + max(0.0, head * _COS - cell_w * 0.5)
    width = left + cell_w * len(CONCEPT_IDS) + right
    legend_y = top + cell_h * len(grid) + 14
    height = legend_y + 22
    parts = [_open(width, height, "Coverage heat map: countries by concepts, coloured by level")]
    for x, name in enumerate(names):                      # column heads, turned 40° up to the right
        cx, cy = left + cell_w * (x + 0.5), top - 6
        parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{head_size}" transform="rotate(-40 {cx:.1f} '
                     f'{cy:.1f})">{_text(name)}</text>')
    for y, (label, row) in enumerate(zip(labels, grid)):
        ty = top + cell_h * (y + 0.5) + label_size * 0.35
        parts.append(f'<text x="{left - 6:.1f}" y="{ty:.1f}" font-size="{label_size}" text-anchor="end">'
                     f'{_text(label)}</text>')
        for x, level in enumerate(row):
            colour = UNREAD_COLOUR if level is None else LEVEL_COLOURS[level]
            said = "not read" if level is None else LEVEL_WORDS[level]
            parts.append(f'<rect x="{left + cell_w * x:.1f}" y="{top + cell_h * y:.1f}" width="{cell_w}" '
                         f'height="{cell_h}" fill="{colour}" stroke="#ffffff" stroke-width="1">'
                         f'<title>{_text(label)}: {_text(names[x])}, {said}</title></rect>')
    parts.append(_legend(list(zip(LEVEL_COLOURS + [UNREAD_COLOUR], LEVEL_LABELS + ["not read"])), width, legend_y))
    parts.append("</svg>")
    return "".join(parts)


def levels_per_concept(latest: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """For each concept, how many countries (latest document) reach each level."""
    rows = coverage[coverage["doc_id"].isin(latest["doc_id"]) & coverage["level"].notna()]
    counts = pd.crosstab(rows["concept"], rows["level"].astype(int)).reindex(
        index=list(CONCEPT_IDS), columns=range(4), fill_value=0)
    series = [(LEVEL_LABELS[level], LEVEL_WORDS[level], LEVEL_COLOURS[level], [int(v) for v in counts[level]])
              for level in range(4)]
    return _stacked_bars(short_names(taxonomy), series, "countries (latest document)",
                         "Levels per concept: number of countries at each level")


def changes(progress: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """For each concept, how the latest NDC compares with the first (countries with several versions)."""
    table = progress.set_index("concept").reindex(list(CONCEPT_IDS)).fillna(0)
    series = [(change, change, colour, [int(v) for v in table[change]]) for change, colour in CHANGE_COLOURS.items()]
    total = int(table["countries"].max()) if len(table) else 0
    return _stacked_bars(short_names(taxonomy), series,
                         f"countries: first against latest NDC ({total} compared; 'absent in both' not drawn)",
                         "Changes between the first and the latest NDC, per concept")


def _stacked_bars(names: Sequence[str], series: Sequence[tuple[str, str, str, list[int]]], axis_label: str,
                  aria: str) -> str:
    """One horizontal bar per name, made of one segment per series (legend label, word, colour, values)."""
    size, bar_h, step, plot_w = 11, 16, 24, 420
    totals = [sum(values[i] for *_, values in series) for i in range(len(names))]
    tick = _tick_step(max(totals or [0]))
    top_value = max(tick, math.ceil(max(totals or [0]) / tick) * tick)
    scale = plot_w / top_value
    left = 10 + max(_text_width(name, size) for name in names)
    top = 8
    axis_y = top + step * len(names)
    legend_y = axis_y + 46
    width = max(left + plot_w + 24, _legend_width([label for label, *_ in series]) + 16,
                left + plot_w / 2 + _text_width(axis_label, size) / 2 + 8)
    parts = [_open(width, legend_y + 22, aria)]
    for value in range(0, top_value + 1, tick):               # grid and axis ticks at whole numbers
        x = left + value * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="{GRID}" stroke-width="0.6"/>'
                     f'<text x="{x:.1f}" y="{axis_y + 14}" font-size="{size - 1}" text-anchor="middle">{value}</text>')
    for i, name in enumerate(names):
        y = top + step * i + (step - bar_h) / 2
        parts.append(f'<text x="{left - 6:.1f}" y="{y + bar_h / 2 + size * 0.35:.1f}" font-size="{size}" '
                     f'text-anchor="end">{_text(name)}</text>')
        start = 0
        for _, word, colour, values in series:
            if values[i]:
                parts.append(f'<rect x="{left + start * scale:.1f}" y="{y:.1f}" width="{values[i] * scale:.1f}" '
                             f'height="{bar_h}" fill="{colour}" stroke="{EDGE}" stroke-width="0.3"><title>'
                             f'{_text(name)}: {values[i]} {"country" if values[i] == 1 else "countries"}, '
                             f'{_text(word)}</title></rect>')
            start += values[i]
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="{INK}" '
                 f'stroke-width="0.8"/><line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="{INK}" '
                 f'stroke-width="0.8"/>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{axis_y + 32}" font-size="{size}" text-anchor="middle">'
                 f'{_text(axis_label)}</text>')
    parts.append(_legend([(colour, label) for label, _, colour, _ in series], width, legend_y))
    parts.append("</svg>")
    return "".join(parts)


def _text(text: str) -> str:
    """Text for SVG: escaped, without the control characters XML cannot hold."""
    return _escape(XML_CONTROL.sub("", str(text)))


def _open(width: float, height: float, aria: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_text(aria)}" class="chart" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="{FONT}" fill="{INK}"><title>{_text(aria)}</title>')


def _legend(items: Sequence[tuple[str, str]], width: float, y: float) -> str:
    """Swatches and labels in one row, centred."""
    size = 9
    x = (width - _legend_width([label for _, label in items])) / 2
    parts = []
    for colour, label in items:
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="10" fill="{colour}" stroke="{EDGE}" '
                     f'stroke-width="0.3"/><text x="{x + 16:.1f}" y="{y + 8.5:.1f}" font-size="{size}">'
                     f'{_text(label)}</text>')
        x += 16 + _text_width(label, size) + 14
    return "".join(parts)


def _legend_width(labels: Sequence[str]) -> float:
    return sum(16 + _text_width(label, 9) + 14 for label in labels) - 14


def _tick_step(largest: int) -> int:
    """The smallest step of 1, 2 or 5 × 10ⁿ that puts at most eight steps on an axis up to ``largest``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= 8 * factor * magnitude:
                return factor * magnitude
        magnitude *= 10


def _text_width(text: str, size: float) -> float:
    """How wide ``text`` is in DejaVu Sans of ``size`` pixels (its advance widths; Verdana is as wide, most
    sans-serif fonts narrower); a letter with an accent counts as its letter, any other character (Cyrillic, Greek,
    "…", CJK) as one em, at least as wide as it is, so that a label is never cut off."""
    return size * sum(_WIDTHS.get(unicodedata.normalize("NFD", ch)[0], 1.0) for ch in text)


#: DejaVu Sans advance widths of the printable ASCII characters, in em (thousandths, from the font file).
_WIDTHS = {chr(32 + i): int(w) / 1000 for i, w in enumerate(("""
318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636
636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787
695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278
579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838
""").split())}


__all__ = ["CHANGE_COLOURS", "LEVEL_COLOURS", "changes", "heatmap", "levels_per_concept"]
