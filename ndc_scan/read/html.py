"""HTML NDCs (.html, .htm): the registry's pages and Word/Docling HTML exports → blocks → ``Page`` records.

Parsed with lxml's HTML parser (libxml2: forgiving of the markup Word writes). Headings are
``h1``–``h6`` (and Word's ``MsoTitle``/``MsoHeading`` paragraphs), the shallowest heading tag of the
document being level 1; ``p``, ``li``, ``dd``, ``blockquote``, ``pre`` and text-bearing ``div``
elements are paragraphs (a list item starts with "• ", as a PDF's bullet does); each table row is a
table row with its cells joined by " | ". Scripts, styles, navigation, headers, footers and forms
are left out; when the page has a ``main`` or ``article`` element, only that is read. The encoding
comes from the byte-order mark, then the page's ``meta`` charset, then UTF-8, then Windows-1252.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CorruptDocumentError, EmptyFileError
from ..records import Block, Page
from .flow import clean, pages_from_blocks, plausible_heading, read_bytes, table_row

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_PARAGRAPHS = {"p", "li", "dd", "dt", "blockquote", "pre", "figcaption", "caption", "address"}
_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
         "svg", "iframe", "object", "head", "title", "meta", "link"}
_BLOCK_TAGS = set(_HEADINGS) | _PARAGRAPHS | {"table", "div", "section", "article", "main", "ul", "ol", "dl", "tr",
                                              "br", "hr", "center", "td", "th"}
_WORD_HEADING = re.compile(r"\bMso(?:Title|Heading(\d)|Subtitle)\b", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def read_html(path: str | Path, doc_id: str) -> tuple[list[Page], dict[str, str]]:
    """The headings, paragraphs and table rows of an HTML file as pages; info holds its ``<title>``."""
    import lxml.html  # heavy: loaded when an HTML file is read

    path = Path(path)
    raw = read_bytes(path)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", decode_html(raw)))
    except (ValueError, lxml.etree.ParserError) as exc:
        raise CorruptDocumentError(str(path), f"is not readable HTML ({exc})") from exc
    title = clean(" ".join(root.xpath("//head/title//text()")))
    body = _content_root(root)
    pages = pages_from_blocks(doc_id, html_blocks(body))
    if not pages:
        raise EmptyFileError(str(path), "has no text in its HTML body",
                             remedy="check the file: it may be a page that loads its text with a script; "
                                    "save the NDC itself (PDF or Word)")
    return pages, ({"Title": _unescape_title(title)} if title else {})


def decode_html(raw: bytes) -> str:
    """HTML bytes as text: byte-order mark, then a ``meta`` charset Python knows, then UTF-8, then Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    for found in _META_CHARSET.finditer(raw[:4096]):
        try:
            encoding = codecs.lookup(found.group(1).decode("ascii")).name
        except LookupError:            # Word writes charset=unicode, which is no codec
            continue
        return raw.decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _unescape_title(title: str) -> str:
    """Docling writes file names as titles with %20 for spaces."""
    from urllib.parse import unquote

    return unquote(title) if re.search(r"%[0-9A-Fa-f]{2}", title) else title


def _content_root(root: Any) -> Any:
    main = root.xpath("//main | //*[@role='main'] | //article")
    if main:
        return main[0]
    body = root.find("body")
    return body if body is not None else root


def html_blocks(element: Any) -> Iterator[Block]:
    """The blocks of an element's content in document order."""
    top = _top_heading(element)
    yield from _walk(element, top)


def _top_heading(element: Any) -> int:
    levels = [_HEADINGS[e.tag] for e in element.iter() if isinstance(e.tag, str) and e.tag in _HEADINGS]
    return min(levels) if levels else 1


def _walk(element: Any, top: int) -> Iterator[Block]:
    buffer: list[str] = []         # inline text of the container, between its block children

    def flush() -> Iterator[Block]:
        text = clean(" ".join(buffer))
        buffer.clear()
        if text:
            yield Block(kind="paragraph", text=text)

    if element.text:
        buffer.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            if child.tail:
                buffer.append(child.tail)
            continue
        if tag in _BLOCK_TAGS:
            yield from flush()
            yield from _block(child, tag, top)
        else:
            buffer.extend(_texts(child))
        if child.tail:
            buffer.append(child.tail)
    yield from flush()


def _block(element: Any, tag: str, top: int) -> Iterator[Block]:
    if tag in _HEADINGS:
        text = _text(element)
        if plausible_heading(text):
            yield Block(kind="heading", text=text, level=min(3, _HEADINGS[tag] - top + 1))
        elif text:
            yield Block(kind="paragraph", text=text)
    elif tag == "table":
        rows = [table_row(_text(cell) for cell in row.xpath("./th | ./td")) for row in _rows(element)]
        rows = [row for row in rows if row]
        if rows:
            yield Block(kind="table", text="\n".join(rows))
    elif tag == "p" and (word := _WORD_HEADING.search(element.get("class") or "")):
        text = _text(element)
        if text:
            yield Block(kind="heading" if plausible_heading(text) else "paragraph", text=text,
                        level=min(3, int(word.group(1) or 1)) if plausible_heading(text) else 0)
    elif tag in _PARAGRAPHS and not any(isinstance(e.tag, str) and e.tag in _BLOCK_TAGS - {"br"} for e in element):
        text = _text(element)
        if text:
            yield Block(kind="paragraph", text=f"• {text}" if tag == "li" else text)
    elif tag not in ("br", "hr"):
        yield from _walk(element, top)


def _rows(table: Any) -> list[Any]:
    """The rows of a table, not those of tables nested in its cells."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]


def _text(element: Any) -> str:
    return clean(" ".join(_texts(element)))


def _texts(element: Any) -> Iterator[str]:
    """Every text of an element, skipping scripts and styles; a line break is a space."""
    if element.text and element.tag not in _SKIP:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            yield from _texts(child)
        if child.tail:
            yield child.tail


__all__ = ["decode_html", "html_blocks", "read_html"]
