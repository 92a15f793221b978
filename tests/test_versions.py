"""Version comparison on real countries with several NDCs, and the change rules."""

import pandas as pd
import pytest

from ndc_scan import scan
from ndc_scan.aggregate.versions import TRANSLATION, change, figures, translations

from .conftest import SAMPLE, corpus_pdf


@pytest.mark.parametrize("before, after, expected", [
    (0, 0, "absent in both"), (0, 2, "added"), (3, 0, "dropped"), (1, 3, "strengthened"), (3, 2, "weakened"),
    (2, 2, "unchanged"), (pd.NA, 2, "not comparable"), (1, None, "not comparable"),
])
def test_change(before, after, expected):
    assert change(before, after) == expected


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    # New Zealand: INDC 2015 and first NDC 2016; Qatar: the INDC in Arabic and its English translation.
    paths = [corpus_pdf("NZL_indc_2015.pdf"), corpus_pdf("NZL_ndc_2016.pdf"), SAMPLE / "QAT_indc_2015_ar.pdf",
             corpus_pdf("QAT_indc_2015_en.pdf")]
    store = tmp_path_factory.mktemp("versions") / "store.sqlite"
    return scan(paths, out=None, store=store, ocr=False).tables


def test_every_concept_of_every_step_is_compared(tables):
    versions = tables["versions"]
    assert sorted(versions["iso3"].unique()) == ["NZL", "QAT"]
    assert len(versions) == 2 * 10
    nzl = versions[versions["iso3"] == "NZL"]
    assert set(nzl["from_document"]) == {"NZL_indc_2015.pdf"} and set(nzl["to_document"]) == {"NZL_ndc_2016.pdf"}
    assert set(nzl["relation"]) == {"next submission"}
    assert set(versions[versions["iso3"] == "QAT"]["relation"]) == {TRANSLATION}


def test_changes_agree_with_coverage_and_quote_both_versions(tables):
    levels = tables["coverage"].set_index(["document", "concept"])["level"]
    for row in tables["versions"].itertuples(index=False):
        assert row.from_level == levels[(row.from_document, row.concept)]
        assert row.to_level == levels[(row.to_document, row.concept)]
        assert row.change == change(row.from_level, row.to_level)
        assert bool(row.from_quote) == (row.from_level > 0) and bool(row.to_quote) == (row.to_level > 0)


def test_progress_leaves_translations_out(tables):
    progress = tables["progress"]
    assert len(progress) == 10 and set(progress["countries"]) == {1}
    counted = progress[["added", "strengthened", "unchanged", "weakened", "dropped", "absent_in_both",
                        "not_comparable"]].sum(axis=1)
    assert set(counted) == {1}


def _texts(*names):
    import pypdfium2

    found = []
    for name in names:
        pdf = pypdfium2.PdfDocument(str(corpus_pdf(name)))
        found += [(name, pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    return found


def test_figures_are_digits_in_any_grouping_and_never_years():
    assert figures("1,500,000 ha; 1 500 000 ha; 1.500.000 ha; 2,5 %; 1.5 °C; Article 4.2; 100%; by 2030; 145 000 km; "
                   "١٢٣٤ ha") == {"1500000", "145000", "1234"}


@pytest.mark.parametrize("languages, same", [
    # (file, language) pairs of one country; the same figures in two languages: a text and its translation
    ((("GIN_indc_2015.pdf", "fr"), ("GIN_ndc_2016.pdf", "en")), True),       # the English "NDC 2016" is the INDC
    ((("RUS_indc_2015.pdf", "ru"), ("RUS_ndc_2019.pdf", "en")), False),     # one shared figure: too few to tell
    ((("KWT_indc_2015.pdf", "ar"), ("KWT_ndc_2018.pdf", "en")), True),
    ((("DZA_indc_2015_fr.pdf", "fr"), ("DZA_indc_2015_en.pdf", "en")), True),
    ((("MAR_indc_2015.pdf", "fr"), ("MAR_ndc_2016.pdf", "en")), False),      # a later pledge in another language
    ((("CAN_indc_2015.pdf", "fr"), ("CAN_ndc_2017.pdf", "en")), False),
    ((("JPN_indc_2015.pdf", "en"), ("JPN_ndc-updated_2020.pdf", "en")), False),   # the same figures, one language
])
def test_a_text_and_its_translation_are_one_submission(languages, same):
    # An adversarial audit of the briefs: Guinea's and Russia's translations were "next submissions", so the
    # Guinea brief said agroforestry was dropped (the English file's reading missed it).
    documents = pd.DataFrame([{"doc_id": name, "iso3": name[:3], "language": language, "kind": "", "year": None}
                              for name, language in languages])
    found = translations(documents, _texts(*documents["doc_id"]))
    assert found == ({frozenset(documents["doc_id"])} if same else set())
