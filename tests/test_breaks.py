"""A sentence that a page break cuts in two keeps its target (``classify.breaks``)."""

import pytest

from ndc_scan.classify.breaks import across_breaks, continuations, goes_on, runs_on
from ndc_scan.classify.rules import RuleClassifier
from ndc_scan.classify.targets import extract
from ndc_scan.records import Passage

from .conftest import FAKE_ID

HEADING = "INDC > ii) in land use change and forests"
# BRA_indc_2015 pp. 7-8 as the scan reads them
BEFORE = ("iv) in the agriculture sector, strengthen the Low Carbon Emission Agriculture Program (ABC) as the main "
          "strategy for sustainable agriculture development, including by restoring an additional 15 million hectares of")
AFTER = ("degraded pasturelands by 2030 and enhancing 5 million hectares of integrated cropland-livestock-forestry "
         "systems (ICLFS) by 2030;")


def _passages(*pages, heading=HEADING):
    """Passages of consecutive pages: each item (page_no, text) or (page_no, text, heading_path)."""
    made = []
    for i, (page_no, text, *path) in enumerate(pages):
        made.append(Passage(passage_id=f"p{i}", doc_id=FAKE_ID, page_no=page_no, start=0, end=len(text), text=text,
                            heading_path=path[0] if path else heading, kind="paragraph"))
    return made


def _labelled(tagger, passages, lang="en"):
    found = tagger.tag(passages, lang)
    return across_breaks(passages, found, RuleClassifier().predict_many(passages, found, lang), lang)


@pytest.mark.parametrize("text, open_end", [
    ("restoring an additional 15 million hectares of", True),
    ("Development and implementation of an intensive agroforestry programme with", True),
    ("la restauration des terres dégradées, notamment", True),
    ("la mise en place de", True),
    ("el establecimiento de sistemas agroforestales en", True),
    ("восстановление деградированных земель и", True),
    ("the following measures,", True),
    ("restoring 15 million hectares of degraded pasturelands by 2030.", False),
    ("The measures are the following:", False),
    ("Reduced GHG emissions from farm land and increased carbon sink through agro forestry practices", False),
    # table cells: "NO", "N/A", "a(ii)a" end on no word of running text
    ("Use of international market mechanisms | NO", False),
    ("Sectoral coverage | N/A", False),
    ("Paragraph a(ii)a", False),
])
def test_a_page_runs_on_after_a_word_that_cannot_end_a_sentence(text, open_end):
    assert runs_on(_passages((1, text))[0]) is open_end


@pytest.mark.parametrize("text, continues", [
    ("degraded pasturelands by 2030", True),
    ("a target of covering 100% of arable land by 2030.", True),
    ("Degraded pasturelands will be restored.", False),
    ("a) restore degraded pasturelands", False),
    ("iii) tripling to nearly quadrupling the share", False),
    ("2030 and beyond", False),
    ("ii. restore degraded pasturelands", False),
    ("b. restore degraded pasturelands", False),
    ("o restore degraded pasturelands", False),
])
def test_the_next_page_goes_on_when_it_opens_in_lower_case(text, continues):
    assert goes_on(_passages((2, text))[0]) is continues


def test_the_last_open_paragraph_of_a_page_pairs_with_the_first_of_the_next():
    footnote = "10 Source: OECD (2015), Renewable energy (indicator). Accessed on 2 September 2015."
    passages = _passages((7, "In addition, Brazil also intends to:"), (7, BEFORE), (7, footnote), (8, AFTER))
    assert [(a.passage_id, b.passage_id) for a, b in continuations(passages)] == [("p1", "p3")]
    # not under another heading, not across two pages, not from a page that ends a sentence
    assert continuations(_passages((7, BEFORE), (8, AFTER, "INDC > v) in the industry sector"))) == []
    assert continuations(_passages((7, BEFORE), (9, AFTER))) == []
    assert continuations(_passages((7, BEFORE + " 2030."), (8, AFTER))) == []
    # a paragraph that closes its sentence after the open one: the page's text ends there, not with the open one
    assert continuations(_passages((7, BEFORE), (7, "Brazil will also reduce emissions."), (8, AFTER))) == []
    # a side cell that closes no sentence may stand after it (RWA 2015 p5)
    side = "Reduced GHG emissions from farm land and increased carbon sink through agro forestry practices"
    assert [(a.passage_id, b.passage_id) for a, b in continuations(_passages((7, BEFORE), (7, side), (8, AFTER)))] \
        == [("p0", "p2")]


def test_a_target_cut_by_a_page_break_is_the_passage_where_its_sentence_begins(tagger):
    passages = _passages((7, BEFORE), (8, AFTER))
    labels = {(p.passage_id, p.concept): p for p in _labelled(tagger, passages)}
    grazing = labels[("p0", "grazing_management")]
    assert grazing.level == 3 and grazing.terms == labels[("p1", "grazing_management")].terms
    [target] = grazing.targets
    assert (target.norm_value, target.norm_unit, target.year) == (15e6, "ha", 2030)
    assert target.sentence.startswith("iv) in the agriculture sector") and "degraded pasturelands by 2030" in target.sentence
    assert labels[("p0", "land_restoration")].level == 3
    # each half alone: no such target; the next page keeps its own (ICLFS: agroforestry)
    alone = RuleClassifier().predict_many(passages, tagger.tag(passages, "en"), "en")
    assert not any(t.norm_value == 15e6 for p in alone for t in p.targets)
    assert [t.norm_value for t in labels[("p1", "agroforestry")].targets] == [5e6]
    assert not labels[("p1", "grazing_management")].targets


def test_a_figure_the_next_page_states_is_not_listed_twice(tagger):
    # the next page has the figure (and its concept) without a year, the first page the year: the figure is the next
    # page's target already; joined, it must not come out a second time with the year
    passages = _passages((7, "By 2030 the country will, among other measures,"),
                         (8, "restore 15 million hectares of degraded pasturelands."))
    labelled = _labelled(tagger, passages)
    figures = [(p.passage_id, t.norm_value) for p in labelled for t in p.targets]
    assert ("p1", 15e6) in figures and ("p0", 15e6) not in figures


def test_a_page_break_without_a_new_target_changes_nothing(tagger):
    passages = _passages((3, "The country will promote the restoration of"), (4, "degraded lands and agroforestry."))
    found = tagger.tag(passages, "en")
    before = RuleClassifier().predict_many(passages, found, "en")
    assert across_breaks(passages, found, before, "en") == before


def test_a_target_of_covering_is_an_aim_and_forests_covering_are_a_status():
    # RWA_indc_2015 p. 6; "covering" before a figure says what land is, unless it is the target's
    assert [(t.quantity, t.year) for t in extract(
        "Development and implementation of an intensive agroforestry programme with a target of covering 100% of "
        "arable land by 2030.")] == [("100%", 2030)]
    assert extract("Forests covering 30% of the country will be protected by 2030.") == []
