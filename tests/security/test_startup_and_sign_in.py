"""``sohoa serve`` start-up checks and sign-in throttling, against real server processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.security.conftest import Live, free_port, server_env, start_serve, stop, wait_ready


def _ensure_demo(home: Path) -> None:
    cli = [sys.executable, "-m", "workers.cli", "user", "ensure-demo"]
    subprocess.run(cli, env=server_env(home), cwd=ROOT, check=True, capture_output=True, timeout=60)


def test_serve_refuses_a_network_address_while_the_demo_password_is_in_use(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _ensure_demo(home)
    log = tmp_path / "serve.log"
    refused = start_serve(home, log, "--host", "0.0.0.0", "--port", str(free_port()))
    try:
        assert refused.wait(60) == 78  # EX_CONFIG
    finally:
        stop(refused)
    assert "--allow-demo" in log.read_text() and "demo" in log.read_text()

    port = free_port()
    allowed = start_serve(home, log, "--host", "0.0.0.0", "--port", str(port), "--allow-demo")
    try:
        wait_ready(f"http://127.0.0.1:{port}", allowed, log)
    finally:
        stop(allowed)

    port = free_port()
    loopback = start_serve(home, log, "--host", "127.0.0.1", "--port", str(port))
    try:
        wait_ready(f"http://127.0.0.1:{port}", loopback, log)
    finally:
        stop(loopback)
    assert "documented password" in log.read_text()  # warned on loopback


def test_sign_in_throttling_cannot_lock_an_account_out(live: Live) -> None:
    with httpx.Client(base_url=live.url) as attacker:
        statuses = [live.sign_in(attacker, "staff", "sai-mat-khau") for _ in range(10)]
        assert set(statuses) == {401}
        assert live.sign_in(attacker, "staff") == 429  # this address, this account: throttled
        assert live.sign_in(attacker, "admin") == 303  # another account from the same address: fine
    with httpx.Client(base_url=live.url, headers={"X-Forwarded-For": "203.0.113.5"}) as forged:
        # The header comes from no trusted proxy (none is configured): it changes nothing.
        assert live.sign_in(forged, "staff") == 429
    # The owner, from another address, still signs in: tests/api/test_auth.py shows it behind a proxy.
