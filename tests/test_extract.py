"""Extraction on real NDC PDFs: golden pages, running headers, columns, hyphenation, Arabic, scanned pages."""

import re
from pathlib import Path

import pytest

from ndc_scan.errors import CorruptPdfError, EmptyFileError, NotAPdfError
from ndc_scan.read.pages import join_lines, read_pdf
from ndc_scan.records import PAGE_NO_TEXT, PAGE_OK

from .conftest import FAKE_ID, SAMPLE, corpus_pdf, sample_pages

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def kenya():
    return sample_pages("KEN_indc_2015.pdf")


@pytest.mark.parametrize("name, page_no", [("KEN_indc_2015", 5), ("NER_indc_2015", 7), ("PRY_indc_2015", 3)])
def test_page_text_matches_golden_checked_by_eye(name, page_no):
    pages = sample_pages(f"{name}.pdf")
    expected = (GOLDEN / f"{name}_p{page_no}.txt").read_text(encoding="utf-8")
    assert pages[page_no - 1].text == expected


def test_running_header_is_removed_from_every_page(kenya):
    # "MINISTRY OF ENVIRONMENT AND NATURAL RESOURCES" heads pages 2-7 of the Kenyan INDC.
    assert all("MINISTRY OF ENVIRONMENT" not in page.text for page in kenya[1:])


def test_page_numbers_are_removed(kenya):
    for page in kenya:
        lines = [line.strip() for line in page.text.splitlines()]
        assert not any(re.fullmatch(r"\d{1,2}", line) for line in lines), page.page_no


def test_two_column_box_reads_left_column_first(kenya):
    text = kenya[1].text
    left = text.index("Kenya aims to achieve a low carbon, climate resilient development pathway.")
    left_end = text.index("Kenya will continue to implement the NCCAP (2013-2017), and subsequent action plans")
    right = text.index("Kenya seeks to undertake an ambitious mitigation contribution towards the 2015 Agreement.")
    assert left < left_end < right


def test_table_rows_stay_readable(kenya):
    assert "Health | Strengthen integration of climate change adaptation into the health" in kenya[4].text
    assert "Tourism | Enhance the resilience of the tourism value chain." in kenya[4].text


def test_hyphenated_line_breaks_are_joined():
    pages, _ = read_pdf(corpus_pdf("CHL_indc_2016.pdf"), FAKE_ID)
    text = pages[4].text
    assert "impulsado por las inversiones que realice el sector privado" in text
    assert "en el uso de instrumentos para la mitigación" in text


@pytest.mark.parametrize("first, second, vocabulary, expected", [
    ("restore degraded agro-", "forestry systems", set(), "restore degraded agroforestry systems"),
    ("promote climate-", "smart agriculture", {"climate-smart"}, "promote climate-smart agriculture"),
    ("the North-", "East region", set(), "the North-East region"),
    # NER_indc_2015 p12: "CS- GDT" was neither the page's "CS-GDT" nor its words
    ("techniques issues du CS-", "GDT et les objectifs", set(), "techniques issues du CS-GDT et les objectifs"),
    ("emissions in 2010 -", "2030", set(), "emissions in 2010 - 2030"),
    # GIN_ndc_2016 p7: "agro-" / "sylvo-pastoral" read "agrosylvo-pastoral", which no term matched
    ("develop agro-", "sylvo-pastoral techniques", {"agro-ecological"}, "develop agro-sylvo-pastoral techniques"),
    ("restauration des terres agro-", "sylvo-pastorales", {"agro-industrie"},
     "restauration des terres agro-sylvo-pastorales"),
    ("an eco-", "system-based approach", {"ecosystem", "eco-friendly"}, "an ecosystem-based approach"),
    ("promote conser-", "vation-oriented tillage", set(), "promote conservation-oriented tillage"),   # a syllable
    ("peat-", "land-restoration", {"peatland", "peat-bog"}, "peatland-restoration"),
])
def test_join_lines(first, second, vocabulary, expected):
    assert join_lines(first, second, vocabulary) == expected


def test_arabic_text_comes_out_in_reading_order_and_normalised():
    pages = sample_pages("QAT_indc_2015_ar.pdf")
    text = "\n".join(page.text for page in pages)
    assert "قطر" in text
    assert "المناخ" in text
    # No presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) survive normalisation.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text)


def test_scanned_pages_are_flagged_no_text_never_silently_empty():
    pages, _ = read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID)
    assert len(pages) == 3
    assert {page.quality for page in pages} == {PAGE_NO_TEXT}


def test_text_pages_have_char_counts(kenya):
    assert all(page.quality == PAGE_OK and page.n_chars > 500 for page in kenya)


def test_not_a_pdf_is_named(tmp_path):
    fake = tmp_path / "KEN_2020.pdf"
    fake.write_text("<html><body>Not found</body></html>")
    with pytest.raises(NotAPdfError, match=r"KEN_2020.pdf: is an HTML file, although it is named .pdf"):
        read_pdf(fake, FAKE_ID)


def test_empty_file_is_named(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="empty.pdf: is empty"):
        read_pdf(empty, FAKE_ID)


def test_truncated_pdf_is_reported_as_corrupt(tmp_path):
    data = (SAMPLE / "KEN_indc_2015.pdf").read_bytes()
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(data[:2000])
    with pytest.raises(CorruptPdfError, match="truncated.pdf"):
        read_pdf(broken, FAKE_ID)


@pytest.mark.parametrize("name", ["KEN_indc_2015", "NER_indc_2015", "PRY_indc_2015", "QAT_indc_2015_ar", "TJK_indc_2015"])
def test_pdfium_engine_gives_the_same_text_as_pdfplumber(name):
    import difflib

    plumber, pdfium = sample_pages(f"{name}.pdf"), sample_pages(f"{name}.pdf", "pdfium")
    assert len(plumber) == len(pdfium)
    a, b = " ".join(p.text for p in plumber).split(), " ".join(p.text for p in pdfium).split()
    assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() > 0.95
    headings = {b.text for p in plumber for b in p.blocks if b.kind == "heading"}
    found = {b.text for p in pdfium for b in p.blocks if b.kind == "heading"}
    assert len(headings & found) >= 0.8 * len(headings)


def test_regression_unmapped_bullet_glyphs_are_bullets_not_cid_codes():
    # HTI_indc_2015 p12: pdfplumber names a Wingdings bullet "(cid:1)"; it was quoted as such in the reports.
    pages, _ = read_pdf(corpus_pdf("HTI_indc_2015.pdf"), FAKE_ID)
    assert "\n• Restaurer, valoriser et étendre des systèmes agroforestiers existants" in pages[11].text
    assert not any("(cid:" in page.text for page in pages)


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_regression_a_spacing_acute_typed_for_an_apostrophe_is_one(engine, tagger):
    """BDI_indc_2015 p6 writes "d´Utilisation" with U+00B4; NFKC made it "d ́Utilisation" (a space and a combining
    accent), which split the word and hid Burundi's "Stratégie Nationale d'Utilisation Durable des terres" (SLM)."""
    from ndc_scan.records import Passage

    pages, _ = read_pdf(corpus_pdf("BDI_indc_2015.pdf"), FAKE_ID, engine=engine)
    text = pages[5].text
    assert "d'Utilisation Durable des terres" in text and "\u0301" not in text
    passage = Passage(passage_id="p", doc_id=FAKE_ID, page_no=6, start=0, end=len(text), text=text, heading_path="",
                      kind="paragraph")
    assert "sustainable_land_management" in {m.concept for m in tagger.tag([passage], "fr").get("p", [])}
