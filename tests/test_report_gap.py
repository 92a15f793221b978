"""The gap report and the country briefs, opened in a real browser (headless Chromium via Playwright).

Checked: the page renders (title and heading), logs no console error, requests nothing but the file
itself, shows every country of the scan, shows text from a PDF that contains <script> and
<img onerror> as text without running it; each brief prints on one A4 page. The browser tests skip
only when Chromium or Playwright is missing (``.ci/run`` installs both).
"""

import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from ndc_scan import scan
from ndc_scan.report.brief_files import chromium_path
from ndc_scan.report.briefs import md_escape
from ndc_scan.taxonomy import load_taxonomy

from .conftest import CORPUS, SAMPLE, skip_or_fail

HOSTILE = SAMPLE.parent.parent / "tests" / "fixtures" / "hostile_script.pdf"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    paths = [SAMPLE / "NER_indc_2015.pdf", SAMPLE / "KEN_indc_2015.pdf", SAMPLE / "QAT_indc_2015_ar.pdf", HOSTILE]
    if (CORPUS / "QAT_indc_2015_en.pdf").exists():
        paths.append(CORPUS / "QAT_indc_2015_en.pdf")             # a second version of Qatar
    out = tmp_path_factory.mktemp("gap")
    result = scan(paths, out=out / "reports", store=out / "s.sqlite", ocr=False)
    assert not result.failures
    return out / "reports", result.tables


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
    # heat map and levels; no change chart: Qatar's two documents are one submission in two languages
    assert page.locator("svg.chart").count() == 2 and page.locator("svg.chart").first.is_visible()
    assert page.locator("svg.worldmap").is_visible()
    assert errors == []
    assert requests == [path.resolve().as_uri()]
    page.close()


@pytest.mark.slow
def test_charts_draw_every_cell_and_no_label_is_cut_off(browser, reports):
    """The hand-written SVG charts: a cell per country × concept whose colour and hover text say its level, and
    every label inside the drawing as Chromium lays it out (text widths are computed, not measured)."""
    import xml.etree.ElementTree as ET

    from ndc_scan.report import charts
    from ndc_scan.taxonomy import CONCEPT_IDS

    out, tables = reports
    html = (out / "gap_report.html").read_text(encoding="utf-8")
    heatmap = ET.fromstring(re.search(r'<svg[^>]*aria-label="Coverage heat map.*?</svg>', html, re.S).group(0))
    ns = "{http://www.w3.org/2000/svg}"
    cells = {r.find(f"{ns}title").text: r.get("fill") for r in heatmap.iter(f"{ns}rect") if r.find(f"{ns}title") is not None}
    latest = tables.documents.sort_values("year").groupby("iso3").tail(1)
    assert len(cells) == len(latest) * len(CONCEPT_IDS)
    kenya = tables.coverage[(tables.coverage["iso3"] == "KEN") & (tables.coverage["concept"] == "agroforestry")]
    level = int(kenya["level"].iloc[0])
    words = ["absent", "mention", "commitment", "quantified target"][level]
    assert cells[f"Kenya (KEN): {load_taxonomy().concept_name('agroforestry')}, {words}"] == charts.LEVEL_COLOURS[level]
    page, _, _ = open_page(browser, out / "gap_report.html")
    outside = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart')).flatMap(svg => {
        const box = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('text')).filter(t => {
            const r = t.getBoundingClientRect();
            return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
        }).map(t => t.textContent); })""")
    assert page.locator("svg.chart text").count() > 30 and outside == []
    page.close()


def test_chart_labels_in_other_scripts_have_room_and_control_characters_are_dropped(browser, tmp_path):
    """A label in Cyrillic or Greek, or with "…", is not cut off (its letters are counted wide); a control character
    in a name (which XML cannot hold) is left out, so the chart is well-formed XML."""
    import xml.etree.ElementTree as ET

    from ndc_scan.report import charts
    from ndc_scan.taxonomy import CONCEPT_IDS

    names = ["ЮЖНО-АФРИКАНСКАЯ РЕСПУБЛИКА", "ΕΛΛΗΝΙΚΗ ΔΗΜΟΚΡΑΤΙΑ", "Congo……………", "Bad\x0bName"]
    latest = pd.DataFrame({"doc_id": [f"d{i}" for i in range(4)], "country": names, "iso3": ["XXA", "XXB", "XXC", "XXD"]})
    coverage = pd.DataFrame([{"doc_id": f"d{i}", "concept": c, "level": i % 4} for i in range(4) for c in CONCEPT_IDS])
    svg = charts.heatmap(latest, coverage, load_taxonomy())
    ET.fromstring(svg)
    assert "BadName (XXD)" in svg
    page = browser.new_page()
    page.set_content(f"<!DOCTYPE html><html><body style='margin:0'>{svg}</body></html>")
    outside = page.evaluate("""() => { const box = document.querySelector('svg').getBoundingClientRect();
        return Array.from(document.querySelectorAll('svg text')).filter(t => {
            const r = t.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
            .map(t => t.textContent); }""")
    page.close()
    assert outside == []


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
    assert brief.startswith("# Niger: soils and land in the NDC")
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


# ---------------------------------------------------------------------------------------------- issue 17


def _briefs_text(out):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((out / "briefs").glob("*.*"))}


def test_briefs_have_a_level_key_and_no_hashes_or_internal_names(reports, taxonomy):
    out, _ = reports
    for name, text in _briefs_text(out).items():
        assert "Quantified target" in text and "Commitment" in text and "Mention" in text, name
        assert "the NDC gives a number for it" in text, name
        for jargon in (taxonomy.short_hash, "Taxonomy", "inferred:", " ~ ", "targets.csv", "see the README", "doc_id"):
            assert jargon not in text, (name, jargon)
    gap = (out / "gap_report.html").read_text(encoding="utf-8")
    assert taxonomy.short_hash not in gap and "see the README" not in gap.lower() and "targets.csv" not in gap
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count(taxonomy.short_hash) == 1 and "<h2>Technical details</h2>" in report   # in its footer only
    assert " ~ " not in report.split("Technical details")[0]


def test_gap_report_and_html_report_map_names_every_country_of_the_scan(reports):
    out, tables = reports
    for name in ("gap_report.html", "report.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert html.count('class="worldmap') == 1
        for doc in tables["documents"].itertuples(index=False):
            if doc.iso3:
                assert f'data-iso3="{doc.iso3}"' in html and f"{doc.country} ({doc.iso3})" in html, (name, doc.iso3)


def test_page_numbers_link_to_the_pdf_at_that_page(reports):
    out, _ = reports
    brief = (out / "briefs" / "NER.html").read_text(encoding="utf-8")
    target = os.path.relpath(SAMPLE / "NER_indc_2015.pdf", (out / "briefs").resolve())
    links = re.findall(r'href="([^"]+)#page=(\d+)"', brief)
    assert links and {href for href, _ in links} == {target}
    assert ((out / "briefs") / target).resolve() == (SAMPLE / "NER_indc_2015.pdf").resolve()
    assert ("8" in {page for _, page in links})
    report = (out / "report.html").read_text(encoding="utf-8")
    assert f'href="{os.path.relpath(SAMPLE / "NER_indc_2015.pdf", out.resolve())}#page=8"' in report


def test_citation_comes_from_the_registry_catalog(reports):
    out, tables = reports
    niger = tables["documents"].set_index("iso3").loc["NER"]
    assert (niger["title"], niger["submitted"]) == ("Niger INDC", "2015-10-20")
    assert niger["citation_source"] == "UNFCCC INDC portal (party, kind and date)"
    assert niger["registry_url"].endswith("Niger-INDC-versionfinale%20.pdf")
    brief = (out / "briefs" / "NER.html").read_text(encoding="utf-8")
    assert "Niger INDC, submitted 2015-10-20" in brief and f'href="{niger["registry_url"]}"' in brief


def test_no_empty_chart_for_versions_or_a_single_country(small_store):
    from ndc_scan.pipeline import load_tables
    from ndc_scan.report import gap

    tables = load_tables(small_store)                        # CAN, PRY, SRB: one NDC each
    html = gap.render(tables, taxonomy=load_taxonomy())
    changes = html.split("<h2>Changes between versions</h2>")[1].split("<h2>")[0]
    assert changes == "\n<p>No country has two NDCs in this scan, so there is no change to show.</p>\n"
    latest = tables["documents"][tables["documents"]["iso3"] == "CAN"]
    one = gap._levels_chart(latest, tables["coverage"], None)
    assert one.startswith("<p>1 country assessed") and "<svg" not in one


def test_excel_report_is_formatted_for_analysts(reports):
    out, tables = reports
    book = openpyxl.load_workbook(out / "report.xlsx")
    assert book.sheetnames[0] == "README"
    described = {(r[0], r[1]) for r in book["README"].iter_rows(min_row=2, values_only=True) if r[1] and r[2]}
    for name in ("coverage", "passages", "targets", "gaps", "groups", "quantified", "countries"):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert all((name, column) in described for column in header), name
        assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "C2" and sheet.auto_filter.ref
        assert sheet.column_dimensions["A"].width >= 8
    coverage = book["coverage"]
    header = [c.value for c in coverage[1]]
    assert header[-2:] == ["doc_id", "taxonomy_hash"] and header[:2] == ["iso3", "country"]
    words = {coverage.cell(r, header.index("level_name") + 1).value for r in range(2, coverage.max_row + 1)}
    assert "quantified target" in words and "quantified_target" not in words
    letter = openpyxl.utils.get_column_letter(header.index("level_name") + 1)
    rules = [(str(rng.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb) for rng in coverage.conditional_formatting
             for rule in rng.rules]
    assert (f"{letter}2:{letter}{coverage.max_row}", '"quantified target"', "FF1A7F37") in rules


def test_compare_puts_countries_side_by_side(reports, tmp_path):
    from click.testing import CliRunner

    from ndc_scan.cli import main

    out, _ = reports
    result = CliRunner().invoke(main, ["compare", "Kenya", "NER", "--store", str(out.parent / "s.sqlite"),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "compare_KEN_NER.csv")
    assert len(table) == 10 and {"KEN", "NER", "KEN_pages", "NER_quote"} <= set(table.columns)
    assert table.set_index("concept").at["land_restoration", "NER"] == "quantified target"
    html = (tmp_path / "compare_KEN_NER.html").read_text(encoding="utf-8")
    assert "<th>Kenya (KEN)</th><th>Niger (NER)</th>" in html and "#page=" in html
    missing = CliRunner().invoke(main, ["compare", "KEN", "UGA", "--store", str(out.parent / "s.sqlite"),
                                        "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "error: not in the store: UGA: scan its NDC first" in missing.output


@pytest.mark.slow
def test_briefs_as_pdf_and_word_files(reports, tmp_path):
    import docx
    from click.testing import CliRunner

    from ndc_scan.cli import main

    if chromium_path() is None:
        skip_or_fail("Chromium not found (apt-get install chromium); .ci/run installs it")
    out, tables = reports
    score = f"{tables['gaps'].set_index('iso3').loc['NER', 'gap_score']:.0f}"
    for engine in ("playwright", "chromium"):
        folder = tmp_path / engine
        # a process of its own: Playwright's sync API cannot start inside this module's running browser
        result = subprocess.run([sys.executable, "-m", "ndc_scan", "briefs", "--store", str(out.parent / "s.sqlite"),
                                 "--out", str(folder), "--format", "pdf,docx", "--country", "Niger", "--engine", engine],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "Wrote 2 file(s) for 1 country" in result.stdout
        pdf = PdfReader(folder / "NER.pdf")
        assert len(pdf.pages) == 1
        text = unicodedata.normalize("NFKC", " ".join(pdf.pages[0].extract_text().split()))   # "ﬁ" ligatures
        assert "Niger: soils and land in the NDC" in text and f"Gap score {score} of 100" in text
        assert "Quantified target: the NDC gives a number" in text and "Land restoration" in text
        assert not list(folder.glob(".*.print.html"))
    document = docx.Document(tmp_path / "chromium" / "NER.docx")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Niger: soils and land in the NDC" in body and "Quantified target: the NDC gives a number" in body
    cells = {c.text for row in document.tables[0].rows for c in row.cells}
    assert {"Land restoration and degradation neutrality", "quantified target", "absent"} <= cells
    bad = CliRunner().invoke(main, ["briefs", "--store", str(out.parent / "s.sqlite"), "--format", "pdf,odt"])
    assert bad.exit_code == 2 and "'pdf,odt': odt is not one of html, pdf, docx" in bad.output


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
