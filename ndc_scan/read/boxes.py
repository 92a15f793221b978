"""Word boxes: where each word of a page's cleaned text stands on the page.

The page text is made from the words of its lines, but not one to one: lines become blocks,
hyphenated line breaks are mended ("agro-" + "forestry" → "agroforestry"), a table's wrapped
cells are joined column by column, white space is collapsed and Arabic vowel marks dropped. So
rather than carry offsets through every step (and risk the text itself), each block's words are
looked up in the block's finished text, in reading order: the next occurrence close to where
the previous word ended, else (a table cell read out of line order) the first occurrence in the
block that no other word has taken. A word found nowhere (a rare normalisation difference) has
no box; the text is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..records import Block, Line, PageBoxes
from ..textnorm import clean_arabic

BLOCK_SEPARATOR = "\n\n"     # ``pages.build_pages`` joins a page's blocks with this
NEAR = 48                    # characters after the previous word where the next one is looked for first


def locate(blocks: Iterable[tuple[Block, Sequence[Line]]], width: float, height: float) -> PageBoxes:
    """The word boxes of a page whose text is its blocks' texts joined by ``BLOCK_SEPARATOR``."""
    words: list[tuple] = []
    offset = 0
    for block, lines in blocks:
        for start, end, (x0, top, x1, bottom) in _align(block.text, lines):
            words.append((offset + start, offset + end, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)))
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return PageBoxes(width=max(width, 1.0), height=max(height, 1.0), words=tuple(sorted(words)))


def _align(text: str, lines: Sequence[Line]) -> list[tuple[int, int, tuple[float, float, float, float]]]:
    """(start, end, (x0, top, x1, bottom)) of each word of ``lines`` found in ``text``."""
    taken = bytearray(len(text))
    found = []
    cursor = 0
    forms_of: dict[str, list[str]] = {}
    for line in lines:
        for x0, top, x1, bottom, word in line.boxes:
            forms = forms_of.get(word)
            if forms is None:
                forms = forms_of[word] = _forms(word)
            if len(forms) == 1:                  # nearly every word: found where it is looked for first
                start = text.find(forms[0], cursor, cursor + NEAR + len(forms[0]))
                end = start + len(forms[0])
                if start < 0 or taken.find(1, start, end) >= 0:
                    span = _find(text, taken, cursor, forms)
                    if span is None:
                        continue
                    start, end = span
            else:
                span = _find(text, taken, cursor, forms)
                if span is None:
                    continue
                start, end = span
            taken[start:end] = b"\x01" * (end - start)
            found.append((start, end, (x0, top, x1, bottom)))
            cursor = end
    return found


def _forms(word: str) -> list[str]:
    """How a word may appear in the text: as read, without vowel marks, without a line-end hyphen."""
    plain = clean_arabic(word)
    if plain == word and not word.endswith("-"):       # nearly every word: one form
        return [word] if word.strip() else []
    forms = [word, plain]
    if len(word) > 1 and word.endswith("-"):
        forms.append(word[:-1])              # "agro-" of a hyphen mended across the line break
    return [f for f in dict.fromkeys(forms) if f.strip()]


def _find(text: str, taken: bytearray, cursor: int, forms: list[str]) -> tuple[int, int] | None:
    """The nearest free occurrence of a form after ``cursor``, else the first free one in the text."""
    best = None
    for form in forms:
        position = text.find(form, cursor, cursor + NEAR + len(form))
        if position >= 0 and taken.find(1, position, position + len(form)) < 0 and (best is None or position < best[0]):
            best = (position, position + len(form))
    if best is not None:
        return best
    for form in forms:
        position = text.find(form)
        while position >= 0:
            if taken.find(1, position, position + len(form)) < 0:        # no character of it taken
                return position, position + len(form)
            position = text.find(form, position + 1)
    return None


__all__ = ["BLOCK_SEPARATOR", "locate"]
