"""Every quote a report prints can be found on its page of the PDF, as another PDF reader reads that page.

The reference is PDFium's own text of the page (``pypdfium2``, not the pdfplumber reading the scan uses), with
whitespace collapsed. A quote passes when it is a substring of that text, or is made of pieces of it: runs of
whole words of at least MIN_PIECE characters (readers order a table's cells differently). So a table cell wrapped
over three lines (read by the scan as one cell, by PDFium line by line between its neighbours' words) passes,
while a phrase with a word of the neighbouring column inside it does not. Cells of a table row (" | ") are
checked one by one; a word hyphenated across a line break may be mended. A cell of a ruled table may also be
found among the cells pdfplumber's table finder reads on that page (narrow cells hold lines too short to be
pieces). What this cannot see: two cells interleaved exactly as a line-by-line reader reads them (each line a
run of the page); tests/test_tables.py and tests/test_rulings.py pin that table cells are read whole.

Corpus-wide: ``python -m tests.test_quotes STORE`` (a store of a scan of ../shared/corpora/ndc, e.g. after
``ndc-scan scan ../shared/corpora/ndc --store corpus.sqlite``) prints how many quotes of the coverage, the passages
and the targets fail, per document, with examples.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import pytest

from ndc_scan import scan, textnorm
from ndc_scan.pipeline import load_tables
from ndc_scan.store import Store

from .conftest import SAMPLE

_SPACE = re.compile(r"\s+")
_BULLETS = re.compile(r"[•●▪■◦○►▶➢✓\u2022\uf000-\uf8ff]")
#: Shorter pieces could be found anywhere on a page by chance; a quote made of them proves nothing.
MIN_PIECE = 12
_MARK = re.compile(r"[23]")                              # an exponent: square or cubic
_UNIT = re.compile(r"(?:km|m|cm|كم|م)$")                   # ... of a unit of length


def normalise(text: str) -> str:
    """NFKC, straight quotes and hyphens (textnorm), no bullets, whitespace collapsed; Arabic without tatweel and
    vowel marks, its lam-alef ligatures in reading order (``textnorm.clean_arabic``, the repairs the scan makes and
    issue 13 asks for): the same for both readers. PDFium's U+FFFE, the hyphen of a word broken at a line end, is a
    hyphen."""
    text = text.replace("\ufffe", "-")        # PDFium's code for the hyphen that ends a line (the scan reads it so)
    return _SPACE.sub(" ", _BULLETS.sub(" ", textnorm.clean_arabic(textnorm.normalise(text)))).strip()


def page_lines(pdf: Path) -> dict[int, list[str]]:
    """Each page's text lines as PDFium reads them (1-based page numbers), normalised."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = {}
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            text = textpage.get_text_range()
            pages[index + 1] = [normalise(line) for line in text.replace("\r", "\n").split("\n") if line.strip()]
        return pages
    finally:
        document.close()


def table_cells(pdf: Path) -> dict[int, list[str]]:
    """Each page's table cells as pdfplumber's table finder reads them (by the page's rules), normalised."""
    import pdfplumber

    cells: dict[int, list[str]] = {}
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            found = [normalise(cell) for table in page.extract_tables() for row in table for cell in row if cell]
            cells[number] = [cell for cell in found if cell]
            page.close()
    return cells


def is_verbatim(quote: str, lines: list[str], cells: Optional[list[str]] = None) -> bool:
    """Whether ``quote`` is made of runs of the page's text, in order (see the module docstring); with ``cells``
    (a ruled table's cells as another reader finds them), a table cell of the quote may also be one of them."""
    reference = " ".join(lines)
    # A word hyphenated at a line end: the scan mends it ("agro- forestry" → "agroforestry") or keeps the hyphen of
    # a compound ("CS-GDT"); PDFium keeps the break or drops a soft hyphen ("CSGDT").
    unhyphenated = _unhyphenated(reference)
    spaceless = reference.replace(" ", "")             # "Carbon-balanceTool": readers space words differently
    for cell in re.split(r" \| |\n", quote):           # cells of a table row, rows of a table
        cell = normalise(cell).strip(" .|")           # NFKC makes the quote's "…" ends "..."; "…| x": a cut at a border
        if cell and cell not in reference and _unhyphenated(cell) not in unhyphenated \
                and cell.replace(" ", "") not in spaceless and not _pieced(cell, reference, cells or []):
            return False
    return True


def _found(piece: str, reference: str, cells: list[str]) -> bool:
    """A piece in the page's text, or within a cell as another reader finds it (a line-end hyphen mended or not)."""
    return piece in reference or any(piece in other or _unhyphenated(piece) in _unhyphenated(other) for other in cells)


def _unhyphenated(text: str) -> str:
    return _SPACE.sub(" ", text.replace("- ", "").replace("-", ""))


def _pieced(cell: str, reference: str, cells: list[str]) -> bool:
    """``cell`` as consecutive pieces of whole words, each at least MIN_PIECE characters (the first and the last
    may be shorter: a report's quote joins a table's rows with a space, so a cell may begin with the end of the row
    above), each found in ``reference`` or inside one of ``cells`` (in any order: readers order the cells of a row
    differently). The exponent of a unit (a "2" or "3" after "km", "m", "كم"…) that the page holds may stand anywhere:
    readers put it on the line above or below ("55 طن/كم 2 بالسنة", KWT 2015 p3: PDFium reads the "2" of km² a line
    higher)."""
    words = cell.split(" ")
    marks = [i for i, word in enumerate(words) if i and _MARK.fullmatch(word) and _UNIT.search(words[i - 1])
             and f" {word} " in f" {reference} "]
    if marks and 0 < marks[0] and marks[-1] < len(words) - 1:
        bounds = [-1] + marks + [len(words)]
        return all(_pieced(" ".join(words[a + 1:b]), reference, cells) for a, b in zip(bounds, bounds[1:]) if b > a + 1)
    start = 0
    while start < len(words):
        stop = next((stop for stop in range(len(words), start, -1)                   # the longest piece first
                     if (len(" ".join(words[start:stop])) >= MIN_PIECE or stop == len(words) or start == 0)
                     and _found(" ".join(words[start:stop]), reference, cells)), None)
        if stop is None:
            return False
        start = stop
    return True


def quote_failures(store: Path, counts: dict | None = None) -> list[dict]:
    """Every quote of a store's reports that is not verbatim on its page: document, page, table, quote."""
    tables = load_tables(store)
    documents = tables.documents.set_index("document")
    failures, cache = [], {}
    rows = ([("coverage", r.document, r.top_quote_page, r.top_quote) for r in tables.coverage.itertuples()
             if isinstance(r.top_quote, str) and r.top_quote]
            + [("passages", r.document, r.page, r.text) for r in tables.passages.itertuples()]
            + [("targets", r.document, r.page, r.quote) for r in tables.targets.itertuples()])
    with Store(store, create=False) as db:          # OCR'd pages have no text layer to check a quote against
        ocr_pages = {(document, page.page_no) for document, doc_id in documents["doc_id"].items()
                     for page in db.pages(doc_id) if page.ocr}
    for table, document, page, quote in rows:
        if (document, int(page)) in ocr_pages:
            continue
        if counts is not None:
            counts["checked"] = counts.get("checked", 0) + 1
        path = Path(documents.loc[document, "path"])
        if path not in cache:
            cache[path] = page_lines(path)
        lines = cache[path].get(int(page), []) + cache[path].get(int(page) + 1, [])   # a passage may run on
        if is_verbatim(quote, lines):
            continue
        if ("cells", path) not in cache:                 # ruled tables: pdfplumber's cells, read only when needed
            cache[("cells", path)] = table_cells(path)
        cells = cache[("cells", path)].get(int(page), []) + cache[("cells", path)].get(int(page) + 1, [])
        if not is_verbatim(quote, lines, cells):
            failures.append({"table": table, "document": document, "page": int(page), "quote": quote})
    return failures


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quotes")
    names = ("KEN_indc_2015.pdf", "NER_indc_2015.pdf", "MNG_indc_2015.pdf", "QAT_indc_2015_ar.pdf", "TJK_indc_2015.pdf")
    paths = [SAMPLE / name for name in names if (SAMPLE / name).exists()]
    scan(paths, out=None, store=folder / "s.sqlite", ocr=False, jobs=2)
    return folder / "s.sqlite"


def test_a_wrapped_cell_passes_and_an_interleaved_phrase_fails():
    lines = ["Promote Continue 10,000ha annual National Forest", "Sustainable reforestation of degraded Policy."]
    assert is_verbatim("Continue 10,000ha annual reforestation of degraded", lines)
    assert is_verbatim("…Promote | Continue 10,000ha annual reforestation of degraded…", lines)
    # MNG_indc_2015 p8 as two columns merged word by word: pieces too short to be the page's text
    lines = ["-To reduce bare fallow to 30% -To expand irrigated cropland", "farming and crop rotation by 2-2.5 times"]
    assert not is_verbatim("-To reduce bare farming fallow to 30% cropland", lines)


def test_an_exponent_may_stand_where_another_reader_puts_it():
    # KWT_indc_2015 p3: PDFium puts the "2" of km² on the line above ("شدة تواتر 2 العواصف"); the scan reads it after
    # "طن/كم". A number the page does not hold, or a longer one, is no exponent.
    lines = ["مما يؤدي إلى شدة تواتر 2", "العواصف الترابية في الدولة، حيث بل معدل تساقش الأتربة فيها ما يعادل 55 طن/كم",
             "بالسنة بمجموع كلي يقارب مليون طن من الأتربة المتساقطة سنويا"]
    assert is_verbatim("حيث بل معدل تساقش الأتربة فيها ما يعادل 55 طن/كم 2 بالسنة بمجموع كلي يقارب مليون طن", lines)
    assert not is_verbatim("حيث بل معدل تساقش الأتربة فيها ما يعادل 55 طن/كم 3 بالسنة بمجموع كلي يقارب مليون طن", lines)
    assert not is_verbatim("حيث بل معدل تساقش الأتربة فيها ما يعادل 552 طن/كم بالسنة بمجموع كلي يقارب مليون طن", lines)
    # a figure is no exponent, even where the page holds the number elsewhere ("section 15")
    lines = ["Brazil intends to restore an additional 12 million hectares of", "degraded pasturelands (section 15)."]
    assert not is_verbatim("Brazil intends to restore an additional 15 million hectares of degraded pasturelands", lines)


def test_arabic_quotes_are_compared_after_the_scans_own_repairs():
    # KWT_indc_2015 p7 as PDFium reads it: tatweel inside words and the lam-alef ligature in the wrong order
    # ("األراضري"); the scan's quote has neither (textnorm.clean_arabic). The font's stray "ر" is in both.
    lines = [normalise("التكيـف م ـع العواص ـف التـرابي ـة : تقلريص نسربة األراضري الصرحراوية المفتوحرة مرن %75 الرى 51 %")]
    assert is_verbatim("التكيف م ع العواص ف الترابي ة : تقلريص نسربة الأراضري الصرحراوية", lines)
    assert not is_verbatim("التكيف م ع العواص ف الترابي ة : تقليص نسبة الأراضي الصحراوية", lines)


@pytest.mark.slow
def test_every_quote_of_the_sample_reports_is_on_its_page(sample_store):
    # MNG_indc_2015 pp. 2, 8, 9 (narrow ruled tables) failed until ruled tables were read by their rules
    assert quote_failures(sample_store) == []


def main(store: str) -> None:
    counts: dict = {}
    failures = quote_failures(Path(store), counts)
    print(f"{len(failures)} of {counts.get('checked', 0)} quotes not verbatim on their page (PDFium's text; quotes "
          "from OCR'd pages are not checked)")
    for (table,), n in sorted(Counter((f["table"],) for f in failures).items()):
        print(f"  {table}: {n}")
    for document, n in Counter(f["document"] for f in failures).most_common(15):
        print(f"  {document}: {n}")
    for failure in failures[:25]:
        print(f"  - {failure['document']} p{failure['page']} [{failure['table']}] {failure['quote'][:160]!r}")


if __name__ == "__main__":
    main(sys.argv[1])
