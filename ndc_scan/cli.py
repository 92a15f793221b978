"""The ``ndc-scan`` command line: thin wrappers around the library.

Each command checks its arguments, calls one public function and formats the
result. Errors become one readable line and the error's exit code;
``--verbose`` shows tracebacks.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter

import click

from .errors import NdcScanError
from .store import DEFAULT_STORE

STORE_HELP = f"SQLite store of this workspace (default {DEFAULT_STORE}); re-runs reuse what it holds."


def _run(ctx: click.Context, action):
    """Run ``action``; turn library errors into one line and an exit code."""
    try:
        return action()
    except NdcScanError as exc:
        if ctx.obj.get("verbose"):
            raise
        click.echo(f"error: {exc}", err=True)
        ctx.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: every document finished so far is kept in the store; "
                   "run the same command again to carry on", err=True)
        ctx.exit(130)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show debug logging and full tracebacks.")
@click.version_option(package_name="ndc-scan")
@click.pass_context
def main(ctx: click.Context, verbose: bool):
    """Find what countries' climate pledges (NDCs) say about soil carbon and land management.

    Scan a folder of NDC PDFs in any UN language; get per-country coverage of
    10 soil and land concepts (CSV, Excel, HTML), each finding with its page
    and quote. Start with:  ndc-scan scan corpora/sample --out reports
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for coverage.csv, countries.csv, passages.csv, documents.csv, failures.csv, targets.csv, "
                   "gaps.csv, versions.csv, progress.csv, report.xlsx, report.html, gap_report.html, briefs/.")
@click.option("--store", default=DEFAULT_STORE, show_default=True, type=click.Path(dir_okay=False), help=STORE_HELP)
@click.option("--metadata", type=click.Path(dir_okay=False),
              help="CSV that overrides inferred country/kind/year/language: columns file or sha256 plus any of "
                   "iso3,country,kind,year,language; the UNFCCC registry catalog format is accepted too.")
@click.option("--lang", help="Force the document language (en, fr, es, pt, ar, ru) instead of detecting it.")
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV to use instead of the bundled one.")
@click.option("--all-versions", is_flag=True, help="countries.csv: one row per document instead of the latest per country.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read.")
@click.option("--timeout", default=600.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds allowed to read one file (OCR included); a file that takes longer is reported and skipped.")
@click.option("--jobs", "-j", default=os.cpu_count() or 1, show_default="number of cores", type=click.IntRange(min=1),
              help="Files read at once, each in its own process (the store is written by one process).")
@click.option("--engine", type=click.Choice(["pdfplumber", "pdfium"]), default="pdfplumber", show_default=True,
              help="PDF text engine: pdfplumber (reference) or pdfium (several times faster, same records).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer (they are reported as unread).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.pass_context
def scan(ctx, paths, out, store, metadata, lang, taxonomy, all_versions, password, strict, timeout, jobs, engine, no_ocr, quiet):
    """Scan NDC PDFs (files, folders searched recursively, or glob patterns) and write the reports.

    \b
    Examples:
      ndc-scan scan corpora/sample
      ndc-scan scan ndcs/ --metadata unfccc_ndc_registry_catalog.csv --out reports/2025
      ndc-scan scan 'downloads/*.pdf' --lang fr
    """
    from .documents import discover
    from .pipeline import scan as run_scan

    if lang and lang not in ("en", "fr", "es", "pt", "ar", "ru"):
        click.echo(f"error: --lang {lang!r}: not one of en, fr, es, pt, ar, ru", err=True)
        ctx.exit(2)
    total = len(_run(ctx, lambda: discover(paths)))
    show_bar = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=total, label="Scanning", file=sys.stderr, show_pos=True,
                            item_show_func=lambda name: name) if show_bar else None
    progress = (lambda name: bar.update(1, name)) if bar else None
    try:
        result = _run(ctx, lambda: run_scan(paths, out=out, store=store, metadata=metadata, lang=lang,
                                           taxonomy=taxonomy, all_versions=all_versions, password=password,
                                           strict=strict, ocr=not no_ocr, timeout=timeout, jobs=jobs, engine=engine,
                                           progress=progress))
    finally:
        if bar:
            bar.render_finish()
    if not quiet:
        _summary(result, out)
    if result.failures:
        ctx.exit(3)


def _summary(result, out) -> None:
    docs = result.tables["documents"]
    coverage = result.tables["coverage"]
    echo = lambda text="": click.echo(text, err=True)  # noqa: E731
    echo(f"Scanned {len(docs)} documents ({int(docs['n_pages'].sum()) if len(docs) else 0} pages) from "
         f"{docs['iso3'].replace('', None).nunique()} countries in {result.seconds:.1f} s: "
         f"{result.extracted} extracted, {result.reused} unchanged, {result.retagged} tagged.")
    for warning in result.warnings:
        echo(f"warning: {warning}")
    unread = int((docs["read_status"] == "no text layer").sum()) if len(docs) else 0
    if unread:
        echo(f"{unread} document(s) have no usable text layer and were not assessed.")
    ocr_docs = int((docs["pages_ocr"] > 0).sum()) if len(docs) else 0
    if ocr_docs:
        echo(f"{ocr_docs} document(s) read with OCR ({int(docs['pages_ocr'].sum())} pages).")
    found = coverage[coverage["level"].fillna(0) > 0]
    counts = Counter(found["concept"])
    strong = Counter(found[found["level"] >= 2]["concept"])
    echo("Documents per concept (any level / commitment or target):")
    for concept in coverage["concept"].drop_duplicates():
        echo(f"  {concept:<28} {counts.get(concept, 0):>4} / {strong.get(concept, 0):>4}")
    if result.failures:
        echo(f"{len(result.failures)} file(s) failed:")
        for failure in result.failures:
            echo(f"  {failure.path}: {failure.problem} -> {failure.remedy}")
    if result.written:
        echo(f"Reports in {out}/: " + ", ".join(p.name for p in result.written))


@main.command()
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV to check (default: the bundled one).")
@click.pass_context
def taxonomy(ctx, taxonomy):
    """Validate a taxonomy file and print its terms per concept and language, and its hash."""
    from .taxonomy import CONCEPT_IDS, LANGUAGES, load_taxonomy

    tax = _run(ctx, lambda: load_taxonomy(taxonomy))
    counts = Counter((t.concept, t.lang) for t in tax.terms if t.kind != "negative")
    negatives = Counter(t.concept for t in tax.terms if t.kind == "negative")
    click.echo(f"{tax.path}: {len(tax.terms)} terms, hash {tax.hash}")
    click.echo(f"{'concept':<28}" + "".join(f"{lang:>5}" for lang in LANGUAGES) + "  negative")
    for concept in CONCEPT_IDS:
        click.echo(f"{concept:<28}" + "".join(f"{counts.get((concept, lang), 0):>5}" for lang in LANGUAGES)
                   + f"  {negatives.get(concept, 0):>8}")


@main.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--coverage", "coverage_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="coverage.csv written by 'ndc-scan scan' over the labelled documents.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the per-concept table (CSV) and the errors here.")
@click.pass_context
def evaluate(ctx, labels, coverage_path, out):
    """Compare document-level coverage with hand labels (e.g. corpora/labels/documents.csv).

    Prints precision, recall and F1 per concept for "concept present" and the
    share of exact level agreement.
    """
    from .evaluate import evaluate_documents

    result = _run(ctx, lambda: evaluate_documents(labels, coverage_path))
    click.echo(result.table.to_string(index=False))
    click.echo(f"\n{result.summary}")
    if out:
        result.table.to_csv(out, index=False)
        result.errors.to_csv(str(out).replace(".csv", "") + "_errors.csv", index=False)
