"""OCR for pages without a usable text layer: render with pypdfium2, read with Tesseract.

A page needs OCR when its text layer is empty (a scan) or garbage (an earlier
bad OCR: "liJ-rliall g99-fu19 ii.ull"). Tesseract's words come back with their
boxes, so the OCR'd page goes through the same line, column and block logic
as a text page.

Tesseract reads with the document's language alone when it is known (``--lang``, the
``--metadata`` file, the other pages' text, or the first scanned pages' own text); only a
page of a document whose language is unknown, or a page its language reads as garbage,
has its script detected first (Tesseract's OSD: Latin, Cyrillic, Arabic). A document's
pages are read ``threads`` at once, each by a Tesseract process held to one thread
(``OMP_THREAD_LIMIT=1``: Tesseract's own threads fight over the cores with the scan's
other processes and gain nothing).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Optional

from ..errors import OcrUnavailableError
from ..textnorm import clean_arabic

TESSERACT_LANGS = {"en": "eng", "fr": "fra", "es": "spa", "pt": "por", "ar": "ara", "ru": "rus"}
#: Languages for a page whose document language is unknown, by the script OSD finds (Latin: English first;
#: the language its text then shows is used for the page and the rest of the document).
SCRIPT_LANGS = {"Latin": "eng", "Cyrillic": "rus+eng", "Arabic": "ara+eng"}
APT_PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-por tesseract-ocr-ara tesseract-ocr-rus"
INSTALL_HINT = f"install it: sudo apt-get install {APT_PACKAGES}"
DPI = 300                        # chosen by measurement: see the README's Performance section
MAX_PIXELS = 60_000_000          # a larger page (an absurd MediaBox) is rendered at lower resolution
GARBAGE_BELOW = 0.68             # share of plausible words under which a text layer is garbage
DOUBTFUL_BELOW = 0.6             # mean Tesseract confidence under which a page is read again by its script

_TOKEN = re.compile(r"\S+")
_NUMBER = re.compile(r"^[(\[]?[\d.,%/:+-]+[)\].,;:%]*$")
_EDGE_PUNCT = "()[]{}\"'«»“”‘’.,;:!?•-–|*"
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")


def text_quality(text: str) -> Optional[float]:
    """Share of tokens that look like words, or None when there are too few tokens to judge.

    A word is letters (any script) with at most an inner hyphen, apostrophe or
    dot; garbage mixes letters with digits and symbols and flips case inside
    words ("O:tdL", "6.r.s^ll", "4$lj'cll"). Chinese/Japanese/Korean text is not judged.
    """
    if len(_CJK.findall(text)) > 0.3 * max(1, len(text.replace(" ", ""))):
        return None
    tokens = [t.strip(_EDGE_PUNCT) for t in _TOKEN.findall(text) if not _NUMBER.match(t)]
    tokens = [t for t in tokens if t]
    if len(tokens) < 20:
        return None
    return sum(map(_plausible, tokens)) / len(tokens)


def _plausible(token: str) -> bool:
    if token.isalpha() and (token.islower() or token.isupper() or token[1:].islower()):
        return True                              # letters only, no lower-to-upper flip: most tokens, decided at once
    letters = sum(c.isalpha() for c in token)
    if letters < len(token) - token.count("-") - token.count("'") - token.count("."):
        return False
    flips = sum(1 for a, b in zip(token, token[1:]) if a.islower() and b.isupper())
    return flips <= 1 and letters >= 1


#: An Arabic page is doubtful below this share of common words (``arabic_common_share``), and its OCR is kept
#: when that reads at least ARABIC_GAIN more of them (measured on the corpus's Arabic NDCs: README, "Scanned pages").
ARABIC_DOUBTFUL_BELOW = 0.19
ARABIC_GAIN = 0.025
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+")


def arabic_common_share(text: str) -> Optional[tuple[float, int]]:
    """(share of its Arabic words that are common words, number of Arabic words) of a page that is mostly Arabic.

    Some Arabic PDFs map glyphs to wrong letters (IRQ_indc_2015: "يقدي هذا التقرير" for "يقدم هذا
    التقرير", "الأمنم المتحندة" for "الأمم المتحدة"): still Arabic letters, so ``text_quality`` passes them,
    but the common words ("في", "من", "على", "التي" …: spaCy's Arabic stop words) are misspelt too, and their
    share falls from 0.15-0.21 to 0.08-0.15. None for a page with fewer than 30 Arabic words, or mostly another script.
    """
    from spacy.lang.ar.stop_words import STOP_WORDS

    words = _ARABIC_WORD.findall(text)
    if len(words) < 30 or 2 * len(words) < len(_LATIN_WORD.findall(text)):
        return None
    return sum(clean_arabic(word) in STOP_WORDS for word in words) / len(words), len(words)


def is_garbage(text: str) -> bool:
    quality = text_quality(text)
    return quality is not None and quality < GARBAGE_BELOW


@dataclass(frozen=True)
class OcrSettings:
    """How to OCR.

    ``languages``: Tesseract languages for every page ("" = the document's language, found
    from its other pages or its first scanned pages). ``latin``: the languages to try first
    on a Latin-script page of a document whose language is unknown ("" = English).
    ``dpi``: rendering resolution. ``threads``: pages of one document read at once.
    """

    languages: str = ""
    latin: str = ""
    dpi: int = DPI
    threads: int = 1


@functools.cache
def available_languages() -> frozenset:
    """Tesseract language packs installed; raises OcrUnavailableError without Tesseract."""
    if shutil.which("tesseract") is None:
        raise OcrUnavailableError("Tesseract is not installed, so scanned pages cannot be read", remedy=INSTALL_HINT)
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError) as exc:  # a broken installation
        raise OcrUnavailableError(f"Tesseract does not run ({exc})", remedy=INSTALL_HINT) from exc


def installed_languages_for(lang: Optional[str]) -> str:
    """Tesseract languages for a document language, or "" when it has no pack (or its pack is not installed)."""
    try:
        return languages_for(lang)
    except OcrUnavailableError:
        return ""


def languages_for(lang: Optional[str]) -> str:
    """Tesseract languages for a document language, limited to the installed packs."""
    installed = available_languages()
    wanted = TESSERACT_LANGS.get(lang or "", "")
    if wanted and wanted not in installed:
        raise OcrUnavailableError(
            f"the Tesseract language pack '{wanted}' is missing",
            remedy=f"install it: sudo apt-get install tesseract-ocr-{wanted}")
    return wanted


def read_page(pdfium_page, settings: OcrSettings) -> tuple[list[dict], float, tuple[float, float]]:
    """OCR one page: (words, mean confidence in [0, 1], (width, height) in points).

    With ``settings.languages`` "", the page's script decides (``SCRIPT_LANGS``). Words are
    pdfplumber-style dicts in PDF points, in Tesseract's reading order, each with its ``line``
    key (block, paragraph, line).
    """
    image, scale, size = render(pdfium_page, settings.dpi)
    words, confidence = recognise(image, scale, settings.languages or script_languages(image, settings.latin))
    return words, confidence, size


def read_pages(document, indices: Iterable[int], languages: str,
               settings: OcrSettings) -> dict[int, tuple[list[dict], float]]:
    """OCR pages of a pypdfium2 document in ``languages``, ``settings.threads`` at once: index → (words, confidence).

    Pages are rendered here, one after another (PDFium is not thread-safe), at most one ahead
    of the pages being read; each page is read by a Tesseract process of its own. A page that
    comes out doubtful (low confidence, or garbage) is read again in the languages of its script.
    """
    found: dict[int, tuple[list[dict], float]] = {}
    with ThreadPoolExecutor(max(1, settings.threads)) as pool:
        running: dict[Future, int] = {}
        for index in indices:
            while len(running) > settings.threads:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    found[running.pop(future)] = future.result()
            image, scale, _ = render(document[index], settings.dpi)
            running[pool.submit(_recognise_checked, image, scale, languages, settings.latin)] = index
        for future, index in running.items():
            found[index] = future.result()
    return found


def render(pdfium_page, dpi: int) -> tuple[Any, float, tuple[float, float]]:
    """(grayscale PIL image, pixels per point, (width, height) in points) of a page, at most MAX_PIXELS big."""
    width, height = pdfium_page.get_size()
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (width * height)) ** 0.5
    image = pdfium_page.render(scale=scale, grayscale=True).to_pil()
    # pytesseract hands Tesseract the image as a file of this format (PNG when none is set): an uncompressed PGM
    # holds the same pixels, and writing it costs nothing, where compressing a 300 dpi page to PNG took ~0.1 s of
    # CPU, for every Tesseract run on it (OSD and a second reading included).
    image.format = "PPM"
    return image, scale, (width, height)


def recognise(image, scale: float, languages: str) -> tuple[list[dict], float]:
    """Tesseract's words on a rendered page, in PDF points, and their mean confidence in [0, 1]."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")      # one thread per Tesseract (see the module's docstring)
    data = pytesseract.image_to_data(image, lang=languages, config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    words, confidences = [], []
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not text.strip() or confidence < 0:
            continue
        left, top = data["left"][i] / scale, data["top"][i] / scale
        w, h = data["width"][i] / scale, data["height"][i] / scale
        if "ara" in languages:
            text = arabic_comma(text)
        words.append({"text": text, "x0": left, "x1": left + w, "top": top, "bottom": top + h,
                      "size": round(h, 1), "fontname": "", "upright": True, "logical": True,
                      "line": (data["block_num"][i], data["par_num"][i], data["line_num"][i])})
        confidences.append(confidence)
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return words, round(mean, 3)


#: Words that do end in a hamza after a consonant or "ي" ("جزء" part, "شيء" thing), without their prefixes.
_FINAL_HAMZA_WORDS = frozenset("جزء بدء عبء دفء بطء ملء نشء كفء مرء خبء ردء شيء بطيء مليء بريء دنيء مجيء رديء هنيء جريء".split())
_ARABIC_PREFIX = re.compile(r"^(?:وال|فال|بال|كال|لل|ال|و|ف|ب|ك|ل)")


def arabic_comma(word: str) -> str:
    """A Tesseract word with the Arabic comma it read as a final hamza put back ("التصحرء" → "التصحر،").

    Tesseract's Arabic model reads a comma glued to a word as "ء" (IRQ_indc_2015: 153 of them, not one "،").
    A word-final "ء" after a consonant, "ء" or "ي" is taken for a comma unless the word is one of the few that
    end so ("جزء", "بدء", "شيء" …, with or without a prefix); after "ا" or "و" it stays ("الكهرباء", "ضوء").
    """
    if len(word) < 3 or not word.endswith("ء") or word[-2] in "اوىآأإئؤ" or not "\u0621" <= word[-2] <= "\u064a":
        return word
    if word in _FINAL_HAMZA_WORDS or _ARABIC_PREFIX.sub("", word) in _FINAL_HAMZA_WORDS:
        return word
    return word[:-1] + "،"


def _recognise_checked(image, scale: float, languages: str, latin: str) -> tuple[list[dict], float]:
    """``recognise``; a doubtful result (a page in another script than the document's) is read by its script too,
    and the better reading kept: not garbage first, then the higher confidence."""
    words, confidence = recognise(image, scale, languages)
    if confidence >= DOUBTFUL_BELOW and not _garbage(words):
        return words, confidence
    by_script = script_languages(image, latin)
    if by_script == languages:
        return words, confidence
    again, again_confidence = recognise(image, scale, by_script)
    if (not _garbage(again), again_confidence) > (not _garbage(words), confidence):
        return again, again_confidence
    return words, confidence


def _garbage(words: list[dict]) -> bool:
    return is_garbage(" ".join(w["text"] for w in words))


def script(image) -> str:
    """The page's script by Tesseract's orientation and script detection ("Latin" when it cannot tell)."""
    import pytesseract

    if "osd" not in available_languages():
        return "Latin"
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        found = re.search(r"Script: (\w+)", pytesseract.image_to_osd(image, config="--psm 0"))
    except pytesseract.TesseractError:
        return "Latin"    # too little text to tell
    return found.group(1) if found else "Latin"


def script_languages(image, latin: str = "") -> str:
    """Languages for a page by its script (Latin, Cyrillic, Arabic), limited to the installed packs."""
    return languages_of_script(script(image), latin)


def languages_of_script(found: str, latin: str = "") -> str:
    """Languages for a script OSD found (``SCRIPT_LANGS``; ``latin`` for Latin when given), limited to the installed packs."""
    wanted = ((latin if found == "Latin" and latin else None) or SCRIPT_LANGS.get(found, SCRIPT_LANGS["Latin"])).split("+")
    usable = [lang for lang in wanted if lang in available_languages()]
    return "+".join(usable) or "eng"
