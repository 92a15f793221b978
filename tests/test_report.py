"""Reports treat document text as data: HTML escaped, spreadsheet formulas neutralised, no external requests."""

import dataclasses
import errno
import gc
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ndc_scan import scan
from ndc_scan.errors import NdcScanError
from ndc_scan.report.files import neutralise, write_all
from ndc_scan.taxonomy import load_taxonomy

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


def test_workbook_cells_keep_their_type_and_text_stays_text(tmp_path):
    """excel.write_book (xlsxwriter): a text that looks like a number, a link or a formula stays text; numbers,
    booleans and empty cells are what pandas with openpyxl wrote before."""
    import numpy as np

    from ndc_scan.report import excel

    frame = pd.DataFrame({"iso3": ["KEN", "0042", "https://example.org", ""], "n": np.array([1, 2, 3, 4], dtype="int64"),
                          "x": [0.5, float("nan"), float("inf"), 2.0], "flag": [True, False, True, False],
                          "level_name": ["quantified target", pd.NA, None, "absent"]})
    excel.write_book(tmp_path / "b.xlsx", {"sheet": frame})
    rows = list(openpyxl.load_workbook(tmp_path / "b.xlsx")["sheet"].iter_rows(values_only=True))
    assert rows == [("iso3", "n", "x", "flag", "level_name"), ("KEN", 1, 0.5, True, "quantified target"),
                    ("0042", 2, None, False, None), ("https://example.org", 3, "inf", True, None),
                    (None, 4, 2, False, "absent")]
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["sheet"]
    assert not sheet._hyperlinks and sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:E5"
    assert {str(rng.sqref) for rng in sheet.conditional_formatting} == {"E2:E5"}


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


# ---------------------------------------------------------------------------------------------- hostile text and full disks (issue 14)

UNICODE = Path(__file__).parent / "fixtures" / "unicode.pdf"
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_regression_bidi_overrides_from_pdf_text_are_taken_out_of_every_report(tmp_path):
    result = scan([UNICODE], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False)
    assert "\u202e" in "".join(result.tables.passages["text"])             # the text read keeps what the PDF says
    out = tmp_path / "out"
    for path in [*out.glob("*.csv"), out / "report.html", out / "gap_report.html", *(out / "briefs").iterdir()]:
        assert not BIDI_CONTROLS.search(path.read_text(encoding="utf-8")), path.name
    passages = pd.read_csv(out / "passages.csv")
    assert "We will restore 2 million hectares of degraded land by 2030." in set(passages["text"])
    # mathematical bold letters (two UTF-16 units each in the text layer) read as the word they spell
    assert "Costa Rica will promote agroforestry on farms by 2030." in set(passages["text"])
    workbook = openpyxl.load_workbook(out / "report.xlsx")
    assert not any(BIDI_CONTROLS.search(str(c.value)) for row in workbook["passages"].iter_rows() for c in row)


@pytest.mark.slow
def test_arabic_quotes_read_as_before_in_the_reports(tmp_path):
    from .conftest import corpus_pdf

    result = scan([corpus_pdf("SAU_indc_2015.pdf")], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False)
    written = pd.read_csv(tmp_path / "out" / "passages.csv", keep_default_na=False)
    assert len(written) >= 5 and written["text"].str.contains("[\u0600-\u06ff]").all()
    assert written["text"].tolist() == [neutralise(t) for t in result.tables.passages["text"]]


def test_regression_a_passage_longer_than_an_excel_cell_says_so_and_the_csv_keeps_it(tmp_path, recwarn):
    result = scan([UNICODE], out=None, store=tmp_path / "s.sqlite", ocr=False)
    long_text = "Soil carbon will be restored on degraded land. " * 2200            # 103,400 characters
    passages = result.tables.passages.assign(text=long_text)
    tables = dataclasses.replace(result.tables, passages=passages)
    write_all(tables, tmp_path / "out", taxonomy=load_taxonomy())
    assert not [w for w in recwarn if "truncated" in str(w.message)]
    cell = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")["passages"]
    column = [c.value for c in cell[1]].index("text") + 1
    text = cell.cell(2, column).value
    assert len(text) == 32_767
    assert text.startswith(long_text[:1000])
    assert text.endswith(" … [cut: an Excel cell holds 32,767 characters, this text has 103,400; the CSV file has it whole]")
    assert pd.read_csv(tmp_path / "out" / "passages.csv")["text"].tolist() == [long_text] * len(passages)


# openpyxl leaves its half-written zip to the garbage collector, which warns when it cannot finish it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_regression_a_report_that_cannot_be_written_whole_leaves_the_previous_one(tmp_path, monkeypatch):
    result = scan([HOSTILE], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False)
    before = (tmp_path / "out" / "report.xlsx").read_bytes()
    def full_disk(*args, **kwargs):                   # the disk fills up as the workbook is saved
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(NdcScanError, match=r"out/report\.xlsx: cannot be written: the disk is full \(No space left on "
                                           r"device\): free some space on that disk") as caught:
        write_all(result.tables, tmp_path / "out", taxonomy=load_taxonomy())
    assert caught.value.exit_code == 8
    del caught                    # its traceback holds openpyxl's half-written zip: collect it here,
    gc.collect()                  # where its warning is expected
    assert (tmp_path / "out" / "report.xlsx").read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir() if ".tmp-" in p.name] == []       # no temporary file left


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")    # openpyxl's half-written zip
def test_regression_a_full_disk_under_the_reports_is_named_and_a_rerun_recovers(tmp_path, small_disk):
    from click.testing import CliRunner

    from ndc_scan.cli import main

    out = small_disk("64m") / "reports"
    command = ["scan", str(HOSTILE), str(UNICODE), "--no-ocr", "--store", str(tmp_path / "s.sqlite"), "--out", str(out)]
    assert CliRunner().invoke(main, command).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out.parent / "filler").write_bytes(b"\0" * (shutil.disk_usage(out).free - 16 * 1024))   # all but 16 KB
    command.append("--all-versions")                  # other reports to write (the same ones are current already)
    full = CliRunner().invoke(main, command)
    assert full.exception is None or isinstance(full.exception, SystemExit), full.output
    assert full.exit_code == 8
    assert re.search(r"error: .*reports/\S+: cannot be written: the disk is full \(No space left on device\)", full.output)
    for name, data in before.items():                 # each report is the previous one or a whole new one
        now = (out / name).read_bytes()
        assert now == data or name.endswith(".csv"), name
    assert not [p for p in out.rglob(".*") if ".tmp-" in p.name]            # no temporary file left behind
    del full
    gc.collect()
    (out.parent / "filler").unlink()
    assert CliRunner().invoke(main, command).exit_code == 0


def _reports(out: Path) -> dict:
    """Every report file's bytes; the workbook's parts but its creation time."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found.update({f"{path.name}:{part}": book.read(part) for part in book.namelist()
                              if part != "docProps/core.xml"})
        else:
            found[str(path.relative_to(out))] = path.read_bytes()
    return found


def test_the_workbook_is_written_by_a_second_process_with_the_same_bytes(tmp_path, monkeypatch):
    """write_all forks a child that writes report.xlsx while it writes the HTML pages (report, gap report, briefs);
    with another thread running (a fork would not be safe) it writes the workbook itself: the same files either way."""
    import os
    import threading

    from ndc_scan.report import files

    result = scan([HOSTILE], out=None, store=tmp_path / "s.sqlite", ocr=False)
    workbook, pids = files.write_excel, tmp_path / "pids"

    def recorded(*args, **kwargs):
        with pids.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return workbook(*args, **kwargs)

    monkeypatch.setattr(files, "write_excel", recorded)
    forked = write_all(result.tables, tmp_path / "forked", taxonomy=load_taxonomy())
    running = threading.Event()
    other = threading.Thread(target=running.wait)
    other.start()
    try:
        alone = write_all(result.tables, tmp_path / "alone", taxonomy=load_taxonomy())
    finally:
        running.set()
        other.join()
    first, second = pids.read_text().split()
    assert first != str(os.getpid()) and second == str(os.getpid())
    assert [p.relative_to(tmp_path / "forked") for p in forked] == [p.relative_to(tmp_path / "alone") for p in alone]
    assert _reports(tmp_path / "forked") == _reports(tmp_path / "alone") != {}


def test_a_report_failing_in_the_scan_process_stops_the_child_and_names_the_file(tmp_path, monkeypatch):
    import time

    import psutil

    from ndc_scan.report import excel

    result = scan([HOSTILE], out=None, store=tmp_path / "s.sqlite", ocr=False)
    lay_out = excel._lay_out
    monkeypatch.setattr(excel, "_lay_out", lambda *args: (time.sleep(1), lay_out(*args)))    # the child is slow
    out = tmp_path / "out"
    out.mkdir()
    (out / "gap_report.html").mkdir()          # a folder where the scan process writes a file
    children = {child.pid for child in psutil.Process().children()}
    with pytest.raises(NdcScanError, match=r"out/gap_report\.html: cannot be written"):
        write_all(result.tables, out, taxonomy=load_taxonomy())
    # the child was stopped, not waited for: its workbook (12 sheets, a second each) was never finished
    assert not (out / "report.xlsx").exists()
    assert {child.pid for child in psutil.Process().children()} == children       # and reaped: no child left
    assert not [p for p in out.rglob(".*") if ".tmp-" in p.name]


def test_reports_are_written_whole_when_the_system_refuses_a_second_process(tmp_path, monkeypatch):
    """os.fork failing (too many processes, no memory) is no error: this process writes every report itself."""
    import os

    result = scan([HOSTILE], out=None, store=tmp_path / "s.sqlite", ocr=False)

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    written = write_all(result.tables, tmp_path / "out", taxonomy=load_taxonomy())
    assert {p.name for p in written} >= {"report.xlsx", "report.html", "gap_report.html", "coverage.csv"}
    assert all(p.is_file() or p.is_dir() for p in written)


def test_a_country_section_lists_its_concepts_strongest_first_and_ties_in_the_concept_order(workbench_scan):
    """report.html: within a country, concepts of one level appear in the taxonomy's order (pandas' sort had left
    ties in an order of its own, e.g. Burundi's wetlands before land restoration)."""
    from ndc_scan.pipeline import load_tables
    from ndc_scan.report import html
    from ndc_scan.taxonomy import CONCEPT_IDS

    taxonomy = load_taxonomy()
    tables = load_tables(workbench_scan)
    coverage = tables.coverage.copy()      # Niger's five concepts found, at levels that make ties of each kind
    found = coverage.index[(coverage["level"].fillna(0) > 0)
                           & (coverage["doc_id"] == coverage.loc[coverage["level"] > 0, "doc_id"].mode()[0])]
    names = {1: "mention", 2: "commitment"}
    for row, level in zip(found, (1, 1, 1, 2, 2)):
        coverage.loc[row, ["level", "level_name"]] = [level, names[level]]
    page = html.render(dataclasses.replace(tables, coverage=coverage), taxonomy=taxonomy)
    rank = {taxonomy.concept_name(c): i for i, c in enumerate(CONCEPT_IDS)}
    strength = {"quantified target": 3, "commitment": 2, "mention": 1}
    ties = 0
    for section in page.split('<h3 id="c-')[1:]:
        found = [(strength[level], rank[name]) for name, level in
                 re.findall(r"<p><strong>([^<]+)</strong>: (quantified target|commitment|mention) \(", section)]
        assert found == sorted(found, key=lambda f: (-f[0], f[1]))
        ties += sum(a[0] == b[0] for a, b in zip(found, found[1:]))
    assert ties > 0


def test_the_check_before_a_scan_removes_only_the_folders_it_made(tmp_path, monkeypatch):
    """check_folder(keep=False) took every folder of the path that did not exist by name: 'new/../old' named 'old'
    missing, and an empty folder of the user's was removed (the review of the change found it)."""
    from ndc_scan.report.output import check_folder

    monkeypatch.chdir(tmp_path)
    (tmp_path / "old").mkdir()
    check_folder(Path("new/../old"), keep=False)
    assert (tmp_path / "old").is_dir() and not (tmp_path / "new").exists()
    check_folder(Path("a/b/c"), keep=False)
    assert not (tmp_path / "a").exists()
    check_folder(Path("a/b/c"))
    assert (tmp_path / "a" / "b" / "c").is_dir()
