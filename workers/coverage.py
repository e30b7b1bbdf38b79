"""Digitization coverage of the department's still-valid TTHC results, as of a day.

A register entry is *valid on D* when ``ngay_ban_hanh <= D`` and (no ``hieu_luc_den`` or
``hieu_luc_den >= D``); it is *digitized* when at least one indexed document is linked to it.

Linking is :func:`workers.linking.match_documents` (re-exported here): a staff link (``register link`` /
``unlink``) always wins; else an exact reading (normalized số ký hiệu + ngày ban hành); else a repaired
reading, scored against the register on the number, symbol, date, chủ thể, type and field, when exactly
one entry fits well (the rules, and who may hold an entry, are in that module). Applications, receipts
and minutes never link; the document type is otherwise not required (a misclassified licence still
counts). Second scans all link and the entry counts once. The report's ``links`` counts the linked
documents by how: ``exact``, ``repaired`` or ``confirmed`` (a staff link).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from .context import Context
from .linking import Match as Match  # re-exported: the coverage API of old
from .linking import RegisterIndex, suggestions
from .linking import match_documents as match_documents
from .localtime import vn_today
from .ports import SearchQuery
from .records import taxonomy_names
from .register import COLUMNS, NON_RESULT_TYPES, entry_id, load_links, load_register, parse_iso_date

# Types of the documents a TTHC result is issued as; unlinked ones are listed as "unmatched".
RESULT_TYPES = ("giay_phep", "quyet_dinh", "cong_van")
EXPIRING_DAYS = 90


def is_valid(entry: dict[str, Any], day: str) -> bool:
    """The validity rule on ISO day ``day`` (both ends inclusive; empty end = no end)."""
    end = entry.get("hieu_luc_den")
    return bool(entry["ngay_ban_hanh"] <= day and (not end or end >= day))


def _rate(digitized: int, valid: int) -> float:
    return round(digitized / valid, 4) if valid else 0.0


def _group(valid: list[dict[str, Any]], done: set[str], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in valid:
        name = e["linh_vuc"] if key == "field" else e["ngay_ban_hanh"][:4]
        groups[name][0] += 1
        groups[name][1] += entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) in done
    return {name: {"valid": v, "digitized": d, "rate": _rate(d, v)} for name, (v, d) in sorted(groups.items())}


def looks_like_result(record: dict[str, Any]) -> bool:
    """Whether an indexed document reads as a TTHC result someone was granted.

    Licences and certificates always do. A decision or letter does only when it names a licensee or
    applicant other than its issuer (a decision granting something to a company), not when it is an
    internal act such as setting up an inspection team - those would flood the "unmatched" list.
    """
    if not (record.get("so_ky_hieu") or "").strip():
        return False
    doc_type = record.get("doc_type")
    if doc_type == "giay_phep":
        return True
    subject = (record.get("chu_the") or "").strip()
    issuer = (record.get("co_quan_ban_hanh") or "").strip()
    return doc_type in RESULT_TYPES and bool(subject) and subject.casefold() != issuer.casefold()


def compute_coverage(
    entries: list[dict[str, Any]],
    records: Iterable[dict[str, Any]],
    links: dict[str, dict[str, Any]],
    as_of: date,
    matches: dict[str, Match] | None = None,
) -> dict[str, Any]:
    """The coverage report (the ``--json`` / API shape) from a register, index records and staff links.

    ``matches``: :func:`match_documents` of the same arguments, when the caller has it already."""
    records = list(records)
    if matches is None:
        matches = match_documents(records, entries, links)
    done = {m.entry_id for m in matches.values()}
    day = as_of.isoformat()
    horizon = (as_of + timedelta(days=EXPIRING_DAYS)).isoformat()
    valid = [e for e in entries if is_valid(e, day)]
    digitized = [e for e in valid if entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) in done]

    def row(e: dict[str, Any]) -> dict[str, Any]:
        return {c: e.get(c) for c in COLUMNS}

    order = sorted(valid, key=lambda e: (e["ngay_ban_hanh"], e["so_ky_hieu"]))
    missing = [row(e) for e in order if entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) not in done]
    expiring = [
        row(e)
        | {
            "days_left": (date.fromisoformat(e["hieu_luc_den"]) - as_of).days,
            "digitized": entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) in done,
        }
        for e in sorted(valid, key=lambda e: (e.get("hieu_luc_den") or "", e["so_ky_hieu"]))
        if e.get("hieu_luc_den") and e["hieu_luc_den"] <= horizon
    ]
    unmatched = [
        {k: r.get(k) for k in ("doc_id", "filename", "so_ky_hieu", "ngay_ban_hanh", "doc_type")}
        for r in records
        if r.get("state") == "indexed" and looks_like_result(r) and r["doc_id"] not in matches
    ]
    return {
        "as_of": day,
        "valid": len(valid),
        "digitized": len(digitized),
        "rate": _rate(len(digitized), len(valid)),
        "by_field": _group(valid, done, "field"),
        "by_year": _group(valid, done, "year"),
        "missing": missing,
        "expiring": expiring,
        "unmatched": unmatched,
        "links": link_counts(matches.values()),
    }


def link_counts(matches: Iterable[Match]) -> dict[str, int]:
    """Linked documents by how: ``exact``, ``repaired`` (OCR repaired against the register) and
    ``confirmed`` (set by staff)."""
    counts = {"exact": 0, "repaired": 0, "confirmed": 0}
    for m in matches:
        counts["confirmed" if m.how == "manual" else m.how] += 1
    return counts


def wants_link(record: dict[str, Any], links: dict[str, dict[str, Any]]) -> bool:
    """Whether an unlinked indexed document should be offered register entries: a result (or a licence,
    decision or letter, which may be one), and staff have not said it is none."""
    if record.get("state") != "indexed" or record.get("doc_type") in NON_RESULT_TYPES or record["doc_id"] in links:
        return False
    return record.get("doc_type") in RESULT_TYPES or looks_like_result(record)


def link_suggestions(
    records: Iterable[dict[str, Any]], entries: list[dict[str, Any]], links: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Candidate entries (best first, with score and reasons) for each result document left unlinked;
    documents without a candidate are left out. ``records`` is read once."""
    records = list(records)
    index = RegisterIndex(entries)
    matches = match_documents(records, entries, links, index)
    taken = {m.entry_id for m in matches.values()}
    out = {}
    for record in records:
        if record["doc_id"] not in matches and wants_link(record, links):
            found = suggestions(record, index, taken)
            if found:
                out[record["doc_id"]] = found
    return out


def parse_as_of(value: str | None) -> date:
    """``YYYY-MM-DD``, or today in Vietnam when None/empty; raises ``PermanentError`` (``bad_value``)."""
    return parse_iso_date(value, "as_of") if value else vn_today()


def coverage(ctx: Context, as_of: date | None = None) -> dict[str, Any]:
    """Coverage as of ``as_of`` (default today) from the stored register, links and the whole index."""
    return compute_coverage(load_register(ctx), result_records(ctx), load_links(ctx), as_of or vn_today())


def result_records(ctx: Context) -> Iterator[dict[str, Any]]:
    """The indexed documents that may be results (not a dossier's inputs), without their text, a page
    at a time: all that linking and coverage read of the index."""
    return ctx.index.records(SearchQuery(state="indexed", not_doc_types=tuple(NON_RESULT_TYPES), with_text=False))


def document_links(ctx: Context) -> list[dict[str, Any]]:
    """Every linked document with its entry and how it was linked (for staff to confirm)."""
    entries = load_register(ctx)
    by_id = {entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]): e for e in entries}
    records = {r["doc_id"]: r for r in result_records(ctx)}
    matches = match_documents(records.values(), entries, load_links(ctx))
    out = []
    for m in matches.values():
        e, r = by_id[m.entry_id], records[m.doc_id]
        out.append(
            {
                "doc_id": m.doc_id,
                "filename": r.get("filename"),
                "doc_so_ky_hieu": r.get("so_ky_hieu"),
                "doc_ngay_ban_hanh": r.get("ngay_ban_hanh"),
                "register_key": f"{e['so_ky_hieu']}|{e['ngay_ban_hanh']}",
                "how": m.how,
            }
        )
    return sorted(out, key=lambda x: (x["register_key"], x["doc_id"]))


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEETS = ("Tổng hợp", "Chưa số hóa", "Sắp hết hiệu lực", "Không khớp sổ")
_DATE_FORMAT = "DD/MM/YYYY"
_PERCENT = "0.0%"
_LINK_LABELS = {
    "exact": "Văn bản liên kết sổ: khớp đúng số ký hiệu",
    "repaired": "Văn bản liên kết sổ: sửa lỗi OCR theo sổ",
    "confirmed": "Văn bản liên kết sổ: cán bộ xác nhận",
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def coverage_xlsx(
    report: dict[str, Any],
    *,
    proofs: list[dict[str, Any]] | None = None,
    office: str = "",
    exported_by: str = "",
    exported_at: datetime | None = None,
    document_url: Callable[[str], str] | None = None,
) -> bytes:
    """The report as a workbook for an inspection team: sheets Tổng hợp (who exported what, when; summary,
    by field, by year), Đã số hóa (with ``proofs``: each digitized result and the document that proves
    it, see ``workers.services.proofs``), Chưa số hóa (missing), Sắp hết hiệu lực (expiring), Không khớp
    sổ (unmatched); Vietnamese headers, names rather than codes, real date cells (dd/mm/yyyy) and
    percentages. ``document_url(doc_id)`` makes file names links to the document pages.
    ``exported_at`` is written as given (pass it in the department's time zone)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    types, fields = taxonomy_names()
    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _SHEETS[0]

    def table(sheet: Worksheet, header: list[str], rows: list[list[Any]], formats: dict[int, str]) -> None:
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        first = sheet.max_row + 1
        for values in rows:
            sheet.append(values)
            # File names and register values are users' data: text, never a formula ("=..." stays text).
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    cell.data_type = "s"
        for col, fmt in formats.items():
            for (cell,) in sheet.iter_rows(min_row=first, min_col=col, max_col=col):
                cell.number_format = fmt

    def link(cell: Cell, doc_id: str | None) -> None:
        if document_url and doc_id:
            cell.hyperlink = document_url(doc_id)
            cell.style = "Hyperlink"

    summary.append(["BÁO CÁO SỐ HÓA KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CÒN HIỆU LỰC"])
    summary["A1"].font = Font(bold=True, size=13)
    heading: list[list[Any]] = [["Đơn vị", office]] if office else []
    heading.append(["Tính đến ngày", _day(report["as_of"])])
    if exported_by:
        heading.append(["Người xuất", exported_by])
    if exported_at:
        heading.append(["Thời điểm xuất", exported_at.replace(tzinfo=None, microsecond=0)])
    for row in heading:
        summary.append(row)
        value = summary.cell(row=summary.max_row, column=2)
        if row[0] == "Tính đến ngày":
            value.number_format = _DATE_FORMAT
        elif row[0] == "Thời điểm xuất":
            value.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(row[1], str) and row[1].startswith(("=", "+", "-", "@")):
            value.data_type = "s"
    summary.append([])
    top = summary.max_row + 1
    table(
        summary,
        ["Chỉ tiêu", "Giá trị"],
        [
            ["Số kết quả còn hiệu lực", report["valid"]],
            ["Đã số hóa", report["digitized"]],
            ["Tỷ lệ số hóa", report["rate"]],
            ["Chưa số hóa", len(report["missing"])],
            [f"Sắp hết hiệu lực (trong {EXPIRING_DAYS} ngày)", len(report["expiring"])],
            ["Văn bản kết quả không khớp sổ", len(report["unmatched"])],
            *[[label, report.get("links", {}).get(key, 0)] for key, label in _LINK_LABELS.items()],
        ],
        {},
    )
    for label, value in summary.iter_rows(min_row=top, max_col=2):
        if label.value == "Tỷ lệ số hóa":
            value.number_format = _PERCENT
    for title, key, label in (("Theo lĩnh vực", "by_field", "Lĩnh vực"), ("Theo năm ban hành", "by_year", "Năm")):
        summary.append([])
        summary.append([title])
        summary.cell(row=summary.max_row, column=1).font = bold
        rows = [
            [fields.get(k, k) if key == "by_field" else int(k), g["valid"], g["digitized"], g["rate"]]
            for k, g in report[key].items()
        ]
        table(summary, [label, "Còn hiệu lực", "Đã số hóa", "Tỷ lệ"], rows, {4: _PERCENT})

    register_header = ["STT", "Số ký hiệu", "Loại kết quả", "Ngày ban hành", "Hiệu lực đến", "Chủ thể", "Lĩnh vực"]

    def register_row(i: int, e: dict[str, Any]) -> list[Any]:
        return [
            i,
            e["so_ky_hieu"],
            e.get("loai"),
            _day(e["ngay_ban_hanh"]),
            _day(e.get("hieu_luc_den")),
            e.get("chu_the"),
            fields.get(e["linh_vuc"], e["linh_vuc"]),
        ]

    if proofs is not None:
        proven = book.create_sheet("Đã số hóa", 1)
        rows = []
        for i, e in enumerate(proofs, 1):
            first, *others = e["documents"]
            rows.append(
                [
                    *register_row(i, e),
                    first.get("filename"),
                    first.get("batch"),
                    first.get("how"),
                    "; ".join(str(d.get("filename")) for d in others),
                ]
            )
        header = [*register_header, "Văn bản chứng minh", "Lô quét", "Cách liên kết", "Bản quét khác"]
        table(proven, header, rows, {4: _DATE_FORMAT, 5: _DATE_FORMAT})
        for row_number, e in enumerate(proofs, 2):
            link(proven.cell(row=row_number, column=8), e["documents"][0].get("doc_id"))

    missing = book.create_sheet(_SHEETS[1])
    rows = [register_row(i, e) for i, e in enumerate(report["missing"], 1)]
    table(missing, register_header, rows, {4: _DATE_FORMAT, 5: _DATE_FORMAT})

    expiring = book.create_sheet(_SHEETS[2])
    rows = [
        [*register_row(i, e), e["days_left"], "Đã số hóa" if e["digitized"] else "Chưa số hóa"]
        for i, e in enumerate(report["expiring"], 1)
    ]
    table(expiring, [*register_header, "Còn lại (ngày)", "Tình trạng số hóa"], rows, {4: _DATE_FORMAT, 5: _DATE_FORMAT})

    unmatched = book.create_sheet(_SHEETS[3])
    rows = [
        [i, d["so_ky_hieu"], _day(d.get("ngay_ban_hanh")), types.get(d["doc_type"], d["doc_type"]), d.get("filename")]
        for i, d in enumerate(report["unmatched"], 1)
    ]
    table(unmatched, ["STT", "Số ký hiệu", "Ngày ban hành", "Loại văn bản", "Tệp"], rows, {3: _DATE_FORMAT})
    for row_number, d in enumerate(report["unmatched"], 2):
        link(unmatched.cell(row=row_number, column=5), d.get("doc_id"))

    widths = {"A": 8, "B": 24, "C": 40, "D": 14, "E": 14, "F": 40, "G": 22, "H": 36, "I": 22, "J": 24, "K": 36}
    for sheet in book.worksheets:
        for col, width in widths.items():
            sheet.column_dimensions[col].width = width
        if sheet is not summary:
            sheet.freeze_panes = "A2"
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
