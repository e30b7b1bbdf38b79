"""A real ``sohoa serve`` (API + web app, no workers) in a temporary home, with one user per role.

The server runs with short body and tight per-client limits so that the hostile-client cases finish
in seconds. Records are seeded in-process on the same embedded home (the index and store are files).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from workers import appdb as appdb_module
from workers.appdb import AppDB
from workers.settings import Settings

USERS = {"operator": "operator", "operator2": "operator", "staff": "staff", "admin": "admin"}
SERVER_ENV = {
    "SOHOA_BODY_IDLE_SECONDS": "2",
    "SOHOA_MAX_REQUESTS_PER_CLIENT": "12",
    "SOHOA_LIMIT_MAX_PIXELS": "4000000",
    "SOHOA_OCR_JOBS": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_") or k.startswith("SOHOA_TEST_")}
    return env | {"SOHOA_HOME": str(home), "PYTHONUNBUFFERED": "1"} | SERVER_ENV | extra


def start_serve(home: Path, log: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "serve", "--workers", "0", *args],
            env=server_env(home, **env),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sohoa serve exited {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/api/v1/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"sohoa serve did not answer:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Live:
    url: str
    port: int
    home: Path
    log: Path
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, name: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}

    def db(self) -> AppDB:
        return AppDB.open(self.settings)

    def sign_in(self, client: httpx.Client, name: str, password: str | None = None) -> int:
        """Sign ``client`` in through the form; returns the status of the POST."""
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token, page.text
        data = {"username": name, "password": password or f"{name}-password", "login_token": token.group(1)}
        return client.post("/login", data=data).status_code


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    base = tmp_path_factory.mktemp("security")
    home = base / "home"
    settings = Settings(home=home)
    rounds, appdb_module.BCRYPT_ROUNDS = appdb_module.BCRYPT_ROUNDS, 4
    tokens: dict[str, str] = {}
    try:
        db = AppDB.open(settings)
        for name, role in USERS.items():
            db.add_user(name, role, f"{name}-password")
            tokens[name] = db.new_token(name)
        db.close()
    finally:
        appdb_module.BCRYPT_ROUNDS = rounds
    port = free_port()
    log = base / "serve.log"
    process = start_serve(home, log, "--host", "127.0.0.1", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log)
        yield Live(url, port, home, log, settings, tokens)
    finally:
        stop(process)
