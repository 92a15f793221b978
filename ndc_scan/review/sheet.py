"""Review outside the terminal: a spreadsheet (xlsx or CSV) out and back in; all decisions as JSONL.

``export_sheet`` writes one row per label to review, with a decision column (a drop-down
in Excel), the passage, its context and page; ``import_sheet`` checks every row first
(unknown passages, invalid decisions, edited passage text, …) and raises one
``ReviewSheetError`` listing every problem by row and column, storing nothing until the
file is clean. ``export_decisions`` / ``import_decisions`` back up and restore every
decision (JSONL, one per line); restoring is idempotent.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import ReviewSheetError, UsageError, quoted
from ..records import DECISIONS, LEVEL_NAMES, REVIEWER_RULE, Decision, loose_text, review_words, usable_reviewer
from ..report.files import neutralise
from ..report.output import output_error, written
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
    notes_left: int = 0          # of those, rows with a note (not stored: a note belongs to a decision)
    by_decision: dict = field(default_factory=dict)
    #: (earlier reviewer, this import's reviewer) → how many of the decisions stored repeat, row for row, the earlier
    #: reviewer's decisions imported from a file of the same name: the same sheet imported again under another
    #: spelling of the reviewer's name, most likely (``ndc-scan review rename`` merges the names).
    echoes: dict = field(default_factory=dict)


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
    if fmt not in ("csv", "xlsx"):
        raise UsageError(f"{path}: a review sheet is xlsx or csv", remedy="use .jsonl only to back up all decisions")
    rows = sheet_rows(db, filters, reviewer)
    if not rows:
        return 0
    with _written(path) as temporary:
        if fmt == "csv":
            with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:      # BOM: Excel reads it as UTF-8
                writer = csv.DictWriter(handle, fieldnames=COLUMNS)
                writer.writeheader()
                writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
        else:
            _write_xlsx(rows, temporary)
    return len(rows)


@contextlib.contextmanager
def _written(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path`` through (``report.output.written``), its folder made first."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder, exc, option="") from exc
    with written(Path(path), option="") as temporary:
        yield temporary


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


class Formula(str):
    """A spreadsheet cell that holds a formula (its text, e.g. ``=IF(1,"accept","")``), not a value."""


def _cell(value, formula: bool = False) -> str:
    if value is None:
        return ""
    if formula:
        return Formula(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _unneutralise(str(value))


def read_sheet(path: str | Path, fmt: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """([(row number, {column: text})] for every non-empty data row, header); row numbers as a spreadsheet shows them.

    A cell holding a formula reads as a ``Formula`` (its text), never as the value a spreadsheet
    last computed (which a file written by a script does not even hold).
    """
    if fmt == "csv":
        text = Path(path).read_text(encoding="utf-8-sig")
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)       # Excel writes ";" where "," is the decimal sign
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = next(reader, [])
            return [(number, _row(header, list(map(_cell, values)))) for number, values in enumerate(reader, 2)
                    if any(v.strip() for v in values)], header
        except csv.Error as exc:        # an unclosed quote, or a cell longer than the csv module takes (128 KB)
            raise ReviewSheetError(str(path), [f"line {reader.line_num}: not a readable CSV row ({exc}); check its "
                                               "quotes, or save the sheet as .xlsx"]) from exc
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    book = load_workbook(path, read_only=True, data_only=False)
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    cells = [[_cell(c.value, getattr(c, "data_type", "") == "f") for c in row] for row in sheet.iter_rows()]
    book.close()
    header = cells[0] if cells else []
    return [(number, _row(header, row)) for number, row in enumerate(cells[1:], 2) if any(v.strip() for v in row)], header


def _row(header: list[str], values: list[str]) -> dict[str, str]:
    """{column: value}; a row shorter than the header (a CSV line with fewer fields) has empty cells at its end."""
    return dict(zip(header, values + [""] * (len(header) - len(values))))


def _what_went_wrong(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not an xlsx workbook: a PDF, an XML or a CSV file renamed .xlsx?"
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line[:200]}"


#: The most an xlsx review sheet may unpack to: a sheet of every label of a 200-NDC corpus is about 60 MB.
MAX_UNPACKED = 256 << 20


def _check_unpacked_size(path: str | Path) -> None:
    """Refuse a zip whose parts unpack to more than MAX_UNPACKED bytes, before any is parsed (a zip bomb)."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise ReviewSheetError(str(path), [f"unpacks to {unpacked / (1 << 20):,.0f} MB, more than a review sheet "
                                           f"holds (at most {MAX_UNPACKED >> 20} MB): export a sheet with "
                                           "ndc-scan review export and fill that in"])


def import_sheet(db, path, *, fmt: Optional[str] = None, reviewer: Optional[str] = None) -> ImportResult:
    """Check every row of a filled-in review sheet, then store its decisions (all or nothing)."""
    fmt = sheet_format(path, fmt)
    if fmt == "jsonl":
        return import_decisions(db, path)
    try:
        rows, header = read_sheet(path, fmt)
    except ReviewSheetError:
        raise
    except UnicodeDecodeError as exc:
        raise ReviewSheetError(str(path), [f"is not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8' "
                                           "(Excel: File > Save As > CSV UTF-8), or as .xlsx"]) from exc
    except Exception as exc:        # whatever a damaged or foreign file makes the xlsx or CSV reader raise
        raise ReviewSheetError(str(path), [f"cannot be read as {fmt} ({_what_went_wrong(exc)}): export it again "
                                           "with ndc-scan review export, fill it in and save it as .xlsx or .csv"]) \
            from exc
    letters = {name: _letter(i) for i, name in enumerate(header)}
    missing = [c for c in ("decision", "corrected_level", "corrected_concepts", "concept", "level", "passage",
                           "passage_id", "text_hash") if c not in header]
    if missing:
        raise ReviewSheetError(str(path), [f"row 1: missing column(s) {', '.join(missing)} "
                                           "(export a fresh sheet with ndc-scan review export)"])
    passages = db.passage_rows(row.get("passage_id", "").strip() for _, row in rows)
    # A sheet exported before a re-scan (another engine or version reads the same text into new passage ids) is
    # matched by its text hash, the key decisions are stored by.
    stale = [row.get("text_hash", "").strip() for _, row in rows
             if (exported := passages.get(row.get("passage_id", "").strip())) is None
             or exported["text_hash"] != row.get("text_hash", "").strip()]
    by_hash = db.passage_rows_with_text_hashes(stale) if stale else {}
    # ... or, where the re-read changed the text's spacing, hyphens or punctuation, by its words (records.loose_text)
    lost = {row.get("document", "").strip() for _, row in rows if row.get("text_hash", "").strip() in stale
            and row.get("text_hash", "").strip() not in by_hash}
    by_words: dict[tuple[str, str], list[Row]] = {}
    for candidate in db.passage_rows_of_files(lost) if lost else []:
        by_words.setdefault((candidate["file_name"], loose_text(candidate["text"])), []).append(candidate)
    labels = {(r["passage_id"], r["concept"]): r["level"] for r in db.labels_that_count()}
    problems: list[str] = []
    decisions: list[Decision] = []
    noted = 0                                # rows with a note but no decision
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        where = lambda column, number=number: f"row {number}, column {column} ({letters.get(column, '?')})"
        formulas = [column for column, value in row.items() if isinstance(value, Formula)]
        if formulas:
            problems += [f"{where(column)}: holds a formula ({quoted(str(row[column]), 40)}), not a value: type the "
                         "value itself (or copy the cells and paste them as values)" for column in formulas]
            continue
        choice = row.get("decision", "").strip().lower()
        if choice not in CHOICES + ("",):
            problems.append(f"{where('decision')}: {quoted(row.get('decision'))} is not one of {', '.join(CHOICES)}")
            continue
        passage = passages.get(row["passage_id"].strip())
        concept = row["concept"].strip()
        reworded = False
        if passage is None or row["text_hash"].strip() != passage["text_hash"]:
            document = row.get("document", "").strip()
            same_text = by_hash.get(row["text_hash"].strip(), [])
            if not same_text:
                same_text = by_words.get((document, loose_text(row.get("passage", ""))), [])
                reworded = bool(same_text)
                if len({p["text_hash"] for p in same_text}) > 1:
                    problems.append(f"{where('passage')}: its words are those of {len(same_text)} passages of "
                                    f"{quoted(document)} that differ in spacing or punctuation, and its own text is "
                                    "in none: export the sheet again from this store")
                    continue
            # its own document's passage first (a text an INDC and its NDC share is in both), then one with the label
            mine = [p for p in same_text if p["file_name"] == document] or same_text
            labelled = [p for p in mine if (p["passage_id"], concept) in labels]
            if same_text:
                passage = (labelled or mine)[0]
            elif passage is None:
                problems.append(f"{where('passage_id')}: unknown passage {quoted(row['passage_id'])} and no passage "
                                f"of {db.path} has its text (hash {quoted(row['text_hash'])}): export the sheet from "
                                "this store")
                continue
            else:
                problems.append(f"{where('text_hash')}: {quoted(row['text_hash'])} is not the hash of passage "
                                f"{quoted(row['passage_id'])} nor of any passage of this store (edited?)")
                continue
        if not reworded and " ".join(row["passage"].split()) != " ".join(neutralise(passage["text"]).split()) and \
                " ".join(row["passage"].split()) != " ".join(passage["text"].split()):
            problems.append(f"{where('passage')}: the passage text was edited; put back the exported text "
                            "(decisions are keyed by it)")
            continue
        if (passage["passage_id"], concept) not in labels:
            problems.append(f"{where('concept')}: passage {quoted(passage['passage_id'])} has no label {quoted(concept)} "
                            "in the store (edited? to add a concept, use decision 'correct' and corrected_concepts)")
            continue
        if choice in ("", "skip"):
            if row.get("corrected_level", "").strip() or row.get("corrected_concepts", "").strip():
                problems.append(f"{where('decision')}: empty, but a correction is filled in: choose 'correct'")
            noted += bool(row.get("note", "").strip())
            continue
        level, shown = labels[(passage["passage_id"], concept)], str(row.get("level", "")).strip()
        if choice == "accept" and shown != str(level):
            problems.append(f"{where('level')}: {quoted(shown)}, but the label is at level "
                            f"{level} in the store (the cell was edited, or the scan "
                            "changed since the export): to accept another level, put it in corrected_level and choose "
                            "'correct'; or export the sheet again")
            continue
        made = _row_decision(row, choice, concept, level, passage,
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
    result = _store_new(db, decisions, source=f"sheet:{Path(path).name}", blank=blank)
    result.notes_left = noted
    return result


def _row_decision(row: dict, choice: str, concept: str, level: int, passage: Row, reviewer: Optional[str],
                  where, problems: list[str]) -> Optional[Decision]:
    before = len(problems)
    corrected_level = row.get("corrected_level", "").strip()
    if corrected_level and corrected_level not in ("1", "2", "3"):
        problems.append(f"{where('corrected_level')}: {quoted(corrected_level)} is not a level (1, 2 or 3)")
    tokens = [t for t in row.get("corrected_concepts", "").replace(",", ";").replace(" ", ";").split(";") if t]
    unknown = [t for t in tokens if t not in CONCEPT_IDS]
    if unknown:
        problems.append(f"{where('corrected_concepts')}: unknown concept(s) {', '.join(map(quoted, unknown))} "
                        f"(known: {', '.join(CONCEPT_IDS)})")
    if choice == "correct" and not corrected_level and not tokens:
        problems.append(f"{where('decision')}: 'correct' needs corrected_level and/or corrected_concepts")
    if choice != "correct" and (corrected_level or tokens):
        problems.append(f"{where('decision')}: {quoted(choice)} with a correction filled in: choose 'correct', "
                        "or clear corrected_level and corrected_concepts")
    name = (row.get("reviewer") or "").strip() or reviewer or ""
    if not name:
        problems.append(f"{where('reviewer')}: empty, and no --reviewer given: say who decided")
    elif not usable_reviewer(name):
        problems.append(f"{where('reviewer')}: {quoted(name)} is not a usable name ({REVIEWER_RULE})")
    if len(problems) > before:
        return None
    concepts = tuple(c for c in CONCEPT_IDS if c in tokens) if choice == "correct" else ()
    return Decision(
        text_hash=passage["text_hash"], concept=concept, decision=choice, reviewer=name, decided_at=now(),
        level=(int(corrected_level) if corrected_level else level) if choice in ("accept", "correct") else None,
        concepts=(concepts or (concept,)) if choice == "correct" else (), passage_id=passage["passage_id"],
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
    earlier: dict[tuple, set[str]] = {}
    for r in [] if exact else db.decisions_of_source(source):
        earlier.setdefault(((r["text_hash"], r["concept"]), r["decision"], r["level"],
                            tuple(c for c in r["concepts"].split(";") if c), r["note"]), set()).add(r["reviewer"])
    new = []
    for decision in decisions:
        history = existing.get((decision.key, decision.reviewer), [])
        if (exact and any(same(decision, old) for old in history)) or (not exact and history and same(decision, history[-1])):
            result.unchanged += 1
            continue
        new.append(decision)
        existing.setdefault((decision.key, decision.reviewer), []).append(decision)
        for echoed in earlier.get((decision.key, decision.decision, decision.level, decision.concepts, decision.note), ()):
            if echoed != decision.reviewer:
                pair = (echoed, decision.reviewer)
                result.echoes[pair] = result.echoes.get(pair, 0) + 1
        result.stored += 1
        result.by_decision[decision.decision] += 1
    db.save_decisions(new, source=source)         # one transaction: a failure half-way stores none of them
    return result


# ---------------------------------------------------------------------------------------------- backup


def export_decisions(db, path, *, force: bool = False) -> int:
    """Every stored decision, oldest first, one JSON object per line; return how many (never overwrites unless ``force``)."""
    refuse_overwrite(path, force)
    decisions = db.decisions()
    with _written(path) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        for decision in decisions:
            handle.write(json.dumps({**asdict(decision), "concepts": list(decision.concepts)}, ensure_ascii=False) + "\n")
    return len(decisions)


def import_decisions(db, path) -> ImportResult:
    """Restore decisions from a JSONL backup: every line checked first; decisions already stored are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()    # (an editor may add a byte-order mark)
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewSheetError(str(path), [f"cannot be read ({exc}): pass a JSONL file written by "
                                           "ndc-scan review export"]) from exc
    fields = set(Decision.__dataclass_fields__)
    problems, decisions = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"not a JSON object: {quoted(line)}")
            unknown = set(row) - fields
            if unknown:
                raise ValueError(f"unknown field(s) {', '.join(map(quoted, sorted(unknown)))}")
            concepts = row.get("concepts") or ()
            # every type is checked by Decision: a JSON list of concepts becomes a tuple, anything else stays as it is
            decisions.append(Decision(**{**row, "concepts": tuple(concepts) if isinstance(concepts, list) else concepts}))
        except RecursionError:
            problems.append(f"line {number}: nested too deeply to be a decision")
        except (ValueError, TypeError) as exc:
            problems.append(f"line {number}: {exc}")
    if problems:
        raise ReviewSheetError(str(path), problems)
    return _store_new(db, decisions, source=f"restore:{Path(path).name}", exact=True)
