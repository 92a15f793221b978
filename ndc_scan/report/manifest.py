"""The manifest of a report folder: what its reports were made from, and what they say in brief.

After writing the reports, a scan writes ``.ndc-scan-reports.json`` beside them: the key of
everything the reports are made from (``fingerprints.key`` over the store's id and
generation, the scan's documents and failures, taxonomy, catalogs, options and this code),
the SHA-256 of each file written, and the summary the command prints. The next scan into
that folder with the same key, finding every file as it was written, leaves the folder alone
(a re-scan in which nothing changed costs a second, not a rebuild of every report); a
report deleted or edited by hand is written again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Optional

from ..aggregate.coverage import to_review
from ..aggregate.tables import Tables
from .output import written

MANIFEST = ".ndc-scan-reports.json"


def summarise(tables: Tables) -> dict[str, Any]:
    """The figures a scan prints about its reports (documents, pages, countries, concepts, review), as JSON."""
    docs, coverage, passages = tables.documents, tables.coverage, tables.passages
    found = coverage[coverage["level"].fillna(0) > 0]
    counts, strong = Counter(found["concept"]), Counter(found[found["level"] >= 2]["concept"])
    return {
        "documents": len(docs),
        "pages": int(docs["n_pages"].sum()) if len(docs) else 0,
        "countries": int(docs["iso3"].replace("", None).nunique()) if len(docs) else 0,
        "unread": int((docs["read_status"] == "no text layer").sum()) if len(docs) else 0,
        "ocr_documents": int((docs["pages_ocr"] > 0).sum()) if len(docs) else 0,
        "ocr_pages": int(docs["pages_ocr"].sum()) if len(docs) else 0,
        "concepts": [[concept, counts.get(concept, 0), strong.get(concept, 0)]
                     for concept in coverage["concept"].drop_duplicates()],
        "to_review": len(to_review(passages)),
        "reviewed": int((passages["reviewed"] != "").sum()) if len(passages) else 0,
        "not_counted": int((~passages["counted"].astype(bool)).sum()) if len(passages) else 0,
    }


#: The figures of ``summarise``: a manifest without every one of them (edited by hand) is not trusted.
_FIGURES = {"documents": int, "pages": int, "countries": int, "unread": int, "ocr_documents": int, "ocr_pages": int,
            "concepts": list, "to_review": int, "reviewed": int, "not_counted": int}


def current(out: Path, key: str) -> Optional[dict[str, Any]]:
    """The manifest of ``out`` when its reports were made from ``key`` and every file the scan wrote is as it wrote
    it; else None (also for a manifest that is damaged or was edited by hand: the reports are then written again)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not (isinstance(manifest, dict) and manifest.get("key") == key and isinstance(manifest.get("files"), dict)
            and isinstance(manifest.get("summary"), dict)):
        return None
    summary = manifest["summary"]
    if not all(isinstance(summary.get(name), kind) for name, kind in _FIGURES.items()):
        return None
    if not all(isinstance(row, list) and len(row) == 3 for row in summary["concepts"]):
        return None
    for name, digest in manifest["files"].items():
        if _sha256(out / name) != digest:
            return None
    return manifest


def record(out: Path, key: str, paths: list[Path], summary: dict[str, Any]) -> Path:
    """Write the manifest of the files a scan just wrote to ``out`` (the last file it writes there). Files it did
    not write (briefs made by ``ndc-scan briefs``, notes of one's own) are not part of it."""
    files = {path.relative_to(out).as_posix(): _sha256(path) for path in paths}
    with written(out / MANIFEST) as path:      # ASCII JSON: a file name that is not UTF-8 is escaped, not an error
        path.write_text(json.dumps({"key": key, "files": files, "summary": summary}, indent=1), encoding="utf-8")
    return out / MANIFEST


def _sha256(path: Path) -> Optional[str]:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):         # ValueError: a name with a NUL byte (a manifest edited by hand)
        return None


__all__ = ["MANIFEST", "current", "record", "summarise"]
