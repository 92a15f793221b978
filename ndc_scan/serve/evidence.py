"""The evidence view: a passage on its PDF page, with the passage and its matched terms highlighted by their boxes.

Boxes come from the store (``page_boxes``, written at extraction: ``read/boxes.py``), in PDF points
on the page; the page picture is rendered by PDFium (pypdfium2) on request and drawn under an SVG of
the same coordinates, so highlights stay on their words at any zoom. A store scanned before word
boxes were kept shows the page without highlights and says what to run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Optional

from ..aggregate.decisions import Resolution, resolve
from ..aggregate.locators import Locators
from ..records import LEVEL_NAMES, Document, PageBoxes, Passage, review_words
from ..report.plain import terms_in_words
from ..review.queue import NEIGHBOUR_KINDS
from ..store import Store
from ..taxonomy import Taxonomy

#: Width in pixels of a rendered page (JPEG: a tenth of the time PNG takes to encode, for the same legibility).
RENDER_WIDTH = 1100
JPEG_QUALITY = 85
MAX_PIXELS = 6_000_000       # a rendered page has at most this many pixels (about 1100 x 5500)
_BIDI_CONTROLS = {chr(c): f"U+{c:04X}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                                                  0x061C)}


@dataclass(frozen=True)
class Box:
    """A highlight in page points: the passage's lines, or a matched term (of the concept in focus or another)."""

    x: float
    y: float
    width: float
    height: float
    kind: str                    # "passage", "own" (a term of the concept in focus) or "other" (another concept's)
    title: str = ""


@dataclass(frozen=True)
class Label:
    """A concept label of the passage, with the evidence for it and what reviewers said."""

    concept: str
    name: str
    level: int
    counted: bool
    review: str                  # why it is flagged, in words ("" when not)
    probability: Optional[float]
    rule_level: int
    terms: str                   # the matched terms in words
    method: str
    resolution: Optional[Resolution] = None


@dataclass
class Evidence:
    """Everything the evidence page shows about one passage."""

    passage: Passage
    document: Document
    concept: Optional[str]                       # the concept in focus (its terms highlighted strongest)
    page_size: Optional[tuple[float, float]]     # the boxes' frame; None: the store has no boxes for the page
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    spans: list[tuple[int, int, str]] = field(default_factory=list)   # matched terms in the passage text
    targets: list[dict] = field(default_factory=list)
    before: Optional[Passage] = None
    after: Optional[Passage] = None
    pageless: bool = False                       # a Word, HTML or text NDC: no page to show
    where: str = ""                              # "p. 7", or "“4.2 Agriculture” ¶ 3" in a document without pages
    where_before: str = ""
    where_after: str = ""


def evidence(db: Store, passage_id: str, concept: Optional[str], taxonomy: Taxonomy) -> Optional[Evidence]:
    """The evidence of a passage (None when the store has no such passage)."""
    passage = db.passage(passage_id)
    if passage is None:
        return None
    document = db.document(passage.doc_id)
    if document is None:
        return None
    rows = [r for r in db.labels_that_count([passage.doc_id]) if r["passage_id"] == passage_id]
    resolved = resolve(db.decisions())
    labels = [Label(concept=r["concept"], name=taxonomy.concept_name(r["concept"]), level=r["level"],
                    counted=bool(r["counted"]), review=review_words(r["review"]), probability=r["probability"],
                    rule_level=r["rule_level"], terms=terms_in_words(r["terms"]), method=r["method"],
                    resolution=resolved.get((passage.text_hash, r["concept"]))) for r in rows]
    if concept is None and labels:
        concept = labels[0].concept
    spans = db.match_spans([passage.doc_id]).get(passage_id, [])
    boxes = db.page_boxes(passage.doc_id, passage.page_no)
    shown = Evidence(passage=passage, document=document, concept=concept, labels=labels, spans=list(spans),
                     page_size=(boxes.width, boxes.height) if boxes else None,
                     targets=[t for t in db.targets_of_labels([passage.doc_id]) if t["passage_id"] == passage_id])
    if boxes is not None:
        shown.boxes = highlight_boxes(boxes, passage, spans, concept, taxonomy)
    shown.before, shown.after = db.passages_around(passage, NEIGHBOUR_KINDS)
    where = Locators.for_store(db, [passage.doc_id])
    shown.pageless = where.pageless(passage.doc_id)
    shown.where = where(passage.doc_id, passage.page_no)
    shown.where_before = where(passage.doc_id, shown.before.page_no) if shown.before else ""
    shown.where_after = where(passage.doc_id, shown.after.page_no) if shown.after else ""
    return shown


def highlight_boxes(boxes: PageBoxes, passage: Passage, spans, concept: Optional[str], taxonomy: Taxonomy) -> list[Box]:
    """The passage's lines (words merged line by line), then its matched terms, in page points."""
    found = [Box(x0, top, x1 - x0, bottom - top, "passage")
             for x0, top, x1, bottom in _lines(boxes.within(passage.start, passage.end))]
    for start, end, span_concept in spans:
        kind = "own" if span_concept == concept else "other"
        title = f"{taxonomy.concept_name(span_concept)}: {passage.text[start:end]}"
        found += [Box(x0, top, x1 - x0, bottom - top, kind, title)
                  for x0, top, x1, bottom in _lines(boxes.within(passage.start + start, passage.start + end))]
    return found


def _lines(words: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Word boxes in text order merged into one box per run of words on a line (either direction)."""
    merged: list[list[float]] = []
    for x0, top, x1, bottom in words:
        if merged:
            last = merged[-1]
            height = max(bottom - top, last[3] - last[1], 1.0)
            same_line = min(bottom, last[3]) - max(top, last[1]) > 0.5 * height
            gap = max(x0 - last[2], last[0] - x1)
            if same_line and gap < 2.5 * height:
                last[:] = [min(last[0], x0), min(last[1], top), max(last[2], x1), max(last[3], bottom)]
                continue
        merged.append([x0, top, x1, bottom])
    return [(a, b, c, d) for a, b, c, d in merged]


def render_jpeg(path: Path, page_no: int, width: int = RENDER_WIDTH) -> bytes:
    """Page ``page_no`` (1-based) of the PDF at ``path`` as a JPEG ``width`` pixels wide, at most MAX_PIXELS (a
    page of absurd proportions is drawn smaller); b"" when the PDF has no such page or PDFium cannot draw it.
    Callers hold the workbench's render lock: PDFium is not thread-safe."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return b""
    try:
        if not 1 <= page_no <= len(pdf):
            return b""
        page = pdf[page_no - 1]
        page_width, page_height = (max(side, 1.0) for side in page.get_size())
        scale = min(width / page_width, (MAX_PIXELS / (page_width * page_height)) ** 0.5)
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY)
        page.close()
        return buffer.getvalue()
    except pypdfium2.PdfiumError:
        return b""
    finally:
        pdf.close()


def marked(text: str, spans, concept: Optional[str]) -> str:
    """The passage text escaped for HTML, its matched terms in ``<mark>`` (class ``own`` for the concept in focus)."""
    out, position = [], 0
    for start, end, span_concept in sorted(spans):
        if start < position:             # overlapping matches: the first is kept
            continue
        kind = "own" if span_concept == concept else "other"
        out += [inert(text[position:start]), f'<mark class="{kind}" title="{escape(span_concept)}">',
                inert(text[start:end]), "</mark>"]
        position = end
    out.append(inert(text[position:]))
    return "".join(out)


def inert(text: str) -> str:
    """Document text as HTML that does nothing: escaped, and bidirectional controls (which could turn the
    text or the page around it) shown as their code points instead of acting."""
    shown = escape(text)
    for character, code in _BIDI_CONTROLS.items():
        if character in shown:
            shown = shown.replace(character, f'<span class="ctl" title="a direction control character">[{code}]</span>')
    return shown


def level_name(level: int) -> str:
    return LEVEL_NAMES[level].replace("_", " ")


__all__ = [
    "RENDER_WIDTH",
    "Box",
    "Evidence",
    "Label",
    "evidence",
    "highlight_boxes",
    "inert",
    "level_name",
    "marked",
    "render_jpeg",
]
