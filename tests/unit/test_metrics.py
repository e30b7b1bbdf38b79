"""/metrics after a small batch: the counters and histograms hold the batch's real figures; the workers'
HTTP port answers health and metrics."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.unit.fake_pipeline import fake_file
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker
worker.process = fake_process
sys.exit(cli.main(sys.argv[1:]))
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 20.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_after_a_batch_and_the_worker_http_port(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"a.png": b"one", "b.png": b"two", "c.png": b"BAD three"}.items():
        (folder / name).write_bytes(fake_file(text))
    (folder / "d.png").write_bytes(b"GIF89a not a png")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PROMETHEUS_"))}
    env |= {"SOHOA_HOME": str(settings.home)}
    ingest = [sys.executable, "-m", "workers.cli", "ingest", str(folder), "--batch", "m"]
    subprocess.run(ingest, cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)

    worker_port = _port()
    worker = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "worker", "-j", "1"],
        cwd=ROOT,
        env=env | {"SOHOA_WORKER_HTTP_PORT": str(worker_port)},
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            status, text = _get(f"http://127.0.0.1:{worker_port}/metrics")
            done = _samples(text)
            finished = sum(v for (n, _), v in done.items() if n == "sohoa_documents_total")
            if finished >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert finished == 3, text
        assert _get(f"http://127.0.0.1:{worker_port}/health/live")[0] == 200
        assert _get(f"http://127.0.0.1:{worker_port}/health/ready")[0] == 200
        assert done[("sohoa_backlog", (("partition", "0"), ("topic", "sohoa.file.uploaded")))] == 0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    # after the worker stopped, its heartbeat is gone: nothing live on this home
    api_port = _port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "serve", "--port", str(api_port), "--workers", "0"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _get(f"http://127.0.0.1:{api_port}/api/v1/health/live")[0] == 200
        status, ready = _get(f"http://127.0.0.1:{api_port}/api/v1/health/ready")
        assert status == 200 and '"index":"ok"' in ready.replace(" ", "")
        _, text = _get(f"http://127.0.0.1:{api_port}/metrics")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    values = _samples(text)
    assert values[("sohoa_documents_total", (("code", ""), ("outcome", "indexed")))] == 2
    assert values[("sohoa_documents_total", (("code", "corrupt_file"), ("outcome", "failed")))] == 1
    assert values[("sohoa_pages_total", (("route", "ocr"),))] == 2
    assert values[("sohoa_stage_seconds_count", (("stage", "download"),))] == 2
    assert values[("sohoa_document_seconds_count", ())] == 2
    assert values[("sohoa_uploads_total", (("status", "queued"),))] == 3
    assert values[("sohoa_uploads_total", (("status", "rejected"),))] == 1
    assert values[("sohoa_upload_bytes_total", ())] == sum(
        p.stat().st_size for p in folder.iterdir() if p.name != "d.png"
    )
    health_calls = [
        v
        for (n, labels), v in values.items()
        if n == "sohoa_http_request_seconds_count" and ("route", "/api/v1/health/live") in labels
    ]
    assert health_calls == [1.0]
    # labels are bounded: no document id or file name anywhere
    assert "a.png" not in text and not any(len(v) == 64 for (_, labels) in values for _, v in labels)
