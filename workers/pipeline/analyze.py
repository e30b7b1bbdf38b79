"""Classification and metadata extraction of one document: the ``analyze`` stage of the pipeline.

``analyze(text)`` takes all pages' text joined by ``\\f`` (text layer or OCR) and returns an
:class:`~workers.pipeline.types.Analysis`. It never raises on odd text: fields it cannot read are None.
A malformed taxonomy override raises :class:`workers.errors.ConfigError` when it is loaded.
"""

from __future__ import annotations

import logging

from workers.pipeline import extract as ex
from workers.pipeline.classify import classify, parse_layout
from workers.pipeline.taxonomy import Taxonomy, load_taxonomy
from workers.pipeline.types import Analysis

log = logging.getLogger(__name__)


def analyze(text: str, taxonomy: Taxonomy | None = None) -> Analysis:
    """Document type, lĩnh vực and metadata of one document (pages joined by form feeds)."""
    tax = taxonomy or load_taxonomy()
    layout = parse_layout(text, tax)
    kind = classify(layout, tax)
    issued = ex.extract_ngay_ban_hanh(layout)
    nguoi_ky, chuc_vu = ex.extract_signer(layout, tax)
    issuer = ex.extract_co_quan_ban_hanh(layout, tax)
    chu_the = ex.extract_chu_the(layout, tax, kind.doc_type, issuer)
    result = Analysis(
        doc_type=kind.doc_type,
        doc_type_confidence=kind.doc_type_confidence,
        doc_subtype=kind.doc_subtype,
        field=kind.field,
        field_confidence=kind.field_confidence,
        so_ky_hieu=ex.extract_so_ky_hieu(layout, tax),
        ngay_ban_hanh=issued,
        co_quan_ban_hanh=issuer or (chu_the if kind.doc_type == "don_de_nghi" else None),
        nguoi_ky=nguoi_ky,
        chuc_vu_nguoi_ky=chuc_vu,
        trich_yeu=ex.extract_trich_yeu(layout, tax, kind.doc_type),
        hieu_luc_den=ex.extract_hieu_luc_den(layout, issued),
        chu_the=chu_the,
        ma_ho_so=ex.extract_ma_ho_so(layout),
    )
    log.debug("analyzed doc_type=%s field=%s so_ky_hieu=%s", result.doc_type, result.field, result.so_ky_hieu)
    return result
