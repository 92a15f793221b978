"""The ``ndc-scan`` command line: thin wrappers around the library.

Each command checks its arguments, calls one public function and formats the
result. Errors become one readable line and the error's exit code;
``--verbose`` shows tracebacks.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import click

from ..classify.hybrid import DEFAULT_BAND
from ..classify.model import load_model, write_card
from ..defaults import DEFAULT_DOCUMENTS, DEFAULT_LABELS, DEFAULT_MODEL_DIR, DEFAULT_STORE, shown
from ..learn.documents import write_scores
from ..learn.evaluate import evaluate_documents, evaluate_methods, write_errors_markdown
from ..learn.train import train as run_train
from ..pipeline import ScanResult
from ..pipeline import scan as run_scan
from ..read.pages import DEFAULT_ENGINE, ENGINES
from ..taxonomy import CONCEPT_IDS, LANGUAGES, load_taxonomy
from .common import STORE_HELP, Bar, Group
from .common import echo as _echo
from .common import run as _run
from .fetch import fetch
from .reports import briefs, compare
from .review import review
from .serve import serve

#: --jobs above this many per core is capped: each reader may take --max-memory, and reading is CPU-bound.
JOBS_PER_CORE = 4


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--store", default=str(DEFAULT_STORE), show_default=True, type=click.Path(dir_okay=False), help=STORE_HELP)
@click.option("--metadata", type=click.Path(dir_okay=False),
              help="CSV that overrides inferred country/kind/year/language: columns file or sha256 plus any of "
                   "iso3,country,kind,year,language; the UNFCCC registry catalog format is accepted too.")
@click.option("--lang", help="Force the document language (en, fr, es, pt, ar, ru) instead of detecting it.")
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV to use instead of the bundled one.")
@click.option("--all-versions", is_flag=True, help="countries.csv: one row per document instead of the latest per country.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read.")
@click.option("--timeout", default=600.0, show_default=True, type=click.FloatRange(min=1), callback=lambda c, p, v: _finite(v),
              help="Seconds allowed to read one file (OCR included); a file that takes longer is reported and skipped.")
@click.option("--max-memory", default="2G", show_default=True, metavar="SIZE", callback=lambda c, p, v: _memory(v),
              help="Memory one file's reader may use on top of what it starts with (e.g. 2G, 1500M; 0: no cap); "
                   "a file that needs more is reported and skipped.")
@click.option("--jobs", "-j", default=os.cpu_count() or 1, show_default="number of cores", type=click.IntRange(min=1),
              help="Worker processes that read and label files at once (the store is written by this process only); "
                   f"with --executor dask and no --scheduler, the workers of a local Dask cluster; at most {JOBS_PER_CORE} "
                   "per core.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where files are read and labelled: worker processes on this machine, or a Dask cluster.")
@click.option("--scheduler", envvar="NDC_SCAN_SCHEDULER", show_envvar=True, metavar="ADDRESS",
              help="With --executor dask: the cluster's scheduler, e.g. tcp://HOST:8786 (none: a local Dask cluster "
                   "of --jobs workers).")
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="PDF text engine: pdfium (fast; pages it reads badly are read by pdfplumber) or pdfplumber "
                   "(the reference, several times slower).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer (they are reported as unread).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False),
              help="Trained model folder that labels passages with the rules (default: the shipped model, "
                   "models/ndc-soil beside the ndc_scan package, found from any folder).")
@click.option("--rules-only", is_flag=True, help="Label with the keyword rules alone, without the learned model.")
@click.option("--review-band", default=",".join(map(str, DEFAULT_BAND)), show_default=True, callback=lambda c, p, v: _band(v),
              help="LOW,HIGH: a model probability in [LOW, HIGH) flags the label for review.")
@click.option("--catalog", "catalogs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Registry catalog (CSV) for citation details, beside the shipped UNFCCC ones; a corpus MANIFEST.csv "
                   "(sha256, source_path) matches files by hash. Repeat for several.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.pass_context
def scan(ctx, paths, out, store, metadata, lang, taxonomy, all_versions, password, strict, timeout, max_memory, jobs,
         executor, scheduler, engine, no_ocr, model_dir, rules_only, review_band, catalogs, quiet):
    """Scan NDC PDFs (files, folders searched recursively, or glob patterns) and write the reports.

    \b
    Examples:
      ndc-scan scan corpora/sample
      ndc-scan scan ndcs/ --metadata unfccc_ndc_registry_catalog.csv --out reports/2025
      ndc-scan scan 'downloads/*.pdf' --lang fr
    """
    if lang and lang not in ("en", "fr", "es", "pt", "ar", "ru"):
        _echo(f"error: --lang {lang!r}: not one of en, fr, es, pt, ar, ru", err=True)
        ctx.exit(2)
    if rules_only and model_dir:
        _echo("error: --rules-only and --model exclude each other", err=True)
        ctx.exit(2)
    most = JOBS_PER_CORE * (os.cpu_count() or 1)
    if jobs > most and not scheduler:           # a remote cluster's workers are its own
        if not quiet:
            _echo(f"note: --jobs {jobs} is more than {JOBS_PER_CORE} per core; reading {most} files at once", err=True)
        jobs = most
    if scheduler and executor != "dask":
        _echo(f"error: --scheduler {scheduler} needs --executor dask", err=True)
        ctx.exit(2)
    model = None if rules_only else model_dir or (DEFAULT_MODEL_DIR if DEFAULT_MODEL_DIR.is_dir() else None)
    if model is None and not rules_only and not quiet:
        _echo(f"note: no model at {DEFAULT_MODEL_DIR}; labels come from the rules alone "
              "(train one with 'ndc-scan train', or pass --model)", err=True)
    bar = Bar("Scanning") if not quiet and sys.stderr.isatty() else None
    try:
        result = _run(ctx, lambda: run_scan(paths, out=out, store=store, metadata=metadata, lang=lang,
                                           taxonomy=taxonomy, all_versions=all_versions, password=password,
                                           strict=strict, ocr=not no_ocr, timeout=timeout, max_memory=max_memory,
                                           jobs=jobs, engine=engine, model=model, review_band=review_band,
                                           catalogs=catalogs, executor=executor, scheduler=scheduler,
                                           progress=bar))
    finally:
        if bar:
            bar.finish()
    if not quiet:
        _summary(result, out, model)
    if result.failures:
        ctx.exit(3)


def _band(value: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give two numbers LOW,HIGH, e.g. 0.35,0.65") from None
    if not 0.0 <= low <= high <= 1.0:
        raise click.BadParameter(f"{value!r}: need 0 <= LOW <= HIGH <= 1")
    return low, high


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter(f"{value!r}: give a number of seconds, e.g. 600")
    return value


_UNITS = {"": 1 << 30, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def _memory(value: str) -> Optional[int]:
    """``--max-memory``: "2G", "1500M", "0.5g", "3" (GB) → bytes; "0" → None (no cap)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*", value, flags=re.IGNORECASE)
    if not match:
        raise click.BadParameter(f"{value!r}: give a size such as 2G or 1500M (0: no cap)")
    size = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if size == 0:
        return None
    if size < 64 << 20:
        raise click.BadParameter(f"{value!r}: too little to read a PDF; give at least 64M (0: no cap)")
    return int(size)


def _summary(result: ScanResult, out: str, model: Optional[str | Path]) -> None:
    figures = result.summary
    echo = lambda text="": _echo(text, err=True)
    echo(f"Scanned {figures['documents']} documents ({figures['pages']} pages) from {figures['countries']} countries "
         f"in {result.seconds:.1f} s: {result.extracted} extracted, {result.reused} unchanged, "
         f"{result.retagged} tagged" + (f", {result.carried} kept their labels (no changed taxonomy term matches "
                                        "in them)" if result.carried else "") + ".")
    for warning in result.warnings:
        echo(f"warning: {warning}")
    if figures["unread"]:
        echo(f"{figures['unread']} document(s) have no usable text layer and were not assessed.")
    if figures["ocr_documents"]:
        echo(f"{figures['ocr_documents']} document(s) read with OCR ({figures['ocr_pages']} pages).")
    echo("Documents per concept (any level / commitment or target):")
    for concept, found, strong in figures["concepts"]:
        echo(f"  {concept:<28} {found:>4} / {strong:>4}")
    if result.classifier.startswith("hybrid:"):
        echo(f"Labels: rules + model {result.classifier.split(':')[1]} ({shown(Path(str(model)))}); "
             f"{figures['to_review']} label(s) to review (flagged by the scan, not yet reviewed; {figures['reviewed']} "
             f"reviewed, {figures['not_counted']} not counted), see review_reason in passages.csv.")
    else:
        echo(f"Labels: {'keyword rules alone' if result.classifier == 'rules' else result.classifier}.")
    if result.failures:
        echo(f"{len(result.failures)} file(s) failed:")
        for failure in result.failures:
            echo(f"  {failure.path}: {failure.problem} -> {failure.remedy}")
    if result.reports_current:
        echo(f"Reports in {out}/ are current: nothing they are made from changed since they were written.")
    elif result.written:
        folder = Path(out)
        inside = Counter(p.relative_to(folder).parts[0] for p in result.written if p.parent != folder)
        echo(f"Reports in {out}/: " + ", ".join([p.name for p in result.written if p.parent == folder]
                                                + [f"{name}/ ({n} files)" for name, n in inside.items()]))


@main.command()
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV to check (default: the bundled one).")
@click.pass_context
def taxonomy(ctx, taxonomy):
    """Validate a taxonomy file and print its terms per concept and language, and its hash."""
    tax = _run(ctx, lambda: load_taxonomy(taxonomy))
    counts = Counter((t.concept, t.lang) for t in tax.terms if t.kind != "negative")
    negatives = Counter(t.concept for t in tax.terms if t.kind == "negative")
    _echo(f"{tax.path}: {len(tax.terms)} terms, hash {tax.hash}")
    _echo(f"{'concept':<28}" + "".join(f"{lang:>5}" for lang in LANGUAGES) + "  negative")
    for concept in CONCEPT_IDS:
        _echo(f"{concept:<28}" + "".join(f"{counts.get((concept, lang), 0):>5}" for lang in LANGUAGES)
              + f"  {negatives.get(concept, 0):>8}")


@main.command()
@click.option("--model", "model_dir", default=str(DEFAULT_MODEL_DIR), show_default="the shipped model", type=click.Path(file_okay=False),
              help="Trained model folder to evaluate (rules, model and their combination).")
@click.option("--passages", default=str(DEFAULT_LABELS), show_default="corpora/labels/passages.jsonl", type=click.Path(dir_okay=False),
              help="Labelled passages (JSONL); the test countries are scored.")
@click.option("--documents", default=[str(DEFAULT_DOCUMENTS)], show_default="corpora/labels/documents.csv", multiple=True,
              type=click.Path(dir_okay=False),
              help="Document-level labels (documents read in full); repeat for several files.")
@click.option("--store", type=click.Path(dir_okay=False),
              help="Store holding a scan of the labelled documents: adds document-level scores (make evaluate).")
@click.option("--targets", "targets_path", type=click.Path(exists=True, dir_okay=False),
              help="Quantified targets of the labelled documents (CSV: file, concept, value, unit, year): adds their scores.")
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, dir_okay=False),
              help="CSV with file, language (and iso3, year, kind): scores per language and version changes.")
@click.option("--coverage", "coverage_path", type=click.Path(exists=True, dir_okay=False),
              help="Instead: score a coverage.csv written by 'ndc-scan scan' against --documents.")
@click.option("--out", type=click.Path(file_okay=False),
              help="Folder for the score tables (CSV), all errors (CSV) and the worst errors (worst_errors.md).")
@click.option("--record", is_flag=True, help="Also write the scores into the model card.")
@click.pass_context
def evaluate(ctx, model_dir, passages, documents, store, targets_path, manifest_path, coverage_path, out, record):
    """Score rules alone, the model alone and their combination against hand labels.

    Per concept: precision, recall and F1 at passage level (labelled passages of
    the test countries) and, with --store, at document level (concept present in
    a document read in full), plus exact level agreement.

    \b
    Examples:
      ndc-scan evaluate --store .ndc_scan/eval.sqlite --out reports/eval
      ndc-scan evaluate --coverage reports/eval/coverage.csv
    """
    if coverage_path:
        scored = _run(ctx, lambda: evaluate_documents(documents, coverage_path))
        _echo(scored.table.to_string(index=False))
        _echo(f"\n{scored.summary}")
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            scored.table.to_csv(Path(out) / "evaluation.csv", index=False)
            scored.errors.to_csv(Path(out) / "evaluation_errors.csv", index=False)
        return
    model = _run(ctx, lambda: load_model(model_dir))
    result = _run(ctx, lambda: evaluate_methods(model, passages_path=passages, documents_path=documents, store=store,
                                                targets_path=targets_path, manifest_path=manifest_path))
    for title, table in (("Passage level (test countries)", result.passages), ("Document level", result.documents)):
        if len(table):
            _echo(f"{title}: F1 per concept")
            _echo(table.pivot(index="concept", columns="method", values="f1")
                  .reindex(index=list(table["concept"].drop_duplicates()), columns=list(table["method"].unique()))
                  .to_string())
            _echo()
    for method, scores in result.reports.items():
        _echo(f"Documents, {method}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                   for k, v in scores.summary.items() if v is not None))
        _echo(scores.languages.to_string(index=False))
        _echo(scores.confusion.to_string())
        _echo()
    _echo(result.summary)
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        result.passages.to_csv(folder / "evaluation_passages.csv", index=False)
        if len(result.documents):
            result.documents.to_csv(folder / "evaluation_documents.csv", index=False)
        result.errors.to_csv(folder / "passage_errors.csv", index=False)
        write_errors_markdown(result.errors, folder / "worst_errors.md")
        for method, scores in result.reports.items():
            write_scores(scores, folder, prefix=f"{method}_")
        _echo(f"Wrote {folder}/evaluation_passages.csv, passage_errors.csv, worst_errors.md"
              + (", evaluation_documents.csv" if len(result.documents) else ""))
    if record:
        model.card["metrics_test_passages"] = {m: g.drop(columns="method").to_dict(orient="records")
                                               for m, g in result.passages.groupby("method", sort=False)}
        if len(result.documents):
            model.card["metrics_test_documents"] = {m: g.drop(columns="method").to_dict(orient="records")
                                                    for m, g in result.documents.groupby("method", sort=False)}
        write_card(model.card, model_dir)
        _echo(f"Recorded the scores in {model_dir}/card.json")


@main.command()
@click.option("--labels", default=str(DEFAULT_LABELS), show_default="corpora/labels/passages.jsonl", type=click.Path(dir_okay=False),
              help="Labelled passages (JSONL, split by country; see corpora/labels/README.md).")
@click.option("--out", default=str(DEFAULT_MODEL_DIR), show_default="models/ndc-soil", type=click.Path(file_okay=False),
              help="Folder for model.skops and card.json.")
@click.option("--name", help="Model name in the card (default: the folder name).")
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV for the rule features (default: bundled).")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed (training is deterministic for a seed).")
@click.option("--store", type=click.Path(dir_okay=False),
              help=f"Add the passages reviewed in this store (ndc-scan review; default {DEFAULT_STORE} when it exists); "
                   "those of test countries are left out.")
@click.option("--no-reviews", is_flag=True, help="Train on the labels file alone (how the shipped model is made).")
@click.pass_context
def train(ctx, labels, out, name, taxonomy, seed, store, no_reviews):
    """Train the passage classifier on the train and dev countries; score it on the test countries.

    Writes the model and its card (labels, data and taxonomy hashes, library
    versions, gates, metrics) to --out; 'ndc-scan scan --model' uses it.
    """
    if store and no_reviews:
        _echo("error: --store and --no-reviews exclude each other", err=True)
        ctx.exit(2)
    store = None if no_reviews else store or (DEFAULT_STORE if DEFAULT_STORE.is_file() else None)
    result = _run(ctx, lambda: run_train(labels, out, name=name or Path(out).name, taxonomy=taxonomy, seed=seed,
                                         store=store))
    card = result.model.card
    data = card["training_data"]
    if store:
        _echo(f"Reviewed in {store}: {data['reviewed_passages']} passage(s) with {data['reviewed_decisions']} "
              f"reviewed label(s) added to the training data; {data['reviewed_left_out']} reviewed label(s) "
              "of held-out countries left out.")
    fitted, held_out = card["training_data"]["fitted"], card["training_data"]["held_out"]
    _echo(f"Trained {card['name']} on {fitted['passages']} passages ({fitted['countries']} countries, "
          f"split {'+'.join(fitted['splits'])}) in {result.seconds:.0f} s; tested on {held_out['passages']} passages "
          f"of {held_out['countries']} other countries (split {'+'.join(held_out['splits'])}).")
    _echo(f"{'concept':<28}{'rules':>7}{'model':>7}{'combined':>9}   gate (veto / add)")
    for concept in card["labels"] + ["macro"]:
        f1 = {m: next(r["f1"] for r in card["metrics_test_passages"][m] if r["concept"] == concept)
              for m in ("rules", "model", "combination")}
        gate = card["gates"].get(concept)
        gate_text = "" if gate is None else f"   {gate['veto']:.2f} / {'never' if gate['add'] > 1 else format(gate['add'], '.2f')}"
        _echo(f"{concept:<28}{f1['rules']:>7.3f}{f1['model']:>7.3f}{f1['combination']:>9.3f}{gate_text}")
    levels = card.get("level_model")
    if levels:
        _echo(f"Levels (commitment or mention) of the held-out labels: rules {levels['held_out_accuracy_rules']:.3f}, "
              f"level model {levels['held_out_accuracy_model']:.3f} ({levels['held_out_examples']} labels).")
    _echo(f"Model in {result.folder}/ ({', '.join(sorted(p.name for p in result.folder.iterdir()))})"
          if result.folder else "Model not written (no --out).")


main.add_command(review)
main.add_command(briefs)
main.add_command(compare)
main.add_command(fetch)
main.add_command(serve)
