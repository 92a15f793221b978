"""The SQLite store: round trips, re-extraction keys, one label set per taxonomy, clear errors."""

import functools
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ndc_scan.errors import StoreError
from ndc_scan.passages.segment import segment
from ndc_scan.read.pages import read_pdf
from ndc_scan.records import Decision, Document, DocumentMeta, Prediction
from ndc_scan.store import Store, scan_in_progress
from ndc_scan.store.schema import SCHEMA_VERSION

from .conftest import ROOT, SAMPLE, SMALL, sql

DOC_ID = "b4e977902ec03faea1dfb9f1061e4a0ab4357d425fdc0d11cbcc057ac92dde05"


@pytest.fixture(scope="module")
def canada():
    pages, info = read_pdf(SAMPLE / "CAN_indc_2015.pdf", DOC_ID)
    meta = DocumentMeta(iso3="CAN", country="Canada", kind="indc", year=2015, language="fr",
                        sources={"iso3": "inferred"}, evidence={"iso3": "text p.1"})
    document = Document(doc_id=DOC_ID, path="in/CAN_indc_2015.pdf", file_name="CAN_indc_2015.pdf", n_bytes=128179, meta=meta)
    return document, pages, list(segment(pages)), info


def test_document_round_trip(tmp_path, canada):
    document, pages, passages, info = canada
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        assert db.is_current(DOC_ID, "plumber-1", ocr=True)
        assert not db.is_current(DOC_ID, "plumber-2", ocr=True)        # a new extractor re-extracts
        assert db.document(DOC_ID) == document
        assert db.document(DOC_ID).meta.evidence == {"iso3": "text p.1"}
        assert [p.text for p in db.pages(DOC_ID)] == [p.text for p in pages]
        assert db.passages(DOC_ID) == passages
        assert db.pdf_info(DOC_ID) == info


def _reject(passage, reviewer="ana"):
    return Decision(text_hash=passage.text_hash, concept="wetlands", decision="reject", reviewer=reviewer,
                    decided_at="2026-12-08T01:00:00Z", passage_id=passage.passage_id, document="CAN_indc_2015.pdf",
                    page=passage.page_no)


def _read_again(passages, index, text):
    """The passages as a re-read gives them, passage ``index`` with ``text`` (same length, so the same offsets)."""
    old = passages[index]
    return [*passages[:index], type(old)(**{**old.__dict__, "text": text}), *passages[index + 1:]]


def test_decisions_follow_their_passage_when_a_document_is_read_again(tmp_path, canada):
    # A new engine or version reads "ecosystem s" as "ecosystems", "co benefits" as "co-benefits": the passage's text
    # hash changes and its decision counted nowhere (found by an adversarial review: MNG 2015 wetlands rejected, then
    # --engine pdfplumber: the label was back, unreviewed, with no word).
    document, pages, passages, info = canada
    index = next(i for i, p in enumerate(passages) if " " in p.text.strip() and len(p.text) > 40)
    old = passages[index]
    respaced = old.text.replace(" ", "-", 1)                     # only a space became a hyphen
    changed = "X" + old.text[1:]                                  # a letter changed: another text
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_decision(_reject(old))
        db.save_document(document, pages, _read_again(passages, index, respaced), "plumber-2", info)
        moved = db.decisions()
        assert [d.text_hash for d in moved] == [_read_again(passages, index, respaced)[index].text_hash]
        assert (db.carried_decisions, db.unmatched_decisions, db.unmatched_decision_count()) == (1, 0, 0)
        db.save_document(document, pages, _read_again(passages, index, changed), "plumber-3", info)
        assert db.decisions() == moved                            # kept as it was, but no passage holds its text
        assert (db.carried_decisions, db.unmatched_decisions, db.unmatched_decision_count()) == (1, 1, 1)


def test_a_moved_decision_is_copied_where_another_document_still_has_the_old_text(tmp_path, canada):
    document, pages, passages, info = canada
    twin_id = "c" * 64
    twin = Document(doc_id=twin_id, path="in/twin.pdf", file_name="twin.pdf", n_bytes=1, meta=document.meta)
    twin_passages = [type(p)(**{**p.__dict__, "doc_id": twin_id, "passage_id": "t" + p.passage_id[1:]}) for p in passages]
    index = next(i for i, p in enumerate(passages) if " " in p.text.strip() and len(p.text) > 40)
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_document(twin, [type(p)(**{**p.__dict__, "doc_id": twin_id}) for p in pages], twin_passages,
                         "plumber-1", info)
        db.save_decision(_reject(passages[index]))
        again = _read_again(passages, index, passages[index].text.replace(" ", "-", 1))
        db.save_document(document, pages, again, "plumber-2", info)
        assert sorted(d.text_hash for d in db.decisions()) == sorted([passages[index].text_hash, again[index].text_hash])
        assert db.unmatched_decision_count() == 0
        assert {d.document for d in db.decisions()} == {"CAN_indc_2015.pdf"}       # the copy names its own document
        # read by two engines in turn: the copies were doubled at each switch (33 -> 35 -> 39 decisions in a review)
        for turn in range(4):
            now = passages if turn % 2 == 0 else again
            db.save_document(document, pages, now, f"plumber-{3 + turn}", info)
            held = {d.text_hash for d in db.decisions()}
            # one decision where both documents read the text alike, one for each reading where they differ
            assert held == {passages[index].text_hash, now[index].text_hash} and len(db.decisions()) == len(held)
            assert db.unmatched_decision_count() == 0
        twin_again = [type(p)(**{**p.__dict__, "doc_id": twin_id, "passage_id": "t" + p.passage_id[1:]}) for p in again]
        db.save_document(twin, [type(p)(**{**p.__dict__, "doc_id": twin_id}) for p in pages], twin_again, "plumber-9",
                         info)
        assert [d.text_hash for d in db.decisions()] == [again[index].text_hash]   # both read so: one decision, moved


def test_tags_are_replaced_per_taxonomy(tmp_path, canada):
    document, pages, passages, info = canada
    first = passages[0]
    label = Prediction(passage_id=first.passage_id, concept="wetlands", level=1, confidence=0.5,
                       conditional="", component="", terms=("wetland",))
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_tags(DOC_ID, "tax-a", "rules", [], [label])
        db.save_tags(DOC_ID, "tax-a", "model", [], [])
        assert db.is_tagged(DOC_ID, "tax-a", "model") and not db.is_tagged(DOC_ID, "tax-a", "rules")
        assert sql(db, "SELECT COUNT(*) AS n FROM predictions")[0]["n"] == 0
        db.save_tags(DOC_ID, "tax-b", "rules", [], [label])
        assert db.is_tagged(DOC_ID, "tax-a", "model") and db.is_tagged(DOC_ID, "tax-b", "rules")


def test_scanned_document_is_read_again_once_ocr_is_available(tmp_path):
    pages, info = read_pdf(SAMPLE / "SRB_indc_2015.pdf", "f" * 64)
    meta = DocumentMeta(iso3="SRB", country="Serbia", kind="indc", year=2015, language=None)
    document = Document(doc_id="f" * 64, path="SRB.pdf", file_name="SRB.pdf", n_bytes=1, meta=meta)
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, [], "plumber-1", info, ocr=False)
        assert db.is_current("f" * 64, "plumber-1", ocr=False)
        assert not db.is_current("f" * 64, "plumber-1", ocr=True)


_HOLD = """
import os, sys, time
from ndc_scan.store import Store
with Store(sys.argv[1]) as db, db.lock():
    if os.fork() == 0:          # a child, as the PDF readers are, outlives the holder
        time.sleep(30)
        os._exit(0)
    print("locked", flush=True)
    time.sleep(30)
"""


def _holder(store):
    process = subprocess.Popen([sys.executable, "-c", _HOLD, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_second_scan_on_a_store_in_use_is_refused(tmp_path):
    holder = _holder(tmp_path / "s.sqlite")
    try:
        with Store(tmp_path / "s.sqlite") as db:
            with pytest.raises(StoreError, match=rf"s.sqlite: is in use by another scan \(pid {holder.pid}\): wait for it"):
                with db.lock():
                    pass
    finally:
        holder.kill()
        holder.wait()


def test_a_scan_refused_because_its_store_is_in_use_leaves_no_report_folder(tmp_path):
    """The report folder was checked (made) before the store's lock was taken: a refused scan left an empty one."""
    from click.testing import CliRunner

    from ndc_scan.cli import main

    holder = _holder(tmp_path / "s.sqlite")
    try:
        result = CliRunner().invoke(main, ["scan", str(SAMPLE / "CAN_indc_2015.pdf"), "--no-ocr", "--store",
                                           str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "new" / "reports")])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 5 and "is in use by another scan" in result.output
    assert not (tmp_path / "new").exists()


def test_a_symbolic_link_to_a_store_in_use_is_refused_too(tmp_path):
    # The lock file was named after the path given: a scan through a link to the store ran beside the one holding
    # it, and its labels (another taxonomy) ended up in the other scan's reports.
    holder = _holder(tmp_path / "s.sqlite")
    (tmp_path / "link.sqlite").symlink_to(tmp_path / "s.sqlite")
    try:
        with Store(tmp_path / "link.sqlite") as db:
            with pytest.raises(StoreError, match=rf"is in use by another scan \(pid {holder.pid}\)"):
                with db.lock():
                    pass
        assert scan_in_progress(tmp_path / "link.sqlite") == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_regression_lock_is_released_when_the_scan_is_killed_although_a_reader_child_lives_on(tmp_path):
    # flock was inherited by the forked PDF readers, so a re-run right after kill -9 was refused.
    holder = _holder(tmp_path / "s.sqlite")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with Store(tmp_path / "s.sqlite") as db, db.lock():
        pass


def test_a_file_that_is_not_a_store(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="notes.sqlite: is not an ndc_scan store"):
        Store(bogus)


def test_store_in_an_unwritable_place(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(blocker / "sub" / "store.sqlite")


def test_a_store_of_a_newer_version_says_how_to_keep_its_decisions(tmp_path):
    # The remedy was "pass --store with a new path (results will be recomputed)": review decisions cannot be
    # recomputed (adversarial review).
    path = tmp_path / "s.sqlite"
    with Store(path) as db:
        db.db.execute("UPDATE meta SET value='99' WHERE key='schema'")
        db.db.commit()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert "written by a newer ndc_scan" in str(caught.value)
    assert "ndc-scan review export decisions.jsonl" in caught.value.remedy


def test_store_of_schema_1_is_migrated_without_loss(tmp_path):
    """A store written before the learned model (schema 1) opens, keeps its labels and gains the new columns."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema', '1');
        CREATE TABLE predictions (
            passage_id TEXT NOT NULL, doc_id TEXT NOT NULL, taxonomy_hash TEXT NOT NULL, concept TEXT NOT NULL,
            level INTEGER NOT NULL, confidence REAL NOT NULL, conditional TEXT NOT NULL, component TEXT NOT NULL,
            terms TEXT NOT NULL, method TEXT NOT NULL, PRIMARY KEY (passage_id, taxonomy_hash, concept));
        INSERT INTO predictions VALUES ('p1', 'd1', 't1', 'wetlands', 2, 0.7, '', '', 'mangrove', 'rules');
    """)
    db.commit()
    db.close()
    with Store(path) as store:
        row = sql(store, "SELECT * FROM predictions")[0]
        assert sql(store, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == SCHEMA_VERSION
    assert (row["level"], row["rule_level"], row["probability"], row["counted"], row["review"]) == (2, 2, None, 1, "")


def test_store_of_schema_2_gains_the_decisions_table(tmp_path):
    """A store written before review (schema 2) opens with its labels and can keep decisions."""
    import sqlite3

    from ndc_scan.records import Decision

    path = tmp_path / "old.sqlite"
    with Store(path) as store:
        store.db.execute("DROP TABLE decisions")
        store.db.execute("UPDATE meta SET value='2' WHERE key='schema'")
        store.db.commit()
    assert "decisions" not in {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    decision = Decision(text_hash="a" * 24, concept="wetlands", decision="accept", reviewer="ana",
                        decided_at="2026-11-30T09:00:00Z", level=2)
    with Store(path) as store:
        assert sql(store, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == SCHEMA_VERSION
        store.save_decision(decision)
    with Store(path) as store:
        assert store.decisions() == [decision]


def test_store_of_schema_4_is_labelled_again_without_reading_a_pdf(small_store):
    """A store of schema 4 (no targets table, no labelling version) opens; the next scan labels its documents again
    from the stored passages, reads no PDF, and stores their targets."""
    import sqlite3

    from ndc_scan import scan
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    labels = "SELECT doc_id, concept, level, counted FROM predictions ORDER BY 1, 2, 3"
    with Store(small_store) as store:
        before = [tuple(row) for row in sql(store, labels)]
    db = sqlite3.connect(small_store)
    db.executescript("DROP TABLE targets; ALTER TABLE tagged DROP COLUMN version; UPDATE meta SET value='4' WHERE key='schema';")
    db.commit()
    db.close()
    with Store(small_store) as store:
        assert sql(store, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == SCHEMA_VERSION
        assert {row["version"] for row in sql(store, "SELECT version FROM tagged")} == {""}
        assert sql(store, "SELECT COUNT(*) AS n FROM targets")[0]["n"] == 0
    inputs = small_store.parent / "in"
    inputs.mkdir()
    for name in SMALL:
        shutil.copy(SAMPLE / name, inputs / name)
    result = scan([inputs], out=None, store=small_store, model=DEFAULT_MODEL_DIR, ocr=False, jobs=1)
    assert (result.extracted, result.reused, result.retagged) == (0, len(SMALL), len(SMALL))
    with Store(small_store) as store:
        assert "" not in {row["version"] for row in sql(store, "SELECT version FROM tagged")}
        assert [tuple(row) for row in sql(store, labels)] == before


@pytest.mark.slow
def test_store_of_schema_5_keeps_working_and_gets_word_boxes_on_the_next_scan(small_store):
    """A store of schema 5 (no word boxes) opens without loss; the next scan reads its PDFs again once to keep their
    boxes: the same passages (same ids), labels and decisions, now with boxes; a scan after that reads nothing."""
    import sqlite3

    from ndc_scan import scan
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    passages = "SELECT passage_id, text FROM passages ORDER BY 1"
    labels = "SELECT passage_id, concept, level, counted FROM predictions ORDER BY 1, 2"
    with Store(small_store) as store:
        before = ([tuple(r.values()) for r in sql(store, passages)], [tuple(r.values()) for r in sql(store, labels)])
        label = sql(store, "SELECT p.text_hash, l.concept FROM predictions l JOIN passages p USING (passage_id)")[0]
        store.save_decision(Decision(text_hash=label["text_hash"], concept=label["concept"], decision="accept",
                                     reviewer="ana", decided_at="2026-12-01T10:00:00Z", level=1))
    db = sqlite3.connect(small_store)
    db.executescript("DROP TABLE page_boxes; UPDATE meta SET value='5' WHERE key='schema';")
    db.commit()
    db.close()
    with Store(small_store) as store:
        assert sql(store, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == SCHEMA_VERSION == "8"
        doc_id = store.document_ids()[0]
        assert store.page_boxes(doc_id, 1) is None
        assert not store.is_current(doc_id, "pdfplumber-2", ocr=False)
    inputs = small_store.parent / "in"
    inputs.mkdir()
    for name in SMALL:
        shutil.copy(SAMPLE / name, inputs / name)
    result = scan([inputs], out=None, store=small_store, model=DEFAULT_MODEL_DIR, ocr=False, jobs=1)
    assert (result.extracted, result.reused) == (len(SMALL), 0)
    with Store(small_store) as store:
        assert ([tuple(r.values()) for r in sql(store, passages)], [tuple(r.values()) for r in sql(store, labels)]) == before
        assert [d.reviewer for d in store.decisions()] == ["ana"]
        assert sql(store, "SELECT COUNT(*) AS n FROM page_boxes")[0]["n"] == sql(store, "SELECT COUNT(*) AS n FROM pages")[0]["n"]
        assert store.page_boxes(doc_id, 1) is not None
    again = scan([inputs], out=None, store=small_store, model=DEFAULT_MODEL_DIR, ocr=False, jobs=1)
    assert (again.extracted, again.reused) == (0, len(SMALL))


def test_a_reader_never_creates_a_store(tmp_path):
    from ndc_scan.errors import NoStoreError

    path = tmp_path / "missing" / "store.sqlite"
    with pytest.raises(NoStoreError, match="no such store"):
        Store(path, create=False)
    assert not path.exists() and not path.parent.exists()


def _wetlands_label(passage, level):
    """A label of the first Canadian passage, at ``level``: what two labellings of one document differ by."""
    return Prediction(passage_id=passage.passage_id, concept="wetlands", level=level, confidence=0.5, conditional="",
                      component="", terms=("wetland",))


def test_labels_that_count_are_those_of_the_latest_scan(tmp_path, canada):
    """One definition: per document, the labelling the latest scan used (even when it was stored earlier)."""
    document, pages, passages, info = canada
    label = functools.partial(_wetlands_label, passages[0])
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_tags(DOC_ID, "tax-a", "rules", [], [label(1)])
        db.save_tags(DOC_ID, "tax-b", "rules", [], [label(2)])
        assert [r["level"] for r in db.labels_that_count()] == [2]          # tax-b was labelled last
        db.use_labelling([DOC_ID], "tax-a")                                  # a scan with tax-a reuses its labels
        assert [r["level"] for r in db.labels_that_count([DOC_ID])] == [1]
        assert db.labels_that_count(["0" * 64]) == []


# ---------------------------------------------------------------------------------------------- hostile stores (issue 14)


def _scan_cli(tmp_path, store, *paths, out=None):
    from click.testing import CliRunner

    from ndc_scan.cli import main

    return CliRunner().invoke(main, ["scan", *map(str, paths), "--no-ocr", "--store", str(store),
                                     "--out", str(out or tmp_path / "out")])


def test_regression_a_store_damaged_inside_a_page_is_a_store_error(tmp_path, small_store):
    with sqlite3.connect(small_store) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'passages'").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    with open(small_store, "r+b") as handle:          # the passages table's root page: garbage
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    with Store(small_store) as db:                     # opening works: the damage is inside a table
        assert len(db.document_ids()) == 3
    result = _scan_cli(tmp_path, small_store, *(SAMPLE / name for name in SMALL))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 5
    assert "store.sqlite: is damaged (database disk image is malformed): restore it from a backup, or move it away " \
           "and scan again" in result.output


def test_regression_dev_null_as_the_store_is_refused_without_a_journal(tmp_path):
    journal = Path("/dev/null-journal")
    existed = journal.exists()
    try:
        result = _scan_cli(tmp_path, "/dev/null", SAMPLE / "CAN_indc_2015.pdf")
        assert result.exit_code == 5, result.output
        assert "error: /dev/null: is not a regular file, so it cannot hold a store: pass --store with the path of a " \
               "file" in result.output
        assert "delete this file" not in result.output
        assert existed or not journal.exists()
    finally:
        if not existed and journal.exists():     # the old code made it
            journal.unlink()


@pytest.mark.slow
def test_regression_a_full_disk_under_the_store_is_named_and_a_rerun_recovers(tmp_path, small_disk):
    disk = small_disk("300k")
    store = disk / "store.sqlite"
    inputs = [SAMPLE / name for name in ("CAN_indc_2015.pdf", "PRY_indc_2015.pdf", "NER_indc_2015.pdf")]
    full = _scan_cli(tmp_path, store, *inputs)
    assert full.exception is None or isinstance(full.exception, SystemExit), full.output
    assert full.exit_code == 5
    assert re.search(r"error: .*disk/store\.sqlite: the disk is full \(database or disk is full\): free some space on "
                     r"that disk .* and run the same command again: what is stored is kept", full.output)
    small_disk("64m")
    again = _scan_cli(tmp_path, store, *inputs)
    assert again.exit_code == 0, again.output
    assert "Scanned 3 documents" in again.output


def test_passages_around_are_the_neighbours_in_reading_order(small_store):
    """The workbench asks the store for a passage's neighbours instead of reading the whole document."""
    from ndc_scan.review.queue import NEIGHBOUR_KINDS

    with Store(small_store, create=False) as store:
        for doc_id in store.document_ids():
            passages = store.passages(doc_id, NEIGHBOUR_KINDS)
            for i, passage in enumerate(passages):
                expected = (passages[i - 1] if i else None, passages[i + 1] if i + 1 < len(passages) else None)
                assert store.passages_around(passage, NEIGHBOUR_KINDS) == expected
        assert sum(len(store.passages(d, NEIGHBOUR_KINDS)) for d in store.document_ids()) > 100


def test_the_generation_moves_with_every_change_the_reports_read_and_only_then(tmp_path, canada):
    """Store.generation: what says a folder's reports are current. A write by a scan, a reviewer or SQL typed by hand
    moves it; a scan that finds everything as it was (same labelling in use, same failure) does not."""
    from ndc_scan.records import Failure

    document, pages, passages, info = canada
    with Store(tmp_path / "s.sqlite") as db:
        store_id, start = db.generation()
        assert re.fullmatch(r"[0-9a-f]{32}", store_id)
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_tags(DOC_ID, "tax-a", "rules", [], [])
        db.use_labelling([DOC_ID], "tax-a")
        saved = db.generation()
        assert saved[1] != start
        db.use_labelling([DOC_ID], "tax-a")                  # already the labelling in use: nothing written
        assert db.generation() == saved
        failure = Failure(path="in/x.pdf", problem="is not a PDF", remedy="remove it", error="NotPdfError")
        db.save_failure(failure)
        failed = db.generation()
        assert failed != saved
        db.save_failure(failure)                            # the same failure again
        assert db.generation() == failed
        db.save_tags(DOC_ID, "tax-b", "rules", [], [])
        db.use_labelling([DOC_ID], "tax-b")
        labelled_b = db.generation()
        db.use_labelling([DOC_ID], "tax-a")                  # back to the first labelling: a change
        moved = db.generation()
        assert len({failed, labelled_b, moved}) == 3
        db.db.execute("UPDATE documents SET iso3='FRA'")      # by hand
        db.db.commit()
        assert db.generation()[0] == store_id and db.generation() != moved
    with Store(tmp_path / "other.sqlite") as other:
        assert other.generation()[0] != store_id


def test_store_of_schema_6_gets_metadata_keys_and_a_generation(small_store):
    """Schema 6 → 7: documents.meta_key ('' : the next scan infers metadata once more) and the generation rows and
    triggers; nothing stored is lost."""
    labels = "SELECT doc_id, concept, level, counted FROM predictions ORDER BY 1, 2, 3"
    with Store(small_store) as store:
        before = [tuple(row) for row in sql(store, labels)]
    db = sqlite3.connect(small_store)
    triggers = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    assert len(triggers) == 24
    db.executescript("".join(f"DROP TRIGGER {name};" for name in triggers) +
                     "ALTER TABLE documents DROP COLUMN meta_key; DELETE FROM meta WHERE key IN ('generation', 'store_id');"
                     "UPDATE meta SET value='6' WHERE key='schema';")
    db.commit()
    db.close()
    with Store(small_store) as store:
        assert sql(store, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == SCHEMA_VERSION
        assert {row["meta_key"] for row in sql(store, "SELECT meta_key FROM documents")} == {""}
        assert [tuple(row) for row in sql(store, labels)] == before
        generation = store.generation()
        store.db.execute("UPDATE predictions SET level = level")
        store.db.commit()
        assert store.generation() != generation


@pytest.mark.parametrize("tables", [["CREATE TABLE photos (id INTEGER, path TEXT)"],
                                    ["CREATE TABLE meta (k TEXT, v TEXT)", "CREATE TABLE documents (x)"]])
def test_a_database_of_another_program_is_refused_and_left_as_it_is(tmp_path, tables):
    # It got this store's twelve tables and WAL mode for good; with a "meta" table of its own the scan failed half-way
    # with an internal error (no such column: value).
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as other:
        for statement in tables:
            other.execute(statement)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is an SQLite database of another program, not an ndc_scan store"):
        Store(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()                 # an empty SQLite file becomes a store
    with Store(empty) as db:
        assert db.document_ids() == []


def test_the_latest_labelling_counts_when_the_clock_is_set_back(tmp_path, canada, monkeypatch):
    """Which labels count is the order of the scans, not the wall clock: labels written, copied or used by a scan
    on a machine whose clock is behind the store's (set back, or another machine's on a shared store) still count."""
    import time

    from ndc_scan.store import database

    document, pages, passages, info = canada
    label = functools.partial(_wetlands_label, passages[0])
    with Store(tmp_path / "s.sqlite") as db:
        db.save_document(document, pages, passages, "plumber-1", info)
        db.save_tags(DOC_ID, "tax-a", "rules", [], [label(1)])
        db.use_labelling([DOC_ID], "tax-a")
        assert [r["level"] for r in db.labels_that_count()] == [1]
        monkeypatch.setattr(database.time, "time", lambda: time.mktime((2001, 1, 1, 0, 0, 0, 0, 0, -1)))
        db.save_tags(DOC_ID, "tax-b", "rules", [], [label(2)])           # labelled "in 2001", after tax-a
        db.use_labelling([DOC_ID], "tax-b")
        assert [(r["taxonomy_hash"], r["level"]) for r in db.labels_that_count()] == [("tax-b", 2)]
        db.use_labelling([DOC_ID], "tax-a")                                  # back to tax-a, still in the past
        assert [(r["taxonomy_hash"], r["level"]) for r in db.labels_that_count()] == [("tax-a", 1)]
        assert db.earlier_labelling(DOC_ID, "rules", "") is None              # no taxonomy terms kept: none
        db.save_taxonomy("tax-b", [])
        db.copy_labellings([(DOC_ID, "tax-b")], "tax-c")                     # a taxonomy change that keeps tax-b's labels
        db.use_labelling([DOC_ID], "tax-c")
        assert [(r["taxonomy_hash"], r["level"]) for r in db.labels_that_count()] == [("tax-c", 2)]
        stamps = [r[0] for r in db.db.execute("SELECT tagged_at FROM tagged ORDER BY tagged_at")]
        assert len(set(stamps)) == len(stamps) == 3
