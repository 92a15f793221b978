"""``ndc-scan review``: the review session and its subcommands (export, import, stats), thin over the library.

Registered on the main command group by ``cli/main.py``; errors go through ``common.run`` like every command's.
"""

from __future__ import annotations

import os
import shlex
import sys
import time

import click

from ..defaults import DEFAULT_STORE
from ..errors import NdcScanError
from ..records import REVIEW_REASONS
from ..review.queue import Filters, load_queue, unknown_documents
from ..review.reviewer import rename_reviewer, reviewer_name
from ..review.session import Session
from ..review.sheet import export_decisions, export_sheet, import_sheet, sheet_format
from ..review.stats import review_stats as compute_stats
from ..store import Store
from ..taxonomy import CONCEPT_IDS, load_taxonomy
from .common import Group, echo
from .common import country as _country
from .common import run as _run


def _filter_options(command):
    """The queue filters, shared by the session and the spreadsheet export."""
    options = [
        click.option("--country", "countries", multiple=True, metavar="COUNTRY",
                     help="Only this country: ISO3 code (NER) or name in en/fr/es/pt/ar/ru (Niger, النيجر); "
                          "repeat for several."),
        click.option("--concept", "concepts", multiple=True, type=click.Choice(CONCEPT_IDS),
                     help="Only this concept; repeat for several."),
        click.option("--document", "documents", multiple=True, metavar="FILE",
                     help="Only this document (file name or path as scanned); repeat for several."),
        click.option("--reason", "reasons", multiple=True, type=click.Choice(tuple(REVIEW_REASONS)),
                     help="Only labels flagged for this reason (disagree: rules and model disagree; uncertain: model "
                          "probability in the uncertain band; target: a quantified target); repeat for several."),
        click.option("--all", "all_labels", is_flag=True,
                     help="Every label matching the filters, not only the flagged ones "
                          "(e.g. --concept soil_carbon --all to confirm every soil-carbon passage)."),
        click.option("--undecided", is_flag=True, help="Leave out labels any reviewer has decided (default: yours)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(ctx, countries, concepts, documents, reasons, all_labels, undecided):
    """Filters given to the subcommand, plus those given before it (ndc-scan review --country NER export …)."""
    given = ctx.obj.get("review_filters")
    codes = tuple(_country(ctx, c) for c in countries)
    return Filters(countries=codes + (given.countries if given else ()),
                   concepts=tuple(concepts) + (given.concepts if given else ()),
                   documents=tuple(documents) + (given.documents if given else ()),
                   reasons=tuple(reasons) + (given.reasons if given else ()),
                   all_labels=all_labels or bool(given and given.all_labels),
                   undecided=undecided or bool(given and given.undecided))


def _open_store(ctx, store, *, must_exist: bool = True) -> Store:
    store = store or ctx.obj.get("review_store") or DEFAULT_STORE
    return _run(ctx, lambda: Store(store, create=not must_exist))


def _read_key() -> str:
    """One key: raw from the terminal, else the next character of standard input (scripts, tests)."""
    if sys.stdin.isatty():
        return click.getchar()
    key = sys.stdin.read(1)
    if not key:
        raise EOFError
    return key


def _read_line(prompt: str) -> str:
    try:
        return click.prompt(prompt, default="", show_default=False)
    except click.exceptions.Abort:
        raise EOFError from None


@click.group(cls=Group, invoke_without_command=True)
@click.option("--store", type=click.Path(dir_okay=False), help=f"Store holding the scan and the decisions (default {DEFAULT_STORE}).")
@click.option("--reviewer", help="Your name, stored with each decision (default: reviewer = \"…\" in .ndc_scan/config.toml "
                                 "or ~/.config/ndc-scan/config.toml).")
@_filter_options
@click.option("--limit", type=click.IntRange(min=1), help="Review at most this many labels in this session.")
@click.pass_context
def review(ctx, store, reviewer, countries, concepts, documents, reasons, all_labels, undecided, limit):
    """Review flagged labels in the terminal: one key to accept, reject or correct each; decisions are stored at once.

    The queue holds the labels the scan flagged (rules and model disagree, uncertain
    model, quantified target), quantified targets and soil carbon first, minus those you
    decided already. Decisions override the scan in every report and feed 'ndc-scan train'.
    Subcommands: export / import a spreadsheet (or a JSONL backup), stats.

    \b
    Keys: a accept  r reject  c correct concepts  l correct level  i ignore  s skip
          u undo  n neighbouring text  ? help  q quit
    \b
    Examples:
      ndc-scan review --reviewer "Ana Diallo"
      ndc-scan review --country NER --reason target
      ndc-scan review --concept soil_carbon --all
      ndc-scan review export niger.xlsx --country NER
      ndc-scan review import niger.xlsx --reviewer "Focal point NER"
      ndc-scan review stats
    """
    filters = _filters(ctx, countries, concepts, documents, reasons, all_labels, undecided)   # none given before
    ctx.obj.update(review_store=store, review_reviewer=reviewer, review_filters=filters)
    if ctx.invoked_subcommand is not None:
        return
    name = _run(ctx, lambda: reviewer_name(reviewer))
    db = _open_store(ctx, store)
    with db:
        started = time.perf_counter()
        queue = load_queue(db, name, filters)[:limit]
        if not queue:
            unknown = unknown_documents(db, filters.documents)
            echo(f"Nothing to review for {name} in {db.path} with these filters"
                 + ("" if all_labels else " (flagged labels only; --all adds every label)") + "."
                 + (f" No document of the store is {', '.join(map(repr, unknown))}: --document takes a file name "
                    "as scanned (e.g. NER_indc_2015.pdf), its path or the start of its SHA-256." if unknown else ""))
            return
        echo(f"{len(queue)} label(s) to review for {name} in {db.path} (queue loaded in "
             f"{time.perf_counter() - started:.2f} s). Each decision is stored at once; ? for help.")
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        tax = load_taxonomy()
        session = Session(db, queue, name, read_key=_read_key, read_line=_read_line,
                          write=lambda text, newline=True: click.echo(text, nl=newline, color=color), color=color,
                          concept_names={c.id: c.name for c in tax.concepts})
        summary = session.run()
    if summary.total:
        echo(f"Decisions are in {db.path}; reports show them after the next 'ndc-scan scan' with this store "
             "(nothing is read again).")


@review.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "jsonl"]),
              help="xlsx or csv: a sheet to fill in; jsonl: a backup of every decision (default: from the file name).")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists (by default an existing file is never replaced).")
@click.option("--store", type=click.Path(dir_okay=False), help=f"Store (default {DEFAULT_STORE}).")
@click.option("--reviewer", help="Leave out labels this reviewer has decided already.")
@_filter_options
@click.pass_context
def review_export(ctx, file, fmt, force, store, reviewer, countries, concepts, documents, reasons, all_labels, undecided):
    """Write the labels to review to a spreadsheet (xlsx with a drop-down, or csv), or every decision to JSONL.

    The sheet has one row per label: a decision column (accept, reject, correct, ignore,
    skip), corrected_level and corrected_concepts for corrections, a note, the passage,
    the passages before and after it, the page, and hidden key columns. Fill it in and
    bring it back with 'ndc-scan review import FILE'. The same filters as the session apply.

    \b
    Examples:
      ndc-scan review export niger.xlsx --country NER
      ndc-scan review export soil_carbon.csv --concept soil_carbon --all
      ndc-scan review export decisions.jsonl          # back up every decision
    """
    kind = _run(ctx, lambda: sheet_format(file, fmt))
    filters = _filters(ctx, countries, concepts, documents, reasons, all_labels, undecided)
    with _open_store(ctx, store) as db:
        if kind == "jsonl":
            count = _run(ctx, lambda: export_decisions(db, file, force=force))
            echo(f"Wrote {count} decision(s) to {file} (restore with: ndc-scan review import {file}).")
            return
        count = _run(ctx, lambda: export_sheet(db, file, fmt=kind, filters=filters, force=force,
                                               reviewer=reviewer or ctx.obj.get("review_reviewer")))
    if not count:
        echo("Nothing to export: no label to review matches these filters"
             + ("" if filters.all_labels else " (flagged labels only; --all adds every label)")
             + f"; {file} was not written.")
        return
    echo(f"Wrote {count} label(s) to review to {file}; fill in the decision column and run "
         f"'ndc-scan review import {file}'.")


@review.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "jsonl"]), help="Default: from the file name.")
@click.option("--store", type=click.Path(dir_okay=False), help=f"Store (default {DEFAULT_STORE}).")
@click.option("--reviewer", help="Who filled in the sheet, for rows whose reviewer cell is empty (default: the config).")
@click.pass_context
def review_import(ctx, file, fmt, store, reviewer):
    """Store the decisions of a filled-in review sheet (xlsx or csv), or restore a JSONL backup.

    Every row is checked first — unknown passages, decisions not in the list, corrected
    levels or concepts that do not exist, edited passage text — and every problem is
    listed by row and column; nothing is stored until the file is clean (exit code 4).
    Rows already stored as they are, and rows left empty or 'skip', are skipped.

    \b
    Examples:
      ndc-scan review import niger.xlsx --reviewer "Focal point NER"
      ndc-scan review import decisions.jsonl          # restore a backup (idempotent)
    """
    kind = _run(ctx, lambda: sheet_format(file, fmt))
    name = reviewer or ctx.obj.get("review_reviewer")
    if kind != "jsonl" and name is None:
        try:
            name = reviewer_name(None)
        except NdcScanError:
            name = None                   # then every row must name its reviewer
    with _open_store(ctx, store, must_exist=kind != "jsonl") as db:
        result = _run(ctx, lambda: import_sheet(db, file, fmt=kind, reviewer=name))
    counts = ", ".join(f"{k} {v}" for k, v in result.by_decision.items())
    echo(f"{'Restored' if kind == 'jsonl' else 'Imported'} {result.stored} decision(s) ({counts}) into {db.path}; "
         f"{result.unchanged} already stored" + ("" if kind == "jsonl" else f", {result.blank} row(s) without a decision")
         + ".")
    if result.notes_left:
        echo(f"warning: {result.notes_left} row(s) have a note but no decision: their notes were not stored (a note "
             "belongs to a decision: choose accept, reject, correct or ignore, and import the sheet again)", err=True)
    for (earlier, now), n in result.echoes.items():
        if n == result.stored and n >= 2:     # every decision stored: the same sheet again, not two people agreeing
            echo(f"warning: all {n} decisions by {now!r} repeat, row for row, decisions {earlier!r} imported from a "
                 f"file of the same name: if they are one reviewer under two spellings, they now count as two "
                 f"reviewers in agreement; merge the names: ndc-scan review rename {shlex.quote(earlier)} {shlex.quote(now)} "
                 "(if they are two reviewers, nothing to do)", err=True)


@review.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--store", type=click.Path(dir_okay=False), help=f"Store (default {DEFAULT_STORE}).")
@click.pass_context
def review_rename(ctx, old, new, store):
    """Give every decision of reviewer OLD the name NEW (a misspelt name, one person under two names).

    Nothing is deleted: the decisions of both names become one reviewer's, whose latest
    decision per label counts; agreement is then no longer counted between them.

    \b
    Example:
      ndc-scan review rename "Focal pint NER" "Focal point NER"
    """
    with _open_store(ctx, store) as db:
        renamed = _run(ctx, lambda: rename_reviewer(db, old, new))
    echo(f"Renamed the {renamed} decision(s) of {old!r} to {new!r} in {db.path}.")




@review.command("stats")
@click.option("--store", type=click.Path(dir_okay=False), help=f"Store (default {DEFAULT_STORE}).")
@click.pass_context
def review_stats(ctx, store):
    """Decisions per concept and reviewer, and agreement between reviewers (Cohen's kappa per concept).

    Counts are of current decisions (per reviewer and label, the latest). Agreement is on
    whether the concept is present, over labels two reviewers both decided; kappa is n/a
    where it is undefined (no such labels, or a single answer throughout).

    \b
    Example:
      ndc-scan review stats --store .ndc_scan/store.sqlite
    """
    with _open_store(ctx, store) as db:
        stats = compute_stats(db)
    table = stats.concepts.copy()
    for column in ("agreement", "kappa"):
        table[column] = [("n/a" if v is None or v != v else f"{v:.2f}") for v in table[column]]
    echo(table.to_string(index=False))
    echo()
    echo(stats.reviewers.to_string(index=False) if len(stats.reviewers) else "No decisions yet.")
    for note in stats.notes:
        echo(note)
