"""The learned classifier as an artefact: a scikit-learn pipeline saved with skops and as plain arrays, and its card.

A model lives in a folder (``models/<name>/``):

* ``model.skops`` — the fitted pipeline in skops' safe format: loading only rebuilds
  scikit-learn objects from a list of trusted types, it never runs code from the file;
* ``level.skops`` (optional) — the level model: the probability that a label is a commitment
  rather than a mention, from the passage, its headings and the cues (``features.level_input``);
* ``model.npz``, ``level.npz`` — the same two pipelines as plain arrays (``linear.py``): what a scan loads and
  predicts with, without importing scikit-learn or skops; a folder without them (trained before) is read from
  its ``.skops`` files;
* ``card.json`` — what the model is: the concept labels, the SHA-256 of the training
  data, of the taxonomy and of every file above, the library versions it was made with,
  its hyper-parameters, the per-concept gates that combine it with the rules, and its
  metrics on the test countries.

:func:`load_model` reads the card first and refuses a model file whose hash differs
from the card's, or a model made with another scikit-learn minor version (pickled
estimators are only guaranteed to load in the version that made them).

What the model reads of a passage is defined in ``features.py``.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..errors import ModelError, quoted
from ..taxonomy import CONCEPT_IDS
from .linear import LinearPipeline

MODEL_FILE = "model.skops"
LEVEL_FILE = "level.skops"
#: The pipelines as arrays (``linear.LinearPipeline``), by the attribute of ``Model`` each one is.
ARRAY_FILES = {"pipeline": "model.npz", "level_pipeline": "level.npz"}
CARD_FILE = "card.json"
#: Libraries whose versions the card records; the first must match to the minor version.
LIBRARIES = ("scikit-learn", "skops", "numpy", "scipy", "pandas", "spacy")


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Model:
    """A fitted pipeline and its card. ``predict_proba`` gives one column per concept of ``card['labels']``."""

    pipeline: Any                # a fitted scikit-learn Pipeline (None until ``load`` for a model from load_model)
    card: dict
    path: Optional[Path] = None
    level_pipeline: Any = None   # the level model (commitment vs mention), None when the card has none
    #: Files load_model checked but has not deserialised yet: (path, sha256, attribute); see ``load``.
    pending: tuple = field(default=(), repr=False, compare=False)

    def load(self) -> Model:
        """Deserialise the pipeline files load_model left on disk (0.5 s from arrays, 2.8 s from skops files: a scan
        that labels nothing never pays it)."""
        for path, sha256, attribute in self.pending:
            setattr(self, attribute, _load_pipeline(path, sha256))
        self.pending = ()
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.card["labels"])

    @property
    def name(self) -> str:
        return self.card["name"]

    @property
    def method(self) -> str:
        """Names the labels in the store: another model (or the same name retrained) re-labels passages."""
        return f"hybrid:{self.name}:{self.card['model_sha256'][:12]}"

    def gate(self, concept: str) -> dict[str, float]:
        return self.card["gates"][concept]

    def predict_proba(self, texts: list, evidence: list):
        """Probabilities, shape (len(texts), len(labels)), for passages given as model_text() and evidence_tokens()."""
        self.load()
        if not texts:
            import numpy as np
            return np.zeros((0, len(self.labels)))
        scores = _decision_function(self.pipeline, {"text": texts, "evidence": evidence})
        return calibrate(scores.reshape(len(texts), -1), self.card["calibration"])


    def commitment_proba(self, rows: list[dict]):
        """P(commitment rather than mention) for labels given as ``features.level_input`` rows."""
        import numpy as np
        from scipy.special import expit

        self.load()
        if not rows or self.level_pipeline is None:
            return np.zeros(len(rows))
        # A binary LogisticRegression's predict_proba[:, 1] is expit of its decision function.
        return expit(_decision_function(self.level_pipeline, {name: [row[name] for row in rows] for name in rows[0]}))


def _decision_function(pipeline: Any, columns: dict[str, list]):
    """A pipeline's scores for rows given as ``{column: values}``: the arrays' own computation, or scikit-learn's."""
    if isinstance(pipeline, LinearPipeline):
        return pipeline.decision_function(columns)
    import pandas as pd
    from sklearn import config_context

    # The input is built here, never by a user: skip scikit-learn's per-call checks (a scan
    # calls this once per document, and the checks cost more than the arithmetic).
    with config_context(assume_finite=True, skip_parameter_validation=True):
        return pipeline.decision_function(pd.DataFrame(columns))


def calibrate(scores, calibration: dict):
    """Scores (passages × concepts, in CONCEPT_IDS order) → probabilities, with the card's Platt parameters."""
    import numpy as np

    a = np.array([calibration[c][0] for c in CONCEPT_IDS])
    b = np.array([calibration[c][1] for c in CONCEPT_IDS])
    return 1.0 / (1.0 + np.exp(-(scores * a + b)))


def save_model(model: Model, folder: str | Path) -> Path:
    """Write ``model.skops`` and ``card.json`` into ``folder``; the card gets the file's hash."""
    import zipfile

    import skops.io as sio

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model_path = folder / MODEL_FILE
    sio.dump(model.pipeline, model_path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    model.card["model_file"] = MODEL_FILE
    model.card["model_sha256"] = sha256_file(model_path)
    if model.level_pipeline is not None:
        level_path = folder / LEVEL_FILE
        sio.dump(model.level_pipeline, level_path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        model.card.setdefault("level_model", {}).update(file=LEVEL_FILE, sha256=sha256_file(level_path))
    model.card["arrays"] = {}
    for attribute, name in ARRAY_FILES.items():
        if getattr(model, attribute) is not None:
            LinearPipeline.from_pipeline(getattr(model, attribute)).save(folder / name)
            model.card["arrays"][attribute] = {"file": name, "sha256": sha256_file(folder / name)}
    write_card(model.card, folder)
    model.path = folder
    return folder


def write_card(card: dict, folder: str | Path) -> Path:
    path = Path(folder) / CARD_FILE
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


def read_card(folder: str | Path) -> dict[str, Any]:
    folder = Path(folder)
    path = folder / CARD_FILE
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder",
                         remedy="pass --model with a folder made by 'ndc-scan train', or train one: ndc-scan train")
    if not path.is_file():
        raise ModelError(f"{folder}: has no {CARD_FILE}", remedy="train the model again with 'ndc-scan train --out FOLDER'")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: cannot be read ({exc})",
                         remedy="restore it from git (git checkout -- FILE) or train again") from exc
    if not isinstance(card, dict):
        raise ModelError(f"{path}: is not a JSON object", remedy="restore it from git (git checkout -- FILE) or train again")
    missing = {"name", "labels", "model_sha256", "versions", "gates", "calibration"} - set(card)
    if missing:
        raise ModelError(f"{path}: missing {', '.join(sorted(missing))}", remedy="train the model again with 'ndc-scan train'")
    # Probabilities and calibration are laid out in CONCEPT_IDS order: a card with other labels
    # (or another order) would pair each column with the wrong concept.
    if not isinstance(card["labels"], list) or card["labels"] != list(CONCEPT_IDS):
        raise ModelError(f"{path}: labels {card['labels']} are not this version's concepts in order "
                         f"({', '.join(CONCEPT_IDS)})", remedy="train the model again with 'ndc-scan train'")
    # The gates and the calibration are read from the card, not from the hashed model file: check them here,
    # or a hand-edited card fails with a TypeError in the middle of a scan.
    problems = [f"{key}: must be {kind.__name__}, got {quoted(card[key])}"
                for key, kind in (("name", str), ("model_sha256", str), ("versions", dict)) if not isinstance(card[key], kind)]
    problems += [f"gates.{c}: {problem}" for c in CONCEPT_IDS for problem in _gate_problems(card["gates"], c)]
    problems += [f"calibration.{c}: {problem}" for c in CONCEPT_IDS
                 for problem in _calibration_problems(card["calibration"], c)]
    if problems:
        raise ModelError(f"{path}: {'; '.join(problems[:5])}" + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
                         remedy="restore card.json from git (git checkout -- FILE) or train again")
    return card


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _gate_problems(gates: object, concept: str) -> list[str]:
    gate = gates.get(concept) if isinstance(gates, dict) else None
    if not isinstance(gate, dict):
        return [f"missing, or not an object with veto and add (got {quoted(gate)})"]
    return [f"{key} must be a number, got {quoted(gate.get(key))}" for key in ("veto", "add") if not _number(gate.get(key))]


def _calibration_problems(calibration: object, concept: str) -> list[str]:
    pair = calibration.get(concept) if isinstance(calibration, dict) else None
    if not (isinstance(pair, list) and len(pair) == 2 and all(map(_number, pair))):
        return [f"must be two numbers [a, b], got {quoted(pair)}"]
    return []


def load_model(folder: str | Path, *, lazy: bool = False) -> Model:
    """Load a model after checking its card: file hashes and scikit-learn version must match.

    ``lazy``: check everything now but deserialise the pipelines when the model is first used (``Model.load``)."""
    folder = Path(folder)
    card = read_card(folder)
    model_path = folder / card.get("model_file", MODEL_FILE)
    installed = library_versions()
    wanted = card["versions"].get("scikit-learn", "?")
    if _minor(wanted) != _minor(installed["scikit-learn"]):
        raise ModelError(f"{folder}: made with scikit-learn {wanted}, this is {installed['scikit-learn']}",
                         remedy=f"install scikit-learn=={wanted}, or retrain here: ndc-scan train --out {folder}")
    level = card.get("level_model")
    files = [(model_path, card["model_sha256"], "pipeline")]
    files += [(folder / level["file"], level["sha256"], "level_pipeline")] if level else []
    arrays: dict = card["arrays"] if isinstance(card.get("arrays"), dict) else {}
    # The arrays of a pipeline stand in for its skops file when the card lists them (a model trained since).
    loaded = [(folder / arrays[attribute]["file"], arrays[attribute]["sha256"], attribute)
              if isinstance(arrays.get(attribute), dict) else (path, sha256, attribute) for path, sha256, attribute in files]
    for path, sha256, _ in {*files, *loaded}:   # a missing or changed file fails now, before a scan starts
        _check_file(path, sha256)
    model = Model(pipeline=None, card=card, path=folder, pending=tuple(loaded))
    return model if lazy else model.load()


def _check_file(path: Path, sha256: str) -> None:
    if not path.is_file():
        raise ModelError(f"{path.parent}: {path.name} is missing", remedy="train the model again with 'ndc-scan train'")
    found = sha256_file(path)
    if found != sha256:
        raise ModelError(f"{path}: SHA-256 {found[:12]}… does not match the card ({sha256[:12]}…); "
                         "the file was changed or belongs to another card",
                         remedy="restore both files from the same training run, or train again with 'ndc-scan train'")


def _load_pipeline(path: Path, sha256: str):
    """A pipeline file of the model folder (arrays, or skops), after checking it exists and has the card's hash."""
    _check_file(path, sha256)
    if path.suffix == ".npz":
        try:
            return LinearPipeline.load(path)
        except (OSError, ValueError, KeyError) as exc:       # a hash-checked file: only a bug gets here
            raise ModelError(f"{path}: cannot be loaded ({type(exc).__name__}: {exc})",
                             remedy="train the model again with 'ndc-scan train'") from exc
    import skops.io as sio

    try:
        return sio.load(path, trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises bare exceptions for untrusted types and broken files
        raise ModelError(f"{path}: cannot be loaded ({type(exc).__name__}: {exc})",
                         remedy="train the model again with 'ndc-scan train'") from exc


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


#: Types skops may rebuild beyond its defaults (none: the pipeline is made of stock, trusted estimators).
TRUSTED_TYPES: list = []
