"""Classification and metadata extraction of one document: the ``analyze`` stage of the pipeline.

``analyze(text)`` takes all pages' text joined by ``\\f`` (text layer or OCR) and returns an
:class:`~workers.pipeline.types.Analysis`. It never raises on odd text: fields it cannot read are None.
A malformed taxonomy override raises :class:`workers.errors.ConfigError` when it is loaded.

``analyze(text, model=...)`` also consults a model learned from staff corrections (``workers.learn``; the caller
loads it, this stage does no I/O). :func:`blend` lets it decide the type or the field only where the rules are
unsure, so it can never undo a confident rule decision; ``doc_type_source`` / ``field_source`` say who decided.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Protocol

from workers.pipeline import extract as ex
from workers.pipeline.classify import Classification, classify, parse_layout
from workers.pipeline.issuer import extract_co_quan_ban_hanh
from workers.pipeline.sokyhieu import extract_so_ky_hieu
from workers.pipeline.taxonomy import Taxonomy, load_taxonomy
from workers.pipeline.types import Analysis
from workers.pipeline.validity import extract_hieu_luc_den

log = logging.getLogger(__name__)

# The rules are sure of a type at or above 0.65: a title, a "V/v" line or a type symbol read (0.75 and up), not a
# guess from keywords alone (0.6 at most). Of a field at or above 0.6, the line under which a document goes to review.
RULES_SURE = {"doc_type": 0.65, "field": 0.6}
MODEL_SURE = 0.8  # the model decides only with at least this probability


class Learned(Protocol):
    """A model of document type and field (``workers.learn.model.Classifier``)."""

    def predict(self, target: str, text: str) -> tuple[str, float] | None:
        """(code, probability) of ``target`` ("doc_type" or "field") for the document ``text``, or None when the
        model cannot name it."""


def rules_unsure(target: str, code: str | None, confidence: float) -> bool:
    """Whether the rules' ``target`` ("doc_type" or "field") leaves room for the model: none, "unknown", or a
    confidence under ``RULES_SURE[target]``."""
    return not code or code == "unknown" or confidence < RULES_SURE[target]


def blend(kind: Classification, text: str, model: Learned) -> tuple[Classification, str, str]:
    """The rules' ``kind`` with the model's type and field where the rules are unsure and the model is sure.

    Returns (classification, doc_type_source, field_source), each source ``rules`` or ``model``. A confident rule
    decision is never replaced. When the model sets the type, the rules' subtype (which belongs to the rules' type)
    is dropped. A failing model is logged and ignored: the rules' answer stands.
    """
    sources = {"doc_type": "rules", "field": "rules"}
    decided: dict[str, tuple[str, float]] = {}
    try:
        for target, code, conf in (
            ("doc_type", kind.doc_type, kind.doc_type_confidence),
            ("field", kind.field, kind.field_confidence),
        ):
            guess = model.predict(target, text) if rules_unsure(target, code, conf) else None
            if guess is not None and guess[1] >= MODEL_SURE:
                decided[target], sources[target] = guess, "model"
    except Exception:  # an unreadable or mismatched model must not cost the document its rule metadata
        log.exception("learned model failed; rules only")
        return kind, "rules", "rules"
    if "doc_type" in decided:
        code, prob = decided["doc_type"]
        subtype = kind.doc_subtype if code == kind.doc_type else None
        kind = dataclasses.replace(kind, doc_type=code, doc_type_confidence=prob, doc_subtype=subtype)
    if "field" in decided:
        kind = dataclasses.replace(kind, field=decided["field"][0], field_confidence=decided["field"][1])
    return kind, sources["doc_type"], sources["field"]


def analyze(text: str, taxonomy: Taxonomy | None = None, model: Learned | None = None) -> Analysis:
    """Document type, lĩnh vực and metadata of one document (pages joined by form feeds).

    ``model``: optional learned classifier, consulted through :func:`blend` where the rules are unsure.
    """
    tax = taxonomy or load_taxonomy()
    layout = parse_layout(text, tax)
    kind = classify(layout, tax)
    type_source = field_source = "rules"
    if model is not None:
        kind, type_source, field_source = blend(kind, text, model)
    issued = ex.extract_ngay_ban_hanh(layout)
    nguoi_ky, chuc_vu = ex.extract_signer(layout, tax)
    issuer = extract_co_quan_ban_hanh(layout, tax)
    chu_the = ex.extract_chu_the(layout, tax, kind.doc_type, issuer)
    result = Analysis(
        doc_type=kind.doc_type,
        doc_type_confidence=kind.doc_type_confidence,
        doc_subtype=kind.doc_subtype,
        field=kind.field,
        field_confidence=kind.field_confidence,
        so_ky_hieu=extract_so_ky_hieu(layout, tax, kind.doc_type),
        ngay_ban_hanh=issued,
        co_quan_ban_hanh=issuer or (chu_the if kind.doc_type == "don_de_nghi" else None),
        nguoi_ky=nguoi_ky,
        chuc_vu_nguoi_ky=chuc_vu,
        trich_yeu=ex.extract_trich_yeu(layout, tax, kind.doc_type),
        hieu_luc_den=extract_hieu_luc_den(layout.full_text, layout.full_fold, issued),
        chu_the=chu_the,
        ma_ho_so=ex.extract_ma_ho_so(layout),
        doc_type_source=type_source,
        field_source=field_source,
    )
    log.debug("analyzed doc_type=%s field=%s so_ky_hieu=%s", result.doc_type, result.field, result.so_ky_hieu)
    return result
