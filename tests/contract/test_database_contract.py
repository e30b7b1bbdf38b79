"""The relational store, the same suite over SQLite (embedded) and the real PostgreSQL: migrations are
idempotent and safe to run from several processes at once, and concurrent writers lose nothing."""

from __future__ import annotations

import multiprocessing
from datetime import date

from sqlalchemy import Engine, select, text

from workers import dossiers
from workers.db import MIGRATIONS, dossier_links, migrate, open_database
from workers.settings import Settings

HEADER = ",".join(dossiers.COLUMNS)


def _row(i: int, **over: str) -> str:
    values = {
        "ma_ho_so": f"000.12.37.H37-240301-{i:04d}",
        "thu_tuc": "Cấp Giấy phép bán lẻ rượu",
        "linh_vuc": "ruou",
        "chu_the": f"Hộ kinh doanh Số {i}",
        "ngay_tiep_nhan": "2024-03-01",
        "ngay_hen_tra": "15/03/2024",
        "ngay_tra_ket_qua": "",
        "trang_thai": "dang_xu_ly",
        "ket_qua_so_ky_hieu": "",
        "ket_qua_ngay_ban_hanh": "",
    } | over
    return ",".join(values[c] for c in dossiers.COLUMNS)


def test_migrations_are_idempotent(db_settings: Settings) -> None:
    engine = open_database(db_settings)
    assert migrate(engine) == len(MIGRATIONS)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    engine.dispose()


def _open_and_import(settings: Settings, start: int, count: int) -> None:
    engine = open_database(settings)  # every process migrates on open: they race on purpose
    rows = "\n".join(_row(i) for i in range(start, start + count))
    dossiers.import_dossiers(engine, f"{HEADER}\n{rows}\n".encode(), "list.csv")
    engine.dispose()


def test_two_processes_opening_and_importing_at_once_lose_nothing(db_settings: Settings) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_and_import, args=(db_settings, start, 40)) for start in (0, 20)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    engine = open_database(db_settings)
    codes = {d["ma_ho_so"] for d in dossiers.all_dossiers(engine)}
    assert codes == {f"000.12.37.H37-240301-{i:04d}" for i in range(60)}  # the overlap once, nothing lost
    engine.dispose()


def test_a_document_is_linked_to_one_dossier_at_most(db_settings: Settings) -> None:
    engine = open_database(db_settings)
    dossiers.import_dossiers(engine, f"{HEADER}\n{_row(1)}\n{_row(2)}\n".encode())
    record = {"doc_id": "d" * 64, "doc_type": "don_de_nghi", "dossier": "000.12.37.H37-240301-0001"}
    assert dossiers.link_document(engine, record) == "000.12.37.H37-240301-0001"
    dossiers.link_staff(engine, "d" * 64, "000.12.37.H37-240301-0002", None, record)
    assert dossiers.link_document(engine, record) == "000.12.37.H37-240301-0002"  # staff wins
    with engine.connect() as conn:
        rows = conn.execute(select(dossier_links)).mappings().all()
    assert [(r["ma_ho_so"], r["how"]) for r in rows] == [("000.12.37.H37-240301-0002", "staff")]
    engine.dispose()


def test_dates_come_back_as_dates(db_settings: Settings) -> None:
    engine: Engine = open_database(db_settings)
    dossiers.import_dossiers(engine, f"{HEADER}\n{_row(7)}\n".encode())
    (found,) = dossiers.all_dossiers(engine)
    assert found["ngay_tiep_nhan"] == date(2024, 3, 1) and found["ngay_hen_tra"] == date(2024, 3, 15)
    engine.dispose()
