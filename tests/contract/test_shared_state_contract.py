"""Shared state in the relational store, the same suite over SQLite and the real PostgreSQL: the register,
staff links and corrections (and, below, users, sessions, tokens and the audit log). Several processes
writing at once lose nothing."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workers import appdb as appdb_module
from workers import audit, correction_log
from workers.api.app import create_app
from workers.api.deps import SESSION_COOKIE
from workers.appdb import AppDB
from workers.context import Context
from workers.db import corrections, register_entries, register_link_history, register_links
from workers.errors import NotFoundError, PermanentError
from workers.register import (
    entry_id,
    import_register,
    link_history,
    load_links,
    load_links_for,
    load_register,
    register_info,
    save_link,
)
from workers.settings import Settings

HEADER = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"


def _entry_line(i: int, holder: str = "Công ty Số") -> str:
    return f"{i}/GP-SCT,Giấy phép bán lẻ rượu,2023-{1 + i % 12:02d}-{1 + i % 28:02d},,{holder} {i},ruou\n"


def _register(numbers: range, holder: str = "Công ty Số") -> bytes:
    return (HEADER + "".join(_entry_line(i, holder) for i in numbers)).encode()


def _entry(i: int) -> dict[str, str]:
    return {"so_ky_hieu": f"{i}/GP-SCT", "ngay_ban_hanh": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"}


def _doc(i: int) -> str:
    return f"{i:064x}"


@pytest.fixture
def ctx(db_settings: Settings) -> Iterator[Context]:
    with Context.open(db_settings) as context:
        yield context


def _count(ctx: Context, table: object) -> int:
    with ctx.database().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_register_import_adds_updates_and_never_duplicates(ctx: Context) -> None:
    first = import_register(ctx, _register(range(1, 11)), "register.csv")
    assert (first.added, first.updated, first.unchanged, first.total) == (10, 0, 0, 10)
    again = import_register(ctx, _register(range(6, 16), holder="Hộ kinh doanh"), "register.csv")
    assert (again.added, again.updated, again.unchanged, again.total) == (5, 5, 0, 15)
    same = import_register(ctx, _register(range(6, 16), holder="Hộ kinh doanh"), "register.csv")
    assert (same.added, same.updated, same.unchanged, same.total) == (0, 0, 10, 15)
    entries = load_register(ctx)
    assert len(entries) == _count(ctx, register_entries) == 15
    assert {e["chu_the"] for e in entries if e["so_ky_hieu"] == "7/GP-SCT"} == {"Hộ kinh doanh 7"}
    assert [e["ngay_ban_hanh"] for e in entries] == sorted(e["ngay_ban_hanh"] for e in entries)
    replaced = import_register(ctx, _register(range(1, 4)), "register.csv", replace=True)
    assert replaced.total == 3 and {e["so_ky_hieu"] for e in load_register(ctx)} == {"1/GP-SCT", "2/GP-SCT", "3/GP-SCT"}
    assert register_info(ctx)["count"] == 3


def test_an_entry_is_linked_to_one_document_and_every_statement_is_kept(ctx: Context) -> None:
    import_register(ctx, _register(range(1, 4)), "register.csv")
    save_link(ctx, _doc(1), _entry(1), "lan")
    with pytest.raises(PermanentError) as clash:
        save_link(ctx, _doc(2), _entry(1), "minh")
    assert clash.value.code == "link_conflict" and _doc(1) in clash.value.message
    save_link(ctx, _doc(1), _entry(2), "lan")  # the document moves to another entry: its one row changes
    save_link(ctx, _doc(2), _entry(1), "minh")  # ... which frees the first entry
    save_link(ctx, _doc(3), None, "minh")  # "no entry" for many documents: NULLs never clash
    save_link(ctx, _doc(4), None, "minh")
    links = load_links(ctx)
    assert {d: link["entry_id"] for d, link in links.items()} == {
        _doc(1): entry_id("2/GP-SCT", _entry(2)["ngay_ban_hanh"]),
        _doc(2): entry_id("1/GP-SCT", _entry(1)["ngay_ban_hanh"]),
        _doc(3): None,
        _doc(4): None,
    }
    assert load_links_for(ctx, [_doc(2), _doc(9)]) == {_doc(2): links[_doc(2)]}
    assert [(h["action"], h["doc_id"]) for h in link_history(ctx)] == [
        ("link", _doc(1)),
        ("link", _doc(1)),
        ("link", _doc(2)),
        ("unlink", _doc(3)),
        ("unlink", _doc(4)),
    ]


def test_corrections_keep_every_change_in_order(ctx: Context) -> None:
    engine = ctx.database()
    doc = _doc(5)
    correction_log.append(
        engine, doc, {"doc_type": "quyet_dinh", "so_ky_hieu": "1/QĐ"}, {"doc_type": "giay_phep"}, "lan"
    )
    after = correction_log.append(engine, doc, {"so_ky_hieu": "2/QĐ"}, {"so_ky_hieu": "1/QĐ"}, "minh")
    assert after == correction_log.load(engine, doc)
    assert after["fields"] == {"doc_type": "quyet_dinh", "so_ky_hieu": "2/QĐ"}
    assert [(h["by"], h["changes"], h["previous"]) for h in after["history"]] == [
        ("lan", {"doc_type": "quyet_dinh", "so_ky_hieu": "1/QĐ"}, {"doc_type": "giay_phep", "so_ky_hieu": None}),
        ("minh", {"so_ky_hieu": "2/QĐ"}, {"so_ky_hieu": "1/QĐ"}),
    ]
    assert correction_log.load(engine, _doc(6)) == {"fields": {}, "history": []}


def _import_and_link(settings: Settings, numbers: tuple[int, int], docs: tuple[int, int]) -> None:
    with Context.open(settings) as ctx:  # every process opens (and migrates) the database itself
        import_register(ctx, _register(range(*numbers)), "register.csv")
        engine = ctx.database()
        for i in range(*docs):
            save_link(ctx, _doc(i), _entry(i), f"staff{i}")
            correction_log.append(engine, _doc(0), {"nguoi_ky": f"Người {i}"}, {}, f"staff{i}")


def test_two_processes_importing_and_linking_at_once_lose_nothing(db_settings: Settings) -> None:
    spawn = multiprocessing.get_context("spawn")
    jobs = [((1, 61), (1, 21)), ((31, 91), (61, 81))]  # registers overlap on 31..60; links are apart
    procs = [spawn.Process(target=_import_and_link, args=(db_settings, numbers, docs)) for numbers, docs in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    with Context.open(db_settings) as ctx:
        entries = load_register(ctx)
        assert sorted(int(e["so_ky_hieu"].split("/")[0]) for e in entries) == list(range(1, 91))  # once each
        links = load_links(ctx)
        assert set(links) == {_doc(i) for i in [*range(1, 21), *range(61, 81)]}
        assert all(links[_doc(i)]["entry_id"] == entry_id(**_entry(i)) for i in [*range(1, 21), *range(61, 81)])
        assert _count(ctx, register_link_history) == 40
        assert _count(ctx, corrections) == 40
        history = correction_log.load(ctx.database(), _doc(0))["history"]
        assert sorted(h["by"] for h in history) == sorted(f"staff{i}" for i in [*range(1, 21), *range(61, 81)])
        assert _count(ctx, register_links) == 40


# ------------------------------------------------------------------ users, sessions, tokens, audit


@pytest.fixture
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appdb_module, "BCRYPT_ROUNDS", 4)


def test_users_sessions_tokens_and_the_audit_log(db_settings: Settings, fast_bcrypt: None) -> None:
    with closing(AppDB.open(db_settings)) as db:
        lan = db.add_user("Lan", "staff", "lan-password")
        with pytest.raises(PermanentError) as exists:
            db.add_user("lan", "admin", "other-password")
        assert exists.value.code == "user_exists" and lan.name == "lan"
        assert db.authenticate("lan", "lan-password") == db.get_user("lan")
        assert db.authenticate("lan", "wrong-password") is None

        cookie, csrf = db.new_session(lan)
        assert db.session(cookie) == (lan, csrf)
        token = db.new_token("lan", "script", days=1)
        assert db.token_user(token) == lan
        (listed,) = db.tokens("lan")
        assert listed["label"] == "script" and not listed["expired"] and db.token_count("lan") == 1

        second = db.new_token("lan")
        assert db.revoke_token(db.tokens("lan")[0]["id"]) == "lan" and db.token_user(second) is None
        with pytest.raises(NotFoundError):
            db.revoke_token(10_000)
        db.new_token("lan")
        assert db.revoke_tokens("lan") == 2 and db.token_user(token) is None  # the first one and the new one
        token = db.new_token("lan")
        db.set_password("lan", "new-password")  # a reset signs the user out everywhere
        assert db.session(cookie) is None and db.token_user(token) is None and db.tokens("lan") == []
        db.set_active("lan", False)
        assert db.authenticate("lan", "new-password") is None and db.get_user("lan") is None

        db.claim_batch("lo-1", "lan", "HS-1")
        db.claim_batch("lo-1", "minh", None)  # the first uploader keeps it
        assert db.batch_owners() == {"lo-1": "lan"} and db.batch_dossiers("lan") == ["HS-1"]

        audit.record(db, "lan", "login", None, "10.0.0.1")
        audit.record(db, "lan", "view", "doc-1", "10.0.0.1", page=2)
        audit.record(db, "minh", "view", "doc-2", None)
        total, rows = audit.entries(db, user="lan")
        assert total == 2 and [(e.action, e.target, e.detail) for e in rows] == [
            ("view", "doc-1", {"page": 2}),
            ("login", None, {}),
        ]
        assert audit.entries(db, action="view", limit=1)[0] == 2 and len(audit.entries(db, limit=1)[1]) == 1


def test_audit_time_window_is_a_filter_of_the_query(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # Entries at 23:30 and 00:30 Vietnam time on either side of midnight, and one a day later.
    moments = iter(
        datetime(2026, 3, d, h, 30, tzinfo=UTC)
        for d, h in ((14, 16), (14, 17), (15, 17))  # 23:30, 00:30, next
    )

    class _Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return next(moments)

    monkeypatch.setattr(audit, "datetime", _Clock)
    with closing(AppDB.open(db_settings)) as db:
        for target in ("before", "day", "after"):
            audit.record(db, "lan", "view", target)
        vn = timezone(timedelta(hours=7))
        day = datetime(2026, 3, 15, tzinfo=vn), datetime(2026, 3, 16, tzinfo=vn)
        total, rows = audit.entries(db, since=day[0], until=day[1])
        assert total == 1 and [e.target for e in rows] == ["day"]
        assert [e.target for e in audit.entries(db, since=day[0])[1]] == ["after", "day"]
        assert [e.target for e in audit.entries(db, until=day[0])[1]] == ["before"]
        assert audit.entries(db, user="minh", since=day[0])[0] == 0


def _client_of(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def test_two_app_instances_share_sessions(db_settings: Settings, fast_bcrypt: None, tmp_path: Path) -> None:
    # Two API instances behind a proxy: each its own home (files), one database and one secret key.
    first = db_settings.model_copy(update={"home": tmp_path / "api-1"})
    second = db_settings.model_copy(update={"home": tmp_path / "api-2"})
    with _client_of(first) as one, _client_of(second) as two:
        one.app.state.appdb().add_user("lan", "staff", "lan-password")  # type: ignore[attr-defined]
        page = one.get("/login")
        form_token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert form_token, page.text
        signed_in = one.post(
            "/login",
            data={"username": "lan", "password": "lan-password", "login_token": form_token.group(1)},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303, signed_in.text
        cookie = signed_in.cookies[SESSION_COOKIE]

        two.cookies.set(SESSION_COOKIE, cookie)
        me = two.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["name"] == "lan"
        assert audit.entries(two.app.state.appdb(), action="login")[0] == 1  # type: ignore[attr-defined]

        two.app.state.appdb().end_session(cookie)  # type: ignore[attr-defined]  # signing out on one ...
        assert one.get("/api/v1/me").status_code == 401  # ... is for both (``one`` kept the cookie it was given)
