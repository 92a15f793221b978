"""The ndc-scan command line, in-process: outputs, exit codes and messages for each failure."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ndc_scan.cli import main

from .conftest import ROOT, SAMPLE


def _scan(tmp_path, *args, ocr=False):
    return CliRunner().invoke(main, ["scan", *map(str, args), "--out", str(tmp_path / "out"),
                                     "--store", str(tmp_path / "store.sqlite"), *([] if ocr else ["--no-ocr"])])


def test_scan_writes_every_report_and_a_summary(tmp_path, small):
    result = _scan(tmp_path, small)
    assert result.exit_code == 0, result.output
    for name in ("coverage.csv", "countries.csv", "passages.csv", "documents.csv", "failures.csv", "report.xlsx", "report.html"):
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    assert "Scanned 3 documents (13 pages) from 3 countries" in result.output
    assert "1 document(s) have no usable text layer and were not assessed." in result.output
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv")
    assert len(coverage) == 3 * 10
    serbia = coverage[coverage["iso3"] == "SRB"]
    assert set(serbia["level_name"]) == {"no text layer"}
    assert {"iso3", "country", "document", "doc_id", "kind", "year", "language", "concept", "level", "level_name",
            "n_passages", "pages", "top_quote"} <= set(coverage.columns)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed (.ci/run installs it)")
@pytest.mark.slow
def test_scanned_document_is_read_with_ocr_and_a_rescan_uses_it(tmp_path, small):
    first = _scan(tmp_path, small / "SRB_indc_2015.pdf", "--no-ocr")
    assert "1 document(s) have no usable text layer" in first.output
    result = _scan(tmp_path, small / "SRB_indc_2015.pdf", ocr=True)      # Tesseract now "installed"
    assert result.exit_code == 0, result.output
    assert "1 extracted, 0 unchanged" in result.output
    assert "1 document(s) read with OCR (3 pages)." in result.output
    documents = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert documents.at[0, "read_status"] == "ok (3 of 3 pages OCR'd)"
    assert 0.8 < documents.at[0, "ocr_confidence"] <= 1


@pytest.mark.slow
def test_parallel_jobs_give_the_same_reports(tmp_path, small):
    one = CliRunner().invoke(main, ["scan", str(small), "--no-ocr", "-j", "1", "--out", str(tmp_path / "one"),
                                    "--store", str(tmp_path / "one.sqlite")])
    two = CliRunner().invoke(main, ["scan", str(small), "--no-ocr", "-j", "2", "--out", str(tmp_path / "two"),
                                    "--store", str(tmp_path / "two.sqlite")])
    assert one.exit_code == two.exit_code == 0
    for name in ("coverage.csv", "passages.csv", "countries.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_rescan_reuses_the_store(tmp_path, small, small_store):
    again = _scan(tmp_path, small)
    assert again.exit_code == 0
    assert "0 extracted, 3 unchanged, 0 tagged" in again.output


def test_changed_taxonomy_retags_without_reextracting(tmp_path, small, small_store):
    """A new term that can match in PRY only: PRY is tagged again, CAN and SRB keep their labels (test_reach)."""
    taxonomy = tmp_path / "taxonomy.csv"
    text = (ROOT / "ndc_scan" / "data" / "taxonomy.csv").read_text(encoding="utf-8")
    taxonomy.write_text(text + "sustainable_land_management,es,alternative,sistema productivo agropecuario,test\n",
                        encoding="utf-8")
    result = _scan(tmp_path, small, "--taxonomy", taxonomy)
    assert result.exit_code == 0, result.output
    assert "0 extracted, 3 unchanged, 1 tagged, 2 kept their labels (no changed taxonomy term matches in them)." \
        in result.output


def test_same_file_twice_is_one_document(tmp_path, small, small_store):
    shutil.copy(small / "CAN_indc_2015.pdf", small / "copy of CAN.pdf")
    result = _scan(tmp_path, small)
    assert result.exit_code == 0
    assert "Scanned 3 documents" in result.output
    # The first name given is kept, on the first run and on a re-run (a copy once renamed the stored document).
    for _ in range(2):
        documents = pd.read_csv(tmp_path / "out" / "documents.csv")
        assert "CAN_indc_2015.pdf" in set(documents["document"]) and "copy of CAN.pdf" not in set(documents["document"])
        assert _scan(tmp_path, small).exit_code == 0


def test_bad_file_is_listed_and_the_batch_carries_on(tmp_path, small, small_store):
    (small / "KEN_2020.pdf").write_text("<!DOCTYPE html><html>404</html>")
    result = _scan(tmp_path, small)
    assert result.exit_code == 3
    assert "KEN_2020.pdf: is an HTML file, although it is named .pdf -> convert it to PDF" in result.output
    assert "Scanned 3 documents" in result.output
    failures = pd.read_csv(tmp_path / "out" / "failures.csv")
    assert failures["error"].tolist() == ["NotAPdfError"]
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv")
    assert set(coverage[coverage["document"] == "KEN_2020.pdf"]["level_name"]) == {"could not be read"}


def test_strict_stops_at_first_failure(tmp_path, small, small_store):
    (small / "AAA_broken.pdf").write_bytes(b"")
    result = _scan(tmp_path, small, "--strict")
    assert result.exit_code == 3
    assert re.search(r"error: .*AAA_broken.pdf: is empty", result.output)


def test_missing_path_is_a_usage_error(tmp_path):
    result = _scan(tmp_path, tmp_path / "nope")
    assert result.exit_code == 2
    assert "nope: no such file or folder: check the path" in result.output


def test_folder_without_pdfs(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _scan(tmp_path, empty)
    assert result.exit_code == 2
    assert "no PDF, Word, HTML or text files under" in result.output


def test_bad_language_option(tmp_path, small):
    result = _scan(tmp_path, small, "--lang", "de")
    assert result.exit_code == 2
    assert "--lang 'de': not one of en, fr, es, pt, ar, ru" in result.output


def test_bad_taxonomy_reports_rows(tmp_path, small):
    taxonomy = tmp_path / "bad.csv"
    taxonomy.write_text("concept,lang,kind,term,note\nsoil_karbon,en,preferred,soil carbon,\n", encoding="utf-8")
    result = _scan(tmp_path, small, "--taxonomy", taxonomy)
    assert result.exit_code == 4
    assert "row 2, column concept: 'soil_karbon' is not a concept id" in result.output


def test_metadata_file_overrides_inference(tmp_path, small, small_store):
    metadata = tmp_path / "meta.csv"
    metadata.write_text("file,iso3,kind,year\nPRY_indc_2015.pdf,PRY,ndc,2016\nPRY_indc_2015 .pdf,PRY,ndc,2016\n",
                        encoding="utf-8")
    result = _scan(tmp_path, small, "--metadata", metadata)
    assert result.exit_code == 0, result.output
    # a row naming a file with a stray space was ignored without a word (adversarial review)
    assert "warning: 1 row(s) of" in result.output
    assert "name a scanned file with other spacing ('PRY_indc_2015 .pdf')" in result.output
    documents = pd.read_csv(tmp_path / "out" / "documents.csv").set_index("document")
    assert documents.at["PRY_indc_2015.pdf", "kind"] == "ndc"
    assert documents.at["PRY_indc_2015.pdf", "year"] == 2016
    assert "kind" not in documents.at["PRY_indc_2015.pdf", "inferred"].split(",")
    assert "kind" in documents.at["CAN_indc_2015.pdf", "inferred"].split(",")


def test_glob_pattern(tmp_path, small, small_store):
    result = _scan(tmp_path, str(small / "C*.pdf"))
    assert result.exit_code == 0
    assert "Scanned 1 documents" in result.output


def test_taxonomy_command(tmp_path):
    result = CliRunner().invoke(main, ["taxonomy"])
    assert result.exit_code == 0
    assert re.search(r"soil_carbon\s+\d+\s+\d+\s+\d+\s+\d+", result.output)


def test_evaluate_command_on_a_coverage_file(tmp_path):
    coverage = tmp_path / "coverage.csv"
    labels = pd.read_csv(ROOT / "corpora" / "labels" / "documents.csv")
    kenya = labels[labels["file"] == "KEN_indc_2015.pdf"]
    kenya.rename(columns={"file": "document"}).assign(top_quote="", top_quote_page="", pages="").to_csv(coverage, index=False)
    result = CliRunner().invoke(main, ["evaluate", "--documents", str(ROOT / "corpora" / "labels" / "documents.csv"),
                                       "--coverage", str(coverage)])
    assert result.exit_code == 2
    assert "no rows for 23 labelled document(s)" in result.output


@pytest.mark.slow
def test_evaluate_command_scores_three_methods(tmp_path):
    out = tmp_path / "eval"
    result = CliRunner().invoke(main, ["evaluate", "--model", str(ROOT / "models" / "ndc-soil"),
                                       "--passages", str(ROOT / "corpora" / "labels" / "passages.jsonl"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"518 test-country passages; passage macro F1 rules 0\.\d+, model 0\.\d+, combination 0\.\d+",
                     result.output)
    table = pd.read_csv(out / "evaluation_passages.csv")
    assert set(table["method"]) == {"rules", "model", "combination"}
    errors = pd.read_csv(out / "passage_errors.csv")
    assert list(errors["severity"]) == sorted(errors["severity"], reverse=True)
    assert (out / "worst_errors.md").read_text(encoding="utf-8").startswith("# Worst passage errors")


@pytest.mark.slow
def test_scan_with_the_model_flags_labels_for_review(tmp_path, small):
    shutil.copy(SAMPLE / "TJK_indc_2015.pdf", small / "TJK_indc_2015.pdf")   # Russian; two labels flagged
    out = tmp_path / "out"
    # --no-ocr, as _scan: OCR of SRB's three scanned pages took half of this test, and nothing here is about it
    result = CliRunner().invoke(main, ["scan", str(small), "--out", str(out), "--store", str(tmp_path / "s.sqlite"),
                                       "--model", str(ROOT / "models" / "ndc-soil"), "--review-band", "0.2,0.8", "--no-ocr"])
    assert result.exit_code == 0, result.output
    assert "Labels: rules + model ndc-soil" in result.output
    passages = pd.read_csv(out / "passages.csv", keep_default_na=False)
    assert passages["method"].str.startswith("hybrid:ndc-soil:").all()
    assert {"counted", "review_reason", "probability", "rule_level"} <= set(passages.columns)
    assert (passages["review_reason"] != "").any()
    assert "To review:" in (out / "report.html").read_text(encoding="utf-8")
    rules = CliRunner().invoke(main, ["scan", str(small), "--out", str(tmp_path / "r"), "--store", str(tmp_path / "s.sqlite"),
                                      "--rules-only", "--no-ocr"])
    assert rules.exit_code == 0
    assert set(pd.read_csv(tmp_path / "r" / "passages.csv")["method"]) == {"rules"}


@pytest.mark.parametrize("band", ["0.7,0.3", "x", "0.2"])
def test_bad_review_band(tmp_path, small, band):
    result = CliRunner().invoke(main, ["scan", str(small), "--review-band", band, "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2
    assert "--review-band" in result.output


def test_missing_model_is_a_clear_error(tmp_path, small):
    result = CliRunner().invoke(main, ["scan", str(small), "--model", str(tmp_path / "none"),
                                       "--store", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 7
    assert "no such model folder" in result.output and "ndc-scan train" in result.output


def _commands():
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 5
    assert f"ndc-scan {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_main_help_runs_without_loading_models():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "scan" in result.output


def test_readme_says_how_to_run_the_command_after_setup():
    # Issue 17: 'ndc-scan' was not on the PATH after 'make demo' and the README never said how to run it.
    import sys
    from pathlib import Path

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/ndc-scan" in readme and ". .venv/bin/activate" in readme and "pipx install --editable ." in readme
    assert "ndc-scan is installed in $(VENV)" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert (Path(sys.executable).parent / "ndc-scan").exists()       # the console script beside the test interpreter


# ---------------------------------------------------------------------------------------------- hostile inputs (issue 14)


def _clean(result) -> None:
    """The command ended by itself with a message, not with an exception (a traceback)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def test_regression_a_file_name_that_is_not_utf8_does_not_kill_the_batch(tmp_path, small, small_store):
    os.makedirs(bytes(small) + b"/sub")
    with open(bytes(small) + b"/sub/bad\xff.pdf", "wb") as handle:        # a real NDC under a Latin-1 name
        handle.write((SAMPLE / "KEN_indc_2015.pdf").read_bytes())
    with open(bytes(small) + b"/sub/zero\xfe.pdf", "wb"):                  # and an empty file under another one
        pass
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 3
    assert "Scanned 4 documents" in result.output
    assert re.search(r"zero\\xfe\.pdf: is empty \(0 bytes\)", result.output)
    documents = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert "bad\\xff.pdf" in set(documents["document"])
    assert pd.read_csv(tmp_path / "out" / "failures.csv")["path"].str.endswith("zero\\xfe.pdf").all()


def test_regression_an_unreadable_sub_folder_is_a_failure_row(tmp_path, small, small_store, monkeypatch):
    locked = small / "locked"
    locked.mkdir()
    shutil.copy(SAMPLE / "KEN_indc_2015.pdf", locked / "KEN_indc_2015.pdf")
    real_scandir = os.scandir

    def refuse(path="."):     # tests run as root, for whom chmod 000 forbids nothing: fail as listing it would
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", refuse)
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 3
    assert "locked: is a folder whose files cannot be listed -> check that you may read the folder" in result.output
    failures = pd.read_csv(tmp_path / "out" / "failures.csv")
    assert failures["error"].tolist() == ["UnreadableFolderError"]
    given = _scan(tmp_path, locked)                            # given directly: not "no PDF files under"
    assert given.exit_code == 3 and "locked: is a folder whose files cannot be listed" in given.output


@pytest.mark.slow
def test_regression_fifo_named_pdf_is_refused_without_blocking(tmp_path, small, small_store):
    fifo = small / "pipe.pdf"
    os.mkfifo(fifo)
    # A subprocess with a time limit: on the old code the scan blocked for ever reading the FIFO.
    result = subprocess.run([sys.executable, "-m", "ndc_scan", "scan", str(small), str(fifo), "--no-ocr",
                             "--out", str(tmp_path / "out"), "--store", str(small_store)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr
    assert "pipe.pdf: is not a regular file (a FIFO (named pipe)), so it is not read -> give the PDF file itself" \
        in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_regression_timeout_nan_or_inf_is_refused(tmp_path, small, small_store, value):
    result = _scan(tmp_path, small, "--timeout", value)
    _clean(result)
    assert result.exit_code == 2
    assert "--timeout" in result.output and "give a number of seconds" in result.output


def test_regression_jobs_is_capped_with_a_note(tmp_path, small, small_store):
    result = _scan(tmp_path, small, "--jobs", str(10**20))
    _clean(result)
    assert result.exit_code == 0
    assert f"note: --jobs {10**20} is more than 4 per core; reading {4 * (os.cpu_count() or 1)} files at once" \
        in result.output


@pytest.mark.parametrize("value, message", [("lots", "give a size such as 2G"), ("10M", "give at least 64M")])
def test_bad_max_memory(tmp_path, small, value, message):
    result = _scan(tmp_path, small, "--max-memory", value)
    assert result.exit_code == 2 and message in result.output


def test_regression_control_characters_in_file_names_are_escaped_on_the_console(tmp_path, small, small_store):
    name = "evil\x1b]0;PWNED\x07\x1b[2J\nsecond line\u202egnp.pdf"
    (small / name).write_bytes(b"")
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 3
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    line = next(line for line in result.output.splitlines() if "PWNED" in line)
    assert line.endswith(r"evil\x1b]0;PWNED\x07\x1b[2J\nsecond line\u202egnp.pdf: is empty (0 bytes) -> "
                         "download it again, or remove it from the input")
    assert pd.read_csv(tmp_path / "out" / "failures.csv")["path"].str.contains(r"\x1b]0;PWNED", regex=False).all()


def test_regression_output_folder_that_cannot_be_written_is_refused_before_reading(tmp_path, small):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["scan", str(small), "--out", str(blocker / "reports"), "--no-ocr",
                                       "--store", str(tmp_path / "store.sqlite")])
    _clean(result)
    assert result.exit_code == 8
    assert "a_file/reports: cannot be written: a part of this path is a file, not a folder: pass --out" in result.output
    assert "Scanned" not in result.output and not (tmp_path / "store.sqlite").exists()    # checked before reading


def test_a_folder_in_the_way_of_a_report_file_is_named_with_the_remedy(tmp_path, small, small_store):
    """A folder where report.html goes: the remedy said "pass --out with a folder", where the fix is to move it."""
    (tmp_path / "out" / "report.html").mkdir(parents=True)
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 8
    assert ("report.html: cannot be written: a folder of that name is in the way: move or rename that folder (the file "
            "is written in its place), or pass --out with a folder") in result.output


def test_regression_read_only_output_folder_is_refused_before_reading(tmp_path, small, monkeypatch):
    real = tempfile.NamedTemporaryFile

    def refuse(*args, dir=None, **kwargs):        # root may write anywhere: fail as a read-only folder would
        if dir is not None and Path(dir).name == "out":
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 8
    assert "out: cannot be written (Permission denied): pass --out with a folder you may write in" in result.output
    assert "Scanned" not in result.output


@pytest.mark.slow
def test_regression_a_bug_on_one_file_is_one_line_and_the_batch_carries_on(tmp_path, small, monkeypatch):
    from ndc_scan.passages import segment

    def pieces(text, kind):
        if "paraguay" in text.lower():
            raise ValueError("an unexpected bug")
        return real_pieces(text, kind)
    real_pieces = segment._pieces
    monkeypatch.setattr(segment, "_pieces", pieces)
    result = _scan(tmp_path, small)
    _clean(result)
    assert result.exit_code == 3
    assert re.search(r"PRY_indc_2015\.pdf: internal error in passages\.segment: ValueError: an unexpected bug -> "
                     r"please report it; --verbose shows the traceback", result.output)
    assert "Scanned 2 documents" in result.output
    assert pd.read_csv(tmp_path / "out" / "failures.csv")["error"].tolist() == ["InternalError"]


def test_regression_an_unexpected_exception_is_one_line_not_a_traceback(tmp_path, small_store, monkeypatch):
    from ndc_scan.cli import review as review_cli

    monkeypatch.setattr(review_cli, "compute_stats", lambda db: 1 / 0)
    result = CliRunner().invoke(main, ["review", "stats", "--store", str(small_store)])
    _clean(result)
    assert result.exit_code == 1
    assert result.output.strip() == ("error: internal error in cli.review: ZeroDivisionError: division by zero — "
                                     "please report it; --verbose shows the traceback")
    verbose = CliRunner().invoke(main, ["--verbose", "review", "stats", "--store", str(small_store)])
    assert isinstance(verbose.exception, ZeroDivisionError)
