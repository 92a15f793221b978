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
from typing import Optional

from ..records import Match, Passage, Prediction, Target
from .cues import (
    ACTION_BEFORE_NUMBER,
    ACTION_HEADING,
    ACTION_START,
    ADAPTATION,
    AIM,
    COMMITMENT,
    CONDITIONAL,
    CONTEXT_HEADING,
    FUTURE_IMPACT,
    IMPACT,
    INTENT,
    INVENTORY,
    LIST_ITEM,
    MITIGATION,
    NOTATION_CELL,
    NOTATION_KEY,
    PAST,
    UNCONDITIONAL,
)
from .targets import sentence_bounds, tie_targets

WEIGHT_PREFERRED, WEIGHT_PHRASE, WEIGHT_WORD = 0.85, 0.7, 0.55


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

    def predict_many(self, passages: Sequence[Passage], found: Mapping[str, list[Match]],
                     language: Optional[str] = None) -> list[Prediction]:
        """Predictions for a document's passages; ``found`` maps passage ids to their matches."""
        predictions = []
        for passage in passages:
            if found.get(passage.passage_id):
                predictions += self.predict(passage, found[passage.passage_id], language)
        return predictions

    def predict(self, passage: Passage, matches: Sequence[Match], language: Optional[str] = None) -> list[Prediction]:
        """One prediction per concept matched in ``passage`` (``language``: the document's, for number formats)."""
        by_concept: dict[str, list[Match]] = defaultdict(list)
        for match in matches:
            by_concept[match.concept].append(match)
        if not by_concept:
            return []
        levels = Levels(passage, matches, language)
        conditional = conditional_flag(passage)
        component = component_flag(passage)
        predictions = []
        for concept, concept_matches in sorted(by_concept.items()):
            level = levels.level(concept, concept_matches)
            predictions.append(Prediction(
                passage_id=passage.passage_id, concept=concept, level=level,
                confidence=_confidence(concept_matches), conditional=conditional, component=component,
                terms=tuple(sorted({m.term for m in concept_matches})), method=self.method, rule_level=level,
                targets=tuple(levels.targets.get(concept, ())),
            ))
        return predictions


class Levels:
    """The commitment level of each concept in one passage (see the module docstring)."""

    def __init__(self, passage: Passage, matches: Sequence[Match] = (), language: Optional[str] = None):
        self.text = passage.text
        headings = passage.heading_path.split(" > ")
        self.context = bool(CONTEXT_HEADING.search(" > ".join(headings[-2:])))
        self.action_heading = bool(ACTION_HEADING.search(headings[-1]))
        self.table = passage.kind == "table"
        self.item = bool(LIST_ITEM.match(self.text)) or self.table
        self.bounds = sentence_bounds(self.text)
        self.targets: dict[str, list[Target]] = defaultdict(list)
        self.untied: list[Target] = []
        if any(c.isdigit() for c in self.text):
            spans = [(m.start, m.end, m.concept) for m in matches]
            for target, concepts in tie_targets(self.text, spans, lang=language or "en",
                                                conditional=conditional_flag(passage), heading_path=passage.heading_path,
                                                table=self.table):
                if not self.aimed(target):
                    continue
                for concept in concepts:
                    self.targets[concept].append(target)

    def level(self, concept: str, matches: Sequence[Match]) -> int:
        """Level of ``concept`` given its matches; with none (a label from the model), the whole passage decides."""
        if self.targets.get(concept):
            return 3
        return 2 if self.commits(matches) else 1

    def aimed(self, target: Target) -> bool:
        """Whether a target's sentence states an aim, not an impact, a projection or the past: "l'effectif du cheptel
        baisserait d'environ 80% ... par perte des parcours" is a figure of an impact, not a target for grazing.
        In a table the whole row speaks: its action cell says what the figure of its objective cell aims at ("x Increase
        the share of organic manure | x 35% increase in organic fertiliser share")."""
        if target.year is not None and not target.year_from:
            return True                                   # its own "by 2030": an aim even among impacts or the past
        if self.table:
            row_start = self.text.rfind("\n", 0, target.start) + 1
            row_end = self.text.find("\n", target.start)
            sentence = self.text[row_start:row_end if row_end >= 0 else len(self.text)]
        else:
            sentence = next((self.text[a:b] for a, b in self.bounds if a <= target.start < b), target.sentence)
        said, intent, acts = _cues([sentence])
        if self._context_only([sentence], said, intent, acts, past_acts=True):
            return False
        if target.measure != "emissions":
            return True
        # Tonnes of CO2 without a year of their own, in a sentence of prose, are an aim only with an intent, an action,
        # an aim or a commitment word, as a list item or under a heading of actions: "Annually, mangroves sequester
        # 1,073,696 tonnes of CO2 in the UAE" (ARE 2020) is what happens (areas and shares stand in lines of measures
        # without a verb: "Agroforestry on 20,000 ha of farmland").
        return (self.item or bool(LIST_ITEM.match(sentence)) or intent or acts or self.action_heading
                or bool(COMMITMENT.search(said) or AIM.search(said))
                or bool(ACTION_BEFORE_NUMBER.match(said.lstrip(" \t-–•*"))))    # "Achieve …", "Avoid …"

    def _context_only(self, sentences: Sequence[str], said: str, intent: bool, acts: bool, *,
                      past_acts: bool = False) -> bool:
        """Sentences (with their ``_cues``) that only report the past, describe an impact, or stand under a context
        heading, with no intent or action of their own (``past_acts``: an action also outweighs a past tense); or
        that name an inventory category (a list of reporting categories, a row of an inventory table), whatever
        they intend."""
        if any(_inventory(sentence) for sentence in sentences):
            return True
        if PAST.search(said) and not (intent or (past_acts and acts)):
            return True
        return bool((IMPACT.search(said) or self.context) and not (intent or acts))

    def commits(self, matches: Sequence[Match]) -> bool:
        """Whether the sentences of these matches say what the country does (not context, impacts or the past)."""
        sentences = _sentences_of(self.text, self.bounds, matches)
        said, intent, acts = _cues(sentences)
        if self._context_only(sentences, said, intent, acts):
            return False
        return intent or acts or self.action_heading or bool(COMMITMENT.search(said))


def _cues(sentences: Sequence[str]) -> tuple[str, bool, bool]:
    """The sentences joined; whether they state an intent ("vont entraîner des risques" is no plan); whether one of
    them, or a table cell of one, starts with an action."""
    said = " ".join(sentences)
    intent = bool(INTENT.search(FUTURE_IMPACT.sub(" ", said)))
    acts = any(ACTION_START.match(cell) for sentence in sentences for cell in sentence.split(" | "))
    return said, intent, acts


def inventory_mention(passage: Passage, matches: Sequence[Match]) -> bool:
    """Whether the sentences of these matches (with none, the whole passage) name an inventory or accounting category:
    concepts.md decides that such a label is a mention, whatever its sentence intends, so no learned level changes it."""
    return any(_inventory(sentence) for sentence in _sentences_of(passage.text, sentence_bounds(passage.text), matches))


def _sentences_of(text: str, bounds: Sequence[tuple[int, int]], matches: Sequence[Match]) -> list[str]:
    """The sentences of ``text`` holding these matches; with none, the whole text."""
    return [text[a:b] for a, b in bounds if any(a <= m.start < b for m in matches)] or [text]


def _inventory(sentence: str) -> bool:
    """A sentence that lists inventory or accounting categories, or a table row of inventory figures: after its
    first cell, only numbers and notation keys, one key at least ("D. Wetlands | NE | 0.00 | NA")."""
    if INVENTORY.search(sentence):
        return True
    cells = sentence.split(" | ")
    return (len(cells) >= 3 and all(NOTATION_CELL.fullmatch(cell) for cell in cells[1:])
            and any(NOTATION_KEY.search(cell) for cell in cells[1:]))


def _confidence(matches: Sequence[Match]) -> float:
    """1 - Π(1 - w): more and stronger terms, more confidence."""
    remaining = 1.0
    for match in matches:
        # A near term ("carbon ~ soil") weighs like a phrase: two words of the concept together.
        several_words = " " in match.term.strip() or "~" in match.term
        weight = WEIGHT_PREFERRED if match.preferred else WEIGHT_PHRASE if several_words else WEIGHT_WORD
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 3)
