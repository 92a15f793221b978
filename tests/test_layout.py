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
