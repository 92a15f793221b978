"""Writing report files safely, and report text that reads as the PDF says.

* ``check_folder`` — before a scan reads any file: the ``--out`` folder can be made and written
  (a read-only folder used to fail after the whole scan);
* ``written`` — every report file is written to a temporary name beside it and renamed when
  complete, so a full disk or a killed scan leaves the previous file (or none), never a truncated
  one; an ``OSError`` becomes an ``OutputError`` naming the path and what to do;
* ``readable_tables`` — the tables with bidi controls taken out of their text (``textnorm``);
* ``excel_cell`` — a text longer than an Excel cell can hold, cut with a note saying so
  (the CSV keeps it whole).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ..aggregate.tables import Tables
from ..errors import OutputError
from ..textnorm import shown_name, without_bidi_controls

#: The most characters an Excel cell holds.
#: Control characters an XML file (an xlsx workbook, an SVG chart) cannot hold.
XML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_LIMIT = 32_767
EXCEL_CUT_NOTE = " … [cut: an Excel cell holds {limit:,} characters, this text has {length:,}; the CSV file has it whole]"


def check_folder(out: Path, *, keep: bool = True) -> None:
    """Make ``out`` (and its parents) and check that a file can be written in it; raise ``OutputError``.

    ``keep`` False: a check before any work is done; the folders made for it are removed again, so that a run
    refused later (its store in use, a bad taxonomy) leaves no empty report folder behind.
    """
    made: list[Path] = []                  # the folders this call makes, one level at a time ("new/../old" is two)
    try:
        for folder in reversed((out, *out.parents)):
            try:
                folder.mkdir()
                made.append(folder)
            except FileExistsError:
                pass
        with tempfile.NamedTemporaryFile(dir=out, prefix=".ndc-scan-check-"):
            pass
    except OSError as exc:
        raise output_error(out, exc) from exc
    finally:
        for folder in reversed(made) if not keep else ():
            with contextlib.suppress(OSError):
                folder.rmdir()


@contextlib.contextmanager
def written(path: Path, *, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write to; rename it to ``path`` once the block ends.

    The temporary name keeps the extension (writers pick their format from it) and starts with a
    dot. On any error the temporary file is removed and ``path`` is left as it was; an ``OSError``
    becomes ``output_error(path, exc, option=option)``.
    """
    temporary = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        raise output_error(path, exc, option=option) from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def output_error(path: Path, exc: OSError, *, option: str = "--out") -> OutputError:
    """The one-line error for a report file or folder that cannot be written; ``option`` names where the path came
    from (``--out``; "" for a file named on the command line, e.g. a review export)."""
    name = shown_name(path)
    elsewhere = f"pass {option} with a folder" if option else "give a path in a folder"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return OutputError(f"{name}: cannot be written: the disk is full ({exc.strerror})",
                           remedy=f"free some space on that disk, or {elsewhere} on another disk, and run the same "
                                  "command again (what the scan read is kept in the store)")
    if exc.errno == errno.EROFS:
        return OutputError(f"{name}: cannot be written: the file system is read-only",
                           remedy=f"{elsewhere} you may write in")
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return OutputError(f"{name}: cannot be written: a part of this path is a file, not a folder",
                           remedy=f"{elsewhere} (or a path where one can be made)")
    if exc.errno == errno.EISDIR:
        return OutputError(f"{name}: cannot be written: a folder of that name is in the way",
                           remedy=f"move or rename that folder (the file is written in its place), or {elsewhere}")
    return OutputError(f"{name}: cannot be written ({exc.strerror or exc})",
                       remedy=f"{elsewhere} you may write in (ls -ld FOLDER)")


def readable_tables(tables: Tables) -> Tables:
    """The tables with bidi controls taken out of every text cell (a quote shows as the PDF does)."""
    return replace(tables, **{name: _without_bidi(frame) for name, frame in tables.items()})


def _without_bidi(frame: pd.DataFrame) -> pd.DataFrame:
    return map_text(frame, lambda value: without_bidi_controls(value) if isinstance(value, str) else value)


def map_text(frame: pd.DataFrame, function: Callable[[object], object]) -> pd.DataFrame:
    """``frame`` with ``function`` applied to every cell of its text columns."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    if not len(frame) or not len(text):
        return frame
    return frame.assign(**{column: frame[column].map(function) for column in text})


def excel_cell(value: object) -> object:
    """``value``, or a text cut to Excel's cell limit with a note saying so."""
    if not isinstance(value, str) or len(value) <= EXCEL_CELL_LIMIT:
        return value
    note = EXCEL_CUT_NOTE.format(limit=EXCEL_CELL_LIMIT, length=len(value))
    return value[:EXCEL_CELL_LIMIT - len(note)] + note
