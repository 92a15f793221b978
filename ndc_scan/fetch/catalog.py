"""Registry catalogs → ``CatalogRow`` records, the filters of ``ndc-scan fetch``, and the files' names.

Three layouts are read, told apart by their columns (any case):

* the UNFCCC NDC registry catalog (``code, party, title, fileType, language, version, status,
  submissionDate, encodedAbsUrl, originalFilename``; shipped as ``ndc_scan/data/unfccc_ndc_registry_catalog.csv``);
* openclimatedata's INDC catalog (``Code, Party, FileType, Language, Filename, SubmissionDate,
  EncodedAbsUrl, OriginalFilename``) and national-climate-plans catalog (``… Kind …``), without
  titles or status (every row counts as active).

A document's kind comes from its title, file type and file name (``read.overrides.registry_kind``:
"First NDC (Updated submission)" → ``ndc-updated``, "NDC 3.0" → ``ndc3``); the European Union's
NDC, which the registry lists under every member state, is the EU's (``EUU``) and is fetched once.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional
from urllib.parse import unquote, urlsplit

from ..errors import FetchError
from ..read.countries import is_country_code
from ..read.metadata import LANGUAGE_NAMES
from ..read.overrides import registry_kind
from ..records import ADDENDUM, DOCUMENT_KINDS, CatalogRow

#: Columns a catalog must have (any of each group, any case).
_CODE = ("code",)
_URL = ("encodedabsurl", "url")
_EU = re.compile(r"\bEU\b|European Union", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(pdf|docx?|html?|txt|rtf|odt|xps)$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Catalog:
    """The rows of one catalog file that name a document to fetch, and the rows left out (with why)."""

    path: Path
    rows: tuple[CatalogRow, ...]
    skipped: tuple[str, ...]          # "line N: …" for rows without a usable URL or Party code


def read_catalog(path: str | Path) -> Catalog:
    """Read a registry catalog; a file that is not one is a ``FetchError`` naming what is missing."""
    path = Path(path)
    raw: list[tuple[int, dict[str, str]]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)        # an unclosed quote is an error, not rows swallowed
            header = [(name or "").strip().lower() for name in reader.fieldnames or []]
            for read in reader:
                raw.append((reader.line_num, {(k or "").strip().lower(): (v or "").strip() for k, v in read.items()
                                              if isinstance(v, str)}))
    except FileNotFoundError:
        raise FetchError(f"{path}: no such catalog", remedy="check the path given to --catalog") from None
    except csv.Error as exc:
        after = raw[-1][0] + 1 if raw else 2                     # the line after the last row read
        raise FetchError(f"{path}: line {after}: not a readable CSV row ({exc})",
                         remedy="check that line's quotes (a quote opened in a cell must be closed), or pass the "
                                "registry catalog") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(f"{path}: cannot be read as a UTF-8 CSV catalog ({exc})",
                         remedy="save it as 'CSV UTF-8', or pass the registry catalog") from None
    missing = [names[0] for names in (_CODE, _URL) if not any(name in header for name in names)]
    if missing:
        raise FetchError(f"{path}: is not a registry catalog: no {' or '.join(missing)} column "
                         f"(columns: {', '.join(header) or 'none'})",
                         remedy="pass a catalog like ndc_scan/data/unfccc_ndc_registry_catalog.csv "
                                "(code, party, title, fileType, language, version, status, submissionDate, encodedAbsUrl)")
    rows, skipped = [], []
    for line, values in raw:
        row, problem = _row(values, line, path.name)
        if row is not None:
            rows.append(row)
        elif problem:
            skipped.append(f"line {line}: {problem}")
    return Catalog(path=path, rows=tuple(rows), skipped=tuple(skipped))


def _row(values: dict[str, str], line: int, catalog: str) -> tuple[Optional[CatalogRow], str]:
    code = values.get("code", "").upper()
    url = values.get("encodedabsurl") or values.get("url") or ""
    if not code and not url:
        return None, ""
    if not is_country_code(code):
        return None, f"Party code {code!r} is not an ISO 3166-1 alpha-3 code"
    if urlsplit(url).scheme not in ("http", "https"):
        return None, f"no http(s) address ({url!r})"
    title = values.get("title", "")
    file_type = values.get("filetype") or values.get("kind") or ""
    mirror_name = values.get("filename", "")
    original = values.get("originalfilename") or unquote(PurePosixPath(urlsplit(url).path).name)
    submitted = _DATE.match(values.get("submissiondate", ""))
    european = bool(_EU.search(title))
    return CatalogRow(
        catalog=catalog, line=line, code=code, iso3="EUU" if european else code,
        party="European Union" if european else values.get("party", ""), title=title, file_type=file_type,
        kind=kind_of_row(title, file_type, mirror_name, values.get("version", ""),
                         int(submitted.group(1)[:4]) if submitted else None),
        language=LANGUAGE_NAMES.get(values.get("language", "").split(",")[0].strip().lower(), ""),
        version=values.get("version", ""), status=values.get("status", ""),
        submitted=submitted.group(1) if submitted else "", url=url, original_filename=original), ""


def kind_of_row(title: str, file_type: str, mirror_name: str, version: str, year: Optional[int]) -> str:
    """A catalog row's kind: one of ``records.DOCUMENT_KINDS``, or ``addendum``."""
    if file_type.lower() == "addendum":
        return ADDENDUM
    text = " ".join((title, file_type, mirror_name.replace("_", " ").replace("-", " ")))
    found = registry_kind(text, version, year)
    if found:
        return found
    return "ndc-updated" if version not in ("", "1", "N/A") else "ndc"


# --------------------------------------------------------------------------- filters

@dataclass(frozen=True)
class Selection:
    """What ``ndc-scan fetch`` is asked for; empty tuples mean "any"."""

    latest: bool = False
    parties: tuple[str, ...] = ()     # ISO3 codes (the Party a row is listed under, or whose document it is)
    kinds: tuple[str, ...] = ()       # DOCUMENT_KINDS and/or "addendum"; by default every kind but addenda
    languages: tuple[str, ...] = ()   # ISO 639-1 codes: a filter; with ``latest``, the versions preferred
    since: str = ""                   # YYYY-MM-DD: submitted on or after

    def __post_init__(self):
        unknown = [k for k in self.kinds if k not in DOCUMENT_KINDS and k != ADDENDUM]
        if unknown:
            raise FetchError(f"--kind {', '.join(unknown)}: not a document kind",
                             remedy=f"use one of {', '.join([*DOCUMENT_KINDS, ADDENDUM])}")
        if self.since and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", self.since):
            raise FetchError(f"--since {self.since}: not a date", remedy="give it as YYYY-MM-DD, e.g. 2024-01-01")


def select(rows: Iterable[CatalogRow], selection: Selection) -> list[CatalogRow]:
    """The rows to fetch, in catalog order, each document (URL) once.

    ``--latest``: per Party, the newest active submission (by submission date, among the
    rows the other filters keep); of its versions, the one in the first of ``languages``
    that exists (English by default), else the original(s).
    """
    kinds = selection.kinds or tuple(DOCUMENT_KINDS)
    kept = [row for row in rows
            if row.kind in kinds
            and (not selection.parties or row.code in selection.parties or row.iso3 in selection.parties)
            and (not selection.since or (row.submitted and row.submitted >= selection.since))]
    if selection.latest:
        kept = _latest(kept, selection.languages or ("en",))
    elif selection.languages:
        kept = [row for row in kept if row.language in selection.languages]
    return _once(kept)


def _latest(rows: list[CatalogRow], languages: Sequence[str]) -> list[CatalogRow]:
    by_party: dict[str, list[CatalogRow]] = defaultdict(list)
    for row in rows:
        if row.active and row.submitted:
            by_party[row.code].append(row)
    chosen: set[int] = set()
    for party_rows in by_party.values():
        newest = max(row.submitted for row in party_rows)
        submission = [row for row in party_rows if row.submitted == newest]
        for language in languages:
            versions = [row for row in submission if row.language == language]
            if versions:
                break
        else:
            versions = [row for row in submission if not row.translation] or submission
        chosen.update(id(row) for row in versions)
    return [row for row in rows if id(row) in chosen]


def _once(rows: list[CatalogRow]) -> list[CatalogRow]:
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row.url not in seen:
            seen.add(row.url)
            unique.append(row)
    return unique


# --------------------------------------------------------------------------- names

def file_names(rows: Sequence[CatalogRow]) -> dict[str, str]:
    """URL → file name stem ``ISO3_kind_year[_lang][_n]`` for every document of a catalog.

    Named over the whole catalog, so a document keeps its name whatever the filters of a run:
    the language is added where the catalog holds two documents of the same Party, kind and
    year; a number after that where they still share a name (in catalog order).
    """
    documents = _once(sorted(rows, key=lambda r: (r.catalog, r.line)))
    base = {row.url: f"{row.iso3}_{row.kind or 'document'}_{row.year or 'undated'}" for row in documents}
    groups: dict[str, list[CatalogRow]] = defaultdict(list)
    for row in documents:
        groups[base[row.url]].append(row)
    names = {}
    for stem, group in groups.items():
        if len(group) == 1:
            names[group[0].url] = stem
            continue
        by_language: dict[str, list[CatalogRow]] = defaultdict(list)
        for row in group:
            by_language[f"{stem}_{row.language or 'xx'}"].append(row)
        for named, same in by_language.items():
            for n, row in enumerate(same, start=1):
                names[row.url] = named if len(same) == 1 else f"{named}_{n}"
    return names


def extension(url: str) -> str:
    """The extension a catalog URL names (``.pdf``, ``.docx`` …), ``.pdf`` when it names none."""
    found = _EXTENSION.search(unquote(urlsplit(url).path))
    return f".{found.group(1).lower()}" if found else ".pdf"


__all__ = ["Catalog", "Selection", "extension", "file_names", "kind_of_row", "read_catalog", "select"]
