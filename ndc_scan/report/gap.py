"""The advocacy gap report (``gap_report.html``) and the country briefs (``briefs/<ISO3>.html`` and ``.md``).

Self-contained and readable offline: inline styles, charts as inline SVG (``charts.py``), no
script, no external request; every piece of document text is HTML-escaped. Renderers only format
the tables of ``aggregate.build_tables``.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import Path

import pandas as pd

from ..aggregate.coverage import label_source, latest_documents, quote
from ..aggregate.tables import Tables
from ..taxonomy import CONCEPT_IDS, Taxonomy
from . import briefs, charts, views
from .output import output_error, written
from .plain import quote_html, where_link

QUOTE_CHARS = 220
CSS = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem auto;color:#1f2328;max-width:1100px;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}h3{margin:1.2rem 0 .3rem}
table{border-collapse:collapse;font-size:.8rem;width:100%;display:block;overflow-x:auto}\
th,td{border:1px solid #ddd;padding:.2rem .4rem;vertical-align:top;text-align:left}
th{background:#fafafa}.num{text-align:right}.meta{color:#57606a;font-size:.85rem}
.figures{display:flex;flex-wrap:wrap;gap:.8rem}.figures div{border:1px solid #ddd;border-radius:4px;padding:.4rem .8rem}
.figures strong{display:block;font-size:1.3rem}svg.chart{max-width:100%;height:auto}
.added,.strengthened{color:#1a7f37;font-weight:bold}.dropped,.weakened{color:#cf222e;font-weight:bold}
q{font-style:italic}
@media print{body{margin:0;max-width:none}h2{page-break-before:always}svg.chart{page-break-inside:avoid}}
"""


def write(tables: Tables, out: Path, *, taxonomy: Taxonomy) -> list[Path]:
    """Write gap_report.html and one brief per country (latest document) into ``out``.

    Returns the path of every file written (the report, then each brief's HTML and Markdown).
    """
    folder = out / "briefs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder, exc) from exc
    source = label_source(tables.passages)
    reviewed = reviewed_count(tables.passages)
    files = []
    for brief in all_briefs(tables, taxonomy):
        with written(folder / f"{brief.file_stem}.html") as path:
            path.write_text(briefs.render_html(brief, source=source, base=folder, reviewed=reviewed), encoding="utf-8")
        with written(folder / f"{brief.file_stem}.md") as path:
            path.write_text(briefs.render_markdown(brief, source=source, reviewed=reviewed), encoding="utf-8")
        files += [folder / f"{brief.file_stem}.html", folder / f"{brief.file_stem}.md"]
    with written(out / "gap_report.html") as path:
        path.write_text(render(tables, taxonomy=taxonomy, base=out), encoding="utf-8")
    return [out / "gap_report.html", *files]


def all_briefs(tables: Tables, taxonomy: Taxonomy) -> list[briefs.Brief]:
    """The brief of each country's latest document (each document of unknown country), each with its own file name."""
    latest = latest_documents(tables.documents)
    stems = briefs.file_stems(latest)
    by_document = briefs.ByDocument(tables)
    return [replace(briefs.build(doc, tables, taxonomy, by_document), stem=stems[doc.doc_id])
            for doc in latest.itertuples(index=False)]


def reviewed_count(passages: pd.DataFrame) -> int:
    """How many passage labels a reviewer decided."""
    return int((passages["reviewed"] != "").sum()) if "reviewed" in passages and len(passages) else 0


def render(tables: Tables, *, taxonomy: Taxonomy, base: Path = Path(".")) -> str:
    """The gap report; page numbers link into the PDFs relative to the folder ``base`` the report is written to."""
    documents, coverage = tables.documents, tables.coverage
    latest = latest_documents(documents)
    readable = latest[latest["doc_id"].isin(coverage[coverage["level"].notna()]["doc_id"])]
    reviewed = reviewed_count(tables.passages)
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>ndc_scan: soils and land in NDCs, advocacy gap report</title>",
        f"<style>{CSS}{views.CSS}</style></head><body>",
        "<h1>Soils and land in NDCs: advocacy gap report</h1>",
        f"<p class=meta>{len(documents)} documents from {latest['iso3'].replace('', pd.NA).nunique()} countries; "
        f"the latest document of each country unless said otherwise. Levels come from "
        f"{escape(label_source(tables.passages))}; "
        + (f"{reviewed} finding{'s' if reviewed != 1 else ''} checked by people" if reviewed else
           "not yet checked by a reviewer")
        + f": check each quote on its page (page numbers link to the PDF; {escape(briefs.PAGE_WORDS)}).</p>",
        briefs.level_key_html(briefs.KEY_COLOURS),
        _figures(tables, latest, readable),
        "<h2>World map</h2>", "<p class=meta>Choose a concept; hover over a country for its level.</p>",
        views.map_section(tables, taxonomy, id_prefix="gapmap"),
        "<h2>Coverage: countries × concepts</h2>", charts.heatmap(latest, coverage, taxonomy),
        "<h2>Levels per concept</h2>", _levels_chart(readable, coverage, taxonomy),
        "<h2>Countries with a quantified target, concept by concept</h2>",
        views.quantified_section(tables.quantified, documents, taxonomy, base),
        "<h2>By region and income group</h2>", views.groups_section(tables.groups),
        "<h2>Changes between versions</h2>", _changes(tables.progress, taxonomy),
        "<h2>Gap ranking</h2>", _gap_method(), _ranking(tables.gaps, briefs.file_stems(latest)),
        '<h2 id="targets">Quantified land and soil targets</h2>', _targets(tables.targets, latest, taxonomy, base),
        "<h2>What changed, country by country</h2>", _versions(tables.versions, documents, coverage, base),
        "</body></html>",
    ]
    return "\n".join(parts)


def _levels_chart(readable: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    if len(readable) < 2:
        return (f"<p>{len(readable)} countr{'y' if len(readable) == 1 else 'ies'} assessed: the table above shows "
                "every level; a chart needs at least two countries.</p>")
    return charts.levels_per_concept(readable, coverage, taxonomy)


def _changes(progress: pd.DataFrame, taxonomy: Taxonomy) -> str:
    compared = int(progress["countries"].max()) if len(progress) else 0
    if not compared:
        return "<p>No country has two NDCs in this scan, so there is no change to show.</p>"
    return ("<p class=meta>Countries with several NDCs in the scan: their first against their latest (translations "
            "of one submission left out). Step by step: the country sections below.</p>"
            + charts.changes(progress, taxonomy) + _progress(progress))


def _figures(tables: Tables, latest: pd.DataFrame, readable: pd.DataFrame) -> str:
    coverage, targets, versions = tables.coverage, tables.targets, tables.versions
    soc = coverage[coverage["doc_id"].isin(readable["doc_id"]) & (coverage["concept"] == "soil_carbon")]
    land = targets[targets["doc_id"].isin(latest["doc_id"]) & targets["measure"].isin(["area", "share_of_area"])]
    figures = [
        (len(readable), "countries assessed (latest NDC with readable text)"),
        (int((soc["level"] > 0).sum()), "name soil carbon (at any level)"),
        (int((soc["level"] >= 2).sum()), "commit to act on soil carbon"),
        (int((soc["level"] == 3).sum()), "give a number for soil carbon"),
        (land["iso3"].nunique(), "give a land area target (hectares or a share of land)"),
        (versions["iso3"].nunique(), "countries with more than one NDC in the scan"),
    ]
    return "<div class=figures>" + "".join(f"<div><strong>{n}</strong>{escape(label)}</div>" for n, label in figures) + "</div>"


def _progress(progress: pd.DataFrame) -> str:
    head = ("<tr><th>concept</th><th>compared</th><th>found first</th><th>found latest</th><th>quantified first</th>"
            "<th>quantified latest</th><th>added</th><th>strengthened</th><th>unchanged</th><th>weakened</th>"
            "<th>dropped</th></tr>")
    rows = "".join(
        f"<tr><td>{escape(r.concept_name)}</td>" + "".join(
            f"<td class=num>{v}</td>" for v in (r.countries, r.first_found, r.latest_found, r.first_quantified,
                                                 r.latest_quantified, r.added, r.strengthened, r.unchanged,
                                                 r.weakened, r.dropped)) + "</tr>"
        for r in progress.itertuples(index=False))
    return f"<table>{head}{rows}</table>"


def _gap_method() -> str:
    return (f"<p class=meta>Gap score, 0 to 100: {escape(briefs.GAP_SCORE)}. Rank 1 = the largest gap. The gaps are "
            "stated in plain words for each country.</p>")


def _ranking(gaps: pd.DataFrame, stems: dict[str, str]) -> str:
    rows = []
    for g in gaps[gaps["latest"]].itertuples(index=False):
        stem = stems[g.doc_id]
        score = "" if pd.isna(g.gap_score) else f"{g.gap_score:.0f}"
        rank = "" if pd.isna(g.rank) else str(int(g.rank))
        found = "" if pd.isna(g.concepts_found) else f"{g.concepts_found} / {g.concepts_committed} / {g.concepts_quantified}"
        items = "".join(f"<li>{escape(text)}</li>" for text in str(g.gaps).split(" | ") if text)
        rows.append(f'<tr id="gap-{escape(stem)}"><td class=num>{rank}</td><td><a href="briefs/{escape(stem)}.html">'
                    f"{escape(g.country)}</a> <span class=meta>{escape(g.iso3)}</span></td><td>{escape(g.document)}</td>"
                    f"<td class=num>{score}</td><td class=num>{found}</td><td><ul>{items}</ul></td></tr>")
    return ("<table><tr><th>rank</th><th>country (brief)</th><th>document</th><th>gap score</th>"
            f"<th>concepts found / committed / quantified</th><th>gaps</th></tr>{''.join(rows)}</table>")


def _targets(targets: pd.DataFrame, latest: pd.DataFrame, taxonomy: Taxonomy, base: Path) -> str:
    mine = targets[targets["doc_id"].isin(latest["doc_id"])]
    if mine.empty:
        return "<p>No quantified target found.</p>"
    paths = dict(zip(latest["doc_id"], latest["path"]))
    rows = "".join(
        f"<tr><td>{escape(t.country)}</td><td class=num>{where_link(paths.get(t.doc_id, ''), t.page, t.locator, base)}</td>"
        f"<td>{escape(', '.join(taxonomy.concept_name(c) for c in t.concepts.split(';') if c))}</td>"
        f"<td>{escape(t.quantity)}</td><td>{escape(briefs.normalised(t._asdict()))}</td>"
        f"<td>{'' if pd.isna(t.target_year) else int(t.target_year)}</td><td>{escape(briefs._support(t.conditional))}</td>"
        f"<td>{quote_html(briefs.around(t.quote, t.quantity, QUOTE_CHARS))}</td></tr>"
        for t in mine.sort_values(["country", "page"]).itertuples(index=False))
    return (f"<p class=meta>{len(mine)} targets in the latest documents ({len(targets)} in all documents scanned).</p>"
            "<table><tr><th>country</th><th>where</th><th>concepts</th><th>as written</th><th>in hectares or tonnes</th>"
            f"<th>by</th><th>support</th><th>sentence</th></tr>{rows}</table>")


def _versions(versions: pd.DataFrame, documents: pd.DataFrame, coverage: pd.DataFrame, base: Path) -> str:
    if versions.empty:
        return "<p>No country has several documents in this scan.</p>"
    paths = dict(zip(documents["doc_id"], documents["path"]))
    terms = dict(zip(zip(coverage["doc_id"], coverage["concept"]), coverage["matched_terms"]))
    parts = []
    for (iso3, _), group in versions.groupby(["iso3", "step"], sort=True):
        first = group.iloc[0]
        changed = group[~group["change"].isin(["absent in both", "unchanged"])]
        note = " — the same submission in another language" if first["relation"].startswith("same") else ""
        parts.append(f"<h3>{escape(first['country'])} ({escape(iso3)}): {escape(first['from_document'])} → "
                     f"{escape(first['to_document'])}{escape(note)}</h3>")
        if changed.empty:
            parts.append("<p>No concept changed level.</p>")
            continue
        rows = "".join(
            f"<tr><td>{escape(r.concept_name)}</td><td>{escape(r.from_level_name.replace('_', ' '))}</td>"
            f"<td>{escape(r.to_level_name.replace('_', ' '))}</td>"
            f"<td class=\"{escape(r.change.replace(' ', '-'))}\">{escape(r.change)}</td>"
            f"<td>{_quote(r, 'from', terms, paths, base)}</td><td>{_quote(r, 'to', terms, paths, base)}</td></tr>"
            for r in changed.itertuples(index=False))
        parts.append("<table><tr><th>concept</th><th>before</th><th>after</th><th>change</th><th>quote before</th>"
                     f"<th>quote after</th></tr>{rows}</table>")
    return "\n".join(parts)


def _quote(row, side: str, terms: dict, paths: dict, base: Path) -> str:
    """The quote of one side (``from``, ``to``) of a versions row, shortened around its first matched term (``terms``:
    the coverage cells' ``matched_terms``), with its page."""
    text, doc_id = getattr(row, f"{side}_quote"), getattr(row, f"{side}_doc_id")
    if not isinstance(text, str) or not text:
        return ""
    where = where_link(paths.get(doc_id, ""), getattr(row, f"{side}_page"), getattr(row, f"{side}_locator"), base)
    return f"{quote_html(quote(text, terms.get((doc_id, row.concept), ''), 160))} <span class=meta>{where}</span>"


__all__ = ["CONCEPT_IDS", "render", "write"]
