"""``fetch()``: the Python API behind ``ndc-scan fetch`` — catalog → selection → files + ``fetched.csv``.

A document already in the folder with the size and SHA-256 ``fetched.csv`` records for it is not
asked for again (a re-run downloads nothing new); one that fails is a row of
``fetch_failures.csv`` and the fetch carries on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Protocol

from ..errors import DownloadError, FetchError
from ..read.files import fingerprint
from ..records import CatalogRow, Failure, FetchedFile
from .catalog import Selection, extension, file_names, read_catalog, select
from .download import Client, HttpSettings, rebase
from .ledger import read_fetched, write_failures, write_fetched


class Progress(Protocol):
    """What a fetch reports as it goes (the CLI draws a bar with it)."""

    def start(self, total: int) -> None:
        """The number of documents selected."""

    def advance(self, name: str) -> None:
        """One more document is done (downloaded, already there, or failed)."""


@dataclass
class FetchResult:
    """What a fetch did."""

    selected: list[CatalogRow]
    names: dict[str, str]                                   # catalog URL → file name stem
    fetched: list[FetchedFile] = field(default_factory=list)   # downloaded in this run
    present: list[FetchedFile] = field(default_factory=list)   # already there, unchanged: not asked for
    failures: list[Failure] = field(default_factory=list)      # path = the catalog URL
    skipped_rows: tuple[str, ...] = ()                      # catalog lines without a usable Party code or URL
    resumed: int = 0                                        # downloads carried on from an interrupted one
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)

    @property
    def n_bytes(self) -> int:
        return sum(record.n_bytes for record in self.fetched)


def fetch(catalog: str | Path, out: str | Path, selection: Optional[Selection] = None, *,
          base_url: Optional[str] = None, settings: Optional[HttpSettings] = None,
          progress: Optional[Progress] = None, dry_run: bool = False) -> FetchResult:
    """Download the catalog's documents that ``selection`` keeps into ``out``; write ``fetched.csv``.

    ``base_url`` replaces the scheme and host of every catalog URL (a mirror, or a test server).
    ``dry_run``: select and name, download nothing.
    """
    started = time.perf_counter()
    if base_url and not base_url.startswith(("http://", "https://")):
        raise FetchError(f"--base-url {base_url}: not an http(s) address", remedy="give it as http://HOST[:PORT]")
    found = read_catalog(catalog)
    names = file_names(found.rows)
    result = FetchResult(selected=select(found.rows, selection or Selection()), names=names,
                         skipped_rows=found.skipped)
    if dry_run:
        return result
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"{folder}: cannot create the folder ({exc.strerror})", remedy="pass --out with a writable folder"
                         ) from None
    ledger = read_fetched(folder)
    failure_rows: list[dict[str, str]] = []
    if progress:
        progress.start(len(result.selected))
    client = Client(settings or HttpSettings())
    try:
        for row in result.selected:
            stem = names[row.url]
            kept = _unchanged(folder, ledger.get(row.url))
            if kept is not None:
                result.present.append(kept)
            else:
                try:
                    record, resumed = _download(client, row, folder, stem, base_url)
                except DownloadError as exc:
                    result.failures.append(Failure(path=row.url, problem=exc.problem, remedy=exc.remedy,
                                                   error=type(exc).__name__))
                    failure_rows.append({"url": row.url, "file": stem + extension(row.url), "error": type(exc).__name__,
                                         "problem": exc.problem, "remedy": exc.remedy, "iso3": row.iso3,
                                         "party": row.party, "title": row.title, "catalog_line": str(row.line)})
                else:
                    result.fetched.append(record)
                    result.resumed += resumed
                    ledger[row.url] = record
                    write_fetched(folder, ledger.values())
            if progress:
                progress.advance(stem)
    finally:
        client.close()
        result.written = [write_fetched(folder, ledger.values()), write_failures(folder, failure_rows)]
        result.seconds = time.perf_counter() - started
    return result


def _unchanged(folder: Path, record: Optional[FetchedFile]) -> Optional[FetchedFile]:
    """The record when its file is in the folder with the recorded size and SHA-256, else None."""
    if record is None:
        return None
    path = folder / record.file
    if not path.is_file() or path.stat().st_size != record.n_bytes:
        return None
    return record if fingerprint(path)[0] == record.sha256 else None


def _download(client: Client, row: CatalogRow, folder: Path, stem: str,
              base_url: Optional[str]) -> tuple[FetchedFile, bool]:
    """The fetched file's record, and whether it carried on an interrupted download."""
    got = client.download(rebase(row.url, base_url), folder, stem, extension(row.url))
    record = FetchedFile(file=got.path.name, n_bytes=got.n_bytes, sha256=got.sha256, downloaded_from=got.url,
                         http_date=got.http_date, content_type=got.content_type,
                         fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), row=row)
    return record, got.resumed_from > 0


def describe(rows: Iterable[CatalogRow], names: dict[str, str]) -> list[str]:
    """One line per selected document: file name, Party, title, language, submission date."""
    return [f"{names[row.url]}{extension(row.url)}  {row.party} · {row.title or row.file_type} · "
            f"{row.language or '?'} · {row.submitted or 'no date'}" for row in rows]


__all__ = ["FetchResult", "Progress", "describe", "fetch"]
