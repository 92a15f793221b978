"""The learned classifier: labels, training, the model card and its checks, the shipped model."""

import json
import re
import shutil

import numpy as np
import pytest

from ndc_scan.classify.features import level_input
from ndc_scan.classify.hybrid import RULES_GATE
from ndc_scan.classify.model import CARD_FILE, LEVEL_FILE, MODEL_FILE, load_model, read_card, sha256_file
from ndc_scan.errors import LabelsError, ModelError
from ndc_scan.learn.labels import FITTED, load_labels
from ndc_scan.learn.train import fit_gates, train
from ndc_scan.records import Passage
from ndc_scan.taxonomy import CONCEPT_IDS

from .conftest import ROOT, sql

PASSAGES = ROOT / "corpora" / "labels" / "passages.jsonl"
SHIPPED = ROOT / "models" / "ndc-soil"


@pytest.fixture(scope="module")
def labelled():
    return load_labels(PASSAGES)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One training run on the real labels (about a minute)."""
    return train(PASSAGES, tmp_path_factory.mktemp("model") / "ndc-soil", name="ndc-soil")


def test_labels_meet_the_corpus_requirements(labelled):
    assert len(labelled) >= 2000
    assert len({item.file for item in labelled}) >= 60
    assert sum(item.language in ("fr", "es", "ar", "ru") for item in labelled) >= 400
    splits = {}
    for item in labelled:
        splits.setdefault(item.iso3, set()).add(item.split)
    assert all(len(found) == 1 for found in splits.values()), "a country sits in two splits"
    assert all(item.labeller and item.guideline for item in labelled)


def test_evaluation_documents_are_in_held_out_countries_only(labelled):
    import pandas as pd

    documents = pd.read_csv(ROOT / "corpora" / "labels" / "documents.csv")
    evaluation_countries = {name.split("_")[0] for name in documents["file"]}
    fitted = {item.iso3 for item in labelled if item.split in FITTED}
    assert evaluation_countries and not evaluation_countries & fitted


def test_bad_label_rows_are_all_reported(tmp_path, labelled):
    good = json.loads(PASSAGES.read_text(encoding="utf-8").splitlines()[0])
    rows = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "passage_id": "x2", "concepts": {"soil_magic": 2}}),
        json.dumps({**good, "passage_id": "x3", "split": "test" if good["split"] != "test" else "train"}),
        json.dumps(good),
        json.dumps({k: v for k, v in good.items() if k != "text"} | {"passage_id": "x5"}),
    ]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(LabelsError) as caught:
        load_labels(path)
    message = str(caught.value)
    assert "line 2: not JSON" in message
    assert "line 3: unknown concept(s) soil_magic" in message
    assert "line 5: passage" in message and "already labelled on line 1" in message
    assert "line 6: missing text" in message
    assert f"country {good['iso3']} is in several splits" in message
    assert caught.value.exit_code == 4
    assert caught.value.remedy.startswith("fix what is listed")          # a country's splits are not a line
    path.write_text(json.dumps(good) + "\n{not json", encoding="utf-8")
    with pytest.raises(LabelsError) as caught:
        load_labels(path)
    assert caught.value.remedy.startswith("fix these rows")              # numbered by line, as rows are


def test_gates_keep_the_rules_unless_clearly_better():
    gold = np.zeros((10, len(CONCEPT_IDS)), dtype=bool)
    rules = np.zeros_like(gold)
    probabilities = np.full(gold.shape, 0.5)
    # soil_carbon: the rules match 6 passages, four of them wrong, and the model gives those 0.1.
    rules[:6, 0] = True
    gold[:2, 0] = True
    probabilities[:2, 0], probabilities[2:6, 0] = 0.9, 0.1
    # soil_fertility: the same, with only two wrong matches: too small a gain to leave the rules.
    rules[:4, 6] = True
    gold[:2, 6] = True
    probabilities[:2, 6], probabilities[2:4, 6] = 0.9, 0.1
    gates = fit_gates(probabilities, rules, gold)
    assert gates["soil_carbon"]["veto"] > 0.1 and gates["soil_carbon"]["oof_f1"] == 1.0
    assert gates["soil_carbon"]["net_fixed"] == 4
    assert {k: gates["soil_fertility"][k] for k in RULES_GATE} == RULES_GATE
    assert {k: gates["wetlands"][k] for k in RULES_GATE} == RULES_GATE


@pytest.mark.slow
def test_training_meets_the_goals_and_fills_the_card(trained):
    card = trained.model.card
    assert card["labels"] == list(CONCEPT_IDS)
    assert card["training_data"]["held_out"]["passages"] >= 500
    assert card["training_data"]["fitted"]["splits"] == list(FITTED)
    assert card["taxonomy_sha256"] and len(card["model_sha256"]) == 64
    assert {"scikit-learn", "skops", "numpy", "python"} <= set(card["versions"])
    scores = {m: {r["concept"]: r["f1"] for r in rows} for m, rows in card["metrics_test_passages"].items()}
    assert scores["combination"]["macro"] >= 0.80
    for concept in CONCEPT_IDS:
        assert scores["combination"][concept] >= scores["rules"][concept], concept
    # The level model decides commitment vs mention better than the rules, out of fold and on held-out countries.
    levels = card["level_model"]
    assert levels["examples"] >= 1000 and levels["held_out_examples"] >= 200
    assert levels["oof_accuracy_model"] >= levels["oof_accuracy_rules"] + 0.03
    assert levels["held_out_accuracy_model"] >= levels["held_out_accuracy_rules"] + 0.03


@pytest.mark.slow
def test_the_shipped_model_is_this_training_run(trained):
    """Same labels, same seed, same code: the shipped model must match a fresh training (retrain with make train)."""
    shipped = load_model(SHIPPED)
    assert shipped.card["training_data"]["sha256"] == trained.model.card["training_data"]["sha256"], \
        "labels changed since the shipped model was trained: run make train"
    assert shipped.card["gates"] == trained.model.card["gates"]
    texts = ["Peatland rewetting on 20,000 ha by 2030.", "Restore 2 million hectares of degraded land by 2030."]
    evidence = ["peatlands peatlands:preferred", "land_restoration land_restoration:preferred"]
    assert np.allclose(shipped.predict_proba(texts, evidence), trained.model.predict_proba(texts, evidence), atol=1e-6)
    rows = [level_input(Passage(passage_id="p", doc_id="0" * 64, page_no=1, start=0, end=len(t), text=t,
                                heading_path="Mitigation > Measures", kind="paragraph"), 2) for t in texts]
    assert np.allclose(shipped.commitment_proba(rows), trained.model.commitment_proba(rows), atol=1e-6)


@pytest.mark.slow
def test_model_overrules_a_methodology_title(trained):
    """MYS_ndc-updated_2021 p6: '...Inventories: Wetlands' is an IPCC report title, not wetlands."""
    from ndc_scan.classify.features import model_text

    text = ("IPCC Methodologies: Malaysia uses the 2006 IPCC Guidelines for National GHG Inventories to estimate "
            "anthropogenic GHG emissions and removals, IPCC Good Practice Guidance and Uncertainty Management in National "
            "Greenhouse Gas Inventories, and the 2013 Supplement to the 2006 IPCC Guidelines for National Greenhouse Gas "
            "Inventories: Wetlands. Metrics: The 100-year time horizon GWP values from the IPCC's Fifth Assessment Report "
            "or any future updates will be used to calculate the CO 2 equivalent emissions and removals in accordance "
            "with Decision 18/CMA.1.")
    p = trained.model.predict_proba([model_text("5. Assumptions and methodological approaches", text)], ["wetlands"])[0]
    assert p[CONCEPT_IDS.index("wetlands")] < trained.model.gate("wetlands")["veto"]


def _copy(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(SHIPPED, folder)
    return folder


@pytest.mark.parametrize("name, message", [(MODEL_FILE, "does not match the card"),
                                           (LEVEL_FILE, "level.skops: SHA-256 .* does not match the card"),
                                           ("model.npz", "model.npz: SHA-256 .* does not match the card"),
                                           ("level.npz", "level.npz: SHA-256 .* does not match the card")])
def test_a_tampered_model_file_is_refused(tmp_path, name, message):
    folder = _copy(tmp_path)
    with open(folder / name, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match=message):
        load_model(folder)


def test_other_scikit_learn_version_is_refused(tmp_path):
    folder = _copy(tmp_path)
    card = read_card(folder)
    card["versions"]["scikit-learn"] = "0.24.2"
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="made with scikit-learn 0.24.2") as caught:
        load_model(folder)
    assert "retrain here: ndc-scan train" in str(caught.value)


def test_card_with_labels_in_another_order_is_refused(tmp_path):
    # Probabilities are laid out in CONCEPT_IDS order: a card listing them otherwise would mislabel columns.
    folder = _copy(tmp_path)
    card = read_card(folder)
    card["labels"] = list(reversed(card["labels"]))
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="are not this version's concepts in order"):
        load_model(folder)


def test_model_file_with_code_is_refused(tmp_path):
    """skops never rebuilds an untrusted type, even when the card's hash matches the file (a model folder without
    arrays, as trained before them, is read from its skops files)."""
    import os

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    folder = _copy(tmp_path)
    sio.dump(FunctionTransformer(func=os.system), folder / MODEL_FILE)
    card = read_card(folder)
    del card["arrays"]
    card["model_sha256"] = sha256_file(folder / MODEL_FILE)
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be loaded"):
        load_model(folder)


def test_the_arrays_score_the_labelled_passages_exactly_as_the_skops_pipelines(tmp_path, tagger):
    """What a scan predicts with (model.npz, level.npz: no scikit-learn imported) equals the scikit-learn pipelines'
    scores to the last bit, on real passages with the rules' evidence and level inputs; a folder without the arrays
    (trained before them) is read from its skops files."""
    from ndc_scan.classify.features import evidence_tokens, model_text

    folder = _copy(tmp_path)
    card = read_card(folder)
    del card["arrays"]
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    arrays, pipelines = load_model(SHIPPED), load_model(folder)
    assert type(arrays.pipeline).__name__ == "LinearPipeline" and type(pipelines.pipeline).__name__ == "Pipeline"
    rows = [json.loads(line) for line in PASSAGES.read_text(encoding="utf-8").splitlines()[::2]]
    passages = [Passage(passage_id=str(i), doc_id="0" * 64, page_no=1, start=0, end=len(r["text"]), text=r["text"],
                        heading_path=r.get("heading_path", ""), kind="paragraph") for i, r in enumerate(rows)]
    found: dict = {}
    for lang in {r["language"] for r in rows}:
        found.update(tagger.tag([p for p, r in zip(passages, rows) if r["language"] == lang], lang))
    texts = [model_text(p.heading_path, p.text) for p in passages]
    evidence = [evidence_tokens(found.get(p.passage_id, ())) for p in passages]
    assert sum(bool(e) for e in evidence) >= 400
    assert np.array_equal(arrays.predict_proba(texts, evidence), pipelines.predict_proba(texts, evidence))
    levels = [level_input(p, 2) for p in passages]
    assert np.array_equal(arrays.commitment_proba(levels), pipelines.commitment_proba(levels))


def test_missing_model_folder(tmp_path):
    with pytest.raises(ModelError, match="no such model folder") as caught:
        load_model(tmp_path / "nowhere")
    assert caught.value.exit_code == 7


@pytest.fixture(scope="module")
def reviewed_store(tmp_path_factory):
    """CAN (a train country) and TJK (a test country) scanned with the rules, and three reviewed labels."""
    from ndc_scan.pipeline import scan
    from ndc_scan.records import Decision
    from ndc_scan.store import Store

    from .conftest import SAMPLE

    path = tmp_path_factory.mktemp("reviewed") / "store.sqlite"
    scan([SAMPLE / "CAN_indc_2015.pdf", SAMPLE / "TJK_indc_2015.pdf"], out=None, store=path, ocr=False, jobs=2)
    with Store(path) as db:
        hashes = {r["text_hash"]: r["iso3"] for r in sql(db,
            "SELECT p.text_hash, d.iso3 FROM passages p JOIN documents d USING (doc_id) WHERE p.kind = 'paragraph'")}
        labelled = {item.text_hash for item in load_labels(PASSAGES)}
        can_labelled = next(h for h, iso3 in hashes.items() if iso3 == "CAN" and h in labelled)
        can_new = next(h for h, iso3 in hashes.items() if iso3 == "CAN" and h not in labelled)
        tjk = next(h for h, iso3 in hashes.items() if iso3 == "TJK")
        for text_hash, concept, decision, level in ((can_labelled, "wetlands", "accept", 1),
                                                    (can_new, "agroforestry", "accept", 2),
                                                    (tjk, "grazing_management", "reject", None)):
            db.save_decision(Decision(text_hash=text_hash, concept=concept, decision=decision, reviewer="ana",
                                      decided_at="2026-11-30T09:00:00Z", level=level))
    return path, can_labelled, can_new


@pytest.mark.slow
def test_reviewed_passages_become_examples_but_never_from_test_countries(reviewed_store, labelled):
    from ndc_scan.learn.reviews import reviewed_examples

    path, can_labelled, can_new = reviewed_store
    reviewed = reviewed_examples(path, labelled)
    assert (reviewed.used, reviewed.left_out, reviewed.missing) == (2, 1, 0)
    examples = {item.text_hash: item for item in reviewed.items}
    assert examples[can_labelled].concepts == {"wetlands": 1}            # the labelled passage, updated by the review
    assert examples[can_new].concepts == {"agroforestry": 2}
    assert reviewed.replaced == {can_labelled}
    assert all(item.iso3 == "CAN" and item.split == "train" for item in reviewed.items)


@pytest.mark.slow
def test_train_with_a_store_counts_the_reviews_in_the_card(reviewed_store, labelled, tmp_path):
    """A smaller training run through the CLI: a third of the labelled passages with a concept, half of the dev
    countries', a twelfth of the others (1,064 passages: about half the time of the 2,840 it used to take)."""
    from click.testing import CliRunner

    from ndc_scan.cli import main

    lines = PASSAGES.read_text(encoding="utf-8").splitlines()
    small = tmp_path / "labels.jsonl"
    small.write_text("\n".join(line for i, (line, item) in enumerate(zip(lines, labelled))
                               if (item.concepts and i % 3 == 0) or (item.split == "dev" and i % 2 == 0)
                               or i % 12 == 0), encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "--labels", str(small), "--out", str(tmp_path / "m"),
                                       "--store", str(reviewed_store[0])])
    assert result.exit_code == 0, result.output
    assert "2 reviewed label(s) added to the training data; 1 reviewed label(s) of held-out countries left out" in result.output
    data = read_card(tmp_path / "m")["training_data"]
    assert (data["reviewed_decisions"], data["reviewed_passages"], data["reviewed_left_out"]) == (2, 2, 1)
    both = CliRunner().invoke(main, ["train", "--labels", str(small), "--store", str(reviewed_store[0]), "--no-reviews"])
    assert both.exit_code == 2 and "--store and --no-reviews exclude each other" in both.output


@pytest.mark.parametrize("field, value, message", [
    ("calibration", {"soil_carbon": "x"}, "calibration.soil_carbon: must be two numbers [a, b], got 'x'"),
    ("gates", {**{c: {"veto": 0.0, "add": 1.01} for c in CONCEPT_IDS}, "wetlands": {"veto": "high", "add": 1.01}},
     "gates.wetlands: veto must be a number, got 'high'"),
])
def test_regression_card_fields_outside_the_model_hash_are_checked_before_a_scan(tmp_path, field, value, message):
    from click.testing import CliRunner

    from ndc_scan.cli import main

    folder = _copy(tmp_path)
    card = read_card(folder)
    card[field] = value
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match=re.escape(message)):
        load_model(folder)
    result = CliRunner().invoke(main, ["scan", str(ROOT / "corpora" / "sample" / "CAN_indc_2015.pdf"), "--model",
                                       str(folder), "--no-ocr", "--store", str(tmp_path / "s.sqlite"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 7 and message in result.output
    assert not (tmp_path / "s.sqlite").exists()           # refused before anything was read
