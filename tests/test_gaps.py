"""Gap rules and the gap score."""

import pandas as pd
import pytest

from ndc_scan.aggregate.gaps import RULES, WEIGHTS, find_gaps, gap_score
from ndc_scan.taxonomy import CONCEPT_IDS

NO_TARGETS = pd.DataFrame(columns=["concepts", "measure", "conditional"])
PAGES = dict.fromkeys(CONCEPT_IDS, "p. 4")


def levels(**given):
    return {c: given.get(c, 0) for c in CONCEPT_IDS}


def rules(found):
    return [rule for rule, _ in found]


def test_gap_score_bounds_and_weights():
    assert gap_score(levels()) == 100.0
    assert gap_score(dict.fromkeys(CONCEPT_IDS, 3)) == 0.0
    assert sum(WEIGHTS.values()) == 13
    # Soil carbon weighs 3 of 13: quantifying it alone closes 3×3 of the 39 points.
    assert gap_score(levels(soil_carbon=3)) == round(100 * 30 / 39, 1)
    assert gap_score(levels(soil_carbon=3)) < gap_score(levels(wetlands=3))


def test_nothing_on_land_names_the_agriculture_passages(taxonomy):
    found = find_gaps(levels(), land_passages=7, concept_passages=0, pages=PAGES, targets=NO_TARGETS,
                      soc_monitoring=False, taxonomy=taxonomy)
    assert rules(found) == ["nothing_on_land", "soil_carbon_absent", "no_soc_monitoring"]
    assert "addressed (7 passages)" in found[0][1]
    assert found[1][1] == "Soil carbon is absent."               # not the agriculture count a second time


def test_soil_carbon_absent_while_land_is_addressed(taxonomy):
    found = find_gaps(levels(agroforestry=2, wetlands=1), land_passages=12, concept_passages=5, pages=PAGES,
                      targets=NO_TARGETS, soc_monitoring=False, taxonomy=taxonomy)
    assert rules(found) == ["soil_carbon_absent", "slm_no_area_target", "peat_wetland_no_measure", "no_soc_monitoring"]
    assert found[0][1] == ("Agriculture and land use are addressed (12 passages), the 10 soil and land concepts in "
                           "5 passages, but soil carbon is absent.")
    assert found[1][1] == ("Land management practices are named (agroforestry) but no area target (hectares or "
                           "share of land) is given.")
    assert found[2][1] == "Wetlands are mentioned (p. 4) without measures."


def test_an_area_target_tied_to_a_practice_closes_the_slm_gap(taxonomy):
    targets = pd.DataFrame([{"concepts": "agroforestry;land_restoration", "measure": "area",
                             "conditional": "conditional"}])
    found = find_gaps(levels(soil_carbon=2, agroforestry=3, land_restoration=2), land_passages=3,
                      concept_passages=3, pages=PAGES, targets=targets, soc_monitoring=True, taxonomy=taxonomy)
    assert rules(found) == ["soil_carbon_no_target", "targets_conditional"]


@pytest.mark.parametrize("soc, expected", [(0, "soil_carbon_absent"), (1, "soil_carbon_mention"),
                                           (2, "soil_carbon_no_target")])
def test_soil_carbon_rules(taxonomy, soc, expected):
    found = find_gaps(levels(soil_carbon=soc, wetlands=2), land_passages=1, concept_passages=1, pages=PAGES,
                      targets=NO_TARGETS, soc_monitoring=True, taxonomy=taxonomy)
    assert expected in rules(found)
    assert set(rules(found)) <= set(RULES)
