"""The two-column search (read/layout.py) finds what trying every gutter position on every row found."""

from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan.read import layout
from ndc_scan.read.layout import _gutter_fits, _Gutters, _rows

from .conftest import SAMPLE, corpus_pdf


def _reference_column_run(rows: list, start: int, width: float) -> tuple[int, Optional[float]]:
    """The search as it was written before the free-span version: every candidate gutter, row by row."""
    best_end, best_gutter = start, None
    for step in range(int(0.35 * width), int(0.65 * width), 4):
        gutter = float(step)
        end, left, right = start, [], []
        while end < len(rows) and _gutter_fits(rows[end], gutter):
            left += [w for w in rows[end] if w["x1"] <= gutter]
            right += [w for w in rows[end] if w["x0"] >= gutter]
            end += 1
        if end - start <= max(best_end - start, 4):
            continue
        left_rows = sum(1 for row in rows[start:end] if any(w["x1"] <= gutter for w in row))
        right_rows = sum(1 for row in rows[start:end] if any(w["x0"] >= gutter for w in row))
        if min(left_rows, right_rows) < 3:
            continue
        left_width = max(w["x1"] for w in left) - min(w["x0"] for w in left)
        right_width = max(w["x1"] for w in right) - min(w["x0"] for w in right)
        if min(left_width, right_width) < 0.28 * width or min(left_width, right_width) < 0.6 * max(left_width, right_width):
            continue
        best_end, best_gutter = end, gutter
    return best_end, best_gutter


def _assert_same_search(rows: list, width: float) -> int:
    gutters = _Gutters(rows, width)
    found = 0
    for start in range(len(rows)):
        expected = _reference_column_run(rows, start, width)
        assert gutters.column_run(start) == expected, (start, expected)
        found += expected[1] is not None
    return found


def _plumber_rows(path, pages=None):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages if pages is None else [pdf.pages[i] for i in pages]:
            words = page.extract_words(extra_attrs=["size"])
            yield _rows([w for w in words if w["text"].strip()]), float(page.width)


@pytest.mark.parametrize("path, pages", [
    (SAMPLE / "KEN_indc_2015.pdf", None),             # a two-column box on page 2, tables on page 5
    (SAMPLE / "NER_indc_2015.pdf", None),
    (SAMPLE / "QAT_indc_2015_ar.pdf", None),
])
def test_free_span_search_finds_the_same_columns_on_real_pages(path, pages):
    found = sum(_assert_same_search(rows, width) for rows, width in _plumber_rows(path, pages))
    if path.name == "KEN_indc_2015.pdf":
        assert found > 0                                # the test reaches two-column stretches


@pytest.mark.slow
def test_free_span_search_on_two_column_corpus_pages():
    """CIV_indc_2015 is set in two columns on most pages (223 stretch starts on its first 8 pages)."""
    found = sum(_assert_same_search(rows, width)
                for rows, width in _plumber_rows(corpus_pdf("CIV_indc_2015.pdf")))
    assert found > 100


_x = st.integers(min_value=0, max_value=120).map(lambda v: v * 5.0)       # 0..600 pt, on a coarse grid
_word = st.tuples(_x, st.integers(min_value=0, max_value=40).map(float), st.sampled_from([8.0, 10.0, 11.0, 14.0]))
_row = st.lists(_word, min_size=1, max_size=6)


def _build(rows: list) -> list:
    return [[{"x0": x, "x1": x + w, "size": size, "text": "w"} for x, w, size in sorted(row)] for row in rows]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_row, min_size=1, max_size=14), width=st.sampled_from([595.0, 612.0, 842.0]))
def test_property_free_span_search_equals_trying_every_gutter(rows, width):
    """Random rows, including touching words, zero-width words and gaps exactly at the limit."""
    _assert_same_search(_build(rows), width)


# Rows of a two-column page: words filling each side, a gutter near the middle, now and then a row that spans it.
_side = st.lists(st.tuples(st.integers(min_value=0, max_value=44).map(lambda v: v * 5.0),
                           st.integers(min_value=1, max_value=16).map(lambda v: v * 5.0)), min_size=1, max_size=4)
_column_row = st.one_of(
    st.tuples(_side, _side, st.sampled_from([10.0, 11.0])).map(
        lambda r: [(x, w, r[2]) for x, w in r[0]] + [(310.0 + x, w, r[2]) for x, w in r[1]]),
    _row)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(_column_row, min_size=5, max_size=20))
def test_property_free_span_search_on_two_column_rows(rows):
    _assert_same_search(_build(rows), 595.0)


def test_the_two_column_generator_reaches_column_stretches():
    """The strategy above produces pages where a column stretch is found (else its test would prove little)."""
    rows = _build([[(0.0, 200.0, 10.0), (310.0, 200.0, 10.0)]] * 6)
    assert _Gutters(rows, 595.0).column_run(0) == _reference_column_run(rows, 0, 595.0) == (6, 208.0)


@pytest.mark.parametrize("matrix, expected", [
    ((1, 0, 0, 1), True), ((9.96, 0, 0, 9.96), True), ((1, 0, 0.2, 1), True),        # plain, scaled, italic
    ((-4e-09, 1.0, -1.0, -4e-09), False), ((0, 1, -1, 0), False), ((0, -1, 1, 0), False),   # turned 90° either way
    ((-1, 0, 0, 1), False), ((0, 0, 0, 0), False)])                                  # mirrored, degenerate
def test_upright_as_pdfminer_decides_it_at_a_thousandth_of_the_scale(matrix, expected):
    assert layout.upright(*matrix) is expected


def _word(text, x0, x1, top, bottom, size):
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size, "fontname": "Arial"}


def test_a_comma_on_the_baseline_above_a_tall_bullet_stays_on_its_line():
    # OMN_indc_2015 p8 as PDFium gives it: the bullet "o" (18 pt) opens the next row, 1.3 pt above the 5 pt comma
    # that ends "desertification ,"; the comma was read after "impacts" (a quote then failed the verbatim test).
    words = [_word("Water", 285.4, 314.7, 686.8, 699.7, 11.0), _word("scarcity", 318.7, 356.0, 687.0, 699.9, 11.0),
             _word("and", 360.0, 377.5, 687.5, 699.8, 10.5), _word("desertification", 381.6, 449.5, 687.0, 699.9, 11.0),
             _word("o", 272.2, 282.2, 692.9, 714.0, 18.0), _word(",", 454.8, 456.2, 694.2, 700.0, 5.0),
             _word("Reduction", 289.2, 338.7, 700.5, 713.3, 11.0), _word("in", 344.2, 353.1, 700.0, 713.5, 11.5),
             _word("fisheiies", 356.9, 400.2, 699.5, 713.6, 12.0), _word("&", 403.9, 412.3, 699.3, 713.9, 12.5),
             _word("impacts", 416.4, 454.3, 700.5, 713.3, 11.0), _word("on", 459.4, 472.7, 699.8, 713.8, 12.0)]
    assert [line.text for line in layout.order_lines(words, 595.0)] == [
        "Water scarcity and desertification ,", "o Reduction in fisheiies & impacts on"]
    # a comma on its own row's baseline (as pdfplumber boxes it: the font's height) stays there
    words[5] = _word(",", 454.8, 456.2, 700.2, 713.3, 11.0)
    assert [line.text for line in layout.order_lines(words, 595.0)][1] == "o Reduction in fisheiies & impacts , on"
