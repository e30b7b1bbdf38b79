"""Dossier views for the API and the web pages: the report over a period and one dossier with its
documents, looked up by id (never a scan of every record)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import dossiers
from ..context import Context
from ..dossier_xlsx import report_xlsx as _xlsx
from ..errors import NotFoundError, PermanentError
from ..localtime import vn_today
from ..records import dump_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """``from``/``to`` as dates: defaults from the start of this year to today."""
    today = vn_today()
    first = date.fromisoformat(start) if start else date(today.year, 1, 1)
    last = date.fromisoformat(end) if end else today
    if last < first:
        raise PermanentError("Ngày 'đến' trước ngày 'từ'. (The end is before the start.)", code="bad_value")
    return first, last


def report(ctx: Context, span: tuple[date, date], lag_days: int = 7) -> dict[str, Any]:
    return dossiers.report(ctx.database(), ctx.index.get, span[0], span[1], lag_days=lag_days)


def report_xlsx(ctx: Context, span: tuple[date, date], lag_days: int = 7) -> bytes:
    return _xlsx(report(ctx, span, lag_days))


def dossier_view(ctx: Context, code: str) -> dict[str, Any]:
    """The dossier, its documents (by role, with state) and the papers it still lacks."""
    engine = ctx.database()
    found = dossiers.get_dossier(engine, dossiers.normalize_code(code) or code)
    if found is None:
        raise NotFoundError(f"không có hồ sơ / no dossier {code}")
    documents = []
    for doc_id, link in dossiers.links(engine, found["ma_ho_so"]).items():
        record = ctx.index.get(doc_id)
        if record is None:
            continue
        view = dump_view(record, text=False)
        documents.append(
            view | {"role": link["role"], "role_name": dossiers.ROLE_NAMES[link["role"]], "how": link["how"]}
        )
    documents.sort(key=lambda d: dossiers.ROLES.index(d["role"]))
    have = {d["role"] for d in documents if d.get("state") == "indexed"}
    missing = [r for r in dossiers.required_roles(found) if r not in have]
    due, returned = found.get("ngay_hen_tra"), found.get("ngay_tra_ket_qua")
    timeline = [
        {"day": found["ngay_tiep_nhan"].isoformat(), "what": "Tiếp nhận hồ sơ"},
        *([{"day": due.isoformat(), "what": "Hẹn trả kết quả"}] if due else []),
        *([{"day": returned.isoformat(), "what": "Trả kết quả"}] if returned else []),
        *(
            {"day": str(d["processed_at"])[:10], "what": f"Số hóa: {d['role_name']}"}
            for d in documents
            if d.get("processed_at")
        ),
    ]
    timeline.sort(key=lambda t: t["day"])
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in found.items()}
    return data | {
        "documents": documents,
        "missing": missing,
        "missing_names": [dossiers.ROLE_NAMES[m] for m in missing],
        "late": bool(returned and due and returned > due),
        "timeline": timeline,
    }
