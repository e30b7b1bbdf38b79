"""The audit log: who did what, to what, when (and from where), in the app database.

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

from .appdb import AppDB

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
    try:
        db.execute(
            "INSERT INTO audit(at, user, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="milliseconds"),
                user,
                action,
                target,
                json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
                ip,
            ),
        )
    except Exception:
        log.exception("audit write failed action=%s user=%s target=%s", action, user, target)


def entries(
    db: AppDB,
    *,
    user: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Entry]]:
    """(total, newest first) matching the filters."""
    clauses, params = [], []
    for column, value in (("user", user), ("action", action), ("target", target)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = " AND ".join(clauses) or "1"
    total = int(db.execute(f"SELECT count(*) FROM audit WHERE {where}", params)[0][0])
    rows = db.execute(
        f"SELECT id, at, user, action, target, detail, ip FROM audit WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return total, [Entry(i, at, u, a, t, json.loads(d) if d else {}, ip) for i, at, u, a, t, d, ip in rows]
