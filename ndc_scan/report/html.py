"""The self-contained HTML report: a country × concept matrix, country sections, unread files.

No external requests: styles are inline, there are no scripts, and every piece
of document text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from ..aggregate.coverage import FAILED, NO_TEXT, label_source, latest_documents, level_of, quote, to_review, tuples_by_document
from ..aggregate.locators import extent
from ..aggregate.tables import Tables
from ..taxonomy import CONCEPT_IDS, Taxonomy
from . import views
from .plain import level_key_html, quote_html, terms_in_words, where_link, where_links

COLOURS = {"quantified_target": "#1a7f37", "commitment": "#6cc070", "mention": "#f2d36b", "absent": "#f4f4f4",
           NO_TEXT: "#c9c9c9", FAILED: "#e88b8b"}
REVIEW_SHOWN = 12
LEGEND = (("quantified_target", "3 quantified target"), ("commitment", "2 commitment"), ("mention", "1 mention"),
          ("absent", "0 absent"), (NO_TEXT, "no text layer (scanned)"), (FAILED, "could not be read"))

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;max-width:1200px}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}h3{margin-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ddd;padding:.25rem .4rem;vertical-align:top}
th{background:#fafafa;text-align:left}.matrix td{text-align:center;min-width:2.2rem}
.matrix th.rot{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.3rem;border:1px solid #ccc;font-size:.8rem}
blockquote{margin:.3rem 0 .8rem 1rem;padding-left:.6rem;border-left:3px solid #6cc070;font-size:.9rem}
.meta{color:#57606a;font-size:.85rem}.tag{font-size:.75rem;background:#eef;padding:0 .3rem;border-radius:3px}
.flag{font-size:.75rem;background:#fff1c2;padding:0 .3rem;border-radius:3px}details{margin:.3rem 0 1rem}
.key{list-style:none;padding:0;font-size:.85rem;color:#57606a}.swatch{display:inline-block;width:.8rem;height:.8rem;
border:1px solid #999;margin-right:.3rem;vertical-align:-.1rem}span.quote[dir=rtl]{display:block;text-align:right}
@media print{body{margin:0}h2{page-break-before:always}}
"""


def _ink(level_name: str) -> str:
    """White text on the dark cell colour, dark text elsewhere."""
    return "#fff" if level_name == "quantified_target" else "#1f2328"


def _cell(level_name: str) -> str:
    colour = COLOURS.get(level_name, "#fff")
    short = {"quantified_target": "3", "commitment": "2", "mention": "1", "absent": "·", NO_TEXT: "n/t",
             FAILED: "err"}.get(level_name, "?")
    return f'<td style="background:{colour};color:{_ink(level_name)}" title="{escape(level_name)}">{short}</td>'


def render(tables: Tables, *, taxonomy: Taxonomy, base: Path = Path(".")) -> str:
    """The HTML report; page numbers link into the PDFs relative to the folder ``base`` it is written to."""
    documents, coverage, failures = tables.documents, tables.coverage, tables.failures
    latest = latest_documents(documents)
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>ndc_scan: soil and land coverage of NDCs</title>",
        f"<style>{_CSS}{views.CSS}</style></head><body>",
        "<h1>Soil and land in Nationally Determined Contributions</h1>",
        f'<p class=meta>{len(documents)} documents, {documents["iso3"].replace("", pd.NA).nunique()} countries. '
        f"Levels are the strongest found in each document; {_method_note(tables.passages)} Page numbers link to "
        "the page of the PDF.</p>",
        '<p class=legend>' + "".join(f'<span style="background:{COLOURS[k]};color:{_ink(k)}">{escape(v)}</span>'
                                     for k, v in LEGEND) + "</p>",
        level_key_html({"quantified target": COLOURS["quantified_target"], "commitment": COLOURS["commitment"],
                        "mention": COLOURS["mention"], "absent": COLOURS["absent"], "not read": COLOURS[NO_TEXT]}),
        _matrix(latest, coverage, taxonomy),
        "<h2>World map</h2>", views.map_section(tables, taxonomy, id_prefix="reportmap"),
        _unread(documents, failures),
        "<h2>Countries</h2>",
    ]
    # Each table grouped once: filtering it anew for each of hundreds of countries cost more than the rest.
    versions_of, coverage_of = tuples_by_document(documents, "iso3"), tuples_by_document(coverage)
    flagged_of = tuples_by_document(to_review(tables.passages))
    for doc in latest.sort_values("country").itertuples(index=False):
        parts.append(_country_section(doc, versions_of.get(doc.iso3, []) if doc.iso3 else [],
                                      coverage_of.get(doc.doc_id, []), taxonomy, base))
        parts.append(_review_list(doc, flagged_of.get(doc.doc_id, []), taxonomy, base))
    parts.append(_technical(documents, taxonomy))
    parts.append("</body></html>")
    return "\n".join(parts)


def _method_note(passages: pd.DataFrame) -> str:
    source = label_source(passages)
    reviewed = int((passages["reviewed"] != "").sum()) if "reviewed" in passages else 0
    state = (f"{reviewed} label{'s' if reviewed != 1 else ''} reviewed by people (their decisions override the "
             "rules and the model; marked “reviewed”)") if reviewed else "unreviewed"
    if source == "keyword rules":
        return f"labels come from keyword rules; {state}."
    flagged = len(to_review(passages))
    return (f"labels come from {escape(source)}; {state}; "
            f"{flagged} label{'s' if flagged != 1 else ''} to review (flagged by the scan, not yet reviewed; listed per "
            "country).")


def _review_list(doc, flagged: list, taxonomy: Taxonomy, base: Path, limit: int = REVIEW_SHOWN) -> str:
    """The passages of this document flagged for review (``flagged``: its rows of ``to_review``): quantified
    targets first, then disagreements."""
    if not flagged:
        return ""
    order = sorted(flagged, key=lambda row: ("quantified" not in row.review_reason, "disagree" not in row.review_reason,
                                             row.page))
    items = []
    for row in order[:limit]:
        decision = "counted" if row.counted else "not counted"
        probability = "" if pd.isna(row.probability) else f"model {row.probability:.2f}; "
        evidence = f"words found: {escape(terms_in_words(row.matched_terms))}" if row.matched_terms else "no taxonomy term"
        items.append(f"<li><strong>{escape(taxonomy.concept_name(row.concept))}</strong> "
                     f"({escape(row.level_name.replace('_', ' '))}, {decision}) · "
                     f"{where_link(doc.path, row.page, row.locator, base)} · "
                     f"<span class=flag>{escape(row.review_reason)}</span> "
                     f"<span class=meta>({probability}{evidence})</span>"
                     f"<blockquote>{quote_html(quote(row.text, row.matched_terms or ''), 'span')}</blockquote></li>")
    more = len(flagged) - min(len(flagged), limit)
    tail = f"<p class=meta>… and {more} more in passages.csv (column review_reason).</p>" if more else ""
    return (f"<details><summary>To review: {len(flagged)} flagged label{'s' if len(flagged) != 1 else ''}</summary>"
            f"<ul class=review>{''.join(items)}</ul>{tail}</details>")


def _matrix(latest: pd.DataFrame, coverage: pd.DataFrame, taxonomy: Taxonomy) -> str:
    head = "".join(f'<th class=rot>{escape(taxonomy.concept_name(c))}</th>' for c in CONCEPT_IDS)
    rows = []
    levels = coverage.set_index(["doc_id", "concept"])["level_name"]
    for doc in latest.sort_values("country").itertuples(index=False):
        anchor = escape(doc.iso3 or doc.document)
        cells = "".join(_cell(levels.get((doc.doc_id, c), "absent")) for c in CONCEPT_IDS)
        rows.append(f'<tr><th><a href="#c-{anchor}">{escape(doc.country)}</a> '
                    f'<span class=meta>{escape(doc.kind_name)} {"" if pd.isna(doc.year) else doc.year}</span></th>{cells}</tr>')
    return ("<h2>Coverage matrix (latest document per country)</h2>"
            f'<table class=matrix><tr><th>Country</th>{head}</tr>{"".join(rows)}</table>')


def _unread(documents: pd.DataFrame, failures: pd.DataFrame) -> str:
    rows = [f"<tr><td>{escape(d.document)}</td><td>{escape(d.country)}</td><td>no usable text layer on any of its "
            f"{d.n_pages} pages, and no OCR</td><td>install Tesseract (see the scan's warning) and scan again</td></tr>"
            for d in documents.itertuples(index=False) if d.read_status == NO_TEXT]
    rows += [f"<tr><td>{escape(str(f.path))}</td><td></td><td>{escape(f.problem)}</td><td>{escape(f.remedy)}</td></tr>"
             for f in failures.itertuples(index=False)]
    partial = [f"<tr><td>{escape(d.document)}</td><td>{escape(d.country)}</td><td>{escape(d.read_status)}</td><td>"
               + ("OCR'd text may hold reading errors" if d.pages_ocr else "") + "</td></tr>"
               for d in documents.itertuples(index=False) if d.read_status.startswith("ok (")]
    if not rows and not partial:
        return "<h2>Documents not read, or read in part or with OCR</h2><p>None: every document had a text layer.</p>"
    return ("<h2>Documents not read, or read in part or with OCR</h2><table><tr><th>File</th><th>Country</th>"
            f'<th>Status</th><th>Note</th></tr>{"".join(rows + partial)}</table>')


def _country_section(doc, versions: list, rows: list, taxonomy: Taxonomy, base: Path) -> str:
    """One country's section; ``versions``: the documents of its country (none when unknown), ``rows``: the
    document's coverage rows."""
    anchor = escape(doc.iso3 or doc.document)
    others = [f"{escape(v.document)} ({escape(v.kind_name)} {'' if pd.isna(v.year) else v.year})"
              for v in versions if v.doc_id != doc.doc_id]
    parts = [f'<h3 id="c-{anchor}">{escape(doc.country)} ({escape(doc.iso3 or "?")})</h3>',
             f'<p class=meta>{escape(doc.document)} · {escape(doc.kind_name or "kind unknown")} · '
             f'{"" if pd.isna(doc.year) else doc.year} · language {escape(doc.language or "?")} · {extent(doc.n_pages, doc.format)} · '
             f'{escape(doc.read_status)}</p>']
    cite = _citation(doc)
    if cite:
        parts.append(f"<p class=meta>{cite}</p>")
    if others:
        parts.append(f'<p class=meta>Other versions scanned: {"; ".join(others)}</p>')
    if doc.read_status == NO_TEXT:
        parts.append("<p><strong>Not assessed:</strong> the document has no text layer (scanned pages).</p>")
        return "\n".join(parts)
    levels = [(row, level_of(row) or 0) for row in rows]
    found = [row for row, _ in sorted(((row, level) for row, level in levels if level > 0),
                                      key=lambda pair: -pair[1])]                # a tie keeps the concept order
    absent = [taxonomy.concept_name(row.concept) for row, level in levels if level == 0]
    for row in found:
        flags = " ".join(f"<span class=tag>{escape(f)}</span>" for f in (row.conditional, row.component) if f)
        if row.to_review:
            flags += f" <span class=flag>{row.to_review} to review</span>"
        if getattr(row, "reviewed", ""):
            flags += f" <span class=tag title=\"{escape(row.reviewed)}\">reviewed: {escape(row.reviewed)}</span>"
        parts.append(f"<p><strong>{escape(row.concept_name)}</strong>: {escape(row.level_name.replace('_', ' '))} "
                     f"({row.n_passages} passage{'s' if row.n_passages != 1 else ''}; "
                     f"{where_links(doc.path, row.pages, row.locators, base, limit=12)}) {flags}</p>"
                     f"<blockquote>{quote_html(row.top_quote, 'span')} <span class=meta>"
                     f"({where_link(doc.path, row.top_quote_page, row.top_quote_locator, base)}; words found: "
                     f"{escape(terms_in_words(row.matched_terms))})</span></blockquote>")
    if absent:
        parts.append(f'<p class=meta>Not found: {escape(", ".join(absent))}.</p>')
    return "\n".join(parts)


def _citation(doc) -> str:
    """"Niger INDC, submitted 2015-10-20 · registry page" from the document's citation columns."""
    title, submitted = getattr(doc, "title", ""), getattr(doc, "submitted", "")
    if not title and not submitted:
        return ""
    source = getattr(doc, "citation_source", "")
    when = f"file created {submitted}" if source.startswith("PDF") else f"submitted {submitted}"
    text = escape(", ".join(p for p in (title, when if submitted else "") if p))
    url = getattr(doc, "registry_url", "")
    return text + (f' · <a href="{escape(url)}">registry page</a>' if url else "")


def _technical(documents: pd.DataFrame, taxonomy: Taxonomy) -> str:
    """The technical footer: taxonomy hash, how each document's metadata and citation were found."""
    rows = "".join(f"<tr><td>{escape(d.document)}</td><td>{escape(d.doc_id[:12])}</td><td>{escape(d.inferred or '—')}"
                   f"</td><td>{escape(getattr(d, 'citation_source', '') or '—')}</td></tr>"
                   for d in documents.itertuples(index=False))
    return ("<footer class=meta><h2>Technical details</h2>"
            f"<p>Taxonomy {escape(taxonomy.short_hash)} ({escape(str(taxonomy.path))}). Document ids are the SHA-256 of "
            "each file (first 12 characters). “Inferred” lists the metadata fields guessed from the file name and text "
            "(override them with --metadata); the citation column says where the title and date come from.</p>"
            "<table><tr><th>document</th><th>id</th><th>inferred</th><th>citation from</th></tr>"
            f"{rows}</table></footer>")
