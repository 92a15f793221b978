"""The ``--metadata`` file: values a user gives for country, kind, year and language.

``load_metadata_csv`` reads our own format, the corpus MANIFEST.csv or the
UNFCCC registry catalog; ``apply_overrides`` lets its values win over inferred
ones, marked ``"given"``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Optional

import pycountry

from ..errors import MetadataError
from ..records import DOCUMENT_KINDS, GIVEN, DocumentMeta
from .countries import country_name, fold, is_country_code, lookup_name
from .metadata import LANGUAGE_NAMES

# --- the --metadata file ----------------------------------------------------
FIELDS = ("iso3", "country", "kind", "year", "language")
#: File name or SHA-256 (lower case) → {field: value} given for that document.
Overrides = dict[str, dict]
_KIND_NAMES = {**{k: k for k in DOCUMENT_KINDS}, **{v.lower(): k for k, v in DOCUMENT_KINDS.items()}}
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def load_metadata_csv(path: str | Path) -> Overrides:
    """Read a ``--metadata`` file into ``{key: {field: value}}``; keys are file names and "sha256:<hex>".

    Two formats, told apart by the header: our own (``file`` and/or ``sha256``,
    plus any of ``iso3, country, kind, year, language``; the corpus MANIFEST.csv
    is one) and the UNFCCC registry catalog (``code, party, title, language,
    submissionDate, originalFilename``). Every bad row is reported at once.
    Row numbers are lines of the file (the header is row 1).
    """
    rows, header = _read_csv(path)
    if "originalfilename" in header:
        result, problems = _registry_rows(rows)
    elif "file" in header or "sha256" in header:
        result, problems = _own_rows(rows)
    else:
        raise _file_error(path, f"the header ({', '.join(header) or 'empty'}) has neither a 'file' nor a "
                                "'sha256' column, nor the registry's 'originalFilename'")
    if problems:
        raise MetadataError(str(path), problems)
    return result


def _file_error(path, problem: str) -> MetadataError:
    error = MetadataError(str(path), [problem])
    error.remedy = "see 'Metadata file' in the README for the columns it takes, and pass it with --metadata"
    return error


def _read_csv(path) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _file_error(path, "no such file; check the path given to --metadata") from None
    except UnicodeDecodeError as e:
        raise _file_error(path, f"not UTF-8 text (byte {e.start}); save it as 'CSV UTF-8'") from None
    except OSError as e:
        raise _file_error(path, f"cannot read it ({e.strerror}); check its permissions") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[tuple[int, dict]] = []
    try:
        reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)   # an unclosed quote: error
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        for row in reader:
            clean = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
            rows.append((reader.line_num, clean))
    except csv.Error as e:
        start = (rows[-1][0] if rows else 1) + 1          # the line after the last row read
        raise _file_error(path, f"row {start}: not a readable CSV row ({e}); check its quotes") from None
    return rows, header


def _own_rows(rows) -> tuple[dict, list[str]]:
    result: dict[str, dict] = {}
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for n, row in rows:
        given, bad = {}, []
        for field in FIELDS:
            value = row.get(field, "")
            if value:
                try:
                    given[field] = _PARSE[field](value)
                except ValueError as e:
                    bad.append(f"row {n}, column {field}: {value!r} {e}")
        if given.get("country") and "iso3" in given and not bad \
                and (named := lookup_name(str(given["country"]))) not in (None, given["iso3"]):
            bad.append(f"row {n}: country {given['country']!r} is {named}, but iso3 says {given['iso3']}: correct one "
                       "of them (or leave country empty: the name then comes from iso3)")
        if given.get("country") and "iso3" not in given and not bad:
            iso3 = lookup_name(str(given["country"]))
            if iso3 is None:
                bad.append(f"row {n}, column country: {given['country']!r} is not a country name ndc-scan "
                           "knows; add its ISO 3166-1 alpha-3 code in an iso3 column")
            else:
                given["iso3"] = iso3
        keys = []
        if row.get("file"):
            keys.append(row["file"])
        if row.get("sha256"):
            if _HEX64.match(row["sha256"]):
                keys.append("sha256:" + row["sha256"].lower())
            else:
                bad.append(f"row {n}, column sha256: {row['sha256']!r} is not a SHA-256 (64 hex digits)")
        if not keys and not bad:
            bad.append(f"row {n}: neither file nor sha256 is given, so the row matches no document")
        for key in keys:
            if key in result and result[key] != given:
                bad.append(f"row {n}: {key!r} is already given, differently, in row {first_row[key]}")
            first_row.setdefault(key, n)
        problems += bad
        if not bad:
            result.update({key: dict(given) for key in keys})
    return result, problems


def _iso3(value: str) -> str:
    code = value.strip().upper()
    if not is_country_code(code):
        raise ValueError("is not an ISO 3166-1 alpha-3 code (e.g. KEN)")
    return code


def _kind(value: str) -> str:
    kind = _KIND_NAMES.get(" ".join(value.lower().split()))
    if kind is None:
        raise ValueError(f"is not one of {', '.join(DOCUMENT_KINDS)}")
    return kind


def _year(value: str) -> int:
    m = re.match(r"^(\d{4})(?:\.0|-\d\d(?:-\d\d)?)?$", value)
    if not m or not 1990 <= int(m.group(1)) <= 2100:
        raise ValueError("is not a year (four digits, e.g. 2021)")
    return int(m.group(1))


def _parse_language(value: str) -> str:
    first = re.split(r"\s*(?:[+,;/]|\band\b)\s*", value.strip())[0].lower()
    code = LANGUAGE_NAMES.get(fold(first)[0], first)
    if not re.match(r"^[a-z]{2}$", code) or pycountry.languages.get(alpha_2=code) is None:
        raise ValueError("is not an ISO 639-1 language code (en, fr, es, pt, ar, ru ...)")
    return code


_PARSE: dict[str, Callable[[str], object]] = {"iso3": _iso3, "country": str, "kind": _kind, "year": _year,
                                             "language": _parse_language}


def _registry_rows(rows) -> tuple[dict, list[str]]:
    """UNFCCC registry catalog rows. A file listed under several Parties (the EU's NDC is
    listed under each member state) is the EU's when the title says so; fields on which
    its rows disagree are left out, to be inferred."""
    result: dict[str, dict] = {}
    problems, conflicts = [], set()
    for n, row in rows:
        key = row.get("originalfilename", "")
        if not key:
            continue
        given, title = {}, row.get("title", "")
        code = row.get("code", "").upper()
        if re.search(r"\bEU\b|European Union", title):
            code = "EUU"
        if code:
            if re.match(r"^[A-Z]{3}$", code):
                given["iso3"] = code
            else:
                problems.append(f"row {n}, column code: {row['code']!r} is not a three-letter Party code")
        date = row.get("submissiondate", "")
        if date:
            if re.match(r"^(19|20)\d\d-", date):
                given["year"] = int(date[:4])
            else:
                problems.append(f"row {n}, column submissionDate: {date!r} is not a date like 2021-10-12")
        kind = registry_kind(title, row.get("version", ""), given.get("year"))
        if kind:
            given["kind"] = kind
        if row.get("language"):
            try:
                given["language"] = _parse_language(row["language"])
            except ValueError as e:
                problems.append(f"row {n}, column language: {row['language']!r} {e}")
        merged = result.setdefault(key, {})
        for field, value in given.items():
            if (field in merged and merged[field] != value) or (key, field) in conflicts:
                merged.pop(field, None)
                conflicts.add((key, field))
            else:
                merged[field] = value
    return result, problems


def registry_kind(title: str, version: str, year: Optional[int]) -> Optional[str]:
    """Kind from a registry title ("Albania First NDC (Updated submission)", "Gabon Second NDC")."""
    t = fold(title)[0]
    if re.search(r"\bi?ndc ?3\b|\bndc 3\.0|\bthird\b|\b3rd\b|\b2035\b", t):
        return "ndc3"
    if re.search(r"\bindcs?\b|\bintended\b", t) and not re.search(r"\bndc\b", t):
        return "indc"
    if re.search(r"\bfirst\b|\b1st\b", t):
        updated = re.search(r"updat|revis|adjust|rejoin|actualiz", t) or version not in ("", "1", "N/A")
        return "ndc-updated" if updated or (year and year >= 2020) else "ndc"
    if re.search(r"\bsecond\b|\b2nd\b|segunda|seconde|deuxieme", t):
        return "ndc2"
    if re.search(r"updat|revis|actualiz", t):
        return "ndc-updated"
    return "ndc3" if year and year >= 2024 else None


def apply_overrides(meta: DocumentMeta, overrides: Overrides, *, file_name: str, sha256: str) -> DocumentMeta:
    """Let the metadata file's values win: by "sha256:<hex>", then file name (exact, then any case)."""
    given = overrides.get(f"sha256:{sha256.lower()}") or overrides.get(file_name)
    if given is None:
        folded = file_name.casefold()
        given = next((v for k, v in overrides.items() if k.casefold() == folded), None)
    if not given:
        return meta
    values = {f: getattr(meta, f) for f in FIELDS}
    sources, evidence = dict(meta.sources), dict(meta.evidence)
    for field, value in given.items():
        values[field], sources[field], evidence[field] = value, GIVEN, "metadata file"
    if "iso3" in given and "country" not in given:
        values["country"] = country_name(given["iso3"])
        sources["country"], evidence["country"] = GIVEN, "metadata file (iso3)"
    return replace(meta, **values, sources=sources, evidence=evidence)
