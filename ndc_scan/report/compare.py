"""Chosen countries side by side (``ndc-scan compare KEN UGA TZA``): one HTML page and one CSV.

Each country is shown by its latest document: the level of each concept in words, its pages
(links into the PDF) and its strongest quote; the CSV holds the same, a row per concept.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from ..aggregate.coverage import label_source, latest_documents
from ..aggregate.groups import compare_table
from ..aggregate.tables import Tables
from ..errors import UsageError
from ..taxonomy import Taxonomy
from . import views
from .briefs import KEY_COLOURS
from .plain import level_key_html

CSS = """body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;
color:#1f2328;line-height:1.4}table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ddd;
padding:.3rem .4rem;vertical-align:top;text-align:left}.meta{color:#57606a;font-size:.85rem}a{color:inherit}"""


def write_compare(tables: Tables, countries: Sequence[str], out: Path, *, taxonomy: Taxonomy) -> list[Path]:
    """Write ``compare_<ISO3>_<ISO3>….html`` and ``.csv`` into ``out``; return both paths.

    A country not in the tables is a ``UsageError`` naming it and the countries there are.
    """
    countries = list(dict.fromkeys(countries))
    try:
        table = compare_table(tables.coverage, tables.documents, countries, taxonomy)
    except KeyError as exc:
        known = ", ".join(sorted(c for c in set(tables.documents["iso3"]) if c))
        raise UsageError(f"not in the store: {exc.args[0]}", remedy=f"scan its NDC first; the store holds {known}") from None
    out.mkdir(parents=True, exist_ok=True)
    stem = "compare_" + "_".join(countries)
    csv_path, html_path = out / f"{stem}.csv", out / f"{stem}.html"
    table.to_csv(csv_path, index=False, encoding="utf-8")
    documents = latest_documents(tables.documents)
    names = dict(zip(documents["iso3"], documents["country"]))
    paths = dict(zip(documents["iso3"], documents["path"]))
    html_path.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Countries side by side: "
        f"{escape(', '.join(names.get(c, c) for c in countries))}</title><style>{CSS}{views.CSS}</style></head><body>"
        f"<h1>Soils and land in the NDCs of {escape(', '.join(names.get(c, c) for c in countries))}</h1>"
        f"<p class=meta>The latest NDC of each country in the scan. Levels come from "
        f"{escape(label_source(tables.passages))}; page numbers link to the PDF.</p>"
        + level_key_html(KEY_COLOURS) + views.compare_html(table, countries, names, paths, out) + "</body></html>",
        encoding="utf-8")
    return [html_path, csv_path]


__all__ = ["write_compare"]
