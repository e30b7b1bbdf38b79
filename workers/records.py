"""The document record: what the index holds, ``sohoa dump`` prints and the API returns.

Built from a processed document plus staff corrections; corrections always win over the machine.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import correction_log
from .context import Context, derived_key
from .errors import NotFoundError, SohoaError
from .pipeline.types import METADATA_FIELDS

if TYPE_CHECKING:
    from .pipeline.process import Processed

DUMP_KEYS = (
    "doc_id",
    "filename",
    "batch",
    "dossier",
    "state",
    "error_code",
    "pages",
    "ocr_confidence",
    "doc_type",
    "field",
    "so_ky_hieu",
    "ngay_ban_hanh",
    "co_quan_ban_hanh",
    "nguoi_ky",
    "trich_yeu",
    "hieu_luc_den",
    "chu_the",
    "ma_ho_so",
    "text",
)
CORRECTABLE = METADATA_FIELDS
log = logging.getLogger(__name__)


def processed_fields(result: Processed, low_confidence: float, review_confidence: float = 0.6) -> dict[str, Any]:
    """Index fields from a pipeline result (before corrections)."""
    read, analysis = result.read, result.analysis
    confidence = read.confidence
    low = confidence is not None and confidence < low_confidence
    fields: dict[str, Any] = {
        "state": "indexed",
        "stage": "done",
        "kind": read.kind,
        "pages": len(read.pages),
        "pages_ocr": read.pages_ocr,
        "pages_text": len(read.pages) - read.pages_ocr,
        "ocr_confidence": confidence,
        "low_confidence": low,
        "page_info": [
            {"n": p.number, "source": p.source, "confidence": p.confidence, "rotation": p.rotation, "note": p.note}
            for p in read.pages
        ],
        # A scan with no text at all (a blank or photographed page, a scan of the wrong side) is done,
        # but a person should look at it: it goes to the review queue with this flag.
        "no_text": not read.text.strip(),
        "text": read.text,
        "seconds": result.seconds,
        "error_code": None,
        "error_message": None,
    }
    data = analysis.to_dict()
    extra = data.pop("extra", {}) or {}
    fields.update(data)
    fields["doc_type_name"] = extra.get("doc_type_name") or doc_type_name(analysis.doc_type)
    fields["machine"] = {k: data.get(k) for k in METADATA_FIELDS}
    fields["review"] = bool(low or fields["no_text"] or analysis.doc_type_confidence < review_confidence)
    return fields


@lru_cache(maxsize=1)
def taxonomy_names() -> tuple[dict[str, str], dict[str, str]]:
    """(doc type code -> display name, field code -> display name) from the packaged taxonomy.

    Empty maps when the taxonomy cannot be read: a name is cosmetic, so showing or exporting a record
    never fails over it (the worker reports a broken taxonomy where it classifies).
    """
    try:
        from .pipeline.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
    except (SohoaError, ImportError, AttributeError) as exc:
        log.warning("taxonomy names unavailable: %s", exc)
        return {}, {}
    return {t.code: t.name for t in taxonomy.doc_types}, {f.code: f.name for f in taxonomy.fields}


def doc_type_name(code: str | None) -> str | None:
    """Display name of a document type code ("giay_phep" -> "Giấy phép"); None for no or an unknown code."""
    return taxonomy_names()[0].get(code) if code else None


def field_name(code: str | None) -> str | None:
    """Display name of a field code ("ruou" -> "Rượu"); None for no or an unknown code."""
    return taxonomy_names()[1].get(code) if code else None


def get_record(ctx: Context, doc_id: str) -> dict[str, Any]:
    """The indexed record of ``doc_id``; raises ``NotFoundError`` when there is none."""
    record = ctx.index.get(doc_id)
    if record is None:
        raise NotFoundError(f"không có tài liệu / no document {doc_id}")
    return record


def load_corrections(ctx: Context, doc_id: str) -> dict[str, Any]:
    """``{"fields": {...}, "history": [...]}`` of staff corrections (empty when none), from the relational
    store (:mod:`workers.correction_log`). Raises ``TransientError`` when the database cannot be reached."""
    return correction_log.load(correction_log.engine_of(ctx), doc_id)


def apply_corrections(fields: dict[str, Any], corrections: dict[str, Any]) -> dict[str, Any]:
    """Overlay corrected values; list which fields a person corrected."""
    corrected = corrections.get("fields") or {}
    out = {**fields, **corrected}
    out["corrected"] = sorted(corrected)
    if corrected:
        out["review"] = False
    return out


def dump_view(record: dict[str, Any], *, text: bool = True) -> dict[str, Any]:
    """The stable public shape of a record (``sohoa dump``): every key present, unknown as null.

    ``text=False`` leaves the (long) text out, for lists and summaries.
    """
    keys = DUMP_KEYS if text else tuple(k for k in DUMP_KEYS if k != "text")
    return {key: record.get(key) for key in keys} | {
        "doc_type_confidence": record.get("doc_type_confidence"),
        "field_confidence": record.get("field_confidence"),
        "chuc_vu_nguoi_ky": record.get("chuc_vu_nguoi_ky"),
        "low_confidence": record.get("low_confidence"),
        "review": record.get("review"),
        "corrected": record.get("corrected") or [],
        "error_message": record.get("error_message"),
        "batches": record.get("batches") or [],
    }


def store_meta(ctx: Context, doc_id: str, record: dict[str, Any]) -> None:
    """Persist the record without its text (stored beside it) so ``sohoa reindex`` can rebuild the index."""
    meta = {k: v for k, v in record.items() if k != "text"}
    meta["doc_id"] = doc_id
    data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
    ctx.store.put_bytes(derived_key(doc_id, "meta.json"), data, "application/json")
