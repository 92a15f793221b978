"""Review outside the terminal: a spreadsheet (xlsx or CSV) out and back in; all decisions as JSONL.

``export_sheet`` writes one row per label to review, with a decision column (a drop-down
in Excel), the passage, its context and page; ``import_sheet`` checks every row first
(unknown passages, invalid decisions, edited passage text, …) and raises one
``ReviewSheetError`` listing every problem by row and column, storing nothing until the
file is clean. ``export_decisions`` / ``import_decisions`` back up and restore every
decision (JSONL, one per line); restoring is idempotent.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import ReviewSheetError, UsageError
from ..records import DECISIONS, LEVEL_NAMES, REVIEWER_RULE, Decision, review_words, usable_reviewer
from ..report.files import neutralise
from ..store import Row, Store
from ..taxonomy import CONCEPT_IDS
from .queue import NO_FILTERS, Filters, load_queue, neighbours, now

#: Columns a reviewer fills in; the rest describe the label and must stay as exported.
EDITABLE = ("decision", "corrected_level", "corrected_concepts", "note", "reviewer")
COLUMNS = EDITABLE + ("country", "iso3", "document", "page", "locator", "heading_path", "concept", "level",
                      "level_name", "counted", "flagged", "probability", "matched_terms", "passage", "context_before",
                      "context_after", "passage_id", "text_hash")
CHOICES = ("accept", "reject", "correct", "ignore", "skip")     # skip (or empty): no decision
CONTEXT_CHARS = 600
SHEET = "review"
FORMATS = ("xlsx", "csv", "jsonl")


@dataclass
class ImportResult:
    stored: int = 0              # decisions written
    unchanged: int = 0           # rows (or lines) already in the store as they are
    blank: int = 0               # rows without a decision (empty or skip)
    by_decision: dict = field(default_factory=dict)


def sheet_format(path, given: Optional[str] = None) -> str:
    kind = given or Path(path).suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise UsageError(f"{path}: cannot tell the format from the name",
                         remedy="name the file .xlsx, .csv or .jsonl, or pass --format xlsx|csv|jsonl")
    return kind


# ---------------------------------------------------------------------------------------------- export


def sheet_rows(db: Store, filters: Filters = NO_FILTERS, reviewer: Optional[str] = None) -> list[dict]:
    """One dict per label to review (COLUMNS), in queue order."""
    rows = []
    for item in load_queue(db, reviewer, filters):
        before, after = neighbours(db, item)
        context = lambda found: "" if found is None else " ".join(found[2].split())[:CONTEXT_CHARS]
        rows.append({
            "decision": "", "corrected_level": "", "corrected_concepts": "", "note": "", "reviewer": "",
            "country": item.country, "iso3": item.iso3, "document": item.document, "page": item.page,
            "locator": item.locator,
            "heading_path": item.heading_path, "concept": item.concept, "level": item.level,
            "level_name": LEVEL_NAMES[item.level], "counted": "yes" if item.counted else "no",
            "flagged": review_words(item.review),
            "probability": "" if item.probability is None else item.probability, "matched_terms": "; ".join(item.terms),
            "passage": item.text, "context_before": context(before), "context_after": context(after),
            "passage_id": item.passage_id, "text_hash": item.text_hash,
        })
    return rows


def refuse_overwrite(path: str | Path, force: bool) -> None:
    """Raise ``UsageError`` when ``path`` exists and ``force`` is false: a filled-in sheet is a reviewer's work."""
    if Path(path).exists() and not force:
        raise UsageError(f"{path}: exists already (it may hold a reviewer's decisions); nothing was written",
                         remedy="pass --force to overwrite it, or give another file name")


def export_sheet(db: Store, path: str | Path, *, fmt: Optional[str] = None, filters: Filters = NO_FILTERS,
                 reviewer: Optional[str] = None, force: bool = False) -> int:
    """Write the labels to review to ``path`` (xlsx or csv); return the number of rows.

    An existing file is never overwritten unless ``force`` (``UsageError``); with no label to
    review nothing is written and 0 is returned.
    """
    fmt = sheet_format(path, fmt)
    refuse_overwrite(path, force)
    rows = sheet_rows(db, filters, reviewer)
    if not rows:
        return 0
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:      # BOM: Excel reads it as UTF-8
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    elif fmt == "xlsx":
        _write_xlsx(rows, path)
    else:
        raise UsageError(f"{path}: a review sheet is xlsx or csv", remedy="use .jsonl only to back up all decisions")
    return len(rows)


def _write_xlsx(rows: list, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([neutralise(row[c]) for c in COLUMNS])
    last = max(2, len(rows) + 1)
    letter = {c: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
    for name, choices, prompt in (
            ("decision", CHOICES, "accept, reject, correct (fill corrected_level and/or corrected_concepts), "
                                  "ignore (cannot be judged) or skip / empty (decide later)"),
            ("corrected_level", ("1", "2", "3"), "for correct: 1 mention, 2 commitment, 3 quantified target")):
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, showInputMessage=True, errorTitle="Not in the list",
                                    error=f"Choose one of: {', '.join(choices)}", promptTitle=name, prompt=prompt)
        sheet.add_data_validation(validation)
        validation.add(f"{letter[name]}2:{letter[name]}{last}")
    header_fill = PatternFill("solid", fgColor="FFF1C2")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in EDITABLE:
            cell.fill = header_fill
    widths = {"decision": 11, "corrected_level": 9, "corrected_concepts": 22, "note": 24, "reviewer": 12,
              "heading_path": 30, "passage": 80, "context_before": 40, "context_after": 40, "flagged": 28}
    for name in COLUMNS:
        sheet.column_dimensions[letter[name]].width = widths.get(name, 14)
    for name in ("passage", "context_before", "context_after"):
        for cell in sheet[letter[name]][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for name in ("passage_id", "text_hash"):
        sheet.column_dimensions[letter[name]].hidden = True        # the keys: not to be edited
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{letter[COLUMNS[-1]]}{last}"
    about = book.create_sheet("read me")
    for line in _READ_ME:
        about.append([line])
    about.column_dimensions["A"].width = 120
    book.save(path)


_READ_ME = [
    "How to review this sheet (ndc_scan)",
    "Each row is one label: a concept the scan found in a passage, at a level (1 mention, 2 commitment, "
    "3 quantified target). Definitions: shared/spec/concepts.md.",
    "Fill the yellow columns only: decision (drop-down), and for 'correct' corrected_level and/or "
    "corrected_concepts (concept ids separated by ';'), note (optional), reviewer (your name, if not given "
    "when importing).",
    "accept: the concept and level are right. reject: the passage does not have this concept. correct: it has "
    "another level or other concept(s). ignore: cannot be judged. skip or empty: not decided.",
    "Do not edit the passage text or the hidden id columns: the import checks them and refuses the file.",
    "Concept ids: " + ", ".join(CONCEPT_IDS),
    "Send the file back; it is imported with: ndc-scan review import FILE.xlsx --reviewer 'Your Name'",
]


# ---------------------------------------------------------------------------------------------- import


def _unneutralise(value: str) -> str:
    """Undo the leading apostrophe that export puts before text a spreadsheet would run as a formula."""
    return value[1:] if value.startswith("'") and neutralise(value[1:]) == value else value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _unneutralise(str(value))


def read_sheet(path: str | Path, fmt: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """([(row number, {column: text})] for every non-empty data row, header); row numbers as a spreadsheet shows them."""
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            return [(number, dict(zip(header, map(_cell, values)))) for number, values in enumerate(reader, 2)
                    if any(v.strip() for v in values)], header
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    header = [_cell(v) for v in values[0]] if values else []
    return [(number, dict(zip(header, map(_cell, row)))) for number, row in enumerate(values[1:], 2)
            if any(v is not None and str(v).strip() for v in row)], header


def import_sheet(db, path, *, fmt: Optional[str] = None, reviewer: Optional[str] = None) -> ImportResult:
    """Check every row of a filled-in review sheet, then store its decisions (all or nothing)."""
    fmt = sheet_format(path, fmt)
    if fmt == "jsonl":
        return import_decisions(db, path)
    try:
        rows, header = read_sheet(path, fmt)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: cannot be read as {fmt} ({exc})",
                         remedy="export it again with ndc-scan review export, fill it in and save it as .xlsx or .csv") from exc
    letters = {name: _letter(i) for i, name in enumerate(header)}
    missing = [c for c in ("decision", "corrected_level", "corrected_concepts", "concept", "level", "passage",
                           "passage_id", "text_hash") if c not in header]
    if missing:
        raise ReviewSheetError(str(path), [f"row 1: missing column(s) {', '.join(missing)} "
                                           "(export a fresh sheet with ndc-scan review export)"])
    passages = db.passage_rows(row.get("passage_id", "").strip() for _, row in rows)
    labels = {(r["passage_id"], r["concept"]): r["level"] for r in db.labels_that_count()}
    problems: list[str] = []
    decisions: list[Decision] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        where = lambda column, number=number: f"row {number}, column {column} ({letters.get(column, '?')})"
        choice = row.get("decision", "").strip().lower()
        if choice not in CHOICES + ("",):
            problems.append(f"{where('decision')}: {row.get('decision')!r} is not one of {', '.join(CHOICES)}")
            continue
        passage = passages.get(row["passage_id"].strip())
        if passage is None:
            problems.append(f"{where('passage_id')}: unknown passage {row['passage_id']!r} (not in {db.path}; "
                            "export the sheet from this store)")
            continue
        if row["text_hash"].strip() != passage["text_hash"]:
            problems.append(f"{where('text_hash')}: {row['text_hash']!r} is not the hash of passage {row['passage_id']} "
                            "(edited?)")
            continue
        if " ".join(row["passage"].split()) != " ".join(neutralise(passage["text"]).split()) and \
                " ".join(row["passage"].split()) != " ".join(passage["text"].split()):
            problems.append(f"{where('passage')}: the passage text was edited; put back the exported text "
                            "(decisions are keyed by it)")
            continue
        concept = row["concept"].strip()
        if (row["passage_id"], concept) not in labels:
            problems.append(f"{where('concept')}: passage {row['passage_id']} has no label {concept!r} in the store "
                            "(edited? to add a concept, use decision 'correct' and corrected_concepts)")
            continue
        if choice in ("", "skip"):
            if row.get("corrected_level", "").strip() or row.get("corrected_concepts", "").strip():
                problems.append(f"{where('decision')}: empty, but a correction is filled in: choose 'correct'")
            continue
        made = _row_decision(row, choice, concept, labels[(row["passage_id"], concept)], passage,
                             reviewer, where, problems)
        if made is None:
            continue
        if made.key in seen:
            problems.append(f"{where('concept')}: the same label is decided on row {seen[made.key]} too")
            continue
        seen[made.key] = number
        decisions.append(made)
    if problems:
        raise ReviewSheetError(str(path), problems)
    blank = len(rows) - len(decisions)
    return _store_new(db, decisions, source=f"sheet:{Path(path).name}", blank=blank)


def _row_decision(row: dict, choice: str, concept: str, level: int, passage: Row, reviewer: Optional[str],
                  where, problems: list[str]) -> Optional[Decision]:
    before = len(problems)
    corrected_level = row.get("corrected_level", "").strip()
    if corrected_level and corrected_level not in ("1", "2", "3"):
        problems.append(f"{where('corrected_level')}: {corrected_level!r} is not a level (1, 2 or 3)")
    tokens = [t for t in row.get("corrected_concepts", "").replace(",", ";").replace(" ", ";").split(";") if t]
    unknown = [t for t in tokens if t not in CONCEPT_IDS]
    if unknown:
        problems.append(f"{where('corrected_concepts')}: unknown concept(s) {', '.join(map(repr, unknown))} "
                        f"(known: {', '.join(CONCEPT_IDS)})")
    if choice == "correct" and not corrected_level and not tokens:
        problems.append(f"{where('decision')}: 'correct' needs corrected_level and/or corrected_concepts")
    if choice != "correct" and (corrected_level or tokens):
        problems.append(f"{where('decision')}: {choice!r} with a correction filled in: choose 'correct', "
                        "or clear corrected_level and corrected_concepts")
    name = (row.get("reviewer") or "").strip() or reviewer or ""
    if not name:
        problems.append(f"{where('reviewer')}: empty, and no --reviewer given: say who decided")
    elif not usable_reviewer(name):
        problems.append(f"{where('reviewer')}: {name!r} is not a usable name ({REVIEWER_RULE})")
    if len(problems) > before:
        return None
    concepts = tuple(c for c in CONCEPT_IDS if c in tokens) if choice == "correct" else ()
    return Decision(
        text_hash=passage["text_hash"], concept=concept, decision=choice, reviewer=name, decided_at=now(),
        level=(int(corrected_level) if corrected_level else level) if choice in ("accept", "correct") else None,
        concepts=(concepts or (concept,)) if choice == "correct" else (), passage_id=row["passage_id"],
        document=passage["file_name"], page=passage["page_no"], note=row.get("note", "").strip())


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _store_new(db, decisions: list, *, source: str, blank: int = 0, exact: bool = False) -> ImportResult:
    """Store decisions that are not in the store already; ``exact`` compares time too (a restore)."""
    def same(a: Decision, b: Decision) -> bool:
        fields = ("decision", "level", "concepts", "note") + (("decided_at", "passage_id", "document", "page") if exact else ())
        return all(getattr(a, f) == getattr(b, f) for f in fields)

    existing: dict = {}
    for decision in db.decisions():
        existing.setdefault((decision.key, decision.reviewer), []).append(decision)
    result = ImportResult(blank=blank, by_decision=dict.fromkeys(DECISIONS, 0))
    for decision in decisions:
        history = existing.get((decision.key, decision.reviewer), [])
        if (exact and any(same(decision, old) for old in history)) or (not exact and history and same(decision, history[-1])):
            result.unchanged += 1
            continue
        db.save_decision(decision, source=source)
        existing.setdefault((decision.key, decision.reviewer), []).append(decision)
        result.stored += 1
        result.by_decision[decision.decision] += 1
    return result


# ---------------------------------------------------------------------------------------------- backup


def export_decisions(db, path, *, force: bool = False) -> int:
    """Every stored decision, oldest first, one JSON object per line; return how many (never overwrites unless ``force``)."""
    refuse_overwrite(path, force)
    decisions = db.decisions()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for decision in decisions:
            handle.write(json.dumps({**asdict(decision), "concepts": list(decision.concepts)}, ensure_ascii=False) + "\n")
    return len(decisions)


def import_decisions(db, path) -> ImportResult:
    """Restore decisions from a JSONL backup: every line checked first; decisions already stored are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})",
                         remedy="pass a JSONL file written by ndc-scan review export") from exc
    fields = set(Decision.__dataclass_fields__)
    problems, decisions = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            unknown = set(row) - fields
            if unknown:
                raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
            decisions.append(Decision(**{**row, "concepts": tuple(row.get("concepts") or ())}))
        except (ValueError, TypeError) as exc:
            problems.append(f"line {number}: {exc}")
    if problems:
        raise ReviewSheetError(str(path), problems)
    return _store_new(db, decisions, source=f"restore:{Path(path).name}", exact=True)
