"""Rules and a learned model together: the label the scan counts, with both kinds of evidence.

The rules find and grade (``rules.py``); the model (``model.py``, reading ``features.py``)
gives a calibrated probability per concept; per-concept **gates** set at training decide
when the model overrules a rule match or adds a label the rules missed (:func:`combine`);
labels are flagged for review when rules and model disagree, when the probability is
uncertain, or when they carry a quantified target. With a level model in the model folder,
every label below quantified target is a commitment or a mention as that model says
(:meth:`HybridClassifier._learned_levels`); a quantified target stays the tied target's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Optional

from ..records import Match, Passage, Prediction
from .features import evidence_tokens, level_input, model_reads, model_text
from .model import Model
from .rules import Levels, RuleClassifier, component_flag, conditional_flag, inventory_mention

#: Default uncertain band of the model probability: a label inside it is flagged for review.
DEFAULT_BAND = (0.35, 0.65)

#: Gate that reproduces the rules: never overrule a match, never add a label.
RULES_GATE = {"veto": 0.0, "add": 1.01}


def combine(rule_found: bool, probability: float, gate: Mapping[str, float]) -> bool:
    """The final label from the rules' finding and the model probability.

    A rule match stands unless the model's probability falls below the concept's
    ``veto`` threshold; without a match, the model adds the concept when its
    probability reaches ``add``. Both thresholds are set per concept at training,
    on held-out folds of the training countries (see ``learn.train.fit_gates``).
    """
    return probability >= gate["veto"] if rule_found else probability >= gate["add"]


def review_reasons(rule_found: bool, probability: float, counted: bool, level: int, band: tuple[float, float]) -> str:
    codes = []
    if rule_found != (probability >= 0.5):
        codes.append("disagree")
    if band[0] <= probability < band[1]:
        codes.append("uncertain")
    if counted and level == 3:
        codes.append("target")
    return ";".join(codes)


class HybridClassifier:
    """Rules and a learned model together: each label keeps the rule evidence and the model probability.

    Stored for each passage and concept: every rule match (kept, or overruled by
    the model and kept for review), every label the model adds, and every concept
    whose probability reaches the uncertain band without a match (not counted,
    flagged). ``band`` is the uncertain band ``(low, high)``. The model reads the
    passages with a taxonomy match or a soil/land cue word (``features.CUES``).
    """

    def __init__(self, model: Model, band: tuple[float, float] = DEFAULT_BAND):
        low, high = band
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"uncertain band must satisfy 0 <= low <= high <= 1, got {band}")
        self.model, self.band, self.rules = model, (float(low), float(high)), RuleClassifier()
        self.method = f"{model.method}:band{self.band[0]:g}-{self.band[1]:g}"

    def prepare(self) -> None:
        """Load the model's pipelines now (a scan does this before its workers start, so they share them)."""
        self.model.load()

    def predict(self, passage: Passage, matches: Sequence[Match], language: Optional[str] = None) -> list[Prediction]:
        return self.predict_many([passage], {passage.passage_id: list(matches)}, language)

    def predict_many(self, passages: Sequence[Passage], found: Mapping[str, list[Match]],
                     language: Optional[str] = None) -> list[Prediction]:
        passages = [p for p in passages if model_reads(p.text, found.get(p.passage_id))]
        probabilities = self.model.predict_proba([model_text(p.heading_path, p.text) for p in passages],
                                                 [evidence_tokens(found.get(p.passage_id, ())) for p in passages])
        predictions = []
        for passage, row in zip(passages, probabilities):
            by_rules = {p.concept: p for p in self.rules.predict(passage, found.get(passage.passage_id, []), language)}
            context = None                      # level and flags of a label the model adds: the same for every concept
            for concept, probability in zip(self.model.labels, row):
                probability = round(float(probability), 4)
                rule = by_rules.get(concept)
                counted = combine(rule is not None, probability, self.model.gate(concept))
                if rule is None and not counted and probability < self.band[0]:
                    continue
                if rule is None:
                    context = context or (Levels(passage, found.get(passage.passage_id, []), language).level(concept, []),
                                          conditional_flag(passage), component_flag(passage))
                    level, conditional, component = context
                else:
                    level, conditional, component = rule.level, rule.conditional, rule.component
                predictions.append(Prediction(
                    passage_id=passage.passage_id, concept=concept, level=level,
                    confidence=round(probability if counted else 1.0 - probability, 4),
                    conditional=conditional, component=component, terms=rule.terms if rule else (),
                    targets=rule.targets if rule and counted else (),
                    method=self.method, rule_level=rule.level if rule else 0, probability=probability, counted=counted,
                    review=review_reasons(rule is not None, probability, counted, level, self.band)))
        return self._learned_levels(predictions, {p.passage_id: p for p in passages}, found)

    def _learned_levels(self, predictions: list[Prediction], passages: Mapping[str, Passage],
                        found: Mapping[str, list[Match]]) -> list[Prediction]:
        """Commitment or mention from the level model, for every label below quantified target (a level 3 is
        decided by its tied target, never by the model) that concepts.md does not decide: an inventory or accounting
        category stays a mention."""
        if self.model.level_pipeline is None:       # predict_proba, called first, loaded the model
            return predictions
        below = [i for i, p in enumerate(predictions) if p.level < 3 and not inventory_mention(
            passages[p.passage_id], [m for m in found.get(p.passage_id, ()) if m.concept == p.concept])]
        commitment = self.model.commitment_proba([level_input(passages[predictions[i].passage_id],
                                                              predictions[i].level) for i in below])
        for i, p_commit in zip(below, commitment):
            predictions[i] = replace(predictions[i], level=2 if p_commit >= 0.5 else 1)
        return predictions
