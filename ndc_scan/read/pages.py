"""Stage 1, extract: PDF pages → cleaned ``Page`` records with layout blocks.

pdfplumber reads each page's words once (with font size and name); ``layout``
builds lines in reading order from them, and this stage groups lines into
headings, paragraphs and table rows. Running headers and footers (lines that
repeat on many pages near the top or bottom) and page numbers are dropped,
hyphenated line breaks joined, and the text NFKC-normalised. Pages are closed
as soon as their words are read, so memory stays flat on long documents.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Optional

from ..errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    NotAPdfError,
    UnreadableFileError,
)
from ..records import (
    PAGE_GARBAGE,
    PAGE_LOW_TEXT,
    PAGE_NO_TEXT,
    PAGE_OK,
    Block,
    Line,
    Page,
)
from . import layout
from . import ocr as ocr_stage
from .boxes import BLOCK_SEPARATOR, locate
from .metadata import detect_language
from .pdfium import document_info, page_words, warm_up
from .rulings import CELL_COLUMN, Grid, Rulings, cell_lines, from_pdfium, from_plumber, grid_rows, grids
from .tables import table_rows

#: Bump when extraction output changes: stored pages of an older version are re-extracted. (5: ruled tables of prose
#: cells read cell by cell; 6: Arabic pages whose text layer misreads its letters OCR'd; 7: a spacing acute typed
#: for an apostrophe is one, "d´Utilisation" no longer "d ́Utilisation"; 8: an annex of acronyms, "Annexe 1 : Sigles et
#: acronymes", is a reference list, as "List of acronyms" was; 9: text turned 90° is left out, also where the PDF's
#: cosine is a hair above 0: it was read letter by letter, backwards; 10: ruled tables: a rule under some cells divides
#: them where a cell beside them spans rows (read whole in its first row), a table closed by rules with none between is
#: one row, a shading's side ends a row across the table only; PDFium's rectangles give their sides as pdfplumber's;
#: 11: fills of one colour that touch are one shaded area, white fills none: Word's cells shaded in strips; 12: a lone
#: comma or full stop on the baseline of the row above a tall bullet is that row's; 13: a table's column whose gutter is
#: narrower than a cell border is found by the left edge its lines share; 14: a heading that reads as prose is also a
#: paragraph passage: passages.segment; 15: a word hyphenated at a line end whose next part has a hyphen of its own
#: keeps its hyphen: join_lines.)
EXTRACTOR_VERSION = "15"
#: Per engine; the pdfium engine's own changes count on top (.2: bold read from font names, UTF-16 surrogate pairs
#: joined, pdfplumber for the pages PDFium reads badly; .3: text clipped away is not read; .4: PDFium's line-end
#: hyphen U+FFFE read as a hyphen).
EXTRACTOR_VERSIONS = {"pdfplumber": EXTRACTOR_VERSION, "pdfium": f"{EXTRACTOR_VERSION}.4"}


def extractor_id(engine: str) -> str:
    """What produced a stored extraction: engine and version (a different one re-extracts)."""
    return f"{engine}-{EXTRACTOR_VERSIONS.get(engine, EXTRACTOR_VERSION)}"

NO_TEXT_CHARS = 5          # fewer characters than this: no text layer
LOW_TEXT_CHARS = 80        # fewer than this: a cover, a picture, a signature page
MARGIN = 0.14              # share of the page height where running headers/footers live

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|pág(?:ina)?\.?|p\.|стр\.?|صفحة)?\s*[-–(]?\s*\d{1,4}\s*[-–)]?\s*(?:(?:/|of|de|sur|из)\s*\d{1,4})?"
    r"\s*(?:\|\s*p\s*a\s*g\s*e)?\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•●▪■◦○►▶➢✓\-–*]|\(?[a-z]\)|\(?\d{1,2}\)|[ivx]{1,4}\)|\d{1,2}\.\s)\s*", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*((?:\d{1,2}\.){0,3}\d{1,2})\.?\s+\S|^\s*([IVX]{1,5})[.)]\s+\S|^\s*([A-H])[.)]\s+\S")
_DOT_LEADER = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){4,})\s*\d{1,3}\s*$")
_HYPHEN_END = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"^(\w+)")
_VOCABULARY_WORD = re.compile(r"\w+(?:-\w+)+|\w+")


ENGINES = ("pdfplumber", "pdfium")
#: The engine a scan uses unless told otherwise: PDFium, chosen by measurement (README, Performance);
#: pdfplumber stays the reference of the stage functions below and reads the pages PDFium reads badly.
DEFAULT_ENGINE = "pdfium"
_ENCRYPTED = "is encrypted and cannot be opened without its password"
_DECRYPT = "pass --password or decrypt it first: qpdf --decrypt IN.pdf OUT.pdf"


def read_pdf(path: str | Path, doc_id: str, *, password: Optional[str] = None,
             ocr: Optional[ocr_stage.OcrSettings] = None, engine: str = "pdfplumber") -> tuple[list[Page], dict]:
    """Extract every page of the PDF at ``path``; return pages and the PDF's metadata dict.

    ``engine`` is ``pdfplumber`` (the reference) or ``pdfium`` (faster, same
    records). With ``ocr`` settings, pages without a usable text layer are
    OCR'd; without, they are flagged ``no text`` / ``garbage text``. Raises an
    ``InputFileError`` subclass naming the file when it cannot be read.
    """
    path = Path(path)
    _check_header(path)
    raw_pages, info = _read_pdfium(path, password) if engine == "pdfium" else _read_plumber(path, password)
    if not raw_pages:
        raise CorruptPdfError(str(path), "has no pages", remedy="the PDF is empty; download it again")
    if ocr is not None:
        _ocr_unreadable_pages(path, raw_pages, password, ocr)
        _ocr_misread_arabic_pages(path, raw_pages, password, ocr)
    return build_pages(doc_id, raw_pages), info


def prepare(engine: str) -> None:
    """Import what reading a PDF with ``engine`` needs, once, in a process that then forks reading children.

    A child inherits what its parent imported; what it imports itself dies with it. Without this
    every file's child imported PDFium's bindings, numpy and pdfplumber again (about a fifth of
    the fast engine's reading time on the corpus).
    """
    import pdfplumber  # noqa: F401  (read by both engines: PDFium's unusable pages fall back to it)

    if engine == "pdfium":
        import numpy  # noqa: F401
        import pypdfium2  # noqa: F401

        warm_up()


def _read_plumber(path: Path, password: Optional[str]) -> tuple[list[_RawPage], dict[str, str]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path, password=password or "")
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError(str(path), _ENCRYPTED, remedy=_DECRYPT) from exc
        raise CorruptPdfError(str(path), f"is not a readable PDF ({cause.__class__.__name__}: {cause})") from exc
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise CorruptPdfError(str(path), f"is not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    with pdf:
        info = {k: _decode(v) for k, v in (pdf.metadata or {}).items()}
        raw_pages = []
        try:
            for plumber_page in pdf.pages:
                raw_pages.append(_read_page(plumber_page))
                plumber_page.close()
        except PdfminerException as exc:
            raise CorruptPdfError(str(path), f"page {len(raw_pages) + 1} cannot be parsed ({exc})") from exc
    return raw_pages, info


def _read_pdfium(path: Path, password: Optional[str]) -> tuple[list[_RawPage], dict[str, str]]:
    import pypdfium2  # heavy: loaded when the engine is used

    try:
        pdf = pypdfium2.PdfDocument(str(path), password=password)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError(str(path), _ENCRYPTED, remedy=_DECRYPT) from exc
        raise CorruptPdfError(str(path), f"is not a readable PDF ({exc})") from exc
    try:
        info = document_info(pdf)
        raw_pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            words, width, height, n_chars = page_words(page)
            raw_pages.append(_RawPage(width, height, layout.order_lines(words, width), n_chars,
                                      rulings=from_pdfium(page, height)))
            page.close()
    finally:
        pdf.close()
    _read_unusable_pages_with_pdfplumber(path, password, raw_pages)
    return raw_pages, info


def _read_unusable_pages_with_pdfplumber(path: Path, password: Optional[str], raw_pages: list[_RawPage]) -> None:
    """Pages whose PDFium text is garbage, or a few characters only, read again with pdfplumber, kept when better.

    PDFium and pdfminer map some fonts' codes to text differently (CHN_indc_2015's first pages):
    where PDFium's reading is unusable and pdfminer's is not, pdfminer's is kept. Pages without
    any text (scans) are left to OCR.
    """
    unusable = [i for i, raw in enumerate(raw_pages) if raw.n_chars >= NO_TEXT_CHARS and (raw.n_chars < LOW_TEXT_CHARS or raw.garbage)]
    if not unusable:
        return
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path, password=password or "") as pdf:
            for index in unusable:
                other = _read_page(pdf.pages[index])
                pdf.pages[index].close()
                if not other.garbage and other.n_chars > raw_pages[index].n_chars:
                    raw_pages[index] = other
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError, IndexError):
        return                           # pdfminer cannot read this file: PDFium's pages stand


def _needs_ocr(raw: _RawPage) -> bool:
    return raw.n_chars < NO_TEXT_CHARS or raw.garbage


def _ocr_unreadable_pages(path: Path, raw_pages: list, password: Optional[str], settings) -> None:
    """Replace the lines of pages without a usable text layer by Tesseract's reading.

    In the document's language when known (``settings.languages``, else the language of the
    other pages' text); otherwise the first scanned pages are read one by one by their script
    until one's text shows the language, and the rest in that language.
    """
    todo = [i for i, raw in enumerate(raw_pages) if _needs_ocr(raw)]
    if not todo:
        return
    import pypdfium2

    readable = " ".join(line.text for i, raw in enumerate(raw_pages) if i not in todo for line in raw.lines)
    found = detect_language(readable)
    languages = settings.languages or (ocr_stage.installed_languages_for(found[0]) if found else "")
    document = pypdfium2.PdfDocument(str(path), password=password)
    try:
        read: dict[int, tuple[list[dict], float]] = {}
        while todo and not languages:
            index = todo.pop(0)
            words, confidence, languages = _ocr_finding_the_language(document[index], settings)
            read[index] = (words, confidence)
        read.update(ocr_stage.read_pages(document, todo, languages, settings))
    finally:
        document.close()
    for index, (words, confidence) in read.items():
        _take_ocr(raw_pages[index], _ocr_lines(words), words, confidence)


def _ocr_lines(words: list[dict]) -> list[Line]:
    """Tesseract's words as lines: it has found the columns and lines already, so its reading order is kept."""
    return [layout.make_line(list(group), column=0) for _, group in groupby(words, key=lambda w: w["line"])]


def _take_ocr(raw: _RawPage, lines: list[Line], words: list[dict], confidence: float) -> None:
    """A page's text layer replaced by Tesseract's reading (``lines``, made of ``words``)."""
    raw.lines, raw.n_chars = lines, sum(len(w["text"]) for w in words)
    raw.ocr, raw.ocr_confidence = True, confidence


def _ocr_misread_arabic_pages(path: Path, raw_pages: list, password: Optional[str], settings) -> None:
    """Arabic pages whose text layer spells common words wrongly, read by Tesseract; its reading kept when better.

    A font that maps glyphs to the wrong letters gives text that is Arabic script but not Arabic
    (``ocr_stage.arabic_common_share``). Such a page is read again in Arabic; Tesseract's reading
    replaces the text layer when it holds ``ARABIC_GAIN`` more common words and at least 80% as many
    Arabic words. Pages that read well (0.19 and above) are not OCR'd.
    """
    if "ara" not in ocr_stage.installed_languages_for("ar").split("+"):
        return
    doubtful = {}
    for index, raw in enumerate(raw_pages):
        if raw.ocr:
            continue
        measured = ocr_stage.arabic_common_share(" ".join(line.text for line in raw.lines))
        if measured is not None and measured[0] < ocr_stage.ARABIC_DOUBTFUL_BELOW:
            doubtful[index] = measured
    if not doubtful:
        return
    import pypdfium2
    import pytesseract

    # In Arabic, also when --ocr-lang names other languages only (they cannot read these pages).
    languages = settings.languages if "ara" in settings.languages.split("+") else "ara"
    try:                                 # the text layer is read already: a reading that fails leaves it standing
        document = pypdfium2.PdfDocument(str(path), password=password)
        try:
            read = ocr_stage.read_pages(document, sorted(doubtful), languages, settings)
        finally:
            document.close()
    except (pypdfium2.PdfiumError, pytesseract.TesseractError, OSError):
        return
    for index, (words, confidence) in read.items():
        _numbers_from_layer(words, raw_pages[index].lines)
        lines = _ocr_lines(words)
        share, count = doubtful[index]
        measured = ocr_stage.arabic_common_share(" ".join(line.text for line in lines))
        if measured is not None and measured[0] >= share + ocr_stage.ARABIC_GAIN and measured[1] >= 0.8 * count:
            _take_ocr(raw_pages[index], lines, words, confidence)


_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_PERCENT = ("%", "\u066a")


def _numbers_from_layer(words: list[dict], layer: list[Line]) -> None:
    """Tesseract's numbers on a misread Arabic page replaced by the text layer's numbers at the same place.

    A font that maps glyphs to wrong letters maps digits right, while Tesseract's Arabic model misreads
    numbers (KWT_indc_2015 p7: "من %75 الى 51 %" in the text layer, "من 975 الى ١ 9/" by Tesseract). A word of
    digits without Arabic letters takes the text layer's words of digits (or a percent sign) that cover at least half of it (or of
    themselves); a number the text layer does not have there is kept as Tesseract read it.
    """
    numbers = [box for line in layer for box in line.boxes
               if (_DIGIT.search(box[4]) or box[4] in _PERCENT) and not _ARABIC_LETTER.search(box[4])]
    if not numbers:
        return
    for word in words:
        if not _DIGIT.search(word["text"]) or _ARABIC_LETTER.search(word["text"]):
            continue
        over = [box for box in numbers if _overlap((word["x0"], word["top"], word["x1"], word["bottom"]), box) >= 0.5]
        if over:
            word["text"] = " ".join(box[4] for box in sorted(over))


def _overlap(a: Sequence[float], b: Sequence) -> float:
    """Intersection of two (x0, top, x1, bottom) boxes over the smaller one's area."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if width > 0 and height > 0 and smaller > 0 else 0.0


def _ocr_finding_the_language(page, settings) -> tuple[list[dict], float, str]:
    """OCR a page of a document whose language is unknown: (words, confidence, the document's languages or "").

    The page's script picks the languages (Cyrillic: Russian, Arabic: Arabic, both with English);
    a Latin page is read in English (or ``settings.latin``) and, when its text is in another
    language Tesseract has a pack for, read again in that one.
    """
    image, scale, _ = ocr_stage.render(page, settings.dpi)
    script = ocr_stage.script(image)
    languages = ocr_stage.languages_of_script(script, settings.latin)
    words, confidence = ocr_stage.recognise(image, scale, languages)
    if script in ("Cyrillic", "Arabic"):
        return words, confidence, languages                  # the script tells the language
    found = detect_language(" ".join(w["text"] for w in words))
    if not found:
        return words, confidence, ""                         # too little text to tell: the next page will
    own = ocr_stage.installed_languages_for(found[0])
    if own and own != languages:
        words, confidence = ocr_stage.recognise(image, scale, own)
    return words, confidence, own or languages


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from exc
    if not head:
        raise EmptyFileError(str(path), "is empty (0 bytes)")
    if b"%PDF" not in head:
        kind = "an HTML file" if b"<html" in head.lower() or b"<!doctype" in head.lower() else (
            "a Word/Office file" if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) else "not a PDF")
        raise NotAPdfError(str(path), f"is {kind}, although it is named .pdf" if path.suffix.lower() == ".pdf" else f"is {kind}")


def _decode(value) -> str:
    if isinstance(value, bytes):
        for encoding in ("utf-16", "utf-8", "latin-1"):
            try:
                return value.decode(encoding)
            except UnicodeDecodeError:
                continue
    return str(value)


# --------------------------------------------------------------------------- raw page reading

@dataclass
class _RawPage:
    width: float
    height: float
    lines: list            # list[Line], reading order, before header/footer removal
    n_chars: int
    ocr: bool = False
    ocr_confidence: Optional[float] = None
    rulings: Rulings = field(default_factory=Rulings)     # the page's drawn rules (ruled tables are read by them)

    @functools.cached_property
    def garbage(self) -> bool:
        """The text layer is nonsense (judged once per page; only meaningful before OCR)."""
        return ocr_stage.is_garbage(" ".join(line.text for line in self.lines))


def _upright(char: dict) -> bool:
    return layout.upright(*char["matrix"][:4])


def _read_page(plumber_page) -> _RawPage:
    # Splitting words on font size only: subset fonts often change mid-word. The
    # font name (for bold) is looked up from the word's first character.
    # rotated text left out (a matrix neither turned nor skewed, nearly every character's, is judged here at once)
    if not all(((m := char["matrix"])[1] == 0 and m[2] == 0 and m[0] * m[3] > 0) or _upright(char)
               for char in plumber_page.chars):
        plumber_page = plumber_page.filter(lambda obj: obj.get("object_type") != "char" or _upright(obj))
    words = plumber_page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
    fonts = {(round(c["x0"], 1), round(c["top"], 1)): c.get("fontname") or "" for c in plumber_page.chars}
    words = [w for w in words if w["text"].strip() and w.get("upright", True)]
    for word in words:
        word["fontname"] = fonts.get((round(word["x0"], 1), round(word["top"], 1)), "")
    n_chars = sum(len(w["text"]) for w in words)
    width, height = float(plumber_page.width), float(plumber_page.height)
    return _RawPage(width, height, layout.order_lines(words, width), n_chars, rulings=from_plumber(plumber_page))


# --------------------------------------------------------------------------- document-level cleaning

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def find_furniture(raw_pages: list[_RawPage]) -> set[str]:
    """Keys of lines repeated near the top or bottom of many pages (running headers/footers)."""
    counts: Counter[str] = Counter()
    for page in raw_pages:
        keys = {_furniture_key(line.text) for line in _margin_lines(page)}
        counts.update(keys)
    threshold = max(3, int(0.3 * len(raw_pages)))
    return {key for key, n in counts.items() if n >= threshold and len(raw_pages) >= 4}


def _margin_lines(page: _RawPage) -> list[Line]:
    by_position = sorted(page.lines, key=lambda line: line.top)
    edge = set(id(line) for line in by_position[:2] + by_position[-2:])
    return [line for line in page.lines
            if id(line) in edge and (line.top < MARGIN * page.height or line.bottom > (1 - MARGIN) * page.height)]


def build_pages(doc_id: str, raw_pages: list[_RawPage]) -> list[Page]:
    furniture = find_furniture(raw_pages)
    body_size = _body_size(raw_pages)
    vocabulary = _vocabulary(raw_pages)
    pages = []
    for number, raw in enumerate(raw_pages, start=1):
        margin = {id(line) for line in _margin_lines(raw)}
        lines = [line for line in raw.lines
                 if not (id(line) in margin and (_furniture_key(line.text) in furniture or _PAGE_NUMBER.match(line.text)))]
        grouped = list(_blocks(lines, body_size, vocabulary, grids(raw.rulings), ocr=raw.ocr))
        blocks = tuple(block for block, _ in grouped)
        text = BLOCK_SEPARATOR.join(block.text for block in blocks)
        pages.append(Page(doc_id=doc_id, page_no=number, text=text, n_chars=raw.n_chars, quality=_quality(raw),
                          blocks=blocks, ocr=raw.ocr, ocr_confidence=raw.ocr_confidence,
                          boxes=locate(grouped, raw.width, raw.height)))
    return pages


def _quality(raw: _RawPage) -> str:
    if raw.n_chars < NO_TEXT_CHARS:
        return PAGE_NO_TEXT
    if not raw.ocr and raw.garbage:
        return PAGE_GARBAGE
    return PAGE_LOW_TEXT if raw.n_chars < LOW_TEXT_CHARS else PAGE_OK


def _body_size(raw_pages: list) -> float:
    weights: Counter[float] = Counter()
    for page in raw_pages:
        for line in page.lines:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _vocabulary(raw_pages: list[_RawPage]) -> set[str]:
    words: set[str] = set()
    for page in raw_pages:
        for line in page.lines:
            words.update(map(str.lower, _VOCABULARY_WORD.findall(line.text)))
    return words


# --------------------------------------------------------------------------- blocks

#: On an OCR'd page a line is bigger than the body only from this factor on, and only when it is short (OCR_HEADING_CHARS).
OCR_BIGGER = 1.25
OCR_HEADING_CHARS = 70


def _heading_level(line: Line, body_size: float, ocr: bool = False) -> int:
    """0 if ``line`` is not a heading, else its depth (1 = top level).

    On an OCR'd page a line's size is the median height of Tesseract's word boxes, which varies with the
    letters (ascenders, descenders, Arabic's tall letters: 11.6 to 17.8 pt in one paragraph of IRQ_indc_2015):
    there a full line of a paragraph is never a heading for its size, or its words would be left out of the
    passages; a short line must be a quarter bigger than the body.
    """
    text = line.text.strip()
    letters = sum(map(str.isalpha, text))
    if line.is_table_row or letters < 3 or len(text) > 140 or text.endswith((",", ";")):
        return 0
    if _DOT_LEADER.search(text):
        return 0
    if ocr:
        bigger = line.size >= OCR_BIGGER * body_size and len(text) <= OCR_HEADING_CHARS
    else:
        bigger = line.size >= body_size + 1.0
    upper = (letters >= 5 and letters * 2 >= len(text.replace(" ", "")) and text.upper() == text
             and not text.endswith(".") and not text.startswith("(")
             and any(c.isalpha() and c.upper() != c.lower() for c in text))
    if text.endswith(".") and len(text) > 60:
        return 0
    numbered = _NUMBERED.match(text)
    if numbered and numbered.group(1) and (bigger if ocr else line.size >= body_size + 0.4) and len(text) <= 90:
        return min(3, numbered.group(1).count(".") + 1)
    if not (bigger or line.bold or (upper and len(text) <= 80)):
        return 0
    if numbered and numbered.group(1):
        return min(3, numbered.group(1).count(".") + 1)
    if line.size >= body_size + 4:
        return 1
    if bigger or upper:
        return 2
    return 3


def _blocks(lines: list, body_size: float, vocabulary: set,
            tables: Sequence[Grid] = (), ocr: bool = False) -> Iterator[tuple[Block, list[Line]]]:
    """Group lines into heading, paragraph, table and table-of-contents blocks (each with its lines).

    The lines inside a ruled table (``tables``) are one table block, read by its rules, where its first line is.
    """
    kind, level = "paragraph", 0
    buffer: list[Line] = []
    previous: Optional[Line] = None
    ruled = _ruled_lines(lines, tables, vocabulary)
    lines = _prose_cells_in_order(lines, tables, ruled)
    # On a table-of-contents page, everything after the first dot-leader line is contents.
    toc_lines = [i for i, line in enumerate(lines) if _DOT_LEADER.search(line.text)]
    toc_from = toc_lines[0] if len(toc_lines) >= 4 else len(lines)
    made: set[Grid] = set()
    for index, line in enumerate(lines):
        if id(line) in ruled:
            grid, block = ruled[id(line)]
            if grid not in made:
                made.add(grid)
                if buffer:
                    yield _make_block(kind, buffer, level, vocabulary), buffer
                buffer, previous = [], None
                yield block, [other for other in lines if id(other) in ruled and ruled[id(other)][0] is grid]
            continue
        heading = _heading_level(line, body_size, ocr) if index < toc_from and line.column < CELL_COLUMN else 0
        this_kind = ("heading" if heading else "toc" if index >= toc_from or _DOT_LEADER.search(line.text)
                     else "table" if line.is_table_row else "paragraph")
        if this_kind == "paragraph" and kind == "table" and previous is not None and not _paragraph_break(previous, line):
            this_kind = "table"    # a wrapped cell continues its table row
        new_block = (
            previous is None or this_kind != kind or line.column != previous.column
            or (this_kind == "heading" and (heading != level or line.top - previous.bottom > 0.8 * line.size))
            or (this_kind == "paragraph" and _paragraph_break(previous, line))
        )
        if new_block and buffer:
            yield _make_block(kind, buffer, level, vocabulary), buffer
            buffer = []
        kind, level = this_kind, heading
        buffer.append(line)
        previous = line
    if buffer:
        yield _make_block(kind, buffer, level, vocabulary), buffer


def _ruled_lines(lines: list, tables: Sequence[Grid], vocabulary: set) -> dict[int, tuple[Grid, Block]]:
    """The lines inside each ruled table read by its rules, by id, with the table's block. A table holding words
    in one column only, or whose rules make no rows of short cells (``rulings.grid_rows``), is left to the lines."""
    ruled: dict[int, tuple[Grid, Block]] = {}
    join = lambda first, second: join_lines(first, second, vocabulary)
    for grid in tables:
        inside = [line for line in lines if id(line) not in ruled and grid.holds(line)]
        columns = {column for line in inside for x0, _, x1, _, _ in line.boxes
                   for column, (a, b) in enumerate(grid.columns) if a <= (x0 + x1) / 2 <= b}
        if len(inside) < 2 or len(columns) < 2:
            continue
        rows = grid_rows(inside, grid, join)
        if rows:
            block = Block(kind="table", text="\n".join(rows))
            ruled.update((id(line), (grid, block)) for line in inside)
    return ruled


def _prose_cells_in_order(lines: list, tables: Sequence[Grid], ruled: dict[int, tuple[Grid, Block]]) -> list:
    """``lines`` with each ruled table of prose cells (not read as a table: ``_ruled_lines``) read cell by cell
    (``rulings.cell_lines``), in place of its lines where its first line was."""
    for grid in tables:
        if any(found is grid for found, _ in ruled.values()):
            continue
        inside = [line for line in lines if id(line) not in ruled and grid.holds(line)]
        if len(inside) < 2:
            continue
        cells = cell_lines(inside, grid)
        if cells is None:
            continue
        first, taken = id(inside[0]), {id(line) for line in inside}
        lines = [new for line in lines for new in (cells if id(line) == first else () if id(line) in taken else (line,))]
    return lines


def _paragraph_break(previous: Line, line: Line) -> bool:
    gap = line.top - previous.bottom
    size = max(line.size, previous.size)
    if gap < -2 * line.size or _BULLET.match(line.text):
        return True
    if line.text[:1].islower() and not previous.text.rstrip().endswith(_SENTENCE_END) and gap <= 2 * size:
        return False        # a sentence goes on in lower case (OCR'd lines vary in height and spacing)
    return gap > 0.75 * size or abs(line.size - previous.size) >= 1.5


_SENTENCE_END = (".", ":", ";", "!", "?", "。", "؟")


def _make_block(kind: str, lines: list, level: int, vocabulary: set) -> Block:
    if kind == "table":
        rows = table_rows(lines, lambda first, second: join_lines(first, second, vocabulary))
        return Block(kind=kind, text="\n".join(rows))
    if kind == "toc":
        return Block(kind=kind, text="\n".join(line.text for line in lines))
    text = lines[0].text
    for line in lines[1:]:
        text = join_lines(text, line.text, vocabulary)
    return Block(kind=kind, text=" ".join(text.split()), level=level if kind == "heading" else 0)


def _compound_prefix(part: str, vocabulary: Set[str]) -> bool:
    """Whether the document writes ``part`` before a hyphen elsewhere ("agro-ecological"): a part of compounds, not a
    syllable ("conser-" of "conservation")."""
    prefix = part.lower() + "-"
    return any(word.startswith(prefix) for word in vocabulary)


def join_lines(first: str, second: str, vocabulary: Set[str] = frozenset()) -> str:
    """Join two lines of a paragraph, mending a word hyphenated across the break.

    "agro-" + "forestry" → "agroforestry"; the hyphen is kept when the document
    spells the word with a hyphen elsewhere ("climate-smart"), when the next
    line starts with a capital or a digit ("CS-" + "GDT" → "CS-GDT", one word),
    or when the word goes on with a hyphen of its own, the document writes its
    first part before a hyphen elsewhere and has no word of the two parts
    joined: a compound of hyphenated parts ("agro-" + "sylvo-pastorales" →
    "agro-sylvo-pastorales", not "agrosylvo-pastorales", a form no taxonomy term
    has, where the document has "agro-ecological"); "conser-" + "vation-oriented"
    is "conservation-oriented".
    """
    # (only a text ending in a hyphen can match: a long paragraph is not searched through for each line it grows by)
    head = _HYPHEN_END.search(first) if first.endswith(("-", "-\n")) else None
    tail = _WORD_START.match(second)
    if head and tail and tail.group(1)[0].islower():
        joined = f"{head.group(1)}{tail.group(1)}".lower()
        if joined not in vocabulary and second[tail.end():tail.end() + 1] == "-" \
                and second[tail.end() + 1:tail.end() + 2].isalpha() and _compound_prefix(head.group(1), vocabulary):
            return first + second     # (but "eco-" + "system-based" is "ecosystem-based" where "ecosystem" is a word)
        if f"{head.group(1)}-{tail.group(1)}".lower() in vocabulary and joined not in vocabulary:
            return first + second
        return first[:-1] + second
    if head and tail:
        return first + second
    return f"{first} {second}"
