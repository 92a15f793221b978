"""Hand labels: passages people read against the concept definitions (``corpora/labels/passages.jsonl``).

Format in ``corpora/labels/README.md``. The file is split by country into ``train``, ``dev``
and ``test``; :func:`load_labels` checks every row and lists every problem at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..defaults import DEFAULT_LABELS
from ..errors import LabelsError, UsageError
from ..records import LabelledPassage, Passage
from ..taxonomy import CONCEPT_IDS

#: Splits the model is fitted on, and splits that are only ever scored (by country: no country is in both).
FITTED = ("train",)
HELD_OUT = ("dev", "test")
_REQUIRED = ("passage_id", "text_hash", "file", "iso3", "language", "page", "heading_path", "text", "concepts", "split")


def load_labels(path: str | Path = DEFAULT_LABELS) -> list[LabelledPassage]:
    """Read and check a labels file; every bad row is reported at once (LabelsError)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such labels file",
                         remedy="pass --labels with a JSONL file of labelled passages (see corpora/labels/README.md)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})", remedy="check the file is UTF-8 JSONL") from exc
    labelled: list[LabelledPassage] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        missing = [key for key in _REQUIRED if key not in row]
        unknown = [c for c in (row.get("concepts") or {}) if c not in CONCEPT_IDS]
        if missing or unknown:
            problems.append(f"line {number}: " + "; ".join(
                ([f"missing {', '.join(missing)}"] if missing else []) +
                ([f"unknown concept(s) {', '.join(unknown)} (known: {', '.join(CONCEPT_IDS)})"] if unknown else [])))
            continue
        try:
            item = LabelledPassage(
                passage_id=row["passage_id"], text_hash=row["text_hash"], file=row["file"], iso3=row["iso3"],
                language=row["language"] or "", page=int(row["page"]), heading_path=row["heading_path"] or "",
                text=row["text"], concepts={c: int(v) for c, v in row["concepts"].items()}, split=row["split"],
                labeller=row.get("labeller", ""), guideline=row.get("guideline", ""))
        except (ValueError, TypeError) as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if item.passage_id in seen:
            problems.append(f"line {number}: passage {item.passage_id} already labelled on line {seen[item.passage_id]}")
            continue
        seen[item.passage_id] = number
        labelled.append(item)
    _check_split_by_country(labelled, problems)
    if problems:
        raise LabelsError(str(path), problems)
    if not labelled:
        raise UsageError(f"{path}: holds no labelled passages", remedy="label passages first (corpora/labels/README.md)")
    return labelled


def _check_split_by_country(labelled: Sequence[LabelledPassage], problems: list[str]) -> None:
    splits: dict[str, set[str]] = {}
    for item in labelled:
        splits.setdefault(item.iso3, set()).add(item.split)
    for iso3, found in sorted(splits.items()):
        if len(found) > 1:
            problems.append(f"country {iso3} is in several splits ({', '.join(sorted(found))}): the split must be by country")


def by_language(labelled: Sequence[LabelledPassage]) -> dict[str, list[int]]:
    """{language: [positions in ``labelled``]}: passages are tagged per language, as a scan tags a document."""
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(labelled):
        groups.setdefault(item.language, []).append(i)
    return dict(sorted(groups.items()))


def as_passage(item: LabelledPassage) -> Passage:
    """A labelled passage as the pipeline's Passage record (for the tagger and classifiers)."""
    return Passage(passage_id=item.passage_id, doc_id="0" * 64, page_no=item.page, start=0, end=len(item.text),
                   text=item.text, heading_path=item.heading_path, kind="paragraph")


def gold_matrix(labelled: Sequence[LabelledPassage]) -> np.ndarray:
    """Boolean (passages × CONCEPT_IDS): the concept is in the passage's hand labels."""
    return np.array([[concept in item.concepts for concept in CONCEPT_IDS] for item in labelled], dtype=bool)


def data_hash(labelled: Sequence[LabelledPassage]) -> str:
    """SHA-256 over what training reads of each labelled passage, in file order."""
    digest = hashlib.sha256()
    for item in labelled:
        digest.update(json.dumps([item.passage_id, item.text, item.heading_path, item.language,
                                  sorted(item.concepts.items()), item.split], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
