"""With Elasticsearch stopped the API says it is not ready (and which backend is down) while it stays
live; when Elasticsearch is back, it is ready again without a restart."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faults.conftest import Services, settings_env
from workers.settings import Settings

pytestmark = [pytest.mark.live]


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait(url: str, status: int, timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            code, body = _get(url)
            if code == status:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never answered {status}")
        time.sleep(0.5)


def test_readiness_follows_elasticsearch_and_liveness_does_not(
    fault_settings: Settings, services: Services, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, "-m", "workers.cli", "serve", "--port", str(port), "--workers", "0"]
    serve = subprocess.Popen(args, cwd=ROOT, env=settings_env(fault_settings), stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1/health"
    try:
        ready = _wait(f"{base}/ready", 200, 60)
        assert ready["checks"] == {"bus": "ok", "store": "ok", "index": "ok", "database": "ok"}
        services.stop("es")
        down = _wait(f"{base}/ready", 503, 30)
        checks = down["checks"]
        assert isinstance(checks, dict) and checks["index"].startswith("down")
        assert checks["bus"] == checks["store"] == checks["database"] == "ok"
        assert _get(f"{base}/live")[0] == 200  # not a reason to restart the API
        services.start("es")
        back = _wait(f"{base}/ready", 200, 90)  # the same process, no restart
        assert back["status"] == "ready"
        assert serve.poll() is None
    finally:
        serve.terminate()
        serve.wait(timeout=30)
