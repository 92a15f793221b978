"""Reviews as training data: passages people reviewed in a store become labelled examples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..aggregate.decisions import outcomes
from ..records import LabelledPassage
from ..store import Row, Store
from ..taxonomy import CONCEPT_IDS
from .labels import FITTED, HELD_OUT


@dataclass
class Reviewed:
    """Passages people reviewed in a store, as training examples."""

    items: list[LabelledPassage] = field(default_factory=list)      # split "train"
    replaced: set[str] = field(default_factory=set)     # text hashes of labelled passages the reviews update
    used: int = 0                # reviewed labels (passage × concept, the decision that counts) in ``items``
    left_out: int = 0            # reviewed labels of test countries (or of test passages, or of an unknown country)
    missing: int = 0             # reviewed labels whose passage is not in the store (a restored backup)


def reviewed_examples(store: str | Path, labelled: Sequence[LabelledPassage]) -> Reviewed:
    """Reviewed passages of ``store`` as training examples, never from a test country.

    A passage's concepts: those of its labelled passage (same text) when there is one, else
    the labels the scan counts for it; then every reviewed label of it applied (accepted
    or corrected: that level; rejected: removed). Passages of test countries, the test
    passages themselves and passages of an unknown country are left out (and counted).
    """
    result = Reviewed()
    with Store(store, create=False) as db:
        decided = outcomes(db.decisions())
        if not decided:
            return result
        test_countries = {item.iso3 for item in labelled if item.split in HELD_OUT}
        test_hashes = {item.text_hash for item in labelled if item.split in HELD_OUT}
        fitted = {item.text_hash: item for item in labelled if item.split in FITTED}
        found: dict[str, Row] = {}
        for row in db.tagged_passages_with_documents():
            if row["text_hash"] in decided:
                found.setdefault(row["text_hash"], row)
        counted: dict[str, dict[str, int]] = {}
        for row in db.labels_that_count():
            if row["counted"] and row["text_hash"] in decided:
                counted.setdefault(row["text_hash"], {})[row["concept"]] = row["level"]
    for text_hash in sorted(decided):
        reviews, passage = decided[text_hash], found.get(text_hash)
        if passage is None:
            result.missing += len(reviews)
            continue
        row = passage
        if not row["iso3"] or row["iso3"] in test_countries or text_hash in test_hashes:
            result.left_out += len(reviews)
            continue
        concepts = dict(fitted[text_hash].concepts) if text_hash in fitted else dict(counted.get(text_hash, {}))
        for concept, (level, _) in reviews.items():
            if level:
                concepts[concept] = level
            else:
                concepts.pop(concept, None)
        reviewers = sorted({resolution.decision.reviewer for _, resolution in reviews.values()})
        result.items.append(LabelledPassage(
            passage_id=row["passage_id"], text_hash=text_hash, file=row["file_name"], iso3=row["iso3"],
            language=row["language"] or "", page=row["page_no"], heading_path=row["heading_path"], text=row["text"],
            concepts={c: concepts[c] for c in CONCEPT_IDS if c in concepts}, split="train",
            labeller="review: " + ", ".join(reviewers), guideline="ndc-scan review"))
        result.used += len(reviews)
        if text_hash in fitted:
            result.replaced.add(text_hash)
    return result
