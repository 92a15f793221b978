"""Stage 3, tag: find taxonomy terms in passages with spaCy's PhraseMatcher.

Each language gets ``spacy.blank(lang)`` with the lookup lemmatizer from
spacy-lookups-data (en, fr, es, pt, ru; Arabic and other languages match on
lower-case forms only). Two matchers run on every passage: one on ``LOWER``
(exact forms, in the document's language and in English, since NDCs quote
English names), one on ``LEMMA`` (inflections: "sols dégradés" ~ "sol dégradé").
A negative term cancels the matches of its concept that it overlaps.
"""

from __future__ import annotations

import logging
from typing import Iterable, Optional

from .records import Match, Passage
from .taxonomy import Taxonomy
from .textnorm import lower_same_length

log = logging.getLogger(__name__)

LEMMA_LANGS = ("en", "fr", "es", "pt", "ru")
SPACY_LANGS = LEMMA_LANGS + ("ar",)
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_SEP = "\x1f"
BATCH_SIZE = 512


def _prepare(text: str) -> str:
    """Same-length lower-casing and Arabic letter folding: match offsets stay valid."""
    return lower_same_length(text).translate(_ARABIC_FOLD)


class Tagger:
    """Finds taxonomy terms in passages. Build once, call :meth:`tag` many times."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self._pipelines: dict = {}

    def tag(self, passages: Iterable[Passage], lang: Optional[str]) -> dict:
        """Return ``{passage_id: [Match, ...]}`` for the passages that contain a term."""
        passages = list(passages)
        if not passages:
            return {}
        nlp, lower_matcher, lemma_matcher = self._pipeline(lang)
        texts = (_prepare(p.text) for p in passages)
        found = {}
        for passage, doc in zip(passages, nlp.pipe(texts, batch_size=BATCH_SIZE)):
            spans = [(nlp.vocab.strings[key], doc[start:end]) for key, start, end in lower_matcher(doc)]
            if lemma_matcher is not None:
                spans += [(nlp.vocab.strings[key], doc[start:end]) for key, start, end in lemma_matcher(doc)]
            matches = _resolve(passage, spans)
            if matches:
                found[passage.passage_id] = matches
        return found

    def _pipeline(self, lang: Optional[str]):
        key = lang if lang in SPACY_LANGS else "xx"
        if key not in self._pipelines:
            self._pipelines[key] = self._build(key)
        return self._pipelines[key]

    def _build(self, key: str):
        from spacy.matcher import PhraseMatcher

        nlp = _blank(key)
        # Terms of the document's language, plus English ones; unknown languages get every term.
        terms = [t for t in self.taxonomy.terms if key == "xx" or t.lang in (key, "en")]
        lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_key: dict = {}
        for term in terms:
            by_key.setdefault(_SEP.join((term.concept, term.kind, term.term)), term)
        keys = list(by_key)
        for match_key, pattern in zip(keys, nlp.tokenizer.pipe(_prepare(by_key[k].term) for k in keys)):
            lower_matcher.add(match_key, [pattern])
        lemma_matcher = None
        if key in LEMMA_LANGS:
            lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            own = [k for k in keys if by_key[k].lang == key]
            for match_key, pattern in zip(own, nlp.pipe(_prepare(by_key[k].term) for k in own)):
                lemma_matcher.add(match_key, [pattern])
        log.debug("built %s matcher with %d terms", key, len(keys))
        return nlp, lower_matcher, lemma_matcher


def _blank(key: str):
    import spacy

    nlp = spacy.blank(key)
    if key in LEMMA_LANGS:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    return nlp


def _resolve(passage: Passage, spans: list) -> list:
    """Drop positives overlapped by a negative of their concept; keep the longest of overlapping positives."""
    positives, negatives = {}, {}
    for key, span in spans:
        concept, kind, term = key.split(_SEP)
        target = negatives if kind == "negative" else positives
        target.setdefault(concept, set()).add((span.start_char, span.end_char, term, kind == "preferred"))
    matches = []
    for concept, found in positives.items():
        blocked = negatives.get(concept, set())
        kept = []
        # Longest first, then preferred, then position and term: deterministic whatever the hash seed.
        for start, end, term, preferred in sorted(found, key=lambda s: (-(s[1] - s[0]), -s[3], s[0], s[2])):
            if any(start < n_end and n_start < end for n_start, n_end, _, _ in blocked):
                continue
            if any(start < k_end and k_start < end for k_start, k_end, _, _ in kept):
                continue
            kept.append((start, end, term, preferred))
        for start, end, term, preferred in sorted(kept):
            matches.append(Match(passage_id=passage.passage_id, concept=concept, term=term,
                                 matched_text=passage.text[start:end], start=start, end=end, preferred=preferred))
    return matches
