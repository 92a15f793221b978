"""NDCs that are not PDFs: Word (.docx), HTML and text go through the same stages; cited by section and paragraph."""

import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest

from ndc_scan import scan
from ndc_scan.aggregate.locators import Locators, join_labels, paragraph_label
from ndc_scan.errors import NoInputError
from ndc_scan.read.files import discover
from ndc_scan.read.flow import heading_level
from ndc_scan.read.formats import format_of, read_document, sniff
from ndc_scan.read.html import read_html
from ndc_scan.read.text import read_text_file
from ndc_scan.records import Passage

from .conftest import FAKE_ID, ROOT, SAMPLE

NDC_TEXT = ROOT.parent / "shared" / "corpora" / "ndc-text"
FIXTURES = Path(__file__).parent / "fixtures"
TWINS = ("AND_ndc3_2025", "GEO_ndc3_2026", "IND_ndc3_2026", "LKA_ndc3_2025", "LSO_ndc3_2025")


def _scan(folder, out):
    result = scan([folder], out=out, store=out.parent / f"{out.name}.sqlite", ocr=False, jobs=1)
    coverage = pd.read_csv(out / "coverage.csv")
    return result, coverage.pivot(index="concept", columns="document", values="level")


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """The five NDC 3.0 texts of ../shared/corpora/ndc-text, each as HTML and as its plain-text twin, scanned once."""
    if not NDC_TEXT.exists():
        pytest.skip("../shared/corpora/ndc-text not beside the repository")
    folder = tmp_path_factory.mktemp("twins")
    for name in TWINS:
        for suffix in (".html", ".txt"):
            shutil.copy(NDC_TEXT / f"{name}{suffix}", folder / f"{name}{suffix}")
    out = folder / "out"
    result, levels = _scan(folder, out)
    return result, levels, out


def test_html_ndcs_give_the_same_concepts_as_their_text_twins(twins):
    result, levels, _ = twins
    assert not result.failures and len(result.documents) == 10
    for name in TWINS:
        html, text = levels[f"{name}.html"], levels[f"{name}.txt"]
        assert list(html[html > 0].index) == list(text[text > 0].index), name
    # Real findings, not empty sets: Georgia, Sri Lanka and Lesotho name 7-8 concepts each (Andorra none, India one).
    found = (levels > 0).sum()
    assert [found[f"{name}.html"] for name in TWINS] == [0, 7, 1, 8, 8]


def test_html_and_text_documents_are_cited_by_section_and_paragraph(twins):
    _, _, out = twins
    documents = pd.read_csv(out / "documents.csv").set_index("document")
    assert set(documents["format"]) == {"html", "text"}
    assert (documents.loc["GEO_ndc3_2026.html", "iso3"], documents.loc["GEO_ndc3_2026.html", "kind"]) == ("GEO", "ndc3")
    assert documents.loc["GEO_ndc3_2026.html", "title"] == "Georgia NDC 3.0"
    passages = pd.read_csv(out / "passages.csv")
    html = passages[passages["document"] == "IND_ndc3_2026.html"]
    assert html["locator"].str.match(r"^(“.+” )?¶ \d+$").all()
    assert not html["locator"].str.startswith("p. ").any()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "¶" in report and "IND_ndc3_2026.html#page=" not in report
    assert " paragraphs · " in report
    brief = (out / "briefs" / "GEO.html").read_text(encoding="utf-8")
    assert "¶" in brief and "#page=" not in brief


def test_a_word_ndc_gives_the_same_concepts_and_levels_as_its_pdf(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE / "NER_indc_2015.pdf", folder)
    shutil.copy(FIXTURES / "NER_indc_2015.docx", folder)
    result, levels = _scan(folder, tmp_path / "out")
    assert not result.failures
    word, pdf = levels["NER_indc_2015.docx"], levels["NER_indc_2015.pdf"]
    assert (pdf > 0).sum() >= 4 and word.to_dict() == pdf.to_dict()
    documents = pd.read_csv(tmp_path / "out" / "documents.csv").set_index("document")
    assert tuple(documents.loc["NER_indc_2015.docx", ["iso3", "kind", "year", "language", "format"]]) == \
        ("NER", "indc", 2015, "fr", "docx")
    targets = pd.read_csv(tmp_path / "out" / "targets.csv")
    word_targets = targets[targets["document"] == "NER_indc_2015.docx"]
    assert len(word_targets) and word_targets["locator"].str.contains("¶").all()
    # The Word file (converted from the PDF) splits the p17 annex table into a column of techniques and a table of
    # figures without them: the PDF's targets read from that table's columns (68 667 ha/yr …) have no Word twin.
    pdf_targets = targets[(targets["document"] == "NER_indc_2015.pdf") & (targets["page"] != 17)]
    assert sorted(word_targets["quantity"]) == sorted(pdf_targets["quantity"])


def test_old_word_and_other_formats_fail_with_the_conversion_command_and_the_batch_carries_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE / "TJK_indc_2015.pdf", folder)
    (folder / "Eswatini NDC.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    (folder / "notes.rtf").write_text("{\\rtf1 soil}", encoding="ascii")
    result = scan([folder], out=None, store=tmp_path / "s.sqlite", ocr=False)
    assert [d.file_name for d in result.documents] == ["TJK_indc_2015.pdf"]
    failures = {Path(f.path).name: f for f in result.failures}
    assert failures["Eswatini NDC.doc"].problem == "is an old Word file (.doc), which ndc-scan does not read"
    assert failures["Eswatini NDC.doc"].remedy.startswith(
        "convert it: libreoffice --headless --convert-to docx 'Eswatini NDC.doc'")
    assert failures["old.docx"].problem == "is an old Word file (.doc), although it is named .docx"
    assert failures["notes.rtf"].error == "UnsupportedFormatError"


def test_folders_are_searched_for_every_format_and_say_so_when_empty(tmp_path):
    (tmp_path / "a.DOCX").write_bytes(b"PK\x03\x04")
    (tmp_path / "b.htm").write_text("<html></html>")
    (tmp_path / "c.txt").write_text("text")
    (tmp_path / "fetched.csv").write_text("file\n")
    assert [p.name for p in discover([tmp_path])] == ["a.DOCX", "b.htm", "c.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoInputError, match="no PDF, Word, HTML or text files under"):
        discover([empty])


# --------------------------------------------------------------------------- readers

def test_html_reader_keeps_headings_list_items_and_table_rows(tmp_path):
    page = tmp_path / "ndc.html"
    page.write_bytes("""<html><head><title>Kenya%20NDC</title><script>var x = "soil";</script></head><body>
        <nav>Home | Menu</nav><h2>3. Adaptation</h2><h3>3.1 Agriculture</h3>
        <p>We will promote <b>agroforestry</b><br>on farms.</p>
        <ul><li>Restore 2 million ha</li><li>Terraces</li></ul>
        <table><tr><th>Measure</th><th>Area</th></tr><tr><td>Agroforestry</td><td>500 ha</td></tr></table>
        <footer>© ministry</footer></body></html>""".encode("utf-16"))
    pages, info = read_html(page, FAKE_ID)
    blocks = [(p.blocks[0].kind, p.blocks[0].level, p.text) for p in pages]
    assert info == {"Title": "Kenya NDC"}
    assert blocks == [("heading", 1, "3. Adaptation"), ("heading", 2, "3.1 Agriculture"),
                      ("paragraph", 0, "We will promote agroforestry on farms."),
                      ("paragraph", 0, "• Restore 2 million ha"), ("paragraph", 0, "• Terraces"),
                      ("table", 0, "Measure | Area\nAgroforestry | 500 ha")]
    assert [p.page_no for p in pages] == [1, 2, 3, 4, 5, 6]


def test_text_reader_finds_numbered_and_capital_headings_but_not_acronyms_or_footnotes(tmp_path):
    text = tmp_path / "ndc.txt"
    text.write_text("1. INTRODUCTION\n\nUNFCCC\n\n14 ThinkHazard!. (n.d.). https://thinkhazard.org\n\n"
                    "2.1 Agriculture and\nland use\n\nFarmers will adopt agro-\nforestry.\n- terraces\n- mulching\n",
                    encoding="utf-8")
    pages, _ = read_text_file(text, FAKE_ID)
    assert [(p.blocks[0].kind, p.text) for p in pages] == [
        ("heading", "1. INTRODUCTION"), ("paragraph", "UNFCCC"),
        ("paragraph", "14 ThinkHazard!. (n.d.). https://thinkhazard.org"),
        ("heading", "2.1 Agriculture and land use"), ("paragraph", "Farmers will adopt agroforestry."),
        ("paragraph", "- terraces"), ("paragraph", "- mulching")]
    assert heading_level("MITIGATION MEASURES") == 1 and heading_level("2.1.3 Soils") == 3
    assert heading_level("The country will restore land.") == 0


def test_word_reader_reads_heading_styles_lists_and_merged_cells_once(tmp_path):
    document = docx.Document()
    document.add_heading("4. Land use", level=1)
    document.add_paragraph("Soil conservation will be scaled up.", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Measure"
    table.cell(0, 2).text = "Hectares"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "Terraces", "stone bunds", "2 000"
    path = tmp_path / "ndc.docx"
    document.save(path)
    pages, _ = read_document(path, FAKE_ID)
    assert [(p.blocks[0].kind, p.text) for p in pages] == [
        ("heading", "4. Land use"), ("paragraph", "• Soil conservation will be scaled up."),
        ("table", "Measure | Hectares\nTerraces | stone bunds | 2 000")]


def test_formats_are_told_by_extension_then_by_the_first_bytes(tmp_path):
    assert sniff(b"%PDF-1.7") == "pdf" and sniff(b"\xef\xbb\xbf<!DOCTYPE html>") == "html"
    assert sniff(b"PK\x03\x04") == "docx" and sniff(b"\xd0\xcf\x11\xe0") == "ole" and sniff(b"") == "empty"
    renamed = tmp_path / "ndc.dat"
    renamed.write_bytes(b"<html><body><p>x</p></body></html>")
    assert format_of(renamed) == "html" and format_of(tmp_path / "x.DOC") == "convert"
    pdf_named_docx = tmp_path / "ndc.docx"
    shutil.copy(SAMPLE / "TJK_indc_2015.pdf", pdf_named_docx)
    pages, _ = read_document(pdf_named_docx, FAKE_ID)      # a PDF under another name is still read as a PDF
    assert len(pages) > 1 and pages[0].blocks[0].kind != "" and pages[0].page_no == 1


# --------------------------------------------------------------------------- locators

def test_locator_is_the_section_heading_and_the_paragraph_counted_from_it():
    where = Locators()
    heading = lambda page, text: Passage(passage_id="p" * 24, doc_id=FAKE_ID, page_no=page, start=0, end=len(text),
                                         text=text, heading_path="", kind="heading")
    where.add(FAKE_ID, [heading(3, "2. Mitigation"), heading(9, "2.1 Agriculture, forestry and other land use " * 2)])
    long = "“2.1 Agriculture, forestry and other land use 2.1 Agricultur…”"        # 60 characters at most
    assert [where(FAKE_ID, p) for p in (1, 4, 9, 12)] == ["¶ 1", "“2. Mitigation” ¶ 1", long, f"{long} ¶ 3"]
    assert where("1" * 64, 7) == "p. 7"                    # a PDF: its page
    assert paragraph_label("Soils", 2) == "“Soils” ¶ 2"
    assert join_labels(["p. 3", "p. 7", "p. 7", "p. 12"], pageless=False, limit=2) == "p. 3, 7 …"
    assert join_labels(["“A” ¶ 1", "“B” ¶ 2", "“A” ¶ 4", "¶ 3"], pageless=True) == "“A” ¶ 1, 4; “B” ¶ 2; ¶ 3"
