"""The department's register of issued TTHC results, and staff links from documents to its entries.

Both live in the relational store (:mod:`workers.db`: tables ``register_entries``, ``register_imports``,
``register_links``, ``register_link_history``), shared by every process and surviving a rebuilt index.
Writers use transactions and unique constraints, so a CLI import and the server at the same instant both
land. A register entry is identified by its số ký hiệu *and* ngày ban hành (numbers restart every year);
the identity is compared in normalized form (:func:`symbol_key`), so ``24/QĐ-SCT`` and ``24 / qd-sct``
are the same entry, and the normalized số ký hiệu alone is an indexed column (:func:`entries_with_symbol`).
An entry is linked to at most one document.

Import (:func:`import_register`) takes CSV (UTF-8, optional BOM) or XLSX with the header
``so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc`` (read by :mod:`workers.register_parse`,
whose names this module re-exports); it adds or updates entries (never duplicates them) and reports each
rejected row with its line number and the reason.

Upgrades: earlier versions kept the register and the links as JSON objects in the object store
(:data:`REGISTER_KEY`, :data:`LINKS_KEY`). On first use against a database whose tables are empty they are
imported once (then left in place, unused), so an upgrade loses nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from .context import Context
from .db import (
    exclusive,
    register_entries,
    register_imports,
    register_link_history,
    register_links,
    run_once,
    translate,
    upsert,
)
from .errors import NotFoundError, PermanentError
from .register_parse import COLUMNS as COLUMNS
from .register_parse import MAX_REGISTER_BYTES as MAX_REGISTER_BYTES
from .register_parse import NON_RESULT_TYPES as NON_RESULT_TYPES
from .register_parse import ImportReport as ImportReport
from .register_parse import RowError as RowError
from .register_parse import SymbolKey as SymbolKey
from .register_parse import entry_id as entry_id
from .register_parse import parse_iso_date as parse_iso_date
from .register_parse import parse_register as parse_register
from .register_parse import register_key as register_key
from .register_parse import symbol_key as symbol_key

REGISTER_KEY = "register/register.json"  # where versions before the relational store kept the register
LINKS_KEY = "register/links.json"  # ... and the links
_CHUNK = 500  # ids per IN (...) list
log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ storage


def _engine(ctx: Context) -> Engine:
    """The relational store, after the one-time import of what earlier versions kept in the object store."""
    engine = ctx.database()
    run_once(engine, "register_json", lambda conn: _import_json(ctx, conn))
    return engine


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")  # as workers.clock.now_iso writes


def _row(entry: dict[str, Any], at: datetime) -> dict[str, Any]:
    key = symbol_key(entry["so_ky_hieu"])
    return {
        "entry_id": entry_id(entry["so_ky_hieu"], entry["ngay_ban_hanh"]),
        "symbol_key": key.text() if key else "",
        **{name: entry.get(name) for name in COLUMNS},
        "ngay_ban_hanh": date.fromisoformat(entry["ngay_ban_hanh"]),
        "hieu_luc_den": date.fromisoformat(entry["hieu_luc_den"]) if entry.get("hieu_luc_den") else None,
        "updated_at": at,
    }


def _entry(row: RowMapping) -> dict[str, Any]:
    entry = {name: row[name] for name in COLUMNS}
    entry["ngay_ban_hanh"] = row["ngay_ban_hanh"].isoformat()
    entry["hieu_luc_den"] = row["hieu_luc_den"].isoformat() if row["hieu_luc_den"] else None
    return entry


def _sorted(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    # In Python, not SQL: the order must not depend on the database's collation.
    return sorted(entries, key=lambda e: (e["ngay_ban_hanh"], e["so_ky_hieu"]))


def load_register(ctx: Context) -> list[dict[str, Any]]:
    """Register entries (dicts of :data:`COLUMNS`), by ngày ban hành then số ký hiệu; [] before any import."""
    with translate("read the register"), _engine(ctx).connect() as conn:
        return _sorted(_entry(r) for r in conn.execute(select(register_entries)).mappings())


def register_info(ctx: Context) -> dict[str, Any]:
    """``{"count", "updated_at", "entries"}`` for ``register list`` and ``GET /register``."""
    entries = load_register(ctx)
    with translate("read the register"), _engine(ctx).connect() as conn:
        last = conn.execute(select(func.max(register_imports.c.at))).scalar_one_or_none()
    return {"count": len(entries), "updated_at": _iso(last) if last else None, "entries": entries}


def entries_with_symbol(ctx: Context, so_ky_hieu: str | None) -> list[dict[str, Any]]:
    """The entries whose số ký hiệu is ``so_ky_hieu`` in normalized form (any date), by date."""
    key = symbol_key(so_ky_hieu)
    if key is None:
        return []
    query = select(register_entries).where(register_entries.c.symbol_key == key.text())
    with translate("read the register"), _engine(ctx).connect() as conn:
        return _sorted(_entry(r) for r in conn.execute(query).mappings())


def import_register(ctx: Context, data: bytes, filename: str | None = None, *, replace: bool = False) -> ImportReport:
    """Add or update entries from a CSV/XLSX register; bad rows are rejected and reported, the rest kept.

    Callers read at most ``MAX_REGISTER_BYTES + 1`` bytes of an upload: the size rule is checked here.
    Entries not in the file are kept, unless ``replace`` (then the file becomes the whole register,
    and only if it has no rejected row, so a half-broken file cannot wipe entries). One transaction:
    imports run one at a time, and a failed one changes nothing.
    """
    if len(data) > MAX_REGISTER_BYTES:
        raise PermanentError(
            f"Tệp sổ quá lớn (tối đa {MAX_REGISTER_BYTES // (1024 * 1024)} MB). (Register file too large.)",
            code="bad_register",
        )
    parsed, errors, count = parse_register(data, filename)
    report = ImportReport(rows=count, rejected=errors)
    if replace and errors:
        raise PermanentError(
            f"{len(errors)} dòng lỗi (đầu tiên: dòng {errors[0].line}: {errors[0].reason}); với --replace "
            "phải sửa hết trước khi nhập. (Rejected rows; nothing replaced.)",
            code="bad_register",
        )
    engine = _engine(ctx)
    now = datetime.now(UTC)
    with translate("import the register"), engine.begin() as conn:
        exclusive(conn, "register")  # the counts below stay true until the commit
        current = {r["entry_id"]: _entry(r) for r in conn.execute(select(register_entries)).mappings()}
        changed: list[dict[str, Any]] = []
        for entry in parsed:
            old = current.get(entry_id(entry["so_ky_hieu"], entry["ngay_ban_hanh"]))
            if old is None:
                report.added += 1
            elif old == entry:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            changed.append(_row(entry, now))
        upsert(conn, register_entries, ["entry_id"], changed)
        keep = {entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) for e in parsed}
        stale = [ident for ident in current if ident not in keep] if replace else []
        for start in range(0, len(stale), _CHUNK):
            chunk = stale[start : start + _CHUNK]
            conn.execute(delete(register_entries).where(register_entries.c.entry_id.in_(chunk)))
        report.total = len(current) + report.added - len(stale)
        counts = {k: getattr(report, k) for k in ("rows", "added", "updated", "unchanged", "total")}
        conn.execute(insert(register_imports).values(at=now, rejected=len(errors), **counts))
    return report


def _wanted(key: str) -> str:
    so, sep, day = key.rpartition("|")
    if not sep or not so.strip():
        raise PermanentError(f"dùng 'SO_KY_HIEU|YYYY-MM-DD' / use 'SO_KY_HIEU|YYYY-MM-DD': {key}", code="bad_value")
    return entry_id(so, str(parse_iso_date(day.strip(), "ngay_ban_hanh")))


def find_entry(entries: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The entry of ``SO_KY_HIEU|YYYY-MM-DD`` (compared in normalized form); raises ``NotFoundError``."""
    wanted = _wanted(key)
    for entry in entries:
        if entry_id(entry["so_ky_hieu"], entry["ngay_ban_hanh"]) == wanted:
            return entry
    raise NotFoundError(f"không có trong sổ / not in the register: {key}")


def get_entry(ctx: Context, key: str) -> dict[str, Any]:
    """Like :func:`find_entry` over the stored register, in one lookup by the entry's identity."""
    query = select(register_entries).where(register_entries.c.entry_id == _wanted(key))
    with translate("read the register"), _engine(ctx).connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"không có trong sổ / not in the register: {key}")
    return _entry(row)


# ------------------------------------------------------------------------------------------ links


def _link(row: RowMapping) -> dict[str, Any]:
    return {
        "doc_id": row["doc_id"],
        "entry_id": row["entry_id"],
        "register_key": row["register_key"],
        "by": row["by_user"],
        "at": _iso(row["at"]),
    }


def load_links(ctx: Context) -> dict[str, dict[str, Any]]:
    """Manual links by doc_id: ``{"doc_id", "entry_id", "register_key", "by", "at"}``; ``entry_id`` None =
    unlinked."""
    with translate("read the register links"), _engine(ctx).connect() as conn:
        return {r["doc_id"]: _link(r) for r in conn.execute(select(register_links)).mappings()}


def load_links_for(ctx: Context, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Like :func:`load_links`, only for ``doc_ids`` (one query; for callers that show a page of documents)."""
    wanted = sorted(set(doc_ids))
    if not wanted:
        return {}
    query = select(register_links).where(register_links.c.doc_id.in_(wanted))
    with translate("read the register links"), _engine(ctx).connect() as conn:
        return {r["doc_id"]: _link(r) for r in conn.execute(query).mappings()}


def link_history(ctx: Context, doc_id: str | None = None) -> list[dict[str, Any]]:
    """Every link and unlink (of ``doc_id``, or of all documents), oldest first: ``{"action", **link}``."""
    query = select(register_link_history).order_by(register_link_history.c.id)
    if doc_id is not None:
        query = query.where(register_link_history.c.doc_id == doc_id)
    with translate("read the register links"), _engine(ctx).connect() as conn:
        return [{"action": r["action"], **_link(r)} for r in conn.execute(query).mappings()]


def save_link(ctx: Context, doc_id: str, entry: dict[str, Any] | None, by: str) -> dict[str, Any]:
    """Store that ``doc_id`` is ``entry`` (None: no entry) as stated by ``by``, with its history.

    Storage only: the rules (who, which documents may be linked) are in ``workers.services.register_links``.
    Raises ``PermanentError`` (``link_conflict``) when another document is linked to ``entry`` already.
    """
    now = datetime.now(UTC)
    ident = entry_id(entry["so_ky_hieu"], entry["ngay_ban_hanh"]) if entry else None
    key = register_key(entry) if entry else None
    row = {"doc_id": doc_id, "entry_id": ident, "register_key": key, "by_user": by, "at": now}
    engine = _engine(ctx)
    try:
        with translate("save a register link"), engine.begin() as conn:
            upsert(conn, register_links, ["doc_id"], [row])
            conn.execute(insert(register_link_history).values(action="link" if entry else "unlink", **row))
    except IntegrityError as exc:  # only the entry can clash: the document's own row is upserted
        holder = _holder(engine, ident)
        raise PermanentError(
            f"Mục {key} trong sổ đã được liên kết với tài liệu {holder}. Nếu tài liệu đó "
            f"liên kết nhầm, hãy bỏ liên kết trước: sohoa register unlink {holder} --by ... "
            "(The entry is linked to another document.)",
            code="link_conflict",
        ) from exc
    return {"doc_id": doc_id, "entry_id": ident, "register_key": key, "by": by, "at": _iso(now)}


def _holder(engine: Engine, ident: str | None) -> str:
    with translate("read the register links"), engine.connect() as conn:
        found = conn.execute(select(register_links.c.doc_id).where(register_links.c.entry_id == ident)).scalar()
    return str(found or "?")


# ------------------------------------------------------------------------------------------ upgrade


def _load_json(ctx: Context, key: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(ctx.store.get_bytes(key))
        return data
    except NotFoundError:
        return {}


def _moment(value: Any, default: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return default
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _empty(conn: Connection, table: Any) -> bool:
    return conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def _import_json(ctx: Context, conn: Connection) -> None:
    """Copy the register and links of the JSON objects of earlier versions into empty tables."""
    now = datetime.now(UTC)
    stored = _load_json(ctx, REGISTER_KEY)
    entries = {entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]): e for e in stored.get("entries", [])}
    if entries and _empty(conn, register_entries):
        at = _moment(stored.get("updated_at"), now)
        upsert(conn, register_entries, ["entry_id"], [_row(e, at) for e in entries.values()])
        n = len(entries)
        conn.execute(
            insert(register_imports).values(at=at, rows=n, added=n, updated=0, unchanged=0, rejected=0, total=n)
        )
        log.info("register imported from the object store entries=%d", n)
    links = _load_json(ctx, LINKS_KEY)
    if not (links.get("links") or links.get("history")) or not _empty(conn, register_links):
        return
    for item in links.get("history", []):
        conn.execute(insert(register_link_history).values(action=item["action"], **_link_row(item, now)))
    held: set[str] = set()
    for item in sorted(links.get("links", {}).values(), key=lambda link: str(link.get("at") or "")):
        ident = item.get("entry_id")
        if ident is not None and ident in held:
            log.warning(
                "register link not imported doc_id=%s entry_id=%s: the entry has an earlier link", item["doc_id"], ident
            )
            continue
        if ident is not None:
            held.add(ident)
        conn.execute(insert(register_links).values(**_link_row(item, now)))
    log.info("register links imported from the object store links=%d", len(links.get("links", {})))


def _link_row(item: dict[str, Any], default: datetime) -> dict[str, Any]:
    return {
        "doc_id": item["doc_id"],
        "entry_id": item.get("entry_id"),
        "register_key": item.get("register_key"),
        "by_user": item.get("by") or "",
        "at": _moment(item.get("at"), default),
    }
