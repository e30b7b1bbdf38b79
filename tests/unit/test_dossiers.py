"""Dossiers of the one-stop system: the list (CSV/XLSX, ISO or dd/mm/yyyy, re-import), events applied
once, documents linked by typed, printed or content evidence, and the coverage and timeliness report."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import Workbook

from tests.conftest import make_settings
from workers import dossiers
from workers.db import open_database
from workers.errors import PermanentError
from workers.events import DossierReceived, DossierReturned, decode_dossier_event, encode

HEADER = ",".join(dossiers.COLUMNS)
A = "000.12.37.H37-240327-0030"
B = "000.12.37.H37-240402-0007"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


LIST = _csv(
    f"{A},Cấp Giấy phép bán lẻ rượu,ruou,Hộ kinh doanh Nguyễn Văn An,2024-03-27,10/04/2024,12/04/2024,"
    "da_tra_ket_qua,38/GP-SCT,2024-04-12",
    f"{B},Cấp Giấy chứng nhận cửa hàng LPG chai,khi,Công ty TNHH Gas Bình Minh,02/04/2024,2024-04-23,,dang_xu_ly,,",
)


@pytest.fixture
def engine(tmp_path):  # type: ignore[no-untyped-def]
    engine = open_database(make_settings(tmp_path / "home"))
    yield engine
    engine.dispose()


def test_the_list_in_both_date_styles_reimport_updates_and_bad_rows_say_their_line(engine) -> None:  # type: ignore[no-untyped-def]
    first = dossiers.import_dossiers(engine, LIST, "list.csv")
    assert (first.added, first.updated, first.unchanged, first.rejected) == (2, 0, 0, [])
    again = dossiers.import_dossiers(engine, LIST, "list.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    changed = LIST.replace(b",dang_xu_ly,,", b",da_tra_ket_qua,,").replace(b"2024-04-23,,", b"2024-04-23,2024-04-25,")
    bad = changed + b"not-a-code,x,ruou,y,2024-01-01,,,,,\n" + f"{B[:-1]}9,x,ruou,y,31/02/2024,,,,,\n".encode()
    third = dossiers.import_dossiers(engine, bad, "list.csv")
    assert (third.updated, third.unchanged) == (1, 1)
    assert [r["line"] for r in third.rejected] == [4, 5]
    found = dossiers.get_dossier(engine, B)
    assert found is not None and found["ngay_tiep_nhan"] == date(2024, 4, 2)
    assert found["ngay_tra_ket_qua"] == date(2024, 4, 25) and found["trang_thai"] == "da_tra_ket_qua"


def test_an_xlsx_export_reads_like_the_csv(engine) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(dossiers.COLUMNS))
    sheet.append([A, "Cấp Giấy phép bán lẻ rượu", "ruou", "Hộ kinh doanh An", datetime(2024, 3, 27), "10/04/2024"])
    buf = io.BytesIO()
    book.save(buf)
    report = dossiers.import_dossiers(engine, buf.getvalue(), "export.xlsx")
    assert report.added == 1 and dossiers.get_dossier(engine, A)["ngay_hen_tra"] == date(2024, 4, 10)  # type: ignore[index]


def test_a_list_without_the_code_column_is_refused() -> None:
    with pytest.raises(PermanentError, match="ma_ho_so"):
        dossiers.parse_dossier_list(b"thu_tuc,chu_the\nx,y\n")


def test_codes_are_read_through_ocr_errors() -> None:
    assert dossiers.normalize_code("Mã hồ sơ: OOO.12.37.H37 - 24O327 - OO3O") == A
    assert dossiers.normalize_code("000.l2.37.H37-240327-0030") == A
    assert dossiers.normalize_code("số 38/GP-SCT") is None


def test_documents_link_by_typed_printed_and_content_evidence(engine) -> None:  # type: ignore[no-untyped-def]
    dossiers.import_dossiers(engine, LIST)
    typed = {"doc_id": "1" * 64, "doc_type": "don_de_nghi", "dossier": B, "text": ""}
    receipt = {"doc_id": "2" * 64, "doc_type": "giay_bien_nhan", "text": "Mã hồ sơ: OOO.12.37.H37-24O327-0030"}
    result = {"doc_id": "3" * 64, "doc_type": "giay_phep", "so_ky_hieu": "38/GP-SCT", "ngay_ban_hanh": "2024-04-12"}
    application = {
        "doc_id": "4" * 64,
        "doc_type": "don_de_nghi",
        "field": "ruou",
        "chu_the": "Hộ kinh doanh Nguyễn Văn An",
        "ngay_ban_hanh": "2024-03-25",
    }
    stranger = {"doc_id": "5" * 64, "doc_type": "don_de_nghi", "field": "ruou", "chu_the": "Công ty Khác Hẳn"}
    for record in (typed, receipt, result, application, stranger):
        dossiers.link_document(engine, record | {"state": "indexed"})
    got = {d[:1]: (link["ma_ho_so"], link["role"], link["how"]) for d, link in dossiers.links(engine).items()}
    assert got == {
        "1": (B, "don_de_nghi", "upload"),
        "2": (A, "giay_bien_nhan", "printed"),
        "3": (A, "ket_qua", "content"),
        "4": (A, "don_de_nghi", "content"),
    }


def test_events_apply_once_and_fill_the_dossier(engine) -> None:  # type: ignore[no-untyped-def]
    received = DossierReceived(
        ma_ho_so=A,
        linh_vuc="ruou",
        chu_the="Hộ kinh doanh An",
        ngay_tiep_nhan=date(2024, 3, 27),
        ngay_hen_tra=date(2024, 4, 10),
    )
    event = decode_dossier_event(encode(received))  # as it comes off the bus
    assert dossiers.apply_event(engine, event) is True
    assert dossiers.apply_event(engine, event) is False  # redelivered: nothing changes
    returned = DossierReturned(
        ma_ho_so=A, ngay_tra_ket_qua=date(2024, 4, 12), ket_qua_so_ky_hieu="38/GP-SCT", trang_thai="da_tra_ket_qua"
    )
    assert dossiers.apply_event(engine, returned) is True
    found = dossiers.get_dossier(engine, A)
    assert (
        found is not None and found["chu_the"] == "Hộ kinh doanh An" and found["ngay_tra_ket_qua"] == date(2024, 4, 12)
    )


def test_the_report_counts_digitized_missing_late_and_slow_digitization(engine) -> None:  # type: ignore[no-untyped-def]
    dossiers.import_dossiers(engine, LIST)
    soon = datetime(2024, 4, 14, tzinfo=UTC).isoformat()  # 2 days after A's result was returned
    early = datetime(2024, 4, 5, tzinfo=UTC).isoformat()  # 3 days after B was received
    late = (datetime(2024, 4, 12, tzinfo=UTC) + timedelta(days=30)).isoformat()
    records = {
        "a1": {"doc_id": "a1", "doc_type": "don_de_nghi", "dossier": A, "state": "indexed", "processed_at": soon},
        "a2": {"doc_id": "a2", "doc_type": "giay_bien_nhan", "dossier": A, "state": "indexed", "processed_at": soon},
        "a3": {"doc_id": "a3", "doc_type": "giay_phep", "dossier": A, "state": "indexed", "processed_at": late},
        "b1": {"doc_id": "b1", "doc_type": "giay_bien_nhan", "dossier": B, "state": "indexed", "processed_at": early},
    }
    dossiers.link_all(engine, records.values())
    data = dossiers.report(engine, records.get, date(2024, 3, 1), date(2024, 4, 30), lag_days=7)
    rows = {r["ma_ho_so"]: r for r in data["dossiers"]}
    assert (data["received"], data["digitized"], data["late"], data["late_digitization"]) == (2, 1, 1, 1)
    assert rows[A]["digitized"] and rows[A]["late"] and rows[A]["late_digitization"] and rows[A]["max_lag_days"] == 30
    assert rows[B]["missing"] == ["don_de_nghi"] and not rows[B]["late"]
    assert data["by_field"]["ruou"] == {"received": 1, "digitized": 1, "late": 1}
    outside = dossiers.report(engine, records.get, date(2024, 4, 1), date(2024, 4, 30))
    assert outside["received"] == 1  # only B was received in April


def test_dump_gives_the_linked_dossier_and_the_role(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.unit.fake_pipeline import fake_file
    from workers.context import Context
    from workers.ingest import ingest_paths

    settings = make_settings(tmp_path / "home")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "don.png").write_bytes(fake_file(b"application"))
    (folder / "khac.png").write_bytes(fake_file(b"something else"))
    with Context.open(settings) as ctx:
        report = ingest_paths(ctx, [folder], batch="d")
        for f in report.files:
            ctx.index.upsert(
                f.doc_id, {"state": "indexed", "doc_type": "don_de_nghi" if f.filename == "don.png" else "thong_bao"}
            )
        dossiers.import_dossiers(ctx.database(), LIST)
        dossiers.link_staff(ctx.database(), report.files[0].doc_id, A, None, {"doc_type": "don_de_nghi"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(settings.home)}
    out = subprocess.run(
        [sys.executable, "-m", "workers.cli", "dump"], cwd=Path(__file__).resolve().parents[2], env=env,
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    rows = {r["filename"]: (r["ma_ho_so"], r["dossier_role"]) for r in map(json.loads, out.splitlines())}
    assert rows == {"don.png": (A, "don_de_nghi"), "khac.png": (None, None)}
