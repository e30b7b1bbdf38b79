"""A small classifier of document type and lĩnh vực learned from labelled documents. Pure: no store, no bus.

What it reads (:func:`features`): the folded issuer header, title, trích yếu (or "V/v" line) and the first lines
of a document, digits collapsed, so that the numbers, dates and names that vary between two documents of one kind
weigh little. How: TF-IDF of character n-grams (2 to 5, inside word boundaries) and a multinomial logistic
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

from workers.pipeline.classify import Layout, letters_fold

TARGETS = ("doc_type", "field")
FORMAT_VERSION = 1
FIRST_LINES = 14  # the first lines carry the header, the "Số:" line, the title and the subject
MIN_EXAMPLES = 5  # staff labels a class needs before the model may name it
CV_FOLDS = 3  # k of the cross-validated accuracy: k more trainings per target
_DIGITS = re.compile(r"\d+")


@dataclass
class Example:
    """One labelled document: its :func:`features` and, per target, the label and who gave it."""

    doc_id: str
    text: str  # features(layout)
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


def features(layout: Layout) -> str:
    """The text the model reads: folded header, title, subject and first lines, every number as ``0``."""
    parts = [*layout.header, layout.title_text, layout.subject_text]
    folded = [letters_fold(p) for p in parts if p] + [ln.fold for ln in layout.lines[:FIRST_LINES]]
    return _DIGITS.sub("0", "\n".join(folded))


def _pipeline(seed: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1, max_features=60000
    )
    # class_weight: ten staff corrections of a new kind must count against hundreds of rule-labelled documents
    model = LogisticRegression(C=100.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return make_pipeline(vectorizer, model)


def _cross_validate(
    texts: list[str], labels: list[str], staff: list[bool], seed: int
) -> tuple[float, float | None, int]:
    """(accuracy, accuracy on staff-labelled examples, folds) of k-fold predictions (k <= CV_FOLDS).

    Classes with a single example are left out (no fold could both train and test on them); classes with fewer
    examples than folds are spread as evenly as they go.
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
        predicted = cross_val_predict(_pipeline(seed), [texts[i] for i in keep], kept_labels, cv=cv)
    right = [p == y for p, y in zip(predicted, kept_labels, strict=True)]
    by_staff = [r for r, i in zip(right, keep, strict=True) if staff[i]]
    accuracy = sum(right) / len(right)
    return accuracy, (sum(by_staff) / len(by_staff) if by_staff else None), folds


class Classifier:
    """The trained models (one per target) and how they were trained. Implements ``analyze.Learned``."""

    def __init__(self, models: dict[str, Any], decidable: dict[str, frozenset[str]], meta: dict[str, Any]) -> None:
        self.models = models  # target -> fitted scikit-learn pipeline
        self.decidable = decidable  # target -> classes the model may name
        self.meta = meta  # version, trained_at, examples, per-target TargetReport dicts

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
        """Fit one model per target on ``examples``; a target with fewer than two classes gets none."""
        models: dict[str, Any] = {}
        decidable: dict[str, frozenset[str]] = {}
        reports: dict[str, dict[str, Any]] = {}
        for target in TARGETS:
            rows = [e for e in examples if e.labels.get(target)]
            labels = [e.labels[target] for e in rows]
            is_staff = [target in e.staff for e in rows]
            report = TargetReport(
                staff=dict(Counter(y for y, s in zip(labels, is_staff, strict=True) if s).most_common()),
                rules=dict(Counter(y for y, s in zip(labels, is_staff, strict=True) if not s).most_common()),
            )
            report.decidable = sorted(c for c, n in report.staff.items() if n >= min_examples)
            if len(set(labels)) >= 2:
                texts = [e.text for e in rows]
                if cross_validate:
                    accuracy, on_staff, folds = _cross_validate(texts, labels, is_staff, seed)
                    report.cv_accuracy = None if accuracy != accuracy else round(accuracy, 4)  # NaN: not enough
                    report.cv_accuracy_staff = None if on_staff is None else round(on_staff, 4)
                    report.cv_folds = folds
                models[target] = _pipeline(seed).fit(texts, labels)
                decidable[target] = frozenset(report.decidable)
                report.trained = True
            reports[target] = report.to_dict()
        meta = {
            "version": FORMAT_VERSION,
            "trained_at": trained_at,
            "examples": len(examples),
            "staff_examples": sum(1 for e in examples if e.staff),
            "min_examples": min_examples,
            "targets": reports,
            "sklearn": _sklearn_version(),
        }
        return cls(models, decidable, meta)

    @property
    def trained(self) -> bool:
        """Whether any target can be predicted (at least one class with enough staff labels)."""
        return any(self.decidable.get(t) for t in self.models)

    def predict(self, target: str, layout: Layout) -> tuple[str, float] | None:
        """The most probable class of ``target`` and its probability, when the model may name it; else None."""
        model = self.models.get(target)
        if model is None or not self.decidable.get(target):
            return None
        probabilities = model.predict_proba([features(layout)])[0]
        best = int(probabilities.argmax())
        code = str(model.classes_[best])
        return (code, round(float(probabilities[best]), 4)) if code in self.decidable[target] else None

    def dumps(self) -> bytes:
        """Serialized with joblib (a pickle: load only what this system wrote to its own store)."""
        import joblib

        buffer = io.BytesIO()
        payload = {"models": self.models, "decidable": {t: sorted(c) for t, c in self.decidable.items()}}
        joblib.dump({"meta": self.meta, **payload}, buffer, compress=3)
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
        return cls(payload["models"], decidable, meta)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)
