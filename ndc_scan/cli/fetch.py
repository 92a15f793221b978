"""``ndc-scan fetch``: download the NDCs a registry catalog lists into a folder, with ``fetched.csv``.

Registered on the main command group by ``cli/main.py``; errors go through ``common.run``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..defaults import DATA_DIR, shown
from ..fetch.catalog import Selection
from ..fetch.download import HttpSettings
from ..fetch.fetcher import FetchResult, describe
from ..fetch.fetcher import fetch as run_fetch
from ..fetch.ledger import FAILURES, FETCHED
from ..read.metadata import LANGUAGE_NAMES
from ..records import ADDENDUM, DOCUMENT_KINDS
from .common import Bar
from .common import country as _country
from .common import echo as _echo
from .common import run as _run

REGISTRY = DATA_DIR / "unfccc_ndc_registry_catalog.csv"
_LANGUAGES = sorted(set(LANGUAGE_NAMES.values()))


@click.command()
@click.option("--catalog", default=str(REGISTRY), show_default="the shipped UNFCCC NDC registry catalog",
              type=click.Path(dir_okay=False),
              help="Registry catalog (CSV): the UNFCCC NDC registry's (code, party, title, fileType, language, version, "
                   "status, submissionDate, encodedAbsUrl) or openclimatedata's INDC / national-climate-plans catalogs.")
@click.option("--out", default="ndcs", show_default=True, type=click.Path(file_okay=False),
              help=f"Folder for the files, {FETCHED} and {FAILURES}.")
@click.option("--latest", is_flag=True,
              help="Per Party, the newest active submission only: its English version where one exists (or the "
                   "--language given), else the original.")
@click.option("--party", "parties", multiple=True, metavar="COUNTRY",
              help="Only this Party (ISO3 code or name in en/fr/es/pt/ar/ru); repeat for several.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([*DOCUMENT_KINDS, ADDENDUM]),
              help="Only this kind of document; repeat for several. Default: every kind but addenda.")
@click.option("--language", "languages", multiple=True, metavar="LANG",
              help=f"Only documents in this language ({', '.join(_LANGUAGES)}); with --latest, the version preferred. "
                   "Repeat for several, in order of preference.")
@click.option("--since", default="", metavar="DATE", help="Only documents submitted on or after DATE (YYYY-MM-DD).")
@click.option("--base-url", metavar="URL",
              help="Replace the catalog's host with this address (a mirror, or a test server: http://127.0.0.1:8000).")
@click.option("--rate", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="At most this many requests a second to one host (0: no limit).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a server may stay silent (connecting or sending) before the try fails.")
@click.option("--max-time", default=900.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds one file may take in all; an unfinished file is carried on by the next run.")
@click.option("--max-size", default=200, show_default=True, type=click.IntRange(min=1),
              help="Largest file accepted, in MB.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(min=0, max=10),
              help="Tries after the first for dropped connections, timeouts and answers 429/500/502/503/504 "
                   "(waiting 1, 2, 4 … s, or what Retry-After says).")
@click.option("--dry-run", is_flag=True, help="List what would be fetched, with the file names; download nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.pass_context
def fetch(ctx, catalog, out, latest, parties, kinds, languages, since, base_url, rate, timeout, max_time, max_size,
          retries, dry_run, quiet):
    """Download NDCs from a registry catalog into a folder, named ISO3_kind_year[_lang].ext, with fetched.csv.

    Resumable and polite: files already there (same size and SHA-256) are not asked for again, an
    interrupted download carries on, at most --rate requests a second go to one host. fetched.csv
    (address, file, size, SHA-256, HTTP date, catalog row) is read by 'ndc-scan scan' of the folder,
    so titles, submission dates and registry links reach the reports.

    \b
    Examples:
      ndc-scan fetch --latest --out ndcs/ && ndc-scan scan ndcs/
      ndc-scan fetch --party KEN --party Uganda --kind ndc3 --out ndcs/
      ndc-scan fetch --catalog ocd_indcs_catalog.csv --language fr --since 2015-01-01 --dry-run
    """
    bad = [lang for lang in languages if LANGUAGE_NAMES.get(lang.lower(), lang.lower()) not in _LANGUAGES]
    if bad:
        _echo(f"error: --language {', '.join(bad)}: not one of {', '.join(_LANGUAGES)}", err=True)
        ctx.exit(2)
    selection = _run(ctx, lambda: Selection(
        latest=latest, parties=tuple(_country(ctx, p, "--party") for p in parties), kinds=tuple(kinds),
        languages=tuple(LANGUAGE_NAMES.get(lang.lower(), lang.lower()) for lang in languages), since=since))
    settings = HttpSettings(rate=rate, timeout=timeout, max_time=max_time, max_size=max_size * 2**20, retries=retries)
    bar = Bar("Fetching") if not (quiet or dry_run) and sys.stderr.isatty() else None

    def attempt() -> FetchResult:
        try:
            return run_fetch(catalog, out, selection, base_url=base_url, settings=settings, progress=bar,
                             dry_run=dry_run)
        except KeyboardInterrupt:
            _echo(f"\ninterrupted: every file finished so far is in {out}/ and {FETCHED}; run the same command "
                  "again to carry on (an unfinished file continues where it stopped)", err=True)
            ctx.exit(130)
            raise AssertionError("unreachable: ctx.exit raises") from None     # pragma: no cover

    try:
        result = _run(ctx, attempt)
    finally:
        if bar:
            bar.finish()
    if dry_run:
        for line in describe(result.selected, result.names):
            _echo(line)
        _echo(f"{len(result.selected)} document(s) would be fetched into {out}/", err=True)
        return
    if not quiet:
        _summary(result, out)
    if result.failures:
        ctx.exit(3)


def _summary(result: FetchResult, out: str) -> None:
    echo = lambda text="": _echo(text, err=True)
    speed = result.n_bytes / result.seconds / 2**20 if result.seconds else 0.0
    echo(f"Fetched {len(result.fetched)} of {len(result.selected)} document(s) into {shown_path(out)} "
         f"({result.n_bytes / 2**20:.1f} MB in {result.seconds:.1f} s, {speed:.2f} MB/s); "
         f"{len(result.present)} already there and unchanged"
         + (f"; {result.resumed} carried on from an interrupted download" if result.resumed else "") + ".")
    if result.skipped_rows:
        echo(f"{len(result.skipped_rows)} catalog row(s) left out: " + "; ".join(result.skipped_rows[:5])
             + (" …" if len(result.skipped_rows) > 5 else ""))
    if result.failures:
        echo(f"{len(result.failures)} document(s) failed (also in {FAILURES}):")
        for failure in result.failures:
            echo(f"  {failure.path}: {failure.problem} -> {failure.remedy}")
    echo(f"Next: ndc-scan scan {shown_path(out)}   ({FETCHED} gives the reports their titles, dates and registry links)")


def shown_path(out: str) -> str:
    return shown(Path(out).resolve())
