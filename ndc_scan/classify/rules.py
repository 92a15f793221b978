"""Stage 4, classify: matches → one ``Prediction`` per passage and concept (rules).

The rules follow the spec's commitment levels:

* ``quantified_target`` (3): a quantity with a unit (hectares, tonnes, CO2e,
  a share) in the same sentence as a term of the concept, in a passage that
  commits (money amounts are not targets);
* ``commitment`` (2): the passage commits, plans or proposes (cue words in
  the passage language), or is a listed measure under a heading about
  measures, actions or the contribution;
* ``mention`` (1): otherwise.

Flags ``conditional``/``unconditional`` and ``adaptation``/``mitigation``/
``both`` come from the passage, else from its heading path. Any object that
fits ``classify.protocol.Classifier`` can replace :class:`RuleClassifier` in a scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..records import Match, Passage, Prediction
from .cues import (
    ACTION_HEADING,
    ADAPTATION,
    COMMITMENT,
    CONDITIONAL,
    MITIGATION,
    MONEY,
    QUANTITY,
    SENTENCE_END,
    SHARE_OF_MONEY,
    UNCONDITIONAL,
    WORD_QUANTITY,
)

WEIGHT_PREFERRED, WEIGHT_PHRASE, WEIGHT_WORD = 0.85, 0.7, 0.55


def quantities(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of quantities with a unit that are not money."""
    spans = []
    for pattern in (QUANTITY, WORD_QUANTITY):
        for found in pattern.finditer(text):
            before = text[max(0, found.start() - 6): found.start()]
            after = text[found.end(): found.end() + 30]
            if MONEY.search(before) or MONEY.search(found.group(0)) or SHARE_OF_MONEY.match(after):
                continue
            spans.append((found.start(), found.end()))
    return sorted(spans)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of rough sentences: enough to tie a number to a term."""
    bounds, start = [], 0
    for found in SENTENCE_END.finditer(text):
        bounds.append((start, found.start()))
        start = found.end()
    bounds.append((start, len(text)))
    return bounds


def conditional_flag(passage: Passage) -> str:
    """"conditional", "unconditional" or "": from the passage text, else from its heading path."""
    for source in (passage.text, passage.heading_path):
        if UNCONDITIONAL.search(source):
            return "unconditional"
        if CONDITIONAL.search(source):
            return "conditional"
    return ""


def component_flag(passage: Passage) -> str:
    """"adaptation", "mitigation", "both" or "": from the passage text, else from its heading path."""
    for source in (passage.text, passage.heading_path):
        adaptation, mitigation = bool(ADAPTATION.search(source)), bool(MITIGATION.search(source))
        if adaptation or mitigation:
            return "both" if adaptation and mitigation else "adaptation" if adaptation else "mitigation"
    return ""


class RuleClassifier:
    """Keyword-rule classifier; the first, transparent version of the classify stage."""

    method = "rules"

    def predict_many(self, passages: Sequence[Passage], found: Mapping[str, list[Match]]) -> list[Prediction]:
        """Predictions for a document's passages; ``found`` maps passage ids to their matches."""
        predictions = []
        for passage in passages:
            if found.get(passage.passage_id):
                predictions += self.predict(passage, found[passage.passage_id])
        return predictions

    def predict(self, passage: Passage, matches: Sequence[Match]) -> list[Prediction]:
        """One prediction per concept matched in ``passage``."""
        by_concept: dict[str, list[Match]] = defaultdict(list)
        for match in matches:
            by_concept[match.concept].append(match)
        if not by_concept:
            return []
        levels = Levels(passage)
        conditional = conditional_flag(passage)
        component = component_flag(passage)
        predictions = []
        for concept, concept_matches in sorted(by_concept.items()):
            level = levels.level(concept_matches)
            predictions.append(Prediction(
                passage_id=passage.passage_id, concept=concept, level=level,
                confidence=_confidence(concept_matches), conditional=conditional, component=component,
                terms=tuple(sorted({m.term for m in concept_matches})), method=self.method, rule_level=level,
            ))
        return predictions


class Levels:
    """The commitment level of a concept in one passage (see the module docstring)."""

    def __init__(self, passage: Passage):
        self.commits = bool(COMMITMENT.search(passage.text)) or (
            passage.text.lstrip().startswith(("•", "-", "–", "*")) and bool(ACTION_HEADING.search(passage.heading_path)))
        self.spans = quantities(passage.text)
        self.bounds = sentences(passage.text) if self.spans else []

    def level(self, matches: Sequence[Match]) -> int:
        """Level for a concept with these matches; with none (a label from the model), any quantity counts."""
        if not self.commits:
            return 1
        if self.spans and (not matches or _quantity_in_sentence(matches, self.spans, self.bounds)):
            return 3
        return 2


def _quantity_in_sentence(matches: Sequence[Match], spans: list[tuple[int, int]], bounds: list[tuple[int, int]]) -> bool:
    """True when a quantity sits in the same sentence as one of the matches."""
    for s_start, s_end in bounds:
        if any(s_start <= m.start < s_end for m in matches) and any(s_start <= q < s_end for q, _ in spans):
            return True
    return False


def _confidence(matches: Sequence[Match]) -> float:
    """1 - Π(1 - w): more and stronger terms, more confidence."""
    remaining = 1.0
    for match in matches:
        # A near term ("carbon ~ soil") weighs like a phrase: two words of the concept together.
        several_words = " " in match.term.strip() or "~" in match.term
        weight = WEIGHT_PREFERRED if match.preferred else WEIGHT_PHRASE if several_words else WEIGHT_WORD
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 3)
