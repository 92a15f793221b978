"""The classify stage's contract: what a scan needs of a classifier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional, Protocol

from ..records import Match, Passage, Prediction


class Classifier(Protocol):
    """Labels a document's passages from the taxonomy matches found in them.

    ``method`` names the labels in the store (another method re-labels stored passages);
    ``predict_many`` gets every tagged passage of one document, ``{passage_id: matches}`` for those with a
    match and the document's language (ISO 639-1 or None; it settles number formats such as "2,500"), and
    returns one ``Prediction`` per passage and concept it labels.
    ``RuleClassifier`` and ``HybridClassifier`` fit; so does any object with these two members. One with a
    ``prepare()`` method has it called once before any worker starts (``prepare`` below): what it loads there
    is shared by the workers instead of loaded by each.
    """

    method: str

    def predict_many(self, passages: Sequence[Passage], found: Mapping[str, list[Match]],
                     language: Optional[str] = None) -> list[Prediction]:
        ...


def prepare(classifier: Classifier) -> None:
    """Let a classifier load what it deferred (e.g. a model's pipelines) before workers are started."""
    ready = getattr(classifier, "prepare", None)
    if callable(ready):
        ready()
