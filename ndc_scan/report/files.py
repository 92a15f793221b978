"""Stage 6, report: render the aggregate tables as CSV, Excel and HTML.

Renderers only format; every figure comes from ``aggregate.build_tables``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from ..aggregate.coverage import label_source, to_review
from ..aggregate.tables import Tables
from ..errors import NdcScanError
from ..taxonomy import Taxonomy
from . import excel, gap, html
from .output import XML_CONTROL, check_folder, excel_cell, map_text, readable_tables, written
from .plain import forget_links
from .worldmap import world_shapes

CSV_TABLES = {"coverage": "coverage.csv", "countries": "countries.csv", "passages": "passages.csv",
              "documents": "documents.csv", "failures": "failures.csv",
              "targets": "targets.csv", "gaps": "gaps.csv", "versions": "versions.csv", "progress": "progress.csv",
              "groups": "groups.csv", "quantified": "quantified.csv"}
SHEETS = ("countries", "coverage", "passages", "documents", "failures", "targets", "gaps", "versions", "progress",
          "groups", "quantified")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")
log = logging.getLogger(__name__)


def write_all(tables: Tables, out: Path, *, taxonomy: Taxonomy) -> list[Path]:
    """Write every report into ``out``; return the path of every file written (briefs/ included).

    Each file is written whole or not at all (``output.written``); an ``OutputError`` names a file
    that cannot be written. Bidi controls are taken out of the text first (``output.readable_tables``).
    """
    forget_links()                    # links to the documents resolved anew: a symlink may point elsewhere now
    check_folder(out)
    tables = readable_tables(tables)
    paths = []
    for name, file_name in CSV_TABLES.items():
        with written(out / file_name) as path:
            neutralised(tables[name]).to_csv(path, index=False, encoding="utf-8")
        paths.append(out / file_name)

    def pages() -> list[Path]:
        with written(out / "report.html") as path:
            path.write_text(html.render(tables, taxonomy=taxonomy, base=out), encoding="utf-8")
        return gap.write(tables, out, taxonomy=taxonomy)               # gap_report.html, briefs/

    # The workbook takes about as long as every HTML page together.
    briefs = together(pages, lambda: write_excel(tables, out / "report.xlsx", taxonomy=taxonomy))
    return [*paths, out / "report.xlsx", out / "report.html", *briefs]


def prepare_reports() -> None:
    """Load what writing the reports takes a while to load (the world map's shapes: 0.3 s), e.g. while workers read.

    A problem is left for the report that needs it to raise (with its file's name): here it would stop the scan.
    """
    try:
        world_shapes()
    except NdcScanError:
        pass


def together(mine: Callable[[], T], theirs: Callable[[], object]) -> T:
    """Run ``theirs`` in a forked child while this process runs ``mine``: two cores write the reports at once.

    Where a fork is not safe (not Linux, or another thread is running: a lock it holds would stay held in
    the child) ``theirs`` runs here after ``mine``. When the child fails, ``theirs`` runs here again, so
    that its error (a full disk, a folder in the way) is raised in this process, as without the child.
    """
    child = _fork() if sys.platform.startswith("linux") and threading.active_count() == 1 else None
    if child is None:
        result = mine()
        theirs()
        return result
    if child == 0:                         # the child: its exit code is all it reports
        code = 1
        try:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))    # stopped: its half-written files are removed
            theirs()
            code = 0
        finally:
            os._exit(code)
    finished = False
    try:
        result = mine()
        finished = True
    finally:
        if not finished:                   # an error or Ctrl-C here: the child is stopped too
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        log.info("the child writing reports failed (status %s); writing them here", status)
        theirs()
    return result


def _fork() -> int | None:
    """``os.fork()``; None where the system refuses another process (too many processes, no memory)."""
    try:
        return os.fork()
    except OSError as exc:
        log.info("no second process to write reports (%s); writing them here", exc)
        return None


def neutralise(value):
    """Make a cell that a spreadsheet would run as a formula into plain text; drop control characters."""
    if isinstance(value, str):
        value = XML_CONTROL.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel or LibreOffice would run as formulas get a leading apostrophe (CSV injection)."""
    return map_text(frame, neutralise)


def write_excel(tables: Tables, path: Path, *, taxonomy: Taxonomy) -> Path:
    """report.xlsx: a README sheet, then one sheet per table, laid out for analysts (``excel.py``).

    Written whole or not at all (``output.written``); a text longer than a cell holds is cut with a note.
    """
    frames = {name: excel.sheet_frame(tables[name]) for name in SHEETS}
    readme = excel.readme_rows(frames, label_source=label_source(tables.passages),
                               to_review=len(to_review(tables.passages)), taxonomy_path=str(taxonomy.path),
                               taxonomy_hash=taxonomy.hash)
    sheets = {"README": pd.DataFrame(readme, columns=["sheet", "column", "what it holds"])}
    sheets.update((name, map_text(neutralised(frame), excel_cell)) for name, frame in frames.items())
    with written(path) as temporary:
        excel.write_book(temporary, sheets)
    return path
