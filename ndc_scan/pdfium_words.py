"""The fast engine: words with boxes from PDFium (pypdfium2), as pdfplumber would give them.

``--engine pdfium`` reads each character's code, loose box (from the font's
ascent and descent, so a line's characters share top and bottom), font size and
weight through PDFium's C API, and cuts words at spaces, line ends and gaps.
The words then go through the same layout, cleaning and block logic as
pdfplumber's, so both engines produce the same kind of Page records.
"""

from __future__ import annotations

import ctypes
import statistics

from .textnorm import is_rtl

GAP = 0.4             # a horizontal gap wider than this share of the font size starts a new word
BOLD_WEIGHT = 600


def page_words(page) -> tuple:
    """(words, width, height, n_chars) of a pypdfium2 page; words are pdfplumber-style dicts."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        rect = raw.FS_RECTF()
        words, chars = [], []
        previous = None
        for index in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(handle, index)
            if raw.FPDFText_IsGenerated(handle, index) == 1 or code in (0, 0xFFFE):
                continue                                   # pdfium's own line breaks and spaces
            character = chr(code)
            if character.isspace():
                previous = _flush(chars, words, height)
                continue
            raw.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(rect))
            size = raw.FPDFText_GetFontSize(handle, index)
            box = (rect.left, rect.right, rect.top, rect.bottom, size, is_rtl(character))
            if previous is not None and _breaks(previous, box):
                _flush(chars, words, height)
            chars.append((character, box, raw.FPDFText_GetFontWeight(handle, index)))
            previous = box
        _flush(chars, words, height)
    finally:
        textpage.close()
    return words, width, height, sum(len(w["text"]) for w in words)


def _breaks(previous: tuple, box: tuple) -> bool:
    """A new word starts on another line, after a gap, or where the text runs backwards.

    PDFium gives characters in reading order: right-to-left script runs leftwards.
    """
    left, right, top, bottom, size, rtl = box
    p_left, p_right, p_top, p_bottom, p_size, p_rtl = previous
    line = max(size, p_size, 1.0)
    if abs(top - p_top) > 0.5 * line and abs(bottom - p_bottom) > 0.5 * line:
        return True
    if rtl and p_rtl:
        return p_left - right > GAP * line or right > p_right + 0.5 * line
    return left - p_right > GAP * line or left < p_left - 0.5 * line


def _flush(chars: list, words: list, height: float):
    """Turn the collected characters into a word (PDF y-up coordinates → top-down)."""
    if chars:
        boxes = [box for _, box, _ in chars]
        weights = [weight for _, _, weight in chars]
        words.append({
            "text": "".join(c for c, _, _ in chars),
            "x0": min(b[0] for b in boxes), "x1": max(b[1] for b in boxes),
            "top": height - max(b[2] for b in boxes), "bottom": height - min(b[3] for b in boxes),
            "size": round(statistics.median(b[4] for b in boxes), 2),
            "fontname": "Bold" if sum(w >= BOLD_WEIGHT for w in weights) * 2 > len(weights) else "",
            "upright": True, "logical": True,      # PDFium gives right-to-left text in reading order
        })
        chars.clear()
    return None
