"""Country names in many languages, and finding the submitting country of an NDC.

The index is built from pycountry (ISO 3166-1 names, official names, common
names) and its gettext translations into French, Spanish, Portuguese, Arabic
and Russian, plus a short list of variants pycountry lacks. It is built on
first use (``functools.lru_cache``), never at import.

Matching works on word tokens of *folded* text: accents stripped, case folded,
Arabic alef/ya forms unified, Arabic clitics (و ف ب ل ك ال) and Russian case
endings cut off, so that "République du Sénégal", "Российской Федерации" and
"بالمملكة العربية السعودية" all find their country.
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

import pycountry

from ..errors import UsageError

#: Codes the UNFCCC registry uses that are not ISO 3166-1 (kept as given).
NON_ISO_CODES = {"EUU": "European Union"}

#: Names pycountry (names, common names, official names and their translations)
#: lacks, or that must win over an ambiguous one. Keep it short: add a variant
#: only when a real document or file name needs it.
VARIANTS = {
    "KOR": ["Korea", "Republic of Korea"],  # plain "Korea" is the ROK: the DPRK is "Democratic People's ..."
    "PRK": ["DPR Korea", "DPRK"],
    "COD": ["DR Congo", "DRC", "Democratic Republic of Congo", "RDC", "Congo-Kinshasa"],
    "COG": ["Congo-Brazzaville"],
    "CIV": ["Ivory Coast"],
    "TUR": ["Turkey"],                      # pycountry says Türkiye
    "SWZ": ["Swaziland"],                   # pycountry says Eswatini
    "LAO": ["Lao PDR"],
    "RUS": ["Russia", "Russie", "Rusia", "Россия"],
    "SYR": ["Syrie", "Siria"],
    "CPV": ["Cape Verde", "Cap-Vert"],
    "MKD": ["Macedonia"],
    "BRN": ["Brunei"],
    "MMR": ["Burma"],
    "TLS": ["East Timor"],
    "VAT": ["Vatican"],
    "GBR": ["Great Britain", "UK"],
    "ARE": ["UAE"],
    "MHL": ["RMI"],
    "BIH": ["BiH"],
    "EUU": ["European Union", "Union européenne", "Unión Europea", "União Europeia",
            "الاتحاد الأوروبي", "Европейский союз"],
}

#: Abbreviations trusted in file names only (in running text "UK" or "RDC" is weak evidence).
_FILE_NAME_ONLY = {"DRC", "RDC", "UK", "UAE", "RMI", "BiH", "DPRK"}

_LOCALES = ("fr", "es", "pt", "ar", "ru")

#: Acronyms of the documents themselves, never country codes in a file name.
NDC_ACRONYMS = {"INDC", "NDC", "CDN", "CPDN", "CDPN", "NDCS", "INDCS", "CND", "CNDS"}

#: Real alpha-3 codes that are also ordinary words or language tags in file names
#: ("ESP" = español, "FRA" = français, "MAR" = March, "AND", "FIN" = final ...):
#: used only when nothing better is found.
_WEAK_CODES = {"AND", "ARE", "CAN", "ESP", "FRA", "RUS", "MAR", "FIN", "PER", "TON", "DOM", "COM",
               "ARM", "BEL", "BEN", "CHE", "GAB", "NOR", "POL", "SUR", "TUR", "VEN", "IND", "ITA"}

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_TOKEN = re.compile(r"[^\W_]+")
_ARABIC_DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
_CHAR_MAP = {"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "ى": "ي", "ـ": "",
             "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "\u00ad": "", "\ufffe": "",
             "\u200b": "", "\u200c": "", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": ""}
_RU_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ом", "ем", "ой", "ей", "ах", "ях", "ам", "ям")
_RU_VOWELS = set("аеиоуыэюяь")


def fold(text: str) -> tuple[str, list[int]]:
    """Accent-free, case-folded text, and for each of its characters the index in ``text``.

    Whitespace runs become one space; dashes become "-"; Arabic-Indic digits become ASCII.
    Stretches of ASCII (most of an English, French or Spanish page) are folded whole.
    """
    out: list[str] = []
    where: list[int] = []
    last_space = False
    for stretch in _ASCII_OR_NOT.finditer(text):
        if stretch.group().isascii():
            last_space = _fold_ascii(stretch.group(), stretch.start(), out, where, last_space)
            continue
        for i, ch in enumerate(stretch.group(), start=stretch.start()):
            ch = _CHAR_MAP.get(ch, ch).translate(_ARABIC_DIGITS)
            for c in unicodedata.normalize("NFKD", ch):
                if unicodedata.combining(c):
                    continue
                for f in (" " if c.isspace() else c.casefold()):
                    if f == " " and last_space:
                        continue
                    out.append(f)
                    where.append(i)
                    last_space = f == " "
    return "".join(out), where


_ASCII_OR_NOT = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
_SPACE_RUN = re.compile(r"\s+")


def _fold_ascii(stretch: str, offset: int, out: list[str], where: list[int], last_space: bool) -> bool:
    """fold() of ASCII text, appended to ``out`` and ``where``: lower case, "`" as "'", one space per
    whitespace run (none after a space already out); returns whether it ended with a space."""
    lowered = stretch.lower().replace("`", "'")
    position = 0
    for run in _SPACE_RUN.finditer(lowered):
        start, end = run.span()
        if start > position:
            out.append(lowered[position:start])
            where.extend(range(offset + position, offset + start))
            last_space = False
        if not last_space:
            out.append(" ")
            where.append(offset + start)
            last_space = True
        position = end
    if position < len(lowered):
        out.append(lowered[position:])
        where.extend(range(offset + position, offset + len(lowered)))
        last_space = False
    return last_space


def _norm_token(token: str) -> str:
    """Cut Arabic clitics and Russian case endings so inflected forms meet their name."""
    if _ARABIC.match(token):
        if len(token) > 4 and token[0] in "وف":
            token = token[1:]
        if token.startswith("لل") and len(token) > 4:
            return token[2:]
        if len(token) > 4 and token[0] in "بلك" and token[1:3] == "ال":
            token = token[1:]
        if token.startswith("ال") and len(token) > 3:
            token = token[2:]
        return token
    if _CYRILLIC.match(token):
        for ending in _RU_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= 4:
                return token[: -len(ending)]
        for _ in range(2):
            if token[-1] in _RU_VOWELS and len(token) > 4:
                token = token[:-1]
        return token
    return token


def _tokens(folded: str) -> list[tuple[str, int, int]]:
    return [(_norm_token(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


def _key(name: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in _tokens(fold(name)[0]))


def _forms(name: str) -> tuple[list[str], list[str]]:
    """A name's full forms ("Korea, Republic of" -> "Republic of Korea") and its short
    forms ("Korea"); short forms lose to any full form of another country."""
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    full, short = [name, bare], re.findall(r"\(([^)]*)\)", name)
    for sep in (", ", "، "):
        if sep in bare:
            head, tail = bare.split(sep, 1)
            full.append(f"{tail} {head}")
            short.append(head)

    def tidy(forms):
        out = []
        for form in forms:
            form = re.sub(r"^(?:the|la|le|les|el|l')\s+", "", form.strip(), flags=re.I)
            out.append(form)
            if re.match(r"saint\s", form, re.I):
                out.append("St " + form[6:])
        return out
    return tidy(full), tidy(short)


@lru_cache(maxsize=1)
def _index() -> tuple[dict, int]:
    """Map of name token tuples to ISO3, and the longest name in tokens.

    Earlier sources win a name shared by two countries: our variants, then
    English full names, translated full names, and last the short forms
    ("Congo" is the Republic of the Congo, not "Congo, The Democratic Republic of the").
    """
    index: dict[tuple, str] = {}
    countries = list(pycountry.countries)
    names = {c.alpha_3: [getattr(c, a, None) for a in ("name", "common_name", "official_name")]
             for c in countries}
    translated = []
    for locale in _LOCALES:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        translated += [(iso3, translation.gettext(n)) for iso3, ns in names.items() for n in ns if n]
    english = [(iso3, n) for iso3, ns in names.items() for n in ns if n]
    variants = [(iso3, n) for iso3, ns in VARIANTS.items() for n in ns if n not in _FILE_NAME_ONLY]
    shorts = []
    for iso3, name in variants + english + translated:
        full, short = _forms(name)
        shorts += [(iso3, s) for s in short]
        for form in full:
            _add(index, iso3, form)
    for iso3, form in shorts:
        _add(index, iso3, form)
    return index, max(len(k) for k in index)


def _add(index: dict, iso3: str, name: str) -> None:
    key = _key(name)
    if key and len("".join(key)) >= 3:
        index.setdefault(key, iso3)


@lru_cache(maxsize=1)
def _file_name_index() -> dict[tuple[str, ...], str]:
    index = dict(_index()[0])
    for iso3, names in VARIANTS.items():
        for name in names:
            if name in _FILE_NAME_ONLY:
                _add(index, iso3, name)
    return index


@lru_cache(maxsize=2)
def _first_words(file_name: bool) -> frozenset:
    """The first word of every name (of the file-name index too when ``file_name``)."""
    return frozenset(key[0] for key in (_file_name_index() if file_name else _index()[0]))


@lru_cache(maxsize=1)
def _keys_by_country() -> dict[str, list]:
    keys = defaultdict(list)
    for key, iso3 in _index()[0].items():
        keys[iso3].append(key)
    return keys


def is_part_of_name(words: str, iso3: str) -> bool:
    """True when ``words`` ("Congo") are part of a name of ``iso3`` ("République démocratique du Congo")."""
    part = _key(words)
    n = len(part)
    return bool(n) and any(key[i:i + n] == part for key in _keys_by_country()[iso3] for i in range(len(key)))


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code or a registry code such as EUU."""
    return code in NON_ISO_CODES or pycountry.countries.get(alpha_3=code) is not None


def country_name(iso3: str) -> Optional[str]:
    """English short name: pycountry's common name when it has one, else its name."""
    if iso3 in NON_ISO_CODES:
        return NON_ISO_CODES[iso3]
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return None
    return getattr(c, "common_name", None) or c.name


def lookup_name(name: str) -> Optional[str]:
    """ISO3 of a country name in any indexed language, or None."""
    return _file_name_index().get(_key(name))


def resolve_country(text: str, *, given_as: str = "") -> str:
    """The ISO3 code of ``text``: an ISO3 code (any case) or a country name in en/fr/es/pt/ar/ru.

    Raises ``UsageError`` naming the nearest known codes and names when ``text`` is neither;
    ``given_as`` (e.g. "--country") starts the message.
    """
    given = text.strip()
    if len(given) == 3 and given.isascii() and is_country_code(given.upper()):
        return given.upper()
    found = lookup_name(given)
    if found:
        return found
    near = nearest_countries(given)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise UsageError(f"{given_as + ' ' if given_as else ''}{text!r} is not a country code or name ndc_scan knows",
                     remedy=f"{hint}give an ISO3 code (e.g. NER) or a country name in English, French, Spanish, "
                            "Portuguese, Arabic or Russian")


def nearest_countries(text: str, n: int = 3) -> list[str]:
    """Up to ``n`` known countries whose code or name is closest to ``text``, as "Niger (NER)"."""
    key = " ".join(_key(text))
    if not key:
        return []
    names = {" ".join(k): iso3 for k, iso3 in _file_name_index().items()}
    codes = {code.casefold(): code for code in _keys_by_country()} if len(key) == 3 else {}
    close = (difflib.get_close_matches(key, list(codes), n=n, cutoff=0.6)
             + difflib.get_close_matches(key, list(names), n=n * 4, cutoff=0.7))
    found: list[str] = []
    for match in close:
        iso3 = names.get(match) or codes[match]
        if iso3 not in found:
            found.append(iso3)
    return [f"{country_name(iso3)} ({iso3})" for iso3 in found[:n]]


class Found(NamedTuple):
    """A country found for a document, with where it was found."""

    iso3: str
    evidence: str                # e.g. "file name: code AFG", "text p.1-3: 'Republic of Kenya' x4"
    name: Optional[str] = None   # the name as written, when a name (not a code) was found


@dataclass(frozen=True)
class Hit:
    """A country name found in a text; ``start``/``end`` index the original text."""

    iso3: str
    start: int
    end: int
    surface: str
    strong: bool


#: "Republic of X", "Gouvernement du X", "contribución ... de X", "دولة X", "Республика X".
_STRONG_BEFORE = re.compile(
    r"(?:\b(?:republic|government|kingdom|state|commonwealth|principality|sultanate|federation|"
    r"submission by|submission from|contributions? (?:of|for|from)|i?ndcs? of|"
    r"republique|gouvernement|royaume|principaute|etat|sultanat|republica|gobierno|estado|reino|"
    r"principado|governo)(?: (?:of|the|du|de|des|del|da|do|d'|de la|de l'|la|el))*"
    r"|\b(?:nationale?|nacional|determinee?s?|determinadas?|contributions?|contribucion(?:es)?)"
    r" (?:de|du|de la|del|des)"
    r"|(?:جمهورية|حكومة|مملكة|المملكة|دولة|سلطنة|республик\w*|правительств\w*))[ '-]?$")
#: A name that is itself an official form ("Republic of Kenya", "دولة الكويت") is strong evidence.
_OFFICIAL = re.compile(
    r"\b(?:republic|kingdom|state|commonwealth|principality|sultanate|republique|royaume|principaute|"
    r"etat|sultanat|republica|reino|estado|principado|республик\w*|королевств\w*|государств\w*|"
    r"федерац\w*)\b|(?:جمهورية|مملكة|دولة|سلطنة)")
_STRONG_AFTER = re.compile(
    r"^(?:'s?)? ?(?:intended|nationally|national determined|i?ndcs?|submission|updated?|first|second|enhanced)\b")
#: Not the submitter: currencies, and the UNFCCC secretariat's address on cover letters.
_NOT_A_COUNTRY_AFTER = re.compile(r"^[ -]?(?:dollars?|\$)")
_NOT_A_COUNTRY_BEFORE = re.compile(r"bonn,? $")


def find_countries(text: str, *, file_name: bool = False) -> list[Hit]:
    """Every country name in ``text``, longest name first at each position."""
    folded, where = fold(text)
    tokens = _tokens(folded)
    index = _file_name_index() if file_name else _index()[0]
    longest, firsts = _index()[1], _first_words(file_name)
    hits, i = [], 0
    while i < len(tokens):
        if tokens[i][0] not in firsts:      # no name starts with this word: most words of a page
            i += 1
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            iso3 = index.get(tuple(t for t, _, _ in tokens[i:i + n]))
            if iso3 is None:
                continue
            start, end = tokens[i][1], tokens[i + n - 1][2]
            if not (_NOT_A_COUNTRY_AFTER.match(folded[end:end + 9])
                    or _NOT_A_COUNTRY_BEFORE.search(folded[max(0, start - 6):start])):
                strong = bool(_STRONG_BEFORE.search(folded[max(0, start - 45):start])
                              or _OFFICIAL.search(folded[start:end])
                              or _STRONG_AFTER.match(folded[end:end + 30]))
                surface = " ".join(text[where[start]:where[end - 1] + 1].split())
                hits.append(Hit(iso3, where[start], where[end - 1] + 1, surface, strong))
            i += n - 1
            break
        i += 1
    return hits


_CODE_TOKEN = re.compile(r"(?:^|(?<=[_\-\s.()]))([A-Z]{3})(?=$|[_\-\s.()])")


def country_from_file_name(file_name: str) -> Optional[Found]:
    """The country of an alpha-3 code token or a country name in a file name.

    A code wins, unless the file name also names a different country: then the
    code is an abbreviation ("State of Palestine_NDC_SPM.pdf": SPM is a summary
    for policy makers, not Saint Pierre and Miquelon). Codes that are also words
    or language tags (ESP, FRA, MAR, AND ...) count only when no name is found.
    """
    stem = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", file_name)
    codes = [m.group(1) for m in _CODE_TOKEN.finditer(stem)
             if m.group(1) not in NDC_ACRONYMS and is_country_code(m.group(1))]
    strong = [c for c in codes if c not in _WEAK_CODES]
    spaced = re.sub(r"[_.]+", " ", stem)
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", spaced)   # "SaudiArabia" -> "Saudi Arabia"
    hits = find_countries(spaced, file_name=True)
    named = max(hits, key=lambda h: h.end - h.start) if hits else None
    if strong and (named is None or named.iso3 == strong[0]):
        return Found(strong[0], f"file name: code {strong[0]}")
    if named:
        return Found(named.iso3, f"file name: '{named.surface}'", named.surface)
    if codes:
        return Found(codes[0], f"file name: code {codes[0]}")
    return None


def find_country(file_name: str, pages: list[str], pdf_title: str = "") -> Optional[Found]:
    """The submitting country: from the file name (a code, then a name), else the text, else the PDF's title.

    A name in the file name that is only part of the country the text names
    ("Congo" in "CPDN - Rép Dém du Congo.pdf", text "République démocratique du
    Congo") gives way to the text.
    """
    by_file, by_text = country_from_file_name(file_name), country_from_text(pages)
    if by_file and by_text and by_file.name and by_file.iso3 != by_text.iso3 \
            and is_part_of_name(by_file.name, by_text.iso3):
        return by_text._replace(evidence=f"{by_text.evidence} (file name: only '{by_file.name}')")
    if by_file or by_text:
        return by_file or by_text
    by_pdf = country_from_file_name(pdf_title) if pdf_title else None
    return by_pdf._replace(evidence=by_pdf.evidence.replace("file name", "PDF metadata")) if by_pdf else None


#: Weights of a country mention: in the first characters (title), on the title
#: page, elsewhere; a "Republic of X" / "Gouvernement du X" / "X's" context adds _STRONG.
TITLE_CHARS = 400
_W_TITLE, _W_TITLE_PAGE, _W_BODY, _STRONG = 4.0, 2.0, 1.0, 3.0


def title_page_index(pages: list[str]) -> int:
    """Index of the title page: the first page with at least 10 letters (skips blank covers)."""
    return next((i for i, p in enumerate(pages) if sum(c.isalpha() for c in p) >= 10), 0)


def country_from_text(pages: list[str]) -> Optional[Found]:
    """The submitting country, from the first pages of a document.

    The title zone is the first 400 characters from the title page on. The
    European Union counts at half weight: many documents thank it on their cover.
    """
    scores: dict[str, float] = defaultdict(float)
    seen: dict[str, Counter] = defaultdict(Counter)
    pages_of: dict[str, set] = defaultdict(set)
    title_page = title_page_index(pages)
    title_start = sum(len(p) for p in pages[:title_page])
    offset = 0
    for page_no, page in enumerate(pages):
        for hit in find_countries(page):
            if title_start <= offset + hit.start < title_start + TITLE_CHARS:
                weight = _W_TITLE
            elif page_no == title_page:
                weight = _W_TITLE_PAGE
            else:
                weight = _W_BODY
            weight += _STRONG if hit.strong else 0.0
            scores[hit.iso3] += weight * (0.5 if hit.iso3 == "EUU" else 1.0)
            seen[hit.iso3][hit.surface] += 1
            pages_of[hit.iso3].add(page_no + 1)
        offset += len(page)
    if not scores:
        return None
    iso3 = max(scores, key=lambda k: (scores[k], sum(seen[k].values())))
    surface, _ = seen[iso3].most_common(1)[0]
    numbers = sorted(pages_of[iso3])
    where = f"text p.{numbers[0]}" if len(numbers) == 1 else f"text p.{numbers[0]}-{numbers[-1]}"
    return Found(iso3, f"{where if len(pages) > 1 else 'front text'}: '{surface}' x{sum(seen[iso3].values())}",
                 surface)
