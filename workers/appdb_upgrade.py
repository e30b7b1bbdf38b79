"""The one-time copy of the app database file of earlier versions (``HOME/app.sqlite3``) into the
relational store: users, sessions, API tokens, batch owners and the audit log.

Rows are copied only into empty tables, in their original order; API tokens and audit entries get new ids
(a token listed before the upgrade is listed again under its new id; the tokens themselves keep working).
Tokens made before tokens expired get ``token_days`` from now, as the file's own upgrade would have done.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from .db import api_tokens, audit_log, batch_owners, sessions, users
from .errors import ConfigError

log = logging.getLogger(__name__)


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rows(db: sqlite3.Connection, table: str, order: str) -> list[dict[str, Any]]:
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if not exists:
        return []
    # ``table`` and ``order`` are this module's own constants, never input
    return [dict(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}")]


def _copy(
    conn: Connection, target: Table, rows: list[dict[str, Any]], convert: Callable[[dict[str, Any]], dict[str, Any]]
) -> int:
    if not rows or conn.execute(select(func.count()).select_from(target)).scalar_one():
        return 0
    conn.execute(insert(target), [convert(row) for row in rows])
    return len(rows)


def copy_legacy(conn: Connection, path: Path, token_days: int) -> None:
    """Copy the rows of the file at ``path`` into the empty tables of ``conn`` (in its transaction)."""
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    try:
        counts = _copy_all(conn, db, token_days)
    except sqlite3.DatabaseError as exc:
        raise ConfigError(
            f"{path.name} (app database of an earlier version) cannot be read: {exc}. Restore it from a backup, "
            "or move it away to start without its users."
        ) from exc
    finally:
        db.close()
    log.info("app database copied into the relational store from %s %s", path.name, counts)


def _copy_all(conn: Connection, db: sqlite3.Connection, token_days: int) -> dict[str, int]:
    expiry = datetime.now(UTC) + timedelta(days=token_days)
    return {
        "users": _copy(
            conn,
            users,
            _rows(db, "users", "name"),
            lambda r: {**r, "active": bool(r["active"]), "created_at": _moment(r["created_at"])},
        ),
        "sessions": _copy(
            conn,
            sessions,
            _rows(db, "sessions", "created_at"),
            lambda r: {
                "digest": r["digest"],
                "user_name": r["user"],
                "csrf": r["csrf"],
                "created_at": _moment(r["created_at"]),
                "last_seen": _moment(r["last_seen"]),
            },
        ),
        "tokens": _copy(
            conn,
            api_tokens,
            _rows(db, "tokens", "rowid"),
            lambda r: {
                "digest": r["digest"],
                "user_name": r["user"],
                "label": r["label"],
                "created_at": _moment(r["created_at"]),
                "last_used": _moment(r["last_used"]),
                "expires_at": _moment(r.get("expires_at")) or expiry,
            },
        ),
        "batches": _copy(
            conn,
            batch_owners,
            _rows(db, "batches", "created_at"),
            lambda r: {**r, "created_at": _moment(r["created_at"])},
        ),
        "audit": _copy(
            conn,
            audit_log,
            _rows(db, "audit", "id"),
            lambda r: {
                "at": _moment(r["at"]),
                "user_name": r["user"],
                "action": r["action"],
                "target": r["target"],
                "detail": r["detail"],
                "ip": r["ip"],
            },
        ),
    }
