"""Views across countries, shared by the gap report and the HTML report: the world map per concept,
levels by World Bank region and income group, the countries with a quantified target per concept,
and chosen countries side by side (``ndc-scan compare``).

Each function takes aggregate tables and returns HTML text (document text escaped); nothing is
drawn for a view without data: it says so in one line.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Optional

import pandas as pd

from ..aggregate.coverage import latest_documents, level_of
from ..aggregate.groups import ALL, WB_SOURCE
from ..aggregate.tables import Tables
from ..taxonomy import CONCEPT_IDS, Taxonomy
from . import worldmap
from .plain import quote_html, where_link, where_links

CSS = """
.groups td.num{text-align:right}.groups th{white-space:nowrap}.bar{display:inline-block;height:.6rem;background:#6cc070;
vertical-align:middle;margin-right:.3rem}.compare td{min-width:9rem}.lvl{display:inline-block;padding:0 .35rem;
border-radius:3px}.key{list-style:none;padding:0;font-size:.9rem}.swatch{display:inline-block;width:.8rem;height:.8rem;
border:1px solid #999;margin-right:.35rem;vertical-align:-.1rem}span.quote[dir=rtl]{display:block;text-align:right}
"""
LEVEL_CSS = {"quantified target": "background:#1a7f37;color:#fff", "commitment": "background:#6cc070",
             "mention": "background:#f2d36b", "absent": "background:#f4f4f4", "no text layer": "background:#c9c9c9"}


def levels_by_country(tables: Tables, concept: str) -> dict[str, Optional[int]]:
    """ISO3 → level (None: not read) of the latest document of each country, for one concept."""
    return _layers(tables).get(concept, {})


def _layers(tables: Tables) -> dict[str, dict[str, Optional[int]]]:
    """concept → ISO3 → level (None: not read) of the latest document of each country."""
    latest = latest_documents(tables.documents) if len(tables.documents) else tables.documents
    cells = tables.coverage[tables.coverage["doc_id"].isin(latest["doc_id"])]
    layers: dict[str, dict[str, Optional[int]]] = {c: {} for c in CONCEPT_IDS}
    for cell in cells.itertuples(index=False):
        if cell.iso3 and cell.concept in layers:
            layers[cell.concept][cell.iso3] = level_of(cell)
    return layers


def map_section(tables: Tables, taxonomy: Taxonomy, *, id_prefix: str = "map") -> str:
    """The world map with a button per concept (levels of each country's latest document)."""
    layers = _layers(tables)
    if not any(layers.values()):
        return "<p>No country of the scan is known by its ISO code, so none can be put on a map.</p>"
    names = dict(zip(tables.documents["iso3"], tables.documents["country"]))
    return worldmap.render_switchable(layers, titles={c: taxonomy.concept_name(c) for c in CONCEPT_IDS}, names=names,
                                      id_prefix=id_prefix)


def groups_section(groups: pd.DataFrame, concept: str = "soil_carbon") -> str:
    """Per region and income group: countries assessed and how many reach each level, for every concept."""
    if groups.empty or int(groups[groups["group"] == ALL]["countries"].max() or 0) == 0:
        return "<p>No country with a known ISO code: nothing to group.</p>"
    parts = [f"<p class=meta>Latest document of each country. Groups: {escape(WB_SOURCE)}. “Found” counts countries "
             "whose NDC names the concept at any level; “commit” those with a commitment or a quantified target; the "
             "bar shows the share that commit.</p>"]
    for grouping in ("region", "income group"):
        part = groups[groups["grouping"].isin([grouping, "all"])]
        head = "".join(f"<th>{escape(name)}</th>" for name in part.drop_duplicates("concept")["concept_name"])
        rows = []
        for group, rows_of in part.groupby("group", sort=False):
            n = int(rows_of["countries"].max())
            cells = "".join(_share_cell(r) for r in rows_of.itertuples(index=False))
            rows.append(f"<tr><th>{escape(str(group))}</th><td class=num>{n}</td>{cells}</tr>")
        parts.append(f"<h3>By World Bank {escape(grouping)}</h3><table class=groups><tr><th>{escape(grouping)}</th>"
                     f"<th>countries</th>{head}</tr>{''.join(rows)}</table>")
    return "\n".join(parts)


def _share_cell(row) -> str:
    read = row.countries - row.not_read
    if not read:
        return "<td class=meta>not read</td>"
    committed = row.commitment + row.quantified_target
    width = round(40 * committed / read)
    return (f'<td class=num title="{row.mention} mention, {row.commitment} commitment, {row.quantified_target} '
            f'quantified target, {row.absent} absent"><span class=bar style="width:{width}px"></span>'
            f"found {row.found}, commit {committed} of {read}</td>")


def quantified_section(quantified: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy, base: Path) -> str:
    """Every country with a quantified target, concept by concept, with the targets and a quote."""
    if quantified.empty:
        return "<p>No country's latest NDC has a quantified target for any of the 10 concepts.</p>"
    paths = dict(zip(documents["doc_id"], documents["path"]))
    parts = []
    for concept in CONCEPT_IDS:
        rows = quantified[quantified["concept"] == concept]
        if rows.empty:
            parts.append(f"<h3>{escape(taxonomy.concept_name(concept))}</h3><p>No country.</p>")
            continue
        items = "".join(
            f"<tr><td>{escape(r.country)}</td><td>{escape(r.targets or 'a number near the concept (check the quote)')}"
            f"</td><td>{where_links(paths.get(r.doc_id, ''), r.pages, r.locators, base)}</td>"
            f"<td>{quote_html(_short(r.top_quote))} "
            f"{where_link(paths.get(r.doc_id, ''), r.top_quote_page, r.top_quote_locator, base)}</td></tr>"
            for r in rows.itertuples(index=False))
        parts.append(f"<h3>{escape(taxonomy.concept_name(concept))}: {len(rows)} "
                     f"countr{'y' if len(rows) == 1 else 'ies'}</h3><table><tr><th>country</th><th>targets (where)</th>"
                     f"<th>where</th><th>strongest passage</th></tr>{items}</table>")
    return "\n".join(parts)


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def compare_html(table: pd.DataFrame, countries: list[str], names: dict[str, str], paths: dict[str, str],
                 base: Path) -> str:
    """Chosen countries side by side: one row per concept, one column per country (``groups.compare_table``)."""
    head = "".join(f"<th>{escape(names.get(c, c))} ({escape(c)})</th>" for c in countries)
    rows = []
    for row in table.to_dict(orient="records"):
        cells = []
        for iso3 in countries:
            level = row[iso3]
            quote = row[f"{iso3}_quote"]
            cells.append(f'<td><span class=lvl style="{LEVEL_CSS.get(level, "")}">{escape(level)}</span> '
                         f"{where_links(paths.get(iso3, ''), row[f'{iso3}_pages'], row[f'{iso3}_locators'], base)}"
                         + (f"<br>{quote_html(_short(quote, 160))}" if isinstance(quote, str) and quote else "")
                         + "</td>")
        rows.append(f"<tr><th>{escape(row['concept_name'])}</th>{''.join(cells)}</tr>")
    return f"<table class=compare><tr><th>concept</th>{head}</tr>{''.join(rows)}</table>"


__all__ = ["CSS", "compare_html", "groups_section", "levels_by_country", "map_section", "quantified_section"]
