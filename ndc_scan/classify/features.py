"""What the learned models read of a passage, and which passages they read at all.

The concept model reads a passage as two columns: ``text`` (the end of its heading path, then
its text) and ``evidence`` (the rules' findings as tokens: ``soil_carbon``,
``soil_carbon:preferred``, ``soil_carbon:several``), so that it learns when a taxonomy
match means the concept and when it does not.

The level model (commitment or mention, :func:`level_input`) reads three columns: the passage
text, the last two headings above it, and ``cues``: which cue families of ``cues.py`` occur
(``INTENT``, ``IMPACT``, ``PAST``, ``FUTURE_IMPACT``, ``COMMITMENT``; ``CONTEXT_HEADING``,
``ACTION_HEADING``; ``LIST_ITEM``, ``ACTION_START``) and the rules' own level (``RULE1``/``RULE2``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

from ..records import Match, Passage
from .cues import (
    ACTION_HEADING,
    ACTION_START,
    COMMITMENT,
    CONTEXT_HEADING,
    FUTURE_IMPACT,
    IMPACT,
    INTENT,
    LIST_ITEM,
    PAST,
)

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


#: Columns of the level model's input (:func:`level_input`).
LEVEL_COLUMNS = ("text", "headings", "cues")
_TEXT_CUES = (("INTENT", INTENT), ("IMPACT", IMPACT), ("PAST", PAST), ("FUTURE_IMPACT", FUTURE_IMPACT),
              ("COMMITMENT", COMMITMENT))


def level_input(passage: Passage, rule_level: int) -> dict[str, str]:
    """What the level model reads of one label: the passage, its last two headings, the cues and the rules' level."""
    headings = passage.heading_path.split(" > ")
    flags = [name for name, cue in _TEXT_CUES if cue.search(passage.text)]
    if CONTEXT_HEADING.search(" > ".join(headings[-2:])):
        flags.append("CONTEXT_HEADING")
    if ACTION_HEADING.search(headings[-1]):
        flags.append("ACTION_HEADING")
    if LIST_ITEM.match(passage.text):
        flags.append("LIST_ITEM")
    if ACTION_START.match(passage.text):
        flags.append("ACTION_START")
    flags.append(f"RULE{min(max(rule_level, 1), 2)}")
    return {"text": passage.text, "headings": " ".join(headings[-2:]), "cues": " ".join(flags)}
