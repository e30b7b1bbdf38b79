"""The one-stop system's view of a set: its dossier list (as an office exports it) and the answer key.

Every dossier has a mã hồ sơ, a procedure (thủ tục) with its field, the party (chủ thể), the day it was
received, the day its result is due (received + the procedure's working days) and, once returned, the day of
return and the result's số ký hiệu and date. Some are returned late (after the due day), some not yet, and a
few have no scanned file at all. Dates are written ISO on some rows and ``dd/mm/yyyy`` on others, as offices
export them.

The answer key (``gt/dossiers.json``) names each dossier's files with their roles and the figures a report
over the whole set must give: dossiers received, fully digitized (application and receipt once received, the
result too once returned), returned late, and per dossier the papers missing.

Nothing here draws from the generators the documents use, so adding the list leaves every document unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .agencies import AGENCY_CODE
from .plan import FilePlan

LIST_FIELDS = [
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
]
DATE_FIELDS = ("ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra_ket_qua", "ket_qua_ngay_ban_hanh")
ROLES = ("don_de_nghi", "giay_bien_nhan", "bien_ban", "ket_qua", "khac")
RETURNED, IN_PROGRESS = "da_tra_ket_qua", "dang_giai_quyet"

# Working days from receipt to the promised return, by field (a procedure-typical time).
WORKING_DAYS = {
    "ruou": 10,
    "thuoc_la": 15,
    "khi": 15,
    "an_toan_thuc_pham": 20,
    "hoa_chat": 15,
    "xang_dau": 15,
    "dien_luc": 15,
    "xuc_tien_thuong_mai": 5,
}


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday to Friday) after ``day``."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def sub_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days before ``day``."""
    while days > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def procedure_name(loai: str) -> str:
    """The thủ tục that gives a result of kind ``loai``."""
    if loai.startswith("Quyết định "):
        rest = loai.removeprefix("Quyết định ")
        return rest[0].upper() + rest[1:]
    if loai.startswith("Văn bản xác nhận "):
        return "Xác nhận " + loai.removeprefix("Văn bản xác nhận ")
    return "Cấp " + loai


def role_of(plan: FilePlan) -> str:
    """The role a file plays in its dossier."""
    s = plan.spec
    if s.doc_type in ("don_de_nghi", "giay_bien_nhan", "bien_ban"):
        return s.doc_type
    return "ket_qua" if s.tthc else "khac"


@dataclass
class Entry:
    """One dossier of the list; ``files`` are (file name, role) in file order."""

    code: str
    thu_tuc: str
    linh_vuc: str
    chu_the: str
    received: dt.date
    returned: dt.date | None = None
    result_number: str | None = None
    result_date: dt.date | None = None
    files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def due(self) -> dt.date:
        return add_working_days(self.received, WORKING_DAYS.get(self.linh_vuc, 15))

    @property
    def late(self) -> bool:
        return self.returned is not None and self.returned > self.due

    def required(self) -> list[str]:
        papers = ["don_de_nghi", "giay_bien_nhan"]
        return [*papers, "ket_qua"] if self.returned is not None else papers

    def missing(self) -> list[str]:
        have = {role for _f, role in self.files}
        return [r for r in self.required() if r not in have]


# Default set: results that came through the one-stop system without a printed dossier code, by document label,
# with the day each was received, and the sequence number of its code.
RESULT_DOSSIERS: dict[str, tuple[dt.date, int]] = {
    "wine_a": (dt.date(2024, 8, 7), 3),  # due 21/08, returned 27/08: late
    "wine_b": (dt.date(2023, 3, 1), 12),  # two scans of the one result
    "qd_hoa_chat": (dt.date(2024, 3, 27), 30),
}

# Default set: dossiers with no scanned file: (code, thu_tuc, field, chu_the, received, returned, result number).
PAPERLESS: tuple[tuple[str, str, str, str, dt.date, dt.date | None, str | None], ...] = (
    (
        f"{AGENCY_CODE}-240805-0014",
        "Cấp Giấy phép bán lẻ rượu",
        "ruou",
        "Hộ kinh doanh Đinh Văn Toàn",
        dt.date(2024, 8, 5),
        dt.date(2024, 8, 23),  # due 19/08: late
        "27/GP-SCT",
    ),
    (
        f"{AGENCY_CODE}-240610-0009",
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "an_toan_thuc_pham",
        "Hộ kinh doanh Vi Thị Lan",
        dt.date(2024, 6, 10),
        dt.date(2024, 7, 3),
        "52/2024/GCNATTP-SCT",
    ),
    (
        f"{AGENCY_CODE}-240916-0021",
        "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
        "khi",
        "Công ty TNHH Gas Hồng Phát",
        dt.date(2024, 9, 16),
        None,  # still being processed
        None,
    ),
)

# Widened splits: parties of the dossiers without a file (fictional).
PAPERLESS_PARTIES = ("Hộ kinh doanh Nông Văn Khánh", "Công ty TNHH Thương mại Lạc Hồng", "Hộ kinh doanh Hà Thị Mai")


def _result_entry(plan: FilePlan, received: dt.date, seq: int) -> Entry:
    s = plan.spec
    issued = dt.date.fromisoformat(s.ngay_ban_hanh)
    return Entry(
        code=f"{AGENCY_CODE}-{received:%y%m%d}-{seq:04d}",
        thu_tuc=procedure_name(s.tthc["loai"]),
        linh_vuc=s.field_code,
        chu_the=s.chu_the or "",
        received=received,
        returned=issued,
        result_number=s.so_ky_hieu,
        result_date=issued,
    )


def _add_files(entries: dict[str, Entry], by_result: dict[str, str], plans: list[FilePlan], fnames: list[str]) -> None:
    """File every document that belongs to a dossier: by its printed code, or as the dossier's result."""
    for plan, fname in zip(plans, fnames, strict=True):
        s = plan.spec
        code = s.ma_ho_so or (by_result.get(s.tthc["register_key"]) if s.tthc else None)
        if code is not None:
            entries[code].files.append((fname, role_of(plan)))


def _coded_entries(plans: list[FilePlan]) -> dict[str, Entry]:
    """Dossiers whose code is printed on their papers: received on the code's day, returned with their result."""
    entries: dict[str, Entry] = {}
    for plan in plans:
        s = plan.spec
        if s.ma_ho_so is None or s.ma_ho_so in entries:
            continue
        received = dt.datetime.strptime(s.ma_ho_so.split("-")[1], "%y%m%d").date()
        result = next((p.spec for p in plans if p.spec.ma_ho_so == s.ma_ho_so and p.spec.tthc), None)
        issued = dt.date.fromisoformat(result.ngay_ban_hanh) if result else None
        entries[s.ma_ho_so] = Entry(
            code=s.ma_ho_so,
            thu_tuc=procedure_name(result.tthc["loai"]) if result else "",
            linh_vuc=s.field_code,
            chu_the=s.chu_the or "",
            received=received,
            returned=issued,
            result_number=result.so_ky_hieu if result else None,
            result_date=issued,
        )
    return entries


def sample_entries(plans: list[FilePlan], fnames: list[str]) -> list[Entry]:
    """The default set's dossiers: those printed on its papers, results received without one, paperless ones."""
    entries = _coded_entries(plans)
    by_result: dict[str, str] = {}
    for label, (received, seq) in RESULT_DOSSIERS.items():
        plan = next(p for p in plans if p.filing.doc == label and not p.filing.duplicate)
        entry = _result_entry(plan, received, seq)
        entries[entry.code] = entry
        by_result[plan.spec.tthc["register_key"]] = entry.code
    for code, thu_tuc, fld, chu_the, received, returned, number in PAPERLESS:
        entries[code] = Entry(code, thu_tuc, fld, chu_the, received, returned, number, returned)
    _add_files(entries, by_result, plans, fnames)
    return sorted(entries.values(), key=lambda e: (e.received, e.code))


def split_entries(plans: list[FilePlan], fnames: list[str], seed: int) -> list[Entry]:
    """A widened split's dossiers: one per result of the province's bodies (received some working days before
    it was issued, so some are late), plus dossiers without a file, received and not yet returned or returned."""
    rng = np.random.default_rng([seed, 21])
    entries = _coded_entries(plans)
    by_result: dict[str, str] = {}
    firsts = [p for p in plans if p.spec.tthc and p.spec.tthc["in_register"] and not p.filing.duplicate]
    for seq, plan in enumerate(sorted(firsts, key=lambda p: (p.spec.ngay_ban_hanh, p.spec.so_ky_hieu)), start=1):
        if plan.spec.tthc["register_key"] in by_result:
            continue
        days = WORKING_DAYS.get(plan.spec.field_code, 15)
        taken = int(rng.integers(max(1, days - 8), days + 3))  # a few beyond the due day
        received = sub_working_days(dt.date.fromisoformat(plan.spec.ngay_ban_hanh), taken)
        entry = _result_entry(plan, received, seq)
        entries[entry.code] = entry
        by_result[plan.spec.tthc["register_key"]] = entry.code
    last = max((e.received for e in entries.values()), default=dt.date(2024, 9, 2))
    for k, party in enumerate(PAPERLESS_PARTIES):
        received = last - dt.timedelta(days=int(rng.integers(5, 40)))
        returned = None if k == 0 else add_working_days(received, 10 + 4 * k)
        number = f"{int(rng.integers(200, 400))}/GP-SCT" if returned else None
        code = f"{AGENCY_CODE}-{received:%y%m%d}-{900 + k:04d}"
        entries[code] = Entry(code, "Cấp Giấy phép bán lẻ rượu", "ruou", party, received, returned, number, returned)
    _add_files(entries, by_result, plans, fnames)
    return sorted(entries.values(), key=lambda e: (e.received, e.code))


def _written(day: dt.date | None, dmy: bool) -> str:
    if day is None:
        return ""
    return f"{day:%d/%m/%Y}" if dmy else day.isoformat()


def list_rows(entries: list[Entry]) -> list[dict[str, str]]:
    """The export: one row per dossier, dates ISO on even rows and dd/mm/yyyy on odd ones."""
    rows = []
    for n, e in enumerate(entries):
        dmy = n % 2 == 1
        rows.append(
            {
                "ma_ho_so": e.code,
                "thu_tuc": e.thu_tuc,
                "linh_vuc": e.linh_vuc,
                "chu_the": e.chu_the,
                "ngay_tiep_nhan": _written(e.received, dmy),
                "ngay_hen_tra": _written(e.due, dmy),
                "ngay_tra_ket_qua": _written(e.returned, dmy),
                "trang_thai": RETURNED if e.returned else IN_PROGRESS,
                "ket_qua_so_ky_hieu": e.result_number or "",
                "ket_qua_ngay_ban_hanh": _written(e.result_date, dmy),
            }
        )
    return rows


def answer_key(entries: list[Entry]) -> dict[str, Any]:
    """Each dossier's files and roles, and the report over the whole set (received, digitized, late, missing)."""
    dossiers = [
        {
            "ma_ho_so": e.code,
            "thu_tuc": e.thu_tuc,
            "linh_vuc": e.linh_vuc,
            "chu_the": e.chu_the,
            "ngay_tiep_nhan": e.received.isoformat(),
            "ngay_hen_tra": e.due.isoformat(),
            "ngay_tra_ket_qua": e.returned.isoformat() if e.returned else None,
            "trang_thai": RETURNED if e.returned else IN_PROGRESS,
            "ket_qua": {"so_ky_hieu": e.result_number, "ngay_ban_hanh": e.result_date.isoformat()}
            if e.result_date
            else None,
            "files": [{"file": f, "role": role} for f, role in e.files],
            "required": e.required(),
            "missing": e.missing(),
            "digitized": not e.missing(),
            "late": e.late,
        }
        for e in entries
    ]
    return {
        "period": {
            "from": min(e.received for e in entries).isoformat(),
            "to": max(e.received for e in entries).isoformat(),
        },
        "expected": {
            "received": len(entries),
            "digitized": sum(1 for d in dossiers if d["digitized"]),
            "late": sum(1 for d in dossiers if d["late"]),
            "not_returned": sum(1 for e in entries if e.returned is None),
            "without_files": sum(1 for e in entries if not e.files),
        },
        "dossiers": dossiers,
    }
