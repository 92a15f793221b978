"""Tagging real NDC sentences in each language; negatives; offsets."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan.records import Passage

FAKE_ID = "0" * 64


def _passage(text, heading=""):
    return Passage(passage_id="p1", doc_id=FAKE_ID, page_no=1, start=0, end=len(text), text=text,
                   heading_path=heading, kind="paragraph")


def _concepts(tagger, lang, text):
    return sorted({m.concept for m in tagger.tag([_passage(text)], lang).get("p1", [])})


# Real sentences, quoted from the NDCs named (page numbers 1-based).
REAL = [
    ("en", "MNG_indc_2015 p7", "Improving pasture management would increase the carbon sink of CO 2 equivalent to 29 "
     "million tons per year, which is equal to 1/3 of emission reduction in energy sector.", ["grazing_management"]),
    ("fr", "NER_indc_2015 p7", "La faiblesse de fertilisation, la réduction des jachères et l'extension des terres de "
     "culture favorisent la dégradation des terres par le développement de l'érosion hydrique et éolienne",
     ["land_restoration", "soil_conservation"]),
    ("es", "CRI_indc_2015", "el manejo integrado del paisaje mediante sistemas agroforestales, el manejo de cuencas "
     "hidrográficas y el ordenamiento", ["agroforestry", "sustainable_land_management"]),
    ("es", "CRI_indc_2015", "También se ha actualizado el Plan de Acción Nacional para la Lucha contra la Degradación de "
     "Tierras", ["land_restoration"]),
    # No Portuguese NDC is in the corpus: Brazil's 2015 iNDC in its Portuguese version.
    ("pt", "BRA iNDC 2015 (pt)", "inclusive por meio da restauração adicional de 15 milhões de hectares de pastagens "
     "degradadas até 2030 e pelo incremento de 5 milhões de hectares de sistemas de integração "
     "lavoura-pecuária-florestas (iLPF) até 2030", ["agroforestry", "grazing_management", "land_restoration"]),
    ("ru", "RUS_indc_2015 p2", "защиты водных ресурсов, предотвращения эрозии почв и сохранения биоразнообразия",
     ["soil_conservation"]),
    ("ru", "TJK_indc_2015", "развитие садоводства и пастбищ;", ["grazing_management"]),
    ("fr", "MDG_indc_2015 p3", "• Contrôle des feux de forêts et des prairies.", ["grazing_management"]),
    ("fr", "COM_indc_2015 p9", "> L'arboriculture ; > Le reboisement ; > Un meilleur contrôle des feux de forêts et des "
     "prairies.", ["grazing_management"]),
    ("es", "URY_indc_2015 p4", "Uruguay introdujo extensamente el laboreo cero y recientemente, de manera "
     "preceptiva, ha implantado políticas conservacionistas", ["conservation_agriculture"]),
    # A list number glued to the first word by a hyphen (Tesseract's reading of the table).
    ("ar", "IRQ_indc_2015 p9 (OCR)", "١-إدارة الأراضي. ١ - تحسين تقنيات زراعة الأرز", ["sustainable_land_management"]),
    # Soil organic matter as an IPCC carbon pool is soil carbon, not fertility (concepts.md); the plural is the
    # lemma table's "matters" → "matter" while "matter" → "matt".
    ("en", "NOR_ndc-updated_2020 p5", "The five carbon pools above-ground biomass, below-ground biomass, litter, dead "
     "wood and soil organic matters are included.", ["soil_carbon"]),
    ("en", "MDA_ndc-updated_2020 p4", "promoting agroforestry and silvo-pastoral practices; sustainable management of "
     "forests and ecosystem services; organic matter restoration in degraded pastures.",
     ["agroforestry", "grazing_management", "land_restoration", "soil_fertility"]),
    ("en", "LAO_ndc-updated_2021 p22", "The measure involves reducing anaerobic decomposition of organic matter in rice "
     "cropping soils.", []),
    ("ru", "TJK_indc_2015 p5", "Леса и сады в условиях Таджикистана имеют важнейшее значение для сохранения горных "
     "экосистем и биоразнообразия, улучшения состояния земель и предотвращения их дальнейшей деградации",
     ["land_restoration"]),
    # A slash glued to the word after it ("/conservatoire") split from it.
    ("fr", "CMR_indc_2015 p11", "Programme 16 : Développement d'une agriculture intégrée et résiliente face aux effets "
     "des changements climatiques: aménagement de l'espace, choix des techniques agronomiques et intensification; "
     "Gestion des besoins en eau; développement de l'agriculture durable /conservatoire / durable; gestion des "
     "pollutions hydriques", ["conservation_agriculture"]),
]


@pytest.mark.parametrize("lang, source, text, expected", REAL, ids=[f"{r[0]}-{r[1]}" for r in REAL])
def test_real_sentences(tagger, lang, source, text, expected):
    assert _concepts(tagger, lang, text) == expected


@pytest.mark.parametrize("lang, text, concept", [
    ("fr", "restaurer les sols dégradés", "land_restoration"),
    ("en", "restore degraded soils", "land_restoration"),
    ("es", "recuperar los suelos degradados", "land_restoration"),
    # A term's word that the lemma table sends on to another lemma ("matter" → "matt", "manejo" → "manejar")
    # is its own lemma, shared with its plural.
    ("en", "the soil organic matters of croplands", "soil_fertility"),
    ("es", "los manejos sostenibles de tierras", "sustainable_land_management"),
])
def test_inflections_match_by_lemma(tagger, lang, text, concept):
    assert concept in _concepts(tagger, lang, text)


def test_coastal_erosion_is_not_soil_conservation(tagger):
    # CHN_ndc-updated_2021: "... rising sea levels, coastal erosion and increasing frequency ..."
    text = "thawing and retreating glaciers, rising sea levels, coastal erosion and increasing frequency"
    assert "soil_conservation" not in _concepts(tagger, "en", text)
    assert "soil_conservation" not in _concepts(tagger, "fr", "la lutte contre l'érosion côtière")


def test_carbon_sink_without_soil_is_not_soil_carbon(tagger):
    text = "carbon sinks of natural ecosystems will be increased with a capacity to absorb almost a half of the CO 2 emissions"
    assert "soil_carbon" not in _concepts(tagger, "en", text)


def _near_concepts(tagger, lang, text):
    """Concepts found by a near term (the matched term holds '~'), not by a phrase."""
    return sorted({m.concept for m in tagger.tag([_passage(text)], lang).get("p1", []) if "~" in m.term})


# Paraphrases only near terms find (two words within tag.NEAR_WINDOW tokens, no stop between).
# The first four are quoted from NDCs of train countries whose labels showed the phrases missing them.
NEAR_FOUND = [
    ("en", "JPN_indc_2015 p17", "• Promotion of soil management leading to the increase of carbon stock in cropland",
     "soil_carbon"),
    ("en", "PSE_ndc_2017 p17", "practices that reduce greenhouse gas emissions and increase carbon sequestration in "
     "plant biomass and soil organic matter.", "soil_carbon"),
    ("en", "MLI_ndc_2016 p24 (en)", "protect agricultural lands from erosion", "soil_conservation"),
    ("en", "GIN_ndc_2016 p8", "Better management of pastoralism so as to limit degradation of grazing and soil",
     "land_restoration"),
    ("en", "constructed", "soils emit carbon dioxide but can store carbon", "soil_carbon"),
    ("fr", "constructed", "le carbone stocké dans les sols agricoles", "soil_carbon"),
    ("es", "constructed", "aumentar el carbono almacenado en los suelos agrícolas", "soil_carbon"),
    ("pt", "constructed", "aumentar o carbono armazenado nos solos agrícolas", "soil_carbon"),
    ("ru", "constructed", "увеличение запасов углерода пахотных почв", "soil_carbon"),           # prefix words
    ("ar", "constructed", "زيادة مخزون الكربون العضوي في تربة المزارع", "soil_carbon"),           # suffix words, folding
    ("ru", "constructed", "сохранение плодородия сельскохозяйственных земель", "soil_fertility"),
    # soil and water conservation in French, the words apart (dev set HTI, BDI)
    ("fr", "HTI_indc_2015 p13", "Conservation et régénération des sols.", "soil_conservation"),
    ("fr", "BDI_indc_2015 p5", "développement de l'agroforesterie, conservation de l'eau\net du sol).", "soil_conservation"),
    # Climate-smart agriculture tied to soil or land practices in the same sentence is SLM (concepts.md, decided).
    ("en", "ERI_indc_2015 p11", "• Promotion of Conservation Agriculture/Climate Smart Agriculture in 5% of the "
     "cultivable land;", "sustainable_land_management"),
    ("en", "UGA_indc_2015 p10", "Climate Smart Agriculture techniques for cropping (Agricultural soils: 36% of "
     "national GHG emissions", "sustainable_land_management"),
    ("fr", "constructed", "promouvoir l'agriculture intelligente face au climat et la fertilité des sols",
     "sustainable_land_management"),
    ("es", "constructed", "agricultura climáticamente inteligente con labranza mínima", "sustainable_land_management"),
    # The spent first blind set (development data now): paraphrases the tool missed.
    ("fr", "CMR_indc_2015 p4", "développer l'agriculture raisonnée, conservatoire ou durable", "conservation_agriculture"),
    ("en", "GUY_indc_2015 p9", "• Implement policies to institute mandatory, nation-wide land reclamation and "
     "reforestation of mined areas.", "land_restoration"),
    ("en", "NAM_indc_2015 p12", "• Restoring 15 million ha of grasslands by 2030; and", "grazing_management"),
    ("en", "NAM_indc_2015 p13", "Restore 15 M ha of grassland | 1359 | 6.0", "grazing_management"),
    ("en", "LKA_ndc_2016 p11", "3. Restoring degraded forests and hilltops (shrubs, grasslands and state lands)",
     "grazing_management"),
]

# Two words near each other that are not the concept: every one must stay unfound.
NEAR_NOT_FOUND = [
    ("en", "constructed", "Reduce soil erosion. Increase carbon sinks in forests.", "soil_carbon"),
    ("en", "constructed", "Drained soils release carbon dioxide.", "soil_carbon"),
    ("en", "constructed", "soil is named here and then after many many other words we finally name carbon",
     "soil_carbon"),
    ("en", "constructed", "- improved soil management\n- carbon markets for energy", "soil_carbon"),
    ("en", "constructed", "▪ soil management ▪ carbon markets", "soil_carbon"),
    ("en", "constructed", "soils... carbon markets", "soil_carbon"),
    ("en", "constructed", "soils and a low carbon development path", "soil_carbon"),
    ("es", "constructed", "emisiones de carbono del sector uso del suelo", "soil_carbon"),
    ("pt", "constructed", "carbono por mudança de uso do solo", "soil_carbon"),
    ("fr", "constructed", "le carbone lié à l'occupation des sols", "soil_carbon"),
    ("ru", "constructed", "выбросы диоксида углерода из почв", "soil_carbon"),
    ("ar", "constructed", "انبعاثات ثاني أكسيد الكربون من التربة", "soil_carbon"),
    ("ar", "constructed", "الكربون ؟ التربة", "soil_carbon"),
    ("ru", "constructed", "плодородие и землетрясения", "soil_fertility"),
    ("en", "constructed", "the fertility rate is high and land is scarce", "soil_fertility"),
    ("en", "constructed", "sea level rise and erosion threaten low-lying land", "soil_conservation"),
    ("en", "ZMB-like", "deforestation and forest degradation through land clearing", "land_restoration"),
    # Climate-smart agriculture on its own, or smart cities next to land use, is not SLM.
    ("en", "constructed", "Climate-smart agriculture will raise yields and farmers' incomes.", "sustainable_land_management"),
    ("en", "constructed", "smart cities and land-use planning", "sustainable_land_management"),
    # Land reclaimed from the sea is not restored land (BHR_indc_2015 p3, SGP_indc_2015 p6).
    ("en", "BHR_indc_2015 p3", "Works Dredging and Land Reclamation Technical Manual published in 2008.",
     "land_restoration"),
    ("en", "SGP_indc_2015 p6", "In 2011, minimum reclamation levels were raised by an additional 1 metre to be more "
     "resilient to long-term sea level rise.", "land_restoration"),
    ("fr", "constructed", "les feux de forêts détruisent les habitations", "grazing_management"),
    # Seed banks, a place name, wet meadows and sea reclamation (the review of the terms above).
    ("fr", "constructed", "Création d'un conservatoire des variétés agricoles locales", "conservation_agriculture"),
    ("fr", "constructed", "Le Conservatoire national des ressources génétiques agricoles", "conservation_agriculture"),
    ("fr", "constructed", "Les feux de forêt dans les Prairies canadiennes", "grazing_management"),
    ("fr", "constructed", "Les incendies de forêt menacent des prairies marécageuses", "grazing_management"),
    ("en", "constructed", "Sand mining for land reclamation has damaged coral reefs.", "land_restoration"),
    ("en", "constructed", "The Ministry of Mines and the Land Reclamation Authority", "land_restoration"),
    ("en", "constructed", "We will restore degraded forests and mangroves.", "grazing_management"),
]


@pytest.mark.parametrize("lang, source, text, concept", NEAR_FOUND, ids=[f"{r[0]}-{r[1]}-{i}" for i, r in enumerate(NEAR_FOUND)])
def test_near_terms_find_paraphrases(tagger, lang, source, text, concept):
    assert concept not in _concepts(tagger.__class__(_phrases_only(tagger.taxonomy)), lang, text)   # no phrase does
    assert concept in _near_concepts(tagger, lang, text)


@pytest.mark.parametrize("lang, source, text, concept", NEAR_NOT_FOUND, ids=[f"{r[0]}-{i}" for i, r in enumerate(NEAR_NOT_FOUND)])
def test_near_terms_skip_words_that_merely_meet(tagger, lang, source, text, concept):
    assert concept not in _concepts(tagger, lang, text)


def test_anti_erosional_is_soil_conservation(tagger):
    """'anti-erosional' is neither 'erosion' nor a near word: the term was added (MDA_indc_2015 p20, labelled
    soil_conservation; a known miss until 2026-12-06)."""
    text = "planting protection forestry strips (buffer zones) for agricultural lands protection, anti-erosional purpose"
    assert "soil_conservation" in _concepts(tagger, "en", text)


def _phrases_only(taxonomy):
    from dataclasses import replace

    return replace(taxonomy, terms=tuple(t for t in taxonomy.terms if t.kind != "near"))


def test_near_term_gives_way_to_a_phrase_of_its_concept(tagger):
    # "soil organic carbon" is a preferred phrase: the near term must not replace it.
    matches = tagger.tag([_passage("Soil organic carbon will be monitored in farm soils")], "en")["p1"]
    carbon = [m for m in matches if m.concept == "soil_carbon"]
    assert [(m.term, m.preferred) for m in carbon] == [("soil organic carbon", True)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["soil", "soils", "carbon", "the", "of", "increase", ".", ";", "|", "and", "\n-"]),
                min_size=2, max_size=30))
def test_property_near_matches_stay_inside_one_sentence_and_the_window(tagger, words):
    from ndc_scan.passages.tag import NEAR_WINDOW

    text = " ".join(words)
    for match in tagger.tag([_passage(text)], "en").get("p1", []):
        if "~" not in match.term:
            continue
        inside = text[match.start:match.end].split()
        assert match.matched_text == text[match.start:match.end]
        assert inside[0] in ("soil", "soils", "carbon") and inside[-1] in ("soil", "soils", "carbon")
        assert not set(inside) & {".", ";", "|", "-"}
        assert len(inside) - 1 <= NEAR_WINDOW


def test_regression_line_break_inside_a_table_cell_hid_a_negative(tagger):
    # MDV_indc_2015, a table cell: "beach\nerosion is widespread causing significant loss of land".
    text = "Coastal Protection | The islands are low lying and beach\nerosion is widespread causing significant loss of land"
    assert "soil_conservation" not in _concepts(tagger, "en", text)
    matches = tagger.tag([_passage("soil\nerosion threatens yields")], "en")["p1"]
    assert [m.term for m in matches if m.concept == "soil_conservation"] == ["soil erosion"]


def test_match_offsets_point_at_the_matched_words(tagger):
    text = "Promotion de l'agroforesterie et de la Gestion Durable des Terres (GDT) au Niger"
    matches = tagger.tag([_passage(text)], "fr")["p1"]
    assert matches
    for match in matches:
        assert text[match.start:match.end] == match.matched_text


def test_unknown_language_still_matches_terms(tagger):
    assert "agroforestry" in _concepts(tagger, None, "agroforestry and agroforesterie")


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_property_negative_term_never_yields_its_concept(tagger, noise):
    # Whatever surrounds it, "coastal erosion" alone never produces soil_conservation.
    text = f"{noise} coastal erosion {noise}"
    matches = tagger.tag([_passage(text)], "en").get("p1", [])
    assert not [m for m in matches if m.concept == "soil_conservation" and "coastal" in text[max(0, m.start - 8):m.end].lower()]


@pytest.mark.slow
def test_regression_matched_term_does_not_depend_on_the_hash_seed():
    # Found by the kill-and-resume test: two terms matching the same words ("пастбищ", "пастбища")
    # were chosen in set order, which changes with PYTHONHASHSEED between processes.
    import os
    import subprocess
    import sys

    code = ("from ndc_scan.taxonomy import load_taxonomy\nfrom ndc_scan.passages.tag import Tagger\n"
            "from ndc_scan.records import Passage\n"
            "s = '• Землепользования, сельское хозяйство и развитие садоводства и пастбищ;'\n"
            "p = Passage(passage_id='x', doc_id='0' * 64, page_no=1, start=0, end=len(s), text=s, heading_path='', kind='paragraph')\n"
            "print([m.term for m in Tagger(load_taxonomy()).tag([p], 'ru')['x']])")
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}) for seed in (1, 2, 3, 4)]    # at once
    outputs = set()
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        outputs.add(stdout)
    assert len(outputs) == 1


@pytest.mark.slow
def test_the_lemma_table_cut_to_the_taxonomy_finds_every_match_the_whole_table_finds(taxonomy, monkeypatch):
    """The tagger keeps only the lemma entries that can change a match; tagging real pages must not notice.

    Passages of sample NDCs in English, French, Spanish and Russian, and the REAL sentences (Portuguese
    too), tagged with the cut table and with spaCy's whole table (``nlp.initialize()``).
    """
    from ndc_scan.passages import tag as tag_module
    from ndc_scan.passages.segment import segment

    from .conftest import sample_pages

    by_lang = {lang: [_passage(text)] for lang, _, text, _ in REAL}
    for name, lang in [("KEN_indc_2015.pdf", "en"), ("NER_indc_2015.pdf", "fr"), ("PRY_indc_2015.pdf", "es"),
                       ("TJK_indc_2015.pdf", "ru")]:
        pages = sample_pages(name, "pdfium")
        by_lang[lang] = by_lang.get(lang, []) + [p for p in segment(pages) if p.kind in ("paragraph", "table")]
    cut = tag_module.Tagger(taxonomy)
    found = {lang: cut.tag(passages, lang) for lang, passages in by_lang.items()}
    assert len(cut._pipeline("es")[0].get_pipe("lemmatizer").lookups.get_table("lemma_lookup")) < 50_000

    def whole_table(nlp, lang, words, near_hit):
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        for word in tag_module.pinned_words(tag_module.lemmas_of(tag_module.lemma_table(lang)), words):
            table[word] = word
    monkeypatch.setattr(tag_module, "_add_lemmatizer", whole_table)
    whole = tag_module.Tagger(taxonomy)
    assert len(whole._pipeline("es")[0].get_pipe("lemmatizer").lookups.get_table("lemma_lookup")) > 400_000
    assert found == {lang: whole.tag(passages, lang) for lang, passages in by_lang.items()}
    assert sum(len(matches) for by_passage in found.values() for matches in by_passage.values()) > 50
