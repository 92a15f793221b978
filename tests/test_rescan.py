"""A re-scan does only what changed, on the small sample NDCs.

Metadata is inferred again only when its inputs changed (file name, --lang, --metadata, the
code); the reports are written again only when what they are made from changed (the store,
the documents, the failures, taxonomy, catalogs) or when a report in the folder was deleted
or edited; the model's pipelines are deserialised only when a passage needs them.
"""

import shutil

import pandas as pd
import pytest

from ndc_scan import scan
from ndc_scan.classify.model import load_model
from ndc_scan.defaults import DEFAULT_MODEL_DIR, DEFAULT_TAXONOMY
from ndc_scan.records import Decision
from ndc_scan.report.manifest import MANIFEST
from ndc_scan.store import Store

from .conftest import SAMPLE, sql


def _scan(inputs, out, store, **settings):
    return scan([inputs], out=out, store=store, **{"model": DEFAULT_MODEL_DIR, "ocr": False, "jobs": 1, **settings})


def _stamps(out):
    return {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}


def _no_inference(*args, **kwargs):
    raise AssertionError("metadata inferred again although nothing it is made from changed")


def test_a_rescan_with_nothing_changed_writes_no_report_and_infers_no_metadata(small, small_store, tmp_path,
                                                                                monkeypatch):
    out = tmp_path / "out"
    first = _scan(small, out, small_store)
    assert not first.reports_current and (out / MANIFEST).is_file()
    assert first.summary["documents"] == 3 and first.summary["pages"] > 0
    before = _stamps(out)
    monkeypatch.setattr("ndc_scan.work.tasks.infer_meta", _no_inference)
    again = _scan(small, out, small_store)
    assert again.failures == [] and again.reports_current and again.written == []
    assert again.summary == first.summary
    assert _stamps(out) == before                          # not one report file touched
    assert [d.meta for d in again.documents] == [d.meta for d in first.documents]
    # The tables are still there for the Python API: built from the store when asked for.
    pd.testing.assert_frame_equal(again.tables.coverage, first.tables.coverage)
    pd.testing.assert_frame_equal(again.tables.passages, first.tables.passages)


def test_reports_are_written_again_when_a_report_or_the_store_changed(small, small_store, tmp_path):
    out = tmp_path / "out"
    first = _scan(small, out, small_store)
    (out / "coverage.csv").unlink()
    (out / "briefs" / next(p.name for p in (out / "briefs").iterdir())).write_text("edited by hand", encoding="utf-8")
    again = _scan(small, out, small_store)
    assert not again.reports_current and (out / "coverage.csv").is_file()
    assert "edited by hand" not in {p.read_text(encoding="utf-8") for p in (out / "briefs").iterdir() if p.is_file()}
    assert _scan(small, out, small_store).reports_current
    # A reviewer's decision changes what the reports say: they are made again, with it.
    with Store(small_store) as db:
        label = sql(db, "SELECT p.text_hash, l.concept, l.level FROM predictions l JOIN passages p USING (passage_id) "
                        "WHERE l.counted = 1")[0]
        db.save_decision(Decision(text_hash=label["text_hash"], concept=label["concept"], decision="accept",
                                  reviewer="ana", decided_at="2026-12-06T10:00:00Z", level=label["level"]))
    decided = _scan(small, out, small_store)
    assert not decided.reports_current and decided.summary["reviewed"] == first.summary["reviewed"] + 1
    # Another folder has no reports yet; a folder moved elsewhere has links relative to its old place; a scan of
    # fewer files makes other reports.
    assert not _scan(small, tmp_path / "elsewhere", small_store).reports_current
    shutil.move(str(tmp_path / "elsewhere"), str(tmp_path / "moved"))
    assert not _scan(small, tmp_path / "moved", small_store).reports_current
    (small / "CAN_indc_2015.pdf").unlink()
    fewer = _scan(small, out, small_store)
    assert not fewer.reports_current and fewer.summary["documents"] == 2


def test_metadata_is_inferred_again_when_its_inputs_change(small, small_store, tmp_path):
    out = tmp_path / "out"
    detected = {d.file_name: d.meta.language for d in _scan(small, out, small_store).documents}
    assert detected["CAN_indc_2015.pdf"] == "fr" and detected["PRY_indc_2015.pdf"] == "es"
    forced = _scan(small, out, small_store, lang="pt")
    assert {d.meta.language for d in forced.documents} == {"pt"} and not forced.reports_current
    with Store(small_store, create=False) as db:
        assert {db.document(d.doc_id).meta.language for d in forced.documents} == {"pt"}
    back = _scan(small, out, small_store)
    assert {d.file_name: d.meta.language for d in back.documents} == detected
    # A renamed file is the same document (its bytes), described again from its new name.
    (small / "PRY_indc_2015.pdf").rename(small / "PRY_ndc_2020.pdf")
    renamed = {d.file_name: d for d in _scan(small, out, small_store).documents}
    assert renamed["PRY_ndc_2020.pdf"].meta.year == 2020 and renamed["PRY_ndc_2020.pdf"].meta.kind != "indc"


def _levels(result):
    coverage = result.tables.coverage
    return {(r.document, r.concept): int(r.level) for r in coverage.itertuples() if pd.notna(r.level)}


def test_a_new_language_labels_the_document_again(small, small_store, tmp_path):
    # A scan with the wrong --lang, then without: the documents went back to their languages but kept the labels
    # made with the wrong language's terms (Paraguay absent everywhere) until the store was deleted (issue 15 review).
    first = _scan(small, tmp_path / "a", small_store)
    wrong = _scan(small, tmp_path / "b", small_store, lang="fr")
    changed = sum(d.meta.language != "fr" for d in first.documents)            # Canada's INDC is in French already
    assert changed == 2 and wrong.retagged == changed
    assert _levels(wrong) == _levels(_scan(small, tmp_path / "c", tmp_path / "fresh-fr.sqlite", lang="fr"))
    back = _scan(small, tmp_path / "d", small_store)
    assert back.retagged == changed and _levels(back) == _levels(first)
    assert _levels(first) != _levels(wrong)


def test_the_model_is_deserialised_only_when_a_passage_needs_it(small, small_store, tmp_path):
    out = tmp_path / "out"
    model = load_model(DEFAULT_MODEL_DIR, lazy=True)
    assert model.pipeline is None and model.pending
    assert _scan(small, out, small_store, model=model).reused == 3
    assert model.pipeline is None                          # every passage's labels were stored: nothing to predict
    shutil.copy(SAMPLE / "KEN_indc_2015.pdf", small / "KEN_indc_2015.pdf")
    result = _scan(small, out, small_store, model=model)
    assert result.extracted == 1 and model.pipeline is not None and model.level_pipeline is not None
    assert result.classifier.startswith("hybrid:")


def test_a_tampered_model_fails_before_the_scan_even_when_loaded_lazily(tmp_path):
    from ndc_scan.errors import ModelError

    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    target = next(p for p in folder.iterdir() if p.suffix == ".skops")
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(ModelError, match="does not match the card"):
        load_model(folder, lazy=True)


def _decide(store, decision):
    """A reviewer's decision on the first counted label (as `ndc-scan review` stores it)."""
    with Store(store) as db:
        label = sql(db, "SELECT p.text_hash, l.concept, l.level FROM predictions l JOIN passages p USING (passage_id) "
                        "WHERE l.counted = 1 ORDER BY p.text_hash, l.concept")[0]
        db.save_decision(Decision(text_hash=label["text_hash"], concept=label["concept"], decision=decision,
                                  reviewer="ana", decided_at="2026-12-06T10:00:00Z",
                                  level=label["level"] if decision == "accept" else None))


def test_a_store_restored_from_a_copy_and_changed_otherwise_gets_new_reports(small, small_store, tmp_path):
    """The store's generation is a random value, not a count: a copy changed in another way never meets the value
    the original had when the reports were written."""
    out = tmp_path / "out"
    _scan(small, out, small_store)
    backup = tmp_path / "backup.sqlite"
    shutil.copy(small_store, backup)
    _decide(small_store, "accept")
    accepted = _scan(small, out, small_store)
    assert not accepted.reports_current
    shutil.copy(backup, small_store)
    _decide(small_store, "reject")
    rejected = _scan(small, out, small_store)
    assert not rejected.reports_current
    assert rejected.summary["not_counted"] == accepted.summary["not_counted"] + 1


def test_files_the_scan_did_not_write_do_not_count_and_a_bad_manifest_is_not_trusted(small, small_store, tmp_path):
    import json
    import os

    out = tmp_path / "out"
    _scan(small, out, small_store)
    # A brief made by `ndc-scan briefs`, a note with a name that is not UTF-8: not the scan's files.
    (out / "briefs" / "CAN.docx").write_bytes(b"made by ndc-scan briefs")
    with open(os.path.join(os.fsencode(out / "briefs"), b"notes_\xff.txt"), "wb") as handle:
        handle.write(b"mine")
    assert _scan(small, out, small_store).reports_current
    (out / "briefs" / "CAN.docx").write_bytes(b"made again, other bytes")
    assert _scan(small, out, small_store).reports_current
    # Reports name the taxonomy file: another path with the same terms makes them again.
    copy = tmp_path / "taxonomy.csv"
    shutil.copy(DEFAULT_TAXONOMY, copy)
    assert not _scan(small, out, small_store, taxonomy=copy).reports_current
    # A manifest edited by hand (a figure missing, a file name with a NUL byte) is not trusted, and is no crash.
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for edit in ({**manifest, "summary": {k: v for k, v in manifest["summary"].items() if k != "pages"}},
                 {**manifest, "files": {**manifest["files"], "a\u0000b": "0" * 64}}):
        (out / MANIFEST).write_text(json.dumps(edit), encoding="utf-8")
        result = _scan(small, out, small_store, taxonomy=copy)
        assert not result.reports_current and result.summary["pages"] > 0
