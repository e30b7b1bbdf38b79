"""The audit log page (admin): who did what to which file, when, filtered by user, action and a range
of days (Vietnam time), and exported as CSV for an inspection.

Documents are named by their file name, not their SHA-256 id. The day range is a filter of the log's
query (:func:`workers.audit.entries`), so a page costs the same whatever the range.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ... import audit
from ...appdb import AppDB
from ...context import Context
from ...localtime import VN_TIME
from ..deps import DB, Admin, Ctx, client_ip
from .dates import parse_vn_date
from .labels import detail_value, vn_datetime
from .render import paging, render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100
_CHUNK = 500
_DOC_ID = 64
ACTION_NAMES = audit.ACTION_NAMES | {"download_pdf": "Tải PDF có lớp chữ"}


@dataclass(frozen=True)
class Filters:
    user: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The day range as bounds [since, until) of the stored times (midnight, Vietnam time)."""
        since = datetime.combine(self.start, time(), VN_TIME) if self.start else None
        until = datetime.combine(self.end + timedelta(days=1), time(), VN_TIME) if self.end else None
        return since, until

    def query(self, db: AppDB, *, limit: int, offset: int) -> tuple[int, list[audit.Entry]]:
        """(total, newest first) of the entries these filters select."""
        since, until = self.window()
        return audit.entries(
            db,
            user=self.user or None,
            action=self.action or None,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )


def _utc(at: Any) -> str:
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _matching(db: AppDB, filters: Filters) -> Iterator[audit.Entry]:
    """Every entry of the filters, newest first, read a chunk at a time."""
    offset = 0
    while True:
        _total, chunk = filters.query(db, limit=_CHUNK, offset=offset)
        yield from chunk
        if len(chunk) < _CHUNK:
            return
        offset += _CHUNK


def _names(ctx: Context, entries: list[audit.Entry]) -> dict[str, str]:
    """File names of the documents the entries name by id."""
    names: dict[str, str] = {}
    for entry in entries:
        target = entry.target or ""
        if len(target) == _DOC_ID and target not in names:
            record = ctx.index.get(target)
            filename = (record or {}).get("filename") or entry.detail.get("filename")
            names[target] = str(filename) if filename else f"{target[:12]}…"
    return names


def _filters(user: str, action: str, start: str, end: str) -> tuple[Filters, str]:
    error = ""
    days = []
    for typed in (start, end):
        day = parse_vn_date(typed) if typed.strip() else None
        if typed.strip() and day is None:
            error = f"«{typed}» không phải ngày; hãy nhập dạng dd/mm/yyyy."
        days.append(day)
    return Filters(user.strip().lower(), action, days[0], days[1]), error


@router.get("/audit")
def audit_page(
    request: Request,
    who: Admin,
    ctx: Ctx,
    db: DB,
    user: str = "",
    action: str = "",
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    filters, error = _filters(user, action, start, end)
    total, entries = filters.query(db, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    query = {"user": filters.user, "action": action, "from": start.strip(), "to": end.strip()}
    return render(
        request,
        "audit.html",
        who,
        entries=entries,
        names=_names(ctx, entries),
        **paging(total, page, AUDIT_PAGE),
        query=query,
        actions=ACTION_NAMES,
        error=error,
    )


def _text(value: Any) -> str:
    """A CSV cell as text that a spreadsheet never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@router.get("/audit.csv")
def audit_export(
    request: Request,
    who: Admin,
    ctx: Ctx,
    db: DB,
    user: str = "",
    action: str = "",
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
) -> Response:
    filters, _error = _filters(user, action, start, end)
    entries = list(_matching(db, filters))
    names = _names(ctx, entries)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Thời điểm", "Người dùng", "Hành động", "Đối tượng", "Mã đối tượng", "Chi tiết", "Địa chỉ"])
    for e in entries:
        detail = "; ".join(f"{k}: {detail_value(v)}" for k, v in e.detail.items() if v not in (None, ""))
        target = names.get(e.target or "", e.target or "")
        row = [vn_datetime(_utc(e.at)), e.user, ACTION_NAMES.get(e.action, e.action), target, e.target, detail, e.ip]
        writer.writerow([_text(v) for v in row])
    audit.record(db, who.name, "export", "audit.csv", client_ip(request), rows=len(entries), query=request.url.query)
    today = datetime.now(VN_TIME).date().isoformat()
    headers = {"Content-Disposition": f'attachment; filename="nhat-ky-{today}.csv"'}
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
