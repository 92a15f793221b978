"""Interrupting a scan (SIGKILL, Ctrl-C) loses nothing: a re-run finishes the job with the same results."""

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow       # see setup.cfg: make test-fast leaves these out

DOCS = ["KEN_indc_2015.pdf", "CAN_indc_2015.pdf", "PRY_indc_2015.pdf", "NER_indc_2015.pdf", "MNG_indc_2015.pdf",
        "TJK_indc_2015.pdf"]


def _arguments(tmp_path, name):
    return ["scan", *[str(SAMPLE / d) for d in DOCS], "--no-ocr", "--quiet",
            "--store", str(tmp_path / f"{name}.sqlite"), "--out", str(tmp_path / name)]


def _command(tmp_path, name):
    return [sys.executable, "-m", "ndc_scan", *_arguments(tmp_path, name)]


def _stored(store) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _as_at_a_terminal():
    # A command started in the background by a shell without job control (``cmd &`` in a script, as a CI runner may
    # do) inherits SIGINT ignored, and Python then never turns Ctrl-C into KeyboardInterrupt: the scan under test
    # gets SIGINT as a terminal gives it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(tmp_path, name, sig, after_documents=2):
    process = subprocess.Popen(_command(tmp_path, name), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_at_a_terminal)
    deadline = time.time() + 300
    while _stored(tmp_path / f"{name}.sqlite") < after_documents:
        assert process.poll() is None, process.communicate()
        assert time.time() < deadline, "the scan did not get going"
        time.sleep(0.05)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


@pytest.fixture(scope="module")
def clean_coverage(tmp_path_factory):
    """The coverage of the same scan left alone, run in-process (CliRunner): a Python start and a cold import of
    spaCy fewer than a subprocess. The interrupted scans and their re-runs stay subprocesses, each with a hash seed
    of its own, so a result that depended on the seed would still differ from this one."""
    from click.testing import CliRunner

    from ndc_scan.cli import main

    tmp_path = tmp_path_factory.mktemp("clean")
    result = CliRunner().invoke(main, _arguments(tmp_path, "clean"))
    assert result.exit_code == 0, result.output
    return (tmp_path / "clean" / "coverage.csv").read_text(encoding="utf-8")


def test_kill_9_half_way_then_rerun_gives_the_same_coverage(tmp_path, clean_coverage):
    code, _ = _interrupt(tmp_path, "killed", signal.SIGKILL)
    assert code == -signal.SIGKILL
    done = _stored(tmp_path / "killed.sqlite")
    assert 2 <= done < len(DOCS)
    with sqlite3.connect(tmp_path / "killed.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rerun = subprocess.run(_command(tmp_path, "killed"), cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert (tmp_path / "killed" / "coverage.csv").read_text(encoding="utf-8") == clean_coverage


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path, clean_coverage):
    code, stderr = _interrupt(tmp_path, "stopped", signal.SIGINT)
    assert code == 130
    assert "interrupted: every document finished so far is kept in the store" in stderr
    rerun = subprocess.run(_command(tmp_path, "stopped"), cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0
    assert (tmp_path / "stopped" / "coverage.csv").read_text(encoding="utf-8") == clean_coverage
