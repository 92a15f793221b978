"""The coverage tables: stored labels → one row per document, per passage label, per document × concept.

* ``documents`` — one row per document, with metadata, read status and which fields were inferred;
* ``passages``  — one row per passage × concept found;
* ``coverage``  — one row per document × concept: the strongest level and its evidence;
* ``countries`` — one row per country (latest document, or every document), a column per concept.

``tables.build_tables`` puts them together with the reviewers' decisions and the advocacy tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Optional

import pandas as pd

from ..records import DOCUMENT_KINDS, LEVEL_NAMES, Failure, review_words
from ..store import Store
from ..taxonomy import CONCEPT_IDS, Taxonomy
from .locators import PAGELESS_FORMATS, Locators, format_of_extractor, join_labels

NO_TEXT = "no text layer"
FAILED = "could not be read"
QUOTE_CHARS = 320
KIND_ORDER = {kind: i for i, kind in enumerate(DOCUMENT_KINDS)}


def documents_table(db: Store, doc_ids: Sequence[str], taxonomy: Taxonomy) -> pd.DataFrame:
    """One row per document, in the order of ``doc_ids``."""
    columns = ["doc_id", "document", "path", "iso3", "country", "kind", "kind_name", "year", "language", "format", "n_pages",
               "pages_no_text", "pages_low_text", "pages_ocr", "ocr_confidence", "read_status", "inferred",
               "metadata_evidence", "taxonomy_hash"]
    if not doc_ids:
        return pd.DataFrame(columns=columns)
    by_id = db.document_rows(doc_ids)
    confidence = db.ocr_confidence(doc_ids)
    records = []
    for doc_id in doc_ids:
        row = by_id[doc_id]
        sources, evidence = json.loads(row["meta_sources"]), json.loads(row["meta_evidence"])
        records.append({
            "doc_id": doc_id, "document": row["file_name"], "path": row["path"], "iso3": row["iso3"] or "",
            "country": row["country"] or "unknown", "kind": row["kind"] or "", "kind_name": DOCUMENT_KINDS.get(row["kind"], ""),
            "year": row["year"], "language": row["language"] or "", "format": format_of_extractor(row["extractor"]),
            "n_pages": row["n_pages"],
            "pages_no_text": row["pages_no_text"], "pages_low_text": row["pages_low_text"],
            "pages_ocr": row["pages_ocr"],
            "ocr_confidence": round(confidence[doc_id], 3) if doc_id in confidence else None,
            "read_status": _read_status(row),
            "inferred": ",".join(sorted(k for k, v in sources.items() if v == "inferred")),
            "metadata_evidence": "; ".join(f"{k}: {v}" for k, v in sorted(evidence.items())),
            "taxonomy_hash": taxonomy.short_hash,
        })
    frame = pd.DataFrame(records, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _read_status(row: dict) -> str:
    """"ok", "ok (…)" with what was OCR'd or left unread, or NO_TEXT when nothing could be read."""
    if row["pages_no_text"] >= row["n_pages"]:
        return NO_TEXT
    notes = []
    if row["pages_ocr"]:
        notes.append(f"{row['pages_ocr']} of {row['n_pages']} pages OCR'd")
    if row["pages_no_text"]:
        notes.append(f"{row['pages_no_text']} of {row['n_pages']} pages unread (no usable text layer)")
    return f"ok ({'; '.join(notes)})" if notes else "ok"


def passages_table(db: Store, doc_ids: Sequence[str], documents: pd.DataFrame) -> pd.DataFrame:
    """One row per passage × concept of the labels that count (``Store.labels_that_count``), in report order."""
    columns = ["iso3", "country", "document", "doc_id", "page", "locator", "heading_path", "concept", "level",
               "level_name", "counted", "review_reason", "confidence", "probability", "rule_level", "conditional", "component",
               "matched_terms", "method", "passage_id", "text_hash", "text"]
    if not doc_ids:
        return pd.DataFrame(columns=columns)
    rows = db.labels_that_count(doc_ids)
    meta = documents.set_index("doc_id")
    where = Locators.of(db, documents)
    records = [{
        "iso3": meta.at[r["doc_id"], "iso3"], "country": meta.at[r["doc_id"], "country"],
        "document": meta.at[r["doc_id"], "document"], "doc_id": r["doc_id"], "page": r["page_no"],
        "locator": where(r["doc_id"], r["page_no"]),
        "heading_path": r["heading_path"], "concept": r["concept"], "level": r["level"],
        "level_name": LEVEL_NAMES[r["level"]], "counted": bool(r["counted"]), "review_reason": review_words(r["review"]),
        "confidence": r["confidence"], "probability": r["probability"], "rule_level": r["rule_level"],
        "conditional": r["conditional"],
        "component": r["component"], "matched_terms": r["terms"], "method": r["method"],
        "passage_id": r["passage_id"], "text_hash": r["text_hash"], "text": r["text"],
    } for r in rows]
    frame = pd.DataFrame(records, columns=columns)
    return sort_passages(frame, doc_ids) if len(frame) else frame


def sort_passages(frame: pd.DataFrame, doc_ids: Sequence[str]) -> pd.DataFrame:
    """Passage labels in report order: documents as given, then page, then concept order (stable)."""
    doc_order = {d: i for i, d in enumerate(doc_ids)}
    concept_order = {c: i for i, c in enumerate(CONCEPT_IDS)}
    return frame.sort_values(
        by=["doc_id", "page", "concept"], kind="stable",
        key=lambda s: s.map(doc_order) if s.name == "doc_id" else s.map(concept_order) if s.name == "concept" else s,
    ).reset_index(drop=True)


def top_labels(labels: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(doc_id, concept) → the label that speaks for that document × concept (as a dict): highest level, then most
    confident, then first page, then first in the table (pandas sorts on several columns stably)."""
    if not len(labels):
        return {}
    best = labels.sort_values(["level", "confidence", "page"], ascending=[False, False, True])
    return {(row["doc_id"], row["concept"]): row for row in best.drop_duplicates(["doc_id", "concept"]).to_dict("records")}


def rows_by_document(frame: pd.DataFrame, column: str = "doc_id") -> Callable[[str], pd.DataFrame]:
    """doc_id → the rows of ``frame`` whose ``column`` is that document, in the frame's order: grouped once, for
    code that asks document after document (filtering the whole table anew each time cost more than the rest)."""
    groups = dict(iter(frame.groupby(column, sort=False))) if len(frame) else {}
    empty = frame.iloc[0:0]
    return lambda doc_id: groups.get(doc_id, empty)


def tuples_by_document(frame: pd.DataFrame, column: str = "doc_id") -> dict[str, list]:
    """Value of ``column`` (a doc_id, or e.g. an iso3) → the rows of ``frame`` with that value, as named tuples in
    the frame's order: ``rows_by_document`` for code that reads a few fields of each row, document after document
    (pandas' per-document filters and row lookups cost more than the rest of a report)."""
    groups: dict[str, list] = {}
    for row in frame.itertuples(index=False):
        groups.setdefault(getattr(row, column), []).append(row)
    return groups


def level_of(row) -> Optional[int]:
    """A coverage row's level (a named tuple of ``tuples_by_document``) as a number; None where the document was not
    read."""
    return None if pd.isna(row.level) else int(row.level)


def counted(passages: pd.DataFrame) -> pd.DataFrame:
    """The passage labels reports count (not overruled by the model or rejected by a reviewer)."""
    return passages[passages["counted"].astype(bool)] if len(passages) else passages


def to_review(passages: pd.DataFrame) -> pd.DataFrame:
    """The passage labels still to review: flagged by the scan and not yet decided by a reviewer.

    The one definition behind every "to review" count: the scan summary, ``coverage.csv``
    (``to_review``), the HTML report and the Excel report.
    """
    if not len(passages):
        return passages
    undecided = passages["reviewed"] == "" if "reviewed" in passages else True
    return passages[(passages["review_reason"] != "") & undecided]


def label_source(passages: pd.DataFrame) -> str:
    """Where the labels of a scan come from, in words for report footers."""
    methods = set(passages["method"]) if len(passages) else set()
    hybrid = sorted(m.split(":")[1] for m in methods if m.startswith("hybrid:"))
    return f"keyword rules and the learned model {hybrid[0]}" if hybrid else "keyword rules"


def quote(text: str, terms: str, limit: int = QUOTE_CHARS) -> str:
    """A quote of at most ``limit`` characters around the first matched term.

    A near term ("carbon ~ soil|soils") is looked for by its words: the quote starts near the
    first of them in the passage.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    positions = _term_positions(text, terms)
    centre = min(positions) if positions else 0
    start = max(0, min(centre - limit // 3, len(text) - limit))
    end = start + limit
    # Snap both ends to word boundaries.
    if start > 0 and not text[start - 1].isspace():
        start = text.find(" ", start, centre if centre > start else end) + 1 or start
    if end < len(text) and not text[end].isspace():
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    snippet = text[start:end].strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _term_positions(text: str, terms: str) -> list[int]:
    """Where the matched ``terms`` (";"-joined; a near term by its words) first occur in ``text``, case-folded."""
    lowered = text.lower()
    words = [w.strip("* ").lower() for t in terms.split(";") for w in (t.replace("~", "|").split("|") if "~" in t else [t])]
    return [lowered.find(w) for w in words if w and lowered.find(w) >= 0]


def top_quote(label: dict, sentences: Mapping[tuple[str, str], list[str]]) -> str:
    """The quote of a cell's top label: its passage around the first matched term; where a target of the label has a
    sentence that a page break cuts (``classify.breaks``: it begins at the passage's end and goes on overleaf), that
    sentence: the passage alone lacks the concept or the figure."""
    text = " ".join(label["text"].split())
    tail = text[-40:]
    for sentence in sentences.get((label["passage_id"], label["concept"]), ()):
        at = sentence.find(tail)
        if tail and at >= 0 and at + len(tail) < len(sentence) - 1:
            return quote(sentence, label["matched_terms"])
    return quote(text, label["matched_terms"])


def coverage_table(documents: pd.DataFrame, passages: pd.DataFrame, failures: Sequence[Failure],
                   taxonomy: Taxonomy, targets: Sequence[Mapping] = ()) -> pd.DataFrame:
    """One row per document × concept: its level, pages and top quote. ``targets``: the stored targets of the
    labels (``Store.targets_of_labels``), for quotes of sentences a page break cuts."""
    records = []
    sentences: dict[tuple[str, str], list[str]] = {}
    for t in targets:
        sentences.setdefault((t["passage_id"], t["concept"]), []).append(" ".join(t["sentence"].split()))
    kept = counted(passages)
    grouped: dict[tuple[str, str], list] = {}           # (doc_id, concept) → its labels, in the table's order
    for row in kept.itertuples(index=False):
        grouped.setdefault((row.doc_id, row.concept), []).append(row)
    tops = top_labels(kept)
    pending = to_review(passages)           # ``reviewed`` comes from decisions.apply_decisions
    pending_counts = pending.groupby(["doc_id", "concept"]).size().to_dict() if len(pending) else {}
    for doc in documents.itertuples(index=False):
        unread = doc.read_status == NO_TEXT
        for concept in CONCEPT_IDS:
            group = grouped.get((doc.doc_id, concept))
            base = {
                "iso3": doc.iso3, "country": doc.country, "document": doc.document, "doc_id": doc.doc_id,
                "kind": doc.kind, "year": doc.year, "language": doc.language, "concept": concept,
                "concept_name": taxonomy.concept_name(concept), "read_status": doc.read_status,
                "inferred": doc.inferred, "taxonomy_hash": taxonomy.short_hash,
                "to_review": int(pending_counts.get((doc.doc_id, concept), 0)),
            }
            if group is None:
                records.append({**base, "level": pd.NA if unread else 0, "level_name": NO_TEXT if unread else "absent",
                                "n_passages": 0, "pages": "", "locators": "", "top_quote": "", "top_quote_page": pd.NA,
                                "top_quote_locator": "",
                                "confidence": pd.NA, "conditional": "", "component": "", "matched_terms": ""})
                continue
            best = tops[doc.doc_id, concept]
            pages = sorted(set(int(row.page) for row in group))
            in_order = [row.locator for row in sorted(group, key=lambda row: row.page)]       # stable
            terms = sorted({t for row in group for t in row.matched_terms.split(";") if t})
            flags = [row.conditional for row in group if row.conditional]
            records.append({
                **base, "level": int(best["level"]), "level_name": LEVEL_NAMES[int(best["level"])],
                "n_passages": len(group), "pages": ";".join(map(str, pages)),
                "locators": join_labels(in_order, pageless=doc.format in PAGELESS_FORMATS),
                "top_quote": top_quote(best, sentences), "top_quote_page": int(best["page"]),
                "top_quote_locator": best["locator"],
                "confidence": float(best["confidence"]),
                "conditional": "both" if len(set(flags)) > 1 else (flags[0] if flags else ""),
                "component": best["component"], "matched_terms": ";".join(terms),
            })
    for failure in failures:
        for concept in CONCEPT_IDS:
            records.append({"iso3": "", "country": "unknown", "document": failure.path.split("/")[-1], "doc_id": "",
                            "kind": "", "year": pd.NA, "language": "", "concept": concept,
                            "concept_name": taxonomy.concept_name(concept),
                            "read_status": f"{FAILED}: {failure.problem}", "inferred": "",
                            "taxonomy_hash": taxonomy.short_hash, "to_review": 0, "level": pd.NA, "level_name": FAILED,
                            "n_passages": 0, "pages": "", "locators": "", "top_quote": "", "top_quote_page": pd.NA,
                            "top_quote_locator": "",
                            "confidence": pd.NA, "conditional": "", "component": "", "matched_terms": ""})
    columns = ["iso3", "country", "document", "doc_id", "kind", "year", "language", "concept", "concept_name",
               "level", "level_name", "n_passages", "pages", "locators", "top_quote", "top_quote_page",
               "top_quote_locator", "confidence",
               "conditional", "component", "matched_terms", "to_review", "read_status", "inferred", "taxonomy_hash"]
    frame = pd.DataFrame(records, columns=columns)
    for column in ("level", "year", "top_quote_page"):
        frame[column] = frame[column].astype("Int64")
    return frame


def latest_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The most recent document of each country (by year, then kind order); every document whose country is unknown."""
    if documents.empty:
        return documents
    ranked = documents.assign(
        _year=documents["year"].fillna(0).astype(int),
        _kind=documents["kind"].map(KIND_ORDER).fillna(-1),
        _readable=(documents["read_status"] != NO_TEXT).astype(int),
        # a document whose country is unknown stands for itself (two files of one name in two folders are two)
        _key=documents["iso3"].where(documents["iso3"] != "", documents["document"] + "\x1f" + documents["doc_id"]),
    )
    ranked = ranked.sort_values(["_key", "_year", "_kind", "_readable"])
    return ranked.groupby("_key", sort=True).tail(1).drop(columns=["_year", "_kind", "_readable", "_key"])


def countries_table(coverage: pd.DataFrame, documents: pd.DataFrame, *, all_versions: bool) -> pd.DataFrame:
    chosen = documents if all_versions else latest_documents(documents)
    columns = ["iso3", "country", "document", "kind", "year", "language", "read_status"]
    if chosen.empty:
        return pd.DataFrame(columns=columns + list(CONCEPT_IDS))
    wide = coverage[coverage["doc_id"].isin(chosen["doc_id"])].pivot(index="doc_id", columns="concept", values="level_name")
    frame = chosen.set_index("doc_id")[columns].join(wide[list(CONCEPT_IDS)])
    found = coverage[coverage["level"].fillna(0) > 0].groupby("doc_id").size()
    frame["n_concepts"] = [int(found.get(d, 0)) for d in frame.index]
    return frame.sort_values(["country", "year"]).reset_index(drop=True)
