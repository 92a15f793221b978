"""Citation details: a document matched to the registry catalogs by hash, file name, or party + kind + date."""

import csv

import pytest

from ndc_scan.aggregate.citations import _from_pdf, kind_of, load_catalogs, match

from .conftest import CORPUS


def _match(catalogs, **doc):
    defaults = dict(doc_id="0" * 64, file_name="renamed.pdf", iso3="", kind="", year=None, language="fr")
    return match(catalogs, **{**defaults, **doc})


def test_file_name_of_the_registry_finds_the_registry_entry():
    entry, how = _match(load_catalogs(), file_name="CDN_Niger_Révisée_2021.pdf")
    assert how == "file name"
    assert (entry.title, entry.submitted, entry.kind) == ("Niger First NDC (Updated submission)", "2021-12-13",
                                                          "ndc-updated")
    assert entry.url.startswith("https://unfccc.int/sites/default/files/NDC/2022-06/CDN_Niger")


def test_party_kind_and_date_prefer_the_documents_language():
    french, how = _match(load_catalogs(), iso3="CAN", kind="indc", year=2015, language="fr")
    english, _ = _match(load_catalogs(), iso3="CAN", kind="indc", year=2015, language="en")
    assert how == "party, kind and date" and french.language == "fr" and english.language == "en"
    assert _match(load_catalogs(), iso3="CAN", kind="indc", year=2019) is None


def test_hash_in_a_manifest_finds_the_file_it_was_taken_from():
    manifest = CORPUS / "MANIFEST.csv"
    if not manifest.exists():
        pytest.skip("../shared/corpora/ndc not beside the repository")
    row = next(r for r in csv.DictReader(open(manifest, encoding="utf-8")) if r["file"] == "NER_indc_2015.pdf")
    entry, how = _match(load_catalogs([manifest]), doc_id=row["sha256"], file_name="x.pdf")
    assert how == "hash" and entry.iso3 == "NER" and entry.kind == "indc" and entry.submitted == "2015-10-20"


def test_without_a_match_the_pdfs_own_metadata_is_used():
    assert _from_pdf({"Title": " Kenya  INDC ", "CreationDate": "D:20150724045536"}) == \
        ("Kenya INDC", "2015-07-24", "", "PDF metadata (title and creation date; not a submission date)")
    assert _from_pdf({}) == ("", "", "", "")


@pytest.mark.parametrize("title, file_type, version, kind", [
    ("Niger First NDC (Archived)", "NDC", "1", "ndc"), ("Niger First NDC (Updated submission)", "NDC", "2", "ndc-updated"),
    ("Zambia NDC 3.0", "NDC", "3", "ndc3"), ("Australia’s second NDC", "NDC", "1", "ndc2"), ("", "INDC", "", "indc"),
])
def test_kinds_of_catalog_rows(title, file_type, version, kind):
    assert kind_of(title, file_type, version) == kind
