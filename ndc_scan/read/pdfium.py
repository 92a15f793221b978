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

from ..textnorm import is_rtl

GAP = 0.4             # a horizontal gap wider than this share of the font size starts a new word
BOLD_WEIGHT = 600


def page_words(page) -> tuple[list[dict], float, float, int]:
    """(words, width, height, n_chars) of a pypdfium2 page; words are pdfplumber-style dicts."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
        words: list[dict] = []
        chars: list[tuple[str, tuple, int]] = []
        previous = None
        for index in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(handle, index)
            if code in (0, 0xFFFE, 0x2):                   # a soft hyphen PDFium marks at a line end
                continue
            character = chr(code)
            if character.isspace():                        # the PDF's spaces and PDFium's generated ones
                previous = _flush(chars, words, height, handle)
                continue
            raw.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(rect))
            raw.FPDFText_GetMatrix(handle, index, ctypes.byref(matrix))
            size = raw.FPDFText_GetFontSize(handle, index) * (abs(matrix.d) or abs(matrix.b) or 1.0)
            box = (rect.left, rect.right, rect.top, rect.bottom, size, is_rtl(character))
            if previous is not None and _breaks(previous, box):
                _flush(chars, words, height, handle)
            chars.append((character, box, index))
            previous = box
        _flush(chars, words, height, handle)
    finally:
        textpage.close()
    return words, width, height, sum(len(str(w["text"])) for w in words)


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


def _font_name(handle, index: int) -> str:
    """The font name of a character, with "Bold" added when PDFium reports a bold weight."""
    import pypdfium2.raw as raw

    flags = ctypes.c_int()
    buffer = ctypes.create_string_buffer(128)
    size = raw.FPDFText_GetFontInfo(handle, index, buffer, 128, ctypes.byref(flags))
    name = buffer.value.decode("utf-8", "replace") if 0 < size <= 128 else ""
    if raw.FPDFText_GetFontWeight(handle, index) >= BOLD_WEIGHT or flags.value & _FORCE_BOLD:
        name += " Bold"
    return name


_FORCE_BOLD = 1 << 18


def _flush(chars: list, words: list, height: float, handle=None):
    """Turn the collected characters into a word (PDF y-up coordinates → top-down)."""
    if chars:
        boxes = [box for _, box, _ in chars]
        words.append({
            "text": "".join(c for c, _, _ in chars),
            "x0": min(b[0] for b in boxes), "x1": max(b[1] for b in boxes),
            "top": height - max(b[2] for b in boxes), "bottom": height - min(b[3] for b in boxes),
            "size": round(statistics.median(b[4] for b in boxes), 2),
            "fontname": _font_name(handle, chars[len(chars) // 2][2]) if handle is not None else "",
            "upright": True, "logical": True,      # PDFium gives right-to-left text in reading order
        })
        chars.clear()
    return None
