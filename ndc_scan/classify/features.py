"""What the learned model reads of a passage, and which passages it reads at all.

The model reads a passage as two columns: ``text`` (the end of its heading path, then
its text) and ``evidence`` (the rules' findings as tokens: ``soil_carbon``,
``soil_carbon:preferred``, ``soil_carbon:several``), so that it learns when a taxonomy
match means the concept and when it does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

from ..records import Match

HEADING_CHARS = 80

#: Soil and land cue words in six languages, lower case (substrings). The model reads a passage
#: only when a taxonomy term matched in it or a cue occurs: a passage with neither cannot hold a
#: concept, and skipping it keeps the scan fast (most passages are about energy, transport,
#: finance...). Plain substring tests: a regular expression with this many branches took 16 times
#: longer than the whole model on the corpus.
CUES = (
    "soil", "pastur", "grazing", "rangeland", "carbon", "erosion", "degrad", "compost", "manure", "tillage", "agro",
    "wetland", "mangrove", "peat", "swamp", "marsh", "desert", "crop", "farm", "tree", "pâtur", "parcours", "érosion",
    "dégrad", "fumier", "labour", "humide", "tourb", "culture", "arbre", "suelo", "tierra", "pastiz", "pastoreo",
    "erosión", "estiércol", "labranza", "humedal", "turber", "cultivo", "árbol", "arbol", "почв", "земел", "земл",
    "пастбищ", "углерод", "эрози", "деградац", "болот", "торф", "ترب", "أراض", "اراض", "مراع", "كربون", "تعرية",
    "تدهور", "تصحر", "زراع", "غاب", "أشجار", "manglar", "mangue", "seagrass", "herbier", "silvo", "sylvo", "siembra",
    "semis", "demi-lune", "ganad", "élevage", "elevage", "livestock", "ressources naturelles", "recursos naturales",
    "natural resources", "ecosystem", "écosystème", "ecosistema", "экосистем", "pastoral", "pasto", "fertili",
    "désertif", "ensablement",
)
#: Short cues that need word boundaries ("sol" is not "solar").
CUE_WORDS = re.compile(r"\b(?:land|lands|sols?|terres?|solos?|terras?|gdt)\b")


def model_reads(text: str, matches: Optional[Iterable[Match]]) -> bool:
    """Whether the model reads this passage (see CUES)."""
    if matches:
        return True
    lowered = text.lower()
    return any(cue in lowered for cue in CUES) or bool(CUE_WORDS.search(lowered))


def model_text(heading_path: str, text: str) -> str:
    """What the model reads of a passage: the end of its heading path, then its text."""
    return f"{heading_path[-HEADING_CHARS:]}\n{text}"


def evidence_tokens(matches: Iterable[Match]) -> str:
    """The rules' findings for one passage as space-separated tokens (see the module docstring)."""
    terms: dict[str, set[str]] = {}
    preferred = set()
    for match in matches:
        terms.setdefault(match.concept, set()).add(match.term)
        if match.preferred:
            preferred.add(match.concept)
    tokens = []
    for concept in sorted(terms):
        tokens.append(concept)
        if concept in preferred:
            tokens.append(f"{concept}:preferred")
        if len(terms[concept]) > 1:
            tokens.append(f"{concept}:several")
    return " ".join(tokens)
