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
#: A currency: money is never a target.
MONEY = re.compile(r"us\$|usd|\$|€|eur\b|euros?\b|fcfa|cfa|dollars?|d[óo]lares|долл\w*|دولار|xof|£|₹", re.IGNORECASE)
#: A sentence end: . ! ? ; before a capital, a bullet or a dash, a line break (``targets.sentence_bounds`` joins
#: wrapped lines again), or a bullet inside a line (the items of a table cell, joined on the row's line): a glyph, or
#: an "x" or a "§" a symbol font draws as a tick or a box, before a capital ("§ Un ensemencement aérien …"; not
#: "§ 24-25" of a decision) or, for "x", a share and not after a number ("| x 50% reduction in draft animals … x 35%
#: increase in organic fertiliser share"; not "2 x 3%"); and after . ! ? before a share that starts the next sentence
#: ("… livelihood programmes. 100% of the households …"; not after "approx.", "etc.", "env.", "incl.", "resp.",
#: "viz."). A run of spaces is tried once, from its start (no quadratic backtracking).
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-ÝА-Я\u0600-\u06ff•\-])|\n|(?<!\s)\s+(?=[•●▪■➢\uf0b7])|"
                          r"(?<!\s)\s+(?=§\s+[A-ZÀ-Ý])|(?<![\d\s])\s+(?=x\s+(?:[A-Z]|\d+(?:[.,]\d+)?\s?%))|"
                          r"(?<=[^\W\d_]{3}[.!?])(?<!rox\.)(?<!etc\.)(?<!env\.)(?<!ncl\.)(?<!esp\.)(?<!viz\.)"
                          r"\s+(?=\d{1,3}(?:[.,]\d+)?\s?%)")

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

# ---------------------------------------------------------------------------------------------- aims and facts

#: A sentence with one of these states an aim wherever the number stands in it.
AIM = re.compile(
    r"\b(?:targets?|targeted|goals?|aims? (?:to|at)|aiming|objectives?|will|shall|commit\w*|pledge\w*|i?ndcs?|cpdn|cdn|"
    r"objectifs?|cibles?|vise|visent|viser|s'engage\w*|metas?|objetivos?|se propone|se compromete|compromiso|"
    r"цел\w*|будет|будут|планир\w*)\b|هدف|سوف|تستهدف",
    re.IGNORECASE)
#: A table column of planned figures: "Surfaces annuelles prévues sur 2016-2030 (en ha/an)", "Target area (ha)".
PLANNED_COLUMN = re.compile(
    r"\b(?:prévu\w*|prévisionnel\w*|planned|planifi\w*|proposed|proposé\w*|previst\w*|programad\w*|"
    r"to be (?:restored|planted|rehabilitated|treated|covered)|à (?:restaurer|traiter|aménager|planter|récupérer)|"
    r"a (?:restaurar|recuperar|rehabilitar)|планируем\w*)|المستهدف", re.IGNORECASE)
#: A table column of figures that are no aim: what there is, was or could be.
STATUS_COLUMN = re.compile(
    r"\b(?:current\w*|existing|present|actuel\w*|existant\w*|actual\w*|existente\w*|baseline|référence|"
    r"referencia|potential|potentiel\w*|potencial\w*|achieved|réalisé\w*|réalisations?|logrado\w*|"
    r"(?:19\d\d|200\d|201[0-5])(?!\s*[-–]\s*20\d\d))\b", re.IGNORECASE)
#: An action verb or noun right before the number: "restore 2 million ha", "restauration de 150 000 ha".
ACTION_BEFORE_NUMBER = re.compile(
    r"\b(?:restor\w*|rehabilitat\w*|reduc\w*|increas\w*|achiev\w*|expand\w*|scal\w* up|establish\w*|sequest\w*|"
    r"avoid\w*|plant\w*|conver\w*|promot\w*|implement\w*|programm?e?s?|plans? to|planned|protect\w*|"
    r"restaur\w*|réhabilit\w*|rédui\w*|réduction|atteindre|porter|augment\w*|récupér\w*|aménag\w*|mise en|"
    r"restaurar|rehabilitar|alcanzar|lograr|aumentar|recuperar|reducir|reducción|prevé|implementar|"
    r"сократ\w*|снижени\w*|восстанов\w*|увелич\w*|реабилитац\w*)\b|خفض|إعادة تأهيل|زيادة|استصلاح",
    re.IGNORECASE)
#: A sentence that states a fact of the past or present (unless it also names a target year).
STATUS = re.compile(
    r"\b(?:currently|at present|presently|today|was|were|has been|have been|had|(?:in|en|em) (?:19|20[01])\d\b|"
    r"al año (?:19|20[01])\d\b|en el año (?:19|20[01])\d\b|en l'an (?:19|20[01])\d\b|"
    r"actuellement|à l'heure actuelle|a été|ont été|était|étaient|actualmente|en la actualidad|fue|fueron|ha sido|"
    r"han sido|era|eran|foi|foram|в настоящее время|составлял\w*|было|были)\b", re.IGNORECASE)
#: A sentence about what could be done ("have the potential to ... removing 2.2 - 35 Gg CO2 per year between 2020 and
#: 2030"): its figures are potentials, with or without a year (concepts.md: a potential is no target).
POTENTIAL = re.compile(
    r"\b(?:ha(?:s|ve|d) (?:the|a) (?:\w+ )?potential (?:to|of|for)|could potentially|a (?:le|un) potentiel d|"
    r"ont (?:le|un) potentiel d|tienen? (?:el|un) potencial (?:de|para)|имеет потенциал|имеют потенциал)", re.IGNORECASE)
#: Just before a number: it is a status or an estimate, not an aim ("has established 14%", "could yield").
LOCAL_STATUS = re.compile(
    r"\b(?:occup\w*|covers|covered(?!\s+(?:will|shall)\b)|(?<!target of )(?<!\bgoal of )(?<!\baim of )covering|"
    r"accounts? for|represent\w*|constitut\w*|compris\w*|makes? up|"
    r"baseline|historical|historic|reference level|currently|expected|projected|likely|probability|forecast\w*|"
    r"anticipated|probabilit\w*|se prevé que|probabilidad|"
    r"couvr\w*|représent\w*|situation de référence|ocupa\w*|cubre\w*|representa\w*|constituy\w*|línea (?:de )?base|"
    r"занима\w*|составля\w*|abarca\w*|dominat\w*|domine\w*|dependent (?:up)?on|divided into|divisée? en|"
    r"dividid[oa]s? en|(?:has|have|had) (?:a )?(?:total )?area of|a une superficie de|"
    r"tiene una superficie de)\b|"
    # "current emissions of around 11.2", "la superficie actuelle de 20 000 ha": the number right after a current figure
    r"\b(?:current|actuel(?:le)?s?|actual(?:es)?|текущ\w*|нынешн\w*)\s+(?:[\w-]+\s+){0,3}?(?:of\s+|de\s+|d')?"
    r"(?:around\s+|about\s+|approximately\s+|environ\s+|près de\s+|alrededor de\s+|около\s+)?$|"
    r"\b(?:has|have|had) (?:already )?(?:been )?\w+ed\b|"
    r"\b(?:was|were|currently|already(?! (?:identified|designated|selected|mapped))|could|potential(?:ly)?|"
    r"estimated?|a été|ont été|était|actuellement|déjà|potentiel\w*|fue|fueron|ha sido|actualmente|podría\w*|"
    r"potencial\w*|se estima|было|были)\b", re.IGNORECASE)
#: Just after a number: the past year or period it was measured in ("13.5 MtCO2eq/yr ... in 2000)", "907.656,2 ha
#: brûlés en moyenne de 2006 à 2010"): an inventory or baseline figure.
#: Not when a target year or a starting point stands between ("12% by 2030, from about 10.9% in 2014").
PAST_YEAR_AFTER = re.compile(
    r"(?:(?!\b20[2-9]\d\b|\bfrom\b|\bcompared\b|\brelative\b|par rapport|\bdesde\b|respecto|à partir)[^;]){0,60}?"
    r"(?:\b(?:in|en|en el año|al año|en l'an) (?:19\d\d|20[01]\d)\b(?!\s*[-–]\s*20[2-9]\d)|"
    r"\b(?:from|between|de|du|entre|desde) (?:19\d\d|20[01]\d) (?:to|and|à|au|et|a|y|hasta) (?:19\d\d|20[01]\d)\b|"
    r"\b(?:period|période|periodo|período|периоды?) (?:19\d\d|20[01]\d)\s*[-–]\s*(?:19\d\d|20[01]\d)\b)",
    re.IGNORECASE)
#: A yearly rate its clause states away from the unit (``quantities`` reads "ha/an", "ha per year", "ha annually"):
#: after the figure with no number or clause break between ("10.000 ha de micro-bassins (demi-lunes) chaque année"), or
#: before it ("augmenter annuellement les superficies reboisées d'environ 1297 ha", "réduction annuelle de 5 000 ha").
_EACH_YEAR = (r"(?:chaque année|tous les ans|each year|every year|annually|per year|a year|per annum|par an|cada año|"
              r"cada ano|por año|anualmente|annuellement|ежегодно|каждый год|سنويا|كل عام)")
EACH_YEAR_AFTER = re.compile(rf"[^\d;,:|.]{{0,45}}?\b{_EACH_YEAR}(?!\s*(?:19|20)\d\d)", re.IGNORECASE)
EACH_YEAR_BEFORE = re.compile(
    rf"(?:\b{_EACH_YEAR}|\b(?:réduction|augmentation|taux|rythme)s? annuel(?:le)?s?|\bannual (?:reduction|increase|rate)|"
    rf"\btasa anual)\b[^\d;,:|.]*$", re.IGNORECASE)
#: Before a share: a yearly change it is the size of ("réduction annuelle des superficies brûlées de 5%"); not "the
#: annual rate of deforestation by 50%" (halving a rate), nor a rate of another figure before a conjunction.
SHARE_EACH_YEAR_BEFORE = re.compile(
    r"\b(?:(?:réduction|augmentation|diminution|baisse|hausse)s? annuelle?s?|annual (?:reduction|increase|decrease)|"
    r"(?:reducción|aumento|disminución) anual|ежегодн\w+ (?:сокращени|увеличени)\w*)\b(?:(?!\b(?:and|et|y|e|и)\b)[^\d;,:|.])*$",
    re.IGNORECASE)
#: Just before a number: a figure of the economy, not of land ("PIB al 5,4%").
ECONOMY = re.compile(r"\b(?:gdp|pib|pnb|gnp|ввп)\b|producto interno bruto|produit int[ée]rieur brut|gross domestic product",
                     re.IGNORECASE)
#: Just after a share: the country's whole emissions ("84% de ses émissions", "36% of national GHG emissions"): a
#: national figure, not a target of the practices its sentence names (concepts.md: a number for a whole sector or
#: package of measures is not a quantified target of each practice inside it).
NATIONAL_EMISSIONS = re.compile(
    r"\b(?:its|their|ses|leurs?|sus|national|nationales?|nacional(?:es)?|total(?:es)?|overall|global(?:es)?)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:emissions|émissions|emisiones)\b|\b(?:emissions|émissions|emisiones)\s+"
    r"(?:nationales|nacionales|totales|totals?)\b", re.IGNORECASE)
BAU = re.compile(r"business[- ]as[- ]usual|\bBAU\b|scénario de référence|tendanciel|statu quo|escenario tendencial|"
                  r"\bBaU\b|обычн\w+ (?:ход|сценар)|المعتاد", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------- what a passage does

#: Intent: the country will, plans, aims, commits, proposes (future and modal forms in six languages).
INTENT = re.compile(
    r"\b(?:will|shall|plans? to|planned|planning to|aims? (?:to|at)|aiming|intends?|intended to|intentions?|intención|"
    r"intenção|commit\w*|pledge\w*|"
    r"propos\w*|envisag\w*|seeks? to|strives? to|endeavou?rs? to|is to be|are to be|to be (?:\w+ed)|undertak\w*|"
    r"priorit\w*|targets?|targeted|goals?|objectives?|would like to|continue to|continues|continuing|ongoing|scal\w+ up|"
    # fr
    r"va|vont|sera|seront|devra|devront|prévoi\w*|prévu\w*|envisag\w*|s'engag\w*|engag\w*|vis\w+ à|entend\w*|compt\w+ |"
    r"propos\w*|objectifs?|cibles?|poursuiv\w*|continuer\w*|renforcer|promouvoir|développer|mettre en|"
    r"\w+er(?:a|ont)|"
    # es / pt
    r"se (?:prevé|propone|compromete|buscará|impulsará)|prevé|propone\w*|compromet\w*|metas?|objetivos?|"
    r"(?:tiene|tienen|está|están) previst\w*|previst[oa]s? para|"
    r"\w+(?:ará|erá|irá|arán|erán|irán)|promover|fortalecer|impulsar|fomentar|implementar|"
    # ru
    r"будет|будут|планир\w*|предусматрива\w*|намерен\w*|обязу\w*|цел[ьи]\w*|предполага\w*)\b"
    # ar
    r"|سوف|ست[تي]\w+|سي\w+|تعتزم|تلتزم|تهدف|يهدف|تخطط|خطة",
    re.IGNORECASE,
)
#: A future that is a consequence, not an intent ("will lead to", "vont entraîner", "van a provocar"): taken out of
#: a sentence before INTENT is looked for, so that projected impacts are not read as plans.
FUTURE_IMPACT = re.compile(
    r"\b(?:will|would|could|may|might|is likely to|are likely to|va|vont|pourr\w+|risqu\w+ de|van a|va a|podr\w+|"
    r"будет|будут|может|могут)\s+(?:\w+\s+)?"
    r"(?:lead|result|cause|increas\w*|exacerbat\w*|aggravat\w*|affect\w*|threaten\w*|worsen\w*|intensif\w*|reduc\w*|"
    r"entra[iî]n\w*|provoqu\w*|aggrav\w*|augment\w*|affect\w*|menac\w*|accentu\w*|réduire|diminu\w*|"
    r"causar|provocar|aumentar|agravar|afectar|intensificar|disminuir|reducir|"
    r"привести|привод\w*|вызвать|вызыва\w*|усил\w*|сократ\w*|снизит\w*)\b",
    re.IGNORECASE,
)
_LAND_CATEGORY = (r"(?:forest(?:\s+|-)?lands?|crop ?lands?|grasslands?|wetlands?|settlements?|other lands?|"
                  r"terres? forestières|terres? cultivées|prairies|terres? humides|zones? humides|établissements|"
                  r"tierras? forestales|tierras? de cultivo|pastizales|humedales|asentamientos)")
_LIST_SEP = r"\s*(?:,|;|/|\band\b|\bet\b|\by\b)\s*(?:(?:and|et|y)\s+)?"
#: Two land activities of the Kyoto Protocol's accounting (Article 3.4) listed together are accounting categories
#: ("9.1 million t-CO2 by cropland management, grazing land management and revegetation", JPN), not practices the
#: country takes up; "grazing land management and revegetation" alone may well be a practice.
_CROPLAND_MANAGEMENT, _GRAZING_LAND_MANAGEMENT = r"cropland management", r"grazing ?land management"
#: An inventory or accounting category named as such (concepts.md: "an inventory or accounting category in a list or
#: table is a mention"): "the following reporting categories are included: ... Wetlands", "carbon pools".
INVENTORY = re.compile(
    r"\breporting categor\w*|\b(?:ipcc|inventory|accounting|land[- ]use) categor\w*|\bcarbon pools?\b|"
    r"catégories? (?:de déclaration|du giec|de l'inventaire|comptables?)|réservoirs? de carbone|"
    r"categorías? (?:de notificación|del ipcc|del inventario)|depósitos? de carbono|"
    r"категори\w+ (?:отчетности|мгэик|кадастра)|пул\w* углерода|"
    # the IPCC's land categories listed together ("non-forest land (cropland, grassland, wetlands and settlement)")
    rf"\b{_LAND_CATEGORY}{_LIST_SEP}{_LAND_CATEGORY}{_LIST_SEP}{_LAND_CATEGORY}\b|"
    # the Kyoto Protocol's cropland and grazing land management listed together
    rf"\b{_CROPLAND_MANAGEMENT}{_LIST_SEP}{_GRAZING_LAND_MANAGEMENT}\b|"
    rf"\b{_GRAZING_LAND_MANAGEMENT}{_LIST_SEP}{_CROPLAND_MANAGEMENT}\b", re.IGNORECASE)
#: A cell of an inventory table: a number or a notation key (not estimated, not applicable, not occurring, included
#: elsewhere, confidential).
NOTATION_CELL = re.compile(r"\s*(?:NE|NA|NO|IE|C|NE,\s*NO|NA,\s*NO|NO,\s*NA|[-–—]|[-–]?\d[\d.,\s]*%?)\s*")
NOTATION_KEY = re.compile(r"\b(?:NE|NA|NO|IE)\b")
#: The past or a completed measure: was done, has been done, already.
PAST = re.compile(
    r"\b(?:has been|have been|had been|was|were|already|achieved|completed|accomplished|carried out|"
    r"has (?:\w+ed)|have (?:\w+ed)|since (?:19|20)\d\d|in (?:19|200|201)\d\b|"
    r"a été|ont été|avait|avaient|déjà|réalisé\w*|achevé\w*|depuis (?:19|20)\d\d|"
    r"ha sido|han sido|fue|fueron|ya|realizad\w*|alcanzad\w*|desde (?:19|20)\d\d|"
    r"было|были|был|была|уже|осуществлен\w*)\b|تم |كانت|كان ",
    re.IGNORECASE,
)
#: An impact, a threat, a vulnerability or a problem: what happens to the land, not what the country does.
IMPACT = re.compile(
    r"\b(?:threat\w*|vulnerability|vulnerabilities|vulnerable to|impacts? (?:of|on)|impacted|affect\w*|risks?|at risk|"
    r"lead(?:s|ing)? to|led to|"
    r"result(?:s|ed|ing)? in|caus\w+|exacerbat\w*|aggravat\w*|worsen\w*|increase in|increasing|decline\w*|loss(?:es)? of|"
    r"lost|suffer\w*|susceptib\w*|exposed|expected to (?:increase|decrease|rise|fall|reduce)|projected|challenges?|"
    r"pressures?|problems?|drivers?|prone|hazards?|disasters?|due to|because of|"
    r"menac\w*|vulnérab\w*|impacts? (?:de|sur)|affect\w*|risques?|entra[iî]n\w*|provoqu\w*|aggrav\w*|perte\w*|"
    r"subi\w*|exposé\w*|pressions?|problèmes?|causé\w*|chute\w*|assèch\w*|"
    r"amenaz\w*|vulnerab\w*|impactos? (?:de|en|sobre)|afect\w*|riesgos?|provoc\w*|caus\w*|pérdida\w*|agrav\w*|"
    r"expuest\w*|presiones|problemas?|"
    r"угроз\w*|воздейств\w*|влия\w*|риск\w*|привод\w*|потер\w*|уязвим\w*|проблем\w*)\b"
    r"|تهديد|تأثير|يؤثر|تؤثر|مخاطر|يؤدي|تؤدي|فقدان|هشاشة|تدهور|مشاكل",
    re.IGNORECASE,
)
#: Section headings about context, not about what the country does.
CONTEXT_HEADING = re.compile(
    r"national circumstances|context|background|introduction|overview|(?<!expected )impacts?\b(?!\s+(?:attendus|escomptés|"
    r"esperados|previstos))|vulnerabilit|climate risks?|"
    r"observed|projected|inventory|emissions? profile|methodolog|assumptions|accounting|information to facilitate|"
    r"ictu|existing polic|legal framework|institutional|progress|achievements|lessons|barriers|gaps|"
    r"acronym|abbreviation|glossary|sigles|acronymes|abréviations|glossaire|acrónimos|siglas|abreviaturas|glosario|"
    r"сокращени|аббревиатур|الاختصارات|المختصرات|"
    r"circonstances nationales|contexte|introduction|aperçu|vulnérabilit|inventaire|méthodolog|hypothèses|"
    r"circunstancias nacionales|contexto|introducci|vulnerabilidad|inventario|metodolog|supuestos|antecedentes|"
    r"национальн\w+ услови|введение|уязвим|инвентаризац|الظروف الوطنية|مقدمة|التأثيرات|الهشاشة|الجرد",
    re.IGNORECASE,
)
#: The NDC's own commitment period, or the period of the NDC, named instead of a year ("over 5000 ha annually during
#: the commitment period"): the target year is the document's horizon (``targets.document_years``). Not a project's or
#: an action plan's implementation period.
COMMITMENT_PERIOD = re.compile(
    r"commitment period|période d'engagement|periodo de compromiso|período de compromiso|"
    r"(?:implementation )?period of (?:the |this |our )?(?:i?ndcs?|contribution)|"
    r"période (?:de mise en (?:œ|oe)uvre )?(?:de la |du |de sa )(?:cdn|cpdn|contribution)|"
    r"per[íi]odo (?:de implementaci[óo]n )?de (?:la |su )?(?:ndc|cdn|contribuci[óo]n)|"
    r"период\w* (?:действия|выполнения|осуществления) (?:ОНУВ|НОВ|вклада)|فترة (?:الالتزام|تنفيذ المساهمة)",
    re.IGNORECASE)
#: A list item: a line that starts with a bullet (also "§", a symbol font's bullet), a dash, a number or a letter.
LIST_ITEM = re.compile(r"^\s*(?:[•●▪■◦○►▶➢✓\-–*\u2022\uf0b7!]|§(?=\s+[A-ZÀ-Ý])|\(cid:\d+\)|\(?[0-9]{1,2}[.)]|"
                       r"\(?[a-z][.)]|[ivx]{1,4}[.)])\s*", re.IGNORECASE)
#: A sentence or list item that begins with an action (imperative, infinitive or action noun): "Manage and
#: conserve mangroves", "Restauration des terres", "Promover sistemas agroforestales".
ACTION_START = re.compile(
    r"^\W*(?:\(?[0-9a-z]{1,3}[.)]\s*)?(?:"
    r"manag\w*|conserv\w*|protect\w*|restor\w*|rehabilitat\w*|recover\w*|reclaim\w*|promot\w*|improv\w*|develop\w*|"
    r"strengthen\w*|establish\w*|creat\w*|implement\w*|introduc\w*|expan\w*|scal\w*|support\w*|increas\w*|reduc\w*|"
    r"enhanc\w*|adopt\w*|encourag\w*|plant\w*|build\w*|construct\w*|appl(?:y|ication)|ensur\w*|integrat\w*|combat\w*|"
    r"fight\w*|control\w*|prevent\w*|reforest\w*|afforest\w*|fix\w*|stabili[sz]\w*|regenerat\w*|maintain\w*|"
    r"maintenance|train\w*|rais\w*|mainstream\w*|sustainabl\w*|upscal\w*|replant\w*|revegetat\w*|intensif\w*|"
    r"diversif\w*|rational\w*|optimi[sz]\w*|capacity|research|install\w*|provi\w*|facilitat\w*|scale|"
    r"gérer|gestion|conserver|protéger|protection|restaur\w*|réhabilit\w*|récupér\w*|promouvoir|promotion|"
    r"amélior\w*|développ\w*|renforc\w*|mise|mettre|créer|création|encourag\w*|lutte\w*|lutter|aménag\w*|"
    r"install\w*|fixation|fixer|reboise\w*|régénér\w*|vulgaris\w*|intensifi\w*|valoris\w*|appui|appuyer|"
    r"gestionar|gesti[óo]n|manejar|manejo|conservar|conservaci[óo]n|proteger|protecci[óo]n|restaura\w*|"
    r"rehabilita\w*|recupera\w*|promov\w*|promoci[óo]n|mejora\w*|desarroll\w*|fortalec\w*|implementa\w*|crea\w*|"
    r"foment\w*|impuls\w*|instala\w*|incorpora\w*|reforesta\w*|ampliar|ampliaci[óo]n|apoy\w*|"
    r"управлен\w*|сохранен\w*|защит\w*|восстановлен\w*|улучшен\w*|развити\w*|внедрен\w*|создан\w*|"
    r"облесен\w*|рекультивац\w*|"
    r"إدارة|حماية|صون|استعادة|إعادة|تأهيل|تحسين|تطوير|تعزيز|تشجيع|إنشاء|مكافحة|زراعة|تثبيت|استصلاح)",
    re.IGNORECASE,
)
#: Headings of a section that states what the country aims at: a quantity listed there is a target.
AIM_HEADING = re.compile(
    r"\b(?:i?ndcs?|cdn|cpdn|contributions?|commitments?|engagements?|targets?|goals?|objectives?|objectifs?|"
    r"cibles?|metas?|objetivos?|compromisos?|contribuci\w+|measures?|mesures?|medidas?|actions?|acciones|priorit\w*|"
    r"цел\w*|вклад\w*|мер\w*)\b|المساهم|أهداف|الأهداف|تدابير|إجراءات",
    re.IGNORECASE,
)
#: Forests joined to a concept by "and"/"or" name one package with it: "forests and wetlands under protection to at
#: least 17%" (SUR 2019), "30% of land … utilized for agro-forestry or forestry" (TON 2020). concepts.md: a number for
#: a package is no target of each practice in it. Before a concept's words, and after them.
_FOREST = r"(?:forests?|forestry|forêts?|foresterie|bosques?|forestal(?:es)?|florestas?|лес\w*|الغابات)"
_OR_AND = r"(?:and|or|et|ou|y|o|e|и|или|و)"
FOREST_BEFORE = re.compile(rf"\b{_FOREST}\s*,?\s+{_OR_AND}\s+(?:(?:the|les|la|los|las|des|de)\s+)?$", re.IGNORECASE)
FOREST_AFTER = re.compile(rf"^\s*,?\s*{_OR_AND}\s+(?:(?:the|les|la|los|las|des|de)\s+)?{_FOREST}\b", re.IGNORECASE)
