"""Learning from corrections: a classifier of document type and lĩnh vực trained on what staff corrected and
confirmed, blended with the rules only where the rules are unsure (see :func:`workers.pipeline.analyze.blend`).

:mod:`workers.learn.model` is the model itself (pure); :mod:`workers.learn.service` trains it from the store, keeps
it there, loads it once per process and retrains it in the background after corrections.
"""

from __future__ import annotations

from .model import Classifier, Example, features
from .service import learned_analysis, load_model, maybe_retrain, train_and_save, training_examples, wait_idle

__all__ = [
    "Classifier",
    "Example",
    "features",
    "learned_analysis",
    "load_model",
    "maybe_retrain",
    "train_and_save",
    "training_examples",
    "wait_idle",
]
