"""The fast engine (read/pdfium.py): the words the per-character loop found, and characters outside the BMP."""

import ctypes
import math
import re
import statistics

import pypdf
import pypdfium2
import pytest
from pypdf.generic import ByteStringObject, NameObject

from ndc_scan import scan
from ndc_scan.read.pages import read_pdf
from ndc_scan.read.pdfium import GAP, _first_of_twins, _touching_joined, page_words
from ndc_scan.textnorm import is_rtl

from .conftest import FAKE_ID, SAMPLE, corpus_pdf

TUVALU = "TUV_indc_2015.pdf"        # page 2: "Base year, 2010, emissions ≅ 20 Gg", the ≅ in Cambria Math


def _tuvalu(tmp_path, maps_to: bytes = b"", title: bytes = b"") -> str:
    """Tuvalu's real INDC, its Cambria Math character mapped to other UTF-16 (``maps_to``), and/or another /Title.

    No NDC of the corpus has a character outside the Basic Multilingual Plane under this PDFium, so the
    one Cambria Math glyph of this one is given what Word writes for a mathematical italic letter: a
    surrogate pair (<D835DC4E>, U+1D44E), or a lone half.
    """
    writer = pypdf.PdfWriter(clone_from=str(corpus_pdf(TUVALU)))
    if maps_to:
        for font in writer.pages[1]["/Resources"]["/Font"].values():
            font = font.get_object()
            if "CambriaMath" in str(font["/BaseFont"]):
                cmap = font["/ToUnicode"].get_object()
                cmap.set_data(cmap.get_data().replace(b"<21><21><2245>", b"<21><21><" + maps_to + b">"))
    if title:
        writer.add_metadata({"/Author": "Government of Tuvalu"})
        writer._info.get_object()[NameObject("/Title")] = ByteStringObject(title)
    path = tmp_path / "TUV_indc_2015.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return str(path)


def _pdfium_units(path: str, page: int) -> list[int]:
    import pypdfium2.raw as raw

    textpage = pypdfium2.PdfDocument(path)[page].get_textpage()
    return [raw.FPDFText_GetUnicode(textpage.raw, i) for i in range(textpage.count_chars())]


def test_pdfium_surrogate_pair_is_one_character_and_the_batch_is_written(tmp_path):
    """Issue 14, item 2: chr() of each UTF-16 half made lone surrogates, and the store write killed the batch."""
    path = _tuvalu(tmp_path, maps_to=b"D835DC4E")
    units = _pdfium_units(path, 1)
    assert 0xD835 in units and units[units.index(0xD835) + 1] == 0xDC4E         # PDFium gives the pair as two characters
    result = scan([path, SAMPLE / "CAN_indc_2015.pdf"], out=tmp_path / "out", store=tmp_path / "s.sqlite",
                  engine="pdfium", ocr=False, jobs=1)
    assert not result.failures and len(result.documents) == 2
    pages, _ = read_pdf(path, FAKE_ID, engine="pdfium")
    assert "emissions a 20 Gg" in pages[1].text                    # U+1D44E, then NFKC: "a"
    assert not re.search("[\ud800-\udfff]", "".join(p.text for p in pages))


def test_pdfium_lone_surrogate_half_becomes_the_replacement_character(tmp_path):
    path = _tuvalu(tmp_path, maps_to=b"D835")
    pages, _ = read_pdf(path, FAKE_ID, engine="pdfium")
    assert "emissions \ufffd 20 Gg" in pages[1].text
    words, *_ = page_words(pypdfium2.PdfDocument(path)[1])
    assert "\ufffd" in [w["text"] for w in words]


def test_pdfium_lone_surrogate_in_the_title_keeps_the_document(tmp_path):
    """A /Title with a lone surrogate was "PDF is damaged" under pdfium (pypdfium2 decodes it strictly)."""
    path = _tuvalu(tmp_path, title=b"\xfe\xff\x00T\x00u\xd8\x35\x00v\x00a\x00l\x00u")
    with pytest.raises(UnicodeDecodeError):
        pypdfium2.PdfDocument(path).get_metadata_dict()                       # what failed the document
    pages, info = read_pdf(path, FAKE_ID, engine="pdfium")
    assert info["Title"] == "Tu\ufffdvalu" and info["Author"] == "Government of Tuvalu"
    assert len(pages) == 10
    result = scan([path], out=None, store=tmp_path / "s.sqlite", engine="pdfium", ocr=False, jobs=1)
    assert not result.failures and result.documents[0].meta.iso3 == "TUV"


# --------------------------------------------------------------------------- the per-character loop it replaced

def _reference_page_words(page) -> tuple:
    """The engine as it was: one character at a time, four PDFium calls each (kept to pin the words; the
    font name as it is now, without PDFium's guessed weight)."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    handle = textpage.raw
    rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    words: list = []
    chars: list = []
    previous = None
    hidden = {index for index in range(textpage.count_chars())
              if (obj := raw.FPDFText_GetTextObject(handle, index)) and _upright_object(obj) and _reference_hidden(obj)}
    seen: dict = {}

    def flush():
        if chars:
            boxes = [box for _, box, _ in chars]
            words.append({
                "text": "".join(c for c, _, _ in chars),
                "x0": min(b[0] for b in boxes), "x1": max(b[1] for b in boxes),
                "top": height - max(b[2] for b in boxes), "bottom": height - min(b[3] for b in boxes),
                "size": round(statistics.median(b[4] for b in boxes), 2),
                "fontname": _reference_font_name(handle, chars[len(chars) // 2][2]),
                "upright": True, "logical": True})
            chars.clear()

    for index in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, index)
        if code == 0:
            continue
        character = "-" if code in (0x2, 0xFFFE) else chr(code)      # PDFium's hyphen at a line end
        if character.isspace():
            flush()
            previous = None
            continue
        raw.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(rect))
        raw.FPDFText_GetMatrix(handle, index, ctypes.byref(matrix))
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
        a, b, c, d = (round(v / scale, 3) for v in (matrix.a, matrix.b, matrix.c, matrix.d))
        if not (a * d > 0 and b * c <= 0):
            continue                          # rotated text: left out (the character's own matrix, not its object's)
        if index in hidden:
            continue                          # hidden by its clip path
        place = (character, round(rect.left * 4), round(rect.top * 4))
        obj = ctypes.cast(raw.FPDFText_GetTextObject(handle, index), ctypes.c_void_p).value
        if hidden and seen.setdefault(place, obj) != obj:
            continue                          # a twin from another object (copies clipped to strips)
        size = raw.FPDFText_GetFontSize(handle, index) * (abs(matrix.d) or abs(matrix.b) or 1.0)
        box = (rect.left, rect.right, rect.top, rect.bottom, size, is_rtl(character))
        if previous is not None and _reference_breaks(previous, box):
            flush()
        chars.append((character, box, index))
        previous = box
    flush()
    textpage.close()
    if hidden:
        words = _touching_joined(words)         # pinned on its own below
    return words, width, height, sum(len(w["text"]) for w in words)


def _reference_hidden(obj) -> bool:
    """Whether a text object lies wholly more than a point outside the box of one of its clip paths (or one has no
    area): measured again for each character, without a cache."""
    import pypdfium2.raw as raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(raw.FPDFClipPath_CountPaths(clip) if clip else 0):
        xs, ys = [], []
        for segment in range(raw.FPDFClipPath_CountPathSegments(clip, path)):
            raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, path, segment), x, y)
            xs.append(x.value)
            ys.append(y.value)
        if xs and (max(xs) - min(xs) < 0.01 or max(ys) - min(ys) < 0.01 or right.value < min(xs) - 1
                   or left.value > max(xs) + 1 or top.value < min(ys) - 1 or bottom.value > max(ys) + 1):
            return True
    return False


def _upright_object(obj) -> bool:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    return not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)) or (m.a * m.d > 0 and abs(m.b) < 1e-3 * abs(m.a)
                                                                   and abs(m.c) < 1e-3 * abs(m.d))


def _reference_breaks(previous: tuple, box: tuple) -> bool:
    left, right, top, bottom, size, rtl = box
    p_left, p_right, p_top, p_bottom, p_size, p_rtl = previous
    line = max(size, p_size, 1.0)
    if abs(top - p_top) > 0.5 * line and abs(bottom - p_bottom) > 0.5 * line:
        return True
    if rtl and p_rtl:
        return p_left - right > GAP * line or right > p_right + 0.5 * line
    return left - p_right > GAP * line or left < p_left - 0.5 * line


def _reference_font_name(handle, index: int) -> str:
    import pypdfium2.raw as raw

    flags = ctypes.c_int()
    buffer = ctypes.create_string_buffer(128)
    size = raw.FPDFText_GetFontInfo(handle, index, buffer, 128, ctypes.byref(flags))
    return buffer.value.decode("utf-8", "replace") if 0 < size <= 128 else ""


@pytest.mark.parametrize("name", ["KEN_indc_2015.pdf", "NER_indc_2015.pdf", "QAT_indc_2015_ar.pdf", "TJK_indc_2015.pdf",
                                  "MNG_indc_2015.pdf"])
def test_page_words_are_the_words_the_character_loop_found(name):
    """Same words, boxes, sizes and fonts as one-character-at-a-time (English, French, Arabic, Russian, tables)."""
    pdf = pypdfium2.PdfDocument(str(SAMPLE / name))
    for index in range(len(pdf)):
        assert page_words(pdf[index]) == _reference_page_words(pdf[index]), (name, index + 1)


@pytest.mark.parametrize("name, page, word, parted", [
    ("BFA_indc_2015.pdf", 24, "(demi-lunes)", "demi lunes"),       # the document spells it so elsewhere: kept
    ("ARE_indc_2015.pdf", 1, "adaptation co-benefits", "co benefits"),
    ("CHL_indc_2016.pdf", 12, "se lograría por medio", "logra ría"),   # a syllable break: mended
])
def test_regression_a_word_hyphenated_at_a_line_end_is_one_word(name, page, word, parted):
    """PDFium gives the hyphen that ends a line inside a word as U+FFFE; the engine left it out, so the word was
    parted at the line end ("demi lunes") where pdfplumber's reading mends it (1,178 such hyphens in the corpus)."""
    pages, _ = read_pdf(corpus_pdf(name), FAKE_ID, engine="pdfium")
    text = " ".join(pages[page - 1].text.split())
    assert word in text and parted not in text
    assert "\ufffe" in pypdfium2.PdfDocument(str(corpus_pdf(name)))[page - 1].get_textpage().get_text_range()


def test_pdfium_calls_regular_calibri_regular_not_bold():
    """PDFium guesses Calibri's weight from its stem width (640): TGO's body text came out bold, its lines
    headings, and four concepts of page 9 went untagged (pdfplumber: paragraphs)."""
    path = corpus_pdf("TGO_indc_2015.pdf")
    words, *_ = page_words(pypdfium2.PdfDocument(str(path))[8])
    assert not any("Bold" in w["fontname"] for w in words if w["fontname"] == "Calibri")
    pages, _ = read_pdf(path, FAKE_ID, engine="pdfium")
    kinds = {b.kind for b in pages[8].blocks if "il sera réalisée une étude de caractérisation des sols agricoles" in b.text}
    assert kinds == {"paragraph"}


def test_pdfium_pages_it_reads_as_garbage_are_read_by_pdfplumber():
    """CHN_indc_2015's first two pages: PDFium maps their fonts to garbage (and 16 characters), pdfminer reads them."""
    path = corpus_pdf("CHN_indc_2015.pdf")
    pdfium_alone = [page_words(pypdfium2.PdfDocument(str(path))[i])[3] for i in (0, 1)]
    pages, _ = read_pdf(path, FAKE_ID, engine="pdfium")
    plumber, _ = read_pdf(path, FAKE_ID)
    assert pdfium_alone[0] < 80 and [p.quality for p in pages[:2]] == ["ok", "ok"]
    assert [p.text for p in pages[:2]] == [p.text for p in plumber[:2]]


def test_text_turned_90_degrees_is_left_out_by_both_engines():
    """BDI_indc_2015 p6: a table's row labels turned 90° ("Agriculture Elevage", "Forêts", "Eau") came out letter by
    letter and backwards ("e g a v e l E e r u t l u c i r g A | 1. Stratégie…": a quote no reader could find on the
    page). Their matrix is (-4e-09, 1, -1, -4e-09): pdfminer called it upright (a·d > 0 by a hair); both engines
    now compare at a thousandth of the scale (``layout.upright``) and leave such text out."""
    path = corpus_pdf("BDI_indc_2015.pdf")
    fast, _ = read_pdf(path, FAKE_ID, engine="pdfium")
    plumber, _ = read_pdf(path, FAKE_ID)
    for pages in (fast, plumber):
        text = pages[5].text
        assert "1. Stratégie Agricole Nationale 2008-2015" in text
        assert not re.search(r"e g a v e l E|E a u\b|F o r ê t s", text)


def test_pdfium_leaves_out_text_its_clip_path_hides():
    """IDN 2021 p22 keeps a superseded version of its Table 1 under the printed one, every word clipped to a strip at
    the foot of the page: the scan read both, word by word ("policy policy scenario scenario", "1. Energy* 2 Waste |
    453.2 88 |"), and quoted the hidden figures (1,271 for energy CM2, where the page prints 1,407). STP 2015 p2
    paints its text through copies of the page, each clipped to a strip: every word came two or three times. ECU
    2019 p18: Word's bullets, clipped away in table cells."""
    pages, _ = read_pdf(corpus_pdf("IDN_ndc-updated_2021.pdf"), FAKE_ID, engine="pdfium")
    text = pages[21].text
    assert "1. Energy* | 453.2 | 1,669 | 1,355 | 1,407 | 314 | 441 | 11% | 15.5% | 6.7% | 4.50%" in text
    assert "5. Forestry and Other Land Uses (FOLU) | 647 | 714 | 217 | 68 |" in text
    assert "1,271" not in text and "peat fire" not in text and text.count("policy scenario") == 1
    pages, _ = read_pdf(corpus_pdf("STP_indc_2015.pdf"), FAKE_ID, engine="pdfium")
    assert "Sao Tome and Principe (STP) is a small island state consisting of two islands and several" in pages[1].text
    assert "Sao Sao" not in pages[1].text
    pages, _ = read_pdf(corpus_pdf("ECU_ndc_2019.pdf"), FAKE_ID, engine="pdfium")
    assert "\nImpulsar al uso de la energía renovable. Fortalecer la eficiencia energética" in pages[17].text
    assert "Desarrollo de Centrales Hidroeléctricas | Aprovechamiento del recurso hídrico" in pages[17].text


def test_touching_words_are_joined_left_to_right_but_not_right_to_left_ones():
    """SWZ 2015 p3 (the first spent set): copies of the page clipped to strips give "managemen" from one copy and
    "t and" from the next, apart in PDFium's order; their boxes touch."""
    def word(text, x0, x1, top=90.6):
        return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 12.2, "size": 11.0, "fontname": "F",
                "upright": True, "logical": True}

    words = [word("landscape", 402.1, 442.8), word("managemen", 445.0, 495.7), word("and", 501.5, 517.0),
             word("t", 495.8, 499.2), word("Establish", 60.0, 100.0, top=60.0)]
    assert [w["text"] for w in _touching_joined(words)] == ["Establish", "landscape", "management", "and"]
    arabic = [word("الأرض", 100.0, 130.0), word("ي", 130.0, 133.0)]
    assert [w["text"] for w in _touching_joined(arabic)] == ["الأرض", "ي"]


def test_a_twin_is_a_character_of_another_object_at_the_same_place_not_a_ligature_letter():
    """STP 2015 p2's copies clipped to strips give "S" twice at one place from two text objects: the second goes. A
    ligature's letters stand at one place within one object (BHR 2015 p1's "لل" of "الله", an "ff"): dropping twins
    within objects on every page gave "هلا" (BHR, JOR) and "generaton" (BIH 2021 p7)."""
    import numpy as np

    codes = np.array([ord("S"), ord("S"), ord("ل"), ord("ل"), ord("f"), ord("f")])
    boxes = np.array([[72.0, 700.0, 79.0, 690.0], [72.1, 700.0, 79.1, 690.0], [300.0, 650.0, 306.0, 640.0],
                      [300.0, 650.0, 306.0, 640.0], [120.0, 500.0, 125.0, 490.0], [120.0, 500.0, 125.0, 490.0]])
    objects = np.array([11, 22, 33, 33, 44, 44], dtype=np.uint64)
    assert _first_of_twins(codes, boxes, objects).tolist() == [True, False, True, True, True, True]
