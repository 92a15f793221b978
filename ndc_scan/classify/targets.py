"""Quantified targets: text → ``Target`` records (value, unit, year, base year, conditionality).

Pure text processing, no I/O: :func:`extract` reads one passage's text and returns every
quantity that is stated as a target, in the number formats of the six UN languages:

* digits with any thousands separator: ``2,000,000`` · ``2.000.000`` · ``2 000 000`` · ``2'000'000``,
  decimal comma or point (``2,5`` · ``2.5``), Arabic-Indic digits (``٢٠٠٠``);
* scale words: million(s), millions, millones, milhões, млн, миллион…, مليون; thousand, mil, тыс., ألف;
  billion, milliard, mil millones, млрд; ``Mha``; spelled-out counts before a scale word (``dos millones``,
  ``deux millions``, ``two million``);
* ranges: ``1-2 million ha``, ``between 1 and 2``, ``de 1 à 2 millions``, ``entre 1 y 2``, ``от 1 до 2``;
* units: area (ha, Mha or M ha, hectares, hectáreas, га, هكتار, km², acres), emissions (tCO2e, MtCO2e, GgCO2e,
  tonnes of CO2 equivalent, t éq. CO2, т CO2-экв…), carbon (t C, tonnes of carbon, per hectare,
  per year), shares (%, percent, pour cent, por ciento, процент, في المائة), length (km, e.g. of bunds).

Normalised units: ``ha`` (km² × 100, acres × 0.4047), ``tCO2e`` (carbon × 44/12), with ``/ha`` and
``/yr`` kept for rates (also a rate its clause states away from the unit: "10.000 ha de micro-bassins chaque
année", "augmenter annuellement ... de 1297 ha"); ``%`` (``%/yr``: "5% annually", "réduction annuelle ... de
5 %"); ``km``. The quantity as written is kept in ``Target.quantity``.

A quantity is a *target* when its sentence states an aim (a target year such as "by 2030", "d'ici
2030", "para 2030", "к 2030", "بحلول 2030", or a target word: target, goal, objective, restore,
reduce, objectif, meta, цель, هدف …) and is not a status figure (a past tense or "currently" with
no target year). Money is never a target, nor a share of money ("10% des coûts", "2% of GDP").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Optional

from ..records import Passage, Prediction, Target
from .cues import (
    ACTION_BEFORE_NUMBER,
    ACTION_START,
    AIM,
    AIM_HEADING,
    BAU,
    COMMITMENT_PERIOD,
    EACH_YEAR_AFTER,
    EACH_YEAR_BEFORE,
    ECONOMY,
    FOREST_AFTER,
    FOREST_BEFORE,
    LIST_ITEM,
    LOCAL_STATUS,
    NATIONAL_EMISSIONS,
    PAST_YEAR_AFTER,
    PLANNED_COLUMN,
    POTENTIAL,
    SHARE_EACH_YEAR_BEFORE,
    STATUS,
    STATUS_COLUMN,
)
from .cues import CONDITIONAL as _CONDITIONAL
from .cues import MONEY as _MONEY
from .cues import SENTENCE_END as _SENTENCE_END
from .cues import UNCONDITIONAL as _UNCONDITIONAL
from .quantities import (
    CARBON_TO_CO2,
    COLUMN_UNIT,
    DIGITS,
    MEASURES,
    NORM_UNITS,
    NUMBER,
    QUANTITY,
    column_scale,
    normalisation,
    parse_number,
)
from .quantities import value as quantity_value

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
LOCAL = 60                    # characters before the number searched for a status or estimate
_PER = re.compile(r"(?:\bper|\bpar|\bpor|\bна|/)\s*$", re.IGNORECASE)
_SHARE_OF = re.compile(
    r"^\s*(?:of(?: the)?|des?|du|de la|del|de los|de las|da|do|das|dos|от|من)\s+((?:total\s+)?[^,.;:()|\n]{3,70})", re.IGNORECASE)
_MONEY_SHARE = re.compile(
    r"^(?:total\s+)?(?:co[uû]ts?|costs?|budget|gdp|pib|financ|investment|investissement|inversi[oó]n|presupuesto|"
    r"funding|fonds|recursos|revenue|income|ingresos|ввп|бюджет)|"
    # a share of a plan or target is how much of it is done, not a figure of land ("exceed over 30% of the plan")
    r"^(?:the\s+|le\s+|la\s+|les\s+|l'|el\s+|los\s+|las\s+)?(?:plans?|targets?|objecti[fv]\w*|goals?|programm?e?s?|"
    r"programas?|metas?|план\w*|цел(?:и|ей|ь|ью|евого|евых)\b)\b"
    r"(?!\s+(?:areas?|zones?|landscapes?|lands?|sites?|territor\w*|d'eau|de agua|водн\w*))", re.IGNORECASE)
_AREA_WORDS = re.compile(
    r"land|area|territor|surface|superficie|terres?\b|tierras?|terras?|soils?|sols?|suelos?|forest|for[êe]ts?|bosques?|"
    r"cropland|pasture|grassland|rangeland|wetland|peat|hectare|agricultur|земел|площад|почв|أراض|مساحة", re.IGNORECASE)
#: What a share of energy is of ("60 % de l'énergie domestique", "4% du mix énergétique"): not a share of land.
_ENERGY = re.compile(r"energ|énerg|electric|électric|eléctric|энерг|электр|الطاقة|الكهرباء", re.IGNORECASE)
#: Just before a share: the emissions it is a part of ("Most emissions (63%) are the result of ..."): an inventory.
_EMISSIONS_BEFORE = re.compile(r"(?:emissions|émissions|emisiones|emissões|выброс\w*|انبعاثات)\s*\(\s*$", re.IGNORECASE)
_PEOPLE = re.compile(r"population|people|households|farmers|ménages|población|hogares|население|السكان", re.IGNORECASE)
_EMISSION_WORDS = re.compile(r"emission|émission|emisi|выброс|انبعاث|ghg|gei|gef|co2", re.IGNORECASE)

_YEAR = r"(20[2-9]\d|2100)"
_TARGET_YEAR = re.compile(
    rf"(?:\bby|\buntil|\btill|\bthrough|\bbefore|\bin|\bfor|d'ici(?: à| a| l'an| fin)?|à l'horizon|horizon|\ben|\bavant|jusqu'en|"
    rf"\bdès|à partir de|"
    rf"\bpara(?: el año| el)?|\bhasta(?: el año| el)?|\bal|\bte|\baté|\bem|\bк|\bдо|\bв|بحلول(?: عام)?|حتى(?: عام)?|عام|"
    rf"\bend of|\bfin)\s+(?:the year\s+|l'année\s+|el año\s+|o ano\s+|году\s+)?{_YEAR}\b|"
    rf"\b(?:19|20)\d\d\s*-\s*{_YEAR}\b|"
    rf"\b(?:between|entre|from|de|du|desde|с)\s+(?:19|20)\d\d\s+(?:and|et|y|e|to|à|a|au|hasta|по|до)\s+{_YEAR}\b|"
    rf"\b{_YEAR}\s*(?:target|goal|objective|objectif|meta)\b", re.IGNORECASE)
#: A starting year ("à partir de 2018"): the target year when no end year follows it.
_FROM_YEAR = re.compile(r"à partir de", re.IGNORECASE)
_BARE_YEAR = re.compile(rf"(?<![\d.,])(?:{_YEAR})(?!\d|[.,]\d)")    # not "2100" of "21000"
_BASE_YEAR = re.compile(
    r"(?:compared (?:to|with)|relative to|from|against|below|above|over|par rapport (?:à|au niveau de|aux niveaux de)|"
    r"(?:con )?respecto (?:a|al)(?: año)?|en relación (?:a|con)|frente a|em relação a|по сравнению с|относительно|"
    r"от уровня|уровн\w+|base year|année de (?:base|référence)|año (?:base|de referencia)|ano base|базов\w+ год\w*|"
    r"مقارنة ب|سنة الأساس)\s*(?:the\s+|l'année\s+|el año\s+|)(?:(?:levels? (?:of|in)|niveaux? de|niveles? de)\s+)?"
    r"((?:19[5-9]\d|20[0-4]\d))\b", re.IGNORECASE)
NEAR = 90                     # characters before the number searched for a near cue
#: A line that starts a new item: a bullet, a dash, "(cid:1)" (an unmapped bullet glyph), "1." or "a)".
_ITEM_START = re.compile(r"\s*(?:[•\-–*\u2022\uf0b7]|\(cid:\d+\)|\(?[0-9a-z]{1,2}[.)]\s)")
#: Just before a share: a restatement of a figure, not a separate target ("corresponding to 2.6%").
_RESTATEMENT = re.compile(r"(?:corresponding to|equivalent to|correspondant à|équivalent à|correspondiente a|"
                          r"equivalente a|i\.e\.|soit)\s*(?:about |approximately |environ )?$", re.IGNORECASE)
#: "from 30% to 20%", "de 30 % du territoire à 20 %": the first figure is the starting point, not the aim.
_FROM = re.compile(r"\b(?:from|de|desde|от)\s*(?:about |approximately |around |environ |aproximadamente )?$",
                   re.IGNORECASE)
#: Before "de 68 000 à 100 000 ha": a change from one figure to another, not a range (not when another figure stands
#: between: "increased to 380,000 hectares, including 20,000 to 50,000ha of mangrove planting" is a range).
_CHANGE = re.compile(r"\b(?:accroissement|augment\w*|increas\w*|réduction|reduc\w*|pass(?:er|era|eront|ant)|"
                     r"port(?:er|era|eront|ant)|aumentar|"
                     r"incrementar|expan\w*|extension|rise|raise)\b[^.;\d]{0,50}$", re.IGNORECASE)
_TO = re.compile(r"^[^.;]{0,45}?\s(?:to|à|a|hasta|до)\s+\d", re.IGNORECASE)
_RATE_AFTER = re.compile(r"^\s*(?:survival|success|germination|rate|taux|tasa)", re.IGNORECASE)


_PERIOD = re.compile(r"(?:19|20)\d\d")
#: A share in words before what it is a share of: "la moitié des superficies emblavées", "half of the cropland".
_FRACTIONS = {
    "la moitié": 50.0, "moitié": 50.0, "half": 50.0, "one half": 50.0, "la mitad": 50.0, "a metade": 50.0,
    "metade": 50.0, "половин": 50.0, "un tiers": 100 / 3, "one third": 100 / 3, "a third": 100 / 3,
    "un tercio": 100 / 3, "um terço": 100 / 3, "les deux tiers": 200 / 3, "deux tiers": 200 / 3, "two thirds": 200 / 3,
    "two-thirds": 200 / 3, "dos tercios": 200 / 3, "un quart": 25.0, "a quarter": 25.0, "one quarter": 25.0,
    "un cuarto": 25.0, "trois quarts": 75.0, "three quarters": 75.0, "three-quarters": 75.0, "tres cuartos": 75.0,
}
_FRACTION = re.compile(
    r"\b(?P<fraction>" + "|".join(sorted((re.escape(w) for w in _FRACTIONS), key=len, reverse=True)) + r")\w*\s+"
    r"(?=(?:of|de|des|du|del|de los|de las|da|do|das|dos)\b)", re.IGNORECASE)


def extract(text: str, *, lang: str = "en", conditional: str = "", aim: bool = False) -> list[Target]:
    """Every quantified target in ``text``; offsets index ``text``.

    ``lang`` (ISO 639-1) settles ``2,500 millions`` (a decimal comma outside English);
    ``conditional`` is the passage's flag, used when the sentence itself says nothing; ``aim``: the passage
    stands under a heading that states aims (measures, targets, the contribution), so a quantity in it needs
    no aim word of its own.
    """
    plain = text.translate(DIGITS)
    targets = []
    for s_start, s_end in sentence_bounds(plain):
        sentence = plain[s_start:s_end].replace("\n", " ")
        year_hits = [(m.start(), _last_year(m)) for m in _TARGET_YEAR.finditer(sentence)]
        strong = bool(year_hits or aim or AIM.search(sentence))
        if (STATUS.search(sentence) and not year_hits) or POTENTIAL.search(sentence):
            continue
        urls = [m.span() for m in _URL.finditer(sentence)]
        for found in QUANTITY.finditer(sentence):
            if any(a <= found.start() < b for a, b in urls):
                continue                                  # "...%20Plan%2016%2004..." in a link
            if LOCAL_STATUS.search(sentence, max(0, found.start() - LOCAL), found.start()) \
                    or ECONOMY.search(sentence, max(0, found.start() - LOCAL), found.start()):
                continue
            if found.group("u_share") and NATIONAL_EMISSIONS.search(sentence, found.end(), found.end() + 100):
                continue                                  # the country's whole emissions, not a practice's target
            if PAST_YEAR_AFTER.match(plain, s_start + found.end()):     # the year may stand past a "). )"
                continue                                  # "13.5 MtCO2eq/yr ... in 2000": measured, not aimed at
            if _PERIOD.fullmatch(found.group("n1")) and _PERIOD.fullmatch(found.group("n2") or ""):
                continue                                  # "2010-2030 hectares per year": a period, then a unit
            if not (strong or ACTION_BEFORE_NUMBER.search(sentence, max(0, found.start() - NEAR), found.start())):
                continue
            target = _target(found, sentence, s_start, text, lang, year_hits, conditional)
            if target is not None and target.measure == "share" and not strong:
                continue                                  # a bare share ("about 2%") needs a target word or year
            if target is not None:
                targets.append(target)
        if strong:
            targets += _fractions(sentence, s_start, text, year_hits, conditional)
    targets += _column_targets(plain, text, lang, conditional, aim)
    return sorted(targets, key=lambda target: target.start)


def _column_targets(plain: str, original: str, lang: str, passage_conditional: str, aim: bool) -> list[Target]:
    """Bare numbers of a table whose column header gives their unit: "Techniques du CS-GDT | Surfaces annuelles
    prévues sur 2016-2030 (en ha/an) | …" over "1. Restauration des terres agricoles | 68 667 | 30 900 000 $" (NER
    2015 p17): 68 667 ha/yr. Only area and emission columns; only where the column is planned ("prévues",
    "planned", "target", a year to come) or the table stands under a heading of aims (``aim``), and never a column
    of what there is, was or could be ("current", "potential", "2010"). The header is the passage's first line."""
    header_end = plain.find("\n")
    if header_end < 0 or " | " not in plain[:header_end]:
        return []
    header = plain[:header_end].split(" | ")
    columns: dict[int, tuple[re.Match, str, float, str]] = {}
    for index, cell in enumerate(header):
        unit = COLUMN_UNIT.search(cell)
        if unit is None or STATUS_COLUMN.search(cell) \
                or not (aim or PLANNED_COLUMN.search(cell) or AIM.search(cell) or _TARGET_YEAR.search(cell)):
            continue
        written = unit.group("unit").strip()
        quantity = QUANTITY.fullmatch(f"1 {written}")
        measure = next((m for m in MEASURES if quantity.group(f"u_{m}")), "") if quantity else ""
        if quantity is not None and measure in ("area", "emissions", "carbon"):
            columns[index] = (quantity, measure, column_scale(unit.group("scale")), written)
    if not columns:
        return []
    targets = []
    row_start = header_end + 1
    for line in plain[row_start:].split("\n"):
        cells = line.split(" | ")
        if len(cells) == len(header):
            at = row_start
            for index, cell in enumerate(cells):
                number = NUMBER.fullmatch(cell.strip())
                if index in columns and number and index > 0:
                    quantity, measure, scale, written = columns[index]
                    start = at + cell.index(number.group(0))
                    end = start + len(number.group(0))
                    value = parse_number(number.group(0), lang=lang) * scale
                    factor, norm_unit = normalisation(quantity, measure)
                    targets.append(_finished(line, row_start, original, start - row_start, end - row_start, value,
                                             None, written, measure, round(value * factor, 6), None, norm_unit, [],
                                             passage_conditional, ""))
                at += len(cell) + 3
        row_start += len(line) + 1
    return targets


def _fractions(sentence: str, offset: int, original: str, year_hits: list, passage_conditional: str) -> list[Target]:
    """Shares of an area written in words ("sur la moitié des superficies emblavées à l'horizon 2035"): 50 %."""
    found = []
    for match in _FRACTION.finditer(sentence):
        start, end = match.start(), match.end("fraction")
        if LOCAL_STATUS.search(sentence, max(0, start - LOCAL), start) or QUANTITY.match(sentence, start):
            continue
        of = _SHARE_OF.match(sentence[match.end():])
        share_of = " ".join(of.group(1).split()) if of else ""
        head = " ".join(share_of.split()[:4])
        if not (head and _AREA_WORDS.search(head)) or _EMISSION_WORDS.search(head) or _PEOPLE.search(head) \
                or _MONEY_SHARE.match(share_of):
            continue
        value = round(_FRACTIONS[match.group("fraction").lower()], 6)
        found.append(_finished(sentence, offset, original, start, end, value, None, match.group("fraction"),
                               "share_of_area", value, None, "%", year_hits, passage_conditional, share_of))
    return found


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences, list items and table rows of ``text``.

    A line break ends a sentence only after . ; : ! ?, before a list item, or next to a table row
    (cells joined with " | "); elsewhere it is a wrapped line ("(19\\n500 ha)" is one number). A row's last cell
    wraps too: a line of no cells that starts in lower case goes on with the row above ("Livestock | a) Promoting
    climate change resilient traditional and modern\\nknowledge on sustainable pasture and range management", TZA).
    """
    bounds, start = [], 0
    for found in _SENTENCE_END.finditer(text):
        if found.group(0) == "\n" and not _line_break_ends(text, found.start()):
            continue
        if found.start() > start:
            bounds.append((start, found.start()))
        start = found.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _line_break_ends(text: str, at: int) -> bool:
    before = text[text.rfind("\n", 0, at) + 1:at]
    after_end = text.find("\n", at + 1)
    after = text[at + 1:after_end if after_end >= 0 else len(text)]
    return (before.rstrip().endswith((".", ";", ":", "!", "?")) or bool(_ITEM_START.match(after))
            or (" | " in before and not after[:1].islower()) or " | " in after
            or not before.strip() or not after.strip())


def _last_year(found: re.Match) -> int:
    return int([g for g in found.groups() if g][-1])


def _target(found: re.Match, sentence: str, offset: int, original: str, lang: str, year_hits: list,
            passage_conditional: str) -> Optional[Target]:
    measure = next(m for m in MEASURES if found.group(f"u_{m}"))
    start, end = found.start(), found.end()
    before, after = sentence[max(0, start - 8):start], sentence[end:end + 80]
    if _MONEY.search(before) or _MONEY.search(found.group(0)) or _MONEY.match(after.lstrip()):
        return None
    if _PER.search(before):
        return None                                       # a rate's denominator: "US$ 2 million per 1000 ha"
    share_of = ""
    if measure == "share" and (_RESTATEMENT.search(sentence, max(0, start - 40), start) or _RATE_AFTER.match(after)
                               or _starting_point(sentence, start, after)
                               or _EMISSIONS_BEFORE.search(sentence, max(0, start - 20), start)):
        return None
    if measure == "share":
        of = _SHARE_OF.match(after)
        share_of = " ".join(of.group(1).split()) if of else ""
        head = " ".join(share_of.split()[:4])
        if _MONEY_SHARE.match(share_of) or _ENERGY.search(head):
            return None                                   # a share of money, energy or a plan is no share of land
        if head and _AREA_WORDS.search(head) and not _EMISSION_WORDS.search(head) and not _PEOPLE.search(head):
            measure = "share_of_area"
    value = quantity_value(found.group("n1"), found.group("s1") or found.group("s2"), lang)
    value_max = quantity_value(found.group("n2"), found.group("s2"), lang) if found.group("n2") else None
    if value is None or (found.group("n2") and value_max is None):
        return None
    if value_max is not None and _PERIOD.fullmatch(found.group("n1")) and value_max > 100 * value:
        start = found.start("n2")                          # "677 197 ha, en 2019 à 1 001 640 ha": a year, then the aim
        value, value_max = value_max, None
    elif value_max is not None and value_max < value:      # "by 2030 - 30%": not a range
        start = found.start("n2")
        value, value_max = value_max, None
    elif value_max is not None and (_FROM.search(sentence, max(0, start - 20), start)
                                    or _CHANGE.search(sentence, max(0, start - 70), start)):
        value, value_max = value_max, None                 # "increase from 68 000 to 100 000 ha": the aim is 100 000
    factor, norm_unit = normalisation(found, measure)
    if norm_unit in ("ha", "tCO2e", "tCO2e/ha") and _each_year(sentence, start, end):
        norm_unit += "/yr"                                # "10.000 ha de micro-bassins (demi-lunes) chaque année"
    elif norm_unit == "%" and SHARE_EACH_YEAR_BEFORE.search(sentence, max(0, start - 70), start):
        norm_unit += "/yr"                                # "Réduction annuelle des superficies brûlées … de 5%"
    unit = sentence[found.start(f"u_{measure if measure != 'share_of_area' else 'share'}"):end].strip()
    return _finished(sentence, offset, original, start, end, value, value_max, unit, measure, round(value * factor, 6),
                     None if value_max is None else round(value_max * factor, 6), norm_unit, year_hits,
                     passage_conditional, share_of)


def _finished(sentence: str, offset: int, original: str, start: int, end: int, value: float,
              value_max: Optional[float], unit: str, measure: str, norm_value: float, norm_value_max: Optional[float],
              norm_unit: str, year_hits: list, passage_conditional: str, share_of: str) -> Target:
    """A target of the quantity at ``start``-``end`` of ``sentence``: its year, base year, baseline and
    conditionality read from the sentence."""
    year = _year(sentence, start, end, year_hits)
    base = _BASE_YEAR.search(sentence)
    base_year = int(base.group(1)) if base else None
    if base_year is not None and year is not None and base_year >= year:
        base_year = None
    if _UNCONDITIONAL.search(sentence):
        conditional = "unconditional"
    elif _CONDITIONAL.search(sentence):
        conditional = "conditional"
    else:
        conditional = passage_conditional
    return Target(
        start=offset + start, end=offset + end, quantity=original[offset + start:offset + end],
        value=value, value_max=value_max, unit=unit, measure=measure, norm_value=norm_value,
        norm_value_max=norm_value_max, norm_unit=norm_unit, year=year, base_year=base_year,
        baseline="BAU" if BAU.search(sentence) else ("base year" if base_year else ""),
        conditional=conditional, share_of=share_of, sentence=" ".join(original[offset:offset + len(sentence)].split()),
    )


def _each_year(sentence: str, start: int, end: int) -> bool:
    """Whether the clause of the quantity at ``start``-``end`` makes it a yearly rate: "each year" after it with no
    other number or clause break between ("75.000 ha de terres dégradées sont réhabilités chaque année"), or
    "annually" before it ("Augmenter annuellement les superficies reboisées d'environ 1297 ha")."""
    if EACH_YEAR_AFTER.match(sentence, end):
        return True
    before = EACH_YEAR_BEFORE.search(sentence, max(0, start - 70), start)
    # not the rate of an earlier figure ("280 thousand hectare per year (in total 5.6 million ha by 2030)")
    return before is not None and not any(q.start() < before.start() <= q.end() + 2 for q in QUANTITY.finditer(sentence))


def _starting_point(sentence: str, start: int, after: str) -> bool:
    """"from 10.9%" (English, Spanish, Russian: always), "de 30 % … à 20 %" (French: when "à N" follows)."""
    found = _FROM.search(sentence, max(0, start - 30), start)
    return found is not None and (not found.group(0).lower().startswith("de") or bool(_TO.match(after)))


def _year(sentence: str, start: int, end: int, year_hits: list) -> Optional[int]:
    """The target year nearest the quantity: "by 2030" phrases first, then a bare year after it."""
    if year_hits:
        after = [(pos, y) for pos, y in year_hits if pos >= end]
        before = [(pos, y) for pos, y in year_hits if pos < start]
        if after and (not before or after[0][0] - end <= start - before[-1][0]):
            first = after[0]
            if _FROM_YEAR.match(sentence, first[0]) and len(after) > 1 and after[1][0] - first[0] <= 40:
                return after[1][1]                        # "à partir de 2018 jusqu'en 2030": the aim is for 2030
            return first[1]
        if before:
            return before[-1][1]
        # the only "by 2030" phrases are inside the quantity itself: look for a bare year instead
    bare = [int(m.group(0)) for m in _BARE_YEAR.finditer(sentence) if m.start() >= end or m.end() <= start]
    return max(bare) if bare else None


__all__ = ["CARBON_TO_CO2", "NORM_UNITS", "Target", "document_years", "extract", "parse_number", "sentence_bounds"]


# ---------------------------------------------------------------------------------------------- ties to concepts

#: A table cell this short holds a figure, not prose: its target counts for the row's subject (the first cell).
SHORT_CELL = 80
#: Where two quantities of one clause share it: a conjunction or a comma between them.
_AND = re.compile(r"\band\b|\bet\b|\by\b|\be\b|\bи\b|\bو", re.IGNORECASE)
#: Between a figure and one that restates it: an opening bracket right after the first ("1 500 000 ha (75 000 ha/an").
_RESTATED = re.compile(r"[^()]{0,25}\([^()]*$")
_SPLIT = re.compile(r",|;|" + _AND.pattern, re.IGNORECASE)
#: After a figure, what names a part of what it counts: "increase national forest cover to 40% ..., including in
#: particular headwater and mangrove forests" (THA 2015) is a share of forest cover, not a mangrove figure
#: (concepts.md: a number for a whole package is not a target of each practice inside it).
_PART = re.compile(r"\b(?:including|in particular|notably|y compris|notamment|en particulier|incluyendo|"
                   r"incluidos?|incluidas?|en particular|включая|в том числе)\b", re.IGNORECASE)
_HEADING_YEAR = re.compile(rf"(?<![\d])(?:19|20)\d\d\s*[-–]\s*{_YEAR}(?!\d)|(?<![\d.,]){_YEAR}(?!\d|[.,]\d)")


def tie_targets(text: str, spans: Sequence[tuple[int, int, str]], *, lang: str = "en", conditional: str = "",
                heading_path: str = "", table: bool = False) -> list[tuple[Target, tuple[str, ...]]]:
    """The targets of a passage with the concepts each counts for.

    ``spans`` are the (start, end, concept) of the taxonomy matches in ``text``. A target counts for the
    concepts matched in its own clause — the part of its sentence, list item or table row between the
    quantities around it (``tie`` "clause", or "row" in a table) — not for every concept of the sentence.
    A target whose clause names no concept counts for its sentence's concept when the sentence (between the semicolons
    around the target) has exactly one
    (``tie`` "sentence"); otherwise for none: a figure in a paragraph about a concept but in a sentence that
    names none is context more often than an aim for it ("Les aires protégées ... atteindre 50 000 ha" in a
    paragraph on agroforestry). A concept named after the figure as a part of what it counts ("including …") is not
    its concept, nor one joined to forests ("forests and wetlands", "agro-forestry or forestry": a package).
    A target year missing from the sentence is read from a lead line above it ("For 2030:"), a year column
    of the table header, or the heading path ("Targets 2021-2030").
    """
    found = extract(text, lang=lang, conditional=conditional, aim=bool(AIM_HEADING.search(heading_path)))
    if not found:
        return []
    plain = text.translate(DIGITS)
    spans = [span for span in spans if not _with_forests(plain, span)]
    bounds = sentence_bounds(plain)
    quantity_spans = [m.span() for m in QUANTITY.finditer(plain)]      # every quantity divides clauses, target or not
    year_spans = [m.span() for m in _TARGET_YEAR.finditer(plain)]
    tied = []
    for target in found:
        s_start, s_end = _between_semicolons(plain, target, *next(((a, b) for a, b in bounds if a <= target.start < b),
                                                                   (0, len(text))))
        c_start, c_end, year_closed = _clause(plain, target, quantity_spans, s_start, s_end, year_spans)
        part = _PART.search(plain, target.end, c_end)
        if part is not None:
            c_end = part.start()
        row = _row(plain, target.start) if table else None
        if row is not None and _in_status_column(plain, target.start, row):
            continue
        if row is not None:
            # In a table row, a target counts for the concepts of its own cell, else for those of the row's first
            # cell (the row's subject: "Agroforestry | 30 000 ha"), never for a neighbouring cell's.
            cell_start, cell_end = _cell(plain, target.start, row)
            c_start, c_end = max(c_start, cell_start), min(c_end, cell_end)
            concepts = _concepts_in(spans, c_start, c_end)
            header_end = plain.find(" | ", row[0], row[1])
            short = cell_end - cell_start <= SHORT_CELL
            if not concepts and short and target.start > header_end:
                concepts = _concepts_in(spans, row[0], header_end)
            tie = "row"
            if not concepts and not short:              # a cell of prose: its sentence's one concept, as in prose
                in_sentence = set(_concepts_in(spans, max(s_start, cell_start), min(s_end, cell_end)))
                concepts, tie = (tuple(in_sentence), "sentence") if len(in_sentence) == 1 else ((), tie)
            if not concepts:
                continue
            tied.append((_with_context_year(target, plain, s_start, heading_path, table), concepts, tie))
            continue
        concepts = _concepts_in(spans, c_start, c_end)
        tie = "clause"
        in_sentence = {c for start, end, c in spans if start < s_end and end > s_start
                       and not (part is not None and start >= part.start())}       # not those of its parts
        if not concepts and len(in_sentence) == 1 and not year_closed:     # the concept of an earlier aim is not its
            concepts, tie = tuple(in_sentence), "sentence"
        if not concepts:
            continue
        tied.append((_with_context_year(target, plain, s_start, heading_path, table), concepts, tie))
    # A concept whose own clause holds a figure has its figure: the sentence's other figures are not its too
    # ("37 Mt of removals (27.8 Mt by forest sinks, and 9.1 Mt by cropland and grazing land management)"), unless
    # they restate it in brackets right after it ("1 500 000 ha (75 000 ha/an)", "(in total 5.6 million ha)").
    claims = [(_sentence_of(bounds, t.start), c, t.end) for t, concepts, tie in tied if tie == "clause" for c in concepts]
    return [(replace(target, tie=tie), concepts) for target, concepts, tie in tied
            if tie != "sentence" or not any(
                (s, c) == (_sentence_of(bounds, target.start), concepts[0]) and not _RESTATED.match(plain, end, target.start)
                for s, c, end in claims)]


def _with_forests(text: str, span: tuple[int, int, str]) -> bool:
    """Whether a concept's words name a kind of land joined to forests by "and"/"or" ("forests and wetlands",
    "agro-forestry or forestry"): one package, whose figure is not the concept's (concepts.md). Not an action with
    its own object ("Reconstitution des forêts et restauration des terres dégradées sur 200 000 ha")."""
    start, end, _ = span
    before = FOREST_BEFORE.search(text, max(0, start - 30), start)
    if before is not None and not ACTION_START.match(text[before.end():end]):
        return True
    return bool(FOREST_AFTER.match(text[end:end + 40]))


def _between_semicolons(text: str, target: Target, start: int, end: int) -> tuple[int, int]:
    """The part of a sentence between the semicolons around a target: a semicolon ends an aim with its concepts
    ("Increase of forest coverage to 42%-42.5%; … the extension of mangroves plantation", VNM 2020: the share is
    not the mangroves')."""
    before, after = text.rfind(";", start, target.start), text.find(";", target.end, end)
    return (before + 1 if before >= 0 else start), (after if after >= 0 else end)


def _sentence_of(bounds: list[tuple[int, int]], at: int) -> int:
    """The start of the sentence (``sentence_bounds``) holding offset ``at``."""
    return next((a for a, b in bounds if a <= at < b), 0)


def _concepts_in(spans: Sequence[tuple[int, int, str]], start: int, end: int) -> tuple[str, ...]:
    return tuple(sorted({c for a, b, c in spans if a < end and b > start}))


def _row(text: str, at: int) -> Optional[tuple[int, int]]:
    """The table row (a line with cells joined by " | ") holding offset ``at``, or None."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return (start, end) if " | " in text[start:end] else None


def _in_status_column(text: str, at: int, row: tuple[int, int]) -> bool:
    """Whether offset ``at`` of a table row lies in a column whose header (the passage's first line: as many cells
    as the row, short, without figures) is one of what there is, was or could be and not of an aim: "Mitigation
    potential (in GgCO2e) and timeline" over "… | Conditional | 373 GgCO2e in 2030" (GMB 2021 p14) is an estimate of
    a measure, not its target (concepts.md: potential and status figures are not targets), as "Surface actuelle
    (ha)" or "2010" would be."""
    header_end = text.find("\n")
    if header_end < 0 or row[0] <= header_end:
        return False
    header = text[:header_end].split(" | ")
    if len(header) < 2 or len(text[row[0]:row[1]].split(" | ")) != len(header) \
            or QUANTITY.search(text, 0, header_end) or max(map(len, header)) > SHORT_CELL:
        return False                          # a first line of figures or prose is a row, not a header
    cell = header[text[row[0]:at].count(" | ")]
    status = STATUS_COLUMN.search(cell)
    if status is None or PLANNED_COLUMN.search(cell) or AIM.search(cell):
        return False
    return not (status.group(0)[:1].isdigit() and _BASE_YEAR.search(cell))    # "Reduction compared to 2010 (%)"


def _cell(text: str, at: int, row: tuple[int, int]) -> tuple[int, int]:
    """The cell of a table row holding offset ``at``: between the " | " around it."""
    left = text.rfind(" | ", row[0], at)
    right = text.find(" | ", at, row[1])
    return (row[0] if left < 0 else left + 3, row[1] if right < 0 else right)


def _clause(text: str, target: Target, quantities: list[tuple[int, int]], s_start: int, s_end: int,
            years: Sequence[tuple[int, int]] = ()) -> tuple[int, int, bool]:
    """The part of the sentence a target owns (start, end, and whether a year closed it): up to the split point
    between it and its neighbouring quantities, and after a target year before it
    that a conjunction ("and", "et", "y", "e", "и", "و") closes: that year ends an earlier aim ("… degraded
    pasturelands by 2030 and enhancing 5 million hectares of integrated systems by 2030"). Not a comma: "the strategy
    for 2030, 5 000 ha of …" is one aim."""
    start, end, year_closed = s_start, s_end, False
    for q_start, q_end in quantities:
        if q_end <= target.start and q_start >= s_start:            # a quantity before it in the sentence
            start = max(start, _split_point(text, q_end, target.start))
        elif q_start >= target.end and q_end <= s_end:              # a quantity after it
            end = min(end, _split_point(text, target.end, q_start))
    for y_start, y_end in years:
        closed = _AND.search(text, y_end, target.start) if s_start <= y_start and y_end <= target.start else None
        if closed and closed.start() > start:
            start, year_closed = closed.start(), True
    return start, end, year_closed


def _split_point(text: str, left: int, right: int) -> int:
    """Where the text between two quantities divides: the conjunction or comma nearest the middle."""
    middle = (left + right) // 2
    points = [m.start() for m in _SPLIT.finditer(text, left, right)]
    return min(points, key=lambda p: abs(p - middle)) if points else middle


def _with_context_year(target: Target, text: str, s_start: int, heading_path: str, table: bool) -> Target:
    if target.year is not None:
        return target
    line_start = text.rfind("\n", 0, target.start) + 1
    for line in reversed(text[:line_start].splitlines()):
        line = line.strip()
        if line.endswith(":") and (year := _last_heading_year(line)):
            return replace(target, year=year, year_from="lead line")
        if line:
            break
    if table:
        header = text.split("\n", 1)[0]
        if text.rfind("\n", 0, target.start) >= 0 and " | " in header \
                and (year := _column_year(text, target, header.split(" | "))):
            return replace(target, year=year, year_from="table header")
    if year := _last_heading_year(heading_path.rsplit(" > ", 1)[-1]):
        return replace(target, year=year, year_from="heading")
    return target


def _last_heading_year(text: str) -> Optional[int]:
    years = [int(m.group(1) or m.group(2)) for m in _HEADING_YEAR.finditer(text)]
    return years[-1] if years else None


# ---------------------------------------------------------------------------------------- years from the document

def document_years(passages: Sequence[Passage], predictions: Sequence[Prediction]) -> list[Prediction]:
    """A document's predictions with the years its targets' passages leave out read from the document around them.

    * A list's lead line: an item of a list (each item a passage of its own, the list maybe running onto the next
      page) takes the year of the line that opens the list, "Les objectifs à l'horizon 2030 :" (the last passage
      before the items under the same heading, ending with a colon, or an item ending with one), ``year_from``
      "lead line".
    * A table's header: a row of a table whose rows are passages of their own takes the year of its column's header
      ("Objectives of the activity by 2030"), the first line of the table's first passage (the table passages in a
      row under the same heading on the same page), when header and row have as many cells; ``year_from`` "table
      header".
    * The NDC's period named instead of a year ("5000 ha annually during the commitment period"): the document's
      horizon, the target year its own sentences give its counted targets most often, ``year_from`` "commitment
      period"; none when no sentence gives one or two years tie.
    A year the passage itself gives (its sentence, a lead line in it, a table header, its heading) is kept.
    """
    leads, headers = _lead_years(passages), _table_headers(passages)
    text = {passage.passage_id: passage.text for passage in passages}
    horizon = _horizon(predictions)
    done = []
    for prediction in predictions:
        header = headers.get(prediction.passage_id)
        targets = tuple(_dated(t, leads.get(prediction.passage_id),
                               _column_year(text[prediction.passage_id], t, header) if header else None, horizon)
                        for t in prediction.targets)
        done.append(prediction if targets == prediction.targets else replace(prediction, targets=targets))
    return done


def _horizon(predictions: Sequence[Prediction]) -> Optional[int]:
    """The target year the document's own sentences give its counted targets most often (each target once); None
    when none gives one or two years tie."""
    years: dict[tuple, int] = {}
    for prediction in predictions:
        if prediction.counted:
            years.update(((prediction.passage_id, t.start), t.year) for t in prediction.targets
                         if t.year is not None and not t.year_from)
    counts = Counter(years.values()).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _lead_years(passages: Sequence[Passage]) -> dict[str, int]:
    """passage_id → the year of the lead line of the list the passage is an item of (passages in reading order).

    A lead line opens a list (the last passage before the items, ending with a colon); an item that itself ends with a
    colon opens a new list ("1. Objectifs à l'horizon 2030 :" after the items of 2025)."""
    leads, lead, heading = {}, None, None
    for passage in passages:
        last = passage.text.rstrip().rsplit("\n", 1)[-1].strip()
        opens = (_last_heading_year(last) if last.endswith(":") else None), passage.heading_path
        if LIST_ITEM.match(passage.text) and passage.heading_path == heading:
            if last.endswith(":"):
                lead, heading = opens
            elif lead is not None:
                leads[passage.passage_id] = lead
            continue
        lead, heading = opens
    return leads


def _table_headers(passages: Sequence[Passage]) -> dict[str, list[str]]:
    """passage_id → the header cells of the table whose later rows the passage holds (passages in reading order): table
    passages in a row under one heading on one page (a table on the next page may be another table)."""
    headers: dict[str, list[str]] = {}
    header: Optional[list[str]] = None
    where = None
    for passage in passages:
        if passage.kind != "table":
            header = None
        elif header is not None and (passage.heading_path, passage.page_no) == where:
            headers[passage.passage_id] = header
        else:
            header, where = passage.text.split("\n", 1)[0].split(" | "), (passage.heading_path, passage.page_no)
    return headers


def _column_year(text: str, target: Target, header: list[str]) -> Optional[int]:
    """The year in the header of the column holding ``target`` in its row of ``text``, if the row fits the header."""
    row_start = text.rfind("\n", 0, target.start) + 1
    row_end = text.find("\n", target.start)
    cells = text[row_start:row_end if row_end >= 0 else len(text)].split(" | ")
    if len(cells) != len(header):
        return None
    return _last_heading_year(header[text[row_start:target.start].count(" | ")])


def _dated(target: Target, lead: Optional[int], column: Optional[int], horizon: Optional[int]) -> Target:
    if target.year is not None:
        return target
    for year, source in ((lead, "lead line"), (column, "table header")):
        if year is not None and (target.base_year is None or target.base_year < year):
            return replace(target, year=year, year_from=source)
    if horizon is not None and COMMITMENT_PERIOD.search(target.sentence) \
            and (target.base_year is None or target.base_year < horizon):
        return replace(target, year=horizon, year_from="commitment period")
    return target
