"""Dossiers (hồ sơ TTHC) of the one-stop system, and which digitized documents belong to each.

The list comes two ways into one table (:mod:`workers.db`): an export imported as CSV/XLSX
(:func:`import_dossiers`; re-import updates, bad rows are reported by line) and the one-stop system's
``dossier.*`` events (:func:`apply_event`; a redelivered event changes nothing).

A document is linked to at most one dossier, with a role (đơn đề nghị, giấy tiếp nhận, biên bản, kết
quả, khác), by the first of these that holds (:func:`link_document`):

1. ``staff`` - set by a person (kept over everything else);
2. ``upload`` - the mã hồ sơ typed or chosen at upload, when it is in the list;
3. ``printed`` - a mã hồ sơ printed on the page (receipts, results), read tolerantly of OCR errors;
4. ``content`` - a result whose số ký hiệu and date are the dossier's result, or an application or
   minutes whose chủ thể and field are the dossier's and whose date falls in its time frame.

Linking runs whenever either side arrives: for a document once it is indexed, for every indexed
document after an import or an event.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .db import dossier_events, dossier_links, dossiers, translate
from .errors import PermanentError
from .linking import subject_similarity
from .officedates import parse_date as parse_date
from .register import symbol_key

COLUMNS = (
    "ma_ho_so",
    "thu_tuc",
    "linh_vuc",
    "chu_the",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_tra_ket_qua",
    "trang_thai",
    "ket_qua_so_ky_hieu",
    "ket_qua_ngay_ban_hanh",
)
DATE_COLUMNS = ("ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra_ket_qua", "ket_qua_ngay_ban_hanh")
ROLES = ("don_de_nghi", "giay_bien_nhan", "bien_ban", "ket_qua", "khac")
ROLE_NAMES = {
    "don_de_nghi": "Đơn đề nghị",
    "giay_bien_nhan": "Giấy tiếp nhận và hẹn trả kết quả",
    "bien_ban": "Biên bản",
    "ket_qua": "Kết quả",
    "khac": "Khác",
}
RESULT_DOC_TYPES = frozenset({"giay_phep", "giay_chung_nhan", "quyet_dinh"})
MAX_LIST_BYTES = 50 * 1024 * 1024

# 000.12.37.H37-240327-0030: agency code, YYMMDD, sequence. OCR may read O for 0, l/I for 1, lose dots.
_CODE = re.compile(
    r"\b([0-9OoIl]{3})[.,·]?\s?([0-9OoIl]{2})[.,·]?\s?([0-9OoIl]{2})[.,·]?\s?([HhNn][0-9OoIl]{2})\s?[-–]\s?([0-9OoIl]{6})\s?[-–]\s?([0-9OoIl]{4})\b"
)
_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


# ------------------------------------------------------------------------------------------ the list


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def normalize_code(raw: str) -> str | None:
    """The canonical mã hồ sơ in ``raw`` (printed or typed), or None."""
    m = _CODE.search(raw)
    if not m:
        return None
    a, b, c, agency, day, seq = (g.translate(_DIGITS) for g in m.groups())
    return f"{a}.{b}.{c}.{agency[0].upper()}{agency[1:]}-{day}-{seq}"


def _rows(data: bytes, filename: str | None) -> list[tuple[int, list[str]]]:
    if (filename or "").lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise PermanentError(f"Tệp XLSX không đọc được: {exc} (Unreadable XLSX.)", code="bad_value") from exc
        try:
            return [
                (n, ["" if v is None else (v.date().isoformat() if isinstance(v, datetime) else str(v)) for v in row])
                for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
            ]
        finally:
            book.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PermanentError("Tệp không phải CSV UTF-8. (Not a UTF-8 CSV.)", code="bad_value") from exc
    delimiter = ";" if ";" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else ","
    return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)]


def parse_dossier_list(data: bytes, filename: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows, rejected) of a one-stop system export; rejected rows say their line and why."""
    if len(data) > MAX_LIST_BYTES:
        raise PermanentError("Tệp danh sách hồ sơ quá lớn. (Dossier list too large.)", code="bad_value")
    rows = _rows(data, filename)
    if not rows:
        raise PermanentError("Tệp danh sách hồ sơ rỗng. (Empty dossier list.)", code="bad_value")
    header = [h.strip().lower() for h in rows[0][1]]
    if "ma_ho_so" not in header:
        raise PermanentError(
            f"Thiếu cột ma_ho_so; cần các cột {', '.join(COLUMNS)}. (Missing column ma_ho_so.)", code="bad_value"
        )
    good: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for line, values in rows[1:]:
        if not any(v.strip() for v in values):
            continue
        raw = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h in COLUMNS}
        try:
            good.append(_parse_row(raw))
        except ValueError as exc:
            rejected.append({"line": line, "ma_ho_so": raw.get("ma_ho_so"), "reason": str(exc)})
    return good, rejected


def _parse_row(raw: dict[str, str]) -> dict[str, Any]:
    code = normalize_code(raw.get("ma_ho_so", ""))
    if code is None:
        raise ValueError(f"mã hồ sơ không hợp lệ / bad ma_ho_so: {raw.get('ma_ho_so')!r}")
    row: dict[str, Any] = {k: (raw.get(k) or None) for k in COLUMNS}
    row["ma_ho_so"] = code
    for name in DATE_COLUMNS:
        row[name] = parse_date(raw.get(name, ""))
    if row["ngay_tiep_nhan"] is None:
        raise ValueError("thiếu ngày tiếp nhận / missing ngay_tiep_nhan")
    return row


def _upsert(engine: Engine, row: dict[str, Any], source: str, event_id: str | None = None) -> str:
    """Insert or update one dossier; returns added, updated or unchanged."""
    now = datetime.now(UTC)
    with translate("write a dossier"), engine.begin() as conn:
        current = conn.execute(select(dossiers).where(dossiers.c.ma_ho_so == row["ma_ho_so"])).mappings().first()
        if current is None:
            try:
                with conn.begin_nested():  # a savepoint: a lost race must not abort the whole transaction
                    conn.execute(insert(dossiers).values(**row, source=source, last_event_id=event_id, updated_at=now))
                return "added"
            except IntegrityError:  # another writer added it a moment ago: update it instead
                current = conn.execute(select(dossiers).where(dossiers.c.ma_ho_so == row["ma_ho_so"])).mappings().one()
        changes = {k: v for k, v in row.items() if v is not None and current.get(k) != v}
        if not changes:
            return "unchanged"
        conn.execute(
            update(dossiers)
            .where(dossiers.c.ma_ho_so == row["ma_ho_so"])
            .values(**changes, source=source, last_event_id=event_id or current["last_event_id"], updated_at=now)
        )
        return "updated"


def import_dossiers(engine: Engine, data: bytes, filename: str | None = None) -> ImportReport:
    """Import a one-stop system export; re-importing the same file changes nothing."""
    rows, rejected = parse_dossier_list(data, filename)
    report = ImportReport(rows=len(rows) + len(rejected), rejected=rejected)
    for row in rows:
        outcome = _upsert(engine, row, "import")
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def apply_event(engine: Engine, event: Any) -> bool:
    """Apply a ``dossier.*`` event once; False when its ``event_id`` was seen before (a redelivery)."""
    row = {k: getattr(event, k, None) for k in COLUMNS}
    row["ma_ho_so"] = normalize_code(event.ma_ho_so) or event.ma_ho_so
    try:
        with translate("record a dossier event"), engine.begin() as conn:
            conn.execute(
                insert(dossier_events).values(
                    event_id=event.event_id, ma_ho_so=row["ma_ho_so"], type=event.type, occurred_at=event.occurred_at
                )
            )
    except IntegrityError:
        return False
    _upsert(engine, row, "event", event.event_id)
    return True


def get_dossier(engine: Engine, code: str) -> dict[str, Any] | None:
    with translate("read a dossier"), engine.connect() as conn:
        found = conn.execute(select(dossiers).where(dossiers.c.ma_ho_so == code)).mappings().first()
    return dict(found) if found else None


def has_any(engine: Engine) -> bool:
    with translate("read the dossiers"), engine.connect() as conn:
        return conn.execute(select(dossiers.c.ma_ho_so).limit(1)).first() is not None


def recent_codes(engine: Engine, limit: int = 500) -> list[str]:
    """The codes of the newest dossiers (by date received), for pickers."""
    query = select(dossiers.c.ma_ho_so).order_by(dossiers.c.ngay_tiep_nhan.desc()).limit(limit)
    with translate("read the dossiers"), engine.connect() as conn:
        return [str(code) for code in conn.execute(query).scalars()]


def all_dossiers(engine: Engine) -> list[dict[str, Any]]:
    with translate("read the dossiers"), engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(dossiers).order_by(dossiers.c.ngay_tiep_nhan)).mappings()]


# ------------------------------------------------------------------------------------------- linking


def role_of(record: dict[str, Any], dossier: dict[str, Any] | None = None) -> str:
    doc_type = record.get("doc_type")
    if doc_type in ("don_de_nghi", "giay_bien_nhan", "bien_ban"):
        return str(doc_type)
    if doc_type in RESULT_DOC_TYPES or (dossier is not None and _is_its_result(record, dossier)):
        return "ket_qua"
    return "khac"


def _is_its_result(record: dict[str, Any], dossier: dict[str, Any]) -> bool:
    want, got = symbol_key(dossier.get("ket_qua_so_ky_hieu")), symbol_key(record.get("so_ky_hieu"))
    if want is None or got is None or want.number != got.number or want.symbol != got.symbol:
        return False
    issued = dossier.get("ket_qua_ngay_ban_hanh")
    return issued is None or record.get("ngay_ban_hanh") in (None, issued.isoformat())


def _fits_by_content(record: dict[str, Any], dossier: dict[str, Any]) -> bool:
    """An application or minutes of this dossier: same chủ thể and field, dated in its time frame."""
    if record.get("doc_type") not in ("don_de_nghi", "bien_ban"):
        return False
    if dossier.get("linh_vuc") and record.get("field") and record["field"] != dossier["linh_vuc"]:
        return False
    subject = record.get("chu_the") or record.get("co_quan_ban_hanh") or ""
    if subject_similarity(subject, dossier.get("chu_the") or "", floor=0.8) < 0.8:
        return False
    received: date = dossier["ngay_tiep_nhan"]
    try:
        dated = date.fromisoformat(str(record.get("ngay_ban_hanh")))
    except ValueError:
        return True  # no date read: chủ thể and field decide
    end = dossier.get("ngay_tra_ket_qua") or dossier.get("ngay_hen_tra") or received + timedelta(days=90)
    return received - timedelta(days=60) <= dated <= end


def content_fits(record: dict[str, Any], candidates: Iterable[dict[str, Any]]) -> list[str]:
    """Codes of the dossiers that ``record`` fits by content (its result, or its applicant and field)."""
    return [d["ma_ho_so"] for d in candidates if _is_its_result(record, d) or _fits_by_content(record, d)]


def decide(record: dict[str, Any], candidates: Iterable[dict[str, Any]]) -> tuple[str, str] | None:
    """(ma_ho_so, how) for ``record`` among ``candidates`` (the dossier list), or None."""
    by_code = {d["ma_ho_so"]: d for d in candidates}
    typed = normalize_code(record.get("dossier") or "")
    if typed is not None and typed in by_code:
        return typed, "upload"
    sources = [record.get("ma_ho_so") or "", *(m.group(0) for m in _CODE.finditer(record.get("text") or ""))]
    printed = {code for code in map(normalize_code, sources) if code is not None and code in by_code}
    if len(printed) == 1:
        return printed.pop(), "printed"
    fits = content_fits(record, by_code.values())
    if len(fits) == 1:
        return fits[0], "content"
    return None


def link_document(engine: Engine, record: dict[str, Any], candidates: list[dict[str, Any]] | None = None) -> str | None:
    """Link one indexed document to its dossier (never over a staff link); returns the mã hồ sơ or None."""
    doc_id = record["doc_id"]
    with translate("read a dossier link"), engine.connect() as conn:
        current = conn.execute(select(dossier_links).where(dossier_links.c.doc_id == doc_id)).mappings().first()
    if current is not None and current["how"] == "staff":
        return str(current["ma_ho_so"])
    if candidates is None:
        candidates = all_dossiers(engine)
    found = decide(record, candidates)
    if found is None:
        return None
    code, how = found
    dossier = next(d for d in candidates if d["ma_ho_so"] == code)
    _save_link(engine, doc_id, code, role_of(record, dossier), how)
    return code


def link_staff(engine: Engine, doc_id: str, code: str, role: str | None, record: dict[str, Any]) -> None:
    dossier = get_dossier(engine, code)
    if dossier is None:
        raise PermanentError(f"không có hồ sơ / no dossier {code}", code="bad_value")
    if role is not None and role not in ROLES:
        raise PermanentError(f"vai trò phải là một trong / role must be one of {', '.join(ROLES)}", code="bad_value")
    _save_link(engine, doc_id, code, role or role_of(record, dossier), "staff")


def _save_link(engine: Engine, doc_id: str, code: str, role: str, how: str) -> None:
    now = datetime.now(UTC)
    with translate("write a dossier link"), engine.begin() as conn:
        conn.execute(delete(dossier_links).where(dossier_links.c.doc_id == doc_id))
        conn.execute(insert(dossier_links).values(doc_id=doc_id, ma_ho_so=code, role=role, how=how, linked_at=now))


def links(engine: Engine, code: str | None = None) -> dict[str, dict[str, Any]]:
    """doc_id -> {ma_ho_so, role, how}, of every dossier or of ``code`` only."""
    query = select(dossier_links)
    if code is not None:
        query = query.where(dossier_links.c.ma_ho_so == code)
    with translate("read the dossier links"), engine.connect() as conn:
        return {r["doc_id"]: dict(r) for r in conn.execute(query).mappings()}


def link_all(engine: Engine, records: Iterable[dict[str, Any]]) -> int:
    """Link every indexed document that can be (after an import or an event); returns how many are linked."""
    candidates = all_dossiers(engine)
    linked = 0
    for record in records:
        if record.get("state") == "indexed" and link_document(engine, record, candidates):
            linked += 1
    return linked


# -------------------------------------------------------------------------------------------- report


def required_roles(dossier: dict[str, Any]) -> tuple[str, ...]:
    """The papers a dossier must have digitized in its state: application and receipt once received,
    the result too once returned."""
    returned = dossier.get("ngay_tra_ket_qua") is not None or (dossier.get("trang_thai") or "").startswith("da_tra")
    return ("don_de_nghi", "giay_bien_nhan", "ket_qua") if returned else ("don_de_nghi", "giay_bien_nhan")


def report(
    engine: Engine,
    lookup: Callable[[str], dict[str, Any] | None],
    start: date,
    end: date,
    *,
    lag_days: int = 7,
) -> dict[str, Any]:
    """Dossiers received in ``[start, end]``: digitized fully or not (what is missing), late returns,
    and digitization later than ``lag_days`` after receipt (papers) or return (the result). ``lookup``
    gives a document's record by id (only linked documents are looked up)."""
    linked = links(engine)
    by_dossier: dict[str, list[dict[str, Any]]] = {}
    for doc_id, link in linked.items():
        record = lookup(doc_id)
        if record is not None and record.get("state") == "indexed":
            by_dossier.setdefault(link["ma_ho_so"], []).append({**link, "processed_at": record.get("processed_at")})
    rows = []
    for d in all_dossiers(engine):
        if not (start <= d["ngay_tiep_nhan"] <= end):
            continue
        docs = by_dossier.get(d["ma_ho_so"], [])
        have = {x["role"] for x in docs}
        missing = [r for r in required_roles(d) if r not in have]
        late = bool(d.get("ngay_tra_ket_qua") and d.get("ngay_hen_tra") and d["ngay_tra_ket_qua"] > d["ngay_hen_tra"])
        lags = []
        for x in docs:
            if not x.get("processed_at"):
                continue
            done = datetime.fromisoformat(str(x["processed_at"])).date()
            since = d.get("ngay_tra_ket_qua") if x["role"] == "ket_qua" else d["ngay_tiep_nhan"]
            if since is not None:
                lags.append((done - since).days)
        rows.append(
            {
                "ma_ho_so": d["ma_ho_so"],
                "thu_tuc": d.get("thu_tuc"),
                "linh_vuc": d.get("linh_vuc"),
                "chu_the": d.get("chu_the"),
                "ngay_tiep_nhan": d["ngay_tiep_nhan"].isoformat(),
                "ngay_hen_tra": d["ngay_hen_tra"].isoformat() if d.get("ngay_hen_tra") else None,
                "ngay_tra_ket_qua": d["ngay_tra_ket_qua"].isoformat() if d.get("ngay_tra_ket_qua") else None,
                "documents": len(docs),
                "roles": sorted(have),
                "missing": missing,
                "digitized": not missing,
                "late": late,
                "max_lag_days": max(lags) if lags else None,
                "late_digitization": bool(lags) and max(lags) > lag_days,
            }
        )
    by_month: dict[str, dict[str, int]] = {}
    by_field: dict[str, dict[str, int]] = {}
    for r in rows:
        for bucket, key in ((by_month, r["ngay_tiep_nhan"][:7]), (by_field, r["linh_vuc"] or "?")):
            b = bucket.setdefault(key, {"received": 0, "digitized": 0, "late": 0})
            b["received"] += 1
            b["digitized"] += int(r["digitized"])
            b["late"] += int(r["late"])
    received = len(rows)
    digitized = sum(1 for r in rows if r["digitized"])
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "received": received,
        "digitized": digitized,
        "rate": round(digitized / received, 4) if received else None,
        "late": sum(1 for r in rows if r["late"]),
        "late_digitization": sum(1 for r in rows if r["late_digitization"]),
        "lag_days": lag_days,
        "by_month": dict(sorted(by_month.items())),
        "by_field": dict(sorted(by_field.items())),
        "dossiers": rows,
    }
