"""Plain words for readers: quotes in the marks and direction of their script, terms, each passage quoted once."""

from pathlib import Path

import pytest

from ndc_scan.report.briefs import same_passage
from ndc_scan.report.plain import is_rtl, page_link, quote_html, quoted, terms_in_words

ARABIC = "تعزيز الإدارة المستدامة للأراضي وحماية التربة من التعرية"


def test_regression_arabic_quotes_get_their_marks_on_the_right_side():
    # Issue 17: “…” were put around Arabic text in a left-to-right block, so the opening mark stood at its end.
    html = quote_html(ARABIC)
    assert html == f'<span dir="rtl" lang="ar" class=quote>«{ARABIC}»</span>'
    assert quoted(ARABIC) == f"«{ARABIC}»" and quoted("soil carbon") == "“soil carbon”"
    assert quote_html("a <b> c") == "<span class=quote>“a &lt;b&gt; c”</span>"
    assert is_rtl(ARABIC + " (CO2, 2030)") and not is_rtl("Restaurer 2 millions d'hectares")


def test_terms_in_words_drop_the_taxonomy_notation():
    assert terms_in_words("soil carbon;carbon ~ soil|soils|topsoil") == "“soil carbon”, “carbon” near “soil”"
    assert terms_in_words("углерод* ~ почв*") == "“углерод…” near “почв…”"
    assert terms_in_words("") == ""


def test_page_link_is_relative_to_the_report(tmp_path):
    pdf = tmp_path / "ndcs" / "Niger INDC.pdf"
    assert page_link(str(pdf), 7, tmp_path / "reports" / "briefs") == \
        '<a href="../../ndcs/Niger%20INDC.pdf#page=7">p. 7</a>'
    assert page_link("", 7, Path(".")) == "p. 7" and page_link(str(pdf), None, tmp_path) == ""


def test_regression_the_same_passage_is_quoted_once():
    # Issue 17: two concepts whose strongest passage is the same showed it twice, cut at two places.
    text = ("restauration des terres agrosylvo-pastorales : 1 030 000 ha ; régénération naturelle assistée (RNA) : "
            "1 100 000 ha ; fixation des dunes : 550 000 ha")
    assert same_passage("…de projets en cours " + text[:90] + " …", "…" + text[20:] + " …")
    assert not same_passage(text, "Le Niger s'engage à réduire ses émissions de gaz à effet de serre de 2,5 % d'ici 2030")


def test_a_documents_link_follows_its_symlink_again_for_each_report_writing(tmp_path, monkeypatch):
    """pdf_href resolves a document's path once (a report links its pages many times); every report writing starts
    afresh (``write_all`` calls ``forget_links``), so a symlink pointed elsewhere since is followed."""
    from ndc_scan.report import files, plain

    for folder in ("a", "b", "out"):
        (tmp_path / folder).mkdir()
    (tmp_path / "ndcs").symlink_to(tmp_path / "a")
    document, out = str(tmp_path / "ndcs" / "KEN.pdf"), tmp_path / "out"
    assert plain.pdf_href(document, out) == "../a/KEN.pdf"
    (tmp_path / "ndcs").unlink()
    (tmp_path / "ndcs").symlink_to(tmp_path / "b")
    assert plain.pdf_href(document, out) == "../a/KEN.pdf"          # within one writing: resolved once
    def stop(folder):
        raise RuntimeError("stopped after the links were forgotten")

    monkeypatch.setattr(files, "check_folder", stop)
    with pytest.raises(RuntimeError):
        files.write_all(None, out, taxonomy=None)                  # the next report writing
    assert plain.pdf_href(document, out) == "../b/KEN.pdf"
