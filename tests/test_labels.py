"""The hand labels themselves: document labels are well formed and quote the PDFs they cite;
the evaluation documents never share a country with the training passages."""

import re

import pandas as pd
import pytest

from ndc_scan.learn.labels import FITTED, HELD_OUT, load_labels
from ndc_scan.taxonomy import CONCEPT_IDS

from .conftest import ROOT, corpus_pdf

LABELS_DIR = ROOT / "corpora" / "labels"
DOCUMENT_LABELS = ["documents.csv", "documents_dev.csv"]
BLIND_SETS = ["blind", "blind2"]          # scored once each; never tuned on (corpora/labels/blind*/README.md)
LEVEL_NAMES = {0: "absent", 1: "mention", 2: "commitment", 3: "quantified_target"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.mark.parametrize("name", DOCUMENT_LABELS + [f"{b}/documents.csv" for b in BLIND_SETS])
def test_document_labels_are_well_formed(name):
    labels = pd.read_csv(LABELS_DIR / name, keep_default_na=False)
    for file, rows in labels.groupby("file"):
        assert sorted(rows["concept"]) == sorted(CONCEPT_IDS), file
    for row in labels.itertuples():
        where = f"{name}: {row.file} {row.concept}"
        assert LEVEL_NAMES[int(row.level)] == row.level_name, where
        assert bool(str(row.pages)) == (int(row.level) > 0), where
        assert bool(row.quote) == (int(row.level) > 0), where
        assert len(row.quote) <= 300, where
        assert row.labeller and row.labelled_at and row.guideline, where


@pytest.mark.parametrize("name", DOCUMENT_LABELS)
def test_every_quote_is_on_a_page_it_cites(name):
    import pdfplumber
    import pypdfium2

    labels = pd.read_csv(LABELS_DIR / name, keep_default_na=False)
    missing = []
    for file, rows in labels[labels["level"] > 0].groupby("file"):
        path = corpus_pdf(file)            # skips when ../shared is absent
        pdfium, plumber = pypdfium2.PdfDocument(str(path)), pdfplumber.open(path)
        try:
            for row in rows.itertuples():
                quote = _squash(row.quote)
                pages = [int(p) for p in str(row.pages).split(";")]
                texts = [_squash(pdfium[p - 1].get_textpage().get_text_range()) for p in pages]
                if not any(quote in text for text in texts):
                    texts = [_squash(plumber.pages[p - 1].extract_text()) for p in pages]
                if not any(quote in text for text in texts):
                    missing.append(f"{file} {row.concept} pages {row.pages}: {quote[:60]!r}")
        finally:
            pdfium.close()
            plumber.close()
    assert not missing, "\n".join(missing)


def test_no_evaluation_document_is_trained_on():
    passages = load_labels(LABELS_DIR / "passages.jsonl")
    held_out = {p.iso3 for p in passages if p.split in HELD_OUT}
    fitted = {p.iso3 for p in passages if p.split in FITTED}
    assert held_out and fitted and not held_out & fitted                 # a country is fitted or held out, never both
    trained_files = {p.file for p in passages if p.split in FITTED}
    dev_documents = set(pd.read_csv(LABELS_DIR / "documents.csv")["file"])
    # The 24 documents read in full that score a model: their countries are held out, none of their passages fitted.
    assert len(dev_documents) == 24 and {f[:3] for f in dev_documents} <= held_out
    assert not dev_documents & trained_files
    # The 12 documents of the second check come from fitted countries (stated in the README): rules only.
    second = set(pd.read_csv(LABELS_DIR / "documents_dev.csv")["file"])
    assert len(second) == 12 and {f[:3] for f in second} <= fitted


@pytest.mark.parametrize("blind", BLIND_SETS)
def test_a_blind_set_shares_no_country_with_anything_tuned_on(blind):
    """A blind set's countries are in no label file, in neither other blind set, and not in ../shared/corpora/ndc."""
    own = set(pd.read_csv(LABELS_DIR / blind / "MANIFEST.csv")["iso3"])
    others = {p.iso3 for p in load_labels(LABELS_DIR / "passages.jsonl")}
    for name in ("documents.csv", "documents_dev.csv", "targets.csv"):
        others |= {f[:3] for f in pd.read_csv(LABELS_DIR / name)["file"]}
    for other in BLIND_SETS:
        if other != blind:
            others |= set(pd.read_csv(LABELS_DIR / other / "MANIFEST.csv")["iso3"])
    shared = ROOT.parent / "shared" / "corpora" / "ndc" / "MANIFEST.csv"
    if shared.exists():
        others |= {f[:3] for f in pd.read_csv(shared)["file"]}
    assert own and not own & others, sorted(own & others)
    documents = pd.read_csv(LABELS_DIR / blind / "documents.csv")
    assert set(documents["file"]) == set(pd.read_csv(LABELS_DIR / blind / "MANIFEST.csv")["file"])
