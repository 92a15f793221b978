"""Document scores as shared/spec/labelling.md defines them: presence, pages, levels, targets, languages."""

from types import SimpleNamespace

import pandas as pd
import pytest

from ndc_scan.errors import UsageError
from ndc_scan.learn.documents import load_document_labels, score_documents
from ndc_scan.taxonomy import CONCEPT_IDS

DOCS = {"AAA_indc_2015.pdf": "en", "BBB_indc_2015.pdf": "fr"}


def _labels(tmp_path, levels, targets):
    """Labels files: ``levels`` {(file, concept): (level, pages)}, every other cell absent; ``targets`` rows."""
    rows = [{"file": f, "concept": c, "level": levels.get((f, c), (0, ""))[0], "pages": levels.get((f, c), (0, ""))[1]}
            for f in DOCS for c in CONCEPT_IDS]
    pd.DataFrame(rows).to_csv(tmp_path / "documents.csv", index=False)
    pd.DataFrame(targets, columns=["file", "concept", "page", "value", "unit", "year"]).to_csv(
        tmp_path / "targets.csv", index=False)
    pd.DataFrame([{"file": f, "language": lang} for f, lang in DOCS.items()]).to_csv(tmp_path / "manifest.csv",
                                                                                      index=False)
    return load_document_labels(tmp_path / "documents.csv", tmp_path / "targets.csv", tmp_path / "manifest.csv")


def _tables(levels, targets):
    """What the scan would hand over: coverage {(file, concept): (level, pages)} and target rows."""
    coverage = pd.DataFrame([{"document": f, "concept": c, "level": levels.get((f, c), (0, ""))[0],
                              "pages": levels.get((f, c), (0, ""))[1], "top_quote": "", "top_quote_page": None}
                             for f in DOCS for c in CONCEPT_IDS])
    documents = pd.DataFrame([{"document": f, "language": lang} for f, lang in DOCS.items()])
    found = pd.DataFrame(targets, columns=["document", "concepts", "norm_value", "norm_unit", "target_year"])
    return SimpleNamespace(coverage=coverage, documents=documents, targets=found)


GOLD = {("AAA_indc_2015.pdf", "wetlands"): (3, "4;9"), ("AAA_indc_2015.pdf", "agroforestry"): (2, "5"),
        ("BBB_indc_2015.pdf", "soil_carbon"): (1, "2")}


def test_presence_pages_and_levels(tmp_path):
    tool = {("AAA_indc_2015.pdf", "wetlands"): (2, "4"),                 # found, one page of two, one level short
            ("AAA_indc_2015.pdf", "peatlands"): (1, "7"),                # a false positive
            ("BBB_indc_2015.pdf", "soil_carbon"): (1, "2")}              # agroforestry of AAA missed
    scores = score_documents(_labels(tmp_path, GOLD, []), _tables(tool, []))
    by = scores.concepts.set_index("concept")
    assert (by.loc["wetlands", "f1"], by.loc["agroforestry", "recall"], by.loc["peatlands", "precision"]) == (1.0, 0.0, 0.0)
    assert by.loc["micro", "page_precision"] == round(2 / 3, 3) and by.loc["micro", "page_recall"] == 0.5
    assert scores.confusion.loc["quantified_target", "commitment"] == 1
    assert scores.confusion.loc["commitment", "absent"] == 1 and scores.confusion.loc["absent", "mention"] == 1
    assert scores.summary["level_agreement"] == round(17 / 20, 3)
    languages = scores.languages.set_index("language")
    assert languages.loc["fr", "document_micro_f1"] == 1.0 and languages.loc["en", "document_micro_f1"] < 1.0


def test_regression_target_without_a_year_matches_one_without_a_year(tmp_path):
    # A target without a year read back from targets.csv was NaN, and NaN != None: it never matched (the dev figures
    # said precision 0.545, recall 0.382 where they were 0.818 and 0.588).
    gold = [("AAA_indc_2015.pdf", "wetlands", 9, 260000, "ha", ""), ("AAA_indc_2015.pdf", "wetlands", 4, 12, "%", 2030)]
    found = [("AAA_indc_2015.pdf", "wetlands", 260000.0, "ha", float("nan")),
             ("AAA_indc_2015.pdf", "wetlands", 12.0, "%", 2030.0)]
    scores = score_documents(_labels(tmp_path, GOLD, gold), _tables(GOLD, found))
    overall = scores.targets.set_index("concept").loc["all"]
    assert (overall["precision"], overall["recall"]) == (1.0, 1.0)


@pytest.mark.parametrize("found, matches", [
    (("AAA_indc_2015.pdf", "wetlands", 261000.0, "ha", None), True),      # within the value tolerance
    (("AAA_indc_2015.pdf", "wetlands", 300000.0, "ha", None), False),     # another figure
    (("AAA_indc_2015.pdf", "wetlands", 260000.0, "ha", 2030), False),     # a year the document does not give
    (("AAA_indc_2015.pdf", "peatlands", 260000.0, "ha", None), False),    # tied to another concept
    (("AAA_indc_2015.pdf", "wetlands;peatlands", 260000.0, "ha", None), True),   # counts for each concept it names
])
def test_a_target_matches_on_document_concept_value_unit_and_year(tmp_path, found, matches):
    gold = [("AAA_indc_2015.pdf", "wetlands", 9, 260000, "ha", "")]
    scores = score_documents(_labels(tmp_path, GOLD, gold), _tables(GOLD, [found]))
    assert scores.targets.set_index("concept").loc["all", "recall"] == (1.0 if matches else 0.0)


def test_a_labelled_document_missing_from_the_scan_is_an_error(tmp_path):
    tables = _tables(GOLD, [])
    tables.coverage = tables.coverage[tables.coverage["document"] != "BBB_indc_2015.pdf"]
    with pytest.raises(UsageError, match="the scan holds no rows for 1 labelled document"):
        score_documents(_labels(tmp_path, GOLD, []), tables)
