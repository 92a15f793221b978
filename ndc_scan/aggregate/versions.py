"""Version comparison: what changed, concept by concept, between a country's successive NDCs.

Versions are ordered like ``aggregate.latest_documents``: by year, then kind (INDC → first NDC →
updated NDC → second NDC → NDC 3.0), then file name. Each pair of successive versions gets one
row per concept with both levels, the change and a quote from each version:

* ``added``         — absent before, found now (any level);
* ``dropped``       — found before, absent now;
* ``strengthened``  — a higher level now (mention → commitment → quantified target);
* ``weakened``      — a lower level now;
* ``unchanged``     — the same level, found in both;
* ``absent in both``;
* ``not comparable`` — one of the two documents could not be read.

Two documents of the same kind and year (a submission and its translation, e.g. Algeria's INDC in
English and French) are compared too, with ``relation`` = ``same submission (translation)``: their
differences measure the tool, not the country. So are two documents of one country in different languages that
state the same figures (:func:`translations`), whatever their file names say: Guinea's English "NDC 2016" is its
French INDC of 2015 translated. The corpus-wide ``progress`` table compares each
country's first and latest versions (translations excluded).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from ..records import LEVEL_NAMES
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .coverage import KIND_ORDER

CHANGES = ("added", "strengthened", "unchanged", "weakened", "dropped", "absent in both", "not comparable")
NEXT = "next submission"
TRANSLATION = "same submission (translation)"
VERSION_COLUMNS = [
    "iso3", "country", "concept", "concept_name", "step", "relation",
    "from_document", "from_kind", "from_year", "from_language", "from_level", "from_level_name",
    "to_document", "to_kind", "to_year", "to_language", "to_level", "to_level_name", "change",
    "from_quote", "from_page", "from_locator", "to_quote", "to_page", "to_locator", "from_doc_id", "to_doc_id",
]


#: A figure a translation keeps: a number of three digits or more in any digit grouping ("1,500", "1 500", "1.500");
#: not a year (any two NDCs name 2030), nor 100, nor a short decimal: any two NDCs name "1.5" °C or Article "4.2".
_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|(?<![\d.,])\d{3,}(?![\d.,])")
_YEAR = re.compile(r"(?:19|20)\d\d")
#: Documents in two languages are one text translated when this share of their figures is the same, and at least
#: SAME_FIGURES_MIN figures: in the corpus, the translations share 0.77-1.0 (Algeria 12 figures, Guinea 24, Kuwait 10)
#: and a country's successive pledges in two languages at most 0.08. Russia's 3-page INDC and its translation share
#: a single figure: too few to tell.
SAME_FIGURES_SHARE, SAME_FIGURES_MIN = 0.7, 5


def figures(text: str) -> frozenset[str]:
    """The figures of a text, as digits alone (separators dropped: "1,500,000", "1 500 000" and "1.500.000" are one)."""
    found = set()
    for match in _FIGURE.finditer(text):
        digits = "".join(str(unicodedata.decimal(c)) for c in match.group(0) if c.isdecimal())
        if not _YEAR.fullmatch(digits) and digits != "100":
            found.add(digits)
    return frozenset(found)


def translations(documents: pd.DataFrame, texts: Iterable[tuple[str, str]]) -> frozenset[frozenset[str]]:
    """Pairs of doc_ids (frozensets) of one country, in two languages, that state the same figures (at least
    SAME_FIGURES_SHARE of all their figures, and SAME_FIGURES_MIN): one text and its translation. ``texts``: (doc_id,
    text) of the documents' passages (``Store.tagged_texts``)."""
    known = documents[(documents["iso3"] != "") & documents["language"].notna() & (documents["language"] != "")]
    candidates = {doc_id for _, group in known.groupby("iso3") if group["language"].nunique() > 1
                  for doc_id in group["doc_id"]}
    if not candidates:
        return frozenset()
    found: dict[str, set[str]] = {doc_id: set() for doc_id in candidates}
    for doc_id, text in texts:
        if doc_id in found:
            found[doc_id] |= figures(text)
    pairs = set()
    for _, group in known[known["doc_id"].isin(candidates)].groupby("iso3"):
        rows = list(group.itertuples(index=False))
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                first, second = found[a.doc_id], found[b.doc_id]
                shared = len(first & second)
                if a.language != b.language and shared >= SAME_FIGURES_MIN \
                        and shared >= SAME_FIGURES_SHARE * len(first | second):
                    pairs.add(frozenset((a.doc_id, b.doc_id)))
    return frozenset(pairs)


def same_submission(old, new, translated: frozenset[frozenset[str]] = frozenset()) -> bool:
    """Whether two documents (rows of the documents table) are one submission: the same kind and year, or a text and
    its translation (``translations``)."""
    return (bool(old.kind) and (old.kind, old.year) == (new.kind, new.year)) \
        or frozenset((old.doc_id, new.doc_id)) in translated


def ordered(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents sorted oldest first within each country (year, kind, file name)."""
    return documents.assign(
        _year=documents["year"].fillna(0).astype(int), _kind=documents["kind"].map(KIND_ORDER).fillna(-1),
    ).sort_values(["iso3", "_year", "_kind", "document"]).drop(columns=["_year", "_kind"])


def change(before, after) -> str:
    """The change between two document levels (None: the document could not be read)."""
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return "not comparable"
    before, after = int(before), int(after)
    if before == after:
        return "absent in both" if before == 0 else "unchanged"
    if before == 0:
        return "added"
    if after == 0:
        return "dropped"
    return "strengthened" if after > before else "weakened"


def version_table(coverage: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy,
                  translated: frozenset[frozenset[str]] = frozenset()) -> pd.DataFrame:
    """One row per country × successive pair of versions × concept (countries with several documents);
    ``translated``: pairs of documents that are one text in two languages (``translations``)."""
    known = documents[documents["iso3"] != ""]
    several = known.groupby("iso3")["doc_id"].transform("count") > 1
    cells = {(row.doc_id, row.concept): row for row in coverage.itertuples(index=False)}
    rows = []
    for iso3, group in ordered(known[several]).groupby("iso3", sort=True):
        docs = list(group.itertuples(index=False))
        for step, (old, new) in enumerate(zip(docs, docs[1:]), start=1):
            relation = TRANSLATION if same_submission(old, new, translated) else NEXT
            for concept in CONCEPT_IDS:
                a, b = cells[(old.doc_id, concept)], cells[(new.doc_id, concept)]
                rows.append({
                    "iso3": iso3, "country": new.country, "concept": concept,
                    "concept_name": taxonomy.concept_name(concept), "step": step, "relation": relation,
                    "from_document": old.document, "from_kind": old.kind, "from_year": old.year,
                    "from_language": old.language, "from_level": a.level, "from_level_name": a.level_name,
                    "to_document": new.document, "to_kind": new.kind, "to_year": new.year,
                    "to_language": new.language, "to_level": b.level, "to_level_name": b.level_name,
                    "change": change(a.level, b.level),
                    "from_quote": a.top_quote, "from_page": a.top_quote_page,
                    "from_locator": a.top_quote_locator,
                    "to_quote": b.top_quote, "to_page": b.top_quote_page, "to_locator": b.top_quote_locator,
                    "from_doc_id": old.doc_id, "to_doc_id": new.doc_id,
                })
    frame = pd.DataFrame(rows, columns=VERSION_COLUMNS)
    for column in ("from_year", "to_year", "from_level", "to_level", "from_page", "to_page", "step"):
        frame[column] = frame[column].astype("Int64")
    return frame


def progress_table(coverage: pd.DataFrame, documents: pd.DataFrame, taxonomy: Taxonomy,
                   translated: frozenset[frozenset[str]] = frozenset()) -> pd.DataFrame:
    """Per concept: how the first and the latest version of each country compare, corpus-wide (a country whose only
    versions are one submission in two languages is left out)."""
    known = documents[documents["iso3"] != ""]
    levels = dict(zip(zip(coverage["doc_id"], coverage["concept"]), coverage["level"]))
    pairs = []
    for iso3, group in ordered(known).groupby("iso3", sort=True):
        if len(group) < 2:
            continue
        first, last = group.iloc[0], group.iloc[-1]
        if same_submission(first, last, translated):
            continue                                       # a translation, not a later pledge
        pairs.append((iso3, first["doc_id"], last["doc_id"]))
    rows = []
    for concept in CONCEPT_IDS:
        counts = dict.fromkeys(CHANGES, 0)
        before, after = [], []
        for _, old, new in pairs:
            a, b = levels.get((old, concept)), levels.get((new, concept))
            counts[change(a, b)] += 1
            if not (a is None or b is None or pd.isna(a) or pd.isna(b)):
                before.append(int(a))
                after.append(int(b))
        rows.append({"concept": concept, "concept_name": taxonomy.concept_name(concept), "countries": len(pairs),
                     "first_mean_level": round(sum(before) / len(before), 2) if before else None,
                     "latest_mean_level": round(sum(after) / len(after), 2) if after else None,
                     "first_found": sum(1 for x in before if x > 0), "latest_found": sum(1 for x in after if x > 0),
                     "first_quantified": sum(1 for x in before if x == 3),
                     "latest_quantified": sum(1 for x in after if x == 3),
                     **{c.replace(" ", "_"): n for c, n in counts.items()}})
    return pd.DataFrame(rows)


__all__ = ["CHANGES", "LEVEL_NAMES", "change", "figures", "ordered", "progress_table", "same_submission",
           "translations", "version_table"]
