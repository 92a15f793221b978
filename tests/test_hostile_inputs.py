"""Hostile and odd inputs through the command line, in-process (issue 14): properties, not examples.

Hypothesis feeds ``ndc-scan scan`` mutated real PDFs under random file names (bytes that are not UTF-8,
control characters, escape sequences, bidi overrides, newlines), with either PDF engine, and feeds
``ndc-scan review import`` random decisions backups and mutated review sheets. Whatever comes in:

* no traceback (the command ends with a message and an exit code, never an exception);
* no hang: every file is read under ``--timeout``, and each run stays well within a bound;
* the exit code is one of the README's table;
* the console never carries a raw control character;
* an import stores nothing unless the whole file is valid, and everything when it is.

The regression tests for each bug of the issue sit beside the module they pin (test_cli, test_reader,
test_store, test_review, test_report, ...).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ndc_scan.cli import main
from ndc_scan.records import Decision
from ndc_scan.store import Store

from .conftest import ROOT, SAMPLE

FIXTURES = Path(__file__).parent / "fixtures"
#: Real PDFs to mutate: a French NDC (text layer), and the hand-made one with bidi controls and astral letters.
SEEDS = (SAMPLE / "CAN_indc_2015.pdf", FIXTURES / "unicode.pdf")
#: Pieces of hostile file names: not UTF-8, terminal escapes, bell, newline, bidi overrides and isolates, RTL text.
NAME_PIECES = (b"\xff", b"\xfe\xfd", b"\x1b]0;PWNED\x07", b"\x1b[2J", b"\n", b"\r", b"\t", "\u202e".encode(),
               "\u2066".encode(), "ملف".encode(), "é".encode(), b" ", b"NER", b"_indc_2015", b"-", b"'", b'"')
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
#: Seconds one hostile run may take before it counts as a hang (each file is read under --timeout 20).
BOUND = 240


def readme_exit_codes() -> set[int]:
    """The exit codes of the README's table (section "Exit codes")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)}


def _ended_cleanly(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in readme_exit_codes(), (result.exit_code, result.output)
    assert not RAW_CONTROL.search(result.output), result.output


@pytest.fixture(autouse=True)
def no_config(tmp_path, monkeypatch):
    """No reviewer name from the machine's config files: an empty folder and an empty config home."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.chdir(tmp_path)


def test_the_readme_lists_the_exit_codes():
    assert readme_exit_codes() == {0, 1, 2, 3, 4, 5, 7, 8, 130}


# ---------------------------------------------------------------------------------------------- scan


_names = st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=6).map(b"".join)
_mutations = st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=255)),
                      max_size=30)
_document = st.tuples(st.sampled_from(SEEDS), _mutations, st.one_of(st.none(), st.integers(0, 130_000)), _names,
                      st.booleans())


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents=st.lists(_document, min_size=1, max_size=3), engine=st.sampled_from(["pdfplumber", "pdfium"]))
def test_property_scan_of_mutated_pdfs_under_hostile_names_ends_cleanly(tmp_path_factory, documents, engine):
    work = tmp_path_factory.mktemp("scan")
    folder = bytes(work / "in")
    os.mkdir(folder)
    for index, (seed, mutations, cut, name, as_pdf) in enumerate(documents):
        data = bytearray(seed.read_bytes())
        for position, value in mutations:
            data[position % len(data)] = value
        path = os.path.join(folder, b"%d%s%s" % (index, name, b".pdf" if as_pdf else b".PDF"))
        with open(path, "wb") as handle:
            handle.write(bytes(data[:cut]))
    started = time.monotonic()
    result = CliRunner().invoke(main, ["scan", os.fsdecode(folder), "--engine", engine, "--no-ocr", "--rules-only",
                                       "--timeout", "20", "--jobs", "2", "--store", str(work / "s.sqlite"),
                                       "--out", str(work / "out")])
    assert time.monotonic() - started < BOUND
    _ended_cleanly(result)
    assert result.exit_code in (0, 3), result.output
    documents_csv = list(csv.DictReader(open(work / "out" / "documents.csv", encoding="utf-8")))
    failures_csv = list(csv.DictReader(open(work / "out" / "failures.csv", encoding="utf-8")))
    assert (result.exit_code == 3) == bool(failures_csv)
    for row in documents_csv + failures_csv:               # every name fits UTF-8 and one line
        name = row.get("document") or row["path"]
        assert not RAW_CONTROL.search(name), name
    shutil.rmtree(work)


# ---------------------------------------------------------------------------------------------- review import


@pytest.fixture(scope="module")
def decision_pool(tmp_path_factory):
    """Valid backup lines of real decisions on the sample scan, and the store they were made on."""
    from ndc_scan.review.queue import Filters, decide, load_queue

    from .conftest import SMALL

    folder = tmp_path_factory.mktemp("pool")
    for name in SMALL:
        shutil.copy(SAMPLE / name, folder / name)
    store = folder / "store.sqlite"
    from ndc_scan import scan

    scan([folder], out=None, store=store, ocr=False)
    with Store(store) as db:
        queue = load_queue(db, "ana", Filters(all_labels=True))[:8]
        for item, (choice, level) in zip(queue, [("accept", None), ("reject", None), ("correct", 2), ("ignore", None)] * 2):
            decide(db, item, choice, "ana", level=level)
    backup = folder / "backup.jsonl"
    assert CliRunner().invoke(main, ["review", "export", str(backup), "--store", str(store)]).exit_code == 0
    return [json.loads(line) for line in backup.read_text(encoding="utf-8").splitlines()], store


_junk = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                  st.text(max_size=30), st.lists(st.text(max_size=5), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
_field = st.sampled_from(["text_hash", "concept", "decision", "reviewer", "decided_at", "level", "concepts",
                          "passage_id", "document", "page", "note", "colour"])


@st.composite
def _backup_line(draw, pool):
    """(line, valid): a real decision, a decision with one field changed or dropped, or not a decision at all."""
    row = dict(draw(st.sampled_from(pool)))
    kind = draw(st.sampled_from(["good", "good", "changed", "dropped", "not json", "deep", "not an object"]))
    if kind == "good":
        return json.dumps(row, ensure_ascii=False), True
    if kind == "changed":
        field, value = draw(_field), draw(_junk)
        if row.get(field, object()) == value:
            return json.dumps(row, ensure_ascii=False), True
        row[field] = value
        return json.dumps(row, ensure_ascii=False, allow_nan=True), None            # validity: the tool decides
    if kind == "dropped":
        row.pop(draw(st.sampled_from(["text_hash", "concept", "decision", "reviewer", "decided_at"])))
        return json.dumps(row), False
    if kind == "deep":
        return "[" * draw(st.integers(1_000, 200_000)), False
    if kind == "not an object":
        return json.dumps(draw(_junk)), False
    return draw(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and not t.strip().startswith(("{", "[")))), False


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_decisions_backup_is_restored_whole_or_not_at_all(tmp_path_factory, decision_pool, data):
    pool, _ = decision_pool
    lines = data.draw(st.lists(_backup_line(pool), min_size=1, max_size=8))
    work = tmp_path_factory.mktemp("restore")
    backup = work / "backup.jsonl"
    backup.write_text("\n".join(line for line, _ in lines) + "\n", encoding="utf-8")
    fresh = work / "fresh.sqlite"
    result = CliRunner().invoke(main, ["review", "import", str(backup), "--store", str(fresh)])
    _ended_cleanly(result)
    assert result.exit_code in (0, 4), result.output
    with Store(fresh) as db:
        stored = db.decisions()
    if any(valid is False for _, valid in lines):
        assert result.exit_code == 4
    if result.exit_code == 4:
        assert stored == []
    else:                                                              # every line's decision, once
        assert all(valid is not False for _, valid in lines)
        rows = [json.loads(line) for line, _ in lines]
        assert set(stored) == {Decision(**{**row, "concepts": tuple(row.get("concepts") or ())}) for row in rows}
        assert len(stored) == len(set(stored))
    shutil.rmtree(work)


_cell_values = st.one_of(st.sampled_from(["accept", "reject", "correct", "ignore", "skip", "", "ACCEPT ", "maybe",
                                          '=IF(1,"accept","")', "1", "2", "3", "7", "soil_carbon", "wetlands;peatlands",
                                          "soil_magic", "Ana", "\x1b[2J", "\u202eana", "x" * 300]),
                         st.text(max_size=20), st.integers(-5, 5))
_columns = st.sampled_from(["decision", "corrected_level", "corrected_concepts", "note", "reviewer", "passage",
                            "passage_id", "text_hash", "concept"])


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["xlsx", "csv"]),
       edits=st.lists(st.tuples(st.integers(0, 40), _columns, _cell_values), min_size=1, max_size=12),
       reviewer=st.one_of(st.none(), st.sampled_from(["Ben", "", "\x07", "N" * 200])))
def test_property_review_sheet_is_imported_whole_or_not_at_all(tmp_path_factory, decision_pool, fmt, edits, reviewer):
    _, source = decision_pool
    work = tmp_path_factory.mktemp("sheet")
    store = work / "store.sqlite"
    shutil.copy(source, store)
    with Store(store) as db:
        before = db.decisions()
    path = work / f"sheet.{fmt}"
    assert CliRunner().invoke(main, ["review", "export", str(path), "--store", str(store), "--all"]).exit_code == 0
    rows = _edit_sheet(path, fmt, edits)
    result = CliRunner().invoke(main, ["review", "import", str(path), "--store", str(store),
                                       *(["--reviewer", reviewer] if reviewer is not None else [])])
    _ended_cleanly(result)
    assert result.exit_code in (0, 2, 4), result.output              # 2: a --reviewer that is not a name
    with Store(store) as db:
        after = db.decisions()
    if result.exit_code != 0:
        assert after == before
    else:
        decided = sum(str(row.get("decision", "")).strip().lower() in ("accept", "reject", "correct", "ignore")
                      for row in rows)
        match = re.search(r"Imported (\d+) decision\(s\) .*; (\d+) already stored", result.output)
        assert match and int(match.group(1)) + int(match.group(2)) == decided
        assert len(after) == len(before) + int(match.group(1))
    shutil.rmtree(work)


def _edit_sheet(path: Path, fmt: str, edits) -> list[dict]:
    """Apply (row, column, value) edits to an exported sheet; return its data rows as edited."""
    if fmt == "xlsx":
        from openpyxl import load_workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = load_workbook(path)
        sheet = book["review"]
        header = [c.value for c in sheet[1]]
        for row, column, value in edits:
            if sheet.max_row > 1:         # an xlsx file cannot hold control characters: Excel would not write them
                cell = sheet.cell(2 + row % (sheet.max_row - 1), header.index(column) + 1)
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
        book.save(path)
        return [dict(zip(header, (c.value if c.value is not None else "" for c in cells)))
                for cells in sheet.iter_rows(min_row=2)]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, column, value in edits:
        if rows:
            rows[row % len(rows)][column] = str(value)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["decision"])
        writer.writeheader()
        writer.writerows(rows)
    return rows
