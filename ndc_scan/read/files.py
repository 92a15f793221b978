"""Finding input files: files, folders (recursive) and glob patterns → unique documents.

A document's id is the SHA-256 of its bytes, so the same file under two
names is one document (the first name given is kept). Nothing found is
dropped without a word: a folder that cannot be listed, and a FIFO, device
or socket named ``.pdf``, stay in the list and fail in ``fingerprint`` with
their own error.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..errors import (
    InputFileError,
    NoInputError,
    NotARegularFileError,
    UnreadableFileError,
    UnreadableFolderError,
    UsageError,
)
from ..textnorm import shown_name
from .formats import DOCUMENT_SUFFIXES

_GLOB_CHARS = set("*?[")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand paths into a sorted, de-duplicated list of files.

    Folders are searched recursively for documents (``*.pdf``, ``*.docx``, ``*.html``, ``*.htm``,
    ``*.txt`` in any case, and formats to convert first such as ``*.doc``, which then fail with the
    command that converts them); a file named explicitly is taken whatever its extension, so a
    mislabelled file fails with its own error instead of vanishing. A folder whose entries cannot be
    listed is itself in the list (``fingerprint`` says why it cannot be read).
    """
    found, seen = [], set()
    for raw in paths:
        text = str(raw)
        if _GLOB_CHARS & set(text):
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
            if not matches:
                raise UsageError(f"{shown_name(text)}: no file matches this pattern",
                                 remedy="check the pattern, or quote it so your shell does not expand it")
            candidates = [m for m in matches if not m.is_dir()]
        else:
            path = Path(text)
            if path.is_dir():
                candidates = _search(path)
            elif path.exists() or path.is_symlink():
                candidates = [path]
            else:
                raise UsageError(f"{shown_name(text)}: no such file or folder", remedy="check the path")
        for candidate in candidates:
            key = str(candidate.resolve()) if candidate.exists() else str(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    if not found:
        raise NoInputError(f"no PDF, Word, HTML or text files under {', '.join(map(shown_name, paths))}",
                           remedy="give NDC files (.pdf, .docx, .html, .txt), folders that contain them, "
                                  "or a pattern such as 'ndcs/*.pdf'")
    return found


def _search(folder: Path) -> list[Path]:
    """Every entry under ``folder`` named as a document (DOCUMENT_SUFFIXES) that is not a folder, and every
    folder that cannot be listed."""
    unlisted: list[Path] = []
    found = []
    for parent, _, files in os.walk(folder, onerror=lambda exc: unlisted.append(Path(exc.filename))):
        found += [Path(parent, name) for name in files if Path(name).suffix.lower() in DOCUMENT_SUFFIXES]
    return sorted(found + unlisted)


def fingerprint(path: Path) -> tuple[str, int]:
    """(SHA-256 hex digest, size in bytes) of a regular file.

    The file is opened without blocking and checked before a byte is read: a FIFO, a device
    or a socket is refused (reading one could wait for ever), and so is a folder.
    """
    digest, size = hashlib.sha256(), 0
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise UnreadableFolderError(path, "is a folder whose files cannot be listed")
        raise NotARegularFileError(path, f"is not a regular file ({_kind(mode)}), so it is not read")
    os.set_blocking(descriptor, True)
    with os.fdopen(descriptor, "rb") as handle:
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    return digest.hexdigest(), size


def _unreadable(path: Path, exc: OSError) -> InputFileError:
    if path.is_dir():
        return UnreadableFolderError(path, f"is a folder that cannot be read ({exc.strerror})")
    if exc.errno == errno.ENXIO:          # a socket, or a FIFO with no writer opened without blocking
        return NotARegularFileError(path, "is not a regular file (a socket), so it is not read")
    return UnreadableFileError(path, f"cannot be read ({exc.strerror})")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"
