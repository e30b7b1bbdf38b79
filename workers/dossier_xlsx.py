"""The dossier report as a workbook for an inspection team (the coverage export's conventions: Vietnamese
headers, real date cells shown dd/mm/yyyy, percentages). Every cell that comes from users' or the
one-stop system's data is written as text, so a value starting with ``=`` never becomes a formula."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from .dossiers import ROLE_NAMES

_DATE_FORMAT = "DD/MM/YYYY"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def report_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Tổng hợp"
    summary.append(["BÁO CÁO SỐ HÓA VÀ TIẾN ĐỘ GIẢI QUYẾT HỒ SƠ TTHC"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append(["Tiếp nhận từ ngày", _day(report["from"]), "đến ngày", _day(report["to"])])
    for cell in ("B2", "D2"):
        summary[cell].number_format = _DATE_FORMAT
    summary.append([])
    rows = [
        ["Hồ sơ tiếp nhận", report["received"]],
        ["Đã số hóa đủ giấy tờ", report["digitized"]],
        ["Tỷ lệ số hóa", report["rate"]],
        ["Trả kết quả trễ hạn", report["late"]],
        [f"Số hóa chậm (quá {report['lag_days']} ngày)", report["late_digitization"]],
    ]
    for row in rows:
        summary.append(row)
    summary.cell(row=6, column=2).number_format = "0.0%"
    summary.append([])
    summary.append(["Theo lĩnh vực", "Tiếp nhận", "Số hóa đủ", "Trễ hạn"])
    for name, b in report["by_field"].items():
        _append_text(summary, [name, b["received"], b["digitized"], b["late"]])
    summary.append([])
    summary.append(["Theo tháng", "Tiếp nhận", "Số hóa đủ", "Trễ hạn"])
    for month, b in report["by_month"].items():
        _append_text(summary, [month, b["received"], b["digitized"], b["late"]])

    sheet = book.create_sheet("Hồ sơ")
    sheet.append(
        ["Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Chủ thể", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả",
         "Số hóa đủ", "Còn thiếu", "Trễ hạn", "Số hóa chậm (ngày)"]
    )  # fmt: skip
    for r in report["dossiers"]:
        missing = ", ".join(ROLE_NAMES.get(m, m) for m in r["missing"])
        _append_text(
            sheet,
            [r["ma_ho_so"], r["thu_tuc"], r["linh_vuc"], r["chu_the"], _day(r["ngay_tiep_nhan"]),
             _day(r["ngay_hen_tra"]), _day(r["ngay_tra_ket_qua"]), "Có" if r["digitized"] else "Chưa", missing,
             "Trễ hạn" if r["late"] else "", r["max_lag_days"]],
        )  # fmt: skip
        for col in (5, 6, 7):
            sheet.cell(row=sheet.max_row, column=col).number_format = _DATE_FORMAT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append_text(sheet: Any, values: list[Any]) -> None:
    """Append a row; strings stay strings (a leading ``=`` is text, not a formula)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
