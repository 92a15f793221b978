"""Keys that say whether something made earlier is still what this run would make.

A re-scan skips work whose inputs have not changed: a document's metadata is inferred
again only when its key (file name, ``--lang``, ``--metadata`` rows, this code) differs
from the stored one, and the reports are written again only when their key (the store's
generation, the documents, the failures, taxonomy, catalogs, this code) differs from the
one written beside them. "This code" is a hash of the package's own files (source and
shipped data), so an upgrade, or an edit in a source checkout, makes everything again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from .defaults import PACKAGE_DIR

#: Files of the package that make its results (compiled caches and editor files are not).
_CODE_SUFFIXES = {".py", ".csv", ".json", ".txt", ".md", ".html", ".css", ".js"}


@functools.cache
def package_hash() -> str:
    """SHA-256 of every source and data file of the installed ``ndc_scan`` package (read once per process)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in _CODE_SUFFIXES and p.is_file()):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def files_hash(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """(name, SHA-256) of each file; a file that cannot be read gets '' (its loader reports why)."""
    found = []
    for path in paths:
        try:
            found.append((Path(path).name, hashlib.sha256(Path(path).read_bytes()).hexdigest()))
        except OSError:
            found.append((Path(path).name, ""))
    return found


def key(*parts: object) -> str:
    """One SHA-256 hex digest of JSON-able parts (order matters)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()   # names may hold surrogates


__all__ = ["files_hash", "key", "package_hash"]
