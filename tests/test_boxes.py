"""Word boxes (read/boxes.py, store/boxes.py): every word of a page's text located on the page, stored compactly.

The page text itself is pinned by tests/golden and test_extract; boxes are an extra output and change no text.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ndc_scan.read.boxes import locate
from ndc_scan.records import Block, Line, PageBoxes
from ndc_scan.store.boxes import pack_boxes, unpack_boxes

from .conftest import SAMPLE, sample_pages


def line(*words: tuple[float, str], top: float = 100.0) -> Line:
    boxes = tuple((x, top, x + 6 * len(text), top + 10, text) for x, text in words)
    return Line(text=" ".join(t for _, t in words), x0=boxes[0][0], x1=boxes[-1][2], top=top, bottom=top + 10,
                size=10, bold=False, column=0, boxes=boxes)


def spans(found: PageBoxes, text: str) -> list[str]:
    return [text[w[0]:w[1]] for w in found.words]


def test_a_word_hyphenated_across_lines_gets_both_halves():
    text = "We promote agroforestry."
    found = locate([(Block("paragraph", text), [line((72, "We"), (90, "promote"), (140, "agro-")),
                                                line((72, "forestry."), top=112)])], 600, 800)
    assert spans(found, text) == ["We", "promote", "agro", "forestry."]
    assert found.words[3][3] == 112.0                     # the second half's box is on the second line


def test_table_cells_read_out_of_line_order_are_found():
    """A table's wrapped cells are joined column by column, so the words are not in line order in the text."""
    text = "Promote sustainable | Continue reforestation\n\nNext paragraph"
    blocks = [(Block("table", "Promote sustainable | Continue reforestation"),
               [line((72, "Promote"), (300, "Continue")), line((72, "sustainable"), (300, "reforestation"), top=112)]),
              (Block("paragraph", "Next paragraph"), [line((72, "Next"), (110, "paragraph"), top=140)])]
    found = locate(blocks, 600, 800)
    assert sorted(spans(found, text)) == sorted(["Promote", "sustainable", "Continue", "reforestation", "Next",
                                                 "paragraph"])
    by_word = {text[w[0]:w[1]]: w for w in found.words}
    assert by_word["sustainable"][2:4] == (72, 112) and by_word["Continue"][2:4] == (300, 100)
    assert by_word["Next"][0] == text.index("Next")      # offsets run over the blocks and their separators


def test_a_word_the_text_does_not_hold_has_no_box():
    found = locate([(Block("paragraph", "kept words"), [line((72, "kept"), (100, "dropped"), (150, "words"))])], 600, 800)
    assert spans(found, "kept words") == ["kept", "words"]


#: The reference engine in the fast tests; PDFium's words (other boxes, same layout code) with the slow ones.
ENGINES = ["pdfplumber", pytest.param("pdfium", marks=pytest.mark.slow)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["NER_indc_2015.pdf", "QAT_indc_2015_ar.pdf", "MNG_indc_2015.pdf"])
def test_word_boxes_cover_the_page_text(name, engine):
    """Nearly every character of the text (French, Arabic right to left, wrapped tables) has a box."""
    pages = sample_pages(name, engine)
    covered = total = 0
    for page in pages:
        mask = bytearray(len(page.text))
        for start, end, *_ in page.boxes.words:
            assert page.text[start:end].strip(), (page.page_no, start, end)
            mask[start:end] = b"\x01" * (end - start)
        visible = [i for i, c in enumerate(page.text) if not c.isspace() and c != "|"]
        covered += sum(mask[i] for i in visible)
        total += len(visible)
    assert covered / total >= 0.995, f"{covered} of {total} characters have a box"


@pytest.mark.parametrize("engine", ENGINES)
def test_word_boxes_lie_on_their_words(engine):
    """Checked against pdfplumber's own characters: the characters inside each word's box spell that word."""
    import pdfplumber

    path = SAMPLE / "NER_indc_2015.pdf"
    pages = sample_pages(path.name, engine)
    checked = right = 0
    with pdfplumber.open(path) as pdf:
        for page in pages[5:9]:
            plumber_page = pdf.pages[page.page_no - 1]
            for start, end, x0, top, x1, bottom in page.boxes.words:
                word = page.text[start:end]
                if len(word) < 4 or not word.isalpha():
                    continue
                inside = plumber_page.within_bbox((max(0, x0 - 1), max(0, top - 1), min(x1 + 1, plumber_page.width),
                                                   min(bottom + 1, plumber_page.height))).extract_text() or ""
                checked += 1
                right += word in unicodedata.normalize("NFKC", inside).replace("\n", " ")
    assert checked > 500 and right / checked >= 0.99, f"{right} of {checked} boxes hold their word"


boxes = st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 40), st.floats(0, 600), st.floats(0, 800),
                           st.floats(0, 40), st.floats(1, 20)), max_size=50)


@given(boxes)
def test_packed_boxes_come_back_within_a_hundredth_of_a_point(drawn):
    words = tuple(sorted((start, start + length, x, top, min(600.0, x + w), min(800.0, top + h))
                         for start, length, x, top, w, h in drawn))
    page = PageBoxes(width=600.0, height=800.0, words=words)
    back = unpack_boxes(600.0, 800.0, pack_boxes(page))
    assert [w[:2] for w in back.words] == [w[:2] for w in words]
    assert all(abs(a - b) <= 0.01 for got, want in zip(back.words, words) for a, b in zip(got[2:], want[2:]))


def _packed_word_by_word(page: PageBoxes) -> bytes:
    """The store's format as it was first written: one ``struct`` record a word (stores written then stay readable)."""
    import struct
    import zlib

    def scaled(value: float, size: float) -> int:
        return min(65535, max(0, round(value / size * 65535)))

    return zlib.compress(b"".join(struct.pack("<IH4H", start, min(end - start, 65535), scaled(x0, page.width),
                                              scaled(top, page.height), scaled(x1, page.width), scaled(bottom, page.height))
                                  for start, end, x0, top, x1, bottom in page.words), 6)


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 70000), st.floats(-50, 700), st.floats(-50, 900),
                          st.sampled_from([0.5, 1.5, 2.5, 32767.5]), st.floats(0, 900)), max_size=40))
def test_packing_writes_the_bytes_a_word_by_word_packing_wrote(drawn):
    """Off-page coordinates are clipped and halves rounded to even, exactly as before (same bytes in the store)."""
    words = tuple((start, start + length, x, top, half / 65535 * 600.0, bottom) for start, length, x, top, half, bottom in drawn)
    page = PageBoxes(width=600.0, height=800.0, words=words)
    assert pack_boxes(page) == _packed_word_by_word(page)


def test_packing_a_real_page_writes_the_same_bytes():
    pages = sample_pages("MNG_indc_2015.pdf")
    assert sum(len(page.boxes.words) for page in pages) > 1000
    assert all(pack_boxes(page.boxes) == _packed_word_by_word(page.boxes) for page in pages)


def test_within_gives_the_boxes_of_the_words_a_span_overlaps():
    page = PageBoxes(600, 800, ((0, 4, 1, 2, 3, 4), (5, 9, 5, 6, 7, 8), (10, 14, 9, 10, 11, 12)))
    assert page.within(5, 9) == [(5, 6, 7, 8)]
    assert page.within(3, 6) == [(1, 2, 3, 4), (5, 6, 7, 8)]
    assert page.within(14, 20) == []
    with pytest.raises(ValueError, match="page size must be positive"):
        PageBoxes(0, 800)
