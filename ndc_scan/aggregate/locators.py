"""Where a passage is, in the words every report uses: "p. 7" in a PDF, the section and paragraph elsewhere.

A Word, HTML or text NDC has no pages: its reader numbers its paragraphs (``read/flow.py``, one
``Page`` per paragraph, headings and tables included). Reports cite such a passage by the heading
of its section and its paragraph number counted from that heading ("“4.2 Agriculture” ¶ 3"; "¶ 5"
before the first heading), which a reader finds in the document by its heading. Every report,
CSV and review screen prints locations through these functions, so a page is never called a
paragraph, nor the reverse.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..records import Passage
from ..store import Store

#: ``documents.format`` values of documents without pages (read/formats.py PAGELESS, as stored).
PAGELESS_FORMATS = ("docx", "html", "text")
SECTION_CHARS = 60


def format_of_extractor(extractor: str) -> str:
    """``pdf``, or the reader of a document without pages (``docx``, ``html``, ``text``), from a stored extractor id."""
    engine = extractor.rsplit("-", 1)[0]
    return engine if engine in PAGELESS_FORMATS else "pdf"


def page_label(page: object) -> str:
    """"p. 7" (empty when there is no page)."""
    return f"p. {int(page)}" if _is_number(page) else ""            # type: ignore[call-overload]


def paragraph_label(section: str, paragraph: int) -> str:
    """"“4.2 Agriculture” ¶ 3", or "¶ 3" before the first heading."""
    if not section:
        return f"¶ {paragraph}"
    short = section if len(section) <= SECTION_CHARS else section[: SECTION_CHARS - 1].rstrip() + "…"
    return f"“{short}” ¶ {paragraph}"


def extent(n_pages: object, fmt: str) -> str:
    """"12 pages", or "85 paragraphs" for a document without pages."""
    n = int(n_pages) if _is_number(n_pages) else 0                   # type: ignore[call-overload]
    unit = "paragraph" if fmt in PAGELESS_FORMATS else "page"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def join_labels(labels: Sequence[str], *, pageless: bool, limit: int = 0) -> str:
    """Several locations of one document: "p. 3, 7, 12" or "“Soils” ¶ 2; “Forests” ¶ 1" (``limit``: at most, then " …")."""
    unique = list(dict.fromkeys(label for label in labels if label))
    shown = unique[:limit] if limit else unique
    more = " …" if limit and len(unique) > limit else ""
    if not shown:
        return ""
    if pageless:
        return "; ".join(_by_section(shown)) + more
    return "p. " + ", ".join(label.removeprefix("p. ") for label in shown) + more


def _by_section(labels: list[str]) -> list[str]:
    """Paragraphs of one section together: "“Soils” ¶ 2", "“Soils” ¶ 5" → "“Soils” ¶ 2, 5" (order of first mention)."""
    sections: dict[str, list[str]] = {}
    for label in labels:
        head, _, number = label.rpartition("¶ ")
        section, number = (head.strip(), number) if number.isdigit() else (label, "")
        sections.setdefault(section, []).extend([number] if number else [])
    return [" ".join(part for part in (section, f"¶ {', '.join(numbers)}" if numbers else "") if part)
            for section, numbers in sections.items()]


@dataclass
class Locators:
    """Labels of the pages of some documents: ``locators(doc_id, page)`` → "p. 7" or "“Soils” ¶ 2"."""

    headings: dict[str, tuple[list[int], list[str]]] = field(default_factory=dict)   # pageless doc → heading pages, texts

    @classmethod
    def for_store(cls, db: Store, doc_ids: Sequence[str]) -> Locators:
        """For stored documents, told apart by the extractor that read them."""
        found = cls()
        for doc_id, row in db.document_rows(sorted(set(doc_ids))).items() if doc_ids else ():
            if format_of_extractor(row["extractor"]) in PAGELESS_FORMATS:
                found.add(doc_id, db.passages(doc_id, ("heading",)))
        return found

    @classmethod
    def of(cls, db: Store, documents: pd.DataFrame) -> Locators:
        """For the documents of a ``documents`` table (its ``format`` column says which have no pages)."""
        found = cls()
        if len(documents) and "format" in documents:
            for doc_id in documents.loc[documents["format"].isin(PAGELESS_FORMATS), "doc_id"]:
                found.add(doc_id, db.passages(doc_id, ("heading",)))
        return found

    def add(self, doc_id: str, headings: Iterable[Passage]) -> None:
        ordered = sorted(headings, key=lambda p: p.page_no)
        self.headings[doc_id] = ([p.page_no for p in ordered], [" ".join(p.text.split()) for p in ordered])

    def pageless(self, doc_id: str) -> bool:
        return doc_id in self.headings

    def __call__(self, doc_id: str, page: object) -> str:
        if not _is_number(page):
            return ""
        number = int(page)                                            # type: ignore[call-overload]
        if doc_id not in self.headings:
            return page_label(number)
        pages, texts = self.headings[doc_id]
        at = bisect.bisect_right(pages, number) - 1
        if at >= 0 and pages[at] == number:
            return paragraph_label(texts[at], 0).replace(" ¶ 0", "")   # the heading itself
        return paragraph_label(texts[at], number - pages[at]) if at >= 0 else paragraph_label("", number)


def _is_number(value: object) -> bool:
    if value is None or value is pd.NA or value == "":
        return False
    try:
        return int(value) >= 1                                        # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


__all__ = ["PAGELESS_FORMATS", "Locators", "extent", "format_of_extractor", "join_labels", "page_label", "paragraph_label"]
