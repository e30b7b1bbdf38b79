"""Liveness and readiness, for the API and for worker processes.

* API readiness (:func:`check_backends`): the bus, store, index and database each answer a cheap call
  within a timeout; the answer says which one is down.
* Workers write a heartbeat file (:class:`Heartbeat`) from their loop and from the thread that keeps a
  long document's lease: *live* while it is fresh (a worker waiting out an outage is live, one stuck in
  a loop that never comes back is not), *ready* while its last call to the bus succeeded.
  :func:`worker_status` reads them for the worker's HTTP port (:func:`serve_worker_http`).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .logs import get_logger
from .settings import Settings

log = get_logger(__name__)

FRESH_SECONDS = 120.0
"""A heartbeat older than this means the worker is stuck (the keepalive thread beats every few seconds
even while a long document is read)."""


def heartbeat_dir(settings: Settings) -> Path:
    return settings.home / "run"


class Heartbeat:
    """This process's heartbeat file; writes at most once a second."""

    def __init__(self, settings: Settings) -> None:
        self.path = heartbeat_dir(settings) / f"worker-{os.getpid()}.json"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._last = 0.0
        self._ready = False
        self._lock = threading.Lock()

    def beat(self, ready: bool | None = None) -> None:
        with self._lock:
            changed = ready is not None and ready != self._ready
            if ready is not None:
                self._ready = ready
            now = time.time()
            if not changed and now - self._last < 1.0:
                return
            self._last = now
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"ready": self._ready, "at": now, "pid": os.getpid()}))
            tmp.replace(self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def worker_status(settings: Settings, now: float | None = None) -> dict[str, Any]:
    """``{"live": bool, "ready": bool, "workers": n}`` over every fresh heartbeat under the home."""
    now = now or time.time()
    beats = []
    for path in heartbeat_dir(settings).glob("worker-*.json"):
        try:
            beat = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if now - float(beat.get("at", 0)) <= FRESH_SECONDS:
            beats.append(beat)
    return {"live": bool(beats), "ready": any(b.get("ready") for b in beats), "workers": len(beats)}


def check_backends(checks: Mapping[str, Callable[[], object]], timeout: float = 3.0) -> dict[str, str]:
    """Run each check in parallel; ``name -> "ok"`` or ``"down: reason"`` (a check that takes longer than
    ``timeout`` is down)."""
    results: dict[str, str] = {}
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(checks) or 1)
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
                results[name] = "ok"
            except concurrent.futures.TimeoutError:
                results[name] = f"down: no answer within {timeout:g} s"
            except Exception as exc:  # a check reports any failure as "down", with its reason
                results[name] = f"down: {getattr(exc, 'code', type(exc).__name__)}"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results


def serve_worker_http(settings: Settings, metrics_body: Callable[[], tuple[bytes, str]]) -> ThreadingHTTPServer | None:
    """``/metrics``, ``/health/live`` and ``/health/ready`` of the workers on ``settings.worker_http_port``
    (off when 0), in a daemon thread."""
    if not settings.worker_http_port:
        return None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                body, content_type = metrics_body()
                self._send(200, body, content_type)
                return
            if self.path in ("/health/live", "/health/ready"):
                status = worker_status(settings)
                ok = status["live"] if self.path.endswith("live") else status["ready"]
                self._send(200 if ok else 503, json.dumps(status).encode(), "application/json")
                return
            self._send(404, b"not found\n", "text/plain")

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:  # scrapes every few seconds: not worth a log line
            pass

    server = ThreadingHTTPServer((settings.worker_http_host, settings.worker_http_port), Handler)
    threading.Thread(target=server.serve_forever, name="sohoa-worker-http", daemon=True).start()
    log.info("worker http", port=settings.worker_http_port)
    return server
