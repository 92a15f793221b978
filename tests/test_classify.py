"""Rule labels on real passages: levels, quantities, flags."""

import pytest

from ndc_scan.classify.hybrid import RULES_GATE, HybridClassifier, combine, review_reasons
from ndc_scan.classify.rules import RuleClassifier
from ndc_scan.classify.targets import extract
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
    ("dos millones de hectáreas", "dos millones de hectáreas"),
    ("reduce bare fallow to 30%", "30%"),
    ("5 MtCO2e", "5 MtCO2e"),
    ("1 500 000 ha", "1 500 000 ha"),
])
def test_quantities_found(text, found):
    lang = "fr" if "hectares" in text and "millions" in text else "es" if "millones" in text else "en"
    assert found in [t.quantity for t in extract(text, lang=lang, aim=True)]


@pytest.mark.parametrize("text", [
    "a budget of US$ 300 million", "40.000.000 US$ para el inicio", "coût : 15 000 FCFA",
    # NER_indc_2015 p8: a share of the costs is not a land target.
    "montre une mobilisation des financements à hauteur de 10% des coûts de la mise à l'échelle",
    "2% of GDP",
])
def test_money_is_not_a_quantity(text):
    assert extract(text, lang="fr" if "des" in text or "FCFA" in text else "en", aim=True) == []


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


# ---------------------------------------------------------------- rules + learned model


@pytest.fixture(scope="module")
def shipped_model():
    from ndc_scan.classify.model import load_model

    from .conftest import ROOT

    return load_model(ROOT / "models" / "ndc-soil")


def test_combine_follows_the_gate():
    gate = {"veto": 0.3, "add": 0.8}
    assert combine(True, 0.31, gate) and not combine(True, 0.29, gate)
    assert combine(False, 0.8, gate) and not combine(False, 0.79, gate)
    assert combine(True, 0.0, RULES_GATE) and not combine(False, 1.0, RULES_GATE)


@pytest.mark.parametrize("rule, probability, kept, level, band, expected", [
    (True, 0.9, True, 2, (0.35, 0.65), ""),
    (True, 0.2, False, 2, (0.35, 0.65), "disagree"),
    (False, 0.55, False, 1, (0.35, 0.65), "disagree;uncertain"),
    (False, 0.4, False, 1, (0.35, 0.65), "uncertain"),
    (True, 0.95, True, 3, (0.35, 0.65), "target"),
    (True, 0.5, True, 3, (0.0, 0.0), "target"),
])
def test_review_reasons(rule, probability, kept, level, band, expected):
    assert review_reasons(rule, probability, kept, level, band) == expected


def test_hybrid_keeps_rule_evidence_and_probability(tagger, shipped_model):
    text = ("The country will restore 2 million hectares of degraded land by 2030 through sustainable land "
            "management and agroforestry.")
    passage = _passage(text)
    predictions = {p.concept: p for p in HybridClassifier(shipped_model).predict(passage, _matches(tagger, passage))}
    restoration = predictions["land_restoration"]
    assert restoration.counted and restoration.rule_level == 3 and restoration.level == 3
    assert 0.5 < restoration.probability <= 1.0
    assert "target" in restoration.review and restoration.method.startswith("hybrid:ndc-soil:")
    assert restoration.terms


def test_hybrid_overrules_the_rules_on_a_methodology_title(tagger, shipped_model):
    # MYS_ndc-updated_2021 p6: "Wetlands" ends the title of an IPCC methodology report (a rules false positive).
    passage = _passage(("IPCC Methodologies: Malaysia uses the 2006 IPCC Guidelines for National GHG Inventories to estimate "
                       "anthropogenic GHG emissions and removals, IPCC Good Practice Guidance and Uncertainty Management in National "
                       "Greenhouse Gas Inventories, and the 2013 Supplement to the 2006 IPCC Guidelines for National Greenhouse Gas "
                       "Inventories: Wetlands. Metrics: The 100-year time horizon GWP values from the IPCC's Fifth Assessment Report "
                       "or any future updates will be used to calculate the CO 2 equivalent emissions and removals in accordance "
                       "with Decision 18/CMA.1."), heading="5. Assumptions and methodological approaches")
    wetlands = next(p for p in HybridClassifier(shipped_model).predict(passage, _matches(tagger, passage))
                    if p.concept == "wetlands")
    assert wetlands.rule_level >= 1 and not wetlands.counted and "disagree" in wetlands.review


def test_band_must_be_ordered(shipped_model):
    with pytest.raises(ValueError, match="0 <= low <= high <= 1"):
        HybridClassifier(shipped_model, band=(0.7, 0.3))


def _passage(text, heading=""):
    return Passage(passage_id="p1", doc_id=FAKE_ID, page_no=1, start=0, end=len(text), text=text,
                   heading_path=heading, kind="paragraph")


def _matches(tagger, passage, lang="en"):
    return tagger.tag([passage], lang).get(passage.passage_id, [])


@pytest.mark.parametrize("file, page, heading, text, kind", [
    # concepts.md's decided case: an inventory or accounting category is a mention; the level model had made these
    # two commitments ("will be included", "will be determined later" read as intent).
    ("CHE_indc_2015.pdf", 1, "A.) Up-front Information",
     "Base year: 1990 Emissions in base year: 53.3 Mt per year (provisional, will be defined through the inventory "
     "submissions). Base year emissions from non-forest land (cropland, grassland, wetlands, settlements, other land) "
     "will be included, as necessary, after completion of a current study on these emissions1 . Emissions/removals from "
     "forest land are not included in the base year, since only the net change in emissions is accounted for this "
     "sector.", "paragraph"),
    ("MYS_indc_2016.pdf", 2, "MALAYSIA'S INTENDED NATIONALLY DETERMINED CONTRIBUTION",
     "LULUCF The inclusion of non-forest land (cropland, grassland, wetlands and settlement) will be determined later.",
     "paragraph"),
    # an entry of a list of acronyms: what a name stands for, not what the country does
    ("GIN_ndc_2016.pdf", 3, "LIST OF ACRONYMS AND ABBREVIATIONS > Housing)",
     "SDAM | Schéma directeur d'aménagement de la mangrove (Mangrove management and development", "table"),
])
def test_hybrid_keeps_inventory_categories_and_acronyms_mentions(tagger, shipped_model, file, page, heading, text, kind):
    import pypdfium2

    from .conftest import corpus_pdf

    passage = Passage(passage_id="p1", doc_id=FAKE_ID, page_no=page, start=0, end=len(text), text=text,
                      heading_path=heading, kind=kind)
    wetlands = next(p for p in HybridClassifier(shipped_model).predict(passage, _matches(tagger, passage))
                    if p.concept == "wetlands")
    assert wetlands.counted and wetlands.level == 1
    page_text = pypdfium2.PdfDocument(corpus_pdf(file))[page - 1].get_textpage().get_text_range().replace("’", "'")
    assert "".join(text.replace(" | ", "").split())[:60] in "".join(page_text.split())
