"""Unicode normalisation shared by extraction and tagging, and text made safe to show.

NFKC folds ligatures (``ﬁ`` → ``fi``) and the Arabic presentation forms that
PDF text layers yield (``ﻷ`` → ``لأ``) into the letters terms are written in.

Text from files and file names is untrusted: ``shown_name`` and ``printable`` escape
what a terminal would act on (control characters, escape sequences, bidi controls)
and what UTF-8 cannot hold (lone surrogates, e.g. a file name that is not UTF-8);
``without_bidi_controls`` keeps a quote reading as the PDF says.
"""

from __future__ import annotations

import re
import unicodedata

#: Before NFKC: a spacing acute (U+00B4) typed for an apostrophe ("d´Utilisation", "de los ´80") would become a space
#: and a combining accent ("d ́Utilisation"), splitting the word for the tagger and the reader.
_SPACING_ACUTE = str.maketrans({"\u00b4": "'"})
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
    """NFKC, straight quotes and hyphens (a spacing acute is an apostrophe), no soft hyphens or direction marks.

    Private-use characters and unmapped glyphs ("(cid:1)": Word's Symbol-font bullets) become "•"; control
    characters (which some PDFs put in their text) are dropped; UTF-16 surrogate halves are paired, and a lone one
    becomes U+FFFD.
    """
    if text.isascii():                   # NFKC, the quotes and the private-use area leave ASCII as it is
        if "(cid:" in text:
            text = _UNMAPPED.sub("•", text)
        return text if text.isprintable() else _CONTROL.sub("", text)
    text = _PRIVATE_USE.sub("•", _UNMAPPED.sub("•", unicodedata.normalize(
        "NFKC", without_surrogates(text).translate(_SPACING_ACUTE)).translate(_QUOTES)))
    return _CONTROL.sub("", text)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Bidi embeddings, overrides and isolates: they make text display in another order than it is stored.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What a terminal acts on or cannot show: C0 and C1 controls, DEL, bidi controls, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_EXCEPT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with UTF-16 surrogate pairs joined into their character and lone halves as U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def without_bidi_controls(text: str) -> str:
    """``text`` without bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).

    A PDF places its glyphs itself, so these characters in its text layer never change what the
    page shows; in a report they would make a quote display reversed or rearranged. Right-to-left
    letters keep their implicit direction, so Arabic quotes read as before.
    """
    return _BIDI_CONTROLS.sub("", text)


def _escape(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    if 0xdc80 <= code <= 0xdcff:          # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xdc00:02x}"
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def shown_name(name: object) -> str:
    """A file name or path as text that prints on one line and fits in UTF-8.

    Control characters (escape sequences, newlines), bidi controls and bytes that are not
    UTF-8 are written as Python escapes (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xff``), so the
    name reads the same everywhere and never acts on a terminal. Other names are unchanged.
    """
    return _UNSAFE.sub(_escape, str(name))


def printable(text: str) -> str:
    """A console message with every control character escaped as in ``shown_name``, line breaks kept."""
    return _UNSAFE_EXCEPT_NEWLINE.sub(_escape, text)


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
    if not text or max(text) < "\u0610":   # no Arabic mark, damma, shadda or alef: nothing to change
        return text
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
