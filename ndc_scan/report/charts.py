"""Charts of the gap report, drawn with matplotlib (Agg) as inline SVG: no file, no network.

Each function takes aggregate tables and returns an ``<svg>`` element as text; text stays text
(``svg.fonttype = none``) so it can be searched and printed sharply. matplotlib is imported when a
chart is drawn, never at import of this module.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from ..taxonomy import CONCEPT_IDS, Taxonomy

LEVEL_COLOURS = ["#f4f4f4", "#f2d36b", "#6cc070", "#1a7f37"]          # 0 absent … 3 quantified target
LEVEL_LABELS = ["0 absent", "1 mention", "2 commitment", "3 quantified target"]
UNREAD_COLOUR = "#c9c9c9"
CHANGE_COLOURS = {"added": "#1a7f37", "strengthened": "#6cc070", "unchanged": "#d0d7de", "weakened": "#f2a65a",
                  "dropped": "#cf222e"}
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "ndc_scan", "font.size": 8,
                         "font.family": "DejaVu Sans"})
    return plt


def _svg(fig, label: str) -> str:
    """The figure as an inline ``<svg>`` (XML prologue and DOCTYPE dropped), with an accessible label."""
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', 1)


def short_names(taxonomy: Taxonomy) -> list[str]:
    return [taxonomy.concept_name(c) for c in CONCEPT_IDS]


def heatmap(latest: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """Countries (rows, latest document) × concepts (columns), coloured by level."""
    from matplotlib.colors import ListedColormap

    plt = _pyplot()
    latest = latest.sort_values("country")
    levels = coverage.set_index(["doc_id", "concept"])["level"]
    grid = [[-1 if pd.isna(levels.get((d, c))) else int(levels.get((d, c))) for c in CONCEPT_IDS]
            for d in latest["doc_id"]]
    height = max(2.4, 0.24 * len(grid) + 1.9)
    fig, ax = plt.subplots(figsize=(8.4, height))
    cmap = ListedColormap([UNREAD_COLOUR] + LEVEL_COLOURS)
    ax.imshow([[v + 1 for v in row] for row in grid] or [[0] * len(CONCEPT_IDS)], cmap=cmap, vmin=0, vmax=4,
              aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(CONCEPT_IDS)), short_names(taxonomy), rotation=40, ha="left", fontsize=9)
    ax.xaxis.tick_top()
    labels = [f"{c} ({i})" if i else c for c, i in zip(latest["country"], latest["iso3"])]
    ax.set_yticks(range(len(labels)), labels, fontsize=10)          # readable on screen and in print (issue 17)
    ax.set_xticks([x - 0.5 for x in range(1, len(CONCEPT_IDS))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(labels))], minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in LEVEL_COLOURS + [UNREAD_COLOUR]]
    ax.legend(handles, LEVEL_LABELS + ["not read"], loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5,
              fontsize=9, frameon=False)
    return _svg(fig, "Coverage heat map: countries by concepts, coloured by level")


def levels_per_concept(latest: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """For each concept, how many countries (latest document) reach each level."""
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    rows = coverage[coverage["doc_id"].isin(latest["doc_id"]) & coverage["level"].notna()]
    counts = pd.crosstab(rows["concept"], rows["level"].astype(int)).reindex(
        index=list(CONCEPT_IDS), columns=range(4), fill_value=0)
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    left = [0] * len(CONCEPT_IDS)
    names = short_names(taxonomy)
    for level in range(4):
        values = list(counts[level])
        ax.barh(names, values, left=left, color=LEVEL_COLOURS[level], edgecolor="#999", linewidth=0.3,
                label=LEVEL_LABELS[level])
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))            # countries are whole numbers
    ax.set_xlabel("countries (latest document)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "Levels per concept: number of countries at each level")


def changes(progress: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """For each concept, how the latest NDC compares with the first (countries with several versions)."""
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    names = short_names(taxonomy)
    table = progress.set_index("concept").reindex(list(CONCEPT_IDS)).fillna(0)
    left = [0] * len(CONCEPT_IDS)
    for change, colour in CHANGE_COLOURS.items():
        values = [int(v) for v in table[change]]
        ax.barh(names, values, left=left, color=colour, edgecolor="#999", linewidth=0.3, label=change)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    total = int(table["countries"].max()) if len(table) else 0
    ax.set_xlabel(f"countries: first against latest NDC ({total} compared; 'absent in both' not drawn)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "Changes between the first and the latest NDC, per concept")


__all__ = ["CHANGE_COLOURS", "LEVEL_COLOURS", "changes", "heatmap", "levels_per_concept"]
