"""The gap report and the country briefs, opened in a real browser (headless Chromium via Playwright).

Checked: the page renders (title and heading), logs no console error, requests nothing but the file
itself, shows every country of the scan, shows text from a PDF that contains <script> and
<img onerror> as text without running it; each brief prints on one A4 page. The browser tests skip
only when Chromium or Playwright is missing (``.ci/run`` installs both).
"""

import io
import os
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from ndc_scan import scan
from ndc_scan.report.briefs import md_escape

from .conftest import CORPUS, SAMPLE

HOSTILE = SAMPLE.parent.parent / "tests" / "fixtures" / "hostile_script.pdf"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


def skip_or_fail(reason):
    """Skip where the browser is missing, except in CI (CI=true), which installs it: there it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (in CI the browser tests must run)")
    pytest.skip(reason)


def chromium_path():
    for candidate in (os.environ.get("NDC_SCAN_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    paths = [SAMPLE / "NER_indc_2015.pdf", SAMPLE / "KEN_indc_2015.pdf", SAMPLE / "QAT_indc_2015_ar.pdf", HOSTILE]
    if (CORPUS / "QAT_indc_2015_en.pdf").exists():
        paths.append(CORPUS / "QAT_indc_2015_en.pdf")             # a second version of Qatar
    out = tmp_path_factory.mktemp("gap")
    result = scan(paths, out=out / "reports", store=out / "s.sqlite", ocr=False)
    assert not result.failures
    return out / "reports", result.tables


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium not found (apt-get install chromium, or set NDC_SCAN_CHROMIUM); .ci/run installs it")
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        skip_or_fail("Playwright not installed: pip install -e '.[test]'")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


def open_page(browser, path):
    """Open ``path``; return the page, the console errors and the URLs requested."""
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors, requests


@pytest.mark.slow
def test_gap_report_renders_without_errors_or_requests(browser, reports):
    out, _ = reports
    path = out / "gap_report.html"
    page, errors, requests = open_page(browser, path)
    assert page.title() == "ndc_scan: soils and land in NDCs, advocacy gap report"
    assert page.locator("h1").inner_text() == "Soils and land in NDCs: advocacy gap report"
    assert page.locator("h1").is_visible()
    assert page.locator("svg.chart").count() == 3 and page.locator("svg.chart").first.is_visible()
    assert errors == []
    assert requests == [path.resolve().as_uri()]
    page.close()


@pytest.mark.slow
def test_gap_report_shows_every_country(browser, reports):
    out, tables = reports
    page, _, _ = open_page(browser, out / "gap_report.html")
    text = page.inner_text("body")
    latest = tables["gaps"][tables["gaps"]["latest"]]
    assert len(latest) == 4                                   # Niger, Kenya, Qatar and the unknown hostile file
    for row in latest.itertuples(index=False):
        assert row.country in text and row.document in text
    page.close()


@pytest.mark.parametrize("name", ["gap_report.html", "briefs/hostile_script.html"])
@pytest.mark.slow
def test_text_with_script_from_a_pdf_is_shown_not_run(browser, reports, name):
    out, _ = reports
    page, errors, requests = open_page(browser, out / name)
    text = page.inner_text("body")
    assert SCRIPT in text and IMG in text
    assert page.evaluate("window.__pwned") is None
    assert errors == [] and requests == [(out / name).resolve().as_uri()]
    page.close()


@pytest.mark.slow
def test_every_brief_renders_and_prints_on_one_page(browser, reports):
    out, tables = reports
    briefs = sorted((out / "briefs").glob("*.html"))
    assert [p.stem for p in briefs] == ["KEN", "NER", "QAT", "hostile_script"]
    for path in briefs:
        page, errors, requests = open_page(browser, path)
        assert page.locator("h1").is_visible() and "soils and land in the NDC" in page.locator("h1").inner_text()
        assert errors == [] and requests == [path.resolve().as_uri()]
        pdf = page.pdf(prefer_css_page_size=True)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, path.name
        page.close()


@pytest.mark.slow
def test_chromium_command_line_prints_a_brief_on_one_page(reports, tmp_path):
    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium not found (apt-get install chromium); .ci/run installs it")
    out, _ = reports
    pdf = tmp_path / "NER.pdf"
    subprocess.run([executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (out / "briefs" / "NER.html").resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert len(PdfReader(pdf).pages) == 1


def test_niger_brief_quotes_its_targets_and_pages(reports):
    out, tables = reports
    brief = (out / "briefs" / "NER.md").read_text(encoding="utf-8")
    assert brief.startswith("# Niger (NER): soils and land in the NDC")
    niger = tables["targets"][tables["targets"]["iso3"] == "NER"]
    assert len(niger) and (niger["norm_unit"] == "ha").any()
    assert "## Quantified targets" in brief and "## Gaps" in brief and "No earlier NDC" in brief
    qatar = (out / "briefs" / "QAT.md").read_text(encoding="utf-8")
    if (CORPUS / "QAT_indc_2015_en.pdf").exists():
        assert "the same submission in another language" in qatar


def test_markdown_brief_escapes_markup(reports):
    out, _ = reports
    brief = (out / "briefs" / "hostile_script.md").read_text(encoding="utf-8")
    assert "<script" not in brief and "<img" not in brief
    assert "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;" in brief
    assert md_escape("a|b *c* <x>") == "a\\|b \\*c\\* &lt;x&gt;"


def test_new_tables_are_written_as_csv_and_excel_sheets(reports):
    out, tables = reports
    for name in ("targets", "gaps", "versions", "progress"):
        frame = pd.read_csv(out / f"{name}.csv")
        assert list(frame.columns) == list(tables[name].columns)
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert {"targets", "gaps", "versions", "progress"} <= set(book.sheetnames)
    hostile = tables["targets"][tables["targets"]["document"] == "hostile_script.pdf"]
    assert sorted(hostile["norm_value"]) == [50000.0, 2000000.0]


def test_regression_two_files_of_one_name_whose_country_is_unknown_are_two_documents(tmp_path):
    for folder, fixture in (("a", "hostile.pdf"), ("b", "hostile_script.pdf")):      # no country in either text
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(HOSTILE.parent / fixture, tmp_path / "in" / folder / "document.pdf")
    result = scan([tmp_path / "in"], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False)
    assert len(result.documents) == 2 and set(result.tables.documents["iso3"]) == {""}
    gaps = pd.read_csv(tmp_path / "out" / "gaps.csv")
    assert sorted(gaps["doc_id"]) == sorted(d.doc_id for d in result.documents)
    briefs = sorted(p.name for p in (tmp_path / "out" / "briefs").glob("*.html"))
    assert briefs == sorted(f"document_{d.doc_id[:8]}.html" for d in result.documents)
    report = (tmp_path / "out" / "gap_report.html").read_text(encoding="utf-8")
    assert all(f'href="briefs/{name}"' in report for name in briefs)
