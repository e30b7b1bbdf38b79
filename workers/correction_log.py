"""Staff corrections as rows of the relational store (table ``corrections`` of :mod:`workers.db`).

One row per corrected field, with who, when and the record's value before; the fields corrected together
share a ``change_id``. Rows are only ever added, so two people correcting the same document at once both
keep their change (the later one wins a field both changed). :func:`load` rebuilds the shape the rest of
the code knows: ``{"fields": {name: value}, "history": [{"by", "at", "changes", "previous"}]}``.

Upgrades: earlier versions kept one JSON object per document in the object store
(``corrections/<xx>/<doc_id>.json``). On first use against an empty table they are imported once (then
left in place, unused), so an upgrade loses nothing.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection, RowMapping

from .context import Context
from .db import corrections, run_once, translate
from .errors import NotFoundError

LEGACY_PREFIX = "corrections/"
log = logging.getLogger(__name__)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")  # as workers.clock.now_iso writes


def rebuild(rows: Iterable[RowMapping]) -> dict[str, Any]:
    """``{"fields", "history"}`` from a document's rows in the order they were written."""
    fields: dict[str, Any] = {}
    history: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        value = json.loads(row["value"])
        fields[row["field"]] = value
        group = groups.get(row["change_id"])
        if group is None:
            group = {"by": row["by_user"], "at": _iso(row["at"]), "changes": {}, "previous": {}}
            groups[row["change_id"]] = group
            history.append(group)
        group["changes"][row["field"]] = value
        group["previous"][row["field"]] = json.loads(row["previous"])
    return {"fields": fields, "history": history}


def _rows_of(conn: Connection, doc_id: str) -> list[RowMapping]:
    query = select(corrections).where(corrections.c.doc_id == doc_id).order_by(corrections.c.id)
    return list(conn.execute(query).mappings())


def load(engine: Engine, doc_id: str) -> dict[str, Any]:
    """The corrections of ``doc_id`` (``{"fields": {}, "history": []}`` when none)."""
    with translate("read corrections"), engine.connect() as conn:
        return rebuild(_rows_of(conn, doc_id))


def append(engine: Engine, doc_id: str, changes: dict[str, Any], previous: dict[str, Any], by: str) -> dict[str, Any]:
    """Record ``changes`` (field -> new value, JSON-able) of ``doc_id`` by ``by``, with the ``previous``
    values; returns the document's corrections after them. An empty ``changes`` records nothing."""
    change_id, now = uuid.uuid4().hex, datetime.now(UTC)
    rows = [_row(change_id, doc_id, name, value, previous.get(name), by, now) for name, value in changes.items()]
    with translate("save corrections"), engine.begin() as conn:
        if rows:
            conn.execute(insert(corrections), rows)
        return rebuild(_rows_of(conn, doc_id))


def engine_of(ctx: Context) -> Engine:
    """The relational store of ``ctx``, after the one-time import of the JSON corrections of earlier versions."""
    engine = ctx.database()
    run_once(engine, "corrections_json", lambda conn: _import_json(ctx, conn))
    return engine


def _import_json(ctx: Context, conn: Connection) -> None:
    if conn.execute(select(func.count()).select_from(corrections)).scalar_one():
        return
    documents = 0
    for key in ctx.store.list(LEGACY_PREFIX):
        if not key.endswith(".json"):
            continue
        try:
            data = json.loads(ctx.store.get_bytes(key))
        except NotFoundError:
            continue
        rows = _legacy_rows(key.rsplit("/", 1)[-1].removesuffix(".json"), data)
        if rows:
            conn.execute(insert(corrections), rows)
            documents += 1
    if documents:
        log.info("corrections imported from the object store documents=%d", documents)


def _legacy_rows(doc_id: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of one old JSON object: its history, then whatever of ``fields`` the history does not explain."""
    rows: list[dict[str, Any]] = []
    replayed: dict[str, Any] = {}
    steps = list(data.get("history") or [])
    for step in steps:
        at = _moment(step.get("at"))
        change_id = uuid.uuid4().hex
        for name, value in (step.get("changes") or {}).items():
            replayed[name] = value
            previous = (step.get("previous") or {}).get(name)
            rows.append(_row(change_id, doc_id, name, value, previous, step.get("by"), at))
    missing = {k: v for k, v in (data.get("fields") or {}).items() if k not in replayed or replayed[k] != v}
    change_id = uuid.uuid4().hex
    at = _moment(steps[-1].get("at") if steps else None)
    rows += [_row(change_id, doc_id, k, v, None, None, at) for k, v in missing.items()]
    return rows


def _row(
    change_id: str, doc_id: str, name: str, value: Any, previous: Any, by: str | None, at: datetime
) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "doc_id": doc_id,
        "field": name,
        "value": json.dumps(value, ensure_ascii=False),
        "previous": json.dumps(previous, ensure_ascii=False, default=str),
        "by_user": by or "",
        "at": at,
    }


def _moment(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
