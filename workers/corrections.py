"""Staff corrections of type and metadata: kept with who and when, never overwritten by reprocessing.

Corrections live in the relational store (:mod:`workers.correction_log`, one row per corrected field), so
they survive a rebuilt index, are shared by every process and are re-applied on top of every new machine
result. A correction (or confirmation) of the type or
the field is also a label for the learned classifier: it counts toward retraining it in the background
(:func:`workers.learn.service.maybe_retrain`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import correction_log, linkstate
from .context import Context
from .errors import PermanentError
from .learn.service import maybe_retrain
from .records import CORRECTABLE, doc_type_name, get_record, load_corrections, store_meta
from .register import symbol_key

_DATE_FIELDS = {"ngay_ban_hanh", "hieu_luc_den"}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_LABELS = {"doc_type", "field"}  # what the learned classifier learns


def _clean(name: str, value: Any) -> Any:
    if name not in CORRECTABLE:
        raise PermanentError(f"trường không sửa được / not correctable: {name}", code="bad_field")
    if value in ("", None):
        return None
    value = str(value).strip()
    if name in _DATE_FIELDS:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise PermanentError(
                f"{name}: ngày phải có dạng YYYY-MM-DD / date must be YYYY-MM-DD", code="bad_value"
            ) from exc
    if name in ("doc_type", "field", "doc_subtype") and not _CODE.match(value):
        raise PermanentError(f"{name}: mã dạng snake_case, ví dụ giay_phep / code like giay_phep", code="bad_value")
    if name == "so_ky_hieu" and not looks_like_so_ky_hieu(value):
        raise PermanentError(
            f"Số, ký hiệu «{value}» không có dạng số/ký hiệu, ví dụ 12/GP-SCT hoặc 05/2024/QĐ-UBND. "
            "(so_ky_hieu must look like NUMBER/SYMBOL.)",
            code="bad_value",
        )
    return value


def looks_like_so_ky_hieu(value: str) -> bool:
    """A số ký hiệu as the register takes it: a number, then a symbol with at least one letter."""
    key = symbol_key(value)
    return key is not None and key.number.isdigit() and any(ch.isalpha() for ch in key.symbol)


def check_validity_dates(record: dict[str, Any], changes: dict[str, Any]) -> None:
    """Refuse ``changes`` that would leave ``record`` valid until before it was issued (``hieu_luc_den``
    earlier than ``ngay_ban_hanh``, after the changes). Raises ``PermanentError`` (``bad_value``)."""
    values = {k: changes[k] if k in changes else record.get(k) for k in ("ngay_ban_hanh", "hieu_luc_den")}
    issued, until = (_clean(k, v) for k, v in values.items())
    if issued and until and until < issued:
        raise PermanentError(
            f"Hiệu lực đến ({_vn(until)}) trước ngày ban hành ({_vn(issued)}): hãy sửa một trong hai ngày. "
            "(hieu_luc_den is before ngay_ban_hanh.)",
            code="bad_value",
        )


def _vn(day: str) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y")


def correct(ctx: Context, doc_id: str, changes: dict[str, Any], by: str) -> dict[str, Any]:
    """Apply ``changes`` to ``doc_id`` as corrected by ``by``; returns the updated record.

    Raises ``NotFoundError`` (no such document) and ``PermanentError`` (``bad_field``, ``bad_value``).
    """
    record = get_record(ctx, doc_id)
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    check_validity_dates(record, cleaned)  # every caller: web, API, CLI
    previous = {k: record.get(k) for k in cleaned}
    corrections = correction_log.append(correction_log.engine_of(ctx), doc_id, cleaned, previous, by)
    fields = {**cleaned, "corrected": sorted(corrections["fields"]), "review": False}
    if "doc_type" in cleaned:
        fields["doc_type_name"] = doc_type_name(cleaned["doc_type"])
    ctx.index.upsert(doc_id, fields)
    ctx.index.refresh()  # the review queue and search shown next see the correction
    linkstate.forget()  # the review queue's memo cannot see a changed field
    updated = ctx.index.get(doc_id) or {}
    store_meta(ctx, doc_id, updated)
    if _LABELS & cleaned.keys():
        maybe_retrain(ctx)  # counts the label; from the tenth on, retrains in a background thread
    return updated


def history(ctx: Context, doc_id: str) -> list[dict[str, Any]]:
    """Who corrected what and when, oldest first."""
    return list(load_corrections(ctx, doc_id).get("history", []))
