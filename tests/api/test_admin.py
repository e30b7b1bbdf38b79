"""Users, tokens and the audit log (API, admin page and ``sohoa user``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.conftest import make_settings
from workers.appdb import AppDB
from workers.cli import main


def test_users_api(world: World) -> None:
    admin = world.as_role("admin")
    created = world.client.post("/api/v1/users", headers=admin, json={"name": "Lan.Nguyen", "role": "staff"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "lan.nguyen" and body["role"] == "staff" and len(body["password"]) >= 12
    assert world.db.authenticate("lan.nguyen", body["password"]) is not None
    dup = world.client.post("/api/v1/users", headers=admin, json={"name": "lan.nguyen", "role": "staff"})
    assert dup.status_code == 400 and dup.json()["code"] == "user_exists"
    bad_role = world.client.post("/api/v1/users", headers=admin, json={"name": "x1", "role": "boss"})
    assert bad_role.json()["code"] == "bad_role"
    patched = world.client.patch("/api/v1/users/lan.nguyen", headers=admin, json={"role": "admin"}).json()
    assert patched["role"] == "admin"
    token = world.client.post("/api/v1/users/lan.nguyen/tokens", headers=admin).json()["token"]
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"name": "lan.nguyen", "role": "admin", "via": "token"}
    world.client.patch("/api/v1/users/lan.nguyen", headers=admin, json={"active": False})
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    names = {u["name"]: u for u in world.client.get("/api/v1/users", headers=admin).json()}
    assert names["lan.nguyen"]["active"] is False and names["lan.nguyen"]["tokens"] == 0


def test_admins_cannot_lock_themselves_out(world: World) -> None:
    response = world.client.patch("/api/v1/users/admin", headers=world.as_role("admin"), json={"role": "staff"})
    assert response.status_code == 400
    assert world.db.get_user("admin").role == "admin"  # type: ignore[union-attr]


def test_audit_api_filters(world: World) -> None:
    admin = world.as_role("admin")
    world.client.get(f"/api/v1/documents/{world.doc}/original", headers=world.as_role("staff"))
    body = world.client.get("/api/v1/audit", headers=admin, params={"action": "download_original"}).json()
    assert body["total"] == 1
    entry = body["entries"][0]
    assert entry["user"] == "staff" and entry["target"] == world.doc and entry["at"].endswith("+00:00")


def test_admin_page_creates_users_tokens_and_imports_the_register(world: World) -> None:
    client = TestClient(world.app)
    csrf = world.sign_in(client, "admin", "admin-password")
    page = client.post("/admin/users", data={"csrf_token": csrf, "name": "hoa", "role": "operator"})
    assert page.status_code == 200 and "Đã tạo người dùng hoa" in page.text
    password = re.search(r'id="secret-value">([^<]+)<', page.text)
    assert password and world.db.authenticate("hoa", password.group(1))
    token_page = client.post("/admin/users/hoa", data={"csrf_token": csrf, "action": "token"})
    token = re.search(r'id="secret-value">(sohoa_[^<]+)<', token_page.text)
    assert token and world.db.token_user(token.group(1)).name == "hoa"  # type: ignore[union-attr]
    role_page = client.post("/admin/users/hoa", data={"csrf_token": csrf, "role": "staff", "active": "on"})
    assert role_page.status_code == 200 and world.db.get_user("hoa").role == "staff"  # type: ignore[union-attr]
    register = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n1/GP-SCT,GP,2023-01-02,,A,ruou\nx,,,,,\n"
    imported = client.post(
        "/admin/register", data={"csrf_token": csrf}, files={"file": ("so.csv", register.encode(), "text/csv")}
    )
    assert "thêm 1" in imported.text and "Dòng 3" in imported.text, re.findall(r"alert error[^<]*", imported.text)
    audit_page = client.get("/audit")
    for action in ("Thêm người dùng", "Tạo API token", "Nhập sổ theo dõi", "Đăng nhập"):
        assert action in audit_page.text
    filtered = client.get("/audit", params={"action": "user_add"})
    assert "Tạo API token" not in filtered.text.split("<tbody>")[1]


def test_cli_user_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "home"))
    assert main(["user", "ensure-demo"]) == 0
    assert main(["user", "ensure-demo"]) == 0
    assert main(["user", "add", "ops1", "--role", "operator"]) == 0  # no terminal: a password is generated
    out = capsys.readouterr().out
    assert "demo / sohoa-demo (admin)" in out
    generated = re.search(r"password: (\S+)", out)
    assert generated
    assert main(["user", "token", "ops1"]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["user", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert '"name": "demo", "role": "admin"' in listed and '"tokens": 1' in listed
    assert main(["user", "add", "ops1", "--role", "staff", "--password", "long-enough"]) == 2  # exists
    capsys.readouterr()
    assert main(["user", "add", "Ops2", "--role", "staff", "--password", "long-enough"]) == 0
    assert "sign in as ops2" in capsys.readouterr().out  # the name is stored in lower case, and it says so
    db = AppDB.open(make_settings(tmp_path / "home"))  # the same home: its secret key, made by the first command
    try:
        assert db.authenticate("demo", "sohoa-demo") is not None
        assert db.authenticate("ops1", generated.group(1)) is not None
        assert db.token_user(token).name == "ops1"  # type: ignore[union-attr]
        db.set_password("demo", "changed-it")
    finally:
        db.close()
    assert main(["user", "ensure-demo"]) == 0  # resets the documented demo password
    db = AppDB.open(make_settings(tmp_path / "home"))  # the same home: its secret key, made by the first command
    try:
        assert db.authenticate("demo", "sohoa-demo") is not None
    finally:
        db.close()
