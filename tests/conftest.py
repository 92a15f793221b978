"""Shared fixtures: the real NDC corpus beside the repository and the bundled sample; headless Chromium."""

import functools
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


@functools.cache
def sample_pages(name: str, engine: str = "pdfplumber") -> tuple:
    """The pages ``read_pdf`` gives for the sample NDC ``name`` (FAKE_ID, no OCR), read once a session.

    Pages are frozen records (tuples inside), so tests can share them; test_extract, test_boxes, test_segment,
    test_ocr, test_rulings, test_tag and test_metadata check the same few reads. Only where nothing the reading
    depends on is patched: a test that patches OCR, Tesseract or the reader calls ``read_pdf`` itself.
    """
    from ndc_scan.read.pages import read_pdf

    pages, _ = read_pdf(SAMPLE / name, FAKE_ID, engine=engine)
    return tuple(pages)


def corpus_pdf(name: str) -> Path:
    """A PDF of ../shared/corpora/ndc, or skip the test when the corpus is not beside the repo."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not found: clone the repository next to shared/ to run corpus tests")
    return path


@pytest.fixture(scope="session", autouse=True)
def libraries_imported_before_workers_fork():
    """spaCy with its language classes, and langdetect's profiles, loaded once in the test process.

    Every in-process scan forks its worker processes from here; each worker used to import spaCy and the
    languages it met, and load langdetect's profiles, again (French's tokenizer exceptions alone take 2 s
    a worker, a scan of three documents took twice as long). Forked workers now inherit them; each still
    builds its own pipelines and lemma tables, as in a real scan. Scans run as subprocesses (test_resume,
    test_pipeline, test_cli's FIFO test) still import everything cold.
    """
    import spacy.util
    from langdetect.detector_factory import init_factory

    from ndc_scan.passages.tag import SPACY_LANGS

    for lang in (*SPACY_LANGS, "xx"):
        spacy.util.get_lang_class(lang)
    init_factory()


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


def scan_copies(folder: Path, paths) -> Path:
    """Scan copies of ``paths`` (in ``folder``/in) as `ndc-scan scan` runs by default (shipped model), without OCR;
    return the store, ``folder``/store.sqlite."""
    from ndc_scan import scan
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    inputs = folder / "in"
    inputs.mkdir()
    for path in paths:
        shutil.copy(path, inputs / path.name)
    scan([inputs], out=None, store=folder / "store.sqlite", model=DEFAULT_MODEL_DIR, ocr=False, jobs=2)
    return folder / "store.sqlite"


@pytest.fixture(scope="session")
def small_scan(tmp_path_factory):
    """One scan of the three SMALL sample NDCs as `ndc-scan scan` runs it by default (shipped model), without OCR.

    Tests copy its store (``small_store``) so that a re-scan of the same files reads nothing again.
    """
    return scan_copies(tmp_path_factory.mktemp("small-scan"), [SAMPLE / name for name in SMALL])


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


FIXTURES = ROOT / "tests" / "fixtures"
#: The workbench's documents: Niger (French; flagged labels, quantified targets), Qatar (Arabic, right to left),
#: and a hostile PDF (markup, "javascript:" text and link, a right-to-left override) that must stay inert.
WORKBENCH = (SAMPLE / "NER_indc_2015.pdf", SAMPLE / "QAT_indc_2015_ar.pdf", FIXTURES / "hostile_workbench.pdf")


@pytest.fixture(scope="session")
def workbench_scan(tmp_path_factory):
    """One scan of WORKBENCH with the shipped model (so labels are flagged for review), without OCR."""
    return scan_copies(tmp_path_factory.mktemp("workbench-scan"), WORKBENCH)


@pytest.fixture
def workbench_store(workbench_scan, tmp_path):
    """A copy of the session's WORKBENCH scan (the PDFs stay where they were scanned)."""
    path = tmp_path / "store.sqlite"
    shutil.copy(workbench_scan, path)
    return path


def skip_or_fail(reason):
    """Skip where the browser is missing, except in CI (CI=true), which installs it: there it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (in CI the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, one per test module (the report and workbench browser tests)."""
    from ndc_scan.report.brief_files import chromium_path

    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium not found (apt-get install chromium, or set NDC_SCAN_CHROMIUM); .ci/run installs it")
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        skip_or_fail("Playwright not installed: pip install -e '.[test]'")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()
