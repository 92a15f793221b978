"""Country briefs as files to hand over: PDF (printed by headless Chromium) and Word (.docx, python-docx).

* PDF: each brief's HTML page printed to one A4 page by Chromium. Through Playwright when it is
  installed (one browser for every brief: about 0.3 s a brief), else Chromium's own command line
  (one process a brief). Chromium is the browser Debian packages and Playwright drives; its print
  engine is the one the HTML brief is tested with, so the PDF looks like the page. Found as
  ``$NDC_SCAN_CHROMIUM``, ``chromium``, ``chromium-browser`` or ``google-chrome`` on the PATH, or
  Playwright's own download (``playwright install chromium``).
* DOCX: the same content built with python-docx: headings, the level table with its colours, the
  key, quotes (right to left for Arabic), targets, gaps and changes; page numbers are written out.

:func:`write_briefs` writes every requested format for every brief and returns the files written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from ..aggregate.locators import extent
from ..errors import UsageError
from .briefs import (
    GAP_SCORE,
    LEVEL_SHORT,
    PAGE_WORDS,
    UNCONFIRMED,
    Brief,
    _support,
    citation_words,
    grouped_changes,
    render_html,
)
from .charts import LEVEL_COLOURS
from .output import check_folder, written
from .plain import is_rtl, level_key_lines, quoted

FORMATS = ("html", "pdf", "docx")
PRINT_TIMEOUT = 120


def parse_formats(text: str) -> tuple[str, ...]:
    """"pdf,docx" → ("pdf", "docx"); an unknown format is a ``UsageError``."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format {text!r}: {', '.join(unknown) or 'no format'} is not one of {', '.join(FORMATS)}",
                         remedy="e.g. --format pdf,docx")
    return formats


def chromium_path() -> Optional[str]:
    """A Chromium executable, or None."""
    for candidate in (os.environ.get("NDC_SCAN_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def write_briefs(briefs: Sequence[Brief], out: Path, formats: Sequence[str], *, source: str, reviewed: int = 0,
                 engine: str = "auto") -> list[Path]:
    """Write each brief in each format (``html``, ``pdf``, ``docx``) into ``out``; return the files.

    ``engine`` for PDF: ``auto`` (Playwright if installed, else the Chromium command line),
    ``playwright`` or ``chromium``.
    """
    check_folder(out)
    files: list[Path] = []
    pages = {}
    for brief in briefs:
        html = render_html(brief, source=source, base=out, reviewed=reviewed)
        pages[brief.file_stem] = html
        if "html" in formats:
            with written(out / f"{brief.file_stem}.html") as path:      # whole or not at all
                path.write_text(html, encoding="utf-8")
            files.append(out / f"{brief.file_stem}.html")
        if "docx" in formats:
            with written(out / f"{brief.file_stem}.docx") as path:
                write_docx(brief, path, source=source, reviewed=reviewed)
            files.append(out / f"{brief.file_stem}.docx")
    if "pdf" in formats and pages:
        files += print_pdfs(pages, out, engine=engine)
    return files


def print_pdfs(pages: dict[str, str], out: Path, *, engine: str = "auto") -> list[Path]:
    """Print each HTML page (stem → HTML) to ``out/<stem>.pdf``; the HTML is saved beside it first (links work)."""
    use_playwright = engine == "playwright" or (engine == "auto" and _has_playwright())
    executable = chromium_path()
    if executable is None and not use_playwright:
        raise UsageError("PDF briefs need Chromium, which was not found",
                         remedy="install it (sudo apt-get install chromium) or set NDC_SCAN_CHROMIUM to its path; "
                                "or pip install playwright and run 'playwright install chromium'")
    sources = {}
    for stem, html in pages.items():
        source = out / f".{stem}.print.html"             # in the PDF's folder, so that relative links stay right
        source.write_text(html, encoding="utf-8")
        sources[stem] = source
    try:
        if use_playwright:
            return _print_playwright(sources, out, executable)
        assert executable is not None                    # checked above
        return [_print_command_line(executable, source, out / f"{stem}.pdf") for stem, source in sources.items()]
    finally:
        for source in sources.values():
            source.unlink(missing_ok=True)


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _print_playwright(sources: dict[str, Path], out: Path, executable: Optional[str]) -> list[Path]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            try:
                for stem, source in sources.items():
                    page = browser.new_page()
                    page.goto(source.resolve().as_uri(), wait_until="load")
                    path = out / f"{stem}.pdf"
                    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
                    page.close()
                    written.append(path)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise UsageError(f"Chromium could not print the briefs ({str(exc).splitlines()[0]})",
                         remedy="install Chromium (sudo apt-get install chromium) or run 'playwright install "
                                "chromium'") from None
    return written


def _print_command_line(executable: str, source: Path, target: Path) -> Path:
    try:
        subprocess.run([executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={target}", source.resolve().as_uri()],
                       check=True, capture_output=True, timeout=PRINT_TIMEOUT)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise UsageError(f"{source.name}: Chromium could not print it ({type(exc).__name__})",
                         remedy="check that Chromium starts: chromium --headless --version") from None
    return target


# ---------------------------------------------------------------------------------------------- Word


def write_docx(brief: Brief, path: Path, *, source: str, reviewed: int = 0) -> Path:
    """The brief as a Word document (A4, narrow margins)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(14))
    doc.styles["Normal"].font.size = Pt(9.5)
    doc.add_heading(f"{brief.country}: soils and land in the NDC", level=1)
    cite = citation_words(brief)
    meta = doc.add_paragraph(f"{cite or brief.document}\n{brief.document} · {brief.kind_name} "
                             f"{'' if brief.year is None else brief.year} · {extent(brief.n_pages, brief.format)}")
    meta.runs[0].font.color.rgb = RGBColor(0x57, 0x60, 0x6A)
    if brief.registry_url:
        doc.add_paragraph(f"Registry page: {brief.registry_url}")
    if brief.score is not None and brief.score == brief.score:
        para = doc.add_paragraph()
        para.add_run(f"Gap score {brief.score:.0f} of 100").bold = True
        para.add_run(f", rank {_page(brief.rank)} of {brief.ranked} countries (1 = largest gap): {GAP_SCORE}.")
    doc.add_heading("How strongly the NDC commits, concept by concept", level=2)
    table = doc.add_table(rows=len(brief.levels) + 1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("concept", "level", "pages" if brief.format == "pdf" else "where")):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row, (name, level, _, where) in zip(table.rows[1:], brief.levels):
        row.cells[0].text = name
        row.cells[1].text = LEVEL_SHORT[level] if level is not None else "not read"
        row.cells[2].text = where
        _shade(row.cells[1], LEVEL_COLOURS[level or 0] if level is not None else "#c9c9c9")
        if level == 3:
            row.cells[1].paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    doc.add_paragraph("What the levels mean:")
    for line in level_key_lines():
        doc.add_paragraph(line, style="List Bullet")
    if brief.unconfirmed:
        doc.add_paragraph(UNCONFIRMED.format(", ".join(brief.unconfirmed)))
    doc.add_heading("What the NDC says", level=2)
    for concept, level, quote, _, where in brief.quotes:
        doc.add_paragraph().add_run(f"{concept} ({level}, {where})").bold = True
        para = doc.add_paragraph(quoted(quote), style="Quote")
        if is_rtl(quote):
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _right_to_left(para)
    if not brief.quotes:
        doc.add_paragraph("Nothing on the 10 soil and land concepts.")
    doc.add_heading(f"Quantified targets: {brief.n_targets} found", level=2)
    for quantity, normal, year, cond, concepts, _, where, _ in brief.targets:
        doc.add_paragraph(f"{quantity} ({normal}{', by ' + str(year) if year else ''}; {_support(cond)}) — {concepts}, "
                          f"{where}", style="List Bullet")
    if brief.n_targets > len(brief.targets):
        doc.add_paragraph(f"… and {brief.n_targets - len(brief.targets)} more, listed in the gap report.")
    if not brief.targets:
        doc.add_paragraph("No quantified land or soil target.")
    doc.add_heading("Gaps", level=2)
    for gap in brief.gaps or ["No gap found by the rules."]:
        doc.add_paragraph(gap, style="List Bullet")
    doc.add_heading("Since the previous NDC", level=2)
    if not brief.previous:
        doc.add_paragraph("No earlier NDC of this country in the scan.")
    else:
        doc.add_paragraph(f"Compared with {brief.previous}:" if brief.changes else
                          f"Compared with {brief.previous}: no concept changed level.")
        for change, named in grouped_changes(brief):
            doc.add_paragraph(f"{change}: {named}",
                              style="List Bullet")
    footer = doc.add_paragraph(f"Made with ndc_scan from {source}; "
                               + (f"{reviewed} findings checked by people" if reviewed else "not yet checked by a reviewer")
                               + f". Every quote can be checked on its page in the PDF ({PAGE_WORDS}).")
    footer.runs[0].font.size = Pt(7.5)
    doc.save(str(path))
    return path


def _page(page) -> str:
    try:
        return str(int(page))
    except (TypeError, ValueError):
        return ""


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _right_to_left(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        rtl = OxmlElement("w:rtl")
        rtl.set(qn("w:val"), "1")
        run._r.get_or_add_rPr().append(rtl)


__all__ = ["FORMATS", "chromium_path", "parse_formats", "print_pdfs", "write_briefs", "write_docx"]
