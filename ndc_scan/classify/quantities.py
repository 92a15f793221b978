"""What a quantity looks like in the six languages: numbers, scale words, ranges and units, and their values.

The grammar of ``QUANTITY`` (one compiled pattern) and the functions that turn a match into a value in a
normalised unit. ``targets.py`` decides which quantities are targets; this module only reads them.

* digits with any thousands separator: ``2,000,000`` · ``2.000.000`` · ``2 000 000`` · ``2'000'000``,
  decimal comma or point (``2,5`` · ``2.5``), Arabic-Indic digits (``٢٠٠٠``, turned into ASCII by ``DIGITS``);
* scale words: million(s), millions, millones, milhões, млн, миллион…, مليون; thousand, mil, тыс., ألف;
  billion, milliard, mil millones, млрд; ``Mha``; spelled-out counts before a scale word (``dos millones``);
* ranges: ``1-2 million ha``, ``between 1 and 2``, ``de 1 à 2 millions``, ``entre 1 y 2``, ``от 1 до 2``;
* units: area (ha, Mha or M ha, hectares, hectáreas, га, هكتار, km², acres), emissions (tCO2e, MtCO2e, GgCO2e,
  tonnes of CO2 equivalent, t éq. CO2, т CO2-экв…), carbon (t C, tonnes of carbon, per hectare,
  per year), shares (%, percent, pour cent, por ciento, процент, في المائة), length (km, e.g. of bunds).

Normalised units: ``ha`` (km² × 100, acres × 0.4047), ``tCO2e`` (carbon × 44/12), with ``/ha`` and
``/yr`` kept for rates; ``%``; ``km``.
"""

from __future__ import annotations

import re
from typing import Optional

# Arabic-Indic and Persian digits, Arabic decimal and thousands marks → ASCII, one character for one.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪", "01234567890123456789.,%")

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
             r"yearly|annual(?=\s+\w)|on (?:an )?annual basis|par an(?!\s*(?:19|20)\d\d)|chaque année|annuels?(?=\s+\w)|"
             r"al año(?!\s*(?:19|20)\d\d)|por año|por ano|"
             r"cada año|cada ano|anuales?(?=\s+\w)|в год|ежегодно))")
#: A word of a per-year rate (``_PER_YEAR`` as matched): the rate is per year.
_YEAR_WORD = re.compile(r"\b(?:yr|years?|an|année|a[ñn]o|год|annually|annum|annual|annuels?|anuales?|yearly|ежегодно)\b",
                        re.IGNORECASE)
#: A share's own yearly rate, right after it (a share "of the annual …" or "annual emissions" is a share of a yearly
#: quantity, not a share a year).
_SHARE_PER_YEAR = re.compile(r"\s*(?:/\s*(?:yr|year|an|année|a[ñn]o|год)\b|(?:annually|per annum|a year|each year|yearly|"
                             r"per year|par an|chaque année|al año|por año|por ano|cada año|cada ano|в год|ежегодно)\b)",
                             re.IGNORECASE)
_UNITS = {  # measure: pattern. Tried in this order.
    "emissions": (rf"(?:(?P<ep>k|m|g|kilo|mega|giga)\s?)?{_TONNE}\s*(?:of\s+|de\s+|d')?(?:(?:équivalent|equivalente?|eq\.?)\s+)?"
                  rf"{_CO2}{_EQ}|(?P<ep2>k|m)?t\s?(?:e|éq|eq)\.?\s?co2|(?P<ep3>k|m)?t-\s?{_CO2}{_EQ}|gg\s?(?:de\s+)?{_CO2}{_EQ}"),
    "carbon": rf"(?:(?P<cp>k|m|g)\s?)?{_TONNE}\s*(?:of\s+|de\s+|d')?(?:carbon|carbone|carbono|углерода|c)\b",
    # Millions of hectares: "Mha", "M ha" (a capital M: "300 m ha-1" is metres per hectare), never a rate per hectare.
    "area": (r"(?P<mha>(?:(?-i:M)\s?ha|mha)\b(?!\s?-1(?![\d.,]\d|\d)|⁻¹|\^-?1))|"
             r"ha\b|hectares?\b|hect[áa]reas?\b|hectars?\b|hect\.|га\b|гектар\w*|هكتار\w*|"
             r"(?P<km2>km\s?2\b|sq\.?\s?km\b|square kilomet\w+|kilom[èe]tres? carr[ée]s|kil[óo]metros? cuadrados)|(?P<acre>acres?\b)"),
    "share": r"%|\bper\s?cent\b|\bpercent\b|pour\s?cent\b|por\s?ciento\b|por\s?cento\b|процент\w*|في المائة|بالمائة",
    "length": r"km\b",
}
_UNIT = "|".join(f"(?P<u_{m}>{p})" for m, p in _UNITS.items())
QUANTITY = re.compile(
    rf"(?P<n1>{_NUM}|{_WORDNUM})(?:\s*(?P<s1>{_SCALE}))?"
    rf"(?:\s*(?:{_RANGE})\s*(?P<n2>{_NUM}|{_WORDNUM})(?:\s*(?P<s2>{_SCALE}))?)?"
    rf"\s*(?:(?:of|de|d'|des|de la)\s*)?(?:{_UNIT})(?P<rate>{_PER_HA}?(?:(?:\s+(?:of|de|d')\s*\w+)?(?:\s+(?:and|et|y|e|и))?{_PER_YEAR})?)",
    re.IGNORECASE,
)
#: A column header's unit in brackets, for the bare numbers below it: "Surfaces annuelles prévues (en ha/an)",
#: "Superficies (en .000 ha)", "Area (ha)", "Reduction (thousand tCO2e)". ``scale`` multiplies the column's numbers.
COLUMN_UNIT = re.compile(
    r"\(\s*(?:en|in|em|в)?\s*(?P<scale>\.000|'000|,000|000|milliers d[e']\s*|thousands? (?:of\s+)?|thousand|miles de|"
    r"mil(?=\s)|k(?=\s|t)|тыс\.?)?\s*(?P<unit>[^()|]{1,24}?)\s*\)", re.IGNORECASE)
#: A number alone, as ``QUANTITY`` reads it (a table cell under a header that gives its unit).
NUMBER = re.compile(_NUM)
NORM_UNITS = {"area": "ha", "emissions": "tCO2e", "carbon": "tCO2e", "share": "%", "length": "km"}
_PREFIX = {"k": 1e3, "kilo": 1e3, "m": 1e6, "mega": 1e6, "g": 1e9, "giga": 1e9}
CARBON_TO_CO2 = 44 / 12
#: The measures a unit group of QUANTITY stands for, in the order they are tried.
MEASURES = tuple(_UNITS)


def value(number: Optional[str], scale: Optional[str], lang: str) -> Optional[float]:
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


def column_scale(scale: Optional[str]) -> float:
    """The factor of a column header's scale ("en .000 ha", "thousand tCO2e")."""
    return 1e3 if scale and scale.strip() else 1.0


def normalisation(found: re.Match, measure: str) -> tuple[float, str]:
    """(factor, normalised unit) for the matched unit."""
    rate = found.group("rate") or ""
    per_ha = "/ha" if re.search(r"ha|hect|га", rate, re.IGNORECASE) else ""
    per_year = "/yr" if rate and _YEAR_WORD.search(rate) else ""
    if measure == "area":
        unit = found.group("u_area").lower()
        factor = 100.0 if found.group("km2") else 0.404686 if found.group("acre") else 1e6 if found.group("mha") else 1.0
        return factor, "ha" + per_year
    if measure in ("emissions", "carbon"):
        prefix = (found.group("ep") or found.group("ep2") or found.group("ep3") or found.group("cp") or "").lower()
        unit = found.group(f"u_{measure}").lower()
        factor = 1e3 if unit.startswith("gg") else _PREFIX.get(prefix, 1.0)
        if measure == "carbon":
            factor *= CARBON_TO_CO2
        return factor, "tCO2e" + per_ha + per_year
    if measure in ("share", "share_of_area"):
        # "5% annually", "5 %/an", "5% per year"; not "20% annual emissions" nor "50% of the annual average"
        return 1.0, "%" + ("/yr" if _SHARE_PER_YEAR.match(rate) else "")
    return 1.0, "km"
