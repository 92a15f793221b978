"""Quantified targets: text → ``Target`` records (value, unit, year, base year, conditionality).

Pure text processing, no I/O: :func:`extract` reads one passage's text and returns every
quantity that is stated as a target, in the number formats of the six UN languages:

* digits with any thousands separator: ``2,000,000`` · ``2.000.000`` · ``2 000 000`` · ``2'000'000``,
  decimal comma or point (``2,5`` · ``2.5``), Arabic-Indic digits (``٢٠٠٠``);
* scale words: million(s), millions, millones, milhões, млн, миллион…, مليون; thousand, mil, тыс., ألف;
  billion, milliard, mil millones, млрд; ``Mha``; spelled-out counts before a scale word (``dos millones``,
  ``deux millions``, ``two million``);
* ranges: ``1-2 million ha``, ``between 1 and 2``, ``de 1 à 2 millions``, ``entre 1 y 2``, ``от 1 до 2``;
* units: area (ha, hectares, hectáreas, га, هكتار, km², acres), emissions (tCO2e, MtCO2e, GgCO2e,
  tonnes of CO2 equivalent, t éq. CO2, т CO2-экв…), carbon (t C, tonnes of carbon, per hectare,
  per year), shares (%, percent, pour cent, por ciento, процент, في المائة), length (km, e.g. of bunds).

Normalised units: ``ha`` (km² × 100, acres × 0.4047), ``tCO2e`` (carbon × 44/12), with ``/ha`` and
``/yr`` kept for rates; ``%``; ``km``. The quantity as written is kept in ``Target.quantity``.

A quantity is a *target* when its sentence states an aim (a target year such as "by 2030", "d'ici
2030", "para 2030", "к 2030", "بحلول 2030", or a target word: target, goal, objective, restore,
reduce, objectif, meta, цель, هدف …) and is not a status figure (a past tense or "currently" with
no target year). Money is never a target, nor a share of money ("10% des coûts", "2% of GDP").
"""

from __future__ import annotations

import re
from typing import Optional

from ..records import Target
from .cues import CONDITIONAL as _CONDITIONAL
from .cues import MONEY as _MONEY
from .cues import SENTENCE_END as _SENTENCE_END
from .cues import UNCONDITIONAL as _UNCONDITIONAL

# Arabic-Indic and Persian digits, Arabic decimal and thousands marks → ASCII, one character for one.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪", "01234567890123456789.,%")

_NUM = r"(?<![\w.,/])(?:\d{1,3}(?:(?:[,.']\s?| )\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])"
_WORDNUMS = {
    "one": 1, "a": 1, "un": 1, "une": 1, "uno": 1, "una": 1, "um": 1, "uma": 1, "half a": 0.5, "medio": 0.5,
    "two": 2, "deux": 2, "dos": 2, "dois": 2, "duas": 2, "три": 3, "два": 2, "две": 2,
    "three": 3, "trois": 3, "tres": 3, "três": 3, "four": 4, "quatre": 4, "cuatro": 4, "quatro": 4,
    "five": 5, "cinq": 5, "cinco": 5, "six": 6, "seis": 6, "seven": 7, "sept": 7, "siete": 7, "sete": 7,
    "eight": 8, "huit": 8, "ocho": 8, "oito": 8, "nine": 9, "neuf": 9, "nueve": 9, "nove": 9,
    "ten": 10, "dix": 10, "diez": 10, "dez": 10, "twenty": 20, "vingt": 20, "veinte": 20, "vinte": 20,
    "fifty": 50, "cinquante": 50, "cincuenta": 50, "cinquenta": 50, "hundred": 100, "cent": 100, "cien": 100,
}
_WORDNUM = r"\b(?:" + "|".join(sorted((re.escape(w) for w in _WORDNUMS), key=len, reverse=True)) + r")\b"
_SCALES = [  # (pattern, factor); longest first
    (r"mil\s+millones|milliards?|billions?|bilhões|bilhão|млрд\.?|миллиард\w*|مليار\w*|bn\b", 1e9),
    (r"millions?|millones|millón|milhões|milhão|mln\.?|mn\b|млн\.?|миллион\w*|ملايين|مليون", 1e6),
    (r"thousands?|milliers?|mille|miles|mil\b|тыс\.?|тысяч\w*|آلاف|ألف|k\b", 1e3),
]
_SCALE = "|".join(p for p, _ in _SCALES)
_RANGE = r"-|to|and|à|a|y|e|et|до|إلى|و"
_CO2 = r"(?:co\s?2|carbon dioxide|dioxyde de carbone|di[óo]xido de carbono|углекислого газа)"
_EQ = r"(?:\s*-?\s*(?:eq\b\.?|e\b|equivalent|équivalent|equivalente|экв\w*\.?))?"
_TONNE = r"(?:tonnes?|tons?|toneladas?|тонн\w*|т\b|t\b|t(?=co2|c\b|e?q?co2)|mg(?=\s?c\b))"
_PER_HA = r"(?:\s*(?:/|per|par|por|на)\s*(?:ha\b|hectares?|hect[áa]reas?|га\b))"
_PER_YEAR = (r"(?:\s*(?:/|per|par|por|в)\s*(?:yr|year|an|année|a[ñn]o|год)\b|\s+(?:annually|per annum|a year|each year|"
             r"yearly|par an|chaque année|al año|por año|por ano|cada año|cada ano|в год|ежегодно))")
_UNITS = {  # measure: pattern. Tried in this order.
    "emissions": (rf"(?:(?P<ep>k|m|g|kilo|mega|giga)\s?)?{_TONNE}\s*(?:of\s+|de\s+|d')?(?:(?:équivalent|equivalente?|eq\.?)\s+)?"
                  rf"{_CO2}{_EQ}|(?P<ep2>k|m)?t\s?(?:e|éq|eq)\.?\s?co2|(?P<ep3>k|m)?t-\s?{_CO2}{_EQ}|gg\s?{_CO2}{_EQ}"),
    "carbon": rf"(?:(?P<cp>k|m|g)\s?)?{_TONNE}\s*(?:of\s+|de\s+|d')?(?:carbon|carbone|carbono|углерода|c)\b",
    "area": (r"mha\b|ha\b|hectares?\b|hect[áa]reas?\b|hectars?\b|hect\.|га\b|гектар\w*|هكتار\w*|"
             r"(?P<km2>km\s?2\b|sq\.?\s?km\b|square kilomet\w+|kilom[èe]tres? carr[ée]s|kil[óo]metros? cuadrados)|(?P<acre>acres?\b)"),
    "share": r"%|\bper\s?cent\b|\bpercent\b|pour\s?cent\b|por\s?ciento\b|por\s?cento\b|процент\w*|في المائة|بالمائة",
    "length": r"km\b",
}
_UNIT = "|".join(f"(?P<u_{m}>{p})" for m, p in _UNITS.items())
_QUANTITY = re.compile(
    rf"(?P<n1>{_NUM}|{_WORDNUM})(?:\s*(?P<s1>{_SCALE}))?"
    rf"(?:\s*(?:{_RANGE})\s*(?P<n2>{_NUM}|{_WORDNUM})(?:\s*(?P<s2>{_SCALE}))?)?"
    rf"\s*(?:(?:of|de|d'|des|de la)\s*)?(?:{_UNIT})(?P<rate>{_PER_HA}?(?:(?:\s+(?:of|de|d')\s*\w+)?{_PER_YEAR})?)",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: Just before a number: it is a status or an estimate, not an aim ("has established 14%", "could yield").
_LOCAL_STATUS = re.compile(
    r"\b(?:has|have|had) (?:already )?(?:been )?\w+ed\b|\b(?:was|were|currently|already|could|potential(?:ly)?|"
    r"estimated?|a été|ont été|était|actuellement|déjà|potentiel\w*|fue|fueron|ha sido|actualmente|podría\w*|"
    r"potencial\w*|se estima|было|были)\b", re.IGNORECASE)
LOCAL = 60                    # characters before the number searched for a status or estimate
_PER = re.compile(r"(?:\bper|\bpar|\bpor|\bна|/)\s*$", re.IGNORECASE)
_SHARE_OF = re.compile(
    r"^\s*(?:of(?: the)?|des?|du|de la|del|de los|de las|da|do|das|dos|от|من)\s+((?:total\s+)?[^,.;:()|\n]{3,70})", re.IGNORECASE)
_MONEY_SHARE = re.compile(
    r"^(?:total\s+)?(?:co[uû]ts?|costs?|budget|gdp|pib|financ|investment|investissement|inversi[oó]n|presupuesto|"
    r"funding|fonds|recursos|revenue|income|ingresos|ввп|бюджет)", re.IGNORECASE)
_AREA_WORDS = re.compile(
    r"land|area|territor|surface|superficie|terres?\b|tierras?|terras?|soils?|sols?|suelos?|forest|for[êe]ts?|bosques?|"
    r"cropland|pasture|grassland|rangeland|wetland|peat|hectare|agricultur|земел|площад|почв|أراض|مساحة", re.IGNORECASE)
_PEOPLE = re.compile(r"population|people|households|farmers|ménages|población|hogares|население|السكان", re.IGNORECASE)
_EMISSION_WORDS = re.compile(r"emission|émission|emisi|выброс|انبعاث|ghg|gei|gef|co2", re.IGNORECASE)

_YEAR = r"(20[2-9]\d|2100)"
_TARGET_YEAR = re.compile(
    rf"(?:\bby|\buntil|\btill|\bthrough|\bbefore|\bin|\bfor|d'ici(?: à| a| l'an| fin)?|à l'horizon|horizon|\ben|\bavant|jusqu'en|"
    rf"\bpara(?: el año| el)?|\bhasta(?: el año| el)?|\bal|\bte|\baté|\bem|\bк|\bдо|\bв|بحلول(?: عام)?|حتى(?: عام)?|عام|"
    rf"\bend of|\bfin)\s+(?:the year\s+|l'année\s+|el año\s+|o ano\s+|году\s+)?{_YEAR}\b|"
    rf"\b(?:19|20)\d\d\s*-\s*{_YEAR}\b|"
    rf"\b(?:between|entre|from|de|du|desde|с)\s+(?:19|20)\d\d\s+(?:and|et|y|e|to|à|a|au|hasta|по|до)\s+{_YEAR}\b|"
    rf"\b{_YEAR}\s*(?:target|goal|objective|objectif|meta)\b", re.IGNORECASE)
_BARE_YEAR = re.compile(rf"(?<![\d.,])(?:{_YEAR})(?![\d.,]\d)")
_BASE_YEAR = re.compile(
    r"(?:compared (?:to|with)|relative to|from|against|below|above|over|par rapport (?:à|au niveau de|aux niveaux de)|"
    r"(?:con )?respecto (?:a|al)(?: año)?|en relación (?:a|con)|frente a|em relação a|по сравнению с|относительно|"
    r"от уровня|уровн\w+|base year|année de (?:base|référence)|año (?:base|de referencia)|ano base|базов\w+ год\w*|"
    r"مقارنة ب|سنة الأساس)\s*(?:the\s+|l'année\s+|el año\s+|)(?:(?:levels? (?:of|in)|niveaux? de|niveles? de)\s+)?"
    r"((?:19[5-9]\d|20[0-4]\d))\b", re.IGNORECASE)
_BAU = re.compile(r"business[- ]as[- ]usual|\bBAU\b|scénario de référence|tendanciel|statu quo|escenario tendencial|"
                  r"\bBaU\b|обычн\w+ (?:ход|сценар)|المعتاد", re.IGNORECASE)
#: A sentence with one of these states an aim wherever the number stands in it.
_STRONG_CUE = re.compile(
    r"\b(?:targets?|targeted|goals?|aims? (?:to|at)|aiming|objectives?|will|shall|commit\w*|pledge\w*|"
    r"objectifs?|cibles?|vise|visent|viser|s'engage\w*|metas?|objetivos?|se propone|se compromete|compromiso|"
    r"цел\w*|будет|будут|планир\w*)\b|هدف|سوف|تستهدف",
    re.IGNORECASE)
#: An action verb or noun right before the number: "restore 2 million ha", "restauration de 150 000 ha".
_NEAR_CUE = re.compile(
    r"\b(?:restor\w*|rehabilitat\w*|reduc\w*|increas\w*|achiev\w*|expand\w*|scal\w* up|establish\w*|sequest\w*|"
    r"avoid\w*|plant\w*|conver\w*|promot\w*|implement\w*|programm?e?s?|plans? to|planned|protect\w*|"
    r"restaur\w*|réhabilit\w*|rédui\w*|réduction|atteindre|porter|augment\w*|récupér\w*|aménag\w*|mise en|"
    r"restaurar|rehabilitar|alcanzar|lograr|aumentar|recuperar|reducir|reducción|prevé|implementar|"
    r"сократ\w*|снижени\w*|восстанов\w*|увелич\w*|реабилитац\w*)\b|خفض|إعادة تأهيل|زيادة|استصلاح",
    re.IGNORECASE)
NEAR = 90                     # characters before the number searched for a near cue
_STATUS = re.compile(
    r"\b(?:currently|at present|presently|today|was|were|has been|have been|had|in (?:19|20[01])\d\b|"
    r"actuellement|à l'heure actuelle|a été|ont été|était|étaient|actualmente|en la actualidad|fue|fueron|ha sido|"
    r"han sido|era|eran|foi|foram|в настоящее время|составлял\w*|было|были)\b", re.IGNORECASE)
#: A line that starts a new item: a bullet, a dash, "(cid:1)" (an unmapped bullet glyph), "1." or "a)".
_ITEM_START = re.compile(r"\s*(?:[•\-–*\u2022\uf0b7]|\(cid:\d+\)|\(?[0-9a-z]{1,2}[.)]\s)")
#: Just before a share: a restatement of a figure, not a separate target ("corresponding to 2.6%").
_RESTATEMENT = re.compile(r"(?:corresponding to|equivalent to|correspondant à|équivalent à|correspondiente a|"
                          r"equivalente a|i\.e\.|soit)\s*(?:about |approximately |environ )?$", re.IGNORECASE)
#: "from 30% to 20%", "de 30 % du territoire à 20 %": the first figure is the starting point, not the aim.
_FROM = re.compile(r"\b(?:from|de|desde|от)\s*(?:about |approximately |around |environ |aproximadamente )?$",
                   re.IGNORECASE)
#: Before "de 68 000 à 100 000 ha": a change from one figure to another, not a range.
_CHANGE = re.compile(r"\b(?:accroissement|augment\w*|increas\w*|réduction|reduc\w*|passer|porter|aumentar|"
                     r"incrementar|expan\w*|extension|rise|raise)\b[^.;]{0,50}$", re.IGNORECASE)
_TO = re.compile(r"^[^.;]{0,45}?\s(?:to|à|a|hasta|до)\s+\d", re.IGNORECASE)
_RATE_AFTER = re.compile(r"^\s*(?:survival|success|germination|rate|taux|tasa)", re.IGNORECASE)
NORM_UNITS = {"area": "ha", "emissions": "tCO2e", "carbon": "tCO2e", "share": "%", "length": "km"}
_PREFIX = {"k": 1e3, "kilo": 1e3, "m": 1e6, "mega": 1e6, "g": 1e9, "giga": 1e9}
CARBON_TO_CO2 = 44 / 12


def extract(text: str, *, lang: str = "en", conditional: str = "") -> list[Target]:
    """Every quantified target in ``text``; offsets index ``text``.

    ``lang`` (ISO 639-1) settles ``2,500 millions`` (a decimal comma outside English);
    ``conditional`` is the passage's flag, used when the sentence itself says nothing.
    """
    plain = text.translate(_DIGITS)
    targets = []
    for s_start, s_end in sentence_bounds(plain):
        sentence = plain[s_start:s_end].replace("\n", " ")
        year_hits = [(m.start(), _last_year(m)) for m in _TARGET_YEAR.finditer(sentence)]
        strong = bool(year_hits or _STRONG_CUE.search(sentence))
        if _STATUS.search(sentence) and not year_hits:
            continue
        urls = [m.span() for m in _URL.finditer(sentence)]
        for found in _QUANTITY.finditer(sentence):
            if any(a <= found.start() < b for a, b in urls):
                continue                                  # "...%20Plan%2016%2004..." in a link
            if _LOCAL_STATUS.search(sentence, max(0, found.start() - LOCAL), found.start()):
                continue
            if not (strong or _NEAR_CUE.search(sentence, max(0, found.start() - NEAR), found.start())):
                continue
            target = _target(found, sentence, s_start, text, lang, year_hits, conditional)
            if target is not None and target.measure == "share" and not strong:
                continue                                  # a bare share ("about 2%") needs a target word or year
            if target is not None:
                targets.append(target)
    return targets


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences, list items and table rows of ``text``.

    A line break ends a sentence only after . ; : ! ?, before a list item, or next to a table row
    (cells joined with " | "); elsewhere it is a wrapped line ("(19\\n500 ha)" is one number).
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
            or " | " in before or " | " in after or not before.strip() or not after.strip())


def _last_year(found: re.Match) -> int:
    return int([g for g in found.groups() if g][-1])


def _target(found: re.Match, sentence: str, offset: int, original: str, lang: str, year_hits: list,
            passage_conditional: str) -> Optional[Target]:
    measure = next(m for m in _UNITS if found.group(f"u_{m}"))
    start, end = found.start(), found.end()
    before, after = sentence[max(0, start - 8):start], sentence[end:end + 80]
    if _MONEY.search(before) or _MONEY.search(found.group(0)) or _MONEY.match(after.lstrip()):
        return None
    if _PER.search(before):
        return None                                       # a rate's denominator: "US$ 2 million per 1000 ha"
    share_of = ""
    if measure == "share" and (_RESTATEMENT.search(sentence, max(0, start - 40), start) or _RATE_AFTER.match(after)
                               or _starting_point(sentence, start, after)):
        return None
    if measure == "share":
        of = _SHARE_OF.match(after)
        share_of = " ".join(of.group(1).split()) if of else ""
        if _MONEY_SHARE.match(share_of):
            return None
        head = " ".join(share_of.split()[:4])
        if head and _AREA_WORDS.search(head) and not _EMISSION_WORDS.search(head) and not _PEOPLE.search(head):
            measure = "share_of_area"
    value = _value(found.group("n1"), found.group("s1") or found.group("s2"), lang)
    value_max = _value(found.group("n2"), found.group("s2"), lang) if found.group("n2") else None
    if value is None or (found.group("n2") and value_max is None):
        return None
    if value_max is not None and value_max < value:        # "by 2030 - 30%": not a range
        start = found.start("n2")
        value, value_max = value_max, None
    elif value_max is not None and (_FROM.search(sentence, max(0, start - 20), start)
                                    or _CHANGE.search(sentence, max(0, start - 70), start)):
        value, value_max = value_max, None                 # "increase from 68 000 to 100 000 ha": the aim is 100 000
    factor, norm_unit = _normalisation(found, measure)
    unit = sentence[found.start(f"u_{measure if measure != 'share_of_area' else 'share'}"):end].strip()
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
        value=value, value_max=value_max, unit=unit, measure=measure,
        norm_value=round(value * factor, 6), norm_value_max=None if value_max is None else round(value_max * factor, 6),
        norm_unit=norm_unit, year=year, base_year=base_year,
        baseline="BAU" if _BAU.search(sentence) else ("base year" if base_year else ""),
        conditional=conditional, share_of=share_of, sentence=" ".join(original[offset:offset + len(sentence)].split()),
    )


def _starting_point(sentence: str, start: int, after: str) -> bool:
    """"from 10.9%" (English, Spanish, Russian: always), "de 30 % … à 20 %" (French: when "à N" follows)."""
    found = _FROM.search(sentence, max(0, start - 30), start)
    return found is not None and (not found.group(0).lower().startswith("de") or bool(_TO.match(after)))


def _value(number: Optional[str], scale: Optional[str], lang: str) -> Optional[float]:
    if not number:
        return None
    word = " ".join(number.lower().split())
    if word in _WORDNUMS:
        if not scale:
            return None                                   # "one hectare", "a tonne": not a figure
        base = float(_WORDNUMS[word])
    else:
        base = parse_number(number, lang=lang, scaled=bool(scale))
    return base * _scale_factor(scale) if scale else base


def parse_number(number: str, *, lang: str = "en", scaled: bool = False) -> float:
    """A number as written in any of the languages: "2,000,000", "2.000.000", "2 000 000", "2,5", "1.5".

    One separator followed by exactly three digits is a thousands separator, except before a scale
    word where the language's decimal mark wins ("2,500 millions" in French is 2.5 million).
    """
    digits = number.replace(" ", "").replace("'", "")
    marks = [c for c in digits if c in ",."]
    if not marks:
        return float(digits)
    if len(set(marks)) == 2:                              # "2,000.5" or "2.000,5": the last mark is the decimal
        decimal = digits[max(digits.rfind(","), digits.rfind("."))]
        thousands = "," if decimal == "." else "."
        return float(digits.replace(thousands, "").replace(decimal, "."))
    mark = marks[0]
    if len(marks) > 1:                                    # "2.000.000"
        return float(digits.replace(mark, ""))
    after = len(digits) - digits.index(mark) - 1
    decimal_first = (mark == "," and lang != "en") or (mark == "." and lang == "en")
    if after == 3 and not (scaled and decimal_first):
        return float(digits.replace(mark, ""))
    return float(digits.replace(mark, "."))


def _scale_factor(scale: str) -> float:
    for pattern, factor in _SCALES:
        if re.fullmatch(pattern, scale.strip(), re.IGNORECASE):
            return factor
    return 1.0


def _normalisation(found: re.Match, measure: str) -> tuple[float, str]:
    """(factor, normalised unit) for the matched unit."""
    rate = found.group("rate") or ""
    per_ha = "/ha" if re.search(r"ha|hect|га", rate, re.IGNORECASE) else ""
    per_year = "/yr" if rate and re.search(r"yr|year|an\b|année|a[ñn]o|год|annually|annum", rate, re.IGNORECASE) else ""
    if measure == "area":
        unit = found.group("u_area").lower()
        factor = 100.0 if found.group("km2") else 0.404686 if found.group("acre") else 1e6 if unit == "mha" else 1.0
        return factor, "ha" + per_year
    if measure in ("emissions", "carbon"):
        prefix = (found.group("ep") or found.group("ep2") or found.group("ep3") or found.group("cp") or "").lower()
        unit = found.group(f"u_{measure}").lower()
        factor = 1e3 if unit.startswith("gg") else _PREFIX.get(prefix, 1.0)
        if measure == "carbon":
            factor *= CARBON_TO_CO2
        return factor, "tCO2e" + per_ha + per_year
    if measure in ("share", "share_of_area"):
        return 1.0, "%"
    return 1.0, "km"


def _year(sentence: str, start: int, end: int, year_hits: list) -> Optional[int]:
    """The target year nearest the quantity: "by 2030" phrases first, then a bare year after it."""
    if year_hits:
        after = [(pos, y) for pos, y in year_hits if pos >= end]
        before = [(pos, y) for pos, y in year_hits if pos < start]
        if after and (not before or after[0][0] - end <= start - before[-1][0]):
            return after[0][1]
        return (before[-1] if before else after[0])[1]
    bare = [int(m.group(0)) for m in _BARE_YEAR.finditer(sentence) if m.start() >= end or m.end() <= start]
    return max(bare) if bare else None


__all__ = ["CARBON_TO_CO2", "NORM_UNITS", "Target", "extract", "parse_number", "sentence_bounds"]
