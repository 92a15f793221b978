"""Country briefs: one printable A4 page per country (HTML and Markdown) from the aggregate tables.

A brief says what the country's latest NDC says about soils and land (levels, quotes and pages),
its quantified targets, its gaps in plain language and what changed since its previous NDC.
Everything shown comes from the tables; every piece of document text is escaped (HTML entities
in both formats, Markdown punctuation too), so a PDF that contains markup is shown, never run.
Lengths are capped (quotes, rows) so that a brief fits one printed page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from ..aggregate.coverage import NO_TEXT, level_of, quote, tuples_by_document
from ..aggregate.groups import income_of, region_of
from ..aggregate.locators import extent
from ..aggregate.tables import Tables
from ..records import DOCUMENT_KINDS
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .charts import LEVEL_COLOURS
from .plain import level_key_html, level_key_lines, quote_html, quoted, where_link, where_links

MAX_QUOTES, QUOTE_CHARS, MAX_TARGETS, TARGET_QUOTE_CHARS = 4, 230, 4, 110
LEVEL_SHORT = {0: "absent", 1: "mention", 2: "commitment", 3: "quantified target"}
#: Page numbers are the PDF's: a brief's reader looking for "p. 20" in a document numbered from its cover on would
#: search page 16 (found by an audit of the briefs: Lebanon 2021).
PAGE_WORDS = "pages counted from the file's first page, not as printed"
CHANGE_ORDER = ("added", "strengthened", "weakened", "dropped")
UNCONFIRMED = ("Marked “quantified target” because a number stands near the concept, but no target could be read "
               "from the sentence: {}. Check the quote before citing a figure.")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")

CSS = """
@page{size:A4;margin:11mm 12mm}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",system-ui,sans-serif;font-size:9pt;line-height:1.3;color:#1f2328;margin:0 auto;max-width:186mm}
h1{font-size:14pt;margin:0 0 1mm}h2{font-size:10.5pt;margin:3mm 0 1mm;border-bottom:1px solid #ccc}
p{margin:.6mm 0}.meta{color:#57606a;font-size:8pt}
table{border-collapse:collapse;width:100%;font-size:8pt}td,th{border:1px solid #ddd;padding:.4mm 1.2mm;text-align:left;vertical-align:top}
.levels td{width:10%;text-align:center;font-size:7pt}.levels th{font-weight:normal;font-size:7pt;text-align:center;width:10%}
blockquote{margin:.6mm 0 1mm 2mm;padding-left:2mm;border-left:2px solid #6cc070;font-size:8pt}
ul{margin:.5mm 0 .5mm 5mm;padding:0}li{margin:.3mm 0}.score{float:right;text-align:right;font-size:9pt}
footer{margin-top:2mm;font-size:7pt;color:#57606a}a{color:inherit}
.key{list-style:none;margin:1mm 0 0;padding:0;font-size:7pt;color:#57606a;columns:2;column-gap:4mm}.key li{margin:0}
.swatch{display:inline-block;width:2.6mm;height:2.6mm;border:1px solid #999;margin-right:1mm;vertical-align:-.3mm}
span.quote[dir=rtl]{display:block;text-align:right}
@media screen{body{margin:1.5rem auto;padding:0 1rem}}
"""


@dataclass
class Brief:
    """Everything one brief shows (strings are raw document text: renderers escape them)."""

    iso3: str
    country: str
    document: str
    kind_name: str
    year: object
    language: str
    n_pages: int
    read_status: str
    score: object = None
    rank: object = None
    ranked: int = 0
    levels: list = field(default_factory=list)      # (concept name, level or None, pages, locators)
    quotes: list = field(default_factory=list)      # (concept name, level name, quote, page, locator)
    targets: list = field(default_factory=list)     # (quantity, normalised, year, conditional, concepts, page, locator,
    #                                                  quote)
    n_targets: int = 0
    gaps: list = field(default_factory=list)        # statements
    previous: str = ""                              # "INDC 2015 (file.pdf)" or ""
    changes: list = field(default_factory=list)     # (change, concept name, from level, to level)
    relation: str = ""
    unconfirmed: list = field(default_factory=list)  # concept names at level 3 with no row in targets.csv
    path: str = ""                                  # the PDF as scanned: page numbers link to it
    format: str = "pdf"                             # pdf, or docx/html/text: cited by section and paragraph
    title: str = ""                                 # citation: the registry's title, else the PDF's
    submitted: str = ""                             # citation: submission date (or the PDF's creation date)
    registry_url: str = ""
    citation_source: str = ""
    region: str = ""
    income_group: str = ""
    stem: str = ""                                  # the file name when ``file_stem`` would be shared (file_stems)

    @property
    def file_stem(self) -> str:
        return self.stem or file_stem(self.iso3, self.document)


def file_stem(iso3: str, document: str) -> str:
    """The brief's file name without extension: the ISO3 code, else the document's safe name."""
    return iso3 or _UNSAFE_NAME.sub("_", document.rsplit(".", 1)[0])[:60] or "unknown"


def file_stems(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id → its brief's file name without extension (``file_stem``), made unique: where several
    documents would share one (two files of one name whose country is unknown), each gets the start of
    its document id after it."""
    stems = {row.doc_id: file_stem(row.iso3, row.document) for row in documents.itertuples(index=False)}
    shared = {stem for stem, count in Counter(stems.values()).items() if count > 1}
    return {doc_id: f"{stem}_{doc_id[:8]}" if stem in shared else stem for doc_id, stem in stems.items()}


def same_passage(a: str, b: str, span: int = 60) -> bool:
    """True when two quotes are windows on the same passage: they share a run of ``span`` characters."""
    a, b = a.strip("… "), b.strip("… ")
    if len(a) < span or len(b) < span:
        return a == b
    return any(a[i:i + span] in b for i in range(0, len(a) - span + 1, 5))


def around(sentence: str, quantity: str, limit: int) -> str:
    """At most ``limit`` characters of ``sentence`` around ``quantity``, cut at words."""
    text = " ".join(str(sentence).split())
    if len(text) <= limit:
        return text
    at = max(0, text.find(" ".join(str(quantity).split())))
    start = max(0, min(at - limit // 3, len(text) - limit))
    if start > 0:
        start = text.find(" ", start) + 1 or start
    end = start + limit
    snippet = text[start:end].rsplit(" ", 1)[0] if end < len(text) else text[start:]
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def normalised(row) -> str:
    """"2,000,000 ha" or "1,000,000–2,000,000 ha" from a targets row."""
    upper = "" if pd.isna(row["norm_value_max"]) else f"–{_number(row['norm_value_max'])}"
    return f"{_number(row['norm_value'])}{upper} {row['norm_unit']}"


class ByDocument:
    """The rows of the report tables that belong to each document, as plain records grouped once: a corpus has
    hundreds of briefs, and pandas' per-row lookups for each of them cost more than writing them."""

    _TABLES = (("gaps", "doc_id"), ("coverage", "doc_id"), ("targets", "doc_id"), ("versions", "to_doc_id"))

    def __init__(self, tables: Tables):
        self._rows = {name: tuples_by_document(getattr(tables, name), column) for name, column in self._TABLES}
        self.ranked = int(tables.gaps["rank"].notna().sum()) if len(tables.gaps) else 0

    def rows(self, table: str, doc_id: str) -> list:
        return self._rows[table].get(doc_id, [])


def build(doc, tables: Tables, taxonomy: Taxonomy, by_document: Optional[ByDocument] = None) -> Brief:
    """The brief of one document (a row of ``tables.documents``); ``by_document``: the tables grouped once for
    many briefs (made here when not given)."""
    by_document = by_document or ByDocument(tables)
    brief = Brief(iso3=doc.iso3, country=doc.country, document=doc.document, kind_name=doc.kind_name or "kind unknown",
                  year=doc.year, language=doc.language, n_pages=int(doc.n_pages), read_status=doc.read_status,
                  path=doc.path, format=getattr(doc, "format", "pdf"), title=getattr(doc, "title", ""),
                  submitted=getattr(doc, "submitted", ""),
                  registry_url=getattr(doc, "registry_url", ""), citation_source=getattr(doc, "citation_source", ""),
                  region=region_of(doc.iso3) if doc.iso3 else "", income_group=income_of(doc.iso3) if doc.iso3 else "")
    rows = by_document.rows("gaps", doc.doc_id)
    if rows:
        row = rows[0]
        brief.score, brief.rank, brief.ranked = row.gap_score, row.rank, by_document.ranked
        brief.gaps = [g for g in str(row.gaps).split(" | ") if g]
    cells = {cell.concept: cell for cell in by_document.rows("coverage", doc.doc_id)}
    mine = by_document.rows("targets", doc.doc_id)
    with_target = {c for t in mine for c in str(t.concepts).split(";")}
    brief.unconfirmed = [taxonomy.concept_name(c) for c in CONCEPT_IDS
                         if c in cells and level_of(cells[c]) == 3 and c not in with_target]
    for concept in CONCEPT_IDS:
        cell = cells.get(concept)
        brief.levels.append((taxonomy.concept_name(concept), level_of(cell) if cell else None,
                             str(cell.pages) if cell else "", str(cell.locators) if cell else ""))
    # Strongest first, then the most confident (none last); a tie keeps the table's order.
    found = sorted((cell for cell in cells.values() if (level_of(cell) or 0) > 0),
                   key=lambda cell: (-(level_of(cell) or 0), pd.isna(cell.confidence),
                                     0 if pd.isna(cell.confidence) else -cell.confidence))
    quotes: dict[str, list] = {}                     # each passage quoted once, under every concept it speaks for
    for cell in found:
        # the cell's quote shortened around its first matched term: cut at its end, 44 of the corpus's 520 quotes
        # lost the words that made the finding (Mongolia 2015's "flood plains" for wetlands)
        text = quote(cell.top_quote, cell.matched_terms, QUOTE_CHARS)
        same = next((q for q in quotes if same_passage(q, text)), None)
        if same is not None:
            quotes[same][0].append(taxonomy.concept_name(cell.concept))
        elif len(quotes) < MAX_QUOTES:
            quotes[text] = [[taxonomy.concept_name(cell.concept)], LEVEL_SHORT[level_of(cell) or 0], cell.top_quote_page,
                            cell.top_quote_locator]
    brief.quotes = [(", ".join(names), level, text, page, where) for text, (names, level, page, where) in quotes.items()]
    brief.n_targets = len(mine)
    # A target tied to its concept's clause first, then areas, stronger levels, earlier pages; each figure and year once.
    ranked = sorted(mine, key=lambda t: (t.tie != "sentence", t.measure not in ("area", "share_of_area"),
                                         -t.level, t.page))
    shown: dict[tuple, Any] = {}            # named tuples of the targets table
    for t in ranked:
        shown.setdefault((t.quantity, None if pd.isna(t.target_year) else t.target_year), t)
    for t in list(shown.values())[:MAX_TARGETS]:
        names = ", ".join(taxonomy.concept_name(c) for c in t.concepts.split(";") if c)
        brief.targets.append((t.quantity, normalised(t._asdict()), "" if pd.isna(t.target_year) else int(t.target_year),
                              t.conditional, names, t.page, t.locator,
                              around(t.quote, t.quantity, TARGET_QUOTE_CHARS)))
    steps = by_document.rows("versions", doc.doc_id)
    if steps:
        first = steps[0]
        brief.previous = f"{_kind_name(first.from_kind)} {'' if pd.isna(first.from_year) else first.from_year} " \
                         f"({first.from_document})"
        brief.relation = first.relation
        for change in CHANGE_ORDER:
            brief.changes += [(change, r.concept_name, r.from_level_name, r.to_level_name)
                              for r in steps if r.change == change]
    return brief


def _kind_name(kind: str) -> str:

    return DOCUMENT_KINDS.get(kind, kind or "document")


def _year(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


GAP_SCORE = ("how much commitment strength is missing over the 10 soil and land concepts: 0 = a quantified target "
             "for every concept, 100 = nothing found; soil carbon counts three times, sustainable land management "
             "twice")
KEY_COLOURS = {"quantified target": LEVEL_COLOURS[3], "commitment": LEVEL_COLOURS[2], "mention": LEVEL_COLOURS[1],
               "absent": LEVEL_COLOURS[0], "not read": "#c9c9c9"}


def _where(brief: Brief) -> str:
    """"Sub-Saharan Africa · Low income (World Bank)" or ""."""
    parts = [p for p in (brief.region, brief.income_group) if p and p != "not classified"]
    return " · ".join(parts) + " (World Bank groups)" if parts else ""


def citation_words(brief: Brief) -> str:
    """"Niger INDC, submitted 2015-10-20" (+ the source) in plain words; "" when nothing is known."""
    if not brief.title and not brief.submitted:
        return ""
    if brief.citation_source.startswith("PDF"):
        return ", ".join(p for p in (brief.title, f"file created {brief.submitted}" if brief.submitted else "") if p)
    return ", ".join(p for p in (brief.title or brief.document, f"submitted {brief.submitted}" if brief.submitted else "")
                     if p)


def render_html(brief: Brief, *, source: str = "keyword rules", base: Path = Path("."), reviewed: int = 0,
                report_link: str = "../gap_report.html") -> str:
    """The brief as one printable A4 page; page numbers link into the PDF (relative to the folder ``base``)."""
    e = escape
    head = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{e(brief.country)}: soils and land in "
            f"the NDC (brief)</title><style>{CSS}</style></head><body>")
    score = ("" if brief.score is None or pd.isna(brief.score) else
             f'<div class=score>Gap score <strong>{brief.score:.0f}</strong> of 100<br><span class=meta>rank '
             f'{_year(brief.rank)} of {brief.ranked} countries (1 = largest gap)</span></div>')
    cite = citation_words(brief)
    registry = f' · <a href="{e(brief.registry_url)}">registry page</a>' if brief.registry_url else ""
    parts = [head, score, f"<h1>{e(brief.country)}: soils and land in the NDC</h1>",
             f"<p class=meta>{e(cite or brief.document)}{registry}<br>{e(brief.document)} · {e(brief.kind_name)} "
             f"{_year(brief.year)} · {extent(brief.n_pages, brief.format)}{' · ' + e(_where(brief)) if _where(brief) else ''}"
             + ("" if brief.read_status == "ok" else f" · {e(brief.read_status)}") + "</p>"]
    if brief.read_status == NO_TEXT:
        parts.append("<p><strong>Not assessed:</strong> the document has no readable text (scanned pages, no OCR).</p>")
    else:
        cells = "".join(f'<td style="background:{LEVEL_COLOURS[level or 0]};color:{"#fff" if level == 3 else "#1f2328"}">'
                        f'{e(LEVEL_SHORT[level] if level is not None else "not read")}'
                        f'{"<br>" + where_links(brief.path, pages, where, base) if pages else ""}</td>'
                        for _, level, pages, where in brief.levels)
        names = "".join(f"<th>{e(name)}</th>" for name, *_ in brief.levels)
        parts += ["<h2>How strongly the NDC commits, concept by concept</h2>",
                  f"<table class=levels><tr>{names}</tr><tr>{cells}</tr></table>", level_key_html(KEY_COLOURS)]
        if brief.unconfirmed:
            parts.append(f"<p class=meta>{e(UNCONFIRMED.format(', '.join(brief.unconfirmed)))}</p>")
        parts.append("<h2>What the NDC says</h2>")
        if brief.quotes:
            parts += [f"<p><strong>{e(c)}</strong> ({e(lv)}, {where_link(brief.path, p, where, base)})</p>"
                      f"<blockquote>{quote_html(q, 'span')}</blockquote>" for c, lv, q, p, where in brief.quotes]
        else:
            parts.append("<p>Nothing on the 10 soil and land concepts.</p>")
        parts.append(f"<h2>Quantified targets: {brief.n_targets} found</h2>")
        if brief.targets:
            rows = "".join(f"<tr><td>{e(q)}</td><td>{e(n)}</td><td>{e(str(y) or '—')}</td><td>{e(_support(cond))}</td>"
                           f"<td>{e(cs)}</td><td>{where_link(brief.path, p, where, base)}</td><td>{quote_html(quote)}</td>"
                           "</tr>" for q, n, y, cond, cs, p, where, quote in brief.targets)
            more = brief.n_targets - len(brief.targets)
            tail = (f'<p class=meta>… and {more} more quantified target{"s" if more != 1 else ""}, listed in the '
                    f'<a href="{e(report_link)}#targets">gap report</a>.</p>') if more > 0 else ""
            parts.append("<table><tr><th>as written</th><th>in hectares or tonnes</th><th>by</th><th>support</th>"
                         f"<th>concepts</th><th>{'where' if brief.format != 'pdf' else 'page'}</th><th>sentence</th></tr>"
                         f"{rows}</table>{tail}")
        else:
            parts.append("<p>No quantified land or soil target.</p>")
        parts += ["<h2>Gaps</h2>", "<ul>" + "".join(f"<li>{e(g)}</li>" for g in brief.gaps) + "</ul>"
                  if brief.gaps else "<p>No gap found by the rules.</p>"]
        if score:
            parts.append(f"<p class=meta>Gap score: {e(GAP_SCORE)}.</p>")
    parts.append("<h2>Since the previous NDC</h2>" + _changes_html(brief))
    parts.append(f"<footer>Made with ndc_scan from {e(source)}; {_review_words(reviewed)}. Every quote can be checked "
                 f"on its page in the PDF (page numbers are links to it; {e(PAGE_WORDS)}).</footer></body></html>")
    return "\n".join(parts)


def _support(conditional: str) -> str:
    """The targets' conditionality in plain words."""
    return {"conditional": "with international support", "unconditional": "on its own"}.get(conditional or "", "not said")


def _review_words(reviewed: int) -> str:
    if not reviewed:
        return "not yet checked by a reviewer"
    return f"{reviewed} finding{'s' if reviewed != 1 else ''} checked by people"


def grouped_changes(brief: Brief) -> list[tuple[str, str]]:
    """(change, "Concept (before → after), …") per kind of change, in CHANGE_ORDER: one line each, so that a country
    whose every concept moved still has a one-page brief (Venezuela 2021's eight changes, a line each, ran onto a
    second page)."""
    found = []
    for kind in CHANGE_ORDER:
        named = [f"{name} ({_moved(kind, a, b)})" for c, name, a, b in brief.changes if c == kind]
        if named:
            found.append((kind, ", ".join(named)))
    return found


def _moved(kind: str, before: str, after: str) -> str:
    """"commitment" for an added concept, "was commitment" for a dropped one, else "mention → commitment"."""
    before, after = before.replace("_", " "), after.replace("_", " ")
    return after if kind == "added" else f"was {before}" if kind == "dropped" else f"{before} → {after}"


def _changes_html(brief: Brief) -> str:
    e = escape
    if not brief.previous:
        return "<p>No earlier NDC of this country in the scan.</p>"
    note = " (the same submission in another language)" if brief.relation.startswith("same") else ""
    if not brief.changes:
        return f"<p>Compared with {e(brief.previous)}{note}: no concept changed level.</p>"
    items = "".join(f"<li><strong>{e(c)}</strong>: {e(named)}</li>" for c, named in grouped_changes(brief))
    return f"<p>Compared with {e(brief.previous)}{note}:</p><ul>{items}</ul>"


def md_escape(text) -> str:
    """Document text as inert Markdown: HTML entities for <, >, &, backslashes before Markdown punctuation."""
    text = escape(" ".join(str(text).split()), quote=False)
    return re.sub(r"([\\`*_\[\]{}#|!~])", r"\\\1", text)


def render_markdown(brief: Brief, *, source: str = "keyword rules", reviewed: int = 0) -> str:
    m = md_escape
    cite = citation_words(brief)
    lines = [f"# {m(brief.country)}: soils and land in the NDC", "",
             f"{m(cite or brief.document)}" + (f" · [registry page]({brief.registry_url})" if brief.registry_url else ""),
             "", f"{m(brief.document)} · {m(brief.kind_name)} {_year(brief.year)} · {extent(brief.n_pages, brief.format)}"
             + (f" · {m(_where(brief))}" if _where(brief) else "")
             + ("" if brief.read_status == "ok" else f" · {m(brief.read_status)}")]
    if brief.score is not None and not pd.isna(brief.score):
        lines += ["", f"**Gap score {brief.score:.0f} of 100**, rank {_year(brief.rank)} of {brief.ranked} countries "
                      f"(1 = largest gap): {m(GAP_SCORE)}."]
    if brief.read_status != NO_TEXT:
        lines += ["", "## How strongly the NDC commits, concept by concept", "",
                  f"| concept | level | {'where' if brief.format != 'pdf' else 'pages'} |",
                  "| --- | --- | --- |"]
        lines += [f"| {m(n)} | {LEVEL_SHORT[lv] if lv is not None else 'not read'} | "
                  f"{m(_first(where, brief.format != 'pdf'))} |" for n, lv, _, where in brief.levels]
        lines += ["", "What the levels mean:", ""] + [f"- {m(line)}" for line in level_key_lines()]
        if brief.unconfirmed:
            lines += ["", m(UNCONFIRMED.format(", ".join(brief.unconfirmed)))]
        lines += ["", "## What the NDC says", ""]
        for c, lv, q, _, where in brief.quotes or []:
            lines += [f"**{m(c)}** ({lv}, {m(where)})", "", f"> {m(quoted(q))}", ""]
        if not brief.quotes:
            lines += ["Nothing on the 10 soil and land concepts.", ""]
        lines += [f"## Quantified targets: {brief.n_targets} found", ""]
        if brief.targets:
            lines += [f"| as written | in hectares or tonnes | by | support | concepts | "
                      f"{'where' if brief.format != 'pdf' else 'page'} |",
                      "| --- | --- | --- | --- | --- | --- |"]
            lines += [f"| {m(q)} | {m(n)} | {y} | {m(_support(cond))} | {m(cs)} | {m(where)} |"
                      for q, n, y, cond, cs, _, where, _ in brief.targets]
            more = brief.n_targets - len(brief.targets)
            if more > 0:
                lines += ["", f"… and {more} more quantified target{'s' if more != 1 else ''}, listed in the gap report."]
        else:
            lines.append("No quantified land or soil target.")
        lines += ["", "## Gaps", ""] + ([f"- {m(g)}" for g in brief.gaps] or ["No gap found by the rules."])
    lines += ["", "## Since the previous NDC", ""]
    if not brief.previous:
        lines.append("No earlier NDC of this country in the scan.")
    else:
        note = " (the same submission in another language)" if brief.relation.startswith("same") else ""
        lines.append(f"Compared with {m(brief.previous)}{note}:" if brief.changes else
                     f"Compared with {m(brief.previous)}{note}: no concept changed level.")
        lines += [f"- **{c}**: {m(named)}" for c, named in grouped_changes(brief)]
    lines += ["", f"_Made with ndc\\_scan from {m(source)}; {_review_words(reviewed)}. Every quote can be checked on "
                  f"its page in the PDF ({m(PAGE_WORDS)})._", ""]
    return "\n".join(lines)


def _first(locators: str, pageless: bool, limit: int = 3) -> str:
    """The first ``limit`` places of a coverage ``locators`` cell ("p. 3, 7, 12 …" or "“Soils” ¶ 2; …")."""
    separator = "; " if pageless else ", "
    places = [p for p in str(locators).removeprefix("p. ").split(separator) if p]
    shown = separator.join(places[:limit]) + (" …" if len(places) > limit else "")
    return shown if pageless or not shown else f"p. {shown}"


__all__ = ["Brief", "build", "citation_words", "file_stem", "file_stems", "md_escape", "normalised", "render_html",
           "render_markdown"]
