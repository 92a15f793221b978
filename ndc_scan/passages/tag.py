"""Stage 3, tag: find taxonomy terms in passages with spaCy's PhraseMatcher.

Each language gets ``spacy.blank(lang)`` with the lookup lemmatizer from
spacy-lookups-data (en, fr, es, pt, ru; Arabic and other languages match on
lower-case forms only). Two matchers run on every passage: one on ``LOWER``
(exact forms, in the document's language and in English, since NDCs quote
English names), one on ``LEMMA`` (inflections: "sols dégradés" ~ "sol dégradé").
A negative term cancels the matches of its concept that it overlaps.

Near terms (``carbon ~ soil|soils``) are checked on the same tokens: a word of
each side at most ``NEAR_WINDOW`` tokens apart, with no sentence end, table cell
border or list bullet between them, on the lower-case form or the lemma. A near
match is dropped where it overlaps a phrase match of its concept (so "soil organic
carbon" stays a preferred-term match), and a negative cancels it only when it
covers one of its two words ("soils emit carbon dioxide" is not soil carbon,
"soils emit carbon dioxide but store carbon" is).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Optional

from ..records import Match, Passage
from ..taxonomy import Taxonomy, near_sides
from ..textnorm import lower_same_length

log = logging.getLogger(__name__)

LEMMA_LANGS = ("en", "fr", "es", "pt", "ru")
SPACY_LANGS = LEMMA_LANGS + ("ar",)
# Arabic letter folding, and line breaks inside table cells as spaces (else "beach\nerosion"
# is three tokens and the phrase "beach erosion" cannot match).
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "\n": " ", "\t": " ", "\r": " "})
_SEP = "\x1f"
BATCH_SIZE = 512
#: Largest distance in tokens between the two words of a near term, i.e. at most 7 tokens between
#: them ("soil management leading to the increase of carbon": distance 7).
NEAR_WINDOW = 8
#: Tokens a near term never spans: sentence ends, table cell borders, bullets.
_NEAR_STOPS = frozenset({".", ";", "!", "?", "؛", "؟", "|", "•", ":", "…", "...", "▪", "■", "➢", "►", "◦", "●", "\uf0b7", "·"})
#: Dashes and letters used as bullets: a stop only at the start of a line.
_LINE_BULLETS = frozenset({"-", "–", "—", "o", "*"})


#: A list number glued to an Arabic word by a hyphen ("١-إدارة الأراضي"): spaCy's Arabic tokenizer keeps "١-إدارة"
#: as one token, so the hyphen is read as a space.
_NUMBER_HYPHEN_ARABIC = re.compile(r"(?<=[0-9\u0660-\u0669])-(?=[\u0621-\u064a])")


def prepare(text: str) -> str:
    """Same-length lower-casing, Arabic letter folding, line breaks as spaces: match offsets stay valid."""
    return _NUMBER_HYPHEN_ARABIC.sub(" ", lower_same_length(text).translate(_ARABIC_FOLD))


class Tagger:
    """Finds taxonomy terms in passages. Build once, call :meth:`tag` many times."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self._pipelines: dict = {}

    def tag(self, passages: Iterable[Passage], lang: Optional[str]) -> dict[str, list[Match]]:
        """Return ``{passage_id: [Match, ...]}`` for the passages that contain a term."""
        passages = list(passages)
        if not passages:
            return {}
        nlp, lower_matcher, lemma_matcher, near = self._pipeline(lang)
        texts = [prepare(p.text) for p in passages]
        found = {}
        for passage, text, doc in zip(passages, texts, nlp.pipe(texts, batch_size=BATCH_SIZE)):
            spans = [(nlp.vocab.strings[key], doc[start:end]) for key, start, end in lower_matcher(doc)]
            if lemma_matcher is not None:
                spans += [(nlp.vocab.strings[key], doc[start:end]) for key, start, end in lemma_matcher(doc)]
            near_spans = near.find(doc, passage.text) if near and near.may_match(text) else ()
            matches = _resolve(passage, spans, near_spans)
            if matches:
                found[passage.passage_id] = matches
        return found

    def _pipeline(self, lang: Optional[str]):
        key = lang if lang in SPACY_LANGS else "xx"
        if key not in self._pipelines:
            self._pipelines[key] = self._build(key)
        return self._pipelines[key]

    def _build(self, key: str):
        import spacy
        from spacy.matcher import PhraseMatcher

        nlp: Any = spacy.blank(key)
        _split_slashes(nlp)
        # Terms of the document's language, plus English ones; unknown languages get every term.
        terms = [t for t in self.taxonomy.terms if key == "xx" or t.lang in (key, "en")]
        lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_key: dict = {}
        for term in terms:
            by_key.setdefault(_SEP.join((term.concept, term.kind, term.term)), term)
        near = _NearMatcher([(k, by_key[k]) for k in by_key if by_key[k].kind == "near"], nlp.vocab)
        keys = [k for k in by_key if by_key[k].kind != "near"]
        for match_key, pattern in zip(keys, nlp.tokenizer.pipe(prepare(by_key[k].term) for k in keys)):
            lower_matcher.add(match_key, [pattern])
        lemma_matcher = None
        if key in LEMMA_LANGS:
            own = [k for k in keys if by_key[k].lang == key]
            words = {token.text for doc in nlp.tokenizer.pipe(prepare(by_key[k].term) for k in own) for token in doc}
            _add_lemmatizer(nlp, key, words, near.any_side if near.rules else None)
            lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            for match_key, pattern in zip(own, nlp.pipe(prepare(by_key[k].term) for k in own)):
                lemma_matcher.add(match_key, [pattern])
        log.debug("built %s matcher with %d terms", key, len(keys))
        return nlp, lower_matcher, lemma_matcher, near if near.rules else None


@dataclass(frozen=True)
class NearSide:
    """One side of a near term ("soil|soils", "почв*"): the words it matches as a token's form or lemma."""

    words: frozenset
    prefixes: tuple          # from "почв*"
    suffixes: tuple          # from "*تربه"

    @classmethod
    def parse(cls, written: tuple[str, ...]) -> NearSide:
        words = [prepare(w) for w in written]
        return cls(frozenset(w for w in words if "*" not in w),
                   tuple(w[:-1] for w in words if w.endswith("*")),
                   tuple(w[1:] for w in words if w.startswith("*")))

    @classmethod
    def union(cls, sides: list) -> NearSide:
        return cls(frozenset().union(*(s.words for s in sides)), tuple(p for s in sides for p in s.prefixes),
                   tuple(x for s in sides for x in s.suffixes))

    @property
    def wildcard(self) -> bool:
        return bool(self.prefixes or self.suffixes)

    @cached_property
    def stems(self) -> frozenset:
        """What every form this side matches contains as a substring ("soils" holds "soil")."""
        return self.words | set(self.prefixes) | set(self.suffixes)

    def hit(self, form: str) -> bool:
        return (form in self.words or (bool(self.prefixes) and form.startswith(self.prefixes))
                or (bool(self.suffixes) and form.endswith(self.suffixes)))


class _NearMatcher:
    """Finds near terms: a word of each side within NEAR_WINDOW tokens, no stop token between."""

    def __init__(self, terms: list, vocab):
        from spacy.attrs import LEMMA, LOWER

        self._attrs = [LOWER, LEMMA]
        self.rules = []
        for key, term in terms:
            sides = near_sides(term.term)
            assert sides is not None, f"near term {term.term!r} passed the taxonomy check"   # load_taxonomy refused it
            first, second = sides
            self.rules.append((key, NearSide.parse(first), NearSide.parse(second)))
        # Every word of every side: without '*' words, candidates are found on the token
        # table's string hashes (fast path).
        self.any_side = NearSide.union([side for _, a, b in self.rules for side in (a, b)])
        self._hashes = frozenset(vocab.strings.add(w) for w in self.any_side.words)
        self._stop_hashes = frozenset(vocab.strings.add(w) for w in _NEAR_STOPS)
        self._bullet_hashes = frozenset(vocab.strings.add(w) for w in _LINE_BULLETS)

    def may_match(self, text: str) -> bool:
        """A cheap test on the prepared text: some near term has a word of each side in it.

        Words are looked for as substrings, which every form and lemma match contains
        ("soils" holds "soil", "почвах" holds "почв").
        """
        return any(any(w in text for w in first.stems) and any(w in text for w in second.stems)
                   for _, first, second in self.rules)

    def find(self, doc, text: str) -> list[tuple[str, object, tuple[tuple[int, int], ...]]]:
        """``[(match_key, span, anchors), ...]``: for each near term, the closest pairs of words.

        ``text`` is the passage as written (line breaks kept): a dash or "o" that starts a
        line is a bullet. ``anchors`` are the character spans of the two words.
        """
        table = doc.to_array(self._attrs).tolist()
        if self.any_side.wildcard:
            hits = [t.i for t in doc if self.any_side.hit(t.lower_) or (t.lemma_ and self.any_side.hit(t.lemma_))]
        else:
            wanted = self._hashes
            hits = [i for i, (lower, lemma) in enumerate(table) if lower in wanted or lemma in wanted]
        if len(hits) < 2:
            return []
        forms = {i: {doc[i].lower_, doc[i].lemma_} - {""} for i in hits}
        stops = [i for i, (lower, _) in enumerate(table) if lower in self._stop_hashes
                 or (lower in self._bullet_hashes and _starts_line(text, doc[i].idx))]
        spans = []
        for key, first, second in self.rules:
            left = [i for i, f in forms.items() if any(first.hit(x) for x in f)]
            right = [i for i, f in forms.items() if any(second.hit(x) for x in f)]
            for i in left:
                near = [j for j in right if j != i and abs(j - i) <= NEAR_WINDOW
                        and not any(min(i, j) < s < max(i, j) for s in stops)]
                if near:
                    j = min(near, key=lambda j: (abs(j - i), j))
                    anchors = tuple((doc[k].idx, doc[k].idx + len(doc[k])) for k in sorted((i, j)))
                    spans.append((key, doc[min(i, j):max(i, j) + 1], anchors))
        return spans


def _starts_line(text: str, offset: int) -> bool:
    """True when only spaces stand between the start of the line and ``offset``."""
    before = text[:offset].rstrip(" \t")
    return not before or before.endswith("\n")


def _add_lemmatizer(nlp, lang: str, words: set[str], near: Optional[NearSide]) -> None:
    """Add spaCy's lookup lemmatizer, with the part of spacy-lookups-data's table that can change a match.

    A token's lemma matters only where it can equal the lemma of a word of a LEMMA pattern, or
    be a word of a near term (``near``: every side of the language's near terms). The table keeps
    every entry whose form or lemma is such a string; any other token then gets its own form as
    lemma instead of a lemma that matched nothing either, so every match is the same as with the
    whole table, which takes seconds and hundreds of megabytes to load per language (Spanish:
    491,547 entries).
    """
    from spacy.lookups import Lookups

    table = lemma_table(lang)
    lemma_of = lemmas_of(table)
    pinned = pinned_words(lemma_of, words)
    wanted = {lemma_of.get(word, word) for word in words} | pinned | (near.words if near else set())
    prefixes, suffixes = (near.prefixes, near.suffixes) if near else ((), ())
    kept = {form: table[form] for form, lemma in lemma_of.items()
            if form in wanted or lemma in wanted or form.startswith(prefixes) or lemma.startswith(prefixes)
            or form.endswith(suffixes) or lemma.endswith(suffixes)}
    kept.update((word, word) for word in pinned)
    lookups = Lookups()
    lookups.add_table("lemma_lookup", kept)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize(lookups=lookups)


def lemma_table(lang: str) -> dict:
    """spacy-lookups-data's whole lemma table of a language: form → lemma (or lemmas, French)."""
    from spacy.util import load_language_data, registry

    table = load_language_data(registry.lookups.get(lang)["lemma_lookup"])
    assert isinstance(table, dict), f"spacy-lookups-data's {lang} lemma table is not a mapping"
    return table


def _split_slashes(nlp) -> None:
    """A slash at a word's start or end is a token of its own: "l'agriculture durable /conservatoire / durable"
    (CMR 2015) has the word "conservatoire", not "/conservatoire" (spaCy splits a slash only between letters)."""
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    nlp.tokenizer.prefix_search = compile_prefix_regex((*nlp.Defaults.prefixes, "/")).search
    nlp.tokenizer.suffix_search = compile_suffix_regex((*nlp.Defaults.suffixes, "/")).search


def pinned_words(lemma_of: dict[str, str], words: set[str]) -> set[str]:
    """Words of the terms that are some form's lemma yet have another lemma of their own: each is its own lemma.

    The lookup tables chain: English "matters" → "matter" but "matter" → "matt"; Spanish "suelos" → "suelo" but
    "suelo" → "soler", "manejos" → "manejo" → "manejar". A term's words are lemmatized like the text's, so
    "soil organic matter" (lemmas "soil organic matt") missed "soil organic matters" (lemmas "… matter"), and
    "pérdida de suelo" missed "pérdida de suelos". A term's word that is itself the lemma of other forms is a
    base form: it and those forms share it as lemma.
    """
    lemmas = set(lemma_of.values())
    return {word for word in words if word in lemmas and lemma_of.get(word, word) != word}


def lemmas_of(table: dict) -> dict[str, str]:
    """form → the lemma spaCy's lookup lemmatizer sets: the entry, or its first lemma where the table lists several."""
    return {form: value if isinstance(value, str) else value[0] for form, value in table.items()}


#: (start, end, term, preferred, anchors) of a candidate match in a passage.
_Span = tuple[int, int, str, bool, tuple]


def _resolve(passage: Passage, spans: list, near_spans: Sequence = ()) -> list[Match]:
    """Drop positives overlapped by a negative of their concept; keep the longest of overlapping positives.

    Near spans come after the phrases: dropped where they overlap a kept phrase or another
    near span of the concept, cancelled by a negative only where it covers one of their words.
    """
    positives: dict[str, set[_Span]] = {}
    negatives: dict[str, set[_Span]] = {}
    near: dict[str, set[_Span]] = {}
    for key, span in spans:
        concept, kind, term = key.split(_SEP)
        target = negatives if kind == "negative" else positives
        target.setdefault(concept, set()).add((span.start_char, span.end_char, term, kind == "preferred", ()))
    for key, span, anchors in near_spans:
        concept, _, term = key.split(_SEP)
        near.setdefault(concept, set()).add((span.start_char, span.end_char, term, False, anchors))
    matches = []
    for concept in sorted(set(positives) | set(near)):
        blocked = negatives.get(concept, set())
        kept: list[_Span] = []
        # Longest first, then preferred, then position and term: deterministic whatever the hash seed.
        # Near spans are sorted after every phrase, shortest first.
        ranked = sorted(positives.get(concept, ()), key=lambda s: (-(s[1] - s[0]), -s[3], s[0], s[2]))
        ranked += sorted(near.get(concept, ()), key=lambda s: (s[1] - s[0], s[0], s[2]))
        for start, end, term, preferred, anchors in ranked:
            guarded = anchors or ((start, end),)
            if any(a_start < n_end and n_start < a_end
                   for a_start, a_end in guarded for n_start, n_end, *_ in blocked):
                continue
            if any(start < k_end and k_start < end for k_start, k_end, *_ in kept):
                continue
            kept.append((start, end, term, preferred, anchors))
        for start, end, term, preferred, _ in sorted(kept):
            matches.append(Match(passage_id=passage.passage_id, concept=concept, term=term,
                                 matched_text=passage.text[start:end], start=start, end=end, preferred=preferred))
    return matches
