"""Rule labels on real passages: levels, quantities, flags."""

import pytest

from ndc_scan.classify import RuleClassifier, quantities
from ndc_scan.records import Passage

FAKE_ID = "0" * 64


def _levels(tagger, lang, text, heading=""):
    passage = Passage(passage_id="p1", doc_id=FAKE_ID, page_no=1, start=0, end=len(text), text=text,
                      heading_path=heading, kind="paragraph")
    matches = tagger.tag([passage], lang).get("p1", [])
    return {p.concept: p for p in RuleClassifier().predict(passage, matches)}


@pytest.mark.parametrize("text, found", [
    ("restore 2 million ha of degraded land by 2030", "2 million ha"),
    ("2,000,000 ha", "2,000,000 ha"),
    ("2.000.000 ha", "2.000.000 ha"),
    ("2 millions d'hectares", "2 millions d'hectares"),
    ("dos millones de hectáreas", "millones de hectáreas"),
    ("reduce bare fallow to 30%", "30%"),
    ("5 MtCO2e", "5 MtCO2e"),
    ("1 500 000 ha", "1 500 000 ha"),
])
def test_quantities_found(text, found):
    assert found in [text[s:e] for s, e in quantities(text)]


@pytest.mark.parametrize("text", [
    "a budget of US$ 300 million", "40.000.000 US$ para el inicio", "coût : 15 000 FCFA",
    # NER_indc_2015 p8: a share of the costs is not a land target.
    "montre une mobilisation des financements à hauteur de 10% des coûts de la mise à l'échelle",
    "2% of GDP",
])
def test_money_is_not_a_quantity(text):
    assert quantities(text) == []


def test_area_target_in_a_measure_is_quantified(tagger):
    # NER_indc_2015, annex of measures (French).
    text = "Restauration des terres dégradées : 1 100 000 ha d'ici 2030 (mesure conditionnelle)."
    found = _levels(tagger, "fr", text, heading="4.3. Mesures d'atténuation conditionnelles et inconditionnelles")
    assert found["land_restoration"].level == 3
    assert found["land_restoration"].conditional == "conditional"
    assert found["land_restoration"].component == "mitigation"


def test_a_measure_without_number_is_a_commitment(tagger):
    text = "• Promotion of agroforestry and conservation agriculture in the arid and semi-arid lands."
    found = _levels(tagger, "en", text, heading="2.2 Adaptation > Priority adaptation actions")
    assert found["agroforestry"].level == 2 and found["conservation_agriculture"].level == 2
    assert found["agroforestry"].component == "adaptation"


def test_context_only_is_a_mention(tagger):
    # KEN-style vulnerability statement: a need named without an action.
    text = "Soil erosion threatens yields in the highlands."
    assert _levels(tagger, "en", text, heading="1.1 National circumstances")["soil_conservation"].level == 1


def test_a_number_in_another_sentence_is_not_tied(tagger):
    text = "We will promote agroforestry. Energy demand will grow by 30% by 2030."
    assert _levels(tagger, "en", text)["agroforestry"].level == 2


def test_unconditional_wins_over_the_word_conditional_inside_it(tagger):
    text = "Unconditional: promote sustainable land management on 10,000 ha."
    found = _levels(tagger, "en", text)
    assert found["sustainable_land_management"].conditional == "unconditional"
    assert found["sustainable_land_management"].level == 3


def test_confidence_grows_with_evidence(tagger):
    one = _levels(tagger, "en", "We will promote agroforestry.")["agroforestry"].confidence
    two = _levels(tagger, "en", "We will promote agroforestry and silvopastoral systems.")["agroforestry"].confidence
    assert 0 < one < two <= 1
