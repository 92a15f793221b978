"""Evaluation against hand labels: labelled passages of the test countries, and documents read in full.

Document labels file: ``file,concept,level,...`` (see corpora/labels/README.md). A
concept is "present" in a document when its level is ≥ 1. Documents are
matched on file name. Rules alone, the model alone and their combination are scored
side by side (:func:`evaluate_methods`); a ``coverage.csv`` of any scan can be scored
against the document labels (:func:`evaluate_documents`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from ..aggregate.tables import build_tables
from ..classify.hybrid import DEFAULT_BAND, HybridClassifier
from ..classify.label import label_document
from ..classify.model import Model
from ..classify.protocol import Classifier
from ..classify.rules import RuleClassifier
from ..errors import UsageError
from ..passages.tag import Tagger
from ..records import LabelledPassage, Prediction
from ..store import Store
from ..taxonomy import CONCEPT_IDS, Taxonomy, load_taxonomy
from .documents import DocumentLabels, DocumentScores, load_document_labels, score_documents
from .labels import HELD_OUT, as_passage, by_language, gold_matrix, load_labels
from .scores import passage_scores, score_table


@dataclass
class Evaluation:
    table: pd.DataFrame       # one row per concept plus "macro" and "micro"
    errors: pd.DataFrame      # false positives and negatives, with the tool's quote
    summary: str


def evaluate_documents(labels_path: str | Path | Sequence[str | Path], coverage_path: str | Path) -> Evaluation:
    """Score a coverage.csv written by a scan against document labels (presence and exact level)."""
    paths = [labels_path] if isinstance(labels_path, (str, Path)) else list(labels_path)
    labels = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    coverage = pd.read_csv(coverage_path)
    for frame, name, needed in ((labels, ", ".join(map(str, paths)), {"file", "concept", "level"}),
                                (coverage, coverage_path, {"document", "concept", "level"})):
        missing = needed - set(frame.columns)
        if missing:
            raise UsageError(f"{name}: missing column(s) {', '.join(sorted(missing))}",
                             remedy="pass a labels file and a coverage.csv written by 'ndc-scan scan'")
    merged = labels[["file", "concept", "level"]].merge(
        coverage[["document", "concept", "level", "top_quote", "top_quote_page", "pages"]],
        left_on=["file", "concept"], right_on=["document", "concept"], how="left", suffixes=("_gold", "_tool"))
    missing_docs = sorted(merged[merged["document"].isna()]["file"].unique())
    if missing_docs:
        raise UsageError(f"{coverage_path}: no rows for {len(missing_docs)} labelled document(s): {', '.join(missing_docs[:5])}",
                         remedy="scan the labelled documents first, then evaluate their coverage.csv")
    merged["gold"] = merged["level_gold"] >= 1
    merged["tool"] = merged["level_tool"].fillna(0) >= 1
    table = score_table(merged)
    macro, micro = (table[table["concept"] == name].iloc[0] for name in ("macro", "micro"))
    errors = merged[merged["gold"] != merged["tool"]].assign(
        error=lambda f: f["tool"].map({True: "false positive", False: "false negative"}))
    summary = (f"{merged['file'].nunique()} documents, {len(merged)} document x concept cells; "
               f"macro F1 {macro['f1']:.3f}, micro F1 {micro['f1']:.3f}, exact level agreement {micro['level_agreement']:.3f}")
    return Evaluation(table=table, errors=errors[["file", "concept", "level_gold", "level_tool", "error",
                                                 "top_quote_page", "top_quote"]], summary=summary)


METHODS = ("rules", "model", "combination")


@dataclass
class MethodEvaluation:
    """Rules alone, model alone and their combination, scored at passage and document level."""

    passages: pd.DataFrame       # method, concept, precision, recall, f1, tp, fp, fn, support (test countries)
    documents: pd.DataFrame      # the same per document ("concept present"), with level agreement; empty without a store
    errors: pd.DataFrame         # every passage × concept the combination gets wrong, most confident first
    summary: str
    reports: dict[str, DocumentScores] = field(default_factory=dict)   # method → full document-level scores


def method_decisions(predictions: Sequence[Prediction]) -> dict[str, dict[str, int]]:
    """{method: {concept: level}} from one passage's (or document's) hybrid predictions."""
    found: dict[str, dict[str, int]] = {method: {} for method in METHODS}
    for p in predictions:
        for method, present, level in (("rules", p.rule_level > 0, p.rule_level),
                                       ("model", p.probability is not None and p.probability >= 0.5, p.level),
                                       ("combination", p.counted, p.level)):
            if present:
                found[method][p.concept] = max(level, found[method].get(p.concept, 0))
    return found


def evaluate_methods(model: Model, *, passages_path: str | Path, documents_path: Optional[str | Path] = None,
                     store: Optional[str | Path] = None, taxonomy: str | Path | Taxonomy | None = None,
                     band: Optional[tuple[float, float]] = None, targets_path: Optional[str | Path] = None,
                     manifest_path: Optional[str | Path] = None) -> MethodEvaluation:
    """Score the three methods on the labelled passages of the test countries, and on whole documents.

    Document level needs ``documents_path`` (documents read in full) and a ``store``
    holding a scan of those documents (any method: documents are re-labelled in a copy of it), and is scored
    for the rules alone and the combination (``learn.documents``); ``targets_path`` adds the targets' scores,
    ``manifest_path`` (file, language, iso3, year, kind) the languages and the version order.
    """
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    tagger, hybrid = Tagger(tax), HybridClassifier(model, band or DEFAULT_BAND)
    test = [item for item in load_labels(passages_path) if item.split in HELD_OUT]
    decided = {method: np.zeros((len(test), len(CONCEPT_IDS)), dtype=bool) for method in METHODS}
    detail: dict = {}
    for language, positions in by_language(test).items():
        passages = [as_passage(test[i]) for i in positions]
        found = tagger.tag(passages, language)
        predictions = hybrid.predict_many(passages, found)
        per_passage: dict = {}
        for p in predictions:
            per_passage.setdefault(p.passage_id, []).append(p)
        for i, passage in zip(positions, passages):
            detail[i] = {p.concept: p for p in per_passage.get(passage.passage_id, [])}
            for method, concepts in method_decisions(per_passage.get(passage.passage_id, [])).items():
                for concept in concepts:
                    decided[method][i, CONCEPT_IDS.index(concept)] = True
    gold = gold_matrix(test)
    passage_table = pd.concat([passage_scores(gold, decided[m]).assign(method=m) for m in METHODS], ignore_index=True)
    errors = _passage_errors(test, gold, decided, detail)
    reports = {}
    if documents_path and store:
        labels = load_document_labels(documents_path, targets_path, manifest_path)
        reports = evaluate_documents_in_store(store, labels, {"rules": RuleClassifier(), "combination": hybrid}, tax)
    documents = document_table(reports) if reports else pd.DataFrame()
    summary = _method_summary(passage_table, documents, len(test))
    return MethodEvaluation(passages=passage_table[["method"] + [c for c in passage_table.columns if c != "method"]],
                            documents=documents, errors=errors, summary=summary, reports=reports)


def _passage_errors(test: Sequence[LabelledPassage], gold: np.ndarray, decided: dict[str, np.ndarray],
                    detail: dict[int, dict[str, Prediction]]) -> pd.DataFrame:
    rows = []
    for i, item in enumerate(test):
        for j, concept in enumerate(CONCEPT_IDS):
            if gold[i, j] == decided["combination"][i, j]:
                continue
            prediction = detail[i].get(concept)
            probability = prediction.probability if prediction else None
            rows.append({
                "error": "false positive" if decided["combination"][i, j] else "false negative",
                "concept": concept, "gold_level": item.concepts.get(concept, 0),
                "rules": bool(decided["rules"][i, j]), "model_probability": probability,
                "matched_terms": ";".join(prediction.terms) if prediction else "",
                "file": item.file, "page": item.page, "language": item.language, "passage_id": item.passage_id,
                "text": item.text,
                # how sure the combination was of its wrong answer
                "severity": abs((probability if probability is not None else 0.0) - float(gold[i, j])),
            })
    columns = ["error", "concept", "gold_level", "rules", "model_probability", "matched_terms", "file", "page",
               "language", "passage_id", "text", "severity"]
    return pd.DataFrame(rows, columns=columns).sort_values("severity", ascending=False, kind="stable").reset_index(drop=True)


def evaluate_documents_in_store(store: str | Path, labels: DocumentLabels, classifiers: dict[str, Classifier],
                                taxonomy: Taxonomy) -> dict[str, DocumentScores]:
    """Each classifier's full document-level scores (levels, pages, targets, versions) on the labelled documents.

    The store holds a scan of the labelled documents (any classifier); each classifier labels them in a
    temporary copy of it, and the scan's tables are built and scored as a scan would report them.
    """
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "evaluation.sqlite"
        with Store(store, create=False) as db:
            db.backup_to(copy)
        with Store(copy, create=False) as db:
            documents = []
            for file_name in sorted(set(labels.cells["file"])):
                found = db.documents_named(file_name)
                if not found:
                    raise UsageError(f"{store}: does not hold {file_name}",
                                     remedy="scan the labelled documents into this store first (make evaluate)")
                documents.append(db.document(found[0]["doc_id"]))
            tagger = Tagger(taxonomy)
            for method, classifier in classifiers.items():
                for document in documents:
                    if document is not None:
                        label_document(db, document, tagger, classifier, taxonomy, force=True)
                doc_ids = [d.doc_id for d in documents if d is not None]
                db.use_labelling(doc_ids, taxonomy.hash)
                results[method] = score_documents(labels, build_tables(db, doc_ids, [], taxonomy))
    return results


def document_table(reports: dict[str, DocumentScores]) -> pd.DataFrame:
    """The per-concept document scores of several methods, one table with a ``method`` column."""
    return pd.concat([scores.concepts.assign(method=method) for method, scores in reports.items()],
                     ignore_index=True)[["method", *next(iter(reports.values())).concepts.columns]]


def _method_summary(passages: pd.DataFrame, documents: pd.DataFrame, n_passages: int) -> str:
    def macro(frame, method):
        row = frame[(frame["method"] == method) & (frame["concept"] == "macro")]
        return float(row["f1"].iloc[0]) if len(row) else float("nan")

    text = f"{n_passages} test-country passages; passage macro F1 " + ", ".join(
        f"{m} {macro(passages, m):.3f}" for m in METHODS)
    if len(documents):
        text += "; document macro F1 " + ", ".join(f"{m} {macro(documents, m):.3f}"
                                                  for m in documents["method"].drop_duplicates())
    return text


def write_errors_markdown(errors: pd.DataFrame, path: Path, limit: int = 40) -> None:
    """The worst errors as Markdown, to read: the combination's most confident mistakes first."""
    lines = [f"# Worst passage errors of the combination ({min(limit, len(errors))} of {len(errors)})", "",
             "Most confident first. `rules`: a taxonomy term matched; `model`: calibrated probability.", ""]
    for n, row in enumerate(errors.head(limit).itertuples(index=False), 1):
        probability = "—" if pd.isna(row.model_probability) else f"{row.model_probability:.2f}"
        lines += [f"## {n}. {row.error}: {row.concept} (gold level {row.gold_level})",
                  f"{row.file} p. {row.page} ({row.language}) · rules {'matched ' + row.matched_terms if row.rules else 'no match'}"
                  f" · model {probability}", "", "> " + " ".join(str(row.text).split()), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
