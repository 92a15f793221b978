"""Aggregation helpers: quotes and the latest document per country."""

import pandas as pd

from ndc_scan.aggregate.coverage import NO_TEXT, latest_documents, quote


def test_quote_is_centred_on_the_term_and_cut_at_words():
    text = " ".join(["alpha"] * 120 + ["agroforestry"] + ["omega"] * 120)
    snippet = quote(text, "agroforestry", limit=120)
    assert "agroforestry" in snippet
    assert snippet.startswith("…alpha") and snippet.endswith("omega…")
    assert len(snippet) <= 122


def test_short_text_is_quoted_whole():
    assert quote("Promote  agroforestry.\n", "agroforestry") == "Promote agroforestry."


def test_latest_document_by_year_then_kind():
    documents = pd.DataFrame([
        {"doc_id": "a", "iso3": "CAN", "document": "a.pdf", "year": 2015, "kind": "indc", "read_status": "ok"},
        {"doc_id": "b", "iso3": "CAN", "document": "b.pdf", "year": 2021, "kind": "ndc-updated", "read_status": "ok"},
        {"doc_id": "c", "iso3": "CAN", "document": "c.pdf", "year": 2017, "kind": "ndc", "read_status": "ok"},
        {"doc_id": "d", "iso3": "", "document": "unknown.pdf", "year": None, "kind": "", "read_status": NO_TEXT},
    ])
    latest = latest_documents(documents)
    assert sorted(latest["doc_id"]) == ["b", "d"]
