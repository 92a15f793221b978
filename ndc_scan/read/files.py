"""Finding input files: files, folders (recursive) and glob patterns → unique documents.

A document's id is the SHA-256 of its bytes, so the same file under two
names is one document (the first name given is kept).
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import NoInputError, UnreadableFileError, UsageError
from .formats import DOCUMENT_SUFFIXES

_GLOB_CHARS = set("*?[")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand paths into a sorted, de-duplicated list of files.

    Folders are searched recursively for documents (``*.pdf``, ``*.docx``, ``*.html``, ``*.htm``,
    ``*.txt`` in any case, and formats to convert first such as ``*.doc``, which then fail with the
    command that converts them); a file named explicitly is taken whatever its extension, so a
    mislabelled file fails with its own error instead of vanishing.
    """
    found, seen = [], set()
    for raw in paths:
        text = str(raw)
        if _GLOB_CHARS & set(text):
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
            if not matches:
                raise UsageError(f"{text}: no file matches this pattern",
                                 remedy="check the pattern, or quote it so your shell does not expand it")
            candidates = [m for m in matches if m.is_file()]
        else:
            path = Path(text)
            if path.is_dir():
                candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file())
            elif path.exists() or path.is_symlink():
                candidates = [path]
            else:
                raise UsageError(f"{text}: no such file or folder", remedy="check the path")
        for candidate in candidates:
            key = str(candidate.resolve()) if candidate.exists() else str(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    if not found:
        raise NoInputError(f"no PDF, Word, HTML or text files under {', '.join(map(str, paths))}",
                           remedy="give NDC files (.pdf, .docx, .html, .txt), folders that contain them, "
                                  "or a pattern such as 'ndcs/*.pdf'")
    return found


def fingerprint(path: Path) -> tuple[str, int]:
    """(SHA-256 hex digest, size in bytes) of a file."""
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from exc
    return digest.hexdigest(), size
