"""Coverage of valid TTHC results: the validity rule, OCR-tolerant linking, staff links, report and XLSX."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from workers.cli import main
from workers.context import Context
from workers.coverage import compute_coverage, coverage, coverage_xlsx, is_valid, match_documents, parse_as_of
from workers.errors import PermanentError
from workers.records import field_name
from workers.register import entry_id, import_register, load_links
from workers.services.register_links import link, unlink
from workers.settings import Settings

D = date(2024, 9, 24)


def entry(
    so: str, issued: str, until: str | None = None, field: str = "ruou", chu_the: str = "Công ty A"
) -> dict[str, Any]:
    return {
        "so_ky_hieu": so,
        "loai": "Giấy phép",
        "ngay_ban_hanh": issued,
        "hieu_luc_den": until,
        "chu_the": chu_the,
        "linh_vuc": field,
    }


def doc(
    doc_id: str, so: str | None, issued: str | None, doc_type: str | None = "giay_phep", **extra: Any
) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "filename": f"{doc_id}.pdf",
        "state": "indexed",
        "doc_type": doc_type,
        "so_ky_hieu": so,
        "ngay_ban_hanh": issued,
    } | extra


def linked(
    records: list[dict[str, Any]], entries: list[dict[str, Any]], links: dict[str, Any] | None = None
) -> dict[str, str]:
    """doc_id -> 'SO|DATE' of the entry it is linked to."""
    by_id = {entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]): e for e in entries}
    return {
        m.doc_id: f"{by_id[m.entry_id]['so_ky_hieu']}|{by_id[m.entry_id]['ngay_ban_hanh']}"
        for m in match_documents(records, entries, links or {}).values()
    }


# ------------------------------------------------------------------------------------------ validity


@pytest.mark.parametrize(
    ("issued", "until", "valid"),
    [
        ("2024-09-24", None, True),  # issued on D
        ("2024-09-25", None, False),  # issued the day after D
        ("2020-01-01", "2024-09-24", True),  # expires on D
        ("2020-01-01", "2024-09-23", False),  # expired the day before
        ("2020-01-01", None, True),  # no end date
        ("2024-09-24", "2024-09-24", True),
    ],
)
def test_validity_rule_at_its_boundaries(issued: str, until: str | None, valid: bool) -> None:
    e = entry("1/GP-SCT", issued, until)
    assert is_valid(e, D.isoformat()) is valid
    report = compute_coverage([e], [], {}, D)
    assert report["valid"] == int(valid)
    assert report["missing"] == ([e] if valid else [])


def test_report_shape_and_figures() -> None:
    entries = [
        entry("1/GP-SCT", "2022-01-10", "2027-01-10", "ruou"),
        entry("2/GP-SCT", "2022-03-01", None, "ruou"),
        entry("3/GCN-SCT", "2023-05-05", "2024-12-23", "khi"),  # expires D+90
        entry("4/GCN-SCT", "2023-05-06", "2024-12-24", "khi"),  # expires D+91
        entry("5/GCN-SCT", "2019-01-01", "2024-09-23", "khi"),  # expired
    ]
    records = [
        doc("a", "1/GP-SCT", "2022-01-10"),
        doc("b", "3/GCN-SCT", "2023-05-05"),
        doc("c", "5/GCN-SCT", "2019-01-01"),
    ]
    report = compute_coverage(entries, records, {}, D)
    assert list(report) == [
        "as_of",
        "valid",
        "digitized",
        "rate",
        "by_field",
        "by_year",
        "missing",
        "expiring",
        "unmatched",
        "links",
    ]
    assert (report["as_of"], report["valid"], report["digitized"], report["rate"]) == ("2024-09-24", 4, 2, 0.5)
    assert report["links"] == {"exact": 3, "repaired": 0, "confirmed": 0}  # documents, expired results too
    assert report["by_field"] == {
        "khi": {"valid": 2, "digitized": 1, "rate": 0.5},
        "ruou": {"valid": 2, "digitized": 1, "rate": 0.5},
    }
    assert report["by_year"] == {
        "2022": {"valid": 2, "digitized": 1, "rate": 0.5},
        "2023": {"valid": 2, "digitized": 1, "rate": 0.5},
    }
    assert report["missing"] == [entries[1], entries[3]]
    assert [(e["so_ky_hieu"], e["days_left"], e["digitized"]) for e in report["expiring"]] == [("3/GCN-SCT", 90, True)]
    assert report["unmatched"] == []
    json.dumps(report)  # plain JSON


def test_rate_rounding_and_empty_register() -> None:
    entries = [entry(f"{n}/GP-SCT", "2020-01-01") for n in range(1, 4)]
    report = compute_coverage(entries, [doc("a", "1/GP-SCT", "2020-01-01")], {}, D)
    assert report["rate"] == 0.3333
    empty = compute_coverage([], [doc("a", "1/GP-SCT", "2020-01-01")], {}, D)
    assert (empty["valid"], empty["digitized"], empty["rate"], empty["by_field"]) == (0, 0, 0.0, {})
    assert [u["doc_id"] for u in empty["unmatched"]] == ["a"]


def test_as_of_parsing() -> None:
    assert parse_as_of("2024-09-24") == D
    assert parse_as_of(None) == date.today()
    for bad in ("24/09/2024", "20240924", "2024-02-30"):
        with pytest.raises(PermanentError):
            parse_as_of(bad)


# ------------------------------------------------------------------------------------------ matching

REGISTER = [
    entry("15/GP-SCT", "2022-04-08", "2032-04-08"),
    entry("324/QĐ-SCT", "2019-12-06", None, "hoa_chat"),
    entry("01/2021/GCNATTP-SCT", "2021-01-08", "2025-01-08", "an_toan_thuc_pham"),
    entry("27/GP-SCT", "2022-06-29", "2027-06-29", "thuoc_la"),
    entry("27/GP-SCT", "2023-06-30", "2028-06-30"),
    entry("19/GCN-SCT", "2023-06-09", "2028-06-09", "khi"),
]


@pytest.mark.parametrize(
    ("so", "issued", "expected"),
    [
        ("l5 / GP - SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # l/1, spaces
        ("Số: 15/GP-SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),
        ("324/QD-SCT", "2019-12-06", "324/QĐ-SCT|2019-12-06"),  # QĐ read as QD
        ("O1/2O2l/GCNATTP-SCT", "2021-01-08", "01/2021/GCNATTP-SCT|2021-01-08"),  # O/0 in number and year
        ("15/GP-5CT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # one symbol character
        ("15/GPSCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # hyphen lost
        ("15/GP-SCT", "2022-04-09", "15/GP-SCT|2022-04-08"),  # one date digit, the only candidate
        ("27/GP-SCT", "2023-06-20", "27/GP-SCT|2023-06-30"),  # numbers restart yearly: the date decides
        ("27/GP-SCT", "2022-06-29", "27/GP-SCT|2022-06-29"),
    ],
)
def test_ocr_tolerant_matching(so: str, issued: str, expected: str) -> None:
    assert linked([doc("d", so, issued)], REGISTER) == {"d": expected}


@pytest.mark.parametrize(
    ("so", "issued"),
    [
        ("16/GP-SCT", "2022-04-08"),  # another number is another result
        ("15/GP-SCT", "2022-05-09"),  # two date digits off
        ("15/GP-5C7", "2022-04-08"),  # two symbol characters off
        ("15/GP-5CT", "2022-04-09"),  # symbol and date both off: one tolerance at a time
        ("19/GCNXD-SCT", "2023-06-09"),  # a different kind of certificate with the same number
    ],
)
def test_no_match_beyond_tolerance(so: str, issued: str) -> None:
    assert linked([doc("d", so, issued)], REGISTER) == {}


def test_ambiguous_reading_links_nothing() -> None:
    entries = [
        entry("12/GCN-SCA", "2024-01-05"),
        entry("12/GCN-SCB", "2024-01-05"),
        entry("27/GP-SCT", "2023-06-10"),
        entry("27/GP-SCT", "2023-06-30"),
    ]
    records = [doc("sym", "12/GCN-SCC", "2024-01-05"), doc("day", "27/GP-SCT", "2023-06-20")]
    assert linked(records, entries) == {}
    report = compute_coverage(entries, records, {}, D)
    assert report["digitized"] == 0
    assert [u["doc_id"] for u in report["unmatched"]] == ["sym", "day"]


def test_never_two_different_readings_on_one_entry() -> None:
    entries = [entry("15/GP-SCT", "2022-04-08")]
    # two different inexact readings of one entry: which is the result is for staff to say
    inexact = [doc("a", "15/GP-5CT", "2022-04-08"), doc("b", "15/GP-SCT", "2022-04-09")]
    assert linked(inexact, entries) == {}
    # an exact reading wins over an inexact one, which stays unmatched for review
    records = [doc("exact", "15/GP-SCT", "2022-04-08"), doc("near", "15/GP-SCT", "2022-04-09")]
    assert linked(records, entries) == {"exact": "15/GP-SCT|2022-04-08"}
    assert [u["doc_id"] for u in compute_coverage(entries, records, {}, D)["unmatched"]] == ["near"]


def test_second_scan_counts_once() -> None:
    entries = [entry("33/GCN-SCT", "2021-10-15", "2026-10-15"), entry("34/GCN-SCT", "2021-10-16")]
    records = [
        doc("scan1", "33/GCN-SCT", "2021-10-15"),
        doc("scan2", "33 / GCN - SCT", "2021-10-15"),
        doc("scan3", "33/GCN-5CT", "2021-10-15"),  # S read as 5: the same số ký hiệu after repair
        doc("scan4", "33/GCN-5CT", "2021-10-15"),
    ]
    assert set(linked(records, entries)) == {"scan1", "scan2", "scan3", "scan4"}  # duplicate scans all link
    report = compute_coverage(entries, records, {}, D)
    assert (report["valid"], report["digitized"], report["rate"]) == (2, 1, 0.5)
    assert report["links"] == {"exact": 2, "repaired": 2, "confirmed": 0} and report["unmatched"] == []
    noisy_only = compute_coverage(entries, records[2:], {}, D)
    assert noisy_only["digitized"] == 1 and noisy_only["unmatched"] == []


@pytest.mark.parametrize("doc_type", ["don_de_nghi", "giay_bien_nhan", "bien_ban"])
def test_dossier_inputs_never_count(doc_type: str) -> None:
    entries = [entry("15/GP-SCT", "2022-04-08")]
    records = [doc("d", "15/GP-SCT", "2022-04-08", doc_type=doc_type)]
    report = compute_coverage(entries, records, {}, D)
    assert report["digitized"] == 0 and report["unmatched"] == []
    # not even through a stale staff link made before the type was corrected
    stale = {"d": {"entry_id": entry_id("15/GP-SCT", "2022-04-08")}}
    assert compute_coverage(entries, records, stale, D)["digitized"] == 0


def test_type_not_required_but_state_is() -> None:
    entries = [entry("15/GP-SCT", "2022-04-08"), entry("16/GP-SCT", "2022-04-08"), entry("17/GP-SCT", "2022-04-08")]
    records = [
        doc("misread", "15/GP-SCT", "2022-04-08", doc_type="thong_bao"),
        doc("unknown", "16/GP-SCT", "2022-04-08", doc_type=None),
        doc("failed", "17/GP-SCT", "2022-04-08") | {"state": "failed"},
    ]
    assert set(linked(records, entries)) == {"misread", "unknown"}


def test_unmatched_lists_result_documents_without_entry() -> None:
    entries = [entry("15/GP-SCT", "2022-04-08")]
    records = [
        doc("district", "72/GP-KTHT", "2021-09-22"),  # district licence: not in the register
        doc("decision", "1625/QĐ-UBND", "2024-08-16", doc_type="quyet_dinh", chu_the="Công ty TNHH Minh Phát"),
        doc("internal", "1626/QĐ-UBND", "2024-08-16", doc_type="quyet_dinh"),  # e.g. sets up an inspection team
        doc(
            "own",
            "1627/QĐ-SCT",
            "2024-08-16",
            doc_type="quyet_dinh",
            chu_the="Sở Công Thương",
            co_quan_ban_hanh="Sở Công Thương",
        ),
        doc("nosymbol", None, "2024-08-16", doc_type="cong_van"),
        doc("application", "82/2023/CV-BN", "2023-06-15", doc_type="don_de_nghi"),
        doc("report", "290/BC-SCT", "2024-11-28", doc_type="bao_cao"),
    ]
    unmatched = compute_coverage(entries, records, {}, D)["unmatched"]
    assert unmatched == [
        {
            "doc_id": "district",
            "filename": "district.pdf",
            "so_ky_hieu": "72/GP-KTHT",
            "ngay_ban_hanh": "2021-09-22",
            "doc_type": "giay_phep",
        },
        {
            "doc_id": "decision",
            "filename": "decision.pdf",
            "so_ky_hieu": "1625/QĐ-UBND",
            "ngay_ban_hanh": "2024-08-16",
            "doc_type": "quyet_dinh",
        },
    ]


# ------------------------------------------------------------------------------------------ stored state


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = Context.open(settings)
    header = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
    rows = "".join(
        f"{e['so_ky_hieu']},{e['loai']},{e['ngay_ban_hanh']},{e['hieu_luc_den'] or ''},{e['chu_the']},{e['linh_vuc']}\n"
        for e in REGISTER
    )
    import_register(context, (header + rows).encode(), "register.csv")
    yield context
    context.close()


def _index(ctx: Context, *records: dict[str, Any]) -> None:
    for r in records:
        ctx.index.upsert(r["doc_id"], {k: v for k, v in r.items() if k != "doc_id"} | {"text": ""})


def test_manual_link_overrides_automatic_matching(ctx: Context) -> None:
    _index(
        ctx,
        doc("unreadable", "?5/G?-S?T", None),  # OCR lost the number: staff link it
        doc("wrong", "27/GP-SCT", "2022-06-29"),  # auto-matches, but staff say it is another result
        doc("other", "19/GCN-SCT", "2023-06-09"),
    )
    before = coverage(ctx, D)
    assert before["digitized"] == 2
    link(ctx, "unreadable", "15/GP-SCT|2022-04-08", by="lan")
    link(ctx, "wrong", "27/GP-SCT|2023-06-30", by="lan")
    unlink(ctx, "other", by="minh")
    report = coverage(ctx, D)
    missing = {f"{e['so_ky_hieu']}|{e['ngay_ban_hanh']}" for e in report["missing"]}
    assert "15/GP-SCT|2022-04-08" not in missing
    assert "27/GP-SCT|2023-06-30" not in missing
    assert "27/GP-SCT|2022-06-29" in missing
    assert "19/GCN-SCT|2023-06-09" in missing
    assert report["digitized"] == 2
    assert [u["doc_id"] for u in report["unmatched"]] == ["other"]
    hows = {m.doc_id: m.how for m in match_documents(ctx.index.scan(), REGISTER, load_links(ctx)).values()}
    assert hows == {"unreadable": "manual", "wrong": "manual"}


def test_manual_link_to_an_entry_removed_later_is_ignored(ctx: Context) -> None:
    _index(ctx, doc("d", None, None))
    link(ctx, "d", "15/GP-SCT|2022-04-08", by="lan")
    header = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
    import_register(ctx, (header + "99/GP-SCT,x,2020-01-01,,y,ruou\n").encode(), "r.csv", replace=True)
    assert coverage(ctx, D)["digitized"] == 0


def test_xlsx_export_round_trip(ctx: Context) -> None:
    _index(
        ctx,
        doc("a", "15/GP-SCT", "2022-04-08"),
        doc("district", "72/GP-KTHT", "2021-09-22"),
    )
    report = coverage(ctx, date(2024, 12, 1))
    book = load_workbook(io.BytesIO(coverage_xlsx(report)))
    assert book.sheetnames == ["Tổng hợp", "Chưa số hóa", "Sắp hết hiệu lực", "Không khớp sổ"]

    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Tính đến ngày"].date() == date(2024, 12, 1)
    assert summary["Số kết quả còn hiệu lực"] == report["valid"]
    assert summary["Đã số hóa"] == report["digitized"]
    assert summary["Tỷ lệ số hóa"] == report["rate"]
    assert summary["Văn bản liên kết sổ: khớp đúng số ký hiệu"] == report["links"]["exact"] == 1
    assert summary["Văn bản liên kết sổ: sửa lỗi OCR theo sổ"] == summary["Văn bản liên kết sổ: cán bộ xác nhận"] == 0
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    start = rows.index(next(r for r in rows if r[0] == "Lĩnh vực"))
    by_field = {r[0]: (r[1], r[2], r[3]) for r in rows[start + 1 :] if r[0] and r[0] != "Theo năm ban hành"}
    for code, g in report["by_field"].items():  # names, not codes
        assert by_field[field_name(code) or code] == (g["valid"], g["digitized"], g["rate"])
    assert "Mã" not in rows[start]
    years = {str(r[0]): r[1] for r in rows if isinstance(r[0], int)}
    assert years == {y: g["valid"] for y, g in report["by_year"].items()}

    missing = list(book["Chưa số hóa"].iter_rows(values_only=True))
    assert missing[0] == ("STT", "Số ký hiệu", "Loại kết quả", "Ngày ban hành", "Hiệu lực đến", "Chủ thể", "Lĩnh vực")
    assert [(r[1], r[3].date().isoformat()) for r in missing[1:]] == [
        (e["so_ky_hieu"], e["ngay_ban_hanh"]) for e in report["missing"]
    ]

    expiring = list(book["Sắp hết hiệu lực"].iter_rows(values_only=True))
    assert [r[1] for r in expiring[1:]] == [e["so_ky_hieu"] for e in report["expiring"]] == ["01/2021/GCNATTP-SCT"]
    assert expiring[1][7:] == (38, "Chưa số hóa")

    unmatched = list(book["Không khớp sổ"].iter_rows(values_only=True))
    assert unmatched[0] == ("STT", "Số ký hiệu", "Ngày ban hành", "Loại văn bản", "Tệp")  # no internal ids
    assert [r[1] for r in unmatched[1:]] == ["72/GP-KTHT"]


def test_xlsx_lists_the_document_proving_each_digitized_result(ctx: Context) -> None:
    from datetime import datetime

    from workers.services.proofs import coverage_with_proofs, office_name

    _index(
        ctx,
        doc("a", "15/GP-SCT", "2022-04-08", co_quan_ban_hanh="Sở Công Thương tỉnh Bắc Sơn", batch="lo-1"),
        doc("a2", "15 / GP-SCT", "2022-04-08", co_quan_ban_hanh="Sở Công Thương tỉnh Bắc Sơn"),
    )
    report, proofs = coverage_with_proofs(ctx, date(2024, 12, 1))
    assert report == coverage(ctx, date(2024, 12, 1))
    assert [(p["so_ky_hieu"], [d["doc_id"] for d in p["documents"]]) for p in proofs] == [("15/GP-SCT", ["a", "a2"])]
    assert proofs[0]["documents"][0]["how"] == "khớp đúng số ký hiệu"
    assert office_name(proofs) == "Sở Công Thương tỉnh Bắc Sơn"
    data = coverage_xlsx(
        report,
        proofs=proofs,
        office=office_name(proofs),
        exported_by="lan",
        exported_at=datetime(2024, 12, 1, 9, 30),
        document_url=lambda doc_id: f"https://sohoa.example/documents/{doc_id}",
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Đã số hóa", "Chưa số hóa", "Sắp hết hiệu lực", "Không khớp sổ"]
    head = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(max_row=6, values_only=True) if row and row[0]}
    assert head["Đơn vị"] == "Sở Công Thương tỉnh Bắc Sơn" and head["Người xuất"] == "lan"
    assert head["Thời điểm xuất"] == datetime(2024, 12, 1, 9, 30)
    proven = list(book["Đã số hóa"].iter_rows(values_only=True))
    assert proven[0][7:] == ("Văn bản chứng minh", "Lô quét", "Cách liên kết", "Bản quét khác")
    assert proven[1][1] == "15/GP-SCT" and proven[1][7:] == ("a.pdf", "lo-1", "khớp đúng số ký hiệu", "a2.pdf")
    assert book["Đã số hóa"]["H2"].hyperlink.target == "https://sohoa.example/documents/a"


def test_cli_report_coverage(
    settings: Settings,
    ctx: Context,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _index(ctx, doc("a", "15/GP-SCT", "2022-04-08"))
    monkeypatch.setenv("SOHOA_HOME", str(settings.home))
    out = tmp_path / "coverage.xlsx"
    assert main(["report", "coverage", "--as-of", "2024-09-24", "--json", "--xlsx", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == coverage(ctx, D)
    assert load_workbook(out).sheetnames[0] == "Tổng hợp"
    assert main(["report", "coverage", "--as-of", "2024-09-24"]) == 0
    assert "Chưa số hóa" in capsys.readouterr().out
    assert main(["report", "coverage", "--as-of", "24/09/2024"]) == 2
