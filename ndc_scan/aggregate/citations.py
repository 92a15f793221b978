"""Citation details of each document: its title, submission date and registry link.

A document is matched against registry catalogs, in this order:

1. **hash** — its SHA-256 in a catalog that lists hashes (e.g. ``MANIFEST.csv`` of a corpus:
   ``sha256`` + ``source_path``), which names the registry file it is;
2. **file name** — its file name is a registry file name (``originalFilename`` of the UNFCCC NDC
   registry, ``Filename``/``OriginalFilename`` of the openclimatedata catalogs);
3. **party + kind + date** — same country, kind (INDC, first NDC, updated first NDC, second NDC,
   NDC 3.0) and submission year; the document's language, then an NDC over its translation, win.

The catalogs shipped in ``ndc_scan/data/`` (the UNFCCC NDC registry, 741 documents, and the INDC
and national-climate-plans catalogs of openclimatedata; sources in ``ndc_scan/data/README.md``)
are always used; ``extra`` adds more, among them the ``fetched.csv`` of ``ndc-scan fetch``, whose
rows carry each file's SHA-256 and the catalog row it was fetched from. A document no catalog knows is cited from its PDF's own
metadata (Title, CreationDate). ``citation_source`` says which way each citation was found.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Optional
from urllib.parse import unquote

import pandas as pd

from ..defaults import DATA_DIR
from ..errors import MetadataError
from ..read.metadata import LANGUAGE_NAMES
from ..store import Store

REGISTRY = DATA_DIR / "unfccc_ndc_registry_catalog.csv"
CATALOGS = (REGISTRY, DATA_DIR / "ocd_indcs_catalog.csv", DATA_DIR / "ocd_national_climate_plans_catalog.csv")
CITATION_COLUMNS = ["title", "submitted", "registry_url", "citation_source"]
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")


@dataclass(frozen=True)
class Entry:
    """One catalogued document."""

    iso3: str
    party: str
    title: str
    kind: str                # indc, ndc, ndc-updated, ndc2, ndc3, or "" (addendum, letter)
    language: str            # two-letter code
    submitted: str           # YYYY-MM-DD
    url: str
    file_names: tuple[str, ...]
    translation: bool
    catalog: str


@dataclass(frozen=True)
class Catalogs:
    entries: tuple[Entry, ...]
    hashes: dict[str, str]   # sha256 → a registry file name (from catalogs that list hashes)


def kind_of(title: str, file_type: str, version: str = "") -> str:
    """The document kind of a catalog row, in the project's words (``records.DOCUMENT_KINDS``)."""
    text = f"{title} {file_type}".lower()
    if "indc" in text:
        return "indc"
    if "3.0" in text or "third" in text or "2035" in text:
        return "ndc3"
    if "second" in text:
        return "ndc2"
    if "first" in text:
        return "ndc-updated" if ("updated" in text or version not in ("", "1", "N/A")) else "ndc"
    return ""


def load_catalogs(extra: Sequence[str | Path] = ()) -> Catalogs:
    """The shipped catalogs and ``extra`` ones (registry-like, or with ``sha256`` + ``source_path``/``file``)."""
    shipped = _shipped()
    entries, hashes = list(shipped.entries), dict(shipped.hashes)
    for path in extra:
        more = _read(Path(path))
        entries += more.entries
        hashes.update(more.hashes)
    return Catalogs(entries=tuple(entries), hashes=hashes)


@lru_cache(maxsize=1)
def _shipped() -> Catalogs:
    entries: list[Entry] = []
    hashes: dict[str, str] = {}
    for path in CATALOGS:
        found = _read(path)
        entries += found.entries
        hashes.update(found.hashes)
    return Catalogs(entries=tuple(entries), hashes=hashes)


def _read(path: Path) -> Catalogs:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, strict=True))      # an unclosed quote is an error, not rows swallowed
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MetadataError(str(path), [f"cannot be read as a UTF-8 CSV catalog ({exc})"]) from None
    entries, hashes = [], {}
    for row in rows:
        if row.get("sha256") and (row.get("source_path") or row.get("file")):
            hashes[row["sha256"].lower()] = PurePosixPath(row.get("source_path") or row["file"]).name
        if row.get("fetched_at") is not None and row.get("file"):       # a fetched.csv of ndc-scan fetch
            entries.append(_fetched_entry(row))
            continue
        code = row.get("code") or row.get("Code") or ""
        if not code:
            continue
        file_type = row.get("fileType") or row.get("FileType") or row.get("Kind") or ""
        party = row.get("party") or row.get("Party") or ""
        language = LANGUAGE_NAMES.get((row.get("language") or row.get("Language") or "").lower(), "")
        url = row.get("encodedAbsUrl") or row.get("EncodedAbsUrl") or ""
        names = {row.get(k, "") for k in ("originalFilename", "OriginalFilename", "Filename")}
        names.add(unquote(url.rsplit("/", 1)[-1]) if url else "")
        entries.append(Entry(
            iso3=code, party=party, title=row.get("title") or f"{party} {file_type}".strip(),
            kind=kind_of(row.get("title") or file_type, file_type, row.get("version", "")), language=language,
            submitted=(row.get("submissionDate") or row.get("SubmissionDate") or "")[:10], url=url,
            file_names=tuple(sorted(n for n in names if n)), translation=file_type.lower() == "translation",
            catalog=path.name))
    return Catalogs(entries=tuple(entries), hashes=hashes)


def _fetched_entry(row: dict[str, str]) -> Entry:
    """A row of ``fetched.csv``: the catalog row a fetched file came from, found by the file's hash or name."""
    return Entry(iso3=row.get("iso3", ""), party=row.get("party", ""), title=row.get("title", ""),
                 kind=row.get("kind", ""), language=row.get("language", ""), submitted=row.get("submitted", ""),
                 url=row.get("url", ""), file_names=tuple(n for n in (row["file"], row.get("original_filename", "")) if n),
                 translation=row.get("file_type", "").lower() == "translation",
                 catalog=row.get("catalog") or "fetched.csv")


def match(catalogs: Catalogs, *, doc_id: str, file_name: str, iso3: str, kind: str, year, language: str
          ) -> Optional[tuple[Entry, str]]:
    """The catalog entry of a document and how it was found ("hash", "file name", "party, kind and date")."""
    by_name = lambda name: [e for e in catalogs.entries if name in e.file_names]
    registry_name = catalogs.hashes.get(doc_id.lower())
    if registry_name and by_name(registry_name):
        return _best(by_name(registry_name), language), "hash"
    if by_name(file_name):
        return _best(by_name(file_name), language), "file name"
    if iso3 and kind and year is not None and not pd.isna(year):
        same = [e for e in catalogs.entries
                if e.iso3 == iso3 and e.kind == kind and e.submitted[:4] == str(int(year))]
        if same:
            return _best(same, language), "party, kind and date"
    return None


def _best(entries: list[Entry], language: str) -> Entry:
    """The document's language first, then an NDC over a translation, then the registry over the mirrors."""
    return sorted(entries, key=lambda e: (e.language != language, e.translation, e.catalog != REGISTRY.name))[0]


def citation_table(db: Store, documents: pd.DataFrame, catalogs: Optional[Catalogs] = None) -> pd.DataFrame:
    """``documents`` with the citation columns (``CITATION_COLUMNS``) added at the end."""
    catalogs = catalogs or load_catalogs()
    rows = []
    for doc in documents.itertuples(index=False):
        found = match(catalogs, doc_id=doc.doc_id, file_name=doc.document, iso3=doc.iso3, kind=doc.kind,
                      year=doc.year, language=doc.language)
        if found:
            entry, how = found
            rows.append((entry.title, entry.submitted, entry.url, f"{_catalog_name(entry.catalog)} ({how})"))
        else:
            rows.append(_from_pdf(db.pdf_info(doc.doc_id)))
    extra = pd.DataFrame(rows, columns=CITATION_COLUMNS, index=documents.index)
    return pd.concat([documents, extra], axis=1)


def _catalog_name(file_name: str) -> str:
    return {"unfccc_ndc_registry_catalog.csv": "UNFCCC NDC registry",
            "ocd_indcs_catalog.csv": "UNFCCC INDC portal",
            "ocd_national_climate_plans_catalog.csv": "UNFCCC NDC registry (mirror)"}.get(file_name, file_name)


def _from_pdf(info: dict[str, str]) -> tuple[str, str, str, str]:
    title = " ".join(str(info.get("Title") or "").split())
    date = _PDF_DATE.match(str(info.get("CreationDate") or ""))
    created = "-".join(part for part in (date.groups() if date else ()) if part)
    if not title and not created:
        return "", "", "", ""
    return title, created, "", "PDF metadata (title and creation date; not a submission date)"


__all__ = ["CITATION_COLUMNS", "Catalogs", "Entry", "citation_table", "kind_of", "load_catalogs", "match"]
