"""Train the learned passage classifier from passages people labelled by reading them.

Data: ``corpora/labels/passages.jsonl`` (format in corpora/labels/README.md), split by
country. The models are fitted on the ``FITTED`` splits (train); the ``HELD_OUT`` countries
(dev: those of the documents in ``documents.csv``) are only ever used to measure them.

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

The **level model** (:func:`fit_level_model`) is a second pipeline: commitment or mention for a
label, from the passage, its headings, the cue flags and the rules' level (``features.level_input``);
one example per labelled passage and concept it holds, the annotators' level as the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..classify.features import LEVEL_COLUMNS, evidence_tokens, level_input, model_text
from ..classify.hybrid import RULES_GATE, combine
from ..classify.model import Model, calibrate, library_versions, save_model
from ..classify.rules import Levels, RuleClassifier
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
#: Regularisation of the level model, chosen by out-of-fold accuracy on the train countries (0.3, 1, 3: 3 best).
LEVEL_C = 3.0
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


@dataclass
class LevelExamples:
    """Labels of the rules (or of the whole passage, for a concept they missed) with the annotators' level."""

    rows: list                   # features.level_input() per example
    commitment: np.ndarray       # bool: the annotators' level is commitment or quantified target
    rule_commitment: np.ndarray  # bool: the rules' level is
    groups: list                 # country per example


def level_examples(labelled: Sequence[LabelledPassage], tagger: Tagger) -> LevelExamples:
    """One example per labelled passage and concept it holds: what the level model reads, and the level."""
    rules = RuleClassifier()
    rows, gold, rule, groups = [], [], [], []
    for language, positions in by_language(labelled).items():
        passages = [as_passage(labelled[i]) for i in positions]
        matches = tagger.tag(passages, language)
        for i, passage in zip(positions, passages):
            found = matches.get(passage.passage_id, [])
            by_rules = {p.concept: p.level for p in rules.predict(passage, found, language)}
            whole = None                # the passage's level for a concept the rules missed (as a model-added label)
            for concept, level in labelled[i].concepts.items():
                if concept not in by_rules:
                    whole = whole if whole is not None else Levels(passage, found, language).level(concept, [])
                rule_level = by_rules.get(concept, whole or 1)
                rows.append(level_input(passage, rule_level))
                gold.append(level >= 2)
                rule.append(rule_level >= 2)
                groups.append(labelled[i].iso3)
    return LevelExamples(rows=rows, commitment=np.array(gold, dtype=bool), rule_commitment=np.array(rule, dtype=bool),
                         groups=groups)


def build_level_pipeline(seed: int = 0, c: float = LEVEL_C):
    """Commitment vs mention: TF-IDF of the passage (word 1-2-grams) and of its headings, plus the cue flags."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    text, headings, cues = LEVEL_COLUMNS
    features = ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), text),
        ("headings", TfidfVectorizer(min_df=2), headings),
        ("cues", CountVectorizer(binary=True, lowercase=False, token_pattern=r"\S+"), cues),
    ])
    regression = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    return Pipeline([("features", features), ("classify", regression)])


def fit_level_model(examples: LevelExamples, seed: int = 0, c: float = LEVEL_C):
    """The fitted level pipeline and its out-of-fold accuracy by country (rules against model)."""
    import pandas as pd
    from sklearn.model_selection import GroupKFold

    frame = pd.DataFrame(examples.rows)
    decided = np.zeros(len(frame), dtype=bool)
    for fit_rows, held_rows in GroupKFold(n_splits=GATE_FOLDS).split(frame, groups=examples.groups):
        fold = build_level_pipeline(seed, c).fit(frame.iloc[fit_rows], examples.commitment[fit_rows])
        decided[held_rows] = fold.predict_proba(frame.iloc[held_rows])[:, 1] >= 0.5
    pipeline = build_level_pipeline(seed, c).fit(frame, examples.commitment)
    pipeline.named_steps["features"].named_transformers_["words"].stop_words_ = None
    pipeline.named_steps["features"].named_transformers_["headings"].stop_words_ = None
    return pipeline, {"examples": len(frame), "oof_accuracy_rules": _accuracy(examples.rule_commitment, examples),
                      "oof_accuracy_model": _accuracy(decided, examples)}


def held_out_levels(pipeline, examples: LevelExamples) -> dict:
    """Accuracy of commitment vs mention on held-out examples: the rules' level against the level model's."""
    import pandas as pd

    decided = pipeline.predict_proba(pd.DataFrame(examples.rows))[:, 1] >= 0.5 if examples.rows else np.zeros(0, bool)
    return {"held_out_examples": len(examples.rows),
            "held_out_accuracy_rules": _accuracy(examples.rule_commitment, examples),
            "held_out_accuracy_model": _accuracy(decided, examples)}


def _accuracy(decided: np.ndarray, examples: LevelExamples) -> float:
    return round(float((decided == examples.commitment).mean()), 4) if len(decided) else 0.0


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
    """Fit the models on the train countries, set the gates, measure them on the held-out countries.

    With ``store``, passages people reviewed there (``ndc-scan review``) are added to the
    fitted data (see :func:`reviewed_examples`); those of held-out countries are left out.
    Writes ``model.skops``, ``level.skops`` and ``card.json`` into ``out`` when given.
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
    log.info("level model (commitment vs mention), %d folds by country", GATE_FOLDS)
    level_pipeline, level_card = fit_level_model(level_examples(fit_items, tagger), seed)
    level_card.update(C=LEVEL_C, **held_out_levels(level_pipeline, level_examples(test_items, tagger)))
    model = Model(pipeline=pipeline, level_pipeline=level_pipeline, card={
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
                          "fitted": {"splits": list(FITTED), "passages": len(fit_items),
                                     "countries": len({i.iso3 for i in fit_items})},
                          "held_out": {"splits": list(HELD_OUT), "passages": len(test_items),
                                       "countries": len({i.iso3 for i in test_items})},
                          "positives_fit": {c_: int(fit_gold[:, j].sum()) for j, c_ in enumerate(CONCEPT_IDS)},
                          "reviewed_decisions": reviewed.used, "reviewed_passages": len(reviewed.items),
                          "reviewed_left_out": reviewed.left_out, "reviewed_store": str(store) if store else None},
        "taxonomy_sha256": tax.hash, "versions": library_versions(),
        "metrics_test_passages": metrics,
        "level_model": level_card,
    })
    folder = save_model(model, out) if out is not None else None
    return TrainResult(model=model, folder=folder, seconds=time.perf_counter() - started)


__all__ = ["TrainResult", "build_level_pipeline", "build_pipeline", "fit_gates", "fit_level_model", "level_examples",
           "train"]
