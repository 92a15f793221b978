"""Shared fixtures: the real NDC corpus beside the repository and the bundled sample."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
CORPUS = ROOT.parent / "shared" / "corpora" / "ndc"
LABELS = ROOT / "corpora" / "labels" / "documents.csv"
FAKE_ID = "0" * 64


def sql(store, query: str, params: tuple = ()) -> list:
    """Rows of a raw SQL query on an open Store, as dicts: tests look inside; the package calls named methods."""
    cursor = store.db.execute(query, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def corpus_pdf(name: str) -> Path:
    """A PDF of ../shared/corpora/ndc, or skip the test when the corpus is not beside the repo."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not found: clone the repository next to shared/ to run corpus tests")
    return path


@pytest.fixture(scope="session")
def taxonomy():
    from ndc_scan.taxonomy import load_taxonomy

    return load_taxonomy()


@pytest.fixture(scope="session")
def tagger(taxonomy):
    from ndc_scan.passages.tag import Tagger

    return Tagger(taxonomy)


#: Three small sample NDCs: French text layer (CAN), Spanish (PRY), scanned (SRB).
SMALL = ("CAN_indc_2015.pdf", "PRY_indc_2015.pdf", "SRB_indc_2015.pdf")


@pytest.fixture
def small(tmp_path):
    """A folder (tmp_path/in) holding copies of the SMALL sample NDCs."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(SAMPLE / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def small_scan(tmp_path_factory):
    """One scan of the three SMALL sample NDCs as `ndc-scan scan` runs it by default (shipped model), without OCR.

    Tests copy its store (``small_store``) so that a re-scan of the same files reads nothing again.
    """
    from ndc_scan import scan
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    folder = tmp_path_factory.mktemp("small-scan")
    inputs = folder / "in"
    inputs.mkdir()
    for name in SMALL:
        shutil.copy(SAMPLE / name, inputs / name)
    scan([inputs], out=None, store=folder / "store.sqlite", model=DEFAULT_MODEL_DIR, ocr=False, jobs=2)
    return folder / "store.sqlite"


@pytest.fixture
def small_store(small_scan, tmp_path):
    """A copy of the session's scan of SMALL, at tmp_path/store.sqlite (where test_cli's scans write)."""
    path = tmp_path / "store.sqlite"
    shutil.copy(small_scan, path)
    return path


@pytest.fixture
def small_disk(tmp_path):
    """A full disk made real: a 1 MB file system (tmpfs) at tmp_path/disk, resized by calling it with a size
    (``small_disk("300k")``, ``small_disk("64m")``); skipped where mounting is not allowed (not root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs (a real full disk)")

    def resize(size: str) -> Path:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)
        return mount
    yield resize
    subprocess.run(["umount", "-l", str(mount)], check=False)
