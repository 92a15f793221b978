"""Reports treat document text as data: HTML escaped, spreadsheet formulas neutralised, no external requests."""

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ndc_scan import scan
from ndc_scan.report.files import neutralise

HOSTILE = Path(__file__).parent / "fixtures" / "hostile.pdf"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    scan([HOSTILE], out=out / "reports", store=out / "s.sqlite", ocr=False)
    return out / "reports"


def test_html_shows_script_as_text(reports):
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;agroforestry&#x27;)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_html_makes_no_external_request(reports):
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_csv_cells_that_start_like_formulas_are_neutralised(reports):
    passages = pd.read_csv(reports / "passages.csv")
    texts = set(passages["text"])
    assert "'=HYPERLINK(\"http://example.invalid\", \"click\") agroforestry will be promoted." in texts
    assert "'@SUM(1+1) and +cmd|' /C calc'!A0 restore degraded land." in texts
    assert not any(str(t).startswith(("=", "+", "-", "@")) for column in passages for t in passages[column])


def test_excel_cells_are_text_not_formulas(reports):
    book = openpyxl.load_workbook(reports / "report.xlsx")
    cells = [cell for row in book["passages"].iter_rows() for cell in row]
    hyperlink = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hyperlink and all(c.data_type == "s" and c.value.startswith("'=") for c in hyperlink)
    assert not any(c.data_type == "f" for sheet in book for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@x", "'@x"),
                                             ("plain", "plain"), (3, 3)])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_regression_control_characters_do_not_break_the_excel_report(tmp_path):
    # MNG_indc_2015 read by the pdfium engine carries control characters that openpyxl refuses.
    from .conftest import SAMPLE

    result = scan([SAMPLE / "MNG_indc_2015.pdf"], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False,
                  engine="pdfium")
    assert (tmp_path / "out" / "report.xlsx").stat().st_size > 0
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in result.tables["passages"]["text"])
    assert neutralise("a\x0bb") == "ab"
