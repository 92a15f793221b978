"""Which reader reads a file: PDF, Word (.docx), HTML or plain text, by its extension.

The extension says what a file claims to be; the PDF reader then checks the bytes (an HTML
error page named ``.pdf`` stays a failure). A file with another extension is read by what its
first bytes are. Old Word (``.doc``), RTF, OpenDocument, XPS and other formats are a clear
failure with the command that converts them. Documents without pages (Word, HTML, text) are
numbered by paragraph (``read/flow.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import UnreadableFileError, UnsupportedFormatError
from ..records import Page
from . import ocr as ocr_stage
from .docx import read_docx
from .flow import front_text
from .html import read_html
from .metadata import PAGE_BREAK
from .pages import extractor_id, read_pdf
from .text import read_text_file

#: Extension → format read.
FORMATS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
#: Formats without pages: cited by section heading and paragraph number.
PAGELESS = ("docx", "html", "text")
#: Document formats that must be converted first (found in folders so that they fail clearly instead of vanishing).
CONVERT = {".doc": "an old Word file (.doc)", ".docm": "a macro-enabled Word file (.docm)",
           ".dot": "a Word template (.dot)", ".dotx": "a Word template (.dotx)", ".rtf": "an RTF file",
           ".odt": "an OpenDocument text file (.odt)", ".xps": "an XPS file", ".oxps": "an XPS file",
           ".wpd": "a WordPerfect file", ".pages": "an Apple Pages file", ".epub": "an EPUB book",
           ".mht": "a web archive (.mht)", ".mhtml": "a web archive (.mhtml)"}
#: Extensions a folder is searched for.
DOCUMENT_SUFFIXES = frozenset(FORMATS) | frozenset(CONVERT)


def format_of(path: Path) -> str:
    """``pdf``, ``docx``, ``html``, ``text``, or ``convert`` (a format to convert first).

    By extension; a file with an unknown extension by its first bytes (a Word or HTML file named
    ``.dat`` is read as such; anything else goes to the PDF reader, which reads a PDF under any
    name and reports what the rest is).
    """
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix in CONVERT:
        return "convert"
    found = sniff(_head(path))
    return found if found in ("docx", "html") else "pdf"


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(2048)
    except OSError:
        return b""


def sniff(head: bytes) -> str:
    """What the first bytes of a file are: ``pdf``, ``docx`` (any zip), ``ole`` (old Office), ``html``,
    ``text``, ``empty`` or ``binary``."""
    if not head:
        return "empty"
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<!--")) or \
            b"<html" in lowered[:1024]:
        return "html"
    if sum(1 for byte in head if byte < 9 or 13 < byte < 32) <= len(head) // 100:
        return "text"
    return "binary"


def extractor_for(fmt: str, engine: str) -> str:
    """What produces a file's stored extraction (``store.Store.is_current``): the PDF engine, or the format's reader."""
    return extractor_id(engine if fmt == "pdf" else fmt)


def read_document(path: str | Path, doc_id: str, *, password: Optional[str] = None,
                  ocr: Optional[ocr_stage.OcrSettings] = None, engine: str = "pdfplumber") -> tuple[list[Page], dict]:
    """Pages and info of any supported file; raises an ``InputFileError`` naming the file when it cannot be read."""
    path = Path(path)
    fmt = format_of(path)
    if fmt in PAGELESS and sniff(_head(path)) == "pdf":
        fmt = "pdf"                   # a PDF saved under another extension is still read
    if fmt == "docx":
        return read_docx(path, doc_id)
    if fmt == "html":
        return read_html(path, doc_id)
    if fmt == "text":
        return read_text_file(path, doc_id)
    if fmt == "convert":
        if not path.exists():
            raise UnreadableFileError(str(path), "cannot be read (No such file or directory)")
        raise UnsupportedFormatError(
            str(path), f"is {CONVERT[path.suffix.lower()]}, which ndc-scan does not read",
            remedy=f"convert it: libreoffice --headless --convert-to docx '{path.name}' (or --convert-to pdf), "
                   "then scan the converted file")
    return read_pdf(path, doc_id, password=password, ocr=ocr, engine=engine)


def front(pages: list[Page], fmt: str, n_pages: int) -> str:
    """The text metadata inference reads: the first ``n_pages`` pages of a PDF, the first paragraphs of the rest."""
    if fmt in PAGELESS:
        return front_text(pages)
    return PAGE_BREAK.join(p.text for p in pages[:n_pages])


__all__ = ["CONVERT", "DOCUMENT_SUFFIXES", "FORMATS", "PAGELESS", "extractor_for", "format_of", "front",
           "read_document", "sniff"]
