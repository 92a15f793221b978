"""Metadata inference: whose pledge a file is, which kind, when, in which language.

``infer_meta`` guesses from the file name, the text of the first pages and the
PDF's own metadata, and records for every field where the guess came from.
Values a user gives in a ``--metadata`` file are read by ``metadata_file``.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

from ..records import GIVEN, INFERRED, DocumentMeta
from .countries import TITLE_CHARS, country_name, find_country, fold, title_page_index

#: Pages of ``front_text`` are separated by form feeds. The title zone is the
#: first TITLE_CHARS characters from the title page (the first with text) on.
PAGE_BREAK = "\f"
_MIN_LETTERS = 200          # below this, langdetect guesses: no language
_YEARS = range(2014, 2027)  # submission years of (I)NDCs: never 2030 / 2050 targets

# --- kind -----------------------------------------------------------------
# Patterns work on folded text (see countries.fold): lower case, no accents,
# Russian "й" folded to "и", dashes as "-".
_CORE = re.compile(
    r"(?P<indc>\bindcs?\b|\bintended nationally? determined|\bcpdn\b|\bcdpn\b"
    r"|\bcontributions? (?:nationales? )?prevues?"
    r"|\bcontribuci(?:on|ones) (?:nacional(?:es)? )?(?:prevista|tentativa)s?"
    r"|\bprevistas? (?:y )?(?:nacionalmente )?determinadas?"
    r"|\bcontribuic(?:ao|oes) (?:nacionais )?(?:pretendidas?|intencionadas?)"
    r"|предполагаем\w* (?:национально )?определяем|معتزم)"
    r"|(?P<ndc>\bndcs?\b|\bnationally determined contributions?|\bnational determined contributions?"
    r"|\bcdns?\b|\bcnds?\b|\bcontributions? determinees? au niveau national|\bcontributions? nationales?"
    r"|\bcontribuci(?:on|ones) (?:nacionalmente )?determinadas?(?: a nivel nacional)?"
    r"|\bcontribuci(?:on|ones) nacional(?:es)?"
    r"|\bcontribuic(?:ao|oes) nacionalmente determinadas?"
    r"|определяем\w* на национальном уровне вклад|национально определяем\w* вклад"
    r"|محددة وطنيا|المساهمات? المحددة|国家自主贡献)")
_TARGET = (r"(?:nationally determined|national determined|i?ndcs?\b|cdns?\b|cnds?\b|contributions?\b"
           r"|contribucion(?:es)?\b|contribuic(?:ao|oes)\b|национально определяем|определяем\w* на национальном)")
_ORDINAL = re.compile(
    rf"(?P<ndc3>\b(?:third|3rd|troisieme|tercera|terceira|трет\w*) (?:(?:updated|enhanced) )?{_TARGET}"
    r"|\b(?:ndc|cdn) ?3(?:\.0)?\b|\bndc 2035\b|\b2035 ndc\b)"
    rf"|(?P<ndc2>\b(?:second|2nd|deuxieme|seconde|segunda|segundo|втор\w*) (?:(?:updated|enhanced) )?{_TARGET}"
    r"|\b(?:ndc|cdn) ?2\b)")
_UPDATE = re.compile(
    r"\b(?:updated?|revised|revision|enhanced|actualizacion|actualizada|actualizado|actualisee?s?"
    r"|mise a jour|revisee?s?|atualizada|atualizacao|обновлен\w*)\b|محدث")
_FILE_KIND = [  # first match wins
    ("ndc3", re.compile(r"\b(?:ndc|cdn) ?3(?:\.0)?\b|\bthird\b|\b3rd\b|troisieme|tercera|terceira|\b2035\b")),
    ("ndc2", re.compile(r"\bsecond\b|\b2nd\b|deuxieme|seconde|segunda|\b(?:ndc|cdn) ?2\b")),
    ("ndc-updated", re.compile(r"updat|revis|enhanced|actualiz|actualis|mise a jour|atualiz")),
    ("indc", re.compile(r"\bi ?ndcs?\b|\bcpdn\b|\bcdpn\b|intended|prevue|prevista|tentativa")),
    ("ndc", re.compile(r"\bndcs?\b|\bcdns?\b|\bcnds?\b|nationally determined|contribution|contribucion")),
]

# --- year -----------------------------------------------------------------
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    r"|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
    r"|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|dezembro"
    r"|январ\w*|феврал\w*|март\w*|апрел\w*|ма[яи]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*"
    r"|декабр\w*|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر")
_DATE_BEFORE = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?,? (?:\d{{1,2}} ?(?:st|nd|rd|th)?,? )?(?:de |del )?|(?:{_MONTHS}) ?"
    r"|\b\d{1,2} ?[./-] ?\d{1,2} ?[./-] ?)$")
_DATE_AFTER = re.compile(r"^(?:年|-\d\d-\d\d|/\d\d/\d\d)")
_UPDATE_YEAR = re.compile(r"(?:updated?|actualizacion|actualisation|mise a jour|atualizacao) ?$")
_UPDATE_YEAR_AFTER = re.compile(r"^ (?:updated?|actualizacion|mise a jour)\b")
_TARGET_BEFORE = re.compile(
    r"(?:\bby|\buntil|\btill|\bthrough|d'ici|horizon|\bhasta|\bate|\bдо|\bк|\bbefore|\bafter|\bbeyond|\bfrom"
    r"|\bbetween|\bsince|\bperiod(?: of)?|time ?frames?(?: of)?|\bbeginning|\bstart(?:ing)?|\bdesde|\bentre"
    r"|a partir de|relative to|compared (?:to|with)|levels? (?:in|of)|target year|\bfy|\bpre|\bpost|\bvision"
    r"|\bplan|\bstrategy|\bagenda|\bbudget|\bс|\bв период)\W{0,3}(?:the (?:year|end of) |end of |fiscal year )?$")
#: Dates of earlier events: "submitted its INDC on 17 July 2015", "Paris Agreement of 12 December 2015",
#: "COP20 in Lima, December 2014".
_SUBMITTED = r"(?:submitted|presented|communicated|soumis|presente|presento|presentada|представил\w*)"
_INTENDED = r"(?:\bindcs?\b|intended|cpdn|prevue|prevista|tentativa|предполагаем)"
_HISTORY_BEFORE = re.compile(
    rf"(?:{_SUBMITTED} (?:its|their|su|sa|son)\b[^.]{{0,80}}{_INTENDED}[^.]{{0,120}}"
    rf"|{_INTENDED}[^.]{{0,120}}{_SUBMITTED}[^.]{{0,100}}"
    r"|(?:agreement|accord|acuerdo|соглашени\w*)(?: de paris)? (?:of|du|de|del|от) ?"
    r"|\b(?:lima|paris|marrakech|katowice|glasgow|warsaw|summit|cop ?\d\d|лим\w*)\b[^.]{0,40}"
    r"|\badopted (?:in|on) |\bsince )$")
_PAST_BEFORE = re.compile(r"\b(?:submitted|adopted|approved|launched|published|finalised|finalized|held) (?:in|on) $")
_CITATION_BEFORE = re.compile(r"\([^()]{1,30}, ?$")               # "(RGPH, 2014)"
_IN_BEFORE = re.compile(r"\b(?:in|en) $")                         # "in 2014, Nigeria became ..."
_RANGE = re.compile(r"^ ?[-/] ?(?:19|20)\d\d")
_RANGE_BEFORE = re.compile(r"(?:19|20)\d\d ?- ?$")
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_FILE_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?:[01]\d[0-3]\d)?(?!\d)")


class _Year(NamedTuple):
    value: int
    evidence: str
    clean: bool       # a date or the title's year, with no "by 2025" / "submitted its INDC on" context
    in_title: bool


LANGUAGE_NAMES = {"english": "en", "french": "fr", "spanish": "es", "portuguese": "pt", "arabic": "ar",
                   "russian": "ru", "chinese": "zh", "francais": "fr", "espanol": "es", "anglais": "en"}


def infer_meta(file_name: str, front_text: str, *, pdf_info: Optional[dict] = None,
               language_hint: Optional[str] = None) -> DocumentMeta:
    """Guess a document's country, kind, year and language.

    ``front_text`` is the text of the first ~3 pages, pages separated by "\\f"
    (the first page with text is the title page); it may be "" for scanned files.
    ``language_hint`` (``--lang``) wins over detection and is marked given.
    """
    pages = [page_in_reading_order(p) for p in front_text.split(PAGE_BREAK)] if front_text else []
    pdf_title = " ".join(str((pdf_info or {}).get(k) or "") for k in ("Title", "Subject")).strip()
    values, sources, evidence = {}, {}, {}

    def put(field, value, how, source=INFERRED):
        if value is not None:
            values[field], sources[field], evidence[field] = value, source, how

    found = find_country(file_name, pages, pdf_title)
    if found:
        put("iso3", found.iso3, found.evidence)
        put("country", country_name(found.iso3), found.evidence)

    # A clean year in the title beats the PDF's creation date, one from the body does not;
    # only a clean year is trusted to correct the kind below.
    in_text = _year_from_text(pages)
    title_year = in_text if in_text and in_text.clean and in_text.in_title else None
    year = _year_from_file_name(file_name) or title_year or _year_from_pdf(pdf_info) or in_text
    if year:
        put("year", year.value, year.evidence)

    kind = _kind_from_file_name(file_name, "file name")
    if kind is None or kind[0] == "ndc":
        kind = _kind_from_text(pages) or kind or _kind_from_file_name(pdf_title, "PDF metadata")
    if kind:
        put("kind", *_kind_by_year(kind, year.value if year and year.clean else None))

    if language_hint:
        put("language", language_hint.strip().lower(), "--lang", GIVEN)
    else:
        put("language", *(detect_language("\n".join(pages)) or (None, "")))
    return DocumentMeta(iso3=values.get("iso3"), country=values.get("country"), kind=values.get("kind"),
                        year=values.get("year"), language=values.get("language"),
                        sources=sources, evidence=evidence)


_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
_LTR_RUN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z./:,-]*[0-9A-Za-z])?")


def page_in_reading_order(page: str) -> str:
    """Arabic lines given in visual order (as pdfplumber gives them) put back in reading order.

    A page is visual when more Arabic words end in "لا" (the article "ال" read
    backwards) than start with "ال"; its Arabic lines are reversed, and the
    digit and Latin runs inside them turned back.
    """
    words = _ARABIC_WORD.findall(page)
    if len(words) < 5 or sum(w.endswith("لا") for w in words) <= sum(w.startswith("ال") for w in words):
        return page
    return "\n".join(_LTR_RUN.sub(lambda m: m.group()[::-1], line[::-1]) if _ARABIC_WORD.search(line) else line
                     for line in page.split("\n"))


def _zones(pages: list[str]) -> list[tuple[str, str]]:
    """(label, text) of the title zone and of the rest of the front pages."""
    if not pages:
        return []
    first = title_page_index(pages)
    text = PAGE_BREAK.join(pages[first:]).lstrip()
    label = f"text p.{first + 1}" if len(pages) > 1 else "front text"
    rest = f"text p.{first + 1}-{len(pages)}" if len(pages) > 1 else "front text"
    return [(f"{label} (title)", text[:TITLE_CHARS]), (rest, text[TITLE_CHARS:])]


def _kind_from_text(pages: list[str]) -> Optional[tuple[str, str]]:
    """Kind from the earliest kind phrase: title zone first, then the other front pages."""
    for label, zone in _zones(pages):
        folded, where = fold(zone)
        found = [m for m in (_ORDINAL.search(folded), _CORE.search(folded)) if m]
        if not found:
            continue
        m = min(found, key=lambda m: m.start())
        kind = m.lastgroup or ""
        if kind == "ndc" and _UPDATE.search(folded[max(0, m.start() - 60):m.end() + 80]):
            kind = "ndc-updated"
        surface = " ".join(zone[where[m.start()]:where[m.end() - 1] + 1].split())
        return kind, f"{label}: '{surface}'"
    return None


def _kind_from_file_name(name: str, label: str) -> Optional[tuple[str, str]]:
    folded = fold(re.sub(r"[_.]+", " ", name))[0]
    for kind, pattern in _FILE_KIND:
        m = pattern.search(folded)
        if m:
            return kind, f"{label}: '{m.group()}'"
    return None


def _kind_by_year(kind: tuple[str, str], year: Optional[int]) -> tuple[str, str]:
    """Apply the registry's calendar: an "NDC" dated 2015 or before is the INDC (the Paris
    Agreement was adopted in December 2015); a first NDC dated 2020+ is the updated one
    (updates were due in 2020); an "update" before 2020 is the first NDC itself."""
    value, how = kind
    if year is None:
        return kind
    if value == "ndc" and year <= 2015:
        return "indc", f"{how}, dated {year}"
    if value == "ndc" and year >= 2020:
        return "ndc-updated", f"{how}, dated {year}"
    if value == "ndc-updated" and year < 2020:
        return "ndc", f"{how}, dated {year}"
    return kind


def _year_from_file_name(name: str) -> Optional[_Year]:
    for m in _FILE_YEAR.finditer(name):
        if _RANGE.match(name[m.end():]) or _RANGE_BEFORE.search(name[:m.start()]):
            continue
        year = int(m.group(1))
        if year in _YEARS:
            return _Year(year, f"file name: '{m.group()}'", True, True)
    return None


def _year_from_text(pages: list[str]) -> Optional[_Year]:
    """The best-placed year of the front pages.

    Dates ("September 2015", "19/11/2015") and the title count most; target
    years ("by 2025"), periods ("2021-2030", "from 1 January 2021") and dates of
    earlier events ("submitted its INDC on 17 July 2015") count least.
    """
    best: dict[int, tuple[float, _Year]] = {}
    for z, (label, zone) in enumerate(_zones(pages)):
        folded, where = fold(zone)
        for m in _YEAR.finditer(folded):
            year = int(m.group(1))
            if year not in _YEARS:
                continue
            before, after = folded[max(0, m.start() - 200):m.start()], folded[m.end():m.end() + 12]
            score = 1.0 + (4.0 if z == 0 else 0.0)
            date = _DATE_BEFORE.search(before[-30:])
            if date or _DATE_AFTER.match(after) or _UPDATE_YEAR.search(before[-16:]) \
                    or _UPDATE_YEAR_AFTER.match(after):
                score += 3.0
            head = before[:len(before) - (len(date.group()) if date else 0)]
            penalty = 0.0
            if _TARGET_BEFORE.search(head[-40:]) or _RANGE.match(after) or _RANGE_BEFORE.search(before):
                penalty += 4.0
            if _HISTORY_BEFORE.search(head) or (z > 0 and _PAST_BEFORE.search(head[-20:])) \
                    or _CITATION_BEFORE.search(head[-40:]):
                penalty += 3.0
            if not date and _IN_BEFORE.search(head[-4:]):
                penalty += 2.0
            score -= penalty
            if score > best.get(year, (-99.0,))[0]:
                start = max(0, m.start() - 20)
                context = " ".join(zone[where[start]:where[m.end() - 1] + 1].split())
                best[year] = (score, _Year(year, f"{label}: '{context}'", not penalty and (z == 0 or score >= 4.0),
                                           z == 0))
    if not best:
        return None
    score, found = max(best.values(), key=lambda b: (b[0], b[1].value))
    return found if score >= 2.0 else None


def _year_from_pdf(pdf_info: Optional[dict]) -> Optional[_Year]:
    for key in ("CreationDate", "ModDate"):
        m = re.match(r"(?:D:)?(\d{4})", str((pdf_info or {}).get(key) or ""))
        if m and int(m.group(1)) in _YEARS:
            return _Year(int(m.group(1)), f"PDF metadata ({key})", True, True)
    return None


def detect_language(text: str) -> Optional[tuple[str, str]]:
    """(ISO 639-1 code, evidence) by langdetect, or None for too little text."""
    letters = sum(c.isalpha() for c in text)
    if letters < _MIN_LETTERS:
        return None
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None
    return best.lang.split("-")[0], f"langdetect on {len(text):,} chars (p={best.prob:.2f})"
