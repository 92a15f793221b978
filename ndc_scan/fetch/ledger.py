"""``fetched.csv`` and ``fetch_failures.csv``: what a fetch put in its folder, and what it could not get.

``fetched.csv`` has one row per file: where it came from (``url``: the catalog's address, the
registry link reports cite; ``downloaded_from``: the address read), ``bytes``, ``sha256``,
``http_date`` and ``fetched_at``, then the document's metadata in the columns ``ndc-scan scan
--metadata`` reads (``file, sha256, iso3, kind, year, language``) and the rest of its catalog row
(``party, title, file_type, version, status, submitted, original_filename, catalog, catalog_line``).
A scan of the folder reads it by itself. It is rewritten (atomically) after every file, so an
interrupted fetch keeps every file it finished.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import FetchError
from ..records import DOCUMENT_KINDS, CatalogRow, FetchedFile

FETCHED = "fetched.csv"
FAILURES = "fetch_failures.csv"
COLUMNS = ["file", "url", "downloaded_from", "bytes", "sha256", "http_date", "content_type", "fetched_at",
           "iso3", "kind", "year", "language", "code", "party", "title", "file_type", "version", "status", "submitted",
           "original_filename", "catalog", "catalog_line"]
FAILURE_COLUMNS = ["url", "file", "error", "problem", "remedy", "iso3", "party", "title", "catalog_line"]


def read_fetched(folder: Path) -> dict[str, FetchedFile]:
    """The rows of ``folder/fetched.csv`` by catalog URL ({} when there is none)."""
    path = folder / FETCHED
    if not path.exists():
        return {}
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, strict=True))      # an unclosed quote is an error, not rows swallowed
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FetchError(f"{path}: cannot be read ({exc})",
                         remedy="move it away (ndc-scan fetch writes a new one; files already there are "
                                "downloaded again)") from None
    found = {}
    for row in rows:
        try:
            record = _record(row)
        except (KeyError, ValueError) as exc:
            raise FetchError(f"{path}: row for {row.get('file') or '?'} is not one ndc-scan wrote ({exc})",
                             remedy="move the file away; ndc-scan fetch writes a new one") from None
        found[record.row.url] = record
    return found


def write_fetched(folder: Path, records: Iterable[FetchedFile]) -> Path:
    """Write ``fetched.csv`` (sorted by file name) through a temporary file, so it is never half written."""
    path = folder / FETCHED
    temporary = folder / f".{FETCHED}.tmp"
    with open(temporary, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for record in sorted(records, key=lambda r: r.file):
            writer.writerow(_row(record))
    os.replace(temporary, path)
    return path


def write_failures(folder: Path, failures: list[dict[str, str]]) -> Path:
    """``fetch_failures.csv``: this run's failures (an empty table when nothing failed)."""
    path = folder / FAILURES
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FAILURE_COLUMNS)
        writer.writeheader()
        writer.writerows(failures)
    return path


def fetched_beside(files: Iterable[Path]) -> list[Path]:
    """The ``fetched.csv`` files in the folders of these files (what a scan of a fetched folder reads by itself)."""
    folders = dict.fromkeys(Path(f).parent for f in files)
    return [folder / FETCHED for folder in folders if (folder / FETCHED).is_file()]


def _row(record: FetchedFile) -> dict[str, object]:
    row = record.row
    return {"file": record.file, "url": row.url, "downloaded_from": record.downloaded_from, "bytes": record.n_bytes,
            "sha256": record.sha256, "http_date": record.http_date, "content_type": record.content_type,
            "fetched_at": record.fetched_at, "iso3": row.iso3,
            "kind": row.kind if row.kind in DOCUMENT_KINDS else "", "year": row.year or "", "language": row.language,
            "code": row.code, "party": row.party, "title": row.title, "file_type": row.file_type,
            "version": row.version, "status": row.status, "submitted": row.submitted,
            "original_filename": row.original_filename, "catalog": row.catalog, "catalog_line": row.line}


def _record(values: dict[str, str]) -> FetchedFile:
    kind = values["kind"] or ("addendum" if values["file_type"].lower() == "addendum" else "")
    row = CatalogRow(catalog=values["catalog"], line=int(values["catalog_line"]), code=values["code"],
                     iso3=values["iso3"], party=values["party"], title=values["title"], file_type=values["file_type"],
                     kind=kind, language=values["language"], version=values["version"], status=values["status"],
                     submitted=values["submitted"], url=values["url"], original_filename=values["original_filename"])
    return FetchedFile(file=values["file"], n_bytes=int(values["bytes"]), sha256=values["sha256"],
                       downloaded_from=values["downloaded_from"], http_date=values["http_date"],
                       content_type=values["content_type"], fetched_at=values["fetched_at"], row=row)


__all__ = ["COLUMNS", "FAILURES", "FAILURE_COLUMNS", "FETCHED", "fetched_beside", "read_fetched", "write_failures", "write_fetched"]
