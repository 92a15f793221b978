"""Typed, immutable records passed between pipeline stages.

Every stage takes and returns these records; third-party objects (pdfplumber
pages, spaCy Docs) never leave the stage that uses them. Page numbers are
1-based everywhere. Character offsets are 0-based, end-exclusive, and index
into the text of the record they name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Optional

from .errors import quoted
from .taxonomy import CONCEPT_IDS

LEVEL_NAMES = {0: "absent", 1: "mention", 2: "commitment", 3: "quantified_target"}
LEVELS = {name: level for level, name in LEVEL_NAMES.items()}

#: Page quality flags (``Page.quality``).
PAGE_OK = "ok"
PAGE_NO_TEXT = "no text"          # no text layer: needs OCR
PAGE_LOW_TEXT = "low text"        # a few characters only (cover, image page)
PAGE_GARBAGE = "garbage text"     # a text layer of nonsense (bad earlier OCR, fonts without Unicode), not OCR'd

#: Values of ``DocumentMeta.source`` per field.
INFERRED = "inferred"
GIVEN = "given"

_ISO3 = re.compile(r"^[A-Z]{3}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def sha256_text(*parts: str) -> str:
    """Hex SHA-256 of the parts joined by a unit separator."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DocumentMeta:
    """What a document is: whose pledge, which kind, when, in which language.

    ``sources`` maps each field name to ``"inferred"`` or ``"given"`` (from a
    ``--metadata`` file); ``evidence`` says where an inferred value came from
    (e.g. ``"file name"``, ``"page 1"``).
    """

    iso3: Optional[str]          # ISO 3166-1 alpha-3, upper case; None if unknown
    country: Optional[str]       # English short name
    kind: Optional[str]          # one of DOCUMENT_KINDS
    year: Optional[int]
    language: Optional[str]      # ISO 639-1 code of the main language
    sources: dict = field(default_factory=dict, compare=False, hash=False)
    evidence: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        _check(self.iso3 is None or bool(_ISO3.match(self.iso3)),
               f"iso3 must be three upper-case letters, got {self.iso3!r}")
        _check(self.kind is None or self.kind in DOCUMENT_KINDS,
               f"kind must be one of {sorted(DOCUMENT_KINDS)}, got {self.kind!r}")
        _check(self.year is None or 1990 <= self.year <= 2100,
               f"year out of range: {self.year!r}")


#: Document kinds, in the order a country submits them.
DOCUMENT_KINDS = {
    "indc": "INDC",
    "ndc": "first NDC",
    "ndc-updated": "updated NDC",
    "ndc2": "second NDC",
    "ndc3": "NDC 3.0",
}


@dataclass(frozen=True)
class Document:
    """One input file. ``doc_id`` is the SHA-256 of its bytes."""

    doc_id: str
    path: str                    # path as given on the command line
    file_name: str
    n_bytes: int
    meta: DocumentMeta

    def __post_init__(self):
        _check(bool(_HEX64.match(self.doc_id)), f"doc_id must be a SHA-256 hex digest, got {self.doc_id!r}")
        _check(self.n_bytes >= 0, f"n_bytes must be >= 0, got {self.n_bytes}")


@dataclass(frozen=True)
class Line:
    """A text line on a page, after column ordering. Coordinates in PDF points from the top."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float                  # median font size of its characters
    bold: bool
    column: int                  # 0 = full width or left column, 1 = right column
    is_table_row: bool = False   # cells separated by wide gaps, joined with " | "
    words: tuple = ()            # tuple[(x0, x1, text), ...] in reading order: where a table's columns are
    boxes: tuple = ()            # tuple[(x0, top, x1, bottom, text), ...]: every word in the line's order (RTL too)


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or table row group on one page."""

    kind: str                    # "heading", "paragraph", "table", "toc"
    text: str
    level: int = 0               # heading depth (1 = top) for kind "heading", else 0


@dataclass(frozen=True)
class PageBoxes:
    """Where the words of a page's text stand on the page (the evidence view highlights them).

    ``words`` holds ``(start, end, x0, top, x1, bottom)`` per word: offsets into ``Page.text``
    (0-based, end-exclusive, ascending) and the word's box in PDF points from the page's top-left
    corner, on a page of ``width`` × ``height`` points. Words the text does not hold (running
    headers, page numbers) have no box.
    """

    width: float
    height: float
    words: tuple = ()            # tuple[(start, end, x0, top, x1, bottom), ...], by start

    def __post_init__(self):
        _check(self.width > 0 and self.height > 0, f"page size must be positive, got {self.width} x {self.height}")
        _check(all(0 <= w[0] < w[1] for w in self.words), "word offsets must satisfy 0 <= start < end")

    def within(self, start: int, end: int) -> list[tuple[float, float, float, float]]:
        """Boxes ``(x0, top, x1, bottom)`` of the words that overlap the text ``start``..``end`` of the page."""
        return [(w[2], w[3], w[4], w[5]) for w in self.words if w[0] < end and w[1] > start]


@dataclass(frozen=True)
class Page:
    """One page of a document after extraction and cleaning.

    ``text`` is the cleaned page text: blocks joined by blank lines, running
    headers/footers and page numbers removed, hyphenated words joined, Unicode
    NFKC-normalised.
    """

    doc_id: str
    page_no: int                 # 1-based
    text: str
    n_chars: int                 # characters read (text layer, or OCR when ``ocr``), before cleaning
    quality: str                 # PAGE_OK, PAGE_LOW_TEXT, PAGE_NO_TEXT or PAGE_GARBAGE (the last two: unread)
    blocks: tuple = ()           # tuple[Block, ...], in reading order
    ocr: bool = False
    ocr_confidence: Optional[float] = None   # mean Tesseract confidence in [0, 1]
    boxes: Optional[PageBoxes] = field(default=None, compare=False)   # word boxes (None: not located)

    def __post_init__(self):
        _check(self.page_no >= 1, f"page_no is 1-based, got {self.page_no}")
        _check(self.quality in (PAGE_OK, PAGE_NO_TEXT, PAGE_LOW_TEXT, PAGE_GARBAGE), f"bad page quality {self.quality!r}")
        _check(self.ocr_confidence is None or 0.0 <= self.ocr_confidence <= 1.0,
               f"ocr_confidence must be in [0, 1], got {self.ocr_confidence}")


#: What a passage is (``Passage.kind``); only the TAGGED_KINDS are tagged and classified.
PASSAGE_KINDS = ("paragraph", "table", "heading", "toc", "reference")
TAGGED_KINDS = ("paragraph", "table")


@dataclass(frozen=True)
class Passage:
    """A paragraph or sentence group: the unit that is tagged and classified.

    ``start``/``end`` are offsets into the text of page ``page_no``.
    """

    passage_id: str
    doc_id: str
    page_no: int                 # 1-based
    start: int
    end: int
    text: str
    heading_path: str            # e.g. "4. Adaptation > 4.2 Agriculture"; "" before any heading
    kind: str                    # one of PASSAGE_KINDS

    def __post_init__(self):
        _check(self.page_no >= 1, f"page_no is 1-based, got {self.page_no}")
        _check(0 <= self.start < self.end, f"passage offsets must satisfy 0 <= start < end, got {self.start}, {self.end}")
        _check(len(self.text) == self.end - self.start,
               f"passage text length {len(self.text)} does not match offsets {self.start}..{self.end}")

    @staticmethod
    def make_id(doc_id: str, page_no: int, start: int, end: int) -> str:
        return sha256_text(doc_id, str(page_no), str(start), str(end))[:24]

    @property
    def text_hash(self) -> str:
        """Key of review decisions: survives re-extraction that keeps the text."""
        return sha256_text(" ".join(self.text.split()))[:24]


def loose_text(text: str) -> str:
    """A passage's text as a re-read that changed only its spacing, case, hyphens or punctuation leaves it: its letters
    and digits, case-folded ("ecosystem s" and "ecosystems", "co benefits" and "co-benefits" are one). What a review
    decision is carried over by when its passage is read again (``Store`` keeps decisions across re-extraction)."""
    return "".join(character for character in text.casefold() if character.isalnum())


@dataclass(frozen=True)
class Match:
    """A taxonomy term found in a passage. Offsets index ``Passage.text``."""

    passage_id: str
    concept: str
    term: str                    # the taxonomy term that matched
    matched_text: str            # the words in the passage
    start: int
    end: int
    preferred: bool              # the term is a preferred label (stronger evidence)

    def __post_init__(self):
        _check(0 <= self.start < self.end, f"match offsets must satisfy 0 <= start < end, got {self.start}, {self.end}")


@dataclass(frozen=True)
class Prediction:
    """A concept label for one passage, with its evidence and confidence."""

    passage_id: str
    concept: str
    level: int                   # 1..3 (a passage with no concept has no prediction)
    confidence: float            # in [0, 1]
    conditional: str             # "conditional", "unconditional" or ""
    component: str               # "adaptation", "mitigation", "both" or ""
    terms: tuple                 # matched taxonomy terms, sorted
    method: str = "rules"
    rule_level: int = 0          # the rules' level (0: no taxonomy term of the concept matched)
    probability: Optional[float] = None   # the learned model's calibrated probability; None with rules only
    counted: bool = True         # the final label counts: False when the model overruled the rules (stored for review)
    review: str = ""             # why a person should look: REVIEW_REASONS codes joined by ";", or ""
    targets: tuple = ()          # tuple[Target, ...] tied to this concept in the passage (they make level 3)

    def __post_init__(self):
        _check(self.level in (1, 2, 3), f"level must be 1, 2 or 3, got {self.level}")
        _check(0.0 <= self.confidence <= 1.0, f"confidence must be in [0, 1], got {self.confidence}")
        _check(self.rule_level in (0, 1, 2, 3), f"rule_level must be 0..3, got {self.rule_level}")
        _check(self.probability is None or 0.0 <= self.probability <= 1.0,
               f"probability must be in [0, 1], got {self.probability}")
        _check(all(code in REVIEW_REASONS for code in self.review.split(";") if code),
               f"unknown review reason in {self.review!r}; known: {sorted(REVIEW_REASONS)}")
        _check(self.conditional in ("conditional", "unconditional", ""), f"bad conditional flag {self.conditional!r}")
        _check(self.component in ("adaptation", "mitigation", "both", ""), f"bad component flag {self.component!r}")

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


@dataclass(frozen=True)
class Labelling:
    """A document's labels under one taxonomy and classifier: what tagging and classifying its passages found."""

    doc_id: str
    taxonomy_hash: str
    method: str                  # the classifier's ``method`` ("rules", "hybrid:<model>:<hash>:band…")
    matches: tuple               # tuple[Match, ...]
    predictions: tuple           # tuple[Prediction, ...], each with its targets
    version: str = ""            # the labelling code's version (``classify.label.labels_version``)

    def __post_init__(self):
        _check(bool(_HEX64.match(self.doc_id)), f"doc_id must be a SHA-256 hex digest, got {self.doc_id!r}")


@dataclass(frozen=True)
class KeptLabelling:
    """A document labelled again under a new taxonomy found exactly the matches of its ``earlier`` taxonomy's
    labelling: its labels are those (copied, nothing classified)."""

    doc_id: str
    earlier: str                 # that taxonomy's hash


@dataclass(frozen=True)
class ScannedDocument:
    """One file read, segmented and labelled by a worker: everything the store keeps of it, written at once."""

    document: Document
    pages: tuple                 # tuple[Page, ...], page 1 first
    passages: tuple              # tuple[Passage, ...], in reading order
    pdf_info: dict               # the PDF's own metadata (Title, Author, ...)
    extractor: str               # what read it: engine and extractor version ("pdfium-2")
    ocr_tried: bool              # OCR was available for pages without a usable text layer
    labelling: Labelling

    def __post_init__(self):
        _check(self.labelling.doc_id == self.document.doc_id,
               f"labels of {self.labelling.doc_id} cannot belong to document {self.document.doc_id}")
        _check([p.page_no for p in self.pages] == list(range(1, len(self.pages) + 1)),
               "pages must be numbered 1, 2, ... in order")


#: Why a prediction is flagged for review (``Prediction.review`` codes → the words reports show).
REVIEW_REASONS = {
    "disagree": "rules and model disagree",
    "uncertain": "model probability in the uncertain band",
    "target": "quantified target: check the figure",
}


def review_words(codes: str) -> str:
    """Review codes ("disagree;target") as the words reports show."""
    return "; ".join(REVIEW_REASONS[code] for code in codes.split(";") if code)


@dataclass(frozen=True)
class LabelledPassage:
    """A passage read by a person against the concept definitions (corpora/labels/passages.jsonl)."""

    passage_id: str
    text_hash: str
    file: str                    # file name in the corpus
    iso3: str
    language: str
    page: int                    # 1-based
    heading_path: str
    text: str
    concepts: dict               # {concept_id: level 1..3}; {} when the passage has none
    split: str                   # "train", "dev" or "test" (by country)
    labeller: str = ""
    guideline: str = ""

    def __post_init__(self):
        _check(self.page >= 1, f"page is 1-based, got {self.page}")
        _check(self.split in ("train", "dev", "test"), f"split must be train, dev or test, got {self.split!r}")
        _check(bool(self.text.strip()), "passage text is empty")
        _check(all(level in (1, 2, 3) for level in self.concepts.values()),
               f"concept levels must be 1, 2 or 3, got {self.concepts}")


#: What a reviewer can decide about a label (``Decision.decision``).
DECISIONS = {
    "accept": "the label is right (concept and level)",
    "reject": "the passage does not have this concept",
    "correct": "the passage has other concept(s) or another level",
    "ignore": "not judged (unclear, unreadable): answered, but changes nothing",
}
_HEX24 = re.compile(r"^[0-9a-f]{24}$")
REVIEWER_RULE = "1 to 80 printable characters"


def usable_reviewer(name: str) -> bool:
    """Whether ``name`` can be stored as a reviewer: 1 to 80 printable characters, not only spaces."""
    return len(name) <= 80 and bool(name.strip()) and name.isprintable()

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")
_DECISION_TYPES: dict[str, type | tuple[type, ...]] = {
    "text_hash": str, "concept": str, "decision": str, "reviewer": str, "decided_at": str, "level": (int, type(None)),
    "concepts": tuple, "passage_id": str, "document": str, "page": (int, type(None)), "note": str}
_TYPE_WORDS = {str: "a text", (int, type(None)): "a whole number or null", tuple: "a list of concept ids"}


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision about one label: a concept of a passage.

    Keyed by ``(text_hash, concept)``: the hash of the passage's whitespace-normalised
    text (``Passage.text_hash``), so a decision survives re-extraction, re-segmentation,
    a changed taxonomy and retraining. ``level`` is the level the reviewer settled on
    (for ``accept``, the level shown; for ``correct``, the corrected one; None for
    ``reject`` and ``ignore``). ``concepts`` (``correct`` only) are the concepts the
    passage has in place of ``concept``: ``(concept,)`` for a level correction,
    ``("land_restoration",)`` to move the label, ``(concept, "wetlands")`` to add one.
    ``passage_id``, ``document`` and ``page`` (1-based) say where it was decided.
    """

    text_hash: str
    concept: str
    decision: str                # one of DECISIONS
    reviewer: str
    decided_at: str              # ISO 8601 UTC, e.g. "2026-11-30T09:15:02Z"
    level: Optional[int] = None
    concepts: tuple = ()
    passage_id: str = ""
    document: str = ""
    page: Optional[int] = None
    note: str = ""

    def __post_init__(self):
        for name, kinds in _DECISION_TYPES.items():       # types first: a backup file can hold anything
            value = getattr(self, name)
            _check(isinstance(value, kinds) and not isinstance(value, bool),
                   f"{name} must be {_TYPE_WORDS[kinds]}, got {quoted(value)}")
        _check(all(isinstance(c, str) for c in self.concepts), f"concepts must be texts, got {quoted(self.concepts)}")
        _check(bool(_HEX24.match(self.text_hash)), f"text_hash must be 24 hex digits, got {quoted(self.text_hash)}")
        _check(self.concept in CONCEPT_IDS, f"unknown concept {quoted(self.concept)}; known: {', '.join(CONCEPT_IDS)}")
        _check(self.decision in DECISIONS, f"decision must be one of {', '.join(DECISIONS)}, got {quoted(self.decision)}")
        _check(usable_reviewer(self.reviewer), f"reviewer must be a name of {REVIEWER_RULE}, got {quoted(self.reviewer)}")
        _check(bool(_TIMESTAMP.match(self.decided_at)), f"decided_at must be ISO 8601 UTC, got {quoted(self.decided_at)}")
        _check(self.level is None or self.level in (1, 2, 3), f"level must be 1, 2 or 3, got {self.level!r}")
        if self.decision in ("accept", "correct"):
            _check(self.level is not None, f"a decision to {self.decision} needs a level (1, 2 or 3)")
        else:
            _check(self.level is None, f"a decision to {self.decision} has no level, got {self.level!r}")
        unknown = [c for c in self.concepts if c not in CONCEPT_IDS]
        _check(not unknown, f"unknown corrected concept(s) {', '.join(map(quoted, unknown))}; known: {', '.join(CONCEPT_IDS)}")
        _check(len(set(self.concepts)) == len(self.concepts), f"corrected concepts repeat: {quoted(self.concepts)}")
        if self.decision == "correct":
            _check(bool(self.concepts), "a correction needs the concept(s) the passage has (the same one for a level correction)")
        else:
            _check(not self.concepts, f"only a correction has corrected concepts, got {self.concepts} with {self.decision!r}")
        _check(self.page is None or self.page >= 1, f"page is 1-based, got {self.page}")

    @property
    def key(self) -> tuple[str, str]:
        return (self.text_hash, self.concept)

    @property
    def outcome(self) -> dict[str, int]:
        """{concept: level} this decision asserts for the passage; a concept mapped to 0 is absent."""
        level = self.level or 0                  # accept and correct always carry a level (checked above)
        if self.decision == "accept":
            return {self.concept: level}
        if self.decision == "reject":
            return {self.concept: 0}
        if self.decision == "correct":
            return {self.concept: 0, **dict.fromkeys(self.concepts, level)}
        return {}


@dataclass(frozen=True)
class Failure:
    """A file that could not be (fully) processed, with what to do about it."""

    path: str
    problem: str
    remedy: str
    error: str                   # the NdcScanError class name


#: What a target's quantity measures (``Target.measure``) and the normalised units.
TARGET_MEASURES = ("area", "emissions", "carbon", "share", "share_of_area", "length")
TARGET_UNITS = ("ha", "ha/yr", "tCO2e", "tCO2e/yr", "tCO2e/ha", "tCO2e/ha/yr", "%", "%/yr", "km")
#: How a target is tied to the concepts it counts for (``Target.tie``); "passage" only in labellings stored before
#: that tie was dropped (they are made again on the next scan).
TARGET_TIES = ("", "clause", "row", "sentence", "passage")
#: Where a target's year was read (``Target.year_from``); "" and "sentence": its own sentence.
YEAR_FROM = ("", "sentence", "lead line", "heading", "table header", "commitment period")


@dataclass(frozen=True)
class Target:
    """A quantified target found in a text (see ``targets.extract``).

    ``start``/``end`` are offsets of the quantity in the text that was read (0-based, end-exclusive);
    ``quantity`` is those characters as written. ``norm_value`` is in ``norm_unit``: hectares,
    tonnes of CO2 equivalent (carbon × 44/12), per hectare and/or per year, percent or kilometres.
    """

    start: int
    end: int
    quantity: str                # as written, e.g. "2 millions d'hectares"
    value: float                 # the number as written, scale word applied (2 millions → 2000000)
    value_max: Optional[float]   # upper end of a range, else None
    unit: str                    # the unit as written, e.g. "d'hectares", "MtCO2e"
    measure: str                 # one of TARGET_MEASURES
    norm_value: float
    norm_value_max: Optional[float]
    norm_unit: str               # one of TARGET_UNITS
    year: Optional[int]          # target year ("by 2030"), None when not stated
    base_year: Optional[int]     # reference year ("compared to 2010"), None when not stated
    baseline: str                # "BAU", "base year" or ""
    conditional: str             # "conditional", "unconditional" or ""
    share_of: str                # for a percentage: what it is a share of ("of degraded land"), else ""
    sentence: str                # the sentence that states it, whitespace collapsed
    tie: str = ""                # how it is tied to its concept(s): "clause", "row" (a table row), "sentence"
    year_from: str = ""          # where the year was read when not in the sentence: "lead line", "heading", "table header",
    #                              "commitment period" (the document's horizon)

    def __post_init__(self):
        _check(0 <= self.start < self.end, f"target offsets must satisfy 0 <= start < end, got {self.start}, {self.end}")
        _check(len(self.quantity) == self.end - self.start,
               f"target quantity {self.quantity!r} does not match offsets {self.start}..{self.end}")
        _check(self.value >= 0, f"target value must be >= 0, got {self.value}")
        _check(self.value_max is None or self.value_max >= self.value,
               f"range upper end {self.value_max} is below its lower end {self.value}")
        _check(self.measure in TARGET_MEASURES, f"measure must be one of {TARGET_MEASURES}, got {self.measure!r}")
        _check(self.norm_unit in TARGET_UNITS, f"norm_unit must be one of {TARGET_UNITS}, got {self.norm_unit!r}")
        for name in ("year", "base_year"):
            value = getattr(self, name)
            _check(value is None or 1950 <= value <= 2100, f"{name} out of range: {value!r}")
        _check(self.base_year is None or self.year is None or self.base_year < self.year,
               f"base year {self.base_year} is not before the target year {self.year}")
        _check(self.baseline in ("BAU", "base year", ""), f"bad baseline {self.baseline!r}")
        _check(self.conditional in ("conditional", "unconditional", ""), f"bad conditional flag {self.conditional!r}")
        _check(self.tie in TARGET_TIES, f"tie must be one of {TARGET_TIES}, got {self.tie!r}")
        _check(self.year_from in YEAR_FROM, f"bad year_from {self.year_from!r}")

    @property
    def is_range(self) -> bool:
        return self.value_max is not None


#: A catalog row's kind besides DOCUMENT_KINDS: an addendum (cover letter, party note, progress report).
ADDENDUM = "addendum"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CatalogRow:
    """One document listed in a registry catalog (``fetch/catalog.py``), in the project's words.

    ``code`` is the Party the catalog lists it under; ``iso3`` whose document it is (``EUU`` for the
    European Union's NDC, which the registry lists under every member state). ``line`` is the row's
    line in the catalog file (the header is line 1).
    """

    catalog: str                 # the catalog's file name
    line: int
    code: str
    iso3: str
    party: str
    title: str
    file_type: str               # as the catalog says: NDC, Translation, Addendum, INDC, First NDC ...
    kind: str                    # one of DOCUMENT_KINDS, ADDENDUM, or "" (unknown)
    language: str                # ISO 639-1 code, "" when not given
    version: str
    status: str                  # "Active", "Archived", or "" (catalogs without a status)
    submitted: str               # YYYY-MM-DD, "" when not given
    url: str
    original_filename: str

    def __post_init__(self):
        _check(self.line >= 2, f"catalog line must be >= 2 (after the header), got {self.line}")
        _check(bool(_ISO3.match(self.iso3)), f"iso3 must be three upper-case letters, got {self.iso3!r}")
        _check(self.kind in DOCUMENT_KINDS or self.kind in (ADDENDUM, ""), f"bad catalog kind {self.kind!r}")
        _check(self.submitted == "" or bool(_DATE.match(self.submitted)),
               f"submitted must be YYYY-MM-DD or empty, got {self.submitted!r}")

    @property
    def translation(self) -> bool:
        return "translation" in f"{self.file_type} {self.original_filename}".lower()

    @property
    def active(self) -> bool:
        return self.status.lower() in ("", "active")

    @property
    def year(self) -> Optional[int]:
        return int(self.submitted[:4]) if self.submitted else None


@dataclass(frozen=True)
class FetchedFile:
    """A catalog document downloaded by ``ndc-scan fetch``: one row of ``fetched.csv``."""

    file: str                    # file name in the output folder
    n_bytes: int
    sha256: str
    downloaded_from: str         # the address actually read (after --base-url and redirects)
    http_date: str               # the server's Last-Modified, else its Date header; "" when neither was sent
    content_type: str
    fetched_at: str              # ISO 8601 UTC
    row: CatalogRow

    def __post_init__(self):
        _check(bool(_HEX64.match(self.sha256)), f"sha256 must be 64 hex digits, got {self.sha256!r}")
        _check(self.n_bytes > 0, f"a fetched file has bytes, got {self.n_bytes}")
