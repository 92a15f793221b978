"""``ndc-scan briefs`` and ``ndc-scan compare``: reports made again from a store, without reading any PDF.

Registered on the main command group by ``cli/main.py``; errors go through ``common.run`` like every command's.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..aggregate.coverage import label_source
from ..defaults import DEFAULT_STORE
from ..pipeline import load_tables
from ..report.brief_files import parse_formats, write_briefs
from ..report.compare import write_compare
from ..report.gap import all_briefs, reviewed_count
from ..taxonomy import load_taxonomy
from .common import country as _country
from .common import echo as _echo
from .common import run as _run


@click.command()
@click.option("--store", default=str(DEFAULT_STORE), show_default=True, type=click.Path(dir_okay=False),
              help="Store holding the scan (made by 'ndc-scan scan').")
@click.option("--out", default="reports/briefs", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the brief files.")
@click.option("--format", "formats", default="pdf,docx", show_default=True,
              help="Comma-separated: pdf (printed by headless Chromium), docx (Word), html.")
@click.option("--country", "countries", multiple=True, metavar="COUNTRY",
              help="Only this country (ISO3 code or name in en/fr/es/pt/ar/ru); repeat for several. Default: all.")
@click.option("--engine", type=click.Choice(["auto", "playwright", "chromium"]), default="auto", show_default=True,
              help="How PDFs are printed: Playwright when installed, else the Chromium command line.")
@click.pass_context
def briefs(ctx, store, out, formats, countries, engine):
    """Write the one-page country briefs as PDF and Word files (from the store; no PDF is read again).

    Each brief covers a country's latest NDC: levels with the key, quotes with pages, quantified
    targets, gaps and changes since its previous NDC.

    \b
    Examples:
      ndc-scan briefs --format pdf,docx
      ndc-scan briefs --country Kenya --country UGA --format docx --out briefs/east-africa
    """
    chosen = _run(ctx, lambda: parse_formats(formats))
    wanted = {_country(ctx, c, "--country") for c in countries}
    tables = _run(ctx, lambda: load_tables(store))
    tax = load_taxonomy()
    found = [b for b in all_briefs(tables, tax) if not wanted or b.iso3 in wanted]
    if wanted - {b.iso3 for b in found}:
        _echo(f"error: not in {store}: {', '.join(sorted(wanted - {b.iso3 for b in found}))}: scan its NDC first",
              err=True)
        ctx.exit(2)
    written = _run(ctx, lambda: write_briefs(found, Path(out), chosen, source=label_source(tables.passages),
                                             reviewed=reviewed_count(tables.passages), engine=engine))
    _echo(f"Wrote {len(written)} file(s) for {len(found)} countr{'y' if len(found) == 1 else 'ies'} into {out}/ "
          f"({', '.join(chosen)}).")


@click.command()
@click.argument("countries", nargs=-1, required=True)
@click.option("--store", default=str(DEFAULT_STORE), show_default=True, type=click.Path(dir_okay=False),
              help="Store holding the scan (made by 'ndc-scan scan').")
@click.option("--out", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for compare_<ISO3>_….html and .csv.")
@click.pass_context
def compare(ctx, countries, store, out):
    """Put chosen countries side by side: the level of each concept, pages and quotes (HTML and CSV).

    COUNTRIES are ISO3 codes or names in en/fr/es/pt/ar/ru; each is shown by its latest NDC.

    \b
    Examples:
      ndc-scan compare KEN UGA TZA
      ndc-scan compare Niger Mali "Burkina Faso" --out reports/sahel
    """
    codes = [_country(ctx, c, "country") for c in countries]
    tables = _run(ctx, lambda: load_tables(store))
    written = _run(ctx, lambda: write_compare(tables, codes, Path(out), taxonomy=load_taxonomy()))
    _echo("Wrote " + ", ".join(str(p) for p in written))


__all__ = ["briefs", "compare"]
