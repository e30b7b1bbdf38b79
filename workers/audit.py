"""The audit log: who did what, to what, when (and from where), in the relational store (table
``audit_log`` of :mod:`workers.db`, reached through the :class:`~workers.appdb.AppDB` of the process).

Recorded actions: ``login``, ``login_failed``, ``logout``, ``upload``, ``view`` (a document page or its
record), ``download_original``, ``download_pdf``, ``correct``, ``confirm``, ``retry``, ``reprocess``,
``export``, ``register_import``, ``register_link``, ``user_add``, ``user_update``, ``token_create``. Writing never raises
into the request: an audit failure would otherwise hide the real outcome, so it is logged instead.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from .appdb import AppDB
from .db import audit_log, translate

log = logging.getLogger(__name__)

ACTION_NAMES = {
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "upload": "Tải lên",
    "view": "Xem tài liệu",
    "download_original": "Tải bản gốc",
    "download_pdf": "Tải PDF tìm kiếm được",
    "correct": "Sửa thông tin",
    "confirm": "Xác nhận",
    "retry": "Xử lý lại tệp lỗi",
    "reprocess": "Xử lý lại",
    "export": "Xuất báo cáo",
    "register_import": "Nhập sổ theo dõi",
    "register_link": "Liên kết văn bản với sổ",
    "user_add": "Thêm người dùng",
    "user_update": "Sửa người dùng",
    "token_create": "Tạo API token",
}


@dataclass
class Entry:
    id: int
    at: str
    user: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    ip: str | None

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


def record(
    db: AppDB, user: str | None, action: str, target: str | None = None, ip: str | None = None, **detail: Any
) -> None:
    """Append one entry (UTC time). Never raises."""
    row = {
        "at": datetime.now(UTC),
        "user_name": user,
        "action": action,
        "target": target,
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        "ip": ip,
    }
    try:
        with translate("write the audit log"), db.engine.begin() as conn:
            conn.execute(insert(audit_log).values(**row))
    except Exception:
        log.exception("audit write failed action=%s user=%s target=%s", action, user, target)


def entries(
    db: AppDB,
    *,
    user: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Entry]]:
    """(total, newest first) matching the filters; ``since`` and ``until`` bound the time as
    [since, until) (aware datetimes, any zone)."""
    filters = [
        column == value
        for column, value in ((audit_log.c.user_name, user), (audit_log.c.action, action), (audit_log.c.target, target))
        if value
    ]
    if since is not None:
        filters.append(audit_log.c.at >= since)  # the column's type stores and compares in UTC
    if until is not None:
        filters.append(audit_log.c.at < until)
    count = select(func.count()).select_from(audit_log).where(*filters)
    page = select(audit_log).where(*filters).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    with translate("read the audit log"), db.engine.connect() as conn:
        total = int(conn.execute(count).scalar_one())
        rows = list(conn.execute(page).mappings())
    return total, [
        Entry(
            r["id"],
            r["at"].isoformat(timespec="milliseconds"),
            r["user_name"],
            r["action"],
            r["target"],
            json.loads(r["detail"]) if r["detail"] else {},
            r["ip"],
        )
        for r in rows
    ]
