"""Shared fixtures: the real NDC corpus beside the repository and the bundled sample."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
CORPUS = ROOT.parent / "shared" / "corpora" / "ndc"
LABELS = ROOT / "corpora" / "labels" / "documents.csv"
FAKE_ID = "0" * 64


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
    from ndc_scan.tag import Tagger

    return Tagger(taxonomy)
