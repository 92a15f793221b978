"""Which documents a change of taxonomy terms can tag differently.

A document's labels are a function of its passages, the matches the tagger finds in them and
the classifier (``classify.label.labelling``). When the taxonomy changes, a match can appear,
disappear or change only where an added or removed term (a changed row is both) can match: a
phrase, a negative or either side of a near term. ``Reach`` tells, from a document's passage
texts, whether any changed term *can* match there; a document it does not touch keeps the
labels of the previous taxonomy (``pipeline`` copies them), every other one is tagged again.

The test is a necessary condition of a match, so it never misses a document; it may keep a few
that then turn out unchanged. A match on ``LOWER`` means the term's tokens follow each other
with spaces between them: the term without spaces is a substring of the text without spaces. A
match on ``LEMMA`` (``tag.LEMMA_LANGS``) means each token of the text has the lemma of the
term's token: one of the forms spacy-lookups-data's table gives that lemma (or the lemma
itself) is a substring. The tagger's lemma table is cut to the entries that can change a match
of *its* taxonomy; a token's lemma against a term's lemma is the same with the whole table, which
is what is used here. Near terms: a word of each side, as a form or a lemma, prefix or suffix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Union

from ..taxonomy import Term, near_sides
from ..textnorm import lower_same_length
from .tag import LEMMA_LANGS, NearSide, lemma_table, lemmas_of, prepare

_ARABIC_LETTER = re.compile("[\u0621-\u0671]")      # every letter ``tag.prepare`` folds or looks for

#: One way a term can match: a pattern to search the folded text for, or (near terms) groups of needles, each of
#: which must have one in the folded text.
_Path = Union[re.Pattern, tuple[frozenset, ...]]


def fold(text: str) -> str:
    """A text as the tests compare it: prepared for the tagger (``tag.prepare``), without whitespace, case-folded.

    Three times as fast as those steps one after the other (the texts of a whole corpus are folded when a term
    changes): ``prepare`` only folds Arabic letters and turns line breaks (whitespace, dropped here) into spaces,
    so a text without Arabic letters is only lower-cased; ``str.split`` and ``\\s`` mean the same whitespace.
    """
    lowered = lower_same_length(text)
    if _ARABIC_LETTER.search(lowered):
        lowered = prepare(lowered)
    return "".join(lowered.split()).casefold()


def changed_terms(old: Iterable[Term], new: Iterable[Term]) -> tuple[Term, ...]:
    """The terms in one taxonomy and not in the other (a term whose concept or kind changed is in both)."""
    before, after = set(old), set(new)
    return tuple(sorted(before ^ after, key=lambda t: (t.lang, t.concept, t.kind, t.term)))


class Reach:
    """Where some of ``terms`` can match: build once for a change of taxonomy, ask per document."""

    def __init__(self, terms: Sequence[Term]):
        self.terms = tuple(terms)
        self._paths: list[_Path] = [path for term in self.terms for path in _paths(term)]

    def touches(self, texts: Iterable[str]) -> bool:
        """Whether one of the terms can match in a document whose tagged passages have these texts."""
        if not self._paths:
            return False
        folded = "\x00".join(fold(text) for text in texts)
        return any(path.search(folded) is not None if isinstance(path, re.Pattern)
                   else all(any(needle in folded for needle in group) for group in path) for path in self._paths)


def _paths(term: Term) -> list[_Path]:
    """Every way ``term`` can match."""
    # The tagger's pipelines that use the term: its own language's, and every one for an English term (NDCs quote
    # English names); lemmas only where that pipeline has a lemmatizer.
    langs = LEMMA_LANGS if term.lang == "en" else (term.lang,)
    if term.kind == "near":
        sides = near_sides(term.term)
        assert sides is not None, f"near term {term.term!r} passed the taxonomy check"
        return [tuple(_side_needles(NearSide.parse(side), [lang for lang in langs if lang in LEMMA_LANGS])
                      for side in sides)]
    # A phrase's tokens follow each other: in the text without spaces, their forms are next to each other.
    paths: list[_Path] = [re.compile(re.escape(fold(term.term)))]
    if term.lang in LEMMA_LANGS:       # phrases match on lemmas in their own language's pipeline only
        lemma_of, forms = _lemmas(term.lang)
        # A word's forms through its lemma, and through itself where the tagger pins it as its own lemma.
        groups = [{fold(form) for form in (token, lemma_of.get(token, token), *forms.get(lemma_of.get(token, token), ()),
                                           *forms.get(token, ()))}
                  for token in _tokens(term.lang, prepare(term.term)) if not token.isspace()]
        paths.append(re.compile("".join("(?:" + "|".join(re.escape(form) for form in sorted(group, key=lambda f: (-len(f), f)))
                                        + ")" for group in groups)))
    return paths


def _side_needles(side: NearSide, langs: list[str]) -> frozenset:
    """What a text holds where a word of ``side`` is a token's form or lemma."""
    needles = set(side.stems)
    for lang in langs:
        lemma_of, forms = _lemmas(lang)
        if side.wildcard:                # every form whose lemma the side matches, as the tagger tests a lemma
            needles.update(form for form, lemma in lemma_of.items() if side.hit(lemma))
        else:
            for word in side.words:
                needles.update(forms.get(word, ()))
    return frozenset(fold(needle) for needle in needles if needle)


@cache
def _lemmas(lang: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A language's lemma of each form, and the forms of each lemma (the whole table)."""
    lemma_of = lemmas_of(lemma_table(lang))
    forms: dict[str, list[str]] = {}
    for form, lemma in lemma_of.items():
        forms.setdefault(lemma, []).append(form)
    return lemma_of, forms


@cache
def _tokenizer(lang: str):
    import spacy

    return spacy.blank(lang).tokenizer


def _tokens(lang: str, text: str) -> list[str]:
    return [token.text for token in _tokenizer(lang)(text)]


__all__ = ["Reach", "changed_terms", "fold"]
