"""The Excel report formatted for analysts: each sheet laid out, the levels in words and colours, a README sheet.

``files.write_excel`` chooses the tables and makes their cells safe (neutralised, cut to a cell's
limit, the file written whole or not at all); these functions lay them out and write the workbook:

* :func:`sheet_frame` — a table as its sheet shows it: levels in words ("quantified target"), ids
  (``doc_id``, ``passage_id``, hashes, paths) moved to the last columns;
* :func:`write_book` — the workbook (xlsxwriter): bold, frozen header row and first two columns,
  autofilter, column widths, level cells coloured by conditional formatting (they stay coloured
  after sorting or editing);
* :func:`readme_rows` — the README sheet: what the workbook is, the level key, and every column of
  every sheet described (``COLUMNS``; a test keeps it complete).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ..aggregate.groups import WB_SOURCE
from ..taxonomy import CONCEPT_IDS
from .plain import LEVEL_KEY

ID_COLUMNS = ("doc_id", "from_doc_id", "to_doc_id", "passage_id", "text_hash", "path", "taxonomy_hash")
LEVEL_WORDS = {"quantified_target": "quantified target", "commitment": "commitment", "mention": "mention",
               "absent": "absent"}
LEVEL_COLUMNS = ("level_name", "from_level_name", "to_level_name", *CONCEPT_IDS)
FILLS = {"quantified target": ("1A7F37", "FFFFFF"), "commitment": ("6CC070", "1F2328"), "mention": ("F2D36B", "1F2328"),
         "absent": ("F4F4F4", "1F2328"), "no text layer": ("C9C9C9", "1F2328"), "could not be read": ("E88B8B", "1F2328")}
MAX_WIDTH = 60

SHEETS = {
    "countries": "one row per country (its latest document): the level of each concept in words",
    "coverage": "one row per document × concept: the strongest level found, its pages and its strongest quote",
    "passages": "one row per passage × concept found: every piece of evidence, with its text",
    "documents": "one row per document: metadata, how well it could be read, citation details",
    "failures": "files that could not be read, with the reason and the remedy",
    "targets": "one row per quantified target found in a passage about a concept",
    "gaps": "one row per country (latest document): gaps in plain words, gap score and rank",
    "versions": "one row per country × pair of successive NDCs × concept: the level before and after",
    "progress": "one row per concept: first against latest NDC, over the countries with several",
    "groups": "one row per World Bank region or income group × concept: how many countries reach each level",
    "quantified": "one row per country × concept with a quantified target in its latest NDC",
}

#: Every column of every sheet, in words. A column of the same name means the same in every sheet.
COLUMNS = {
    "iso3": "ISO 3166 three-letter country code",
    "country": "country name",
    "document": "file name of the NDC as scanned",
    "doc_id": "SHA-256 of the file: the document's id",
    "path": "where the file was when scanned",
    "kind": "indc, ndc (first NDC), ndc-updated, ndc2 (second NDC), ndc3 (NDC 3.0)",
    "kind_name": "the kind in words",
    "year": "submission year",
    "language": "main language of the document (two-letter code)",
    "format": "pdf, or docx / html / text: a document without pages, cited by section heading and paragraph",
    "n_pages": "pages in the PDF (for a Word, HTML or text document: its paragraphs)",
    "pages_no_text": "pages with no usable text (not read)",
    "pages_low_text": "pages with little text",
    "pages_ocr": "pages read by OCR",
    "ocr_confidence": "mean OCR confidence of those pages (0–1)",
    "read_status": "ok, ok with the pages OCR'd or unread, or no text layer",
    "inferred": "metadata fields guessed from the file name and text (not given in a metadata file)",
    "metadata_evidence": "what each inferred field was guessed from",
    "taxonomy_hash": "fingerprint of the term list used (the same hash = the same terms)",
    "title": "the document's title in the UNFCCC registry catalog (else the PDF's own title)",
    "submitted": "submission date from the registry catalog (else the PDF's creation date)",
    "registry_url": "link to the document in the UNFCCC registry",
    "citation_source": "where title and date come from and how the document was matched",
    "concept": "concept id",
    "concept_name": "concept name",
    "level": "0 absent, 1 mention, 2 commitment, 3 quantified target (empty: not read)",
    "level_name": "the level in words",
    "n_passages": "passages with the concept",
    "pages": "pages with the concept (1-based, ';'-separated; paragraph numbers for a document without pages)",
    "locators": "where the concept is, in words: p. 3, 7 (a PDF), or “section heading” ¶ paragraph (Word, HTML, text)",
    "top_quote": "the strongest passage, quoted",
    "top_quote_page": "its page",
    "top_quote_locator": "where it is, in words: p. 7, or “section heading” ¶ paragraph",
    "confidence": "how sure the rules are of the concept (0–1)",
    "conditional": "conditional (needs international support), unconditional, or empty",
    "component": "adaptation, mitigation or both",
    "matched_terms": "the terms of the term list found (a ~ b: the two words near each other)",
    "to_review": "labels flagged by the scan and not yet decided by a reviewer",
    "reviewed": "what reviewers decided, and who",
    **dict.fromkeys(CONCEPT_IDS, "level of this concept in words"),
    "n_concepts": "concepts found (any level)",
    "page": "page of the passage (1-based; for a Word, HTML or text document its paragraph in the whole document)",
    "locator": "where the passage is, in words: p. 7 (a PDF), or “section heading” ¶ paragraph in that section",
    "heading_path": "the headings above the passage",
    "counted": "whether the label counts in the coverage (false: overruled by the model or rejected by a reviewer)",
    "review_reason": "why the scan flagged it for review (empty: not flagged)",
    "probability": "the learned model's probability (empty with the rules alone)",
    "rule_level": "the rules' level (0: no term of the term list)",
    "method": "what labelled it: rules, rules + model, or a reviewer",
    "passage_id": "the passage's id (document, page, offsets)",
    "text_hash": "fingerprint of the passage text (keys review decisions)",
    "text": "the passage",
    "error": "the kind of problem",
    "problem": "what is wrong with the file",
    "remedy": "what to do about it",
    "doc_kind": "kind of the document",
    "doc_year": "year of the document",
    "concepts": "concepts the target is tied to (';'-separated)",
    "tie": "how the target is tied to its concepts: clause (a concept term in its part of the sentence), row (in "
           "its table row), sentence (the one concept of its sentence)",
    "year_from": "where the target year was read when the sentence has none: lead line, table header, heading or commitment period",
    "also_on_pages": "other pages of the document stating the same target (';'-separated)",
    "quantity": "the quantity as written",
    "value": "its number",
    "value_max": "upper end of a range",
    "unit": "its unit as written",
    "measure": "area, share_of_area, share, emissions, carbon or length",
    "norm_value": "the number in a common unit",
    "norm_value_max": "upper end in the common unit",
    "norm_unit": "the common unit (ha, tCO2e, %, km …)",
    "target_year": "the year the target is for",
    "base_year": "its base year",
    "baseline": "BAU or base year",
    "share_of": "what a percentage is a share of",
    "quote": "the sentence of the target",
    "latest": "whether this is the country's latest document",
    "land_passages": "passages on agriculture or land use",
    "concept_passages": "passages with one of the 10 concepts",
    "concepts_found": "concepts found (any level)",
    "concepts_committed": "concepts at commitment or quantified target",
    "concepts_quantified": "concepts with a quantified target",
    "land_targets": "quantified targets found",
    "gap_score": "0–100: commitment strength missing over the 10 concepts (soil carbon ×3, land management ×2)",
    "rank": "1 = the largest gap",
    "n_gaps": "gaps found",
    "gaps": "the gaps in plain words (' | '-separated)",
    "nothing_on_land": "1: the NDC says nothing about soils or land management",
    "soil_carbon_absent": "1: soil carbon is absent",
    "soil_carbon_mention": "1: soil carbon is mentioned, no measure commits to it",
    "soil_carbon_no_target": "1: soil carbon measures, but no quantity",
    "slm_no_area_target": "1: land management practices named, no area target",
    "restoration_no_target": "1: restoring land is named without a quantity",
    "peat_wetland_no_measure": "1: peatlands or wetlands mentioned without measures",
    "no_soc_monitoring": "1: no monitoring of soil carbon is mentioned",
    "targets_conditional": "1: every target depends on international support",
    "step": "1 = first pair of versions, 2 = next …",
    "relation": "next submission, or the same submission in another language",
    "from_document": "the earlier document", "from_kind": "its kind", "from_year": "its year",
    "from_language": "its language", "from_level": "the level before", "from_level_name": "the level before, in words",
    "to_document": "the later document", "to_kind": "its kind", "to_year": "its year", "to_language": "its language",
    "to_level": "the level after", "to_level_name": "the level after, in words",
    "change": "added, strengthened, unchanged, weakened, dropped, absent in both, not comparable",
    "from_quote": "quote from the earlier document", "from_page": "its page", "from_locator": "where it is, in words",
    "to_quote": "quote from the later document", "to_page": "its page", "to_locator": "where it is, in words",
    "from_doc_id": "id of the earlier document", "to_doc_id": "id of the later document",
    "countries": "countries counted",
    "first_mean_level": "mean level in the first NDCs", "latest_mean_level": "mean level in the latest NDCs",
    "first_found": "countries whose first NDC has it", "latest_found": "countries whose latest NDC has it",
    "first_quantified": "with a quantified target in the first NDC",
    "latest_quantified": "with a quantified target in the latest NDC",
    "added": "countries that added it", "strengthened": "countries that strengthened it",
    "unchanged": "countries at the same level", "weakened": "countries that weakened it",
    "dropped": "countries that dropped it", "absent_in_both": "countries without it in both",
    "not_comparable": "countries where one document could not be read",
    "grouping": "all, region or income group (World Bank)", "group": "the region or income group",
    "absent": "countries where it is absent", "mention": "countries that mention it",
    "commitment": "countries that commit to it", "quantified_target": "countries with a quantified target",
    "not_read": "countries whose document could not be read", "found": "countries where it is found (any level)",
    "share_found": "share of the countries read that name it", "share_committed": "share that commit or quantify",
    "mean_level": "mean level (0–3) of the countries read",
    "region": "World Bank region", "income_group": "World Bank income group",
    "targets": "the quantities tied to the concept, with their pages",
}


def sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as its sheet shows it: level names in words, id columns last."""
    frame = frame.copy()
    for column in LEVEL_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: LEVEL_WORDS.get(v, v) if isinstance(v, str) else v)
    ids = [c for c in ID_COLUMNS if c in frame.columns]
    return frame[[c for c in frame.columns if c not in ids] + ids]


def write_book(target: Path | BinaryIO, sheets: dict[str, pd.DataFrame]) -> None:
    """Write ``sheets`` (name → the cells it holds, in order) into a workbook at ``target`` (a path or a binary
    buffer), each sheet laid out.

    xlsxwriter writes row by row (about three times as fast as pandas with openpyxl). Every text is
    written as text, never read as a formula, number or link; empty cells (None, NaN, NA, "") stay empty.
    """
    import xlsxwriter
    import xlsxwriter.exceptions

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    header = book.add_format({"bold": True, "bg_color": "#EAEEF2", "text_wrap": True, "valign": "top"})
    fills = {words: book.add_format({"bg_color": f"#{fill}", "font_color": f"#{ink}"})
             for words, (fill, ink) in FILLS.items()}
    for name, frame in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(column) for column in frame.columns], header)
        for row, values in enumerate(frame.itertuples(index=False, name=None), start=1):
            for column, value in enumerate(values):
                _write_cell(sheet, row, column, value)
        _lay_out(sheet, frame, fills)
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:     # wraps the OSError (a full disk …) the caller reports
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from exc


def _write_cell(sheet, row: int, column: int, value: object) -> None:
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return
    if isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, column, bool(value))
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isnan(number):
            return
        if math.isinf(number):               # as pandas writes it
            sheet.write_string(row, column, "inf" if number > 0 else "-inf")
        else:
            sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))


def _lay_out(sheet, frame: pd.DataFrame, fills: dict) -> None:
    """Header frozen with the first two columns, autofilter, widths, level cells coloured."""
    width = len(frame.columns)
    if not width:
        return
    sheet.freeze_panes(1, 2 if width > 2 else 0)
    sheet.autofilter(0, 0, len(frame), width - 1)
    last = max(1, len(frame))                       # rows 2 … last + 1 in Excel's numbering
    for index, column in enumerate(frame.columns):
        values = [str(v) for v in frame[column].head(200) if v is not None and not (isinstance(v, float) and v != v)
                  and v is not pd.NA]
        sheet.set_column(index, index, min(MAX_WIDTH, max(8, max([len(str(column))] + [len(v) for v in values]) + 2)))
        if column in LEVEL_COLUMNS:
            for words, fill in fills.items():
                sheet.conditional_format(1, index, last, index, {"type": "cell", "criteria": "==",
                                                                  "value": f'"{words}"', "format": fill})


def readme_rows(frames: dict[str, pd.DataFrame], *, label_source: str, to_review: int, taxonomy_path: str,
                taxonomy_hash: str) -> list[tuple[str, str, str]]:
    """The README sheet: (sheet, column, description) rows, after a few lines about the workbook."""
    rows = [("ndc_scan report", "", "what countries' NDCs say about soils and land, country by country, with pages and "
                                    "quotes"),
            ("labels from", "", label_source),
            ("labels to review", "", f"{to_review} (flagged by the scan, not yet decided by a reviewer)"),
            ("World Bank groups", "", WB_SOURCE),
            ("term list", taxonomy_hash, taxonomy_path), ("", "", "")]
    rows += [("level", word, meaning) for word, meaning in LEVEL_KEY]
    rows.append(("", "", ""))
    rows.append(("sheet", "column", "what it holds"))
    for name, frame in frames.items():
        rows.append((name, "", SHEETS.get(name, "")))
        rows += [(name, column, COLUMNS.get(column, "")) for column in frame.columns]
    return rows


__all__ = ["COLUMNS", "ID_COLUMNS", "SHEETS", "readme_rows", "sheet_frame", "write_book"]
