"""Plain words for readers outside the project: the level key, matched terms, quotes, page links.

Briefs, the gap report and the HTML report say things the same way through these helpers, so that
a ministry reader never meets an internal field name, a hash or the taxonomy's notation.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Optional
from urllib.parse import quote as url_quote

#: What each level means, for the key on every brief and report.
LEVEL_KEY = (
    ("quantified target", "the NDC gives a number for it: hectares, tonnes, a share, by a year"),
    ("commitment", "the NDC says the country will do it (a measure, a programme, a policy), without a number"),
    ("mention", "the NDC names it (context, a problem, a need) without committing to act"),
    ("absent", "nothing on it was found in the NDC"),
    ("not read", "the document has no readable text (scanned pages not OCR'd)"),
)
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def level_key_html(colours: dict[str, str]) -> str:
    """The level key as an HTML list; ``colours`` maps a level's words to its cell colour."""
    items = "".join(f'<li><span class=swatch style="background:{colours.get(word, "#fff")}"></span>'
                    f"<strong>{escape(word.capitalize())}</strong>: {escape(meaning)}.</li>"
                    for word, meaning in LEVEL_KEY)
    return f'<ul class=key aria-label="What the levels mean">{items}</ul>'


def level_key_lines() -> list[str]:
    """The level key as plain lines ("Quantified target: the NDC gives ...")."""
    return [f"{word.capitalize()}: {meaning}." for word, meaning in LEVEL_KEY]


def terms_in_words(matched_terms: str) -> str:
    """The taxonomy terms a passage matched, as a reader says them.

    ``"carbon ~ soil|soils|topsoil;soil carbon"`` → ``"“soil carbon”, “carbon” near “soil”"``.
    """
    phrases, near = [], []
    for term in (t.strip() for t in str(matched_terms).split(";")):
        if not term:
            continue
        if "~" in term:
            left, right = (side.strip().split("|")[0].replace("*", "…") for side in term.split("~", 1))
            near.append(f"“{left}” near “{right}”")
        else:
            phrases.append(f"“{term}”")
    return ", ".join(dict.fromkeys(phrases + near))


def is_rtl(text: str) -> bool:
    """True when most letters of ``text`` are of a right-to-left script (Arabic, Hebrew)."""
    letters = _LETTER.findall(str(text))
    return bool(letters) and sum(1 for c in letters if _RTL.match(c)) * 2 > len(letters)


def quoted(text: str) -> str:
    """``text`` in the quotation marks of its script: «…» for right-to-left text, “…” otherwise."""
    return f"«{text}»" if is_rtl(text) else f"“{text}”"


def quote_html(text: str, tag: str = "span") -> str:
    """An escaped quote whose marks and direction follow its script.

    A right-to-left quote is set right to left (``dir="rtl"``, ``lang="ar"`` when Arabic) with
    «» inside its own element, so that its opening mark stands at its start, on the right; the
    surrounding text stays left to right.
    """
    if is_rtl(text):
        lang = ' lang="ar"' if re.search(r"[\u0600-\u06ff]", text) else ""
        return f'<{tag} dir="rtl"{lang} class=quote>«{escape(text)}»</{tag}>'
    return f'<{tag} class=quote>“{escape(text)}”</{tag}>'


def page_link(path: str, page, base: Path, label: Optional[str] = None) -> str:
    """``<a href="../ndcs/X.pdf#page=7">p. 7</a>``: the page of the PDF, relative to the folder ``base`` of the page.

    An empty ``path`` or page gives the label alone.
    """
    text = label if label is not None else (f"p. {int(page)}" if _has(page) else "")
    if not path or not _has(page):
        return escape(text)
    return f'<a href="{escape(pdf_href(path, base))}#page={int(page)}">{escape(text)}</a>'


def pdf_href(path: str, base: Path) -> str:
    """The document's path relative to ``base`` as a URL path (``..`` where needed, spaces escaped)."""
    return _href(str(path), str(base), os.getcwd())


def forget_links() -> None:
    """Resolve documents' paths anew (``report.files.write_all`` calls it: a symlink may point elsewhere now)."""
    _href.cache_clear()


@lru_cache(maxsize=4096)
def _href(path: str, base: str, cwd: str) -> str:
    """``pdf_href`` once per document and folder (a report links each document's pages many times)."""
    target = Path(path).resolve()
    try:
        relative = os.path.relpath(target, Path(base).resolve())
    except ValueError:                      # another drive (Windows): an absolute file URL
        return target.as_uri()
    return url_quote(Path(relative).as_posix())


def pages_links(path: str, pages: str, base: Path, limit: int = 3) -> str:
    """"p. 3, 7, 12 …" with each page a link into the PDF (``pages`` as in coverage.csv: "3;7;12;15")."""
    numbers = [p for p in str(pages).split(";") if p.strip().isdigit()]
    if not numbers:
        return ""
    shown = ", ".join(page_link(path, int(p), base, label=p) for p in numbers[:limit])
    return f"p. {shown}" + (" …" if len(numbers) > limit else "")


def is_pdf(path: str) -> bool:
    """Whether a document has pages to link to (a PDF); Word, HTML and text files are cited by section and paragraph."""
    return Path(str(path)).suffix.lower() == ".pdf"


def where_link(path: str, page, locator: str, base: Path) -> str:
    """Where a passage is, as a link: "p. 7" into the PDF at that page, or "“Soils” ¶ 2" to the document."""
    if is_pdf(path) or not path:
        return page_link(path, page, base)
    return f'<a href="{escape(pdf_href(path, base))}">{escape(locator)}</a>' if locator else ""


def where_links(path: str, pages: str, locators: str, base: Path, limit: int = 3) -> str:
    """Where a concept is found: "p. 3, 7, 12 …" (links into the PDF), or the first sections and paragraphs
    ("“Soils” ¶ 2; “Forests” ¶ 1 …", ``locators`` as in coverage.csv) linking to the document."""
    if is_pdf(path) or not path:
        return pages_links(path, pages, base, limit)
    shown = [part for part in str(locators).split("; ") if part.strip()]
    if not shown:
        return ""
    text = "; ".join(shown[:limit]) + (" …" if len(shown) > limit else "")
    return f'<a href="{escape(pdf_href(path, base))}">{escape(text)}</a>'


def _has(value) -> bool:
    if value is None or value == "":
        return False
    try:
        return int(value) >= 1
    except (TypeError, ValueError):
        return False


__all__ = ["LEVEL_KEY", "forget_links", "is_pdf", "is_rtl", "level_key_html", "level_key_lines", "page_link", "pages_links",
           "pdf_href", "quote_html", "quoted", "terms_in_words", "where_link", "where_links"]
