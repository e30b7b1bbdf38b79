"""A small classifier of document type and lĩnh vực learned from labelled documents. Pure: no store, no bus.

What it reads (:func:`features`): the folded issuer header, title, trích yếu (or "V/v" line) and the first lines
of a document, digits collapsed, so that the numbers, dates and names that vary between two documents of one kind
weigh little. How: one TF-IDF of character n-grams (2 to 5, inside word boundaries) and a multinomial logistic
regression per target (``doc_type``, ``field``), whose probabilities the blend in
:mod:`workers.pipeline.analyze` compares with a threshold.

Only classes with at least ``min_examples`` *staff* labels (corrections and confirmations) can be predicted;
documents labelled by confident rules only train the model what the other classes look like. A target with
fewer than two classes has no model. scikit-learn is imported when a model is trained or loaded, never when this
module is imported.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workers.pipeline.classify import letters_fold, parse_layout

TARGETS = ("doc_type", "field")
FORMAT_VERSION = 2
FIRST_LINES = 14  # the first lines carry the header, the "Số:" line, the title and the subject
HEAD_LINES = 60  # lines laid out to find them
MAX_FEATURES = 60000  # character n-grams kept (folded Vietnamese has a few thousand per few hundred documents)
MIN_EXAMPLES = 5  # staff labels a class needs before the model may name it
CV_FOLDS = 3  # k of the cross-validated accuracy: k more trainings per target
_DIGITS = re.compile(r"\d+")


@dataclass
class Example:
    """One labelled document: its :func:`features` and, per target, the label and who gave it."""

    doc_id: str
    text: str  # features(document text)
    labels: dict[str, str]  # target -> code
    staff: frozenset[str] = frozenset()  # targets a person labelled (the others come from confident rules)


@dataclass
class TargetReport:
    """How one target was trained: counts per class (staff, rules), cross-validated accuracy."""

    staff: dict[str, int] = field(default_factory=dict)
    rules: dict[str, int] = field(default_factory=dict)
    decidable: list[str] = field(default_factory=list)  # classes with >= min_examples staff labels
    cv_accuracy: float | None = None  # over every example, k-fold
    cv_accuracy_staff: float | None = None  # over the staff-labelled examples only
    cv_folds: int = 0
    trained: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def features(text: str) -> str:
    """The text the model reads: folded header, title, subject and first lines of ``text``, every number as ``0``.

    The layout is read without the taxonomy (about 1 ms, against 20 ms with its OCR-tolerant title matching: the same
    parts on every sample) and from the first lines only, where those parts are; a model does not change when the
    taxonomy does.
    """
    layout = parse_layout("\n".join(text.split("\n", HEAD_LINES)[:HEAD_LINES]))
    parts = [*layout.header, layout.title_text, layout.subject_text]
    folded = [letters_fold(p) for p in parts if p] + [ln.fold for ln in layout.lines[:FIRST_LINES]]
    return _DIGITS.sub("0", "\n".join(folded))


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=MAX_FEATURES)


def _classifier(seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    # C high (little regularization): a class taught by ten documents gets probabilities near 1 on its kind.
    # class_weight: ten staff corrections of a new kind must count against hundreds of rule-labelled documents.
    return LogisticRegression(C=100.0, max_iter=2000, class_weight="balanced", random_state=seed)


def _cross_validate(matrix: Any, labels: list[str], staff: list[bool], seed: int) -> tuple[float, float | None, int]:
    """(accuracy, accuracy on staff-labelled examples, folds) of k-fold predictions (k <= CV_FOLDS).

    Classes with a single example are left out (no fold could both train and test on them); classes with fewer
    examples than folds are spread as evenly as they go. The vectorizer (IDF weights, vocabulary) is the one fitted on
    every example, as it is in the model itself.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = Counter(labels)
    keep = [i for i, y in enumerate(labels) if counts[y] >= 2]
    kept_labels = [labels[i] for i in keep]
    kept_counts = Counter(kept_labels)
    if len(kept_counts) < 2:
        return float("nan"), None, 0
    folds = min(CV_FOLDS, max(kept_counts.values()))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        predicted = cross_val_predict(_classifier(seed), matrix[keep], kept_labels, cv=cv)
    right = [p == y for p, y in zip(predicted, kept_labels, strict=True)]
    by_staff = [r for r, i in zip(right, keep, strict=True) if staff[i]]
    accuracy = sum(right) / len(right)
    return accuracy, (sum(by_staff) / len(by_staff) if by_staff else None), folds


class Classifier:
    """The trained models (one vectorizer, one model per target) and how they were trained.

    Implements ``workers.pipeline.analyze.Learned``.
    """

    def __init__(
        self, vectorizer: Any, models: dict[str, Any], decidable: dict[str, frozenset[str]], meta: dict[str, Any]
    ) -> None:
        self.vectorizer = vectorizer  # fitted TfidfVectorizer (None when nothing was trained)
        self.models = models  # target -> fitted LogisticRegression
        self.decidable = decidable  # target -> classes the model may name
        self.meta = meta  # version, trained_at, examples, per-target TargetReport dicts
        self._last: tuple[str, Any] | None = None  # (text, vector): one document asks for both targets

    @classmethod
    def train(
        cls,
        examples: list[Example],
        *,
        min_examples: int = MIN_EXAMPLES,
        cross_validate: bool = True,
        seed: int = 0,
        trained_at: str = "",
    ) -> Classifier:
        """Fit one model per target on ``examples``; a target with fewer than two classes gets none.

        Runs on one BLAS thread: on small sparse problems more threads only contend (3-5x slower on 2 busy cores),
        and a background retraining must leave the other core to the API and the workers.
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return cls._train(examples, min_examples, cross_validate, seed, trained_at)

    @classmethod
    def _train(
        cls, examples: list[Example], min_examples: int, cross_validate: bool, seed: int, trained_at: str
    ) -> Classifier:
        vectorizer = _vectorizer() if examples else None
        matrix = vectorizer.fit_transform([e.text for e in examples]) if vectorizer is not None else None
        if vectorizer is not None:
            vectorizer.stop_words_ = None  # the terms it left out: only weight in the pickle
        models: dict[str, Any] = {}
        decidable: dict[str, frozenset[str]] = {}
        reports: dict[str, dict[str, Any]] = {}
        for target in TARGETS:
            rows = [i for i, e in enumerate(examples) if e.labels.get(target)]
            labels = [examples[i].labels[target] for i in rows]
            is_staff = [target in examples[i].staff for i in rows]
            report = TargetReport(
                staff=dict(Counter(y for y, s in zip(labels, is_staff, strict=True) if s).most_common()),
                rules=dict(Counter(y for y, s in zip(labels, is_staff, strict=True) if not s).most_common()),
            )
            report.decidable = sorted(c for c, n in report.staff.items() if n >= min_examples)
            if len(set(labels)) >= 2 and matrix is not None:
                if cross_validate:
                    accuracy, on_staff, folds = _cross_validate(matrix[rows], labels, is_staff, seed)
                    report.cv_accuracy = None if accuracy != accuracy else round(accuracy, 4)  # NaN: not enough
                    report.cv_accuracy_staff = None if on_staff is None else round(on_staff, 4)
                    report.cv_folds = folds
                models[target] = _classifier(seed).fit(matrix[rows], labels)
                decidable[target] = frozenset(report.decidable)
                report.trained = True
            reports[target] = report.to_dict()
        meta = {
            "version": FORMAT_VERSION,
            "trained_at": trained_at,
            "examples": len(examples),
            "staff_examples": sum(1 for e in examples if e.staff),
            "min_examples": min_examples,
            "features": len(vectorizer.vocabulary_) if vectorizer else 0,
            "targets": reports,
            "sklearn": _sklearn_version(),
        }
        return cls(vectorizer if models else None, models, decidable, meta)

    @property
    def trained(self) -> bool:
        """Whether any target can be predicted (at least one class with enough staff labels)."""
        return any(self.decidable.get(t) for t in self.models)

    def predict(self, target: str, text: str) -> tuple[str, float] | None:
        """The most probable class of ``target`` for the document ``text`` and its probability, when the model may
        name it; else None."""
        model = self.models.get(target)
        if model is None or not self.decidable.get(target):
            return None
        last = self._last
        if last is None or last[0] is not text:
            last = self._last = (text, self.vectorizer.transform([features(text)]))
        probabilities = model.predict_proba(last[1])[0]
        best = int(probabilities.argmax())
        code = str(model.classes_[best])
        return (code, round(float(probabilities[best]), 4)) if code in self.decidable[target] else None

    def dumps(self) -> bytes:
        """Serialized with joblib (a pickle: load only what this system wrote to its own store)."""
        import joblib

        buffer = io.BytesIO()
        payload = {
            "vectorizer": self.vectorizer,
            "models": self.models,
            "decidable": {t: sorted(c) for t, c in self.decidable.items()},
        }
        joblib.dump({"meta": self.meta, **payload}, buffer, compress=1)
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> Classifier:
        """The classifier :meth:`dumps` wrote. Raises ``ValueError`` for another format version."""
        import joblib

        payload = joblib.load(io.BytesIO(data))
        meta = payload.get("meta", {})
        if meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"model format {meta.get('version')!r}, expected {FORMAT_VERSION}")
        decidable = {t: frozenset(c) for t, c in payload["decidable"].items()}
        return cls(payload["vectorizer"], payload["models"], decidable, meta)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)
