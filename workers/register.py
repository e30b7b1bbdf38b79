"""The department's register of issued TTHC results, and staff links from documents to its entries.

Both live in the relational store (:mod:`workers.db`: tables ``register_entries``, ``register_imports``,
``register_links``, ``register_link_history``), shared by every process and surviving a rebuilt index.
Writers use transactions and unique constraints, so a CLI import and the server at the same instant both
land. A register entry is identified by its số ký hiệu *and* ngày ban hành (numbers restart every year);
the identity is compared in normalized form (:func:`symbol_key`), so ``24/QĐ-SCT`` and ``24 / qd-sct``
are the same entry, and the normalized số ký hiệu alone is an indexed column (:func:`entries_with_symbol`).
An entry is linked to at most one document.

Import (:func:`import_register`) takes CSV (UTF-8, optional BOM) or XLSX with the header
``so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc``; it adds or updates entries (never
duplicates them) and reports each rejected row with its line number and the reason.

Upgrades: earlier versions kept the register and the links as JSON objects in the object store
(:data:`REGISTER_KEY`, :data:`LINKS_KEY`). On first use against a database whose tables are empty they are
imported once (then left in place, unused), so an upgrade loses nothing.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
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
from .textnorm import fold

REGISTER_KEY = "register/register.json"  # where versions before the relational store kept the register
LINKS_KEY = "register/links.json"  # ... and the links
COLUMNS = ("so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc")
# Inputs of a dossier: they may quote the result's number, but they are never the result itself.
NON_RESULT_TYPES = frozenset({"don_de_nghi", "giay_bien_nhan", "bien_ban"})
MAX_REGISTER_BYTES = 20 * 1024 * 1024

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
# OCR confusions inside the number part only: O/0, l/1, I/1 (after casefold: o, l, i).
_DIGIT_LIKE = str.maketrans({"o": "0", "l": "1", "i": "1"})
_PREFIX = re.compile(r"^so[:.]?(?=[0-9oli])")
_LEADING_NUMBER = re.compile(r"^([0-9]+)(.+)$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CHUNK = 500  # ids per IN (...) list
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SymbolKey:
    """A số ký hiệu in comparable form: ``number`` without leading zeros, optional 4-digit ``year``
    part, and ``symbol`` (diacritics folded, lower case, no spaces), e.g. ``42``, ``2023``, ``gcnattp-sct``."""

    number: str
    year: str
    symbol: str

    def text(self) -> str:
        return "/".join(p for p in (self.number, self.year, self.symbol) if p)


def _digits(part: str) -> str | None:
    mapped = part.translate(_DIGIT_LIKE)
    return mapped if mapped.isdigit() and mapped.isascii() else None


def symbol_key(so_ky_hieu: str | None) -> SymbolKey | None:
    """Normalize a số ký hiệu as printed or as read by OCR; None when empty.

    NFC, case-folded, diacritics folded (Đ -> d), spaces removed, dash variants unified, a leading
    "Số:" dropped; in the number and year parts O -> 0 and l/I -> 1, leading zeros dropped.
    """
    if not so_ky_hieu or not so_ky_hieu.strip():
        return None
    text = _PREFIX.sub("", _SPACES.sub("", fold(so_ky_hieu)).translate(_DASHES))
    parts = text.split("/")
    if len(parts) == 1:  # OCR lost the slash: "15GP-SCT"
        m = _LEADING_NUMBER.match(text)
        parts = [m.group(1), m.group(2)] if m else ["", text]
    number = _digits(parts[0])
    number = str(int(number)) if number is not None else parts[0]
    rest = parts[1:]
    year = ""
    if len(rest) >= 2 and (y := _digits(rest[0])) is not None and len(y) == 4:
        year, rest = y, rest[1:]
    return SymbolKey(number, year, "/".join(rest))


def entry_id(so_ky_hieu: str | None, ngay_ban_hanh: str | None) -> str:
    """The identity of a register entry: normalized số ký hiệu + ngày ban hành."""
    key = symbol_key(so_ky_hieu)
    return f"{key.text() if key else ''}|{ngay_ban_hanh or ''}"


def register_key(entry: dict[str, Any]) -> str:
    """``SO_KY_HIEU|YYYY-MM-DD`` as written in the register (what staff type in ``register link``)."""
    return f"{entry['so_ky_hieu']}|{entry['ngay_ban_hanh']}"


def parse_iso_date(value: str, name: str) -> date:
    """A strict ``YYYY-MM-DD`` date; raises ``PermanentError`` (code ``bad_value``) otherwise."""
    try:
        if not _ISO.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PermanentError(
            f"{name}: '{value}' không phải ngày dạng YYYY-MM-DD / not a YYYY-MM-DD date", code="bad_value"
        ) from exc


# ------------------------------------------------------------------------------------------ parsing


@dataclass
class RowError:
    line: int
    reason: str
    so_ky_hieu: str | None = None


@dataclass
class ImportReport:
    """Outcome of one import: counts of entries and the rejected rows (by line number)."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0  # entries in the register after the import
    rejected: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PermanentError(
            "Tệp sổ không phải CSV UTF-8. Hãy lưu lại dạng 'CSV UTF-8' hoặc XLSX. (Register is not UTF-8.)",
            code="bad_register",
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, [c.strip() for c in row]))
            start = reader.line_num + 1  # a quoted cell may span lines: report the row's first line
    except csv.Error as exc:
        raise PermanentError(f"CSV hỏng ở dòng {reader.line_num}: {exc} (Malformed CSV.)", code="bad_register") from exc
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, ValueError, KeyError) as exc:
        raise PermanentError(f"Tệp XLSX không đọc được: {exc} (Unreadable XLSX.)", code="bad_register") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(n, [_cell(v) for v in row]) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _field_code(value: str) -> str:
    """``linh_vuc`` as a code: kept if already snake_case, else "An toàn thực phẩm" -> an_toan_thuc_pham."""
    if _CODE.match(value):
        return value
    return _NOT_WORD.sub("_", fold(value)).strip("_")


def _parse_row(values: dict[str, str]) -> dict[str, Any]:
    """One register row -> entry; raises ``ValueError`` with the reason (Vietnamese / English)."""
    so = unicodedata.normalize("NFC", _SPACES.sub(" ", values.get("so_ky_hieu", "")).strip())
    key = symbol_key(so)
    if key is None:
        raise ValueError("thiếu so_ky_hieu / missing so_ky_hieu")
    if not key.number.isdigit() or not key.symbol:
        raise ValueError(f"so_ky_hieu '{so}' không có dạng SỐ/KÝ HIỆU / not NUMBER/SYMBOL")
    issued = values.get("ngay_ban_hanh", "")
    until = values.get("hieu_luc_den", "")
    if not issued:
        raise ValueError("thiếu ngay_ban_hanh / missing ngay_ban_hanh")
    try:
        parse_iso_date(issued, "ngay_ban_hanh")
        if until:
            parse_iso_date(until, "hieu_luc_den")
    except PermanentError as exc:
        raise ValueError(exc.message) from exc
    if until and until < issued:
        raise ValueError("hieu_luc_den trước ngay_ban_hanh / validity ends before issue")
    linh_vuc = _field_code(values.get("linh_vuc", ""))
    if not linh_vuc:
        raise ValueError("thiếu linh_vuc / missing linh_vuc")
    return {
        "so_ky_hieu": so,
        "loai": unicodedata.normalize("NFC", values.get("loai", "")) or None,
        "ngay_ban_hanh": issued,
        "hieu_luc_den": until or None,
        "chu_the": unicodedata.normalize("NFC", values.get("chu_the", "")) or None,
        "linh_vuc": linh_vuc,
    }


def parse_register(data: bytes, filename: str | None = None) -> tuple[list[dict[str, Any]], list[RowError], int]:
    """Entries, rejected rows and the number of data rows of a CSV or XLSX register.

    The format is told by content (XLSX is a zip), not by ``filename``. Raises ``PermanentError``
    (code ``bad_register``) when the file as a whole is unusable (encoding, missing columns).
    """
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise PermanentError("Tệp sổ rỗng. (Empty register file.)", code="bad_register")
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    rows = [(n, r) for n, r in rows if any(r)]
    if not rows:
        raise PermanentError("Tệp sổ rỗng. (Empty register file.)", code="bad_register")
    header_line, header = rows[0]
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise PermanentError(
            f"Dòng tiêu đề {header_line} thiếu cột: {', '.join(missing)}. Cần đúng các cột "
            f"{','.join(COLUMNS)}. (Missing columns.)",
            code="bad_register",
        )
    entries: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        values = {name: (row[i] if i < len(row) else "") for i, name in enumerate(names) if name in COLUMNS}
        try:
            entry = _parse_row(values)
        except ValueError as exc:
            errors.append(RowError(line, str(exc), values.get("so_ky_hieu") or None))
            continue
        ident = entry_id(entry["so_ky_hieu"], entry["ngay_ban_hanh"])
        if ident in seen:
            reason = f"trùng dòng {seen[ident]} (cùng số ký hiệu và ngày ban hành) / duplicate of line {seen[ident]}"
            errors.append(RowError(line, reason, entry["so_ky_hieu"]))
            continue
        seen[ident] = line
        entries.append(entry)
    return entries, errors, len(rows) - 1


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
    Raises ``PermanentError`` (``bad_value``) when another document is linked to ``entry`` already.
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
            code="bad_value",
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
