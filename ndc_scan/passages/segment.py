"""Stage 2, segment: page blocks → ``Passage`` records with heading paths.

A paragraph is one passage; a paragraph longer than ``MAX_CHARS`` is cut at
sentence boundaries (spaCy's rule-based sentencizer) into passages of at most
that size. Table blocks become passages of whole rows. Each passage knows its
page, its offsets in the page text and the path of headings above it, which
carries across pages. A heading that reads as prose (``reads_as_prose``: long,
in lower case, or two sentences) is a paragraph passage, and still heads what
follows it. Passages under a table of contents, an acronym list or
a reference list are kept but marked, so they are never counted as coverage.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from ..records import Page, Passage

MAX_CHARS = 900
PAGE_BLOCK_SEPARATOR = "\n\n"   # extract joins a page's blocks with this

_NON_CONTENT_HEADING = re.compile(
    r"^\W*(?:[\dIVX]+(?:\.\d+)*\.?\s*)?"
    # "Annexe 1 : Sigles et acronymes", "ANNEXE I - SIGLES ET ACRONYMES", "Principales abréviations"
    r"(?:(?:annexe?|anexo|appendix|приложение)\s*[\dIVX]*\s*[:.\-–]?\s*)?(?:principa\w+ |main |)"
    r"(?:list of |liste des? |lista de |table of |список )?"
    r"(?:acronyms?|abbreviations?|glossary|references|r[ée]f[ée]rences|bibliograph\w*|contents|sigles|acronymes|"
    r"abr[ée]viations|sommaire|table des mati[èe]res|bibliograf\w*|referencias|siglas|acr[óo]nimos|abreviaturas|"
    r"sigles et (?:acronymes|abr[ée]viations)|"
    r"[íi]ndice|contenido|сокращени\w*|список литературы|содержание|المراجع|المختصرات|المحتويات)(?!\w)",
    re.IGNORECASE,
)
_HEADING_SEPARATOR = " > "
_MAX_HEADING = 90


@functools.cache
def _sentencizer():
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def segment(pages: Iterable[Page]) -> Iterator[Passage]:
    """Yield the passages of a document's pages, in reading order."""
    stack: list = []            # [(level, heading text)]
    for page in pages:
        offset = 0
        for block in page.blocks:
            start, offset = offset, offset + len(block.text) + len(PAGE_BLOCK_SEPARATOR)
            if not block.text.strip():
                continue
            if block.kind == "heading":
                while stack and stack[-1][0] >= block.level:
                    stack.pop()
                stack.append((block.level, _short(block.text)))
                path = _HEADING_SEPARATOR.join(text for _, text in stack[:-1])
                if not reads_as_prose(block.text):
                    yield _passage(page, start, block.text, path, "heading")
                    continue
                under = stack[-2:-1]                # the heading above it: a reference list's entries set in bold
                kind = "reference" if any(_NON_CONTENT_HEADING.search(text) for _, text in under) else "paragraph"
                for piece_start, piece in _pieces(block.text, "paragraph"):
                    yield _passage(page, start + piece_start, piece, path, kind)
                continue
            path = _HEADING_SEPARATOR.join(text for _, text in stack)
            kind = block.kind
            if kind != "toc" and any(_NON_CONTENT_HEADING.search(text) for _, text in stack[-1:]):
                kind = "reference"
            for piece_start, piece in _pieces(block.text, block.kind):
                yield _passage(page, start + piece_start, piece, path, kind)


#: A heading longer than this is prose set in a heading's type (bold or big): GIN 2016 and TON 2020 set whole
#: paragraphs in bold ("livestock and improve range management; … adopt better soil management practices").
HEADING_MAX_CHARS = 150
_ENUMERATOR = re.compile(r"^\s*\(?(?:\d{1,2}(?:\.\d{1,2}){0,3}|[ivxlc]{1,5}|[a-z])[.)]\s+", re.IGNORECASE)
_SENTENCES = re.compile(r"[.!?;]\s+[A-ZÀ-Ý]")


def reads_as_prose(text: str) -> bool:
    """Whether a heading's text is prose: longer than HEADING_MAX_CHARS, going on in lower case after its enumerator
    ("relacionados con", "shrubland and cropland)"), or two sentences ("Promote energy saving and improve energy
    efficiency. China enforced the dual control of"); not "6. How the Party considers that its NDC is fair …". Such a
    heading is a paragraph passage, tagged like any other, and still heads what follows it (the passages after it keep
    the heading path they had: a long question of the ICTU, "(ii) Contextual matters … a. National circumstances …",
    says that its answers are context)."""
    body = _ENUMERATOR.sub("", text, count=1)
    return (len(text) > HEADING_MAX_CHARS or (body[:1].isalpha() and body[:1].islower())
            or (len(text) > 80 and bool(_SENTENCES.search(body))))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_HEADING else text[: _MAX_HEADING - 1].rstrip() + "…"


def _passage(page: Page, start: int, text: str, heading_path: str, kind: str) -> Passage:
    # Trim surrounding white space, keeping offsets exact.
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    start += lead
    end = start + len(text)
    return Passage(
        passage_id=Passage.make_id(page.doc_id, page.page_no, start, end),
        doc_id=page.doc_id, page_no=page.page_no, start=start, end=end,
        text=text, heading_path=heading_path, kind=kind,
    )


def _pieces(text: str, kind: str) -> Iterator[tuple]:
    """(offset, text) pieces of a block, each at most ``MAX_CHARS`` long where possible."""
    if len(text) <= MAX_CHARS:
        yield 0, text
        return
    if kind in ("table", "toc"):
        units = _line_units(text)
    else:
        units = _sentence_units(text)
    yield from _pack(units, text)


def _line_units(text: str) -> list[tuple[int, int]]:
    units, position = [], 0
    for line in text.split("\n"):
        units.append((position, position + len(line)))
        position += len(line) + 1
    return units


def _sentence_units(text: str) -> list[tuple[int, int]]:
    doc = _sentencizer()(text)
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def _pack(units: list, text: str) -> Iterator[tuple]:
    """Greedily pack consecutive (start, end) units into pieces of at most MAX_CHARS."""
    piece_start = piece_end = None
    for start, end in units:
        if piece_start is not None and end - piece_start > MAX_CHARS:
            if text[piece_start:piece_end].strip():
                yield piece_start, text[piece_start:piece_end]
            piece_start = None
        if piece_start is None:
            piece_start = start
        piece_end = end
    if piece_start is not None and text[piece_start:piece_end].strip():
        yield piece_start, text[piece_start:piece_end]
