"""The error hierarchy. The library raises these; the CLI prints one line and exits with ``exit_code``.

Every message names the thing (file, page, row), the problem and the next step.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Optional

from .textnorm import printable, shown_name


class NdcScanError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1
    remedy = ""

    def __init__(self, message: str, *, remedy: str = ""):
        super().__init__(message)
        if remedy:
            self.remedy = remedy

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message}: {self.remedy}" if self.remedy else message


class UsageError(NdcScanError):
    """Bad arguments: a path that does not exist, an option out of range."""

    exit_code = 2


class InputFileError(NdcScanError):
    """One input file cannot be processed; the batch carries on without it."""

    exit_code = 3

    def __init__(self, path: object, problem: str, *, remedy: str = ""):
        self.path = shown_name(path)          # a name that is not UTF-8 or holds control characters, escaped
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", remedy=remedy)

    def __reduce__(self):
        # Errors cross from the reading child process to the parent by pickling.
        return (self.__class__, (self.path, self.problem), {"remedy": self.remedy})


class NotAPdfError(InputFileError):
    remedy = "convert it to PDF (e.g. libreoffice --headless --convert-to pdf FILE) or remove it from the input"


class EmptyFileError(InputFileError):
    remedy = "download it again, or remove it from the input"


class EncryptedPdfError(InputFileError):
    remedy = "decrypt it first, e.g. qpdf --decrypt IN.pdf OUT.pdf"


class CorruptPdfError(InputFileError):
    remedy = "the PDF is damaged; download it again or repair it with qpdf IN.pdf OUT.pdf"


class WorkerError(InputFileError):
    """The worker handling a file died (killed, out of memory) or stopped answering (a bug on a file is an
    ``InternalError``)."""

    remedy = "run the scan again to retry it; if it fails again, please report it (--verbose shows the traceback)"


class UnreadableFileError(InputFileError):
    remedy = "check that the file exists and that you may read it (ls -l; chmod u+r FILE)"


class ExtractionTimeoutError(InputFileError):
    remedy = "raise --timeout, or check the file: it makes the PDF reader run too long"


class TooMuchMemoryError(InputFileError):
    remedy = "raise --max-memory, or check the file: it makes the PDF reader use too much memory"


class NotARegularFileError(InputFileError):
    """A FIFO, socket or device among the inputs: it is never opened (reading it could block for ever)."""

    remedy = "give the PDF file itself (copy it to a file first)"


class UnreadableFolderError(InputFileError):
    """A folder (given, or found while searching one) whose entries cannot be listed: its PDFs would be missing."""

    remedy = "check that you may read the folder (ls -ld FOLDER; chmod u+rx FOLDER), or leave it out of the input"


class InternalError(NdcScanError):
    """A bug: an unexpected exception in a stage. The batch carries on without the file it happened on.

    ``stage`` is the ndc_scan module the exception came out of (e.g. ``passages.segment``);
    ``problem`` the line a failure row shows.
    """

    remedy = "please report it; --verbose shows the traceback"

    def __init__(self, exc: BaseException, *, path: object = None):
        self.stage = stage_of(exc)
        first_line = (str(exc).strip().splitlines() or [""])[0]
        error = printable(f"{type(exc).__name__}: {first_line[:200]}{'…' if len(first_line) > 200 else ''}")
        self.problem = f"internal error in {self.stage}: {error}"
        where = f" while reading {shown_name(path)}" if path is not None else ""
        super().__init__(f"internal error in {self.stage}{where}: {error}")

    def __str__(self) -> str:
        return f"{self.args[0]} — {self.remedy}"

    def __reduce__(self):
        # A worker process sends it to the scan by pickling; the traceback stays behind, its line does not.
        return (_internal_error, (self.args[0], self.stage, self.problem))


def _internal_error(message: str, stage: str, problem: str) -> InternalError:
    error = InternalError.__new__(InternalError)
    Exception.__init__(error, message)
    error.stage, error.problem = stage, problem
    return error


_PACKAGE = Path(__file__).resolve().parent


def stage_of(exc: BaseException) -> str:
    """The ndc_scan module (``read.pages``, ``passages.segment``, …) nearest where ``exc`` was raised."""
    stage: Optional[str] = None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            relative = Path(frame.filename).resolve().relative_to(_PACKAGE)
        except ValueError:
            continue
        stage = ".".join(relative.with_suffix("").parts)
    return stage or "ndc_scan"


class OutputError(NdcScanError):
    """The reports cannot be written: the --out folder is not writable, or its disk is full."""

    exit_code = 8


class OcrUnavailableError(NdcScanError):
    """Tesseract or a language pack is missing: scanned pages stay unread (and are reported so)."""

    exit_code = 6


class BadRowsError(NdcScanError):
    """A data file (taxonomy, metadata) has bad rows; all of them are listed at once."""

    exit_code = 4
    what = "the file"
    readme_section = ""

    def __init__(self, path: str, problems: list):
        self.path = str(path)
        self.problems = list(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{self.path}: {len(self.problems)} problem(s) in {self.what}\n{listing}",
            remedy=f"fix {'these rows' if all(p.startswith(('row ', 'line ')) for p in self.problems) else 'what is listed'} "
                   f"and run again (see '{self.readme_section}' in the README)",
        )


class TaxonomyError(BadRowsError):
    what = "the taxonomy"
    readme_section = "Taxonomy format"


class MetadataError(BadRowsError):
    what = "the metadata file"
    readme_section = "Metadata file"


class StoreError(NdcScanError):
    """The SQLite store cannot be opened, is in use, or is from an incompatible version."""

    exit_code = 5


class NoStoreError(UsageError):
    """A command that reads a store was given one that does not exist."""


class NoInputError(UsageError):
    """No PDF files found under the given paths."""


class LabelsError(BadRowsError):
    what = "the labelled passages"
    readme_section = "Training a classifier"


class ModelError(NdcScanError):
    """A trained model cannot be used: missing, tampered with, or made with other library versions."""
    exit_code = 7


def quoted(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters (a 50 MB cell is never echoed whole)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} characters as text"
    return f"{text[:limit]}… ({size})"


class ReviewSheetError(BadRowsError):
    """A filled-in review sheet (or a decisions backup) has bad rows; nothing is imported until all are fixed."""
    what = "the review sheet"
    readme_section = "Review"


class MapDataError(NdcScanError):
    """The world map's shapes cannot be read (the package that ships them is missing or changed)."""

    exit_code = 1


class UnsupportedFormatError(InputFileError):
    """A document in a format ndc-scan does not read (old Word .doc, RTF, ODT, XPS ...): convert it first."""

    remedy = "convert it, e.g. libreoffice --headless --convert-to docx FILE (or --convert-to pdf), and scan the result"


class CorruptDocumentError(InputFileError):
    """A Word, HTML or text file that cannot be parsed."""

    remedy = "the file is damaged; download it again, or open it in Word or LibreOffice and save it again"


class FetchError(NdcScanError):
    """A registry catalog cannot be used for ``ndc-scan fetch`` (missing, not a catalog, bad options)."""

    exit_code = 2


class DownloadError(NdcScanError):
    """One document could not be downloaded; the fetch carries on without it (a row of fetch_failures.csv)."""

    exit_code = 3

    def __init__(self, url: str, problem: str, *, remedy: str = ""):
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}", remedy=remedy)
