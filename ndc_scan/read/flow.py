"""Documents without pages (Word, HTML, plain text): blocks → ``Page`` records, one per paragraph.

A Word, HTML or text NDC has no pages to cite. Its readers (``read/docx.py``, ``read/html.py``,
``read/text.py``) give the document's headings, paragraphs and table rows in reading order as
``Block`` records; here each block becomes one ``Page`` whose ``page_no`` is the block's position
in the document (1-based, headings and tables included). Segmentation then works as for a PDF
(heading paths carry across blocks), and reports cite a passage by its section heading and its
paragraph number within that section (``aggregate/locators.py``) instead of "p. N".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..errors import EmptyFileError, UnreadableFileError
from ..records import PAGE_OK, Block, Page

#: Front text for metadata inference: blocks from the start of the document up to this many characters.
FRONT_CHARS = 6000

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_NUMBERED = re.compile(r"^\s*(?:(?:chapter|section|part|annex)\s+)?((?:\d{1,2}\.){0,3}\d{1,2})\.?\s+\S"
                       r"|^\s*([IVX]{1,5})[.)]\s+\S|^\s*([A-H])[.)]\s+\S", re.IGNORECASE)
_NOT_HEADING = re.compile(r"https?:|www\.|\(n\.d\.\)|\.{4,}|…{2,}", re.IGNORECASE)
BULLETS = "•●▪■◦○►▶➢✓–-*"
MAX_HEADING = 120


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The bytes of a file (the first ``limit`` when given); an unreadable or empty file is an error naming it."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise EmptyFileError(str(path), "is empty (0 bytes)" if not raw else "has no text")
    return raw


def clean(text: str) -> str:
    """NFKC-normalised text with control characters dropped and runs of white space made one space."""
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text).strip()


def table_row(cells: Iterable[str]) -> str:
    """A table row as the PDF reader writes it: non-empty cells joined by " | " (a repeated merged cell once)."""
    shown: list[str] = []
    for cell in cells:
        text = clean(cell)
        if text and (not shown or shown[-1] != text):
            shown.append(text)
    return " | ".join(shown)


def heading_level(text: str) -> int:
    """0 when a line of plain text is not a heading, else its depth (1 = top).

    A heading stands alone, is short, has letters, does not end like a sentence and is
    numbered ("2.1 Agriculture", "III. Adaptation") or written in capitals ("MITIGATION").
    """
    letters = sum(c.isalpha() for c in text)
    if (letters < 3 or len(text) > MAX_HEADING or text.endswith((".", ",", ";", ":")) or text[0] in BULLETS
            or _NOT_HEADING.search(text)):
        return 0
    numbered = _NUMBERED.match(text)
    if numbered and numbered.group(1) and ("." in numbered.group(1) or len(text) <= 60):
        return min(3, numbered.group(1).rstrip(".").count(".") + 1)
    if numbered and not numbered.group(1):
        return 1
    cased = [c for c in text if c.isalpha() and c.upper() != c.lower()]
    if len(cased) >= 5 and all(c.isupper() for c in cased) and (" " in text or len(cased) >= 8):
        return 1
    return 0


def plausible_heading(text: str) -> bool:
    """A heading a document marked as such (a Word style, an HTML ``h2``) and not a sentence marked by mistake."""
    return (sum(c.isalpha() for c in text) >= 3 and len(text) <= MAX_HEADING
            and not (text.endswith(".") and len(text) > 60))


def pages_from_blocks(doc_id: str, blocks: Iterable[Block]) -> list[Page]:
    """One ``Page`` per non-empty block, numbered from 1 in reading order."""
    pages: list[Page] = []
    for block in blocks:
        if not block.text.strip():
            continue
        pages.append(Page(doc_id=doc_id, page_no=len(pages) + 1, text=block.text, n_chars=len(block.text),
                          quality=PAGE_OK, blocks=(block,)))
    return pages


def front_text(pages: list[Page]) -> str:
    """The start of a document without pages as one front 'page' for ``metadata.infer_meta``."""
    taken, size = [], 0
    for page in pages:
        if size >= FRONT_CHARS:
            break
        taken.append(page.text)
        size += len(page.text)
    return "\n\n".join(taken)


__all__ = ["BULLETS", "FRONT_CHARS", "MAX_HEADING", "clean", "front_text", "heading_level", "pages_from_blocks",
           "plausible_heading", "read_bytes", "table_row"]
