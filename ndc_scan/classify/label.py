"""Labelling one stored document: tag its passages, classify them, store matches and labels.

Used by the scan (``pipeline``) and by evaluation (``learn``), so both label a document the same way.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Optional

from ..passages.tag import Tagger
from ..records import TAGGED_KINDS, Document, Labelling, Match, Passage
from ..store import Store
from ..taxonomy import Taxonomy
from .breaks import across_breaks
from .protocol import Classifier
from .targets import document_years

#: The code that decides labels: the classify stage and the tagger. Labels stored by other code are made again.
_LABELLING_CODE = (Path(__file__).parent, Path(__file__).parents[1] / "passages" / "tag.py")


@functools.cache
def labels_version() -> str:
    """A hash of the labelling code's source and of the kinds of passages labelled: a change to the rules, levels,
    targets or those kinds re-labels stored documents."""
    digest = hashlib.sha256(repr(TAGGED_KINDS).encode())       # which passages are labelled
    files = sorted(p for path in _LABELLING_CODE for p in ([path] if path.is_file() else path.glob("*.py")))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def label_document(db: Store, document: Document, tagger: Tagger, classifier: Classifier, taxonomy: Taxonomy,
                   passages: Optional[list[Passage]] = None, *, force: bool = False) -> bool:
    """Label ``document`` unless its labels for this taxonomy, classifier and code are stored; True when it labelled.

    ``passages``: its tagged passages when just segmented (else they are read from the store); ``force``:
    label it even when such labels are stored.
    """
    if not force and db.is_tagged(document.doc_id, taxonomy.hash, classifier.method, labels_version()):
        return False
    if passages is None:
        passages = db.tagged_passages(document.doc_id)
    db.save_labelling(labelling(document, passages, tagger, classifier, taxonomy))
    return True


def labelling(document: Document, passages: list[Passage], tagger: Tagger, classifier: Classifier,
              taxonomy: Taxonomy, found: Optional[Mapping[str, list[Match]]] = None) -> Labelling:
    """Tag and classify a document's tagged passages: its matches and labels (with their targets), not stored.

    What a worker of a scan sends back (``work.tasks``); ``label_document`` stores it. ``found``: the passages'
    matches when they were just tagged.
    """
    found = tagger.tag(passages, document.meta.language) if found is None else found
    matches = ordered_matches(passages, found)
    language = document.meta.language
    predictions = tuple(document_years(passages, across_breaks(
        passages, found, classifier.predict_many(passages, found, language), language)))
    return Labelling(document.doc_id, taxonomy.hash, classifier.method, matches, predictions, labels_version())


def ordered_matches(passages: Sequence[Passage], found: Mapping[str, list[Match]]) -> tuple[Match, ...]:
    """The matches of a document's passages in the order a labelling stores them (reading order)."""
    return tuple(match for passage in passages for match in found.get(passage.passage_id, []))
