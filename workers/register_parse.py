"""The register of issued TTHC results as a file, and the identity of its entries: pure functions, no storage
(that is :mod:`workers.register`, which re-exports these names).

A register entry is identified by its số ký hiệu *and* ngày ban hành (numbers restart every year); the
identity is compared in normalized form (:func:`symbol_key`), so ``24/QĐ-SCT`` and ``24 / qd-sct`` are
the same entry. :func:`parse_register` reads CSV (UTF-8, optional BOM) or XLSX with the header
``so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc`` and reports each rejected row with its
line number and the reason.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import PermanentError
from .officedates import parse_date
from .textnorm import fold

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


@functools.lru_cache(maxsize=65536)  # pure, and called for every document and entry of every report
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


def _iso_day(value: str, name: str) -> str:
    """``YYYY-MM-DD`` of a register cell written ISO or dd/mm/yyyy ("" when empty); raises ``ValueError``."""
    try:
        day = parse_date(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc
    return day.isoformat() if day else ""


def _parse_row(values: dict[str, str]) -> dict[str, Any]:
    """One register row -> entry; raises ``ValueError`` with the reason (Vietnamese / English)."""
    so = unicodedata.normalize("NFC", _SPACES.sub(" ", values.get("so_ky_hieu", "")).strip())
    key = symbol_key(so)
    if key is None:
        raise ValueError("thiếu so_ky_hieu / missing so_ky_hieu")
    if not key.number.isdigit() or not key.symbol:
        raise ValueError(f"so_ky_hieu '{so}' không có dạng SỐ/KÝ HIỆU / not NUMBER/SYMBOL")
    if not values.get("ngay_ban_hanh", "").strip():
        raise ValueError("thiếu ngay_ban_hanh / missing ngay_ban_hanh")
    issued = _iso_day(values.get("ngay_ban_hanh", ""), "ngay_ban_hanh")
    until = _iso_day(values.get("hieu_luc_den", ""), "hieu_luc_den")
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
