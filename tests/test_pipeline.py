"""The scan's Python API: options, the typed tables, warnings returned, labels independent of the current folder."""

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from ndc_scan import ScanOptions, scan
from ndc_scan.aggregate.tables import Tables
from ndc_scan.defaults import DEFAULT_MODEL_DIR, DEFAULT_TAXONOMY, PROJECT_DIR

from .conftest import ROOT, SAMPLE


def test_options_and_keywords_are_the_same_settings(tmp_path):
    options = ScanOptions(out=None, store=tmp_path / "a.sqlite", ocr=False, jobs=1)
    first = scan([SAMPLE / "CAN_indc_2015.pdf"], options)
    second = scan([SAMPLE / "CAN_indc_2015.pdf"], out=None, store=tmp_path / "b.sqlite", ocr=False, jobs=1)
    assert isinstance(first.tables, Tables)
    pd.testing.assert_frame_equal(first.tables.coverage.drop(columns="doc_id"),
                                  second.tables["coverage"].drop(columns="doc_id"))
    assert first.classifier == "rules" and first.written == []


def test_an_unknown_setting_is_refused(tmp_path):
    with pytest.raises(TypeError, match="jobz"):
        scan([SAMPLE / "CAN_indc_2015.pdf"], out=None, store=tmp_path / "s.sqlite", jobz=2)


def test_warnings_are_returned_not_appended_to_a_list_passed_in(tmp_path, monkeypatch):
    """Without Tesseract, the scan says so in its result; the result's warnings are its own list."""
    monkeypatch.setenv("PATH", str(tmp_path))                      # no tesseract on this PATH
    from ndc_scan.read import ocr

    ocr.available_languages.cache_clear()
    try:
        result = scan([SAMPLE / "SRB_indc_2015.pdf"], out=None, store=tmp_path / "s.sqlite", jobs=1)
    finally:
        ocr.available_languages.cache_clear()
    assert len(result.warnings) == 1 and "Tesseract is not installed" in result.warnings[0]
    assert result.tables.documents.at[0, "read_status"] == "no text layer"


def test_tables_have_every_report_table_by_name_and_attribute(tmp_path):
    result = scan([SAMPLE / "KEN_indc_2015.pdf"], out=None, store=tmp_path / "s.sqlite", ocr=False, jobs=1)
    assert Tables.names() == ("documents", "coverage", "countries", "passages", "failures", "targets", "gaps",
                              "versions", "progress", "groups", "quantified")
    for name, frame in result.tables.items():
        assert result.tables[name] is frame is getattr(result.tables, name)
    with pytest.raises(KeyError):
        result.tables["nothing"]


def test_shipped_data_is_found_from_the_package_not_the_current_folder():
    assert DEFAULT_TAXONOMY.is_file() and DEFAULT_TAXONOMY.is_absolute()
    assert DEFAULT_MODEL_DIR.is_dir() and DEFAULT_MODEL_DIR.is_absolute()
    assert PROJECT_DIR == ROOT


@pytest.mark.slow
def test_the_same_command_from_another_folder_labels_the_same_way(tmp_path):
    """`ndc-scan scan` typed in any folder uses the shipped model and says which; labels are identical."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLE / "TJK_indc_2015.pdf", inputs)
    runs, outputs = {}, {}
    for where in (ROOT, tmp_path):          # both at once: each is one worker, they share only the input file
        out = tmp_path / f"out-{where.name}"
        runs[where] = out, subprocess.Popen([sys.executable, "-m", "ndc_scan", "scan", str(inputs), "--out", str(out),
                                             "--store", str(tmp_path / f"{where.name}.sqlite"), "--no-ocr", "-j", "1"],
                                            cwd=where, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    for where, (out, run) in runs.items():
        _, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
        assert "note: no model" not in stderr
        assert "Labels: rules + model ndc-soil" in stderr
        outputs[where] = (out / "passages.csv").read_text(encoding="utf-8")
    assert outputs[ROOT] == outputs[tmp_path]
    assert "hybrid:ndc-soil" in outputs[tmp_path]
