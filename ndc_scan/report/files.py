"""Stage 6, report: render the aggregate tables as CSV, Excel and HTML.

Renderers only format; every figure comes from ``aggregate.build_tables``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..aggregate.coverage import label_source, to_review
from ..aggregate.tables import Tables
from ..taxonomy import Taxonomy
from . import excel, gap, html

CSV_TABLES = {"coverage": "coverage.csv", "countries": "countries.csv", "passages": "passages.csv",
              "documents": "documents.csv", "failures": "failures.csv",
              "targets": "targets.csv", "gaps": "gaps.csv", "versions": "versions.csv", "progress": "progress.csv",
              "groups": "groups.csv", "quantified": "quantified.csv"}
SHEETS = ("countries", "coverage", "passages", "documents", "failures", "targets", "gaps", "versions", "progress",
          "groups", "quantified")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")     # what Excel files cannot hold


def write_all(tables: Tables, out: Path, *, taxonomy: Taxonomy) -> list[Path]:
    """Write every report into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file_name in CSV_TABLES.items():
        path = out / file_name
        neutralised(tables[name]).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    written.append(write_excel(tables, out / "report.xlsx", taxonomy=taxonomy))
    path = out / "report.html"
    path.write_text(html.render(tables, taxonomy=taxonomy, base=out), encoding="utf-8")
    written.append(path)
    written += gap.write(tables, out, taxonomy=taxonomy)      # gap_report.html, briefs/
    return written


def neutralise(value):
    """Make a cell that a spreadsheet would run as a formula into plain text; drop control characters."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel or LibreOffice would run as formulas get a leading apostrophe (CSV injection)."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    if not len(frame) or not len(text):
        return frame
    return frame.assign(**{column: frame[column].map(neutralise) for column in text})


def write_excel(tables: Tables, path: Path, *, taxonomy: Taxonomy) -> Path:
    """report.xlsx: a README sheet, then one sheet per table, laid out for analysts (``excel.py``)."""
    frames = {name: excel.sheet_frame(tables[name]) for name in SHEETS}
    readme = excel.readme_rows(frames, label_source=label_source(tables.passages),
                               to_review=len(to_review(tables.passages)), taxonomy_path=str(taxonomy.path),
                               taxonomy_hash=taxonomy.hash)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(readme, columns=["sheet", "column", "what it holds"]).to_excel(writer, sheet_name="README",
                                                                                 index=False)
        for name, frame in frames.items():
            neutralised(frame).to_excel(writer, sheet_name=name, index=False)
            excel.style_sheet(writer.sheets[name], frame)
        excel.style_sheet(writer.sheets["README"], pd.DataFrame(readme, columns=["sheet", "column", "what it holds"]))
    return path
