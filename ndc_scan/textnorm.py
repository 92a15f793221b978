"""Unicode normalisation shared by extraction and tagging.

NFKC folds ligatures (``ﬁ`` → ``fi``) and the Arabic presentation forms that
PDF text layers yield (``ﻷ`` → ``لأ``) into the letters terms are written in.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u00ad": "",
    "\u200e": "", "\u200f": "", "\u202a": "", "\u202b": "", "\u202c": "", "\ufeff": "",
})

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_DIGIT_RUN = re.compile(r"[0-9٠-٩][0-9٠-٩.,%/]*[0-9٠-٩%]|[0-9٠-٩]")
# Some Arabic NDC fonts encode the word space as damma + shadda: a word with
# several of them is really several words.
_FAKE_SPACE = re.compile("[\u064f\u0651]{2}")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# pdfplumber's name for a glyph with no Unicode mapping; in NDCs a symbol font's bullet (Wingdings, Symbol).
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# The definite article before an alef-initial word, whose lam-alef ligature
# some fonts map in the wrong order: "األراضي" → "الأراضي".
_SWAPPED_LAM_ALEF = re.compile(r"(?<![\u0621-\u064a])ا([اأإآ])ل")


def normalise(text: str) -> str:
    """NFKC, straight quotes and hyphens, no soft hyphens or direction marks.

    Private-use characters and unmapped glyphs ("(cid:1)": Word's Symbol-font bullets) become "•"; control
    characters (which some PDFs put in their text) are dropped.
    """
    text = _PRIVATE_USE.sub("•", _UNMAPPED.sub("•", unicodedata.normalize("NFKC", text).translate(_QUOTES)))
    return _CONTROL.sub("", text)


def is_rtl(word: str) -> bool:
    """True when most letters of ``word`` are Arabic script."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return False
    return sum(1 for c in letters if _ARABIC_LETTER.match(c)) * 2 > len(letters)


def word_in_reading_order(word: str) -> str:
    """Turn a right-to-left word read in visual (left-to-right) order into reading order.

    Characters are reversed, but runs of digits keep their left-to-right order.
    """
    reversed_word = word[::-1]
    return _DIGIT_RUN.sub(lambda m: m.group(0)[::-1], reversed_word)


def clean_arabic(text: str) -> str:
    """Split words glued by the damma+shadda "space" and drop vowel marks and tatweel."""
    if text.count("\u064f\u0651") + text.count("\u0651\u064f") >= 2:
        text = _FAKE_SPACE.sub(" ", text)
    text = _ARABIC_MARKS.sub("", text)
    return _SWAPPED_LAM_ALEF.sub(lambda m: "ال" + m.group(1), text)


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length, so offsets stay valid."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
