"""Word NDCs (.docx): paragraphs and tables of the document body → blocks → ``Page`` records.

Read with python-docx, body in document order (``Document.iter_inner_content``). A paragraph is a
heading when its style is a heading style ("Heading 2", "Titre 2", "Título 1" …, or "Title") or
has an outline level, or, without a style, when it is short, bold throughout and numbered or in
capitals; list paragraphs start with "• " as a PDF's bullets do; each table row is a table row
with its cells joined by " | " (a merged cell once). Headers, footers, footnotes, comments and
text boxes are left out. The core properties give the info dict (Title, Author, CreationDate in
the PDF's ``D:YYYYMMDDHHMMSS`` form), so citations can fall back on them as on a PDF's.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorruptDocumentError, EmptyFileError, UnsupportedFormatError
from ..records import Block, Page
from .flow import clean, heading_level, pages_from_blocks, plausible_heading, read_bytes, table_row

_STYLE_LEVEL = re.compile(r"(?:heading|titre|t[íi]tulo|titolo|überschrift|заголовок)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|titre|t[íi]tulo|subtitle)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str | Path, doc_id: str) -> tuple[list[Page], dict[str, str]]:
    """The headings, paragraphs and table rows of a Word file as pages, and its core properties."""
    import docx  # heavy: loaded when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    path = Path(path)
    head = read_bytes(path, 8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormatError(str(path), "is an old Word file (.doc), although it is named .docx",
                                     remedy=f"convert it: libreoffice --headless --convert-to docx '{path.name}'")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise CorruptDocumentError(str(path), f"is not a readable Word file ({type(exc).__name__}: {exc})") from exc
    pages = pages_from_blocks(doc_id, docx_blocks(document))
    if not pages:
        raise EmptyFileError(str(path), "has no text in its body",
                             remedy="check the file in Word: its text may be in text boxes or images; "
                                    "save it as PDF and scan that")
    return pages, _info(document)


def docx_blocks(document: Any) -> Iterator[Block]:
    """Headings, paragraphs and tables of a python-docx ``Document`` body, in order."""
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [table_row(cell.text for cell in _cells(row)) for row in item.rows]
            rows = [row for row in rows if row]
            if rows:
                yield Block(kind="table", text="\n".join(rows))
            continue
        text = clean(item.text)
        if not text:
            continue
        level = _heading_level(item, text)
        if level:
            yield Block(kind="heading", text=text, level=level)
        else:
            yield Block(kind="paragraph", text=f"• {text}" if _is_list(item) else text)


def _cells(row: Any) -> list[Any]:
    """The cells of a row, a merged cell once (python-docx repeats it for each grid column it spans)."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _heading_level(paragraph: Any, text: str) -> int:
    style = paragraph.style.name if paragraph.style is not None else ""
    found = _STYLE_LEVEL.search(style)
    if found and plausible_heading(text):
        return max(1, min(3, int(found.group(1))))
    if _TITLE_STYLE.match(style) and plausible_heading(text):
        return 1
    outline = paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")
    if outline is not None and plausible_heading(text):
        return max(1, min(3, int(outline.get(f"{_W}val", "0")) + 1))
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs):
        return heading_level(text)
    return 0


def _is_list(paragraph: Any) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    return "list" in style.lower() or paragraph._p.find(f"{_W}pPr/{_W}numPr") is not None


def _info(document: Any) -> dict[str, str]:
    properties = document.core_properties
    info = {"Title": properties.title or "", "Author": properties.author or "", "Subject": properties.subject or ""}
    if properties.created is not None:
        info["CreationDate"] = properties.created.strftime("D:%Y%m%d%H%M%S")
    if properties.modified is not None:
        info["ModDate"] = properties.modified.strftime("D:%Y%m%d%H%M%S")
    return {key: value for key, value in info.items() if value}


__all__ = ["docx_blocks", "read_docx"]
