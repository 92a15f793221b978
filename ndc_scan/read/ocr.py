"""OCR for pages without a usable text layer: render with pypdfium2, read with Tesseract.

A page needs OCR when its text layer is empty (a scan) or garbage (an earlier
bad OCR: "liJ-rliall g99-fu19 ii.ull"). Tesseract's words come back with their
boxes, so the OCR'd page goes through the same line, column and block logic
as a text page. The language is the document's when known (``--lang`` or the
other pages' text), otherwise the page's script as Tesseract's orientation and
script detection sees it.
"""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import dataclass
from typing import Optional

from ..errors import OcrUnavailableError

TESSERACT_LANGS = {"en": "eng", "fr": "fra", "es": "spa", "pt": "por", "ar": "ara", "ru": "rus"}
SCRIPT_LANGS = {"Latin": "eng+fra+spa+por", "Cyrillic": "rus+eng", "Arabic": "ara+eng"}
APT_PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-por tesseract-ocr-ara tesseract-ocr-rus"
INSTALL_HINT = f"install it: sudo apt-get install {APT_PACKAGES}"
DPI = 300
MAX_PIXELS = 60_000_000          # a larger page (an absurd MediaBox) is rendered at lower resolution
GARBAGE_BELOW = 0.68             # share of plausible words under which a text layer is garbage

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
    return sum(_plausible(t) for t in tokens) / len(tokens)


def _plausible(token: str) -> bool:
    if token.isalpha() and (token.islower() or token.isupper() or token[1:].islower()):
        return True                              # letters only, no lower-to-upper flip: most tokens, decided at once
    letters = sum(c.isalpha() for c in token)
    if letters < len(token) - token.count("-") - token.count("'") - token.count("."):
        return False
    flips = sum(1 for a, b in zip(token, token[1:]) if a.islower() and b.isupper())
    return flips <= 1 and letters >= 1


def is_garbage(text: str) -> bool:
    quality = text_quality(text)
    return quality is not None and quality < GARBAGE_BELOW


@dataclass(frozen=True)
class OcrSettings:
    """How to OCR.

    ``languages``: Tesseract languages for every page ("" = by each page's
    script). ``latin``: the languages to use for Latin-script pages when
    detecting by script (the document's own language when known).
    """

    languages: str = ""
    latin: str = ""


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

    Words are pdfplumber-style dicts in PDF points, in Tesseract's reading
    order, each with its ``line`` key (block, paragraph, line).
    """
    import pytesseract

    width, height = pdfium_page.get_size()
    scale = DPI / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (width * height)) ** 0.5
    image = pdfium_page.render(scale=scale, grayscale=True).to_pil()
    languages = settings.languages or _languages_from_script(image, settings.latin)
    data = pytesseract.image_to_data(image, lang=languages, config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    words, confidences = [], []
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not text.strip() or confidence < 0:
            continue
        left, top = data["left"][i] / scale, data["top"][i] / scale
        w, h = data["width"][i] / scale, data["height"][i] / scale
        words.append({"text": text, "x0": left, "x1": left + w, "top": top, "bottom": top + h,
                      "size": round(h, 1), "fontname": "", "upright": True, "logical": True,
                      "line": (data["block_num"][i], data["par_num"][i], data["line_num"][i])})
        confidences.append(confidence)
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return words, round(mean, 3), (width, height)


def _languages_from_script(image, latin: str = "") -> str:
    """Pick languages by the page's script (Latin, Cyrillic, Arabic) via Tesseract's OSD."""
    import pytesseract

    installed = available_languages()
    script = "Latin"
    if "osd" in installed:
        try:
            found = re.search(r"Script: (\w+)", pytesseract.image_to_osd(image, config="--psm 0"))
            script = found.group(1) if found else script
        except pytesseract.TesseractError:
            pass    # too little text to tell: keep Latin
    wanted = ((latin if script == "Latin" and latin else None) or SCRIPT_LANGS.get(script, SCRIPT_LANGS["Latin"])).split("+")
    usable = [lang for lang in wanted if lang in installed]
    return "+".join(usable) or "eng"
