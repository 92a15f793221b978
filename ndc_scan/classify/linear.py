"""A fitted text pipeline as plain arrays, predicted with NumPy and SciPy: what a scan uses, without scikit-learn.

The learned models are scikit-learn pipelines of one shape: a ``ColumnTransformer`` of word-count or TF-IDF
vectorizers (one per input column, nothing else kept) followed by a linear classifier (``LogisticRegression``, or
``OneVsRestClassifier`` of them). ``LinearPipeline.from_pipeline`` takes their fitted numbers — each vectorizer's
vocabulary and IDF weights, the classifier's coefficients and intercepts — and ``decision_function`` computes what
the pipeline's ``decision_function`` does, step for step in the same order (tokens, n-grams, counts, sublinear TF,
IDF, L2 norm summed in index order, sparse product): the scores are equal to the last bit on the 6,730 labelled
passages (``tests/test_model.py``). Loading it imports neither scikit-learn nor skops (about 2 s a scan saved); the
arrays are saved with ``numpy.savez`` and read with ``allow_pickle=False``, so a file cannot run code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: What ``from_pipeline`` accepts of a vectorizer: anything else would be computed differently here.
_PLAIN = {"analyzer": "word", "preprocessor": None, "tokenizer": None, "stop_words": None, "strip_accents": None,
          "input": "content", "decode_error": "strict"}


class LinearPipeline:
    """Vectorizers (one per column) and a linear classifier's coefficients; see the module's docstring."""

    def __init__(self, parts: list[dict], arrays: Mapping[str, np.ndarray]):
        self.parts = parts
        self.arrays = dict(arrays)
        self._vectorizers = [_Vectorizer(part, self.arrays[f"terms{k}"], self.arrays.get(f"idf{k}"))
                             for k, part in enumerate(parts)]
        self.coef, self.intercept = self.arrays["coef"], self.arrays["intercept"]

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> LinearPipeline:
        """The arrays of a fitted ``Pipeline([("features", ColumnTransformer), (name, classifier)])``."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier

        features, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
        if len(pipeline.steps) != 2 or features.remainder != "drop":
            raise ValueError("not a pipeline of a column transformer and a linear classifier")
        parts: list[dict] = []
        arrays: dict[str, np.ndarray] = {}
        for name, vectorizer, column in (t for t in features.transformers_ if t[0] != "remainder"):
            settings = vectorizer.get_params()
            if any(settings.get(key) != value for key, value in _PLAIN.items()) or not isinstance(column, str):
                raise ValueError(f"vectorizer {name}: settings this module does not compute")
            tfidf = isinstance(vectorizer, TfidfVectorizer)
            if tfidf and (settings["norm"] != "l2" or not settings["use_idf"]):
                raise ValueError(f"vectorizer {name}: only l2-normalised TF-IDF is computed here")
            k = len(parts)
            parts.append({"name": name, "column": column, "lowercase": bool(settings["lowercase"]),
                          "token_pattern": settings["token_pattern"], "ngram_range": list(settings["ngram_range"]),
                          "binary": bool(settings["binary"]), "tfidf": tfidf,
                          "sublinear_tf": bool(settings.get("sublinear_tf", False))})
            terms = [""] * len(vectorizer.vocabulary_)
            for term, index in vectorizer.vocabulary_.items():
                terms[index] = term
            arrays[f"terms{k}"] = np.array(terms, dtype=str)
            if tfidf:
                arrays[f"idf{k}"] = np.asarray(vectorizer.idf_, dtype=np.float64)
        estimators = classifier.estimators_ if isinstance(classifier, OneVsRestClassifier) else [classifier]
        arrays["coef"] = np.vstack([np.asarray(e.coef_, dtype=np.float64) for e in estimators])
        arrays["intercept"] = np.concatenate([np.asarray(e.intercept_, dtype=np.float64) for e in estimators])
        return cls(parts, arrays)

    def save(self, path: str | Path) -> Path:
        """Write the arrays and the settings (as JSON text) into one ``.npz`` file."""
        arrays: dict[str, Any] = {"parts": np.array(json.dumps(self.parts)), **self.arrays}
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> LinearPipeline:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        return cls(json.loads(str(arrays.pop("parts"))), arrays)

    def decision_function(self, columns: Mapping[str, Sequence[str]]) -> np.ndarray:
        """Scores, shape (rows, classes), of the rows given as ``{column: texts}``; one class: shape (rows,)."""
        import scipy.sparse as sp

        features = sp.hstack([vectorizer.transform(columns[part["column"]])
                              for part, vectorizer in zip(self.parts, self._vectorizers)], format="csr")
        scores = features @ self.coef.T + self.intercept
        return scores.ravel() if scores.shape[1] == 1 else scores


class _Vectorizer:
    """One column's CountVectorizer or TfidfVectorizer ``transform``, from its settings and fitted arrays."""

    def __init__(self, part: dict, terms: np.ndarray, idf: np.ndarray | None):
        self.part, self.idf = part, idf
        self.vocabulary = {term: index for index, term in enumerate(terms.tolist())}
        self.pattern = re.compile(part["token_pattern"])

    def transform(self, texts: Sequence[str]):
        import scipy.sparse as sp

        low, high = self.part["ngram_range"]
        vocabulary = self.vocabulary
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for text in texts:
            tokens = self.pattern.findall(text.lower() if self.part["lowercase"] else text)
            features = list(tokens) if low == 1 else []
            for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
                features += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
            counts: dict[int, int] = {}
            for feature in features:
                index = vocabulary.get(feature)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            indices.extend(counts)
            values.extend(counts.values())
            indptr.append(len(indices))
        matrix = sp.csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                                np.asarray(indptr, dtype=np.int64)), shape=(len(texts), len(vocabulary)))
        matrix.sort_indices()
        if self.part["binary"]:
            matrix.data.fill(1)
        if self.part["tfidf"]:
            if self.part["sublinear_tf"]:
                np.log(matrix.data, matrix.data)
                matrix.data += 1.0
            assert self.idf is not None, "a TF-IDF part has its IDF weights"
            matrix.data *= self.idf[matrix.indices]
            for row in range(matrix.shape[0]):      # l2, summed in index order as scikit-learn's loop does
                start, end = matrix.indptr[row], matrix.indptr[row + 1]
                total = 0.0
                for value in matrix.data[start:end].tolist():
                    total += value * value
                if total != 0.0:
                    matrix.data[start:end] /= np.sqrt(total)
        return matrix


__all__ = ["LinearPipeline"]
