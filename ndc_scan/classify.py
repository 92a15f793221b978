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
``both`` come from the passage, else from its heading path. A learned model
can replace :class:`RuleClassifier`: anything with ``predict(passage, matches)``
returning predictions fits the scan.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .model import DEFAULT_BAND
from .records import Passage, Prediction

_NUMBER = r"\d{1,3}(?:[ ,.\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:\s*(?:million|millions|millones|millón|milhões|milhão|mil|billion|milliards?|млн\.?|миллион\w*|тыс\.?|مليون|ألف|k|m))?"
_UNIT = (r"(?:ha\b|hectares?|hectáreas?|hect\.|km2|km²|acres?|га\b|гектар\w*|هكتار|"
         r"%|percent|per cent|pour ?cent|por ?ciento|por ?cento|процент\w*|"
         r"(?:k|m|g)?t\s?co2[- ]?(?:e|eq)?|(?:gg|mt|kt|gt|tonnes?|tons?|toneladas?|тонн\w*|طن)\b(?:\s*(?:of\s+|de\s+|d')?(?:co2|carbon|carbone|carbono|c\b))?|"
         r"t\s?c(?:/ha)?\b)")
QUANTITY = re.compile(rf"(?:{_NUMBER}){_SCALE}\s*(?:of |de |d')?{_UNIT}", re.IGNORECASE)
WORD_QUANTITY = re.compile(
    r"\b(?:millions?|millones|milhões|миллион\w*)\s+(?:of\s+|d'|de\s+)?(?:ha\b|hectares?|hectáreas?|гектар\w*)", re.IGNORECASE)
#: A share of money, not of land: "10% des coûts", "2% of GDP", "30 % du budget".
SHARE_OF_MONEY = re.compile(
    r"^\s*(?:of|des?|du|del|da|do|of the)?\s*(?:total\s+)?(?:co[uû]ts?|costs?|budget\w*|gdp|pib|financ\w*|"
    r"investment\w*|investissement\w*|inversi[oó]n\w*|presupuesto|funding|fonds|recursos)", re.IGNORECASE)
#: A currency (also used by targets.py: money is never a target).
MONEY = re.compile(r"us\$|usd|\$|€|eur\b|euros?\b|fcfa|cfa|dollars?|d[óo]lares|долл\w*|دولار|xof|£|₹", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-ÝА-Я\u0600-\u06ff•\-])|\n")

COMMITMENT = re.compile(
    r"\b(?:will|shall|plans? to|planned|aims? to|intends?|commit\w*|pledge\w*|target\w*|goals?|objectives?|"
    r"promot\w*|priorit\w*|measures?|actions?|programm?e?s?|projects?|polic(?:y|ies)|strateg\w*|initiatives?|"
    r"scal\w* up|strengthen\w*|enhanc\w*|implement\w*|introduc\w*|expan\w*|establish\w*|adopt\w*|encourag\w*|"
    r"restor\w*|rehabilitat\w*|improv\w*|increas\w*|develop\w*|support\w*|invest\w*|"
    # fr
    r"promouvoir|promotion|renforc\w*|mise en (?:œuvre|oeuvre|place)|mettre en|vis\w+ à|prévoi\w*|prévu\w*|"
    r"restaur\w*|réhabilit\w*|développ\w*|amélior\w*|vulgaris\w*|aménag\w*|lutte contre|récupér\w*|fixation|"
    r"objectifs?|cibles?|mesures?|programmes?|projets?|politiques?|stratégi\w*|plans?|actions?|"
    # es / pt
    r"promov\w*|promoción|fomen\w*|fortale\w*|restaura\w*|rehabilita\w*|recupera\w*|implementa\w*|desarroll\w*|"
    r"mejor\w*|ampli\w*|impuls\w*|metas?|objetivos?|medidas?|acciones|ações|programas?|proyectos?|projetos?|"
    r"pol[íi]ticas?|estrat[ée]gias?|planes|plano|planos|se (?:prevé|propone|compromete)|"
    # ru
    r"будет|будут|планир\w*|развити\w*|внедрени\w*|восстановлени\w*|улучшени\w*|сохранени\w*|мер[ыа]?|"
    r"программ\w*|стратеги\w*|цел[ьи]\w*)\b"
    # ar (no \b: Arabic words take prefixes)
    r"|سوف|ست[تي]\w*|تعزيز|تطوير|تحسين|إعادة تأهيل|اعادة تأهيل|مكافحة|برنامج|برامج|خطة|استراتيجية|حماية|الحد من|تشجيع",
    re.IGNORECASE,
)
ACTION_HEADING = re.compile(
    r"measure|action|contribution|priorit|programme|program|objective|target|plan|strateg|adaptation|mitigation|"
    r"mesure|contribution|objectif|atténuation|medida|acci[óo]n|contribuci|objetivo|meta|mitigaci|adaptaci|"
    r"мер|вклад|адаптац|смягчен|إجراء|تدابير|المساهم|التكيف|التخفيف",
    re.IGNORECASE,
)
UNCONDITIONAL = re.compile(r"unconditional|inconditionn|incondicional|sans condition|безусловн|غير مشروط", re.IGNORECASE)
CONDITIONAL = re.compile(
    r"\bconditional|conditionn|condicional|condicionad|subject to (?:the )?(?:availability|provision|international)|"
    r"with (?:the )?(?:international|external) (?:support|financ)|sous réserve|appui international|soutien international|"
    r"apoyo internacional|financiamiento internacional|условн|مشروط",
    re.IGNORECASE,
)
ADAPTATION = re.compile(r"adapta|résilien|resilien|vulnérab|vulnerab|адаптац|التكيف", re.IGNORECASE)
MITIGATION = re.compile(
    r"mitiga|atténu|emission reduction|reduction of emissions|réduction des émissions|reducción de emisiones|"
    r"redução de emissões|sequest|séquest|secuest|absorption|removals|смягчен|сокращени\w* выброс|التخفيف|خفض الانبعاثات",
    re.IGNORECASE,
)

WEIGHT_PREFERRED, WEIGHT_PHRASE, WEIGHT_WORD = 0.85, 0.7, 0.55


def quantities(text: str) -> list:
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


def sentences(text: str) -> list:
    """(start, end) of rough sentences: enough to tie a number to a term."""
    bounds, start = [], 0
    for found in _SENTENCE_END.finditer(text):
        bounds.append((start, found.start()))
        start = found.end()
    bounds.append((start, len(text)))
    return bounds


class RuleClassifier:
    """Keyword-rule classifier; the first, transparent version of the classify stage."""

    method = "rules"

    def predict_many(self, passages: list, found: dict) -> list:
        """Predictions for a document's passages; ``found`` maps passage ids to their matches."""
        predictions = []
        for passage in passages:
            if found.get(passage.passage_id):
                predictions += self.predict(passage, found[passage.passage_id])
        return predictions

    def predict(self, passage: Passage, matches: list) -> list:
        by_concept = defaultdict(list)
        for match in matches:
            by_concept[match.concept].append(match)
        if not by_concept:
            return []
        levels = Levels(passage)
        conditional = self._conditional(passage)
        component = self._component(passage)
        predictions = []
        for concept, concept_matches in sorted(by_concept.items()):
            level = levels.level(concept_matches)
            predictions.append(Prediction(
                passage_id=passage.passage_id, concept=concept, level=level,
                confidence=_confidence(concept_matches), conditional=conditional, component=component,
                terms=tuple(sorted({m.term for m in concept_matches})), method=self.method, rule_level=level,
            ))
        return predictions

    @staticmethod
    def _conditional(passage: Passage) -> str:
        for source in (passage.text, passage.heading_path):
            if UNCONDITIONAL.search(source):
                return "unconditional"
            if CONDITIONAL.search(source):
                return "conditional"
        return ""

    @staticmethod
    def _component(passage: Passage) -> str:
        for source in (passage.text, passage.heading_path):
            adaptation, mitigation = bool(ADAPTATION.search(source)), bool(MITIGATION.search(source))
            if adaptation or mitigation:
                return "both" if adaptation and mitigation else "adaptation" if adaptation else "mitigation"
        return ""


class Levels:
    """The commitment level of a concept in one passage (see the module docstring)."""

    def __init__(self, passage: Passage):
        self.commits = bool(COMMITMENT.search(passage.text)) or (
            passage.text.lstrip().startswith(("•", "-", "–", "*")) and bool(ACTION_HEADING.search(passage.heading_path)))
        self.spans = quantities(passage.text)
        self.bounds = sentences(passage.text) if self.spans else []

    def level(self, matches: list) -> int:
        """Level for a concept with these matches; with none (a label from the model), any quantity counts."""
        if not self.commits:
            return 1
        if self.spans and (not matches or _tied(matches, self.spans, self.bounds)):
            return 3
        return 2


def _tied(matches: list, spans: list, bounds: list) -> bool:
    """True when a quantity sits in the same sentence as one of the matches."""
    for s_start, s_end in bounds:
        if any(s_start <= m.start < s_end for m in matches) and any(s_start <= q < s_end for q, _ in spans):
            return True
    return False


def _confidence(matches: list) -> float:
    """1 - Π(1 - w): more and stronger terms, more confidence."""
    remaining = 1.0
    for match in matches:
        # A near term ("carbon ~ soil") weighs like a phrase: two words of the concept together.
        several_words = " " in match.term.strip() or "~" in match.term
        weight = WEIGHT_PREFERRED if match.preferred else WEIGHT_PHRASE if several_words else WEIGHT_WORD
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 3)


#: Gate that reproduces the rules: never overrule a match, never add a label.
RULES_GATE = {"veto": 0.0, "add": 1.01}


def combine(rule_found: bool, probability: float, gate: dict) -> bool:
    """The final label from the rules' finding and the model probability.

    A rule match stands unless the model's probability falls below the concept's
    ``veto`` threshold; without a match, the model adds the concept when its
    probability reaches ``add``. Both thresholds are set per concept at training,
    on held-out folds of the training countries (see ``train.fit_gates``).
    """
    return probability >= gate["veto"] if rule_found else probability >= gate["add"]


def review_reasons(rule_found: bool, probability: float, kept: bool, level: int, band: tuple) -> str:
    codes = []
    if rule_found != (probability >= 0.5):
        codes.append("disagree")
    if band[0] <= probability < band[1]:
        codes.append("uncertain")
    if kept and level == 3:
        codes.append("target")
    return ";".join(codes)


class HybridClassifier:
    """Rules and a learned model together: each label keeps the rule evidence and the model probability.

    Stored for each passage and concept: every rule match (kept, or overruled by
    the model and kept for review), every label the model adds, and every concept
    whose probability reaches the uncertain band without a match (not counted,
    flagged). ``band`` is the uncertain band ``(low, high)``. The model reads the
    passages with a taxonomy match or a soil/land cue word (``model.CUES``).
    """

    def __init__(self, model, band: tuple = DEFAULT_BAND):
        low, high = band
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"uncertain band must satisfy 0 <= low <= high <= 1, got {band}")
        self.model, self.band, self.rules = model, (float(low), float(high)), RuleClassifier()
        self.method = f"{model.method}:band{self.band[0]:g}-{self.band[1]:g}"

    def predict(self, passage: Passage, matches: list) -> list:
        return self.predict_many([passage], {passage.passage_id: matches})

    def predict_many(self, passages: list, found: dict) -> list:
        from .model import evidence_tokens, model_reads, model_text

        passages = [p for p in passages if model_reads(p.text, found.get(p.passage_id))]
        probabilities = self.model.predict_proba([model_text(p.heading_path, p.text) for p in passages],
                                                 [evidence_tokens(found.get(p.passage_id, ())) for p in passages])
        predictions = []
        for passage, row in zip(passages, probabilities):
            by_rules = {p.concept: p for p in self.rules.predict(passage, found.get(passage.passage_id, []))}
            context = None                      # level and flags of a label the model adds: the same for every concept
            for concept, probability in zip(self.model.labels, row):
                probability = round(float(probability), 4)
                rule = by_rules.get(concept)
                kept = combine(rule is not None, probability, self.model.gate(concept))
                if rule is None and not kept and probability < self.band[0]:
                    continue
                if rule is None:
                    context = context or (Levels(passage).level([]), self.rules._conditional(passage),
                                          self.rules._component(passage))
                    level, conditional, component = context
                else:
                    level, conditional, component = rule.level, rule.conditional, rule.component
                predictions.append(Prediction(
                    passage_id=passage.passage_id, concept=concept, level=level,
                    confidence=round(probability if kept else 1.0 - probability, 4),
                    conditional=conditional, component=component, terms=rule.terms if rule else (),
                    method=self.method, rule_level=rule.level if rule else 0, probability=probability, kept=kept,
                    review=review_reasons(rule is not None, probability, kept, level, self.band)))
        return predictions
