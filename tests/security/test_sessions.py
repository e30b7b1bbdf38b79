"""Sessions and API tokens against a real server: a password reset ends both, tokens expire and are
revoked one by one (API and command line)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from tests.conftest import ROOT
from tests.security.conftest import Live, server_env
from workers.db import api_tokens


def _me(live: Live, token: str) -> httpx.Response:
    return httpx.get(f"{live.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_password_reset_ends_the_users_sessions_and_tokens(live: Live) -> None:
    admin = live.auth("admin")
    made = httpx.post(f"{live.url}/api/v1/users", headers=admin, json={"name": "bi-lo", "role": "staff"})
    assert made.status_code == 201, made.text
    password = made.json()["password"]
    token = httpx.post(f"{live.url}/api/v1/users/bi-lo/tokens", headers=admin).json()["token"]
    browser = httpx.Client(base_url=live.url)
    assert live.sign_in(browser, "bi-lo", password) == 303
    assert browser.get("/api/v1/me").status_code == 200 and _me(live, token).status_code == 200

    reset = httpx.patch(f"{live.url}/api/v1/users/bi-lo", headers=admin, json={"password": "mat-khau-moi-123"})
    assert reset.status_code == 200, reset.text
    assert browser.get("/api/v1/me").status_code == 401  # the session ended
    revoked = _me(live, token)
    assert revoked.status_code == 401 and revoked.json()["code"] == "bad_token"
    assert httpx.get(f"{live.url}/api/v1/tokens", headers=admin, params={"user": "bi-lo"}).json() == []


def test_tokens_expire_and_are_revoked_one_by_one(live: Live) -> None:
    admin = live.auth("admin")
    url = f"{live.url}/api/v1/users/staff/tokens"
    short = httpx.post(url, headers=admin, params={"label": "ngan", "days": 1}).json()
    default = httpx.post(url, headers=admin, params={"label": "mac-dinh"}).json()
    expires = datetime.fromisoformat(default["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=89) < expires <= timedelta(days=90)
    listed = httpx.get(f"{live.url}/api/v1/tokens", headers=admin, params={"user": "staff"}).json()
    assert {short["id"], default["id"]} <= {t["id"] for t in listed}
    assert all("token" not in t and "digest" not in t for t in listed)

    gone = httpx.delete(f"{live.url}/api/v1/tokens/{short['id']}", headers=admin)
    assert gone.status_code == 200 and gone.json()["user"] == "staff"
    assert _me(live, short["token"]).status_code == 401
    assert _me(live, default["token"]).status_code == 200  # the others still work
    assert httpx.delete(f"{live.url}/api/v1/tokens/{short['id']}", headers=admin).status_code == 404

    with closing(live.db()) as db, db.engine.begin() as conn:  # the day passes
        passed = update(api_tokens).where(api_tokens.c.id == default["id"])
        conn.execute(passed.values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
    expired = _me(live, default["token"])
    assert expired.status_code == 401 and expired.json()["code"] == "bad_token"


def test_the_command_line_lists_and_revokes_tokens(live: Live) -> None:
    cli = [sys.executable, "-m", "workers.cli", "user"]
    env = server_env(live.home)

    def run(*args: str) -> str:
        done = subprocess.run([*cli, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    token = run("token", "operator2", "--label", "may-quet", "--days", "7").strip()
    assert _me(live, token).status_code == 200
    line = next(line for line in run("tokens", "operator2").splitlines() if "may-quet" in line)
    token_id = line.split()[0]
    assert "revoked" in run("revoke", token_id)
    assert _me(live, token).status_code == 401
