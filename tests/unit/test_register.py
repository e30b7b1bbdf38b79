"""Register of issued TTHC results: normalization, CSV/XLSX import, re-import, bad rows, staff links, CLI."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from workers.cli import main
from workers.context import Context
from workers.errors import NotFoundError, PermanentError
from workers.register import (
    LINKS_KEY,
    REGISTER_KEY,
    entries_with_symbol,
    entry_id,
    import_register,
    link_history,
    load_links,
    load_links_for,
    load_register,
    parse_register,
    register_info,
    symbol_key,
)
from workers.services.register_links import link, unlink
from workers.settings import Settings

HEADER = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
REGISTER = (
    HEADER
    + "15/GP-SCT,Giấy phép hoạt động điện lực,2022-04-08,2032-04-08,Công ty Điện Kỳ Lừa,dien_luc\n"
    + "324/QĐ-SCT,Quyết định phê duyệt kế hoạch,2019-12-06,,Công ty Hóa chất An Phát,hoa_chat\n"
    + "27/GP-SCT,Giấy phép bán buôn thuốc lá,2022-06-29,2027-06-29,Công ty Hưng Thịnh,thuoc_la\n"
    + "27/GP-SCT,Giấy phép bán buôn rượu,2023-06-30,2028-06-30,Công ty Bảo Ngọc,ruou\n"
)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = Context.open(settings)
    yield context
    context.close()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("15/GP-SCT", "l5 / gp - sct"),
        ("15/GP-SCT", "Số: 15/GP-SCT"),
        ("15/GP-SCT", "15/GP\u2013SCT"),
        ("324/QĐ-SCT", "324/QD-SCT"),
        ("324/QĐ-SCT", "3 2 4 / qđ-sct"),
        ("01/2021/GCNATTP-SCT", "O1/2O2l/GCNATTP-SCT"),
        ("04/GP-SCT", "4/GP-SCT"),
        ("10/GP-SCT", "I0/GP-SCT"),
    ],
)
def test_symbol_key_tolerates_ocr_confusions(a: str, b: str) -> None:
    assert symbol_key(a) == symbol_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("15/GP-SCT", "16/GP-SCT"), ("19/GCN-SCT", "19/GCNXD-SCT"), ("01/2021/GCNATTP-SCT", "01/2022/GCNATTP-SCT")],
)
def test_symbol_key_keeps_different_numbers_apart(a: str, b: str) -> None:
    assert symbol_key(a) != symbol_key(b)


def test_symbol_key_parts() -> None:
    key = symbol_key("Số: 42/2023/GCNATTP-SCT")
    assert key is not None
    assert (key.number, key.year, key.symbol) == ("42", "2023", "gcnattp-sct")
    assert symbol_key("") is None
    assert symbol_key(None) is None


def test_import_csv_with_bom(ctx: Context) -> None:
    report = import_register(ctx, ("\ufeff" + REGISTER).encode("utf-8"), "register.csv")
    assert (report.rows, report.added, report.updated, report.unchanged, report.total) == (4, 4, 0, 0, 4)
    assert report.rejected == []
    entries = load_register(ctx)
    assert [e["so_ky_hieu"] for e in entries] == ["324/QĐ-SCT", "15/GP-SCT", "27/GP-SCT", "27/GP-SCT"]
    decision = entries[0]
    assert decision == {
        "so_ky_hieu": "324/QĐ-SCT",
        "loai": "Quyết định phê duyệt kế hoạch",
        "ngay_ban_hanh": "2019-12-06",
        "hieu_luc_den": None,
        "chu_the": "Công ty Hóa chất An Phát",
        "linh_vuc": "hoa_chat",
    }
    info = register_info(ctx)
    assert info["count"] == 4 and info["entries"] == entries and info["updated_at"]


def test_reimport_updates_without_duplicates(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    changed = (
        HEADER
        + "15/GP-SCT,Giấy phép hoạt động điện lực,2022-04-08,2032-04-08,Công ty Điện Kỳ Lừa,dien_luc\n"
        # same entry written differently (QD without Đ, spaces): an update, not a new entry
        + "324 / QD-SCT,Quyết định phê duyệt kế hoạch,2019-12-06,2030-01-01,Công ty Hóa chất An Phát,hoa_chat\n"
        # same number as an existing entry, another year: a different result
        + "15/GP-SCT,Giấy phép hoạt động điện lực,2024-01-10,,Công ty Điện Mới,dien_luc\n"
    )
    report = import_register(ctx, changed.encode(), "register.csv")
    assert (report.added, report.updated, report.unchanged, report.total) == (1, 1, 1, 5)
    entries = load_register(ctx)
    assert len(entries) == 5
    assert len({entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]) for e in entries}) == 5
    decision = next(e for e in entries if e["ngay_ban_hanh"] == "2019-12-06")
    assert decision["hieu_luc_den"] == "2030-01-01"
    assert decision["so_ky_hieu"] == "324 / QD-SCT"  # the latest spelling is kept
    # importing the same file again changes nothing
    again = import_register(ctx, changed.encode(), "register.csv")
    assert (again.added, again.updated, again.unchanged, again.total) == (0, 0, 3, 5)


def test_bad_rows_reported_with_line_numbers_rest_imported(ctx: Context) -> None:
    text = (
        HEADER
        + "15/GP-SCT,Giấy phép,2022-04-08,2032-04-08,A,dien_luc\n"  # line 2: ok
        + "16/GP-SCT,Giấy phép,08 Apr 2022,,B,dien_luc\n"  # line 3: neither ISO nor day-first
        + ',"Giấy phép\nhai dòng",2022-04-09,,C,dien_luc\n'  # lines 4-5: no so_ky_hieu
        + "17/GP-SCT,Giấy phép,2022-04-10,2021-01-01,D,dien_luc\n"  # line 6: ends before issue
        + "\n"  # line 7: blank, skipped
        + "18/GP-SCT,Giấy phép,2022-02-30,,E,dien_luc\n"  # line 8: no such day
        + "15/GP-SCT,Giấy phép,2022-04-08,,F,dien_luc\n"  # line 9: duplicate of line 2
        + "19/GP-SCT,Giấy phép,2022-04-11,,G,\n"  # line 10: no linh_vuc
        + "GP-SCT,Giấy phép,2022-04-12,,H,dien_luc\n"  # line 11: no number
        + "20/GP-SCT,Giấy phép,2022-04-13,,I,An toàn thực phẩm\n"  # line 12: ok, field label -> code
    )
    report = import_register(ctx, text.encode(), "register.csv")
    lines = {e.line: e.reason for e in report.rejected}
    assert sorted(lines) == [3, 4, 6, 8, 9, 10, 11]
    assert "YYYY-MM-DD" in lines[3]
    assert "so_ky_hieu" in lines[4]
    assert "hieu_luc_den" in lines[6]
    assert "YYYY-MM-DD" in lines[8]
    assert "2" in lines[9] and "trùng" in lines[9]
    assert "linh_vuc" in lines[10]
    assert "SỐ/KÝ HIỆU" in lines[11]
    assert report.added == 2 and report.total == 2
    assert {e["so_ky_hieu"]: e["linh_vuc"] for e in load_register(ctx)} == {
        "15/GP-SCT": "dien_luc",
        "20/GP-SCT": "an_toan_thuc_pham",
    }


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"so_ky_hieu,loai,ngay_ban_hanh\n1/GP-SCT,x,2020-01-01\n", "hieu_luc_den"),
        (
            "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n1/QĐ,x,2020-01-01,,,ruou\n".encode("cp1258"),
            "UTF-8",
        ),
        (b"", "rỗng"),
        (b"PK\x03\x04not really a zip", "XLSX"),
    ],
)
def test_unusable_file_is_refused_whole(ctx: Context, data: bytes, needle: str) -> None:
    with pytest.raises(PermanentError) as err:
        import_register(ctx, data, "register.csv")
    assert err.value.code == "bad_register"
    assert needle in err.value.message
    assert load_register(ctx) == []


def test_semicolon_csv_from_excel() -> None:
    entries, errors, rows = parse_register(REGISTER.replace(",", ";").encode(), "r.csv")
    assert rows == 4 and errors == [] and len(entries) == 4


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_xlsx_same_as_csv(ctx: Context, settings: Settings) -> None:
    data = _xlsx(
        [
            ["so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc"],
            [
                "15/GP-SCT",
                "Giấy phép hoạt động điện lực",
                datetime(2022, 4, 8),
                date(2032, 4, 8),
                "Công ty Điện Kỳ Lừa",
                "dien_luc",
            ],
            ["324/QĐ-SCT", "Quyết định phê duyệt kế hoạch", "2019-12-06", None, "Công ty Hóa chất An Phát", "hoa_chat"],
            ["27/GP-SCT", "Giấy phép bán buôn thuốc lá", "2022-06-29", "2027-06-29", "Công ty Hưng Thịnh", "thuoc_la"],
            [None, None, None, None, None, None],
            ["27/GP-SCT", "Giấy phép bán buôn rượu", "2023-06-30", "2028-06-30", "Công ty Bảo Ngọc", "ruou"],
            ["28/GP-SCT", "Giấy phép", "không rõ", None, "X", "ruou"],
        ]
    )
    report = import_register(ctx, data, "register.xlsx")
    assert [(e.line, e.so_ky_hieu) for e in report.rejected] == [(7, "28/GP-SCT")]
    from_xlsx = load_register(ctx)
    other = Context.open(Settings(home=settings.home.parent / "other"))
    try:
        import_register(other, REGISTER.encode(), "register.csv")
        assert load_register(other) == from_xlsx
    finally:
        other.close()


def test_replace_drops_entries_missing_from_the_file(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    only_one = HEADER + "15/GP-SCT,Giấy phép,2022-04-08,2032-04-08,A,dien_luc\n"
    import_register(ctx, only_one.encode(), "register.csv")
    assert len(load_register(ctx)) == 4  # a plain import never drops entries
    report = import_register(ctx, only_one.encode(), "register.csv", replace=True)
    assert report.total == 1 and len(load_register(ctx)) == 1
    with pytest.raises(PermanentError):  # a broken file cannot wipe the register
        import_register(ctx, (only_one + "x,y,bad,,,ruou\n").encode(), "register.csv", replace=True)
    assert len(load_register(ctx)) == 1


def _add_doc(ctx: Context, doc_id: str, **fields: object) -> None:
    ctx.index.upsert(doc_id, {"state": "indexed", "filename": f"{doc_id}.pdf", "text": "", **fields})


def test_link_and_unlink_are_stored_with_who_and_when(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    _add_doc(ctx, "d1", doc_type="giay_phep", so_ky_hieu="??/GP-SCT", ngay_ban_hanh="2022-04-08")
    result = link(ctx, "d1", "15/gp-sct | 2022-04-08".replace(" | ", "|"), by="lan")
    assert result["register_key"] == "15/GP-SCT|2022-04-08"
    assert result["by"] == "lan" and result["at"]
    assert load_links(ctx)["d1"]["entry_id"] == entry_id("15/GP-SCT", "2022-04-08")
    unlink(ctx, "d1", by="minh")
    stored = load_links(ctx)["d1"]
    assert stored["entry_id"] is None and stored["by"] == "minh"
    assert [(h["action"], h["by"]) for h in link_history(ctx, "d1")] == [("link", "lan"), ("unlink", "minh")]


def test_an_entry_is_linked_to_one_document_at_most(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    _add_doc(ctx, "d1", doc_type="giay_phep")
    _add_doc(ctx, "d2", doc_type="giay_phep")
    link(ctx, "d1", "15/GP-SCT|2022-04-08", by="lan")
    with pytest.raises(PermanentError) as err:
        link(ctx, "d2", "15/GP-SCT|2022-04-08", by="minh")
    assert err.value.code == "link_conflict" and "d1" in err.value.message
    assert set(load_links(ctx)) == {"d1"}  # the refused link left nothing behind, not even history
    assert [h["doc_id"] for h in link_history(ctx)] == ["d1"]
    link(ctx, "d1", "15/GP-SCT|2022-04-08", by="lan")  # the same link again is no conflict
    unlink(ctx, "d1", by="lan")
    link(ctx, "d2", "15/GP-SCT|2022-04-08", by="minh")  # once freed, another document may take it
    assert load_links_for(ctx, ["d2", "nope"]) == {"d2": load_links(ctx)["d2"]}
    assert load_links_for(ctx, []) == {}


def test_entries_are_found_by_their_normalized_symbol(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    found = entries_with_symbol(ctx, "27 / gp-sct")
    assert [(e["so_ky_hieu"], e["ngay_ban_hanh"]) for e in found] == [
        ("27/GP-SCT", "2022-06-29"),
        ("27/GP-SCT", "2023-06-30"),
    ]
    assert entries_with_symbol(ctx, "99/GP-SCT") == [] and entries_with_symbol(ctx, "") == []


def test_an_upgrade_imports_the_json_objects_of_earlier_versions_once(settings: Settings) -> None:
    entry = {
        "so_ky_hieu": "15/GP-SCT",
        "loai": "Giấy phép",
        "ngay_ban_hanh": "2022-04-08",
        "hieu_luc_den": None,
        "chu_the": "A",
        "linh_vuc": "dien_luc",
    }
    link_d1 = {"doc_id": "d1", "entry_id": entry_id("15/GP-SCT", "2022-04-08"), "register_key": "15/GP-SCT|2022-04-08"}
    old_links = {
        "links": {"d1": link_d1 | {"by": "lan", "at": "2024-01-02T03:04:05.678+00:00"}},
        "history": [{"action": "link", **link_d1, "by": "lan", "at": "2024-01-02T03:04:05.678+00:00"}],
    }
    with Context.open(settings) as ctx:  # what an earlier version left in the object store
        old = {"version": 1, "updated_at": "2024-01-01T00:00:00.000+00:00", "entries": [entry]}
        ctx.store.put_bytes(REGISTER_KEY, json.dumps(old).encode(), "application/json")
        ctx.store.put_bytes(LINKS_KEY, json.dumps(old_links).encode(), "application/json")
    with Context.open(settings) as ctx:
        assert load_register(ctx) == [entry]
        assert register_info(ctx)["updated_at"] == "2024-01-01T00:00:00.000+00:00"
        assert load_links(ctx) == {"d1": old_links["links"]["d1"]}
        assert link_history(ctx) == old_links["history"]
        unlink_row = {"doc_id": "d1", "entry_id": None, "register_key": None, "by": "minh", "at": "x"}
        ctx.store.put_bytes(LINKS_KEY, json.dumps({"links": {"d1": unlink_row}}).encode(), "application/json")
    with Context.open(settings) as ctx:  # once: a later change of the old objects is not read again
        assert load_links(ctx)["d1"]["by"] == "lan"


def test_link_refuses_unknown_and_non_results(ctx: Context) -> None:
    import_register(ctx, REGISTER.encode(), "register.csv")
    _add_doc(ctx, "app", doc_type="don_de_nghi", so_ky_hieu="15/GP-SCT", ngay_ban_hanh="2022-04-08")
    _add_doc(ctx, "lic", doc_type="giay_phep")
    with pytest.raises(NotFoundError):
        link(ctx, "nope", "15/GP-SCT|2022-04-08", by="lan")
    with pytest.raises(NotFoundError):
        link(ctx, "lic", "15/GP-SCT|2021-04-08", by="lan")  # numbers restart yearly: the date is part of the key
    with pytest.raises(PermanentError) as err:
        link(ctx, "lic", "15/GP-SCT", by="lan")
    assert err.value.code == "bad_value"
    with pytest.raises(PermanentError) as err:
        link(ctx, "app", "15/GP-SCT|2022-04-08", by="lan")
    assert err.value.code == "not_a_result"
    with pytest.raises(PermanentError):
        link(ctx, "lic", "15/GP-SCT|2022-04-08", by=" ")
    assert load_links(ctx) == {}


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "clihome"
    monkeypatch.setenv("SOHOA_HOME", str(home))
    return home


def test_cli_import_list_link(cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "register.csv"
    good.write_text(REGISTER, encoding="utf-8")
    assert main(["register", "import", str(good)]) == 0
    assert "thêm/added 4" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "30/GP-SCT,x,2024-13-01,,y,ruou\n31/GP-SCT,x,2024-01-01,,y,ruou\n", encoding="utf-8")
    assert main(["register", "import", str(bad), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 1 and report["rejected"][0]["line"] == 2

    assert main(["register", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 5 and len(listed["entries"]) == 5

    ctx = Context.open(Settings())
    try:
        _add_doc(ctx, "d1", doc_type="giay_phep", so_ky_hieu="15/GP-SCT", ngay_ban_hanh="2022-04-08")
    finally:
        ctx.close()
    assert main(["register", "link", "d1", "27/GP-SCT|2023-06-30", "--by", "lan"]) == 0
    assert json.loads(capsys.readouterr().out)["register_key"] == "27/GP-SCT|2023-06-30"
    assert main(["register", "links", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["how"] == "manual"
    assert main(["register", "unlink", "d1", "--by", "lan"]) == 0
    assert main(["register", "link", "missing", "27/GP-SCT|2023-06-30", "--by", "lan"]) == 4
    assert main(["register", "import", str(tmp_path / "absent.csv")]) == 4


def test_register_dates_may_be_written_day_first_as_offices_export_them() -> None:
    from workers.register import parse_register

    data = (
        "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
        "38/GP-SCT,giay_phep,05/03/2024,05.03.2029,Công ty A,ruou\n"
        "39/GP-SCT,giay_phep,2024-03-06,,Công ty B,ruou\n"
        "40/GP-SCT,giay_phep,31/02/2024,,Công ty C,ruou\n"
    ).encode()
    entries, errors, rows = parse_register(data, "sổ.csv")
    assert rows == 3
    assert [(e["ngay_ban_hanh"], e["hieu_luc_den"]) for e in entries] == [
        ("2024-03-05", "2029-03-05"),
        ("2024-03-06", None),
    ]
    assert [e.line for e in errors] == [4] and "ngay_ban_hanh" in errors[0].reason
