"""Train the learned passage classifier from passages people labelled by reading them.

Data: ``corpora/labels/passages.jsonl`` (format in corpora/labels/README.md), split by
country into ``train``, ``dev`` and ``test``. The model is fitted on the train and dev
countries; the test countries (those of the documents in ``documents.csv``) are only
ever used to measure it.

The pipeline is stock scikit-learn (see :func:`build_pipeline`): word 1–2-gram TF-IDF
of the passage (with the end of its heading path) plus binary features of the rules'
taxonomy matches, then one logistic regression per concept. Its scores are calibrated
per concept with a sigmoid (Platt scaling) fitted on out-of-fold scores, folds by country,
so that a probability means the same across concepts. It is deterministic for a given
seed and labels file.

The **gates** combine model and rules per concept (``classify.hybrid.combine``): a threshold
below which the model overrules a rule match (``veto``) and one above which it adds a
label the rules missed (``add``). They are chosen on out-of-fold probabilities of the
training countries (folds by country), maximising F1 and keeping the rules' own
decision (veto 0, add never) unless a gate does strictly better and decides at least
MIN_NET_FIXED more passages right than the rules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..classify.features import evidence_tokens, model_text
from ..classify.hybrid import RULES_GATE, combine
from ..classify.model import Model, calibrate, library_versions, save_model
from ..classify.rules import RuleClassifier
from ..defaults import DEFAULT_LABELS
from ..errors import UsageError
from ..passages.tag import Tagger
from ..records import LabelledPassage
from ..taxonomy import CONCEPT_IDS, Taxonomy, load_taxonomy
from .labels import FITTED, HELD_OUT, as_passage, by_language, data_hash, gold_matrix, load_labels
from .reviews import Reviewed, reviewed_examples
from .scores import f1, passage_scores

log = logging.getLogger(__name__)

DEFAULT_C = 10.0
GATE_FOLDS = 4
MIN_CALIBRATION_POSITIVES = 5
#: A gate must decide at least this many more held-out passages right than the rules do (net),
#: so that one or two lucky passages never move a concept away from the rules.
MIN_NET_FIXED = 3
VETO_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
ADD_GRID = (1.01, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)      # 1.01: never add


@dataclass
class Evidence:
    """What the rules say about a list of labelled passages, in the model's input form."""

    texts: list                  # model_text() per passage
    evidence: list               # evidence_tokens() per passage
    rule_found: np.ndarray       # bool (n, len(CONCEPT_IDS)): a taxonomy term of the concept matched


@dataclass
class TrainResult:
    model: Model
    folder: Optional[Path]
    seconds: float


def rule_evidence(labelled: Sequence[LabelledPassage], tagger: Tagger) -> Evidence:
    """Run the tagger and the rules over labelled passages (grouped by language, as a scan would)."""
    rules = RuleClassifier()
    index = {c: j for j, c in enumerate(CONCEPT_IDS)}
    found = np.zeros((len(labelled), len(CONCEPT_IDS)), dtype=bool)
    evidence = [""] * len(labelled)
    for language, positions in by_language(labelled).items():
        passages = [as_passage(labelled[i]) for i in positions]
        matches = tagger.tag(passages, language)
        row = {passage.passage_id: i for i, passage in zip(positions, passages)}
        for passage in passages:
            evidence[row[passage.passage_id]] = evidence_tokens(matches.get(passage.passage_id, []))
        for prediction in rules.predict_many(passages, matches):
            found[row[prediction.passage_id], index[prediction.concept]] = True
    texts = [model_text(item.heading_path, item.text) for item in labelled]
    return Evidence(texts=texts, evidence=evidence, rule_found=found)


def build_pipeline(seed: int = 0, c: float = DEFAULT_C):
    """The stock scikit-learn pipeline: TF-IDF + rule evidence → calibrated logistic regression per concept."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    features = ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "text"),
        ("rules", CountVectorizer(binary=True, lowercase=False, token_pattern=r"[^ ]+"), "evidence"),
    ])
    regression = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed)
    return Pipeline([
        ("features", features),
        ("classify", OneVsRestClassifier(regression)),
    ])


def _fit(texts: list, evidence: list, gold: np.ndarray, seed: int, c: float):
    import pandas as pd

    pipeline = build_pipeline(seed, c)
    pipeline.fit(pd.DataFrame({"text": texts, "evidence": evidence}), gold.astype(int))
    # The words dropped by min_df are kept only for inspection; they would double the file.
    pipeline.named_steps["features"].named_transformers_["words"].stop_words_ = None
    return pipeline


def out_of_fold(texts: list, evidence: list, gold: np.ndarray, groups: list, seed: int, c: float) -> np.ndarray:
    """Scores for each passage from a model fitted without its country (GroupKFold).

    NaN where the fold's training part had no positive (or no negative) of the concept: the
    fitted "model" is then a constant, whose score says nothing and would skew the calibration.
    """
    import warnings

    import pandas as pd
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(gold.shape)
    for fit_rows, held_rows in GroupKFold(n_splits=GATE_FOLDS).split(texts, groups=groups):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
            pipeline = _fit([texts[i] for i in fit_rows], [evidence[i] for i in fit_rows], gold[fit_rows], seed, c)
        fold_scores = pipeline.decision_function(pd.DataFrame(
            {"text": [texts[i] for i in held_rows], "evidence": [evidence[i] for i in held_rows]}))
        constant = gold[fit_rows].all(axis=0) | ~gold[fit_rows].any(axis=0)
        fold_scores[:, constant] = np.nan
        scores[held_rows] = fold_scores
    return scores


def fit_calibration(scores: np.ndarray, gold: np.ndarray) -> dict[str, list[float]]:
    """Per concept, Platt scaling ``p = 1 / (1 + exp(-(a * score + b)))`` fitted on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    calibration = {}
    for j, concept in enumerate(CONCEPT_IDS):
        valid = ~np.isnan(scores[:, j])
        if gold[valid, j].sum() < MIN_CALIBRATION_POSITIVES or gold[valid, j].all():
            # Too few held-out positives (e.g. all of a concept's countries fell in one fold):
            # keep the regression's own probability, 1 / (1 + exp(-score)).
            calibration[concept] = [1.0, 0.0]
            continue
        platt = LogisticRegression(C=1e4).fit(scores[valid][:, [j]], gold[valid, j].astype(int))
        calibration[concept] = [round(float(platt.coef_[0, 0]), 6), round(float(platt.intercept_[0]), 6)]
    return calibration


def fit_gates(probabilities: np.ndarray, rule_found: np.ndarray, gold: np.ndarray) -> dict[str, dict[str, float]]:
    """Per concept, the (veto, add) pair with the best F1; the rules' own decision unless strictly beaten."""
    gates = {}
    for j, concept in enumerate(CONCEPT_IDS):
        valid = ~np.isnan(probabilities[:, j])          # rows whose fold could learn the concept
        found, truth, p = rule_found[valid, j], gold[valid, j], probabilities[valid, j]
        rules_correct = int((found == truth).sum())
        best, best_f1, best_net = dict(RULES_GATE), f1(truth, found), 0
        for veto in VETO_GRID if truth.any() else ():
            for add in ADD_GRID:
                decided = np.where(found, p >= veto, p >= add)
                score, net = f1(truth, decided), int((decided == truth).sum()) - rules_correct
                if score > best_f1 + 1e-9 and net >= MIN_NET_FIXED:
                    best, best_f1, best_net = {"veto": veto, "add": add}, score, net
        gates[concept] = {**best, "oof_f1": round(best_f1, 4), "rules_oof_f1": round(f1(truth, found), 4),
                          "net_fixed": best_net, "oof_passages": int(valid.sum())}
    return gates


def train(labels: str | Path = DEFAULT_LABELS, out: str | Path | None = None, *, name: str = "ndc-soil",
          taxonomy: str | Path | Taxonomy | None = None, seed: int = 0, c: float = DEFAULT_C,
          store: str | Path | None = None) -> TrainResult:
    """Fit the model on the train and dev countries, set its gates, measure it on the test countries.

    With ``store``, passages people reviewed there (``ndc-scan review``) are added to the
    fitted data (see :func:`reviewed_examples`); those of test countries are left out.
    Writes ``model.skops`` and ``card.json`` into ``out`` when given.
    """
    started = time.perf_counter()
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    labelled = load_labels(labels)
    reviewed = reviewed_examples(store, labelled) if store is not None else Reviewed()
    fit_items = [item for item in labelled if item.split in FITTED and item.text_hash not in reviewed.replaced]
    fit_items += reviewed.items
    test_items = [item for item in labelled if item.split in HELD_OUT]
    if not fit_items or not test_items:
        raise UsageError(f"{labels}: needs passages of train countries and of held-out (dev or test) countries",
                         remedy="split the labels by country (corpora/labels/README.md)")
    tagger = Tagger(tax)
    fit_evidence, test_evidence = rule_evidence(fit_items, tagger), rule_evidence(test_items, tagger)
    fit_gold, test_gold = gold_matrix(fit_items), gold_matrix(test_items)
    groups = [item.iso3 for item in fit_items]
    log.info("out-of-fold probabilities for the gates (%d folds by country)", GATE_FOLDS)
    scores = out_of_fold(fit_evidence.texts, fit_evidence.evidence, fit_gold, groups, seed, c)
    calibration = fit_calibration(scores, fit_gold)
    gates = fit_gates(calibrate(scores, calibration), fit_evidence.rule_found, fit_gold)
    pipeline = _fit(fit_evidence.texts, fit_evidence.evidence, fit_gold, seed, c)
    model = Model(pipeline=pipeline, card={
        "name": name, "labels": list(CONCEPT_IDS), "gates": gates, "calibration": calibration, "seed": seed,
        "hyper_parameters": {"C": c, "ngram_range": [1, 2], "min_df": 2, "class_weight": "balanced",
                             "solver": "liblinear", "folds_by_country": GATE_FOLDS},
    })
    probabilities = model.predict_proba(test_evidence.texts, test_evidence.evidence)
    combined = np.array([[combine(test_evidence.rule_found[i, j], probabilities[i, j], gates[c_])
                          for j, c_ in enumerate(CONCEPT_IDS)] for i in range(len(test_items))], dtype=bool)
    metrics = {method: passage_scores(test_gold, decided).to_dict(orient="records") for method, decided in
               (("rules", test_evidence.rule_found), ("model", probabilities >= 0.5), ("combination", combined))}
    model.card.update({
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "training_data": {"path": str(labels), "sha256": data_hash(labelled + reviewed.items),
                          "passages": {s: sum(i.split == s for i in labelled) for s in ("train", "dev", "test")},
                          "countries": {s: len({i.iso3 for i in labelled if i.split == s}) for s in ("train", "dev", "test")},
                          "positives_fit": {c_: int(fit_gold[:, j].sum()) for j, c_ in enumerate(CONCEPT_IDS)},
                          "reviewed_decisions": reviewed.used, "reviewed_passages": len(reviewed.items),
                          "reviewed_left_out": reviewed.left_out, "reviewed_store": str(store) if store else None},
        "taxonomy_sha256": tax.hash, "versions": library_versions(),
        "metrics_test_passages": metrics,
    })
    folder = save_model(model, out) if out is not None else None
    return TrainResult(model=model, folder=folder, seconds=time.perf_counter() - started)


__all__ = ["TrainResult", "build_pipeline", "fit_gates", "train"]
