"""Segmentation: passages lie inside their page text, ids are stable, headings carry over."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan.passages.segment import MAX_CHARS, PAGE_BLOCK_SEPARATOR, segment
from ndc_scan.read.pages import read_pdf
from ndc_scan.records import PAGE_OK, Block, Page

from .conftest import FAKE_ID, SAMPLE


@pytest.fixture(scope="module", params=["KEN_indc_2015", "NER_indc_2015", "PRY_indc_2015", "TJK_indc_2015"])
def real_pages(request):
    pages, _ = read_pdf(SAMPLE / f"{request.param}.pdf", FAKE_ID)
    return pages


def test_every_passage_is_its_page_text_at_its_offsets(real_pages):
    passages = list(segment(real_pages))
    assert len(passages) > 20
    by_page = {p.page_no: p.text for p in real_pages}
    for passage in passages:
        assert by_page[passage.page_no][passage.start:passage.end] == passage.text


def test_passages_do_not_overlap_and_are_in_reading_order(real_pages):
    passages = list(segment(real_pages))
    for a, b in zip(passages, passages[1:]):
        assert (a.page_no, a.end) <= (b.page_no, b.start)


def test_ids_are_stable_across_runs(real_pages):
    first = [p.passage_id for p in segment(real_pages)]
    again, _ = read_pdf(SAMPLE / "KEN_indc_2015.pdf", FAKE_ID)
    assert first == [p.passage_id for p in segment(real_pages)]
    assert len(set(first)) == len(first)


def test_long_paragraphs_are_cut_at_sentences(real_pages):
    for passage in segment(real_pages):
        if passage.kind == "paragraph" and len(passage.text) > MAX_CHARS:
            # Only a single sentence longer than the limit may exceed it.
            assert passage.text.count(". ") == 0


def test_heading_path_carries_across_pages():
    pages, _ = read_pdf(SAMPLE / "NER_indc_2015.pdf", FAKE_ID)
    passages = list(segment(pages))
    afolu = [p for p in passages if p.page_no == 7 and p.text.startswith("Le secteur AFOLU se caractérise")]
    assert afolu and afolu[0].heading_path == "4. COMPOSANTE ATTENUATION > 4.2. Scénario de référence > 4.2.1. Secteur AFOLU"
    # The first paragraph of page 7 continues the section begun on page 6.
    first_on_7 = next(p for p in passages if p.page_no == 7)
    assert first_on_7.heading_path.startswith("4. COMPOSANTE ATTENUATION")


def test_table_of_contents_passages_are_marked_and_not_content():
    pages, _ = read_pdf(SAMPLE / "NER_indc_2015.pdf", FAKE_ID)
    passages = list(segment(pages))
    sommaire = [p for p in passages if p.heading_path.endswith("SOMMAIRE")]
    assert sommaire and all(p.kind in ("reference", "toc") for p in sommaire)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=2500)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["paragraph", "table", "heading", "toc"]), _text), min_size=1, max_size=8))
def test_property_passages_inside_page_text(blocks):
    records = tuple(Block(kind=k, text=t, level=1 if k == "heading" else 0) for k, t in blocks)
    page = Page(doc_id=FAKE_ID, page_no=1, text=PAGE_BLOCK_SEPARATOR.join(b.text for b in records),
                n_chars=100, quality=PAGE_OK, blocks=records)
    passages = list(segment([page]))
    for passage in passages:
        assert 0 <= passage.start < passage.end <= len(page.text)
        assert page.text[passage.start:passage.end] == passage.text
        assert passage.text == passage.text.strip()
    assert [p.passage_id for p in passages] == [p.passage_id for p in segment([page])]
