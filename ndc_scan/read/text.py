"""Plain-text NDCs (.txt): paragraphs separated by blank lines → blocks → ``Page`` records.

Lines of a paragraph are joined (a word hyphenated across a line break mended, as in a PDF);
a paragraph of one short numbered or capitalised line is a heading; lines that start with a
bullet are list items, each a paragraph of its own; lines with tabs are table rows. The text's
encoding is read from its byte-order mark, else taken as UTF-8, else as Windows-1252.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import CorruptDocumentError, EmptyFileError
from ..records import Block, Page
from .flow import BULLETS, clean, heading_level, pages_from_blocks, read_bytes, table_row
from .pages import join_lines

_BLANK = re.compile(r"\n[ \t\f\v]*\n")
_BULLET_LINE = re.compile(rf"^\s*(?:[{re.escape(BULLETS)}]|\(?[a-z]\)|\(?\d{{1,2}}\))\s+\S")
_BINARY_SHARE = 0.01         # more control characters than this: not a text file


def read_text_file(path: str | Path, doc_id: str) -> tuple[list[Page], dict[str, str]]:
    """The paragraphs of a text file as pages, and an empty info dict (a text file has no metadata)."""
    path = Path(path)
    text = decode(read_bytes(path), path)
    pages = pages_from_blocks(doc_id, text_blocks(text))
    if not pages:
        raise EmptyFileError(str(path), "has no text")
    return pages, {}


def decode(raw: bytes, path: Path) -> str:
    """Bytes of a text file as text: by byte-order mark, else UTF-8, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > _BINARY_SHARE * len(text):
        raise CorruptDocumentError(str(path), "is not a text file (it holds binary data)",
                                   remedy="check what the file is (file FILE); a PDF or Word file needs its own "
                                          "extension (.pdf, .docx)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_blocks(text: str) -> Iterator[Block]:
    """Headings, paragraphs, list items and table rows of a plain text, in order."""
    for chunk in _BLANK.split(text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        joined = clean(" ".join(lines))
        if len(lines) <= 3 and not _BULLET_LINE.match(lines[0]) and (level := heading_level(joined)):
            yield Block(kind="heading", text=joined, level=level)
            continue
        yield from _paragraphs(lines)


def _paragraphs(lines: list[str]) -> Iterator[Block]:
    """A chunk of lines: table rows (tabs) as one table block, list items and paragraphs joined from their lines."""
    if all("\t" in line for line in lines):
        rows = [table_row(line.split("\t")) for line in lines]
        yield Block(kind="table", text="\n".join(row for row in rows if row))
        return
    current: list[str] = []
    for line in lines:
        if _BULLET_LINE.match(line) and current:
            yield _paragraph(current)
            current = []
        current.append(line.strip())
    if current:
        yield _paragraph(current)


def _paragraph(lines: list[str]) -> Block:
    text = lines[0]
    for line in lines[1:]:
        text = join_lines(text, line)
    return Block(kind="paragraph", text=clean(text))


__all__ = ["decode", "read_text_file", "text_blocks"]
