"""Cue words and patterns in six languages: what commits, what is conditional, what is money, what is a quantity.

One module for every regular expression that reads a passage's intent, shared by the
rules (levels and flags, ``rules.py``) and the target extractor (``targets.py``).
"""

from __future__ import annotations

import re

_NUMBER = r"\d{1,3}(?:[ ,.\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:\s*(?:million|millions|millones|millón|milhões|milhão|mil|billion|milliards?|млн\.?|миллион\w*|тыс\.?|مليون|ألف|k|m))?"
_UNIT = (r"(?:ha\b|hectares?|hectáreas?|hect\.|km2|km²|acres?|га\b|гектар\w*|هكتار|"
         r"%|percent|per cent|pour ?cent|por ?ciento|por ?cento|процент\w*|"
         r"(?:k|m|g)?t\s?co2[- ]?(?:e|eq)?|"
         r"(?:gg|mt|kt|gt|tonnes?|tons?|toneladas?|тонн\w*|طن)\b(?:\s*(?:of\s+|de\s+|d')?(?:co2|carbon|carbone|carbono|c\b))?|"
         r"t\s?c(?:/ha)?\b)")
QUANTITY = re.compile(rf"(?:{_NUMBER}){_SCALE}\s*(?:of |de |d')?{_UNIT}", re.IGNORECASE)
WORD_QUANTITY = re.compile(
    r"\b(?:millions?|millones|milhões|миллион\w*)\s+(?:of\s+|d'|de\s+)?(?:ha\b|hectares?|hectáreas?|гектар\w*)", re.IGNORECASE)
#: A share of money, not of land: "10% des coûts", "2% of GDP", "30 % du budget".
SHARE_OF_MONEY = re.compile(
    r"^\s*(?:of|des?|du|del|da|do|of the)?\s*(?:total\s+)?(?:co[uû]ts?|costs?|budget\w*|gdp|pib|financ\w*|"
    r"investment\w*|investissement\w*|inversi[oó]n\w*|presupuesto|funding|fonds|recursos)", re.IGNORECASE)
#: A currency: money is never a target.
MONEY = re.compile(r"us\$|usd|\$|€|eur\b|euros?\b|fcfa|cfa|dollars?|d[óo]lares|долл\w*|دولار|xof|£|₹", re.IGNORECASE)
#: A sentence end: . ! ? ; before a capital, a bullet or a dash, or a line break.
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-ÝА-Я\u0600-\u06ff•\-])|\n")

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

