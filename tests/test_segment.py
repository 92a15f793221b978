"""Segmentation: passages lie inside their page text, ids are stable, headings carry over."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan.passages.segment import MAX_CHARS, PAGE_BLOCK_SEPARATOR, reads_as_prose, segment
from ndc_scan.read.pages import read_pdf
from ndc_scan.records import PAGE_OK, Block, Page

from .conftest import FAKE_ID, SAMPLE, corpus_pdf, sample_pages


@pytest.fixture(scope="module", params=["KEN_indc_2015", "NER_indc_2015", "PRY_indc_2015", "TJK_indc_2015"])
def real_pages(request):
    return sample_pages(f"{request.param}.pdf")


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


@pytest.mark.parametrize("name", ["KEN_indc_2015", "NER_indc_2015"])
def test_ids_are_stable_across_runs(name):
    # The same file read again (not the same pages segmented twice) gives the same passage ids.
    first = [p.passage_id for p in segment(sample_pages(f"{name}.pdf"))]
    again, _ = read_pdf(SAMPLE / f"{name}.pdf", FAKE_ID)
    assert first == [p.passage_id for p in segment(again)]
    assert len(set(first)) == len(first)


def test_long_paragraphs_are_cut_at_sentences(real_pages):
    for passage in segment(real_pages):
        if passage.kind == "paragraph" and len(passage.text) > MAX_CHARS:
            # Only a single sentence longer than the limit may exceed it.
            assert passage.text.count(". ") == 0


def test_heading_path_carries_across_pages():
    pages = sample_pages("NER_indc_2015.pdf")
    passages = list(segment(pages))
    afolu = [p for p in passages if p.page_no == 7 and p.text.startswith("Le secteur AFOLU se caractérise")]
    assert afolu and afolu[0].heading_path == "4. COMPOSANTE ATTENUATION > 4.2. Scénario de référence > 4.2.1. Secteur AFOLU"
    # The first paragraph of page 7 continues the section begun on page 6.
    first_on_7 = next(p for p in passages if p.page_no == 7)
    assert first_on_7.heading_path.startswith("4. COMPOSANTE ATTENUATION")


def test_table_of_contents_passages_are_marked_and_not_content():
    pages = sample_pages("NER_indc_2015.pdf")
    passages = list(segment(pages))
    sommaire = [p for p in passages if p.heading_path.endswith("SOMMAIRE")]
    assert sommaire and all(p.kind in ("reference", "toc") for p in sommaire)


def test_an_annex_of_acronyms_is_a_reference_list_and_the_next_annex_is_content():
    # NER_indc_2015 p16 "8.1. Annexe 1 : Sigles et acronymes": its table ("PASADEM | Projet d'Appui à la Sécurité
    # Alimentaire pour le dévelop. de Maradi …") had counted as an SLM commitment; "8.2. Annexe 2 : Bénéfices et coûts
    # annuels prévisionnels des mesures d'adaptation" (p17) holds the measures' areas and stays content.
    passages = list(segment(sample_pages("NER_indc_2015.pdf")))
    acronyms = [p for p in passages if p.heading_path.endswith("Annexe 1 : Sigles et acronymes")]
    assert len(acronyms) >= 4 and {p.kind for p in acronyms} == {"reference"}
    assert any(p.text.startswith("PASADEM | Projet d'Appui") for p in acronyms)
    costs = [p for p in passages if p.page_no == 17 and p.kind != "heading"]
    assert costs and "reference" not in {p.kind for p in costs}


@pytest.mark.parametrize("text, prose", [
    ("6. How the Party considers that its NDC is fair and ambitious in the light of its national circumstances", False),
    ("i. Energy Sector", False),
    ("Box 1: List of NDC measures and their estimated* international funding needs for implementation 2020-2030", False),
    ("2. ADAPTATION COMMITMENTS", False),
    ("relacionados con", True),
    ("shrubland and cropland)", True),
    ("Promote energy saving and improve energy efficiency. China enforced the dual control of", True),
    ("Guinea has ratified the other two Rio conventions and put together national strategies to combat "
     "desertification and soil degradation, as well as conserve biodiversity. Implementation of these two strategies "
     "will also facilitate adaptation to climate change.", True),
])
def test_a_heading_that_reads_as_prose(text, prose):
    assert reads_as_prose(text) is prose


def test_prose_set_as_a_heading_is_a_paragraph_that_still_heads_what_follows():
    # GIN_ndc_2016 p5 sets paragraphs in bold, which the layout reads as headings: they were never tagged ("national
    # strategies to combat desertification and soil degradation"). They are paragraph passages now; the passages after
    # one keep it in their heading path, as before (its context decides their levels).
    pages, _ = read_pdf(corpus_pdf("GIN_ndc_2016.pdf"), FAKE_ID)
    passages = list(segment(pages))
    rio = [p for p in passages if p.text.startswith("Guinea has ratified the other two Rio conventions")]
    assert [p.kind for p in rio] == ["paragraph"]
    napa = next(p for p in passages if p.text.startswith("Guinea finalized its National Adaptation Plan of Action"))
    after = passages[passages.index(napa) + 1]
    assert napa.kind == "paragraph" and after.kind == "paragraph"
    assert after.heading_path.split(" > ")[-1].startswith("Guinea finalized its National Adaptation Plan")


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


def test_long_prose_set_as_a_heading_is_cut_at_sentences_like_a_paragraph():
    # 16 such headings of the corpus are longer than MAX_CHARS (up to 2,157 characters)
    text = " ".join(f"Sentence number {i} says that the country will restore degraded land in region {i}." for i in range(40))
    blocks = (Block(kind="heading", text="1. CONTEXT", level=1), Block(kind="heading", text=text, level=2),
              Block(kind="paragraph", text="After it.", level=0))
    page = Page(doc_id=FAKE_ID, page_no=1, text=PAGE_BLOCK_SEPARATOR.join(b.text for b in blocks), n_chars=100,
                quality=PAGE_OK, blocks=blocks)
    passages = list(segment([page]))
    pieces = [p for p in passages if p.text.startswith("Sentence number")]
    assert len(pieces) > 1 and all(p.kind == "paragraph" and len(p.text) <= MAX_CHARS for p in pieces)
    assert "".join(p.text for p in pieces).replace(" ", "") == text.replace(" ", "")
    assert passages[-1].heading_path.startswith("1. CONTEXT > Sentence number 0")
